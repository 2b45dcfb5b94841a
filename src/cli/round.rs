//! The CLI of a review round: the clerk's `package`, `verify`, `merge`, `results` and
//! `decide`, and the expert's `expert …` commands (enough to drive a whole round without
//! a window, in tests or by experts who prefer a terminal). Part of the `paneldesk`
//! binary, like `main.rs`.

use std::io::BufRead;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use paneldesk::ambient::{
    current_actor as actor, new_clerk_keys, now_rfc3339 as now, now_unix, random_bytes,
};
use paneldesk::merge::collect::{self, ExpertStatus, Receipt};
use paneldesk::merge::decisions::{self, Outcome, PanelDecision};
use paneldesk::merge::rank::Cut;
use paneldesk::merge::results::{CategoryResult, ReviewResults};
use paneldesk::ops::clerk_keys::Asked;
use paneldesk::ops::round::{self, PackageTerms, Verified};
use paneldesk::ops::scoring::{self, ScoringStatus};
use paneldesk::ops::{self, reports, Existing};
use paneldesk::package::PackageSummary;
use paneldesk::scoring::panel::{self, Panel};
use paneldesk::workspace::Workspace;
use paneldesk::{keys, package, Error};

use crate::cli::args::{PanelRef, ReviewArg};
use crate::cli::out::{answer, print_json};

#[derive(Args)]
pub struct PackageArgs {
    #[command(flatten)]
    pub review: ReviewArg,
    /// 输出的评审包文件（.pdpanel）/ Output package file (.pdpanel)
    #[arg(long)]
    pub out: PathBuf,
    /// 评分截止日期 YYYY-MM-DD / Closing date
    #[arg(long)]
    pub closes: String,
    /// 每条评语至少几个字（0 为不要求）/ Shortest comment accepted (0: none)
    #[arg(long, default_value_t = 0)]
    pub min_comment: u32,
    /// 评审组名称（多个评审组分别评审时）/ Panel name, when several panels share the review
    #[arg(long)]
    pub panel: Option<String>,
    /// 本组评审的类别代码，逗号分隔 / Category keys this panel scores, comma-separated
    #[arg(long, value_delimiter = ',')]
    pub categories: Vec<String>,
    /// 本组专家编号，逗号分隔 / Roster numbers of this panel's experts, comma-separated
    #[arg(long, value_delimiter = ',')]
    pub experts: Vec<i64>,
    /// 同一类别分组评审：第 i 组共 n 组，写作 i/n / One category split in groups: i/n
    #[arg(long)]
    pub group: Option<String>,
}

impl PackageArgs {
    fn scope(&self) -> Result<package::PanelScope, Error> {
        let group = match &self.group {
            None => None,
            Some(text) => {
                let parsed = text
                    .split_once('/')
                    .and_then(|(i, n)| Some((i.trim().parse().ok()?, n.trim().parse().ok()?)));
                let Some((index, of)) = parsed else {
                    return Err(Error::BadInput {
                        zh: format!("分组应写作 i/n，如 1/2：{text}"),
                        en: format!("write the group as i/n, e.g. 1/2: {text}"),
                    });
                };
                Some(package::Group { index, of })
            }
        };
        Ok(package::PanelScope {
            name: self.panel.clone().unwrap_or_default(),
            categories: self.categories.clone(),
            experts: self.experts.clone(),
            group,
        })
    }

    fn terms(&self) -> Result<PackageTerms, Error> {
        Ok(PackageTerms {
            closes_on: self.closes.clone(),
            min_comment_chars: self.min_comment,
            scope: self.scope()?,
        })
    }
}

