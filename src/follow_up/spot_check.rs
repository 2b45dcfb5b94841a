//! Random spot checks (随机抽查) of the register: the draw, kept with everything needed
//! to re-run it, and its verification.
//!
//! The population is worked out from the register *as it stood at the draw*: units
//! entered before it, their status on its date, and the checks they had before it. So a
//! later verification recomputes the same population unless someone changed the register
//! behind the log's back, and then says which units differ.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::awarded_units::{self, AwardedUnit};
use super::cycle::Status;
use super::draw::{self, Member, Strata};
use crate::activity::Activity;
use crate::audit;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DrawParams {
    pub count: u32,
    pub strata: Strata,
    /// Only units of this activity; all when `None`.
    pub activity: Option<Activity>,
    /// Leave out units reviewed or drawn within this many months before the draw.
    pub exclude_checked_within_months: Option<u32>,
}

/// A draw as recorded: enough to re-run it without the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpotCheck {
    pub id: String,
    /// YYYY-MM-DD.
    pub drawn_on: String,
    pub seed: String,
    pub params: DrawParams,
    pub population: Vec<Member>,
    pub population_hash: String,
    /// Unit ids in lottery-number order.
    pub chosen: Vec<String>,
    pub drawn_at: String,
    pub actor: String,
}

/// A drawn unit as the notice and the screen list it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DrawnUnit {
    pub unit_id: String,
    pub name: String,
    pub university: String,
    pub activity_name_zh: String,
    pub category_zh: String,
    pub year: i32,
    pub stratum: String,
    pub lottery_number: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpotCheckView {
    pub check: SpotCheck,
    pub units: Vec<DrawnUnit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Verification {
    pub id: String,
    /// The recorded population still has the recorded digest.
    pub population_intact: bool,
    /// Re-running the draw from the seed gives the recorded list.
    pub same_list: bool,
    pub redrawn: Vec<String>,
    /// Checked against the register too (not when verifying an exported draw alone).
    pub against_register: bool,
    /// Units the register now says belonged in the population but the record lacks,
    /// and the other way round (`unit_id` or `unit_id (stratum)`).
    pub missing_from_record: Vec<String>,
    pub not_in_register: Vec<String>,
    pub ok: bool,
}

const MAX_SEED_CHARS: usize = 200;

fn check_seed(seed: &str) -> Result<&str> {
    let seed = seed.trim();
    if seed.is_empty() || seed.chars().count() > MAX_SEED_CHARS || seed.contains('\n') {
        return Err(Error::BadInput {
            zh: format!("随机种子应为一行文字，1 到 {MAX_SEED_CHARS} 个字符"),
            en: format!("the seed must be one line of 1 to {MAX_SEED_CHARS} characters"),
        });
    }
    Ok(seed)
}

/// `date` minus `months`, the day clamped to the target month's length.
fn months_before(date: time::Date, months: u32) -> time::Date {
    let index = date.year() as i64 * 12 + i64::from(u8::from(date.month())) - 1 - i64::from(months);
    let (year, month) = ((index / 12) as i32, (index % 12) as u8 + 1);
    let month = time::Month::try_from(month).unwrap_or(time::Month::January);
    let day = date.day().min(month.length(year));
    time::Date::from_calendar_date(year, month, day).unwrap_or(date)
}

fn stratum(unit: &AwardedUnit, strata: Strata) -> String {
    match strata {
        Strata::None => String::new(),
        Strata::University => unit.university.clone(),
        Strata::Activity => unit.activity_name_zh.clone(),
        Strata::Year => unit.year.to_string(),
    }
}

/// Earlier draws: (drawn_on, chosen ids) in the order they were made.
type DrawHistory = Vec<(String, Vec<String>)>;

fn history(conn: &Connection, before_rowid: Option<i64>) -> Result<DrawHistory> {
    let mut stmt = conn
        .prepare("SELECT drawn_on, chosen_json FROM spot_check WHERE rowid < ?1 ORDER BY rowid")?;
    let rows = stmt.query_map([before_rowid.unwrap_or(i64::MAX)], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (on, chosen) = row?;
        let chosen = serde_json::from_str(&chosen).map_err(|e| Error::Corrupt(e.to_string()))?;
        out.push((on, chosen));
    }
    Ok(out)
}

/// Who could be drawn on `drawn_on` by a draw made at `drawn_at`, given the draws made
/// before it.
fn population(
    units: &[AwardedUnit],
    earlier: &DrawHistory,
    params: &DrawParams,
    drawn_on: time::Date,
    drawn_at: &str,
) -> Vec<Member> {
    let on = drawn_on.to_string();
    let cutoff = params
        .exclude_checked_within_months
        .map(|m| months_before(drawn_on, m).to_string());
    let mut last_drawn: BTreeMap<&str, &str> = BTreeMap::new();
    for (day, chosen) in earlier {
        for id in chosen {
            let entry = last_drawn.entry(id.as_str()).or_default();
            if *entry < day.as_str() {
                *entry = day.as_str();
            }
        }
    }
    let mut members: Vec<Member> = units
        .iter()
        .filter(|u| u.entered_at.as_str() <= drawn_at)
        .filter(|u| params.activity.is_none_or(|a| a == u.activity))
        .filter(|u| {
            let initial = if u.build_start.is_some() {
                Status::Building
            } else {
                Status::Awarded
            };
            let status = u
                .events
                .iter()
                .rfind(|e| e.decided_on <= on)
                .map_or(initial, |e| e.status_after);
            status != Status::Revoked
        })
        .filter(|u| {
            let Some(cutoff) = &cutoff else { return true };
            let reviewed = u
                .events
                .iter()
                .filter(|e| e.stage.is_some() && e.decided_on <= on)
                .map(|e| e.decided_on.as_str())
                .max();
            let drawn = last_drawn.get(u.id.as_str()).copied();
            reviewed
                .max(drawn)
                .is_none_or(|last| last <= cutoff.as_str())
        })
        .map(|u| Member {
            unit_id: u.id.clone(),
            stratum: stratum(u, params.strata),
        })
        .collect();
    members.sort();
    members
}

/// Draws from the register and records the draw with its audit entry.
pub fn draw(
    register_path: &Path,
    params: &DrawParams,
    seed: &str,
    drawn_on: time::Date,
    at: &str,
    actor: &str,
) -> Result<SpotCheckView> {
    let seed = check_seed(seed)?;
    if params.count == 0 {
        return Err(Error::BadInput {
            zh: "抽查数量至少为 1".into(),
            en: "draw at least one unit".into(),
        });
    }
    let mut conn = awarded_units::open(register_path)?;
    let units = awarded_units::units(&conn, crate::follow_up::YearMonth::of_date(drawn_on))?;
    let earlier = history(&conn, None)?;
    let members = population(&units, &earlier, params, drawn_on, at);
    if members.is_empty() {
        return Err(Error::BadInput {
            zh: "按所选条件，登记册中没有可抽查的单位".into(),
            en: "no unit in the register matches the draw's conditions".into(),
        });
    }
    let chosen = draw::draw(seed, params.count as usize, &members);
    let population_hash = draw::population_hash(&members);
    let id = format!(
        "SC-{}-{}",
        drawn_on.to_string().replace('-', ""),
        &crate::keys::sha256_hex(format!("{seed}\n{population_hash}\n{at}").as_bytes())[..6]
            .to_uppercase()
    );
    let check = SpotCheck {
        id,
        drawn_on: drawn_on.to_string(),
        seed: seed.to_string(),
        params: params.clone(),
        population: members,
        population_hash,
        chosen,
        drawn_at: at.to_string(),
        actor: actor.to_string(),
    };
    let tx = conn.transaction()?;
    store_check(&tx, &check)?;
    audit::append(
        &tx,
        at,
        actor,
        "spot_check.drawn",
        &serde_json::json!({
            "id": check.id,
            "drawn_on": check.drawn_on,
            "seed": check.seed,
            "params": check.params,
            "population": check.population.len(),
            "population_hash": check.population_hash,
            "chosen": check.chosen,
        }),
    )?;
    tx.commit()?;
    view_of(&units, check)
}

pub(crate) fn store_check(tx: &rusqlite::Transaction, check: &SpotCheck) -> Result<()> {
    tx.execute(
        "INSERT INTO spot_check (id, drawn_on, seed, params_json, population_json, population_hash,
           chosen_json, drawn_at, actor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            check.id,
            check.drawn_on,
            check.seed,
            json(&check.params)?,
            json(&check.population)?,
            check.population_hash,
            json(&check.chosen)?,
            check.drawn_at,
            check.actor
        ],
    )?;
    Ok(())
}

fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Corrupt(e.to_string()))
}

fn read_check(r: &rusqlite::Row) -> rusqlite::Result<(i64, [String; 9])> {
    Ok((
        r.get(0)?,
        [
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
            r.get(8)?,
            r.get(9)?,
        ],
    ))
}

fn parse_check(fields: [String; 9]) -> Result<SpotCheck> {
    let [id, drawn_on, seed, params, population, population_hash, chosen, drawn_at, actor] = fields;
    let bad = |e: serde_json::Error| Error::Corrupt(format!("spot check {id}: {e}"));
    Ok(SpotCheck {
        params: serde_json::from_str(&params).map_err(bad)?,
        population: serde_json::from_str(&population).map_err(bad)?,
        chosen: serde_json::from_str(&chosen).map_err(bad)?,
        id,
        drawn_on,
        seed,
        population_hash,
        drawn_at,
        actor,
    })
}

const SELECT: &str =
    "SELECT rowid, id, drawn_on, seed, params_json, population_json, population_hash,
                             chosen_json, drawn_at, actor FROM spot_check";

pub fn list(conn: &Connection) -> Result<Vec<SpotCheck>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY rowid"))?;
    let rows = stmt
        .query_map([], read_check)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(|(_, f)| parse_check(f)).collect()
}

fn find(conn: &Connection, id: &str) -> Result<(i64, SpotCheck)> {
    let row = conn
        .query_row(&format!("{SELECT} WHERE id = ?1"), [id.trim()], read_check)
        .optional()?
        .ok_or_else(|| Error::BadInput {
            zh: format!("没有编号为 {id} 的抽查记录"),
            en: format!("no spot check {id}"),
        })?;
    Ok((row.0, parse_check(row.1)?))
}

