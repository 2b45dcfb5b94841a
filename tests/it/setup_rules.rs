//! The clerk's set-up on real review files: the expert roster, each category's quota and
//! its stored aggregation rule, and that every path (core, CLI) computes by that rule.

use std::path::Path;

use paneldesk::merge::aggregate::{self, round2, VoteThreshold};
use paneldesk::merge::rank::{Cut, TieBreaker};
use paneldesk::merge::results::{compute, Method, ResultOptions};
use paneldesk::model::Expert;
use paneldesk::scoring::panel::Panel;
use paneldesk::store::category_rules::{self, CategoryRule};
use paneldesk::store::experts::NewExpert;
use paneldesk::{audit, package, review, roster, store};

use super::scoring_round::{five_experts_received, Round};
use super::support::{assert_ran, audit_actions as actions, run_on_review as cli};
use super::{clerk_keys, exemplar_review_in_temp, T0};

fn expert(name: &str, institution: &str) -> NewExpert {
    NewExpert {
        name: name.into(),
        institution: institution.into(),
        title: "教授".into(),
    }
}

fn roster_of(review: &Path) -> Vec<Expert> {
    store::experts::read_all(&store::open(review).unwrap()).unwrap()
}

fn bad_input(result: paneldesk::Result<impl std::fmt::Debug>) -> String {
    let e = result.unwrap_err();
    assert_eq!(e.code(), "bad_input", "{e:?}");
    e.message_zh()
}

#[test]
fn the_clerk_builds_a_roster_and_it_locks_once_the_package_is_built() {
    let (dir, review) = exemplar_review_in_temp();
    let a = roster::add(&review, &expert("  王立群 ", " 东川大学　"), T0, "clerk").unwrap();
    assert_eq!(
        (a.name.as_str(), a.institution.as_str()),
        ("王立群", "东川大学")
    );
    roster::add(&review, &expert("李敏", "江北师范大学"), T0, "clerk").unwrap();
    let c = roster::add(&review, &expert("赵一", "南湖医科大学"), T0, "clerk").unwrap();

    // Refusals, each naming what is wrong; none of them changes the roster.
    let twice = bad_input(roster::add(
        &review,
        &expert("王立群", "东川大学"),
        T0,
        "clerk",
    ));
    assert!(
        twice.contains("已有王立群") && twice.contains(&a.id.to_string()),
        "{twice}"
    );
    let nowhere = bad_input(roster::add(&review, &expert("孙二", "  "), T0, "clerk"));
    assert!(
        nowhere.contains("孙二") && nowhere.contains("工作单位"),
        "{nowhere}"
    );
    bad_input(roster::add(&review, &expert(" ", "东川大学"), T0, "clerk"));
    bad_input(roster::add(
        &review,
        &expert("孙\u{7}二", "东川大学"),
        T0,
        "clerk",
    ));
    bad_input(roster::add(
        &review,
        &expert(&"长".repeat(41), "东川大学"),
        T0,
        "clerk",
    ));
    assert_eq!(roster_of(&review).len(), 3);

    roster::remove(&review, c.id, T0, "clerk").unwrap();
    bad_input(roster::remove(&review, c.id, T0, "clerk"));
    assert_eq!(
        roster_of(&review)
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>(),
        ["王立群", "李敏"]
    );

    // Once the roster has gone out in a package, nobody can be taken off it.
    package::build(
        &review,
        &dir.path().join("p.pdpanel"),
        &clerk_keys(),
        "2026-12-10",
        0,
        T0,
        "clerk",
    )
    .unwrap();
    let locked = bad_input(roster::remove(&review, a.id, T0, "clerk"));
    assert!(
        locked.contains("评审包已生成") && locked.contains("王立群"),
        "{locked}"
    );
    roster::add(&review, &expert("钱三", "西岭农业大学"), T0, "clerk").unwrap();
    assert_eq!(roster_of(&review).len(), 3);

    let log = actions(&review);
    assert_eq!(log.iter().filter(|a| *a == "expert.added").count(), 4);
    assert_eq!(log.iter().filter(|a| *a == "expert.removed").count(), 1);
}

/// Each nomination's totals per expert, straight from the experts' own laptops.
fn totals(round: &Round, panels: &[Panel]) -> Vec<(i64, Vec<(usize, f64)>)> {
    let package = package::open(&round.package).unwrap().manifest;
    package
        .nominations
        .iter()
        .map(|n| {
            let category = package.category(&n.category_key).unwrap();
            let by_expert = panels
                .iter()
                .enumerate()
                .filter_map(|(e, p)| {
                    let item = p.item(n.id).unwrap();
                    item.recusal.is_none().then_some(())?;
                    paneldesk::model::marks::total(&item, category).map(|t| (e, t))
                })
                .collect();
            (n.id, by_expert)
        })
        .collect()
}

