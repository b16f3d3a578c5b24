//! Onboarding, unlocking, locking and the vault's credentials.
//!
//! Every command here may wait on Argon2 (about a second) or the OS keyring (up to its timeout),
//! so each runs on a blocking worker, never on the UI thread.

use countersign_vault::{BackupPolicy, Recovery, RecoveryKey, Rekeyed, Status, keyring_status};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager};
use ts_rs::TS;
use zeroize::Zeroizing;

use super::{blocking, with_state};
use crate::error::{CommandError, CommandResult};
use crate::lock::{LockReason, lock};
use crate::state::AppState;

/// Whether the OS keyring can hold a key now, and if not, why.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyringState {
    available: bool,
    /// Why not, in English (the platform's words).
    reason: Option<String>,
    /// Why not, as a code the window words in its language (see `ErrorArgs::cause`).
    cause: Option<String>,
}

fn keyring_state() -> KeyringState {
    match keyring_status() {
        Ok(()) => KeyringState {
            available: true,
            reason: None,
            cause: None,
        },
        Err(error) => {
            let error = CommandError::from(error);
            KeyringState {
                available: false,
                cause: error.args.as_ref().and_then(|args| args.cause.clone()),
                reason: Some(error.message),
            }
        }
    }
}

/// Which ways to unlock the vault has.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Slots {
    password: bool,
    keyring: bool,
    recovery: bool,
}

impl From<countersign_vault::SlotSummary> for Slots {
    fn from(summary: countersign_vault::SlotSummary) -> Self {
        Slots {
            password: summary.password,
            keyring: summary.keyring,
            recovery: summary.recovery,
        }
    }
}

/// What the app should show first.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum VaultStatus {
    /// No vault yet: onboarding, with the keyring's availability.
    None { keyring: KeyringState },
    /// A locked vault and how it can be unlocked.
    Locked {
        slots: Slots,
        /// Seconds before another password attempt is allowed.
        retry_after: Option<u64>,
    },
    /// Unlocked: the codes.
    Unlocked { slots: Slots },
    /// The data folder or the vault file cannot be used (damaged, newer version, in use).
    Error { error: CommandError, path: String },
}

/// What the app should show first: onboarding, unlock, the codes, or an error screen.
#[tauri::command]
pub async fn vault_status(app: AppHandle) -> CommandResult<VaultStatus> {
    with_state(app, |state| {
        let path = crate::location::vault_dir(&state.data_dir).join(countersign_vault::VAULT_FILE);
        let error = |error: CommandError| VaultStatus::Error {
            error,
            path: path.display().to_string(),
        };
        let store = match state.store() {
            Ok(store) => store,
            Err(e) => return Ok(error(e)),
        };
        if let Some(vault) = state.vault.lock().expect("vault lock").as_ref() {
            return Ok(VaultStatus::Unlocked {
                slots: vault.slots().into(),
            });
        }
        Ok(match store.status() {
            Ok(Status::NoVault) => VaultStatus::None {
                keyring: keyring_state(),
            },
            Ok(Status::Locked(info)) => VaultStatus::Locked {
                // The unlock screen offers only the ways that may unlock now.
                slots: Slots {
                    keyring: info.slots.keyring && state.keyring_unlock_allowed(),
                    ..info.slots.into()
                },
                retry_after: store.unlock_wait().map(|wait| wait.as_secs().max(1)),
            },
            Err(e) => error(e.into()),
        })
    })
    .await
}

/// A recovery key to show once: as text and as a QR code (SVG).
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryKeyView {
    #[ts(as = "String")]
    recovery_key: Zeroizing<String>,
    /// The QR code (SVG) encodes the key: wiped like it.
    #[ts(as = "String")]
    recovery_qr: Zeroizing<String>,
}

