//! The spot-check notice: one page saying what was drawn, from what, with which seed,
//! and how anyone can re-run the draw.

use super::font::Style;
use super::pdf::{self, Align, Document, Meta, MM};
use super::table::{Column, Flow};
use crate::error::Result;
use crate::follow_up::spot_check::SpotCheckView;

pub fn spot_check(view: &SpotCheckView, meta: &Meta) -> Result<Vec<u8>> {
    let check = &view.check;
    let mut doc = Document::new(meta);
    let font = doc.font(Style::Sans)?;
    let bold = doc.font(Style::SansBold)?;
    let mut f = Flow::new(
        pdf::a4(false),
        15.0 * MM,
        font,
        bold,
        format!("随机抽查 {}", check.id),
    );
    f.paragraph("随机抽查名单", 16.0, true, Align::Center);
    f.paragraph(
        &format!("抽查编号 {}", check.id),
        10.0,
        false,
        Align::Center,
    );
    f.gap(6.0);
    let mut conditions = vec![
        format!("抽取 {} 个", check.params.count),
        check.params.strata.name_zh().to_string(),
    ];
    if let Some(a) = check.params.activity {
        conditions.push(format!("仅限{}", a.name_zh()));
    }
    if let Some(m) = check.params.exclude_checked_within_months {
        conditions.push(format!("不含近 {m} 个月内已考核或已抽查的单位"));
    }
    for line in [
        format!("抽查日期：{}", check.drawn_on),
        format!("抽查条件：{}", conditions.join("；")),
        format!(
            "抽查总体：登记册中符合条件的 {} 个单位，总体摘要（SHA-256）{}",
            check.population.len(),
            check.population_hash
        ),
        format!("随机种子：{}", check.seed),
    ] {
        f.paragraph(&line, 10.5, false, Align::Left);
    }
    f.gap(6.0);
    let columns = [
        Column::new("序号", 3.0, Align::Center),
        Column::new("登记编号", 8.0, Align::Left),
        Column::new("名称", 11.0, Align::Left),
        Column::new("推荐高校", 8.0, Align::Left),
        Column::new("类别", 8.0, Align::Left),
        Column::new("年度", 3.5, Align::Center),
        Column::new("抽签号", 6.0, Align::Left),
    ];
    let rows: Vec<Vec<String>> = view
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            vec![
                (i + 1).to_string(),
                u.unit_id.clone(),
                u.name.clone(),
                u.university.clone(),
                u.category_zh.clone(),
                u.year.to_string(),
                u.lottery_number[..10].to_string(),
            ]
        })
        .collect();
    f.table(&columns, &rows, 9.0);
    f.gap(8.0);
    f.paragraph(
        &format!(
            "复核方法：每个单位的抽签号为 SHA-256(\"paneldesk-spot-check-v1\" 换行 种子 换行 登记编号)，各层按比例（最大余数法）取抽签号最小者。任何人可用 paneldesk spot-check verify --draw {} 从记录的种子重新抽取并比对。",
            check.id
        ),
        9.0,
        false,
        Align::Left,
    );
    f.gap(18.0);
    f.paragraph(
        "抽取人：　　　　　　　　监督人：　　　　　　　　日期：",
        10.5,
        false,
        Align::Left,
    );
    f.finish(&mut doc);
    Ok(doc.finish())
}
