//! The panel package (clerk → experts): one signed file per review round holding what an
//! expert needs to score offline. See docs/formats.md for the byte-level description.
//!
//! Entries: `package.json` (the manifest), `package.sig` (the clerk's Ed25519 signature
//! over the exact bytes of `package.json`) and `materials/<sha256>` (each material once).
//! The package's identity is the SHA-256 of `package.json`; the manifest lists every
//! material's hash, so the one signature covers the whole file.

pub mod items;
pub mod panels;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use crate::container::{self, refuse, EntryRule};
use crate::error::{Error, Result};
use crate::keys::{self, ClerkKeys};
use crate::model::{Category, Expert, FieldValue, ScoringMode};
use crate::privacy::Privacy;
use crate::refusal::Refusal;
use crate::store::{self, materials::MaterialInfo};

pub const FORMAT: &str = "paneldesk.panel-package";
pub const VERSION: u32 = 1;
pub const EXTENSION: &str = "pdpanel";

const MAX_PACKAGE_BYTES: u64 = 4 << 30;
const MAX_MANIFEST_BYTES: u64 = 64 << 20;
const MAX_MATERIAL_BYTES: u64 = 100 << 20;
const MAX_ENTRIES: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PackagedReview {
    pub id: String,
    pub activity: String,
    pub year: i32,
    pub title_zh: String,
    pub title_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClerkPublic {
    /// Ed25519 public key, hex: verifies this package.
    pub signing_key: String,
    /// age X25519 recipient (`age1…`): result bundles are sealed to it.
    pub age_recipient: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PackagedNomination {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub category_key: String,
    pub university: String,
    pub display_name: String,
    /// Personal data (ID and phone numbers) masked: experts judge merit, not identity.
    pub fields: Vec<FieldValue>,
    pub extra_fields: Vec<FieldValue>,
    pub materials: Vec<MaterialInfo>,
}

/// Which part of the review a panel scores. A review scored by one panel has the whole
/// scope (the default, which a manifest leaves out, so such packages are byte-identical to
/// those written before panels existed). Several panels split the review by category, by
/// expert, and within a category into groups.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PanelScope {
    /// The panel's name, e.g. 第一组; empty for the whole review.
    pub name: String,
    /// Category keys this panel scores; empty: every category.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Roster ids of the panel's experts; empty: the whole roster.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
    pub experts: Vec<i64>,
    /// This panel's share of each selected category's nominations.
    #[serde(default)]
    pub group: Option<Group>,
}

/// Group `index` of `of`: each category's nominations, in id order, cut into `of` runs
/// as equal as they can be (a university's nominations, imported together, stay
/// together), of which this is the `index`-th (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Group {
    pub index: u32,
    pub of: u32,
}

impl PanelScope {
    pub fn is_whole(&self) -> bool {
        self.name.is_empty()
            && self.categories.is_empty()
            && self.experts.is_empty()
            && self.group.is_none()
    }
}

/// The manifest, `package.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PanelPackage {
    pub format: String,
    pub version: u32,
    pub created_at: String,
    /// The day scoring closes (YYYY-MM-DD), printed on the expert's screen.
    pub closes_on: String,
    pub review: PackagedReview,
    pub clerk: ClerkPublic,
    /// Shortest comment accepted per nomination; 0 for none.
    pub min_comment_chars: u32,
    pub categories: Vec<Category>,
    pub experts: Vec<Expert>,
    pub nominations: Vec<PackagedNomination>,
    /// The part of the review this panel scores (left out for the whole review).
    #[serde(default, skip_serializing_if = "PanelScope::is_whole")]
    pub panel: PanelScope,
}

impl PanelPackage {
    pub fn category(&self, key: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.key == key)
    }

    pub fn nomination(&self, id: i64) -> Option<&PackagedNomination> {
        self.nominations.iter().find(|n| n.id == id)
    }
}

