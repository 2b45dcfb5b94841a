//! Why a panel package or a result bundle was refused: one reason per way a file can be
//! wrong, so the person holding the USB stick is told what happened, not just "invalid".

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refusal {
    #[error("not a readable container: {detail}")]
    NotAContainer { detail: String },
    #[error("file too large: {bytes} bytes")]
    TooLarge { bytes: u64 },
    #[error("too many entries: {count}")]
    TooManyEntries { count: usize },
    #[error("unexpected entry {name}")]
    UnexpectedEntry { name: String },
    #[error("entry {name} appears twice")]
    DuplicateEntry { name: String },
    #[error("missing entry {name}")]
    MissingEntry { name: String },
    #[error("entry {name} too large: {bytes} bytes")]
    OversizedEntry { name: String, bytes: u64 },
    #[error("entry {name} is compressed; entries must be stored")]
    CompressedEntry { name: String },
    #[error("entry {name}: its local header does not match the directory, or the entries are not laid out back to back")]
    HeaderMismatch { name: String },
    #[error("entry {name}: its CRC-32 does not match its bytes")]
    CrcMismatch { name: String },
    #[error("the file is not laid out exactly as written: it was altered")]
    NotCanonical,
    #[error("malformed signature entry")]
    MalformedSignature,
    #[error("the signature does not verify")]
    SignatureInvalid,
    #[error("weak or invalid public key")]
    BadPublicKey,
    #[error("signed by a key other than the one the file names")]
    KeyMismatch,
    #[error("not a {expected}: {found}")]
    WrongFormat { expected: String, found: String },
    #[error("format version {found} not supported (this build reads {supported})")]
    UnsupportedVersion { found: u32, supported: u32 },
    #[error("content of {name} does not match its hash")]
    ContentMismatch { name: String },
    #[error("malformed content: {detail}")]
    Malformed { detail: String },
    #[error("bundle for another package ({found})")]
    OtherPackage { found: String },
    #[error("expert {expert} is not on this package's roster")]
    NotOnRoster { expert: String },
    #[error("expert {expert} signed with key {fingerprint}, which is not registered for them in this review")]
    KeyNotRegistered { expert: String, fingerprint: String },
    #[error("expert {expert}'s key {fingerprint} was revoked")]
    KeyRevoked { expert: String, fingerprint: String },
    #[error("a result for another review ({found})")]
    OtherReview { found: String },
    #[error("sequence {found} is out of range (1 to 9999)")]
    SequenceOutOfRange { found: u64 },
    #[error("the scores are sealed to someone other than this clerk")]
    SealedToOther,
    #[error("the sealed scores are damaged: {detail}")]
    SealedDamaged { detail: String },
    #[error("sequence {found} is older than {seen}, already received")]
    Replayed { found: u64, seen: u64 },
    #[error("sequence {sequence} already received with other content")]
    ConflictingSequence { sequence: u64 },
    #[error("the previous-bundle link does not match")]
    BrokenChain,
    #[error("the header counts {scored} scored and {recused} recused items, the scores do not")]
    CountsMismatch { scored: u64, recused: u64 },
    #[error("nomination {nomination_id}: {problem}")]
    InvalidItem {
        nomination_id: i64,
        problem: ItemProblem,
    },
    #[error("a tally for meeting ballot {found}, not ballot {expected}")]
    OtherBallot { found: i64, expected: i64 },
    #[error("the tally's ballot {ballot} is not the ballot as opened: {what}")]
    BallotMismatch { ballot: i64, what: String },
    #[error("meeting ballot {ballot} is already counted")]
    BallotCounted { ballot: i64 },
    #[error("the tally names {named} as chair; ballot {ballot}'s chair is {chair}")]
    NotTheChair {
        ballot: i64,
        named: String,
        chair: String,
    },
    #[error("the signed tally is not the one last written for ballot {ballot}: it was changed, or a newer tally was written since")]
    TallyChanged { ballot: i64 },
    #[error("the tally cannot be what happened in the room: {en}")]
    ImpossibleTally { zh: String, en: String },
    #[error("the vote was not cast on the ballot paper written for meeting ballot {ballot}")]
    NotThisPaper { ballot: i64 },
    #[error("{expert} is not among the voters of meeting ballot {ballot}")]
    NotAVoter { ballot: i64, expert: String },
    #[error("the vote's marks do not answer the ballot: {problem}")]
    InvalidVote { problem: VoteProblem },
    #[error("{chosen} chosen, but a voter chooses at most {at_most}")]
    TooManyChosen { chosen: u64, at_most: u32 },
    #[error("{expert} already voted on meeting ballot {ballot}, differently: a cast vote is not changed (open a new ballot to vote again)")]
    AlreadyVoted { ballot: i64, expert: String },
}

