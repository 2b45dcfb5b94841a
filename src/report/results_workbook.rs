//! The results workbook the panel reads and signs off: one sheet of ranked results per
//! category and one sheet of every expert's marks.
//!
//! Every text cell is written as text, and text that starts with `=`, `+`, `-` or `@` is
//! prefixed with an apostrophe, so a comment such as `=HYPERLINK(…)` stays inert even
//! after someone copies the sheet into a CSV file.

use std::path::Path;

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::error::{Error, Result};
use crate::model::ScoringMode;

use crate::merge::rank::Cut;
use crate::merge::results::{AppliedMethod, AppliedRule, ResultFlag, ReviewResults};
use crate::spreadsheet::inert;

fn cut_zh(cut: Cut) -> &'static str {
    match cut {
        Cut::In => "入选 In",
        Cut::Out => "未入选 Out",
        Cut::Tied => "并列待定 Tied",
        Cut::Unscored => "无评分 Unscored",
    }
}

fn flag_zh(flag: &ResultFlag) -> String {
    match flag {
        ResultFlag::TieAtCut => "分数线处并列，需评审组决定".into(),
        ResultFlag::HighDispersion { std_dev } => format!("专家评分分歧大（标准差 {std_dev}）"),
        ResultFlag::MissingMarks { expected, got } => {
            format!("缺少评分（应 {expected} 位，实 {got} 位）")
        }
        ResultFlag::UnresolvedEligibility { count } => format!("有 {count} 个资格标记未处理"),
        ResultFlag::NoMarks => "没有任何专家评分".into(),
        ResultFlag::GradeTie => "等级票数并列".into(),
    }
}

/// The rule that made one row, with the experts it counted: "去掉最高最低分后平均（5 取 3）".
fn applied_zh(a: &AppliedRule) -> String {
    let z = if a.normalised { "标准分" } else { "" };
    match a.method {
        AppliedMethod::TrimmedMean => format!(
            "{z}去掉最高最低分后平均（{} 位取 {} 位）Trimmed mean",
            a.marks, a.counted
        ),
        AppliedMethod::Mean => format!("{z}算术平均（{} 位）Mean", a.marks),
        AppliedMethod::Median => format!("{z}中位数（{} 位）Median", a.marks),
        AppliedMethod::Vote => format!("表决（到会 {} 位）Vote", a.marks),
        AppliedMethod::Grade => format!("等级（{} 位）Grade", a.marks),
    }
}

fn sheet_name(index: usize, name: &str) -> String {
    // Excel allows 31 characters and no []:*?/\ in sheet names.
    let clean: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(26)
        .collect();
    format!("{}{}", index + 1, clean)
}

fn write_text(ws: &mut Worksheet, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
    ws.write_string(row, col, inert(text)).map(|_| ())
}

pub fn write(
    path: &Path,
    review: &Path,
    options: &crate::merge::results::ResultOptions,
) -> Result<()> {
    if path.exists() {
        return Err(Error::AlreadyExists {
            path: path.to_path_buf(),
        });
    }
    let bytes = for_review(review, options)?;
    crate::container::write_bytes_new(path, &bytes).map(|_| ())
}

/// The results workbook of the review at `review`, computed by its stored rules, as bytes
/// for the caller to write where the user chose (the app's save dialog may name a file
/// the user agreed to replace).
pub fn for_review(
    review: &Path,
    options: &crate::merge::results::ResultOptions,
) -> Result<Vec<u8>> {
    let results = crate::merge::results::compute(review, options)?;
    let loaded = crate::review::load(review, crate::privacy::Privacy::Masked)?;
    let experts: Vec<(i64, String)> = loaded
        .experts
        .iter()
        .map(|e| (e.id, e.name.clone()))
        .collect();
    // Entries corrected after import are marked as on every printed document.
    let corrected: std::collections::BTreeSet<i64> =
        crate::corrections::all(&crate::store::open(review)?)?
            .into_iter()
            .map(|c| c.nomination_id)
            .collect();
    build(&results, &experts, &corrected)
        .and_then(|mut workbook| workbook.save_to_buffer())
        .map_err(|e| Error::io(review, std::io::Error::other(e.to_string())))
}

