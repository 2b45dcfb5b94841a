//! After the award, on real files: a studio award enters the register, a mid-term review
//! a year later fails one studio, its re-check revokes it, the others are accepted after
//! two years; spot checks draw reproducibly from a recorded seed; the register travels
//! as a workbook; bad register workbooks change nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use paneldesk::activity::Activity;
use paneldesk::audit;
use paneldesk::demo::{self, DemoSpec};
use paneldesk::follow_up::awarded_units::{self, AwardedUnit};
use paneldesk::follow_up::draw::Strata;
use paneldesk::follow_up::review::{self as follow_up, FollowUpPlan};
use paneldesk::follow_up::spot_check::{self, DrawParams};
use paneldesk::follow_up::{exchange, Stage, Status, YearMonth};
use paneldesk::merge::collect::receive;
use paneldesk::merge::results::ResultOptions;
use paneldesk::model::marks::Grade;
use paneldesk::model::ScoringMode;
use paneldesk::package;

use super::scoring_round::{enrolled, points_by_position, submit_into, to_mark};
use super::support::{assert_ran, assert_says, run_at as cli, with_plain_sqlite};
use super::{clerk_keys, demo_in_new_folder, T0};

fn ym(text: &str) -> YearMonth {
    YearMonth::parse(text).unwrap()
}

fn date(text: &str) -> time::Date {
    time::Date::parse(text, &time::format_description::well_known::Iso8601::DATE).unwrap()
}

fn exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_paneldesk"))
}

/// Packages `review`, lets every expert on its roster enrol and score on their own
/// "laptop" (criteria: points from the nomination's position; grades from `grade`),
/// and receives every bundle.
fn score_round(root: &Path, review: &Path, tag: &str, grade: impl Fn(&str) -> Grade) {
    let out = root.join(format!("{tag}.pdpanel"));
    package::build(review, &out, &clerk_keys(), "2030-12-31", 0, T0, "clerk").unwrap();
    let roster = paneldesk::review::load(review, paneldesk::privacy::Privacy::Masked)
        .unwrap()
        .experts;
    for (n, expert) in roster.iter().enumerate() {
        let pin = format!("glass meadow 8642{n:02}");
        let at = root.join(format!("{tag}-expert{n}"));
        let randomness = ([n as u8 + 9; 32], [n as u8; 16], [n as u8; 12]);
        let mut laptop = enrolled(&at, &out, review, expert.id, &pin, randomness);
        for (i, nom, category) in to_mark(&laptop) {
            match category.scoring_mode {
                ScoringMode::Grade => {
                    laptop
                        .set_grade(nom.id, Some(grade(&nom.display_name)), T0)
                        .unwrap();
                }
                _ => points_by_position(&mut laptop, nom.id, &category, i + n),
            }
        }
        let stick = root.join(format!("{tag}-stick"));
        let file = submit_into(&mut laptop, &pin, &stick);
        receive(review, &clerk_keys(), &file, T0, "clerk").unwrap();
    }
}

pub(super) struct Awarded {
    _dir: tempfile::TempDir,
    pub(super) root: PathBuf,
    pub(super) register: PathBuf,
    pub(super) award: PathBuf,
}

/// A 2022 studio review, scored, merged and entered with its build starting 2022-11.
pub(super) fn awarded_studios(n: usize) -> Awarded {
    let spec = DemoSpec {
        activity: Activity::DualLeaderStudio,
        year: 2022,
        n_nominations: n,
        n_experts: 3,
        seed: 11,
    };
    let (dir, root, award) = demo_in_new_folder("award", "2022-studio", &spec);
    score_round(&root, &award, "award", |_| Grade::from("good"));
    super::announce(&award);
    let register = root.join("register.pdregister");
    let entered = enter(
        &register,
        &award,
        "2022-11",
        "2022-11-20T09:00:00Z",
        "supervisor",
    )
    .unwrap();
    assert_eq!(
        entered.entered.len(),
        n,
        "every studio is inside the quota of 30"
    );
    Awarded {
        _dir: dir,
        root,
        register,
        award,
    }
}

