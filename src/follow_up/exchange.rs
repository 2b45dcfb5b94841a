//! The register as an xlsx workbook, so an office can carry it to a new laptop.
//!
//! Four sheets: 登记册 (units), 考核记录 (their reviews and status changes), 抽查记录
//! (draws) and 抽查总体 (each draw's population, with who was drawn). Reading one back
//! is all or nothing: every row is checked and located, every draw must re-run to its
//! recorded list, and a unit or draw the register already holds must be identical, or
//! nothing is imported. The workbook is parsed in the child process like any other.

use std::collections::BTreeMap;
use std::path::Path;

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::awarded_units::{self, AwardedUnit, UnitEvent};
use super::cycle::{Stage, Status, YearMonth};
use super::draw::{self, Member};
use super::spot_check::{self, DrawParams, SpotCheck};
use crate::activity::Activity;
use crate::audit;
use crate::error::{Error, Result};
use crate::sandbox::grid::{Cell, Grid};
use crate::spreadsheet::inert;

const UNITS: &str = "登记册";
const EVENTS: &str = "考核记录";
const CHECKS: &str = "抽查记录";
const MEMBERS: &str = "抽查总体";

const UNIT_HEADER: [&str; 13] = [
    "登记编号",
    "活动",
    "名称",
    "推荐高校",
    "类别代码",
    "类别",
    "授予年度",
    "来源评审",
    "推荐对象编号",
    "建设开始",
    "建设结束",
    "状态",
    "登记时间",
];
/// The unit's readable number, written after the columns above. Optional when read back:
/// workbooks exported before units had numbers lack it, and their units are numbered
/// on arrival.
const NUMBER: &str = "登记号";
const EVENT_HEADER: [&str; 9] = [
    "登记编号",
    "考核",
    "整改复核",
    "结论",
    "评定",
    "状态变为",
    "决定日期",
    "考核评审",
    "说明",
];
const CHECK_HEADER: [&str; 7] = [
    "抽查编号",
    "抽查日期",
    "随机种子",
    "参数",
    "总体摘要",
    "抽查时间",
    "操作人",
];
const MEMBER_HEADER: [&str; 4] = ["抽查编号", "登记编号", "分层", "抽中"];

fn xlsx_error(path: &Path, e: XlsxError) -> Error {
    Error::io(path, std::io::Error::other(e.to_string()))
}

fn header(ws: &mut Worksheet, names: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (i, name) in names.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *name, bold)?;
        ws.set_column_width(i as u16, 16)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn row(ws: &mut Worksheet, r: u32, cells: &[String]) -> Result<(), XlsxError> {
    for (i, text) in cells.iter().enumerate() {
        ws.write_string(r, i as u16, inert(text))?;
    }
    Ok(())
}

fn yes_no(b: bool) -> String {
    if b { "是" } else { "否" }.to_string()
}

/// Writes the whole register to `path` (refuses to overwrite).
pub fn export(register_path: &Path, path: &Path) -> Result<usize> {
    if path.exists() {
        return Err(Error::AlreadyExists {
            path: path.to_path_buf(),
        });
    }
    let conn = awarded_units::open(register_path)?;
    let units = awarded_units::units(&conn, YearMonth::new(2100, 12)?)?;
    let checks = spot_check::list(&conn)?;
    build(path, &units, &checks).map_err(|e| xlsx_error(path, e))?;
    Ok(units.len())
}

