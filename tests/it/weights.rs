//! Weighted criteria (issue 22): a criterion may count more than its points, a known-answer
//! round computes Σ weight × points per expert, the package and the rubric file carry the
//! weight, packages without weights stay byte-identical, and an impossible weight is refused.

use std::path::Path;

use paneldesk::merge::collect::receive;
use paneldesk::merge::results::{compute, ResultOptions};
use paneldesk::model::Category;
use paneldesk::{package, store};

use super::scoring_round::{enrolled, randomness};
use super::support::{assert_ran, run_unlocked as cli};
use super::{clerk_keys, T0};

const SE: &str = "student_exemplar";

fn category(review: &Path) -> Category {
    store::review_rows::read_categories(&store::open(review).unwrap())
        .unwrap()
        .into_iter()
        .find(|c| c.key == SE)
        .unwrap()
}

/// `rubric set --weight` on c1 of the category, unlocking it.
fn set_weight(root: &Path, review: &str, weight: &str) -> std::process::Output {
    let criterion = ["--category", SE, "--criterion", "c1"];
    cli(
        root,
        &[
            &["rubric", "set", "--review", review][..],
            &criterion,
            &["--weight", weight, "--unlock"],
        ]
        .concat(),
    )
}

#[test]
fn a_weighted_criterion_counts_its_weight_times_its_points_in_every_total() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let (review, _) = super::demo_review(&root, "weighted", T0);
    let path = review.to_str().unwrap();

    // Packages written before weights existed read as before: no weight field at all.
    let plain = root.join("plain.pdpanel");
    package::build(&review, &plain, &clerk_keys(), "2026-12-10", 0, T0, "clerk").unwrap();
    let manifest = String::from_utf8(package::open(&plain).unwrap().manifest_bytes).unwrap();
    assert!(!manifest.contains("\"weight\""), "{manifest}");

    // Weights that cannot be are refused in both languages and change nothing.
    for bad in ["0", "-1", "10.5", "NaN", "inf"] {
        let out = set_weight(&root, path, bad);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "weight {bad} accepted");
        assert!(
            err.contains("权重") && err.contains("weight"),
            "{bad}: {err}"
        );
        assert_eq!(category(&review).rubric.criteria[0].weight, 1.0);
    }
    let out = set_weight(&root, path, "2");
    assert_ran(&out);
    let shown = cli(
        &root,
        &["rubric", "show", "--review", path, "--category", SE],
    );
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains("权重 2"),
        "{}",
        String::from_utf8_lossy(&shown.stdout)
    );
    let c = category(&review);
    let criteria = c.rubric.criteria.clone();
    assert_eq!(criteria[0].weight, 2.0);
    let max1 = criteria[0].max_points;
    let rest: f64 = criteria[1..].iter().map(|k| k.max_points).sum();
    assert_eq!(c.rubric.max_total(), 2.0 * max1 + rest);

    // The package carries it; its experts score c1 at max − e and everything else 0.
    let file = root.join("weighted.pdpanel");
    package::build(&review, &file, &clerk_keys(), "2026-12-10", 0, T0, "clerk").unwrap();
    let opened = package::open(&file).unwrap();
    assert!(String::from_utf8(opened.manifest_bytes.clone())
        .unwrap()
        .contains("\"weight\": 2.0"));
    let stick = root.join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    for (e, expert) in opened.manifest.experts.iter().enumerate().take(5) {
        let pin = format!("north wind 2468{e:02}");
        let at = root.join(format!("expert{e}"));
        let mut laptop = enrolled(&at, &file, &review, expert.id, &pin, randomness(e as u8));
        let ids: Vec<i64> = laptop.package.nominations.iter().map(|n| n.id).collect();
        for id in ids {
            if laptop.item(id).unwrap().recusal.is_some() {
                continue;
            }
            for (k, criterion) in criteria.iter().enumerate() {
                let points = if k == 0 { max1 - e as f64 } else { 0.0 };
                let item = laptop
                    .set_points(id, &criterion.key, Some(points), T0)
                    .unwrap();
                if k == 0 {
                    // The expert's own running sum counts the weight too.
                    assert_eq!(item.entered.unwrap().total, 2.0 * (max1 - e as f64));
                }
            }
        }
        let s = laptop.submit(&pin, &stick, T0, 1_000_000).unwrap();
        receive(&review, &clerk_keys(), Path::new(&s.file), T0, "clerk").unwrap();
    }

    let results = compute(&review, &ResultOptions::default()).unwrap();
    let category = results.categories.iter().find(|c| c.key == SE).unwrap();
    for n in &category.nominations {
        // Five experts unless some recused: the trimmed mean of 2 × (max − e).
        let totals: Vec<f64> = n.totals.values().copied().collect();
        assert!(totals.iter().all(|t| t % 2.0 == 0.0), "{totals:?}");
        if n.experts == 5 {
            assert_eq!(n.score, Some(2.0 * (max1 - 2.0)), "{}", n.display_name);
        }
    }

    // The rubric file takes the weight to next year's review.
    let exported = root.join("rubric.pdrubric.json");
    let out = cli(
        &root,
        &[
            "rubric",
            "export",
            "--review",
            path,
            "--out",
            exported.to_str().unwrap(),
        ],
    );
    assert_ran(&out);
    let text = std::fs::read_to_string(&exported).unwrap();
    assert!(text.contains("\"weight\": 2.0"), "{text}");

    // The score sheet says what counts double.
    let record =
        paneldesk::report::record::Record::load(&review, &ResultOptions::default()).unwrap();
    let sheets = paneldesk::report::documents::score_sheets(
        &record,
        None,
        &super::support::test_meta("评分表"),
    )
    .unwrap();
    let pdf = root.join("sheets.pdf");
    std::fs::write(&pdf, sheets).unwrap();
    let text = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text: String = String::from_utf8_lossy(&text.stdout)
        .split_whitespace()
        .collect();
    assert!(text.contains("权重2"), "{text}");
}
