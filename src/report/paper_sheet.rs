//! The expert's paper 评分表 (`paper::Sheet`): printed when an expert scores on paper.
//! Pre-filled with the expert, each candidate of their panel package (own institution
//! left out: recused automatically) under a short row code, each category's criteria with
//! maximum and step (or 同意/不同意/弃权 boxes, or grade boxes), empty boxes to write in,
//! the expert's signature and date, and lines for the two staff who key it in. The sheet
//! id is printed at the top and in every page's footer, so a keyed entry names the sheet.

use super::font::Style;
use super::pdf::{self, Align, Document, Meta, MM};
use super::table::{Column, Flow};
use crate::error::{Error, Result};
use crate::model::ScoringMode;
use crate::paper::{Sheet, SheetSection};

const BOX: &str = "□";

fn number(v: f64) -> String {
    format!("{v}")
}

/// One PDF with every sheet in `sheets`, each starting on its own page.
pub fn print(sheets: &[Sheet], meta: &Meta) -> Result<Vec<u8>> {
    if sheets.is_empty() {
        return Err(Error::BadInput {
            zh: "没有可打印的纸质评分表".into(),
            en: "No paper sheet to print".into(),
        });
    }
    let mut doc = Document::new(meta);
    for sheet in sheets {
        page(&mut doc, sheet)?;
    }
    Ok(doc.finish())
}

fn page(doc: &mut Document, sheet: &Sheet) -> Result<()> {
    let font = doc.font(Style::Sans)?;
    let bold = doc.font(Style::SansBold)?;
    let hash = &sheet.package_hash[..12.min(sheet.package_hash.len())];
    let mut f = Flow::new(
        pdf::a4(true),
        14.0 * MM,
        font,
        bold,
        format!(
            "纸质评分表 {} · 专家 {} · 评审包 {hash}",
            sheet.sheet_id, sheet.expert.name
        ),
    );
    heading(&mut f, sheet, hash);
    f.min_row_height = 24.0;
    for section in &sheet.sections {
        section_table(&mut f, section);
    }
    footer(&mut f, sheet);
    f.finish(doc);
    Ok(())
}

/// The title, the sheet's id, the expert, and how to fill it in.
fn heading(f: &mut Flow, sheet: &Sheet, hash: &str) {
    f.paragraph(
        &super::documents::document_title(&sheet.review_title_zh, "专家纸质评分表"),
        16.0,
        true,
        Align::Center,
    );
    f.paragraph("Expert paper score sheet", 9.0, false, Align::Center);
    f.gap(4.0);
    f.paragraph(
        &format!("评分表编号 / Sheet ID：{}", sheet.sheet_id),
        13.0,
        true,
        Align::Left,
    );
    let panel = if sheet.panel_name.is_empty() {
        String::new()
    } else {
        format!("　评审组：{}", sheet.panel_name)
    };
    f.paragraph(
        &format!(
            "专家：{}　{}　{}{panel}　　评审包 {hash}",
            sheet.expert.name, sheet.expert.institution, sheet.expert.title
        ),
        11.0,
        false,
        Align::Left,
    );
    let comment = if sheet.min_comment_chars > 0 {
        format!("每个对象须写评语，不少于 {} 字。", sheet.min_comment_chars)
    } else {
        String::new()
    };
    f.paragraph(
        &format!(
            "填写说明：请用黑色或蓝色钢笔在空格内填写分值，每项不超过满分，且为步长的整数倍；表决、等级请在所选方框内打“√”；\
             如需回避，请在“回避”栏打“√”并在评语栏写明原因（亲属、师生、其他）。{comment}修改处请签名。\
             本单位推荐的对象已自动回避，未列入本表。本表由两名工作人员分别录入，两次录入一致后作为“代录”评分计入结果。"
        ),
        9.0,
        false,
        Align::Left,
    );
}