fn build(path: &Path, units: &[AwardedUnit], checks: &[SpotCheck]) -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = book.add_worksheet().set_name(UNITS)?;
    let unit_header: Vec<&str> = UNIT_HEADER.iter().copied().chain([NUMBER]).collect();
    header(ws, &unit_header, &bold)?;
    for (i, u) in units.iter().enumerate() {
        row(
            ws,
            i as u32 + 1,
            &[
                u.id.clone(),
                u.activity.name_zh().to_string(),
                u.name.clone(),
                u.university.clone(),
                u.category_key.clone(),
                u.category_zh.clone(),
                u.year.to_string(),
                u.review_id.clone(),
                u.nomination_id.to_string(),
                u.build_start.map(|m| m.to_string()).unwrap_or_default(),
                u.build_end.map(|m| m.to_string()).unwrap_or_default(),
                u.status.name_zh().to_string(),
                u.entered_at.clone(),
                u.number.clone(),
            ],
        )?;
    }
    let ws = book.add_worksheet().set_name(EVENTS)?;
    header(ws, &EVENT_HEADER, &bold)?;
    let mut r = 1;
    for u in units {
        for e in &u.events {
            row(
                ws,
                r,
                &[
                    u.id.clone(),
                    e.stage.map(|s| s.name_zh().to_string()).unwrap_or_default(),
                    yes_no(e.recheck),
                    e.passed
                        .map(|p| if p { "通过" } else { "不通过" }.to_string())
                        .unwrap_or_default(),
                    e.grade.clone(),
                    e.status_after.name_zh().to_string(),
                    e.decided_on.clone(),
                    e.review_id.clone(),
                    e.note.clone(),
                ],
            )?;
            r += 1;
        }
    }
    let ws = book.add_worksheet().set_name(CHECKS)?;
    header(ws, &CHECK_HEADER, &bold)?;
    for (i, c) in checks.iter().enumerate() {
        row(
            ws,
            i as u32 + 1,
            &[
                c.id.clone(),
                c.drawn_on.clone(),
                c.seed.clone(),
                serde_json::to_string(&c.params).unwrap_or_default(),
                c.population_hash.clone(),
                c.drawn_at.clone(),
                c.actor.clone(),
            ],
        )?;
    }
    let ws = book.add_worksheet().set_name(MEMBERS)?;
    header(ws, &MEMBER_HEADER, &bold)?;
    let mut r = 1;
    for c in checks {
        for m in &c.population {
            row(
                ws,
                r,
                &[
                    c.id.clone(),
                    m.unit_id.clone(),
                    m.stratum.clone(),
                    yes_no(c.chosen.contains(&m.unit_id)),
                ],
            )?;
            r += 1;
        }
    }
    book.save(path)
}

/// What an import of a register workbook did.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RegisterImport {
    pub units_added: u32,
    pub units_same: u32,
    pub checks_added: u32,
    pub checks_same: u32,
}

/// A sheet's rows as text, keyed by header name, with their 1-based row numbers.
struct Sheet<'a> {
    name: &'static str,
    file: &'a str,
    /// Where each header name is; `None` for an optional column the sheet lacks.
    columns: Vec<Option<usize>>,
    grid: &'a Grid,
}

impl<'a> Sheet<'a> {
    /// The sheet `name` with every column of `header`, then those of `optional` it has
    /// (their cells read as blank when it has not).
    fn find(
        file: &'a str,
        grids: &'a [Grid],
        name: &'static str,
        header: &[&str],
        optional: &[&str],
    ) -> Result<Self> {
        let grid = grids
            .iter()
            .find(|g| g.sheet.trim() == name)
            .ok_or_else(|| Error::BadInput {
                zh: format!("{file}：缺少工作表「{name}」，不是 PanelDesk 导出的登记册"),
                en: format!("{file}: no sheet {name:?}; not a register exported by PanelDesk"),
            })?;
        let first: Vec<String> = grid
            .rows
            .first()
            .map_or_else(Vec::new, |r| r.iter().map(|c| c.display()).collect());
        let mut columns = Vec::new();
        for h in header {
            let at = first
                .iter()
                .position(|x| x == h)
                .ok_or_else(|| Error::BadInput {
                    zh: format!("{file}：工作表「{name}」第 1 行缺少「{h}」列"),
                    en: format!("{file}: sheet {name:?}, row 1 lacks the column {h:?}"),
                })?;
            columns.push(Some(at));
        }
        columns.extend(optional.iter().map(|h| first.iter().position(|x| x == h)));
        Ok(Sheet {
            name,
            file,
            columns,
            grid,
        })
    }

    /// Non-blank rows after the header: (row number, cells as text in header order).
    fn rows(&self) -> impl Iterator<Item = (usize, Vec<String>)> + '_ {
        self.grid
            .rows
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, r)| r.iter().any(|c| !c.is_blank()))
            .map(|(i, r)| {
                let text = |col: usize| {
                    let raw = r.get(col).map_or_else(String::new, Cell::display);
                    // Undo `inert`: text that looked like a formula was written with an apostrophe.
                    match raw.strip_prefix('\'') {
                        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_string(),
                        _ => raw,
                    }
                };
                let cells = self.columns.iter();
                (
                    i + 1,
                    cells.map(|c| c.map_or_else(String::new, text)).collect(),
                )
            })
    }

    fn problem(&self, row: usize, column: &str, zh: &str, en: &str) -> (String, String) {
        (
            format!(
                "{}：工作表「{}」第 {row} 行「{column}」列：{zh}",
                self.file, self.name
            ),
            format!(
                "{}: sheet {:?}, row {row}, column {column:?}: {en}",
                self.file, self.name
            ),
        )
    }
}

