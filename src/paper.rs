//! The paper fallback (纸质评分表): when an expert cannot score on a laptop, the clerk
//! prints a pre-filled sheet for them (`sheets`, drawn by `report::paper_sheet`), and two
//! staff key the filled sheet in independently (`key`). Each entry is held to the rubric
//! exactly as a bundle's marks are (`package::items::check`); the second entry is compared
//! with the first, cell by cell, and nothing is recorded while they differ. Once they
//! agree the marks are recorded as 代录 (proxy entry), naming both staff and the sheet, in
//! one transaction with the audit entry.
//!
//! Precedence: a signed bundle from the expert for the same package always wins. Paper
//! marks count only while no bundle of that expert counts for that package; keying is
//! refused once one does, and a bundle received after the paper marks replaces them
//! (`merge::collect` names the sheet in its audit entry). Paper marks are not signed by
//! the expert: `merge::rederive` re-derives them from the two stored entries and the
//! audit log and lists them apart from the bundles (docs/review-file.md).

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use crate::audit;
use crate::error::{Error, Result};
use crate::model::marks::{self, Grade, Recusal, RecusalReason, ScoreItem, Vote};
use crate::model::{Category, Expert, ScoringMode};
use crate::package::PanelPackage;
use crate::store;

/// The sheet id printed on an expert's paper sheet: derived from the package hash and the
/// expert's id, so an entry names the sheet it was keyed from (`PS-1A2B-3C4D`).
pub fn sheet_id(package_hash: &str, expert_id: i64) -> String {
    let digest = crate::keys::sha256_hex(
        format!("paneldesk.paper-sheet\n{package_hash}\n{expert_id}").as_bytes(),
    );
    let h = digest[..8].to_ascii_uppercase();
    format!("PS-{}-{}", &h[..4], &h[4..])
}

/// One candidate's row on a sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SheetRow {
    /// Short code printed on the row and typed when keying (`A01`).
    pub code: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nomination_id: i64,
    pub display_name: String,
    pub university: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SheetSection {
    pub category: Category,
    pub rows: Vec<SheetRow>,
}

/// An expert's paper 评分表 for one package. (`PaperSheet` in TypeScript: the certificate
/// layout is `Sheet` there.)
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PaperSheet"))]
pub struct Sheet {
    pub sheet_id: String,
    pub package_hash: String,
    pub review_title_zh: String,
    /// The panel's name; empty when one panel scores the whole review.
    pub panel_name: String,
    pub expert: Expert,
    /// Shortest comment accepted per candidate; 0 for none.
    pub min_comment_chars: u32,
    pub sections: Vec<SheetSection>,
    /// Nominations of the expert's own institution: recused automatically, not printed.
    #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
    pub auto_recused: Vec<i64>,
}

fn section_letters(index: usize) -> String {
    let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if index < 26 {
        (letters[index] as char).to_string()
    } else {
        format!(
            "{}{}",
            letters[(index / 26 - 1) % 26] as char,
            letters[index % 26] as char
        )
    }
}

fn own_institution(expert: &Expert, university: &str) -> bool {
    let own = expert.institution.trim();
    !own.is_empty() && university.trim() == own
}

/// The sheet of `expert` for `package` (hash `hash`).
pub fn sheet_for(hash: &str, package: &PanelPackage, expert: &Expert) -> Sheet {
    let mut sections = Vec::new();
    let mut auto_recused = Vec::new();
    for c in &package.categories {
        let nominations: Vec<_> = package
            .nominations
            .iter()
            .filter(|n| n.category_key == c.key)
            .collect();
        let letter = section_letters(sections.len());
        let width = nominations.len().to_string().len().max(2);
        let mut rows = Vec::new();
        for n in nominations {
            if own_institution(expert, &n.university) {
                auto_recused.push(n.id);
                continue;
            }
            rows.push(SheetRow {
                code: format!("{letter}{:0width$}", rows.len() + 1),
                nomination_id: n.id,
                display_name: n.display_name.clone(),
                university: n.university.clone(),
            });
        }
        if !rows.is_empty() {
            sections.push(SheetSection {
                category: c.clone(),
                rows,
            });
        }
    }
    Sheet {
        sheet_id: sheet_id(hash, expert.id),
        package_hash: hash.to_string(),
        review_title_zh: package.review.title_zh.clone(),
        panel_name: package.panel.name.clone(),
        expert: expert.clone(),
        min_comment_chars: package.min_comment_chars,
        sections,
        auto_recused,
    }
}

fn sheets_with_packages(conn: &Connection, expert_id: i64) -> Result<Vec<(Sheet, PanelPackage)>> {
    let mut out = Vec::new();
    for (hash, package) in crate::package::panels::current(conn)? {
        if let Some(expert) = package.experts.iter().find(|e| e.id == expert_id).cloned() {
            out.push((sheet_for(&hash, &package, &expert), package));
        }
    }
    if out.is_empty() {
        return Err(Error::BadInput {
            zh: format!("编号为 {expert_id} 的专家不在任何现行评审包的专家名单中（请先生成评审包）"),
            en: format!("Expert {expert_id} is on no current panel package's roster (build the package first)"),
        });
    }
    Ok(out)
}

