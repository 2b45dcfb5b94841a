//! `paneldesk review …` and the jobs that make or fill a review: `import`, `demo`,
//! `activities` and `template` (the blank workbook universities fill in).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use paneldesk::activity::{self, Activity};
use paneldesk::ambient::{
    current_actor as actor, new_clerk_keys, now_rfc3339 as now, random_suffix, today,
};
use paneldesk::demo::DemoSpec;
use paneldesk::import::file::FileReport;
use paneldesk::model::{Review, ReviewSummary, ScoringMode};
use paneldesk::ops::demo::DemoMade;
use paneldesk::ops::{self, setup};
use paneldesk::store::flags::{Decision, StoredFlag};
use paneldesk::workspace::{ReviewList, Workspace};
use paneldesk::{review, workbook_template, Error};

use crate::cli::args::ReviewArg;
use crate::cli::out::answer;
use crate::cli::parse;

#[derive(Subcommand)]
pub enum ReviewCommand {
    /// 按内置模板新建评审 / Create a review from a built-in template
    New {
        /// 评审活动，如 大学生党员标兵、样板支部 / Activity, e.g. 大学生党员标兵 or student_exemplar
        #[arg(long)]
        activity: String,
        /// 年度 / Year
        #[arg(long)]
        year: i32,
    },
    /// 列出本机的全部评审 / List the reviews on this computer
    List,
    /// 查看评审：类别、评分标准、专家、推荐对象 / Show a review: categories, rubric, experts, nominations
    Show {
        #[command(flatten)]
        review: ReviewArg,
        /// 显示完整身份证号和电话（默认打码）/ Show ID and phone numbers in full (masked by default)
        #[arg(long)]
        reveal_personal: bool,
    },
    /// 列出待处理的标记（资格、重复、数据问题）/ List the flags to settle (eligibility, duplicates, data)
    Flags {
        #[command(flatten)]
        review: ReviewArg,
    },
    /// 处理一个标记：保留（须写理由）或排除 / Settle a flag: accept (with a note) or exclude
    SettleFlag(SettleFlagArgs),
    /// 设置每校限报数（导入时超出的推荐会被标记）/ Set a category's per-university allowance (imports flag rows over it)
    Allowance(AllowanceArgs),
    /// 用 SQLite 在线备份接口复制评审文件 / Copy a review file with SQLite's online backup
    Backup {
        #[command(flatten)]
        review: ReviewArg,
        /// 备份文件路径（不会覆盖已有文件）/ Backup file path (never overwrites)
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Args)]
pub struct SettleFlagArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 标记编号（见 review flags）/ Flag id (see review flags)
    #[arg(long)]
    id: i64,
    /// 保留该推荐对象 / Keep the nomination
    #[arg(long, conflicts_with = "exclude", required_unless_present = "exclude")]
    accept: bool,
    /// 排除该推荐对象 / Exclude the nomination
    #[arg(long)]
    exclude: bool,
    /// 理由 / Note
    #[arg(long, default_value = "")]
    note: String,
}

#[derive(Args)]
pub struct AllowanceArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 类别代码（见 review show --json）/ Category key (see review show --json)
    #[arg(long)]
    category: String,
    /// 每校最多推荐几项；不写则取消限制 / Nominations one university may send; omit to remove the limit
    #[arg(long)]
    per_university: Option<u32>,
}

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// .xlsx / .xls / .ods 文件或包含它们的文件夹 / Workbooks, or folders holding them
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

#[derive(Args)]
pub struct DemoArgs {
    /// 评审活动 / Activity
    #[arg(long, default_value = "大学生党员标兵")]
    activity: String,
    /// 年度 / Year
    #[arg(long, default_value_t = 2026)]
    year: i32,
    /// 推荐对象数量 / Number of nominations
    #[arg(long, default_value_t = 60)]
    nominations: usize,
    /// 专家人数 / Number of experts
    #[arg(long, default_value_t = 7)]
    experts: usize,
    /// 随机种子，同一种子生成相同数据 / Seed: the same seed gives the same data
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// 已有演示评审时直接显示它，不再新建 / If a demo review exists, show it instead of creating another
    #[arg(long)]
    keep_existing: bool,
    /// 同时完成一轮评审：生成评审包、模拟专家评分并接收结果 / Also run a whole round: build the package, score as the experts, receive their results
    #[arg(long)]
    finished_round: bool,
}

