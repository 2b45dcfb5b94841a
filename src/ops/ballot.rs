//! The panel's 会评 vote on the experts' own laptops: the clerk writes the ballot paper
//! signed with the clerk's key (`write_paper`), each voter reads it on their laptop and
//! casts a vote signed with the key they enrolled (`read_paper`, `cast_vote`), the clerk
//! receives the votes (`receive_vote`) and counts the ballot from them (`count_votes`).
//! The ballot is opened by `merge::meeting::open_for_laptops`.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::keys::ClerkKeys;
use crate::merge::ballot_paper::{self, BallotPaper, PaperWritten, SignedPaper};
use crate::merge::ballot_vote::{self, VoteMark, VoteReceived};
use crate::merge::meeting::{BallotChair, BallotKind, MeetingOutcome};
use crate::model::marks::RuleError;
use crate::refusal::Refusal;
use crate::scoring::panel::Panel;

/// The clerk writes the paper of a ballot opened for the experts' laptops into `out_dir`,
/// signed with the clerk's key (`merge::ballot_paper::write`).
pub fn write_paper(
    review: &Path,
    ballot: i64,
    clerk: &ClerkKeys,
    out_dir: &Path,
    at: &str,
    actor: &str,
) -> Result<PaperWritten> {
    ballot_paper::write(review, ballot, &clerk.signing()?, out_dir, at, actor)
}

/// The clerk receives one expert's vote (`merge::ballot_vote::receive`).
pub fn receive_vote(
    review: &Path,
    ballot: i64,
    file: &Path,
    at: &str,
    actor: &str,
) -> Result<VoteReceived> {
    ballot_vote::receive(review, ballot, file, at, actor)
}

/// The clerk counts a laptop ballot from the votes received
/// (`merge::ballot_vote::count`).
pub fn count_votes(
    review: &Path,
    ballot: i64,
    counted_by: &str,
    witnessed_by: &str,
    at: &str,
    actor: &str,
) -> Result<MeetingOutcome> {
    ballot_vote::count(review, ballot, counted_by, witnessed_by, at, actor)
}

/// A ballot paper as the voter's laptop shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaperShown {
    pub paper: BallotPaper,
    /// The expert enrolled on this laptop, as the paper lists them among its voters.
    pub voter: BallotChair,
    /// The rule in words: 差额表决：候选 5 人，每人最多选 3 人.
    pub rule_zh: String,
    pub rule_en: String,
}

/// What the voter's laptop wrote.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VoteCast {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub file: PathBuf,
    /// The fingerprint of the key that signed it: the one the clerk registered.
    pub fingerprint: String,
    /// SHA-256 of its `vote.json`.
    pub vote_sha256: String,
}

/// The voter's laptop reads ballot paper `file`: refused unless it verifies, was signed
/// by the clerk key of the package this laptop holds (`key_mismatch`), is for this
/// review (`other_review`) and lists the expert enrolled here among its voters
/// (`not_a_voter`).
pub fn read_paper(panel: &Panel, file: &Path) -> Result<PaperShown> {
    let (paper, voter) = checked_paper(panel, file)?;
    let (rule_zh, rule_en) = rule_words(&paper.content);
    Ok(PaperShown {
        paper: paper.content,
        voter,
        rule_zh,
        rule_en,
    })
}

/// The voter casts `marks` on ballot paper `file` with the key enrolled on `panel`,
/// unlocked by `passphrase`, writing the signed vote into `out_dir` with the laptop's
/// clock (`now_unix`) as the time cast. Marks the clerk would refuse are refused before
/// the passphrase is tried; the vote is read back and verified before the voter is told
/// it is written.
pub fn cast_vote(
    panel: &mut Panel,
    file: &Path,
    marks: &[VoteMark],
    passphrase: &str,
    out_dir: &Path,
    now_unix: i64,
) -> Result<VoteCast> {
    let (paper, voter) = checked_paper(panel, file)?;
    ballot_vote::check_marks(&paper.content.ballot, marks)
        .map_err(|r| crate::container::refuse(file, r))?;
    let cast_at = rfc3339(now_unix)?;
    let (_, key) = panel.unlock(passphrase, now_unix)?;
    let written = ballot_vote::sign(file, &paper, &voter, marks, &key, &cast_at, out_dir)?;
    let read_back = ballot_vote::open(&written)?;
    if read_back.content.marks != marks || read_back.content.expert != voter {
        return Err(Error::Corrupt(format!(
            "{}: not as written",
            written.display()
        )));
    }
    Ok(VoteCast {
        file: written,
        fingerprint: read_back.fingerprint,
        vote_sha256: read_back.sha256,
    })
}

/// The paper at `file`, verified, with this laptop's voter on it.
fn checked_paper(panel: &Panel, file: &Path) -> Result<(SignedPaper, BallotChair)> {
    let refused = |r| crate::container::refuse(file, r);
    let paper = ballot_paper::open(file)?;
    if paper.key_hex != panel.package.clerk.signing_key {
        return Err(refused(Refusal::KeyMismatch));
    }
    let content = &paper.content;
    if content.review.id != panel.package.review.id {
        return Err(refused(Refusal::OtherReview {
            found: content.review.id.clone(),
        }));
    }
    let enrolled = panel.enrolment()?.ok_or(RuleError::NotEnrolled)?.expert;
    let Some(voter) = content.voters.iter().find(|v| v.id == enrolled.id).cloned() else {
        return Err(refused(Refusal::NotAVoter {
            ballot: content.ballot.id,
            expert: enrolled.name,
        }));
    };
    Ok((paper, voter))
}

/// The ballot's rule in Chinese and English, for the voter to read before marking.
fn rule_words(paper: &BallotPaper) -> (String, String) {
    let b = &paper.ballot;
    let n = b.entries.len();
    match b.kind {
        BallotKind::Choose { at_most } => {
            let k = at_most.unwrap_or(b.places);
            (
                format!("差额表决：候选 {n} 人，每人最多选 {k} 人"),
                format!("A choice: {n} on the ballot, choose at most {k}"),
            )
        }
        BallotKind::Vote => (
            format!(
                "逐一表决：候选 {n} 人，剩余名额 {} 个，对每人表示同意、不同意或弃权",
                b.places
            ),
            format!(
                "A vote on each: {n} on the ballot, {} places left; agree, disagree or abstain on each",
                b.places
            ),
        ),
    }
}

/// The laptop's clock as the signing statement (and a vote) records it.
pub(super) fn rfc3339(unix: i64) -> Result<String> {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .ok_or_else(|| Error::BadInput {
            zh: format!("本机时钟读数无效（{unix}），无法记录签名时间：请校正时钟"),
            en: format!(
                "this laptop's clock reads {unix}, which is no time to sign at: set the clock"
            ),
        })
}
