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
    #[error("entry {name} is not the size it declares")]
    TruncatedEntry { name: String },
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
    #[error("expert {expert} signed with a key other than the one enrolled")]
    KeyNotPinned { expert: String },
    #[error("sequence {found} is older than {seen}, already received")]
    Replayed { found: u64, seen: u64 },
    #[error("sequence {sequence} already received with other content")]
    ConflictingSequence { sequence: u64 },
    #[error("the previous-bundle link does not match")]
    BrokenChain,
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
            Refusal::TruncatedEntry { .. } => "truncated_entry",
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
            Refusal::KeyNotPinned { .. } => "key_not_pinned",
            Refusal::Replayed { .. } => "replayed_sequence",
            Refusal::ConflictingSequence { .. } => "conflicting_sequence",
            Refusal::BrokenChain => "broken_chain",
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
            Refusal::TruncatedEntry { name } => {
                format!("条目“{name}”的实际大小与声明不符（截断或被改动）")
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
            Refusal::KeyNotPinned { expert } => {
                format!("专家“{expert}”的签名密钥与其首次提交时登记的不一致")
            }
            Refusal::Replayed { found, seen } => {
                format!("序号 {found} 早于已收到的序号 {seen}：这是旧的评分结果，不会覆盖新的")
            }
            Refusal::ConflictingSequence { sequence } => {
                format!("已收到序号为 {sequence} 但内容不同的评分结果：存在冲突，需核实")
            }
            Refusal::BrokenChain => "与上一份评分结果的链接不符".into(),
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
