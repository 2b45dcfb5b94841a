//! How WebKitGTK draws the window on Linux.
//!
//! Accelerated compositing is off unless the user turned it on
//! (`WEBKIT_DISABLE_COMPOSITING_MODE=0`). Office laptops often have no graphics driver
//! WebKit trusts (and test machines have no GPU at all). Then the compositor runs in
//! software and costs every frame about 100 ms and the window about 110 MB more.
//! Measured on the installed release app under Xvfb (docs/installers.md):
//! - scrolling 30,000 rows: 118 ms a frame on average with compositing, 13.5 ms without
//!   it (74 frames a second);
//! - 3,000 nominations open: 395 MiB PSS with compositing, 281 MiB without it.
//!
//! A tables-and-forms window loses nothing by being drawn without compositing.

const VARIABLE: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// The value to set, given what the environment holds: `None` leaves the user's choice.
fn chosen(existing: Option<&std::ffi::OsStr>) -> Option<&'static str> {
    existing.is_none().then_some("1")
}

/// Turns WebKit's accelerated compositing off unless the environment already says
/// either way. Call it before any thread starts.
pub fn leave_accelerated_compositing_off() {
    if cfg!(target_os = "linux") {
        if let Some(value) = chosen(std::env::var_os(VARIABLE).as_deref()) {
            std::env::set_var(VARIABLE, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compositing_is_turned_off_only_where_nobody_chose() {
        assert_eq!(chosen(None), Some("1"));
        assert_eq!(chosen(Some("0".as_ref())), None, "the user turned it on");
        assert_eq!(chosen(Some("1".as_ref())), None);
    }
}
