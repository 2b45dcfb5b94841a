//! From the stored marks to the review's result: per category, each nomination's
//! aggregate by the category's rule, its rank and place against the quota, and the flags
//! the panel must settle before signing off.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::marks::{self, Grade, ScoreItem, Vote};
use crate::model::ScoringMode;
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
    /// The grade most experts gave.
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
    pub nominations: Vec<NominationResult>,
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
    let (package, marks) = (&round.package, &round.marks);
    let flags = store::flags::read_all(&conn)?;
    let open_flags: BTreeMap<i64, u32> =
        flags
            .iter()
            .filter(|f| f.status == "open")
            .fold(BTreeMap::new(), |mut m, f| {
                *m.entry(f.nomination_id).or_default() += 1;
                m
            });
    let excluded: std::collections::BTreeSet<i64> = flags
        .iter()
        .filter(|f| f.status == "excluded")
        .map(|f| f.nomination_id)
        .collect();
    let rulings = decisions::current(&conn)?;
    let empty = BTreeMap::new();
    // A name corrected after the package went out (`corrections::edit_field`, same id)
    // is printed as corrected: results name nominations as the review holds them now.
    let current_names: BTreeMap<i64, String> = conn
        .prepare("SELECT id, display_name FROM nomination")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;

    let category_rules = crate::store::category_rules::in_force(&conn, options)?;
    let quotas = store::review_rows::quotas(&conn)?;

    // Every expert's totals on criteria-mode nominations: the outlier check looks at
    // them all; z-scores are taken per category, so an expert's leniency is measured
    // against what they scored in that category only, and groups that scored different
    // halves of one category are put on one scale.
    let mut expert_totals: BTreeMap<i64, Vec<(i64, f64)>> = BTreeMap::new();
    let mut by_category: BTreeMap<(&str, i64), Vec<(i64, f64)>> = BTreeMap::new();
    for n in &package.nominations {
        let Some(c) = package.category(&n.category_key) else {
            continue;
        };
        if c.scoring_mode != ScoringMode::Criteria {
            continue;
        }
        let normalise = category_rules.get(&c.key).is_some_and(|r| r.normalise);
        for (expert, item) in marks.get(&n.id).unwrap_or(&empty) {
            if item.recusal.is_none() {
                if let Some(t) = marks::total(item, c) {
                    expert_totals.entry(*expert).or_default().push((n.id, t));
                    if normalise {
                        by_category
                            .entry((c.key.as_str(), *expert))
                            .or_default()
                            .push((n.id, t));
                    }
                }
            }
        }
    }
    let z: BTreeMap<(i64, i64), f64> = by_category
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

    let mut categories = Vec::new();
    for packaged in &package.categories {
        let rule = category_rules
            .get(&packaged.key)
            .cloned()
            .unwrap_or_else(|| CategoryRule::from_options(options));
        let options = &rule.apply_to(options);
        // The quota as the review holds it now, not as it was when the package was built.
        let mut c = packaged.clone();
        if let Some((quota, approximate)) = quotas.get(&c.key) {
            c.quota = *quota;
            c.quota_approximate = *approximate;
        }
        let c = &c;
        let max_total: f64 = c.rubric.max_total();
        let mut results = Vec::new();
        let mut candidates = Vec::new();
        for n in package
            .nominations
            .iter()
            // Excluded and withdrawn nominations (`corrections::withdraw`) have no
            // result, even when a package that went out before holds them.
            .filter(|n| n.category_key == c.key && !excluded.contains(&n.id))
        {
            let by_expert = marks.get(&n.id).unwrap_or(&empty);
            let present: Vec<(&i64, &ScoreItem)> = by_expert
                .iter()
                .filter(|(_, i)| i.recusal.is_none())
                .collect();
            let recused = (by_expert.len() - present.len()) as u32;
            let mut r = NominationResult {
                nomination_id: n.id,
                display_name: current_names.get(&n.id).unwrap_or(&n.display_name).clone(),
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
            let mut full_score = None;
            let mut top_marks = 0;
            let mut mode_keys = Vec::new();
            let mut eligible = true;
            match c.scoring_mode {
                ScoringMode::Criteria => {
                    let totals: Vec<(i64, f64)> = present
                        .iter()
                        .filter_map(|(e, i)| marks::total(i, c).map(|t| (**e, t)))
                        .collect();
                    r.totals = totals.iter().copied().collect();
                    let values: Vec<f64> = if options.normalise {
                        totals
                            .iter()
                            .filter_map(|(e, _)| z.get(&(*e, n.id)).copied())
                            .collect()
                    } else {
                        totals.iter().map(|(_, t)| *t).collect()
                    };
                    full_score = match options.method {
                        Method::Mean => aggregate::mean(&values),
                        Method::TrimmedMean => {
                            aggregate::trimmed_mean(&values, options.trim_min_experts as usize)
                        }
                        Method::Median => aggregate::median(&values),
                    };
                    if full_score.is_some() {
                        let marks = values.len() as u32;
                        let trimmed = options.method == Method::TrimmedMean
                            && aggregate::trims(values.len(), options.trim_min_experts as usize);
                        r.applied = Some(AppliedRule {
                            method: match options.method {
                                Method::TrimmedMean if trimmed => AppliedMethod::TrimmedMean,
                                Method::TrimmedMean | Method::Mean => AppliedMethod::Mean,
                                Method::Median => AppliedMethod::Median,
                            },
                            normalised: options.normalise,
                            marks,
                            counted: if trimmed { marks - 2 } else { marks },
                        });
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
                    top_marks = totals
                        .iter()
                        .filter(|(_, t)| (*t - max_total).abs() < 1e-9)
                        .count() as u32;
                    let raw: Vec<f64> = totals.iter().map(|(_, t)| *t).collect();
                    if let Some(sd) = aggregate::std_dev(&raw) {
                        if max_total > 0.0 && sd > options.dispersion_share * max_total {
                            r.flags.push(ResultFlag::HighDispersion {
                                std_dev: aggregate::round2(sd),
                            });
                        }
                    }
                }
                ScoringMode::Vote => {
                    let votes: Vec<Vote> = present.iter().filter_map(|(_, i)| i.vote).collect();
                    let mut tally = aggregate::tally(&votes, options.vote_threshold);
                    // Below the quorum nothing passes, however the present experts voted.
                    tally.passed &= tally.present >= options.quorum;
                    // Ranked by the share of 同意 among those present, then by the number
                    // of 同意; a failed vote is never in (`Candidate::eligible`).
                    full_score = tally.share();
                    mode_keys = vec![f64::from(tally.agree)];
                    eligible = tally.passed;
                    if tally.present > 0 {
                        r.applied = Some(AppliedRule {
                            method: AppliedMethod::Vote,
                            normalised: false,
                            marks: tally.present,
                            counted: tally.present,
                        });
                    }
                    r.votes = Some(tally);
                }
                ScoringMode::Grade => {
                    let grades: Vec<Grade> = present.iter().filter_map(|(_, i)| i.grade).collect();
                    if let Some((g, tied)) = aggregate::majority_grade(&grades) {
                        r.applied = Some(AppliedRule {
                            method: AppliedMethod::Grade,
                            normalised: false,
                            marks: grades.len() as u32,
                            counted: grades.len() as u32,
                        });
                        r.grade = Some(g);
                        if tied {
                            r.flags.push(ResultFlag::GradeTie);
                        }
                        full_score = Some(match g {
                            Grade::Excellent => 3.0,
                            Grade::Good => 2.0,
                            Grade::Pass => 1.0,
                            Grade::Fail => 0.0,
                        });
                    }
                }
            }
            r.score = full_score.map(aggregate::round2);
            // Every expert on the nomination's panel is expected, not only those who
            // submitted: an expert whose bundle never arrived is what this flag is for.
            let panel_size = round.expected.get(&n.id).copied().unwrap_or_default();
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
            if let Some(count) = open_flags.get(&n.id) {
                r.flags
                    .push(ResultFlag::UnresolvedEligibility { count: *count });
            }
            candidates.push(Candidate {
                mode_keys,
                eligible,
                ..Candidate::scored(n.id, full_score, top_marks, r.criterion_means.clone())
            });
            results.push(r);
        }
        let ranked = rank::rank(&candidates, &options.tie_breakers, c.quota);
        let mut by_id: BTreeMap<i64, NominationResult> =
            results.into_iter().map(|r| (r.nomination_id, r)).collect();
        let mut ordered = Vec::with_capacity(by_id.len());
        for rk in ranked {
            if let Some(mut r) = by_id.remove(&rk.nomination_id) {
                r.rank = rk.rank;
                r.cut = rk.cut;
                if rk.cut == Cut::Tied {
                    r.flags.push(ResultFlag::TieAtCut);
                }
                if let Some(d) = rulings.get(&r.nomination_id) {
                    // `decisions::record` refuses to put a failed vote in; a file that
                    // holds such a decision anyway (written before the refusal, or by
                    // hand) still never makes it 入选. Only a 会评 ballot, a new vote, can.
                    let failed = r.votes.is_some_and(|t| !t.passed);
                    r.cut = match d.outcome {
                        Outcome::In if failed && d.ballot.is_none() => Cut::Out,
                        Outcome::In => Cut::In,
                        Outcome::Out => Cut::Out,
                    };
                    r.decision = Some(d.clone());
                }
                ordered.push(r);
            }
        }
        if !ordered.is_empty() {
            categories.push(CategoryResult {
                key: c.key.clone(),
                name_zh: c.name_zh.clone(),
                name_en: c.name_en.clone(),
                quota: c.quota,
                quota_approximate: c.quota_approximate,
                scoring_mode: c.scoring_mode,
                rule,
                nominations: ordered,
            });
        }
    }

    // Outlier experts: how far each expert's totals sit from the others' mean, on average.
    let mut outlier_experts = Vec::new();
    let max_total = package
        .categories
        .iter()
        .map(|c| c.rubric.max_total())
        .fold(0.0, f64::max);
    // Sum and count of totals per nomination, so "the others' mean" is one subtraction.
    let mut sums: BTreeMap<i64, (f64, u32)> = BTreeMap::new();
    for list in expert_totals.values() {
        for (n, t) in list {
            let e = sums.entry(*n).or_default();
            e.0 += t;
            e.1 += 1;
        }
    }
    for (expert, list) in &expert_totals {
        let deviations: Vec<f64> = list
            .iter()
            .filter_map(|(n, t)| {
                let (sum, count) = sums.get(n)?;
                (*count > 1).then(|| t - (sum - t) / f64::from(count - 1))
            })
            .collect();
        if let Some(d) = aggregate::mean(&deviations) {
            if max_total > 0.0 && d.abs() > options.outlier_share * max_total {
                let name = package
                    .experts
                    .iter()
                    .find(|e| e.id == *expert)
                    .map(|e| e.name.clone())
                    .unwrap_or_default();
                outlier_experts.push(OutlierExpert {
                    expert_id: *expert,
                    name,
                    mean_deviation: aggregate::round2(d),
                });
            }
        }
    }
    let results = ReviewResults {
        options: options.clone(),
        categories,
        outlier_experts,
        unpackaged: unpackaged(&conn, package, &excluded)?,
    };
    Ok((results, round))
}
