//! The clerk's work on one review before and around the round: making it, its roster,
//! quotas, allowances and rules, correcting or withdrawing nominations, settling flags.
//! Each change answers with what the clerk's screen shows next (the review masked, or
//! the flags as now stored), read after the change's own transaction.

use std::path::{Path, PathBuf};

use crate::activity::Activity;
use crate::error::{Error, Result};
use crate::model::rule::CategoryRule;
use crate::model::{NominationPage, NominationQuery, ReviewOutline, ReviewSummary, ScoringMode};
use crate::review::{self, NewReview};
use crate::store::experts::NewExpert;
use crate::store::flags::{self, Decision, StoredFlag};
use crate::workspace::Workspace;

/// The review as the clerk's screens hold it: without its nominations, which they read
/// a page at a time (`nominations`).
fn shown(review_path: &Path) -> Result<ReviewOutline> {
    review::outline(review_path)
}

/// Opens a review for the clerk's screens.
pub fn open(review_path: &Path) -> Result<ReviewOutline> {
    shown(review_path)
}

/// One page of the clerk's nominations list, personal data masked.
pub fn nominations(
    review_path: &Path,
    query: &NominationQuery,
    offset: u32,
    limit: u32,
) -> Result<NominationPage> {
    crate::nomination_list::page(review_path, query, offset, limit)
}

/// Makes a new, empty review of `activity` for `year` in `workspace`; `suffix` (fresh
/// randomness) keeps its id unique.
pub fn create(
    workspace: &Workspace,
    activity: Activity,
    year: i32,
    suffix: &str,
    at: &str,
    actor: &str,
) -> Result<ReviewSummary> {
    let id = review::make_id(year, activity, suffix);
    let new = NewReview {
        id,
        activity,
        year,
        created_at: at.into(),
        actor: actor.into(),
    };
    review::create(&workspace.path_for_new_review(&new.id), &new)
}

/// Adds an expert to the roster; answers with the review.
pub fn add_expert(
    review_path: &Path,
    new: &NewExpert,
    at: &str,
    actor: &str,
) -> Result<ReviewOutline> {
    crate::roster::add(review_path, new, at, actor)?;
    shown(review_path)
}

/// Removes an expert from the roster (refused once a package went out); answers with
/// the review.
pub fn remove_expert(
    review_path: &Path,
    expert_id: i64,
    at: &str,
    actor: &str,
) -> Result<ReviewOutline> {
    crate::roster::remove(review_path, expert_id, at, actor)?;
    shown(review_path)
}

/// Sets a category's quota (`approximate`: a "左右" quota); answers with the review.
pub fn set_quota(
    review_path: &Path,
    category_key: &str,
    quota: u32,
    approximate: bool,
    at: &str,
    actor: &str,
) -> Result<ReviewOutline> {
    review::set_quota(review_path, category_key, quota, approximate, at, actor)?;
    shown(review_path)
}

/// Sets how many nominations one university may send in a category (`None`: no
/// limit); answers with the review.
pub fn set_allowance(
    review_path: &Path,
    category_key: &str,
    allowance: Option<u32>,
    at: &str,
    actor: &str,
) -> Result<ReviewOutline> {
    review::set_allowance(review_path, category_key, allowance, at, actor)?;
    shown(review_path)
}

/// Stores a category's aggregation rule; answers with the review.
pub fn set_rule(
    review_path: &Path,
    category_key: &str,
    rule: &CategoryRule,
    at: &str,
    actor: &str,
) -> Result<ReviewOutline> {
    crate::store::category_rules::set(review_path, category_key, rule, at, actor)?;
    shown(review_path)
}

/// Corrects one field of a nomination, with the reason the record requires; answers
/// with the review.
pub fn correct_nomination(
    review_path: &Path,
    nomination_id: i64,
    field_key: &str,
    value: &str,
    reason: &str,
    at: &str,
    actor: &str,
) -> Result<ReviewOutline> {
    crate::corrections::edit_field(
        review_path,
        nomination_id,
        field_key,
        value,
        reason,
        at,
        actor,
    )?;
    shown(review_path)
}

/// Withdraws a nomination, with the reason the record requires; answers with the review.
pub fn withdraw_nomination(
    review_path: &Path,
    nomination_id: i64,
    reason: &str,
    at: &str,
    actor: &str,
) -> Result<ReviewOutline> {
    crate::corrections::withdraw(review_path, nomination_id, reason, at, actor)?;
    shown(review_path)
}

