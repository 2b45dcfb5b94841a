//! Printed output: the results summary, experts' score sheets, the announcement list and
//! certificates, as PDFs set in an embedded, subset Noto CJK face.
//!
//! Rooms: `layout` (Chinese line breaking, pure), `font` (faces and measured advances),
//! `pdf` (drawing surface and reproducible saving), `table` (paginated tables),
//! `record` (what documents read from a review), `documents` (the reports),
//! `certificate` (templates and certificate pages), `register` (serials and codes),
//! `notice` (the spot-check notice), `tally_sheet` (a 会评 ballot's 计票单), `paper_sheet` (an expert's paper 评分表).

pub mod certificate;
pub mod documents;
pub mod font;
pub mod layout;
pub mod notice;
pub mod paper_sheet;
pub mod pdf;
pub mod pinyin_order;
pub mod record;
pub mod results_workbook;
pub mod serials;
pub mod table;
pub mod tally_sheet;
