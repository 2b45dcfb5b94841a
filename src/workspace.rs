//! The data folder: where review files live and how a `--review` argument finds one.
//!
//! Linux follows XDG (`$XDG_DATA_HOME/paneldesk`, usually `~/.local/share/paneldesk`);
//! `PANELDESK_DATA_DIR` overrides it, which tests and the E2E run rely on to keep
//! separate "laptops" apart on one machine.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, NameProblem, Result};
use crate::model::ReviewSummary;
use crate::review;
use crate::store::REVIEW_EXTENSION;

pub const DATA_DIR_ENV: &str = "PANELDESK_DATA_DIR";

/// The file in the data folder that holds who works at this laptop.
pub const ACTING_PERSON_FILE: &str = "acting-person.txt";

/// The longest name [`Workspace::set_acting_person`] keeps, in characters.
pub const ACTING_PERSON_MAX_CHARS: usize = 40;

/// A name for who acts at this laptop: trimmed, not empty, at most
/// [`ACTING_PERSON_MAX_CHARS`] characters, one line.
pub fn check_person_name(name: &str) -> Result<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let given = name.chars().count();
    if given == 0 {
        return Err(Error::ActingPersonInvalid {
            problem: NameProblem::Empty,
        });
    }
    if given > ACTING_PERSON_MAX_CHARS {
        return Err(Error::ActingPersonInvalid {
            problem: NameProblem::TooLong {
                max: ACTING_PERSON_MAX_CHARS,
                given,
            },
        });
    }
    Ok(name)
}

#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
}

/// A file in the reviews folder that could not be read: listed, never hidden.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnreadableReview {
    pub path: String,
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReviewList {
    /// Newest first.
    pub reviews: Vec<ReviewSummary>,
    pub unreadable: Vec<UnreadableReview>,
}

impl Workspace {
    pub fn at(root: impl Into<PathBuf>) -> Workspace {
        Workspace { root: root.into() }
    }

    /// The override from the environment, else the platform's data folder.
    pub fn from_env() -> Result<Workspace> {
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            return Ok(Workspace::at(dir));
        }
        let dirs =
            directories::ProjectDirs::from("cn", "PanelDesk", "paneldesk").ok_or_else(|| {
                Error::io(
                    "$HOME",
                    std::io::Error::new(std::io::ErrorKind::NotFound, "no home folder"),
                )
            })?;
        Ok(Workspace::at(dirs.data_dir()))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where an expert's laptop keeps the panels it scores (see `scoring::panel`).
    pub fn panels_dir(&self) -> PathBuf {
        self.root.join("panels")
    }

    /// The clerk's installation keys (see `keys::clerk_keys`).
    pub fn clerk_keys_path(&self) -> PathBuf {
        self.root.join("keys").join("clerk.json")
    }

    /// The register of awarded units (see `follow_up::awarded_units`): one per data folder.
    pub fn register_path(&self) -> PathBuf {
        self.root.join(crate::follow_up::awarded_units::FILE_NAME)
    }

    fn acting_person_path(&self) -> PathBuf {
        self.root.join(ACTING_PERSON_FILE)
    }

    /// Who works at this laptop, as set once with [`Workspace::set_acting_person`]; `None`
    /// until then (or when the file no longer holds an acceptable name). The edges write
    /// this name into the audit log as the one who acts.
    pub fn acting_person(&self) -> Result<Option<String>> {
        let path = self.acting_person_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(check_person_name(&text).ok()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Keeps `name` (checked by [`check_person_name`]) as who works at this laptop, and
    /// returns it as kept. Written whole or not at all.
    pub fn set_acting_person(&self, name: &str) -> Result<String> {
        let name = check_person_name(name)?;
        std::fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        let path = self.acting_person_path();
        let temp = self.root.join(format!("{ACTING_PERSON_FILE}.tmp"));
        std::fs::write(&temp, format!("{name}\n")).map_err(|e| Error::io(&temp, e))?;
        std::fs::rename(&temp, &path).map_err(|e| Error::io(&path, e))?;
        Ok(name)
    }

    pub fn reviews_dir(&self) -> PathBuf {
        self.root.join("reviews")
    }

    pub fn path_for_new_review(&self, id: &str) -> PathBuf {
        self.reviews_dir().join(format!("{id}.{REVIEW_EXTENSION}"))
    }

    fn review_files(&self) -> Result<Vec<PathBuf>> {
        let dir = self.reviews_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(dir, e)),
        };
        let mut files = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| Error::io(&dir, e))?.path();
            if path.extension().is_some_and(|x| x == REVIEW_EXTENSION) {
                files.push(path);
            }
        }
        files.sort();
        Ok(files)
    }

    /// Every review in the folder, newest first, plus the files that could not be read.
    pub fn list(&self) -> Result<ReviewList> {
        let mut reviews = Vec::new();
        let mut unreadable = Vec::new();
        for path in self.review_files()? {
            match review::summary(&path) {
                Ok(s) => reviews.push(s),
                Err(e) => unreadable.push(UnreadableReview {
                    path: path.display().to_string(),
                    code: e.code().to_string(),
                    message_zh: e.message_zh(),
                    message_en: e.message_en(),
                }),
            }
        }
        reviews.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        Ok(ReviewList {
            reviews,
            unreadable,
        })
    }

    /// Finds a review by path, by id, or by a unique id prefix; the newest when `None`.
    pub fn resolve(&self, reference: Option<&str>) -> Result<PathBuf> {
        let Some(reference) = reference.map(str::trim).filter(|r| !r.is_empty()) else {
            let list = self.list()?;
            return list
                .reviews
                .first()
                .map(|s| PathBuf::from(&s.path))
                .ok_or(Error::NoReviews);
        };
        let as_path = Path::new(reference);
        if as_path.is_file() {
            return Ok(as_path.to_path_buf());
        }
        self.resolve_id(reference)
    }

    /// Finds a review of this data folder by id or unique id prefix, never by path: the
    /// desktop shell takes review ids from its page, which must not name a file.
    pub fn resolve_id(&self, reference: &str) -> Result<PathBuf> {
        let reference = reference.trim();
        if reference.is_empty() {
            return Err(Error::ReviewNotFound {
                reference: String::new(),
            });
        }
        let list = self.list()?;
        if let Some(exact) = list.reviews.iter().find(|s| s.id == reference) {
            return Ok(PathBuf::from(&exact.path));
        }
        let matches: Vec<&ReviewSummary> = list
            .reviews
            .iter()
            .filter(|s| s.id.starts_with(reference))
            .collect();
        match matches.as_slice() {
            [only] => Ok(PathBuf::from(&only.path)),
            _ => Err(Error::ReviewNotFound {
                reference: reference.to_string(),
            }),
        }
    }
}
