//! The review as the rest of the program sees it: plain data, no storage, no I/O.
//!
//! Points are `f64` with a step such as 0.5; the rules that aggregate them (merge)
//! will round explicitly, so nothing here does arithmetic on scores.

pub mod marks;
pub mod rule;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::activity::Activity;

/// How experts judge the nominations of one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ScoringMode {
    /// Points per rubric criterion, within bounds and on a step.
    Criteria,
    /// 同意 / 不同意 / 弃权.
    Vote,
    /// A grade from the category's own list (`GradeList`): 优秀 / 良好 / 合格 / 不合格 unless
    /// the clerk set another.
    Grade,
}

impl ScoringMode {
    pub fn code(self) -> &'static str {
        match self {
            ScoringMode::Criteria => "criteria",
            ScoringMode::Vote => "vote",
            ScoringMode::Grade => "grade",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "criteria" => Some(ScoringMode::Criteria),
            "vote" => Some(ScoringMode::Vote),
            "grade" => Some(ScoringMode::Grade),
            _ => None,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ScoringMode::Criteria => "分项打分",
            ScoringMode::Vote => "投票",
            ScoringMode::Grade => "等次评定",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Criterion {
    /// Stable key within the category (`c1`, `c2`, …): survives renaming the criterion.
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub max_points: f64,
    pub step: f64,
    /// What the expert should look for (评分要点).
    pub guidance_zh: String,
    /// True for wordings we have no authoritative source for (六个过硬): the UI says so.
    /// Cleared once the clerk names the criterion (`rubric`).
    pub placeholder: bool,
    /// Guidance per score band (优 18–20, 良 15–17.5 …), shown beside the expert's input
    /// and printed on the score sheet. Left out of a package when empty, so packages
    /// without bands are byte-identical to those written before bands existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<ScoreBand>>", optional))]
    pub bands: Vec<ScoreBand>,
    /// How many times its points count in a total (权重): Σ weight × points. 1 unless the
    /// clerk sets another (0 < weight ≤ 10); left out of a package when 1, so packages
    /// without weights are byte-identical to those written before weights existed.
    #[serde(default = "unit_weight", skip_serializing_if = "is_unit_weight")]
    #[cfg_attr(feature = "ts", ts(as = "Option<f64>", optional))]
    pub weight: f64,
}

fn unit_weight() -> f64 {
    1.0
}

fn is_unit_weight(weight: &f64) -> bool {
    *weight == 1.0
}

/// One score band of a criterion: `from` to `to` points, both included, within
/// 0..=max and on the criterion's step; a criterion's bands never overlap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScoreBand {
    /// What the band is called, e.g. 优.
    pub label: String,
    pub from: f64,
    pub to: f64,
}

/// One grade of a grade category's list (等级表): what the expert picks and the results
/// name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GradeLevel {
    /// What bundles, packages and paper entries carry (`excellent`, `a`): stays when the
    /// grade is renamed, so marks already given keep their meaning.
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    /// A nomination whose combined grade does not pass is never in, whatever the quota.
    pub passes: bool,
}

/// A grade category's grades, best first. The position on the list is what grades
/// combine by: with `n` grades the best is worth `n − 1` points and the worst 0
/// (`points`). A category that has never had its own list has the default one,
/// 优秀/良好/合格/不合格 with the keys bundles carried before lists existed, of which
/// 不合格 alone does not pass. A newtype, so serde reads and writes it as the bare list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GradeList(pub Vec<GradeLevel>);

impl Default for GradeList {
    fn default() -> Self {
        let level = |key: &str, name_zh: &str, name_en: &str, passes| GradeLevel {
            key: key.into(),
            name_zh: name_zh.into(),
            name_en: name_en.into(),
            passes,
        };
        GradeList(vec![
            level("excellent", "优秀", "Excellent", true),
            level("good", "良好", "Good", true),
            level("pass", "合格", "Pass", true),
            level("fail", "不合格", "Fail", false),
        ])
    }
}

impl GradeList {
    pub fn is_default(&self) -> bool {
        *self == GradeList::default()
    }

    pub fn levels(&self) -> &[GradeLevel] {
        &self.0
    }

