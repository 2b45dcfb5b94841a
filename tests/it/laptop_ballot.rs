//! A 会评 ballot voted on the experts' own laptops (issue 22): the clerk writes the ballot
//! paper signed with the clerk's key, each voter casts a vote signed with their
//! registered key, and the ballot is counted only from the votes received — a 差额
//! choice of at most k of n or a vote on each. Every way a vote could count that its
//! voter did not cast is refused with its code (docs/formats.md, "Ballot paper and vote").
//! Real review files, real keys, real files.

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use paneldesk::merge::ballot_vote::{self, Mark, VoteMark};
use paneldesk::merge::meeting::{self, BallotKind, MeetingBallot, Shortlist};
use paneldesk::merge::rank::Cut;
use paneldesk::merge::{ballot_paper, tally_file};
use paneldesk::store::category_rules;
use paneldesk::{container, keys, ops};
use serde_json::{json, Value};

use super::meeting::{
    copy_dir, cuts, decisions, expert_id, key_of, laptop, passphrase, room, stick, tied_round,
    NOW_UNIX,
};
use super::results_rules::{cli, pdf_text, squeezed, vote_rule, VoteRound, KEY};
use super::support::{last_audit_detail, paneldesk_at, said};
use super::{clerk_keys, T0};

// ---- fixtures ---------------------------------------------------------------------------

pub(super) fn laptop_ballot(
    round: &VoteRound,
    shortlist: Shortlist,
    kind: BallotKind,
) -> MeetingBallot {
    meeting::open_for_laptops(&round.review, KEY, &shortlist, kind, T0, "clerk").unwrap()
}

/// All five of `tied_round` on the ballot: three places left, a choice of at most three.
fn three_of_five(round: &VoteRound) -> MeetingBallot {
    let all = Shortlist::Picked {
        nominations: round.ids.clone(),
    };
    laptop_ballot(round, all, BallotKind::Choose { at_most: None })
}

/// `tied_round` with `three_of_five` opened and its paper written.
fn three_of_five_on_paper() -> (VoteRound, MeetingBallot, PathBuf) {
    let round = tied_round();
    let ballot = three_of_five(&round);
    let paper = write_paper(&round, ballot.id);
    (round, ballot, paper)
}

/// The clerk's paper for `ballot`, signed with the key that signed the package.
pub(super) fn write_paper(round: &VoteRound, ballot: i64) -> PathBuf {
    let out = stick(round, "papers");
    ops::ballot::write_paper(&round.review, ballot, &clerk_keys(), &out, T0, "clerk")
        .unwrap()
        .file
}

/// A choice: `chosen` chosen, every other entry not.
pub(super) fn choosing(ballot: &MeetingBallot, chosen: &[i64]) -> Vec<VoteMark> {
    ballot
        .entries
        .iter()
        .map(|e| VoteMark {
            nomination_id: e.nomination_id,
            mark: if chosen.contains(&e.nomination_id) {
                Mark::Chosen
            } else {
                Mark::NotChosen
            },
        })
        .collect()
}

/// A vote on each: `marks` in the ballot's order.
fn voting(ballot: &MeetingBallot, marks: &[Mark]) -> Vec<VoteMark> {
    assert_eq!(ballot.entries.len(), marks.len());
    ballot
        .entries
        .iter()
        .zip(marks)
        .map(|(e, m)| VoteMark {
            nomination_id: e.nomination_id,
            mark: *m,
        })
        .collect()
}

/// Expert `e` casts `marks` on `paper` on their own laptop, into a folder of their own.
fn cast(round: &VoteRound, e: usize, paper: &Path, marks: &[VoteMark]) -> PathBuf {
    let out = stick(round, &format!("votes-of-{e}"));
    ops::ballot::cast_vote(
        &mut laptop(round, e),
        paper,
        marks,
        &passphrase(e),
        &out,
        NOW_UNIX,
    )
    .unwrap()
    .file
}

/// The `vote.json` of the vote at `file`, as JSON to edit.
fn vote_json(file: &Path) -> Value {
    serde_json::to_value(ballot_vote::open(file).unwrap().content).unwrap()
}

/// A container of `json` under a signature entry by `key`, laid out as PanelDesk writes
/// it: `(vote.json, vote.sig)` or `(ballot.json, ballot.sig)`.
fn signed(names: (&str, &str), json: &Value, key: &SigningKey) -> Vec<u8> {
    let json = serde_json::to_vec_pretty(json).unwrap();
    let sig = container::signature_entry(
        &keys::public_hex(&key.verifying_key()),
        &keys::sign(key, &json),
    );
    container::canonical_zip(&[(names.0, &json), (names.1, sig.as_bytes())]).unwrap()
}

pub(super) const VOTE: (&str, &str) = ("vote.json", "vote.sig");
const PAPER: (&str, &str) = ("ballot.json", "ballot.sig");

/// A vote of `json` signed by `key`, on the stick as `name.pdvote`.
fn forged(round: &VoteRound, name: &str, json: &Value, key: &SigningKey) -> PathBuf {
    put(round, &format!("{name}.pdvote"), &signed(VOTE, json, key))
}

fn put(round: &VoteRound, name: &str, bytes: &[u8]) -> PathBuf {
    let path = stick(round, "attacks").join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn received(review: &Path, ballot: i64) -> i64 {
    paneldesk::store::open(review)
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM meeting_vote WHERE ballot_id = ?1",
            [ballot],
            |r| r.get(0),
        )
        .unwrap()
}

