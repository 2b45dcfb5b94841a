//! The round as it was received: the packages in force (one, or one per panel), their
//! experts, and every mark stored for them — signed bundles' and recorded paper sheets'.
//! Results are computed from this, the score sheets print it, and a decision reads a
//! vote's tally from it.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::model::marks::{ScoreItem, Vote};
use crate::model::rule::{CategoryRule, ResultOptions};
use crate::model::ScoringMode;
use crate::package::PanelPackage;

use super::aggregate;

/// Marks by nomination id, then expert id.
pub type Marks = BTreeMap<i64, BTreeMap<i64, ScoreItem>>;

/// The current packages built from the review (one, or one per panel) and the marks
/// received for them: what the results are computed from and what the experts' score
/// sheets print.
#[derive(Debug, Clone)]
pub struct PanelRoster {
    pub hash: String,
    pub experts: Vec<i64>,
    pub nominations: std::collections::BTreeSet<i64>,
}

#[derive(Debug, Clone)]
pub struct ReceivedRound {
    /// SHA-256 of the package's manifest, hex; with several panels, theirs joined by " + ".
    pub hash: String,
    /// Each current package's hash, the roster ids of its experts and its nominations.
    pub panels: Vec<PanelRoster>,
    /// The package, or with several panels their union: every category, expert and
    /// nomination any current panel holds.
    pub package: PanelPackage,
    /// Experts expected to score each nomination: its panel's roster size.
    pub expected: BTreeMap<i64, u32>,
    pub marks: Marks,
    /// (nomination, expert) pairs whose mark is a recorded paper sheet's (代录).
    pub proxied: std::collections::BTreeSet<(i64, i64)>,
}

