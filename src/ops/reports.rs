//! Printing the review's documents: the results summary, the experts' score sheets and
//! the 公示, each read from the review as it stands and written where the person chose.

use std::path::Path;

use crate::error::Result;
use crate::merge::results::ResultOptions;
use crate::report::documents;
pub use crate::report::documents::ReportKind;
use crate::report::record::Record;

use super::{dated, Existing};

/// What printing wrote: the document's title and its size in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    pub title: String,
    pub size: usize,
}

/// Prints `kind` for the review at `review_path` under `options`, dated `date`, into
/// `destination`; `expert` narrows the score sheets to one expert.
pub fn print(
    review_path: &Path,
    kind: ReportKind,
    expert: Option<i64>,
    options: &ResultOptions,
    date: time::Date,
    destination: &Path,
    existing: Existing,
) -> Result<Printed> {
    existing.check(destination)?;
    let record = Record::load(review_path, options)?;
    let title = kind.title(&record);
    let meta = dated(&title, date);
    let bytes = match kind {
        ReportKind::Summary => documents::summary(&record, &meta)?,
        ReportKind::ScoreSheets => documents::score_sheets(&record, expert, &meta)?,
        ReportKind::Announcement => documents::announcement(&record, &meta)?,
    };
    let size = existing.write(destination, &bytes)?;
    Ok(Printed { title, size })
}

/// Writes the results workbook (xlsx) of the review under `options` into `destination`;
/// returns its size in bytes.
pub fn export_workbook(
    review_path: &Path,
    options: &ResultOptions,
    destination: &Path,
    existing: Existing,
) -> Result<usize> {
    existing.make(destination, || {
        crate::report::results_workbook::for_review(review_path, options)
    })
}

/// Writes the 计票单 of ballot `ballot_id` (a blank form before the count) into
/// `destination`; returns its size in bytes.
pub fn print_tally_sheet(
    review_path: &Path,
    ballot_id: i64,
    destination: &Path,
    existing: Existing,
) -> Result<usize> {
    existing.make(destination, || {
        crate::report::tally_sheet::for_ballot(review_path, ballot_id)
    })
}