impl DemoArgs {
    fn spec(&self) -> Result<DemoSpec, Error> {
        Ok(DemoSpec {
            activity: Activity::parse(&self.activity)?,
            year: review::check_year(self.year)?,
            n_nominations: self.nominations,
            n_experts: self.experts,
            seed: self.seed,
        })
    }
}

#[derive(Args)]
pub struct TemplateArgs {
    /// 评审活动 / Activity
    #[arg(long)]
    activity: String,
    /// 年度（写入表头）/ Year (printed in the title)
    #[arg(long)]
    year: i32,
    /// 输出的 .xlsx 文件（不会覆盖已有文件）/ Output .xlsx file (never overwrites)
    #[arg(long)]
    out: PathBuf,
}

pub fn review(workspace: &Workspace, command: ReviewCommand, json: bool) -> Result<(), Error> {
    match command {
        ReviewCommand::New { activity, year } => new(workspace, &activity, year, json),
        ReviewCommand::List => list(workspace, json),
        ReviewCommand::Show {
            review,
            reveal_personal,
        } => show(workspace, review, reveal_personal, json),
        ReviewCommand::Flags { review } => flags(workspace, review, json),
        ReviewCommand::SettleFlag(args) => settle_flag(workspace, args, json),
        ReviewCommand::Allowance(args) => allowance(workspace, args, json),
        ReviewCommand::Backup { review, out } => backup(workspace, review, out, json),
    }
}

fn new(workspace: &Workspace, activity: &str, year: i32, json: bool) -> Result<(), Error> {
    let activity = Activity::parse(activity)?;
    let summary = ops::review::create(
        workspace,
        activity,
        year,
        &random_suffix(),
        &now(),
        &actor(),
    )?;
    answer(json, &summary, |s| {
        println!("已新建评审 / Review created");
        print_summary(s);
    });
    Ok(())
}

fn list(workspace: &Workspace, json: bool) -> Result<(), Error> {
    let list = workspace.list()?;
    answer(json, &list, |list| print_list(workspace, list));
    Ok(())
}

fn print_list(workspace: &Workspace, list: &ReviewList) {
    if list.reviews.is_empty() {
        let dir = workspace.reviews_dir();
        println!("还没有评审 / No reviews yet ({})", dir.display());
    }
    list.reviews.iter().for_each(print_summary);
    for u in &list.unreadable {
        eprintln!(
            "无法读取 / unreadable: {}\n  {}\n  {}",
            u.path, u.message_zh, u.message_en
        );
    }
}

fn show(workspace: &Workspace, review: ReviewArg, reveal: bool, json: bool) -> Result<(), Error> {
    let loaded = review::load(&review.path(workspace)?, parse::privacy(reveal))?;
    answer(json, &loaded, print_review);
    Ok(())
}

fn flags(workspace: &Workspace, review: ReviewArg, json: bool) -> Result<(), Error> {
    let flags = setup::flags(&review.path(workspace)?)?;
    answer(json, &flags, |flags| {
        if flags.is_empty() {
            println!("没有标记 / No flags");
        }
        flags.iter().for_each(print_flag);
    });
    Ok(())
}

fn print_flag(f: &StoredFlag) {
    println!(
        "#{} [{}] {} {}  {}\n      {}",
        f.id, f.status, f.university, f.display_name, f.message_zh, f.message_en
    );
}

fn settle_flag(workspace: &Workspace, args: SettleFlagArgs, json: bool) -> Result<(), Error> {
    let decision = if args.accept {
        Decision::Accepted
    } else {
        Decision::Excluded
    };
    let path = args.review.path(workspace)?;
    let flag = ops::review::settle_flag(&path, args.id, decision, &args.note, &now(), &actor())?;
    answer(json, &flag, |f| {
        println!(
            "已处理 / Settled: [{}] {} {}",
            f.status, f.university, f.display_name
        )
    });
    Ok(())
}

