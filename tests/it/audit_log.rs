//! The audit log is append-only and a change made behind our back is found.

use paneldesk::{audit, store};

use super::support::{assert_says, with_plain_sqlite};
use super::{demo_review, T0};

#[test]
fn creating_a_review_leaves_a_verifiable_chain() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = demo_review(dir.path(), "chain", T0);
    let conn = store::open(&path).unwrap();
    assert_eq!(audit::verify(&conn).unwrap(), 2);
    let entries = audit::entries(&conn).unwrap();
    assert_eq!(entries[0].action, "review.created");
    assert_eq!(entries[0].prev_hash, audit::GENESIS);
    assert_eq!(entries[1].prev_hash, entries[0].hash);
}

#[test]
fn update_and_delete_are_refused_by_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = demo_review(dir.path(), "append-only", T0);
    let conn = store::open(&path).unwrap();
    let upd = conn.execute("UPDATE audit_log SET actor = 'someone' WHERE seq = 1", []);
    assert!(upd.unwrap_err().to_string().contains("append-only"));
    let del = conn.execute("DELETE FROM audit_log", []);
    assert!(del.is_err());
    assert_eq!(audit::verify(&conn).unwrap(), 2);
}

/// Why verifying a demo review's audit log fails after `sql` ran on the file with another
/// tool.
fn verify_after(sql: &str) -> paneldesk::Error {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = demo_review(dir.path(), "tampered", T0);
    with_plain_sqlite(&path, sql);
    audit::verify(&store::open(&path).unwrap()).unwrap_err()
}

#[test]
fn an_entry_edited_with_another_tool_is_detected_and_located() {
    // Someone with a SQLite browser drops the trigger and edits history.
    let err = verify_after(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET detail = '{\"seed\":1}' WHERE seq = 2;",
    );
    assert_eq!(err.code(), "audit_chain_broken");
    assert_says(&err, "第 2 条");
}

#[test]
fn a_deleted_entry_is_detected() {
    let err =
        verify_after("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 1;");
    assert_eq!(err.code(), "audit_chain_broken");
}
