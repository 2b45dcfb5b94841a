//! The clerk edits the rubric on real review files: criteria, guidance and score bands,
//! the scoring mode, the rubric file, and the lock once a package has gone out — which an
//! edit confirmed anyway never turns into a new meaning for a bundle already received.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;

use paneldesk::activity::Activity;
use paneldesk::merge::aggregate::VoteThreshold;
use paneldesk::merge::collect::{receive, Receipt};
use paneldesk::merge::results::{compute, ResultOptions};
use paneldesk::model::{Category, ScoreBand, ScoringMode};
use paneldesk::rubric::{self, CriterionEdit, NewCriterion, RubricChange};
use paneldesk::{package, store};

use super::scoring_round::{expert_submits, package_round, Round};
use super::support::{
    assert_says, audit_actions as actions, last_audit_detail, run_on_review as cli,
};
use super::{clerk_keys, T0};

fn model_university(dir: &Path) -> PathBuf {
    super::new_empty_review(
        dir,
        "m.pdreview",
        "2026-model_university-test",
        Activity::ModelUniversity,
    )
}

fn categories(review: &Path) -> Vec<Category> {
    store::review_rows::read_categories(&store::open(review).unwrap()).unwrap()
}

fn band(label: &str, from: f64, to: f64) -> ScoreBand {
    ScoreBand {
        label: label.into(),
        from,
        to,
    }
}

fn rename(key: &str, name: &str) -> RubricChange {
    RubricChange::Edit {
        key: key.into(),
        edit: CriterionEdit {
            name_zh: Some(name.into()),
            ..CriterionEdit::default()
        },
    }
}

fn new_criterion(name: &str, max: f64, step: f64) -> NewCriterion {
    NewCriterion {
        key: None,
        name_zh: name.into(),
        name_en: String::new(),
        max_points: max,
        step,
        guidance_zh: String::new(),
        bands: Vec::new(),
        position: None,
        weight: None,
    }
}

const MU: &str = "model_university";

#[test]
fn the_clerk_fills_the_six_placeholders_with_guidance_and_bands_and_every_edit_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let review = model_university(dir.path());
    assert!(categories(&review)[0].rubric.has_placeholders());

    // Guidance alone does not fill a placeholder: it still has no name.
    let guided = RubricChange::Edit {
        key: "c1".into(),
        edit: CriterionEdit {
            guidance_zh: Some("  党委领导核心作用发挥充分，议事规则健全。 ".into()),
            bands: Some(vec![
                band(" 优 ", 15.0, 17.0),
                band("良", 12.0, 14.5),
                band("中", 9.0, 11.5),
                band("差", 0.0, 8.5),
            ]),
            ..CriterionEdit::default()
        },
    };
    let after = rubric::apply(&review, MU, &guided, false, T0, "clerk").unwrap();
    let c1 = &after.category.rubric.criteria[0];
    assert!(c1.placeholder);
    assert_eq!(c1.guidance_zh, "党委领导核心作用发挥充分，议事规则健全。");
    assert_eq!(c1.bands[0], band("优", 15.0, 17.0));

    let names = [
        "政治功能过硬",
        "班子建设过硬",
        "队伍建设过硬",
        "组织体系过硬",
        "制度机制过硬",
        "作用发挥过硬",
    ];
    for (i, name) in names.iter().enumerate() {
        rubric::apply(
            &review,
            MU,
            &rename(&format!("c{}", i + 1), name),
            false,
            T0,
            "clerk",
        )
        .unwrap();
    }
    let c = &categories(&review)[0];
    assert!(!c.rubric.has_placeholders());
    assert_eq!(c.rubric.criteria[5].name_zh, "作用发挥过硬");
    // The bands survive the reload, in the order given.
    assert_eq!(c.rubric.criteria[0].bands.len(), 4);
    assert_eq!(c.rubric.criteria[0].bands[3], band("差", 0.0, 8.5));

    // Add a seventh at the front, move it last, then remove it.
    let mut extra = new_criterion("特色创新", 10.0, 0.5);
    extra.position = Some(1);
    let added = rubric::apply(
        &review,
        MU,
        &RubricChange::Add { criterion: extra },
        false,
        T0,
        "clerk",
    )
    .unwrap();
    assert_eq!(added.category.rubric.criteria[0].key, "c7");
    assert_eq!(added.category.rubric.max_total(), 110.0);
    let moved = rubric::apply(
        &review,
        MU,
        &RubricChange::Move {
            key: "c7".into(),
            to: 7,
        },
        false,
        T0,
        "clerk",
    )
    .unwrap();
    let order: Vec<&str> = moved
        .category
        .rubric
        .criteria
        .iter()
        .map(|k| k.key.as_str())
        .collect();
    assert_eq!(order, ["c1", "c2", "c3", "c4", "c5", "c6", "c7"]);
    rubric::apply(
        &review,
        MU,
        &RubricChange::Remove { key: "c7".into() },
        false,
        T0,
        "clerk",
    )
    .unwrap();
    assert_eq!(categories(&review)[0].rubric.criteria.len(), 6);

    let log = actions(&review);
    let count = |a: &str| log.iter().filter(|x| *x == a).count();
    assert_eq!(count("rubric.criterion_changed"), 7);
    assert_eq!(count("rubric.criterion_added"), 1);
    assert_eq!(count("rubric.criterion_moved"), 1);
    assert_eq!(count("rubric.criterion_removed"), 1);
    // The entry keeps what was there before.
    let conn = store::open(&review).unwrap();
    let last_rename = last_audit_detail(&conn, "rubric.criterion_changed");
    assert!(last_rename.contains("过硬六（待填写）"), "{last_rename}");
}

