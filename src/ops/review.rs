//! The clerk's work on one review before and around the round: making it, its roster,
//! quotas, allowances and rules, correcting or withdrawing nominations, settling flags.
//! Each change answers with what the clerk's screen shows next (the review masked, or
//! the flags as now stored), read after the change's own transaction.

use std::path::{Path, PathBuf};

use crate::activity::Activity;
use crate::error::{Error, Result};
use crate::model::rule::CategoryRule;
use crate::model::{Review, ReviewSummary};
use crate::privacy::Privacy;
use crate::review::{self, NewReview};
use crate::store::experts::NewExpert;
use crate::store::flags::{self, Decision, StoredFlag};
use crate::workspace::Workspace;

/// The review as the clerk's screens show it: personal data masked.
fn shown(review_path: &Path) -> Result<Review> {
    review::load(review_path, Privacy::Masked)
}

/// Makes a new, empty review of `activity` for `year` in `workspace`; `suffix` (fresh
/// randomness) keeps its id unique.
pub fn create(
    workspace: &Workspace,
    activity: Activity,
    year: i32,
    suffix: &str,
    at: &str,
    actor: &str,
) -> Result<ReviewSummary> {
    let id = review::make_id(year, activity, suffix);
    let new = NewReview {
        id,
        activity,
        year,
        created_at: at.into(),
        actor: actor.into(),
    };
    review::create(&workspace.path_for_new_review(&new.id), &new)
}

/// Adds an expert to the roster; answers with the review.
pub fn add_expert(review_path: &Path, new: &NewExpert, at: &str, actor: &str) -> Result<Review> {
    crate::roster::add(review_path, new, at, actor)?;
    shown(review_path)
}

/// Removes an expert from the roster (refused once a package went out); answers with
/// the review.
pub fn remove_expert(review_path: &Path, expert_id: i64, at: &str, actor: &str) -> Result<Review> {
    crate::roster::remove(review_path, expert_id, at, actor)?;
    shown(review_path)
}

/// Sets a category's quota (`approximate`: a "左右" quota); answers with the review.
pub fn set_quota(
    review_path: &Path,
    category_key: &str,
    quota: u32,
    approximate: bool,
    at: &str,
    actor: &str,
) -> Result<Review> {
    review::set_quota(review_path, category_key, quota, approximate, at, actor)?;
    shown(review_path)
}

/// Sets how many nominations one university may send in a category (`None`: no
/// limit); answers with the review.
pub fn set_allowance(
    review_path: &Path,
    category_key: &str,
    allowance: Option<u32>,
    at: &str,
    actor: &str,
) -> Result<Review> {
    review::set_allowance(review_path, category_key, allowance, at, actor)?;
    shown(review_path)
}

/// Stores a category's aggregation rule; answers with the review.
pub fn set_rule(
    review_path: &Path,
    category_key: &str,
    rule: &CategoryRule,
    at: &str,
    actor: &str,
) -> Result<Review> {
    crate::store::category_rules::set(review_path, category_key, rule, at, actor)?;
    shown(review_path)
}

/// Corrects one field of a nomination, with the reason the record requires; answers
/// with the review.
pub fn correct_nomination(
    review_path: &Path,
    nomination_id: i64,
    field_key: &str,
    value: &str,
    reason: &str,
    at: &str,
    actor: &str,
) -> Result<Review> {
    crate::corrections::edit_field(
        review_path,
        nomination_id,
        field_key,
        value,
        reason,
        at,
        actor,
    )?;
    shown(review_path)
}

/// Withdraws a nomination, with the reason the record requires; answers with the review.
pub fn withdraw_nomination(
    review_path: &Path,
    nomination_id: i64,
    reason: &str,
    at: &str,
    actor: &str,
) -> Result<Review> {
    crate::corrections::withdraw(review_path, nomination_id, reason, at, actor)?;
    shown(review_path)
}

/// Settles one flag with the clerk's decision and note.
pub fn settle_flag(
    review_path: &Path,
    flag_id: i64,
    decision: Decision,
    note: &str,
    at: &str,
    actor: &str,
) -> Result<StoredFlag> {
    let mut conn = crate::store::open(review_path)?;
    flags::settle(&mut conn, flag_id, decision, note, at, actor)
}

/// Settles a selection of flags with one note, all or none.
pub fn settle_flags(
    review_path: &Path,
    flag_ids: &[i64],
    decision: Decision,
    note: &str,
    at: &str,
    actor: &str,
) -> Result<Vec<StoredFlag>> {
    let mut conn = crate::store::open(review_path)?;
    flags::settle_many(&mut conn, flag_ids, decision, note, at, actor)
}

/// Saves a copy of one of the review's materials at `destination`, or beside it under a
/// new name when one is there (materials are named by whoever sent them); returns the
/// path written.
pub fn save_material(review_path: &Path, sha256: &str, destination: &Path) -> Result<PathBuf> {
    let conn = crate::store::open(review_path)?;
    let bytes = crate::store::materials::named_content(&conn, sha256)?
        .ok_or_else(|| Error::Corrupt(format!("material {sha256} is not in this review")))?;
    crate::container::write_bytes_new(destination, &bytes)
}
