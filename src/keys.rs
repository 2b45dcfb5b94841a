//! Keys: Ed25519 signing keys for the clerk's installation and for each expert's
//! enrolment, an X25519 (age) identity that lets only the clerk open sealed scores, and
//! the passphrase wrapping of an expert's secret key and of the clerk's keys.
//!
//! What protects a key at rest is its passphrase: argon2id makes each guess cost about
//! a second on a slow laptop, and the strength estimate keeps the number of likely
//! guesses above 10^8. The expert's back-off after wrong entries lives in a file the
//! expert (or a thief) can edit, so it is a courtesy in the room, not a protection.
//!
//! Randomness comes in as arguments (see `edge.rs`), so every function here is
//! deterministic and testable. Signatures are checked with `verify_strict` and weak
//! (small-order) public keys are refused, so a signature cannot be made to verify
//! under more than one message or key.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use std::path::Path;

use crate::error::{Error, Result};

/// Shortest passphrase an expert or clerk may choose.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// zxcvbn's score 3: more than 10^8 guesses, i.e. at least three core-years of argon2id
/// at our cost against a copied file.
const MIN_PASSPHRASE_SCORE: u8 = 3;

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

pub fn signing_key(seed: &[u8; 32]) -> SigningKey {
    SigningKey::from_bytes(seed)
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

/// A secret sealed under a passphrase: argon2id derives a key from the passphrase,
/// ChaCha20-Poly1305 seals the secret (an expert's 32-byte seed, or the clerk's keys). A
/// wrong passphrase fails the AEAD tag.
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

/// Argon2id cost: about 0.4 s on the build machine and about a second on an old laptop
/// (`scripts/bench-keys.sh`); memory-hard enough that graphics cards gain little.
const MEMORY_KIB: u32 = 128 * 1024;
const ITERATIONS: u32 = 4;

fn derive(
    passphrase: &str,
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
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|e| Error::BadKey {
            detail: e.to_string(),
        })?;
    Ok(out)
}

/// Refuses a passphrase shorter than 8 characters or one a guesser would try early:
/// common passwords, keyboard runs, dates, and anything built from `context` (the
/// person's name, their institution, the review's title).
pub fn check_passphrase(passphrase: &str, context: &[&str]) -> Result<()> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(Error::PassphraseTooShort {
            min: MIN_PASSPHRASE_CHARS,
        });
    }
    let estimate = zxcvbn::zxcvbn(passphrase, context);
    let score = u8::from(estimate.score());
    if score < MIN_PASSPHRASE_SCORE {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| w.to_string())
            .unwrap_or_default();
        return Err(Error::PassphraseTooWeak { score, hint });
    }
    Ok(())
}

/// Seals `secret` under `passphrase` (length checked here; strength by the caller, who
/// knows what the passphrase must not be built from).
fn seal(secret: &[u8], passphrase: &str, salt: [u8; 16], nonce: [u8; 12]) -> Result<WrappedKey> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(Error::PassphraseTooShort {
            min: MIN_PASSPHRASE_CHARS,
        });
    }
    let derived = derive(passphrase, &salt, MEMORY_KIB, ITERATIONS, 1)?;
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(derived.as_ref().into());
    let ciphertext = cipher
        .encrypt(&nonce.into(), secret)
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

/// An expert's secret key under their passphrase.
pub fn wrap(
    key: &SigningKey,
    passphrase: &str,
    salt: [u8; 16],
    nonce: [u8; 12],
) -> Result<WrappedKey> {
    seal(key.as_bytes(), passphrase, salt, nonce)
}

/// The secret key, if `passphrase` is right; `Error::WrongPassphrase` if not.
pub fn unwrap(wrapped: &WrappedKey, passphrase: &str) -> Result<SigningKey> {
    let seed = open(wrapped, passphrase)?;
    let seed: &[u8; 32] = seed.as_slice().try_into().map_err(|_| Error::BadKey {
        detail: "wrapped key".into(),
    })?;
    Ok(signing_key(seed))
}

