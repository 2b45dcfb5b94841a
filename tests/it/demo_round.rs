//! The demo a newcomer opens: a review whose round is finished — every expert's bundle
//! received, about half of each category out, and a tie at the cut waiting for the
//! panel — made by `paneldesk demo --finished-round` through the same functions a real
//! round runs.

use std::process::Command;

use serde_json::Value;

fn paneldesk(data: &std::path::Path, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_paneldesk"))
        .args(args)
        .env("PANELDESK_DATA_DIR", data)
        .output()
        .expect("paneldesk runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn the_demo_opens_on_a_finished_round_with_a_tie_at_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let made = paneldesk(
        data,
        &[
            "demo",
            "--finished-round",
            "--nominations",
            "30",
            "--experts",
            "5",
            "--json",
        ],
    );
    let id = made["id"].as_str().unwrap().to_string();
    assert_eq!(made["bundles_received"], 5, "{made}");
    // Supervision has work to show: the register lists units due this month.
    let register = &made["register"];
    assert!(register["due_mid_term"].as_u64().unwrap() > 0, "{made}");
    let as_of = register["as_of"].as_str().unwrap();
    let listed = paneldesk(data, &["register", "list", "--as-of", as_of, "--json"]);
    assert_eq!(listed["due_mid_term"], register["due_mid_term"]);
    assert_eq!(listed["due_acceptance"], register["due_acceptance"]);

    let results = paneldesk(data, &["results", "--review", &id, "--json"]);
    let categories = results["categories"].as_array().unwrap();
    assert!(!categories.is_empty());
    for c in categories {
        let cuts: Vec<&str> = c["nominations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["cut"].as_str().unwrap())
            .collect();
        for n in c["nominations"].as_array().unwrap() {
            let marked = n["experts"].as_u64().unwrap() + n["recused"].as_u64().unwrap();
            assert_eq!(marked, 5, "every expert's marks are in: {n}");
        }
        let count = |cut: &str| cuts.iter().filter(|c| **c == cut).count();
        if cuts.len() < 3 {
            continue;
        }
        assert_eq!(count("tied"), 2, "{}: {cuts:?}", c["key"]);
        assert!(count("out") > 0, "the quota leaves some out: {cuts:?}");
        assert!(count("in") > 0, "{cuts:?}");
        assert_eq!(c["quota"].as_u64().unwrap() as usize, cuts.len() / 2);
    }

    // Made again with --keep-existing, the same review is shown, not a second round.
    let again = paneldesk(
        data,
        &["demo", "--keep-existing", "--finished-round", "--json"],
    );
    assert_eq!(again["id"], id.as_str());
}

/// A roster the size of a province's expert pool: every name is someone else's, and the
/// first experts keep the names screenshots and tests already know.
#[test]
fn a_demo_with_hundreds_of_experts_names_each_one_once() {
    use paneldesk::demo::{self, DemoSpec};
    let dir = tempfile::tempdir().unwrap();
    let mut rosters = Vec::new();
    for (n, file) in [(100, "a"), (300, "b"), (300, "c")] {
        let path = dir.path().join(format!("{file}.pdreview"));
        let spec = DemoSpec {
            n_nominations: 30,
            n_experts: n,
            ..DemoSpec::default()
        };
        demo::create(&path, &format!("demo-{file}"), &spec, super::T0)
            .unwrap_or_else(|e| panic!("{n} experts: {e}"));
        let conn = paneldesk::store::open(&path).unwrap();
        let experts = paneldesk::store::experts::read_all(&conn).unwrap();
        assert_eq!(experts.len(), n);
        let names: std::collections::BTreeSet<&str> =
            experts.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names.len(), n, "every expert's name is their own");
        let shown: Vec<String> = experts.iter().map(|e| e.name.clone()).collect();
        rosters.push(shown);
    }
    assert_eq!(
        rosters[1], rosters[2],
        "the same seed makes the same roster"
    );
    assert_eq!(&rosters[0][..], &rosters[1][..100]);
    assert_eq!(
        &rosters[0][..3],
        ["王思远", "李喆", "张明哲"],
        "the first experts keep their names"
    );
}

