//! How many experts' marks become one number, one verdict or one grade per nomination.
//! Pure functions; every rule has hand-computed known answers below.
//!
//! Rounding, stated once: results are kept at full precision while ranking, and shown
//! rounded to two decimals, half away from zero ([`round2`]). Recused experts are left
//! out of a nomination's set of marks: never counted as zero.

use serde::Serialize;

use crate::model::marks::Vote;
pub use crate::model::rule::VoteThreshold;

/// Two decimals, half away from zero. A tiny guard keeps binary fractions such as 2.675
/// (stored as 2.67499…) rounding the way the decimal number says.
pub fn round2(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let scaled = x * 100.0;
    (scaled + scaled.signum() * 1e-7).round() / 100.0
}

pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 0 {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    })
}

/// Whether a trimmed mean of `count` marks drops the highest and the lowest: only when
/// at least `min_experts` (and never fewer than three) marked.
pub fn trims(count: usize, min_experts: usize) -> bool {
    count >= min_experts.max(3)
}

/// The mean after dropping one highest and one lowest mark — only when at least
/// `min_experts` marked the nomination ([`trims`]); with fewer, the plain mean.
pub fn trimmed_mean(values: &[f64], min_experts: usize) -> Option<f64> {
    if !trims(values.len(), min_experts) {
        return mean(values);
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    mean(&v[1..v.len() - 1])
}

/// Population standard deviation.
pub fn std_dev(values: &[f64]) -> Option<f64> {
    let m = mean(values)?;
    Some((values.iter().map(|x| (x - m).powi(2)).sum::<f64>() / values.len() as f64).sqrt())
}

/// One expert's marks as z-scores against that expert's own mean and spread, so a
/// severe and a lenient expert weigh alike. An expert who gave everyone the same mark
/// contributes 0 to each.
pub fn z_scores(marks: &[f64]) -> Vec<f64> {
    match (mean(marks), std_dev(marks)) {
        (Some(m), Some(sd)) if sd > 0.0 => marks.iter().map(|x| (x - m) / sd).collect(),
        _ => vec![0.0; marks.len()],
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VoteTally {
    pub agree: u32,
    pub disagree: u32,
    pub abstain: u32,
    /// Experts who voted at all; recused experts are not present.
    pub present: u32,
    pub passed: bool,
}

impl VoteTally {
    /// The share of 同意 among those present, in per cent: what votes rank by (4 of 5
    /// before 4 of 6). `None` when nobody was present.
    pub fn share(&self) -> Option<f64> {
        (self.present > 0).then(|| 100.0 * f64::from(self.agree) / f64::from(self.present))
    }
}

pub fn tally(votes: &[Vote], threshold: VoteThreshold) -> VoteTally {
    let count = |v: Vote| votes.iter().filter(|x| **x == v).count() as u32;
    let (agree, disagree, abstain) = (
        count(Vote::Agree),
        count(Vote::Disagree),
        count(Vote::Abstain),
    );
    let present = votes.len() as u32;
    VoteTally {
        agree,
        disagree,
        abstain,
        present,
        passed: passes(agree, present, threshold),
    }
}

/// Whether `agree` of `present` meets `threshold`. In 64 bits: a tally file signed on a
/// chair's laptop may carry counts near `u32::MAX`, which no roster bounds there.
pub fn passes(agree: u32, present: u32, threshold: VoteThreshold) -> bool {
    let (agree, present) = (u64::from(agree), u64::from(present));
    present > 0
        && match threshold {
            VoteThreshold::MoreThanHalf => agree * 2 > present,
            VoteThreshold::TwoThirds => agree * 3 >= present * 2,
        }
}

/// A vote as a category's rule counts it: by its threshold, and below its quorum of
/// experts present nothing passes, however those present voted. Results and the refusal
/// to decide a failed vote in both count this way.
pub fn tally_by_rule(votes: &[Vote], threshold: VoteThreshold, quorum: u32) -> VoteTally {
    let mut counted = tally(votes, threshold);
    counted.passed &= counted.present >= quorum;
    counted
}

/// The grade most experts gave, each grade given as its position on the category's list
/// (0 the best); `tied` when two grades share the most votes, in which case the worse of
/// them is returned (a panel raises a grade, the tool does not). `None` with no grades.
pub fn majority_grade(positions: &[usize]) -> Option<(usize, bool)> {
    let mut counts: std::collections::BTreeMap<usize, usize> = Default::default();
    for p in positions {
        *counts.entry(*p).or_default() += 1;
    }
    let best = counts.values().copied().max()?;
    let leaders: Vec<usize> = counts
        .iter()
        .filter(|(_, n)| **n == best)
        .map(|(p, _)| *p)
        .collect();
    let worst = leaders.iter().copied().max()?;
    Some((worst, leaders.len() > 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero_at_two_decimals() {
        assert_eq!(round2(2.675), 2.68);
        assert_eq!(round2(2.665), 2.67);
        assert_eq!(round2(-2.675), -2.68);
        assert_eq!(round2(84.333_333), 84.33);
        assert_eq!(round2(84.125), 84.13);
        assert_eq!(round2(0.005), 0.01);
    }

    #[test]
    fn mean_median_and_trimmed_mean_by_hand() {
        let marks = [80.0, 85.0, 90.0, 95.0, 60.0];
        assert_eq!(mean(&marks), Some(82.0));
        assert_eq!(median(&marks), Some(85.0));
        // Drop 95 and 60: (80 + 85 + 90) / 3 = 85.
        assert_eq!(trimmed_mean(&marks, 5), Some(85.0));
        // Four experts, N = 5: no trimming.
        assert_eq!(trimmed_mean(&marks[..4], 5), Some(87.5));
        assert_eq!(median(&marks[..4]), Some(87.5));
        // A single expert.
        assert_eq!(trimmed_mean(&[70.0], 5), Some(70.0));
        assert_eq!(median(&[70.0]), Some(70.0));
        // Every expert recused: no marks, no number (never zero).
        assert_eq!(mean(&[]), None);
        assert_eq!(trimmed_mean(&[], 5), None);
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn z_scores_put_a_severe_and_a_lenient_expert_on_one_scale() {
        let severe = z_scores(&[60.0, 70.0, 80.0]);
        let lenient = z_scores(&[80.0, 90.0, 100.0]);
        assert_eq!(severe, lenient);
        assert!((severe[0] + 1.224_744_871).abs() < 1e-6);
        assert_eq!(z_scores(&[75.0, 75.0]), [0.0, 0.0]);
    }

    #[test]
    fn votes_exactly_at_the_threshold() {
        use Vote::*;
        // 4 of 8 is half, not more than half.
        let half = [
            Agree, Agree, Agree, Agree, Disagree, Disagree, Abstain, Abstain,
        ];
        assert!(!tally(&half, VoteThreshold::MoreThanHalf).passed);
        // 5 of 9 is more than half.
        let five = [
            Agree, Agree, Agree, Agree, Agree, Disagree, Disagree, Disagree, Abstain,
        ];
        assert!(tally(&five, VoteThreshold::MoreThanHalf).passed);
        // 6 of 9 is exactly two thirds: 三分之二以上 includes it.
        let six = [
            Agree, Agree, Agree, Agree, Agree, Agree, Disagree, Disagree, Abstain,
        ];
        assert!(tally(&six, VoteThreshold::TwoThirds).passed);
        // 5 of 8 is less than two thirds.
        let t = tally(&five[..8], VoteThreshold::TwoThirds);
        assert_eq!((t.agree, t.present, t.passed), (5, 8, false));
        // Nobody present (all recused): nothing passes.
        assert!(!tally(&[], VoteThreshold::MoreThanHalf).passed);
    }

    #[test]
    fn grades_by_majority_with_ties_going_to_the_lower_grade() {
        // Positions on the list: 0 the best.
        assert_eq!(majority_grade(&[0, 1, 0]), Some((0, false)));
        assert_eq!(majority_grade(&[0, 1]), Some((1, true)));
        assert_eq!(majority_grade(&[]), None);
        // Any length of list: 2 of 5 for the second and the fifth grade, 1 for the first.
        assert_eq!(majority_grade(&[4, 1, 0, 4, 1]), Some((4, true)));
        // A three-way tie takes the worst of the three.
        assert_eq!(majority_grade(&[0, 2, 1]), Some((2, true)));
        assert_eq!(majority_grade(&[2, 2, 2, 0, 1]), Some((2, false)));
    }
}