#[derive(Subcommand)]
pub enum ExpertCommand {
    /// 打开评审包（校验签名后保存在本机）/ Open a panel package (verified, then kept on this laptop)
    Open { file: PathBuf },
    /// 在专家名单中选择本人并设置口令（至少 8 个字符，从终端或 PANELDESK_PASSPHRASE 读取）/ Enrol: pick your name, set a passphrase (8+ characters; terminal or PANELDESK_PASSPHRASE)
    Enrol {
        #[command(flatten)]
        panel: PanelRef,
        /// 本人姓名（须在专家名单中）/ Your name as on the roster
        #[arg(long)]
        name: String,
    },
    /// 从 CSV 录入评分：编号,指标|vote|grade|comment|recuse,值 / Enter scores from CSV: id,criterion|vote|grade|comment|recuse,value
    Score {
        #[command(flatten)]
        panel: PanelRef,
        csv: PathBuf,
        /// 每保存一项即输出该行（已写入磁盘后）/ Print each line once it is saved to disk
        #[arg(long)]
        echo: bool,
    },
    /// 查看进度和未完成项 / Progress and incomplete items
    Status {
        #[command(flatten)]
        panel: PanelRef,
    },
    /// 提交：锁定评分并写出签名的评分结果 / Submit: lock the scores and write the signed result bundle
    Submit {
        #[command(flatten)]
        panel: PanelRef,
        /// 写入的文件夹（如 U 盘）/ Folder to write to (e.g. the USB stick)
        #[arg(long)]
        out: PathBuf,
    },
    /// 提交后更正：解锁评分，下次提交为新的序号 / After submitting: unlock for a correction (next submit is a new sequence)
    Reopen {
        #[command(flatten)]
        panel: PanelRef,
    },
}

/// The clerk's keys for a job that signs or opens sealed scores. The passphrase comes
/// from `PANELDESK_CLERK_PASSPHRASE` or, at a terminal, a prompt; the first such job on a
/// computer makes the keys under it.
pub fn clerk_keys(workspace: &Workspace) -> Result<keys::ClerkKeys, Error> {
    let ask = |asked| {
        clerk_passphrase(match asked {
            Asked::NewPassphrase => "新工作人员口令 / New clerk passphrase: ",
            Asked::Passphrase => "工作人员口令 / Clerk passphrase: ",
        })
    };
    let path = workspace.clerk_keys_path();
    let (fresh, salt, nonce) = (new_clerk_keys(), random_bytes(), random_bytes());
    let job = ops::clerk_keys::for_job(&path, ask, fresh, salt, nonce)?;
    if job.unprotected {
        eprintln!(
            "提示：本机的工作人员密钥未加密，复制数据文件夹的人即可签发评审包；请运行 paneldesk clerk-keys protect。\nNote: this computer's clerk keys are not protected; anyone copying the data folder can sign packages. Run paneldesk clerk-keys protect."
        );
    }
    Ok(job.keys)
}

/// The clerk's passphrase from the environment, or typed at a terminal (not echoed);
/// `None` when neither is there, so scripts fail clearly instead of waiting.
fn clerk_passphrase(prompt: &str) -> Result<Option<zeroize::Zeroizing<String>>, Error> {
    if let Ok(passphrase) = std::env::var("PANELDESK_CLERK_PASSPHRASE") {
        return Ok(Some(zeroize::Zeroizing::new(passphrase)));
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Ok(None);
    }
    rpassword::prompt_password(prompt)
        .map(|p| Some(zeroize::Zeroizing::new(p)))
        .map_err(|e| Error::io("stdin", e))
}

/// `clerk-keys protect`: seals keys made before passphrases, or changes the passphrase.
pub fn protect_clerk_keys(workspace: &Workspace) -> Result<(), Error> {
    let path = workspace.clerk_keys_path();
    let current = match keys::clerk_key_state(&path)? {
        keys::ClerkKeyState::Missing => return Err(Error::ClerkKeysMissing),
        keys::ClerkKeyState::Unprotected => None,
        keys::ClerkKeyState::Protected => Some(
            clerk_passphrase("当前口令 / Current passphrase: ")?
                .ok_or(Error::ClerkPassphraseNeeded)?,
        ),
    };
    let new = new_clerk_passphrase()?;
    let current = current.as_ref().map(|p| p.as_str());
    keys::protect_clerk_keys(&path, current, &new, random_bytes(), random_bytes())?;
    println!("工作人员密钥已用新口令加密。\nThe clerk's keys are sealed under the new passphrase.");
    Ok(())
}

