//! The printed documents: the results summary the panel signs, each expert's score
//! sheet, and the public announcement list.

use super::font::Style;
use super::pdf::{self, Align, Document, Meta, MM};
use super::pinyin_order::{NameKind, PinyinOrder};
use super::record::{ExpertLine, Record};
use super::table::{Column, Flow};
use crate::error::Result;
use crate::merge::rank::Cut;
use crate::merge::results::{AppliedMethod, CategoryResult, Method, NominationResult, ResultFlag};
use crate::model::marks::{self, ScoreItem, Vote};
use crate::model::ScoringMode;

fn flow(doc: &mut Document, landscape: bool, record: &Record) -> Result<Flow> {
    let font = doc.font(Style::Sans)?;
    let bold = doc.font(Style::SansBold)?;
    let footer = format!(
        "{} · 评审包 {}",
        record.review.title_zh,
        &record.package_hash[..12.min(record.package_hash.len())]
    );
    Ok(Flow::new(pdf::a4(landscape), 15.0 * MM, font, bold, footer))
}

/// "2026年…评审" + "评审结果汇总表" without saying 评审 twice.
pub fn document_title(review_title: &str, document: &str) -> String {
    match (
        review_title.strip_suffix("评审"),
        document.starts_with("评审"),
    ) {
        (Some(stem), true) => format!("{stem}{document}"),
        _ => format!("{review_title}{document}"),
    }
}

/// Which of the review's documents to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// 评审结果汇总表
    Summary,
    /// 专家评分表
    ScoreSheets,
    /// 公示名单
    Announcement,
}

impl ReportKind {
    /// The document's own name, after the review's title in its heading.
    pub fn title_zh(self) -> &'static str {
        match self {
            ReportKind::Summary => "评审结果汇总表",
            ReportKind::ScoreSheets => "专家评分表",
            ReportKind::Announcement => "公示",
        }
    }

    /// The title the document prints under for `record`: the 公示 words its own by the
    /// clerk's wording, the others are the review's title and the document's name.
    pub fn title(self, record: &Record) -> String {
        match self {
            ReportKind::Announcement => announcement_title(record),
            _ => document_title(&record.review.title_zh, self.title_zh()),
        }
    }

    /// The kind a clerk names on the command line, in English or in Chinese.
    pub fn from_name(name: &str) -> Result<ReportKind> {
        match name {
            "summary" | "汇总表" => Ok(ReportKind::Summary),
            "sheets" | "评分表" => Ok(ReportKind::ScoreSheets),
            "announcement" | "公示" => Ok(ReportKind::Announcement),
            other => Err(crate::error::Error::BadInput {
                zh: format!("报表种类应为 summary、sheets 或 announcement：{other}"),
                en: format!("the report is summary, sheets or announcement: {other}"),
            }),
        }
    }
}

fn two(v: f64) -> String {
    format!("{v:.2}")
}

pub fn cut_zh(cut: Cut) -> &'static str {
    match cut {
        Cut::In => "入选",
        Cut::Out => "未入选",
        Cut::Tied => "并列待定",
        Cut::Unscored => "无评分",
    }
}

pub fn flag_zh(flag: &ResultFlag) -> String {
    match flag {
        ResultFlag::TieAtCut => "分数线处并列".into(),
        ResultFlag::HighDispersion { std_dev } => format!("分歧大（σ={std_dev}）"),
        ResultFlag::MissingMarks { expected, got } => format!("缺评分 {got}/{expected}"),
        ResultFlag::UnresolvedEligibility { count } => format!("资格标记未处理 {count}"),
        ResultFlag::NoMarks => "无人评分".into(),
        ResultFlag::GradeTie => "等级票并列".into(),
    }
}

fn vote_zh(v: Vote) -> &'static str {
    match v {
        Vote::Agree => "同意",
        Vote::Disagree => "不同意",
        Vote::Abstain => "弃权",
    }
}

/// What one expert gave one nomination, as a short cell; a grade by its name on the
/// category's list.
fn expert_cell(
    (mode, grades): (ScoringMode, &crate::model::GradeList),
    item: Option<&ScoreItem>,
    n: &NominationResult,
    expert: i64,
) -> String {
    match item {
        None => "—".into(),
        Some(i) if i.recusal.is_some() => "回避".into(),
        Some(i) => match mode {
            ScoringMode::Criteria => n
                .totals
                .get(&expert)
                .map(|t| two(*t))
                .unwrap_or_else(|| "—".into()),
            ScoringMode::Vote => i.vote.map(vote_zh).unwrap_or("—").into(),
            ScoringMode::Grade => i
                .grade
                .as_ref()
                .map_or("—", |g| grades.name_zh(g.key()))
                .into(),
        },
    }
}

