//! Following the desktop session: when the screen locks, the session is switched away from or the
//! machine goes to sleep, the app hears of it and locks its vault too.
//!
//! [`watch_session`] subscribes to what the running system offers and returns the events as they
//! come ([`SessionEvents`]). On Linux (and the BSDs) that is D-Bus: logind on the system bus
//! (the session's `Lock` signal and its `LockedHint` and `Active` properties, the manager's
//! `PrepareForSleep`) and the screensavers on the session bus (`org.freedesktop.ScreenSaver` and
//! `org.gnome.ScreenSaver` `ActiveChanged`). A missing bus or service is normal (containers have
//! no logind; a bare X session no screensaver): what exists is watched, the rest is reported in
//! [`SessionEvents::unwatched`], and nothing fails.
//!
//! On Windows, a thread of its own with a message-only window registered for this session's WTS
//! notifications (`WM_WTSSESSION_CHANGE`: lock, console and remote disconnects) and for suspend
//! (`WM_POWERBROADCAST` with `PBT_APMSUSPEND`, through `RegisterSuspendResumeNotification`:
//! message-only windows get no broadcasts). On macOS, observers on NSWorkspace's notification
//! center (screens asleep, fast user switching, system sleep) and on the distributed center
//! (`com.apple.screenIsLocked`); macOS delivers these on the main thread's run loop, which the
//! app's event loop runs. docs/session-lock.md says how to check each platform by hand.

use std::sync::mpsc;
use std::time::Duration;

#[cfg(all(unix, not(target_os = "macos")))]
mod dbus;
#[cfg(target_os = "macos")]
mod macos;
#[cfg(any(test, windows, target_os = "macos"))]
mod notifications;
#[cfg(windows)]
mod windows;

/// Something that happened to the desktop session, after which the vault should lock.
///
/// Only the moments that call for a lock are events: a screensaver stopping, a wake-up or an
/// unlock of the session are not reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionEvent {
    /// The session was asked to lock (logind's `Lock`, as `loginctl lock-session` sends), or
    /// its screen locker says it is locked (logind's `LockedHint` became true). Windows:
    /// `WTS_SESSION_LOCK`; macOS: `com.apple.screenIsLocked`.
    Locked,
    /// The session stopped being the one in front of the person: another user's session or a
    /// text console was switched to (logind's `Active` became false). Windows:
    /// `WTS_CONSOLE_DISCONNECT` or `WTS_REMOTE_DISCONNECT`; macOS:
    /// `NSWorkspaceSessionDidResignActiveNotification`.
    SwitchedAway,
    /// A screensaver started (`ActiveChanged(true)` from org.freedesktop.ScreenSaver or
    /// org.gnome.ScreenSaver); desktops lock the screen with it, or soon after. macOS: the
    /// displays went to sleep (`NSWorkspaceScreensDidSleepNotification`).
    ScreenSaverActive,
    /// The machine is about to suspend or hibernate (logind's `PrepareForSleep(true)`; Windows:
    /// `PBT_APMSUSPEND`; macOS: `NSWorkspaceWillSleepNotification`).
    Suspending,
}

impl SessionEvent {
    /// A stable, machine-readable name of the event (snake_case), for logs and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            SessionEvent::Locked => "locked",
            SessionEvent::SwitchedAway => "switched_away",
            SessionEvent::ScreenSaverActive => "screen_saver_active",
            SessionEvent::Suspending => "suspending",
        }
    }

    /// Whether the event is the machine going to sleep (rather than the session locking or
    /// being left), which people may want to treat differently.
    pub fn is_sleep(&self) -> bool {
        matches!(self, SessionEvent::Suspending)
    }
}

/// One thing [`watch_session`] listens to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// This process's logind session: `Lock`, `LockedHint` and `Active`.
    LogindSession,
    /// logind's manager: `PrepareForSleep`.
    LogindSleep,
    /// `org.freedesktop.ScreenSaver` (KDE, Xfce, Cinnamon, MATE ...).
    FreedesktopScreenSaver,
    /// `org.gnome.ScreenSaver` (GNOME Shell).
    GnomeScreenSaver,
    /// Windows: this session's WTS notifications (`WM_WTSSESSION_CHANGE`).
    WtsSession,
    /// Windows: suspend notifications (`WM_POWERBROADCAST`).
    PowerBroadcast,
    /// macOS: NSWorkspace's notifications (screens asleep, user switching, system sleep).
    Workspace,
    /// macOS: the distributed notification `com.apple.screenIsLocked`.
    ScreenIsLocked,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Source::LogindSession => "logind session",
            Source::LogindSleep => "logind sleep",
            Source::FreedesktopScreenSaver => "org.freedesktop.ScreenSaver",
            Source::GnomeScreenSaver => "org.gnome.ScreenSaver",
            Source::WtsSession => "WTS session notifications",
            Source::PowerBroadcast => "power broadcasts",
            Source::Workspace => "NSWorkspace notifications",
            Source::ScreenIsLocked => "com.apple.screenIsLocked",
        })
    }
}

/// Why the session cannot be followed at all.
///
/// A partly watched session is no error: see [`SessionEvents::unwatched`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WatchError {
    /// This system has no implementation (neither Linux nor a BSD, Windows or macOS).
    #[error("following the session (screen lock, suspend) is not supported on this system yet")]
    Unsupported,
    /// Nothing could be subscribed to on Windows or macOS (the reason names each failure).
    #[error("cannot follow the session: {reason}")]
    Failed {
        /// What the system answered, for a log.
        reason: String,
    },
    /// Neither the system bus nor the session bus could be reached.
    #[error(
        "cannot follow the session: no D-Bus bus could be reached (system bus: {system}; session bus: {session})"
    )]
    NoBus {
        /// Why the system bus could not be reached.
        system: String,
        /// Why the session bus could not be reached.
        session: String,
    },
}

