//! Re-deriving the stored marks from the signed bundles the review keeps. The marks the
//! results are computed from live in `expert_marks`, where anyone with the file and a
//! SQLite tool could change them; the bundles they came from are kept byte for byte, and
//! only the experts' keys could have signed those. So every current mark must be exactly
//! what its bundle says, every kept bundle must still verify and hash to its name, and its
//! key must have been registered for its expert. Results are then re-derivable: they are
//! computed from the marks by the stored rules on every call.
//!
//! The same holds for the panel's 会评 ballots (`ballots`): a count its chair confirmed
//! must be exactly what the chair's signed tally, kept byte for byte, says; a count from
//! the experts' laptop votes exactly what the signed votes kept say; and the decisions
//! naming the ballot what that count decides. A ballot counted as typed has nothing
//! signed behind it; it is listed as such and compared with its audit entry.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::ballot_vote::{self, KeptVote};
use super::decisions::Outcome;
use super::meeting::{self, BallotChair, Confirmation, Counted, CountedVote, MeetingBallot};
use crate::bundle;
use crate::error::{Error, Result};
use crate::keys::ClerkKeys;
pub use crate::paper::Difference;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rederivation {
    /// Bundles kept in the review and checked.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bundles: u64,
    /// Experts' current marks re-derived from their bundles.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub marks: u64,
    /// Recorded paper sheets (代录) re-derived from their two keyed entries and the audit
    /// log: not signed by the expert, so listed apart (`paper`). Their differences are
    /// `paper_marks_differ`, `paper_not_as_audited`, `paper_sheet_mismatch` and
    /// `paper_marks_invalid`.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub paper_marks: u64,
    pub differences: Vec<Difference>,
}

struct Kept {
    hash: String,
    package_hash: String,
    expert_id: i64,
    sequence: i64,
    bytes: Option<Vec<u8>>,
}

