//! What a parsing child sends back on its stdout: the sheets' non-empty cells, each with
//! its position, in a small binary form the parent turns into [`Grid`]s.
//!
//! JSON of whole grids cost a fifth of a folder import: the child wrote every empty cell
//! of a dense range and the parent parsed it back. Here the child streams the cells as the
//! parser yields them, and the parent, which trusts nothing that crosses the pipe, checks
//! every length, position, date and UTF-8 string while it rebuilds the grid.
//!
//! ```text
//! answer  := 0x00 sheet* 0x00          a workbook's sheets
//!          | 0x01 json(WorkbookError)  the child could not read it
//! sheet   := 0x01 str(name) u8(date1904) cell* 0x00
//! cell    := tag u32(row) u32(column) payload
//!   tag 1 text   str        tag 2 number f64     tag 3 bool u8
//!   tag 4 date   i32(year) u8(month) u8(day, 0 = none)   tag 5 error str
//! str     := u32(byte length) UTF-8 bytes      (integers and floats little-endian)
//! ```

use super::grid::FormDate;
use super::grid::{Cell, Grid};
use super::limits::{Limits, WorkbookError};

const GRIDS: u8 = 0;
const FAILED: u8 = 1;
const MORE: u8 = 1;
const END: u8 = 0;
const TEXT: u8 = 1;
const NUMBER: u8 = 2;
const BOOL: u8 = 3;
const DATE: u8 = 4;
const ERROR: u8 = 5;

/// A cell value on its way into the answer, borrowed from the parser where it can be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Text(&'a str),
    Number(f64),
    Bool(bool),
    Date(FormDate),
    Error(&'a str),
}

/// The child's side: one answer, written as the cells arrive. Also keeps the sheet within
/// the limits, so a crafted sheet is refused by the child rather than by the parent.
pub struct AnswerWriter<'l> {
    bytes: Vec<u8>,
    limits: &'l Limits,
    sheet: Option<SheetBounds>,
}

/// How much room the sheet being written will take once dense, as the parent builds it.
struct SheetBounds {
    name: String,
    row_lengths: Vec<u16>,
    cells: usize,
}

impl<'l> AnswerWriter<'l> {
    pub fn new(limits: &'l Limits) -> Self {
        AnswerWriter {
            bytes: vec![GRIDS],
            limits,
            sheet: None,
        }
    }

    pub fn begin_sheet(&mut self, name: &str, date1904: bool) {
        self.end_sheet();
        self.bytes.push(MORE);
        put_str(&mut self.bytes, name);
        self.bytes.push(u8::from(date1904));
        self.sheet = Some(SheetBounds {
            name: name.to_string(),
            row_lengths: Vec::new(),
            cells: 0,
        });
    }

    /// Adds a non-empty cell of the sheet begun last. Refuses a cell outside the limits,
    /// or one that would make the sheet's grid larger than `max_cells`.
    pub fn cell(&mut self, row: u32, column: u32, value: Value) -> Result<(), WorkbookError> {
        let Some(sheet) = self.sheet.as_mut() else {
            return Err(WorkbookError::NoWorksheet);
        };
        let (r, c) = (row as usize, column as usize);
        let too_many = |sheet: &SheetBounds| WorkbookError::TooManyCells {
            sheet: sheet.name.clone(),
            rows: (r + 1).max(sheet.row_lengths.len()),
            columns: c + 1,
        };
        if r >= self.limits.max_rows || c >= self.limits.max_columns.min(u16::MAX as usize) {
            return Err(too_many(sheet));
        }
        if sheet.row_lengths.len() <= r {
            sheet.row_lengths.resize(r + 1, 0);
        }
        let width = sheet.row_lengths[r] as usize;
        if c >= width {
            sheet.cells += c + 1 - width;
            sheet.row_lengths[r] = (c + 1) as u16;
            if sheet.cells > self.limits.max_cells {
                return Err(too_many(sheet));
            }
        }
        let out = &mut self.bytes;
        let tag = match value {
            Value::Text(_) => TEXT,
            Value::Number(_) => NUMBER,
            Value::Bool(_) => BOOL,
            Value::Date(_) => DATE,
            Value::Error(_) => ERROR,
        };
        out.push(tag);
        out.extend(row.to_le_bytes());
        out.extend(column.to_le_bytes());
        match value {
            Value::Text(t) | Value::Error(t) => put_str(out, t),
            Value::Number(n) => out.extend(n.to_le_bytes()),
            Value::Bool(b) => out.push(u8::from(b)),
            Value::Date(d) => {
                out.extend(d.year.to_le_bytes());
                // FormDate::new keeps months in 1..=12 and days in 1..=31.
                out.push(d.month as u8);
                out.push(d.day.unwrap_or(0) as u8);
            }
        }
        Ok(())
    }

