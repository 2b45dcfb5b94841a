//! Command bodies: each reads what the page sent (handles, ids), calls the core once and
//! returns its answer. `ipc.rs` wraps them for Tauri and TypeScript; the jobs themselves,
//! and every rule, live in the core's use cases (`paneldesk::ops`).

use std::path::PathBuf;

use paneldesk::activity::{self, Activity, ActivityInfo};
use paneldesk::ambient::{current_actor, now_rfc3339 as now, random_suffix};
use paneldesk::ambient::{random_bytes, today};
use paneldesk::import::file::FileReport;
use paneldesk::import::source::file_name;
use paneldesk::model::marks::{Grade, RecusalReason, ScoreItem, Vote};
use paneldesk::model::rule::CategoryRule;
use paneldesk::model::{NominationPage, NominationQuery, ReviewOutline, ReviewSummary};
use paneldesk::ops::ballot::PaperShown;
use paneldesk::ops::certificates::{Batch, CertificatePreview};
use paneldesk::ops::meeting::TallyShown;
use paneldesk::ops::reports::ReportKind;
use paneldesk::ops::round::PackageTerms;
use paneldesk::ops::Existing::Replace;
use paneldesk::package::{PackageSummary, PanelScope};
use paneldesk::registration::{self, Registration};
use paneldesk::review;
use paneldesk::scoring::panel::{self, Enrolment, Incomplete, Panel, PanelView, Submission};
use paneldesk::store::experts::NewExpert;
use paneldesk::store::flags::{self, Decision, StoredFlag};
use paneldesk::workspace::ReviewList;
use paneldesk::{import, ops, store, workbook_template};

use paneldesk::announcement::AnnouncementSettings;
use paneldesk::merge::ballot_vote::{VoteMark, VoteReceived};
use paneldesk::merge::collect::{self, ExpertStatus, Receipt};
use paneldesk::merge::decisions::Outcome;
use paneldesk::merge::meeting::{
    self, BallotKind, MeetingBallot, MeetingOutcome, Shortlist, Tally,
};
use paneldesk::merge::results::{self, ResultOptions, ReviewResults};
use paneldesk::merge::tally_file::Confirmed;
use paneldesk::objections::{NewObjection, Resolution};
use paneldesk::paper::{self, Keyed, PaperStatus, Sheet};
use paneldesk::readiness::PublicationStatus;
use paneldesk::report::certificate::{Award, CertificateTemplate, TemplateWords};
use paneldesk::report::serials::{self, CertificateCheck, QrCheck};

use paneldesk::follow_up::awarded_units::{self as awarded, AwardedUnit, Entered, RegisterView};
use paneldesk::follow_up::exchange::{self, RegisterImport};
use paneldesk::follow_up::review::{self as follow_up_review, Applied, FollowUpPlan};
use paneldesk::follow_up::spot_check::{self, DrawParams, SpotCheckView, Verification};
use paneldesk::follow_up::{Stage, Status, YearMonth};

use crate::ipc::{AppInfo, IpcError, PaperWrittenView, QrPhoto};
use crate::ipc::{TallySigned, TallyWritten, VoteCastView};
use crate::picked::{self, Handle, ImageChoice, Picked, Use};
use crate::AppState;

pub use crate::clerk::{
    clerk_keys_status, lock_clerk_keys, set_clerk_passphrase, unlock_clerk_keys,
};
pub use crate::window::set_text_size;

type Answer<T> = Result<T, IpcError>;

/// Who acts, for the audit log: the name set on this laptop ("who is working here"), else
/// the operating-system login.
fn actor(state: &AppState) -> String {
    state
        .workspace
        .acting_person()
        .ok()
        .flatten()
        .unwrap_or_else(current_actor)
}

/// Who works at this laptop, if someone said so.
pub fn acting_person(state: &AppState) -> Answer<Option<String>> {
    Ok(state.workspace.acting_person()?)
}

/// Sets who works at this laptop; returns the name as kept (trimmed).
pub fn set_acting_person(state: &AppState, name: String) -> Answer<String> {
    Ok(state.workspace.set_acting_person(&name)?)
}

/// The review the page names, by id only: `Workspace::resolve` would also take a path.
fn review_path(state: &AppState, review_id: &str) -> Answer<PathBuf> {
    Ok(state.workspace.resolve_id(review_id)?)
}

/// Where each handle the page sent leads, for reading; one the shell never handed out
/// for that refuses them all.
fn read_all(state: &AppState, handles: &[Handle]) -> Answer<Vec<PathBuf>> {
    handles.iter().map(|h| state.picks.read(h)).collect()
}

