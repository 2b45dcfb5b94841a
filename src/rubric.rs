//! The clerk's rubric: each category's criteria (names, maximum, step, 评分要点, guidance
//! per score band) and its scoring mode, edited before the panel package goes out, and the
//! rubric file an office keeps to reuse next year (docs/formats.md).
//!
//! Experts score against the rubric their package carries, and the clerk checks every
//! returned bundle against that package's own manifest (`merge::collect`), so an edit here
//! never changes what a received bundle means. It does make the packages already sent
//! wrong: a category in a package that went out is locked, and an edit the clerk confirms
//! anyway (`unlock`) marks those packages stale — their bundles no longer count
//! (`package::panels::current`) until a new package is built and scored.

use std::path::Path;

use rusqlite::{Connection, Transaction};
use serde::{Deserialize, Serialize};

use crate::audit;
use crate::error::{Error, Result};
use crate::merge::aggregate::VoteThreshold;
use crate::merge::rank::TieBreaker;
use crate::merge::results::ResultOptions;
use crate::model::{Category, Criterion, GradeLevel, GradeList, ScoreBand, ScoringMode};
use crate::package::{self, PanelPackage};
use crate::store::category_rules::{self, CategoryRule};
use crate::store::{self, review_rows};

const KEY_MAX: usize = 32;
const NAME_MAX: usize = 60;
const NAME_EN_MAX: usize = 120;
const GUIDANCE_MAX: usize = 2000;
const LABEL_MAX: usize = 20;
const CRITERIA_MAX: usize = 30;
const BANDS_MAX: usize = 10;
const GRADES_MIN: usize = 2;
const GRADES_MAX: usize = 9;
const GRADE_NAME_MAX: usize = 20;
const GRADE_NAME_EN_MAX: usize = 40;
const POINTS_MAX: f64 = 1000.0;
const WEIGHT_MAX: f64 = 10.0;

/// A criterion as the clerk types it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewCriterion {
    /// `None`: the next free `c<n>`.
    pub key: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    pub max_points: f64,
    pub step: f64,
    pub guidance_zh: String,
    pub bands: Vec<ScoreBand>,
    /// Where it goes, from 1; `None`: at the end.
    pub position: Option<u32>,
    /// 权重; `None`: 1.
    #[serde(default)]
    pub weight: Option<f64>,
}

/// What changes in a criterion; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CriterionEdit {
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub max_points: Option<f64>,
    pub step: Option<f64>,
    pub guidance_zh: Option<String>,
    pub bands: Option<Vec<ScoreBand>>,
    #[serde(default)]
    pub weight: Option<f64>,
}

/// One edit of a category's rubric or scoring mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RubricChange {
    Add {
        criterion: NewCriterion,
    },
    Edit {
        key: String,
        edit: CriterionEdit,
    },
    Remove {
        key: String,
    },
    /// To position `to`, from 1.
    Move {
        key: String,
        to: u32,
    },
    /// The scoring mode; for a vote, optionally its threshold (kept in the category's
    /// aggregation rule, `store::category_rules`).
    Mode {
        mode: ScoringMode,
        vote_threshold: Option<VoteThreshold>,
    },
    /// A grade category's whole grade list, best first: added, renamed, reordered,
    /// passing set or removed grades all arrive as the list they make, checked whole.
    Grades {
        grades: GradeList,
    },
}

impl RubricChange {
    fn action(&self) -> &'static str {
        match self {
            RubricChange::Add { .. } => "rubric.criterion_added",
            RubricChange::Edit { .. } => "rubric.criterion_changed",
            RubricChange::Remove { .. } => "rubric.criterion_removed",
            RubricChange::Move { .. } => "rubric.criterion_moved",
            RubricChange::Mode { .. } => "category.mode_set",
            RubricChange::Grades { .. } => "rubric.grades_set",
        }
    }
}

/// A package that went out with a category, and so locks its rubric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SentPackage {
    pub hash: String,
    pub built_at: String,
    /// The panel's name; empty for a package of the whole review.
    pub panel: String,
}

/// A category's rubric as the clerk edits it: locked while `sent` is not empty.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CategoryRubric {
    pub category: Category,
    /// The threshold a vote is held to (the category's rule in force).
    pub vote_threshold: VoteThreshold,
    /// The grade list in full, the default one too (which `category` leaves out, as a
    /// package does): what the editor shows for a grade category.
    pub grades: GradeList,
    pub sent: Vec<SentPackage>,
}

fn bad(zh: String, en: String) -> Error {
    Error::BadInput { zh, en }
}

fn find(categories: Vec<Category>, key: &str) -> Result<Category> {
    categories
        .into_iter()
        .find(|c| c.key == key)
        .ok_or_else(|| Error::UnknownCategory {
            key: key.to_string(),
        })
}