#[test]
fn every_broken_rule_is_refused_in_both_languages_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let review = model_university(dir.path());
    let edit = |key: &str, edit: CriterionEdit| RubricChange::Edit {
        key: key.into(),
        edit,
    };
    let max = |m: f64| CriterionEdit {
        max_points: Some(m),
        ..CriterionEdit::default()
    };
    let step = |s: f64| CriterionEdit {
        step: Some(s),
        ..CriterionEdit::default()
    };
    let bands = |b: Vec<ScoreBand>| CriterionEdit {
        bands: Some(b),
        ..CriterionEdit::default()
    };
    let mut keyed = new_criterion("重复代码", 10.0, 1.0);
    keyed.key = Some("c2".into());
    let mut bad_key = new_criterion("代码不合规", 10.0, 1.0);
    bad_key.key = Some("C-9".into());
    let cases: Vec<(RubricChange, &str, &str)> = vec![
        (edit("c1", max(0.0)), "满分应大于 0", "maximum"),
        (edit("c1", max(f64::NAN)), "满分应大于 0", "maximum"),
        (edit("c1", step(0.0)), "步长应大于 0", "step"),
        (
            edit("c1", step(2.0)),
            "须为步长 2 的整数倍",
            "multiple of its step",
        ),
        (edit("c1", rename_edit("过硬二（待填写）")), "重复", "twice"),
        (edit("c1", rename_edit("  ")), "名称不能为空", "no name"),
        (edit("c9", max(10.0)), "没有评分指标“c9”", "no criterion c9"),
        (
            edit(
                "c1",
                bands(vec![band("优", 15.0, 17.0), band("良", 12.0, 15.0)]),
            ),
            "重叠",
            "overlap",
        ),
        (
            edit("c1", bands(vec![band("优", 15.0, 18.0)])),
            "0–17 之内",
            "within 0–17",
        ),
        (
            edit("c1", bands(vec![band("优", 14.0, 12.0)])),
            "0–17 之内",
            "upwards",
        ),
        (
            edit("c1", bands(vec![band("优", 15.2, 17.0)])),
            "整数倍",
            "multiples",
        ),
        (
            edit("c1", bands(vec![band("", 15.0, 17.0)])),
            "没有名称",
            "no label",
        ),
        (
            edit(
                "c1",
                bands(vec![band("优", 15.0, 17.0), band("优", 0.0, 1.0)]),
            ),
            "重复",
            "twice",
        ),
        (
            RubricChange::Add { criterion: keyed },
            "代码“c2”重复",
            "key c2 appears twice",
        ),
        (
            RubricChange::Add { criterion: bad_key },
            "评分指标代码",
            "criterion key",
        ),
        (
            RubricChange::Move {
                key: "c1".into(),
                to: 0,
            },
            "位置应在 1 到 6 之间",
            "position must be 1 to 6",
        ),
        (
            RubricChange::Mode {
                mode: ScoringMode::Grade,
                vote_threshold: Some(VoteThreshold::TwoThirds),
            },
            "表决通过线只用于表决类别",
            "vote categories only",
        ),
        (
            edit("c1", CriterionEdit::default()),
            "没有需要修改的内容",
            "nothing would change",
        ),
    ];
    let before = categories(&review);
    let log = actions(&review);
    for (change, zh, en) in cases {
        let e = rubric::apply(&review, MU, &change, false, T0, "clerk").unwrap_err();
        assert_eq!(e.code(), "bad_input", "{change:?}: {e:?}");
        assert!(
            e.message_zh().contains(zh),
            "{change:?}: {}",
            e.message_zh()
        );
        assert!(
            e.message_en().contains(en),
            "{change:?}: {}",
            e.message_en()
        );
        assert_eq!(categories(&review), before, "{change:?} changed the rubric");
    }
    assert_eq!(actions(&review), log);

    // A points category keeps at least one criterion.
    for k in ["c1", "c2", "c3", "c4", "c5"] {
        rubric::apply(
            &review,
            MU,
            &RubricChange::Remove { key: k.into() },
            false,
            T0,
            "clerk",
        )
        .unwrap();
    }
    let last = rubric::apply(
        &review,
        MU,
        &RubricChange::Remove { key: "c6".into() },
        false,
        T0,
        "clerk",
    )
    .unwrap_err();
    assert_says(&last, "至少要有一项评分指标");
    assert!(last.message_en().contains("at least one criterion"));
}

