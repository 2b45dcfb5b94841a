//! Importing one workbook into a review: read it in isolation, find its header, read and
//! check its rows, and store them in one transaction that replaces what the same
//! university sent before for the same categories, with an audit entry saying what changed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::activity::Activity;
use crate::audit;
use crate::error::Result;
use crate::store::{self, flags, nominations, nominations::NewNomination, review_rows};
use crate::template;

use super::eligibility::{self, FlagKind};
use super::header;
use super::honours::{Honours, PastHonour};
use super::materials::{self, Opened, PackageError, PackageLimits};
use super::normalize::{parse_date_text, FormDate};
use super::problem::Problem;
use super::rows::{self, RowRead};
use super::source::Source;
use super::university::{self, UniversitySource};
use crate::sandbox::pool::{Parsed, ParserPool};
use crate::sandbox::reader::Limits;

/// An error that kept a whole file out, as the clerk reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileError {
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}

impl FileReport {
    /// Messages quote what a cell held, and a cell may hold an ID or phone number: every
    /// message is masked by value before anyone sees the report.
    fn masked(mut self) -> FileReport {
        use crate::privacy::mask_text;
        for f in self.problems.iter_mut().chain(self.flags.iter_mut()) {
            f.message_zh = mask_text(&f.message_zh);
            f.message_en = mask_text(&f.message_en);
        }
        if let Some(e) = &mut self.error {
            e.message_zh = mask_text(&e.message_zh);
            e.message_en = mask_text(&e.message_en);
        }
        self
    }
}

/// A located problem or a flag, with its messages, for reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Finding {
    pub sheet: String,
    pub row: u32,
    /// Column letters; empty for findings about the whole row.
    pub column: String,
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}

/// What importing one file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileReport {
    pub file: String,
    pub imported: bool,
    pub university: Option<String>,
    pub university_source: Option<UniversitySource>,
    pub sheet: Option<String>,
    pub accepted: u32,
    pub flagged: u32,
    /// Material files found and stored with the nominations.
    pub materials: u32,
    /// Names newly nominated, and names the earlier workbook had but this one does not.
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub problems: Vec<Finding>,
    pub flags: Vec<Finding>,
    pub error: Option<FileError>,
}

impl FileReport {
    fn empty(file: &Path) -> FileReport {
        FileReport {
            file: file.display().to_string(),
            imported: false,
            university: None,
            university_source: None,
            sheet: None,
            accepted: 0,
            flagged: 0,
            materials: 0,
            added: vec![],
            removed: vec![],
            problems: vec![],
            flags: vec![],
            error: None,
        }
    }

    fn failed(file: &Path, code: &str, zh: String, en: String) -> FileReport {
        FileReport {
            error: Some(FileError {
                code: code.into(),
                message_zh: zh,
                message_en: en,
            }),
            ..FileReport::empty(file)
        }
    }
}

fn problem_finding(p: &Problem) -> Finding {
    Finding {
        sheet: p.sheet.clone(),
        row: p.row,
        column: p.column.clone(),
        code: p.kind.code().to_string(),
        message_zh: p.message_zh(),
        message_en: p.message_en(),
    }
}

/// The day eligibility is judged on: the review's creation date.
pub(crate) fn review_day(created_at: &str) -> FormDate {
    parse_date_text(created_at.get(..10).unwrap_or("")).unwrap_or(FormDate {
        year: 2000,
        month: 1,
        day: Some(1),
    })
}

/// A review open for importing: one connection, and what every file is checked against.
pub struct Importer {
    conn: rusqlite::Connection,
    /// Shared with the parsing pool's threads, which prepare files while this stores.
    checks: std::sync::Arc<Checks>,
    /// Per-university allowances by category key.
    allowances: std::collections::HashMap<String, u32>,
    at: String,
    actor: String,
    /// Loaded at the first file that is stored.
    identities: Option<Identities>,
    /// The packages built so far, with the nominations each holds; loaded at the first
    /// file stored (no package is built while a folder imports).
    packaged: Option<Vec<Packaged>>,
}

/// A panel package that went out, as a re-import is checked against it.
struct Packaged {
    hash: String,
    built_at: String,
    nominations: BTreeSet<i64>,
}

fn load_packaged(conn: &rusqlite::Connection) -> Result<Vec<Packaged>> {
    let built: Vec<(String, String)> = conn
        .prepare("SELECT hash, built_at FROM panel_package ORDER BY rowid")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut packaged = Vec::with_capacity(built.len());
    for (hash, built_at) in built {
        let package = crate::package::panels::package_for(conn, Path::new(&hash), &hash)?;
        packaged.push(Packaged {
            nominations: package.nominations.iter().map(|n| n.id).collect(),
            hash,
            built_at,
        });
    }
    Ok(packaged)
}

