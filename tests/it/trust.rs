//! Results you can prove: each test is an attack an outsider holding an expert's or a
//! clerk's usual files could try, and what PanelDesk does about it.

use std::path::{Path, PathBuf};

use paneldesk::bundle::{BundleExpert, BundleHeader, Payload, SealedPayload};
use paneldesk::merge::collect::{receive, Receipt};
use paneldesk::model::marks::ScoreItem;
use paneldesk::{container, keys, package};

use super::scoring_round::{expert_submits, package_round, randomness, score_all, Round};
use super::support::assert_ran;
use super::{clerk_keys, stored_marks, T0};
use paneldesk::registration;
use paneldesk::scoring::panel;

/// The refusal code of a receipt, or "accepted"/"already".
pub fn outcome(r: &Receipt) -> String {
    match r {
        Receipt::Accepted { .. } => "accepted".into(),
        Receipt::AlreadyHave { .. } => "already".into(),
        Receipt::Waiting { .. } => "waiting".into(),
        Receipt::Refused { code, .. } => code.clone(),
    }
}

/// A bundle written by hand, as someone holding an expert's key but not PanelDesk's
/// writer would: every entry real (sealed to the clerk, signed by `key`), the content
/// whatever `items` and `header` say.
pub struct Forged {
    pub header: BundleHeader,
    pub payload: Payload,
    /// Seal to this recipient instead of the one the header names.
    pub seal_to: Option<String>,
}

impl Forged {
    /// A sequence-1 bundle for `expert_id` of the package at `package_file`, with `items`.
    pub fn new(package_file: &Path, expert_id: i64, key: &ed25519_dalek::SigningKey) -> Forged {
        let verified = package::open(package_file).unwrap();
        let expert = verified
            .manifest
            .experts
            .iter()
            .find(|e| e.id == expert_id)
            .unwrap();
        Forged {
            header: BundleHeader {
                format: paneldesk::bundle::FORMAT.into(),
                version: paneldesk::bundle::VERSION,
                package_hash: verified.hash.clone(),
                review_id: verified.manifest.review.id.clone(),
                expert: BundleExpert {
                    id: expert.id,
                    name: expert.name.clone(),
                    public_key: keys::public_hex(&key.verifying_key()),
                },
                sequence: 1,
                previous_bundle_hash: None,
                created_at: T0.into(),
                scored: 0,
                recused: 0,
                payload: SealedPayload {
                    entry: "scores.age".into(),
                    bytes: 0,
                    sha256: String::new(),
                    sealed_to: verified.manifest.clerk.age_recipient.clone(),
                },
            },
            payload: Payload {
                package_hash: verified.hash,
                expert_id,
                sequence: 1,
                items: Vec::new(),
            },
            seal_to: None,
        }
    }

    pub fn sequence(mut self, sequence: u64, previous: Option<&str>) -> Forged {
        self.header.sequence = sequence;
        self.payload.sequence = sequence;
        self.header.previous_bundle_hash = previous.map(String::from);
        self
    }

    pub fn items(mut self, items: Vec<ScoreItem>) -> Forged {
        self.header.scored = items.iter().filter(|i| i.recusal.is_none()).count() as u32;
        self.header.recused = items.iter().filter(|i| i.recusal.is_some()).count() as u32;
        self.payload.items = items;
        self
    }

    /// Seals, signs and writes the bundle to `out`; the header's payload fields follow
    /// the sealed bytes.
    pub fn write(mut self, out: &Path, key: &ed25519_dalek::SigningKey) -> PathBuf {
        let plain = serde_json::to_vec(&self.payload).unwrap();
        let to = self
            .seal_to
            .as_ref()
            .unwrap_or(&self.header.payload.sealed_to);
        let sealed = paneldesk::seal::seal(to, &plain).unwrap();
        self.header.payload.bytes = sealed.len() as u64;
        self.header.payload.sha256 = keys::sha256_hex(&sealed);
        let json = serde_json::to_vec_pretty(&self.header).unwrap();
        let sig =
            container::signature_entry(&self.header.expert.public_key, &keys::sign(key, &json));
        container::write_atomically(
            out,
            &[
                ("bundle.json", json.as_slice()),
                ("scores.age", sealed.as_slice()),
                ("bundle.sig", sig.as_bytes()),
            ],
        )
        .unwrap();
        out.to_path_buf()
    }
}

/// The decrypted items of a genuine bundle, to start a forgery from.
pub fn genuine_items(file: &Path) -> Vec<ScoreItem> {
    let b = paneldesk::bundle::open(file).unwrap();
    paneldesk::bundle::decrypt(file, &b, &clerk_keys())
        .unwrap()
        .items
}

/// Expert `n`'s key, as `expert_submits` enrols it.
pub fn expert_key(n: usize) -> ed25519_dalek::SigningKey {
    keys::signing_key(&randomness(n as u8).0)
}

