//! The vote (`*.pdvote`): one expert's marks on a ballot paper (`super::ballot_paper`),
//! cast on their own laptop and signed with the key the clerk registered for them. The
//! clerk receives each vote (`receive`: this review, this ballot, this paper, a voter of
//! it, their registered key, one mark for each nomination, once) and keeps its bytes; the
//! ballot is counted only from the votes kept (`count`), and the count names each vote
//! (who, which key, which `vote.json`), never how anyone voted. Layout and checks, in the
//! order a second implementation must follow: docs/formats.md, "Ballot paper and vote".

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::ballot_paper::{self, SignedPaper};
use super::meeting::{
    self, BallotChair, BallotKind, Count, CountedVote, Evidence, MeetingBallot, MeetingOutcome,
    Tally,
};
use super::signed_json;
use super::tally_file::{self, TallyBallot};
use crate::container::{refuse, EntryRule};
use crate::error::{Error, Result};
use crate::keys;
use crate::refusal::{Refusal, VoteProblem};
use crate::store;

pub const FORMAT: &str = "paneldesk.meeting-vote";
pub const VERSION: u32 = 1;
pub const EXTENSION: &str = "pdvote";

/// One expert's mark on one nomination: 同意 / 不同意 / 弃权 on a vote, 选 / 不选 on a
/// 差额 choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
// TypeScript names every type in one space, where a certificate's `Mark` already is.
#[cfg_attr(feature = "ts", ts(rename = "BallotMark"))]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Agree,
    Disagree,
    Abstain,
    Chosen,
    NotChosen,
}

impl Mark {
    fn word(self) -> &'static str {
        match self {
            Mark::Agree => "agree",
            Mark::Disagree => "disagree",
            Mark::Abstain => "abstain",
            Mark::Chosen => "chosen",
            Mark::NotChosen => "not_chosen",
        }
    }

    /// Whether the mark is a word of a ballot of `kind`.
    fn fits(self, kind: BallotKind) -> bool {
        match kind {
            BallotKind::Vote => matches!(self, Mark::Agree | Mark::Disagree | Mark::Abstain),
            BallotKind::Choose { .. } => matches!(self, Mark::Chosen | Mark::NotChosen),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VoteMark {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nomination_id: i64,
    pub mark: Mark,
}

/// `vote.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VoteFile {
    pub format: String,
    pub version: u32,
    pub review_id: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ballot_id: i64,
    /// SHA-256 of the ballot paper's `ballot.json` the vote was cast on.
    pub paper_sha256: String,
    pub expert: BallotChair,
    pub marks: Vec<VoteMark>,
    /// The voter's laptop clock, RFC 3339 UTC: printed as cast, not checked.
    pub cast_at: String,
}

/// A vote whose container, signature, layout and content are right.
#[derive(Debug, Clone)]
pub struct SignedVote {
    pub content: VoteFile,
    /// SHA-256 of `vote.json`, hex.
    pub sha256: String,
    pub fingerprint: String,
    pub key_hex: String,
}

/// What the clerk's laptop answers for one vote presented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VoteReceived {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ballot: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub expert_id: i64,
    pub expert_name: String,
    pub fingerprint: String,
    /// The same vote was received before: nothing changed.
    pub already_had: bool,
    /// Votes received for the ballot, this one included.
    pub received: u32,
    pub voters: u32,
}

fn rules() -> [EntryRule; 2] {
    signed_json::rules(
        ("vote.json", |n| n == "vote.json"),
        ("vote.sig", |n| n == "vote.sig"),
    )
}

/// Reads and verifies a vote on its own: container, signature, canonical layout, format
/// and fields. Whose key signed it is for `receive` to judge.
pub fn open(file: &Path) -> Result<SignedVote> {
    open_bytes(file, &signed_json::read_bounded(file)?)
}

/// `open` for a vote's bytes, named `name` in messages: how a kept vote is read again.
pub fn open_bytes(name: &Path, bytes: &[u8]) -> Result<SignedVote> {
    let once = signed_json::open_once::<VoteFile>(name, bytes, &rules(), FORMAT, VERSION)?;
    Ok(SignedVote {
        sha256: keys::sha256_hex(&once.json),
        fingerprint: keys::fingerprint(&once.key),
        key_hex: once.key_hex,
        content: once.content,
    })
}