#[test]
fn a_stored_rule_decides_the_result_in_the_core_and_on_the_command_line() {
    let (round, panels) = five_experts_received();
    let key = "student_exemplar";
    let by_nomination = totals(&round, &panels);
    let score_of = |results: &paneldesk::merge::results::ReviewResults, id: i64| {
        results.categories[0]
            .nominations
            .iter()
            .find(|n| n.nomination_id == id)
            .unwrap()
            .score
    };

    // No rule stored: the caller's defaults (trimmed mean of five) are in force.
    let before = compute(&round.review, &ResultOptions::default()).unwrap();
    assert_eq!(before.categories[0].rule.method, Method::TrimmedMean);

    let median = CategoryRule {
        method: Method::Median,
        trim_min_experts: 5,
        normalise: false,
        vote_threshold: VoteThreshold::MoreThanHalf,
        quorum: 0,
        tie_breakers: vec![
            TieBreaker::Criterion { key: "c1".into() },
            TieBreaker::MoreTopMarks,
        ],
    };
    category_rules::set(&round.review, key, &median, T0, "clerk").unwrap();
    // The stored rule wins over whatever defaults a caller passes.
    let mean_defaults = ResultOptions {
        method: Method::Mean,
        ..ResultOptions::default()
    };
    let after = compute(&round.review, &mean_defaults).unwrap();
    assert_eq!(after.categories[0].rule, median);
    for (id, marks) in &by_nomination {
        let values: Vec<f64> = marks.iter().map(|(_, t)| *t).collect();
        assert_eq!(
            score_of(&after, *id),
            aggregate::median(&values).map(round2)
        );
    }
    // Normalised: each expert's totals become z-scores within the category first.
    let normalised = CategoryRule {
        method: Method::Mean,
        normalise: true,
        ..median.clone()
    };
    category_rules::set(&round.review, key, &normalised, T0, "clerk").unwrap();
    let z_results = compute(&round.review, &ResultOptions::default()).unwrap();
    let mut per_expert: Vec<Vec<(i64, f64)>> = vec![Vec::new(); panels.len()];
    for (id, marks) in &by_nomination {
        for (e, t) in marks {
            per_expert[*e].push((*id, *t));
        }
    }
    let mut z = std::collections::BTreeMap::new();
    for (e, list) in per_expert.iter().enumerate() {
        let values: Vec<f64> = list.iter().map(|(_, t)| *t).collect();
        for ((id, _), zv) in list.iter().zip(aggregate::z_scores(&values)) {
            z.insert((e, *id), zv);
        }
    }
    for (id, marks) in &by_nomination {
        let zs: Vec<f64> = marks.iter().map(|(e, _)| z[&(*e, *id)]).collect();
        assert_eq!(
            score_of(&z_results, *id),
            aggregate::mean(&zs).map(round2),
            "{id}"
        );
    }

    // Refusals: too few experts to trim, an unknown category; nothing changes.
    let too_few = CategoryRule {
        trim_min_experts: 2,
        ..median.clone()
    };
    bad_input(category_rules::set(
        &round.review,
        key,
        &too_few,
        T0,
        "clerk",
    ));
    let foreign = CategoryRule {
        tie_breakers: vec![TieBreaker::Criterion {
            key: "no_such".into(),
        }],
        ..median.clone()
    };
    let said = bad_input(category_rules::set(
        &round.review,
        key,
        &foreign,
        T0,
        "clerk",
    ));
    assert!(said.contains("no_such"), "{said}");
    let twice = CategoryRule {
        tie_breakers: vec![TieBreaker::MoreTopMarks, TieBreaker::MoreTopMarks],
        ..median.clone()
    };
    bad_input(category_rules::set(&round.review, key, &twice, T0, "clerk"));
    let unknown = category_rules::set(&round.review, "no_such", &median, T0, "clerk").unwrap_err();
    assert_eq!(unknown.code(), "unknown_category");
    let conn = store::open(&round.review).unwrap();
    assert_eq!(category_rules::stored(&conn).unwrap()[key], normalised);
    drop(conn);
    assert_eq!(
        actions(&round.review)
            .iter()
            .filter(|a| *a == "category.rule_set")
            .count(),
        2
    );

    // The command line sets and reports the same rule, and results follow it.
    let run = |args: &[&str]| cli(&round.root, &round.review, args);
    // Sets a rule on the command line; returns the rule `results --json` then reports.
    let rule_via_cli = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["category", "rule", "--category", key, "--method", "mean"];
        args.extend(extra);
        let set = run(&args);
        assert_ran(&set);
        let shown = run(&["results", "--json"]);
        let json: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
        json["categories"][0]["rule"].clone()
    };
    assert_eq!(rule_via_cli(&[])["method"], "mean");
    let plain = compute(&round.review, &ResultOptions::default()).unwrap();
    for (id, marks) in &by_nomination {
        let values: Vec<f64> = marks.iter().map(|(_, t)| *t).collect();
        assert_eq!(score_of(&plain, *id), aggregate::mean(&values).map(round2));
    }
    assert_eq!(
        rule_via_cli(&["--tie-breakers", "criterion:c2,top_marks"])["tie_breakers"],
        serde_json::json!([{"kind": "criterion", "key": "c2"}, {"kind": "more_top_marks"}])
    );
    let sideways = run(&[
        "category",
        "rule",
        "--category",
        key,
        "--method",
        "mean",
        "--tie-breakers",
        "coin",
    ]);
    assert!(!sideways.status.success());
    assert!(String::from_utf8_lossy(&sideways.stderr).contains("coin"));
    let wrong = run(&["category", "rule", "--category", key, "--method", "average"]);
    assert!(!wrong.status.success());
    let said = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        said.contains("汇总方法") && said.contains("average"),
        "{said}"
    );
}

