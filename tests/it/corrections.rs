//! Corrections after import (issue 21): a field edited with a reason, a nomination
//! withdrawn with a reason, and a re-import refused once the category's package is out.

use std::path::{Path, PathBuf};

use paneldesk::corrections;
use paneldesk::privacy::Privacy;
use paneldesk::review;
use paneldesk::store;

use super::support::{assert_ran, assert_says, named, run_at};
use super::{clerk_keys, exemplar_review_in_temp, import_workbook, workbook_fixture, T0};

fn run(review: &Path, parts: &[&str]) -> paneldesk::import::file::FileReport {
    import_workbook(review, &workbook_fixture(parts))
}

const JIANGBEI: &[&str] = &["batch", "江北师范大学-2026年大学生党员标兵推荐汇总表.xlsx"];

/// A 大学生党员标兵 review holding 江北师范大学's nominations.
fn jiangbei_imported() -> (tempfile::TempDir, PathBuf) {
    let (dir, review) = exemplar_review_in_temp();
    run(&review, JIANGBEI);
    (dir, review)
}

fn id_of(review: &Path, name: &str) -> i64 {
    named(&review::load(review, Privacy::Masked).unwrap(), name).id
}

#[test]
fn a_misspelt_name_is_corrected_with_a_reason_audited_and_shown_as_corrected() {
    let (_dir, review) = jiangbei_imported();
    let zhang = id_of(&review, "张三");

    let err =
        corrections::edit_field(&review, zhang, "name", "张叁", "  ", T0, "clerk").unwrap_err();
    assert_eq!(err.code(), "reason_required");
    let err =
        corrections::edit_field(&review, zhang, "no_such", "x", "更正", T0, "clerk").unwrap_err();
    assert_eq!(err.code(), "unknown_field");
    let err = corrections::edit_field(&review, 9999, "name", "x", "更正", T0, "clerk").unwrap_err();
    assert_eq!(err.code(), "nomination_not_found");
    // The new value passes the same checks an imported cell does.
    let err = corrections::edit_field(
        &review,
        zhang,
        "id_number",
        "110105194912310021",
        "更正",
        T0,
        "clerk",
    )
    .unwrap_err();
    assert_eq!(err.code(), "bad_input");
    assert_says(&err, "身份证");

    let c = corrections::edit_field(
        &review,
        zhang,
        "name",
        "张叁",
        "学校来函：姓名录入有误",
        T0,
        "clerk",
    )
    .unwrap();
    assert_eq!(
        (c.old_value.as_str(), c.new_value.as_str()),
        ("张三", "张叁")
    );
    let loaded = review::load(&review, Privacy::Masked).unwrap();
    let n = loaded.nominations.iter().find(|n| n.id == zhang).unwrap();
    assert_eq!(n.display_name, "张叁");
    assert_eq!(n.field("name"), Some("张叁"));
    let conn = store::open(&review).unwrap();
    let shown = corrections::for_nomination(&conn, zhang).unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].reason, "学校来函：姓名录入有误");
    assert_eq!(shown[0].field_zh, "姓名");
    let last = paneldesk::audit::entries(&conn).unwrap().pop().unwrap();
    assert_eq!(last.action, "nomination.corrected");
    assert!(last.detail.contains("张叁") && last.detail.contains("学校来函"));
    paneldesk::audit::verify(&conn).unwrap();
}

