//! The 异议 ledger: objections lodged against a nominee during the 公示, how the office
//! looked into each, and its outcome. An objection is recorded as received (stored in full,
//! like nominations: the office must be able to answer the person who lodged it) and shown
//! masked (`privacy::mask_text`) unless the clerk reveals it. Resolving is final and
//! audited; an upheld objection changes the result only through the panel decision
//! (`merge::decisions`) written in the same transaction, so the 汇总表 shows why. While any
//! objection is pending, `merge::readiness` holds back certificates and the register.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::merge::decisions::{self, Outcome};
use crate::privacy::{mask_text, Privacy};
use crate::store;

/// How the objection reached the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Telephone,
    Letter,
    Email,
    InPerson,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Telephone,
        Channel::Letter,
        Channel::Email,
        Channel::InPerson,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Telephone => "telephone",
            Channel::Letter => "letter",
            Channel::Email => "email",
            Channel::InPerson => "in_person",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Channel::Telephone => "电话",
            Channel::Letter => "信函",
            Channel::Email => "电子邮件",
            Channel::InPerson => "来访",
        }
    }

    pub fn parse(given: &str) -> Result<Channel> {
        let wanted = given.trim();
        Channel::ALL
            .into_iter()
            .find(|c| c.code() == wanted || c.name_zh() == wanted)
            .ok_or_else(|| Error::BadInput {
                zh: format!("异议渠道应为 电话、信函、电子邮件 或 来访：{given}"),
                en: format!("the channel is telephone, letter, email or in_person: {given}"),
            })
    }
}

/// What the office concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ObjectionOutcome {
    /// 异议成立: the nominee comes off the list (a decision `out`).
    Upheld,
    /// 异议不成立: the result stands.
    Dismissed,
}

impl ObjectionOutcome {
    pub fn code(self) -> &'static str {
        match self {
            ObjectionOutcome::Upheld => "upheld",
            ObjectionOutcome::Dismissed => "dismissed",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ObjectionOutcome::Upheld => "异议成立",
            ObjectionOutcome::Dismissed => "异议不成立",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ObjectionOutcome::Upheld => "upheld",
            ObjectionOutcome::Dismissed => "dismissed",
        }
    }

    pub fn parse(given: &str) -> Result<ObjectionOutcome> {
        match given.trim() {
            "upheld" | "成立" | "异议成立" => Ok(ObjectionOutcome::Upheld),
            "dismissed" | "不成立" | "异议不成立" => Ok(ObjectionOutcome::Dismissed),
            other => Err(Error::BadInput {
                zh: format!("处理结果应为 成立（upheld）或 不成立（dismissed）：{other}"),
                en: format!("the outcome is upheld or dismissed: {other}"),
            }),
        }
    }
}

/// An objection as received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewObjection {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nomination_id: i64,
    /// `YYYY-MM-DD`.
    pub received_on: String,
    pub channel: Channel,
    /// Who lodged it (a person or a unit); empty when they gave no name.
    pub objector: String,
    pub summary: String,
}

/// How the office closes an objection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Resolution {
    /// What was done to look into it (核查情况).
    pub handling: String,
    pub outcome: ObjectionOutcome,
    /// Why; for an upheld objection it is also the panel decision's reason.
    pub reason: String,
}

/// One entry of the ledger, with the nominee it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Objection {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nomination_id: i64,
    pub display_name: String,
    pub university: String,
    pub received_on: String,
    pub channel: Channel,
    pub objector: String,
    pub summary: String,
    pub recorded_at: String,
    pub recorded_by: String,
    pub handling: String,
    pub outcome: Option<ObjectionOutcome>,
    pub reason: Option<String>,
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
}

impl Objection {
    pub fn pending(&self) -> bool {
        self.outcome.is_none()
    }
}

fn required(text: &str, zh: &str, en: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::BadInput {
            zh: format!("请填写{zh}"),
            en: format!("{en} is required"),
        });
    }
    Ok(text.to_string())
}

/// Records an objection against a nomination on the 公示, with its audit entry. Refused
/// before a 公示 is set, or when dated before its period began: an objection answers a
/// published list. One received after the period is recorded (the office says why it
/// does not take it up when resolving).
pub fn add(review_path: &Path, new: &NewObjection, at: &str, actor: &str) -> Result<Objection> {
    let summary = required(&new.summary, "异议内容摘要", "a summary of the objection")?;
    let received =
        crate::announcement::parse_day(&new.received_on, "收到日期", "the date received")?;
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    let announcement = crate::announcement::read(&tx)?.ok_or(Error::AnnouncementNotSet)?;
    let (from, _) = announcement.settings.period()?;
    if received < from {
        return Err(Error::BadInput {
            zh: format!(
                "收到日期 {} 早于公示期开始（{}）",
                new.received_on, announcement.settings.period_from
            ),
            en: format!(
                "received on {}, before the period began ({})",
                new.received_on, announcement.settings.period_from
            ),
        });
    }
    let known = crate::store::nominations::exists(&tx, new.nomination_id)?;
    if !known {
        return Err(Error::BadInput {
            zh: format!("没有编号为 {} 的推荐对象", new.nomination_id),
            en: format!("no nomination with id {}", new.nomination_id),
        });
    }
    let received_on = new.received_on.trim();
    let objector = new.objector.trim();
    tx.execute(
        "INSERT INTO objection (nomination_id, received_on, channel, objector, summary,
           recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            new.nomination_id,
            received_on,
            new.channel.code(),
            objector,
            summary,
            at,
            actor
        ],
    )?;
    let id = tx.last_insert_rowid();
    // The log is read on screens and exported: it keeps what happened, not the phone
    // numbers an objection may quote.
    crate::audit::append(
        &tx,
        at,
        actor,
        "objection_recorded",
        &serde_json::json!({
            "objection_id": id,
            "nomination_id": new.nomination_id,
            "received_on": received_on,
            "channel": new.channel.code(),
            "summary": mask_text(&summary),
        }),
    )?;
    let stored = read_one(&tx, id)?.ok_or(Error::ObjectionNotFound { id })?;
    tx.commit()?;
    Ok(stored)
}

