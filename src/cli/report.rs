//! `paneldesk report …` and `paneldesk certificates …`: the staff's printing jobs.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use paneldesk::ambient::{current_actor as actor, now_rfc3339 as now, today};
use paneldesk::ops::certificate_template::{self, OwnSettings, TemplateEdit};
use paneldesk::ops::certificates::{self, Batch, PrintedPerUniversity};
use paneldesk::ops::reports::{self, ReportKind};
use paneldesk::ops::Existing;
use paneldesk::report::certificate::{Award, CertificateTemplate};
use paneldesk::report::serials::{self, CertificateCheck, QrCheck};
use paneldesk::workspace::Workspace;
use paneldesk::Error;

use crate::cli::args::ReviewArg;
use crate::cli::out::{answer, answer_line, print_json};
use crate::cli::parse;
use crate::cli::round::{clerk_keys, RuleArgs};

#[derive(Args)]
pub struct ReportArgs {
    /// summary（评审结果汇总表）| sheets（专家评分表）| announcement（公示名单）
    pub kind: String,
    #[command(flatten)]
    pub review: ReviewArg,
    /// 输出的 PDF 文件（不覆盖）/ Output PDF (never overwrites)
    #[arg(long)]
    pub out: PathBuf,
    /// 只打印这位专家的评分表（专家编号）/ Only this expert's sheet (expert id)
    #[arg(long)]
    pub expert: Option<i64>,
    /// 文件日期 YYYY-MM-DD，缺省为今天 / Document date, today by default
    #[arg(long)]
    pub date: Option<String>,
    #[command(flatten)]
    pub rule: RuleArgs,
}

#[derive(Subcommand)]
pub enum CertificatesCommand {
    /// 为入选者（或指定对象）打印证书 / Print certificates for the winners (or the named ones)
    Print(PrintArgs),
    /// 核验证书：编号与验证码（对照评审文件），或二维码（仅需工作人员公钥指纹）
    /// / Check a certificate: serial and code (against the review), or its QR code (needs only the clerk's key fingerprint)
    Check(CheckArgs),
    /// 查看或更换本评审的证书模板 / Show or replace the review's certificate template
    Template(TemplateArgs),
}

#[derive(Args)]
pub struct PrintArgs {
    #[command(flatten)]
    review: ReviewArg,
    #[arg(long)]
    out: PathBuf,
    /// 证书模板 JSON，缺省用评审中保存的模板 / Template JSON; the review's own by default
    #[arg(long)]
    template: Option<PathBuf>,
    /// 落款日期 YYYY-MM-DD，缺省为今天 / Date printed on the certificates
    #[arg(long)]
    date: Option<String>,
    /// 只为这些推荐对象打印（编号，逗号分隔）/ Only these nominations (ids, comma-separated)
    #[arg(long, value_delimiter = ',')]
    only: Option<Vec<i64>>,
    /// 按学校分别出 PDF，每校附领取签收单；--out 为文件夹 / One PDF per university with its 领取签收单; --out is a folder
    #[arg(long)]
    per_university: bool,
    #[command(flatten)]
    rule: RuleArgs,
}

#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 证书编号 / Serial
    #[arg(required_unless_present_any = ["qr", "qr_image"])]
    serial: Option<String>,
    /// 验证码 / Code
    #[arg(required_unless_present_any = ["qr", "qr_image"])]
    code: Option<String>,
    /// 二维码扫出的文字 / The text a scanner read from the QR code
    #[arg(long, conflicts_with = "qr_image")]
    qr: Option<String>,
    /// 证书照片或扫描件（PNG）/ A photo or scan of the certificate (PNG)
    #[arg(long)]
    qr_image: Option<PathBuf>,
    /// 公示中印出的工作人员密钥指纹；不在工作人员电脑上核验时必填
    /// / The clerk key fingerprint printed on the announcement; needed away from the clerk's laptop
    #[arg(long)]
    clerk_fingerprint: Option<String>,
}