impl WatchError {
    /// A stable, machine-readable name of the variant (snake_case), for logs and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            WatchError::Unsupported => "unsupported",
            WatchError::NoBus { .. } => "no_bus",
            WatchError::Failed { .. } => "failed",
        }
    }
}

/// The events of a watched session, in the order they happened, with what is watched.
///
/// Blocking: read it on a thread of its own. Events keep coming for as long as this value lives
/// and the buses are up; after that, [`SessionEvents::recv`] answers `None`.
#[derive(Debug)]
pub struct SessionEvents {
    receiver: mpsc::Receiver<SessionEvent>,
    watched: Vec<Source>,
    unwatched: Vec<(Source, String)>,
}

impl SessionEvents {
    /// What is being listened to.
    pub fn watched(&self) -> &[Source] {
        &self.watched
    }

    /// What could not be listened to, and why (a missing bus or service, in words for a log).
    pub fn unwatched(&self) -> &[(Source, String)] {
        &self.unwatched
    }

    /// Waits for the next event; `None` once no event can come any more (the buses are gone).
    pub fn recv(&self) -> Option<SessionEvent> {
        self.receiver.recv().ok()
    }

    /// Waits up to `timeout` for the next event.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<SessionEvent, mpsc::RecvTimeoutError> {
        self.receiver.recv_timeout(timeout)
    }
}

impl Iterator for SessionEvents {
    type Item = SessionEvent;

    fn next(&mut self) -> Option<SessionEvent> {
        self.recv()
    }
}

/// Starts following this process's session: on Linux the system and session buses (from
/// `DBUS_SYSTEM_BUS_ADDRESS` and `DBUS_SESSION_BUS_ADDRESS` when set), on Windows WTS and power
/// notifications, on macOS NSWorkspace and distributed notifications.
///
/// Returns once every subscription is in place, so nothing that happens afterwards is missed.
/// It may wait on the buses (logind is asked which session this is): call it off the UI thread.
pub fn watch_session() -> Result<SessionEvents, WatchError> {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        dbus::watch(dbus::Bus::Default, dbus::Bus::Default)
    }
    #[cfg(windows)]
    {
        windows::watch()
    }
    #[cfg(target_os = "macos")]
    {
        macos::watch()
    }
    // Say so rather than pretend to watch.
    #[cfg(not(any(unix, windows)))]
    {
        Err(WatchError::Unsupported)
    }
}

/// Like [`watch_session`], on given D-Bus buses: `system` for logind and `session` for the
/// screensavers, each a D-Bus address (`unix:path=...`), or `None` to leave that bus out.
///
/// For tests, and for callers that already know where the buses are.
#[cfg(all(unix, not(target_os = "macos")))]
pub fn watch_session_on(
    system: Option<&str>,
    session: Option<&str>,
) -> Result<SessionEvents, WatchError> {
    let bus = |address: Option<&str>| match address {
        Some(address) => dbus::Bus::Address(address.to_owned()),
        None => dbus::Bus::None,
    };
    dbus::watch(bus(system), bus(session))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_distinct_and_stable() {
        let events = [
            SessionEvent::Locked,
            SessionEvent::SwitchedAway,
            SessionEvent::ScreenSaverActive,
            SessionEvent::Suspending,
        ];
        let kinds: Vec<_> = events.iter().map(SessionEvent::kind).collect();
        assert_eq!(
            kinds,
            [
                "locked",
                "switched_away",
                "screen_saver_active",
                "suspending"
            ]
        );
        let sleeping: Vec<_> = events.iter().map(SessionEvent::is_sleep).collect();
        assert_eq!(sleeping, [false, false, false, true]);
        assert_eq!(WatchError::Unsupported.kind(), "unsupported");
        let no_bus = WatchError::NoBus {
            system: "refused".into(),
            session: "unset".into(),
        };
        assert_eq!(no_bus.kind(), "no_bus");
        let failed = WatchError::Failed {
            reason: "no window".into(),
        };
        assert_eq!(failed.kind(), "failed");
        assert_eq!(failed.to_string(), "cannot follow the session: no window");
        assert!(
            no_bus.to_string().contains("system bus: refused"),
            "{no_bus}"
        );
    }

    #[test]
    fn sources_are_named_for_a_log() {
        let names: Vec<String> = [
            Source::LogindSession,
            Source::LogindSleep,
            Source::FreedesktopScreenSaver,
            Source::GnomeScreenSaver,
            Source::WtsSession,
            Source::PowerBroadcast,
            Source::Workspace,
            Source::ScreenIsLocked,
        ]
        .iter()
        .map(Source::to_string)
        .collect();
        assert_eq!(
            names,
            [
                "logind session",
                "logind sleep",
                "org.freedesktop.ScreenSaver",
                "org.gnome.ScreenSaver",
                "WTS session notifications",
                "power broadcasts",
                "NSWorkspace notifications",
                "com.apple.screenIsLocked"
            ]
        );
    }

    #[cfg(not(any(unix, windows)))]
    #[test]
    fn other_systems_say_they_are_unsupported() {
        assert_eq!(watch_session().err(), Some(WatchError::Unsupported));
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn no_bus_at_all_is_an_error_that_says_so() {
        let error = watch_session_on(None, None).expect_err("nothing to watch");
        assert_eq!(error.kind(), "no_bus");
    }
}