fn kept(conn: &Connection) -> Result<Vec<Kept>> {
    let mut stmt = conn.prepare(
        "SELECT bundle_hash, package_hash, expert_id, sequence, bytes FROM received_bundle ORDER BY rowid",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Kept {
            hash: r.get(0)?,
            package_hash: r.get(1)?,
            expert_id: r.get(2)?,
            sequence: r.get(3)?,
            bytes: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Re-derives every current mark of the review from its kept bundles, decrypting them with
/// `clerk`, and lists each difference.
pub fn rederive(conn: &Connection, clerk: &ClerkKeys) -> Result<Rederivation> {
    let mut out = Rederivation {
        bundles: 0,
        marks: 0,
        paper_marks: 0,
        differences: Vec::new(),
    };
    let differ = |expert_id, package_hash: &str, kind: &str, detail: String| Difference {
        expert_id,
        package_hash: package_hash.to_string(),
        kind: kind.to_string(),
        detail,
    };
    // The bundle each expert's marks came from is the last one accepted for them.
    let mut current: BTreeMap<(String, i64), (String, i64, Option<serde_json::Value>)> =
        BTreeMap::new();
    for k in kept(conn)? {
        out.bundles += 1;
        let name = Path::new(&k.hash);
        let Some(bytes) = k.bytes else {
            out.differences.push(differ(
                k.expert_id,
                &k.package_hash,
                "bundle_not_kept",
                format!("bundle {} was received before bundles were kept", k.hash),
            ));
            current.insert((k.package_hash, k.expert_id), (k.hash, k.sequence, None));
            continue;
        };
        let opened = bundle::open_bytes(name, &bytes).and_then(|b| {
            let payload = bundle::decrypt(name, &b, clerk)?;
            Ok((b, payload))
        });
        let (verified, payload) = match opened {
            Ok(v) => v,
            Err(e) => {
                // Another laptop's clerk key cannot open the scores: that says nothing
                // about the file, so it is not called an alteration.
                let kind = if e.code() == "sealed_to_other" {
                    "not_this_clerk"
                } else {
                    "bundle_altered"
                };
                out.differences.push(differ(
                    k.expert_id,
                    &k.package_hash,
                    kind,
                    format!("bundle {}: {}", k.hash, e.message_en()),
                ));
                current.insert((k.package_hash, k.expert_id), (k.hash, k.sequence, None));
                continue;
            }
        };
        let h = &verified.header;
        if verified.hash != k.hash
            || h.package_hash != k.package_hash
            || h.expert.id != k.expert_id
            || h.sequence as i64 != k.sequence
        {
            out.differences.push(differ(
                k.expert_id,
                &k.package_hash,
                "bundle_altered",
                format!(
                    "bundle {} does not say what its row says (it hashes to {})",
                    k.hash, verified.hash
                ),
            ));
        }
        let registered: bool = conn.query_row(
            "SELECT count(*) > 0 FROM expert_registration WHERE expert_id = ?1 AND fingerprint = ?2",
            rusqlite::params![k.expert_id, verified.expert_fingerprint],
            |r| r.get(0),
        )?;
        if !registered {
            out.differences.push(differ(
                k.expert_id,
                &k.package_hash,
                "key_never_registered",
                format!(
                    "bundle {} is signed by {}, never registered for this expert",
                    k.hash, verified.expert_fingerprint
                ),
            ));
        }
        let items =
            serde_json::to_value(&payload.items).map_err(|e| Error::Corrupt(e.to_string()))?;
        current.insert(
            (k.package_hash, k.expert_id),
            (k.hash, k.sequence, Some(items)),
        );
    }
    let mut stmt = conn.prepare(
        "SELECT package_hash, expert_id, sequence, items_json FROM expert_marks ORDER BY package_hash, expert_id",
    )?;
    let marks = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (package_hash, expert_id, sequence, items_json) in marks {
        out.marks += 1;
        let Some((hash, bundle_sequence, items)) =
            current.remove(&(package_hash.clone(), expert_id))
        else {
            out.differences.push(differ(
                expert_id,
                &package_hash,
                "marks_without_bundle",
                "stored marks that no kept bundle carries".into(),
            ));
            continue;
        };
        let Some(items) = items else {
            continue;
        };
        let stored: serde_json::Value =
            serde_json::from_str(&items_json).unwrap_or(serde_json::Value::Null);
        if stored != items || sequence != bundle_sequence {
            out.differences.push(differ(
                expert_id,
                &package_hash,
                "marks_differ",
                format!(
                    "the stored marks are not what bundle {hash} (sequence {bundle_sequence}) says"
                ),
            ));
        }
    }
    let (paper_marks, paper_differences) = crate::paper::rederive(conn)?;
    out.paper_marks = paper_marks;
    out.differences.extend(paper_differences);
    Ok(out)
}

// ---- 会评 ballots: counts re-derived from the chairs' signed tallies ---------------------

/// How a counted ballot was counted, and so what checking it again can prove.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CountedFrom {
    /// From its chair's signed tally: re-derived from the signed file the review keeps.
    ChairSigned,
    /// As the clerk typed it, the ballot having no chair: nothing signed to re-derive it
    /// from, so it is compared with its audit entry only.
    Typed,
    /// From the experts' votes signed on their own laptops: re-derived from the signed
    /// votes the review keeps.
    LaptopVotes,
}

/// What a kept signed tally proves about its ballot once every check holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChairProof {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub chair_id: i64,
    pub chair_name: String,
    pub fingerprint: String,
    /// When the chair's laptop signed, by its clock; `None` for a file signed without a
    /// signing statement.
    pub signed_at: Option<String>,
    /// SHA-256 of the signed `tally.json`.
    pub tally_sha256: String,
}

/// One counted ballot checked again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BallotCheck {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ballot: i64,
    pub category_key: String,
    pub counted_from: CountedFrom,
    /// Set for a chair-signed ballot without differences.
    pub proved: Option<ChairProof>,
    /// Set for a ballot counted from laptop votes without differences: the signed votes
    /// it was re-derived from (who, which key, which `vote.json`), by expert id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub votes: Option<Vec<CountedVote>>,
}

/// One way a ballot's stored count and its evidence disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BallotDifference {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ballot: i64,
    /// `tally_not_kept`, `tally_signature`, `tally_not_this_ballot`, `tally_changed`,
    /// `tally_not_as_audited`, `ballot_decisions_differ` (docs/formats.md, "Tally file");
    /// `vote_signature`, `vote_not_this_ballot`, `votes_not_as_counted`,
    /// `votes_recount_differs` for a ballot counted from votes ("Ballot paper and vote").
    pub kind: String,
    pub detail_zh: String,
    pub detail_en: String,
}

