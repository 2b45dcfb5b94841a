//! Opening an untrusted workbook without letting it hurt us.
//!
//! calamine can be made to abort the whole process (not panic: allocate terabytes) by a
//! tiny crafted file, and `catch_unwind` cannot stop an abort. So the parse runs in a
//! child process (`paneldesk __read-workbooks`, the same binary; see `pool`) with an address-space
//! limit and a wall-clock limit, after cheap checks of the container that refuse zip bombs
//! and lying sizes before any parser sees them. Whatever the file does, the clerk gets an
//! error for that file and everything else carries on.

use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{Data, DataRef, Reader, SheetType, SheetVisible, Sheets, XlsxError};
use serde::{Deserialize, Serialize};

use super::grid::FormDate;
use super::grid::Grid;
use super::wire::{self, AnswerWriter, Value};

/// Bounds on what a nomination workbook may be; generous for a real one.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_zip_entries: usize,
    pub max_uncompressed_bytes: u64,
    /// Uncompressed over compressed size, per entry larger than 1 MiB.
    pub max_compression_ratio: u64,
    pub max_rows: usize,
    pub max_columns: usize,
    pub max_cell_chars: usize,
    /// Cells of one sheet once laid out as rows, counting the empty ones before each
    /// row's last cell: one value in column IV of every row is 12.8 million of them.
    pub max_cells: usize,
    /// Address space of the parsing child.
    pub child_memory_bytes: u64,
    pub child_seconds: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 64 << 20,
            max_zip_entries: 4096,
            max_uncompressed_bytes: 512 << 20,
            max_compression_ratio: 200,
            max_rows: 50_000,
            max_columns: 256,
            max_cell_chars: 20_000,
            max_cells: 4_000_000,
            child_memory_bytes: 2 << 30,
            child_seconds: 60,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum WorkbookError {
    #[error("cannot read the file: {detail}")]
    Io { detail: String },
    #[error("file too large: {bytes} bytes")]
    FileTooLarge { bytes: u64 },
    #[error("not a workbook")]
    NotAWorkbook,
    #[error("password protected")]
    PasswordProtected,
    #[error("suspicious archive: {reason}")]
    SuspiciousArchive { reason: String },
    #[error("sheet {sheet} too large: {rows} rows x {columns} columns")]
    TooManyCells {
        sheet: String,
        rows: usize,
        columns: usize,
    },
    #[error("the workbook could not be parsed: {detail}")]
    Unreadable { detail: String },
    #[error("no visible worksheet")]
    NoWorksheet,
    #[error("the parser was stopped: {detail}")]
    ParserStopped { detail: String },
}

impl WorkbookError {
    pub fn code(&self) -> &'static str {
        match self {
            WorkbookError::Io { .. } => "io",
            WorkbookError::FileTooLarge { .. } => "file_too_large",
            WorkbookError::NotAWorkbook => "not_a_workbook",
            WorkbookError::PasswordProtected => "password_protected",
            WorkbookError::SuspiciousArchive { .. } => "suspicious_archive",
            WorkbookError::TooManyCells { .. } => "too_many_cells",
            WorkbookError::Unreadable { .. } => "unreadable",
            WorkbookError::NoWorksheet => "no_worksheet",
            WorkbookError::ParserStopped { .. } => "parser_stopped",
        }
    }

    pub fn message_zh(&self, file: &Path) -> String {
        let f = file.display();
        match self {
            WorkbookError::Io { detail } => format!("无法读取文件 {f}：{detail}"),
            WorkbookError::FileTooLarge { bytes } => {
                format!("文件 {f} 过大（{} MB），不像推荐汇总表，未导入", bytes >> 20)
            }
            WorkbookError::NotAWorkbook => {
                format!("文件 {f} 不是 Excel（.xlsx/.xls）或 WPS/LibreOffice（.ods）表格，或已损坏")
            }
            WorkbookError::PasswordProtected => {
                format!("文件 {f} 设有打开密码，请报送单位去掉密码后重新报送")
            }
            WorkbookError::SuspiciousArchive { reason } => {
                format!("文件 {f} 的内部结构异常（{reason}），为安全起见未打开")
            }
            WorkbookError::TooManyCells { sheet, rows, columns } => format!(
                "文件 {f} 的工作表“{sheet}”过大（{rows} 行 × {columns} 列），不像推荐汇总表，未导入"
            ),
            WorkbookError::Unreadable { detail } => format!("文件 {f} 无法解析：{detail}"),
            WorkbookError::NoWorksheet => format!("文件 {f} 中没有可见的工作表"),
            WorkbookError::ParserStopped { detail } => format!(
                "读取文件 {f} 时超出了安全限制（{detail}），已停止；文件可能损坏或被构造过，请核实后重新报送"
            ),
        }
    }

    pub fn message_en(&self, file: &Path) -> String {
        let f = file.display();
        match self {
            WorkbookError::Io { detail } => format!("Cannot read {f}: {detail}"),
            WorkbookError::FileTooLarge { bytes } => {
                format!("{f} is too large ({} MB) for a nomination workbook; not imported", bytes >> 20)
            }
            WorkbookError::NotAWorkbook => {
                format!("{f} is not an Excel (.xlsx/.xls) or OpenDocument (.ods) workbook, or it is damaged")
            }
            WorkbookError::PasswordProtected => {
                format!("{f} is password protected; ask the university to send it without a password")
            }
            WorkbookError::SuspiciousArchive { reason } => {
                format!("{f} has a suspicious internal structure ({reason}); not opened, for safety")
            }
            WorkbookError::TooManyCells { sheet, rows, columns } => format!(
                "Sheet \"{sheet}\" of {f} is too large ({rows} rows x {columns} columns) for a nomination workbook; not imported"
            ),
            WorkbookError::Unreadable { detail } => format!("{f} could not be parsed: {detail}"),
            WorkbookError::NoWorksheet => format!("{f} has no visible worksheet"),
            WorkbookError::ParserStopped { detail } => format!(
                "Reading {f} went past a safety limit ({detail}) and was stopped; the file may be damaged or crafted"
            ),
        }
    }
}

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
pub fn read_unguarded(extension: &str, bytes: Vec<u8>, limits: &Limits) -> Vec<u8> {
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

/// Reads `path` in a child process (see [`super::pool`]) with an address-space limit and
/// a deadline, after [`preflight`]. `exe` is a `paneldesk` binary.
pub fn read_isolated(exe: &Path, path: &Path, limits: &Limits) -> Result<Vec<Grid>, WorkbookError> {
    super::pool::ParserPool::new(exe, limits.clone()).parse_one(path)
}

/// The binary to run the child with: this one, when it is `paneldesk`.
pub fn default_exe() -> Option<PathBuf> {
    std::env::current_exe().ok()
}