    fn end_sheet(&mut self) {
        if self.sheet.take().is_some() {
            self.bytes.push(END);
        }
    }

    pub fn finish(mut self) -> Vec<u8> {
        self.end_sheet();
        self.bytes.push(END);
        self.bytes
    }
}

/// The answer for a workbook the child could not read.
pub fn failed(error: &WorkbookError) -> Vec<u8> {
    let mut bytes = vec![FAILED];
    // A WorkbookError holds only strings and numbers: it always serialises.
    bytes.extend(serde_json::to_vec(error).unwrap_or_default());
    bytes
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend((s.len() as u32).to_le_bytes());
    out.extend(s.as_bytes());
}

/// Why an answer could not be read back; the parent reports it as a stopped parser.
#[derive(Debug, thiserror::Error)]
#[error("bad answer at byte {at}: {what}")]
pub struct BadAnswer {
    at: usize,
    what: &'static str,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn bad(&self, what: &'static str) -> BadAnswer {
        BadAnswer { at: self.at, what }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], BadAnswer> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| self.bad("cut short"))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], BadAnswer> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, BadAnswer> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32, BadAnswer> {
        self.array().map(u32::from_le_bytes)
    }

    fn str(&mut self) -> Result<&'a str, BadAnswer> {
        let len = self.u32()? as usize;
        let at = self.at;
        std::str::from_utf8(self.take(len)?).map_err(|_| BadAnswer {
            at,
            what: "not UTF-8",
        })
    }
}