#[derive(Args)]
pub struct TemplateArgs {
    #[command(flatten)]
    review: ReviewArg,
    /// 用此 JSON 文件替换模板 / Replace the template with this JSON file
    #[arg(long)]
    set: Option<PathBuf>,
    /// 落款单位（颁发单位全称），打印证书前必须填写 / The issuer (awarding body's full name); required before printing
    #[arg(long)]
    issuer: Option<String>,
    /// 查看或设置这一类别（类别代码）自己的称号与标题 / Show or set this category's own honour and title (category key)
    #[arg(long)]
    category: Option<String>,
    /// 该类别的称号（{称号}），可用 {类别} {年度} / The category's honour ({称号}); may use {类别} {年度}
    #[arg(long, requires = "category")]
    honour: Option<String>,
    /// 该类别的证书标题 / The category's certificate title
    #[arg(long, requires = "category")]
    title: Option<String>,
    /// 该类别横版（true）或竖版（false）/ The category's pages landscape (true) or portrait (false)
    #[arg(long, requires = "category")]
    landscape: Option<bool>,
    /// 取消该类别自己的设置，恢复为评审的模板 / Drop the category's own settings: it prints with the review's template
    #[arg(long, requires = "category", conflicts_with_all = ["honour", "title", "landscape"])]
    clear: bool,
}

impl PrintArgs {
    fn batch(&self) -> Result<Batch, Error> {
        Ok(Batch {
            template: self.template.as_deref().map(read_template).transpose()?,
            only: self.only.clone(),
            options: self.rule.options()?,
            date: parse::date(self.date.as_deref())?,
        })
    }
}

impl TemplateArgs {
    fn edit(self) -> Result<TemplateEdit, Error> {
        let own = if self.clear {
            OwnSettings::Clear
        } else {
            OwnSettings::Set {
                honour: self.honour,
                title: self.title,
                landscape: self.landscape,
            }
        };
        Ok(TemplateEdit {
            replace: self.set.as_deref().map(read_template).transpose()?,
            issuer: self.issuer,
            category: self.category.map(|key| (key, own)),
        })
    }
}

fn read_template(path: &Path) -> Result<CertificateTemplate, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    CertificateTemplate::from_json(&text, &path.display().to_string())
}

/// Never overwrites: a document already printed may have gone out.
pub fn report(workspace: &Workspace, args: ReportArgs, json: bool) -> Result<(), Error> {
    let review = args.review.path(workspace)?;
    let kind = ReportKind::from_name(&args.kind)?;
    let (date, options) = (parse::date(args.date.as_deref())?, args.rule.options()?);
    let (out, refuse) = (&args.out, Existing::Refuse);
    let printed = reports::print(&review, kind, args.expert, &options, date, out, refuse)?;
    let (title, size) = (&printed.title, printed.size);
    let shown = serde_json::json!({ "out": out, "title": title, "bytes": size });
    answer_line(json, &shown, || {
        println!("已写出 Wrote {}（{} KB）", out.display(), size / 1024)
    });
    Ok(())
}

pub fn certificates(
    workspace: &Workspace,
    command: CertificatesCommand,
    json: bool,
) -> Result<(), Error> {
    match command {
        CertificatesCommand::Print(args) if args.per_university => {
            print_per_university(workspace, args, json)
        }
        CertificatesCommand::Print(args) => print(workspace, args, json),
        CertificatesCommand::Check(args) => check(workspace, args, json),
        CertificatesCommand::Template(args) => template(workspace, args),
    }
}

fn print(workspace: &Workspace, args: PrintArgs, json: bool) -> Result<(), Error> {
    let (review, batch) = (args.review.path(workspace)?, args.batch()?);
    let clerk = || clerk_keys(workspace);
    let (out, refuse, at, by) = (&args.out, Existing::Refuse, now(), actor());
    let printed = certificates::print(&review, &batch, clerk, today(), out, refuse, &at, &by)?;
    let (awards, bytes) = (&printed.awards, printed.size);
    let shown = serde_json::json!({ "out": out, "certificates": awards, "bytes": bytes });
    answer_line(json, &shown, || print_printed(awards, out, bytes));
    Ok(())
}

fn print_printed(awards: &[Award], out: &Path, bytes: usize) {
    awards.iter().for_each(print_award);
    let n = awards.len();
    println!(
        "已写出 Wrote {}：{n} 张证书 certificates（{} KB）",
        out.display(),
        bytes / 1024
    );
}

/// One PDF per university, each with its 领取签收单, into the folder `--out`.
fn print_per_university(workspace: &Workspace, args: PrintArgs, json: bool) -> Result<(), Error> {
    let (review, batch, folder) = (args.review.path(workspace)?, args.batch()?, &args.out);
    let clerk = || clerk_keys(workspace);
    let (at, actor) = (now(), actor());
    let printed =
        certificates::print_per_university(&review, &batch, clerk, today(), folder, &at, &actor)?;
    let awards: Vec<&Award> = printed.batches.iter().flat_map(|b| &b.awards).collect();
    let shown =
        serde_json::json!({ "out": folder, "files": printed.files, "certificates": awards });
    answer_line(json, &shown, || print_batches(&printed, &awards, folder));
    Ok(())
}

