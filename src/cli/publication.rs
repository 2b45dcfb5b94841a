//! `paneldesk announcement …` (the 公示 as the office publishes it) and
//! `paneldesk objection …` (the 异议 ledger).

use clap::Subcommand;

use paneldesk::ambient::{current_actor as actor, now_rfc3339 as now};
use paneldesk::announcement::{self, AnnouncementSettings, StoredAnnouncement, TitleKind};
use paneldesk::objections::{self, Channel, NewObjection, Objection, ObjectionOutcome, Resolution};
use paneldesk::privacy::Privacy;
use paneldesk::workspace::Workspace;
use paneldesk::{store, Error};

use crate::cli::follow_up::print_json;

#[derive(Subcommand)]
pub enum AnnouncementCommand {
    /// 查看公示设置 / Show the 公示 settings
    Show {
        #[arg(long)]
        review: Option<String>,
    },
    /// 设置公示：标题、公示期、受理异议方式、落款（已设置的项可省略）
    /// / Set the 公示: wording, period, objection channels, issuer (what is already set may be left out)
    Set {
        #[arg(long)]
        review: Option<String>,
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
    },
}

#[derive(Subcommand)]
pub enum ObjectionCommand {
    /// 登记一件异议 / Record an objection
    Add {
        #[arg(long)]
        review: Option<String>,
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
    },
    /// 列出异议 / List the objections
    List {
        #[arg(long)]
        review: Option<String>,
        /// 只列未处理的 / Only those not yet resolved
        #[arg(long)]
        pending: bool,
        /// 显示完整的身份证号、电话号码 / Show ID and phone numbers in full
        #[arg(long)]
        reveal_personal: bool,
    },
    /// 办结一件异议：核查情况、结论与理由；成立的异议记为评审组决定“不入选”
    /// / Resolve an objection: how it was looked into, the outcome and why; an upheld one is recorded as the panel's decision "out"
    Resolve {
        #[arg(long)]
        review: Option<String>,
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
    },
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

pub fn announcement(
    workspace: &Workspace,
    command: AnnouncementCommand,
    json: bool,
) -> Result<(), Error> {
    match command {
        AnnouncementCommand::Show { review } => {
            let review = workspace.resolve(review.as_deref())?;
            let conn = store::open(&review)?;
            match announcement::read(&conn)? {
                Some(stored) if json => print_json(&stored),
                Some(stored) => print_announcement(&stored)?,
                None => return Err(Error::AnnouncementNotSet),
            }
        }
        AnnouncementCommand::Set {
            review,
            title,
            from,
            to,
            telephone,
            address,
            email,
            issuer,
            issued_on,
        } => {
            let review = workspace.resolve(review.as_deref())?;
            let conn = store::open(&review)?;
            let before = announcement::read(&conn)?.map(|s| s.settings);
            let title_kind = match (&title, &before) {
                (Some(t), _) => TitleKind::parse(t)?,
                (None, Some(b)) => b.title_kind,
                (None, None) => announcement::suggested_title_kind(&conn)?,
            };
            drop(conn);
            // Each field: as given, else as stored, else empty (the check names what is
            // missing).
            let keep = |given: Option<String>, stored: fn(&AnnouncementSettings) -> &String| {
                given
                    .or_else(|| before.as_ref().map(|b| stored(b).clone()))
                    .unwrap_or_default()
            };
            let issued_on = issued_on
                .or_else(|| before.as_ref().map(|b| b.issued_on.clone()))
                .unwrap_or_else(today_text);
            let settings = AnnouncementSettings {
                title_kind,
                period_from: keep(from, |b| &b.period_from),
                period_to: keep(to, |b| &b.period_to),
                telephone: keep(telephone, |b| &b.telephone),
                address: keep(address, |b| &b.address),
                email: keep(email, |b| &b.email),
                issuer: keep(issuer, |b| &b.issuer),
                issued_on,
            };
            let stored = announcement::set(&review, settings, &now(), &actor())?;
            if json {
                print_json(&stored);
            } else {
                print_announcement(&stored)?;
            }
        }
    }
    Ok(())
}

fn today_text() -> String {
    let d = paneldesk::ambient::today();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
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

pub fn objection(
    workspace: &Workspace,
    command: ObjectionCommand,
    json: bool,
) -> Result<(), Error> {
    match command {
        ObjectionCommand::Add {
            review,
            nomination,
            received_on,
            channel,
            objector,
            summary,
        } => {
            let review = workspace.resolve(review.as_deref())?;
            let new = NewObjection {
                nomination_id: nomination,
                received_on: received_on.unwrap_or_else(today_text),
                channel: Channel::parse(&channel)?,
                objector,
                summary,
            };
            let stored = objections::add(&review, &new, &now(), &actor())?;
            // What the command prints is a view: masked like every other.
            let shown = objections::list(&store::open(&review)?, Privacy::Masked)?
                .into_iter()
                .find(|o| o.id == stored.id)
                .unwrap_or(stored);
            if json {
                print_json(&shown);
            } else {
                println!("已登记 Recorded:");
                print_objection(&shown);
            }
        }
        ObjectionCommand::List {
            review,
            pending,
            reveal_personal,
        } => {
            let review = workspace.resolve(review.as_deref())?;
            let privacy = if reveal_personal {
                Privacy::Revealed
            } else {
                Privacy::Masked
            };
            let list: Vec<Objection> = objections::list(&store::open(&review)?, privacy)?
                .into_iter()
                .filter(|o| !pending || o.pending())
                .collect();
            if json {
                print_json(&list);
            } else if list.is_empty() {
                println!("没有异议 No objections");
            } else {
                for o in &list {
                    print_objection(o);
                }
            }
        }
        ObjectionCommand::Resolve {
            review,
            id,
            outcome,
            handling,
            reason,
        } => {
            let review = workspace.resolve(review.as_deref())?;
            let resolution = Resolution {
                handling,
                outcome: ObjectionOutcome::parse(&outcome)?,
                reason,
            };
            objections::resolve(&review, id, &resolution, &now(), &actor())?;
            let shown = objections::list(&store::open(&review)?, Privacy::Masked)?
                .into_iter()
                .find(|o| o.id == id)
                .ok_or(Error::ObjectionNotFound { id })?;
            if json {
                print_json(&shown);
            } else {
                println!("已办结 Resolved:");
                print_objection(&shown);
                if shown.outcome == Some(ObjectionOutcome::Upheld) {
                    println!("    已记为评审组决定：不入选 Recorded as the panel's decision: out");
                }
            }
        }
    }
    Ok(())
}
