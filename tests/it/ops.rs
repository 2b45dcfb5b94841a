//! The use cases (`paneldesk::ops`) the app's commands call, each run whole on real
//! files: what they write, what they answer, and what they refuse.

use std::path::{Path, PathBuf};

use paneldesk::merge::decisions::Outcome;
use paneldesk::merge::results::ResultOptions;
use paneldesk::model::{Nomination, NominationQuery, ReviewOutline, ReviewSummary};
use paneldesk::ops::certificates::{self, Batch, SAMPLE_NAME, SAMPLE_UNIVERSITY};
use paneldesk::ops::reports::{self, ReportKind};
use paneldesk::ops::round::{self, PackageTerms};
use paneldesk::ops::Existing::{Refuse, Replace};
use paneldesk::ops::{follow_up, paper, publication, review};
use paneldesk::package::PanelScope;
use paneldesk::report::certificate::Mark;
use paneldesk::report::record::Record;
use paneldesk::report::serials;
use paneldesk::store::experts::NewExpert;
use paneldesk::store::flags::{self, Decision};
use paneldesk::workspace::Workspace;

use super::scoring_round::{expert_submits, five_experts_received, package_round};
use super::{
    announcement_settings, clerk_keys, demo_review, printable_template, AFTER_PUBLICITY, T0,
};