/// The expert's paper sheets: one per current package whose roster holds them.
pub fn sheets(review_path: &Path, expert_id: i64) -> Result<Vec<Sheet>> {
    let conn = store::open(review_path)?;
    Ok(sheets_with_packages(&conn, expert_id)?
        .into_iter()
        .map(|(s, _)| s)
        .collect())
}

/// Splits `line` at `,` `，` or tab into at most `max` fields; the last keeps the rest.
fn split_fields(line: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while out.len() + 1 < max {
        match rest.find([',', '，', '\t']) {
            Some(at) => {
                out.push(rest[..at].trim().to_string());
                let sep = rest[at..].chars().next().map_or(1, char::len_utf8);
                rest = &rest[at + sep..];
            }
            None => break,
        }
    }
    out.push(rest.trim().to_string());
    out
}

fn fold_number(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' | '。' => '.',
            _ => c,
        })
        .collect()
}

fn vote_of(text: &str) -> Option<Vote> {
    match text.trim().to_lowercase().as_str() {
        "同意" | "agree" => Some(Vote::Agree),
        "不同意" | "disagree" => Some(Vote::Disagree),
        "弃权" | "abstain" => Some(Vote::Abstain),
        _ => None,
    }
}

/// A grade as keyed: a name or key on the category's list.
fn grade_of(category: &Category, text: &str) -> Option<Grade> {
    category
        .grades
        .find_typed(text)
        .map(|g| Grade(g.key.clone()))
}

fn reason_of(text: &str) -> Option<RecusalReason> {
    match text.trim().to_lowercase().as_str() {
        "" | "其他" | "other" => Some(RecusalReason::Other),
        "亲属" | "relative" => Some(RecusalReason::Relative),
        "师生" | "teacher_student" => Some(RecusalReason::TeacherStudent),
        "同单位" | "same_institution" => Some(RecusalReason::SameInstitution),
        _ => None,
    }
}

fn vote_zh(v: Vote) -> &'static str {
    match v {
        Vote::Agree => "同意",
        Vote::Disagree => "不同意",
        Vote::Abstain => "弃权",
    }
}

/// Reads one keyed entry of `sheet` (the format in docs/formats.md, "Keyed paper
/// sheets"): a line per row code, every row once. Every value is checked as it is read,
/// naming the line; the whole answer then goes through `package::items::check`.
pub fn parse_entry(
    sheet: &Sheet,
    package: &PanelPackage,
    text: &str,
    source: &str,
) -> Result<Vec<ScoreItem>> {
    let keying = SheetKeying {
        sheet,
        package,
        source,
        rows: sheet
            .sections
            .iter()
            .flat_map(|s| {
                s.rows
                    .iter()
                    .map(move |r| (r.code.as_str(), (r, &s.category)))
            })
            .collect(),
    };
    let mut found: BTreeMap<i64, ScoreItem> = BTreeMap::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, raw) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        if let Some(item) = keying.line(i + 1, raw.trim(), &mut seen)? {
            found.insert(item.nomination_id, item);
        }
    }
    keying.all_rows_keyed(&found)?;
    let items = keying.in_package_order(found);
    check_items(package, sheet.expert.id, &items, Path::new(source))?;
    Ok(items)
}

/// One staff member's keying of one sheet: what each line is read against.
struct SheetKeying<'a> {
    sheet: &'a Sheet,
    package: &'a PanelPackage,
    source: &'a str,
    /// The sheet's rows by code, with their category.
    rows: BTreeMap<&'a str, (&'a SheetRow, &'a Category)>,
}

