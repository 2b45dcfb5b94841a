//! The audit log: append-only, each entry hash-chained to the one before.
//!
//! Triggers in the schema refuse UPDATE and DELETE; the chain catches what triggers
//! cannot, such as someone editing the file with another SQLite tool. `verify` recomputes
//! every hash, so a changed, removed or reordered entry is found and located.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::error::{Error, Result};
use crate::model::AuditEntry;

/// The audit table and the triggers that keep it append-only, as SQL text: one schema
/// for a review file (migration 1) and the register, so `append` and `verify` serve both.
macro_rules! audit_log_schema {
    () => {
        r#"
    CREATE TABLE audit_log (
        seq       INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        detail    TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
    ) STRICT;
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    "#
    };
}
pub(crate) use audit_log_schema;

/// `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    detail: &str,
) -> String {
    // A JSON array is an unambiguous encoding: no field can bleed into the next.
    let canonical = serde_json::json!([prev_hash, seq, at, actor, action, detail]).to_string();
    crate::keys::sha256_hex(canonical.as_bytes())
}

/// Appends one entry inside the caller's transaction, so the entry lands exactly when
/// the change it records lands.
pub fn append(
    tx: &Transaction,
    at: &str,
    actor: &str,
    action: &str,
    detail: &serde_json::Value,
) -> Result<AuditEntry> {
    // Cached: a folder import appends an entry per workbook.
    let last: Option<(i64, String)> = tx
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let detail = detail.to_string();
    let hash = entry_hash(&prev_hash, seq, at, actor, action, &detail);
    tx.prepare_cached(
        "INSERT INTO audit_log (seq, at, actor, action, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![seq, at, actor, action, detail, prev_hash, hash])?;
    Ok(AuditEntry {
        seq,
        at: at.to_string(),
        actor: actor.to_string(),
        action: action.to_string(),
        detail,
        prev_hash,
        hash,
    })
}

pub fn entries(conn: &Connection) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, action, detail, prev_hash, hash FROM audit_log ORDER BY seq",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(AuditEntry {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                detail: r.get(4)?,
                prev_hash: r.get(5)?,
                hash: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A point of the chain written down outside the file (on the signed 汇总表, the 公示):
/// an entry's number and hash, as `seq:hash`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

/// The newest entry as an anchor; `None` for an empty log.
pub fn head(conn: &Connection) -> Result<Option<Anchor>> {
    Ok(conn
        .query_row(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| {
                Ok(Anchor {
                    seq: r.get(0)?,
                    hash: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// Verifies the chain and that it holds `anchor` (`seq:hash`, as printed). Anyone who
/// rewrote an entry at or before the anchor and recomputed the chain after it changed
/// the anchor's hash too, so the paper catches what the chain alone cannot.
pub fn verify_anchor(conn: &Connection, anchor: &str) -> Result<usize> {
    let n = verify(conn)?;
    let not_found = || Error::AnchorNotFound {
        anchor: anchor.trim().to_string(),
    };
    let (seq, hash) = anchor.trim().split_once(':').ok_or_else(not_found)?;
    let seq: i64 = seq.trim().parse().map_err(|_| not_found())?;
    let stored: Option<String> = conn
        .query_row("SELECT hash FROM audit_log WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .optional()?;
    if stored.as_deref() != Some(hash.trim().to_ascii_lowercase().as_str()) {
        return Err(not_found());
    }
    Ok(n)
}

/// Checks the whole chain; returns how many entries it holds.
pub fn verify(conn: &Connection) -> Result<usize> {
    let all = entries(conn)?;
    let mut prev = GENESIS.to_string();
    for (i, e) in all.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        if e.seq != expected_seq {
            return Err(Error::AuditChainBroken {
                seq: expected_seq,
                reason: format!("entry missing (next is {}) / 缺少条目", e.seq),
            });
        }
        if e.prev_hash != prev {
            return Err(Error::AuditChainBroken {
                seq: e.seq,
                reason: "does not follow the entry before / 与前一条不衔接".into(),
            });
        }
        let recomputed = entry_hash(&e.prev_hash, e.seq, &e.at, &e.actor, &e.action, &e.detail);
        if recomputed != e.hash {
            return Err(Error::AuditChainBroken {
                seq: e.seq,
                reason: "content changed after it was written / 内容被改动".into(),
            });
        }
        prev = e.hash.clone();
    }
    Ok(all.len())
}
