//! docs/formats.md is enough to judge any panel package, result bundle, signed 会评
//! tally file, 会评 ballot paper or laptop vote, and a review's counted 会评 ballots: a
//! second implementation written from that page alone (`tests/formats/`, Python) names the same
//! verdict as PanelDesk on every file of a corpus PanelDesk generates here: genuine files,
//! every container rule broken, signatures and keys that must not verify, headers and
//! scores that a key holder could sign but the clerk must refuse.
//!
//! Each case carries the verdict the page gives (`spec`), which the Python must name.
//! PanelDesk must name it too, except for the cases in `KNOWN_DISAGREEMENTS`: places where
//! the page and the code part ways, listed with what the code says until one of them is
//! fixed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ed25519_dalek::{SigningKey, Verifier};
use paneldesk::merge::ballot_vote::{Mark, VoteMark};
use paneldesk::merge::collect::{receive, Receipt};
use paneldesk::merge::{ballot_paper, ballot_vote, meeting, tally_file};
use paneldesk::model::marks::{ScoreItem, Vote};
use paneldesk::{container, keys, package, registration};
use serde_json::{json, Value};
use sha2::Digest;

use super::meeting::{
    chaired_ballot, edited, expert_id, key_of, laptop, passphrase, room, signed_bytes, stick,
    tied_round, CHAIR, NOW_UNIX,
};
use super::results_rules::{vote_rule, VoteRound, KEY};
use super::scoring_round::{
    expert_corrects, expert_submits, package_round, randomness, score_all, Round,
};
use super::support::edit_counted;
use super::tally_audit::decisions_turned;
use super::trust::{entries_of, expert_key, genuine_items, raw_zip, Forged};
use super::{clerk_keys, register_key, T0};

/// Cases where PanelDesk's verdict differs from the one docs/formats.md gives (the
/// Python's): (case, what PanelDesk says, the finding). Each is a bug in the page or in
/// the code, for the lead to settle; when one is fixed, its line goes.
const KNOWN_DISAGREEMENTS: &[(&str, &str, &str)] = &[];

/// docs/formats.md, "Refusal codes": the closed list. The corpus holds a case of each,
/// and of each verdict that is not a refusal.
const VERDICTS: &[&str] = &[
    "file_too_large",
    "not_a_container",
    "too_many_entries",
    "compressed_entry",
    "unexpected_entry",
    "oversized_entry",
    "duplicate_entry",
    "missing_entry",
    "header_mismatch",
    "crc_mismatch",
    "malformed_signature",
    "bad_public_key",
    "signature_invalid",
    "not_canonical",
    "malformed_content",
    "wrong_format",
    "unsupported_version",
    "key_mismatch",
    "content_mismatch",
    "sequence_out_of_range",
    "broken_chain",
    "other_package",
    "other_review",
    "not_on_roster",
    "key_not_registered",
    "key_revoked",
    "conflicting_sequence",
    "replayed_sequence",
    "sealed_to_other",
    "sealed_damaged",
    "counts_mismatch",
    "item_not_in_package",
    "duplicate_item",
    "marks_on_recusal",
    "own_institution_not_recused",
    "wrong_scoring_mode",
    "unknown_criterion",
    "points_out_of_range",
    "points_off_step",
    "incomplete_item",
    "missing_item",
    "unknown_grade",
    "other_ballot",
    "ballot_mismatch",
    "ballot_counted",
    "not_the_chair",
    "tally_changed",
    "impossible_tally",
    "not_this_paper",
    "not_a_voter",
    "invalid_vote",
    "too_many_chosen",
    "already_voted",
    "accepted",
    "already_have",
    "waiting",
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Package,
    Bundle,
    /// A signed tally file, confirmed for `Case::ballot`.
    Tally,
    /// A review file whose counted 会评 ballots `audit verify` checks again
    /// (`merge::rederive::ballots`); its verdict is `review_verdict`'s.
    Review,
    /// A ballot paper, as the voter's laptop (`Case::context`) reads it.
    BallotPaper,
    /// A vote, received by the clerk (review `Case::context`) for `Case::ballot`.
    Vote,
}

struct Case {
    name: String,
    kind: Kind,
    /// Relative to the corpus folder.
    file: String,
    context: &'static str,
    /// The ballot a tally file is confirmed for (0 for packages and bundles).
    ballot: i64,
    /// The verdict docs/formats.md gives.
    spec: &'static str,
}

struct Corpus {
    dir: PathBuf,
    cases: Vec<Case>,
}

impl Corpus {
    fn path_for(&self, name: &str, kind: Kind) -> (String, PathBuf) {
        let ext = match kind {
            Kind::Package => "pdpanel",
            Kind::Bundle => "pdresult",
            Kind::Tally => "pdtally",
            Kind::Review => "pdreview",
            Kind::BallotPaper => "pdballot",
            Kind::Vote => "pdvote",
        };
        let rel = format!("cases/{name}.{ext}");
        (rel.clone(), self.dir.join(rel))
    }

    fn add(
        &mut self,
        name: &str,
        kind: Kind,
        context: &'static str,
        spec: &'static str,
    ) -> PathBuf {
        assert!(
            self.cases.iter().all(|c| c.name != name),
            "case {name} twice"
        );
        let (file, path) = self.path_for(name, kind);
        self.cases.push(Case {
            name: name.into(),
            kind,
            file,
            context,
            ballot: 0,
            spec,
        });
        path
    }

