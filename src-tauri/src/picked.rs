//! Files the user picked in the shell's own dialogs or dropped on the window, kept here
//! behind handles.
//!
//! The rule (issue 20): the page never hands the core a path. A page that had been made to
//! run someone else's script could otherwise have the shell read the clerk's keys or write
//! over any file. So the shell opens every file dialog itself, keeps what the user chose
//! under a random handle and gives the page only that handle and the file's name; a
//! command takes a handle and refuses one it did not hand out. What a handle may do is
//! what its dialog asked: a file opened is only read, a place saved to is only written
//! (and only once), and the files of a picked folder only read.
//!
//! Drops arrive the same way: the shell listens to the native window's drop event, never
//! to an event a page could emit, registers the dropped paths and tells the page their
//! handles (`FILE_DROP_EVENT`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use paneldesk::import::source::file_name;
use paneldesk::import::Source;

use crate::ipc::IpcError;
use crate::AppState;

type Answer<T> = Result<T, IpcError>;

/// Names something the user picked: 16 random bytes in hex, made by the shell. The page
/// can pass it back, never invent one. (A newtype: JSON and TypeScript see a string.)
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct Handle(pub String);

/// What the page learns of a pick: its handle, and the file's name to show (never its
/// folder).
#[derive(Debug, Clone, Serialize, TS)]
pub struct Picked {
    pub handle: Handle,
    pub name: String,
}

/// What the page asks for a certificate template's image (seal, background): never a
/// path, only the one stored, none, or a file the user opened in this session.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImageChoice {
    /// The image the stored template names (none if it names none).
    Keep,
    Remove,
    /// A file opened in a dialog the shell owns.
    Picked {
        handle: Handle,
    },
}

/// What happened to files dragged over the window, as the page hears it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FileDrop {
    /// Files are being dragged over the window.
    Enter,
    /// The drag left the window or was cancelled.
    Leave,
    /// What was dropped, files and folders as the file manager gave them.
    Drop { files: Vec<Picked> },
}

/// The event the shell emits for every native drag and drop on the window.
pub const FILE_DROP_EVENT: &str = "paneldesk://file-drop";

/// What the user's dialog let a pick be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// A file opened (or dropped): read only.
    ReadFile,
    /// A folder picked (or dropped): its files read only.
    ReadFolder,
    /// A file saved to: written once.
    WriteFile,
    /// A folder picked to save into.
    WriteFolder,
}

enum Entry {
    Path(PathBuf, Use),
    /// A workbook found in what the user picked, for `import_workbooks`.
    Source(Source),
}

/// The session's picks, by handle. Lives in `AppState`; nothing survives a restart.
#[derive(Default)]
pub struct Picks {
    entries: Mutex<HashMap<Handle, Entry>>,
}

