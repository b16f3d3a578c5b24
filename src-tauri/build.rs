//! Embeds the web UI and the root tauri.conf.json, and declares the app's own commands
//! (command_names.rs) so each one gets a permission that capabilities/ must grant explicitly.

include!("command_names.rs");

fn main() {
    // New files in the built UI do not otherwise trigger a rebuild (only edits do).
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build configuration");
}
