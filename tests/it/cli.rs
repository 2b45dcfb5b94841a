//! The `paneldesk` binary as a script would use it: `--json` in, JSON out.

use std::process::{Command, Output};

use serde_json::Value;

fn paneldesk(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paneldesk"))
        .args(args)
        .env("PANELDESK_DATA_DIR", data)
        .env(
            "PANELDESK_CLERK_PASSPHRASE",
            super::keys_at_rest::CLERK_PASSPHRASE,
        )
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
    // The anchor as a document printed it checks out; one the log does not hold fails.
    let head = format!(
        "{}:{}",
        verified["head"]["seq"],
        verified["head"]["hash"].as_str().unwrap()
    );
    let out = paneldesk(
        dir.path(),
        &["audit", "verify", "--anchor", &head, "--json"],
    );
    assert!(out.status.success());
    assert_eq!(json(&out)["anchor_checked"], head.as_str());
    let again = json(&paneldesk(dir.path(), &["results", "verify", "--json"]));
    assert_eq!(again["ok"], true);
    assert_eq!(again["head"], verified["head"]);
    let forged = format!("{}:{}", verified["head"]["seq"], "0".repeat(64));
    let out = paneldesk(
        dir.path(),
        &["audit", "verify", "--anchor", &forged, "--json"],
    );
    assert!(!out.status.success());
    assert_eq!(json(&out)["error"]["code"], "anchor_not_found");
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
    // The xls and the ods lack columns: said once for each file, not flagged on its rows.
    assert_eq!(flags.as_array().unwrap().len(), 4);
}

fn paneldesk_with_pin(data: &std::path::Path, pin: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paneldesk"))
        .args(args)
        .env("PANELDESK_DATA_DIR", data)
        .env("PANELDESK_PASSPHRASE", pin)
        .output()
        .expect("paneldesk runs")
}

#[test]
fn a_whole_round_from_the_command_line_package_enrol_score_submit_verify() {
    let dir = tempfile::tempdir().unwrap();
    let clerk = dir.path().join("clerk");
    let expert = dir.path().join("expert");
    let stick = dir.path().join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    let package = stick.join("panel.pdpanel");
    let package_arg = package.to_str().unwrap();
    assert!(
        paneldesk(&clerk, &["demo", "--nominations", "4", "--experts", "2"])
            .status
            .success()
    );
    let built = paneldesk(
        &clerk,
        &[
            "package",
            "--out",
            package_arg,
            "--closes",
            "2026-12-10",
            "--json",
        ],
    );
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let built = json(&built);
    assert_eq!(built["nominations"], 4);

    let opened = json(&paneldesk(
        &expert,
        &["expert", "open", package_arg, "--json"],
    ));
    assert_eq!(opened["hash"], built["hash"]);
    assert_eq!(opened["clerk_fingerprint"], built["clerk_fingerprint"]);
    let name = opened["experts"][1]["name"].as_str().unwrap().to_string();
    let enrolled = paneldesk_with_pin(&expert, "97531", &["expert", "enrol", "--name", &name]);
    assert!(!enrolled.status.success(), "a five-digit PIN is too short");
    assert!(String::from_utf8_lossy(&enrolled.stderr).contains("口令"));
    let enrolled = json(&paneldesk_with_pin(
        &expert,
        "quiet harbour 975310",
        &["expert", "enrol", "--name", &name, "--json"],
    ));
    let fingerprint = enrolled["fingerprint"].as_str().unwrap().to_string();

    // Score every nomination not recused, from a CSV as an expert might type it.
    let status = json(&paneldesk(&expert, &["expert", "status", "--json"]));
    let review = json(&paneldesk(&clerk, &["review", "show", "--json"]));
    let mut csv = String::from("nomination,what,value\n");
    for item in status["incomplete"].as_array().unwrap() {
        let id = item["nomination_id"].as_i64().unwrap();
        let category = review["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == item["category_key"])
            .unwrap();
        for c in category["rubric"]["criteria"].as_array().unwrap() {
            csv.push_str(&format!(
                "{id},{},{}\n",
                c["key"].as_str().unwrap(),
                c["step"]
            ));
        }
        csv.push_str(&format!("{id},comment,事迹突出, 建议推荐\n"));
    }
    let csv_path = dir.path().join("scores.csv");
    std::fs::write(&csv_path, &csv).unwrap();
    let scored = paneldesk(&expert, &["expert", "score", csv_path.to_str().unwrap()]);
    assert!(
        scored.status.success(),
        "{}",
        String::from_utf8_lossy(&scored.stderr)
    );

    // A bad line is refused with its line number, and nothing after it is applied.
    std::fs::write(&csv_path, "1,c1,999\n").unwrap();
    let bad = paneldesk(&expert, &["expert", "score", csv_path.to_str().unwrap()]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("第 1 行") && err.contains("line 1"), "{err}");

    let wrong = paneldesk_with_pin(
        &expert,
        "000000",
        &["expert", "submit", "--out", stick.to_str().unwrap()],
    );
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("口令不正确"));
    let submitted = json(&paneldesk_with_pin(
        &expert,
        "quiet harbour 975310",
        &[
            "expert",
            "submit",
            "--out",
            stick.to_str().unwrap(),
            "--json",
        ],
    ));
    assert_eq!(submitted["sequence"], 1);
    assert_eq!(submitted["fingerprint"], fingerprint.as_str());

    // The clerk verifies both files; a damaged copy fails with a reason and exit status 1.
    let bundle = submitted["file"].as_str().unwrap();
    let verified = paneldesk(&clerk, &["verify", package_arg, bundle, "--json"]);
    assert!(verified.status.success());
    let verified = json(&verified);
    assert_eq!(verified[0]["kind"], "panel_package");
    assert_eq!(verified[1]["kind"], "result_bundle");
    assert_eq!(verified[1]["fingerprint"], fingerprint.as_str());
    let damaged = dir.path().join("damaged.pdresult");
    let mut bytes = std::fs::read(bundle).unwrap();
    let mid = bytes.len() / 3;
    bytes[mid] ^= 0xff;
    std::fs::write(&damaged, bytes).unwrap();
    let out = paneldesk(&clerk, &["verify", damaged.to_str().unwrap(), "--json"]);
    assert!(!out.status.success());
    let report = json(&out);
    assert_eq!(report[0]["ok"], false);
    assert!(report[0]["error"]["message_zh"]
        .as_str()
        .unwrap()
        .contains("已拒收"));
}
