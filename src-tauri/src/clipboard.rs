//! The system clipboard with an authenticator's hygiene: copies are marked sensitive (kept out
//! of clipboard-manager history where the platform has a hint) and cleared after a timeout,
//! on lock and on quit, but only while the clipboard still holds what we put there.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use zeroize::Zeroizing;

use crate::error::{CommandError, CommandResult};
// A panic elsewhere while the clipboard was held must not stop a lock from clearing it.
use crate::state::relock;

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
            let mut inner = relock(&self.0);
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
            let mut inner = relock(&this.0);
            if inner.generation == generation {
                clear_if_ours_locked(&mut inner);
            }
        });
        Ok(())
    }

    /// Clears the clipboard if it still holds the last code we copied (on lock and quit).
    pub fn clear_if_ours(&self) {
        let mut inner = relock(&self.0);
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

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::process::{Command, Stdio};

    use super::*;

    /// What xclip reads from the X clipboard (`target`: a type such as TARGETS), or `None`
    /// when it holds nothing.
    fn xclip_out(target: Option<&str>) -> Option<String> {
        let mut command = Command::new("timeout");
        command.args(["5", "xclip", "-o", "-selection", "clipboard"]);
        if let Some(target) = target {
            command.args(["-t", target]);
        }
        let output = command.output().expect("timeout and xclip are installed");
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// Puts `text` on the X clipboard as another program would.
    fn xclip_in(text: &str) {
        let mut child = Command::new("xclip")
            .args(["-selection", "clipboard", "-i"])
            .stdin(Stdio::piped())
            .spawn()
            .expect("xclip is installed");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        child.wait().unwrap();
    }

    /// One test: the X clipboard is one per display.
    #[test]
    fn copies_are_marked_sensitive_and_cleared_only_while_ours_even_after_a_panic() {
        if std::env::var("DISPLAY").map_or(true, |d| d.is_empty()) {
            eprintln!(
                "SKIPPED: DISPLAY is not set (run under scripts/headless.sh, as `make test` does)"
            );
            return;
        }
        let clipboard = Clipboard::default();
        clipboard.copy_sensitive("492039", None).unwrap();
        assert_eq!(xclip_out(None).as_deref(), Some("492039"));
        let targets = xclip_out(Some("TARGETS")).unwrap_or_default();
        assert!(
            targets.lines().any(|t| t == "x-kde-passwordManagerHint"),
            "the copy is marked for clipboard managers to skip: {targets:?}"
        );
        clipboard.clear_if_ours();
        assert_eq!(xclip_out(None), None, "cleared on lock");

        // What the person copied since is theirs: left alone.
        clipboard.copy_sensitive("111111", None).unwrap();
        xclip_in("a note of mine");
        // xclip's parent returns before its child owns the clipboard: wait until it serves.
        let started = std::time::Instant::now();
        while xclip_out(None).as_deref() != Some("a note of mine") {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "xclip took the clipboard"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        clipboard.clear_if_ours();
        assert_eq!(xclip_out(None).as_deref(), Some("a note of mine"));

        // A thread that panicked while holding the clipboard does not stop the clearing.
        clipboard.copy_sensitive("222222", None).unwrap();
        std::thread::scope(|scope| {
            let panicked = scope
                .spawn(|| {
                    let _held = clipboard.0.lock();
                    panic!("a thread panics while holding the clipboard (on purpose)");
                })
                .join();
            assert!(panicked.is_err());
        });
        assert!(clipboard.0.is_poisoned());
        clipboard.clear_if_ours();
        assert_eq!(xclip_out(None), None, "cleared despite the poisoned lock");
    }
}
