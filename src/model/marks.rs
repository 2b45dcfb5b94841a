//! The scoring rules an expert's entries are held to: bounds and steps of criterion
//! points, the choices of a vote or a grade, recusal, and what "complete" means.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Category, Criterion, ScoringMode};

/// Why an expert may not score a nomination (申报回避).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RecusalReason {
    /// 亲属
    Relative,
    /// 师生
    TeacherStudent,
    /// 同单位: also what automatic recusal records.
    SameInstitution,
    /// 其他
    Other,
}

impl RecusalReason {
    pub fn name_zh(self) -> &'static str {
        match self {
            RecusalReason::Relative => "亲属",
            RecusalReason::TeacherStudent => "师生",
            RecusalReason::SameInstitution => "同单位",
            RecusalReason::Other => "其他",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Recusal {
    pub reason: RecusalReason,
    pub note: String,
    /// Made by PanelDesk (the nomination is from the expert's own institution).
    pub automatic: bool,
}

/// 同意 / 不同意 / 弃权
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Vote {
    Agree,
    Disagree,
    Abstain,
}

/// A grade an expert gave: the key of a grade on its category's list (`GradeList`), such
/// as `excellent`. Any string reads; whether the list holds it is checked against the
/// package (`package::items`), so a key off the list is refused by name, not as
/// malformed JSON. A newtype, so serde reads and writes it as the bare string.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Grade(pub String);

impl Grade {
    pub fn key(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Grade {
    fn from(key: &str) -> Self {
        Grade(key.to_string())
    }
}

/// The sum of the points an expert has entered for one nomination, as the scoring grid
/// shows it beside the row. Informational: results are computed by the clerk's merge.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EnteredTotal {
    pub total: f64,
    pub max: f64,
    /// Some criterion has points.
    pub entered: bool,
    /// Every criterion has points.
    pub complete: bool,
}

/// One expert's entries for one nomination.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScoreItem {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nomination_id: i64,
    pub recusal: Option<Recusal>,
    /// Points by criterion key.
    pub criteria: BTreeMap<String, f64>,
    pub vote: Option<Vote>,
    pub grade: Option<Grade>,
    pub comment: String,
    /// For criteria-scored categories: what the grid shows as the row's total.
    #[serde(default)]
    pub entered: Option<EnteredTotal>,
}

/// What still has to be entered before an item is complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Missing {
    Criterion { key: String },
    Vote,
    Grade,
    Comment { min_chars: u32 },
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleError {
    #[error("{criterion}: {points} is outside 0–{max}")]
    OutOfRange {
        criterion: String,
        points: f64,
        max: f64,
    },
    #[error("{criterion}: {points} is not a multiple of {step}")]
    OffStep {
        criterion: String,
        points: f64,
        step: f64,
    },
    #[error("unknown criterion {key}")]
    UnknownCriterion { key: String },
    #[error("this category is scored by {mode:?}")]
    WrongMode { mode: ScoringMode },
    #[error("grade {grade} is not on the category's grade list ({})", .keys.join(", "))]
    UnknownGrade {
        grade: String,
        keys: Vec<String>,
        names_zh: Vec<String>,
    },
    #[error("nomination {id} is not in this package")]
    UnknownNomination { id: i64 },
    #[error("nomination {id} is recused")]
    RecusedNomination { id: i64 },
    #[error("automatic recusal cannot be withdrawn")]
    AutomaticRecusal,
    #[error("scores are submitted and locked")]
    Locked,
    #[error("not enrolled")]
    NotEnrolled,
    #[error("already enrolled as {name}")]
    AlreadyEnrolled { name: String },
    #[error("expert {name} is not on the roster")]
    UnknownExpert { name: String },
    #[error("{count} items incomplete")]
    Incomplete { count: usize },
    #[error("nothing changed since the last submission")]
    NothingToSubmit,
}

impl From<RuleError> for crate::Error {
    fn from(e: RuleError) -> Self {
        crate::Error::Rule(crate::error::Reason {
            code: e.code(),
            zh: e.message_zh(),
            en: e.message_en(),
        })
    }
}

impl RuleError {
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::OutOfRange { .. } => "points_out_of_range",
            RuleError::OffStep { .. } => "points_off_step",
            RuleError::UnknownCriterion { .. } => "unknown_criterion",
            RuleError::WrongMode { .. } => "wrong_scoring_mode",
            RuleError::UnknownGrade { .. } => "unknown_grade",
            RuleError::UnknownNomination { .. } => "unknown_nomination",
            RuleError::RecusedNomination { .. } => "recused_nomination",
            RuleError::AutomaticRecusal => "automatic_recusal",
            RuleError::Locked => "scores_locked",
            RuleError::NotEnrolled => "not_enrolled",
            RuleError::AlreadyEnrolled { .. } => "already_enrolled",
            RuleError::UnknownExpert { .. } => "unknown_expert",
            RuleError::Incomplete { .. } => "incomplete",
            RuleError::NothingToSubmit => "nothing_to_submit",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            RuleError::OutOfRange {
                criterion,
                points,
                max,
            } => format!("“{criterion}”的分值 {points} 超出范围（0–{max}）"),
            RuleError::OffStep {
                criterion,
                points,
                step,
            } => format!("“{criterion}”的分值 {points} 须为 {step} 的整数倍"),
            RuleError::UnknownCriterion { key } => format!("没有评分指标“{key}”"),
            RuleError::WrongMode { mode } => format!("该类别的评分方式是{}", mode_zh(*mode)),
            RuleError::UnknownGrade {
                grade, names_zh, ..
            } => format!(
                "等级“{grade}”不在该类别的等级表中（{}）",
                names_zh.join("、")
            ),
            RuleError::UnknownNomination { id } => format!("评审包中没有编号为 {id} 的推荐对象"),
            RuleError::RecusedNomination { id } => {
                format!("您已对推荐对象 {id} 回避，不能评分")
            }
            RuleError::AutomaticRecusal => "本单位推荐的对象须自动回避，不能撤销".to_string(),
            RuleError::Locked => "评分已提交并锁定；如需更正，请先选择“更正评分”".to_string(),
            RuleError::NotEnrolled => "尚未登记：请先在专家名单中选择本人并设置口令".to_string(),
            RuleError::AlreadyEnrolled { name } => format!("本机已登记为专家“{name}”"),
            RuleError::UnknownExpert { name } => format!("专家名单中没有“{name}”"),
            RuleError::Incomplete { count } => {
                format!("还有 {count} 项评分未完成，请补全后再提交")
            }
            RuleError::NothingToSubmit => "自上次提交以来评分没有变化".to_string(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            RuleError::WrongMode { mode } => {
                format!("This category is scored by {}", mode_en(*mode))
            }
            RuleError::Locked => {
                "Scores are submitted and locked; choose \"Correct scores\" first".to_string()
            }
            RuleError::NotEnrolled => {
                "Not enrolled: pick your name from the roster and set a passphrase first"
                    .to_string()
            }
            RuleError::Incomplete { count } => {
                format!("{count} items are still incomplete; finish them before submitting")
            }
            other => {
                let text = other.to_string();
                let mut chars = text.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            }
        }
    }
}

fn mode_zh(mode: ScoringMode) -> &'static str {
    match mode {
        ScoringMode::Criteria => "按指标打分",
        ScoringMode::Vote => "投票",
        ScoringMode::Grade => "评定等级",
    }
}