fn the_panel_file(laptop: &Path) -> PathBuf {
    walk(laptop)
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == "panel.pdexpert"))
        .expect("panel.pdexpert")
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn receive_code(round: &Round, file: &Path) -> String {
    outcome(&receive(&round.review, &clerk_keys(), file, T0, "clerk").unwrap())
}

#[test]
fn marks_outside_the_rubric_in_an_edited_expert_file_never_leave_the_laptop() {
    let round = package_round(0);
    // Expert 0 scores and submits honestly once, so the laptop holds a full answer.
    let (mut panel, _) = expert_submits(&round, 0);
    panel.reopen().unwrap();
    // Then edits the panel store with sqlite3: 1000 points, and the automatic recusal
    // from their own university removed.
    let db = the_panel_file(&round.root.join("expert0"));
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "UPDATE criterion_score SET points = 1000 WHERE rowid = (SELECT min(rowid) FROM criterion_score);
         UPDATE criterion_score SET points = -500 WHERE rowid = (SELECT max(rowid) FROM criterion_score);
         CREATE TEMP TABLE own AS SELECT nomination_id FROM item WHERE recusal_automatic = 1;
         UPDATE item SET recusal_reason = NULL, recusal_automatic = 0,
                         comment = '本校推荐，事迹突出' WHERE recusal_automatic = 1;
         INSERT INTO criterion_score (nomination_id, criterion_key, points)
             SELECT own.nomination_id, s.criterion_key, 20 FROM own, criterion_score s
             WHERE s.nomination_id = (SELECT min(nomination_id) FROM criterion_score);",
    )
    .unwrap();
    let own: i64 = conn
        .query_row("SELECT count(*) FROM temp.own", [], |r| r.get(0))
        .unwrap();
    assert!(own > 0, "the demo gives expert 0 a conflict");
    drop(conn);
    let stick = round.root.join("stick-edited");
    std::fs::create_dir_all(&stick).unwrap();
    let err = panel
        .submit("harbour lantern 246800", &stick, T0, 2_000_000)
        .unwrap_err();
    assert!(
        matches!(
            err.code(),
            "points_out_of_range" | "own_institution_not_recused"
        ),
        "{}: {}",
        err.code(),
        err.message_en()
    );
    assert_eq!(
        std::fs::read_dir(&stick).unwrap().count(),
        0,
        "no bundle written"
    );
}

#[test]
fn the_clerk_refuses_signed_marks_the_rubric_does_not_allow_naming_the_item_and_rule() {
    let round = package_round(0);
    let (panel, genuine) = expert_submits(&round, 0);
    let expert = panel.package.experts[0].clone();
    let key = expert_key(0);
    let items = genuine_items(&genuine);
    let out = round.root.join("forged");
    std::fs::create_dir_all(&out).unwrap();
    let first_scored = items.iter().position(|i| i.recusal.is_none()).unwrap();
    let own = items
        .iter()
        .position(|i| i.recusal.as_ref().is_some_and(|r| r.automatic))
        .expect("the demo gives expert 0 a conflict");
    let criterion = items[first_scored].criteria.keys().next().unwrap().clone();

    type Edit = Box<dyn Fn(&mut Vec<ScoreItem>)>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "points_out_of_range",
            Box::new(move |items| {
                items[first_scored]
                    .criteria
                    .insert(criterion.clone(), 1000.0)
                    .unwrap();
            }),
        ),
        (
            "points_out_of_range",
            Box::new({
                let c = items[first_scored].criteria.keys().next().unwrap().clone();
                move |items| {
                    items[first_scored].criteria.insert(c.clone(), -500.0);
                }
            }),
        ),
        (
            "points_off_step",
            Box::new({
                let c = items[first_scored].criteria.keys().next().unwrap().clone();
                move |items| {
                    items[first_scored].criteria.insert(c.clone(), 0.3333);
                }
            }),
        ),
        (
            "unknown_criterion",
            Box::new(move |items| {
                items[first_scored].criteria.insert("c99".into(), 1.0);
            }),
        ),
        (
            "incomplete_item",
            Box::new({
                let c = items[first_scored].criteria.keys().next().unwrap().clone();
                move |items| {
                    items[first_scored].criteria.remove(&c);
                }
            }),
        ),
        (
            "wrong_scoring_mode",
            Box::new(move |items| {
                items[first_scored].vote = Some(paneldesk::model::marks::Vote::Agree);
            }),
        ),
        (
            "own_institution_not_recused",
            Box::new({
                let scored = items[first_scored].criteria.clone();
                move |items| {
                    items[own].recusal = None;
                    items[own].criteria = scored.clone();
                }
            }),
        ),
        (
            "marks_on_recusal",
            Box::new({
                let scored = items[first_scored].criteria.clone();
                move |items| {
                    items[own].criteria = scored.clone();
                }
            }),
        ),
        (
            "duplicate_item",
            Box::new(move |items| {
                let again = items[first_scored].clone();
                items.push(again);
            }),
        ),
        (
            "missing_item",
            Box::new(move |items| {
                items.remove(first_scored);
            }),
        ),
        (
            "item_not_in_package",
            Box::new(move |items| {
                items[first_scored].nomination_id = 999_999;
            }),
        ),
    ];
    for (i, (expected, edit)) in cases.iter().enumerate() {
        let mut edited = items.clone();
        edit(&mut edited);
        let file = Forged::new(&round.package, expert.id, &key)
            .items(edited)
            .write(&out.join(format!("{i}.pdresult")), &key);
        let r = receive(&round.review, &clerk_keys(), &file, T0, "clerk").unwrap();
        assert_eq!(outcome(&r), *expected, "case {i}");
        let Receipt::Refused { message_zh, .. } = r else {
            unreachable!()
        };
        assert!(message_zh.contains("推荐对象"), "{message_zh}");
    }
    assert!(
        super::stored_marks(&round.review).is_empty(),
        "nothing counted"
    );
    // The header's counts are checked against the items.
    let mut lying = Forged::new(&round.package, expert.id, &key).items(items.clone());
    lying.header.recused += 1;
    lying.header.scored -= 1;
    let file = lying.write(&out.join("counts.pdresult"), &key);
    assert_eq!(receive_code(&round, &file), "counts_mismatch");
    // The genuine bundle still goes in.
    assert_eq!(receive_code(&round, &genuine), "accepted");
}

