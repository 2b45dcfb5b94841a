//! Collecting result bundles into the review file. Each bundle is verified before
//! anything is stored: strict signature, a package built from this review, an expert on
//! its roster, the key registered for that expert (`registration`), the sequence rules,
//! and every mark against the package's rubric (`package::items`). An accepted bundle is
//! kept byte for byte, replaces the expert's marks, records the sequence and writes the
//! audit entry in one transaction; a refusal is audited with its reason and changes
//! nothing else. A correction that arrives before the bundle it follows waits for it.

use std::path::Path;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::audit;
use crate::bundle::{self, Arrival, ExpertHistory};
use crate::error::{Error, Result};
use crate::keys::ClerkKeys;
use crate::package::PanelPackage;
use crate::refusal::Refusal;
use crate::store;

/// What happened to one bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Receipt {
    Accepted {
        file: String,
        expert: String,
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        sequence: u64,
        fingerprint: String,
        /// The bundle answers a package a newer one has replaced (the clerk built the
        /// package again): it is kept, but its marks do not count until the expert
        /// scores the current package.
        superseded: bool,
        /// Later corrections that were waiting for this bundle and now count too.
        #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
        released: Vec<u64>,
    },
    /// A correction whose predecessor has not arrived: kept, and counted once it does.
    Waiting {
        file: String,
        expert: String,
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        sequence: u64,
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        waiting_for: u64,
    },
    /// The identical bundle was already received: nothing changed.
    AlreadyHave {
        file: String,
        expert: String,
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        sequence: u64,
    },
    Refused {
        file: String,
        code: String,
        message_zh: String,
        message_en: String,
    },
}

/// The chain of one key: sequences are per key, so a re-registered expert's new laptop
/// starts its own.
fn history(
    conn: &rusqlite::Connection,
    package_hash: &str,
    expert_id: i64,
    public_key: &str,
) -> Result<ExpertHistory> {
    let mut stmt = conn.prepare_cached(
        "SELECT sequence, bundle_hash FROM received_bundle WHERE package_hash = ?1 AND expert_id = ?2 AND public_key = ?3",
    )?;
    let received = stmt
        .query_map(params![package_hash, expert_id, public_key], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ExpertHistory { received })
}

/// Receives one bundle file into the review at `review_path`. Fails only when the review
/// itself cannot be read or written; a bad bundle is a `Receipt::Refused`.
pub fn receive(
    review_path: &Path,
    clerk: &ClerkKeys,
    file: &Path,
    at: &str,
    actor: &str,
) -> Result<Receipt> {
    let mut conn = store::open(review_path)?;
    Intake::new(&mut conn, clerk, at, actor).receive(file, Read::new(file, clerk))
}

/// A bundle file verified and decrypted before its turn to be stored, so reading the
/// next file overlaps with writing this one. Whether it counts is still decided in
/// order: the decryption is only looked at once the bundle passed the checks that come
/// before it. The exact bytes come along: they are what the review keeps.
type Opened = (Vec<u8>, bundle::VerifiedBundle, Result<bundle::Payload>);
struct Read(Result<Opened>);

impl Read {
    fn new(file: &Path, clerk: &ClerkKeys) -> Read {
        let bytes = std::fs::metadata(file)
            .map_err(|e| Error::io(file, e))
            .and_then(|m| {
                if m.len() > bundle::MAX_BUNDLE_BYTES {
                    Err(crate::container::refuse(
                        file,
                        Refusal::TooLarge { bytes: m.len() },
                    ))
                } else {
                    std::fs::read(file).map_err(|e| Error::io(file, e))
                }
            });
        match bytes {
            Ok(bytes) => Read::from_bytes(file, bytes, clerk),
            Err(e) => Read(Err(e)),
        }
    }

    fn from_bytes(file: &Path, bytes: Vec<u8>, clerk: &ClerkKeys) -> Read {
        Read(bundle::open_bytes(file, &bytes).map(|verified| {
            let payload = bundle::decrypt(file, &verified, clerk);
            (bytes, verified, payload)
        }))
    }
}

/// Receives bundles in the order given, each in its own transaction, over one
/// connection and with each package's manifest parsed once.
/// The result bundles among `paths`: files as given, folders searched one level deep for
/// `.pdresult` files, in name order.
pub fn bundle_files(paths: &[std::path::PathBuf]) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            out.extend(crate::folder::sorted_entries(p).into_iter().filter(|f| {
                f.extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case(crate::bundle::EXTENSION))
            }));
        } else {
            out.push(p.clone());
        }
    }
    out
}

