//! The ballot paper (`*.pdballot`): a 会评 ballot the experts vote on their own laptops,
//! as the clerk hands it out on a USB stick like a panel package. It states the ballot
//! exactly as the review opened it and the experts who may vote, signed with the clerk's
//! key (the key that signs the review's packages, which every voter's laptop already
//! holds). It carries no time, so writing it again gives the same bytes; the review
//! records the SHA-256 of its `ballot.json`, and a vote counts only if it names that
//! paper (`super::ballot_vote`). Layout and checks, in the order a second implementation
//! must follow: docs/formats.md, "Ballot paper and vote".

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::meeting::{self, BallotChair, MeetingBallot};
use super::signed_json;
use super::tally_file::{self, TallyBallot, TallyReview};
use crate::container::EntryRule;
use crate::error::{Error, Result};
use crate::keys;
use crate::store;

pub const FORMAT: &str = "paneldesk.meeting-ballot";
pub const VERSION: u32 = 1;
pub const EXTENSION: &str = "pdballot";

/// `ballot.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BallotPaper {
    pub format: String,
    pub version: u32,
    pub review: TallyReview,
    pub ballot: TallyBallot,
    /// Who may vote: fixed when the ballot was opened.
    pub voters: Vec<BallotChair>,
    pub written_by: String,
}

/// A ballot paper whose container, signature, layout and content are right. Whose key
/// signed it is the reader's to judge (the voter's laptop: its package's clerk).
#[derive(Debug, Clone)]
pub struct SignedPaper {
    pub content: BallotPaper,
    /// SHA-256 of `ballot.json`, hex: what votes name.
    pub sha256: String,
    pub fingerprint: String,
    /// The signing key, 64 hex digits.
    pub key_hex: String,
}

/// What the clerk wrote.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaperWritten {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub file: PathBuf,
    pub paper_sha256: String,
}

fn rules() -> [EntryRule; 2] {
    signed_json::rules(
        ("ballot.json", |n| n == "ballot.json"),
        ("ballot.sig", |n| n == "ballot.sig"),
    )
}

/// Reads and verifies a ballot paper on its own: container, signature, canonical layout,
/// format and fields.
pub fn open(file: &Path) -> Result<SignedPaper> {
    let bytes = signed_json::read_bounded(file)?;
    let once = signed_json::open_once::<BallotPaper>(file, &bytes, &rules(), FORMAT, VERSION)?;
    Ok(SignedPaper {
        sha256: keys::sha256_hex(&once.json),
        fingerprint: keys::fingerprint(&once.key),
        key_hex: once.key_hex,
        content: once.content,
    })
}

/// Writes the paper of ballot `ballot_id`, a ballot opened for the experts' laptops, into
/// `out_dir` as `ballot-{id}.pdballot`, signed with `clerk_signing_key`, and records the
/// SHA-256 of its `ballot.json` on the ballot. Writing it again gives the same bytes;
/// a paper that would differ (another clerk's name on it) is refused once votes on the
/// first were received, since they would no longer count.
pub fn write(
    review_path: &Path,
    ballot_id: i64,
    clerk_signing_key: &SigningKey,
    out_dir: &Path,
    at: &str,
    actor: &str,
) -> Result<PaperWritten> {
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    let ballot = meeting::read(&tx, ballot_id)?;
    let voters = laptop_voters(&ballot)?;
    meeting::refuse_counted(&ballot)?;
    let content = BallotPaper {
        format: FORMAT.into(),
        version: VERSION,
        review: tally_file::review_of(&tx)?,
        ballot: tally_file::terms_of(&ballot),
        voters: voters.voters.clone(),
        written_by: actor.into(),
    };
    let json = serde_json::to_vec_pretty(&content).map_err(|e| Error::Corrupt(e.to_string()))?;
    let sha256 = keys::sha256_hex(&json);
    refuse_replacing(&ballot, voters, &sha256)?;
    let file = out_dir.join(format!("ballot-{ballot_id}.{EXTENSION}"));
    signed_json::write_once(
        &file,
        ("ballot.json", "ballot.sig"),
        &json,
        clerk_signing_key,
    )?;
    let written = open(&file)?;
    if written.sha256 != sha256 {
        return Err(Error::Corrupt(format!(
            "{}: not as written",
            file.display()
        )));
    }
    tx.execute(
        "UPDATE meeting_ballot SET paper_sha256 = ?2 WHERE id = ?1",
        params![ballot_id, sha256],
    )?;
    let voter_ids: Vec<i64> = content.voters.iter().map(|v| v.id).collect();
    crate::audit::append(
        &tx,
        at,
        actor,
        "meeting.paper_written",
        &serde_json::json!({
            "ballot": ballot_id, "paper_sha256": sha256, "voters": voter_ids,
            "fingerprint": written.fingerprint, "file": file.display().to_string(),
        }),
    )?;
    tx.commit()?;
    Ok(PaperWritten {
        file,
        paper_sha256: sha256,
    })
}

/// How `ballot` is voted on the experts' laptops; a ballot voted in the room has no paper.
pub(super) fn laptop_voters(ballot: &MeetingBallot) -> Result<&meeting::LaptopVoting> {
    ballot.laptops.as_ref().ok_or_else(|| {
        let id = ballot.id;
        Error::BadInput {
            zh: format!("会评表决 {id} 在会场表决，不在专家电脑上投票：没有选票，也不收专家选票"),
            en: format!("meeting ballot {id} is voted in the room, not on the experts' laptops: it has no ballot paper and takes no votes"),
        }
    })
}

/// Refuses a paper that differs from the one votes were already received on.
fn refuse_replacing(
    ballot: &MeetingBallot,
    laptops: &meeting::LaptopVoting,
    sha256: &str,
) -> Result<()> {
    let changed = laptops.paper_sha256.as_deref().is_some_and(|s| s != sha256);
    let id = ballot.id;
    meeting::refuse_if(changed && !laptops.received.is_empty(), || {
        (
            format!("会评表决 {id} 已收到按先前写出的选票投出的选票，重新写出的选票内容不同（如写出人不同），不能替换"),
            format!("votes were received on meeting ballot {id}'s paper as first written; this one differs (written by someone else?) and cannot replace it"),
        )
    })
}
