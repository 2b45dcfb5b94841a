//! The register of awarded units (登记册): one SQLite file in the data folder that
//! outlives every review. Units enter it from a review's final results; mid-term and
//! acceptance outcomes and spot checks are recorded against them. Every change is one
//! transaction with its entry in the register's own hash-chained audit log.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::cycle::{self, Due, PastReview, Stage, Status, UnitKind, YearMonth};
use crate::activity::Activity;
use crate::audit;
use crate::error::{Error, Result};
use crate::import::honours::PastHonour;
use crate::merge::rank::Cut;
use crate::merge::results::{self, ResultOptions};
use crate::store;

/// "PDR1": marks a SQLite file as a PanelDesk register.
pub const APPLICATION_ID: i64 = 0x5044_5231;
pub const FILE_NAME: &str = "register.pdregister";

const MIGRATIONS: &[&str] = &[
    // 1: units, their review outcomes, spot-check draws, the audit log.
    concat!(
        r#"
    CREATE TABLE awarded_unit (
        id            TEXT PRIMARY KEY,
        activity      TEXT NOT NULL,
        name          TEXT NOT NULL,
        university    TEXT NOT NULL,
        category_key  TEXT NOT NULL,
        category_zh   TEXT NOT NULL,
        year          INTEGER NOT NULL,
        review_id     TEXT NOT NULL,
        nomination_id INTEGER NOT NULL,
        build_start   TEXT,
        build_end     TEXT,
        status        TEXT NOT NULL CHECK (status IN ('awarded', 'building', 'rectifying', 'accepted', 'revoked')),
        entered_at    TEXT NOT NULL,
        UNIQUE (review_id, nomination_id)
    ) STRICT;
    -- Mid-term and acceptance outcomes and the supervisor's own status changes, in the
    -- order they were decided; never edited.
    CREATE TABLE unit_event (
        id           INTEGER PRIMARY KEY,
        unit_id      TEXT NOT NULL REFERENCES awarded_unit(id),
        stage        TEXT CHECK (stage IN ('mid_term', 'acceptance')),
        recheck      INTEGER NOT NULL CHECK (recheck IN (0, 1)),
        passed       INTEGER CHECK (passed IN (0, 1)),
        grade        TEXT NOT NULL,
        status_after TEXT NOT NULL,
        decided_on   TEXT NOT NULL,
        review_id    TEXT NOT NULL,
        note         TEXT NOT NULL,
        UNIQUE (unit_id, review_id, stage)
    ) STRICT;
    CREATE TABLE spot_check (
        id              TEXT PRIMARY KEY,
        drawn_on        TEXT NOT NULL,
        seed            TEXT NOT NULL,
        params_json     TEXT NOT NULL,
        population_json TEXT NOT NULL,
        population_hash TEXT NOT NULL,
        chosen_json     TEXT NOT NULL,
        drawn_at        TEXT NOT NULL,
        actor           TEXT NOT NULL
    ) STRICT;
    CREATE TRIGGER unit_event_no_update BEFORE UPDATE ON unit_event
        BEGIN SELECT RAISE(ABORT, 'unit events are append-only'); END;
    CREATE TRIGGER spot_check_no_update BEFORE UPDATE ON spot_check
        BEGIN SELECT RAISE(ABORT, 'spot checks are append-only'); END;
    "#,
        crate::audit::audit_log_schema!()
    ),
    // 2: each unit's running number within its activity and year (`number`). A register
    // written before has its units numbered once here, in the order they were entered
    // and, within an entry, by nomination: the results' order that later entries follow
    // was not kept. The opaque id stays the key everything else refers to.
    r#"
    ALTER TABLE awarded_unit ADD COLUMN serial INTEGER NOT NULL DEFAULT 0;
    UPDATE awarded_unit SET serial = (
        SELECT count(*) FROM awarded_unit AS earlier
        WHERE earlier.activity = awarded_unit.activity AND earlier.year = awarded_unit.year
          AND (earlier.entered_at, earlier.review_id, earlier.nomination_id)
              <= (awarded_unit.entered_at, awarded_unit.review_id, awarded_unit.nomination_id)
    );
    CREATE UNIQUE INDEX awarded_unit_by_number ON awarded_unit (activity, year, serial);
    "#,
];

