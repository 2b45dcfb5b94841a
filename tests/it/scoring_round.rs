//! A whole scoring round on real files: the clerk packages a review, five experts enrol,
//! score and submit on their own "laptops" (data folders), and every bundle verifies;
//! then every way a file can be tampered with fails with its own reason.

use std::io::Write;
use std::path::{Path, PathBuf};

use paneldesk::bundle::{self, Arrival, ExpertHistory, VerifiedBundle};
use paneldesk::keys;
use paneldesk::model::marks::{Grade, RecusalReason, Vote};
use paneldesk::model::{Category, ScoringMode};
use paneldesk::package::{self, PackagedNomination};
use paneldesk::scoring::panel::{self, Panel};
use paneldesk::Error;

use super::support::assert_ran;
use super::{clerk_keys, demo_review, T0};

pub(super) struct Round {
    pub _dir: tempfile::TempDir,
    pub root: PathBuf,
    pub review: PathBuf,
    pub package: PathBuf,
}

pub(super) fn package_round(min_comment: u32) -> Round {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let (review, _) = demo_review(&root, "round", T0);
    let out = root.join("round.pdpanel");
    package::build(
        &review,
        &out,
        &clerk_keys(),
        "2026-12-10",
        min_comment,
        T0,
        "clerk",
    )
    .unwrap();
    Round {
        _dir: dir,
        root,
        review,
        package: out,
    }
}

fn laptop(round: &Round, n: usize) -> Panel {
    panel::import_package(&round.root.join(format!("expert{n}")), &round.package, T0).unwrap()
}

pub(super) fn randomness(n: u8) -> ([u8; 32], [u8; 16], [u8; 12]) {
    ([n + 40; 32], [n; 16], [n; 12])
}

/// Scores everything the expert may score, deterministically from `n`.
pub(super) fn score_all(panel: &mut Panel, n: usize) {
    for (i, nom, category) in to_mark(panel) {
        match category.scoring_mode {
            ScoringMode::Criteria => points_by_position(panel, nom.id, &category, i + n),
            ScoringMode::Vote => {
                panel.set_vote(nom.id, Some(Vote::Agree), T0).unwrap();
            }
            ScoringMode::Grade => {
                panel
                    .set_grade(nom.id, Some(Grade::from("good")), T0)
                    .unwrap();
            }
        }
        panel
            .set_comment(nom.id, "事迹突出，材料翔实，建议推荐。", T0)
            .unwrap();
    }
}

/// What the expert on `panel` is to mark: each nomination they have not recused from,
/// with its place in the package and its category.
pub(super) fn to_mark(panel: &Panel) -> Vec<(usize, PackagedNomination, Category)> {
    let package = &panel.package;
    let not_recused = |nom: &&PackagedNomination| panel.item(nom.id).unwrap().recusal.is_none();
    package
        .nominations
        .iter()
        .enumerate()
        .filter(|(_, nom)| not_recused(nom))
        .map(|(i, nom)| {
            let category = package.category(&nom.category_key).unwrap().clone();
            (i, nom.clone(), category)
        })
        .collect()
}

/// Points on every criterion of `category` that differ with `position`, one step at a
/// time, so that experts give different but valid marks.
pub(super) fn points_by_position(panel: &mut Panel, id: i64, category: &Category, position: usize) {
    for c in &category.rubric.criteria {
        let steps = (c.max_points / c.step) as usize;
        let points = (position % (steps + 1)) as f64 * c.step;
        panel.set_points(id, &c.key, Some(points), T0).unwrap();
    }
}

/// Enrols expert `n` (by roster position), scores and submits into `round.root/stick`.
pub(super) fn expert_submits(round: &Round, n: usize) -> (Panel, PathBuf) {
    let mut panel = laptop(round, n);
    let id = panel.package.experts[n].id;
    let enrolment = panel
        .enrol(
            id,
            &format!("harbour lantern 2468{n:02}"),
            randomness(n as u8),
            T0,
        )
        .unwrap();
    super::register_key(&round.review, id, &enrolment.fingerprint);
    score_all(&mut panel, n);
    let file = submit_into(
        &mut panel,
        &format!("harbour lantern 2468{n:02}"),
        &round.root.join("stick"),
    );
    (panel, file)
}

/// Five experts submit and the clerk receives each bundle: the round most result tests
/// start from. Returns the experts' laptops too, for their own view of what they entered.
pub(super) fn five_experts_received() -> (Round, Vec<Panel>) {
    let round = package_round(0);
    let panels = experts_received(&round, 5);
    (round, panels)
}

