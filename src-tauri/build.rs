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
    "scan_screen",
    "scan_image_file",
    "scan_clipboard",
    "scan_take_dropped",
    "scan_pending_code",
    "scan_confirm",
    "scan_discard",
    "scan_forget",
    "scan_list_cameras",
    "scan_camera_start",
    "scan_camera_stop",
    "copy_code",
    "copy_text",
    "get_settings",
    "set_settings",
    "tray_available",
    "transfer_open_import",
    "transfer_unlock_import",
    "transfer_import",
    "transfer_export",
    "transfer_show_qr",
    "transfer_qr_code",
    "transfer_forget",
    "list_security_keys",
    "security_key_info",
    "set_security_key_pin",
    "change_security_key_pin",
    "security_key_passkeys",
    "delete_security_key_passkey",
    "set_security_key_always_uv",
    "security_key_fingerprints",
    "rename_security_key_fingerprint",
    "remove_security_key_fingerprint",
    "enroll_security_key_fingerprint",
    "test_security_key",
    "copy_security_key_report",
    "reset_security_key",
    "wink_security_key",
    "cancel_security_key",
    "forget_security_key_pins",
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