/// The new passphrase from `PANELDESK_NEW_CLERK_PASSPHRASE`, or typed twice at a
/// terminal.
fn new_clerk_passphrase() -> Result<zeroize::Zeroizing<String>, Error> {
    if let Ok(p) = std::env::var("PANELDESK_NEW_CLERK_PASSPHRASE") {
        return Ok(zeroize::Zeroizing::new(p));
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Err(Error::ClerkPassphraseNeeded);
    }
    let prompt = |text: &str| {
        rpassword::prompt_password(text)
            .map(zeroize::Zeroizing::new)
            .map_err(|e| Error::io("stdin", e))
    };
    let first = prompt("新口令 / New passphrase: ")?;
    if *first != *prompt("再次输入 / Again: ")? {
        return Err(Error::BadInput {
            zh: "两次输入的口令不一致".into(),
            en: "the two passphrases differ".into(),
        });
    }
    Ok(first)
}

pub fn read_passphrase() -> Result<zeroize::Zeroizing<String>, Error> {
    if let Ok(passphrase) = std::env::var("PANELDESK_PASSPHRASE") {
        return Ok(zeroize::Zeroizing::new(passphrase));
    }
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return rpassword::prompt_password("口令 / Passphrase: ")
            .map(zeroize::Zeroizing::new)
            .map_err(|e| Error::io("stdin", e));
    }
    let mut line = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::io("stdin", e))?;
    Ok(zeroize::Zeroizing::new(
        line.trim_end_matches(['\r', '\n']).to_string(),
    ))
}

pub fn package(workspace: &Workspace, args: PackageArgs, json: bool) -> Result<(), Error> {
    let (review, terms) = (args.review.path(workspace)?, args.terms()?);
    let clerk = clerk_keys(workspace)?;
    let summary = round::build_package(&review, &args.out, &clerk, &terms, &now(), &actor())?;
    answer(json, &summary, print_package);
    Ok(())
}

fn print_package(summary: &PackageSummary) {
    println!(
        "已生成评审包 / Package written: {}\n  推荐对象 nominations {}  专家 experts {}  材料 materials {}  已排除 excluded {}\n  校验值 hash {}\n  秘书密钥指纹 clerk fingerprint {}",
        summary.path,
        summary.nominations,
        summary.experts,
        summary.materials,
        summary.excluded,
        summary.hash,
        summary.clerk_fingerprint
    );
}

/// Verifies packages and bundles; fails when any does not verify.
pub fn verify(files: &[PathBuf], json: bool) -> Result<(), Error> {
    let results: Vec<Verified> = files.iter().map(|f| round::verify_file(f)).collect();
    answer(json, &results, |all| all.iter().for_each(print_verified));
    round::all_verified(&results)
}

fn print_verified(r: &Verified) {
    match &r.error {
        None => println!(
            "✓ {}  {}  指纹 fingerprint {}",
            r.file,
            r.kind.unwrap_or(""),
            r.fingerprint.as_deref().unwrap_or("")
        ),
        Some(e) => println!(
            "✗ {}\n    {}\n    {}",
            r.file, e["message_zh"], e["message_en"]
        ),
    }
}

pub fn expert(workspace: &Workspace, command: ExpertCommand, json: bool) -> Result<(), Error> {
    match command {
        ExpertCommand::Open { file } => open(workspace, file, json),
        ExpertCommand::Enrol { panel, name } => enrol(workspace, panel, name, json),
        ExpertCommand::Score { panel, csv, echo } => score(workspace, panel, csv, echo, json),
        ExpertCommand::Status { panel } => status(workspace, panel, json),
        ExpertCommand::Submit { panel, out } => submit(workspace, panel, out, json),
        ExpertCommand::Reopen { panel } => reopen(workspace, panel, json),
    }
}

fn open(workspace: &Workspace, file: PathBuf, json: bool) -> Result<(), Error> {
    let panel = panel::import_package(&workspace.panels_dir(), &file, &now())?;
    if json {
        print_json(&serde_json::json!({
            "hash": panel.hash,
            "clerk_fingerprint": panel.clerk_fingerprint,
            "review": panel.package.review,
            "closes_on": panel.package.closes_on,
            "experts": panel.package.experts,
            "enrolment": panel.enrolment()?,
        }));
    } else {
        print_opened(&panel);
    }
    Ok(())
}