/// Every word on a laid-out certificate, run together (lines break inside names).
fn texts(sheet: &paneldesk::report::certificate::Sheet) -> String {
    sheet
        .marks
        .iter()
        .filter_map(|m| match m {
            Mark::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .concat()
        .replace('\n', "")
}

/// Where the workspace keeps the review just `made`, whose id says its year and ends with
/// the suffix it was made with.
fn stored_at(workspace: &Workspace, made: &ReviewSummary, year: i32, suffix: &str) -> PathBuf {
    let id = &made.id;
    assert!(
        id.starts_with(&format!("{year}-")) && id.ends_with(&format!("-{suffix}")),
        "{id}"
    );
    workspace.path_for_new_review(id)
}

fn keys() -> paneldesk::Result<paneldesk::keys::ClerkKeys> {
    Ok(clerk_keys())
}

#[test]
fn before_any_winner_the_preview_shows_the_cores_sample_in_the_chosen_category() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("preview.pdreview");
    let spec = paneldesk::demo::DemoSpec {
        activity: paneldesk::activity::Activity::InnovationCase,
        ..Default::default()
    };
    paneldesk::demo::create(&path, "preview", &spec, T0).unwrap();
    let loaded = paneldesk::review::load(&path, paneldesk::privacy::Privacy::Masked).unwrap();
    assert!(
        loaded.categories.len() >= 2,
        "the test needs a second category"
    );
    let second = &loaded.categories[1];

    let preview =
        certificates::preview(&path, printable_template(), Some(&second.key), T0_DAY).unwrap();
    assert!(preview.sample);
    assert!(!preview.issuer_missing);
    let words = texts(&preview.sheet);
    assert!(words.contains(SAMPLE_NAME), "{words}");
    assert!(words.contains(SAMPLE_UNIVERSITY), "{words}");
    assert!(
        words.contains(&second.name_zh),
        "the chosen category: {words}"
    );
    assert!(words.contains("PD2026-01-001"), "{words}");

    // A key the review does not have counts as none: the first category stands in.
    let unknown =
        certificates::preview(&path, printable_template(), Some("no_such"), T0_DAY).unwrap();
    assert!(texts(&unknown.sheet).contains(&loaded.categories[0].name_zh));
    // Without an issuer the preview still lays out, and says printing is refused.
    let blank = paneldesk::report::certificate::CertificateTemplate::default();
    assert!(
        certificates::preview(&path, blank, None, T0_DAY)
            .unwrap()
            .issuer_missing
    );
}

const T0_DAY: time::Date = time::macros::date!(2026 - 11 - 30);

#[test]
fn once_the_publicity_is_over_the_preview_shows_the_first_winner_and_a_batch_prints() {
    let (round, _) = five_experts_received();
    super::announce(&round.review);
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let (key, id) = serials::winners(&record, None, AFTER_PUBLICITY).unwrap()[0].clone();
    let first = record
        .results
        .categories
        .iter()
        .find(|c| c.key == key)
        .unwrap()
        .nominations
        .iter()
        .find(|n| n.nomination_id == id)
        .unwrap()
        .clone();
    let preview =
        certificates::preview(&round.review, printable_template(), None, AFTER_PUBLICITY).unwrap();
    assert!(!preview.sample);
    assert!(texts(&preview.sheet).contains(&first.display_name));

    // Into a file that is there, nobody having agreed: refused before any serial is given.
    let out = round.root.join("证书.pdf");
    std::fs::write(&out, b"old").unwrap();
    let mut batch = Batch::winners(AFTER_PUBLICITY);
    batch.template = Some(printable_template());
    let refused = certificates::print(
        &round.review,
        &batch,
        keys,
        AFTER_PUBLICITY,
        &out,
        Refuse,
        T0,
        "clerk",
    );
    assert_eq!(refused.unwrap_err().code(), "already_exists");
    assert_eq!(std::fs::read(&out).unwrap(), b"old");

    // Locked keys stop the batch; the winners were checked first.
    let locked = || Err(paneldesk::Error::ClerkPassphraseNeeded);
    let refused = certificates::print(
        &round.review,
        &batch,
        locked,
        AFTER_PUBLICITY,
        &out,
        Replace,
        T0,
        "clerk",
    );
    assert_eq!(refused.unwrap_err().code(), "clerk_passphrase_needed");

    let printed = certificates::print(
        &round.review,
        &batch,
        keys,
        AFTER_PUBLICITY,
        &out,
        Replace,
        T0,
        "clerk",
    )
    .unwrap();
    let written = std::fs::read(&out).unwrap();
    assert!(written.starts_with(b"%PDF"));
    assert_eq!(written.len(), printed.size);
    assert_eq!(printed.awards[0].name, first.display_name);

    // Per university: the same serials (a nomination keeps its serial), a folder of files.
    let folder = round.root.join("按学校");
    let per = certificates::print_per_university(
        &round.review,
        &batch,
        keys,
        AFTER_PUBLICITY,
        &folder,
        T0,
        "clerk",
    )
    .unwrap();
    assert_eq!(per.files.len(), 2 * per.batches.len());
    assert!(per
        .files
        .iter()
        .all(|f| f.starts_with(&folder) && f.exists()));
    let mut serials_again: Vec<String> = per.awards().into_iter().map(|a| a.serial).collect();
    let mut serials_first: Vec<String> = printed.awards.into_iter().map(|a| a.serial).collect();
    serials_again.sort();
    serials_first.sort();
    assert_eq!(serials_again, serials_first);
}

#[test]
fn a_report_is_titled_by_the_core_and_never_written_over_a_file_nobody_agreed_to_replace() {
    let (round, _) = five_experts_received();
    let out = round.root.join("汇总表.pdf");
    let options = ResultOptions::default();
    let print = |kind, existing| {
        reports::print(&round.review, kind, None, &options, T0_DAY, &out, existing)
    };
    let printed = print(ReportKind::Summary, Refuse).unwrap();
    assert_eq!(printed.title, "2026年大学生党员标兵评审结果汇总表");
    assert_eq!(
        std::fs::metadata(&out).unwrap().len() as usize,
        printed.size
    );
    let again = print(ReportKind::ScoreSheets, Refuse);
    assert_eq!(again.unwrap_err().code(), "already_exists");
    let sheets = print(ReportKind::ScoreSheets, Replace).unwrap();
    assert_eq!(sheets.title, "2026年大学生党员标兵评审专家评分表");
    assert_eq!(std::fs::metadata(&out).unwrap().len() as usize, sheets.size);

    assert_eq!(
        ReportKind::from_name("公示").unwrap(),
        ReportKind::Announcement
    );
    assert_eq!(
        ReportKind::from_name("sheets").unwrap(),
        ReportKind::ScoreSheets
    );
    assert_eq!(
        ReportKind::from_name("score").unwrap_err().code(),
        "bad_input"
    );

    let workbook = round.root.join("结果.xlsx");
    let size = reports::export_workbook(&round.review, &options, &workbook, Refuse).unwrap();
    let bytes = std::fs::read(&workbook).unwrap();
    assert!(bytes.starts_with(b"PK") && bytes.len() == size);
    let again = reports::export_workbook(&round.review, &options, &workbook, Refuse);
    assert_eq!(again.unwrap_err().code(), "already_exists");

    let tally = round.root.join("计票单.pdf");
    let refused = reports::print_tally_sheet(&round.review, 99, &tally, Refuse);
    assert_eq!(refused.unwrap_err().code(), "bad_input");
    assert!(!tally.exists());
}

fn shown(path: &Path) -> ReviewOutline {
    paneldesk::review::outline(path).unwrap()
}

#[test]
fn each_setup_change_answers_with_the_review_as_now_stored() {
    let dir = tempfile::tempdir().unwrap();
    let workspace = Workspace::at(dir.path());
    let made = review::create(
        &workspace,
        paneldesk::activity::Activity::StudentExemplar,
        2026,
        "abcd1234",
        T0,
        "clerk",
    )
    .unwrap();
    let path = stored_at(&workspace, &made, 2026, "abcd1234");
    assert!(path.exists());

    let new = NewExpert {
        name: "王建华".into(),
        institution: "江北师范大学".into(),
        title: "教授".into(),
    };
    let after = review::add_expert(&path, &new, T0, "clerk").unwrap();
    assert_eq!(after, shown(&path));
    assert_eq!(after.experts.len(), 1);
    let again = review::add_expert(&path, &new, T0, "clerk");
    assert!(again.is_err(), "the roster takes no duplicate");
    let after = review::remove_expert(&path, after.experts[0].id, T0, "clerk").unwrap();
    assert!(after.experts.is_empty());

    let key = after.categories[0].key.clone();
    let after = review::set_quota(&path, &key, 7, true, T0, "clerk").unwrap();
    assert_eq!(after, shown(&path));
    assert_eq!(after.categories[0].quota, 7);
    let after = review::set_allowance(&path, &key, Some(3), T0, "clerk").unwrap();
    assert_eq!(after.categories[0].allowance, Some(3));
    let refused = review::set_allowance(&path, "no_such", Some(3), T0, "clerk");
    assert_eq!(refused.unwrap_err().code(), "unknown_category");
    use paneldesk::store::category_rules;
    let conn = paneldesk::store::open(&path).unwrap();
    let rule = category_rules::in_force(&conn, &ResultOptions::default()).unwrap()[&key].clone();
    assert!(!category_rules::stored(&conn).unwrap().contains_key(&key));
    let after = review::set_rule(&path, &key, &rule, T0, "clerk").unwrap();
    assert_eq!(after, shown(&path));
    assert_eq!(
        category_rules::stored(&conn).unwrap().get(&key),
        Some(&rule)
    );

    let spec = paneldesk::demo::DemoSpec::default();
    let demo = paneldesk::ops::demo::create(&workspace, &spec, "feedbeef", T0).unwrap();
    assert!(demo.id.ends_with("-feedbeef"));
    assert!(workspace.path_for_new_review(&demo.id).exists());
}

#[test]
fn corrections_withdrawals_and_flags_answer_with_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = demo_review(dir.path(), "fixes", T0);
    let before = shown(&path);
    let listed = |path: &Path| -> Vec<Nomination> {
        let page = review::nominations(path, &NominationQuery::default(), 0, 100).unwrap();
        page.rows.into_iter().map(|r| r.nomination).collect()
    };
    let nominations = listed(&path);
    let n = nominations[0].clone();
    let key = paneldesk::template::display_field(before.activity);
    let name = format!("{}（更正）", n.display_name);

    let refused = review::correct_nomination(&path, n.id, key, &name, " ", T0, "clerk");
    assert_eq!(refused.unwrap_err().code(), "reason_required");
    let after =
        review::correct_nomination(&path, n.id, key, &name, "名称有误", T0, "clerk").unwrap();
    assert_eq!(after, shown(&path));
    let corrected = listed(&path).into_iter().find(|m| m.id == n.id).unwrap();
    assert_eq!(corrected.field(key), Some(name.as_str()));

    review::withdraw_nomination(&path, n.id, "本人申请撤回", T0, "clerk").unwrap();
    let again = review::withdraw_nomination(&path, n.id, "再次", T0, "clerk");
    assert_eq!(again.unwrap_err().code(), "already_withdrawn");

    {
        let mut conn = paneldesk::store::open(&path).unwrap();
        let tx = conn.transaction().unwrap();
        for m in &nominations[1..4] {
            flags::insert(&tx, m.id, "duplicate", "重复推荐", "Duplicate").unwrap();
        }
        tx.commit().unwrap();
    }
    let open: Vec<i64> = flags::read_all(&paneldesk::store::open(&path).unwrap())
        .unwrap()
        .into_iter()
        .filter(|f| f.status == "open")
        .map(|f| f.id)
        .collect();
    assert_eq!(open.len(), 3);
    let one = review::settle_flag(&path, open[0], Decision::Excluded, "", T0, "clerk").unwrap();
    assert_eq!(one.status, "excluded");
    let refused = review::settle_flags(&path, &open, Decision::Accepted, "已核实", T0, "clerk");
    assert_eq!(refused.unwrap_err().code(), "flag_already_settled");
    let both =
        review::settle_flags(&path, &open[1..], Decision::Accepted, "已核实", T0, "clerk").unwrap();
    assert_eq!(both.len(), 2);
    assert!(both.iter().all(|f| f.status == "accepted"));

    let target = dir.path().join("材料.pdf");
    let refused = review::save_material(&path, &"0".repeat(64), &target);
    assert!(refused.is_err());
    assert!(!target.exists());
}

