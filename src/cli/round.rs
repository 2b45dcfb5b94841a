//! The CLI of a review round: the clerk's `package` and `verify`, and the expert's
//! `expert …` commands (enough to drive a whole round without a window, in tests or by
//! experts who prefer a terminal). Part of the `paneldesk` binary, like `main.rs`.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde::Serialize;

use paneldesk::ambient::{
    current_actor as actor, new_clerk_keys, now_rfc3339 as now, now_unix, random_bytes,
};
use paneldesk::model::marks::{Grade, RecusalReason, Vote};
use paneldesk::scoring::panel::{self, Panel};
use paneldesk::workspace::Workspace;
use paneldesk::{bundle, keys, package, Error};

#[derive(Args)]
pub struct PackageArgs {
    /// 评审编号或文件 / Review id or file
    #[arg(long)]
    pub review: Option<String>,
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

#[derive(Args)]
pub struct PanelRef {
    /// 评审包校验值的开头几位；本机只有一个时可省略 / Package hash prefix; optional when this laptop has one panel
    #[arg(long)]
    pub panel: Option<String>,
}

fn print<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("输出失败 / could not print: {e}"),
    }
}

fn open_panel(workspace: &Workspace, r: &PanelRef) -> Result<Panel, Error> {
    let dir = workspace.panels_dir();
    let prefix = match &r.panel {
        Some(p) => p.clone(),
        None => match panel::list(&dir).as_slice() {
            [only] => only.clone(),
            _ => {
                return Err(Error::ReviewNotFound {
                    reference: "--panel".into(),
                })
            }
        },
    };
    panel::open(&dir, &prefix)
}

/// The clerk's keys for a job that signs or opens sealed scores. The passphrase comes
/// from `PANELDESK_CLERK_PASSPHRASE` or, at a terminal, a prompt; the first such job on a
/// computer makes the keys under it.
pub fn clerk_keys(workspace: &Workspace) -> Result<keys::ClerkKeys, Error> {
    let path = workspace.clerk_keys_path();
    match keys::clerk_key_state(&path)? {
        keys::ClerkKeyState::Missing => {
            let passphrase = clerk_passphrase("新工作人员口令 / New clerk passphrase: ")?
                .ok_or(Error::ClerkPassphraseNeeded)?;
            keys::create_clerk_keys(
                &path,
                new_clerk_keys(),
                &passphrase,
                random_bytes(),
                random_bytes(),
            )
        }
        keys::ClerkKeyState::Unprotected => {
            eprintln!(
                "提示：本机的工作人员密钥未加密，复制数据文件夹的人即可签发评审包；请运行 paneldesk clerk-keys protect。\nNote: this computer's clerk keys are not protected; anyone copying the data folder can sign packages. Run paneldesk clerk-keys protect."
            );
            keys::unlock_clerk_keys(&path, None)
        }
        keys::ClerkKeyState::Protected => {
            let passphrase = clerk_passphrase("工作人员口令 / Clerk passphrase: ")?
                .ok_or(Error::ClerkPassphraseNeeded)?;
            keys::unlock_clerk_keys(&path, Some(&passphrase))
        }
    }
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
    let new = match std::env::var("PANELDESK_NEW_CLERK_PASSPHRASE") {
        Ok(p) => zeroize::Zeroizing::new(p),
        Err(_) if std::io::IsTerminal::is_terminal(&std::io::stdin()) => {
            let first = zeroize::Zeroizing::new(
                rpassword::prompt_password("新口令 / New passphrase: ")
                    .map_err(|e| Error::io("stdin", e))?,
            );
            let again = zeroize::Zeroizing::new(
                rpassword::prompt_password("再次输入 / Again: ")
                    .map_err(|e| Error::io("stdin", e))?,
            );
            if *first != *again {
                return Err(Error::BadInput {
                    zh: "两次输入的口令不一致".into(),
                    en: "the two passphrases differ".into(),
                });
            }
            first
        }
        Err(_) => return Err(Error::ClerkPassphraseNeeded),
    };
    keys::protect_clerk_keys(
        &path,
        current.as_ref().map(|p| p.as_str()),
        &new,
        random_bytes(),
        random_bytes(),
    )?;
    println!("工作人员密钥已用新口令加密。\nThe clerk's keys are sealed under the new passphrase.");
    Ok(())
}

