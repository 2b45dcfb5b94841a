//! Cross-year checks: a nomination naming a unit or person the register of awarded
//! units (`follow_up::awarded_units`) already holds from another review is flagged
//! `honoured_before`, with the earlier honour named, for the clerk to settle. The
//! register is the only memory of earlier years; a review file knows only its own.
//!
//! "The same" is the same name at the same university, both compared as import
//! normalises names (width folded, the spaces of lined-up Chinese names dropped). The
//! register keeps no ID numbers, so a person is known by name and university only: a
//! namesake at the same university is flagged too, and the clerk settles it. Units match
//! within their activity, and a branch matches across 样板支部 and 工作室, whose register
//! entries are both named by the branch.

use std::collections::HashMap;

use crate::activity::Activity;

use super::eligibility::{Flag, FlagKind};
use super::normalize::person_name;

/// An award in the register of awarded units, as import checks a nomination against it.
/// The register (`follow_up::awarded_units`) reads these; import only compares, so it
/// never needs to know where they are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastHonour {
    pub activity: Activity,
    pub name: String,
    pub university: String,
    pub category_zh: String,
    pub year: i32,
    pub review_id: String,
    /// The award was revoked since: still named, as such.
    pub revoked: bool,
}

/// The register's awards a review's nominations are checked against.
#[derive(Debug, Default)]
pub struct Honours {
    by_unit: HashMap<(String, String), Vec<PastHonour>>,
}

fn key(university: &str, name: &str) -> (String, String) {
    (person_name(university), person_name(name))
}

/// Whether an award of `earlier` names the same kind of unit as a nomination of `now`.
fn comparable(now: Activity, earlier: Activity) -> bool {
    use Activity::{DualLeaderStudio, ModelBranch};
    now == earlier
        || matches!(
            (now, earlier),
            (ModelBranch, DualLeaderStudio) | (DualLeaderStudio, ModelBranch)
        )
}

impl Honours {
    /// The awards in `all` (the whole register, see `follow_up::awarded_units::read_honours`)
    /// that a nomination of review `review_id` (of `activity`) could repeat. The review's
    /// own awards are left out: re-importing after its results were entered is not an
    /// earlier honour.
    pub fn from_register(all: Vec<PastHonour>, activity: Activity, review_id: &str) -> Honours {
        let mut by_unit: HashMap<(String, String), Vec<PastHonour>> = HashMap::new();
        for h in all {
            if h.review_id == review_id || !comparable(activity, h.activity) {
                continue;
            }
            by_unit
                .entry(key(&h.university, &h.name))
                .or_default()
                .push(h);
        }
        Honours { by_unit }
    }

    /// The `honoured_before` flag for a nomination of `name` from `university`, naming
    /// every earlier honour, oldest first.
    pub fn check(&self, university: &str, name: &str) -> Option<Flag> {
        if name.trim().is_empty() {
            return None;
        }
        let earlier = self.by_unit.get(&key(university, name))?;
        let zh: Vec<String> = earlier
            .iter()
            .map(|h| {
                let revoked = if h.revoked { "，后被撤销" } else { "" };
                format!(
                    "{} 年度{}“{}”（评审 {}{revoked}）",
                    h.year,
                    h.activity.name_zh(),
                    h.category_zh,
                    h.review_id
                )
            })
            .collect();
        let en: Vec<String> = earlier
            .iter()
            .map(|h| {
                let revoked = if h.revoked { ", since revoked" } else { "" };
                format!(
                    "{} {}, category \"{}\" (review {}{revoked})",
                    h.year,
                    h.activity.name_en(),
                    h.category_zh,
                    h.review_id
                )
            })
            .collect();
        Some(Flag {
            kind: FlagKind::HonouredBefore,
            message_zh: format!(
                "获奖单位登记册中，{university}的“{name}”已获认定：{}",
                zh.join("；")
            ),
            message_en: format!(
                "The register of awarded units already holds \"{name}\" of {university}: {}",
                en.join("; ")
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn honour(activity: Activity, name: &str, university: &str, review: &str) -> PastHonour {
        PastHonour {
            activity,
            name: name.into(),
            university: university.into(),
            category_zh: "类别".into(),
            year: 2024,
            review_id: review.into(),
            revoked: false,
        }
    }

    #[test]
    fn same_name_same_university_comparable_activity_other_review() {
        let register = vec![
            honour(Activity::StudentExemplar, "张三", "甲大学", "2024-a"),
            honour(
                Activity::DualLeaderStudio,
                "文学院第一党支部",
                "甲大学",
                "2024-b",
            ),
            honour(Activity::StudentExemplar, "李四", "甲大学", "2026-now"),
        ];
        let students =
            Honours::from_register(register.clone(), Activity::StudentExemplar, "2026-now");
        let flag = students.check("甲大学", "张　三").unwrap();
        assert_eq!(flag.kind, FlagKind::HonouredBefore);
        assert!(flag.message_zh.contains("2024 年度大学生党员标兵"));
        assert!(flag.message_zh.contains("2024-a"));
        assert_eq!(students.check("乙大学", "张三"), None, "another university");
        assert_eq!(
            students.check("甲大学", "李四"),
            None,
            "this review's own award"
        );
        assert_eq!(
            students.check("甲大学", "文学院第一党支部"),
            None,
            "a studio is not a student"
        );
        let branches = Honours::from_register(register, Activity::ModelBranch, "2026-now");
        assert!(branches.check("甲大学", "文学院第一党支部").is_some());
        assert_eq!(branches.check("甲大学", "张三"), None);
        assert_eq!(branches.check("甲大学", ""), None);
    }
}