#[test]
fn a_package_goes_out_bundles_come_back_from_a_folder_and_a_decision_changes_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = demo_review(dir.path(), "round", T0);
    let out = dir.path().join("panel.pdpanel");
    let terms = PackageTerms::new("2026-12-10".into(), 0, PanelScope::default());
    let summary = round::build_package(&path, &out, &clerk_keys(), &terms, T0, "clerk").unwrap();
    assert!(out.exists());
    assert_eq!(summary.nominations, shown(&path).n_nominations);

    let unknown = dir.path().join("材料.pdf");
    assert!(round::save_packaged_material(&out, &"0".repeat(64), &unknown).is_err());
    assert!(!unknown.exists());

    let r = package_round(0);
    let (_, bundle) = expert_submits(&r, 0);
    let stick = bundle.parent().unwrap().to_path_buf();
    let receipts = round::receive_bundles(&r.review, &clerk_keys(), &[stick], T0, "clerk").unwrap();
    assert_eq!(receipts.len(), 1, "the folder's one bundle: {receipts:?}");
    assert!(matches!(
        receipts[0],
        paneldesk::merge::collect::Receipt::Accepted { .. }
    ));

    let (merged, _) = five_experts_received();
    let first = paneldesk::merge::results::compute(&merged.review, &ResultOptions::default())
        .unwrap()
        .categories[0]
        .nominations[0]
        .nomination_id;
    let results =
        round::decide(&merged.review, first, Outcome::Out, "材料不实", T0, "clerk").unwrap();
    let decided = results.categories[0]
        .nominations
        .iter()
        .find(|n| n.nomination_id == first)
        .and_then(|n| n.decision.clone())
        .expect("the decision is in the answer");
    assert_eq!(decided.outcome, Outcome::Out);
}

