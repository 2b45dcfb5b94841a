//! The paper fallback: printing an expert's pre-filled 评分表, and keying what they
//! wrote on it in the form the app shows.

use std::path::Path;

use crate::error::Result;
use crate::paper::{self, Keyed, Keying};

use super::{dated, Existing};

/// The title the paper sheets print under.
pub const SHEETS_TITLE: &str = "专家纸质评分表";

/// What printing an expert's paper sheets wrote: the sheet ids, in order, and the
/// file's size in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedSheets {
    pub sheet_ids: Vec<String>,
    pub size: usize,
}

/// Prints the expert's pre-filled 评分表 (one per current package whose roster holds
/// them), dated `date`, into `destination`.
pub fn print_sheets(
    review_path: &Path,
    expert_id: i64,
    date: time::Date,
    destination: &Path,
    existing: Existing,
) -> Result<PrintedSheets> {
    existing.check(destination)?;
    let sheets = paper::sheets(review_path, expert_id)?;
    let bytes = crate::report::paper_sheet::print(&sheets, &dated(SHEETS_TITLE, date))?;
    let size = existing.write(destination, &bytes)?;
    let sheet_ids = sheets.into_iter().map(|s| s.sheet_id).collect();
    Ok(PrintedSheets { sheet_ids, size })
}

/// Keys one staff member's entry of a paper sheet typed into a form (`marks` in the
/// keyed-sheet line format); the messages name the sheet's id as printed, since there is
/// no file to name.
pub fn key_entry(
    review_path: &Path,
    expert_id: i64,
    sheet_id: &str,
    by: &str,
    marks: &str,
    at: &str,
    actor: &str,
) -> Result<Keyed> {
    let keying = Keying {
        expert_id,
        sheet_id: sheet_id.into(),
        by: by.into(),
        marks: marks.into(),
        source: sheet_id.trim().to_uppercase(),
    };
    paper::key(review_path, &keying, at, actor)
}