impl Importer {
    /// `past` is every award in the register of awarded units, for the cross-year checks
    /// (`ops::import` reads it; empty checks nothing).
    pub fn open(
        review_path: &Path,
        past: &[PastHonour],
        at: &str,
        actor: &str,
    ) -> Result<Importer> {
        let conn = store::open(review_path)?;
        let review = review_rows::read_review(&conn)?;
        let honours = Honours::from_register(past.to_vec(), review.activity, &review.id);
        let allowances = review_rows::read_categories(&conn)?
            .into_iter()
            .filter_map(|c| c.allowance.map(|a| (c.key, a)))
            .collect();
        let fields = template::fields(review.activity);
        let checks = Checks {
            activity: review.activity,
            headers: header::HeaderFinder::new(&fields),
            fields,
            day: review_day(&review.created_at),
            honours,
        };
        Ok(Importer {
            conn,
            checks: std::sync::Arc::new(checks),
            allowances,
            at: at.to_string(),
            actor: actor.to_string(),
            identities: None,
            packaged: None,
        })
    }

    /// Checks and stores one parsed workbook, with its materials, in one transaction.
    /// Never fails for a bad workbook or package: that is a report with
    /// `imported: false`. Fails only when the review itself cannot be written.
    pub fn store(&mut self, opened: &Opened, parsed: Parsed) -> Result<FileReport> {
        let prepared = prepare(&self.checks, opened.source.path(), parsed);
        self.store_prepared(opened, prepared)
    }

    fn store_prepared(
        &mut self,
        opened: &Opened,
        prepared: std::result::Result<Prepared, Box<FileReport>>,
    ) -> Result<FileReport> {
        match prepared {
            Ok(p) => store_rows(self, opened, p),
            Err(report) => Ok(*report),
        }
    }
}

fn package_failed(source: &Source, e: &PackageError) -> FileReport {
    let path = source.path();
    FileReport::failed(path, e.code(), e.message_zh(path), e.message_en(path))
}

/// Imports one workbook or package into the review at `review_path`, without the
/// register's cross-year checks (the CLI and the app import through [`import_many`]);
/// see [`Importer::store`].
pub fn import(
    review_path: &Path,
    source: &Source,
    exe: &Path,
    at: &str,
    actor: &str,
) -> Result<FileReport> {
    let mut importer = Importer::open(review_path, &[], at, actor)?;
    let opened = match materials::open(source, &PackageLimits::default()) {
        Ok(o) => o,
        Err(e) => return Ok(package_failed(source, &e)),
    };
    let parsed = crate::sandbox::pool::read_isolated(exe, &opened.workbook, &Limits::default());
    importer.store(&opened, parsed).map(FileReport::masked)
}

/// Imports many workbooks and packages, in the order given: parsing runs in `pool`'s
/// children while the files already parsed are checked and stored, each in its own
/// transaction. `progress` hears about every file as it lands. `past` is checked as
/// [`Importer::open`] says.
pub fn import_many(
    review_path: &Path,
    past: &[PastHonour],
    sources: &[Source],
    pool: &ParserPool,
    at: &str,
    actor: &str,
    mut progress: impl FnMut(usize, &FileReport),
) -> Result<Vec<FileReport>> {
    let mut importer = Importer::open(review_path, past, at, actor)?;
    // Each file is still one atomic transaction, but in WAL mode `synchronous=NORMAL`
    // syncs at checkpoints instead of at every commit; the checkpoint below makes the
    // whole batch durable before anyone is told it was imported. A power cut mid-batch
    // can only roll back the last files, never tear one.
    // Automatic checkpoints are off: copying the WAL into the review every thousand pages
    // on this thread, with a sync each time, cost a sixth of a folder import. A second
    // connection copies it in the background instead (`store::checkpoint`), and the
    // checkpoint at the end only finishes the job.
    importer
        .conn
        .execute_batch("PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0;")?;
    let opened: Vec<std::result::Result<Opened, PackageError>> = sources
        .iter()
        .map(|s| materials::open(s, &PackageLimits::default()))
        .collect();
    let workbooks: Vec<Option<PathBuf>> = opened
        .iter()
        .map(|o| o.as_ref().ok().map(|o| o.workbook.clone()))
        .collect();
    let checkpoint = store::checkpoint::BackgroundCheckpoint::start(review_path);
    let mut reports = Vec::with_capacity(sources.len());
    let checks = std::sync::Arc::clone(&importer.checks);
    let prepare = |i: usize, parsed| prepare(&checks, sources[i].path(), parsed);
    pool.parse_in_order(&workbooks, prepare, |i, prepared| {
        let report = match &opened[i] {
            Ok(o) => importer.store_prepared(o, prepared)?,
            Err(e) => package_failed(&sources[i], e),
        }
        .masked();
        checkpoint.committed();
        progress(i, &report);
        reports.push(report);
        Ok::<(), crate::Error>(())
    })?;
    checkpoint.finish();
    importer.conn.execute_batch(
        "PRAGMA synchronous=FULL; PRAGMA wal_checkpoint(TRUNCATE); PRAGMA wal_autocheckpoint=1000;",
    )?;
    Ok(reports)
}

