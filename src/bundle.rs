//! The result bundle (expert → clerk): one expert's scores for one package, sealed to
//! the clerk and signed by the expert. See docs/formats.md.
//!
//! Entries: `bundle.json` (the header, in clear), `scores.age` (the scores, age-encrypted
//! to the package's clerk recipient) and `bundle.sig` (the expert's Ed25519 signature over
//! the exact bytes of `bundle.json`, which holds the SHA-256 of `scores.age`). So anyone
//! can verify who sent what for which package without being able to read the scores. A
//! correction is a new bundle with a higher `sequence` naming the previous bundle's hash.

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

use crate::container::{self, refuse, EntryRule};
use crate::error::{Error, Result};
use crate::keys::{self, ClerkKeys};
use crate::model::marks::ScoreItem;
use crate::package::{parse_manifest, PanelPackage};
use crate::refusal::Refusal;

pub const FORMAT: &str = "paneldesk.result-bundle";
pub const VERSION: u32 = 1;
pub const EXTENSION: &str = "pdresult";
pub const MAX_BUNDLE_BYTES: u64 = 64 << 20;
const MAX_HEADER_BYTES: u64 = 64 << 10;
const MAX_SEALED_BYTES: u64 = 48 << 20;
/// No expert corrects a submission ten thousand times; a bound keeps sequences far from
/// the 2^63 where SQLite's integers turn negative.
pub const MAX_SEQUENCE: u64 = 9_999;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BundleExpert {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub name: String,
    /// Ed25519 public key, hex.
    pub public_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SealedPayload {
    pub entry: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    pub sha256: String,
    pub sealed_to: String,
}

/// `bundle.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BundleHeader {
    pub format: String,
    pub version: u32,
    pub package_hash: String,
    pub review_id: String,
    pub expert: BundleExpert,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub sequence: u64,
    pub previous_bundle_hash: Option<String>,
    pub created_at: String,
    pub scored: u32,
    pub recused: u32,
    pub payload: SealedPayload,
}

/// The sealed content, `scores.age` once decrypted. Repeats who and what for, so a
/// payload cannot be moved into another bundle's envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payload {
    pub package_hash: String,
    pub expert_id: i64,
    pub sequence: u64,
    pub items: Vec<ScoreItem>,
}

/// A bundle whose structure, signature and payload hash are right.
#[derive(Debug, Clone)]
pub struct VerifiedBundle {
    pub header: BundleHeader,
    /// SHA-256 of `bundle.json`, hex.
    pub hash: String,
    pub sealed: Vec<u8>,
    pub expert_fingerprint: String,
}

/// What to put in a new bundle.
pub struct NewBundle<'a> {
    pub package: &'a PanelPackage,
    pub package_hash: &'a str,
    pub expert_id: i64,
    pub sequence: u64,
    pub previous_bundle_hash: Option<String>,
    pub items: Vec<ScoreItem>,
    pub created_at: &'a str,
}

fn file_name_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Seals, signs and writes a bundle into `dir`, then reads it back and verifies it.
pub fn write(dir: &Path, new: NewBundle, key: &SigningKey) -> Result<(PathBuf, VerifiedBundle)> {
    let expert = new
        .package
        .experts
        .iter()
        .find(|e| e.id == new.expert_id)
        .ok_or(crate::model::marks::RuleError::NotEnrolled)?;
    let scored = new.items.iter().filter(|i| i.recusal.is_none()).count() as u32;
    let recused = new.items.len() as u32 - scored;
    // A damaged or edited panel store must not turn into a signed bundle the clerk would
    // refuse: the expert hears about it here, on their own laptop.
    crate::package::items::check(new.package, new.expert_id, scored, recused, &new.items)
        .map_err(|refusal| refuse(dir, refusal))?;
    let payload = Payload {
        package_hash: new.package_hash.into(),
        expert_id: new.expert_id,
        sequence: new.sequence,
        items: new.items,
    };
    let plain = serde_json::to_vec(&payload).map_err(|e| Error::Corrupt(e.to_string()))?;
    let sealed = crate::seal::seal(&new.package.clerk.age_recipient, &plain)?;
    let header = BundleHeader {
        format: FORMAT.into(),
        version: VERSION,
        package_hash: new.package_hash.into(),
        review_id: new.package.review.id.clone(),
        expert: BundleExpert {
            id: expert.id,
            name: expert.name.clone(),
            public_key: keys::public_hex(&key.verifying_key()),
        },
        sequence: new.sequence,
        previous_bundle_hash: new.previous_bundle_hash,
        created_at: new.created_at.into(),
        scored,
        recused,
        payload: SealedPayload {
            entry: "scores.age".into(),
            bytes: sealed.len() as u64,
            sha256: keys::sha256_hex(&sealed),
            sealed_to: new.package.clerk.age_recipient.clone(),
        },
    };
    let json = serde_json::to_vec_pretty(&header).map_err(|e| Error::Corrupt(e.to_string()))?;
    let signature = container::signature_entry(&header.expert.public_key, &keys::sign(key, &json));
    let path = dir.join(format!(
        "{}-{}-{:03}.{EXTENSION}",
        file_name_part(&header.review_id),
        file_name_part(&header.expert.name),
        header.sequence
    ));
    container::write_atomically(
        &path,
        &[
            ("bundle.json", json.as_slice()),
            ("scores.age", sealed.as_slice()),
            ("bundle.sig", signature.as_bytes()),
        ],
    )?;
    // What the expert is told is safe to carry away is what is on the stick, re-read.
    let verified = open(&path)?;
    Ok((path, verified))
}