#[test]
fn paper_sheets_print_under_the_cores_title_and_a_typed_entry_is_named_by_its_sheet() {
    let r = package_round(0);
    let expert = paneldesk::merge::collect::status(&r.review).unwrap()[0].expert_id;
    let out = r.root.join("评分表.pdf");
    let printed = paper::print_sheets(&r.review, expert, T0_DAY, &out, Refuse).unwrap();
    assert!(!printed.sheet_ids.is_empty());
    assert_eq!(
        std::fs::metadata(&out).unwrap().len() as usize,
        printed.size
    );
    let again = paper::print_sheets(&r.review, expert, T0_DAY, &out, Refuse);
    assert_eq!(again.unwrap_err().code(), "already_exists");
    assert_eq!(paper::SHEETS_TITLE, "专家纸质评分表");

    let sheet = &printed.sheet_ids[0];
    let typed = format!(" {} ", sheet.to_lowercase());
    let refused = paper::key_entry(&r.review, expert, sheet, "王晓燕", "乱码", T0, "clerk");
    let refused = refused.unwrap_err();
    assert!(
        refused.message_zh().contains(&format!("{sheet} 第 1 行")),
        "{}",
        refused.message_zh()
    );
    // The messages name the sheet as printed, whatever case and spaces were typed.
    if let Err(e) = paper::key_entry(&r.review, expert, &typed, "王晓燕", "乱码", T0, "clerk")
    {
        assert!(
            !e.message_zh().contains(typed.as_str()),
            "{}",
            e.message_zh()
        );
    }
}

