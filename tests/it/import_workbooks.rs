//! Importing the messy fixture workbooks (written by openpyxl, see
//! tests/fixtures/workbooks/make_fixtures.py) into a real review file.

use paneldesk::import::file::FileReport;
use paneldesk::import::university::UniversitySource;
use paneldesk::import::Source;
use paneldesk::privacy::Privacy;
use paneldesk::review;
use paneldesk::store::{self, flags};

use super::support::{display_names, named};
use super::{exemplar_review_in_temp, import_workbook, new_exemplar_review, workbook_fixture, T0};

fn run(review: &std::path::Path, parts: &[&str]) -> FileReport {
    import_workbook(review, &workbook_fixture(parts))
}

/// The newest entry of the review's audit log is `action` naming `named`, and the chain
/// of its `entries` entries verifies.
fn assert_audited_last(conn: &rusqlite::Connection, action: &str, named: &str, entries: usize) {
    let last = paneldesk::audit::entries(conn).unwrap().pop().unwrap();
    assert_eq!(last.action, action);
    assert!(last.detail.contains(named), "{}", last.detail);
    assert_eq!(paneldesk::audit::verify(conn).unwrap(), entries);
}

#[test]
fn a_stamped_workbook_with_title_instructions_and_footer_imports_with_its_flags() {
    let (_dir, review) = exemplar_review_in_temp();
    let r = run(
        &review,
        &["batch", "江北师范大学-2026年大学生党员标兵推荐汇总表.xlsx"],
    );
    assert!(r.imported, "{:?}", r.error);
    assert_eq!(r.university.as_deref(), Some("江北师范大学"));
    assert_eq!(r.university_source, Some(UniversitySource::LineAboveHeader));
    assert_eq!((r.accepted, r.flagged), (2, 1));
    assert_eq!(
        r.added,
        ["张三", "李四"],
        "alignment space gone from 张　三"
    );
    assert_eq!(r.flags[0].code, "probationary_member");
    // It names its materials, but came alone: said once, not per row.
    let codes: Vec<&str> = r.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["materials_not_attached"], "{:?}", r.problems);

    let loaded = review::load(&review, Privacy::Revealed).unwrap();
    let zhang = &loaded.nominations[0];
    assert_eq!(
        zhang.field("student_number"),
        Some("2021123456"),
        "full-width digits folded"
    );
    assert_eq!(zhang.field("joined_party"), Some("2021-07"));
    assert_eq!(
        zhang.field("full_member_since"),
        Some("2022-07-01"),
        "a date cell"
    );
    assert_eq!(
        zhang.field("contact_phone"),
        Some("13812345678"),
        "a phone stored as a number"
    );
    assert_eq!(zhang.materials, ["推荐表.pdf", "事迹材料.docx"]);
    assert_eq!(
        zhang
            .extra_fields
            .iter()
            .find(|f| f.key == "序号")
            .map(|f| f.value.as_str()),
        Some("1")
    );
}

#[test]
fn damaged_ids_duplicates_and_part_time_students_are_flagged_not_dropped() {
    let (_dir, review) = exemplar_review_in_temp();
    let r = run(&review, &["batch", "东川理工大学.xlsx"]);
    assert!(r.imported);
    assert_eq!(
        r.sheet.as_deref(),
        Some("Sheet1"),
        "the hidden sheet is not read"
    );
    assert_eq!(r.university_source, Some(UniversitySource::Column));
    assert_eq!((r.accepted, r.flagged), (4, 3));
    let codes: Vec<&str> = r.flags.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["invalid_fields", "duplicate", "part_time_student"]);
    assert_eq!(r.problems[0].code, "id_stored_as_number");
    assert_eq!((r.problems[0].row, r.problems[0].column.as_str()), (4, "O"));
    let conn = store::open(&review).unwrap();
    let stored = flags::read_all(&conn).unwrap();
    assert_eq!(stored.len(), 3);
    assert!(stored.iter().all(|f| f.status == "open"));
    // The serial 44378 typed into a plain cell is a date in a date column.
    let loaded = review::load(&review, Privacy::Revealed).unwrap();
    assert_eq!(
        loaded.nominations[3].field("full_member_since"),
        Some("2021-07-01")
    );
    // The damaged ID is kept as it came, never "repaired".
    assert_eq!(
        loaded.nominations[0].field("id_number"),
        Some("110105200307010000")
    );
}