/// The mark after the name of a nomination corrected after import, on every document.
/// Public ones print only this; the 汇总表 adds the reason and date in a footnote, and
/// no document prints the old or new value (they may be personal data).
pub const CORRECTED_MARK: &str = "（已更正）";

/// A nomination's name as documents print it, marked when it was corrected.
fn name_cell(record: &Record, n: &NominationResult) -> String {
    if record.corrected(n.nomination_id) {
        format!("{}{CORRECTED_MARK}", n.display_name)
    } else {
        n.display_name.clone()
    }
}

/// The 汇总表's footnote for a category's corrected nominations: which field, when and
/// why, never the values.
fn corrections_footnote(f: &mut Flow, record: &Record, c: &CategoryResult) {
    let lines: Vec<String> = c
        .nominations
        .iter()
        .filter_map(|n| {
            let list = record.corrections.get(&n.nomination_id)?;
            let each: Vec<String> = list
                .iter()
                .map(|k| {
                    format!(
                        "{} 更正“{}”，理由：{}",
                        k.corrected_at.get(..10).unwrap_or(&k.corrected_at),
                        k.field_zh,
                        k.reason
                    )
                })
                .collect();
            Some(format!(
                "{}（{}）：{}",
                n.display_name,
                n.university,
                each.join("；")
            ))
        })
        .collect();
    if lines.is_empty() {
        return;
    }
    f.gap(2.0);
    f.paragraph(
        &crate::privacy::mask_text(&format!(
            "标“{CORRECTED_MARK}”者在导入后经更正 / Marked entries were corrected after import：{}",
            lines.join("；")
        )),
        7.5,
        false,
        Align::Left,
    );
}

/// The mark put after a score whose category trims but whose experts were too few to:
/// the plain mean applied (the footnote under the table says so).
const FALLBACK_MARK: &str = "*";

/// Whether `n` is a nomination of a trimmed-mean category that fell back to the mean.
fn fell_back(c: &CategoryResult, n: &NominationResult) -> bool {
    c.scoring_mode == ScoringMode::Criteria
        && c.rule.method == Method::TrimmedMean
        && n.applied
            .is_some_and(|a| a.method != AppliedMethod::TrimmedMean)
}

fn aggregate_cell(c: &CategoryResult, n: &NominationResult) -> String {
    match c.scoring_mode {
        ScoringMode::Criteria => match n.score {
            Some(s) if fell_back(c, n) => format!("{}{FALLBACK_MARK}", two(s)),
            Some(s) => two(s),
            None => "—".into(),
        },
        ScoringMode::Vote => n
            .votes
            .as_ref()
            .map(|v| format!("同意 {}/{}", v.agree, v.present))
            .unwrap_or_else(|| "—".into()),
        ScoringMode::Grade => n
            .grade
            .as_ref()
            .map_or("—", |g| c.grades.name_zh(g.key()))
            .into(),
    }
}

/// The category's rule as the documents state it, under its heading.
fn rule_paragraph(f: &mut Flow, c: &CategoryResult, english: bool) {
    f.paragraph(
        &format!("汇总方法：{}。", c.rule.describe_zh(c.scoring_mode)),
        9.0,
        false,
        Align::Left,
    );
    if english {
        f.paragraph(
            &format!("Method: {}.", c.rule.describe_en(c.scoring_mode)),
            7.5,
            false,
            Align::Left,
        );
    }
}

/// 评审结果汇总表: per category, every nomination with each expert's mark (by expert
/// number), the aggregate, the result and the flags; signature lines at the end.
pub fn summary(record: &Record, meta: &Meta) -> Result<Vec<u8>> {
    let mut doc = Document::new(meta);
    let mut f = flow(&mut doc, true, record)?;
    f.paragraph(
        &document_title(&record.review.title_zh, "评审结果汇总表"),
        16.0,
        true,
        Align::Center,
    );
    f.paragraph("Review results summary", 9.0, false, Align::Center);
    f.paragraph(
        "各类别按其保存的规则汇总，汇总方法写在类别名称下方；专家按编号列出，编号与姓名的对应见各专家评分表。",
        9.0,
        false,
        Align::Left,
    );
    for c in &record.results.categories {
        summary_category(&mut f, record, c);
    }
    outliers(&mut f, record);
    anchors(&mut f, record);
    signatures(&mut f, &["评审组组长（签字）", "评审组成员（签字）"]);
    f.finish(&mut doc);
    Ok(doc.finish())
}

