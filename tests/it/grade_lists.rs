//! A grade category's own grade list (issue 22): the clerk sets it before packages go out
//! (checked, audited, locked once a package went out, kept in the rubric file), the
//! package carries it, the experts grade from it, a bundle naming a grade off its
//! package's list is refused, the paper sheet prints it and keys by it, and grades combine
//! by the majority on the list with a grade that does not pass never in.

use std::path::{Path, PathBuf};

use paneldesk::activity::Activity;
use paneldesk::demo::{self, DemoSpec};
use paneldesk::merge::collect::{receive, Receipt};
use paneldesk::model::marks::Grade;
use paneldesk::model::ScoringMode;
use paneldesk::scoring::panel;
use paneldesk::{package, paper, store};

use super::results_rules::{pdf_text, printed_text, squeezed};
use super::scoring_round::randomness;
use super::support::{audit_actions, clerk_cli, clerk_ok, paneldesk_at, stdout_json};
use super::trust::{expert_key, genuine_items, outcome, Forged};
use super::{clerk_keys, register_key, T0};

const KEY: &str = "student_exemplar";

/// 优秀 / 合格 / 不合格, of which 不合格 does not pass: what `rubric grades` is given.
const LIST: [&str; 3] = [
    "A:优秀:Excellent:pass",
    "B:合格:Pass:pass",
    "C:不合格:Fail:fail",
];

struct Graded {
    _dir: tempfile::TempDir,
    root: PathBuf,
    review: PathBuf,
}

impl Graded {
    fn path(&self) -> &str {
        self.review.to_str().unwrap()
    }

    /// `rubric …` on the clerk's laptop for the category, with `extra`.
    fn rubric(&self, command: &str, extra: &[&str]) -> (bool, String, String) {
        let head = [
            "rubric",
            command,
            "--review",
            self.path(),
            "--category",
            KEY,
        ];
        clerk_cli(&self.root, &[&head[..], extra].concat())
    }
}

/// `--grade A:优秀:Excellent:pass …` for each of `list`.
fn grade_args<'a>(list: &[&'a str]) -> Vec<&'a str> {
    list.iter().flat_map(|g| ["--grade", *g]).collect()
}

/// A 大学生党员标兵 review of `n` nominations and five experts from no nominating
/// university (so only what a test does recuses anyone), set by the command line to be
/// graded on `LIST`.
fn graded_review(n: usize) -> Graded {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let review = root.join("graded.pdreview");
    let spec = DemoSpec {
        activity: Activity::StudentExemplar,
        year: 2026,
        n_nominations: n,
        n_experts: 5,
        seed: 7,
    };
    demo::create(&review, "graded", &spec, T0).unwrap();
    store::open(&review)
        .unwrap()
        .execute("UPDATE expert SET institution = '省评审专家库' || id", [])
        .unwrap();
    let g = Graded {
        _dir: dir,
        root,
        review,
    };
    let (ok, _, err) = g.rubric("mode", &["--mode", "grade"]);
    assert!(ok, "{err}");
    let (ok, out, err) = g.rubric("grades", &grade_args(&LIST));
    assert!(ok, "{err}");
    assert!(out.contains("不合格") && out.contains("不通过"), "{out}");
    g
}

fn category(review: &Path) -> paneldesk::model::Category {
    store::review_rows::read_categories(&store::open(review).unwrap())
        .unwrap()
        .into_iter()
        .find(|c| c.key == KEY)
        .unwrap()
}

/// The package of the whole review, built by the library under `root`.
fn package_of(g: &Graded, name: &str) -> PathBuf {
    let file = g.root.join(name);
    package::build(
        &g.review,
        &file,
        &clerk_keys(),
        "2026-12-10",
        0,
        T0,
        "clerk",
    )
    .unwrap();
    file
}

