//! The review row and its categories with their rubrics.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::activity::Activity;
use crate::error::{Error, Result};
use crate::model::{Category, Criterion, GradeLevel, GradeList, Rubric, ScoreBand, ScoringMode};

/// The review's own row: who it is, without its contents.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow {
    pub id: String,
    pub activity: Activity,
    pub year: i32,
    pub title_zh: String,
    pub title_en: String,
    pub created_at: String,
}

pub fn insert_review(tx: &Transaction, row: &ReviewRow) -> Result<()> {
    tx.execute(
        "INSERT INTO review (singleton, id, activity, year, title_zh, title_en, created_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            row.id,
            row.activity.code(),
            row.year,
            row.title_zh,
            row.title_en,
            row.created_at
        ],
    )?;
    Ok(())
}

pub fn read_review(conn: &Connection) -> Result<ReviewRow> {
    let row = conn
        .query_row(
            "SELECT id, activity, year, title_zh, title_en, created_at FROM review",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i32>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::Corrupt("review row missing / 缺少评审信息".into()))?;
    let activity = Activity::parse(&row.1)
        .map_err(|_| Error::Corrupt(format!("unknown activity {:?} / 未知活动", row.1)))?;
    Ok(ReviewRow {
        id: row.0,
        activity,
        year: row.2,
        title_zh: row.3,
        title_en: row.4,
        created_at: row.5,
    })
}

pub fn insert_categories(tx: &Transaction, categories: &[Category]) -> Result<()> {
    let mut cat = tx.prepare(
        "INSERT INTO category (key, position, name_zh, name_en, quota, quota_approximate, scoring_mode, allowance)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (position, c) in categories.iter().enumerate() {
        cat.execute(params![
            c.key,
            position as i64,
            c.name_zh,
            c.name_en,
            c.quota,
            c.quota_approximate,
            c.scoring_mode.code(),
            c.allowance
        ])?;
    }
    drop(cat);
    for c in categories {
        insert_rubric(tx, &c.key, &c.rubric)?;
        insert_grades(tx, c)?;
    }
    Ok(())
}

/// Writes a grade category's own list; the default list and other modes store no rows
/// (none reads as the default), so a file holds a list only where one was set.
fn insert_grades(tx: &Transaction, category: &Category) -> Result<()> {
    if category.scoring_mode != ScoringMode::Grade || category.grades.is_default() {
        return Ok(());
    }
    let mut grade = tx.prepare_cached(
        "INSERT INTO grade_level (category_key, position, key, name_zh, name_en, passes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (position, g) in category.grades.levels().iter().enumerate() {
        grade.execute(params![
            category.key,
            position as i64,
            g.key,
            g.name_zh,
            g.name_en,
            g.passes
        ])?;
    }
    Ok(())
}

/// Writes a category's criteria and their bands, in order.
fn insert_rubric(tx: &Transaction, category_key: &str, rubric: &Rubric) -> Result<()> {
    let mut crit = tx.prepare_cached(
        "INSERT INTO criterion (category_key, key, position, name_zh, name_en, max_points, step, guidance_zh, placeholder, weight)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut band = tx.prepare_cached(
        "INSERT INTO criterion_band (category_key, criterion_key, position, label, from_points, to_points)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (cpos, k) in rubric.criteria.iter().enumerate() {
        crit.execute(params![
            category_key,
            k.key,
            cpos as i64,
            k.name_zh,
            k.name_en,
            k.max_points,
            k.step,
            k.guidance_zh,
            k.placeholder,
            k.weight
        ])?;
        for (bpos, b) in k.bands.iter().enumerate() {
            band.execute(params![
                category_key,
                k.key,
                bpos as i64,
                b.label,
                b.from,
                b.to
            ])?;
        }
    }
    Ok(())
}

/// Replaces a category's scoring mode, rubric (criteria and bands) and grade list with
/// `category`'s. Leaving grade mode drops the list: it belongs to the mode.
pub fn replace_rubric(tx: &Transaction, category: &Category) -> Result<()> {
    let changed = tx.execute(
        "UPDATE category SET scoring_mode = ?2 WHERE key = ?1",
        params![category.key, category.scoring_mode.code()],
    )?;
    if changed == 0 {
        return Err(Error::UnknownCategory {
            key: category.key.clone(),
        });
    }
    // Bands go with their criteria (ON DELETE CASCADE).
    tx.execute(
        "DELETE FROM criterion WHERE category_key = ?1",
        [&category.key],
    )?;
    insert_rubric(tx, &category.key, &category.rubric)?;
    tx.execute(
        "DELETE FROM grade_level WHERE category_key = ?1",
        [&category.key],
    )?;
    insert_grades(tx, category)
}

