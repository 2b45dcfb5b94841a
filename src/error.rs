//! Typed errors of the core, each with a stable code and a message in Chinese and English.
//!
//! The UI branches on [`Error::code`], never on message text; the messages are what a
//! clerk reads, so they say what went wrong and, where it helps, what to do next in words
//! every edge can show. They never name a command to type: the desktop app has none, and
//! the command line adds its own hint by code.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unknown activity {given:?}")]
    UnknownActivity {
        given: String,
        /// The activities one may name, as (中文, code) pairs.
        choices: Vec<(&'static str, &'static str)>,
    },

    #[error("unknown category {key:?}")]
    UnknownCategory { key: String },

    #[error("year {year} is out of range")]
    YearOutOfRange { year: i32 },

    #[error("review {reference:?} not found")]
    ReviewNotFound { reference: String },

    #[error("no review yet")]
    NoReviews,

    #[error("{path}: not a PanelDesk review file")]
    NotAReviewFile { path: PathBuf },

    #[error("{path}: written by a newer PanelDesk (schema {found}, this build knows {known})")]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },

    #[error("{path}: already exists")]
    AlreadyExists { path: PathBuf },

    #[error("audit log broken at entry {seq}: {reason}")]
    AuditChainBroken { seq: i64, reason: String },

    #[error("{count} stored marks or kept bundles disagree")]
    MarksDiffer { count: usize },

    #[error("the audit log does not hold the anchor {anchor}")]
    AnchorNotFound { anchor: String },

    #[error("{what_en}: {} things to settle first", blockers.len())]
    NotReady {
        what_zh: String,
        what_en: String,
        blockers: Vec<Reason>,
    },

    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("stored data is damaged: {0}")]
    Corrupt(String),

    #[error("flag {flag_id} not found")]
    FlagNotFound { flag_id: i64 },

    /// A flag in a batch to settle was settled before: the whole batch is refused.
    #[error("flag {flag_id} is already settled")]
    FlagAlreadySettled {
        flag_id: i64,
        university: String,
        name: String,
        /// `accepted` or `excluded`.
        status: String,
    },

    #[error("no announcement (公示) set")]
    AnnouncementNotSet,

    #[error("objection {id} not found")]
    ObjectionNotFound { id: i64 },

    #[error("objection {id} already resolved")]
    ObjectionResolved {
        id: i64,
        outcome_zh: String,
        outcome_en: String,
    },

    #[error("a note is required")]
    NoteRequired,

    #[error("a reason is required")]
    ReasonRequired,

    /// The name of who works at this laptop is empty or too long.
    #[error("acting person's name refused: {problem:?}")]
    ActingPersonInvalid { problem: NameProblem },

    #[error("nomination {id} not found")]
    NominationNotFound { id: i64 },

    #[error("no field {key:?} in this activity's nominations")]
    UnknownField { key: String },

    #[error("nomination {id} is already withdrawn")]
    AlreadyWithdrawn { id: i64 },

    /// The register of awarded units is there but cannot be read: import refuses rather
    /// than skip the cross-year checks without a word.
    #[error("{path}: register unreadable: {reason_en}")]
    RegisterUnreadable {
        path: PathBuf,
        reason_zh: String,
        reason_en: String,
    },

    #[error("{failed} of {total} files not imported")]
    ImportIncomplete { failed: usize, total: usize },

    #[error("{failed} of {total} files did not verify")]
    NotAllVerified { failed: usize, total: usize },

    #[error("invalid input: {en}")]
    BadInput { zh: String, en: String },

    #[error("no panel package built yet")]
    NoPackageYet,

    #[error("the rubric of {category_en} went out with {packages} package(s)")]
    RubricLocked {
        category_zh: String,
        category_en: String,
        packages: u32,
    },

    #[error("the rubric of {category_en} still has placeholder criteria")]
    RubricPlaceholders {
        category_zh: String,
        category_en: String,
        criteria: Vec<String>,
    },

    #[error("bad key: {detail}")]
    BadKey { detail: String },

    #[error("passphrase shorter than {min}")]
    PassphraseTooShort { min: usize },

    #[error("passphrase too easy to guess (score {score} of 4)")]
    PassphraseTooWeak { score: u8, hint: String },

    #[error("wrong passphrase")]
    WrongPassphrase,

    #[error("wait {seconds} s before the next passphrase attempt")]
    PassphraseBackoff { seconds: u64 },

    #[error("the clerk's keys are locked")]
    ClerkPassphraseNeeded,

    #[error("no clerk keys yet")]
    ClerkKeysMissing,

    #[error("clerk keys exist")]
    ClerkKeysExist,

    #[error("{path}: refused: {refusal}")]
    Refused {
        path: PathBuf,
        refusal: crate::refusal::Refusal,
    },

    #[error("scoring: {}", .0.en)]
    Rule(Reason),

    #[error("no CJK font found")]
    FontMissing { searched: Vec<PathBuf> },

    #[error("{path}: font unusable")]
    FontUnusable { path: PathBuf },

    #[error("the certificate template has no issuer")]
    CertificateIssuerMissing,

    #[error("{} certificates have characters the font lacks", gaps.len())]
    MissingGlyphs { gaps: Vec<Reason> },

    /// A 会评 ballot opened with a chair is counted only from the tally the chair signed.
    #[error("meeting ballot {ballot} is counted only once its chair {chair} confirms the tally")]
    ChairConfirmationRequired { ballot: i64, chair: String },
}

