//! The panel's meeting (会评): after scoring, the panel deliberates on the nominations
//! around the cut line and votes again — a 同意/不同意/弃权 vote on each, or a 差额
//! choice where each expert picks at most k of n. The clerk opens a ballot from a
//! category's results, records the tally counted in the room (with who counted and who
//! watched), and the outcome settles the cut through decisions that name the ballot.
//!
//! When the panel votes by show of hands the ballot may name its chair (组长): the clerk
//! then writes the tally as a file the chair signs on their own laptop, and the ballot is
//! counted only from that signed file (`super::tally_file`), so what the clerk typed is
//! what the chair saw and agreed to. A ballot without a chair is counted as typed.
//!
//! How the stages combine (the rule every printout states): the meeting decides in or
//! out for the nominations on its ballot, within the places the first stage left for
//! them; every other nomination keeps its first-stage result. A ballot that leaves
//! nominations level at the last place decides nothing for them: the panel votes again.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::aggregate::{self, VoteThreshold};
use super::decisions::{self, Outcome};
use super::rank::Cut;
use super::results::{self, CategoryResult, ResultOptions};
use crate::error::{Error, Result};
use crate::store;

/// What the panel is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BallotKind {
    /// 同意 / 不同意 / 弃权 on each nomination; those passed take the places in order of
    /// 同意.
    Vote,
    /// 差额: each expert chooses at most `at_most` of the listed nominations. `None` when
    /// opening means "as many as there are places".
    Choose {
        #[cfg_attr(feature = "ts", ts(type = "number | null"))]
        at_most: Option<u32>,
    },
}

/// Which nominations go on the ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shortlist {
    /// Those tied across the cut line.
    TiedAtCut,
    /// `around` places on each side of the cut line, and any tied there.
    Band { around: u32 },
    /// Chosen by the clerk.
    Picked {
        #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
        nominations: Vec<i64>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BallotEntry {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nomination_id: i64,
    pub display_name: String,
    pub university: String,
    /// The first stage's score, as the results showed it when the ballot was opened.
    pub score: Option<f64>,
}

/// One nomination's count. For a 差额 choice `agree` is the number of experts who chose
/// it, and `disagree` and `abstain` are 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Count {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nomination_id: i64,
    pub agree: u32,
    pub disagree: u32,
    pub abstain: u32,
}

/// What the clerk records from the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tally {
    /// Experts present and voting (recused experts leave the room and are not present).
    pub present: u32,
    pub counts: Vec<Count>,
    /// 计票人 and 监票人: the two people whose names the 计票单 carries.
    pub counted_by: String,
    pub witnessed_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EntryOutcome {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nomination_id: i64,
    pub agree: u32,
    /// Reached the category's vote threshold among those present.
    pub passed: bool,
    /// In or out by this ballot; `None` while level with others at the last place.
    pub result: Option<Outcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MeetingOutcome {
    pub entries: Vec<EntryOutcome>,
    /// Level at the last place: the panel votes again on these.
    #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
    pub still_tied: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Counted {
    pub tally: Tally,
    pub outcome: MeetingOutcome,
    pub counted_at: String,
    pub recorded_by: String,
    /// The chair's signature the tally was counted from; `None` for a ballot without a
    /// chair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub confirmed: Option<Confirmation>,
    /// The signed votes a ballot voted on the experts' laptops was counted from, by expert
    /// id ascending; `None` for a ballot voted in the room.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub votes: Option<Vec<CountedVote>>,
}

/// One signed vote a ballot was counted from: whose, signed by which key, which
/// `vote.json` (never how they voted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CountedVote {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub expert_id: i64,
    pub name: String,
    pub fingerprint: String,
    /// SHA-256 of the vote's `vote.json`.
    pub vote_sha256: String,
}

/// A ballot the experts vote on their own laptops (`super::ballot_paper`,
/// `super::ballot_vote`): who may vote, the paper written for it, the votes received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LaptopVoting {
    /// The experts on the roster with a key registered and in force when it was opened.
    pub voters: Vec<BallotChair>,
    /// SHA-256 of the `ballot.json` the clerk wrote; `None` until the paper is written.
    pub paper_sha256: Option<String>,
    /// Expert ids whose vote was received, ascending.
    #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
    pub received: Vec<i64>,
}

