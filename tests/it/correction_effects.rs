//! What a correction does beyond the field it changes (issue 21): the eligibility rules
//! are judged again, so a flag the old value raised is closed and one the new value
//! raises is opened; and a corrected nomination is marked on every document it is
//! printed on, with the reason and date in a footnote on the internal 汇总表 only.

use std::path::Path;

use paneldesk::corrections;
use paneldesk::merge::results::ResultOptions;
use paneldesk::report::documents;
use paneldesk::report::pdf::Meta;
use paneldesk::report::record::Record;
use paneldesk::store::{self, flags};

use super::support::{exemplar_student, named, winners_of, EXEMPLAR_HEAD};
use super::{announce, exemplar_review_in_temp, import_workbook, T0};

/// The template's columns with a 联系人 before the telephone, as a university sends them.
fn head() -> Vec<&'static str> {
    [&EXEMPLAR_HEAD[..10], &["联系人"], &EXEMPLAR_HEAD[10..]].concat()
}

/// A student as `head` lays them out, studying `mode` (全日制, 非全日制).
fn student(name: &str, mode: &str, id: &str) -> Vec<String> {
    let mut row = exemplar_student(name, id).to_vec();
    row[5] = mode.into();
    row.insert(10, "赵六".into());
    row
}

fn write_workbook(path: &Path, rows: &[Vec<String>]) {
    super::support::write_workbook(path, &head(), rows);
}

fn flags_of(review: &Path, id: i64) -> Vec<flags::StoredFlag> {
    let conn = store::open(review).unwrap();
    flags::read_all(&conn)
        .unwrap()
        .into_iter()
        .filter(|f| f.nomination_id == id)
        .collect()
}

#[test]
fn a_correction_judges_eligibility_again_closing_and_raising_flags() {
    let (dir, review) = exemplar_review_in_temp();
    let book = dir.path().join("东川理工大学.xlsx");
    write_workbook(
        &book,
        &[
            student("张三", "非全日制", "110105199003071239"),
            student("李四", "全日制", "110105199506154562"),
        ],
    );
    let report = import_workbook(&review, &book);
    assert_eq!(report.accepted, 2, "{report:?}");
    let loaded = paneldesk::review::load(&review, paneldesk::privacy::Privacy::Masked).unwrap();
    let id = |name: &str| named(&loaded, name).id;
    let (zhang, li) = (id("张三"), id("李四"));
    let kinds = |id| {
        flags_of(&review, id)
            .into_iter()
            .map(|f| (f.kind, f.status))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        kinds(zhang),
        [("part_time_student".to_string(), "open".to_string())]
    );

    // The school writes that 张三 studies full time: the finding no longer holds.
    corrections::edit_field(
        &review,
        zhang,
        "study_mode",
        "全日制",
        "学校来函：培养方式填错",
        T0,
        "clerk",
    )
    .unwrap();
    let closed = flags_of(&review, zhang);
    assert_eq!(closed.len(), 1, "{closed:?}");
    assert_eq!(closed[0].kind, "part_time_student");
    assert_ne!(closed[0].status, "open", "settled by the correction");
    assert!(
        closed[0].note.contains("更正") && closed[0].note.contains("学校来函：培养方式填错"),
        "{}",
        closed[0].note
    );
    let conn = store::open(&review).unwrap();
    let last = paneldesk::audit::entries(&conn).unwrap().pop().unwrap();
    assert_eq!(last.action, "nomination.corrected");
    assert!(last.detail.contains("part_time_student"), "{}", last.detail);
    paneldesk::audit::verify(&conn).unwrap();
    drop(conn);

    // 李四 turns out to be a probationary member: a new finding for the clerk to settle.
    corrections::edit_field(
        &review,
        li,
        "party_status",
        "中共预备党员",
        "组织部门核实：尚未转正",
        T0,
        "clerk",
    )
    .unwrap();
    assert_eq!(
        kinds(li),
        [("probationary_member".to_string(), "open".to_string())]
    );
    // Another field corrected leaves the open finding alone, and does not raise it twice.
    corrections::edit_field(&review, li, "ethnicity", "回族", "笔误", T0, "clerk").unwrap();
    assert_eq!(
        kinds(li),
        [("probationary_member".to_string(), "open".to_string())]
    );
    // Corrected back: the finding it raised is closed again.
    corrections::edit_field(
        &review,
        li,
        "party_status",
        "中共党员",
        "再次核实：已于2023年转正",
        T0,
        "clerk",
    )
    .unwrap();
    let after = flags_of(&review, li);
    assert_eq!(after.len(), 1);
    assert_ne!(after[0].status, "open");
    // 张三 corrected back to part time: the closed finding stays closed, a new one opens.
    corrections::edit_field(
        &review,
        zhang,
        "study_mode",
        "非全日制",
        "学校再次来函",
        T0,
        "clerk",
    )
    .unwrap();
    let statuses: Vec<String> = flags_of(&review, zhang)
        .into_iter()
        .map(|f| f.status)
        .collect();
    assert_eq!(statuses.len(), 2);
    assert_eq!(statuses.iter().filter(|s| *s == "open").count(), 1);
}