/// One item of a list inside an error (a blocker, a character the font lacks, a broken
/// entry rule): the domain that found it says it in both languages, so this file needs no
/// domain types and stays at the bottom of the crate.
/// Why a person's name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    TooLong { max: usize, given: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Stable, machine-readable code: the UI and scripts branch on this.
    pub fn code(&self) -> &'static str {
        match self {
            Error::UnknownActivity { .. } => "unknown_activity",
            Error::UnknownCategory { .. } => "unknown_category",
            Error::NotAllVerified { .. } => "not_all_verified",
            Error::BadInput { .. } => "bad_input",
            Error::NoPackageYet => "no_package_yet",
            Error::RubricLocked { .. } => "rubric_locked",
            Error::RubricPlaceholders { .. } => "rubric_placeholders",
            Error::FontMissing { .. } => "font_missing",
            Error::FontUnusable { .. } => "font_unusable",
            Error::MissingGlyphs { .. } => "missing_glyphs",
            Error::CertificateIssuerMissing => "certificate_issuer_missing",
            Error::BadKey { .. } => "bad_key",
            Error::PassphraseTooShort { .. } => "passphrase_too_short",
            Error::PassphraseTooWeak { .. } => "passphrase_too_weak",
            Error::WrongPassphrase => "wrong_passphrase",
            Error::PassphraseBackoff { .. } => "passphrase_backoff",
            Error::ClerkPassphraseNeeded => "clerk_passphrase_needed",
            Error::ClerkKeysMissing => "clerk_keys_missing",
            Error::ClerkKeysExist => "clerk_keys_exist",
            Error::Refused { refusal, .. } => refusal.code(),
            Error::Rule(r) => r.code,
            Error::YearOutOfRange { .. } => "year_out_of_range",
            Error::ReviewNotFound { .. } => "review_not_found",
            Error::NoReviews => "no_reviews",
            Error::NotAReviewFile { .. } => "not_a_review_file",
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::AlreadyExists { .. } => "already_exists",
            Error::AuditChainBroken { .. } => "audit_chain_broken",
            Error::MarksDiffer { .. } => "marks_differ",
            Error::AnchorNotFound { .. } => "anchor_not_found",
            Error::NotReady { .. } => "not_ready",
            Error::Database(_) => "database",
            Error::Io { .. } => "io",
            Error::Corrupt(_) => "corrupt",
            Error::ImportIncomplete { .. } => "import_incomplete",
            Error::FlagNotFound { .. } => "flag_not_found",
            Error::FlagAlreadySettled { .. } => "flag_already_settled",
            Error::AnnouncementNotSet => "announcement_not_set",
            Error::ObjectionNotFound { .. } => "objection_not_found",
            Error::ObjectionResolved { .. } => "objection_resolved",
            Error::NoteRequired => "note_required",
            Error::ReasonRequired => "reason_required",
            Error::ActingPersonInvalid { problem } => match problem {
                NameProblem::Empty => "acting_person_empty",
                NameProblem::TooLong { .. } => "acting_person_too_long",
            },
            Error::NominationNotFound { .. } => "nomination_not_found",
            Error::UnknownField { .. } => "unknown_field",
            Error::AlreadyWithdrawn { .. } => "already_withdrawn",
            Error::RegisterUnreadable { .. } => "register_unreadable",
            Error::ChairConfirmationRequired { .. } => "chair_confirmation_required",
        }
    }

    /// The message in Chinese and in English, written side by side so that neither can be
    /// left out or drift from the other.
    fn messages(&self) -> (String, String) {
        match self {
            Error::UnknownCategory { key } => (
                {
                format!("本评审没有类别“{key}”")
            },
                format!(
                "This review has no category \"{key}\""
            ),
            ),
            Error::NotAllVerified { failed, total } => (
                {
                format!("{total} 个文件中有 {failed} 个未通过校验")
            },
                {
                format!("{failed} of {total} files did not verify")
            },
            ),
            Error::BadInput { zh, en, .. } => (
                format!("输入有误：{zh}"),
                format!("Invalid input: {en}"),
            ),
            Error::FontMissing { searched } => (
                format!(
                "找不到打印用的中文字体（Noto CJK）。请安装 Debian 软件包 fonts-noto-cjk，或用 PANELDESK_FONT_DIR 指定字体文件夹。已查找：{}",
                paths(searched)
            ),
                format!(
                "No Chinese font (Noto CJK) for printing. Install the Debian package fonts-noto-cjk, or point PANELDESK_FONT_DIR at a folder of fonts. Looked for: {}",
                paths(searched)
            ),
            ),
            Error::FontUnusable { path } => (
                format!(
                "字体文件 {} 无法使用（不是字体，或缺少常用汉字/数字）",
                path.display()
            ),
                format!(
                "Font file {} cannot be used (not a font, or lacks common characters or digits)",
                path.display()
            ),
            ),
            Error::CertificateIssuerMissing => (
                "证书模板的“落款单位”（issuer）未填写，不能打印证书：请在证书模板中填写颁发单位的全称".to_string(),
                "The certificate template's issuer (落款单位) is empty, so no certificate can be printed: set the awarding body's full name in the certificate template".to_string(),
            ),
            Error::MissingGlyphs { gaps } => (
                format!(
                "以下证书中有字体无法打印的字符，未生成任何证书：{}。请改用可打印的写法或更换字体",
                gaps.iter()
                    .map(|g| g.zh.as_str())
                    .collect::<Vec<_>>()
                    .join("；")
            ),
                format!(
                "No certificates were made: the font cannot print some characters: {}",
                gaps.iter()
                    .map(|g| g.en.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            ),
            Error::NoPackageYet => (
                {
                "本评审还没有生成评审包，也就没有可汇总的评分".to_string()
            },
                {
                "No panel package has been built for this review, so there are no marks to merge".to_string()
            },
            ),
            Error::RubricPlaceholders { category_zh, criteria, category_en, .. } => (
                format!(
                "“{category_zh}”的评分细则还有未填写的占位项（{}）：请先在“评分细则”页为其命名，再生成评审包",
                criteria.join("、")
            ),
                format!(
                "The rubric of {category_en} still has placeholder criteria ({}): name them on the Rubric tab before building a panel package",
                criteria.join(", ")
            ),
            ),
            Error::RubricLocked { category_zh, packages, category_en, .. } => (
                format!(
                "“{category_zh}”的评分细则和评分方式已随 {packages} 个评审包发出，已锁定：如果现在修改，专家按已发出的评审包交回的评分结果将不再计入，须重新生成评审包并请专家重新评分"
            ),
                format!(
                "The rubric and scoring mode of {category_en} went out with {packages} panel package(s) and are locked: if changed now, the result bundles for the packages already sent would no longer count; a new package must be built and scored again"
            ),
            ),
            Error::BadKey { detail } => (
                format!("密钥无效或已损坏：{detail}"),
                format!("The key is invalid or damaged: {detail}"),
            ),
            Error::PassphraseTooShort { min } => (
                format!("口令至少需要 {min} 个字符"),
                {
                format!("The passphrase needs at least {min} characters")
            },
            ),
            Error::PassphraseTooWeak { score, hint, .. } => (
                {
                "口令太容易被猜到：请换一句只有您知道的话，例如几个互不相关的词加上数字，不要用姓名、生日、单位或常见密码".to_string()
            },
                {
                let hint = if hint.is_empty() { String::new() } else { format!(" ({hint})") };
                format!("The passphrase is too easy to guess{hint}: use a phrase only you know, several unrelated words with a number, not a name, birthday, institution or common password (strength {score} of 4, 3 needed)")
            },
            ),
            Error::WrongPassphrase => (
                "口令不正确".to_string(),
                "Wrong passphrase".to_string(),
            ),
            Error::PassphraseBackoff { seconds } => (
                {
                format!("口令连续输错，请 {seconds} 秒后再试")
            },
                {
                format!("Too many wrong passphrases; try again in {seconds} s")
            },
            ),
            Error::ClerkPassphraseNeeded => (
                {
                "工作人员密钥已加密，请先输入工作人员口令".to_string()
            },
                {
                "The clerk's keys are locked: enter the clerk's passphrase first".to_string()
            },
            ),
            Error::ClerkKeysMissing => (
                "本机还没有工作人员密钥".to_string(),
                "This computer has no clerk keys yet".to_string(),
            ),
            Error::ClerkKeysExist => (
                "本机已有工作人员密钥，不能再新建".to_string(),
                "This computer already has clerk keys".to_string(),
            ),
            Error::ChairConfirmationRequired { ballot, chair } => (
                format!(
                    "会评表决 {ballot} 须由评审组组长“{chair}”用本人密钥确认计票结果：请写出计票文件交组长签名，再导入组长签名的计票文件"
                ),
                format!(
                    "Meeting ballot {ballot} is counted only once its chair, {chair}, confirms the tally with their key: write the tally file for the chair to sign, then confirm the signed file"
                ),
            ),
            Error::Refused { path, refusal } => (
                {
                format!("已拒收 {}：{}", path.display(), refusal.message_zh())
            },
                {
                format!("Refused {}: {}", path.display(), refusal.message_en())
            },
            ),
            Error::Rule(r) => (
                r.zh.clone(),
                r.en.clone(),
            ),
            Error::UnknownActivity { given, choices } => (
                format!(
                "未知的评审活动“{given}”。可选：{}",
                choices
                    .iter()
                    .map(|(zh, _)| *zh)
                    .collect::<Vec<_>>()
                    .join("、")
            ),
                format!(
                "Unknown activity \"{given}\". Choose one of: {}",
                choices
                    .iter()
                    .map(|(_, code)| *code)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ),
            Error::YearOutOfRange { year } => (
                {
                format!("年度 {year} 不在 2000–2100 之间，请检查输入。")
            },
                {
                format!("Year {year} is not between 2000 and 2100; please check it.")
            },
            ),
            Error::ReviewNotFound { reference } => (
                {
                format!("找不到评审“{reference}”。")
            },
                format!(
                "Review \"{reference}\" not found."
            ),
            ),
            Error::NoReviews => (
                {
                "还没有任何评审，请先新建评审。".into()
            },
                {
                "There is no review yet: create one first."
                    .into()
            },
            ),
            Error::NotAReviewFile { path } => (
                {
                format!("文件 {} 不是 PanelDesk 评审文件。", path.display())
            },
                {
                format!("{} is not a PanelDesk review file.", path.display())
            },
            ),
            Error::SchemaTooNew { path, found, known } => (
                format!(
                "文件 {} 由较新版本的 PanelDesk 创建（结构版本 {found}，本程序支持 {known}），请升级后再打开。",
                path.display()
            ),
                format!(
                "{} was written by a newer PanelDesk (schema {found}; this build knows {known}). Upgrade to open it.",
                path.display()
            ),
            ),
            Error::AlreadyExists { path } => (
                {
                format!("文件 {} 已存在，为避免覆盖已停止。", path.display())
            },
                {
                format!("{} already exists; stopped rather than overwrite it.", path.display())
            },
            ),
            Error::AuditChainBroken { seq, reason } => (
                {
                format!("审计日志第 {seq} 条校验失败：{reason}。日志可能被修改或删除过。")
            },
                format!(
                "Audit log entry {seq} fails verification: {reason}. The log may have been altered or truncated."
            ),
            ),
            Error::MarksDiffer { count } => (
                format!(
                "有 {count} 处存储的评分或会评计票与专家、组长签名的结果不一致：评审文件在接收后被改动过"
            ),
                format!(
                "{count} stored marks, kept bundles or 会评 counts disagree with what the experts or the chair signed: the review file was changed after receiving them"
            ),
            ),
            Error::AnchorNotFound { anchor } => (
                format!(
                "审计日志中没有打印件上的锚点 {anchor}：该文件不是打印时的那份，或其日志被重写过"
            ),
                format!(
                "The audit log does not hold the printed anchor {anchor}: this is not the file that was printed, or its log was rewritten"
            ),
            ),
            Error::NotReady { what_zh, blockers, what_en, .. } => (
                format!(
                "尚不能{what_zh}：{}。请先处理这些事项，或由评审组对相关推荐对象记录决定（写明理由）",
                blockers
                    .iter()
                    .map(|b| b.zh.as_str())
                    .collect::<Vec<_>>()
                    .join("；")
            ),
                format!(
                "Cannot {what_en} yet: {}. Settle these first, or record the panel's decision on each nomination (with its reason)",
                blockers
                    .iter()
                    .map(|b| b.en.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            ),
            Error::Database(e) => (
                format!("数据库错误：{e}。已保存的数据未被改动。"),
                {
                format!("Database error: {e}. Stored data was left as it was.")
            },
            ),
            Error::Io { path, source } => (
                {
                format!("读写文件 {} 失败：{source}", path.display())
            },
                {
                format!("Could not read or write {}: {source}", path.display())
            },
            ),
            Error::Corrupt(what) => (
                format!("存储的数据已损坏：{what}"),
                format!("Stored data is damaged: {what}"),
            ),
            Error::FlagNotFound { flag_id } => (
                {
                format!("找不到编号为 {flag_id} 的待核实事项")
            },
                {
                format!("No flag {flag_id}")
            },
            ),
            Error::FlagAlreadySettled { flag_id, university, name, status } => (
                format!(
                "第 {flag_id} 号待核实事项（{university} {name}）已经处理（{}），本批事项均未处理：请去掉它后重新提交",
                if status == "excluded" { "已排除" } else { "已保留" }
            ),
                format!(
                "Flag {flag_id} ({university} {name}) is already settled ({}); none of this batch was settled: leave it out and try again",
                if status == "excluded" { "excluded" } else { "kept" }
            ),
            ),
            Error::AnnouncementNotSet => (
                {
                "尚未设置公示：请先写明公示期、受理异议的联系方式和落款".to_string()
            },
                {
                "No announcement (公示) is set yet: give its period, where objections go, and the issuing office first".to_string()
            },
            ),
            Error::ObjectionNotFound { id } => (
                {
                format!("找不到第 {id} 号异议")
            },
                {
                format!("No objection {id}")
            },
            ),
            Error::ObjectionResolved { id, outcome_zh, outcome_en, .. } => (
                {
                format!("第 {id} 号异议已处理完毕（{outcome_zh}），处理结果不能更改")
            },
                format!(
                "Objection {id} is already resolved ({outcome_en}); its outcome cannot change"
            ),
            ),
            Error::NoteRequired => (
                "保留有待核实事项的推荐对象时必须写明理由（备注）".to_string(),
                {
                "Keeping a flagged nomination needs a note saying why".to_string()
            },
            ),
            Error::ReasonRequired => (
                "更正或撤回推荐对象时必须写明理由".to_string(),
                {
                "Correcting or withdrawing a nomination needs a reason".to_string()
            },
            ),
            Error::ActingPersonInvalid { problem } => (
                match problem {
                NameProblem::Empty => "请填写在本机工作的人员姓名".to_string(),
                NameProblem::TooLong { max, given } => {
                    format!("姓名最多 {max} 个字，现在是 {given} 个字")
                }
            },
                match problem {
                NameProblem::Empty => "Please enter the name of the person working on this laptop".to_string(),
                NameProblem::TooLong { max, given } => {
                    format!("A name may have at most {max} characters; this one has {given}")
                }
            },
            ),
            Error::NominationNotFound { id } => (
                {
                format!("找不到编号为 {id} 的推荐对象")
            },
                {
                format!("No nomination {id}")
            },
            ),
            Error::UnknownField { key } => (
                {
                format!("本活动的推荐表没有“{key}”这一栏，无法更正")
            },
                {
                format!("This activity's nominations have no field \"{key}\" to correct")
            },
            ),
            Error::AlreadyWithdrawn { id } => (
                format!("第 {id} 号推荐对象已经撤回"),
                format!("Nomination {id} is already withdrawn"),
            ),
            Error::RegisterUnreadable { path, reason_zh, reason_en, .. } => (
                format!(
                "获奖单位登记册 {} 无法读取（{reason_zh}），无法核对往年是否已获认定，本次未导入任何文件；请从备份恢复该文件，或把它移出数据文件夹后重新导入",
                path.display()
            ),
                format!(
                "The register of awarded units {} cannot be read ({reason_en}), so earlier honours cannot be checked: nothing was imported; restore the file from a backup, or move it out of the data folder, and import again",
                path.display()
            ),
            ),
            Error::ImportIncomplete { total: 0, .. } => (
                {
                "没有找到可导入的表格文件（.xlsx/.xls/.ods）".to_string()
            },
                {
                "No workbook (.xlsx/.xls/.ods) found to import".to_string()
            },
            ),
            Error::ImportIncomplete { failed, total } => (
                format!(
                "{total} 个文件中有 {failed} 个未能导入，原因见上；其余文件已导入"
            ),
                format!(
                "{failed} of {total} files could not be imported (reasons above); the others were"
            ),
            ),
        }
    }

    pub fn message_zh(&self) -> String {
        self.messages().0
    }

    pub fn message_en(&self) -> String {
        self.messages().1
    }
}

fn paths(list: &[PathBuf]) -> String {
    list.iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
