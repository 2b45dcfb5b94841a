//! The manual pages and shell completions the .deb carries, written from the command
//! line's own definitions (`paneldesk __generate-docs DIR`, run by `scripts/deb-check.sh`).

use std::path::Path;

/// Writes `DIR/man1/paneldesk.1` and one page per visible subcommand
/// (`paneldesk-review.1`, `paneldesk-review-new.1`, …), and `DIR/completions/` for bash
/// (`paneldesk.bash`), zsh (`_paneldesk`) and fish (`paneldesk.fish`). Hidden commands
/// stay out of both.
pub fn generate(command: clap::Command, dir: &Path) -> std::io::Result<()> {
    let man = dir.join("man1");
    let completions = dir.join("completions");
    std::fs::create_dir_all(&man)?;
    std::fs::create_dir_all(&completions)?;
    let mut visible = without_hidden(&command);
    clap_mangen::generate_to(command, &man)?;
    for shell in [
        clap_complete::Shell::Bash,
        clap_complete::Shell::Zsh,
        clap_complete::Shell::Fish,
    ] {
        clap_complete::generate_to(shell, &mut visible, "paneldesk", &completions)?;
    }
    Ok(())
}

/// `command` without its hidden subcommands, which clap_complete would otherwise offer on
/// Tab like any other (clap_mangen leaves them out by itself): name, about, version and
/// arguments are all completion scripts use. Globals propagate again when it is built.
fn without_hidden(command: &clap::Command) -> clap::Command {
    let mut visible = clap::Command::new(command.get_name().to_owned())
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .args(command.get_arguments().cloned())
        .subcommands(
            command
                .get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(without_hidden),
        );
    if let Some(about) = command.get_about() {
        visible = visible.about(about.clone());
    }
    if let Some(version) = command.get_version() {
        visible = visible.version(version.to_owned());
    }
    visible
}