/// The first `experts` on the round's roster submit and the clerk receives each bundle;
/// answers their laptops.
pub(super) fn experts_received(round: &Round, experts: usize) -> Vec<Panel> {
    (0..experts)
        .map(|n| {
            let (panel, file) = expert_submits(round, n);
            paneldesk::merge::collect::receive(&round.review, &clerk_keys(), &file, T0, "clerk")
                .unwrap();
            panel
        })
        .collect()
}

/// Expert `id` opens the package at `file` on their own laptop (its data folder `laptop`),
/// enrols with `pin` and `randomness`, and the clerk registers the new key in `review`.
pub(super) fn enrolled(
    laptop: &Path,
    file: &Path,
    review: &Path,
    id: i64,
    pin: &str,
    randomness: ([u8; 32], [u8; 16], [u8; 12]),
) -> Panel {
    let mut panel = panel::import_package(laptop, file, T0).unwrap();
    let enrolment = panel.enrol(id, pin, randomness, T0).unwrap();
    super::register_key(review, id, &enrolment.fingerprint);
    panel
}

/// The expert submits their marks with `pin` into `stick` (a USB stick's folder); answers
/// the bundle written.
pub(super) fn submit_into(panel: &mut Panel, pin: &str, stick: &Path) -> PathBuf {
    std::fs::create_dir_all(stick).unwrap();
    PathBuf::from(panel.submit(pin, stick, T0, 1_000_000).unwrap().file)
}

/// The first nomination in the package that the expert on `panel` has not recused from.
pub(super) fn first_not_recused(panel: &Panel) -> PackagedNomination {
    panel
        .package
        .nominations
        .iter()
        .find(|n| panel.item(n.id).unwrap().recusal.is_none())
        .unwrap()
        .clone()
}

/// Expert `n` reopens their submitted scores, rewrites the comment on the first nomination
/// they did not recuse from, and submits the correction into `stick`. Returns that
/// nomination and the new bundle.
pub(super) fn expert_corrects(
    panel: &mut Panel,
    n: usize,
    comment: &str,
    stick: &Path,
) -> (i64, PathBuf) {
    panel.reopen().unwrap();
    let target = first_not_recused(panel).id;
    panel.set_comment(target, comment, T0).unwrap();
    let file = submit_into(panel, &format!("harbour lantern 2468{n:02}"), stick);
    (target, file)
}

fn code(e: Error) -> &'static str {
    e.code()
}

#[test]
fn five_experts_enrol_score_and_submit_and_every_bundle_verifies_and_opens() {
    let round = package_round(10);
    let verified = package::open(&round.package).unwrap();
    let mut fingerprints = Vec::new();
    for n in 0..5 {
        let (panel, file) = expert_submits(&round, n);
        let bundle = bundle::open(&file).unwrap();
        bundle::check_for_package(&file, &bundle, &verified.manifest, &verified.hash).unwrap();
        assert_eq!(bundle.header.sequence, 1);
        assert_eq!(bundle.header.previous_bundle_hash, None);
        // The fingerprint the expert wrote on paper is the one the bundle carries.
        let enrolment = panel.enrolment().unwrap().unwrap();
        assert_eq!(bundle.expert_fingerprint, enrolment.fingerprint);
        assert!(enrolment.locked);
        fingerprints.push(enrolment.fingerprint);
        // Only the clerk can read the scores, and they are exactly what was entered.
        let payload = bundle::decrypt(&file, &bundle, &clerk_keys()).unwrap();
        assert_eq!(payload.items, panel.items().unwrap());
        let raw = std::fs::read(&file).unwrap();
        assert!(!String::from_utf8_lossy(&raw).contains("事迹突出"));
    }
    fingerprints.sort();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), 5);
}