/// Enrols a laptop (data folder `laptop`) on `package_file` as roster position `n` with
/// key seed `seed`, scores everything and submits; the clerk registers the key only when
/// `registered`. Returns the bundle.
fn laptop_submits(
    round: &Round,
    laptop: &str,
    package_file: &Path,
    n: usize,
    seed: u8,
    registered: bool,
) -> (panel::Panel, PathBuf) {
    let mut p = panel::import_package(&round.root.join(laptop), package_file, T0).unwrap();
    let id = p.package.experts[n].id;
    let enrolment = p
        .enrol(id, "north wind 13572468", randomness(seed), T0)
        .unwrap();
    if registered {
        super::register_key(&round.review, id, &enrolment.fingerprint);
    }
    score_all(&mut p, n);
    let stick = round.root.join(format!("{laptop}-stick"));
    std::fs::create_dir_all(&stick).unwrap();
    let s = p
        .submit("north wind 13572468", &stick, T0, 1_000_000)
        .unwrap();
    (p, PathBuf::from(s.file))
}

#[test]
fn a_laptop_the_clerk_did_not_register_cannot_score_as_an_expert() {
    let round = package_round(0);
    // Anyone holding the package can enrol under any name: this laptop claims expert 1
    // and gets its bundle to the clerk first.
    let (_, forged) = laptop_submits(&round, "impostor", &round.package, 1, 77, false);
    let r = receive(&round.review, &clerk_keys(), &forged, T0, "clerk").unwrap();
    assert_eq!(outcome(&r), "key_not_registered");
    let Receipt::Refused { message_zh, .. } = r else {
        unreachable!()
    };
    assert!(message_zh.contains("指纹"), "{message_zh}");
    assert!(stored_marks(&round.review).is_empty());
    // The real expert 1, registered in the room from their signed confirmation, counts.
    let (_, genuine) = expert_submits(&round, 1);
    assert_eq!(receive_code(&round, &genuine), "accepted");
    // One key never speaks for two experts.
    let conn = paneldesk::store::open(&round.review).unwrap();
    let other = paneldesk::store::experts::read_all(&conn).unwrap()[2].id;
    let fingerprint = keys::fingerprint(&expert_key(1).verifying_key());
    let err =
        registration::register_in(&round.review, other, &fingerprint, T0, "clerk").unwrap_err();
    assert_eq!(err.code(), "bad_input");
    // Nor can an expert hold two keys at once.
    let err = registration::register_in(
        &round.review,
        paneldesk::store::experts::read_all(&conn).unwrap()[1].id,
        &keys::fingerprint(&keys::signing_key(&[5; 32]).verifying_key()),
        T0,
        "clerk",
    )
    .unwrap_err();
    assert_eq!(err.code(), "bad_input");
    let log = paneldesk::audit::entries(&conn).unwrap();
    assert!(log.iter().any(|e| e.action == "expert.key_registered"));
}