#[test]
fn a_validly_signed_bundle_naming_a_grade_off_its_packages_list_is_refused() {
    let g = graded_review(4);
    let file = package_of(&g, "graded.pdpanel");
    let manifest = package::open(&file).unwrap().manifest;
    let expert = manifest.experts[0].clone();

    // Expert 0 enrols (the key registered in the room) and grades honestly from the list.
    let mut laptop = panel::import_package(&g.root.join("expert0"), &file, T0).unwrap();
    let enrolment = laptop
        .enrol(expert.id, "quiet harbour 975300", randomness(0), T0)
        .unwrap();
    register_key(&g.review, expert.id, &enrolment.fingerprint);
    let ids: Vec<i64> = manifest.nominations.iter().map(|n| n.id).collect();
    // The laptop itself refuses a grade off the list, naming the list in both languages.
    let err = laptop
        .set_grade(ids[0], Some(Grade::from("excellent")), T0)
        .unwrap_err();
    assert_eq!(err.code(), "unknown_grade");
    assert!(
        err.message_zh().contains("优秀、合格、不合格"),
        "{}",
        err.message_zh()
    );
    assert!(err.message_en().contains("A, B, C"), "{}", err.message_en());
    for id in &ids {
        laptop.set_grade(*id, Some(Grade::from("B")), T0).unwrap();
    }
    let stick = g.root.join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    let genuine = laptop
        .submit("quiet harbour 975300", &stick, T0, 1_000_000)
        .unwrap();
    let items = genuine_items(Path::new(&genuine.file));

    // The same key signs bundles whose grades the package's list does not hold: a key of
    // the default list, a name instead of a key, and a made-up key.
    let key = expert_key(0);
    let forged_dir = g.root.join("forged");
    std::fs::create_dir_all(&forged_dir).unwrap();
    for (i, off_list) in ["excellent", "优秀", "platinum"].iter().enumerate() {
        let mut edited = items.clone();
        edited[1].grade = Some(Grade::from(*off_list));
        let at = edited[1].nomination_id.to_string();
        let forged = Forged::new(&file, expert.id, &key)
            .items(edited)
            .write(&forged_dir.join(format!("{i}.pdresult")), &key);
        let r = receive(&g.review, &clerk_keys(), &forged, T0, "clerk").unwrap();
        assert_eq!(outcome(&r), "unknown_grade", "{off_list}");
        let Receipt::Refused {
            message_zh,
            message_en,
            ..
        } = r
        else {
            unreachable!()
        };
        // Located: the nomination, and the grade it named, in both languages.
        assert!(
            message_zh.contains(&format!("推荐对象 {at}")) && message_zh.contains(off_list),
            "{message_zh}"
        );
        assert!(
            message_en.contains(&at) && message_en.contains(off_list),
            "{message_en}"
        );
    }
    assert!(super::stored_marks(&g.review).is_empty(), "nothing counted");
    // The genuine bundle still goes in.
    let r = receive(
        &g.review,
        &clerk_keys(),
        Path::new(&genuine.file),
        T0,
        "clerk",
    )
    .unwrap();
    assert_eq!(outcome(&r), "accepted");
}

/// The known answer: what each of the five experts gave each nomination, on `LIST`.
///  0: A A A A B — 优秀
///  1: A A B B C — 优秀 and 合格 tie on two: the lower, 合格, flagged
///  2: B B B C C — 合格
///  3: C C C A A — 不合格: never in, though the quota has room
///  4: B B C C A — 合格 and 不合格 tie on two: 不合格, flagged, out
const BALLOTS: [[&str; 5]; 5] = [
    ["A", "A", "A", "A", "B"],
    ["A", "A", "B", "B", "C"],
    ["B", "B", "B", "C", "C"],
    ["C", "C", "C", "A", "A"],
    ["B", "B", "C", "C", "A"],
];

/// What expert `e` types for grade `key`: the keys on some laptops, the names on others.
fn typed(e: usize, key: &str) -> &'static str {
    let at = ["A", "B", "C"].iter().position(|k| *k == key).unwrap();
    if e % 2 == 0 {
        ["优秀", "合格", "不合格"][at]
    } else {
        ["A", "b", "Fail"][at]
    }
}

