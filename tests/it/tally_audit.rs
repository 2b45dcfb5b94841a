//! Issue 22: a 会评 count its chair confirmed stays proved. `audit verify` re-derives every
//! chair-confirmed ballot from the signed tally the review keeps — the chair's signature
//! by their registered key, this review and ballot, the stored counts and outcome, the
//! decisions naming it — so a review file edited with a SQLite tool after the count is
//! caught without any anchor; a ballot counted as typed is reported as not re-derivable.
//! The 计票单 prints the chair's confirmation (or its absence) after the same check.
//! Everything here is done as the clerk and the chair do it: on the command line.

use std::path::{Path, PathBuf};

use paneldesk::merge::tally_file;
use rusqlite::params;
use serde_json::Value;

use super::meeting::{copy_dir, expert_id, key_of, passphrase, signed_bytes, tied_round, CHAIR};
use super::results_rules::{cli, pdf_text, squeezed, VoteRound, KEY};
use super::support::{edit_counted, paneldesk_at, said};
use super::T0;

/// `tied_round`'s tie taken to the meeting on the command line: ballot `chaired`, a
/// choice of one chaired by expert `CHAIR`, counted from the tally they signed on their
/// own laptop; ballot `typed`, a vote without a chair, counted as typed. Both put n0 in.
struct Meeting {
    round: VoteRound,
    chaired: i64,
    typed: i64,
    /// `meeting confirm`'s answer.
    confirmed: Value,
    /// The signed tally the chair handed back.
    signed: PathBuf,
}

