//! The supervisor's commands: `register`, `follow-up` and `spot-check`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use paneldesk::activity::Activity;
use paneldesk::ambient::{current_actor as actor, now_rfc3339 as now, random_suffix, today};
use paneldesk::follow_up::awarded_units::{self, RegisterView};
use paneldesk::follow_up::draw::Strata;
use paneldesk::follow_up::review::{self as follow_up_review, Applied, FollowUpPlan};
use paneldesk::follow_up::spot_check::{self, DrawParams, SpotCheckView, Verification};
use paneldesk::follow_up::{exchange, Stage, Status, YearMonth};
use paneldesk::model::ScoringMode;
use paneldesk::ops::{self, Existing};
use paneldesk::store::materials::MaterialInfo;
use paneldesk::workspace::Workspace;
use paneldesk::{audit, Error};

use crate::cli::args::ReviewArg;
use crate::cli::out::answer;
use crate::cli::parse;
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
    Enter(EnterArgs),
    /// 更改单位状态（须说明理由）/ Change a unit's status (a reason is required)
    SetStatus(SetStatusArgs),
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
    Create(CreateArgs),
    /// 为考核对象附加单位自评材料（须在生成评审包之前）
    /// / Attach a unit's self-evaluation to its nomination (before the package is built)
    Attach(AttachArgs),
    /// 把考核评审的结果记入登记册 / Carry a follow-up review's outcome into the register
    Apply(ApplyArgs),
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

#[derive(Args)]
pub struct EnterArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 建设周期开始年月，如 2022-11 / Month the build cycle starts, e.g. 2022-11
    #[arg(long)]
    build_start: String,
    #[command(flatten)]
    rule: RuleArgs,
}

#[derive(Args)]
pub struct SetStatusArgs {
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
}

#[derive(Args)]
pub struct CreateArgs {
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
}

#[derive(Args)]
pub struct AttachArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 考核对象编号 / Nomination id
    #[arg(long)]
    nomination: i64,
    /// 材料文件 / The material file
    #[arg(long)]
    file: std::path::PathBuf,
    /// 材料名称（缺省为“自评材料”）/ What it is called (default 自评材料)
    #[arg(long)]
    named: Option<String>,
}

#[derive(Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 决定日期 YYYY-MM-DD（缺省为今天）/ Date decided (default: today)
    #[arg(long)]
    on: Option<String>,
    #[command(flatten)]
    rule: RuleArgs,
}

impl SetStatusArgs {
    fn status(&self) -> Result<Status, Error> {
        Status::parse(&self.status).ok_or_else(|| Error::BadInput {
            zh: format!(
                "状态应为 awarded、building、rectifying、accepted 或 revoked：{}",
                self.status
            ),
            en: format!(
                "status is awarded, building, rectifying, accepted or revoked: {}",
                self.status
            ),
        })
    }
}

impl CreateArgs {
    /// The review whose roster is copied, named as `--review` names one.
    fn experts_from(&self, workspace: &Workspace) -> Result<Option<PathBuf>, Error> {
        let named = self.experts_from.as_deref();
        named.map(|r| workspace.resolve(Some(r))).transpose()
    }

    fn plan(&self) -> Result<FollowUpPlan, Error> {
        let stage = Stage::from_code(&self.stage).ok_or_else(|| Error::BadInput {
            zh: format!("考核阶段应为 mid-term 或 acceptance：{}", self.stage),
            en: format!("the stage is mid-term or acceptance: {}", self.stage),
        })?;
        let scoring_mode = ScoringMode::from_code(&self.mode).ok_or_else(|| Error::BadInput {
            zh: format!("评定方式应为 grade 或 criteria：{}", self.mode),
            en: format!("the mode is grade or criteria: {}", self.mode),
        })?;
        Ok(FollowUpPlan {
            activity: Activity::parse(&self.activity)?,
            stage,
            as_of: month_or_now(self.as_of.as_deref())?,
            scoring_mode,
            pass_share: self.pass_share,
        })
    }
}

impl DrawArgs {
    fn params(&self) -> Result<DrawParams, Error> {
        let strata = Strata::from_code(&self.strata).ok_or_else(|| Error::BadInput {
            zh: format!(
                "分层应为 none、university、activity 或 year：{}",
                self.strata
            ),
            en: format!(
                "strata are none, university, activity or year: {}",
                self.strata
            ),
        })?;
        Ok(DrawParams {
            count: self.count,
            strata,
            activity: self.activity.as_deref().map(Activity::parse).transpose()?,
            exclude_checked_within_months: self.exclude_within_months,
        })
    }

    /// The seed given, or fresh random bytes: either way it is recorded with the draw.
    fn seed(&self) -> String {
        self.seed
            .clone()
            .unwrap_or_else(|| paneldesk::keys::hex(&paneldesk::ambient::random_bytes::<16>()))
    }
}