/// The earlier years the demo's register holds, made on a fixed day: supervision has work
/// to show — units due for their mid-term review this month, one or two for acceptance —
/// and the numbers the demo reports are the register view's, which the CLI lists too.
#[test]
fn the_demo_register_has_units_due_for_their_mid_term_as_of_its_day() {
    use paneldesk::follow_up::awarded_units;
    use paneldesk::follow_up::{Stage, Status, YearMonth};
    use paneldesk::workspace::Workspace;

    let today = time::macros::date!(2026 - 05 - 14);
    let as_of = YearMonth::of_date(today);
    // The earlier awards the demo makes in `workspace` (reviews named with `suffix`).
    let earlier_awards = |workspace: &Workspace, suffix: &str| {
        let laptops = tempfile::tempdir().unwrap();
        let (clerk, at) = (super::clerk_keys(), laptops.path());
        paneldesk::ops::demo::earlier_awards(workspace, &clerk, at, suffix, today, "demo").unwrap()
    };
    let made_in = |root: &std::path::Path| {
        let workspace = Workspace::at(root);
        let made = earlier_awards(&workspace, "feedbeef").expect("an empty register is filled");
        (workspace, made)
    };
    let dir = tempfile::tempdir().unwrap();
    let (workspace, made) = made_in(dir.path());
    let register = workspace.register_path();
    let view = awarded_units::view(&register, as_of).unwrap();
    assert_eq!(made.as_of, as_of);
    assert_eq!(
        (made.units, made.due_mid_term, made.due_acceptance),
        (
            view.units.len() as u32,
            view.due_mid_term,
            view.due_acceptance
        ),
        "the demo reports the register's own view"
    );
    assert!(view.due_mid_term > 0, "{view:?}");
    assert!((1..=2).contains(&view.due_acceptance), "{view:?}");
    let due_for = |stage: Stage| {
        view.units
            .iter()
            .filter(|u| u.due_now && u.due.is_some_and(|d| d.stage == stage))
            .count() as u32
    };
    assert_eq!(due_for(Stage::MidTerm), view.due_mid_term);
    // The units due for acceptance passed a mid-term review the year before.
    for u in view
        .units
        .iter()
        .filter(|u| u.due.is_some_and(|d| d.stage == Stage::Acceptance))
    {
        assert_eq!(u.events.len(), 1, "{u:?}");
        assert_eq!(u.events[0].passed, Some(true));
        assert_eq!(u.status, Status::Building);
    }
    // Every earlier review is in the workspace, older than anything made today, so the
    // demo still opens on the round.
    for id in &made.reviews {
        assert!(id.starts_with(paneldesk::demo::ID_PREFIX), "{id}");
        let path = workspace.resolve_id(id).unwrap();
        let created = paneldesk::review::summary(&path).unwrap().created_at;
        assert!(created.as_str() < "2026-05-14", "{id}: {created}");
    }
    assert!(view
        .units
        .iter()
        .all(|u| made.reviews.contains(&u.review_id)));
    assert!(paneldesk::audit::verify(&awarded_units::open(&register).unwrap()).is_ok());

    // The CLI lists the same register for the same month.
    let listed = paneldesk(
        dir.path(),
        &["register", "list", "--as-of", &as_of.to_string(), "--json"],
    );
    assert_eq!(listed["due_mid_term"], view.due_mid_term);
    assert_eq!(listed["due_acceptance"], view.due_acceptance);

    // The same day makes the same register; a register that holds units is left alone.
    let other = tempfile::tempdir().unwrap();
    let (again, _) = made_in(other.path());
    let shown = |units: Vec<awarded_units::AwardedUnit>| {
        units
            .into_iter()
            .map(|u| {
                (
                    u.number,
                    u.name,
                    u.university,
                    u.status,
                    u.due,
                    u.build_start,
                )
            })
            .collect::<Vec<_>>()
    };
    let again = awarded_units::view(&again.register_path(), as_of).unwrap();
    assert_eq!(shown(again.units), shown(view.units.clone()));
    let before = std::fs::read(&register).unwrap();
    assert_eq!(earlier_awards(&workspace, "cafef00d"), None);
    assert_eq!(std::fs::read(&register).unwrap(), before);
}
