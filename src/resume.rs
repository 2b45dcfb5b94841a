//! The resume file (`.pdresume`, clerk → expert's new laptop): an expert re-registered on
//! a new laptop (the old one died, or its PIN is forgotten) continues from their last
//! submitted bundle. The bundle's scores are sealed to the clerk, so the expert's new
//! laptop cannot read it; the clerk decrypts the bundle counted for the expert, and signs
//! its items for the expert's package with the key the package was signed with. The
//! laptop checks the signature against its package, that the file is for this package and
//! the enrolled expert, and every mark as a bundle's (`package::items::check`), then fills
//! its entries (`scoring::panel::Panel::resume_from`). Its first submission is sequence 1
//! of the new key's chain and replaces what the revoked key had sent (`merge::collect`).
//!
//! The items are in clear: the file holds one expert's own marks, handed over by the
//! clerk in person and deleted once loaded (docs/guide). Layout: docs/formats.md.

use std::path::{Path, PathBuf};

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::audit;
use crate::container::{self, refuse, EntryRule};
use crate::error::{Error, Result};
use crate::keys::{self, ClerkKeys};
use crate::model::marks::ScoreItem;
use crate::package::PanelPackage;
use crate::refusal::Refusal;
use crate::store;

pub const FORMAT: &str = "paneldesk.resume";
pub const VERSION: u32 = 1;
pub const EXTENSION: &str = "pdresume";
const MAX_JSON_BYTES: u64 = 16 << 20;
const MAX_FILE_BYTES: u64 = 17 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumeExpert {
    pub id: i64,
    pub name: String,
}

/// `resume.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResumeFile {
    pub format: String,
    pub version: u32,
    pub package_hash: String,
    pub review_id: String,
    pub expert: ResumeExpert,
    /// The bundle the items come from: its hash, sequence and signing key's fingerprint.
    pub from_bundle: String,
    pub sequence: u64,
    pub fingerprint: String,
    pub created_at: String,
    pub items: Vec<ScoreItem>,
}

