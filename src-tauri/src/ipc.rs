//! The IPC boundary: the one list of commands, from which both the Tauri handlers and
//! the TypeScript wrappers in `ui/src/lib/ipc/` are generated, so the two cannot drift.
//!
//! `cargo test -p paneldesk-app` fails when the committed TypeScript is stale;
//! `PANELDESK_UPDATE_BINDINGS=1 cargo test -p paneldesk-app bindings` rewrites it.

use serde::Serialize;
use ts_rs::TS;

use paneldesk::activity::{Activity, ActivityInfo};
use paneldesk::follow_up::awarded_units::{AwardedUnit, Entered, RegisterView};
use paneldesk::follow_up::exchange::RegisterImport;
use paneldesk::follow_up::review::{Applied, FollowUpPlan};
use paneldesk::follow_up::spot_check::{DrawParams, SpotCheckView, Verification};
use paneldesk::follow_up::{Stage, Status};
use paneldesk::import::file::FileReport;
use paneldesk::merge::collect::{ExpertStatus, Receipt};
use paneldesk::merge::decisions::Outcome;
use paneldesk::merge::meeting::{BallotKind, MeetingBallot, MeetingOutcome, Shortlist, Tally};
use paneldesk::merge::results::ReviewResults;
use paneldesk::model::marks::{Grade, RecusalReason, ScoreItem, Vote};
use paneldesk::model::rule::CategoryRule;
use paneldesk::model::{
    ListedNomination, NominationPage, NominationQuery, Review, ReviewOutline, ReviewSummary,
};
use paneldesk::ops::certificates::CertificatePreview;
use paneldesk::ops::reports::ReportKind;
use paneldesk::package::{PackageSummary, PanelScope};
use paneldesk::registration::Registration;
use paneldesk::report::certificate::{Award, CertificateTemplate, TemplateWords};
use paneldesk::report::serials::{CertificateCheck, QrCheck};
use paneldesk::scoring::panel::{Enrolment, Incomplete, PanelView, Submission};
use paneldesk::store::flags::{Decision, StoredFlag};
use paneldesk::workspace::ReviewList;

use crate::clerk::ClerkKeysStatus;
use crate::picked::{Handle, ImageChoice, Picked};
use crate::AppState;

/// An error as the UI receives it: branch on `code`, show the message in the UI's language.
#[derive(Debug, Clone, Serialize, TS)]
pub struct IpcError {
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}

impl From<paneldesk::Error> for IpcError {
    fn from(e: paneldesk::Error) -> Self {
        IpcError {
            code: e.code().to_string(),
            message_zh: e.message_zh(),
            message_en: e.message_en(),
        }
    }
}

/// A certificate photo the user picked in the shell's own dialog, and the QR text read
/// from it: the page learns the file's name, never hands the shell a path.
#[derive(Debug, Clone, Serialize, TS)]
pub struct QrPhoto {
    pub file_name: String,
    pub text: String,
}

/// A tally file the clerk wrote for a ballot's chair: its name in the folder picked, the
/// SHA-256 of its `tally.json` (what the chair's signature must cover) and what the counts
/// would decide once confirmed.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TallyWritten {
    pub file_name: String,
    pub tally_sha256: String,
    pub outcome: MeetingOutcome,
}

/// The tally file the chair's laptop signed: its name in the folder picked, and the
/// fingerprint of the key that signed it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TallySigned {
    pub file_name: String,
    pub fingerprint: String,
}

/// A laptop ballot's paper the clerk wrote: its name in the folder picked, and the SHA-256
/// of its `ballot.json` (what every vote cast on it names).
#[derive(Debug, Clone, Serialize, TS)]
pub struct PaperWrittenView {
    pub file_name: String,
    pub paper_sha256: String,
}

/// The vote the expert's laptop signed: its name in the folder picked, and the fingerprint
/// of the key that signed it (read out to the clerk).
#[derive(Debug, Clone, Serialize, TS)]
pub struct VoteCastView {
    pub file_name: String,
    pub fingerprint: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
}

/// One command as TypeScript sees it.
pub struct CommandSignature {
    pub name: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub returns: String,
}