fn meta() -> Meta<'static> {
    Meta {
        title: "文书",
        subject: "文书",
        at: time::OffsetDateTime::UNIX_EPOCH,
    }
}

fn pdf_text(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn a_corrected_winner_is_marked_on_every_document_and_the_summary_says_why_and_when() {
    let (round, _) = super::scoring_round::five_experts_received();
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let winners = winners_of(&record);
    let (corrected, untouched) = (&winners[0], &winners[1]);
    // A reason that quotes a telephone number: documents mask it by value.
    corrections::edit_field(
        &round.review,
        corrected.nomination_id,
        "name",
        "欧阳更正",
        "学校来函（联系电话 13812345678）：姓名录入有误",
        "2026-12-02T09:30:00Z",
        "clerk",
    )
    .unwrap();
    announce(&round.review);
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let mark = "欧阳更正（已更正）";
    let printed =
        |name: &str, pdf: paneldesk::Result<Vec<u8>>| pdf_text(&round.root, name, &pdf.unwrap());

    let summary = printed("汇总表.pdf", documents::summary(&record, &meta()));
    assert!(summary.contains(mark), "{summary}");
    assert!(
        !summary.contains(&format!("{}（已更正）", untouched.display_name)),
        "{summary}"
    );
    assert!(summary.contains("姓名录入有误"), "the reason: {summary}");
    assert!(summary.contains("2026-12-02"), "the date: {summary}");
    assert!(!summary.contains("13812345678"), "masked: {summary}");
    assert!(summary.contains("138****5678"), "masked: {summary}");
    assert!(
        !summary.contains(&corrected.display_name),
        "the old value is not printed: {summary}"
    );

    let public = printed("公示.pdf", documents::announcement(&record, &meta()));
    assert!(public.contains(mark), "{public}");
    assert!(
        !public.contains("姓名录入有误") && !public.contains(&corrected.display_name),
        "no reason and no old value on a public document: {public}"
    );

    let sheets = printed(
        "评分表.pdf",
        documents::score_sheets(&record, None, &meta()),
    );
    assert!(sheets.contains(mark), "{sheets}");

    // The results workbook marks it too (and names no old value).
    let xlsx = round.root.join("结果.xlsx");
    std::fs::write(
        &xlsx,
        paneldesk::report::results_workbook::for_review(&round.review, &ResultOptions::default())
            .unwrap(),
    )
    .unwrap();
    use calamine::{open_workbook_auto, Reader};
    let mut book = open_workbook_auto(&xlsx).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet.cells().map(|(_, _, v)| v.to_string()).collect();
    assert!(cells.iter().any(|c| c == mark), "{cells:?}");
    assert!(!cells.iter().any(|c| c.contains(&corrected.display_name)));
    assert!(
        cells.iter().any(|c| c == &untouched.display_name),
        "{cells:?}"
    );
}
