//! The clerk's nominations list read a page at a time: a province's review is never sent
//! to the window whole, and the pages agree with the review loaded whole.

use paneldesk::demo::{self, DemoSpec};
use paneldesk::model::NominationQuery;
use paneldesk::nomination_list::{page, MAX_PAGE};
use paneldesk::privacy::Privacy;

use super::T0;

fn query(category: &str, text: &str) -> NominationQuery {
    NominationQuery {
        category_key: (!category.is_empty()).then(|| category.to_string()),
        text: text.into(),
    }
}

#[test]
fn pages_follow_the_reviews_order_and_numbers_whatever_the_filter() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.pdreview");
    let spec = DemoSpec {
        activity: paneldesk::activity::Activity::InnovationCase,
        n_nominations: 430,
        ..DemoSpec::default()
    };
    demo::create(&path, "big", &spec, T0).unwrap();
    let whole = paneldesk::review::load(&path, Privacy::Masked).unwrap();
    assert_eq!(whole.nominations.len(), 430);

    // Every page, end to end, is the whole list in the whole review's order.
    let mut walked = Vec::new();
    let mut offset = 0;
    loop {
        let p = page(&path, &query("", ""), offset, 100).unwrap();
        assert_eq!((p.matched, p.total, p.offset), (430, 430, offset));
        if p.rows.is_empty() {
            break;
        }
        walked.extend(p.rows);
        offset += 100;
    }
    assert_eq!(walked.len(), 430);
    for (i, row) in walked.iter().enumerate() {
        assert_eq!(row.position as usize, i + 1);
        assert_eq!(row.nomination, whole.nominations[i]);
    }

    // One category: fewer rows, each keeping its place in the whole review.
    let key = &whole.nominations.last().unwrap().category_key;
    let in_category: Vec<_> = walked
        .iter()
        .filter(|r| &r.nomination.category_key == key)
        .collect();
    assert!(in_category.len() < 430 && !in_category.is_empty());
    let p = page(&path, &query(key, ""), 1, MAX_PAGE).unwrap();
    assert_eq!(p.matched as usize, in_category.len());
    assert_eq!(p.rows.len(), in_category.len() - 1);
    assert_eq!(&p.rows[0], in_category[1]);

    // Words: all must match, in any width or case; a university's name narrows to it.
    let university = whole.nominations[5].university.clone();
    let expected = walked
        .iter()
        .filter(|r| r.nomination.university == university)
        .count();
    let p = page(&path, &query("", &format!("  {university} ")), 0, MAX_PAGE).unwrap();
    assert_eq!(p.matched as usize, expected);
    assert!(p.rows.iter().all(|r| r.nomination.university == university));
    let name = whole.nominations[7].display_name.clone();
    let p = page(&path, &query("", &format!("{university} {name}")), 0, 10).unwrap();
    assert!(p.rows.iter().all(
        |r| r.nomination.university == university && r.nomination.display_name.contains(&name)
    ));
    assert_eq!(
        page(&path, &query("", "没有这样的人 xyz"), 0, 10)
            .unwrap()
            .matched,
        0
    );
}

#[test]
fn a_page_size_out_of_range_is_refused_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = super::demo_review(dir.path(), "small", T0);
    for limit in [0, MAX_PAGE + 1] {
        let error = page(&path, &query("", ""), 0, limit).unwrap_err();
        let (zh, en) = (error.message_zh(), error.message_en());
        assert!(
            zh.contains("每页行数") && en.contains("a page holds"),
            "{zh} / {en}"
        );
    }
    // Past the end is an empty page, not an error.
    let p = page(&path, &query("", ""), 10_000, 10).unwrap();
    assert!(p.rows.is_empty() && p.matched == 24);
}

#[test]
fn the_outline_counts_what_the_whole_review_holds() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = super::demo_review(dir.path(), "small", T0);
    let whole = paneldesk::review::load(&path, Privacy::Masked).unwrap();
    let outline = paneldesk::review::outline(&path).unwrap();
    assert_eq!(outline.n_nominations as usize, whole.nominations.len());
    for c in &whole.categories {
        let n = whole
            .nominations
            .iter()
            .filter(|n| n.category_key == c.key)
            .count();
        assert_eq!(
            outline.nomination_counts.get(&c.key).copied().unwrap_or(0) as usize,
            n
        );
    }
    assert_eq!(
        (outline.experts, outline.categories, outline.rules),
        (whole.experts, whole.categories, whole.rules)
    );
}
