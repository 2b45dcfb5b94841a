//! Property tests of the scoring rules: bounds, steps, recusal and completeness hold for
//! every rubric shape, not just the ones written down.

use std::collections::BTreeMap;

use proptest::prelude::*;

use paneldesk::model::marks::{
    check_points, entered_total, missing, total, Recusal, RecusalReason, ScoreItem,
};
use paneldesk::model::{Category, Criterion, Rubric, ScoringMode};

fn criterion(key: usize, steps: u32, step: f64) -> Criterion {
    Criterion {
        key: format!("c{key}"),
        name_zh: format!("指标{key}"),
        name_en: format!("Criterion {key}"),
        max_points: f64::from(steps) * step,
        step,
        guidance_zh: String::new(),
        placeholder: false,
        bands: Vec::new(),
        weight: 1.0,
    }
}

fn category(criteria: Vec<Criterion>) -> Category {
    Category {
        key: "cat".into(),
        name_zh: "类别".into(),
        name_en: "Category".into(),
        quota: 3,
        quota_approximate: false,
        allowance: None,
        scoring_mode: ScoringMode::Criteria,
        rubric: Rubric { criteria },
        grades: Default::default(),
    }
}

fn step() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.5), Just(1.0), Just(0.1), Just(2.0), Just(0.25)]
}

proptest! {
    #[test]
    fn every_whole_step_within_bounds_is_accepted(steps in 1u32..60, step in step(), k in 0u32..60) {
        let c = criterion(1, steps, step);
        let k = k.min(steps);
        prop_assert!(check_points(&c, f64::from(k) * step).is_ok());
    }

    #[test]
    fn anything_between_steps_or_beyond_the_bounds_is_refused(
        steps in 1u32..60, step in step(), k in 0u32..60, frac in 0.05f64..0.95, over in 1u32..10,
    ) {
        let c = criterion(1, steps, step);
        let k = k.min(steps - 1);
        prop_assert!(check_points(&c, (f64::from(k) + frac) * step).is_err());
        prop_assert!(check_points(&c, c.max_points + f64::from(over) * step).is_err());
        prop_assert!(check_points(&c, -f64::from(over) * step).is_err());
    }

    #[test]
    fn an_item_is_complete_exactly_when_every_criterion_is_scored_or_it_is_recused(
        n in 1usize..8, scored in proptest::collection::vec(any::<bool>(), 8), recused in any::<bool>(),
        comment_len in 0usize..20, min_comment in 0u32..12,
    ) {
        let cat = category((0..n).map(|i| criterion(i, 10, 1.0)).collect());
        let mut criteria = BTreeMap::new();
        for (i, s) in scored.iter().take(n).enumerate() {
            if *s { criteria.insert(format!("c{i}"), 5.0); }
        }
        let all_scored = criteria.len() == n;
        let item = ScoreItem {
            nomination_id: 1,
            recusal: recused.then(|| Recusal { reason: RecusalReason::Other, note: String::new(), automatic: false }),
            criteria,
            vote: None,
            grade: None,
            comment: "评".repeat(comment_len),
            entered: None,
        };
        let complete = missing(&item, &cat, min_comment).is_empty();
        let comment_ok = comment_len as u32 >= min_comment;
        prop_assert_eq!(complete, recused || (all_scored && comment_ok));
        prop_assert_eq!(total(&item, &cat).is_some(), all_scored);
        if all_scored {
            prop_assert_eq!(total(&item, &cat), Some(5.0 * n as f64));
        }
        let shown = entered_total(&item, &cat);
        prop_assert_eq!(shown.complete, all_scored);
        prop_assert_eq!(shown.max, 10.0 * n as f64);
    }
}