fn mode_en(mode: ScoringMode) -> &'static str {
    match mode {
        ScoringMode::Criteria => "criterion points",
        ScoringMode::Vote => "vote",
        ScoringMode::Grade => "grade",
    }
}

/// Points must be finite, within 0..=max, and a whole number of steps.
pub fn check_points(criterion: &Criterion, points: f64) -> Result<(), RuleError> {
    if !points.is_finite() || points < 0.0 || points > criterion.max_points {
        return Err(RuleError::OutOfRange {
            criterion: criterion.name_zh.clone(),
            points,
            max: criterion.max_points,
        });
    }
    if criterion.step > 0.0 {
        let steps = points / criterion.step;
        if (steps - steps.round()).abs() > 1e-9 {
            return Err(RuleError::OffStep {
                criterion: criterion.name_zh.clone(),
                points,
                step: criterion.step,
            });
        }
    }
    Ok(())
}

/// A grade must be on its category's list: a key from another list (or none) would
/// count for nothing, or for a grade nobody meant.
pub fn check_grade(category: &Category, grade: &Grade) -> Result<(), RuleError> {
    if category.grades.level(grade.key()).is_some() {
        return Ok(());
    }
    let levels = category.grades.levels();
    Err(RuleError::UnknownGrade {
        grade: grade.key().to_string(),
        keys: levels.iter().map(|g| g.key.clone()).collect(),
        names_zh: levels.iter().map(|g| g.name_zh.clone()).collect(),
    })
}

