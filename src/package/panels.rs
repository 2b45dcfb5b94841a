//! Several panels in one review: which packages are current, and what each panel scores.
//!
//! A review can be scored by one panel (a package of the whole review) or split: by
//! category (each panel its own categories and experts), or one category cut into groups
//! that score different nominations. Each panel's newest package is current; building a
//! whole-review package replaces every panel, and building a panel's package replaces
//! that panel's earlier one and any whole-review package before it. Current panels never
//! share a nomination, so their marks join into one result without a question of whose
//! counts (see `results::load_marks`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::Review;
use crate::package::{Group, PanelPackage, PanelScope};

const NAME_MAX: usize = 40;

fn bad(zh: String, en: String) -> Error {
    Error::BadInput { zh, en }
}

/// The packages results are computed from, oldest first, with their hashes.
pub fn current(conn: &rusqlite::Connection) -> Result<Vec<(String, PanelPackage)>> {
    // Insertion order is build order, whatever the laptop's clock said at the time. A
    // stale package (its rubric was edited after it went out, see `rubric`) is current
    // for nobody: its bundles no longer count.
    let hashes: Vec<String> = conn
        .prepare("SELECT hash FROM panel_package WHERE stale_at IS NULL ORDER BY rowid")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut current: Vec<(String, PanelPackage)> = Vec::new();
    for hash in hashes {
        let package = package_for(conn, Path::new(&hash), &hash)?;
        if package.panel.is_whole() {
            current.clear();
        } else {
            current.retain(|(_, p)| !p.panel.is_whole() && p.panel.name != package.panel.name);
        }
        current.push((hash, package));
    }
    Ok(current)
}

/// Group `group.index` of `group.of` of `ids` (already in id order).
fn group_of(ids: &[i64], group: Group) -> Vec<i64> {
    let (n, of, index) = (ids.len(), group.of as usize, group.index as usize - 1);
    let start = n * index / of;
    let end = n * (index + 1) / of;
    ids[start..end].to_vec()
}

/// Checks `scope` against the review and narrows `review` to it: its categories,
/// experts and (not excluded) nominations. Refuses a panel that would share a nomination
/// with another current panel. Returns the scope as it will be signed.
pub fn narrow(
    conn: &rusqlite::Connection,
    review: &mut Review,
    excluded: &BTreeSet<i64>,
    scope: &PanelScope,
) -> Result<PanelScope> {
    let scope = as_signed(review, scope);
    if scope.is_whole() {
        review.nominations.retain(|n| !excluded.contains(&n.id));
        return Ok(scope);
    }
    check_name(&scope.name)?;
    check_members(review, &scope)?;
    if let Some(group) = scope.group {
        check_group(group)?;
    }
    keep_only(review, &scope, excluded);
    check_something_to_score(review, &scope.name)?;
    check_shares_nothing(conn, review, &scope.name)?;
    Ok(scope)
}

/// The scope as it will be signed: the name trimmed, categories in the review's order and
/// experts by number, each once.
fn as_signed(review: &Review, scope: &PanelScope) -> PanelScope {
    let mut scope = scope.clone();
    scope.name = scope.name.trim().to_string();
    scope.categories.sort_by_key(|k| {
        review
            .categories
            .iter()
            .position(|c| &c.key == k)
            .unwrap_or(usize::MAX)
    });
    scope.categories.dedup();
    scope.experts.sort_unstable();
    scope.experts.dedup();
    scope
}

fn check_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(bad(
            "请为评审组命名（如“第一组”）：只评部分类别、部分专家或分组时必须有组名".into(),
            "name the panel (e.g. Group 1): a panel scoring part of the review needs a name".into(),
        ));
    }
    if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err(bad(
            format!("评审组名称过长或含控制字符（最多 {NAME_MAX} 个字）"),
            format!(
                "the panel name is longer than {NAME_MAX} characters or has control characters"
            ),
        ));
    }
    Ok(())
}

/// Every category and expert the scope names is the review's.
fn check_members(review: &Review, scope: &PanelScope) -> Result<()> {
    for key in &scope.categories {
        if !review.categories.iter().any(|c| &c.key == key) {
            return Err(Error::UnknownCategory { key: key.clone() });
        }
    }
    for id in &scope.experts {
        if !review.experts.iter().any(|e| e.id == *id) {
            return Err(bad(
                format!("名单中没有编号为 {id} 的专家"),
                format!("no expert number {id} on the roster"),
            ));
        }
    }
    Ok(())
}

