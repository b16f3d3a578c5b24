//! Locking, by every path: the lock button, the tray, the idle timer, the desktop session (its
//! lock, a switch to another session, a screensaver, sleep). Each goes through [`lock`],
//! which wipes the vault's secrets, makes every other part of the app (imports, scans, the
//! camera, security-key PINs, waiting links, the quick search) drop what it held, and tells
//! the windows with one event, so they drop theirs.

use std::time::{Duration, SystemTime};

use countersign_desktop::SessionEvent;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};
use ts_rs::TS;

use crate::keys::KeysState;
use crate::links::Links;
use crate::scan::ScanState;
use crate::scan_camera::Camera;
use crate::settings::Settings;
use crate::state::{AppState, relock};
use crate::transfer::TransferState;

/// The event the windows receive when the vault locked: a [`LockReason`].
pub const LOCKED_EVENT: &str = "vault-locked";

/// How often the idle time is checked.
const CHECK_EVERY: Duration = Duration::from_secs(5);

/// What locked the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LockReason {
    /// The lock button or shortcut in the window.
    Button,
    /// The tray menu's Lock.
    Tray,
    /// No activity for the chosen time.
    Idle,
    /// The desktop session locked, started its screensaver or was switched away from.
    Session,
    /// The machine is going to sleep (suspend or hibernation).
    Suspend,
    /// The vault file on disk is under another key: its password was changed on another
    /// computer, and only unlocking again (with the new one) reads it.
    Rekeyed,
    /// Another vault was opened in its place (Settings or onboarding).
    Switched,
}

/// Locks the vault, forgets everything decrypted that the app holds beside it, then tells the
/// windows (which drop their own state on the event). Every lock path comes here.
///
/// Forgotten at once, before the event: opened import files and export QR codes, scanned
/// accounts not yet added, links waiting for their card, security-key PINs, the camera (its
/// release is waited for on a thread of its own: this may run on the event loop), and the
/// quick search, shown or kept ready, with its web process. The data folder is no longer
/// watched. `AppState::lock` drops the vault, the undo buffer, HOTP codes, and our code on the
/// clipboard.
pub fn lock(app: &AppHandle, reason: LockReason) {
    crate::sync::unwatch(app);
    app.state::<AppState>().lock();
    app.state::<TransferState>().forget();
    app.state::<ScanState>().forget_all();
    app.state::<Links>().forget();
    app.state::<KeysState>().forget_pins();
    let handle = app.clone();
    std::thread::spawn(move || handle.state::<Camera>().stop());
    crate::quick::discard(app);
    let _ = app.emit(LOCKED_EVENT, reason);
}

/// Starts the idle check. It reads the wall clock, so a laptop asleep for the night counts
/// as idle for the night.
pub fn start(app: AppHandle) {
    std::thread::Builder::new()
        .name("auto-lock".into())
        .spawn(move || {
            loop {
                std::thread::sleep(CHECK_EVERY);
                // A panic in one check (the mutexes it takes survive poisoning, but whatever
                // else) must not end auto-locking for the rest of the session.
                let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    if app.state::<AppState>().idle_due(SystemTime::now()) {
                        lock(&app, LockReason::Idle);
                    }
                }));
                if checked.is_err() {
                    eprintln!("countersign: the idle check panicked; checking again in 5 s");
                }
            }
        })
        .expect("the auto-lock thread starts");
}

/// Why `event` locks the vault under `settings`, or `None` when the person turned that off.
pub fn session_lock_reason(settings: &Settings, event: SessionEvent) -> Option<LockReason> {
    if event.is_sleep() {
        settings.lock_on_suspend.then_some(LockReason::Suspend)
    } else {
        settings.lock_on_session_lock.then_some(LockReason::Session)
    }
}

/// Starts following the desktop session (`countersign_desktop::watch_session`), locking on its
/// events as the settings allow. Where the session cannot be followed, or only in part, one line
/// on stderr says what is missing, and the app runs on.
pub fn follow_session(app: AppHandle) {
    // A thread of its own: subscribing asks logind a question, which must not hold up launch.
    std::thread::Builder::new()
        .name("session-lock".into())
        .spawn(move || {
            let events = match countersign_desktop::watch_session() {
                Ok(events) => events,
                Err(error) => {
                    eprintln!("countersign: the vault will not lock with the session: {error}");
                    return;
                }
            };
            if !events.unwatched().is_empty() {
                let missing: Vec<String> = events
                    .unwatched()
                    .iter()
                    .map(|(source, reason)| format!("{source} ({reason})"))
                    .collect();
                eprintln!("countersign: not following {}", missing.join("; "));
            }
            for event in events {
                let state = app.state::<AppState>();
                let reason = session_lock_reason(&relock(&state.settings), event);
                // Nothing to lock while locked (or before onboarding): no second "locked" event.
                let unlocked = relock(&state.vault).is_some();
                if let Some(reason) = reason
                    && unlocked
                {
                    lock(&app, reason);
                }
            }
        })
        .expect("the session-lock thread starts");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_events_lock_as_the_settings_say() {
        let on = Settings::default();
        assert_eq!(
            session_lock_reason(&on, SessionEvent::Locked),
            Some(LockReason::Session)
        );
        assert_eq!(
            session_lock_reason(&on, SessionEvent::SwitchedAway),
            Some(LockReason::Session)
        );
        assert_eq!(
            session_lock_reason(&on, SessionEvent::ScreenSaverActive),
            Some(LockReason::Session)
        );
        assert_eq!(
            session_lock_reason(&on, SessionEvent::Suspending),
            Some(LockReason::Suspend)
        );
        let no_session = Settings {
            lock_on_session_lock: false,
            ..Settings::default()
        };
        assert_eq!(session_lock_reason(&no_session, SessionEvent::Locked), None);
        assert_eq!(
            session_lock_reason(&no_session, SessionEvent::ScreenSaverActive),
            None
        );
        assert_eq!(
            session_lock_reason(&no_session, SessionEvent::Suspending),
            Some(LockReason::Suspend)
        );
        let no_sleep = Settings {
            lock_on_suspend: false,
            ..Settings::default()
        };
        assert_eq!(
            session_lock_reason(&no_sleep, SessionEvent::Suspending),
            None
        );
        assert_eq!(
            session_lock_reason(&no_sleep, SessionEvent::SwitchedAway),
            Some(LockReason::Session)
        );
    }

    #[test]
    fn reasons_reach_the_window_in_snake_case() {
        assert_eq!(
            serde_json::to_value(LockReason::Session).unwrap(),
            serde_json::json!("session")
        );
        assert_eq!(
            serde_json::to_value(LockReason::Suspend).unwrap(),
            serde_json::json!("suspend")
        );
    }
}