/// What is wrong with a vote's marks (`invalid_vote`): one mark for each nomination of the
/// ballot, in the ballot's order, each a word of the ballot's kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum VoteProblem {
    #[error("mark {position} is missing: nomination {nomination_id} has none")]
    Missing { position: usize, nomination_id: i64 },
    #[error("mark {position} (nomination {nomination_id}) is one more than the ballot has")]
    Extra { position: usize, nomination_id: i64 },
    #[error("mark {position} names nomination {nomination_id}, which is not on the ballot")]
    NotOnBallot { position: usize, nomination_id: i64 },
    #[error("mark {position} names nomination {found}; the ballot's entry there is {expected} (out of order, or twice)")]
    OutOfOrder {
        position: usize,
        found: i64,
        expected: i64,
    },
    #[error("mark {position} (nomination {nomination_id}) is \"{mark}\", not a word of this ballot ({allowed})")]
    WrongWord {
        position: usize,
        nomination_id: i64,
        mark: String,
        allowed: String,
    },
}

impl VoteProblem {
    fn message_zh(&self) -> String {
        match self {
            VoteProblem::Missing {
                position,
                nomination_id,
            } => format!("缺少第 {position} 项：推荐对象 {nomination_id} 没有表决意见"),
            VoteProblem::Extra {
                position,
                nomination_id,
            } => format!("第 {position} 项（推荐对象 {nomination_id}）多于选票所列人数"),
            VoteProblem::NotOnBallot {
                position,
                nomination_id,
            } => format!("第 {position} 项的推荐对象 {nomination_id} 不在选票上"),
            VoteProblem::OutOfOrder {
                position,
                found,
                expected,
            } => format!(
                "第 {position} 项是推荐对象 {found}，而选票该处是推荐对象 {expected}（顺序不符或重复）"
            ),
            VoteProblem::WrongWord {
                position,
                nomination_id,
                mark,
                allowed,
            } => format!(
                "第 {position} 项（推荐对象 {nomination_id}）的表决意见“{mark}”不是本选票可用的词（{allowed}）"
            ),
        }
    }
}

/// What is wrong with one item of a bundle's scores (see `package::items`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum ItemProblem {
    #[error("not a nomination of the package")]
    NotInPackage,
    #[error("answered twice")]
    Duplicate,
    #[error("no answer for it")]
    Missing,
    #[error("recused, yet marked")]
    MarksOnRecusal,
    #[error("from the expert's own institution but not recused")]
    OwnInstitutionNotRecused,
    #[error("marked in a mode its category does not use")]
    WrongMode,
    #[error("unknown criterion {key}")]
    UnknownCriterion { key: String },
    #[error("grade {grade} is not on its category's grade list in the package")]
    UnknownGrade { grade: String },
    #[error("{key}: {points} is outside the criterion's range")]
    OutOfRange { key: String, points: String },
    #[error("{key}: {points} is not a whole number of steps")]
    OffStep { key: String, points: String },
    #[error("incomplete")]
    Incomplete,
}

