//! Nothing certified that should not be: a 公示, the register of awarded units and
//! certificates wait while a winner has findings nobody settled or a cut line is tied,
//! unless the panel recorded its decision; certificates and the register also wait for the
//! 公示期 to end and every objection (异议) to be resolved. The 公示 itself is printed as an
//! office publishes it.

use paneldesk::merge::decisions::{decide, Outcome};
use paneldesk::merge::rank::Cut;
use paneldesk::merge::results::ResultOptions;
use paneldesk::objections;
use paneldesk::report::pdf::Meta;
use paneldesk::report::record::Record;
use paneldesk::report::{documents, serials};

use super::scoring_round::Round;
use super::support::{assert_says, run_unlocked, said, winners_of};
use super::{announce, AFTER_PUBLICITY, T0};

fn meta() -> Meta<'static> {
    Meta {
        title: "公示",
        subject: "公示",
        at: time::OffsetDateTime::UNIX_EPOCH,
    }
}

#[test]
fn winners_with_open_findings_get_no_certificate_announcement_or_register_entry_until_the_panel_decides(
) {
    let (round, _) = super::scoring_round::five_experts_received();
    announce(&round.review);
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let winners = winners_of(&record);
    assert!(winners.len() >= 2);
    // Two winners carry findings the clerk never settled: a part-time student, and the
    // same student nominated twice.
    {
        let mut conn = paneldesk::store::open(&round.review).unwrap();
        let tx = conn.transaction().unwrap();
        paneldesk::store::flags::insert(
            &tx,
            winners[0].nomination_id,
            "part_time_student",
            "培养方式为非全日制",
            "part-time student",
        )
        .unwrap();
        paneldesk::store::flags::insert(
            &tx,
            winners[1].nomination_id,
            "duplicate",
            "与另一条推荐重复",
            "nominated twice",
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let refused = |e: paneldesk::Error| {
        assert_eq!(e.code(), "not_ready");
        let text = e.message_zh();
        assert!(text.contains(&winners[0].display_name), "{text}");
        assert!(text.contains(&winners[1].display_name), "{text}");
    };
    refused(serials::winners(&record, None, AFTER_PUBLICITY).unwrap_err());
    refused(documents::announcement(&record, &meta()).unwrap_err());
    refused(enter_register(&round, AFTER_PUBLICITY).unwrap_err());
    // A certificate for someone outside the quota is refused whatever the flags say.
    if let Some(out) = record.results.categories[0]
        .nominations
        .iter()
        .find(|n| n.cut == Cut::Out)
    {
        let e = serials::winners(&record, Some(&[out.nomination_id]), AFTER_PUBLICITY).unwrap_err();
        assert_eq!(e.code(), "bad_input");
    }
    // The panel looks into both and records its decisions, with reasons.
    decide(
        &round.review,
        winners[0].nomination_id,
        Outcome::In,
        "经核实为全日制，学院已出具证明",
        T0,
        "clerk",
    )
    .unwrap();
    decide(
        &round.review,
        winners[1].nomination_id,
        Outcome::In,
        "重复推荐已撤回一条",
        T0,
        "clerk",
    )
    .unwrap();
    let (record, awards) = super::issue_to_winners(&round.review);
    assert!(awards.iter().any(|a| a.name == winners[0].display_name));
    documents::announcement(&record, &meta()).unwrap();
}

/// The round's winners entered into `register.pdregister` beside it, the build starting
/// 2026-12, as of `today`.
fn enter_register(
    round: &Round,
    today: time::Date,
) -> paneldesk::Result<paneldesk::follow_up::awarded_units::Entered> {
    paneldesk::follow_up::awarded_units::enter_review(
        &round.root.join("register.pdregister"),
        &round.review,
        &ResultOptions::default(),
        paneldesk::follow_up::cycle::YearMonth::parse("2026-12").unwrap(),
        today,
        T0,
        "clerk",
    )
}

fn pdf_text(dir: &std::path::Path, name: &str, bytes: &[u8], args: &[&str]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    if let Some(keep) = std::env::var_os("PANELDESK_KEEP_REPORTS") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(std::path::Path::new(&keep).join(name), bytes).unwrap();
    }
    let out = std::process::Command::new("pdftotext")
        .args(args)
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_announcement_names_its_period_channels_and_issuer_and_lists_in_pinyin_order() {
    let (round, _) = super::scoring_round::five_experts_received();
    announce(&round.review);
    let mut record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    // Winners from universities and with names whose order code points get wrong: 长沙
    // (cháng), 重庆 (chóng), the surnames 曾 (zēng) and 单 (shàn), the rare 䶮 (yǎn).
    let given = [
        ("长沙理工大学", "张伟"),
        ("重庆大学", "曾晓红"),
        ("重庆大学", "䶮明"),
        ("重庆大学", "单田芳"),
        ("郑州大学", "沈一"),
        ("安徽大学", "何静"),
        ("长沙理工大学", "曾子墨"),
        ("郑州大学", "杨帆"),
    ];
    let winners: Vec<_> = record.results.categories[0]
        .nominations
        .iter_mut()
        .filter(|n| n.cut == Cut::In)
        .collect();
    assert!(winners.len() >= given.len(), "{} winners", winners.len());
    let left_out: Vec<String> = winners[given.len()..]
        .iter()
        .map(|n| n.display_name.clone())
        .collect();
    for (n, (university, name)) in winners.into_iter().zip(given) {
        n.university = university.into();
        n.display_name = name.into();
    }
    record.results.categories[0]
        .nominations
        .retain(|n| !left_out.contains(&n.display_name));
    let pdf = documents::announcement(&record, &meta()).unwrap();
    let text = squeezed(&pdf_text(&round.root, "公示.pdf", &pdf, &[]));
    assert!(text.contains("拟命名名单公示"), "{text}");
    assert!(
        text.contains("公示期为2026年12月1日至2026年12月7日"),
        "{text}"
    );
    assert!(text.contains("联系电话：0371-65905123"), "{text}");
    assert!(
        text.contains("通信地址：郑州市金水区文化路1号省委教育工委组织处"),
        "{text}"
    );
    assert!(text.contains("电子邮箱：zzc@jyt.example.cn"), "{text}");
    assert!(
        text.contains("中共某省委教育工作委员会2026年11月30日"),
        "{text}"
    );
    // By university, then name, in pinyin order: 安徽 ān, 长沙 cháng, 重庆 chóng,
    // 郑州 zhèng; 曾 zēng before 张 zhāng; 单 shàn, 䶮 yǎn, 曾 zēng.
    let expected = [
        "何静",
        "曾子墨",
        "张伟",
        "单田芳",
        "䶮明",
        "曾晓红",
        "沈一",
        "杨帆",
    ];
    let at: Vec<usize> = expected
        .iter()
        .map(|name| {
            text.find(name)
                .unwrap_or_else(|| panic!("{name} missing: {text}"))
        })
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "not in pinyin order: {expected:?} at {at:?} in {text}"
    );
    // The 落款 and its date sit at the bottom right, the date under the issuer.
    let boxes = pdf_text(&round.root, "公示-bbox.pdf", &pdf, &["-bbox"]);
    let word = |wanted: &str| -> (f32, f32) {
        let line = boxes
            .lines()
            .find(|l| l.contains(&format!(">{wanted}</word>")))
            .unwrap_or_else(|| panic!("{wanted} not a word: {boxes}"));
        let attr = |name: &str| -> f32 {
            let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            line[start..].split('"').next().unwrap().parse().unwrap()
        };
        (attr("xMin"), attr("yMin"))
    };
    let (issuer_x, issuer_y) = word("中共某省委教育工作委员会");
    let (date_x, date_y) = word("2026年11月30日");
    assert!(
        issuer_x > 595.0 / 2.0 - 60.0 && date_x > 595.0 / 2.0,
        "{issuer_x} {date_x}"
    );
    assert!(date_y > issuer_y, "the date under the issuer");
}

#[test]
fn a_publicity_list_needs_its_period_channels_and_issuer_and_objections_need_a_publicity() {
    let (round, _) = super::scoring_round::five_experts_received();
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let e = documents::announcement(&record, &meta()).unwrap_err();
    assert_eq!(e.code(), "announcement_not_set");
    assert_says(&e, "公示期");
    let winner = winners_of(&record)[0].nomination_id;
    let e = object(&round.review, winner, "2026-12-02").unwrap_err();
    assert_eq!(e.code(), "announcement_not_set");
    // Nothing the office could not publish is stored.
    let backwards = paneldesk::announcement::AnnouncementSettings {
        period_to: "2026-11-20".into(),
        ..super::announcement_settings()
    };
    let e = paneldesk::announcement::set(&round.review, backwards, T0, "clerk").unwrap_err();
    assert_says(&e, "早于");
    let nowhere = paneldesk::announcement::AnnouncementSettings {
        telephone: String::new(),
        address: String::new(),
        email: String::new(),
        ..super::announcement_settings()
    };
    assert_eq!(
        paneldesk::announcement::set(&round.review, nowhere, T0, "clerk")
            .unwrap_err()
            .code(),
        "bad_input"
    );
    let conn = paneldesk::store::open(&round.review).unwrap();
    assert!(paneldesk::announcement::read(&conn).unwrap().is_none());
    // Certificates wait for a 公示 that never was, naming it.
    let e = serials::winners(&record, None, AFTER_PUBLICITY).unwrap_err();
    assert_eq!(e.code(), "not_ready");
    assert_says(&e, "尚未发布公示");
    // Set, it is audited.
    announce(&round.review);
    let log = paneldesk::audit::entries(&conn).unwrap();
    assert!(log.iter().any(|e| e.action == "announcement_set"));
}

fn objection(nomination_id: i64, received_on: &str) -> objections::NewObjection {
    objections::NewObjection {
        nomination_id,
        received_on: received_on.into(),
        channel: objections::Channel::Telephone,
        objector: "某学院学生王某".into(),
        summary: "反映该生论文存在抄袭，可回电 13812345678 核实".into(),
    }
}

/// `objection` recorded in the review's ledger by the clerk.
fn object(
    review: &std::path::Path,
    nomination_id: i64,
    received_on: &str,
) -> paneldesk::Result<objections::Objection> {
    objections::add(review, &objection(nomination_id, received_on), T0, "clerk")
}

#[test]
fn an_upheld_objection_removes_a_winner_and_certificates_wait_for_the_period_and_the_ledger() {
    let (round, _) = super::scoring_round::five_experts_received();
    announce(&round.review);
    let enter = |today| enter_register(&round, today);
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let winners = winners_of(&record);
    let during = time::macros::date!(2026 - 12 - 03);
    // During the 公示期 the list itself prints (it is what starts the period); the
    // certificates and the register wait, saying until when.
    documents::announcement(&record, &meta()).unwrap();
    let waiting = |e: paneldesk::Error, naming: &[&str]| {
        assert_eq!(e.code(), "not_ready");
        let text = e.message_zh();
        for name in naming {
            assert!(text.contains(name), "{name} not in {text}");
        }
    };
    waiting(
        serials::winners(&record, None, during).unwrap_err(),
        &["公示期至2026年12月7日"],
    );
    waiting(enter(during).unwrap_err(), &["公示期至2026年12月7日"]);

    // An objection by telephone against the first winner; one dated before the period is
    // not an objection to this list.
    let e = object(&round.review, winners[0].nomination_id, "2026-11-28").unwrap_err();
    assert_eq!(e.code(), "bad_input");
    let first = object(&round.review, winners[0].nomination_id, "2026-12-03").unwrap();
    assert!(first.pending());
    // After the period, an objection still pending holds everything back, naming it.
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let named = format!("第 {} 号异议", first.id);
    waiting(
        serials::winners(&record, None, AFTER_PUBLICITY).unwrap_err(),
        &[&winners[0].display_name, &named],
    );
    waiting(
        enter(AFTER_PUBLICITY).unwrap_err(),
        &[&winners[0].display_name, &named],
    );
    let text = serials::winners(&record, None, AFTER_PUBLICITY)
        .unwrap_err()
        .message_zh();
    assert!(!text.contains("公示期至"), "the period is over: {text}");

    // The ledger shows personal numbers masked, unless revealed; the log never has them.
    let conn = paneldesk::store::open(&round.review).unwrap();
    let masked = objections::list(&conn, paneldesk::privacy::Privacy::Masked).unwrap();
    assert!(
        masked[0].summary.contains("138****5678"),
        "{}",
        masked[0].summary
    );
    let revealed = objections::list(&conn, paneldesk::privacy::Privacy::Revealed).unwrap();
    assert!(revealed[0].summary.contains("13812345678"));
    let log = serde_json::to_string(&paneldesk::audit::entries(&conn).unwrap()).unwrap();
    assert!(log.contains("objection_recorded") && !log.contains("13812345678"));

    // Resolving needs how it was looked into and why.
    let upheld = objections::Resolution {
        handling: "经所在学院核查，论文查重比例超过规定".into(),
        outcome: objections::ObjectionOutcome::Upheld,
        reason: "存在学术不端行为，不符合选树条件".into(),
    };
    let e = objections::resolve(
        &round.review,
        first.id,
        &objections::Resolution {
            reason: " ".into(),
            ..upheld.clone()
        },
        T0,
        "clerk",
    )
    .unwrap_err();
    assert_eq!(e.code(), "bad_input");
    // Upheld: the winner is out by the panel's recorded decision, which says why.
    let resolved = objections::resolve(&round.review, first.id, &upheld, T0, "clerk").unwrap();
    assert_eq!(resolved.outcome, Some(objections::ObjectionOutcome::Upheld));
    let e = objections::resolve(&round.review, first.id, &upheld, T0, "clerk").unwrap_err();
    assert_eq!(e.code(), "objection_resolved");
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let removed = record.results.categories[0]
        .nominations
        .iter()
        .find(|n| n.nomination_id == winners[0].nomination_id)
        .unwrap();
    assert_eq!(removed.cut, Cut::Out);
    let decision = removed.decision.as_ref().unwrap();
    assert!(decision.reason.contains(&named), "{}", decision.reason);
    assert!(decision.reason.contains("学术不端"), "{}", decision.reason);

    // A dismissed objection changes nothing.
    let second = object(&round.review, winners[1].nomination_id, "2026-12-05").unwrap();
    objections::resolve(
        &round.review,
        second.id,
        &objections::Resolution {
            handling: "核对入党材料，转正手续齐全".into(),
            outcome: objections::ObjectionOutcome::Dismissed,
            reason: "反映情况与事实不符".into(),
        },
        T0,
        "clerk",
    )
    .unwrap();

    // Period over, ledger closed: certificates go, to everyone but the removed winner, and
    // the register takes the same list.
    let (record, awards) = super::issue_to_winners(&round.review);
    assert!(!awards.iter().any(|a| a.name == winners[0].display_name));
    assert!(awards.iter().any(|a| a.name == winners[1].display_name));
    let entered = enter(AFTER_PUBLICITY).unwrap();
    assert!(!entered.entered.is_empty());
    // The 汇总表 shows why the result changed.
    let summary = documents::summary(&record, &meta()).unwrap();
    let text = squeezed(&pdf_text(&round.root, "汇总表.pdf", &summary, &[]));
    assert!(text.contains("异议成立"), "{text}");
    let actions: Vec<String> = paneldesk::audit::entries(&conn)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in ["objection_recorded", "objection_resolved", "result_decided"] {
        assert!(actions.iter().any(|a| a == action), "{action} not audited");
    }
    paneldesk::audit::verify(&conn).unwrap();
}

#[test]
fn the_cli_sets_the_publicity_and_keeps_the_objection_ledger() {
    let (round, _) = super::scoring_round::five_experts_received();
    let data = round.root.join("clerk-data");
    let review = round.review.to_str().unwrap();
    let run = |args: &[&str]| said(run_unlocked(&data, args));
    // No issuer: refused, naming what is missing.
    let set = ["announcement", "set", "--review", review];
    let period_and_telephone = &super::PAST_ANNOUNCEMENT[..6];
    let (ok, _, err) = run(&[&set[..], period_and_telephone].concat());
    assert!(!ok && err.contains("落款"), "{err}");
    let (ok, out, err) = run(&[&["--json"][..], &set, super::PAST_ANNOUNCEMENT].concat());
    assert!(ok, "{err}");
    let stored: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The demo names 大学生党员标兵: people are given a title.
    assert_eq!(stored["settings"]["title_kind"], "name");
    // A later change keeps what it does not name.
    let email = ["--email", "zzc@jyt.example.cn"];
    let (ok, out, err) = run(&[&["--json"][..], &set, &email].concat());
    assert!(ok, "{err}");
    let stored: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(stored["settings"]["telephone"], "0371-65905123");
    assert_eq!(stored["settings"]["email"], "zzc@jyt.example.cn");

    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let winner = winners_of(&record)[0].clone();
    let id = winner.nomination_id.to_string();
    let (ok, out, err) = run(&[
        "--json",
        "objection",
        "add",
        "--review",
        review,
        "--nomination",
        &id,
        "--received-on",
        "2026-01-06",
        "--channel",
        "信函",
        "--objector",
        "匿名",
        "--summary",
        "反映其身份证号 110105199001011234 的材料不实",
    ]);
    assert!(ok, "{err}");
    let added: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(added["channel"], "letter");
    assert!(
        !added["summary"]
            .as_str()
            .unwrap()
            .contains("110105199001011234"),
        "{out}"
    );
    let objection_id = added["id"].as_i64().unwrap().to_string();
    let resolve = |outcome: &str, handling: &str, reason: &str| {
        let id = [
            "objection",
            "resolve",
            "--review",
            review,
            "--id",
            &objection_id,
        ];
        let how = [
            "--outcome",
            outcome,
            "--handling",
            handling,
            "--reason",
            reason,
        ];
        run(&[&id[..], &how].concat())
    };
    // Certificates wait for it, and say so.
    let (ok, out, _) = run(&[
        "--json",
        "certificates",
        "print",
        "--review",
        review,
        "--out",
        round.root.join("证书.pdf").to_str().unwrap(),
    ]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("not_ready") && out.contains(&winner.display_name),
        "{out}"
    );
    let (ok, out, _) = run(&["objection", "list", "--review", review, "--pending"]);
    assert!(
        ok && out.contains(&winner.display_name) && out.contains("待处理"),
        "{out}"
    );
    let (ok, out, err) = resolve("dismissed", "调阅档案核对", "材料属实");
    assert!(ok && out.contains("异议不成立"), "{out}{err}");
    let (ok, out, _) = run(&["objection", "list", "--review", review, "--pending"]);
    assert!(ok && out.contains("没有异议"), "{out}");
    let (ok, _, err) = resolve("upheld", "x", "y");
    assert!(!ok && err.contains("已处理完毕"), "{err}");
}
