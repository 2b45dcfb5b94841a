//! Reading nomination workbooks as universities really fill them in.
//!
//! `source` sorts what the clerk drops into workbooks and packages; `materials` opens
//! packages; `workbook` and `pool` parse untrusted files in child processes into `grid`s;
//! `header`, `rows` and `normalize` turn grids into nominations with located `problem`s;
//! `eligibility` and `university` apply the rules, `honours` the register's memory of
//! earlier awards; `file` stores one file in one
//! transaction.

pub mod eligibility;
pub mod file;
pub mod header;
pub mod honours;
pub mod material_type;
pub mod materials;
pub mod normalize;
pub mod problem;
pub mod rows;
pub mod source;
pub mod university;

pub use source::{sources_in, Source};
