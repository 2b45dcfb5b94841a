//! Reading nomination workbooks as universities really fill them in.
//!
//! This module grows in steps: `normalize` holds the pure value rules (width folding,
//! dates, 是/否, numbers that should have been text) that the workbook reader applies to
//! every cell. The reader itself, which parses untrusted files in a child process, builds
//! on them.

pub mod eligibility;
pub mod file;
pub mod grid;
pub mod header;
pub mod normalize;
pub mod problem;
pub mod rows;
pub mod university;
pub mod workbook;
