//! Finding reviews in the data folder the way `--review` and the home screen do.

use paneldesk::workspace::Workspace;

use super::demo_review;

#[test]
fn lists_newest_first_and_resolves_by_id_prefix_or_path() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::at(dir.path());
    let reviews = ws.reviews_dir();
    assert_eq!(ws.resolve(None).unwrap_err().code(), "no_reviews");

    let (old_path, _) = demo_review(
        &reviews,
        "2025-model_branch-aaaa1111",
        "2025-11-01T08:00:00Z",
    );
    let (new_path, _) = demo_review(
        &reviews,
        "2026-model_branch-bbbb2222",
        "2026-11-01T08:00:00Z",
    );

    let list = ws.list().unwrap();
    let ids: Vec<&str> = list.reviews.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        ["2026-model_branch-bbbb2222", "2025-model_branch-aaaa1111"]
    );

    assert_eq!(ws.resolve(None).unwrap(), new_path);
    assert_eq!(ws.resolve(Some("2025")).unwrap(), old_path);
    assert_eq!(
        ws.resolve(Some("2026-model_branch-bbbb2222")).unwrap(),
        new_path
    );
    assert_eq!(
        ws.resolve(Some(old_path.to_str().unwrap())).unwrap(),
        old_path
    );
    // Ambiguous and unknown references are errors, never a guess.
    assert_eq!(
        ws.resolve(Some("20")).unwrap_err().code(),
        "review_not_found"
    );
    assert_eq!(
        ws.resolve(Some("nope")).unwrap_err().code(),
        "review_not_found"
    );

    // The desktop page names reviews by id only: a path, even of a real review, is refused.
    assert_eq!(ws.resolve_id("2025").unwrap(), old_path);
    assert_eq!(
        ws.resolve_id(old_path.to_str().unwrap())
            .unwrap_err()
            .code(),
        "review_not_found"
    );
    assert_eq!(ws.resolve_id(" ").unwrap_err().code(), "review_not_found");
}

#[test]
fn a_new_file_never_replaces_one_already_there() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("事迹材料.pdf");
    std::fs::write(&dest, b"the expert's own notes").unwrap();
    let first = paneldesk::container::write_bytes_new(&dest, b"material").unwrap();
    let second = paneldesk::container::write_bytes_new(&dest, b"material").unwrap();
    assert_eq!(first, dir.path().join("事迹材料 (2).pdf"));
    assert_eq!(second, dir.path().join("事迹材料 (3).pdf"));
    assert_eq!(std::fs::read(&dest).unwrap(), b"the expert's own notes");
    assert_eq!(std::fs::read(&first).unwrap(), b"material");
}

#[test]
fn an_unreadable_file_is_listed_as_such_and_does_not_hide_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::at(dir.path());
    demo_review(&ws.reviews_dir(), "good", "2026-11-01T08:00:00Z");
    std::fs::write(ws.reviews_dir().join("broken.pdreview"), b"\x00\x01garbage").unwrap();
    let list = ws.list().unwrap();
    assert_eq!(list.reviews.len(), 1);
    assert_eq!(list.unreadable.len(), 1);
    assert!(list.unreadable[0].path.ends_with("broken.pdreview"));
    assert_eq!(list.unreadable[0].code, "not_a_review_file");
}