#[test]
fn a_quota_set_after_the_package_went_out_moves_the_cut_line() {
    let (round, _panels) = five_experts_received();
    let key = "student_exemplar";
    let wide = compute(&round.review, &ResultOptions::default()).unwrap();
    let scored = wide.categories[0]
        .nominations
        .iter()
        .filter(|n| n.score.is_some())
        .count();
    assert!(scored > 3);
    assert!(wide.categories[0]
        .nominations
        .iter()
        .all(|n| n.cut != Cut::Out));

    review::set_quota(&round.review, key, 3, false, T0, "clerk").unwrap();
    let narrow = compute(&round.review, &ResultOptions::default()).unwrap();
    let c = &narrow.categories[0];
    assert_eq!(c.quota, 3);
    let inside = c.nominations.iter().filter(|n| n.cut == Cut::In).count();
    let tied = c.nominations.iter().filter(|n| n.cut == Cut::Tied).count();
    assert!(
        inside <= 3 && inside + tied >= 3,
        "in {inside}, tied {tied}"
    );
    assert!(c.nominations.iter().any(|n| n.cut == Cut::Out));

    bad_input(review::set_quota(&round.review, key, 0, false, T0, "clerk"));
    let unknown = review::set_quota(&round.review, "no_such", 3, false, T0, "clerk").unwrap_err();
    assert_eq!(unknown.code(), "unknown_category");
    let set = cli(
        &round.root,
        &round.review,
        &[
            "category",
            "quota",
            "--category",
            key,
            "--quota",
            "5",
            "--approximate",
        ],
    );
    assert_ran(&set);
    let listed = cli(&round.root, &round.review, &["category", "list", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(json[0]["quota"], 5);
    assert_eq!(json[0]["approximate"], true);
    assert_eq!(
        actions(&round.review)
            .iter()
            .filter(|a| *a == "category.quota_set")
            .count(),
        2
    );
}

#[test]
fn an_allowance_is_checked_and_audited_with_what_it_replaced() {
    let (dir, review) = exemplar_review_in_temp();
    let key = review::load(&review, paneldesk::privacy::Privacy::Masked)
        .unwrap()
        .categories[0]
        .key
        .clone();
    let zh = bad_input(review::set_allowance(&review, &key, Some(0), T0, "clerk"));
    assert!(zh.contains("每校限报"), "{zh}");
    bad_input(review::set_allowance(
        &review,
        &key,
        Some(100_001),
        T0,
        "clerk",
    ));

    review::set_allowance(&review, &key, Some(3), T0, "clerk").unwrap();
    review::set_allowance(&review, &key, None, T0, "clerk").unwrap();
    let conn = store::open(&review).unwrap();
    let details: Vec<serde_json::Value> = audit::entries(&conn)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "category.allowance_set")
        .map(|e| serde_json::from_str(&e.detail).unwrap())
        .collect();
    assert_eq!(details.len(), 2, "refused changes are not audited");
    assert_eq!(details[0]["allowance"], 3);
    assert_eq!(details[0]["before"], serde_json::Value::Null);
    assert_eq!(details[1]["allowance"], serde_json::Value::Null);
    assert_eq!(details[1]["before"], 3);

    // The command line goes through the same check.
    let refused = cli(
        dir.path(),
        &review,
        &[
            "review",
            "allowance",
            "--category",
            &key,
            "--per-university",
            "0",
        ],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("每校限报"));
}
