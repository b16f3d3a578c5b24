//! Embeds the web UI and the root tauri.conf.json, and declares the app's own commands so each
//! one gets a permission that capabilities/ must grant explicitly.

const COMMANDS: &[&str] = &[
    "vault_status",
    "create_vault",
    "unlock_keyring",
    "unlock_password",
    "unlock_recovery",
    "lock_vault",
    "vault_security",
    "change_password",
    "set_keyring_unlock",
    "new_recovery_key",
    "list_accounts",
    "add_from_text",
    "update_account",
    "delete_account",
    "restore_account",
    "reorder_accounts",
    "next_hotp_code",
    "note_activity",
    "reveal_secret",
    "copy_code",
    "copy_text",
    "get_settings",
    "set_settings",
];

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
