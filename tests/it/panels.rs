//! Several panels in one review, on real files: one category cut into two groups scored
//! by different experts (a lenient and a strict group, put on one scale by z-scores), and
//! a review split by category; every panel's bundles merge into one result.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use paneldesk::activity::Activity;
use paneldesk::demo::{self, DemoSpec};
use paneldesk::merge::aggregate::{self, round2};
use paneldesk::merge::collect::{self, receive};
use paneldesk::merge::rank::Cut;
use paneldesk::merge::results::{compute, ResultFlag, ResultOptions};
use paneldesk::model::ScoringMode;
use paneldesk::package::{self, Group, PanelScope};
use paneldesk::report::record::Record;
use paneldesk::scoring::panel::Panel;
use paneldesk::store::category_rules;

use super::scoring_round::{enrolled, randomness, score_all, submit_into, to_mark};
use super::support::{assert_ran, assert_says, run_unlocked, test_meta};
use super::{clerk_keys, T0};

fn review_of(dir: &Path, activity: Activity, nominations: usize, experts: usize) -> PathBuf {
    let path = dir.join("panels.pdreview");
    let spec = DemoSpec {
        activity,
        year: 2026,
        n_nominations: nominations,
        n_experts: experts,
        seed: 11,
    };
    demo::create(&path, "panels", &spec, T0).unwrap();
    path
}

fn scope(
    name: &str,
    categories: &[&str],
    experts: &[i64],
    group: Option<(u32, u32)>,
) -> PanelScope {
    PanelScope {
        name: name.into(),
        categories: categories.iter().map(|c| c.to_string()).collect(),
        experts: experts.to_vec(),
        group: group.map(|(index, of)| Group { index, of }),
    }
}

fn build(review: &Path, out: &Path, s: &PanelScope) -> paneldesk::Result<package::PackageSummary> {
    package::build_panel(review, out, &clerk_keys(), "2026-12-10", 0, s, T0, "clerk")
}

/// Expert `id` of the package at `file` scores on their own laptop: `points(nomination
/// position in the package, criterion max)`; the bundle goes to the clerk.
fn expert_scores(
    dir: &Path,
    review: &Path,
    file: &Path,
    id: i64,
    points: impl Fn(usize, f64) -> f64,
) -> Panel {
    let pin = format!("harbour lantern 2468{id:02}");
    let at = dir.join(format!("expert{id}"));
    let mut laptop = enrolled(&at, file, review, id, &pin, randomness(id as u8));
    for (i, n, category) in to_mark(&laptop) {
        for c in &category.rubric.criteria {
            let p = (points(i, c.max_points) / c.step).round() * c.step;
            laptop.set_points(n.id, &c.key, Some(p), T0).unwrap();
        }
        laptop.set_comment(n.id, "事迹突出，建议推荐", T0).unwrap();
    }
    let file = submit_into(&mut laptop, &pin, &dir.join("stick"));
    let receipt = receive(review, &clerk_keys(), &file, T0, "clerk").unwrap();
    assert!(
        matches!(
            receipt,
            collect::Receipt::Accepted {
                superseded: false,
                ..
            }
        ),
        "{receipt:?}"
    );
    laptop
}

