//! `paneldesk announcement …` (the 公示 as the office publishes it) and
//! `paneldesk objection …` (the 异议 ledger).

use clap::{Args, Subcommand};

use paneldesk::ambient::{current_actor as actor, now_rfc3339 as now, today};
use paneldesk::announcement::{StoredAnnouncement, TitleKind};
use paneldesk::objections::{Channel, NewObjection, Objection, ObjectionOutcome, Resolution};
use paneldesk::ops::announcement::{self, AnnouncementEdit};
use paneldesk::ops::objections;
use paneldesk::workspace::Workspace;
use paneldesk::Error;

use crate::cli::args::ReviewArg;
use crate::cli::out::{answer, print_json};
use crate::cli::parse;

#[derive(Subcommand)]
pub enum AnnouncementCommand {
    /// 查看公示设置 / Show the 公示 settings
    Show {
        #[command(flatten)]
        review: ReviewArg,
    },
    /// 设置公示：标题、公示期、受理异议方式、落款（已设置的项可省略）
    /// / Set the 公示: wording, period, objection channels, issuer (what is already set may be left out)
    Set(SetArgs),
}

#[derive(Subcommand)]
pub enum ObjectionCommand {
    /// 登记一件异议 / Record an objection
    Add(AddArgs),
    /// 列出异议 / List the objections
    List(ListArgs),
    /// 办结一件异议：核查情况、结论与理由；成立的异议记为评审组决定“不入选”
    /// / Resolve an objection: how it was looked into, the outcome and why; an upheld one is recorded as the panel's decision "out"
    Resolve(ResolveArgs),
}

#[derive(Args)]
pub struct SetArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 认定（recognise）| 命名（name）| 推荐（recommend）；缺省按评审活动
    /// / The wording; by default what the activity confers
    #[arg(long)]
    title: Option<String>,
    /// 公示期开始 YYYY-MM-DD / First day of the period
    #[arg(long)]
    from: Option<String>,
    /// 公示期结束 YYYY-MM-DD（含当日）/ Last day of the period (inclusive)
    #[arg(long)]
    to: Option<String>,
    /// 受理异议电话 / Telephone for objections
    #[arg(long)]
    telephone: Option<String>,
    /// 通信地址 / Postal address
    #[arg(long)]
    address: Option<String>,
    /// 电子邮箱 / Email
    #[arg(long)]
    email: Option<String>,
    /// 落款：发布公示的单位 / The issuing office
    #[arg(long)]
    issuer: Option<String>,
    /// 落款日期 YYYY-MM-DD，缺省为今天 / Date under the issuer; today by default
    #[arg(long)]
    issued_on: Option<String>,
}

#[derive(Args)]
pub struct AddArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 针对的推荐对象编号 / The nomination objected to (id)
    #[arg(long)]
    nomination: i64,
    /// 收到日期 YYYY-MM-DD，缺省为今天 / Date received; today by default
    #[arg(long)]
    received_on: Option<String>,
    /// 电话（telephone）| 信函（letter）| 电子邮件（email）| 来访（in_person）
    #[arg(long)]
    channel: String,
    /// 反映人（个人或单位；匿名可省略）/ Who lodged it (person or unit; none if anonymous)
    #[arg(long, default_value = "")]
    objector: String,
    /// 异议内容摘要 / What the objection says, in brief
    #[arg(long)]
    summary: String,
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 只列未处理的 / Only those not yet resolved
    #[arg(long)]
    pending: bool,
    /// 显示完整的身份证号、电话号码 / Show ID and phone numbers in full
    #[arg(long)]
    reveal_personal: bool,
}

#[derive(Args)]
pub struct ResolveArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 异议编号 / Objection id
    #[arg(long)]
    id: i64,
    /// 成立（upheld）| 不成立（dismissed）
    #[arg(long)]
    outcome: String,
    /// 核查情况 / How it was looked into
    #[arg(long)]
    handling: String,
    /// 结论理由 / Why
    #[arg(long)]
    reason: String,
}

fn print_announcement(stored: &StoredAnnouncement) -> Result<(), Error> {
    let s = &stored.settings;
    println!("标题 Title      {}公示", s.title_kind.list_zh());
    println!("公示期 Period   {}", s.period_zh()?);
    for (label, value) in [
        ("电话 Telephone ", &s.telephone),
        ("地址 Address   ", &s.address),
        ("邮箱 Email     ", &s.email),
    ] {
        if !value.is_empty() {
            println!("{label} {value}");
        }
    }
    println!("落款 Issuer     {}  {}", s.issuer, s.issued_on);
    println!("设置 Set        {} {}", stored.set_at, stored.set_by);
    Ok(())
}

