//! Use cases: one function for each thing a person does, whole. The CLI and the shell
//! call these rather than chaining the core's steps themselves, so both edges do the
//! same thing in the same order. A use case takes the clock and the acting person as
//! parameters; reading them is the edges' job (`ambient`).
//!
//! This layer is new: the jobs that already chain several parts (importing with the
//! register's cross-year checks first) live here; the rest still sit in their domain
//! modules and move here as they grow a second step.

pub mod import;