impl SheetKeying<'_> {
    fn bad(&self, line: usize, zh: String, en: String) -> Error {
        Error::BadInput {
            zh: format!("{} 第 {line} 行：{zh}", self.source),
            en: format!("{} line {line}: {en}", self.source),
        }
    }

    /// One line: `None` for a blank line, a comment, the heading or an unfilled row code;
    /// else the item it keys (marks, a vote, a grade or a recusal, and the comment).
    fn line(
        &self,
        line: usize,
        trimmed: &str,
        seen: &mut BTreeMap<String, usize>,
    ) -> Result<Option<ScoreItem>> {
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return Ok(None);
        }
        let head = split_fields(trimmed, 2);
        let code = head[0].to_uppercase();
        let rest = head.get(1).cloned().unwrap_or_default();
        let blank = rest.chars().all(|c| matches!(c, ',' | '，' | '\t' | ' '));
        if (code.is_empty() && blank) || matches!(code.as_str(), "代码" | "CODE") {
            return Ok(None);
        }
        let Some(&(row, category)) = self.rows.get(code.as_str()) else {
            let id = &self.sheet.sheet_id;
            return Err(self.bad(
                line,
                format!("评分表 {id} 上没有行代码“{}”", head[0]),
                format!("sheet {id} has no row code “{}”", head[0]),
            ));
        };
        if let Some(earlier) = seen.insert(code.clone(), line) {
            return Err(self.bad(
                line,
                format!("行代码 {code} 已在第 {earlier} 行录入过"),
                format!("row code {code} was already keyed on line {earlier}"),
            ));
        }
        let first = split_fields(&rest, 2)[0].clone();
        if first == "回避" || first.eq_ignore_ascii_case("recuse") {
            return self.recusal(line, &code, row, &rest).map(Some);
        }
        self.marks(line, &code, row, category, &rest).map(Some)
    }

    /// `回避,原因,说明`: a recusal the expert declared on paper.
    fn recusal(&self, line: usize, code: &str, row: &SheetRow, rest: &str) -> Result<ScoreItem> {
        let f = split_fields(rest, 3);
        let reason_text = f.get(1).cloned().unwrap_or_default();
        let reason = reason_of(&reason_text).ok_or_else(|| {
            self.bad(
                line,
                format!("{code}：回避原因“{reason_text}”应为 亲属、师生、同单位 或 其他"),
                format!("{code}: recusal reason “{reason_text}” is 亲属, 师生, 同单位 or 其他"),
            )
        })?;
        Ok(ScoreItem {
            nomination_id: row.nomination_id,
            recusal: Some(Recusal {
                reason,
                note: f.get(2).cloned().unwrap_or_default(),
                automatic: false,
            }),
            ..ScoreItem::default()
        })
    }

    /// The row's marks by its category's mode, then its comment.
    fn marks(
        &self,
        line: usize,
        code: &str,
        row: &SheetRow,
        category: &Category,
        rest: &str,
    ) -> Result<ScoreItem> {
        let mut item = ScoreItem {
            nomination_id: row.nomination_id,
            ..ScoreItem::default()
        };
        let values = match category.scoring_mode {
            ScoringMode::Criteria => category.rubric.criteria.len(),
            ScoringMode::Vote | ScoringMode::Grade => 1,
        };
        let f = split_fields(rest, values + 1);
        let name = &row.display_name;
        let missing = |what: &str, what_en: &str| {
            self.bad(
                line,
                format!("{code}（{name}）的“{what}”未填写"),
                format!("{code} ({name}): “{what_en}” is empty"),
            )
        };
        let first = f.first().cloned().unwrap_or_default();
        match category.scoring_mode {
            ScoringMode::Criteria => {
                for (k, criterion) in category.rubric.criteria.iter().enumerate() {
                    let text = f.get(k).map(|s| fold_number(s)).unwrap_or_default();
                    if text.is_empty() {
                        return Err(missing(&criterion.name_zh, &criterion.name_en));
                    }
                    let points = self.points(line, code, name, criterion, &text)?;
                    item.criteria.insert(criterion.key.clone(), points);
                }
            }
            ScoringMode::Vote if first.is_empty() => return Err(missing("表决", "vote")),
            ScoringMode::Vote => {
                item.vote = Some(vote_of(&first).ok_or_else(|| {
                    self.bad(
                        line,
                        format!("{code}：表决应为 同意、不同意 或 弃权，而不是“{first}”"),
                        format!("{code}: a vote is 同意, 不同意 or 弃权, not “{first}”"),
                    )
                })?);
            }
            ScoringMode::Grade if first.is_empty() => return Err(missing("等级", "grade")),
            ScoringMode::Grade => {
                item.grade = Some(grade_of(category, &first).ok_or_else(|| {
                    let names = category.grades.names_zh();
                    self.bad(
                        line,
                        format!("{code}：等级应为 {}，而不是“{first}”", names.join("、")),
                        format!("{code}: a grade is {}, not “{first}”", names.join(", ")),
                    )
                })?);
            }
        }
        item.comment = f.get(values).cloned().unwrap_or_default();
        let min = self.package.min_comment_chars as usize;
        if min > 0 && item.comment.chars().count() < min {
            return Err(self.bad(
                line,
                format!("{code}：评语不少于 {min} 字"),
                format!("{code}: the comment needs at least {min} characters"),
            ));
        }
        if category.scoring_mode == ScoringMode::Criteria {
            item.entered = Some(marks::entered_total(&item, category));
        }
        Ok(item)
    }

    /// A criterion's points as keyed: a number the rubric allows.
    fn points(
        &self,
        line: usize,
        code: &str,
        name: &str,
        criterion: &crate::model::Criterion,
        text: &str,
    ) -> Result<f64> {
        let points: f64 = text
            .parse()
            .ok()
            .filter(|p: &f64| p.is_finite())
            .ok_or_else(|| {
                self.bad(
                    line,
                    format!("{code}（{name}）的“{}”不是数字：{text}", criterion.name_zh),
                    format!(
                        "{code} ({name}): “{}” is not a number: {text}",
                        criterion.name_en
                    ),
                )
            })?;
        marks::check_points(criterion, points).map_err(|e| {
            self.bad(
                line,
                format!("{code}（{name}）：{}", e.message_zh()),
                format!("{code} ({name}): {e}"),
            )
        })?;
        Ok(points)
    }

    /// Every row of the sheet keyed: a sheet is recorded whole or not at all.
    fn all_rows_keyed(&self, found: &BTreeMap<i64, ScoreItem>) -> Result<()> {
        let missing: Vec<&str> = self
            .rows
            .iter()
            .filter(|(_, (r, _))| !found.contains_key(&r.nomination_id))
            .map(|(code, _)| *code)
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let list = missing
            .iter()
            .take(12)
            .copied()
            .collect::<Vec<_>>()
            .join("、");
        let more = if missing.len() > 12 { " …" } else { "" };
        let (source, id, count) = (self.source, &self.sheet.sheet_id, missing.len());
        Err(Error::BadInput {
            zh: format!("{source}：评分表 {id} 还有 {count} 行未录入：{list}{more}"),
            en: format!("{source}: {count} rows of sheet {id} are not keyed: {list}{more}"),
        })
    }

    /// The items in package order, with the automatic recusals as the expert's laptop
    /// would make them.
    fn in_package_order(&self, mut found: BTreeMap<i64, ScoreItem>) -> Vec<ScoreItem> {
        let mut items = Vec::with_capacity(self.package.nominations.len());
        for n in &self.package.nominations {
            if let Some(item) = found.remove(&n.id) {
                items.push(item);
            } else if self.sheet.auto_recused.contains(&n.id) {
                items.push(ScoreItem {
                    nomination_id: n.id,
                    recusal: Some(Recusal {
                        reason: RecusalReason::SameInstitution,
                        note: String::new(),
                        automatic: true,
                    }),
                    ..ScoreItem::default()
                });
            }
        }
        items
    }
}

