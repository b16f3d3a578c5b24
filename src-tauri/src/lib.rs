//! Countersign's desktop shell: a Tauri window over the Countersign crates.
//!
//! Thin by design: commands translate between the UI and the domain crates, and never return
//! a secret to the webview (the README's "Security model, briefly").

#[cfg(test)]
mod bindings;
mod clipboard;
mod commands;
mod desktop;
mod error;
mod keys;
mod links;
mod location;
mod lock;
#[cfg(test)]
mod permissions;
mod quick;
mod scan;
mod scan_camera;
mod settings;
mod state;
mod sync;
mod transfer;
mod tray;
mod webview;
mod words;

use std::path::PathBuf;

use state::AppState;
use tauri::Manager;

/// The exit status of a launch with no display to show a window on.
const EXIT_NO_DISPLAY: i32 = 3;

/// Why no window can be shown here, on a Linux without DISPLAY or WAYLAND_DISPLAY (GTK would
/// panic with a backtrace); `None` where a display is set, or on other systems.
fn no_display() -> Option<&'static str> {
    let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
    (cfg!(target_os = "linux") && !set("DISPLAY") && !set("WAYLAND_DISPLAY")).then_some(
        "no display to show a window on (neither DISPLAY nor WAYLAND_DISPLAY is set); start it in a desktop session, or use the command-line tool `countersign`",
    )
}

/// Environment the WebKit web process must start with: set before Tauri spawns it.
fn configure_webkit() {
    // SAFETY: called first thing in `run`, before any other thread exists.
    unsafe {
        // The DMA-BUF renderer costs ~60 MB of memory for nothing a list of codes needs.
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
        // Tauri leaves the web process unsandboxed; bubblewrap confines it.
        std::env::set_var("WEBKIT_FORCE_SANDBOX", "1");
    }
}

/// The data folder: `--data-dir DIR` on the command line, else `$COUNTERSIGN_DATA_DIR`, else
/// the platform's data folder.
fn data_dir() -> PathBuf {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--data-dir"
            && let Some(dir) = args.next()
        {
            return dir.into();
        }
        if let Some(dir) = arg.to_str().and_then(|a| a.strip_prefix("--data-dir=")) {
            return dir.into();
        }
    }
    countersign_vault::default_data_dir().unwrap_or_else(|| PathBuf::from("countersign-data"))
}

