//! Copying a code: computed here, written to the clipboard here, cleared later.

use tauri::State;
use uuid::Uuid;

use super::unix_now;
use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// Seconds after which a copied code is cleared if the clipboard still holds it.
const CLEAR_AFTER_SECS: u64 = 20;

/// Copies the current code of account `id` and schedules its clearing.
#[tauri::command]
pub fn copy_code(state: State<'_, AppState>, id: Uuid) -> CommandResult<()> {
    let code = {
        let accounts = state.accounts.lock().expect("accounts lock");
        let (_, account) = accounts
            .iter()
            .find(|(known, _)| *known == id)
            .ok_or_else(|| CommandError::new("not_found", "That account no longer exists."))?;
        account
            .code_at(unix_now())
            .map_err(|e| CommandError::new("invalid_account", e.to_string()))?
    };
    state
        .clipboard
        .copy_sensitive(code.text, std::time::Duration::from_secs(CLEAR_AFTER_SECS))
}