fn open(wrapped: &WrappedKey, passphrase: &str) -> Result<Zeroizing<Vec<u8>>> {
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
        passphrase,
        &salt,
        wrapped.memory_kib,
        wrapped.iterations,
        wrapped.parallelism,
    )?;
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(derived.as_ref().into());
    Ok(Zeroizing::new(
        cipher
            .decrypt(&nonce.into(), ciphertext.as_slice())
            .map_err(|_| Error::WrongPassphrase)?,
    ))
}

/// How long an expert must wait before the next attempt after `failures` wrong
/// passphrases in a row: free for three, then 5 s doubling up to five minutes.
pub fn passphrase_backoff_seconds(failures: u32) -> u64 {
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
        let key = signing_key(&[7; 32]);
        let other = signing_key(&[8; 32]);
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
        let good = public_hex(&signing_key(&[7; 32]).verifying_key());
        assert!(parse_public(&good).is_ok());
    }

    #[test]
    fn the_right_passphrase_unwraps_and_a_wrong_one_is_refused() {
        let key = signing_key(&[9; 32]);
        let wrapped = wrap(&key, "lamp orbit tides", [1; 16], [2; 12]).unwrap();
        assert_eq!(
            unwrap(&wrapped, "lamp orbit tides").unwrap().to_bytes(),
            key.to_bytes()
        );
        assert_eq!(
            unwrap(&wrapped, "lamp orbit tide").unwrap_err().code(),
            "wrong_passphrase"
        );
        assert_eq!(
            wrap(&key, "1234567", [1; 16], [2; 12]).unwrap_err().code(),
            "passphrase_too_short"
        );
    }

    #[test]
    fn clerk_keys_are_sealed_once_and_open_only_with_their_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys").join("clerk.json");
        assert_eq!(clerk_key_state(&path).unwrap(), ClerkKeyState::Missing);
        let fresh = ClerkKeys {
            signing_seed: hex(&[3; 32]),
            age_identity:
                "AGE-SECRET-KEY-17S9E3WYXXZYAGH99M9UPT25PUQ7PHJ99H0GASDC799EN7FH32RTSUJE85P".into(),
        };
        let phrase = "lamp orbit 7 tides";
        create_clerk_keys(&path, fresh.clone(), phrase, [1; 16], [2; 12]).unwrap();
        assert_eq!(clerk_key_state(&path).unwrap(), ClerkKeyState::Protected);
        let opened = unlock_clerk_keys(&path, Some(phrase)).unwrap();
        assert_eq!(opened.signing_seed, fresh.signing_seed);
        assert_eq!(
            unlock_clerk_keys(&path, None).unwrap_err().code(),
            "clerk_passphrase_needed"
        );
        let err = create_clerk_keys(&path, fresh.clone(), phrase, [1; 16], [2; 12]).unwrap_err();
        assert_eq!(err.code(), "clerk_keys_exist");
        // A new passphrase replaces the old one; the keys stay the same.
        protect_clerk_keys(
            &path,
            Some(phrase),
            "river 42 copper bells",
            [4; 16],
            [5; 12],
        )
        .unwrap();
        assert_eq!(
            unlock_clerk_keys(&path, Some(phrase)).unwrap_err().code(),
            "wrong_passphrase"
        );
        let reopened = unlock_clerk_keys(&path, Some("river 42 copper bells")).unwrap();
        assert_eq!(reopened.age_identity, fresh.age_identity);
    }

    #[test]
    fn keys_written_before_passphrases_open_until_protected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clerk.json");
        let old = ClerkKeys {
            signing_seed: hex(&[3; 32]),
            age_identity:
                "AGE-SECRET-KEY-17S9E3WYXXZYAGH99M9UPT25PUQ7PHJ99H0GASDC799EN7FH32RTSUJE85P".into(),
        };
        std::fs::write(&path, serde_json::to_string(&old).unwrap()).unwrap();
        assert_eq!(clerk_key_state(&path).unwrap(), ClerkKeyState::Unprotected);
        assert!(unlock_clerk_keys(&path, None).is_ok());
        protect_clerk_keys(&path, None, "lamp orbit 7 tides", [1; 16], [2; 12]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("AGE-SECRET-KEY"), "{text}");
        assert!(!text.contains(&old.signing_seed), "{text}");
        assert!(unlock_clerk_keys(&path, Some("lamp orbit 7 tides")).is_ok());
    }

    #[test]
    fn backoff_grows_after_three_failures_and_is_capped() {
        assert_eq!(
            (0..=10).map(passphrase_backoff_seconds).collect::<Vec<_>>(),
            [0, 0, 0, 5, 10, 20, 40, 80, 160, 300, 300]
        );
    }

    #[test]
    fn fingerprints_are_five_groups_of_four() {
        let f = fingerprint(&signing_key(&[7; 32]).verifying_key());
        assert_eq!(f.len(), 24);
        assert_eq!(f.split('-').count(), 5);
    }
}

