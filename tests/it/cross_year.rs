//! Cross-year checks at import (issue 21): a nominee or unit the register of awarded
//! units already holds from an earlier review is flagged `honoured_before`, naming the
//! earlier honour; so is a branch that is already a studio when it comes back as a
//! 样板支部. No register, no flag; a register that cannot be read refuses the import
//! before the review is touched.

use std::path::{Path, PathBuf};

use paneldesk::follow_up::{awarded_units, YearMonth};

use super::follow_up::awarded_studios;
use super::support::{
    assert_ran, run_at as cli, stdout_json as json, with_plain_sqlite, write_workbook,
};

fn new_review(data: &Path, activity: &str) -> String {
    let out = cli(
        data,
        &[
            "--json",
            "review",
            "new",
            "--activity",
            activity,
            "--year",
            "2026",
        ],
    );
    assert_ran(&out);
    json(&out)["id"].as_str().unwrap().to_string()
}

const BRANCH_HEAD: [&str; 9] = [
    "推荐单位",
    "院系名称",
    "支部名称",
    "支部类型",
    "支部书记",
    "党员人数",
    "校级样板支部认定时间",
    "联系人",
    "联系电话",
];

fn branch(university: &str, name: &str) -> Vec<String> {
    [
        university,
        "文学院",
        name,
        "教师",
        "王五",
        "23",
        "2024-05",
        "赵六",
        "13812345678",
    ]
    .map(str::to_string)
    .to_vec()
}

const STUDIO_HEAD: [&str; 9] = [
    "推荐单位",
    "院系名称",
    "支部名称",
    "支部成立时间",
    "支部书记",
    "职称",
    "是否“双带头人”",
    "联系人",
    "联系电话",
];

fn studio(university: &str, name: &str) -> Vec<String> {
    [
        university,
        "文学院",
        name,
        "2010-09",
        "王五",
        "教授",
        "是",
        "赵六",
        "13812345678",
    ]
    .map(str::to_string)
    .to_vec()
}

