//! Everything a printed document needs, read once from the review: the package the
//! experts scored, the results, each expert's marks and what their bundles were.

use std::path::Path;

use rusqlite::OptionalExtension;

use crate::error::Result;
use crate::merge::results::{self, Marks, ResultOptions, ReviewResults};
use crate::model::Category;
use crate::package::PackagedReview;
use crate::store;

/// An expert as the documents number them: 专家1, 专家2, … in roster order.
#[derive(Debug, Clone)]
pub struct ExpertLine {
    pub number: u32,
    pub id: i64,
    pub name: String,
    pub institution: String,
    pub title: String,
    /// From the expert's newest accepted bundle; `None` before one arrived.
    pub fingerprint: Option<String>,
    pub bundle_hash: Option<String>,
    pub sequence: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Record {
    pub review: PackagedReview,
    pub package_hash: String,
    /// The clerk's Ed25519 key the package was signed with, hex.
    pub clerk_key: String,
    pub categories: Vec<Category>,
    pub experts: Vec<ExpertLine>,
    pub results: ReviewResults,
    pub marks: Marks,
    /// The nominations each expert was given to score (their panels'), by expert id.
    pub assigned: std::collections::BTreeMap<i64, std::collections::BTreeSet<i64>>,
    /// The audit log's newest entry when the record was read: printed on the documents the
    /// panel signs and the public list, so the file can later be checked against paper.
    pub anchor: Option<crate::audit::Anchor>,
    /// The 公示 as set and the objections still pending: what the 公示 prints and what
    /// certificates wait for.
    pub publication: crate::readiness::Publication,
    /// Each corrected nomination's corrections, oldest first (values and reasons masked):
    /// every document marks a corrected entry.
    pub corrections: std::collections::BTreeMap<i64, Vec<crate::corrections::Correction>>,
}

fn corrections_by_nomination(
    conn: &rusqlite::Connection,
) -> Result<std::collections::BTreeMap<i64, Vec<crate::corrections::Correction>>> {
    let mut by = std::collections::BTreeMap::<i64, Vec<_>>::new();
    for c in crate::corrections::all(conn)? {
        by.entry(c.nomination_id).or_default().push(c);
    }
    Ok(by)
}

impl Record {
    pub fn load(review_path: &Path, options: &ResultOptions) -> Result<Record> {
        let (results, round) = results::compute_with_round(review_path, options)?;
        let (hash, package, marks) = (round.hash, round.package, round.marks);
        let conn = store::open(review_path)?;
        let mut experts = Vec::new();
        for (i, e) in package.experts.iter().enumerate() {
            // With several panels an expert may sit on more than one: the sheet names the
            // key and bundle of the first of their panels that has them.
            let mut fingerprint: Option<String> = None;
            let mut bundle: Option<(String, i64)> = None;
            for panel in &round.panels {
                if !panel.experts.contains(&e.id) {
                    continue;
                }
                let panel_hash = &panel.hash;
                fingerprint = fingerprint.or(conn
                    .query_row(
                        "SELECT fingerprint FROM expert_key WHERE package_hash = ?1 AND expert_id = ?2",
                        rusqlite::params![panel_hash, e.id],
                        |r| r.get(0),
                    )
                    .optional()?);
                bundle = bundle.or(conn
                    .query_row(
                        "SELECT bundle_hash, sequence FROM received_bundle
                         WHERE package_hash = ?1 AND expert_id = ?2 ORDER BY rowid DESC LIMIT 1",
                        rusqlite::params![panel_hash, e.id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?);
            }
            experts.push(ExpertLine {
                number: i as u32 + 1,
                id: e.id,
                name: e.name.clone(),
                institution: e.institution.clone(),
                title: e.title.clone(),
                fingerprint,
                bundle_hash: bundle.as_ref().map(|b| b.0.clone()),
                sequence: bundle.map(|b| b.1),
            });
        }
        let mut assigned: std::collections::BTreeMap<i64, std::collections::BTreeSet<i64>> =
            Default::default();
        for panel in &round.panels {
            for e in &panel.experts {
                assigned
                    .entry(*e)
                    .or_default()
                    .extend(panel.nominations.iter().copied());
            }
        }
        Ok(Record {
            review: package.review.clone(),
            package_hash: hash,
            clerk_key: package.clerk.signing_key.clone(),
            categories: package.categories.clone(),
            experts,
            results,
            marks,
            assigned,
            anchor: crate::audit::head(&conn)?,
            publication: crate::readiness::Publication::load(&conn)?,
            corrections: corrections_by_nomination(&conn)?,
        })
    }

    /// SHA-256 of the results as JSON: what the clerk signs before certificates print.
    pub fn results_hash(&self) -> String {
        let json = serde_json::to_vec(&self.results).unwrap_or_default();
        crate::keys::sha256_hex(&json)
    }

    /// Whether nomination `id` was corrected after import.
    pub fn corrected(&self, id: i64) -> bool {
        self.corrections.contains_key(&id)
    }

    pub fn category(&self, key: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.key == key)
    }
}