    /// Where `key` stands on the list, 0 for the best.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.0.iter().position(|g| g.key == key)
    }

    pub fn level(&self, key: &str) -> Option<&GradeLevel> {
        self.0.iter().find(|g| g.key == key)
    }

    /// What a grade at `position` is worth when grades are combined and ranked: the
    /// worst grade 0, each better one 1 more.
    pub fn points_at(&self, position: usize) -> f64 {
        self.0.len().saturating_sub(position + 1) as f64
    }

    /// The grade's Chinese name, or its key when the list does not hold it (marks are
    /// checked against the list before they are stored, so only a damaged file shows it).
    pub fn name_zh<'a>(&'a self, key: &'a str) -> &'a str {
        self.level(key).map_or(key, |g| g.name_zh.as_str())
    }

    /// The grade a person typed: its key, Chinese or English name, ignoring case and
    /// surrounding spaces (the editor keeps these apart across a list).
    pub fn find_typed(&self, text: &str) -> Option<&GradeLevel> {
        let typed = text.trim().to_lowercase();
        if typed.is_empty() {
            return None;
        }
        self.0.iter().find(|g| {
            [&g.key, &g.name_zh, &g.name_en]
                .iter()
                .any(|word| !word.is_empty() && word.to_lowercase() == typed)
        })
    }

    /// `优秀、良好、合格、不合格`: the names in order, as a printed instruction lists them.
    pub fn names_zh(&self) -> Vec<&str> {
        self.0.iter().map(|g| g.name_zh.as_str()).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rubric {
    pub criteria: Vec<Criterion>,
}

impl Rubric {
    pub fn max_total(&self) -> f64 {
        self.criteria.iter().map(|c| c.weight * c.max_points).sum()
    }

    pub fn has_placeholders(&self) -> bool {
        self.criteria.iter().any(|c| c.placeholder)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Category {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    /// How many awards; `quota_approximate` marks the "左右" quotas of the case awards.
    pub quota: u32,
    pub quota_approximate: bool,
    /// How many nominations one university may send in this category; `None`: no limit.
    pub allowance: Option<u32>,
    pub scoring_mode: ScoringMode,
    pub rubric: Rubric,
    /// Grade mode: the grades the experts choose from, best first. Left out of a package
    /// when it is the default list, so such packages are byte-identical to those written
    /// before categories had lists of their own; a missing list is the default.
    #[serde(default, skip_serializing_if = "GradeList::is_default")]
    #[cfg_attr(feature = "ts", ts(as = "Option<GradeList>", optional))]
    pub grades: GradeList,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Expert {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub name: String,
    /// Nominations from this institution are recused automatically.
    pub institution: String,
    /// 职称, e.g. 教授.
    pub title: String,
}

/// One cell of a nomination as the university filled it in, after normalisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldValue {
    // Template fields borrow their key and labels from the template: an import of
    // 20,000 rows would otherwise allocate and free a million copies of them.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub key: Cow<'static, str>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub label_zh: Cow<'static, str>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub label_en: Cow<'static, str>,
    pub value: String,
    /// ID and phone numbers: masked wherever shown unless the clerk asks for them.
    pub personal: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Nomination {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub category_key: String,
    /// 推荐单位.
    pub university: String,
    /// The person, unit or case the nomination is about, as a list would print it.
    pub display_name: String,
    /// Fields the activity defines, in template order.
    pub fields: Vec<FieldValue>,
    /// Columns the template does not know: kept so experts can still see them.
    pub extra_fields: Vec<FieldValue>,
    /// File names of the attached materials (材料).
    pub materials: Vec<String>,
}

impl Nomination {
    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.value.as_str())
    }
}

/// A whole review as stored in one review file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Review {
    pub id: String,
    pub activity: Activity,
    pub activity_name_zh: String,
    pub activity_name_en: String,
    pub year: i32,
    pub title_zh: String,
    pub title_en: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub categories: Vec<Category>,
    /// Each category's aggregation rule in force, by category key.
    pub rules: std::collections::BTreeMap<String, rule::CategoryRule>,
    pub experts: Vec<Expert>,
    pub nominations: Vec<Nomination>,
}

/// A review as the clerk's window holds it: everything but the nominations, which a
/// province has by the thousand and the window reads a page at a time
/// ([`NominationPage`]), and how many each category holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReviewOutline {
    pub id: String,
    pub activity: Activity,
    pub activity_name_zh: String,
    pub activity_name_en: String,
    pub year: i32,
    pub title_zh: String,
    pub title_en: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub categories: Vec<Category>,
    pub rules: std::collections::BTreeMap<String, rule::CategoryRule>,
    pub experts: Vec<Expert>,
    /// Nominations per category key; a category with none is absent.
    pub nomination_counts: std::collections::BTreeMap<String, u32>,
    pub n_nominations: u32,
}

impl ReviewOutline {
    /// The whole review: this outline with its nominations.
    pub fn with_nominations(self, nominations: Vec<Nomination>) -> Review {
        Review {
            id: self.id,
            activity: self.activity,
            activity_name_zh: self.activity_name_zh,
            activity_name_en: self.activity_name_en,
            year: self.year,
            title_zh: self.title_zh,
            title_en: self.title_en,
            created_at: self.created_at,
            categories: self.categories,
            rules: self.rules,
            experts: self.experts,
            nominations,
        }
    }
}

/// Which nominations the clerk's list shows: one category or all, and words that must
/// all appear in what the list shows of a nomination (masked, width-folded, any case).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NominationQuery {
    /// A category key; `None` or empty for every category.
    #[cfg_attr(feature = "ts", ts(optional))]
    pub category_key: Option<String>,
    #[serde(default)]
    pub text: String,
}

/// One page of the clerk's nominations list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NominationPage {
    /// How many nominations match the query, on every page.
    pub matched: u32,
    /// How many the review holds.
    pub total: u32,
    pub offset: u32,
    pub rows: Vec<ListedNomination>,
}

/// A nomination in the list, personal data masked, with its place in the review's own
/// order (1 = first), which a filter does not change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ListedNomination {
    pub position: u32,
    pub nomination: Nomination,
}

/// What a list of reviews shows, without loading every nomination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReviewSummary {
    pub id: String,
    pub path: String,
    pub activity: Activity,
    pub activity_name_zh: String,
    pub activity_name_en: String,
    pub year: i32,
    pub title_zh: String,
    pub title_en: String,
    pub created_at: String,
    pub n_categories: u32,
    pub n_experts: u32,
    pub n_nominations: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditEntry {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}
