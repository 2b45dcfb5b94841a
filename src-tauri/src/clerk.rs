//! The clerk's keys for this session: sealed under the clerk's passphrase on disk,
//! unlocked once when the clerk starts work and forgotten when the app closes or the
//! clerk locks them. Every command that signs or opens sealed scores asks here.

use serde::Serialize;
use ts_rs::TS;
use zeroize::Zeroizing;

use paneldesk::ambient::{new_clerk_keys, random_bytes};
use paneldesk::keys::{self, ClerkKeyState, ClerkKeys};
use paneldesk::ops::clerk_keys;

use crate::ipc::IpcError;
use crate::AppState;

type Answer<T> = Result<T, IpcError>;

/// Where the clerk's keys stand, for the page to show the right form.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ClerkKeysStatus {
    pub state: ClerkKeyState,
    pub unlocked: bool,
    /// The signing key's fingerprint, printed on the 公示 and checked by experts.
    pub fingerprint: Option<String>,
}

#[derive(Default)]
pub struct ClerkSession(std::sync::Mutex<Option<ClerkKeys>>);

impl ClerkSession {
    fn set(&self, keys: Option<ClerkKeys>) {
        if let Ok(mut held) = self.0.lock() {
            *held = keys;
        }
    }
}

impl AppState {
    /// The unlocked keys; `clerk_passphrase_needed` until the clerk has unlocked (or,
    /// on a computer with none or with keys from before passphrases, sealed) them.
    pub fn clerk_keys(&self) -> Result<ClerkKeys, paneldesk::Error> {
        self.clerk
            .0
            .lock()
            .ok()
            .and_then(|held| held.clone())
            .ok_or(paneldesk::Error::ClerkPassphraseNeeded)
    }
}

pub fn clerk_keys_status(state: &AppState) -> Answer<ClerkKeysStatus> {
    let path = state.workspace.clerk_keys_path();
    Ok(ClerkKeysStatus {
        state: keys::clerk_key_state(&path)?,
        unlocked: state.clerk_keys().is_ok(),
        fingerprint: keys::clerk_public_key(&path)?.map(|k| keys::fingerprint(&k)),
    })
}

pub fn unlock_clerk_keys(state: &AppState, passphrase: String) -> Answer<ClerkKeysStatus> {
    let passphrase = Zeroizing::new(passphrase);
    let path = state.workspace.clerk_keys_path();
    let unlocked = clerk_keys::unlock(&path, &passphrase)?;
    state.clerk.set(Some(unlocked));
    clerk_keys_status(state)
}

/// Makes the keys under `passphrase` on a computer without any, seals keys from before
/// passphrases, or changes the passphrase (`current` required then). Leaves them unlocked.
pub fn set_clerk_passphrase(
    state: &AppState,
    current: Option<String>,
    passphrase: String,
) -> Answer<ClerkKeysStatus> {
    let (current, passphrase) = (current.map(Zeroizing::new), Zeroizing::new(passphrase));
    let path = state.workspace.clerk_keys_path();
    let (fresh, salt, nonce) = (new_clerk_keys(), random_bytes(), random_bytes());
    let current = current.as_ref().map(|c| c.as_str());
    let opened = clerk_keys::set_passphrase(&path, current, &passphrase, fresh, salt, nonce)?;
    state.clerk.set(Some(opened));
    clerk_keys_status(state)
}

pub fn lock_clerk_keys(state: &AppState) -> Answer<ClerkKeysStatus> {
    state.clerk.set(None);
    clerk_keys_status(state)
}