/// `package::items::check` on a whole answer: the same rules as a bundle's marks.
fn check_items(
    package: &PanelPackage,
    expert_id: i64,
    items: &[ScoreItem],
    file: &Path,
) -> Result<()> {
    let recused = items.iter().filter(|i| i.recusal.is_some()).count();
    crate::package::items::check(
        package,
        expert_id,
        (items.len() - recused) as u32,
        recused as u32,
        items,
    )
    .map_err(|refusal| Error::Refused {
        path: file.to_path_buf(),
        refusal,
    })
}

/// One cell the two entries disagree on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Mismatch {
    /// Row code on the sheet.
    pub code: String,
    pub candidate: String,
    /// The criterion's name, or 表决 / 等级 / 回避 / 评语.
    pub field: String,
    /// As entry 1 and entry 2 have it; empty when not filled.
    pub first: String,
    pub second: String,
}

fn recusal_text(r: &Option<Recusal>) -> String {
    r.as_ref()
        .map(|r| {
            if r.note.is_empty() {
                format!("回避（{}）", r.reason.name_zh())
            } else {
                format!("回避（{}）{}", r.reason.name_zh(), r.note)
            }
        })
        .unwrap_or_default()
}

/// Every cell where `a` and `b` differ, in sheet order.
pub fn compare(sheet: &Sheet, a: &[ScoreItem], b: &[ScoreItem]) -> Vec<Mismatch> {
    let by = |items: &[ScoreItem]| -> BTreeMap<i64, ScoreItem> {
        items.iter().map(|i| (i.nomination_id, i.clone())).collect()
    };
    let (a, b) = (by(a), by(b));
    let empty = ScoreItem::default();
    let mut out = Vec::new();
    for s in &sheet.sections {
        for row in &s.rows {
            let (x, y) = (
                a.get(&row.nomination_id).unwrap_or(&empty),
                b.get(&row.nomination_id).unwrap_or(&empty),
            );
            let mut push = |field: &str, first: String, second: String| {
                if first != second {
                    out.push(Mismatch {
                        code: row.code.clone(),
                        candidate: row.display_name.clone(),
                        field: field.to_string(),
                        first,
                        second,
                    });
                }
            };
            push("回避", recusal_text(&x.recusal), recusal_text(&y.recusal));
            for c in &s.category.rubric.criteria {
                let cell = |i: &ScoreItem| {
                    i.criteria
                        .get(&c.key)
                        .map(|p| format!("{p}"))
                        .unwrap_or_default()
                };
                push(&c.name_zh, cell(x), cell(y));
            }
            let vote = |i: &ScoreItem| i.vote.map(vote_zh).unwrap_or_default().to_string();
            push("表决", vote(x), vote(y));
            let grade = |i: &ScoreItem| {
                i.grade
                    .as_ref()
                    .map(|g| s.category.grades.name_zh(g.key()).to_string())
                    .unwrap_or_default()
            };
            push("等级", grade(x), grade(y));
            push("评语", x.comment.clone(), y.comment.clone());
        }
    }
    out
}

/// One keyed entry of a paper sheet.
#[derive(Debug, Clone)]
pub struct Keying {
    pub expert_id: i64,
    /// As printed on the sheet.
    pub sheet_id: String,
    /// The staff member keying it.
    pub by: String,
    /// The keyed marks (docs/formats.md, "Keyed paper sheets").
    pub marks: String,
    /// Names the marks in messages (the file they came from).
    pub source: String,
}

