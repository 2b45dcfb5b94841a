//! What can be wrong with a cell or a row, said where it is and in both languages.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ProblemKind {
    MissingRequired,
    BadDate {
        value: String,
    },
    NotInList {
        value: String,
        allowed: Vec<String>,
    },
    NotYesNo {
        value: String,
    },
    NotAWholeNumber {
        value: String,
    },
    BadPhone {
        value: String,
    },
    /// Excel stored the ID as a number: its last digits are gone and cannot be recovered.
    IdStoredAsNumber {
        value: String,
    },
    BadIdNumber {
        value: String,
    },
    CellError {
        value: String,
    },
}

impl ProblemKind {
    /// Stable code for scripts and the UI; same as the serde tag.
    pub fn code(&self) -> &'static str {
        match self {
            ProblemKind::MissingRequired => "missing_required",
            ProblemKind::BadDate { .. } => "bad_date",
            ProblemKind::NotInList { .. } => "not_in_list",
            ProblemKind::NotYesNo { .. } => "not_yes_no",
            ProblemKind::NotAWholeNumber { .. } => "not_a_whole_number",
            ProblemKind::BadPhone { .. } => "bad_phone",
            ProblemKind::IdStoredAsNumber { .. } => "id_stored_as_number",
            ProblemKind::BadIdNumber { .. } => "bad_id_number",
            ProblemKind::CellError { .. } => "cell_error",
        }
    }
}

/// A problem located to file, sheet, row (as the spreadsheet numbers it) and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Problem {
    pub sheet: String,
    /// 1-based, as the spreadsheet shows it.
    pub row: u32,
    /// Column letters, e.g. `F`.
    pub column: String,
    pub field_zh: String,
    pub kind: ProblemKind,
}

impl Problem {
    pub fn message_zh(&self) -> String {
        let at = format!(
            "工作表“{}”第 {} 行 {} 列（{}）",
            self.sheet, self.row, self.column, self.field_zh
        );
        let what = match &self.kind {
            ProblemKind::MissingRequired => "必填项为空".to_string(),
            ProblemKind::BadDate { value } => format!("“{value}”不是可识别的日期，请写成 2021-07-01 或 2021.07"),
            ProblemKind::NotInList { value, allowed } => {
                format!("“{value}”不在可选范围内（{}）", allowed.join("、"))
            }
            ProblemKind::NotYesNo { value } => format!("“{value}”应填“是”或“否”"),
            ProblemKind::NotAWholeNumber { value } => format!("“{value}”应为整数"),
            ProblemKind::BadPhone { value } => format!("“{value}”不像电话号码"),
            ProblemKind::IdStoredAsNumber { value } => format!(
                "身份证号被存成了数字（{value}），末几位已经丢失、无法恢复；请在原表中将该列设为文本后重新填写"
            ),
            ProblemKind::BadIdNumber { value } => {
                format!("“{value}”不是有效的 18 位身份证号（位数或校验位不对）")
            }
            ProblemKind::CellError { value } => format!("单元格是公式错误 {value}"),
        };
        format!("{at}：{what}")
    }

    pub fn message_en(&self) -> String {
        let at = format!(
            "Sheet \"{}\" row {} column {} ({})",
            self.sheet, self.row, self.column, self.field_zh
        );
        let what = match &self.kind {
            ProblemKind::MissingRequired => "required but empty".to_string(),
            ProblemKind::BadDate { value } => {
                format!("\"{value}\" is not a date we can read; write 2021-07-01 or 2021.07")
            }
            ProblemKind::NotInList { value, allowed } => {
                format!("\"{value}\" is not one of {}", allowed.join(", "))
            }
            ProblemKind::NotYesNo { value } => format!("\"{value}\" should be 是 (yes) or 否 (no)"),
            ProblemKind::NotAWholeNumber { value } => format!("\"{value}\" should be a whole number"),
            ProblemKind::BadPhone { value } => format!("\"{value}\" does not look like a phone number"),
            ProblemKind::IdStoredAsNumber { value } => format!(
                "the ID number was stored as a number ({value}): its last digits are lost for good; set the column to text in the original and type it again"
            ),
            ProblemKind::BadIdNumber { value } => {
                format!("\"{value}\" is not a valid 18-character ID number (length or check character)")
            }
            ProblemKind::CellError { value } => format!("the cell holds the formula error {value}"),
        };
        format!("{at}: {what}")
    }
}
