//! PanelDesk core: every rule of an offline expert review (专家评审) lives here.
//!
//! The Tauri shell (`src-tauri/`) and the `paneldesk` CLI (`src/main.rs`) are thin
//! edges over this library. Architecture invariant: this crate never depends on
//! `tauri`; `tests/it/architecture.rs` fails if it ever does.

pub mod activity;
pub mod ambient;
pub mod announcement;
pub mod audit;
pub mod bundle;
pub mod container;
pub mod corrections;
pub mod demo;
pub mod error;
pub mod folder;
pub mod follow_up;
pub mod idcard;
pub mod import;
pub mod keys;
pub mod merge;
pub mod model;
pub mod nomination_list;
pub mod objections;
pub mod ops;
pub mod package;
pub mod paper;
pub mod privacy;
pub mod readiness;
pub mod refusal;
pub mod registration;
pub mod report;
pub mod resume;
pub mod review;
pub mod roster;
pub mod rubric;
pub mod sandbox;
pub mod scoring;
pub mod seal;
pub mod spreadsheet;
pub mod store;
pub mod strict_json;
pub mod template;
pub mod workbook_template;
pub mod workspace;

pub use error::{Error, Result};