fn read_passphrase() -> Result<zeroize::Zeroizing<String>, Error> {
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
    let review = workspace.resolve(args.review.as_deref())?;
    let clerk = clerk_keys(workspace)?;
    let summary = package::build_panel(
        &review,
        &args.out,
        &clerk,
        &args.closes,
        args.min_comment,
        &args.scope()?,
        &now(),
        &actor(),
    )?;
    if json {
        print(&summary);
    } else {
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
    Ok(())
}

#[derive(Serialize)]
struct Verified {
    file: String,
    ok: bool,
    kind: Option<&'static str>,
    hash: Option<String>,
    fingerprint: Option<String>,
    detail: serde_json::Value,
    error: Option<serde_json::Value>,
}

fn verify_one(file: &Path) -> Verified {
    let is_bundle = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(bundle::EXTENSION));
    let result = if is_bundle {
        bundle::open(file).map(|b| {
            (
                "result_bundle",
                b.hash,
                b.expert_fingerprint,
                serde_json::to_value(&b.header).unwrap_or_default(),
            )
        })
    } else {
        package::open(file).map(|p| {
            (
                "panel_package",
                p.hash,
                p.clerk_fingerprint,
                serde_json::json!({
                    "review": p.manifest.review,
                    "closes_on": p.manifest.closes_on,
                    "nominations": p.manifest.nominations.len(),
                    "experts": p.manifest.experts.len(),
                }),
            )
        })
    };
    match result {
        Ok((kind, hash, fingerprint, detail)) => Verified {
            file: file.display().to_string(),
            ok: true,
            kind: Some(kind),
            hash: Some(hash),
            fingerprint: Some(fingerprint),
            detail,
            error: None,
        },
        Err(e) => Verified {
            file: file.display().to_string(),
            ok: false,
            kind: None,
            hash: None,
            fingerprint: None,
            detail: serde_json::Value::Null,
            error: Some(serde_json::json!({
                "code": e.code(),
                "message_zh": e.message_zh(),
                "message_en": e.message_en(),
            })),
        },
    }
}

/// Verifies packages and bundles; fails when any does not verify.
pub fn verify(files: &[PathBuf], json: bool) -> Result<(), Error> {
    let results: Vec<Verified> = files.iter().map(|f| verify_one(f)).collect();
    if json {
        print(&results);
    } else {
        for r in &results {
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
    }
    let failed = results.iter().filter(|r| !r.ok).count();
    if failed > 0 {
        return Err(Error::NotAllVerified {
            failed,
            total: results.len(),
        });
    }
    Ok(())
}

/// One CSV line: `nomination id, what, value`; the value may itself hold commas.
fn apply_line(panel: &mut Panel, line: &str, at: &str) -> Result<(), Error> {
    let mut parts = line.splitn(3, ',');
    let (Some(id), Some(what), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Error::BadInput {
            zh: format!("应为“编号,指标,值”：{line}"),
            en: format!("expected \"id,what,value\": {line}"),
        });
    };
    let id: i64 = id.trim().parse().map_err(|_| Error::BadInput {
        zh: format!("推荐对象编号不是数字：{id}"),
        en: format!("the nomination id is not a number: {id}"),
    })?;
    let value = value.trim();
    let parse_code = |v: &str| serde_json::Value::String(v.to_string());
    match what.trim() {
        "comment" => panel.set_comment(id, value, at).map(drop),
        "vote" => {
            let vote: Vote =
                serde_json::from_value(parse_code(value)).map_err(|_| Error::BadInput {
                    zh: format!("投票应为 agree、disagree 或 abstain：{value}"),
                    en: format!("a vote is agree, disagree or abstain: {value}"),
                })?;
            panel.set_vote(id, Some(vote), at).map(drop)
        }
        "grade" => {
            let grade: Grade =
                serde_json::from_value(parse_code(value)).map_err(|_| Error::BadInput {
                    zh: format!("等级应为 excellent、good、pass 或 fail：{value}"),
                    en: format!("a grade is excellent, good, pass or fail: {value}"),
                })?;
            panel.set_grade(id, Some(grade), at).map(drop)
        }
        "recuse" => {
            let (reason, note) = value.split_once(':').unwrap_or((value, ""));
            let reason: RecusalReason = serde_json::from_value(parse_code(reason.trim()))
                .map_err(|_| Error::BadInput {
                    zh: format!("回避理由应为 relative、teacher_student、same_institution 或 other：{reason}"),
                    en: format!("a recusal reason is relative, teacher_student, same_institution or other: {reason}"),
                })?;
            panel.recuse(id, reason, note, at).map(drop)
        }
        criterion => {
            let points: f64 = value.parse().map_err(|_| Error::BadInput {
                zh: format!("分值不是数字：{value}"),
                en: format!("the points are not a number: {value}"),
            })?;
            panel.set_points(id, criterion, Some(points), at).map(drop)
        }
    }
}