/// Reads an answer back into grids, or the error the child reported.
pub fn decode(
    bytes: &[u8],
    limits: &Limits,
) -> Result<Result<Vec<Grid>, WorkbookError>, BadAnswer> {
    let mut r = Reader { bytes, at: 0 };
    match r.u8()? {
        GRIDS => {}
        FAILED => {
            return serde_json::from_slice(&bytes[1..])
                .map(Err)
                .map_err(|_| r.bad("unreadable error"));
        }
        _ => return Err(r.bad("unknown answer")),
    }
    let mut grids = Vec::new();
    loop {
        match r.u8()? {
            END => break,
            MORE => {}
            _ => return Err(r.bad("unknown sheet marker")),
        }
        let sheet = r.str()?.to_string();
        let date1904 = match r.u8()? {
            0 => false,
            1 => true,
            _ => return Err(r.bad("bad date system")),
        };
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        let mut cells = 0usize;
        loop {
            let tag = r.u8()?;
            if tag == END {
                break;
            }
            let (row, column) = (r.u32()? as usize, r.u32()? as usize);
            if row >= limits.max_rows || column >= limits.max_columns {
                return Err(r.bad("cell outside the limits"));
            }
            let cell = match tag {
                TEXT => Cell::Text(r.str()?.to_string()),
                NUMBER => Cell::Number(f64::from_le_bytes(r.array()?)),
                BOOL => Cell::Bool(r.u8()? != 0),
                DATE => {
                    let year = i32::from_le_bytes(r.array()?);
                    let (month, day) = (r.u8()?, r.u8()?);
                    let day = (day != 0).then_some(u32::from(day));
                    Cell::Date(
                        FormDate::new(year, u32::from(month), day)
                            .ok_or_else(|| r.bad("impossible date"))?,
                    )
                }
                ERROR => Cell::Error(r.str()?.to_string()),
                _ => return Err(r.bad("unknown cell")),
            };
            if rows.len() <= row {
                rows.resize_with(row + 1, Vec::new);
            }
            let cells_of_row = &mut rows[row];
            if cells_of_row.len() <= column {
                cells += column + 1 - cells_of_row.len();
                if cells > limits.max_cells {
                    return Err(r.bad("more cells than the limits allow"));
                }
                cells_of_row.resize(column + 1, Cell::Empty);
            }
            cells_of_row[column] = cell;
        }
        grids.push(Grid {
            sheet,
            date1904,
            rows,
        });
    }
    if r.at != bytes.len() {
        return Err(r.bad("bytes after the answer"));
    }
    Ok(Ok(grids))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::default()
    }

    fn one_sheet<'l>(limits: &'l Limits, name: &str) -> AnswerWriter<'l> {
        let mut w = AnswerWriter::new(limits);
        w.begin_sheet(name, false);
        w
    }

    #[test]
    fn cells_come_back_where_they_were_with_their_kinds() {
        let limits = limits();
        let mut w = AnswerWriter::new(&limits);
        w.begin_sheet("推荐汇总表", true);
        w.cell(0, 0, Value::Text("2026年推荐表")).unwrap();
        w.cell(2, 3, Value::Number(13_800_000_000.0)).unwrap();
        w.cell(2, 1, Value::Bool(true)).unwrap();
        let date = FormDate::new(2021, 7, None).unwrap();
        w.cell(3, 0, Value::Date(date)).unwrap();
        w.cell(3, 2, Value::Error("#N/A")).unwrap();
        w.begin_sheet("说明", false);
        let grids = decode(&w.finish(), &limits).unwrap().unwrap();
        assert_eq!(grids.len(), 2);
        let g = &grids[0];
        assert_eq!((g.sheet.as_str(), g.date1904), ("推荐汇总表", true));
        assert_eq!(g.rows.len(), 4);
        assert_eq!(g.cell(0, 0), &Cell::Text("2026年推荐表".into()));
        assert!(g.rows[1].is_empty());
        assert_eq!(
            g.rows[2],
            vec![
                Cell::Empty,
                Cell::Bool(true),
                Cell::Empty,
                Cell::Number(13_800_000_000.0)
            ]
        );
        assert_eq!(g.cell(3, 0), &Cell::Date(date));
        assert_eq!(g.cell(3, 2), &Cell::Error("#N/A".into()));
        assert_eq!(grids[1].sheet, "说明");
        assert!(grids[1].rows.is_empty());
    }

    #[test]
    fn a_failure_comes_back_as_the_error() {
        let error = WorkbookError::Unreadable {
            detail: "XML 不完整".into(),
        };
        assert_eq!(decode(&failed(&error), &limits()).unwrap(), Err(error));
    }

    #[test]
    fn the_child_refuses_a_sheet_too_large_to_hold() {
        let limits = limits();
        let mut w = one_sheet(&limits, "huge");
        w.cell(0, 0, Value::Text("a")).unwrap();
        let corner = w.cell(1_048_575, 16_383, Value::Text("z")).unwrap_err();
        assert_eq!(
            corner,
            WorkbookError::TooManyCells {
                sheet: "huge".into(),
                rows: 1_048_576,
                columns: 16_384
            }
        );
        // Within the row and column limits, but a last column in every row is a grid
        // of 12.8 million cells once dense.
        let mut w = one_sheet(&limits, "wide");
        let last = (limits.max_columns - 1) as u32;
        let refused = (0..limits.max_rows as u32)
            .map(|row| w.cell(row, last, Value::Bool(true)))
            .find_map(Result::err);
        assert!(
            matches!(refused, Some(WorkbookError::TooManyCells { .. })),
            "{refused:?}"
        );
    }

    #[test]
    fn damaged_answers_are_refused_never_trusted() {
        let limits = limits();
        let mut w = one_sheet(&limits, "表");
        w.cell(1, 1, Value::Text("张三")).unwrap();
        let good = w.finish();
        assert!(decode(&good, &limits).unwrap().is_ok());
        // Every cut is refused, never read as a shorter grid.
        for len in 0..good.len() {
            assert!(decode(&good[..len], &limits).is_err(), "cut at {len}");
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(decode(&trailing, &limits).is_err());
        // The text's length claims more than there is.
        let text_len_at = good.len() - 2 - 6 - 4;
        let mut lying = good.clone();
        lying[text_len_at..text_len_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode(&lying, &limits).is_err());
        // Broken UTF-8 in the text.
        let mut broken = good.clone();
        let last_byte = broken.len() - 3;
        broken[last_byte] = 0xFF;
        assert!(decode(&broken, &limits).is_err());
        // A cell outside the limits, an impossible date, an unknown tag.
        let mut far = good.clone();
        let row_at = 1 + 1 + 4 + "表".len() + 1 + 1;
        far[row_at..row_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode(&far, &limits).is_err());
        let mut tagged = good.clone();
        tagged[row_at - 1] = 9;
        assert!(decode(&tagged, &limits).is_err());
        let mut w = one_sheet(&limits, "表");
        w.cell(0, 0, Value::Date(FormDate::new(2021, 2, Some(28)).unwrap()))
            .unwrap();
        let mut bytes = w.finish();
        let day_at = bytes.len() - 3;
        bytes[day_at] = 30;
        assert!(decode(&bytes, &limits).is_err(), "30 February");
    }
}
