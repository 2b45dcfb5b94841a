//! A bare Tauri 2 window: the same Tauri, WebKitGTK and window size as PanelDesk, a page
//! of one line, no commands. `tests/e2e/installed_app.py --bare` measures it beside the
//! app in the same run, so PanelDesk's own share of memory is the difference.

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!(
            "examples/bare_window/tauri.conf.json"
        ))
        .expect("the bare window runs");
}
