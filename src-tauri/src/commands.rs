//! Command bodies: each calls the core once. `ipc.rs` wraps them for Tauri and TypeScript.

use std::path::Path;

use paneldesk::activity::{self, Activity, ActivityInfo};
use paneldesk::demo::{self, DemoSpec};
use paneldesk::model::{Review, ReviewSummary};
use paneldesk::privacy::Privacy;
use paneldesk::review::{self, NewReview};
use paneldesk::workspace::ReviewList;

use crate::ipc::{AppInfo, IpcError};
use crate::AppState;

type Answer<T> = Result<T, IpcError>;

/// Who acts, for the audit log: this laptop's user until experts and clerks sign in.
fn actor() -> String {
    std::env::var("USER").unwrap_or_else(|_| "clerk".into())
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn random_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_string()
}

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
    let id = format!("demo-{}", review::make_id(spec.year, spec.activity, &random_suffix()));
    let path = state.workspace.path_for_new_review(&id);
    Ok(demo::create(&path, &id, &spec, &now())?)
}

pub fn backup_review(state: &AppState, review_id: String, destination: String) -> Answer<()> {
    let path = state.workspace.resolve(Some(&review_id))?;
    Ok(review::backup(&path, Path::new(&destination), &now(), &actor())?)
}
