//! Personal data is masked by its value: ID and phone numbers in columns the template does
//! not know, in free text and in flag messages never leave the clerk's laptop in full.

use std::path::Path;

use paneldesk::import::Source;
use paneldesk::privacy::Privacy;

use super::support::{exemplar_student, fill_sheet, EXEMPLAR_HEAD};
use super::{clerk_keys, exemplar_review_in_temp, import_batch, T0};

/// A 大学生党员标兵 workbook as a university fills it, with two columns of its own.
fn workbook_with_extra_columns(path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let head: Vec<&str> = EXEMPLAR_HEAD
        .into_iter()
        .chain(["支部书记身份证号", "书记手机", "主要事迹"])
        .collect();
    let mut first = exemplar_student("王思远", "11010519491231002X").to_vec();
    first.extend(
        [
            "110105197001010018",
            "13987654321",
            "曾获国家奖学金，联系电话 13700001111。",
        ]
        .map(String::from),
    );
    // An ID Excel stored as a number: the check digit is lost.
    let mut second = exemplar_student("李喆", "110105200307010000").to_vec();
    second[2] = "女".into();
    second[10] = "010-62751234".into();
    second.extend(["", "", "事迹突出。"].map(String::from));
    fill_sheet(ws, &head, &[first, second]);
    // The second ID was typed into a number cell: Excel keeps 15 significant digits.
    ws.write_number(2, 9, 110105200307010000.0).unwrap();
    wb.save(path).unwrap();
}

const SECRETS: [&str; 6] = [
    "11010519491231002X",
    "13812345678",
    "110105197001010018",
    "13987654321",
    "13700001111",
    "110105200307010000",
];

fn leaks(text: &str) -> Vec<&'static str> {
    SECRETS
        .iter()
        .copied()
        .filter(|s| text.contains(s))
        .collect()
}

/// A review holding the workbook above, imported, and what the import told the clerk.
fn imported() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    Vec<paneldesk::import::file::FileReport>,
) {
    let (dir, review) = exemplar_review_in_temp();
    let file = dir.path().join("东川理工大学.xlsx");
    workbook_with_extra_columns(&file);
    let reports = import_batch(
        &review,
        &[Source::Workbook {
            path: file.display().to_string(),
        }],
    );
    assert!(reports[0].imported, "{:?}", reports[0].error);
    (dir, review, reports)
}

#[test]
fn numbers_in_unknown_columns_free_text_and_flags_are_masked_in_every_view_and_the_package() {
    let (dir, review, reports) = imported();
    // What the clerk is told right after the import.
    let told = serde_json::to_string(&reports).unwrap();
    assert_eq!(leaks(&told), Vec::<&str>::new(), "{told}");
    // The review as every screen loads it.
    let shown =
        serde_json::to_string(&paneldesk::review::load(&review, Privacy::Masked).unwrap()).unwrap();
    assert_eq!(leaks(&shown), Vec::<&str>::new());
    // Revealed on the clerk's own laptop, on request: the numbers are there in full.
    let revealed =
        serde_json::to_string(&paneldesk::review::load(&review, Privacy::Revealed).unwrap())
            .unwrap();
    assert_eq!(leaks(&revealed).len(), SECRETS.len());
    // The flags view (the rounded ID gives a flag whose message quotes it).
    let conn = paneldesk::store::open(&review).unwrap();
    let flags = serde_json::to_string(&paneldesk::store::flags::read_all(&conn).unwrap()).unwrap();
    assert!(flags.contains("110*"), "the flag is there: {flags}");
    assert_eq!(leaks(&flags), Vec::<&str>::new(), "{flags}");
    drop(conn);
    // The panel package that goes to every expert.
    let out = dir.path().join("round.pdpanel");
    paneldesk::package::build(&review, &out, &clerk_keys(), "2026-12-10", 0, T0, "clerk").unwrap();
    let manifest = String::from_utf8(
        super::trust::entries_of(&out)
            .into_iter()
            .find(|(n, _)| n == "package.json")
            .unwrap()
            .1,
    )
    .unwrap();
    assert_eq!(leaks(&manifest), Vec::<&str>::new());
    assert!(manifest.contains("139****4321"), "masked, not dropped");
}

#[test]
fn the_nominations_list_finds_nobody_by_a_full_id_or_phone_number_and_shows_none() {
    let (_dir, review, _) = imported();
    let search = |text: &str| {
        let query = paneldesk::model::NominationQuery {
            category_key: None,
            text: text.into(),
        };
        paneldesk::nomination_list::page(&review, &query, 0, 50).unwrap()
    };
    // A search that would reveal whose number it is, by finding the row.
    for secret in SECRETS {
        assert_eq!(search(secret).matched, 0, "{secret} finds a row");
    }
    // What the screen shows is searchable: a name, full-width letters folded.
    assert_eq!(search("王思远").matched, 1);
    let all = search("");
    assert_eq!(all.matched, 2);
    let listed = serde_json::to_string(&all).unwrap();
    assert_eq!(leaks(&listed), Vec::<&str>::new(), "{listed}");
}