/// Wide panels: beyond this many experts their columns would be unreadable, and each
/// expert's marks are on their own score sheet anyway.
const MAX_EXPERT_COLUMNS: usize = 15;

/// One category of the 汇总表: its heading and rule, the table, and the footnotes its
/// rows call for.
fn summary_category(f: &mut Flow, record: &Record, c: &CategoryResult) {
    let show_experts = record.experts.len() <= MAX_EXPERT_COLUMNS;
    f.gap(6.0);
    f.ensure(60.0);
    let quota = if c.quota_approximate {
        format!("{} 个左右", c.quota)
    } else {
        format!("{} 个", c.quota)
    };
    f.paragraph(
        &format!(
            "{}（名额 {quota}，推荐 {} 个）",
            c.name_zh,
            c.nominations.len()
        ),
        12.0,
        true,
        Align::Left,
    );
    rule_paragraph(f, c, true);
    let rows: Vec<Vec<String>> = c
        .nominations
        .iter()
        .map(|n| summary_row(record, c, n, show_experts))
        .collect();
    let size = if record.experts.len() > 10 { 7.5 } else { 8.5 };
    f.table(
        &summary_columns(record, c.scoring_mode, show_experts),
        &rows,
        size,
    );
    corrections_footnote(f, record, c);
    if c.nominations.iter().any(|n| n.proxy_marks > 0) {
        f.gap(2.0);
        f.paragraph(
            "代录：专家在纸质评分表上评分，由两名工作人员分别录入、两次一致后记录（paneldesk paper status 列出评分表编号和录入人）。 / Proxy entry: marks from an expert's paper sheet, keyed in twice by two staff and recorded once both agreed.",
            7.5,
            false,
            Align::Left,
        );
    }
    if c.nominations.iter().any(|n| fell_back(c, n)) {
        f.gap(2.0);
        f.paragraph(
            &format!(
                "{FALLBACK_MARK} 评分专家不足 {n} 位，未去掉最高分和最低分，取算术平均。 / Fewer than {n} experts scored: nothing dropped, a plain mean.",
                n = c.rule.trim_min_experts
            ),
            7.5,
            false,
            Align::Left,
        );
    }
}

fn summary_columns(record: &Record, mode: ScoringMode, show_experts: bool) -> Vec<Column> {
    let mut columns = vec![
        Column::new("名次", 3.5, Align::Center),
        Column::new("推荐对象", 12.0, Align::Left),
        Column::new("推荐高校", 12.0, Align::Left),
    ];
    if show_experts {
        for e in &record.experts {
            columns.push(Column::new(format!("专家{}", e.number), 4.2, Align::Center));
        }
    }
    let aggregate = match mode {
        ScoringMode::Criteria => "综合得分",
        ScoringMode::Vote => "表决",
        ScoringMode::Grade => "等级",
    };
    columns.push(Column::new(aggregate, 5.5, Align::Center));
    columns.push(Column::new("结果", 4.5, Align::Center));
    columns.push(Column::new("标记与决定", 10.0, Align::Left));
    columns
}

fn summary_row(
    record: &Record,
    c: &CategoryResult,
    n: &NominationResult,
    show_experts: bool,
) -> Vec<String> {
    let rank = if n.rank > 0 {
        n.rank.to_string()
    } else {
        "—".into()
    };
    let mut row = vec![rank, name_cell(record, n), n.university.clone()];
    if show_experts {
        let marks = record.marks.get(&n.nomination_id);
        for e in &record.experts {
            let mark = marks.and_then(|m| m.get(&e.id));
            row.push(expert_cell((c.scoring_mode, &c.grades), mark, n, e.id));
        }
    }
    row.push(aggregate_cell(c, n));
    row.push(cut_zh(n.cut).into());
    let mut notes: Vec<String> = Vec::new();
    if n.votes.is_some_and(|v| v.present > 0 && !v.passed) {
        notes.push("表决未通过".into());
    }
    if c.grade_failed(n) {
        notes.push("等级未通过".into());
    }
    notes.extend(n.flags.iter().map(flag_zh));
    if n.proxy_marks > 0 {
        notes.push(format!("含代录评分 {} 份", n.proxy_marks));
    }
    if let Some(d) = &n.decision {
        notes.push(format!(
            "评审组决定：{}（{}）",
            d.outcome.name_zh(),
            d.reason
        ));
    }
    row.push(notes.join("；"));
    row
}