fn refuse(problems: Vec<(String, String)>) -> Error {
    const SHOWN: usize = 12;
    let more = problems.len().saturating_sub(SHOWN);
    let (mut zh, mut en): (Vec<String>, Vec<String>) = problems.into_iter().take(SHOWN).unzip();
    if more > 0 {
        zh.push(format!("……另有 {more} 处"));
        en.push(format!("… and {more} more"));
    }
    Error::BadInput {
        zh: format!(
            "登记册工作簿未导入，登记册未作任何改动：\n{}",
            zh.join("\n")
        ),
        en: format!(
            "register workbook not imported, nothing changed:\n{}",
            en.join("\n")
        ),
    }
}

struct Parsed {
    units: Vec<(AwardedUnit, usize)>,
    checks: Vec<(SpotCheck, usize)>,
}

/// A refused cell or row, located, in both languages.
type Problem = (String, String);

fn parse(file: &str, grids: &[Grid]) -> Result<Parsed> {
    let units_sheet = Sheet::find(file, grids, UNITS, &UNIT_HEADER, &[NUMBER])?;
    let events_sheet = Sheet::find(file, grids, EVENTS, &EVENT_HEADER, &[])?;
    let checks_sheet = Sheet::find(file, grids, CHECKS, &CHECK_HEADER, &[])?;
    let members_sheet = Sheet::find(file, grids, MEMBERS, &MEMBER_HEADER, &[])?;
    let mut problems = Vec::new();
    let mut events: BTreeMap<String, Vec<UnitEvent>> = BTreeMap::new();
    for ((unit, event), _) in each_row(&events_sheet, &mut problems, event_row) {
        events.entry(unit).or_default().push(event);
    }
    let mut units = each_row(&units_sheet, &mut problems, unit_row);
    for (unit, _) in &mut units {
        unit.events = events.remove(&unit.id).unwrap_or_default();
    }
    for id in events.keys() {
        problems.push((
            format!("{file}：工作表「{EVENTS}」中的 {id} 不在「{UNITS}」中"),
            format!("{file}: sheet {EVENTS:?} names {id}, which {UNITS:?} lacks"),
        ));
    }
    let mut members = members_by_check(&members_sheet);
    let checks = each_row(&checks_sheet, &mut problems, |sheet, r, c| {
        check_row(sheet, r, c, &mut members)
    });
    if !problems.is_empty() {
        return Err(refuse(problems));
    }
    Ok(Parsed { units, checks })
}

/// Every row of `sheet` read by `row`, with its row number; a refused row adds its
/// problem and is left out, so one pass names every problem in the workbook.
fn each_row<T>(
    sheet: &Sheet,
    problems: &mut Vec<Problem>,
    mut row: impl FnMut(&Sheet, usize, &[String]) -> std::result::Result<T, Problem>,
) -> Vec<(T, usize)> {
    let mut out = Vec::new();
    for (r, cells) in sheet.rows() {
        match row(sheet, r, &cells) {
            Ok(t) => out.push((t, r)),
            Err(p) => problems.push(p),
        }
    }
    out
}

/// A row of 考核记录: the unit's id and one event in its history.
fn event_row(
    sheet: &Sheet,
    r: usize,
    c: &[String],
) -> std::result::Result<(String, UnitEvent), Problem> {
    let stage = match c[1].as_str() {
        "" => None,
        s => Some(Stage::from_code(s).ok_or_else(|| {
            sheet.problem(
                r,
                "考核",
                "应为“中期考核”“验收”或空",
                "must be 中期考核, 验收 or empty",
            )
        })?),
    };
    let passed = match c[3].as_str() {
        "" => None,
        "通过" => Some(true),
        "不通过" => Some(false),
        _ => {
            let (zh, en) = ("应为“通过”“不通过”或空", "must be 通过, 不通过 or empty");
            return Err(sheet.problem(r, "结论", zh, en));
        }
    };
    let status_after = Status::parse(&c[5])
        .ok_or_else(|| sheet.problem(r, "状态变为", "不是已知的状态", "not a known status"))?;
    if time::Date::parse(&c[6], &time::format_description::well_known::Iso8601::DATE).is_err() {
        let (zh, en) = ("应写作 2024-11-30", "must read like 2024-11-30");
        return Err(sheet.problem(r, "决定日期", zh, en));
    }
    let event = UnitEvent {
        stage,
        recheck: c[2] == "是",
        passed,
        grade: c[4].clone(),
        status_after,
        decided_on: c[6].clone(),
        review_id: c[7].clone(),
        note: c[8].clone(),
    };
    Ok((c[0].clone(), event))
}

