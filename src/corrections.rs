//! Corrections after import: a nomination's field edited with a reason, and a nomination
//! withdrawn with a reason. Each is one transaction with its audit entry.
//!
//! An edit keeps the nomination's id, so its scores stay with it; the old value is kept
//! beside the new one so every view and document can say the entry was corrected. A
//! withdrawal is an `excluded` flag of kind `withdrawn` carrying the reason: packages,
//! results and the readiness check already leave excluded nominations out, and one rule
//! for both means a withdrawn nomination can never slip back in by a path that knows
//! only one of them.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::audit;
use crate::error::{Error, Result};
use crate::import::{eligibility, rows};
use crate::model::Nomination;
use crate::store::{self, nominations, review_rows};
use crate::template;

/// The flag kind a withdrawal is stored as.
pub const WITHDRAWN: &str = "withdrawn";

/// One edit of one field, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Correction {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nomination_id: i64,
    pub field_key: String,
    pub field_zh: String,
    pub field_en: String,
    /// Masked by value where they hold an ID or phone number.
    pub old_value: String,
    pub new_value: String,
    pub reason: String,
    pub corrected_at: String,
    pub corrected_by: String,
}

fn reason_given(reason: &str) -> Result<&str> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::ReasonRequired);
    }
    Ok(reason)
}

fn nomination(conn: &Connection, id: i64) -> Result<(crate::activity::Activity, Nomination)> {
    let activity = review_rows::read_review(conn)?.activity;
    // Every nomination is read to find one: corrections are rare and by hand, and this
    // keeps one reader of the stored fields.
    let found = nominations::read_all(conn, activity)?
        .into_iter()
        .find(|n| n.id == id)
        .ok_or(Error::NominationNotFound { id })?;
    Ok((activity, found))
}

/// Sets field `key` of nomination `id` to `value`, checked as an imported cell would be.
pub fn edit_field(
    review_path: &Path,
    id: i64,
    key: &str,
    value: &str,
    reason: &str,
    at: &str,
    actor: &str,
) -> Result<Correction> {
    let reason = reason_given(reason)?;
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    let (activity, mut n) = nomination(&tx, id)?;
    let specs = template::fields(activity);
    let spec = specs
        .iter()
        .find(|f| f.key == key && f.kind != template::FieldKind::Materials)
        .ok_or_else(|| Error::UnknownField { key: key.into() })?;
    let trimmed = crate::import::normalize::trim(value);
    let new_value = if trimmed.is_empty() {
        if spec.required {
            return Err(Error::BadInput {
                zh: format!("“{}”是必填项，不能改为空", spec.label_zh),
                en: format!("{} is required and cannot be emptied", spec.label_en),
            });
        }
        String::new()
    } else {
        rows::normalise_typed(spec, trimmed).map_err(|kind| {
            let problem = crate::import::problem::Problem {
                sheet: String::new(),
                row: 0,
                column: String::new(),
                field_zh: spec.label_zh.into(),
                kind,
            };
            // The problem's message locates a cell; here only its reason is wanted.
            let tail = |m: String| m.split_once('：').map_or(m.clone(), |(_, t)| t.to_string());
            let tail_en = |m: String| m.split_once(": ").map_or(m.clone(), |(_, t)| t.to_string());
            Error::BadInput {
                zh: crate::privacy::mask_text(&format!(
                    "{}：{}",
                    spec.label_zh,
                    tail(problem.message_zh())
                )),
                en: crate::privacy::mask_text(&format!(
                    "{}: {}",
                    spec.label_en,
                    tail_en(problem.message_en())
                )),
            }
        })?
    };
    let old_value = n.field(key).unwrap_or("").to_string();
    if old_value == new_value {
        return Err(Error::BadInput {
            zh: format!("“{}”已经是“{new_value}”，无需更正", spec.label_zh),
            en: format!(
                "{} is already {new_value:?}; nothing to correct",
                spec.label_en
            ),
        });
    }
    let old_fields = n.fields.clone();
    match n.fields.iter_mut().find(|f| f.key == key) {
        Some(f) => f.value = new_value.clone(),
        None => n.fields.push(crate::model::FieldValue {
            key: spec.key.into(),
            label_zh: spec.label_zh.into(),
            label_en: spec.label_en.into(),
            value: new_value.clone(),
            personal: spec.kind.is_personal(),
        }),
    }
    let display_key = template::display_field(activity);
    let display_name = n.field(display_key).unwrap_or("").to_string();
    let row = rows::RowRead {
        row: 0,
        fields: n.fields.clone(),
        extra_fields: vec![],
        materials: vec![],
        problems: vec![],
    };
    let identity = eligibility::identity(activity, &n.university, &row).unwrap_or_default();
    nominations::update_fields(&tx, id, &n.fields, &display_name, &identity)?;
    let before = rows::RowRead {
        fields: old_fields,
        ..row.clone()
    };
    let day = crate::import::file::review_day(&review_rows::read_review(&tx)?.created_at);
    let rejudged = rejudge(
        &tx,
        id,
        &eligibility::check(activity, &before, day),
        &eligibility::check(activity, &row, day),
        &format!(
            "更正后不再适用：{}改为“{new_value}”；更正理由：{reason}",
            spec.label_zh
        ),
    )?;
    tx.execute(
        "INSERT INTO nomination_correction (nomination_id, field_key, old_value, new_value, reason, corrected_at, corrected_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, key, old_value, new_value, reason, at, actor],
    )?;
    let correction_id = tx.last_insert_rowid();
    let masked = |v: &str| crate::privacy::mask_text(v);
    audit::append(
        &tx,
        at,
        actor,
        "nomination.corrected",
        &serde_json::json!({
            "nomination": id,
            "name": display_name,
            "field": key,
            "old": masked(&old_value),
            "new": masked(&new_value),
            "reason": reason,
            "flags_closed": rejudged.closed,
            "flags_raised": rejudged.raised,
        }),
    )?;
    let correction = read(&tx, &specs, "c.id = ?1", correction_id)?
        .pop()
        .ok_or(Error::NominationNotFound { id })?;
    tx.commit()?;
    Ok(correction)
}