/// Settles one flag with the clerk's decision and note.
pub fn settle_flag(
    review_path: &Path,
    flag_id: i64,
    decision: Decision,
    note: &str,
    at: &str,
    actor: &str,
) -> Result<StoredFlag> {
    let mut conn = crate::store::open(review_path)?;
    flags::settle(&mut conn, flag_id, decision, note, at, actor)
}

/// Settles a selection of flags with one note, all or none.
pub fn settle_flags(
    review_path: &Path,
    flag_ids: &[i64],
    decision: Decision,
    note: &str,
    at: &str,
    actor: &str,
) -> Result<Vec<StoredFlag>> {
    let mut conn = crate::store::open(review_path)?;
    flags::settle_many(&mut conn, flag_ids, decision, note, at, actor)
}

/// Saves a copy of one of the review's materials at `destination`, or beside it under a
/// new name when one is there (materials are named by whoever sent them); returns the
/// path written.
pub fn save_material(review_path: &Path, sha256: &str, destination: &Path) -> Result<PathBuf> {
    let conn = crate::store::open(review_path)?;
    let bytes = crate::store::materials::named_content(&conn, sha256)?
        .ok_or_else(|| Error::Corrupt(format!("material {sha256} is not in this review")))?;
    crate::container::write_bytes_new(destination, &bytes)
}

/// What the clerk should do next with a review, in the order a round runs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    /// Criteria still named as placeholders (过硬一（待填写）…) in `categories`
    /// categories. First, because the criteria belong in the notice the universities
    /// answer, and no package can go out until the clerk words them.
    WordRubric { categories: u32 },
    /// No nomination yet: import the universities' workbooks.
    ImportNominations,
    /// 待核实事项 (flags) not settled yet.
    SettleFlags { open: u32 },
    /// Nobody on the roster to score.
    AddExperts,
    /// No panel package handed out yet.
    BuildPackage,
    /// Result bundles still to come: `received` of `expected` experts are in.
    ReceiveBundles { received: u32, expected: u32 },
    /// Nominations tied at a cut line, in `categories` categories, wait for the panel.
    DecideTies { categories: u32 },
    /// No 公示 set yet.
    SetAnnouncement,
    /// Objections lodged during the 公示 and not resolved.
    ResolveObjections { pending: u32 },
    /// The 公示期 runs until `until` (inclusive).
    WaitForAnnouncement { until: String },
    /// Everything is settled: print the results and the certificates.
    PrintCertificates,
    /// Certificates are printed: nothing is left to do in this review.
    Done,
}

/// The next step, with the words the screens show.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NextStep {
    pub step: Step,
    /// The review screen's tab where it is done: `import`, `flags`, `experts`, `rubric`,
    /// `overview` or `results`.
    pub tab: String,
    pub message_zh: String,
    pub message_en: String,
}

impl Step {
    fn tab(&self) -> &'static str {
        match self {
            Step::ImportNominations => "import",
            Step::SettleFlags { .. } => "flags",
            Step::AddExperts => "experts",
            Step::WordRubric { .. } => "rubric",
            Step::BuildPackage => "overview",
            _ => "results",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            Step::ImportNominations => "导入各推荐单位报来的推荐表".into(),
            Step::SettleFlags { open } => format!("处理 {open} 个待核实事项（保留或排除）"),
            Step::AddExperts => "在“专家”中添加评审专家".into(),
            Step::WordRubric { categories } => {
                format!("{categories} 个类别的评分标准还有待填写的指标，请先在“类别与评分标准”中为其命名")
            }
            Step::BuildPackage => "生成评审包，用 U 盘交给每位专家".into(),
            Step::ReceiveBundles { received, expected } => {
                format!("收取专家的评审结果（已收 {received} / {expected} 位）")
            }
            Step::DecideTies { categories } => {
                format!("{categories} 个类别的分数线处有并列，请记录评审组的决定")
            }
            Step::SetAnnouncement => "设置公示（公示期、受理异议方式和落款）".into(),
            Step::ResolveObjections { pending } => format!("处理 {pending} 件异议"),
            Step::WaitForAnnouncement { until } => {
                let day = crate::announcement::parse_day(until, "", "")
                    .map(crate::announcement::day_zh)
                    .unwrap_or_else(|_| until.clone());
                format!("公示期至{day}，期满后打印证书")
            }
            Step::PrintCertificates => "打印结果汇总表和证书".into(),
            Step::Done => "证书已打印，本次评审的工作已完成".into(),
        }
    }

    fn message_en(&self) -> String {
        match self {
            Step::ImportNominations => {
                "Import the nomination workbooks the universities sent".into()
            }
            Step::SettleFlags { open } => {
                format!("Settle {open} item(s) to verify (keep or exclude)")
            }
            Step::AddExperts => "Add the panel's experts under Experts".into(),
            Step::WordRubric { categories } => format!(
                "Name the placeholder criteria of {categories} categor{} under Categories and rubrics first",
                if *categories == 1 { "y" } else { "ies" }
            ),
            Step::BuildPackage => {
                "Build the panel package and hand it to each expert on a USB stick".into()
            }
            Step::ReceiveBundles { received, expected } => {
                format!("Receive the experts' result bundles ({received} of {expected} in)")
            }
            Step::DecideTies { categories } => format!(
                "Record the panel's decision on the ties at the cut line in {categories} categor{}",
                if *categories == 1 { "y" } else { "ies" }
            ),
            Step::SetAnnouncement => {
                "Set the announcement (公示): period, objection channels and issuer".into()
            }
            Step::ResolveObjections { pending } => format!("Resolve {pending} objection(s)"),
            Step::WaitForAnnouncement { until } => {
                format!("The announcement period runs until {until}; print certificates after it")
            }
            Step::PrintCertificates => "Print the results summary and the certificates".into(),
            Step::Done => "Certificates are printed: this review's work is done".into(),
        }
    }
}