macro_rules! ipc_commands {
    ($( fn $name:ident ( $( $arg:ident : $argty:ty ),* ) -> $ret:ty ; )*) => {
        mod handlers {
            #![allow(clippy::needless_pass_by_value)]
            use super::*;
            $(
                #[tauri::command(async)]
                pub fn $name(state: tauri::State<'_, AppState>, $( $arg: $argty ),*) -> Result<$ret, IpcError> {
                    crate::commands::$name(&state, $( $arg ),*)
                }
            )*
        }

        pub fn invoke_handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$( handlers::$name ),*]
        }

        pub fn command_signatures() -> Vec<CommandSignature> {
            let cfg = ts_rs::Config::default();
            vec![$(
                CommandSignature {
                    name: stringify!($name),
                    args: vec![$( (stringify!($arg), <$argty as TS>::name(&cfg)) ),*],
                    returns: <$ret as TS>::name(&cfg),
                }
            ),*]
        }
    };
}

ipc_commands! {
    fn app_info() -> AppInfo;
    fn acting_person() -> Option<String>;
    fn set_acting_person(name: String) -> String;
    fn next_step(review_id: String) -> paneldesk::ops::review::NextStep;
    fn list_activities() -> Vec<ActivityInfo>;
    fn list_reviews() -> ReviewList;
    fn open_review(review_id: String) -> ReviewOutline;
    fn add_expert(review_id: String, name: String, institution: String, title: String) -> ReviewOutline;
    fn remove_expert(review_id: String, expert_id: i32) -> ReviewOutline;
    fn set_category_quota(review_id: String, category_key: String, quota: u32, approximate: bool) -> ReviewOutline;
    fn set_category_allowance(review_id: String, category_key: String, allowance: Option<u32>) -> ReviewOutline;
    fn set_category_rule(review_id: String, category_key: String, rule: CategoryRule) -> ReviewOutline;
    fn create_review(activity: Activity, year: i32) -> ReviewSummary;
    fn create_demo_review() -> ReviewSummary;
    fn pick_files(title: String, filter_name: String, extensions: Vec<String>, multiple: bool) -> Vec<Picked>;
    fn pick_folder(title: String) -> Option<Picked>;
    fn pick_save_folder(title: String) -> Option<Picked>;
    fn pick_save_file(title: String, suggested_name: String, filter_name: String, extensions: Vec<String>) -> Option<Picked>;
    fn backup_review(review_id: String, destination: Handle) -> ();
    fn write_nomination_template(review_id: String, destination: Handle) -> ();
    fn expand_workbooks(picked: Vec<Handle>) -> Vec<Picked>;
    fn import_workbooks(review_id: String, sources: Vec<Handle>) -> Vec<FileReport>;
    fn list_flags(review_id: String) -> Vec<StoredFlag>;
    fn settle_flag(review_id: String, flag_id: u32, decision: Decision, note: String) -> StoredFlag;
    fn settle_flags(review_id: String, flag_ids: Vec<u32>, decision: Decision, note: String) -> Vec<StoredFlag>;
    fn build_panel_package(review_id: String, destination: Handle, closes_on: String, min_comment_chars: u32, panel: PanelScope) -> PackageSummary;
    fn open_panel_package(package_file: Handle) -> PanelView;
    fn list_panels() -> Vec<PanelView>;
    fn panel_view(hash: String) -> PanelView;
    fn enrol_expert(hash: String, expert_id: i32, pin: String) -> Enrolment;
    fn clerk_keys_status() -> ClerkKeysStatus;
    fn unlock_clerk_keys(passphrase: String) -> ClerkKeysStatus;
    fn set_clerk_passphrase(current: Option<String>, passphrase: String) -> ClerkKeysStatus;
    fn lock_clerk_keys() -> ClerkKeysStatus;
    fn set_text_size(percent: u32) -> u32;
    fn panel_items(hash: String) -> Vec<ScoreItem>;
    fn set_points(hash: String, nomination_id: i32, criterion_key: String, points: Option<f64>) -> ScoreItem;
    fn set_vote(hash: String, nomination_id: i32, vote: Option<Vote>) -> ScoreItem;
    fn set_grade(hash: String, nomination_id: i32, grade: Option<Grade>) -> ScoreItem;
    fn set_comment(hash: String, nomination_id: i32, comment: String) -> ScoreItem;
    fn recuse(hash: String, nomination_id: i32, reason: RecusalReason, note: String) -> ScoreItem;
    fn withdraw_recusal(hash: String, nomination_id: i32) -> ScoreItem;
    fn panel_incomplete(hash: String) -> Vec<Incomplete>;
    fn submit_scores(hash: String, pin: String, destination: Handle) -> Submission;
    fn reopen_scores(hash: String) -> PanelView;
    fn save_material(hash: String, sha256: String, destination: Handle) -> String;
    fn receive_bundles(review_id: String, bundles: Vec<Handle>) -> Vec<Receipt>;
    fn expert_status(review_id: String) -> Vec<ExpertStatus>;
    fn register_expert_key(review_id: String, expert_id: i32, fingerprint: String) -> Registration;
    fn revoke_expert_key(review_id: String, expert_id: i32, reason: String) -> String;
    fn expert_keys(review_id: String) -> Vec<Registration>;
    fn review_results(review_id: String) -> ReviewResults;
    fn decide_result(review_id: String, nomination_id: i32, outcome: Outcome, reason: String) -> ReviewResults;
    fn print_report(review_id: String, kind: ReportKind, destination: Handle) -> u32;
    fn export_results_workbook(review_id: String, destination: Handle) -> u32;
    fn print_certificates(review_id: String, destination: Handle) -> Vec<Award>;
    fn print_certificates_per_university(review_id: String, folder: Handle) -> Vec<Award>;
    fn certificate_template(review_id: String) -> CertificateTemplate;
    fn save_certificate_template(review_id: String, template: TemplateWords, seal: ImageChoice, background: ImageChoice) -> CertificateTemplate;
    fn certificate_preview(review_id: String, template: TemplateWords, category_key: Option<String>, seal: ImageChoice, background: ImageChoice) -> CertificatePreview;
    fn check_certificate(review_id: String, serial: String, code: String) -> CertificateCheck;
    fn check_certificate_qr(text: String, fingerprint: Option<String>) -> QrCheck;
    fn pick_certificate_qr(title: String) -> Option<QrPhoto>;
    fn register_view(as_of: Option<String>) -> RegisterView;
    fn register_enter_review(review_id: String, build_start: String) -> Entered;
    fn register_set_status(unit_id: String, status: Status, reason: String) -> AwardedUnit;
    fn register_export(destination: Handle) -> u32;
    fn register_import(workbook: Handle) -> RegisterImport;
    fn follow_up_stage(review_id: String) -> Option<Stage>;
    fn create_follow_up_review(plan: FollowUpPlan, experts_from: Option<String>) -> ReviewSummary;
    fn apply_follow_up(review_id: String) -> Applied;
    fn draw_spot_check(params: DrawParams, seed: Option<String>) -> SpotCheckView;
    fn list_spot_checks() -> Vec<SpotCheckView>;
    fn verify_spot_check(id: String) -> Verification;
    fn print_spot_check_notice(id: String, destination: Handle) -> u32;
    fn rubric_status(review_id: String) -> Vec<paneldesk::rubric::CategoryRubric>;
    fn edit_rubric(review_id: String, category_key: String, change: paneldesk::rubric::RubricChange, unlock: bool) -> paneldesk::rubric::CategoryRubric;
    fn export_rubric(review_id: String, destination: Handle) -> u32;
    fn import_rubric(review_id: String, source: Handle, unlock: bool) -> Vec<paneldesk::rubric::CategoryRubric>;
    fn publication_status(review_id: String) -> paneldesk::readiness::PublicationStatus;
    fn set_announcement(review_id: String, settings: paneldesk::announcement::AnnouncementSettings) -> paneldesk::readiness::PublicationStatus;
    fn add_objection(review_id: String, objection: paneldesk::objections::NewObjection) -> paneldesk::readiness::PublicationStatus;
    fn resolve_objection(review_id: String, objection_id: i32, resolution: paneldesk::objections::Resolution) -> paneldesk::readiness::PublicationStatus;
    fn correct_nomination(review_id: String, nomination_id: i32, field_key: String, value: String, reason: String) -> ReviewOutline;
    fn withdraw_nomination(review_id: String, nomination_id: i32, reason: String) -> ReviewOutline;
    fn list_corrections(review_id: String) -> Vec<paneldesk::corrections::Correction>;
    fn nomination_page(review_id: String, query: NominationQuery, offset: u32, limit: u32) -> NominationPage;
    fn attach_self_evaluation(review_id: String, nomination_id: i32, file: Handle) -> paneldesk::store::materials::MaterialInfo;
    fn nomination_materials(review_id: String, nomination_id: i32) -> Vec<paneldesk::store::materials::MaterialInfo>;
    fn save_review_material(review_id: String, sha256: String, destination: Handle) -> String;
    fn open_meeting_ballot(review_id: String, category_key: String, shortlist: Shortlist, kind: BallotKind, chair: Option<i32>) -> MeetingBallot;
    fn count_meeting_ballot(review_id: String, ballot_id: i32, tally: Tally) -> MeetingOutcome;
    fn write_meeting_tally(review_id: String, ballot_id: i32, tally: Tally, folder: Handle) -> TallyWritten;
    fn confirm_meeting_tally(review_id: String, ballot_id: i32, file: Handle) -> paneldesk::merge::tally_file::Confirmed;
    fn meeting_ballots(review_id: String) -> Vec<MeetingBallot>;
    fn show_meeting_tally(file: Handle) -> paneldesk::ops::meeting::TallyShown;
    fn sign_meeting_tally(hash: String, file: Handle, passphrase: String, folder: Handle) -> TallySigned;
    fn print_tally_sheet(review_id: String, ballot_id: i32, destination: Handle) -> u32;
    fn open_laptop_ballot(review_id: String, category_key: String, shortlist: Shortlist, kind: BallotKind) -> MeetingBallot;
    fn write_ballot_paper(review_id: String, ballot_id: i32, folder: Handle) -> PaperWrittenView;
    fn receive_ballot_vote(review_id: String, ballot_id: i32, file: Handle) -> paneldesk::merge::ballot_vote::VoteReceived;
    fn count_ballot_votes(review_id: String, ballot_id: i32, counted_by: String, witnessed_by: String) -> MeetingOutcome;
    fn read_ballot_paper(hash: String, file: Handle) -> paneldesk::ops::ballot::PaperShown;
    fn cast_ballot_vote(hash: String, file: Handle, marks: Vec<paneldesk::merge::ballot_vote::VoteMark>, passphrase: String, folder: Handle) -> VoteCastView;
    fn paper_sheets(review_id: String, expert_id: i32) -> Vec<paneldesk::paper::Sheet>;
    fn print_paper_sheet(review_id: String, expert_id: i32, destination: Handle) -> u32;
    fn key_paper_sheet(review_id: String, expert_id: i32, sheet_id: String, by: String, marks: String) -> paneldesk::paper::Keyed;
    fn paper_status(review_id: String) -> Vec<paneldesk::paper::PaperStatus>;
    fn write_resume_file(review_id: String, expert_id: i32, folder: Handle) -> String;
}

