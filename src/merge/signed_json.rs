//! What the meeting's signed files share: the tally file (`super::tally_file`), the ballot
//! paper (`super::ballot_paper`) and the vote (`super::ballot_vote`) are each one JSON
//! entry under a signature entry, in the container of packages and bundles, with the same
//! bounds. Reading one is the same steps in the same order (docs/formats.md, "Tally file"
//! and "Ballot paper and vote"): the file's size, the container, the JSON entry, then the
//! signature entry, the signature, the canonical layout, the JSON.

use std::path::Path;

use ed25519_dalek::VerifyingKey;

use crate::container::{self, refuse, EntryRule};
use crate::error::{Error, Result};
use crate::keys;
use crate::refusal::Refusal;

/// A ballot lists at most a category's nominations: a few hundred entries at most, each
/// well under a kilobyte.
pub const MAX_FILE_BYTES: u64 = 1 << 20;
/// The JSON entry's bound.
pub const MAX_JSON_BYTES: u64 = 256 << 10;
/// A few more than any of the files allows, so an extra entry is named rather than
/// counted.
pub const MAX_ENTRIES: usize = 16;

/// The two entries of a file signed once, JSON first: each format names its own, with
/// the plain function `EntryRule::matches` takes.
pub(super) fn rules(
    json: (&'static str, fn(&str) -> bool),
    sig: (&'static str, fn(&str) -> bool),
) -> [EntryRule; 2] {
    [
        EntryRule {
            name: json.0,
            matches: json.1,
            max_bytes: MAX_JSON_BYTES,
            required: true,
        },
        EntryRule {
            name: sig.0,
            matches: sig.1,
            max_bytes: 256,
            required: true,
        },
    ]
}

/// The whole file at `file`, once its size is within the bound (`file_too_large`).
pub(super) fn read_bounded(file: &Path) -> Result<Vec<u8>> {
    let size = std::fs::metadata(file)
        .map_err(|e| Error::io(file, e))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(refuse(file, Refusal::TooLarge { bytes: size }));
    }
    std::fs::read(file).map_err(|e| Error::io(file, e))
}

/// The key a signature entry names, once its signature over `signed` verifies.
pub(super) fn signed_by(
    entry: &[u8],
    signed: &[u8],
) -> std::result::Result<(String, VerifyingKey), Refusal> {
    let (key_hex, sig) =
        container::parse_signature_entry(entry).ok_or(Refusal::MalformedSignature)?;
    let key = keys::parse_public(&key_hex).map_err(|_| Refusal::BadPublicKey)?;
    if !keys::verify(&key, signed, &sig) {
        return Err(Refusal::SignatureInvalid);
    }
    Ok((key_hex, key))
}

/// Refuses `bytes` unless they are exactly the canonical layout of `laid`: every byte is
/// accounted for, so nothing rides along unsigned.
pub(super) fn canonical(name: &Path, bytes: &[u8], laid: &[(&str, &[u8])]) -> Result<()> {
    if bytes != container::canonical_zip(laid)? {
        return Err(refuse(name, Refusal::NotCanonical));
    }
    Ok(())
}

/// A file signed once whose container, signature, layout and JSON are right.
#[derive(Debug, Clone)]
pub(super) struct SignedOnce<T> {
    pub content: T,
    /// The exact bytes of the JSON entry.
    pub json: Vec<u8>,
    pub key_hex: String,
    pub key: VerifyingKey,
}

/// Reads `bytes` (a file named `name` in messages) as a file of the two entries `rules`
/// names, JSON first, in the order docs/formats.md gives: the container, the JSON entry,
/// the signature entry, the signature over the JSON, the canonical layout, then the JSON
/// (`format`, `version`, its types).
pub(super) fn open_once<T: serde::de::DeserializeOwned>(
    name: &Path,
    bytes: &[u8],
    rules: &[EntryRule; 2],
    format: &str,
    version: u32,
) -> Result<SignedOnce<T>> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(refuse(
            name,
            Refusal::TooLarge {
                bytes: bytes.len() as u64,
            },
        ));
    }
    let mut archive =
        container::Archive::from_bytes(name, bytes, rules, MAX_ENTRIES, MAX_FILE_BYTES)?;
    let json = archive.read(rules[0].name)?;
    let sig_entry = archive.read(rules[1].name)?;
    drop(archive);
    let (key_hex, key) = signed_by(&sig_entry, &json).map_err(|r| refuse(name, r))?;
    canonical(
        name,
        bytes,
        &[(rules[0].name, &json), (rules[1].name, &sig_entry)],
    )?;
    let content = crate::package::parse_manifest(name, &json, format, version)?;
    Ok(SignedOnce {
        content,
        json,
        key_hex,
        key,
    })
}

/// Signs `json` with `key` and writes it and its signature entry at `dest` in the
/// canonical layout, atomically.
pub(super) fn write_once(
    dest: &Path,
    names: (&str, &str),
    json: &[u8],
    key: &ed25519_dalek::SigningKey,
) -> Result<()> {
    let public = keys::public_hex(&key.verifying_key());
    let sig = container::signature_entry(&public, &keys::sign(key, json));
    container::write_atomically(dest, &[(names.0, json), (names.1, sig.as_bytes())])
}
