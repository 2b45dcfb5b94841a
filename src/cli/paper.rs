//! `paneldesk paper …` (the paper fallback: print an expert's sheet, key it in twice, see
//! where each sheet stands) and `paneldesk resume …` (an expert re-registered on a new
//! laptop continues from their last submitted bundle).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use paneldesk::ambient::{current_actor as actor, now_rfc3339 as now, today};
use paneldesk::ops::{self, Existing};
use paneldesk::paper::{self, Keyed, PaperStatus};
use paneldesk::workspace::Workspace;
use paneldesk::Error;

use crate::cli::args::{PanelRef, ReviewArg};
use crate::cli::out::answer;
use crate::cli::round::clerk_keys;

/// The exit status of `paper key` when the two entries differ (nothing recorded).
pub const MISMATCH_EXIT: i32 = 3;

#[derive(Subcommand)]
pub enum PaperCommand {
    /// 打印专家的纸质评分表（预填专家、推荐对象、行代码、评分指标）
    /// / Print an expert's paper score sheet (pre-filled: expert, candidates, row codes, criteria)
    Sheet {
        #[command(flatten)]
        review: ReviewArg,
        /// 专家编号（见 roster list）/ Expert id (see roster list)
        #[arg(long)]
        expert: i64,
        /// 输出的 PDF 文件 / Output PDF
        #[arg(long)]
        out: PathBuf,
    },
    /// 录入一次纸质评分表（须两名工作人员各录入一次，一致后记为代录）；文件每行：行代码,分值…,评语
    /// / Key one entry of a paper sheet (two staff, one entry each; recorded as proxy entry once they agree); a line per row: code,values…,comment
    Key(KeyArgs),
    /// 各专家纸质评分表的状态 / Where each expert's paper sheet stands
    Status {
        #[command(flatten)]
        review: ReviewArg,
    },
}

#[derive(Args)]
pub struct KeyArgs {
    #[command(flatten)]
    review: ReviewArg,
    #[arg(long)]
    expert: i64,
    /// 评分表上印的编号，如 PS-1A2B-3C4D / The id printed on the sheet
    #[arg(long)]
    sheet: String,
    /// 录入人姓名 / Who keys this entry
    #[arg(long)]
    by: String,
    /// 录入的评分（UTF-8 文本，格式见 docs/formats.md）/ The keyed marks (UTF-8 text; docs/formats.md)
    #[arg(long)]
    marks: PathBuf,
}

#[derive(Subcommand)]
pub enum ResumeCommand {
    /// 工作人员：由专家最后提交的评分结果写出续评文件（重新登记后在新电脑上载入）
    /// / Clerk: write the resume file from the expert's last submitted bundle (loaded on the new laptop after re-registration)
    Write {
        #[command(flatten)]
        review: ReviewArg,
        #[arg(long)]
        expert: i64,
        /// 写入的文件夹（如 U 盘）/ Folder to write to (e.g. a USB stick)
        #[arg(long)]
        out: PathBuf,
    },
    /// 专家：在新电脑上登记后载入续评文件，接着评分 / Expert: after enrolling on the new laptop, load the resume file and continue
    Load {
        #[command(flatten)]
        panel: PanelRef,
        file: PathBuf,
    },
}

pub fn paper(workspace: &Workspace, command: PaperCommand, json: bool) -> Result<(), Error> {
    match command {
        PaperCommand::Sheet {
            review,
            expert,
            out,
        } => sheet(workspace, review, expert, out, json),
        PaperCommand::Key(args) => key(workspace, args, json),
        PaperCommand::Status { review } => status(workspace, review, json),
    }
}

/// A sheet is printed again as often as asked: it replaces the one there.
fn sheet(
    workspace: &Workspace,
    review: ReviewArg,
    expert: i64,
    out: PathBuf,
    json: bool,
) -> Result<(), Error> {
    let path = review.path(workspace)?;
    let printed = ops::paper::print_sheets(&path, expert, today(), &out, Existing::Replace)?;
    let ids = &printed.sheet_ids;
    let shown = serde_json::json!({ "out": out, "sheets": ids });
    answer(json, &shown, |_| {
        let (zh, en) = (ids.join("、"), ids.join(", "));
        println!(
            "已写出纸质评分表 {zh} / Wrote paper sheet {en}: {}",
            out.display()
        )
    });
    Ok(())
}