#[test]
fn each_publication_step_answers_with_where_publication_stands() {
    let (round, _) = five_experts_received();
    let before = publication::status(&round.review, AFTER_PUBLICITY).unwrap();
    assert!(before.announcement.is_none());
    assert!(!before.award_blockers.is_empty());

    let set = publication::set_announcement(
        &round.review,
        announcement_settings(),
        AFTER_PUBLICITY,
        T0,
        "clerk",
    )
    .unwrap();
    assert!(set.announcement.is_some());
    assert!(set.award_blockers.is_empty(), "{:?}", set.award_blockers);

    let nomination = paneldesk::merge::results::compute(&round.review, &ResultOptions::default())
        .unwrap()
        .categories[0]
        .nominations[0]
        .nomination_id;
    let objection = paneldesk::objections::NewObjection {
        nomination_id: nomination,
        received_on: "2026-12-03".into(),
        channel: paneldesk::objections::Channel::Telephone,
        objector: String::new(),
        summary: "反映事迹材料有夸大".into(),
    };
    let pending =
        publication::add_objection(&round.review, &objection, AFTER_PUBLICITY, T0, "clerk")
            .unwrap();
    assert_eq!(pending.objections.len(), 1);
    assert!(
        !pending.award_blockers.is_empty(),
        "a pending objection blocks"
    );

    let resolution = paneldesk::objections::Resolution {
        handling: "电话核实".into(),
        outcome: paneldesk::objections::ObjectionOutcome::Dismissed,
        reason: "材料属实".into(),
    };
    let id = pending.objections[0].id;
    let resolved = publication::resolve_objection(
        &round.review,
        id,
        &resolution,
        AFTER_PUBLICITY,
        T0,
        "clerk",
    )
    .unwrap();
    assert!(resolved.award_blockers.is_empty());
    assert!(resolved.objections[0].outcome.is_some());
}

#[test]
fn a_follow_up_review_lands_in_the_workspace_and_a_draw_prints_its_notice() {
    use paneldesk::follow_up::review::FollowUpPlan;
    use paneldesk::follow_up::{Stage, YearMonth};
    let a = super::follow_up::awarded_studios(6);
    let workspace = Workspace::at(&a.root);
    assert_eq!(workspace.register_path(), a.register);
    let plan = FollowUpPlan {
        activity: paneldesk::activity::Activity::DualLeaderStudio,
        stage: Stage::MidTerm,
        as_of: YearMonth::parse("2023-11").unwrap(),
        scoring_mode: paneldesk::model::ScoringMode::Grade,
        pass_share: 0.6,
    };
    let made = follow_up::create_review(
        &workspace,
        &plan,
        Some(&a.award),
        "0badcafe",
        T0,
        "supervisor",
    )
    .unwrap();
    let path = stored_at(&workspace, &made, 2023, "0badcafe");
    assert_eq!(
        paneldesk::follow_up::review::stage_of(&path).unwrap(),
        Some(Stage::MidTerm)
    );

    let drawn = paneldesk::follow_up::spot_check::draw(
        &a.register,
        &paneldesk::follow_up::spot_check::DrawParams {
            count: 2,
            strata: paneldesk::follow_up::draw::Strata::None,
            activity: None,
            exclude_checked_within_months: None,
        },
        "seed",
        time::macros::date!(2023 - 03 - 01),
        "2023-03-01T09:00:00Z",
        "supervisor",
    )
    .unwrap();
    let id = drawn.check.id.clone();
    let out = a.root.join("通知.pdf");
    let size = follow_up::print_notice(&a.register, &id, T0_DAY, &out, Refuse).unwrap();
    assert_eq!(std::fs::metadata(&out).unwrap().len() as usize, size);
    assert_eq!(follow_up::notice_title(&id), format!("随机抽查名单 {id}"));
    let again = follow_up::print_notice(&a.register, &id, T0_DAY, &out, Refuse);
    assert_eq!(again.unwrap_err().code(), "already_exists");
}

