//! What a workbook may be (its limits) and every way reading one can fail: shared by the
//! parent, which checks and refuses, and the child, which answers over the wire.

use std::path::Path;

use serde::{Deserialize, Serialize};

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