/// Writes the resume file of expert `expert_id` into `out_dir`: the items of the bundle
/// that counts for them (the last accepted for a current package), decrypted with
/// `clerk`, signed with `clerk`'s key. Audited.
pub fn write(
    review_path: &Path,
    clerk: &ClerkKeys,
    expert_id: i64,
    out_dir: &Path,
    at: &str,
    actor: &str,
) -> Result<PathBuf> {
    let mut conn = store::open(review_path)?;
    let mut found = None;
    for (hash, package) in crate::package::panels::current(&conn)? {
        let Some(expert) = package.experts.iter().find(|e| e.id == expert_id).cloned() else {
            continue;
        };
        let bundle: Option<(String, Vec<u8>)> = conn
            .query_row(
                "SELECT bundle_hash, bytes FROM received_bundle
                 WHERE package_hash = ?1 AND expert_id = ?2 AND bytes IS NOT NULL
                 ORDER BY rowid DESC LIMIT 1",
                params![hash, expert_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some(b) = bundle {
            found = Some((hash, package, expert, b));
            break;
        }
    }
    let Some((hash, package, expert, (bundle_hash, bytes))) = found else {
        return Err(Error::BadInput {
            zh: format!("编号为 {expert_id} 的专家尚未提交评分结果，没有可续评的内容：在新电脑上登记后直接评分即可"),
            en: format!("Expert {expert_id} has not submitted a result bundle: nothing to resume from; enrol on the new laptop and score"),
        });
    };
    let signing = clerk.signing()?;
    if keys::public_hex(&signing.verifying_key()) != package.clerk.signing_key {
        return Err(Error::BadInput {
            zh: "本机的工作人员密钥不是签发该评审包的密钥：请在签发评审包的电脑上生成续评文件".into(),
            en: "This computer's clerk key did not sign the package: write the resume file on the computer that did".into(),
        });
    }
    let name = Path::new(&bundle_hash);
    let verified = crate::bundle::open_bytes(name, &bytes)?;
    let payload = crate::bundle::decrypt(name, &verified, clerk)?;
    let file = ResumeFile {
        format: FORMAT.into(),
        version: VERSION,
        package_hash: hash.clone(),
        review_id: package.review.id.clone(),
        expert: ResumeExpert {
            id: expert.id,
            name: expert.name.clone(),
        },
        from_bundle: bundle_hash.clone(),
        sequence: verified.header.sequence,
        fingerprint: verified.expert_fingerprint.clone(),
        created_at: at.into(),
        items: payload.items,
    };
    let json = serde_json::to_vec_pretty(&file).map_err(|e| Error::Corrupt(e.to_string()))?;
    let sig = container::signature_entry(&package.clerk.signing_key, &keys::sign(&signing, &json));
    let dest = out_dir.join(format!(
        "resume-{expert_id}-{}.{EXTENSION}",
        &hash[..12.min(hash.len())]
    ));
    container::write_atomically(
        &dest,
        &[("resume.json", &json), ("resume.sig", sig.as_bytes())],
    )?;
    let tx = conn.transaction()?;
    audit::append(
        &tx,
        at,
        actor,
        "expert.resume_written",
        &serde_json::json!({
            "expert_id": expert_id, "expert": expert.name, "package_hash": hash,
            "from_bundle": bundle_hash, "sequence": file.sequence,
            "file": dest.display().to_string(),
        }),
    )?;
    tx.commit()?;
    Ok(dest)
}

/// Opens a resume file on the expert's laptop: its structure, the clerk's signature by
/// the key that signed `package`, its format and version, and that it is for package
/// `package_hash` and expert `expert_id`. The items are checked by the caller.
pub fn open(
    file: &Path,
    package: &PanelPackage,
    package_hash: &str,
    expert_id: i64,
) -> Result<ResumeFile> {
    let rules = [
        EntryRule {
            name: "resume.json",
            matches: |n| n == "resume.json",
            max_bytes: MAX_JSON_BYTES,
            required: true,
        },
        EntryRule {
            name: "resume.sig",
            matches: |n| n == "resume.sig",
            max_bytes: 256,
            required: true,
        },
    ];
    let mut archive = container::Archive::open(file, &rules, 2, MAX_FILE_BYTES)?;
    let json = archive.read("resume.json")?;
    let (key_hex, sig) = container::parse_signature_entry(&archive.read("resume.sig")?)
        .ok_or_else(|| refuse(file, Refusal::MalformedSignature))?;
    if key_hex != package.clerk.signing_key {
        return Err(refuse(file, Refusal::KeyMismatch));
    }
    let key = keys::parse_public(&key_hex).map_err(|_| refuse(file, Refusal::BadPublicKey))?;
    if !keys::verify(&key, &json, &sig) {
        return Err(refuse(file, Refusal::SignatureInvalid));
    }
    let resume: ResumeFile = crate::package::parse_manifest(file, &json, FORMAT, VERSION)?;
    if resume.package_hash != package_hash {
        return Err(Error::BadInput {
            zh: format!(
                "{}：续评文件属于另一个评审包，不是本机打开的评审包",
                file.display()
            ),
            en: format!(
                "{}: the resume file is for another panel package",
                file.display()
            ),
        });
    }
    if resume.expert.id != expert_id {
        let enrolled = package
            .experts
            .iter()
            .find(|e| e.id == expert_id)
            .map(|e| e.name.clone())
            .unwrap_or_default();
        return Err(Error::BadInput {
            zh: format!(
                "{}：续评文件属于专家“{}”，本机登记的是专家“{enrolled}”",
                file.display(),
                resume.expert.name
            ),
            en: format!(
                "{}: the resume file is expert {}'s; this laptop is enrolled as {enrolled}",
                file.display(),
                resume.expert.name
            ),
        });
    }
    Ok(resume)
}