/// What judging a corrected nomination again changed among its eligibility flags.
#[derive(Debug, Default)]
struct Rejudged {
    /// `[flag id, kind]` of open flags the corrected value no longer raises.
    closed: Vec<(i64, String)>,
    /// `[flag id, kind]` of flags the corrected value raises and the old one did not.
    raised: Vec<(i64, String)>,
}

/// Brings the eligibility flags of nomination `id` in line with a correction: `before`
/// and `after` are what the rules find in the old and the corrected fields. A finding
/// that no longer holds has its open flags settled as accepted with `note` (kept, not
/// deleted: the clerk's list shows what the correction settled); a new one is opened.
/// Flags the clerk has settled stay as decided, and a finding that held before and
/// still holds keeps its flag, its message brought up to date.
fn rejudge(
    tx: &rusqlite::Transaction,
    id: i64,
    before: &[eligibility::Flag],
    after: &[eligibility::Flag],
    note: &str,
) -> Result<Rejudged> {
    let mut done = Rejudged::default();
    let open_of = |kind: &str| -> Result<Vec<i64>> {
        let mut stmt = tx.prepare_cached(
            "SELECT id FROM nomination_flag WHERE nomination_id = ?1 AND kind = ?2 AND status = 'open' ORDER BY id",
        )?;
        let ids = stmt
            .query_map(params![id, kind], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    };
    let note = crate::privacy::mask_text(note);
    for old in before {
        if after.iter().any(|f| f.kind == old.kind) {
            continue;
        }
        let kind = old.kind.code();
        for flag in open_of(kind)? {
            tx.execute(
                "UPDATE nomination_flag SET status = 'accepted', note = ?2 WHERE id = ?1",
                params![flag, note],
            )?;
            done.closed.push((flag, kind.to_string()));
        }
    }
    for new in after {
        let kind = new.kind.code();
        let open = open_of(kind)?;
        if open.is_empty() && !before.iter().any(|f| f.kind == new.kind) {
            store::flags::insert(tx, id, kind, &new.message_zh, &new.message_en)?;
            done.raised.push((tx.last_insert_rowid(), kind.to_string()));
        }
        for flag in open {
            tx.execute(
                "UPDATE nomination_flag SET message_zh = ?2, message_en = ?3 WHERE id = ?1",
                params![flag, new.message_zh, new.message_en],
            )?;
        }
    }
    Ok(done)
}

/// Withdraws nomination `id`, flagged or not: it is left out of packages and results.
pub fn withdraw(review_path: &Path, id: i64, reason: &str, at: &str, actor: &str) -> Result<()> {
    let reason = reason_given(reason)?;
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    let (_, n) = nomination(&tx, id)?;
    let already: Option<i64> = tx
        .query_row(
            "SELECT id FROM nomination_flag WHERE nomination_id = ?1 AND kind = ?2",
            params![id, WITHDRAWN],
            |r| r.get(0),
        )
        .optional()?;
    if already.is_some() {
        return Err(Error::AlreadyWithdrawn { id });
    }
    tx.execute(
        "INSERT INTO nomination_flag (nomination_id, kind, message_zh, message_en, status, note)
         VALUES (?1, ?2, ?3, ?4, 'excluded', ?5)",
        params![
            id,
            WITHDRAWN,
            format!("已撤回（{at}，{actor}）"),
            format!("Withdrawn ({at}, {actor})"),
            reason
        ],
    )?;
    audit::append(
        &tx,
        at,
        actor,
        "nomination.withdrawn",
        &serde_json::json!({
            "nomination": id,
            "name": n.display_name,
            "university": n.university,
            "reason": reason,
        }),
    )?;
    tx.commit()?;
    Ok(())
}

/// The corrections of nomination `id`, oldest first.
pub fn for_nomination(conn: &Connection, id: i64) -> Result<Vec<Correction>> {
    let specs = template::fields(review_rows::read_review(conn)?.activity);
    read(conn, &specs, "c.nomination_id = ?1", id)
}

/// Every correction in the review, oldest first: documents mark corrected entries.
pub fn all(conn: &Connection) -> Result<Vec<Correction>> {
    let specs = template::fields(review_rows::read_review(conn)?.activity);
    read(conn, &specs, "?1 = ?1", 0)
}

fn read(
    conn: &Connection,
    specs: &[template::FieldSpec],
    filter: &str,
    value: i64,
) -> Result<Vec<Correction>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT c.id, c.nomination_id, c.field_key, c.old_value, c.new_value, c.reason, c.corrected_at, c.corrected_by
         FROM nomination_correction c WHERE {filter} ORDER BY c.id"
    ))?;
    let rows = stmt.query_map([value], |r| {
        let key: String = r.get(2)?;
        let spec = specs.iter().find(|f| f.key == key);
        Ok(Correction {
            id: r.get(0)?,
            nomination_id: r.get(1)?,
            field_zh: spec.map_or(key.clone(), |f| f.label_zh.to_string()),
            field_en: spec.map_or(key.clone(), |f| f.label_en.to_string()),
            field_key: key,
            old_value: crate::privacy::mask_text(&r.get::<_, String>(3)?),
            new_value: crate::privacy::mask_text(&r.get::<_, String>(4)?),
            reason: r.get(5)?,
            corrected_at: r.get(6)?,
            corrected_by: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