/// What `item` still lacks; empty when it is complete. A recused item is complete.
pub fn missing(item: &ScoreItem, category: &Category, min_comment_chars: u32) -> Vec<Missing> {
    if item.recusal.is_some() {
        return vec![];
    }
    let mut out = Vec::new();
    match category.scoring_mode {
        ScoringMode::Criteria => {
            for c in &category.rubric.criteria {
                if !item.criteria.contains_key(&c.key) {
                    out.push(Missing::Criterion { key: c.key.clone() });
                }
            }
        }
        ScoringMode::Vote if item.vote.is_none() => out.push(Missing::Vote),
        ScoringMode::Grade if item.grade.is_none() => out.push(Missing::Grade),
        _ => {}
    }
    if (item.comment.trim().chars().count() as u32) < min_comment_chars {
        out.push(Missing::Comment {
            min_chars: min_comment_chars,
        });
    }
    out
}

/// The points entered so far, their sum and the rubric's maximum; sums are rounded to
/// three decimals so steps such as 0.1 add up to what a person would write.
pub fn entered_total(item: &ScoreItem, category: &Category) -> EnteredTotal {
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    let mut t = EnteredTotal {
        complete: true,
        ..EnteredTotal::default()
    };
    for c in &category.rubric.criteria {
        t.max += c.weight * c.max_points;
        match item.criteria.get(&c.key) {
            Some(p) => {
                t.total += c.weight * p;
                t.entered = true;
            }
            None => t.complete = false,
        }
    }
    t.total = round(t.total);
    t.max = round(t.max);
    t
}