fn recovery_view(key: &RecoveryKey) -> RecoveryKeyView {
    let svg = qrcode::QrCode::new(key.qr_text().as_bytes())
        .map(|code| {
            code.render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default();
    RecoveryKeyView {
        recovery_key: key.to_grouped(),
        recovery_qr: Zeroizing::new(svg),
    }
}

/// The choices of the onboarding screen.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreateVault {
    #[ts(as = "Option<String>")]
    password: Option<Zeroizing<String>>,
    use_keyring: bool,
}

/// Creates the vault (first launch) and unlocks it; returns the recovery key to show once.
#[tauri::command]
pub async fn create_vault(app: AppHandle, options: CreateVault) -> CommandResult<RecoveryKeyView> {
    blocking(app, move |app| {
        let state = app.state::<AppState>();
        let password = options.password.as_deref().map(String::as_str);
        let (vault, recovery) = state.store()?.create(password, options.use_keyring)?;
        state.set_unlocked(vault);
        state.touch();
        crate::sync::watch(app);
        Ok(recovery_view(&recovery))
    })
    .await
}

/// Unlocks with the key kept in the OS keyring (no prompt).
#[tauri::command]
pub async fn unlock_keyring(app: AppHandle) -> CommandResult<()> {
    blocking(app, |app| {
        let state = app.state::<AppState>();
        let failed_at_launch = state
            .launch_unlock_error
            .lock()
            .expect("launch error lock")
            .take();
        if let Some(error) = failed_at_launch {
            return Err(error);
        }
        if !state.keyring_unlock_allowed() {
            return Err(CommandError::new(
                "password_after_lock",
                "After a lock, Countersign asks for your password (Settings, Security).",
            ));
        }
        let vault = state.store()?.unlock_with_keyring()?;
        state.set_unlocked(vault);
        state.touch();
        crate::sync::watch(app);
        Ok(())
    })
    .await
}

/// Unlocks with the password.
#[tauri::command]
pub async fn unlock_password(app: AppHandle, password: Zeroizing<String>) -> CommandResult<()> {
    blocking(app, move |app| {
        let state = app.state::<AppState>();
        let vault = state.store()?.unlock_with_password(&password)?;
        state.set_unlocked(vault);
        state.touch();
        crate::sync::watch(app);
        Ok(())
    })
    .await
}

/// Unlocks with the recovery key.
#[tauri::command]
pub async fn unlock_recovery(app: AppHandle, recovery_key: Zeroizing<String>) -> CommandResult<()> {
    blocking(app, move |app| {
        let state = app.state::<AppState>();
        let vault = state.store()?.unlock_with_recovery(&recovery_key)?;
        state.set_unlocked(vault);
        state.touch();
        crate::sync::watch(app);
        Ok(())
    })
    .await
}

/// Locks now: secrets wiped from memory, our clipboard content cleared.
#[tauri::command]
pub fn lock_vault(app: AppHandle) {
    lock(&app, LockReason::Button);
}

/// The unlocked vault's unlock methods and whether the keyring works now (settings screen).
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SecurityView {
    slots: Slots,
    keyring: KeyringState,
}

/// What the security settings show.
#[tauri::command]
pub async fn vault_security(app: AppHandle) -> CommandResult<SecurityView> {
    with_state(app, |state| {
        let slots = state.with_vault(|vault| Ok(vault.slots()))?;
        Ok(SecurityView {
            slots: slots.into(),
            keyring: keyring_state(),
        })
    })
    .await
}

/// What to do with the backups when a credential change re-keys the vault: they hold the old
/// slots, so they open with the old credentials until re-encrypted or removed.
#[derive(Deserialize, TS, Clone, Copy)]
#[serde(rename_all = "camelCase")]
pub enum OldBackups {
    /// Re-encrypt them under the new master key and slots.
    ReEncrypt,
    /// Delete them.
    Remove,
}

impl From<OldBackups> for BackupPolicy {
    fn from(choice: OldBackups) -> Self {
        match choice {
            OldBackups::ReEncrypt => BackupPolicy::ReEncrypt,
            OldBackups::Remove => BackupPolicy::Remove,
        }
    }
}

/// What a credential change did.
#[derive(Serialize, TS, Default)]
#[serde(rename_all = "camelCase")]
pub struct CredentialChange {
    /// A new recovery key to show once, when the change made one (the old one stopped
    /// working).
    recovery: Option<RecoveryKeyView>,
    /// Backups re-encrypted under the new master key.
    backups_reencrypted: usize,
    /// Backups deleted.
    backups_removed: usize,
}

impl From<Rekeyed> for CredentialChange {
    fn from(rekeyed: Rekeyed) -> Self {
        CredentialChange {
            recovery: rekeyed.recovery_key.as_ref().map(recovery_view),
            backups_reencrypted: rekeyed.backups_reencrypted,
            backups_removed: rekeyed.backups_removed,
        }
    }
}

/// The person's choice for the backups, which a change that re-keys needs.
fn backup_policy(old_backups: Option<OldBackups>) -> CommandResult<BackupPolicy> {
    old_backups.map(BackupPolicy::from).ok_or_else(|| {
        CommandError::new(
            "old_backups_required",
            "Choose whether to re-encrypt or delete the old backups.",
        )
    })
}

/// A recovery key to keep, if the person typed one; else a new one is made.
fn recovery_choice(recovery_key: Option<&Zeroizing<String>>) -> Recovery<'_> {
    match recovery_key.map(|key| key.trim()) {
        Some(key) if !key.is_empty() => Recovery::Keep(key),
        _ => Recovery::Replace,
    }
}

