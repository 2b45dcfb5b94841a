//! A mid-term or acceptance review carries each unit's own self-evaluation materials
//! (issue 22): the clerk attaches a file the unit sent to its nomination, the panel
//! package takes it to the experts, and a file that is not on the material allowlist, a
//! link, a regular review or a nomination already sent out are refused, changing nothing.

use std::path::Path;

use paneldesk::follow_up::review as follow_up;
use paneldesk::follow_up::Stage;
use paneldesk::{package, store};

use super::follow_up::{awarded_studios, follow_up_review};
use super::support::{assert_ran, assert_says, run_at as cli};
use super::{clerk_keys, T0};

fn materials(review: &Path, nomination: i64) -> usize {
    store::materials::for_nomination(&store::open(review).unwrap(), nomination)
        .unwrap()
        .len()
}

#[test]
fn a_units_self_evaluation_travels_with_its_follow_up_nomination_and_nothing_else_gets_in() {
    let awarded = awarded_studios(3);
    let review = follow_up_review(&awarded, "mid", Stage::MidTerm, "2023-11");
    let first: i64 = store::open(&review)
        .unwrap()
        .query_row("SELECT MIN(id) FROM nomination", [], |r| r.get(0))
        .unwrap();
    let pdf = awarded.root.join("自评报告.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n").unwrap();

    let out = cli(
        &awarded.root,
        &[
            "follow-up",
            "attach",
            "--review",
            review.to_str().unwrap(),
            "--nomination",
            &first.to_string(),
            "--file",
            pdf.to_str().unwrap(),
        ],
    );
    assert_ran(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("自评材料"));
    let stored = store::materials::for_nomination(&store::open(&review).unwrap(), first).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].named, "自评材料");
    assert_eq!(stored[0].file_name, "自评报告.pdf");

    // Refused, each in both languages, with nothing stored.
    let html = awarded.root.join("自评.html");
    std::fs::write(&html, b"<html><script>fetch('http://x')</script></html>").unwrap();
    let link = awarded.root.join("链接.pdf");
    std::os::unix::fs::symlink(&pdf, &link).unwrap();
    for (file, zh) in [(&html, "不是允许的材料类型"), (&link, "链接")] {
        let e = follow_up::attach_self_evaluation(&review, first, file, None, T0, "clerk")
            .expect_err("refused");
        assert_says(&e, zh);
        assert!(!e.message_en().is_empty());
    }
    let unknown = follow_up::attach_self_evaluation(&review, 99_999, &pdf, None, T0, "clerk")
        .expect_err("no such nomination");
    assert_says(&unknown, "99999");
    let regular = follow_up::attach_self_evaluation(&awarded.award, 1, &pdf, None, T0, "clerk")
        .expect_err("not a follow-up review");
    assert_says(&regular, "考核");
    assert_eq!(materials(&review, first), 1);

    // The package takes it to the experts.
    let file = awarded.root.join("mid.pdpanel");
    package::build(&review, &file, &clerk_keys(), "2023-12-10", 0, T0, "clerk").unwrap();
    let opened = package::open(&file).unwrap();
    let carried = opened.manifest.nomination(first).unwrap();
    assert_eq!(carried.materials.len(), 1);
    assert_eq!(carried.materials[0].sha256, stored[0].sha256);

    // Once that package went out, adding to its nominations would reach nobody: refused.
    let late = follow_up::attach_self_evaluation(&review, first, &pdf, None, T0, "clerk")
        .expect_err("already sent");
    assert_says(&late, "评审包");
    assert_eq!(materials(&review, first), 1);
}