    fn tally(
        &mut self,
        name: &str,
        context: &'static str,
        ballot: i64,
        bytes: &[u8],
        spec: &'static str,
    ) -> PathBuf {
        let path = self.add(name, Kind::Tally, context, spec);
        self.cases.last_mut().unwrap().ballot = ballot;
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn vote(
        &mut self,
        name: &str,
        context: &'static str,
        ballot: i64,
        bytes: &[u8],
        spec: &'static str,
    ) -> PathBuf {
        let path = self.add(name, Kind::Vote, context, spec);
        self.cases.last_mut().unwrap().ballot = ballot;
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// A review file case: a copy of `base`, then `edit` run on it with a bare SQLite
    /// connection, as someone holding the file could.
    fn review(
        &mut self,
        base: &Path,
        name: &str,
        spec: &'static str,
        edit: &dyn Fn(&rusqlite::Connection),
    ) {
        let path = self.add(name, Kind::Review, "", spec);
        std::fs::copy(base, &path).unwrap();
        let raw = rusqlite::Connection::open(&path).unwrap();
        // Whoever edits the file need not keep its constraints.
        raw.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        edit(&raw);
    }

    fn paper(&mut self, name: &str, bytes: &[u8], spec: &'static str) -> PathBuf {
        let path = self.add(name, Kind::BallotPaper, "laptop0", spec);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn package(&mut self, name: &str, bytes: &[u8], spec: &'static str) {
        let path = self.add(name, Kind::Package, "", spec);
        std::fs::write(path, bytes).unwrap();
    }

    fn bundle(&mut self, name: &str, bytes: &[u8], spec: &'static str) {
        self.bundle_in(name, "main", bytes, spec);
    }

    fn bundle_in(&mut self, name: &str, context: &'static str, bytes: &[u8], spec: &'static str) {
        let path = self.add(name, Kind::Bundle, context, spec);
        std::fs::write(path, bytes).unwrap();
    }
}

// ---- bytes of a zip ---------------------------------------------------------------------

fn u16_at(b: &[u8], at: usize) -> usize {
    u16::from_le_bytes([b[at], b[at + 1]]) as usize
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

fn put_u16(b: &mut [u8], at: usize, v: usize) {
    b[at..at + 2].copy_from_slice(&(v as u16).to_le_bytes());
}

fn put_u32(b: &mut [u8], at: usize, v: usize) {
    b[at..at + 4].copy_from_slice(&(v as u32).to_le_bytes());
}

/// Where things are in a well-formed zip: the end record, the directory, and per entry
/// its central header, its local header and its data.
struct Layout {
    end: usize,
    directory: usize,
    central: Vec<usize>,
    local: Vec<usize>,
    data: Vec<usize>,
}

fn layout(b: &[u8]) -> Layout {
    let end = b.len() - 22;
    let (count, directory) = (u16_at(b, end + 10), u32_at(b, end + 16));
    let (mut central, mut local, mut data) = (Vec::new(), Vec::new(), Vec::new());
    let mut at = directory;
    for _ in 0..count {
        central.push(at);
        let offset = u32_at(b, at + 42);
        local.push(offset);
        data.push(offset + 30 + u16_at(b, offset + 26) + u16_at(b, offset + 28));
        at += 46 + u16_at(b, at + 28) + u16_at(b, at + 30) + u16_at(b, at + 32);
    }
    Layout {
        end,
        directory,
        central,
        local,
        data,
    }
}

/// `bytes` with `junk` inserted at `at`, every offset after it moved along.
fn insert_at(bytes: &[u8], at: usize, junk: &[u8]) -> Vec<u8> {
    let l = layout(bytes);
    let mut out = [&bytes[..at], junk, &bytes[at..]].concat();
    let shift = |p: usize| if p >= at { p + junk.len() } else { p };
    for c in &l.central {
        let c = shift(*c);
        let offset = u32_at(&out, c + 42);
        put_u32(&mut out, c + 42, shift(offset));
    }
    let end = shift(l.end);
    put_u32(&mut out, end + 16, shift(l.directory));
    out
}

/// A zip's entries, names and bytes, in file order.
type Entries = Vec<(String, Vec<u8>)>;

fn stored_entries(file: &Path) -> Entries {
    entries_of(file)
}

fn as_refs(entries: &[(String, Vec<u8>)]) -> Vec<(&str, &[u8])> {
    entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect()
}

fn canonical(entries: &[(&str, &[u8])]) -> Vec<u8> {
    container::canonical_zip(entries).unwrap()
}

fn deflated(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (n, b) in entries {
        w.start_file(n.as_str(), options).unwrap();
        std::io::Write::write_all(&mut w, b).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn sparse_file(path: &Path, len: u64) {
    std::fs::File::create(path).unwrap().set_len(len).unwrap();
}

// ---- Ed25519 by hand ----------------------------------------------------------------

/// Integers modulo the group order L, enough to sign with a chosen R.
mod scalar {
    type U256 = [u64; 4];
    const L: U256 = [
        0x5812_631a_5cf5_d3ed,
        0x14de_f9de_a2f7_9cd6,
        0,
        0x1000_0000_0000_0000,
    ];

    fn at_least(a: &U256, b: &U256) -> bool {
        for i in (0..4).rev() {
            if a[i] != b[i] {
                return a[i] > b[i];
            }
        }
        true
    }

    fn sub(a: &mut U256, b: &U256) {
        let mut borrow = 0u64;
        for i in 0..4 {
            let (d, o1) = a[i].overflowing_sub(b[i]);
            let (d, o2) = d.overflowing_sub(borrow);
            a[i] = d;
            borrow = (o1 || o2) as u64;
        }
    }

    fn add_mod(a: &mut U256, b: &U256) {
        let mut carry = 0u64;
        for i in 0..4 {
            let (s, o1) = a[i].overflowing_add(b[i]);
            let (s, o2) = s.overflowing_add(carry);
            a[i] = s;
            carry = (o1 || o2) as u64;
        }
        if at_least(a, &L) {
            sub(a, &L);
        }
    }

    fn double_mod(a: &mut U256) {
        let copy = *a;
        add_mod(a, &copy);
    }

    fn bits_le(bytes: &[u8]) -> impl DoubleEndedIterator<Item = bool> + '_ {
        (0..bytes.len() * 8).map(move |i| bytes[i / 8] >> (i % 8) & 1 == 1)
    }

    /// A little-endian integer of any length, modulo L.
    pub fn reduce(bytes: &[u8]) -> U256 {
        let mut r = [0u64; 4];
        for bit in bits_le(bytes).rev() {
            double_mod(&mut r);
            if bit {
                add_mod(&mut r, &[1, 0, 0, 0]);
            }
        }
        r
    }

    pub fn mul(a: &U256, b: &U256) -> [u8; 32] {
        let mut b_bytes = [0u8; 32];
        for i in 0..4 {
            b_bytes[i * 8..i * 8 + 8].copy_from_slice(&b[i].to_le_bytes());
        }
        let mut r = [0u64; 4];
        for bit in bits_le(&b_bytes).rev() {
            double_mod(&mut r);
            if bit {
                add_mod(&mut r, a);
            }
        }
        let mut out = [0u8; 32];
        for i in 0..4 {
            out[i * 8..i * 8 + 8].copy_from_slice(&r[i].to_le_bytes());
        }
        out
    }

    /// `s + L`, little-endian: the same scalar, not reduced.
    pub fn plus_l(s: &[u8]) -> [u8; 32] {
        let mut a = reduce(s);
        let mut carry = 0u64;
        for i in 0..4 {
            let (x, o1) = a[i].overflowing_add(L[i]);
            let (x, o2) = x.overflowing_add(carry);
            a[i] = x;
            carry = (o1 || o2) as u64;
        }
        let mut out = [0u8; 32];
        for i in 0..4 {
            out[i * 8..i * 8 + 8].copy_from_slice(&a[i].to_le_bytes());
        }
        out
    }
}

/// The identity point, encoded: small order.
const IDENTITY: &str = "0100000000000000000000000000000000000000000000000000000000000000";
/// The base point B, encoded.
const BASE: &str = "5866666666666666666666666666666666666666666666666666666666666666";

/// A signature by `key` over `message` whose R is the identity: it passes the cofactorless
/// equation every Ed25519 library checks ([S]B = R + [k]A with S = k·a), but not strict
/// verification, which refuses a small-order R.
fn small_order_r_signature(key: &SigningKey, message: &[u8]) -> String {
    let h = sha2::Sha512::digest(key.to_bytes());
    let mut a = [0u8; 32];
    a.copy_from_slice(&h[..32]);
    a[0] &= 248;
    a[31] &= 63;
    a[31] |= 64;
    let r = keys::unhex(IDENTITY).unwrap();
    let public = key.verifying_key().to_bytes();
    let k = sha2::Sha512::new()
        .chain_update(&r)
        .chain_update(public)
        .chain_update(message)
        .finalize();
    let s = scalar::mul(&scalar::reduce(&a), &scalar::reduce(&k));
    let signature = [r.as_slice(), &s].concat();
    let sig = ed25519_dalek::Signature::from_slice(&signature).unwrap();
    assert!(
        key.verifying_key().verify(message, &sig).is_ok(),
        "the equation holds"
    );
    assert!(key.verifying_key().verify_strict(message, &sig).is_err());
    keys::hex(&signature)
}

/// `signature` (hex) with S replaced by S + L: the same equation, a non-canonical S.
fn non_canonical_s(signature: &str) -> String {
    let bytes = keys::unhex(signature).unwrap();
    keys::hex(&[&bytes[..32], &scalar::plus_l(&bytes[32..])[..]].concat())
}

/// The small-order key (the identity) with a signature its equation accepts for any
/// message: R = B, S = 1.
fn small_order_key_signature() -> (String, String) {
    let sig = format!("{BASE}01{}", "00".repeat(31));
    let key = ed25519_dalek::VerifyingKey::from_bytes(
        &keys::unhex(IDENTITY).unwrap().try_into().unwrap(),
    )
    .unwrap();
    let s = ed25519_dalek::Signature::from_slice(&keys::unhex(&sig).unwrap()).unwrap();
    assert!(key.verify(b"anything", &s).is_ok(), "the equation holds");
    (IDENTITY.to_string(), sig)
}

/// y = p + 3: the point y = 3 (not small order), encoded with y >= p.
fn non_canonical_key() -> String {
    format!("f0{}7f", "ff".repeat(30))
}

/// y = 2: not the y of any point.
fn not_a_point() -> String {
    format!("02{}", "00".repeat(31))
}

/// `sealed` in age's ASCII armor (age-encryption.org/v1, "ASCII armor"): base64 in
/// lines of 64 columns between the two marker lines.
fn armored(sealed: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = Vec::new();
    for chunk in sealed.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..4 {
            b64.push(if i <= chunk.len() {
                ALPHABET[(n >> (18 - 6 * i) & 63) as usize]
            } else {
                b'='
            });
        }
    }
    let mut out = b"-----BEGIN AGE ENCRYPTED FILE-----\n".to_vec();
    for line in b64.chunks(64) {
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    out.extend_from_slice(b"-----END AGE ENCRYPTED FILE-----\n");
    out
}

// ---- forged bundles -------------------------------------------------------------------

/// A bundle as `Forged` describes it, as bytes: `plain` replaces the payload JSON,
/// `sealed` the ciphertext, and `edit` the header text (once its payload fields follow the
/// sealed bytes) before `key` signs it.
fn forge(
    mut f: Forged,
    key: &SigningKey,
    plain: Option<Vec<u8>>,
    sealed: Option<Vec<u8>>,
    edit: impl FnOnce(String) -> Vec<u8>,
) -> Vec<u8> {
    let plain = plain.unwrap_or_else(|| serde_json::to_vec(&f.payload).unwrap());
    let to = f
        .seal_to
        .clone()
        .unwrap_or_else(|| f.header.payload.sealed_to.clone());
    let sealed = sealed.unwrap_or_else(|| paneldesk::seal::seal(&to, &plain).unwrap());
    f.header.payload.bytes = sealed.len() as u64;
    f.header.payload.sha256 = keys::sha256_hex(&sealed);
    let json = edit(String::from_utf8(serde_json::to_vec_pretty(&f.header).unwrap()).unwrap());
    let sig = container::signature_entry(
        &keys::public_hex(&key.verifying_key()),
        &keys::sign(key, &json),
    );
    canonical(&[
        ("bundle.json", &json),
        ("scores.age", &sealed),
        ("bundle.sig", sig.as_bytes()),
    ])
}

fn forged(f: Forged, key: &SigningKey) -> Vec<u8> {
    forge(f, key, None, None, String::into_bytes)
}

/// Replaces `from` (which must occur) in `text`.
fn replaced(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from} in {text}");
    text.replacen(from, to, 1)
}

// ---- the verdicts ---------------------------------------------------------------------

fn rust_package_verdict(file: &Path) -> String {
    match package::open(file) {
        Ok(_) => "accepted".into(),
        Err(e) => e.code().into(),
    }
}

fn rust_bundle_verdict(snapshot: &Path, work: &Path, file: &Path) -> String {
    std::fs::copy(snapshot, work).unwrap();
    match receive(work, &clerk_keys(), file, T0, "clerk").unwrap() {
        Receipt::Accepted { .. } => "accepted".into(),
        Receipt::AlreadyHave { .. } => "already_have".into(),
        Receipt::Waiting { .. } => "waiting".into(),
        Receipt::Refused { code, .. } => code,
    }
}

/// What the clerk's review holds, for the Python: the package it built, the age identity,
/// the registrations and the bundles that counted.
fn context_of(review: &Path) -> Value {
    let registrations: Vec<Value> = registration::list_in(review)
        .unwrap()
        .into_iter()
        .map(|r| {
            json!({
                "expert_id": r.expert_id,
                "fingerprint": r.fingerprint,
                "revoked": r.revoked_at.is_some(),
            })
        })
        .collect();
    let conn = paneldesk::store::open(review).unwrap();
    let received: Vec<Value> = conn
        .prepare(
            "SELECT package_hash, expert_id, public_key, sequence, bundle_hash FROM received_bundle ORDER BY rowid",
        )
        .unwrap()
        .query_map([], |r| {
            Ok(json!({
                "package_hash": r.get::<_, String>(0)?,
                "expert_id": r.get::<_, i64>(1)?,
                "public_key": r.get::<_, String>(2)?,
                "sequence": r.get::<_, i64>(3)?,
                "bundle_hash": r.get::<_, String>(4)?,
            }))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    json!({
        "packages": [
            "package.pdpanel",
            "package2.pdpanel",
            "package-grade.pdpanel",
            "package-vote.pdpanel",
            "package-grade-list.pdpanel",
        ],
        "age_identity": clerk_keys().age_identity,
        "registrations": registrations,
        "received": received,
    })
}

/// A standalone copy of the review at `review`, taken now.
fn snapshot(review: &Path, dest: &Path) -> PathBuf {
    paneldesk::review::backup(review, dest, T0, "clerk").unwrap();
    dest.to_path_buf()
}

// ---- the corpus -----------------------------------------------------------------------

struct Built {
    _round: Round,
    _tally_round: VoteRound,
    corpus: Corpus,
    snapshots: BTreeMap<&'static str, PathBuf>,
    /// Voters' laptops (their data folders), by context name.
    laptops: BTreeMap<&'static str, PathBuf>,
}

fn build_corpus() -> Built {
    let round = package_round(0);
    let dir = round.root.join("corpus");
    std::fs::create_dir_all(dir.join("cases")).unwrap();
    let mut c = Corpus {
        dir: dir.clone(),
        cases: Vec::new(),
    };
    std::fs::copy(&round.package, dir.join("package.pdpanel")).unwrap();

    // The round: experts 0 and 1 enrol (their keys registered in the room) and submit;
    // the clerk has received expert 0's first bundle. Expert 0 then corrects (sequence 2).
    let (mut laptop0, b0) = expert_submits(&round, 0);
    let (_laptop1, b1) = expert_submits(&round, 1);
    let first = receive(&round.review, &clerk_keys(), &b0, T0, "clerk").unwrap();
    assert!(matches!(first, Receipt::Accepted { .. }), "{first:?}");
    let (_, b0_2) = expert_corrects(
        &mut laptop0,
        0,
        "更正：补充评语，事迹突出。",
        &round.root.join("stick2"),
    );
    // The clerk builds a second package (comments of at least 5 characters): both are
    // packages this review built.
    let package2 = dir.join("package2.pdpanel");
    package::build(
        &round.review,
        &package2,
        &clerk_keys(),
        "2026-12-10",
        5,
        T0,
        "clerk",
    )
    .unwrap();
    // And, to have the other scoring modes, a package with the category scored by grade
    // and one by vote (the demo's one category is scored by criteria; the review's own
    // setting is switched for the build, the packages keep what they were built with).
    let mut mode_packages = Vec::new();
    for mode in ["grade", "vote"] {
        let conn = paneldesk::store::open(&round.review).unwrap();
        conn.execute("UPDATE category SET scoring_mode = ?1", [mode])
            .unwrap();
        drop(conn);
        let file = dir.join(format!("package-{mode}.pdpanel"));
        package::build(
            &round.review,
            &file,
            &clerk_keys(),
            "2026-12-10",
            0,
            T0,
            "clerk",
        )
        .unwrap();
        mode_packages.push(file);
    }
    // And a grade package with a list of its own: 优秀 / 合格 / 不合格, keys a, b, c.
    let conn = paneldesk::store::open(&round.review).unwrap();
    conn.execute_batch(
        "UPDATE category SET scoring_mode = 'grade';
         INSERT INTO grade_level (category_key, position, key, name_zh, name_en, passes)
         SELECT key, 0, 'a', '优秀', 'Excellent', 1 FROM category UNION ALL
         SELECT key, 1, 'b', '合格', 'Pass', 1 FROM category UNION ALL
         SELECT key, 2, 'c', '不合格', 'Fail', 0 FROM category;",
    )
    .unwrap();
    drop(conn);
    let grade_list = dir.join("package-grade-list.pdpanel");
    package::build(
        &round.review,
        &grade_list,
        &clerk_keys(),
        "2026-12-10",
        0,
        T0,
        "clerk",
    )
    .unwrap();
    let verified = package::open(&round.package).unwrap();
    let e0 = verified.manifest.experts[0].clone();
    let e1 = verified.manifest.experts[1].clone();
    let (key0, key1) = (expert_key(0), expert_key(1));
    let b0_hash = paneldesk::bundle::open(&b0).unwrap().hash;

    // The clerk's review in three states.
    let snaps = round.root.join("snapshots");
    std::fs::create_dir_all(&snaps).unwrap();
    let mut snapshots = BTreeMap::new();
    snapshots.insert(
        "main",
        snapshot(&round.review, &snaps.join("main.pdreview")),
    );
    // Expert 0's laptop was lost: the key is revoked.
    let work = snapshot(&round.review, &snaps.join("revoked-work.pdreview"));
    registration::revoke_in(&work, e0.id, "笔记本电脑遗失", T0, "clerk").unwrap();
    // On a new laptop, a new key, registered in the room.
    let new_key0 = keys::signing_key(&[77; 32]);
    register_key(&work, e0.id, &keys::fingerprint(&new_key0.verifying_key()));
    snapshots.insert("revoked", snapshot(&work, &snaps.join("revoked.pdreview")));
    // A chain with a gap below its highest sequence: expert 0's 2 counted, not 1.
    let work = snapshot(&round.review, &snaps.join("gap-work.pdreview"));
    let second = receive(&work, &clerk_keys(), &b0_2, T0, "clerk").unwrap();
    assert!(matches!(second, Receipt::Accepted { .. }), "{second:?}");
    paneldesk::store::open(&work)
        .unwrap()
        .execute(
            "DELETE FROM received_bundle WHERE expert_id = ?1 AND sequence = 1",
            [e0.id],
        )
        .unwrap();
    snapshots.insert("gap", snapshot(&work, &snaps.join("gap.pdreview")));
    let contexts: BTreeMap<&str, Value> = snapshots
        .iter()
        .map(|(name, path)| (*name, context_of(path)))
        .collect();
    std::fs::write(
        dir.join("context.json"),
        serde_json::to_vec_pretty(&contexts).unwrap(),
    )
    .unwrap();

    package_cases(&mut c, &round);
    bundle_container_cases(&mut c, &b1);
    bundle_signature_cases(&mut c, &b1, &key1);

    // ---- sequence and chain (expert 0, whose sequence 1 counted) ----
    let items0 = genuine_items(&b0);
    let items1 = genuine_items(&b1);
    let forge0 = || Forged::new(&round.package, e0.id, &key0).items(items0.clone());
    let forge1 = || Forged::new(&round.package, e1.id, &key1).items(items1.clone());
    let next0 = || forge0().sequence(2, Some(&b0_hash));
    c.bundle("bundle_genuine", &std::fs::read(&b1).unwrap(), "accepted");
    c.bundle(
        "bundle_genuine_again",
        &std::fs::read(&b0).unwrap(),
        "already_have",
    );
    c.bundle(
        "bundle_correction",
        &std::fs::read(&b0_2).unwrap(),
        "accepted",
    );
    c.bundle(
        "bundle_forged_correction",
        &forged(next0(), &key0),
        "accepted",
    );
    c.bundle(
        "bundle_sequence_0",
        &forged(forge1().sequence(0, None), &key1),
        "sequence_out_of_range",
    );
    c.bundle(
        "bundle_sequence_10000",
        &forged(forge1().sequence(10_000, Some(&"a".repeat(64))), &key1),
        "sequence_out_of_range",
    );
    c.bundle(
        "bundle_sequence_2_pow_63",
        &forged(forge1().sequence(1 << 63, Some(&"a".repeat(64))), &key1),
        "sequence_out_of_range",
    );
    c.bundle(
        "bundle_sequence_9999_waits",
        &forged(forge1().sequence(9_999, Some(&"a".repeat(64))), &key1),
        "waiting",
    );
    c.bundle(
        "bundle_sequence_1_with_previous",
        &forged(forge1().sequence(1, Some(&"a".repeat(64))), &key1),
        "broken_chain",
    );
    c.bundle(
        "bundle_sequence_2_without_previous",
        &forged(forge1().sequence(2, None), &key1),
        "broken_chain",
    );
    c.bundle(
        "bundle_previous_upper_case",
        &forged(forge0().sequence(2, Some(&b0_hash.to_uppercase())), &key0),
        "broken_chain",
    );
    c.bundle(
        "bundle_previous_wrong",
        &forged(forge0().sequence(2, Some(&"c".repeat(64))), &key0),
        "broken_chain",
    );
    let mut other_one = items0.clone();
    let scored0 = other_one.iter().position(|i| i.recusal.is_none()).unwrap();
    other_one[scored0].comment = "另一份第一次提交".into();
    c.bundle(
        "bundle_conflicting_sequence",
        &forged(forge0().items(other_one), &key0),
        "conflicting_sequence",
    );
    c.bundle(
        "bundle_waiting",
        &forged(forge0().sequence(3, Some(&"b".repeat(64))), &key0),
        "waiting",
    );
    c.bundle_in(
        "bundle_replayed_sequence",
        "gap",
        &std::fs::read(&b0).unwrap(),
        "replayed_sequence",
    );
    c.bundle_in(
        "bundle_key_revoked",
        "revoked",
        &std::fs::read(&b0_2).unwrap(),
        "key_revoked",
    );

    c.bundle_in(
        "bundle_new_key_after_revocation",
        "revoked",
        &forged(
            Forged::new(&round.package, e0.id, &new_key0).items(items0.clone()),
            &new_key0,
        ),
        "accepted",
    );

    // ---- which package, review, expert and key ----
    // Anyone holding the package can enrol under any name: a laptop claims expert 1.
    let mut impostor =
        paneldesk::scoring::panel::import_package(&round.root.join("impostor"), &round.package, T0)
            .unwrap();
    impostor
        .enrol(e1.id, "north wind 13572468", randomness(77), T0)
        .unwrap();
    score_all(&mut impostor, 1);
    let stick = round.root.join("impostor-stick");
    std::fs::create_dir_all(&stick).unwrap();
    let s = impostor
        .submit("north wind 13572468", &stick, T0, 1_000_000)
        .unwrap();
    c.bundle(
        "bundle_impostor_laptop",
        &std::fs::read(&s.file).unwrap(),
        "key_not_registered",
    );
    let other = package_round(3);
    let (_, stranger) = expert_submits(&other, 4);
    c.bundle(
        "bundle_other_package",
        &std::fs::read(&stranger).unwrap(),
        "other_package",
    );
    let elsewhere = age::x25519::Identity::generate().to_public().to_string();
    let mut f = forge1();
    f.header.payload.sealed_to = elsewhere.clone();
    c.bundle(
        "bundle_sealed_to_names_another_recipient",
        &forged(f, &key1),
        "other_package",
    );
    let mut f = forge1();
    f.header.review_id = "2026-另一项评审".into();
    c.bundle("bundle_other_review", &forged(f, &key1), "other_review");
    let mut f = forge1();
    f.header.expert.name = "冒名者".into();
    c.bundle(
        "bundle_not_on_roster_name",
        &forged(f, &key1),
        "not_on_roster",
    );
    let mut f = forge1();
    f.header.expert.id = 999;
    f.payload.expert_id = 999;
    c.bundle(
        "bundle_not_on_roster_id",
        &forged(f, &key1),
        "not_on_roster",
    );
    let stranger_key = keys::signing_key(&[99; 32]);
    c.bundle(
        "bundle_key_not_registered",
        &forged(
            Forged::new(&round.package, e1.id, &stranger_key).items(items1.clone()),
            &stranger_key,
        ),
        "key_not_registered",
    );
    c.bundle(
        "bundle_key_of_another_expert",
        &forged(
            Forged::new(&round.package, e0.id, &key1)
                .items(items0.clone())
                .sequence(2, Some(&b0_hash)),
            &key1,
        ),
        "key_not_registered",
    );
    // Re-signed by another key, header naming it: valid on its own, not registered.
    let genuine1 = stored_entries(&b1);
    let header1 = String::from_utf8(genuine1[0].1.clone()).unwrap();
    let resigned = replaced(
        &header1,
        &keys::public_hex(&key1.verifying_key()),
        &keys::public_hex(&stranger_key.verifying_key()),
    );
    let sig = container::signature_entry(
        &keys::public_hex(&stranger_key.verifying_key()),
        &keys::sign(&stranger_key, resigned.as_bytes()),
    );
    c.bundle(
        "bundle_resigned_by_another_key",
        &canonical(&[
            ("bundle.json", resigned.as_bytes()),
            ("scores.age", &genuine1[1].1),
            ("bundle.sig", sig.as_bytes()),
        ]),
        "key_not_registered",
    );

    let resealed = paneldesk::seal::seal(
        &verified.manifest.clerk.age_recipient,
        &serde_json::to_vec(&forge1().payload).unwrap(),
    )
    .unwrap();
    c.bundle(
        "bundle_scores_swapped",
        &canonical(&[
            ("bundle.json", &genuine1[0].1),
            ("scores.age", &resealed),
            ("bundle.sig", &genuine1[2].1),
        ]),
        "content_mismatch",
    );

    // ---- sealed scores ----
    let mut f = forge1();
    f.seal_to = Some(elsewhere);
    c.bundle(
        "bundle_sealed_to_other",
        &forged(f, &key1),
        "sealed_to_other",
    );
    c.bundle(
        "bundle_sealed_damaged",
        &forge(
            forge1(),
            &key1,
            None,
            Some(b"not an age file".to_vec()),
            String::into_bytes,
        ),
        "sealed_damaged",
    );
    let recipient = verified.manifest.clerk.age_recipient.clone();
    let mut cut =
        paneldesk::seal::seal(&recipient, &serde_json::to_vec(&forge1().payload).unwrap()).unwrap();
    cut.truncate(cut.len() - 20);
    c.bundle(
        "bundle_sealed_truncated",
        &forge(forge1(), &key1, None, Some(cut), String::into_bytes),
        "sealed_damaged",
    );
    // The clerk's own X25519 stanza, damaged: age cannot tell it from a stanza for
    // someone else (an X25519 stanza does not name its recipient), so it says no identity
    // matched: sealed_to_other, though the page's words ("sealed to other recipients")
    // would call this damage.
    let mut stanza =
        paneldesk::seal::seal(&recipient, &serde_json::to_vec(&forge1().payload).unwrap()).unwrap();
    let share = stanza
        .windows(7)
        .position(|w| w == b"X25519 ")
        .map(|at| at + "X25519 ".len() + 4)
        .unwrap();
    stanza[share] = if stanza[share] == b'A' { b'B' } else { b'A' };
    c.bundle(
        "bundle_sealed_stanza_damaged",
        &forge(forge1(), &key1, None, Some(stanza), String::into_bytes),
        "sealed_to_other",
    );
    c.bundle(
        "bundle_payload_not_json",
        &forge(
            forge1(),
            &key1,
            Some(b"scores, but not JSON".to_vec()),
            None,
            String::into_bytes,
        ),
        "malformed_content",
    );
    let mut f = forge1();
    f.payload.sequence = 2;
    c.bundle(
        "bundle_payload_other_sequence",
        &forged(f, &key1),
        "content_mismatch",
    );
    let mut f = forge1();
    f.payload.package_hash = "d".repeat(64);
    c.bundle(
        "bundle_payload_other_package",
        &forged(f, &key1),
        "content_mismatch",
    );
    let payload1 = serde_json::to_value(&forge1().payload).unwrap();
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut p = payload1.clone();
        edit(&mut p);
        serde_json::to_vec(&p).unwrap()
    };
    let first1 = items1.iter().position(|i| i.recusal.is_none()).unwrap();
    c.bundle(
        "bundle_payload_vote_unknown",
        &forge(
            forge1(),
            &key1,
            Some(with(&|p| p["items"][first1]["vote"] = json!("maybe"))),
            None,
            String::into_bytes,
        ),
        "malformed_content",
    );
    c.bundle(
        "bundle_payload_entered_not_an_object",
        &forge(
            forge1(),
            &key1,
            Some(with(&|p| p["items"][first1]["entered"] = json!("84.5"))),
            None,
            String::into_bytes,
        ),
        "malformed_content",
    );
    c.bundle(
        "bundle_payload_item_without_comment",
        &forge(
            forge1(),
            &key1,
            Some(with(&|p| {
                p["items"][first1]
                    .as_object_mut()
                    .unwrap()
                    .remove("comment");
            })),
            None,
            String::into_bytes,
        ),
        "malformed_content",
    );
    c.bundle(
        "bundle_payload_optional_fields_left_out",
        &forge(
            forge1(),
            &key1,
            Some(with(&|p| {
                for item in p["items"].as_array_mut().unwrap() {
                    let item = item.as_object_mut().unwrap();
                    for k in ["vote", "grade", "entered"] {
                        item.remove(k);
                    }
                    item.insert("note_for_later".into(), json!({"any": [1, 2.5, null]}));
                }
            })),
            None,
            String::into_bytes,
        ),
        "accepted",
    );
    let text = String::from_utf8(with(&|_| {})).unwrap();
    let criterion_points = format!("\"c1\":{}", item_points(&items1[first1], "c1"));
    // A repeated criterion: in a map the last one counts, for both readers.
    c.bundle(
        "bundle_payload_criterion_twice",
        &forge(
            forge1(),
            &key1,
            Some(
                replaced(
                    &text,
                    &criterion_points,
                    &format!("\"c1\":1000,{criterion_points}"),
                )
                .into_bytes(),
            ),
            None,
            String::into_bytes,
        ),
        "malformed_content",
    );
    c.bundle(
        "bundle_points_1e400",
        &forge(
            forge1(),
            &key1,
            Some(replaced(&text, &criterion_points, "\"c1\":1e400").into_bytes()),
            None,
            String::into_bytes,
        ),
        "malformed_content",
    );

    // ---- the header as JSON ----
    let edited =
        |name: &str, spec: &'static str, c: &mut Corpus, edit: &dyn Fn(String) -> Vec<u8>| {
            c.bundle(name, &forge(forge1(), &key1, None, None, edit), spec);
        };
    edited("bundle_wrong_format", "wrong_format", &mut c, &|t| {
        replaced(&t, "paneldesk.result-bundle", "paneldesk.panel-package").into_bytes()
    });
    edited("bundle_version_2", "unsupported_version", &mut c, &|t| {
        replaced(&t, "\"version\": 1", "\"version\": 2").into_bytes()
    });
    edited("bundle_version_1_0", "malformed_content", &mut c, &|t| {
        replaced(&t, "\"version\": 1", "\"version\": 1.0").into_bytes()
    });
    edited(
        "bundle_version_2_pow_32",
        "malformed_content",
        &mut c,
        &|t| replaced(&t, "\"version\": 1", "\"version\": 4294967296").into_bytes(),
    );
    edited("bundle_version_string", "malformed_content", &mut c, &|t| {
        replaced(&t, "\"version\": 1", "\"version\": \"1\"").into_bytes()
    });
    edited(
        "bundle_header_not_json",
        "malformed_content",
        &mut c,
        &|t| t.as_bytes()[..t.len() / 2].to_vec(),
    );
    edited(
        "bundle_scored_negative",
        "malformed_content",
        &mut c,
        &|t| {
            let scored = format!(
                "\"scored\": {}",
                items1.iter().filter(|i| i.recusal.is_none()).count()
            );
            replaced(&t, &scored, "\"scored\": -1").into_bytes()
        },
    );
    edited(
        "bundle_sequence_minus_zero",
        "malformed_content",
        &mut c,
        &|t| replaced(&t, "\"sequence\": 1", "\"sequence\": -0").into_bytes(),
    );
    edited(
        "bundle_header_duplicate_key",
        "malformed_content",
        &mut c,
        &|t| {
            // The first review_id another review's, the last this one's.
            replaced(
                &t,
                "\"review_id\"",
                "\"review_id\": \"2026-另一项评审\",\n  \"review_id\"",
            )
            .into_bytes()
        },
    );
    edited(
        "bundle_header_without_previous_bundle_hash",
        "accepted",
        &mut c,
        &|t| replaced(&t, "\"previous_bundle_hash\": null,", "").into_bytes(),
    );
    edited(
        "bundle_header_unknown_field_ignored",
        "accepted",
        &mut c,
        &|t| {
            replaced(
                &t,
                "{",
                "{\n  \"comment\": {\"from\": [\"an\", \"older\", 7]},",
            )
            .into_bytes()
        },
    );
    edited(
        "bundle_header_invalid_utf8_in_unknown_field",
        "malformed_content",
        &mut c,
        &|t| {
            let mut b = b"{\n  \"note\": \"caf\xe9\",".to_vec();
            b.extend_from_slice(&t.as_bytes()[1..]);
            b
        },
    );
    edited(
        "bundle_header_nested_5000_deep_unknown_field",
        "malformed_content",
        &mut c,
        &|t| {
            let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
            replaced(&t, "{", &format!("{{\n  \"deep\": {deep},")).into_bytes()
        },
    );
    edited(
        "bundle_header_deeply_nested_unknown_field",
        "malformed_content",
        &mut c,
        &|t| {
            let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
            replaced(&t, "{", &format!("{{\n  \"deep\": {deep},")).into_bytes()
        },
    );
    let name1 = e1.name.clone();
    edited(
        "bundle_header_lone_surrogate_name",
        "malformed_content",
        &mut c,
        &|t| {
            replaced(
                &t,
                &format!("\"name\": \"{name1}\""),
                "\"name\": \"\\ud800\"",
            )
            .into_bytes()
        },
    );
    edited(
        "bundle_header_byte_order_mark",
        "malformed_content",
        &mut c,
        &|t| [b"\xef\xbb\xbf".as_slice(), t.as_bytes()].concat(),
    );
    edited("bundle_header_nan", "malformed_content", &mut c, &|t| {
        replaced(&t, "{", "{\n  \"x\": NaN,").into_bytes()
    });
    let public1 = keys::public_hex(&key1.verifying_key());
    edited(
        "bundle_public_key_upper_case",
        "key_mismatch",
        &mut c,
        &|t| replaced(&t, &public1, &public1.to_uppercase()).into_bytes(),
    );
    edited(
        "bundle_payload_entry_renamed",
        "content_mismatch",
        &mut c,
        &|t| replaced(&t, "\"entry\": \"scores.age\"", "\"entry\": \"scores.bin\"").into_bytes(),
    );
    edited(
        "bundle_payload_bytes_wrong",
        "content_mismatch",
        &mut c,
        &|t| replaced(&t, "\"bytes\": ", "\"bytes\": 1").into_bytes(),
    );

    edited(
        "bundle_sequence_2_pow_64",
        "malformed_content",
        &mut c,
        &|t| replaced(&t, "\"sequence\": 1", "\"sequence\": 18446744073709551616").into_bytes(),
    );
    edited(
        "bundle_sequence_1_previous_empty",
        "broken_chain",
        &mut c,
        &|t| {
            replaced(
                &t,
                "\"previous_bundle_hash\": null",
                "\"previous_bundle_hash\": \"\"",
            )
            .into_bytes()
        },
    );
    edited(
        "bundle_header_lone_surrogate_in_unknown_field",
        "malformed_content",
        &mut c,
        &|t| replaced(&t, "{", "{\n  \"note\": \"\\udc00\",").into_bytes(),
    );
    edited(
        "bundle_header_invalid_utf8_in_name",
        "malformed_content",
        &mut c,
        &|t| {
            let at = t.find(&format!("\"name\": \"{name1}")).unwrap() + "\"name\": \"".len();
            let mut b = t.into_bytes();
            b.insert(at, 0xff);
            b
        },
    );
    edited(
        "bundle_header_nbsp_between_tokens",
        "malformed_content",
        &mut c,
        &|t| replaced(&t, "\"format\": ", "\"format\":\u{a0}").into_bytes(),
    );
    c.bundle(
        "bundle_scores_ascii_armored",
        &forge(
            forge1(),
            &key1,
            None,
            Some(armored(
                &paneldesk::seal::seal(&recipient, &serde_json::to_vec(&forge1().payload).unwrap())
                    .unwrap(),
            )),
            String::into_bytes,
        ),
        "sealed_damaged",
    );
    c.bundle(
        "bundle_payload_criterion_null",
        &forge(
            forge1(),
            &key1,
            Some(with(&|p| {
                p["items"][first1]["criteria"]["c1"] = Value::Null
            })),
            None,
            String::into_bytes,
        ),
        "malformed_content",
    );
    c.bundle(
        "bundle_payload_recusal_empty",
        &forge(
            forge1(),
            &key1,
            Some(with(&|p| p["items"][first1]["recusal"] = json!({}))),
            None,
            String::into_bytes,
        ),
        "malformed_content",
    );

    // ---- the second package: comments of at least 5 Unicode scalar values, trimmed ----
    let forge2 = |comment: &str| {
        let mut items = items1.clone();
        items[first1].comment = comment.into();
        Forged::new(&package2, e1.id, &key1).items(items)
    };
    c.bundle(
        "items_comment_short_once_trimmed",
        &forged(forge2("\u{3000}好好好好\u{3000}\u{a0}"), &key1),
        "incomplete_item",
    );
    c.bundle(
        "items_comment_control_characters_count",
        &forged(forge2("\u{1f}好好好好\u{1c}"), &key1),
        "accepted",
    );
    c.bundle(
        "items_comment_long_enough",
        &forged(forge2("事迹突出。"), &key1),
        "accepted",
    );
    // Chains are per package: expert 0's first bundle for the second package.
    c.bundle(
        "bundle_other_package_own_chain",
        &forged(
            Forged::new(&package2, e0.id, &key0).items(items0.clone()),
            &key0,
        ),
        "accepted",
    );

    // ---- the other scoring modes ----
    for (file, mode) in mode_packages.iter().zip(["grade", "vote"]) {
        let marked = |edit: &dyn Fn(&mut ScoreItem)| {
            let mut items = items1.clone();
            for item in items.iter_mut().filter(|i| i.recusal.is_none()) {
                item.criteria.clear();
                item.entered = None;
                if mode == "grade" {
                    item.grade = Some("good".into());
                } else {
                    item.vote = Some(Vote::Disagree);
                }
            }
            edit(&mut items[first1]);
            Forged::new(file, e1.id, &key1).items(items)
        };
        let name = |what: &str| format!("items_{mode}_{what}");
        c.bundle(
            &name("accepted"),
            &forged(marked(&|_| {}), &key1),
            "accepted",
        );
        c.bundle(
            &name("with_points"),
            &forged(
                marked(&|i| {
                    i.criteria.insert("c1".into(), 10.0);
                }),
                &key1,
            ),
            "wrong_scoring_mode",
        );
        c.bundle(
            &name("with_the_other_mark"),
            &forged(
                marked(&|i| {
                    i.vote = Some(Vote::Agree);
                    i.grade = Some("pass".into());
                }),
                &key1,
            ),
            "wrong_scoring_mode",
        );
        c.bundle(
            &name("unmarked"),
            &forged(
                marked(&|i| {
                    i.vote = None;
                    i.grade = None;
                }),
                &key1,
            ),
            "incomplete_item",
        );
    }

    // ---- a grade is a key of its package's grade list ----
    let graded = |file: &Path, grade: &str, first: &str| {
        let mut items = items1.clone();
        for item in items.iter_mut().filter(|i| i.recusal.is_none()) {
            item.criteria.clear();
            item.entered = None;
            item.grade = Some(grade.into());
        }
        items[first1].grade = Some(first.into());
        Forged::new(file, e1.id, &key1).items(items)
    };
    let default_list = &mode_packages[0];
    c.bundle(
        "items_grade_off_the_default_list",
        &forged(graded(default_list, "good", "platinum"), &key1),
        "unknown_grade",
    );
    c.bundle(
        "items_grade_list_accepted",
        &forged(graded(&grade_list, "b", "c"), &key1),
        "accepted",
    );
    c.bundle(
        "items_grade_list_default_key",
        &forged(graded(&grade_list, "b", "excellent"), &key1),
        "unknown_grade",
    );
    c.bundle(
        "items_grade_list_name_not_key",
        &forged(graded(&grade_list, "b", "优秀"), &key1),
        "unknown_grade",
    );
    c.bundle(
        "items_grade_list_key_case",
        &forged(graded(&grade_list, "b", "A"), &key1),
        "unknown_grade",
    );
    c.bundle(
        "bundle_payload_grade_not_a_string",
        &forge(
            graded(&grade_list, "b", "a"),
            &key1,
            Some({
                let f = graded(&grade_list, "b", "a");
                let mut p: Value = serde_json::to_value(&f.payload).unwrap();
                p["items"][first1]["grade"] = json!(0);
                serde_json::to_vec(&p).unwrap()
            }),
            None,
            String::into_bytes,
        ),
        "malformed_content",
    );

    // ---- what the scores must say (expert 0's correction, sequence 2) ----
    item_cases(&mut c, &items0, &next0, &key0);

    let tally_round = tally_cases(&mut c, &mut snapshots, &b1);
    let laptops = vote_cases(&mut c, &mut snapshots, &tally_round, &b1);
    Built {
        _round: round,
        _tally_round: tally_round,
        corpus: c,
        snapshots,
        laptops,
    }
}

/// The review cases `case` makes that turn counted ballot `ballot` round, as `cases` names
/// them with what `audit verify` must say of each: its count changed (the 同意 of entry
/// `entry` set to `agree`), its outcome alone turned round, its decisions alone.
fn turned_round_cases<F>(
    mut case: F,
    ballot: i64,
    (entry, agree): (usize, i64),
    cases: [(&str, &'static str); 3],
) where
    F: FnMut(&str, &'static str, &dyn Fn(&rusqlite::Connection)),
{
    let [count, outcome, decisions] = cases;
    case(count.0, count.1, &|raw| {
        edit_counted(raw, ballot, |v| {
            v["tally"]["counts"][entry]["agree"] = agree.into();
        })
    });
    case(outcome.0, outcome.1, &|raw| {
        edit_counted(raw, ballot, |v| {
            v["outcome"]["entries"][0]["result"] = "out".into();
            v["outcome"]["entries"][1]["result"] = "in".into();
        })
    });
    case(decisions.0, decisions.1, &|raw| {
        decisions_turned(raw, ballot)
    });
}

/// An edit of a JSON object that takes out its `field`.
fn without(field: &'static str) -> impl Fn(&mut Value) {
    move |v| {
        v.as_object_mut().unwrap().remove(field);
    }
}

/// The review's key registrations, for the Python's contexts.
fn registrations_of(review: &Path) -> Vec<Value> {
    let registrations = registration::list_in(review).unwrap().into_iter();
    registrations
        .map(|r| {
            json!({
                "expert_id": r.expert_id,
                "fingerprint": r.fingerprint,
                "revoked": r.revoked_at.is_some(),
            })
        })
        .collect()
}

/// Writes `context_of` each of the review `snapshots` `names` to `file` in the corpus.
fn write_contexts(
    c: &Corpus,
    file: &str,
    snapshots: &BTreeMap<&'static str, PathBuf>,
    names: [&'static str; 4],
    context_of: fn(&Path) -> Value,
) {
    let contexts: BTreeMap<&str, Value> = names
        .into_iter()
        .map(|name| (name, context_of(&snapshots[name])))
        .collect();
    std::fs::write(
        c.dir.join(file),
        serde_json::to_vec_pretty(&contexts).unwrap(),
    )
    .unwrap();
}

/// What the clerk's review holds for confirming a tally, for the Python: its id, the
/// roster's size, the registrations, and each ballot as stored.
fn tally_context_of(review: &Path) -> Value {
    let conn = paneldesk::store::open(review).unwrap();
    let quorum = paneldesk::store::category_rules::in_force(
        &conn,
        &paneldesk::merge::results::ResultOptions::default(),
    )
    .unwrap();
    let mut ballots = serde_json::Map::new();
    for b in meeting::list(review).unwrap() {
        let sha: Option<String> = conn
            .query_row(
                "SELECT tally_sha256 FROM meeting_ballot WHERE id = ?1",
                [b.id],
                |r| r.get(0),
            )
            .unwrap();
        ballots.insert(
            b.id.to_string(),
            json!({
                "category_key": b.category_key,
                "kind": b.kind,
                "places": b.places,
                "threshold": b.threshold,
                "entries": b.entries.iter().map(|e| e.nomination_id).collect::<Vec<_>>(),
                "chair": b.chair,
                "counted": b.counted.is_some(),
                "tally_sha256": sha,
                "quorum": quorum.get(&b.category_key).map_or(0, |r| r.quorum),
            }),
        );
    }
    json!({
        "review_id": paneldesk::store::review_rows::read_review(&conn).unwrap().id,
        "experts": paneldesk::store::experts::count(&conn).unwrap(),
        "registrations": registrations_of(review),
        "ballots": ballots,
    })
}

/// The 会评 tally files: a tie voted on by show of hands, its tally written by the clerk
/// and signed by the chair on their laptop, then every way the issue names to get a
/// tally counted the panel did not agree to, and files that are not tallies at all.
/// Ballot 1 (a choice, chaired) has its tally written; ballot 2 (a vote, chaired) none;
/// ballot 3 has no chair. Written to `tally_context.json`.
fn tally_cases(
    c: &mut Corpus,
    snapshots: &mut BTreeMap<&'static str, PathBuf>,
    bundle: &Path,
) -> VoteRound {
    let round = tied_round();
    let first = chaired_ballot(&round);
    let chair = expert_id(&round, CHAIR);
    let second = meeting::open_with_chair(
        &round.review,
        KEY,
        &meeting::Shortlist::TiedAtCut,
        meeting::BallotKind::Vote,
        Some(chair),
        T0,
        "clerk",
    )
    .unwrap();
    let third = meeting::open(
        &round.review,
        KEY,
        &meeting::Shortlist::TiedAtCut,
        meeting::BallotKind::Vote,
        T0,
        "clerk",
    )
    .unwrap();
    assert_eq!([first.id, second.id, third.id], [1, 2, 3]);
    let written = tally_file::write(
        &round.review,
        first.id,
        &room(&round),
        &stick(&round, "to-chair"),
        T0,
        "clerk",
    )
    .unwrap();
    let signed = paneldesk::ops::meeting::sign(
        &mut laptop(&round, CHAIR),
        &written.file,
        &passphrase(CHAIR),
        &stick(&round, "back"),
        NOW_UNIX,
    )
    .unwrap();

    // The clerk's review: as it is; the ballot counted; the chair's key revoked; the
    // category's quorum raised above those present.
    let snaps = round.root.join("snapshots");
    std::fs::create_dir_all(&snaps).unwrap();
    snapshots.insert(
        "tally",
        snapshot(&round.review, &snaps.join("tally.pdreview")),
    );
    let work = snapshot(&round.review, &snaps.join("tally-counted.pdreview"));
    tally_file::confirm(&work, first.id, &signed.file, T0, "clerk").unwrap();
    snapshots.insert("tally-counted", work);
    let work = snapshot(&round.review, &snaps.join("tally-revoked.pdreview"));
    registration::revoke_in(&work, chair, "笔记本电脑遗失", T0, "clerk").unwrap();
    snapshots.insert("tally-revoked", work);
    let work = snapshot(&round.review, &snaps.join("tally-quorum.pdreview"));
    let mut rule = vote_rule(paneldesk::merge::aggregate::VoteThreshold::MoreThanHalf);
    rule.tie_breakers.clear();
    rule.quorum = 7;
    paneldesk::store::category_rules::set(&work, KEY, &rule, T0, "clerk").unwrap();
    snapshots.insert("tally-quorum", work);
    let names = ["tally", "tally-counted", "tally-revoked", "tally-quorum"];
    write_contexts(c, "tally_context.json", snapshots, names, tally_context_of);

    let good = std::fs::read(&signed.file).unwrap();
    let (_, json, _) = tally_file::open_unsigned(&written.file).unwrap();
    let chair_key = key_of(CHAIR);
    let edit = |f: &dyn Fn(&mut Value)| edited(&written.file, f);
    let by_chair = |f: &dyn Fn(&mut Value)| signed_bytes(&edit(f), &chair_key);
    let entry = |name: &str| {
        entries_of(&signed.file)
            .into_iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("the signed tally has no {name}"))
            .1
    };
    let (sig_entry, statement, statement_sig) = (
        entry("tally.sig"),
        entry("signed.json"),
        entry("signed.sig"),
    );
    let b = first.id;

    c.tally("tally_genuine", "tally", b, &good, "accepted");
    signing_statement_cases(c, b, &json, &sig_entry, &statement, &statement_sig);
    c.tally(
        "tally_counted_already",
        "tally-counted",
        b,
        &good,
        "ballot_counted",
    );
    c.tally(
        "tally_key_revoked",
        "tally-revoked",
        b,
        &good,
        "key_revoked",
    );
    c.tally(
        "tally_quorum_raised",
        "tally-quorum",
        b,
        &good,
        "impossible_tally",
    );
    c.tally(
        "tally_for_ballot_2",
        "tally",
        second.id,
        &good,
        "other_ballot",
    );
    c.tally(
        "tally_unsigned",
        "tally",
        b,
        &std::fs::read(&written.file).unwrap(),
        "missing_entry",
    );
    let swapped = edit(&|v| {
        v["tally"]["counts"][0]["agree"] = 2.into();
        v["tally"]["counts"][1]["agree"] = 4.into();
    });
    c.tally(
        "tally_altered_after_signing",
        "tally",
        b,
        &canonical(&[("tally.json", &swapped), ("tally.sig", &sig_entry)]),
        "signature_invalid",
    );
    let mut redated = good.clone();
    redated[12] ^= 1;
    c.tally("tally_redated", "tally", b, &redated, "header_mismatch");
    c.tally(
        "tally_relaid",
        "tally",
        b,
        &canonical(&[("tally.sig", &sig_entry), ("tally.json", &json)]),
        "not_canonical",
    );
    let upper = String::from_utf8(sig_entry.clone()).unwrap().to_uppercase();
    let upper = upper
        .replacen("KEY:", "key:", 1)
        .replacen("SIG:", "sig:", 1);
    c.tally(
        "tally_signature_upper_case",
        "tally",
        b,
        &canonical(&[("tally.json", &json), ("tally.sig", upper.as_bytes())]),
        "malformed_signature",
    );
    c.tally(
        "tally_unregistered_key",
        "tally",
        b,
        &signed_bytes(&json, &keys::signing_key(&[99; 32])),
        "key_not_registered",
    );
    c.tally(
        "tally_other_experts_key",
        "tally",
        b,
        &signed_bytes(&json, &key_of(1)),
        "key_not_registered",
    );
    let other_chair = laptop(&round, 1).enrolment().unwrap().unwrap().expert;
    c.tally(
        "tally_names_another_chair",
        "tally",
        b,
        &signed_bytes(
            &edit(&|v| {
                v["chair"]["id"] = other_chair.id.into();
                v["chair"]["name"] = other_chair.name.clone().into();
            }),
            &key_of(1),
        ),
        "not_the_chair",
    );
    c.tally(
        "tally_chair_renamed",
        "tally",
        b,
        &by_chair(&|v| v["chair"]["name"] = "王组长".into()),
        "not_the_chair",
    );
    c.tally(
        "tally_ballot_without_chair",
        "tally",
        third.id,
        &by_chair(&|v| {
            v["ballot"]["id"] = third.id.into();
            v["ballot"]["kind"] = json!({ "kind": "vote" });
        }),
        "not_the_chair",
    );
    c.tally(
        "tally_other_review",
        "tally",
        b,
        &by_chair(&|v| v["review"]["id"] = "2026-student_exemplar-other".into()),
        "other_review",
    );
    c.tally(
        "tally_ballot_narrowed",
        "tally",
        b,
        &by_chair(&|v| {
            v["ballot"]["entries"].as_array_mut().unwrap().pop();
        }),
        "ballot_mismatch",
    );
    c.tally(
        "tally_choice_of_null",
        "tally",
        b,
        &by_chair(&|v| v["ballot"]["kind"]["at_most"] = Value::Null),
        "ballot_mismatch",
    );
    c.tally(
        "tally_threshold_changed",
        "tally",
        b,
        &by_chair(&|v| v["ballot"]["threshold"] = "two_thirds".into()),
        "ballot_mismatch",
    );
    c.tally(
        "tally_name_changed",
        "tally",
        b,
        &by_chair(&|v| v["ballot"]["entries"][0]["display_name"] = "改名".into()),
        "tally_changed",
    );
    c.tally(
        "tally_recounted_by_the_chair",
        "tally",
        b,
        &by_chair(&|v| {
            v["tally"]["counts"][0]["agree"] = 3.into();
            v["tally"]["counts"][1]["agree"] = 3.into();
        }),
        "tally_changed",
    );
    c.tally(
        "tally_wrong_format",
        "tally",
        b,
        &by_chair(&|v| v["format"] = "paneldesk.result-bundle".into()),
        "wrong_format",
    );
    c.tally(
        "tally_version_2",
        "tally",
        b,
        &by_chair(&|v| v["version"] = 2.into()),
        "unsupported_version",
    );
    c.tally(
        "tally_present_in_words",
        "tally",
        b,
        &by_chair(&|v| v["tally"]["present"] = "六".into()),
        "malformed_content",
    );
    c.tally(
        "tally_count_over_u32",
        "tally",
        b,
        &by_chair(&|v| v["tally"]["counts"][0]["agree"] = (1u64 << 32).into()),
        "malformed_content",
    );
    c.tally(
        "tally_unknown_kind",
        "tally",
        b,
        &by_chair(&|v| v["ballot"]["kind"] = json!({ "kind": "acclaim" })),
        "malformed_content",
    );
    c.tally(
        "tally_score_in_words",
        "tally",
        b,
        &by_chair(&|v| v["ballot"]["entries"][0]["score"] = "高".into()),
        "malformed_content",
    );
    c.tally(
        "tally_bloated",
        "tally",
        b,
        &by_chair(&|v| v["padding"] = "填".repeat(100_000).into()),
        "oversized_entry",
    );
    c.tally(
        "tally_text",
        "tally",
        b,
        "计票：4 比 2\n".as_bytes(),
        "not_a_container",
    );
    c.tally(
        "tally_truncated",
        "tally",
        b,
        &good[..good.len() - 30],
        "not_a_container",
    );
    c.tally(
        "tally_a_result_bundle",
        "tally",
        b,
        &std::fs::read(bundle).unwrap(),
        "unexpected_entry",
    );
    let huge = c.tally("tally_huge", "tally", b, b"", "file_too_large");
    sparse_file(&huge, 2 << 20);
    review_cases(c, &round, &snapshots["tally-counted"], &signed.file, &json);
    round
}

/// `audit verify`'s verdict on a review's 会评 ballots, as docs/formats.md ("What `audit
/// verify` checks") has the Python give it: per ballot in order, `<id>=chair_signed` or
/// `<id>=typed` when counted, then `<id>:<kind>` for each difference.
fn review_verdict(review: &Path) -> String {
    let conn = paneldesk::store::open(review).unwrap();
    let checked = match paneldesk::merge::rederive::ballots(&conn) {
        Ok(c) => c,
        Err(e) => return format!("error:{}", e.code()),
    };
    let ids: std::collections::BTreeSet<i64> = checked
        .ballots
        .iter()
        .map(|b| b.ballot)
        .chain(checked.differences.iter().map(|d| d.ballot))
        .collect();
    let mut said = Vec::new();
    for id in ids {
        for b in checked.ballots.iter().filter(|b| b.ballot == id) {
            let from = serde_json::to_value(b.counted_from).unwrap();
            said.push(format!("{id}={}", from.as_str().unwrap()));
        }
        for d in checked.differences.iter().filter(|d| d.ballot == id) {
            said.push(format!("{id}:{}", d.kind));
        }
    }
    said.join(" ")
}

fn rust_review_verdict(review: &Path, work: &Path) -> String {
    std::fs::copy(review, work).unwrap();
    review_verdict(work)
}

/// Review files edited after the count as someone holding one could, with a SQLite tool:
/// `counted` (ballot 1 counted from the chair's `signed` tally, whose `tally.json` is
/// `json`) with ballot 3, which has no chair, counted as typed.
fn review_cases(c: &mut Corpus, round: &VoteRound, counted: &Path, signed: &Path, json: &[u8]) {
    let base = round.root.join("snapshots/tally-audit.pdreview");
    std::fs::copy(counted, &base).unwrap();
    let (n0, n1) = (round.ids[0], round.ids[1]);
    let typed = super::meeting::tally(6, &[(n0, 5, 1, 0), (n1, 2, 4, 0)]);
    meeting::count(&base, 3, &typed, T0, "clerk").unwrap();
    let base = snapshot(
        &base,
        &round.root.join("snapshots/tally-audit-clean.pdreview"),
    );
    let kept = std::fs::read(signed).unwrap();
    let sig_entry = entries_of(signed)
        .into_iter()
        .find(|(n, _)| n == "tally.sig")
        .unwrap()
        .1;
    let chair_key = key_of(CHAIR);
    let by_chair = |edit: &dyn Fn(&mut Value)| {
        let mut v: Value = serde_json::from_slice(json).unwrap();
        edit(&mut v);
        signed_bytes(&serde_json::to_vec_pretty(&v).unwrap(), &chair_key)
    };
    let mut case = |name: &str, spec: &'static str, edit: &dyn Fn(&rusqlite::Connection)| {
        c.review(&base, name, spec, edit);
    };
    let sql = |raw: &rusqlite::Connection, statement: &str| {
        raw.execute_batch(statement).unwrap();
    };
    let keep = |raw: &rusqlite::Connection, bytes: &[u8]| {
        raw.execute(
            "UPDATE meeting_ballot SET signed_tally = ?1 WHERE id = 1",
            [bytes],
        )
        .unwrap();
    };

    case("review_genuine", "1=chair_signed 3=typed", &|_| {});
    let cases = [
        (
            "review_count_changed",
            "1=chair_signed 1:tally_changed 3=typed",
        ),
        (
            "review_outcome_turned",
            "1=chair_signed 1:tally_changed 1:ballot_decisions_differ 3=typed",
        ),
        (
            "review_decisions_turned",
            "1=chair_signed 1:ballot_decisions_differ 3=typed",
        ),
    ];
    turned_round_cases(&mut case, 1, (0, 3), cases);
    case(
        "review_decision_added",
        "1=chair_signed 1:ballot_decisions_differ 3=typed",
        &|raw| {
            raw.execute(
                "INSERT INTO result_decision (nomination_id, outcome, reason, decided_at, actor, ballot_id)
                 VALUES (?1, 'in', '会评', ?2, 'clerk', 1)",
                rusqlite::params![round.ids[4], T0],
            )
            .unwrap();
        },
    );
    case(
        "review_confirmation_changed",
        "1=chair_signed 1:tally_changed 3=typed",
        &|raw| edit_counted(raw, 1, |v| v["confirmed"]["chair_name"] = "王组长".into()),
    );
    case(
        "review_sha_column_changed",
        "1=chair_signed 1:tally_changed 3=typed",
        &|raw| {
            sql(
                raw,
                "UPDATE meeting_ballot SET tally_sha256 = 'ab' WHERE id = 1",
            )
        },
    );
    case(
        "review_count_unreadable",
        "1=chair_signed 1:tally_changed 3=typed",
        &|raw| edit_counted(raw, 1, |v| v["tally"]["present"] = "六".into()),
    );
    case(
        "review_kept_deleted",
        "1=chair_signed 1:tally_not_kept 3=typed",
        &|raw| {
            sql(
                raw,
                "UPDATE meeting_ballot SET signed_tally = NULL WHERE id = 1",
            )
        },
    );
    case(
        "review_disguised_as_typed",
        "1=chair_signed 1:tally_not_kept 3=typed",
        &|raw| {
            edit_counted(raw, 1, |v| {
                v.as_object_mut().unwrap().remove("confirmed");
            });
            sql(
                raw,
                "UPDATE meeting_ballot SET chair_expert_id = NULL, signed_tally = NULL, tally_sha256 = NULL
                 WHERE id = 1",
            );
        },
    );
    case(
        "review_kept_by_another_expert",
        "1=chair_signed 1:tally_signature 3=typed",
        &|raw| keep(raw, &signed_bytes(json, &key_of(1))),
    );
    case(
        "review_kept_by_a_stranger",
        "1=chair_signed 1:tally_signature 3=typed",
        &|raw| keep(raw, &signed_bytes(json, &keys::signing_key(&[99; 32]))),
    );
    let mut flipped = kept.clone();
    let at = flipped.len() / 3;
    flipped[at] ^= 1;
    case(
        "review_kept_byte_flipped",
        "1=chair_signed 1:tally_signature 3=typed",
        &|raw| keep(raw, &flipped),
    );
    case(
        "review_chair_moved",
        "1=chair_signed 1:tally_signature 3=typed",
        &|raw| {
            raw.execute(
                "UPDATE meeting_ballot SET chair_expert_id = ?1 WHERE id = 1",
                [expert_id(round, 1)],
            )
            .unwrap();
        },
    );
    case(
        "review_kept_for_another_review",
        "1=chair_signed 1:tally_not_this_ballot 3=typed",
        &|raw| keep(raw, &by_chair(&|v| v["review"]["id"] = "2026-other".into())),
    );
    case(
        "review_kept_for_another_ballot",
        "1=chair_signed 1:tally_not_this_ballot 3=typed",
        &|raw| {
            keep(
                raw,
                &by_chair(&|v| {
                    v["ballot"]["threshold"] = "two_thirds".into();
                }),
            )
        },
    );
    case(
        "review_kept_impossible",
        "1=chair_signed 1:tally_changed 3=typed",
        &|raw| keep(raw, &by_chair(&|v| v["tally"]["present"] = 7.into())),
    );
    case(
        "review_kept_without_statement",
        "1=chair_signed 1:tally_not_as_audited 3=typed",
        &|raw| {
            keep(
                raw,
                &canonical(&[("tally.json", json), ("tally.sig", &sig_entry)]),
            )
        },
    );
    case(
        "review_typed_retyped",
        "1=chair_signed 3=typed 3:tally_not_as_audited",
        &|raw| edit_counted(raw, 3, |v| v["tally"]["counts"][1]["agree"] = 1.into()),
    );
    case(
        "review_ballot_uncounted",
        "1:tally_not_as_audited 1:ballot_decisions_differ 3=typed",
        &|raw| {
            sql(
                raw,
                "UPDATE meeting_ballot SET counted_json = NULL WHERE id = 1",
            )
        },
    );
    case(
        "review_ballot_deleted",
        "1:tally_not_as_audited 1:ballot_decisions_differ 3=typed",
        &|raw| sql(raw, "DELETE FROM meeting_ballot WHERE id = 1"),
    );
}

/// The chair's signing statement (`signed.json`, `signed.sig`): optional, whole, by the
/// key that signed the tally, naming that tally.
fn signing_statement_cases(
    c: &mut Corpus,
    b: i64,
    json: &[u8],
    sig_entry: &[u8],
    statement: &[u8],
    statement_sig: &[u8],
) {
    let chair_key = key_of(CHAIR);
    let tally = [("tally.json", json), ("tally.sig", sig_entry)];
    let with = |extra: &[(&str, &[u8])]| canonical(&[&tally[..], extra].concat());
    let signed_statement = |edit: &dyn Fn(&mut Value), key: &SigningKey| {
        let mut v: Value = serde_json::from_slice(statement).unwrap();
        edit(&mut v);
        let bytes = serde_json::to_vec_pretty(&v).unwrap();
        let sig = container::signature_entry(
            &keys::public_hex(&key.verifying_key()),
            &keys::sign(key, &bytes),
        );
        (bytes, sig.into_bytes())
    };
    let keep = |_: &mut Value| {};
    c.tally(
        "tally_without_signing_statement",
        "tally",
        b,
        &with(&[]),
        "accepted",
    );
    c.tally(
        "tally_statement_without_its_signature",
        "tally",
        b,
        &with(&[("signed.json", statement)]),
        "missing_entry",
    );
    c.tally(
        "tally_statement_signature_alone",
        "tally",
        b,
        &with(&[("signed.sig", statement_sig)]),
        "missing_entry",
    );
    let (bytes, sig) = signed_statement(&keep, &key_of(1));
    c.tally(
        "tally_statement_by_another_key",
        "tally",
        b,
        &with(&[("signed.json", &bytes), ("signed.sig", &sig)]),
        "key_mismatch",
    );
    let (redated, _) = signed_statement(
        &|v| v["signed_at"] = "2026-01-01T00:00:00Z".into(),
        &chair_key,
    );
    c.tally(
        "tally_statement_redated_after_signing",
        "tally",
        b,
        &with(&[("signed.json", &redated), ("signed.sig", statement_sig)]),
        "signature_invalid",
    );
    c.tally(
        "tally_statement_relaid",
        "tally",
        b,
        &canonical(&[
            ("tally.json", json),
            ("signed.json", statement),
            ("tally.sig", sig_entry),
            ("signed.sig", statement_sig),
        ]),
        "not_canonical",
    );
    let (bytes, sig) = signed_statement(&|v| v["tally_sha256"] = "0".repeat(64).into(), &chair_key);
    c.tally(
        "tally_statement_of_another_tally",
        "tally",
        b,
        &with(&[("signed.json", &bytes), ("signed.sig", &sig)]),
        "content_mismatch",
    );
    let (bytes, sig) = signed_statement(
        &|v| v["format"] = "paneldesk.meeting-tally".into(),
        &chair_key,
    );
    c.tally(
        "tally_statement_wrong_format",
        "tally",
        b,
        &with(&[("signed.json", &bytes), ("signed.sig", &sig)]),
        "wrong_format",
    );
    let (bytes, sig) = signed_statement(&|v| v["signed_at"] = 1_700_000_000.into(), &chair_key);
    c.tally(
        "tally_statement_time_in_seconds",
        "tally",
        b,
        &with(&[("signed.json", &bytes), ("signed.sig", &sig)]),
        "malformed_content",
    );
}

fn rust_tally_verdict(snapshot: &Path, work: &Path, file: &Path, ballot: i64) -> String {
    std::fs::copy(snapshot, work).unwrap();
    match tally_file::confirm(work, ballot, file, T0, "clerk") {
        Ok(_) => "accepted".into(),
        Err(e) => e.code().into(),
    }
}

fn item_points(item: &ScoreItem, key: &str) -> String {
    serde_json::to_string(&item.criteria[key]).unwrap()
}

fn item_cases(c: &mut Corpus, items: &[ScoreItem], next: &dyn Fn() -> Forged, key: &SigningKey) {
    let scored = items.iter().position(|i| i.recusal.is_none()).unwrap();
    let own = items
        .iter()
        .position(|i| i.recusal.as_ref().is_some_and(|r| r.automatic))
        .expect("the demo gives expert 0 a conflict");
    let criterion = items[scored].criteria.keys().next().unwrap().clone();
    let mut case = |name: &str, spec: &'static str, edit: &dyn Fn(&mut Vec<ScoreItem>)| {
        let mut edited = items.to_vec();
        edit(&mut edited);
        c.bundle(name, &forged(next().items(edited), key), spec);
    };
    case("items_points_1000", "points_out_of_range", &|i| {
        i[scored].criteria.insert(criterion.clone(), 1000.0);
    });
    case("items_points_minus_500", "points_out_of_range", &|i| {
        i[scored].criteria.insert(criterion.clone(), -500.0);
    });
    case("items_points_off_step", "points_off_step", &|i| {
        i[scored].criteria.insert(criterion.clone(), 0.3333);
    });
    case("items_points_near_step", "accepted", &|i| {
        // Within 1e-9 steps of a whole step: on the step.
        i[scored].criteria.insert(criterion.clone(), 10.0 + 1e-12);
    });
    case("items_unknown_criterion", "unknown_criterion", &|i| {
        i[scored].criteria.insert("c99".into(), 1.0);
    });
    case("items_unknown_criterion_first", "unknown_criterion", &|i| {
        // "c0" sorts before the rubric's keys: named before c1's points are looked at.
        i[scored].criteria.insert("c0".into(), 1.0);
        i[scored].criteria.insert(criterion.clone(), 1000.0);
    });
    case("items_wrong_scoring_mode", "wrong_scoring_mode", &|i| {
        i[scored].vote = Some(Vote::Agree);
    });
    case("items_marks_on_recusal", "marks_on_recusal", &|i| {
        i[own].criteria.insert(criterion.clone(), 10.0);
    });
    case(
        "items_own_institution_not_recused",
        "own_institution_not_recused",
        &|i| {
            let marks = i[scored].criteria.clone();
            i[own].recusal = None;
            i[own].criteria = marks;
            i[own].comment = "本校推荐，事迹突出".into();
        },
    );
    case("items_duplicate", "duplicate_item", &|i| {
        let copy = i[scored].clone();
        i.push(copy);
    });
    case("items_missing", "missing_item", &|i| {
        i.pop();
    });
    case("items_not_in_package", "item_not_in_package", &|i| {
        i[scored].nomination_id = 999_999;
    });
    case("items_incomplete", "incomplete_item", &|i| {
        i[scored].criteria.remove(&criterion);
    });
    case("items_recusal_declared", "accepted", &|i| {
        i[scored].recusal = Some(paneldesk::model::marks::Recusal {
            reason: paneldesk::model::marks::RecusalReason::TeacherStudent,
            note: "曾指导其论文".into(),
            automatic: false,
        });
        i[scored].criteria.clear();
    });
    let mut lying = next().items(items.to_vec());
    lying.header.recused += 1;
    lying.header.scored -= 1;
    c.bundle(
        "items_counts_mismatch",
        &forged(lying, key),
        "counts_mismatch",
    );
}

fn package_cases(c: &mut Corpus, round: &Round) {
    let genuine = std::fs::read(&round.package).unwrap();
    let entries = stored_entries(&round.package);
    let manifest = entries[0].1.clone();
    let text = String::from_utf8(manifest.clone()).unwrap();
    let clerk = clerk_keys().signing().unwrap();
    let clerk_hex = keys::public_hex(&clerk.verifying_key());
    let signed = |json: &[u8]| container::signature_entry(&clerk_hex, &keys::sign(&clerk, json));
    let resigned = |json: &[u8]| {
        canonical(&[
            ("package.json", json),
            ("package.sig", signed(json).as_bytes()),
        ])
    };

    c.package("pkg_genuine", &genuine, "accepted");
    c.package(
        "pkg_rewritten_by_hand",
        &raw_zip(&as_refs(&entries), |_| None),
        "accepted",
    );
    // ---- the container ----
    c.package(
        "pkg_truncated",
        &genuine[..genuine.len() / 2],
        "not_a_container",
    );
    c.package("pkg_not_a_zip", b"hello", "not_a_container");
    c.package("pkg_empty", b"", "not_a_container");
    let mut commented = [genuine.as_slice(), b"hi"].concat();
    let end = genuine.len() - 22;
    put_u16(&mut commented, end + 20, 2);
    c.package("pkg_comment", &commented, "not_a_container");
    let path = c.add("pkg_file_too_large", Kind::Package, "", "file_too_large");
    sparse_file(&path, (4 << 30) + 1);
    // Only an end record, claiming 20,001 entries.
    let mut many = vec![0u8; 22];
    put_u32(&mut many, 0, 0x0605_4b50);
    put_u16(&mut many, 8, 20_001);
    put_u16(&mut many, 10, 20_001);
    c.package("pkg_too_many_entries", &many, "too_many_entries");
    put_u16(&mut many, 8, 20_000);
    put_u16(&mut many, 10, 20_000);
    c.package("pkg_20000_entries_claimed", &many, "not_a_container");
    let altered = replaced(&text, "2026-12-10", "2027-01-31");
    let mut twice = vec![("package.json", altered.as_bytes())];
    twice.extend(as_refs(&entries));
    c.package(
        "pkg_manifest_twice",
        &raw_zip(&twice, |_| None),
        "duplicate_entry",
    );
    c.package(
        "pkg_local_name_differs",
        &raw_zip(&as_refs(&entries), |i| {
            (i == 0).then(|| "package.jso_".into())
        }),
        "header_mismatch",
    );
    c.package("pkg_deflated", &deflated(&entries), "compressed_entry");
    // trust.rs's package bomb in miniature (8 × 256 KiB of zeros, not 8 × 100 MiB): the
    // verdict comes from the directory, before anything would be inflated.
    let mut bomb: Entries = vec![
        ("package.json".into(), b"{}".to_vec()),
        ("package.sig".into(), b"x".to_vec()),
    ];
    for i in 0..8 {
        bomb.push((format!("materials/{i:064x}"), vec![0; 256 << 10]));
    }
    c.package("pkg_deflated_bomb", &deflated(&bomb), "compressed_entry");
    let l = layout(&genuine);
    let mut sizes = genuine.clone();
    put_u32(
        &mut sizes,
        l.central[1] + 20,
        u32_at(&genuine, l.central[1] + 20) + 1,
    );
    c.package("pkg_stored_sizes_differ", &sizes, "compressed_entry");
    let mut flipped = genuine.clone();
    flipped[l.data[0] + 3] ^= 0x20;
    c.package("pkg_crc_mismatch", &flipped, "crc_mismatch");
    c.package(
        "pkg_bytes_between_entries",
        &insert_at(&genuine, l.local[1], b"hidden"),
        "header_mismatch",
    );
    c.package(
        "pkg_bytes_before_directory",
        &insert_at(&genuine, l.directory, b"hidden"),
        "not_a_container",
    );
    let mut flags = genuine.clone();
    put_u16(&mut flags, l.central[0] + 8, 0x0008);
    put_u16(&mut flags, l.local[0] + 6, 0x0008);
    c.package("pkg_data_descriptor_flag", &flags, "not_a_container");
    let mut local_flags = genuine.clone();
    put_u16(&mut local_flags, l.local[1] + 6, 0x0800);
    c.package("pkg_local_flags_differ", &local_flags, "header_mismatch");
    let mut overrun = genuine.clone();
    put_u16(&mut overrun, l.central[1] + 28, "package.sig".len() + 2);
    c.package(
        "pkg_central_name_overruns_directory",
        &overrun,
        "not_a_container",
    );
    // A directory that claims far more bytes than its entries could need: one entry, and
    // every byte of a 200 KB file before the end record said to be its directory.
    let mut swollen = vec![0u8; 200 << 10];
    swollen.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    swollen.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
    swollen.extend_from_slice(&((200u32 << 10).to_le_bytes()));
    swollen.extend_from_slice(&0u32.to_le_bytes());
    swollen.extend_from_slice(&0u16.to_le_bytes());
    c.package(
        "pkg_directory_larger_than_its_entries",
        &swollen,
        "not_a_container",
    );
    let mut foreign = entries.clone();
    foreign.push(("../../etc/passwd".into(), b"x".to_vec()));
    c.package(
        "pkg_path_entry",
        &canonical(&as_refs(&foreign)),
        "unexpected_entry",
    );
    let mut unlisted = entries.clone();
    unlisted.push((format!("materials/{}", "a".repeat(64)), b"x".to_vec()));
    c.package(
        "pkg_extra_material_entry",
        &canonical(&as_refs(&unlisted)),
        "unexpected_entry",
    );
    let mut upper = entries.clone();
    upper.push((format!("materials/{}", "A".repeat(64)), b"x".to_vec()));
    c.package(
        "pkg_material_name_upper_case",
        &canonical(&as_refs(&upper)),
        "unexpected_entry",
    );
    c.package(
        "pkg_missing_signature",
        &canonical(&[("package.json", &manifest)]),
        "missing_entry",
    );
    c.package(
        "pkg_signature_oversized",
        &canonical(&[("package.json", &manifest), ("package.sig", &[b'x'; 300])]),
        "oversized_entry",
    );
    c.package(
        "pkg_entries_reversed",
        &canonical(&[("package.sig", &entries[1].1), ("package.json", &manifest)]),
        "accepted",
    );

    // ---- the signature ----
    let genuine_sig = String::from_utf8(entries[1].1.clone()).unwrap();
    let with_sig =
        |sig: &str| canonical(&[("package.json", &manifest), ("package.sig", sig.as_bytes())]);
    c.package(
        "pkg_signature_upper_case",
        &with_sig(
            &genuine_sig
                .to_uppercase()
                .replace("KEY:", "key:")
                .replace("SIG:", "sig:"),
        ),
        "malformed_signature",
    );
    c.package(
        "pkg_signature_no_final_newline",
        &with_sig(genuine_sig.trim_end()),
        "malformed_signature",
    );
    let (weak, weak_sig) = small_order_key_signature();
    c.package(
        "pkg_key_small_order",
        &with_sig(&container::signature_entry(&weak, &weak_sig)),
        "bad_public_key",
    );
    let sig_hex = genuine_sig.lines().nth(1).unwrap()["sig:".len()..].to_string();
    c.package(
        "pkg_key_not_a_point",
        &with_sig(&container::signature_entry(&not_a_point(), &sig_hex)),
        "bad_public_key",
    );
    c.package(
        "pkg_key_non_canonical_encoding",
        &with_sig(&container::signature_entry(&non_canonical_key(), &sig_hex)),
        "bad_public_key",
    );
    let edited = variant_entries(&entries, 0, altered.as_bytes());
    c.package(
        "pkg_edited_after_signing",
        &canonical(&as_refs(&edited)),
        "signature_invalid",
    );
    c.package(
        "pkg_signature_s_plus_l",
        &with_sig(&container::signature_entry(
            &clerk_hex,
            &non_canonical_s(&sig_hex),
        )),
        "signature_invalid",
    );
    c.package(
        "pkg_signature_small_order_r",
        &with_sig(&container::signature_entry(
            &clerk_hex,
            &small_order_r_signature(&clerk, &manifest),
        )),
        "signature_invalid",
    );
    let intruder = keys::signing_key(&[98; 32]);
    let intruder_hex = keys::public_hex(&intruder.verifying_key());
    c.package(
        "pkg_signed_by_another_key",
        &with_sig(&container::signature_entry(
            &intruder_hex,
            &keys::sign(&intruder, &manifest),
        )),
        "key_mismatch",
    );

    // ---- the manifest ----
    c.package(
        "pkg_version_2",
        &resigned(replaced(&text, "\"version\": 1", "\"version\": 2").as_bytes()),
        "unsupported_version",
    );
    c.package(
        "pkg_version_minus_zero",
        &resigned(replaced(&text, "\"version\": 1", "\"version\": -0").as_bytes()),
        "malformed_content",
    );
    c.package(
        "pkg_wrong_format",
        &resigned(replaced(&text, "paneldesk.panel-package", "paneldesk.result-bundle").as_bytes()),
        "wrong_format",
    );
    c.package(
        "pkg_format_missing",
        &resigned(replaced(&text, "\"format\": \"paneldesk.panel-package\",", "").as_bytes()),
        "malformed_content",
    );
    c.package("pkg_not_json", &resigned(b"not json"), "malformed_content");
    c.package(
        "pkg_closes_on_missing",
        &resigned(replaced(&text, "\"closes_on\": \"2026-12-10\",", "").as_bytes()),
        "malformed_content",
    );
    c.package(
        "pkg_expert_id_fraction",
        &resigned(replaced(&text, "\"id\": 1,", "\"id\": 1.5,").as_bytes()),
        "malformed_content",
    );
    c.package(
        "pkg_min_comment_chars_2_pow_32",
        &resigned(
            replaced(
                &text,
                "\"min_comment_chars\": 0",
                "\"min_comment_chars\": 4294967296",
            )
            .as_bytes(),
        ),
        "malformed_content",
    );
    c.package(
        "pkg_signing_key_other",
        &resigned(replaced(&text, &clerk_hex, &intruder_hex).as_bytes()),
        "key_mismatch",
    );

    c.package(
        "pkg_unknown_fields_ignored",
        &resigned(
            replaced(
                &text,
                "{",
                "{\n  \"signed_by_a_later_version\": {\"x\": [1, 2.5, null]},",
            )
            .as_bytes(),
        ),
        "accepted",
    );
    c.package(
        "pkg_allowance_missing",
        &resigned(replaced(&text, "\"allowance\": null,", "").as_bytes()),
        "accepted",
    );
    c.package(
        "pkg_personal_not_a_boolean",
        &resigned(replaced(&text, "\"personal\": false", "\"personal\": \"false\"").as_bytes()),
        "malformed_content",
    );
    let mut m: Value = serde_json::from_slice(&manifest).unwrap();
    m["panel"] = json!({"name": "第一组", "categories": [], "experts": [1, 2]});
    c.package(
        "pkg_panel_without_group",
        &resigned(&serde_json::to_vec_pretty(&m).unwrap()),
        "accepted",
    );
    m["panel"]["group"] = json!({"index": 1, "of": 2});
    c.package(
        "pkg_panel",
        &resigned(&serde_json::to_vec_pretty(&m).unwrap()),
        "accepted",
    );
    // Score bands: optional, each label a string and its ends numbers.
    let mut m: Value = serde_json::from_slice(&manifest).unwrap();
    m["categories"][0]["rubric"]["criteria"][0]["bands"] =
        json!([{"label": "优", "from": 18, "to": 20}, {"label": "良", "from": 15, "to": 17.5}]);
    c.package(
        "pkg_score_bands",
        &resigned(&serde_json::to_vec_pretty(&m).unwrap()),
        "accepted",
    );
    m["categories"][0]["rubric"]["criteria"][0]["bands"][1]["to"] = json!("17.5");
    c.package(
        "pkg_score_band_not_a_number",
        &resigned(&serde_json::to_vec_pretty(&m).unwrap()),
        "malformed_content",
    );
    m["categories"][0]["rubric"]["criteria"][0]["bands"] = json!({"label": "优"});
    c.package(
        "pkg_score_bands_not_a_list",
        &resigned(&serde_json::to_vec_pretty(&m).unwrap()),
        "malformed_content",
    );

    // Grade lists: optional, each grade three strings and a boolean.
    let mut m: Value = serde_json::from_slice(&manifest).unwrap();
    m["categories"][0]["grades"] = json!([
        {"key": "pass", "name_zh": "通过", "name_en": "Pass", "passes": true},
        {"key": "fail", "name_zh": "不通过", "name_en": "Fail", "passes": false}
    ]);
    c.package(
        "pkg_grade_list",
        &resigned(&serde_json::to_vec_pretty(&m).unwrap()),
        "accepted",
    );
    m["categories"][0]["grades"][1]["passes"] = json!("no");
    c.package(
        "pkg_grade_passes_not_a_boolean",
        &resigned(&serde_json::to_vec_pretty(&m).unwrap()),
        "malformed_content",
    );
    m["categories"][0]["grades"] = json!("通过、不通过");
    c.package(
        "pkg_grade_list_not_a_list",
        &resigned(&serde_json::to_vec_pretty(&m).unwrap()),
        "malformed_content",
    );

    // ---- materials ----
    material_cases(c, &manifest, &signed);
}

fn variant_entries(entries: &[(String, Vec<u8>)], i: usize, bytes: &[u8]) -> Entries {
    let mut out = entries.to_vec();
    out[i].1 = bytes.to_vec();
    out
}

fn material_cases(c: &mut Corpus, manifest: &[u8], signed: &dyn Fn(&[u8]) -> String) {
    let a = "%PDF-1.4 推荐表 of the first nomination"
        .as_bytes()
        .to_vec();
    let b = b"PK\x03\x04 not really a docx: materials are opaque bytes".to_vec();
    let listing = |bytes: &[u8], name: &str| json!({"named": name, "file_name": name, "bytes": bytes.len(), "sha256": keys::sha256_hex(bytes)});
    let name_of = |bytes: &[u8]| format!("materials/{}", keys::sha256_hex(bytes));
    // Nomination 0 lists a and b; nomination 1 lists a again (read once).
    let build = |edit: &dyn Fn(&mut Value), entries: &dyn Fn(&mut Entries)| {
        let mut m: Value = serde_json::from_slice(manifest).unwrap();
        m["nominations"][0]["materials"] =
            json!([listing(&a, "推荐表.pdf"), listing(&b, "事迹材料.docx")]);
        m["nominations"][1]["materials"] = json!([listing(&a, "推荐表.pdf")]);
        edit(&mut m);
        let json = serde_json::to_vec_pretty(&m).unwrap();
        let mut e = vec![
            ("package.json".to_string(), json.clone()),
            ("package.sig".to_string(), signed(&json).into_bytes()),
            (name_of(&a), a.clone()),
            (name_of(&b), b.clone()),
        ];
        entries(&mut e);
        canonical(&as_refs(&e))
    };
    c.package("pkg_materials", &build(&|_| {}, &|_| {}), "accepted");
    c.package(
        "pkg_material_missing",
        &build(&|_| {}, &|e| {
            e.pop();
        }),
        "missing_entry",
    );
    c.package(
        "pkg_material_wrong_size",
        &build(
            &|m| m["nominations"][0]["materials"][1]["bytes"] = json!(b.len() + 1),
            &|_| {},
        ),
        "content_mismatch",
    );
    let mut other = b.clone();
    other[0] ^= 1;
    c.package(
        "pkg_material_wrong_hash",
        &build(&|_| {}, &|e| e[3].1 = other.clone()),
        "content_mismatch",
    );
    let good = build(&|_| {}, &|_| {});
    let l = layout(&good);
    let mut flipped = good.clone();
    flipped[l.data[3]] ^= 1;
    c.package("pkg_material_crc_mismatch", &flipped, "crc_mismatch");
    let extra = b"a file no nomination lists".to_vec();
    c.package(
        "pkg_material_unlisted",
        &build(&|_| {}, &|e| e.push((name_of(&extra), extra.clone()))),
        "unexpected_entry",
    );
    c.package(
        "pkg_material_listed_upper_case",
        &build(
            &|m| {
                let upper = m["nominations"][0]["materials"][1]["sha256"]
                    .as_str()
                    .unwrap()
                    .to_uppercase();
                m["nominations"][0]["materials"][1]["sha256"] = json!(upper);
            },
            &|_| {},
        ),
        "missing_entry",
    );
    c.package(
        "pkg_material_relisted_with_other_size",
        &build(
            &|m| m["nominations"][1]["materials"][0]["bytes"] = json!(a.len() + 5),
            &|_| {},
        ),
        "accepted",
    );
    let mut crc_and_key = build(
        &|m| m["clerk"]["signing_key"] = json!("0".repeat(64)),
        &|_| {},
    );
    let l = layout(&crc_and_key);
    crc_and_key[l.data[2]] ^= 1;
    c.package(
        "pkg_material_crc_then_key_mismatch",
        &crc_and_key,
        "key_mismatch",
    );
    c.package(
        "pkg_material_listed_twice_ok",
        &build(
            &|m| {
                m["nominations"][1]["materials"] =
                    json!([listing(&b, "b.docx"), listing(&a, "a.pdf")])
            },
            &|_| {},
        ),
        "accepted",
    );
}

fn bundle_container_cases(c: &mut Corpus, b1: &Path) {
    let genuine = std::fs::read(b1).unwrap();
    let entries = stored_entries(b1);
    let l = layout(&genuine);
    c.bundle(
        "bundle_truncated",
        &genuine[..genuine.len() / 2],
        "not_a_container",
    );
    let mut commented = [genuine.as_slice(), b"hi"].concat();
    put_u16(&mut commented, l.end + 20, 2);
    c.bundle("bundle_comment", &commented, "not_a_container");
    let path = c.add(
        "bundle_file_too_large",
        Kind::Bundle,
        "main",
        "file_too_large",
    );
    sparse_file(&path, (64 << 20) + 1);
    let path = c.add(
        "bundle_exactly_64_mib",
        Kind::Bundle,
        "main",
        "not_a_container",
    );
    sparse_file(&path, 64 << 20);
    let mut empty = vec![0u8; 22];
    put_u32(&mut empty, 0, 0x0605_4b50);
    c.bundle("bundle_no_entries", &empty, "missing_entry");
    let mut sixteen = entries.clone();
    for i in 0..13 {
        sixteen.push((format!("extra{i}.txt"), b"x".to_vec()));
    }
    c.bundle(
        "bundle_sixteen_entries",
        &canonical(&as_refs(&sixteen)),
        "unexpected_entry",
    );
    let mut many = entries.clone();
    for i in 0..14 {
        many.push((format!("extra{i}.txt"), b"x".to_vec()));
    }
    c.bundle(
        "bundle_too_many_entries",
        &canonical(&as_refs(&many)),
        "too_many_entries",
    );
    let mut extra = entries.clone();
    extra.push(("notes.txt".into(), b"hi".to_vec()));
    c.bundle(
        "bundle_unexpected_entry",
        &canonical(&as_refs(&extra)),
        "unexpected_entry",
    );
    let big = vec![b' '; 70 << 10];
    c.bundle(
        "bundle_header_oversized",
        &canonical(&as_refs(&variant_entries(&entries, 0, &big))),
        "oversized_entry",
    );
    c.bundle(
        "bundle_missing_signature",
        &canonical(&as_refs(&entries[..2])),
        "missing_entry",
    );
    c.bundle(
        "bundle_missing_scores",
        &canonical(&[
            ("bundle.json", &entries[0].1),
            ("bundle.sig", &entries[2].1),
        ]),
        "missing_entry",
    );
    let text = String::from_utf8(entries[0].1.clone()).unwrap();
    let altered = replaced(&text, "\"sequence\": 1", "\"sequence\": 2");
    let mut twice = vec![("bundle.json", altered.as_bytes())];
    twice.extend(as_refs(&entries));
    c.bundle(
        "bundle_header_twice",
        &raw_zip(&twice, |_| None),
        "duplicate_entry",
    );
    c.bundle(
        "bundle_local_name_differs",
        &raw_zip(&as_refs(&entries), |i| {
            (i == 2).then(|| "bundle.siG".into())
        }),
        "header_mismatch",
    );
    c.bundle("bundle_deflated", &deflated(&entries), "compressed_entry");
    c.bundle(
        "bundle_bytes_between_entries",
        &insert_at(&genuine, l.local[1], b"hidden"),
        "header_mismatch",
    );
    c.bundle(
        "bundle_bytes_before_directory",
        &insert_at(&genuine, l.directory, b"hidden"),
        "not_a_container",
    );
    let mut flipped = genuine.clone();
    flipped[l.data[1] + 40] ^= 1;
    c.bundle("bundle_crc_mismatch", &flipped, "crc_mismatch");
    let mut utf8 = genuine.clone();
    put_u16(&mut utf8, l.central[0] + 8, 0x0800);
    put_u16(&mut utf8, l.local[0] + 6, 0x0800);
    c.bundle("bundle_utf8_flag", &utf8, "not_a_container");
    let mut offset = genuine.clone();
    put_u32(&mut offset, l.central[2] + 42, l.local[2] + 1);
    c.bundle(
        "bundle_central_offset_off_by_one",
        &offset,
        "header_mismatch",
    );
    let mut disks = genuine.clone();
    put_u16(&mut disks, l.end + 8, 2);
    c.bundle("bundle_end_record_counts_differ", &disks, "not_a_container");
    let mut disk_start = genuine.clone();
    put_u16(&mut disk_start, l.central[1] + 34, 1);
    c.bundle("bundle_central_disk_number", &disk_start, "not_a_container");
    let mut local_extra = genuine.clone();
    put_u16(&mut local_extra, l.local[1] + 28, 4);
    c.bundle("bundle_local_extra_field", &local_extra, "header_mismatch");
    c.bundle(
        "bundle_bytes_before_first_entry",
        &insert_at(&genuine, 0, b"MZ stub"),
        "header_mismatch",
    );
    let zip64 = {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644)
            .large_file(true);
        for (n, b) in &entries {
            w.start_file(n.as_str(), options).unwrap();
            std::io::Write::write_all(&mut w, b).unwrap();
        }
        w.finish().unwrap().into_inner()
    };
    c.bundle("bundle_zip64_fields", &zip64, "not_a_container");
    // Layout fields no container rule checks: only the canonical layout catches them.
    let mut time = genuine.clone();
    put_u16(&mut time, l.local[0] + 10, 0x6000);
    put_u16(&mut time, l.central[0] + 12, 0x6000);
    c.bundle("bundle_timestamp_changed", &time, "not_canonical");
    let mut needed = genuine.clone();
    put_u16(&mut needed, l.local[1] + 4, 20);
    put_u16(&mut needed, l.central[1] + 6, 20);
    c.bundle("bundle_version_needed_changed", &needed, "not_canonical");
    let mut made_by = genuine.clone();
    put_u16(&mut made_by, l.central[2] + 4, 0x031e);
    c.bundle("bundle_made_by_changed", &made_by, "not_canonical");
    let mut internal = genuine.clone();
    put_u16(&mut internal, l.central[0] + 36, 1);
    c.bundle("bundle_internal_attributes", &internal, "not_canonical");
    let mut external = genuine.clone();
    put_u32(&mut external, l.central[1] + 38, 0x81ed_0000);
    c.bundle("bundle_external_attributes", &external, "not_canonical");
    c.bundle(
        "bundle_rewritten_by_hand",
        &raw_zip(&as_refs(&entries), |_| None),
        "not_canonical",
    );
    c.bundle(
        "bundle_entries_reversed",
        &canonical(&[
            ("bundle.sig", &entries[2].1),
            ("scores.age", &entries[1].1),
            ("bundle.json", &entries[0].1),
        ]),
        "not_canonical",
    );
}

fn bundle_signature_cases(c: &mut Corpus, b1: &Path, key1: &SigningKey) {
    let entries = stored_entries(b1);
    let (json, sealed, sig) = (
        &entries[0].1,
        &entries[1].1,
        String::from_utf8(entries[2].1.clone()).unwrap(),
    );
    let with = |json: &[u8], sig: &str| {
        canonical(&[
            ("bundle.json", json),
            ("scores.age", sealed),
            ("bundle.sig", sig.as_bytes()),
        ])
    };
    let public = keys::public_hex(&key1.verifying_key());
    let sig_hex = sig.lines().nth(1).unwrap()["sig:".len()..].to_string();
    let mut scores = sealed.clone();
    scores[50] ^= 1;
    c.bundle(
        "bundle_scores_crc_then_bad_signature",
        &{
            let mut b = with(json, "not a signature");
            let l = layout(&b);
            let crc = u32_at(&b, l.central[1] + 16);
            b[l.data[1]..l.data[1] + scores.len()].copy_from_slice(&scores);
            assert_eq!(u32_at(&b, l.central[1] + 16), crc);
            b
        },
        "crc_mismatch",
    );
    c.bundle(
        "bundle_signature_extra_line",
        &with(json, &format!("{sig}note:hi\n")),
        "malformed_signature",
    );
    c.bundle(
        "bundle_signature_crlf",
        &with(json, &sig.replace('\n', "\r\n")),
        "malformed_signature",
    );
    let (weak, weak_sig) = small_order_key_signature();
    c.bundle(
        "bundle_key_small_order",
        &with(json, &container::signature_entry(&weak, &weak_sig)),
        "bad_public_key",
    );
    c.bundle(
        "bundle_key_not_a_point",
        &with(json, &container::signature_entry(&not_a_point(), &sig_hex)),
        "bad_public_key",
    );
    let text = String::from_utf8(json.clone()).unwrap();
    let edited = replaced(&text, "\"sequence\": 1", "\"sequence\": 9");
    c.bundle(
        "bundle_edited_after_signing",
        &with(edited.as_bytes(), &sig),
        "signature_invalid",
    );
    c.bundle(
        "bundle_signature_s_plus_l",
        &with(
            json,
            &container::signature_entry(&public, &non_canonical_s(&sig_hex)),
        ),
        "signature_invalid",
    );
    c.bundle(
        "bundle_signature_small_order_r",
        &with(
            json,
            &container::signature_entry(&public, &small_order_r_signature(key1, json)),
        ),
        "signature_invalid",
    );
    let intruder = keys::signing_key(&[99; 32]);
    c.bundle(
        "bundle_signed_by_another_key",
        &with(
            json,
            &container::signature_entry(
                &keys::public_hex(&intruder.verifying_key()),
                &keys::sign(&intruder, json),
            ),
        ),
        "key_mismatch",
    );
    // The signature checks come before the layout: a bundle both re-laid-out and
    // re-signed by another key is a key problem first.
    let mut bytes = with(edited.as_bytes(), &sig);
    let l = layout(&bytes);
    put_u16(&mut bytes, l.central[0] + 4, 0x0314);
    c.bundle("bundle_edited_and_relaid", &bytes, "signature_invalid");
}

// ---- ballot papers and votes ----------------------------------------------------------

/// An edit of a JSON document.
type Edit<'a> = dyn Fn(&mut Value) + 'a;

/// A file of one JSON entry `json` (named `names.0`) signed by `key` (`names.1`), laid
/// out as PanelDesk writes ballot papers and votes.
fn signed_once(names: (&str, &str), json: &[u8], key: &SigningKey) -> Vec<u8> {
    let sig = container::signature_entry(
        &keys::public_hex(&key.verifying_key()),
        &keys::sign(key, json),
    );
    canonical(&[(names.0, json), (names.1, sig.as_bytes())])
}

fn vote_bytes(json: &[u8], key: &SigningKey) -> Vec<u8> {
    signed_once(("vote.json", "vote.sig"), json, key)
}

/// The JSON entry of a ballot paper or vote, edited by `edit`.
fn json_edited(file: &Path, edit: &dyn Fn(&mut Value)) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(&entries_of(file)[0].1).unwrap();
    edit(&mut v);
    serde_json::to_vec_pretty(&v).unwrap()
}

fn rust_paper_verdict(laptop_dir: &Path, file: &Path) -> String {
    let prefix = paneldesk::scoring::panel::list(laptop_dir)
        .pop()
        .expect("a panel on the laptop");
    let panel = paneldesk::scoring::panel::open(laptop_dir, &prefix).unwrap();
    match paneldesk::ops::ballot::read_paper(&panel, file) {
        Ok(_) => "accepted".into(),
        Err(e) => e.code().into(),
    }
}

fn rust_vote_verdict(snapshot: &Path, work: &Path, file: &Path, ballot: i64) -> String {
    std::fs::copy(snapshot, work).unwrap();
    match ballot_vote::receive(work, ballot, file, T0, "clerk") {
        Ok(r) if r.already_had => "already_have".into(),
        Ok(_) => "accepted".into(),
        Err(e) => e.code().into(),
    }
}

/// What the clerk's review holds for receiving a vote, for the Python: its id, the
/// registrations, and each ballot opened for laptops as stored.
fn vote_context_of(review: &Path) -> Value {
    let conn = paneldesk::store::open(review).unwrap();
    let mut ballots = serde_json::Map::new();
    for b in meeting::list(review).unwrap() {
        let Some(laptops) = &b.laptops else { continue };
        let votes: serde_json::Map<String, Value> = ballot_vote::kept(&conn, b.id)
            .unwrap()
            .into_iter()
            .map(|k| (k.expert_id.to_string(), json!(k.vote_sha256)))
            .collect();
        ballots.insert(
            b.id.to_string(),
            json!({
                "kind": b.kind,
                "places": b.places,
                "entries": b.entries.iter().map(|e| e.nomination_id).collect::<Vec<_>>(),
                "voters": laptops.voters,
                "paper_sha256": laptops.paper_sha256,
                "counted": b.counted.is_some(),
                "votes": votes,
            }),
        );
    }
    json!({
        "review_id": paneldesk::store::review_rows::read_review(&conn).unwrap().id,
        "registrations": registrations_of(review),
        "ballots": ballots,
    })
}

/// The 会评 voted on the experts' laptops, on `round` (the tally cases' round, whose
/// ballots 1–3 are voted in the room): ballot 4, a choice of one of the two tied, and
/// ballot 5, a vote on them, each with its paper written; ballot 6 with none. Experts 0
/// and 1 cast their votes on ballot 4 on their laptops, the others' are signed with
/// their keys as their laptops would; then every way the page names to get a vote
/// counted that must not be, and papers a laptop must refuse. The clerk's review in four
/// states (`vote_context.json`); one laptop, expert 0's (`laptop_context.json`).
fn vote_cases(
    c: &mut Corpus,
    snapshots: &mut BTreeMap<&'static str, PathBuf>,
    round: &VoteRound,
    bundle: &Path,
) -> BTreeMap<&'static str, PathBuf> {
    use meeting::{BallotKind, Shortlist};
    let review = &round.review;
    let open = |kind| {
        meeting::open_for_laptops(review, KEY, &Shortlist::TiedAtCut, kind, T0, "clerk").unwrap()
    };
    let choose = open(BallotKind::Choose { at_most: None });
    let vote = open(BallotKind::Vote);
    let unwritten = open(BallotKind::Vote);
    assert_eq!([choose.id, vote.id, unwritten.id], [4, 5, 6]);
    let voters = choose.laptops.clone().unwrap().voters;
    assert_eq!(voters.len(), 6, "every expert has a key in force");
    let clerk = clerk_keys().signing().unwrap();
    let papers = stick(round, "papers");
    let paper4 = ballot_paper::write(review, choose.id, &clerk, &papers, T0, "clerk").unwrap();
    let paper5 = ballot_paper::write(review, vote.id, &clerk, &papers, T0, "clerk").unwrap();
    let (n0, n1) = (round.ids[0], round.ids[1]);
    let marks = |m: &[(i64, Mark)]| -> Vec<VoteMark> {
        m.iter()
            .map(|&(nomination_id, mark)| VoteMark {
                nomination_id,
                mark,
            })
            .collect()
    };
    let chose = |n: i64| {
        marks(&[
            (
                n0,
                if n == n0 {
                    Mark::Chosen
                } else {
                    Mark::NotChosen
                },
            ),
            (
                n1,
                if n == n1 {
                    Mark::Chosen
                } else {
                    Mark::NotChosen
                },
            ),
        ])
    };
    // Experts 0 and 1 on their own laptops; the others' votes signed with their keys.
    let cast = |e: usize, paper: &Path, m: &[VoteMark]| {
        paneldesk::ops::ballot::cast_vote(
            &mut laptop(round, e),
            paper,
            m,
            &passphrase(e),
            &stick(round, &format!("vote{e}")),
            NOW_UNIX,
        )
        .unwrap()
        .file
    };
    let signed_paper4 = ballot_paper::open(&paper4.file).unwrap();
    let signed_by = |e: usize, m: &[VoteMark]| {
        ballot_vote::sign(
            &paper4.file,
            &signed_paper4,
            &voters[e],
            m,
            &key_of(e),
            "2026-12-02T15:20:00Z",
            &stick(round, &format!("vote{e}")),
        )
        .unwrap()
    };
    let v0 = cast(0, &paper4.file, &chose(n0));
    let v1 = cast(1, &paper4.file, &chose(n0));
    let others = [
        signed_by(2, &chose(n1)),
        signed_by(3, &chose(n0)),
        signed_by(4, &chose(n0)),
        // A blank vote: none chosen.
        signed_by(5, &chose(0)),
    ];
    let v5_0 = cast(
        0,
        &paper5.file,
        &marks(&[(n0, Mark::Agree), (n1, Mark::Abstain)]),
    );
    let e0 = expert_id(round, 0);

    // The clerk's review: the papers written, nothing received; expert 1's vote received;
    // every vote received and ballot 4 counted from them; expert 0's key revoked.
    let snaps = round.root.join("snapshots");
    snapshots.insert("vote", snapshot(review, &snaps.join("vote.pdreview")));
    let work = snapshot(review, &snaps.join("vote-received.pdreview"));
    ballot_vote::receive(&work, choose.id, &v1, T0, "clerk").unwrap();
    snapshots.insert("vote-received", work);
    let work = snapshot(review, &snaps.join("vote-counted.pdreview"));
    for v in [&v0, &v1].into_iter().chain(&others) {
        ballot_vote::receive(&work, choose.id, v, T0, "clerk").unwrap();
    }
    ballot_vote::count(&work, choose.id, "王计票", "赵监票", T0, "clerk").unwrap();
    snapshots.insert("vote-counted", work);
    let work = snapshot(review, &snaps.join("vote-revoked.pdreview"));
    registration::revoke_in(&work, e0, "笔记本电脑遗失", T0, "clerk").unwrap();
    snapshots.insert("vote-revoked", work);
    let names = ["vote", "vote-received", "vote-counted", "vote-revoked"];
    write_contexts(c, "vote_context.json", snapshots, names, vote_context_of);
    let laptop0 = round.root.join("expert0");
    let package = laptop(round, 0).package.clone();
    std::fs::write(
        c.dir.join("laptop_context.json"),
        serde_json::to_vec_pretty(&json!({ "laptop0": {
            "clerk_key": package.clerk.signing_key,
            "review_id": package.review.id,
            "expert_id": e0,
        }}))
        .unwrap(),
    )
    .unwrap();

    // ---- votes ----
    let b = choose.id;
    let good = std::fs::read(&v0).unwrap();
    let key0 = key_of(0);
    let by0 = |edit: &dyn Fn(&mut Value)| vote_bytes(&json_edited(&v0, edit), &key0);
    let (vote_json, vote_sig) = {
        let e = entries_of(&v0);
        (e[0].1.clone(), e[1].1.clone())
    };
    c.vote("vote_genuine", "vote", b, &good, "accepted");
    c.vote(
        "vote_genuine_on_a_vote_ballot",
        "vote",
        vote.id,
        &std::fs::read(&v5_0).unwrap(),
        "accepted",
    );
    c.vote(
        "vote_blank",
        "vote",
        b,
        &std::fs::read(&others[3]).unwrap(),
        "accepted",
    );
    c.vote(
        "vote_again",
        "vote-received",
        b,
        &std::fs::read(&v1).unwrap(),
        "already_have",
    );
    c.vote(
        "vote_changed_after_voting",
        "vote-received",
        b,
        &vote_bytes(
            &json_edited(&v1, &|v| {
                v["marks"][0]["mark"] = "not_chosen".into();
                v["marks"][1]["mark"] = "chosen".into();
            }),
            &key_of(1),
        ),
        "already_voted",
    );
    c.vote(
        "vote_recast_at_another_time",
        "vote-received",
        b,
        &vote_bytes(
            &json_edited(&v1, &|v| v["cast_at"] = "2026-12-02T16:00:00Z".into()),
            &key_of(1),
        ),
        "already_voted",
    );
    c.vote(
        "vote_ballot_counted",
        "vote-counted",
        b,
        &good,
        "ballot_counted",
    );
    c.vote("vote_key_revoked", "vote-revoked", b, &good, "key_revoked");
    c.vote(
        "vote_unregistered_key",
        "vote",
        b,
        &vote_bytes(&vote_json, &keys::signing_key(&[99; 32])),
        "key_not_registered",
    );
    c.vote(
        "vote_other_experts_key",
        "vote",
        b,
        &vote_bytes(&vote_json, &key_of(1)),
        "key_not_registered",
    );
    c.vote(
        "vote_other_review",
        "vote",
        b,
        &by0(&|v| v["review_id"] = "2026-student_exemplar-other".into()),
        "other_review",
    );
    c.vote(
        "vote_for_another_ballot",
        "vote",
        b,
        &std::fs::read(&v5_0).unwrap(),
        "other_ballot",
    );
    c.vote(
        "vote_on_another_paper",
        "vote",
        b,
        &by0(&|v| v["paper_sha256"] = paper5.paper_sha256.clone().into()),
        "not_this_paper",
    );
    c.vote(
        "vote_paper_sha_upper_case",
        "vote",
        b,
        &by0(&|v| v["paper_sha256"] = paper4.paper_sha256.to_uppercase().into()),
        "not_this_paper",
    );
    c.vote(
        "vote_paper_never_written",
        "vote",
        unwritten.id,
        &by0(&|v| {
            v["ballot_id"] = unwritten.id.into();
            v["marks"] = json!([
                { "nomination_id": n0, "mark": "agree" },
                { "nomination_id": n1, "mark": "agree" },
            ]);
        }),
        "not_this_paper",
    );
    c.vote(
        "vote_voter_renamed",
        "vote",
        b,
        &by0(&|v| v["expert"]["name"] = "王专家".into()),
        "not_a_voter",
    );
    c.vote(
        "vote_by_no_voter",
        "vote",
        b,
        &by0(&|v| v["expert"]["id"] = 9_999.into()),
        "not_a_voter",
    );
    let invalid: [(&str, &Edit<'_>); 6] = [
        ("vote_mark_missing", &|v| {
            v["marks"].as_array_mut().unwrap().pop();
        }),
        ("vote_mark_extra", &|v| {
            v["marks"]
                .as_array_mut()
                .unwrap()
                .push(json!({ "nomination_id": n1, "mark": "not_chosen" }));
        }),
        ("vote_marks_out_of_order", &|v| {
            v["marks"].as_array_mut().unwrap().reverse();
        }),
        ("vote_mark_not_on_ballot", &|v| {
            v["marks"][1]["nomination_id"] = round.ids[4].into();
        }),
        ("vote_mark_of_a_vote_on_a_choice", &|v| {
            v["marks"][0]["mark"] = "agree".into();
        }),
        ("vote_no_marks", &|v| v["marks"] = json!([])),
    ];
    for (name, edit) in invalid {
        c.vote(name, "vote", b, &by0(edit), "invalid_vote");
    }
    c.vote(
        "vote_mark_of_a_choice_on_a_vote",
        "vote",
        vote.id,
        &vote_bytes(
            &json_edited(&v5_0, &|v| v["marks"][1]["mark"] = "chosen".into()),
            &key0,
        ),
        "invalid_vote",
    );
    c.vote(
        "vote_both_chosen",
        "vote",
        b,
        &by0(&|v| v["marks"][1]["mark"] = "chosen".into()),
        "too_many_chosen",
    );
    c.vote(
        "vote_mark_unknown_word",
        "vote",
        b,
        &by0(&|v| v["marks"][0]["mark"] = "yes".into()),
        "malformed_content",
    );
    c.vote(
        "vote_ballot_id_in_words",
        "vote",
        b,
        &by0(&|v| v["ballot_id"] = "四".into()),
        "malformed_content",
    );
    c.vote(
        "vote_without_cast_at",
        "vote",
        b,
        &by0(&without("cast_at")),
        "malformed_content",
    );
    c.vote(
        "vote_wrong_format",
        "vote",
        b,
        &by0(&|v| v["format"] = "paneldesk.meeting-ballot".into()),
        "wrong_format",
    );
    c.vote(
        "vote_version_2",
        "vote",
        b,
        &by0(&|v| v["version"] = 2.into()),
        "unsupported_version",
    );
    c.vote(
        "vote_field_twice",
        "vote",
        b,
        &vote_bytes(
            String::from_utf8(vote_json.clone())
                .unwrap()
                .replacen("{", "{\n  \"ballot_id\": 4,", 1)
                .as_bytes(),
            &key0,
        ),
        "malformed_content",
    );
    // Where two checks fail, the first in the page's order names the verdict.
    c.vote(
        "vote_other_review_by_a_stranger",
        "vote",
        b,
        &vote_bytes(
            &json_edited(&v0, &|v| v["review_id"] = "2026-other".into()),
            &keys::signing_key(&[99; 32]),
        ),
        "other_review",
    );
    c.vote(
        "vote_again_after_the_count",
        "vote-counted",
        b,
        &std::fs::read(&v1).unwrap(),
        "ballot_counted",
    );
    c.vote(
        "vote_other_paper_by_no_voter",
        "vote",
        b,
        &by0(&|v| {
            v["paper_sha256"] = "0".repeat(64).into();
            v["expert"]["id"] = 9_999.into();
        }),
        "not_this_paper",
    );
    c.vote(
        "vote_renamed_by_a_stranger",
        "vote",
        b,
        &vote_bytes(
            &json_edited(&v0, &|v| v["expert"]["name"] = "王专家".into()),
            &keys::signing_key(&[99; 32]),
        ),
        "not_a_voter",
    );
    c.vote(
        "vote_stranger_choosing_both",
        "vote",
        b,
        &vote_bytes(
            &json_edited(&v0, &|v| v["marks"][1]["mark"] = "chosen".into()),
            &keys::signing_key(&[99; 32]),
        ),
        "key_not_registered",
    );
    c.vote(
        "vote_out_of_order_choosing_both",
        "vote",
        b,
        &by0(&|v| {
            v["marks"][1]["mark"] = "chosen".into();
            v["marks"].as_array_mut().unwrap().reverse();
        }),
        "invalid_vote",
    );
    c.vote(
        "vote_nomination_id_with_a_fraction",
        "vote",
        b,
        &vote_bytes(
            String::from_utf8(vote_json.clone())
                .unwrap()
                .replacen(
                    &format!("\"nomination_id\": {n0}"),
                    &format!("\"nomination_id\": {n0}.0"),
                    1,
                )
                .as_bytes(),
            &key0,
        ),
        "malformed_content",
    );
    c.vote(
        "vote_mark_null",
        "vote",
        b,
        &by0(&|v| v["marks"][0]["mark"] = Value::Null),
        "malformed_content",
    );
    c.vote(
        "vote_paper_sha_null",
        "vote",
        b,
        &by0(&|v| v["paper_sha256"] = Value::Null),
        "malformed_content",
    );
    c.vote(
        "vote_ballot_id_beyond_i64",
        "vote",
        b,
        &by0(&|v| v["ballot_id"] = json!(1u64 << 63)),
        "malformed_content",
    );
    c.vote(
        "vote_expert_with_a_key_field",
        "vote",
        b,
        &by0(&|v| v["expert"]["public_key"] = "00".repeat(32).into()),
        "accepted",
    );
    c.vote(
        "vote_unknown_field_signed",
        "vote",
        b,
        &by0(&|v| v["note"] = "同意".into()),
        "accepted",
    );
    // The marks turned round after signing.
    c.vote(
        "vote_marks_changed_after_signing",
        "vote",
        b,
        &canonical(&[
            (
                "vote.json",
                &json_edited(&v0, &|v| {
                    v["marks"][0]["mark"] = "not_chosen".into();
                    v["marks"][1]["mark"] = "chosen".into();
                }),
            ),
            ("vote.sig", &vote_sig),
        ]),
        "signature_invalid",
    );
    let (weak, weak_sig) = small_order_key_signature();
    c.vote(
        "vote_key_small_order",
        "vote",
        b,
        &canonical(&[
            ("vote.json", &vote_json),
            (
                "vote.sig",
                container::signature_entry(&weak, &weak_sig).as_bytes(),
            ),
        ]),
        "bad_public_key",
    );
    let upper = String::from_utf8(vote_sig.clone())
        .unwrap()
        .to_uppercase()
        .replacen("KEY:", "key:", 1)
        .replacen("SIG:", "sig:", 1);
    c.vote(
        "vote_signature_upper_case",
        "vote",
        b,
        &canonical(&[("vote.json", &vote_json), ("vote.sig", upper.as_bytes())]),
        "malformed_signature",
    );
    c.vote(
        "vote_relaid",
        "vote",
        b,
        &canonical(&[("vote.sig", &vote_sig), ("vote.json", &vote_json)]),
        "not_canonical",
    );
    let mut redated = good.clone();
    redated[12] ^= 1;
    c.vote("vote_redated", "vote", b, &redated, "header_mismatch");
    let mut made_by = good.clone();
    let central = layout(&made_by).central[0];
    made_by[central + 4] ^= 1;
    c.vote("vote_made_by_changed", "vote", b, &made_by, "not_canonical");
    let mut crc = good.clone();
    let l = layout(&crc);
    let at = l.data[0] + 5;
    crc[at] ^= 1;
    c.vote("vote_byte_flipped", "vote", b, &crc, "crc_mismatch");
    let mut many: Vec<(String, Vec<u8>)> = entries_of(&v0);
    for i in 0..15 {
        many.push((format!("note{i}.txt"), b"x".to_vec()));
    }
    c.vote(
        "vote_17_entries",
        "vote",
        b,
        &raw_zip(&as_refs(&many), |_| None),
        "too_many_entries",
    );
    c.vote(
        "vote_with_a_note",
        "vote",
        b,
        &canonical(&[
            ("vote.json", &vote_json),
            ("vote.sig", &vote_sig),
            ("note.txt", "我同意".as_bytes()),
        ]),
        "unexpected_entry",
    );
    c.vote(
        "vote_without_signature",
        "vote",
        b,
        &canonical(&[("vote.json", &vote_json)]),
        "missing_entry",
    );
    // A second vote.json, with other marks, ahead of the one signed.
    let other_marks = json_edited(&v0, &|v| {
        v["marks"][0]["mark"] = "not_chosen".into();
    });
    c.vote(
        "vote_json_twice",
        "vote",
        b,
        &raw_zip(
            &[
                ("vote.json", &other_marks),
                ("vote.json", &vote_json),
                ("vote.sig", &vote_sig),
            ],
            |_| None,
        ),
        "duplicate_entry",
    );
    c.vote(
        "vote_deflated",
        "vote",
        b,
        &deflated(&entries_of(&v0)),
        "compressed_entry",
    );
    c.vote(
        "vote_bloated",
        "vote",
        b,
        &by0(&|v| v["padding"] = "票".repeat(100_000).into()),
        "oversized_entry",
    );
    c.vote(
        "vote_a_ballot_paper",
        "vote",
        b,
        &std::fs::read(&paper4.file).unwrap(),
        "unexpected_entry",
    );
    c.vote(
        "vote_a_result_bundle",
        "vote",
        b,
        &std::fs::read(bundle).unwrap(),
        "unexpected_entry",
    );
    c.vote(
        "vote_text",
        "vote",
        b,
        "同意，不同意\n".as_bytes(),
        "not_a_container",
    );
    c.vote(
        "vote_truncated",
        "vote",
        b,
        &good[..good.len() - 30],
        "not_a_container",
    );
    let huge = c.vote("vote_huge", "vote", b, b"", "file_too_large");
    sparse_file(&huge, 2 << 20);

    // ---- ballot papers, on expert 0's laptop ----
    let paper = std::fs::read(&paper4.file).unwrap();
    let (paper_json, paper_sig) = {
        let e = entries_of(&paper4.file);
        (e[0].1.clone(), e[1].1.clone())
    };
    let by_clerk = |edit: &dyn Fn(&mut Value)| {
        signed_once(
            ("ballot.json", "ballot.sig"),
            &json_edited(&paper4.file, edit),
            &clerk,
        )
    };
    c.paper("paper_genuine", &paper, "accepted");
    c.paper(
        "paper_of_a_vote",
        &std::fs::read(&paper5.file).unwrap(),
        "accepted",
    );
    c.paper(
        "paper_signed_by_an_expert",
        &signed_once(("ballot.json", "ballot.sig"), &paper_json, &key0),
        "key_mismatch",
    );
    c.paper(
        "paper_other_review",
        &by_clerk(&|v| v["review"]["id"] = "2026-student_exemplar-other".into()),
        "other_review",
    );
    c.paper(
        "paper_without_this_voter",
        &by_clerk(&|v| {
            v["voters"]
                .as_array_mut()
                .unwrap()
                .retain(|x| x["id"] != e0);
        }),
        "not_a_voter",
    );
    c.paper(
        "paper_voters_edited_after_signing",
        &canonical(&[
            (
                "ballot.json",
                &json_edited(&paper4.file, &|v| {
                    v["voters"]
                        .as_array_mut()
                        .unwrap()
                        .retain(|x| x["id"] != e0);
                }),
            ),
            ("ballot.sig", &paper_sig),
        ]),
        "signature_invalid",
    );
    c.paper(
        "paper_relaid",
        &canonical(&[("ballot.sig", &paper_sig), ("ballot.json", &paper_json)]),
        "not_canonical",
    );
    c.paper(
        "paper_wrong_format",
        &by_clerk(&|v| v["format"] = "paneldesk.meeting-tally".into()),
        "wrong_format",
    );
    c.paper(
        "paper_version_2",
        &by_clerk(&|v| v["version"] = 2.into()),
        "unsupported_version",
    );
    c.paper(
        "paper_voter_id_in_words",
        &by_clerk(&|v| v["voters"][0]["id"] = "一".into()),
        "malformed_content",
    );
    c.paper(
        "paper_unknown_kind",
        &by_clerk(&|v| v["ballot"]["kind"] = json!({ "kind": "acclaim" })),
        "malformed_content",
    );
    c.paper(
        "paper_without_voters",
        &by_clerk(&without("voters")),
        "malformed_content",
    );
    c.paper(
        "paper_voter_renamed",
        &by_clerk(&|v| {
            for x in v["voters"].as_array_mut().unwrap() {
                if x["id"] == e0 {
                    x["name"] = "王专家".into();
                }
            }
        }),
        "accepted",
    );
    c.paper(
        "paper_choice_of_null",
        &by_clerk(&|v| {
            v["ballot"]["kind"]
                .as_object_mut()
                .unwrap()
                .remove("at_most");
        }),
        "accepted",
    );
    c.paper(
        "paper_vote_with_at_most_in_words",
        &signed_once(
            ("ballot.json", "ballot.sig"),
            &json_edited(&paper5.file, &|v| {
                v["ballot"]["kind"]["at_most"] = "三".into()
            }),
            &clerk,
        ),
        "accepted",
    );
    c.paper(
        "paper_without_written_by",
        &by_clerk(&without("written_by")),
        "malformed_content",
    );
    c.paper(
        "paper_score_in_words",
        &by_clerk(&|v| v["ballot"]["entries"][0]["score"] = "高".into()),
        "malformed_content",
    );
    c.paper(
        "paper_other_review_by_an_expert",
        &signed_once(
            ("ballot.json", "ballot.sig"),
            &json_edited(&paper4.file, &|v| v["review"]["id"] = "2026-other".into()),
            &key0,
        ),
        "key_mismatch",
    );
    c.paper("paper_a_vote", &good, "unexpected_entry");
    c.paper(
        "paper_without_signature",
        &canonical(&[("ballot.json", &paper_json)]),
        "missing_entry",
    );

    vote_review_cases(c, round, &snapshots["vote-counted"], &v0, &v1);
    BTreeMap::from([("laptop0", laptop0)])
}

/// Review files whose ballot 4 was counted from the experts' laptop votes (`counted`),
/// edited after the count as someone holding one could, with a SQLite tool. `v0` and `v1`
/// are experts 0's and 1's votes (both chose the first of the two tied); expert 5's vote
/// was blank.
fn vote_review_cases(c: &mut Corpus, round: &VoteRound, counted: &Path, v0: &Path, v1: &Path) {
    let base = round.root.join("snapshots/vote-audit.pdreview");
    std::fs::copy(counted, &base).unwrap();
    let (e0, e5) = (expert_id(round, 0), expert_id(round, 5));
    let key0 = key_of(0);
    let mut case = |name: &str, spec: &'static str, edit: &dyn Fn(&rusqlite::Connection)| {
        c.review(&base, name, spec, edit);
    };
    let keep = |raw: &rusqlite::Connection, expert: i64, bytes: &[u8]| {
        raw.execute(
            "UPDATE meeting_vote SET file = ?2 WHERE ballot_id = 4 AND expert_id = ?1",
            rusqlite::params![expert, bytes],
        )
        .unwrap();
    };
    let by0 = |edit: &dyn Fn(&mut Value)| vote_bytes(&json_edited(v0, edit), &key0);
    let turned = by0(&|v| {
        v["marks"][0]["mark"] = "not_chosen".into();
        v["marks"][1]["mark"] = "chosen".into();
    });
    let turned_sha = keys::sha256_hex(&entries_of_bytes(&turned)[0].1);

    case("review_votes_genuine", "4=laptop_votes", &|_| {});
    // A key revoked after the count does not undo the vote it signed.
    case(
        "review_voters_key_revoked_since",
        "4=laptop_votes",
        &|raw| {
            raw.execute(
                "UPDATE expert_registration SET revoked_at = ?2, revoked_by = 'clerk',
                    revoked_reason = '笔记本电脑遗失'
             WHERE expert_id = ?1",
                rusqlite::params![e0, T0],
            )
            .unwrap();
        },
    );
    // A registration deleted: the key was never registered for expert 0.
    case(
        "review_voters_registration_deleted",
        "4=laptop_votes 4:vote_signature",
        &|raw| {
            raw.execute("DELETE FROM expert_registration WHERE expert_id = ?1", [e0])
                .unwrap();
        },
    );
    let cases = [
        (
            "review_votes_count_changed",
            "4=laptop_votes 4:votes_recount_differs",
        ),
        (
            "review_votes_outcome_turned",
            "4=laptop_votes 4:votes_recount_differs 4:ballot_decisions_differ",
        ),
        (
            "review_votes_decisions_turned",
            "4=laptop_votes 4:ballot_decisions_differ",
        ),
    ];
    turned_round_cases(&mut case, 4, (1, 2), cases);
    case(
        "review_vote_deleted",
        "4=laptop_votes 4:votes_not_as_counted",
        &|raw| {
            raw.execute(
                "DELETE FROM meeting_vote WHERE ballot_id = 4 AND expert_id = ?1",
                [e0],
            )
            .unwrap();
        },
    );
    case(
        "review_vote_swapped_for_another_experts",
        "4=laptop_votes 4:vote_signature",
        &|raw| keep(raw, e0, &std::fs::read(v1).unwrap()),
    );
    case(
        "review_vote_signed_by_another_key",
        "4=laptop_votes 4:vote_signature",
        &|raw| keep(raw, e0, &vote_bytes(&entries_of(v0)[0].1, &key_of(1))),
    );
    case(
        "review_vote_signed_by_a_stranger",
        "4=laptop_votes 4:vote_signature",
        &|raw| {
            keep(
                raw,
                e0,
                &vote_bytes(&entries_of(v0)[0].1, &keys::signing_key(&[99; 32])),
            )
        },
    );
    // The kept vote's marks turned round, its signature kept: only the key could re-sign.
    case(
        "review_vote_marks_flipped",
        "4=laptop_votes 4:vote_signature",
        &|raw| {
            let sig = entries_of(v0)[1].1.clone();
            let flipped = json_edited(v0, &|v| {
                v["marks"][0]["mark"] = "not_chosen".into();
                v["marks"][1]["mark"] = "chosen".into();
            });
            keep(
                raw,
                e0,
                &canonical(&[("vote.json", &flipped), ("vote.sig", &sig)]),
            );
        },
    );
    case(
        "review_vote_byte_flipped",
        "4=laptop_votes 4:vote_signature",
        &|raw| {
            let mut bytes = std::fs::read(v0).unwrap();
            let at = bytes.len() / 3;
            bytes[at] ^= 1;
            keep(raw, e0, &bytes);
        },
    );
    case(
        "review_vote_resigned_with_other_marks",
        "4=laptop_votes 4:votes_not_as_counted",
        &|raw| keep(raw, e0, &turned),
    );
    case(
        "review_vote_resigned_and_listed",
        "4=laptop_votes 4:votes_recount_differs",
        &|raw| {
            keep(raw, e0, &turned);
            edit_counted(raw, 4, |v| {
                for x in v["votes"].as_array_mut().unwrap() {
                    if x["expert_id"] == e0 {
                        x["vote_sha256"] = turned_sha.clone().into();
                    }
                }
            });
        },
    );
    case(
        "review_vote_for_another_paper",
        "4=laptop_votes 4:vote_not_this_ballot",
        &|raw| {
            keep(
                raw,
                e0,
                &by0(&|v| v["paper_sha256"] = "0".repeat(64).into()),
            )
        },
    );
    case(
        "review_vote_for_another_review",
        "4=laptop_votes 4:vote_not_this_ballot",
        &|raw| keep(raw, e0, &by0(&|v| v["review_id"] = "2026-other".into())),
    );
    case(
        "review_vote_choosing_both",
        "4=laptop_votes 4:vote_not_this_ballot",
        &|raw| keep(raw, e0, &by0(&|v| v["marks"][1]["mark"] = "chosen".into())),
    );
    case(
        "review_paper_sha_changed",
        "4=laptop_votes 4:vote_not_this_ballot",
        &|raw| {
            raw.execute_batch("UPDATE meeting_ballot SET paper_sha256 = 'ab' WHERE id = 4")
                .unwrap()
        },
    );
    case(
        "review_counted_votes_list_changed",
        "4=laptop_votes 4:votes_not_as_counted",
        &|raw| {
            edit_counted(raw, 4, |v| {
                v["votes"].as_array_mut().unwrap().pop();
            })
        },
    );
    // Expert 5's blank vote taken out of the count everywhere the review holds it: only
    // the audit log's count entry still lists it.
    case(
        "review_vote_deleted_consistently",
        "4=laptop_votes 4:tally_not_as_audited",
        &|raw| {
            raw.execute(
                "DELETE FROM meeting_vote WHERE ballot_id = 4 AND expert_id = ?1",
                [e5],
            )
            .unwrap();
            edit_counted(raw, 4, |v| {
                v["votes"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|x| x["expert_id"] != e5);
                v["tally"]["present"] = 5.into();
            });
        },
    );
    // Made to look voted in the room: no voters, paper or votes on the row, none listed
    // in the count. The audit log still says it was opened for laptops.
    case(
        "review_votes_disguised_as_typed",
        "4=laptop_votes 4:votes_recount_differs",
        &|raw| {
            raw.execute_batch(
                "UPDATE meeting_ballot SET voting = 'room', voters_json = NULL, paper_sha256 = NULL
                 WHERE id = 4;
                 DELETE FROM meeting_vote WHERE ballot_id = 4;",
            )
            .unwrap();
            edit_counted(raw, 4, |v| {
                v.as_object_mut().unwrap().remove("votes");
            });
        },
    );
}

fn entries_of_bytes(bytes: &[u8]) -> Entries {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    entries_of(file.path())
}

// ---- running both -----------------------------------------------------------------------

fn python() -> Option<PathBuf> {
    let candidate = std::env::var_os("PANELDESK_PYTHON")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|h| PathBuf::from(h).join(".cache/paneldesk/venv/bin/python"))
        })?;
    let ok = std::process::Command::new(&candidate)
        .args(["-c", "import cryptography, pyrage"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(candidate)
}

fn python_verdicts(python: &Path, corpus: &Path) -> BTreeMap<String, (String, String)> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/formats/verify_corpus.py");
    let out = std::process::Command::new(python)
        .arg(&script)
        .arg(corpus)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} failed:\n{}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            (
                v["case"].as_str().unwrap().to_string(),
                (
                    v["verdict"].as_str().unwrap().to_string(),
                    v["detail"].as_str().unwrap_or_default().to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn a_second_implementation_from_the_spec_alone_names_the_same_verdict_on_every_file() {
    let Built {
        _round,
        _tally_round,
        corpus,
        snapshots,
        laptops,
    } = build_corpus();
    let dir = &corpus.dir;
    let cases_json: Vec<Value> = corpus
        .cases
        .iter()
        .map(|c| {
            let kind = match c.kind {
                Kind::Package => "package",
                Kind::Bundle => "bundle",
                Kind::Tally => "tally",
                Kind::Review => "review",
                Kind::BallotPaper => "ballot_paper",
                Kind::Vote => "vote",
            };
            let mut v = json!({ "case": c.name, "kind": kind, "file": c.file });
            if c.kind != Kind::Package {
                v["context"] = json!(c.context);
            }
            if matches!(c.kind, Kind::Tally | Kind::Vote) {
                v["ballot"] = json!(c.ballot);
            }
            v
        })
        .collect();
    std::fs::write(
        dir.join("cases.json"),
        serde_json::to_vec_pretty(&cases_json).unwrap(),
    )
    .unwrap();

    // PanelDesk's verdicts: a package as the expert's laptop opens it, a bundle as the
    // clerk receives it into a fresh copy of the review.
    let work = dir.join("work");
    std::fs::create_dir_all(&work).unwrap();
    // A voter's laptop is one panel file: read by one case at a time.
    let one_laptop = std::sync::Mutex::new(());
    // Each case on its own copy, so they run side by side (a receipt waits on fsync).
    let verdict = |case: &Case| {
        let file = dir.join(&case.file);
        match case.kind {
            Kind::Package => rust_package_verdict(&file),
            Kind::Bundle => rust_bundle_verdict(
                &snapshots[case.context],
                &work.join(format!("{}.pdreview", case.name)),
                &file,
            ),
            Kind::Tally => rust_tally_verdict(
                &snapshots[case.context],
                &work.join(format!("{}.pdreview", case.name)),
                &file,
                case.ballot,
            ),
            Kind::Review => {
                rust_review_verdict(&file, &work.join(format!("{}.pdreview", case.name)))
            }
            Kind::BallotPaper => {
                let _one = one_laptop.lock().unwrap();
                rust_paper_verdict(&laptops[case.context], &file)
            }
            Kind::Vote => rust_vote_verdict(
                &snapshots[case.context],
                &work.join(format!("{}.pdreview", case.name)),
                &file,
                case.ballot,
            ),
        }
    };
    let lanes = 4;
    let rust: BTreeMap<String, String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..lanes)
            .map(|lane| {
                let cases = &corpus.cases;
                let verdict = &verdict;
                scope.spawn(move || {
                    cases
                        .iter()
                        .skip(lane)
                        .step_by(lanes)
                        .map(|c| (c.name.clone(), verdict(c)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    std::fs::write(
        dir.join("expected.json"),
        serde_json::to_vec_pretty(&rust).unwrap(),
    )
    .unwrap();
    // To look at the corpus, or run the Python on it by hand (tests/formats/README.md).
    if let Some(keep) = std::env::var_os("PANELDESK_KEEP_CORPUS") {
        copy_tree(dir, Path::new(&keep));
    }

    assert!(corpus.cases.len() >= 45, "{} cases", corpus.cases.len());
    for verdict in VERDICTS {
        assert!(
            corpus.cases.iter().any(|c| c.spec == *verdict),
            "no case for {verdict}"
        );
    }
    // A review's verdict is its ballots' list, not one code.
    for case in corpus.cases.iter().filter(|c| c.kind != Kind::Review) {
        assert!(
            VERDICTS.contains(&case.spec),
            "{}: {}",
            case.name,
            case.spec
        );
    }
    let known: BTreeMap<&str, (&str, &str)> = KNOWN_DISAGREEMENTS
        .iter()
        .map(|(case, rust, why)| (*case, (*rust, *why)))
        .collect();
    for case in known.keys() {
        assert!(
            corpus.cases.iter().any(|c| c.name == *case),
            "known disagreement {case} is not a case"
        );
    }

    let python = python();
    let theirs = match &python {
        Some(p) => Some(python_verdicts(p, dir)),
        None if std::env::var_os("CI").is_some() => panic!(
            "the second implementation needs Python with cryptography and pyrage: \
             scripts/setup-test.sh, or PANELDESK_PYTHON"
        ),
        None => {
            eprintln!(
                "note: no Python with cryptography and pyrage ($PANELDESK_PYTHON or \
                 ~/.cache/paneldesk/venv, see scripts/setup-test.sh): only PanelDesk's \
                 verdicts were checked"
            );
            None
        }
    };

    let mut problems = Vec::new();
    let mut table = String::new();
    for case in &corpus.cases {
        let ours = rust[&case.name].as_str();
        let expected_rust = known.get(case.name.as_str()).map_or(case.spec, |k| k.0);
        let (py, detail) = theirs
            .as_ref()
            .map(|t| {
                t.get(&case.name)
                    .cloned()
                    .unwrap_or_else(|| ("(no verdict)".into(), String::new()))
            })
            .unwrap_or_else(|| ("-".into(), String::new()));
        let mut wrong = Vec::new();
        if ours != expected_rust {
            wrong.push(
                if known.contains_key(case.name.as_str()) && ours == case.spec {
                    "PanelDesk now agrees with the page: drop it from KNOWN_DISAGREEMENTS"
                } else {
                    "PanelDesk"
                },
            );
        }
        if theirs.is_some() && py != case.spec {
            wrong.push("Python");
        }
        let note = known.get(case.name.as_str()).map_or("", |k| k.1);
        if !wrong.is_empty() || (theirs.is_some() && py != ours) {
            table.push_str(&format!(
                "{:<46} page {:<28} PanelDesk {:<28} Python {:<28} {}{}\n",
                case.name,
                case.spec,
                ours,
                py,
                if wrong.is_empty() {
                    "known: ".into()
                } else {
                    format!("WRONG {}: ", wrong.join(", "))
                },
                if note.is_empty() {
                    detail.as_str()
                } else {
                    note
                },
            ));
        }
        if !wrong.is_empty() {
            problems.push(case.name.clone());
        }
    }
    eprintln!(
        "{} cases ({} packages, {} bundles, {} tallies, {} ballot papers, {} votes, {} reviews); disagreements between PanelDesk and the page:\n{table}",
        corpus.cases.len(),
        corpus.cases.iter().filter(|c| c.kind == Kind::Package).count(),
        corpus.cases.iter().filter(|c| c.kind == Kind::Bundle).count(),
        corpus.cases.iter().filter(|c| c.kind == Kind::Tally).count(),
        corpus.cases.iter().filter(|c| c.kind == Kind::BallotPaper).count(),
        corpus.cases.iter().filter(|c| c.kind == Kind::Vote).count(),
        corpus.cases.iter().filter(|c| c.kind == Kind::Review).count(),
    );
    assert!(
        problems.is_empty(),
        "unexpected verdicts (table above): {problems:?}"
    );
}

/// Copies the corpus (not the reviews the bundles were received into); the large files,
/// all zeros, stay sparse.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            if e.file_name() != "work" {
                copy_tree(&e.path(), &dest);
            }
        } else if e.metadata().unwrap().len() > 32 << 20 {
            sparse_file(&dest, e.metadata().unwrap().len());
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}