/// Who confirmed a counted tally, and with which key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Confirmation {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub chair_id: i64,
    pub chair_name: String,
    pub fingerprint: String,
    /// SHA-256 of the signed `tally.json`.
    pub tally_sha256: String,
}

/// What a count stands on, as its audit entry records it.
#[derive(Clone, Copy)]
pub(super) enum Evidence<'a> {
    /// The tally as the clerk typed it.
    Typed,
    /// The chair's signed tally.
    Chair(&'a ChairSigned),
    /// The experts' signed votes.
    Votes(&'a [CountedVote]),
}

/// The chair's signed tally a ballot is counted from, as its audit entry records it.
pub(super) struct ChairSigned {
    pub confirmation: Confirmation,
    /// When the chair's laptop signed, by its signing statement; `None` for a file without
    /// one.
    pub signed_at: Option<String>,
    /// SHA-256 of the whole signed file, the bytes the review keeps: `audit verify` finds
    /// the kept file by it.
    pub file_sha256: String,
}

/// The expert who chairs a ballot and confirms its tally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BallotChair {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MeetingBallot {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub category_key: String,
    pub category_zh: String,
    /// With a 差额 choice's `at_most` filled in.
    pub kind: BallotKind,
    /// Places the first stage left for the nominations on the ballot.
    pub places: u32,
    pub threshold: VoteThreshold,
    pub entries: Vec<BallotEntry>,
    pub opened_at: String,
    pub opened_by: String,
    pub counted: Option<Counted>,
    /// Set when the tally must be confirmed by this expert's registered key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub chair: Option<BallotChair>,
    /// Set when the experts vote on their own laptops: the ballot is counted only from
    /// their signed votes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub laptops: Option<LaptopVoting>,
}

/// Everything the 计票单 prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BallotView {
    pub review_title: String,
    pub ballot: MeetingBallot,
}

/// Opens a ballot on `shortlist` of a category's current results.
pub fn open(
    review_path: &Path,
    category_key: &str,
    shortlist: &Shortlist,
    kind: BallotKind,
    at: &str,
    actor: &str,
) -> Result<MeetingBallot> {
    open_with_chair(review_path, category_key, shortlist, kind, None, at, actor)
}

/// `open`, naming the expert whose signature the tally then needs (`chair`): an expert
/// on the roster with a key registered and in force in this review.
pub fn open_with_chair(
    review_path: &Path,
    category_key: &str,
    shortlist: &Shortlist,
    kind: BallotKind,
    chair: Option<i64>,
    at: &str,
    actor: &str,
) -> Result<MeetingBallot> {
    if let Some(chair) = chair {
        chair_can_sign(&store::open(review_path)?, chair)?;
    }
    let terms = Terms::of(review_path, category_key, shortlist, kind)?;
    insert(review_path, &terms, &Voting::Room { chair }, at, actor)
}

/// `open`, for a ballot the experts vote on their own laptops: each returns a vote signed
/// with their registered key, and the ballot is counted only from those votes. Its voters
/// are fixed now: the experts on the roster with a key registered and in force, at least
/// as many as the category's quorum.
pub fn open_for_laptops(
    review_path: &Path,
    category_key: &str,
    shortlist: &Shortlist,
    kind: BallotKind,
    at: &str,
    actor: &str,
) -> Result<MeetingBallot> {
    let terms = Terms::of(review_path, category_key, shortlist, kind)?;
    let voters = voters_now(&store::open(review_path)?, category_key, &terms.entries)?;
    insert(review_path, &terms, &Voting::Laptops { voters }, at, actor)
}

/// How a ballot is voted and counted.
enum Voting {
    /// In the room, counted as typed or, with a chair, from the chair's signed tally.
    Room { chair: Option<i64> },
    /// On the experts' laptops, counted from their signed votes.
    Laptops { voters: Vec<BallotChair> },
}