/// What keying an entry did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Keyed {
    /// Kept; the other entry has not been keyed yet.
    Waiting {
        sheet_id: String,
        keyed_by: Vec<String>,
    },
    /// Both entries are keyed and differ: nothing is recorded; either keyer keys again.
    Mismatch {
        sheet_id: String,
        first_by: String,
        second_by: String,
        mismatches: Vec<Mismatch>,
    },
    /// Both entries agree: recorded as 代录.
    Recorded {
        sheet_id: String,
        first_by: String,
        second_by: String,
        scored: u32,
        recused: u32,
    },
}

fn normalise_name(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn counted_bundle(conn: &Connection, hash: &str, expert_id: i64) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT sequence FROM expert_marks WHERE package_hash = ?1 AND expert_id = ?2",
            params![hash, expert_id],
            |r| r.get(0),
        )
        .optional()?)
}

fn parse_items(json: &str) -> Result<Vec<ScoreItem>> {
    serde_json::from_str(json).map_err(|e| Error::Corrupt(format!("paper entry: {e}")))
}

/// Keys one entry of an expert's paper sheet (see the module notes). An entry by a name
/// that already keyed this sheet replaces that person's entry; a third name is refused.
pub fn key(review_path: &Path, keying: &Keying, at: &str, actor: &str) -> Result<Keyed> {
    let by = keyer(keying)?;
    let wanted = keying.sheet_id.trim().to_uppercase();
    let mut conn = store::open(review_path)?;
    let tx = conn.transaction()?;
    let (sheet, package, on) = sheet_being_keyed(&tx, keying, wanted)?;
    refuse_if_already_counted(&tx, &on)?;
    let items = parse_entry(&sheet, &package, &keying.marks, &keying.source)?;
    let items_json = serde_json::to_string(&items).map_err(|e| Error::Corrupt(e.to_string()))?;
    let entries = entries_so_far(&tx, &on)?;
    let position = entry_position(&entries, &by, &on.sheet_id)?;
    let mine = Entry {
        position,
        by,
        items_json,
    };
    store_entry(&tx, &on, &mine, &keying.source, at, actor)?;
    let Some(other) = entries.into_iter().find(|e| e.position != position) else {
        tx.commit()?;
        return Ok(Keyed::Waiting {
            sheet_id: on.sheet_id,
            keyed_by: vec![mine.by],
        });
    };
    let other_items = parse_items(&other.items_json)?;
    // Compared and recorded in the order keyed, whoever keyed last.
    let (first, second, first_items, second_items) = if position == 1 {
        (mine, other, items, other_items)
    } else {
        (other, mine, other_items, items)
    };
    let mismatches = compare(&sheet, &first_items, &second_items);
    if !mismatches.is_empty() || first.items_json != second.items_json {
        tx.commit()?;
        return Ok(Keyed::Mismatch {
            sheet_id: on.sheet_id,
            first_by: first.by,
            second_by: second.by,
            mismatches,
        });
    }
    let (scored, recused) = record_agreed(&tx, &on, &first, &second, &first_items, at, actor)?;
    tx.commit()?;
    Ok(Keyed::Recorded {
        sheet_id: on.sheet_id,
        first_by: first.by,
        second_by: second.by,
        scored,
        recused,
    })
}

/// The sheet an entry is keyed for, and whose it is.
struct SheetBeingKeyed {
    package_hash: String,
    expert_id: i64,
    expert: String,
    sheet_id: String,
}

/// One person's keying of a sheet, as kept until the other's arrives.
struct Entry {
    /// 1 or 2: which of the two entries this is.
    position: i64,
    by: String,
    items_json: String,
}

/// Who keys: two different people must, so a name is required, compared with its spaces
/// evened out so "张 三" and "张  三" are one person.
fn keyer(keying: &Keying) -> Result<String> {
    let by = normalise_name(&keying.by);
    if by.is_empty() {
        return Err(Error::BadInput {
            zh: "请写明录入人姓名：两次录入须由两名不同的工作人员完成".into(),
            en: "Name who keys the entry: the two entries are keyed by two different people".into(),
        });
    }
    Ok(by)
}

/// The expert's sheet for a current package whose id is printed on the paper; an id from
/// a replaced package or another expert's sheet is refused, so marks never land on the
/// wrong sheet.
fn sheet_being_keyed(
    conn: &Connection,
    keying: &Keying,
    wanted: String,
) -> Result<(Sheet, PanelPackage, SheetBeingKeyed)> {
    let candidates = sheets_with_packages(conn, keying.expert_id)?;
    let name = candidates[0].0.expert.name.clone();
    let Some((sheet, package)) = candidates.into_iter().find(|(s, _)| s.sheet_id == wanted) else {
        return Err(Error::BadInput {
            zh: format!("纸质评分表编号“{}”不是专家“{name}”现行评审包的评分表：请核对表头印的编号", keying.sheet_id.trim()),
            en: format!("Sheet “{}” is not a sheet of expert {name} for a current package: check the id printed on the sheet", keying.sheet_id.trim()),
        });
    };
    let on = SheetBeingKeyed {
        package_hash: sheet.package_hash.clone(),
        expert_id: keying.expert_id,
        expert: name,
        sheet_id: wanted,
    };
    Ok((sheet, package, on))
}

