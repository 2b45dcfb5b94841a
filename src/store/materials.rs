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
