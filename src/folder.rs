//! A folder a person drops or picks (workbooks, bundles, materials): its entries in a
//! stable order, and nothing reached through a link.

use std::path::{Path, PathBuf};

/// The entries of `dir` in name order; none when it cannot be read.
pub fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

/// A regular file or a real folder, never through a link: a dropped folder is walked as
/// it is, and a link in it could lead anywhere on the clerk's laptop.
pub fn is_real_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
}

pub fn is_real_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_dir())
}
