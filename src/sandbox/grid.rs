//! A worksheet as the importer sees it: rows of plain cells, decoupled from the workbook
//! library, so the rules below can be tested on grids written in the test itself and the
//! parser can run in another process and hand over just this.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A cell the workbook formats as a date, already resolved from its date system.
    Date(super::normalize::FormDate),
    /// `#N/A`, `#REF!` and friends.
    Error(String),
}

impl Cell {
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.chars().all(char::is_whitespace),
            _ => false,
        }
    }

    /// The cell as a person reads it, for headers, extra columns and messages.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => super::normalize::trim(t).to_string(),
            Cell::Number(n) => {
                super::normalize::whole_number_text(*n).unwrap_or_else(|| n.to_string())
            }
            Cell::Date(d) => d.iso(),
            Cell::Bool(b) => if *b { "是" } else { "否" }.to_string(),
            Cell::Error(e) => e.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    pub sheet: String,
    /// Whether plain numbers in date columns count from 1904 (old Mac Excel). Cells the
    /// workbook formats as dates arrive resolved; this only matters for serials typed
    /// into unformatted cells.
    pub date1904: bool,
    pub rows: Vec<Vec<Cell>>,
}

impl Grid {
    pub fn cell(&self, row: usize, col: usize) -> &Cell {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&Cell::Empty)
    }
}

/// Spreadsheet column letters for a zero-based index: 0 → A, 25 → Z, 26 → AA.
pub fn column_letters(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_spreadsheets_name_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(column_letters(16383), "XFD");
    }
}
