//! The paper fallback: an expert scores on a printed 评分表, two staff key it in, and the
//! marks count as 代录 (proxy entry) once the two entries agree.

use std::path::Path;

use paneldesk::merge::collect::{receive, Receipt};
use paneldesk::merge::results::{compute, ResultOptions};
use paneldesk::model::ScoringMode;
use paneldesk::paper::{self, Keyed, Keying, Sheet};

use super::scoring_round::{expert_submits, experts_received, package_round, Round};
use super::support::{
    assert_says, cli_demo_packaged, run_unlocked as cli, stdout_json as cli_json,
};
use super::{clerk_keys, T0};

/// What a careful keyer types from a filled sheet: every row, in order, with marks that
/// step through each criterion's range (deterministic from `n`).
pub fn filled(sheet: &Sheet, n: usize) -> String {
    let mut out = format!("# 纸质评分表 {}\n", sheet.sheet_id);
    for section in &sheet.sections {
        for (i, row) in section.rows.iter().enumerate() {
            let mut cells = vec![row.code.clone()];
            match section.category.scoring_mode {
                ScoringMode::Criteria => {
                    for c in &section.category.rubric.criteria {
                        let steps = (c.max_points / c.step) as usize;
                        cells.push(format!("{}", ((i + n) % (steps + 1)) as f64 * c.step));
                    }
                }
                ScoringMode::Vote => cells.push("同意".into()),
                ScoringMode::Grade => cells.push("良好".into()),
            }
            cells.push("材料翔实，事迹突出".into());
            out.push_str(&cells.join(","));
            out.push('\n');
        }
    }
    out
}

fn key(round: &Round, expert: i64, sheet: &str, by: &str, marks: &str) -> paneldesk::Result<Keyed> {
    paper::key(
        &round.review,
        &Keying {
            expert_id: expert,
            sheet_id: sheet.to_string(),
            by: by.to_string(),
            marks: marks.to_string(),
            source: "entry.csv".into(),
        },
        T0,
        "clerk",
    )
}

fn first_criteria_row(sheet: &Sheet) -> (String, String, f64, f64) {
    let section = sheet
        .sections
        .iter()
        .find(|s| s.category.scoring_mode == ScoringMode::Criteria)
        .expect("a criteria category");
    let c = &section.category.rubric.criteria[0];
    (
        section.rows[0].code.clone(),
        c.name_zh.clone(),
        c.max_points,
        c.step,
    )
}

