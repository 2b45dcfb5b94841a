//! `paneldesk report …` and `paneldesk certificates …`: the staff's printing jobs.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use time::{Date, Time};

use paneldesk::ambient::{current_actor as actor, now_rfc3339 as now};
use paneldesk::report::certificate::{CategoryCertificate, CertificateTemplate};
use paneldesk::report::pdf::Meta;
use paneldesk::report::record::Record;
use paneldesk::report::{documents, serials};
use paneldesk::workspace::Workspace;
use paneldesk::Error;

use crate::cli::round::RuleArgs;

#[derive(Args)]
pub struct ReportArgs {
    /// summary（评审结果汇总表）| sheets（专家评分表）| announcement（公示名单）
    pub kind: String,
    /// 评审编号或文件 / Review id or file
    #[arg(long)]
    pub review: Option<String>,
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
    Print {
        #[arg(long)]
        review: Option<String>,
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
    },
    /// 核验证书：编号与验证码（对照评审文件），或二维码（仅需工作人员公钥指纹）
    /// / Check a certificate: serial and code (against the review), or its QR code (needs only the clerk's key fingerprint)
    Check {
        #[arg(long)]
        review: Option<String>,
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
    },
    /// 查看或更换本评审的证书模板 / Show or replace the review's certificate template
    Template {
        #[arg(long)]
        review: Option<String>,
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
    },
}

