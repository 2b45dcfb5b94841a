//! Certificate serial numbers and verification codes.
//!
//! Before a batch prints, the clerk signs a digest of the results (Ed25519, the key that
//! signed the panel package). Each certificate's code is derived from that signature and
//! the certificate's own words, so a code cannot be made without the clerk's key, and a
//! printed certificate can be checked against the review with `paneldesk certificates
//! check`. A nomination keeps its serial across reprints.

use std::path::Path;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::certificate::{self, Award, CertificateTemplate};
use super::pdf::Meta;
use super::record::Record;
use crate::error::{Error, Result};
use crate::keys::{self, ClerkKeys};
use crate::merge::rank::Cut;
use crate::store;

const SEAL_CONTEXT: &str = "paneldesk-results-v1\n";
const CODE_CONTEXT: &str = "paneldesk-certificate-v1\n";
/// Crockford's base32: no I, L, O or U to misread on paper.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn seal_message(results_hash: &str) -> String {
    format!("{SEAL_CONTEXT}{results_hash}")
}

/// The verification code printed on a certificate: 50 bits as `XXXXX-XXXXX`.
pub fn code(signature: &str, serial: &str, name: &str, university: &str, category: &str) -> String {
    let digest = Sha256::digest(
        format!("{CODE_CONTEXT}{signature}\n{serial}\n{name}\n{university}\n{category}").as_bytes(),
    );
    let mut bits: u64 = 0;
    for b in &digest[..8] {
        bits = (bits << 8) | u64::from(*b);
    }
    let chars: String = (0..10)
        .map(|i| ALPHABET[((bits >> (59 - 5 * i)) & 31) as usize] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// Who gets a certificate: the nominations inside the quota, in category and rank order,
/// unless the clerk names them.
pub fn winners(record: &Record, only: Option<&[i64]>) -> Result<Vec<(String, i64)>> {
    let mut out = Vec::new();
    for c in &record.results.categories {
        for n in &c.nominations {
            let chosen = match only {
                Some(ids) => ids.contains(&n.nomination_id),
                None => n.cut == Cut::In,
            };
            if chosen {
                out.push((c.key.clone(), n.nomination_id));
            }
        }
    }
    if out.is_empty() {
        return Err(Error::BadInput {
            zh: "没有入选的推荐对象，无法出具证书：请先确认评审结果（并列者需评审组决定），或指定推荐对象".into(),
            en: "no nomination is inside the quota, so there is nobody to certify: settle the results first (ties need the panel's decision) or name the nominations".into(),
        });
    }
    if let Some(ids) = only {
        for id in ids {
            if !out.iter().any(|(_, n)| n == id) {
                return Err(Error::BadInput {
                    zh: format!("没有编号为 {id} 的推荐对象"),
                    en: format!("no nomination with id {id}"),
                });
            }
        }
    }
    Ok(out)
}

/// Seals the results and gives each winner its serial and code, in one transaction that
/// also writes the audit entry.
pub fn issue(
    review_path: &Path,
    record: &Record,
    chosen: &[(String, i64)],
    clerk: &ClerkKeys,
    prefix: &str,
    at: &str,
    actor: &str,
) -> Result<Vec<Award>> {
    let signing = clerk.signing()?;
    if keys::public_hex(&signing.verifying_key()) != record.clerk_key {
        return Err(Error::BadInput {
            zh: "本机的办事员密钥不是签发该评审包的密钥，不能为这次评审出具证书".into(),
            en: "this computer's clerk key did not sign the panel package; it cannot issue this review's certificates".into(),
        });
    }
    let results_hash = record.results_hash();
    let signature = keys::sign(&signing, seal_message(&results_hash).as_bytes());
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT OR IGNORE INTO results_seal (results_hash, public_key, signature, sealed_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![results_hash, record.clerk_key, signature, at],
    )?;
    let mut awards = Vec::new();
    for (category_key, nomination_id) in chosen {
        let position = record
            .categories
            .iter()
            .position(|c| &c.key == category_key)
            .unwrap_or(0);
        let (category_name, display_name, university) =
            words(record, category_key, *nomination_id)?;
        let existing: Option<String> = tx
            .query_row(
                "SELECT serial FROM certificate WHERE nomination_id = ?1",
                [nomination_id],
                |r| r.get(0),
            )
            .optional()?;
        let serial = match existing {
            Some(serial) => serial,
            None => {
                let stem = format!("{prefix}{}-{:02}-", record.review.year, position + 1);
                let taken: i64 = tx.query_row(
                    "SELECT count(*) FROM certificate WHERE serial LIKE ?1 || '%'",
                    [&stem],
                    |r| r.get(0),
                )?;
                format!("{stem}{:03}", taken + 1)
            }
        };
        let code = code(
            &signature,
            &serial,
            &display_name,
            &university,
            &category_name,
        );
        tx.execute(
            "INSERT INTO certificate
               (serial, nomination_id, name, university, category, results_hash, code, printed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (serial) DO UPDATE SET name = excluded.name,
               university = excluded.university, category = excluded.category,
               results_hash = excluded.results_hash, code = excluded.code,
               printed_at = excluded.printed_at",
            params![
                serial,
                nomination_id,
                display_name,
                university,
                category_name,
                results_hash,
                code,
                at
            ],
        )?;
        awards.push(Award {
            serial,
            code,
            name: display_name,
            university,
            category: category_name,
            year: record.review.year,
            review_title: record.review.title_zh.clone(),
        });
    }
    crate::audit::append(
        &tx,
        at,
        actor,
        "certificates_issued",
        &serde_json::json!({
            "results_hash": results_hash,
            "count": awards.len(),
            "serials": awards.iter().map(|a| a.serial.as_str()).collect::<Vec<_>>(),
        }),
    )?;
    tx.commit()?;
    Ok(awards)
}

/// Prints a batch: checks that every certificate can print, then gives serials and codes
/// (stored and audited) and renders the PDF. A batch that cannot print records nothing.
#[allow(clippy::too_many_arguments)]
pub fn print(
    review_path: &Path,
    record: &Record,
    chosen: &[(String, i64)],
    template: &CertificateTemplate,
    clerk: &ClerkKeys,
    date: time::Date,
    meta: &Meta,
    at: &str,
    actor: &str,
) -> Result<(Vec<Award>, Vec<u8>)> {
    let provisional = chosen
        .iter()
        .map(|(key, id)| {
            let (category, name, university) = words(record, key, *id)?;
            Ok(Award {
                serial: format!("{}{}-00-000", template.serial_prefix, record.review.year),
                code: "00000-00000".into(),
                name,
                university,
                category,
                year: record.review.year,
                review_title: record.review.title_zh.clone(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    certificate::check_batch(template, &provisional, date)?;
    let awards = issue(
        review_path,
        record,
        chosen,
        clerk,
        &template.serial_prefix,
        at,
        actor,
    )?;
    let bytes = certificate::render(template, &awards, date, meta)?;
    Ok((awards, bytes))
}

/// A winner's category name, name and university as the certificate prints them.
fn words(
    record: &Record,
    category_key: &str,
    nomination_id: i64,
) -> Result<(String, String, String)> {
    let category = record
        .categories
        .iter()
        .find(|c| c.key == category_key)
        .ok_or_else(|| Error::UnknownCategory {
            key: category_key.to_string(),
        })?;
    let result = record
        .results
        .categories
        .iter()
        .filter(|c| c.key == category_key)
        .flat_map(|c| c.nominations.iter())
        .find(|n| n.nomination_id == nomination_id)
        .ok_or_else(|| Error::Corrupt(format!("nomination {nomination_id} not in results")))?;
    Ok((
        category.name_zh.clone(),
        result.display_name.clone(),
        result.university.clone(),
    ))
}

/// The review's certificate template, or the shipped default.
pub fn template(review_path: &Path) -> Result<CertificateTemplate> {
    let conn = store::open(review_path)?;
    let json: Option<String> = conn
        .query_row("SELECT json FROM certificate_template", [], |r| r.get(0))
        .optional()?;
    match json {
        Some(json) => CertificateTemplate::from_json(&json, "(review)"),
        None => Ok(CertificateTemplate::default()),
    }
}

/// Stores the review's certificate template (checked first), with an audit entry.
pub fn set_template(
    review_path: &Path,
    template: &CertificateTemplate,
    at: &str,
    actor: &str,
) -> Result<()> {
    template.check()?;
    let json = serde_json::to_string_pretty(template)
        .map_err(|e| Error::Corrupt(format!("template: {e}")))?;
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO certificate_template (singleton, json) VALUES (1, ?1)
         ON CONFLICT (singleton) DO UPDATE SET json = excluded.json",
        [&json],
    )?;
    crate::audit::append(
        &tx,
        at,
        actor,
        "certificate_template_set",
        &serde_json::json!({ "sha256": keys::sha256_hex(json.as_bytes()) }),
    )?;
    tx.commit()?;
    Ok(())
}

/// What checking a printed certificate found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CertificateCheck {
    pub serial: String,
    pub genuine: bool,
    pub name: Option<String>,
    pub university: Option<String>,
    pub category: Option<String>,
    pub reason_zh: String,
    pub reason_en: String,
}

/// Checks a serial and code as printed on paper against the review.
pub fn check(review_path: &Path, serial: &str, printed_code: &str) -> Result<CertificateCheck> {
    let conn = store::open(review_path)?;
    let serial = serial.trim().to_uppercase();
    let row: Option<(String, String, String, String, String, String, String)> = conn
        .query_row(
            "SELECT c.name, c.university, c.category, c.code, s.results_hash, s.public_key, s.signature
             FROM certificate c JOIN results_seal s ON s.results_hash = c.results_hash
             WHERE c.serial = ?1",
            [&serial],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .optional()?;
    let Some((name, university, category, stored, hash, public, signature)) = row else {
        return Ok(CertificateCheck {
            serial,
            genuine: false,
            name: None,
            university: None,
            category: None,
            reason_zh: "本评审没有出具过这个编号的证书".into(),
            reason_en: "this review issued no certificate with that serial".into(),
        });
    };
    let key = keys::parse_public(&public)?;
    let sealed = keys::verify(&key, seal_message(&hash).as_bytes(), &signature);
    let expected = code(&signature, &serial, &name, &university, &category);
    let given: String = printed_code
        .trim()
        .to_uppercase()
        .replace(['O'], "0")
        .replace(['I', 'L'], "1");
    let (genuine, zh, en) = if !sealed {
        (
            false,
            "结果签名校验失败：评审文件可能被改动过",
            "the results seal does not verify: the review file may have been altered",
        )
    } else if expected != stored {
        (
            false,
            "证书记录与签名不符：评审文件可能被改动过",
            "the certificate record does not match its seal: the review file may have been altered",
        )
    } else if given != expected {
        (false, "验证码不符：证书可能是伪造的，或是旧版结果打印的", "the code does not match: the certificate may be forged, or printed from superseded results")
    } else {
        (true, "证书真实有效", "the certificate is genuine")
    };
    Ok(CertificateCheck {
        serial,
        genuine,
        name: Some(name),
        university: Some(university),
        category: Some(category),
        reason_zh: zh.into(),
        reason_en: en.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_ten_unambiguous_characters_and_depend_on_every_word() {
        let c = code("sig", "PD2026-01-001", "张三", "江北大学", "标兵");
        assert_eq!(c.len(), 11);
        assert!(c
            .chars()
            .all(|ch| ch == '-' || ALPHABET.contains(&(ch as u8))));
        assert_eq!(c, code("sig", "PD2026-01-001", "张三", "江北大学", "标兵"));
        for other in [
            code("sig2", "PD2026-01-001", "张三", "江北大学", "标兵"),
            code("sig", "PD2026-01-002", "张三", "江北大学", "标兵"),
            code("sig", "PD2026-01-001", "张叁", "江北大学", "标兵"),
            code("sig", "PD2026-01-001", "张三", "江南大学", "标兵"),
            code("sig", "PD2026-01-001", "张三", "江北大学", "样板"),
        ] {
            assert_ne!(c, other);
        }
    }
}