pub(crate) fn load_marks(conn: &rusqlite::Connection) -> Result<ReceivedRound> {
    let current = crate::package::panels::current(conn)?;
    if current.is_empty() {
        return Err(Error::NoPackageYet);
    }
    let expected = crate::package::panels::expected_experts(&current);
    let mut stmt =
        conn.prepare("SELECT expert_id, items_json FROM expert_marks WHERE package_hash = ?1")?;
    let mut rows: Vec<(i64, String)> = Vec::new();
    for (hash, _) in &current {
        rows.extend(
            stmt.query_map([hash], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?,
        );
    }
    // Paper marks (代录) count only where no bundle of the expert counts for the package.
    let mut paper_rows: Vec<(i64, String)> = Vec::new();
    for (hash, _) in &current {
        paper_rows.extend(crate::paper::counted(conn, hash)?);
    }
    let mut proxied = std::collections::BTreeSet::new();
    let mut parsed = parse_marks(&rows)?;
    for (expert, items) in parse_marks(&paper_rows)? {
        proxied.extend(items.iter().map(|i| (i.nomination_id, expert)));
        parsed.push((expert, items));
    }
    let mut marks = Marks::new();
    for (expert, items) in parsed {
        for item in items {
            marks
                .entry(item.nomination_id)
                .or_default()
                .insert(expert, item);
        }
    }
    let hash = current
        .iter()
        .map(|(h, _)| h.as_str())
        .collect::<Vec<_>>()
        .join(" + ");
    let panels = current
        .iter()
        .map(|(h, p)| PanelRoster {
            hash: h.clone(),
            experts: p.experts.iter().map(|e| e.id).collect(),
            nominations: p.nominations.iter().map(|n| n.id).collect(),
        })
        .collect();
    let mut packages = current.into_iter().map(|(_, p)| p);
    let mut package = packages.next().ok_or(Error::NoPackageYet)?;
    for other in packages {
        union_into(&mut package, other);
    }
    Ok(ReceivedRound {
        hash,
        panels,
        package,
        expected,
        marks,
        proxied,
    })
}

/// The round as received and the category of `nomination_id` when that category is
/// scored by `mode`; `None` before any package, for a nomination in none, or another mode.
fn scored_by(
    conn: &rusqlite::Connection,
    nomination_id: i64,
    mode: ScoringMode,
) -> Result<Option<(ReceivedRound, crate::model::Category)>> {
    let round = match load_marks(conn) {
        Ok(round) => round,
        Err(Error::NoPackageYet) => return Ok(None),
        Err(e) => return Err(e),
    };
    let category = round
        .package
        .nominations
        .iter()
        .find(|n| n.id == nomination_id)
        .and_then(|n| round.package.category(&n.category_key))
        .filter(|c| c.scoring_mode == mode)
        .cloned();
    Ok(category.map(|c| (round, c)))
}

/// What the experts who did not recuse entered for `nomination_id`.
fn entered(round: &ReceivedRound, nomination_id: i64) -> impl Iterator<Item = &ScoreItem> {
    round
        .marks
        .get(&nomination_id)
        .into_iter()
        .flat_map(|by_expert| by_expert.values())
        .filter(|i| i.recusal.is_none())
}

/// The tally of a nomination whose vote failed (below the threshold or the quorum of
/// its category's rule in force), or `None` when it is not a vote, nobody voted yet, or
/// the vote passed. A decision reads this before it may put a nomination in: only a
/// new vote (会评) turns a failed one.
pub(crate) fn failed_vote(
    conn: &rusqlite::Connection,
    nomination_id: i64,
) -> Result<Option<aggregate::VoteTally>> {
    let Some((round, category)) = scored_by(conn, nomination_id, ScoringMode::Vote)? else {
        return Ok(None);
    };
    let defaults = ResultOptions::default();
    let rule = crate::store::category_rules::in_force(conn, &defaults)?
        .remove(&category.key)
        .unwrap_or_else(|| CategoryRule::from_options(&defaults));
    let votes: Vec<Vote> = entered(&round, nomination_id)
        .filter_map(|i| i.vote)
        .collect();
    if votes.is_empty() {
        return Ok(None);
    }
    let tally = aggregate::tally_by_rule(&votes, rule.vote_threshold, rule.quorum);
    Ok((!tally.passed).then_some(tally))
}

/// The combined grade of a nomination whose grade does not pass on its category's list,
/// or `None` when it is not graded, nobody graded it yet, or the grade passes. Like a
/// failed vote, only a new vote (会评) may put it in.
pub(crate) fn failed_grade(
    conn: &rusqlite::Connection,
    nomination_id: i64,
) -> Result<Option<crate::model::GradeLevel>> {
    let Some((round, category)) = scored_by(conn, nomination_id, ScoringMode::Grade)? else {
        return Ok(None);
    };
    let positions: Vec<usize> = entered(&round, nomination_id)
        .filter_map(|i| i.grade.as_ref())
        .filter_map(|g| category.grades.position(g.key()))
        .collect();
    Ok(aggregate::majority_grade(&positions)
        .map(|(at, _)| category.grades.levels()[at].clone())
        .filter(|level| !level.passes))
}

/// Adds another panel's categories, experts and nominations to `into`. Categories keep
/// the order the review gives them (every package lists them in that order).
fn union_into(into: &mut PanelPackage, other: PanelPackage) {
    for c in other.categories {
        if into.category(&c.key).is_none() {
            into.categories.push(c);
        }
    }
    for e in other.experts {
        if !into.experts.iter().any(|x| x.id == e.id) {
            into.experts.push(e);
        }
    }
    into.experts.sort_by_key(|e| e.id);
    into.nominations.extend(other.nominations);
}

/// Parses each expert's stored items, one expert per thread at a time: at 60 experts ×
/// 3,000 nominations this JSON is most of the time it takes to compute results.
fn parse_marks(rows: &[(i64, String)]) -> Result<Vec<(i64, Vec<ScoreItem>)>> {
    let parse = |chunk: &[(i64, String)]| -> Result<Vec<(i64, Vec<ScoreItem>)>> {
        chunk
            .iter()
            .map(|(expert, json)| {
                serde_json::from_str(json)
                    .map(|items| (*expert, items))
                    .map_err(|e| Error::Corrupt(format!("marks of expert {expert}: {e}")))
            })
            .collect()
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let size = rows.len().div_ceil(cores).max(1);
    let parts: Vec<Result<Vec<_>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = rows
            .chunks(size)
            .map(|chunk| scope.spawn(move || parse(chunk)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::Corrupt("marks could not be read".into())))
            })
            .collect()
    });
    let mut out = Vec::with_capacity(rows.len());
    for part in parts {
        out.extend(part?);
    }
    Ok(out)
}