fn rename_edit(name: &str) -> CriterionEdit {
    CriterionEdit {
        name_zh: Some(name.into()),
        ..CriterionEdit::default()
    }
}

fn ok(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_clerk_edits_the_rubric_and_switches_the_mode_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let review = model_university(root);

    let said = ok(cli(
        root,
        &review,
        &[
            "rubric",
            "set",
            "--category",
            MU,
            "--criterion",
            "c1",
            "--name-zh",
            "政治功能过硬",
            "--name-en",
            "Political function",
            "--guidance",
            "党委领导核心作用发挥充分",
            "--band",
            "优:15-17",
            "--band",
            "良:12-14.5",
        ],
    ));
    assert!(
        said.contains("政治功能过硬") && said.contains("Criterion"),
        "{said}"
    );
    let added = ok(cli(
        root,
        &review,
        &[
            "rubric",
            "add",
            "--category",
            MU,
            "--name-zh",
            "特色创新",
            "--max",
            "10",
            "--step",
            "1",
            "--json",
        ],
    ));
    let added: serde_json::Value = serde_json::from_str(&added).unwrap();
    assert_eq!(added["category"]["rubric"]["criteria"][6]["key"], "c7");
    ok(cli(
        root,
        &review,
        &[
            "rubric",
            "move",
            "--category",
            MU,
            "--criterion",
            "c7",
            "--to",
            "1",
        ],
    ));
    ok(cli(
        root,
        &review,
        &["rubric", "remove", "--category", MU, "--criterion", "c6"],
    ));

    let shown = ok(cli(root, &review, &["rubric", "show", "--json"]));
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    let criteria = &shown[0]["category"]["rubric"]["criteria"];
    assert_eq!(criteria[0]["name_zh"], "特色创新");
    assert_eq!(criteria[1]["placeholder"], false);
    assert_eq!(criteria[1]["bands"][1]["label"], "良");
    assert_eq!(criteria[1]["bands"][1]["to"], 14.5);
    assert_eq!(criteria.as_array().unwrap().len(), 6);
    let plain = ok(cli(root, &review, &["rubric", "show"]));
    assert!(
        plain.contains("优 15–17") && plain.contains("评分要点"),
        "{plain}"
    );

    // A refusal is bilingual and changes nothing.
    let refused = cli(
        root,
        &review,
        &[
            "rubric",
            "set",
            "--category",
            MU,
            "--criterion",
            "c1",
            "--max",
            "17",
            "--step",
            "2",
        ],
    );
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("整数倍") && err.contains("multiple"), "{err}");

    // Points → vote with its threshold → grade → points again, by the existing rules.
    ok(cli(
        root,
        &review,
        &[
            "rubric",
            "mode",
            "--category",
            MU,
            "--mode",
            "vote",
            "--vote-threshold",
            "two_thirds",
        ],
    ));
    let listed = ok(cli(root, &review, &["category", "list", "--json"]));
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed[0]["rule"]["vote_threshold"], "two_thirds");
    assert_eq!(categories(&review)[0].scoring_mode, ScoringMode::Vote);
    ok(cli(
        root,
        &review,
        &["rubric", "mode", "--category", MU, "--mode", "grade"],
    ));
    assert_eq!(categories(&review)[0].scoring_mode, ScoringMode::Grade);
    ok(cli(
        root,
        &review,
        &["rubric", "mode", "--category", MU, "--mode", "points"],
    ));
    let c = &categories(&review)[0];
    assert_eq!(c.scoring_mode, ScoringMode::Criteria);
    // The criteria waited through the vote and the grade.
    assert_eq!(c.rubric.criteria.len(), 6);
    assert!(
        actions(&review)
            .iter()
            .filter(|a| *a == "category.mode_set")
            .count()
            == 3
    );
}