/// Experts whose marks sit far from the others', by number.
fn outliers(f: &mut Flow, record: &Record) {
    if record.results.outlier_experts.is_empty() {
        return;
    }
    f.gap(6.0);
    let list: Vec<String> = record
        .results
        .outlier_experts
        .iter()
        .map(|o| {
            let number = record
                .experts
                .iter()
                .find(|e| e.id == o.expert_id)
                .map(|e| e.number)
                .unwrap_or(0);
            format!("专家{number}（平均偏离 {:+.2} 分）", o.mean_deviation)
        })
        .collect();
    f.paragraph(
        &format!("评分明显偏离其他专家：{}", list.join("、")),
        9.0,
        false,
        Align::Left,
    );
}

/// The two values that let anyone check the review file against this paper later: the
/// audit log's newest entry and the digest of the results printed (docs/review-file.md).
fn anchors(f: &mut Flow, record: &Record) {
    f.gap(6.0);
    f.ensure(40.0);
    if let Some(anchor) = &record.anchor {
        f.paragraph(
            &format!("审计锚点 / Audit anchor：{anchor}"),
            7.5,
            false,
            Align::Left,
        );
    }
    f.paragraph(
        &format!("结果摘要 / Results digest：{}", record.results_hash()),
        7.5,
        false,
        Align::Left,
    );
    // The key certificates are signed with: anyone can check a certificate's QR code
    // against this fingerprint, offline.
    if let Ok(key) = crate::keys::parse_public(&record.clerk_key) {
        f.paragraph(
            &format!(
                "签发密钥指纹 / Issuer key fingerprint：{}",
                crate::keys::fingerprint(&key)
            ),
            7.5,
            false,
            Align::Left,
        );
    }
    f.paragraph(
        "核对：paneldesk audit verify --anchor <审计锚点>；结果摘要与评审文件重新计算的结果一致方为原件；证书二维码用 paneldesk certificates check --qr-image <照片> --clerk-fingerprint <签发密钥指纹> 核验。",
        7.5,
        false,
        Align::Left,
    );
}

/// Signature lines, kept together on one page.
fn signatures(f: &mut Flow, roles: &[&str]) {
    f.gap(14.0);
    f.ensure(30.0 * roles.len() as f32 + 30.0);
    let font = f.font.clone();
    for role in roles {
        let y = f.y + 14.0;
        let x = f.margin;
        let w = font.face.width(role, 11.0, 0.0);
        let page = f.page();
        page.text(&font, 11.0, x, y, 0.0, &format!("{role}："));
        let start = x + w + 14.0;
        page.line(start, y + 2.0, start + 320.0, y + 2.0, 0.5);
        f.y += 30.0;
    }
    let y = f.y + 14.0;
    let x = f.margin;
    f.page()
        .text(&font, 11.0, x, y, 0.0, "日期：　　　　年　　月　　日");
    f.y += 30.0;
}

/// 专家评分表: one per expert (or only `only`), what the expert signs in ink — every
/// mark and comment, the expert's key fingerprint and the bundle it came in.
pub fn score_sheets(record: &Record, only: Option<i64>, meta: &Meta) -> Result<Vec<u8>> {
    let mut doc = Document::new(meta);
    for e in experts_to_print(record, only)? {
        score_sheet(&mut doc, record, e)?;
    }
    Ok(doc.finish())
}

/// Every expert, or the one asked for; asking for one who is not there is refused
/// rather than printing an empty document.
fn experts_to_print(record: &Record, only: Option<i64>) -> Result<Vec<&ExpertLine>> {
    let experts: Vec<_> = record
        .experts
        .iter()
        .filter(|e| only.is_none_or(|id| id == e.id))
        .collect();
    if experts.is_empty() {
        return Err(crate::error::Error::BadInput {
            zh: format!("没有编号为 {} 的专家", only.unwrap_or(0)),
            en: format!("no expert with id {}", only.unwrap_or(0)),
        });
    }
    Ok(experts)
}