/// The experts who may vote on a laptop ballot of `entries` opened now: with a key
/// registered and in force, and free to vote on every nomination on it
/// ([`free_to_vote`]); refused when there are none or fewer than the quorum.
fn voters_now(
    conn: &Connection,
    category_key: &str,
    entries: &[BallotEntry],
) -> Result<Vec<BallotChair>> {
    let free = free_to_vote(conn, entries)?;
    let mut voters: Vec<BallotChair> = crate::registration::list(conn)?
        .into_iter()
        .filter(|r| r.revoked_at.is_none() && free.contains(&r.expert_id))
        .map(|r| BallotChair {
            id: r.expert_id,
            name: r.expert_name,
        })
        .collect();
    voters.sort_by_key(|v| v.id);
    voters.dedup_by_key(|v| v.id);
    let quorum = quorum_of(conn, category_key)?;
    if voters.is_empty() || (voters.len() as u32) < quorum {
        let n = voters.len();
        return Err(Error::BadInput {
            zh: format!("可投票的专家（有在用的登记密钥、属于该类别的评审组、未回避会评名单上的推荐对象）只有 {n} 位（法定人数 {quorum}），无法在专家电脑上投票：请先登记专家的密钥"),
            en: format!("only {n} experts may vote (a registered key in force, on the category's panel, not recused from a nomination on the ballot; quorum {quorum}): too few to vote on their laptops; register their keys first"),
        });
    }
    Ok(voters)
}

/// The experts free to vote on every nomination of `entries`, as a recused expert leaves
/// the room: on a panel of a package in force that holds one of them, who recused from
/// none of them in the round, and whose institution nominated none of them.
fn free_to_vote(
    conn: &Connection,
    entries: &[BallotEntry],
) -> Result<std::collections::BTreeSet<i64>> {
    let round = super::round::load_marks(conn)?;
    let on_ballot: std::collections::BTreeSet<i64> =
        entries.iter().map(|e| e.nomination_id).collect();
    let universities: Vec<&str> = (round.package.nominations.iter())
        .filter(|n| on_ballot.contains(&n.id))
        .map(|n| n.university.trim())
        .collect();
    let recused = |expert: i64| {
        on_ballot.iter().any(|id| {
            (round.marks.get(id).and_then(|by| by.get(&expert)))
                .is_some_and(|i| i.recusal.is_some())
        })
    };
    let own_nominee = |expert: i64| {
        (round.package.experts.iter().find(|x| x.id == expert)).is_some_and(|x| {
            let own = x.institution.trim();
            !own.is_empty() && universities.contains(&own)
        })
    };
    Ok((round.panels.iter())
        .filter(|p| !p.nominations.is_disjoint(&on_ballot))
        .flat_map(|p| p.experts.iter().copied())
        .filter(|&e| !recused(e) && !own_nominee(e))
        .collect())
}

/// What a ballot asks, worked out from a category's current results.
struct Terms {
    category_key: String,
    kind: BallotKind,
    places: u32,
    threshold: VoteThreshold,
    entries: Vec<BallotEntry>,
}

impl Terms {
    fn of(
        review_path: &Path,
        category_key: &str,
        shortlist: &Shortlist,
        kind: BallotKind,
    ) -> Result<Terms> {
        let results = results::compute(review_path, &ResultOptions::default())?;
        let category = results
            .categories
            .iter()
            .find(|c| c.key == category_key)
            .ok_or_else(|| Error::BadInput {
                zh: format!("类别“{category_key}”还没有评审结果，无法会评"),
                en: format!("category {category_key} has no results yet to hold a meeting vote on"),
            })?;
        let chosen = shortlisted(category, shortlist)?;
        let places = places_left(category, &chosen)?;
        let entries: Vec<BallotEntry> = category
            .nominations
            .iter()
            .filter(|r| chosen.contains(&r.nomination_id))
            .map(|r| BallotEntry {
                nomination_id: r.nomination_id,
                display_name: r.display_name.clone(),
                university: r.university.clone(),
                score: r.score,
            })
            .collect();
        Ok(Terms {
            category_key: category_key.to_string(),
            kind: filled_in(kind, places, chosen.len() as u32)?,
            places,
            threshold: category.rule.vote_threshold,
            entries,
        })
    }
}

/// The places the first stage left for the nominations `chosen`: the quota less those in
/// outside the ballot; refused when none is left.
fn places_left(category: &CategoryResult, chosen: &[i64]) -> Result<u32> {
    let taken = category
        .nominations
        .iter()
        .filter(|n| n.cut == Cut::In && !chosen.contains(&n.nomination_id))
        .count() as u32;
    let places = category.quota.saturating_sub(taken);
    if places == 0 {
        return Err(Error::BadInput {
            zh: format!(
                "“{}”的名额（{}）已由会评名单以外的推荐对象占满，会评无名额可定",
                category.name_zh, category.quota
            ),
            en: format!(
                "{}'s quota ({}) is taken by nominations not on the ballot: there is no place to vote on",
                category.name_en, category.quota
            ),
        });
    }
    Ok(places)
}