#[test]
fn a_registration_outlives_a_rebuilt_package_and_a_revoked_key_signs_nothing_more() {
    let round = package_round(0);
    let (mut old_laptop, first) = expert_submits(&round, 0);
    assert_eq!(receive_code(&round, &first), "accepted");
    let expert = old_laptop.package.experts[0].id;
    // The clerk builds the package again: registrations belong to the review, not to a
    // package, so the same key still counts without a new ceremony.
    let again = round.root.join("again.pdpanel");
    package::build(
        &round.review,
        &again,
        &clerk_keys(),
        "2026-12-11",
        0,
        "2026-12-01T08:00:00Z",
        "clerk",
    )
    .unwrap();
    let (_, on_new_package) = laptop_submits(&round, "same-laptop", &again, 0, 0, false);
    assert_eq!(receive_code(&round, &on_new_package), "accepted");
    let counted = stored_marks(&round.review);
    assert!(counted.iter().any(|(e, ..)| *e == expert));
    // The laptop is lost: the clerk revokes its key, with a reason, on the record.
    let fingerprint =
        registration::revoke_in(&round.review, expert, "笔记本电脑遗失", T0, "clerk").unwrap();
    assert_eq!(
        fingerprint,
        keys::fingerprint(&expert_key(0).verifying_key())
    );
    // Whoever has it now cannot send anything more in the expert's name...
    let (_, late) = super::scoring_round::expert_corrects(
        &mut old_laptop,
        0,
        "更正：遗失电脑上的评语",
        &round.root.join("stick-late"),
    );
    assert_eq!(receive_code(&round, &late), "key_revoked");
    // ...while what the expert had submitted still counts.
    assert_eq!(stored_marks(&round.review), counted);
    // On a new laptop with a new, registered key, the expert's first bundle replaces it.
    let (_, fresh) = laptop_submits(&round, "new-laptop", &again, 0, 90, true);
    let r = receive(&round.review, &clerk_keys(), &fresh, T0, "clerk").unwrap();
    assert!(matches!(r, Receipt::Accepted { sequence: 1, .. }), "{r:?}");
    let keys_on_record = registration::list_in(&round.review).unwrap();
    assert_eq!(keys_on_record.len(), 2);
    assert_eq!(
        keys_on_record[0].revoked_reason.as_deref(),
        Some("笔记本电脑遗失")
    );
    let conn = paneldesk::store::open(&round.review).unwrap();
    let log = paneldesk::audit::entries(&conn).unwrap();
    assert!(log.iter().any(|e| e.action == "expert.key_revoked"));
    paneldesk::audit::verify(&conn).unwrap();
}