/// One expert's sheet, on pages of its own so each expert signs their own.
fn score_sheet(doc: &mut Document, record: &Record, e: &ExpertLine) -> Result<()> {
    let mut f = flow(doc, false, record)?;
    draw_expert_heading(&mut f, record, e);
    for c in &record.categories {
        let nominations = scored_by(record, c, e);
        if nominations.is_empty() {
            continue;
        }
        draw_category_heading(&mut f, c);
        let rows: Vec<Vec<String>> = nominations
            .iter()
            .map(|n| expert_marks_row(record, c, e, n))
            .collect();
        f.table(&score_sheet_columns(c), &rows, 8.0);
    }
    signatures(&mut f, &["专家签名"]);
    f.finish(doc);
    Ok(())
}

/// Who the expert is, and which signed bundle the marks below came from, so the ink
/// signature and the digital one can be matched.
fn draw_expert_heading(f: &mut Flow, record: &Record, e: &ExpertLine) {
    f.paragraph(
        &document_title(&record.review.title_zh, "专家评分表"),
        15.0,
        true,
        Align::Center,
    );
    f.paragraph("Expert score sheet", 9.0, false, Align::Center);
    f.gap(4.0);
    f.paragraph(
        &format!(
            "专家{}：{}　{}　{}",
            e.number, e.name, e.institution, e.title
        ),
        11.0,
        true,
        Align::Left,
    );
    f.paragraph(
        &format!(
            "密钥指纹：{}",
            e.fingerprint
                .as_deref()
                .unwrap_or("（尚未收到该专家的评分结果）")
        ),
        9.0,
        false,
        Align::Left,
    );
    if let (Some(hash), Some(seq)) = (&e.bundle_hash, e.sequence) {
        f.paragraph(
            &format!("评分结果文件：第 {seq} 版，SHA-256 {hash}"),
            8.0,
            false,
            Align::Left,
        );
    }
}

/// The category's nominations in result order, but only what this expert's panel
/// scored: with several panels, the others' nominations are not on this expert's sheet.
fn scored_by<'r>(
    record: &'r Record,
    c: &crate::model::Category,
    e: &ExpertLine,
) -> Vec<&'r NominationResult> {
    record
        .results
        .categories
        .iter()
        .filter(|rc| rc.key == c.key)
        .flat_map(|rc| rc.nominations.iter())
        .filter(|n| {
            record
                .assigned
                .get(&e.id)
                .is_some_and(|a| a.contains(&n.nomination_id))
        })
        .collect()
}

fn draw_category_heading(f: &mut Flow, c: &crate::model::Category) {
    f.gap(6.0);
    f.ensure(60.0);
    f.paragraph(&c.name_zh, 11.0, true, Align::Left);
    // The guidance the expert scored by, as the package carried it.
    if c.scoring_mode == ScoringMode::Criteria {
        for line in guidance_lines(c) {
            f.paragraph(&line, 8.0, false, Align::Left);
        }
    }
    if c.scoring_mode == ScoringMode::Grade {
        f.paragraph(&grade_list_line(&c.grades), 8.0, false, Align::Left);
    }
}

/// `等级（由高到低）：优秀、良好、合格、不合格；不合格为不通过`: the list the expert chose from.
pub fn grade_list_line(grades: &crate::model::GradeList) -> String {
    let failing: Vec<&str> = grades
        .levels()
        .iter()
        .filter(|g| !g.passes)
        .map(|g| g.name_zh.as_str())
        .collect();
    let mut line = format!("等级（由高到低）：{}", grades.names_zh().join("、"));
    if !failing.is_empty() {
        line.push_str(&format!("；{}为不通过", failing.join("、")));
    }
    line
}

/// One column per criterion (its weight shown only when it is not 1) and a total, or
/// one for the vote or grade; the comment last, widest.
fn score_sheet_columns(c: &crate::model::Category) -> Vec<Column> {
    let mut columns = vec![
        Column::new("推荐对象", 9.0, Align::Left),
        Column::new("推荐高校", 8.0, Align::Left),
    ];
    match c.scoring_mode {
        ScoringMode::Criteria => {
            for k in &c.rubric.criteria {
                columns.push(Column::new(
                    if k.weight == 1.0 {
                        format!("{}（{}）", k.name_zh, k.max_points)
                    } else {
                        format!("{}（{}，权重 {}）", k.name_zh, k.max_points, k.weight)
                    },
                    4.0,
                    Align::Center,
                ));
            }
            columns.push(Column::new("合计", 4.0, Align::Center));
        }
        ScoringMode::Vote => columns.push(Column::new("表决", 4.0, Align::Center)),
        ScoringMode::Grade => columns.push(Column::new("等级", 4.0, Align::Center)),
    }
    columns.push(Column::new("评语", 14.0, Align::Left));
    columns
}

