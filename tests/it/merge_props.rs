//! Property test of collecting: whatever order the USB sticks arrive in, with repeats and
//! with an expert's older bundle after their correction, the review ends with the same
//! marks and the same results as receiving each distinct bundle once, oldest first.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;

use paneldesk::merge::collect::receive;
use paneldesk::merge::results::{compute, ResultOptions};

use super::scoring_round::{expert_corrects, expert_submits, package_round, Round};
use super::{clerk_keys, T0};

/// One round, built once: the packaged review untouched by any bundle, and the bundles
/// (expert, sequence, file). Expert 0 has submitted twice.
struct Sticks {
    _round: Round,
    pristine: PathBuf,
    bundles: Vec<(usize, u64, PathBuf)>,
    /// Expert 0's id in the package.
    corrector: i64,
}

fn sticks() -> &'static Sticks {
    static STICKS: OnceLock<Sticks> = OnceLock::new();
    STICKS.get_or_init(|| {
        let round = package_round(0);
        let mut bundles = Vec::new();
        let mut first = None;
        for n in 0..4 {
            let (panel, file) = expert_submits(&round, n);
            bundles.push((n, 1, file));
            if n == 0 {
                first = Some(panel);
            }
        }
        let mut panel = first.unwrap();
        let (_, correction) = expert_corrects(
            &mut panel,
            0,
            "更正：事迹核实无误。",
            &round.root.join("stick-corrected"),
        );
        bundles.push((0, 2, correction));
        // After the experts enrolled (and were registered), before any bundle is received.
        let pristine = round.root.join("pristine.pdreview");
        paneldesk::review::backup(&round.review, &pristine, T0, "clerk").unwrap();
        Sticks {
            corrector: panel.package.experts[0].id,
            _round: round,
            pristine,
            bundles,
        }
    })
}

fn fresh_review(dir: &Path) -> PathBuf {
    let review = dir.join("review.pdreview");
    std::fs::copy(&sticks().pristine, &review).unwrap();
    review
}

/// Everything the clerk's review says about the received marks.
fn outcome(review: &Path) -> (Vec<(i64, i64, i64, String)>, serde_json::Value) {
    let marks = super::stored_marks(review);
    let conn = paneldesk::store::open(review).unwrap();
    paneldesk::audit::verify(&conn).unwrap();
    let results = compute(review, &ResultOptions::default()).unwrap();
    (marks, serde_json::to_value(results).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_arrival_order_with_repeats_ends_in_the_same_marks_and_results(
        order in proptest::collection::vec(0usize..5, 1..9)
    ) {
        let s = sticks();
        let clerk = clerk_keys();
        let dir = tempfile::tempdir().unwrap();

        let shuffled = fresh_review(dir.path());
        for &i in &order {
            receive(&shuffled, &clerk, &s.bundles[i].2, T0, "clerk").unwrap();
        }

        // The reference: each distinct bundle once, oldest sequence first.
        let mut distinct: Vec<usize> = order.clone();
        distinct.sort_by_key(|&i| (s.bundles[i].1, i));
        distinct.dedup();
        let reference_dir = dir.path().join("reference");
        std::fs::create_dir_all(&reference_dir).unwrap();
        let reference = fresh_review(&reference_dir);
        for &i in &distinct {
            receive(&reference, &clerk, &s.bundles[i].2, T0, "clerk").unwrap();
        }

        let (marks, results) = outcome(&shuffled);
        let (want_marks, want_results) = outcome(&reference);
        prop_assert_eq!(&marks, &want_marks);
        prop_assert_eq!(results, want_results);
        // Expert 0's correction wins whenever it arrived, whatever came after it.
        if order.contains(&4) {
            prop_assert!(marks.iter().filter(|m| m.0 == s.corrector).all(|m| m.2 == 2));
        }
    }
}