#[test]
fn the_file_name_names_the_university_when_nothing_else_does() {
    let (_dir, review) = exemplar_review_in_temp();
    let r = run(&review, &["batch", "南湖医科大学 推荐表.xlsx"]);
    assert_eq!(r.university.as_deref(), Some("南湖医科大学"));
    assert_eq!(r.university_source, Some(UniversitySource::FileName));
}

#[test]
fn a_bad_file_is_reported_and_leaves_the_review_as_it_was() {
    let (_dir, review) = exemplar_review_in_temp();
    run(&review, &["batch", "南湖医科大学 推荐表.xlsx"]);
    let before = review::load(&review, Privacy::Revealed).unwrap();
    let r = run(&review, &["batch", "坏文件.xlsx"]);
    assert!(!r.imported);
    assert_eq!(r.error.as_ref().unwrap().code, "not_a_workbook");
    assert_eq!(review::load(&review, Privacy::Revealed).unwrap(), before);
}

#[test]
fn a_corrected_workbook_replaces_that_universitys_nominations_and_says_what_changed() {
    let (_dir, review) = exemplar_review_in_temp();
    run(
        &review,
        &["batch", "江北师范大学-2026年大学生党员标兵推荐汇总表.xlsx"],
    );
    run(&review, &["batch", "南湖医科大学 推荐表.xlsx"]);
    let r = run(
        &review,
        &[
            "corrected",
            "江北师范大学-2026年大学生党员标兵推荐汇总表（更正）.xlsx",
        ],
    );
    assert_eq!(r.added, ["王五"]);
    assert_eq!(r.removed, ["李四"]);
    let names = display_names(&review);
    assert_eq!(
        names,
        ["周九", "张三", "王五"],
        "replaced, not duplicated; others untouched"
    );
    // 李四's flag went with 李四.
    let conn = store::open(&review).unwrap();
    assert!(flags::read_all(&conn).unwrap().is_empty());
    assert_audited_last(&conn, "import.file", "李四", 4);
}

#[test]
fn the_clerk_settles_flags_with_notes_and_the_audit_log_records_it() {
    use paneldesk::store::flags::{settle, Decision};
    let (_dir, review) = exemplar_review_in_temp();
    run(&review, &["batch", "东川理工大学.xlsx"]);
    let mut conn = store::open(&review).unwrap();
    let open = flags::read_all(&conn).unwrap();
    let part_time = open.iter().find(|f| f.kind == "part_time_student").unwrap();

    let err = settle(
        &mut conn,
        part_time.id,
        Decision::Accepted,
        "  ",
        T0,
        "clerk",
    )
    .unwrap_err();
    assert_eq!(err.code(), "note_required");
    assert_eq!(
        settle(&mut conn, 9999, Decision::Excluded, "", T0, "clerk")
            .unwrap_err()
            .code(),
        "flag_not_found"
    );

    let settled = settle(
        &mut conn,
        part_time.id,
        Decision::Accepted,
        "经核实已转为全日制",
        T0,
        "clerk",
    )
    .unwrap();
    assert_eq!(
        (settled.status.as_str(), settled.note.as_str()),
        ("accepted", "经核实已转为全日制")
    );
    let dup = open.iter().find(|f| f.kind == "duplicate").unwrap();
    settle(&mut conn, dup.id, Decision::Excluded, "", T0, "clerk").unwrap();

    let statuses: Vec<String> = flags::read_all(&conn)
        .unwrap()
        .into_iter()
        .map(|f| f.status)
        .collect();
    assert_eq!(statuses.iter().filter(|s| *s == "open").count(), 1);
    assert_audited_last(&conn, "flag.settled", "excluded", 4);
}