fn print_opened(panel: &Panel) {
    println!(
        "已打开评审包 / Opened: {} {}\n  校验值 hash {}\n  秘书密钥指纹 clerk fingerprint {}\n  截止 closes {}",
        panel.package.review.title_zh,
        panel.package.review.year,
        panel.hash,
        panel.clerk_fingerprint,
        panel.package.closes_on
    );
    for e in &panel.package.experts {
        println!("  {}  {}  {}", e.name, e.institution, e.title);
    }
}

fn enrol(workspace: &Workspace, panel: PanelRef, name: String, json: bool) -> Result<(), Error> {
    let mut panel = panel.open(workspace)?;
    let randomness = (random_bytes(), random_bytes(), random_bytes());
    let enrolment = scoring::enrol(&mut panel, &name, read_passphrase, randomness, &now())?;
    answer(json, &enrolment, |e| {
        println!(
            "已登记 / Enrolled: {}\n  密钥指纹（请抄写在纸质评分表上）/ Key fingerprint (write it on the paper score sheet): {}",
            e.expert.name, e.fingerprint
        )
    });
    Ok(())
}

fn score(
    workspace: &Workspace,
    panel: PanelRef,
    csv: PathBuf,
    echo: bool,
    json: bool,
) -> Result<(), Error> {
    let mut panel = panel.open(workspace)?;
    let text = std::fs::read_to_string(&csv).map_err(|e| Error::io(&csv, e))?;
    let saved = |line: &str| {
        if echo {
            echo_saved(line)
        }
    };
    let source = csv.display().to_string();
    let applied = scoring::score_lines(&mut panel, &text, &source, &now(), saved)?;
    let shown = serde_json::json!({ "applied": applied, "progress": panel.progress()? });
    answer(json, &shown, |_| {
        println!("已保存 {applied} 项 / Saved {applied} entries")
    });
    Ok(())
}

/// Printed only after the line's commit returned, and flushed: a line seen is a line saved.
fn echo_saved(line: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "saved {line}").and_then(|()| stdout.flush());
}

fn status(workspace: &Workspace, panel: PanelRef, json: bool) -> Result<(), Error> {
    let status = scoring::status(&panel.open(workspace)?)?;
    answer(json, &status, print_status);
    Ok(())
}

fn print_status(status: &ScoringStatus) {
    for p in &status.progress {
        println!(
            "{}  {}/{}  回避 recused {}",
            p.name_zh, p.complete, p.total, p.recused
        );
    }
    for i in &status.incomplete {
        println!(
            "  未完成 incomplete: [{}] {}",
            i.nomination_id, i.display_name
        );
    }
}

fn submit(workspace: &Workspace, panel: PanelRef, out: PathBuf, json: bool) -> Result<(), Error> {
    let mut panel = panel.open(workspace)?;
    let submission = panel.submit(&read_passphrase()?, &out, &now(), now_unix())?;
    answer(json, &submission, |s| {
        println!(
            "已提交并校验，可以取下 U 盘 / Submitted and verified; the USB stick can be removed\n  {}\n  序号 sequence {}  指纹 fingerprint {}",
            s.file, s.sequence, s.fingerprint
        )
    });
    Ok(())
}

fn reopen(workspace: &Workspace, panel: PanelRef, json: bool) -> Result<(), Error> {
    let mut panel = panel.open(workspace)?;
    panel.reopen()?;
    answer(
        json,
        &serde_json::json!({ "reopened": true, "panel": panel.hash }),
        |_| println!("已解锁，可更正后重新提交 / Unlocked: correct and submit again"),
    );
    Ok(())
}

