//! The 异议 ledger as the clerk works it: each change answers with the objection as it
//! now stands, masked like every other view.

use std::path::Path;

use crate::error::{Error, Result};
use crate::objections::{self, NewObjection, Objection, Resolution};
use crate::privacy::Privacy;
use crate::store;

/// The objections, all or only those still pending, shown with `privacy`.
pub fn list(review: &Path, pending_only: bool, privacy: Privacy) -> Result<Vec<Objection>> {
    Ok(objections::list(&store::open(review)?, privacy)?
        .into_iter()
        .filter(|o| !pending_only || o.pending())
        .collect())
}

fn masked(review: &Path, id: i64) -> Result<Option<Objection>> {
    Ok(objections::list(&store::open(review)?, Privacy::Masked)?
        .into_iter()
        .find(|o| o.id == id))
}

/// Records an objection; answers with it masked.
pub fn add(review: &Path, new: &NewObjection, at: &str, actor: &str) -> Result<Objection> {
    let stored = objections::add(review, new, at, actor)?;
    Ok(masked(review, stored.id)?.unwrap_or(stored))
}

/// Resolves objection `id` once; answers with it masked.
pub fn resolve(
    review: &Path,
    id: i64,
    resolution: &Resolution,
    at: &str,
    actor: &str,
) -> Result<Objection> {
    objections::resolve(review, id, resolution, at, actor)?;
    masked(review, id)?.ok_or(Error::ObjectionNotFound { id })
}
