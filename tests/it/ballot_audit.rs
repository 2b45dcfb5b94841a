//! A 会评 counted from the experts' laptop votes stays proved. `audit verify` re-derives
//! such a ballot from the signed votes the review keeps — each vote verifies, signed by
//! the key registered for its expert, on this review's ballot and paper, with marks the
//! clerk would accept; the votes kept are those the count lists; recounting them gives
//! the stored count and outcome; the count's audit entry lists the same votes — so a
//! review file edited with a SQLite tool after the count is caught, and the 计票单 of
//! such a ballot is not printed (docs/formats.md, "What `audit verify` checks for a ballot
//! counted from votes").

use std::path::{Path, PathBuf};

use paneldesk::merge::ballot_vote::{self, Mark, VoteMark};
use paneldesk::merge::meeting::{self, BallotKind, Shortlist};
use paneldesk::merge::{ballot_paper, rederive};
use rusqlite::params;
use serde_json::Value;

use super::meeting::{expert_id, key_of, laptop, passphrase, tied_round, NOW_UNIX};
use super::results_rules::{cli, VoteRound, KEY};
use super::{clerk_keys, T0};

/// `tied_round`'s tie voted on the experts' laptops: ballot `ballot`, a choice of one of
/// the two tied, its paper written with the clerk's key; expert 0 votes on their own
/// laptop, the others' votes are signed with their keys as their laptops would; experts
/// 0, 1, 3 and 4 choose n0, expert 2 n1, expert 5 neither. All six received and counted:
/// n0 is in.
struct Voted {
    round: VoteRound,
    ballot: i64,
    /// Each expert's vote file, by position on the roster.
    votes: Vec<PathBuf>,
}

fn stick(round: &VoteRound, name: &str) -> PathBuf {
    let dir = round.root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn choice(round: &VoteRound, chosen: Option<usize>) -> Vec<VoteMark> {
    (0..2)
        .map(|i| VoteMark {
            nomination_id: round.ids[i],
            mark: if chosen == Some(i) {
                Mark::Chosen
            } else {
                Mark::NotChosen
            },
        })
        .collect()
}

fn voted() -> Voted {
    let round = tied_round();
    let review = &round.review;
    let ballot = meeting::open_for_laptops(
        review,
        KEY,
        &Shortlist::TiedAtCut,
        BallotKind::Choose { at_most: None },
        T0,
        "clerk",
    )
    .unwrap();
    let clerk = clerk_keys().signing().unwrap();
    let paper = ballot_paper::write(
        review,
        ballot.id,
        &clerk,
        &stick(&round, "papers"),
        T0,
        "clerk",
    )
    .unwrap();
    let signed_paper = ballot_paper::open(&paper.file).unwrap();
    let voters = ballot.laptops.clone().unwrap().voters;
    let chosen = [Some(0), Some(0), Some(1), Some(0), Some(0), None];
    let mut votes = Vec::new();
    for (e, pick) in chosen.into_iter().enumerate() {
        let marks = choice(&round, pick);
        let out = stick(&round, &format!("vote{e}"));
        let file = if e == 0 {
            paneldesk::ops::ballot::cast_vote(
                &mut laptop(&round, 0),
                &paper.file,
                &marks,
                &passphrase(0),
                &out,
                NOW_UNIX,
            )
            .unwrap()
            .file
        } else {
            let voter = voters
                .iter()
                .find(|v| v.id == expert_id(&round, e))
                .unwrap();
            ballot_vote::sign(
                &paper.file,
                &signed_paper,
                voter,
                &marks,
                &key_of(e),
                "2026-12-02T15:20:00Z",
                &out,
            )
            .unwrap()
        };
        ballot_vote::receive(review, ballot.id, &file, T0, "clerk").unwrap();
        votes.push(file);
    }
    ballot_vote::count(review, ballot.id, "王计票", "赵监票", T0, "clerk").unwrap();
    Voted {
        ballot: ballot.id,
        round,
        votes,
    }
}

/// `audit verify` on the clerk's laptop: whether it passed, its report, and what it said
/// to a person.
fn audit(v: &Voted, review: &Path) -> (bool, Value, String) {
    let review = review.to_str().unwrap();
    let (ok, out, err) = cli(
        &v.round.root,
        &["--json", "audit", "verify", "--review", review],
    );
    let mut printed = serde_json::Deserializer::from_str(&out).into_iter::<Value>();
    let report = printed
        .next()
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("not a report: {out}{err}"));
    if !ok {
        let error = printed.next().and_then(Result::ok).unwrap_or_default();
        assert_eq!(error["error"]["code"], "marks_differ", "{out}");
    }
    let (said_ok, words, said_err) = cli(&v.round.root, &["audit", "verify", "--review", review]);
    assert_eq!(ok, said_ok, "{words}{said_err}");
    (ok, report, format!("{words}{said_err}"))
}