#[test]
fn own_institution_is_recused_automatically_and_cannot_be_scored_or_withdrawn() {
    let round = package_round(0);
    let mut panel = laptop(&round, 0);
    let expert = panel.package.experts[0].clone();
    panel
        .enrol(expert.id, "copper river 135790", randomness(1), T0)
        .unwrap();
    let own: Vec<_> = panel
        .package
        .nominations
        .iter()
        .filter(|n| n.university == expert.institution)
        .cloned()
        .collect();
    assert!(
        !own.is_empty(),
        "the demo gives the first expert a conflict"
    );
    let item = panel.item(own[0].id).unwrap();
    assert!(item.recusal.as_ref().unwrap().automatic);
    let category = panel
        .package
        .category(&own[0].category_key)
        .unwrap()
        .clone();
    let key = &category.rubric.criteria[0].key;
    assert_eq!(
        code(panel.set_points(own[0].id, key, Some(1.0), T0).unwrap_err()),
        "recused_nomination"
    );
    assert_eq!(
        code(panel.withdraw_recusal(own[0].id, T0).unwrap_err()),
        "automatic_recusal"
    );
    // A declared recusal clears the scores and can be withdrawn.
    let other = panel
        .package
        .nominations
        .iter()
        .find(|n| n.university != expert.institution)
        .unwrap()
        .clone();
    panel.set_points(other.id, key, Some(1.0), T0).unwrap();
    let item = panel
        .recuse(other.id, RecusalReason::TeacherStudent, "曾指导其论文", T0)
        .unwrap();
    assert!(item.criteria.is_empty());
    assert_eq!(item.recusal.unwrap().reason, RecusalReason::TeacherStudent);
    assert!(panel
        .withdraw_recusal(other.id, T0)
        .unwrap()
        .recusal
        .is_none());
}

#[test]
fn submitting_needs_everything_complete_and_the_right_pin_with_a_back_off() {
    let round = package_round(10);
    let mut panel = laptop(&round, 1);
    let id = panel.package.experts[1].id;
    let stick = round.root.join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    assert_eq!(
        code(
            panel
                .submit("any phrase 111111", &stick, T0, 0)
                .unwrap_err()
        ),
        "not_enrolled"
    );
    panel
        .enrol(id, "violet anchor 246801", randomness(2), T0)
        .unwrap();
    let incomplete = panel
        .submit("violet anchor 246801", &stick, T0, 0)
        .unwrap_err();
    assert_eq!(code(incomplete), "incomplete");
    score_all(&mut panel, 1);
    // A too-short comment is still incomplete.
    let first = panel.package.nominations[0].id;
    if panel.item(first).unwrap().recusal.is_none() {
        panel.set_comment(first, "好", T0).unwrap();
        assert_eq!(panel.incomplete().unwrap().len(), 1);
        panel
            .set_comment(first, "事迹突出，材料翔实，建议推荐。", T0)
            .unwrap();
    }
    for _ in 0..3 {
        assert_eq!(
            code(
                panel
                    .submit("violet anchor 999999", &stick, T0, 100)
                    .unwrap_err()
            ),
            "wrong_passphrase"
        );
    }
    assert_eq!(
        code(
            panel
                .submit("violet anchor 246801", &stick, T0, 101)
                .unwrap_err()
        ),
        "passphrase_backoff"
    );
    let s = panel
        .submit("violet anchor 246801", &stick, T0, 106)
        .unwrap();
    assert_eq!(s.sequence, 1);
    // Locked after submitting; a correction is a new, linked sequence.
    let key = panel.package.categories[0].rubric.criteria[0].key.clone();
    let target = first_not_recused(&panel).id;
    assert_eq!(
        code(panel.set_points(target, &key, Some(0.0), T0).unwrap_err()),
        "scores_locked"
    );
    panel.reopen().unwrap();
    panel.set_points(target, &key, Some(0.0), T0).unwrap();
    let s2 = panel
        .submit("violet anchor 246801", &stick, T0, 200)
        .unwrap();
    assert_eq!(s2.sequence, 2);
    let b2 = bundle::open(Path::new(&s2.file)).unwrap();
    assert_eq!(
        b2.header.previous_bundle_hash.as_deref(),
        Some(s.bundle_hash.as_str())
    );
}

#[test]
fn scores_out_of_bounds_or_off_step_are_refused_and_nothing_is_stored() {
    let round = package_round(0);
    let mut panel = laptop(&round, 2);
    let id = panel.package.experts[2].id;
    panel
        .enrol(id, "maple signal 555555", randomness(3), T0)
        .unwrap();
    let nom = first_not_recused(&panel);
    let c = panel
        .package
        .category(&nom.category_key)
        .unwrap()
        .rubric
        .criteria[0]
        .clone();
    let too_much = c.max_points + c.step;
    assert_eq!(
        code(
            panel
                .set_points(nom.id, &c.key, Some(too_much), T0)
                .unwrap_err()
        ),
        "points_out_of_range"
    );
    assert_eq!(
        code(
            panel
                .set_points(nom.id, &c.key, Some(c.step / 3.0), T0)
                .unwrap_err()
        ),
        "points_off_step"
    );
    assert_eq!(
        code(panel.set_points(nom.id, "nope", Some(1.0), T0).unwrap_err()),
        "unknown_criterion"
    );
    assert!(panel.item(nom.id).unwrap().criteria.is_empty());
}

// ---- tampering ------------------------------------------------------------------------