/// The supervisor carries the finished follow-up `review` into the register on `day`.
fn applied_on(a: &Awarded, review: &Path, day: &str) -> follow_up::Applied {
    let at = format!("{day}T10:00:00Z");
    follow_up::apply(
        &a.register,
        review,
        &ResultOptions::default(),
        date(day),
        &at,
        "supervisor",
    )
    .unwrap()
}

fn units(register: &Path, as_of: &str) -> Vec<AwardedUnit> {
    awarded_units::view(register, ym(as_of)).unwrap().units
}

pub(super) fn follow_up_review(a: &Awarded, name: &str, stage: Stage, as_of: &str) -> PathBuf {
    let path = a.root.join(format!("{name}.pdreview"));
    follow_up::create(
        &a.register,
        &path,
        name,
        &FollowUpPlan {
            activity: Activity::DualLeaderStudio,
            stage,
            as_of: ym(as_of),
            scoring_mode: ScoringMode::Grade,
            pass_share: 0.6,
        },
        Some(&a.award),
        T0,
        "supervisor",
    )
    .unwrap();
    path
}

#[test]
fn two_years_after_the_award_one_studio_is_revoked_and_the_others_accepted() {
    let a = awarded_studios(5);
    let start = units(&a.register, "2022-11");
    assert!(start.iter().all(|u| u.status == Status::Building
        && u.build_start == Some(ym("2022-11"))
        && u.build_end == Some(ym("2024-11"))));
    let failing = start[0].name.clone();

    // Nothing is due before the year is out.
    assert!(start.iter().all(|u| !u.due_now));
    let early = follow_up::create(
        &a.register,
        &a.root.join("early.pdreview"),
        "early",
        &FollowUpPlan {
            activity: Activity::DualLeaderStudio,
            stage: Stage::MidTerm,
            as_of: ym("2023-10"),
            scoring_mode: ScoringMode::Grade,
            pass_share: 0.6,
        },
        Some(&a.award),
        T0,
        "supervisor",
    );
    assert_eq!(early.unwrap_err().code(), "bad_input");
    assert!(!a.root.join("early.pdreview").exists());

    // Year 1: the mid-term review; the panel fails one studio.
    let due = awarded_units::view(&a.register, ym("2023-11")).unwrap();
    assert_eq!(due.due_mid_term, 5);
    let mid = follow_up_review(&a, "mid", Stage::MidTerm, "2023-11");
    assert_eq!(follow_up::stage_of(&mid).unwrap(), Some(Stage::MidTerm));
    let fail_one = |name: &str| {
        if name == failing {
            Grade::from("fail")
        } else {
            Grade::from("good")
        }
    };
    score_round(&a.root, &mid, "mid", fail_one);
    let applied = applied_on(&a, &mid, "2023-12-05");
    assert_eq!(applied.outcomes.len(), 5);
    for o in &applied.outcomes {
        let expected = if o.name == failing {
            Status::Rectifying
        } else {
            Status::Building
        };
        assert_eq!(o.status_after, expected, "{}", o.name);
    }
    // Applying the same review again changes nothing.
    let again = applied_on(&a, &mid, "2023-12-06");
    assert_eq!((again.outcomes.len(), again.already), (0, 5));

    // Six months after the decision the failed studio owes a re-check, the others nothing yet.
    let after = units(&a.register, "2024-06");
    for u in &after {
        let d = u.due.unwrap();
        if u.name == failing {
            assert_eq!(
                (d.stage, d.month, d.recheck, u.due_now),
                (Stage::MidTerm, ym("2024-06"), true, true)
            );
        } else {
            assert_eq!(
                (d.stage, d.month, u.due_now),
                (Stage::Acceptance, ym("2024-11"), false)
            );
        }
    }
    let recheck = follow_up_review(&a, "recheck", Stage::MidTerm, "2024-06");
    assert_eq!(
        paneldesk::review::summary(&recheck).unwrap().n_nominations,
        1
    );
    score_round(&a.root, &recheck, "recheck", |_| Grade::from("fail"));
    let revoked = applied_on(&a, &recheck, "2024-06-20");
    assert_eq!(revoked.outcomes[0].status_after, Status::Revoked);

    // Year 2: acceptance of the four still building.
    let acceptance = follow_up_review(&a, "acceptance", Stage::Acceptance, "2024-11");
    assert_eq!(
        paneldesk::review::summary(&acceptance)
            .unwrap()
            .n_nominations,
        4
    );
    score_round(&a.root, &acceptance, "acceptance", |_| {
        Grade::from("excellent")
    });
    applied_on(&a, &acceptance, "2024-11-28");

    let end = units(&a.register, "2026-11");
    for u in &end {
        let expected = if u.name == failing {
            Status::Revoked
        } else {
            Status::Accepted
        };
        assert_eq!(u.status, expected, "{}", u.name);
        assert_eq!(u.due, None, "{} owes nothing more", u.name);
    }

    // The register's audit log agrees with it: intact, and replaying its outcome entries
    // gives every unit's status.
    let conn = awarded_units::open(&a.register).unwrap();
    assert!(audit::verify(&conn).unwrap() >= 7);
    let mut replayed = std::collections::BTreeMap::new();
    for e in audit::entries(&conn).unwrap() {
        let detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap();
        match e.action.as_str() {
            "register.entered" => {
                // The review it came from is named by its anchor and results digest.
                let anchor = detail["review_anchor"].as_str().unwrap();
                let review = paneldesk::store::open(&a.award).unwrap();
                audit::verify_anchor(&review, anchor).unwrap();
                assert_eq!(detail["results_digest"].as_str().unwrap().len(), 64);
                for id in detail["units"].as_array().unwrap() {
                    replayed.insert(id.as_str().unwrap().to_string(), "building".to_string());
                }
            }
            "follow_up.applied" => {
                for o in detail["outcomes"].as_array().unwrap() {
                    replayed.insert(
                        o["unit"].as_str().unwrap().to_string(),
                        o["to"].as_str().unwrap().to_string(),
                    );
                }
            }
            _ => {}
        }
    }
    for u in &end {
        assert_eq!(replayed[&u.id], u.status.code(), "{}", u.name);
    }
    let actions: Vec<String> = audit::entries(&conn)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions.iter().filter(|a| *a == "follow_up.applied").count(),
        3
    );
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "follow_up.review_created")
            .count(),
        3
    );
    // And each follow-up review's own log records the outcome it produced.
    let mid_log = audit::entries(&paneldesk::store::open(&mid).unwrap()).unwrap();
    assert!(mid_log.iter().any(|e| e.action == "follow_up.applied"));

    // An award review cannot be applied as a follow-up, nor a follow-up entered as an award.
    let e = follow_up::apply(
        &a.register,
        &a.award,
        &ResultOptions::default(),
        date("2024-12-01"),
        T0,
        "s",
    )
    .unwrap_err();
    assert_eq!(e.code(), "bad_input");
    let e = enter(&a.register, &mid, "2023-11", T0, "s").unwrap_err();
    assert_eq!(e.code(), "bad_input");
}

