//! Certificates per honour (issue 21): the issuer the clerk must set before anything
//! prints, a template per category, the serif faces shipped with the app, and batches
//! per university with a 领取签收单. Driven through the `paneldesk` binary and checked
//! with poppler, as the office would see the paper.

use std::path::{Path, PathBuf};
use std::process::Command;

use paneldesk::activity::Activity;
use paneldesk::demo::DemoSpec;

use super::scoring_round::{experts_received, five_experts_received, Round};
use super::support::{
    certificates_issued as issued, clerk_data, cli_announce_past, paneldesk_at, print_args, said,
    ISSUER,
};
use super::{clerk_keys, demo_in_new_folder, T0};

const PRINT: [&str; 2] = ["certificates", "print"];

/// The CLI on the clerk's laptop. PANELDESK_FONT_DIR is never passed on: printing must
/// not depend on it.
fn cli(root: &Path, args: &[&str]) -> (bool, String, String) {
    said(
        paneldesk_at(&clerk_data(root))
            .env_remove("PANELDESK_FONT_DIR")
            .args(args)
            .output()
            .unwrap(),
    )
}

fn ok(root: &Path, args: &[&str]) -> String {
    let (ok, out, err) = cli(root, args);
    assert!(ok, "{args:?}: {err}{out}");
    out
}

/// `certificates template` with `args` after `--review`.
fn template(round: &Round, args: &[&str]) -> (bool, String, String) {
    let review = round.review.to_str().unwrap();
    cli(
        &round.root,
        &[&["certificates", "template", "--review", review][..], args].concat(),
    )
}

/// `--json certificates print` with `args` after `--review`, which must succeed: what
/// it answers.
fn print_json(round: &Round, args: &[&str]) -> serde_json::Value {
    let review = round.review.to_str().unwrap();
    let head = ["--json", "certificates", "print", "--review", review];
    serde_json::from_str(&ok(&round.root, &[&head[..], args].concat())).unwrap()
}

/// `template`, which must succeed: what it answers.
fn template_ok(round: &Round, args: &[&str]) -> String {
    let (ok, out, err) = template(round, args);
    assert!(ok, "{args:?}: {err}{out}");
    out
}

/// The template as `certificates template` shows it, with `args` after `--review`.
fn shown(round: &Round, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&template_ok(round, args)).unwrap()
}

/// The issuer set, as the clerk must before anything prints.
fn issuer_set(round: &Round) {
    template_ok(round, &["--issuer", ISSUER]);
}

/// Runs a poppler tool on `pdf`; with `PANELDESK_KEEP_REPORTS=DIR` the PDF is kept there
/// to look at, as in `reports.rs`.
fn poppler(tool: &str, pdf: &Path) -> String {
    if let Some(keep) = std::env::var_os("PANELDESK_KEEP_REPORTS") {
        let keep = Path::new(&keep).join("certificates");
        std::fs::create_dir_all(&keep).unwrap();
        let parent = pdf.parent().and_then(Path::file_name).unwrap_or_default();
        let name = format!(
            "{}-{}",
            parent.to_string_lossy(),
            pdf.file_name().unwrap().to_string_lossy()
        );
        std::fs::copy(pdf, keep.join(name)).unwrap();
    }
    let out = Command::new(tool)
        .arg(pdf)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) must be installed: {e}"));
    assert!(out.status.success(), "{tool} {}", pdf.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Text with every kind of white space removed: pdftotext breaks lines where the layout
/// did.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn announced(round: &Round) {
    cli_announce_past(&round.root, round.review.to_str().unwrap());
}

/// Five experts' bundles received, the 公示 over and the issuer set: a round that prints.
fn printable_round() -> Round {
    let (round, _) = five_experts_received();
    announced(&round);
    issuer_set(&round);
    round
}

#[test]
fn certificates_are_refused_until_the_clerk_sets_the_issuer() {
    let (round, _) = five_experts_received();
    announced(&round);
    let review = round.review.to_str().unwrap();
    let out = round.root.join("证书.pdf");
    let print = print_args(&PRINT, review, &out, &["--date", "2026-12-01"]);
    // The shipped template names no issuer: no invented body ever prints.
    assert_eq!(shown(&round, &[])["issuer"], "");
    let (printed, _, err) = cli(&round.root, &print);
    assert!(!printed, "printed without an issuer");
    assert!(
        err.contains("落款单位") && err.contains("issuer"),
        "the error names the field: {err}"
    );
    assert!(!out.exists());
    assert_eq!(issued(&round.review), 0, "nothing recorded");
    let (_, json_out, _) = cli(&round.root, &[&["--json"][..], &print[..]].concat());
    assert!(
        json_out.contains("certificate_issuer_missing"),
        "{json_out}"
    );

    // A blank issuer is as good as none.
    let (set, _, err) = template(&round, &["--issuer", "  "]);
    assert!(!set && err.contains("落款单位"), "{err}");

    issuer_set(&round);
    ok(&round.root, &print);
    let text = squeezed(&poppler("pdftotext", &out));
    assert!(text.contains(ISSUER), "{text}");
    assert!(issued(&round.review) > 0);
}

