//! Workbooks from outside are untrusted: each bad one gets its own clear error and the
//! importing process lives on.

use std::io::Write;
use std::path::{Path, PathBuf};

use paneldesk::activity::Activity;
use paneldesk::sandbox::grid::Cell;
use paneldesk::sandbox::pool::read_isolated;
use paneldesk::sandbox::reader::{Limits, WorkbookError};
use paneldesk::workbook_template;

fn exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_paneldesk"))
}

fn read(path: &Path) -> Result<Vec<paneldesk::sandbox::grid::Grid>, WorkbookError> {
    read_isolated(&exe(), path, &Limits::default())
}

/// A valid xlsx whose entries can be swapped for crafted ones.
fn xlsx_with(dir: &Path, name: &str, replace: &[(&str, &[u8])]) -> PathBuf {
    let template = dir.join(format!("{name}-template.xlsx"));
    workbook_template::write(&template, Activity::StudentExemplar, 2026).unwrap();
    let mut source = zip::ZipArchive::new(std::fs::File::open(&template).unwrap()).unwrap();
    let out = dir.join(format!("{name}.xlsx"));
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&out).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    let mut written: Vec<String> = Vec::new();
    for i in 0..source.len() {
        let mut entry = source.by_index(i).unwrap();
        let entry_name = entry.name().to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        if let Some((_, new)) = replace.iter().find(|(n, _)| *n == entry_name) {
            bytes = new.to_vec();
        }
        writer.start_file(entry_name.as_str(), options).unwrap();
        writer.write_all(&bytes).unwrap();
        written.push(entry_name);
    }
    for (n, bytes) in replace {
        if !written.iter().any(|w| w == n) {
            writer.start_file(*n, options).unwrap();
            writer.write_all(bytes).unwrap();
        }
    }
    writer.finish().unwrap();
    out
}

#[test]
fn a_real_template_reads_back_in_the_child_with_its_header_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blank.xlsx");
    workbook_template::write(&path, Activity::StudentExemplar, 2026).unwrap();
    let grids = read(&path).unwrap();
    assert_eq!(grids[0].sheet, "推荐汇总表");
    assert_eq!(grids[0].cell(2, 1), &Cell::Text("姓名".into()));
}

#[test]
fn not_a_workbook_empty_and_truncated_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("名单.xlsx");
    std::fs::write(&text, "姓名,学校\n张三,甲大学\n").unwrap();
    assert_eq!(read(&text).unwrap_err(), WorkbookError::NotAWorkbook);

    let empty = dir.path().join("empty.xlsx");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(read(&empty).unwrap_err(), WorkbookError::NotAWorkbook);

    let whole = dir.path().join("whole.xlsx");
    workbook_template::write(&whole, Activity::ModelBranch, 2026).unwrap();
    let bytes = std::fs::read(&whole).unwrap();
    let truncated = dir.path().join("truncated.xlsx");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let err = read(&truncated).unwrap_err();
    assert!(
        matches!(
            err,
            WorkbookError::NotAWorkbook | WorkbookError::Unreadable { .. }
        ),
        "{err:?}"
    );
    let zh = err.message_zh(&truncated);
    assert!(zh.contains("truncated.xlsx"), "{zh}");
}

#[test]
fn a_zip_bomb_is_refused_before_any_parser_sees_it() {
    let dir = tempfile::tempdir().unwrap();
    let zeros = vec![b' '; 16 << 20];
    let path = xlsx_with(dir.path(), "bomb", &[("xl/worksheets/sheet1.xml", &zeros)]);
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20);
    let err = read(&path).unwrap_err();
    assert!(
        matches!(err, WorkbookError::SuspiciousArchive { .. }),
        "{err:?}"
    );
    assert!(err.message_en(&path).contains("suspicious"));
}

/// Reading `path` ends as reading a workbook built to exhaust the parser should (the child
/// reading it stopped, or it could not be read at all), and the process that asked is
/// still here to read the next, good file.
fn assert_cannot_take_the_importer_down(dir: &Path, path: &Path) {
    let err = read(path).unwrap_err();
    assert!(
        matches!(
            err,
            WorkbookError::ParserStopped { .. } | WorkbookError::Unreadable { .. }
        ),
        "{err:?}"
    );
    a_good_workbook_still_reads(dir);
}

/// The importer is still there to read a good workbook after a hostile one.
fn a_good_workbook_still_reads(dir: &Path) {
    let good = dir.join("good.xlsx");
    workbook_template::write(&good, Activity::ModelBranch, 2026).unwrap();
    assert!(read(&good).is_ok());
}

