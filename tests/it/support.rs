//! Helpers many areas share: running the `paneldesk` binary (as anyone, or as the clerk
//! with the fixed keys), reading what it answers, the CLI calls that set up printing, and
//! the small documents and workbooks the tests write.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use paneldesk::merge::rank::Cut;
use paneldesk::merge::results::NominationResult;
use paneldesk::report::pdf::Meta;
use paneldesk::report::record::Record;

use super::{clerk_keys, PAST_ANNOUNCEMENT};

/// The `paneldesk` binary with its data folder at `data`.
pub fn paneldesk_at(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_paneldesk"));
    command.env("PANELDESK_DATA_DIR", data);
    command
}

/// Runs `paneldesk args` with its data folder at `data`.
pub fn run_at(data: &Path, args: &[&str]) -> Output {
    paneldesk_at(data).args(args).output().unwrap()
}

/// Runs `paneldesk args` with its data folder at `data` and the clerk's passphrase given,
/// so the clerk's keys open without a prompt.
pub fn run_unlocked(data: &Path, args: &[&str]) -> Output {
    paneldesk_at(data)
        .env(
            "PANELDESK_CLERK_PASSPHRASE",
            super::keys_at_rest::CLERK_PASSPHRASE,
        )
        .args(args)
        .output()
        .expect("paneldesk runs")
}

/// The clerk at `data` makes a demonstration review of `nominations` nominations and
/// `experts` experts and writes its package to `package`: what `package --json` answered.
pub fn cli_demo_packaged(
    data: &Path,
    nominations: &str,
    experts: &str,
    package: &Path,
) -> serde_json::Value {
    let demo = ["demo", "--nominations", nominations, "--experts", experts];
    assert_ran(&run_unlocked(data, &demo));
    let out = package.to_str().unwrap();
    let package = ["package", "--out", out, "--closes", "2026-12-10", "--json"];
    let built = run_unlocked(data, &package);
    assert_ran(&built);
    stdout_json(&built)
}

