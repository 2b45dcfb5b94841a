//! The demo a newcomer opens: a review whose round is finished — every expert's bundle
//! received, about half of each category out, and a tie at the cut waiting for the
//! panel — made by `paneldesk demo --finished-round` through the same functions a real
//! round runs.

use std::process::Command;

use serde_json::Value;

fn paneldesk(data: &std::path::Path, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_paneldesk"))
        .args(args)
        .env("PANELDESK_DATA_DIR", data)
        .output()
        .expect("paneldesk runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn the_demo_opens_on_a_finished_round_with_a_tie_at_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let made = paneldesk(
        data,
        &[
            "demo",
            "--finished-round",
            "--nominations",
            "30",
            "--experts",
            "5",
            "--json",
        ],
    );
    let id = made["id"].as_str().unwrap().to_string();
    assert_eq!(made["bundles_received"], 5, "{made}");

    let results = paneldesk(data, &["results", "--review", &id, "--json"]);
    let categories = results["categories"].as_array().unwrap();
    assert!(!categories.is_empty());
    for c in categories {
        let cuts: Vec<&str> = c["nominations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["cut"].as_str().unwrap())
            .collect();
        for n in c["nominations"].as_array().unwrap() {
            let marked = n["experts"].as_u64().unwrap() + n["recused"].as_u64().unwrap();
            assert_eq!(marked, 5, "every expert's marks are in: {n}");
        }
        let count = |cut: &str| cuts.iter().filter(|c| **c == cut).count();
        if cuts.len() < 3 {
            continue;
        }
        assert_eq!(count("tied"), 2, "{}: {cuts:?}", c["key"]);
        assert!(count("out") > 0, "the quota leaves some out: {cuts:?}");
        assert!(count("in") > 0, "{cuts:?}");
        assert_eq!(c["quota"].as_u64().unwrap() as usize, cuts.len() / 2);
    }

    // Made again with --keep-existing, the same review is shown, not a second round.
    let again = paneldesk(
        data,
        &["demo", "--keep-existing", "--finished-round", "--json"],
    );
    assert_eq!(again["id"], id.as_str());
}