/// The packages not yet stale, each parsed once, oldest first.
fn packages_out(conn: &Connection) -> Result<Vec<(SentPackage, PanelPackage)>> {
    let rows: Vec<(String, String, Vec<u8>)> = conn
        .prepare("SELECT hash, built_at, manifest FROM panel_package WHERE stale_at IS NULL ORDER BY rowid")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(hash, built_at, bytes)| {
            let manifest: PanelPackage = package::parse_manifest(
                Path::new(&hash),
                &bytes,
                package::FORMAT,
                package::VERSION,
            )?;
            let sent = SentPackage {
                hash,
                built_at,
                panel: manifest.panel.name.clone(),
            };
            Ok((sent, manifest))
        })
        .collect()
}

fn sent_with(out: &[(SentPackage, PanelPackage)], category_key: &str) -> Vec<SentPackage> {
    out.iter()
        .filter(|(_, p)| p.category(category_key).is_some())
        .map(|(s, _)| s.clone())
        .collect()
}

fn vote_thresholds(conn: &Connection) -> Result<std::collections::BTreeMap<String, CategoryRule>> {
    category_rules::in_force(conn, &ResultOptions::default())
}

fn status_on(conn: &Connection) -> Result<Vec<CategoryRubric>> {
    let out = packages_out(conn)?;
    let rules = vote_thresholds(conn)?;
    review_rows::read_categories(conn)?
        .into_iter()
        .map(|category| {
            let vote_threshold = rules
                .get(&category.key)
                .map_or(ResultOptions::default().vote_threshold, |r| {
                    r.vote_threshold
                });
            Ok(CategoryRubric {
                sent: sent_with(&out, &category.key),
                vote_threshold,
                grades: category.grades.clone(),
                category,
            })
        })
        .collect()
}

/// Every category's rubric, mode and lock.
pub fn status(path: &Path) -> Result<Vec<CategoryRubric>> {
    status_on(&store::open(path)?)
}

fn next_key(criteria: &[Criterion]) -> String {
    (1..)
        .map(|n| format!("c{n}"))
        .find(|k| !criteria.iter().any(|c| &c.key == k))
        .unwrap_or_default()
}

fn position(to: u32, len: usize, what_zh: &str, what_en: &str) -> Result<usize> {
    if to == 0 || to as usize > len {
        return Err(bad(
            format!("{what_zh}应在 1 到 {len} 之间：{to}"),
            format!("the {what_en} must be 1 to {len}: {to}"),
        ));
    }
    Ok(to as usize - 1)
}

fn index_of(category: &Category, key: &str) -> Result<usize> {
    category
        .rubric
        .criteria
        .iter()
        .position(|c| c.key == key)
        .ok_or_else(|| {
            bad(
                format!("“{}”没有评分指标“{key}”", category.name_zh),
                format!("{} has no criterion {key}", category.name_en),
            )
        })
}

fn tidy_bands(bands: &[ScoreBand]) -> Vec<ScoreBand> {
    bands
        .iter()
        .map(|b| ScoreBand {
            label: b.label.trim().to_string(),
            from: b.from,
            to: b.to,
        })
        .collect()
}

fn not_graded(category: &Category) -> Error {
    bad(
        format!(
            "等级表只用于评定等级的类别；“{}”为{}",
            category.name_zh,
            category.scoring_mode.name_zh()
        ),
        format!(
            "a grade list applies to graded categories only; {} is scored by {}",
            category.name_en,
            category.scoring_mode.code()
        ),
    )
}

fn tidy_grades(grades: &GradeList) -> GradeList {
    GradeList(
        grades
            .levels()
            .iter()
            .map(|g| GradeLevel {
                key: g.key.trim().to_string(),
                name_zh: g.name_zh.trim().to_string(),
                name_en: g.name_en.trim().to_string(),
                passes: g.passes,
            })
            .collect(),
    )
}