pub(crate) fn parse_date(given: Option<&str>) -> Result<Date, Error> {
    match given {
        None => Ok(paneldesk::ambient::today()),
        Some(text) => Date::parse(
            text,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| Error::BadInput {
            zh: format!("日期应写作 YYYY-MM-DD：{text}"),
            en: format!("dates are written YYYY-MM-DD: {text}"),
        }),
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

pub fn report(workspace: &Workspace, args: ReportArgs, json: bool) -> Result<(), Error> {
    let review = workspace.resolve(args.review.as_deref())?;
    let date = parse_date(args.date.as_deref())?;
    let record = Record::load(&review, &args.rule.options()?)?;
    let (title, bytes) = match args.kind.as_str() {
        "summary" | "汇总表" => {
            let title = documents::document_title(&record.review.title_zh, "评审结果汇总表");
            let meta = meta(&title, date);
            (title.clone(), documents::summary(&record, &meta)?)
        }
        "sheets" | "评分表" => {
            let title = documents::document_title(&record.review.title_zh, "专家评分表");
            let meta = meta(&title, date);
            (
                title.clone(),
                documents::score_sheets(&record, args.expert, &meta)?,
            )
        }
        "announcement" | "公示" => {
            let title = documents::announcement_title(&record);
            let meta = meta(&title, date);
            (title.clone(), documents::announcement(&record, &meta)?)
        }
        other => {
            return Err(Error::BadInput {
                zh: format!("报表种类应为 summary、sheets 或 announcement：{other}"),
                en: format!("the report is summary, sheets or announcement: {other}"),
            })
        }
    };
    write_new(&args.out, &bytes)?;
    if json {
        println!(
            "{}",
            serde_json::json!({ "out": args.out, "title": title, "bytes": bytes.len() })
        );
    } else {
        println!(
            "已写出 Wrote {}（{} KB）",
            args.out.display(),
            bytes.len() / 1024
        );
    }
    Ok(())
}

fn meta(title: &str, date: Date) -> Meta<'_> {
    Meta {
        title,
        subject: "PanelDesk",
        at: date.with_time(Time::MIDNIGHT).assume_utc(),
    }
}

pub fn certificates(
    workspace: &Workspace,
    command: CertificatesCommand,
    json: bool,
) -> Result<(), Error> {
    match command {
        CertificatesCommand::Print {
            review,
            out,
            template,
            date,
            only,
            per_university,
            rule,
        } => {
            let review = workspace.resolve(review.as_deref())?;
            let date = parse_date(date.as_deref())?;
            let template = match template {
                Some(path) => {
                    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
                    CertificateTemplate::from_json(&text, &path.display().to_string())?
                }
                None => serials::template(&review)?,
            };
            let record = Record::load(&review, &rule.options()?)?;
            // The 公示 is over by the calendar, not by the date the clerk prints on the
            // certificates.
            let chosen = serials::winners(&record, only.as_deref(), paneldesk::ambient::today())?;
            let clerk = crate::cli::round::clerk_keys(workspace)?;
            let title = format!("{}证书", record.review.title_zh);
            if per_university {
                return print_per_university(
                    &review,
                    &record,
                    &chosen,
                    &template,
                    &clerk,
                    date,
                    &meta(&title, date),
                    &out,
                    json,
                );
            }
            if out.exists() {
                return Err(Error::AlreadyExists { path: out });
            }
            let (awards, bytes) = serials::print(
                &review,
                &record,
                &chosen,
                &template,
                &clerk,
                date,
                &meta(&title, date),
                &now(),
                &actor(),
            )?;
            write_new(&out, &bytes)?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "out": out, "certificates": awards, "bytes": bytes.len() })
                );
            } else {
                for a in &awards {
                    println!("{}  {}  {}  {}", a.serial, a.code, a.name, a.university);
                }
                println!(
                    "已写出 Wrote {}：{} 张证书 certificates（{} KB）",
                    out.display(),
                    awards.len(),
                    bytes.len() / 1024
                );
            }
        }
        CertificatesCommand::Check {
            review,
            serial,
            code,
            qr,
            qr_image,
            clerk_fingerprint,
        } => {
            let qr = match (qr, qr_image) {
                (Some(text), _) => Some(text),
                (None, Some(path)) => Some(serials::qr_text_from_png(
                    &std::fs::read(&path).map_err(|e| Error::io(&path, e))?,
                )?),
                (None, None) => None,
            };
            if let Some(text) = qr {
                return check_qr(&text, clerk_fingerprint.as_deref(), json);
            }
            let review = workspace.resolve(review.as_deref())?;
            let trusted = match clerk_fingerprint {
                Some(typed) => serials::clerk_key_by_fingerprint(&review, &typed)?,
                None => local_clerk_key(workspace)?,
            };
            let (serial, code) = (serial.unwrap_or_default(), code.unwrap_or_default());
            let check = serials::check(&review, &serial, &code, &trusted)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&check).unwrap_or_default()
                );
            } else {
                println!(
                    "{}  {}  {} / {}",
                    check.serial,
                    check.name.as_deref().unwrap_or("—"),
                    check.reason_zh,
                    check.reason_en
                );
            }
            if !check.genuine {
                return Err(Error::BadInput {
                    zh: format!("证书 {} 未通过核验", check.serial),
                    en: format!("certificate {} did not check out", check.serial),
                });
            }
        }
        CertificatesCommand::Template {
            review,
            set,
            issuer,
            category,
            honour,
            title,
            landscape,
            clear,
        } => {
            let review = workspace.resolve(review.as_deref())?;
            let mut template = match &set {
                Some(path) => {
                    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
                    CertificateTemplate::from_json(&text, &path.display().to_string())?
                }
                None => serials::template(&review)?,
            };
            let mut changed = set.is_some();
            if let Some(issuer) = issuer {
                if issuer.trim().is_empty() {
                    return Err(Error::CertificateIssuerMissing);
                }
                template.issuer = issuer.trim().to_string();
                changed = true;
            }
            if let Some(key) = &category {
                let known = paneldesk::store::review_rows::category_keys(&paneldesk::store::open(
                    &review,
                )?)?;
                if !known.contains(key) {
                    return Err(Error::UnknownCategory { key: key.clone() });
                }
                if clear {
                    template.categories.retain(|c| &c.category_key != key);
                    changed = true;
                } else if honour.is_some() || title.is_some() || landscape.is_some() {
                    let at = match template
                        .categories
                        .iter()
                        .position(|c| &c.category_key == key)
                    {
                        Some(at) => at,
                        None => {
                            template.categories.push(CategoryCertificate {
                                category_key: key.clone(),
                                title: None,
                                honour: None,
                                landscape: None,
                            });
                            template.categories.len() - 1
                        }
                    };
                    let own = &mut template.categories[at];
                    if honour.is_some() {
                        own.honour = honour;
                    }
                    if title.is_some() {
                        own.title = title;
                    }
                    if landscape.is_some() {
                        own.landscape = landscape;
                    }
                    changed = true;
                }
            }
            if changed {
                serials::set_template(&review, &template, &now(), &actor())?;
            }
            let template = serials::template(&review)?;
            let shown = match &category {
                // What the category's certificates print with, and what is its own.
                Some(key) => {
                    let effective = template.for_category(key);
                    serde_json::json!({
                        "category_key": key,
                        "title": effective.title,
                        "honour": effective.honour,
                        "landscape": effective.landscape,
                        "own": template.category(key),
                    })
                }
                None => serde_json::to_value(&template).unwrap_or_default(),
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&shown).unwrap_or_default()
            );
        }
    }
    Ok(())
}

