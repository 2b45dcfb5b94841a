//! Certificate serial numbers, signatures and verification codes.
//!
//! Before a batch prints, the clerk signs a digest of the results (Ed25519, the key that
//! signed the panel package), and then **each certificate's own words** (serial, name,
//! university, honour, year, review). The short code on paper is derived from that
//! certificate's signature, and its QR code carries the words, the clerk's public key and
//! the signature, so anyone can check a certificate offline with only the clerk's key,
//! whose fingerprint the 公示 prints. A copy of the review file holds the signatures of
//! the certificates that exist but cannot mint a new one; and a check trusts the clerk key
//! it is given (the clerk's own laptop, or the fingerprint from the 公示), never the key
//! stored beside a certificate. A nomination keeps its serial across reprints.

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
/// First line of what a certificate's signature covers, and of its QR text.
pub const CERTIFICATE_CONTEXT: &str = "paneldesk-certificate-v2";
const CODE_CONTEXT_V2: &str = "paneldesk-certificate-code-v2\n";
/// Crockford's base32: no I, L, O or U to misread on paper.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn seal_message(results_hash: &str) -> String {
    format!("{SEAL_CONTEXT}{results_hash}")
}

/// The verification code of a certificate issued before certificates were signed one by
/// one: 50 bits as `XXXXX-XXXXX`, from the results seal and the printed words.
pub fn code(signature: &str, serial: &str, name: &str, university: &str, category: &str) -> String {
    let digest = Sha256::digest(
        format!("{CODE_CONTEXT}{signature}\n{serial}\n{name}\n{university}\n{category}").as_bytes(),
    );
    code_of(&digest)
}

/// The words a certificate's signature covers, one per line (line breaks inside a word
/// become spaces, so no word can pose as the next).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CertificateWords {
    pub serial: String,
    pub name: String,
    pub university: String,
    pub honour: String,
    pub year: i32,
    pub review_id: String,
}

impl CertificateWords {
    /// The exact bytes the clerk signs.
    pub fn message(&self) -> String {
        let one = |s: &str| s.replace(['\n', '\r'], " ");
        format!(
            "{CERTIFICATE_CONTEXT}\n{}\n{}\n{}\n{}\n{}\n{}\n",
            one(&self.serial),
            one(&self.name),
            one(&self.university),
            one(&self.honour),
            self.year,
            one(&self.review_id)
        )
    }

    /// The QR code's text: the signed words, then the signature entry of docs/formats.md.
    pub fn qr_text(&self, key_hex: &str, signature: &str) -> String {
        format!(
            "{}{}",
            self.message(),
            crate::container::signature_entry(key_hex, signature)
        )
    }
}

/// The verification code of a signed certificate: 50 bits of its signature's digest.
pub fn signed_code(signature: &str) -> String {
    code_of(&Sha256::digest(
        format!("{CODE_CONTEXT_V2}{signature}").as_bytes(),
    ))
}