/// A stored zip written byte by byte, so tests can make what no zip library writes: the
/// same name twice, or a local header that disagrees with the directory.
pub fn raw_zip(entries: &[(&str, &[u8])], local_name: impl Fn(usize) -> Option<String>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (i, (name, data)) in entries.iter().enumerate() {
        let crc = crc32fast::hash(data);
        let offset = out.len() as u32;
        let local = local_name(i).unwrap_or_else(|| name.to_string());
        let fields = |v: &mut Vec<u8>, n: &str| {
            v.extend_from_slice(&10u16.to_le_bytes()); // version needed
            v.extend_from_slice(&0u16.to_le_bytes()); // flags
            v.extend_from_slice(&0u16.to_le_bytes()); // stored
            v.extend_from_slice(&0u16.to_le_bytes()); // time
            v.extend_from_slice(&0x21u16.to_le_bytes()); // date 1980-01-01
            v.extend_from_slice(&crc.to_le_bytes());
            v.extend_from_slice(&(data.len() as u32).to_le_bytes());
            v.extend_from_slice(&(data.len() as u32).to_le_bytes());
            v.extend_from_slice(&(n.len() as u16).to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        fields(&mut out, &local);
        out.extend_from_slice(local.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&0x031eu16.to_le_bytes()); // made by: Unix
        fields(&mut central, name);
        central.extend_from_slice(&[0; 6]); // comment, disk, internal attributes
        central.extend_from_slice(&(0o100644u32 << 16).to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// The entries of a package or bundle, in file order, through PanelDesk's own reader.
pub fn entries_of(file: &Path) -> Vec<(String, Vec<u8>)> {
    let rule = container::EntryRule {
        name: "any",
        matches: |_| true,
        max_bytes: 1 << 30,
        required: false,
    };
    let mut archive = container::Archive::open(file, &[rule], 100_000, 1 << 32).unwrap();
    let names: Vec<String> = archive.names().map(String::from).collect();
    names
        .into_iter()
        .map(|n| {
            let bytes = archive.read(&n).unwrap();
            (n, bytes)
        })
        .collect()
}

fn code_of<T>(r: paneldesk::Result<T>) -> String {
    match r {
        Ok(_) => "accepted".into(),
        Err(e) => e.code().into(),
    }
}

#[test]
fn a_package_with_its_manifest_twice_or_deflated_or_with_hidden_bytes_is_refused() {
    let round = package_round(0);
    let entries = entries_of(&round.package);
    let manifest = &entries.iter().find(|(n, _)| n == "package.json").unwrap().1;
    let altered = String::from_utf8(manifest.clone())
        .unwrap()
        .replace("2026-12-10", "2027-01-31")
        .into_bytes();
    // The altered manifest first, the signed one second: a reader keyed by name sees one.
    let mut twice: Vec<(&str, &[u8])> = vec![("package.json", altered.as_slice())];
    twice.extend(entries.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    let file = round.root.join("twice.pdpanel");
    std::fs::write(&file, raw_zip(&twice, |_| None)).unwrap();
    assert_eq!(code_of(package::open(&file)), "duplicate_entry");

    // The same entries byte by byte as PanelDesk lays them out are accepted...
    let plain: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let same = round.root.join("same.pdpanel");
    std::fs::write(&same, raw_zip(&plain, |_| None)).unwrap();
    assert_eq!(code_of(package::open(&same)), "accepted");
    // ...but not when a local header names another entry than the directory does.
    let lying = round.root.join("lying.pdpanel");
    std::fs::write(
        &lying,
        raw_zip(&plain, |i| (i == 0).then(|| "package.jso_".to_string())),
    )
    .unwrap();
    assert_eq!(code_of(package::open(&lying)), "header_mismatch");

    // Re-zipped with deflate: the signature still verifies, but entries must be stored.
    let deflated = round.root.join("deflated.pdpanel");
    {
        let mut w = zip::ZipWriter::new(std::fs::File::create(&deflated).unwrap());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (n, b) in &entries {
            w.start_file(n.as_str(), options).unwrap();
            std::io::Write::write_all(&mut w, b).unwrap();
        }
        w.finish().unwrap();
    }
    assert_eq!(code_of(package::open(&deflated)), "compressed_entry");

    // A flipped byte inside the manifest's data is a CRC error, named as one.
    let mut bytes = std::fs::read(&same).unwrap();
    let inside_manifest = bytes.iter().position(|&b| b == b'{').unwrap() + 3;
    bytes[inside_manifest] ^= 0x20;
    let flipped = round.root.join("flipped.pdpanel");
    std::fs::write(&flipped, bytes).unwrap();
    assert_eq!(code_of(package::open(&flipped)), "crc_mismatch");
}

#[test]
fn a_bundle_for_another_review_out_of_sequence_or_sealed_elsewhere_is_refused() {
    let round = package_round(0);
    let (panel, genuine) = expert_submits(&round, 0);
    let expert = panel.package.experts[0].id;
    let key = expert_key(0);
    let items = genuine_items(&genuine);
    let out = round.root.join("forged");
    std::fs::create_dir_all(&out).unwrap();
    let forge = || Forged::new(&round.package, expert, &key).items(items.clone());
    let file = |name: &str| out.join(format!("{name}.pdresult"));

    let mut other_review = forge();
    other_review.header.review_id = "2026-另一项评审".into();
    let f = other_review.write(&file("review"), &key);
    assert_eq!(receive_code(&round, &f), "other_review");

    let f = forge().sequence(0, None).write(&file("zero"), &key);
    assert_eq!(receive_code(&round, &f), "sequence_out_of_range");
    let f = forge()
        .sequence(1 << 63, Some(&"a".repeat(64)))
        .write(&file("huge"), &key);
    assert_eq!(receive_code(&round, &f), "sequence_out_of_range");
    let f = forge()
        .sequence(1, Some(&"a".repeat(64)))
        .write(&file("one-with-previous"), &key);
    assert_eq!(receive_code(&round, &f), "broken_chain");
    let f = forge().sequence(2, None).write(&file("two-without"), &key);
    assert_eq!(receive_code(&round, &f), "broken_chain");

    let mut elsewhere = forge();
    elsewhere.seal_to = Some(age::x25519::Identity::generate().to_public().to_string());
    let f = elsewhere.write(&file("elsewhere"), &key);
    assert_eq!(receive_code(&round, &f), "sealed_to_other");

    // A first bundle numbered 3 waits for 2, and counts nothing meanwhile.
    let f = forge()
        .sequence(3, Some(&"b".repeat(64)))
        .write(&file("three"), &key);
    assert_eq!(receive_code(&round, &f), "waiting");
    assert!(stored_marks(&round.review).is_empty());
    // Sequence 1, then a 2 naming another predecessor: the chain is broken.
    assert_eq!(receive_code(&round, &genuine), "accepted");
    let f = forge()
        .sequence(2, Some(&"c".repeat(64)))
        .write(&file("two-wrong"), &key);
    assert_eq!(receive_code(&round, &f), "broken_chain");
    // A gap: 3 names 2's hash, arrives before 2, waits, and counts once 2 arrives.
    let first = paneldesk::bundle::open(&genuine).unwrap().hash;
    let mut two_items = items.clone();
    let scored = two_items.iter().position(|i| i.recusal.is_none()).unwrap();
    two_items[scored].comment = "第二次提交".into();
    let two = forge()
        .items(two_items)
        .sequence(2, Some(&first))
        .write(&file("two"), &key);
    let two_hash = paneldesk::bundle::open(&two).unwrap().hash;
    let mut three_items = items.clone();
    three_items[scored].comment = "第三次提交".into();
    let three = forge()
        .items(three_items)
        .sequence(3, Some(&two_hash))
        .write(&file("three-linked"), &key);
    assert_eq!(receive_code(&round, &three), "waiting");
    let r = receive(&round.review, &clerk_keys(), &two, T0, "clerk").unwrap();
    assert!(
        matches!(&r, Receipt::Accepted { sequence: 2, released, .. } if released == &[3]),
        "{r:?}"
    );
    assert!(stored_marks(&round.review)
        .iter()
        .any(|(_, _, seq, item)| *seq == 3 && item.contains("第三次提交")));
}

/// The audit log rewritten as an attacker with the file and twenty lines of code would:
/// triggers dropped, entry `seq`'s detail replaced, every later hash recomputed.
fn rewrite_audit_entry(review: &Path, seq: i64, detail: &str) {
    let conn = rusqlite::Connection::open(review).unwrap();
    conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
        .unwrap();
    conn.execute(
        "UPDATE audit_log SET detail = ?2 WHERE seq = ?1",
        rusqlite::params![seq, detail],
    )
    .unwrap();
    let rows: Vec<(i64, String, String, String, String)> = conn
        .prepare("SELECT seq, at, actor, action, detail FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut prev = paneldesk::audit::GENESIS.to_string();
    for (s, at, actor, action, detail) in rows {
        let canonical = serde_json::json!([prev, s, at, actor, action, detail]).to_string();
        let hash = keys::sha256_hex(canonical.as_bytes());
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?2, hash = ?3 WHERE seq = ?1",
            rusqlite::params![s, prev, hash],
        )
        .unwrap();
        prev = hash;
    }
}

#[test]
fn marks_rewritten_in_the_review_file_are_caught_by_the_kept_bundles_and_the_printed_anchor() {
    use paneldesk::merge::rederive::rederive;
    let (round, _) = super::scoring_round::five_experts_received();
    let conn = paneldesk::store::open(&round.review).unwrap();
    // What the panel signs carries the audit head; it leaves the file on paper.
    let record = paneldesk::report::record::Record::load(
        &round.review,
        &paneldesk::merge::results::ResultOptions::default(),
    )
    .unwrap();
    let anchor = record.anchor.clone().unwrap();
    assert_eq!(anchor, paneldesk::audit::head(&conn).unwrap().unwrap());
    let clean = rederive(&conn, &clerk_keys()).unwrap();
    assert_eq!((clean.bundles, clean.marks), (5, 5));
    assert!(clean.differences.is_empty(), "{:?}", clean.differences);
    drop(conn);

    // One expert's stored marks edited with a SQLite tool: a point moved.
    let raw = rusqlite::Connection::open(&round.review).unwrap();
    let (expert, items): (i64, String) = raw
        .query_row(
            "SELECT expert_id, items_json FROM expert_marks ORDER BY expert_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let mut parsed: Vec<ScoreItem> = serde_json::from_str(&items).unwrap();
    let item = parsed.iter_mut().find(|i| i.recusal.is_none()).unwrap();
    let key = item.criteria.keys().next().unwrap().clone();
    let points = item.criteria.get_mut(&key).unwrap();
    *points = if *points >= 1.0 {
        *points - 1.0
    } else {
        *points + 1.0
    };
    raw.execute(
        "UPDATE expert_marks SET items_json = ?2 WHERE expert_id = ?1",
        rusqlite::params![expert, serde_json::to_string(&parsed).unwrap()],
    )
    .unwrap();
    drop(raw);
    let conn = paneldesk::store::open(&round.review).unwrap();
    let found = rederive(&conn, &clerk_keys()).unwrap();
    assert_eq!(found.differences.len(), 1, "{:?}", found.differences);
    assert_eq!(found.differences[0].kind, "marks_differ");
    assert_eq!(found.differences[0].expert_id, expert);
    // The chain alone still says intact: nothing in the log recorded the edit.
    paneldesk::audit::verify(&conn).unwrap();
    drop(conn);

    // The log rewritten with its hashes recomputed: intact by itself, but it no longer
    // holds the anchor printed on paper.
    rewrite_audit_entry(&round.review, 2, "{}");
    let conn = paneldesk::store::open(&round.review).unwrap();
    paneldesk::audit::verify(&conn).unwrap();
    let err = paneldesk::audit::verify_anchor(&conn, &anchor.to_string()).unwrap_err();
    assert_eq!(err.code(), "anchor_not_found");
    drop(conn);

    // A kept bundle altered in the file is named too.
    let raw = rusqlite::Connection::open(&round.review).unwrap();
    raw.execute(
        "UPDATE received_bundle SET bytes = CAST(substr(bytes, 1, length(bytes) / 2)
             || (CASE WHEN substr(bytes, length(bytes) / 2 + 1, 1) = x'41' THEN x'42' ELSE x'41' END)
             || substr(bytes, length(bytes) / 2 + 2) AS BLOB)
         WHERE rowid = (SELECT max(rowid) FROM received_bundle)",
        [],
    )
    .unwrap();
    drop(raw);
    let conn = paneldesk::store::open(&round.review).unwrap();
    let found = rederive(&conn, &clerk_keys()).unwrap();
    assert!(
        found.differences.iter().any(|d| d.kind == "bundle_altered"),
        "{:?}",
        found.differences
    );
}

#[test]
fn a_copy_of_the_review_file_cannot_make_a_certificate_genuine_and_the_qr_checks_offline() {
    use paneldesk::report::serials;
    let (round, _) = super::scoring_round::five_experts_received();
    let (record, awards) = super::issue_to_winners(&round.review);
    let clerk = keys::public_hex(&clerk_keys().signing().unwrap().verifying_key());
    let real = &awards[0];
    assert!(
        serials::check(&round.review, &real.serial, &real.code, &clerk)
            .unwrap()
            .genuine
    );

    // Someone with a copy of the file and a key of their own seals "results" and enters a
    // certificate for a nominee who does not exist.
    let copy = round.root.join("copy.pdreview");
    paneldesk::review::backup(&round.review, &copy, T0, "clerk").unwrap();
    let forger = keys::signing_key(&[66; 32]);
    let fake_hash = "f".repeat(64);
    let seal = keys::sign(
        &forger,
        format!("paneldesk-results-v1\n{fake_hash}").as_bytes(),
    );
    let serial = "PD2026-01-900";
    let words = serials::CertificateWords {
        serial: serial.into(),
        name: "冒名者".into(),
        university: "东川理工大学".into(),
        honour: real.category.clone(),
        year: 2026,
        review_id: record.review.id.clone(),
    };
    let own_signature = keys::sign(&forger, words.message().as_bytes());
    let conn = rusqlite::Connection::open(&copy).unwrap();
    conn.execute(
        "INSERT INTO results_seal (results_hash, public_key, signature, sealed_at) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![fake_hash, keys::public_hex(&forger.verifying_key()), seal, T0],
    )
    .unwrap();
    let old_style = serials::code(&seal, serial, "冒名者", "东川理工大学", &real.category);
    let new_style = serials::signed_code(&own_signature);
    conn.execute(
        "INSERT INTO certificate (serial, nomination_id, name, university, category, results_hash, code, printed_at, signature)
         VALUES (?1, 999999, '冒名者', '东川理工大学', ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![serial, real.category, fake_hash, new_style, T0, own_signature],
    )
    .unwrap();
    drop(conn);
    for code in [&old_style, &new_style] {
        let check = serials::check(&copy, serial, code, &clerk).unwrap();
        assert!(!check.genuine, "{check:?}");
    }
    // With no key at all: a new certificate row reusing a genuine signature.
    let conn = rusqlite::Connection::open(&copy).unwrap();
    let real_signature: String = conn
        .query_row(
            "SELECT signature FROM certificate WHERE serial = ?1",
            [&real.serial],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "INSERT INTO certificate (serial, nomination_id, name, university, category, results_hash, code, printed_at, signature)
         SELECT 'PD2026-01-901', 999998, '冒名者', university, category, results_hash, code, printed_at, signature
         FROM certificate WHERE serial = ?1",
        [&real.serial],
    )
    .unwrap();
    drop(conn);
    let check = serials::check(
        &copy,
        "PD2026-01-901",
        &serials::signed_code(&real_signature),
        &clerk,
    )
    .unwrap();
    assert!(!check.genuine, "{check:?}");

    // The printed certificate's QR code checks out anywhere, with only the fingerprint
    // the 公示 prints: photographed (rendered to PNG), read back and verified.
    let fingerprint = keys::fingerprint(&clerk_keys().signing().unwrap().verifying_key());
    let text = qr_scanned(&round.root, &awards[..1]);
    assert_eq!(text, real.qr);
    let ok = serials::check_qr(&text, Some(&fingerprint)).unwrap();
    assert!(ok.genuine, "{ok:?}");
    assert_eq!(ok.code.as_deref(), Some(real.code.as_str()));
    // Another office's key, a changed name, or no fingerprint to compare with: not genuine.
    let other = keys::fingerprint(&forger.verifying_key());
    assert!(!serials::check_qr(&text, Some(&other)).unwrap().genuine);
    let altered = text.replacen(&real.name, "冒名者", 1);
    assert!(
        !serials::check_qr(&altered, Some(&fingerprint))
            .unwrap()
            .genuine
    );
    let unanchored = serials::check_qr(&text, None).unwrap();
    assert!(!unanchored.genuine);
    assert!(unanchored.reason_zh.contains(&fingerprint));

    // The longest words a real batch has still read back from a 150 dpi scan.
    let words = serials::CertificateWords {
        serial: "PD2026-06-123".into(),
        name: "欧阳司马若曦".into(),
        university: "内蒙古自治区民族师范职业技术学院附属继续教育学院".into(),
        honour: "基层党建创新典型案例（统战类·基层党支部）".into(),
        year: 2026,
        review_id: "2026-innovation_case-9f3c2a71".into(),
    };
    let signing = clerk_keys().signing().unwrap();
    let signature = keys::sign(&signing, words.message().as_bytes());
    let mut long = awards[0].clone();
    long.qr = words.qr_text(&keys::public_hex(&signing.verifying_key()), &signature);
    let text = qr_scanned(&round.root, &[long.clone()]);
    assert_eq!(text, long.qr);
    assert!(
        serials::check_qr(&text, Some(&fingerprint))
            .unwrap()
            .genuine
    );
}

/// The QR code of the first of `awards` as a scan reads it: printed to `dir/certificate.pdf`,
/// rendered to PNG at 150 dpi and decoded.
fn qr_scanned(dir: &Path, awards: &[paneldesk::report::certificate::Award]) -> String {
    use paneldesk::report::{certificate, serials};
    let pdf = certificate::render(
        &super::printable_template(),
        awards,
        time::macros::date!(2026 - 12 - 01),
        &paneldesk::report::pdf::Meta {
            title: "证书",
            subject: "证书",
            at: time::OffsetDateTime::UNIX_EPOCH,
        },
    )
    .unwrap();
    let pdf_file = dir.join("certificate.pdf");
    std::fs::write(&pdf_file, pdf).unwrap();
    let png_stem = dir.join("certificate");
    let status = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "150", "-singlefile"])
        .arg(&pdf_file)
        .arg(&png_stem)
        .status()
        .expect("pdftoppm (poppler-utils)");
    assert!(status.success());
    let png = std::fs::read(png_stem.with_extension("png")).unwrap();
    serials::qr_text_from_png(&png).unwrap()
}

/// An 8 × 100 MiB package of zeros, deflated to well under a megabyte, as the issue's
/// bomb was: written by Python's zipfile (zlib in C; deflating 800 MiB in a debug build
/// would take minutes).
#[cfg(unix)]
fn package_bomb(path: &Path) {
    let script = format!(
        r#"
import zipfile
with zipfile.ZipFile({path:?}, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("package.json", b"{{}}")
    z.writestr("package.sig", b"x")
    for i in range(8):
        z.writestr("materials/" + "%064x" % i, bytes(100 << 20))
"#,
        path = path.display().to_string()
    );
    let out = std::process::Command::new("python3")
        .args(["-c", &script])
        .output()
        .expect("python3");
    assert_ran(&out);
}

/// Runs the `paneldesk` binary and returns its exit status, its output and its own peak
/// RSS in KiB. Measured from a small Python parent: Linux counts the memory a process had
/// before it exec'd into its peak, so a child started straight from this test binary would
/// report the test binary's size.
#[cfg(unix)]
fn run_measured(args: &[&std::ffi::OsStr], data: &Path) -> (i32, Vec<u8>, i64) {
    let script = "import resource, subprocess, sys\n\
p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)\n\
sys.stdout.buffer.write(p.stdout)\n\
sys.stderr.write('%d %d' % (p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n";
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_paneldesk"))
        .args(args)
        .env("PANELDESK_DATA_DIR", data)
        .output()
        .unwrap();
    let measured = String::from_utf8_lossy(&out.stderr).to_string();
    let (status, peak) = measured.trim().split_once(' ').expect(&measured);
    (status.parse().unwrap(), out.stdout, peak.parse().unwrap())
}

#[cfg(unix)]
#[test]
fn a_package_bomb_is_refused_before_anything_is_inflated_in_well_under_100_mb() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("炸弹.pdpanel");
    package_bomb(&bomb);
    let size = std::fs::metadata(&bomb).unwrap().len();
    assert!(size < 2 << 20, "{size} bytes");
    assert_eq!(
        package::open(&bomb).map(|_| ()).unwrap_err().code(),
        "compressed_entry"
    );
    let (status, stdout, peak_kib) = run_measured(
        &["--json".as_ref(), "verify".as_ref(), bomb.as_os_str()],
        dir.path(),
    );
    assert_ne!(status, 0);
    assert!(
        String::from_utf8_lossy(&stdout).contains("compressed_entry"),
        "{}",
        String::from_utf8_lossy(&stdout)
    );
    println!("peak RSS verifying the package bomb: {peak_kib} KiB");
    assert!(peak_kib < 100 * 1024, "{peak_kib} KiB");
}
