//! The rubric as the clerk looks at it and keeps it for next year: one category or all,
//! and the export written where the clerk chose.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::rubric::{self, CategoryRubric};

/// Every category's rubric, or only `only`'s (a key the review does not have is an error,
/// not an empty answer).
pub fn show(review: &Path, only: Option<&str>) -> Result<Vec<CategoryRubric>> {
    let mut all = rubric::status(review)?;
    if let Some(key) = only {
        all.retain(|c| c.category.key == key);
        if all.is_empty() {
            return Err(Error::UnknownCategory {
                key: key.to_string(),
            });
        }
    }
    Ok(all)
}

/// Writes the rubric file (all categories or `only`) as a new file at `out`; returns
/// where it went.
pub fn export(review: &Path, only: Option<&str>, out: &Path) -> Result<PathBuf> {
    let bytes = rubric::export(review, only)?;
    crate::container::write_bytes_new(out, &bytes)
}
