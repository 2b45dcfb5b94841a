//! Command bodies: each calls the core once. `ipc.rs` wraps them for Tauri and TypeScript.

use std::path::Path;

use paneldesk::activity::{self, Activity, ActivityInfo};
use paneldesk::demo::{self, DemoSpec};
use paneldesk::edge::{current_actor as actor, now_rfc3339 as now, random_suffix};
use paneldesk::import::file::FileReport;
use paneldesk::import::Source;
use paneldesk::model::{Review, ReviewSummary};
use paneldesk::privacy::Privacy;
use paneldesk::review::{self, NewReview};
use paneldesk::store::flags::{self, Decision, StoredFlag};
use paneldesk::workspace::ReviewList;
use paneldesk::{import, store, workbook_template};

use crate::ipc::{AppInfo, IpcError};
use crate::AppState;

type Answer<T> = Result<T, IpcError>;

pub fn app_info(state: &AppState) -> Answer<AppInfo> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        data_dir: state.workspace.root().display().to_string(),
    })
}

pub fn list_activities(_state: &AppState) -> Answer<Vec<ActivityInfo>> {
    Ok(activity::all_activities())
}

pub fn list_reviews(state: &AppState) -> Answer<ReviewList> {
    Ok(state.workspace.list()?)
}

pub fn open_review(state: &AppState, review_id: String) -> Answer<Review> {
    let path = state.workspace.resolve(Some(&review_id))?;
    Ok(review::load(&path, Privacy::Masked)?)
}

pub fn create_review(state: &AppState, activity: Activity, year: i32) -> Answer<ReviewSummary> {
    let id = review::make_id(year, activity, &random_suffix());
    let path = state.workspace.path_for_new_review(&id);
    Ok(review::create(
        &path,
        &NewReview {
            id,
            activity,
            year,
            created_at: now(),
            actor: actor(),
        },
    )?)
}

pub fn create_demo_review(state: &AppState) -> Answer<ReviewSummary> {
    let spec = DemoSpec::default();
    let id = demo::review_id(&spec, &random_suffix());
    let path = state.workspace.path_for_new_review(&id);
    Ok(demo::create(&path, &id, &spec, &now())?)
}

pub fn backup_review(state: &AppState, review_id: String, destination: String) -> Answer<()> {
    let path = state.workspace.resolve(Some(&review_id))?;
    Ok(review::backup(
        &path,
        Path::new(&destination),
        &now(),
        &actor(),
    )?)
}

pub fn write_nomination_template(
    state: &AppState,
    review_id: String,
    destination: String,
) -> Answer<()> {
    let summary = review::summary(&state.workspace.resolve(Some(&review_id))?)?;
    Ok(workbook_template::write(
        Path::new(&destination),
        summary.activity,
        summary.year,
    )?)
}

pub fn expand_workbook_paths(_state: &AppState, paths: Vec<String>) -> Answer<Vec<Source>> {
    let paths: Vec<std::path::PathBuf> = paths.into_iter().map(Into::into).collect();
    Ok(import::sources_in(&paths))
}

pub fn import_workbook(state: &AppState, review_id: String, source: Source) -> Answer<FileReport> {
    let review = state.workspace.resolve(Some(&review_id))?;
    let exe = std::env::current_exe().map_err(|e| paneldesk::Error::io("paneldesk-app", e))?;
    Ok(import::file::import(
        &review,
        &source,
        &exe,
        &now(),
        &actor(),
    )?)
}

pub fn list_flags(state: &AppState, review_id: String) -> Answer<Vec<StoredFlag>> {
    let conn = store::open(&state.workspace.resolve(Some(&review_id))?)?;
    Ok(flags::read_all(&conn)?)
}

pub fn settle_flag(
    state: &AppState,
    review_id: String,
    flag_id: u32,
    decision: Decision,
    note: String,
) -> Answer<StoredFlag> {
    let mut conn = store::open(&state.workspace.resolve(Some(&review_id))?)?;
    Ok(flags::settle(
        &mut conn,
        i64::from(flag_id),
        decision,
        &note,
        &now(),
        &actor(),
    )?)
}