/// A copy of the review, then `edit` run on it with a bare SQLite connection, as someone
/// holding the file could.
fn tampered(v: &Voted, name: &str, edit: impl FnOnce(&rusqlite::Connection)) -> PathBuf {
    let copy = v.round.root.join(format!("{name}.pdreview"));
    paneldesk::review::backup(&v.round.review, &copy, T0, "clerk").unwrap();
    let raw = rusqlite::Connection::open(&copy).unwrap();
    raw.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    edit(&raw);
    drop(raw);
    copy
}

fn counted_json(raw: &rusqlite::Connection, ballot: i64) -> Value {
    let text: String = raw
        .query_row(
            "SELECT counted_json FROM meeting_ballot WHERE id = ?1",
            [ballot],
            |r| r.get(0),
        )
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn set_counted(raw: &rusqlite::Connection, ballot: i64, edit: impl FnOnce(&mut Value)) {
    let mut c = counted_json(raw, ballot);
    edit(&mut c);
    raw.execute(
        "UPDATE meeting_ballot SET counted_json = ?2 WHERE id = ?1",
        params![ballot, c.to_string()],
    )
    .unwrap();
}

fn keep(raw: &rusqlite::Connection, ballot: i64, expert: i64, bytes: &[u8]) {
    let n = raw
        .execute(
            "UPDATE meeting_vote SET file = ?3 WHERE ballot_id = ?1 AND expert_id = ?2",
            params![ballot, expert, bytes],
        )
        .unwrap();
    assert_eq!(n, 1);
}

/// The two entries of a vote file.
fn entries(file: &Path) -> (Vec<u8>, Vec<u8>) {
    let e = super::trust::entries_of(file);
    (e[0].1.clone(), e[1].1.clone())
}

fn vote_file(json: &[u8], sig: &[u8]) -> Vec<u8> {
    paneldesk::container::canonical_zip(&[("vote.json", json), ("vote.sig", sig)]).unwrap()
}

/// `audit verify` on `review` fails, names `kind` for the ballot in its report and in
/// words, and names nothing else; the ballot is still reported as counted from votes.
fn caught(v: &Voted, review: &Path, kind: &str) {
    let (ok, report, words) = audit(v, review);
    assert!(!ok, "{kind}: audit verify passed: {words}");
    let found: Vec<(i64, String)> = report["tallies"]["differences"]
        .as_array()
        .unwrap_or_else(|| panic!("{kind}: no tally differences: {report}"))
        .iter()
        .map(|d| {
            (
                d["ballot"].as_i64().unwrap(),
                d["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(found, [(v.ballot, kind.to_string())], "{words}");
    assert!(
        words.contains(&format!("✗ 会评表决 ballot {}  {kind}", v.ballot)),
        "{words}"
    );
    let checked = &report["tallies"]["ballots"][0];
    assert_eq!(checked["counted_from"], "laptop_votes", "{report}");
    assert!(checked["votes"].is_null(), "nothing proved: {report}");
    assert_eq!(report["ok"], false);
}

#[test]
fn audit_verify_re_derives_a_count_from_the_laptop_votes_kept() {
    let v = voted();
    let (ok, report, words) = audit(&v, &v.round.review);
    assert!(ok, "{words}");
    let ballots = report["tallies"]["ballots"].as_array().unwrap();
    assert_eq!(ballots.len(), 1, "{report}");
    let b = &ballots[0];
    assert_eq!(b["ballot"], v.ballot);
    assert_eq!(b["counted_from"], "laptop_votes");
    assert!(b["proved"].is_null(), "no chair: {report}");
    let proved = b["votes"].as_array().expect("the votes it stands on");
    assert_eq!(proved.len(), 6, "{report}");
    for (e, file) in v.votes.iter().enumerate() {
        let kept = ballot_vote::open(file).unwrap();
        let p = proved
            .iter()
            .find(|p| p["expert_id"] == expert_id(&v.round, e))
            .unwrap_or_else(|| panic!("expert {e} not listed: {report}"));
        assert_eq!(p["fingerprint"], kept.fingerprint.as_str());
        assert_eq!(p["vote_sha256"], kept.sha256.as_str());
    }
    assert!(
        words.contains("6 张专家签名选票重新推导一致") && words.contains("6 signed votes kept"),
        "{words}"
    );
    // The library's answer is the CLI's.
    let conn = paneldesk::store::open(&v.round.review).unwrap();
    let checked = rederive::ballots(&conn).unwrap();
    assert!(checked.differences.is_empty(), "{checked:?}");
    assert_eq!(
        checked.ballots[0].counted_from,
        rederive::CountedFrom::LaptopVotes
    );
}

#[test]
fn a_stored_count_changed_after_the_votes_were_counted_is_caught() {
    let v = voted();
    let b = v.ballot;
    let (n0, n1) = (v.round.ids[0], v.round.ids[1]);
    // The result turned round, consistently: counts, outcome and decisions.
    let turned = tampered(&v, "turned", |raw| {
        set_counted(raw, b, |c| {
            c["tally"]["counts"][0]["agree"] = 1.into();
            c["tally"]["counts"][1]["agree"] = 4.into();
            let entries = c["outcome"]["entries"].as_array_mut().unwrap();
            entries[0]["agree"] = 1.into();
            entries[0]["passed"] = false.into();
            entries[0]["result"] = "out".into();
            entries[1]["agree"] = 4.into();
            entries[1]["passed"] = true.into();
            entries[1]["result"] = "in".into();
        });
        for (nomination, outcome) in [(n0, "out"), (n1, "in")] {
            raw.execute(
                "UPDATE result_decision SET outcome = ?3 WHERE ballot_id = ?1 AND nomination_id = ?2",
                params![b, nomination, outcome],
            )
            .unwrap();
        }
    });
    caught(&v, &turned, "votes_recount_differs");

    // One more vote written in for n1, the outcome left alone.
    let one_more = tampered(&v, "one_more", |raw| {
        set_counted(raw, b, |c| c["tally"]["counts"][1]["agree"] = 2.into());
    });
    caught(&v, &one_more, "votes_recount_differs");

    // The list of votes counted changed: one expert's vote named by another hash.
    let relisted = tampered(&v, "relisted", |raw| {
        set_counted(raw, b, |c| {
            c["votes"][2]["vote_sha256"] = "0".repeat(64).into()
        });
    });
    caught(&v, &relisted, "votes_not_as_counted");

    // The decisions alone turned round.
    let decided = tampered(&v, "decided", |raw| {
        raw.execute(
            "UPDATE result_decision SET outcome = CASE outcome WHEN 'in' THEN 'out' ELSE 'in' END
             WHERE ballot_id = ?1",
            [b],
        )
        .unwrap();
    });
    caught(&v, &decided, "ballot_decisions_differ");
}

#[test]
fn kept_votes_deleted_swapped_or_altered_are_caught() {
    let v = voted();
    let b = v.ballot;
    let e0 = expert_id(&v.round, 0);
    let e5 = expert_id(&v.round, 5);

    let deleted = tampered(&v, "deleted", |raw| {
        raw.execute(
            "DELETE FROM meeting_vote WHERE ballot_id = ?1 AND expert_id = ?2",
            params![b, e0],
        )
        .unwrap();
    });
    caught(&v, &deleted, "votes_not_as_counted");

    // Expert 0's vote replaced by expert 1's bytes: signed, but not by expert 0.
    let other = std::fs::read(&v.votes[1]).unwrap();
    let swapped = tampered(&v, "swapped", |raw| keep(raw, b, e0, &other));
    caught(&v, &swapped, "vote_signature");

    // Expert 0's marks turned round in the kept bytes: the signature no longer holds.
    let (json, sig) = entries(&v.votes[0]);
    let text = String::from_utf8(json).unwrap();
    let flipped = text
        .replacen("\"chosen\"", "\"was_chosen\"", 1)
        .replacen("\"not_chosen\"", "\"chosen\"", 1)
        .replacen("\"was_chosen\"", "\"not_chosen\"", 1);
    assert_ne!(flipped, text);
    let flipped = tampered(&v, "flipped", |raw| {
        keep(raw, b, e0, &vote_file(flipped.as_bytes(), &sig))
    });
    caught(&v, &flipped, "vote_signature");

    // Expert 5's blank vote removed everywhere the ballot's row holds it: the votes kept,
    // the votes listed and the number present agree again; only the count's audit entry
    // still lists it.
    let consistent = tampered(&v, "consistent", |raw| {
        raw.execute(
            "DELETE FROM meeting_vote WHERE ballot_id = ?1 AND expert_id = ?2",
            params![b, e5],
        )
        .unwrap();
        set_counted(raw, b, |c| {
            c["votes"]
                .as_array_mut()
                .unwrap()
                .retain(|x| x["expert_id"] != e5);
            c["tally"]["present"] = 5.into();
        });
    });
    caught(&v, &consistent, "tally_not_as_audited");

    // Made to look voted in the room: the row's voting, voters, paper and votes gone.
    // The audit log still says it was opened for laptops.
    let disguised = tampered(&v, "disguised", |raw| {
        raw.execute(
            "UPDATE meeting_ballot SET voting = 'room', voters_json = NULL, paper_sha256 = NULL
             WHERE id = ?1",
            [b],
        )
        .unwrap();
        raw.execute("DELETE FROM meeting_vote WHERE ballot_id = ?1", [b])
            .unwrap();
        set_counted(raw, b, |c| {
            c.as_object_mut().unwrap().remove("votes");
        });
    });
    caught(&v, &disguised, "votes_recount_differs");
}

#[test]
fn the_tally_sheet_of_a_ballot_whose_votes_do_not_re_derive_is_not_printed() {
    let v = voted();
    let sheet = |review: &Path, name: &str| {
        let out = v.round.root.join(name);
        let ballot = v.ballot.to_string();
        let (ok, stdout, err) = cli(
            &v.round.root,
            &[
                "meeting",
                "sheet",
                "--review",
                review.to_str().unwrap(),
                "--ballot",
                &ballot,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        (ok, out, format!("{stdout}{err}"))
    };
    let (ok, pdf, said) = sheet(&v.round.review, "voted.pdf");
    assert!(ok && pdf.exists(), "{said}");

    let e0 = expert_id(&v.round, 0);
    let other = std::fs::read(&v.votes[1]).unwrap();
    let swapped = tampered(&v, "swapped", |raw| keep(raw, v.ballot, e0, &other));
    let (ok, pdf, said) = sheet(&swapped, "swapped.pdf");
    assert!(!ok && said.contains("vote_signature"), "{said}");
    assert!(!pdf.exists());
}
