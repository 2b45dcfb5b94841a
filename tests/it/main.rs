//! One integration binary for whole workflows; a module per area.

mod acting_person;
mod architecture;
mod audit_log;
mod ballot_audit;
mod certificates;
mod cli;
mod correction_effects;
mod corrections;
mod crash;
mod cross_year;
mod demo_round;
mod flag_batches;
mod follow_up;
mod fuzz;
mod grade_lists;
mod hostile_workbooks;
mod import_haystack;
mod import_packages;
mod import_workbooks;
mod keys_at_rest;
mod laptop_ballot;
mod meeting;
mod merge_props;
mod next_step;
mod nomination_list;
mod ops;
mod panels;
mod paper;
mod personal_data;
mod publication;
mod re_registration;
mod reports;
mod results_rules;
mod review_file;
mod rubric_edits;
mod scoring_props;
mod scoring_round;
mod second_implementation;
mod self_evaluation;
mod setup_rules;
mod support;
mod tally_audit;
mod trust;
mod weights;
mod workbook_template;
mod workspace;

use std::path::{Path, PathBuf};

use paneldesk::activity::Activity;
use paneldesk::demo::{self, DemoSpec};
use paneldesk::model::ReviewSummary;

pub const T0: &str = "2026-11-30T08:00:00Z";

/// `announcement set` arguments for a 公示 held 2026-01-05 to 01-09 and over by any
/// calendar the tests run on: certificates and the register may follow it.
pub const PAST_ANNOUNCEMENT: &[&str] = &[
    "--from",
    "2026-01-05",
    "--to",
    "2026-01-09",
    "--telephone",
    "0371-65905123",
    "--issuer",
    "中共某省委教育工作委员会",
    "--issued-on",
    "2026-01-04",
];

/// Every stored mark of a review as (expert, nomination, sequence, item JSON), in that
/// order: the review keeps one row per expert (`expert_marks`), tests compare marks.
pub fn stored_marks(review: &Path) -> Vec<(i64, i64, i64, String)> {
    let conn = paneldesk::store::open(review).unwrap();
    let rows: Vec<(i64, i64, String)> = conn
        .prepare("SELECT expert_id, sequence, items_json FROM expert_marks ORDER BY 1")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut marks = Vec::new();
    for (expert, sequence, items) in rows {
        let items: Vec<serde_json::Value> = serde_json::from_str(&items).unwrap();
        for item in items {
            let nomination = item["nomination_id"].as_i64().unwrap();
            marks.push((expert, nomination, sequence, item.to_string()));
        }
    }
    marks.sort();
    marks
}

/// Fixed clerk keys: a fixed age identity (made by `paneldesk package` once) keeps the
/// round tests deterministic.
pub fn clerk_keys() -> paneldesk::keys::ClerkKeys {
    paneldesk::keys::ClerkKeys {
        signing_seed: paneldesk::keys::hex(&[3; 32]),
        age_identity: "AGE-SECRET-KEY-17S9E3WYXXZYAGH99M9UPT25PUQ7PHJ99H0GASDC799EN7FH32RTSUJE85P"
            .into(),
    }
}

/// An empty 大学生党员标兵 review for import tests.
pub fn new_exemplar_review(dir: &Path) -> PathBuf {
    new_empty_review(
        dir,
        "r.pdreview",
        "2026-student_exemplar-test",
        Activity::StudentExemplar,
    )
}

/// A new temporary folder holding an empty 大学生党员标兵 review, for import tests.
pub fn exemplar_review_in_temp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let review = new_exemplar_review(dir.path());
    (dir, review)
}

/// An empty review of `activity` for 2026, at `dir/file`.
pub fn new_empty_review(dir: &Path, file: &str, id: &str, activity: Activity) -> PathBuf {
    let path = dir.join(file);
    paneldesk::review::create(
        &path,
        &paneldesk::review::NewReview {
            id: id.into(),
            activity,
            year: 2026,
            created_at: T0.into(),
            actor: "clerk".into(),
        },
    )
    .unwrap();
    path
}

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

/// A new temporary folder, with its path, holding the demonstration review made from
/// `spec` as `<file>.pdreview` with the id `id`.
pub fn demo_in_new_folder(
    file: &str,
    id: &str,
    spec: &DemoSpec,
) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let review = root.join(format!("{file}.pdreview"));
    demo::create(&review, id, spec, T0).unwrap();
    (dir, root, review)
}

/// Rewrites the declared sizes of zip entry `name` in both its local header and the
/// central directory: the "lying sizes" of a crafted archive.
pub fn lie_about_size(path: &Path, name: &str, size: u32) {
    let mut raw = std::fs::read(path).unwrap();
    let needle = name.as_bytes();
    let mut at = 0;
    while let Some(i) = raw[at..].windows(needle.len()).position(|w| w == needle) {
        let start = at + i;
        // Local header: name at 30, sizes at 18..26. Central: name at 46, sizes at 20..28.
        if start >= 30 && raw[start - 30..start - 26] == *b"PK\x03\x04" {
            raw[start - 12..start - 8].copy_from_slice(&size.to_le_bytes());
            raw[start - 8..start - 4].copy_from_slice(&size.to_le_bytes());
        } else if start >= 46 && raw[start - 46..start - 42] == *b"PK\x01\x02" {
            raw[start - 26..start - 22].copy_from_slice(&size.to_le_bytes());
            raw[start - 22..start - 18].copy_from_slice(&size.to_le_bytes());
        }
        at = start + needle.len();
    }
    std::fs::write(path, raw).unwrap();
}