/// Opens the register, creating it on first use.
pub fn open(path: &Path) -> Result<Connection> {
    let fresh = !path.exists();
    let mut conn = store::open_creating(path)?;
    let not_register = || Error::BadInput {
        zh: format!("{}：不是 PanelDesk 登记册文件", path.display()),
        en: format!("{}: not a PanelDesk register file", path.display()),
    };
    if fresh {
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    } else {
        let id: i64 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|_| not_register())?;
        if id != APPLICATION_ID {
            return Err(not_register());
        }
    }
    store::configure(&conn)?;
    store::apply_migrations(&mut conn, path, MIGRATIONS)?;
    Ok(conn)
}

/// Every award in the register at `path`, read without writing a byte: `Ok(None)` when
/// there is no register yet. Import must never create, migrate or lock the supervisor's
/// file, so this does not go through [`open`]. A file that is not a readable register is
/// `RegisterUnreadable`.
pub fn read_honours(path: &Path) -> Result<Option<Vec<PastHonour>>> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
        Ok(_) => {}
    }
    let unreadable = |zh: &str, en: String| Error::RegisterUnreadable {
        path: path.to_path_buf(),
        reason_zh: zh.to_string(),
        reason_en: en,
    };
    // Read-write without CREATE: a read-only connection cannot open a WAL file whose
    // shared-memory file is gone; `query_only` keeps this connection from writing.
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .or_else(|_| {
        Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    })
    .map_err(|e| unreadable("无法打开", e.to_string()))?;
    conn.execute_batch("PRAGMA query_only = 1; PRAGMA busy_timeout = 5000;")
        .map_err(|e| unreadable("无法打开", e.to_string()))?;
    let id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| unreadable("不是 SQLite 数据库文件或已损坏", e.to_string()))?;
    if id != APPLICATION_ID {
        return Err(unreadable(
            "不是 PanelDesk 登记册文件",
            "not a PanelDesk register file".into(),
        ));
    }
    let damaged = |e: rusqlite::Error| unreadable("文件已损坏", e.to_string());
    let mut stmt = conn
        .prepare(
            "SELECT activity, name, university, category_zh, year, review_id, status
             FROM awarded_unit ORDER BY year, id",
        )
        .map_err(damaged)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i32>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })
        .map_err(damaged)?;
    let mut honours = Vec::new();
    for row in rows {
        let (activity, name, university, category_zh, year, review_id, status) =
            row.map_err(damaged)?;
        let bad_value = |what: &str| {
            unreadable(
                "文件中有无法识别的内容",
                format!("unknown {what} in the register"),
            )
        };
        honours.push(PastHonour {
            activity: Activity::parse(&activity).map_err(|_| bad_value("activity"))?,
            revoked: Status::parse(&status).ok_or_else(|| bad_value("status"))? == Status::Revoked,
            name,
            university,
            category_zh,
            year,
            review_id,
        });
    }
    Ok(Some(honours))
}

/// A review or decision in a unit's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnitEvent {
    /// `None` for the supervisor's own status change.
    pub stage: Option<Stage>,
    pub recheck: bool,
    pub passed: Option<bool>,
    /// What decided it: 优秀, 良好, 合格, 不合格, a score such as "82.50 / 100", or "—".
    pub grade: String,
    pub status_after: Status,
    /// YYYY-MM-DD.
    pub decided_on: String,
    /// The follow-up review it came from; empty for a status change.
    pub review_id: String,
    pub note: String,
}

/// Whom an award names: a unit (a university, a department, a branch, a studio — whose
/// register name is its branch's — or a case, which its unit reported) or a person (a
/// student exemplar). The register's name column is headed 单位 or 个人 by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Awardee {
    Unit,
    Person,
}

impl Awardee {
    pub fn of(activity: Activity) -> Awardee {
        match UnitKind::of(activity) {
            UnitKind::Student => Awardee::Person,
            UnitKind::University
            | UnitKind::Department
            | UnitKind::Branch
            | UnitKind::Studio
            | UnitKind::Case => Awardee::Unit,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Awardee::Unit => "单位",
            Awardee::Person => "个人",
        }
    }
}