#[test]
fn two_groups_of_one_category_merge_into_one_result_and_z_scores_put_them_on_one_scale() {
    let dir = tempfile::tempdir().unwrap();
    let review = review_of(dir.path(), Activity::StudentExemplar, 20, 4);
    let key = "student_exemplar";
    let (one, two) = (
        dir.path().join("一组.pdpanel"),
        dir.path().join("二组.pdpanel"),
    );
    let a = build(
        &review,
        &one,
        &scope("第一组", &[key], &[1, 2], Some((1, 2))),
    )
    .unwrap();
    // Until the second group's package exists, its nominations are scored by no one: the
    // results say so rather than leave them out silently.
    let half = compute(&review, &ResultOptions::default()).unwrap();
    let waiting: Vec<i64> = half.unpackaged.iter().map(|n| n.nomination_id).collect();
    assert_eq!(waiting.len() + a.nominations as usize, 20);
    let b = build(
        &review,
        &two,
        &scope("第二组", &[key], &[3, 4], Some((2, 2))),
    )
    .unwrap();
    assert_eq!((a.experts, b.experts), (2, 2));
    assert!(compute(&review, &ResultOptions::default())
        .unwrap()
        .unpackaged
        .is_empty());

    // A third panel may not take nominations another panel already scores; nor may a
    // panel without a name score part of the review, or a group be out of range.
    let clash = build(
        &review,
        &dir.path().join("x.pdpanel"),
        &scope("第三组", &[key], &[1], Some((1, 2))),
    )
    .unwrap_err();
    assert_eq!(clash.code(), "bad_input");
    assert_says(&clash, "第一组");
    let unnamed = build(
        &review,
        &dir.path().join("y.pdpanel"),
        &scope("", &[key], &[1], None),
    )
    .unwrap_err();
    assert_says(&unnamed, "命名");
    let group = build(
        &review,
        &dir.path().join("z.pdpanel"),
        &scope("第四组", &[], &[1], Some((3, 2))),
    )
    .unwrap_err();
    assert_says(&group, "3/2");
    let unknown = build(
        &review,
        &dir.path().join("w.pdpanel"),
        &scope("第五组", &["nope"], &[1], None),
    )
    .unwrap_err();
    assert_eq!(unknown.code(), "unknown_category");

    // Each group's nominations are a run of the category's: together, all of them once.
    let ids = |file: &Path| -> Vec<i64> {
        package::open(file)
            .unwrap()
            .manifest
            .nominations
            .iter()
            .map(|n| n.id)
            .collect()
    };
    let (first, second) = (ids(&one), ids(&two));
    assert_eq!(
        first.len() + second.len(),
        a.nominations as usize + b.nominations as usize
    );
    assert!(first.iter().all(|id| !second.contains(id)));
    assert!(first.iter().max() < second.iter().min());

    // The first group marks leniently, the second strictly; within each group the
    // package's order is the merit order.
    let lenient = |i: usize, max: f64| max * (0.95 - 0.02 * i as f64);
    let strict = |i: usize, max: f64| max * (0.70 - 0.02 * i as f64);
    let mut laptops = Vec::new();
    for id in [1, 2] {
        laptops.push(expert_scores(dir.path(), &review, &one, id, lenient));
    }
    for id in [3, 4] {
        laptops.push(expert_scores(dir.path(), &review, &two, id, strict));
    }

    let board = collect::status(&review).unwrap();
    assert_eq!(board.len(), 4);
    assert!(board.iter().all(|e| e.submitted));
    assert_eq!(
        board.iter().map(|e| e.panel.as_str()).collect::<Vec<_>>(),
        ["第一组", "第一组", "第二组", "第二组"]
    );

    paneldesk::review::set_quota(&review, key, 5, false, T0, "clerk").unwrap();
    let raw = compute(&review, &ResultOptions::default()).unwrap();
    assert_eq!(raw.categories.len(), 1);
    let c = &raw.categories[0];
    assert_eq!(c.nominations.len(), first.len() + second.len());
    // Two experts per nomination are all that is expected: no one is flagged as missing
    // the other group's experts.
    for n in &c.nominations {
        assert!(
            !n.flags
                .iter()
                .any(|f| matches!(f, ResultFlag::MissingMarks { .. })),
            "{}: {:?}",
            n.display_name,
            n.flags
        );
    }
    // Unnormalised, the lenient group takes every place inside the quota it can.
    let inside: Vec<i64> = c
        .nominations
        .iter()
        .filter(|n| n.cut == Cut::In)
        .map(|n| n.nomination_id)
        .collect();
    assert!(
        inside.iter().all(|id| first.contains(id)),
        "raw marks favour the lenient group"
    );

    category_rules::set(
        &review,
        key,
        &super::results_rules::mean_of_z_scores(),
        T0,
        "clerk",
    )
    .unwrap();
    let fair = compute(&review, &ResultOptions::default()).unwrap();
    // Known answer: each expert's totals become z-scores among the nominations they
    // scored; a nomination's score is the mean of its experts' z-scores.
    let package = package::open(&one).unwrap().manifest;
    let category = package.category(key).unwrap();
    let mut by_nomination: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for laptop in &laptops {
        let items: Vec<_> = laptop
            .package
            .nominations
            .iter()
            .map(|n| laptop.item(n.id).unwrap())
            .filter(|i| i.recusal.is_none())
            .collect();
        let totals: Vec<f64> = items
            .iter()
            .map(|i| paneldesk::model::marks::total(i, category).unwrap())
            .collect();
        for (item, z) in items.iter().zip(aggregate::z_scores(&totals)) {
            by_nomination.entry(item.nomination_id).or_default().push(z);
        }
    }
    for n in &fair.categories[0].nominations {
        let expected = aggregate::mean(&by_nomination[&n.nomination_id]).map(round2);
        assert_eq!(n.score, expected, "{}", n.display_name);
    }
    let fair_in: Vec<i64> = fair.categories[0]
        .nominations
        .iter()
        .filter(|n| matches!(n.cut, Cut::In | Cut::Tied))
        .map(|n| n.nomination_id)
        .collect();
    assert!(
        fair_in.iter().any(|id| second.contains(id)),
        "normalised, the strict group's best are ranked with the lenient group's"
    );

    // Printed documents see every panel's experts with their own bundles.
    let record = Record::load(&review, &ResultOptions::default()).unwrap();
    assert_eq!(record.experts.len(), 4);
    assert!(record
        .experts
        .iter()
        .all(|e| e.bundle_hash.is_some() && e.fingerprint.is_some()));
    assert!(record.package_hash.contains(" + "));
    // Each expert's score sheet holds their own panel's nominations only.
    let meta = test_meta("评分表");
    let sheet = paneldesk::report::documents::score_sheets(&record, Some(1), &meta).unwrap();
    let pdf = dir.path().join("sheet1.pdf");
    std::fs::write(&pdf, sheet).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<String>();
    let names = |file: &Path| -> Vec<String> {
        package::open(file)
            .unwrap()
            .manifest
            .nominations
            .iter()
            .map(|n| n.display_name.split_whitespace().collect())
            .collect()
    };
    assert!(
        names(&one).iter().all(|n| text.contains(n.as_str())),
        "{text}"
    );
    assert!(
        !names(&two).iter().any(|n| text.contains(n.as_str())),
        "{text}"
    );

    // A new package for the first group replaces its old one; a whole-review package
    // replaces every panel.
    build(
        &review,
        &dir.path().join("一组-2.pdpanel"),
        &scope("第一组", &[key], &[1, 2], Some((1, 2))),
    )
    .unwrap();
    let conn = paneldesk::store::open(&review).unwrap();
    let names: Vec<String> = paneldesk::package::panels::current(&conn)
        .unwrap()
        .into_iter()
        .map(|(_, p)| p.panel.name)
        .collect();
    assert_eq!(names, ["第二组", "第一组"]);
    build(
        &review,
        &dir.path().join("全体.pdpanel"),
        &PanelScope::default(),
    )
    .unwrap();
    assert_eq!(paneldesk::package::panels::current(&conn).unwrap().len(), 1);
    assert!(collect::status(&review)
        .unwrap()
        .iter()
        .all(|e| e.panel.is_empty()));
    // A correction for a replaced package is kept, and the clerk is told it does not count.
    let stick = dir.path().join("stick");
    let (_, late) =
        super::scoring_round::expert_corrects(&mut laptops[0], 1, "更正后的评语", &stick);
    match receive(&review, &clerk_keys(), &late, T0, "clerk").unwrap() {
        collect::Receipt::Accepted { superseded, .. } => assert!(superseded),
        other => panic!("{other:?}"),
    }
}

