//! The `paneldesk` binary as a script would use it: `--json` in, JSON out.

use std::process::{Command, Output};

use serde_json::Value;

fn paneldesk(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paneldesk"))
        .args(args)
        .env("PANELDESK_DATA_DIR", data)
        .output()
        .expect("paneldesk runs")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn demo_then_show_prints_the_demo_review() {
    let dir = tempfile::tempdir().unwrap();
    let out = paneldesk(dir.path(), &["demo", "--json"]);
    assert!(out.status.success());
    let created = json(&out);
    assert_eq!(created["n_nominations"], 60);
    assert_eq!(created["n_experts"], 7);

    let out = paneldesk(dir.path(), &["review", "show", "--json"]);
    assert!(out.status.success());
    let review = json(&out);
    assert_eq!(review["id"], created["id"]);
    assert_eq!(review["activity"], "student_exemplar");
    assert_eq!(review["nominations"].as_array().unwrap().len(), 60);
    assert_eq!(
        review["categories"][0]["rubric"]["criteria"][0]["name_zh"],
        "政治素质好"
    );

    // --keep-existing does not pile up demo reviews.
    let again = json(&paneldesk(
        dir.path(),
        &["demo", "--keep-existing", "--json"],
    ));
    assert_eq!(again["id"], created["id"]);
    let list = json(&paneldesk(dir.path(), &["review", "list", "--json"]));
    assert_eq!(list["reviews"].as_array().unwrap().len(), 1);
}

#[test]
fn review_new_from_a_template_then_show_by_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let out = paneldesk(
        dir.path(),
        &[
            "review",
            "new",
            "--activity",
            "样板支部",
            "--year",
            "2026",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = json(&out)["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("2026-model_branch-"));
    let shown = json(&paneldesk(
        dir.path(),
        &["review", "show", "--review", &id[..22], "--json"],
    ));
    assert_eq!(shown["categories"][0]["quota"], 100);
    assert_eq!(
        shown["categories"][0]["rubric"]["criteria"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
    let verified = json(&paneldesk(dir.path(), &["audit", "verify", "--json"]));
    assert_eq!(verified["ok"], true);
}

#[test]
fn errors_are_bilingual_with_a_code_and_a_failing_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let out = paneldesk(
        dir.path(),
        &[
            "review",
            "new",
            "--activity",
            "优秀教师",
            "--year",
            "2026",
            "--json",
        ],
    );
    assert!(!out.status.success());
    let err = json(&out);
    assert_eq!(err["error"]["code"], "unknown_activity");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("未知的评审活动"), "{stderr}");
    assert!(stderr.contains("Unknown activity"), "{stderr}");

    let out = paneldesk(dir.path(), &["review", "show", "--json"]);
    assert!(!out.status.success());
    assert_eq!(json(&out)["error"]["code"], "no_reviews");
}

#[test]
fn backup_writes_a_copy_that_opens_as_the_same_review() {
    let dir = tempfile::tempdir().unwrap();
    let created = json(&paneldesk(
        dir.path(),
        &["demo", "--nominations", "5", "--json"],
    ));
    let dest = dir.path().join("backup.pdreview");
    let out = paneldesk(
        dir.path(),
        &[
            "review",
            "backup",
            "--out",
            dest.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copy = json(&paneldesk(
        dir.path(),
        &[
            "review",
            "show",
            "--review",
            dest.to_str().unwrap(),
            "--json",
        ],
    ));
    assert_eq!(copy["id"], created["id"]);
    assert_eq!(copy["nominations"].as_array().unwrap().len(), 5);
}

#[test]
fn help_is_in_chinese_and_english() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["review", "new", "--help"],
        &["demo", "--help"],
    ] {
        let out = paneldesk(dir.path(), args);
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("显示帮助 / Show help"), "{args:?}: {text}");
    }
}

#[test]
fn template_writes_the_workbook_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("样板支部推荐汇总表.xlsx");
    let args = [
        "template",
        "--activity",
        "样板支部",
        "--year",
        "2026",
        "--out",
        dest.to_str().unwrap(),
        "--json",
    ];
    let out = paneldesk(dir.path(), &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out)["activity"], "model_branch");
    assert!(std::fs::metadata(&dest).unwrap().len() > 4000);
    let again = paneldesk(dir.path(), &args);
    assert!(!again.status.success());
    assert_eq!(json(&again)["error"]["code"], "already_exists");
}

#[test]
fn import_a_folder_exits_non_zero_only_because_of_the_file_that_failed() {
    let dir = tempfile::tempdir().unwrap();
    assert!(paneldesk(
        dir.path(),
        &["review", "new", "--activity", "标兵", "--year", "2026"]
    )
    .status
    .success());
    let batch =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workbooks/batch");
    let out = paneldesk(dir.path(), &["import", batch.to_str().unwrap(), "--json"]);
    assert!(!out.status.success(), "坏文件.xlsx could not be imported");
    let reports = json(&out);
    let reports = reports.as_array().unwrap();
    assert_eq!(reports.len(), 6);
    let imported: Vec<bool> = reports
        .iter()
        .map(|r| r["imported"].as_bool().unwrap())
        .collect();
    assert_eq!(imported, [true, true, true, false, true, true]);
    let shown = json(&paneldesk(dir.path(), &["review", "show", "--json"]));
    assert_eq!(shown["nominations"].as_array().unwrap().len(), 9);
    let flags = json(&paneldesk(dir.path(), &["review", "flags", "--json"]));
    assert_eq!(flags.as_array().unwrap().len(), 6);
}
