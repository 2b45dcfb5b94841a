//! The window itself: how large the page draws. A senior expert reads a dense scoring
//! grid for hours; the whole page scales, so nothing is left at the old size.

use tauri::Manager;

use crate::ipc::IpcError;
use crate::AppState;

/// The sizes offered, in per cent of the design size.
pub const TEXT_SIZES: [u32; 4] = [100, 125, 150, 175];

/// Scales the window's page to `percent` (one of `TEXT_SIZES`); returns it.
pub fn set_text_size(state: &AppState, percent: u32) -> Result<u32, IpcError> {
    if !TEXT_SIZES.contains(&percent) {
        return Err(paneldesk::Error::BadInput {
            zh: format!("文字大小只能是 {TEXT_SIZES:?}% 之一"),
            en: format!("text size must be one of {TEXT_SIZES:?} per cent"),
        }
        .into());
    }
    let window = state
        .app
        .get()
        .and_then(|app| app.get_webview_window("main"))
        .ok_or_else(|| paneldesk::Error::Corrupt("the window is not ready".into()))?;
    window
        .set_zoom(f64::from(percent) / 100.0)
        .map_err(|e| paneldesk::Error::Corrupt(format!("zoom: {e}")))?;
    Ok(percent)
}
