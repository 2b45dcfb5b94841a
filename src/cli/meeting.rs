//! `paneldesk meeting …`: the panel's 会评 vote on the nominations around the cut.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use paneldesk::ambient::{current_actor as actor, now_rfc3339 as now};
use paneldesk::merge::decisions::Outcome;
use paneldesk::merge::meeting::{
    self, BallotKind, Count, MeetingBallot, MeetingOutcome, Shortlist, Tally,
};
use paneldesk::ops::reports;
use paneldesk::ops::Existing;
use paneldesk::workspace::Workspace;
use paneldesk::Error;

use crate::cli::args::ReviewArg;
use crate::cli::out::answer;

#[derive(Subcommand)]
pub enum MeetingCommand {
    /// 开启一次会评表决 / Open a meeting ballot
    Open(OpenArgs),
    /// 录入计票结果 / Record the count
    Count(CountArgs),
    /// 打印计票单（未计票时为空白表）/ Print the 计票单 (a blank form before the count)
    Sheet {
        #[command(flatten)]
        review: ReviewArg,
        #[arg(long)]
        ballot: i64,
        #[arg(long)]
        out: PathBuf,
    },
    /// 列出会评表决 / List the meeting ballots
    List {
        #[command(flatten)]
        review: ReviewArg,
    },
}

#[derive(Args)]
pub struct OpenArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 类别代码 / Category key
    #[arg(long)]
    category: String,
    /// 名单：名额线上并列者 / On the ballot: those tied at the cut
    #[arg(long, conflicts_with_all = ["band", "pick"], required_unless_present_any = ["band", "pick"])]
    tied: bool,
    /// 名单：名额线上下各 N 名 / On the ballot: N places each side of the cut
    #[arg(long)]
    band: Option<u32>,
    /// 名单：指定推荐对象编号，逗号分隔 / On the ballot: these nomination ids
    #[arg(long, value_delimiter = ',')]
    pick: Vec<i64>,
    /// 差额表决，每位专家最多选 K 人（缺省为剩余名额）；不给则逐一表决
    /// / A choice of at most K (default: the places left); without it, a vote on each
    #[arg(long, num_args = 0..=1)]
    choose: Option<Option<u32>>,
}

impl OpenArgs {
    fn shortlist(&self) -> Shortlist {
        match (self.tied, self.band) {
            (true, _) => Shortlist::TiedAtCut,
            (_, Some(around)) => Shortlist::Band { around },
            _ => Shortlist::Picked {
                nominations: self.pick.clone(),
            },
        }
    }

    fn kind(&self) -> BallotKind {
        match self.choose {
            Some(at_most) => BallotKind::Choose { at_most },
            None => BallotKind::Vote,
        }
    }
}

#[derive(Args)]
pub struct CountArgs {
    #[command(flatten)]
    review: ReviewArg,
    #[arg(long)]
    ballot: i64,
    /// 到会专家人数 / Experts present
    #[arg(long)]
    present: u32,
    /// 编号=得票（差额）或 编号=同意/不同意/弃权（逐一表决），每人一项
    /// / id=votes (a choice) or id=agree/against/abstain (a vote), one per nomination
    #[arg(long = "count", required = true)]
    counts: Vec<String>,
    /// 计票人 / Who counted
    #[arg(long)]
    counter: String,
    /// 监票人 / Who watched the count
    #[arg(long)]
    witness: String,
}

impl CountArgs {
    fn tally(self) -> Result<Tally, Error> {
        Ok(Tally {
            present: self.present,
            counts: self
                .counts
                .iter()
                .map(|c| parse_count(c))
                .collect::<Result<_, _>>()?,
            counted_by: self.counter,
            witnessed_by: self.witness,
        })
    }
}

pub fn meeting(workspace: &Workspace, command: MeetingCommand, json: bool) -> Result<(), Error> {
    match command {
        MeetingCommand::Open(args) => open(workspace, args, json),
        MeetingCommand::Count(args) => count(workspace, args, json),
        MeetingCommand::Sheet {
            review,
            ballot,
            out,
        } => sheet(workspace, review, ballot, out, json),
        MeetingCommand::List { review } => list(workspace, review, json),
    }
}

