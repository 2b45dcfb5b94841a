//! Keys: Ed25519 signing keys for the clerk's installation and for each expert's
//! enrolment, an X25519 (age) identity that lets only the clerk open sealed scores, and
//! the PIN wrapping of an expert's secret key.
//!
//! Randomness comes in as arguments (see `edge.rs`), so every function here is
//! deterministic and testable. Signatures are checked with `verify_strict` and weak
//! (small-order) public keys are refused, so a signature cannot be made to verify
//! under more than one message or key.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Shortest PIN an expert may choose.
pub const MIN_PIN_CHARS: usize = 6;

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of `bytes` as 64 lower-case hex digits: how every hash in PanelDesk's files is
/// written.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

pub fn signing_key(seed: [u8; 32]) -> SigningKey {
    SigningKey::from_bytes(&seed)
}

/// A public key as files carry it: 64 lower-case hex digits. Weak keys are refused.
pub fn parse_public(text: &str) -> Result<VerifyingKey> {
    let bad = || Error::BadKey {
        detail: format!("{text:.80}"),
    };
    let bytes: [u8; 32] = unhex(text)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(bad)?;
    let key = VerifyingKey::from_bytes(&bytes).map_err(|_| bad())?;
    // RFC 8032 decoding refuses a y coordinate at or above p, which dalek reduces; a key
    // is accepted only in the one encoding it has.
    if key.to_edwards().compress().to_bytes() != bytes || key.is_weak() {
        return Err(bad());
    }
    Ok(key)
}

pub fn public_hex(key: &VerifyingKey) -> String {
    hex(key.as_bytes())
}

/// What an expert writes on the paper score sheet and the clerk compares: the first 80
/// bits of the key's SHA-256, in five groups of four hex digits.
pub fn fingerprint(key: &VerifyingKey) -> String {
    let digest = Sha256::digest(key.as_bytes());
    hex(&digest[..10])
        .to_uppercase()
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

pub fn sign(key: &SigningKey, message: &[u8]) -> String {
    hex(&key.sign(message).to_bytes())
}

/// Checks `signature` (128 hex digits) over exactly `message`.
pub fn verify(key: &VerifyingKey, message: &[u8], signature: &str) -> bool {
    let Some(bytes) = unhex(signature).and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
        return false;
    };
    key.verify_strict(message, &Signature::from_bytes(&bytes))
        .is_ok()
}

/// An expert's secret key, encrypted under their PIN: argon2id derives a key from the
/// PIN, ChaCha20-Poly1305 seals the 32-byte seed. A wrong PIN fails the AEAD tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKey {
    pub kdf: String,
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    pub salt: String,
    pub nonce: String,
    pub ciphertext: String,
}

/// Argon2id cost: OWASP's first recommended setting (19 MiB, 2 passes) keeps an unlock
/// under a second on an old laptop while making PIN guessing from a stolen file slow.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;

fn derive(
    pin: &str,
    salt: &[u8],
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
) -> Result<Zeroizing<[u8; 32]>> {
    let params =
        argon2::Params::new(memory_kib, iterations, parallelism, Some(32)).map_err(|e| {
            Error::BadKey {
                detail: e.to_string(),
            }
        })?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(pin.as_bytes(), salt, out.as_mut())
        .map_err(|e| Error::BadKey {
            detail: e.to_string(),
        })?;
    Ok(out)
}

pub fn check_pin(pin: &str) -> Result<()> {
    if pin.chars().count() < MIN_PIN_CHARS {
        return Err(Error::PinTooShort { min: MIN_PIN_CHARS });
    }
    Ok(())
}

pub fn wrap(key: &SigningKey, pin: &str, salt: [u8; 16], nonce: [u8; 12]) -> Result<WrappedKey> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    check_pin(pin)?;
    let derived = derive(pin, &salt, MEMORY_KIB, ITERATIONS, 1)?;
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(derived.as_ref().into());
    let ciphertext = cipher
        .encrypt(&nonce.into(), key.to_bytes().as_slice())
        .map_err(|_| Error::BadKey {
            detail: "encrypt".into(),
        })?;
    Ok(WrappedKey {
        kdf: "argon2id".into(),
        memory_kib: MEMORY_KIB,
        iterations: ITERATIONS,
        parallelism: 1,
        salt: hex(&salt),
        nonce: hex(&nonce),
        ciphertext: hex(&ciphertext),
    })
}

