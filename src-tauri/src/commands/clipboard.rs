//! Copying a code: computed here, written to the clipboard here, cleared later.

use std::time::Duration;

use countersign_otp::Kind;
use tauri::{AppHandle, State};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::code_time;
use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// The code of account `id` to hand out now (copied or typed), marking the account used. For
/// HOTP: the code last generated, generating (and saving the counter) first if there is none.
/// For time-based codes with less than `fresh_for` left: the next one, after waiting for it.
pub(crate) fn code_for_use(
    state: &AppState,
    id: Uuid,
    fresh_for: Duration,
) -> CommandResult<Zeroizing<String>> {
    state.touch();
    // Read before the vault's lock, so the settings' lock is never taken inside it.
    let now = code_time(state);
    state.with_vault(|vault| {
        let entry = vault
            .entry(id)
            .ok_or_else(|| CommandError::new("not_found", "That account no longer exists."))?;
        let code = if matches!(entry.account.kind, Kind::Hotp { .. }) {
            let shown = state
                .hotp_codes
                .lock()
                .expect("hotp lock")
                .get(&id)
                .cloned();
            match shown {
                Some(code) => code,
                None => {
                    let code = Zeroizing::new(vault.next_hotp_code(id)?.text);
                    state
                        .hotp_codes
                        .lock()
                        .expect("hotp lock")
                        .insert(id, code.clone());
                    code
                }
            }
        } else {
            let mut code = entry.account.code_at(now)?;
            if let Some(until) = code.valid_until
                && until.saturating_sub(now) < fresh_for.as_secs()
            {
                // Seconds are whole: sleep into the next step, then compute it.
                std::thread::sleep(Duration::from_secs(until.saturating_sub(now)));
                code = entry.account.code_at(until)?;
            }
            Zeroizing::new(code.text)
        };
        vault.mark_used(id)?;
        Ok(code)
    })
}

/// Copies `code` to the clipboard, cleared after the person's timeout.
pub(crate) fn copy_for_use(state: &AppState, code: &str) -> CommandResult<()> {
    let seconds = state
        .settings
        .lock()
        .expect("settings lock")
        .clipboard_clear_seconds;
    let clear_after = (seconds > 0).then(|| Duration::from_secs(seconds.into()));
    state.clipboard.copy_sensitive(code, clear_after)
}

/// Copies the code of account `id` and schedules its clearing (see [`code_for_use`]).
#[tauri::command]
pub fn copy_code(app: AppHandle, state: State<'_, AppState>, id: Uuid) -> CommandResult<()> {
    let code = code_for_use(&state, id, Duration::ZERO)?;
    copy_for_use(&state, &code)?;
    let hide_after_copy = state
        .settings
        .lock()
        .expect("settings lock")
        .hide_after_copy;
    if hide_after_copy {
        crate::desktop::hide_main_window(&app);
    }
    Ok(())
}

/// Copies a lasting secret (a recovery key, a revealed secret, a backup code), marked
/// sensitive and cleared after the same timeout as codes, or after a minute when codes are set
/// to stay: unlike a code, it does not expire by itself.
pub(crate) fn copy_lasting_secret(state: &AppState, text: &str) -> CommandResult<()> {
    let seconds = state
        .settings
        .lock()
        .expect("settings lock")
        .clipboard_clear_seconds;
    let clear_after = Duration::from_secs(if seconds == 0 { 60 } else { seconds.into() });
    state.clipboard.copy_sensitive(text, Some(clear_after))
}

/// Copies text the window already shows (a recovery key or revealed secret), marked sensitive
/// and cleared after the same timeout as codes.
#[tauri::command]
pub fn copy_text(state: State<'_, AppState>, text: Zeroizing<String>) -> CommandResult<()> {
    state.touch();
    copy_lasting_secret(&state, &text)
}