fn open(workspace: &Workspace, args: OpenArgs, json: bool) -> Result<(), Error> {
    let (path, shortlist) = (args.review.path(workspace)?, args.shortlist());
    let ballot = meeting::open(
        &path,
        &args.category,
        &shortlist,
        args.kind(),
        &now(),
        &actor(),
    )?;
    answer(json, &ballot, print_ballot);
    Ok(())
}

fn count(workspace: &Workspace, args: CountArgs, json: bool) -> Result<(), Error> {
    let (path, ballot) = (args.review.path(workspace)?, args.ballot);
    let outcome = meeting::count(&path, ballot, &args.tally()?, &now(), &actor())?;
    answer(json, &outcome, print_outcome);
    Ok(())
}

fn print_outcome(outcome: &MeetingOutcome) {
    for e in &outcome.entries {
        let (zh, en) = match e.result {
            Some(Outcome::In) => ("入选", "selected"),
            Some(Outcome::Out) => ("不入选", "not selected"),
            None => ("并列，须再次表决", "level: vote again"),
        };
        println!(
            "{:>6}  {:>3} 票 / votes  {zh} / {en}",
            e.nomination_id, e.agree
        );
    }
    if !outcome.still_tied.is_empty() {
        println!(
            "仍有并列，请另开一次会评 / Still level: open another ballot (meeting open --tied)"
        );
    }
}

/// The sheet is printed again as often as asked: it replaces the one there.
fn sheet(
    workspace: &Workspace,
    review: ReviewArg,
    ballot: i64,
    out: PathBuf,
    json: bool,
) -> Result<(), Error> {
    reports::print_tally_sheet(&review.path(workspace)?, ballot, &out, Existing::Replace)?;
    if !json {
        println!("已写出计票单 Wrote the tally sheet {}", out.display());
    }
    Ok(())
}

fn list(workspace: &Workspace, review: ReviewArg, json: bool) -> Result<(), Error> {
    let ballots = meeting::list(&review.path(workspace)?)?;
    answer(json, &ballots, |ballots| {
        ballots.iter().for_each(print_ballot);
        println!(
            "共 {} 次会评表决 / {} ballots",
            ballots.len(),
            ballots.len()
        );
    });
    Ok(())
}

fn print_ballot(b: &MeetingBallot) {
    let (zh, en) = match b.kind {
        BallotKind::Choose { at_most } => (
            format!("差额表决，应选 {}", at_most.unwrap_or(b.places)),
            format!("choose {}", at_most.unwrap_or(b.places)),
        ),
        BallotKind::Vote => ("逐一表决".to_string(), "vote on each".to_string()),
    };
    let state = if b.counted.is_some() {
        "已计票 / counted"
    } else {
        "待计票 / open"
    };
    println!(
        "会评表决 {} / ballot {}：{}，{zh} / {en}，剩余名额 {} / places {}，{state}",
        b.id, b.id, b.category_zh, b.places, b.places
    );
    for e in &b.entries {
        println!(
            "  {:>6}  {}（{}）",
            e.nomination_id, e.display_name, e.university
        );
    }
}

/// `12=4` (a choice) or `12=4/1/1` (agree/against/abstain).
fn parse_count(text: &str) -> Result<Count, Error> {
    let bad = || Error::BadInput {
        zh: format!("计票应写作 编号=得票 或 编号=同意/不同意/弃权：{text}"),
        en: format!("a count is id=votes or id=agree/against/abstain: {text}"),
    };
    let (id, votes) = text.split_once('=').ok_or_else(bad)?;
    let id: i64 = id.trim().parse().map_err(|_| bad())?;
    let numbers: Vec<u32> = votes
        .split('/')
        .map(|n| n.trim().parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let (agree, disagree, abstain) = match numbers[..] {
        [a] => (a, 0, 0),
        [a, d, o] => (a, d, o),
        _ => return Err(bad()),
    };
    Ok(Count {
        nomination_id: id,
        agree,
        disagree,
        abstain,
    })
}
