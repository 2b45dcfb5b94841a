//! Opening an untrusted workbook without letting it hurt us.
//!
//! calamine can be made to abort the whole process (not panic: allocate terabytes) by a
//! tiny crafted file, and `catch_unwind` cannot stop an abort. So the parse runs in a
//! child process (`paneldesk __read-workbooks`, the same binary; see `pool`) with an address-space
//! limit and a wall-clock limit, after cheap checks of the container that refuse zip bombs
//! and lying sizes before any parser sees them. Whatever the file does, the clerk gets an
//! error for that file and everything else carries on.

use std::io::Read;
use std::path::Path;

use calamine::{Data, DataRef, Reader, SheetType, SheetVisible, Sheets, XlsxError};

use super::grid::FormDate;
pub use super::limits::{Limits, WorkbookError};
use super::wire::{self, AnswerWriter, Value};

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Looks at the container before any parser does: size, kind, and for zip-based formats
/// the entry count, the declared sizes and the compression ratios.
pub fn preflight(path: &Path, limits: &Limits) -> Result<(), WorkbookError> {
    let io = |e: std::io::Error| WorkbookError::Io {
        detail: e.to_string(),
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > limits.max_file_bytes {
        return Err(WorkbookError::FileTooLarge { bytes: size });
    }
    let mut head = [0u8; 8];
    let n = std::fs::File::open(path)
        .map_err(io)?
        .read(&mut head)
        .map_err(io)?;
    let head = &head[..n];
    if head.starts_with(OLE_MAGIC) {
        // Encrypted .xlsx files are OLE containers holding an EncryptionInfo stream.
        let bytes = std::fs::read(path).map_err(io)?;
        let marker: Vec<u8> = "EncryptionInfo"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        if bytes.windows(marker.len()).any(|w| w == marker.as_slice()) {
            return Err(WorkbookError::PasswordProtected);
        }
        return Ok(());
    }
    if !head.starts_with(ZIP_MAGIC) {
        return Err(WorkbookError::NotAWorkbook);
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut zip = zip::ZipArchive::new(file).map_err(|_| WorkbookError::NotAWorkbook)?;
    if zip.len() > limits.max_zip_entries {
        return Err(WorkbookError::SuspiciousArchive {
            reason: format!("{} entries", zip.len()),
        });
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|_| WorkbookError::NotAWorkbook)?;
        let (packed, unpacked) = (entry.compressed_size(), entry.size());
        total = total.saturating_add(unpacked);
        if unpacked > 1 << 20 && unpacked / packed.max(1) > limits.max_compression_ratio {
            return Err(WorkbookError::SuspiciousArchive {
                reason: format!("{} compresses {}:1", entry.name(), unpacked / packed.max(1)),
            });
        }
    }
    if total > limits.max_uncompressed_bytes {
        return Err(WorkbookError::SuspiciousArchive {
            reason: format!("{} MB when unpacked", total >> 20),
        });
    }
    Ok(())
}

/// The text of a cell, cut to `max_chars` characters.
fn capped(s: &str, max_chars: usize) -> &str {
    // A string of at most `max_chars` bytes has at most that many characters.
    if s.len() <= max_chars {
        return s;
    }
    s.char_indices()
        .nth(max_chars)
        .map_or(s, |(at, _)| &s[..at])
}

/// Adds one parsed cell to the answer; empty cells are left out.
fn put(
    answer: &mut AnswerWriter,
    (row, column): (u32, u32),
    data: &DataRef,
    max_chars: usize,
) -> Result<(), WorkbookError> {
    let error_text;
    let value = match data {
        DataRef::Empty => return Ok(()),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Value::Text(capped(s, max_chars))
        }
        DataRef::SharedString(s) => Value::Text(capped(s, max_chars)),
        DataRef::Float(f) => Value::Number(*f),
        DataRef::Int(i) => Value::Number(*i as f64),
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::DateTime(d) if d.is_datetime() => {
            // to_ymd_hms_milli applies the workbook's own 1900 or 1904 date system.
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            FormDate::new(i32::from(y), u32::from(m), Some(u32::from(day)))
                .map_or(Value::Number(d.as_f64()), Value::Date)
        }
        DataRef::DateTime(d) => Value::Number(d.as_f64()),
        DataRef::Error(e) => {
            error_text = e.to_string();
            Value::Error(&error_text)
        }
    };
    answer.cell(row, column, value)
}

/// The same cell as [`put`] takes it, for the formats read through a whole range.
fn borrowed(data: &Data) -> DataRef<'_> {
    match data {
        Data::Empty => DataRef::Empty,
        Data::String(s) => DataRef::SharedString(s),
        Data::Float(f) => DataRef::Float(*f),
        Data::Int(i) => DataRef::Int(*i),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(d) => DataRef::DateTime(*d),
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
        Data::Error(e) => DataRef::Error(e.clone()),
    }
}

/// The parse itself, as the answer the child sends (see [`super::wire`]). Runs inside
/// the child process; never call it on untrusted input in a process whose death matters.
/// The child is handed the file's bytes, not its path (it has no file system; see
/// [`super::child`]); `extension` (lower case) picks the reader.
pub(super) fn read_unguarded(extension: &str, bytes: Vec<u8>, limits: &Limits) -> Vec<u8> {
    let mut answer = AnswerWriter::new(limits);
    match read_sheets(extension, bytes, limits, &mut answer) {
        Ok(()) => answer.finish(),
        Err(e) => wire::failed(&e),
    }
}

