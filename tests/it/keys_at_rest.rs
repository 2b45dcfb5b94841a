//! Keys at rest: what someone who copies a lost laptop's files, or the clerk's data
//! folder, can do with them. The passphrase is the protection; argon2id makes each guess
//! cost, and a strength estimate keeps guesses from being few.

use std::path::Path;
use std::process::{Command, Output};

use paneldesk::scoring::panel;

use super::scoring_round::{package_round, randomness};
use super::support::assert_ran;
use super::T0;

/// A passphrase the strength estimate accepts, used for every clerk in these tests.
pub const CLERK_PASSPHRASE: &str = "评审室 lamp-orbit 7 tides";

fn paneldesk(data: &Path, passphrase: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_paneldesk"));
    command.args(args).env("PANELDESK_DATA_DIR", data);
    match passphrase {
        Some(p) => command.env("PANELDESK_CLERK_PASSPHRASE", p),
        None => command.env_remove("PANELDESK_CLERK_PASSPHRASE"),
    };
    command.output().expect("paneldesk runs")
}

fn error_code(out: &Output) -> String {
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    answer["error"]["code"]
        .as_str()
        .unwrap_or("none")
        .to_string()
}

#[test]
fn the_clerks_keys_file_holds_no_secret_in_the_clear_and_a_wrong_passphrase_opens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("clerk");
    let out_dir = dir.path().join("stick");
    std::fs::create_dir_all(&out_dir).unwrap();
    let package = out_dir.join("panel.pdpanel");
    let package = package.to_str().unwrap();
    let demo = paneldesk(
        &data,
        None,
        &["demo", "--nominations", "4", "--experts", "2"],
    );
    assert!(demo.status.success());
    let build = |passphrase: Option<&str>| {
        paneldesk(
            &data,
            passphrase,
            &[
                "package",
                "--out",
                package,
                "--closes",
                "2026-12-10",
                "--json",
            ],
        )
    };
    // The first job that needs the clerk's keys makes them, under the passphrase given.
    let built = build(Some(CLERK_PASSPHRASE));
    assert_ran(&built);
    let stored = std::fs::read_to_string(data.join("keys").join("clerk.json")).unwrap();
    assert!(!stored.contains("AGE-SECRET-KEY"), "{stored}");
    assert!(!stored.contains("signing_seed"), "{stored}");
    assert!(stored.contains("argon2id"), "{stored}");

    std::fs::remove_file(package).unwrap();
    assert_eq!(
        error_code(&build(Some("评审室 lamp-orbit 7 tide"))),
        "wrong_passphrase"
    );
    assert_eq!(error_code(&build(None)), "clerk_passphrase_needed");
    assert!(!Path::new(package).exists());
    assert!(build(Some(CLERK_PASSPHRASE)).status.success());
}

#[test]
fn new_clerk_keys_need_a_passphrase_that_is_not_easily_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("clerk");
    let package = dir.path().join("panel.pdpanel");
    assert!(paneldesk(
        &data,
        None,
        &["demo", "--nominations", "2", "--experts", "1"]
    )
    .status
    .success());
    let build = |passphrase: &str| {
        paneldesk(
            &data,
            Some(passphrase),
            &[
                "package",
                "--out",
                package.to_str().unwrap(),
                "--closes",
                "2026-12-10",
                "--json",
            ],
        )
    };
    assert_eq!(error_code(&build("246810")), "passphrase_too_short");
    assert_eq!(error_code(&build("password123")), "passphrase_too_weak");
    assert!(!data.join("keys").join("clerk.json").exists());
}

#[test]
fn an_expert_cannot_protect_their_key_with_a_six_digit_pin_or_a_common_password() {
    let round = package_round(0);
    let mut p = panel::import_package(&round.root.join("laptop"), &round.package, T0).unwrap();
    let expert = p.package.experts[0].clone();
    let code = |p: &mut panel::Panel, passphrase: &str| {
        p.enrol(expert.id, passphrase, randomness(9), T0)
            .map(|_| "enrolled".to_string())
            .unwrap_or_else(|e| e.code().to_string())
    };
    // All 10^6 six-digit PINs fall in hours to a copied file, whatever the cost per guess.
    assert_eq!(code(&mut p, "246810"), "passphrase_too_short");
    assert_eq!(code(&mut p, "12345678"), "passphrase_too_weak");
    assert_eq!(code(&mut p, "qwertyuiop"), "passphrase_too_weak");
    // Their own name is the first thing anyone would try.
    let own_name = format!("{} {}", expert.name, expert.institution);
    assert_eq!(code(&mut p, &own_name), "passphrase_too_weak");
    assert!(p.enrolment().unwrap().is_none());
    assert_eq!(code(&mut p, "评审室 lamp-orbit 7 tides"), "enrolled");
}

#[test]
fn guessing_a_copied_wrapped_key_costs_128_mib_and_four_passes_a_guess() {
    let key = paneldesk::keys::signing_key(&[9; 32]);
    let wrapped =
        paneldesk::keys::wrap(&key, "评审室 lamp-orbit 7 tides", [1; 16], [2; 12]).unwrap();
    assert!(wrapped.memory_kib >= 128 * 1024, "{}", wrapped.memory_kib);
    assert!(wrapped.iterations >= 4, "{}", wrapped.iterations);
}