/// The activity as a register number spells it: the short name offices use, since the
/// number is said aloud and printed in narrow columns ("双带头人工作室", not the full
/// 双带头人教师党支部书记工作室).
fn short_name_zh(activity: Activity) -> &'static str {
    match activity {
        Activity::ModelUniversity => "示范高校",
        Activity::BenchmarkDepartment => "标杆院系",
        Activity::ModelBranch => "样板支部",
        Activity::DualLeaderStudio => "双带头人工作室",
        Activity::StudentExemplar => "党员标兵",
        Activity::InnovationCase => "创新案例",
    }
}

/// A unit's readable number, `2024-样板支部-017`: the award's year, the activity's short
/// name, and its running number among that activity's awards of that year.
///
/// Year first, because a column of these sorts by year as plain text and reads as the
/// office says it (二〇二四年样板支部〇一七号); ASCII digits and hyphens, because the
/// number is typed back into searches and spreadsheets. The count runs over the activity
/// and year, not one review, so a supplementary review of the same year goes on from
/// where the first stopped and a number names one unit. Three digits hold any yearly
/// quota (200 exemplars at most); a larger count just grows a digit.
pub fn readable_number(activity: Activity, year: i32, serial: u32) -> String {
    format!("{year}-{}-{serial:03}", short_name_zh(activity))
}

/// The next free running number for `activity` in `year`.
pub(crate) fn next_serial(tx: &Transaction, activity: Activity, year: i32) -> Result<u32> {
    let last: u32 = tx.query_row(
        "SELECT coalesce(max(serial), 0) FROM awarded_unit WHERE activity = ?1 AND year = ?2",
        params![activity.code(), year],
        |r| r.get(0),
    )?;
    Ok(last + 1)
}

/// Whether `serial` is free for `activity` in `year`.
pub(crate) fn serial_free(
    tx: &Transaction,
    activity: Activity,
    year: i32,
    serial: u32,
) -> Result<bool> {
    let taken: i64 = tx.query_row(
        "SELECT count(*) FROM awarded_unit WHERE activity = ?1 AND year = ?2 AND serial = ?3",
        params![activity.code(), year, serial],
        |r| r.get(0),
    )?;
    Ok(taken == 0)
}

/// The running number in a readable number as `readable_number` writes it, if it is one
/// for `activity` and `year`.
pub(crate) fn serial_in(number: &str, activity: Activity, year: i32) -> Option<u32> {
    let prefix = format!("{year}-{}-", short_name_zh(activity));
    let digits = number.trim().strip_prefix(&prefix)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|n| *n > 0)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AwardedUnit {
    /// `AU-` and ten hex digits, derived from the review and nomination it came from: the
    /// key files and draws refer to, never shown alone where `number` can be.
    pub id: String,
    /// What the office says and prints: `2024-样板支部-017` (`readable_number`).
    pub number: String,
    pub activity: Activity,
    pub activity_name_zh: String,
    pub kind: UnitKind,
    /// Whether `name` names a unit or a person.
    // Spelled out for TypeScript: the shell's list of declared types is not this file's.
    #[cfg_attr(feature = "ts", ts(type = "\"unit\" | \"person\""))]
    pub awardee: Awardee,
    pub name: String,
    pub university: String,
    pub category_key: String,
    pub category_zh: String,
    pub year: i32,
    pub review_id: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub nomination_id: i64,
    pub build_start: Option<YearMonth>,
    pub build_end: Option<YearMonth>,
    pub status: Status,
    pub status_zh: String,
    pub entered_at: String,
    pub events: Vec<UnitEvent>,
    /// The review it owes next, if any.
    pub due: Option<Due>,
    /// `due` falls in or before the month the list was made for.
    pub due_now: bool,
    /// YYYY-MM-DD of its latest review or spot check.
    pub last_checked: Option<String>,
}

/// The register as the supervisor's screen shows it, for one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RegisterView {
    pub as_of: YearMonth,
    pub units: Vec<AwardedUnit>,
    pub due_mid_term: u32,
    pub due_acceptance: u32,
}

pub fn unit_id(review_id: &str, nomination_id: i64) -> String {
    let digest = crate::keys::sha256_hex(format!("{review_id}\n{nomination_id}").as_bytes());
    format!("AU-{}", digest[..10].to_uppercase())
}

