//! Countersign's desktop shell: a Tauri window over the Countersign crates.
//!
//! Thin by design: commands translate between the UI and the domain crates, and never return
//! a secret to the webview (see DESIGN.md, section 2).

mod clipboard;
mod commands;
mod error;
mod state;

use state::AppState;

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

/// Starts the app and blocks until it quits.
pub fn run() {
    configure_webkit();
    let app = tauri::Builder::default()
        .manage(AppState::default())
        .invoke_handler(tauri::generate_handler![
            commands::accounts::list_accounts,
            commands::accounts::add_from_text,
            commands::clipboard::copy_code,
        ])
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Tauri application could not be built");
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            use tauri::Manager as _;
            handle.state::<AppState>().clipboard.clear_if_ours();
        }
    });
}