/// A workbook's rows found, read, checked and encoded, ready to store. Worked out on the
/// parsing pool's threads, so the one thread that writes the review does little else.
pub struct Prepared {
    sheet: String,
    header_row: usize,
    rows: Vec<StagedRow>,
    /// Required columns the header lacks (推荐单位 can come from elsewhere).
    missing_columns: Vec<&'static str>,
    /// Rows left out because they name no one, as findings.
    nameless: Vec<Finding>,
    university_source: UniversitySource,
}

/// One row as it will be stored, with what was found out about it without the review.
struct StagedRow {
    nomination: nominations::EncodedNomination,
    materials: Vec<String>,
    /// Eligibility findings: code, Chinese, English.
    eligibility: Vec<(String, String, String)>,
    /// The row's located problems, as one `invalid_fields` flag and as findings.
    invalid_fields: Option<(String, String)>,
    problems: Vec<Finding>,
    /// Rows this file sends for the same university and category, this one included.
    sent: u32,
}

/// What preparing a file needs to know about the review.
struct Checks {
    activity: Activity,
    fields: Vec<template::FieldSpec>,
    headers: header::HeaderFinder,
    /// The day eligibility is judged on.
    day: FormDate,
    /// The register's earlier awards.
    honours: Honours,
}

/// Finds the header in the parsed workbook and reads its rows; a workbook that cannot
/// be read is the report that says why.
fn prepare(
    checks: &Checks,
    workbook_path: &Path,
    parsed: Parsed,
) -> std::result::Result<Prepared, Box<FileReport>> {
    let grids = parsed.map_err(|e| {
        let (zh, en) = (e.message_zh(workbook_path), e.message_en(workbook_path));
        Box::new(FileReport::failed(workbook_path, e.code(), zh, en))
    })?;
    let (grid, header) = find_header(checks, workbook_path, &grids)?;
    let mut read = rows::read(grid, &header, &checks.fields);
    let (missing_columns, unjudged_columns) = missing_columns(checks, &header);
    let name_column = name_column(checks, workbook_path, grid, &header)?;
    let display_key = template::display_field(checks.activity);
    let nameless = nameless_rows(&mut read, display_key, grid, name_column, &checks.fields);
    let university_source = fill_university(&mut read, grid, &header, workbook_path)?;
    let categories: Vec<String> = read
        .iter()
        .map(|r| template::category_for(checks.activity, |k| r.field(k).map(str::to_string)))
        .collect();
    let sent = sent_per_university_and_category(&read, &categories);
    let file = Staging {
        checks,
        workbook_path,
        source_file: workbook_path.display().to_string(),
        unjudged_columns,
    };
    let rows = read
        .into_iter()
        .zip(categories)
        .zip(sent)
        .map(|((row, category_key), sent)| file.stage(row, category_key, sent))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(Prepared {
        sheet: grid.sheet.clone(),
        header_row: header.row,
        rows,
        missing_columns,
        nameless,
        university_source,
    })
}

/// The first sheet with this activity's header, and where it is.
fn find_header<'g>(
    checks: &Checks,
    workbook_path: &Path,
    grids: &'g [crate::sandbox::grid::Grid],
) -> std::result::Result<(&'g crate::sandbox::grid::Grid, header::Header), Box<FileReport>> {
    if let Some(found) = grids
        .iter()
        .find_map(|g| checks.headers.find(g).map(|h| (g, h)))
    {
        return Ok(found);
    }
    let activity = checks.activity;
    let wanted: Vec<&str> = checks
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.label_zh)
        .take(4)
        .collect();
    Err(Box::new(FileReport::failed(
        workbook_path,
        "no_header",
        format!(
            "文件 {} 中找不到{}推荐表的表头（应含 {} 等栏目）；请使用 PanelDesk 生成的模板",
            workbook_path.display(),
            activity.name_zh(),
            wanted.join("、")
        ),
        format!(
            "No header of a {} nomination table found in {} (expected columns such as {}); please use the PanelDesk template",
            activity.name_en(),
            workbook_path.display(),
            wanted.join(", ")
        ),
    )))
}

/// The required columns the header lacks, and of those the ones an eligibility rule
/// reads: only those go on every row (the rule could not be checked there); the others
/// are one finding for the file.
fn missing_columns(
    checks: &Checks,
    header: &header::Header,
) -> (Vec<&'static str>, Vec<&'static str>) {
    let missing: Vec<&template::FieldSpec> = checks
        .fields
        .iter()
        .filter(|f| f.required && f.key != "university" && header.column_of(f.key).is_none())
        .collect();
    let unjudged = missing
        .iter()
        .filter(|f| eligibility::fields_read(checks.activity).contains(&f.key))
        .map(|f| f.label_zh)
        .collect();
    (missing.iter().map(|f| f.label_zh).collect(), unjudged)
}

