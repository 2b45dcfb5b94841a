//! A review file as a document: created from a template, reopened, protected, backed up.

use paneldesk::activity::Activity;
use paneldesk::privacy::Privacy;
use paneldesk::review::{self, NewReview};
use paneldesk::store::{self, APPLICATION_ID, SCHEMA_VERSION};
use paneldesk::template;

use super::support::with_plain_sqlite;
use super::{demo_review, T0};

fn new_review(activity: Activity, year: i32) -> NewReview {
    NewReview {
        id: review::make_id(year, activity, "abcd1234"),
        activity,
        year,
        created_at: T0.into(),
        actor: "clerk".into(),
    }
}

#[test]
fn every_activity_template_creates_a_review_that_reads_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    for activity in Activity::ALL {
        let path = dir.path().join(format!("{}.pdreview", activity.code()));
        let summary = review::create(&path, &new_review(activity, 2026)).unwrap();
        assert_eq!(summary.activity, activity);
        let loaded = review::load(&path, Privacy::Masked).unwrap();
        assert_eq!(loaded.categories, template::categories(activity));
        assert_eq!(loaded.year, 2026);
        assert!(loaded.title_zh.starts_with("2026年"));
        assert!(loaded.nominations.is_empty());
    }
}

#[test]
fn file_is_wal_full_sync_with_foreign_keys_and_our_application_id() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = demo_review(dir.path(), "pragmas", T0);
    let conn = store::open(&path).unwrap();
    let get = |pragma: &str| -> String {
        conn.query_row(&format!("PRAGMA {pragma}"), [], |r| {
            r.get::<_, rusqlite::types::Value>(0)
        })
        .map(|v| match v {
            rusqlite::types::Value::Integer(i) => i.to_string(),
            rusqlite::types::Value::Text(t) => t,
            other => format!("{other:?}"),
        })
        .unwrap()
    };
    assert_eq!(get("journal_mode"), "wal");
    assert_eq!(get("synchronous"), "2", "FULL is 2");
    assert_eq!(get("foreign_keys"), "1");
    assert_eq!(get("application_id"), APPLICATION_ID.to_string());
    assert_eq!(get("user_version"), SCHEMA_VERSION.to_string());
}

#[test]
fn a_foreign_key_violation_is_refused_and_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (path, before) = demo_review(dir.path(), "fk", T0);
    let conn = store::open(&path).unwrap();
    let err = conn.execute(
        "INSERT INTO nomination (category_key, university, display_name, fields_json, extra_fields_json, materials_json)
         VALUES ('no_such_category', 'x', 'y', '[]', '[]', '[]')",
        [],
    );
    assert!(err.is_err());
    assert_eq!(
        review::summary(&path).unwrap().n_nominations,
        before.n_nominations
    );
}

#[test]
fn personal_data_is_masked_unless_revealed() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = demo_review(dir.path(), "privacy", T0);
    let masked = review::load(&path, Privacy::Masked).unwrap();
    let revealed = review::load(&path, Privacy::Revealed).unwrap();
    let id_of =
        |r: &paneldesk::model::Review| r.nominations[0].field("id_number").unwrap().to_string();
    assert!(paneldesk::idcard::is_valid(&id_of(&revealed)));
    assert!(id_of(&masked).contains("***********"));
    assert_ne!(id_of(&masked), id_of(&revealed));
    let phone = masked.nominations[0].field("contact_phone").unwrap();
    assert!(phone.contains("****"), "{phone}");
    // Names are not personal data in this sense: they are what the panel reviews.
    assert_eq!(
        masked.nominations[0].display_name,
        revealed.nominations[0].display_name
    );
}

#[test]
fn a_file_that_is_not_a_review_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.pdreview");
    std::fs::write(
        &garbage,
        b"this is not sqlite at all, just a renamed text file......",
    )
    .unwrap();
    let err = review::load(&garbage, Privacy::Masked).unwrap_err();
    assert_eq!(err.code(), "not_a_review_file");
    assert!(err.message_zh().contains("不是 PanelDesk 评审文件"));

    // A perfectly good SQLite file that someone else made.
    let other = dir.path().join("other.pdreview");
    with_plain_sqlite(&other, "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
    let err = review::load(&other, Privacy::Masked).unwrap_err();
    assert_eq!(err.code(), "not_a_review_file");
    // ...and we did not write our schema into it.
    let tables: i64 = rusqlite::Connection::open(&other)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 1);
}