/// A package that passed every check.
#[derive(Debug, Clone)]
pub struct VerifiedPackage {
    pub manifest: PanelPackage,
    /// SHA-256 of `package.json`, hex: what bundles name.
    pub hash: String,
    /// The exact bytes that were signed.
    pub manifest_bytes: Vec<u8>,
    pub clerk_fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PackageSummary {
    pub path: String,
    pub hash: String,
    pub clerk_fingerprint: String,
    pub nominations: u32,
    pub experts: u32,
    pub materials: u32,
    pub excluded: u32,
}

fn is_material_entry(name: &str) -> bool {
    name.strip_prefix("materials/")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// Writes the panel package of the whole review at `review_path` to `out`.
pub fn build(
    review_path: &Path,
    out: &Path,
    clerk: &ClerkKeys,
    closes_on: &str,
    min_comment_chars: u32,
    at: &str,
    actor: &str,
) -> Result<PackageSummary> {
    build_panel(
        review_path,
        out,
        clerk,
        closes_on,
        min_comment_chars,
        &PanelScope::default(),
        at,
        actor,
    )
}

/// Writes the package of one panel: the part of the review `scope` names.
#[allow(clippy::too_many_arguments)]
pub fn build_panel(
    review_path: &Path,
    out: &Path,
    clerk: &ClerkKeys,
    closes_on: &str,
    min_comment_chars: u32,
    scope: &PanelScope,
    at: &str,
    actor: &str,
) -> Result<PackageSummary> {
    let mut review = crate::review::load(review_path, Privacy::Masked)?;
    let mut conn = store::open(review_path)?;
    let excluded = store::flags::excluded_nominations(&conn)?;
    let scope = crate::package::panels::narrow(&conn, &mut review, &excluded, scope)?;
    // Experts must never score against wording nobody wrote (示范高校 ships six named
    // "过硬一（待填写）" …): the clerk names them first.
    if let Some(c) = review
        .categories
        .iter()
        .find(|c| c.scoring_mode == ScoringMode::Criteria && c.rubric.has_placeholders())
    {
        return Err(Error::RubricPlaceholders {
            category_zh: c.name_zh.clone(),
            category_en: c.name_en.clone(),
            criteria: c
                .rubric
                .criteria
                .iter()
                .filter(|k| k.placeholder)
                .map(|k| k.name_zh.clone())
                .collect(),
        });
    }
    let signing = clerk.signing()?;
    let mut blobs: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut nominations = Vec::new();
    // `narrow` has left out the excluded nominations.
    for n in review.nominations {
        let materials = store::materials::for_nomination(&conn, n.id)?;
        for m in &materials {
            if !blobs.contains_key(&m.sha256) {
                let content = store::materials::content(&conn, &m.sha256)?
                    .ok_or_else(|| Error::Corrupt(format!("material {} / 材料缺失", m.sha256)))?;
                blobs.insert(m.sha256.clone(), content);
            }
        }
        nominations.push(PackagedNomination {
            id: n.id,
            category_key: n.category_key,
            university: n.university,
            display_name: n.display_name,
            fields: n.fields,
            extra_fields: n.extra_fields,
            materials,
        });
    }
    let manifest = PanelPackage {
        format: FORMAT.into(),
        version: VERSION,
        created_at: at.into(),
        closes_on: closes_on.into(),
        review: PackagedReview {
            id: review.id.clone(),
            activity: review.activity.code().into(),
            year: review.year,
            title_zh: review.title_zh,
            title_en: review.title_en,
        },
        clerk: ClerkPublic {
            signing_key: keys::public_hex(&signing.verifying_key()),
            age_recipient: clerk.age_recipient()?,
        },
        min_comment_chars,
        categories: review.categories,
        experts: review.experts,
        nominations,
        panel: scope.clone(),
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Corrupt(e.to_string()))?;
    let signature =
        container::signature_entry(&manifest.clerk.signing_key, &keys::sign(&signing, &json));
    let names: Vec<String> = blobs.keys().map(|h| format!("materials/{h}")).collect();
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("package.json", json.as_slice()),
        ("package.sig", signature.as_bytes()),
    ];
    for (name, bytes) in names.iter().zip(blobs.values()) {
        entries.push((name.as_str(), bytes.as_slice()));
    }
    container::write_atomically(out, &entries)?;
    let verified = open(out)?;
    let summary = PackageSummary {
        path: out.display().to_string(),
        hash: verified.hash.clone(),
        clerk_fingerprint: verified.clerk_fingerprint.clone(),
        nominations: manifest.nominations.len() as u32,
        experts: manifest.experts.len() as u32,
        materials: blobs.len() as u32,
        excluded: excluded.len() as u32,
    };
    let tx = conn.transaction()?;
    // Kept so returning bundles can be checked against exactly what was sent.
    tx.execute(
        "INSERT OR IGNORE INTO panel_package (hash, built_at, manifest) VALUES (?1, ?2, ?3)",
        rusqlite::params![verified.hash, at, verified.manifest_bytes],
    )?;
    crate::audit::append(
        &tx,
        at,
        actor,
        "package.built",
        &serde_json::json!({
            "file": summary.path,
            "hash": summary.hash,
            "nominations": summary.nominations,
            "experts": summary.experts,
            "excluded": summary.excluded,
            "closes_on": closes_on,
            "panel": scope,
        }),
    )?;
    tx.commit()?;
    Ok(summary)
}

/// Reads and verifies a package: structure, then the signature over the manifest bytes,
/// then the manifest, then every material against its hash. Nothing is trusted before
/// the signature verifies.
pub fn open(file: &Path) -> Result<VerifiedPackage> {
    let refused = |r| refuse(file, r);
    let rules = [
        EntryRule {
            name: "package.json",
            matches: |n| n == "package.json",
            max_bytes: MAX_MANIFEST_BYTES,
            required: true,
        },
        EntryRule {
            name: "package.sig",
            matches: |n| n == "package.sig",
            max_bytes: 256,
            required: true,
        },
        EntryRule {
            name: "materials/<sha256>",
            matches: is_material_entry,
            max_bytes: MAX_MATERIAL_BYTES,
            required: false,
        },
    ];
    let mut archive = container::Archive::open(file, &rules, MAX_ENTRIES, MAX_PACKAGE_BYTES)?;
    let json = archive.read("package.json")?;
    let (key_hex, sig) = container::parse_signature_entry(&archive.read("package.sig")?)
        .ok_or_else(|| refused(Refusal::MalformedSignature))?;
    let key = keys::parse_public(&key_hex).map_err(|_| refused(Refusal::BadPublicKey))?;
    if !keys::verify(&key, &json, &sig) {
        return Err(refused(Refusal::SignatureInvalid));
    }
    let manifest: PanelPackage = parse_manifest(file, &json, FORMAT, VERSION)?;
    if manifest.clerk.signing_key != key_hex {
        return Err(refused(Refusal::KeyMismatch));
    }
    // Bundles answer nominations and experts by id: each id names one.
    let mut ids = std::collections::HashSet::new();
    if let Some(n) = manifest.nominations.iter().find(|n| !ids.insert(n.id)) {
        return Err(refused(Refusal::Malformed {
            detail: format!("nomination id {} appears twice", n.id),
        }));
    }
    // Only now, with the manifest signed, are materials read, one piece at a time: a
    // package's size never becomes the reader's memory.
    let mut listed = std::collections::BTreeSet::new();
    for m in manifest.nominations.iter().flat_map(|n| &n.materials) {
        let name = format!("materials/{}", m.sha256);
        if !listed.insert(name.clone()) {
            continue;
        }
        if archive.size(&name) != Some(m.bytes) {
            return Err(match archive.size(&name) {
                None => refused(Refusal::MissingEntry { name }),
                Some(_) => refused(Refusal::ContentMismatch { name }),
            });
        }
        let mut hasher = sha2::Sha256::new();
        archive.stream(&name, |piece| sha2::Digest::update(&mut hasher, piece))?;
        if keys::hex(&sha2::Digest::finalize(hasher)) != m.sha256 {
            return Err(refused(Refusal::ContentMismatch { name }));
        }
    }
    let unlisted = archive
        .names()
        .find(|n| is_material_entry(n) && !listed.contains(*n))
        .map(String::from);
    if let Some(name) = unlisted {
        return Err(refused(Refusal::UnexpectedEntry { name }));
    }
    Ok(VerifiedPackage {
        hash: keys::sha256_hex(&json),
        clerk_fingerprint: keys::fingerprint(&key),
        manifest,
        manifest_bytes: json,
    })
}

/// Parses a signed manifest, checking its `format` and `version` before the rest.
pub fn parse_manifest<T: serde::de::DeserializeOwned>(
    file: &Path,
    json: &[u8],
    format: &str,
    version: u32,
) -> Result<T> {
    #[derive(Deserialize)]
    struct Head {
        format: String,
        version: u32,
    }
    let malformed = |e: serde_json::Error| {
        refuse(
            file,
            Refusal::Malformed {
                detail: e.to_string(),
            },
        )
    };
    crate::strict_json::check(json)
        .map_err(|detail| refuse(file, Refusal::Malformed { detail }))?;
    let head: Head = serde_json::from_slice(json).map_err(malformed)?;
    if head.format != format {
        return Err(refuse(
            file,
            Refusal::WrongFormat {
                expected: format.into(),
                found: head.format,
            },
        ));
    }
    if head.version != version {
        return Err(refuse(
            file,
            Refusal::UnsupportedVersion {
                found: head.version,
                supported: version,
            },
        ));
    }
    serde_json::from_slice(json).map_err(malformed)
}

/// One material's bytes, read from a verified package file.
pub fn material(file: &Path, sha256: &str) -> Result<Vec<u8>> {
    let rules = [EntryRule {
        name: "entry",
        matches: |_| true,
        max_bytes: MAX_MANIFEST_BYTES.max(MAX_MATERIAL_BYTES),
        required: false,
    }];
    let mut archive = container::Archive::open(file, &rules, MAX_ENTRIES, MAX_PACKAGE_BYTES)?;
    let name = format!("materials/{sha256}");
    let bytes = archive.read(&name)?;
    if keys::sha256_hex(&bytes) != sha256 {
        return Err(refuse(file, Refusal::ContentMismatch { name }));
    }
    Ok(bytes)
}

/// Where one material's bytes lie in a package file (offset, length), after reading them
/// once, a piece at a time, against their SHA-256 and CRC-32. Entries are stored, so the
/// window's reader serves ranges of a material straight from the file
/// (`src-tauri/src/reader.rs`) without ever holding it whole.
pub fn verified_material_span(file: &Path, sha256: &str) -> Result<(u64, u64)> {
    let rules = [EntryRule {
        name: "entry",
        matches: |_| true,
        max_bytes: MAX_MANIFEST_BYTES.max(MAX_MATERIAL_BYTES),
        required: false,
    }];
    let mut archive = container::Archive::open(file, &rules, MAX_ENTRIES, MAX_PACKAGE_BYTES)?;
    let name = format!("materials/{sha256}");
    let mut hasher = sha2::Sha256::new();
    archive.stream(&name, |piece| hasher.update(piece))?;
    if keys::hex(&hasher.finalize()) != sha256 {
        return Err(refuse(file, Refusal::ContentMismatch { name }));
    }
    archive
        .span(&name)
        .ok_or_else(|| refuse(file, Refusal::MissingEntry { name }))
}
