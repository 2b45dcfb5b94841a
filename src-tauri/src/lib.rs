//! The Tauri shell: a window, the dialog plugin, and thin commands over the core.
//!
//! Architecture invariant: no rule lives here. A command takes the app state, calls one
//! core function and converts its error; anything longer belongs in `paneldesk`.

mod commands;
pub mod ipc;

use paneldesk::workspace::Workspace;

/// What every command needs: where this laptop keeps its reviews, the panels an expert
/// has open (kept open: verifying a package reads every material, which is once per
/// session, not once per keystroke), and the workbook parsers (kept running: the UI
/// imports a folder in several calls, and this binary is slow to start as a child).
pub struct AppState {
    pub workspace: Workspace,
    pub panels:
        std::sync::Mutex<std::collections::HashMap<String, paneldesk::scoring::panel::Panel>>,
    pub parsers: std::sync::OnceLock<paneldesk::import::pool::ParserPool>,
    /// The running app, for the dialogs the shell opens itself (`commands::pick_file`):
    /// what the user picks there reaches the core without passing through the page.
    pub app: std::sync::OnceLock<tauri::AppHandle>,
}

pub fn run() {
    let workspace = match Workspace::from_env() {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{}\n{}", e.message_zh(), e.message_en());
            std::process::exit(1);
        }
    };
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState {
            workspace,
            panels: Default::default(),
            parsers: Default::default(),
            app: Default::default(),
        })
        .setup(|app| {
            use tauri::Manager;
            let _ = app.state::<AppState>().app.set(app.handle().clone());
            Ok(())
        })
        .invoke_handler(ipc::invoke_handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("PanelDesk 无法启动 / could not start: {e}");
        std::process::exit(1);
    }
}
