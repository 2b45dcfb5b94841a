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

/// Fresh random bytes from the operating system, for keys, salts and nonces.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // Without OS randomness no key can be made safely: stopping is the only right answer.
    getrandom::fill(&mut bytes).expect("the operating system's random number generator");
    bytes
}

/// New clerk keys: a random Ed25519 seed and a new age identity.
pub fn new_clerk_keys() -> crate::keys::ClerkKeys {
    use age::secrecy::ExposeSecret;
    crate::keys::ClerkKeys {
        signing_seed: crate::keys::hex(&random_bytes::<32>()),
        age_identity: age::x25519::Identity::generate()
            .to_string()
            .expose_secret()
            .to_string(),
    }
}

/// Now, in whole seconds since 1970, for back-off timers.
pub fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Today's date where the clerk is (UTC when the local offset cannot be read safely):
/// what reports and certificates are dated.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_local()
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .date()
}