#[test]
fn entering_the_same_award_twice_changes_nothing_and_revoking_needs_a_reason() {
    let a = awarded_studios(3);
    let again = enter(&a.register, &a.award, "2022-11", T0, "supervisor").unwrap();
    assert_eq!((again.entered.len(), again.already), (0, 3));
    let id = units(&a.register, "2022-11")[0].id.clone();
    let e = revoke(&a.register, &id, "  ").unwrap_err();
    assert_eq!(e.code(), "note_required");
    let unit = revoke(&a.register, &id, "抽查发现材料不实").unwrap();
    assert_eq!(unit.status, Status::Revoked);
    assert_eq!(unit.due, None);
    assert_eq!(unit.events.last().unwrap().note, "抽查发现材料不实");
}

/// The award review entered into the register after its 公示, the build starting `build`.
fn enter(
    register: &Path,
    review: &Path,
    build: &str,
    at: &str,
    actor: &str,
) -> paneldesk::Result<awarded_units::Entered> {
    awarded_units::enter_review(
        register,
        review,
        &ResultOptions::default(),
        ym(build),
        super::AFTER_PUBLICITY,
        at,
        actor,
    )
}

/// The unit revoked on 2023-03-01 with `note`.
fn revoke(register: &Path, id: &str, note: &str) -> paneldesk::Result<awarded_units::AwardedUnit> {
    awarded_units::set_status(
        register,
        id,
        Status::Revoked,
        note,
        date("2023-03-01"),
        T0,
        "s",
    )
}