fn events_by_unit(conn: &Connection) -> Result<BTreeMap<String, Vec<UnitEvent>>> {
    let mut stmt = conn.prepare(
        "SELECT unit_id, stage, recheck, passed, grade, status_after, decided_on, review_id, note
         FROM unit_event ORDER BY id",
    )?;
    let mut out: BTreeMap<String, Vec<UnitEvent>> = BTreeMap::new();
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, bool>(2)?,
            r.get::<_, Option<bool>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, String>(8)?,
        ))
    })?;
    for row in rows {
        let (unit, stage, recheck, passed, grade, status_after, decided_on, review_id, note) = row?;
        out.entry(unit).or_default().push(UnitEvent {
            stage: stage.as_deref().and_then(Stage::from_code),
            recheck,
            passed,
            grade,
            status_after: Status::parse(&status_after)
                .ok_or_else(|| Error::Corrupt(format!("status {status_after:?}")))?,
            decided_on,
            review_id,
            note,
        });
    }
    Ok(out)
}

/// The latest date each unit was drawn for a spot check.
fn last_drawn(conn: &Connection) -> Result<BTreeMap<String, String>> {
    let mut stmt = conn.prepare("SELECT drawn_on, chosen_json FROM spot_check")?;
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (drawn_on, chosen) = row?;
        let chosen: Vec<String> =
            serde_json::from_str(&chosen).map_err(|e| Error::Corrupt(e.to_string()))?;
        for id in chosen {
            let entry = out.entry(id).or_default();
            if *entry < drawn_on {
                *entry = drawn_on.clone();
            }
        }
    }
    Ok(out)
}

fn past_reviews(events: &[UnitEvent]) -> Vec<PastReview> {
    events
        .iter()
        .filter_map(|e| {
            Some(PastReview {
                stage: e.stage?,
                passed: e.passed?,
                recheck: e.recheck,
                decided: YearMonth::parse(&e.decided_on).ok()?,
            })
        })
        .collect()
}

/// Every unit, oldest award first, with what it owes as of `as_of`.
pub fn units(conn: &Connection, as_of: YearMonth) -> Result<Vec<AwardedUnit>> {
    let mut events = events_by_unit(conn)?;
    let drawn = last_drawn(conn)?;
    let mut stmt = conn.prepare(
        "SELECT id, activity, name, university, category_key, category_zh, year, review_id,
                nomination_id, build_start, build_end, status, entered_at, serial
         FROM awarded_unit ORDER BY year, activity, category_key, university, name, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, i32>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, i64>(8)?,
            r.get::<_, Option<String>>(9)?,
            r.get::<_, Option<String>>(10)?,
            r.get::<_, String>(11)?,
            r.get::<_, String>(12)?,
            r.get::<_, u32>(13)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let r = row?;
        let id = r.0;
        let activity =
            Activity::parse(&r.1).map_err(|_| Error::Corrupt(format!("activity {:?}", r.1)))?;
        let status =
            Status::parse(&r.11).ok_or_else(|| Error::Corrupt(format!("status {:?}", r.11)))?;
        let build_start = r.9.as_deref().map(YearMonth::parse).transpose()?;
        let build_end = r.10.as_deref().map(YearMonth::parse).transpose()?;
        let unit_events = events.remove(&id).unwrap_or_default();
        let due = cycle::next_due(build_start, status, &past_reviews(&unit_events));
        let last_review = unit_events.iter().map(|e| e.decided_on.clone()).max();
        let last_checked = last_review.into_iter().chain(drawn.get(&id).cloned()).max();
        out.push(AwardedUnit {
            id,
            number: readable_number(activity, r.6, r.13),
            activity,
            activity_name_zh: activity.name_zh().to_string(),
            kind: UnitKind::of(activity),
            awardee: Awardee::of(activity),
            name: r.2,
            university: r.3,
            category_key: r.4,
            category_zh: r.5,
            year: r.6,
            review_id: r.7,
            nomination_id: r.8,
            build_start,
            build_end,
            status,
            status_zh: status.name_zh().to_string(),
            entered_at: r.12,
            events: unit_events,
            due_now: due.is_some_and(|d| d.month <= as_of),
            due,
            last_checked,
        });
    }
    Ok(out)
}

pub fn view(path: &Path, as_of: YearMonth) -> Result<RegisterView> {
    let conn = open(path)?;
    let units = units(&conn, as_of)?;
    let count = |stage: Stage| {
        units
            .iter()
            .filter(|u| u.due_now && u.due.is_some_and(|d| d.stage == stage))
            .count() as u32
    };
    Ok(RegisterView {
        as_of,
        due_mid_term: count(Stage::MidTerm),
        due_acceptance: count(Stage::Acceptance),
        units,
    })
}