impl ItemProblem {
    pub fn code(&self) -> &'static str {
        match self {
            ItemProblem::NotInPackage => "item_not_in_package",
            ItemProblem::Duplicate => "duplicate_item",
            ItemProblem::Missing => "missing_item",
            ItemProblem::MarksOnRecusal => "marks_on_recusal",
            ItemProblem::OwnInstitutionNotRecused => "own_institution_not_recused",
            ItemProblem::WrongMode => "wrong_scoring_mode",
            ItemProblem::UnknownCriterion { .. } => "unknown_criterion",
            ItemProblem::UnknownGrade { .. } => "unknown_grade",
            ItemProblem::OutOfRange { .. } => "points_out_of_range",
            ItemProblem::OffStep { .. } => "points_off_step",
            ItemProblem::Incomplete => "incomplete_item",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            ItemProblem::NotInPackage => "不是本评审包中的推荐对象".into(),
            ItemProblem::Duplicate => "重复出现".into(),
            ItemProblem::Missing => "没有评分".into(),
            ItemProblem::MarksOnRecusal => "已回避却有评分".into(),
            ItemProblem::OwnInstitutionNotRecused => "为专家本单位推荐，却未回避".into(),
            ItemProblem::WrongMode => "评分方式与其类别不符".into(),
            ItemProblem::UnknownCriterion { key } => format!("评分细则中没有指标“{key}”"),
            ItemProblem::UnknownGrade { grade } => {
                format!("等级“{grade}”不在评审包中该类别的等级表里")
            }
            ItemProblem::OutOfRange { key, points } => {
                format!("指标“{key}”的分值 {points} 超出范围")
            }
            ItemProblem::OffStep { key, points } => {
                format!("指标“{key}”的分值 {points} 不符合分值步长")
            }
            ItemProblem::Incomplete => "评分不完整".into(),
        }
    }
}

fn points_text(points: f64) -> String {
    points.to_string()
}

impl ItemProblem {
    pub fn out_of_range(key: &str, points: f64) -> ItemProblem {
        ItemProblem::OutOfRange {
            key: key.into(),
            points: points_text(points),
        }
    }