/// Applies `change` to `category`; returns the rule to store when the change sets a
/// vote threshold.
fn change_in_place(
    category: &mut Category,
    change: &RubricChange,
    rule_in_force: &CategoryRule,
) -> Result<Option<CategoryRule>> {
    let criteria = &mut category.rubric.criteria;
    match change {
        RubricChange::Add { criterion: new } => {
            let key = match &new.key {
                Some(k) if !k.trim().is_empty() => k.trim().to_string(),
                _ => next_key(criteria),
            };
            let at = match new.position {
                Some(p) => position(p, criteria.len() + 1, "位置", "position")?,
                None => criteria.len(),
            };
            criteria.insert(
                at,
                Criterion {
                    key,
                    name_zh: new.name_zh.trim().to_string(),
                    name_en: new.name_en.trim().to_string(),
                    max_points: new.max_points,
                    step: new.step,
                    guidance_zh: new.guidance_zh.trim().to_string(),
                    placeholder: false,
                    bands: tidy_bands(&new.bands),
                    weight: new.weight.unwrap_or(1.0),
                },
            );
        }
        RubricChange::Edit { key, edit } => {
            let i = index_of(category, key)?;
            let k = &mut category.rubric.criteria[i];
            if let Some(name) = &edit.name_zh {
                let name = name.trim();
                // Naming a placeholder (过硬一（待填写）) is what fills it in.
                if name != k.name_zh {
                    k.placeholder = false;
                }
                k.name_zh = name.to_string();
            }
            if let Some(name) = &edit.name_en {
                k.name_en = name.trim().to_string();
            }
            if let Some(max) = edit.max_points {
                k.max_points = max;
            }
            if let Some(step) = edit.step {
                k.step = step;
            }
            if let Some(guidance) = &edit.guidance_zh {
                k.guidance_zh = guidance.trim().to_string();
            }
            if let Some(bands) = &edit.bands {
                k.bands = tidy_bands(bands);
            }
            if let Some(weight) = edit.weight {
                k.weight = weight;
            }
        }
        RubricChange::Remove { key } => {
            let i = index_of(category, key)?;
            category.rubric.criteria.remove(i);
        }
        RubricChange::Move { key, to } => {
            let i = index_of(category, key)?;
            let len = category.rubric.criteria.len();
            let to = position(*to, len, "位置", "position")?;
            let k = category.rubric.criteria.remove(i);
            category.rubric.criteria.insert(to, k);
        }
        RubricChange::Grades { grades } => {
            if category.scoring_mode != ScoringMode::Grade {
                return Err(not_graded(category));
            }
            category.grades = tidy_grades(grades);
        }
        RubricChange::Mode {
            mode,
            vote_threshold,
        } => {
            category.scoring_mode = *mode;
            // The list belongs to grade mode: leaving it starts the next one afresh.
            if *mode != ScoringMode::Grade {
                category.grades = GradeList::default();
            }
            if let Some(threshold) = vote_threshold {
                if *mode != ScoringMode::Vote {
                    return Err(bad(
                        format!(
                            "表决通过线只用于表决类别；“{}”将{}",
                            category.name_zh,
                            mode.name_zh()
                        ),
                        format!(
                            "a vote threshold applies to vote categories only; {} is to be scored by {}",
                            category.name_en,
                            mode.code()
                        ),
                    ));
                }
                if *threshold != rule_in_force.vote_threshold {
                    return Ok(Some(CategoryRule {
                        vote_threshold: *threshold,
                        ..rule_in_force.clone()
                    }));
                }
            }
        }
    }
    Ok(None)
}

fn on_step(points: f64, step: f64) -> bool {
    let steps = points / step;
    (steps - steps.round()).abs() <= 1e-9
}

