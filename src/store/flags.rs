//! Flags on nominations: eligibility findings, duplicates and data problems that the
//! clerk settles (accept with a note, or exclude). Never a silent drop.

use rusqlite::{params, Connection, Transaction};
use serde::Serialize;

use crate::audit;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StoredFlag {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nomination_id: i64,
    pub university: String,
    pub display_name: String,
    pub kind: String,
    pub message_zh: String,
    pub message_en: String,
    /// `open`, `accepted` or `excluded`.
    pub status: String,
    pub note: String,
}

pub fn insert(tx: &Transaction, nomination_id: i64, kind: &str, zh: &str, en: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO nomination_flag (nomination_id, kind, message_zh, message_en) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![nomination_id, kind, zh, en])?;
    Ok(())
}

pub fn read_all(conn: &Connection) -> Result<Vec<StoredFlag>> {
    let mut stmt = conn.prepare(
        "SELECT f.id, f.nomination_id, n.university, n.display_name, f.kind, f.message_zh, f.message_en, f.status, f.note
         FROM nomination_flag f JOIN nomination n ON n.id = f.nomination_id
         ORDER BY n.university, n.id, f.id",
    )?;
    let flags = stmt
        .query_map([], |r| {
            Ok(StoredFlag {
                id: r.get(0)?,
                nomination_id: r.get(1)?,
                university: r.get(2)?,
                display_name: r.get(3)?,
                kind: r.get(4)?,
                // A flag may quote a cell (an ID stored as a number): masked by value on
                // every read, the nomination itself can be revealed on the clerk's laptop.
                message_zh: crate::privacy::mask_text(&r.get::<_, String>(5)?),
                message_en: crate::privacy::mask_text(&r.get::<_, String>(6)?),
                status: r.get(7)?,
                note: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(flags)
}

/// How the clerk settles a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Keep the nomination despite the finding; the note says why.
    Accepted,
    /// Take the nomination out of the review; it stays stored, marked excluded.
    Excluded,
}

impl Decision {
    pub fn code(self) -> &'static str {
        match self {
            Decision::Accepted => "accepted",
            Decision::Excluded => "excluded",
        }
    }
}

/// Records the clerk's decision on a flag, with the audit entry, in one transaction.
/// Accepting needs a note: the panel will ask why an ineligible-looking nomination stayed.
pub fn settle(
    conn: &mut Connection,
    flag_id: i64,
    decision: Decision,
    note: &str,
    at: &str,
    actor: &str,
) -> Result<StoredFlag> {
    let note = note.trim();
    if decision == Decision::Accepted && note.is_empty() {
        return Err(Error::NoteRequired);
    }
    let tx = conn.transaction()?;
    let flag = read_all(&tx)?
        .into_iter()
        .find(|f| f.id == flag_id)
        .ok_or(Error::FlagNotFound { flag_id })?;
    let flag = write_decision(&tx, flag, decision, note, at, actor)?;
    tx.commit()?;
    Ok(flag)
}

/// Nominations the clerk has excluded (on any flag): left out of panel packages.
pub fn excluded_nominations(conn: &Connection) -> Result<std::collections::BTreeSet<i64>> {
    let mut stmt = conn
        .prepare("SELECT DISTINCT nomination_id FROM nomination_flag WHERE status = 'excluded'")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Settles a selection of flags with one decision and one note, in one transaction: each
/// flag is audited as `settle` audits it. The whole batch is refused, naming the flag,
/// when any is unknown or already settled (the clerk's view was stale); a flag named
/// twice is settled once. Answers the settled flags in the order asked.
pub fn settle_many(
    conn: &mut Connection,
    flag_ids: &[i64],
    decision: Decision,
    note: &str,
    at: &str,
    actor: &str,
) -> Result<Vec<StoredFlag>> {
    let note = note.trim();
    if flag_ids.is_empty() {
        return Err(Error::BadInput {
            zh: "没有选择要处理的待核实事项".into(),
            en: "no flags were chosen to settle".into(),
        });
    }
    if decision == Decision::Accepted && note.is_empty() {
        return Err(Error::NoteRequired);
    }
    let mut ids: Vec<i64> = Vec::with_capacity(flag_ids.len());
    for id in flag_ids {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    let tx = conn.transaction()?;
    let all: std::collections::HashMap<i64, StoredFlag> =
        read_all(&tx)?.into_iter().map(|f| (f.id, f)).collect();
    for &flag_id in &ids {
        let flag = all.get(&flag_id).ok_or(Error::FlagNotFound { flag_id })?;
        if flag.status != "open" {
            return Err(Error::FlagAlreadySettled {
                flag_id,
                university: flag.university.clone(),
                name: flag.display_name.clone(),
                status: flag.status.clone(),
            });
        }
    }
    let mut settled = Vec::with_capacity(ids.len());
    for flag_id in ids {
        let flag = all[&flag_id].clone();
        settled.push(write_decision(&tx, flag, decision, note, at, actor)?);
    }
    tx.commit()?;
    Ok(settled)
}

/// Writes one decision on `flag`, with its audit entry, inside the caller's transaction;
/// answers with the flag as it now stands.
fn write_decision(
    tx: &Transaction,
    mut flag: StoredFlag,
    decision: Decision,
    note: &str,
    at: &str,
    actor: &str,
) -> Result<StoredFlag> {
    tx.execute(
        "UPDATE nomination_flag SET status = ?2, note = ?3 WHERE id = ?1",
        params![flag.id, decision.code(), note],
    )?;
    flag.status = decision.code().to_string();
    flag.note = note.to_string();
    audit::append(
        tx,
        at,
        actor,
        "flag.settled",
        &serde_json::json!({
            "flag": flag.id,
            "nomination": flag.nomination_id,
            "name": flag.display_name,
            "kind": flag.kind,
            "decision": decision.code(),
            "note": note,
        }),
    )?;
    Ok(flag)
}
