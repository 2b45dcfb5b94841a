//! `paneldesk meeting paper | ballot | vote | receive`, and `count --from-votes`: a 会评
//! ballot opened with `meeting open … --laptops`, voted on the experts' own laptops. The
//! clerk writes the ballot paper (`paper`), each voter reads it (`ballot`) and casts a
//! signed vote (`vote`), the clerk receives the votes (`receive`) and counts from them.

use std::path::PathBuf;

use clap::Args;

use paneldesk::ambient::{current_actor as actor, now_rfc3339 as now, now_unix};
use paneldesk::merge::ballot_paper::PaperWritten;
use paneldesk::merge::ballot_vote::{Mark, VoteMark, VoteReceived};
use paneldesk::merge::meeting::{BallotKind, MeetingOutcome};
use paneldesk::ops::ballot::{self, PaperShown, VoteCast};
use paneldesk::workspace::Workspace;
use paneldesk::Error;

use crate::cli::args::{PanelRef, ReviewArg};
use crate::cli::out::{answer, print_json};
use crate::cli::round::{clerk_keys, read_passphrase};

#[derive(Args)]
pub struct PaperArgs {
    #[command(flatten)]
    review: ReviewArg,
    #[arg(long)]
    ballot: i64,
    /// 写入的文件夹（如 U 盘）/ Folder to write to (e.g. the USB stick)
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct VoteArgs {
    #[command(flatten)]
    panel: PanelRef,
    /// 秘书写出的选票（.pdballot）/ The ballot paper the clerk wrote (.pdballot)
    file: PathBuf,
    /// 签名选票写入的文件夹（如 U 盘）/ Folder for the signed vote (e.g. the USB stick)
    #[arg(long)]
    out: PathBuf,
    /// 逐一表决：同意的推荐对象编号，逗号分隔 / A vote on each: the ids you agree to
    #[arg(long, value_delimiter = ',')]
    agree: Vec<i64>,
    /// 逐一表决：不同意的编号 / A vote on each: the ids you disagree with
    #[arg(long, value_delimiter = ',')]
    disagree: Vec<i64>,
    /// 逐一表决：弃权的编号 / A vote on each: the ids you abstain on
    #[arg(long, value_delimiter = ',')]
    abstain: Vec<i64>,
    /// 差额表决：选择的编号，逗号分隔（未列出的即不选；只写 --choose 为空票）
    /// / A choice: the ids you choose (any other is not chosen; --choose alone is a blank vote)
    #[arg(long, value_delimiter = ',', num_args = 0.., conflicts_with_all = ["agree", "disagree", "abstain"])]
    choose: Option<Vec<i64>>,
}

#[derive(Args)]
pub struct ReceiveArgs {
    #[command(flatten)]
    review: ReviewArg,
    #[arg(long)]
    ballot: i64,
    /// 专家签名的选票（.pdvote），可多个 / The experts' signed votes (.pdvote), any number
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// `meeting paper`: the clerk writes the ballot paper, signed with the clerk's key.
pub fn paper(workspace: &Workspace, args: PaperArgs, json: bool) -> Result<(), Error> {
    let review = args.review.path(workspace)?;
    let clerk = clerk_keys(workspace)?;
    let written = ballot::write_paper(&review, args.ballot, &clerk, &args.out, &now(), &actor())?;
    answer(json, &written, |w: &PaperWritten| {
        println!(
            "已写出选票，请交各位投票专家在本人电脑上投票 / Ballot paper written for each voter to vote on their own laptop:
  {}
  SHA-256 {}",
            w.file.display(),
            w.paper_sha256
        )
    });
    Ok(())
}

/// `meeting ballot FILE`: the voter reads the paper on their laptop.
pub fn show(
    workspace: &Workspace,
    panel: PanelRef,
    file: PathBuf,
    json: bool,
) -> Result<(), Error> {
    let shown = ballot::read_paper(&panel.open(workspace)?, &file)?;
    answer(json, &shown, print_paper);
    Ok(())
}

fn print_paper(s: &PaperShown) {
    let b = &s.paper.ballot;
    println!(
        "{}
会评表决 {} / Meeting ballot {}：{}
{} / {}
投票人 / Voter: {}（专家编号 / expert {}）",
        s.paper.review.title_zh,
        b.id,
        b.id,
        b.category_zh,
        s.rule_zh,
        s.rule_en,
        s.voter.name,
        s.voter.id
    );
    for e in &b.entries {
        println!(
            "  {:>6}  {}（{}）",
            e.nomination_id, e.display_name, e.university
        );
    }
    match b.kind {
        BallotKind::Choose { .. } => println!(
            "投票：paneldesk meeting vote 选票文件 --out 文件夹 --choose 编号,编号 / To vote: paneldesk meeting vote FILE --out DIR --choose ID,ID"
        ),
        BallotKind::Vote => println!(
            "投票：paneldesk meeting vote 选票文件 --out 文件夹 --agree 编号 --disagree 编号 --abstain 编号（每人一项）/ To vote: paneldesk meeting vote FILE --out DIR --agree IDS --disagree IDS --abstain IDS (each once)"
        ),
    }
}

/// `meeting vote FILE`: the voter marks the paper and signs the vote with their key.
pub fn vote(workspace: &Workspace, args: VoteArgs, json: bool) -> Result<(), Error> {
    let mut panel = args.panel.open(workspace)?;
    // The voter reads the ballot and their marks before the passphrase is asked for.
    let shown = ballot::read_paper(&panel, &args.file)?;
    let marks = marks_of(&shown, &args)?;
    if !json {
        print_paper(&shown);
        print_marks(&shown, &marks);
    }
    let cast = ballot::cast_vote(
        &mut panel,
        &args.file,
        &marks,
        &read_passphrase()?,
        &args.out,
        now_unix(),
    )?;
    answer(json, &cast, |c: &VoteCast| {
        println!(
            "已签名并校验，请将选票交回秘书 / Signed and verified; hand the vote to the clerk:
  {}
  密钥指纹 / key fingerprint {}",
            c.file.display(),
            c.fingerprint
        )
    });
    Ok(())
}

/// One mark for each entry of the paper, in its order, from the ids the voter named.
fn marks_of(shown: &PaperShown, args: &VoteArgs) -> Result<Vec<VoteMark>, Error> {
    let b = &shown.paper.ballot;
    let named: Vec<(Mark, &Vec<i64>)> = match (&b.kind, &args.choose) {
        (BallotKind::Choose { .. }, Some(chosen)) => vec![(Mark::Chosen, chosen)],
        (BallotKind::Vote, None) => vec![
            (Mark::Agree, &args.agree),
            (Mark::Disagree, &args.disagree),
            (Mark::Abstain, &args.abstain),
        ],
        (BallotKind::Choose { .. }, None) => {
            return Err(bad(
                "这是差额表决：请用 --choose 列出选择的推荐对象编号".into(),
                "this is a choice: name the ids you choose with --choose".into(),
            ))
        }
        (BallotKind::Vote, Some(_)) => return Err(bad(
            "这是逐一表决：请用 --agree、--disagree、--abstain 对每位推荐对象表态".into(),
            "this is a vote on each: use --agree, --disagree and --abstain for every nomination"
                .into(),
        )),
    };
    for id in named.iter().flat_map(|(_, ids)| ids.iter()) {
        if !b.entries.iter().any(|e| e.nomination_id == *id) {
            return Err(bad(
                format!("推荐对象 {id} 不在这张选票上"),
                format!("nomination {id} is not on this ballot"),
            ));
        }
    }
    b.entries
        .iter()
        .map(|e| mark_for(e.nomination_id, &named, b.kind))
        .collect()
}

/// The mark the voter gave nomination `id`: named exactly once (a choice: chosen when
/// named, else not chosen).
fn mark_for(id: i64, named: &[(Mark, &Vec<i64>)], kind: BallotKind) -> Result<VoteMark, Error> {
    let given: Vec<Mark> = named
        .iter()
        .flat_map(|(mark, ids)| ids.iter().filter(|i| **i == id).map(|_| *mark))
        .collect();
    let mark = match (given.as_slice(), kind) {
        ([mark], _) => *mark,
        ([], BallotKind::Choose { .. }) => Mark::NotChosen,
        ([], BallotKind::Vote) => {
            return Err(bad(
                format!("推荐对象 {id} 没有表态：逐一表决须对每位推荐对象表示同意、不同意或弃权"),
                format!("nomination {id} has no mark: a vote on each needs agree, disagree or abstain for every one"),
            ))
        }
        _ => {
            return Err(bad(
                format!("推荐对象 {id} 被列了不止一次"),
                format!("nomination {id} is named more than once"),
            ))
        }
    };
    Ok(VoteMark {
        nomination_id: id,
        mark,
    })
}

fn bad(zh: String, en: String) -> Error {
    Error::BadInput { zh, en }
}

fn print_marks(shown: &PaperShown, marks: &[VoteMark]) {
    println!("您的选票 / Your vote:");
    for (e, m) in shown.paper.ballot.entries.iter().zip(marks) {
        let (zh, en) = match m.mark {
            Mark::Agree => ("同意", "agree"),
            Mark::Disagree => ("不同意", "disagree"),
            Mark::Abstain => ("弃权", "abstain"),
            Mark::Chosen => ("选", "chosen"),
            Mark::NotChosen => ("不选", "not chosen"),
        };
        println!("  {:>6}  {}  {zh} / {en}", e.nomination_id, e.display_name);
    }
}

/// `meeting receive FILE…`: each vote judged on its own and reported on its own line; any
/// refused fails the command, and those received stay received.
pub fn receive(workspace: &Workspace, args: ReceiveArgs, json: bool) -> Result<(), Error> {
    let review = args.review.path(workspace)?;
    let (at, actor) = (now(), actor());
    let mut answers = Vec::new();
    let mut refused = 0;
    for file in &args.files {
        let judged = ballot::receive_vote(&review, args.ballot, file, &at, &actor);
        refused += usize::from(judged.is_err());
        if json {
            answers.push(match &judged {
                Ok(r) => serde_json::json!({ "file": file, "received": r }),
                Err(e) => serde_json::json!({ "file": file, "refused": {
                    "code": e.code(), "message_zh": e.message_zh(), "message_en": e.message_en() } }),
            });
        } else {
            print_received(file, &judged);
        }
    }
    if json {
        print_json(&answers);
    }
    if refused > 0 {
        return Err(Error::NotAllVerified {
            failed: refused,
            total: args.files.len(),
        });
    }
    Ok(())
}

fn print_received(file: &std::path::Path, judged: &Result<VoteReceived, Error>) {
    let file = file.display();
    match judged {
        Ok(r) if r.already_had => println!(
            "= {file}  {}  已收到，无变化 / already received  {}/{}",
            r.expert_name, r.received, r.voters
        ),
        Ok(r) => println!(
            "✓ {file}  {}  指纹 fingerprint {}  已收到 received {}/{}",
            r.expert_name, r.fingerprint, r.received, r.voters
        ),
        Err(e) => println!("✗ {file}\n    {}\n    {}", e.message_zh(), e.message_en()),
    }
}

/// `meeting count --from-votes`: the ballot counted from the votes received.
pub fn count(
    workspace: &Workspace,
    review: &ReviewArg,
    ballot: i64,
    [counted_by, witnessed_by]: [&str; 2],
    json: bool,
    print_outcome: fn(&MeetingOutcome),
) -> Result<(), Error> {
    let review = review.path(workspace)?;
    let outcome = ballot::count_votes(&review, ballot, counted_by, witnessed_by, &now(), &actor())?;
    answer(json, &outcome, print_outcome);
    Ok(())
}
