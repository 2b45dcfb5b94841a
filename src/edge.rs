//! What only the edges (CLI, shell) read: the clock, the user's name, fresh randomness.
//!
//! Core functions take these as parameters so that tests and audits can reproduce them;
//! keeping the readers in one place makes it easy to see that nothing else calls them.

/// Now, as RFC 3339 in UTC, the form every timestamp in a review file takes.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Who acts, for the audit log: the operating-system user until PanelDesk has sign-in.
pub fn current_actor() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "clerk".into())
}

/// Eight random hex digits that make a new review's id unique.
pub fn random_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_string()
}
