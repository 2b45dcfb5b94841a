//! Benchmark (not a test): the clerk's merge at province scale — 60 experts' result
//! bundles on disk, each scoring 3,000 nominations on 7 criteria, received (verified,
//! decrypted, stored) and turned into a ranked result. Run by `scripts/bench-merge.sh`.

use std::collections::BTreeMap;
use std::time::Instant;

use paneldesk::bundle::{self, NewBundle};
use paneldesk::demo::{self, DemoSpec};
use paneldesk::merge::{collect, results};
use paneldesk::model::marks::{Recusal, RecusalReason, ScoreItem};
use paneldesk::model::ScoringMode;
use paneldesk::{activity::Activity, ambient, keys, package, registration};

const AT: &str = "2026-11-30T08:00:00Z";

fn main() -> Result<(), paneldesk::Error> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (n_experts, n_nominations) = (
        args.first().copied().unwrap_or(60),
        args.get(1).copied().unwrap_or(3000),
    );
    let dir = tempfile::tempdir().map_err(|e| paneldesk::Error::io("tmp", e))?;
    let review = dir.path().join("bench.pdreview");
    let spec = DemoSpec {
        activity: Activity::ModelBranch,
        year: 2026,
        n_nominations,
        n_experts,
        seed: 3,
    };
    demo::create(&review, "bench", &spec, AT)?;
    let clerk = ambient::new_clerk_keys();
    let file = dir.path().join("bench.pdpanel");
    package::build(&review, &file, &clerk, "2026-12-31", 0, AT, "bench")?;
    let verified = package::open(&file)?;
    let manifest = &verified.manifest;
    let stick = dir.path().join("stick");
    std::fs::create_dir_all(&stick).map_err(|e| paneldesk::Error::io(&stick, e))?;
    let mut seed: u64 = 7;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    let criteria = manifest
        .categories
        .iter()
        .filter(|c| c.scoring_mode == ScoringMode::Criteria)
        .map(|c| c.rubric.criteria.len())
        .max()
        .unwrap_or(0);
    for (i, expert) in manifest.experts.iter().enumerate() {
        let key = keys::signing_key(&[i as u8 + 1; 32]);
        let own = expert.institution.trim();
        let items: Vec<ScoreItem> = manifest
            .nominations
            .iter()
            .map(|n| {
                // The clerk recomputes own-institution recusal: an honest bundle has it.
                if !own.is_empty() && n.university.trim() == own {
                    return ScoreItem {
                        nomination_id: n.id,
                        recusal: Some(Recusal {
                            reason: RecusalReason::SameInstitution,
                            note: String::new(),
                            automatic: true,
                        }),
                        ..ScoreItem::default()
                    };
                }
                let category = manifest.category(&n.category_key);
                let mut marks = BTreeMap::new();
                for k in category
                    .map(|c| c.rubric.criteria.as_slice())
                    .unwrap_or(&[])
                {
                    let steps = (k.max_points / k.step) as u64;
                    marks.insert(k.key.clone(), (next() % (steps + 1)) as f64 * k.step);
                }
                ScoreItem {
                    nomination_id: n.id,
                    criteria: marks,
                    comment: "事迹突出".into(),
                    ..ScoreItem::default()
                }
            })
            .collect();
        // The meeting-room registration of this expert's key.
        registration::register_in(
            &review,
            expert.id,
            &keys::fingerprint(&key.verifying_key()),
            AT,
            "bench",
        )?;
        bundle::write(
            &stick,
            NewBundle {
                package: manifest,
                package_hash: &verified.hash,
                expert_id: expert.id,
                sequence: 1,
                previous_bundle_hash: None,
                items,
                created_at: AT,
            },
            &key,
        )?;
    }
    let mut files: Vec<_> = std::fs::read_dir(&stick)
        .map_err(|e| paneldesk::Error::io(&stick, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    println!(
        "{} bundles, {} nominations, up to {criteria} criteria each",
        files.len(),
        manifest.nominations.len()
    );
    let start = Instant::now();
    collect::receive_many(&review, &clerk, &files, AT, "bench")?;
    let received = start.elapsed();
    let result = results::compute(&review, &results::ResultOptions::default())?;
    let total = start.elapsed();
    println!(
        "received {} bundles in {:.2} s; ranked {} categories; total {:.2} s",
        files.len(),
        received.as_secs_f64(),
        result.categories.len(),
        total.as_secs_f64()
    );
    let size = |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let bundles: u64 = files.iter().map(|f| size(f)).sum();
    println!(
        "review file {:.1} MiB after the merge; the bundles on the stick {:.1} MiB",
        size(&review) as f64 / (1 << 20) as f64,
        bundles as f64 / (1 << 20) as f64
    );
    Ok(())
}