pub fn receive_many(
    review_path: &Path,
    clerk: &ClerkKeys,
    files: &[std::path::PathBuf],
    at: &str,
    actor: &str,
) -> Result<Vec<Receipt>> {
    let mut conn = store::open(review_path)?;
    // Every receipt is still committed and synced on its own; only copying the WAL into
    // the review waits for the end of the batch.
    conn.execute_batch("PRAGMA wal_autocheckpoint=0")?;
    let mut intake = Intake::new(&mut conn, clerk, at, actor);
    // Bundles are verified and decrypted on every core, ahead of their turn; each is still
    // stored, and judged against what came before it, strictly in the order given.
    let readers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let receipts = std::thread::scope(|scope| {
        // A few bundles read ahead at most: each is a few MB once decrypted.
        let (send, ready) = std::sync::mpsc::sync_channel::<(usize, Read)>(readers * 2);
        for _ in 0..readers {
            let (send, next) = (send.clone(), &next);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(f) = files.get(i) else { break };
                if send.send((i, Read::new(f, clerk))).is_err() {
                    break;
                }
            });
        }
        drop(send);
        let mut waiting: std::collections::BTreeMap<usize, Read> = Default::default();
        let mut receipts = Vec::with_capacity(files.len());
        for (i, f) in files.iter().enumerate() {
            let read = loop {
                if let Some(read) = waiting.remove(&i) {
                    break read;
                }
                match ready.recv() {
                    Ok((j, read)) => {
                        waiting.insert(j, read);
                    }
                    Err(_) => {
                        return Err(Error::Corrupt(format!(
                            "{}: a reading thread stopped",
                            f.display()
                        )))
                    }
                }
            };
            receipts.push(intake.receive(f, read)?);
        }
        Ok::<_, Error>(receipts)
    });
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA wal_autocheckpoint=1000;")?;
    receipts
}

/// Manifests already parsed, by package hash, and which packages are current (worked
/// out once: receiving bundles does not build packages).
#[derive(Default)]
struct Packages(
    std::collections::HashMap<String, std::rc::Rc<PanelPackage>>,
    Option<std::collections::HashSet<String>>,
);

impl Packages {
    fn is_current(&mut self, conn: &rusqlite::Connection, hash: &str) -> Result<bool> {
        if self.1.is_none() {
            let current = crate::package::panels::current(conn)?;
            self.1 = Some(current.into_iter().map(|(h, _)| h).collect());
        }
        Ok(self.1.as_ref().is_some_and(|c| c.contains(hash)))
    }

    fn get(
        &mut self,
        conn: &rusqlite::Connection,
        file: &Path,
        hash: &str,
    ) -> Result<std::rc::Rc<PanelPackage>> {
        if let Some(p) = self.0.get(hash) {
            return Ok(p.clone());
        }
        let p = std::rc::Rc::new(crate::package::panels::package_for(conn, file, hash)?);
        self.0.insert(hash.to_string(), p.clone());
        Ok(p)
    }
}

/// Receiving bundles into one review over one connection: the packages parsed so far,
/// the clerk's keys that open the scores, and when and by whom they are received.
struct Intake<'a> {
    conn: &'a mut rusqlite::Connection,
    packages: Packages,
    clerk: &'a ClerkKeys,
    at: &'a str,
    actor: &'a str,
}

impl<'a> Intake<'a> {
    fn new(
        conn: &'a mut rusqlite::Connection,
        clerk: &'a ClerkKeys,
        at: &'a str,
        actor: &'a str,
    ) -> Self {
        Intake {
            conn,
            packages: Packages::default(),
            clerk,
            at,
            actor,
        }
    }

    /// One bundle, accepted or refused (the refusal audited); fails only when the review
    /// itself cannot be read or written.
    fn receive(&mut self, file: &Path, read: Read) -> Result<Receipt> {
        match self.accept(file, read) {
            Ok(receipt) => Ok(receipt),
            Err(e @ (Error::Refused { .. } | Error::BadKey { .. })) => {
                let receipt = Receipt::Refused {
                    file: file.display().to_string(),
                    code: e.code().to_string(),
                    message_zh: e.message_zh(),
                    message_en: e.message_en(),
                };
                let tx = self.conn.transaction()?;
                audit::append(
                    &tx,
                    self.at,
                    self.actor,
                    "bundle.refused",
                    &serde_json::json!({ "file": file.display().to_string(), "code": e.code() }),
                )?;
                tx.commit()?;
                Ok(receipt)
            }
            Err(e) => Err(e),
        }
    }

