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
    Date(FormDate),
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
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) => whole_number_text(*n).unwrap_or_else(|| n.to_string()),
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

/// A date as forms give it: a month is often all there is (出生年月, 入党时间 2021.07).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct FormDate {
    pub year: i32,
    pub month: u32,
    pub day: Option<u32>,
}

impl FormDate {
    pub fn new(year: i32, month: u32, day: Option<u32>) -> Option<FormDate> {
        if !(1900..=2100).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if let Some(d) = day {
            if d < 1 || d > days_in_month(year, month) {
                return None;
            }
        }
        Some(FormDate { year, month, day })
    }

    /// `2021-07` or `2021-07-01`: ISO 8601, sortable, and what the reports print. Written
    /// by hand for the years a form can hold: `format!` cost more than parsing the date.
    pub fn iso(&self) -> String {
        let two = |s: &mut String, n: u32| {
            s.push(char::from(b'0' + (n / 10 % 10) as u8));
            s.push(char::from(b'0' + (n % 10) as u8));
        };
        let (year, month, day) = (self.year, self.month, self.day);
        if !(0..=9999).contains(&year) || month > 99 || day.is_some_and(|d| d > 99) {
            return match day {
                Some(d) => format!("{year:04}-{month:02}-{d:02}"),
                None => format!("{year:04}-{month:02}"),
            };
        }
        let mut s = String::with_capacity(10);
        two(&mut s, year as u32 / 100);
        two(&mut s, year as u32 % 100);
        s.push('-');
        two(&mut s, month);
        if let Some(d) = day {
            s.push('-');
            two(&mut s, d);
        }
        s
    }
}

impl std::fmt::Display for FormDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.iso())
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A whole number typed into a cell that Excel stored as a number (phone numbers, student
/// numbers, member counts) back as the digits the person typed: 13812345678.0 → "13812345678".
/// `None` when it is not a whole number that f64 holds exactly.
pub fn whole_number_text(n: f64) -> Option<String> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if n.is_finite() && n.fract() == 0.0 && n.abs() < EXACT {
        Some(format!("{}", n as i64))
    } else {
        None
    }
}
