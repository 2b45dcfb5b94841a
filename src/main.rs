//! `paneldesk`: the clerk's jobs from a terminal, scriptable with `--json`.
//!
//! This is an edge: it parses arguments, reads the clock and the environment, calls the
//! core and prints. Errors are printed in Chinese and English; with `--json` they are
//! also printed as `{"error": {code, message_zh, message_en}}` on stdout.

mod cli;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use paneldesk::workspace::Workspace;

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
    Review(cli::review::ReviewCommand),
    /// 导入高校报送的推荐汇总表（文件或文件夹）/ Import nomination workbooks (files or folders)
    Import(cli::review::ImportArgs),
    /// 创建带示例推荐对象和专家的演示评审 / Create a demo review with sample nominations and experts
    Demo(cli::review::DemoArgs),
    /// 列出内置的评审活动模板 / List the built-in activity templates
    Activities,
    /// 生成供高校填写的空白推荐汇总表 / Write the blank nomination workbook universities fill in
    Template(cli::review::TemplateArgs),
    /// 生成签名的评审包，交给专家 / Write the signed panel package for the experts
    Package(cli::round::PackageArgs),
    /// 校验评审包或评分结果的签名与内容 / Verify panel packages or result bundles
    Verify {
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
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
    Audit(cli::audit::AuditCommand),
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
    /// Internal: writes the manual pages and shell completions the .deb carries into DIR
    /// (`scripts/deb-check.sh`), generated from these very definitions.
    #[command(name = "__generate-docs", hide = true)]
    GenerateDocs { dir: std::path::PathBuf },
}

#[derive(Subcommand)]
enum ClerkKeysCommand {
    /// 用口令加密本机的工作人员密钥，或更换口令（新口令取自 PANELDESK_NEW_CLERK_PASSPHRASE 或提示输入）
    /// / Seal this computer's clerk keys under a passphrase, or change it (new one from PANELDESK_NEW_CLERK_PASSPHRASE or a prompt)
    Protect,
}

fn run(cli: Cli) -> Result<(), paneldesk::Error> {
    let workspace = &Workspace::from_env()?;
    let json = cli.json;
    match cli.command {
        Command::Review(command) => cli::review::review(workspace, command, json),
        Command::Import(args) => cli::review::import(workspace, args, json),
        Command::Demo(args) => cli::review::demo(workspace, args, json),
        Command::Activities => cli::review::activities(json),
        Command::Template(args) => cli::review::template(args, json),
        Command::Audit(command) => cli::audit::audit(workspace, command, json),
        Command::Package(args) => cli::round::package(workspace, args, json),
        Command::Verify { files } => cli::round::verify(&files, json),
        Command::Merge(args) => cli::round::merge(workspace, args, json),
        Command::Results(args) => cli::round::results(workspace, args, json),
        Command::Decide(args) => cli::round::decide(workspace, args, json),
        Command::Expert(command) => cli::round::expert(workspace, command, json),
        Command::ClerkKeys(ClerkKeysCommand::Protect) => cli::round::protect_clerk_keys(workspace),
        Command::Report(args) => cli::report::report(workspace, args, json),
        Command::Certificates(command) => cli::report::certificates(workspace, command, json),
        Command::Register(command) => cli::follow_up::register(workspace, command, json),
        Command::FollowUp(command) => cli::follow_up::follow_up(workspace, command, json),
        Command::SpotCheck(command) => cli::follow_up::spot_check(workspace, command, json),
        Command::Roster(command) => cli::setup::roster(workspace, command, json),
        Command::Category(command) => cli::setup::category(workspace, command, json),
        Command::Rubric(command) => cli::rubric::rubric(workspace, command, json),
        Command::Nomination(command) => cli::nomination::nomination(workspace, command, json),
        Command::Announcement(command) => cli::publication::announcement(workspace, command, json),
        Command::Objection(command) => cli::publication::objection(workspace, command, json),
        Command::Meeting(command) => cli::meeting::meeting(workspace, command, json),
        Command::Paper(command) => cli::paper::paper(workspace, command, json),
        Command::Resume(command) => cli::paper::resume(workspace, command, json),
        // Answered in `main` before any workspace is opened.
        Command::ReadWorkbooks | Command::GenerateDocs { .. } => Ok(()),
    }
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
    if let Command::GenerateDocs { dir } = &cli.command {
        return match cli::docs::generate(Cli::command(), dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("错误：无法写出手册页与补全脚本\nError: cannot write the manual pages and completions: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report_error(&e, json);
            ExitCode::FAILURE
        }
    }
}

/// The error in both languages on stderr, then what to type next when the command line
/// knows; with `--json` also as the answer on stdout.
fn report_error(e: &paneldesk::Error, json: bool) {
    let hint = cli::hints::hint(e.code());
    // An incomplete import or verification already printed its per-file reports as the
    // JSON answer.
    let answered = matches!(
        e,
        paneldesk::Error::ImportIncomplete { .. } | paneldesk::Error::NotAllVerified { .. }
    );
    if json && !answered {
        let mut error = serde_json::json!({
            "code": e.code(),
            "message_zh": e.message_zh(),
            "message_en": e.message_en(),
        });
        if let Some((zh, en)) = hint {
            error["hint_zh"] = zh.into();
            error["hint_en"] = en.into();
        }
        println!("{}", serde_json::json!({ "error": error }));
    }
    eprintln!("错误：{}\nError: {}", e.message_zh(), e.message_en());
    if let Some((zh, en)) = hint {
        eprintln!("提示：{zh}\nHint: {en}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    /// The pages and completions the .deb carries name the real subcommands, and not the
    /// internal ones.
    #[test]
    fn generate_docs_writes_man_pages_and_completions_from_the_definitions() {
        let dir = tempfile::tempdir().unwrap();
        cli::docs::generate(Cli::command(), dir.path()).unwrap();
        let read = |p: &str| std::fs::read_to_string(dir.path().join(p)).unwrap();

        let main_page = read("man1/paneldesk.1");
        assert!(main_page.contains(".TH paneldesk 1"), "{main_page}");
        for sub in ["review", "import", "certificates", "spot\\-check"] {
            assert!(main_page.contains(sub), "paneldesk.1 lacks {sub}");
        }
        assert!(!main_page.contains("__read"), "a hidden command leaked");
        assert!(!main_page.contains("__generate"), "a hidden command leaked");
        let review_new = read("man1/paneldesk-review-new.1");
        assert!(review_new.contains("paneldesk\\-review\\-new"));
        let pages = std::fs::read_dir(dir.path().join("man1")).unwrap().count();
        assert!(pages > 30, "only {pages} manual pages");
        assert!(!dir
            .path()
            .join("man1/paneldesk-__read-workbooks.1")
            .exists());

        let bash = read("completions/paneldesk.bash");
        for shell in ["paneldesk.bash", "_paneldesk", "paneldesk.fish"] {
            let script = read(&format!("completions/{shell}"));
            assert!(
                !script.contains("__read"),
                "{shell} offers a hidden command"
            );
            assert!(
                !script.contains("__generate"),
                "{shell} offers a hidden command"
            );
            assert!(
                script.contains("nominations"),
                "{shell} lacks demo's options"
            );
        }
        assert!(bash.contains("complete -F _paneldesk"), "{bash}");
        assert!(bash.contains("follow-up"));
        assert!(read("completions/_paneldesk").starts_with("#compdef paneldesk"));
        assert!(read("completions/paneldesk.fish").contains("complete -c paneldesk"));
    }
}
