//! The clerk's installation keys at rest: made or sealed under a passphrase. The window
//! unlocks them only from their sealed form; a job on the command line also opens keys
//! from before passphrases, and says so.

use std::path::Path;

use zeroize::Zeroizing;

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

/// What a job asks the clerk before it gets their keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// This computer has no keys yet: the job makes them under the passphrase given.
    NewPassphrase,
    /// The passphrase the keys are sealed under.
    Passphrase,
}

/// The clerk's keys, opened for one job.
#[derive(Debug)]
pub struct JobKeys {
    pub keys: ClerkKeys,
    /// Written before passphrases and lying unsealed: anyone who copies the data folder
    /// can sign with them until they are sealed ([`set_passphrase`]), which the edge
    /// tells the clerk.
    pub unprotected: bool,
}

/// The clerk's keys for one job that signs or opens sealed scores, for an edge that asks
/// for the passphrase per job (the window holds them unlocked for a session instead:
/// [`unlock`]). The first such job on a computer makes the keys, `fresh` sealed with
/// `salt` and `nonce`, under the new passphrase it asks for. `passphrase` answers what is
/// asked, or `None` when there is nobody to ask: the job is refused
/// (`ClerkPassphraseNeeded`) rather than left waiting.
pub fn for_job(
    path: &Path,
    passphrase: impl FnOnce(Asked) -> Result<Option<Zeroizing<String>>>,
    fresh: ClerkKeys,
    salt: [u8; 16],
    nonce: [u8; 12],
) -> Result<JobKeys> {
    let sealed = |keys| JobKeys {
        keys,
        unprotected: false,
    };
    match keys::clerk_key_state(path)? {
        ClerkKeyState::Missing => {
            let new = passphrase(Asked::NewPassphrase)?.ok_or(Error::ClerkPassphraseNeeded)?;
            keys::create_clerk_keys(path, fresh, &new, salt, nonce).map(sealed)
        }
        ClerkKeyState::Unprotected => Ok(JobKeys {
            keys: keys::unlock_clerk_keys(path, None)?,
            unprotected: true,
        }),
        ClerkKeyState::Protected => {
            let given = passphrase(Asked::Passphrase)?.ok_or(Error::ClerkPassphraseNeeded)?;
            keys::unlock_clerk_keys(path, Some(&given)).map(sealed)
        }
    }
}