/// Steps 7–8 of receiving a vote, which the voter's laptop applies before signing too:
/// one mark for each nomination of `ballot`, in its order, each a word of its kind; for a
/// choice, no more chosen than `at_most`.
pub fn check_marks(ballot: &TallyBallot, marks: &[VoteMark]) -> std::result::Result<(), Refusal> {
    let invalid = |problem| Err(Refusal::InvalidVote { problem });
    let on_ballot = |id| ballot.entries.iter().any(|e| e.nomination_id == id);
    for position in 0..ballot.entries.len().max(marks.len()) {
        let (entry, mark) = (ballot.entries.get(position), marks.get(position));
        let position = position + 1;
        match (entry, mark) {
            (Some(e), None) => {
                return invalid(VoteProblem::Missing {
                    position,
                    nomination_id: e.nomination_id,
                })
            }
            (None, Some(m)) => {
                return invalid(VoteProblem::Extra {
                    position,
                    nomination_id: m.nomination_id,
                })
            }
            (Some(e), Some(m)) if e.nomination_id != m.nomination_id => {
                return invalid(if on_ballot(m.nomination_id) {
                    VoteProblem::OutOfOrder {
                        position,
                        found: m.nomination_id,
                        expected: e.nomination_id,
                    }
                } else {
                    VoteProblem::NotOnBallot {
                        position,
                        nomination_id: m.nomination_id,
                    }
                })
            }
            (Some(_), Some(m)) if !m.mark.fits(ballot.kind) => {
                return invalid(VoteProblem::WrongWord {
                    position,
                    nomination_id: m.nomination_id,
                    mark: m.mark.word().into(),
                    allowed: words(ballot.kind).into(),
                })
            }
            _ => {}
        }
    }
    if let BallotKind::Choose { at_most } = ballot.kind {
        let at_most = at_most.unwrap_or(ballot.places);
        let chosen = marks.iter().filter(|m| m.mark == Mark::Chosen).count() as u64;
        if chosen > u64::from(at_most) {
            return Err(Refusal::TooManyChosen { chosen, at_most });
        }
    }
    Ok(())
}

fn words(kind: BallotKind) -> &'static str {
    match kind {
        BallotKind::Vote => "agree, disagree, abstain",
        BallotKind::Choose { .. } => "chosen, not_chosen",
    }
}

/// The voter's laptop: signs `marks` on `paper` (read from `paper_file`) as `expert` with
/// `key`, at `cast_at` by its clock, writing `vote-ballot-{id}-expert-{eid}.pdvote` into
/// `out_dir`; marks the clerk would refuse are refused first. Answers the file written.
pub fn sign(
    paper_file: &Path,
    paper: &SignedPaper,
    expert: &BallotChair,
    marks: &[VoteMark],
    key: &SigningKey,
    cast_at: &str,
    out_dir: &Path,
) -> Result<PathBuf> {
    check_marks(&paper.content.ballot, marks).map_err(|r| refuse(paper_file, r))?;
    let ballot_id = paper.content.ballot.id;
    let vote = VoteFile {
        format: FORMAT.into(),
        version: VERSION,
        review_id: paper.content.review.id.clone(),
        ballot_id,
        paper_sha256: paper.sha256.clone(),
        expert: expert.clone(),
        marks: marks.to_vec(),
        cast_at: cast_at.into(),
    };
    let json = serde_json::to_vec_pretty(&vote).map_err(|e| Error::Corrupt(e.to_string()))?;
    let file = out_dir.join(format!(
        "vote-ballot-{ballot_id}-expert-{}.{EXTENSION}",
        expert.id
    ));
    signed_json::write_once(&file, ("vote.json", "vote.sig"), &json, key)?;
    Ok(file)
}

