//! The expert roster of a review.

use rusqlite::{params, Connection, Transaction};

use crate::error::Result;
use crate::model::Expert;

/// A roster entry before it has an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExpert {
    pub name: String,
    pub institution: String,
    pub title: String,
}

pub fn insert(tx: &Transaction, expert: &NewExpert) -> Result<i64> {
    tx.execute(
        "INSERT INTO expert (name, institution, title) VALUES (?1, ?2, ?3)",
        params![expert.name, expert.institution, expert.title],
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn read_all(conn: &Connection) -> Result<Vec<Expert>> {
    let mut stmt = conn.prepare("SELECT id, name, institution, title FROM expert ORDER BY id")?;
    let experts = stmt
        .query_map([], |r| {
            Ok(Expert {
                id: r.get(0)?,
                name: r.get(1)?,
                institution: r.get(2)?,
                title: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(experts)
}

pub fn count(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("SELECT count(*) FROM expert", [], |r| r.get(0))?)
}

pub fn remove(tx: &Transaction, id: i64) -> Result<()> {
    tx.execute("DELETE FROM expert WHERE id = ?1", [id])?;
    Ok(())
}