#[test]
fn a_file_from_a_newer_version_is_refused_not_downgraded() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = demo_review(dir.path(), "newer", T0);
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let err = review::load(&path, Privacy::Masked).unwrap_err();
    assert_eq!(err.code(), "schema_too_new");
    assert!(err.message_en().contains("newer PanelDesk"));
}

#[test]
fn creating_over_an_existing_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, before) = demo_review(dir.path(), "exists", T0);
    let err = review::create(&path, &new_review(Activity::ModelBranch, 2026)).unwrap_err();
    assert_eq!(err.code(), "already_exists");
    assert_eq!(review::summary(&path).unwrap(), before);
}

#[test]
fn a_year_out_of_range_is_refused_before_any_file_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("y.pdreview");
    let err = review::create(&path, &new_review(Activity::ModelBranch, 226)).unwrap_err();
    assert_eq!(err.code(), "year_out_of_range");
    assert!(!path.exists());
}

#[test]
fn backup_uses_the_online_api_and_is_a_standalone_copy() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = demo_review(dir.path(), "live", T0);
    // Keep a writer open, as the app would be while the clerk backs up.
    let _writer = store::open(&path).unwrap();
    let dest = dir.path().join("copy.pdreview");
    review::backup(&path, &dest, "2026-11-30T09:00:00Z", "clerk").unwrap();
    assert!(!dir.path().join("copy.pdreview-wal").exists());
    let original = review::load(&path, Privacy::Revealed).unwrap();
    let copy = review::load(&dest, Privacy::Revealed).unwrap();
    assert_eq!(copy, original);
    // The backup is recorded in the original, after the copy was taken.
    let conn = store::open(&path).unwrap();
    let last = paneldesk::audit::entries(&conn).unwrap().pop().unwrap();
    assert_eq!(last.action, "review.backed_up");
    // Never overwrite.
    let err = review::backup(&path, &dest, T0, "clerk").unwrap_err();
    assert_eq!(err.code(), "already_exists");
}

#[test]
fn a_file_from_an_older_version_is_upgraded_in_place_keeping_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let (path, before) = demo_review(dir.path(), "older", T0);
    {
        // Turn the file back into what schema 1 wrote.
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute_batch(
            "DROP TABLE meeting_vote;
             DROP TABLE grade_level;
             DROP TABLE paper_entry;
             DROP TABLE paper_marks;
             DROP TABLE meeting_ballot;
             ALTER TABLE criterion DROP COLUMN weight;
             DROP TABLE nomination_correction;
             DROP TABLE objection;
             DROP TABLE announcement_settings;
             DROP TABLE criterion_band;
             DROP TABLE waiting_bundle;
             DROP TABLE expert_registration;
             DROP TABLE expert_marks;
             DROP TABLE category_rule;
             DROP TABLE follow_up_unit;
             DROP TABLE follow_up;
             DROP TABLE result_decision;
             DROP TABLE certificate;
             DROP TABLE results_seal;
             DROP TABLE certificate_template;
             DROP TABLE received_bundle;
             DROP TABLE expert_key;
             DROP TABLE panel_package;
             DROP TABLE material;
             DROP TABLE material_blob;
             ALTER TABLE category DROP COLUMN allowance;
             DROP TABLE nomination_flag;
             DROP INDEX nomination_by_identity;
             ALTER TABLE nomination DROP COLUMN identity;
             ALTER TABLE nomination DROP COLUMN source_file;
             ALTER TABLE nomination DROP COLUMN source_row;
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let after = review::summary(&path).unwrap();
    assert_eq!(after, before);
    let conn = store::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    assert!(paneldesk::store::flags::read_all(&conn).unwrap().is_empty());
}