/// The import's flags as (name, code, message_zh), from `--json import`.
fn flags_of(reports: &serde_json::Value) -> Vec<(String, String, String)> {
    reports
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["flags"].as_array().unwrap().clone())
        .map(|f| {
            (
                f["message_zh"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
                f["message_en"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `--json import` of `book` into `review`.
fn import(data: &Path, review: &str, book: &Path) -> std::process::Output {
    cli(
        data,
        &[
            "--json",
            "import",
            "--review",
            review,
            book.to_str().unwrap(),
        ],
    )
}

fn honoured_before(flags: &[(String, String, String)]) -> Vec<&(String, String, String)> {
    flags
        .iter()
        .filter(|(_, code, _)| code == "honoured_before")
        .collect()
}

/// A new 样板支部 review in `dir/data` and a workbook of one branch for it: (data folder,
/// review id, workbook).
fn one_branch_to_import(dir: &Path) -> (PathBuf, String, PathBuf) {
    let data = dir.join("data");
    let review = new_review(&data, "样板支部");
    let book = dir.join("样板支部推荐表.xlsx");
    write_workbook(
        &book,
        &BRANCH_HEAD,
        &[branch("某大学", "文学院教工第一党支部")],
    );
    (data, review, book)
}

#[test]
fn a_unit_honoured_in_an_earlier_year_or_another_activity_is_flagged_naming_the_honour() {
    let a = awarded_studios(4);
    let units = awarded_units::view(&a.register, YearMonth::parse("2023-01").unwrap())
        .unwrap()
        .units;
    // A unit whose name and university no other unit shares, so one honour is named.
    let honoured = units
        .iter()
        .find(|u| {
            units
                .iter()
                .filter(|v| v.name == u.name && v.university == u.university)
                .count()
                == 1
        })
        .unwrap()
        .clone();
    let data = a.root.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::copy(&a.register, data.join("register.pdregister")).unwrap();

    // The same branch comes back as a 样板支部 four years later, typed with an
    // ideographic space the way clerks line names up; a new branch beside it.
    let branch_review = new_review(&data, "样板支部");
    let spaced = {
        let mut chars: Vec<char> = honoured.name.chars().collect();
        chars.insert(2, '\u{3000}');
        chars.into_iter().collect::<String>()
    };
    let book = a.root.join("样板支部推荐表.xlsx");
    write_workbook(
        &book,
        &BRANCH_HEAD,
        &[
            branch(&honoured.university, &spaced),
            branch(&honoured.university, "从未获奖的第九党支部"),
        ],
    );
    let out = import(&data, &branch_review, &book);
    assert_ran(&out);
    let flags = flags_of(&json(&out));
    let honoured_flags = honoured_before(&flags);
    assert_eq!(honoured_flags.len(), 1, "{flags:?}");
    let (zh, _, en) = honoured_flags[0];
    assert!(zh.contains("第 2 行"), "{zh}");
    for needed in [
        "2022",
        "双带头人教师党支部书记工作室",
        honoured.category_zh.as_str(),
        honoured.review_id.as_str(),
    ] {
        assert!(zh.contains(needed), "{needed} not in {zh}");
    }
    assert!(
        en.contains("2022") && en.contains(&honoured.review_id),
        "{en}"
    );
    assert!(
        !flags.iter().any(|(zh, _, _)| zh.contains("从未获奖")),
        "a branch never honoured is not flagged: {flags:?}"
    );
    // Stored as a flag of its own kind, for the clerk to settle like any other.
    let stored = json(&cli(
        &data,
        &["--json", "review", "flags", "--review", &branch_review],
    ));
    assert_eq!(
        stored
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "honoured_before" && f["status"] == "open")
            .count(),
        1,
        "{stored}"
    );

    // The same studio nominated again for the same activity.
    let studio_review = new_review(&data, "工作室");
    let book = a.root.join("工作室推荐表.xlsx");
    write_workbook(
        &book,
        &STUDIO_HEAD,
        &[
            studio(&honoured.university, &honoured.name),
            studio("另一所大学", &honoured.name),
        ],
    );
    let out = import(&data, &studio_review, &book);
    assert_ran(&out);
    let flags = flags_of(&json(&out));
    let honoured_flags = honoured_before(&flags);
    assert_eq!(
        honoured_flags.len(),
        1,
        "the same name at another university is someone else: {flags:?}"
    );
    assert!(
        honoured_flags[0].0.contains("第 2 行"),
        "{honoured_flags:?}"
    );
    assert!(honoured_flags[0].0.contains("2022"), "{honoured_flags:?}");
}

#[test]
fn without_a_register_nothing_is_flagged_and_none_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let (data, review, book) = one_branch_to_import(dir.path());
    let out = import(&data, &review, &book);
    assert_ran(&out);
    assert!(!flags_of(&json(&out))
        .iter()
        .any(|(_, code, _)| code == "honoured_before"));
    assert!(
        !data.join("register.pdregister").exists(),
        "importing never creates a register"
    );
}

#[test]
fn an_unreadable_or_foreign_register_refuses_the_import_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (data, review, book) = one_branch_to_import(dir.path());
    let register_path = data.join("register.pdregister");
    // Garbage, a truncated SQLite header, and a SQLite file that is some other program's.
    let foreign = dir.path().join("foreign.sqlite");
    with_plain_sqlite(
        &foreign,
        "CREATE TABLE awarded_unit (x TEXT); INSERT INTO awarded_unit VALUES ('y');",
    );
    let cases: Vec<Vec<u8>> = vec![
        b"this is not a register at all".repeat(200),
        b"SQLite format 3\0".to_vec(),
        std::fs::read(&foreign).unwrap(),
    ];
    for bytes in cases {
        std::fs::write(&register_path, &bytes).unwrap();
        let out = import(&data, &review, &book);
        assert!(!out.status.success());
        let answer = json(&out);
        assert_eq!(answer["error"]["code"], "register_unreadable", "{answer}");
        let zh = answer["error"]["message_zh"].as_str().unwrap();
        assert!(zh.contains("register.pdregister"), "{zh}");
        assert!(zh.contains("登记册"), "{zh}");
        let en = answer["error"]["message_en"].as_str().unwrap();
        assert!(en.contains("register"), "{en}");
        assert_eq!(
            std::fs::read(&register_path).unwrap(),
            bytes,
            "the register is only read"
        );
        let shown = json(&cli(
            &data,
            &["--json", "review", "show", "--review", &review],
        ));
        assert_eq!(
            shown["nominations"].as_array().unwrap().len(),
            0,
            "nothing imported"
        );
        assert!(cli(&data, &["audit", "verify", "--review", &review])
            .status
            .success());
    }
}