/// The secret key, if `pin` is right; `Error::WrongPin` if not.
pub fn unwrap(wrapped: &WrappedKey, pin: &str) -> Result<SigningKey> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    let damaged = || Error::BadKey {
        detail: "wrapped key".into(),
    };
    if wrapped.kdf != "argon2id" || wrapped.memory_kib > 1 << 20 || wrapped.iterations > 16 {
        return Err(damaged());
    }
    let salt = unhex(&wrapped.salt).ok_or_else(damaged)?;
    let nonce: [u8; 12] = unhex(&wrapped.nonce)
        .and_then(|n| n.try_into().ok())
        .ok_or_else(damaged)?;
    let ciphertext = unhex(&wrapped.ciphertext).ok_or_else(damaged)?;
    let derived = derive(
        pin,
        &salt,
        wrapped.memory_kib,
        wrapped.iterations,
        wrapped.parallelism,
    )?;
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(derived.as_ref().into());
    let seed = Zeroizing::new(
        cipher
            .decrypt(&nonce.into(), ciphertext.as_slice())
            .map_err(|_| Error::WrongPin)?,
    );
    let seed: [u8; 32] = seed.as_slice().try_into().map_err(|_| damaged())?;
    Ok(SigningKey::from_bytes(&seed))
}

/// How long an expert must wait before the next PIN attempt after `failures` wrong ones
/// in a row: free for three, then 5 s doubling up to five minutes.
pub fn pin_backoff_seconds(failures: u32) -> u64 {
    if failures < 3 {
        0
    } else {
        (5u64 << (failures - 3).min(6)).min(300)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_exact_message_and_key() {
        let key = signing_key([7; 32]);
        let other = signing_key([8; 32]);
        let sig = sign(&key, b"scores");
        assert!(verify(&key.verifying_key(), b"scores", &sig));
        assert!(!verify(&key.verifying_key(), b"scoreS", &sig));
        assert!(!verify(&other.verifying_key(), b"scores", &sig));
        assert!(!verify(&key.verifying_key(), b"scores", "00"));
    }

    #[test]
    fn weak_and_malformed_public_keys_are_refused() {
        // The identity point: a small-order key any signature could be forged for.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(parse_public(&hex(&identity)).unwrap_err().code(), "bad_key");
        assert!(parse_public("xyz").is_err());
        let good = public_hex(&signing_key([7; 32]).verifying_key());
        assert!(parse_public(&good).is_ok());
    }

    #[test]
    fn the_right_pin_unwraps_and_a_wrong_one_is_refused() {
        let key = signing_key([9; 32]);
        let wrapped = wrap(&key, "246810", [1; 16], [2; 12]).unwrap();
        assert_eq!(
            unwrap(&wrapped, "246810").unwrap().to_bytes(),
            key.to_bytes()
        );
        assert_eq!(unwrap(&wrapped, "246811").unwrap_err().code(), "wrong_pin");
        assert_eq!(
            wrap(&key, "123", [1; 16], [2; 12]).unwrap_err().code(),
            "pin_too_short"
        );
    }

    #[test]
    fn backoff_grows_after_three_failures_and_is_capped() {
        assert_eq!(
            (0..=10).map(pin_backoff_seconds).collect::<Vec<_>>(),
            [0, 0, 0, 5, 10, 20, 40, 80, 160, 300, 300]
        );
    }

    #[test]
    fn fingerprints_are_five_groups_of_four() {
        let f = fingerprint(&signing_key([7; 32]).verifying_key());
        assert_eq!(f.len(), 24);
        assert_eq!(f.split('-').count(), 5);
    }
}

/// The clerk's installation keys: one to sign panel packages, one to open sealed scores.
#[derive(Clone, Serialize, Deserialize)]
pub struct ClerkKeys {
    /// Ed25519 seed, hex.
    pub signing_seed: String,
    /// age X25519 identity, `AGE-SECRET-KEY-1…`.
    pub age_identity: String,
}

impl std::fmt::Debug for ClerkKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClerkKeys(…)")
    }
}

impl ClerkKeys {
    pub fn signing(&self) -> Result<SigningKey> {
        let seed: [u8; 32] = unhex(&self.signing_seed)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| Error::BadKey {
                detail: "clerk signing key".into(),
            })?;
        Ok(signing_key(seed))
    }

    pub fn age_recipient(&self) -> Result<String> {
        let identity: age::x25519::Identity =
            self.age_identity.parse().map_err(|e: &str| Error::BadKey {
                detail: e.to_string(),
            })?;
        Ok(identity.to_public().to_string())
    }
}

/// Reads the clerk's keys from `path`, or stores `fresh()` there first (owner-only
/// permissions) when there are none yet.
pub fn clerk_keys(path: &std::path::Path, fresh: impl FnOnce() -> ClerkKeys) -> Result<ClerkKeys> {
    if path.exists() {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        return serde_json::from_str(&text).map_err(|e| Error::BadKey {
            detail: format!("{}: {e}", path.display()),
        });
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let keys = fresh();
    let text = serde_json::to_string_pretty(&keys).map_err(|e| Error::Corrupt(e.to_string()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| Error::io(path, e))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| Error::io(path, e))?;
    file.sync_all().map_err(|e| Error::io(path, e))?;
    Ok(keys)
}
