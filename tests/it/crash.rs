//! No score shown as saved is ever lost: a child process (`paneldesk expert score --echo`)
//! enters scores continuously and is killed with SIGKILL at pseudo-random moments, many
//! times; after each kill every score it reported is still there and SQLite's
//! integrity check passes.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use paneldesk::model::ScoringMode;
use paneldesk::package;
use paneldesk::scoring::panel;

use super::{clerk_keys, demo_review, T0};

type Key = (i64, String);

/// The CSV lines, and for each the (nomination, criterion) it sets and the points.
fn scoring_lines(panels: &Path) -> Vec<(String, Key, f64)> {
    let p = panel::open(panels, "").unwrap();
    let mut lines = Vec::new();
    for pass in 0..40 {
        for n in &p.package.nominations {
            if p.item(n.id).unwrap().recusal.is_some() {
                continue;
            }
            let category = p.package.category(&n.category_key).unwrap();
            if category.scoring_mode != ScoringMode::Criteria {
                continue;
            }
            for c in &category.rubric.criteria {
                let steps = (c.max_points / c.step) as usize;
                let points = ((pass * 7 + n.id as usize) % (steps + 1)) as f64 * c.step;
                lines.push((
                    format!("{},{},{points}", n.id, c.key),
                    (n.id, c.key.clone()),
                    points,
                ));
            }
        }
    }
    lines
}

fn state_after(lines: &[(String, Key, f64)], count: usize) -> BTreeMap<Key, f64> {
    let mut state = BTreeMap::new();
    for (_, key, points) in &lines[..count] {
        state.insert(key.clone(), *points);
    }
    state
}

fn stored(panels: &Path) -> BTreeMap<Key, f64> {
    let p = panel::open(panels, "").unwrap();
    let mut out = BTreeMap::new();
    for item in p.items().unwrap() {
        for (k, v) in item.criteria {
            out.insert((item.nomination_id, k), v);
        }
    }
    out
}

fn integrity(panels: &Path) -> String {
    let folder = std::fs::read_dir(panels)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let conn = rusqlite::Connection::open(folder.join("panel.pdexpert")).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn sigkill_at_random_moments_never_loses_a_score_reported_as_saved() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (review, _) = demo_review(root, "crash", T0);
    let package_file = root.join("crash.pdpanel");
    let clerk = clerk_keys();
    package::build(&review, &package_file, &clerk, "2026-12-10", 0, T0, "clerk").unwrap();
    let laptop = root.join("laptop");
    let panels = laptop.join("panels");
    let mut p = panel::import_package(&panels, &package_file, T0).unwrap();
    let id = p.package.experts[1].id;
    p.enrol(id, "glass meadow 864200", ([1; 32], [2; 16], [3; 12]), T0)
        .unwrap();
    drop(p);

    let lines = scoring_lines(&panels);
    let csv = root.join("scores.csv");
    let text: Vec<&str> = lines.iter().map(|(l, ..)| l.as_str()).collect();
    std::fs::write(&csv, text.join("\n")).unwrap();
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_paneldesk"));

    // A small linear congruential generator: reproducible "random" kill moments.
    let mut seed: u64 = 0x5EED;
    let mut kills = 0;
    let mut reported_total = 0;
    for _ in 0..25 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = Duration::from_millis(20 + (seed >> 33) % 400);
        let mut child = Command::new(&exe)
            .args(["expert", "score", "--echo"])
            .arg(&csv)
            .env("PANELDESK_DATA_DIR", &laptop)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter(|l| l.starts_with("saved "))
                .count()
        });
        std::thread::sleep(delay);
        let killed = child.kill().is_ok();
        let _ = child.wait();
        let reported = reader.join().unwrap();
        kills += usize::from(killed && reported < lines.len());
        reported_total += reported;

        // Every run starts from the top of the CSV, so after `reported` lines were
        // echoed the store holds the state after `reported` lines, or one more (killed
        // between the commit and the echo) — never less.
        let now = stored(&panels);
        let earlier = state_after(&lines, reported);
        let merged = |base: &BTreeMap<Key, f64>| {
            let mut m = stored_before_run(&now, base);
            m.extend(base.clone());
            m
        };
        let ok = now == merged(&earlier)
            || (reported < lines.len() && now == merged(&state_after(&lines, reported + 1)));
        assert!(ok, "after {reported} reported lines the store differs");
        assert_eq!(integrity(&panels), "ok");
    }
    assert!(kills >= 10, "only {kills} runs were killed mid-way");
    assert!(reported_total > 0);
}

/// Keys a run has not reached yet keep what earlier runs stored.
fn stored_before_run(now: &BTreeMap<Key, f64>, reached: &BTreeMap<Key, f64>) -> BTreeMap<Key, f64> {
    now.iter()
        .filter(|(k, _)| !reached.contains_key(*k))
        .map(|(k, v)| (k.clone(), *v))
        .collect()
}
