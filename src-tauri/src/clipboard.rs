//! The system clipboard with an authenticator's hygiene: copies are marked sensitive (kept out
//! of clipboard-manager history where the platform has a hint) and cleared after a timeout,
//! on lock and on quit, but only while the clipboard still holds what we put there.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use zeroize::Zeroizing;

use crate::error::{CommandError, CommandResult};

#[derive(Default)]
struct Inner {
    /// Kept for the app's lifetime: on X11 the owner of the selection must stay alive to serve it.
    clipboard: Option<arboard::Clipboard>,
    /// What we last copied, until it is cleared or replaced.
    ours: Option<Zeroizing<String>>,
    /// Bumped on each copy so an older clearing timer knows it is stale.
    generation: u64,
}

/// The clipboard, shared by commands and clearing timers.
#[derive(Default, Clone)]
pub struct Clipboard(Arc<Mutex<Inner>>);

fn unavailable(error: arboard::Error) -> CommandError {
    CommandError::new(
        "clipboard_unavailable",
        format!("The clipboard is not available: {error}"),
    )
}

impl Clipboard {
    /// Puts `text` on the clipboard, marked sensitive, and clears it after `clear_after` (if
    /// any) unless something else has been copied meanwhile.
    pub fn copy_sensitive(&self, text: &str, clear_after: Option<Duration>) -> CommandResult<()> {
        let text = Zeroizing::new(text.to_owned());
        let generation = {
            let mut inner = self.0.lock().expect("clipboard lock");
            if inner.clipboard.is_none() {
                inner.clipboard = Some(arboard::Clipboard::new().map_err(unavailable)?);
            }
            let clipboard = inner.clipboard.as_mut().expect("just created");
            set_sensitive(clipboard, &text).map_err(unavailable)?;
            inner.ours = Some(text);
            inner.generation += 1;
            inner.generation
        };
        let Some(clear_after) = clear_after else {
            return Ok(());
        };
        let this = self.clone();
        std::thread::spawn(move || {
            std::thread::sleep(clear_after);
            let mut inner = this.0.lock().expect("clipboard lock");
            if inner.generation == generation {
                clear_if_ours_locked(&mut inner);
            }
        });
        Ok(())
    }

    /// Clears the clipboard if it still holds the last code we copied (on lock and quit).
    pub fn clear_if_ours(&self) {
        let mut inner = self.0.lock().expect("clipboard lock");
        clear_if_ours_locked(&mut inner);
    }
}

fn clear_if_ours_locked(inner: &mut Inner) {
    let Some(ours) = inner.ours.take() else {
        return;
    };
    let Some(clipboard) = inner.clipboard.as_mut() else {
        return;
    };
    let current = clipboard.get_text().map(Zeroizing::new);
    if matches!(current, Ok(ref text) if **text == *ours) {
        let _ = clipboard.clear();
    }
}

#[cfg(target_os = "linux")]
fn set_sensitive(clipboard: &mut arboard::Clipboard, text: &str) -> Result<(), arboard::Error> {
    use arboard::SetExtLinux as _;
    // Sets x-kde-passwordManagerHint so KDE Klipper and compatible managers skip it.
    clipboard.set().exclude_from_history().text(text)
}

#[cfg(target_os = "windows")]
fn set_sensitive(clipboard: &mut arboard::Clipboard, text: &str) -> Result<(), arboard::Error> {
    use arboard::SetExtWindows as _;
    clipboard
        .set()
        .exclude_from_cloud()
        .exclude_from_history()
        .text(text)
}

#[cfg(not(any(target_os = "linux", target_os = "windows")))]
fn set_sensitive(clipboard: &mut arboard::Clipboard, text: &str) -> Result<(), arboard::Error> {
    clipboard.set_text(text)
}