#[test]
fn a_rubric_file_carries_the_rubric_to_next_years_review_and_nothing_unknown_gets_in() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let this_year = model_university(root);
    rubric::apply(
        &this_year,
        MU,
        &rename("c1", "政治功能过硬"),
        false,
        T0,
        "clerk",
    )
    .unwrap();
    rubric::apply(
        &this_year,
        MU,
        &RubricChange::Edit {
            key: "c2".into(),
            edit: CriterionEdit {
                guidance_zh: Some("班子团结，分工明确".into()),
                bands: Some(vec![band("优", 15.0, 17.0)]),
                ..CriterionEdit::default()
            },
        },
        false,
        T0,
        "clerk",
    )
    .unwrap();
    let file = root.join("示范高校.pdrubric.json");
    let said = ok(cli(
        root,
        &this_year,
        &["rubric", "export", "--out", file.to_str().unwrap()],
    ));
    assert!(said.contains("示范高校.pdrubric.json"), "{said}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\"format\": \"paneldesk.rubric\""), "{text}");

    let next_dir = root.join("next");
    std::fs::create_dir_all(&next_dir).unwrap();
    let next_year = model_university(&next_dir);
    ok(cli(
        root,
        &next_year,
        &["rubric", "import", file.to_str().unwrap()],
    ));
    assert_eq!(categories(&next_year), categories(&this_year));
    assert!(actions(&next_year).contains(&"rubric.imported".to_string()));

    // Strict: an unknown field, a wrong format, a broken rule or another activity is refused
    // whole, naming why, and the review is as it was.
    let before = categories(&next_year);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let changed = |edit: fn(&mut serde_json::Value)| {
        let mut v = value.clone();
        edit(&mut v);
        v
    };
    let variants: Vec<(serde_json::Value, &str)> = vec![
        (
            changed(|v| v["categories"][0]["criteria"][0]["weighting"] = 2.into()),
            "unknown field `weighting`",
        ),
        (
            changed(|v| v["format"] = "paneldesk.panel-package".into()),
            "paneldesk.rubric",
        ),
        (changed(|v| v["version"] = 2.into()), "version 2"),
        (
            changed(|v| v["categories"][0]["criteria"][0]["step"] = 3.into()),
            "multiple of its step",
        ),
        (
            changed(|v| v["activity"] = "model_branch".into()),
            "another activity",
        ),
        (
            changed(|v| v["categories"][0]["key"] = "nowhere".into()),
            "nowhere",
        ),
    ];
    for (i, (v, expected)) in variants.into_iter().enumerate() {
        let bad = root.join(format!("bad{i}.json"));
        std::fs::write(&bad, serde_json::to_vec(&v).unwrap()).unwrap();
        let out = cli(
            root,
            &next_year,
            &["rubric", "import", bad.to_str().unwrap()],
        );
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{i}: {err}");
        assert_eq!(categories(&next_year), before);
    }
    // A repeated name is refused like in packages.
    let twice = br#"{"format":"paneldesk.rubric","format":"paneldesk.rubric","version":1}"#;
    assert_eq!(rubric::parse_file(twice).unwrap_err().code(), "bad_input");
}