/// What a run said: whether it succeeded, its standard output and its standard error.
pub fn said(out: Output) -> (bool, String, String) {
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts the run succeeded, showing its standard error when not.
pub fn assert_ran(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Asserts the error's Chinese message contains `needle`, showing the message when not.
pub fn assert_says(e: &paneldesk::Error, needle: &str) {
    assert!(e.message_zh().contains(needle), "{}", e.message_zh());
}

/// The run's standard output as JSON; both outputs are shown when it is not JSON.
pub fn stdout_json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `args` with `--review review` appended for the subcommand; `--json` is global, so it
/// moves to the end after it.
pub fn with_review<'a>(args: &[&'a str], review: &'a str) -> Vec<&'a str> {
    let mut all: Vec<&str> = args.to_vec();
    let json = all.contains(&"--json");
    all.retain(|a| *a != "--json");
    all.extend(["--review", review]);
    if json {
        all.push("--json");
    }
    all
}

/// `command --review review --out out`, then `extra`: how every printing command is
/// called.
pub fn print_args<'a>(
    command: &[&'a str],
    review: &'a str,
    out: &'a Path,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let target = ["--review", review, "--out", out.to_str().unwrap()];
    [command, &target[..], extra].concat()
}

/// Runs `paneldesk args --review review` (see `with_review`) with its data folder at
/// `data`.
pub fn run_on_review(data: &Path, review: &Path, args: &[&str]) -> Output {
    run_at(data, &with_review(args, review.to_str().unwrap()))
}

/// The actions of the review's audit log, in order, once its chain is verified.
pub fn audit_actions(review: &Path) -> Vec<String> {
    let conn = paneldesk::store::open(review).unwrap();
    paneldesk::audit::verify(&conn).unwrap();
    paneldesk::audit::entries(&conn)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// The detail of the latest entry of `action` in the audit log `conn` reads.
pub fn last_audit_detail(conn: &rusqlite::Connection, action: &str) -> String {
    paneldesk::audit::entries(conn)
        .unwrap()
        .into_iter()
        .rfind(|e| e.action == action)
        .unwrap_or_else(|| panic!("no {action} entry"))
        .detail
}

/// The clerk's laptop for a round under `root`: a data folder of its own holding the
/// fixed clerk keys, written the first time it is asked for.
pub fn clerk_data(root: &Path) -> PathBuf {
    let data = root.join("clerk-data");
    if !data.join("keys/clerk.json").exists() {
        std::fs::create_dir_all(data.join("keys")).unwrap();
        std::fs::write(
            data.join("keys/clerk.json"),
            serde_json::to_string(&clerk_keys()).unwrap(),
        )
        .unwrap();
    }
    data
}

/// Runs the CLI on the clerk's laptop of `root` (see `clerk_data`).
pub fn clerk_cli(root: &Path, args: &[&str]) -> (bool, String, String) {
    said(run_at(&clerk_data(root), args))
}

/// `clerk_cli`, which must succeed; its standard output.
pub fn clerk_ok(root: &Path, args: &[&str]) -> String {
    let (ok, out, err) = clerk_cli(root, args);
    assert!(ok, "{args:?}: {err}{out}");
    out
}

/// The issuer the tests print certificates under.
pub const ISSUER: &str = "中共某省委教育工作委员会";

/// `announcement set` with `PAST_ANNOUNCEMENT` on the clerk's laptop: the 公示 was held
/// and is over by any calendar the command reads.
pub fn cli_announce_past(root: &Path, review: &str) {
    clerk_ok(
        root,
        &[
            &["announcement", "set", "--review", review][..],
            PAST_ANNOUNCEMENT,
        ]
        .concat(),
    );
}

/// `certificates template --issuer ISSUER` on the clerk's laptop.
pub fn cli_set_issuer(root: &Path, review: &str) {
    let args = ["certificates", "template", "--review", review];
    clerk_ok(root, &[&args[..], &["--issuer", ISSUER]].concat());
}

/// `--json certificates print` dated 2026-12-01 into `out` on the clerk's laptop: what it
/// answers.
pub fn cli_print_certificates(root: &Path, review: &str, out: &Path) -> serde_json::Value {
    let args = ["--json", "certificates", "print", "--review", review];
    let options = ["--out", out.to_str().unwrap(), "--date", "2026-12-01"];
    serde_json::from_str(&clerk_ok(root, &[&args[..], &options].concat())).unwrap()
}

/// The display names of the review's nominations (masked), in its order.
pub fn display_names(review: &Path) -> Vec<String> {
    paneldesk::review::load(review, paneldesk::privacy::Privacy::Masked)
        .unwrap()
        .nominations
        .into_iter()
        .map(|n| n.display_name)
        .collect()
}

/// How many certificates the review has recorded.
pub fn certificates_issued(review: &Path) -> i64 {
    let conn = paneldesk::store::open(review).unwrap();
    conn.query_row("SELECT count(*) FROM certificate", [], |r| r.get(0))
        .unwrap()
}

/// Document metadata for a test print, dated 2026-11-30.
pub fn test_meta(title: &str) -> Meta<'_> {
    Meta {
        title,
        subject: "test",
        at: time::macros::datetime!(2026-11-30 0:00 UTC),
    }
}

/// The nominations inside the cut of the record's first category.
pub fn winners_of(record: &Record) -> Vec<NominationResult> {
    record.results.categories[0]
        .nominations
        .iter()
        .filter(|n| n.cut == Cut::In)
        .cloned()
        .collect()
}

/// The columns of the 大学生党员标兵 template as the tests' workbooks give them.
pub const EXEMPLAR_HEAD: [&str; 11] = [
    "推荐单位",
    "姓名",
    "性别",
    "民族",
    "学历层次",
    "培养方式",
    "政治面貌",
    "入党时间",
    "转正时间",
    "身份证号",
    "联系电话",
];

/// Runs `sql` on the SQLite file at `path` as another program would, with none of
/// PanelDesk's checks in the way.
pub fn with_plain_sqlite(path: &Path, sql: &str) {
    rusqlite::Connection::open(path)
        .unwrap()
        .execute_batch(sql)
        .unwrap();
}

/// Runs `edit` on the stored count (`counted_json`) of ballot `ballot` through `raw`, a
/// bare SQLite connection to a review file, as someone holding the file could.
pub fn edit_counted(
    raw: &rusqlite::Connection,
    ballot: i64,
    edit: impl FnOnce(&mut serde_json::Value),
) {
    let text: String = raw
        .query_row(
            "SELECT counted_json FROM meeting_ballot WHERE id = ?1",
            [ballot],
            |r| r.get(0),
        )
        .unwrap();
    let mut counted = serde_json::from_str(&text).unwrap();
    edit(&mut counted);
    raw.execute(
        "UPDATE meeting_ballot SET counted_json = ?2 WHERE id = ?1",
        rusqlite::params![ballot, counted.to_string()],
    )
    .unwrap();
}

/// The nomination of `review` shown as `name`.
pub fn named<'a>(
    review: &'a paneldesk::model::Review,
    name: &str,
) -> &'a paneldesk::model::Nomination {
    review
        .nominations
        .iter()
        .find(|n| n.display_name == name)
        .unwrap()
}

/// The first column of every row `sql` selects.
pub fn column<T: rusqlite::types::FromSql>(conn: &rusqlite::Connection, sql: &str) -> Vec<T> {
    conn.prepare(sql)
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// A student as the tests' 大学生党员标兵 workbooks give one, in `EXEMPLAR_HEAD`'s columns.
pub fn exemplar_student(name: &str, id: &str) -> [String; 11] {
    [
        "东川理工大学",
        name,
        "男",
        "汉族",
        "本科",
        "全日制",
        "中共党员",
        "2021.07",
        "2022.07",
        id,
        "13812345678",
    ]
    .map(str::to_string)
}

/// A workbook written by rust_xlsxwriter: a header with `head` and the `rows` under it,
/// cells as text (an empty string leaves the cell empty).
pub fn write_workbook(path: &Path, head: &[&str], rows: &[Vec<String>]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    fill_sheet(wb.add_worksheet(), head, rows);
    wb.save(path).unwrap();
}

/// Writes a header with `head` and the `rows` under it into `ws`, cells as text (an empty
/// string leaves the cell empty).
pub fn fill_sheet<S: AsRef<str>>(
    ws: &mut rust_xlsxwriter::Worksheet,
    head: &[&str],
    rows: &[impl AsRef<[S]>],
) {
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.as_ref().iter().enumerate() {
            if !v.as_ref().is_empty() {
                ws.write_string(r as u32 + 1, c as u16, v.as_ref()).unwrap();
            }
        }
    }
}
