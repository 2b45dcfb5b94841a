//! The zip container of panel packages and result bundles: written deterministically and
//! atomically, read strictly.
//!
//! Reading does not trust a zip library's view of the file: the directory is parsed here,
//! by the rules of docs/formats.md ("The container"), so that what a second implementation
//! refuses PanelDesk refuses too. A zip library keys entries by name and would hide a
//! second `package.json`; it also inflates whatever method an entry claims. Here every
//! entry is stored, named once, and laid out back to back from the first byte to the
//! central directory, so the sizes it declares can never add up to more than the file.

use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

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

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const LOCAL_LEN: u64 = 30;
const CENTRAL_LEN: usize = 46;
const END_LEN: u64 = 22;
/// A central header and the longest name it may carry.
const MAX_CENTRAL_BYTES: u64 = 46 + 1024;

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// One entry as the central directory declares it.
struct Slot {
    name: String,
    /// The central header's fields that its local header must repeat: version needed,
    /// flags, method, time, date, CRC-32, compressed and uncompressed size.
    fixed: [u8; 22],
    offset: u64,
    size: u64,
    crc: u32,
}

/// A container whose directory and layout passed every check; entries are read on demand.
pub struct Archive<R = std::fs::File> {
    path: PathBuf,
    file: R,
    slots: Vec<Slot>,
}

impl Archive {
    /// Opens the zip at `file`, refusing anything `rules` do not allow, before any entry
    /// is read.
    pub fn open(
        file: &Path,
        rules: &[EntryRule],
        max_entries: usize,
        max_file_bytes: u64,
    ) -> Result<Archive> {
        let handle = std::fs::File::open(file).map_err(|e| Error::io(file, e))?;
        let size = handle.metadata().map_err(|e| Error::io(file, e))?.len();
        Archive::check(file, handle, size, rules, max_entries, max_file_bytes)
    }
}

impl<'a> Archive<std::io::Cursor<&'a [u8]>> {
    /// `open` for a container already in memory; `file` names it in messages.
    pub fn from_bytes(
        file: &Path,
        bytes: &'a [u8],
        rules: &[EntryRule],
        max_entries: usize,
        max_file_bytes: u64,
    ) -> Result<Self> {
        let size = bytes.len() as u64;
        let cursor = std::io::Cursor::new(bytes);
        Archive::check(file, cursor, size, rules, max_entries, max_file_bytes)
    }
}

impl<R: Read + Seek> Archive<R> {
    /// The checks of docs/formats.md ("The container"), in their order: the first one a
    /// file fails is the refusal it gets, as a second implementation gives it.
    fn check(
        file: &Path,
        mut handle: R,
        size: u64,
        rules: &[EntryRule],
        max_entries: usize,
        max_file_bytes: u64,
    ) -> Result<Self> {
        let end = EndOfDirectory::read(&mut handle, file, size, max_entries, max_file_bytes)?;
        let mut directory = vec![0u8; end.size as usize];
        read_at(&mut handle, file, end.offset, &mut directory)?;
        let slots = declared_entries(file, &directory, end.count, rules)?;
        required_entries_present(file, rules, &slots)?;
        laid_back_to_back(&mut handle, file, &slots, end.offset)?;
        Ok(Archive {
            path: file.to_path_buf(),
            file: handle,
            slots,
        })
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.slots.iter().map(|s| s.name.as_str())
    }

    pub fn size(&self, name: &str) -> Option<u64> {
        self.slots.iter().find(|s| s.name == name).map(|s| s.size)
    }

    /// Where entry `name`'s bytes lie in the file: the offset of its first byte and its
    /// length. Entries are stored, so a range of the entry is the same range of the file.
    pub fn span(&self, name: &str) -> Option<(u64, u64)> {
        self.slots
            .iter()
            .find(|s| s.name == name)
            .map(|s| (s.offset + LOCAL_LEN + s.name.len() as u64, s.size))
    }

