//! What the window may do, read from the shipped configuration: a compromised page
//! (a WebKit bug, a bug of ours) must find no inline code or style to ride on and no
//! permission to pick, read or write files itself.

use std::path::Path;

fn config() -> serde_json::Value {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tauri.conf.json"))
            .expect("tauri.conf.json");
    serde_json::from_str(&text).expect("tauri.conf.json is JSON")
}

fn directive(csp: &str, name: &str) -> Vec<String> {
    csp.split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix(name).filter(|rest| rest.starts_with(' ')))
        .unwrap_or_else(|| panic!("no {name} in {csp}"))
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_content_policy_allows_no_inline_script_or_style() {
    let config = config();
    let csp = config["app"]["security"]["csp"]
        .as_str()
        .expect("a content security policy");
    assert_eq!(directive(csp, "script-src"), ["'self'"]);
    assert_eq!(directive(csp, "style-src"), ["'self'"]);
    assert_eq!(directive(csp, "object-src"), ["'none'"]);
    assert_eq!(directive(csp, "base-uri"), ["'none'"]);
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
}

#[test]
fn the_window_holds_no_permission_to_reach_files_itself() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities");
    for entry in std::fs::read_dir(&dir).expect("capabilities") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("capability");
        let capability: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        for permission in capability["permissions"].as_array().expect("permissions") {
            let name = permission
                .as_str()
                .or_else(|| permission["identifier"].as_str())
                .unwrap_or_default();
            assert!(
                !(name.starts_with("dialog:allow-open")
                    || name.starts_with("dialog:allow-save")
                    || name.starts_with("fs:")
                    || name.starts_with("shell:")
                    || name.starts_with("opener:")
                    || name.starts_with("http:")),
                "{}: {name}",
                path.display()
            );
        }
    }
}

#[test]
fn materials_reach_the_window_only_from_the_shells_own_scheme() {
    // The reader (issue 23) loads materials from `material:` (src/reader.rs) and pdf.js's
    // worker and character maps from the app's own files: nothing remote, no blob: or
    // data: workers, and no 'wasm-unsafe-eval' (pdf.js runs with `useWasm: false`).
    let config = config();
    let csp = config["app"]["security"]["csp"].as_str().expect("csp");
    for name in ["img-src", "connect-src"] {
        let sources = directive(csp, name);
        assert!(
            sources.contains(&"material:".to_string()),
            "{name}: {sources:?}"
        );
        for source in &sources {
            assert!(
                !source.starts_with("http") || source.ends_with(".localhost"),
                "{name} reaches beyond this laptop: {source}"
            );
            assert_ne!(source, "*", "{name}");
        }
    }
    assert!(!csp.contains("blob:"), "{csp}");
    assert!(!csp.contains("wasm-unsafe-eval"), "{csp}");
    assert!(!csp.contains("worker-src") || directive(csp, "worker-src") == ["'self'"]);
}

#[test]
fn certificate_faces_reach_the_window_only_as_fonts_from_the_shells_scheme() {
    // The template preview draws in the files the PDF embeds, served by `fonts.rs`; the
    // scheme is a font source and nothing else.
    let config = config();
    let csp = config["app"]["security"]["csp"].as_str().expect("csp");
    assert_eq!(
        directive(csp, "font-src"),
        [
            "'self'",
            "data:",
            "paneldesk-font:",
            "http://paneldesk-font.localhost"
        ]
    );
    for name in [
        "default-src",
        "script-src",
        "style-src",
        "img-src",
        "connect-src",
    ] {
        assert!(
            !directive(csp, name)
                .iter()
                .any(|s| s.contains("paneldesk-font")),
            "{name} names the font scheme: {csp}"
        );
    }
}
