//! How the app sits on the desktop: one running instance per data folder, the tray icon and its
//! menu, and closing the window into the tray when the person asked for that.
//!
//! Hidden means gone: hiding the main window destroys it, and WebKit's processes with it (a
//! webview costs ~100 MB and wakes up even unmapped); showing it builds it again from the
//! config. The vault and everything else in Rust stay as they were.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use sha2::{Digest, Sha256};
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{
    AppHandle, DragDropEvent, Manager, RunEvent, Runtime, WebviewUrl, WebviewWindowBuilder, Window,
    WindowEvent, Wry,
};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};
use uuid::Uuid;

use crate::lock::{LockReason, lock};
use crate::state::AppState;
use crate::tray::TrayAccount;

/// The main window's label.
pub const MAIN_WINDOW: &str = "main";

/// Whether the main window is hidden on purpose (closed into the tray, hidden after a copy):
/// the app then keeps running with no window at all.
#[derive(Default)]
pub struct Hidden(AtomicBool);

/// The tray icon's id.
const TRAY_ID: &str = "main";

/// Tray menu item ids; an account's is [`ACCOUNT_PREFIX`] and its id.
const SHOW: &str = "show";
const LOCK: &str = "lock";
const QUIT: &str = "quit";
const UNLOCK_HINT: &str = "unlock-hint";
const ACCOUNT_PREFIX: &str = "account:";

/// The command-line flag of a launch that starts in the tray (the autostart entry's).
pub const HIDDEN_FLAG: &str = "--hidden";

/// What the window-state plugin remembers of the main window: where it is and how big.
const WINDOW_STATE: StateFlags = StateFlags::SIZE
    .union(StateFlags::POSITION)
    .union(StateFlags::MAXIMIZED);

/// The single-instance plugin, keyed by `data_dir`: a second launch on the same folder shows
/// the running window and exits (so a window hidden in the tray or after a copy is never
/// stranded); a launch on another folder (`--data-dir`) is a separate vault and runs beside it.
/// The second launch's setup links (a link opened in a browser starts the app with it) go to
/// the running window's confirmation card.
pub fn single_instance<R: Runtime>(data_dir: &Path) -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(instance_id(data_dir))
        .callback(|app, args, _cwd| {
            // `--quick`: what a desktop's own shortcut runs where the app cannot grab one.
            if args.iter().any(|arg| arg == "--quick") {
                crate::quick::open(app);
                return;
            }
            // Queued before the window is shown: a window built anew takes them as it loads.
            crate::links::receive(app, &args);
            // The autostart entry firing while the app already runs changes nothing.
            if !args.iter().any(|arg| arg == HIDDEN_FLAG) {
                show_main_window(app);
            }
        })
        .build()
}

/// The window-state plugin: the main window's size and position are remembered across
/// launches and across hiding (its state is put back on the window built anew). Not the quick
/// search's, which opens under the pointer at its own size.
pub fn window_state<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_window_state::Builder::new()
        .with_state_flags(WINDOW_STATE)
        .with_denylist(&[crate::quick::QUICK_WINDOW])
        .build()
}

/// The autostart plugin ("Start at login"), whose entry starts the app in the tray. Switched
/// from Rust only ([`crate::commands::settings`]): the window is granted none of its commands.
pub fn autostart<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_autostart::Builder::new()
        .arg(HIDDEN_FLAG)
        .build()
}

/// Opens the main window at launch, unless the app starts in the tray: launched with
/// [`HIDDEN_FLAG`] or with "Start hidden in the tray" on, and there is a tray to come back
/// from. Hidden, no window (and no web process) is made until the person asks for it.
pub fn open_at_launch(app: &AppHandle) {
    let start_hidden = app
        .state::<AppState>()
        .settings
        .lock()
        .expect("settings lock")
        .start_hidden;
    let flagged = std::env::args().skip(1).any(|arg| arg == HIDDEN_FLAG);
    if (start_hidden || flagged) && has_tray(app) {
        app.state::<Hidden>().0.store(true, Ordering::SeqCst);
        return;
    }
    let Some(config) = main_window_config(app) else {
        return;
    };
    match WebviewWindowBuilder::from_config(app, &config).and_then(|b| b.build()) {
        Ok(window) => crate::webview::restrict(&window),
        Err(error) => eprintln!("countersign: the window could not be opened: {error}"),
    }
}