#[test]
fn xls_from_wps_and_ods_from_libreoffice_import_too_with_missing_columns_said_once() {
    let (_dir, review) = exemplar_review_in_temp();
    let xls = run(&review, &["batch", "西岭农业大学.xls"]);
    assert!(xls.imported, "{:?}", xls.error);
    assert_eq!(xls.university_source, Some(UniversitySource::Column));
    let ods = run(&review, &["batch", "云江财经学院.ods"]);
    assert!(ods.imported, "{:?}", ods.error);
    assert_eq!(ods.university.as_deref(), Some("云江财经学院"));
    assert_eq!(
        ods.university_source,
        Some(UniversitySource::LineAboveHeader)
    );
    for r in [&xls, &ods] {
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
        assert_eq!(r.problems[0].code, "missing_columns");
        assert!(
            r.problems[0].message_zh.contains("性别、民族"),
            "{}",
            r.problems[0].message_zh
        );
        // Neither missing column is one an eligibility rule reads: said once, not flagged.
        assert!(r.flags.is_empty(), "{:?}", r.flags);
    }
    let loaded = review::load(&review, Privacy::Revealed).unwrap();
    let by_name = |name: &str| named(&loaded, name);
    assert_eq!(by_name("吴十").field("birth_month"), Some("2003-11"));
    assert_eq!(by_name("吴十").field("contact_phone"), Some("13912345678"));
    assert_eq!(by_name("郑十一").field("birth_month"), Some("2003-12-01"));
}

#[test]
fn a_university_over_its_allowance_has_every_row_in_that_category_flagged() {
    let (_dir, review) = exemplar_review_in_temp();
    let key = review::load(&review, Privacy::Masked).unwrap().categories[0]
        .key
        .clone();
    review::set_allowance(&review, &key, Some(3), T0, "clerk").unwrap();
    let err = review::set_allowance(&review, "no_such", Some(1), T0, "clerk").unwrap_err();
    assert_eq!(err.code(), "unknown_category");

    // 东川理工大学 sends four rows; 江北师范大学 two.
    let r = run(&review, &["batch", "东川理工大学.xlsx"]);
    let over: Vec<u32> = r
        .flags
        .iter()
        .filter(|f| f.code == "over_allowance")
        .map(|f| f.row)
        .collect();
    assert_eq!(over.len(), 4, "{:?}", r.flags);
    assert!(r
        .flags
        .iter()
        .any(|f| f.message_zh.contains("超过每校限报的 3 项")));
    let r = run(
        &review,
        &["batch", "江北师范大学-2026年大学生党员标兵推荐汇总表.xlsx"],
    );
    assert!(r.flags.iter().all(|f| f.code != "over_allowance"));

    // Lifting the limit and re-importing clears them: the rows are replaced.
    review::set_allowance(&review, &key, None, T0, "clerk").unwrap();
    let r = run(&review, &["batch", "东川理工大学.xlsx"]);
    assert!(r.flags.iter().all(|f| f.code != "over_allowance"));
    let conn = store::open(&review).unwrap();
    let open_over = flags::read_all(&conn)
        .unwrap()
        .into_iter()
        .filter(|f| f.kind == "over_allowance")
        .count();
    assert_eq!(open_over, 0);
}

#[test]
fn bare_serials_in_1904_workbooks_count_from_1904_in_xlsx_and_ods() {
    let (_dir, review) = exemplar_review_in_temp();
    // Both files hold the bare serial 42916 in 转正时间: 2021-07-01 counted from
    // 1904-01-01, and 2017-07-01 if the epoch were missed.
    for file in ["北山大学.xlsx", "南岭大学.ods"] {
        let r = run(&review, &["epoch1904", file]);
        assert!(r.imported, "{file}: {:?}", r.error);
        assert!(
            !r.problems
                .iter()
                .any(|p| p.column == "L" || p.code == "bad_date"),
            "{file}: {:?}",
            r.problems
        );
    }
    let loaded = review::load(&review, Privacy::Revealed).unwrap();
    let member_since: Vec<(&str, Option<&str>)> = loaded
        .nominations
        .iter()
        .map(|n| (n.university.as_str(), n.field("full_member_since")))
        .collect();
    assert_eq!(
        member_since,
        [
            ("北山大学", Some("2021-07-01")),
            ("南岭大学", Some("2021-07-01"))
        ]
    );
}