/// The entries of a zip, in order.
fn entries(file: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut e = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut bytes).unwrap();
            (e.name().to_string(), bytes)
        })
        .collect()
}

fn rezip(file: &Path, entries: &[(String, Vec<u8>)]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(file).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        w.start_file(name.as_str(), stored).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

fn variant(
    dir: &Path,
    name: &str,
    from: &Path,
    edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>),
) -> PathBuf {
    let mut e = entries(from);
    edit(&mut e);
    let path = dir.join(name);
    rezip(&path, &e);
    path
}

fn refusal(result: Result<VerifiedBundle, Error>) -> &'static str {
    match result {
        Ok(_) => "accepted",
        Err(e) => e.code(),
    }
}

#[test]
fn every_single_flipped_byte_of_a_bundle_is_caught() {
    let round = package_round(0);
    let (_, file) = expert_submits(&round, 0);
    let original = std::fs::read(&file).unwrap();
    let flipped = round.root.join("flipped.pdresult");
    let mut accepted = Vec::new();
    // Every byte of a bundle of a few kilobytes, zip metadata included: the whole file,
    // not a sample.
    for i in 0..original.len() {
        let mut bytes = original.clone();
        bytes[i] ^= 0x01;
        std::fs::write(&flipped, &bytes).unwrap();
        if bundle::open(&flipped).is_ok() {
            accepted.push(i);
        }
    }
    assert!(
        accepted.is_empty(),
        "flipped bytes accepted at {accepted:?}"
    );
}

#[test]
fn each_tampered_bundle_fails_with_its_own_reason() {
    let round = package_round(0);
    let verified = package::open(&round.package).unwrap();
    let (mut panel, file) = expert_submits(&round, 0);
    let dir = &round.root;
    let original = bundle::open(&file).unwrap();
    let history = ExpertHistory {
        received: vec![(1, original.hash.clone())],
    };

    // Truncated.
    let bytes = std::fs::read(&file).unwrap();
    let truncated = dir.join("truncated.pdresult");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    assert_eq!(refusal(bundle::open(&truncated)), "not_a_container");

    // Extra and missing entries.
    let extra = variant(dir, "extra.pdresult", &file, |e| {
        e.push(("notes.txt".into(), b"hi".to_vec()))
    });
    assert_eq!(refusal(bundle::open(&extra)), "unexpected_entry");
    let missing = variant(dir, "missing.pdresult", &file, |e| {
        e.retain(|(n, _)| n != "bundle.sig")
    });
    assert_eq!(refusal(bundle::open(&missing)), "missing_entry");
    // Oversized entry.
    let oversized = variant(dir, "oversized.pdresult", &file, |e| {
        e.iter_mut().find(|(n, _)| n == "bundle.json").unwrap().1 = vec![b' '; 70 << 10];
    });
    assert_eq!(refusal(bundle::open(&oversized)), "oversized_entry");

    // Scores swapped for other ciphertext: the signed header's hash no longer matches.
    let swapped = variant(dir, "swapped.pdresult", &file, |e| {
        let sealed = paneldesk::seal::seal(&verified.manifest.clerk.age_recipient, b"{}").unwrap();
        e.iter_mut().find(|(n, _)| n == "scores.age").unwrap().1 = sealed;
    });
    assert_eq!(refusal(bundle::open(&swapped)), "content_mismatch");

    // Header edited (a higher sequence) without re-signing.
    let edited = variant(dir, "edited.pdresult", &file, |e| {
        let json = &mut e.iter_mut().find(|(n, _)| n == "bundle.json").unwrap().1;
        *json = String::from_utf8(json.clone())
            .unwrap()
            .replace("\"sequence\": 1", "\"sequence\": 9")
            .into_bytes();
    });
    assert_eq!(refusal(bundle::open(&edited)), "signature_invalid");

    // Re-signed by another key: valid on its own, refused against the pinned key.
    let intruder = keys::signing_key(&[99; 32]);
    let resigned = variant(dir, "resigned.pdresult", &file, |e| {
        let json_entry = &mut e.iter_mut().find(|(n, _)| n == "bundle.json").unwrap().1;
        let text = String::from_utf8(json_entry.clone()).unwrap().replace(
            &original.header.expert.public_key,
            &keys::public_hex(&intruder.verifying_key()),
        );
        *json_entry = text.into_bytes();
        let json = json_entry.clone();
        let sig = paneldesk::container::signature_entry(
            &keys::public_hex(&intruder.verifying_key()),
            &keys::sign(&intruder, &json),
        );
        e.iter_mut().find(|(n, _)| n == "bundle.sig").unwrap().1 = sig.into_bytes();
    });
    bundle::open(&resigned).unwrap();
    let receipt =
        paneldesk::merge::collect::receive(&round.review, &clerk_keys(), &resigned, T0, "clerk")
            .unwrap();
    assert_eq!(outcome(&receipt), "refused key_not_registered");

    // The signature entry naming a key other than the header's.
    let mismatched = variant(dir, "mismatched.pdresult", &file, |e| {
        let json = e
            .iter()
            .find(|(n, _)| n == "bundle.json")
            .unwrap()
            .1
            .clone();
        let sig = paneldesk::container::signature_entry(
            &keys::public_hex(&intruder.verifying_key()),
            &keys::sign(&intruder, &json),
        );
        e.iter_mut().find(|(n, _)| n == "bundle.sig").unwrap().1 = sig.into_bytes();
    });
    assert_eq!(refusal(bundle::open(&mismatched)), "key_mismatch");

    // A bundle for another package.
    let other_round = package_round(5);
    let other = package::open(&other_round.package).unwrap();
    assert_eq!(
        code(
            bundle::check_for_package(&file, &original, &other.manifest, &other.hash).unwrap_err()
        ),
        "other_package"
    );

    // Sequences: the same bundle again changes nothing; a correction is newer; then the
    // old one is a replay; and the same sequence with other content is a conflict.
    assert_eq!(
        bundle::check_sequence(&file, &original, &history).unwrap(),
        Arrival::AlreadyHave
    );
    let (_, second) = expert_corrects(
        &mut panel,
        0,
        "更正：补充评语，事迹突出。",
        &dir.join("stick2"),
    );
    let newer = bundle::open(&second).unwrap();
    assert_eq!(
        bundle::check_sequence(&second, &newer, &history).unwrap(),
        Arrival::Newer
    );
    // The correction reached the clerk first; the original turns up later.
    let after = ExpertHistory {
        received: vec![(2, newer.hash.clone())],
    };
    assert_eq!(
        code(bundle::check_sequence(&file, &original, &after).unwrap_err()),
        "replayed_sequence"
    );
    let conflicting = ExpertHistory {
        received: vec![(1, original.hash.clone()), (2, "0".repeat(64))],
    };
    assert_eq!(
        code(bundle::check_sequence(&second, &newer, &conflicting).unwrap_err()),
        "conflicting_sequence"
    );
}

