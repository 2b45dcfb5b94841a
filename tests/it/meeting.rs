//! The panel's meeting (会评, issue 22): nominations tied at the cut go to a second
//! vote — a 差额 choice (at most k of n) or a 同意/不同意 vote — whose tally the clerk
//! records on one laptop. Its outcome settles the cut through decisions that name the
//! ballot, and a 计票单 with signature lines records it. Bad tallies are refused whole.

use paneldesk::merge::meeting::{
    self, BallotKind, Count, MeetingBallot, MeetingOutcome, Shortlist, Tally,
};
use paneldesk::merge::rank::Cut;
use paneldesk::merge::results::{compute, ResultOptions};
use paneldesk::model::marks::Vote::{Abstain as O, Agree as A, Disagree as D};
use paneldesk::store::category_rules::{self};
use paneldesk::Result;

use super::results_rules::{
    cli, pdf_text, row, squeezed, vote_round, vote_rule, Ballot, VoteRound, KEY,
};
use super::support::{assert_says, print_args, test_meta};
use super::T0;

/// Quota 3 with no tie-breaker: n2 (6/6) and n3 (5/6) are in; n0 and n1 (4 of 6 each)
/// tie for the last place; n4 (2/6) failed.
fn tied_round() -> VoteRound {
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

fn cuts(round: &VoteRound) -> Vec<Cut> {
    let results = compute(&round.review, &ResultOptions::default()).unwrap();
    let c = &results.categories[0];
    round.ids.iter().map(|id| row(c, *id).cut).collect()
}

fn decisions(round: &VoteRound) -> i64 {
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

fn tally(present: u32, counts: &[(i64, u32, u32, u32)]) -> Tally {
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
    let pdf = paneldesk::report::tally_sheet::render(&view, &test_meta("会评计票单")).unwrap();
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