#[test]
fn any_nomination_can_be_withdrawn_with_a_reason_and_is_left_out_like_an_excluded_one() {
    let (dir, review) = jiangbei_imported();
    // 张三 has no flag: withdrawing is not only for flagged rows.
    let zhang = id_of(&review, "张三");
    let err = corrections::withdraw(&review, zhang, "", T0, "clerk").unwrap_err();
    assert_eq!(err.code(), "reason_required");
    corrections::withdraw(&review, zhang, "学校来函撤回推荐", T0, "clerk").unwrap();
    let err = corrections::withdraw(&review, zhang, "再次", T0, "clerk").unwrap_err();
    assert_eq!(err.code(), "already_withdrawn");
    let conn = store::open(&review).unwrap();
    assert!(store::flags::excluded_nominations(&conn)
        .unwrap()
        .contains(&zhang));
    let last = paneldesk::audit::entries(&conn).unwrap().pop().unwrap();
    assert_eq!(last.action, "nomination.withdrawn");
    drop(conn);
    let out = dir.path().join("round.pdpanel");
    let summary =
        paneldesk::package::build(&review, &out, &clerk_keys(), "2026-12-10", 0, T0, "clerk")
            .unwrap();
    assert_eq!(summary.excluded, 1);
    assert_eq!(summary.nominations, 1, "only 李四 goes to the panel");
}

#[test]
fn a_reimport_after_the_package_went_out_is_refused_for_that_category_naming_the_package() {
    let (dir, review) = jiangbei_imported();
    let before = review::load(&review, Privacy::Masked).unwrap().nominations;
    let out = dir.path().join("round.pdpanel");
    paneldesk::package::build(&review, &out, &clerk_keys(), "2026-12-10", 0, T0, "clerk").unwrap();

    let r = run(
        &review,
        &[
            "corrected",
            "江北师范大学-2026年大学生党员标兵推荐汇总表（更正）.xlsx",
        ],
    );
    assert_eq!(r.accepted, 0);
    let refused: Vec<_> = r
        .problems
        .iter()
        .filter(|p| p.code == "category_packaged")
        .collect();
    assert_eq!(refused.len(), 1, "{:?}", r.problems);
    assert!(
        refused[0].message_zh.contains("round.pdpanel") || refused[0].message_zh.contains("评审包"),
        "{}",
        refused[0].message_zh
    );
    assert!(
        refused[0].message_zh.contains("更正"),
        "{}",
        refused[0].message_zh
    );
    assert!(
        refused[0].message_en.contains("package"),
        "{}",
        refused[0].message_en
    );
    let after = review::load(&review, Privacy::Masked).unwrap().nominations;
    assert_eq!(
        after
            .iter()
            .map(|n| (n.id, &n.display_name))
            .collect::<Vec<_>>(),
        before
            .iter()
            .map(|n| (n.id, &n.display_name))
            .collect::<Vec<_>>(),
        "same ids, nothing deleted or re-inserted"
    );
}

#[test]
fn the_cli_edits_and_withdraws_nominations() {
    let dir = tempfile::tempdir().unwrap();
    let paneldesk = |args: &[&str]| run_at(dir.path(), args);
    assert!(
        paneldesk(&["review", "new", "--activity", "标兵", "--year", "2026"])
            .status
            .success()
    );
    let wb = workbook_fixture(JIANGBEI);
    assert!(paneldesk(&["import", wb.to_str().unwrap()])
        .status
        .success());
    let shown: serde_json::Value =
        serde_json::from_slice(&paneldesk(&["review", "show", "--json"]).stdout).unwrap();
    let id = shown["nominations"][0]["id"].as_i64().unwrap().to_string();
    let edit = [
        "nomination",
        "edit",
        "--id",
        &id,
        "--field",
        "name",
        "--value",
        "张叁",
    ];
    let out = paneldesk(&edit);
    assert!(!out.status.success(), "a reason is required");
    let out = paneldesk(&[&edit[..], &["--reason", "学校来函更正"]].concat());
    assert_ran(&out);
    let out = paneldesk(&["nomination", "show", "--id", &id]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("张叁") && text.contains("张三") && text.contains("学校来函更正"),
        "{text}"
    );
    let out = paneldesk(&[
        "nomination",
        "withdraw",
        "--id",
        &id,
        "--reason",
        "学校撤回",
    ]);
    assert_ran(&out);
    let flags: serde_json::Value =
        serde_json::from_slice(&paneldesk(&["review", "flags", "--json"]).stdout).unwrap();
    assert!(flags
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["kind"] == "withdrawn" && f["status"] == "excluded" && f["note"] == "学校撤回"));
}
