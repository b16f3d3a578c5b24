//! The commands the UI may call, one module per domain. Each is listed in command_names.rs and
//! granted in capabilities/ (src/permissions.rs checks that they agree).

pub mod accounts;
pub mod backup_codes;
pub mod clipboard;
pub mod clock;
pub mod keys;
pub mod location;
pub mod quick;
pub mod scan;
pub mod settings;
pub mod transfer;
pub mod vault;

use tauri::{AppHandle, Manager};

use crate::error::{CommandError, CommandResult};
use crate::state::AppState;
use crate::words::{Dialog, window_language};

/// In debug builds, makes every open dialog (importing a file, scanning an image file) return
/// this path without showing: end-to-end tests cannot click through a native dialog.
#[cfg(debug_assertions)]
const TEST_OPEN_PATH: &str = "COUNTERSIGN_TEST_OPEN_PATH";

/// Asks for one file with the system's open dialog over `window`, offering only `filter`
/// (a name and extensions) when given; `None` when the person cancels.
fn pick_file(
    app: &tauri::AppHandle,
    window: &tauri::WebviewWindow,
    asking: Dialog,
    extensions: &[&str],
) -> Option<std::path::PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os(TEST_OPEN_PATH) {
        return Some(path.into());
    }
    let language = window_language(app);
    let mut dialog = app
        .dialog()
        .file()
        .set_parent(window)
        .set_title(asking.title(language));
    if let Some(name) = asking.filter_name(language) {
        dialog = dialog.add_filter(name, extensions);
    }
    dialog
        .blocking_pick_file()
        .and_then(|file| file.into_path().ok())
}

/// In debug builds, makes every folder dialog (moving the vault) return this path without
/// showing, as [`TEST_OPEN_PATH`] does for files.
#[cfg(debug_assertions)]
const TEST_OPEN_FOLDER: &str = "COUNTERSIGN_TEST_OPEN_FOLDER";

/// Asks for one folder with the system's folder dialog over `window`; `None` when the person
/// cancels.
fn pick_folder(
    app: &tauri::AppHandle,
    window: &tauri::WebviewWindow,
    asking: Dialog,
) -> Option<std::path::PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os(TEST_OPEN_FOLDER) {
        return Some(path.into());
    }
    app.dialog()
        .file()
        .set_parent(window)
        .set_title(asking.title(window_language(app)))
        .blocking_pick_folder()
        .and_then(|folder| folder.into_path().ok())
}

/// Runs `f` with the app's handle on a blocking worker thread. Commands wait there on Argon2,
/// the OS keyring, security keys and captures, never on the thread that runs the window.
pub async fn blocking<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&AppHandle) -> CommandResult<T> + Send + 'static,
) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(move || f(&app))
        .await
        .map_err(|e| CommandError::new("internal", format!("A background task failed: {e}")))?
}

/// [`blocking`] with the app state: what most commands need.
pub async fn with_state<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&AppState) -> CommandResult<T> + Send + 'static,
) -> CommandResult<T> {
    blocking(app, move |app| f(&app.state::<AppState>())).await
}