/// Starts the app and blocks until it quits.
pub fn run() {
    if let Some(missing) = no_display() {
        eprintln!("countersign-app: {missing}");
        std::process::exit(EXIT_NO_DISPLAY);
    }
    configure_webkit();
    // Secrets must never land in a core file; failure to ask is not worth refusing to start.
    let _ = countersign_vault::disable_core_dumps();
    let data_dir = data_dir();
    let app = tauri::Builder::default()
        // First, so that a second launch hands over before anything else starts.
        .plugin(desktop::single_instance(&data_dir))
        .manage(AppState::new(data_dir))
        .manage(sync::SyncState::default())
        .manage(transfer::TransferState::default())
        .manage(scan::ScanState::default())
        .manage(links::Links::default())
        .manage(scan_camera::Camera::default())
        .plugin(tauri_plugin_dialog::init())
        .plugin(quick::shortcut_plugin())
        .plugin(desktop::window_state())
        .plugin(desktop::autostart())
        .manage(quick::QuickState::default())
        .manage(commands::clock::ClockState::default())
        .manage(keys::KeysState::from_env())
        .manage(desktop::Hidden::default())
        .setup(|app| {
            // The keyring unlock overlaps the window's loading instead of following it.
            let handle = app.handle().clone();
            std::thread::Builder::new()
                .name("launch-unlock".into())
                .spawn(move || {
                    handle.state::<AppState>().unlock_at_launch();
                    sync::watch(&handle);
                })?;
            sync::setup(app.handle());
            lock::start(app.handle().clone());
            lock::follow_session(app.handle().clone());
            links::setup(app.handle());
            quick::setup(app.handle());
            // A desktop without a working tray still gets its codes.
            if let Err(error) = desktop::setup_tray(app.handle()) {
                eprintln!("countersign: no tray icon: {error}");
            }
            // After the tray: whether the app may start in it depends on there being one.
            desktop::open_at_launch(app.handle());
            Ok(())
        })
        .on_window_event(desktop::window_event)
        .invoke_handler(tauri::generate_handler![
            commands::vault::vault_status,
            commands::vault::create_vault,
            commands::vault::unlock_keyring,
            commands::vault::unlock_password,
            commands::vault::unlock_recovery,
            commands::vault::lock_vault,
            commands::vault::vault_security,
            commands::vault::change_password,
            commands::vault::set_keyring_unlock,
            commands::vault::new_recovery_key,
            commands::location::vault_location,
            commands::location::move_vault,
            commands::location::open_existing_vault,
            commands::accounts::list_accounts,
            commands::accounts::add_from_text,
            commands::accounts::update_account,
            commands::accounts::delete_account,
            commands::accounts::restore_account,
            commands::accounts::reorder_accounts,
            commands::accounts::next_hotp_code,
            commands::accounts::note_activity,
            commands::accounts::reveal_secret,
            commands::backup_codes::preview_backup_codes,
            commands::backup_codes::backup_codes_summary,
            commands::backup_codes::add_backup_codes,
            commands::backup_codes::copy_backup_code,
            commands::backup_codes::mark_backup_code_unused,
            commands::backup_codes::remove_backup_codes,
            commands::backup_codes::reveal_backup_codes,
            commands::scan::scan_screen,
            commands::scan::scan_image_file,
            commands::scan::scan_clipboard,
            commands::scan::scan_take_dropped,
            commands::scan::scan_take_links,
            commands::scan::scan_setup_key,
            commands::scan::scan_pending_code,
            commands::scan::scan_confirm,
            commands::scan::scan_discard,
            commands::scan::scan_forget,
            commands::scan::scan_list_cameras,
            commands::scan::scan_camera_start,
            commands::scan::scan_camera_stop,
            commands::clipboard::copy_code,
            commands::clipboard::copy_text,
            commands::settings::get_settings,
            commands::settings::os_languages,
            commands::settings::set_settings,
            commands::clock::clock_status,
            commands::clock::set_clock_correction,
            commands::settings::tray_available,
            commands::settings::start_at_login,
            commands::settings::set_start_at_login,
            commands::transfer::transfer_open_import,
            commands::transfer::transfer_unlock_import,
            commands::transfer::transfer_import,
            commands::transfer::transfer_export,
            commands::transfer::transfer_show_qr,
            commands::transfer::transfer_qr_code,
            commands::transfer::transfer_forget,
            commands::keys::list_security_keys,
            commands::keys::security_key_info,
            commands::keys::set_security_key_pin,
            commands::keys::change_security_key_pin,
            commands::keys::security_key_passkeys,
            commands::keys::delete_security_key_passkey,
            commands::keys::set_security_key_always_uv,
            commands::keys::security_key_fingerprints,
            commands::keys::rename_security_key_fingerprint,
            commands::keys::remove_security_key_fingerprint,
            commands::keys::enroll_security_key_fingerprint,
            commands::keys::test_security_key,
            commands::keys::copy_security_key_report,
            commands::keys::reset_security_key,
            commands::keys::wink_security_key,
            commands::keys::cancel_security_key,
            commands::keys::forget_security_key_pins,
            commands::quick::quick_type,
            commands::quick::type_code,
            commands::quick::quick_close,
        ])
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Tauri application could not be built");
    app.run(|handle, event| desktop::run_event(handle, &event));
}

/// The time codes are computed for: the OS clock plus the person's clock correction (each
/// account's own offset adds on top, in the otp crate).
pub(crate) fn code_time(state: &state::AppState) -> u64 {
    let correction = state
        .settings
        .lock()
        .expect("settings lock")
        .clock_offset_seconds;
    unix_now().saturating_add_signed(correction)
}

/// Seconds since the Unix epoch, by the OS clock.
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