/// One category's rows, with the columns its scoring mode asks for.
fn section_table(f: &mut Flow, section: &SheetSection) {
    let c = &section.category;
    f.gap(6.0);
    f.ensure(90.0);
    f.paragraph(&c.name_zh, 12.0, true, Align::Left);
    let mut columns = vec![
        Column::new("代码", 2.6, Align::Center),
        Column::new("推荐对象", 8.0, Align::Left),
        Column::new("推荐高校", 7.0, Align::Left),
    ];
    let mut blanks: Vec<String> = Vec::new();
    match c.scoring_mode {
        ScoringMode::Criteria => {
            let legend: Vec<String> = c
                .rubric
                .criteria
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    let weight = if k.weight == 1.0 {
                        String::new()
                    } else {
                        format!("，权重 {}", number(k.weight))
                    };
                    format!(
                        "{}. {}（满分 {}，步长 {}{weight}）",
                        i + 1,
                        k.name_zh,
                        number(k.max_points),
                        number(k.step)
                    )
                })
                .collect();
            f.paragraph(&legend.join("　"), 8.5, false, Align::Left);
            for (i, k) in c.rubric.criteria.iter().enumerate() {
                columns.push(Column::new(
                    format!("{}（{}）", i + 1, number(k.max_points)),
                    3.0,
                    Align::Center,
                ));
                blanks.push(String::new());
            }
        }
        ScoringMode::Vote => {
            f.paragraph(
                "表决：在“同意”“不同意”“弃权”中选一项打“√”。",
                8.5,
                false,
                Align::Left,
            );
            for choice in ["同意", "不同意", "弃权"] {
                columns.push(Column::new(choice, 3.0, Align::Center));
                blanks.push(BOX.into());
            }
        }
        ScoringMode::Grade => {
            // The category's own list, in its order: what the keyers accept back.
            let names = c.grades.names_zh();
            let quoted: Vec<String> = names.iter().map(|n| format!("“{n}”")).collect();
            f.paragraph(
                &format!("等级：在{}中选一项打“√”。", quoted.join("")),
                8.5,
                false,
                Align::Left,
            );
            for choice in names {
                columns.push(Column::new(choice, 3.0, Align::Center));
                blanks.push(BOX.into());
            }
        }
    }
    columns.push(Column::new("回避", 2.4, Align::Center));
    columns.push(Column::new("评语", 12.0, Align::Left));
    let rows: Vec<Vec<String>> = section
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![r.code.clone(), r.display_name.clone(), r.university.clone()];
            row.extend(blanks.iter().cloned());
            row.push(BOX.into());
            row.push(String::new());
            row
        })
        .collect();
    f.table(&columns, &rows, 9.0);
}

/// The automatic recusals, the signature lines and the keying command.
fn footer(f: &mut Flow, sheet: &Sheet) {
    if !sheet.auto_recused.is_empty() {
        f.gap(4.0);
        f.paragraph(
            &format!(
                "本单位推荐的 {} 个对象已自动回避，未列入本表。",
                sheet.auto_recused.len()
            ),
            9.0,
            false,
            Align::Left,
        );
    }
    f.min_row_height = 0.0;
    f.gap(16.0);
    f.ensure(110.0);
    for line in [
        "专家签名：＿＿＿＿＿＿＿＿＿＿＿＿　　　　日期：　　　　年　　月　　日",
        "",
        "录入（工作人员填写）：第一次录入人 ＿＿＿＿＿＿＿＿　第二次录入人 ＿＿＿＿＿＿＿＿　两次录入一致，记为代录评分。",
    ] {
        if line.is_empty() {
            f.gap(10.0);
        } else {
            f.paragraph(line, 11.0, false, Align::Left);
        }
    }
    f.gap(4.0);
    f.paragraph(
        &format!(
            "录入命令：paneldesk paper key --expert {} --sheet {} --by <录入人姓名> --marks <文件>",
            sheet.expert.id, sheet.sheet_id
        ),
        8.0,
        false,
        Align::Left,
    );
}
