//! Locks the vault after the idle time the person chose, and tells the window.

use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager};

use crate::state::AppState;

/// The event the window receives when the vault locked by itself.
pub const LOCKED_EVENT: &str = "vault-locked";

/// How often the idle time is checked.
const CHECK_EVERY: Duration = Duration::from_secs(5);

/// Starts the background check.
pub fn start(app: AppHandle) {
    std::thread::Builder::new()
        .name("auto-lock".into())
        .spawn(move || {
            loop {
                std::thread::sleep(CHECK_EVERY);
                let state = app.state::<AppState>();
                let minutes = state
                    .settings
                    .lock()
                    .expect("settings lock")
                    .auto_lock_minutes;
                if minutes == 0 || state.vault.lock().expect("vault lock").is_none() {
                    continue;
                }
                let idle = state.last_activity.lock().expect("activity lock").elapsed();
                if idle >= Duration::from_secs(u64::from(minutes) * 60) {
                    state.lock();
                    let _ = app.emit(LOCKED_EVENT, "idle");
                }
            }
        })
        .expect("the auto-lock thread starts");
}
