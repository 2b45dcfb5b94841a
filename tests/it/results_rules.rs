//! Results follow each category's own rule, on real review files (issue 22): a failed
//! vote is never in whatever the quota, votes rank by the share of 同意 among those
//! present, every path (core, command line, shell's defaults) computes by the stored
//! rule, and the printed 汇总表 and 公示 say which rule applied — per category, and per
//! nomination where a trimmed mean fell back to the plain mean.

use std::path::{Path, PathBuf};
use std::process::Command;

use paneldesk::activity::Activity;
use paneldesk::demo::DemoSpec;
use paneldesk::merge::aggregate::VoteThreshold;
use paneldesk::merge::collect::{self, receive};
use paneldesk::merge::rank::{Cut, TieBreaker};
use paneldesk::merge::results::{
    compute, AppliedMethod, CategoryResult, Method, NominationResult, ResultOptions,
};
use paneldesk::model::marks::{RecusalReason, Vote};
use paneldesk::package;
use paneldesk::report::documents;
use paneldesk::report::record::Record;
use paneldesk::store::category_rules::{self, CategoryRule};

use super::scoring_round::{enrolled, five_experts_received, randomness};
use super::support::{
    cli_announce_past, cli_print_certificates, cli_set_issuer, print_args, test_meta as meta,
};
use super::{clerk_keys, demo_in_new_folder, T0};

pub(super) const KEY: &str = "student_exemplar";

/// What one expert does with one nomination: a vote, or a recusal (`None`).
pub(super) type Ballot = Option<Vote>;

pub(super) struct VoteRound {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    pub review: PathBuf,
    /// Nomination ids, in the order the ballots were given.
    pub ids: Vec<i64>,
}

/// A 大学生党员标兵 review whose one category is decided by vote: six experts, none from
/// a nominating university (so nobody is recused but by the ballots), each voting on
/// every nomination as `ballots[nomination][expert]` says, their bundles received.
pub(super) fn vote_round(ballots: &[[Ballot; 6]]) -> VoteRound {
    let spec = DemoSpec {
        activity: Activity::StudentExemplar,
        year: 2026,
        n_nominations: ballots.len(),
        n_experts: 6,
        seed: 7,
    };
    let (dir, root, review) = demo_in_new_folder("vote", "vote", &spec);
    // No command sets a scoring mode yet (issue 22's rubric part): the review file is
    // edited as the issue's own known-answer round was.
    let conn = paneldesk::store::open(&review).unwrap();
    conn.execute("UPDATE category SET scoring_mode = 'vote'", [])
        .unwrap();
    conn.execute("UPDATE expert SET institution = '省评审专家库' || id", [])
        .unwrap();
    drop(conn);
    let file = root.join("vote.pdpanel");
    package::build(&review, &file, &clerk_keys(), "2026-12-10", 0, T0, "clerk").unwrap();
    let manifest = package::open(&file).unwrap().manifest;
    let mut ids: Vec<i64> = manifest.nominations.iter().map(|n| n.id).collect();
    ids.sort();
    assert_eq!(ids.len(), ballots.len());
    let stick = root.join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    for (e, expert) in manifest.experts.iter().enumerate() {
        let pin = format!("north wind 1357{e:02}");
        let at = root.join(format!("expert{e}"));
        let mut laptop = enrolled(&at, &file, &review, expert.id, &pin, randomness(e as u8));
        for (i, id) in ids.iter().enumerate() {
            match ballots[i][e] {
                Some(v) => {
                    laptop.set_vote(*id, Some(v), T0).unwrap();
                }
                None => {
                    laptop
                        .recuse(*id, RecusalReason::Relative, "近亲属", T0)
                        .unwrap();
                }
            }
        }
        let s = laptop.submit(&pin, &stick, T0, 1_000_000).unwrap();
        let receipt = receive(&review, &clerk_keys(), Path::new(&s.file), T0, "clerk").unwrap();
        assert!(
            matches!(receipt, collect::Receipt::Accepted { .. }),
            "{receipt:?}"
        );
    }
    VoteRound {
        _dir: dir,
        root,
        review,
        ids,
    }
}

pub(super) fn row(c: &CategoryResult, id: i64) -> &NominationResult {
    c.nominations
        .iter()
        .find(|n| n.nomination_id == id)
        .unwrap_or_else(|| panic!("nomination {id} not in the results"))
}