impl Picks {
    fn add(&self, entry: Entry, name: String) -> Picked {
        let handle = Handle(paneldesk::keys::hex(
            &paneldesk::ambient::random_bytes::<16>(),
        ));
        self.lock().insert(handle.clone(), entry);
        Picked { handle, name }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Handle, Entry>> {
        // A panic elsewhere while holding the lock leaves the map itself intact.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a path the user chose in a dialog of the kind `usage` names.
    pub fn path(&self, path: PathBuf, usage: Use) -> Picked {
        let name = file_name(&path);
        self.add(Entry::Path(path, usage), name)
    }

    /// Registers a path dropped on the window: read only, as a file or as a folder.
    pub fn dropped(&self, path: PathBuf) -> Picked {
        let usage = if path.is_dir() {
            Use::ReadFolder
        } else {
            Use::ReadFile
        };
        self.path(path, usage)
    }

    /// Registers a workbook found in picked files or folders.
    pub fn source(&self, source: Source) -> Picked {
        let name = file_name(source.path());
        self.add(Entry::Source(source), name)
    }

    /// The path behind `handle` if it was picked for one of `allowed`. A file saved to is
    /// forgotten once used: the page cannot later write there again unasked.
    pub fn use_path(&self, handle: &Handle, allowed: &[Use]) -> Answer<PathBuf> {
        let mut entries = self.lock();
        match entries.get(handle) {
            Some(Entry::Path(path, usage)) if allowed.contains(usage) => {
                let path = path.clone();
                if *usage == Use::WriteFile {
                    entries.remove(handle);
                }
                Ok(path)
            }
            Some(Entry::Path(path, usage)) => Err(wrong_use(&file_name(path), *usage)),
            Some(Entry::Source(source)) => Err(wrong_use(&file_name(source.path()), Use::ReadFile)),
            None => Err(not_picked()),
        }
    }

    pub fn read_file(&self, handle: &Handle) -> Answer<PathBuf> {
        self.use_path(handle, &[Use::ReadFile])
    }

    /// A file or a folder to read (imports and bundles take either).
    pub fn read(&self, handle: &Handle) -> Answer<PathBuf> {
        self.use_path(handle, &[Use::ReadFile, Use::ReadFolder])
    }

    pub fn write_file(&self, handle: &Handle) -> Answer<PathBuf> {
        self.use_path(handle, &[Use::WriteFile])
    }

    pub fn write_folder(&self, handle: &Handle) -> Answer<PathBuf> {
        self.use_path(handle, &[Use::WriteFolder])
    }

    pub fn source_of(&self, handle: &Handle) -> Answer<Source> {
        match self.lock().get(handle) {
            Some(Entry::Source(source)) => Ok(source.clone()),
            Some(Entry::Path(path, usage)) => Err(wrong_use(&file_name(path), *usage)),
            None => Err(not_picked()),
        }
    }

    /// The file a certificate template's image is to be: the one stored (`kept`), none, or
    /// the one the user opened in this session.
    pub fn template_image(
        &self,
        choice: &ImageChoice,
        kept: Option<&Path>,
    ) -> Answer<Option<PathBuf>> {
        match choice {
            ImageChoice::Keep => Ok(kept.map(Path::to_path_buf)),
            ImageChoice::Remove => Ok(None),
            ImageChoice::Picked { handle } => self.read_file(handle).map(Some),
        }
    }
}

fn not_picked() -> IpcError {
    IpcError {
        code: "not_picked".into(),
        message_zh: "此文件不是您在本次运行中通过 PanelDesk 的对话框选择或拖入窗口的，已拒绝。请重新选择文件".into(),
        message_en: "This file was not picked in a PanelDesk dialog or dropped on the window during this session, so it was refused. Please choose the file again".into(),
    }
}

fn wrong_use(name: &str, usage: Use) -> IpcError {
    let (zh, en) = match usage {
        Use::ReadFile | Use::ReadFolder => ("选来读取的", "was picked to be read"),
        Use::WriteFile | Use::WriteFolder => ("选来保存的", "was picked to be saved to"),
    };
    IpcError {
        code: "wrong_pick".into(),
        message_zh: format!("“{name}”是{zh}，不能这样使用，已拒绝。请重新选择文件"),
        message_en: format!(
            "“{name}” {en} and cannot be used this way, so it was refused. Please choose the file again"
        ),
    }
}

/// Tells the page about a native drag and drop on the window, dropped paths as handles.
/// Only the window's own event reaches here: an event a page emits never does.
pub fn forward_drop(window: &tauri::Window, event: &tauri::DragDropEvent) {
    use tauri::{Emitter, Manager};
    let message = match event {
        tauri::DragDropEvent::Enter { .. } => FileDrop::Enter,
        tauri::DragDropEvent::Leave => FileDrop::Leave,
        tauri::DragDropEvent::Drop { paths, .. } => {
            let picks = &window.state::<AppState>().picks;
            FileDrop::Drop {
                files: paths.iter().map(|p| picks.dropped(p.clone())).collect(),
            }
        }
        _ => return,
    };
    let _ = window.emit(FILE_DROP_EVENT, message);
}

// The dialogs. Debug builds driven by the E2E (which cannot reach a native dialog through
// WebDriver) answer from the file `PANELDESK_E2E_DIALOG_ANSWER` names instead: one path
// a line, nothing for "cancelled". Release builds never look.

#[cfg(debug_assertions)]
fn e2e_answer() -> Option<Vec<PathBuf>> {
    let file = std::env::var_os("PANELDESK_E2E_DIALOG_ANSWER")?;
    let text = std::fs::read_to_string(file).unwrap_or_default();
    Some(
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(PathBuf::from)
            .collect(),
    )
}

#[cfg(not(debug_assertions))]
fn e2e_answer() -> Option<Vec<PathBuf>> {
    None
}

fn dialog(
    state: &AppState,
    title: &str,
) -> Answer<tauri_plugin_dialog::FileDialogBuilder<tauri::Wry>> {
    use tauri_plugin_dialog::DialogExt;
    let app = state
        .app
        .get()
        .ok_or_else(|| paneldesk::Error::Corrupt("the window is not ready for a dialog".into()))?;
    Ok(app.dialog().file().set_title(title))
}

fn into_path(picked: tauri_plugin_dialog::FilePath) -> Option<PathBuf> {
    picked.into_path().ok()
}

/// The files the user opens (at most one unless `multiple`); none when cancelled.
pub fn open_files(
    state: &AppState,
    title: &str,
    filter: &str,
    extensions: &[&str],
    multiple: bool,
) -> Answer<Vec<PathBuf>> {
    if let Some(answer) = e2e_answer() {
        let n = if multiple { answer.len() } else { 1 };
        return Ok(answer.into_iter().take(n).collect());
    }
    let builder = dialog(state, title)?.add_filter(filter, extensions);
    Ok(if multiple {
        builder
            .blocking_pick_files()
            .unwrap_or_default()
            .into_iter()
            .filter_map(into_path)
            .collect()
    } else {
        builder
            .blocking_pick_file()
            .and_then(into_path)
            .into_iter()
            .collect()
    })
}

pub fn open_folder(state: &AppState, title: &str) -> Answer<Option<PathBuf>> {
    if let Some(answer) = e2e_answer() {
        return Ok(answer.into_iter().next());
    }
    Ok(dialog(state, title)?
        .blocking_pick_folder()
        .and_then(into_path))
}

/// Where the user saves a file, `suggested_name` suggested; `None` when cancelled.
/// The page suggests what a saved file is called, never where it goes: a suggestion
/// that looks like a path reaches the dialog as its last part only, so the dialog opens
/// where the user last saved, not in a folder the page chose.
fn name_only(suggested: &str) -> String {
    Path::new(suggested)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub fn save_file(
    state: &AppState,
    title: &str,
    suggested_name: &str,
    filter: &str,
    extensions: &[&str],
) -> Answer<Option<PathBuf>> {
    if let Some(answer) = e2e_answer() {
        return Ok(answer.into_iter().next());
    }
    Ok(dialog(state, title)?
        .set_file_name(name_only(suggested_name))
        .add_filter(filter, extensions)
        .blocking_save_file()
        .and_then(into_path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suggested_file_name_never_carries_a_folder_into_the_dialog() {
        assert_eq!(name_only("汇总表.pdf"), "汇总表.pdf");
        assert_eq!(
            name_only("/home/clerk/.ssh/authorized_keys"),
            "authorized_keys"
        );
        assert_eq!(name_only("../../etc/passwd"), "passwd");
        assert_eq!(name_only(".."), "");
        assert_eq!(name_only(""), "");
    }

    #[test]
    fn a_handle_is_only_what_the_shell_handed_out_and_only_for_its_use() {
        let picks = Picks::default();
        let opened = picks.path("/media/usb/a.pdpanel".into(), Use::ReadFile);
        let saved = picks.path("/home/clerk/汇总表.pdf".into(), Use::WriteFile);
        assert_eq!(opened.name, "a.pdpanel");
        assert_eq!(opened.handle.0.len(), 32);
        assert_ne!(opened.handle, saved.handle);

        let forged = Handle("/home/clerk/.local/share/paneldesk/keys/clerk.json".into());
        assert_eq!(picks.read_file(&forged).unwrap_err().code, "not_picked");
        assert_eq!(picks.write_file(&forged).unwrap_err().code, "not_picked");

        assert_eq!(
            picks.write_file(&opened.handle).unwrap_err().code,
            "wrong_pick"
        );
        assert_eq!(picks.read(&saved.handle).unwrap_err().code, "wrong_pick");
        assert_eq!(
            picks.read_file(&opened.handle).unwrap(),
            PathBuf::from("/media/usb/a.pdpanel")
        );
        // Read as often as needed; written once.
        assert!(picks.read_file(&opened.handle).is_ok());
        assert!(picks.write_file(&saved.handle).is_ok());
        assert_eq!(
            picks.write_file(&saved.handle).unwrap_err().code,
            "not_picked"
        );
    }

    #[test]
    fn a_template_image_is_the_stored_one_or_one_opened_here() {
        let picks = Picks::default();
        let seal = picks.path("/home/clerk/章.png".into(), Use::ReadFile);
        let kept = Path::new("/home/clerk/old.png");
        assert_eq!(
            picks
                .template_image(&ImageChoice::Remove, Some(kept))
                .unwrap(),
            None
        );
        assert_eq!(
            picks
                .template_image(&ImageChoice::Keep, Some(kept))
                .unwrap(),
            Some(kept.to_path_buf())
        );
        assert_eq!(
            picks.template_image(&ImageChoice::Keep, None).unwrap(),
            None
        );
        let opened = ImageChoice::Picked {
            handle: seal.handle.clone(),
        };
        assert_eq!(
            picks.template_image(&opened, Some(kept)).unwrap(),
            Some(PathBuf::from("/home/clerk/章.png"))
        );
        let typed = ImageChoice::Picked {
            handle: Handle("/etc/shadow".into()),
        };
        let typed = picks.template_image(&typed, Some(kept)).unwrap_err();
        assert_eq!(typed.code, "not_picked");
    }
}