fn print_objection(o: &Objection) {
    let status = match o.outcome {
        None => "待处理 pending".to_string(),
        Some(outcome) => format!("{} {}", outcome.name_zh(), outcome.name_en()),
    };
    println!(
        "#{}  {}（{}）  {} {}  [{status}]",
        o.id,
        o.display_name,
        o.university,
        o.received_on,
        o.channel.name_zh()
    );
    if !o.objector.is_empty() {
        println!("    反映人 From: {}", o.objector);
    }
    println!("    摘要 Summary: {}", o.summary);
    if let (Some(_), Some(reason)) = (o.outcome, &o.reason) {
        println!("    核查 Handling: {}", o.handling);
        println!("    理由 Reason: {reason}");
    }
}

impl SetArgs {
    fn edit(self) -> Result<AnnouncementEdit, Error> {
        Ok(AnnouncementEdit {
            title_kind: self.title.as_deref().map(TitleKind::parse).transpose()?,
            period_from: self.from,
            period_to: self.to,
            telephone: self.telephone,
            address: self.address,
            email: self.email,
            issuer: self.issuer,
            issued_on: self.issued_on,
        })
    }
}

pub fn announcement(
    workspace: &Workspace,
    command: AnnouncementCommand,
    json: bool,
) -> Result<(), Error> {
    match command {
        AnnouncementCommand::Show { review } => show_announcement(workspace, review, json),
        AnnouncementCommand::Set(args) => set_announcement(workspace, args, json),
    }
}

fn show_announcement(workspace: &Workspace, review: ReviewArg, json: bool) -> Result<(), Error> {
    let stored = announcement::show(&review.path(workspace)?)?;
    announce(&stored, json)
}

fn set_announcement(workspace: &Workspace, args: SetArgs, json: bool) -> Result<(), Error> {
    let path = args.review.path(workspace)?;
    let stored = announcement::edit(&path, args.edit()?, today(), &now(), &actor())?;
    announce(&stored, json)
}

fn announce(stored: &StoredAnnouncement, json: bool) -> Result<(), Error> {
    if json {
        print_json(stored);
        return Ok(());
    }
    print_announcement(stored)
}

pub fn objection(
    workspace: &Workspace,
    command: ObjectionCommand,
    json: bool,
) -> Result<(), Error> {
    match command {
        ObjectionCommand::Add(args) => add_objection(workspace, args, json),
        ObjectionCommand::List(args) => list_objections(workspace, args, json),
        ObjectionCommand::Resolve(args) => resolve_objection(workspace, args, json),
    }
}

fn add_objection(workspace: &Workspace, args: AddArgs, json: bool) -> Result<(), Error> {
    let new = NewObjection {
        nomination_id: args.nomination,
        received_on: args.received_on.unwrap_or_else(parse::today_text),
        channel: Channel::parse(&args.channel)?,
        objector: args.objector,
        summary: args.summary,
    };
    let shown = objections::add(&args.review.path(workspace)?, &new, &now(), &actor())?;
    answer(json, &shown, |o| {
        println!("已登记 Recorded:");
        print_objection(o);
    });
    Ok(())
}

fn list_objections(workspace: &Workspace, args: ListArgs, json: bool) -> Result<(), Error> {
    let privacy = parse::privacy(args.reveal_personal);
    let list = objections::list(&args.review.path(workspace)?, args.pending, privacy)?;
    answer(json, &list, |list| {
        if list.is_empty() {
            println!("没有异议 No objections");
        }
        list.iter().for_each(print_objection);
    });
    Ok(())
}

fn resolve_objection(workspace: &Workspace, args: ResolveArgs, json: bool) -> Result<(), Error> {
    let resolution = Resolution {
        handling: args.handling,
        outcome: ObjectionOutcome::parse(&args.outcome)?,
        reason: args.reason,
    };
    let path = args.review.path(workspace)?;
    let shown = objections::resolve(&path, args.id, &resolution, &now(), &actor())?;
    answer(json, &shown, |o| {
        println!("已办结 Resolved:");
        print_objection(o);
        if o.outcome == Some(ObjectionOutcome::Upheld) {
            println!("    已记为评审组决定：不入选 Recorded as the panel's decision: out");
        }
    });
    Ok(())
}
