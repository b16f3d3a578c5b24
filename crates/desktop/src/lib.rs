//! Countersign's desktop integration: the OS around the window, behind small traits.
//!
//! Following the session ([`watch_session`]): the screen locking, the session being switched
//! away from, the machine going to sleep, as events after which the app locks its vault. Linux
//! and the BSDs: logind and the screensavers on D-Bus; Windows: WTS session notifications and
//! power broadcasts; macOS: NSWorkspace and distributed notifications.
//!
//! Typing a code into the focused window ("auto-type") with real key events, one key at a
//! time: on X11 through XTEST ([`X11Typist`]), on Wayland through the desktop's RemoteDesktop
//! portal ([`PortalTypist`], which asks the person once and keeps the consent in a
//! [`RestoreTokenStore`]), on Windows through `SendInput` ([`WindowsTypist`]), on macOS through
//! `CGEvent` ([`MacTypist`], once the person allowed Countersign under Accessibility).
//! [`typist_for_session`] picks the way to type for the running session, or says why there is
//! none, so the app can copy the code instead and tell the person. docs/platforms.md sums up
//! what works where.
//!
//! On Wayland, where an app cannot grab keys itself, [`QuickSearchShortcut`] has the desktop bind
//! the quick search's shortcut through the GlobalShortcuts portal.
//!
//! ```no_run
//! use countersign_desktop::{Typist, typist_for_session};
//!
//! match typist_for_session() {
//!     Ok(typist) => typist.type_text("492039", true)?,
//!     Err(why) => eprintln!("{why}"), // copy the code instead, and say why once
//! }
//! # Ok::<(), countersign_desktop::TypeError>(())
//! ```

use std::time::Duration;

mod error;
#[cfg(all(unix, not(target_os = "macos")))]
mod keymap;
#[cfg(target_os = "macos")]
mod macos;
#[cfg(all(unix, not(target_os = "macos")))]
mod portal;
mod session;
mod token;
#[cfg(any(test, windows, target_os = "macos"))]
mod unicode;
#[cfg(windows)]
mod windows;
#[cfg(all(unix, not(target_os = "macos")))]
mod x11;

use std::sync::Arc;

pub use error::{CharClass, ShortcutError, TypeError};
#[cfg(target_os = "macos")]
pub use macos::MacTypist;
#[cfg(all(unix, not(target_os = "macos")))]
pub use portal::{
    PREFERRED_TRIGGER, PortalTypist, QUICK_SEARCH_DESCRIPTION, QUICK_SEARCH_ID, QuickSearchShortcut,
};
#[cfg(all(unix, not(target_os = "macos")))]
pub use session::watch_session_on;
pub use session::{SessionEvent, SessionEvents, Source, WatchError, watch_session};
pub use token::{FileTokenStore, MemoryTokenStore, RestoreTokenStore};
#[cfg(windows)]
pub use windows::WindowsTypist;
#[cfg(all(unix, not(target_os = "macos")))]
pub use x11::X11Typist;

/// The pause after each key, for one-digit boxes that move focus in script.
///
/// Measured in WebKitGTK under Xvfb (tests/typing_x11.rs, benches/typing): boxes that move
/// focus at once or after a task (`setTimeout(0)`) fill even with no pause, because every key is
/// a round trip; this is margin for slower pages, and keeps a 6-digit code + Enter under 100 ms.
/// Boxes that wait for the next animation frame need about a frame per key (more under Xvfb);
/// each typist's `with_key_delay` is there for them. Windows and macOS use the same pause.
pub const DEFAULT_KEY_DELAY: Duration = Duration::from_millis(12);

/// How long to wait for Ctrl, Alt, Shift or Super to be released (the person may still be letting
/// go of the shortcut that asked for the code).
pub const DEFAULT_MODIFIER_WAIT: Duration = Duration::from_millis(750);

/// Something that types text into whatever window has the keyboard focus.
///
/// Implementations send real key events, one character at a time and in order, so that forms
/// with one box per digit that move focus on input fill correctly. Blocking: call it off the UI
/// thread. Text is a one-time code: implementations never log it.
pub trait Typist: Send + Sync {
    /// Types `text`, then presses Enter if `then_enter`.
    ///
    /// Checks that every character can be typed before typing any; on an error nothing was
    /// typed, except for [`TypeError::ConnectionLost`] and a partly typed
    /// [`TypeError::InputBlocked`], which say so.
    fn type_text(&self, text: &str, then_enter: bool) -> Result<(), TypeError>;

    /// The window that has the keyboard focus now, so it can have it back with
    /// [`Typist::refocus`] after a window of ours took it. `None` where the platform does not
    /// say (the window manager then gives focus back by itself).
    fn focused_window(&self) -> Option<FocusedWindow> {
        None
    }

    /// Gives the keyboard focus back to `window`. A window that is gone meanwhile is not an
    /// error: there is nothing to type into, and typing goes wherever the focus is.
    fn refocus(&self, window: FocusedWindow) -> Result<(), TypeError> {
        let _ = window;
        Ok(())
    }
}

/// A window that had the keyboard focus (opaque: only [`Typist::refocus`] reads it).
///
/// An X11 window id; on Windows a window handle (`HWND`), whose lower 32 bits are all that
/// count (Windows keeps handles 32-bit for 32/64-bit interoperability); on macOS the process id
/// of the application in front, since one app cannot focus another's window, only activate it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FocusedWindow(pub(crate) u32);