    fn accept(&mut self, file: &Path, read: Read) -> Result<Receipt> {
        let (bytes, verified, payload) = read.0?;
        let h = &verified.header;
        let package = self.packages.get(self.conn, file, &h.package_hash)?;
        bundle::check_for_package(file, &verified, &package, &h.package_hash)?;
        crate::registration::check(
            self.conn,
            file,
            h.expert.id,
            &h.expert.name,
            &verified.expert_fingerprint,
        )?;
        let known = history(
            self.conn,
            &h.package_hash,
            h.expert.id,
            &h.expert.public_key,
        )?;
        let file_text = file.display().to_string();
        let arrival = bundle::check_sequence(file, &verified, &known)?;
        if arrival == Arrival::AlreadyHave {
            return Ok(Receipt::AlreadyHave {
                file: file_text,
                expert: h.expert.name.clone(),
                sequence: h.sequence,
            });
        }
        let payload = payload?;
        // Signed is not enough: the marks must be marks the package's rubric allows.
        crate::package::items::check(&package, h.expert.id, h.scored, h.recused, &payload.items)
            .map_err(|refusal| Error::Refused {
                path: file.to_path_buf(),
                refusal,
            })?;
        let arrived = Arrived {
            verified: &verified,
            file: file_text,
            bytes,
            at: self.at,
            actor: self.actor,
        };
        let tx = self.conn.transaction()?;
        if let Arrival::Waiting { previous } = arrival {
            let receipt = arrived.hold(&tx, previous)?;
            tx.commit()?;
            return Ok(receipt);
        }
        let next = arrived.store(&tx, &payload)?;
        tx.commit()?;
        let released = self.release_waiting(next)?;
        let superseded = !self.packages.is_current(self.conn, &h.package_hash)?;
        Ok(Receipt::Accepted {
            file: arrived.file,
            expert: h.expert.name.clone(),
            sequence: h.sequence,
            fingerprint: verified.expert_fingerprint.clone(),
            superseded,
            released,
        })
    }

    /// The correction that waited for a bundle just kept is judged again, whole, as if it
    /// had just arrived; answers with the sequences that came in this way.
    fn release_waiting(&mut self, next: Option<(String, Vec<u8>)>) -> Result<Vec<u64>> {
        let mut released = Vec::new();
        if let Some((waiting_file, waiting_bytes)) = next {
            let waiting_file = std::path::PathBuf::from(waiting_file);
            let read = Read::from_bytes(&waiting_file, waiting_bytes, self.clerk);
            if let Receipt::Accepted {
                sequence,
                released: more,
                ..
            } = self.receive(&waiting_file, read)?
            {
                released.push(sequence);
                released.extend(more);
            }
        }
        Ok(released)
    }
}

/// A bundle that passed every check, about to be kept.
struct Arrived<'a> {
    verified: &'a bundle::VerifiedBundle,
    file: String,
    bytes: Vec<u8>,
    at: &'a str,
    actor: &'a str,
}

