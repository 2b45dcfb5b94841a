//! The panel's decisions on results: a tie across the cut line settled by a vote, an
//! override with its reason. Each decision is a new row (the latest per nomination
//! counts), written with its audit entry in one transaction, and carried into the results
//! and everything printed from them.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Awarded: inside the quota by the panel's decision.
    In,
    Out,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::In => "in",
            Outcome::Out => "out",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Outcome::In => "入选",
            Outcome::Out => "不入选",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PanelDecision {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nomination_id: i64,
    pub outcome: Outcome,
    /// Why: "评审组表决 5:2", "override: …". Required.
    pub reason: String,
    pub decided_at: String,
    pub actor: String,
    /// The 会评 ballot whose count made this decision (`merge::meeting`); `None` for
    /// a decision recorded with its reason alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number", optional))]
    pub ballot: Option<i64>,
}

/// Records the panel's decision on one nomination's result.
pub fn decide(
    review_path: &Path,
    nomination_id: i64,
    outcome: Outcome,
    reason: &str,
    at: &str,
    actor: &str,
) -> Result<PanelDecision> {
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    let decision = record(&tx, nomination_id, outcome, reason, at, actor)?;
    tx.commit()?;
    Ok(decision)
}

/// Writes one decision and its audit entry inside the caller's transaction: an upheld
/// objection (`objections::resolve`) changes a result only this way, in the same
/// transaction as its outcome.
pub(crate) fn record(
    tx: &rusqlite::Transaction,
    nomination_id: i64,
    outcome: Outcome,
    reason: &str,
    at: &str,
    actor: &str,
) -> Result<PanelDecision> {
    insert(tx, nomination_id, outcome, reason, at, actor, None)
}

/// A decision a 会评 ballot's count made: a new vote, so unlike [`record`] it may put in
/// a nomination whose first-stage vote failed.
pub(crate) fn record_by_ballot(
    tx: &rusqlite::Transaction,
    nomination_id: i64,
    outcome: Outcome,
    reason: &str,
    at: &str,
    actor: &str,
    ballot: i64,
) -> Result<PanelDecision> {
    insert(tx, nomination_id, outcome, reason, at, actor, Some(ballot))
}

fn insert(
    tx: &rusqlite::Transaction,
    nomination_id: i64,
    outcome: Outcome,
    reason: &str,
    at: &str,
    actor: &str,
    ballot: Option<i64>,
) -> Result<PanelDecision> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::NoteRequired);
    }
    let known = crate::store::nominations::exists(tx, nomination_id)?;
    if !known {
        return Err(Error::BadInput {
            zh: format!("没有编号为 {nomination_id} 的推荐对象"),
            en: format!("no nomination with id {nomination_id}"),
        });
    }
    if outcome == Outcome::In && ballot.is_none() {
        if let Some(t) = super::round::failed_vote(tx, nomination_id)? {
            return Err(Error::BadInput {
                zh: format!(
                    "推荐对象 {nomination_id} 表决未通过（到会 {} 人，同意 {} 票），不能决定入选；只有会评重新表决通过才能改变结果",
                    t.present, t.agree
                ),
                en: format!(
                    "nomination {nomination_id}'s vote failed ({} of {} present agreed), so it cannot be decided in; only a new vote at the panel's meeting (会评) can change that",
                    t.agree, t.present
                ),
            });
        }
        if let Some(grade) = super::round::failed_grade(tx, nomination_id)? {
            return Err(Error::BadInput {
                zh: format!(
                    "推荐对象 {nomination_id} 评定等级为“{}”，该等级不通过，不能决定入选；只有会评重新表决通过才能改变结果",
                    grade.name_zh
                ),
                en: format!(
                    "nomination {nomination_id}'s grade is {} ({}), which does not pass, so it cannot be decided in; only a new vote at the panel's meeting (会评) can change that",
                    grade.name_en, grade.key
                ),
            });
        }
    }
    tx.execute(
        "INSERT INTO result_decision (nomination_id, outcome, reason, decided_at, actor, ballot_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![nomination_id, outcome.as_str(), reason, at, actor, ballot],
    )?;
    crate::audit::append(
        tx,
        at,
        actor,
        "result_decided",
        &serde_json::json!({
            "nomination_id": nomination_id,
            "outcome": outcome.as_str(),
            "reason": reason,
            "ballot": ballot,
        }),
    )?;
    Ok(PanelDecision {
        nomination_id,
        outcome,
        reason: reason.to_string(),
        decided_at: at.to_string(),
        actor: actor.to_string(),
        ballot,
    })
}

/// The decision in force for each nomination (the latest one).
pub(crate) fn current(conn: &Connection) -> Result<BTreeMap<i64, PanelDecision>> {
    let mut stmt = conn.prepare(
        "SELECT nomination_id, outcome, reason, decided_at, actor, ballot_id FROM result_decision
         ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<i64>>(5)?,
        ))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (nomination_id, outcome, reason, decided_at, actor, ballot) = row?;
        let outcome = match outcome.as_str() {
            "in" => Outcome::In,
            "out" => Outcome::Out,
            other => return Err(Error::Corrupt(format!("decision outcome {other:?}"))),
        };
        out.insert(
            nomination_id,
            PanelDecision {
                nomination_id,
                outcome,
                reason,
                decided_at,
                actor,
                ballot,
            },
        );
    }
    Ok(out)
}