impl FocusedWindow {
    /// One of the app's own X11 windows, by its id, to give it the focus.
    pub fn from_x11(id: u32) -> FocusedWindow {
        FocusedWindow(id)
    }
}

/// The kind of graphical session this process runs in, as far as typing is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Session {
    /// An X11 session: XTEST reaches every window.
    X11,
    /// A Wayland session: only the RemoteDesktop portal may type into other windows (XTEST into
    /// XWayland would reach X programs only, never the browser the person is looking at).
    Wayland,
    /// No graphical session was found.
    None,
}

impl Session {
    /// Classifies a session from its `DISPLAY` and `WAYLAND_DISPLAY` values (unset = `None`).
    pub fn from_vars(display: Option<&str>, wayland_display: Option<&str>) -> Session {
        let set = |value: Option<&str>| value.is_some_and(|v| !v.is_empty());
        if set(wayland_display) {
            Session::Wayland
        } else if set(display) {
            Session::X11
        } else {
            Session::None
        }
    }

    /// The session of this process, from its environment.
    pub fn current() -> Session {
        let display = std::env::var("DISPLAY").ok();
        let wayland = std::env::var("WAYLAND_DISPLAY").ok();
        Session::from_vars(display.as_deref(), wayland.as_deref())
    }
}

/// The typist for this session, or why codes cannot be typed here.
///
/// X11 (`DISPLAY` set, `WAYLAND_DISPLAY` not): XTEST. Wayland: the RemoteDesktop portal, with
/// the consent remembered for this run only (see [`typist_for_with`] to keep it across runs).
/// Windows: `SendInput`. macOS: `CGEvent` (typing answers [`TypeError::AccessibilityNeeded`]
/// until the person allows it).
pub fn typist_for_session() -> Result<Box<dyn Typist>, TypeError> {
    typist_for(Session::current())
}

/// The typist for a given kind of session (what [`typist_for_session`] does after classifying),
/// keeping a Wayland desktop's consent in memory ([`MemoryTokenStore`]).
pub fn typist_for(session: Session) -> Result<Box<dyn Typist>, TypeError> {
    typist_for_with(session, Arc::new(MemoryTokenStore::default()))
}

/// Like [`typist_for`], keeping a Wayland desktop's consent in `tokens` (a [`FileTokenStore`] in
/// the app's data folder asks the person once, not once per run). Other sessions ignore it.
///
/// On Wayland, this asks the portal on the session bus whether it can type (blocking: from async
/// code, call it through `spawn_blocking`). On Windows and macOS the session's kind does not
/// matter (there is one way to type there).
pub fn typist_for_with(
    session: Session,
    tokens: Arc<dyn RestoreTokenStore>,
) -> Result<Box<dyn Typist>, TypeError> {
    #[cfg(windows)]
    {
        let _ = (session, tokens);
        Ok(Box::new(WindowsTypist::new()))
    }
    #[cfg(target_os = "macos")]
    {
        let _ = (session, tokens);
        Ok(Box::new(MacTypist::new()))
    }
    #[cfg(not(any(windows, target_os = "macos")))]
    match session {
        #[cfg(all(unix, not(target_os = "macos")))]
        Session::X11 => Ok(Box::new(X11Typist::connect(None)?)),
        #[cfg(not(unix))]
        Session::X11 => Err(TypeError::Unavailable {
            reason: "typing into X11 windows is not supported on this system".into(),
        }),
        #[cfg(all(unix, not(target_os = "macos")))]
        Session::Wayland => Ok(Box::new(PortalTypist::connect(None, tokens)?)),
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        Session::Wayland => {
            drop(tokens);
            Err(TypeError::Unavailable {
                reason: "typing into Wayland windows is not supported on this system".into(),
            })
        }
        Session::None => Err(TypeError::NoDisplay),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_told_apart_by_their_variables() {
        assert_eq!(Session::from_vars(Some(":0"), None), Session::X11);
        assert_eq!(Session::from_vars(Some(":0"), Some("")), Session::X11);
        // XWayland sets DISPLAY too; the session is still Wayland.
        assert_eq!(
            Session::from_vars(Some(":0"), Some("wayland-0")),
            Session::Wayland
        );
        assert_eq!(
            Session::from_vars(None, Some("wayland-0")),
            Session::Wayland
        );
        assert_eq!(Session::from_vars(Some(""), None), Session::None);
        assert_eq!(Session::from_vars(None, None), Session::None);
    }

    #[cfg(any(windows, target_os = "macos"))]
    #[test]
    fn windows_and_macos_have_one_typist_whatever_the_variables_say() {
        for session in [Session::X11, Session::Wayland, Session::None] {
            assert!(typist_for(session).is_ok(), "{session:?}");
        }
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn no_session_means_no_display() {
        assert_eq!(typist_for(Session::None).err(), Some(TypeError::NoDisplay));
    }

    #[test]
    fn typists_can_be_shared_between_threads() {
        fn shared<T: Send + Sync + ?Sized>() {}
        shared::<dyn Typist>();
        #[cfg(all(unix, not(target_os = "macos")))]
        shared::<X11Typist>();
        #[cfg(all(unix, not(target_os = "macos")))]
        shared::<PortalTypist>();
        #[cfg(windows)]
        shared::<WindowsTypist>();
        #[cfg(target_os = "macos")]
        shared::<MacTypist>();
    }
}
