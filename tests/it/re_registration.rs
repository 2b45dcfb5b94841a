//! The procedure for a laptop that dies mid-meeting (or a forgotten PIN), end to end:
//! the clerk re-registers the expert with a new key, what was submitted keeps counting,
//! the expert continues on laptop B from their last submitted bundle, and the results
//! take laptop B's bundle. docs/guide/expert.*.md and results-and-printing.*.md.

use std::path::PathBuf;

use paneldesk::merge::collect::{receive, Receipt};
use paneldesk::registration;
use paneldesk::scoring::panel;

use super::scoring_round::{
    expert_corrects, expert_submits, first_not_recused, package_round, randomness,
};
use super::trust::outcome;
use super::{clerk_keys, stored_marks, T0};

const PIN_B: &str = "autumn harbour 97531";

#[test]
fn a_dead_laptop_is_replaced_and_the_expert_continues_from_their_last_bundle() {
    let round = package_round(0);
    // Expert 0 submits on laptop A; expert 1 too, so there is someone else's answer.
    let (mut laptop_a, first) = expert_submits(&round, 0);
    let expert = laptop_a.package.experts[0].id;
    assert_eq!(
        outcome(&receive(&round.review, &clerk_keys(), &first, T0, "clerk").unwrap()),
        "accepted"
    );
    let (_, other) = expert_submits(&round, 1);
    receive(&round.review, &clerk_keys(), &other, T0, "clerk").unwrap();
    let submitted_on_a = laptop_a.items().unwrap();
    let counted = stored_marks(&round.review);

    // Laptop A dies. The clerk revokes its key, with the reason, on the record...
    registration::revoke_in(&round.review, expert, "笔记本电脑故障无法开机", T0, "clerk").unwrap();
    // ...and what the expert had submitted still counts until it is replaced.
    assert_eq!(stored_marks(&round.review), counted);

    // The clerk writes the expert's resume file from the last bundle counted for them.
    let stick = round.root.join("resume-stick");
    std::fs::create_dir_all(&stick).unwrap();
    let resume =
        paneldesk::resume::write(&round.review, &clerk_keys(), expert, &stick, T0, "clerk")
            .unwrap();
    // And none for an expert with no bundle.
    let nobody = laptop_a.package.experts[4].id;
    let e = paneldesk::resume::write(&round.review, &clerk_keys(), nobody, &stick, T0, "clerk")
        .unwrap_err();
    assert_eq!(e.code(), "bad_input");

    // Laptop B: the same package, a new enrolment with a new PIN and a new key.
    let mut laptop_b =
        panel::import_package(&round.root.join("laptop-b"), &round.package, T0).unwrap();
    // A resume file is read only once the laptop knows who it is.
    assert!(laptop_b.resume_from(&resume, T0).is_err());
    let enrolment = laptop_b.enrol(expert, PIN_B, randomness(91), T0).unwrap();
    assert_ne!(
        enrolment.fingerprint,
        laptop_a.enrolment().unwrap().unwrap().fingerprint
    );
    // The clerk registers the new key from the expert's signed paper confirmation.
    registration::register_in(&round.review, expert, &enrolment.fingerprint, T0, "clerk").unwrap();

    // Someone else's resume file is refused on this laptop.
    let mut laptop_c =
        panel::import_package(&round.root.join("laptop-c"), &round.package, T0).unwrap();
    let expert1 = laptop_c.package.experts[1].id;
    laptop_c
        .enrol(expert1, "winter orchard 86420", randomness(92), T0)
        .unwrap();
    let e = laptop_c.resume_from(&resume, T0).unwrap_err();
    assert_eq!(e.code(), "bad_input");
    // A resume file changed by a byte is refused.
    let tampered = round.root.join("tampered.pdresume");
    let mut bytes = std::fs::read(&resume).unwrap();
    let at = bytes
        .windows(7)
        .position(|w| w == b"comment")
        .expect("items in the file");
    bytes[at + 12] ^= 1;
    std::fs::write(&tampered, bytes).unwrap();
    assert!(laptop_b.resume_from(&tampered, T0).is_err());

    // The genuine one fills laptop B with exactly what laptop A had submitted.
    let loaded = laptop_b.resume_from(&resume, T0).unwrap();
    assert_eq!(loaded.sequence, 1);
    assert_eq!(laptop_b.items().unwrap(), submitted_on_a);
    assert!(laptop_b.incomplete().unwrap().is_empty());
    // Loading twice is harmless; loading after submitting is refused.
    laptop_b.resume_from(&resume, T0).unwrap();

    // The expert continues: changes one comment and submits from laptop B.
    let target = first_not_recused(&laptop_b).id;
    laptop_b
        .set_comment(target, "在 B 电脑上继续评审后修改的评语。", T0)
        .unwrap();
    let b_stick = round.root.join("b-stick");
    std::fs::create_dir_all(&b_stick).unwrap();
    let s = laptop_b.submit(PIN_B, &b_stick, T0, 1_000_000).unwrap();
    assert_eq!(s.sequence, 1, "a new key starts a new chain");
    assert!(laptop_b.resume_from(&resume, T0).is_err());
    let r = receive(
        &round.review,
        &clerk_keys(),
        &PathBuf::from(&s.file),
        T0,
        "clerk",
    )
    .unwrap();
    assert!(matches!(r, Receipt::Accepted { sequence: 1, .. }), "{r:?}");

    // The results take laptop B's bundle.
    let now = stored_marks(&round.review);
    let mine: Vec<_> = now.iter().filter(|(e, ..)| *e == expert).collect();
    assert!(mine
        .iter()
        .any(|(_, n, _, item)| *n == target && item.contains("在 B 电脑上继续评审")));
    assert_eq!(
        now.iter()
            .filter(|(e, ..)| *e != expert)
            .collect::<Vec<_>>(),
        counted
            .iter()
            .filter(|(e, ..)| *e != expert)
            .collect::<Vec<_>>()
    );
    // Laptop A, should it come back to life, signs nothing more that counts.
    let (_, late) = expert_corrects(&mut laptop_a, 0, "旧电脑上的更正", &round.root.join("late"));
    assert_eq!(
        outcome(&receive(&round.review, &clerk_keys(), &late, T0, "clerk").unwrap()),
        "key_revoked"
    );
    // Everything is re-derivable from the kept bundles, and on the record.
    let conn = paneldesk::store::open(&round.review).unwrap();
    let d = paneldesk::merge::rederive::rederive(&conn, &clerk_keys()).unwrap();
    assert!(d.differences.is_empty(), "{:?}", d.differences);
    let log = paneldesk::audit::entries(&conn).unwrap();
    for action in [
        "expert.key_revoked",
        "expert.key_registered",
        "expert.resume_written",
    ] {
        assert!(log.iter().any(|e| e.action == action), "{action}");
    }
    paneldesk::audit::verify(&conn).unwrap();
}
