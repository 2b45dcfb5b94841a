//! The supervisor's commands: `register`, `follow-up` and `spot-check`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use paneldesk::activity::Activity;
use paneldesk::ambient::{current_actor as actor, now_rfc3339 as now};
use paneldesk::follow_up::draw::Strata;
use paneldesk::follow_up::review::{self as follow_up_review, FollowUpPlan};
use paneldesk::follow_up::spot_check::{self, DrawParams, SpotCheckView, Verification};
use paneldesk::follow_up::{awarded_units, exchange, Stage, Status, YearMonth};
use paneldesk::model::ScoringMode;
use paneldesk::report::pdf::Meta;
use paneldesk::workspace::Workspace;
use paneldesk::{audit, review, Error};

use crate::cli::report::parse_date;
use crate::cli::round::RuleArgs;

#[derive(Subcommand)]
pub enum RegisterCommand {
    /// 列出登记册及应考核的单位 / List the register and what is due
    List {
        /// 按此年月计算是否到期（缺省为本月）/ Month to compute what is due by (default: this month)
        #[arg(long)]
        as_of: Option<String>,
    },
    /// 把一次评审的获奖单位记入登记册 / Enter a review's awarded units into the register
    Enter {
        #[arg(long)]
        review: Option<String>,
        /// 建设周期开始年月，如 2022-11 / Month the build cycle starts, e.g. 2022-11
        #[arg(long)]
        build_start: String,
        #[command(flatten)]
        rule: RuleArgs,
    },
    /// 更改单位状态（须说明理由）/ Change a unit's status (a reason is required)
    SetStatus {
        #[arg(long)]
        unit: String,
        /// awarded | building | rectifying | accepted | revoked
        #[arg(long)]
        status: String,
        #[arg(long)]
        reason: String,
        /// 决定日期 YYYY-MM-DD（缺省为今天）/ Date decided (default: today)
        #[arg(long)]
        on: Option<String>,
    },
    /// 导出登记册为 .xlsx / Export the register as .xlsx
    Export {
        #[arg(long)]
        out: PathBuf,
    },
    /// 从导出的 .xlsx 导入登记册（全部或全不）/ Import an exported register workbook (all or nothing)
    Import { file: PathBuf },
    /// 校验登记册审计日志 / Verify the register's audit log
    Audit,
}

#[derive(Subcommand)]
pub enum FollowUpCommand {
    /// 用到期单位新建中期考核或验收评审 / Create a mid-term or acceptance review from the units due
    Create {
        #[arg(long)]
        activity: String,
        /// mid-term | acceptance
        #[arg(long)]
        stage: String,
        /// 截至年月，如 2023-11（缺省为本月）/ Units due by this month (default: this month)
        #[arg(long)]
        as_of: Option<String>,
        /// grade | criteria
        #[arg(long, default_value = "grade")]
        mode: String,
        /// 按评分细则时的合格线（占满分比例）/ With a rubric: share of the maximum that passes
        #[arg(long, default_value_t = 0.6)]
        pass_share: f64,
        /// 沿用此评审的专家名单 / Copy the expert roster of this review
        #[arg(long)]
        experts_from: Option<String>,
    },
    /// 为考核对象附加单位自评材料（须在生成评审包之前）
    /// / Attach a unit's self-evaluation to its nomination (before the package is built)
    Attach {
        #[arg(long)]
        review: Option<String>,
        /// 考核对象编号 / Nomination id
        #[arg(long)]
        nomination: i64,
        /// 材料文件 / The material file
        #[arg(long)]
        file: std::path::PathBuf,
        /// 材料名称（缺省为“自评材料”）/ What it is called (default 自评材料)
        #[arg(long)]
        named: Option<String>,
    },
    /// 把考核评审的结果记入登记册 / Carry a follow-up review's outcome into the register
    Apply {
        #[arg(long)]
        review: Option<String>,
        /// 决定日期 YYYY-MM-DD（缺省为今天）/ Date decided (default: today)
        #[arg(long)]
        on: Option<String>,
        #[command(flatten)]
        rule: RuleArgs,
    },
}

