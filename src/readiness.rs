//! Whether results may leave the office: a 公示, the register of awarded units and
//! certificates say "this nominee won", so none of them is made while a winner still has
//! a finding nobody settled (an eligibility question, a duplicate) or a category still has a
//! tie at its cut line — unless the panel recorded a decision on that nominee, which is the
//! panel's answer to both. The same list tells the clerk what is left to do.
//!
//! Certificates and the register also wait for the 公示 to be over: one has been published
//! (`announcement`), its 公示期 has ended, and no objection is pending (`objections`) — an
//! upheld one may take a winner off the list. The 公示 itself is what starts the period, so
//! it only needs the results settled.

use rusqlite::Connection;
use serde::Serialize;
use time::Date;

use crate::announcement::AnnouncementSettings;
use crate::merge::rank::Cut;
use crate::merge::results::{ResultFlag, ReviewResults};
use crate::objections::Objection;

/// One thing that stops the results from being published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Blocker {
    /// A winner with findings still open (eligibility, duplicates, data problems).
    OpenFlags {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        nomination_id: i64,
        display_name: String,
        university: String,
        count: u32,
    },
    /// Nominations tied at a category's cut line, with no decision.
    TieAtCut {
        category: String,
        names: Vec<String>,
    },
    /// No 公示 has been set: nobody could object yet.
    NoAnnouncement,
    /// The 公示期 runs until `period_to` (inclusive).
    AnnouncementPeriodOpen { period_to: String },
    /// An objection nobody has resolved.
    PendingObjection {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        objection_id: i64,
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        nomination_id: i64,
        display_name: String,
        university: String,
    },
}

impl Blocker {
    pub fn reason(&self) -> crate::error::Reason {
        crate::error::Reason {
            code: match self {
                Blocker::OpenFlags { .. } => "open_flags",
                Blocker::TieAtCut { .. } => "tie_at_cut",
                Blocker::NoAnnouncement => "no_announcement",
                Blocker::AnnouncementPeriodOpen { .. } => "announcement_period_open",
                Blocker::PendingObjection { .. } => "pending_objection",
            },
            zh: self.message_zh(),
            en: self.message_en(),
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            Blocker::OpenFlags {
                display_name,
                university,
                count,
                ..
            } => format!("入选者{display_name}（{university}）有 {count} 个待核实事项尚未处理"),
            Blocker::TieAtCut { category, names } => {
                format!(
                    "“{category}”分数线处并列（{}）尚无评审组决定",
                    names.join("、")
                )
            }
            Blocker::NoAnnouncement => "尚未发布公示（公示期、受理异议方式和落款未设置）".into(),
            Blocker::AnnouncementPeriodOpen { period_to } => {
                let day = crate::announcement::parse_day(period_to, "", "")
                    .map(crate::announcement::day_zh)
                    .unwrap_or_else(|_| period_to.clone());
                format!("公示期至{day}，尚未结束")
            }
            Blocker::PendingObjection {
                objection_id,
                display_name,
                university,
                ..
            } => {
                format!("针对{display_name}（{university}）的第 {objection_id} 号异议尚未处理完毕")
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            Blocker::OpenFlags {
                display_name,
                university,
                count,
                ..
            } => format!("winner {display_name} ({university}) has {count} open finding(s)"),
            Blocker::TieAtCut { category, names } => format!(
                "{} nominations tied at the cut line of {category} with no decision",
                names.len()
            ),
            Blocker::NoAnnouncement => {
                "no announcement (公示) has been published (period, objection channels and issuer not set)".into()
            }
            Blocker::AnnouncementPeriodOpen { period_to } => {
                format!("the announcement period runs until {period_to}")
            }
            Blocker::PendingObjection {
                objection_id,
                display_name,
                university,
                ..
            } => format!(
                "objection {objection_id} against {display_name} ({university}) is not resolved"
            ),
        }
    }
}

/// What stops `results` from being published, for the winners (or, with `only`, for
/// those nominations).
pub fn blockers(results: &ReviewResults, only: Option<&[i64]>) -> Vec<Blocker> {
    let mut out = Vec::new();
    for c in &results.categories {
        let tied: Vec<String> = c
            .nominations
            .iter()
            .filter(|n| n.cut == Cut::Tied)
            .map(|n| n.display_name.clone())
            .collect();
        if !tied.is_empty() {
            out.push(Blocker::TieAtCut {
                category: c.name_zh.clone(),
                names: tied,
            });
        }
        for n in &c.nominations {
            let published = match only {
                Some(ids) => ids.contains(&n.nomination_id),
                None => n.cut == Cut::In,
            };
            if !published || n.decision.is_some() {
                continue;
            }
            for f in &n.flags {
                if let ResultFlag::UnresolvedEligibility { count } = f {
                    out.push(Blocker::OpenFlags {
                        nomination_id: n.nomination_id,
                        display_name: n.display_name.clone(),
                        university: n.university.clone(),
                        count: *count,
                    });
                }
            }
        }
    }
    out
}

/// Where the 公示 stands, as readiness needs it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Publication {
    pub announcement: Option<AnnouncementSettings>,
    pub pending_objections: Vec<Objection>,
}