/// `file` presented as a vote on `ballot` is refused with `code`, naming the file in both
/// languages, and nothing is kept.
fn refused_as(review: &Path, ballot: i64, file: &Path, code: &str) -> paneldesk::Error {
    let before = received(review, ballot);
    let e = ops::ballot::receive_vote(review, ballot, file, T0, "clerk")
        .expect_err(&format!("{code}: received"));
    assert_eq!(e.code(), code, "{}", e.message_en());
    let name = file.file_name().unwrap().to_str().unwrap();
    for message in [e.message_zh(), e.message_en()] {
        assert!(message.contains(name), "{message}");
    }
    assert_eq!(received(review, ballot), before, "{code}: a vote was kept");
    e
}

/// The paper at `paper` is refused on the voter's laptop `voter` with `code`.
fn refused_on_laptop(voter: &paneldesk::scoring::panel::Panel, paper: &Path, code: &str) {
    let e = ops::ballot::read_paper(voter, paper).expect_err(code);
    assert_eq!(e.code(), code);
}

fn registered_fingerprint(round: &VoteRound, e: usize) -> String {
    let id = expert_id(round, e);
    paneldesk::registration::list_in(&round.review)
        .unwrap()
        .into_iter()
        .find(|r| r.expert_id == id && r.revoked_at.is_none())
        .unwrap()
        .fingerprint
}

// ---- known answers, through the command line --------------------------------------------

/// Expert `e`'s laptop as the command line finds it: a data folder holding the panel
/// `vote_round` enrolled them on.
fn voter_data(round: &VoteRound, e: usize) -> PathBuf {
    let data = round.root.join(format!("voter{e}-data"));
    if !data.exists() {
        copy_dir(&round.root.join(format!("expert{e}")), &data.join("panels"));
    }
    data
}

fn on_laptop(round: &VoteRound, e: usize, args: &[&str]) -> (bool, String, String) {
    said(
        paneldesk_at(&voter_data(round, e))
            .env("PANELDESK_PASSPHRASE", passphrase(e))
            .args(args)
            .output()
            .unwrap(),
    )
}