/// The review's counted ballots checked again, and each difference found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BallotRederivation {
    pub ballots: Vec<BallotCheck>,
    pub differences: Vec<BallotDifference>,
}

/// What, besides a ballot's own row, says how it was counted: the review's id and
/// roster, the keys ever registered, the audit log's entries on ballots, and the
/// decisions that name a ballot.
struct Evidence {
    review_id: String,
    experts: u32,
    /// (expert, fingerprint) of every registration, revoked or not: a key revoked after
    /// the count does not undo what it signed.
    registered: Vec<(i64, String)>,
    /// Ballot → the chair its `meeting.ballot_opened` entry names (`None`: none).
    opened: BTreeMap<i64, Option<i64>>,
    /// Ballots whose `meeting.ballot_opened` entry says they were opened for laptops.
    opened_for_laptops: std::collections::BTreeSet<i64>,
    /// Ballot → the detail of its `meeting.counted` entry.
    counted: BTreeMap<i64, serde_json::Value>,
    /// Ballot → (nomination, `in`/`out`) of the decisions naming it, sorted.
    decisions: BTreeMap<i64, Vec<(i64, String)>>,
}

impl Evidence {
    fn read(conn: &Connection) -> Result<Evidence> {
        let mut opened = BTreeMap::new();
        let mut opened_for_laptops = std::collections::BTreeSet::new();
        let mut counted = BTreeMap::new();
        for e in crate::audit::entries(conn)? {
            let opening = match e.action.as_str() {
                "meeting.ballot_opened" => true,
                "meeting.counted" => false,
                _ => continue,
            };
            let detail: serde_json::Value =
                serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null);
            let Some(ballot) = detail["ballot"].as_i64() else {
                continue;
            };
            if opening {
                opened.insert(ballot, detail["chair"].as_i64());
                if detail["voting"] == "laptops" {
                    opened_for_laptops.insert(ballot);
                } else {
                    opened_for_laptops.remove(&ballot);
                }
            } else {
                counted.insert(ballot, detail);
            }
        }
        let mut decisions: BTreeMap<i64, Vec<(i64, String)>> = BTreeMap::new();
        let rows = conn
            .prepare(
                "SELECT ballot_id, nomination_id, outcome FROM result_decision
                 WHERE ballot_id IS NOT NULL ORDER BY id",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<(i64, i64, String)>>>()?;
        for (ballot, nomination, outcome) in rows {
            decisions
                .entry(ballot)
                .or_default()
                .push((nomination, outcome));
        }
        decisions.values_mut().for_each(|d| d.sort());
        Ok(Evidence {
            review_id: crate::store::review_rows::read_review(conn)?.id,
            experts: crate::store::experts::count(conn)?,
            registered: crate::registration::list(conn)?
                .into_iter()
                .map(|r| (r.expert_id, r.fingerprint))
                .collect(),
            opened,
            opened_for_laptops,
            counted,
            decisions,
        })
    }
}

/// A `meeting_ballot` row as stored, its count left unparsed: a count someone garbled is
/// a difference to name, not a reason to stop checking.
struct BallotRow {
    stored: MeetingBallot,
    counted_json: Option<String>,
    tally_sha256: Option<String>,
    signed_tally: Option<Vec<u8>>,
    /// `voting`, `voters_json` and `paper_sha256` as stored, and the votes kept: a ballot
    /// voted on the experts' laptops.
    voting: String,
    voters_json: Option<String>,
    paper_sha256: Option<String>,
    votes: Vec<KeptVote>,
}

fn ballot_row(conn: &Connection, id: i64) -> Result<Option<BallotRow>> {
    let row = conn
        .query_row(
            "SELECT category_key, kind_json, places, threshold, entries_json, chair_expert_id,
                    counted_json, tally_sha256, signed_tally, voting, voters_json, paper_sha256
             FROM meeting_ballot WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, Option<Vec<u8>>>(8)?,
                    (
                        r.get::<_, String>(9)?,
                        r.get::<_, Option<String>>(10)?,
                        r.get::<_, Option<String>>(11)?,
                    ),
                ))
            },
        )
        .optional()?;
    let Some((category_key, kind, places, threshold, entries, chair, counted, sha, signed, voting)) =
        row
    else {
        return Ok(None);
    };
    let (voting, voters_json, paper_sha256) = voting;
    Ok(Some(BallotRow {
        stored: MeetingBallot {
            id,
            category_zh: String::new(),
            kind: stored(id, "kind_json", &kind)?,
            places,
            threshold: stored(id, "threshold", &threshold)?,
            entries: stored(id, "entries_json", &entries)?,
            opened_at: String::new(),
            opened_by: String::new(),
            counted: None,
            chair: chair.map(|id| BallotChair {
                id,
                name: String::new(),
            }),
            laptops: None,
            category_key,
        },
        counted_json: counted,
        tally_sha256: sha,
        signed_tally: signed,
        voting,
        voters_json,
        paper_sha256,
        votes: ballot_vote::kept(conn, id)?,
    }))
}