impl Publication {
    pub fn load(conn: &Connection) -> crate::Result<Publication> {
        Ok(Publication {
            announcement: crate::announcement::read(conn)?.map(|a| a.settings),
            pending_objections: crate::objections::pending(conn)?,
        })
    }
}

/// What stops an award from being final on `today`: everything `blockers` lists, then the
/// 公示 — none yet, its period not over, objections pending. Any pending objection holds
/// back every certificate, not only its nominee's: upholding it may change who is in.
pub fn award_blockers(
    results: &ReviewResults,
    only: Option<&[i64]>,
    publication: &Publication,
    today: Date,
) -> Vec<Blocker> {
    let mut out = blockers(results, only);
    match &publication.announcement {
        None => out.push(Blocker::NoAnnouncement),
        Some(a) => {
            // A stored period was checked when set; one that no longer parses is damaged
            // data and counts as not over.
            if !a.period_ended(today).unwrap_or(false) {
                out.push(Blocker::AnnouncementPeriodOpen {
                    period_to: a.period_to.clone(),
                });
            }
        }
    }
    out.extend(
        publication
            .pending_objections
            .iter()
            .map(|o| Blocker::PendingObjection {
                objection_id: o.id,
                nomination_id: o.nomination_id,
                display_name: o.display_name.clone(),
                university: o.university.clone(),
            }),
    );
    out
}

/// `Ok` when nothing blocks; otherwise the error naming every blocker, for `what` (公示,
/// certificates, the register).
pub fn require_ready(
    results: &ReviewResults,
    only: Option<&[i64]>,
    what_zh: &str,
    what_en: &str,
) -> crate::Result<()> {
    refuse_unless_empty(blockers(results, only), what_zh, what_en)
}

/// `require_ready` for what follows the 公示: certificates and the register.
pub fn require_awardable(
    results: &ReviewResults,
    only: Option<&[i64]>,
    publication: &Publication,
    today: Date,
    what_zh: &str,
    what_en: &str,
) -> crate::Result<()> {
    refuse_unless_empty(
        award_blockers(results, only, publication, today),
        what_zh,
        what_en,
    )
}

fn refuse_unless_empty(found: Vec<Blocker>, what_zh: &str, what_en: &str) -> crate::Result<()> {
    if found.is_empty() {
        return Ok(());
    }
    Err(crate::Error::NotReady {
        what_zh: what_zh.into(),
        what_en: what_en.into(),
        blockers: found.iter().map(Blocker::reason).collect(),
    })
}

/// Where the 公示 stands, for the results tab: what is set, the ledger (masked), and what
/// still holds back certificates and the register on `today`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PublicationStatus {
    pub announcement: Option<crate::announcement::StoredAnnouncement>,
    /// The wording the activity calls for, to start from before anything is set.
    pub suggested_title_kind: crate::announcement::TitleKind,
    pub objections: Vec<Objection>,
    /// Empty when certificates may print and the awards may be registered.
    pub award_blockers: Vec<Blocker>,
}

pub fn publication_status(
    review_path: &std::path::Path,
    options: &crate::merge::results::ResultOptions,
    today: Date,
) -> crate::Result<PublicationStatus> {
    let results = crate::merge::results::compute(review_path, options)?;
    let conn = crate::store::open(review_path)?;
    let publication = Publication::load(&conn)?;
    Ok(PublicationStatus {
        announcement: crate::announcement::read(&conn)?,
        suggested_title_kind: crate::announcement::suggested_title_kind(&conn)?,
        objections: crate::objections::list(&conn, crate::privacy::Privacy::Masked)?,
        award_blockers: award_blockers(&results, None, &publication, today),
    })
}
