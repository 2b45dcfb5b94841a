//! The clerk's expert roster: who is on the panel before the package goes out.
//!
//! Every expert on the roster is expected to score, and experts are recused from their
//! own institution's nominations automatically, so the institution is required. Once a
//! panel package has been built the roster has left the office with it: an expert can
//! still be added (for the next package) but no longer removed, because bundles, pinned
//! keys and the printed score sheets all name experts by their roster number.

use std::path::Path;

use rusqlite::OptionalExtension;

use crate::audit;
use crate::error::{Error, Result};
use crate::model::Expert;
use crate::store::{self, experts::NewExpert};

const NAME_MAX: usize = 40;
const INSTITUTION_MAX: usize = 80;

fn bad(zh: String, en: String) -> Error {
    Error::BadInput { zh, en }
}

/// Trims the fields and checks them; the returned entry is what is stored.
fn checked(new: &NewExpert) -> Result<NewExpert> {
    let clean = NewExpert {
        name: new.name.trim().to_string(),
        institution: new.institution.trim().to_string(),
        title: new.title.trim().to_string(),
    };
    if clean.name.is_empty() {
        return Err(bad(
            "专家姓名不能为空".into(),
            "the expert's name is empty".into(),
        ));
    }
    if clean.institution.is_empty() {
        return Err(bad(
            format!(
                "请填写专家「{}」的工作单位：本单位的推荐对象要自动回避",
                clean.name
            ),
            format!(
                "enter {}'s institution: its nominations are recused automatically",
                clean.name
            ),
        ));
    }
    for (value, max, zh, en) in [
        (&clean.name, NAME_MAX, "姓名", "name"),
        (
            &clean.institution,
            INSTITUTION_MAX,
            "工作单位",
            "institution",
        ),
        (&clean.title, NAME_MAX, "职称", "title"),
    ] {
        if value.chars().count() > max {
            return Err(bad(
                format!("专家{zh}过长（最多 {max} 个字）：{value}"),
                format!("the expert's {en} is longer than {max} characters: {value}"),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(bad(
                format!("专家{zh}含有控制字符"),
                format!("the expert's {en} contains control characters"),
            ));
        }
    }
    Ok(clean)
}

/// Adds an expert to the roster.
pub fn add(path: &Path, new: &NewExpert, at: &str, actor: &str) -> Result<Expert> {
    let new = checked(new)?;
    let mut conn = store::open(path)?;
    let tx = conn.transaction()?;
    let exists: Option<i64> = tx
        .query_row(
            "SELECT id FROM expert WHERE name = ?1 AND institution = ?2",
            [&new.name, &new.institution],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = exists {
        return Err(bad(
            format!("名单中已有{}（{}），编号 {id}", new.name, new.institution),
            format!(
                "{} ({}) is already on the roster as number {id}",
                new.name, new.institution
            ),
        ));
    }
    let id = store::experts::insert(&tx, &new)?;
    audit::append(
        &tx,
        at,
        actor,
        "expert.added",
        &serde_json::json!({ "id": id, "name": new.name, "institution": new.institution, "title": new.title }),
    )?;
    tx.commit()?;
    Ok(Expert {
        id,
        name: new.name,
        institution: new.institution,
        title: new.title,
    })
}

/// Removes an expert, only while no panel package has been built.
pub fn remove(path: &Path, expert_id: i64, at: &str, actor: &str) -> Result<()> {
    let mut conn = store::open(path)?;
    let tx = conn.transaction()?;
    let expert = store::experts::read_all(&tx)?
        .into_iter()
        .find(|e| e.id == expert_id)
        .ok_or_else(|| {
            bad(
                format!("名单中没有编号为 {expert_id} 的专家"),
                format!("no expert number {expert_id} on the roster"),
            )
        })?;
    let packages: i64 = tx.query_row("SELECT count(*) FROM panel_package", [], |r| r.get(0))?;
    if packages > 0 {
        return Err(bad(
            format!(
                "评审包已生成，名单已随包发给专家，不能再移除{}。如需换人，请添加新专家并重新生成评审包",
                expert.name
            ),
            format!(
                "the panel package has been built and the roster went out with it: {} can no longer be removed. To replace an expert, add the new one and build the package again",
                expert.name
            ),
        ));
    }
    store::experts::remove(&tx, expert_id)?;
    audit::append(
        &tx,
        at,
        actor,
        "expert.removed",
        &serde_json::json!({ "id": expert.id, "name": expert.name, "institution": expert.institution }),
    )?;
    tx.commit()?;
    Ok(())
}