fn allowance(workspace: &Workspace, args: AllowanceArgs, json: bool) -> Result<(), Error> {
    let (category, limit) = (&args.category, args.per_university);
    let path = args.review.path(workspace)?;
    review::set_allowance(&path, category, limit, &now(), &actor())?;
    let shown = serde_json::json!({ "category": category, "allowance": limit });
    answer(json, &shown, |_| print_allowance(category, limit));
    Ok(())
}

fn print_allowance(category: &str, limit: Option<u32>) {
    match limit {
        Some(n) => println!("已设置 / Set: {category} 每校限报 / per university {n}"),
        None => println!("已取消限制 / Limit removed: {category}"),
    }
}

fn backup(workspace: &Workspace, review: ReviewArg, out: PathBuf, json: bool) -> Result<(), Error> {
    let path = review.path(workspace)?;
    review::backup(&path, &out, &now(), &actor())?;
    let (from, to) = (path.display().to_string(), out.display().to_string());
    answer(
        json,
        &serde_json::json!({ "review": from, "backup": to }),
        |_| println!("已备份 / Backed up: {from} → {to}"),
    );
    Ok(())
}

/// Every file is tried; the command fails after the reports when any could not be
/// imported, or when there was nothing to import.
pub fn import(workspace: &Workspace, args: ImportArgs, json: bool) -> Result<(), Error> {
    let path = args.review.path(workspace)?;
    let exe = std::env::current_exe().map_err(|e| Error::io("paneldesk", e))?;
    let files = paneldesk::import::sources_in(&args.paths);
    let pool = paneldesk::sandbox::pool::ParserPool::new(&exe, Default::default());
    let progress = |i: usize, r: &FileReport| {
        if !json {
            print_progress(i, files.len(), r)
        }
    };
    let register = workspace.register_path();
    let reports =
        ops::import::workbooks(&path, &register, &files, &pool, &now(), &actor(), progress)?;
    answer(json, &reports, |r| r.iter().for_each(print_import_report));
    ops::import::all_imported(&reports, files.len())
}

/// On stderr, so `--json` keeps stdout to the answer.
fn print_progress(i: usize, total: usize, r: &FileReport) {
    let state = if r.imported { "✓" } else { "✗" };
    eprintln!("[{}/{total}] {state} {}", i + 1, r.file);
}

fn print_import_report(r: &FileReport) {
    if let Some(e) = &r.error {
        println!("✗ {}\n    {}\n    {}", r.file, e.message_zh, e.message_en);
        return;
    }
    let university = r.university.as_deref().unwrap_or("");
    println!(
        "✓ {}  {university}  导入 accepted {}  标记 flagged {}",
        r.file, r.accepted, r.flagged
    );
    if !r.added.is_empty() {
        println!("    新增 added: {}", r.added.join("、"));
    }
    if !r.removed.is_empty() {
        println!("    移除 removed: {}", r.removed.join("、"));
    }
    for f in &r.flags {
        println!("    ! {}", f.message_zh);
    }
}

pub fn demo(workspace: &Workspace, args: DemoArgs, json: bool) -> Result<(), Error> {
    Activity::parse(&args.activity)?;
    if args.keep_existing {
        if let Some(existing) = ops::demo::existing(workspace)? {
            answer(json, &existing, print_existing);
            return Ok(());
        }
    }
    let review = ops::demo::create(workspace, &args.spec()?, &random_suffix(), &now())?;
    let made = match args.finished_round {
        true => finish_round(workspace, review)?,
        false => ops::demo::DemoMade::review_only(review),
    };
    answer(json, &made, print_demo);
    Ok(())
}

/// The experts' laptops and the USB stick are a folder that goes away afterwards; the
/// clerk's keys are made for the round only (the app's own keys never sign a demo).
fn finish_round(workspace: &Workspace, review: ReviewSummary) -> Result<DemoMade, Error> {
    let laptops = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let (clerk, suffix) = (new_clerk_keys(), random_suffix());
    let scratch = ops::demo::Scratch::new(&clerk, laptops.path(), &suffix);
    ops::demo::finish(workspace, review, &scratch, today(), &now(), &actor())
}

