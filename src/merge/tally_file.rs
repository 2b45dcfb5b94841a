//! The tally file (`*.pdtally`): a show-of-hands 会评 tally the clerk typed on one laptop,
//! carried on a USB stick to the panel chair, who reads the counts on their own laptop
//! and signs them with their registered key; the clerk counts the ballot only from the
//! signed file. The chair's signature is what proves the panel agreed with what the clerk
//! typed: the clerk's laptop alone cannot make one.
//!
//! The file is the container of packages and bundles (`crate::container`) with one entry,
//! `tally.json`, as the clerk writes it, and, once the chair signed those exact bytes,
//! `tally.sig` and the chair's signing statement (`signed.json`, when they signed, under
//! its own signature `signed.sig`: the 计票单 prints that time as the chair's laptop said
//! it, not as the clerk's did). The clerk keeps the SHA-256 of the `tally.json` it last
//! wrote for a ballot, so the chair can only confirm what was typed, never a tally of
//! their own, and a corrected tally makes an earlier signature worthless. Layout and
//! checks, in the order a second implementation must follow: docs/formats.md, "Tally
//! file".

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::aggregate::VoteThreshold;
use super::meeting::{
    self, BallotChair, BallotEntry, BallotKind, Confirmation, MeetingBallot, MeetingOutcome, Tally,
};
use super::signed_json::{self, MAX_ENTRIES, MAX_JSON_BYTES};
use crate::container::{self, refuse, EntryRule};
use crate::error::{Error, Result};
use crate::keys;
use crate::refusal::Refusal;
use crate::store;

pub const FORMAT: &str = "paneldesk.meeting-tally";
pub const VERSION: u32 = 1;
/// The format of `signed.json`, the chair's signing statement.
pub const SIGNING_FORMAT: &str = "paneldesk.meeting-tally-signing";
pub const EXTENSION: &str = "pdtally";
/// The bound of the whole file, as for the ballot paper and the vote.
pub const MAX_FILE_BYTES: u64 = signed_json::MAX_FILE_BYTES;
/// Four short fields.
const MAX_SIGNING_BYTES: u64 = 4 << 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TallyReview {
    pub id: String,
    pub title_zh: String,
}

/// The ballot as the clerk's review holds it when the tally is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TallyBallot {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub category_key: String,
    pub category_zh: String,
    pub kind: BallotKind,
    pub places: u32,
    pub threshold: VoteThreshold,
    pub entries: Vec<BallotEntry>,
    pub opened_at: String,
    pub opened_by: String,
}

/// `tally.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TallyFile {
    pub format: String,
    pub version: u32,
    pub review: TallyReview,
    pub ballot: TallyBallot,
    pub tally: Tally,
    pub chair: BallotChair,
    pub written_at: String,
    pub written_by: String,
}

/// `signed.json`: which tally the chair's laptop signed, and when by its clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signing {
    pub format: String,
    pub version: u32,
    /// SHA-256 of the `tally.json` beside it, lower-case hex.
    pub tally_sha256: String,
    /// RFC 3339, UTC, as PanelDesk writes it.
    pub signed_at: String,
}

/// A signed tally file whose structure and signatures are right.
#[derive(Debug, Clone)]
pub struct SignedTally {
    pub content: TallyFile,
    /// SHA-256 of `tally.json`, hex.
    pub sha256: String,
    pub fingerprint: String,
    /// When the chair's laptop signed (`signed.json`); `None` for a file signed without
    /// a signing statement.
    pub signed_at: Option<String>,
    /// SHA-256 of the whole file, hex: the audit entry of its count names it.
    pub file_sha256: String,
    /// The whole file, kept in the review once counted.
    pub bytes: Vec<u8>,
}

fn rules(signed: bool) -> [EntryRule; 4] {
    [
        EntryRule {
            name: "tally.json",
            matches: |n| n == "tally.json",
            max_bytes: MAX_JSON_BYTES,
            required: true,
        },
        EntryRule {
            name: "tally.sig",
            matches: |n| n == "tally.sig",
            max_bytes: 256,
            required: signed,
        },
        // Both or neither: `signing_statement` says so, as the container's rules cannot.
        EntryRule {
            name: "signed.json",
            matches: |n| n == "signed.json",
            max_bytes: MAX_SIGNING_BYTES,
            required: false,
        },
        EntryRule {
            name: "signed.sig",
            matches: |n| n == "signed.sig",
            max_bytes: 256,
            required: false,
        },
    ]
}

