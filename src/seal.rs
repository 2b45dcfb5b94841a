//! Sealed scores: a result bundle's scores are encrypted to the clerk's X25519 key with
//! age (age-encryption.org/v1), so a lost USB stick reveals nothing, while the bundle's
//! signature covers the ciphertext and stays verifiable by anyone.

use std::io::{Read, Write};

use crate::error::{Error, Result};

fn bad(detail: impl std::fmt::Display) -> Error {
    Error::BadKey {
        detail: detail.to_string(),
    }
}

/// Encrypts `plaintext` to `recipient` (an `age1…` public key).
pub fn seal(recipient: &str, plaintext: &[u8]) -> Result<Vec<u8>> {
    let recipient: age::x25519::Recipient = recipient.parse().map_err(bad)?;
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(bad)?;
    let mut sealed = Vec::new();
    let mut writer = encryptor.wrap_output(&mut sealed).map_err(bad)?;
    writer.write_all(plaintext).map_err(bad)?;
    writer.finish().map_err(bad)?;
    Ok(sealed)
}

/// Why sealed scores could not be opened: the clerk's own identity is unusable, the scores
/// were sealed to someone else, or the ciphertext is damaged. Each is told apart because
/// each asks a different person to act.
#[derive(Debug)]
pub enum OpenError {
    BadIdentity(String),
    NotForThisKey,
    Damaged(String),
}

/// Decrypts with the clerk's identity (`AGE-SECRET-KEY-1…`), reading at most `max_bytes`.
pub fn open(
    identity: &str,
    sealed: &[u8],
    max_bytes: u64,
) -> std::result::Result<Vec<u8>, OpenError> {
    let identity: age::x25519::Identity = identity
        .parse()
        .map_err(|e: &str| OpenError::BadIdentity(e.to_string()))?;
    let damaged = |e: &dyn std::fmt::Display| OpenError::Damaged(e.to_string());
    let decryptor = age::Decryptor::new(sealed).map_err(|e| damaged(&e))?;
    let reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => OpenError::NotForThisKey,
            e => damaged(&e),
        })?;
    let mut plain = Vec::new();
    reader
        .take(max_bytes)
        .read_to_end(&mut plain)
        .map_err(|e| damaged(&e))?;
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use age::secrecy::ExposeSecret;

    #[test]
    fn only_the_clerks_identity_opens_what_was_sealed_to_it() {
        let clerk = age::x25519::Identity::generate();
        let other = age::x25519::Identity::generate();
        let sealed = super::seal(&clerk.to_public().to_string(), b"scores").unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"scores"));
        let opened = super::open(clerk.to_string().expose_secret(), &sealed, 1 << 20).unwrap();
        assert_eq!(opened, b"scores");
        assert!(super::open(other.to_string().expose_secret(), &sealed, 1 << 20).is_err());
    }
}
