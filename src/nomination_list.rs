//! The clerk's list of nominations, a page at a time. A national batch holds 30,000:
//! the window never holds them all, it asks for the rows it shows.
//!
//! A search matches what the list shows, masked, so typing an ID number finds nothing
//! the screen would not show; words are width-folded and compared in any case, and a
//! nomination must contain every word.

use std::path::Path;

use crate::error::{Error, Result};
use crate::import::normalize::fold_width;
use crate::model::{ListedNomination, Nomination, NominationPage, NominationQuery};
use crate::privacy::{self, Privacy};
use crate::store::{self, nominations, review_rows};

/// The most rows one page may ask for: a screen shows a few dozen.
pub const MAX_PAGE: u32 = 500;

/// Rows `offset..offset + limit` of the nominations that match `query`, in the review's
/// order, personal data masked.
pub fn page(
    path: &Path,
    query: &NominationQuery,
    offset: u32,
    limit: u32,
) -> Result<NominationPage> {
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Error::BadInput {
            zh: format!("每页行数应在 1 到 {MAX_PAGE} 之间：{limit}"),
            en: format!("a page holds 1 to {MAX_PAGE} rows: {limit}"),
        });
    }
    let conn = store::open(path)?;
    let activity = review_rows::read_review(&conn)?.activity;
    let total = nominations::count(&conn)?;
    let category = query.category_key.as_deref().filter(|k| !k.is_empty());
    let words = search_words(&query.text);
    let (matched, rows) = if words.is_empty() {
        // Only the page is read and decoded: the cost does not grow with the review.
        let matched = match category {
            Some(key) => nominations::count_by_category(&conn)?
                .get(key)
                .copied()
                .unwrap_or(0),
            None => total,
        };
        let rows = nominations::read_numbered(&conn, activity, category, Some((offset, limit)))?;
        (matched, masked(rows))
    } else {
        let found: Vec<_> = masked(nominations::read_numbered(&conn, activity, category, None)?)
            .into_iter()
            .filter(|row| {
                let haystack = haystack(&row.nomination);
                words.iter().all(|w| haystack.contains(w.as_str()))
            })
            .collect();
        let matched = found.len() as u32;
        let rows = found
            .into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .collect();
        (matched, rows)
    };
    Ok(NominationPage {
        matched,
        total,
        offset,
        rows,
    })
}

fn masked(rows: Vec<(u32, Nomination)>) -> Vec<ListedNomination> {
    rows.into_iter()
        .map(|(position, mut nomination)| {
            privacy::apply(&mut nomination, Privacy::Masked);
            ListedNomination {
                position,
                nomination,
            }
        })
        .collect()
}

fn normalised(text: &str) -> String {
    fold_width(text).to_lowercase()
}

fn search_words(text: &str) -> Vec<String> {
    normalised(text)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// Everything the list and its detail panel show of a nomination, as one searchable text.
fn haystack(n: &Nomination) -> String {
    let mut parts = vec![n.display_name.as_str(), n.university.as_str()];
    parts.extend(n.fields.iter().map(|f| f.value.as_str()));
    parts.extend(n.extra_fields.iter().map(|f| f.value.as_str()));
    parts.extend(n.materials.iter().map(String::as_str));
    normalised(&parts.join("\n"))
}