/// The column that says who is nominated: without it the file cannot be imported.
fn name_column(
    checks: &Checks,
    workbook_path: &Path,
    grid: &crate::sandbox::grid::Grid,
    header: &header::Header,
) -> std::result::Result<usize, Box<FileReport>> {
    let display_key = template::display_field(checks.activity);
    header.column_of(display_key).ok_or_else(|| {
        let label = checks
            .fields
            .iter()
            .find(|f| f.key == display_key)
            .map_or(display_key, |f| f.label_zh);
        Box::new(FileReport::failed(
            workbook_path,
            "no_name_column",
            format!(
                "文件 {} 工作表“{}”的表头没有“{label}”栏，无法知道推荐的是谁；请使用 PanelDesk 生成的模板",
                workbook_path.display(),
                grid.sheet
            ),
            format!(
                "The header of sheet \"{}\" in {} has no {label} column, so it cannot say who is nominated; please use the PanelDesk template",
                grid.sheet,
                workbook_path.display()
            ),
        ))
    })
}

/// Fills in the university of rows that leave it empty, from the lines above the header
/// or else the file name; says where it came from. A row no source names refuses the file.
fn fill_university(
    read: &mut [RowRead],
    grid: &crate::sandbox::grid::Grid,
    header: &header::Header,
    workbook_path: &Path,
) -> std::result::Result<UniversitySource, Box<FileReport>> {
    let fallback = university::from_lines_above(grid, header.row)
        .map(|u| (u, UniversitySource::LineAboveHeader))
        .or_else(|| {
            workbook_path
                .file_stem()
                .and_then(|s| university::from_file_name(&s.to_string_lossy()))
                .map(|u| (u, UniversitySource::FileName))
        });
    let mut source = UniversitySource::Column;
    for row in read {
        if row.field("university").is_some_and(|u| !u.is_empty()) {
            continue;
        }
        let Some((name, from)) = &fallback else {
            return Err(Box::new(FileReport::failed(
                workbook_path,
                "no_university",
                format!(
                    "文件 {} 第 {} 行没有推荐单位，表头上方和文件名中也找不到；请填写“推荐单位”栏",
                    workbook_path.display(),
                    row.row
                ),
                format!(
                    "Row {} of {} names no university, and neither the lines above the header nor the file name do; fill in 推荐单位",
                    row.row,
                    workbook_path.display()
                ),
            )));
        };
        source = *from;
        if let Some(f) = row.fields.iter_mut().find(|f| f.key == "university") {
            f.value = name.clone();
        }
        // The university is now known: its "missing" problem no longer holds.
        row.problems.retain(|p| p.field_zh != "推荐单位");
    }
    Ok(source)
}

/// For each row, how many rows this file sends for its university and category, it
/// included: what the allowance is checked against.
fn sent_per_university_and_category(read: &[RowRead], categories: &[String]) -> Vec<u32> {
    let keys: Vec<(&str, &str)> = read
        .iter()
        .zip(categories)
        .map(|(row, category)| (row.field("university").unwrap_or(""), category.as_str()))
        .collect();
    let mut sent: std::collections::HashMap<(&str, &str), u32> = std::collections::HashMap::new();
    for key in &keys {
        *sent.entry(*key).or_default() += 1;
    }
    keys.iter().map(|key| sent[key]).collect()
}

/// What staging each row of one file shares.
struct Staging<'a> {
    checks: &'a Checks,
    workbook_path: &'a Path,
    source_file: String,
    unjudged_columns: Vec<&'static str>,
}

impl Staging<'_> {
    /// One row as it will be stored: its nomination encoded, its eligibility and
    /// cross-year findings, its located problems.
    fn stage(
        &self,
        mut row: RowRead,
        category_key: String,
        sent: u32,
    ) -> std::result::Result<StagedRow, Box<FileReport>> {
        let activity = self.checks.activity;
        let display_key = template::display_field(activity);
        let university = row.field("university").unwrap_or("").to_string();
        let honoured = self
            .checks
            .honours
            .check(&university, row.field(display_key).unwrap_or(""));
        let eligibility = eligibility::check(activity, &row, self.checks.day)
            .into_iter()
            .chain(honoured)
            .map(|f| (f.kind.code().to_string(), f.message_zh, f.message_en))
            .collect();
        let invalid_fields = self.invalid_fields(&row);
        let nomination = NewNomination {
            category_key,
            display_name: row.field(display_key).unwrap_or("").to_string(),
            identity: eligibility::identity(activity, &university, &row).unwrap_or_default(),
            university,
            fields: std::mem::take(&mut row.fields),
            extra_fields: std::mem::take(&mut row.extra_fields),
            materials: row.materials.clone(),
            source_file: self.source_file.clone(),
            source_row: row.row,
        };
        let nomination = nomination.encode().map_err(|e| {
            Box::new(FileReport::failed(
                self.workbook_path,
                "unreadable",
                format!(
                    "文件 {} 第 {} 行无法保存：{e}",
                    self.workbook_path.display(),
                    row.row
                ),
                format!(
                    "Row {} of {} cannot be stored: {e}",
                    row.row,
                    self.workbook_path.display()
                ),
            ))
        })?;
        Ok(StagedRow {
            nomination,
            materials: row.materials,
            eligibility,
            invalid_fields,
            problems: row.problems.iter().map(problem_finding).collect(),
            sent,
        })
    }

    /// The row's problems, and the eligibility columns the file lacks, as the one
    /// `invalid_fields` flag.
    fn invalid_fields(&self, row: &RowRead) -> Option<(String, String)> {
        let unjudged = &self.unjudged_columns;
        if row.problems.is_empty() && unjudged.is_empty() {
            return None;
        }
        let mut zh: Vec<String> = row.problems.iter().map(Problem::message_zh).collect();
        let mut en: Vec<String> = row.problems.iter().map(Problem::message_en).collect();
        if !unjudged.is_empty() {
            zh.push(format!(
                "表中没有以下栏目，无法核对资格：{}",
                unjudged.join("、")
            ));
            en.push(format!(
                "the workbook has no column for {}, so eligibility could not be checked",
                unjudged.join(", ")
            ));
        }
        Some((zh.join("；"), en.join("; ")))
    }
}