#[derive(Args)]
pub struct DrawArgs {
    #[arg(long)]
    count: u32,
    /// none | university | activity | year
    #[arg(long, default_value = "none")]
    strata: String,
    /// 仅抽此活动的单位 / Only units of this activity
    #[arg(long)]
    activity: Option<String>,
    /// 排除近 N 个月内已考核或抽查的单位 / Leave out units checked within N months
    #[arg(long)]
    exclude_within_months: Option<u32>,
    /// 随机种子（缺省为新生成的随机数）/ Seed (default: fresh random bytes)
    #[arg(long)]
    seed: Option<String>,
    /// 抽查日期 YYYY-MM-DD（缺省为今天）/ Date of the draw (default: today)
    #[arg(long)]
    on: Option<String>,
    /// 同时写出抽查通知 PDF / Also write the notice PDF
    #[arg(long)]
    notice: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum SpotCheckCommand {
    /// 随机抽取单位并记录种子 / Draw units at random, recording the seed
    Draw(DrawArgs),
    /// 列出历次抽查 / List the draws
    List,
    /// 从记录的种子重新抽取并比对 / Re-run a draw from its seed and compare
    Verify {
        #[arg(long, conflicts_with = "file", required_unless_present = "file")]
        draw: Option<String>,
        /// 导出的抽查记录（JSON）/ An exported draw (JSON)
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// 打印抽查通知（一页 PDF）/ Print the notice (one-page PDF)
    Notice {
        #[arg(long)]
        draw: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// 导出抽查记录（JSON），供他人复核 / Export a draw (JSON) for others to re-check
    Export {
        #[arg(long)]
        draw: String,
        #[arg(long)]
        out: PathBuf,
    },
}

pub(crate) fn print_json(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

fn month_or_now(given: Option<&str>) -> Result<YearMonth, Error> {
    match given {
        Some(text) => YearMonth::parse(text),
        None => Ok(YearMonth::of_date(paneldesk::ambient::today())),
    }
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if path.exists() {
        return Err(Error::AlreadyExists {
            path: path.to_path_buf(),
        });
    }
    paneldesk::container::write_bytes_atomically(path, bytes)
}

pub fn register(workspace: &Workspace, command: RegisterCommand, json: bool) -> Result<(), Error> {
    let path = workspace.register_path();
    match command {
        RegisterCommand::List { as_of } => {
            let view = awarded_units::view(&path, month_or_now(as_of.as_deref())?)?;
            if json {
                print_json(&view);
                return Ok(());
            }
            println!(
                "截至 {}：{} 个单位；应中期考核 {}，应验收 {}",
                view.as_of,
                view.units.len(),
                view.due_mid_term,
                view.due_acceptance
            );
            for u in &view.units {
                let due = u.due.map_or_else(String::new, |d| {
                    format!(
                        "  {}{} {}{}",
                        d.stage.name_zh(),
                        if d.recheck { "整改复核" } else { "" },
                        d.month,
                        if u.due_now { " ← 到期 due" } else { "" }
                    )
                });
                println!(
                    "{}  {}  {}  {}  {}年  {}{}",
                    u.id, u.activity_name_zh, u.name, u.university, u.year, u.status_zh, due
                );
            }
        }
        RegisterCommand::Enter {
            review,
            build_start,
            rule,
        } => {
            let review = workspace.resolve(review.as_deref())?;
            let entered = awarded_units::enter_review(
                &path,
                &review,
                &rule.options()?,
                YearMonth::parse(&build_start)?,
                paneldesk::ambient::today(),
                &now(),
                &actor(),
            )?;
            if json {
                print_json(&entered);
            } else {
                println!(
                    "已登记 entered {}，原已在册 already {}",
                    entered.entered.len(),
                    entered.already
                );
            }
        }
        RegisterCommand::SetStatus {
            unit,
            status,
            reason,
            on,
        } => {
            let status = Status::parse(&status).ok_or_else(|| Error::BadInput {
                zh: format!(
                    "状态应为 awarded、building、rectifying、accepted 或 revoked：{status}"
                ),
                en: format!(
                    "status is awarded, building, rectifying, accepted or revoked: {status}"
                ),
            })?;
            let unit = awarded_units::set_status(
                &path,
                &unit,
                status,
                &reason,
                parse_date(on.as_deref())?,
                &now(),
                &actor(),
            )?;
            if json {
                print_json(&unit);
            } else {
                println!("{}  {}  → {}", unit.id, unit.name, unit.status_zh);
            }
        }
        RegisterCommand::Export { out } => {
            let n = exchange::export(&path, &out)?;
            if json {
                print_json(&serde_json::json!({ "units": n, "file": out }));
            } else {
                println!("已导出 {n} 个单位 / exported {n} units: {}", out.display());
            }
        }
        RegisterCommand::Import { file } => {
            let exe = paneldesk::sandbox::pool::default_exe().ok_or_else(|| Error::BadInput {
                zh: "找不到本程序的路径，无法启动解析进程".into(),
                en: "cannot find this program's path to start the parsing process".into(),
            })?;
            let report = exchange::import(&path, &file, &exe, &now(), &actor())?;
            if json {
                print_json(&report);
            } else {
                println!(
                    "新增单位 {}，相同 {}；新增抽查 {}，相同 {}",
                    report.units_added, report.units_same, report.checks_added, report.checks_same
                );
            }
        }
        RegisterCommand::Audit => {
            let conn = awarded_units::open(&path)?;
            let n = audit::verify(&conn)?;
            if json {
                print_json(&serde_json::json!({ "entries": n, "ok": true }));
            } else {
                println!("登记册审计日志完好：{n} 条 / register audit log intact: {n} entries");
            }
        }
    }
    Ok(())
}

pub fn follow_up(workspace: &Workspace, command: FollowUpCommand, json: bool) -> Result<(), Error> {
    match command {
        FollowUpCommand::Create {
            activity,
            stage,
            as_of,
            mode,
            pass_share,
            experts_from,
        } => {
            let experts_from = experts_from
                .as_deref()
                .map(|r| workspace.resolve(Some(r)))
                .transpose()?;
            let activity = Activity::parse(&activity)?;
            let stage = Stage::from_code(&stage).ok_or_else(|| Error::BadInput {
                zh: format!("考核阶段应为 mid-term 或 acceptance：{stage}"),
                en: format!("the stage is mid-term or acceptance: {stage}"),
            })?;
            let scoring_mode = ScoringMode::from_code(&mode).ok_or_else(|| Error::BadInput {
                zh: format!("评定方式应为 grade 或 criteria：{mode}"),
                en: format!("the mode is grade or criteria: {mode}"),
            })?;
            let plan = FollowUpPlan {
                activity,
                stage,
                as_of: month_or_now(as_of.as_deref())?,
                scoring_mode,
                pass_share,
            };
            let id = review::make_id(
                plan.as_of.year,
                activity,
                &paneldesk::ambient::random_suffix(),
            );
            let summary = follow_up_review::create(
                &workspace.register_path(),
                &workspace.path_for_new_review(&id),
                &id,
                &plan,
                experts_from.as_deref(),
                &now(),
                &actor(),
            )?;
            if json {
                print_json(&summary);
            } else {
                println!(
                    "已创建 {}（{} 个单位）/ created {}\n{}",
                    summary.title_zh, summary.n_nominations, summary.id, summary.path
                );
            }
        }
        FollowUpCommand::Attach {
            review,
            nomination,
            file,
            named,
        } => {
            let review = workspace.resolve(review.as_deref())?;
            let info = follow_up_review::attach_self_evaluation(
                &review,
                nomination,
                &file,
                named.as_deref(),
                &now(),
                &actor(),
            )?;
            if json {
                print_json(&info);
            } else {
                println!(
                    "已附加“{}”{}（{} 字节）/ Attached to nomination {}: {}",
                    info.named, info.file_name, info.bytes, nomination, info.file_name
                );
            }
        }
        FollowUpCommand::Apply { review, on, rule } => {
            let review = workspace.resolve(review.as_deref())?;
            let applied = follow_up_review::apply(
                &workspace.register_path(),
                &review,
                &rule.options()?,
                parse_date(on.as_deref())?,
                &now(),
                &actor(),
            )?;
            if json {
                print_json(&applied);
            } else {
                for o in &applied.outcomes {
                    println!(
                        "{}  {}  {}  {} → {}",
                        o.unit_id,
                        o.name,
                        o.grade,
                        o.status_before.name_zh(),
                        o.status_after.name_zh()
                    );
                }
                println!(
                    "记入 {} 个，此前已记入 {} 个 / applied {}, already {}",
                    applied.outcomes.len(),
                    applied.already,
                    applied.outcomes.len(),
                    applied.already
                );
            }
        }
    }
    Ok(())
}

fn notice_bytes(view: &SpotCheckView) -> Result<Vec<u8>, Error> {
    let title = format!("随机抽查名单 {}", view.check.id);
    let date = parse_date(Some(&view.check.drawn_on))?;
    let meta = Meta {
        title: &title,
        subject: "PanelDesk",
        at: date.with_time(time::Time::MIDNIGHT).assume_utc(),
    };
    paneldesk::report::notice::spot_check(view, &meta)
}

fn print_verification(v: &Verification, json: bool) -> Result<(), Error> {
    if json {
        print_json(v);
    } else {
        let mark = |ok: bool| if ok { "✓" } else { "✗" };
        println!("抽查 {}", v.id);
        println!(
            "{} 总体摘要一致 / population digest matches",
            mark(v.population_intact)
        );
        println!(
            "{} 按种子重抽结果一致 / redraw from the seed matches",
            mark(v.same_list)
        );
        if v.against_register {
            let same = v.missing_from_record.is_empty() && v.not_in_register.is_empty();
            println!(
                "{} 与登记册一致 / population matches the register",
                mark(same)
            );
            for id in &v.missing_from_record {
                println!("    登记册有而记录无 / in the register, not in the record: {id}");
            }
            for id in &v.not_in_register {
                println!("    记录有而登记册无 / in the record, not in the register: {id}");
            }
        }
    }
    if v.ok {
        Ok(())
    } else {
        Err(Error::BadInput {
            zh: format!("抽查 {} 复核未通过", v.id),
            en: format!("spot check {} does not verify", v.id),
        })
    }
}

pub fn spot_check(
    workspace: &Workspace,
    command: SpotCheckCommand,
    json: bool,
) -> Result<(), Error> {
    let path = workspace.register_path();
    match command {
        SpotCheckCommand::Draw(args) => {
            let strata = Strata::from_code(&args.strata).ok_or_else(|| Error::BadInput {
                zh: format!(
                    "分层应为 none、university、activity 或 year：{}",
                    args.strata
                ),
                en: format!(
                    "strata are none, university, activity or year: {}",
                    args.strata
                ),
            })?;
            let params = DrawParams {
                count: args.count,
                strata,
                activity: args.activity.as_deref().map(Activity::parse).transpose()?,
                exclude_checked_within_months: args.exclude_within_months,
            };
            let seed = args
                .seed
                .unwrap_or_else(|| paneldesk::keys::hex(&paneldesk::ambient::random_bytes::<16>()));
            let view = spot_check::draw(
                &path,
                &params,
                &seed,
                parse_date(args.on.as_deref())?,
                &now(),
                &actor(),
            )?;
            if let Some(out) = &args.notice {
                write_new(out, &notice_bytes(&view)?)?;
            }
            if json {
                print_json(&view);
            } else {
                println!(
                    "抽查 {}：种子 {}，总体 {} 个，抽中 {} 个",
                    view.check.id,
                    view.check.seed,
                    view.check.population.len(),
                    view.units.len()
                );
                for u in &view.units {
                    println!(
                        "  {}  {}  {}  {}",
                        u.unit_id, u.name, u.university, u.activity_name_zh
                    );
                }
            }
        }
        SpotCheckCommand::List => {
            let views = spot_check::views(&path)?;
            if json {
                print_json(&views);
            } else {
                for v in &views {
                    println!(
                        "{}  {}  种子 {}  总体 {}  抽中 {}",
                        v.check.id,
                        v.check.drawn_on,
                        v.check.seed,
                        v.check.population.len(),
                        v.check.chosen.len()
                    );
                }
            }
        }
        SpotCheckCommand::Verify { draw, file } => {
            let v = match (draw, file) {
                (Some(id), _) => spot_check::verify(&path, &id)?,
                (None, Some(file)) => {
                    let bytes = std::fs::read(&file).map_err(|e| Error::io(&file, e))?;
                    let check = spot_check::read_json(&bytes, &file.display().to_string())?;
                    spot_check::verify_record(&check)
                }
                (None, None) => unreachable!("clap requires --draw or --file"),
            };
            print_verification(&v, json)?;
        }
        SpotCheckCommand::Notice { draw, out } => {
            let view = spot_check::view(&path, &draw)?;
            write_new(&out, &notice_bytes(&view)?)?;
            if json {
                print_json(&serde_json::json!({ "draw": draw, "file": out }));
            } else {
                println!("{}", out.display());
            }
        }
        SpotCheckCommand::Export { draw, out } => {
            write_new(&out, spot_check::export_json(&path, &draw)?.as_bytes())?;
            if json {
                print_json(&serde_json::json!({ "draw": draw, "file": out }));
            } else {
                println!("{}", out.display());
            }
        }
    }
    Ok(())
}