pub(super) fn vote_rule(threshold: VoteThreshold) -> CategoryRule {
    CategoryRule {
        method: Method::TrimmedMean,
        trim_min_experts: 5,
        normalise: false,
        vote_threshold: threshold,
        quorum: 0,
        tie_breakers: vec![TieBreaker::MoreTopMarks],
    }
}

/// Runs the CLI against `review` with its own data folder (the clerk's keys in it).
pub(super) use super::support::clerk_cli as cli;

/// The mean of z-scores: each expert's totals normalised, then averaged.
pub(super) fn mean_of_z_scores() -> CategoryRule {
    CategoryRule {
        method: Method::Mean,
        trim_min_experts: 5,
        normalise: true,
        vote_threshold: VoteThreshold::MoreThanHalf,
        quorum: 0,
        tie_breakers: vec![TieBreaker::MoreTopMarks],
    }
}

/// `category rule --method mean` with `extra` for KEY on the command line.
fn mean_rule(root: &Path, review: &Path, extra: &[&str]) -> (bool, String, String) {
    let review = review.to_str().unwrap();
    let rule = ["category", "rule", "--review", review, "--category", KEY];
    cli(root, &[&rule[..], &["--method", "mean"], extra].concat())
}

pub(super) fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Prints with `command` into `root/file` on the clerk's laptop: the document's text,
/// squeezed.
pub(super) fn printed_text(root: &Path, command: &[&str], review: &str, file: &str) -> String {
    let out = root.join(file);
    let (ok, _, err) = cli(root, &print_args(command, review, &out, &[]));
    assert!(ok, "{command:?}: {err}");
    squeezed(&pdf_text(&out))
}

/// The 汇总表 of `record` written to `pdf`: its text, squeezed.
fn summary_text(pdf: &Path, record: &Record) -> String {
    std::fs::write(pdf, documents::summary(record, &meta("汇总表")).unwrap()).unwrap();
    squeezed(&pdf_text(pdf))
}

/// Without white space, so a phrase a table or a paragraph wrapped is still found.
pub(super) fn squeezed(text: &str) -> String {
    text.split_whitespace().collect()
}

use Vote::{Abstain as O, Agree as A, Disagree as D};

/// The known-answer ballots: six experts, quota larger than the list.
///  0: 4 of 6 同意 — exactly two thirds
///  1: 3 of 6 — exactly half: fails 过半数
///  2: 4 of 5 present (one recused) — 80 %
///  3: 6 of 6 — 100 %
///  4: 2 of 6 (three abstain) — fails
///  5: 3 of 3 present (three recused) — 100 %, fewer 同意 than 3
fn known_ballots() -> Vec<[Ballot; 6]> {
    vec![
        [Some(A), Some(A), Some(A), Some(A), Some(D), Some(D)],
        [Some(A), Some(A), Some(A), Some(D), Some(D), Some(O)],
        [Some(A), Some(A), Some(A), Some(A), Some(D), None],
        [Some(A), Some(A), Some(A), Some(A), Some(A), Some(A)],
        [Some(A), Some(A), Some(D), Some(O), Some(O), Some(O)],
        [Some(A), Some(A), Some(A), None, None, None],
    ]
}