fn params(count: u32, strata: Strata, exclude: Option<u32>) -> DrawParams {
    DrawParams {
        count,
        strata,
        activity: None,
        exclude_checked_within_months: exclude,
    }
}

/// Four units drawn by university on 2023-03-01 from the notary's seed.
fn notarised_draw(register: &Path) -> spot_check::SpotCheckView {
    spot_check::draw(
        register,
        &params(4, Strata::University, None),
        "2023-03-01 公证处 0417",
        date("2023-03-01"),
        "2023-03-01T09:00:00Z",
        "supervisor",
    )
    .unwrap()
}

#[test]
fn spot_checks_redraw_from_their_seed_hold_strata_and_catch_a_changed_register_or_seed() {
    let a = awarded_studios(12);
    let first = notarised_draw(&a.register);
    assert_eq!(first.check.chosen.len(), 4);
    assert_eq!(first.check.population.len(), 12);
    // Stratified by university: each university's share is its size's share of 4.
    let mut sizes = std::collections::BTreeMap::new();
    for m in &first.check.population {
        *sizes.entry(m.stratum.clone()).or_insert(0usize) += 1;
    }
    let shares = paneldesk::follow_up::draw::allocate(4, &sizes);
    for (university, share) in &shares {
        let got = first
            .units
            .iter()
            .filter(|u| &u.university == university)
            .count();
        assert_eq!(got, *share, "{university}");
    }

    let v = spot_check::verify(&a.register, &first.check.id).unwrap();
    assert!(
        v.ok && v.population_intact && v.same_list && v.against_register,
        "{v:?}"
    );

    // The same seed over the same register draws the same list, anywhere.
    let copy = a.root.join("copy.pdregister");
    std::fs::copy(&a.register, &copy).unwrap();
    let conn = awarded_units::open(&copy).unwrap();
    conn.execute("DELETE FROM spot_check", [])
        .unwrap_or_default();
    drop(conn);
    let again = notarised_draw(&copy);
    assert_eq!(again.check.chosen, first.check.chosen);

    // Another seed: another list, and the recorded list no longer re-runs from it.
    let mut forged = first.check.clone();
    forged.seed = "2023-03-01 公证处 0418".into();
    assert!(!spot_check::verify_record(&forged).same_list);

    // A later draw that leaves out units checked within 12 months leaves out those four.
    let second = spot_check::draw(
        &a.register,
        &params(5, Strata::None, Some(12)),
        "second",
        date("2023-09-01"),
        "2023-09-01T09:00:00Z",
        "supervisor",
    )
    .unwrap();
    assert_eq!(second.check.population.len(), 8);
    assert!(second
        .check
        .chosen
        .iter()
        .all(|id| !first.check.chosen.contains(id)));
    // The first draw still verifies although its units are now "recently checked".
    assert!(spot_check::verify(&a.register, &first.check.id).unwrap().ok);

    // A register changed behind the log's back: a unit removed, a recorded list edited.
    let conn = rusqlite::Connection::open(&a.register).unwrap();
    let removed = first
        .check
        .population
        .iter()
        .find(|m| {
            !first.check.chosen.contains(&m.unit_id) && !second.check.chosen.contains(&m.unit_id)
        })
        .unwrap()
        .unit_id
        .clone();
    conn.execute("DELETE FROM awarded_unit WHERE id = ?1", [&removed])
        .unwrap();
    drop(conn);
    let v = spot_check::verify(&a.register, &first.check.id).unwrap();
    assert!(!v.ok);
    assert!(v.population_intact && v.same_list);
    assert_eq!(v.not_in_register.len(), 1);
    assert!(v.not_in_register[0].starts_with(&removed));
}

