//! One integration binary for whole workflows; a module per area.

mod architecture;
mod audit_log;
mod cli;
mod hostile_workbooks;
mod import_workbooks;
mod review_file;
mod workbook_template;
mod workspace;

use std::path::{Path, PathBuf};

use paneldesk::activity::Activity;
use paneldesk::demo::{self, DemoSpec};
use paneldesk::model::ReviewSummary;

pub const T0: &str = "2026-11-30T08:00:00Z";

pub fn demo_review(dir: &Path, name: &str, created_at: &str) -> (PathBuf, ReviewSummary) {
    let path = dir.join(format!("{name}.pdreview"));
    let spec = DemoSpec {
        activity: Activity::StudentExemplar,
        year: 2026,
        n_nominations: 24,
        n_experts: 5,
        seed: 7,
    };
    let summary = demo::create(&path, name, &spec, created_at).expect("demo review");
    (path, summary)
}
