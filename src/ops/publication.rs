//! The 公示 and its 异议 ledger. Each change answers with where publication stands on
//! `today` (`readiness::publication_status`), as the results tab shows it.

use std::path::Path;

use time::Date;

use crate::announcement::{self, AnnouncementSettings};
use crate::error::Result;
use crate::merge::results::ResultOptions;
use crate::objections::{self, NewObjection, Resolution};
use crate::readiness::{self, PublicationStatus};

/// Where publication stands on `today`, by the review's stored rules.
pub fn status(review_path: &Path, today: Date) -> Result<PublicationStatus> {
    readiness::publication_status(review_path, &ResultOptions::default(), today)
}

/// Sets (or replaces) the 公示's wording and period.
pub fn set_announcement(
    review_path: &Path,
    settings: AnnouncementSettings,
    today: Date,
    at: &str,
    actor: &str,
) -> Result<PublicationStatus> {
    announcement::set(review_path, settings, at, actor)?;
    status(review_path, today)
}

/// Enters an objection received during the 公示.
pub fn add_objection(
    review_path: &Path,
    objection: &NewObjection,
    today: Date,
    at: &str,
    actor: &str,
) -> Result<PublicationStatus> {
    objections::add(review_path, objection, at, actor)?;
    status(review_path, today)
}

/// Resolves an objection once, upheld (the nomination goes out) or dismissed.
pub fn resolve_objection(
    review_path: &Path,
    objection_id: i64,
    resolution: &Resolution,
    today: Date,
    at: &str,
    actor: &str,
) -> Result<PublicationStatus> {
    objections::resolve(review_path, objection_id, resolution, at, actor)?;
    status(review_path, today)
}
