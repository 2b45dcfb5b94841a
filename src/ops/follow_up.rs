//! After the award: mid-term and acceptance reviews made from the register of awarded
//! units, and the notice of a spot-check draw.

use std::path::Path;

use crate::error::Result;
use crate::follow_up::review::{self, FollowUpPlan};
use crate::follow_up::spot_check;
use crate::model::ReviewSummary;
use crate::workspace::Workspace;

use super::{dated, Existing};

/// Makes the follow-up review `plan` describes in `workspace`, from the units its
/// register holds as due; `experts_from` is a review whose roster it copies, `suffix`
/// (fresh randomness) keeps its id unique.
pub fn create_review(
    workspace: &Workspace,
    plan: &FollowUpPlan,
    experts_from: Option<&Path>,
    suffix: &str,
    at: &str,
    actor: &str,
) -> Result<ReviewSummary> {
    let id = crate::review::make_id(plan.as_of.year, plan.activity, suffix);
    let path = workspace.path_for_new_review(&id);
    let register = workspace.register_path();
    review::create(&register, &path, &id, plan, experts_from, at, actor)
}

/// The title a draw's notice prints under.
pub fn notice_title(id: &str) -> String {
    format!("随机抽查名单 {id}")
}

/// Prints the one-page notice of draw `id` from the register at `register_path`, dated
/// `date`, into `destination`; returns its size in bytes.
pub fn print_notice(
    register_path: &Path,
    id: &str,
    date: time::Date,
    destination: &Path,
    existing: Existing,
) -> Result<usize> {
    existing.make(destination, || {
        let view = spot_check::view(register_path, id)?;
        crate::report::notice::spot_check(&view, &dated(&notice_title(id), date))
    })
}
