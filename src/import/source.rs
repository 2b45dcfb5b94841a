//! What the clerk drops on PanelDesk, sorted into things to import.
//!
//! A university sends either a bare workbook or a *package*: a zip, or a folder, holding
//! one workbook and the materials (PDF, Word, images) its 材料 column names. A folder of a
//! hundred workbooks is a hundred bare workbooks; a folder with exactly one workbook in it
//! is that workbook's package. A workbook named on its own is always bare: its neighbours
//! in, say, the Downloads folder are not its materials.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::folder::sorted_entries;
use crate::folder::{is_real_dir, is_real_file};

/// One thing to import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// A workbook without materials.
    Workbook { path: String },
    /// A workbook whose materials are the other files of `folder`.
    Folder { path: String, folder: String },
    /// A zip holding one workbook and its materials.
    Zip { path: String },
}

impl Source {
    /// The file the clerk knows this source by.
    pub fn path(&self) -> &Path {
        match self {
            Source::Workbook { path } | Source::Folder { path, .. } | Source::Zip { path } => {
                Path::new(path)
            }
        }
    }

    pub fn is_package(&self) -> bool {
        !matches!(self, Source::Workbook { .. })
    }
}

pub fn is_workbook_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    [".xlsx", ".xlsm", ".xls", ".ods"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// Files no person put there on purpose: Office lock files, macOS and Windows litter.
pub fn is_litter(name: &str) -> bool {
    name.starts_with("~$")
        || name.starts_with('.')
        || name.eq_ignore_ascii_case("Thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
}

/// The last part of a path, as text.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

fn is_zip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// The sources among `paths`, folders searched recursively in name order.
pub fn sources_in(paths: &[PathBuf]) -> Vec<Source> {
    fn walk(dir: &Path, out: &mut Vec<Source>) {
        let entries = sorted_entries(dir);
        let files: Vec<&PathBuf> = entries
            .iter()
            .filter(|p| is_real_file(p) && !is_litter(&file_name(p)))
            .collect();
        let workbooks: Vec<&PathBuf> = files
            .iter()
            .copied()
            .filter(|p| is_workbook_name(&file_name(p)))
            .collect();
        let has_other_files = files.len() > workbooks.len();
        for p in &files {
            let path = p.display().to_string();
            if is_zip(p) {
                out.push(Source::Zip { path });
            } else if is_workbook_name(&file_name(p)) {
                out.push(if workbooks.len() == 1 && has_other_files {
                    Source::Folder {
                        path,
                        folder: dir.display().to_string(),
                    }
                } else {
                    Source::Workbook { path }
                });
            }
        }
        for sub in entries.iter().filter(|p| is_real_dir(p)) {
            if !is_litter(&file_name(sub)) {
                walk(sub, out);
            }
        }
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out);
        } else if is_zip(p) {
            out.push(Source::Zip {
                path: p.display().to_string(),
            });
        } else {
            out.push(Source::Workbook {
                path: p.display().to_string(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b"x").unwrap();
    }

    #[test]
    fn a_folder_of_workbooks_is_bare_workbooks_and_a_folder_with_one_is_a_package() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        touch(&d.join("a.xlsx"));
        touch(&d.join("b.xls"));
        touch(&d.join("~$a.xlsx"));
        touch(&d.join("note.txt"));
        touch(&d.join("pkg/推荐表.xlsx"));
        touch(&d.join("pkg/事迹材料.pdf"));
        touch(&d.join("pkg/.DS_Store"));
        touch(&d.join("c.zip"));
        touch(&d.join("alone/only.ods"));
        let found = sources_in(&[d.to_path_buf()]);
        let s = |p: &str| d.join(p).display().to_string();
        assert_eq!(
            found,
            vec![
                Source::Workbook { path: s("a.xlsx") },
                Source::Workbook { path: s("b.xls") },
                Source::Zip { path: s("c.zip") },
                Source::Workbook {
                    path: s("alone/only.ods")
                },
                Source::Folder {
                    path: s("pkg/推荐表.xlsx"),
                    folder: s("pkg")
                },
            ]
        );
    }

    #[test]
    fn a_workbook_named_on_its_own_never_takes_its_neighbours_as_materials() {
        let dir = tempfile::tempdir().unwrap();
        touch(&dir.path().join("表.xlsx"));
        touch(&dir.path().join("unrelated.pdf"));
        let path = dir.path().join("表.xlsx");
        assert_eq!(
            sources_in(std::slice::from_ref(&path)),
            vec![Source::Workbook {
                path: path.display().to_string()
            }]
        );
    }
}