/// A 差额 choice's `at_most` filled in (the places left, when not given) and checked
/// against the places and the `n` on the ballot.
fn filled_in(kind: BallotKind, places: u32, n: u32) -> Result<BallotKind> {
    let BallotKind::Choose { at_most } = kind else {
        return Ok(BallotKind::Vote);
    };
    let k = at_most.unwrap_or(places.min(n.saturating_sub(1)));
    if k == 0 || k > places || k >= n {
        return Err(Error::BadInput {
            zh: format!(
                "差额表决应选人数应在 1 到 {} 之间（剩余名额 {places}，候选 {n} 人，候选须多于应选）：{k}",
                places.min(n.saturating_sub(1))
            ),
            en: format!(
                "a choice must be of 1 to {} (places left {places}, {n} on the ballot, more on it than chosen): {k}",
                places.min(n.saturating_sub(1))
            ),
        });
    }
    Ok(BallotKind::Choose { at_most: Some(k) })
}

/// Stores a ballot on `terms`, voted as `voting` says, with its audit entry.
fn insert(
    review_path: &Path,
    terms: &Terms,
    voting: &Voting,
    at: &str,
    actor: &str,
) -> Result<MeetingBallot> {
    let (chair, laptops, voters) = match voting {
        Voting::Room { chair } => (*chair, "room", None),
        Voting::Laptops { voters } => (None, "laptops", Some(json(voters)?)),
    };
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO meeting_ballot (category_key, kind_json, places, threshold, entries_json, opened_at, opened_by, chair_expert_id, voting, voters_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            terms.category_key,
            json(terms.kind)?,
            terms.places,
            json(terms.threshold)?,
            json(&terms.entries)?,
            at,
            actor,
            chair,
            laptops,
            voters,
        ],
    )?;
    let id = tx.last_insert_rowid();
    let nominations: Vec<i64> = terms.entries.iter().map(|e| e.nomination_id).collect();
    let mut entry = serde_json::json!({
        "ballot": id,
        "category": terms.category_key,
        "kind": terms.kind,
        "places": terms.places,
        "nominations": nominations,
        "chair": chair,
    });
    if let Voting::Laptops { voters } = voting {
        entry["voting"] = "laptops".into();
        entry["voters"] = voters.iter().map(|v| v.id).collect::<Vec<_>>().into();
    }
    crate::audit::append(&tx, at, actor, "meeting.ballot_opened", &entry)?;
    let ballot = read(&tx, id)?;
    tx.commit()?;
    Ok(ballot)
}

/// The nomination ids a shortlist names, in result order; refuses names outside the
/// category's results and ballots of nobody.
fn shortlisted(category: &CategoryResult, shortlist: &Shortlist) -> Result<Vec<i64>> {
    let listed = |id: i64| category.nominations.iter().any(|n| n.nomination_id == id);
    let chosen: Vec<i64> = match shortlist {
        Shortlist::TiedAtCut => category
            .nominations
            .iter()
            .filter(|n| n.cut == Cut::Tied)
            .map(|n| n.nomination_id)
            .collect(),
        Shortlist::Band { around } => {
            if !(1..=20).contains(around) {
                return Err(Error::BadInput {
                    zh: format!("名额线上下各取的人数应在 1 到 20 之间：{around}"),
                    en: format!("the band around the cut must be 1 to 20 each side: {around}"),
                });
            }
            let scored: Vec<_> = category
                .nominations
                .iter()
                .filter(|n| n.score.is_some())
                .collect();
            let line = scored.iter().take_while(|n| n.cut == Cut::In).count();
            let from = line.saturating_sub(*around as usize);
            let to = (line + *around as usize).min(scored.len());
            scored
                .iter()
                .enumerate()
                .filter(|(i, n)| (from..to).contains(i) || n.cut == Cut::Tied)
                .map(|(_, n)| n.nomination_id)
                .collect()
        }
        Shortlist::Picked { nominations } => {
            for (i, id) in nominations.iter().enumerate() {
                if !listed(*id) {
                    return Err(Error::BadInput {
                        zh: format!("推荐对象 {id} 不在“{}”的评审结果中", category.name_zh),
                        en: format!("nomination {id} is not in {}'s results", category.name_en),
                    });
                }
                if nominations[..i].contains(id) {
                    return Err(Error::BadInput {
                        zh: format!("推荐对象 {id} 重复列入会评名单"),
                        en: format!("nomination {id} is on the ballot twice"),
                    });
                }
            }
            category
                .nominations
                .iter()
                .map(|n| n.nomination_id)
                .filter(|id| nominations.contains(id))
                .collect()
        }
    };
    if chosen.is_empty() {
        return Err(Error::BadInput {
            zh: format!(
                "“{}”没有并列在名额线上、有待会评的推荐对象",
                category.name_zh
            ),
            en: format!(
                "{} has no nominations tied at the cut or chosen to vote on",
                category.name_en
            ),
        });
    }
    Ok(chosen)
}

