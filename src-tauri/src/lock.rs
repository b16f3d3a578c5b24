//! Locking, by every path: the lock button, the tray, the idle timer. Each goes through [`lock`],
//! which wipes the vault's secrets and tells the rest of the app (imports, scans, the camera,
//! security-key PINs) and the window with one event, so every part drops what it held.

use std::time::{Duration, SystemTime};

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};

use crate::state::AppState;

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
                if app.state::<AppState>().idle_due(SystemTime::now()) {
                    lock(&app, LockReason::Idle);
                }
            }
        })
        .expect("the auto-lock thread starts");
}
