//! Importing nominations: the register of awarded units is read first, so every
//! nomination is checked against earlier years, and a register that cannot be read
//! refuses the import before the review is written.

use std::path::Path;

use crate::error::{Error, Result};
use crate::follow_up::awarded_units;
use crate::import::file::{import_many, FileReport};
use crate::import::Source;
use crate::sandbox::pool::ParserPool;

/// Imports `sources` into the review at `review_path` through `pool`'s parsing children.
/// `register` is the data folder's register of awarded units (`Workspace::register_path`);
/// no file there checks nothing. `progress` hears about every file as it lands.
pub fn workbooks(
    review_path: &Path,
    register: &Path,
    sources: &[Source],
    pool: &ParserPool,
    at: &str,
    actor: &str,
    progress: impl FnMut(usize, &FileReport),
) -> Result<Vec<FileReport>> {
    let past = awarded_units::read_honours(register)?.unwrap_or_default();
    import_many(review_path, &past, sources, pool, at, actor, progress)
}

/// Fails when any of the `total` files tried could not be imported, or when there was
/// none to import: an import that took nothing in is never a success.
pub fn all_imported(reports: &[FileReport], total: usize) -> Result<()> {
    match reports.iter().filter(|r| !r.imported).count() {
        0 if total > 0 => Ok(()),
        failed => Err(Error::ImportIncomplete { failed, total }),
    }
}
