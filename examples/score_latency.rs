//! Benchmark (not a test): how long saving one score takes, commit included, on the
//! expert's laptop. Run by `scripts/bench-scoring.sh`; prints median, p99 and max.

use std::time::Instant;

use paneldesk::demo::{self, DemoSpec};
use paneldesk::keys::ClerkKeys;
use paneldesk::model::ScoringMode;
use paneldesk::{activity::Activity, ambient, package, scoring::panel};

fn main() -> Result<(), paneldesk::Error> {
    let saves: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let dir = tempfile::tempdir().map_err(|e| paneldesk::Error::io("tmp", e))?;
    let review = dir.path().join("bench.pdreview");
    let spec = DemoSpec {
        activity: Activity::StudentExemplar,
        year: 2026,
        n_nominations: 300,
        n_experts: 5,
        seed: 1,
    };
    demo::create(&review, "bench", &spec, "2026-11-30T08:00:00Z")?;
    let file = dir.path().join("bench.pdpanel");
    let clerk: ClerkKeys = ambient::new_clerk_keys();
    package::build(
        &review,
        &file,
        &clerk,
        "2026-12-31",
        0,
        "2026-11-30T08:00:00Z",
        "bench",
    )?;
    let mut p = panel::import_package(&dir.path().join("panels"), &file, "t")?;
    let id = p.package.experts[0].id;
    p.enrol(
        id,
        "123456",
        (
            ambient::random_bytes(),
            ambient::random_bytes(),
            ambient::random_bytes(),
        ),
        "t",
    )?;
    let targets: Vec<(i64, String, f64)> = p
        .package
        .nominations
        .iter()
        .filter(|n| p.item(n.id).map(|i| i.recusal.is_none()).unwrap_or(false))
        .filter_map(|n| p.package.category(&n.category_key).map(|c| (n, c)))
        .filter(|(_, c)| c.scoring_mode == ScoringMode::Criteria)
        .flat_map(|(n, c)| {
            c.rubric
                .criteria
                .iter()
                .map(move |k| (n.id, k.key.clone(), k.step))
        })
        .collect();
    let mut times = Vec::with_capacity(saves);
    for i in 0..saves {
        let (nomination, key, step) = &targets[i % targets.len()];
        let points = (i % 5) as f64 * step;
        let start = Instant::now();
        p.set_points(*nomination, key, Some(points), "t")?;
        times.push(start.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "saved {saves} scores (commit with synchronous=FULL each): median {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
    Ok(())
}
