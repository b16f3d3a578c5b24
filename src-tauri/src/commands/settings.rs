//! Reading and saving the person's preferences.

use tauri::{AppHandle, State};
use tauri_plugin_autostart::ManagerExt;

use crate::error::{CommandError, CommandResult, ErrorArgs};
use crate::settings::Settings;
use crate::state::AppState;

/// The current settings.
#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Settings {
    state.settings.lock().expect("settings lock").clone()
}

/// The OS's preferred languages as BCP 47 tags, most wanted first (LANGUAGE, LC_ALL,
/// LC_MESSAGES and LANG on Linux; the user's UI languages on Windows and macOS): the window
/// follows the first it is translated into. WebKitGTK's own `navigator.languages` stays "en-US"
/// whatever the environment says.
#[tauri::command]
pub fn os_languages() -> Vec<String> {
    sys_locale::get_locales().collect()
}

/// Validates and saves new settings; on error nothing changes.
#[tauri::command]
pub fn set_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
) -> CommandResult<Settings> {
    let no_password = state
        .vault
        .lock()
        .expect("vault lock")
        .as_ref()
        .is_some_and(|vault| !vault.slots().password);
    if settings.password_after_lock && no_password {
        return Err(CommandError::new(
            "invalid_settings",
            "Set a password first: after a lock, only the password or the recovery key would \
             unlock the vault.",
        )
        .with_args(ErrorArgs::setting("passwordAfterLock")));
    }
    crate::quick::register_shortcut(&app, &settings.quick_shortcut)?;
    settings.save(&state.data_dir).map_err(CommandError::from)?;
    let language_was = std::mem::replace(
        &mut *state.settings.lock().expect("settings lock"),
        settings.clone(),
    )
    .language;
    if settings.language != language_was {
        // The tray menu says its few words in the window's language.
        state.tray.retell();
    }
    Ok(settings)
}

/// Whether there is a tray icon to keep running in (no tray library, no icon).
#[tauri::command]
pub fn tray_available(app: AppHandle) -> bool {
    crate::desktop::has_tray(&app)
}

/// Whether Countersign starts when the person logs in (the desktop's autostart entry exists).
#[tauri::command]
pub fn start_at_login(app: AppHandle) -> CommandResult<bool> {
    app.autolaunch().is_enabled().map_err(autostart_error)
}

/// Adds or removes the autostart entry, which starts Countersign in the tray at login; returns
/// whether it is there now.
#[tauri::command]
pub fn set_start_at_login(app: AppHandle, enabled: bool) -> CommandResult<bool> {
    let autostart = app.autolaunch();
    if enabled {
        autostart.enable()
    } else {
        autostart.disable()
    }
    .map_err(autostart_error)?;
    autostart.is_enabled().map_err(autostart_error)
}

fn autostart_error(error: tauri_plugin_autostart::Error) -> CommandError {
    CommandError::new(
        "autostart",
        format!("Starting at login could not be changed: {error}"),
    )
}