#[test]
fn clerk_keys_are_made_sealed_and_unlocked_only_from_their_sealed_form() {
    use paneldesk::ops::clerk_keys;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clerk.json");
    let passphrase = "秋天的银杏叶落满了校园小路 2026";
    let refused = clerk_keys::unlock(&path, passphrase);
    assert_eq!(refused.unwrap_err().code(), "clerk_passphrase_needed");

    let made = clerk_keys::set_passphrase(&path, None, passphrase, clerk_keys(), [1; 16], [2; 12])
        .unwrap();
    assert_eq!(made.signing_seed, clerk_keys().signing_seed);
    let unlocked = clerk_keys::unlock(&path, passphrase).unwrap();
    assert_eq!(unlocked.signing_seed, made.signing_seed);

    // A new passphrase needs the current one; the fresh keys offered are not used.
    let other = paneldesk::keys::ClerkKeys {
        signing_seed: paneldesk::keys::hex(&[9; 32]),
        age_identity: clerk_keys().age_identity.clone(),
    };
    let next = "冬日的暖阳照在图书馆的窗台 2027";
    assert!(
        clerk_keys::set_passphrase(&path, None, next, other.clone(), [3; 16], [4; 12]).is_err()
    );
    let changed =
        clerk_keys::set_passphrase(&path, Some(passphrase), next, other, [3; 16], [4; 12]).unwrap();
    assert_eq!(changed.signing_seed, made.signing_seed);
    assert!(clerk_keys::unlock(&path, passphrase).is_err());
    assert!(clerk_keys::unlock(&path, next).is_ok());
}

#[test]
fn a_job_makes_the_clerks_keys_once_then_opens_them_with_the_passphrase_or_as_they_lie() {
    use paneldesk::ops::clerk_keys::{self, Asked, JobKeys};
    use zeroize::Zeroizing;
    type Answer = paneldesk::Result<Option<Zeroizing<String>>>;
    fn job(path: &Path, ask: impl FnOnce(Asked) -> Answer) -> paneldesk::Result<JobKeys> {
        clerk_keys::for_job(path, ask, clerk_keys(), [1; 16], [2; 12])
    }
    fn answer(expected: Asked, given: Option<&'static str>) -> impl FnOnce(Asked) -> Answer {
        move |asked| {
            assert_eq!(asked, expected);
            Ok(given.map(|p| Zeroizing::new(p.to_string())))
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clerk.json");
    let passphrase = "秋天的银杏叶落满了校园小路 2026";

    let refused = job(&path, answer(Asked::NewPassphrase, None)).unwrap_err();
    assert_eq!(refused.code(), "clerk_passphrase_needed");
    assert!(!path.exists());
    let made = job(&path, answer(Asked::NewPassphrase, Some(passphrase))).unwrap();
    assert!(!made.unprotected);
    assert_eq!(made.keys.signing_seed, clerk_keys().signing_seed);
    assert!(clerk_keys::unlock(&path, passphrase).is_ok());

    let other = Some("冬日的暖阳照在图书馆的窗台 2027");
    let wrong = job(&path, answer(Asked::Passphrase, other)).unwrap_err();
    assert_eq!(wrong.code(), "wrong_passphrase");
    let refused = job(&path, answer(Asked::Passphrase, None)).unwrap_err();
    assert_eq!(refused.code(), "clerk_passphrase_needed");
    let opened = job(&path, answer(Asked::Passphrase, Some(passphrase))).unwrap();
    assert!(!opened.unprotected);
    assert_eq!(opened.keys.signing_seed, made.keys.signing_seed);

    // Keys from before passphrases open without asking, and the job says they lie unsealed.
    std::fs::write(&path, serde_json::to_vec(&clerk_keys()).unwrap()).unwrap();
    let as_they_lie = job(&path, |_| panic!("keys without a passphrase need none")).unwrap();
    assert!(as_they_lie.unprotected);
    assert_eq!(as_they_lie.keys.signing_seed, clerk_keys().signing_seed);
}
