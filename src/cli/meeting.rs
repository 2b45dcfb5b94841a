//! `paneldesk meeting …`: the panel's 会评 vote on the nominations around the cut. A
//! ballot opened with `--chair` is counted only from the tally its chair signed: the
//! clerk writes it (`tally`), the chair reads and signs it on their own laptop (`show`,
//! `sign`), the clerk counts from the signed file (`confirm`). A ballot opened with
//! `--laptops` is voted on the experts' own laptops (`paper`, `ballot`, `vote`, `receive`,
//! `count --from-votes`: `super::ballot`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use paneldesk::ambient::{current_actor as actor, now_rfc3339 as now, now_unix};
use paneldesk::merge::decisions::Outcome;
use paneldesk::merge::meeting::{
    self, BallotKind, Count, MeetingBallot, MeetingOutcome, Shortlist, Tally,
};
use paneldesk::merge::tally_file::{Confirmed, Written};
use paneldesk::ops::meeting::{self as chair_ops, SignedTallyFile};
use paneldesk::ops::reports;
use paneldesk::ops::Existing;
use paneldesk::workspace::Workspace;
use paneldesk::Error;

use crate::cli::args::{PanelRef, ReviewArg};
use crate::cli::ballot::{self, PaperArgs, ReceiveArgs, VoteArgs};
use crate::cli::out::answer;
use crate::cli::round::read_passphrase;

#[derive(Subcommand)]
pub enum MeetingCommand {
    /// 开启一次会评表决 / Open a meeting ballot
    Open(OpenArgs),
    /// 录入计票结果（未指定组长的表决），或 --from-votes 根据收到的专家选票计票
    /// / Record the count (a ballot without a chair), or count from the experts' votes received (--from-votes)
    Count {
        /// 专家电脑投票的表决：根据收到的专家签名选票计票（不给 --present、--count）
        /// / A ballot voted on laptops: count from the signed votes received (no --present, --count)
        #[arg(long, conflicts_with_all = ["present", "counts"])]
        from_votes: bool,
        #[command(flatten)]
        count: CountArgs,
    },
    /// 写出计票文件交组长签名（指定了组长的表决）/ Write the tally file for the chair to sign (a ballot with a chair)
    Tally {
        #[command(flatten)]
        count: CountArgs,
        /// 写入的文件夹（如 U 盘）/ Folder to write to (e.g. the USB stick)
        #[arg(long)]
        out: PathBuf,
    },
    /// 组长：查看计票文件（中英文）/ Chair: read a tally file (Chinese and English)
    Show {
        /// 计票文件（.pdtally）/ The tally file (.pdtally)
        file: PathBuf,
    },
    /// 组长：在本人电脑上用本人密钥签名计票文件（口令从终端或 PANELDESK_PASSPHRASE 读取）
    /// / Chair: sign the tally file with your key on your own laptop (passphrase: terminal or PANELDESK_PASSPHRASE)
    Sign {
        #[command(flatten)]
        panel: PanelRef,
        /// 秘书写出的计票文件 / The tally file the clerk wrote
        file: PathBuf,
        /// 签名后的计票文件写入的文件夹（如 U 盘）/ Folder for the signed tally file (e.g. the USB stick)
        #[arg(long)]
        out: PathBuf,
    },
    /// 导入组长签名的计票文件并计票 / Count a ballot from its chair's signed tally file
    Confirm(ConfirmArgs),
    /// 打印计票单（未计票时为空白表）/ Print the 计票单 (a blank form before the count)
    Sheet(SheetArgs),
    /// 写出选票（专家电脑投票的表决），用工作人员密钥签名 / Write the ballot paper (a ballot voted on laptops), signed with the clerk's key
    Paper(PaperArgs),
    /// 投票专家：在本人电脑上查看选票 / Voter: read the ballot paper on your own laptop
    Ballot {
        #[command(flatten)]
        panel: PanelRef,
        /// 秘书写出的选票（.pdballot）/ The ballot paper (.pdballot)
        file: PathBuf,
    },
    /// 投票专家：在本人电脑上投票并用本人密钥签名（口令从终端或 PANELDESK_PASSPHRASE 读取）
    /// / Voter: vote and sign with your key on your own laptop (passphrase: terminal or PANELDESK_PASSPHRASE)
    Vote(VoteArgs),
    /// 收取专家签名的选票（可多个，逐一判断）/ Receive the experts' signed votes (any number, each judged on its own)
    Receive(ReceiveArgs),
    /// 列出会评表决 / List the meeting ballots
    List {
        #[command(flatten)]
        review: ReviewArg,
    },
}

#[derive(Args)]
pub struct ConfirmArgs {
    #[command(flatten)]
    review: ReviewArg,
    #[arg(long)]
    ballot: i64,
    /// 组长签名的计票文件 / The tally file the chair signed
    file: PathBuf,
}