#[test]
fn a_huge_shared_string_count_cannot_take_the_importer_down() {
    let dir = tempfile::tempdir().unwrap();
    let sst = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1000000000000" uniqueCount="1000000000000"><si><t>x</t></si></sst>"#;
    let path = xlsx_with(dir.path(), "sst", &[("xl/sharedStrings.xml", sst)]);
    assert_cannot_take_the_importer_down(dir.path(), &path);
}

#[test]
fn a_sheet_claiming_the_last_cell_of_excel_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>z</t></is></c></row></sheetData></worksheet>"#;
    let path = xlsx_with(dir.path(), "huge", &[("xl/worksheets/sheet1.xml", sheet)]);
    let err = read(&path).unwrap_err();
    assert!(
        matches!(
            err,
            WorkbookError::TooManyCells { .. } | WorkbookError::ParserStopped { .. }
        ),
        "{err:?}"
    );
}

/// A worksheet part of `rows` rows, row `r` holding the cells `cells(r)` writes.
fn sheet_of_rows(rows: u32, cells: impl Fn(u32) -> String) -> String {
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for r in 1..=rows {
        sheet.push_str(&format!(r#"<row r="{r}">{}</row>"#, cells(r)));
    }
    sheet.push_str("</sheetData></worksheet>");
    sheet
}

#[test]
fn a_sheet_larger_than_its_zip_entry_claims_cannot_take_the_importer_down() {
    let dir = tempfile::tempdir().unwrap();
    // 20,000 rows of varied text: compresses too little to look like a bomb.
    let sheet = sheet_of_rows(20_000, |r| {
        let noise = r.wrapping_mul(2_654_435_761);
        format!(r#"<c r="A{r}" t="inlineStr"><is><t>{noise:x}{r}</t></is></c>"#)
    });
    let path = xlsx_with(
        dir.path(),
        "lying",
        &[("xl/worksheets/sheet1.xml", sheet.as_bytes())],
    );
    super::lie_about_size(&path, "xl/worksheets/sheet1.xml", 200);
    assert!(
        paneldesk::sandbox::reader::preflight(&path, &Limits::default()).is_ok(),
        "the lie gets past the cheap checks"
    );
    assert_cannot_take_the_importer_down(dir.path(), &path);
}

#[test]
fn a_password_protected_workbook_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.xlsx");
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.extend(vec![0u8; 504]);
    bytes.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
    bytes.extend(vec![0u8; 1024]);
    std::fs::write(&path, bytes).unwrap();
    let err = read(&path).unwrap_err();
    assert_eq!(err, WorkbookError::PasswordProtected);
    assert!(err.message_zh(&path).contains("密码"));
}

#[test]
fn a_sheet_with_a_value_in_the_last_column_of_every_row_is_refused_by_its_size() {
    // Within the row and column limits, and a small file, but laid out as rows it is 256
    // cells wide all the way down: millions of cells for the parent to hold.
    let dir = tempfile::tempdir().unwrap();
    let sheet = sheet_of_rows(20_000, |r| {
        format!(r#"<c r="IV{r}" t="inlineStr"><is><t>x</t></is></c>"#)
    });
    let path = xlsx_with(
        dir.path(),
        "wide",
        &[("xl/worksheets/sheet1.xml", sheet.as_bytes())],
    );
    match read(&path).unwrap_err() {
        WorkbookError::TooManyCells { sheet, columns, .. } => {
            assert_eq!((sheet.as_str(), columns), ("推荐汇总表", 256));
        }
        other => panic!("{other:?}"),
    }
    a_good_workbook_still_reads(dir.path());
}

/// The parsing child gives up the file system before it reads a workbook: it is handed
/// bytes, and a crafted file that took it over could reach nothing (sandbox::child).
#[cfg(target_os = "linux")]
#[test]
fn the_parsing_child_runs_without_new_privileges_and_is_handed_bytes_not_paths() {
    use std::io::Read;
    // One request: a "workbook" that is not one. The answer proves the child is past
    // its sandbox and in its loop.
    let mut child = super::parsing_child_asked("xlsx", b"not a workbook");
    let stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut len = [0u8; 8];
    stdout.read_exact(&mut len).unwrap();
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    drop(stdin);
    child.wait().unwrap();
    assert!(
        status
            .lines()
            .any(|l| l.split_whitespace().eq(["NoNewPrivs:", "1"])),
        "{status}"
    );
}