/// Reads and verifies a bundle on its own: structure, signature, payload hash, and the
/// sequence fields' own rules.
pub fn open(file: &Path) -> Result<VerifiedBundle> {
    let size = std::fs::metadata(file)
        .map_err(|e| Error::io(file, e))?
        .len();
    if size > MAX_BUNDLE_BYTES {
        return Err(refuse(file, Refusal::TooLarge { bytes: size }));
    }
    let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
    open_bytes(file, &bytes)
}

/// `open` for a bundle already in memory (one kept in the review file); `file` names it
/// in messages.
pub fn open_bytes(file: &Path, bytes: &[u8]) -> Result<VerifiedBundle> {
    let refused = |r| refuse(file, r);
    let rules = [
        EntryRule {
            name: "bundle.json",
            matches: |n| n == "bundle.json",
            max_bytes: MAX_HEADER_BYTES,
            required: true,
        },
        EntryRule {
            name: "scores.age",
            matches: |n| n == "scores.age",
            max_bytes: MAX_SEALED_BYTES,
            required: true,
        },
        EntryRule {
            name: "bundle.sig",
            matches: |n| n == "bundle.sig",
            max_bytes: 256,
            required: true,
        },
    ];
    // A few more than the three allowed, so an extra entry is named rather than counted.
    let mut archive = container::Archive::from_bytes(file, bytes, &rules, 16, MAX_BUNDLE_BYTES)?;
    let json = archive.read("bundle.json")?;
    let sealed = archive.read("scores.age")?;
    let (key_hex, sig) = container::parse_signature_entry(&archive.read("bundle.sig")?)
        .ok_or_else(|| refused(Refusal::MalformedSignature))?;
    let key = keys::parse_public(&key_hex).map_err(|_| refused(Refusal::BadPublicKey))?;
    if !keys::verify(&key, &json, &sig) {
        return Err(refused(Refusal::SignatureInvalid));
    }
    // Every byte of a bundle is accounted for: a file that is not exactly the canonical
    // layout of its entries (a flipped bit in a timestamp, a comment, an extra field) is
    // refused even though its signed content may be intact.
    let canonical = container::canonical_zip(&[
        ("bundle.json", json.as_slice()),
        ("scores.age", sealed.as_slice()),
        (
            "bundle.sig",
            &container::signature_entry(&key_hex, &sig).into_bytes(),
        ),
    ])?;
    if bytes != canonical {
        return Err(refused(Refusal::NotCanonical));
    }
    let header: BundleHeader = parse_manifest(file, &json, FORMAT, VERSION)?;
    if header.expert.public_key != key_hex {
        return Err(refused(Refusal::KeyMismatch));
    }
    if header.payload.entry != "scores.age"
        || header.payload.bytes != sealed.len() as u64
        || header.payload.sha256 != keys::sha256_hex(&sealed)
    {
        return Err(refused(Refusal::ContentMismatch {
            name: "scores.age".into(),
        }));
    }
    if header.sequence == 0 || header.sequence > MAX_SEQUENCE {
        return Err(refused(Refusal::SequenceOutOfRange {
            found: header.sequence,
        }));
    }
    // The first bundle names no predecessor; every later one names one, by its hash.
    let names_previous = header
        .previous_bundle_hash
        .as_deref()
        .map(|h| h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    if names_previous != (header.sequence > 1).then_some(true) {
        return Err(refused(Refusal::BrokenChain));
    }
    Ok(VerifiedBundle {
        hash: keys::sha256_hex(&json),
        expert_fingerprint: keys::fingerprint(&key),
        header,
        sealed,
    })
}

/// Checks a verified bundle against the package it claims to answer.
pub fn check_for_package(
    file: &Path,
    bundle: &VerifiedBundle,
    package: &PanelPackage,
    package_hash: &str,
) -> Result<()> {
    let h = &bundle.header;
    if h.package_hash != package_hash || h.payload.sealed_to != package.clerk.age_recipient {
        return Err(refuse(
            file,
            Refusal::OtherPackage {
                found: h.package_hash.clone(),
            },
        ));
    }
    if h.review_id != package.review.id {
        return Err(refuse(
            file,
            Refusal::OtherReview {
                found: h.review_id.clone(),
            },
        ));
    }
    if !package
        .experts
        .iter()
        .any(|e| e.id == h.expert.id && e.name == h.expert.name)
    {
        return Err(refuse(
            file,
            Refusal::NotOnRoster {
                expert: h.expert.name.clone(),
            },
        ));
    }
    Ok(())
}

/// What the receiver already holds from one expert for one package: (sequence, bundle
/// hash) of every bundle that counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpertHistory {
    pub received: Vec<(u64, String)>,
}