#[test]
fn the_cli_draws_prints_the_notice_and_verifies_an_exported_draw() {
    let a = awarded_studios(6);
    let data = a.root.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::copy(&a.register, data.join("register.pdregister")).unwrap();
    let notice = a.root.join("notice.pdf");
    let out = cli(
        &data,
        &[
            "--json",
            "spot-check",
            "draw",
            "--count",
            "3",
            "--strata",
            "university",
            "--seed",
            "abc",
            "--on",
            "2023-04-01",
            "--notice",
            notice.to_str().unwrap(),
        ],
    );
    assert_ran(&out);
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = view["check"]["id"].as_str().unwrap().to_string();
    let text = Command::new("pdftotext")
        .args([notice.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("随机抽查名单"), "{text}");
    assert!(text.contains(&id), "{text}");
    assert!(text.contains("随机种子：abc"), "{text}");
    for unit in view["units"].as_array().unwrap() {
        assert!(text.contains(unit["unit_id"].as_str().unwrap()), "{text}");
        assert!(
            text.contains(unit["university"].as_str().unwrap()),
            "{text}"
        );
    }
    let png = a.root.join("notice");
    Command::new("pdftoppm")
        .args([
            "-png",
            "-r",
            "70",
            "-singlefile",
            notice.to_str().unwrap(),
            png.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    if let Some(dir) = std::env::var_os("PANELDESK_SAVE_NOTICE") {
        std::fs::copy(
            png.with_extension("png"),
            Path::new(&dir).join("spot-check-notice.png"),
        )
        .unwrap();
    }
    let fonts = Command::new("pdffonts").arg(&notice).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(
        fonts.lines().skip(2).all(|l| l.contains(" yes ")),
        "{fonts}"
    );
    let pages = Command::new("pdfinfo").arg(&notice).output().unwrap();
    let pages = String::from_utf8_lossy(&pages.stdout).to_string();
    let count = pages
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(str::trim);
    assert_eq!(count, Some("1"), "the notice is one page: {pages}");

    let verified = cli(&data, &["spot-check", "verify", "--draw", &id]);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );

    let exported = a.root.join("draw.json");
    assert!(cli(
        &data,
        &[
            "spot-check",
            "export",
            "--draw",
            &id,
            "--out",
            exported.to_str().unwrap()
        ]
    )
    .status
    .success());
    assert!(cli(
        &data,
        &["spot-check", "verify", "--file", exported.to_str().unwrap()]
    )
    .status
    .success());
    // The by-hand check in docs/follow-up.md agrees, without PanelDesk.
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/follow-up.md")).unwrap();
    let snippet = doc
        .split("```python\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let snippet = snippet.replace("\"d.json\"", &format!("{:?}", exported.to_str().unwrap()));
    let by_hand = Command::new("python3")
        .args(["-c", &snippet])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&by_hand.stdout).trim(),
        "True",
        "{}",
        String::from_utf8_lossy(&by_hand.stderr)
    );
    // Someone swaps a drawn unit for another: the exported draw no longer verifies.
    let mut record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&exported).unwrap()).unwrap();
    let outsider = record["population"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["unit_id"].as_str().unwrap().to_string())
        .find(|u| {
            !record["chosen"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == u.as_str())
        })
        .unwrap();
    record["chosen"][0] = serde_json::Value::String(outsider);
    let forged = a.root.join("forged.json");
    std::fs::write(&forged, serde_json::to_vec(&record).unwrap()).unwrap();
    let refused = cli(
        &data,
        &["spot-check", "verify", "--file", forged.to_str().unwrap()],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("复核未通过"));
    // Not a draw at all: a located error, no panic.
    std::fs::write(&forged, b"{\"id\": 3").unwrap();
    let bad = cli(
        &data,
        &["spot-check", "verify", "--file", forged.to_str().unwrap()],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("不是有效的抽查记录"));

    let audit = cli(&data, &["register", "audit"]);
    assert!(audit.status.success());
}