    /// Feeds entry `name` to `sink` in pieces, then checks its CRC-32.
    pub fn stream(&mut self, name: &str, mut sink: impl FnMut(&[u8])) -> Result<()> {
        let path = self.path.clone();
        let slot = self
            .slots
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| refuse(&path, Refusal::MissingEntry { name: name.into() }))?;
        let (data, size, crc) = (
            slot.offset + LOCAL_LEN + slot.name.len() as u64,
            slot.size,
            slot.crc,
        );
        self.file
            .seek(SeekFrom::Start(data))
            .map_err(|e| Error::io(&path, e))?;
        let mut hasher = crc32fast::Hasher::new();
        let mut left = size;
        let mut buffer = vec![0u8; (1 << 20).min(size as usize).max(1)];
        while left > 0 {
            let piece = &mut buffer[..left.min(1 << 20) as usize];
            self.file
                .read_exact(piece)
                .map_err(|e| Error::io(&path, e))?;
            hasher.update(piece);
            sink(piece);
            left -= piece.len() as u64;
        }
        if hasher.finalize() != crc {
            return Err(refuse(&path, Refusal::CrcMismatch { name: name.into() }));
        }
        Ok(())
    }

    /// Entry `name`, whole, its CRC-32 checked.
    pub fn read(&mut self, name: &str) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(self.size(name).unwrap_or(0) as usize);
        self.stream(name, |piece| out.extend_from_slice(piece))?;
        Ok(out)
    }
}

fn read_at(handle: &mut (impl Read + Seek), file: &Path, at: u64, into: &mut [u8]) -> Result<()> {
    handle
        .seek(SeekFrom::Start(at))
        .and_then(|_| handle.read_exact(into))
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => unreadable(file, "cut short"),
            _ => Error::io(file, e),
        })
}

/// Where the central directory lies and how many entries it declares.
struct EndOfDirectory {
    count: usize,
    size: u64,
    offset: u64,
}

impl EndOfDirectory {
    /// The end record, checked: one disk, no comment, and the directory right before it.
    fn read(
        handle: &mut (impl Read + Seek),
        file: &Path,
        size: u64,
        max_entries: usize,
        max_file_bytes: u64,
    ) -> Result<EndOfDirectory> {
        if size > max_file_bytes {
            return Err(refuse(file, Refusal::TooLarge { bytes: size }));
        }
        if size < END_LEN {
            return Err(unreadable(file, "no end of central directory"));
        }
        let mut end = [0u8; END_LEN as usize];
        read_at(handle, file, size - END_LEN, &mut end)?;
        let (count, cd_size, cd_offset) = (
            u16_at(&end, 10) as usize,
            u32_at(&end, 12) as u64,
            u32_at(&end, 16) as u64,
        );
        if u32_at(&end, 0) != END
            || u16_at(&end, 4) != 0
            || u16_at(&end, 6) != 0
            || u16_at(&end, 8) as usize != count
            || u16_at(&end, 20) != 0
            || cd_offset + cd_size != size - END_LEN
        {
            return Err(unreadable(file, "no end of central directory"));
        }
        if count > max_entries {
            return Err(refuse(file, Refusal::TooManyEntries { count }));
        }
        // No name either format allows is longer than a kilobyte: a directory claiming
        // more than that per entry is not read into memory at all.
        if cd_size > count as u64 * MAX_CENTRAL_BYTES {
            return Err(unreadable(
                file,
                "central directory larger than its entries",
            ));
        }
        Ok(EndOfDirectory {
            count,
            size: cd_size,
            offset: cd_offset,
        })
    }
}

/// The `count` entries the central directory declares, each stored, allowed by a rule,
/// within its size and named once; the directory holds nothing after them.
fn declared_entries(
    file: &Path,
    directory: &[u8],
    count: usize,
    rules: &[EntryRule],
) -> Result<Vec<Slot>> {
    let mut slots: Vec<Slot> = Vec::with_capacity(count);
    let mut at = 0usize;
    for i in 0..count {
        let (slot, length) = declared_entry(file, directory, at, i, rules)?;
        if slots.iter().any(|s| s.name == slot.name) {
            return Err(refuse(file, Refusal::DuplicateEntry { name: slot.name }));
        }
        slots.push(slot);
        at += length;
    }
    if at != directory.len() {
        return Err(unreadable(file, "central directory size"));
    }
    Ok(slots)
}