#[test]
fn each_tampered_package_is_refused_on_the_experts_laptop_with_its_reason() {
    let round = package_round(0);
    let dir = &round.root;
    let open = |p: &Path| match package::open(p) {
        Ok(_) => "accepted",
        Err(e) => e.code(),
    };
    let clerk = clerk_keys().signing().unwrap();
    let resign = |e: &mut Vec<(String, Vec<u8>)>, edit: &dyn Fn(String) -> String| {
        let json_entry = &mut e.iter_mut().find(|(n, _)| n == "package.json").unwrap().1;
        *json_entry = edit(String::from_utf8(json_entry.clone()).unwrap()).into_bytes();
        let json = json_entry.clone();
        let sig = paneldesk::container::signature_entry(
            &keys::public_hex(&clerk.verifying_key()),
            &keys::sign(&clerk, &json),
        );
        e.iter_mut().find(|(n, _)| n == "package.sig").unwrap().1 = sig.into_bytes();
    };
    let edited = variant(dir, "edited.pdpanel", &round.package, |e| {
        let json = &mut e.iter_mut().find(|(n, _)| n == "package.json").unwrap().1;
        *json = String::from_utf8(json.clone())
            .unwrap()
            .replace("2026-12-10", "2027-12-10")
            .into_bytes();
    });
    assert_eq!(open(&edited), "signature_invalid");
    let newer = variant(dir, "newer.pdpanel", &round.package, |e| {
        resign(e, &|t| t.replace("\"version\": 1", "\"version\": 2"))
    });
    assert_eq!(open(&newer), "unsupported_version");
    let wrong = variant(dir, "wrong.pdpanel", &round.package, |e| {
        resign(e, &|t| {
            t.replace("paneldesk.panel-package", "paneldesk.result-bundle")
        })
    });
    assert_eq!(open(&wrong), "wrong_format");
    let extra = variant(dir, "extra.pdpanel", &round.package, |e| {
        e.push((format!("materials/{}", "a".repeat(64)), b"x".to_vec()))
    });
    assert_eq!(open(&extra), "unexpected_entry");
    let foreign = variant(dir, "foreign.pdpanel", &round.package, |e| {
        e.push(("../../etc/passwd".into(), b"x".to_vec()))
    });
    assert_eq!(open(&foreign), "unexpected_entry");
    let not_zip = dir.join("text.pdpanel");
    std::fs::write(&not_zip, "hello").unwrap();
    assert_eq!(open(&not_zip), "not_a_container");
    // And the expert's laptop keeps nothing of a refused package.
    let panels = dir.join("refusing-laptop");
    assert!(panel::import_package(&panels, &edited, T0).is_err());
    assert!(panel::list(&panels).is_empty());
}