/// What entering a review's results did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Entered {
    pub review_id: String,
    /// Unit ids entered now.
    pub entered: Vec<String>,
    /// Awarded units that were already in the register (entering again changes nothing).
    pub already: u32,
}

/// Whether a review file is a mid-term or acceptance review (whose units are already in
/// the register and must not enter it again as new awards).
pub fn is_follow_up(conn: &Connection) -> Result<bool> {
    let n: i64 = conn.query_row("SELECT count(*) FROM follow_up", [], |r| r.get(0))?;
    Ok(n > 0)
}

/// Enters the units a review awarded (inside the quota, after the panel's decisions).
/// Refused while the award list is not final on `today` (`merge::readiness`): a tie at
/// the cut line, a winner's open finding, a 公示 not held or not over, an objection pending.
#[allow(clippy::too_many_arguments)]
pub fn enter_review(
    register_path: &Path,
    review_path: &Path,
    options: &ResultOptions,
    build_start: YearMonth,
    today: time::Date,
    at: &str,
    actor: &str,
) -> Result<Entered> {
    let review_conn = store::open(review_path)?;
    if is_follow_up(&review_conn)? {
        return Err(Error::BadInput {
            zh: "这是中期考核或验收评审，它的单位已在登记册中；请用“记入考核结果”".into(),
            en: "this is a mid-term or acceptance review whose units are already registered; apply its outcome instead".into(),
        });
    }
    let row = store::review_rows::read_review(&review_conn)?;
    // The review's audit head and results digest go into the register's own log: the
    // award list can later be checked against the review file it came from.
    let anchor = crate::audit::head(&review_conn)?;
    let publication = crate::readiness::Publication::load(&review_conn)?;
    drop(review_conn);
    let results = results::compute(review_path, options)?;
    let digest = crate::keys::sha256_hex(
        &serde_json::to_vec(&results).map_err(|e| Error::Corrupt(e.to_string()))?,
    );
    crate::readiness::require_awardable(
        &results,
        None,
        &publication,
        today,
        "登记获奖单位",
        "register the awards",
    )?;
    let cycle = cycle::has_build_cycle(row.activity);
    let (start, end) = if cycle {
        (
            Some(build_start),
            Some(build_start.plus_months(cycle::ACCEPTANCE_AFTER)),
        )
    } else {
        (None, None)
    };
    let status = if cycle {
        Status::Building
    } else {
        Status::Awarded
    };
    let mut conn = open(register_path)?;
    let tx = conn.transaction()?;
    let mut entered = Vec::new();
    let mut numbers = Vec::new();
    let mut already = 0;
    // Numbered in the results' order, category by category and best first, as the 公示
    // listed them; a unit already in the register keeps the number it has.
    let mut serial = next_serial(&tx, row.activity, row.year)?;
    for c in &results.categories {
        for n in c.nominations.iter().filter(|n| n.cut == Cut::In) {
            let id = unit_id(&row.id, n.nomination_id);
            let known: Option<i64> = tx
                .query_row("SELECT 1 FROM awarded_unit WHERE id = ?1", [&id], |r| {
                    r.get(0)
                })
                .optional()?;
            if known.is_some() {
                already += 1;
                continue;
            }
            tx.execute(
                "INSERT INTO awarded_unit (id, activity, name, university, category_key,
                   category_zh, year, review_id, nomination_id, build_start, build_end, status,
                   entered_at, serial)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                params![
                    id,
                    row.activity.code(),
                    n.display_name,
                    n.university,
                    c.key,
                    c.name_zh,
                    row.year,
                    row.id,
                    n.nomination_id,
                    start.map(|s| s.to_string()),
                    end.map(|s| s.to_string()),
                    status.code(),
                    at,
                    serial
                ],
            )?;
            numbers.push(readable_number(row.activity, row.year, serial));
            serial += 1;
            entered.push(id);
        }
    }
    if entered.is_empty() && already == 0 {
        return Err(Error::BadInput {
            zh: "这次评审没有入选的推荐对象，无可登记".into(),
            en: "no nomination of this review is inside the quota: nothing to register".into(),
        });
    }
    if !entered.is_empty() {
        audit::append(
            &tx,
            at,
            actor,
            "register.entered",
            &serde_json::json!({
                "review_id": row.id,
                "activity": row.activity.code(),
                "year": row.year,
                "build_start": start.map(|s| s.to_string()),
                "units": entered,
                "numbers": numbers,
                "review_anchor": anchor.map(|a| a.to_string()),
                "results_digest": digest,
            }),
        )?;
    }
    tx.commit()?;
    Ok(Entered {
        review_id: row.id,
        entered,
        already,
    })
}