fn view_of(units: &[AwardedUnit], check: SpotCheck) -> Result<SpotCheckView> {
    let strata: BTreeMap<&str, &str> = check
        .population
        .iter()
        .map(|m| (m.unit_id.as_str(), m.stratum.as_str()))
        .collect();
    let drawn = check
        .chosen
        .iter()
        .map(|id| {
            let unit = units.iter().find(|u| &u.id == id);
            DrawnUnit {
                unit_id: id.clone(),
                name: unit.map_or_else(|| "（登记册中已无此单位）".into(), |u| u.name.clone()),
                university: unit.map_or_else(String::new, |u| u.university.clone()),
                activity_name_zh: unit.map_or_else(String::new, |u| u.activity_name_zh.clone()),
                category_zh: unit.map_or_else(String::new, |u| u.category_zh.clone()),
                year: unit.map_or(0, |u| u.year),
                stratum: strata.get(id.as_str()).unwrap_or(&"").to_string(),
                lottery_number: draw::lottery_number(&check.seed, id),
            }
        })
        .collect();
    Ok(SpotCheckView {
        check,
        units: drawn,
    })
}

pub fn views(register_path: &Path) -> Result<Vec<SpotCheckView>> {
    let conn = awarded_units::open(register_path)?;
    let units = awarded_units::units(&conn, crate::follow_up::YearMonth::new(2100, 12)?)?;
    list(&conn)?
        .into_iter()
        .rev()
        .map(|c| view_of(&units, c))
        .collect()
}

pub fn view(register_path: &Path, id: &str) -> Result<SpotCheckView> {
    let conn = awarded_units::open(register_path)?;
    let units = awarded_units::units(&conn, crate::follow_up::YearMonth::new(2100, 12)?)?;
    view_of(&units, find(&conn, id)?.1)
}

/// Re-runs a recorded draw from its seed and population alone: what anyone holding the
/// exported draw can check.
pub fn verify_record(check: &SpotCheck) -> Verification {
    let population_intact = draw::population_hash(&check.population) == check.population_hash;
    let redrawn = draw::draw(&check.seed, check.params.count as usize, &check.population);
    let same_list = redrawn == check.chosen;
    Verification {
        id: check.id.clone(),
        population_intact,
        same_list,
        redrawn,
        against_register: false,
        missing_from_record: Vec::new(),
        not_in_register: Vec::new(),
        ok: population_intact && same_list,
    }
}

/// Re-runs a draw and recomputes its population from the register as it stood then.
pub fn verify(register_path: &Path, id: &str) -> Result<Verification> {
    let conn = awarded_units::open(register_path)?;
    let (rowid, check) = find(&conn, id)?;
    let mut out = verify_record(&check);
    let drawn_on = time::Date::parse(
        &check.drawn_on,
        &time::format_description::well_known::Iso8601::DATE,
    )
    .map_err(|e| Error::Corrupt(format!("spot check {}: {e}", check.id)))?;
    let units = awarded_units::units(&conn, crate::follow_up::YearMonth::of_date(drawn_on))?;
    let earlier = history(&conn, Some(rowid))?;
    let now: BTreeSet<Member> =
        population(&units, &earlier, &check.params, drawn_on, &check.drawn_at)
            .into_iter()
            .collect();
    let recorded: BTreeSet<Member> = check.population.iter().cloned().collect();
    let label = |m: &Member| {
        if m.stratum.is_empty() {
            m.unit_id.clone()
        } else {
            format!("{} ({})", m.unit_id, m.stratum)
        }
    };
    out.against_register = true;
    out.missing_from_record = now.difference(&recorded).map(label).collect();
    out.not_in_register = recorded.difference(&now).map(label).collect();
    out.ok = out.ok && out.missing_from_record.is_empty() && out.not_in_register.is_empty();
    Ok(out)
}

/// The draw as a JSON file anyone can re-check with `paneldesk spot-check verify --file`.
pub fn export_json(register_path: &Path, id: &str) -> Result<String> {
    let conn = awarded_units::open(register_path)?;
    serde_json::to_string_pretty(&find(&conn, id)?.1).map_err(|e| Error::Corrupt(e.to_string()))
}

/// Reads an exported draw; sizes are bounded because the file comes from outside.
pub fn read_json(bytes: &[u8], origin: &str) -> Result<SpotCheck> {
    const MAX: usize = 64 * 1024 * 1024;
    if bytes.len() > MAX {
        return Err(Error::BadInput {
            zh: format!("{origin}：文件过大，不是抽查记录"),
            en: format!("{origin}: too large to be a spot-check record"),
        });
    }
    serde_json::from_slice(bytes).map_err(|e| Error::BadInput {
        zh: format!(
            "{origin}：不是有效的抽查记录（第 {} 行第 {} 列：{e}）",
            e.line(),
            e.column()
        ),
        en: format!(
            "{origin}: not a spot-check record (line {}, column {}: {e})",
            e.line(),
            e.column()
        ),
    })
}