fn check_group(g: Group) -> Result<()> {
    if !(2..=50).contains(&g.of) || g.index == 0 || g.index > g.of {
        return Err(bad(
            format!(
                "分组应为“第 i 组，共 n 组”，2 ≤ n ≤ 50，1 ≤ i ≤ n：{}/{}",
                g.index, g.of
            ),
            format!(
                "a group is i of n, 2 ≤ n ≤ 50, 1 ≤ i ≤ n: {}/{}",
                g.index, g.of
            ),
        ));
    }
    Ok(())
}

/// Leaves in `review` only the scope's categories, experts and (not excluded)
/// nominations; no categories or no experts named means all of them.
fn keep_only(review: &mut Review, scope: &PanelScope, excluded: &BTreeSet<i64>) {
    if !scope.categories.is_empty() {
        review
            .categories
            .retain(|c| scope.categories.contains(&c.key));
    }
    if !scope.experts.is_empty() {
        review.experts.retain(|e| scope.experts.contains(&e.id));
    }
    // Groups are cut over every nomination of the category, excluded or not, so a
    // nomination excluded between two panels' packages does not shift the boundary.
    let mut chosen: BTreeSet<i64> = BTreeSet::new();
    for c in &review.categories {
        let mut ids: Vec<i64> = review
            .nominations
            .iter()
            .filter(|n| n.category_key == c.key)
            .map(|n| n.id)
            .collect();
        ids.sort_unstable();
        chosen.extend(match scope.group {
            Some(g) => group_of(&ids, g),
            None => ids,
        });
    }
    review
        .nominations
        .retain(|n| chosen.contains(&n.id) && !excluded.contains(&n.id));
}

fn check_something_to_score(review: &Review, name: &str) -> Result<()> {
    if review.nominations.is_empty() {
        return Err(bad(
            format!("评审组“{name}”没有要评的推荐对象"),
            format!("panel {name} has no nominations to score"),
        ));
    }
    if review.experts.is_empty() {
        return Err(bad(
            format!("评审组“{name}”没有专家"),
            format!("panel {name} has no experts"),
        ));
    }
    Ok(())
}

/// No other current panel (a whole-review package is replaced, and so is this panel's own
/// earlier one) scores any of the nominations left in `review`.
fn check_shares_nothing(conn: &rusqlite::Connection, review: &Review, name: &str) -> Result<()> {
    let mine: BTreeSet<i64> = review.nominations.iter().map(|n| n.id).collect();
    for (_, other) in current(conn)? {
        if other.panel.is_whole() || other.panel.name == name {
            continue;
        }
        let shared: Vec<&str> = other
            .nominations
            .iter()
            .filter(|n| mine.contains(&n.id))
            .map(|n| n.display_name.as_str())
            .collect();
        if !shared.is_empty() {
            let some = shared
                .iter()
                .take(3)
                .copied()
                .collect::<Vec<_>>()
                .join("、");
            return Err(bad(
                format!(
                    "评审组“{name}”与“{}”有 {} 个相同的推荐对象（如 {some}）：每个推荐对象只能由一个评审组评审",
                    other.panel.name,
                    shared.len()
                ),
                format!(
                    "panels {name} and {} share {} nominations (e.g. {some}): each nomination is scored by one panel",
                    other.panel.name,
                    shared.len()
                ),
            ));
        }
    }
    Ok(())
}

/// How many experts are expected to score each nomination: its panel's roster size.
pub fn expected_experts(packages: &[(String, PanelPackage)]) -> BTreeMap<i64, u32> {
    let mut expected = BTreeMap::new();
    for (_, p) in packages {
        for n in &p.nominations {
            expected.insert(n.id, p.experts.len() as u32);
        }
    }
    expected
}

/// The manifest of a package built from this review, as it was signed.
pub fn package_for(conn: &rusqlite::Connection, file: &Path, hash: &str) -> Result<PanelPackage> {
    let manifest: Option<Vec<u8>> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT manifest FROM panel_package WHERE hash = ?1",
        [hash],
        |r| r.get(0),
    ))?;
    let Some(bytes) = manifest else {
        return Err(Error::Refused {
            path: file.to_path_buf(),
            refusal: crate::refusal::Refusal::OtherPackage {
                found: hash.to_string(),
            },
        });
    };
    super::parse_manifest(file, &bytes, super::FORMAT, super::VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_cover_every_nomination_once_in_runs_as_equal_as_they_can_be() {
        let ids: Vec<i64> = (1..=10).collect();
        let parts: Vec<Vec<i64>> = (1..=3)
            .map(|index| group_of(&ids, Group { index, of: 3 }))
            .collect();
        assert_eq!(parts, vec![vec![1, 2, 3], vec![4, 5, 6], vec![7, 8, 9, 10]]);
        let two: Vec<usize> = (1..=2)
            .map(|index| group_of(&ids[..1], Group { index, of: 2 }).len())
            .collect();
        assert_eq!(two, vec![0, 1]);
    }
}