/// What the expert entered for one nomination. A recusal shows in every mark cell and
/// its reason in the comment, so a blank is never mistaken for a forgotten mark.
fn expert_marks_row(
    record: &Record,
    c: &crate::model::Category,
    e: &ExpertLine,
    n: &NominationResult,
) -> Vec<String> {
    let item = record
        .marks
        .get(&n.nomination_id)
        .and_then(|m| m.get(&e.id));
    let mut row = vec![name_cell(record, n), n.university.clone()];
    let recused = item.and_then(|i| i.recusal.as_ref());
    match c.scoring_mode {
        ScoringMode::Criteria => {
            for k in &c.rubric.criteria {
                row.push(match (item, recused) {
                    (_, Some(_)) => "回避".into(),
                    (Some(i), None) => i
                        .criteria
                        .get(&k.key)
                        .map(|p| format!("{p}"))
                        .unwrap_or_else(|| "—".into()),
                    (None, None) => "—".into(),
                });
            }
            row.push(
                item.filter(|_| recused.is_none())
                    .and_then(|i| marks::total(i, c))
                    .map(two)
                    .unwrap_or_else(|| "—".into()),
            );
        }
        ScoringMode::Vote | ScoringMode::Grade => {
            row.push(expert_cell((c.scoring_mode, &c.grades), item, n, e.id));
        }
    }
    row.push(match recused {
        Some(r) => format!("回避（{}）{}", r.reason.name_zh(), r.note),
        None => item.map(|i| i.comment.clone()).unwrap_or_default(),
    });
    row
}

fn guidance_lines(c: &crate::model::Category) -> Vec<String> {
    c.rubric
        .criteria
        .iter()
        .filter(|k| !k.guidance_zh.is_empty() || !k.bands.is_empty() || k.weight != 1.0)
        .map(|k| {
            let mut line = format!("{}（满分 {}）", k.name_zh, k.max_points);
            if k.weight != 1.0 {
                line.push_str(&format!(
                    "权重 {}，计入总分 {} 分。",
                    k.weight,
                    k.weight * k.max_points
                ));
            }
            if !k.guidance_zh.is_empty() {
                line.push_str(&format!("评分要点：{}", k.guidance_zh.replace('\n', " ")));
            }
            if !k.bands.is_empty() {
                let bands: Vec<String> = k
                    .bands
                    .iter()
                    .map(|b| format!("{} {}–{}", b.label, b.from, b.to))
                    .collect();
                if !k.guidance_zh.is_empty() {
                    line.push('　');
                }
                line.push_str(&format!("分档：{}", bands.join("；")));
            }
            line
        })
        .collect()
}

/// The 公示's title: the review's title and the list the body publishes
/// ("…拟命名名单公示"), by the wording the clerk set (`announcement::TitleKind`).
pub fn announcement_title(record: &Record) -> String {
    let kind = record
        .publication
        .announcement
        .as_ref()
        .map(|a| a.title_kind)
        .or_else(|| {
            crate::activity::Activity::parse(&record.review.activity)
                .ok()
                .map(crate::announcement::TitleKind::for_activity)
        })
        .unwrap_or(crate::announcement::TitleKind::Recognise);
    // "2026年大学生党员标兵拟命名名单公示": the list is the activity's, not the review's.
    let activity = record
        .review
        .title_zh
        .strip_suffix("评审")
        .unwrap_or(&record.review.title_zh);
    format!("{activity}{}公示", kind.list_zh())
}