pub fn expert(workspace: &Workspace, command: ExpertCommand, json: bool) -> Result<(), Error> {
    match command {
        ExpertCommand::Open { file } => {
            let panel = panel::import_package(&workspace.panels_dir(), &file, &now())?;
            let roster: Vec<_> = panel.package.experts.clone();
            if json {
                print(&serde_json::json!({
                    "hash": panel.hash,
                    "clerk_fingerprint": panel.clerk_fingerprint,
                    "review": panel.package.review,
                    "closes_on": panel.package.closes_on,
                    "experts": roster,
                    "enrolment": panel.enrolment()?,
                }));
            } else {
                println!(
                    "已打开评审包 / Opened: {} {}\n  校验值 hash {}\n  秘书密钥指纹 clerk fingerprint {}\n  截止 closes {}",
                    panel.package.review.title_zh,
                    panel.package.review.year,
                    panel.hash,
                    panel.clerk_fingerprint,
                    panel.package.closes_on
                );
                for e in &roster {
                    println!("  {}  {}  {}", e.name, e.institution, e.title);
                }
            }
        }
        ExpertCommand::Enrol { panel: r, name } => {
            let mut panel = open_panel(workspace, &r)?;
            let expert_id = panel
                .package
                .experts
                .iter()
                .find(|e| e.name == name.trim())
                .map(|e| e.id)
                .ok_or(paneldesk::model::marks::RuleError::UnknownExpert { name })?;
            let pin = read_passphrase()?;
            let enrolment = panel.enrol(
                expert_id,
                &pin,
                (random_bytes(), random_bytes(), random_bytes()),
                &now(),
            )?;
            if json {
                print(&enrolment);
            } else {
                println!(
                    "已登记 / Enrolled: {}\n  密钥指纹（请抄写在纸质评分表上）/ Key fingerprint (write it on the paper score sheet): {}",
                    enrolment.expert.name, enrolment.fingerprint
                );
            }
        }
        ExpertCommand::Score {
            panel: r,
            csv,
            echo,
        } => {
            let mut panel = open_panel(workspace, &r)?;
            let text = std::fs::read_to_string(&csv).map_err(|e| Error::io(&csv, e))?;
            let at = now();
            let mut applied = 0;
            for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
                let line = line.trim();
                if line.is_empty()
                    || line.starts_with('#')
                    || (i == 0 && line.starts_with("nomination"))
                {
                    continue;
                }
                apply_line(&mut panel, line, &at).map_err(|e| Error::BadInput {
                    zh: format!("{} 第 {} 行：{}", csv.display(), i + 1, e.message_zh()),
                    en: format!("{} line {}: {}", csv.display(), i + 1, e.message_en()),
                })?;
                applied += 1;
                if echo {
                    // Printed only after the commit returned: a line seen is a line saved.
                    use std::io::Write;
                    let mut stdout = std::io::stdout().lock();
                    let _ = writeln!(stdout, "saved {line}").and_then(|()| stdout.flush());
                }
            }
            if json {
                print(&serde_json::json!({ "applied": applied, "progress": panel.progress()? }));
            } else {
                println!("已保存 {applied} 项 / Saved {applied} entries");
            }
        }
        ExpertCommand::Status { panel: r } => {
            let panel = open_panel(workspace, &r)?;
            let status = serde_json::json!({
                "enrolment": panel.enrolment()?,
                "progress": panel.progress()?,
                "incomplete": panel.incomplete()?,
                "submissions": panel.submissions()?,
            });
            if json {
                print(&status);
            } else {
                for p in panel.progress()? {
                    println!(
                        "{}  {}/{}  回避 recused {}",
                        p.name_zh, p.complete, p.total, p.recused
                    );
                }
                for i in panel.incomplete()? {
                    println!(
                        "  未完成 incomplete: [{}] {}",
                        i.nomination_id, i.display_name
                    );
                }
            }
        }
        ExpertCommand::Submit { panel: r, out } => {
            let mut panel = open_panel(workspace, &r)?;
            let pin = read_passphrase()?;
            let submission = panel.submit(&pin, &out, &now(), now_unix())?;
            if json {
                print(&submission);
            } else {
                println!(
                    "已提交并校验，可以取下 U 盘 / Submitted and verified; the USB stick can be removed\n  {}\n  序号 sequence {}  指纹 fingerprint {}",
                    submission.file, submission.sequence, submission.fingerprint
                );
            }
        }
        ExpertCommand::Reopen { panel: r } => {
            let mut panel = open_panel(workspace, &r)?;
            panel.reopen()?;
            if json {
                print(&serde_json::json!({ "reopened": true, "panel": panel.hash }));
            } else {
                println!("已解锁，可更正后重新提交 / Unlocked: correct and submit again");
            }
        }
    }
    Ok(())
}