#[test]
fn a_package_carries_materials_and_masks_personal_data_and_leaves_out_excluded_nominations() {
    use paneldesk::import::file::import;
    use paneldesk::import::Source;
    let (dir, review) = super::exemplar_review_in_temp();
    let folder =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/packages/东川理工大学");
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_paneldesk"));
    import(
        &review,
        &Source::Folder {
            path: folder.join("推荐汇总表.xlsx").display().to_string(),
            folder: folder.display().to_string(),
        },
        &exe,
        T0,
        "clerk",
    )
    .unwrap();
    // 李四's missing material is flagged; the clerk excludes him.
    let mut conn = paneldesk::store::open(&review).unwrap();
    let flag = paneldesk::store::flags::read_all(&conn)
        .unwrap()
        .into_iter()
        .find(|f| f.kind == "missing_material")
        .unwrap();
    paneldesk::store::flags::settle(
        &mut conn,
        flag.id,
        paneldesk::store::flags::Decision::Excluded,
        "材料未交",
        T0,
        "clerk",
    )
    .unwrap();
    let out = dir.path().join("p.pdpanel");
    let summary =
        package::build(&review, &out, &clerk_keys(), "2026-12-10", 0, T0, "clerk").unwrap();
    assert_eq!(
        (summary.nominations, summary.excluded, summary.materials),
        (2, 1, 3)
    );
    let p = package::open(&out).unwrap();
    let names: Vec<&str> = p
        .manifest
        .nominations
        .iter()
        .map(|n| n.display_name.as_str())
        .collect();
    assert_eq!(names, ["张三", "王五"]);
    let id_field = p.manifest.nominations[0]
        .fields
        .iter()
        .find(|f| f.key == "id_number")
        .unwrap();
    assert!(id_field.value.contains('*'), "{}", id_field.value);
    let m = &p.manifest.nominations[0].materials[0];
    let bytes = package::material(&out, &m.sha256).unwrap();
    assert_eq!(
        bytes,
        std::fs::read(folder.join("张三-推荐表.pdf")).unwrap()
    );
    // Packaging is in the audit log.
    let log = paneldesk::audit::entries(&conn).unwrap();
    assert_eq!(log.last().unwrap().action, "package.built");
}

// ---- the clerk collects ----------------------------------------------------------------

fn marks(review: &Path) -> Vec<(i64, i64, i64, String)> {
    super::stored_marks(review)
}

fn outcome(r: &paneldesk::merge::collect::Receipt) -> String {
    use paneldesk::merge::collect::Receipt;
    match r {
        Receipt::Accepted { sequence, .. } => format!("accepted {sequence}"),
        Receipt::AlreadyHave { .. } => "already".into(),
        Receipt::Waiting { waiting_for, .. } => format!("waiting for {waiting_for}"),
        Receipt::Refused { code, .. } => format!("refused {code}"),
    }
}