/// Entry `i`, whose central header starts at `at`, and how many bytes that header takes.
fn declared_entry(
    file: &Path,
    directory: &[u8],
    at: usize,
    i: usize,
    rules: &[EntryRule],
) -> Result<(Slot, usize)> {
    let header = directory
        .get(at..at + CENTRAL_LEN)
        .ok_or_else(|| unreadable(file, format!("central header {i} cut short")))?;
    let name_len = u16_at(header, 28) as usize;
    if u32_at(header, 0) != CENTRAL
        || u16_at(header, 30) != 0
        || u16_at(header, 32) != 0
        || u16_at(header, 34) != 0
    {
        return Err(unreadable(file, format!("central header {i}")));
    }
    if u16_at(header, 8) != 0 {
        return Err(unreadable(file, format!("entry {i}: flags")));
    }
    let (method, crc, stored, plain) = (
        u16_at(header, 10),
        u32_at(header, 16),
        u32_at(header, 20) as u64,
        u32_at(header, 24) as u64,
    );
    let raw_name = directory
        .get(at + CENTRAL_LEN..at + CENTRAL_LEN + name_len)
        .ok_or_else(|| unreadable(file, format!("central header {i} cut short")))?;
    let name = String::from_utf8_lossy(raw_name).into_owned();
    if method != 0 || stored != plain {
        return Err(refuse(file, Refusal::CompressedEntry { name }));
    }
    let rule = rules
        .iter()
        .find(|r| std::str::from_utf8(raw_name).is_ok() && (r.matches)(&name))
        .ok_or_else(|| refuse(file, Refusal::UnexpectedEntry { name: name.clone() }))?;
    if plain > rule.max_bytes {
        return Err(refuse(file, Refusal::OversizedEntry { name, bytes: plain }));
    }
    let mut fixed = [0u8; 22];
    fixed.copy_from_slice(&header[6..28]);
    let slot = Slot {
        name,
        fixed,
        offset: u32_at(header, 42) as u64,
        size: plain,
        crc,
    };
    Ok((slot, CENTRAL_LEN + name_len))
}

fn required_entries_present(file: &Path, rules: &[EntryRule], slots: &[Slot]) -> Result<()> {
    for rule in rules.iter().filter(|r| r.required) {
        if !slots.iter().any(|s| (rule.matches)(&s.name)) {
            let name = rule.name.to_string();
            return Err(refuse(file, Refusal::MissingEntry { name }));
        }
    }
    Ok(())
}

/// Back to back from byte 0 to the central directory, each local header repeating its
/// central one: nothing hidden between entries, and no entry can claim bytes the file
/// does not have.
fn laid_back_to_back(
    handle: &mut (impl Read + Seek),
    file: &Path,
    slots: &[Slot],
    directory_offset: u64,
) -> Result<()> {
    let mut next = 0u64;
    for slot in slots {
        let mismatch = || {
            refuse(
                file,
                Refusal::HeaderMismatch {
                    name: slot.name.clone(),
                },
            )
        };
        let data = slot.offset + LOCAL_LEN + slot.name.len() as u64;
        if slot.offset != next || data + slot.size > directory_offset {
            return Err(mismatch());
        }
        let mut local = vec![0u8; LOCAL_LEN as usize + slot.name.len()];
        read_at(handle, file, slot.offset, &mut local)?;
        if u32_at(&local, 0) != LOCAL
            || local[4..26] != slot.fixed
            || u16_at(&local, 26) as usize != slot.name.len()
            || u16_at(&local, 28) != 0
            || local[30..] != *slot.name.as_bytes()
        {
            return Err(mismatch());
        }
        next = data + slot.size;
    }
    if next != directory_offset {
        return Err(unreadable(
            file,
            "bytes between the entries and the directory",
        ));
    }
    Ok(())
}

/// Reads every entry of the zip at `file`, refusing anything the rules do not allow.
pub fn read(
    file: &Path,
    rules: &[EntryRule],
    max_entries: usize,
    max_file_bytes: u64,
) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut archive = Archive::open(file, rules, max_entries, max_file_bytes)?;
    let names: Vec<String> = archive.names().map(String::from).collect();
    let mut out = BTreeMap::new();
    for name in names {
        let bytes = archive.read(&name)?;
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

/// Writes `bytes` to a new file at `dest`, or beside it as `name (2).ext`, `name (3).ext`,
/// … when that name is taken; never over an existing file, whatever the save dialog was
/// told (a package's materials are named by whoever sent them). Returns the path written.
pub fn write_bytes_new(dest: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let stem = dest
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let extension = dest
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    for n in 1..100 {
        let path = if n == 1 {
            dest.to_path_buf()
        } else {
            dest.with_file_name(format!("{stem} ({n}){extension}"))
        };
        let mut file = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&path, e)),
        };
        if let Err(e) = file.write_all(bytes).and_then(|()| file.sync_all()) {
            // Half a file under the name the user chose would pass for the whole one.
            drop(file);
            let _ = std::fs::remove_file(&path);
            return Err(Error::io(&path, e));
        }
        return Ok(path);
    }
    Err(Error::AlreadyExists {
        path: dest.to_path_buf(),
    })
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