/// A round of the 创新案例 activity (three categories) with three experts' bundles
/// received and the 公示 over.
fn cases_round() -> Round {
    let spec = DemoSpec {
        activity: Activity::InnovationCase,
        year: 2026,
        n_nominations: 30,
        n_experts: 3,
        seed: 7,
    };
    let (dir, root, review) = demo_in_new_folder("cases", "cases", &spec);
    let package = root.join("cases.pdpanel");
    paneldesk::package::build(
        &review,
        &package,
        &clerk_keys(),
        "2026-12-10",
        0,
        T0,
        "clerk",
    )
    .unwrap();
    let round = Round {
        _dir: dir,
        root,
        review,
        package,
    };
    experts_received(&round, 3);
    settle_everything(&round);
    announced(&round);
    round
}

/// The panel settles whatever still blocks publication (open findings, ties at a cut), so
/// the test is about certificates only.
fn settle_everything(round: &Round) {
    let review = round.review.to_str().unwrap();
    let flags: serde_json::Value = serde_json::from_str(&ok(
        &round.root,
        &["--json", "review", "flags", "--review", review],
    ))
    .unwrap();
    for f in flags.as_array().unwrap() {
        if f["status"] == "open" {
            let id = f["id"].to_string();
            ok(
                &round.root,
                &[
                    "review",
                    "settle-flag",
                    "--review",
                    review,
                    "--id",
                    &id,
                    "--accept",
                    "--note",
                    "经核实，符合推荐条件",
                ],
            );
        }
    }
    let results = paneldesk::merge::results::compute(
        &round.review,
        &paneldesk::merge::results::ResultOptions::default(),
    )
    .unwrap();
    for c in &results.categories {
        for n in &c.nominations {
            if n.cut == paneldesk::merge::rank::Cut::Tied {
                paneldesk::merge::decisions::decide(
                    &round.review,
                    n.nomination_id,
                    paneldesk::merge::decisions::Outcome::Out,
                    "评审组表决",
                    T0,
                    "clerk",
                )
                .unwrap();
            }
        }
    }
}