#[derive(Args)]
pub struct MergeArgs {
    /// 评审编号或文件 / Review id or file
    #[arg(long)]
    pub review: Option<String>,
    /// 评分结果文件（.pdresult）或包含它们的文件夹 / Result bundles, or folders holding them
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

/// Receives result bundles into a review; fails when any was refused.
pub fn merge(workspace: &Workspace, args: MergeArgs, json: bool) -> Result<(), Error> {
    use paneldesk::merge::collect::{self, Receipt};
    let review = workspace.resolve(args.review.as_deref())?;
    let clerk = clerk_keys(workspace)?;
    let files = collect::bundle_files(&args.paths);
    let receipts = collect::receive_many(&review, &clerk, &files, &now(), &actor())?;
    let board = collect::status(&review)?;
    if json {
        print(&serde_json::json!({ "receipts": receipts, "experts": board }));
    } else {
        for r in &receipts {
            match r {
                Receipt::Accepted { file, expert, sequence, fingerprint, superseded, released } => println!(
                    "✓ {file}  {expert}  序号 sequence {sequence}  指纹 fingerprint {fingerprint}{}{}",
                    if released.is_empty() { String::new() } else { format!("\n    随后计入此前等待的更正 / then counted the corrections that waited for it: {released:?}") },
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
        for e in &board {
            println!(
                "  {}{}  {}",
                if e.panel.is_empty() {
                    String::new()
                } else {
                    format!("[{}] ", e.panel)
                },
                e.name,
                match e.sequence {
                    Some(s) => format!(
                        "已提交 submitted (序号 sequence {s})  评分 marked {}  回避 recused {}",
                        e.marked, e.recused
                    ),
                    None => "未提交 / not submitted".to_string(),
                }
            );
        }
    }
    let refused = receipts
        .iter()
        .filter(|r| matches!(r, Receipt::Refused { .. }))
        .count();
    if refused > 0 || files.is_empty() {
        return Err(Error::NotAllVerified {
            failed: refused,
            total: files.len(),
        });
    }
    Ok(())
}

#[derive(Args)]
pub struct ResultsArgs {
    /// verify：由评审文件中保存的专家签名结果重新推导评分并逐一核对（同 audit verify）
    /// / verify: re-derive every mark from the signed bundles the review keeps (as audit verify)
    #[arg(value_parser = ["verify"])]
    pub action: Option<String>,
    /// 评审编号或文件 / Review id or file
    #[arg(long)]
    pub review: Option<String>,
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
    use paneldesk::merge::results::compute;
    let options = args.rule.options()?;
    if args.action.as_deref() == Some("verify") {
        return crate::audit_verify(workspace, args.review, None, json);
    }
    let review = workspace.resolve(args.review.as_deref())?;
    let results = compute(&review, &options)?;
    if let Some(out) = &args.out {
        paneldesk::report::results_workbook::write(out, &review, &options)?;
    }
    if json {
        print(&results);
    } else {
        for c in &results.categories {
            println!("{}（名额 quota {}）", c.name_zh, c.quota);
            println!("  汇总方法：{}", c.rule.describe_zh(c.scoring_mode));
            println!("  Method: {}", c.rule.describe_en(c.scoring_mode));
            for n in &c.nominations {
                let shown = match (&n.votes, n.grade, n.score) {
                    (Some(v), _, _) => format!("同意 agree {}/{}", v.agree, v.present),
                    (None, Some(g), _) => g.name_zh().to_string(),
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
                    "  {:>3}  {}  {}  {}  {:?}{applied}",
                    n.rank, n.display_name, n.university, shown, n.cut
                );
            }
        }
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
    Ok(())
}

#[derive(Args)]
pub struct DecideArgs {
    /// 评审编号或文件 / Review id or file
    #[arg(long)]
    pub review: Option<String>,
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
    use paneldesk::merge::decisions::{self, Outcome};
    let review = workspace.resolve(args.review.as_deref())?;
    let outcome = if args.award {
        Outcome::In
    } else {
        Outcome::Out
    };
    let d = decisions::decide(
        &review,
        args.nomination,
        outcome,
        &args.reason,
        &now(),
        &actor(),
    )?;
    if json {
        print(&d);
    } else {
        println!(
            "已记录 Recorded: {} → {}（{}）",
            d.nomination_id,
            d.outcome.name_zh(),
            d.reason
        );
    }
    Ok(())
}