/// The workbooks behind the handles `expand_workbooks` gave out.
fn sources_of(state: &AppState, handles: &[Handle]) -> Answer<Vec<import::Source>> {
    handles.iter().map(|h| state.picks.source_of(h)).collect()
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

pub fn open_review(state: &AppState, review_id: String) -> Answer<ReviewOutline> {
    let path = review_path(state, &review_id)?;
    let review = ops::review::open(&path)?;
    // Its materials may now reach the reader (`reader.rs`).
    state.reader.review_opened(&review_id, path);
    Ok(review)
}

pub fn add_expert(
    state: &AppState,
    review_id: String,
    name: String,
    institution: String,
    title: String,
) -> Answer<ReviewOutline> {
    let path = review_path(state, &review_id)?;
    let new = NewExpert {
        name,
        institution,
        title,
    };
    Ok(ops::review::add_expert(&path, &new, &now(), &actor(state))?)
}

pub fn remove_expert(state: &AppState, review_id: String, expert_id: i32) -> Answer<ReviewOutline> {
    let path = review_path(state, &review_id)?;
    let expert_id = i64::from(expert_id);
    Ok(ops::review::remove_expert(
        &path,
        expert_id,
        &now(),
        &actor(state),
    )?)
}

pub fn set_category_quota(
    state: &AppState,
    review_id: String,
    category_key: String,
    quota: u32,
    approximate: bool,
) -> Answer<ReviewOutline> {
    let path = review_path(state, &review_id)?;
    let (at, by) = (now(), actor(state));
    let review = ops::review::set_quota(&path, &category_key, quota, approximate, &at, &by)?;
    Ok(review)
}

/// Sets how many nominations one university may send in the category (`None`: no limit);
/// the core checks the number and audits the change.
pub fn set_category_allowance(
    state: &AppState,
    review_id: String,
    category_key: String,
    allowance: Option<u32>,
) -> Answer<ReviewOutline> {
    let path = review_path(state, &review_id)?;
    let (at, by) = (now(), actor(state));
    let review = ops::review::set_allowance(&path, &category_key, allowance, &at, &by)?;
    Ok(review)
}

pub fn set_category_rule(
    state: &AppState,
    review_id: String,
    category_key: String,
    rule: CategoryRule,
) -> Answer<ReviewOutline> {
    let path = review_path(state, &review_id)?;
    let review = ops::review::set_rule(&path, &category_key, &rule, &now(), &actor(state))?;
    Ok(review)
}

pub fn create_review(state: &AppState, activity: Activity, year: i32) -> Answer<ReviewSummary> {
    let (workspace, suffix) = (&state.workspace, random_suffix());
    Ok(ops::review::create(
        workspace,
        activity,
        year,
        &suffix,
        &now(),
        &actor(state),
    )?)
}

pub fn create_demo_review(state: &AppState) -> Answer<ReviewSummary> {
    let suffix = random_suffix();
    let spec = paneldesk::demo::DemoSpec::default();
    Ok(ops::demo::create(&state.workspace, &spec, &suffix, &now())?)
}

// The shell's own file dialogs. What the user picks stays here; the page gets handles.

pub fn pick_files(
    state: &AppState,
    title: String,
    filter_name: String,
    extensions: Vec<String>,
    multiple: bool,
) -> Answer<Vec<Picked>> {
    let extensions: Vec<&str> = extensions.iter().map(String::as_str).collect();
    let paths = picked::open_files(state, &title, &filter_name, &extensions, multiple)?;
    Ok(paths
        .into_iter()
        .map(|p| state.picks.path(p, Use::ReadFile))
        .collect())
}

pub fn pick_folder(state: &AppState, title: String) -> Answer<Option<Picked>> {
    let folder = picked::open_folder(state, &title)?;
    Ok(folder.map(|p| state.picks.path(p, Use::ReadFolder)))
}

/// A folder to write into (the expert's result bundle goes to the USB stick).
pub fn pick_save_folder(state: &AppState, title: String) -> Answer<Option<Picked>> {
    let folder = picked::open_folder(state, &title)?;
    Ok(folder.map(|p| state.picks.path(p, Use::WriteFolder)))
}

pub fn pick_save_file(
    state: &AppState,
    title: String,
    suggested_name: String,
    filter_name: String,
    extensions: Vec<String>,
) -> Answer<Option<Picked>> {
    let extensions: Vec<&str> = extensions.iter().map(String::as_str).collect();
    let path = picked::save_file(state, &title, &suggested_name, &filter_name, &extensions)?;
    Ok(path.map(|p| state.picks.path(p, Use::WriteFile)))
}

pub fn backup_review(state: &AppState, review_id: String, destination: Handle) -> Answer<()> {
    let path = review_path(state, &review_id)?;
    let destination = state.picks.write_file(&destination)?;
    Ok(review::backup(&path, &destination, &now(), &actor(state))?)
}

pub fn write_nomination_template(
    state: &AppState,
    review_id: String,
    destination: Handle,
) -> Answer<()> {
    let summary = review::summary(&review_path(state, &review_id)?)?;
    let destination = state.picks.write_file(&destination)?;
    Ok(workbook_template::write(
        &destination,
        summary.activity,
        summary.year,
    )?)
}

/// The workbooks in what the user picked or dropped, each behind a handle of its own for
/// `import_workbooks`: the page counts and names them, the shell keeps where they are.
pub fn expand_workbooks(state: &AppState, picked: Vec<Handle>) -> Answer<Vec<Picked>> {
    let paths = read_all(state, &picked)?;
    Ok(import::sources_in(&paths)
        .into_iter()
        .map(|source| state.picks.source(source))
        .collect())
}

/// Imports a run of workbooks through the session's parsing pool and one connection; the
/// UI sends the clerk's folder a few files at a time so its progress bar moves.
pub fn import_workbooks(
    state: &AppState,
    review_id: String,
    sources: Vec<Handle>,
) -> Answer<Vec<FileReport>> {
    let review = review_path(state, &review_id)?;
    let sources = sources_of(state, &sources)?;
    let (register, parsers) = (state.workspace.register_path(), state.parsers()?);
    let (at, by) = (now(), actor(state));
    let reports =
        ops::import::workbooks(&review, &register, &sources, parsers, &at, &by, |_, _| {});
    Ok(reports?)
}

pub fn list_flags(state: &AppState, review_id: String) -> Answer<Vec<StoredFlag>> {
    let conn = store::open(&review_path(state, &review_id)?)?;
    Ok(flags::read_all(&conn)?)
}

pub fn settle_flag(
    state: &AppState,
    review_id: String,
    flag_id: u32,
    decision: Decision,
    note: String,
) -> Answer<StoredFlag> {
    let path = review_path(state, &review_id)?;
    let (flag_id, at, by) = (i64::from(flag_id), now(), actor(state));
    Ok(ops::review::settle_flag(
        &path, flag_id, decision, &note, &at, &by,
    )?)
}

/// Settles the clerk's selection of flags with one note; the core refuses the whole batch
/// if any flag is unknown or already settled.
pub fn settle_flags(
    state: &AppState,
    review_id: String,
    flag_ids: Vec<u32>,
    decision: Decision,
    note: String,
) -> Answer<Vec<StoredFlag>> {
    let path = review_path(state, &review_id)?;
    let ids: Vec<i64> = flag_ids.into_iter().map(i64::from).collect();
    let (at, by) = (now(), actor(state));
    Ok(ops::review::settle_flags(
        &path, &ids, decision, &note, &at, &by,
    )?)
}

pub fn build_panel_package(
    state: &AppState,
    review_id: String,
    destination: Handle,
    closes_on: String,
    min_comment_chars: u32,
    panel: PanelScope,
) -> Answer<PackageSummary> {
    let review = review_path(state, &review_id)?;
    let destination = state.picks.write_file(&destination)?;
    let (clerk, at, by) = (state.clerk_keys()?, now(), actor(state));
    let terms = PackageTerms::new(closes_on, min_comment_chars, panel);
    let summary = ops::round::build_package(&review, &destination, &clerk, &terms, &at, &by)?;
    Ok(summary)
}

/// Runs `f` on the open panel `hash`, opening (and verifying) it on first use.
fn with_panel<T>(
    state: &AppState,
    hash: &str,
    f: impl FnOnce(&mut Panel) -> paneldesk::Result<T>,
) -> Answer<T> {
    let mut panels = state
        .panels
        .lock()
        .map_err(|_| paneldesk::Error::Corrupt("panel lock".into()))?;
    if !panels.contains_key(hash) {
        let opened = panel::open(&state.workspace.panels_dir(), hash)?;
        panels.insert(hash.to_string(), opened);
    }
    let p = panels
        .get_mut(hash)
        .ok_or_else(|| paneldesk::Error::Corrupt("panel".into()))?;
    Ok(f(p)?)
}

pub fn open_panel_package(state: &AppState, package_file: Handle) -> Answer<PanelView> {
    let path = state.picks.read_file(&package_file)?;
    let opened = panel::import_package(&state.workspace.panels_dir(), &path, &now())?;
    let view = opened.view()?;
    if let Ok(mut panels) = state.panels.lock() {
        panels.insert(opened.hash.clone(), opened);
    }
    Ok(view)
}

pub fn list_panels(state: &AppState) -> Answer<Vec<PanelView>> {
    panel::list(&state.workspace.panels_dir())
        .iter()
        .map(|prefix| with_panel(state, prefix, |p| p.view()))
        .collect()
}

pub fn panel_view(state: &AppState, hash: String) -> Answer<PanelView> {
    with_panel(state, &hash, |p| p.view())
}

pub fn enrol_expert(
    state: &AppState,
    hash: String,
    expert_id: i32,
    pin: String,
) -> Answer<Enrolment> {
    let pin = zeroize::Zeroizing::new(pin);
    let fresh = (random_bytes(), random_bytes(), random_bytes());
    with_panel(state, &hash, |p| {
        p.enrol(i64::from(expert_id), &pin, fresh, &now())
    })
}

pub fn panel_items(state: &AppState, hash: String) -> Answer<Vec<ScoreItem>> {
    with_panel(state, &hash, |p| p.items())
}

pub fn set_points(
    state: &AppState,
    hash: String,
    nomination_id: i32,
    criterion_key: String,
    points: Option<f64>,
) -> Answer<ScoreItem> {
    with_panel(state, &hash, |p| {
        p.set_points(i64::from(nomination_id), &criterion_key, points, &now())
    })
}

pub fn set_vote(
    state: &AppState,
    hash: String,
    nomination_id: i32,
    vote: Option<Vote>,
) -> Answer<ScoreItem> {
    with_panel(state, &hash, |p| {
        p.set_vote(i64::from(nomination_id), vote, &now())
    })
}

pub fn set_grade(
    state: &AppState,
    hash: String,
    nomination_id: i32,
    grade: Option<Grade>,
) -> Answer<ScoreItem> {
    with_panel(state, &hash, |p| {
        p.set_grade(i64::from(nomination_id), grade, &now())
    })
}

pub fn set_comment(
    state: &AppState,
    hash: String,
    nomination_id: i32,
    comment: String,
) -> Answer<ScoreItem> {
    with_panel(state, &hash, |p| {
        p.set_comment(i64::from(nomination_id), &comment, &now())
    })
}

pub fn recuse(
    state: &AppState,
    hash: String,
    nomination_id: i32,
    reason: RecusalReason,
    note: String,
) -> Answer<ScoreItem> {
    with_panel(state, &hash, |p| {
        p.recuse(i64::from(nomination_id), reason, &note, &now())
    })
}

pub fn withdraw_recusal(state: &AppState, hash: String, nomination_id: i32) -> Answer<ScoreItem> {
    with_panel(state, &hash, |p| {
        p.withdraw_recusal(i64::from(nomination_id), &now())
    })
}

pub fn panel_incomplete(state: &AppState, hash: String) -> Answer<Vec<Incomplete>> {
    with_panel(state, &hash, |p| p.incomplete())
}

pub fn submit_scores(
    state: &AppState,
    hash: String,
    pin: String,
    destination: Handle,
) -> Answer<Submission> {
    let pin = zeroize::Zeroizing::new(pin);
    let destination = state.picks.write_folder(&destination)?;
    with_panel(state, &hash, |p| {
        p.submit(&pin, &destination, &now(), paneldesk::ambient::now_unix())
    })
}

pub fn reopen_scores(state: &AppState, hash: String) -> Answer<PanelView> {
    with_panel(state, &hash, |p| {
        p.reopen()?;
        p.view()
    })
}

/// Saves one material where the user chose, or beside it under a new name when a file is
/// already there; returns the name written.
pub fn save_material(
    state: &AppState,
    hash: String,
    sha256: String,
    destination: Handle,
) -> Answer<String> {
    let destination = state.picks.write_file(&destination)?;
    with_panel(state, &hash, |p| {
        let written = ops::round::save_packaged_material(&p.package_file(), &sha256, &destination);
        Ok(file_name(&written?))
    })
}

pub fn receive_bundles(
    state: &AppState,
    review_id: String,
    bundles: Vec<Handle>,
) -> Answer<Vec<Receipt>> {
    let review = review_path(state, &review_id)?;
    let paths = read_all(state, &bundles)?;
    let clerk = state.clerk_keys()?;
    let receipts = ops::round::receive_bundles(&review, &clerk, &paths, &now(), &actor(state))?;
    Ok(receipts)
}

pub fn expert_status(state: &AppState, review_id: String) -> Answer<Vec<ExpertStatus>> {
    let review = review_path(state, &review_id)?;
    Ok(collect::status(&review)?)
}

/// Registers the fingerprint the clerk typed from the expert's signed confirmation.
pub fn register_expert_key(
    state: &AppState,
    review_id: String,
    expert_id: i32,
    fingerprint: String,
) -> Answer<Registration> {
    let review = review_path(state, &review_id)?;
    let (expert_id, at, by) = (i64::from(expert_id), now(), actor(state));
    let registered = registration::register_in(&review, expert_id, &fingerprint, &at, &by)?;
    Ok(registered)
}

/// Revokes the expert's registered key; returns its fingerprint.
pub fn revoke_expert_key(
    state: &AppState,
    review_id: String,
    expert_id: i32,
    reason: String,
) -> Answer<String> {
    let review = review_path(state, &review_id)?;
    let (expert_id, at, by) = (i64::from(expert_id), now(), actor(state));
    let fingerprint = registration::revoke_in(&review, expert_id, &reason, &at, &by)?;
    Ok(fingerprint)
}

pub fn expert_keys(state: &AppState, review_id: String) -> Answer<Vec<Registration>> {
    let review = review_path(state, &review_id)?;
    Ok(registration::list_in(&review)?)
}

pub fn review_results(state: &AppState, review_id: String) -> Answer<ReviewResults> {
    let review = review_path(state, &review_id)?;
    Ok(results::compute(&review, &ResultOptions::default())?)
}

/// Records the panel's decision on one result and returns the results it changes.
pub fn decide_result(
    state: &AppState,
    review_id: String,
    nomination_id: i32,
    outcome: Outcome,
    reason: String,
) -> Answer<ReviewResults> {
    let review = review_path(state, &review_id)?;
    let (nomination_id, at, by) = (i64::from(nomination_id), now(), actor(state));
    let results = ops::round::decide(&review, nomination_id, outcome, &reason, &at, &by)?;
    Ok(results)
}

/// Writes one of the reports; returns its size in bytes.
pub fn print_report(
    state: &AppState,
    review_id: String,
    kind: ReportKind,
    destination: Handle,
) -> Answer<u32> {
    let review = review_path(state, &review_id)?;
    let out = state.picks.write_file(&destination)?;
    let options = ResultOptions::default();
    let printed = ops::reports::print(&review, kind, None, &options, today(), &out, Replace)?;
    Ok(printed.size as u32)
}

/// Writes the results workbook (xlsx) where the user chose; returns its size in bytes.
pub fn export_results_workbook(
    state: &AppState,
    review_id: String,
    destination: Handle,
) -> Answer<u32> {
    let review = review_path(state, &review_id)?;
    let out = state.picks.write_file(&destination)?;
    let options = ResultOptions::default();
    Ok(ops::reports::export_workbook(&review, &options, &out, Replace)? as u32)
}

/// Prints certificates for the nominations inside the quota with the review's template.
pub fn print_certificates(
    state: &AppState,
    review_id: String,
    destination: Handle,
) -> Answer<Vec<Award>> {
    let review = review_path(state, &review_id)?;
    let out = state.picks.write_file(&destination)?;
    let (batch, clerk) = (Batch::winners(today()), || state.clerk_keys());
    let (at, by) = (now(), actor(state));
    let printed =
        ops::certificates::print(&review, &batch, clerk, today(), &out, Replace, &at, &by);
    Ok(printed?.awards)
}

/// `template` with its images as chosen, in place of whatever paths the page sent.
fn with_images(
    state: &AppState,
    review: &std::path::Path,
    words: TemplateWords,
    seal: &ImageChoice,
    background: &ImageChoice,
) -> Answer<CertificateTemplate> {
    let stored = serials::template(review)?;
    let seal = state.picks.template_image(seal, stored.seal.as_deref())?;
    let background = state
        .picks
        .template_image(background, stored.background.as_deref())?;
    Ok(words.with_images(seal, background))
}

pub fn certificate_template(state: &AppState, review_id: String) -> Answer<CertificateTemplate> {
    let review = review_path(state, &review_id)?;
    Ok(serials::template(&review)?)
}

/// Stores the template. Its seal and background are images the page chooses by
/// [`ImageChoice`] (kept, removed, or a file opened in a dialog): the paths in the template
/// it sends are never used. Images are read only when printing.
pub fn save_certificate_template(
    state: &AppState,
    review_id: String,
    template: TemplateWords,
    seal: ImageChoice,
    background: ImageChoice,
) -> Answer<CertificateTemplate> {
    let review = review_path(state, &review_id)?;
    let template = with_images(state, &review, template, &seal, &background)?;
    serials::set_template(&review, &template, &now(), &actor(state))?;
    Ok(serials::template(&review)?)
}

/// Prints certificates as [`print_certificates`] does, one PDF per university with its
/// 领取签收单, into a folder the user picked to save into.
pub fn print_certificates_per_university(
    state: &AppState,
    review_id: String,
    folder: Handle,
) -> Answer<Vec<Award>> {
    let review = review_path(state, &review_id)?;
    let folder = state.picks.write_folder(&folder)?;
    let (batch, clerk) = (Batch::winners(today()), || state.clerk_keys());
    let (at, by) = (now(), actor(state));
    ops::certificates::print_per_university(&review, &batch, clerk, today(), &folder, &at, &by)
        .map(|printed| printed.awards())
        .map_err(IpcError::from)
}

/// The first certificate as it would print with `template` (for `category_key`, with that
/// category's own honour and title), laid out by the core, for the editor's live
/// preview. Before any results exist the core's sample award stands in.
pub fn certificate_preview(
    state: &AppState,
    review_id: String,
    template: TemplateWords,
    category_key: Option<String>,
    seal: ImageChoice,
    background: ImageChoice,
) -> Answer<CertificatePreview> {
    let review = review_path(state, &review_id)?;
    let template = with_images(state, &review, template, &seal, &background)?;
    let category = category_key.as_deref();
    let preview = ops::certificates::preview(&review, template, category, today())?;
    Ok(preview)
}

pub fn check_certificate(
    state: &AppState,
    review_id: String,
    serial: String,
    code: String,
) -> Answer<CertificateCheck> {
    let review = review_path(state, &review_id)?;
    // The clerk's own key is the one trusted; never the one stored beside a certificate.
    let trusted = paneldesk::keys::clerk_public_key(&state.workspace.clerk_keys_path())?
        .ok_or(paneldesk::Error::ClerkKeysMissing)?;
    let trusted = paneldesk::keys::public_hex(&trusted);
    Ok(serials::check(&review, &serial, &code, &trusted)?)
}

/// Checks a certificate's QR text against the fingerprint typed from the 公示, or, when
/// none is typed, this laptop's own clerk key (only if it has one: never made here).
/// Without either the core reports the signing key's fingerprint and no verdict.
pub fn check_certificate_qr(
    state: &AppState,
    text: String,
    fingerprint: Option<String>,
) -> Answer<QrCheck> {
    let keys_path = state.workspace.clerk_keys_path();
    let fingerprint = match fingerprint.filter(|f| !f.trim().is_empty()) {
        Some(typed) => Some(typed),
        None => paneldesk::keys::clerk_public_key(&keys_path)?
            .map(|key| paneldesk::keys::fingerprint(&key)),
    };
    Ok(serials::check_qr(&text, fingerprint.as_deref())?)
}

/// The shell's own open dialog for one PNG photo of a certificate, then its QR text: the
/// shell reads the file, the core only its bytes.
pub fn pick_certificate_qr(state: &AppState, title: String) -> Answer<Option<QrPhoto>> {
    let Some(path) = picked::open_files(state, &title, "PNG", &["png"], false)?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let bytes = std::fs::read(&path).map_err(|e| paneldesk::Error::io(&path, e))?;
    Ok(Some(QrPhoto {
        file_name: file_name(&path),
        text: serials::qr_text_from_png(&bytes)?,
    }))
}

// The supervisor's follow-up work: the register of awarded units, mid-term and
// acceptance reviews, spot checks.

pub fn register_view(state: &AppState, as_of: Option<String>) -> Answer<RegisterView> {
    let as_of = match as_of.filter(|s| !s.trim().is_empty()) {
        Some(text) => YearMonth::parse(&text)?,
        None => YearMonth::of_date(today()),
    };
    Ok(awarded::view(&state.workspace.register_path(), as_of)?)
}

pub fn register_enter_review(
    state: &AppState,
    review_id: String,
    build_start: String,
) -> Answer<Entered> {
    let review = review_path(state, &review_id)?;
    let start = YearMonth::parse(&build_start)?;
    let (register, options) = (state.workspace.register_path(), ResultOptions::default());
    let (at, by) = (now(), actor(state));
    let entered = awarded::enter_review(&register, &review, &options, start, today(), &at, &by)?;
    Ok(entered)
}

pub fn register_set_status(
    state: &AppState,
    unit_id: String,
    status: Status,
    reason: String,
) -> Answer<AwardedUnit> {
    let (register, at, by) = (state.workspace.register_path(), now(), actor(state));
    let unit = awarded::set_status(&register, &unit_id, status, &reason, today(), &at, &by)?;
    Ok(unit)
}

/// Writes the register workbook; returns how many units it holds.
pub fn register_export(state: &AppState, destination: Handle) -> Answer<u32> {
    let destination = state.picks.write_file(&destination)?;
    Ok(exchange::export(&state.workspace.register_path(), &destination)? as u32)
}

pub fn register_import(state: &AppState, workbook: Handle) -> Answer<RegisterImport> {
    let path = state.picks.read_file(&workbook)?;
    let (register, exe) = (state.workspace.register_path(), crate::own_exe()?);
    Ok(exchange::import(
        &register,
        &path,
        &exe,
        &now(),
        &actor(state),
    )?)
}

/// Attaches a unit's self-evaluation, picked in the shell's own dialog, to its nomination
/// in a mid-term or acceptance review; the core checks the file and the review.
pub fn attach_self_evaluation(
    state: &AppState,
    review_id: String,
    nomination_id: i32,
    file: Handle,
) -> Answer<paneldesk::store::materials::MaterialInfo> {
    let review = review_path(state, &review_id)?;
    let file = state.picks.read(&file)?;
    let (id, at, by) = (i64::from(nomination_id), now(), actor(state));
    Ok(follow_up_review::attach_self_evaluation(
        &review, id, &file, None, &at, &by,
    )?)
}

pub fn follow_up_stage(state: &AppState, review_id: String) -> Answer<Option<Stage>> {
    let review = review_path(state, &review_id)?;
    Ok(follow_up_review::stage_of(&review)?)
}

pub fn create_follow_up_review(
    state: &AppState,
    plan: FollowUpPlan,
    experts_from: Option<String>,
) -> Answer<ReviewSummary> {
    let experts_from = experts_from.filter(|r| !r.is_empty());
    let experts_from = experts_from.map(|r| review_path(state, &r)).transpose()?;
    let (workspace, suffix, at, by) = (&state.workspace, random_suffix(), now(), actor(state));
    let from = experts_from.as_deref();
    let created = ops::follow_up::create_review(workspace, &plan, from, &suffix, &at, &by)?;
    Ok(created)
}

pub fn apply_follow_up(state: &AppState, review_id: String) -> Answer<Applied> {
    let review = review_path(state, &review_id)?;
    let (register, options) = (state.workspace.register_path(), ResultOptions::default());
    let (at, by) = (now(), actor(state));
    let applied = follow_up_review::apply(&register, &review, &options, today(), &at, &by)?;
    Ok(applied)
}

/// Draws a spot check; without a seed, 16 fresh random bytes (hex) are the seed.
pub fn draw_spot_check(
    state: &AppState,
    params: DrawParams,
    seed: Option<String>,
) -> Answer<SpotCheckView> {
    let seed = seed.filter(|s| !s.trim().is_empty());
    let seed = seed.unwrap_or_else(|| paneldesk::keys::hex(&random_bytes::<16>()));
    let (register, at, by) = (state.workspace.register_path(), now(), actor(state));
    let drawn = spot_check::draw(&register, &params, &seed, today(), &at, &by)?;
    Ok(drawn)
}

pub fn list_spot_checks(state: &AppState) -> Answer<Vec<SpotCheckView>> {
    Ok(spot_check::views(&state.workspace.register_path())?)
}

pub fn verify_spot_check(state: &AppState, id: String) -> Answer<Verification> {
    Ok(spot_check::verify(&state.workspace.register_path(), &id)?)
}

/// Writes the one-page notice of a draw; returns its size in bytes.
pub fn print_spot_check_notice(state: &AppState, id: String, destination: Handle) -> Answer<u32> {
    let out = state.picks.write_file(&destination)?;
    let register = state.workspace.register_path();
    Ok(ops::follow_up::print_notice(&register, &id, today(), &out, Replace)? as u32)
}

pub fn rubric_status(
    state: &AppState,
    review_id: String,
) -> Answer<Vec<paneldesk::rubric::CategoryRubric>> {
    let path = review_path(state, &review_id)?;
    Ok(paneldesk::rubric::status(&path)?)
}

/// One rubric edit; `unlock` is the clerk's confirmation that packages already sent go
/// stale (the page asks only after the core refused with `rubric_locked`).
pub fn edit_rubric(
    state: &AppState,
    review_id: String,
    category_key: String,
    change: paneldesk::rubric::RubricChange,
    unlock: bool,
) -> Answer<paneldesk::rubric::CategoryRubric> {
    let path = review_path(state, &review_id)?;
    let (at, by) = (now(), actor(state));
    let rubric = paneldesk::rubric::apply(&path, &category_key, &change, unlock, &at, &by)?;
    Ok(rubric)
}

/// The review's rubrics as a rubric file where the clerk chose, for next year's review.
pub fn export_rubric(state: &AppState, review_id: String, destination: Handle) -> Answer<u32> {
    let path = review_path(state, &review_id)?;
    let destination = state.picks.write_file(&destination)?;
    let bytes = paneldesk::rubric::export(&path, None)?;
    paneldesk::container::write_bytes_atomically(&destination, &bytes)?;
    Ok(bytes.len() as u32)
}

/// Imports the rubric file the clerk picked; answers with every category's rubric as now
/// stored. `unlock` as for [`edit_rubric`].
pub fn import_rubric(
    state: &AppState,
    review_id: String,
    source: Handle,
    unlock: bool,
) -> Answer<Vec<paneldesk::rubric::CategoryRubric>> {
    let path = review_path(state, &review_id)?;
    let file = state.picks.read_file(&source)?;
    paneldesk::rubric::import_file(&path, &file, unlock, &now(), &actor(state))?;
    Ok(paneldesk::rubric::status(&path)?)
}

/// The 公示 and the 异议 ledger as the results tab shows them (`merge::readiness`).
/// What the clerk should do next with the review, by the core's rule.
pub fn next_step(state: &AppState, review_id: String) -> Answer<ops::review::NextStep> {
    let review = review_path(state, &review_id)?;
    Ok(ops::review::next_step(&review, today())?)
}

pub fn publication_status(state: &AppState, review_id: String) -> Answer<PublicationStatus> {
    let review = review_path(state, &review_id)?;
    Ok(ops::publication::status(&review, today())?)
}

pub fn set_announcement(
    state: &AppState,
    review_id: String,
    settings: AnnouncementSettings,
) -> Answer<PublicationStatus> {
    let review = review_path(state, &review_id)?;
    let (at, by) = (now(), actor(state));
    let status = ops::publication::set_announcement(&review, settings, today(), &at, &by)?;
    Ok(status)
}

pub fn add_objection(
    state: &AppState,
    review_id: String,
    objection: NewObjection,
) -> Answer<PublicationStatus> {
    let review = review_path(state, &review_id)?;
    let (at, by) = (now(), actor(state));
    let status = ops::publication::add_objection(&review, &objection, today(), &at, &by)?;
    Ok(status)
}

pub fn resolve_objection(
    state: &AppState,
    review_id: String,
    objection_id: i32,
    resolution: Resolution,
) -> Answer<PublicationStatus> {
    let review = review_path(state, &review_id)?;
    let (id, at, by) = (i64::from(objection_id), now(), actor(state));
    let status = ops::publication::resolve_objection(&review, id, &resolution, today(), &at, &by)?;
    Ok(status)
}

/// Corrects one field of a nomination, with the reason the core requires.
pub fn correct_nomination(
    state: &AppState,
    review_id: String,
    nomination_id: i32,
    field_key: String,
    value: String,
    reason: String,
) -> Answer<ReviewOutline> {
    let path = review_path(state, &review_id)?;
    let (id, at, by) = (i64::from(nomination_id), now(), actor(state));
    let corrected =
        ops::review::correct_nomination(&path, id, &field_key, &value, &reason, &at, &by);
    Ok(corrected?)
}

/// Withdraws a nomination, with the reason the core requires.
pub fn withdraw_nomination(
    state: &AppState,
    review_id: String,
    nomination_id: i32,
    reason: String,
) -> Answer<ReviewOutline> {
    let path = review_path(state, &review_id)?;
    let (id, at, by) = (i64::from(nomination_id), now(), actor(state));
    Ok(ops::review::withdraw_nomination(
        &path, id, &reason, &at, &by,
    )?)
}

/// One page of the nominations list: the window never holds a province's review whole.
pub fn nomination_page(
    state: &AppState,
    review_id: String,
    query: NominationQuery,
    offset: u32,
    limit: u32,
) -> Answer<NominationPage> {
    let path = review_path(state, &review_id)?;
    Ok(ops::review::nominations(&path, &query, offset, limit)?)
}

/// One nomination's materials as the review stores them, with their hashes: what the
/// clerk's reader names them by (`reader.rs`).
pub fn nomination_materials(
    state: &AppState,
    review_id: String,
    nomination_id: i32,
) -> Answer<Vec<paneldesk::store::materials::MaterialInfo>> {
    let conn = store::open(&review_path(state, &review_id)?)?;
    let id = i64::from(nomination_id);
    Ok(paneldesk::store::materials::for_nomination(&conn, id)?)
}

/// Saves a copy of one of the review's materials where the clerk chose (or beside it
/// under a new name); returns the name written.
pub fn save_review_material(
    state: &AppState,
    review_id: String,
    sha256: String,
    destination: Handle,
) -> Answer<String> {
    let destination = state.picks.write_file(&destination)?;
    let path = review_path(state, &review_id)?;
    let written = ops::review::save_material(&path, &sha256, &destination)?;
    Ok(file_name(&written))
}

/// Every correction in the review, oldest first, values masked by the core.
pub fn list_corrections(
    state: &AppState,
    review_id: String,
) -> Answer<Vec<paneldesk::corrections::Correction>> {
    let conn = store::open(&review_path(state, &review_id)?)?;
    Ok(paneldesk::corrections::all(&conn)?)
}

/// Opens a 会评 ballot on a category's current results; with a `chair` (an expert with a
/// registered key) it counts only from their signed tally (`merge::meeting::open_with_chair`).
pub fn open_meeting_ballot(
    state: &AppState,
    review_id: String,
    category_key: String,
    shortlist: Shortlist,
    kind: BallotKind,
    chair: Option<i32>,
) -> Answer<MeetingBallot> {
    let review = review_path(state, &review_id)?;
    let (chair, at, by) = (chair.map(i64::from), now(), actor(state));
    let ballot =
        meeting::open_with_chair(&review, &category_key, &shortlist, kind, chair, &at, &by)?;
    Ok(ballot)
}

/// Records the tally counted in the room; the core settles what it decides.
pub fn count_meeting_ballot(
    state: &AppState,
    review_id: String,
    ballot_id: i32,
    tally: Tally,
) -> Answer<MeetingOutcome> {
    let review = review_path(state, &review_id)?;
    let (ballot_id, at, by) = (i64::from(ballot_id), now(), actor(state));
    Ok(meeting::count(&review, ballot_id, &tally, &at, &by)?)
}

/// Writes the tally entered for a chaired ballot as a tally file for its chair, into the
/// folder picked in the shell's dialog; answers its name, never where it is.
pub fn write_meeting_tally(
    state: &AppState,
    review_id: String,
    ballot_id: i32,
    tally: Tally,
    folder: Handle,
) -> Answer<TallyWritten> {
    let review = review_path(state, &review_id)?;
    let folder = state.picks.write_folder(&folder)?;
    let (ballot_id, at, by) = (i64::from(ballot_id), now(), actor(state));
    let written = ops::meeting::write_for_chair(&review, ballot_id, &tally, &folder, &at, &by)?;
    Ok(TallyWritten {
        file_name: file_name(&written.file),
        tally_sha256: written.tally_sha256,
        outcome: written.outcome,
    })
}

/// Counts a chaired ballot from the tally file its chair signed (`ops::meeting::confirm`).
pub fn confirm_meeting_tally(
    state: &AppState,
    review_id: String,
    ballot_id: i32,
    file: Handle,
) -> Answer<Confirmed> {
    let review = review_path(state, &review_id)?;
    let file = state.picks.read_file(&file)?;
    let (ballot_id, at, by) = (i64::from(ballot_id), now(), actor(state));
    Ok(ops::meeting::confirm(&review, ballot_id, &file, &at, &by)?)
}

/// The chair's laptop reads a tally file before signing it (`ops::meeting::show`).
pub fn show_meeting_tally(state: &AppState, file: Handle) -> Answer<TallyShown> {
    let file = state.picks.read_file(&file)?;
    Ok(ops::meeting::show(&file)?)
}

/// The chair signs a tally file with the key enrolled on panel `hash`, writing the signed
/// file into the folder picked in the shell's dialog; answers its name and the key.
pub fn sign_meeting_tally(
    state: &AppState,
    hash: String,
    file: Handle,
    passphrase: String,
    folder: Handle,
) -> Answer<TallySigned> {
    let passphrase = zeroize::Zeroizing::new(passphrase);
    let file = state.picks.read_file(&file)?;
    let folder = state.picks.write_folder(&folder)?;
    let signed = with_panel(state, &hash, |p| {
        let unix = paneldesk::ambient::now_unix();
        ops::meeting::sign(p, &file, &passphrase, &folder, unix)
    })?;
    Ok(TallySigned {
        file_name: file_name(&signed.file),
        fingerprint: signed.fingerprint,
    })
}

/// Opens a 会评 ballot the experts vote on their own laptops, counted only from the votes
/// their registered keys sign (`merge::meeting::open_for_laptops`).
pub fn open_laptop_ballot(
    state: &AppState,
    review_id: String,
    category_key: String,
    shortlist: Shortlist,
    kind: BallotKind,
) -> Answer<MeetingBallot> {
    let review = review_path(state, &review_id)?;
    let (at, by) = (now(), actor(state));
    let ballot = meeting::open_for_laptops(&review, &category_key, &shortlist, kind, &at, &by)?;
    Ok(ballot)
}

/// Writes a laptop ballot's paper, signed with the clerk's key, into the folder picked in
/// the shell's dialog; answers its name, never where it is.
pub fn write_ballot_paper(
    state: &AppState,
    review_id: String,
    ballot_id: i32,
    folder: Handle,
) -> Answer<PaperWrittenView> {
    let review = review_path(state, &review_id)?;
    let folder = state.picks.write_folder(&folder)?;
    let (clerk, at, by) = (state.clerk_keys()?, now(), actor(state));
    let ballot_id = i64::from(ballot_id);
    let written = ops::ballot::write_paper(&review, ballot_id, &clerk, &folder, &at, &by)?;
    Ok(PaperWrittenView {
        file_name: file_name(&written.file),
        paper_sha256: written.paper_sha256,
    })
}

/// Receives one expert's signed vote on a laptop ballot from a file picked in the shell's
/// dialog (`merge::ballot_vote::receive`).
pub fn receive_ballot_vote(
    state: &AppState,
    review_id: String,
    ballot_id: i32,
    file: Handle,
) -> Answer<VoteReceived> {
    let review = review_path(state, &review_id)?;
    let file = state.picks.read_file(&file)?;
    let (ballot_id, at, by) = (i64::from(ballot_id), now(), actor(state));
    Ok(ops::ballot::receive_vote(
        &review, ballot_id, &file, &at, &by,
    )?)
}

/// Counts a laptop ballot from the signed votes received; the core settles what it decides.
pub fn count_ballot_votes(
    state: &AppState,
    review_id: String,
    ballot_id: i32,
    counted_by: String,
    witnessed_by: String,
) -> Answer<MeetingOutcome> {
    let review = review_path(state, &review_id)?;
    let (ballot_id, at, by) = (i64::from(ballot_id), now(), actor(state));
    let outcome =
        ops::ballot::count_votes(&review, ballot_id, &counted_by, &witnessed_by, &at, &by)?;
    Ok(outcome)
}

/// The voter's laptop reads a ballot paper against panel `hash` (its clerk, its review,
/// the expert enrolled among the voters) before voting on it.
pub fn read_ballot_paper(state: &AppState, hash: String, file: Handle) -> Answer<PaperShown> {
    let file = state.picks.read_file(&file)?;
    with_panel(state, &hash, |p| ops::ballot::read_paper(p, &file))
}

/// The voter signs their marks on a ballot paper with the key enrolled on panel `hash`,
/// writing the vote into the folder picked in the shell's dialog; answers its name and the
/// key's fingerprint, to read out to the clerk.
pub fn cast_ballot_vote(
    state: &AppState,
    hash: String,
    file: Handle,
    marks: Vec<VoteMark>,
    passphrase: String,
    folder: Handle,
) -> Answer<VoteCastView> {
    let passphrase = zeroize::Zeroizing::new(passphrase);
    let file = state.picks.read_file(&file)?;
    let folder = state.picks.write_folder(&folder)?;
    let cast = with_panel(state, &hash, |p| {
        let unix = paneldesk::ambient::now_unix();
        ops::ballot::cast_vote(p, &file, &marks, &passphrase, &folder, unix)
    })?;
    Ok(VoteCastView {
        file_name: file_name(&cast.file),
        fingerprint: cast.fingerprint,
    })
}

/// Every 会评 ballot of the review, oldest first.
pub fn meeting_ballots(state: &AppState, review_id: String) -> Answer<Vec<MeetingBallot>> {
    let review = review_path(state, &review_id)?;
    Ok(meeting::list(&review)?)
}

/// Writes a ballot's 计票单 (a blank form before the count); returns its size in bytes.
pub fn print_tally_sheet(
    state: &AppState,
    review_id: String,
    ballot_id: i32,
    destination: Handle,
) -> Answer<u32> {
    let review = review_path(state, &review_id)?;
    let out = state.picks.write_file(&destination)?;
    let ballot_id = i64::from(ballot_id);
    Ok(ops::reports::print_tally_sheet(&review, ballot_id, &out, Replace)? as u32)
}

/// The expert's paper 评分表 (one per current package whose roster holds them), as data
/// for the keying form.
pub fn paper_sheets(state: &AppState, review_id: String, expert_id: i32) -> Answer<Vec<Sheet>> {
    let review = review_path(state, &review_id)?;
    Ok(paper::sheets(&review, i64::from(expert_id))?)
}

/// Prints the expert's pre-filled paper 评分表 where the user chose; returns its size in bytes.
pub fn print_paper_sheet(
    state: &AppState,
    review_id: String,
    expert_id: i32,
    destination: Handle,
) -> Answer<u32> {
    let review = review_path(state, &review_id)?;
    let out = state.picks.write_file(&destination)?;
    let expert_id = i64::from(expert_id);
    let printed = ops::paper::print_sheets(&review, expert_id, today(), &out, Replace)?;
    Ok(printed.size as u32)
}

/// Keys one staff member's entry of a paper sheet: `marks` in the keyed-sheet line format
/// (docs/formats.md, "Keyed paper sheets"), one line per row code. The core checks it,
/// compares it with the other entry and records the marks once both agree.
pub fn key_paper_sheet(
    state: &AppState,
    review_id: String,
    expert_id: i32,
    sheet_id: String,
    by: String,
    marks: String,
) -> Answer<Keyed> {
    let review = review_path(state, &review_id)?;
    let (expert, at, who) = (i64::from(expert_id), now(), actor(state));
    Ok(ops::paper::key_entry(
        &review, expert, &sheet_id, &by, &marks, &at, &who,
    )?)
}

/// Where each expert's paper sheet stands.
pub fn paper_status(state: &AppState, review_id: String) -> Answer<Vec<PaperStatus>> {
    let review = review_path(state, &review_id)?;
    Ok(paper::status(&review)?)
}

/// Writes the re-registered expert's signed resume file (`.pdresume`) into a folder the
/// user picked to save into; returns the file's name.
pub fn write_resume_file(
    state: &AppState,
    review_id: String,
    expert_id: i32,
    folder: Handle,
) -> Answer<String> {
    let review = review_path(state, &review_id)?;
    let folder = state.picks.write_folder(&folder)?;
    let (clerk, at, by) = (state.clerk_keys()?, now(), actor(state));
    let expert_id = i64::from(expert_id);
    let file = paneldesk::resume::write(&review, &clerk, expert_id, &folder, &at, &by)?;
    Ok(file_name(&file))
}

#[cfg(test)]
mod tests {
    //! The page is not trusted with paths (issue 20): whatever string it sends where a
    //! file is meant, only a handle the shell handed out for that use gets through.

    use super::*;
    use paneldesk::package;
    use paneldesk::report::certificate;

    fn clerk_laptop() -> (tempfile::TempDir, AppState, String) {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(paneldesk::workspace::Workspace::at(dir.path()));
        let id = create_demo_review(&state).unwrap().id;
        (dir, state, id)
    }

    #[test]
    fn a_forged_path_or_unknown_handle_writes_nothing() {
        let (dir, state, id) = clerk_laptop();
        let target = dir.path().join("elsewhere.pdf");
        let forged = Handle(target.display().to_string());

        let refused = print_report(&state, id.clone(), ReportKind::Summary, forged.clone());
        assert_eq!(refused.unwrap_err().code, "not_picked");
        let refused = backup_review(&state, id.clone(), forged.clone());
        assert_eq!(refused.unwrap_err().code, "not_picked");
        let refused = register_export(&state, forged.clone());
        assert_eq!(refused.unwrap_err().code, "not_picked");
        let refused = print_spot_check_notice(&state, "x".into(), forged.clone());
        assert_eq!(refused.unwrap_err().code, "not_picked");
        let made_up = Handle("00".repeat(16));
        let refused = save_material(&state, "ab".into(), "cd".into(), made_up);
        assert_eq!(refused.unwrap_err().code, "not_picked");
        assert!(!target.exists());

        // The same destination, picked by the user, is written, and once only.
        let picked = state.picks.path(target.clone(), Use::WriteFile);
        backup_review(&state, id.clone(), picked.handle.clone()).unwrap();
        assert!(target.exists());
        let again = backup_review(&state, id, picked.handle);
        assert_eq!(again.unwrap_err().code, "not_picked");
    }

    #[test]
    fn a_file_opened_is_never_written_and_one_saved_to_never_read() {
        let (dir, state, id) = clerk_laptop();
        let opened = state
            .picks
            .path(dir.path().join("bundle.pdresult"), Use::ReadFile);
        let refused = print_report(&state, id.clone(), ReportKind::Summary, opened.handle);
        assert_eq!(refused.unwrap_err().code, "wrong_pick");

        let saved = state
            .picks
            .path(dir.path().join("out.xlsx"), Use::WriteFile);
        let refused = register_import(&state, saved.handle.clone());
        assert_eq!(refused.unwrap_err().code, "wrong_pick");
        let refused = receive_bundles(&state, id, vec![saved.handle]);
        assert_eq!(refused.unwrap_err().code, "wrong_pick");
    }

    #[test]
    fn imports_take_only_workbooks_the_shell_found_in_what_was_picked() {
        let (_dir, state, id) = clerk_laptop();
        let batch = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/workbooks/batch");
        let forged = Handle(batch.display().to_string());
        let refused = expand_workbooks(&state, vec![forged.clone()]);
        assert_eq!(refused.unwrap_err().code, "not_picked");
        let refused = import_workbooks(&state, id, vec![forged]);
        assert_eq!(refused.unwrap_err().code, "not_picked");

        let folder = state.picks.path(batch, Use::ReadFolder);
        let found = expand_workbooks(&state, vec![folder.handle.clone()]).unwrap();
        assert!(found.len() >= 2, "{found:?}");
        assert!(found.iter().all(|f| !f.name.contains('/')));
        // A folder's handle is not a workbook's.
        assert_eq!(
            state.picks.source_of(&folder.handle).unwrap_err().code,
            "wrong_pick"
        );
    }

    #[test]
    fn a_review_is_named_by_id_never_by_path() {
        let (_dir, state, id) = clerk_laptop();
        let path = state.workspace.resolve(Some(&id)).unwrap();
        assert!(open_review(&state, id).is_ok());
        let refused = open_review(&state, path.display().to_string());
        assert_eq!(refused.unwrap_err().code, "review_not_found");
    }

    #[test]
    fn a_template_image_is_a_choice_the_page_makes_never_a_path_it_sends() {
        let (dir, state, id) = clerk_laptop();
        let keep = || ImageChoice::Keep;
        // The window cannot send a path at all: a template naming an image is refused as
        // the command's argument, before anything reads it.
        let mut sent =
            serde_json::to_value(certificate_template(&state, id.clone()).unwrap()).unwrap();
        sent["seal"] = serde_json::json!(dir.path().join("keys/clerk.json"));
        assert!(serde_json::from_value::<TemplateWords>(sent.clone()).is_err());
        let obj = sent.as_object_mut().unwrap();
        obj.remove("seal");
        obj.remove("background");
        let template: TemplateWords = serde_json::from_value(sent).unwrap();
        let saved = save_certificate_template(&state, id.clone(), template.clone(), keep(), keep())
            .unwrap();
        assert_eq!(saved.seal, None);
        let preview =
            certificate_preview(&state, id.clone(), template.clone(), None, keep(), keep())
                .unwrap();
        assert!(preview
            .sheet
            .marks
            .iter()
            .all(|m| !matches!(m, certificate::Mark::Seal { .. })));
        // A handle the shell never gave is refused.
        let forged = ImageChoice::Picked {
            handle: Handle(dir.path().join("keys/clerk.json").display().to_string()),
        };
        let refused =
            save_certificate_template(&state, id.clone(), template.clone(), forged, keep());
        assert_eq!(refused.unwrap_err().code, "not_picked");

        // One the user opened is stored; kept on the next save; removed when asked.
        let seal = dir.path().join("章.png");
        let picked = state.picks.path(seal.clone(), Use::ReadFile);
        let chosen = ImageChoice::Picked {
            handle: picked.handle,
        };
        let saved = save_certificate_template(&state, id.clone(), template.clone(), chosen, keep())
            .unwrap();
        assert_eq!(saved.seal.as_deref(), Some(seal.as_path()));
        let again = save_certificate_template(&state, id.clone(), template.clone(), keep(), keep())
            .unwrap();
        assert_eq!(again.seal, saved.seal);
        let removed =
            save_certificate_template(&state, id, template, ImageChoice::Remove, keep()).unwrap();
        assert_eq!(removed.seal, None);
    }

    #[test]
    fn before_any_result_the_preview_shows_the_sample_the_core_draws() {
        let (_dir, state, id) = clerk_laptop();
        let template = certificate_template(&state, id.clone()).unwrap().words();
        let keep = || ImageChoice::Keep;
        let preview = certificate_preview(&state, id, template, None, keep(), keep()).unwrap();
        assert!(preview.sample);
        let words: String = preview
            .sheet
            .marks
            .iter()
            .filter_map(|m| match m {
                certificate::Mark::Text { text, .. } => Some(text.replace('\n', "")),
                _ => None,
            })
            .collect();
        assert!(words.contains(ops::certificates::SAMPLE_NAME), "{words}");
        assert!(
            words.contains(ops::certificates::SAMPLE_UNIVERSITY),
            "{words}"
        );
    }

    /// The first page of the nominations list, as the window reads it.
    fn listed(state: &AppState, id: &str) -> Vec<paneldesk::model::Nomination> {
        let everyone = NominationQuery::default();
        let page = nomination_page(state, id.into(), everyone, 0, 100).unwrap();
        page.rows.into_iter().map(|r| r.nomination).collect()
    }

    #[test]
    fn a_correction_and_a_withdrawal_change_the_review_file() {
        let (_dir, state, id) = clerk_laptop();
        let review = open_review(&state, id.clone()).unwrap();
        let nomination = listed(&state, &id).remove(0);
        let nid = i32::try_from(nomination.id).unwrap();
        let key = paneldesk::template::display_field(review.activity);
        let new_name = format!("{}（更正）", nomination.display_name);

        let refused = correct_nomination(
            &state,
            id.clone(),
            nid,
            key.into(),
            new_name.clone(),
            " ".into(),
        );
        assert_eq!(refused.unwrap_err().code, "reason_required");

        let after = correct_nomination(
            &state,
            id.clone(),
            nid,
            key.into(),
            new_name.clone(),
            "名称有误".into(),
        )
        .unwrap();
        assert_eq!(after, open_review(&state, id.clone()).unwrap());
        // Read back from the file, as the list reads it.
        assert_eq!(
            listed(&state, &id)
                .iter()
                .find(|n| n.id == nomination.id)
                .unwrap()
                .field(key),
            Some(new_name.as_str())
        );
        let corrections = list_corrections(&state, id.clone()).unwrap();
        assert_eq!(corrections.len(), 1);
        assert_eq!(corrections[0].nomination_id, nomination.id);
        assert_eq!(corrections[0].reason, "名称有误");

        let refused = withdraw_nomination(&state, id.clone(), nid, "".into());
        assert_eq!(refused.unwrap_err().code, "reason_required");
        withdraw_nomination(&state, id.clone(), nid, "本人申请撤回".into()).unwrap();
        let flags = list_flags(&state, id.clone()).unwrap();
        let withdrawn = flags
            .iter()
            .find(|f| {
                f.nomination_id == nomination.id && f.kind == paneldesk::corrections::WITHDRAWN
            })
            .unwrap();
        assert_eq!(withdrawn.status, "excluded");
        assert_eq!(withdrawn.note, "本人申请撤回");
        let again = withdraw_nomination(&state, id, nid, "再次".into());
        assert_eq!(again.unwrap_err().code, "already_withdrawn");
    }

    #[test]
    fn the_results_workbook_goes_only_where_the_user_chose() {
        let (dir, state, id) = clerk_laptop();
        // Results exist once a panel package went out (no marks back yet).
        let clerk = paneldesk::keys::ClerkKeys {
            signing_seed: paneldesk::keys::hex(&[3; 32]),
            age_identity:
                "AGE-SECRET-KEY-17S9E3WYXXZYAGH99M9UPT25PUQ7PHJ99H0GASDC799EN7FH32RTSUJE85P".into(),
        };
        package::build_panel(
            &review_path(&state, &id).unwrap(),
            &dir.path().join("panel.pdpanel"),
            &clerk,
            "2026-12-31",
            0,
            &PanelScope::default(),
            &now(),
            "clerk",
        )
        .unwrap();
        let target = dir.path().join("结果.xlsx");
        let forged = Handle(target.display().to_string());
        let refused = export_results_workbook(&state, id.clone(), forged);
        assert_eq!(refused.unwrap_err().code, "not_picked");
        assert!(!target.exists());

        // The dialog asked before replacing a file that is there: it is replaced.
        std::fs::write(&target, b"old").unwrap();
        let picked = state.picks.path(target.clone(), Use::WriteFile);
        let size = export_results_workbook(&state, id.clone(), picked.handle.clone()).unwrap();
        let written = std::fs::read(&target).unwrap();
        assert_eq!(written.len(), size as usize);
        assert!(written.starts_with(b"PK"), "an xlsx is a zip");
        let again = export_results_workbook(&state, id, picked.handle);
        assert_eq!(again.unwrap_err().code, "not_picked");
    }

    #[test]
    fn a_rubric_goes_out_and_comes_back_only_through_picked_files() {
        let (dir, state, id) = clerk_laptop();
        let file = dir.path().join("细则.pdrubric.json");
        let forged = Handle(file.display().to_string());
        assert_eq!(
            export_rubric(&state, id.clone(), forged.clone())
                .unwrap_err()
                .code,
            "not_picked"
        );
        assert!(!file.exists());
        let picked = state.picks.path(file.clone(), Use::WriteFile);
        let size = export_rubric(&state, id.clone(), picked.handle).unwrap();
        assert_eq!(std::fs::metadata(&file).unwrap().len(), u64::from(size));

        // Edited outside (a weight of 2 on the first criterion), then imported back.
        let mut value: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        value["categories"][0]["criteria"][0]["weight"] = 2.0.into();
        std::fs::write(&file, serde_json::to_vec(&value).unwrap()).unwrap();
        assert_eq!(
            import_rubric(&state, id.clone(), forged, false)
                .unwrap_err()
                .code,
            "not_picked"
        );
        let picked = state.picks.path(file.clone(), Use::ReadFile);
        let now = import_rubric(&state, id, picked.handle, false).unwrap();
        assert_eq!(now[0].category.rubric.criteria[0].weight, 2.0);
    }

    #[test]
    fn a_self_evaluation_comes_only_through_a_picked_file_and_only_to_a_follow_up_review() {
        let (dir, state, id) = clerk_laptop();
        let nid = i32::try_from(listed(&state, &id)[0].id).unwrap();
        let file = dir.path().join("自评报告.pdf");
        std::fs::write(&file, b"%PDF-1.4\n%%EOF\n").unwrap();
        let forged = Handle("0".repeat(32));
        let refused = attach_self_evaluation(&state, id.clone(), nid, forged);
        assert_eq!(refused.unwrap_err().code, "not_picked");
        // A selection's materials come with its workbooks, not one by one.
        let picked = state.picks.path(file, Use::ReadFile);
        let refused = attach_self_evaluation(&state, id, nid, picked.handle).unwrap_err();
        assert_eq!(refused.code, "bad_input");
        assert!(
            refused.message_zh.contains("中期考核或验收"),
            "{}",
            refused.message_zh
        );
    }

    #[test]
    fn an_allowance_is_set_and_cleared_through_the_core() {
        let (_dir, state, id) = clerk_laptop();
        let key = open_review(&state, id.clone()).unwrap().categories[0]
            .key
            .clone();
        let set = set_category_allowance(&state, id.clone(), key.clone(), Some(2)).unwrap();
        assert_eq!(set.categories[0].allowance, Some(2));
        let refused = set_category_allowance(&state, id.clone(), key.clone(), Some(0));
        assert_eq!(refused.unwrap_err().code, "bad_input");
        let cleared = set_category_allowance(&state, id.clone(), key, None).unwrap();
        assert_eq!(cleared.categories[0].allowance, None);
        let refused = set_category_allowance(&state, id, "no_such".into(), Some(1));
        assert_eq!(refused.unwrap_err().code, "unknown_category");
    }

    #[test]
    fn flags_are_settled_in_a_batch_or_not_at_all() {
        let (_dir, state, id) = clerk_laptop();
        {
            let mut conn = store::open(&review_path(&state, &id).unwrap()).unwrap();
            let tx = conn.transaction().unwrap();
            for n in &listed(&state, &id)[..3] {
                flags::insert(&tx, n.id, "duplicate", "重复推荐", "Duplicate").unwrap();
            }
            tx.commit().unwrap();
        }
        let ids: Vec<u32> = list_flags(&state, id.clone())
            .unwrap()
            .iter()
            .map(|f| u32::try_from(f.id).unwrap())
            .collect();
        let settled = settle_flags(
            &state,
            id.clone(),
            ids[..2].to_vec(),
            Decision::Accepted,
            "经核实不重复".into(),
        )
        .unwrap();
        assert_eq!(settled.len(), 2);
        let refused = settle_flags(
            &state,
            id.clone(),
            ids.clone(),
            Decision::Excluded,
            "".into(),
        );
        assert_eq!(refused.unwrap_err().code, "flag_already_settled");
        let listed = list_flags(&state, id).unwrap();
        assert_eq!(
            listed.iter().filter(|f| f.status == "open").count(),
            1,
            "the refused batch left the open flag open"
        );
    }

    /// Results exist once a panel package went out (no marks back yet).
    fn package_sent(dir: &std::path::Path, state: &AppState, id: &str) {
        let clerk = paneldesk::keys::ClerkKeys {
            signing_seed: paneldesk::keys::hex(&[3; 32]),
            age_identity:
                "AGE-SECRET-KEY-17S9E3WYXXZYAGH99M9UPT25PUQ7PHJ99H0GASDC799EN7FH32RTSUJE85P".into(),
        };
        package::build_panel(
            &review_path(state, id).unwrap(),
            &dir.join("panel.pdpanel"),
            &clerk,
            "2026-12-31",
            0,
            &PanelScope::default(),
            &now(),
            "clerk",
        )
        .unwrap();
    }

    /// The panel's decision on `nomination` that the review's results carry.
    fn decision_of(
        state: &AppState,
        id: &str,
        nomination: i64,
    ) -> paneldesk::merge::decisions::PanelDecision {
        let results = review_results(state, id.to_string()).unwrap();
        results.categories[0]
            .nominations
            .iter()
            .find(|n| n.nomination_id == nomination)
            .and_then(|n| n.decision.clone())
            .expect("the ballot's decision")
    }

    #[test]
    fn a_meeting_ballot_is_opened_counted_and_listed_and_decides_through_the_core() {
        use paneldesk::merge::meeting::Count;
        let (dir, state, id) = clerk_laptop();
        package_sent(dir.path(), &state, &id);
        let results = review_results(&state, id.clone()).unwrap();
        let category = &results.categories[0];
        let picked: Vec<i64> = category.nominations[..2]
            .iter()
            .map(|n| n.nomination_id)
            .collect();

        // Nothing is tied in a round without marks: the core says so, in both languages.
        let refused = open_meeting_ballot(
            &state,
            id.clone(),
            category.key.clone(),
            Shortlist::TiedAtCut,
            BallotKind::Vote,
            None,
        )
        .unwrap_err();
        assert_eq!(refused.code, "bad_input");
        assert!(
            refused.message_zh.contains("并列"),
            "{}",
            refused.message_zh
        );
        assert!(!refused.message_en.is_empty());
        assert!(meeting_ballots(&state, id.clone()).unwrap().is_empty());

        let ballot = open_meeting_ballot(
            &state,
            id.clone(),
            category.key.clone(),
            Shortlist::Picked {
                nominations: picked.clone(),
            },
            BallotKind::Choose { at_most: Some(1) },
            None,
        )
        .unwrap();
        assert_eq!(ballot.kind, BallotKind::Choose { at_most: Some(1) });
        let listed: Vec<i64> = ballot.entries.iter().map(|e| e.nomination_id).collect();
        assert_eq!(listed, picked);
        assert!(ballot.counted.is_none());
        let ballot_id = i32::try_from(ballot.id).unwrap();

        let tally = |present, first, second| Tally {
            present,
            counts: vec![
                Count {
                    nomination_id: picked[0],
                    agree: first,
                    disagree: 0,
                    abstain: 0,
                },
                Count {
                    nomination_id: picked[1],
                    agree: second,
                    disagree: 0,
                    abstain: 0,
                },
            ],
            counted_by: "王计票".into(),
            witnessed_by: "赵监票".into(),
        };
        // More present than the review has experts: refused, and nothing is counted.
        let refused = count_meeting_ballot(&state, id.clone(), ballot_id, tally(8, 5, 2));
        assert_eq!(refused.unwrap_err().code, "bad_input");
        assert!(meeting_ballots(&state, id.clone()).unwrap()[0]
            .counted
            .is_none());

        let outcome = count_meeting_ballot(&state, id.clone(), ballot_id, tally(7, 5, 2)).unwrap();
        assert_eq!(outcome.entries.len(), 2);
        assert_eq!(outcome.entries[0].result, Some(Outcome::In));
        assert_eq!(outcome.entries[1].result, Some(Outcome::Out));
        assert!(outcome.still_tied.is_empty());

        let ballots = meeting_ballots(&state, id.clone()).unwrap();
        assert_eq!(ballots.len(), 1);
        assert_eq!(ballots[0].counted.as_ref().unwrap().outcome, outcome);
        // The results carry the decisions the ballot made, naming it.
        let decided = decision_of(&state, &id, picked[0]);
        assert_eq!(decided.ballot, Some(ballot.id));
        assert_eq!(decided.outcome, Outcome::In);

        // Counted once: a second tally is refused.
        let again = count_meeting_ballot(&state, id, ballot_id, tally(7, 1, 6));
        assert_eq!(again.unwrap_err().code, "bad_input");
    }

    #[test]
    fn a_tally_sheet_goes_only_where_the_user_chose() {
        let (dir, state, id) = clerk_laptop();
        package_sent(dir.path(), &state, &id);
        let category = review_results(&state, id.clone()).unwrap().categories[0].clone();
        let nominations = vec![category.nominations[0].nomination_id];
        let ballot = open_meeting_ballot(
            &state,
            id.clone(),
            category.key,
            Shortlist::Picked { nominations },
            BallotKind::Vote,
            None,
        )
        .unwrap();
        let ballot_id = i32::try_from(ballot.id).unwrap();

        let target = dir.path().join("计票单.pdf");
        let forged = Handle(target.display().to_string());
        let refused = print_tally_sheet(&state, id.clone(), ballot_id, forged);
        assert_eq!(refused.unwrap_err().code, "not_picked");
        let opened = state.picks.path(target.clone(), Use::ReadFile);
        let refused = print_tally_sheet(&state, id.clone(), ballot_id, opened.handle);
        assert_eq!(refused.unwrap_err().code, "wrong_pick");
        assert!(!target.exists());

        // Before the count it prints as a blank form, where the save dialog chose, once.
        let picked = state.picks.path(target.clone(), Use::WriteFile);
        let size = print_tally_sheet(&state, id.clone(), ballot_id, picked.handle.clone()).unwrap();
        let written = std::fs::read(&target).unwrap();
        assert_eq!(written.len(), size as usize);
        assert!(written.starts_with(b"%PDF"));
        let again = print_tally_sheet(&state, id.clone(), ballot_id, picked.handle);
        assert_eq!(again.unwrap_err().code, "not_picked");

        // An unknown ballot is the core's refusal.
        let other = dir.path().join("其他.pdf");
        let picked = state.picks.path(other.clone(), Use::WriteFile);
        let refused = print_tally_sheet(&state, id, ballot_id + 1, picked.handle);
        assert_eq!(refused.unwrap_err().code, "bad_input");
        assert!(!other.exists());
    }

    /// Two of the first category's nominations on a 差额 choice of one, chaired by `chair`.
    fn choice_of_two(state: &AppState, id: &str, chair: Option<i32>) -> (i32, Vec<i64>) {
        let category = review_results(state, id.to_string()).unwrap().categories[0].clone();
        let picked: Vec<i64> = category.nominations[..2]
            .iter()
            .map(|n| n.nomination_id)
            .collect();
        let nominations = picked.clone();
        let shortlist = Shortlist::Picked { nominations };
        let kind = BallotKind::Choose { at_most: Some(1) };
        let ballot =
            open_meeting_ballot(state, id.into(), category.key, shortlist, kind, chair).unwrap();
        (i32::try_from(ballot.id).unwrap(), picked)
    }

    fn room_tally(picked: &[i64]) -> Tally {
        use paneldesk::merge::meeting::Count;
        let count = |nomination_id, agree| Count {
            nomination_id,
            agree,
            disagree: 0,
            abstain: 0,
        };
        Tally {
            present: 7,
            counts: vec![count(picked[0], 5), count(picked[1], 2)],
            counted_by: "王计票".into(),
            witnessed_by: "赵监票".into(),
        }
    }

    #[test]
    fn a_tally_file_is_written_only_for_a_chaired_ballot_and_only_where_the_user_chose() {
        let (dir, state, id) = clerk_laptop();
        package_sent(dir.path(), &state, &id);
        let (ballot_id, picked) = choice_of_two(&state, &id, None);
        let stick = dir.path().join("stick");
        std::fs::create_dir_all(&stick).unwrap();

        // A path the page made up, or a folder picked to read, writes nothing.
        let forged = Handle(stick.display().to_string());
        let tally = room_tally(&picked);
        let refused = write_meeting_tally(&state, id.clone(), ballot_id, tally.clone(), forged);
        assert_eq!(refused.unwrap_err().code, "not_picked");
        let read_only = state.picks.path(stick.clone(), Use::ReadFolder);
        let refused = write_meeting_tally(
            &state,
            id.clone(),
            ballot_id,
            tally.clone(),
            read_only.handle,
        );
        assert_eq!(refused.unwrap_err().code, "wrong_pick");

        // A ballot opened without a chair is counted as typed: no file to write.
        let folder = state.picks.path(stick.clone(), Use::WriteFolder);
        let refused =
            write_meeting_tally(&state, id.clone(), ballot_id, tally, folder.handle.clone());
        let refused = refused.unwrap_err();
        assert_eq!(refused.code, "bad_input");
        assert!(
            refused.message_zh.contains("组长"),
            "{}",
            refused.message_zh
        );
        assert_eq!(std::fs::read_dir(&stick).unwrap().count(), 0);

        // Nor is a tally confirmed from a file the shell did not hand out.
        let forged = Handle(stick.join("x.pdtally").display().to_string());
        let refused = confirm_meeting_tally(&state, id.clone(), ballot_id, forged.clone());
        assert_eq!(refused.unwrap_err().code, "not_picked");
        let refused = show_meeting_tally(&state, forged.clone());
        assert_eq!(refused.unwrap_err().code, "not_picked");
        let refused = sign_meeting_tally(&state, "ab".into(), forged, "pass".into(), folder.handle);
        assert_eq!(refused.unwrap_err().code, "not_picked");
        assert!(meeting_ballots(&state, id).unwrap()[0].counted.is_none());
    }

    #[test]
    fn a_chaired_ballot_counts_from_the_file_its_chair_signed_on_their_own_laptop() {
        let (dir, state, id) = clerk_laptop();
        package_sent(dir.path(), &state, &id);
        let chair_id = open_review(&state, id.clone()).unwrap().experts[0].id;
        let chair = i32::try_from(chair_id).unwrap();

        // The chair's laptop: the panel package, enrolled with a passphrase.
        let laptop_dir = tempfile::tempdir().unwrap();
        let laptop = AppState::new(paneldesk::workspace::Workspace::at(laptop_dir.path()));
        let package = laptop
            .picks
            .path(dir.path().join("panel.pdpanel"), Use::ReadFile);
        let hash = open_panel_package(&laptop, package.handle).unwrap().hash;
        let passphrase = "amber lantern 7 orbits quietly";
        let enrolment = enrol_expert(&laptop, hash.clone(), chair, passphrase.into()).unwrap();

        // Not yet registered: the expert cannot chair.
        let category = review_results(&state, id.clone()).unwrap().categories[0].clone();
        let nominations = vec![category.nominations[0].nomination_id];
        let refused = open_meeting_ballot(
            &state,
            id.clone(),
            category.key,
            Shortlist::Picked { nominations },
            BallotKind::Vote,
            Some(chair),
        );
        assert!(refused.is_err());
        register_expert_key(&state, id.clone(), chair, enrolment.fingerprint.clone()).unwrap();

        let (ballot_id, picked) = choice_of_two(&state, &id, Some(chair));
        let listed = meeting_ballots(&state, id.clone()).unwrap();
        assert_eq!(listed[0].chair.as_ref().map(|c| c.id), Some(chair_id));
        let typed = count_meeting_ballot(&state, id.clone(), ballot_id, room_tally(&picked));
        assert_eq!(typed.unwrap_err().code, "chair_confirmation_required");

        // The clerk writes the file onto the stick.
        let stick = dir.path().join("stick");
        std::fs::create_dir_all(&stick).unwrap();
        let folder = state.picks.path(stick.clone(), Use::WriteFolder);
        let tally = room_tally(&picked);
        let written = write_meeting_tally(&state, id.clone(), ballot_id, tally, folder.handle);
        let written = written.unwrap();
        assert_eq!(
            written.file_name,
            format!("tally-ballot-{ballot_id}.pdtally")
        );
        assert_eq!(written.tally_sha256.len(), 64);
        assert_eq!(written.outcome.entries[0].result, Some(Outcome::In));

        // The chair reads it, then signs it into a folder of their choosing.
        let file = stick.join(&written.file_name);
        let unsigned = laptop.picks.path(file.clone(), Use::ReadFile);
        let shown = show_meeting_tally(&laptop, unsigned.handle.clone()).unwrap();
        assert_eq!(shown.content.chair.id, chair_id);
        assert_eq!(shown.content.ballot.id, i64::from(ballot_id));
        assert!(shown.signed_by.is_none());
        assert_eq!(shown.outcome, written.outcome);

        let out = laptop_dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        let folder = laptop.picks.path(out.clone(), Use::WriteFolder);
        let f = unsigned.handle.clone();
        let wrong = sign_meeting_tally(
            &laptop,
            hash.clone(),
            f,
            "not it".into(),
            folder.handle.clone(),
        );
        assert!(wrong.is_err());
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
        let f = unsigned.handle.clone();
        let signed = sign_meeting_tally(&laptop, hash, f, passphrase.into(), folder.handle);
        let signed = signed.unwrap();
        assert_eq!(signed.fingerprint, enrolment.fingerprint);
        let name = format!("tally-ballot-{ballot_id}-signed.pdtally");
        assert_eq!(signed.file_name, name);

        // The unsigned file counts nothing; the signed one counts the ballot.
        let refused = confirm_meeting_tally(&state, id.clone(), ballot_id, unsigned.handle);
        assert!(refused.is_err());
        assert!(meeting_ballots(&state, id.clone()).unwrap()[0]
            .counted
            .is_none());
        let signed_file = state.picks.path(out.join(&signed.file_name), Use::ReadFile);
        let confirmed =
            confirm_meeting_tally(&state, id.clone(), ballot_id, signed_file.handle).unwrap();
        assert_eq!(confirmed.confirmation.fingerprint, enrolment.fingerprint);
        assert_eq!(confirmed.confirmation.chair_id, chair_id);
        assert_eq!(confirmed.confirmation.tally_sha256, written.tally_sha256);
        assert_eq!(confirmed.outcome, written.outcome);
        let counted = meeting_ballots(&state, id).unwrap()[0]
            .counted
            .clone()
            .unwrap();
        assert_eq!(counted.confirmed, Some(confirmed.confirmation));
    }

    /// What a keyer types from a filled paper sheet: every row in order, in the keyed-sheet
    /// line format, each criterion at its maximum.
    fn keyed_lines(sheet: &Sheet) -> Vec<String> {
        use paneldesk::model::ScoringMode;
        let mut lines = Vec::new();
        for section in &sheet.sections {
            for row in &section.rows {
                let mut cells = vec![row.code.clone()];
                match section.category.scoring_mode {
                    ScoringMode::Criteria => {
                        for c in &section.category.rubric.criteria {
                            cells.push(format!("{}", c.max_points));
                        }
                    }
                    ScoringMode::Vote => cells.push("同意".into()),
                    ScoringMode::Grade => cells.push("良好".into()),
                }
                cells.push("材料翔实".into());
                lines.push(cells.join(","));
            }
        }
        lines
    }

    #[test]
    fn a_paper_sheet_and_a_resume_file_go_only_where_the_user_chose() {
        let (dir, state, id) = clerk_laptop();
        package_sent(dir.path(), &state, &id);
        let expert =
            i32::try_from(expert_status(&state, id.clone()).unwrap()[0].expert_id).unwrap();

        let target = dir.path().join("评分表.pdf");
        let forged = Handle(target.display().to_string());
        let refused = print_paper_sheet(&state, id.clone(), expert, forged.clone());
        assert_eq!(refused.unwrap_err().code, "not_picked");
        let opened = state.picks.path(target.clone(), Use::ReadFile);
        let refused = print_paper_sheet(&state, id.clone(), expert, opened.handle);
        assert_eq!(refused.unwrap_err().code, "wrong_pick");
        let refused = write_resume_file(&state, id.clone(), expert, forged);
        assert_eq!(refused.unwrap_err().code, "not_picked");
        assert!(!target.exists());

        let picked = state.picks.path(target.clone(), Use::WriteFile);
        let size = print_paper_sheet(&state, id.clone(), expert, picked.handle.clone()).unwrap();
        let written = std::fs::read(&target).unwrap();
        assert_eq!(written.len(), size as usize);
        assert!(written.starts_with(b"%PDF"));
        let again = print_paper_sheet(&state, id.clone(), expert, picked.handle);
        assert_eq!(again.unwrap_err().code, "not_picked");

        // No bundle from the expert yet: nothing to resume from (the core's refusal).
        let folder = state.picks.path(dir.path().to_path_buf(), Use::WriteFolder);
        let refused = write_resume_file(&state, id, expert, folder.handle);
        assert!(refused.is_err());
    }

    #[test]
    fn two_entries_that_disagree_record_nothing_until_corrected() {
        let (dir, state, id) = clerk_laptop();
        package_sent(dir.path(), &state, &id);
        let expert =
            i32::try_from(expert_status(&state, id.clone()).unwrap()[0].expert_id).unwrap();
        let sheet = paper_sheets(&state, id.clone(), expert).unwrap().remove(0);
        let lines = keyed_lines(&sheet);
        let first = lines.join("\n");
        let mut typo = lines.clone();
        typo[0] = typo[0].replacen("材料翔实", "材料详实", 1);
        let key = |by: &str, marks: &str| {
            key_paper_sheet(
                &state,
                id.clone(),
                expert,
                sheet.sheet_id.clone(),
                by.into(),
                marks.into(),
            )
        };

        let waiting = key("王晓燕", &first).unwrap();
        assert!(matches!(waiting, Keyed::Waiting { .. }), "{waiting:?}");
        let Keyed::Mismatch {
            mismatches,
            first_by,
            second_by,
            ..
        } = key("李建国", &typo.join("\n")).unwrap()
        else {
            panic!("the entries differ");
        };
        assert_eq!(
            (first_by.as_str(), second_by.as_str()),
            ("王晓燕", "李建国")
        );
        assert_eq!(mismatches.len(), 1, "{mismatches:?}");
        assert_eq!(mismatches[0].code, sheet.sections[0].rows[0].code);
        assert_eq!(mismatches[0].field, "评语");
        assert_eq!(
            (mismatches[0].first.as_str(), mismatches[0].second.as_str()),
            ("材料翔实", "材料详实")
        );
        let status = paper_status(&state, id.clone()).unwrap();
        let mine = status
            .iter()
            .find(|s| s.expert_id == i64::from(expert))
            .unwrap();
        assert!(mine.recorded_by.is_empty() && !mine.counted);
        assert_eq!(mine.keyed_by, ["王晓燕", "李建国"]);

        // The second person corrects theirs: recorded as 代录, naming both.
        let Keyed::Recorded {
            sheet_id,
            first_by,
            second_by,
            ..
        } = key("李建国", &first).unwrap()
        else {
            panic!("the entries agree");
        };
        assert_eq!(sheet_id, sheet.sheet_id);
        assert_eq!(
            (first_by.as_str(), second_by.as_str()),
            ("王晓燕", "李建国")
        );
        let status = paper_status(&state, id.clone()).unwrap();
        let mine = status
            .iter()
            .find(|s| s.expert_id == i64::from(expert))
            .unwrap();
        assert!(mine.counted);
        assert_eq!(mine.recorded_by, ["王晓燕", "李建国"]);

        // A bad cell is the core's bilingual refusal, naming the sheet and the row.
        let refused = key("王晓燕", &first).unwrap_err();
        assert_eq!(refused.code, "bad_input");
        assert!(!refused.message_en.is_empty());
    }

    const CLERK_PASSPHRASE: &str = "copper kettle 9 murmurs slowly";
    const VOTER_PASSPHRASE: &str = "amber lantern 7 orbits quietly";

    /// The clerk's keys made and unlocked for the session, and the panel package signed
    /// with them, saved where a save dialog chose: what the experts' laptops open.
    fn package_from_the_session(dir: &std::path::Path, state: &AppState, id: &str) -> PathBuf {
        set_clerk_passphrase(state, None, CLERK_PASSPHRASE.into()).unwrap();
        let file = dir.join("panel.pdpanel");
        let picked = state.picks.path(file.clone(), Use::WriteFile);
        let scope = PanelScope::default();
        build_panel_package(
            state,
            id.into(),
            picked.handle,
            "2026-12-31".into(),
            0,
            scope,
        )
        .unwrap();
        file
    }

    /// An expert's laptop: its own data folder, the package opened, `expert` enrolled.
    fn expert_laptop(
        package: &std::path::Path,
        expert: i32,
    ) -> (tempfile::TempDir, AppState, String, String) {
        let dir = tempfile::tempdir().unwrap();
        let laptop = AppState::new(paneldesk::workspace::Workspace::at(dir.path()));
        let opened = laptop.picks.path(package.to_path_buf(), Use::ReadFile);
        let hash = open_panel_package(&laptop, opened.handle).unwrap().hash;
        let enrolled = enrol_expert(&laptop, hash.clone(), expert, VOTER_PASSPHRASE.into());
        let fingerprint = enrolled.unwrap().fingerprint;
        (dir, laptop, hash, fingerprint)
    }

    /// A folder on a stick, picked in a save dialog of `state`'s shell.
    fn save_folder(state: &AppState, folder: &std::path::Path) -> Handle {
        std::fs::create_dir_all(folder).unwrap();
        state
            .picks
            .path(folder.to_path_buf(), Use::WriteFolder)
            .handle
    }

    fn opened(state: &AppState, file: &std::path::Path) -> Handle {
        state.picks.path(file.to_path_buf(), Use::ReadFile).handle
    }

    /// `marks` cast on the paper at `paper` on the voter's `laptop` (panel `hash`), with the
    /// voter's passphrase, into the folder `out` picked there.
    fn cast_into(
        laptop: &AppState,
        hash: String,
        paper: &std::path::Path,
        marks: Vec<VoteMark>,
        out: &std::path::Path,
    ) -> Answer<VoteCastView> {
        let (file, folder) = (opened(laptop, paper), save_folder(laptop, out));
        cast_ballot_vote(laptop, hash, file, marks, VOTER_PASSPHRASE.into(), folder)
    }

    fn choice_marks(picked: &[i64], chosen: &[bool]) -> Vec<VoteMark> {
        use paneldesk::merge::ballot_vote::Mark;
        picked
            .iter()
            .zip(chosen)
            .map(|(&nomination_id, &c)| VoteMark {
                nomination_id,
                mark: if c { Mark::Chosen } else { Mark::NotChosen },
            })
            .collect()
    }

    /// `n` nominations of `category` that none of `experts`' institutions made.
    fn not_their_own(
        category: &paneldesk::merge::results::CategoryResult,
        experts: &[paneldesk::model::Expert],
        n: usize,
    ) -> Vec<i64> {
        let own = |university: &str| {
            experts
                .iter()
                .any(|e| e.institution.trim() == university.trim())
        };
        let picked: Vec<i64> = (category.nominations.iter())
            .filter(|r| !own(&r.university))
            .take(n)
            .map(|r| r.nomination_id)
            .collect();
        assert_eq!(
            picked.len(),
            n,
            "enough nominations from other universities"
        );
        picked
    }

    #[test]
    fn a_laptop_ballot_is_voted_on_the_experts_own_laptops_and_counted_from_their_signed_votes() {
        let (dir, state, id) = clerk_laptop();
        let package = package_from_the_session(dir.path(), &state, &id);
        let experts = open_review(&state, id.clone()).unwrap().experts;
        let (first, second) = (experts[0].id, experts[1].id);
        let as_i32 = |e: i64| i32::try_from(e).unwrap();

        // Two experts on laptops of their own, their keys registered in the room.
        let (_a_dir, a, a_hash, a_key) = expert_laptop(&package, as_i32(first));
        let (_b_dir, b, b_hash, b_key) = expert_laptop(&package, as_i32(second));
        register_expert_key(&state, id.clone(), as_i32(first), a_key.clone()).unwrap();
        register_expert_key(&state, id.clone(), as_i32(second), b_key.clone()).unwrap();

        // The clerk opens a 差额 choice of one for laptops, on two nominations neither
        // expert's institution made (its experts would be recused): its voters are those two.
        let category = review_results(&state, id.clone()).unwrap().categories[0].clone();
        let picked: Vec<i64> = not_their_own(&category, &experts[..2], 2);
        let shortlist = Shortlist::Picked {
            nominations: picked.clone(),
        };
        let kind = BallotKind::Choose { at_most: Some(1) };
        let ballot =
            open_laptop_ballot(&state, id.clone(), category.key.clone(), shortlist, kind).unwrap();
        let laptops = ballot.laptops.clone().expect("a laptop ballot");
        let voters: Vec<i64> = laptops.voters.iter().map(|v| v.id).collect();
        assert_eq!(voters, [first, second]);
        assert!(laptops.received.is_empty());
        assert!(laptops.paper_sha256.is_none());
        let ballot_id = as_i32(ballot.id);

        // The paper goes onto the stick, signed with the session's clerk key.
        let stick = dir.path().join("stick");
        let paper = write_ballot_paper(&state, id.clone(), ballot_id, save_folder(&state, &stick));
        let paper = paper.unwrap();
        assert_eq!(paper.file_name, format!("ballot-{ballot_id}.pdballot"));
        assert_eq!(paper.paper_sha256.len(), 64);
        let listed = meeting_ballots(&state, id.clone()).unwrap();
        let written = listed[0].laptops.as_ref().unwrap().paper_sha256.clone();
        assert_eq!(written.as_deref(), Some(paper.paper_sha256.as_str()));
        let paper_file = stick.join(&paper.file_name);

        // The first expert reads it on their laptop: the rule, every entry, and who votes.
        let shown = read_ballot_paper(&a, a_hash.clone(), opened(&a, &paper_file)).unwrap();
        assert_eq!(shown.voter.id, first);
        assert_eq!(shown.paper.ballot.id, i64::from(ballot_id));
        let entries: Vec<i64> = shown
            .paper
            .ballot
            .entries
            .iter()
            .map(|e| e.nomination_id)
            .collect();
        assert_eq!(entries, picked);
        assert!(!shown.rule_zh.is_empty() && !shown.rule_en.is_empty());

        // A wrong passphrase signs nothing; the right one writes the vote.
        let a_out = dir.path().join("a-out");
        let folder = save_folder(&a, &a_out);
        let marks = choice_marks(&picked, &[true, false]);
        let paper_a = opened(&a, &paper_file);
        let wrong = cast_ballot_vote(
            &a,
            a_hash.clone(),
            paper_a.clone(),
            marks.clone(),
            "not it".into(),
            folder.clone(),
        );
        assert!(wrong.is_err());
        assert_eq!(std::fs::read_dir(&a_out).unwrap().count(), 0);
        let cast = cast_ballot_vote(&a, a_hash, paper_a, marks, VOTER_PASSPHRASE.into(), folder);
        let cast = cast.unwrap();
        assert_eq!(cast.fingerprint, a_key);
        assert_eq!(
            cast.file_name,
            format!("vote-ballot-{ballot_id}-expert-{first}.pdvote")
        );

        // The second chooses two of a choice of one: refused on their own laptop.
        let b_out = dir.path().join("b-out");
        let folder = save_folder(&b, &b_out);
        let paper_b = opened(&b, &paper_file);
        let too_many = choice_marks(&picked, &[true, true]);
        let refused = cast_ballot_vote(
            &b,
            b_hash.clone(),
            paper_b.clone(),
            too_many,
            VOTER_PASSPHRASE.into(),
            folder.clone(),
        );
        assert_eq!(refused.unwrap_err().code, "too_many_chosen");
        assert_eq!(std::fs::read_dir(&b_out).unwrap().count(), 0);
        let marks = choice_marks(&picked, &[true, false]);
        let cast_b = cast_ballot_vote(&b, b_hash, paper_b, marks, VOTER_PASSPHRASE.into(), folder);
        assert_eq!(cast_b.unwrap().fingerprint, b_key);

        // The clerk receives the first vote; the same file again changes nothing.
        let vote_a = opened(&state, &a_out.join(&cast.file_name));
        let got = receive_ballot_vote(&state, id.clone(), ballot_id, vote_a.clone()).unwrap();
        assert_eq!((got.expert_id, got.received, got.voters), (first, 1, 2));
        assert_eq!(got.fingerprint, a_key);
        assert!(!got.already_had);
        let again = receive_ballot_vote(&state, id.clone(), ballot_id, vote_a).unwrap();
        assert!(again.already_had);
        assert_eq!(again.received, 1);
        let received = meeting_ballots(&state, id.clone()).unwrap()[0]
            .laptops
            .clone()
            .unwrap()
            .received;
        assert_eq!(received, [first]);

        let b_file = b_out.join(format!("vote-ballot-{ballot_id}-expert-{second}.pdvote"));
        let got = receive_ballot_vote(&state, id.clone(), ballot_id, opened(&state, &b_file));
        assert_eq!(got.unwrap().received, 2);

        // Counted from the two signed votes: both chose the first.
        let outcome = count_ballot_votes(
            &state,
            id.clone(),
            ballot_id,
            "王计票".into(),
            "赵监票".into(),
        );
        let outcome = outcome.unwrap();
        assert_eq!(outcome.entries[0].result, Some(Outcome::In));
        assert_eq!(outcome.entries[0].agree, 2);
        assert_eq!(outcome.entries[1].result, Some(Outcome::Out));
        let counted = meeting_ballots(&state, id.clone()).unwrap()[0]
            .counted
            .clone()
            .unwrap();
        assert_eq!(counted.outcome, outcome);
        assert_eq!(counted.tally.present, 2);
        let votes: Vec<(i64, String)> = counted
            .votes
            .expect("the votes counted")
            .into_iter()
            .map(|v| (v.expert_id, v.fingerprint))
            .collect();
        assert_eq!(votes, [(first, a_key), (second, b_key)]);
        let decided = decision_of(&state, &id, picked[0]);
        assert_eq!(decided.ballot, Some(ballot.id));

        // Counted once: no more votes, no second count.
        let late = receive_ballot_vote(&state, id.clone(), ballot_id, opened(&state, &b_file));
        assert_eq!(late.unwrap_err().code, "ballot_counted");
        let twice = count_ballot_votes(&state, id, ballot_id, "王计票".into(), "赵监票".into());
        assert!(twice.is_err());
    }

    #[test]
    fn a_laptop_ballot_takes_no_path_no_forged_vote_and_no_typed_count() {
        let (dir, state, id) = clerk_laptop();
        let package = package_from_the_session(dir.path(), &state, &id);
        let experts = open_review(&state, id.clone()).unwrap().experts;
        let first = i32::try_from(experts[0].id).unwrap();
        let (_a_dir, a, a_hash, a_key) = expert_laptop(&package, first);
        register_expert_key(&state, id.clone(), first, a_key).unwrap();
        let category = review_results(&state, id.clone()).unwrap().categories[0].clone();
        let picked = not_their_own(&category, &experts[..1], 1);
        let shortlist = Shortlist::Picked {
            nominations: picked.clone(),
        };
        let ballot = open_laptop_ballot(
            &state,
            id.clone(),
            category.key.clone(),
            shortlist,
            BallotKind::Vote,
        )
        .unwrap();
        let ballot_id = i32::try_from(ballot.id).unwrap();
        let stick = dir.path().join("stick");
        std::fs::create_dir_all(&stick).unwrap();

        // Paths the page made up, or a folder picked only to read, write and read nothing.
        let forged = Handle(stick.display().to_string());
        let refused = write_ballot_paper(&state, id.clone(), ballot_id, forged.clone());
        assert_eq!(refused.unwrap_err().code, "not_picked");
        let read_only = state.picks.path(stick.clone(), Use::ReadFolder);
        let refused = write_ballot_paper(&state, id.clone(), ballot_id, read_only.handle);
        assert_eq!(refused.unwrap_err().code, "wrong_pick");
        assert_eq!(std::fs::read_dir(&stick).unwrap().count(), 0);
        let file = Handle(stick.join("ballot-1.pdballot").display().to_string());
        let refused = receive_ballot_vote(&state, id.clone(), ballot_id, file.clone());
        assert_eq!(refused.unwrap_err().code, "not_picked");
        let refused = read_ballot_paper(&a, a_hash.clone(), file.clone());
        assert_eq!(refused.unwrap_err().code, "not_picked");
        let marks = vec![VoteMark {
            nomination_id: picked[0],
            mark: paneldesk::merge::ballot_vote::Mark::Agree,
        }];
        let refused = cast_ballot_vote(
            &a,
            a_hash.clone(),
            file,
            marks.clone(),
            VOTER_PASSPHRASE.into(),
            forged,
        );
        assert_eq!(refused.unwrap_err().code, "not_picked");

        // Locked keys sign no paper.
        lock_clerk_keys(&state).unwrap();
        let folder = save_folder(&state, &stick);
        let refused = write_ballot_paper(&state, id.clone(), ballot_id, folder.clone());
        assert_eq!(refused.unwrap_err().code, "clerk_passphrase_needed");
        unlock_clerk_keys(&state, CLERK_PASSPHRASE.into()).unwrap();
        let paper = write_ballot_paper(&state, id.clone(), ballot_id, folder).unwrap();
        let paper_file = stick.join(&paper.file_name);

        // Someone else enrols as the first expert on another laptop: a key never registered
        // signs a vote in their name, and the clerk refuses it.
        let (_c_dir, c, c_hash, c_key) = expert_laptop(&package, first);
        let c_out = dir.path().join("c-out");
        let forged_vote = cast_into(&c, c_hash, &paper_file, marks.clone(), &c_out).unwrap();
        assert_eq!(forged_vote.fingerprint, c_key);
        let forged_file = opened(&state, &c_out.join(&forged_vote.file_name));
        let refused = receive_ballot_vote(&state, id.clone(), ballot_id, forged_file).unwrap_err();
        assert_eq!(refused.code, "key_not_registered");
        assert!(!refused.message_zh.is_empty() && !refused.message_en.is_empty());

        // A vote with its content altered after signing verifies no more.
        let a_out = dir.path().join("a-out");
        let cast = cast_into(&a, a_hash, &paper_file, marks, &a_out).unwrap();
        let genuine = std::fs::read(a_out.join(&cast.file_name)).unwrap();
        let altered: Vec<u8> = String::from_utf8_lossy(&genuine)
            .replace("\"agree\"", "\"abstain\"")
            .into_bytes();
        assert_ne!(altered, genuine, "the vote's words are in the file");
        let tampered = dir.path().join("tampered.pdvote");
        std::fs::write(&tampered, altered).unwrap();
        let refused = receive_ballot_vote(&state, id.clone(), ballot_id, opened(&state, &tampered));
        assert!(refused.is_err());

        // Nothing was received, and a laptop ballot is counted neither as typed nor from
        // no votes at all.
        let listed = meeting_ballots(&state, id.clone()).unwrap();
        assert!(listed[0].laptops.as_ref().unwrap().received.is_empty());
        use paneldesk::merge::meeting::Count;
        let typed = Tally {
            present: 1,
            counts: vec![Count {
                nomination_id: picked[0],
                agree: 1,
                disagree: 0,
                abstain: 0,
            }],
            counted_by: "王计票".into(),
            witnessed_by: "赵监票".into(),
        };
        let refused = count_meeting_ballot(&state, id.clone(), ballot_id, typed);
        assert_eq!(refused.unwrap_err().code, "bad_input");
        let refused = count_ballot_votes(
            &state,
            id.clone(),
            ballot_id,
            "王计票".into(),
            "赵监票".into(),
        );
        assert!(refused.is_err());
        assert!(meeting_ballots(&state, id.clone()).unwrap()[0]
            .counted
            .is_none());

        // A ballot voted in the room has no paper and takes no votes.
        let shortlist = Shortlist::Picked {
            nominations: picked,
        };
        let room = open_meeting_ballot(
            &state,
            id.clone(),
            category.key,
            shortlist,
            BallotKind::Vote,
            None,
        );
        let room_id = i32::try_from(room.unwrap().id).unwrap();
        let other = dir.path().join("other");
        let refused = write_ballot_paper(&state, id.clone(), room_id, save_folder(&state, &other));
        assert_eq!(refused.unwrap_err().code, "bad_input");
        assert_eq!(std::fs::read_dir(&other).unwrap().count(), 0);
        let refused = receive_ballot_vote(
            &state,
            id,
            room_id,
            opened(&state, &a_out.join(&cast.file_name)),
        );
        assert_eq!(refused.unwrap_err().code, "bad_input");
    }
}