fn print_existing(s: &ReviewSummary) {
    print_created("已有演示评审 / A demo review already exists", s);
}

fn print_demo(made: &DemoMade) {
    print_created("已创建演示评审 / Demo review created", &made.review);
    if let Some(round) = &made.round {
        println!(
            "已完成一轮评审：收到 {} 位专家的评分结果；各类别名额约为推荐数的一半，分数线上有并列待评审组决定 / A round is finished: {} experts' results received; each category's quota is about half its nominations, with a tie at the cut for the panel to decide",
            round.bundles_received, round.bundles_received
        );
    }
    if let Some(r) = &made.register {
        println!(
            "登记册：{} 个往年获奖单位，截至 {} 应中期考核 {}、应验收 {}（paneldesk register list）/ Register: {} units from earlier years; as of {}, {} due for their mid-term review and {} for acceptance",
            r.units, r.as_of, r.due_mid_term, r.due_acceptance, r.units, r.as_of, r.due_mid_term, r.due_acceptance
        );
    }
}

fn print_created(heading: &str, s: &ReviewSummary) {
    println!("{heading}");
    print_summary(s);
}

pub fn activities(json: bool) -> Result<(), Error> {
    answer(json, &activity::all_activities(), |all| {
        for a in all {
            println!("{:<22} {}  /  {}", a.activity.code(), a.name_zh, a.name_en);
        }
    });
    Ok(())
}

pub fn template(args: TemplateArgs, json: bool) -> Result<(), Error> {
    let activity = Activity::parse(&args.activity)?;
    workbook_template::write(&args.out, activity, review::check_year(args.year)?)?;
    let shown = serde_json::json!({
        "activity": activity.code(),
        "year": args.year,
        "path": args.out.display().to_string(),
    });
    answer(json, &shown, |_| {
        println!(
            "已生成推荐汇总表模板 / Nomination workbook written: {}",
            args.out.display()
        )
    });
    Ok(())
}

fn print_summary(s: &ReviewSummary) {
    println!("{}  {}", s.id, s.title_zh);
    println!("  {} / {}", s.activity_name_zh, s.activity_name_en);
    println!(
        "  类别 categories {}  专家 experts {}  推荐对象 nominations {}",
        s.n_categories, s.n_experts, s.n_nominations
    );
    println!("  文件 file: {}", s.path);
}

fn print_review(r: &Review) {
    println!(
        "{}\n{}\n编号 id: {}  创建 created: {}\n",
        r.title_zh, r.title_en, r.id, r.created_at
    );
    println!("类别与评分标准 / Categories and rubric");
    for c in &r.categories {
        let quota = if c.quota_approximate {
            format!("约 {}", c.quota)
        } else {
            c.quota.to_string()
        };
        let count = r
            .nominations
            .iter()
            .filter(|n| n.category_key == c.key)
            .count();
        println!(
            "  {} / {}  名额 quota {quota}  推荐 nominated {count}  {}",
            c.name_zh,
            c.name_en,
            c.scoring_mode.name_zh()
        );
        if c.scoring_mode == ScoringMode::Criteria {
            for k in &c.rubric.criteria {
                println!(
                    "    - {} / {}  0–{} 步长 step {}",
                    k.name_zh, k.name_en, k.max_points, k.step
                );
            }
            if c.rubric.has_placeholders() {
                println!("    ! 以上为占位项，请在评审开始前用 `paneldesk rubric set` 修改 / placeholders: edit them with `paneldesk rubric set` before the panel starts");
            }
        }
    }
    println!("\n专家 / Experts ({})", r.experts.len());
    for e in &r.experts {
        println!("  {:>3}  {}  {}  {}", e.id, e.name, e.institution, e.title);
    }
    println!("\n推荐对象 / Nominations ({})", r.nominations.len());
    for n in &r.nominations {
        println!(
            "  {:>4}  {}  {}  [{}]",
            n.id, n.display_name, n.university, n.category_key
        );
    }
}