/// Opens a tally file as the chair's laptop does before signing: the container and the
/// content, with or without a signature (one already there is not the chair's business:
/// signing replaces it). Answers the content, the exact bytes to sign, and whether it
/// was signed.
pub fn open_unsigned(file: &Path) -> Result<(TallyFile, Vec<u8>, bool)> {
    signed_json::read_bounded(file)?;
    let mut archive = container::Archive::open(file, &rules(false), MAX_ENTRIES, MAX_FILE_BYTES)?;
    let json = archive.read("tally.json")?;
    let signed = archive.size("tally.sig").is_some();
    let content: TallyFile = crate::package::parse_manifest(file, &json, FORMAT, VERSION)?;
    Ok((content, json, signed))
}

/// Reads and verifies a signed tally file on its own: structure, signatures, canonical
/// layout, format and fields. Who signed it is for `confirm` to judge.
pub fn open_signed(file: &Path) -> Result<SignedTally> {
    open_signed_bytes(file, signed_json::read_bounded(file)?)
}

/// `open_signed` for a file's bytes, named `name` in messages: how `audit verify` reads
/// the signed tally a review keeps, by the same steps as the file first was.
pub fn open_signed_bytes(name: &Path, bytes: Vec<u8>) -> Result<SignedTally> {
    let refused = |r| refuse(name, r);
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(refused(Refusal::TooLarge {
            bytes: bytes.len() as u64,
        }));
    }
    let mut archive =
        container::Archive::from_bytes(name, &bytes, &rules(true), MAX_ENTRIES, MAX_FILE_BYTES)?;
    let statement = signing_statement(
        archive.size("signed.json").is_some(),
        archive.size("signed.sig").is_some(),
    )
    .map_err(refused)?;
    let json = archive.read("tally.json")?;
    let sig_entry = archive.read("tally.sig")?;
    let signing = if statement {
        Some((archive.read("signed.json")?, archive.read("signed.sig")?))
    } else {
        None
    };
    let (key_hex, key) = signed_json::signed_by(&sig_entry, &json).map_err(refused)?;
    if let Some((signing_json, signing_sig)) = &signing {
        let (also, _) = signed_json::signed_by(signing_sig, signing_json).map_err(refused)?;
        if also != key_hex {
            return Err(refused(Refusal::KeyMismatch));
        }
    }
    let mut laid: Vec<(&str, &[u8])> = vec![
        ("tally.json", json.as_slice()),
        ("tally.sig", sig_entry.as_slice()),
    ];
    if let Some((signing_json, signing_sig)) = &signing {
        laid.extend([
            ("signed.json", signing_json.as_slice()),
            ("signed.sig", signing_sig.as_slice()),
        ]);
    }
    signed_json::canonical(name, &bytes, &laid)?;
    let content: TallyFile = crate::package::parse_manifest(name, &json, FORMAT, VERSION)?;
    let sha256 = keys::sha256_hex(&json);
    let signed_at = match &signing {
        Some((signing_json, _)) => {
            let signing: Signing =
                crate::package::parse_manifest(name, signing_json, SIGNING_FORMAT, VERSION)?;
            if signing.tally_sha256 != sha256 {
                return Err(refused(Refusal::ContentMismatch {
                    name: "signed.json".into(),
                }));
            }
            Some(signing.signed_at)
        }
        None => None,
    };
    drop(archive);
    Ok(SignedTally {
        content,
        sha256,
        fingerprint: keys::fingerprint(&key),
        signed_at,
        file_sha256: keys::sha256_hex(&bytes),
        bytes,
    })
}

/// Whether the file holds the chair's signing statement: `signed.json` and `signed.sig`
/// come together or not at all.
fn signing_statement(json: bool, sig: bool) -> std::result::Result<bool, Refusal> {
    match (json, sig) {
        (true, false) => Err(Refusal::MissingEntry {
            name: "signed.sig".into(),
        }),
        (false, true) => Err(Refusal::MissingEntry {
            name: "signed.json".into(),
        }),
        (both, _) => Ok(both),
    }
}

/// Signs the exact `tally.json` bytes with `key`, and the signing statement naming them
/// and `signed_at`, and writes the signed file at `dest`.
pub fn sign(json: &[u8], key: &SigningKey, signed_at: &str, dest: &Path) -> Result<()> {
    let statement = Signing {
        format: SIGNING_FORMAT.into(),
        version: VERSION,
        tally_sha256: keys::sha256_hex(json),
        signed_at: signed_at.into(),
    };
    let statement =
        serde_json::to_vec_pretty(&statement).map_err(|e| Error::Corrupt(e.to_string()))?;
    let public = keys::public_hex(&key.verifying_key());
    let tally_sig = container::signature_entry(&public, &keys::sign(key, json));
    let statement_sig = container::signature_entry(&public, &keys::sign(key, &statement));
    container::write_atomically(
        dest,
        &[
            ("tally.json", json),
            ("tally.sig", tally_sig.as_bytes()),
            ("signed.json", &statement),
            ("signed.sig", statement_sig.as_bytes()),
        ],
    )
}

