//! Whether results may leave the office: a 公示, the register of awarded units and
//! certificates say "this nominee won", so none of them is made while a winner still has
//! a finding nobody settled (an eligibility question, a duplicate) or a category still has a
//! tie at its cut line — unless the panel recorded a decision on that nominee, which is the
//! panel's answer to both. The same list tells the clerk what is left to do.

use serde::Serialize;

use crate::merge::rank::Cut;
use crate::merge::results::{ResultFlag, ReviewResults};

/// One thing that stops the results from being published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Blocker {
    /// A winner with findings still open (eligibility, duplicates, data problems).
    OpenFlags {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        nomination_id: i64,
        display_name: String,
        university: String,
        count: u32,
    },
    /// Nominations tied at a category's cut line, with no decision.
    TieAtCut {
        category: String,
        names: Vec<String>,
    },
}

impl Blocker {
    pub fn message_zh(&self) -> String {
        match self {
            Blocker::OpenFlags {
                display_name,
                university,
                count,
                ..
            } => format!("入选者{display_name}（{university}）有 {count} 个待核实事项尚未处理"),
            Blocker::TieAtCut { category, names } => {
                format!(
                    "“{category}”分数线处并列（{}）尚无评审组决定",
                    names.join("、")
                )
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            Blocker::OpenFlags {
                display_name,
                university,
                count,
                ..
            } => format!("winner {display_name} ({university}) has {count} open finding(s)"),
            Blocker::TieAtCut { category, names } => format!(
                "{} nominations tied at the cut line of {category} with no decision",
                names.len()
            ),
        }
    }
}

/// What stops `results` from being published, for the winners (or, with `only`, for
/// those nominations).
pub fn blockers(results: &ReviewResults, only: Option<&[i64]>) -> Vec<Blocker> {
    let mut out = Vec::new();
    for c in &results.categories {
        let tied: Vec<String> = c
            .nominations
            .iter()
            .filter(|n| n.cut == Cut::Tied)
            .map(|n| n.display_name.clone())
            .collect();
        if !tied.is_empty() {
            out.push(Blocker::TieAtCut {
                category: c.name_zh.clone(),
                names: tied,
            });
        }
        for n in &c.nominations {
            let published = match only {
                Some(ids) => ids.contains(&n.nomination_id),
                None => n.cut == Cut::In,
            };
            if !published || n.decision.is_some() {
                continue;
            }
            for f in &n.flags {
                if let ResultFlag::UnresolvedEligibility { count } = f {
                    out.push(Blocker::OpenFlags {
                        nomination_id: n.nomination_id,
                        display_name: n.display_name.clone(),
                        university: n.university.clone(),
                        count: *count,
                    });
                }
            }
        }
    }
    out
}

/// `Ok` when nothing blocks; otherwise the error naming every blocker, for `what` (公示,
/// certificates, the register).
pub fn require_ready(
    results: &ReviewResults,
    only: Option<&[i64]>,
    what_zh: &str,
    what_en: &str,
) -> crate::Result<()> {
    let found = blockers(results, only);
    if found.is_empty() {
        return Ok(());
    }
    Err(crate::Error::NotReady {
        what_zh: what_zh.into(),
        what_en: what_en.into(),
        blockers: found,
    })
}