#[derive(Args)]
pub struct MergeArgs {
    #[command(flatten)]
    pub review: ReviewArg,
    /// 评分结果文件（.pdresult）或包含它们的文件夹 / Result bundles, or folders holding them
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

/// Receives result bundles into a review; fails when any was refused (or none was
/// found).
pub fn merge(workspace: &Workspace, args: MergeArgs, json: bool) -> Result<(), Error> {
    let review = args.review.path(workspace)?;
    let clerk = clerk_keys(workspace)?;
    let receipts = round::receive_bundles(&review, &clerk, &args.paths, &now(), &actor())?;
    let board = collect::status(&review)?;
    if json {
        print_json(&serde_json::json!({ "receipts": receipts, "experts": board }));
    } else {
        receipts.iter().for_each(print_receipt);
        board.iter().for_each(print_expert_status);
    }
    all_received(&receipts)
}

/// Fails when any bundle was refused, or when there was none to receive.
fn all_received(receipts: &[Receipt]) -> Result<(), Error> {
    let refused = receipts
        .iter()
        .filter(|r| matches!(r, Receipt::Refused { .. }))
        .count();
    if refused > 0 || receipts.is_empty() {
        return Err(Error::NotAllVerified {
            failed: refused,
            total: receipts.len(),
        });
    }
    Ok(())
}

fn print_receipt(r: &Receipt) {
    match r {
        Receipt::Accepted { file, expert, sequence, fingerprint, superseded, released } => println!(
            "✓ {file}  {expert}  序号 sequence {sequence}  指纹 fingerprint {fingerprint}{}{}",
            if released.is_empty() { String::new() } else { format!("\n    随后计入此前等待的更正 / then counted the corrections that waited for it: {}", released.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")) },
            if *superseded { "\n    ⚠ 该评审包已被重新生成的评审包取代，本结果不计入；请该专家用新评审包重新评分 / this package was replaced by a newer one: these marks do not count until the expert scores the new package" } else { "" }
        ),
        Receipt::Waiting { file, expert, sequence, waiting_for } => println!(
            "… {file}  {expert}  序号 sequence {sequence}  等待序号 {waiting_for} 到达后计入 / kept; counts once sequence {waiting_for} arrives"
        ),
        Receipt::AlreadyHave { file, expert, sequence } => {
            println!("= {file}  {expert}  序号 sequence {sequence}  已收到，无变化 / already received")
        }
        Receipt::Refused { file, message_zh, message_en, .. } => {
            println!("✗ {file}\n    {message_zh}\n    {message_en}")
        }
    }
}

fn print_expert_status(e: &ExpertStatus) {
    let panel = if e.panel.is_empty() {
        String::new()
    } else {
        format!("[{}] ", e.panel)
    };
    let state = match e.sequence {
        Some(s) => format!(
            "已提交 submitted (序号 sequence {s})  评分 marked {}  回避 recused {}",
            e.marked, e.recused
        ),
        None => "未提交 / not submitted".to_string(),
    };
    println!("  {panel}{}  {state}", e.name);
}

#[derive(Args)]
pub struct ResultsArgs {
    /// verify：由评审文件中保存的专家签名结果重新推导评分并逐一核对（同 audit verify）
    /// / verify: re-derive every mark from the signed bundles the review keeps (as audit verify)
    #[arg(value_parser = ["verify"])]
    pub action: Option<String>,
    #[command(flatten)]
    pub review: ReviewArg,
    #[command(flatten)]
    pub rule: RuleArgs,
    /// 写出结果工作簿（.xlsx，不覆盖）/ Write the results workbook (.xlsx, never overwrites)
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Flags older versions took for how marks are aggregated (`results`, `report`,
/// `certificates print`, `register enter`, `follow-up apply`). Each category's rule is
/// stored in the review (`paneldesk category rule`) and every path computes by it, so a
/// printout can never differ from the results screen: these flags are refused, with a
/// message saying where the rule is set, rather than silently ignored or obeyed.
#[derive(Args)]
pub struct RuleArgs {
    #[arg(long, hide = true)]
    pub method: Option<String>,
    #[arg(long, hide = true)]
    pub trim_min_experts: Option<u32>,
    #[arg(long, hide = true)]
    pub normalise: bool,
}

impl RuleArgs {
    /// The review-wide defaults every path uses (the shell's too): the stored rule of
    /// each category wins over them.
    pub fn options(&self) -> Result<paneldesk::merge::results::ResultOptions, Error> {
        let given: Vec<&str> = [
            self.method.as_ref().map(|_| "--method"),
            self.trim_min_experts.map(|_| "--trim-min-experts"),
            self.normalise.then_some("--normalise"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !given.is_empty() {
            let flags = given.join(" ");
            return Err(Error::BadInput {
                zh: format!(
                    "汇总方法按各类别保存的规则计算，计算和打印时不能另行指定：请去掉 {flags}，需要时用 paneldesk category rule 修改类别的规则（paneldesk category list 可查看）"
                ),
                en: format!(
                    "results follow each category's stored rule and cannot be chosen when computing or printing: drop {flags}, and change a category's rule with paneldesk category rule if needed (paneldesk category list shows them)"
                ),
            });
        }
        Ok(paneldesk::merge::results::ResultOptions::default())
    }
}

pub fn results(workspace: &Workspace, args: ResultsArgs, json: bool) -> Result<(), Error> {
    let options = args.rule.options()?;
    if args.action.as_deref() == Some("verify") {
        return crate::cli::audit::verify(workspace, &args.review, None, json);
    }
    let review = args.review.path(workspace)?;
    let results = paneldesk::merge::results::compute(&review, &options)?;
    if let Some(out) = &args.out {
        reports::export_workbook(&review, &options, out, Existing::Refuse)?;
    }
    answer(json, &results, print_results);
    Ok(())
}

fn print_results(results: &ReviewResults) {
    results.categories.iter().for_each(print_category_results);
    if !results.unpackaged.is_empty() {
        println!(
            "\n⚠ {} 个推荐对象不在任何现行评审包中，没有专家评审 / nominations no current package holds, scored by no one:",
            results.unpackaged.len()
        );
        for n in &results.unpackaged {
            println!(
                "  #{}  {}  {}",
                n.nomination_id, n.display_name, n.university
            );
        }
    }
}

fn print_category_results(c: &CategoryResult) {
    println!("{}（名额 quota {}）", c.name_zh, c.quota);
    println!("  汇总方法：{}", c.rule.describe_zh(c.scoring_mode));
    println!("  Method: {}", c.rule.describe_en(c.scoring_mode));
    for n in &c.nominations {
        let shown = match (&n.votes, &n.grade, n.score) {
            (Some(v), _, _) => format!("同意 agree {}/{}", v.agree, v.present),
            (None, Some(g), _) => c.grades.name_zh(g.key()).to_string(),
            (None, None, Some(s)) => format!("{s:.2}"),
            (None, None, None) => "—".into(),
        };
        let applied = n
            .applied
            .map(|a| {
                let method = serde_json::to_value(a.method)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                format!(
                    "  [{method}{} {}/{}]",
                    if a.normalised { " z" } else { "" },
                    a.counted,
                    a.marks
                )
            })
            .unwrap_or_default();
        println!(
            "  {:>3}  {}  {}  {}  {}{applied}",
            n.rank,
            n.display_name,
            n.university,
            shown,
            cut_words(n.cut)
        );
    }
}

/// Where a row stands against the cut, in both languages.
fn cut_words(cut: Cut) -> String {
    let en = match cut {
        Cut::In => "in",
        Cut::Out => "out",
        Cut::Tied => "tied at the cut: the panel decides",
        Cut::Unscored => "no marks",
    };
    format!("{} {en}", paneldesk::report::documents::cut_zh(cut))
}

#[derive(Args)]
pub struct DecideArgs {
    #[command(flatten)]
    pub review: ReviewArg,
    /// 推荐对象编号 / Nomination id
    #[arg(long)]
    pub nomination: i64,
    /// 决定入选 / Decide it is in
    #[arg(long = "in", conflicts_with = "out", required_unless_present = "out")]
    pub award: bool,
    /// 决定不入选 / Decide it is out
    #[arg(long)]
    pub out: bool,
    /// 理由（必填），如“评审组表决 5:2” / Reason (required), e.g. the panel's vote
    #[arg(long)]
    pub reason: String,
}

pub fn decide(workspace: &Workspace, args: DecideArgs, json: bool) -> Result<(), Error> {
    let outcome = if args.award {
        Outcome::In
    } else {
        Outcome::Out
    };
    let review = args.review.path(workspace)?;
    let (id, reason) = (args.nomination, &args.reason);
    let d = decisions::decide(&review, id, outcome, reason, &now(), &actor())?;
    answer(json, &d, print_decision);
    Ok(())
}

fn print_decision(d: &PanelDecision) {
    println!(
        "已记录 Recorded: {} → {}（{}）",
        d.nomination_id,
        d.outcome.name_zh(),
        d.reason
    )
}