/// Whether a bundle is news for the receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrival {
    /// The next link of the expert's chain: it replaces the earlier scores.
    Newer,
    /// Exactly a bundle already received: nothing changes.
    AlreadyHave,
    /// A correction whose predecessor (`sequence - 1`) has not arrived: it is kept and
    /// counts once that one does, if it links to it.
    Waiting { previous: u64 },
}

/// The sequence rules (docs/formats.md): the same sequence again changes nothing, or is
/// a conflict when its content differs; an older one is a replay; sequence 1 starts the
/// chain; a later one must name the hash of the one before it, or waits for it.
pub fn check_sequence(
    file: &Path,
    bundle: &VerifiedBundle,
    history: &ExpertHistory,
) -> Result<Arrival> {
    let h = &bundle.header;
    if let Some((_, hash)) = history.received.iter().find(|(s, _)| *s == h.sequence) {
        return if *hash == bundle.hash {
            Ok(Arrival::AlreadyHave)
        } else {
            Err(refuse(
                file,
                Refusal::ConflictingSequence {
                    sequence: h.sequence,
                },
            ))
        };
    }
    if let Some((seen, _)) = history.received.iter().max_by_key(|(s, _)| *s) {
        if *seen > h.sequence {
            return Err(refuse(
                file,
                Refusal::Replayed {
                    found: h.sequence,
                    seen: *seen,
                },
            ));
        }
    }
    if h.sequence == 1 {
        return Ok(Arrival::Newer);
    }
    match history.received.iter().find(|(s, _)| *s == h.sequence - 1) {
        Some((_, hash)) if h.previous_bundle_hash.as_deref() == Some(hash) => Ok(Arrival::Newer),
        Some(_) => Err(refuse(file, Refusal::BrokenChain)),
        None => Ok(Arrival::Waiting {
            previous: h.sequence - 1,
        }),
    }
}

/// Opens the sealed scores with the clerk's identity and checks they belong to this
/// envelope.
pub fn decrypt(file: &Path, bundle: &VerifiedBundle, clerk: &ClerkKeys) -> Result<Payload> {
    use crate::seal::OpenError;
    let plain =
        crate::seal::open(&clerk.age_identity, &bundle.sealed, MAX_SEALED_BYTES).map_err(|e| {
            match e {
                OpenError::BadIdentity(detail) => Error::BadKey { detail },
                OpenError::NotForThisKey => refuse(file, Refusal::SealedToOther),
                OpenError::Damaged(detail) => refuse(file, Refusal::SealedDamaged { detail }),
            }
        })?;
    crate::strict_json::check(&plain)
        .map_err(|detail| refuse(file, Refusal::Malformed { detail }))?;
    let payload: Payload = serde_json::from_slice(&plain).map_err(|e| {
        refuse(
            file,
            Refusal::Malformed {
                detail: e.to_string(),
            },
        )
    })?;
    let h = &bundle.header;
    if payload.package_hash != h.package_hash
        || payload.expert_id != h.expert.id
        || payload.sequence != h.sequence
    {
        return Err(refuse(
            file,
            Refusal::ContentMismatch {
                name: "scores.age".into(),
            },
        ));
    }
    Ok(payload)
}