/// Records the tally of an open ballot and settles what it decides, in one transaction.
pub fn count(
    review_path: &Path,
    ballot_id: i64,
    tally: &Tally,
    at: &str,
    actor: &str,
) -> Result<MeetingOutcome> {
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    let ballot = read(&tx, ballot_id)?;
    refuse_laptops(&ballot)?;
    refuse_counted(&ballot)?;
    if let Some(chair) = &ballot.chair {
        return Err(Error::ChairConfirmationRequired {
            ballot: ballot_id,
            chair: chair.name.clone(),
        });
    }
    let (experts, quorum) = limits(&tx, &ballot)?;
    check(&ballot, tally, experts, quorum).map_err(|(zh, en)| Error::BadInput { zh, en })?;
    let outcome = record(&tx, &ballot, tally, Evidence::Typed, at, actor)?;
    tx.commit()?;
    Ok(outcome)
}

/// Refuses to count a ballot voted on the experts' laptops from anything but their votes.
pub(super) fn refuse_laptops(ballot: &MeetingBallot) -> Result<()> {
    let id = ballot.id;
    refuse_if(ballot.laptops.is_some(), || {
        (
            format!("会评表决 {id} 由专家在本人电脑上投票，只能根据收到的专家签名选票计票"),
            format!("meeting ballot {id} is voted on the experts' laptops: count it from the experts' signed votes"),
        )
    })
}

pub(super) fn refuse_counted(ballot: &MeetingBallot) -> Result<()> {
    let id = ballot.id;
    refuse_if(ballot.counted.is_some(), || {
        (
            format!("会评表决 {id} 已经计票，不能再次计票；如需重新表决，请另开一次会评"),
            format!("meeting ballot {id} is already counted; open a new ballot to vote again"),
        )
    })
}

/// `Error::BadInput` in the words (Chinese, English) `said` gives, when `refused`.
pub(super) fn refuse_if(refused: bool, said: impl FnOnce() -> (String, String)) -> Result<()> {
    if refused {
        let (zh, en) = said();
        return Err(Error::BadInput { zh, en });
    }
    Ok(())
}

/// The roster's size and the quorum of the ballot's category, as in force now: what a
/// tally is checked against.
pub(super) fn limits(conn: &Connection, ballot: &MeetingBallot) -> Result<(u32, u32)> {
    let experts = store::experts::count(conn)?;
    Ok((experts, quorum_of(conn, &ballot.category_key)?))
}

/// The quorum of a category's rule in force now (0: none).
pub(super) fn quorum_of(conn: &Connection, category_key: &str) -> Result<u32> {
    Ok(
        crate::store::category_rules::in_force(conn, &ResultOptions::default())?
            .get(category_key)
            .map_or(0, |r| r.quorum),
    )
}