/// A parsing pool of the `paneldesk` binary's children, as the CLI makes one per import.
pub fn parser_pool() -> paneldesk::sandbox::pool::ParserPool {
    paneldesk::sandbox::pool::ParserPool::new(
        Path::new(env!("CARGO_BIN_EXE_paneldesk")),
        paneldesk::sandbox::reader::Limits::default(),
    )
}

/// Imports the one workbook at `path` into `review`, as a single file is imported.
pub fn import_workbook(review: &Path, path: &Path) -> paneldesk::import::file::FileReport {
    let source = paneldesk::import::Source::Workbook {
        path: path.display().to_string(),
    };
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_paneldesk"));
    paneldesk::import::file::import(review, &source, &exe, T0, "clerk").unwrap()
}

/// A workbook of the fixtures, by its path below `tests/fixtures/workbooks`.
pub fn workbook_fixture(parts: &[&str]) -> PathBuf {
    let mut p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workbooks");
    p.extend(parts);
    p
}

/// Imports `sources` into `review` as one batch through a new pool, as the CLI does.
pub fn import_batch(
    review: &Path,
    sources: &[paneldesk::import::Source],
) -> Vec<paneldesk::import::file::FileReport> {
    paneldesk::import::file::import_many(
        review,
        &[],
        sources,
        &parser_pool(),
        T0,
        "clerk",
        |_, _| {},
    )
    .unwrap()
}

/// The meeting-room ceremony in one line: the clerk registers the fingerprint an expert
/// read out from their enrolment screen. Registering the same key again is a no-op, so
/// helpers that enrol an expert twice in one review stay simple.
pub fn register_key(review: &Path, expert_id: i64, fingerprint: &str) {
    let already = paneldesk::registration::list_in(review)
        .unwrap()
        .into_iter()
        .any(|r| {
            r.expert_id == expert_id && r.fingerprint == fingerprint && r.revoked_at.is_none()
        });
    if !already {
        paneldesk::registration::register_in(review, expert_id, fingerprint, T0, "clerk").unwrap();
    }
}

/// Certificates for every winner of the review, as the clerk's laptop issues them: the
/// record printed from and the awards.
pub fn issue_to_winners(
    review: &Path,
) -> (
    paneldesk::report::record::Record,
    Vec<paneldesk::report::certificate::Award>,
) {
    use paneldesk::report::serials;
    let conn = paneldesk::store::open(review).unwrap();
    if paneldesk::announcement::read(&conn).unwrap().is_none() {
        announce(review);
    }
    drop(conn);
    let record = paneldesk::report::record::Record::load(
        review,
        &paneldesk::merge::results::ResultOptions::default(),
    )
    .unwrap();
    let chosen = serials::winners(&record, None, AFTER_PUBLICITY).unwrap();
    let awards =
        serials::issue(review, &record, &chosen, &clerk_keys(), "PD", T0, "clerk").unwrap();
    (record, awards)
}

/// The 公示 as an office sets it: 2026-12-01 to 2026-12-07, a telephone, an address and an
/// email for objections, the issuer and its date.
pub fn announcement_settings() -> paneldesk::announcement::AnnouncementSettings {
    paneldesk::announcement::AnnouncementSettings {
        title_kind: paneldesk::announcement::TitleKind::Name,
        period_from: "2026-12-01".into(),
        period_to: "2026-12-07".into(),
        telephone: "0371-65905123".into(),
        address: "郑州市金水区文化路 1 号 省委教育工委组织处".into(),
        email: "zzc@jyt.example.cn".into(),
        issuer: "中共某省委教育工作委员会".into(),
        issued_on: "2026-11-30".into(),
    }
}

/// The shipped certificate template with the issuer the clerk must set before printing.
pub fn printable_template() -> paneldesk::report::certificate::CertificateTemplate {
    paneldesk::report::certificate::CertificateTemplate {
        issuer: "中共某省委教育工作委员会".into(),
        ..Default::default()
    }
}

/// A day after that 公示期.
pub const AFTER_PUBLICITY: time::Date = time::macros::date!(2026 - 12 - 08);

/// Sets `announcement_settings` on the review.
pub fn announce(review: &Path) -> paneldesk::announcement::StoredAnnouncement {
    paneldesk::announcement::set(review, announcement_settings(), T0, "clerk").unwrap()
}

/// A parsing child of the `paneldesk` binary, started as the pool starts one, with one
/// request written to it as the pool writes it: the extension, then the file's bytes.
pub fn parsing_child_asked(extension: &str, bytes: &[u8]) -> std::process::Child {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_paneldesk"))
        .arg(paneldesk::sandbox::pool::CHILD_COMMAND)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.as_mut().unwrap();
    stdin
        .write_all(&(extension.len() as u32).to_le_bytes())
        .unwrap();
    stdin.write_all(extension.as_bytes()).unwrap();
    stdin
        .write_all(&(bytes.len() as u64).to_le_bytes())
        .unwrap();
    stdin.write_all(bytes).unwrap();
    stdin.flush().unwrap();
    child
}