/// One round whose package went out and whose five bundles came back, kept as a copy so
/// each case starts from it.
struct Received {
    _round: Round,
    pristine: PathBuf,
    bundles: Vec<PathBuf>,
}

fn received() -> &'static Received {
    static RECEIVED: OnceLock<Received> = OnceLock::new();
    RECEIVED.get_or_init(|| {
        let round = package_round(0);
        let bundles: Vec<PathBuf> = (0..5).map(|n| expert_submits(&round, n).1).collect();
        let pristine = round.root.join("pristine.pdreview");
        paneldesk::review::backup(&round.review, &pristine, T0, "clerk").unwrap();
        Received {
            _round: round,
            pristine,
            bundles,
        }
    })
}

fn fresh(dir: &Path) -> PathBuf {
    let review = dir.join("review.pdreview");
    std::fs::copy(&received().pristine, &review).unwrap();
    review
}

const SE: &str = "student_exemplar";

#[test]
fn a_packaged_rubric_is_locked_and_an_edit_confirmed_anyway_leaves_received_bundles_as_they_were() {
    let r = received();
    let dir = tempfile::tempdir().unwrap();
    let review = fresh(dir.path());
    for b in &r.bundles[..4] {
        receive(&review, &clerk_keys(), b, T0, "clerk").unwrap();
    }
    let marks = super::stored_marks(&review);
    let results =
        serde_json::to_value(compute(&review, &ResultOptions::default()).unwrap()).unwrap();
    let before = categories(&review);
    let log = actions(&review);

    // The step of c1 up to its maximum: every mark of c1 below it is now off the grid.
    let c1 = before[0].rubric.criteria[0].clone();
    let coarse = RubricChange::Edit {
        key: c1.key.clone(),
        edit: CriterionEdit {
            step: Some(c1.max_points),
            ..CriterionEdit::default()
        },
    };
    let e = rubric::apply(&review, SE, &coarse, false, T0, "clerk").unwrap_err();
    assert_eq!(e.code(), "rubric_locked");
    assert_says(&e, "不再计入");
    assert!(
        e.message_en().contains("would no longer count"),
        "{}",
        e.message_en()
    );
    assert_eq!(categories(&review), before);
    assert_eq!(actions(&review), log);
    assert_eq!(rubric::status(&review).unwrap()[0].sent.len(), 1);

    // Confirmed: the edit is made, audited, and the package is stale.
    rubric::apply(&review, SE, &coarse, true, T0, "clerk").unwrap();
    let log = actions(&review);
    assert_eq!(
        &log[log.len() - 2..],
        ["rubric.unlocked", "rubric.criterion_changed"]
    );
    assert!(rubric::status(&review).unwrap()[0].sent.is_empty());
    // The marks received stay exactly as signed and re-derive from the kept bundles…
    assert_eq!(super::stored_marks(&review), marks);
    let conn = store::open(&review).unwrap();
    let again = paneldesk::merge::rederive::rederive(&conn, &clerk_keys()).unwrap();
    assert!(again.differences.is_empty(), "{:?}", again.differences);
    drop(conn);
    // …but count for nothing now: no package is current until a new one is built.
    assert_eq!(
        compute(&review, &ResultOptions::default())
            .unwrap_err()
            .code(),
        "no_package_yet"
    );

    // The fifth bundle, arriving late, is checked against its own package's rubric (its
    // off-grid c1 marks are fine there), accepted, and said not to count.
    let late = receive(&review, &clerk_keys(), &r.bundles[4], T0, "clerk").unwrap();
    assert!(
        matches!(
            late,
            Receipt::Accepted {
                superseded: true,
                ..
            }
        ),
        "{late:?}"
    );

    // A new package carries the new rubric, and the category is locked again.
    let out = dir.path().join("again.pdpanel");
    package::build(
        &review,
        &out,
        &clerk_keys(),
        "2026-12-10",
        0,
        "2026-12-01T08:00:00Z",
        "clerk",
    )
    .unwrap();
    let opened = package::open(&out).unwrap();
    assert_eq!(
        opened.manifest.categories[0].rubric.criteria[0].step,
        c1.max_points
    );
    assert_eq!(rubric::status(&review).unwrap()[0].sent.len(), 1);
    assert_eq!(
        serde_json::to_value(compute(&review, &ResultOptions::default()).unwrap()).unwrap()
            ["categories"][0]["nominations"]
            .as_array()
            .unwrap()
            .len(),
        results["categories"][0]["nominations"]
            .as_array()
            .unwrap()
            .len()
    );
}