/// Refuses a chair who could not confirm a tally: not on the roster, or without a key
/// registered and in force in this review.
fn chair_can_sign(conn: &Connection, chair: i64) -> Result<()> {
    let name: Option<String> = conn
        .query_row("SELECT name FROM expert WHERE id = ?1", [chair], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(name) = name else {
        return Err(Error::BadInput {
            zh: format!("专家名单中没有编号为 {chair} 的专家，无法担任会评组长"),
            en: format!("no expert {chair} on the roster to chair the ballot"),
        });
    };
    let registered = crate::registration::list(conn)?
        .iter()
        .any(|r| r.expert_id == chair && r.revoked_at.is_none());
    if !registered {
        return Err(Error::BadInput {
            zh: format!("专家“{name}”在本评审中没有在用的登记密钥，无法用密钥确认计票结果：请先登记其密钥"),
            en: format!("expert {name} has no registered key in force in this review to confirm the tally with: register it first"),
        });
    }
    Ok(())
}

/// Counts `tally` on `ballot` inside `tx`: the decisions it settles, the ballot's
/// `counted_json`, the audit entry (naming the chair's signature when confirmed, the
/// votes when counted from votes).
pub(super) fn record(
    tx: &rusqlite::Transaction,
    ballot: &MeetingBallot,
    tally: &Tally,
    evidence: Evidence,
    at: &str,
    actor: &str,
) -> Result<MeetingOutcome> {
    let ballot_id = ballot.id;
    let outcome = decide(ballot, tally);
    settle(tx, ballot, tally, &outcome, at, actor)?;
    let (signed, votes) = match evidence {
        Evidence::Typed => (None, None),
        Evidence::Chair(s) => (Some(s), None),
        Evidence::Votes(v) => (None, Some(v)),
    };
    let counted = Counted {
        tally: tally.clone(),
        outcome: outcome.clone(),
        counted_at: at.to_string(),
        recorded_by: actor.to_string(),
        confirmed: signed.map(|s| s.confirmation.clone()),
        votes: votes.map(<[CountedVote]>::to_vec),
    };
    let updated = tx.execute(
        "UPDATE meeting_ballot SET counted_json = ?2 WHERE id = ?1 AND counted_json IS NULL",
        params![ballot_id, json(&counted)?],
    )?;
    if updated != 1 {
        return Err(Error::Corrupt(format!(
            "meeting_ballot {ballot_id} counted twice"
        )));
    }
    let mut entry = serde_json::json!({ "ballot": ballot_id, "tally": tally, "outcome": outcome });
    if let Some(s) = signed {
        let c = &s.confirmation;
        entry["confirmed_by"] = serde_json::json!({
            "chair_id": c.chair_id, "chair": c.chair_name,
            "fingerprint": c.fingerprint, "tally_sha256": c.tally_sha256,
            "signed_at": s.signed_at, "file_sha256": s.file_sha256,
        });
    }
    if let Some(votes) = votes {
        entry["votes"] = serde_json::json!(votes);
    }
    crate::audit::append(tx, at, actor, "meeting.counted", &entry)?;
    Ok(outcome)
}

/// The decisions a counted ballot makes, each naming it and its counts.
fn settle(
    tx: &rusqlite::Transaction,
    ballot: &MeetingBallot,
    tally: &Tally,
    outcome: &MeetingOutcome,
    at: &str,
    actor: &str,
) -> Result<()> {
    let present = tally.present;
    for (entry, count) in outcome.entries.iter().zip(&tally.counts) {
        let Some(result) = entry.result else { continue };
        let reason = match ballot.kind {
            BallotKind::Choose { at_most } => format!(
                "会评差额表决（应选 {}）：得票 {} / 到会 {present}，{}",
                at_most.unwrap_or(ballot.places),
                count.agree,
                result.name_zh()
            ),
            BallotKind::Vote => format!(
                "会评表决：同意 {}、不同意 {}、弃权 {} / 到会 {present}，{}",
                count.agree,
                count.disagree,
                count.abstain,
                result.name_zh()
            ),
        };
        decisions::record_by_ballot(
            tx,
            entry.nomination_id,
            result,
            &reason,
            at,
            actor,
            ballot.id,
        )?;
    }
    Ok(())
}

/// Refuses a tally that cannot be what happened in the room, naming what is wrong in
/// Chinese and English. Sums are taken in 64 bits: a signed tally file is untrusted input,
/// and its counts may be anything a `u32` holds.
pub(super) fn check(
    ballot: &MeetingBallot,
    tally: &Tally,
    experts: u32,
    quorum: u32,
) -> std::result::Result<(), (String, String)> {
    let bad = |zh: String, en: String| Err((zh, en));
    for (who, en, name) in [
        ("计票人", "counter", &tally.counted_by),
        ("监票人", "witness", &tally.witnessed_by),
    ] {
        if name.trim().is_empty() {
            return bad(
                format!("请填写{who}的姓名"),
                format!("the {en}'s name is required"),
            );
        }
        if name.chars().count() > 40 {
            return bad(
                format!("{who}的姓名过长（最多 40 字）"),
                format!("the {en}'s name is too long (at most 40 characters)"),
            );
        }
    }
    let present = tally.present;
    if present == 0 || present > experts {
        return bad(
            format!("到会专家人数应在 1 到 {experts} 之间（本评审共 {experts} 位专家）：{present}"),
            format!("experts present must be 1 to {experts} (the review has {experts} experts): {present}"),
        );
    }
    if present < quorum {
        return bad(
            format!("到会专家 {present} 人，不足法定人数 {quorum} 人，表决无效"),
            format!(
                "{present} experts present, fewer than the quorum of {quorum}: the vote is void"
            ),
        );
    }
    for (i, c) in tally.counts.iter().enumerate() {
        let id = c.nomination_id;
        if !ballot.entries.iter().any(|e| e.nomination_id == id) {
            return bad(
                format!("推荐对象 {id} 不在本次会评名单上"),
                format!("nomination {id} is not on this ballot"),
            );
        }
        if tally.counts[..i].iter().any(|o| o.nomination_id == id) {
            return bad(
                format!("推荐对象 {id} 的票数重复填写"),
                format!("nomination {id} is counted twice"),
            );
        }
        let cast = u64::from(c.agree) + u64::from(c.disagree) + u64::from(c.abstain);
        match ballot.kind {
            BallotKind::Vote if cast > u64::from(present) => {
                return bad(
                    format!("推荐对象 {id} 的同意、不同意、弃权票合计 {cast}，多于到会专家 {present} 人"),
                    format!("nomination {id} has {cast} votes, more than the {present} experts present"),
                )
            }
            BallotKind::Choose { .. } if c.disagree > 0 || c.abstain > 0 => {
                return bad(
                    format!("差额表决只记得票数：推荐对象 {id} 不应有不同意或弃权票"),
                    format!("a choice counts only who was chosen: nomination {id} has no against or abstain"),
                )
            }
            BallotKind::Choose { .. } if c.agree > present => {
                return bad(
                    format!("推荐对象 {id} 得票 {}，多于到会专家 {present} 人", c.agree),
                    format!("nomination {id} has {} votes, more than the {present} experts present", c.agree),
                )
            }
            _ => {}
        }
    }
    if let Some(missing) = ballot.entries.iter().find(|e| {
        !tally
            .counts
            .iter()
            .any(|c| c.nomination_id == e.nomination_id)
    }) {
        return bad(
            format!(
                "漏填了 {}（{}）的票数",
                missing.display_name, missing.nomination_id
            ),
            format!(
                "the count for {} ({}) is missing",
                missing.display_name, missing.nomination_id
            ),
        );
    }
    if let BallotKind::Choose { at_most: Some(k) } = ballot.kind {
        let ticks: u64 = tally.counts.iter().map(|c| u64::from(c.agree)).sum();
        let most = u64::from(k) * u64::from(present);
        if ticks > most {
            return bad(
                format!("每位专家最多选 {k} 人，{present} 位到会专家最多投 {most} 票，但合计 {ticks} 票"),
                format!("each expert chooses at most {k}: {present} present cast at most {most} votes, not {ticks}"),
            );
        }
    }
    Ok(())
}

/// Who is in: those passed, by votes, into the places; level at the last place, nobody.
/// Only for a tally `check` passed.
pub(super) fn decide(ballot: &MeetingBallot, tally: &Tally) -> MeetingOutcome {
    let places = match ballot.kind {
        BallotKind::Choose { at_most } => at_most.unwrap_or(ballot.places),
        BallotKind::Vote => ballot.places,
    } as usize;
    // From the counts alone: a signed file may claim billions present.
    let passed_of = |c: &Count| aggregate::passes(c.agree, tally.present, ballot.threshold);
    let mut passed: Vec<&Count> = tally.counts.iter().filter(|c| passed_of(c)).collect();
    passed.sort_by_key(|c| std::cmp::Reverse(c.agree));
    let mut still_tied = Vec::new();
    let mut winners = Vec::new();
    if passed.len() <= places {
        winners.extend(passed.iter().map(|c| c.nomination_id));
    } else if let Some(last_place) = places.checked_sub(1) {
        // A signed file may name a ballot of no places, which no clerk opens: nobody is
        // in, rather than a panic on the chair's laptop.
        let last = passed[last_place].agree;
        let level = passed[places].agree == last;
        for c in &passed {
            if c.agree > last || (c.agree == last && !level) {
                winners.push(c.nomination_id);
            } else if c.agree == last {
                still_tied.push(c.nomination_id);
            }
        }
    }
    let entries = tally
        .counts
        .iter()
        .map(|c| EntryOutcome {
            nomination_id: c.nomination_id,
            agree: c.agree,
            passed: passed_of(c),
            result: if winners.contains(&c.nomination_id) {
                Some(Outcome::In)
            } else if still_tied.contains(&c.nomination_id) {
                None
            } else {
                Some(Outcome::Out)
            },
        })
        .collect();
    still_tied.sort();
    MeetingOutcome {
        entries,
        still_tied,
    }
}

/// A ballot and what the 计票单 needs beside it.
pub fn view(review_path: &Path, ballot_id: i64) -> Result<BallotView> {
    let conn = store::open(review_path)?;
    Ok(BallotView {
        review_title: store::review_rows::read_review(&conn)?.title_zh,
        ballot: read(&conn, ballot_id)?,
    })
}

/// Every ballot of the review, newest last.
pub fn list(review_path: &Path) -> Result<Vec<MeetingBallot>> {
    let conn = store::open(review_path)?;
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM meeting_ballot ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.into_iter().map(|id| read(&conn, id)).collect()
}

pub(super) fn read(conn: &Connection, id: i64) -> Result<MeetingBallot> {
    let row = conn
        .query_row(
            "SELECT b.category_key, b.kind_json, b.places, b.threshold, b.entries_json, b.opened_at, b.opened_by,
                    b.counted_json, b.chair_expert_id, e.name
             FROM meeting_ballot b LEFT JOIN expert e ON e.id = b.chair_expert_id WHERE b.id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, Option<i64>>(8)?,
                    r.get::<_, Option<String>>(9)?,
                ))
            },
        )
        .optional()?;
    let Some((
        category_key,
        kind,
        places,
        threshold,
        entries,
        opened_at,
        opened_by,
        counted,
        chair_id,
        chair_name,
    )) = row
    else {
        return Err(Error::BadInput {
            zh: format!("没有编号为 {id} 的会评表决"),
            en: format!("no meeting ballot {id}"),
        });
    };
    let category_zh = store::review_rows::read_categories(conn)?
        .into_iter()
        .find(|c| c.key == category_key)
        .map_or_else(|| category_key.clone(), |c| c.name_zh);
    Ok(MeetingBallot {
        id,
        category_zh,
        kind: parse(&kind, id)?,
        places,
        threshold: parse(&threshold, id)?,
        entries: parse(&entries, id)?,
        opened_at,
        opened_by,
        counted: counted.map(|c| parse(&c, id)).transpose()?,
        chair: chair_id.map(|id| BallotChair {
            id,
            name: chair_name.unwrap_or_default(),
        }),
        laptops: laptops_of(conn, id)?,
        category_key,
    })
}

/// How ballot `id` is voted on the experts' laptops: its voters, the paper written for
/// it, the votes received; `None` for a ballot voted in the room.
fn laptops_of(conn: &Connection, id: i64) -> Result<Option<LaptopVoting>> {
    let (voting, voters, paper_sha256): (String, Option<String>, Option<String>) = conn.query_row(
        "SELECT voting, voters_json, paper_sha256 FROM meeting_ballot WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    if voting != "laptops" {
        return Ok(None);
    }
    let received = conn
        .prepare("SELECT expert_id FROM meeting_vote WHERE ballot_id = ?1 ORDER BY expert_id")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(Some(LaptopVoting {
        voters: parse(voters.as_deref().unwrap_or("null"), id)?,
        paper_sha256,
        received,
    }))
}

fn json(value: impl Serialize) -> Result<String> {
    serde_json::to_string(&value).map_err(|e| Error::Corrupt(e.to_string()))
}

fn parse<T: serde::de::DeserializeOwned>(text: &str, id: i64) -> Result<T> {
    serde_json::from_str(text).map_err(|e| Error::Corrupt(format!("meeting_ballot {id}: {e}")))
}