/// Changes cell `column` (1-based after the code) of the line for `code` to `value`.
fn with_cell(marks: &str, code: &str, column: usize, value: &str) -> String {
    marks
        .lines()
        .map(|l| {
            let mut cells: Vec<String> = l.split(',').map(String::from).collect();
            if cells[0] == code {
                cells[column] = value.to_string();
            }
            cells.join(",")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn proxied(review: &Path) -> Vec<u32> {
    compute(review, &ResultOptions::default())
        .unwrap()
        .categories
        .iter()
        .flat_map(|c| c.nominations.iter().map(|n| n.proxy_marks))
        .collect()
}

#[test]
fn two_entries_that_disagree_are_refused_until_they_agree_and_results_say_proxy() {
    let round = package_round(0);
    experts_received(&round, 2);
    let package = paneldesk::package::open(&round.package).unwrap();
    let expert = package.manifest.experts[2].clone();

    let sheets = paper::sheets(&round.review, expert.id).unwrap();
    assert_eq!(sheets.len(), 1);
    let sheet = &sheets[0];
    assert_eq!(sheet.sheet_id, paper::sheet_id(&package.hash, expert.id));
    assert_ne!(
        sheet.sheet_id,
        paper::sheet_id(&package.hash, expert.id + 1)
    );
    // Nominations from the expert's own institution are recused automatically, not printed.
    let own: Vec<i64> = package
        .manifest
        .nominations
        .iter()
        .filter(|n| n.university.trim() == expert.institution.trim())
        .map(|n| n.id)
        .collect();
    let rows: Vec<i64> = sheet
        .sections
        .iter()
        .flat_map(|s| s.rows.iter().map(|r| r.nomination_id))
        .collect();
    assert_eq!(rows.len() + own.len(), package.manifest.nominations.len());
    assert!(rows.iter().all(|id| !own.contains(id)));

    let good = filled(sheet, 2);
    let (code, criterion, max, step) = first_criteria_row(sheet);

    // A mark the rubric does not allow is refused on keying, located.
    let over = with_cell(&good, &code, 1, &format!("{}", max + step));
    let e = key(&round, expert.id, &sheet.sheet_id, "王晓燕", &over).unwrap_err();
    assert_eq!(e.code(), "bad_input");
    assert_says(&e, &code);
    assert_says(&e, "第 ");
    // A sheet id that is not this expert's sheet is refused.
    let e = key(&round, expert.id, "PS-0000-0000", "王晓燕", &good).unwrap_err();
    assert_eq!(e.code(), "bad_input");
    // A row left out is refused, naming it.
    let short: String = good
        .lines()
        .filter(|l| !l.starts_with(&code))
        .collect::<Vec<_>>()
        .join("\n");
    let e = key(&round, expert.id, &sheet.sheet_id, "王晓燕", &short).unwrap_err();
    assert_says(&e, &code);

    // Entry 1: kept, nothing counts yet.
    let k = key(&round, expert.id, &sheet.sheet_id, "王晓燕", &good).unwrap();
    assert!(matches!(k, Keyed::Waiting { .. }), "{k:?}");
    // The same person keying again only replaces their own entry.
    let k = key(&round, expert.id, &sheet.sheet_id, " 王晓燕 ", &good).unwrap();
    assert!(matches!(k, Keyed::Waiting { .. }), "{k:?}");
    assert!(proxied(&round.review).iter().all(|p| *p == 0));

    // Entry 2 by another person, two cells typed differently: refused, both listed.
    let other = sheet.sections[0].rows[1].code.clone();
    let wrong = with_cell(&with_cell(&good, &code, 1, "0"), &other, 1, "0");
    let first_value = good
        .lines()
        .find(|l| l.starts_with(&format!("{code},")))
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .to_string();
    let k = key(&round, expert.id, &sheet.sheet_id, "李建国", &wrong).unwrap();
    let Keyed::Mismatch { mismatches, .. } = &k else {
        panic!("{k:?}")
    };
    let expected_diffs = usize::from(first_value != "0")
        + usize::from(
            good.lines()
                .find(|l| l.starts_with(&format!("{other},")))
                .unwrap()
                .split(',')
                .nth(1)
                .unwrap()
                != "0",
        );
    assert_eq!(mismatches.len(), expected_diffs, "{mismatches:?}");
    assert!(expected_diffs > 0);
    let m = mismatches.iter().find(|m| m.code == code).unwrap();
    assert_eq!(m.field, criterion);
    assert_eq!(m.first, first_value);
    assert_eq!(m.second, "0");
    assert!(proxied(&round.review).iter().all(|p| *p == 0));

    // Staff B checks the sheet and keys again: they agree, the marks count as 代录.
    let k = key(&round, expert.id, &sheet.sheet_id, "李建国", &good).unwrap();
    let Keyed::Recorded {
        first_by,
        second_by,
        ..
    } = &k
    else {
        panic!("{k:?}")
    };
    assert_eq!(
        (first_by.as_str(), second_by.as_str()),
        ("王晓燕", "李建国")
    );
    let results = compute(&round.review, &ResultOptions::default()).unwrap();
    for n in results.categories.iter().flat_map(|c| &c.nominations) {
        let expected = u32::from(!own.contains(&n.nomination_id));
        assert_eq!(n.proxy_marks, expected, "{}", n.display_name);
        let present = package.manifest.experts[..3]
            .iter()
            .filter(|e| e.institution.trim() != n.university.trim())
            .count() as u32;
        assert_eq!(n.experts, present, "{}", n.display_name);
    }
    // Recorded is final: a third keying is refused.
    let e = key(&round, expert.id, &sheet.sheet_id, "张三", &good).unwrap_err();
    assert_eq!(e.code(), "bad_input");

    let status = paper::status(&round.review).unwrap();
    let s = status.iter().find(|s| s.expert_id == expert.id).unwrap();
    assert!(s.counted && s.recorded_by.len() == 2, "{s:?}");

    // Re-derivable: the paper marks are what both entries say, and the audit log says so.
    let conn = paneldesk::store::open(&round.review).unwrap();
    let d = paneldesk::merge::rederive::rederive(&conn, &clerk_keys()).unwrap();
    assert!(d.differences.is_empty(), "{:?}", d.differences);
    assert_eq!(d.paper_marks, 1);
    let log = paneldesk::audit::entries(&conn).unwrap();
    assert!(log.iter().any(|e| e.action == "paper.recorded"));
    assert_eq!(
        log.iter()
            .filter(|e| e.action == "paper.entry_keyed")
            .count(),
        4
    );
    paneldesk::audit::verify(&conn).unwrap();
    // Someone changes a stored paper mark with a SQLite tool: re-derivation says so.
    conn.execute(
        "UPDATE paper_marks SET items_json = replace(items_json, '材料翔实', '材料空洞')",
        [],
    )
    .unwrap();
    let d = paneldesk::merge::rederive::rederive(&conn, &clerk_keys()).unwrap();
    assert!(
        d.differences.iter().any(|d| d.kind == "paper_marks_differ"),
        "{:?}",
        d.differences
    );
    conn.execute(
        "UPDATE paper_marks SET items_json = replace(items_json, '材料空洞', '材料翔实')",
        [],
    )
    .unwrap();
    drop(conn);

    // The expert's laptop comes back and their signed bundle arrives: it wins.
    let (_, file) = expert_submits(&round, 2);
    let r = receive(&round.review, &clerk_keys(), &file, T0, "clerk").unwrap();
    assert!(matches!(r, Receipt::Accepted { .. }), "{r:?}");
    assert!(proxied(&round.review).iter().all(|p| *p == 0));
    let status = paper::status(&round.review).unwrap();
    let s = status.iter().find(|s| s.expert_id == expert.id).unwrap();
    assert!(!s.counted && s.superseded_by_bundle, "{s:?}");
    let conn = paneldesk::store::open(&round.review).unwrap();
    let d = paneldesk::merge::rederive::rederive(&conn, &clerk_keys()).unwrap();
    assert!(d.differences.is_empty(), "{:?}", d.differences);
    let log = paneldesk::audit::entries(&conn).unwrap();
    let accepted = log.iter().rfind(|e| e.action == "bundle.accepted").unwrap();
    assert!(
        accepted.detail.contains(&sheet.sheet_id),
        "{}",
        accepted.detail
    );
}

#[test]
fn paper_is_refused_for_an_expert_whose_signed_bundle_counts_and_needs_two_people() {
    let round = package_round(0);
    let (_, file) = expert_submits(&round, 0);
    receive(&round.review, &clerk_keys(), &file, T0, "clerk").unwrap();
    let package = paneldesk::package::open(&round.package).unwrap();
    let submitted = package.manifest.experts[0].id;
    let sheet = &paper::sheets(&round.review, submitted).unwrap()[0];
    let e = key(
        &round,
        submitted,
        &sheet.sheet_id,
        "王晓燕",
        &filled(sheet, 0),
    )
    .unwrap_err();
    assert_eq!(e.code(), "bad_input");
    assert_says(&e, "评分结果");
    // A keyer's name is required.
    let other = package.manifest.experts[1].id;
    let sheet = &paper::sheets(&round.review, other).unwrap()[0];
    let e = key(&round, other, &sheet.sheet_id, "  ", &filled(sheet, 1)).unwrap_err();
    assert_eq!(e.code(), "bad_input");
    // Unknown row codes and garbage never panic.
    for junk in [
        "ZZ99,1,2,3",
        "\u{feff}\n\n,,,\n",
        "A01",
        "A01,回避,亲属\nA01,回避",
    ] {
        assert!(key(&round, other, &sheet.sheet_id, "王晓燕", junk).is_err());
    }
}

#[test]
fn the_printed_sheet_carries_the_sheet_id_the_expert_and_every_row_code() {
    let round = package_round(0);
    let package = paneldesk::package::open(&round.package).unwrap();
    let expert = package.manifest.experts[3].clone();
    let sheets = paper::sheets(&round.review, expert.id).unwrap();
    let pdf = paneldesk::report::paper_sheet::print(
        &sheets,
        &paneldesk::report::pdf::Meta {
            title: "纸质评分表",
            subject: "PanelDesk",
            at: time::macros::datetime!(2026-11-30 08:00 UTC),
        },
    )
    .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let out = round.root.join("sheet.pdf");
    std::fs::write(&out, &pdf).unwrap();
    if let Ok(keep) = std::env::var("PANELDESK_KEEP_PAPER_SHEET") {
        std::fs::copy(&out, keep).unwrap();
    }
    let text = std::process::Command::new("pdftotext")
        .args([out.as_os_str(), "-".as_ref()])
        .output();
    if let Ok(text) = text {
        if text.status.success() {
            let text = String::from_utf8_lossy(&text.stdout);
            assert!(text.contains(&sheets[0].sheet_id), "{text}");
            assert!(text.contains(&expert.name), "{text}");
            assert!(text.contains(&sheets[0].sections[0].rows[0].code), "{text}");
        }
    }
}

#[test]
fn the_cli_prints_a_sheet_keys_it_twice_and_the_results_json_says_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let clerk = dir.path().join("clerk");
    let package = dir.path().join("panel.pdpanel");
    cli_demo_packaged(&clerk, "6", "3", &package);
    let review = paneldesk::workspace::Workspace::at(&clerk)
        .resolve(None)
        .unwrap();
    let expert = paneldesk::package::open(&package).unwrap().manifest.experts[0].id;
    let expert_arg = expert.to_string();
    let pdf = dir.path().join("sheet.pdf");
    let printed = cli_json(&cli(
        &clerk,
        &[
            "paper",
            "sheet",
            "--expert",
            &expert_arg,
            "--out",
            pdf.to_str().unwrap(),
            "--json",
        ],
    ));
    let sheet_id = printed["sheets"][0].as_str().unwrap().to_string();
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));

    let sheet = &paper::sheets(&review, expert).unwrap()[0];
    let good = filled(sheet, 1);
    // Row 0's first criterion is one step in `filled(_, 1)`; the typo is the maximum.
    let (code, _, max, _) = first_criteria_row(sheet);
    let typo = with_cell(&good, &code, 1, &format!("{max}"));
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    std::fs::write(&a, &good).unwrap();
    std::fs::write(&b, &typo).unwrap();
    let key = |by: &str, file: &Path| {
        cli(
            &clerk,
            &[
                "paper",
                "key",
                "--expert",
                &expert_arg,
                "--sheet",
                &sheet_id,
                "--by",
                by,
                "--marks",
                file.to_str().unwrap(),
                "--json",
            ],
        )
    };
    let first = key("王晓燕", &a);
    assert!(first.status.success());
    assert_eq!(cli_json(&first)["outcome"], "waiting");
    let second = key("李建国", &b);
    assert_eq!(second.status.code(), Some(3), "the entries differ");
    let second = cli_json(&second);
    assert_eq!(second["outcome"], "mismatch");
    assert_eq!(second["mismatches"][0]["code"], code.as_str());
    let again = key("李建国", &a);
    assert!(again.status.success());
    assert_eq!(cli_json(&again)["outcome"], "recorded");

    let status = cli_json(&cli(&clerk, &["paper", "status", "--json"]));
    let mine = status
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["expert_id"] == expert)
        .unwrap();
    assert_eq!(mine["counted"], true);
    assert_eq!(mine["sheet_id"], sheet_id.as_str());
    let results = cli(&clerk, &["results", "--json"]);
    let text = String::from_utf8_lossy(&results.stdout);
    assert!(text.contains("\"proxy_marks\": 1"), "{text}");
}