/// Declarations of every type that crosses the boundary. A type missing here makes the
/// UI's type check fail, which is how this list stays complete.
fn type_declarations() -> Vec<String> {
    let cfg = ts_rs::Config::default();
    vec![
        paneldesk::activity::Activity::decl(&cfg),
        ActivityInfo::decl(&cfg),
        paneldesk::model::ScoringMode::decl(&cfg),
        paneldesk::model::Criterion::decl(&cfg),
        paneldesk::model::ScoreBand::decl(&cfg),
        paneldesk::model::Rubric::decl(&cfg),
        paneldesk::model::GradeLevel::decl(&cfg),
        paneldesk::model::GradeList::decl(&cfg),
        paneldesk::model::Category::decl(&cfg),
        paneldesk::model::Expert::decl(&cfg),
        paneldesk::model::FieldValue::decl(&cfg),
        paneldesk::model::Nomination::decl(&cfg),
        Review::decl(&cfg),
        ReviewOutline::decl(&cfg),
        NominationQuery::decl(&cfg),
        NominationPage::decl(&cfg),
        ListedNomination::decl(&cfg),
        ReviewSummary::decl(&cfg),
        paneldesk::model::AuditEntry::decl(&cfg),
        paneldesk::workspace::UnreadableReview::decl(&cfg),
        ReviewList::decl(&cfg),
        paneldesk::import::university::UniversitySource::decl(&cfg),
        paneldesk::import::file::FileError::decl(&cfg),
        paneldesk::import::file::Finding::decl(&cfg),
        FileReport::decl(&cfg),
        StoredFlag::decl(&cfg),
        Decision::decl(&cfg),
        paneldesk::store::materials::MaterialInfo::decl(&cfg),
        paneldesk::package::PackagedReview::decl(&cfg),
        paneldesk::package::ClerkPublic::decl(&cfg),
        paneldesk::package::PackagedNomination::decl(&cfg),
        paneldesk::package::Group::decl(&cfg),
        PanelScope::decl(&cfg),
        paneldesk::package::PanelPackage::decl(&cfg),
        PackageSummary::decl(&cfg),
        paneldesk::keys::ClerkKeyState::decl(&cfg),
        ClerkKeysStatus::decl(&cfg),
        RecusalReason::decl(&cfg),
        paneldesk::model::marks::Recusal::decl(&cfg),
        Vote::decl(&cfg),
        Grade::decl(&cfg),
        paneldesk::model::marks::EnteredTotal::decl(&cfg),
        ScoreItem::decl(&cfg),
        paneldesk::model::marks::Missing::decl(&cfg),
        Enrolment::decl(&cfg),
        paneldesk::scoring::panel::CategoryProgress::decl(&cfg),
        Incomplete::decl(&cfg),
        Submission::decl(&cfg),
        PanelView::decl(&cfg),
        paneldesk::merge::collect::Receipt::decl(&cfg),
        paneldesk::merge::collect::ExpertStatus::decl(&cfg),
        Registration::decl(&cfg),
        paneldesk::merge::results::Method::decl(&cfg),
        paneldesk::merge::aggregate::VoteThreshold::decl(&cfg),
        paneldesk::merge::aggregate::VoteTally::decl(&cfg),
        paneldesk::merge::rank::TieBreaker::decl(&cfg),
        paneldesk::merge::rank::Cut::decl(&cfg),
        paneldesk::merge::results::ResultOptions::decl(&cfg),
        CategoryRule::decl(&cfg),
        paneldesk::merge::results::ResultFlag::decl(&cfg),
        paneldesk::merge::decisions::Outcome::decl(&cfg),
        paneldesk::merge::decisions::PanelDecision::decl(&cfg),
        paneldesk::merge::results::NominationResult::decl(&cfg),
        paneldesk::merge::results::CategoryResult::decl(&cfg),
        paneldesk::merge::results::OutlierExpert::decl(&cfg),
        paneldesk::merge::results::Unpackaged::decl(&cfg),
        paneldesk::merge::results::AppliedMethod::decl(&cfg),
        paneldesk::merge::results::AppliedRule::decl(&cfg),
        paneldesk::merge::results::ReviewResults::decl(&cfg),
        ReportKind::decl(&cfg),
        paneldesk::report::certificate::CertificateTemplate::decl(&cfg),
        paneldesk::report::certificate::CategoryCertificate::decl(&cfg),
        paneldesk::report::certificate::TemplateWords::decl(&cfg),
        paneldesk::report::certificate::Award::decl(&cfg),
        paneldesk::report::certificate::Mark::decl(&cfg),
        paneldesk::report::certificate::Sheet::decl(&cfg),
        CertificatePreview::decl(&cfg),
        paneldesk::report::serials::CertificateCheck::decl(&cfg),
        paneldesk::report::serials::CertificateWords::decl(&cfg),
        QrCheck::decl(&cfg),
        paneldesk::follow_up::YearMonth::decl(&cfg),
        paneldesk::follow_up::UnitKind::decl(&cfg),
        Status::decl(&cfg),
        Stage::decl(&cfg),
        paneldesk::follow_up::cycle::Due::decl(&cfg),
        paneldesk::follow_up::awarded_units::UnitEvent::decl(&cfg),
        AwardedUnit::decl(&cfg),
        RegisterView::decl(&cfg),
        Entered::decl(&cfg),
        RegisterImport::decl(&cfg),
        FollowUpPlan::decl(&cfg),
        paneldesk::follow_up::review::UnitOutcome::decl(&cfg),
        Applied::decl(&cfg),
        paneldesk::follow_up::draw::Strata::decl(&cfg),
        paneldesk::follow_up::draw::Member::decl(&cfg),
        DrawParams::decl(&cfg),
        paneldesk::follow_up::spot_check::SpotCheck::decl(&cfg),
        paneldesk::follow_up::spot_check::DrawnUnit::decl(&cfg),
        SpotCheckView::decl(&cfg),
        Verification::decl(&cfg),
        IpcError::decl(&cfg),
        AppInfo::decl(&cfg),
        QrPhoto::decl(&cfg),
        Handle::decl(&cfg),
        Picked::decl(&cfg),
        ImageChoice::decl(&cfg),
        crate::picked::FileDrop::decl(&cfg),
        paneldesk::rubric::NewCriterion::decl(&cfg),
        paneldesk::rubric::CriterionEdit::decl(&cfg),
        paneldesk::rubric::RubricChange::decl(&cfg),
        paneldesk::rubric::SentPackage::decl(&cfg),
        paneldesk::rubric::CategoryRubric::decl(&cfg),
        paneldesk::announcement::TitleKind::decl(&cfg),
        paneldesk::announcement::AnnouncementSettings::decl(&cfg),
        paneldesk::announcement::StoredAnnouncement::decl(&cfg),
        paneldesk::objections::Channel::decl(&cfg),
        paneldesk::objections::ObjectionOutcome::decl(&cfg),
        paneldesk::objections::NewObjection::decl(&cfg),
        paneldesk::objections::Resolution::decl(&cfg),
        paneldesk::objections::Objection::decl(&cfg),
        paneldesk::readiness::Blocker::decl(&cfg),
        paneldesk::readiness::PublicationStatus::decl(&cfg),
        paneldesk::ops::review::Step::decl(&cfg),
        paneldesk::ops::review::NextStep::decl(&cfg),
        paneldesk::corrections::Correction::decl(&cfg),
        BallotKind::decl(&cfg),
        Shortlist::decl(&cfg),
        paneldesk::merge::meeting::BallotEntry::decl(&cfg),
        paneldesk::merge::meeting::Count::decl(&cfg),
        Tally::decl(&cfg),
        paneldesk::merge::meeting::EntryOutcome::decl(&cfg),
        MeetingOutcome::decl(&cfg),
        paneldesk::merge::meeting::Counted::decl(&cfg),
        paneldesk::merge::meeting::Confirmation::decl(&cfg),
        paneldesk::merge::meeting::BallotChair::decl(&cfg),
        MeetingBallot::decl(&cfg),
        paneldesk::merge::tally_file::TallyReview::decl(&cfg),
        paneldesk::merge::tally_file::TallyBallot::decl(&cfg),
        paneldesk::merge::tally_file::TallyFile::decl(&cfg),
        paneldesk::merge::tally_file::Confirmed::decl(&cfg),
        paneldesk::ops::meeting::TallyShown::decl(&cfg),
        TallyWritten::decl(&cfg),
        TallySigned::decl(&cfg),
        paneldesk::merge::meeting::CountedVote::decl(&cfg),
        paneldesk::merge::meeting::LaptopVoting::decl(&cfg),
        paneldesk::merge::ballot_paper::BallotPaper::decl(&cfg),
        paneldesk::merge::ballot_vote::Mark::decl(&cfg),
        paneldesk::merge::ballot_vote::VoteMark::decl(&cfg),
        paneldesk::merge::ballot_vote::VoteReceived::decl(&cfg),
        paneldesk::ops::ballot::PaperShown::decl(&cfg),
        PaperWrittenView::decl(&cfg),
        VoteCastView::decl(&cfg),
        paneldesk::paper::SheetRow::decl(&cfg),
        paneldesk::paper::SheetSection::decl(&cfg),
        paneldesk::paper::Sheet::decl(&cfg),
        paneldesk::paper::Mismatch::decl(&cfg),
        paneldesk::paper::Keyed::decl(&cfg),
        paneldesk::paper::PaperStatus::decl(&cfg),
    ]
}

