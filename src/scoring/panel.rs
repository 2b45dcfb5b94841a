//! An expert's laptop: the panels it has been given, one folder each under
//! `<data>/panels/<first 16 hex of the package hash>/` holding a verified copy of the
//! package (`package.pdpanel`) and the expert's own SQLite file (`panel.pdexpert`).
//!
//! Every entry is committed (WAL, `synchronous=FULL`) before the call returns, so what
//! the UI shows as saved survives a crash, a kill or a power cut.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::bundle::{self, NewBundle};
use crate::error::{Error, Result};
use crate::keys::{self, WrappedKey};
use crate::model::{Expert, ScoringMode};
use crate::package::{self, PanelPackage};

use crate::model::marks::{
    self, Grade, Missing, Recusal, RecusalReason, RuleError, ScoreItem, Vote,
};

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS package (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    hash      TEXT NOT NULL,
    opened_at TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS enrolment (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    expert_id       INTEGER NOT NULL,
    public_key      TEXT NOT NULL,
    wrapped_key     TEXT NOT NULL,
    enrolled_at     TEXT NOT NULL,
    pin_failures    INTEGER NOT NULL DEFAULT 0,
    last_failure_at INTEGER NOT NULL DEFAULT 0,
    locked          INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE IF NOT EXISTS item (
    nomination_id     INTEGER PRIMARY KEY,
    recusal_reason    TEXT,
    recusal_note      TEXT NOT NULL DEFAULT '',
    recusal_automatic INTEGER NOT NULL DEFAULT 0,
    vote              TEXT,
    grade             TEXT,
    comment           TEXT NOT NULL DEFAULT '',
    updated_at        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE TABLE IF NOT EXISTS criterion_score (
    nomination_id INTEGER NOT NULL,
    criterion_key TEXT NOT NULL,
    points        REAL NOT NULL,
    PRIMARY KEY (nomination_id, criterion_key)
) STRICT;
CREATE TABLE IF NOT EXISTS submission (
    sequence    INTEGER PRIMARY KEY,
    bundle_hash TEXT NOT NULL,
    file        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    bundle      BLOB NOT NULL,
    payload     TEXT NOT NULL
) STRICT;
"#;

/// A panel on this laptop.
pub struct Panel {
    conn: Connection,
    dir: PathBuf,
    pub package: PanelPackage,
    pub hash: String,
    pub clerk_fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Enrolment {
    pub expert: Expert,
    pub fingerprint: String,
    pub locked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CategoryProgress {
    pub category_key: String,
    pub name_zh: String,
    pub name_en: String,
    pub total: u32,
    pub complete: u32,
    pub recused: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Incomplete {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nomination_id: i64,
    pub display_name: String,
    pub category_key: String,
    pub missing: Vec<Missing>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Submission {
    pub file: String,
    pub bundle_hash: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub sequence: u64,
    pub fingerprint: String,
    pub created_at: String,
}

/// What loading a resume file brought onto this laptop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Resumed {
    /// The bundle the marks come from, its sequence and the (revoked) key that signed it.
    pub from_bundle: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub sequence: u64,
    pub fingerprint: String,
    pub items: u32,
}

/// Everything the expert's screens show about a panel, in one answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PanelView {
    pub hash: String,
    pub clerk_fingerprint: String,
    pub package: PanelPackage,
    pub enrolment: Option<Enrolment>,
    pub progress: Vec<CategoryProgress>,
    pub submissions: Vec<Submission>,
}

fn folder_for(panels_dir: &Path, hash: &str) -> PathBuf {
    panels_dir.join(&hash[..16.min(hash.len())])
}

fn open_db(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let _: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA synchronous=FULL;")?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// Verifies `file` and keeps a copy of it under `panels_dir`; opening the same package
/// again opens the same panel, with the scores already entered.
pub fn import_package(panels_dir: &Path, file: &Path, at: &str) -> Result<Panel> {
    let verified = package::open(file)?;
    let dir = folder_for(panels_dir, &verified.hash);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let copy = dir.join("package.pdpanel");
    if !copy.exists() {
        let tmp = dir.join("package.pdpanel.part");
        std::fs::copy(file, &tmp).map_err(|e| Error::io(&tmp, e))?;
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &copy).map_err(|e| Error::io(&copy, e))?;
    }
    let conn = open_db(&dir.join("panel.pdexpert"))?;
    conn.execute(
        "INSERT OR IGNORE INTO package (singleton, hash, opened_at) VALUES (1, ?1, ?2)",
        params![verified.hash, at],
    )?;
    open(panels_dir, &verified.hash)
}

/// The panels on this laptop, by package hash.
pub fn list(panels_dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(panels_dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().join("panel.pdexpert").is_file())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Opens a panel by (a prefix of) its package hash. The package copy is verified again:
/// a file changed on this laptop since is refused like a changed USB stick would be.
pub fn open(panels_dir: &Path, hash_prefix: &str) -> Result<Panel> {
    let matches: Vec<String> = list(panels_dir)
        .into_iter()
        .filter(|h| h.starts_with(hash_prefix) || hash_prefix.starts_with(h.as_str()))
        .collect();
    let [folder] = matches.as_slice() else {
        return Err(Error::ReviewNotFound {
            reference: hash_prefix.to_string(),
        });
    };
    let dir = panels_dir.join(folder);
    let verified = package::open(&dir.join("package.pdpanel"))?;
    let conn = open_db(&dir.join("panel.pdexpert"))?;
    Ok(Panel {
        conn,
        dir,
        package: verified.manifest,
        hash: verified.hash,
        clerk_fingerprint: verified.clerk_fingerprint,
    })
}

/// The `enrolment` row.
struct StoredEnrolment {
    expert_id: i64,
    public_key: String,
    wrapped: WrappedKey,
    locked: bool,
    pin_failures: u32,
    last_failure_at: i64,
}

fn code_of<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn from_code<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.to_string())).ok()
}

impl Panel {
    pub fn view(&self) -> Result<PanelView> {
        Ok(PanelView {
            hash: self.hash.clone(),
            clerk_fingerprint: self.clerk_fingerprint.clone(),
            package: self.package.clone(),
            enrolment: self.enrolment()?,
            progress: self.progress()?,
            submissions: self.submissions()?,
        })
    }

    pub fn package_file(&self) -> PathBuf {
        self.dir.join("package.pdpanel")
    }

    fn enrolled(&self) -> Result<Option<StoredEnrolment>> {
        let row = self
            .conn
            .query_row(
                "SELECT expert_id, public_key, wrapped_key, locked, pin_failures, last_failure_at FROM enrolment",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, bool>(3)?,
                        r.get::<_, u32>(4)?,
                        r.get::<_, i64>(5)?,
                    ))
                },
            )
            .optional()?;
        row.map(
            |(expert_id, public_key, wrapped, locked, pin_failures, last_failure_at)| {
                let wrapped: WrappedKey =
                    serde_json::from_str(&wrapped).map_err(|e| Error::BadKey {
                        detail: e.to_string(),
                    })?;
                Ok(StoredEnrolment {
                    expert_id,
                    public_key,
                    wrapped,
                    locked,
                    pin_failures,
                    last_failure_at,
                })
            },
        )
        .transpose()
    }

    pub fn enrolment(&self) -> Result<Option<Enrolment>> {
        let Some(StoredEnrolment {
            expert_id: id,
            public_key: key,
            locked,
            ..
        }) = self.enrolled()?
        else {
            return Ok(None);
        };
        let expert = self
            .package
            .experts
            .iter()
            .find(|e| e.id == id)
            .cloned()
            .ok_or(RuleError::NotEnrolled)?;
        Ok(Some(Enrolment {
            expert,
            fingerprint: keys::fingerprint(&keys::parse_public(&key)?),
            locked,
        }))
    }

    /// Enrols this laptop as the expert `expert_id`: a new key under the chosen PIN, and
    /// automatic recusal from the nominations of the expert's own institution.
    pub fn enrol(
        &mut self,
        expert_id: i64,
        pin: &str,
        randomness: ([u8; 32], [u8; 16], [u8; 12]),
        at: &str,
    ) -> Result<Enrolment> {
        if let Some(e) = self.enrolment()? {
            return Err(RuleError::AlreadyEnrolled {
                name: e.expert.name,
            }
            .into());
        }
        let expert = self
            .package
            .experts
            .iter()
            .find(|e| e.id == expert_id)
            .cloned()
            .ok_or_else(|| RuleError::UnknownExpert {
                name: expert_id.to_string(),
            })?;
        keys::check_passphrase(
            pin,
            &[
                expert.name.as_str(),
                expert.institution.as_str(),
                self.package.review.title_zh.as_str(),
            ],
        )?;
        let (seed, salt, nonce) = randomness;
        let seed = zeroize::Zeroizing::new(seed);
        let key = keys::signing_key(&seed);
        let wrapped = keys::wrap(&key, pin, salt, nonce)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO enrolment (singleton, expert_id, public_key, wrapped_key, enrolled_at) VALUES (1, ?1, ?2, ?3, ?4)",
            params![
                expert_id,
                keys::public_hex(&key.verifying_key()),
                serde_json::to_string(&wrapped).map_err(|e| Error::Corrupt(e.to_string()))?,
                at
            ],
        )?;
        let own = expert.institution.trim();
        for n in &self.package.nominations {
            if !own.is_empty() && n.university.trim() == own {
                tx.execute(
                    "INSERT INTO item (nomination_id, recusal_reason, recusal_automatic, updated_at) VALUES (?1, 'same_institution', 1, ?2)
                     ON CONFLICT (nomination_id) DO UPDATE SET recusal_reason = 'same_institution', recusal_automatic = 1",
                    params![n.id, at],
                )?;
            }
        }
        tx.commit()?;
        Ok(Enrolment {
            fingerprint: keys::fingerprint(&key.verifying_key()),
            expert,
            locked: false,
        })
    }

    fn writable(&self, nomination_id: i64) -> Result<&crate::package::PackagedNomination> {
        let Some(StoredEnrolment { locked, .. }) = self.enrolled()? else {
            return Err(RuleError::NotEnrolled.into());
        };
        if locked {
            return Err(RuleError::Locked.into());
        }
        Ok(self
            .package
            .nomination(nomination_id)
            .ok_or(RuleError::UnknownNomination { id: nomination_id })?)
    }

    fn scorable(&self, nomination_id: i64, mode: ScoringMode) -> Result<crate::model::Category> {
        let n = self.writable(nomination_id)?;
        let category = self
            .package
            .category(&n.category_key)
            .cloned()
            .ok_or_else(|| Error::Corrupt(format!("category {}", n.category_key)))?;
        if category.scoring_mode != mode {
            return Err(RuleError::WrongMode {
                mode: category.scoring_mode,
            }
            .into());
        }
        if self.item(nomination_id)?.recusal.is_some() {
            return Err(RuleError::RecusedNomination { id: nomination_id }.into());
        }
        Ok(category)
    }

    /// Sets (or with `None` clears) one criterion's points.
    pub fn set_points(
        &mut self,
        nomination_id: i64,
        criterion_key: &str,
        points: Option<f64>,
        at: &str,
    ) -> Result<ScoreItem> {
        let category = self.scorable(nomination_id, ScoringMode::Criteria)?;
        let criterion = category
            .rubric
            .criteria
            .iter()
            .find(|c| c.key == criterion_key)
            .ok_or_else(|| RuleError::UnknownCriterion {
                key: criterion_key.to_string(),
            })?;
        if let Some(p) = points {
            marks::check_points(criterion, p)?;
        }
        let tx = self.conn.transaction()?;
        touch(&tx, nomination_id, at)?;
        match points {
            Some(p) => tx.execute(
                "INSERT INTO criterion_score (nomination_id, criterion_key, points) VALUES (?1, ?2, ?3)
                 ON CONFLICT (nomination_id, criterion_key) DO UPDATE SET points = excluded.points",
                params![nomination_id, criterion_key, p],
            )?,
            None => tx.execute(
                "DELETE FROM criterion_score WHERE nomination_id = ?1 AND criterion_key = ?2",
                params![nomination_id, criterion_key],
            )?,
        };
        tx.commit()?;
        self.item(nomination_id)
    }

    pub fn set_vote(
        &mut self,
        nomination_id: i64,
        vote: Option<Vote>,
        at: &str,
    ) -> Result<ScoreItem> {
        self.scorable(nomination_id, ScoringMode::Vote)?;
        self.set_column(nomination_id, "vote", vote.map(|v| code_of(&v)), at)
    }

    /// Sets (or with `None` clears) the grade: a key of the category's list in the
    /// package, which the clerk will check it against too.
    pub fn set_grade(
        &mut self,
        nomination_id: i64,
        grade: Option<Grade>,
        at: &str,
    ) -> Result<ScoreItem> {
        let category = self.scorable(nomination_id, ScoringMode::Grade)?;
        if let Some(g) = &grade {
            marks::check_grade(&category, g)?;
        }
        self.set_column(nomination_id, "grade", grade.map(|g| g.0), at)
    }

    pub fn set_comment(
        &mut self,
        nomination_id: i64,
        comment: &str,
        at: &str,
    ) -> Result<ScoreItem> {
        self.writable(nomination_id)?;
        self.set_column(
            nomination_id,
            "comment",
            Some(comment.trim().to_string()),
            at,
        )
    }

    fn set_column(
        &mut self,
        nomination_id: i64,
        column: &str,
        value: Option<String>,
        at: &str,
    ) -> Result<ScoreItem> {
        let tx = self.conn.transaction()?;
        touch(&tx, nomination_id, at)?;
        let value = match (column, value) {
            ("comment", None) => Some(String::new()),
            (_, v) => v,
        };
        // `column` is one of three literals above, never user input.
        tx.execute(
            &format!("UPDATE item SET {column} = ?2 WHERE nomination_id = ?1"),
            params![nomination_id, value],
        )?;
        tx.commit()?;
        self.item(nomination_id)
    }

    /// Declares a conflict of interest: the nomination's scores are cleared and it is
    /// left out of this expert's averages.
    pub fn recuse(
        &mut self,
        nomination_id: i64,
        reason: RecusalReason,
        note: &str,
        at: &str,
    ) -> Result<ScoreItem> {
        self.writable(nomination_id)?;
        let tx = self.conn.transaction()?;
        touch(&tx, nomination_id, at)?;
        tx.execute(
            "UPDATE item SET recusal_reason = ?2, recusal_note = ?3, vote = NULL, grade = NULL WHERE nomination_id = ?1 AND recusal_automatic = 0",
            params![nomination_id, code_of(&reason), note.trim()],
        )?;
        tx.execute(
            "DELETE FROM criterion_score WHERE nomination_id = ?1",
            [nomination_id],
        )?;
        tx.commit()?;
        self.item(nomination_id)
    }

    pub fn withdraw_recusal(&mut self, nomination_id: i64, at: &str) -> Result<ScoreItem> {
        self.writable(nomination_id)?;
        if self
            .item(nomination_id)?
            .recusal
            .is_some_and(|r| r.automatic)
        {
            return Err(RuleError::AutomaticRecusal.into());
        }
        let tx = self.conn.transaction()?;
        touch(&tx, nomination_id, at)?;
        tx.execute(
            "UPDATE item SET recusal_reason = NULL, recusal_note = '' WHERE nomination_id = ?1",
            [nomination_id],
        )?;
        tx.commit()?;
        self.item(nomination_id)
    }

    pub fn item(&self, nomination_id: i64) -> Result<ScoreItem> {
        let mut item = ScoreItem {
            nomination_id,
            ..ScoreItem::default()
        };
        let row = self
            .conn
            .prepare_cached(
                "SELECT recusal_reason, recusal_note, recusal_automatic, vote, grade, comment FROM item WHERE nomination_id = ?1",
            )?
            .query_row([nomination_id], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })
            .optional()?;
        if let Some((reason, note, automatic, vote, grade, comment)) = row {
            item.recusal = reason.and_then(|r| from_code(&r)).map(|reason| Recusal {
                reason,
                note,
                automatic,
            });
            item.vote = vote.and_then(|v| from_code(&v));
            item.grade = grade.map(Grade);
            item.comment = comment;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT criterion_key, points FROM criterion_score WHERE nomination_id = ?1",
        )?;
        for row in stmt.query_map([nomination_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?))
        })? {
            let (key, points) = row?;
            item.criteria.insert(key, points);
        }
        if let Some(c) = self
            .package
            .nomination(nomination_id)
            .and_then(|n| self.package.category(&n.category_key))
            .filter(|c| c.scoring_mode == ScoringMode::Criteria)
        {
            item.entered = Some(marks::entered_total(&item, c));
        }
        Ok(item)
    }

    /// Every nomination's entries, in package order.
    pub fn items(&self) -> Result<Vec<ScoreItem>> {
        self.package
            .nominations
            .iter()
            .map(|n| self.item(n.id))
            .collect()
    }

    pub fn incomplete(&self) -> Result<Vec<Incomplete>> {
        let mut out = Vec::new();
        for n in &self.package.nominations {
            let Some(category) = self.package.category(&n.category_key) else {
                continue;
            };
            let missing =
                marks::missing(&self.item(n.id)?, category, self.package.min_comment_chars);
            if !missing.is_empty() {
                out.push(Incomplete {
                    nomination_id: n.id,
                    display_name: n.display_name.clone(),
                    category_key: n.category_key.clone(),
                    missing,
                });
            }
        }
        Ok(out)
    }

    pub fn progress(&self) -> Result<Vec<CategoryProgress>> {
        let mut out = Vec::new();
        for c in &self.package.categories {
            let mut p = CategoryProgress {
                category_key: c.key.clone(),
                name_zh: c.name_zh.clone(),
                name_en: c.name_en.clone(),
                total: 0,
                complete: 0,
                recused: 0,
            };
            for n in self
                .package
                .nominations
                .iter()
                .filter(|n| n.category_key == c.key)
            {
                let item = self.item(n.id)?;
                p.total += 1;
                p.recused += u32::from(item.recusal.is_some());
                p.complete +=
                    u32::from(marks::missing(&item, c, self.package.min_comment_chars).is_empty());
            }
            if p.total > 0 {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// Unlocks the expert's key with `pin`, applying the back-off after wrong PINs.
    pub(crate) fn unlock(
        &mut self,
        pin: &str,
        now_unix: i64,
    ) -> Result<(i64, ed25519_dalek::SigningKey)> {
        let Some(StoredEnrolment {
            expert_id: id,
            wrapped,
            pin_failures: failures,
            last_failure_at: last,
            ..
        }) = self.enrolled()?
        else {
            return Err(RuleError::NotEnrolled.into());
        };
        let wait = keys::passphrase_backoff_seconds(failures) as i64 - (now_unix - last);
        if wait > 0 {
            return Err(Error::PassphraseBackoff {
                seconds: wait as u64,
            });
        }
        match keys::unwrap(&wrapped, pin) {
            Ok(key) => {
                self.conn
                    .execute("UPDATE enrolment SET pin_failures = 0", [])?;
                Ok((id, key))
            }
            Err(Error::WrongPassphrase) => {
                self.conn.execute(
                    "UPDATE enrolment SET pin_failures = pin_failures + 1, last_failure_at = ?1",
                    [now_unix],
                )?;
                Err(Error::WrongPassphrase)
            }
            Err(e) => Err(e),
        }
    }

    pub fn submissions(&self) -> Result<Vec<Submission>> {
        let fingerprint = self.enrolment()?.map(|e| e.fingerprint).unwrap_or_default();
        let mut stmt = self.conn.prepare(
            "SELECT file, bundle_hash, sequence, created_at FROM submission ORDER BY sequence",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Submission {
                file: r.get(0)?,
                bundle_hash: r.get(1)?,
                sequence: r.get::<_, i64>(2)? as u64,
                fingerprint: fingerprint.clone(),
                created_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Locks the scores and writes the next result bundle into `out_dir`, verified by
    /// reading it back. Refused while anything is incomplete.
    pub fn submit(
        &mut self,
        pin: &str,
        out_dir: &Path,
        at: &str,
        now_unix: i64,
    ) -> Result<Submission> {
        let Some(StoredEnrolment { locked, .. }) = self.enrolled()? else {
            return Err(RuleError::NotEnrolled.into());
        };
        if locked {
            return Err(RuleError::Locked.into());
        }
        let incomplete = self.incomplete()?;
        if !incomplete.is_empty() {
            return Err(RuleError::Incomplete {
                count: incomplete.len(),
            }
            .into());
        }
        let (expert_id, key) = self.unlock(pin, now_unix)?;
        let previous = self.submissions()?.pop();
        let items = self.items()?;
        let sequence = previous.as_ref().map_or(1, |p| p.sequence + 1);
        let (path, verified) = bundle::write(
            out_dir,
            NewBundle {
                package: &self.package,
                package_hash: &self.hash,
                expert_id,
                sequence,
                previous_bundle_hash: previous.map(|p| p.bundle_hash),
                items: items.clone(),
                created_at: at,
            },
            &key,
        )?;
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO submission (sequence, bundle_hash, file, created_at, bundle, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                sequence as i64,
                verified.hash,
                path.display().to_string(),
                at,
                bytes,
                serde_json::to_string(&items).map_err(|e| Error::Corrupt(e.to_string()))?
            ],
        )?;
        tx.execute("UPDATE enrolment SET locked = 1", [])?;
        tx.commit()?;
        Ok(Submission {
            file: path.display().to_string(),
            bundle_hash: verified.hash,
            sequence,
            fingerprint: verified.expert_fingerprint,
            created_at: at.to_string(),
        })
    }

    /// Unlocks submitted scores for a correction; the next submit is a new sequence.
    pub fn reopen(&mut self) -> Result<()> {
        if self.submissions()?.is_empty() {
            return Err(RuleError::NotEnrolled.into());
        }
        self.conn.execute("UPDATE enrolment SET locked = 0", [])?;
        Ok(())
    }

    /// Continues on this laptop from the expert's last submitted bundle, through the
    /// resume file the clerk wrote from it (`crate::resume`): refused before enrolment,
    /// after this laptop has submitted, or when the file is not for this package and
    /// expert; every mark is checked as a bundle's. Replaces this laptop's entries; the
    /// expert then checks them, may change any, and submits.
    pub fn resume_from(&mut self, file: &Path, at: &str) -> Result<Resumed> {
        let Some(StoredEnrolment { expert_id, .. }) = self.enrolled()? else {
            return Err(RuleError::NotEnrolled.into());
        };
        if !self.submissions()?.is_empty() {
            return Err(Error::BadInput {
                zh: "本机已提交过评分结果，不能再载入续评文件：如需修改，请选择“更正评分”".into(),
                en: "This laptop has submitted already: a resume file is not loaded; reopen for a correction instead".into(),
            });
        }
        let resume = crate::resume::open(file, &self.package, &self.hash, expert_id)?;
        let recused = resume.items.iter().filter(|i| i.recusal.is_some()).count();
        crate::package::items::check(
            &self.package,
            expert_id,
            (resume.items.len() - recused) as u32,
            recused as u32,
            &resume.items,
        )
        .map_err(|refusal| Error::Refused {
            path: file.to_path_buf(),
            refusal,
        })?;
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM criterion_score", [])?;
        tx.execute("DELETE FROM item", [])?;
        for item in &resume.items {
            let (reason, note, automatic) = match &item.recusal {
                Some(r) => (Some(code_of(&r.reason)), r.note.clone(), r.automatic),
                None => (None, String::new(), false),
            };
            tx.execute(
                "INSERT INTO item (nomination_id, recusal_reason, recusal_note, recusal_automatic, vote, grade, comment, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    item.nomination_id,
                    reason,
                    note,
                    automatic,
                    item.vote.map(|v| code_of(&v)),
                    item.grade.as_ref().map(Grade::key),
                    item.comment,
                    at
                ],
            )?;
            for (key, points) in &item.criteria {
                tx.execute(
                    "INSERT INTO criterion_score (nomination_id, criterion_key, points) VALUES (?1, ?2, ?3)",
                    params![item.nomination_id, key, points],
                )?;
            }
        }
        tx.commit()?;
        Ok(Resumed {
            from_bundle: resume.from_bundle,
            sequence: resume.sequence,
            fingerprint: resume.fingerprint,
            items: resume.items.len() as u32,
        })
    }

    /// Writes the latest submitted bundle again, e.g. to a second USB stick.
    pub fn export_latest(&self, out_dir: &Path) -> Result<PathBuf> {
        let (file, bytes): (String, Vec<u8>) = self
            .conn
            .query_row(
                "SELECT file, bundle FROM submission ORDER BY sequence DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(RuleError::NothingToSubmit)?;
        let name = Path::new(&file)
            .file_name()
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("bundle.pdresult"));
        let dest = out_dir.join(name);
        let tmp = tempfile::NamedTempFile::new_in(out_dir).map_err(|e| Error::io(out_dir, e))?;
        std::fs::write(tmp.path(), &bytes).map_err(|e| Error::io(tmp.path(), e))?;
        tmp.as_file().sync_all().map_err(|e| Error::io(&dest, e))?;
        tmp.persist(&dest).map_err(|e| Error::io(&dest, e.error))?;
        bundle::open(&dest)?;
        Ok(dest)
    }
}

fn touch(tx: &rusqlite::Transaction, nomination_id: i64, at: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO item (nomination_id, updated_at) VALUES (?1, ?2)
         ON CONFLICT (nomination_id) DO UPDATE SET updated_at = excluded.updated_at",
        params![nomination_id, at],
    )?;
    Ok(())
}
