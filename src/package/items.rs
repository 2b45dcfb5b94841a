//! What a signed answer must say to count: one item per nomination of the package, each
//! held to its category's scoring mode and rubric, recusal from the expert's own
//! institution, and the header's counts. The expert's laptop runs this before it writes a
//! bundle and the clerk's merge runs it again on what was decrypted: a signature only says
//! who sent the marks, not that they are marks the rubric allows. The order of the checks
//! is part of docs/formats.md ("What the scores must say"), so a second implementation
//! names the same first problem.

use std::collections::HashMap;

use crate::model::marks::{self, RuleError, ScoreItem};
use crate::model::ScoringMode;
use crate::package::PanelPackage;
use crate::refusal::{ItemProblem, Refusal};

/// Checks `items`, signed by the roster's expert `expert_id` with the header's `scored`
/// and `recused` counts, against `package`. The first problem found is the refusal.
pub fn check(
    package: &PanelPackage,
    expert_id: i64,
    scored: u32,
    recused: u32,
    items: &[ScoreItem],
) -> Result<(), Refusal> {
    let recused_items = items.iter().filter(|i| i.recusal.is_some()).count();
    if scored as usize != items.len() - recused_items || recused as usize != recused_items {
        return Err(Refusal::CountsMismatch {
            scored: (items.len() - recused_items) as u64,
            recused: recused_items as u64,
        });
    }
    let own = package
        .experts
        .iter()
        .find(|e| e.id == expert_id)
        .map(|e| e.institution.trim())
        .unwrap_or("");
    let by_id: HashMap<i64, usize> = package
        .nominations
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id, i))
        .collect();
    let mut answered = vec![false; package.nominations.len()];
    for item in items {
        let refuse = |problem| Refusal::InvalidItem {
            nomination_id: item.nomination_id,
            problem,
        };
        let Some(&at) = by_id.get(&item.nomination_id) else {
            return Err(refuse(ItemProblem::NotInPackage));
        };
        if std::mem::replace(&mut answered[at], true) {
            return Err(refuse(ItemProblem::Duplicate));
        }
        let nomination = &package.nominations[at];
        let category = package
            .category(&nomination.category_key)
            .ok_or(refuse(ItemProblem::NotInPackage))?;
        if item.recusal.is_some() {
            if !item.criteria.is_empty() || item.vote.is_some() || item.grade.is_some() {
                return Err(refuse(ItemProblem::MarksOnRecusal));
            }
            continue;
        }
        if !own.is_empty() && nomination.university.trim() == own {
            return Err(refuse(ItemProblem::OwnInstitutionNotRecused));
        }
        let wrong_mode = match category.scoring_mode {
            ScoringMode::Criteria => item.vote.is_some() || item.grade.is_some(),
            ScoringMode::Vote => !item.criteria.is_empty() || item.grade.is_some(),
            ScoringMode::Grade => !item.criteria.is_empty() || item.vote.is_some(),
        };
        if wrong_mode {
            return Err(refuse(ItemProblem::WrongMode));
        }
        // A key of another list (the default one, say) or a name would count as no grade
        // or a grade nobody meant: only the package's own list holds what a grade means.
        if let Some(grade) = &item.grade {
            if marks::check_grade(category, grade).is_err() {
                let grade = grade.key().to_string();
                return Err(refuse(ItemProblem::UnknownGrade { grade }));
            }
        }
        for (key, &points) in &item.criteria {
            let criterion = category
                .rubric
                .criteria
                .iter()
                .find(|c| c.key == *key)
                .ok_or_else(|| refuse(ItemProblem::UnknownCriterion { key: key.clone() }))?;
            marks::check_points(criterion, points).map_err(|e| {
                refuse(match e {
                    RuleError::OffStep { .. } => ItemProblem::off_step(key, points),
                    _ => ItemProblem::out_of_range(key, points),
                })
            })?;
        }
        if !marks::missing(item, category, package.min_comment_chars).is_empty() {
            return Err(refuse(ItemProblem::Incomplete));
        }
    }
    if let Some(at) = answered.iter().position(|a| !a) {
        return Err(Refusal::InvalidItem {
            nomination_id: package.nominations[at].id,
            problem: ItemProblem::Missing,
        });
    }
    Ok(())
}
