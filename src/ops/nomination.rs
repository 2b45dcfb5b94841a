//! One nomination as the clerk checks it: its fields, the corrections made to them and,
//! when it was withdrawn, the reason given.

use std::path::Path;

use serde::Serialize;

use crate::corrections::{self, Correction};
use crate::error::{Error, Result};
use crate::model::Nomination;
use crate::privacy::Privacy;
use crate::store;

#[derive(Serialize)]
pub struct NominationRecord {
    pub nomination: Nomination,
    pub corrections: Vec<Correction>,
    /// The reason it was withdrawn; `None` while it stands.
    pub withdrawn: Option<String>,
}

/// Nomination `id` of the review, shown with `privacy`.
pub fn show(review: &Path, id: i64, privacy: Privacy) -> Result<NominationRecord> {
    let nomination = crate::review::load(review, privacy)?
        .nominations
        .into_iter()
        .find(|n| n.id == id)
        .ok_or(Error::NominationNotFound { id })?;
    let conn = store::open(review)?;
    let withdrawn = store::flags::read_all(&conn)?
        .into_iter()
        .find(|f| f.nomination_id == id && f.kind == corrections::WITHDRAWN)
        .map(|f| f.note);
    Ok(NominationRecord {
        nomination,
        corrections: corrections::for_nomination(&conn, id)?,
        withdrawn,
    })
}
