//! The clock check: whether the OS keeps its clock synchronised, the offset an SNTP server
//! measures (only when the person allows it), and the app-wide correction for it.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use countersign_clock::{SyncStatus, local_sync_status, measure_offset};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use ts_rs::TS;

use super::blocking;
use crate::error::{CommandError, CommandResult};
use crate::settings::Settings;
use crate::state::AppState;

/// A measurement is reused this long: the window asks often, the server need not hear it.
const REMEASURE_AFTER: Duration = Duration::from_secs(5 * 60);
/// How long to wait for the server's reply.
const TIMEOUT: Duration = Duration::from_secs(3);
/// Offsets up to this are harmless (a TOTP step is 30 s and sites accept a step either way);
/// a measurement within it means the clock is right, and any correction is dropped.
pub const TOLERANCE_SECONDS: i64 = 10;

/// Whether the OS says its clock is synchronised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Synchronised {
    /// It does.
    Yes,
    /// It says it is not.
    No,
    /// It could not be asked (or is not asked on this OS yet).
    Unknown,
}

/// The clock check's result, for the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClockStatus {
    /// The OS's word on synchronisation.
    synchronised: Synchronised,
    /// Server time minus ours, rounded to seconds (positive: our clock is slow); `None` when
    /// the check is off or failed.
    measured_offset_seconds: Option<i64>,
    /// Why the last measurement failed, in words.
    error: Option<String>,
    /// The correction now applied to codes: the window's settings may hold an older one,
    /// since a measurement within the tolerance resets it.
    correction_seconds: i64,
}

/// The last measurement, kept between the window's questions.
#[derive(Default)]
pub struct ClockState {
    last: Mutex<Option<Measured>>,
}

struct Measured {
    server: String,
    at: Instant,
    result: Result<i64, String>,
}

/// The clock's state: the OS's word, and (when allowed) the offset measured against the time
/// server at most every few minutes. A measurement within the tolerance resets the correction:
/// the clock has been fixed.
#[tauri::command]
pub async fn clock_status(app: AppHandle) -> CommandResult<ClockStatus> {
    blocking(app, |app| {
        let state = app.state::<AppState>();
        let (check, server) = {
            let settings = state.settings.lock().expect("settings lock");
            (settings.clock_check, settings.ntp_server.trim().to_owned())
        };
        let synchronised = match local_sync_status() {
            SyncStatus::Yes => Synchronised::Yes,
            SyncStatus::No => Synchronised::No,
            SyncStatus::Unknown => Synchronised::Unknown,
        };
        let mut status = ClockStatus {
            synchronised,
            measured_offset_seconds: None,
            error: None,
            correction_seconds: 0,
        };
        if check {
            measure(app, &state, server, &mut status)?;
        }
        status.correction_seconds = state
            .settings
            .lock()
            .expect("settings lock")
            .clock_offset_seconds;
        Ok(status)
    })
    .await
}

/// Fills in the server's offset, measured afresh or (within a few minutes, for the same
/// server) remembered.
fn measure(
    app: &AppHandle,
    state: &AppState,
    server: String,
    status: &mut ClockStatus,
) -> CommandResult<()> {
    // Held while measuring: a second question waits for this answer instead of asking too.
    let clock = app.state::<ClockState>();
    let mut last = clock.last.lock().expect("clock lock");
    let fresh = last
        .as_ref()
        .is_some_and(|m| m.server == server && m.at.elapsed() < REMEASURE_AFTER);
    if !fresh {
        let result = measure_offset(&server, TIMEOUT)
            .map(|offset| offset.seconds())
            .map_err(|e| e.to_string());
        if let Ok(seconds) = result
            && seconds.abs() <= TOLERANCE_SECONDS
        {
            reset_correction(state)?;
        }
        *last = Some(Measured {
            server,
            at: Instant::now(),
            result,
        });
    }
    match &last.as_ref().expect("measured above").result {
        Ok(seconds) => status.measured_offset_seconds = Some(*seconds),
        Err(error) => status.error = Some(error.clone()),
    }
    Ok(())
}

/// Sets the app-wide correction added to the clock for every code (0 to reset); returns the
/// settings with it.
#[tauri::command]
pub fn set_clock_correction(state: State<'_, AppState>, seconds: i64) -> CommandResult<Settings> {
    change_correction(&state, seconds)
}

fn reset_correction(state: &AppState) -> CommandResult<()> {
    let corrected = state
        .settings
        .lock()
        .expect("settings lock")
        .clock_offset_seconds
        != 0;
    if corrected {
        change_correction(state, 0)?;
    }
    Ok(())
}

fn change_correction(state: &AppState, seconds: i64) -> CommandResult<Settings> {
    let mut settings = state.settings.lock().expect("settings lock");
    let changed = Settings {
        clock_offset_seconds: seconds,
        ..settings.clone()
    };
    changed.save(&state.data_dir).map_err(CommandError::from)?;
    *settings = changed.clone();
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_correction_moves_the_codes_clock_is_saved_and_resets() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(dir.path().to_owned());
        let before = crate::unix_now();
        change_correction(&state, 47).unwrap();
        let at = crate::code_time(&state);
        assert!((before + 47..=crate::unix_now() + 47).contains(&at), "{at}");
        assert_eq!(Settings::load(dir.path()).clock_offset_seconds, 47);

        // Out of range: refused, nothing changes.
        assert!(change_correction(&state, 100_000).is_err());
        assert_eq!(state.settings.lock().unwrap().clock_offset_seconds, 47);

        // A clock found right again drops the correction.
        reset_correction(&state).unwrap();
        assert_eq!(Settings::load(dir.path()).clock_offset_seconds, 0);
        assert!(crate::code_time(&state) <= crate::unix_now());
    }
}
