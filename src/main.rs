//! `paneldesk`: the clerk's jobs from a terminal, scriptable with `--json`.
//!
//! This is an edge: it parses arguments, reads the clock and the environment, calls the
//! core and prints. Errors are printed in Chinese and English; with `--json` they are
//! also printed as `{"error": {code, message_zh, message_en}}` on stdout.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use paneldesk::activity::{self, Activity};
use paneldesk::ambient::{current_actor as actor, now_rfc3339 as now, random_suffix};
use paneldesk::demo::{self, DemoSpec};
use paneldesk::model::{Review, ReviewSummary, ScoringMode};
use paneldesk::privacy::Privacy;
use paneldesk::review::{self, NewReview};
use paneldesk::workspace::Workspace;
use paneldesk::{audit, store, workbook_template};

#[derive(Parser)]
#[command(
    name = "paneldesk",
    version,
    about = "PanelDesk 离线专家评审 —— 评审秘书的命令行工具\nPanelDesk offline expert review — the clerk's command line",
    after_help = "数据目录 / Data folder: $PANELDESK_DATA_DIR，缺省为 / or else ~/.local/share/paneldesk",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
struct Cli {
    /// 显示帮助 / Show help
    #[arg(short, long, global = true, action = clap::ArgAction::Help)]
    help: Option<bool>,

    /// 显示版本 / Show version
    #[arg(short = 'V', long, action = clap::ArgAction::Version)]
    version: Option<bool>,