/// A row of 登记册: one awarded unit (its events are joined by the caller).
fn unit_row(sheet: &Sheet, r: usize, c: &[String]) -> std::result::Result<AwardedUnit, Problem> {
    if !(c[0].starts_with("AU-") && c[0].len() == 13) {
        let (zh, en) = ("应为 AU- 加 10 位", "must be AU- and 10 characters");
        return Err(sheet.problem(r, "登记编号", zh, en));
    }
    let activity = Activity::parse(&c[1])
        .map_err(|_| sheet.problem(r, "活动", "不是已知的评审活动", "not a known activity"))?;
    let (Ok(year), Ok(nomination_id)) = (c[6].parse::<i32>(), c[8].parse::<i64>()) else {
        let zh = "授予年度和推荐对象编号应为整数";
        let en = "year and nomination id must be whole numbers";
        return Err(sheet.problem(r, "授予年度", zh, en));
    };
    let month = |text: &str| {
        (!text.is_empty())
            .then(|| YearMonth::parse(text))
            .transpose()
    };
    let (Ok(build_start), Ok(build_end)) = (month(&c[9]), month(&c[10])) else {
        let (zh, en) = (
            "建设周期应写作 2022-11",
            "build months must read like 2022-11",
        );
        return Err(sheet.problem(r, "建设开始", zh, en));
    };
    let status = Status::parse(&c[11])
        .ok_or_else(|| sheet.problem(r, "状态", "不是已知的状态", "not a known status"))?;
    if c[2].is_empty() {
        return Err(sheet.problem(r, "名称", "为空", "is empty"));
    }
    Ok(AwardedUnit {
        id: c[0].clone(),
        // As the workbook says it (blank when exported before numbers); `import` keeps it
        // when it is free on this laptop and numbers the unit anew otherwise.
        number: c[13].clone(),
        activity,
        activity_name_zh: activity.name_zh().to_string(),
        kind: super::cycle::UnitKind::of(activity),
        awardee: super::awarded_units::Awardee::of(activity),
        name: c[2].clone(),
        university: c[3].clone(),
        category_key: c[4].clone(),
        category_zh: c[5].clone(),
        year,
        review_id: c[7].clone(),
        nomination_id,
        build_start,
        build_end,
        status,
        status_zh: status.name_zh().to_string(),
        entered_at: c[12].clone(),
        events: Vec::new(),
        due: None,
        due_now: false,
        last_checked: None,
    })
}

/// 抽查总体 by spot check: each draw's population, and the units it chose.
fn members_by_check(sheet: &Sheet) -> BTreeMap<String, (Vec<Member>, Vec<String>)> {
    let mut members: BTreeMap<String, (Vec<Member>, Vec<String>)> = BTreeMap::new();
    for (_, c) in sheet.rows() {
        let entry = members.entry(c[0].clone()).or_default();
        entry.0.push(Member {
            unit_id: c[1].clone(),
            stratum: c[2].clone(),
        });
        if c[3] == "是" {
            entry.1.push(c[1].clone());
        }
    }
    members
}

/// A row of 抽查记录, with its population: refused unless the draw re-runs from its seed.
fn check_row(
    sheet: &Sheet,
    r: usize,
    c: &[String],
    members: &mut BTreeMap<String, (Vec<Member>, Vec<String>)>,
) -> std::result::Result<SpotCheck, Problem> {
    let params: DrawParams = serde_json::from_str(&c[3])
        .map_err(|_| sheet.problem(r, "参数", "不是抽查参数", "not the draw's parameters"))?;
    let (population, mut chosen) = members.remove(&c[0]).unwrap_or_default();
    // Drawn units are listed by lottery number, as the draw lists them.
    chosen.sort_by_cached_key(|id| draw::lottery_number(&c[2], id));
    let check = SpotCheck {
        id: c[0].clone(),
        drawn_on: c[1].clone(),
        seed: c[2].clone(),
        params,
        population,
        population_hash: c[4].clone(),
        chosen,
        drawn_at: c[5].clone(),
        actor: c[6].clone(),
    };
    if !spot_check::verify_record(&check).ok {
        let zh = format!(
            "抽查 {} 无法按记录的种子复现（总体或抽中名单被改动）",
            check.id
        );
        let en = format!(
            "draw {} does not re-run from its seed (population or list changed)",
            check.id
        );
        return Err(sheet.problem(r, "抽查编号", &zh, &en));
    }
    Ok(check)
}