fn check_text(value: &str, max: usize, what_zh: &str, what_en: &str, lines: bool) -> Result<()> {
    if value.chars().count() > max {
        return Err(bad(
            format!("{what_zh}过长（最多 {max} 个字）"),
            format!("the {what_en} is longer than {max} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !(lines && (c == '\n' || c == '\t')))
    {
        return Err(bad(
            format!("{what_zh}含有控制字符"),
            format!("the {what_en} contains control characters"),
        ));
    }
    Ok(())
}

/// The rules one criterion is held to; messages name it. Checked in the order a clerk
/// fills the criterion in, so the first message is about the first thing to fix.
pub fn check_criterion(k: &Criterion) -> Result<()> {
    check_criterion_key(&k.key)?;
    check_criterion_words(k)?;
    check_points_and_weight(k)?;
    check_bands(k)
}

/// Keys go into file names, CSV columns and package manifests, so they stay plain
/// lower-case ASCII.
fn check_criterion_key(key: &str) -> Result<()> {
    let key_ok = !key.is_empty()
        && key.len() <= KEY_MAX
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !key_ok {
        return Err(bad(
            format!(
                "评分指标代码应以小写字母开头，只含小写字母、数字和下划线，最多 {KEY_MAX} 个字符：{key}"
            ),
            format!(
                "a criterion key starts with a lower-case letter and has only lower-case letters, digits and _, at most {KEY_MAX}: {key}"
            ),
        ));
    }
    Ok(())
}

/// The names and guidance the experts read on their score sheet.
fn check_criterion_words(k: &Criterion) -> Result<()> {
    if k.name_zh.is_empty() {
        return Err(bad(
            format!("评分指标 {} 的名称不能为空", k.key),
            format!("criterion {} has no name", k.key),
        ));
    }
    let name = &k.name_zh;
    check_text(
        &k.name_zh,
        NAME_MAX,
        &format!("“{name}”的名称"),
        "criterion name",
        false,
    )?;
    check_text(
        &k.name_en,
        NAME_EN_MAX,
        &format!("“{name}”的英文名称"),
        "criterion's English name",
        false,
    )?;
    check_text(
        &k.guidance_zh,
        GUIDANCE_MAX,
        &format!("“{name}”的评分要点"),
        "guidance",
        true,
    )?;
    Ok(())
}

/// The maximum, step and weight every mark is held to: a maximum off its step could never
/// be given in full, and a weight of 0 would make the criterion count for nothing.
fn check_points_and_weight(k: &Criterion) -> Result<()> {
    let name = &k.name_zh;
    if !(k.max_points.is_finite() && k.max_points > 0.0 && k.max_points <= POINTS_MAX) {
        return Err(bad(
            format!(
                "“{name}”的满分应大于 0、不超过 {POINTS_MAX}：{}",
                k.max_points
            ),
            format!(
                "the maximum of {name} must be above 0 and at most {POINTS_MAX}: {}",
                k.max_points
            ),
        ));
    }
    if !(k.step.is_finite() && k.step > 0.0 && k.step <= k.max_points) {
        return Err(bad(
            format!("“{name}”的步长应大于 0、不超过满分：{}", k.step),
            format!(
                "the step of {name} must be above 0 and at most its maximum: {}",
                k.step
            ),
        ));
    }
    if !on_step(k.max_points, k.step) {
        return Err(bad(
            format!(
                "“{name}”的满分 {} 须为步长 {} 的整数倍",
                k.max_points, k.step
            ),
            format!(
                "the maximum of {name}, {}, must be a multiple of its step {}",
                k.max_points, k.step
            ),
        ));
    }
    if !(k.weight.is_finite() && k.weight > 0.0 && k.weight <= WEIGHT_MAX) {
        return Err(bad(
            format!("“{name}”的权重应大于 0、不超过 {WEIGHT_MAX}：{}", k.weight),
            format!(
                "the weight of {name} must be above 0 and at most {WEIGHT_MAX}: {}",
                k.weight
            ),
        ));
    }
    Ok(())
}

/// The score bands guide experts to a mark, so each must be a range of marks they could
/// give, and no mark may fall in two of them.
fn check_bands(k: &Criterion) -> Result<()> {
    let name = &k.name_zh;
    if k.bands.len() > BANDS_MAX {
        return Err(bad(
            format!("“{name}”最多 {BANDS_MAX} 个分档"),
            format!("{name} has more than {BANDS_MAX} score bands"),
        ));
    }
    for (i, b) in k.bands.iter().enumerate() {
        check_band_label(k, i, b)?;
        check_band_range(k, b)?;
        check_band_overlap(k, i, b)?;
    }
    Ok(())
}

/// A band's label is what the expert sees; two alike could not be told apart.
fn check_band_label(k: &Criterion, i: usize, b: &ScoreBand) -> Result<()> {
    let name = &k.name_zh;
    if b.label.is_empty() {
        return Err(bad(
            format!("“{name}”的第 {} 个分档没有名称", i + 1),
            format!("score band {} of {name} has no label", i + 1),
        ));
    }
    check_text(&b.label, LABEL_MAX, "分档名称", "band label", false)?;
    if k.bands[..i].iter().any(|o| o.label == b.label) {
        return Err(bad(
            format!("“{name}”的分档“{}”重复", b.label),
            format!("score band {} of {name} appears twice", b.label),
        ));
    }
    Ok(())
}

/// Both ends must be marks an expert could give: within the criterion's points, on its
/// step, and running upwards.
fn check_band_range(k: &Criterion, b: &ScoreBand) -> Result<()> {
    let name = &k.name_zh;
    let inside = |x: f64| x.is_finite() && (0.0..=k.max_points).contains(&x);
    if !(inside(b.from) && inside(b.to) && b.from <= b.to) {
        return Err(bad(
            format!(
                "“{name}”的分档“{}”{}–{} 应在 0–{} 之内，且下限不大于上限",
                b.label, b.from, b.to, k.max_points
            ),
            format!(
                "score band {} of {name}, {}–{}, must lie within 0–{} and run upwards",
                b.label, b.from, b.to, k.max_points
            ),
        ));
    }
    if !(on_step(b.from, k.step) && on_step(b.to, k.step)) {
        return Err(bad(
            format!(
                "“{name}”的分档“{}”{}–{} 的两端须为步长 {} 的整数倍",
                b.label, b.from, b.to, k.step
            ),
            format!(
                "both ends of score band {} of {name}, {}–{}, must be multiples of its step {}",
                b.label, b.from, b.to, k.step
            ),
        ));
    }
    Ok(())
}

/// Bands are checked against those before them only, so the message names the later of
/// two that overlap.
fn check_band_overlap(k: &Criterion, i: usize, b: &ScoreBand) -> Result<()> {
    let name = &k.name_zh;
    if let Some(o) = k.bands[..i]
        .iter()
        .find(|o| b.from <= o.to && o.from <= b.to)
    {
        return Err(bad(
            format!(
                "“{name}”的分档“{}”{}–{} 与“{}”{}–{} 重叠",
                b.label, b.from, b.to, o.label, o.from, o.to
            ),
            format!(
                "score bands {} ({}–{}) and {} ({}–{}) of {name} overlap",
                b.label, b.from, b.to, o.label, o.from, o.to
            ),
        ));
    }
    Ok(())
}

/// The rules a category's rubric is held to as a whole.
pub fn check_category(c: &Category) -> Result<()> {
    let criteria = &c.rubric.criteria;
    if c.scoring_mode == ScoringMode::Criteria && criteria.is_empty() {
        return Err(bad(
            format!("“{}”按分项打分，至少要有一项评分指标", c.name_zh),
            format!(
                "{} is scored by points and needs at least one criterion",
                c.name_en
            ),
        ));
    }
    if criteria.len() > CRITERIA_MAX {
        return Err(bad(
            format!("“{}”最多 {CRITERIA_MAX} 项评分指标", c.name_zh),
            format!("{} has more than {CRITERIA_MAX} criteria", c.name_en),
        ));
    }
    if c.scoring_mode == ScoringMode::Grade {
        check_grades(c)?;
    }
    for (i, k) in criteria.iter().enumerate() {
        check_criterion(k)?;
        if criteria[..i].iter().any(|o| o.key == k.key) {
            return Err(bad(
                format!("“{}”中评分指标代码“{}”重复", c.name_zh, k.key),
                format!("criterion key {} appears twice in {}", k.key, c.name_en),
            ));
        }
        if criteria[..i].iter().any(|o| o.name_zh == k.name_zh) {
            return Err(bad(
                format!("“{}”中评分指标“{}”重复", c.name_zh, k.name_zh),
                format!("criterion {} appears twice in {}", k.name_zh, c.name_en),
            ));
        }
    }
    Ok(())
}

/// The rules a grade list is held to. Keys travel in bundles and paper entries, so they
/// stay plain ASCII; keyers type a key or either name, so no word of one grade may be a
/// word of another (case aside), nor the 回避 a paper line declares a recusal with, nor
/// hold the separators of a paper line; and the passing grades come first, so a better
/// grade never fails where a worse one passes.
pub fn check_grades(c: &Category) -> Result<()> {
    let levels = c.grades.levels();
    if !(GRADES_MIN..=GRADES_MAX).contains(&levels.len()) {
        return Err(bad(
            format!(
                "“{}”的等级表应有 {GRADES_MIN} 到 {GRADES_MAX} 个等级：现有 {} 个",
                c.name_zh,
                levels.len()
            ),
            format!(
                "the grade list of {} needs {GRADES_MIN} to {GRADES_MAX} grades: it has {}",
                c.name_en,
                levels.len()
            ),
        ));
    }
    for (i, g) in levels.iter().enumerate() {
        check_grade_key(&g.key)?;
        check_grade_words(g)?;
        let words = |g: &GradeLevel| -> Vec<String> {
            [&g.key, &g.name_zh, &g.name_en]
                .iter()
                .filter(|w| !w.is_empty())
                .map(|w| w.to_lowercase())
                .collect()
        };
        if let Some(other) = levels[..i]
            .iter()
            .find(|o| words(o).iter().any(|w| words(g).contains(w)))
        {
            return Err(bad(
                format!(
                    "“{}”的等级“{}”与“{}”的代码或名称相同，录入时无法区分",
                    c.name_zh, g.name_zh, other.name_zh
                ),
                format!(
                    "grades {} and {} of {} share a key or name, so a typed grade could be either",
                    g.key, other.key, c.name_en
                ),
            ));
        }
    }
    if !levels.iter().any(|g| g.passes) {
        return Err(bad(
            format!("“{}”的等级表至少要有一个通过的等级", c.name_zh),
            format!("the grade list of {} needs a grade that passes", c.name_en),
        ));
    }
    if let Some(w) = levels.windows(2).find(|w| !w[0].passes && w[1].passes) {
        return Err(bad(
            format!(
                "等级由高到低排列：通过的“{}”不能排在不通过的“{}”之后",
                w[1].name_zh, w[0].name_zh
            ),
            format!(
                "grades run best first: {}, which passes, cannot follow {}, which does not",
                w[1].key, w[0].key
            ),
        ));
    }
    Ok(())
}

fn check_grade_key(key: &str) -> Result<()> {
    let key_ok = !key.is_empty()
        && key.len() <= KEY_MAX
        && key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !key_ok {
        return Err(bad(
            format!(
                "等级代码应以英文字母开头，只含英文字母、数字、下划线和连字符，最多 {KEY_MAX} 个字符：{key}"
            ),
            format!(
                "a grade key starts with a letter and has only ASCII letters, digits, _ and -, at most {KEY_MAX}: {key}"
            ),
        ));
    }
    Ok(())
}

fn check_grade_words(g: &GradeLevel) -> Result<()> {
    if g.name_zh.is_empty() {
        return Err(bad(
            format!("等级 {} 的名称不能为空", g.key),
            format!("grade {} has no name", g.key),
        ));
    }
    check_text(&g.name_zh, GRADE_NAME_MAX, "等级名称", "grade name", false)?;
    check_text(
        &g.name_en,
        GRADE_NAME_EN_MAX,
        "等级英文名称",
        "grade's English name",
        false,
    )?;
    for word in [&g.key, &g.name_zh, &g.name_en] {
        let reserved = word == "回避" || word.eq_ignore_ascii_case("recuse");
        if reserved || word.contains([',', '，', '\t']) {
            return Err(bad(
                format!("等级名称不能是“回避”，也不能含逗号：{word}"),
                format!("a grade cannot be called 回避 or recuse, nor hold a comma: {word}"),
            ));
        }
    }
    Ok(())
}

/// A criterion the stored tie-breakers name must stay: the rule would name nothing.
fn check_tie_breakers(conn: &Connection, c: &Category) -> Result<()> {
    let Some(stored) = category_rules::stored(conn)?.remove(&c.key) else {
        return Ok(());
    };
    for b in &stored.tie_breakers {
        if let TieBreaker::Criterion { key } = b {
            if !c.rubric.criteria.iter().any(|k| &k.key == key) {
                return Err(bad(
                    format!(
                        "“{}”的汇总规则按评分指标“{key}”决定并列，不能删除它：请先修改汇总规则的并列规则",
                        c.name_zh
                    ),
                    format!(
                        "the aggregation rule of {} breaks ties by criterion {key}, which cannot go: change the rule's tie-breakers first",
                        c.name_en
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Refuses an edit of a locked category unless `unlock`; with it, marks the packages
/// stale and records that, before the edit's own entry.
fn unlock_if_asked(
    tx: &Transaction,
    category: &Category,
    sent: &[SentPackage],
    unlock: bool,
    at: &str,
    actor: &str,
) -> Result<()> {
    if sent.is_empty() {
        return Ok(());
    }
    if !unlock {
        return Err(Error::RubricLocked {
            category_zh: category.name_zh.clone(),
            category_en: category.name_en.clone(),
            packages: sent.len() as u32,
        });
    }
    for s in sent {
        tx.execute(
            "UPDATE panel_package SET stale_at = ?2 WHERE hash = ?1 AND stale_at IS NULL",
            rusqlite::params![s.hash, at],
        )?;
    }
    audit::append(
        tx,
        at,
        actor,
        "rubric.unlocked",
        &serde_json::json!({
            "category": category.key,
            "stale_packages": sent.iter().map(|s| &s.hash).collect::<Vec<_>>(),
        }),
    )?;
    Ok(())
}

/// Applies one edit to a category's rubric or mode, checked as a whole, in one
/// transaction with its audit entry. A locked category is refused unless `unlock`.
pub fn apply(
    path: &Path,
    category_key: &str,
    change: &RubricChange,
    unlock: bool,
    at: &str,
    actor: &str,
) -> Result<CategoryRubric> {
    let mut conn = store::open(path)?;
    let tx = conn.transaction()?;
    let before = find(review_rows::read_categories(&tx)?, category_key)?;
    let rule_in_force = vote_thresholds(&tx)?
        .remove(category_key)
        .unwrap_or_else(|| CategoryRule::from_options(&ResultOptions::default()));
    let mut after = before.clone();
    let new_rule = change_in_place(&mut after, change, &rule_in_force)?;
    if after == before && new_rule.is_none() {
        return Err(bad(
            "没有需要修改的内容".into(),
            "nothing would change".into(),
        ));
    }
    check_category(&after)?;
    check_tie_breakers(&tx, &after)?;
    let sent = sent_with(&packages_out(&tx)?, category_key);
    unlock_if_asked(&tx, &before, &sent, unlock, at, actor)?;
    review_rows::replace_rubric(&tx, &after)?;
    if let Some(rule) = &new_rule {
        category_rules::write(&tx, category_key, rule)?;
    }
    audit::append(
        &tx,
        at,
        actor,
        change.action(),
        &serde_json::json!({
            "category": category_key,
            "change": change,
            "before": {
                "scoring_mode": before.scoring_mode,
                "rubric": before.rubric,
                "grades": before.grades,
            },
            "vote_threshold_before": new_rule.as_ref().map(|_| rule_in_force.vote_threshold),
        }),
    )?;
    tx.commit()?;
    let mut all = status_on(&conn)?;
    all.retain(|c| c.category.key == category_key);
    all.pop().ok_or_else(|| Error::UnknownCategory {
        key: category_key.to_string(),
    })
}

// ---- the rubric file -------------------------------------------------------------------

pub const FILE_FORMAT: &str = "paneldesk.rubric";
pub const FILE_VERSION: u32 = 1;
pub const FILE_EXTENSION: &str = "pdrubric.json";

/// A review's rubrics as a file (docs/formats.md, "Rubric file"): read strictly, so a
/// misspelt field is an error rather than a silently missing rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RubricFile {
    pub format: String,
    pub version: u32,
    pub activity: String,
    pub categories: Vec<FileCategory>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileCategory {
    pub key: String,
    /// For the reader; the review's own name is kept on import.
    pub name_zh: String,
    pub scoring_mode: ScoringMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote_threshold: Option<VoteThreshold>,
    pub criteria: Vec<FileCriterion>,
    /// Grade mode only; missing: the default list (so is written for a category that
    /// has it, and for files from before grade lists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grades: Option<Vec<FileGrade>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileGrade {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub passes: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileCriterion {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub max_points: f64,
    pub step: f64,
    pub guidance_zh: String,
    #[serde(default)]
    pub placeholder: bool,
    #[serde(default)]
    pub bands: Vec<FileBand>,
    /// Missing: 1.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

fn is_one(weight: &f64) -> bool {
    *weight == 1.0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileBand {
    pub label: String,
    pub from: f64,
    pub to: f64,
}

/// The review's rubrics (or one category's) as the bytes of a rubric file.
pub fn export(path: &Path, only: Option<&str>) -> Result<Vec<u8>> {
    let conn = store::open(path)?;
    let activity = review_rows::read_review(&conn)?.activity;
    let mut all = status_on(&conn)?;
    if let Some(key) = only {
        all.retain(|c| c.category.key == key);
        if all.is_empty() {
            return Err(Error::UnknownCategory {
                key: key.to_string(),
            });
        }
    }
    let file = RubricFile {
        format: FILE_FORMAT.into(),
        version: FILE_VERSION,
        activity: activity.code().into(),
        categories: all
            .into_iter()
            .map(|c| FileCategory {
                vote_threshold: (c.category.scoring_mode == ScoringMode::Vote)
                    .then_some(c.vote_threshold),
                grades: (c.category.scoring_mode == ScoringMode::Grade && !c.grades.is_default())
                    .then(|| {
                        c.grades
                            .levels()
                            .iter()
                            .map(|g| FileGrade {
                                key: g.key.clone(),
                                name_zh: g.name_zh.clone(),
                                name_en: g.name_en.clone(),
                                passes: g.passes,
                            })
                            .collect()
                    }),
                key: c.category.key,
                name_zh: c.category.name_zh,
                scoring_mode: c.category.scoring_mode,
                criteria: c
                    .category
                    .rubric
                    .criteria
                    .into_iter()
                    .map(|k| FileCriterion {
                        key: k.key,
                        name_zh: k.name_zh,
                        name_en: k.name_en,
                        max_points: k.max_points,
                        step: k.step,
                        guidance_zh: k.guidance_zh,
                        placeholder: k.placeholder,
                        weight: k.weight,
                        bands: k
                            .bands
                            .into_iter()
                            .map(|b| FileBand {
                                label: b.label,
                                from: b.from,
                                to: b.to,
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&file).map_err(|e| Error::Corrupt(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn file_error(detail: impl std::fmt::Display) -> Error {
    bad(
        format!("评分细则文件不符合格式：{detail}"),
        format!("the rubric file does not follow its format: {detail}"),
    )
}

/// Reads a rubric file: the JSON rules of packages (`strict_json`), then `format` and
/// `version`, then every field, none unknown.
pub fn parse_file(bytes: &[u8]) -> Result<RubricFile> {
    #[derive(Deserialize)]
    struct Head {
        format: String,
        version: u32,
    }
    crate::strict_json::check(bytes).map_err(file_error)?;
    let head: Head = serde_json::from_slice(bytes).map_err(file_error)?;
    if head.format != FILE_FORMAT {
        return Err(bad(
            format!(
                "不是评分细则文件（format 应为 {FILE_FORMAT}）：{}",
                head.format
            ),
            format!("not a rubric file (format {FILE_FORMAT}): {}", head.format),
        ));
    }
    if head.version != FILE_VERSION {
        return Err(bad(
            format!(
                "评分细则文件版本 {} 不受支持（支持 {FILE_VERSION}）",
                head.version
            ),
            format!(
                "rubric file version {} is not supported ({FILE_VERSION} is)",
                head.version
            ),
        ));
    }
    serde_json::from_slice(bytes).map_err(file_error)
}

/// Replaces the rubric and mode of every category the file names, all or nothing, checked
/// as the editor checks them; a locked category is refused unless `unlock`. Returns the
/// keys of the categories that changed.
/// A rubric file is a few kilobytes; anything larger is refused before it is read whole.
pub const FILE_MAX_BYTES: u64 = 1024 * 1024;

/// Reads the rubric file at `file` (at most [`FILE_MAX_BYTES`]) and imports it.
pub fn import_file(
    path: &Path,
    file: &Path,
    unlock: bool,
    at: &str,
    actor: &str,
) -> Result<Vec<String>> {
    use std::io::Read;
    let opened = std::fs::File::open(file).map_err(|e| Error::io(file, e))?;
    let mut bytes = Vec::new();
    opened
        .take(FILE_MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(file, e))?;
    if bytes.len() as u64 > FILE_MAX_BYTES {
        return Err(bad(
            format!(
                "评分细则文件 {} 过大（超过 1 MiB），不是 PanelDesk 导出的评分细则文件",
                file.display()
            ),
            format!(
                "the rubric file {} is larger than 1 MiB: not a rubric file PanelDesk wrote",
                file.display()
            ),
        ));
    }
    import(path, &bytes, unlock, at, actor)
}

pub fn import(
    path: &Path,
    bytes: &[u8],
    unlock: bool,
    at: &str,
    actor: &str,
) -> Result<Vec<String>> {
    let file = parse_file(bytes)?;
    let mut conn = store::open(path)?;
    let tx = conn.transaction()?;
    let activity = review_rows::read_review(&tx)?.activity;
    if file.activity != activity.code() {
        return Err(bad(
            format!(
                "该评分细则文件属于另一项评审活动（{}），本评审为{}",
                file.activity,
                activity.name_zh()
            ),
            format!(
                "the rubric file is for another activity ({}); this review is {}",
                file.activity,
                activity.code()
            ),
        ));
    }
    if file.categories.is_empty() {
        return Err(file_error("categories is empty"));
    }
    let categories = review_rows::read_categories(&tx)?;
    let rules = vote_thresholds(&tx)?;
    let out = packages_out(&tx)?;
    let mut changed = Vec::new();
    for (i, fc) in file.categories.iter().enumerate() {
        if file.categories[..i].iter().any(|o| o.key == fc.key) {
            return Err(file_error(format!("category {} appears twice", fc.key)));
        }
        let before = find(categories.clone(), &fc.key)?;
        let mut after = before.clone();
        after.scoring_mode = fc.scoring_mode;
        after.rubric.criteria = fc
            .criteria
            .iter()
            .map(|k| Criterion {
                key: k.key.clone(),
                name_zh: k.name_zh.trim().to_string(),
                name_en: k.name_en.trim().to_string(),
                max_points: k.max_points,
                step: k.step,
                guidance_zh: k.guidance_zh.trim().to_string(),
                placeholder: k.placeholder,
                weight: k.weight,
                bands: k
                    .bands
                    .iter()
                    .map(|b| ScoreBand {
                        label: b.label.trim().to_string(),
                        from: b.from,
                        to: b.to,
                    })
                    .collect(),
            })
            .collect();
        let in_force = rules
            .get(&fc.key)
            .cloned()
            .unwrap_or_else(|| CategoryRule::from_options(&ResultOptions::default()));
        let new_rule = change_in_place(
            &mut after,
            &RubricChange::Mode {
                mode: fc.scoring_mode,
                vote_threshold: fc.vote_threshold,
            },
            &in_force,
        )?;
        // A file from before grade lists, or of a category that keeps the default list,
        // names none: the default list it is.
        let grades = fc.grades.as_ref().map_or_else(GradeList::default, |list| {
            GradeList(
                list.iter()
                    .map(|g| GradeLevel {
                        key: g.key.clone(),
                        name_zh: g.name_zh.clone(),
                        name_en: g.name_en.clone(),
                        passes: g.passes,
                    })
                    .collect(),
            )
        });
        if fc.grades.is_some() || fc.scoring_mode == ScoringMode::Grade {
            change_in_place(&mut after, &RubricChange::Grades { grades }, &in_force)?;
        }
        check_category(&after)?;
        check_tie_breakers(&tx, &after)?;
        if after == before && new_rule.is_none() {
            continue;
        }
        unlock_if_asked(&tx, &before, &sent_with(&out, &fc.key), unlock, at, actor)?;
        review_rows::replace_rubric(&tx, &after)?;
        if let Some(rule) = &new_rule {
            category_rules::write(&tx, &fc.key, rule)?;
        }
        changed.push((before, after.key.clone()));
    }
    audit::append(
        &tx,
        at,
        actor,
        "rubric.imported",
        &serde_json::json!({
            "file_sha256": crate::keys::sha256_hex(bytes),
            "changed": changed.iter().map(|(_, k)| k).collect::<Vec<_>>(),
            "before": changed.iter().map(|(b, _)| serde_json::json!({
                "category": b.key, "scoring_mode": b.scoring_mode, "rubric": b.rubric,
                "grades": b.grades,
            })).collect::<Vec<_>>(),
        }),
    )?;
    tx.commit()?;
    Ok(changed.into_iter().map(|(_, k)| k).collect())
}
