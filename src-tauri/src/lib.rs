//! Countersign's desktop shell: a Tauri window over the Countersign crates.
//!
//! Thin by design: commands translate between the UI and the domain crates, and never return
//! a secret to the webview (see DESIGN.md, section 2).

mod autolock;
mod clipboard;
mod commands;
mod error;
mod settings;
mod state;

use std::path::PathBuf;

use state::AppState;
use tauri::Manager;

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
    configure_webkit();
    // Secrets must never land in a core file; failure to ask is not worth refusing to start.
    let _ = countersign_vault::disable_core_dumps();
    let app = tauri::Builder::default()
        .manage(AppState::new(data_dir()))
        .setup(|app| {
            autolock::start(app.handle().clone());
            Ok(())
        })
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
            commands::accounts::list_accounts,
            commands::accounts::add_from_text,
            commands::accounts::update_account,
            commands::accounts::delete_account,
            commands::accounts::restore_account,
            commands::accounts::reorder_accounts,
            commands::accounts::next_hotp_code,
            commands::accounts::note_activity,
            commands::accounts::reveal_secret,
            commands::clipboard::copy_code,
            commands::clipboard::copy_text,
            commands::settings::get_settings,
            commands::settings::set_settings,
        ])
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Tauri application could not be built");
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            handle.state::<AppState>().lock();
        }
    });
}