/// The main window's configuration (tauri.conf.json; not made by Tauri itself: `create` is
/// false, so that a launch into the tray never starts a webview).
fn main_window_config<R: Runtime>(
    app: &AppHandle<R>,
) -> Option<tauri::utils::config::WindowConfig> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN_WINDOW)?;
    let mut config = config.clone();
    config.create = true;
    Some(config)
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

/// Brings the main window back: shown, restored and focused, built anew if it was hidden.
pub fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
        return;
    }
    let Some(mut config) = main_window_config(app) else {
        return;
    };
    // The page learns it is a window shown again, not a launch: it must not unlock with the
    // keyring by itself after a lock.
    config.url = WebviewUrl::App("index.html?reopened".into());
    let built = WebviewWindowBuilder::from_config(app, &config).and_then(|builder| builder.build());
    match built {
        Ok(window) => {
            crate::webview::restrict(&window);
            app.state::<Hidden>().0.store(false, Ordering::SeqCst);
            let _ = window.set_focus();
        }
        Err(error) => eprintln!("countersign: the window could not be shown: {error}"),
    }
}

/// Hides the main window by destroying it (and its web processes); the app keeps running
/// until [`show_main_window`] builds it again.
pub fn hide_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        app.state::<Hidden>().0.store(true, Ordering::SeqCst);
        // Later on the event loop: this may run inside the webview's own IPC or event
        // callback, which must not see its webview vanish under it.
        let handle = app.clone();
        let _ = app.run_on_main_thread(move || {
            // Written now, not only at exit: an app in the tray is often ended by the session
            // logging out (a signal, no exit event), and the window is gone until shown again.
            if let Err(error) = handle.save_window_state(WINDOW_STATE) {
                eprintln!("countersign: the window's size and place were not saved: {error}");
            }
            let _ = window.destroy();
            end_network_process();
        });
    }
}

