//! Locking, by every path: the lock button, the tray, the idle timer, the desktop session (its
//! lock, a switch to another session, a screensaver, sleep). Each goes through [`lock`],
//! which wipes the vault's secrets and tells the rest of the app (imports, scans, the camera,
//! security-key PINs) and the window with one event, so every part drops what it held.

use std::time::{Duration, SystemTime};

use countersign_desktop::SessionEvent;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};

use crate::settings::Settings;
use crate::state::{AppState, relock};

/// The event the app's states and the window receive when the vault locked: a [`LockReason`].
pub const LOCKED_EVENT: &str = "vault-locked";

/// How often the idle time is checked.
const CHECK_EVERY: Duration = Duration::from_secs(5);

/// What locked the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
}

/// Locks the vault and tells every part of the app and the window.
pub fn lock(app: &AppHandle, reason: LockReason) {
    app.state::<AppState>().lock();
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
