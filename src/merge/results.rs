//! From the stored marks to the review's result: per category, each nomination's
//! aggregate by the category's rule, its rank and place against the quota, and the flags
//! the panel must settle before signing off.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::marks::{self, Grade, ScoreItem, Vote};
use crate::model::{GradeList, ScoringMode};
use crate::package::PanelPackage;
use crate::store;

use super::aggregate;
use super::decisions::{self, Outcome, PanelDecision};
use super::rank::{self, Candidate, Cut};
use super::round::load_marks;
pub use super::round::{Marks, PanelRoster, ReceivedRound};
use crate::model::rule::CategoryRule;
pub use crate::model::rule::{Method, ResultOptions};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResultFlag {
    TieAtCut,
    HighDispersion { std_dev: f64 },
    MissingMarks { expected: u32, got: u32 },
    UnresolvedEligibility { count: u32 },
    NoMarks,
    GradeTie,
}

/// The rule that actually made a nomination's result: a category's trimmed mean is the
/// plain mean for a nomination fewer experts than `trim_min_experts` marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AppliedMethod {
    /// The highest and the lowest total dropped, the rest averaged.
    TrimmedMean,
    Mean,
    Median,
    /// A vote against the category's threshold.
    Vote,
    /// The grade most experts gave, on the category's grade list.
    Grade,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AppliedRule {
    pub method: AppliedMethod,
    /// The totals were each expert's z-scores within the category.
    pub normalised: bool,
    /// Experts whose mark (total, vote or grade) the result was made from.
    pub marks: u32,
    /// Of those, the marks the result counts: two fewer when a trimmed mean dropped the
    /// highest and the lowest, else all of them.
    pub counted: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NominationResult {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nomination_id: i64,
    pub display_name: String,
    pub university: String,
    /// Experts whose marks count (recused experts excluded).
    pub experts: u32,
    pub recused: u32,
    /// Criteria mode: the aggregate of the experts' totals (z-score mean when normalised),
    /// rounded to two decimals.
    pub score: Option<f64>,
    pub criterion_means: BTreeMap<String, f64>,
    pub votes: Option<aggregate::VoteTally>,
    pub grade: Option<Grade>,
    /// The rule that made `score`, `votes` or `grade`; `None` when nobody marked it.
    pub applied: Option<AppliedRule>,
    pub rank: u32,
    pub cut: Cut,
    pub flags: Vec<ResultFlag>,
    /// Each expert's total (criteria) by expert id, for the results workbook.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, number>"))]
    pub totals: BTreeMap<i64, f64>,
    /// The panel's ruling, when there is one: `cut` already follows it; the flags it
    /// settled stay listed so the record shows why it was needed.
    pub decision: Option<PanelDecision>,
    /// Of `experts`, the marks keyed from a paper sheet (代录, `paper`) rather than signed
    /// by the expert. Left out when 0, so results without paper digest as before.
    #[serde(default, skip_serializing_if = "crate::model::rule::is_zero")]
    #[cfg_attr(feature = "ts", ts(as = "Option<u32>", optional))]
    pub proxy_marks: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CategoryResult {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub quota: u32,
    pub quota_approximate: bool,
    pub scoring_mode: ScoringMode,
    /// The rule these results were computed by.
    pub rule: CategoryRule,
    /// Grade mode: the grades `grade` names, as the package carried them. Left out when
    /// it is the default list, so such results serialise (and digest) as before lists.
    #[serde(skip_serializing_if = "GradeList::is_default")]
    #[cfg_attr(feature = "ts", ts(as = "Option<GradeList>", optional))]
    pub grades: GradeList,
    pub nominations: Vec<NominationResult>,
}

impl CategoryResult {
    /// Whether `n`'s combined grade is one its list says does not pass: never 入选.
    pub fn grade_failed(&self, n: &NominationResult) -> bool {
        n.grade
            .as_ref()
            .and_then(|g| self.grades.level(g.key()))
            .is_some_and(|l| !l.passes)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutlierExpert {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub expert_id: i64,
    pub name: String,
    /// Mean of (this expert's total − the other experts' mean), in points.
    pub mean_deviation: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReviewResults {
    pub options: ResultOptions,
    pub categories: Vec<CategoryResult>,
    pub outlier_experts: Vec<OutlierExpert>,
    /// Nominations of the review (not excluded) that no current package holds, so no
    /// expert was asked to score them: imported after the package was built, or left
    /// out of every panel. Shown so they are never silently missing from the results.
    pub unpackaged: Vec<Unpackaged>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Unpackaged {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nomination_id: i64,
    pub display_name: String,
    pub university: String,
    pub category_key: String,
}

fn unpackaged(
    conn: &rusqlite::Connection,
    package: &PanelPackage,
    excluded: &std::collections::BTreeSet<i64>,
) -> Result<Vec<Unpackaged>> {
    let packaged: std::collections::HashSet<i64> =
        package.nominations.iter().map(|n| n.id).collect();
    let mut stmt = conn
        .prepare("SELECT id, display_name, university, category_key FROM nomination ORDER BY id")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Unpackaged {
                nomination_id: r.get(0)?,
                display_name: r.get(1)?,
                university: r.get(2)?,
                category_key: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .filter(|n| !packaged.contains(&n.nomination_id) && !excluded.contains(&n.nomination_id))
        .collect())
}

pub fn compute(review_path: &Path, options: &ResultOptions) -> Result<ReviewResults> {
    compute_with_round(review_path, options).map(|(results, _)| results)
}

/// The results and the round they were computed from, read once (reports need both).
pub fn compute_with_round(
    review_path: &Path,
    options: &ResultOptions,
) -> Result<(ReviewResults, ReceivedRound)> {
    let conn = store::open(review_path)?;
    let round = load_marks(&conn)?;
    let state = ReviewState::read(&conn, options)?;
    let totals = ExpertTotals::of(&round, &state.rules);
    let categories = round
        .package
        .categories
        .iter()
        .filter_map(|packaged| category_result(&round, &state, &totals, packaged, options))
        .collect();
    let results = ReviewResults {
        options: options.clone(),
        categories,
        outlier_experts: outlier_experts(&round.package, &totals.by_expert, options),
        unpackaged: unpackaged(&conn, &round.package, &state.excluded)?,
    };
    Ok((results, round))
}

/// What the review holds beside the marks, read once: open and excluded flags, the
/// panel's rulings, the names as corrected, each category's rule and quota.
struct ReviewState {
    open_flags: BTreeMap<i64, u32>,
    excluded: std::collections::BTreeSet<i64>,
    rulings: BTreeMap<i64, PanelDecision>,
    /// A name corrected after the package went out (`corrections::edit_field`, same id)
    /// is printed as corrected: results name nominations as the review holds them now.
    current_names: BTreeMap<i64, String>,
    rules: BTreeMap<String, CategoryRule>,
    quotas: BTreeMap<String, (u32, bool)>,
}

impl ReviewState {
    fn read(conn: &rusqlite::Connection, options: &ResultOptions) -> Result<ReviewState> {
        let flags = store::flags::read_all(conn)?;
        let mut open_flags: BTreeMap<i64, u32> = BTreeMap::new();
        for f in flags.iter().filter(|f| f.status == "open") {
            *open_flags.entry(f.nomination_id).or_default() += 1;
        }
        Ok(ReviewState {
            open_flags,
            excluded: flags
                .iter()
                .filter(|f| f.status == "excluded")
                .map(|f| f.nomination_id)
                .collect(),
            rulings: decisions::current(conn)?,
            current_names: conn
                .prepare("SELECT id, display_name FROM nomination")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?,
            rules: crate::store::category_rules::in_force(conn, options)?,
            quotas: store::review_rows::quotas(conn)?,
        })
    }
}

/// Every expert's totals on criteria-mode nominations, and the z-scores of those whose
/// category normalises. The outlier check looks at all totals; z-scores are taken per
/// category, so an expert's leniency is measured against what they scored in that
/// category only, and groups that scored different halves of one category are put on
/// one scale.
struct ExpertTotals {
    by_expert: BTreeMap<i64, Vec<(i64, f64)>>,
    /// By (expert, nomination).
    z: BTreeMap<(i64, i64), f64>,
}

impl ExpertTotals {
    fn of(round: &ReceivedRound, rules: &BTreeMap<String, CategoryRule>) -> ExpertTotals {
        let package = &round.package;
        let mut by_expert: BTreeMap<i64, Vec<(i64, f64)>> = BTreeMap::new();
        let mut by_category: BTreeMap<(&str, i64), Vec<(i64, f64)>> = BTreeMap::new();
        for n in &package.nominations {
            let Some(c) = package.category(&n.category_key) else {
                continue;
            };
            if c.scoring_mode != ScoringMode::Criteria {
                continue;
            }
            let normalise = rules.get(&c.key).is_some_and(|r| r.normalise);
            let present = round.marks.get(&n.id).into_iter().flatten();
            for (expert, item) in present.filter(|(_, i)| i.recusal.is_none()) {
                let Some(t) = marks::total(item, c) else {
                    continue;
                };
                by_expert.entry(*expert).or_default().push((n.id, t));
                if normalise {
                    let list = by_category.entry((c.key.as_str(), *expert)).or_default();
                    list.push((n.id, t));
                }
            }
        }
        let z = by_category
            .iter()
            .flat_map(|((_, expert), list)| {
                let values: Vec<f64> = list.iter().map(|(_, t)| *t).collect();
                let zs = aggregate::z_scores(&values);
                list.iter()
                    .zip(zs)
                    .map(|((n, _), z)| ((*expert, *n), z))
                    .collect::<Vec<_>>()
            })
            .collect();
        ExpertTotals { by_expert, z }
    }
}

/// One category's results: each nomination scored by the category's rule, ranked
/// against the quota the review holds now, the panel's rulings applied. `None` when the
/// category has no nomination left to show.
fn category_result(
    round: &ReceivedRound,
    state: &ReviewState,
    totals: &ExpertTotals,
    packaged: &crate::model::Category,
    defaults: &ResultOptions,
) -> Option<CategoryResult> {
    let rule = state
        .rules
        .get(&packaged.key)
        .cloned()
        .unwrap_or_else(|| CategoryRule::from_options(defaults));
    let options = &rule.apply_to(defaults);
    // The quota as the review holds it now, not as it was when the package was built.
    let mut c = packaged.clone();
    if let Some((quota, approximate)) = state.quotas.get(&c.key) {
        c.quota = *quota;
        c.quota_approximate = *approximate;
    }
    let (results, candidates): (Vec<_>, Vec<_>) = round
        .package
        .nominations
        .iter()
        // Excluded and withdrawn nominations (`corrections::withdraw`) have no result,
        // even when a package that went out before holds them.
        .filter(|n| n.category_key == c.key && !state.excluded.contains(&n.id))
        .map(|n| nomination_result(round, state, totals, &c, n, options))
        .unzip();
    let ranked = rank::rank(&candidates, &options.tie_breakers, c.quota);
    let nominations = in_rank_order(results, ranked, &state.rulings, &c.grades);
    (!nominations.is_empty()).then(|| CategoryResult {
        key: c.key.clone(),
        name_zh: c.name_zh.clone(),
        name_en: c.name_en.clone(),
        quota: c.quota,
        quota_approximate: c.quota_approximate,
        scoring_mode: c.scoring_mode,
        rule,
        grades: if c.scoring_mode == ScoringMode::Grade {
            c.grades.clone()
        } else {
            GradeList::default()
        },
        nominations,
    })
}

/// How a nomination's marks made its score, for ranking it.
struct Scored {
    score: Option<f64>,
    top_marks: u32,
    mode_keys: Vec<f64>,
    eligible: bool,
}

impl Scored {
    fn plain(score: Option<f64>) -> Scored {
        Scored {
            score,
            top_marks: 0,
            mode_keys: Vec::new(),
            eligible: true,
        }
    }
}

/// One nomination's result (before ranking) and what ranks it.
fn nomination_result(
    round: &ReceivedRound,
    state: &ReviewState,
    totals: &ExpertTotals,
    c: &crate::model::Category,
    n: &crate::package::PackagedNomination,
    options: &ResultOptions,
) -> (NominationResult, Candidate) {
    let empty = BTreeMap::new();
    let by_expert = round.marks.get(&n.id).unwrap_or(&empty);
    let present: Vec<(&i64, &ScoreItem)> = by_expert
        .iter()
        .filter(|(_, i)| i.recusal.is_none())
        .collect();
    let recused = (by_expert.len() - present.len()) as u32;
    let mut r = NominationResult {
        nomination_id: n.id,
        display_name: state
            .current_names
            .get(&n.id)
            .unwrap_or(&n.display_name)
            .clone(),
        university: n.university.clone(),
        experts: present.len() as u32,
        recused,
        score: None,
        criterion_means: BTreeMap::new(),
        votes: None,
        grade: None,
        applied: None,
        rank: 0,
        cut: Cut::Unscored,
        flags: Vec::new(),
        totals: BTreeMap::new(),
        decision: None,
        proxy_marks: present
            .iter()
            .filter(|(e, _)| round.proxied.contains(&(n.id, **e)))
            .count() as u32,
    };
    let scored = match c.scoring_mode {
        ScoringMode::Criteria => score_points(&mut r, c, &present, &totals.z, options),
        ScoringMode::Vote => score_vote(&mut r, &present, options),
        ScoringMode::Grade => score_grade(&mut r, &c.grades, &present),
    };
    r.score = scored.score.map(aggregate::round2);
    flag_missing_marks(&mut r, round, state, recused);
    let candidate = Candidate {
        mode_keys: scored.mode_keys,
        eligible: scored.eligible,
        ..Candidate::scored(
            n.id,
            scored.score,
            scored.top_marks,
            r.criterion_means.clone(),
        )
    };
    (r, candidate)
}

/// Points: the experts' totals (or their z-scores) aggregated by the category's method,
/// the mean per criterion, and a flag when the experts disagree widely.
fn score_points(
    r: &mut NominationResult,
    c: &crate::model::Category,
    present: &[(&i64, &ScoreItem)],
    z: &BTreeMap<(i64, i64), f64>,
    options: &ResultOptions,
) -> Scored {
    let max_total = c.rubric.max_total();
    let totals: Vec<(i64, f64)> = present
        .iter()
        .filter_map(|(e, i)| marks::total(i, c).map(|t| (**e, t)))
        .collect();
    r.totals = totals.iter().copied().collect();
    let values: Vec<f64> = if options.normalise {
        let id = r.nomination_id;
        totals
            .iter()
            .filter_map(|(e, _)| z.get(&(*e, id)).copied())
            .collect()
    } else {
        totals.iter().map(|(_, t)| *t).collect()
    };
    let score = match options.method {
        Method::Mean => aggregate::mean(&values),
        Method::TrimmedMean => aggregate::trimmed_mean(&values, options.trim_min_experts as usize),
        Method::Median => aggregate::median(&values),
    };
    if score.is_some() {
        r.applied = Some(applied_points(values.len(), options));
    }
    for k in &c.rubric.criteria {
        let points: Vec<f64> = present
            .iter()
            .filter_map(|(_, i)| i.criteria.get(&k.key).copied())
            .collect();
        if let Some(m) = aggregate::mean(&points) {
            r.criterion_means.insert(k.key.clone(), m);
        }
    }
    let raw: Vec<f64> = totals.iter().map(|(_, t)| *t).collect();
    if let Some(sd) = aggregate::std_dev(&raw) {
        if max_total > 0.0 && sd > options.dispersion_share * max_total {
            r.flags.push(ResultFlag::HighDispersion {
                std_dev: aggregate::round2(sd),
            });
        }
    }
    Scored {
        top_marks: raw.iter().filter(|t| (*t - max_total).abs() < 1e-9).count() as u32,
        ..Scored::plain(score)
    }
}

/// The rule a points score was actually made by: a trimmed mean with too few marks is
/// the mean.
fn applied_points(marks: usize, options: &ResultOptions) -> AppliedRule {
    let trimmed = options.method == Method::TrimmedMean
        && aggregate::trims(marks, options.trim_min_experts as usize);
    let marks = marks as u32;
    AppliedRule {
        method: match options.method {
            Method::TrimmedMean if trimmed => AppliedMethod::TrimmedMean,
            Method::TrimmedMean | Method::Mean => AppliedMethod::Mean,
            Method::Median => AppliedMethod::Median,
        },
        normalised: options.normalise,
        marks,
        counted: if trimmed { marks - 2 } else { marks },
    }
}

/// A vote: ranked by the share of 同意 among those present, then by the number of 同意;
/// below the quorum nothing passes, and a failed vote is never in (`Candidate::eligible`).
fn score_vote(
    r: &mut NominationResult,
    present: &[(&i64, &ScoreItem)],
    options: &ResultOptions,
) -> Scored {
    let votes: Vec<Vote> = present.iter().filter_map(|(_, i)| i.vote).collect();
    let tally = aggregate::tally_by_rule(&votes, options.vote_threshold, options.quorum);
    if tally.present > 0 {
        r.applied = Some(AppliedRule {
            method: AppliedMethod::Vote,
            normalised: false,
            marks: tally.present,
            counted: tally.present,
        });
    }
    r.votes = Some(tally);
    Scored {
        mode_keys: vec![f64::from(tally.agree)],
        eligible: tally.passed,
        ..Scored::plain(tally.share())
    }
}

/// A grade: the majority grade on the category's list (a tie is flagged and takes the
/// worse grade), worth its points on the list (`GradeList::points_at`), so grades rank
/// best first and equal grades tie; a combined grade that does not pass is never in
/// (`Candidate::eligible`), as a failed vote is not.
fn score_grade(
    r: &mut NominationResult,
    grades: &GradeList,
    present: &[(&i64, &ScoreItem)],
) -> Scored {
    // Every stored grade was checked against this list (`package::items`).
    let positions: Vec<usize> = present
        .iter()
        .filter_map(|(_, i)| i.grade.as_ref())
        .filter_map(|g| grades.position(g.key()))
        .collect();
    let Some((at, tied)) = aggregate::majority_grade(&positions) else {
        return Scored::plain(None);
    };
    let level = &grades.levels()[at];
    r.applied = Some(AppliedRule {
        method: AppliedMethod::Grade,
        normalised: false,
        marks: positions.len() as u32,
        counted: positions.len() as u32,
    });
    r.grade = Some(Grade(level.key.clone()));
    if tied {
        r.flags.push(ResultFlag::GradeTie);
    }
    Scored {
        eligible: level.passes,
        ..Scored::plain(Some(grades.points_at(at)))
    }
}

/// Marks that should be there and are not, and findings still open. Every expert on the
/// nomination's panel is expected, not only those who submitted: an expert whose bundle
/// never arrived is what the flag is for.
fn flag_missing_marks(
    r: &mut NominationResult,
    round: &ReceivedRound,
    state: &ReviewState,
    recused: u32,
) {
    let panel_size = round
        .expected
        .get(&r.nomination_id)
        .copied()
        .unwrap_or_default();
    let expected = panel_size.saturating_sub(recused);
    if r.experts < expected {
        r.flags.push(ResultFlag::MissingMarks {
            expected,
            got: r.experts,
        });
    }
    if r.experts == 0 {
        r.flags.push(ResultFlag::NoMarks);
    }
    if let Some(count) = state.open_flags.get(&r.nomination_id) {
        r.flags
            .push(ResultFlag::UnresolvedEligibility { count: *count });
    }
}

/// The results in rank order, each with its rank and place against the quota, and the
/// panel's ruling where there is one.
fn in_rank_order(
    results: Vec<NominationResult>,
    ranked: Vec<rank::Ranked>,
    rulings: &BTreeMap<i64, PanelDecision>,
    grades: &GradeList,
) -> Vec<NominationResult> {
    let mut by_id: BTreeMap<i64, NominationResult> =
        results.into_iter().map(|r| (r.nomination_id, r)).collect();
    let mut ordered = Vec::with_capacity(by_id.len());
    for rk in ranked {
        let Some(mut r) = by_id.remove(&rk.nomination_id) else {
            continue;
        };
        r.rank = rk.rank;
        r.cut = rk.cut;
        if rk.cut == Cut::Tied {
            r.flags.push(ResultFlag::TieAtCut);
        }
        if let Some(d) = rulings.get(&r.nomination_id) {
            // `decisions::record` refuses to put a failed vote or a failing grade in; a
            // file that holds such a decision anyway (written before the refusal, or by
            // hand) still never makes it 入选. Only a 会评 ballot, a new vote, can.
            let failed = r.votes.is_some_and(|t| !t.passed)
                || r.grade
                    .as_ref()
                    .is_some_and(|g| grades.level(g.key()).is_some_and(|l| !l.passes));
            r.cut = match d.outcome {
                Outcome::In if failed && d.ballot.is_none() => Cut::Out,
                Outcome::In => Cut::In,
                Outcome::Out => Cut::Out,
            };
            r.decision = Some(d.clone());
        }
        ordered.push(r);
    }
    ordered
}

/// Experts whose totals sit, on average, further from the others' mean than the review
/// allows.
fn outlier_experts(
    package: &PanelPackage,
    by_expert: &BTreeMap<i64, Vec<(i64, f64)>>,
    options: &ResultOptions,
) -> Vec<OutlierExpert> {
    let max_total = package
        .categories
        .iter()
        .map(|c| c.rubric.max_total())
        .fold(0.0, f64::max);
    // Sum and count of totals per nomination, so "the others' mean" is one subtraction.
    let mut sums: BTreeMap<i64, (f64, u32)> = BTreeMap::new();
    for (n, t) in by_expert.values().flatten() {
        let e = sums.entry(*n).or_default();
        e.0 += t;
        e.1 += 1;
    }
    let mut out = Vec::new();
    for (expert, list) in by_expert {
        let deviations: Vec<f64> = list
            .iter()
            .filter_map(|(n, t)| {
                let (sum, count) = sums.get(n)?;
                (*count > 1).then(|| t - (sum - t) / f64::from(count - 1))
            })
            .collect();
        let Some(d) = aggregate::mean(&deviations) else {
            continue;
        };
        if max_total > 0.0 && d.abs() > options.outlier_share * max_total {
            out.push(OutlierExpert {
                expert_id: *expert,
                name: package
                    .experts
                    .iter()
                    .find(|e| e.id == *expert)
                    .map(|e| e.name.clone())
                    .unwrap_or_default(),
                mean_deviation: aggregate::round2(d),
            });
        }
    }
    out
}