/// The clerk's installation keys: one to sign panel packages, one to open sealed scores.
/// Both are wiped from memory when dropped.
#[derive(Clone, Serialize, Deserialize)]
pub struct ClerkKeys {
    /// Ed25519 seed, hex.
    pub signing_seed: String,
    /// age X25519 identity, `AGE-SECRET-KEY-1…`.
    pub age_identity: String,
}

impl Drop for ClerkKeys {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.signing_seed.zeroize();
        self.age_identity.zeroize();
    }
}

impl std::fmt::Debug for ClerkKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClerkKeys(…)")
    }
}

impl ClerkKeys {
    pub fn signing(&self) -> Result<SigningKey> {
        let seed = Zeroizing::new(unhex(&self.signing_seed).unwrap_or_default());
        let seed: &[u8; 32] = seed.as_slice().try_into().map_err(|_| Error::BadKey {
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

/// How the clerk's keys are kept on this computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ClerkKeyState {
    /// None yet: the first job that needs them makes them under a new passphrase.
    Missing,
    /// Written by a version before passphrases: readable by anyone who copies the folder
    /// until the clerk protects them.
    Unprotected,
    Protected,
}

const CLERK_KEYS_FORMAT: &str = "paneldesk-clerk-keys/2";

/// `clerk.json` once protected: the public halves in the clear (so fingerprints show
/// before unlocking), both secrets sealed together under the clerk's passphrase.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProtectedClerkKeys {
    format: String,
    signing_public: String,
    age_recipient: String,
    sealed: WrappedKey,
}

enum StoredClerkKeys {
    Unprotected(ClerkKeys),
    Protected(ProtectedClerkKeys),
}

fn read_clerk_file(path: &Path) -> Result<Option<StoredClerkKeys>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => Zeroizing::new(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let damaged = |e: serde_json::Error| Error::BadKey {
        detail: format!("{}: {e}", path.display()),
    };
    let value: serde_json::Value = serde_json::from_str(&text).map_err(damaged)?;
    if value.get("format").is_some() {
        let protected: ProtectedClerkKeys = serde_json::from_value(value).map_err(damaged)?;
        if protected.format != CLERK_KEYS_FORMAT {
            return Err(Error::BadKey {
                detail: format!("{}: format {}", path.display(), protected.format),
            });
        }
        return Ok(Some(StoredClerkKeys::Protected(protected)));
    }
    Ok(Some(StoredClerkKeys::Unprotected(
        serde_json::from_value(value).map_err(damaged)?,
    )))
}

pub fn clerk_key_state(path: &Path) -> Result<ClerkKeyState> {
    Ok(match read_clerk_file(path)? {
        None => ClerkKeyState::Missing,
        Some(StoredClerkKeys::Unprotected(_)) => ClerkKeyState::Unprotected,
        Some(StoredClerkKeys::Protected(_)) => ClerkKeyState::Protected,
    })
}

/// The clerk's public signing key, readable without the passphrase (to show and check
/// fingerprints); `None` when this computer has no clerk keys.
pub fn clerk_public_key(path: &Path) -> Result<Option<VerifyingKey>> {
    Ok(match read_clerk_file(path)? {
        None => None,
        Some(StoredClerkKeys::Unprotected(keys)) => Some(keys.signing()?.verifying_key()),
        Some(StoredClerkKeys::Protected(stored)) => Some(parse_public(&stored.signing_public)?),
    })
}

/// The clerk's keys from `path`, opened with `passphrase`. Keys written before
/// passphrases existed open without one (the caller should offer `protect_clerk_keys`).
pub fn unlock_clerk_keys(path: &Path, passphrase: Option<&str>) -> Result<ClerkKeys> {
    match read_clerk_file(path)? {
        None => Err(Error::ClerkKeysMissing),
        Some(StoredClerkKeys::Unprotected(keys)) => Ok(keys),
        Some(StoredClerkKeys::Protected(stored)) => {
            let passphrase = passphrase.ok_or(Error::ClerkPassphraseNeeded)?;
            let secret = open(&stored.sealed, passphrase)?;
            let keys: ClerkKeys = serde_json::from_slice(&secret).map_err(|e| Error::BadKey {
                detail: format!("{}: {e}", path.display()),
            })?;
            // A file whose public halves were swapped would show one fingerprint and
            // sign with another key.
            if public_hex(&keys.signing()?.verifying_key()) != stored.signing_public
                || keys.age_recipient()? != stored.age_recipient
            {
                return Err(Error::BadKey {
                    detail: format!("{}: public keys do not match", path.display()),
                });
            }
            Ok(keys)
        }
    }
}

/// Makes the clerk's keys (`fresh`) under a new passphrase; refused if keys exist.
pub fn create_clerk_keys(
    path: &Path,
    fresh: ClerkKeys,
    passphrase: &str,
    salt: [u8; 16],
    nonce: [u8; 12],
) -> Result<ClerkKeys> {
    check_passphrase(passphrase, &[])?;
    if path.exists() {
        return Err(Error::ClerkKeysExist);
    }
    write_protected(path, &fresh, passphrase, salt, nonce, false)?;
    Ok(fresh)
}

/// Seals unprotected keys (or re-seals protected ones under a new passphrase, given
/// the current one) in place; the old file is replaced atomically.
pub fn protect_clerk_keys(
    path: &Path,
    current: Option<&str>,
    passphrase: &str,
    salt: [u8; 16],
    nonce: [u8; 12],
) -> Result<()> {
    check_passphrase(passphrase, &[])?;
    let keys = unlock_clerk_keys(path, current)?;
    write_protected(path, &keys, passphrase, salt, nonce, true)
}

fn write_protected(
    path: &Path,
    keys: &ClerkKeys,
    passphrase: &str,
    salt: [u8; 16],
    nonce: [u8; 12],
    replace: bool,
) -> Result<()> {
    let secret =
        Zeroizing::new(serde_json::to_vec(keys).map_err(|e| Error::Corrupt(e.to_string()))?);
    let stored = ProtectedClerkKeys {
        format: CLERK_KEYS_FORMAT.into(),
        signing_public: public_hex(&keys.signing()?.verifying_key()),
        age_recipient: keys.age_recipient()?,
        sealed: seal(&secret, passphrase, salt, nonce)?,
    };
    let text = serde_json::to_string_pretty(&stored).map_err(|e| Error::Corrupt(e.to_string()))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let target = if replace {
        path.with_extension("json.new")
    } else {
        path.to_path_buf()
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    if replace {
        let _ = std::fs::remove_file(&target);
    }
    let mut file = options.open(&target).map_err(|e| Error::io(&target, e))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| Error::io(&target, e))?;
    file.sync_all().map_err(|e| Error::io(&target, e))?;
    if replace {
        std::fs::rename(&target, path).map_err(|e| Error::io(path, e))?;
    }
    Ok(())
}