#[test]
fn panels_split_by_category_merge_every_category_into_one_result() {
    let dir = tempfile::tempdir().unwrap();
    let review = review_of(dir.path(), Activity::InnovationCase, 24, 4);
    let keys: Vec<String> = {
        let conn = paneldesk::store::open(&review).unwrap();
        paneldesk::store::review_rows::category_keys(&conn).unwrap()
    };
    assert!(keys.len() >= 2);
    let (left, right) = keys.split_at(keys.len() / 2);
    let left: Vec<&str> = left.iter().map(String::as_str).collect();
    let right: Vec<&str> = right.iter().map(String::as_str).collect();
    let (a, b) = (dir.path().join("a.pdpanel"), dir.path().join("b.pdpanel"));
    build(&review, &a, &scope("甲组", &left, &[1, 2], None)).unwrap();
    build(&review, &b, &scope("乙组", &right, &[3, 4], None)).unwrap();
    let stick = dir.path().join("stick");
    for (file, ids) in [(&a, [1i64, 2]), (&b, [3, 4])] {
        for id in ids {
            let at = dir.path().join(format!("e{id}"));
            let pin = "harbour lantern 246810";
            let mut laptop = enrolled(&at, file, &review, id, pin, randomness(id as u8));
            assert!(laptop.package.experts.iter().all(|e| ids.contains(&e.id)));
            score_all(&mut laptop, id as usize);
            let file = submit_into(&mut laptop, pin, &stick);
            receive(&review, &clerk_keys(), &file, T0, "clerk").unwrap();
        }
    }
    let results = compute(&review, &ResultOptions::default()).unwrap();
    let mut got: Vec<&str> = results.categories.iter().map(|c| c.key.as_str()).collect();
    got.sort();
    let mut want: Vec<&str> = keys.iter().map(String::as_str).collect();
    want.sort();
    // Every category that has nominations shows, each scored by its own panel only.
    assert!(got.iter().all(|k| want.contains(k)));
    assert!(got.len() >= 2);
    for c in &results.categories {
        for n in &c.nominations {
            assert!(
                n.experts + n.recused <= 2,
                "{}: {} experts",
                n.display_name,
                n.experts
            );
            if c.scoring_mode == ScoringMode::Criteria {
                assert!(!n
                    .flags
                    .iter()
                    .any(|f| matches!(f, ResultFlag::MissingMarks { .. })));
            }
        }
    }
    // The CLI builds a panel's package the same way and refuses a bad group.
    let package_panel = |file: &str, panel: &[&str]| {
        let out = dir.path().join(file);
        let head = ["package", "--review", review.to_str().unwrap(), "--out"];
        let closes = ["--closes", "2026-12-10"];
        run_unlocked(
            dir.path(),
            &[&head[..], &[out.to_str().unwrap()], &closes, panel].concat(),
        )
    };
    let categories = left.join(",");
    let out = package_panel(
        "c.pdpanel",
        &[
            "--panel",
            "甲组",
            "--categories",
            &categories,
            "--experts",
            "1,2",
            "--json",
        ],
    );
    assert_ran(&out);
    let bad = package_panel("d.pdpanel", &["--panel", "丙组", "--group", "一/二"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("i/n"));
}
