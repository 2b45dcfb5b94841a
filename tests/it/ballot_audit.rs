//! A 会评 counted from the experts' laptop votes stays proved. `audit verify` re-derives
//! such a ballot from the signed votes the review keeps — each vote verifies, signed by
//! the key registered for its expert, on this review's ballot and paper, with marks the
//! clerk would accept; the votes kept are those the count lists; recounting them gives
//! the stored count and outcome; the count's audit entry lists the same votes — so a
//! review file edited with a SQLite tool after the count is caught, and the 计票单 of
//! such a ballot is not printed (docs/formats.md, "What `audit verify` checks for a ballot
//! counted from votes").

use std::path::{Path, PathBuf};

use paneldesk::merge::ballot_vote;
use paneldesk::merge::meeting::{BallotKind, Shortlist};
use paneldesk::merge::{ballot_paper, rederive};
use rusqlite::params;
use serde_json::Value;

use super::laptop_ballot::{choosing, laptop_ballot, signed_entries, write_paper, VOTE};
use super::meeting::{expert_id, key_of, laptop, passphrase, stick, tied_round, NOW_UNIX};
use super::results_rules::{cli, VoteRound};
use super::support::edit_counted;
use super::tally_audit::{audit_verify, decisions_turned, names_only, tampered_copy, turned_round};
use super::T0;

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

fn voted() -> Voted {
    let round = tied_round();
    let review = &round.review;
    let ballot = laptop_ballot(
        &round,
        Shortlist::TiedAtCut,
        BallotKind::Choose { at_most: None },
    );
    let paper = write_paper(&round, ballot.id);
    let signed_paper = ballot_paper::open(&paper).unwrap();
    let voters = ballot.laptops.clone().unwrap().voters;
    let chosen = [Some(0), Some(0), Some(1), Some(0), Some(0), None];
    let mut votes = Vec::new();
    for (e, pick) in chosen.into_iter().enumerate() {
        let marks = choosing(&ballot, pick.map(|i| round.ids[i]).as_slice());
        let out = stick(&round, &format!("vote{e}"));
        let file = if e == 0 {
            paneldesk::ops::ballot::cast_vote(
                &mut laptop(&round, 0),
                &paper,
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
                &paper,
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

/// `audit verify` on the clerk's laptop (`tally_audit::audit_verify`).
fn audit(v: &Voted, review: &Path) -> (bool, Value, String) {
    let (ok, report, words, _) = audit_verify(&v.round, review);
    (ok, report, words)
}

/// `tally_audit::tampered_copy`, whose edit need not keep the review's constraints.
fn tampered(v: &Voted, name: &str, edit: impl FnOnce(&rusqlite::Connection)) -> PathBuf {
    tampered_copy(&v.round, name, |raw| {
        raw.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        edit(raw);
    })
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

fn vote_file(json: &[u8], sig: &[u8]) -> Vec<u8> {
    paneldesk::container::canonical_zip(&[("vote.json", json), ("vote.sig", sig)]).unwrap()
}

/// `audit verify` on `review` fails, names `kind` for the ballot in its report and in
/// words, and names nothing else; the ballot is still reported as counted from votes.
fn caught(v: &Voted, review: &Path, kind: &str) {
    let audited = audit(v, review);
    names_only(&audited, v.ballot, kind);
    let report = &audited.1;
    let checked = &report["tallies"]["ballots"][0];
    assert_eq!(checked["counted_from"], "laptop_votes", "{report}");
    assert!(checked["votes"].is_null(), "nothing proved: {report}");
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
    let turned = tampered(&v, "turned", |raw| turned_round(raw, b, (n0, n1), [1, 4]));
    caught(&v, &turned, "votes_recount_differs");

    // One more vote written in for n1, the outcome left alone.
    let one_more = tampered(&v, "one_more", |raw| {
        edit_counted(raw, b, |c| c["tally"]["counts"][1]["agree"] = 2.into());
    });
    caught(&v, &one_more, "votes_recount_differs");

    // The list of votes counted changed: one expert's vote named by another hash.
    let relisted = tampered(&v, "relisted", |raw| {
        edit_counted(raw, b, |c| {
            c["votes"][2]["vote_sha256"] = "0".repeat(64).into()
        });
    });
    caught(&v, &relisted, "votes_not_as_counted");

    // The decisions alone turned round.
    let decided = tampered(&v, "decided", |raw| decisions_turned(raw, b));
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
    let (json, sig) = signed_entries(&v.votes[0], VOTE);
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
        edit_counted(raw, b, |c| {
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
        edit_counted(raw, b, |c| {
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