/// A ballot's terms as stored: the results cannot be computed from a review whose terms
/// do not read, so neither can they be checked.
fn stored<T: serde::de::DeserializeOwned>(id: i64, what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| Error::Corrupt(format!("meeting_ballot {id} {what}: {e}")))
}

/// Checks every ballot the review holds, or its audit log or a decision names, again:
/// each counted one from the chair's kept signed tally, or against its audit entry when
/// it was counted as typed; the decisions naming it against its outcome.
pub fn ballots(conn: &Connection) -> Result<BallotRederivation> {
    let evidence = Evidence::read(conn)?;
    let mut ids: std::collections::BTreeSet<i64> = conn
        .prepare("SELECT id FROM meeting_ballot")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.extend(evidence.opened.keys());
    ids.extend(evidence.counted.keys());
    ids.extend(evidence.decisions.keys());
    let mut out = BallotRederivation::default();
    for id in ids {
        check_ballot(conn, &evidence, id, &mut out)?;
    }
    Ok(out)
}

/// `ballots` for ballot `id` alone: what the 计票单 prints its confirmation from.
pub fn ballot(conn: &Connection, id: i64) -> Result<BallotRederivation> {
    let mut out = BallotRederivation::default();
    check_ballot(conn, &Evidence::read(conn)?, id, &mut out)?;
    Ok(out)
}

