// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Untrusted workbooks are parsed in a child process: this same binary, started with
    // `__read-workbook FILE` by `paneldesk::import::workbook::read_isolated`.
    let mut args = std::env::args_os().skip(1);
    if args.next().is_some_and(|a| a == "__read-workbook") {
        let path = std::path::PathBuf::from(args.next().unwrap_or_default());
        std::process::exit(paneldesk::import::workbook::child_main(&path));
    }
    paneldesk_app::run()
}