const HEADER: &str = "// Generated by src-tauri/src/ipc.rs from the Rust types. Do not edit:\n// run `PANELDESK_UPDATE_BINDINGS=1 cargo test -p paneldesk-app bindings`.\n";

pub fn types_ts() -> String {
    let mut out = String::from(HEADER);
    for decl in type_declarations() {
        out.push('\n');
        out.push_str("export ");
        out.push_str(decl.trim());
        out.push('\n');
    }
    out
}

fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

pub fn commands_ts() -> String {
    let mut out = String::from(HEADER);
    out.push_str("// Rejections carry an IpcError.\n\nimport { invoke } from \"@tauri-apps/api/core\";\nimport type * as T from \"./types\";\n");
    for sig in command_signatures() {
        // Tauri hands arguments over by their camelCase names.
        let params: Vec<String> = sig
            .args
            .iter()
            .map(|(a, ty)| format!("{}: {}", camel_case(a), qualify(ty)))
            .collect();
        let names: Vec<String> = sig.args.iter().map(|(a, _)| camel_case(a)).collect();
        let returns = qualify(&sig.returns);
        let payload = if names.is_empty() {
            "{}".to_string()
        } else {
            format!("{{ {} }}", names.join(", "))
        };
        out.push_str(&format!(
            "\nexport function {}({}): Promise<{returns}> {{\n  return invoke<{returns}>(\"{}\", {payload});\n}}\n",
            camel_case(sig.name),
            params.join(", "),
            sig.name
        ));
    }
    out
}