/// What the counts in `content` decide, with the file's own ballot, or why they cannot
/// be: the chair's laptop shows this before signing. The roster's size and the quorum
/// are the clerk's to check; here only the counts among themselves.
pub fn outcome_of(content: &TallyFile) -> std::result::Result<MeetingOutcome, Refusal> {
    let ballot = as_ballot(&content.ballot);
    meeting::check(&ballot, &content.tally, u32::MAX, 0)
        .map_err(|(zh, en)| Refusal::ImpossibleTally { zh, en })?;
    Ok(meeting::decide(&ballot, &content.tally))
}

/// The ballot as a file states it: its terms, without its count or how it is counted.
pub(super) fn terms_of(ballot: &MeetingBallot) -> TallyBallot {
    TallyBallot {
        id: ballot.id,
        category_key: ballot.category_key.clone(),
        category_zh: ballot.category_zh.clone(),
        kind: ballot.kind,
        places: ballot.places,
        threshold: ballot.threshold,
        entries: ballot.entries.clone(),
        opened_at: ballot.opened_at.clone(),
        opened_by: ballot.opened_by.clone(),
    }
}

/// The review as a file names it.
pub(super) fn review_of(conn: &rusqlite::Connection) -> Result<TallyReview> {
    let review = store::review_rows::read_review(conn)?;
    Ok(TallyReview {
        id: review.id,
        title_zh: review.title_zh,
    })
}

pub(super) fn as_ballot(b: &TallyBallot) -> MeetingBallot {
    MeetingBallot {
        id: b.id,
        category_key: b.category_key.clone(),
        category_zh: b.category_zh.clone(),
        kind: b.kind,
        places: b.places,
        threshold: b.threshold,
        entries: b.entries.clone(),
        opened_at: b.opened_at.clone(),
        opened_by: b.opened_by.clone(),
        counted: None,
        chair: None,
        laptops: None,
    }
}

/// What the clerk wrote for the chair.
#[derive(Debug, Clone, Serialize)]
pub struct Written {
    pub file: PathBuf,
    pub tally_sha256: String,
    pub content: TallyFile,
    pub outcome: MeetingOutcome,
}

/// Writes the tally the clerk entered for ballot `ballot_id` as a tally file for its
/// chair into `out_dir`, after the same checks as counting it; the ballot then waits for
/// that file, signed. Writing again (a typing error) replaces the tally waited for.
pub fn write(
    review_path: &Path,
    ballot_id: i64,
    tally: &Tally,
    out_dir: &Path,
    at: &str,
    actor: &str,
) -> Result<Written> {
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    let ballot = meeting::read(&tx, ballot_id)?;
    meeting::refuse_laptops(&ballot)?;
    meeting::refuse_counted(&ballot)?;
    let Some(chair) = ballot.chair.clone() else {
        return Err(Error::BadInput {
            zh: format!(
                "会评表决 {ballot_id} 开启时未指定组长，无需组长签名：直接录入计票结果即可"
            ),
            en: format!(
                "meeting ballot {ballot_id} was opened without a chair: record its count directly"
            ),
        });
    };
    let (experts, quorum) = meeting::limits(&tx, &ballot)?;
    meeting::check(&ballot, tally, experts, quorum)
        .map_err(|(zh, en)| Error::BadInput { zh, en })?;
    let content = TallyFile {
        format: FORMAT.into(),
        version: VERSION,
        review: review_of(&tx)?,
        ballot: terms_of(&ballot),
        tally: tally.clone(),
        chair: chair.clone(),
        written_at: at.into(),
        written_by: actor.into(),
    };
    let json = serde_json::to_vec_pretty(&content).map_err(|e| Error::Corrupt(e.to_string()))?;
    let sha256 = keys::sha256_hex(&json);
    let file = out_dir.join(format!("tally-ballot-{ballot_id}.{EXTENSION}"));
    container::write_atomically(&file, &[("tally.json", &json)])?;
    tx.execute(
        "UPDATE meeting_ballot SET tally_sha256 = ?2 WHERE id = ?1",
        params![ballot_id, sha256],
    )?;
    crate::audit::append(
        &tx,
        at,
        actor,
        "meeting.tally_written",
        &serde_json::json!({
            "ballot": ballot_id, "chair_id": chair.id, "chair": chair.name,
            "tally_sha256": sha256, "tally": tally, "file": file.display().to_string(),
        }),
    )?;
    tx.commit()?;
    let outcome = meeting::decide(&ballot, tally);
    Ok(Written {
        file,
        tally_sha256: sha256,
        content,
        outcome,
    })
}

