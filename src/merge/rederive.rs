//! Re-deriving the stored marks from the signed bundles the review keeps. The marks the
//! results are computed from live in `expert_marks`, where anyone with the file and a
//! SQLite tool could change them; the bundles they came from are kept byte for byte, and
//! only the experts' keys could have signed those. So every current mark must be exactly
//! what its bundle says, every kept bundle must still verify and hash to its name, and its
//! key must have been registered for its expert. Results are then re-derivable: they are
//! computed from the marks by the stored rules on every call.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::Connection;
use serde::Serialize;

use crate::bundle;
use crate::error::{Error, Result};
use crate::keys::ClerkKeys;
pub use crate::paper::Difference;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rederivation {
    /// Bundles kept in the review and checked.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bundles: u64,
    /// Experts' current marks re-derived from their bundles.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub marks: u64,
    /// Recorded paper sheets (代录) re-derived from their two keyed entries and the audit
    /// log: not signed by the expert, so listed apart (`paper`). Their differences are
    /// `paper_marks_differ`, `paper_not_as_audited`, `paper_sheet_mismatch` and
    /// `paper_marks_invalid`.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub paper_marks: u64,
    pub differences: Vec<Difference>,
}

struct Kept {
    hash: String,
    package_hash: String,
    expert_id: i64,
    sequence: i64,
    bytes: Option<Vec<u8>>,
}

fn kept(conn: &Connection) -> Result<Vec<Kept>> {
    let mut stmt = conn.prepare(
        "SELECT bundle_hash, package_hash, expert_id, sequence, bytes FROM received_bundle ORDER BY rowid",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Kept {
            hash: r.get(0)?,
            package_hash: r.get(1)?,
            expert_id: r.get(2)?,
            sequence: r.get(3)?,
            bytes: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Re-derives every current mark of the review from its kept bundles, decrypting them with
/// `clerk`, and lists each difference.
pub fn rederive(conn: &Connection, clerk: &ClerkKeys) -> Result<Rederivation> {
    let mut out = Rederivation {
        bundles: 0,
        marks: 0,
        paper_marks: 0,
        differences: Vec::new(),
    };
    let differ = |expert_id, package_hash: &str, kind: &str, detail: String| Difference {
        expert_id,
        package_hash: package_hash.to_string(),
        kind: kind.to_string(),
        detail,
    };
    // The bundle each expert's marks came from is the last one accepted for them.
    let mut current: BTreeMap<(String, i64), (String, i64, Option<serde_json::Value>)> =
        BTreeMap::new();
    for k in kept(conn)? {
        out.bundles += 1;
        let name = Path::new(&k.hash);
        let Some(bytes) = k.bytes else {
            out.differences.push(differ(
                k.expert_id,
                &k.package_hash,
                "bundle_not_kept",
                format!("bundle {} was received before bundles were kept", k.hash),
            ));
            current.insert((k.package_hash, k.expert_id), (k.hash, k.sequence, None));
            continue;
        };
        let opened = bundle::open_bytes(name, &bytes).and_then(|b| {
            let payload = bundle::decrypt(name, &b, clerk)?;
            Ok((b, payload))
        });
        let (verified, payload) = match opened {
            Ok(v) => v,
            Err(e) => {
                // Another laptop's clerk key cannot open the scores: that says nothing
                // about the file, so it is not called an alteration.
                let kind = if e.code() == "sealed_to_other" {
                    "not_this_clerk"
                } else {
                    "bundle_altered"
                };
                out.differences.push(differ(
                    k.expert_id,
                    &k.package_hash,
                    kind,
                    format!("bundle {}: {}", k.hash, e.message_en()),
                ));
                current.insert((k.package_hash, k.expert_id), (k.hash, k.sequence, None));
                continue;
            }
        };
        let h = &verified.header;
        if verified.hash != k.hash
            || h.package_hash != k.package_hash
            || h.expert.id != k.expert_id
            || h.sequence as i64 != k.sequence
        {
            out.differences.push(differ(
                k.expert_id,
                &k.package_hash,
                "bundle_altered",
                format!(
                    "bundle {} does not say what its row says (it hashes to {})",
                    k.hash, verified.hash
                ),
            ));
        }
        let registered: bool = conn.query_row(
            "SELECT count(*) > 0 FROM expert_registration WHERE expert_id = ?1 AND fingerprint = ?2",
            rusqlite::params![k.expert_id, verified.expert_fingerprint],
            |r| r.get(0),
        )?;
        if !registered {
            out.differences.push(differ(
                k.expert_id,
                &k.package_hash,
                "key_never_registered",
                format!(
                    "bundle {} is signed by {}, never registered for this expert",
                    k.hash, verified.expert_fingerprint
                ),
            ));
        }
        let items =
            serde_json::to_value(&payload.items).map_err(|e| Error::Corrupt(e.to_string()))?;
        current.insert(
            (k.package_hash, k.expert_id),
            (k.hash, k.sequence, Some(items)),
        );
    }
    let mut stmt = conn.prepare(
        "SELECT package_hash, expert_id, sequence, items_json FROM expert_marks ORDER BY package_hash, expert_id",
    )?;
    let marks = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (package_hash, expert_id, sequence, items_json) in marks {
        out.marks += 1;
        let Some((hash, bundle_sequence, items)) =
            current.remove(&(package_hash.clone(), expert_id))
        else {
            out.differences.push(differ(
                expert_id,
                &package_hash,
                "marks_without_bundle",
                "stored marks that no kept bundle carries".into(),
            ));
            continue;
        };
        let Some(items) = items else {
            continue;
        };
        let stored: serde_json::Value =
            serde_json::from_str(&items_json).unwrap_or(serde_json::Value::Null);
        if stored != items || sequence != bundle_sequence {
            out.differences.push(differ(
                expert_id,
                &package_hash,
                "marks_differ",
                format!(
                    "the stored marks are not what bundle {hash} (sequence {bundle_sequence}) says"
                ),
            ));
        }
    }
    let (paper_marks, paper_differences) = crate::paper::rederive(conn)?;
    out.paper_marks = paper_marks;
    out.differences.extend(paper_differences);
    Ok(out)
}