/// A workbook's lower-case extension, as the child is told it.
pub fn extension_of(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

type Bytes = std::io::Cursor<Vec<u8>>;

fn open_sheets(extension: &str, data: Bytes) -> Result<Sheets<Bytes>, calamine::Error> {
    use calamine::{open_workbook_from_rs, Error as E, Ods, Xls, Xlsb, Xlsx};
    Ok(match extension {
        "xls" => Sheets::Xls(open_workbook_from_rs::<Xls<_>, _>(data).map_err(E::Xls)?),
        "xlsx" | "xlsm" => {
            Sheets::Xlsx(open_workbook_from_rs::<Xlsx<_>, _>(data).map_err(E::Xlsx)?)
        }
        "xlsb" => Sheets::Xlsb(open_workbook_from_rs::<Xlsb<_>, _>(data).map_err(E::Xlsb)?),
        "ods" => Sheets::Ods(open_workbook_from_rs::<Ods<_>, _>(data).map_err(E::Ods)?),
        _ => calamine::open_workbook_auto_from_rs(data)?,
    })
}

fn read_sheets(
    extension: &str,
    bytes: Vec<u8>,
    limits: &Limits,
    answer: &mut AnswerWriter,
) -> Result<(), WorkbookError> {
    let unreadable = |e: &dyn std::fmt::Display| WorkbookError::Unreadable {
        detail: e.to_string(),
    };
    let data = std::io::Cursor::new(bytes);
    let date1904 = counts_from_1904(data.clone());
    let mut workbook = open_sheets(extension, data).map_err(|e| unreadable(&e))?;
    let visible: Vec<String> = workbook
        .sheets_metadata()
        .iter()
        .filter(|s| s.visible == SheetVisible::Visible && s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    if visible.is_empty() {
        return Err(WorkbookError::NoWorksheet);
    }
    // Date-formatted cells arrive resolved (see put); the epoch matters for serials
    // typed into unformatted cells (`date1904`, read above).
    for name in visible {
        // Cells keep the sheet's own coordinates: row numbers in messages must match
        // what the clerk sees in Excel.
        answer.begin_sheet(&name, date1904);
        if let Sheets::Xlsx(xlsx) = &mut workbook {
            // Streamed: no dense range is built, so a sheet claiming the last cell of
            // Excel is refused at that cell instead of allocating for it.
            let mut cells = match xlsx.worksheet_cells_reader(&name) {
                Ok(cells) => cells,
                Err(XlsxError::NotAWorksheet(_)) => continue,
                Err(e) => return Err(unreadable(&e)),
            };
            while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
                put(
                    answer,
                    cell.get_position(),
                    cell.get_value(),
                    limits.max_cell_chars,
                )?;
            }
            continue;
        }
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| unreadable(&e))?;
        let (rows, columns) = range.get_size();
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let rows_total = rows + first_row as usize;
        let columns_total = columns + first_col as usize;
        if rows_total > limits.max_rows || columns_total > limits.max_columns {
            return Err(WorkbookError::TooManyCells {
                sheet: name,
                rows: rows_total,
                columns: columns_total,
            });
        }
        for (row, column, data) in range.used_cells() {
            let at = (first_row + row as u32, first_col + column as u32);
            put(answer, at, &borrowed(data), limits.max_cell_chars)?;
        }
    }
    Ok(())
}

/// How much of the part that declares the epoch is read: it sits near the start.
const EPOCH_SEARCH_BYTES: u64 = 1 << 20;

/// Whether the workbook counts dates from 1904: old Mac Excel and "1904 date system"
/// xlsx files say so in `xl/workbook.xml` (`<workbookPr date1904="1"/>`), LibreOffice
/// files in `content.xml` (`<table:null-date table:date-value="1904-01-01"/>`). calamine
/// applies the epoch to date-formatted cells but does not tell us about it. `.xls`
/// (the BIFF DATEMODE record) is not looked at: such files are read as 1900.
fn counts_from_1904(data: Bytes) -> bool {
    let Ok(mut zip) = zip::ZipArchive::new(data) else {
        return false;
    };
    let mut head = |name: &str| -> Option<String> {
        let entry = zip.by_name(name).ok()?;
        let mut bytes = Vec::new();
        entry
            .take(EPOCH_SEARCH_BYTES)
            .read_to_end(&mut bytes)
            .ok()?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    };
    if let Some(xml) = head("xl/workbook.xml") {
        return element(&xml, "<workbookPr").is_some_and(|e| {
            [
                "date1904=\"1\"",
                "date1904=\"true\"",
                "date1904='1'",
                "date1904='true'",
            ]
            .iter()
            .any(|a| e.contains(a))
        });
    }
    if let Some(xml) = head("content.xml") {
        return element(&xml, "<table:null-date").is_some_and(|e| e.contains("1904-01-01"));
    }
    false
}

/// The text of the first element named by `open` (`<workbookPr`, not
/// `<workbookProtection`), up to its closing `>`.
fn element<'a>(xml: &'a str, open: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(at) = xml[from..].find(open) {
        let rest = &xml[from + at..];
        let after = rest[open.len()..].chars().next();
        if after.is_some_and(|c| c.is_whitespace() || c == '/' || c == '>') {
            return Some(&rest[..rest.find('>')?]);
        }
        from += at + open.len();
    }
    None
}
