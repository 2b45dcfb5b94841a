//! Import leaves the clerk findings worth reading, not a haystack (issue 21): a row with
//! no name is a located finding, not a nameless nomination; a column a whole workbook
//! lacks is said once for the file, not flagged on every row.

use std::path::Path;

use paneldesk::import::file::FileReport;
use paneldesk::store::{self, flags};

use super::support::{
    display_names, exemplar_student as student, write_workbook, EXEMPLAR_HEAD as HEAD,
};
use super::{exemplar_review_in_temp, import_workbook};

fn run(review: &Path, workbook: &Path) -> FileReport {
    import_workbook(review, workbook)
}

/// With a 联系人 column appended to `HEAD`, so only what a test removes is missing.
fn full_head() -> Vec<&'static str> {
    let mut head = HEAD.to_vec();
    head.push("联系人");
    head
}

fn with_contact(row: [String; 11]) -> Vec<String> {
    let mut row = row.to_vec();
    row.push("李老师".into());
    row
}

#[test]
fn a_row_with_no_name_is_a_located_finding_and_not_a_nameless_nomination() {
    let (dir, review) = exemplar_review_in_temp();
    let workbook = dir.path().join("东川理工大学.xlsx");
    let mut nameless = student("", "110105200307010019");
    nameless[2] = "女".into();
    write_workbook(
        &workbook,
        &full_head(),
        &[
            with_contact(student("王思远", "11010519491231002X")),
            with_contact(nameless),
        ],
    );
    let r = run(&review, &workbook);
    assert!(r.imported, "{:?}", r.error);
    assert_eq!(r.accepted, 1, "the nameless row is not imported");
    let nameless: Vec<_> = r.problems.iter().filter(|p| p.code == "no_name").collect();
    assert_eq!(nameless.len(), 1, "{:?}", r.problems);
    let finding = nameless[0];
    assert_eq!((finding.row, finding.column.as_str()), (3, "B"));
    assert!(
        finding.message_zh.contains("第 3 行") && finding.message_zh.contains("姓名"),
        "{}",
        finding.message_zh
    );
    assert!(
        finding.message_zh.contains("未导入"),
        "{}",
        finding.message_zh
    );
    assert!(
        finding.message_en.contains("row 3"),
        "{}",
        finding.message_en
    );
    assert!(
        r.flags.is_empty(),
        "no flag on a row that is not there: {:?}",
        r.flags
    );
    let names = display_names(&review);
    assert_eq!(names, ["王思远"]);
}

#[test]
fn a_row_with_nothing_but_a_university_is_a_blank_template_line() {
    let (dir, review) = exemplar_review_in_temp();
    let workbook = dir.path().join("东川理工大学.xlsx");
    let mut blank = vec![String::new(); 12];
    blank[0] = "东川理工大学".into();
    write_workbook(
        &workbook,
        &full_head(),
        &[with_contact(student("王思远", "11010519491231002X")), blank],
    );
    let r = run(&review, &workbook);
    assert_eq!(r.accepted, 1);
    assert!(
        r.problems.iter().all(|p| p.code != "no_name"),
        "{:?}",
        r.problems
    );
}

#[test]
fn a_workbook_without_a_contact_column_is_one_finding_for_the_file_not_a_flag_per_row() {
    let (dir, review) = exemplar_review_in_temp();
    let workbook = dir.path().join("东川理工大学.xlsx");
    let rows: Vec<Vec<String>> = [
        ("王思远", "11010519491231002X"),
        ("李喆", "110105200307010019"),
        ("赵敏", "110105200307010035"),
    ]
    .into_iter()
    .map(|(name, id)| student(name, id).to_vec())
    .collect();
    write_workbook(&workbook, &HEAD, &rows);
    let r = run(&review, &workbook);
    assert!(r.imported, "{:?}", r.error);
    assert_eq!(r.accepted, 3);
    let codes: Vec<&str> = r.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["missing_columns"]);
    assert!(r.problems[0].message_zh.contains("联系人"));
    assert_eq!(r.flagged, 0, "{:?}", r.flags);
    let conn = store::open(&review).unwrap();
    assert!(flags::read_all(&conn).unwrap().is_empty());
    let last = paneldesk::audit::entries(&conn).unwrap().pop().unwrap();
    assert!(last.detail.contains("联系人"), "{}", last.detail);
}

#[test]
fn a_missing_column_an_eligibility_rule_reads_still_flags_each_row() {
    // Without 政治面貌 a probationary member would pass unseen: each row must still be
    // looked at, so its flag says the rule could not be checked.
    let (dir, review) = exemplar_review_in_temp();
    let workbook = dir.path().join("东川理工大学.xlsx");
    let head: Vec<&str> = full_head()
        .into_iter()
        .filter(|h| *h != "政治面貌")
        .collect();
    let rows: Vec<Vec<String>> = [
        ("王思远", "11010519491231002X"),
        ("李喆", "110105200307010019"),
    ]
    .into_iter()
    .map(|(name, id)| {
        let mut row = with_contact(student(name, id));
        row.remove(6);
        row
    })
    .collect();
    write_workbook(&workbook, &head, &rows);
    let r = run(&review, &workbook);
    assert_eq!(r.accepted, 2);
    assert_eq!(r.flagged, 2, "{:?}", r.flags);
    assert!(
        r.flags[0].message_zh.contains("政治面貌"),
        "{}",
        r.flags[0].message_zh
    );
}