fn month_or_now(given: Option<&str>) -> Result<YearMonth, Error> {
    match given {
        Some(text) => YearMonth::parse(text),
        None => Ok(YearMonth::of_date(today())),
    }
}

/// Never overwrites: a draw's record and notice are evidence.
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
        RegisterCommand::List { as_of } => list_register(&path, as_of, json),
        RegisterCommand::Enter(args) => enter(workspace, args, json),
        RegisterCommand::SetStatus(args) => set_status(&path, args, json),
        RegisterCommand::Export { out } => export_register(&path, out, json),
        RegisterCommand::Import { file } => import_register(&path, file, json),
        RegisterCommand::Audit => verify_register(&path, json),
    }
}

fn list_register(path: &Path, as_of: Option<String>, json: bool) -> Result<(), Error> {
    let view = awarded_units::view(path, month_or_now(as_of.as_deref())?)?;
    answer(json, &view, print_register);
    Ok(())
}

fn print_register(view: &RegisterView) {
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
        // The readable number first, as the office says it; the key after it, as the
        // other commands (`--unit`) take it.
        println!(
            "{}  {}  {}  {}（{}）  {}  {}年  {}{}",
            u.number,
            u.id,
            u.activity_name_zh,
            u.name,
            u.awardee.name_zh(),
            u.university,
            u.year,
            u.status_zh,
            due
        );
    }
}

fn enter(workspace: &Workspace, args: EnterArgs, json: bool) -> Result<(), Error> {
    let (review, options) = (args.review.path(workspace)?, args.rule.options()?);
    let start = YearMonth::parse(&args.build_start)?;
    let (register, at, by) = (workspace.register_path(), now(), actor());
    let entered =
        awarded_units::enter_review(&register, &review, &options, start, today(), &at, &by)?;
    answer(json, &entered, |e| {
        println!(
            "已登记 entered {}，原已在册 already {}",
            e.entered.len(),
            e.already
        )
    });
    Ok(())
}

fn set_status(path: &Path, args: SetStatusArgs, json: bool) -> Result<(), Error> {
    let (status, on) = (args.status()?, parse::date(args.on.as_deref())?);
    let unit =
        awarded_units::set_status(path, &args.unit, status, &args.reason, on, &now(), &actor())?;
    answer(json, &unit, |u| {
        println!("{}  {}  → {}", u.id, u.name, u.status_zh)
    });
    Ok(())
}

fn export_register(path: &Path, out: PathBuf, json: bool) -> Result<(), Error> {
    let n = exchange::export(path, &out)?;
    answer(
        json,
        &serde_json::json!({ "units": n, "file": out }),
        |_| println!("已导出 {n} 个单位 / exported {n} units: {}", out.display()),
    );
    Ok(())
}

fn import_register(path: &Path, file: PathBuf, json: bool) -> Result<(), Error> {
    let exe = paneldesk::sandbox::pool::default_exe().ok_or_else(|| Error::BadInput {
        zh: "找不到本程序的路径，无法启动解析进程".into(),
        en: "cannot find this program's path to start the parsing process".into(),
    })?;
    let report = exchange::import(path, &file, &exe, &now(), &actor())?;
    answer(json, &report, |r| {
        println!(
            "新增单位 {}，相同 {}；新增抽查 {}，相同 {}",
            r.units_added, r.units_same, r.checks_added, r.checks_same
        )
    });
    Ok(())
}

fn verify_register(path: &Path, json: bool) -> Result<(), Error> {
    let n = audit::verify(&awarded_units::open(path)?)?;
    answer(
        json,
        &serde_json::json!({ "entries": n, "ok": true }),
        |_| println!("登记册审计日志完好：{n} 条 / register audit log intact: {n} entries"),
    );
    Ok(())
}

pub fn follow_up(workspace: &Workspace, command: FollowUpCommand, json: bool) -> Result<(), Error> {
    match command {
        FollowUpCommand::Create(args) => create(workspace, args, json),
        FollowUpCommand::Attach(args) => attach(workspace, args, json),
        FollowUpCommand::Apply(args) => apply(workspace, args, json),
    }
}

fn create(workspace: &Workspace, args: CreateArgs, json: bool) -> Result<(), Error> {
    let (experts_from, plan) = (args.experts_from(workspace)?, args.plan()?);
    let (suffix, at, by) = (random_suffix(), now(), actor());
    let roster = experts_from.as_deref();
    let summary = ops::follow_up::create_review(workspace, &plan, roster, &suffix, &at, &by)?;
    answer(json, &summary, |s| {
        println!(
            "已创建 {}（{} 个单位）/ created {}\n{}",
            s.title_zh, s.n_nominations, s.id, s.path
        )
    });
    Ok(())
}