/// Two entries that differ record nothing and end with [`MISMATCH_EXIT`], so a script
/// can tell a typing slip from a failure.
fn key(workspace: &Workspace, args: KeyArgs, json: bool) -> Result<(), Error> {
    let path = args.review.path(workspace)?;
    let (expert, sheet, by) = (args.expert, &args.sheet, &args.by);
    let keyed = paper::key_file(&path, expert, sheet, by, &args.marks, &now(), &actor())?;
    answer(json, &keyed, print_keyed);
    if matches!(keyed, Keyed::Mismatch { .. }) {
        std::process::exit(MISMATCH_EXIT);
    }
    Ok(())
}

fn print_keyed(keyed: &Keyed) {
    match keyed {
        Keyed::Waiting { sheet_id, keyed_by } => println!(
            "已保存 {} 的录入（评分表 {sheet_id}），等待另一位工作人员录入 / Entry by {} kept; waiting for the other entry",
            keyed_by.join("、"),
            keyed_by.join(", ")
        ),
        Keyed::Mismatch {
            sheet_id,
            first_by,
            second_by,
            mismatches,
        } => {
            println!(
                "两次录入不一致，未记录（评分表 {sheet_id}，{first_by} / {second_by}），共 {} 处 / The entries differ: nothing recorded",
                mismatches.len()
            );
            for m in mismatches {
                println!(
                    "  {}　{}　{}：{first_by}「{}」≠ {second_by}「{}」",
                    m.code, m.candidate, m.field, m.first, m.second
                );
            }
            println!("请核对纸质评分表，由录入有误的一方重新录入 / Check the sheet; whoever mistyped keys again");
        }
        Keyed::Recorded {
            sheet_id,
            first_by,
            second_by,
            scored,
            recused,
        } => println!(
            "两次录入一致，已记为代录评分（评分表 {sheet_id}，录入 {first_by}、{second_by}）：评分 {scored} 项，回避 {recused} 项 / Agreed: recorded as proxy entry"
        ),
    }
}

fn status(workspace: &Workspace, review: ReviewArg, json: bool) -> Result<(), Error> {
    let status = paper::status(&review.path(workspace)?)?;
    answer(json, &status, |all| all.iter().for_each(print_sheet_status));
    Ok(())
}

fn print_sheet_status(s: &PaperStatus) {
    let state = if s.counted {
        format!("已记为代录（{}）", s.recorded_by.join("、"))
    } else if s.superseded_by_bundle {
        "已由电子评分结果取代 / replaced by a bundle".into()
    } else if s.bundle_counts {
        "已提交电子评分结果 / bundle counts".into()
    } else if !s.keyed_by.is_empty() {
        format!(
            "已录入 {} 次：{} / keyed",
            s.keyed_by.len(),
            s.keyed_by.join("、")
        )
    } else {
        "未录入 / not keyed".into()
    };
    println!(
        "{:>4}  {:<8} {}  {state}",
        s.expert_id, s.expert_name, s.sheet_id
    );
}

pub fn resume(workspace: &Workspace, command: ResumeCommand, json: bool) -> Result<(), Error> {
    match command {
        ResumeCommand::Write {
            review,
            expert,
            out,
        } => write_resume(workspace, review, expert, out, json),
        ResumeCommand::Load { panel, file } => load_resume(workspace, panel, file, json),
    }
}

fn write_resume(
    workspace: &Workspace,
    review: ReviewArg,
    expert: i64,
    out: PathBuf,
    json: bool,
) -> Result<(), Error> {
    let path = review.path(workspace)?;
    let clerk = clerk_keys(workspace)?;
    let file = paneldesk::resume::write(&path, &clerk, expert, &out, &now(), &actor())?;
    answer(json, &serde_json::json!({ "file": file }), |_| {
        println!("已写出续评文件 / Wrote the resume file {}", file.display())
    });
    Ok(())
}

fn load_resume(
    workspace: &Workspace,
    panel: PanelRef,
    file: PathBuf,
    json: bool,
) -> Result<(), Error> {
    let resumed = panel.open(workspace)?.resume_from(&file, &now())?;
    answer(json, &resumed, |r| {
        println!(
            "已载入第 {} 版评分结果的 {} 项评分，请核对后提交 / Loaded {} items from sequence {}: check them, then submit",
            r.sequence, r.items, r.items, r.sequence
        )
    });
    Ok(())
}
