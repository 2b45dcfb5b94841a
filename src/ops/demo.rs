//! The demonstration: a review of fictional nominations (`demo`), and a finished round on
//! it — the panel package built, every expert on the roster enrolled on a laptop of their
//! own, scored and submitted, and each bundle received, through the same functions the
//! app and the experts use, so what the demo shows is what a real round leaves behind.
//! Quotas leave about half of each category out, and in each category two nominations
//! are marked alike at the cut line, so the results open on a tie waiting for the
//! panel's decision.

use std::collections::BTreeMap;
use std::path::Path;

use crate::demo::{self, DemoSpec};
use crate::error::{Error, Result};
use crate::keys::ClerkKeys;
use crate::model::ReviewSummary;
use crate::model::ScoringMode;
use crate::package::{self, PanelPackage};
use crate::scoring::panel::{self, Panel};
use crate::workspace::Workspace;
use crate::{merge, registration, review};

/// Makes a demonstration review to `spec` in `workspace`; `suffix` (fresh randomness)
/// keeps its id unique.
pub fn create(
    workspace: &Workspace,
    spec: &DemoSpec,
    suffix: &str,
    at: &str,
) -> Result<ReviewSummary> {
    let id = demo::review_id(spec, suffix);
    demo::create(&workspace.path_for_new_review(&id), &id, spec, at)
}

/// A demonstration review already in `workspace`, if there is one.
pub fn existing(workspace: &Workspace) -> Result<Option<ReviewSummary>> {
    Ok(workspace
        .list()?
        .reviews
        .into_iter()
        .find(|s| s.id.starts_with(demo::ID_PREFIX)))
}

/// What finishing the round did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FinishedRound {
    pub package_hash: String,
    pub bundles_received: u32,
    /// Each category's key and the quota it was given.
    pub quotas: Vec<(String, u32)>,
}

/// Runs the whole round on the review at `review_path`. `laptops` is a scratch folder
/// standing for the experts' laptops and the USB stick (the caller removes it);
/// `clerk` seals and signs as the clerk's keys would. The marks are deterministic: the
/// same review gets the same results.
pub fn finish_round(
    review_path: &Path,
    clerk: &ClerkKeys,
    laptops: &Path,
    at: &str,
    actor: &str,
) -> Result<FinishedRound> {
    let quotas = leave_half_out(review_path, at, actor)?;
    let package_file = laptops.join("评审包.pdpanel");
    let built = package::build(
        review_path,
        &package_file,
        clerk,
        "2026-12-20",
        0,
        at,
        actor,
    )?;
    let stick = laptops.join("U盘");
    std::fs::create_dir_all(&stick).map_err(|e| Error::io(&stick, e))?;
    let experts = package::open(&package_file)?.manifest.experts.len();
    let mut bundles_received = 0;
    for n in 0..experts {
        let laptop = laptops.join(format!("expert-{n}"));
        let mut panel = panel::import_package(&laptop, &package_file, at)?;
        let expert_id = panel.package.experts[n].id;
        let pin = format!("demo lantern harbour {n:02}");
        let enrolment = panel.enrol(expert_id, &pin, randomness(n as u8), at)?;
        registration::register_in(review_path, expert_id, &enrolment.fingerprint, at, actor)?;
        score(&mut panel, n, &quotas, at)?;
        let submitted = panel.submit(&pin, &stick, at, unix_seconds(at)?)?;
        merge::collect::receive(review_path, clerk, Path::new(&submitted.file), at, actor)?;
        bundles_received += 1;
    }
    Ok(FinishedRound {
        package_hash: built.hash,
        bundles_received,
        quotas: quotas.into_iter().collect(),
    })
}