pub(crate) fn unit_status(tx: &Transaction, unit_id: &str) -> Result<Status> {
    let code: Option<String> = tx
        .query_row(
            "SELECT status FROM awarded_unit WHERE id = ?1",
            [unit_id],
            |r| r.get(0),
        )
        .optional()?;
    let code = code.ok_or_else(|| Error::BadInput {
        zh: format!("登记册中没有编号为 {unit_id} 的单位"),
        en: format!("no unit {unit_id} in the register"),
    })?;
    Status::parse(&code).ok_or_else(|| Error::Corrupt(format!("status {code:?}")))
}

pub(crate) fn record_event(tx: &Transaction, unit_id: &str, event: &UnitEvent) -> Result<()> {
    tx.execute(
        "INSERT INTO unit_event (unit_id, stage, recheck, passed, grade, status_after, decided_on, review_id, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            unit_id,
            event.stage.map(Stage::code),
            event.recheck,
            event.passed,
            event.grade,
            event.status_after.code(),
            event.decided_on,
            event.review_id,
            event.note
        ],
    )?;
    tx.execute(
        "UPDATE awarded_unit SET status = ?2 WHERE id = ?1",
        params![unit_id, event.status_after.code()],
    )?;
    Ok(())
}

/// The supervisor's own change of a unit's status, e.g. revoking an award after a spot
/// check found it no longer deserved. A reason is required and audited.
pub fn set_status(
    path: &Path,
    unit_id: &str,
    status: Status,
    reason: &str,
    decided_on: time::Date,
    at: &str,
    actor: &str,
) -> Result<AwardedUnit> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::NoteRequired);
    }
    let mut conn = open(path)?;
    let tx = conn.transaction()?;
    let before = unit_status(&tx, unit_id)?;
    if before == status {
        return Err(Error::BadInput {
            zh: format!("单位 {unit_id} 的状态已是“{}”", status.name_zh()),
            en: format!("unit {unit_id} is already {}", status.code()),
        });
    }
    let event = UnitEvent {
        stage: None,
        recheck: false,
        passed: None,
        grade: "—".into(),
        status_after: status,
        decided_on: decided_on.to_string(),
        review_id: String::new(),
        note: reason.to_string(),
    };
    record_event(&tx, unit_id, &event)?;
    audit::append(
        &tx,
        at,
        actor,
        "register.status_set",
        &serde_json::json!({
            "unit": unit_id,
            "from": before.code(),
            "to": status.code(),
            "reason": reason,
            "decided_on": event.decided_on,
        }),
    )?;
    tx.commit()?;
    units(&conn, YearMonth::of_date(decided_on))?
        .into_iter()
        .find(|u| u.id == unit_id)
        .ok_or_else(|| Error::Corrupt(format!("unit {unit_id} vanished")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_reads_back_only_for_its_own_activity_and_year() {
        let n = readable_number(Activity::ModelBranch, 2024, 17);
        assert_eq!(n, "2024-样板支部-017");
        assert_eq!(serial_in(&n, Activity::ModelBranch, 2024), Some(17));
        assert_eq!(serial_in(&n, Activity::ModelBranch, 2025), None);
        assert_eq!(serial_in(&n, Activity::StudentExemplar, 2024), None);
        assert_eq!(
            readable_number(Activity::StudentExemplar, 2026, 1234),
            "2026-党员标兵-1234"
        );
        for bad in [
            "",
            "2024-样板支部-",
            "2024-样板支部-000",
            "2024-样板支部-1a",
        ] {
            assert_eq!(serial_in(bad, Activity::ModelBranch, 2024), None, "{bad}");
        }
    }

    #[test]
    fn only_student_exemplars_are_people() {
        for activity in Activity::ALL {
            let expected = if activity == Activity::StudentExemplar {
                Awardee::Person
            } else {
                Awardee::Unit
            };
            assert_eq!(Awardee::of(activity), expected, "{activity:?}");
        }
    }
}