/// `paneldesk args` on an expert's laptop with their passphrase.
fn expert_cli(laptop: &Path, passphrase: &str, args: &[&str]) -> std::process::Output {
    paneldesk_at(laptop)
        .env("PANELDESK_PASSPHRASE", passphrase)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_three_grade_list_combines_by_majority_and_a_failing_grade_stays_out_whatever_the_quota() {
    let g = graded_review(BALLOTS.len());
    let review = g.path();
    let root = &g.root;
    // A quota larger than the list (and than the grades that pass).
    clerk_ok(
        root,
        &[
            "category",
            "quota",
            "--review",
            review,
            "--category",
            KEY,
            "--quota",
            "4",
        ],
    );
    let stick = root.join("stick");
    let bundles = root.join("bundles");
    std::fs::create_dir_all(&stick).unwrap();
    std::fs::create_dir_all(&bundles).unwrap();
    let file = stick.join("graded.pdpanel");
    let file_arg = file.to_str().unwrap();
    clerk_ok(
        root,
        &[
            "package",
            "--review",
            review,
            "--out",
            file_arg,
            "--closes",
            "2026-12-10",
        ],
    );
    let manifest = package::open(&file).unwrap().manifest;
    let names: Vec<&str> = manifest.categories[0].grades.names_zh();
    assert_eq!(
        names,
        ["优秀", "合格", "不合格"],
        "the package carries the list"
    );
    let mut ids: Vec<i64> = manifest.nominations.iter().map(|n| n.id).collect();
    ids.sort();

    // Five experts grade on their own laptops by the command line and submit.
    for (e, expert) in manifest.experts.iter().enumerate() {
        let laptop = root.join(format!("expert{e}"));
        let pass = format!("quiet harbour 9753{e:02}");
        let out = expert_cli(&laptop, &pass, &["expert", "open", file_arg]);
        assert!(out.status.success(), "{out:?}");
        let enrolled = stdout_json(&expert_cli(
            &laptop,
            &pass,
            &["expert", "enrol", "--name", &expert.name, "--json"],
        ));
        let fingerprint = enrolled["fingerprint"].as_str().unwrap();
        clerk_ok(
            root,
            &[
                "roster",
                "register",
                &expert.id.to_string(),
                "--fingerprint",
                fingerprint,
                "--review",
                review,
            ],
        );
        let mut csv = String::from("nomination,what,value\n");
        for (i, id) in ids.iter().enumerate() {
            csv.push_str(&format!("{id},grade,{}\n", typed(e, BALLOTS[i][e])));
        }
        let csv_file = laptop.join("grades.csv");
        std::fs::write(&csv_file, csv).unwrap();
        let out = expert_cli(
            &laptop,
            &pass,
            &["expert", "score", csv_file.to_str().unwrap()],
        );
        assert!(out.status.success(), "{out:?}");
        let out = expert_cli(
            &laptop,
            &pass,
            &["expert", "submit", "--out", bundles.to_str().unwrap()],
        );
        assert!(out.status.success(), "{out:?}");
    }
    clerk_ok(
        root,
        &["merge", "--review", review, bundles.to_str().unwrap()],
    );

    let results = |root: &Path| {
        stdout_json(
            &paneldesk_at(&super::support::clerk_data(root))
                .args(["--json", "results", "--review", review])
                .output()
                .unwrap(),
        )
    };
    let json = results(root);
    let category = &json["categories"][0];
    let row = |json: &serde_json::Value, i: usize| {
        json["categories"][0]["nominations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["nomination_id"] == ids[i])
            .unwrap()
            .clone()
    };
    let seen: Vec<(String, u64, f64, String, bool)> = (0..5)
        .map(|i| {
            let n = row(&json, i);
            (
                n["grade"].as_str().unwrap().to_string(),
                n["rank"].as_u64().unwrap(),
                n["score"].as_f64().unwrap(),
                n["cut"].as_str().unwrap().to_string(),
                n["flags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["kind"] == "grade_tie"),
            )
        })
        .collect();
    let expect =
        |g: &str, rank, score, cut: &str, tie| (g.to_string(), rank, score, cut.to_string(), tie);
    assert_eq!(
        seen,
        [
            expect("A", 1, 2.0, "in", false),
            expect("B", 2, 1.0, "in", true),
            expect("B", 2, 1.0, "in", false),
            expect("C", 4, 0.0, "out", false),
            expect("C", 4, 0.0, "out", true),
        ],
        "majority on the list (a tie takes the lower grade); 不合格 out with a place left"
    );
    assert_eq!(category["grades"][2]["name_zh"], "不合格");
    assert_eq!(category["grades"][2]["passes"], false);

    // A quota of two: the two 合格 straddle the cut and the panel decides; 不合格 may
    // not be decided in, only a new vote (会评) could.
    clerk_ok(
        root,
        &[
            "category",
            "quota",
            "--review",
            review,
            "--category",
            KEY,
            "--quota",
            "2",
        ],
    );
    let two = results(root);
    let cuts: Vec<String> = (0..5)
        .map(|i| row(&two, i)["cut"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(cuts, ["in", "tied", "tied", "out", "out"]);
    let decide = |i: usize, how: &str| {
        clerk_cli(
            root,
            &[
                "decide",
                "--review",
                review,
                "--nomination",
                &ids[i].to_string(),
                how,
                "--reason",
                "评审组表决",
            ],
        )
    };
    let (ok, _, err) = decide(3, "--in");
    assert!(
        !ok && err.contains("不通过") && err.contains("会评"),
        "{err}"
    );
    assert!(err.contains("does not pass"), "{err}");
    let (ok, _, err) = decide(1, "--in");
    assert!(ok, "{err}");
    let (ok, _, err) = decide(2, "--out");
    assert!(ok, "{err}");
    let settled = results(root);
    let cuts: Vec<String> = (0..5)
        .map(|i| row(&settled, i)["cut"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(cuts, ["in", "in", "out", "out", "out"]);

    // The 汇总表 names the grades by the list and says which did not pass.
    let text = printed_text(root, &["report", "summary"], review, "汇总表.pdf");
    assert!(
        text.contains("不合格") && text.contains("等级未通过"),
        "{text}"
    );
    assert!(!text.contains("良好"), "not the default list: {text}");
    assert!(
        text.contains("该等级为不通过的不入选"),
        "the rule in words: {text}"
    );
    // Each expert's score sheet lists the grades they chose from.
    let sheets = printed_text(root, &["report", "sheets"], review, "评分表.pdf");
    assert!(
        sheets.contains("等级（由高到低）：优秀、合格、不合格；不合格为不通过"),
        "{sheets}"
    );
}

#[test]
fn the_grade_list_is_checked_audited_kept_in_the_rubric_file_and_locked_once_sent() {
    let g = graded_review(3);
    let c = category(&g.review);
    assert_eq!(c.grades.names_zh(), ["优秀", "合格", "不合格"]);
    assert!(audit_actions(&g.review).contains(&"rubric.grades_set".to_string()));

    // Lists that cannot be are refused in both languages and change nothing.
    let refused: [&[&str]; 7] = [
        &["A:优秀:Excellent:pass"],
        &["A:优秀:Excellent:pass", "B:优秀:Good:pass"],
        &["A:优秀:Excellent:pass", "a:良好:Good:pass"],
        &["A:优秀:Excellent:fail", "B:合格:Pass:pass"],
        &["A:优秀:Excellent:fail", "B:合格:Pass:fail"],
        &["甲:优秀:Excellent:pass", "B:合格:Pass:fail"],
        &["A:回避:Excellent:pass", "B:合格:Pass:fail"],
    ];
    for list in refused {
        let (ok, _, err) = g.rubric("grades", &grade_args(list));
        assert!(!ok, "{list:?} accepted");
        assert!(
            err.contains("等级") && err.contains("grade"),
            "{list:?}: {err}"
        );
        assert_eq!(category(&g.review).grades, c.grades, "{list:?}");
    }
    let (ok, _, err) = g.rubric("grades", &["--grade", "A:优秀:pass"]);
    assert!(!ok && err.contains("代码:中文名称:英文名称"), "{err}");
    let (ok, out, _) = g.rubric("show", &[]);
    assert!(
        ok && out.contains("不合格 / Fail [C]（不通过 fails）"),
        "{out}"
    );

    // The rubric file takes the list to next year's review; a file without one (as files
    // from before lists) means the default list.
    let file = g.root.join("graded.pdrubric.json");
    let (ok, _, err) = clerk_cli(
        &g.root,
        &[
            "rubric",
            "export",
            "--review",
            g.path(),
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&file).unwrap();
    let exported: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(exported["categories"][0]["grades"][2]["key"], "C");
    assert_eq!(exported["categories"][0]["grades"][2]["passes"], false);
    let next = graded_review(2);
    next.rubric("grades", &["--default"]);
    assert!(category(&next.review).grades.is_default());
    let import = |g: &Graded, file: &Path| {
        clerk_cli(
            &g.root,
            &[
                "rubric",
                "import",
                "--review",
                g.path(),
                file.to_str().unwrap(),
            ],
        )
    };
    let (ok, _, err) = import(&next, &file);
    assert!(ok, "{err}");
    assert_eq!(category(&next.review).grades, c.grades);
    let mut without = exported.clone();
    without["categories"][0]
        .as_object_mut()
        .unwrap()
        .remove("grades");
    let old = next.root.join("old.pdrubric.json");
    std::fs::write(&old, serde_json::to_vec(&without).unwrap()).unwrap();
    let (ok, _, err) = import(&next, &old);
    assert!(ok, "{err}");
    assert!(category(&next.review).grades.is_default());
    // A list on a category scored by points is refused, naming why.
    let mut on_points = exported.clone();
    on_points["categories"][0]["scoring_mode"] = "criteria".into();
    let wrong = next.root.join("wrong.pdrubric.json");
    std::fs::write(&wrong, serde_json::to_vec(&on_points).unwrap()).unwrap();
    let (ok, _, err) = import(&next, &wrong);
    assert!(!ok && err.contains("等级表只用于评定等级的类别"), "{err}");

    // The default list leaves packages as they were; an own list travels in them.
    let plain = package_of(&next, "plain.pdpanel");
    let bytes = package::open(&plain).unwrap().manifest_bytes;
    assert!(!String::from_utf8(bytes).unwrap().contains("\"grades\""));
    let sent = package_of(&g, "sent.pdpanel");
    let manifest = package::open(&sent).unwrap();
    assert!(String::from_utf8(manifest.manifest_bytes)
        .unwrap()
        .contains("\"grades\""));

    // Once the package went out the list is locked; an unlock makes that package stale.
    let two = ["A:通过:Pass:pass", "B:不通过:Fail:fail"];
    let (ok, _, err) = g.rubric("grades", &grade_args(&two));
    assert!(!ok && err.contains("--unlock"), "{err}");
    assert_eq!(category(&g.review).grades, c.grades);
    let (ok, _, err) = g.rubric("grades", &[&grade_args(&two)[..], &["--unlock"]].concat());
    assert!(ok, "{err}");
    assert_eq!(category(&g.review).grades.names_zh(), ["通过", "不通过"]);
    let stale: Option<String> = store::open(&g.review)
        .unwrap()
        .query_row(
            "SELECT stale_at FROM panel_package WHERE hash = ?1",
            [&manifest.hash],
            |r| r.get(0),
        )
        .unwrap();
    assert!(stale.is_some(), "the package that went out is stale");
    let actions = audit_actions(&g.review);
    let unlocked = actions
        .iter()
        .rposition(|a| a == "rubric.unlocked")
        .unwrap();
    assert_eq!(actions[unlocked + 1], "rubric.grades_set");

    // Leaving grade mode drops the list: it belongs to the mode.
    let (ok, _, err) = g.rubric("mode", &["--mode", "points", "--unlock"]);
    assert!(ok, "{err}");
    let (ok, _, err) = g.rubric("mode", &["--mode", "grade", "--unlock"]);
    assert!(ok, "{err}");
    assert!(category(&g.review).grades.is_default());
    let (ok, _, err) = g.rubric("mode", &["--mode", "points", "--unlock"]);
    assert!(ok, "{err}");
    let (ok, _, err) = g.rubric("grades", &[&grade_args(&LIST)[..], &["--unlock"]].concat());
    assert!(!ok && err.contains("等级表只用于评定等级的类别"), "{err}");
}

#[test]
fn a_paper_sheet_prints_the_categorys_list_and_keys_its_names_or_keys() {
    let g = graded_review(3);
    package_of(&g, "graded.pdpanel");
    let expert = category_expert(&g.review);
    let sheets = paper::sheets(&g.review, expert).unwrap();
    let sheet = &sheets[0];
    assert_eq!(sheet.sections[0].category.scoring_mode, ScoringMode::Grade);
    let pdf = g.root.join("纸质评分表.pdf");
    let bytes =
        paneldesk::report::paper_sheet::print(&sheets, &super::support::test_meta("纸质评分表"))
            .unwrap();
    std::fs::write(&pdf, bytes).unwrap();
    let text = squeezed(&pdf_text(&pdf));
    assert!(
        text.contains("等级：在“优秀”“合格”“不合格”中选一项打“√”"),
        "{text}"
    );
    assert!(!text.contains("良好"), "{text}");

    let rows: Vec<&str> = sheet.sections[0]
        .rows
        .iter()
        .map(|r| r.code.as_str())
        .collect();
    let entry = |grades: [&str; 3]| {
        rows.iter()
            .zip(grades)
            .map(|(code, grade)| format!("{code},{grade},材料翔实"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let key = |by: &str, marks: String| {
        paper::key(
            &g.review,
            &paper::Keying {
                expert_id: expert,
                sheet_id: sheet.sheet_id.clone(),
                by: by.into(),
                marks,
                source: "entry.csv".into(),
            },
            T0,
            "clerk",
        )
    };
    // A grade of the default list is not one of this sheet's.
    let err = key("王录入", entry(["优秀", "良好", "合格"])).unwrap_err();
    assert!(
        err.message_zh().contains("等级应为 优秀、合格、不合格"),
        "{}",
        err.message_zh()
    );
    assert!(err.message_en().contains("line 2"), "{}", err.message_en());
    // Names and keys, in any case, key the same marks.
    let first = key("王录入", entry(["优秀", "合格", "不合格"])).unwrap();
    assert!(matches!(first, paper::Keyed::Waiting { .. }), "{first:?}");
    let second = key("李录入", entry(["a", "Pass", "C"])).unwrap();
    assert!(
        matches!(second, paper::Keyed::Recorded { .. }),
        "{second:?}"
    );
}

/// The first expert of the review's roster.
fn category_expert(review: &Path) -> i64 {
    store::experts::read_all(&store::open(review).unwrap()).unwrap()[0].id
}
