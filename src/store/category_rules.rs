//! Each category's aggregation rule, stored in the review file.
//!
//! The rule lives in the review rather than in a command-line flag or a UI setting so
//! that the app, the CLI, the results workbook, the printed summary and the certificates
//! all compute the same result, and changing it is audited like any other decision.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::audit;
use crate::error::{Error, Result};
pub use crate::model::rule::CategoryRule;
use crate::model::rule::{ResultOptions, VoteThreshold};
use crate::model::ScoringMode;
use crate::store;

/// The code serde gives a unit variant (`"trimmed_mean"`): what the table's CHECKs name.
fn code(value: impl Serialize) -> Result<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(code)) => Ok(code),
        other => Err(Error::Corrupt(format!("not a code: {other:?}"))),
    }
}

/// The rules the clerk has set, by category key; categories without one use the
/// caller's defaults.
pub fn stored(conn: &Connection) -> Result<BTreeMap<String, CategoryRule>> {
    let mut stmt = conn.prepare(
        "SELECT category_key, method, trim_min_experts, normalise, vote_threshold, tie_breakers, quorum FROM category_rule",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, u32>(6)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(
            |(key, method, trim, normalise, threshold, breakers, quorum)| {
                let method = serde_json::from_value(serde_json::Value::String(method))
                    .map_err(|e| Error::Corrupt(format!("category_rule {key}: {e}")))?;
                let vote_threshold =
                    serde_json::from_value(serde_json::Value::String(threshold))
                        .map_err(|e| Error::Corrupt(format!("category_rule {key}: {e}")))?;
                let tie_breakers = serde_json::from_str(&breakers)
                    .map_err(|e| Error::Corrupt(format!("category_rule {key}: {e}")))?;
                Ok((
                    key,
                    CategoryRule {
                        method,
                        trim_min_experts: trim,
                        normalise,
                        vote_threshold,
                        quorum,
                        tie_breakers,
                    },
                ))
            },
        )
        .collect()
}

/// Every category's rule in force: the stored one, or the one `defaults` gives.
pub fn in_force(
    conn: &Connection,
    defaults: &ResultOptions,
) -> Result<BTreeMap<String, CategoryRule>> {
    let mut rules = stored(conn)?;
    for key in store::review_rows::category_keys(conn)? {
        rules
            .entry(key)
            .or_insert_with(|| CategoryRule::from_options(defaults));
    }
    Ok(rules)
}

/// The vote threshold a category's new rule carries: the one `given`, only on a vote
/// category (on points or grades it would be stored and never applied, so it is refused
/// rather than kept to mislead); when none is given, the one in force stays.
pub fn threshold_for(
    conn: &Connection,
    category_key: &str,
    given: Option<VoteThreshold>,
) -> Result<VoteThreshold> {
    let category = store::review_rows::read_categories(conn)?
        .into_iter()
        .find(|c| c.key == category_key)
        .ok_or_else(|| Error::UnknownCategory {
            key: category_key.to_string(),
        })?;
    let Some(given) = given else {
        let defaults = ResultOptions::default();
        return Ok(in_force(conn, &defaults)?
            .remove(category_key)
            .map_or(defaults.vote_threshold, |r| r.vote_threshold));
    };
    if category.scoring_mode == ScoringMode::Vote {
        return Ok(given);
    }
    let (zh, en) = match category.scoring_mode {
        ScoringMode::Grade => ("评定等级", "by grade"),
        _ => ("按评分细则打分", "by points"),
    };
    Err(Error::BadInput {
        zh: format!(
            "“{}”（{}）{zh}，不是表决类别：表决通过线（vote threshold）只用于表决类别，未作任何修改",
            category.name_zh, category.key
        ),
        en: format!(
            "{} ({}) is scored {en}, not by vote: a vote threshold applies to vote categories only; nothing was changed",
            category.name_en, category.key
        ),
    })
}

/// Sets a category's rule; the change and the rule it replaced go to the audit log.
pub fn set(
    path: &Path,
    category_key: &str,
    rule: &CategoryRule,
    at: &str,
    actor: &str,
) -> Result<()> {
    let mut conn = store::open(path)?;
    let tx = conn.transaction()?;
    let category = store::review_rows::read_categories(&tx)?
        .into_iter()
        .find(|c| c.key == category_key)
        .ok_or_else(|| Error::UnknownCategory {
            key: category_key.to_string(),
        })?;
    rule.check(&category)?;
    let before = stored(&tx)?.remove(category_key);
    write(&tx, category_key, rule)?;
    audit::append(
        &tx,
        at,
        actor,
        "category.rule_set",
        &serde_json::json!({ "category": category_key, "rule": rule, "before": before }),
    )?;
    tx.commit()?;
    Ok(())
}

/// Stores `rule` for a category inside the caller's transaction (which audits it).
pub(crate) fn write(
    tx: &rusqlite::Transaction,
    category_key: &str,
    rule: &CategoryRule,
) -> Result<()> {
    tx.execute(
        "INSERT INTO category_rule (category_key, method, trim_min_experts, normalise, vote_threshold, tie_breakers, quorum)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (category_key) DO UPDATE SET method = ?2, trim_min_experts = ?3,
             normalise = ?4, vote_threshold = ?5, tie_breakers = ?6, quorum = ?7",
        params![
            category_key,
            code(rule.method)?,
            rule.trim_min_experts,
            rule.normalise,
            code(rule.vote_threshold)?,
            serde_json::to_string(&rule.tie_breakers).map_err(|e| Error::Corrupt(e.to_string()))?,
            rule.quorum
        ],
    )?;
    Ok(())
}