/// Changes the password, or sets a first one.
///
/// Changing needs the current password and re-keys the vault: `recovery_key` is kept if given
/// (else a new one is made and returned), `old_backups` says what becomes of the backups.
/// Setting a first password (a keyring-only vault) needs the recovery key, which the vault
/// checks and counts like an unlock attempt: a window that could set one could otherwise
/// reveal and export every secret with it.
#[tauri::command]
pub async fn change_password(
    app: AppHandle,
    current: Option<Zeroizing<String>>,
    new_password: Zeroizing<String>,
    recovery_key: Option<Zeroizing<String>>,
    old_backups: Option<OldBackups>,
) -> CommandResult<CredentialChange> {
    with_state(app, move |state| {
        state.with_vault(|vault| {
            if !vault.slots().password {
                let recovery_key = recovery_key
                    .as_ref()
                    .map(|key| key.trim())
                    .filter(|key| !key.is_empty())
                    .ok_or_else(|| {
                        CommandError::new(
                            "recovery_key_required",
                            "Setting a first password needs the recovery key.",
                        )
                    })?;
                vault.add_password(&new_password, recovery_key)?;
                return Ok(CredentialChange::default());
            }
            let policy = backup_policy(old_backups)?;
            let current = current.as_deref().map_or("", String::as_str);
            let recovery = recovery_choice(recovery_key.as_ref());
            Ok(vault
                .change_password(current, &new_password, recovery, policy)?
                .into())
        })
    })
    .await
}

/// Turns unlocking with the OS keyring on or off (asks the password again). Turning it off
/// re-keys the vault, like changing the password.
#[tauri::command]
pub async fn set_keyring_unlock(
    app: AppHandle,
    password: Zeroizing<String>,
    enabled: bool,
    recovery_key: Option<Zeroizing<String>>,
    old_backups: Option<OldBackups>,
) -> CommandResult<CredentialChange> {
    with_state(app, move |state| {
        state.with_vault(|vault| {
            if enabled {
                vault.verify_password(&password)?;
                vault.add_keyring_slot()?;
                return Ok(CredentialChange::default());
            }
            let policy = backup_policy(old_backups)?;
            let recovery = recovery_choice(recovery_key.as_ref());
            Ok(vault
                .remove_keyring_slot(&password, recovery, policy)?
                .into())
        })
    })
    .await
}

/// Replaces the recovery key (asks the password again), re-keying the vault; the new key is in
/// the result, to show once.
#[tauri::command]
pub async fn new_recovery_key(
    app: AppHandle,
    password: Zeroizing<String>,
    old_backups: Option<OldBackups>,
) -> CommandResult<CredentialChange> {
    with_state(app, move |state| {
        state.with_vault(|vault| {
            let policy = backup_policy(old_backups)?;
            Ok(vault.new_recovery_key(&password, policy)?.into())
        })
    })
    .await
}
