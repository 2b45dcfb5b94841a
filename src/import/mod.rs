//! Reading nomination workbooks as universities really fill them in.
//!
//! This module grows in steps: `normalize` holds the pure value rules (width folding,
//! dates, 是/否, numbers that should have been text) that the workbook reader applies to
//! every cell. The reader itself, which parses untrusted files in a child process, builds
//! on them.

pub mod eligibility;
pub mod file;
pub mod grid;
pub mod header;
pub mod normalize;
pub mod problem;
pub mod rows;
pub mod university;
pub mod workbook;

use std::path::{Path, PathBuf};

/// The workbooks among `paths`, folders searched recursively in name order. Office's `~$`
/// lock files and hidden files are skipped; a file named explicitly is always tried.
pub fn workbooks_in(paths: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(path: &Path, out: &mut Vec<PathBuf>) {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            entries.sort();
            for e in entries {
                walk(&e, out);
            }
            return;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if !name.starts_with("~$")
            && !name.starts_with('.')
            && matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods")
        {
            out.push(path.to_path_buf());
        }
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_file() {
            out.push(p.clone());
        } else {
            walk(p, &mut out);
        }
    }
    out
}