/// What to do next with the review at `review_path` on `today`: the first of name the
/// rubric's placeholder criteria, import, settle 待核实事项, add experts, build the
/// package, receive bundles, decide ties at the cut, set the 公示, resolve objections,
/// wait out the 公示期, print — that is not done.
pub fn next_step(review_path: &Path, today: time::Date) -> Result<NextStep> {
    let step = first_open_step(review_path, today)?;
    Ok(NextStep {
        tab: step.tab().to_string(),
        message_zh: step.message_zh(),
        message_en: step.message_en(),
        step,
    })
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn first_open_step(review_path: &Path, today: time::Date) -> Result<Step> {
    use crate::readiness::{award_blockers, Blocker, Publication};

    let conn = crate::store::open(review_path)?;
    let unworded = crate::store::review_rows::read_categories(&conn)?
        .iter()
        .filter(|c| c.scoring_mode == ScoringMode::Criteria && c.rubric.has_placeholders())
        .count();
    if unworded > 0 {
        return Ok(Step::WordRubric {
            categories: count(unworded),
        });
    }
    let summary = review::summary(review_path)?;
    if summary.n_nominations == 0 {
        return Ok(Step::ImportNominations);
    }
    let open = flags::read_all(&conn)?
        .iter()
        .filter(|f| f.status == "open")
        .count();
    if open > 0 {
        return Ok(Step::SettleFlags { open: count(open) });
    }
    if summary.n_experts == 0 {
        return Ok(Step::AddExperts);
    }
    if crate::package::panels::current(&conn)?.is_empty() {
        return Ok(Step::BuildPackage);
    }
    let board = crate::merge::collect::status(review_path)?;
    let received = board.iter().filter(|e| e.submitted).count();
    if received < board.len() {
        return Ok(Step::ReceiveBundles {
            received: count(received),
            expected: count(board.len()),
        });
    }
    let results = crate::merge::results::compute(
        review_path,
        &crate::merge::results::ResultOptions::default(),
    )?;
    let publication = Publication::load(&conn)?;
    let blockers = award_blockers(&results, None, &publication, today);
    let ties = blockers
        .iter()
        .filter(|b| matches!(b, Blocker::TieAtCut { .. }))
        .count();
    if ties > 0 {
        return Ok(Step::DecideTies {
            categories: count(ties),
        });
    }
    if blockers.contains(&Blocker::NoAnnouncement) {
        return Ok(Step::SetAnnouncement);
    }
    let pending = blockers
        .iter()
        .filter(|b| matches!(b, Blocker::PendingObjection { .. }))
        .count();
    if pending > 0 {
        return Ok(Step::ResolveObjections {
            pending: count(pending),
        });
    }
    if let Some(until) = blockers.iter().find_map(|b| match b {
        Blocker::AnnouncementPeriodOpen { period_to } => Some(period_to.clone()),
        _ => None,
    }) {
        return Ok(Step::WaitForAnnouncement { until });
    }
    let printed: i64 = conn.query_row("SELECT count(*) FROM certificate", [], |r| r.get(0))?;
    Ok(if printed == 0 {
        Step::PrintCertificates
    } else {
        Step::Done
    })
}