#[test]
fn the_register_travels_as_a_workbook_and_a_bad_workbook_changes_nothing() {
    let a = awarded_studios(4);
    let id = units(&a.register, "2023-01")[1].id.clone();
    awarded_units::set_status(
        &a.register,
        &id,
        Status::Rectifying,
        "=督查发现问题，限期整改",
        date("2023-02-01"),
        T0,
        "s",
    )
    .unwrap();
    spot_check::draw(
        &a.register,
        &params(2, Strata::None, None),
        "seed-1",
        date("2023-02-02"),
        "2023-02-02T08:00:00Z",
        "s",
    )
    .unwrap();
    let book = a.root.join("register.xlsx");
    assert_eq!(exchange::export(&a.register, &book).unwrap(), 4);

    // A new laptop: an empty register takes everything, and the draws still verify.
    let laptop = a.root.join("laptop.pdregister");
    let report = exchange::import(&laptop, &book, &exe(), T0, "s").unwrap();
    assert_eq!((report.units_added, report.checks_added), (4, 1));
    let mine = units(&a.register, "2024-01");
    let theirs = units(&laptop, "2024-01");
    assert_eq!(mine, theirs);
    assert_eq!(
        theirs[1].events[0].note, "=督查发现问题，限期整改",
        "formula-looking text survives"
    );
    let check = spot_check::views(&laptop).unwrap().remove(0);
    assert!(spot_check::verify(&laptop, &check.check.id).unwrap().ok);
    // Importing the same workbook again changes nothing.
    let again = exchange::import(&laptop, &book, &exe(), T0, "s").unwrap();
    assert_eq!(
        (again.units_added, again.units_same, again.checks_same),
        (0, 4, 1)
    );

    let before = std::fs::read(&laptop).unwrap();
    let unchanged = |what: &str| {
        assert_eq!(units(&laptop, "2024-01"), theirs, "{what}");
        let _ = &before;
    };

    // Not a workbook at all.
    let junk = a.root.join("junk.xlsx");
    std::fs::write(&junk, b"this is not a zip").unwrap();
    let e = exchange::import(&laptop, &junk, &exe(), T0, "s").unwrap_err();
    assert_says(&e, "junk.xlsx");
    unchanged("junk");

    // A workbook with a bad status and a lying draw, written by another program.
    let edited = a.root.join("edited.xlsx");
    let script = format!(
        r#"
import openpyxl
wb = openpyxl.load_workbook({src:?})
ws = wb["登记册"]
ws["L3"] = "优秀单位"
wm = wb["抽查总体"]
for row in wm.iter_rows(min_row=2):
    row[3].value = "否" if row[3].value == "是" else "是"
wb.save({dst:?})
"#,
        src = book.to_str().unwrap(),
        dst = edited.to_str().unwrap()
    );
    let py = Command::new(system_python())
        .args(["-c", &script])
        .output()
        .unwrap();
    assert_ran(&py);
    let fresh = a.root.join("fresh.pdregister");
    let e = exchange::import(&fresh, &edited, &exe(), T0, "s").unwrap_err();
    let zh = e.message_zh();
    assert!(zh.contains("工作表「登记册」第 3 行「状态」列"), "{zh}");
    assert!(zh.contains("无法按记录的种子复现"), "{zh}");
    assert!(units(&fresh, "2024-01").is_empty(), "nothing imported");

    // A workbook whose unit differs from this register's record is refused whole.
    let conn = rusqlite::Connection::open(&laptop).unwrap();
    conn.execute(
        "UPDATE awarded_unit SET name = name || '（更名）' WHERE id = ?1",
        [&id],
    )
    .unwrap();
    drop(conn);
    let e = exchange::import(&laptop, &book, &exe(), T0, "s").unwrap_err();
    assert_says(&e, &id);
}

/// Debian's own Python, where scripts/setup.sh installs python3-openpyxl: a `python3`
/// earlier on PATH (pyenv, a venv) may lack it.
fn system_python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// Every in-cut nomination of `review`, in the results' order (category by category, best
/// first): the order its units are numbered in.
fn winners_in_order(review: &Path) -> Vec<i64> {
    let results = paneldesk::merge::results::compute(review, &ResultOptions::default()).unwrap();
    results
        .categories
        .iter()
        .flat_map(|c| c.nominations.iter())
        .filter(|n| n.cut == paneldesk::merge::rank::Cut::In)
        .map(|n| n.nomination_id)
        .collect()
}

