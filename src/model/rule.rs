//! How a category's marks become its result: the aggregation rule (method, trimming,
//! normalisation, the vote threshold and quorum, tie-breakers) and the review-wide
//! defaults. Plain data with its own checks; where it is stored is `store::category_rules`, how it
//! is applied is `merge::results`.

use serde::{Deserialize, Serialize};

use super::{Category, ScoringMode};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Mean,
    /// Drops the highest and lowest mark when at least `min_experts` marked.
    TrimmedMean,
    Median,
}

/// How marks become results: the defaults for categories without a stored rule
/// (`store::category_rules`), and the review-wide tie-breakers and flag thresholds. A stored rule
/// always wins over these; every caller (the shell, the CLI, the documents) passes
/// `ResultOptions::default()`, so a category computes alike on every path and the results
/// (and their digest) are a function of the review alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResultOptions {
    pub method: Method,
    pub trim_min_experts: u32,
    /// Each expert's totals as z-scores before averaging.
    pub normalise: bool,
    pub vote_threshold: VoteThreshold,
    /// The fewest experts present for a vote to pass; 0: none (see `CategoryRule`).
    #[serde(default, skip_serializing_if = "is_zero")]
    #[cfg_attr(feature = "ts", ts(as = "Option<u32>", optional))]
    pub quorum: u32,
    pub tie_breakers: Vec<TieBreaker>,
    /// A nomination whose totals' standard deviation exceeds this share of the maximum
    /// total is flagged (0.15: 15 points of 100).
    pub dispersion_share: f64,
    /// An expert whose totals sit on average further than this share of the maximum from
    /// the other experts' means is flagged.
    pub outlier_share: f64,
}

impl Default for ResultOptions {
    fn default() -> Self {
        ResultOptions {
            method: Method::TrimmedMean,
            trim_min_experts: 5,
            normalise: false,
            vote_threshold: VoteThreshold::MoreThanHalf,
            quorum: 0,
            tie_breakers: vec![TieBreaker::MoreTopMarks],
            dispersion_share: 0.15,
            outlier_share: 0.15,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum VoteThreshold {
    /// 过半数: more than half of the experts present.
    MoreThanHalf,
    /// 三分之二以上: two thirds or more of the experts present.
    TwoThirds,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TieBreaker {
    /// More experts giving it their top mark.
    MoreTopMarks,
    /// A higher mean on the named criterion.
    Criterion { key: String },
}

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
            ScoringMode::Grade => "评定等级，取多数专家评定的等级（票数相同时取较低等级），该等级为不通过的不入选；按等级由高到低排序，等级相同者并列".into(),
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
                "a grade, the one most experts gave (a tie takes the lower grade); a grade that does not pass is never in; ranked by grade, equal grades tied".into()
            }
        }
    }

    /// `criteria`: the keys of the category's criteria, which a breaker may name.
    pub(crate) fn check(&self, category: &Category) -> Result<()> {
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