/// The item's total points, when every criterion is scored.
pub fn total(item: &ScoreItem, category: &Category) -> Option<f64> {
    category
        .rubric
        .criteria
        .iter()
        .map(|c| item.criteria.get(&c.key).map(|p| c.weight * p))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rubric;

    fn criterion(max: f64, step: f64) -> Criterion {
        Criterion {
            key: "k1".into(),
            name_zh: "政治过硬".into(),
            name_en: "Politics".into(),
            max_points: max,
            step,
            guidance_zh: String::new(),
            placeholder: false,
            bands: Vec::new(),
            weight: 1.0,
        }
    }

    fn category(mode: ScoringMode) -> Category {
        Category {
            key: "c".into(),
            name_zh: "类".into(),
            name_en: "C".into(),
            quota: 1,
            quota_approximate: false,
            allowance: None,
            scoring_mode: mode,
            grades: crate::model::GradeList::default(),
            rubric: Rubric {
                criteria: vec![criterion(15.0, 0.5), {
                    let mut c = criterion(10.0, 1.0);
                    c.key = "k2".into();
                    c
                }],
            },
        }
    }

    #[test]
    fn points_are_held_to_bounds_and_steps() {
        let c = criterion(15.0, 0.5);
        assert!(check_points(&c, 0.0).is_ok());
        assert!(check_points(&c, 15.0).is_ok());
        assert!(check_points(&c, 7.5).is_ok());
        assert_eq!(check_points(&c, 7.3).unwrap_err().code(), "points_off_step");
        assert_eq!(
            check_points(&c, 15.5).unwrap_err().code(),
            "points_out_of_range"
        );
        assert_eq!(
            check_points(&c, -0.5).unwrap_err().code(),
            "points_out_of_range"
        );
        assert!(check_points(&c, f64::NAN).is_err());
        assert!(
            check_points(&criterion(10.0, 0.1), 0.3).is_ok(),
            "float steps"
        );
    }

    #[test]
    fn completeness_follows_the_scoring_mode_and_the_comment_rule() {
        let cat = category(ScoringMode::Criteria);
        let mut item = ScoreItem::default();
        assert_eq!(missing(&item, &cat, 0).len(), 2);
        item.criteria.insert("k1".into(), 10.0);
        item.criteria.insert("k2".into(), 8.0);
        assert!(missing(&item, &cat, 0).is_empty());
        assert_eq!(total(&item, &cat), Some(18.0));
        assert_eq!(
            missing(&item, &cat, 10),
            [Missing::Comment { min_chars: 10 }]
        );
        let vote = category(ScoringMode::Vote);
        assert_eq!(missing(&ScoreItem::default(), &vote, 0), [Missing::Vote]);
        let recused = ScoreItem {
            recusal: Some(Recusal {
                reason: RecusalReason::Relative,
                note: String::new(),
                automatic: false,
            }),
            ..ScoreItem::default()
        };
        assert!(missing(&recused, &cat, 10).is_empty());
    }

    #[test]
    fn a_grade_is_held_to_its_categorys_own_list_and_worth_its_place_on_it() {
        let mut cat = category(ScoringMode::Grade);
        assert!(
            check_grade(&cat, &Grade::from("fail")).is_ok(),
            "the default list"
        );
        let level = |key: &str, name_zh: &str, name_en: &str, passes| crate::model::GradeLevel {
            key: key.into(),
            name_zh: name_zh.into(),
            name_en: name_en.into(),
            passes,
        };
        cat.grades = crate::model::GradeList(vec![
            level("A", "优秀", "Excellent", true),
            level("B", "合格", "Pass", true),
            level("C", "不合格", "Fail", false),
        ]);
        assert!(check_grade(&cat, &Grade::from("B")).is_ok());
        let off = check_grade(&cat, &Grade::from("fail")).unwrap_err();
        assert_eq!(off.code(), "unknown_grade");
        assert!(
            off.message_zh().contains("优秀、合格、不合格"),
            "{}",
            off.message_zh()
        );
        assert_eq!(
            off.message_en(),
            "Grade fail is not on the category's grade list (A, B, C)"
        );
        // A key is a key: another case or a name is not one.
        assert!(check_grade(&cat, &Grade::from("b")).is_err());
        assert!(check_grade(&cat, &Grade::from("合格")).is_err());
        // Best n − 1 points, the worst 0.
        let points: Vec<f64> = (0..3).map(|i| cat.grades.points_at(i)).collect();
        assert_eq!(points, [2.0, 1.0, 0.0]);
        assert_eq!(crate::model::GradeList::default().points_at(0), 3.0);
        // What a person types: a key or either name, case and spaces aside.
        let typed = |t: &str| cat.grades.find_typed(t).map(|g| g.key.as_str());
        assert_eq!(typed(" 不合格 "), Some("C"));
        assert_eq!(typed("pass"), Some("B"));
        assert_eq!(typed("a"), Some("A"));
        assert_eq!(typed("良好"), None);
        assert_eq!(typed(""), None);
    }
}