fn code_of(digest: &[u8]) -> String {
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
/// unless the clerk names them — once, on `today`, the 公示 is over.
pub fn winners(
    record: &Record,
    only: Option<&[i64]>,
    today: time::Date,
) -> Result<Vec<(String, i64)>> {
    // A certificate says "this nominee won": only winners, and only once nothing about
    // them is left unsettled.
    if let Some(ids) = only {
        for c in &record.results.categories {
            if let Some(n) = c
                .nominations
                .iter()
                .find(|n| ids.contains(&n.nomination_id) && n.cut != Cut::In)
            {
                return Err(Error::BadInput {
                    zh: format!("“{}”未入选，不能出具证书", n.display_name),
                    en: format!(
                        "{} is not among the winners: no certificate",
                        n.display_name
                    ),
                });
            }
        }
    }
    crate::readiness::require_awardable(
        &record.results,
        only,
        &record.publication,
        today,
        "出具证书",
        "print certificates",
    )?;
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
            zh: "本机的工作人员密钥不是签发该评审包的密钥，不能为这次评审出具证书".into(),
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
        let words = CertificateWords {
            serial: serial.clone(),
            name: display_name.clone(),
            university: university.clone(),
            honour: category_name.clone(),
            year: record.review.year,
            review_id: record.review.id.clone(),
        };
        // Ed25519 signatures are deterministic: a reprint of the same words signs, and so
        // codes, exactly as before.
        let certificate_signature = keys::sign(&signing, words.message().as_bytes());
        let code = signed_code(&certificate_signature);
        tx.execute(
            "INSERT INTO certificate
               (serial, nomination_id, name, university, category, results_hash, code, printed_at, signature)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (serial) DO UPDATE SET name = excluded.name,
               university = excluded.university, category = excluded.category,
               results_hash = excluded.results_hash, code = excluded.code,
               printed_at = excluded.printed_at, signature = excluded.signature",
            params![
                serial,
                nomination_id,
                display_name,
                university,
                category_name,
                results_hash,
                code,
                at,
                certificate_signature
            ],
        )?;
        awards.push(Award {
            qr: words.qr_text(&record.clerk_key, &certificate_signature),
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

/// One batch of certificates to issue: whose, on which template, signed by which clerk,
/// dated when, and who is issuing it.
#[derive(Clone, Copy)]
pub struct Issue<'a> {
    pub review_path: &'a Path,
    pub record: &'a Record,
    pub chosen: &'a [(String, i64)],
    pub template: &'a CertificateTemplate,
    pub clerk: &'a ClerkKeys,
    pub date: time::Date,
    pub at: &'a str,
    pub actor: &'a str,
}

/// Prints a batch: checks that every certificate can print, then gives serials and codes
/// (stored and audited) and renders the PDF. A batch that cannot print records nothing.
/// Each category prints with its own honour and title (`CertificateTemplate::for_category`).
pub fn print(issue: &Issue, meta: &Meta) -> Result<(Vec<Award>, Vec<u8>)> {
    let date = issue.date;
    let pages = issue_checked(issue)?;
    let bytes = certificate::render_pages(&pages, date, meta)?;
    Ok((pages.into_iter().map(|(_, a)| a).collect(), bytes))
}

/// Checks the whole batch as it will print, then issues it: each award with the template
/// of its category.
fn issue_checked(batch: &Issue) -> Result<Vec<certificate::PageSpec>> {
    let Issue {
        review_path,
        record,
        chosen,
        template,
        clerk,
        date,
        at,
        actor,
    } = *batch;
    template.check_printable()?;
    let provisional = chosen
        .iter()
        .map(|(key, id)| {
            let (category, name, university) = words(record, key, *id)?;
            Ok((
                template.for_category(key),
                Award {
                    serial: format!("{}{}-00-000", template.serial_prefix, record.review.year),
                    code: "00000-00000".into(),
                    name,
                    university,
                    category,
                    year: record.review.year,
                    review_title: record.review.title_zh.clone(),
                    qr: String::new(),
                },
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    certificate::check_pages(&provisional, date)?;
    let awards = issue(
        review_path,
        record,
        chosen,
        clerk,
        &template.serial_prefix,
        at,
        actor,
    )?;
    Ok(chosen
        .iter()
        .zip(awards)
        .map(|((key, _), award)| (template.for_category(key), award))
        .collect())
}

/// One university's share of a batch: its certificates and the 领取签收单 its
/// representative signs when collecting them.
#[derive(Debug, Clone)]
pub struct UniversityBatch {
    pub university: String,
    pub awards: Vec<Award>,
    pub certificates: Vec<u8>,
    pub receipt: Vec<u8>,
}

/// [`print`], split by university (in the order universities first appear in the
/// batch): one PDF of certificates and one 领取签收单 each. Serials and codes are those
/// of one batch issued at once, as [`print`] gives them.
pub fn print_per_university(issue: &Issue, meta: &Meta) -> Result<Vec<UniversityBatch>> {
    let (date, record) = (issue.date, issue.record);
    let pages = issue_checked(issue)?;
    let mut groups: Vec<(String, Vec<certificate::PageSpec>)> = Vec::new();
    for page in pages {
        match groups.iter_mut().find(|(u, _)| *u == page.1.university) {
            Some((_, group)) => group.push(page),
            None => groups.push((page.1.university.clone(), vec![page])),
        }
    }
    // Universities in the order the office lists them everywhere else: by pinyin.
    let order = super::pinyin_order::PinyinOrder::new();
    groups.sort_by(|(a, _), (b, _)| order.compare(a, b, super::pinyin_order::NameKind::Unit));
    groups
        .into_iter()
        .map(|(university, pages)| {
            let title = format!("{}（{university}）", meta.title);
            let own = Meta {
                title: &title,
                subject: meta.subject,
                at: meta.at,
            };
            let certificates = certificate::render_pages(&pages, date, &own)?;
            let awards: Vec<Award> = pages.into_iter().map(|(_, a)| a).collect();
            let receipt_title = format!("{}证书领取签收单（{university}）", record.review.title_zh);
            let receipt = receipt_sheet(
                &record.review.title_zh,
                &university,
                &awards,
                &Meta {
                    title: &receipt_title,
                    subject: meta.subject,
                    at: meta.at,
                },
            )?;
            Ok(UniversityBatch {
                university,
                awards,
                certificates,
                receipt,
            })
        })
        .collect()
}

/// [`print_per_university`] into `folder` (made when missing): for each university its
/// certificates and its 领取签收单, under [`batch_file_names`]. Every name is checked free
/// before anything is issued, so printing into a folder that already holds a batch
/// refuses rather than overwrites, and records nothing. Returns the batches and the
/// files written, in order.
#[allow(clippy::too_many_arguments)]
pub fn print_into_folder(
    issue: &Issue,
    meta: &Meta,
    folder: &Path,
) -> Result<(Vec<UniversityBatch>, Vec<std::path::PathBuf>)> {
    let (record, chosen) = (issue.record, issue.chosen);
    let mut universities: Vec<String> = Vec::new();
    for (key, id) in chosen {
        let (_, _, university) = words(record, key, *id)?;
        if !universities.contains(&university) {
            universities.push(university);
        }
    }
    for university in &universities {
        for path in batch_file_names(university).map(|name| folder.join(name)) {
            if path.exists() {
                return Err(Error::AlreadyExists { path });
            }
        }
    }
    std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
    let batches = print_per_university(issue, meta)?;
    let mut written = Vec::new();
    for batch in &batches {
        let [certificates, receipt] = batch_file_names(&batch.university);
        for (name, bytes) in [
            (certificates, &batch.certificates),
            (receipt, &batch.receipt),
        ] {
            let path = folder.join(name);
            if path.exists() {
                return Err(Error::AlreadyExists { path });
            }
            crate::container::write_bytes_atomically(&path, bytes)?;
            written.push(path);
        }
    }
    Ok((batches, written))
}

/// The two file names of a university's batch: its certificates and its 领取签收单.
/// The university's name as imported may hold characters no file system takes; those
/// become "_".
pub fn batch_file_names(university: &str) -> [String; 2] {
    let safe: String = university
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let safe = match safe.trim_matches('.') {
        "" => "未注明学校".to_string(),
        s => s.chars().take(60).collect(),
    };
    [format!("{safe}-证书.pdf"), format!("{safe}-领取签收单.pdf")]
}

/// The 领取签收单: which certificates a university's representative takes away, with
/// lines for their signature and the date. Set in the shipped serif faces, like the
/// certificates it goes with.
pub fn receipt_sheet(
    review_title: &str,
    university: &str,
    awards: &[Award],
    meta: &Meta,
) -> Result<Vec<u8>> {
    use super::pdf::{self, Align, Document, MM};
    use super::table::{Column, Flow};
    let mut doc = Document::new(meta);
    let font = doc.font(super::font::Style::Serif)?;
    let bold = doc.font(super::font::Style::SerifBold)?;
    let mut f = Flow::new(
        pdf::a4(false),
        20.0 * MM,
        font,
        bold,
        format!("{review_title} 证书领取签收单"),
    );
    f.paragraph("证书领取签收单", 18.0, true, Align::Center);
    f.paragraph(review_title, 11.0, false, Align::Center);
    f.gap(10.0);
    f.paragraph(&format!("领取单位：{university}"), 12.0, false, Align::Left);
    f.paragraph(
        &format!("证书数量：{} 张", awards.len()),
        12.0,
        false,
        Align::Left,
    );
    f.gap(6.0);
    let columns = [
        Column::new("序号", 2.5, Align::Center),
        Column::new("证书编号", 7.0, Align::Left),
        Column::new("获奖对象", 12.0, Align::Left),
        Column::new("类别", 7.0, Align::Left),
        Column::new("核对", 2.5, Align::Center),
    ];
    let rows: Vec<Vec<String>> = awards
        .iter()
        .enumerate()
        .map(|(i, a)| {
            vec![
                (i + 1).to_string(),
                a.serial.clone(),
                a.name.clone(),
                a.category.clone(),
                String::new(),
            ]
        })
        .collect();
    f.table(&columns, &rows, 10.0);
    // The signature block never starts a page alone, nor is split from its lines.
    f.ensure(110.0);
    f.gap(28.0);
    for line in [
        "以上证书已如数领取，核对无误。",
        "",
        "领取人签字：＿＿＿＿＿＿＿＿＿＿　　联系电话：＿＿＿＿＿＿＿＿＿＿",
        "",
        "领取日期：＿＿＿＿年＿＿月＿＿日　　经办人签字：＿＿＿＿＿＿＿＿",
    ] {
        f.paragraph(line, 12.0, false, Align::Left);
    }
    f.finish(&mut doc);
    Ok(doc.finish())
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
    let keys = store::review_rows::category_keys(&tx)?;
    if let Some(own) = template
        .categories
        .iter()
        .find(|c| !keys.contains(&c.category_key))
    {
        return Err(Error::UnknownCategory {
            key: own.category_key.clone(),
        });
    }
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

/// Checks a serial and code as printed on paper against the review, trusting only
/// `clerk_key` (hex): the clerk's own key on the clerk's laptop, or the key whose
/// fingerprint the 公示 printed (`clerk_key_by_fingerprint`).
pub fn check(
    review_path: &Path,
    serial: &str,
    printed_code: &str,
    clerk_key: &str,
) -> Result<CertificateCheck> {
    let conn = store::open(review_path)?;
    let serial = serial.trim().to_uppercase();
    let row: Option<(String, String, String, String, Option<String>)> = conn
        .query_row(
            "SELECT name, university, category, code, signature FROM certificate WHERE serial = ?1",
            [&serial],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let verdict = |genuine, zh: &str, en: &str, row: Option<(&str, &str, &str)>| CertificateCheck {
        serial: serial.clone(),
        genuine,
        name: row.map(|r| r.0.to_string()),
        university: row.map(|r| r.1.to_string()),
        category: row.map(|r| r.2.to_string()),
        reason_zh: zh.into(),
        reason_en: en.into(),
    };
    let Some((name, university, category, stored, signature)) = row else {
        return Ok(verdict(
            false,
            "本评审没有出具过这个编号的证书",
            "this review issued no certificate with that serial",
            None,
        ));
    };
    let shown = Some((name.as_str(), university.as_str(), category.as_str()));
    let Some(signature) = signature else {
        return Ok(verdict(
            false,
            "该证书由旧版本出具，未逐张签名，无法离线核验：请重新打印",
            "issued by an earlier version without its own signature: reprint it to make it verifiable",
            shown,
        ));
    };
    let (review_id, year): (String, i32) =
        conn.query_row("SELECT id, year FROM review", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let words = CertificateWords {
        serial: serial.clone(),
        name: name.clone(),
        university: university.clone(),
        honour: category.clone(),
        year,
        review_id,
    };
    let key = keys::parse_public(clerk_key)?;
    let expected = signed_code(&signature);
    let given: String = printed_code
        .trim()
        .to_uppercase()
        .replace(['O'], "0")
        .replace(['I', 'L'], "1");
    Ok(
        if !keys::verify(&key, words.message().as_bytes(), &signature) {
            verdict(
            false,
            "证书记录不是本评审工作人员的密钥签发的：评审文件可能被改动过",
            "the certificate record was not signed by this review's clerk key: the review file may have been altered",
            shown,
        )
        } else if expected != stored {
            verdict(
            false,
            "证书记录与其签名不符：评审文件可能被改动过",
            "the certificate record does not match its signature: the review file may have been altered",
            shown,
        )
        } else if given != expected {
            verdict(
            false,
            "验证码不符：证书可能是伪造的，或是旧版结果打印的",
            "the code does not match: the certificate may be forged, or printed from superseded results",
            shown,
        )
        } else {
            verdict(true, "证书真实有效", "the certificate is genuine", shown)
        },
    )
}

/// The clerk key of this review's packages whose fingerprint is `typed` (as printed on
/// the 公示): the key a check may trust on a laptop that is not the clerk's.
pub fn clerk_key_by_fingerprint(review_path: &Path, typed: &str) -> Result<String> {
    let wanted = crate::registration::parse_fingerprint(typed)?;
    let conn = store::open(review_path)?;
    let mut stmt = conn.prepare("SELECT manifest FROM panel_package")?;
    let manifests = stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for bytes in manifests {
        let Ok(m) = serde_json::from_slice::<crate::package::PanelPackage>(&bytes) else {
            continue;
        };
        let key = keys::parse_public(&m.clerk.signing_key)?;
        if keys::fingerprint(&key) == wanted {
            return Ok(m.clerk.signing_key);
        }
    }
    Err(Error::BadInput {
        zh: format!("本评审的评审包中没有指纹为 {wanted} 的工作人员密钥"),
        en: format!("no clerk key with fingerprint {wanted} signed this review's packages"),
    })
}

/// What checking a certificate's QR text found: whether its signature verifies, with
/// which key (its fingerprint, to compare with the 公示), and the words it certifies.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QrCheck {
    pub genuine: bool,
    pub words: Option<CertificateWords>,
    pub clerk_fingerprint: Option<String>,
    pub code: Option<String>,
    pub reason_zh: String,
    pub reason_en: String,
}

/// Checks a certificate's QR text with nothing but the key it names: genuine when the
/// signature over the words verifies and that key's fingerprint is `expected_fingerprint`
/// (typed from the 公示); without one, the fingerprint is reported for the reader to
/// compare, and the certificate is not called genuine.
pub fn check_qr(text: &str, expected_fingerprint: Option<&str>) -> Result<QrCheck> {
    let refused = |zh: &str, en: &str| QrCheck {
        genuine: false,
        words: None,
        clerk_fingerprint: None,
        code: None,
        reason_zh: zh.into(),
        reason_en: en.into(),
    };
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.trim_end_matches('\n').split('\n').collect();
    if lines.len() != 9 || lines[0] != CERTIFICATE_CONTEXT {
        return Ok(refused(
            "不是 PanelDesk 证书的二维码内容",
            "not the QR text of a PanelDesk certificate",
        ));
    }
    let Ok(year) = lines[5].parse::<i32>() else {
        return Ok(refused("二维码内容格式不正确", "malformed QR text"));
    };
    let words = CertificateWords {
        serial: lines[1].into(),
        name: lines[2].into(),
        university: lines[3].into(),
        honour: lines[4].into(),
        year,
        review_id: lines[6].into(),
    };
    let entry = format!("{}\n{}\n", lines[7], lines[8]);
    let Some((key_hex, signature)) = crate::container::parse_signature_entry(entry.as_bytes())
    else {
        return Ok(refused(
            "二维码中的签名格式不正确",
            "malformed signature in the QR text",
        ));
    };
    let Ok(key) = keys::parse_public(&key_hex) else {
        return Ok(refused(
            "二维码中的公钥无效",
            "invalid public key in the QR text",
        ));
    };
    let fingerprint = keys::fingerprint(&key);
    let mut out = QrCheck {
        genuine: false,
        words: Some(words.clone()),
        clerk_fingerprint: Some(fingerprint.clone()),
        code: Some(signed_code(&signature)),
        reason_zh: String::new(),
        reason_en: String::new(),
    };
    let expected = expected_fingerprint
        .map(crate::registration::parse_fingerprint)
        .transpose()?;
    let (genuine, zh, en) = if !keys::verify(&key, words.message().as_bytes(), &signature) {
        (
            false,
            "签名校验失败：证书内容被改动过，或是伪造的".to_string(),
            "the signature does not verify: the certificate was altered or forged".to_string(),
        )
    } else {
        match expected {
            Some(e) if e == fingerprint => (true, "证书真实有效".into(), "the certificate is genuine".into()),
            Some(e) => (
                false,
                format!("签发密钥的指纹 {fingerprint} 与公示中的 {e} 不符：证书不是该单位签发的"),
                format!("signed by key {fingerprint}, not by {e} as the announcement prints: not issued by that office"),
            ),
            None => (
                false,
                format!("签名有效，签发密钥指纹为 {fingerprint}：请与公示中印出的指纹核对"),
                format!("the signature verifies with key {fingerprint}: compare it with the fingerprint the announcement prints"),
            ),
        }
    };
    out.genuine = genuine;
    out.reason_zh = zh;
    out.reason_en = en;
    Ok(out)
}

/// The text of the first QR code found in a PNG photo or scan of a certificate.
pub fn qr_text_from_png(bytes: &[u8]) -> Result<String> {
    let unreadable = |detail: String| Error::BadInput {
        zh: format!("无法从图片中读出证书二维码（{detail}）：请用清晰的 PNG 图片"),
        en: format!(
            "no certificate QR code could be read from the image ({detail}): use a clear PNG"
        ),
    };
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| unreadable(e.to_string()))?;
    let (width, height) = (reader.info().width as usize, reader.info().height as usize);
    // A scan of an A4 page at 300 dpi is about 9 megapixels; refuse a decompression bomb.
    if width.saturating_mul(height) > 80_000_000 {
        return Err(unreadable(format!("{width}×{height} pixels")));
    }
    let mut pixels = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let frame = reader
        .next_frame(&mut pixels)
        .map_err(|e| unreadable(e.to_string()))?;
    let channels = frame.color_type.samples();
    let grey = |x: usize, y: usize| -> u8 {
        let at = (y * width + x) * channels;
        match channels {
            1 | 2 => pixels[at],
            _ => {
                ((u16::from(pixels[at]) * 3
                    + u16::from(pixels[at + 1]) * 6
                    + u16::from(pixels[at + 2]))
                    / 10) as u8
            }
        }
    };
    // rqrr's finder search is sensitive to how many pixels a module spans; a photo or a
    // scan gives whatever it gives, so the image is also tried enlarged.
    for scale in [1, 2, 3] {
        if width.saturating_mul(height).saturating_mul(scale * scale) > 80_000_000 {
            break;
        }
        let mut image =
            rqrr::PreparedImage::prepare_from_greyscale(width * scale, height * scale, |x, y| {
                grey(x / scale, y / scale)
            });
        for grid in image.detect_grids() {
            if let Ok((_, text)) = grid.decode() {
                return Ok(text);
            }
        }
    }
    Err(unreadable("no QR code found".into()))
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
