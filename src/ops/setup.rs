//! The clerk's set-up before a package goes out, as the command line asks for it: each
//! category's rule given in part and completed from what is stored, the categories with
//! their settings as one list, the roster and the flags as stored. (The demonstration
//! review is `ops::demo`.)

use std::path::Path;

use serde::Serialize;

use crate::error::Result;
use crate::model::rule::{CategoryRule, Method, ResultOptions, TieBreaker, VoteThreshold};
use crate::model::{Expert, ScoringMode};
use crate::store::flags::StoredFlag;
use crate::store::{self, category_rules};

/// A category's rule as the clerk gives it: the vote threshold may be left out.
pub struct RuleInput {
    pub method: Method,
    pub trim_min_experts: u32,
    pub normalise: bool,
    pub vote_threshold: Option<VoteThreshold>,
    pub quorum: u32,
    pub tie_breakers: Vec<TieBreaker>,
}

/// A rule stored, with the scoring mode it reads in (a vote has no mean to describe).
pub struct RuleSet {
    pub rule: CategoryRule,
    pub scoring_mode: ScoringMode,
}

/// Stores `input` as the category's rule, keeping the threshold in force when none is
/// given and refusing one given on a category that does not vote.
pub fn set_category_rule(
    review: &Path,
    category_key: &str,
    input: RuleInput,
    at: &str,
    actor: &str,
) -> Result<RuleSet> {
    let conn = store::open(review)?;
    let vote_threshold = category_rules::threshold_for(&conn, category_key, input.vote_threshold)?;
    let rule = CategoryRule {
        method: input.method,
        trim_min_experts: input.trim_min_experts,
        normalise: input.normalise,
        vote_threshold,
        quorum: input.quorum,
        tie_breakers: input.tie_breakers,
    };
    category_rules::set(review, category_key, &rule, at, actor)?;
    let scoring_mode = store::review_rows::read_categories(&conn)?
        .into_iter()
        .find(|c| c.key == category_key)
        .map_or(ScoringMode::Criteria, |c| c.scoring_mode);
    Ok(RuleSet { rule, scoring_mode })
}

/// One category's quota, allowance and the rule in force.
#[derive(Serialize)]
pub struct CategorySettings {
    pub category: String,
    pub name_zh: String,
    pub quota: u32,
    pub approximate: bool,
    pub allowance: Option<u32>,
    pub rule: Option<CategoryRule>,
    #[serde(skip)]
    pub scoring_mode: ScoringMode,
}

/// Every category of the review with its settings, in the review's order.
pub fn categories(review: &Path) -> Result<Vec<CategorySettings>> {
    let conn = store::open(review)?;
    let mut rules = category_rules::in_force(&conn, &ResultOptions::default())?;
    Ok(store::review_rows::read_categories(&conn)?
        .into_iter()
        .map(|c| CategorySettings {
            rule: rules.remove(&c.key),
            category: c.key,
            name_zh: c.name_zh,
            quota: c.quota,
            approximate: c.quota_approximate,
            allowance: c.allowance,
            scoring_mode: c.scoring_mode,
        })
        .collect())
}

/// The expert roster, by number.
pub fn experts(review: &Path) -> Result<Vec<Expert>> {
    store::experts::read_all(&store::open(review)?)
}

/// The flags raised on the review's nominations, settled or not.
pub fn flags(review: &Path) -> Result<Vec<StoredFlag>> {
    store::flags::read_all(&store::open(review)?)
}