/// Receives the vote `file` for ballot `ballot_id`, a ballot opened for the experts'
/// laptops, refusing it unless (in this order, docs/formats.md "To receive a vote"): it
/// verifies; it is for this review and this ballot; the ballot is not counted; it was
/// cast on the paper the clerk wrote for it; its expert is a voter of the ballot; the key
/// registered and in force for them signed it; its marks answer the ballot; the expert
/// has not voted otherwise. The same vote again is answered `already_had`.
pub fn receive(
    review_path: &Path,
    ballot_id: i64,
    file: &Path,
    at: &str,
    actor: &str,
) -> Result<VoteReceived> {
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    let ballot = meeting::read(&tx, ballot_id)?;
    let laptops = ballot_paper::laptop_voters(&ballot)?;
    // Read once: the bytes judged are the bytes kept.
    let bytes = signed_json::read_bounded(file)?;
    let vote = open_bytes(file, &bytes)?;
    let voter = judge(&tx, &ballot, file, &vote)?;
    let kept: Option<String> = tx
        .query_row(
            "SELECT vote_sha256 FROM meeting_vote WHERE ballot_id = ?1 AND expert_id = ?2",
            params![ballot_id, voter.id],
            |r| r.get(0),
        )
        .optional()?;
    let already_had = match kept {
        Some(sha) if sha == vote.sha256 => true,
        Some(_) => {
            return Err(refuse(
                file,
                Refusal::AlreadyVoted {
                    ballot: ballot_id,
                    expert: voter.name.clone(),
                },
            ))
        }
        None => {
            keep(&tx, ballot_id, &voter, &vote, &bytes, at, actor)?;
            false
        }
    };
    let received: u32 = tx.query_row(
        "SELECT COUNT(*) FROM meeting_vote WHERE ballot_id = ?1",
        [ballot_id],
        |r| r.get(0),
    )?;
    tx.commit()?;
    Ok(VoteReceived {
        ballot: ballot_id,
        expert_id: voter.id,
        expert_name: voter.name,
        fingerprint: vote.fingerprint,
        already_had,
        received,
        voters: laptops.voters.len() as u32,
    })
}

/// Steps 1–8 of receiving a vote: answers the voter it is from.
fn judge(
    conn: &Connection,
    ballot: &MeetingBallot,
    file: &Path,
    vote: &SignedVote,
) -> Result<BallotChair> {
    let refused = |r| refuse(file, r);
    let content = &vote.content;
    let review = store::review_rows::read_review(conn)?;
    if content.review_id != review.id {
        return Err(refused(Refusal::OtherReview {
            found: content.review_id.clone(),
        }));
    }
    if content.ballot_id != ballot.id {
        return Err(refused(Refusal::OtherBallot {
            found: content.ballot_id,
            expected: ballot.id,
        }));
    }
    if ballot.counted.is_some() {
        return Err(refused(Refusal::BallotCounted { ballot: ballot.id }));
    }
    let laptops = ballot_paper::laptop_voters(ballot)?;
    if laptops.paper_sha256.as_deref() != Some(content.paper_sha256.as_str()) {
        return Err(refused(Refusal::NotThisPaper { ballot: ballot.id }));
    }
    let Some(voter) = laptops.voters.iter().find(|v| *v == &content.expert) else {
        return Err(refused(Refusal::NotAVoter {
            ballot: ballot.id,
            expert: content.expert.name.clone(),
        }));
    };
    crate::registration::check(conn, file, voter.id, &voter.name, &vote.fingerprint)?;
    check_marks(&tally_file::terms_of(ballot), &content.marks).map_err(refused)?;
    Ok(voter.clone())
}

/// Step 10: the vote's bytes kept as presented, and its audit entry (never the marks).
fn keep(
    tx: &rusqlite::Transaction,
    ballot_id: i64,
    voter: &BallotChair,
    vote: &SignedVote,
    bytes: &[u8],
    at: &str,
    actor: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO meeting_vote (ballot_id, expert_id, fingerprint, vote_sha256, file, received_at, received_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![ballot_id, voter.id, vote.fingerprint, vote.sha256, bytes, at, actor],
    )?;
    crate::audit::append(
        tx,
        at,
        actor,
        "meeting.vote_received",
        &serde_json::json!({
            "ballot": ballot_id, "expert_id": voter.id, "expert": voter.name,
            "fingerprint": vote.fingerprint, "vote_sha256": vote.sha256,
        }),
    )?;
    Ok(())
}