/// Takes the rows whose name (or title) cell is empty out of `read`. One with any other
/// field filled is a finding, located at that cell, because a nameless nomination would
/// travel to the experts as a blank row; one with at most its university filled is an
/// unused line of the template, and is left out without a word.
fn nameless_rows(
    read: &mut Vec<RowRead>,
    display_key: &str,
    grid: &crate::sandbox::grid::Grid,
    name_column: usize,
    fields: &[template::FieldSpec],
) -> Vec<Finding> {
    let label = fields
        .iter()
        .find(|f| f.key == display_key)
        .map_or(display_key, |f| f.label_zh);
    let column = crate::sandbox::grid::column_letters(name_column);
    let mut findings = Vec::new();
    read.retain(|row| {
        if row.field(display_key).is_some_and(|v| !v.is_empty()) {
            return true;
        }
        let filled = !row.materials.is_empty()
            || row
                .fields
                .iter()
                .any(|f| f.key != "university" && f.key != display_key && !f.value.is_empty());
        if filled {
            findings.push(Finding {
                sheet: grid.sheet.clone(),
                row: row.row,
                column: column.clone(),
                code: "no_name".into(),
                message_zh: format!(
                    "工作表“{}”第 {} 行 {column} 列（{label}）为空，但该行其他栏目已填写：此行未导入；请补填{label}后重新导入本表",
                    grid.sheet, row.row
                ),
                message_en: format!(
                    "Sheet \"{}\" row {} column {column} ({label}) is empty though other cells of the row are filled: the row was not imported; fill in {label} and import this workbook again",
                    grid.sheet, row.row
                ),
            });
        }
        false
    });
    findings
}

/// Who holds each duplicate key (`id:…`, `unit:…`) in the review, oldest first: the
/// duplicate check asks this for every row, and a query per row cost a twentieth of a
/// folder import on the thread that writes.
#[derive(Default)]
struct Identities {
    held: std::collections::HashMap<String, Vec<String>>,
}

impl Identities {
    fn load(conn: &rusqlite::Connection) -> Result<Identities> {
        let mut identities = Identities::default();
        for (identity, university) in nominations::identities(conn)? {
            identities.add(identity, university);
        }
        Ok(identities)
    }

    /// The university of the oldest nomination with this identity.
    fn holder(&self, identity: &str) -> Option<&str> {
        self.held
            .get(identity)
            .and_then(|u| u.first())
            .map(String::as_str)
    }

    fn add(&mut self, identity: String, university: String) {
        self.held.entry(identity).or_default().push(university);
    }

    fn remove(&mut self, identity: &str, university: &str) {
        if let Some(holders) = self.held.get_mut(identity) {
            if let Some(at) = holders.iter().position(|u| u == university) {
                holders.remove(at);
            }
            if holders.is_empty() {
                self.held.remove(identity);
            }
        }
    }
}

fn store_rows(importer: &mut Importer, opened: &Opened, prepared: Prepared) -> Result<FileReport> {
    // Taken while the file is stored and put back only once it is committed, so a
    // failed transaction cannot leave the map ahead of the review.
    let mut identities = match importer.identities.take() {
        Some(identities) => identities,
        None => Identities::load(&importer.conn)?,
    };
    if importer.packaged.is_none() {
        importer.packaged = Some(load_packaged(&importer.conn)?);
    }
    let report = store_with(importer, opened, prepared, &mut identities)?;
    importer.identities = Some(identities);
    Ok(report)
}

