//! The overview's "下一步 / Next step": one rule in the core walks a review from an empty
//! file to printed certificates, each step in the order a round runs.

use paneldesk::merge::decisions::Outcome;
use paneldesk::merge::rank::Cut;
use paneldesk::merge::results::ResultOptions;
use paneldesk::ops::review::{next_step, Step};
use paneldesk::store::flags::Decision;
use time::macros::date;

use super::scoring_round::{expert_submits, package_round};
use super::{announce, demo_review, issue_to_winners, new_exemplar_review, AFTER_PUBLICITY, T0};

const DURING_PUBLICITY: time::Date = date!(2026 - 12 - 03);

#[test]
fn an_empty_review_asks_for_nominations_then_open_flags_come_first() {
    let dir = tempfile::tempdir().unwrap();
    let empty = new_exemplar_review(dir.path());
    let next = next_step(&empty, AFTER_PUBLICITY).unwrap();
    assert_eq!(next.step, Step::ImportNominations);
    assert_eq!(next.tab, "import");
    assert!(next.message_zh.contains("推荐表"), "{}", next.message_zh);

    let (review, _) = demo_review(dir.path(), "flags", T0);
    assert_eq!(
        next_step(&review, AFTER_PUBLICITY).unwrap().step,
        Step::BuildPackage
    );
    // Two findings for the clerk to settle: they come before the package.
    let loaded = paneldesk::review::load(&review, paneldesk::privacy::Privacy::Masked).unwrap();
    let mut conn = paneldesk::store::open(&review).unwrap();
    let tx = conn.transaction().unwrap();
    for n in &loaded.nominations[..2] {
        paneldesk::store::flags::insert(&tx, n.id, "duplicate", "重复推荐", "duplicate").unwrap();
    }
    tx.commit().unwrap();
    let next = next_step(&review, AFTER_PUBLICITY).unwrap();
    assert_eq!(next.step, Step::SettleFlags { open: 2 });
    assert_eq!(next.tab, "flags");
    assert!(
        next.message_zh.contains("2 个待核实事项"),
        "{}",
        next.message_zh
    );
    let ids: Vec<i64> = paneldesk::store::flags::read_all(&conn)
        .unwrap()
        .iter()
        .map(|f| f.id)
        .collect();
    paneldesk::ops::review::settle_flags(&review, &ids, Decision::Excluded, "", T0, "clerk")
        .unwrap();
    assert_eq!(
        next_step(&review, AFTER_PUBLICITY).unwrap().step,
        Step::BuildPackage
    );
}

#[test]
fn a_round_walks_from_bundles_to_printed_certificates() {
    let round = package_round(0);
    let review = &round.review;
    let next = next_step(review, AFTER_PUBLICITY).unwrap();
    assert_eq!(
        next.step,
        Step::ReceiveBundles {
            received: 0,
            expected: 5
        }
    );
    assert!(next.message_zh.contains("0 / 5"), "{}", next.message_zh);
    for n in 0..5 {
        let (_, file) = expert_submits(&round, n);
        paneldesk::merge::collect::receive(review, &super::clerk_keys(), &file, T0, "clerk")
            .unwrap();
        if n == 1 {
            assert_eq!(
                next_step(review, AFTER_PUBLICITY).unwrap().step,
                Step::ReceiveBundles {
                    received: 2,
                    expected: 5
                }
            );
        }
    }

    // Ties at a cut line wait for the panel's decision.
    let results = paneldesk::merge::results::compute(review, &ResultOptions::default()).unwrap();
    let tied: Vec<i64> = results
        .categories
        .iter()
        .flat_map(|c| &c.nominations)
        .filter(|n| n.cut == Cut::Tied)
        .map(|n| n.nomination_id)
        .collect();
    if !tied.is_empty() {
        assert!(matches!(
            next_step(review, AFTER_PUBLICITY).unwrap().step,
            Step::DecideTies { .. }
        ));
        for id in tied {
            paneldesk::ops::round::decide(review, id, Outcome::In, "评审组表决", T0, "clerk")
                .unwrap();
        }
    }

    let next = next_step(review, AFTER_PUBLICITY).unwrap();
    assert_eq!(next.step, Step::SetAnnouncement);
    assert_eq!(next.tab, "results");
    announce(review);
    let next = next_step(review, DURING_PUBLICITY).unwrap();
    assert_eq!(
        next.step,
        Step::WaitForAnnouncement {
            until: "2026-12-07".into()
        }
    );
    assert!(
        next.message_zh.contains("2026年12月7日"),
        "{}",
        next.message_zh
    );
    assert_eq!(
        next_step(review, AFTER_PUBLICITY).unwrap().step,
        Step::PrintCertificates
    );
    issue_to_winners(review);
    let done = next_step(review, AFTER_PUBLICITY).unwrap();
    assert_eq!(done.step, Step::Done);
    assert!(!done.message_en.is_empty());
}

#[test]
fn placeholder_criteria_are_named_first() {
    use paneldesk::activity::Activity;
    use paneldesk::demo::{self, DemoSpec};
    use paneldesk::rubric::{self, CriterionEdit, RubricChange};

    let dir = tempfile::tempdir().unwrap();
    let review = dir.path().join("mu.pdreview");
    let spec = DemoSpec {
        activity: Activity::ModelUniversity,
        year: 2026,
        n_nominations: 12,
        n_experts: 5,
        seed: 3,
    };
    demo::create(&review, "mu", &spec, T0).unwrap();
    let fresh = super::new_empty_review(
        dir.path(),
        "fresh.pdreview",
        "2026-model_university-fresh",
        Activity::ModelUniversity,
    );
    // Before anything is imported: the criteria go into the notice the universities answer.
    assert_eq!(
        next_step(&fresh, AFTER_PUBLICITY).unwrap().step,
        Step::WordRubric { categories: 1 }
    );
    // 示范高校 ships 过硬一（待填写）…: a package cannot go out, so the overview says what
    // to do first rather than pointing at a button that will refuse.
    let next = next_step(&review, AFTER_PUBLICITY).unwrap();
    assert_eq!(next.step, Step::WordRubric { categories: 1 });
    assert_eq!(next.tab, "rubric");
    assert!(
        next.message_zh.contains("类别与评分标准"),
        "{}",
        next.message_zh
    );

    for i in 1..=6 {
        let change = RubricChange::Edit {
            key: format!("c{i}"),
            edit: CriterionEdit {
                name_zh: Some(format!("过硬指标{i}")),
                ..CriterionEdit::default()
            },
        };
        rubric::apply(&review, "model_university", &change, false, T0, "clerk").unwrap();
    }
    assert_eq!(
        next_step(&review, AFTER_PUBLICITY).unwrap().step,
        Step::BuildPackage
    );
}