#[test]
fn a_failed_vote_is_never_in_and_votes_rank_by_the_share_of_agreement() {
    let round = vote_round(&known_ballots());
    let id = |i: usize| round.ids[i];
    paneldesk::review::set_quota(&round.review, KEY, 10, false, T0, "clerk").unwrap();

    // 过半数 (the default): 3 of 6 and 2 of 6 fail and stay out with room in the quota.
    let results = compute(&round.review, &ResultOptions::default()).unwrap();
    let c = &results.categories[0];
    let ranks: Vec<(usize, u32, Cut)> = (0..6)
        .map(|i| {
            let n = row(c, id(i));
            (i, n.rank, n.cut)
        })
        .collect();
    assert_eq!(
        ranks,
        [
            (0, 4, Cut::In),
            (1, 5, Cut::Out),
            (2, 3, Cut::In),
            (3, 1, Cut::In),
            (4, 6, Cut::Out),
            (5, 2, Cut::In),
        ],
        "ranked by share of 同意, equal shares by more 同意; failed votes out"
    );
    let tally = row(c, id(2)).votes.unwrap();
    assert_eq!((tally.agree, tally.present, tally.passed), (4, 5, true));
    assert!(!row(c, id(1)).votes.unwrap().passed);
    // The score of a vote is the share of 同意 among those present, in per cent.
    assert_eq!(row(c, id(0)).score, Some(66.67));
    assert_eq!(row(c, id(2)).score, Some(80.0));
    // Each row says what decided it.
    let applied = row(c, id(2)).applied.unwrap();
    assert_eq!(
        (applied.method, applied.marks, applied.counted),
        (AppliedMethod::Vote, 5, 5)
    );

    // A quota of one: the tie on 100 % goes to the one more experts agreed on.
    paneldesk::review::set_quota(&round.review, KEY, 1, false, T0, "clerk").unwrap();
    let one = compute(&round.review, &ResultOptions::default()).unwrap();
    assert_eq!(row(&one.categories[0], id(3)).cut, Cut::In);
    assert_eq!(row(&one.categories[0], id(5)).cut, Cut::Out);

    // 三分之二以上: exactly two thirds passes; exactly half still fails.
    paneldesk::review::set_quota(&round.review, KEY, 10, false, T0, "clerk").unwrap();
    category_rules::set(
        &round.review,
        KEY,
        &vote_rule(VoteThreshold::TwoThirds),
        T0,
        "clerk",
    )
    .unwrap();
    let two = compute(&round.review, &ResultOptions::default()).unwrap();
    let c2 = &two.categories[0];
    assert_eq!(row(c2, id(0)).cut, Cut::In, "4 of 6 is two thirds");
    assert_eq!(row(c2, id(1)).cut, Cut::Out);
    assert_eq!(row(c2, id(4)).cut, Cut::Out);
    // A failed vote is no part of a tie at the cut: with five places and four passed,
    // nothing is left for the panel to settle.
    assert!(c2.nominations.iter().all(|n| n.cut != Cut::Tied));
    assert!(paneldesk::readiness::blockers(&two, None).is_empty());

    // The signed summary shows each tally, says which failed, and states the rule.
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let summary = documents::summary(&record, &meta("汇总表")).unwrap();
    let pdf = round.root.join("vote-summary.pdf");
    std::fs::write(&pdf, &summary).unwrap();
    if let Some(keep) = std::env::var_os("PANELDESK_KEEP_REPORTS") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(Path::new(&keep).join("vote-summary.pdf"), &summary).unwrap();
    }
    let text = squeezed(&pdf_text(&pdf));
    assert!(
        text.contains("同意3/6未入选表决未通过") && text.contains("同意4/5入选"),
        "{text}"
    );
    assert!(text.contains("达到到会专家三分之二以上为通过"), "{text}");
    assert!(text.contains("twothirdsormore"), "and in English: {text}");
    assert!(!text.contains("去掉一个最高分"), "{text}");

    // The command line says the same, and prints and certifies only the passed votes.
    let review = round.review.to_str().unwrap();
    let (ok, out, err) = cli(&round.root, &["--json", "results", "--review", review]);
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let cut_of = |i: usize| {
        json["categories"][0]["nominations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["nomination_id"] == id(i))
            .map(|n| n["cut"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(cut_of(1), "out");
    assert_eq!(cut_of(4), "out");
    assert_eq!(cut_of(0), "in");
    // The 公示 was held and is over by the calendar the command reads.
    cli_announce_past(&round.root, review);
    let text = printed_text(&round.root, &["report", "announcement"], review, "公示.pdf");
    let name = |i: usize| squeezed(&row(c2, id(i)).display_name);
    for i in [0, 2, 3, 5] {
        assert!(text.contains(&name(i)), "{} missing from the 公示", name(i));
    }
    for i in [1, 4] {
        assert!(!text.contains(&name(i)), "{} was announced", name(i));
    }
    assert!(
        text.contains("三分之二"),
        "the 公示 states the rule: {text}"
    );
    cli_set_issuer(&round.root, review);
    let printed = cli_print_certificates(&round.root, review, &round.root.join("证书.pdf"));
    let names: Vec<String> = printed["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| squeezed(a["name"].as_str().unwrap()))
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(!names.contains(&name(1)) && !names.contains(&name(4)));
}

#[test]
fn every_printout_states_the_rule_each_category_was_computed_by() {
    let (round, _) = five_experts_received();
    let review = round.review.to_str().unwrap();
    // The shell's call: the review-wide defaults, and the stored rules over them.
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let c = &record.results.categories[0];
    // The demo recuses experts from their own universities: some rows have five experts
    // and are trimmed, some four and fall back to the plain mean — and say which.
    let mut trimmed = 0;
    let mut fell_back = Vec::new();
    for n in &c.nominations {
        let Some(applied) = &n.applied else {
            continue;
        };
        assert_eq!(applied.marks, n.experts, "{}", n.display_name);
        match applied.method {
            AppliedMethod::TrimmedMean => {
                assert!(applied.marks >= 5);
                assert_eq!(applied.counted, applied.marks - 2);
                trimmed += 1;
            }
            AppliedMethod::Mean => {
                assert!(applied.marks < 5);
                assert_eq!(applied.counted, applied.marks);
                fell_back.push(n.clone());
            }
            other => panic!("{other:?} in a points category"),
        }
        assert!(!applied.normalised);
    }
    assert!(trimmed > 0 && !fell_back.is_empty(), "both cases occur");

    let text = summary_text(&round.root.join("trimmed.pdf"), &record);
    assert!(
        text.contains("去掉一个最高分和一个最低分") && text.contains("不足5位"),
        "{text}"
    );
    // The rows where the fallback applied carry the note's mark, with their score.
    for n in &fell_back {
        let score = format!("{:.2}*", n.score.unwrap());
        assert!(
            text.contains(&score),
            "{} lacks the mark {score}",
            n.display_name
        );
    }
    assert!(text.contains("*评分专家不足5位"), "{text}");

    // The clerk sets the mean of z-scores: the same call now prints that rule, and
    // never the trimmed mean.
    category_rules::set(&round.review, KEY, &mean_of_z_scores(), T0, "clerk").unwrap();
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    for n in &record.results.categories[0].nominations {
        let applied = n.applied.as_ref().unwrap();
        assert_eq!(applied.method, AppliedMethod::Mean);
        assert!(applied.normalised);
    }
    let text = summary_text(&round.root.join("z.pdf"), &record);
    assert!(
        text.contains("z分数") && text.contains("算术平均"),
        "{text}"
    );
    assert!(text.contains("z-scores"), "and in English: {text}");
    assert!(!text.contains("去掉一个最高分"), "{text}");

    // The command line prints the same document, and the digest it prints is the one
    // `audit verify` recomputes.
    let printed = printed_text(&round.root, &["report", "summary"], review, "汇总表.pdf");
    assert!(printed.contains("z分数") && !printed.contains("去掉一个最高分"));
    let (ok, out, err) = cli(
        &round.root,
        &["--json", "audit", "verify", "--review", review],
    );
    assert!(ok, "{err}");
    let verified: serde_json::Value = serde_json::from_str(&out).unwrap();
    let digest = verified["results_digest"].as_str().unwrap();
    assert!(printed.contains(digest), "{digest} not on the summary");
    assert_eq!(digest, record.results_hash());
}

#[test]
fn a_method_given_on_the_command_line_never_silently_differs_from_the_stored_rule() {
    let (round, _) = five_experts_received();
    let review = round.review.to_str().unwrap();
    category_rules::set(
        &round.review,
        KEY,
        &CategoryRule {
            method: Method::Median,
            trim_min_experts: 5,
            normalise: false,
            vote_threshold: VoteThreshold::MoreThanHalf,
            quorum: 0,
            tie_breakers: vec![],
        },
        T0,
        "clerk",
    )
    .unwrap();
    let out = round.root.join("x.pdf");
    for args in [
        print_args(
            &["report", "summary"],
            review,
            &out,
            &["--method", "trimmed_mean"],
        ),
        print_args(
            &["certificates", "print"],
            review,
            &out,
            &["--method", "mean"],
        ),
        vec!["results", "--review", review, "--normalise"],
    ] {
        let (ok, _, err) = cli(&round.root, &args);
        assert!(!ok, "{args:?} was accepted");
        assert!(
            err.contains("category rule") && err.contains("汇总方法"),
            "{args:?}: {err}"
        );
        assert!(!out.exists(), "nothing printed");
    }
    // Without the flags, the stored rule (median) is what the results say, in words too.
    let (ok, text, err) = cli(&round.root, &["results", "--review", review]);
    assert!(ok, "{err}");
    assert!(
        text.contains("汇总方法：各专家总分取中位数") && text.contains("[median "),
        "{text}"
    );
    let (ok, json, err) = cli(&round.root, &["--json", "results", "--review", review]);
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["categories"][0]["rule"]["method"], "median");
    assert!(json["categories"][0]["nominations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| !n["applied"].is_null())
        .all(|n| n["applied"]["method"] == "median"));
}

#[test]
fn a_vote_threshold_on_a_points_category_is_refused() {
    let (round, _) = five_experts_received();
    let before = category_rules::stored(&paneldesk::store::open(&round.review).unwrap()).unwrap();
    let (ok, _, err) = mean_rule(
        &round.root,
        &round.review,
        &["--vote-threshold", "two_thirds"],
    );
    assert!(!ok, "accepted");
    let (zh, en) = err
        .split_once("Error:")
        .expect("Chinese first, then English");
    assert!(zh.contains("错误") && zh.contains("表决类别"), "{err}");
    assert!(en.contains("vote categor"), "{err}");
    assert_eq!(
        category_rules::stored(&paneldesk::store::open(&round.review).unwrap()).unwrap(),
        before,
        "nothing stored"
    );
    // Without it the same rule is set.
    let (ok, _, err) = mean_rule(&round.root, &round.review, &[]);
    assert!(ok, "{err}");

    // On a vote category it is what the rule is for.
    let votes = vote_round(&known_ballots()[..2]);
    let (ok, _, err) = mean_rule(
        &votes.root,
        &votes.review,
        &["--vote-threshold", "two_thirds"],
    );
    assert!(ok, "{err}");
    let stored = category_rules::stored(&paneldesk::store::open(&votes.review).unwrap()).unwrap();
    assert_eq!(stored[KEY].vote_threshold, VoteThreshold::TwoThirds);
}

#[test]
fn a_failed_vote_cannot_be_decided_in_and_a_quorum_rule_is_kept() {
    use paneldesk::merge::decisions::{self, Outcome};
    let round = vote_round(&known_ballots());
    let id = |i: usize| round.ids[i];
    paneldesk::review::set_quota(&round.review, KEY, 10, false, T0, "clerk").unwrap();
    let review = round.review.to_str().unwrap();
    let decided = || -> i64 {
        paneldesk::store::open(&round.review)
            .unwrap()
            .query_row("SELECT COUNT(*) FROM result_decision", [], |r| r.get(0))
            .unwrap()
    };

    // 3 of 6 failed 过半数: a decision cannot put it in — only a new vote can.
    let err = decisions::decide(&round.review, id(1), Outcome::In, "主任决定", T0, "clerk")
        .expect_err("a failed vote was decided in");
    let (zh, en) = (err.message_zh(), err.message_en());
    assert!(zh.contains("表决未通过") && zh.contains("会评"), "{zh}");
    assert!(en.contains("failed") && en.contains("new vote"), "{en}");
    assert_eq!(decided(), 0, "nothing recorded");
    let (ok, _, err) = cli(
        &round.root,
        &[
            "decide",
            "--review",
            review,
            "--nomination",
            &id(4).to_string(),
            "--in",
            "--reason",
            "评审组同意",
        ],
    );
    assert!(!ok && err.contains("表决未通过"), "{err}");
    assert_eq!(decided(), 0, "nothing recorded by the command line");
    // Out on a failed vote changes nothing and is allowed; a passed vote may go out
    // (an upheld objection) and come back in.
    decisions::decide(&round.review, id(1), Outcome::Out, "确认", T0, "clerk").unwrap();
    decisions::decide(&round.review, id(0), Outcome::Out, "异议成立", T0, "clerk").unwrap();
    decisions::decide(&round.review, id(0), Outcome::In, "复议", T0, "clerk").unwrap();
    assert_eq!(decided(), 3);

    // A quorum of six experts present: 4 of 5 (one recused) no longer passes, 4 of 6 does.
    let (ok, _, err) = mean_rule(&round.root, &round.review, &["--quorum", "6"]);
    assert!(ok, "{err}");
    let stored = category_rules::stored(&paneldesk::store::open(&round.review).unwrap()).unwrap();
    assert_eq!(stored[KEY].quorum, 6);
    let results = compute(&round.review, &ResultOptions::default()).unwrap();
    let c = &results.categories[0];
    let short = row(c, id(2)).votes.unwrap();
    assert_eq!((short.agree, short.present, short.passed), (4, 5, false));
    assert_eq!(row(c, id(2)).cut, Cut::Out, "below quorum it is out");
    assert_eq!(row(c, id(0)).cut, Cut::In);
    assert!(
        c.rule
            .describe_zh(c.scoring_mode)
            .contains("到会专家不少于 6 位"),
        "{}",
        c.rule.describe_zh(c.scoring_mode)
    );
    assert!(c
        .rule
        .describe_en(c.scoring_mode)
        .contains("at least 6 experts present"));

    // A quorum means nothing for points: refused there, naming the option.
    let (points, _) = five_experts_received();
    let (ok, _, err) = mean_rule(&points.root, &points.review, &["--quorum", "3"]);
    assert!(
        !ok && err.contains("法定人数") && err.contains("quorum"),
        "{err}"
    );
}