/// Certificates one PDF per university, each with its 领取签收单, into the folder `out`
/// (`serials::print_into_folder`: never overwrites).
#[allow(clippy::too_many_arguments)]
fn print_per_university(
    review: &Path,
    record: &Record,
    chosen: &[(String, i64)],
    template: &CertificateTemplate,
    clerk: &paneldesk::keys::ClerkKeys,
    date: Date,
    meta: &Meta,
    out: &Path,
    json: bool,
) -> Result<(), Error> {
    let (batches, written) = serials::print_into_folder(
        review,
        record,
        chosen,
        template,
        clerk,
        date,
        meta,
        out,
        &now(),
        &actor(),
    )?;
    let awards: Vec<&paneldesk::report::certificate::Award> =
        batches.iter().flat_map(|b| b.awards.iter()).collect();
    if json {
        println!(
            "{}",
            serde_json::json!({ "out": out, "files": written, "certificates": awards })
        );
    } else {
        for a in &awards {
            println!("{}  {}  {}  {}", a.serial, a.code, a.name, a.university);
        }
        println!(
            "已写出 Wrote {} 个文件 files to {}：{} 所学校 universities，{} 张证书 certificates",
            written.len(),
            out.display(),
            batches.len(),
            awards.len()
        );
    }
    Ok(())
}

/// The clerk's own public key, when this is the clerk's laptop.
fn local_clerk_key(workspace: &Workspace) -> Result<String, Error> {
    let path = workspace.clerk_keys_path();
    if !path.exists() {
        return Err(Error::BadInput {
            zh: "本机没有工作人员密钥：请用 --clerk-fingerprint 给出公示中印出的密钥指纹".into(),
            en: "this laptop holds no clerk key: give the fingerprint the announcement prints with --clerk-fingerprint".into(),
        });
    }
    let public = paneldesk::keys::clerk_public_key(&path)?.ok_or(Error::ClerkKeysMissing)?;
    Ok(paneldesk::keys::public_hex(&public))
}

fn check_qr(text: &str, fingerprint: Option<&str>, json: bool) -> Result<(), Error> {
    let check = serials::check_qr(text, fingerprint)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&check).unwrap_or_default()
        );
    } else {
        if let Some(w) = &check.words {
            println!(
                "{}  {}  {}  {}  {}",
                w.serial, w.name, w.university, w.honour, w.year
            );
        }
        println!("{} / {}", check.reason_zh, check.reason_en);
    }
    if !check.genuine {
        return Err(Error::BadInput {
            zh: "证书二维码未通过核验".into(),
            en: "the certificate's QR code did not check out".into(),
        });
    }
    Ok(())
}