impl Arrived<'_> {
    /// A correction that came before the bundle it corrects waits, bytes and all, until
    /// that one arrives.
    fn hold(&self, tx: &rusqlite::Transaction, previous: u64) -> Result<Receipt> {
        let (v, h) = (self.verified, &self.verified.header);
        tx.execute(
            "INSERT OR IGNORE INTO waiting_bundle (bundle_hash, package_hash, expert_id, public_key, sequence, previous_hash, file, bytes, received_at)
             VALUES (?1, ?2, ?3, ?9, ?4, ?5, ?6, ?7, ?8)",
            params![
                v.hash,
                h.package_hash,
                h.expert.id,
                h.sequence as i64,
                h.previous_bundle_hash.as_deref().unwrap_or_default(),
                self.file,
                self.bytes,
                self.at,
                h.expert.public_key
            ],
        )?;
        audit::append(
            tx,
            self.at,
            self.actor,
            "bundle.waiting",
            &serde_json::json!({
                "file": self.file,
                "bundle_hash": v.hash,
                "expert": h.expert.name,
                "sequence": h.sequence,
                "waiting_for": previous,
            }),
        )?;
        Ok(Receipt::Waiting {
            file: self.file.clone(),
            expert: h.expert.name.clone(),
            sequence: h.sequence,
            waiting_for: previous,
        })
    }

    /// Keeps the bundle and its marks (the newest bundle is the expert's whole answer:
    /// it replaces the earlier one whole), with the audit entry; answers with the
    /// correction that waited for it, if any, taken out of the waiting room.
    fn store(
        &self,
        tx: &rusqlite::Transaction,
        payload: &bundle::Payload,
    ) -> Result<Option<(String, Vec<u8>)>> {
        let (v, h) = (self.verified, &self.verified.header);
        // Kept for the status board, which shows the fingerprint each panel's bundles carry.
        tx.execute(
            "INSERT OR IGNORE INTO expert_key (package_hash, expert_id, public_key, fingerprint, first_seen) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![h.package_hash, h.expert.id, h.expert.public_key, v.expert_fingerprint, self.at],
        )?;
        tx.execute(
            "UPDATE expert_key SET public_key = ?3, fingerprint = ?4 WHERE package_hash = ?1 AND expert_id = ?2",
            params![h.package_hash, h.expert.id, h.expert.public_key, v.expert_fingerprint],
        )?;
        tx.execute(
            "INSERT INTO received_bundle (bundle_hash, package_hash, expert_id, public_key, sequence, file, created_at, received_at, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![v.hash, h.package_hash, h.expert.id, h.expert.public_key, h.sequence as i64, self.file, h.created_at, self.at, self.bytes],
        )?;
        let recused = payload.items.iter().filter(|i| i.recusal.is_some()).count();
        tx.execute(
            "INSERT INTO expert_marks (package_hash, expert_id, sequence, items_json, items, recused)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (package_hash, expert_id) DO UPDATE SET
                 sequence = ?3, items_json = ?4, items = ?5, recused = ?6",
            params![
                h.package_hash,
                h.expert.id,
                h.sequence as i64,
                serde_json::to_string(&payload.items).map_err(|e| Error::Corrupt(e.to_string()))?,
                payload.items.len() as i64,
                recused as i64
            ],
        )?;
        let mut detail = serde_json::json!({
            "file": self.file,
            "bundle_hash": v.hash,
            "package_hash": h.package_hash,
            "expert": h.expert.name,
            "sequence": h.sequence,
            "fingerprint": v.expert_fingerprint,
        });
        // A signed bundle wins over the expert's recorded paper sheet (`paper`), which
        // stops counting from now on: the entry names the sheet it replaces.
        if let Some(sheet) = crate::paper::recorded_sheet(tx, &h.package_hash, h.expert.id)? {
            detail["replaces_paper_sheet"] = serde_json::Value::String(sheet);
        }
        audit::append(tx, self.at, self.actor, "bundle.accepted", &detail)?;
        Ok(tx
            .query_row(
                "DELETE FROM waiting_bundle WHERE package_hash = ?1 AND expert_id = ?2 AND public_key = ?5
                     AND sequence = ?3 AND previous_hash = ?4
                 RETURNING file, bytes",
                params![h.package_hash, h.expert.id, h.sequence as i64 + 1, v.hash, h.expert.public_key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }
}

/// Per expert on a package's roster: what has come back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExpertStatus {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub expert_id: i64,
    pub name: String,
    /// The panel's name; empty when one panel scores the whole review.
    pub panel: String,
    pub submitted: bool,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub sequence: Option<u64>,
    pub received_at: Option<String>,
    pub fingerprint: Option<String>,
    /// The fingerprint registered for this expert in the review and in force: bundles
    /// from any other key are refused.
    pub registered: Option<String>,
    pub marked: u32,
    pub recused: u32,
}

/// The status board of the current packages (one, or one per panel): who has submitted
/// what.
pub fn status(review_path: &Path) -> Result<Vec<ExpertStatus>> {
    let conn = store::open(review_path)?;
    let mut out = Vec::new();
    for (hash, package) in crate::package::panels::current(&conn)? {
        for e in &package.experts {
            let latest: Option<(i64, String)> = conn
                .query_row(
                    "SELECT sequence, received_at FROM received_bundle WHERE package_hash = ?1 AND expert_id = ?2 ORDER BY rowid DESC LIMIT 1",
                    params![hash, e.id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let fingerprint = conn
                .query_row(
                    "SELECT fingerprint FROM expert_key WHERE package_hash = ?1 AND expert_id = ?2",
                    params![hash, e.id],
                    |r| r.get(0),
                )
                .optional()?;
            let registered = conn
                .query_row(
                    "SELECT fingerprint FROM expert_registration WHERE expert_id = ?1 AND revoked_at IS NULL",
                    [e.id],
                    |r| r.get(0),
                )
                .optional()?;
            let (items, recused): (u32, u32) = conn
                .query_row(
                    "SELECT items, recused FROM expert_marks WHERE package_hash = ?1 AND expert_id = ?2",
                    params![hash, e.id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .unwrap_or((0, 0));
            out.push(ExpertStatus {
                expert_id: e.id,
                name: e.name.clone(),
                panel: package.panel.name.clone(),
                submitted: latest.is_some(),
                sequence: latest.as_ref().map(|(s, _)| *s as u64),
                received_at: latest.map(|(_, at)| at),
                fingerprint,
                registered,
                marked: items - recused,
                recused,
            });
        }
    }
    Ok(out)
}
