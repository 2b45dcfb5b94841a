//! The panel's meeting (会评, issue 22): nominations tied at the cut go to a second
//! vote — a 差额 choice (at most k of n) or a 同意/不同意 vote — whose tally the clerk
//! records on one laptop. Its outcome settles the cut through decisions that name the
//! ballot, and a 计票单 with signature lines records it. Bad tallies are refused whole.

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use paneldesk::merge::decisions::Outcome;
use paneldesk::merge::meeting::{
    self, BallotKind, Count, MeetingBallot, MeetingOutcome, Shortlist, Tally,
};
use paneldesk::merge::rank::Cut;
use paneldesk::merge::results::{compute, ResultOptions};
use paneldesk::merge::tally_file;
use paneldesk::model::marks::Vote::{Abstain as O, Agree as A, Disagree as D};
use paneldesk::scoring::panel::{self, Panel};
use paneldesk::store::category_rules::{self};
use paneldesk::Result;
use paneldesk::{container, keys, ops};
use serde_json::Value;

use super::results_rules::{
    cli, pdf_text, row, squeezed, vote_round, vote_rule, Ballot, VoteRound, KEY,
};
use super::scoring_round::randomness;
use super::support::{assert_says, last_audit_detail, paneldesk_at, print_args, said, test_meta};
use super::T0;

/// Quota 3 with no tie-breaker: n2 (6/6) and n3 (5/6) are in; n0 and n1 (4 of 6 each)
/// tie for the last place; n4 (2/6) failed.
pub(super) fn tied_round() -> VoteRound {
    let ballots: Vec<[Ballot; 6]> = vec![
        [Some(A), Some(A), Some(A), Some(A), Some(D), Some(D)],
        [Some(A), Some(A), Some(A), Some(A), Some(D), Some(O)],
        [Some(A), Some(A), Some(A), Some(A), Some(A), Some(A)],
        [Some(A), Some(A), Some(A), Some(A), Some(A), Some(D)],
        [Some(A), Some(A), Some(D), Some(D), Some(D), Some(D)],
    ];
    let round = vote_round(&ballots);
    paneldesk::review::set_quota(&round.review, KEY, 3, false, T0, "clerk").unwrap();
    let mut rule = vote_rule(paneldesk::merge::aggregate::VoteThreshold::MoreThanHalf);
    rule.tie_breakers.clear();
    category_rules::set(&round.review, KEY, &rule, T0, "clerk").unwrap();
    round
}

pub(super) fn cuts(round: &VoteRound) -> Vec<Cut> {
    let results = compute(&round.review, &ResultOptions::default()).unwrap();
    let c = &results.categories[0];
    round.ids.iter().map(|id| row(c, *id).cut).collect()
}

pub(super) fn decisions(round: &VoteRound) -> i64 {
    paneldesk::store::open(&round.review)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM result_decision", [], |r| r.get(0))
        .unwrap()
}