fn print_batches(printed: &PrintedPerUniversity, awards: &[&Award], folder: &Path) {
    awards.iter().for_each(|a| print_award(a));
    println!(
        "已写出 Wrote {} 个文件 files to {}：{} 所学校 universities，{} 张证书 certificates",
        printed.files.len(),
        folder.display(),
        printed.batches.len(),
        awards.len()
    );
}

fn print_award(a: &Award) {
    println!("{}  {}  {}  {}", a.serial, a.code, a.name, a.university);
}

/// By QR code when one is given (text or a photo), else by serial and code against
/// the review.
fn check(workspace: &Workspace, args: CheckArgs, json: bool) -> Result<(), Error> {
    let qr = match (&args.qr, &args.qr_image) {
        (Some(text), _) => Some(text.clone()),
        (None, Some(path)) => {
            let png = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            Some(serials::qr_text_from_png(&png)?)
        }
        (None, None) => None,
    };
    match qr {
        Some(text) => check_qr(&text, args.clerk_fingerprint.as_deref(), json),
        None => check_serial(workspace, args, json),
    }
}

fn check_serial(workspace: &Workspace, args: CheckArgs, json: bool) -> Result<(), Error> {
    let (review, keys) = (args.review.path(workspace)?, workspace.clerk_keys_path());
    let typed = args.clerk_fingerprint.as_deref();
    let trusted =
        certificates::trusted_clerk_key(&review, typed, &keys)?.ok_or_else(no_clerk_key)?;
    let (serial, code) = (args.serial.as_deref(), args.code.as_deref());
    let (serial, code) = (serial.unwrap_or_default(), code.unwrap_or_default());
    let check = serials::check(&review, serial, code, &trusted)?;
    answer(json, &check, print_check);
    if !check.genuine {
        return Err(Error::BadInput {
            zh: format!("证书 {} 未通过核验", check.serial),
            en: format!("certificate {} did not check out", check.serial),
        });
    }
    Ok(())
}

fn print_check(check: &CertificateCheck) {
    let name = check.name.as_deref().unwrap_or("—");
    println!(
        "{}  {name}  {} / {}",
        check.serial, check.reason_zh, check.reason_en
    );
}

/// No fingerprint typed, and no key of the clerk's own on this laptop to trust.
fn no_clerk_key() -> Error {
    Error::BadInput {
        zh: "本机没有工作人员密钥：请用 --clerk-fingerprint 给出公示中印出的密钥指纹".into(),
        en: "this laptop holds no clerk key: give the fingerprint the announcement prints with --clerk-fingerprint".into(),
    }
}

fn check_qr(text: &str, fingerprint: Option<&str>, json: bool) -> Result<(), Error> {
    let check = serials::check_qr(text, fingerprint)?;
    answer(json, &check, print_qr_check);
    if !check.genuine {
        return Err(Error::BadInput {
            zh: "证书二维码未通过核验".into(),
            en: "the certificate's QR code did not check out".into(),
        });
    }
    Ok(())
}

fn print_qr_check(check: &QrCheck) {
    if let Some(w) = &check.words {
        println!(
            "{}  {}  {}  {}  {}",
            w.serial, w.name, w.university, w.honour, w.year
        );
    }
    println!("{} / {}", check.reason_zh, check.reason_en);
}

/// The template is answered as JSON with or without `--json`: it is the file `--set`
/// reads back, so the clerk can keep it, edit it and set it again.
fn template(workspace: &Workspace, args: TemplateArgs) -> Result<(), Error> {
    let review = args.review.path(workspace)?;
    let category = args.category.clone();
    let template = certificate_template::edit(&review, args.edit()?, &now(), &actor())?;
    match &category {
        Some(key) => print_category_template(&template, key),
        None => print_json(&template),
    }
    Ok(())
}

/// What the category's certificates print with, and what is its own.
fn print_category_template(template: &CertificateTemplate, key: &str) {
    let effective = template.for_category(key);
    print_json(&serde_json::json!({
        "category_key": key,
        "title": effective.title,
        "honour": effective.honour,
        "landscape": effective.landscape,
        "own": template.category(key),
    }))
}
