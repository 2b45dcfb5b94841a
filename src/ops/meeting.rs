//! The panel's 会评 vote by show of hands, confirmed by its chair: the clerk writes the
//! tally for the chair (`merge::tally_file::write`), the chair reads and signs it on their
//! own laptop with the key they enrolled (`show`, `sign`), and the clerk counts the ballot
//! from the signed file (`merge::tally_file::confirm`).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::merge::meeting::MeetingOutcome;
use crate::merge::tally_file::{self, TallyFile};
use crate::model::marks::RuleError;
use crate::refusal::Refusal;
use crate::scoring::panel::Panel;

/// The same 会评 voted on the experts' own laptops: `super::ballot`, named here too.
pub use super::ballot::{
    cast_vote, count_votes, read_paper, receive_vote, write_paper, PaperShown, VoteCast,
};

/// A tally file as the chair reads it before signing.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TallyShown {
    pub content: TallyFile,
    /// What the counts decide, by the ballot's own rule.
    pub outcome: MeetingOutcome,
    /// The fingerprint of the key that signed it, when it is signed (and verifies).
    pub signed_by: Option<String>,
}

/// Reads a tally file for people: its content and what it decides; a signed one is
/// verified first. Counts that cannot be are refused here, before anyone signs them.
pub fn show(file: &Path) -> Result<TallyShown> {
    let (content, _, signed) = tally_file::open_unsigned(file)?;
    let signed_by = if signed {
        Some(tally_file::open_signed(file)?.fingerprint)
    } else {
        None
    };
    let outcome = tally_file::outcome_of(&content).map_err(|r| refused(file, r))?;
    Ok(TallyShown {
        content,
        outcome,
        signed_by,
    })
}

/// What the chair's laptop wrote.
#[derive(Debug, Clone, Serialize)]
pub struct SignedTallyFile {
    pub file: PathBuf,
    pub fingerprint: String,
    pub shown: TallyShown,
}

/// The chair signs tally `file` on their own laptop with the key enrolled on `panel`,
/// unlocked by `passphrase`, writing the signed file into `out_dir` with the laptop's
/// clock (`now_unix`) as the time of signing. Refused for a tally of another review, one
/// naming someone else as chair, and counts that cannot be. The signed file is read back
/// and verified before the chair is told it is written.
pub fn sign(
    panel: &mut Panel,
    file: &Path,
    passphrase: &str,
    out_dir: &Path,
    now_unix: i64,
) -> Result<SignedTallyFile> {
    let (content, json, _) = tally_file::open_unsigned(file)?;
    if content.review.id != panel.package.review.id {
        return Err(refused(
            file,
            Refusal::OtherReview {
                found: content.review.id.clone(),
            },
        ));
    }
    let enrolled = panel.enrolment()?.ok_or(RuleError::NotEnrolled)?.expert;
    if enrolled.id != content.chair.id {
        return Err(Error::BadInput {
            zh: format!(
                "{}：该计票文件须由组长“{}”签名，本机登记的是专家“{}”",
                file.display(),
                content.chair.name,
                enrolled.name
            ),
            en: format!(
                "{}: the tally is for the chair, {}, to sign; this laptop is enrolled as {}",
                file.display(),
                content.chair.name,
                enrolled.name
            ),
        });
    }
    let outcome = tally_file::outcome_of(&content).map_err(|r| refused(file, r))?;
    let signed_at = super::ballot::rfc3339(now_unix)?;
    let (_, key) = panel.unlock(passphrase, now_unix)?;
    let dest = out_dir.join(format!(
        "tally-ballot-{}-signed.{}",
        content.ballot.id,
        tally_file::EXTENSION
    ));
    tally_file::sign(&json, &key, &signed_at, &dest)?;
    let written = tally_file::open_signed(&dest)?;
    Ok(SignedTallyFile {
        file: dest,
        fingerprint: written.fingerprint.clone(),
        shown: TallyShown {
            content,
            outcome,
            signed_by: Some(written.fingerprint),
        },
    })
}

fn refused(file: &Path, refusal: Refusal) -> Error {
    crate::container::refuse(file, refusal)
}

/// The clerk writes the tally entered for a ballot with a chair as a tally file for the
/// chair into `out_dir` (`merge::tally_file::write`).
pub fn write_for_chair(
    review: &Path,
    ballot: i64,
    tally: &crate::merge::meeting::Tally,
    out_dir: &Path,
    at: &str,
    actor: &str,
) -> Result<tally_file::Written> {
    tally_file::write(review, ballot, tally, out_dir, at, actor)
}

/// The clerk counts a ballot from its chair's signed tally file
/// (`merge::tally_file::confirm`).
pub fn confirm(
    review: &Path,
    ballot: i64,
    file: &Path,
    at: &str,
    actor: &str,
) -> Result<tally_file::Confirmed> {
    tally_file::confirm(review, ballot, file, at, actor)
}