#[test]
fn each_category_prints_its_own_honour_and_title() {
    let round = cases_round();
    issuer_set(&round);
    let honours = [
        (
            "case_university",
            "学校党委层面优秀创新案例",
            "优秀案例证书",
        ),
        ("case_department", "院系党组织层面创新案例", "荣誉证书"),
    ];
    for (key, honour, title) in honours {
        template_ok(
            &round,
            &["--category", key, "--honour", honour, "--title", title],
        );
    }
    // Shown per category, as the clerk set it.
    let shown = shown(&round, &["--category", "case_university"]);
    assert_eq!(shown["honour"], honours[0].1, "{shown}");
    assert_eq!(shown["title"], honours[0].2, "{shown}");
    // A category the review does not have is refused, naming it.
    let (set, _, err) = template(&round, &["--category", "no_such_category", "--honour", "x"]);
    assert!(!set && err.contains("no_such_category"), "{err}");

    let out = round.root.join("证书.pdf");
    let printed = print_json(
        &round,
        &["--out", out.to_str().unwrap(), "--date", "2026-12-01"],
    );
    let awards = printed["certificates"].as_array().unwrap();
    let text = poppler("pdftotext", &out);
    let pages: Vec<String> = text.split('\x0c').map(squeezed).collect();
    let name_of = |key: &str| -> String {
        let conn = paneldesk::store::open(&round.review).unwrap();
        conn.query_row("SELECT name_zh FROM category WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let mut seen = [0, 0, 0];
    for (page, award) in pages.iter().zip(awards) {
        let category = award["category"].as_str().unwrap();
        let which = honours
            .iter()
            .position(|(key, ..)| name_of(key) == category);
        match which {
            Some(i) => {
                assert!(
                    page.contains(&format!("被评为2026年度“{}”", honours[i].1)),
                    "{category}: {page}"
                );
                assert!(page.contains(honours[i].2), "{page}");
                assert!(!page.contains(honours[1 - i].1), "{page}");
                seen[i] += 1;
            }
            // A category without an override keeps the review's own template.
            None => {
                assert!(
                    page.contains(&format!("被评为2026年度“{category}”")),
                    "{page}"
                );
                seen[2] += 1;
            }
        }
    }
    assert!(
        seen[0] > 0 && seen[1] > 0,
        "both categories printed: {seen:?}"
    );
}

/// Where the serif faces come from when nothing names a folder: the files shipped in
/// `assets/fonts`, found before any system folder.
#[test]
fn the_serif_faces_are_the_shipped_ones_and_are_embedded() {
    use paneldesk::report::font::{self, Style};
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts");
    let dirs = font::bundled_dirs();
    assert!(dirs.contains(&shipped), "{dirs:?}");
    assert!(
        dirs.iter().all(|d| !d.starts_with("/usr/share/fonts")),
        "{dirs:?}"
    );
    for (style, file) in [
        (Style::Serif, "NotoSerifCJKsc-Regular.otf"),
        (Style::SerifBold, "NotoSerifCJKsc-Bold.otf"),
        (Style::Sans, "NotoSansCJKsc-Regular.otf"),
    ] {
        let (path, index) = font::locate_in(&dirs, style).unwrap();
        assert_eq!((path, index), (shipped.join(file), 0), "{style:?}");
        // And the full search, system folders included, finds the shipped face first.
        if std::env::var_os("PANELDESK_FONT_DIR").is_none() {
            assert_eq!(font::locate(style).unwrap().0, shipped.join(file));
        }
    }

    let round = printable_round();
    let review = round.review.to_str().unwrap();
    let out = round.root.join("证书.pdf");
    ok(&round.root, &print_args(&PRINT, review, &out, &[]));
    let fonts = poppler("pdffonts", &out);
    for face in ["NotoSerifCJKsc-Regular", "NotoSerifCJKsc-Bold"] {
        let row = fonts
            .lines()
            .find(|l| l.contains(face))
            .unwrap_or_else(|| panic!("{face} not in\n{fonts}"));
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{row}");
    }
}

fn pdfs_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn a_batch_per_university_comes_with_its_receipt_sheet() {
    let round = printable_round();
    let review = round.review.to_str().unwrap();
    let folder = round.root.join("按学校");
    let folder_arg = folder.to_str().unwrap();
    let printed = print_json(
        &round,
        &[
            "--per-university",
            "--out",
            folder_arg,
            "--date",
            "2026-12-01",
        ],
    );
    let awards = printed["certificates"].as_array().unwrap();
    let mut universities: Vec<&str> = awards
        .iter()
        .map(|a| a["university"].as_str().unwrap())
        .collect();
    // Batches come university by university, in pinyin order as every list is.
    let mut batch_order = universities.clone();
    batch_order.dedup();
    let mut pinyin = batch_order.clone();
    let order = paneldesk::report::pinyin_order::PinyinOrder::new();
    pinyin.sort_by(|a, b| order.compare(a, b, paneldesk::report::pinyin_order::NameKind::Unit));
    assert_eq!(batch_order, pinyin);
    universities.sort();
    universities.dedup();
    assert!(universities.len() >= 2, "{universities:?}");
    let files = pdfs_in(&folder);
    assert_eq!(files.len(), universities.len() * 2, "{files:?}");
    for university in &universities {
        let mine: Vec<&serde_json::Value> = awards
            .iter()
            .filter(|a| a["university"] == *university)
            .collect();
        let file = |suffix: &str| {
            files
                .iter()
                .find(|f| {
                    let name = f.file_name().unwrap().to_string_lossy();
                    name.contains(university) && name.ends_with(suffix)
                })
                .unwrap_or_else(|| panic!("no {suffix} for {university}: {files:?}"))
                .clone()
        };
        let certificates = squeezed(&poppler("pdftotext", &file("证书.pdf")));
        assert_eq!(certificates.matches("证书编号").count(), mine.len());
        let receipt = squeezed(&poppler("pdftotext", &file("领取签收单.pdf")));
        assert!(receipt.contains("领取签收单"), "{receipt}");
        assert!(receipt.contains(university), "{receipt}");
        assert!(
            receipt.contains("领取人签字") && receipt.contains("日期"),
            "{receipt}"
        );
        for a in &mine {
            let serial = a["serial"].as_str().unwrap();
            assert!(certificates.contains(serial), "{serial}");
            assert!(receipt.contains(serial), "{serial} on the receipt");
            assert!(
                receipt.contains(&squeezed(a["name"].as_str().unwrap())),
                "{receipt}"
            );
        }
        // No other university's certificate in this batch.
        for other in awards.iter().filter(|a| a["university"] != *university) {
            assert!(!certificates.contains(other["serial"].as_str().unwrap()));
        }
    }
    // Printed again into the same folder: refused, nothing overwritten.
    let again = print_args(&PRINT, review, &folder, &["--per-university"]);
    let (again, _, err) = cli(&round.root, &again);
    assert!(!again && err.contains("已存在"), "{err}");
}
