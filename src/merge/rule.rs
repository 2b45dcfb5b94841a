//! Each category's aggregation rule, stored in the review file.
//!
//! The rule lives in the review rather than in a command-line flag or a UI setting so
//! that the app, the CLI, the results workbook, the printed summary and the certificates
//! all compute the same result, and changing it is audited like any other decision.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::aggregate::VoteThreshold;
use super::rank::TieBreaker;
use super::results::{Method, ResultOptions};
use crate::audit;
use crate::error::{Error, Result};
use crate::model::{Category, ScoringMode};
use crate::store;

/// How one category's marks become its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CategoryRule {
    pub method: Method,
    /// The trimmed mean drops the highest and lowest total only when at least this many
    /// experts scored; below it, it is the plain mean.
    pub trim_min_experts: u32,
    /// Each expert's totals in this category become z-scores before averaging, so a
    /// strict group and a lenient group of experts are put on one scale.
    pub normalise: bool,
    /// For vote categories: what "passed" means.
    pub vote_threshold: VoteThreshold,
    /// For vote categories: the fewest experts present (recused experts are not) for a
    /// vote to pass at all; 0 when the rule needs none. Left out when 0, so rules and
    /// results written before quorums existed serialise (and digest) as they did.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[cfg_attr(feature = "ts", ts(as = "Option<u32>", optional))]
    pub quorum: u32,
    /// Applied in order to nominations with the same score; a tie none of them splits
    /// and that straddles the cut is the panel's to decide. Empty: straight to the panel.
    pub tie_breakers: Vec<TieBreaker>,
}

impl CategoryRule {
    /// The rule a category has until the clerk sets one.
    pub fn from_options(options: &ResultOptions) -> CategoryRule {
        CategoryRule {
            method: options.method,
            trim_min_experts: options.trim_min_experts,
            normalise: options.normalise,
            vote_threshold: options.vote_threshold,
            quorum: options.quorum,
            tie_breakers: options.tie_breakers.clone(),
        }
    }

    /// `base` with this rule's choices: the review-wide settings (tie-breakers, flag
    /// thresholds) stay as they are.
    pub fn apply_to(&self, base: &ResultOptions) -> ResultOptions {
        ResultOptions {
            method: self.method,
            trim_min_experts: self.trim_min_experts,
            normalise: self.normalise,
            vote_threshold: self.vote_threshold,
            quorum: self.quorum,
            tie_breakers: self.tie_breakers.clone(),
            ..base.clone()
        }
    }

    /// The rule in words, as the 汇总表 and the 公示 state it for a category scored by
    /// `mode`: only what applies to that mode (a vote has no mean, points no threshold).
    pub fn describe_zh(&self, mode: ScoringMode) -> String {
        match mode {
            ScoringMode::Criteria => {
                let how = match self.method {
                    Method::TrimmedMean => format!(
                        "去掉一个最高分和一个最低分后取平均（评分专家不足 {} 位时不去掉，取算术平均）",
                        self.trim_min_experts
                    ),
                    Method::Mean => "取算术平均".into(),
                    Method::Median => "取中位数".into(),
                };
                if self.normalise {
                    format!("各专家在本类别的总分先换算为标准分（z 分数），再{how}")
                } else {
                    format!("各专家总分{how}")
                }
            }
            ScoringMode::Vote => format!(
                "表决，{}同意票{}为通过（回避的专家不计入到会人数），未通过的不入选；按同意票占到会专家的比例排序，比例相同的同意票多者在前",
                if self.quorum > 0 {
                    format!("到会专家不少于 {} 位方可通过，", self.quorum)
                } else {
                    String::new()
                },
                match self.vote_threshold {
                    VoteThreshold::MoreThanHalf => "超过到会专家半数",
                    VoteThreshold::TwoThirds => "达到到会专家三分之二以上",
                }
            ),
            ScoringMode::Grade => "评定等级，取多数专家评定的等级（票数相同时取较低等级）".into(),
        }
    }

    /// [`CategoryRule::describe_zh`] in English.
    pub fn describe_en(&self, mode: ScoringMode) -> String {
        match mode {
            ScoringMode::Criteria => {
                let how = match self.method {
                    Method::TrimmedMean => format!(
                        "the highest and the lowest dropped and the rest averaged (a plain mean when fewer than {} experts scored)",
                        self.trim_min_experts
                    ),
                    Method::Mean => "averaged".into(),
                    Method::Median => "their median".into(),
                };
                if self.normalise {
                    format!("each expert's totals as z-scores within the category, {how}")
                } else {
                    format!("the experts' totals, {how}")
                }
            }
            ScoringMode::Vote => format!(
                "a vote, passed when {} of the experts present agree (recused experts are not present){}; a failed vote is never in; ranked by the share agreeing, then by the number agreeing",
                match self.vote_threshold {
                    VoteThreshold::MoreThanHalf => "more than half",
                    VoteThreshold::TwoThirds => "two thirds or more",
                },
                if self.quorum > 0 {
                    format!(", with at least {} experts present", self.quorum)
                } else {
                    String::new()
                }
            ),
            ScoringMode::Grade => {
                "a grade, the one most experts gave (a tie takes the lower grade)".into()
            }
        }
    }

    /// `criteria`: the keys of the category's criteria, which a breaker may name.
    fn check(&self, category: &Category) -> Result<()> {
        let criteria: Vec<&str> = category
            .rubric
            .criteria
            .iter()
            .map(|k| k.key.as_str())
            .collect();
        // A quorum on points or grades would be kept and never applied: refused, as a
        // vote threshold there is, rather than stored to mislead.
        if self.quorum > 0 && category.scoring_mode != ScoringMode::Vote {
            return Err(Error::BadInput {
                zh: format!(
                    "“{}”（{}）不是表决类别：法定人数（quorum）只用于表决类别，未作任何修改",
                    category.name_zh, category.key
                ),
                en: format!(
                    "{} ({}) is not scored by vote: a quorum applies to vote categories only; nothing was changed",
                    category.name_en, category.key
                ),
            });
        }
        if self.quorum > 1000 {
            return Err(Error::BadInput {
                zh: format!("法定人数应在 0 到 1000 之间：{}", self.quorum),
                en: format!("the quorum must be 0 to 1000: {}", self.quorum),
            });
        }
        if self.tie_breakers.len() > 5 {
            return Err(Error::BadInput {
                zh: "并列规则最多 5 条".into(),
                en: "at most 5 tie-breakers".into(),
            });
        }
        for (i, b) in self.tie_breakers.iter().enumerate() {
            if self.tie_breakers[..i].contains(b) {
                return Err(Error::BadInput {
                    zh: "并列规则重复".into(),
                    en: "a tie-breaker is repeated".into(),
                });
            }
            if let TieBreaker::Criterion { key } = b {
                if !criteria.contains(&key.as_str()) {
                    return Err(Error::BadInput {
                        zh: format!("并列规则所用的评分细则不属于该类别：{key}"),
                        en: format!(
                            "the tie-breaker names a criterion this category does not have: {key}"
                        ),
                    });
                }
            }
        }
        // Dropping two of fewer than three totals would leave at most one: not a mean.
        if !(3..=1000).contains(&self.trim_min_experts) {
            return Err(Error::BadInput {
                zh: format!(
                    "去掉最高最低分所需的专家数应在 3 到 1000 之间：{}",
                    self.trim_min_experts
                ),
                en: format!(
                    "experts needed before trimming must be 3 to 1000: {}",
                    self.trim_min_experts
                ),
            });
        }
        Ok(())
    }
}

pub(crate) fn is_zero(n: &u32) -> bool {
    *n == 0
}

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
