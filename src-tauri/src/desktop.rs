//! How the app sits on the desktop: one running instance per data folder, the tray icon and its
//! menu, and closing the window into the tray when the person asked for that.

use std::path::Path;

use sha2::{Digest, Sha256};
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, Runtime, Window, WindowEvent};

use crate::autolock::LOCKED_EVENT;
use crate::state::AppState;

/// The tray icon's id.
const TRAY_ID: &str = "main";

/// Tray menu item ids.
const SHOW: &str = "show";
const LOCK: &str = "lock";
const QUIT: &str = "quit";

/// The single-instance plugin, keyed by `data_dir`: a second launch on the same folder shows
/// the running window and exits (so a window hidden in the tray or after a copy is never
/// stranded); a launch on another folder (`--data-dir`) is a separate vault and runs beside it.
pub fn single_instance<R: Runtime>(data_dir: &Path) -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(instance_id(data_dir))
        .callback(|app, _args, _cwd| show_main_window(app))
        .build()
}

/// A D-Bus name for the data folder: the same folder however it is spelled gives the same name.
fn instance_id(data_dir: &Path) -> String {
    let path = std::fs::canonicalize(data_dir)
        .or_else(|_| std::path::absolute(data_dir))
        .unwrap_or_else(|_| data_dir.to_path_buf());
    let digest = Sha256::digest(path.as_os_str().as_encoded_bytes());
    // A bus name element may not start with a digit, hence the letter.
    format!(
        "org.countersign.app.v{}",
        data_encoding::HEXLOWER.encode(&digest[..8])
    )
}

/// Brings the main window back: shown, restored and focused.
pub fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// Adds the tray icon with its menu (show, lock, quit). Without a tray library on the system
/// there is no icon, and closing the window quits as usual.
pub fn setup_tray(app: &AppHandle) -> tauri::Result<()> {
    if !tray_library_present() {
        return Ok(());
    }
    let menu = Menu::with_items(
        app,
        &[
            &MenuItem::with_id(app, SHOW, "Show Countersign", true, None::<&str>)?,
            &MenuItem::with_id(app, LOCK, "Lock", true, None::<&str>)?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, QUIT, "Quit Countersign", true, None::<&str>)?,
        ],
    )?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Countersign")
        .menu(&menu)
        .on_menu_event(menu_event);
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

fn menu_event(app: &AppHandle, event: MenuEvent) {
    match event.id().as_ref() {
        SHOW => show_main_window(app),
        LOCK => {
            app.state::<AppState>().lock();
            let _ = app.emit(LOCKED_EVENT, "tray");
        }
        QUIT => app.exit(0),
        _ => {}
    }
}

/// Closing the main window hides it instead when "keep running in the tray" is on and there is
/// a tray to come back from.
pub fn window_event(window: &Window, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    let app = window.app_handle();
    let to_tray = app
        .state::<AppState>()
        .settings
        .lock()
        .expect("settings lock")
        .minimise_to_tray;
    if window.label() == "main" && to_tray && app.tray_by_id(TRAY_ID).is_some() {
        api.prevent_close();
        let _ = window.hide();
    }
}

/// Whether the tray icon can be made: on Linux Tauri loads (Ayatana) AppIndicator at run time
/// and panics when neither is installed, so ask the loader first.
#[cfg(target_os = "linux")]
fn tray_library_present() -> bool {
    const NAMES: [&std::ffi::CStr; 4] = [
        c"libayatana-appindicator3.so.1",
        c"libappindicator3.so.1",
        c"libayatana-appindicator3.so",
        c"libappindicator3.so",
    ];
    NAMES.iter().any(|name| {
        // SAFETY: dlopen with a valid C string; the handle is closed at once (Tauri's own load
        // keeps the library resident afterwards).
        unsafe {
            let handle = libc::dlopen(name.as_ptr(), libc::RTLD_LAZY);
            if handle.is_null() {
                false
            } else {
                libc::dlclose(handle);
                true
            }
        }
    })
}

#[cfg(not(target_os = "linux"))]
fn tray_library_present() -> bool {
    true
}

/// Whether the tray icon exists (the settings page offers "keep running in the tray" only then).
pub fn has_tray(app: &AppHandle) -> bool {
    app.tray_by_id(TRAY_ID).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_id_is_a_valid_bus_name_per_folder() {
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        let id = instance_id(one.path());
        // Bus name elements: [A-Za-z0-9_-], none starting with a digit.
        assert!(id.starts_with("org.countersign.app.v"), "{id}");
        assert!(id.split('.').all(|element| !element.is_empty()
            && !element.starts_with(|c: char| c.is_ascii_digit())
            && element.chars().all(|c| c.is_ascii_alphanumeric())));
        assert_ne!(id, instance_id(two.path()));
        // The same folder spelled differently is the same instance.
        let dotted = one.path().join("sub").join("..");
        std::fs::create_dir(one.path().join("sub")).unwrap();
        assert_eq!(id, instance_id(&dotted));
    }

    #[test]
    fn instance_id_of_a_folder_not_made_yet_is_stable() {
        let parent = tempfile::tempdir().unwrap();
        let later = parent.path().join("not-yet");
        let before = instance_id(&later);
        assert_eq!(before, instance_id(&later));
        assert_ne!(before, instance_id(parent.path()));
    }
}
