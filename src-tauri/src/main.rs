// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// The same allocator as the `paneldesk` CLI, for the same reason: see src/main.rs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Untrusted workbooks are parsed in child processes: this same binary, started with
    // `__read-workbooks` by `paneldesk::sandbox::pool`.
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == paneldesk::sandbox::pool::CHILD_COMMAND)
    {
        std::process::exit(paneldesk::sandbox::pool::child_main());
    }
    // Before any thread starts: the environment is only safe to change while there is one.
    paneldesk_app::webkit::leave_accelerated_compositing_off();
    paneldesk_app::run()
}