/// Ends WebKit's network process, which outlives the last webview (Tauri keeps the web
/// context for the app's lifetime) and holds ~16 MB for nothing while the app sits in the
/// tray. WebKit starts a new one with the next webview, as it does after a crash. Not under
/// WebDriver (tauri-driver sets TAURI_WEBVIEW_AUTOMATION): its automation session ends with
/// the network process; tests/e2e/desktop.rs checks this path without WebDriver.
#[cfg(target_os = "linux")]
fn end_network_process() {
    if std::env::var_os("TAURI_WEBVIEW_AUTOMATION").is_some() {
        return;
    }
    let mut stack = vec![std::process::id()];
    while let Some(pid) = stack.pop() {
        // The kernel shortens names to 15 bytes.
        let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if name.trim_end() == "WebKitNetworkPr" {
            // SAFETY: signalling a process of our own tree; a stale pid is at worst ESRCH.
            unsafe {
                libc::kill(pid as libc::pid_t, libc::SIGTERM);
            }
            continue;
        }
        let threads = std::fs::read_dir(format!("/proc/{pid}/task"))
            .into_iter()
            .flatten();
        for thread in threads.flatten() {
            let children = std::fs::read_to_string(thread.path().join("children"));
            stack.extend(
                children
                    .iter()
                    .flat_map(|c| c.split_whitespace())
                    .filter_map(|c| c.parse::<u32>().ok()),
            );
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn end_network_process() {}

/// Keeps the app alive when its last window went away on purpose (see [`Hidden`]).
pub fn run_event<R: Runtime>(app: &AppHandle<R>, event: &RunEvent) {
    match event {
        RunEvent::ExitRequested {
            code: None, api, ..
        } if app.state::<Hidden>().0.load(Ordering::SeqCst) => {
            api.prevent_exit();
        }
        RunEvent::Exit => {
            crate::sync::unwatch(app);
            app.state::<AppState>().lock();
        }
        _ => {}
    }
}

/// Adds the tray icon with its menu, which lists accounts (see [`crate::tray`]) while the
/// vault is unlocked and is rebuilt whenever that list changes. Without a tray library on the
/// system there is no icon, and closing the window quits as usual.
pub fn setup_tray(app: &AppHandle) -> tauri::Result<()> {
    if !tray_library_present() {
        return Ok(());
    }
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Countersign")
        .menu(&tray_menu(app, None)?)
        .on_menu_event(menu_event);
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    let handle = app.clone();
    app.state::<AppState>().follow_tray(move |listing| {
        // Queued: the vault is held while this runs, and menus are made on the event loop.
        let app = handle.clone();
        let _ = handle.run_on_main_thread(move || {
            let menu = tray_menu(&app, listing.as_deref());
            match (menu, app.tray_by_id(TRAY_ID)) {
                (Ok(menu), Some(tray)) => {
                    if let Err(error) = tray.set_menu(Some(menu)) {
                        eprintln!("countersign: the tray menu could not be updated: {error}");
                    }
                }
                (Err(error), _) => {
                    eprintln!("countersign: the tray menu could not be made: {error}")
                }
                (Ok(_), None) => {}
            }
        });
    });
    Ok(())
}

/// The tray menu, in the window's language (the setting, else the OS's): the accounts (or,
/// while locked, a line saying why there are none), then Show, Lock and Quit.
fn tray_menu(app: &AppHandle, accounts: Option<&[TrayAccount]>) -> tauri::Result<Menu<Wry>> {
    let text = crate::tray::tray_text(crate::words::window_language(app));
    let menu = Menu::new(app)?;
    match accounts {
        None => menu.append(&MenuItem::with_id(
            app,
            UNLOCK_HINT,
            text.unlock_hint,
            false,
            None::<&str>,
        )?)?,
        Some(accounts) => {
            for account in accounts {
                menu.append(&MenuItem::with_id(
                    app,
                    format!("{ACCOUNT_PREFIX}{}", account.id),
                    crate::tray::menu_text(if account.label.is_empty() {
                        text.unnamed_account
                    } else {
                        &account.label
                    }),
                    true,
                    None::<&str>,
                )?)?;
            }
        }
    }
    if accounts.is_none_or(|accounts| !accounts.is_empty()) {
        menu.append(&PredefinedMenuItem::separator(app)?)?;
    }
    menu.append(&MenuItem::with_id(
        app,
        SHOW,
        text.show,
        true,
        None::<&str>,
    )?)?;
    menu.append(&MenuItem::with_id(
        app,
        LOCK,
        text.lock,
        true,
        None::<&str>,
    )?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&MenuItem::with_id(
        app,
        QUIT,
        text.quit,
        true,
        None::<&str>,
    )?)?;
    Ok(menu)
}

fn menu_event(app: &AppHandle, event: MenuEvent) {
    let id = event.id().as_ref();
    match id {
        SHOW => show_main_window(app),
        LOCK => lock(app, LockReason::Tray),
        QUIT => app.exit(0),
        _ => {
            if let Some(account) = id
                .strip_prefix(ACCOUNT_PREFIX)
                .and_then(|uuid| Uuid::parse_str(uuid).ok())
            {
                crate::tray::use_account(app, account);
            }
        }
    }
}

/// Closing the main window hides it instead when "keep running in the tray" is on and there is
/// a tray to come back from; image files dropped on it are scanned; the window the person goes
/// to from it is remembered, for typing a code there.
pub fn window_event(window: &Window, event: &WindowEvent) {
    let app = window.app_handle();
    match event {
        WindowEvent::CloseRequested { api, .. } if window.label() == MAIN_WINDOW => {
            let to_tray = app
                .state::<AppState>()
                .settings
                .lock()
                .expect("settings lock")
                .minimise_to_tray;
            if to_tray && app.tray_by_id(TRAY_ID).is_some() {
                api.prevent_close();
                hide_main_window(app);
            }
        }
        WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) => {
            crate::scan::files_dropped(app, paths.clone());
        }
        WindowEvent::Focused(false) if window.label() == MAIN_WINDOW => {
            crate::quick::main_window_left(app);
        }
        _ => {}
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