/// A tally that cannot be: experts present, (ballot line, ticks) counted, and what the
/// Chinese and English refusals name.
type BadTally = (u32, &'static [(usize, u32)], &'static str, &'static str);

fn open_ballot(round: &VoteRound, shortlist: Shortlist, kind: BallotKind) -> Result<MeetingBallot> {
    meeting::open(&round.review, KEY, &shortlist, kind, T0, "clerk")
}

fn count_ballot(round: &VoteRound, ballot: i64, tally: Tally) -> Result<MeetingOutcome> {
    meeting::count(&round.review, ballot, &tally, T0, "clerk")
}

/// `meeting count` on the command line: six present, `counts` as `id=n`, and who counted
/// and who witnessed.
fn cli_count(
    round: &VoteRound,
    ballot: &str,
    counts: &[String],
    [counter, witness]: [&str; 2],
) -> (bool, String, String) {
    let review = round.review.to_str().unwrap();
    let mut args = vec!["meeting", "count", "--review", review, "--ballot", ballot];
    args.extend(["--present", "6"]);
    for count in counts {
        args.extend(["--count", count]);
    }
    args.extend(["--counter", counter, "--witness", witness]);
    cli(&round.root, &args)
}

pub(super) fn tally(present: u32, counts: &[(i64, u32, u32, u32)]) -> Tally {
    Tally {
        present,
        counts: counts
            .iter()
            .map(|&(nomination_id, agree, disagree, abstain)| Count {
                nomination_id,
                agree,
                disagree,
                abstain,
            })
            .collect(),
        counted_by: "王计票".into(),
        witnessed_by: "赵监票".into(),
    }
}

#[test]
fn a_choice_of_one_of_two_tied_settles_the_cut_and_its_sheet_records_it() {
    let round = tied_round();
    let id = |i: usize| round.ids[i];
    assert_eq!(
        cuts(&round),
        [Cut::Tied, Cut::Tied, Cut::In, Cut::In, Cut::Out]
    );

    let ballot = open_ballot(
        &round,
        Shortlist::TiedAtCut,
        BallotKind::Choose { at_most: None },
    )
    .unwrap();
    assert_eq!(ballot.places, 1, "one place is left for the two");
    assert_eq!(ballot.kind, BallotKind::Choose { at_most: Some(1) });
    let listed: Vec<i64> = ballot.entries.iter().map(|e| e.nomination_id).collect();
    assert_eq!(listed, [id(0), id(1)]);

    let outcome = count_ballot(
        &round,
        ballot.id,
        tally(6, &[(id(0), 4, 0, 0), (id(1), 2, 0, 0)]),
    )
    .unwrap();
    assert!(outcome.still_tied.is_empty());
    assert_eq!(
        cuts(&round),
        [Cut::In, Cut::Out, Cut::In, Cut::In, Cut::Out]
    );
    let results = compute(&round.review, &ResultOptions::default()).unwrap();
    let c = &results.categories[0];
    let d = row(c, id(0)).decision.clone().expect("a decision");
    assert_eq!(d.ballot, Some(ballot.id));
    assert!(
        d.reason.contains("会评") && d.reason.contains("4"),
        "{}",
        d.reason
    );
    assert!(paneldesk::readiness::blockers(&results, None)
        .iter()
        .all(|b| !matches!(b, paneldesk::readiness::Blocker::TieAtCut { .. })));

    // A counted ballot is closed: a second tally is refused and changes nothing.
    let again = count_ballot(
        &round,
        ballot.id,
        tally(6, &[(id(0), 1, 0, 0), (id(1), 5, 0, 0)]),
    );
    assert!(again.is_err());
    assert_eq!(cuts(&round)[0], Cut::In);

    // The 计票单: the ballot, each count, the outcome, and lines to sign.
    let view = meeting::view(&round.review, ballot.id).unwrap();
    let pdf =
        paneldesk::report::tally_sheet::render(&view, None, &test_meta("会评计票单")).unwrap();
    let file = round.root.join("计票单.pdf");
    std::fs::write(&file, &pdf).unwrap();
    if let Some(keep) = std::env::var_os("PANELDESK_KEEP_REPORTS") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(std::path::Path::new(&keep).join("tally-sheet.pdf"), &pdf).unwrap();
    }
    let text = squeezed(&pdf_text(&file));
    let name = |i: usize| squeezed(&row(c, id(i)).display_name);
    for needle in [
        "会评计票单".to_string(),
        "差额".into(),
        "应选1".into(),
        "到会专家：6人".into(),
        name(0),
        name(1),
        "4入选".into(),
        "2未入选".into(),
        "王计票".into(),
        "赵监票".into(),
        "计票人".into(),
        "监票人".into(),
        "评审组组长".into(),
    ] {
        assert!(text.contains(&needle), "{needle} missing: {text}");
    }
}

#[test]
fn a_vote_that_leaves_both_equal_keeps_the_tie_for_another_round() {
    let round = tied_round();
    let id = |i: usize| round.ids[i];
    let ballot = open_ballot(&round, Shortlist::TiedAtCut, BallotKind::Vote).unwrap();
    let outcome = count_ballot(
        &round,
        ballot.id,
        tally(6, &[(id(0), 5, 1, 0), (id(1), 5, 0, 1)]),
    )
    .unwrap();
    assert_eq!(outcome.still_tied, [id(0), id(1)]);
    assert_eq!(decisions(&round), 0, "nothing settled");
    assert_eq!(cuts(&round)[..2], [Cut::Tied, Cut::Tied]);

    // The next round: 4 for n1 and 3 (not more than half of 6) for n0.
    let second = open_ballot(&round, Shortlist::TiedAtCut, BallotKind::Vote).unwrap();
    count_ballot(
        &round,
        second.id,
        tally(6, &[(id(0), 3, 3, 0), (id(1), 4, 1, 1)]),
    )
    .unwrap();
    assert_eq!(cuts(&round)[..2], [Cut::Out, Cut::In]);
}