#[test]
fn each_unit_has_a_number_the_office_can_say_aloud_in_the_reviews_order() {
    let a = awarded_studios(4);
    let listed = units(&a.register, "2023-01");
    let number_of = |review: &Path, units: &[AwardedUnit]| -> Vec<String> {
        let id = paneldesk::review::summary(review).unwrap().id;
        winners_in_order(review)
            .into_iter()
            .map(|n| {
                units
                    .iter()
                    .find(|u| u.review_id == id && u.nomination_id == n)
                    .unwrap()
                    .number
                    .clone()
            })
            .collect()
    };
    assert_eq!(
        number_of(&a.award, &listed),
        [
            "2022-双带头人工作室-001",
            "2022-双带头人工作室-002",
            "2022-双带头人工作室-003",
            "2022-双带头人工作室-004"
        ]
    );
    assert!(
        listed.iter().all(|u| u.id.starts_with("AU-")),
        "the key is kept"
    );
    assert!(
        listed
            .iter()
            .all(|u| u.awardee == awarded_units::Awardee::Unit),
        "a studio is a unit, its name a branch's"
    );

    // A second review of the same activity and year (a supplementary round) counts on:
    // a number names one unit, whichever review it came from.
    let second = a.root.join("second.pdreview");
    let spec = DemoSpec {
        activity: Activity::DualLeaderStudio,
        year: 2022,
        n_nominations: 2,
        n_experts: 3,
        seed: 12,
    };
    demo::create(&second, "2022-studio-second", &spec, T0).unwrap();
    score_round(&a.root, &second, "second", |_| Grade::from("good"));
    super::announce(&second);
    enter(&a.register, &second, "2022-12", T0, "supervisor").unwrap();
    let listed = units(&a.register, "2023-01");
    assert_eq!(
        number_of(&second, &listed),
        ["2022-双带头人工作室-005", "2022-双带头人工作室-006"]
    );
    // Entering the first review again numbers nothing anew.
    enter(&a.register, &a.award, "2022-11", T0, "supervisor").unwrap();
    assert_eq!(units(&a.register, "2023-01"), listed);

    // The CLI's listing shows the number beside the key.
    let out = cli(&a.root, &["register", "list", "--as-of", "2023-01"]);
    assert_ran(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("2022-双带头人工作室-006"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("AU-"), "{line}");
    let json = super::support::stdout_json(&cli(
        &a.root,
        &["register", "list", "--as-of", "2023-01", "--json"],
    ));
    assert_eq!(json["units"][0]["awardee"], "unit");
    assert!(json["units"][0]["number"]
        .as_str()
        .unwrap()
        .starts_with("2022-双带头人工作室-"));
}

/// A register written before units had numbers: it opens, its units are numbered once
/// (by the order they were entered), their keys stay, and new entries count on.
#[test]
fn a_register_from_before_numbers_opens_and_keeps_its_keys() {
    let a = awarded_studios(3);
    let before = units(&a.register, "2023-01");
    with_plain_sqlite(
        &a.register,
        "DROP INDEX awarded_unit_by_number;
         ALTER TABLE awarded_unit DROP COLUMN serial;
         PRAGMA user_version = 1;",
    );
    // Import's read-only look at the register reads an old file as it is.
    let honours = awarded_units::read_honours(&a.register).unwrap().unwrap();
    assert_eq!(honours.len(), 3);

    let after = units(&a.register, "2023-01");
    let keys = |units: &[AwardedUnit]| units.iter().map(|u| u.id.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&after), keys(&before));
    let mut numbers: Vec<&str> = after.iter().map(|u| u.number.as_str()).collect();
    numbers.sort();
    assert_eq!(
        numbers,
        [
            "2022-双带头人工作室-001",
            "2022-双带头人工作室-002",
            "2022-双带头人工作室-003"
        ]
    );
    let conn = awarded_units::open(&a.register).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 2);
    assert!(audit::verify(&conn).is_ok());
    drop(conn);
    assert_eq!(units(&a.register, "2023-01"), after, "numbered once");
}