/// 公示: who the office proposes to honour, laid out after GB/T 9704 (党政机关公文格式) as
/// far as a list allows — title centred, body paragraphs with the 公示期 and where
/// objections go, the list per category, the 落款 over its date at the bottom right —
/// in the faces the app ships. Entries by university, then name, in pinyin order
/// (`pinyin_order`); no ranks, scores or personal data. Printing it is what starts the
/// period, so only the results need to be settled (`merge::readiness`).
pub fn announcement(record: &Record, meta: &Meta) -> Result<Vec<u8>> {
    crate::readiness::require_ready(&record.results, None, "公示", "publish the announcement")?;
    let settings = record
        .publication
        .announcement
        .as_ref()
        .ok_or(crate::error::Error::AnnouncementNotSet)?;
    let persons = crate::activity::Activity::parse(&record.review.activity)
        .is_ok_and(|a| a == crate::activity::Activity::StudentExemplar);
    let kind = if persons {
        NameKind::Person
    } else {
        NameKind::Unit
    };
    let order = PinyinOrder::new();
    let mut doc = Document::new(meta);
    let font = doc.font(Style::Sans)?;
    let bold = doc.font(Style::SansBold)?;
    let footer = format!(
        "{} · 评审包 {}",
        record.review.title_zh,
        &record.package_hash[..12.min(record.package_hash.len())]
    );
    // GB/T 9704 sets the type area 156 mm wide on A4 (28 mm and 26 mm margins); one margin
    // all round of 27 mm keeps that width.
    let mut f = Flow::new(pdf::a4(false), 27.0 * MM, font, bold, footer);
    // 二号 title, 三号 body (22 pt and 16 pt).
    const BODY: f32 = 16.0;
    f.gap(8.0);
    f.paragraph(&announcement_title(record), 22.0, true, Align::Center);
    f.gap(14.0);
    for paragraph in settings.body_zh(&record.review.title_zh)? {
        f.paragraph(&paragraph, BODY, false, Align::Left);
    }
    let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    let mut heading = 0;
    for c in &record.results.categories {
        let mut winners: Vec<_> = c.nominations.iter().filter(|n| n.cut == Cut::In).collect();
        if winners.is_empty() {
            continue;
        }
        // Announced in the office's order, not by score: ranks are not published.
        winners.sort_by(|a, b| {
            order
                .compare(&a.university, &b.university, NameKind::Unit)
                .then_with(|| order.compare(&a.display_name, &b.display_name, kind))
        });
        f.gap(10.0);
        f.ensure(90.0);
        let number = numerals
            .get(heading)
            .map(|n| n.to_string())
            .unwrap_or_else(|| (heading + 1).to_string());
        heading += 1;
        f.paragraph(
            &format!("{number}、{}（{} 个）", c.name_zh, winners.len()),
            BODY,
            true,
            Align::Left,
        );
        rule_paragraph(&mut f, c, false);
        let columns = [
            Column::new("序号", 2.0, Align::Center),
            Column::new("推荐高校", 10.0, Align::Left),
            Column::new(if persons { "姓名" } else { "名称" }, 12.0, Align::Left),
        ];
        let rows: Vec<Vec<String>> = winners
            .iter()
            .enumerate()
            .map(|(i, n)| {
                vec![
                    (i + 1).to_string(),
                    n.university.clone(),
                    name_cell(record, n),
                ]
            })
            .collect();
        f.table(&columns, &rows, 12.0);
    }
    issuer_block(&mut f, settings, BODY)?;
    anchors(&mut f, record);
    f.finish(&mut doc);
    Ok(doc.finish())
}

/// The 落款 and its date at the bottom right: the date ends four characters from the
/// right edge, the issuer is centred over it (GB/T 9704 §7.3.5), or ends where the date
/// ends when it is the wider of the two.
fn issuer_block(
    f: &mut Flow,
    settings: &crate::announcement::AnnouncementSettings,
    size: f32,
) -> Result<()> {
    let date = crate::announcement::day_zh(crate::announcement::parse_day(
        &settings.issued_on,
        "落款日期",
        "the date under the issuer",
    )?);
    f.gap(2.0 * size);
    f.ensure(3.0 * size * 1.3);
    let font = f.font.clone();
    let right = f.width - f.margin - 4.0 * size;
    let date_width = font.face.width(&date, size, 0.0);
    let issuer_width = font.face.width(&settings.issuer, size, 0.0);
    let centre = right - date_width / 2.0;
    let issuer_x = (centre - issuer_width / 2.0)
        .min(right - issuer_width)
        .max(f.margin);
    let y = f.y + size;
    let page = f.page();
    page.text(&font, size, issuer_x, y, 0.0, &settings.issuer);
    page.text(&font, size, right - date_width, y + size * 1.5, 0.0, &date);
    f.y += size * 3.0;
    Ok(())
}