/// A ballot counted from its chair's signed tally.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Confirmed {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ballot: i64,
    pub confirmation: Confirmation,
    pub tally: Tally,
    pub outcome: MeetingOutcome,
}

/// Counts ballot `ballot_id` from the chair's signed tally `file`, refusing it unless
/// (in this order, docs/formats.md "To confirm a tally"): it verifies; it is for this
/// review and this ballot as opened; the ballot is not counted; it names the ballot's
/// chair; the chair's key registered and in force in this review signed it; it is
/// exactly the tally last written for the ballot; its counts can be.
pub fn confirm(
    review_path: &Path,
    ballot_id: i64,
    file: &Path,
    at: &str,
    actor: &str,
) -> Result<Confirmed> {
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    // Which ballot is the clerk's to name: a ballot that does not exist is their typing
    // error, told before the file is judged.
    let ballot = meeting::read(&tx, ballot_id)?;
    meeting::refuse_laptops(&ballot)?;
    let signed = open_signed(file)?;
    let content = &signed.content;
    let refused = |r| refuse(file, r);
    let review = store::review_rows::read_review(&tx)?;
    if content.review.id != review.id {
        return Err(refused(Refusal::OtherReview {
            found: content.review.id.clone(),
        }));
    }
    if content.ballot.id != ballot_id {
        return Err(refused(Refusal::OtherBallot {
            found: content.ballot.id,
            expected: ballot_id,
        }));
    }
    if let Some(what) = differs(&content.ballot, &ballot) {
        return Err(refused(Refusal::BallotMismatch {
            ballot: ballot_id,
            what: what.into(),
        }));
    }
    if ballot.counted.is_some() {
        return Err(refused(Refusal::BallotCounted { ballot: ballot_id }));
    }
    let chair = match &ballot.chair {
        Some(c) if c.id == content.chair.id && c.name == content.chair.name => c.clone(),
        other => {
            return Err(refused(Refusal::NotTheChair {
                ballot: ballot_id,
                named: content.chair.name.clone(),
                chair: other
                    .as_ref()
                    .map_or_else(|| "—".into(), |c| c.name.clone()),
            }))
        }
    };
    crate::registration::check(&tx, file, chair.id, &chair.name, &signed.fingerprint)?;
    let awaited: Option<String> = tx
        .query_row(
            "SELECT tally_sha256 FROM meeting_ballot WHERE id = ?1",
            [ballot_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    if awaited.as_deref() != Some(signed.sha256.as_str()) {
        return Err(refused(Refusal::TallyChanged { ballot: ballot_id }));
    }
    let (experts, quorum) = meeting::limits(&tx, &ballot)?;
    meeting::check(&ballot, &content.tally, experts, quorum)
        .map_err(|(zh, en)| refused(Refusal::ImpossibleTally { zh, en }))?;
    let confirmation = Confirmation {
        chair_id: chair.id,
        chair_name: chair.name.clone(),
        fingerprint: signed.fingerprint.clone(),
        tally_sha256: signed.sha256.clone(),
    };
    let evidence = meeting::ChairSigned {
        confirmation: confirmation.clone(),
        signed_at: signed.signed_at.clone(),
        file_sha256: signed.file_sha256.clone(),
    };
    let outcome = meeting::record(
        &tx,
        &ballot,
        &content.tally,
        meeting::Evidence::Chair(&evidence),
        at,
        actor,
    )?;
    tx.execute(
        "UPDATE meeting_ballot SET signed_tally = ?2 WHERE id = ?1",
        params![ballot_id, signed.bytes],
    )?;
    tx.commit()?;
    Ok(Confirmed {
        ballot: ballot_id,
        confirmation,
        tally: content.tally.clone(),
        outcome,
    })
}

/// What of the ballot a tally names differs from the ballot as stored: its category,
/// kind, places, threshold, or the nominations on it in order. Names and scores are
/// there for people to read; the signature covers them, the count does not depend on them.
pub(super) fn differs(named: &TallyBallot, stored: &MeetingBallot) -> Option<&'static str> {
    let ids = |e: &[BallotEntry]| e.iter().map(|e| e.nomination_id).collect::<Vec<_>>();
    if named.category_key != stored.category_key {
        Some("category_key")
    } else if named.kind != stored.kind {
        Some("kind")
    } else if named.places != stored.places {
        Some("places")
    } else if named.threshold != stored.threshold {
        Some("threshold")
    } else if ids(&named.entries) != ids(&stored.entries) {
        Some("entries")
    } else {
        None
    }
}