/// One vote a review keeps for a ballot, as stored.
#[derive(Debug, Clone)]
pub struct KeptVote {
    pub expert_id: i64,
    pub fingerprint: String,
    pub vote_sha256: String,
    pub file: Vec<u8>,
}

/// The votes kept for ballot `ballot_id`, by expert id ascending.
pub fn kept(conn: &Connection, ballot_id: i64) -> Result<Vec<KeptVote>> {
    let mut stmt = conn.prepare(
        "SELECT expert_id, fingerprint, vote_sha256, file FROM meeting_vote
         WHERE ballot_id = ?1 ORDER BY expert_id",
    )?;
    let rows = stmt.query_map([ballot_id], |r| {
        Ok(KeptVote {
            expert_id: r.get(0)?,
            fingerprint: r.get(1)?,
            vote_sha256: r.get(2)?,
            file: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The tally of `votes` on `ballot`: every vote is present; for each entry in order,
/// `agree` counts `agree` and `chosen` marks, `disagree` and `abstain` their own. Only for
/// votes whose marks `check_marks` passed.
pub fn tally_of(
    ballot: &TallyBallot,
    votes: &[VoteFile],
    counted_by: &str,
    witnessed_by: &str,
) -> Tally {
    let marks_on = |id: i64, wanted: &[Mark]| {
        let n = votes
            .iter()
            .flat_map(|v| &v.marks)
            .filter(|m| m.nomination_id == id && wanted.contains(&m.mark))
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    Tally {
        present: u32::try_from(votes.len()).unwrap_or(u32::MAX),
        counts: ballot
            .entries
            .iter()
            .map(|e| Count {
                nomination_id: e.nomination_id,
                agree: marks_on(e.nomination_id, &[Mark::Agree, Mark::Chosen]),
                disagree: marks_on(e.nomination_id, &[Mark::Disagree]),
                abstain: marks_on(e.nomination_id, &[Mark::Abstain]),
            })
            .collect(),
        counted_by: counted_by.into(),
        witnessed_by: witnessed_by.into(),
    }
}

/// Counts ballot `ballot_id`, voted on the experts' laptops, from the votes kept for it:
/// the tally `tally_of` gives, held to the rules of a tally with the ballot's voters as the
/// experts and the category's quorum in force now (`impossible_tally`), recorded as a
/// typed count is, with the votes it stands on.
pub fn count(
    review_path: &Path,
    ballot_id: i64,
    counted_by: &str,
    witnessed_by: &str,
    at: &str,
    actor: &str,
) -> Result<MeetingOutcome> {
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    let ballot = meeting::read(&tx, ballot_id)?;
    let laptops = ballot_paper::laptop_voters(&ballot)?;
    meeting::refuse_counted(&ballot)?;
    let name = PathBuf::from(format!("ballot {ballot_id}"));
    let mut votes = Vec::new();
    let mut counted = Vec::new();
    for k in kept(&tx, ballot_id)? {
        let vote = open_bytes(&name, &k.file)?;
        counted.push(CountedVote {
            expert_id: k.expert_id,
            name: vote.content.expert.name.clone(),
            fingerprint: k.fingerprint,
            vote_sha256: k.vote_sha256,
        });
        votes.push(vote.content);
    }
    let terms = tally_file::terms_of(&ballot);
    let tally = tally_of(&terms, &votes, counted_by, witnessed_by);
    let quorum = meeting::quorum_of(&tx, &ballot.category_key)?;
    meeting::check(&ballot, &tally, laptops.voters.len() as u32, quorum)
        .map_err(|(zh, en)| refuse(&name, Refusal::ImpossibleTally { zh, en }))?;
    let outcome = meeting::record(&tx, &ballot, &tally, Evidence::Votes(&counted), at, actor)?;
    tx.commit()?;
    Ok(outcome)
}
