//! Command bodies: each calls the core once. `ipc.rs` wraps them for Tauri and TypeScript.

use std::path::Path;

use paneldesk::activity::{self, Activity, ActivityInfo};
use paneldesk::demo::{self, DemoSpec};
use paneldesk::edge::{current_actor as actor, now_rfc3339 as now, random_suffix};
use paneldesk::model::{Review, ReviewSummary};
use paneldesk::privacy::Privacy;
use paneldesk::review::{self, NewReview};
use paneldesk::workspace::ReviewList;

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
