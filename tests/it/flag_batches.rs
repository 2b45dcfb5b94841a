//! Settling a selection of flags with one note (issue 21): one transaction, each flag
//! audited as when settled singly, and the whole batch refused, naming the flag, when
//! any of them is unknown or already settled.

use std::path::Path;

use paneldesk::audit;
use paneldesk::store::{self, flags, flags::Decision};

use super::support::column;
use super::{demo_review, T0};

/// A demo review with three flags raised on its first three nominations.
fn review_with_flags(dir: &Path) -> (std::path::PathBuf, Vec<i64>) {
    let (path, _) = demo_review(dir, "flags", T0);
    let mut conn = store::open(&path).unwrap();
    let nominations: Vec<i64> = column(&conn, "SELECT id FROM nomination ORDER BY id LIMIT 3");
    let tx = conn.transaction().unwrap();
    for (i, id) in nominations.iter().enumerate() {
        let kind = if i == 0 {
            "duplicate"
        } else {
            "part_time_student"
        };
        flags::insert(&tx, *id, kind, "测试标记", "test flag").unwrap();
    }
    tx.commit().unwrap();
    let ids = flags::read_all(&conn)
        .unwrap()
        .into_iter()
        .map(|f| f.id)
        .collect();
    (path, ids)
}

fn settled_entries(path: &Path) -> Vec<serde_json::Value> {
    let conn = store::open(path).unwrap();
    audit::verify(&conn).unwrap();
    audit::entries(&conn)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "flag.settled")
        .map(|e| serde_json::from_str(&e.detail).unwrap())
        .collect()
}

fn statuses(path: &Path) -> Vec<(i64, String, String)> {
    let conn = store::open(path).unwrap();
    flags::read_all(&conn)
        .unwrap()
        .into_iter()
        .map(|f| (f.id, f.status, f.note))
        .collect()
}

#[test]
fn a_selection_is_settled_with_one_note_and_each_flag_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ids) = review_with_flags(dir.path());
    let mut conn = store::open(&path).unwrap();
    let chosen = [ids[2], ids[0]];
    let settled = flags::settle_many(
        &mut conn,
        &chosen,
        Decision::Accepted,
        "  经核实，均为全日制  ",
        T0,
        "clerk",
    )
    .unwrap();
    assert_eq!(
        settled.iter().map(|f| f.id).collect::<Vec<_>>(),
        chosen,
        "answered in the order asked"
    );
    assert!(settled
        .iter()
        .all(|f| f.status == "accepted" && f.note == "经核实，均为全日制"));

    let after = statuses(&path);
    assert_eq!(after[1], (ids[1], "open".into(), String::new()));
    // One entry per flag, as `settle` writes it.
    let entries = settled_entries(&path);
    assert_eq!(entries.len(), 2);
    for (entry, flag) in entries.iter().zip(&settled) {
        assert_eq!(entry["flag"], flag.id);
        assert_eq!(entry["nomination"], flag.nomination_id);
        assert_eq!(entry["name"], flag.display_name.as_str());
        assert_eq!(entry["kind"], flag.kind.as_str());
        assert_eq!(entry["decision"], "accepted");
        assert_eq!(entry["note"], "经核实，均为全日制");
    }

    // Excluding needs no note, as singly.
    let excluded =
        flags::settle_many(&mut conn, &[ids[1]], Decision::Excluded, "", T0, "clerk").unwrap();
    assert_eq!(excluded[0].status, "excluded");
    assert_eq!(flags::excluded_nominations(&conn).unwrap().len(), 1);
}

#[test]
fn a_batch_with_a_settled_flag_is_refused_whole_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ids) = review_with_flags(dir.path());
    let mut conn = store::open(&path).unwrap();
    let first = flags::settle(&mut conn, ids[1], Decision::Excluded, "", T0, "clerk").unwrap();
    let before = statuses(&path);

    let err = flags::settle_many(
        &mut conn,
        &[ids[0], ids[1], ids[2]],
        Decision::Accepted,
        "一并保留",
        T0,
        "clerk",
    )
    .unwrap_err();
    assert_eq!(err.code(), "flag_already_settled");
    let zh = err.message_zh();
    assert!(zh.contains(&format!("{}", ids[1])), "{zh}");
    assert!(zh.contains(&first.display_name), "{zh}");
    assert!(zh.contains(&first.university), "{zh}");
    assert!(zh.contains("已排除"), "{zh}");
    assert!(
        err.message_en().contains("already settled"),
        "{}",
        err.message_en()
    );
    assert_eq!(statuses(&path), before, "nothing in the batch changed");
    assert_eq!(settled_entries(&path).len(), 1);
}

#[test]
fn a_batch_with_an_unknown_flag_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ids) = review_with_flags(dir.path());
    let mut conn = store::open(&path).unwrap();
    let before = statuses(&path);
    let err = flags::settle_many(
        &mut conn,
        &[ids[0], 9999],
        Decision::Excluded,
        "材料不全",
        T0,
        "clerk",
    )
    .unwrap_err();
    assert_eq!(err.code(), "flag_not_found");
    assert!(err.message_zh().contains("9999"));
    assert_eq!(statuses(&path), before);
    assert!(settled_entries(&path).is_empty());
}

#[test]
fn keeping_a_batch_needs_a_note_and_a_batch_needs_a_flag() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ids) = review_with_flags(dir.path());
    let mut conn = store::open(&path).unwrap();
    let err =
        flags::settle_many(&mut conn, &ids, Decision::Accepted, "  ", T0, "clerk").unwrap_err();
    assert_eq!(err.code(), "note_required");
    let err = flags::settle_many(&mut conn, &[], Decision::Excluded, "x", T0, "clerk").unwrap_err();
    assert_eq!(err.code(), "bad_input");
    // The same flag twice in a selection is settled once.
    let settled = flags::settle_many(
        &mut conn,
        &[ids[0], ids[0]],
        Decision::Excluded,
        "",
        T0,
        "clerk",
    )
    .unwrap();
    assert_eq!(settled.len(), 1);
    assert_eq!(settled_entries(&path).len(), 1);
    assert!(statuses(&path).iter().skip(1).all(|(_, s, _)| s == "open"));
}
