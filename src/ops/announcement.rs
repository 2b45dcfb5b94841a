//! The 公示's settings as the clerk edits them: what is given replaces, what is left
//! out stays as stored, so setting one field never clears the others.

use std::path::Path;

use time::Date;

use crate::announcement::{self, AnnouncementSettings, StoredAnnouncement, TitleKind};
use crate::error::{Error, Result};
use crate::store;

/// The fields the clerk gives; `None`: keep what is stored.
#[derive(Default)]
pub struct AnnouncementEdit {
    pub title_kind: Option<TitleKind>,
    pub period_from: Option<String>,
    pub period_to: Option<String>,
    pub telephone: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub issuer: Option<String>,
    pub issued_on: Option<String>,
}

/// The 公示 as set; none set yet is an error, not an empty answer.
pub fn show(review: &Path) -> Result<StoredAnnouncement> {
    announcement::read(&store::open(review)?)?.ok_or(Error::AnnouncementNotSet)
}

/// Applies `edit` over the stored settings. A field neither given nor stored is left
/// empty for the check to name; the wording defaults to what the activity confers, the
/// issuing date to `today`.
pub fn edit(
    review: &Path,
    edit: AnnouncementEdit,
    today: Date,
    at: &str,
    actor: &str,
) -> Result<StoredAnnouncement> {
    let conn = store::open(review)?;
    let before = announcement::read(&conn)?.map(|s| s.settings);
    let title_kind = match (edit.title_kind, &before) {
        (Some(t), _) => t,
        (None, Some(b)) => b.title_kind,
        (None, None) => announcement::suggested_title_kind(&conn)?,
    };
    drop(conn);
    let keep = |given: Option<String>, stored: fn(&AnnouncementSettings) -> &String| {
        given
            .or_else(|| before.as_ref().map(|b| stored(b).clone()))
            .unwrap_or_default()
    };
    let issued_on = edit
        .issued_on
        .or_else(|| before.as_ref().map(|b| b.issued_on.clone()))
        .unwrap_or_else(|| day_text(today));
    let settings = AnnouncementSettings {
        title_kind,
        period_from: keep(edit.period_from, |b| &b.period_from),
        period_to: keep(edit.period_to, |b| &b.period_to),
        telephone: keep(edit.telephone, |b| &b.telephone),
        address: keep(edit.address, |b| &b.address),
        email: keep(edit.email, |b| &b.email),
        issuer: keep(edit.issuer, |b| &b.issuer),
        issued_on,
    };
    announcement::set(review, settings, at, actor)
}

fn day_text(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}
