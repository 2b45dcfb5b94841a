//! The blank nomination workbook, read back with calamine as an importer would.

use calamine::{open_workbook, Data, Reader, Xlsx};

use paneldesk::activity::Activity;
use paneldesk::template;
use paneldesk::workbook_template::{self, HEADER_ROW, SHEET_INSTRUCTIONS, SHEET_NOMINATIONS};

#[test]
fn every_activity_gets_a_workbook_whose_header_matches_its_fields() {
    let dir = tempfile::tempdir().unwrap();
    for activity in Activity::ALL {
        let path = dir.path().join(format!("{}.xlsx", activity.code()));
        workbook_template::write(&path, activity, 2026).unwrap();
        let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
        assert_eq!(wb.sheet_names(), [SHEET_NOMINATIONS, SHEET_INSTRUCTIONS]);
        let range = wb.worksheet_range(SHEET_NOMINATIONS).unwrap();
        let title = range.get_value((0, 0)).cloned().unwrap_or(Data::Empty);
        assert_eq!(
            title,
            Data::String(format!("2026年{}推荐汇总表", activity.name_zh()))
        );
        let header: Vec<String> = range
            .rows()
            .nth(HEADER_ROW as usize)
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let expected: Vec<&str> = template::fields(activity)
            .iter()
            .map(|f| f.label_zh)
            .collect();
        assert_eq!(header, expected, "{activity:?}");
    }
}

#[test]
fn choices_are_drop_downs_and_id_columns_are_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("biaobing.xlsx");
    workbook_template::write(&path, Activity::StudentExemplar, 2026).unwrap();
    // Look at the sheet XML itself: what Excel and WPS will obey.
    let file = std::fs::File::open(&path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    for list in [
        "\"男,女\"",
        "\"全日制,非全日制\"",
        "\"中共党员,中共预备党员\"",
        "\"专科,本科,硕士研究生,博士研究生\"",
    ] {
        assert!(xml.contains(list), "missing drop-down {list}");
    }
    assert!(xml.contains("<pane ySplit=\"3\""), "header row is frozen");
    let mut styles = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles).unwrap();
    assert!(
        styles.contains("formatCode=\"@\""),
        "a text format is defined"
    );
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("filled-in.xlsx");
    std::fs::write(&path, b"a university's filled-in workbook").unwrap();
    let err = workbook_template::write(&path, Activity::ModelBranch, 2026).unwrap_err();
    assert_eq!(err.code(), "already_exists");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"a university's filled-in workbook"
    );
}