fn clerk_json(round: &VoteRound, args: &[&str]) -> Value {
    let (ok, out, err) = cli(&round.root, &[&["--json"][..], args].concat());
    assert!(ok, "{args:?}: {err}{out}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// `meeting open --laptops` and `meeting paper` on the clerk's laptop: the ballot's id
/// and the paper's file.
fn cli_open_and_paper(round: &VoteRound, shortlist: &[&str], choose: bool) -> (String, String) {
    let review = round.review.to_str().unwrap();
    let mut args = vec!["meeting", "open", "--review", review, "--category", KEY];
    args.extend(shortlist);
    if choose {
        args.push("--choose");
    }
    args.push("--laptops");
    let opened = clerk_json(round, &args);
    assert_eq!(opened["laptops"]["voters"].as_array().unwrap().len(), 6);
    assert!(opened["chair"].is_null(), "{opened}");
    let ballot = opened["id"].to_string();
    let papers = stick(round, "papers");
    let written = clerk_json(
        round,
        &[
            "meeting",
            "paper",
            "--review",
            review,
            "--ballot",
            &ballot,
            "--out",
            papers.to_str().unwrap(),
        ],
    );
    (ballot, written["file"].as_str().unwrap().to_string())
}

/// Expert `e` votes on `paper` from a terminal with `marks` (`--choose 1,2`, …): the vote
/// file written.
fn cli_vote(round: &VoteRound, e: usize, paper: &str, marks: &[&str]) -> String {
    let back = stick(round, "back");
    let mut args = vec![
        "--json",
        "meeting",
        "vote",
        paper,
        "--out",
        back.to_str().unwrap(),
    ];
    args.extend(marks);
    let (ok, out, err) = on_laptop(round, e, &args);
    assert!(ok, "expert {e}: {err}{out}");
    let cast: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        cast["fingerprint"],
        registered_fingerprint(round, e).as_str()
    );
    cast["file"].as_str().unwrap().to_string()
}

fn cli_receive(round: &VoteRound, ballot: &str, files: &[&str]) -> (bool, String, String) {
    let review = round.review.to_str().unwrap();
    let mut args = vec!["meeting", "receive", "--review", review, "--ballot", ballot];
    args.extend(files);
    cli(&round.root, &args)
}

#[test]
fn a_choice_of_three_of_five_voted_on_five_laptops_counts_from_their_signed_votes() {
    let round = tied_round();
    let review = round.review.to_str().unwrap();
    let ids: Vec<String> = round.ids.iter().map(i64::to_string).collect();
    assert_eq!(
        cuts(&round),
        [Cut::Tied, Cut::Tied, Cut::In, Cut::In, Cut::Out]
    );
    let (ballot, paper) = cli_open_and_paper(&round, &["--pick", &ids.join(",")], true);

    // The voter reads the ballot on their laptop: every nomination and the rule.
    let (ok, out, err) = on_laptop(&round, 0, &["meeting", "ballot", &paper]);
    assert!(ok, "{err}");
    for needle in [
        "差额表决：候选 5 人，每人最多选 3 人",
        "choose at most 3",
        &ids[4],
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }

    // Five of the six vote, each on their own laptop: n0 4, n1 4, n2 3, n3 2, n4 1.
    let choices: [&[usize]; 5] = [&[0, 1, 2], &[0, 1, 3], &[0, 2, 3], &[0, 1, 2], &[1, 4]];
    let files: Vec<String> = choices
        .iter()
        .enumerate()
        .map(|(e, chosen)| {
            let chosen: Vec<&str> = chosen.iter().map(|i| ids[*i].as_str()).collect();
            cli_vote(&round, e, &paper, &["--choose", &chosen.join(",")])
        })
        .collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let (ok, out, err) = cli_receive(&round, &ballot, &files);
    assert!(
        ok && out.matches('✓').count() == 5 && out.contains("5/6"),
        "{err}{out}"
    );
    let (ok, out, _) = cli(&round.root, &["meeting", "list", "--review", review]);
    assert!(ok && out.contains("5/6"), "{out}");

    let counted = clerk_json(
        &round,
        &[
            "meeting",
            "count",
            "--review",
            review,
            "--ballot",
            &ballot,
            "--from-votes",
            "--counted-by",
            "王计票",
            "--witnessed-by",
            "赵监票",
        ],
    );
    let agree: Vec<u64> = round
        .ids
        .iter()
        .map(|id| {
            counted["entries"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["nomination_id"] == *id)
                .map(|e| e["agree"].as_u64().unwrap())
                .unwrap()
        })
        .collect();
    assert_eq!(agree, [4, 4, 3, 2, 1]);
    // More than half of the five present is three: n0, n1 and n2 take the three places;
    // n3, in after scoring, is out by the meeting's choice.
    assert_eq!(
        cuts(&round),
        [Cut::In, Cut::In, Cut::In, Cut::Out, Cut::Out]
    );
    let stored = meeting::view(&round.review, ballot.parse().unwrap())
        .unwrap()
        .ballot
        .counted
        .unwrap();
    assert_eq!(stored.tally.present, 5);
    let votes = stored.votes.expect("counted from votes");
    let mut voters: Vec<i64> = (0..5).map(|e| expert_id(&round, e)).collect();
    voters.sort();
    assert_eq!(
        votes.iter().map(|v| v.expert_id).collect::<Vec<_>>(),
        voters
    );
}

#[test]
fn a_vote_on_the_two_tied_on_six_laptops_settles_the_cut_and_its_sheet_names_the_voters() {
    let round = tied_round();
    let review = round.review.to_str().unwrap();
    let (n0, n1) = (round.ids[0].to_string(), round.ids[1].to_string());
    let (ballot, paper) = cli_open_and_paper(&round, &["--tied"], false);
    // n0: 5 agree, 1 against; n1: 3 agree, 2 against, 1 abstains (exactly half: fails).
    let both = format!("{n0},{n1}");
    let marks: [Vec<&str>; 6] = [
        vec!["--agree", &both],
        vec!["--agree", &both],
        vec!["--agree", &both],
        vec!["--agree", &n0, "--disagree", &n1],
        vec!["--agree", &n0, "--disagree", &n1],
        vec!["--disagree", &n0, "--abstain", &n1],
    ];
    let files: Vec<String> = marks
        .iter()
        .enumerate()
        .map(|(e, m)| cli_vote(&round, e, &paper, m))
        .collect();

    // Received a few at a time: a file that is no vote is refused on its own line, and
    // the command fails, while the votes beside it are received.
    let (ok, out, _) = cli_receive(&round, &ballot, &[&files[0], &paper, &files[1]]);
    assert!(!ok, "{out}");
    assert!(out.contains("✗") && out.matches('✓').count() == 2, "{out}");
    assert!(out.contains(&paper) && out.contains("已拒收"), "{out}");
    let rest: Vec<&str> = files.iter().map(String::as_str).skip(2).collect();
    let again: Vec<&str> = std::iter::once(files[0].as_str()).chain(rest).collect();
    let (ok, out, err) = cli_receive(&round, &ballot, &again);
    assert!(ok, "{err}{out}");
    assert!(out.contains("= ") && out.contains("6/6"), "{out}");

    let args = ["meeting", "count", "--review", review, "--ballot", &ballot];
    let who = [
        "--from-votes",
        "--counted-by",
        "王计票",
        "--witnessed-by",
        "赵监票",
    ];
    let counted = clerk_json(&round, &[&args[..], &who].concat());
    assert_eq!(counted["still_tied"], json!([]));
    let results = clerk_json(&round, &["results", "--review", review]);
    let cut_of = |id: &str| {
        results["categories"][0]["nominations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["nomination_id"].as_i64() == id.parse().ok())
            .map(|n| n["cut"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!((cut_of(&n0), cut_of(&n1)), ("in".into(), "out".into()));

    // The 计票单: how many signed votes came back, who returned one with which key;
    // never how anyone voted.
    let sheet = round.root.join("计票单.pdf");
    let (ok, _, err) = cli(
        &round.root,
        &[
            "meeting",
            "sheet",
            "--review",
            review,
            "--ballot",
            &ballot,
            "--out",
            sheet.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    if let Some(keep) = std::env::var_os("PANELDESK_KEEP_REPORTS") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::copy(&sheet, Path::new(&keep).join("tally-sheet-laptops.pdf")).unwrap();
    }
    let text = squeezed(&pdf_text(&sheet));
    assert!(
        text.contains("电子投票：收到6份经专家登记密钥签名的选票（共6位投票人）"),
        "{text}"
    );
    let roster = paneldesk::registration::list_in(&round.review).unwrap();
    for r in &roster {
        let line = squeezed(&format!("{}　　密钥指纹：{}", r.expert_name, r.fingerprint));
        assert!(text.contains(&line), "{line}: {text}");
    }
    for mark in ["agree", "abstain", "chosen"] {
        assert!(!text.contains(mark), "{mark}: {text}");
    }
}

// ---- attacks: keys ----------------------------------------------------------------------

#[test]
fn votes_signed_by_a_key_that_does_not_speak_for_the_voter_are_refused() {
    let (round, ballot, paper) = three_of_five_on_paper();
    let genuine = cast(&round, 1, &paper, &choosing(&ballot, &round.ids[..3]));
    let json = vote_json(&genuine);
    let b = ballot.id;

    // Naming a real voter, signed by a key nobody registered.
    let stranger = keys::signing_key(&[99; 32]);
    let unregistered = forged(&round, "unregistered", &json, &stranger);
    refused_as(&round.review, b, &unregistered, "key_not_registered");
    // Naming expert 1, signed by expert 2's registered key.
    let borrowed = forged(&round, "borrowed", &json, &key_of(2));
    refused_as(&round.review, b, &borrowed, "key_not_registered");
    // Expert 1's own vote once their key is revoked (a lost laptop).
    let revoked = round.root.join("revoked.pdreview");
    paneldesk::review::backup(&round.review, &revoked, T0, "clerk").unwrap();
    let id = expert_id(&round, 1);
    paneldesk::registration::revoke_in(&revoked, id, "笔记本电脑遗失", T0, "clerk").unwrap();
    refused_as(&revoked, b, &genuine, "key_revoked");

    // The genuine vote counts, under the key registered for its voter; the audit log
    // names it, never its marks.
    let got = ops::ballot::receive_vote(&round.review, b, &genuine, T0, "clerk").unwrap();
    assert_eq!((got.expert_id, got.already_had), (id, false));
    assert_eq!((got.received, got.voters), (1, 6));
    assert_eq!(got.fingerprint, registered_fingerprint(&round, 1));
    let conn = paneldesk::store::open(&round.review).unwrap();
    let detail = last_audit_detail(&conn, "meeting.vote_received");
    assert!(detail.contains(&got.fingerprint), "{detail}");
    assert!(!detail.contains("chosen"), "{detail}");
    paneldesk::audit::verify(&conn).unwrap();
    let kept: Vec<u8> = conn
        .query_row("SELECT file FROM meeting_vote", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        kept,
        std::fs::read(&genuine).unwrap(),
        "the evidence is kept"
    );
}

// ---- attacks: the paper, the ballot, the review, the voter ------------------------------

#[test]
fn votes_not_cast_on_this_ballots_paper_by_one_of_its_voters_are_refused() {
    let round = tied_round();
    let first = three_of_five(&round);
    let second = laptop_ballot(
        &round,
        Shortlist::TiedAtCut,
        BallotKind::Choose { at_most: None },
    );
    let unwritten = laptop_ballot(&round, Shortlist::TiedAtCut, BallotKind::Vote);
    let paper = write_paper(&round, first.id);
    write_paper(&round, second.id);
    let genuine = cast(&round, 0, &paper, &choosing(&first, &round.ids[..2]));
    let json = vote_json(&genuine);
    let key = key_of(0);
    let edited = |edit: &dyn Fn(&mut Value)| {
        let mut v = json.clone();
        edit(&mut v);
        v
    };
    let review = &round.review;

    // Ballot 1's vote presented for ballot 2; then renumbered for ballot 2.
    refused_as(review, second.id, &genuine, "other_ballot");
    let renumbered = edited(&|v| v["ballot_id"] = second.id.into());
    let renumbered = forged(&round, "renumbered", &renumbered, &key);
    refused_as(review, second.id, &renumbered, "not_this_paper");
    // A vote of another review.
    let elsewhere = edited(&|v| v["review_id"] = "2026-student_exemplar-other".into());
    let elsewhere = forged(&round, "elsewhere", &elsewhere, &key);
    refused_as(review, first.id, &elsewhere, "other_review");
    // A ballot whose paper was never written takes no votes.
    let no_paper = edited(&|v| {
        v["ballot_id"] = unwritten.id.into();
        v["marks"] = json!([
            { "nomination_id": round.ids[0], "mark": "agree" },
            { "nomination_id": round.ids[1], "mark": "agree" },
        ]);
    });
    let no_paper = forged(&round, "no_paper", &no_paper, &key);
    refused_as(review, unwritten.id, &no_paper, "not_this_paper");
    // A forged paper listing one more voter: a vote cast on it names another paper.
    let (paper_json, _) = signed_entries(&paper, PAPER);
    let mut fake: Value = serde_json::from_slice(&paper_json).unwrap();
    fake["voters"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "id": 4242, "name": "冒名者" }));
    let fake_sha = keys::sha256_hex(&serde_json::to_vec_pretty(&fake).unwrap());
    let on_fake = edited(&|v| v["paper_sha256"] = fake_sha.clone().into());
    let on_fake = forged(&round, "on_forged_paper", &on_fake, &key);
    refused_as(review, first.id, &on_fake, "not_this_paper");
    // Not among the voters: a stranger's id, or a voter's id under another name.
    let stranger = edited(&|v| v["expert"] = json!({ "id": 4242, "name": "冒名者" }));
    let stranger = forged(&round, "stranger", &stranger, &key);
    refused_as(review, first.id, &stranger, "not_a_voter");
    let renamed = edited(&|v| v["expert"]["name"] = "别人".into());
    let renamed = forged(&round, "renamed", &renamed, &key);
    refused_as(review, first.id, &renamed, "not_a_voter");

    // A ballot voted in the room takes no votes and has no paper, whatever the file.
    let in_room = meeting::open(
        review,
        KEY,
        &Shortlist::TiedAtCut,
        BallotKind::Vote,
        T0,
        "clerk",
    )
    .unwrap();
    let e = ops::ballot::receive_vote(review, in_room.id, Path::new("/nowhere.pdvote"), T0, "c")
        .expect_err("a vote on a room ballot");
    assert_eq!(e.code(), "bad_input");
    assert!(e.message_zh().contains("会场") && e.message_en().contains("room"));
    let e = ops::ballot::write_paper(review, in_room.id, &clerk_keys(), &round.root, T0, "c")
        .expect_err("a paper for a room ballot");
    assert_eq!(e.code(), "bad_input");

    // After all that, the genuine vote is received.
    ops::ballot::receive_vote(review, first.id, &genuine, T0, "clerk").unwrap();
}

/// The JSON and signature entries, `names`, of the signed paper or vote at `file`.
pub(super) fn signed_entries(file: &Path, (json, sig): (&str, &str)) -> (Vec<u8>, Vec<u8>) {
    let mut entries: std::collections::BTreeMap<_, _> =
        super::trust::entries_of(file).into_iter().collect();
    assert_eq!(entries.len(), 2, "{}", file.display());
    (entries.remove(json).unwrap(), entries.remove(sig).unwrap())
}

// ---- attacks: the marks -----------------------------------------------------------------

#[test]
fn marks_that_do_not_answer_the_ballot_are_refused_on_the_laptop_and_by_the_clerk() {
    let round = tied_round();
    let ballot = three_of_five(&round);
    let on_each = laptop_ballot(&round, Shortlist::TiedAtCut, BallotKind::Vote);
    let paper = write_paper(&round, ballot.id);
    let each_paper = write_paper(&round, on_each.id);
    // In the ballot's order (the results' order), not the round's.
    let ids: Vec<i64> = ballot.entries.iter().map(|e| e.nomination_id).collect();
    let good = choosing(&ballot, &ids[..3]);
    let with = |edit: &dyn Fn(&mut Vec<VoteMark>)| {
        let mut marks = good.clone();
        edit(&mut marks);
        marks
    };
    let cases: Vec<(&str, Vec<VoteMark>, String, &str)> = vec![
        (
            "out_of_order",
            with(&|m| m.swap(0, 1)),
            ids[1].to_string(),
            "invalid_vote",
        ),
        (
            "missing",
            with(&|m| {
                m.pop();
            }),
            ids[4].to_string(),
            "invalid_vote",
        ),
        (
            "extra",
            with(&|m| {
                m.push(VoteMark {
                    nomination_id: 999_999,
                    mark: Mark::NotChosen,
                })
            }),
            "999999".into(),
            "invalid_vote",
        ),
        (
            "wrong_word",
            with(&|m| m[0].mark = Mark::Agree),
            "agree".into(),
            "invalid_vote",
        ),
        (
            "four_chosen",
            with(&|m| m[3].mark = Mark::Chosen),
            "3".into(),
            "too_many_chosen",
        ),
    ];
    // None chosen is a blank vote, and counts as present: received last, below.
    let blank = cast(&round, 0, &paper, &choosing(&ballot, &[]));
    let json = vote_json(&blank);
    let mut voter = laptop(&round, 0);
    for (name, marks, named, code) in &cases {
        // The laptop refuses before it asks for the key: a wrong passphrase is not even
        // tried.
        let out = stick(&round, "never");
        let e = ops::ballot::cast_vote(&mut voter, &paper, marks, "wrong", &out, NOW_UNIX)
            .expect_err(name);
        assert_eq!(e.code(), *code, "{name}: {}", e.message_en());
        assert!(std::fs::read_dir(&out).unwrap().next().is_none(), "{name}");
        // The clerk refuses the same marks signed by the voter's own key.
        let mut v = json.clone();
        v["marks"] = serde_json::to_value(marks).unwrap();
        let file = forged(&round, name, &v, &key_of(0));
        let e = refused_as(&round.review, ballot.id, &file, code);
        for message in [e.message_zh(), e.message_en()] {
            assert!(message.contains(named.as_str()), "{name}: {message}");
        }
    }
    // A word no ballot has is not a vote at all.
    let mut v = json.clone();
    v["marks"][0]["mark"] = "yes".into();
    let file = forged(&round, "unknown_word", &v, &key_of(0));
    refused_as(&round.review, ballot.id, &file, "malformed_content");
    // `chosen` on a vote on each is a word of the other kind.
    let chosen_on_each = voting(&on_each, &[Mark::Chosen, Mark::Agree]);
    let e = ops::ballot::cast_vote(
        &mut voter,
        &each_paper,
        &chosen_on_each,
        "wrong",
        &round.root,
        NOW_UNIX,
    )
    .expect_err("chosen on a vote");
    assert_eq!(e.code(), "invalid_vote");
    ops::ballot::receive_vote(&round.review, ballot.id, &blank, T0, "clerk").unwrap();
}

// ---- attacks: once, and only while open ------------------------------------------------

#[test]
fn a_vote_is_received_once_never_changed_and_never_after_the_count() {
    let (round, ballot, paper) = three_of_five_on_paper();
    let first = cast(&round, 0, &paper, &choosing(&ballot, &round.ids[..3]));
    let got = ops::ballot::receive_vote(&round.review, ballot.id, &first, T0, "clerk").unwrap();
    assert!(!got.already_had);
    let audit_len = || {
        let conn = paneldesk::store::open(&round.review).unwrap();
        paneldesk::audit::entries(&conn).unwrap().len()
    };
    let before = audit_len();

    // The same vote again: already received, nothing changes.
    let again = ops::ballot::receive_vote(&round.review, ballot.id, &first, T0, "clerk").unwrap();
    assert!(again.already_had && again.received == 1);
    assert_eq!(audit_len(), before);
    // Another vote by the same expert, cast and signed on their own laptop: refused.
    let changed_mind = {
        let out = stick(&round, "second-thoughts");
        ops::ballot::cast_vote(
            &mut laptop(&round, 0),
            &paper,
            &choosing(&ballot, &round.ids[2..]),
            &passphrase(0),
            &out,
            NOW_UNIX + 60,
        )
        .unwrap()
        .file
    };
    let e = refused_as(&round.review, ballot.id, &changed_mind, "already_voted");
    assert!(
        e.message_zh().contains("另开一次会评"),
        "{}",
        e.message_zh()
    );
    assert_eq!(audit_len(), before);

    // Counted (quorum 0: one vote is one present), the ballot takes no more.
    let outcome =
        ops::ballot::count_votes(&round.review, ballot.id, "王计票", "赵监票", T0, "clerk")
            .unwrap();
    assert_eq!(outcome.entries.len(), 5);
    let late = forged(
        &round,
        "late",
        &{
            let mut v = vote_json(&first);
            v["expert"] = json!({
                "id": expert_id(&round, 1),
                "name": laptop(&round, 1).enrolment().unwrap().unwrap().expert.name,
            });
            v
        },
        &key_of(1),
    );
    refused_as(&round.review, ballot.id, &late, "ballot_counted");
    let e = ops::ballot::count_votes(&round.review, ballot.id, "王计票", "赵监票", T0, "clerk")
        .expect_err("counted twice");
    assert_eq!(e.code(), "bad_input");
}

// ---- counting -----------------------------------------------------------------------------

#[test]
fn a_laptop_ballot_is_counted_only_from_its_votes_and_only_with_a_quorum() {
    let round = tied_round();
    let ballot = three_of_five(&round);
    let b = ballot.id;
    let review = &round.review;
    // Never as typed, nor from a chair's tally: the clerk is told to count from votes.
    let typed = tally_counts(&ballot);
    let e = meeting::count(review, b, &typed, T0, "clerk").expect_err("typed");
    assert_eq!(e.code(), "bad_input");
    assert!(e.message_zh().contains("选票") && e.message_en().contains("votes"));
    let e = tally_file::write(review, b, &typed, &round.root, T0, "clerk").expect_err("tally");
    assert_eq!(e.code(), "bad_input");
    let e = tally_file::confirm(review, b, Path::new("/nowhere.pdtally"), T0, "clerk")
        .expect_err("confirm");
    assert_eq!(e.code(), "bad_input");
    // No votes, no count.
    let e = ops::ballot::count_votes(review, b, "王计票", "赵监票", T0, "clerk")
        .expect_err("nobody voted");
    assert_eq!(e.code(), "impossible_tally");

    // A quorum of four, three votes received: the vote is void.
    let mut rule = vote_rule(paneldesk::merge::aggregate::VoteThreshold::MoreThanHalf);
    rule.tie_breakers.clear();
    rule.quorum = 4;
    category_rules::set(review, KEY, &rule, T0, "clerk").unwrap();
    let paper = write_paper(&round, b);
    let paper_sha = ballot_paper::open(&paper).unwrap().sha256;
    let vote_of = |e: usize, chosen: &[i64]| {
        let v = json!({
            "format": "paneldesk.meeting-vote", "version": 1,
            "review_id": paneldesk::review::summary(review).unwrap().id,
            "ballot_id": b, "paper_sha256": paper_sha,
            "expert": { "id": expert_id(&round, e),
                        "name": laptop(&round, e).enrolment().unwrap().unwrap().expert.name },
            "marks": choosing(&ballot, chosen), "cast_at": "2026-12-02T15:20:00Z",
        });
        forged(&round, &format!("vote{e}"), &v, &key_of(e))
    };
    for e in 0..3 {
        ops::ballot::receive_vote(review, b, &vote_of(e, &round.ids[..3]), T0, "clerk").unwrap();
    }
    let e = ops::ballot::count_votes(review, b, "王计票", "赵监票", T0, "clerk")
        .expect_err("below quorum");
    assert_eq!(e.code(), "impossible_tally");
    assert!(e.message_zh().contains("法定人数") && e.message_en().contains("quorum"));
    assert_eq!(decisions(&round), 0);
    // Who counted and who watched are named, as for any tally.
    ops::ballot::receive_vote(review, b, &vote_of(3, &round.ids[..3]), T0, "clerk").unwrap();
    let e = ops::ballot::count_votes(review, b, " ", "赵监票", T0, "clerk").expect_err("nobody");
    assert_eq!(e.code(), "impossible_tally");
    // The fourth vote makes the quorum: n0, n1, n2 chosen by all four.
    let outcome = ops::ballot::count_votes(review, b, "王计票", "赵监票", T0, "clerk").unwrap();
    let agree = |id: &i64| {
        outcome
            .entries
            .iter()
            .find(|e| e.nomination_id == *id)
            .unwrap()
            .agree
    };
    assert_eq!(
        round.ids.iter().map(agree).collect::<Vec<_>>(),
        [4, 4, 4, 0, 0]
    );
    assert_eq!(
        cuts(&round),
        [Cut::In, Cut::In, Cut::In, Cut::Out, Cut::Out]
    );
    let conn = paneldesk::store::open(review).unwrap();
    let detail: Value = serde_json::from_str(&last_audit_detail(&conn, "meeting.counted")).unwrap();
    assert_eq!(detail["votes"].as_array().unwrap().len(), 4, "{detail}");
    assert_eq!(
        detail["votes"][0]["fingerprint"].as_str().unwrap().len(),
        24
    );
}

/// A typed tally of every entry of `ballot`: 3 of 6 each.
fn tally_counts(ballot: &MeetingBallot) -> meeting::Tally {
    let counts: Vec<(i64, u32, u32, u32)> = ballot
        .entries
        .iter()
        .map(|e| (e.nomination_id, 3, 0, 0))
        .collect();
    super::meeting::tally(6, &counts)
}

#[test]
fn a_laptop_ballot_is_opened_only_with_enough_voters_holding_keys_in_force() {
    let round = tied_round();
    let mut rule = vote_rule(paneldesk::merge::aggregate::VoteThreshold::MoreThanHalf);
    rule.tie_breakers.clear();
    rule.quorum = 7;
    category_rules::set(&round.review, KEY, &rule, T0, "clerk").unwrap();
    // Picked, not the tie: with a quorum no vote can reach, nobody is tied any more.
    let open = || {
        let picked = Shortlist::Picked {
            nominations: round.ids[..2].to_vec(),
        };
        meeting::open_for_laptops(&round.review, KEY, &picked, BallotKind::Vote, T0, "clerk")
    };
    let e = open().expect_err("six voters, quorum seven");
    assert_eq!(e.code(), "bad_input");
    assert!(e.message_zh().contains("法定人数") && e.message_en().contains("quorum"));
    rule.quorum = 0;
    category_rules::set(&round.review, KEY, &rule, T0, "clerk").unwrap();
    for e in 0..6 {
        let id = expert_id(&round, e);
        paneldesk::registration::revoke_in(&round.review, id, "换电脑", T0, "clerk").unwrap();
    }
    let e = open().expect_err("no keys in force");
    assert!(e.message_zh().contains("登记"), "{}", e.message_zh());
}

/// A recused expert leaves the room: one who recused from a nomination on the ballot in
/// the first stage is no voter of it, and their laptop is told so.
#[test]
fn an_expert_recused_from_a_nomination_on_the_ballot_is_not_among_its_voters() {
    use paneldesk::model::marks::Vote::{Agree as A, Disagree as D};
    // The sixth expert recused from the first two, which tie at 4 of 5 for the last place.
    let ballots = vec![
        [Some(A), Some(A), Some(A), Some(A), Some(D), None],
        [Some(A), Some(A), Some(A), Some(A), Some(D), None],
        [Some(A), Some(A), Some(A), Some(A), Some(A), Some(A)],
        [Some(A), Some(A), Some(A), Some(A), Some(A), Some(D)],
        [Some(A), Some(A), Some(D), Some(D), Some(D), Some(D)],
    ];
    let round = super::results_rules::vote_round(&ballots);
    paneldesk::review::set_quota(&round.review, KEY, 3, false, T0, "clerk").unwrap();
    let mut rule = vote_rule(paneldesk::merge::aggregate::VoteThreshold::MoreThanHalf);
    rule.tie_breakers.clear();
    category_rules::set(&round.review, KEY, &rule, T0, "clerk").unwrap();
    let tied = Shortlist::TiedAtCut;
    let choose = BallotKind::Choose { at_most: Some(1) };
    let ballot = meeting::open_for_laptops(&round.review, KEY, &tied, choose, T0, "clerk").unwrap();
    let on_it: Vec<i64> = ballot.entries.iter().map(|e| e.nomination_id).collect();
    assert_eq!(
        on_it,
        round.ids[..2].to_vec(),
        "the two tied are on the ballot"
    );
    let voters: Vec<i64> = ballot
        .laptops
        .as_ref()
        .unwrap()
        .voters
        .iter()
        .map(|v| v.id)
        .collect();
    assert_eq!(
        voters,
        (0..5).map(|e| expert_id(&round, e)).collect::<Vec<_>>()
    );
    let paper = write_paper(&round, ballot.id);
    refused_on_laptop(&laptop(&round, 5), &paper, "not_a_voter");
}

// ---- the voter's laptop ------------------------------------------------------------------

#[test]
fn the_voters_laptop_reads_only_its_clerks_paper_for_its_review_listing_it() {
    let (round, ballot, paper) = three_of_five_on_paper();
    let voter = laptop(&round, 0);
    let shown = ops::ballot::read_paper(&voter, &paper).unwrap();
    assert_eq!(shown.voter.id, expert_id(&round, 0));
    assert_eq!(shown.rule_zh, "差额表决：候选 5 人，每人最多选 3 人");
    assert_eq!(shown.paper.ballot.entries.len(), 5);
    let (json, _) = signed_entries(&paper, PAPER);
    let content: Value = serde_json::from_slice(&json).unwrap();

    // Signed by a key other than the clerk's that signed this laptop's package.
    let stranger = keys::signing_key(&[99; 32]);
    let not_the_clerks = put(
        &round,
        "stranger.pdballot",
        &signed(PAPER, &content, &stranger),
    );
    refused_on_laptop(&voter, &not_the_clerks, "key_mismatch");
    let e = ops::ballot::cast_vote(
        &mut laptop(&round, 0),
        &not_the_clerks,
        &choosing(&ballot, &[]),
        &passphrase(0),
        &round.root,
        NOW_UNIX,
    )
    .expect_err("voted on another clerk's paper");
    assert_eq!(e.code(), "key_mismatch");
    // The clerk's key, another review.
    let clerk = clerk_keys().signing().unwrap();
    let mut elsewhere = content.clone();
    elsewhere["review"]["id"] = "2026-student_exemplar-other".into();
    let elsewhere = put(
        &round,
        "elsewhere.pdballot",
        &signed(PAPER, &elsewhere, &clerk),
    );
    refused_on_laptop(&voter, &elsewhere, "other_review");
    // A ballot opened after expert 5's key was revoked does not list them.
    let five = expert_id(&round, 5);
    paneldesk::registration::revoke_in(&round.review, five, "换电脑", T0, "clerk").unwrap();
    let later = laptop_ballot(&round, Shortlist::TiedAtCut, BallotKind::Vote);
    let voters = later.laptops.as_ref().unwrap().voters.clone();
    assert!(voters.len() == 5 && voters.iter().all(|v| v.id != five));
    let later_paper = write_paper(&round, later.id);
    refused_on_laptop(&laptop(&round, 5), &later_paper, "not_a_voter");
}

// ---- tampered bytes ------------------------------------------------------------------------

#[test]
fn papers_and_votes_changed_after_signing_are_refused() {
    let (round, ballot, paper) = three_of_five_on_paper();
    let vote = cast(&round, 0, &paper, &choosing(&ballot, &round.ids[..2]));
    let bytes = std::fs::read(&vote).unwrap();
    let b = ballot.id;

    // The marks changed under the voter's signature.
    let mut json = vote_json(&vote);
    json["marks"][3]["mark"] = "chosen".into();
    let json = serde_json::to_vec_pretty(&json).unwrap();
    let sig = signed_entries(&vote, VOTE).1;
    let altered = container::canonical_zip(&[("vote.json", &json), ("vote.sig", &sig)]).unwrap();
    refused_as(
        &round.review,
        b,
        &put(&round, "altered.pdvote", &altered),
        "signature_invalid",
    );
    // The same signed entries laid out in another order.
    let json = signed_entries(&vote, VOTE).0;
    let reordered = container::canonical_zip(&[("vote.sig", &sig), ("vote.json", &json)]).unwrap();
    let reordered = put(&round, "reordered.pdvote", &reordered);
    refused_as(&round.review, b, &reordered, "not_canonical");
    // A byte outside the signed entry: the entry's date in its local header.
    let mut redated = bytes.clone();
    redated[12] ^= 1;
    refused_as(
        &round.review,
        b,
        &put(&round, "redated.pdvote", &redated),
        "header_mismatch",
    );
    // A signature entry that is not one.
    let garbled =
        container::canonical_zip(&[("vote.json", &json), ("vote.sig", b"key:zz\n")]).unwrap();
    refused_as(
        &round.review,
        b,
        &put(&round, "garbled.pdvote", &garbled),
        "malformed_signature",
    );
    // Not a vote: a ballot paper, text, a file cut short.
    refused_as(&round.review, b, &paper, "unexpected_entry");
    refused_as(
        &round.review,
        b,
        &put(&round, "text.pdvote", "同意".as_bytes()),
        "not_a_container",
    );
    let cut = put(&round, "cut.pdvote", &bytes[..bytes.len() - 30]);
    refused_as(&round.review, b, &cut, "not_a_container");

    // The paper, on the voter's laptop.
    let (paper_json, paper_sig) = signed_entries(&paper, PAPER);
    let mut content: Value = serde_json::from_slice(&paper_json).unwrap();
    content["voters"].as_array_mut().unwrap().pop();
    let content = serde_json::to_vec_pretty(&content).unwrap();
    let altered =
        container::canonical_zip(&[("ballot.json", &content), ("ballot.sig", &paper_sig)]).unwrap();
    let altered = put(&round, "altered.pdballot", &altered);
    refused_on_laptop(&laptop(&round, 0), &altered, "signature_invalid");
    let reordered =
        container::canonical_zip(&[("ballot.sig", &paper_sig), ("ballot.json", &paper_json)])
            .unwrap();
    let reordered = put(&round, "reordered.pdballot", &reordered);
    refused_on_laptop(&laptop(&round, 0), &reordered, "not_canonical");

    // The genuine vote is still received.
    ops::ballot::receive_vote(&round.review, b, &vote, T0, "clerk").unwrap();
}

// ---- review files from before ------------------------------------------------------------

#[test]
fn a_review_from_before_laptop_votes_opens_with_its_ballots_voted_in_the_room() {
    let round = tied_round();
    let ballot = meeting::open(
        &round.review,
        KEY,
        &Shortlist::TiedAtCut,
        BallotKind::Choose { at_most: None },
        T0,
        "clerk",
    )
    .unwrap();
    meeting::count(&round.review, ballot.id, &room(&round), T0, "clerk").unwrap();
    {
        // Turn the file back into what schema 19 wrote.
        let raw = rusqlite::Connection::open(&round.review).unwrap();
        raw.execute_batch(
            "DROP TABLE meeting_vote;
             ALTER TABLE meeting_ballot DROP COLUMN paper_sha256;
             ALTER TABLE meeting_ballot DROP COLUMN voters_json;
             ALTER TABLE meeting_ballot DROP COLUMN voting;
             PRAGMA user_version = 19;",
        )
        .unwrap();
    }
    let ballots = meeting::list(&round.review).unwrap();
    assert_eq!(ballots.len(), 1);
    assert!(ballots[0].laptops.is_none() && ballots[0].counted.is_some());
    assert_eq!(ballots[0].counted.as_ref().unwrap().votes, None);
    let conn = paneldesk::store::open(&round.review).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, paneldesk::store::SCHEMA_VERSION);
    drop(conn);
    // And the upgraded file takes a ballot voted on laptops.
    let later = three_of_five(&round);
    assert_eq!(later.laptops.unwrap().voters.len(), 6);
}
