//! The Tauri shell: a window, the file dialogs it opens itself, and thin commands over
//! the core.
//!
//! Architecture invariant: no rule lives here. A command takes the app state, calls one
//! core function and converts its error; anything longer belongs in `paneldesk`.
//!
//! The page never hands the core a path: files reach commands as handles (`picked`).

mod clerk;
mod commands;
mod fonts;
pub mod ipc;
pub mod picked;
pub mod reader;
pub mod webkit;
mod window;

use paneldesk::workspace::Workspace;

/// What every command needs: where this laptop keeps its reviews, the panels an expert
/// has open (kept open: verifying a package reads every material, which is once per
/// session, not once per keystroke), and the workbook parsers (kept running: the UI
/// imports a folder in several calls, and this binary is slow to start as a child).
pub struct AppState {
    pub workspace: Workspace,
    pub panels:
        std::sync::Mutex<std::collections::HashMap<String, paneldesk::scoring::panel::Panel>>,
    pub parsers: std::sync::OnceLock<paneldesk::sandbox::pool::ParserPool>,
    /// The running app, for the dialogs the shell opens itself (`picked`): what the user
    /// picks there reaches the core without passing through the page.
    pub app: std::sync::OnceLock<tauri::AppHandle>,
    /// What the user picked or dropped this session, by the handles the page was given.
    pub picks: picked::Picks,
    /// The clerk's keys once unlocked with their passphrase (`clerk.rs`).
    pub clerk: clerk::ClerkSession,
    /// Materials the reader has checked against their hashes this session (`reader.rs`).
    pub reader: reader::Verified,
}

impl AppState {
    pub fn new(workspace: Workspace) -> AppState {
        AppState {
            workspace,
            panels: Default::default(),
            parsers: Default::default(),
            app: Default::default(),
            picks: Default::default(),
            clerk: Default::default(),
            reader: Default::default(),
        }
    }
}

impl AppState {
    /// The session's workbook parsers, started on first use.
    pub fn parsers(&self) -> Result<&paneldesk::sandbox::pool::ParserPool, paneldesk::Error> {
        let exe = own_exe()?;
        Ok(self
            .parsers
            .get_or_init(|| paneldesk::sandbox::pool::ParserPool::new(&exe, Default::default())))
    }
}

/// This binary, which parses untrusted workbooks as its own sandboxed children.
fn own_exe() -> Result<std::path::PathBuf, paneldesk::Error> {
    std::env::current_exe().map_err(|e| paneldesk::Error::io("paneldesk-app", e))
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
        .manage(AppState::new(workspace))
        .setup(|app| {
            use tauri::Manager;
            let _ = app.state::<AppState>().app.set(app.handle().clone());
            Ok(())
        })
        // The native window's drop, never an event the page emits: only this registers
        // dropped paths.
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::DragDrop(drop) = event {
                picked::forward_drop(window, drop);
            }
        })
        // Materials for the reader, by package and content hash, verified and in ranges
        // (`reader.rs`); read off the main thread.
        .register_asynchronous_uri_scheme_protocol(reader::SCHEME, |ctx, request, responder| {
            let app = ctx.app_handle().clone();
            tauri::async_runtime::spawn_blocking(move || {
                use tauri::Manager;
                let state = app.state::<AppState>();
                responder.respond(reader::respond(&state, &request));
            });
        })
        // The certificate faces for the template editor's preview (`fonts.rs`): the files
        // the PDF embeds, by face name only; read off the main thread (24 MB each).
        .register_asynchronous_uri_scheme_protocol(fonts::SCHEME, |_ctx, request, responder| {
            tauri::async_runtime::spawn_blocking(move || {
                responder.respond(fonts::respond(&request))
            });
        })
        .invoke_handler(ipc::invoke_handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("PanelDesk 无法启动 / could not start: {e}");
        std::process::exit(1);
    }
}