fn ok_json(round: &VoteRound, args: &[&str]) -> Value {
    let (ok, out, err) = cli(&round.root, args);
    assert!(ok, "{args:?}: {err}{out}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

fn held_meeting() -> Meeting {
    let round = tied_round();
    let review = round.review.to_str().unwrap();
    let chair = expert_id(&round, CHAIR).to_string();
    let open = |extra: &[&str]| {
        let args = ["--json", "meeting", "open", "--review", review];
        let args = [&args[..], &["--category", KEY, "--tied"], extra].concat();
        ok_json(&round, &args)["id"].as_i64().unwrap()
    };
    // Both opened while the tie stands.
    let chaired = open(&["--choose", "--chair", &chair]);
    let typed = open(&[]);
    let (n0, n1) = (round.ids[0], round.ids[1]);
    // What the room counted, entered by the clerk with `verb` (`count` or `tally`).
    let enter = |verb: &str, ballot: i64, counts: [String; 2], extra: &[&str]| {
        let ballot = ballot.to_string();
        let mut args = vec!["--json", "meeting", verb, "--review", review];
        args.extend(["--ballot", &ballot, "--present", "6"]);
        args.extend(["--counter", "王计票", "--witness", "赵监票"]);
        for c in &counts {
            args.extend(["--count", c.as_str()]);
        }
        args.extend(extra);
        ok_json(&round, &args)
    };
    enter(
        "count",
        typed,
        [format!("{n0}=5/1/0"), format!("{n1}=2/4/0")],
        &[],
    );
    let to_chair = round.root.join("to-chair");
    std::fs::create_dir_all(&to_chair).unwrap();
    let written = enter(
        "tally",
        chaired,
        [format!("{n0}=4"), format!("{n1}=2")],
        &["--out", to_chair.to_str().unwrap()],
    );
    let file = written["file"].as_str().unwrap().to_string();

    // The chair's laptop: a data folder holding the panel `vote_round` enrolled them on.
    let chair_data = round.root.join("chair-data");
    copy_dir(
        &round.root.join(format!("expert{CHAIR}")),
        &chair_data.join("panels"),
    );
    let back = round.root.join("back");
    std::fs::create_dir_all(&back).unwrap();
    let (ok, out, err) = said(
        paneldesk_at(&chair_data)
            .env("PANELDESK_PASSPHRASE", passphrase(CHAIR))
            .args(["--json", "meeting", "sign", &file, "--out"])
            .arg(&back)
            .output()
            .unwrap(),
    );
    assert!(ok, "{err}{out}");
    let signed: Value = serde_json::from_str(&out).unwrap();
    let signed = PathBuf::from(signed["file"].as_str().unwrap());

    let ballot = chaired.to_string();
    let args = ["--json", "meeting", "confirm", "--review", review];
    let args = [&args[..], &["--ballot", &ballot, signed.to_str().unwrap()]].concat();
    let confirmed = ok_json(&round, &args);
    Meeting {
        round,
        chaired,
        typed,
        confirmed,
        signed,
    }
}

/// `audit verify` on `review` from `round`'s clerk laptop: whether it passed, its report,
/// what it said to a person (both outputs), and the error it printed (null when it passed).
pub(super) fn audit_verify(round: &VoteRound, review: &Path) -> (bool, Value, String, Value) {
    let review = review.to_str().unwrap();
    let (ok, out, err) = cli(
        &round.root,
        &["--json", "audit", "verify", "--review", review],
    );
    // A failing check prints its report, then the error, each as JSON.
    let mut printed = serde_json::Deserializer::from_str(&out).into_iter::<Value>();
    let report = printed
        .next()
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("not a report: {out}{err}"));
    let error = printed.next().and_then(Result::ok).unwrap_or_default();
    if !ok {
        assert_eq!(error["error"]["code"], "marks_differ", "{out}");
    }
    let (said_ok, words, said_err) = cli(&round.root, &["audit", "verify", "--review", review]);
    assert_eq!(ok, said_ok, "{words}{said_err}");
    (ok, report, format!("{words}{said_err}"), error)
}

/// `audit_verify` for the meeting; a failure's error speaks of the chair's 会评计票.
fn audit(m: &Meeting, review: &Path) -> (bool, Value, String) {
    let (ok, report, words, error) = audit_verify(&m.round, review);
    if !ok {
        let said = format!(
            "{}{}",
            error["error"]["message_zh"], error["error"]["message_en"]
        );
        assert!(
            said.contains("会评计票") && said.contains("chair"),
            "{said}"
        );
    }
    (ok, report, words)
}

/// A copy of `round`'s review, then `edit` run on it with a bare SQLite connection, as
/// someone holding the file could.
pub(super) fn tampered_copy(
    round: &VoteRound,
    name: &str,
    edit: impl FnOnce(&rusqlite::Connection),
) -> PathBuf {
    let copy = round.root.join(format!("{name}.pdreview"));
    paneldesk::review::backup(&round.review, &copy, T0, "clerk").unwrap();
    let raw = rusqlite::Connection::open(&copy).unwrap();
    edit(&raw);
    drop(raw);
    copy
}

fn tampered(m: &Meeting, name: &str, edit: impl FnOnce(&rusqlite::Connection)) -> PathBuf {
    tampered_copy(&m.round, name, edit)
}

/// The result of `ballot` turned round, consistently: the 同意 of `n0` and `n1` set to
/// `agree`, `n0` out and `n1` in, in the counts, the outcome and the decisions naming it.
pub(super) fn turned_round(
    raw: &rusqlite::Connection,
    ballot: i64,
    (n0, n1): (i64, i64),
    agree: [i64; 2],
) {
    edit_counted(raw, ballot, |c| {
        for (i, (passed, result)) in [(false, "out"), (true, "in")].into_iter().enumerate() {
            c["tally"]["counts"][i]["agree"] = agree[i].into();
            let entry = &mut c["outcome"]["entries"][i];
            entry["agree"] = agree[i].into();
            entry["passed"] = passed.into();
            entry["result"] = result.into();
        }
    });
    for (nomination, outcome) in [(n0, "out"), (n1, "in")] {
        raw.execute(
            "UPDATE result_decision SET outcome = ?3 WHERE ballot_id = ?1 AND nomination_id = ?2",
            params![ballot, nomination, outcome],
        )
        .unwrap();
    }
}

/// The decisions naming `ballot` alone turned round: results change, the count does not
/// say so.
pub(super) fn decisions_turned(raw: &rusqlite::Connection, ballot: i64) {
    raw.execute(
        "UPDATE result_decision SET outcome = CASE outcome WHEN 'in' THEN 'out' ELSE 'in' END
         WHERE ballot_id = ?1",
        [ballot],
    )
    .unwrap();
}

/// `audit verify`, as `audit_verify` answered it, failed and names `kind` for `ballot` in
/// its report and in words, and names nothing else.
pub(super) fn names_only(audited: &(bool, Value, String), ballot: i64, kind: &str) {
    let (ok, report, words) = audited;
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
    assert_eq!(found, [(ballot, kind.to_string())], "{words}");
    assert!(
        words.contains(&format!("✗ 会评表决 ballot {ballot}  {kind}")),
        "{words}"
    );
    assert_eq!(report["ok"], false);
}

/// `audit verify` on `review` fails, names `kind` for `ballot` in its report and in words,
/// and names nothing else.
fn caught(m: &Meeting, review: &Path, ballot: i64, kind: &str) {
    names_only(&audit(m, review), ballot, kind);
}

#[test]
fn audit_verify_re_derives_a_chair_confirmed_count_and_says_a_typed_one_is_not() {
    let m = held_meeting();
    let (ok, report, words) = audit(&m, &m.round.review);
    assert!(ok, "{words}");
    let ballots = report["tallies"]["ballots"]
        .as_array()
        .expect("ballots checked");
    assert_eq!(ballots.len(), 2, "{report}");
    let chaired = &ballots[0];
    assert_eq!(chaired["ballot"], m.chaired);
    assert_eq!(chaired["counted_from"], "chair_signed");
    let proved = &chaired["proved"];
    let confirmation = &m.confirmed["confirmation"];
    for field in ["chair_id", "chair_name", "fingerprint", "tally_sha256"] {
        assert_eq!(proved[field], confirmation[field], "{field}: {report}");
    }
    let kept = tally_file::open_signed(&m.signed).unwrap();
    let signed_at = kept
        .signed_at
        .clone()
        .expect("the chair's laptop says when");
    assert_eq!(proved["signed_at"], signed_at.as_str());
    let typed = &ballots[1];
    assert_eq!(typed["ballot"], m.typed);
    assert_eq!(typed["counted_from"], "typed");
    assert!(typed["proved"].is_null());
    for needle in [
        "重新推导一致",
        "re-derived from the chair's kept signed tally",
        "按录入计票",
        "not re-derivable",
    ] {
        assert!(words.contains(needle), "{needle}: {words}");
    }
}

#[test]
fn a_stored_count_changed_after_the_chair_confirmed_it_is_caught() {
    let m = held_meeting();
    let (n0, n1) = (m.round.ids[0], m.round.ids[1]);
    // One more 同意 written in for n0.
    let one_more = tampered(&m, "one_more", |raw| {
        edit_counted(raw, m.chaired, |c| {
            c["tally"]["counts"][0]["agree"] = 5.into();
            c["outcome"]["entries"][0]["agree"] = 5.into();
        });
    });
    caught(&m, &one_more, m.chaired, "tally_changed");

    // The result turned round, consistently: counts swapped, the outcome and the decisions
    // naming the ballot with them.
    let turned = tampered(&m, "turned", |raw| {
        turned_round(raw, m.chaired, (n0, n1), [2, 4])
    });
    caught(&m, &turned, m.chaired, "tally_changed");

    // The decisions alone turned round: results change, the count does not say so.
    let decided = tampered(&m, "decided", |raw| decisions_turned(raw, m.chaired));
    caught(&m, &decided, m.chaired, "ballot_decisions_differ");

    // The typed ballot has no signature, but its count is still the audited one.
    let retyped = tampered(&m, "retyped", |raw| {
        edit_counted(raw, m.typed, |c| {
            c["tally"]["counts"][1]["agree"] = 3.into();
            c["tally"]["counts"][1]["disagree"] = 3.into();
        });
    });
    caught(&m, &retyped, m.typed, "tally_not_as_audited");
}

#[test]
fn kept_signed_bytes_swapped_or_deleted_are_caught() {
    let m = held_meeting();
    let kept = std::fs::read(&m.signed).unwrap();
    let (_, json, _) = tally_file::open_unsigned(&m.signed).unwrap();
    let swap = |name: &str, bytes: Vec<u8>| {
        tampered(&m, name, |raw| {
            raw.execute(
                "UPDATE meeting_ballot SET signed_tally = ?2 WHERE id = ?1",
                params![m.chaired, bytes],
            )
            .unwrap();
        })
    };
    // The same tally, signed by another expert's registered key and by a key nobody
    // registered: each signature verifies, neither is the chair's.
    let other_expert = swap("other_expert", signed_bytes(&json, &key_of(1)));
    caught(&m, &other_expert, m.chaired, "tally_signature");
    let stranger = swap(
        "stranger",
        signed_bytes(&json, &paneldesk::keys::signing_key(&[99; 32])),
    );
    caught(&m, &stranger, m.chaired, "tally_signature");
    // One byte of the kept file changed.
    let mut flipped = kept.clone();
    let at = flipped.len() / 3;
    flipped[at] ^= 1;
    caught(&m, &swap("flipped", flipped), m.chaired, "tally_signature");
    // A tally the chair signed, for another ballot of another review.
    let elsewhere: Value = {
        let mut v: Value = serde_json::from_slice(&json).unwrap();
        v["review"]["id"] = "2026-student_exemplar-other".into();
        v
    };
    let elsewhere = serde_json::to_vec_pretty(&elsewhere).unwrap();
    let other_review = swap("other_review", signed_bytes(&elsewhere, &key_of(CHAIR)));
    caught(&m, &other_review, m.chaired, "tally_not_this_ballot");

    // The kept bytes deleted.
    let deleted = tampered(&m, "deleted", |raw| {
        raw.execute(
            "UPDATE meeting_ballot SET signed_tally = NULL WHERE id = ?1",
            [m.chaired],
        )
        .unwrap();
    });
    caught(&m, &deleted, m.chaired, "tally_not_kept");

    // Made to look typed: chair, kept bytes and confirmation all removed from the row, and
    // a count changed. The audit log still says who chaired it.
    let disguised = tampered(&m, "disguised", |raw| {
        edit_counted(raw, m.chaired, |c| {
            c.as_object_mut().unwrap().remove("confirmed");
            c["tally"]["counts"][0]["agree"] = 5.into();
        });
        raw.execute(
            "UPDATE meeting_ballot SET chair_expert_id = NULL, signed_tally = NULL, tally_sha256 = NULL
             WHERE id = ?1",
            [m.chaired],
        )
        .unwrap();
    });
    caught(&m, &disguised, m.chaired, "tally_not_kept");
}

#[test]
fn the_tally_sheet_prints_the_chairs_confirmation_or_says_there_was_none() {
    let m = held_meeting();
    let review = m.round.review.to_str().unwrap();
    let sheet = |review: &str, ballot: i64, name: &str| {
        let out = m.round.root.join(name);
        let ballot = ballot.to_string();
        let args = ["meeting", "sheet", "--review", review, "--ballot", &ballot];
        let (ok, stdout, err) = cli(
            &m.round.root,
            &[&args[..], &["--out", out.to_str().unwrap()]].concat(),
        );
        (ok, out, format!("{stdout}{err}"))
    };
    let keep = |pdf: &Path, as_name: &str| {
        if let Some(dir) = std::env::var_os("PANELDESK_KEEP_REPORTS") {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::copy(pdf, Path::new(&dir).join(as_name)).unwrap();
        }
    };

    let (ok, pdf, said) = sheet(review, m.chaired, "chaired.pdf");
    assert!(ok, "{said}");
    keep(&pdf, "tally-sheet-chair-signed.pdf");
    let text = squeezed(&pdf_text(&pdf));
    let c = &m.confirmed["confirmation"];
    let signed_at = tally_file::open_signed(&m.signed)
        .unwrap()
        .signed_at
        .unwrap();
    let (day, time) = signed_at.trim_end_matches('Z').split_once('T').unwrap();
    let zh_first = text
        .find("组长电子签名确认")
        .expect("the confirmation, in Chinese");
    let en_second = text
        .find("Confirmedbythechair'ssignature")
        .expect("the confirmation, in English");
    assert!(zh_first < en_second, "{text}");
    for needle in [
        squeezed(c["chair_name"].as_str().unwrap()),
        c["fingerprint"].as_str().unwrap().to_string(),
        c["tally_sha256"].as_str().unwrap().to_string(),
        format!("签名时间：{day}{time}UTC"),
        format!("signed{day}{time}UTC"),
        "计票人".into(),
        "监票人".into(),
        "评审组组长（签字）".into(),
    ] {
        assert!(text.contains(&needle), "{needle} missing: {text}");
    }
    assert!(!text.contains("未经组长电子签名确认"), "{text}");

    let (ok, pdf, said) = sheet(review, m.typed, "typed.pdf");
    assert!(ok, "{said}");
    keep(&pdf, "tally-sheet-typed.pdf");
    let text = squeezed(&pdf_text(&pdf));
    for needle in [
        "未经组长电子签名确认",
        "notconfirmedbythechair'ssignature",
        "评审组组长（签字）",
    ] {
        assert!(text.contains(needle), "{needle} missing: {text}");
    }
    assert!(!text.contains("组长电子签名确认："), "{text}");

    // A review whose count no longer matches the chair's signed tally prints no sheet
    // stating it.
    let changed = tampered(&m, "changed", |raw| {
        edit_counted(raw, m.chaired, |c| c["tally"]["present"] = 5.into());
    });
    let (ok, pdf, said) = sheet(changed.to_str().unwrap(), m.chaired, "changed.pdf");
    assert!(!ok && said.contains("tally_changed"), "{said}");
    assert!(!pdf.exists());
}