fn store_with(
    importer: &mut Importer,
    opened: &Opened,
    prepared: Prepared,
    identities: &mut Identities,
) -> Result<FileReport> {
    let Prepared {
        sheet,
        header_row,
        rows: mut staged,
        missing_columns,
        nameless,
        university_source,
    } = prepared;
    let universities: BTreeSet<String> = staged
        .iter()
        .map(|r| r.nomination.university.clone())
        .filter(|u| !u.is_empty())
        .collect();
    let mut categories: Vec<String> = staged
        .iter()
        .map(|r| r.nomination.category_key.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let packaged = importer.packaged.as_deref().unwrap_or_default();
    let refusals = packaged_categories(&importer.conn, packaged, &universities, &categories)?;
    let refused_findings = refuse_packaged(&refusals, &sheet, &mut staged, &mut categories);

    // IMMEDIATE takes the write lock up front, where a busy review is waited for; a
    // deferred transaction that has read first gets SQLITE_BUSY at once instead when the
    // background checkpoint holds the lock.
    let tx = importer
        .conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let removed = remove_replaced(&tx, &universities, &categories, &refusals, identities)?;
    let mut report = FileReport {
        imported: true,
        university: universities.iter().next().cloned(),
        university_source: Some(university_source),
        sheet: Some(sheet.clone()),
        ..FileReport::empty(opened.source.path())
    };
    report.problems.extend(missing_columns_finding(
        &sheet,
        header_row,
        &missing_columns,
    ));
    report.problems.extend(nameless);
    report.problems.extend(refused_findings);
    // Contents only lose their last nomination when a re-import removes some.
    let removed_any = !removed.names.is_empty();
    report.removed = removed
        .names
        .iter()
        .filter(|name| !staged.iter().any(|r| &r.nomination.display_name == *name))
        .cloned()
        .collect();
    let mut file = FileWrite {
        tx: &tx,
        opened,
        sheet: &sheet,
        allowances: &importer.allowances,
        used: std::collections::HashMap::new(),
        refused: std::collections::HashMap::new(),
        not_attached: 0,
        report,
    };
    for row in staged {
        file.store_row(row, identities, &removed.identities)?;
    }
    let FileWrite {
        used,
        not_attached,
        mut report,
        ..
    } = file;
    material_findings(opened, &used, not_attached, &mut report);
    if removed_any {
        store::materials::remove_orphans(&tx)?;
    }
    audit::append(
        &tx,
        &importer.at,
        &importer.actor,
        "import.file",
        &serde_json::json!({
            "file": report.file,
            "universities": universities,
            "university_source": report.university_source,
            "categories": categories,
            "accepted": report.accepted,
            "flagged": report.flagged,
            "materials": report.materials,
            "added": report.added,
            "removed": report.removed,
            "missing_columns": missing_columns,
            "refused_packaged": refusals.iter().map(|(u, c, p)| serde_json::json!({"university": u, "category": c, "package": p.hash})).collect::<Vec<_>>(),
            "not_imported_rows": report.problems.iter().filter(|p| p.code == "no_name").map(|p| p.row).collect::<Vec<_>>(),
        }),
    )?;
    tx.commit()?;
    Ok(report)
}

/// Replacing rows a package already holds would delete them and their scores with them:
/// once a package holding a university's nominations in a category has gone out, that
/// category is refused from its workbook (its rows leave `staged`, and `categories` keeps
/// only those still sent), and changes go through corrections (`corrections`), which keep
/// each nomination's identity. One finding per refused university and category.
fn refuse_packaged(
    refusals: &[(String, String, &Packaged)],
    sheet: &str,
    staged: &mut Vec<StagedRow>,
    categories: &mut Vec<String>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (university, category, package) in refusals {
        let Some(first) = staged.iter().find(|r| {
            &r.nomination.university == university && &r.nomination.category_key == category
        }) else {
            continue;
        };
        let short = package.hash.get(..12).unwrap_or(&package.hash);
        findings.push(Finding {
            sheet: sheet.to_string(),
            row: first.nomination.source_row,
            column: String::new(),
            code: "category_packaged".into(),
            message_zh: format!(
                "{university}在类别“{category}”的推荐对象已随评审包（{} 生成，校验值 {short}）发给专家，本表中该类别的各行未导入，原有推荐对象保持不变；如需修改，请在“推荐对象”中逐条更正或撤回",
                package.built_at
            ),
            message_en: format!(
                "{university}'s nominations in category \"{category}\" went out in the panel package built {} (hash {short}): this workbook's rows in that category were not imported and the stored ones are unchanged; correct or withdraw them one by one under Nominations instead",
                package.built_at
            ),
        });
    }
    if !refusals.is_empty() {
        staged.retain(|r| {
            !refusals
                .iter()
                .any(|(u, c, _)| u == &r.nomination.university && c == &r.nomination.category_key)
        });
        categories.retain(|c| staged.iter().any(|r| &r.nomination.category_key == c));
    }
    findings
}

/// What a re-import removed: the names (for the report) and identities (so a returning
/// nomination is not reported as added).
struct Removed {
    names: Vec<String>,
    identities: BTreeSet<String>,
}

/// Removes the nominations this file replaces: each university's earlier rows in the
/// categories it sends again, except those refused as packaged.
fn remove_replaced(
    tx: &rusqlite::Transaction,
    universities: &BTreeSet<String>,
    categories: &[String],
    refusals: &[(String, String, &Packaged)],
    identities: &mut Identities,
) -> Result<Removed> {
    let mut removed = Removed {
        names: Vec::new(),
        identities: BTreeSet::new(),
    };
    for u in universities {
        let replaced: Vec<String> = categories
            .iter()
            .filter(|c| !refusals.iter().any(|(ru, rc, _)| ru == u && rc == *c))
            .cloned()
            .collect();
        for n in nominations::remove_for_university(tx, u, &replaced)? {
            identities.remove(&n.identity, u);
            removed.names.push(n.display_name);
            removed.identities.insert(n.identity);
        }
    }
    Ok(removed)
}

/// One finding for the file when its header lacks required columns.
fn missing_columns_finding(
    sheet: &str,
    header_row: usize,
    missing_columns: &[&str],
) -> Option<Finding> {
    (!missing_columns.is_empty()).then(|| Finding {
        sheet: sheet.to_string(),
        row: header_row as u32 + 1,
        column: String::new(),
        code: "missing_columns".into(),
        message_zh: format!(
            "工作表“{}”第 {} 行的表头缺少必填栏目：{}",
            sheet,
            header_row + 1,
            missing_columns.join("、")
        ),
        message_en: format!(
            "The header in row {} of sheet \"{}\" lacks required columns: {}",
            header_row + 1,
            sheet,
            missing_columns.join(", ")
        ),
    })
}

/// One file being written in its transaction: what storing its rows shares.
struct FileWrite<'a> {
    tx: &'a rusqlite::Transaction<'a>,
    opened: &'a Opened,
    sheet: &'a str,
    allowances: &'a std::collections::HashMap<String, u32>,
    /// Material files stored so far, by name (their bytes' hash once stored).
    used: std::collections::HashMap<String, Vec<u8>>,
    /// Material files refused, by name, with why.
    refused: std::collections::HashMap<String, super::material_type::NotAllowed>,
    not_attached: usize,
    report: FileReport,
}

