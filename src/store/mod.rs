//! One review, one SQLite file (`*.pdreview`): the clerk backs it up, moves it and
//! archives it like a document.
//!
//! Every connection runs in WAL mode with `synchronous=FULL` and foreign keys on, so a
//! change that returned is on disk even after a power cut. Files are recognised by
//! their `application_id`, not their name, and upgraded by embedded migrations.

pub mod category_rules;
pub mod checkpoint;
pub mod experts;
pub mod flags;
pub mod materials;
mod migrations;
pub(crate) use migrations::apply_list as apply_migrations;
pub mod nominations;
pub mod review_rows;

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};

pub use migrations::SCHEMA_VERSION;

/// "PDK1": marks a SQLite file as a PanelDesk review.
pub const APPLICATION_ID: i64 = 0x5044_4B31;

/// File extension of a review file.
pub const REVIEW_EXTENSION: &str = "pdreview";

pub(crate) fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // journal_mode answers with a row, so it is queried rather than executed.
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Corrupt(format!("journal mode stayed {mode}")));
    }
    conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
    Ok(())
}

/// Opens `path` for reading and writing, creating the file (and its folder) when it is
/// missing: a review file being made, or the register of awarded units.
pub fn open_creating(path: &Path) -> Result<Connection> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    Ok(Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?)
}

/// Creates a new, empty review file. Refuses to touch an existing file.
pub fn create(path: &Path) -> Result<Connection> {
    if path.exists() {
        return Err(Error::AlreadyExists {
            path: path.to_path_buf(),
        });
    }
    let mut conn = open_creating(path)?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    configure(&conn)?;
    migrations::apply(&mut conn, path)?;
    Ok(conn)
}

/// Opens an existing review file, upgrading its schema if this build is newer.
pub fn open(path: &Path) -> Result<Connection> {
    if !path.is_file() {
        return Err(Error::ReviewNotFound {
            reference: path.display().to_string(),
        });
    }
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // A file that is not SQLite at all fails on its first read: report it as such.
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|_| Error::NotAReviewFile {
            path: path.to_path_buf(),
        })?;
    if app_id != APPLICATION_ID {
        return Err(Error::NotAReviewFile {
            path: path.to_path_buf(),
        });
    }
    configure(&conn)?;
    migrations::apply(&mut conn, path)?;
    Ok(conn)
}

/// Copies a live review file with SQLite's online backup API: consistent even while
/// another connection writes, which a file copy of a WAL database is not.
pub fn backup(conn: &Connection, dest: &Path) -> Result<()> {
    if dest.exists() {
        return Err(Error::AlreadyExists {
            path: dest.to_path_buf(),
        });
    }
    let mut out = Connection::open(dest)?;
    {
        let backup = rusqlite::backup::Backup::new(conn, &mut out)?;
        backup.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
    }
    // The copy is a standalone document: no -wal file must travel with it.
    let _: String = out.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))?;
    Ok(())
}
