//! Certificates: the editor's live preview, and printing a batch for the winners in one
//! PDF or one per university with its 领取签收单. Who is a winner, and when, is
//! `serials::winners`'s rule; this layer reads the review once and hands each step what
//! it needs, in the order that records nothing when a batch cannot print.

use std::path::{Path, PathBuf};

use serde::Serialize;
use time::Date;

use crate::error::{Error, Result};
use crate::keys::ClerkKeys;
use crate::merge::results::ResultOptions;
use crate::privacy::Privacy;
use crate::report::certificate::{self, Award, CertificateTemplate, Sheet};
use crate::report::font::{self, Style};
use crate::report::record::Record;
use crate::report::serials::{self, UniversityBatch};

use super::{dated, Existing};

/// The name the preview shows before any results exist: a rare character on purpose, so
/// the clerk sees at once whether the chosen faces print such names.
pub const SAMPLE_NAME: &str = "张喆";
/// The university the preview shows before any results exist.
pub const SAMPLE_UNIVERSITY: &str = "江北师范大学";

/// The certificate editor's preview: the core's layout of the first certificate.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CertificatePreview {
    pub sheet: Sheet,
    /// True when no results exist yet and a sample name stands in.
    pub sample: bool,
    /// Characters of this certificate the font cannot print (empty when all can).
    pub missing_chars: String,
    /// True while the template names no issuer: printing is refused until it does.
    pub issuer_missing: bool,
}

/// The first certificate as it would print with `template` on `today` (for
/// `category_key`, with that category's own honour and title; an unknown key counts as
/// none), laid out for the editor's preview. Before any winner exists a sample award
/// stands in, so the clerk can lay out the template before the round ends.
pub fn preview(
    review_path: &Path,
    template: CertificateTemplate,
    category_key: Option<&str>,
    today: Date,
) -> Result<CertificatePreview> {
    template.check()?;
    let issuer_missing = matches!(
        template.check_printable(),
        Err(Error::CertificateIssuerMissing)
    );
    let review = crate::review::load(review_path, Privacy::Masked)?;
    let category_key = category_key.filter(|k| review.categories.iter().any(|c| c.key == *k));
    let first = first_winner(review_path, category_key, today);
    let sample = first.is_none();
    let (name, university, category) = first.unwrap_or_else(|| {
        let category = review
            .categories
            .iter()
            .find(|c| category_key.is_none_or(|k| k == c.key))
            .map(|c| c.name_zh.clone())
            .unwrap_or_default();
        (SAMPLE_NAME.into(), SAMPLE_UNIVERSITY.into(), category)
    });
    let template = match category_key {
        Some(key) => template.for_category(key),
        None => template,
    };
    let award = Award {
        // The shape of a real serial, for the layout; a preview never issues one.
        serial: format!("{}{}-01-001", template.serial_prefix, review.year),
        code: "XXXXX-XXXXX".into(),
        name,
        university,
        category,
        year: review.year,
        review_title: review.title_zh.clone(),
        qr: String::new(),
    };
    let regular = font::face(Style::Serif)?;
    let bold = font::face(Style::SerifBold)?;
    let gaps = certificate::glyph_gaps(
        &template,
        std::slice::from_ref(&award),
        today,
        &regular,
        &bold,
    );
    Ok(CertificatePreview {
        sheet: certificate::sheet(&template, &award, today, &regular, &bold)?,
        sample,
        missing_chars: gaps.into_iter().map(|g| g.chars).collect(),
        issuer_missing,
    })
}

/// The first winner on `today` (in `category_key` when given) as (name, university,
/// category); `None` while there are no results or no winner may have a certificate yet.
fn first_winner(
    review_path: &Path,
    category_key: Option<&str>,
    today: Date,
) -> Option<(String, String, String)> {
    let record = Record::load(review_path, &ResultOptions::default()).ok()?;
    let (key, id) = serials::winners(&record, None, today)
        .ok()?
        .into_iter()
        .find(|(key, _)| category_key.is_none_or(|k| k == key))?;
    let n = record
        .results
        .categories
        .iter()
        .find(|c| c.key == key)?
        .nominations
        .iter()
        .find(|n| n.nomination_id == id)?;
    let category = record.category(&key)?.name_zh.clone();
    Some((n.display_name.clone(), n.university.clone(), category))
}

/// Which certificates a batch prints, with what and under which date.
#[derive(Debug, Clone)]
pub struct Batch {
    /// The template to print with; `None`: the one stored in the review.
    pub template: Option<CertificateTemplate>,
    /// Only these nominations (each must be a winner); `None`: every winner.
    pub only: Option<Vec<i64>>,
    /// The rules the results are computed by.
    pub options: ResultOptions,
    /// The date printed on the certificates.
    pub date: Date,
}

