//! Whole-review operations: create from a template, load, summarise, back up.
//!
//! Each write is one transaction that also appends its audit entry, so a review file
//! never holds a change without its record, or a record without its change.

use std::path::Path;

use crate::activity::Activity;
use crate::audit;
use crate::error::{Error, Result};
use crate::model::{Review, ReviewOutline, ReviewSummary};
use crate::privacy::{self, Privacy};
use crate::store::{self, experts, nominations, review_rows, review_rows::ReviewRow};
use crate::template;

/// What the clerk chooses when creating a review; id and clock come from the caller.
#[derive(Debug, Clone)]
pub struct NewReview {
    pub id: String,
    pub activity: Activity,
    pub year: i32,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub actor: String,
}

pub fn check_year(year: i32) -> Result<i32> {
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(Error::YearOutOfRange { year })
    }
}

/// Creates a review file at `path` with the activity's built-in categories and rubric.
pub fn create(path: &Path, new: &NewReview) -> Result<ReviewSummary> {
    check_year(new.year)?;
    let mut conn = store::create(path)?;
    let tx = conn.transaction()?;
    let row = ReviewRow {
        id: new.id.clone(),
        activity: new.activity,
        year: new.year,
        title_zh: format!("{}年{}评审", new.year, new.activity.name_zh()),
        title_en: format!("{} review: {}", new.year, new.activity.name_en()),
        created_at: new.created_at.clone(),
    };
    review_rows::insert_review(&tx, &row)?;
    let categories = template::categories(new.activity);
    review_rows::insert_categories(&tx, &categories)?;
    audit::append(
        &tx,
        &new.created_at,
        &new.actor,
        "review.created",
        &serde_json::json!({
            "review_id": row.id,
            "activity": new.activity.code(),
            "year": new.year,
            "categories": categories.iter().map(|c| &c.key).collect::<Vec<_>>(),
        }),
    )?;
    tx.commit()?;
    summary_of(&conn, path)
}

fn summary_of(conn: &rusqlite::Connection, path: &Path) -> Result<ReviewSummary> {
    let row = review_rows::read_review(conn)?;
    let n_categories: u32 = conn.query_row("SELECT count(*) FROM category", [], |r| r.get(0))?;
    Ok(ReviewSummary {
        id: row.id,
        path: path.display().to_string(),
        activity: row.activity,
        activity_name_zh: row.activity.name_zh().to_string(),
        activity_name_en: row.activity.name_en().to_string(),
        year: row.year,
        title_zh: row.title_zh,
        title_en: row.title_en,
        created_at: row.created_at,
        n_categories,
        n_experts: experts::count(conn)?,
        n_nominations: nominations::count(conn)?,
    })
}

pub fn summary(path: &Path) -> Result<ReviewSummary> {
    let conn = store::open(path)?;
    summary_of(&conn, path)
}

/// Loads the whole review; personal data masked unless `privacy` says otherwise.
pub fn load(path: &Path, privacy: Privacy) -> Result<Review> {
    let conn = store::open(path)?;
    let outline = outline_of(&conn)?;
    let mut nominations = nominations::read_all(&conn, outline.activity)?;
    for n in &mut nominations {
        privacy::apply(n, privacy);
    }
    Ok(outline.with_nominations(nominations))
}

/// The review without its nominations, which the window reads a page at a time
/// (`nomination_list`): opening a 30,000-nomination review reads a few rows.
pub fn outline(path: &Path) -> Result<ReviewOutline> {
    outline_of(&store::open(path)?)
}

fn outline_of(conn: &rusqlite::Connection) -> Result<ReviewOutline> {
    let row = review_rows::read_review(conn)?;
    let nomination_counts = nominations::count_by_category(conn)?;
    Ok(ReviewOutline {
        id: row.id,
        activity: row.activity,
        activity_name_zh: row.activity.name_zh().to_string(),
        activity_name_en: row.activity.name_en().to_string(),
        year: row.year,
        title_zh: row.title_zh,
        title_en: row.title_en,
        created_at: row.created_at,
        categories: review_rows::read_categories(conn)?,
        rules: crate::store::category_rules::in_force(
            conn,
            &crate::model::rule::ResultOptions::default(),
        )?,
        experts: experts::read_all(conn)?,
        n_nominations: nomination_counts.values().sum(),
        nomination_counts,
    })
}

/// Writes a consistent copy of the review to `dest` and records that it was taken.
pub fn backup(path: &Path, dest: &Path, at: &str, actor: &str) -> Result<()> {
    let mut conn = store::open(path)?;
    store::backup(&conn, dest)?;
    let tx = conn.transaction()?;
    audit::append(
        &tx,
        at,
        actor,
        "review.backed_up",
        &serde_json::json!({ "to": dest.display().to_string() }),
    )?;
    tx.commit()?;
    Ok(())
}

/// A review id that reads well in a file name and on the command line, e.g.
/// `2026-student_exemplar-3f2a9c1b`; `suffix` makes it unique and comes from the caller.
pub fn make_id(year: i32, activity: Activity, suffix: &str) -> String {
    format!("{year}-{}-{suffix}", activity.code())
}

/// Sets how many awards a category has (`approximate`: the "左右" quotas).
pub fn set_quota(
    path: &Path,
    category_key: &str,
    quota: u32,
    approximate: bool,
    at: &str,
    actor: &str,
) -> Result<()> {
    if !(1..=100_000).contains(&quota) {
        return Err(Error::BadInput {
            zh: format!("名额应在 1 到 100000 之间：{quota}"),
            en: format!("the quota must be 1 to 100000: {quota}"),
        });
    }
    let mut conn = store::open(path)?;
    let tx = conn.transaction()?;
    let before = review_rows::quotas(&tx)?.remove(category_key);
    review_rows::set_quota(&tx, category_key, quota, approximate)?;
    audit::append(
        &tx,
        at,
        actor,
        "category.quota_set",
        &serde_json::json!({
            "category": category_key,
            "quota": quota,
            "approximate": approximate,
            "before": before.map(|(q, a)| serde_json::json!({ "quota": q, "approximate": a })),
        }),
    )?;
    tx.commit()?;
    Ok(())
}

/// Sets how many nominations one university may send in a category; imports after this
/// flag the rows of a university over it.
pub fn set_allowance(
    path: &Path,
    category_key: &str,
    allowance: Option<u32>,
    at: &str,
    actor: &str,
) -> Result<()> {
    if let Some(n) = allowance {
        if !(1..=100_000).contains(&n) {
            return Err(Error::BadInput {
                zh: format!("每校限报数应在 1 到 100000 之间（不限时留空）：{n}"),
                en: format!(
                    "the allowance per university must be 1 to 100000 (leave it empty for no limit): {n}"
                ),
            });
        }
    }
    let mut conn = store::open(path)?;
    let tx = conn.transaction()?;
    let before = review_rows::read_categories(&tx)?
        .into_iter()
        .find(|c| c.key == category_key)
        .and_then(|c| c.allowance);
    review_rows::set_allowance(&tx, category_key, allowance)?;
    audit::append(
        &tx,
        at,
        actor,
        "category.allowance_set",
        &serde_json::json!({ "category": category_key, "allowance": allowance, "before": before }),
    )?;
    tx.commit()?;
    Ok(())
}