#[test]
fn tallies_that_cannot_be_are_refused_whole_in_both_languages() {
    let round = tied_round();
    let id = |i: usize| round.ids[i];
    let ballot = open_ballot(
        &round,
        Shortlist::TiedAtCut,
        BallotKind::Choose { at_most: None },
    )
    .unwrap();
    let refused = |t: Tally, zh: &str, en: &str| {
        let e = count_ballot(&round, ballot.id, t).expect_err("a bad tally was recorded");
        assert_says(&e, zh);
        assert!(e.message_en().contains(en), "{}", e.message_en());
        assert_eq!(decisions(&round), 0);
    };
    // Six experts present may tick at most one name each: 7 ticks cannot be.
    let bad: [BadTally; 7] = [
        (6, &[(0, 4), (1, 3)], "最多", "at most"),
        (6, &[(0, 7), (1, 0)], "到会", "present"),
        (7, &[(0, 4), (1, 2)], "专家", "experts"),
        (0, &[(0, 0), (1, 0)], "到会", "present"),
        (6, &[(0, 4)], "漏", "missing"),
        (6, &[(0, 4), (1, 1), (2, 1)], "不在", "not on"),
        (6, &[(0, 4), (0, 1)], "重复", "twice"),
    ];
    for (present, ticks, zh, en) in bad {
        let counts: Vec<_> = ticks.iter().map(|&(i, n)| (id(i), n, 0, 0)).collect();
        refused(tally(present, &counts), zh, en);
    }
    let mut nameless = tally(6, &[(id(0), 4, 0, 0), (id(1), 2, 0, 0)]);
    nameless.witnessed_by = "  ".into();
    refused(nameless, "监票人", "witness");

    // Opening: no tie left to vote on, a name from another category, a choice of more
    // places than there are.
    let unknown = open_ballot(
        &round,
        Shortlist::Picked {
            nominations: vec![id(0), 99_999],
        },
        BallotKind::Vote,
    )
    .expect_err("an unknown nomination");
    assert_says(&unknown, "99999");
    let too_many = open_ballot(
        &round,
        Shortlist::TiedAtCut,
        BallotKind::Choose { at_most: Some(2) },
    )
    .expect_err("two of one place");
    assert_says(&too_many, "名额");
    count_ballot(
        &round,
        ballot.id,
        tally(6, &[(id(0), 4, 0, 0), (id(1), 2, 0, 0)]),
    )
    .unwrap();
    let no_tie =
        open_ballot(&round, Shortlist::TiedAtCut, BallotKind::Vote).expect_err("no tie is left");
    assert_says(&no_tie, "并列");
}

#[test]
fn the_command_line_runs_a_meeting_from_the_tie_to_the_sheet() {
    let round = tied_round();
    let id = |i: usize| round.ids[i];
    let review = round.review.to_str().unwrap();
    let (ok, out, err) = cli(
        &round.root,
        &[
            "--json",
            "meeting",
            "open",
            "--review",
            review,
            "--category",
            KEY,
            "--tied",
            "--choose",
        ],
    );
    assert!(ok, "{err}");
    let opened: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ballot = opened["id"].as_i64().unwrap().to_string();
    let counts = [format!("{}=2", id(0)), format!("{}=4", id(1))];
    let (ok, out, err) = cli_count(&round, &ballot, &counts, ["王计票", "赵监票"]);
    assert!(ok, "{err}");
    assert!(out.contains("入选") && out.contains("selected"), "{out}");
    assert_eq!(cuts(&round)[..2], [Cut::Out, Cut::In]);
    let sheet = round.root.join("sheet.pdf");
    let (ok, _, err) = cli(
        &round.root,
        &print_args(
            &["meeting", "sheet"],
            review,
            &sheet,
            &["--ballot", &ballot],
        ),
    );
    assert!(ok, "{err}");
    assert!(squeezed(&pdf_text(&sheet)).contains("会评计票单"));
    // A malformed count names itself.
    let (ok, _, err) = cli_count(&round, &ballot, &["abc".into()], ["王", "赵"]);
    assert!(!ok && err.contains("abc"), "{err}");
}

#[test]
fn a_choice_of_three_of_five_takes_those_over_half_in_order_of_votes() {
    let round = tied_round();
    let id = |i: usize| round.ids[i];
    // All five on the ballot: nobody outside holds a place, so three places are left.
    let ballot = open_ballot(
        &round,
        Shortlist::Picked {
            nominations: round.ids.clone(),
        },
        BallotKind::Choose { at_most: None },
    )
    .unwrap();
    assert_eq!(ballot.places, 3);
    assert_eq!(ballot.kind, BallotKind::Choose { at_most: Some(3) });
    // Six present, three ticks each: 18 in all. More than half of six is four.
    let outcome = count_ballot(
        &round,
        ballot.id,
        tally(
            6,
            &[
                (id(0), 5, 0, 0),
                (id(1), 4, 0, 0),
                (id(2), 3, 0, 0),
                (id(3), 4, 0, 0),
                (id(4), 2, 0, 0),
            ],
        ),
    )
    .unwrap();
    assert!(outcome.still_tied.is_empty());
    let passed: Vec<bool> = outcome.entries.iter().map(|e| e.passed).collect();
    assert_eq!(passed, [true, true, false, true, false]);
    // n2 was in after scoring (6 of 6); the meeting, which decides the whole ballot, puts
    // it out: three places, three over half.
    assert_eq!(
        cuts(&round),
        [Cut::In, Cut::In, Cut::Out, Cut::In, Cut::Out]
    );
}