impl Batch {
    /// Every winner, with the review's own template and rules, dated `date`.
    pub fn winners(date: Date) -> Batch {
        Batch {
            template: None,
            only: None,
            options: ResultOptions::default(),
            date,
        }
    }
}

/// What printing a batch into one PDF wrote: the certificates and the file's size.
#[derive(Debug, Clone)]
pub struct Printed {
    pub awards: Vec<Award>,
    pub size: usize,
}

/// What printing a batch per university wrote: each university's share, and the files
/// in the order they were written.
#[derive(Debug, Clone)]
pub struct PrintedPerUniversity {
    pub batches: Vec<UniversityBatch>,
    pub files: Vec<PathBuf>,
}

impl PrintedPerUniversity {
    /// Every certificate printed, university by university.
    pub fn awards(self) -> Vec<Award> {
        self.batches.into_iter().flat_map(|b| b.awards).collect()
    }
}

/// What every way of printing reads first: the record, the template, the winners (the
/// 公示 is over by `today`'s calendar, whatever date the certificates carry) and the title.
struct Prepared {
    record: Record,
    template: CertificateTemplate,
    chosen: Vec<(String, i64)>,
    title: String,
}

impl Prepared {
    /// The batch to issue from what was read, signed by `clerk` and dated `date`.
    fn issue<'a>(
        &'a self,
        review_path: &'a Path,
        clerk: &'a ClerkKeys,
        date: Date,
        at: &'a str,
        actor: &'a str,
    ) -> serials::Issue<'a> {
        serials::Issue {
            review_path,
            record: &self.record,
            chosen: &self.chosen,
            template: &self.template,
            clerk,
            date,
            at,
            actor,
        }
    }
}

fn prepare(review_path: &Path, batch: &Batch, today: Date) -> Result<Prepared> {
    let record = Record::load(review_path, &batch.options)?;
    let template = match &batch.template {
        Some(template) => template.clone(),
        None => serials::template(review_path)?,
    };
    let chosen = serials::winners(&record, batch.only.as_deref(), today)?;
    let title = format!("{}证书", record.review.title_zh);
    Ok(Prepared {
        record,
        template,
        chosen,
        title,
    })
}

/// Prints `batch` into one PDF at `destination`: serials, codes and signatures issued,
/// stored and audited. The clerk's keys are asked for (`clerk`) only once the winners
/// are known, so nobody types a passphrase for a batch refused anyway.
#[allow(clippy::too_many_arguments)]
pub fn print(
    review_path: &Path,
    batch: &Batch,
    clerk: impl FnOnce() -> Result<ClerkKeys>,
    today: Date,
    destination: &Path,
    existing: Existing,
    at: &str,
    actor: &str,
) -> Result<Printed> {
    existing.check(destination)?;
    let p = prepare(review_path, batch, today)?;
    let clerk = clerk()?;
    let meta = dated(&p.title, batch.date);
    let (awards, bytes) =
        serials::print(&p.issue(review_path, &clerk, batch.date, at, actor), &meta)?;
    let size = existing.write(destination, &bytes)?;
    Ok(Printed { awards, size })
}

/// Prints `batch` as [`print`] does, one PDF per university with its 领取签收单, into
/// `folder` (made when missing; a name already there refuses the batch before anything
/// is issued).
pub fn print_per_university(
    review_path: &Path,
    batch: &Batch,
    clerk: impl FnOnce() -> Result<ClerkKeys>,
    today: Date,
    folder: &Path,
    at: &str,
    actor: &str,
) -> Result<PrintedPerUniversity> {
    let p = prepare(review_path, batch, today)?;
    let clerk = clerk()?;
    let issue = p.issue(review_path, &clerk, batch.date, at, actor);
    let (batches, files) =
        serials::print_into_folder(&issue, &dated(&p.title, batch.date), folder)?;
    Ok(PrintedPerUniversity { batches, files })
}

/// The clerk key a certificate's serial is checked against: the one whose fingerprint
/// the 公示 printed when it is `typed`, else this laptop's own at `clerk_keys` (`None`
/// when the laptop has no keys file: it is not the clerk's). Never the key stored beside
/// the certificates, which whoever forged one could have stored too.
pub fn trusted_clerk_key(
    review: &Path,
    typed: Option<&str>,
    clerk_keys: &Path,
) -> Result<Option<String>> {
    if let Some(typed) = typed {
        return serials::clerk_key_by_fingerprint(review, typed).map(Some);
    }
    if !clerk_keys.exists() {
        return Ok(None);
    }
    let public = crate::keys::clerk_public_key(clerk_keys)?.ok_or(Error::ClerkKeysMissing)?;
    Ok(Some(crate::keys::public_hex(&public)))
}
