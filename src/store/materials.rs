//! Material files (推荐表.pdf, 事迹材料.docx…) stored inside the review file, each
//! content once however many nominations name it.

use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// A stored material, without its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MaterialInfo {
    /// As the 材料 column names it.
    pub named: String,
    /// As the file was found in the package.
    pub file_name: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    pub sha256: String,
}

pub fn attach(
    tx: &Transaction,
    nomination_id: i64,
    named: &str,
    file_name: &str,
    content: &[u8],
) -> Result<MaterialInfo> {
    let sha256 = crate::keys::sha256_hex(content);
    tx.prepare_cached("INSERT OR IGNORE INTO material_blob (sha256, content) VALUES (?1, ?2)")?
        .execute(params![sha256, content])?;
    tx.prepare_cached(
        "INSERT INTO material (nomination_id, named, file_name, bytes, sha256) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![nomination_id, named, file_name, content.len() as i64, sha256])?;
    Ok(MaterialInfo {
        named: named.to_string(),
        file_name: file_name.to_string(),
        bytes: content.len() as u64,
        sha256,
    })
}

/// Drops contents no nomination names any more (after a re-import replaced them).
pub fn remove_orphans(tx: &Transaction) -> Result<()> {
    tx.execute(
        "DELETE FROM material_blob WHERE sha256 NOT IN (SELECT sha256 FROM material)",
        [],
    )?;
    Ok(())
}

pub fn for_nomination(conn: &Connection, nomination_id: i64) -> Result<Vec<MaterialInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT named, file_name, bytes, sha256 FROM material WHERE nomination_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([nomination_id], |r| {
        Ok(MaterialInfo {
            named: r.get(0)?,
            file_name: r.get(1)?,
            bytes: r.get::<_, i64>(2)? as u64,
            sha256: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn content(conn: &Connection, sha256: &str) -> Result<Option<Vec<u8>>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT content FROM material_blob WHERE sha256 = ?1",
            [sha256],
            |r| r.get(0),
        )
        .optional()?)
}

/// A material's content as the review file stores it, found for the reader: the
/// `material_blob` row (by rowid, so ranges are read from it in place), its length, and
/// the file name a nomination names it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredContent {
    pub rowid: i64,
    pub bytes: u64,
    pub file_name: String,
}

/// Opens a review file for reading materials only: no migration, no write, so the
/// reader never changes the file it verifies.
pub fn open_for_reading(path: &std::path::Path) -> Result<Connection> {
    use rusqlite::OpenFlags;
    if !path.is_file() {
        return Err(crate::error::Error::ReviewNotFound {
            reference: path.display().to_string(),
        });
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// The stored content `sha256`, when a nomination's material names it (a content no
/// material names is not served, even while it is still in the file).
pub fn stored_content(conn: &Connection, sha256: &str) -> Result<Option<StoredContent>> {
    use rusqlite::OptionalExtension;
    let found: Option<(i64, String)> = conn
        .query_row(
            "SELECT b.rowid, m.file_name FROM material m JOIN material_blob b ON b.sha256 = m.sha256
             WHERE m.sha256 = ?1 ORDER BY m.id LIMIT 1",
            [sha256],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((rowid, file_name)) = found else {
        return Ok(None);
    };
    let blob = conn.blob_open(rusqlite::MAIN_DB, "material_blob", "content", rowid, true)?;
    Ok(Some(StoredContent {
        rowid,
        bytes: blob.len() as u64,
        file_name,
    }))
}

/// Whether the stored content at `rowid` hashes to `sha256`, read a piece at a time
/// (never the whole material in memory).
pub fn content_matches(conn: &Connection, rowid: i64, sha256: &str) -> Result<bool> {
    use sha2::Digest;
    use std::io::Read;
    let mut blob = conn.blob_open(rusqlite::MAIN_DB, "material_blob", "content", rowid, true)?;
    let mut hasher = sha2::Sha256::new();
    let mut piece = vec![0u8; 1 << 20];
    loop {
        let n = blob
            .read(&mut piece)
            .map_err(|e| crate::error::Error::io("material_blob", e))?;
        if n == 0 {
            break;
        }
        hasher.update(&piece[..n]);
    }
    Ok(crate::keys::hex(&hasher.finalize()) == sha256)
}

/// `len` bytes of the stored content at `rowid`, from `offset`: only those are read.
pub fn read_content(conn: &Connection, rowid: i64, offset: u64, len: u64) -> Result<Vec<u8>> {
    let blob = conn.blob_open(rusqlite::MAIN_DB, "material_blob", "content", rowid, true)?;
    // Bounds are checked by SQLite: a range beyond the content is an error, not zeros.
    let mut out = vec![0u8; len as usize];
    blob.read_at_exact(&mut out, offset as usize)?;
    Ok(out)
}

/// The content `sha256` when a nomination's material names it (a save copies only those).
pub fn named_content(conn: &Connection, sha256: &str) -> Result<Option<Vec<u8>>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT b.content FROM material_blob b
             WHERE b.sha256 = ?1 AND EXISTS (SELECT 1 FROM material m WHERE m.sha256 = b.sha256)",
            [sha256],
            |r| r.get(0),
        )
        .optional()?)
}
