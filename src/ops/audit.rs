//! Checking a review against its own evidence: the audit log's hash chain, the anchor a
//! printed document carries, the marks re-derived from the signed bundles the review
//! keeps, the 会评 counts from the chairs' signed tallies it keeps, and the results digest
//! a printout must show.

use std::path::Path;

use serde::Serialize;

use crate::audit::{self, Anchor};
use crate::error::Result;
use crate::keys::ClerkKeys;
use crate::merge::rederive::{self, BallotRederivation, Rederivation};
use crate::merge::results::ResultOptions;
use crate::report::record::Record;
use crate::store;

/// What checking found. The differences are listed, not raised: every one is shown
/// before the check fails.
#[derive(Serialize)]
pub struct AuditCheck {
    pub ok: bool,
    pub entries: usize,
    pub head: Option<Anchor>,
    pub anchor_checked: Option<String>,
    /// `None` without the clerk's keys: only they open the sealed scores.
    pub rederived: Option<Rederivation>,
    /// The counted 会评 ballots checked again: tallies are signed, not sealed, so any
    /// laptop checks them.
    pub tallies: BallotRederivation,
    /// What the 汇总表 and 公示 print as the results digest, recomputed now; `None`
    /// while the results cannot be computed.
    pub results_digest: Option<String>,
}

impl AuditCheck {
    pub fn differences(&self) -> usize {
        self.rederived.as_ref().map_or(0, |d| d.differences.len()) + self.tallies.differences.len()
    }
}

/// Checks the chain (and `anchor`, when a printed one is given), then re-derives the
/// counted ballots from the kept signed tallies, and the marks when `clerk` yields keys:
/// a laptop without them (a supervisor's) checks no marks. The keys are asked for after
/// the chain holds.
pub fn verify(
    review: &Path,
    anchor: Option<&str>,
    clerk: impl FnOnce() -> Result<Option<ClerkKeys>>,
) -> Result<AuditCheck> {
    let conn = store::open(review)?;
    let entries = match anchor {
        Some(anchor) => audit::verify_anchor(&conn, anchor)?,
        None => audit::verify(&conn)?,
    };
    let head = audit::head(&conn)?;
    let tallies = rederive::ballots(&conn)?;
    let rederived = match clerk()? {
        Some(clerk) => Some(rederive::rederive(&conn, &clerk)?),
        None => None,
    };
    let results_digest = Record::load(review, &ResultOptions::default())
        .ok()
        .map(|r| r.results_hash());
    let mut check = AuditCheck {
        ok: false,
        entries,
        head,
        anchor_checked: anchor.map(str::to_string),
        rederived,
        tallies,
        results_digest,
    };
    check.ok = check.differences() == 0;
    Ok(check)
}