#[test]
fn the_clerk_collects_bundles_pins_keys_and_applies_the_sequence_rules_in_any_order() {
    use paneldesk::merge::collect::{receive, status};
    let round = package_round(0);
    let mut files = Vec::new();
    let mut panels = Vec::new();
    for n in 0..3 {
        let (panel, file) = expert_submits(&round, n);
        files.push(file);
        panels.push(panel);
    }
    // Expert 0 corrects after submitting.
    let (target, correction) = expert_corrects(
        &mut panels[0],
        0,
        "更正后的评语，事迹突出。",
        &round.root.join("stick-corrected"),
    );
    let clerk = clerk_keys();
    let receive_all = |review: &Path, order: &[&PathBuf]| -> Vec<String> {
        order
            .iter()
            .map(|f| outcome(&receive(review, &clerk, f, T0, "clerk").unwrap()))
            .collect()
    };

    let first = receive_all(
        &round.review,
        &[
            &files[0],
            &files[1],
            &files[2],
            &files[1],
            &correction,
            &files[0],
        ],
    );
    assert_eq!(
        first,
        [
            "accepted 1",
            "accepted 1",
            "accepted 1",
            "already",
            "accepted 2",
            // Received before, identical: nothing changes (the correction stays).
            "already"
        ]
    );
    let board = status(&round.review).unwrap();
    assert_eq!(board.iter().filter(|e| e.submitted).count(), 3);
    assert_eq!(board[0].sequence, Some(2));
    assert!(board.iter().skip(3).all(|e| !e.submitted));

    // Another order into a second copy of the review ends in the same marks.
    let copy = round.root.join("copy.pdreview");
    paneldesk::review::backup(&round.review, &copy, T0, "clerk").unwrap();
    {
        let conn = paneldesk::store::open(&copy).unwrap();
        conn.execute_batch(
            "DELETE FROM expert_marks; DELETE FROM received_bundle; DELETE FROM expert_key;",
        )
        .unwrap();
    }
    let second = receive_all(&copy, &[&correction, &files[2], &files[0], &files[1]]);
    // The correction arrives first and waits for the bundle it corrects, which then
    // brings it in.
    assert_eq!(
        second,
        ["waiting for 1", "accepted 1", "accepted 1", "accepted 1"]
    );
    assert_eq!(marks(&copy), marks(&round.review));
    // The marks are the corrected ones.
    let comment = marks(&round.review)
        .into_iter()
        .find(|(e, n, ..)| *e == panels[0].package.experts[0].id && *n == target)
        .unwrap()
        .3;
    assert!(comment.contains("更正后的评语"));

    // A bundle of another review's package is refused, audited, and changes nothing.
    let other = package_round(3);
    let (_, stranger) = expert_submits(&other, 4);
    let before = marks(&round.review);
    let r = receive(&round.review, &clerk, &stranger, T0, "clerk").unwrap();
    assert_eq!(outcome(&r), "refused other_package");
    assert_eq!(marks(&round.review), before);
    let conn = paneldesk::store::open(&round.review).unwrap();
    let log = paneldesk::audit::entries(&conn).unwrap();
    assert_eq!(log.last().unwrap().action, "bundle.refused");
    assert_eq!(
        log.iter().filter(|e| e.action == "bundle.accepted").count(),
        4
    );
    paneldesk::audit::verify(&conn).unwrap();
}

#[test]
fn results_aggregate_the_received_marks_leave_recused_experts_out_and_rank_within_the_quota() {
    use paneldesk::merge::aggregate::{round2, trimmed_mean};
    use paneldesk::merge::rank::Cut;
    use paneldesk::merge::results::{compute, ResultOptions};
    let (round, panels) = five_experts_received();
    let results = compute(&round.review, &ResultOptions::default()).unwrap();
    let package = package::open(&round.package).unwrap().manifest;
    let mut seen_recused = false;
    for c in &results.categories {
        let category = package.category(&c.key).unwrap();
        let expected: usize = package
            .nominations
            .iter()
            .filter(|n| n.category_key == c.key)
            .count();
        assert_eq!(c.nominations.len(), expected);
        let inside = c.nominations.iter().filter(|n| n.cut == Cut::In).count() as u32;
        assert!(
            inside <= c.quota,
            "{} in for a quota of {}",
            inside,
            c.quota
        );
        // Ranks never go down the list.
        assert!(c.nominations.windows(2).all(|w| w[0].rank <= w[1].rank));
        for n in &c.nominations {
            // The experts' totals, straight from their own laptops.
            let totals: Vec<f64> = panels
                .iter()
                .filter_map(|p| {
                    let item = p.item(n.nomination_id).unwrap();
                    item.recusal
                        .is_none()
                        .then(|| paneldesk::model::marks::total(&item, category))
                        .flatten()
                })
                .collect();
            assert_eq!(n.experts as usize, totals.len());
            assert_eq!(n.experts + n.recused, 5);
            seen_recused |= n.recused > 0;
            assert_eq!(
                n.score,
                trimmed_mean(&totals, 5).map(round2),
                "{}",
                n.display_name
            );
        }
    }
    assert!(
        seen_recused,
        "a recused expert is left out, not counted as zero"
    );

    let out = round.root.join("结果.xlsx");
    let out_arg = out.to_str().unwrap();
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_paneldesk"));
    let status = std::process::Command::new(&exe)
        .args([
            "results",
            "--review",
            round.review.to_str().unwrap(),
            "--out",
            out_arg,
        ])
        .env("PANELDESK_DATA_DIR", &round.root)
        .output()
        .unwrap();
    assert_ran(&status);
    use calamine::{open_workbook_auto, Data, Reader};
    let mut wb = open_workbook_auto(&out).unwrap();
    let first = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&first).unwrap();
    let first_row: Vec<String> = range
        .rows()
        .nth(3)
        .unwrap()
        .iter()
        .map(|d: &Data| d.to_string())
        .collect();
    let top = &results.categories[0].nominations[0];
    assert_eq!(first_row[1], top.display_name);
    assert_eq!(first_row[0], top.rank.to_string());
}