fn arb_band() -> impl Strategy<Value = ScoreBand> {
    ("[优良中差]", 0u32..30, 0u32..30).prop_map(|(label, a, b)| ScoreBand {
        label,
        from: f64::from(a.min(b)) * 0.5,
        to: f64::from(a.max(b)) * 0.5,
    })
}

fn arb_change() -> impl Strategy<Value = RubricChange> {
    let key = (1u32..8).prop_map(|n| format!("c{n}"));
    let points = (0u32..60).prop_map(|n| f64::from(n) * 0.5);
    prop_oneof![
        (
            key.clone(),
            proptest::option::of("[a-z甲乙丙]{0,6}"),
            proptest::option::of(points.clone()),
            proptest::option::of(prop_oneof![Just(0.5), Just(1.0), Just(3.0)]),
            proptest::option::of(proptest::collection::vec(arb_band(), 0..3)),
        )
            .prop_map(|(key, name, max, step, bands)| RubricChange::Edit {
                key,
                edit: CriterionEdit {
                    name_zh: name,
                    max_points: max,
                    step,
                    bands,
                    ..CriterionEdit::default()
                },
            }),
        (points, proptest::option::of(1u32..8)).prop_map(|(max, position)| RubricChange::Add {
            criterion: NewCriterion {
                position,
                ..new_criterion("新增指标", max, 0.5)
            }
        }),
        key.clone().prop_map(|key| RubricChange::Remove { key }),
        (key, 0u32..8).prop_map(|(key, to)| RubricChange::Move { key, to }),
        (
            prop_oneof![
                Just(ScoringMode::Criteria),
                Just(ScoringMode::Vote),
                Just(ScoringMode::Grade)
            ],
            proptest::option::of(prop_oneof![
                Just(VoteThreshold::MoreThanHalf),
                Just(VoteThreshold::TwoThirds)
            ]),
        )
            .prop_map(|(mode, vote_threshold)| RubricChange::Mode {
                mode,
                vote_threshold
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever the edits, a locked rubric refuses them all (or finds them wrong anyway),
    /// and with the lock lifted the marks already received and the bundles they re-derive
    /// from never change.
    #[test]
    fn a_locked_rubric_refuses_every_edit_and_no_edit_changes_a_received_bundle(
        changes in proptest::collection::vec(arb_change(), 1..6)
    ) {
        let r = received();
        let dir = tempfile::tempdir().unwrap();
        let review = fresh(dir.path());
        for b in &r.bundles[..2] {
            receive(&review, &clerk_keys(), b, T0, "clerk").unwrap();
        }
        let marks = super::stored_marks(&review);
        for change in &changes {
            let locked = !rubric::status(&review).unwrap()[0].sent.is_empty();
            let (before, log) = (categories(&review), actions(&review));
            let first = rubric::apply(&review, SE, change, false, T0, "clerk");
            if locked {
                let refused = match first {
                    Err(e) => e,
                    Ok(_) => return Err(TestCaseError::fail(format!("locked, yet {change:?} passed"))),
                };
                prop_assert_eq!(categories(&review), before);
                prop_assert_eq!(actions(&review), log);
                // The lock is the reason exactly when the edit itself is good.
                let confirmed = rubric::apply(&review, SE, change, true, T0, "clerk");
                prop_assert_eq!(refused.code() == "rubric_locked", confirmed.is_ok(), "{:?}", refused);
            }
        }
        prop_assert_eq!(super::stored_marks(&review), marks);
        let conn = store::open(&review).unwrap();
        let again = paneldesk::merge::rederive::rederive(&conn, &clerk_keys()).unwrap();
        prop_assert!(again.differences.is_empty(), "{:?}", again.differences);
    }
}

#[test]
fn experts_get_the_guidance_and_bands_in_their_package_and_on_the_printed_score_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let (review, _) = super::demo_review(&root, "guided", T0);
    let guided = RubricChange::Edit {
        key: "c1".into(),
        edit: CriterionEdit {
            guidance_zh: Some("理想信念坚定，政治立场鲜明".into()),
            bands: Some(vec![band("优", 18.0, 20.0), band("良", 15.0, 17.5)]),
            ..CriterionEdit::default()
        },
    };
    rubric::apply(&review, SE, &guided, false, T0, "clerk").unwrap();
    let out = root.join("guided.pdpanel");
    package::build(&review, &out, &clerk_keys(), "2026-12-10", 0, T0, "clerk").unwrap();
    let opened = package::open(&out).unwrap();
    let c1 = &opened.manifest.categories[0].rubric.criteria[0];
    assert_eq!(c1.guidance_zh, "理想信念坚定，政治立场鲜明");
    assert_eq!(c1.bands, [band("优", 18.0, 20.0), band("良", 15.0, 17.5)]);
    // Criteria without bands leave the field out: such packages read as before.
    let manifest = String::from_utf8(opened.manifest_bytes).unwrap();
    assert_eq!(manifest.matches("\"bands\"").count(), 1);

    let round = Round {
        _dir: dir,
        root,
        review,
        package: out,
    };
    let (panel, file) = expert_submits(&round, 0);
    assert_eq!(
        panel.package.categories[0].rubric.criteria[0].bands.len(),
        2
    );
    receive(&round.review, &clerk_keys(), &file, T0, "clerk").unwrap();
    let record =
        paneldesk::report::record::Record::load(&round.review, &ResultOptions::default()).unwrap();
    let sheets = paneldesk::report::documents::score_sheets(
        &record,
        None,
        &super::support::test_meta("评分表"),
    )
    .unwrap();
    let pdf = round.root.join("sheets.pdf");
    std::fs::write(&pdf, sheets).unwrap();
    let text = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout).replace('\n', "");
    assert!(text.contains("评分要点：理想信念坚定"), "{text}");
    assert!(text.contains("优 18–20；良 15–17.5"), "{text}");
}

#[test]
fn no_package_goes_out_while_a_criterion_is_still_a_placeholder() {
    // 示范高校 ships six criteria named "过硬一（待填写）" …: experts must never score
    // against wording nobody wrote.
    let dir = tempfile::tempdir().unwrap();
    let review = model_university(dir.path());
    let out = dir.path().join("m.pdpanel");
    let err =
        package::build(&review, &out, &clerk_keys(), "2026-12-10", 0, T0, "clerk").unwrap_err();
    assert_eq!(err.code(), "rubric_placeholders");
    assert_says(&err, "过硬一（待填写）");
    assert!(err.message_en().contains("rubric"), "{}", err.message_en());
    assert!(!out.exists());
    for n in 1..=6 {
        rubric::apply(
            &review,
            MU,
            &rename(&format!("c{n}"), &format!("过硬{n}")),
            false,
            T0,
            "clerk",
        )
        .unwrap();
    }
    let after = package::build(&review, &out, &clerk_keys(), "2026-12-10", 0, T0, "clerk");
    assert_ne!(
        after.map(|_| "built").unwrap_or_else(|e| e.code()),
        "rubric_placeholders"
    );
}

#[test]
fn a_rubric_file_over_one_mebibyte_is_refused_before_it_is_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let review = model_university(root);
    let before = categories(&review);
    let big = root.join("big.pdrubric.json");
    // Valid JSON padded with white space: the size alone refuses it.
    let mut text = String::from(r#"{"format":"paneldesk.rubric","version":1"#);
    text.push_str(&" ".repeat(1024 * 1024));
    text.push('}');
    std::fs::write(&big, text).unwrap();
    let out = cli(root, &review, &["rubric", "import", big.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("1 MiB") && err.contains("评分细则文件"),
        "{err}"
    );
    assert_eq!(categories(&review), before);
}