/// Closes an objection. Upheld: the panel's decision `out`, with the objection and its
/// reason as the decision's reason, is written in the same transaction.
pub fn resolve(
    review_path: &Path,
    id: i64,
    resolution: &Resolution,
    at: &str,
    actor: &str,
) -> Result<Objection> {
    let handling = required(&resolution.handling, "核查情况", "how it was looked into")?;
    let reason = required(&resolution.reason, "处理理由", "the reason for the outcome")?;
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    let before = read_one(&tx, id)?.ok_or(Error::ObjectionNotFound { id })?;
    if let Some(outcome) = before.outcome {
        return Err(Error::ObjectionResolved {
            id,
            outcome_zh: outcome.name_zh().into(),
            outcome_en: outcome.name_en().into(),
        });
    }
    tx.execute(
        "UPDATE objection SET handling = ?2, outcome = ?3, reason = ?4, resolved_at = ?5,
           resolved_by = ?6
         WHERE id = ?1 AND outcome IS NULL",
        params![id, handling, resolution.outcome.code(), reason, at, actor],
    )?;
    crate::audit::append(
        &tx,
        at,
        actor,
        "objection_resolved",
        &serde_json::json!({
            "objection_id": id,
            "nomination_id": before.nomination_id,
            "outcome": resolution.outcome.code(),
            "handling": mask_text(&handling),
            "reason": mask_text(&reason),
        }),
    )?;
    if resolution.outcome == ObjectionOutcome::Upheld {
        decisions::record(
            &tx,
            before.nomination_id,
            Outcome::Out,
            &format!("异议成立（第 {id} 号异议）：{}", mask_text(&reason)),
            at,
            actor,
        )?;
    }
    let stored = read_one(&tx, id)?.ok_or(Error::ObjectionNotFound { id })?;
    tx.commit()?;
    Ok(stored)
}

const SELECT: &str = "SELECT o.id, o.nomination_id, n.display_name, n.university, o.received_on,
        o.channel, o.objector, o.summary, o.recorded_at, o.recorded_by, o.handling, o.outcome,
        o.reason, o.resolved_at, o.resolved_by
    FROM objection o JOIN nomination n ON n.id = o.nomination_id";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<(Objection, String, Option<String>)> {
    Ok((
        Objection {
            id: r.get(0)?,
            nomination_id: r.get(1)?,
            display_name: r.get(2)?,
            university: r.get(3)?,
            received_on: r.get(4)?,
            channel: Channel::Telephone,
            objector: r.get(6)?,
            summary: r.get(7)?,
            recorded_at: r.get(8)?,
            recorded_by: r.get(9)?,
            handling: r.get(10)?,
            outcome: None,
            reason: r.get(12)?,
            resolved_at: r.get(13)?,
            resolved_by: r.get(14)?,
        },
        r.get(5)?,
        r.get(11)?,
    ))
}

fn finish(row: (Objection, String, Option<String>)) -> Result<Objection> {
    let (mut o, channel, outcome) = row;
    o.channel = Channel::ALL
        .into_iter()
        .find(|c| c.code() == channel)
        .ok_or_else(|| Error::Corrupt(format!("objection channel {channel:?}")))?;
    o.outcome = match outcome.as_deref() {
        None => None,
        Some(code) => Some(
            ObjectionOutcome::parse(code)
                .map_err(|_| Error::Corrupt(format!("objection outcome {code:?}")))?,
        ),
    };
    Ok(o)
}

fn read_one(conn: &Connection, id: i64) -> Result<Option<Objection>> {
    let row = conn
        .query_row(&format!("{SELECT} WHERE o.id = ?1"), [id], from_row)
        .optional()?;
    row.map(finish).transpose()
}

/// The ledger in the order objections were recorded; masked unless revealed.
pub fn list(conn: &Connection, privacy: Privacy) -> Result<Vec<Objection>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY o.id"))?;
    let rows = stmt.query_map([], from_row)?;
    let mut out = Vec::new();
    for row in rows {
        let mut o = finish(row?)?;
        if privacy == Privacy::Masked {
            for text in [&mut o.objector, &mut o.summary, &mut o.handling] {
                *text = mask_text(text);
            }
            if let Some(reason) = o.reason.as_mut() {
                *reason = mask_text(reason);
            }
        }
        out.push(o);
    }
    Ok(out)
}

/// The objections not yet resolved: each one holds back certificates and the register.
pub fn pending(conn: &Connection) -> Result<Vec<Objection>> {
    Ok(list(conn, Privacy::Masked)?
        .into_iter()
        .filter(Objection::pending)
        .collect())
}
