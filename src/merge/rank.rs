//! Ranking within a category and cutting at its quota, with the tie-breakers the review
//! names; a tie that the breakers cannot split and that straddles the cut line is left
//! for the panel (`Cut::Tied`), never settled by list order. A nomination that cannot be
//! in (a failed vote) keeps its rank but is out whatever the quota, and takes neither a
//! place nor a part in a tie at the cut.

use std::collections::BTreeMap;

use serde::Serialize;

pub use crate::model::rule::TieBreaker;

/// One nomination as ranking sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub nomination_id: i64,
    /// The aggregate (mean, trimmed mean, …); `None` when nobody could mark it.
    pub score: Option<f64>,
    /// How many experts gave it their highest mark of the category.
    pub top_marks: u32,
    /// Mean points per criterion key.
    pub criterion_means: BTreeMap<String, f64>,
    /// Keys of the scoring mode compared after the score and before the review's
    /// breakers, higher first: for a vote, the number of 同意 (an equal share of a larger
    /// panel ranks first). Empty for points and grades.
    pub mode_keys: Vec<f64>,
    /// `false`: never in, whatever the quota (a vote that failed its threshold).
    pub eligible: bool,
}

impl Candidate {
    /// A nomination ranked by its score alone (points, grades).
    pub fn scored(
        nomination_id: i64,
        score: Option<f64>,
        top_marks: u32,
        criterion_means: BTreeMap<String, f64>,
    ) -> Candidate {
        Candidate {
            nomination_id,
            score,
            top_marks,
            criterion_means,
            mode_keys: Vec::new(),
            eligible: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Cut {
    In,
    Out,
    /// Tied across the cut line after every breaker: the panel decides.
    Tied,
    /// No score at all (every expert recused or none scored).
    Unscored,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Ranked {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nomination_id: i64,
    /// 1-based; nominations tied after every breaker share a rank ("1, 2, 2, 4").
    pub rank: u32,
    pub cut: Cut,
}

fn key(c: &Candidate, breakers: &[TieBreaker]) -> Vec<f64> {
    let mut k = vec![c.score.unwrap_or(f64::NEG_INFINITY)];
    k.extend(&c.mode_keys);
    for b in breakers {
        k.push(match b {
            TieBreaker::MoreTopMarks => f64::from(c.top_marks),
            TieBreaker::Criterion { key } => c
                .criterion_means
                .get(key)
                .copied()
                .unwrap_or(f64::NEG_INFINITY),
        });
    }
    k
}

/// Scores compare at the precision they are shown with, so two nominations that print
/// the same are tied.
fn same(a: &[f64], b: &[f64]) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| super::aggregate::round2(*x) == super::aggregate::round2(*y) || x == y)
}

pub fn rank(candidates: &[Candidate], breakers: &[TieBreaker], quota: u32) -> Vec<Ranked> {
    let mut keyed: Vec<(Vec<f64>, &Candidate)> =
        candidates.iter().map(|c| (key(c, breakers), c)).collect();
    keyed.sort_by(|(a, ca), (b, cb)| {
        let ord = b
            .iter()
            .zip(a.iter())
            .map(|(y, x)| super::aggregate::round2(*y).total_cmp(&super::aggregate::round2(*x)))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal);
        ord.then(ca.nomination_id.cmp(&cb.nomination_id))
    });
    let mut out = Vec::with_capacity(keyed.len());
    // Places the quota gives are taken by eligible nominations only: `before` of them
    // rank above the current group.
    let mut before = 0u32;
    let mut i = 0;
    while i < keyed.len() {
        let mut j = i + 1;
        while j < keyed.len() && same(&keyed[i].0, &keyed[j].0) {
            j += 1;
        }
        let rank = i as u32 + 1;
        let group = &keyed[i..j];
        let contenders = group
            .iter()
            .filter(|(_, c)| c.eligible && c.score.is_some())
            .count() as u32;
        let through = before + contenders;
        for (_, c) in group {
            let cut = if c.score.is_none() {
                Cut::Unscored
            } else if !c.eligible || before >= quota {
                Cut::Out
            } else if through <= quota {
                Cut::In
            } else {
                Cut::Tied
            };
            out.push(Ranked {
                nomination_id: c.nomination_id,
                rank,
                cut,
            });
        }
        before = through;
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, score: f64, top: u32, k1: f64) -> Candidate {
        Candidate::scored(id, Some(score), top, [("k1".to_string(), k1)].into())
    }

    /// A vote of `agree` of `present`, passed or not, as results hands it to ranking.
    fn vote(id: i64, agree: u32, present: u32, passed: bool) -> Candidate {
        Candidate {
            mode_keys: vec![f64::from(agree)],
            eligible: passed,
            ..Candidate::scored(
                id,
                Some(100.0 * f64::from(agree) / f64::from(present)),
                0,
                BTreeMap::new(),
            )
        }
    }

    fn cuts(r: &[Ranked]) -> Vec<(i64, u32, Cut)> {
        r.iter().map(|x| (x.nomination_id, x.rank, x.cut)).collect()
    }

    #[test]
    fn a_tie_across_the_cut_line_is_left_to_the_panel() {
        let list = [
            c(1, 90.0, 0, 0.0),
            c(2, 85.0, 0, 0.0),
            c(3, 85.0, 0, 0.0),
            c(4, 80.0, 0, 0.0),
        ];
        assert_eq!(
            cuts(&rank(&list, &[], 2)),
            [
                (1, 1, Cut::In),
                (2, 2, Cut::Tied),
                (3, 2, Cut::Tied),
                (4, 4, Cut::Out)
            ]
        );
        // The same tie inside the quota is no problem.
        assert_eq!(
            cuts(&rank(&list, &[], 3)),
            [
                (1, 1, Cut::In),
                (2, 2, Cut::In),
                (3, 2, Cut::In),
                (4, 4, Cut::Out)
            ]
        );
    }

    #[test]
    fn breakers_split_ties_in_the_order_given() {
        let list = [c(1, 85.0, 1, 9.0), c(2, 85.0, 2, 8.0), c(3, 85.0, 2, 9.5)];
        let by_top = rank(&list, &[TieBreaker::MoreTopMarks], 1);
        assert_eq!(
            cuts(&by_top),
            [(2, 1, Cut::Tied), (3, 1, Cut::Tied), (1, 3, Cut::Out)]
        );
        let both = rank(
            &list,
            &[
                TieBreaker::MoreTopMarks,
                TieBreaker::Criterion { key: "k1".into() },
            ],
            1,
        );
        assert_eq!(
            cuts(&both),
            [(3, 1, Cut::In), (2, 2, Cut::Out), (1, 3, Cut::Out)]
        );
    }

    #[test]
    fn scores_equal_when_shown_are_ties_and_unscored_nominations_come_last() {
        let mut list = vec![c(1, 84.333_333_3, 0, 0.0), c(2, 84.333_333_4, 0, 0.0)];
        list.push(Candidate::scored(3, None, 0, BTreeMap::new()));
        assert_eq!(
            cuts(&rank(&list, &[], 1)),
            [(1, 1, Cut::Tied), (2, 1, Cut::Tied), (3, 3, Cut::Unscored)]
        );
    }

    #[test]
    fn a_failed_vote_is_out_with_room_in_the_quota_and_never_tied() {
        // 4 of 6 passed, 3 of 6 failed (exactly half), 2 of 6 failed.
        let list = [
            vote(1, 4, 6, true),
            vote(2, 3, 6, false),
            vote(3, 2, 6, false),
        ];
        assert_eq!(
            cuts(&rank(&list, &[], 5)),
            [(1, 1, Cut::In), (2, 2, Cut::Out), (3, 3, Cut::Out)]
        );
        // A failed nomination level with a passed one at the cut takes no part in the
        // tie: the passed one has the last place to itself.
        let level = [
            c(1, 90.0, 0, 0.0),
            c(2, 80.0, 0, 0.0),
            Candidate {
                eligible: false,
                ..c(3, 80.0, 0, 0.0)
            },
        ];
        assert_eq!(
            cuts(&rank(&level, &[], 2)),
            [(1, 1, Cut::In), (2, 2, Cut::In), (3, 2, Cut::Out)]
        );
        // Nor does it take a place: the next eligible one is in.
        let above = [
            Candidate {
                eligible: false,
                ..c(1, 95.0, 0, 0.0)
            },
            c(2, 90.0, 0, 0.0),
            c(3, 80.0, 0, 0.0),
        ];
        assert_eq!(
            cuts(&rank(&above, &[], 1)),
            [(1, 1, Cut::Out), (2, 2, Cut::In), (3, 3, Cut::Out)]
        );
    }

    #[test]
    fn votes_rank_by_share_then_by_the_number_agreeing() {
        // 4 of 5 (80 %) before 4 of 6 (66.67 %); 6 of 6 before 3 of 3 (both 100 %).
        let list = [
            vote(1, 4, 6, true),
            vote(2, 4, 5, true),
            vote(3, 3, 3, true),
            vote(4, 6, 6, true),
        ];
        assert_eq!(
            cuts(&rank(&list, &[TieBreaker::MoreTopMarks], 1)),
            [
                (4, 1, Cut::In),
                (3, 2, Cut::Out),
                (2, 3, Cut::Out),
                (1, 4, Cut::Out)
            ]
        );
        // The same share and the same number agreeing: the panel's to decide.
        let level = [vote(1, 4, 5, true), vote(2, 4, 5, true)];
        assert_eq!(
            cuts(&rank(&level, &[], 1)),
            [(1, 1, Cut::Tied), (2, 1, Cut::Tied)]
        );
    }
}