/// A difference found in checking a ballot: its kind and what it is, in both languages.
type Found = (&'static str, String, String);

fn check_ballot(
    conn: &Connection,
    evidence: &Evidence,
    id: i64,
    out: &mut BallotRederivation,
) -> Result<()> {
    let mut found: Vec<Found> = Vec::new();
    let audited = evidence.counted.get(&id);
    let decided = evidence.decisions.get(&id);
    let Some(row) = ballot_row(conn, id)? else {
        if evidence.opened.contains_key(&id) || audited.is_some() {
            found.push((
                "tally_not_as_audited",
                format!("审计日志记录了会评表决 {id}，评审文件中却没有这次表决"),
                format!("the audit log records meeting ballot {id}; the review file holds no such ballot"),
            ));
        }
        if decided.is_some() {
            found.push(decisions_without_count(id));
        }
        push(out, id, found);
        return Ok(());
    };
    let Some(counted_json) = &row.counted_json else {
        if audited.is_some() {
            found.push((
                "tally_not_as_audited",
                format!("审计日志记录会评表决 {id} 已计票，评审文件中却是未计票"),
                format!("the audit log records meeting ballot {id} counted; the review file holds it uncounted"),
            ));
        }
        if decided.is_some() {
            found.push(decisions_without_count(id));
        }
        push(out, id, found);
        return Ok(());
    };
    let counted: Option<Counted> = serde_json::from_str(counted_json).ok();
    let counted_value: serde_json::Value =
        serde_json::from_str(counted_json).unwrap_or(serde_json::Value::Null);
    // Any trace of laptop voting makes the ballot one only the experts' signed votes could
    // count, whatever else the row says.
    let from_votes = row.voting == "laptops"
        || row.voters_json.is_some()
        || row.paper_sha256.is_some()
        || !row.votes.is_empty()
        || !counted_value["votes"].is_null()
        || evidence.opened_for_laptops.contains(&id)
        || audited.is_some_and(|a| !a["votes"].is_null());
    // Any trace of a chair makes the ballot one only a signed tally could count: removing
    // the chair from one place leaves the others, the audit log's among them.
    let chaired = row.stored.chair.is_some()
        || evidence.opened.get(&id).copied().flatten().is_some()
        || row.signed_tally.is_some()
        || counted.as_ref().is_some_and(|c| c.confirmed.is_some())
        || audited.is_some_and(|a| !a["confirmed_by"].is_null());
    let mut proved = None;
    let mut votes = None;
    if from_votes {
        match laptop_votes(evidence, id, &row, counted.as_ref(), audited) {
            Ok(v) => votes = Some(v),
            Err(f) => found.push(f),
        }
    } else if chaired {
        match chair_signed(evidence, id, &row, counted.as_ref()) {
            Ok(proof) => proved = Some(proof),
            Err(f) => found.push(f),
        }
    } else if let Some(f) = as_audited(id, counted.as_ref(), audited) {
        found.push(f);
    }
    if let Some(c) = &counted {
        let mut expected: Vec<(i64, String)> = c
            .outcome
            .entries
            .iter()
            .filter_map(|e| {
                e.result.map(|r| {
                    let word = match r {
                        Outcome::In => "in",
                        Outcome::Out => "out",
                    };
                    (e.nomination_id, word.to_string())
                })
            })
            .collect();
        expected.sort();
        if decided.map_or(&[][..], |d| d.as_slice()) != expected.as_slice() {
            found.push((
                "ballot_decisions_differ",
                format!("依据会评表决 {id} 作出的结果决定与该表决存储的结果不一致"),
                format!("the decisions naming meeting ballot {id} are not what its stored outcome decides"),
            ));
        }
    }
    out.ballots.push(BallotCheck {
        ballot: id,
        category_key: row.stored.category_key.clone(),
        counted_from: if from_votes {
            CountedFrom::LaptopVotes
        } else if chaired {
            CountedFrom::ChairSigned
        } else {
            CountedFrom::Typed
        },
        proved: proved.filter(|_| found.is_empty()),
        votes: votes.filter(|_| found.is_empty()),
    });
    push(out, id, found);
    Ok(())
}

fn push(out: &mut BallotRederivation, ballot: i64, found: Vec<Found>) {
    out.differences
        .extend(found.into_iter().map(|(kind, zh, en)| BallotDifference {
            ballot,
            kind: kind.into(),
            detail_zh: zh,
            detail_en: en,
        }));
}

fn decisions_without_count(id: i64) -> Found {
    (
        "ballot_decisions_differ",
        format!("有结果决定依据会评表决 {id}，该表决却没有存储的计票结果"),
        format!("decisions name meeting ballot {id}, which holds no count"),
    )
}

/// A ballot counted as typed: its stored tally and outcome are those its audit entry
/// recorded when it was counted.
fn as_audited(
    id: i64,
    counted: Option<&Counted>,
    audited: Option<&serde_json::Value>,
) -> Option<Found> {
    let same = match (counted, audited) {
        (Some(c), Some(a)) => {
            serde_json::to_value(&c.tally).ok().as_ref() == Some(&a["tally"])
                && serde_json::to_value(&c.outcome).ok().as_ref() == Some(&a["outcome"])
        }
        _ => false,
    };
    (!same).then(|| {
        (
            "tally_not_as_audited",
            format!("会评表决 {id} 存储的计票结果与审计日志记录的计票不一致"),
            format!("meeting ballot {id}'s stored count is not the count its audit entry records"),
        )
    })
}

/// A ballot its chair confirmed, re-derived from the signed tally kept in the review, in
/// the order docs/formats.md gives; the first check that fails is the difference.
fn chair_signed(
    evidence: &Evidence,
    id: i64,
    row: &BallotRow,
    counted: Option<&Counted>,
) -> std::result::Result<ChairProof, Found> {
    let Some(bytes) = &row.signed_tally else {
        return Err((
            "tally_not_kept",
            format!("会评表决 {id} 须由组长签名确认，评审文件中却没有保存组长签名的计票文件"),
            format!("meeting ballot {id} counts only from its chair's signed tally, and the review keeps none"),
        ));
    };
    let name = std::path::PathBuf::from(format!("meeting_ballot {id}"));
    let signed = super::tally_file::open_signed_bytes(&name, bytes.clone()).map_err(|e| {
        (
            "tally_signature",
            format!("保存的计票文件不能通过签名核验：{}", e.message_zh()),
            format!("the kept tally file does not verify: {}", e.message_en()),
        )
    })?;
    let c = &signed.content;
    let opened = evidence.opened.get(&id).copied().flatten();
    let chair = row.stored.chair.as_ref().map(|ch| ch.id);
    if chair != Some(c.chair.id) || opened != Some(c.chair.id) {
        return Err((
            "tally_signature",
            format!(
                "保存的计票文件署名的组长“{}”（专家 {}）不是会评表决 {id} 开启时指定的组长",
                c.chair.name, c.chair.id
            ),
            format!(
                "the kept tally names {} (expert {}) as chair, not the chair meeting ballot {id} was opened with",
                c.chair.name, c.chair.id
            ),
        ));
    }
    let registered = evidence
        .registered
        .iter()
        .any(|(e, f)| *e == c.chair.id && *f == signed.fingerprint);
    if !registered {
        return Err((
            "tally_signature",
            format!(
                "保存的计票文件由密钥 {} 签名，该密钥从未在本评审中登记给组长“{}”",
                signed.fingerprint, c.chair.name
            ),
            format!(
                "the kept tally is signed by key {}, never registered for the chair, {}, in this review",
                signed.fingerprint, c.chair.name
            ),
        ));
    }
    let not_this = |what: &str| {
        (
            "tally_not_this_ballot",
            format!("保存的计票文件不是本评审会评表决 {id} 的（{what}）"),
            format!("the kept tally is not for meeting ballot {id} of this review ({what})"),
        )
    };
    if c.review.id != evidence.review_id {
        return Err(not_this("review.id"));
    }
    if c.ballot.id != id {
        return Err(not_this("ballot.id"));
    }
    if let Some(what) = super::tally_file::differs(&c.ballot, &row.stored) {
        return Err(not_this(what));
    }
    let changed = |what: &str| {
        (
            "tally_changed",
            format!("会评表决 {id} 存储的计票结果不是组长签名的计票文件所记（{what}）"),
            format!("meeting ballot {id}'s stored count is not what its chair signed ({what})"),
        )
    };
    // Counts the chair could sign but no clerk could have counted: checked before they are
    // decided on, which assumes counts that can be.
    let ballot = super::tally_file::as_ballot(&c.ballot);
    if meeting::check(&ballot, &c.tally, evidence.experts, 0).is_err() {
        return Err(changed("tally"));
    }
    let Some(counted) = counted else {
        return Err(changed("counted_json"));
    };
    if counted.tally != c.tally {
        return Err(changed("tally"));
    }
    if counted.outcome != meeting::decide(&ballot, &c.tally) {
        return Err(changed("outcome"));
    }
    let proof = ChairProof {
        chair_id: c.chair.id,
        chair_name: c.chair.name.clone(),
        fingerprint: signed.fingerprint.clone(),
        signed_at: signed.signed_at.clone(),
        tally_sha256: signed.sha256.clone(),
    };
    let confirmation = Confirmation {
        chair_id: proof.chair_id,
        chair_name: proof.chair_name.clone(),
        fingerprint: proof.fingerprint.clone(),
        tally_sha256: proof.tally_sha256.clone(),
    };
    if counted.confirmed.as_ref() != Some(&confirmation) {
        return Err(changed("confirmed"));
    }
    if row.tally_sha256.as_deref() != Some(signed.sha256.as_str()) {
        return Err(changed("tally_sha256"));
    }
    let Some(audited) = evidence.counted.get(&id) else {
        return Err((
            "tally_not_as_audited",
            format!("审计日志中没有会评表决 {id} 的计票记录"),
            format!("the audit log records no count of meeting ballot {id}"),
        ));
    };
    match audited["confirmed_by"]["file_sha256"].as_str() {
        // Counted before the audit entry named the file: nothing more to compare.
        None => Ok(proof),
        Some(f) if f == signed.file_sha256 => Ok(proof),
        Some(_) => Err((
            "tally_not_as_audited",
            format!("保存的计票文件不是会评表决 {id} 计票时审计日志记录的那一份"),
            format!("the kept tally file is not the one the audit log recorded when meeting ballot {id} was counted"),
        )),
    }
}

/// A ballot counted from the experts' laptop votes, re-derived from the signed votes the
/// review keeps, in the order docs/formats.md gives ("What `audit verify` checks for a
/// ballot counted from votes"); the first check that fails is the difference. Answers
/// the votes it was counted from.
fn laptop_votes(
    evidence: &Evidence,
    id: i64,
    row: &BallotRow,
    counted: Option<&Counted>,
    audited: Option<&serde_json::Value>,
) -> std::result::Result<Vec<CountedVote>, Found> {
    let terms = super::tally_file::terms_of(&row.stored);
    let mut kept = Vec::with_capacity(row.votes.len());
    for k in &row.votes {
        let name = std::path::PathBuf::from(format!("meeting_vote {id}/{}", k.expert_id));
        let expert = k.expert_id;
        let vote = ballot_vote::open_bytes(&name, &k.file).map_err(|e| {
            (
                "vote_signature",
                format!(
                    "会评表决 {id} 保存的专家 {expert} 的选票不能通过签名核验：{}",
                    e.message_zh()
                ),
                format!(
                    "meeting ballot {id}: the vote kept for expert {expert} does not verify: {}",
                    e.message_en()
                ),
            )
        })?;
        let c = &vote.content;
        let registered = evidence
            .registered
            .iter()
            .any(|(e, f)| *e == expert && *f == vote.fingerprint);
        if c.expert.id != expert || !registered {
            return Err((
                "vote_signature",
                format!(
                    "会评表决 {id} 保存的专家 {expert} 的选票署名专家 {}，由密钥 {} 签名，该密钥从未在本评审中登记给专家 {expert}",
                    c.expert.id, vote.fingerprint
                ),
                format!(
                    "meeting ballot {id}: the vote kept for expert {expert} names expert {} and is signed by key {}, never registered for expert {expert} in this review",
                    c.expert.id, vote.fingerprint
                ),
            ));
        }
        let not_this = |what: String| {
            (
                "vote_not_this_ballot",
                format!("会评表决 {id} 保存的专家 {expert} 的选票不是本评审本次表决的选票（{what}）"),
                format!("meeting ballot {id}: the vote kept for expert {expert} is not a vote on this ballot of this review ({what})"),
            )
        };
        if c.review_id != evidence.review_id {
            return Err(not_this("review_id".into()));
        }
        if c.ballot_id != id {
            return Err(not_this("ballot_id".into()));
        }
        if row.paper_sha256.as_deref() != Some(c.paper_sha256.as_str()) {
            return Err(not_this("paper_sha256".into()));
        }
        if let Err(r) = ballot_vote::check_marks(&terms, &c.marks) {
            return Err(not_this(r.to_string()));
        }
        kept.push(vote);
    }
    let not_as_counted = |what: &str| {
        (
            "votes_not_as_counted",
            format!("会评表决 {id} 保存的选票不是计票时所依据的选票（{what}）"),
            format!("meeting ballot {id}: the votes kept are not the votes it was counted from ({what})"),
        )
    };
    let Some(counted) = counted else {
        return Err(not_as_counted("counted_json"));
    };
    let listed = counted.votes.clone().unwrap_or_default();
    let mut named: Vec<(i64, &str)> = listed
        .iter()
        .map(|v| (v.expert_id, v.vote_sha256.as_str()))
        .collect();
    named.sort();
    let mut held: Vec<(i64, &str)> = row
        .votes
        .iter()
        .zip(&kept)
        .map(|(k, v)| (k.expert_id, v.sha256.as_str()))
        .collect();
    held.sort();
    if named != held {
        return Err(not_as_counted("counted_json.votes"));
    }
    let contents: Vec<_> = kept.iter().map(|v| v.content.clone()).collect();
    let recount = ballot_vote::tally_of(&terms, &contents, "", "");
    let differs = |what: &str| {
        (
            "votes_recount_differs",
            format!("会评表决 {id} 存储的计票结果不是保存的选票重新计票的结果（{what}）"),
            format!("meeting ballot {id}'s stored count is not what recounting its kept votes gives ({what})"),
        )
    };
    if counted.tally.present != recount.present || counted.tally.counts != recount.counts {
        return Err(differs("tally"));
    }
    if counted.outcome != meeting::decide(&row.stored, &recount) {
        return Err(differs("outcome"));
    }
    // The set of votes is signed by no one: the audit log's count entry, in its chain, is
    // what says which votes were counted.
    let as_audited =
        audited.is_some_and(|a| serde_json::to_value(&listed).ok().as_ref() == Some(&a["votes"]));
    if !as_audited {
        return Err((
            "tally_not_as_audited",
            format!("会评表决 {id} 存储的计票所依据的选票与审计日志记录的计票不一致"),
            format!("the votes meeting ballot {id}'s stored count stands on are not those its audit entry records"),
        ));
    }
    Ok(listed)
}
