//! The scoring round: a panel's package goes out, result bundles come back, the panel
//! rules on rows, and an expert saves a material from the package. Any package or bundle
//! can be checked on its own, before anything is done with it (`verify_file`).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::bundle;
use crate::error::{Error, Result};
use crate::keys::ClerkKeys;
use crate::merge::collect::{self, Receipt};
use crate::merge::decisions::{self, Outcome};
use crate::merge::results::{self, ResultOptions, ReviewResults};
use crate::package::{self, PackageSummary, PanelScope};

/// What the clerk decides when a panel's package goes out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageTerms {
    /// The last day experts score (YYYY-MM-DD).
    pub closes_on: String,
    /// The shortest comment an expert may give.
    pub min_comment_chars: u32,
    /// The part of the review this panel scores.
    pub scope: PanelScope,
}

impl PackageTerms {
    pub fn new(closes_on: String, min_comment_chars: u32, scope: PanelScope) -> PackageTerms {
        PackageTerms {
            closes_on,
            min_comment_chars,
            scope,
        }
    }
}

/// Builds and signs the package of one panel at `destination`, audited.
pub fn build_package(
    review_path: &Path,
    destination: &Path,
    clerk: &ClerkKeys,
    terms: &PackageTerms,
    at: &str,
    actor: &str,
) -> Result<PackageSummary> {
    package::build_panel(
        review_path,
        destination,
        clerk,
        &terms.closes_on,
        terms.min_comment_chars,
        &terms.scope,
        at,
        actor,
    )
}

/// Receives the result bundles in `picked` (files, or folders whose bundles are taken
/// in name order), each verified, checked and stored on its own.
pub fn receive_bundles(
    review_path: &Path,
    clerk: &ClerkKeys,
    picked: &[PathBuf],
    at: &str,
    actor: &str,
) -> Result<Vec<Receipt>> {
    let files = collect::bundle_files(picked);
    collect::receive_many(review_path, clerk, &files, at, actor)
}

/// Records the panel's decision on one result; answers with the results it changes
/// (computed by the stored rules).
pub fn decide(
    review_path: &Path,
    nomination_id: i64,
    outcome: Outcome,
    reason: &str,
    at: &str,
    actor: &str,
) -> Result<ReviewResults> {
    decisions::decide(review_path, nomination_id, outcome, reason, at, actor)?;
    results::compute(review_path, &ResultOptions::default())
}

/// Saves one material of the package at `package_file` at `destination`, or beside it
/// under a new name when one is there; returns the path written.
pub fn save_packaged_material(
    package_file: &Path,
    sha256: &str,
    destination: &Path,
) -> Result<PathBuf> {
    let bytes = package::material(package_file, sha256)?;
    crate::container::write_bytes_new(destination, &bytes)
}

#[derive(Serialize)]
/// What checking one file found: the kind of file, its hash and signer, and what it
/// holds, or why it did not verify. Serialized as `paneldesk verify --json` answers.
pub struct Verified {
    pub file: String,
    pub ok: bool,
    pub kind: Option<&'static str>,
    pub hash: Option<String>,
    pub fingerprint: Option<String>,
    pub detail: serde_json::Value,
    pub error: Option<serde_json::Value>,
}

/// Opens `file` as a result bundle (by its extension) or else a panel package, checking
/// its signature. Never fails: a file that does not verify is answered with the reason,
/// so one bad file among many still lets the others be reported.
pub fn verify_file(file: &Path) -> Verified {
    let is_bundle = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(bundle::EXTENSION));
    let result = if is_bundle {
        bundle::open(file).map(|b| {
            (
                "result_bundle",
                b.hash,
                b.expert_fingerprint,
                serde_json::to_value(&b.header).unwrap_or_default(),
            )
        })
    } else {
        package::open(file).map(|p| {
            (
                "panel_package",
                p.hash,
                p.clerk_fingerprint,
                serde_json::json!({
                    "review": p.manifest.review,
                    "closes_on": p.manifest.closes_on,
                    "nominations": p.manifest.nominations.len(),
                    "experts": p.manifest.experts.len(),
                }),
            )
        })
    };
    match result {
        Ok((kind, hash, fingerprint, detail)) => Verified {
            file: file.display().to_string(),
            ok: true,
            kind: Some(kind),
            hash: Some(hash),
            fingerprint: Some(fingerprint),
            detail,
            error: None,
        },
        Err(e) => Verified {
            file: file.display().to_string(),
            ok: false,
            kind: None,
            hash: None,
            fingerprint: None,
            detail: serde_json::Value::Null,
            error: Some(serde_json::json!({
                "code": e.code(),
                "message_zh": e.message_zh(),
                "message_en": e.message_en(),
            })),
        },
    }
}

/// Fails when any of `results` did not verify, after they were all reported.
pub fn all_verified(results: &[Verified]) -> Result<()> {
    match results.iter().filter(|r| !r.ok).count() {
        0 => Ok(()),
        failed => Err(Error::NotAllVerified {
            failed,
            total: results.len(),
        }),
    }
}