#[test]
fn marks_stored_a_row_per_nomination_by_schema_7_are_carried_into_schema_8_unchanged() {
    use paneldesk::merge::results::{compute, ResultOptions};
    let round = package_round(0);
    experts_received(&round, 3);
    let before = marks(&round.review);
    let results = compute(&round.review, &ResultOptions::default()).unwrap();
    assert_eq!(before.len(), 3 * 24);
    {
        // Write the marks back the way schema 7 held them: a row per nomination.
        let raw = rusqlite::Connection::open(&round.review).unwrap();
        raw.execute_batch(
            "CREATE TABLE mark (
                 package_hash TEXT NOT NULL, expert_id INTEGER NOT NULL,
                 nomination_id INTEGER NOT NULL, sequence INTEGER NOT NULL,
                 item_json TEXT NOT NULL,
                 PRIMARY KEY (package_hash, expert_id, nomination_id)) STRICT;",
        )
        .unwrap();
        let hash: String = raw
            .query_row("SELECT package_hash FROM expert_marks LIMIT 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        // Shuffled order: the migration must sort items by nomination itself.
        for (expert, nomination, sequence, item) in before.iter().rev() {
            raw.execute(
                "INSERT INTO mark VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![hash, expert, nomination, sequence, item],
            )
            .unwrap();
        }
        raw.execute_batch(
            "DROP TABLE grade_level; DROP TABLE paper_entry; DROP TABLE paper_marks;
             DROP TABLE nomination_correction; DROP TABLE objection; DROP TABLE announcement_settings;
             DROP TABLE expert_marks; DROP TABLE waiting_bundle; DROP TABLE expert_registration;
             ALTER TABLE certificate DROP COLUMN signature;
             DROP TABLE criterion_band; ALTER TABLE panel_package DROP COLUMN stale_at;
             CREATE TABLE received_bundle_7 (
                 bundle_hash TEXT PRIMARY KEY, package_hash TEXT NOT NULL REFERENCES panel_package(hash),
                 expert_id INTEGER NOT NULL, sequence INTEGER NOT NULL, file TEXT NOT NULL,
                 created_at TEXT NOT NULL, received_at TEXT NOT NULL,
                 UNIQUE (package_hash, expert_id, sequence)) STRICT;
             INSERT INTO received_bundle_7 SELECT bundle_hash, package_hash, expert_id, sequence,
                 file, created_at, received_at FROM received_bundle;
             DROP TABLE received_bundle;
             ALTER TABLE received_bundle_7 RENAME TO received_bundle;
             CREATE TABLE result_decision_7 (
                 id INTEGER PRIMARY KEY, nomination_id INTEGER NOT NULL REFERENCES nomination(id),
                 outcome TEXT NOT NULL CHECK (outcome IN ('in', 'out')),
                 reason TEXT NOT NULL CHECK (length(reason) > 0),
                 decided_at TEXT NOT NULL, actor TEXT NOT NULL) STRICT;
             INSERT INTO result_decision_7 SELECT id, nomination_id, outcome, reason, decided_at,
                 actor FROM result_decision;
             DROP TABLE result_decision;
             ALTER TABLE result_decision_7 RENAME TO result_decision;
             DROP TABLE meeting_vote;
             DROP TABLE meeting_ballot;
             ALTER TABLE category_rule DROP COLUMN quorum;
             ALTER TABLE criterion DROP COLUMN weight;
             PRAGMA user_version = 7;",
        )
        .unwrap();
    }
    // Keys first seen by earlier builds are carried over as registrations, not lost.
    let carried = paneldesk::registration::list_in(&round.review).unwrap();
    assert_eq!(carried.len(), 3);
    assert!(carried.iter().all(|r| r.how == "first_seen"));
    assert_eq!(marks(&round.review), before);
    assert_eq!(
        compute(&round.review, &ResultOptions::default()).unwrap(),
        results
    );
    let board = paneldesk::merge::collect::status(&round.review).unwrap();
    let recused: u32 = board.iter().map(|e| e.recused).sum();
    let marked: u32 = board.iter().map(|e| e.marked).sum();
    assert_eq!((marked + recused) as usize, before.len());
    assert!(recused > 0, "the recusal counts come across too");
}