    pub fn off_step(key: &str, points: f64) -> ItemProblem {
        ItemProblem::OffStep {
            key: key.into(),
            points: points_text(points),
        }
    }
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotAContainer { .. } => "not_a_container",
            Refusal::TooLarge { .. } => "file_too_large",
            Refusal::TooManyEntries { .. } => "too_many_entries",
            Refusal::UnexpectedEntry { .. } => "unexpected_entry",
            Refusal::DuplicateEntry { .. } => "duplicate_entry",
            Refusal::MissingEntry { .. } => "missing_entry",
            Refusal::OversizedEntry { .. } => "oversized_entry",
            Refusal::CompressedEntry { .. } => "compressed_entry",
            Refusal::HeaderMismatch { .. } => "header_mismatch",
            Refusal::CrcMismatch { .. } => "crc_mismatch",
            Refusal::NotCanonical => "not_canonical",
            Refusal::MalformedSignature => "malformed_signature",
            Refusal::SignatureInvalid => "signature_invalid",
            Refusal::BadPublicKey => "bad_public_key",
            Refusal::KeyMismatch => "key_mismatch",
            Refusal::WrongFormat { .. } => "wrong_format",
            Refusal::UnsupportedVersion { .. } => "unsupported_version",
            Refusal::ContentMismatch { .. } => "content_mismatch",
            Refusal::Malformed { .. } => "malformed_content",
            Refusal::OtherPackage { .. } => "other_package",
            Refusal::NotOnRoster { .. } => "not_on_roster",
            Refusal::KeyNotRegistered { .. } => "key_not_registered",
            Refusal::KeyRevoked { .. } => "key_revoked",
            Refusal::OtherReview { .. } => "other_review",
            Refusal::SequenceOutOfRange { .. } => "sequence_out_of_range",
            Refusal::SealedToOther => "sealed_to_other",
            Refusal::SealedDamaged { .. } => "sealed_damaged",
            Refusal::Replayed { .. } => "replayed_sequence",
            Refusal::ConflictingSequence { .. } => "conflicting_sequence",
            Refusal::BrokenChain => "broken_chain",
            Refusal::CountsMismatch { .. } => "counts_mismatch",
            Refusal::InvalidItem { problem, .. } => problem.code(),
            Refusal::OtherBallot { .. } => "other_ballot",
            Refusal::BallotMismatch { .. } => "ballot_mismatch",
            Refusal::BallotCounted { .. } => "ballot_counted",
            Refusal::NotTheChair { .. } => "not_the_chair",
            Refusal::TallyChanged { .. } => "tally_changed",
            Refusal::ImpossibleTally { .. } => "impossible_tally",
            Refusal::NotThisPaper { .. } => "not_this_paper",
            Refusal::NotAVoter { .. } => "not_a_voter",
            Refusal::InvalidVote { .. } => "invalid_vote",
            Refusal::TooManyChosen { .. } => "too_many_chosen",
            Refusal::AlreadyVoted { .. } => "already_voted",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            Refusal::NotAContainer { detail } => {
                format!("不是有效的文件包（{detail}），可能已损坏")
            }
            Refusal::TooLarge { bytes } => format!("文件过大（{} MB）", bytes >> 20),
            Refusal::TooManyEntries { count } => format!("文件包内条目过多（{count} 个）"),
            Refusal::UnexpectedEntry { name } => format!("文件包内有不应存在的条目“{name}”"),
            Refusal::DuplicateEntry { name } => format!("条目“{name}”重复出现"),
            Refusal::MissingEntry { name } => format!("缺少条目“{name}”"),
            Refusal::OversizedEntry { name, bytes } => {
                format!("条目“{name}”过大（{bytes} 字节）")
            }
            Refusal::CompressedEntry { name } => {
                format!("条目“{name}”经过压缩：本格式的条目必须原样存储（文件被重新打包过）")
            }
            Refusal::HeaderMismatch { name } => {
                format!("条目“{name}”的本地文件头与目录不符，或条目之间有多余字节：文件被改动过")
            }
            Refusal::CrcMismatch { name } => {
                format!("条目“{name}”的 CRC-32 校验值与内容不符：文件已损坏或被改动")
            }
            Refusal::NotCanonical => "文件的字节布局与写出时不同：文件被改动过".into(),
            Refusal::MalformedSignature => "签名条目格式不正确".into(),
            Refusal::SignatureInvalid => {
                "签名校验失败：文件在签名后被改动过，或并非由所称的人签发".into()
            }
            Refusal::BadPublicKey => "公钥无效或为弱密钥".into(),
            Refusal::KeyMismatch => "签名所用的密钥与文件中声明的密钥不一致".into(),
            Refusal::WrongFormat { expected, found } => {
                format!("不是{expected}（而是“{found}”）")
            }
            Refusal::UnsupportedVersion { found, supported } => {
                format!("格式版本 {found} 不受支持（本程序支持版本 {supported}），请升级 PanelDesk")
            }
            Refusal::ContentMismatch { name } => format!("“{name}”的内容与其校验值不符"),
            Refusal::Malformed { detail } => format!("内容格式不正确：{detail}"),
            Refusal::OtherPackage { found } => {
                format!("这是另一份评审包的评分结果（评审包校验值 {found:.16}…）")
            }
            Refusal::NotOnRoster { expert } => format!("专家“{expert}”不在本评审包的专家名单中"),
            Refusal::KeyNotRegistered {
                expert,
                fingerprint,
            } => format!(
                "签名密钥（指纹 {fingerprint}）未登记为专家“{expert}”在本评审中的密钥：请先核对专家签字的指纹确认单并登记"
            ),
            Refusal::KeyRevoked {
                expert,
                fingerprint,
            } => format!("专家“{expert}”的密钥（指纹 {fingerprint}）已被注销，不再接受其签名"),
            Refusal::OtherReview { found } => format!("这是另一项评审（{found}）的评分结果"),
            Refusal::SequenceOutOfRange { found } => {
                format!("序号 {found} 超出允许范围（1–9999）")
            }
            Refusal::SealedToOther => {
                "评分内容是加密给另一位工作人员的，本机密钥无法打开：请确认评审包来自本机".into()
            }
            Refusal::SealedDamaged { detail } => {
                format!("加密的评分内容已损坏（{detail}）")
            }
            Refusal::Replayed { found, seen } => {
                format!("序号 {found} 早于已收到的序号 {seen}：这是旧的评分结果，不会覆盖新的")
            }
            Refusal::ConflictingSequence { sequence } => {
                format!("已收到序号为 {sequence} 但内容不同的评分结果：存在冲突，需核实")
            }
            Refusal::BrokenChain => "与上一份评分结果的链接不符".into(),
            Refusal::CountsMismatch { scored, recused } => format!(
                "文件头声明的评分数、回避数与评分内容不符（内容中评分 {scored} 项、回避 {recused} 项）"
            ),
            Refusal::InvalidItem {
                nomination_id,
                problem,
            } => format!("推荐对象 {nomination_id}：{}", problem.message_zh()),
            Refusal::OtherBallot { found, expected } => {
                format!("这是会评表决 {found} 的计票单，不是表决 {expected} 的")
            }
            Refusal::BallotMismatch { ballot, what } => {
                format!("计票单上的表决 {ballot} 与开启时的表决不一致（{what}）")
            }
            Refusal::BallotCounted { ballot } => {
                format!("会评表决 {ballot} 已经计票，不能再次确认")
            }
            Refusal::NotTheChair {
                ballot,
                named,
                chair,
            } => format!("计票单写明的评审组组长是“{named}”，而表决 {ballot} 的组长是“{chair}”"),
            Refusal::TallyChanged { ballot } => format!(
                "组长签名的计票单不是最近一次为表决 {ballot} 写出的计票单：内容被改动过，或之后又写出过新的计票单"
            ),
            Refusal::ImpossibleTally { zh, .. } => format!("计票结果不可能成立：{zh}"),
            Refusal::NotThisPaper { ballot } => format!(
                "这张选票不是在为会评表决 {ballot} 写出的选票上投的（另一次表决、另一项评审，或未经秘书写出的选票）"
            ),
            Refusal::NotAVoter { ballot, expert } => {
                format!("“{expert}”不在会评表决 {ballot} 的投票人名单中")
            }
            Refusal::InvalidVote { problem } => {
                format!("选票的表决意见与选票不符：{}", problem.message_zh())
            }
            Refusal::TooManyChosen { chosen, at_most } => {
                format!("选了 {chosen} 人，而每位专家最多选 {at_most} 人")
            }
            Refusal::AlreadyVoted { ballot, expert } => format!(
                "已收到“{expert}”在会评表决 {ballot} 中内容不同的选票：已投的票不能更改；如需重新表决，请另开一次会评"
            ),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            Refusal::OtherPackage { found } => {
                format!("a result for another panel package (package hash {found:.16}…)")
            }
            Refusal::SignatureInvalid => "the signature does not verify: the file was changed after signing, or not signed by whom it claims".into(),
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A refusal reads as plain words in both languages; its code travels beside it (the
    /// `code` field, the details line) and never inside the sentence.
    #[test]
    fn a_refused_item_is_told_without_its_code() {
        let refusal = Refusal::InvalidItem {
            nomination_id: 7,
            problem: ItemProblem::Missing,
        };
        for message in [refusal.message_zh(), refusal.message_en()] {
            assert!(!message.contains(refusal.code()), "{message}");
            assert!(!message.contains("missing_item"), "{message}");
            assert!(message.contains('7'), "{message}");
        }
    }
}
