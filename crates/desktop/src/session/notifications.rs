//! Which Windows messages and macOS notifications lock the vault.
//!
//! Pure, with the systems' constants written out at their documented values, so the mapping is
//! tested on every system; the Windows and macOS watchers check these values against their
//! SDK bindings when they are built.

use super::SessionEvent;

/// Windows: `WM_WTSSESSION_CHANGE` and `WM_POWERBROADCAST` messages.
#[cfg(any(test, windows))]
pub(crate) mod windows {
    use super::SessionEvent;

    /// `WM_WTSSESSION_CHANGE`: the session changed state; `wParam` says how.
    pub(crate) const WM_WTSSESSION_CHANGE: u32 = 0x02b1;
    /// `WM_POWERBROADCAST`: a power event; `wParam` says which.
    pub(crate) const WM_POWERBROADCAST: u32 = 0x0218;
    /// `WTS_CONSOLE_DISCONNECT`: the session left the console (another user was switched to).
    pub(crate) const WTS_CONSOLE_DISCONNECT: usize = 0x2;
    /// `WTS_REMOTE_DISCONNECT`: the Remote Desktop connection to the session was closed.
    pub(crate) const WTS_REMOTE_DISCONNECT: usize = 0x4;
    /// `WTS_SESSION_LOCK`: the session was locked (Win+L, or the screen saver's lock).
    pub(crate) const WTS_SESSION_LOCK: usize = 0x7;
    /// `PBT_APMSUSPEND`: the system is about to suspend or hibernate.
    pub(crate) const PBT_APMSUSPEND: usize = 0x4;

    /// The event a window message with its `wParam` stands for, if it calls for a lock.
    pub(crate) fn event(message: u32, wparam: usize) -> Option<SessionEvent> {
        match (message, wparam) {
            (WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK) => Some(SessionEvent::Locked),
            (WM_WTSSESSION_CHANGE, WTS_CONSOLE_DISCONNECT | WTS_REMOTE_DISCONNECT) => {
                Some(SessionEvent::SwitchedAway)
            }
            (WM_POWERBROADCAST, PBT_APMSUSPEND) => Some(SessionEvent::Suspending),
            _ => None,
        }
    }
}

/// macOS: NSWorkspace and distributed notifications, by name.
#[cfg(any(test, target_os = "macos"))]
pub(crate) mod macos {
    use super::SessionEvent;

    /// The displays went to sleep (energy settings, a hot corner); the lock screen follows when
    /// "Require password after screen saver begins or display is turned off" is on.
    pub(crate) const SCREENS_DID_SLEEP: &str = "NSWorkspaceScreensDidSleepNotification";
    /// Fast user switching: another user's session took the screen.
    pub(crate) const SESSION_DID_RESIGN_ACTIVE: &str =
        "NSWorkspaceSessionDidResignActiveNotification";
    /// The machine is about to sleep.
    pub(crate) const WILL_SLEEP: &str = "NSWorkspaceWillSleepNotification";
    /// The screen locked (Ctrl+Cmd+Q, the lock screen): a distributed notification.
    pub(crate) const SCREEN_IS_LOCKED: &str = "com.apple.screenIsLocked";

    /// The event a notification stands for, by its name, if it calls for a lock.
    pub(crate) fn event(name: &str) -> Option<SessionEvent> {
        match name {
            SCREENS_DID_SLEEP => Some(SessionEvent::ScreenSaverActive),
            SESSION_DID_RESIGN_ACTIVE => Some(SessionEvent::SwitchedAway),
            WILL_SLEEP => Some(SessionEvent::Suspending),
            SCREEN_IS_LOCKED => Some(SessionEvent::Locked),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_messages_lock_on_lock_disconnect_and_suspend_only() {
        use windows::event;
        // WM_WTSSESSION_CHANGE = 0x2B1 with its WTS_* codes 1 to 11.
        let session: Vec<_> = (1..=11).map(|code| event(0x02b1, code)).collect();
        assert_eq!(
            session,
            [
                None,                             // WTS_CONSOLE_CONNECT
                Some(SessionEvent::SwitchedAway), // WTS_CONSOLE_DISCONNECT
                None,                             // WTS_REMOTE_CONNECT
                Some(SessionEvent::SwitchedAway), // WTS_REMOTE_DISCONNECT
                None,                             // WTS_SESSION_LOGON
                None,                             // WTS_SESSION_LOGOFF
                Some(SessionEvent::Locked),       // WTS_SESSION_LOCK
                None,                             // WTS_SESSION_UNLOCK
                None,                             // WTS_SESSION_REMOTE_CONTROL
                None,                             // WTS_SESSION_CREATE
                None,                             // WTS_SESSION_TERMINATE
            ]
        );
        // WM_POWERBROADCAST = 0x218: PBT_APMSUSPEND (4) only; not resume (7, 0x12) or power
        // status changes (0xA).
        assert_eq!(event(0x0218, 4), Some(SessionEvent::Suspending));
        for other in [0x7, 0xa, 0x12, 0x8013] {
            assert_eq!(event(0x0218, other), None);
        }
        // The same codes in other messages mean nothing (WM_ACTIVATEAPP = 0x1C, WM_TIMER = 0x113).
        assert_eq!(event(0x001c, 7), None);
        assert_eq!(event(0x0113, 4), None);
    }

    #[test]
    fn macos_notifications_map_by_name() {
        use macos::event;
        assert_eq!(
            event("NSWorkspaceScreensDidSleepNotification"),
            Some(SessionEvent::ScreenSaverActive)
        );
        assert_eq!(
            event("NSWorkspaceSessionDidResignActiveNotification"),
            Some(SessionEvent::SwitchedAway)
        );
        assert_eq!(
            event("NSWorkspaceWillSleepNotification"),
            Some(SessionEvent::Suspending)
        );
        assert_eq!(
            event("com.apple.screenIsLocked"),
            Some(SessionEvent::Locked)
        );
        for ignored in [
            "com.apple.screenIsUnlocked",
            "NSWorkspaceScreensDidWakeNotification",
            "NSWorkspaceSessionDidBecomeActiveNotification",
            "NSWorkspaceDidWakeNotification",
            "nsworkspacewillsleepnotification",
            "",
        ] {
            assert_eq!(event(ignored), None, "{ignored}");
        }
    }
}
