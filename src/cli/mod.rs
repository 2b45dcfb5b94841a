//! The command line's command groups, one file each; `main.rs` parses and dispatches.
//! Shared by the groups: how a review is named (`args`), argument text to values
//! (`parse`), printing (`out`) and what to type after an error (`hints`).

pub mod args;
pub mod audit;
pub mod ballot;
pub mod docs;
pub mod follow_up;
pub mod hints;
pub mod meeting;
pub mod nomination;
pub mod out;
pub mod paper;
pub mod parse;
pub mod publication;
pub mod report;
pub mod review;
pub mod round;
pub mod rubric;
pub mod setup;