/// Prefixes our own type names with the `T.` namespace; TS built-ins stay as they are.
fn qualify(ty: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && word != "Array" {
            out.push_str("T.");
        }
        out.push_str(word);
        word.clear();
    };
    for c in ty.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn ipc_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/ipc")
    }

    #[test]
    fn bindings_are_current() {
        let expected = [("types.ts", types_ts()), ("commands.ts", commands_ts())];
        let update = std::env::var_os("PANELDESK_UPDATE_BINDINGS").is_some();
        for (file, content) in expected {
            let path = ipc_dir().join(file);
            if update {
                std::fs::create_dir_all(ipc_dir()).unwrap();
                std::fs::write(&path, &content).unwrap();
                continue;
            }
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                committed == content,
                "{} is stale: run `PANELDESK_UPDATE_BINDINGS=1 cargo test -p paneldesk-app bindings` and commit it",
                path.display()
            );
        }
    }

    #[test]
    fn every_type_has_a_name_of_its_own() {
        let ts = types_ts();
        let mut names: Vec<&str> = ts
            .lines()
            .filter_map(|l| l.strip_prefix("export type "))
            .filter_map(|l| l.split([' ', '<']).next())
            .collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all, "a TypeScript name declared twice");
        assert!(
            ts.contains("export type BallotMark = \"agree\""),
            "the ballot's marks"
        );
        assert!(
            ts.contains("mark: BallotMark,"),
            "a vote's mark is the ballot's"
        );
    }

    #[test]
    fn camel_cases_argument_names() {
        assert_eq!(camel_case("review_id"), "reviewId");
        assert_eq!(camel_case("year"), "year");
        assert_eq!(qualify("Array<ReviewSummary>"), "Array<T.ReviewSummary>");
        assert_eq!(qualify("null"), "null");
    }
}