impl FileWrite<'_> {
    /// Inserts one nomination with its materials and flags: duplicates (within the file
    /// too, since rows are added as they are inserted), the allowance, materials missing
    /// or not allowed, and the row's own findings.
    fn store_row(
        &mut self,
        row: StagedRow,
        identities: &mut Identities,
        removed: &BTreeSet<String>,
    ) -> Result<()> {
        let n = &row.nomination;
        let earlier = (!n.identity.is_empty())
            .then(|| identities.holder(&n.identity).map(str::to_string))
            .flatten();
        let mut row_flags = row.eligibility;
        let id = nominations::insert_encoded(self.tx, n)?;
        if !n.identity.is_empty() {
            identities.add(n.identity.clone(), n.university.clone());
            if let Some(other) = earlier {
                row_flags.push((
                    FlagKind::Duplicate.code().to_string(),
                    format!("与{other}的另一条推荐重复（同一人员或单位）"),
                    format!("Duplicates another nomination from {other} (same person or unit)"),
                ));
            } else if !removed.contains(&n.identity) {
                self.report.added.push(n.display_name.clone());
            }
        }
        if let Some(limit) = self
            .allowances
            .get(&n.category_key)
            .filter(|&&l| row.sent > l)
        {
            let (university, sent) = (&n.university, row.sent);
            row_flags.push((
                "over_allowance".into(),
                format!("{university}在本类别推荐了 {sent} 项，超过每校限报的 {limit} 项"),
                format!(
                    "{university} sent {sent} nominations in this category; the allowance is {limit}"
                ),
            ));
        }
        row_flags.extend(self.attach_materials(id, n, &row.materials)?);
        if let Some((zh, en)) = row.invalid_fields {
            row_flags.push(("invalid_fields".into(), zh, en));
        }
        for (code, zh, en) in &row_flags {
            flags::insert(self.tx, id, code, zh, en)?;
            self.report.flags.push(Finding {
                sheet: self.sheet.to_string(),
                row: n.source_row,
                column: String::new(),
                code: code.clone(),
                message_zh: format!("第 {} 行 {}：{zh}", n.source_row, n.display_name),
                message_en: format!("row {} {}: {en}", n.source_row, n.display_name),
            });
        }
        self.report.problems.extend(row.problems);
        self.report.accepted += 1;
        self.report.flagged += u32::from(!row_flags.is_empty());
        Ok(())
    }

    /// Stores the materials a row names; returns the flags for those not allowed and
    /// (in a package) those missing.
    fn attach_materials(
        &mut self,
        id: i64,
        n: &crate::store::nominations::EncodedNomination,
        materials: &[String],
    ) -> Result<Vec<(String, String, String)>> {
        let workbook_path = self.opened.source.path();
        let mut row_flags = Vec::new();
        let mut missing = Vec::new();
        for named in materials {
            let attached = attach_material(
                self.tx,
                self.opened,
                id,
                named,
                &mut self.used,
                &mut self.refused,
            )?;
            match attached {
                Attached::Stored => self.report.materials += 1,
                Attached::NotAllowed(name) => {
                    let why = &self.refused[&name];
                    row_flags.push((
                        "material_not_allowed".into(),
                        why.message_zh(&name),
                        why.message_en(&name),
                    ));
                }
                Attached::Missing => missing.push(named.clone()),
                Attached::Unreadable(e) => {
                    self.report.problems.push(Finding {
                        sheet: self.sheet.to_string(),
                        row: n.source_row,
                        column: String::new(),
                        code: e.code().into(),
                        message_zh: e.message_zh(workbook_path),
                        message_en: e.message_en(workbook_path),
                    });
                    missing.push(named.clone());
                }
            }
        }
        if !missing.is_empty() && self.opened.source.is_package() {
            row_flags.push((
                "missing_material".into(),
                format!("材料栏列出的文件不在报送包中：{}", missing.join("、")),
                format!(
                    "Materials named but not in the package: {}",
                    missing.join(", ")
                ),
            ));
        }
        self.not_attached += missing.len();
        Ok(row_flags)
    }
}