pub fn read_categories(conn: &Connection) -> Result<Vec<Category>> {
    let mut stmt = conn.prepare(
        "SELECT key, name_zh, name_en, quota, quota_approximate, scoring_mode, allowance
         FROM category ORDER BY position",
    )?;
    let mut categories = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<u32>>(6)?,
            ))
        })?
        .map(|row| {
            let (key, name_zh, name_en, quota, quota_approximate, mode, allowance) = row?;
            let scoring_mode = ScoringMode::from_code(&mode)
                .ok_or_else(|| Error::Corrupt(format!("scoring mode {mode:?} / 评分方式")))?;
            Ok(Category {
                key,
                name_zh,
                name_en,
                quota,
                quota_approximate,
                allowance,
                scoring_mode,
                rubric: Rubric {
                    criteria: Vec::new(),
                },
                grades: GradeList::default(),
            })
        })
        .collect::<Result<Vec<_>>>()?;

    let mut crit = conn.prepare(
        "SELECT key, name_zh, name_en, max_points, step, guidance_zh, placeholder, weight
         FROM criterion WHERE category_key = ?1 ORDER BY position",
    )?;
    for category in &mut categories {
        category.rubric.criteria = crit
            .query_map([&category.key], |r| {
                Ok(Criterion {
                    key: r.get(0)?,
                    name_zh: r.get(1)?,
                    name_en: r.get(2)?,
                    max_points: r.get(3)?,
                    step: r.get(4)?,
                    guidance_zh: r.get(5)?,
                    placeholder: r.get(6)?,
                    bands: Vec::new(),
                    weight: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
    }
    let mut bands = conn.prepare(
        "SELECT category_key, criterion_key, label, from_points, to_points
         FROM criterion_band ORDER BY category_key, criterion_key, position",
    )?;
    let rows = bands
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                ScoreBand {
                    label: r.get(2)?,
                    from: r.get(3)?,
                    to: r.get(4)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (category_key, criterion_key, band) in rows {
        let criterion = categories
            .iter_mut()
            .filter(|c| c.key == category_key)
            .flat_map(|c| c.rubric.criteria.iter_mut())
            .find(|k| k.key == criterion_key);
        if let Some(k) = criterion {
            k.bands.push(band);
        }
    }
    read_grades(conn, &mut categories)?;
    Ok(categories)
}

/// Each category's own grade list, where it has one.
fn read_grades(conn: &Connection, categories: &mut [Category]) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT category_key, key, name_zh, name_en, passes
         FROM grade_level ORDER BY category_key, position",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                GradeLevel {
                    key: r.get(1)?,
                    name_zh: r.get(2)?,
                    name_en: r.get(3)?,
                    passes: r.get(4)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut lists: std::collections::BTreeMap<String, Vec<GradeLevel>> = Default::default();
    for (category_key, level) in rows {
        lists.entry(category_key).or_default().push(level);
    }
    for c in categories.iter_mut() {
        if let Some(levels) = lists.remove(&c.key) {
            c.grades = GradeList(levels);
        }
    }
    Ok(())
}

/// Sets how many nominations one university may send in a category (`None`: no limit).
/// Checked when workbooks are imported.
pub fn set_allowance(tx: &Transaction, category_key: &str, allowance: Option<u32>) -> Result<()> {
    let changed = tx.execute(
        "UPDATE category SET allowance = ?2 WHERE key = ?1",
        params![category_key, allowance],
    )?;
    if changed == 0 {
        return Err(Error::UnknownCategory {
            key: category_key.to_string(),
        });
    }
    Ok(())
}

/// Sets how many awards a category has. Results rank against the quota in force when
/// they are computed, so a quota settled after the package went out still counts.
pub fn set_quota(
    tx: &Transaction,
    category_key: &str,
    quota: u32,
    approximate: bool,
) -> Result<()> {
    let changed = tx.execute(
        "UPDATE category SET quota = ?2, quota_approximate = ?3 WHERE key = ?1",
        params![category_key, quota, approximate],
    )?;
    if changed == 0 {
        return Err(Error::UnknownCategory {
            key: category_key.to_string(),
        });
    }
    Ok(())
}

/// The quota of each category as the review holds it now: (quota, approximate).
pub fn quotas(conn: &Connection) -> Result<std::collections::BTreeMap<String, (u32, bool)>> {
    let mut stmt = conn.prepare("SELECT key, quota, quota_approximate FROM category")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?))))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn category_keys(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT key FROM category ORDER BY position")?;
    let keys = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(keys)
}
