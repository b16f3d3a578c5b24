//! Where the vault lives: shown, moved to a folder the person picks (a synced one, say), or
//! another Countersign vault opened from where it is.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use countersign_vault::VAULT_FILE;
use serde::Serialize;
use tauri::{AppHandle, Manager, WebviewWindow};
use ts_rs::TS;

use super::{blocking, with_state};
use crate::error::{CommandError, CommandResult, ErrorArgs};
use crate::location;
use crate::lock::{LockReason, lock};
use crate::state::AppState;
use crate::words::Dialog;

/// Where the vault is.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VaultLocation {
    /// The folder that holds the vault file and its backups.
    folder: String,
    /// Whether that is the data folder, where a vault lives unless moved.
    in_data_folder: bool,
}

fn current(state: &AppState) -> CommandResult<VaultLocation> {
    let store = state.store()?;
    Ok(VaultLocation {
        folder: store.dir().display().to_string(),
        in_data_folder: store.dir() == state.data_dir,
    })
}

/// A picked path made absolute, so that what is remembered does not depend on where the app
/// was started.
fn absolute(path: &Path) -> CommandResult<PathBuf> {
    std::path::absolute(path).map_err(|error| {
        CommandError::new("io", format!("{} cannot be used: {error}.", path.display()))
            .with_args(ErrorArgs::io(path, &error))
    })
}

/// The folder that holds the vault.
#[tauri::command]
pub async fn vault_location(app: AppHandle) -> CommandResult<VaultLocation> {
    with_state(app, current).await
}

/// Asks for a folder and moves the vault and its backups there (the vault must be unlocked);
/// the app then keeps it there, and watches that folder for synced changes. `None` when the
/// person cancels. A folder that holds another vault, or this one, is refused and nothing moves.
#[tauri::command]
pub async fn move_vault(
    app: AppHandle,
    window: WebviewWindow,
) -> CommandResult<Option<VaultLocation>> {
    blocking(app, move |app| {
        let state = app.state::<AppState>();
        state.touch();
        state.with_vault(|_| Ok(()))?;
        let Some(picked) = super::pick_folder(app, &window, Dialog::VaultFolder) else {
            return Ok(None);
        };
        let target = absolute(&picked)?;
        let store = state.store()?;
        let moved = state.with_vault(|vault| {
            let local = location::local_dir(&state.data_dir, &target, vault.vault_id());
            let to = store.relocated(&target, local)?;
            // Remembered once the copy is checked, before the old files go.
            vault.move_to(&to, || location::remember(&state.data_dir, &target))?;
            Ok(to)
        })?;
        drop(store);
        drop(state.replace_store(Ok(Arc::new(moved))));
        crate::sync::unwatch(app);
        crate::sync::watch(app);
        current(&state).map(Some)
    })
    .await
}

/// Asks for a vault file and makes it the app's vault, locked: the window shows its unlock
/// screen. The vault open until now stays where it is. `None` when the person cancels.
#[tauri::command]
pub async fn open_existing_vault(
    app: AppHandle,
    window: WebviewWindow,
) -> CommandResult<Option<VaultLocation>> {
    blocking(app, move |app| {
        let state = app.state::<AppState>();
        let Some(picked) = super::pick_file(app, &window, Dialog::VaultFile, &["countersign"])
        else {
            return Ok(None);
        };
        let file = absolute(&picked)?;
        let name = file.file_name().unwrap_or_default();
        let Some(folder) = file.parent().filter(|_| name == VAULT_FILE) else {
            return Err(CommandError::new(
                "not_a_vault_file",
                format!(
                    "A Countersign vault is a file named {VAULT_FILE}; {} is not one.",
                    file.display()
                ),
            )
            .with_args(ErrorArgs {
                path: Some(file.display().to_string()),
                ..ErrorArgs::default()
            }));
        };
        let bytes = std::fs::read(&file).map_err(|error| {
            CommandError::new(
                "io",
                format!("{} could not be read: {error}.", file.display()),
            )
        })?;
        countersign_vault::inspect(&bytes)?;
        // The vault open now is locked and its store let go first: the one opened may use the
        // same local folder, whose lock it holds.
        state.lock();
        drop(state.replace_store(Err(CommandError::new(
            "switching",
            "Another vault is being opened.",
        ))));
        let opened = location::open(&state.data_dir, folder).and_then(|store| {
            location::remember(&state.data_dir, folder).map_err(|error| {
                CommandError::new(
                    "io",
                    format!("The vault's folder could not be remembered: {error}."),
                )
            })?;
            Ok(store)
        });
        let result = match opened {
            Ok(store) => {
                drop(state.replace_store(Ok(Arc::new(store))));
                current(&state).map(Some)
            }
            Err(error) => {
                let previous = location::vault_dir(&state.data_dir);
                drop(state.replace_store(location::open(&state.data_dir, &previous).map(Arc::new)));
                Err(error)
            }
        };
        // Everything else the app held for the old vault goes, and the window starts over.
        lock(app, LockReason::Switched);
        result
    })
    .await
}