/// The (university, category) pairs of this file whose stored nominations a package
/// holds, with the first such package.
fn packaged_categories<'p>(
    conn: &rusqlite::Connection,
    packaged: &'p [Packaged],
    universities: &BTreeSet<String>,
    categories: &[String],
) -> Result<Vec<(String, String, &'p Packaged)>> {
    let mut refused = Vec::new();
    if packaged.is_empty() {
        return Ok(refused);
    }
    let mut stmt = conn
        .prepare_cached("SELECT id FROM nomination WHERE university = ?1 AND category_key = ?2")?;
    for university in universities {
        for category in categories {
            let ids: Vec<i64> = stmt
                .query_map(rusqlite::params![university, category], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if let Some(package) = packaged
                .iter()
                .find(|p| ids.iter().any(|id| p.nominations.contains(id)))
            {
                refused.push((university.clone(), category.clone(), package));
            }
        }
    }
    Ok(refused)
}

enum Attached {
    /// Read, but not a type that may travel (`material_type`): flagged, not stored.
    NotAllowed(String),
    Stored,
    Missing,
    Unreadable(PackageError),
}

/// Stores the material `named` for nomination `id`, if the package has it. `used` maps
/// each package file already read to its content, so a file named by every row of a
/// workbook is read once.
fn attach_material(
    tx: &rusqlite::Transaction,
    opened: &Opened,
    id: i64,
    named: &str,
    used: &mut std::collections::HashMap<String, Vec<u8>>,
    refused: &mut std::collections::HashMap<String, super::material_type::NotAllowed>,
) -> Result<Attached> {
    let Some(found) = opened.find(named) else {
        return Ok(Attached::Missing);
    };
    if !used.contains_key(&found.name) {
        match opened.read(found, &PackageLimits::default()) {
            Ok(content) => {
                if let Err(why) = super::material_type::check(&found.name, &content) {
                    refused.insert(found.name.clone(), why);
                    // Kept out of the review; an empty entry so it is not also reported
                    // as a file no row names.
                    used.insert(found.name.clone(), Vec::new());
                } else {
                    used.insert(found.name.clone(), content);
                }
            }
            Err(e) => return Ok(Attached::Unreadable(e)),
        }
    }
    if refused.contains_key(&found.name) {
        return Ok(Attached::NotAllowed(found.name.clone()));
    }
    let content = used.get(&found.name).map(Vec::as_slice).unwrap_or_default();
    store::materials::attach(tx, id, named, &found.name, content)?;
    Ok(Attached::Stored)
}

/// File-level findings about materials: files in a package that no row names, and
/// materials a bare workbook names but cannot bring.
fn material_findings(
    opened: &Opened,
    used: &std::collections::HashMap<String, Vec<u8>>,
    not_attached: usize,
    report: &mut FileReport,
) {
    let sheet = report.sheet.clone().unwrap_or_default();
    let extra: Vec<&str> = opened
        .materials
        .iter()
        .filter(|m| !used.contains_key(&m.name))
        .map(|m| m.name.as_str())
        .collect();
    if !extra.is_empty() {
        report.problems.push(Finding {
            sheet: sheet.clone(),
            row: 0,
            column: String::new(),
            code: "extra_material".into(),
            message_zh: format!(
                "报送包中有材料栏未列出的文件（未导入）：{}",
                extra.join("、")
            ),
            message_en: format!(
                "Files in the package that no 材料 cell names (not imported): {}",
                extra.join(", ")
            ),
        });
    }
    if not_attached > 0 && !opened.source.is_package() {
        report.problems.push(Finding {
            sheet,
            row: 0,
            column: String::new(),
            code: "materials_not_attached".into(),
            message_zh: format!(
                "材料栏列出了 {not_attached} 个文件，但本表是单独导入的，未附材料；如需一并导入，请把表格和材料放在同一文件夹或 zip 中"
            ),
            message_en: format!(
                "The 材料 column names {not_attached} files, but this workbook was imported on its own; to bring the materials, put the workbook and its materials in one folder or zip"
            ),
        });
    }
}
