//! The zip container of panel packages and result bundles: written deterministically and
//! atomically, read strictly.
//!
//! Reading checks the whole directory before any entry is inflated: every name must be
//! one the format expects, none twice, every declared size under its bound; then each
//! entry is read with the declared size as a hard limit, and a file that turns out longer
//! or shorter than declared is refused.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use crate::error::{Error, Result};
use crate::refusal::Refusal;

/// Bounds a reader applies to one kind of entry.
pub struct EntryRule {
    /// How the entry is named in messages.
    pub name: &'static str,
    /// Accepts the entry name.
    pub matches: fn(&str) -> bool,
    pub max_bytes: u64,
    pub required: bool,
}

pub fn refuse(file: &Path, refusal: Refusal) -> Error {
    Error::Refused {
        path: file.to_path_buf(),
        refusal,
    }
}

fn unreadable(file: &Path, detail: impl std::fmt::Display) -> Error {
    refuse(
        file,
        Refusal::NotAContainer {
            detail: detail.to_string(),
        },
    )
}

/// Reads every entry of the zip at `file`, refusing anything the rules do not allow.
pub fn read(
    file: &Path,
    rules: &[EntryRule],
    max_entries: usize,
    max_file_bytes: u64,
) -> Result<BTreeMap<String, Vec<u8>>> {
    let size = std::fs::metadata(file)
        .map_err(|e| Error::io(file, e))?
        .len();
    if size > max_file_bytes {
        return Err(refuse(file, Refusal::TooLarge { bytes: size }));
    }
    let handle = std::fs::File::open(file).map_err(|e| Error::io(file, e))?;
    let mut zip = zip::ZipArchive::new(handle).map_err(|e| unreadable(file, e))?;
    if zip.len() > max_entries {
        return Err(refuse(file, Refusal::TooManyEntries { count: zip.len() }));
    }
    let mut plan = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| unreadable(file, format!("entry {i}: {e}")))?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let rule = rules
            .iter()
            .find(|r| (r.matches)(&name))
            .ok_or_else(|| refuse(file, Refusal::UnexpectedEntry { name: name.clone() }))?;
        if entry.size() > rule.max_bytes {
            let bytes = entry.size();
            return Err(refuse(file, Refusal::OversizedEntry { name, bytes }));
        }
        if !seen.insert(name.clone()) {
            return Err(refuse(file, Refusal::DuplicateEntry { name }));
        }
        plan.push((i, name, entry.size()));
    }
    for rule in rules.iter().filter(|r| r.required) {
        if !seen.iter().any(|n| (rule.matches)(n)) {
            let name = rule.name.to_string();
            return Err(refuse(file, Refusal::MissingEntry { name }));
        }
    }
    let mut out = BTreeMap::new();
    for (i, name, declared) in plan {
        let entry = zip
            .by_index(i)
            .map_err(|e| unreadable(file, format!("{name}: {e}")))?;
        let mut bytes = Vec::with_capacity(declared.min(16 << 20) as usize);
        entry
            .take(declared + 1)
            .read_to_end(&mut bytes)
            .map_err(|_| refuse(file, Refusal::TruncatedEntry { name: name.clone() }))?;
        if bytes.len() as u64 != declared {
            return Err(refuse(file, Refusal::TruncatedEntry { name }));
        }
        out.insert(name, bytes);
    }
    Ok(out)
}

/// The one byte layout a set of entries has: stored (the payloads are JSON, ciphertext
/// and PDFs, which gain little from deflate), DOS time 1980-01-01 00:00, no extra fields,
/// no comments, in the order given. Readers that need every byte accounted for compare a
/// file with this (see `bundle::open`).
pub fn canonical_zip(entries: &[(&str, &[u8])]) -> Result<Vec<u8>> {
    let failed = |e: zip::result::ZipError| Error::Corrupt(format!("zip: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
        .large_file(false);
    for (name, bytes) in entries {
        zip.start_file(*name, options).map_err(failed)?;
        zip.write_all(bytes)
            .map_err(|e| Error::Corrupt(format!("zip: {e}")))?;
    }
    Ok(zip.finish().map_err(failed)?.into_inner())
}

/// Writes `entries` as a canonical zip at `dest`. Atomic: a temporary file in the same
/// folder is written, synced and renamed, and the folder synced, so a pulled USB stick
/// leaves either the old file or the whole new one.
pub fn write_atomically(dest: &Path, entries: &[(&str, &[u8])]) -> Result<()> {
    write_bytes_atomically(dest, &canonical_zip(entries)?)
}

/// Writes `bytes` at `dest` the same atomic way (reports and certificates on a stick).
pub fn write_bytes_atomically(dest: &Path, bytes: &[u8]) -> Result<()> {
    let dir = dest
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(dest, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(dest, e))?;
    tmp.persist(dest).map_err(|e| Error::io(dest, e.error))?;
    sync_dir(dir)?;
    Ok(())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, e))
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<()> {
    Ok(())
}

/// The signature entry of both formats: two lines, `key:` and `sig:`, each lower-case hex.
pub fn signature_entry(key_hex: &str, signature_hex: &str) -> String {
    format!("key:{key_hex}\nsig:{signature_hex}\n")
}

/// Parses a signature entry strictly; `None` for anything else.
pub fn parse_signature_entry(bytes: &[u8]) -> Option<(String, String)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut lines = text.strip_suffix('\n')?.split('\n');
    let key = lines.next()?.strip_prefix("key:")?;
    let sig = lines.next()?.strip_prefix("sig:")?;
    let hex_of = |s: &str, n: usize| {
        s.len() == n && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    (lines.next().is_none() && hex_of(key, 64) && hex_of(sig, 128))
        .then(|| (key.to_string(), sig.to_string()))
}
