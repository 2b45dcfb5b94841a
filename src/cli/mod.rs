//! The command line's command groups, one file each; `main.rs` parses and dispatches.

pub mod follow_up;
pub mod meeting;
pub mod nomination;
pub mod paper;
pub mod publication;
pub mod report;
pub mod round;
pub mod rubric;
pub mod setup;