/// The expert's own signed bundle always wins over paper, and a sheet recorded once
/// stays as recorded: either refuses the entry.
fn refuse_if_already_counted(conn: &Connection, on: &SheetBeingKeyed) -> Result<()> {
    let (hash, expert_id, name, wanted) =
        (&on.package_hash, on.expert_id, &on.expert, &on.sheet_id);
    if let Some(sequence) = counted_bundle(conn, hash, expert_id)? {
        return Err(Error::BadInput {
            zh: format!("专家“{name}”已提交签名的电子评分结果（第 {sequence} 版），以其为准：纸质评分表不再录入"),
            en: format!("Expert {name}'s signed result bundle (sequence {sequence}) counts: the paper sheet is not keyed"),
        });
    }
    let recorded: Option<(String, String)> = conn
        .query_row(
            "SELECT first_by, second_by FROM paper_marks WHERE package_hash = ?1 AND expert_id = ?2",
            params![hash, expert_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((a, b)) = recorded {
        return Err(Error::BadInput {
            zh: format!("评分表 {wanted} 已由 {a}、{b} 两次录入一致并记录，不能再录入"),
            en: format!("Sheet {wanted} was keyed by {a} and {b}, agreed and recorded: it cannot be keyed again"),
        });
    }
    Ok(())
}

fn entries_so_far(conn: &Connection, on: &SheetBeingKeyed) -> Result<Vec<Entry>> {
    Ok(conn
        .prepare("SELECT position, keyed_by, items_json FROM paper_entry WHERE package_hash = ?1 AND expert_id = ?2 ORDER BY position")?
        .query_map(params![on.package_hash, on.expert_id], |r| {
            Ok(Entry {
                position: r.get(0)?,
                by: r.get(1)?,
                items_json: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// A keyer keying again replaces their own entry; a third person is refused, since two
/// entries that differ are settled by one of those two checking the paper again.
fn entry_position(entries: &[Entry], by: &str, wanted: &str) -> Result<i64> {
    Ok(match entries.iter().find(|e| e.by == by) {
        Some(e) => e.position,
        None if entries.len() >= 2 => {
            return Err(Error::BadInput {
                zh: format!(
                    "评分表 {wanted} 已由 {}、{} 两人录入：请由其中一人核对后重新录入",
                    entries[0].by, entries[1].by
                ),
                en: format!(
                    "Sheet {wanted} has entries by {} and {}: one of them keys theirs again",
                    entries[0].by, entries[1].by
                ),
            })
        }
        None => {
            if entries.iter().any(|e| e.position == 1) {
                2
            } else {
                1
            }
        }
    })
}

/// Keeps the entry (audited with the hash of what was keyed) until the other arrives.
fn store_entry(
    tx: &Transaction,
    on: &SheetBeingKeyed,
    entry: &Entry,
    source: &str,
    at: &str,
    actor: &str,
) -> Result<()> {
    let (hash, expert_id, wanted) = (&on.package_hash, on.expert_id, &on.sheet_id);
    let (by, position, items_json) = (&entry.by, entry.position, &entry.items_json);
    tx.execute(
        "INSERT INTO paper_entry (package_hash, expert_id, sheet_id, keyed_by, position, items_json, keyed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (package_hash, expert_id, position) DO UPDATE SET
             keyed_by = ?4, items_json = ?6, keyed_at = ?7",
        params![hash, expert_id, wanted, by, position, items_json, at],
    )?;
    audit::append(
        tx,
        at,
        actor,
        "paper.entry_keyed",
        &serde_json::json!({
            "expert_id": expert_id, "expert": on.expert, "sheet_id": wanted, "package_hash": hash,
            "keyed_by": by, "entry": position, "source": source,
            "items_sha256": crate::keys::sha256_hex(items_json.as_bytes()),
        }),
    )?;
    Ok(())
}

/// Two entries agree: the marks are recorded as 代录, keeping both entries' text, and the
/// entries themselves are cleared. Answers how many were scored and how many recused.
fn record_agreed(
    tx: &Transaction,
    on: &SheetBeingKeyed,
    first: &Entry,
    second: &Entry,
    items: &[ScoreItem],
    at: &str,
    actor: &str,
) -> Result<(u32, u32)> {
    let (hash, expert_id, wanted) = (&on.package_hash, on.expert_id, &on.sheet_id);
    let (first_by, second_by) = (&first.by, &second.by);
    let (first_json, second_json) = (&first.items_json, &second.items_json);
    let recused = items.iter().filter(|i| i.recusal.is_some()).count() as u32;
    let scored = items.len() as u32 - recused;
    tx.execute(
        "INSERT INTO paper_marks (package_hash, expert_id, sheet_id, first_by, second_by, first_json, second_json, items_json, items, recused, recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8, ?9, ?10, ?11)",
        params![hash, expert_id, wanted, first_by, second_by, first_json, second_json, items.len() as i64, recused, at, actor],
    )?;
    tx.execute(
        "DELETE FROM paper_entry WHERE package_hash = ?1 AND expert_id = ?2",
        params![hash, expert_id],
    )?;
    audit::append(
        tx,
        at,
        actor,
        "paper.recorded",
        &serde_json::json!({
            "expert_id": expert_id, "expert": on.expert, "sheet_id": wanted, "package_hash": hash,
            "first_by": first_by, "second_by": second_by, "scored": scored, "recused": recused,
            "items_sha256": crate::keys::sha256_hex(first_json.as_bytes()),
        }),
    )?;
    Ok((scored, recused))
}

/// `key` for an entry read from `file`.
pub fn key_file(
    review_path: &Path,
    expert_id: i64,
    sheet: &str,
    by: &str,
    file: &Path,
    at: &str,
    actor: &str,
) -> Result<Keyed> {
    let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
    if bytes.len() > 8 << 20 {
        return Err(Error::BadInput {
            zh: format!("{}：文件过大，不是录入的评分表", file.display()),
            en: format!("{}: too large to be a keyed sheet", file.display()),
        });
    }
    let marks = String::from_utf8(bytes).map_err(|_| Error::BadInput {
        zh: format!(
            "{}：不是 UTF-8 文本（请另存为 UTF-8 编码的 CSV）",
            file.display()
        ),
        en: format!("{}: not UTF-8 text (save it as UTF-8 CSV)", file.display()),
    })?;
    key(
        review_path,
        &Keying {
            expert_id,
            sheet_id: sheet.to_string(),
            by: by.to_string(),
            marks,
            source: file.display().to_string(),
        },
        at,
        actor,
    )
}

/// Where one expert's paper sheet stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaperStatus {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub expert_id: i64,
    pub expert_name: String,
    /// The panel's name; empty when one panel scores the whole review.
    pub panel: String,
    pub sheet_id: String,
    pub package_hash: String,
    /// A signed bundle from the expert counts for this package.
    pub bundle_counts: bool,
    /// Entries keyed and not yet agreed, entry 1 first.
    pub keyed_by: Vec<String>,
    /// The two staff whose agreeing entries were recorded; empty until then.
    pub recorded_by: Vec<String>,
    pub recorded_at: Option<String>,
    /// The recorded paper marks count in the results (as 代录).
    pub counted: bool,
    /// Recorded, but a bundle from the expert arrived since and counts instead.
    pub superseded_by_bundle: bool,
}

/// Every expert of every current package, with their sheet's state.
pub fn status(review_path: &Path) -> Result<Vec<PaperStatus>> {
    let conn = store::open(review_path)?;
    let mut out = Vec::new();
    for (hash, package) in crate::package::panels::current(&conn)? {
        for e in &package.experts {
            let bundle_counts = counted_bundle(&conn, &hash, e.id)?.is_some();
            let keyed_by: Vec<String> = conn
                .prepare_cached("SELECT keyed_by FROM paper_entry WHERE package_hash = ?1 AND expert_id = ?2 ORDER BY position")?
                .query_map(params![hash, e.id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let recorded: Option<(String, String, String)> = conn
                .query_row(
                    "SELECT first_by, second_by, recorded_at FROM paper_marks WHERE package_hash = ?1 AND expert_id = ?2",
                    params![hash, e.id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            out.push(PaperStatus {
                expert_id: e.id,
                expert_name: e.name.clone(),
                panel: package.panel.name.clone(),
                sheet_id: sheet_id(&hash, e.id),
                package_hash: hash.clone(),
                bundle_counts,
                keyed_by,
                counted: recorded.is_some() && !bundle_counts,
                superseded_by_bundle: recorded.is_some() && bundle_counts,
                recorded_by: recorded
                    .as_ref()
                    .map(|(a, b, _)| vec![a.clone(), b.clone()])
                    .unwrap_or_default(),
                recorded_at: recorded.map(|(_, _, at)| at),
            });
        }
    }
    Ok(out)
}

/// The paper marks that count for package `hash`: recorded, and no bundle from the same
/// expert counts for it. (expert id, items JSON), as `expert_marks` rows are read.
pub(crate) fn counted(conn: &Connection, hash: &str) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.expert_id, p.items_json FROM paper_marks p
         WHERE p.package_hash = ?1 AND NOT EXISTS
             (SELECT 1 FROM expert_marks m WHERE m.package_hash = p.package_hash AND m.expert_id = p.expert_id)
         ORDER BY p.expert_id",
    )?;
    let rows = stmt
        .query_map([hash], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The sheet whose recorded marks a bundle for (`hash`, `expert_id`) replaces, if any.
pub(crate) fn recorded_sheet(
    conn: &Connection,
    hash: &str,
    expert_id: i64,
) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT sheet_id FROM paper_marks WHERE package_hash = ?1 AND expert_id = ?2",
            params![hash, expert_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// One way the review's stored marks and its kept bundles disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Difference {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub expert_id: i64,
    pub package_hash: String,
    /// `marks_differ`, `marks_without_bundle`, `bundle_altered`, `bundle_not_kept`,
    /// `key_never_registered`, `not_this_clerk` (the scores are sealed to another
    /// laptop's clerk key: re-derive on the clerk's laptop).
    pub kind: String,
    pub detail: String,
}

/// One recorded paper sheet checked again (see `merge::rederive`): the sheet id is the one
/// derived for its package and expert, both entries and the stored marks say the same,
/// the audit log recorded these marks by these two people, and the marks pass the
/// package's rubric. Returns how many were checked and each difference.
pub(crate) fn rederive(conn: &Connection) -> Result<(u64, Vec<Difference>)> {
    let sheets = recorded_sheets(conn)?;
    let logged = if sheets.is_empty() {
        BTreeMap::new()
    } else {
        recorded_in_log(conn)?
    };
    let mut out = Vec::new();
    for sheet in &sheets {
        for (kind, detail) in sheet.differences(conn, &logged)? {
            out.push(Difference {
                expert_id: sheet.expert,
                package_hash: sheet.hash.clone(),
                kind: kind.to_string(),
                detail,
            });
        }
    }
    Ok((sheets.len() as u64, out))
}

/// A `paper_marks` row: the marks recorded for one expert's sheet, and both entries.
struct RecordedSheet {
    hash: String,
    expert: i64,
    sheet: String,
    first_by: String,
    second_by: String,
    first: String,
    second: String,
    items: String,
}

fn recorded_sheets(conn: &Connection) -> Result<Vec<RecordedSheet>> {
    let rows = conn
        .prepare(
            "SELECT package_hash, expert_id, sheet_id, first_by, second_by, first_json, second_json, items_json
             FROM paper_marks ORDER BY package_hash, expert_id",
        )?
        .query_map([], |r| {
            Ok(RecordedSheet {
                hash: r.get(0)?,
                expert: r.get(1)?,
                sheet: r.get(2)?,
                first_by: r.get(3)?,
                second_by: r.get(4)?,
                first: r.get(5)?,
                second: r.get(6)?,
                items: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The detail of each `paper.recorded` audit entry, by (package hash, expert id).
fn recorded_in_log(conn: &Connection) -> Result<BTreeMap<(String, i64), serde_json::Value>> {
    let mut recorded = BTreeMap::new();
    for e in audit::entries(conn)? {
        if e.action != "paper.recorded" {
            continue;
        }
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&e.detail) {
            let key = (
                v["package_hash"].as_str().unwrap_or_default().to_string(),
                v["expert_id"].as_i64().unwrap_or_default(),
            );
            recorded.insert(key, v);
        }
    }
    Ok(recorded)
}

impl RecordedSheet {
    /// What is wrong with this sheet's record, as (kind, detail). Entries that disagree
    /// are the only difference told: nothing else about such marks can be trusted.
    fn differences(
        &self,
        conn: &Connection,
        logged: &BTreeMap<(String, i64), serde_json::Value>,
    ) -> Result<Vec<(&'static str, String)>> {
        let sheet = &self.sheet;
        let mut found = Vec::new();
        if *sheet != sheet_id(&self.hash, self.expert) {
            found.push((
                "paper_sheet_mismatch",
                format!("paper marks name sheet {sheet}, not this expert's sheet for the package"),
            ));
        }
        if !self.entries_agree() {
            found.push((
                "paper_marks_differ",
                format!(
                    "the stored paper marks of sheet {sheet} are not what both entries ({}, {}) say",
                    self.first_by, self.second_by
                ),
            ));
            return Ok(found);
        }
        if !self.as_logged(logged.get(&(self.hash.clone(), self.expert))) {
            found.push((
                "paper_not_as_audited",
                format!("the paper marks of sheet {sheet} are not the ones the audit log recorded"),
            ));
        }
        if let Some(e) = self.rubric_refusal(conn)? {
            found.push((
                "paper_marks_invalid",
                format!("sheet {sheet}: {}", e.message_en()),
            ));
        }
        Ok(found)
    }

    /// Two people keyed the same marks, and the stored marks are theirs.
    fn entries_agree(&self) -> bool {
        let value = |s: &str| {
            serde_json::from_str::<serde_json::Value>(s).unwrap_or(serde_json::Value::Null)
        };
        let (a, b, stored) = (value(&self.first), value(&self.second), value(&self.items));
        a == b && stored == a && !a.is_null() && self.first_by != self.second_by
    }

    /// The audit log's `paper.recorded` entry names these marks, keyers and sheet.
    fn as_logged(&self, logged: Option<&serde_json::Value>) -> bool {
        logged.is_some_and(|v| {
            v["items_sha256"].as_str()
                == Some(crate::keys::sha256_hex(self.first.as_bytes()).as_str())
                && v["first_by"].as_str() == Some(self.first_by.as_str())
                && v["second_by"].as_str() == Some(self.second_by.as_str())
                && v["sheet_id"].as_str() == Some(self.sheet.as_str())
        })
    }

    /// Why the package's rubric refuses the stored marks, if it does (or the package is
    /// not there to check them against).
    fn rubric_refusal(&self, conn: &Connection) -> Result<Option<Error>> {
        let sheet = Path::new(&self.sheet);
        match crate::package::panels::package_for(conn, sheet, &self.hash) {
            Ok(package) => {
                let parsed = parse_items(&self.items)?;
                Ok(check_items(&package, self.expert, &parsed, sheet).err())
            }
            Err(e) => Ok(Some(e)),
        }
    }
}
