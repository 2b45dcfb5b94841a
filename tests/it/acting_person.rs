//! "Who is working here": a name kept once per laptop in the data folder, checked, and
//! what the desktop app writes into the audit log as the one who acts.

use paneldesk::workspace::{Workspace, ACTING_PERSON_MAX_CHARS};

#[test]
fn the_acting_person_is_kept_trimmed_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::at(dir.path().join("data"));
    assert_eq!(
        ws.acting_person().unwrap(),
        None,
        "nobody until someone says so"
    );

    assert_eq!(ws.set_acting_person("  张  敏 \n").unwrap(), "张 敏");
    assert_eq!(ws.acting_person().unwrap().as_deref(), Some("张 敏"));
    // Another workspace on the same folder (the app started again) reads the same name.
    let again = Workspace::at(dir.path().join("data"));
    assert_eq!(again.acting_person().unwrap().as_deref(), Some("张 敏"));

    let empty = ws.set_acting_person("   ").unwrap_err();
    assert_eq!(empty.code(), "acting_person_empty");
    assert!(
        empty.message_zh().contains("姓名"),
        "{}",
        empty.message_zh()
    );
    assert!(
        empty.message_en().contains("name"),
        "{}",
        empty.message_en()
    );

    let long = "王".repeat(ACTING_PERSON_MAX_CHARS + 1);
    let too_long = ws.set_acting_person(&long).unwrap_err();
    assert_eq!(too_long.code(), "acting_person_too_long");
    assert!(
        too_long.message_zh().contains("40"),
        "{}",
        too_long.message_zh()
    );
    assert!(ws
        .set_acting_person(&"王".repeat(ACTING_PERSON_MAX_CHARS))
        .is_ok());
    // A refused name leaves the kept one as it was.
    let kept = ws.acting_person().unwrap().unwrap();
    assert_eq!(kept.chars().count(), ACTING_PERSON_MAX_CHARS);
}