fn same_unit(a: &AwardedUnit, b: &AwardedUnit) -> bool {
    (
        a.activity,
        &a.name,
        &a.university,
        &a.category_key,
        a.year,
        &a.review_id,
    ) == (
        b.activity,
        &b.name,
        &b.university,
        &b.category_key,
        b.year,
        &b.review_id,
    ) && (
        a.nomination_id,
        a.build_start,
        a.build_end,
        a.status,
        &a.events,
    ) == (
        b.nomination_id,
        b.build_start,
        b.build_end,
        b.status,
        &b.events,
    )
}

/// Reads a register workbook (in the parsing child) into the register, all or nothing.
pub fn import(
    register_path: &Path,
    workbook: &Path,
    exe: &Path,
    at: &str,
    actor: &str,
) -> Result<RegisterImport> {
    let file = workbook.file_name().map_or_else(
        || workbook.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let grids = crate::sandbox::pool::read_isolated(
        exe,
        workbook,
        &crate::sandbox::reader::Limits::default(),
    )
    .map_err(|e| Error::BadInput {
        zh: e.message_zh(workbook),
        en: e.message_en(workbook),
    })?;
    let parsed = parse(&file, &grids)?;
    let mut conn = awarded_units::open(register_path)?;
    let existing = awarded_units::units(&conn, YearMonth::new(2100, 12)?)?;
    let mut problems = Vec::new();
    let mut report = RegisterImport {
        units_added: 0,
        units_same: 0,
        checks_added: 0,
        checks_same: 0,
    };
    let mut new_units = Vec::new();
    for (unit, r) in &parsed.units {
        match existing.iter().find(|u| u.id == unit.id) {
            None => new_units.push(unit),
            Some(old) if same_unit(old, unit) => report.units_same += 1,
            Some(_) => problems.push((
                format!(
                    "{file}：工作表「{UNITS}」第 {r} 行：{} 与本机登记册中的记录不一致",
                    unit.id
                ),
                format!(
                    "{file}: sheet {UNITS:?}, row {r}: {} differs from this register's record",
                    unit.id
                ),
            )),
        }
    }
    // Read once: the loop below compares every imported draw against them.
    let known_checks = spot_check::list(&conn)?;
    let mut new_checks = Vec::new();
    for (check, r) in &parsed.checks {
        match known_checks.iter().find(|c| c.id == check.id) {
            None => new_checks.push(check),
            Some(old) if old == check => report.checks_same += 1,
            Some(_) => problems.push((
                format!("{file}：工作表「{CHECKS}」第 {r} 行：抽查 {} 与本机记录不一致", check.id),
                format!("{file}: sheet {CHECKS:?}, row {r}: draw {} differs from this register's record", check.id),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(refuse(problems));
    }
    let tx = conn.transaction()?;
    // Units whose number is free here keep it, so the office's number travels with the
    // unit; the numbered ones go first so a blank one cannot take a number it carries.
    new_units.sort_by_key(|u| awarded_units::serial_in(&u.number, u.activity, u.year).is_none());
    for u in &new_units {
        let serial = match awarded_units::serial_in(&u.number, u.activity, u.year) {
            Some(s) if awarded_units::serial_free(&tx, u.activity, u.year, s)? => s,
            _ => awarded_units::next_serial(&tx, u.activity, u.year)?,
        };
        tx.execute(
            "INSERT INTO awarded_unit (id, activity, name, university, category_key, category_zh,
               year, review_id, nomination_id, build_start, build_end, status, entered_at, serial)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            rusqlite::params![
                u.id,
                u.activity.code(),
                u.name,
                u.university,
                u.category_key,
                u.category_zh,
                u.year,
                u.review_id,
                u.nomination_id,
                u.build_start.map(|m| m.to_string()),
                u.build_end.map(|m| m.to_string()),
                u.status.code(),
                u.entered_at,
                serial
            ],
        )?;
        for e in &u.events {
            awarded_units::record_event(&tx, &u.id, e)?;
        }
        // record_event leaves the last event's status; the exported status is the truth.
        tx.execute(
            "UPDATE awarded_unit SET status = ?2 WHERE id = ?1",
            rusqlite::params![u.id, u.status.code()],
        )?;
        report.units_added += 1;
    }
    for c in &new_checks {
        spot_check::store_check(&tx, c)?;
        report.checks_added += 1;
    }
    audit::append(
        &tx,
        at,
        actor,
        "register.imported",
        &serde_json::json!({
            "file": file,
            "units_added": new_units.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
            "units_same": report.units_same,
            "checks_added": new_checks.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            "checks_same": report.checks_same,
        }),
    )?;
    tx.commit()?;
    Ok(report)
}
