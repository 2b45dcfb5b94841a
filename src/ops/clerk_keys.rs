//! The clerk's installation keys at rest: made or sealed under a passphrase, and
//! unlocked only from their sealed form.

use std::path::Path;

use crate::error::{Error, Result};
use crate::keys::{self, ClerkKeyState, ClerkKeys};

/// Unlocks the sealed keys at `path`. Keys from before passphrases are refused
/// (`ClerkPassphraseNeeded`): they are sealed first ([`set_passphrase`]), never used as
/// they lie on disk.
pub fn unlock(path: &Path, passphrase: &str) -> Result<ClerkKeys> {
    if keys::clerk_key_state(path)? != ClerkKeyState::Protected {
        return Err(Error::ClerkPassphraseNeeded);
    }
    keys::unlock_clerk_keys(path, Some(passphrase))
}

/// Puts the keys at `path` under `passphrase` and answers with them unlocked: on a
/// computer without keys, `fresh` become them; keys from before passphrases are sealed;
/// sealed keys get the new passphrase once `current` opens them. `salt` and `nonce` are
/// fresh randomness for the seal.
pub fn set_passphrase(
    path: &Path,
    current: Option<&str>,
    passphrase: &str,
    fresh: ClerkKeys,
    salt: [u8; 16],
    nonce: [u8; 12],
) -> Result<ClerkKeys> {
    match keys::clerk_key_state(path)? {
        ClerkKeyState::Missing => keys::create_clerk_keys(path, fresh, passphrase, salt, nonce),
        ClerkKeyState::Unprotected | ClerkKeyState::Protected => {
            keys::protect_clerk_keys(path, current, passphrase, salt, nonce)?;
            keys::unlock_clerk_keys(path, Some(passphrase))
        }
    }
}
