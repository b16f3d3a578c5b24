//! Copying a code: computed here, written to the clipboard here, cleared later.

use std::time::Duration;

use countersign_otp::Kind;
use tauri::{AppHandle, State};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::error::{CommandError, CommandResult};
use crate::state::AppState;
use crate::unix_now;

/// Copies the code of account `id` and schedules its clearing. For HOTP it copies the code last
/// generated, generating (and saving the counter) first if there is none yet.
#[tauri::command]
pub fn copy_code(app: AppHandle, state: State<'_, AppState>, id: Uuid) -> CommandResult<()> {
    state.touch();
    let code = state.with_vault(|vault| {
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
            Zeroizing::new(entry.account.code_at(unix_now())?.text)
        };
        vault.mark_used(id)?;
        Ok(code)
    })?;
    let settings = state.settings.lock().expect("settings lock").clone();
    let clear_after = (settings.clipboard_clear_seconds > 0)
        .then(|| Duration::from_secs(settings.clipboard_clear_seconds.into()));
    state.clipboard.copy_sensitive(&code, clear_after)?;
    if settings.hide_after_copy {
        crate::desktop::hide_main_window(&app);
    }
    Ok(())
}

/// Copies text the window already shows (a recovery key or revealed secret), marked sensitive
/// and cleared after the same timeout as codes.
#[tauri::command]
pub fn copy_text(state: State<'_, AppState>, text: Zeroizing<String>) -> CommandResult<()> {
    state.touch();
    let seconds = state
        .settings
        .lock()
        .expect("settings lock")
        .clipboard_clear_seconds;
    // A recovery key must not linger even when codes are set to stay.
    let clear_after = Duration::from_secs(if seconds == 0 { 60 } else { seconds.into() });
    state.clipboard.copy_sensitive(&text, Some(clear_after))
}