// ---- a show of hands confirmed by the chair's key ---------------------------------------

/// The panel's chair in `tied_round`: expert 0, whose laptop `vote_round` enrolled.
pub(super) const CHAIR: usize = 0;
pub(super) const NOW_UNIX: i64 = 1_000_000;

/// Expert `e`'s laptop in a vote round, as `vote_round` left it.
pub(super) fn laptop(round: &VoteRound, e: usize) -> Panel {
    let dir = round.root.join(format!("expert{e}"));
    let prefix = panel::list(&dir).pop().expect("a panel on the laptop");
    panel::open(&dir, &prefix).unwrap()
}

pub(super) fn passphrase(e: usize) -> String {
    format!("north wind 1357{e:02}")
}

/// Expert `e`'s signing key: the seed `vote_round` enrolled them with.
pub(super) fn key_of(e: usize) -> SigningKey {
    keys::signing_key(&randomness(e as u8).0)
}

pub(super) fn expert_id(round: &VoteRound, e: usize) -> i64 {
    laptop(round, e).enrolment().unwrap().unwrap().expert.id
}

/// A 差额 choice of one of the two tied, chaired by expert `CHAIR`.
pub(super) fn chaired_ballot(round: &VoteRound) -> MeetingBallot {
    meeting::open_with_chair(
        &round.review,
        KEY,
        &Shortlist::TiedAtCut,
        BallotKind::Choose { at_most: None },
        Some(expert_id(round, CHAIR)),
        T0,
        "clerk",
    )
    .unwrap()
}

/// What the room counted: 4 for n0, 2 for n1 of six present.
pub(super) fn room(round: &VoteRound) -> Tally {
    tally(6, &[(round.ids[0], 4, 0, 0), (round.ids[1], 2, 0, 0)])
}

