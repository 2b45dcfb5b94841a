//! The `paneldesk` binary as a script would use it: `--json` in, JSON out.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use super::support::{
    assert_ran, cli_demo_packaged, run_unlocked as paneldesk, stdout_json as json,
};

/// A demonstration review of `nominations` nominations, as `demo --json` tells it.
fn demo(data: &Path, nominations: &str) -> Value {
    json(&paneldesk(
        data,
        &["demo", "--nominations", nominations, "--json"],
    ))
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
    let out = paneldesk(dir.path(), NEW_MODEL_BRANCH);
    assert_ran(&out);
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

/// A new 样板支部 review.
const NEW_MODEL_BRANCH: &[&str] = &[
    "review",
    "new",
    "--activity",
    "样板支部",
    "--year",
    "2026",
    "--json",
];

/// A new review of an activity PanelDesk does not know: refused.
const UNKNOWN_ACTIVITY: &[&str] = &[
    "review",
    "new",
    "--activity",
    "优秀教师",
    "--year",
    "2026",
    "--json",
];

#[test]
fn errors_are_bilingual_with_a_code_and_a_failing_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let out = paneldesk(dir.path(), UNKNOWN_ACTIVITY);
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
    let created = demo(dir.path(), "5");
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
    assert_ran(&out);
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
    assert_ran(&out);
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
    let built = cli_demo_packaged(&clerk, "4", "2", &package);
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
    assert_ran(&scored);

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

#[test]
fn category_rules_are_told_in_sentences_not_debug_dumps() {
    let dir = tempfile::tempdir().unwrap();
    let created = demo(dir.path(), "3");
    let key = json(&paneldesk(dir.path(), &["category", "list", "--json"]))[0]["category"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(created["id"].is_string());

    let listed = paneldesk(dir.path(), &["category", "list"]);
    assert!(listed.status.success());
    let text = String::from_utf8_lossy(&listed.stdout);
    assert!(
        text.contains("汇总规则：") && text.contains("Rule: "),
        "{text}"
    );
    assert!(
        text.find("汇总规则：") < text.find("Rule: "),
        "Chinese first: {text}"
    );
    for dump in ["CategoryRule", "Some(", "{ ", "Mean", "MoreTopMarks"] {
        assert!(!text.contains(dump), "a Debug dump ({dump}): {text}");
    }

    let set = paneldesk(
        dir.path(),
        &["category", "rule", "--category", &key, "--method", "median"],
    );
    assert_ran(&set);
    let text = String::from_utf8_lossy(&set.stdout);
    assert!(
        text.contains("取中位数") && text.contains("median") && !text.contains("Median"),
        "{text}"
    );
}

#[test]
fn the_command_line_adds_what_to_type_to_an_error_whose_message_names_no_command() {
    let dir = tempfile::tempdir().unwrap();
    // No review yet: the message says so, the hint names the commands that make one.
    let out = paneldesk(dir.path(), &["review", "show", "--json"]);
    assert!(!out.status.success());
    let error = &json(&out)["error"];
    assert_eq!(error["code"], "no_reviews");
    assert!(!error["message_zh"].as_str().unwrap().contains("paneldesk"));
    assert!(error["hint_zh"]
        .as_str()
        .unwrap()
        .contains("paneldesk demo"));
    assert!(error["hint_en"]
        .as_str()
        .unwrap()
        .contains("paneldesk demo"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let (message, hint) = stderr
        .split_once("提示：")
        .expect("a hint after the message");
    assert!(
        message.contains("错误：") && message.contains("Error:"),
        "{stderr}"
    );
    assert!(!message.contains("paneldesk"), "{stderr}");
    assert!(
        hint.contains("paneldesk demo") && hint.contains("Hint:"),
        "{stderr}"
    );

    assert!(paneldesk(dir.path(), &["demo", "--nominations", "3"])
        .status
        .success());
    let out = paneldesk(dir.path(), &["nomination", "show", "--id", "99999"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("找不到编号为 99999 的推荐对象")
            && stderr.contains("提示：可用 `paneldesk review show` 查看")
            && stderr.contains("Hint: `paneldesk review show` lists them"),
        "{stderr}"
    );

    // An error with nothing to type next gets no hint, in either form.
    let out = paneldesk(dir.path(), UNKNOWN_ACTIVITY);
    let error = &json(&out)["error"];
    assert_eq!(error["code"], "unknown_activity");
    assert!(
        error.get("hint_zh").is_none() && error.get("hint_en").is_none(),
        "{error}"
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("提示："));
}

/// The core's messages are shown by the desktop app too: none names a command to type.
#[test]
fn no_core_message_names_a_command_line() {
    use paneldesk::Error;
    let errors = [
        Error::UnknownCategory { key: "x".into() },
        Error::CertificateIssuerMissing,
        Error::NoPackageYet,
        Error::RubricPlaceholders {
            category_zh: "甲".into(),
            category_en: "A".into(),
            criteria: vec!["c1".into()],
        },
        Error::ClerkPassphraseNeeded,
        Error::ReviewNotFound {
            reference: "2026".into(),
        },
        Error::NoReviews,
        Error::FlagNotFound { flag_id: 1 },
        Error::ObjectionNotFound { id: 1 },
        Error::NominationNotFound { id: 1 },
    ];
    for e in &errors {
        for message in [e.message_zh(), e.message_en()] {
            for cli in ["paneldesk ", "命令行", "command line", "CLI", "PANELDESK_"] {
                assert!(!message.contains(cli), "{}: {message}", e.code());
            }
        }
    }
}

#[test]
fn every_command_names_a_review_the_same_way_and_takes_every_old_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let first = json(&paneldesk(dir.path(), NEW_MODEL_BRANCH));
    let (id, path) = (
        first["id"].as_str().unwrap(),
        first["path"].as_str().unwrap(),
    );
    // The demo is the most recent: what a command without --review works on.
    let demo = json(&paneldesk(
        dir.path(),
        &["demo", "--nominations", "3", "--experts", "2", "--json"],
    ));
    let nomination = json(&paneldesk(dir.path(), &["review", "show", "--json"]))["nominations"][0]
        ["id"]
        .to_string();
    let prefix = format!("--review={}", &id[..22]);
    let spellings: [&[&str]; 4] = [&["--review", id], &[&prefix], &["--review", path], &[]];
    let run = |args: &[&str], spelling: &[&str]| -> Output {
        let mut all = args.to_vec();
        all.extend(spelling);
        all.push("--json");
        paneldesk(dir.path(), &all)
    };
    // Once `ReviewRef` (review, audit), `ReviewArg` (roster, category, rubric), and a
    // bare option (nomination, meeting, paper, objection, certificates). The new review
    // and the demo differ in each of the first five answers.
    let telling = [
        &["review", "show"][..],
        &["audit", "show"],
        &["roster", "list"],
        &["category", "list"],
        &["rubric", "show"],
    ];
    for args in telling {
        let answers: Vec<Value> = spellings.iter().map(|s| json(&run(args, s))).collect();
        assert_eq!(answers[0], answers[1], "{args:?}: by prefix");
        assert_eq!(answers[0], answers[2], "{args:?}: by path");
        assert_ne!(
            answers[0], answers[3],
            "{args:?}: the most recent is another"
        );
    }
    assert_eq!(
        json(&run(&["review", "show"], spellings[0]))["id"],
        id,
        "the one named"
    );
    assert_eq!(json(&run(&["review", "show"], &[]))["id"], demo["id"]);
    for spelling in spellings {
        let found = run(&["nomination", "show", "--id", &nomination], spelling);
        assert_eq!(found.status.success(), spelling.is_empty(), "{spelling:?}");
        for args in [
            &["meeting", "list"][..],
            &["paper", "status"],
            &["objection", "list"],
            &["certificates", "template"],
        ] {
            let out = run(args, spelling);
            assert!(
                out.status.success(),
                "{args:?} {spelling:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    // One argument, one help text, wherever it is taken.
    for command in [
        &["review", "show"][..],
        &["audit", "show"],
        &["roster", "list"],
        &["rubric", "add"],
        &["nomination", "show"],
        &["meeting", "open"],
        &["paper", "key"],
        &["announcement", "set"],
        &["objection", "resolve"],
        &["certificates", "print"],
        &["report"],
        &["package"],
        &["merge"],
        &["results"],
        &["decide"],
        &["register", "enter"],
        &["follow-up", "apply"],
        &["resume", "write"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let out = paneldesk(dir.path(), &args);
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            help.contains("--review <REVIEW>")
                && help.contains("评审编号（可只写开头几位）或评审文件路径"),
            "{command:?}: {help}"
        );
    }
}