    /// 以 JSON 输出，便于脚本处理 / Print JSON for scripts
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 评审：新建、列出、查看、备份 / Reviews: create, list, show, back up
    #[command(subcommand)]
    Review(ReviewCommand),
    /// 导入高校报送的推荐汇总表（文件或文件夹）/ Import nomination workbooks (files or folders)
    Import {
        #[command(flatten)]
        review: ReviewRef,
        /// .xlsx / .xls / .ods 文件或包含它们的文件夹 / Workbooks, or folders holding them
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// 创建带示例推荐对象和专家的演示评审 / Create a demo review with sample nominations and experts
    Demo(DemoArgs),
    /// 列出内置的评审活动模板 / List the built-in activity templates
    Activities,
    /// 生成供高校填写的空白推荐汇总表 / Write the blank nomination workbook universities fill in
    Template {
        /// 评审活动 / Activity
        #[arg(long)]
        activity: String,
        /// 年度（写入表头）/ Year (printed in the title)
        #[arg(long)]
        year: i32,
        /// 输出的 .xlsx 文件（不会覆盖已有文件）/ Output .xlsx file (never overwrites)
        #[arg(long)]
        out: PathBuf,
    },
    /// 生成签名的评审包，交给专家 / Write the signed panel package for the experts
    Package(cli::round::PackageArgs),
    /// 校验评审包或评分结果的签名与内容 / Verify panel packages or result bundles
    Verify {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// 收取专家的评分结果（校验后存入评审）/ Receive the experts' result bundles (verified, then stored)
    Merge(cli::round::MergeArgs),
    /// 汇总、排名、划线，可写出结果工作簿 / Aggregate, rank and cut; optionally write the results workbook
    Results(cli::round::ResultsArgs),
    /// 专家：打开评审包、登记、评分、提交 / Expert: open a package, enrol, score, submit
    #[command(subcommand)]
    Expert(cli::round::ExpertCommand),
    /// 记录评审组对某个结果的决定（如分数线并列时表决）/ Record the panel's decision on a result
    Decide(cli::round::DecideArgs),
    /// 会评：名额线附近的推荐对象再次表决、计票、打印计票单
    /// / The panel's meeting vote on those around the cut: open, count, print the sheet
    #[command(subcommand)]
    Meeting(cli::meeting::MeetingCommand),
    /// 打印报表：汇总表、专家评分表、公示名单 / Print reports: summary, score sheets, announcement
    Report(cli::report::ReportArgs),
    /// 证书：打印、核验、模板 / Certificates: print, check, template
    #[command(subcommand)]
    Certificates(cli::report::CertificatesCommand),
    /// 推荐对象：查看、更正、撤回（须写明理由）/ Nominations: show, correct, withdraw (with a reason)
    #[command(subcommand)]
    Nomination(cli::nomination::NominationCommand),
    /// 公示：标题、公示期、受理异议方式、落款 / The 公示: wording, period, objection channels, issuer
    #[command(subcommand)]
    Announcement(cli::publication::AnnouncementCommand),
    /// 异议：登记、列出、办结 / Objections to the 公示: record, list, resolve
    #[command(subcommand)]
    Objection(cli::publication::ObjectionCommand),
    /// 纸质评分表：打印、两人录入、状态 / Paper score sheets: print, key in twice, status
    #[command(subcommand)]
    Paper(cli::paper::PaperCommand),
    /// 续评：专家换电脑后由最后提交的评分结果接着评 / Resume: an expert on a new laptop continues from their last bundle
    #[command(subcommand)]
    Resume(cli::paper::ResumeCommand),
    /// 审计日志：查看、校验 / Audit log: show, verify
    #[command(subcommand)]
    Audit(AuditCommand),
    /// 工作人员密钥：加密或更换口令 / The clerk's keys: protect them or change the passphrase
    #[command(subcommand)]
    ClerkKeys(ClerkKeysCommand),
    /// 督导：获奖单位登记册 / Supervision: the register of awarded units
    #[command(subcommand)]
    Register(cli::follow_up::RegisterCommand),
    /// 专家名单：列出、添加、移除 / The expert roster: list, add, remove
    #[command(subcommand)]
    Roster(cli::setup::RosterCommand),
    /// 类别：名额与汇总规则 / Categories: quota and aggregation rule
    #[command(subcommand)]
    Category(cli::setup::CategoryCommand),
    /// 评分细则：查看、修改、评分方式、导出导入 / The rubric: show, edit, scoring mode, export and import
    #[command(subcommand)]
    Rubric(cli::rubric::RubricCommand),
    /// 督导：中期考核与验收 / Supervision: mid-term and acceptance reviews
    #[command(subcommand, name = "follow-up")]
    FollowUp(cli::follow_up::FollowUpCommand),
    /// 督导：随机抽查 / Supervision: random spot checks
    #[command(subcommand, name = "spot-check")]
    SpotCheck(cli::follow_up::SpotCheckCommand),
    /// Internal: a parsing child for untrusted workbooks (see `sandbox::pool`).
    #[command(name = "__read-workbooks", hide = true)]
    ReadWorkbooks,
}

#[derive(Args)]
struct ReviewRef {
    /// 评审编号（可只写开头几位）或评审文件路径；缺省为最近创建的评审
    /// / Review id (a unique prefix will do) or path to its file; the most recent when omitted
    #[arg(long)]
    review: Option<String>,
}

#[derive(Subcommand)]
enum ReviewCommand {
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
        review: ReviewRef,
        /// 显示完整身份证号和电话（默认打码）/ Show ID and phone numbers in full (masked by default)
        #[arg(long)]
        reveal_personal: bool,
    },
    /// 列出待处理的标记（资格、重复、数据问题）/ List the flags to settle (eligibility, duplicates, data)
    Flags {
        #[command(flatten)]
        review: ReviewRef,
    },
    /// 处理一个标记：保留（须写理由）或排除 / Settle a flag: accept (with a note) or exclude
    SettleFlag {
        #[command(flatten)]
        review: ReviewRef,
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
    },
    /// 设置每校限报数（导入时超出的推荐会被标记）/ Set a category's per-university allowance (imports flag rows over it)
    Allowance {
        #[command(flatten)]
        review: ReviewRef,
        /// 类别代码（见 review show --json）/ Category key (see review show --json)
        #[arg(long)]
        category: String,
        /// 每校最多推荐几项；不写则取消限制 / Nominations one university may send; omit to remove the limit
        #[arg(long)]
        per_university: Option<u32>,
    },
    /// 用 SQLite 在线备份接口复制评审文件 / Copy a review file with SQLite's online backup
    Backup {
        #[command(flatten)]
        review: ReviewRef,
        /// 备份文件路径（不会覆盖已有文件）/ Backup file path (never overwrites)
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Args)]
struct DemoArgs {
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
}

#[derive(Subcommand)]
enum ClerkKeysCommand {
    /// 用口令加密本机的工作人员密钥，或更换口令（新口令取自 PANELDESK_NEW_CLERK_PASSPHRASE 或提示输入）
    /// / Seal this computer's clerk keys under a passphrase, or change it (new one from PANELDESK_NEW_CLERK_PASSPHRASE or a prompt)
    Protect,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// 列出审计日志 / List the audit log
    Show(ReviewRef),
    /// 校验审计日志的哈希链，并由保存的专家签名结果重新推导全部评分
    /// / Verify the audit log's hash chain and re-derive every mark from the kept signed bundles
    Verify(AuditVerifyArgs),
}

#[derive(Args)]
struct AuditVerifyArgs {
    #[command(flatten)]
    review: ReviewRef,
    /// 打印件上的审计锚点（序号:哈希）/ The audit anchor printed on a document (seq:hash)
    #[arg(long)]
    anchor: Option<String>,
}

/// The chain, the printed anchor if one is given, then the marks re-derived from the kept
/// bundles; any difference fails the command after every one is printed.
pub(crate) fn audit_verify(
    workspace: &Workspace,
    review: Option<String>,
    anchor: Option<String>,
    json: bool,
) -> Result<(), paneldesk::Error> {
    let path = workspace.resolve(review.as_deref())?;
    let conn = store::open(&path)?;
    let n = match &anchor {
        Some(anchor) => audit::verify_anchor(&conn, anchor)?,
        None => audit::verify(&conn)?,
    };
    let head = audit::head(&conn)?;
    // Only the clerk's own keys open the sealed scores; a laptop without them (a
    // supervisor's) checks the chain and the anchor, and is told the marks were not.
    let keys_path = workspace.clerk_keys_path();
    let derived = if keys_path.exists() {
        let clerk = cli::round::clerk_keys(workspace)?;
        Some(paneldesk::merge::rederive::rederive(&conn, &clerk)?)
    } else {
        None
    };
    // What the 汇总表 and 公示 print as the results digest, recomputed from the marks now.
    let digest = paneldesk::report::record::Record::load(
        &path,
        &paneldesk::merge::results::ResultOptions::default(),
    )
    .ok()
    .map(|r| r.results_hash());
    if json {
        let printed = print_json(&serde_json::json!({
            "ok": derived.as_ref().is_none_or(|d| d.differences.is_empty()),
            "entries": n,
            "head": head,
            "anchor_checked": anchor,
            "rederived": derived,
            "results_digest": digest,
        }));
        if let Err(e) = printed {
            eprintln!("输出失败 / could not print: {e}");
        }
    } else {
        println!("审计日志完整，共 {n} 条 / Audit log intact: {n} entries");
        if let Some(h) = &head {
            println!("当前锚点 / current anchor: {h}");
        }
        if let Some(a) = &anchor {
            println!("含打印件上的锚点 / holds the printed anchor {a}");
        }
        match &derived {
            Some(d) => println!(
                "由 {} 份保存的签名结果重新推导 {} 位专家的评分 / re-derived {} experts' marks from {} kept bundles",
                d.bundles, d.marks, d.marks, d.bundles
            ),
            None => println!(
                "本机没有工作人员密钥，未能重新推导评分：请在工作人员的电脑上运行 / no clerk keys on this laptop: marks not re-derived; run this on the clerk's laptop"
            ),
        }
        if let Some(d) = &digest {
            println!(
                "结果摘要 / results digest: {d}（应与打印件一致 / must equal the printed one）"
            );
        }
        for d in derived.iter().flat_map(|d| &d.differences) {
            println!("✗ 专家 expert {}  {}  {}", d.expert_id, d.kind, d.detail);
        }
    }
    let differences = derived.map_or(0, |d| d.differences.len());
    if differences > 0 {
        return Err(paneldesk::Error::MarksDiffer { count: differences });
    }
    Ok(())
}

fn print_import_reports(reports: &[paneldesk::import::file::FileReport]) {
    for r in reports {
        match &r.error {
            Some(e) => println!("✗ {}\n    {}\n    {}", r.file, e.message_zh, e.message_en),
            None => {
                println!(
                    "✓ {}  {}  导入 accepted {}  标记 flagged {}",
                    r.file,
                    r.university.as_deref().unwrap_or(""),
                    r.accepted,
                    r.flagged
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
        }
    }
}

fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
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

fn run(cli: Cli) -> Result<(), paneldesk::Error> {
    let workspace = Workspace::from_env()?;
    let json = cli.json;
    let out = |r: anyhow::Result<()>| {
        if let Err(e) = r {
            eprintln!("输出失败 / could not print: {e}");
        }
    };
    match cli.command {
        Command::Review(ReviewCommand::New { activity, year }) => {
            let activity = Activity::parse(&activity)?;
            review::check_year(year)?;
            let id = review::make_id(year, activity, &random_suffix());
            let path = workspace.path_for_new_review(&id);
            let summary = review::create(
                &path,
                &NewReview {
                    id,
                    activity,
                    year,
                    created_at: now(),
                    actor: actor(),
                },
            )?;
            if json {
                out(print_json(&summary));
            } else {
                println!("已新建评审 / Review created");
                print_summary(&summary);
            }
        }
        Command::Review(ReviewCommand::List) => {
            let list = workspace.list()?;
            if json {
                out(print_json(&list));
            } else {
                if list.reviews.is_empty() {
                    println!(
                        "还没有评审 / No reviews yet ({})",
                        workspace.reviews_dir().display()
                    );
                }
                for s in &list.reviews {
                    print_summary(s);
                }
                for u in &list.unreadable {
                    eprintln!(
                        "无法读取 / unreadable: {}\n  {}\n  {}",
                        u.path, u.message_zh, u.message_en
                    );
                }
            }
        }
        Command::Review(ReviewCommand::Show {
            review: r,
            reveal_personal,
        }) => {
            let path = workspace.resolve(r.review.as_deref())?;
            let privacy = if reveal_personal {
                Privacy::Revealed
            } else {
                Privacy::Masked
            };
            let loaded = review::load(&path, privacy)?;
            if json {
                out(print_json(&loaded));
            } else {
                print_review(&loaded);
            }
        }
        Command::Review(ReviewCommand::Backup {
            review: r,
            out: dest,
        }) => {
            let path = workspace.resolve(r.review.as_deref())?;
            review::backup(&path, &dest, &now(), &actor())?;
            if json {
                out(print_json(&serde_json::json!({
                    "review": path.display().to_string(),
                    "backup": dest.display().to_string(),
                })));
            } else {
                println!(
                    "已备份 / Backed up: {} → {}",
                    path.display(),
                    dest.display()
                );
            }
        }
        Command::Import { review: r, paths } => {
            let path = workspace.resolve(r.review.as_deref())?;
            let exe = std::env::current_exe().map_err(|e| paneldesk::Error::io("paneldesk", e))?;
            let files = paneldesk::import::sources_in(&paths);
            let total = files.len();
            let pool = paneldesk::sandbox::pool::ParserPool::new(&exe, Default::default());
            let reports = paneldesk::ops::import::workbooks(
                &path,
                &workspace.register_path(),
                &files,
                &pool,
                &now(),
                &actor(),
                |i, report| {
                    if !json {
                        let state = if report.imported { "✓" } else { "✗" };
                        eprintln!("[{}/{total}] {state} {}", i + 1, report.file);
                    }
                },
            )?;
            if json {
                out(print_json(&reports));
            } else {
                print_import_reports(&reports);
            }
            if reports.iter().any(|r| !r.imported) || files.is_empty() {
                return Err(paneldesk::Error::ImportIncomplete {
                    failed: reports.iter().filter(|r| !r.imported).count(),
                    total: files.len(),
                });
            }
        }
        Command::Review(ReviewCommand::Flags { review: r }) => {
            let path = workspace.resolve(r.review.as_deref())?;
            let conn = store::open(&path)?;
            let flags = paneldesk::store::flags::read_all(&conn)?;
            if json {
                out(print_json(&flags));
            } else {
                if flags.is_empty() {
                    println!("没有标记 / No flags");
                }
                for f in &flags {
                    println!(
                        "#{} [{}] {} {}  {}\n      {}",
                        f.id, f.status, f.university, f.display_name, f.message_zh, f.message_en
                    );
                }
            }
        }
        Command::Review(ReviewCommand::Allowance {
            review: r,
            category,
            per_university,
        }) => {
            let path = workspace.resolve(r.review.as_deref())?;
            review::set_allowance(&path, &category, per_university, &now(), &actor())?;
            if json {
                out(print_json(&serde_json::json!({
                    "category": category,
                    "allowance": per_university,
                })));
            } else {
                match per_university {
                    Some(n) => println!("已设置 / Set: {category} 每校限报 / per university {n}"),
                    None => println!("已取消限制 / Limit removed: {category}"),
                }
            }
        }
        Command::Review(ReviewCommand::SettleFlag {
            review: r,
            id,
            accept,
            exclude: _,
            note,
        }) => {
            let path = workspace.resolve(r.review.as_deref())?;
            let mut conn = store::open(&path)?;
            let decision = if accept {
                paneldesk::store::flags::Decision::Accepted
            } else {
                paneldesk::store::flags::Decision::Excluded
            };
            let flag =
                paneldesk::store::flags::settle(&mut conn, id, decision, &note, &now(), &actor())?;
            if json {
                out(print_json(&flag));
            } else {
                println!(
                    "已处理 / Settled: [{}] {} {}",
                    flag.status, flag.university, flag.display_name
                );
            }
        }
        Command::Demo(args) => {
            let activity = Activity::parse(&args.activity)?;
            if args.keep_existing {
                let list = workspace.list()?;
                if let Some(existing) = list
                    .reviews
                    .iter()
                    .find(|s| s.id.starts_with(demo::ID_PREFIX))
                {
                    if json {
                        out(print_json(existing));
                    } else {
                        println!("已有演示评审 / A demo review already exists");
                        print_summary(existing);
                    }
                    return Ok(());
                }
            }
            let spec = DemoSpec {
                activity,
                year: review::check_year(args.year)?,
                n_nominations: args.nominations,
                n_experts: args.experts,
                seed: args.seed,
            };
            let id = demo::review_id(&spec, &random_suffix());
            let path = workspace.path_for_new_review(&id);
            let summary = demo::create(&path, &id, &spec, &now())?;
            if json {
                out(print_json(&summary));
            } else {
                println!("已创建演示评审 / Demo review created");
                print_summary(&summary);
            }
        }
        Command::Activities => {
            let all = activity::all_activities();
            if json {
                out(print_json(&all));
            } else {
                for a in &all {
                    println!("{:<22} {}  /  {}", a.activity.code(), a.name_zh, a.name_en);
                }
            }
        }
        Command::Template {
            activity,
            year,
            out: dest,
        } => {
            let activity = Activity::parse(&activity)?;
            workbook_template::write(&dest, activity, review::check_year(year)?)?;
            if json {
                out(print_json(&serde_json::json!({
                    "activity": activity.code(),
                    "year": year,
                    "path": dest.display().to_string(),
                })));
            } else {
                println!(
                    "已生成推荐汇总表模板 / Nomination workbook written: {}",
                    dest.display()
                );
            }
        }
        Command::Audit(AuditCommand::Show(r)) => {
            let path = workspace.resolve(r.review.as_deref())?;
            let conn = store::open(&path)?;
            let entries = audit::entries(&conn)?;
            if json {
                out(print_json(&entries));
            } else {
                for e in &entries {
                    println!(
                        "{:>5}  {}  {:<10} {:<20} {}",
                        e.seq, e.at, e.actor, e.action, e.detail
                    );
                }
            }
        }
        // Answered in `main` before any workspace is opened.
        Command::ReadWorkbooks => {}
        Command::Package(args) => cli::round::package(&workspace, args, json)?,
        Command::Verify { files } => cli::round::verify(&files, json)?,
        Command::Merge(args) => cli::round::merge(&workspace, args, json)?,
        Command::Results(args) => cli::round::results(&workspace, args, json)?,
        Command::Decide(args) => cli::round::decide(&workspace, args, json)?,
        Command::Report(args) => cli::report::report(&workspace, args, json)?,
        Command::Certificates(command) => cli::report::certificates(&workspace, command, json)?,
        Command::Expert(command) => cli::round::expert(&workspace, command, json)?,
        Command::Register(command) => cli::follow_up::register(&workspace, command, json)?,
        Command::Roster(command) => cli::setup::roster(&workspace, command, json)?,
        Command::Category(command) => cli::setup::category(&workspace, command, json)?,
        Command::Rubric(command) => cli::rubric::rubric(&workspace, command, json)?,
        Command::Nomination(command) => cli::nomination::nomination(&workspace, command, json)?,
        Command::Announcement(command) => {
            cli::publication::announcement(&workspace, command, json)?
        }
        Command::Objection(command) => cli::publication::objection(&workspace, command, json)?,
        Command::Meeting(command) => cli::meeting::meeting(&workspace, command, json)?,
        Command::Paper(command) => cli::paper::paper(&workspace, command, json)?,
        Command::Resume(command) => cli::paper::resume(&workspace, command, json)?,
        Command::FollowUp(command) => cli::follow_up::follow_up(&workspace, command, json)?,
        Command::SpotCheck(command) => cli::follow_up::spot_check(&workspace, command, json)?,
        Command::ClerkKeys(ClerkKeysCommand::Protect) => {
            cli::round::protect_clerk_keys(&workspace)?
        }
        Command::Audit(AuditCommand::Verify(args)) => {
            audit_verify(&workspace, args.review.review, args.anchor, json)?
        }
    }
    Ok(())
}

// A folder import allocates and frees millions of small strings across threads (cells
// decoded on the pool's threads, freed after the one writing thread stored them), and
// the parsing child allocates one per cell. mimalloc cut a 200-workbook import by a
// sixth of its time over the system allocator (scripts/bench-import.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::ReadWorkbooks = &cli.command {
        let code = paneldesk::sandbox::pool::child_main();
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // An incomplete import already printed its per-file reports as the JSON answer.
            let answered = matches!(
                e,
                paneldesk::Error::ImportIncomplete { .. } | paneldesk::Error::NotAllVerified { .. }
            );
            if json && !answered {
                println!(
                    "{}",
                    serde_json::json!({"error": {
                        "code": e.code(),
                        "message_zh": e.message_zh(),
                        "message_en": e.message_en(),
                    }})
                );
            }
            eprintln!("错误：{}\nError: {}", e.message_zh(), e.message_en());
            ExitCode::FAILURE
        }
    }
}
