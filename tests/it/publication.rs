//! Nothing certified that should not be: a 公示, the register of awarded units and
//! certificates wait while a winner has findings nobody settled or a cut line is tied,
//! unless the panel recorded its decision.

use paneldesk::merge::decisions::{decide, Outcome};
use paneldesk::merge::rank::Cut;
use paneldesk::merge::results::ResultOptions;
use paneldesk::report::pdf::Meta;
use paneldesk::report::record::Record;
use paneldesk::report::{documents, register};

use super::T0;

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
    let record = Record::load(&round.review, &ResultOptions::default()).unwrap();
    let winners: Vec<_> = record.results.categories[0]
        .nominations
        .iter()
        .filter(|n| n.cut == Cut::In)
        .cloned()
        .collect();
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
    refused(register::winners(&record, None).unwrap_err());
    refused(documents::announcement(&record, &meta()).unwrap_err());
    let register_file = round.root.join("register.pdregister");
    refused(
        paneldesk::follow_up::register::enter_review(
            &register_file,
            &round.review,
            &ResultOptions::default(),
            paneldesk::follow_up::cycle::YearMonth::parse("2026-12").unwrap(),
            T0,
            "clerk",
        )
        .unwrap_err(),
    );
    // A certificate for someone outside the quota is refused whatever the flags say.
    if let Some(out) = record.results.categories[0]
        .nominations
        .iter()
        .find(|n| n.cut == Cut::Out)
    {
        let e = register::winners(&record, Some(&[out.nomination_id])).unwrap_err();
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