#[test]
fn a_batch_finds_duplicates_and_replacements_exactly_as_files_imported_one_by_one_do() {
    // The batch keeps who holds each identity in memory across its files; one file at a
    // time reads it from the review. Both must agree, through removals and re-imports.
    let files: [&[&str]; 6] = [
        &["batch", "江北师范大学-2026年大学生党员标兵推荐汇总表.xlsx"],
        &["batch", "东川理工大学.xlsx"],
        &["batch", "南湖医科大学 推荐表.xlsx"],
        &[
            "corrected",
            "江北师范大学-2026年大学生党员标兵推荐汇总表（更正）.xlsx",
        ],
        &["batch", "江北师范大学-2026年大学生党员标兵推荐汇总表.xlsx"],
        &["batch", "东川理工大学.xlsx"],
    ];
    let one_dir = tempfile::tempdir().unwrap();
    let one_by_one = new_exemplar_review(one_dir.path());
    let singles: Vec<FileReport> = files.iter().map(|f| run(&one_by_one, f)).collect();

    let batch_dir = tempfile::tempdir().unwrap();
    let batch = new_exemplar_review(batch_dir.path());
    let sources: Vec<Source> = files
        .iter()
        .map(|f| Source::Workbook {
            path: workbook_fixture(f).display().to_string(),
        })
        .collect();
    let batched = crate::import_batch(&batch, &sources);
    assert_eq!(batched, singles);

    // The corrected file replaces its own university's rows: no duplicate of itself.
    let codes =
        |r: &FileReport| -> Vec<String> { r.flags.iter().map(|f| f.code.clone()).collect() };
    assert!(!codes(&batched[3]).contains(&"duplicate".to_string()));
    assert_eq!(
        (batched[3].added.clone(), batched[3].removed.clone()),
        (vec!["王五".to_string()], vec!["李四".to_string()])
    );
    // The original sent again swaps back, and 东川 again still finds its own duplicate.
    assert_eq!(
        (batched[4].added.clone(), batched[4].removed.clone()),
        (vec!["李四".to_string()], vec!["王五".to_string()])
    );
    assert_eq!(codes(&batched[5]), codes(&batched[1]));
    assert!(codes(&batched[5]).contains(&"duplicate".to_string()));

    let stored = |review: &std::path::Path| {
        let conn = store::open(review).unwrap();
        let flags: Vec<(i64, String)> = flags::read_all(&conn)
            .unwrap()
            .into_iter()
            .map(|f| (f.nomination_id, f.kind))
            .collect();
        let names: Vec<String> = review::load(review, Privacy::Masked)
            .unwrap()
            .nominations
            .into_iter()
            .map(|n| n.display_name)
            .collect();
        (names, flags)
    };
    assert_eq!(stored(&batch), stored(&one_by_one));

    // The app sends a folder a few files per call through the pool it keeps: the same
    // reports, and children started once, not once per call.
    let calls_dir = tempfile::tempdir().unwrap();
    let in_calls = new_exemplar_review(calls_dir.path());
    let pool = crate::parser_pool();
    let mut called = Vec::new();
    for chunk in sources.chunks(2) {
        called.extend(
            paneldesk::import::file::import_many(
                &in_calls,
                &[],
                chunk,
                &pool,
                T0,
                "clerk",
                |_, _| {},
            )
            .unwrap(),
        );
    }
    assert_eq!(called, singles);
    assert_eq!(stored(&in_calls), stored(&one_by_one));
    assert!(
        (1..=2).contains(&pool.children_started()),
        "{} children for three calls of two files",
        pool.children_started()
    );
}