/// Sets each category's quota to half its nominations (at least one), so the round has
/// a cut line to fall on either side of.
fn leave_half_out(review_path: &Path, at: &str, actor: &str) -> Result<BTreeMap<String, u32>> {
    let loaded = review::load(review_path, crate::privacy::Privacy::Masked)?;
    let mut quotas = BTreeMap::new();
    for c in &loaded.categories {
        let count = loaded
            .nominations
            .iter()
            .filter(|n| n.category_key == c.key)
            .count() as u32;
        let quota = (count / 2).max(1);
        review::set_quota(review_path, &c.key, quota, false, at, actor)?;
        quotas.insert(c.key.clone(), quota);
    }
    Ok(quotas)
}

/// Expert `n` marks everything not recused. The nominations of a category, in a fixed
/// shuffled order, stand four steps of the rubric apart, so every expert's leaning (one step more
/// or less on the first criterion) never reorders them; the last in and the first out
/// are marked alike by everyone, so they tie at the cut.
fn score(panel: &mut Panel, n: usize, quotas: &BTreeMap<String, u32>, at: &str) -> Result<()> {
    let package: PanelPackage = panel.package.clone();
    for category in &package.categories {
        // Strength follows a fixed shuffle of the ids, not the package's order (which is
        // by university), so the winners come from many universities.
        let mut in_category: Vec<i64> = package
            .nominations
            .iter()
            .filter(|x| x.category_key == category.key)
            .map(|x| x.id)
            .collect();
        in_category.sort_by_key(|id| (*id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32);
        let quota = quotas.get(&category.key).copied().unwrap_or(1) as usize;
        for (i, id) in in_category.iter().enumerate() {
            if panel.item(*id)?.recusal.is_some() {
                continue;
            }
            let at_the_cut = i + 1 == quota || i == quota;
            let rank = if at_the_cut { quota - 1 } else { i };
            let leaning = if at_the_cut { 0 } else { n as i64 % 3 - 1 };
            mark(panel, category, *id, rank, leaning, at)?;
        }
    }
    Ok(())
}

/// One nomination's marks for its `rank` (0 the strongest), `leaning` steps off on the
/// first criterion. Never the top mark everywhere: the tie-breaker counts those.
fn mark(
    panel: &mut Panel,
    category: &crate::model::Category,
    id: i64,
    rank: usize,
    leaning: i64,
    at: &str,
) -> Result<()> {
    match category.scoring_mode {
        ScoringMode::Criteria => {
            let criteria = &category.rubric.criteria;
            let steps: Vec<i64> = criteria
                .iter()
                .map(|c| (c.max_points / c.step).round() as i64)
                .collect();
            let mut left = (steps.iter().sum::<i64>() - 2 - 4 * rank as i64).max(0);
            for (k, (c, most)) in criteria.iter().zip(&steps).enumerate() {
                let mut given = left.min(*most);
                left -= given;
                if k == 0 {
                    given = (given + leaning).clamp(0, *most);
                }
                panel.set_points(id, &c.key, Some(given as f64 * c.step), at)?;
            }
        }
        ScoringMode::Vote => {
            let vote = if rank % 3 == 2 {
                crate::model::marks::Vote::Disagree
            } else {
                crate::model::marks::Vote::Agree
            };
            panel.set_vote(id, Some(vote), at)?;
        }
        ScoringMode::Grade => {
            let grade = match rank {
                0..=2 => crate::model::marks::Grade::Excellent,
                3..=8 => crate::model::marks::Grade::Good,
                _ => crate::model::marks::Grade::Pass,
            };
            panel.set_grade(id, Some(grade), at)?;
        }
    }
    panel.set_comment(id, "事迹材料翔实，示范作用明显。", at)?;
    Ok(())
}

/// The enrolment's randomness for demo expert `n`: fixed, so the demo is the same each
/// time it is made (a real laptop draws its own).
fn randomness(n: u8) -> ([u8; 32], [u8; 16], [u8; 12]) {
    ([n.wrapping_add(90); 32], [n.wrapping_add(7); 16], [n; 12])
}

fn unix_seconds(at: &str) -> Result<i64> {
    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .map(|t| t.unix_timestamp())
        .map_err(|e| Error::Corrupt(format!("not a time: {at}: {e}")))
}