fn attach(workspace: &Workspace, args: AttachArgs, json: bool) -> Result<(), Error> {
    let (review, nomination) = (args.review.path(workspace)?, args.nomination);
    let (file, named, at, by) = (&args.file, args.named.as_deref(), now(), actor());
    let info =
        follow_up_review::attach_self_evaluation(&review, nomination, file, named, &at, &by)?;
    answer(json, &info, |i| print_attached(i, nomination));
    Ok(())
}

fn print_attached(i: &MaterialInfo, nomination: i64) {
    println!(
        "已附加“{}”{}（{} 字节）/ Attached to nomination {}: {}",
        i.named, i.file_name, i.bytes, nomination, i.file_name
    )
}

fn apply(workspace: &Workspace, args: ApplyArgs, json: bool) -> Result<(), Error> {
    let (review, options) = (args.review.path(workspace)?, args.rule.options()?);
    let on = parse::date(args.on.as_deref())?;
    let register = workspace.register_path();
    let applied = follow_up_review::apply(&register, &review, &options, on, &now(), &actor())?;
    answer(json, &applied, print_applied);
    Ok(())
}

fn print_applied(applied: &Applied) {
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

pub fn spot_check(
    workspace: &Workspace,
    command: SpotCheckCommand,
    json: bool,
) -> Result<(), Error> {
    let path = workspace.register_path();
    match command {
        SpotCheckCommand::Draw(args) => draw(&path, args, json),
        SpotCheckCommand::List => list_draws(&path, json),
        SpotCheckCommand::Verify { draw, file } => verify_draw(&path, draw, file, json),
        SpotCheckCommand::Notice { draw, out } => notice(&path, draw, out, json),
        SpotCheckCommand::Export { draw, out } => export_draw(&path, draw, out, json),
    }
}

fn draw(path: &Path, args: DrawArgs, json: bool) -> Result<(), Error> {
    let (params, on) = (args.params()?, parse::date(args.on.as_deref())?);
    let view = spot_check::draw(path, &params, &args.seed(), on, &now(), &actor())?;
    if let Some(out) = &args.notice {
        print_notice(path, &view, out)?;
    }
    answer(json, &view, print_draw);
    Ok(())
}

/// The notice carries the day of the draw, whenever it is printed.
fn print_notice(path: &Path, view: &SpotCheckView, out: &Path) -> Result<(), Error> {
    let date = parse::date(Some(&view.check.drawn_on))?;
    ops::follow_up::print_notice(path, &view.check.id, date, out, Existing::Refuse)?;
    Ok(())
}

fn print_draw(view: &SpotCheckView) {
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

fn list_draws(path: &Path, json: bool) -> Result<(), Error> {
    let views = spot_check::views(path)?;
    answer(json, &views, |views| {
        for v in views {
            println!(
                "{}  {}  种子 {}  总体 {}  抽中 {}",
                v.check.id,
                v.check.drawn_on,
                v.check.seed,
                v.check.population.len(),
                v.check.chosen.len()
            );
        }
    });
    Ok(())
}

fn verify_draw(
    path: &Path,
    draw: Option<String>,
    file: Option<PathBuf>,
    json: bool,
) -> Result<(), Error> {
    let v = match (draw, file) {
        (Some(id), _) => spot_check::verify(path, &id)?,
        (None, Some(file)) => spot_check::verify_record(&read_draw(&file)?),
        (None, None) => unreachable!("clap requires --draw or --file"),
    };
    answer(json, &v, print_verification);
    if !v.ok {
        return Err(Error::BadInput {
            zh: format!("抽查 {} 复核未通过", v.id),
            en: format!("spot check {} does not verify", v.id),
        });
    }
    Ok(())
}

/// A draw exported for others to re-check.
fn read_draw(file: &Path) -> Result<spot_check::SpotCheck, Error> {
    let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
    spot_check::read_json(&bytes, &file.display().to_string())
}

fn print_verification(v: &Verification) {
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

fn notice(path: &Path, draw: String, out: PathBuf, json: bool) -> Result<(), Error> {
    print_notice(path, &spot_check::view(path, &draw)?, &out)?;
    answer(
        json,
        &serde_json::json!({ "draw": draw, "file": out }),
        |_| println!("{}", out.display()),
    );
    Ok(())
}

fn export_draw(path: &Path, draw: String, out: PathBuf, json: bool) -> Result<(), Error> {
    write_new(&out, spot_check::export_json(path, &draw)?.as_bytes())?;
    answer(
        json,
        &serde_json::json!({ "draw": draw, "file": out }),
        |_| println!("{}", out.display()),
    );
    Ok(())
}