#[derive(Args)]
pub struct SheetArgs {
    #[command(flatten)]
    review: ReviewArg,
    #[arg(long)]
    ballot: i64,
    #[arg(long)]
    out: PathBuf,
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
    /// 举手表决时的评审组组长（专家编号）：计票结果须经其用登记密钥签名确认
    /// / The panel chair (expert id) for a show of hands: the tally counts only once they sign it with their registered key
    #[arg(long)]
    chair: Option<i64>,
    /// 由专家在本人电脑上投票：计票只依据各人用登记密钥签名的选票
    /// / Voted on the experts' own laptops: counted only from the votes their registered keys sign
    #[arg(long, conflicts_with = "chair")]
    laptops: bool,
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
    present: Option<u32>,
    /// 编号=得票（差额）或 编号=同意/不同意/弃权（逐一表决），每人一项
    /// / id=votes (a choice) or id=agree/against/abstain (a vote), one per nomination
    #[arg(long = "count")]
    counts: Vec<String>,
    /// 计票人 / Who counted
    #[arg(long, alias = "counted-by")]
    counter: String,
    /// 监票人 / Who watched the count
    #[arg(long, alias = "witnessed-by")]
    witness: String,
}

impl CountArgs {
    fn tally(self) -> Result<Tally, Error> {
        let (Some(present), false) = (self.present, self.counts.is_empty()) else {
            return Err(Error::BadInput {
                zh: "请给出到会专家人数（--present）和每位推荐对象的票数（--count）".into(),
                en:
                    "give the experts present (--present) and a count for each nomination (--count)"
                        .into(),
            });
        };
        Ok(Tally {
            present,
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
    use MeetingCommand::*;
    match command {
        Open(args) => open(workspace, args, json),
        Count {
            from_votes: true,
            count: c,
        } => ballot::count(
            workspace,
            &c.review,
            c.ballot,
            [&c.counter, &c.witness],
            json,
            print_outcome,
        ),
        Count { count: c, .. } => count(workspace, c, json),
        Paper(args) => ballot::paper(workspace, args, json),
        Ballot { panel, file } => ballot::show(workspace, panel, file, json),
        Vote(args) => ballot::vote(workspace, args, json),
        Receive(args) => ballot::receive(workspace, args, json),
        Tally { count, out } => tally(workspace, count, out, json),
        Show { file } => show(file, json),
        Sign { panel, file, out } => sign(workspace, panel, file, out, json),
        Confirm(args) => confirm(workspace, args, json),
        Sheet(args) => sheet(workspace, args, json),
        List { review } => list(workspace, review, json),
    }
}

fn open(workspace: &Workspace, args: OpenArgs, json: bool) -> Result<(), Error> {
    let (path, shortlist) = (args.review.path(workspace)?, args.shortlist());
    let (kind, at, actor) = (args.kind(), now(), actor());
    let ballot = if args.laptops {
        meeting::open_for_laptops(&path, &args.category, &shortlist, kind, &at, &actor)?
    } else {
        meeting::open_with_chair(
            &path,
            &args.category,
            &shortlist,
            kind,
            args.chair,
            &at,
            &actor,
        )?
    };
    answer(json, &ballot, print_ballot);
    Ok(())
}

fn count(workspace: &Workspace, args: CountArgs, json: bool) -> Result<(), Error> {
    let (path, ballot) = (args.review.path(workspace)?, args.ballot);
    let outcome = meeting::count(&path, ballot, &args.tally()?, &now(), &actor())?;
    answer(json, &outcome, print_outcome);
    Ok(())
}

fn tally(workspace: &Workspace, args: CountArgs, out: PathBuf, json: bool) -> Result<(), Error> {
    let (path, ballot) = (args.review.path(workspace)?, args.ballot);
    let written =
        chair_ops::write_for_chair(&path, ballot, &args.tally()?, &out, &now(), &actor())?;
    answer(json, &written, print_written);
    Ok(())
}

fn print_written(w: &Written) {
    print_tally(&w.content, &w.outcome);
    println!(
        "已写出计票文件，请交组长“{}”在本人电脑上签名 / Tally file written for the chair, {}, to sign on their own laptop:
  {}
  SHA-256 {}",
        w.content.chair.name,
        w.content.chair.name,
        w.file.display(),
        w.tally_sha256
    );
}

fn show(file: PathBuf, json: bool) -> Result<(), Error> {
    let shown = chair_ops::show(&file)?;
    answer(json, &shown, |s| {
        print_tally(&s.content, &s.outcome);
        match &s.signed_by {
            Some(f) => println!("已签名，签名密钥指纹 / Signed, key fingerprint {f}"),
            None => println!("尚未签名 / Not signed yet"),
        }
    });
    Ok(())
}

fn sign(
    workspace: &Workspace,
    panel: PanelRef,
    file: PathBuf,
    out: PathBuf,
    json: bool,
) -> Result<(), Error> {
    let mut panel = panel.open(workspace)?;
    // The chair reads what they sign before the passphrase is asked for.
    let shown = chair_ops::show(&file)?;
    if !json {
        print_tally(&shown.content, &shown.outcome);
    }
    let signed = chair_ops::sign(&mut panel, &file, &read_passphrase()?, &out, now_unix())?;
    answer(json, &signed, print_signed);
    Ok(())
}

fn print_signed(s: &SignedTallyFile) {
    println!(
        "已签名并校验，请将文件交回秘书 / Signed and verified; hand the file back to the clerk:
  {}
  密钥指纹 / key fingerprint {}",
        s.file.display(),
        s.fingerprint
    )
}

fn confirm(workspace: &Workspace, args: ConfirmArgs, json: bool) -> Result<(), Error> {
    let (path, ballot) = (args.review.path(workspace)?, args.ballot);
    let confirmed = chair_ops::confirm(&path, ballot, &args.file, &now(), &actor())?;
    answer(json, &confirmed, |c: &Confirmed| {
        println!(
            "组长“{}”已确认（密钥指纹 {}），已计票 / Confirmed by the chair, {} (key {}); counted",
            c.confirmation.chair_name,
            c.confirmation.fingerprint,
            c.confirmation.chair_name,
            c.confirmation.fingerprint
        );
        print_outcome(&c.outcome);
    });
    Ok(())
}

/// The tally as the chair must see it before signing: the ballot, every count, who
/// counted and watched, and what the counts decide.
fn print_tally(content: &paneldesk::merge::tally_file::TallyFile, outcome: &MeetingOutcome) {
    let b = &content.ballot;
    let (zh, en) = kind_words(b.kind, b.places);
    println!(
        "{}
会评表决 {} / Meeting ballot {}：{}（{zh} / {en}，剩余名额 {} / places {}）",
        content.review.title_zh, b.id, b.id, b.category_zh, b.places, b.places
    );
    println!(
        "到会专家 {} 人 / Experts present: {}",
        content.tally.present, content.tally.present
    );
    for c in &content.tally.counts {
        let name = b
            .entries
            .iter()
            .find(|e| e.nomination_id == c.nomination_id)
            .map_or_else(String::new, |e| {
                format!("{}（{}）", e.display_name, e.university)
            });
        let result = outcome
            .entries
            .iter()
            .find(|e| e.nomination_id == c.nomination_id)
            .map_or(("", ""), |e| match e.result {
                Some(Outcome::In) => ("入选", "selected"),
                Some(Outcome::Out) => ("不入选", "not selected"),
                None => ("并列，须再次表决", "level: vote again"),
            });
        match b.kind {
            BallotKind::Choose { .. } => println!(
                "  {:>6}  {name}  得票 {} / votes {}  {} / {}",
                c.nomination_id, c.agree, c.agree, result.0, result.1
            ),
            BallotKind::Vote => println!(
                "  {:>6}  {name}  同意 {} 不同意 {} 弃权 {} / for {} against {} abstain {}  {} / {}",
                c.nomination_id,
                c.agree,
                c.disagree,
                c.abstain,
                c.agree,
                c.disagree,
                c.abstain,
                result.0,
                result.1
            ),
        }
    }
    println!(
        "计票人 / Counted by: {}  监票人 / Witnessed by: {}
评审组组长 / Chair: {}（专家编号 / expert {}）
录入 / Entered: {} {}",
        content.tally.counted_by,
        content.tally.witnessed_by,
        content.chair.name,
        content.chair.id,
        content.written_by,
        content.written_at
    );
}

fn kind_words(kind: BallotKind, places: u32) -> (String, String) {
    match kind {
        BallotKind::Choose { at_most } => (
            format!("差额表决，应选 {}", at_most.unwrap_or(places)),
            format!("choose {}", at_most.unwrap_or(places)),
        ),
        BallotKind::Vote => ("逐一表决".to_string(), "vote on each".to_string()),
    }
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
fn sheet(workspace: &Workspace, args: SheetArgs, json: bool) -> Result<(), Error> {
    let (review, ballot, out) = (args.review.path(workspace)?, args.ballot, args.out);
    reports::print_tally_sheet(&review, ballot, &out, Existing::Replace)?;
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
    let (zh, en) = kind_words(b.kind, b.places);
    let state = match (&b.counted, &b.chair, &b.laptops) {
        (Some(c), _, _) if c.confirmed.is_some() => {
            "已计票，组长已签名确认 / counted, confirmed by the chair".to_string()
        }
        (Some(c), _, _) if c.votes.is_some() => {
            let n = c.votes.as_ref().map_or(0, Vec::len);
            format!("已根据 {n} 份专家签名选票计票 / counted from {n} signed votes")
        }
        (Some(_), _, _) => "已计票 / counted".to_string(),
        (None, _, Some(l)) => {
            let (k, n) = (l.received.len(), l.voters.len());
            let paper = if l.paper_sha256.is_some() {
                ""
            } else {
                "选票未写出，"
            };
            format!("专家电脑投票：{paper}已收到 {k}/{n} 份选票 / voting on laptops: {k} of {n} votes received")
        }
        (None, Some(_), _) => "待组长签名确认 / awaiting the chair's signed tally".to_string(),
        (None, None, None) => "待计票 / open".to_string(),
    };
    println!(
        "会评表决 {} / ballot {}：{}，{zh} / {en}，剩余名额 {} / places {}，{state}",
        b.id, b.id, b.category_zh, b.places, b.places
    );
    if let Some(chair) = &b.chair {
        println!("  评审组组长 / Chair: {}（{}）", chair.name, chair.id);
    }
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
