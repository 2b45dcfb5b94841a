//! Benchmark (not a test): a folder imported the way the app's import screen sends it —
//! calls of a few files each, growing while they are quick — through one parsing pool kept
//! between calls (as the app keeps it) or a new pool per call (as it did before).
//!
//! `import_in_calls EXE FOLDER [FILES_PER_CALL|grow] [fresh]`. EXE is the binary whose
//! `__read-workbooks` children parse: `paneldesk`, or `paneldesk-app` to pay what the app
//! pays to start one. Run by `scripts/bench-import.sh` with the CLI binary.

use std::path::Path;
use std::time::Instant;

use paneldesk::activity::Activity;
use paneldesk::review::{self, NewReview};
use paneldesk::sandbox::pool::ParserPool;

const AT: &str = "2026-11-30T08:00:00Z";
/// The UI's sizing (`ui/src/lib/import/importRun.svelte.ts`): 8 files first, doubling up
/// to 64 while a call takes under 200 ms.
const FIRST: usize = 8;
const MAX: usize = 64;

fn main() -> Result<(), paneldesk::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(exe), Some(folder)) = (args.first(), args.get(1)) else {
        eprintln!("usage: import_in_calls EXE FOLDER [FILES_PER_CALL|grow] [fresh]");
        std::process::exit(2);
    };
    let fixed: Option<usize> = args.get(2).and_then(|a| a.parse().ok());
    let fresh = args.iter().any(|a| a == "fresh");

    let dir = tempfile::tempdir().map_err(|e| paneldesk::Error::io("tmp", e))?;
    let path = dir.path().join("bench.pdreview");
    review::create(
        &path,
        &NewReview {
            id: "bench".into(),
            activity: Activity::StudentExemplar,
            year: 2026,
            created_at: AT.into(),
            actor: "bench".into(),
        },
    )?;
    let sources = paneldesk::import::sources_in(&[folder.into()]);
    let kept = ParserPool::new(Path::new(exe), Default::default());

    let start = Instant::now();
    let (mut index, mut size, mut calls, mut accepted, mut children) = (0, FIRST, 0, 0, 0);
    while index < sources.len() {
        let chunk = &sources[index..(index + fixed.unwrap_or(size)).min(sources.len())];
        let own;
        let pool = if fresh {
            own = ParserPool::new(Path::new(exe), Default::default());
            &own
        } else {
            &kept
        };
        let call = Instant::now();
        let reports =
            paneldesk::import::file::import_many(&path, &[], chunk, pool, AT, "bench", |_, _| {})?;
        accepted += reports.iter().map(|r| r.accepted).sum::<u32>();
        if fresh {
            children += pool.children_started();
        }
        if call.elapsed().as_millis() < 200 {
            size = (size * 2).min(MAX);
        }
        index += chunk.len();
        calls += 1;
    }
    if !fresh {
        children = kept.children_started();
    }
    println!(
        "{} files, {accepted} nominations in {calls} calls, {children} children started: {:.2} s",
        sources.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