fn build(
    results: &ReviewResults,
    experts: &[(i64, String)],
    corrected: &std::collections::BTreeSet<i64>,
) -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let two = Format::new().set_num_format("0.00");
    for (i, c) in results.categories.iter().enumerate() {
        let ws = workbook.add_worksheet();
        ws.set_name(sheet_name(i, &c.name_zh))?;
        let quota = if c.quota_approximate {
            format!("{} 左右", c.quota)
        } else {
            c.quota.to_string()
        };
        ws.write_string_with_format(0, 0, format!("{}（名额 {quota}）", c.name_zh), &bold)?;
        write_text(
            ws,
            1,
            0,
            &format!(
                "汇总方法：{} / Method: {}",
                c.rule.describe_zh(c.scoring_mode),
                c.rule.describe_en(c.scoring_mode)
            ),
        )?;
        let mut head = vec![
            "名次 Rank",
            "推荐对象 Nomination",
            "推荐单位 University",
            "结果 Result",
            "有效专家 Experts",
            "回避 Recused",
        ];
        head.push(match c.scoring_mode {
            ScoringMode::Criteria => "得分 Score",
            ScoringMode::Vote => "同意票 Agree",
            ScoringMode::Grade => "等级 Grade",
        });
        head.push("计分方式 Rule applied");
        head.push("标记与决定 Flags and decisions");
        let expert_col = head.len() as u16;
        for (col, h) in head.iter().enumerate() {
            ws.write_string_with_format(2, col as u16, *h, &bold)?;
        }
        if c.scoring_mode == ScoringMode::Criteria {
            for (j, (_, name)) in experts.iter().enumerate() {
                ws.write_string_with_format(2, expert_col + j as u16, inert(name), &bold)?;
            }
        }
        for (k, n) in c.nominations.iter().enumerate() {
            let row = 3 + k as u32;
            ws.write_number(row, 0, n.rank)?;
            if corrected.contains(&n.nomination_id) {
                let mark = crate::report::documents::CORRECTED_MARK;
                write_text(ws, row, 1, &format!("{}{mark}", n.display_name))?;
            } else {
                write_text(ws, row, 1, &n.display_name)?;
            }
            write_text(ws, row, 2, &n.university)?;
            ws.write_string(row, 3, cut_zh(n.cut))?;
            ws.write_number(row, 4, n.experts)?;
            ws.write_number(row, 5, n.recused)?;
            match c.scoring_mode {
                ScoringMode::Criteria => {
                    if let Some(s) = n.score {
                        ws.write_number_with_format(row, 6, s, &two)?;
                    }
                }
                ScoringMode::Vote => {
                    if let Some(v) = &n.votes {
                        ws.write_string(row, 6, format!("{}/{}", v.agree, v.present))?;
                    }
                }
                ScoringMode::Grade => {
                    // The clerk named the grades: text bound for a cell, never a formula.
                    if let Some(g) = &n.grade {
                        write_text(ws, row, 6, c.grades.name_zh(g.key()))?;
                    }
                }
            }
            if let Some(a) = &n.applied {
                write_text(ws, row, 7, &applied_zh(a))?;
            }
            let mut flags: Vec<String> = Vec::new();
            if n.votes.is_some_and(|v| v.present > 0 && !v.passed) {
                flags.push("表决未通过 Vote failed".into());
            }
            if c.grade_failed(n) {
                flags.push("等级未通过 Grade does not pass".into());
            }
            flags.extend(n.flags.iter().map(flag_zh));
            if let Some(d) = &n.decision {
                flags.push(format!(
                    "评审组决定：{}（{}）",
                    d.outcome.name_zh(),
                    d.reason
                ));
            }
            write_text(ws, row, 8, &flags.join("；"))?;
            if c.scoring_mode == ScoringMode::Criteria {
                for (j, (id, _)) in experts.iter().enumerate() {
                    if let Some(t) = n.totals.get(id) {
                        ws.write_number(row, expert_col + j as u16, *t)?;
                    } else {
                        ws.write_string(row, expert_col + j as u16, "回避/未评")?;
                    }
                }
            }
        }
        ws.set_column_width(1, 24)?;
        ws.set_column_width(2, 20)?;
        ws.set_column_width(7, 28)?;
        ws.set_column_width(8, 40)?;
        ws.set_freeze_panes(3, 2)?;
    }
    let ws = workbook.add_worksheet();
    ws.set_name("专家 Experts")?;
    ws.write_string_with_format(
        0,
        0,
        "评分偏离较大的专家 Experts far from the others",
        &bold,
    )?;
    for (i, o) in results.outlier_experts.iter().enumerate() {
        write_text(ws, 1 + i as u32, 0, &o.name)?;
        ws.write_number(1 + i as u32, 1, o.mean_deviation)?;
    }
    Ok(workbook)
}

#[cfg(test)]
mod tests {}