pub(super) fn stick(round: &VoteRound, name: &str) -> PathBuf {
    let dir = round.root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A tally file whose `tally.json` is `json`, signed by `key`, laid out as PanelDesk
/// writes it.
pub(super) fn signed_bytes(json: &[u8], key: &SigningKey) -> Vec<u8> {
    let sig = container::signature_entry(
        &keys::public_hex(&key.verifying_key()),
        &keys::sign(key, json),
    );
    container::canonical_zip(&[("tally.json", json), ("tally.sig", sig.as_bytes())]).unwrap()
}

/// The `tally.json` of the tally file at `file`, edited by `edit`.
pub(super) fn edited(file: &Path, edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let (_, json, _) = tally_file::open_unsigned(file).unwrap();
    let mut value: Value = serde_json::from_slice(&json).unwrap();
    edit(&mut value);
    serde_json::to_vec_pretty(&value).unwrap()
}

fn counted(round: &VoteRound, ballot: i64) -> bool {
    meeting::view(&round.review, ballot)
        .unwrap()
        .ballot
        .counted
        .is_some()
}

/// `file` presented for `ballot` is refused with `code`, naming the file in both
/// languages, and nothing is counted or decided.
fn refused_as(round: &VoteRound, ballot: i64, file: &Path, code: &str) {
    let e = tally_file::confirm(&round.review, ballot, file, T0, "clerk")
        .expect_err(&format!("{code}: confirmed"));
    assert_eq!(e.code(), code, "{}", e.message_en());
    let name = file.file_name().unwrap().to_str().unwrap();
    for message in [e.message_zh(), e.message_en()] {
        assert!(message.contains(name), "{message}");
    }
    assert!(!counted(round, ballot), "{code}: the ballot was counted");
    assert_eq!(decisions(round), 0, "{code}: something was decided");
}

#[test]
fn a_show_of_hands_counts_only_once_the_chair_signs_what_the_clerk_typed() {
    let round = tied_round();
    let id = |i: usize| round.ids[i];
    let ballot = chaired_ballot(&round);
    let chair = ballot.chair.clone().expect("the ballot names its chair");
    assert_eq!(chair.id, expert_id(&round, CHAIR));

    // Typed on the clerk's laptop alone, the tally does not count.
    let typed = count_ballot(&round, ballot.id, room(&round)).expect_err("counted unsigned");
    assert_eq!(typed.code(), "chair_confirmation_required");
    assert!(typed.message_zh().contains(&chair.name) && typed.message_en().contains("chair"));
    assert!(!counted(&round, ballot.id));

    // The clerk writes it for the chair; an impossible tally is not even written.
    let out = stick(&round, "to-chair");
    let impossible = tally_file::write(
        &round.review,
        ballot.id,
        &tally(6, &[(id(0), 5, 0, 0), (id(1), 2, 0, 0)]),
        &out,
        T0,
        "clerk",
    )
    .expect_err("7 ticks of 6 present choosing one");
    assert_says(&impossible, "最多");
    let written =
        tally_file::write(&round.review, ballot.id, &room(&round), &out, T0, "clerk").unwrap();
    assert!(written.file.extension().is_some_and(|e| e == "pdtally"));

    // On the chair's own laptop: the counts, what they decide, then the signature.
    let shown = ops::meeting::show(&written.file).unwrap();
    assert_eq!(shown.content.tally, room(&round));
    assert_eq!(shown.content.chair, chair);
    assert!(shown.signed_by.is_none());
    let decided: Vec<_> = shown.outcome.entries.iter().map(|e| e.result).collect();
    assert_eq!(decided, [Some(Outcome::In), Some(Outcome::Out)]);
    let mut chair_laptop = laptop(&round, CHAIR);
    let wrong = ops::meeting::sign(
        &mut chair_laptop,
        &written.file,
        "not the passphrase 1",
        &stick(&round, "back"),
        NOW_UNIX,
    )
    .expect_err("a wrong passphrase signs nothing");
    assert_eq!(wrong.code(), "wrong_passphrase");
    let signed = ops::meeting::sign(
        &mut chair_laptop,
        &written.file,
        &passphrase(CHAIR),
        &stick(&round, "back"),
        NOW_UNIX + 60,
    )
    .unwrap();
    let registered = paneldesk::registration::list_in(&round.review)
        .unwrap()
        .into_iter()
        .find(|r| r.expert_id == chair.id)
        .unwrap();
    assert_eq!(signed.fingerprint, registered.fingerprint);
    assert_eq!(
        ops::meeting::show(&signed.file).unwrap().signed_by,
        Some(registered.fingerprint.clone())
    );

    // Back at the clerk's: counted from the signed file, the chair and key on record.
    let confirmed =
        ops::meeting::confirm(&round.review, ballot.id, &signed.file, T0, "clerk").unwrap();
    assert_eq!(confirmed.confirmation.chair_id, chair.id);
    assert_eq!(confirmed.confirmation.fingerprint, registered.fingerprint);
    assert_eq!(
        cuts(&round),
        [Cut::In, Cut::Out, Cut::In, Cut::In, Cut::Out]
    );
    let view = meeting::view(&round.review, ballot.id).unwrap();
    let stored = view.ballot.counted.expect("counted");
    assert_eq!(stored.tally, room(&round));
    assert_eq!(stored.confirmed, Some(confirmed.confirmation.clone()));
    let conn = paneldesk::store::open(&round.review).unwrap();
    let detail = last_audit_detail(&conn, "meeting.counted");
    assert!(
        detail.contains(&chair.name) && detail.contains(&registered.fingerprint),
        "{detail}"
    );
    paneldesk::audit::verify(&conn).unwrap();
    let kept: Vec<u8> = conn
        .query_row(
            "SELECT signed_tally FROM meeting_ballot WHERE id = ?1",
            [ballot.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        kept,
        std::fs::read(&signed.file).unwrap(),
        "the evidence is kept"
    );
    drop(conn);

    // The same signed file again: the ballot is counted, once.
    let again = tally_file::confirm(&round.review, ballot.id, &signed.file, T0, "clerk")
        .expect_err("counted twice");
    assert_eq!(again.code(), "ballot_counted");
}

/// Every way the issue names to get a tally counted that the panel did not agree to,
/// each refused with its code before anything is counted.
#[test]
fn tally_files_the_chair_did_not_sign_as_written_are_refused_and_count_nothing() {
    let round = tied_round();
    let id = |i: usize| round.ids[i];
    let ballot = chaired_ballot(&round);
    // A second ballot on the same tie, a vote on each, chaired by the same expert.
    let second = meeting::open_with_chair(
        &round.review,
        KEY,
        &Shortlist::TiedAtCut,
        BallotKind::Vote,
        Some(expert_id(&round, CHAIR)),
        T0,
        "clerk",
    )
    .unwrap();
    let out = stick(&round, "to-chair");
    let written =
        tally_file::write(&round.review, ballot.id, &room(&round), &out, T0, "clerk").unwrap();
    let signed = ops::meeting::sign(
        &mut laptop(&round, CHAIR),
        &written.file,
        &passphrase(CHAIR),
        &stick(&round, "back"),
        NOW_UNIX,
    )
    .unwrap();
    let good = std::fs::read(&signed.file).unwrap();
    let attacks = stick(&round, "attacks");
    let put = |name: &str, bytes: &[u8]| {
        let path = attacks.join(format!("{name}.pdtally"));
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let chair_key = key_of(CHAIR);
    let json_of = |edit: &dyn Fn(&mut Value)| edited(&written.file, edit);
    let b = ballot.id;

    // Altered after signing: the counts swapped in the signed entry.
    let (_, genuine_json, _) = tally_file::open_unsigned(&written.file).unwrap();
    let swapped = json_of(&|v| {
        v["tally"]["counts"][0]["agree"] = 2.into();
        v["tally"]["counts"][1]["agree"] = 4.into();
    });
    let sig_entry =
        container::read(&signed.file, &entry_rules(), 16, 1 << 20).unwrap()["tally.sig"].clone();
    let altered =
        container::canonical_zip(&[("tally.json", &swapped), ("tally.sig", &sig_entry)]).unwrap();
    refused_as(&round, b, &put("altered", &altered), "signature_invalid");
    // A byte changed outside the signed entry (the entry's date): the layout is not the
    // one PanelDesk writes.
    let mut redated = good.clone();
    redated[12] ^= 1;
    refused_as(&round, b, &put("redated", &redated), "header_mismatch");
    // Signed by a key nobody registered, by another expert's registered key.
    let stranger = keys::signing_key(&[99; 32]);
    refused_as(
        &round,
        b,
        &put("unregistered", &signed_bytes(&genuine_json, &stranger)),
        "key_not_registered",
    );
    refused_as(
        &round,
        b,
        &put("other_expert", &signed_bytes(&genuine_json, &key_of(1))),
        "key_not_registered",
    );
    // Naming another chair, signed by that expert's own registered key.
    let other_chair = json_of(&|v| {
        v["chair"]["id"] = expert_id(&round, 1).into();
        v["chair"]["name"] = laptop(&round, 1)
            .enrolment()
            .unwrap()
            .unwrap()
            .expert
            .name
            .into();
    });
    refused_as(
        &round,
        b,
        &put("other_chair", &signed_bytes(&other_chair, &key_of(1))),
        "not_the_chair",
    );
    // Ballot 1's signed tally presented for ballot 2, and a tally of another review.
    refused_as(&round, second.id, &signed.file, "other_ballot");
    let elsewhere = json_of(&|v| v["review"]["id"] = "2026-student_exemplar-other".into());
    refused_as(
        &round,
        b,
        &put("other_review", &signed_bytes(&elsewhere, &chair_key)),
        "other_review",
    );
    // The same ballot number, another ballot: a nomination dropped from it.
    let narrowed = json_of(&|v| {
        v["ballot"]["entries"].as_array_mut().unwrap().pop();
    });
    refused_as(
        &round,
        b,
        &put("narrowed", &signed_bytes(&narrowed, &chair_key)),
        "ballot_mismatch",
    );
    // The chair's key signing counts that are not what the clerk typed.
    let recounted = json_of(&|v| {
        v["tally"]["counts"][0]["agree"] = 3.into();
        v["tally"]["counts"][1]["agree"] = 3.into();
    });
    refused_as(
        &round,
        b,
        &put("recounted", &signed_bytes(&recounted, &chair_key)),
        "tally_changed",
    );
    // Not a tally, cut short, too large, unsigned, not its format.
    refused_as(
        &round,
        b,
        &put("text", "计票：4 比 2\n".as_bytes()),
        "not_a_container",
    );
    refused_as(
        &round,
        b,
        &put("truncated", &good[..good.len() - 30]),
        "not_a_container",
    );
    let huge = attacks.join("huge.pdtally");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(2 << 20)
        .unwrap();
    refused_as(&round, b, &huge, "file_too_large");
    let bloated = json_of(&|v| v["padding"] = "填".repeat(100_000).into());
    refused_as(
        &round,
        b,
        &put("bloated", &signed_bytes(&bloated, &chair_key)),
        "oversized_entry",
    );
    refused_as(&round, b, &written.file, "missing_entry");
    let bundle = round.root.join("stick");
    let a_bundle = std::fs::read_dir(&bundle)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    refused_as(&round, b, &a_bundle, "unexpected_entry");
    let renamed = json_of(&|v| v["format"] = "paneldesk.result-bundle".into());
    refused_as(
        &round,
        b,
        &put("wrong_format", &signed_bytes(&renamed, &chair_key)),
        "wrong_format",
    );
    let untyped = json_of(&|v| v["tally"]["present"] = "六".into());
    refused_as(
        &round,
        b,
        &put("untyped", &signed_bytes(&untyped, &chair_key)),
        "malformed_content",
    );
    // Counts a chair could sign that cannot be: far beyond any u32 sum, without a panic.
    let overflow = json_of(&|v| {
        v["tally"]["counts"][0]["agree"] = u32::MAX.into();
        v["tally"]["counts"][0]["disagree"] = u32::MAX.into();
    });
    let e = ops::meeting::show(&put("overflow", &signed_bytes(&overflow, &chair_key)))
        .expect_err("impossible counts shown as an outcome");
    assert_eq!(e.code(), "impossible_tally");
    // A room of four billion: the chair's laptop has no roster to hold it to, so it shows
    // the outcome such counts give, without building billions of votes or overflowing.
    let crowd = json_of(&|v| {
        v["tally"]["present"] = u32::MAX.into();
        v["tally"]["counts"][0]["agree"] = (u32::MAX - 1).into();
        v["tally"]["counts"][1]["agree"] = 0.into();
    });
    let shown = ops::meeting::show(&put("crowd", &signed_bytes(&crowd, &chair_key)))
        .expect("counts within those present are shown");
    let passed: Vec<bool> = shown.outcome.entries.iter().map(|e| e.passed).collect();
    assert_eq!(passed, [true, false]);

    // A tally signed, then corrected by the clerk: the first signature no longer counts.
    let corrected = tally(6, &[(id(0), 4, 0, 0), (id(1), 1, 0, 0)]);
    tally_file::write(&round.review, b, &corrected, &out, T0, "clerk").unwrap();
    refused_as(&round, b, &signed.file, "tally_changed");
    // Written again as the room counted it, the chair's signature counts again (Ed25519
    // signs the same bytes the same way).
    tally_file::write(&round.review, b, &room(&round), &out, T0, "clerk").unwrap();

    // A quorum raised since the tally was written: the counts are held to it.
    let raised = round.root.join("quorum.pdreview");
    paneldesk::review::backup(&round.review, &raised, T0, "clerk").unwrap();
    let mut rule = vote_rule(paneldesk::merge::aggregate::VoteThreshold::MoreThanHalf);
    rule.tie_breakers.clear();
    rule.quorum = 7;
    category_rules::set(&raised, KEY, &rule, T0, "clerk").unwrap();
    let e = tally_file::confirm(&raised, b, &signed.file, T0, "clerk").expect_err("quorum");
    assert_eq!(e.code(), "impossible_tally");
    assert!(e.message_zh().contains("法定人数") && e.message_en().contains("quorum"));

    // The chair's key revoked (a lost laptop): what it signs no longer counts.
    let revoked = round.root.join("revoked.pdreview");
    paneldesk::review::backup(&round.review, &revoked, T0, "clerk").unwrap();
    paneldesk::registration::revoke_in(
        &revoked,
        expert_id(&round, CHAIR),
        "笔记本电脑遗失",
        T0,
        "clerk",
    )
    .unwrap();
    let e = tally_file::confirm(&revoked, b, &signed.file, T0, "clerk").expect_err("revoked");
    assert_eq!(e.code(), "key_revoked");

    // After all that, the genuine signed file still counts.
    tally_file::confirm(&round.review, b, &signed.file, T0, "clerk").unwrap();
    assert_eq!(cuts(&round)[..2], [Cut::In, Cut::Out]);
}

fn entry_rules() -> [container::EntryRule; 4] {
    [
        container::EntryRule {
            name: "tally.json",
            matches: |n| n == "tally.json",
            max_bytes: 1 << 20,
            required: true,
        },
        container::EntryRule {
            name: "tally.sig",
            matches: |n| n == "tally.sig",
            max_bytes: 256,
            required: true,
        },
        container::EntryRule {
            name: "signed.json",
            matches: |n| n == "signed.json",
            max_bytes: 4 << 10,
            required: true,
        },
        container::EntryRule {
            name: "signed.sig",
            matches: |n| n == "signed.sig",
            max_bytes: 256,
            required: true,
        },
    ]
}

#[test]
fn the_chair_signs_only_their_own_review_and_ballot_on_their_own_laptop() {
    let round = tied_round();
    let ballot = chaired_ballot(&round);
    let written = tally_file::write(
        &round.review,
        ballot.id,
        &room(&round),
        &stick(&round, "to-chair"),
        T0,
        "clerk",
    )
    .unwrap();
    // Another expert's laptop will not sign the chair's tally.
    let e = ops::meeting::sign(
        &mut laptop(&round, 1),
        &written.file,
        &passphrase(1),
        &stick(&round, "back"),
        NOW_UNIX,
    )
    .expect_err("signed by another expert");
    assert!(e.message_zh().contains("组长") && e.message_en().contains("chair"));
    // Nor a tally of another review.
    let elsewhere = round.root.join("elsewhere.pdtally");
    let json = edited(&written.file, |v| v["review"]["id"] = "another".into());
    container::write_atomically(&elsewhere, &[("tally.json", &json)]).unwrap();
    let e = ops::meeting::sign(
        &mut laptop(&round, CHAIR),
        &elsewhere,
        &passphrase(CHAIR),
        &stick(&round, "back"),
        NOW_UNIX,
    )
    .expect_err("another review");
    assert_eq!(e.code(), "other_review");
    // A ballot opened without a chair has no tally file to write: it is counted as typed.
    let plain = open_ballot(&round, Shortlist::TiedAtCut, BallotKind::Vote).unwrap();
    assert!(plain.chair.is_none());
    let e = tally_file::write(
        &round.review,
        plain.id,
        &room(&round),
        &round.root,
        T0,
        "clerk",
    )
    .expect_err("no chair");
    assert_says(&e, "组长");
    // A chair must be an expert with a key registered in this review.
    let nobody = meeting::open_with_chair(
        &round.review,
        KEY,
        &Shortlist::TiedAtCut,
        BallotKind::Vote,
        Some(99_999),
        T0,
        "clerk",
    )
    .expect_err("no such expert");
    assert_says(&nobody, "99999");
}

#[test]
fn the_command_line_runs_a_show_of_hands_from_the_clerk_to_the_chair_and_back() {
    let round = tied_round();
    let id = |i: usize| round.ids[i];
    let review = round.review.to_str().unwrap();
    let chair = expert_id(&round, CHAIR).to_string();
    let (ok, out, err) = cli(
        &round.root,
        &[
            "--json",
            "meeting",
            "open",
            "--review",
            review,
            "--category",
            KEY,
            "--tied",
            "--choose",
            "--chair",
            &chair,
        ],
    );
    assert!(ok, "{err}");
    let opened: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(opened["chair"]["id"].to_string(), chair);
    let ballot = opened["id"].as_i64().unwrap().to_string();
    let counts = [format!("{}=4", id(0)), format!("{}=2", id(1))];

    // `count` on a chaired ballot says what to do instead.
    let (ok, _, err) = cli_count(&round, &ballot, &counts, ["王计票", "赵监票"]);
    assert!(
        !ok && err.contains("组长") && err.contains("meeting tally"),
        "{err}"
    );

    let to_chair = stick(&round, "to-chair");
    let mut args = vec![
        "--json", "meeting", "tally", "--review", review, "--ballot", &ballot,
    ];
    args.extend([
        "--present",
        "6",
        "--counter",
        "王计票",
        "--witness",
        "赵监票",
    ]);
    for c in &counts {
        args.extend(["--count", c]);
    }
    args.extend(["--out", to_chair.to_str().unwrap()]);
    let (ok, out, err) = cli(&round.root, &args);
    assert!(ok, "{err}");
    let written: Value = serde_json::from_str(&out).unwrap();
    let file = written["file"].as_str().unwrap().to_string();

    // The chair's laptop: a data folder holding the panel `vote_round` enrolled them on.
    let chair_data = round.root.join("chair-data");
    let panels = chair_data.join("panels");
    copy_dir(&round.root.join(format!("expert{CHAIR}")), &panels);
    let chair_run = |args: &[&str]| {
        said(
            paneldesk_at(&chair_data)
                .env("PANELDESK_PASSPHRASE", passphrase(CHAIR))
                .args(args)
                .output()
                .unwrap(),
        )
    };
    let (ok, out, err) = chair_run(&["meeting", "show", &file]);
    assert!(ok, "{err}");
    for needle in [
        "到会专家 6",
        "Experts present: 6",
        "入选",
        "selected",
        "王计票",
        "赵监票",
        "尚未签名",
        "Not signed",
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
    let back = stick(&round, "back");
    let (ok, out, err) = chair_run(&[
        "--json",
        "meeting",
        "sign",
        &file,
        "--out",
        back.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let signed: Value = serde_json::from_str(&out).unwrap();
    let signed_file = signed["file"].as_str().unwrap().to_string();

    // A file that is not a tally is refused, located, in both languages.
    let (ok, _, err) = cli(
        &round.root,
        &[
            "meeting", "confirm", "--review", review, "--ballot", &ballot, review,
        ],
    );
    assert!(
        !ok && err.contains("已拒收") && err.contains("Refused") && err.contains(review),
        "{err}"
    );
    let (ok, out, err) = cli(
        &round.root,
        &[
            "--json",
            "meeting",
            "confirm",
            "--review",
            review,
            "--ballot",
            &ballot,
            &signed_file,
        ],
    );
    assert!(ok, "{err}");
    let confirmed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        confirmed["confirmation"]["fingerprint"], signed["fingerprint"],
        "{confirmed}"
    );
    assert_eq!(cuts(&round)[..2], [Cut::In, Cut::Out]);
    let (ok, out, err) = cli(&round.root, &["meeting", "list", "--review", review]);
    assert!(ok && out.contains("组长已签名确认"), "{err}{out}");
}

pub(super) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}
