//! Onboarding, unlocking, locking and the vault's credentials.
//!
//! Every command here may wait on Argon2 (about a second) or the OS keyring (up to its timeout),
//! so each runs on a blocking worker, never on the UI thread.

use countersign_vault::{RecoveryKey, Status, keyring_status};
use serde::{Deserialize, Serialize};
use tauri::AppHandle;
use ts_rs::TS;
use zeroize::Zeroizing;

use super::with_state;
use crate::error::{CommandError, CommandResult};
use crate::lock::{LockReason, lock};

/// Whether the OS keyring can hold a key now, and if not, why.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyringState {
    available: bool,
    reason: Option<String>,
}

fn keyring_state() -> KeyringState {
    match keyring_status() {
        Ok(()) => KeyringState {
            available: true,
            reason: None,
        },
        Err(error) => KeyringState {
            available: false,
            reason: Some(CommandError::from(error).message),
        },
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
        let path = state.data_dir.join(countersign_vault::VAULT_FILE);
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
    with_state(app, move |state| {
        let password = options.password.as_deref().map(String::as_str);
        let (vault, recovery) = state.store()?.create(password, options.use_keyring)?;
        state.set_unlocked(vault);
        state.touch();
        Ok(recovery_view(&recovery))
    })
    .await
}

/// Unlocks with the key kept in the OS keyring (no prompt).
#[tauri::command]
pub async fn unlock_keyring(app: AppHandle) -> CommandResult<()> {
    with_state(app, |state| {
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
        Ok(())
    })
    .await
}

/// Unlocks with the password.
#[tauri::command]
pub async fn unlock_password(app: AppHandle, password: Zeroizing<String>) -> CommandResult<()> {
    with_state(app, move |state| {
        let vault = state.store()?.unlock_with_password(&password)?;
        state.set_unlocked(vault);
        state.touch();
        Ok(())
    })
    .await
}

/// Unlocks with the recovery key.
#[tauri::command]
pub async fn unlock_recovery(app: AppHandle, recovery_key: Zeroizing<String>) -> CommandResult<()> {
    with_state(app, move |state| {
        let vault = state.store()?.unlock_with_recovery(&recovery_key)?;
        state.set_unlocked(vault);
        state.touch();
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

/// Changes (or sets) the password; the current one is asked again when there is one.
#[tauri::command]
pub async fn change_password(
    app: AppHandle,
    current: Option<Zeroizing<String>>,
    new_password: Zeroizing<String>,
) -> CommandResult<()> {
    with_state(app, move |state| {
        state.with_vault(|vault| {
            if vault.slots().password {
                vault.verify_password(current.as_deref().map_or("", String::as_str))?;
            }
            vault.set_password(&new_password)?;
            Ok(())
        })
    })
    .await
}

/// Turns unlocking with the OS keyring on or off (asks the password again).
#[tauri::command]
pub async fn set_keyring_unlock(
    app: AppHandle,
    password: Zeroizing<String>,
    enabled: bool,
) -> CommandResult<()> {
    with_state(app, move |state| {
        state.with_vault(|vault| {
            vault.verify_password(&password)?;
            if enabled {
                vault.add_keyring_slot()?;
            } else {
                vault.remove_keyring_slot()?;
            }
            Ok(())
        })
    })
    .await
}

/// Replaces the recovery key (asks the password again) and returns the new one to show once.
#[tauri::command]
pub async fn new_recovery_key(
    app: AppHandle,
    password: Zeroizing<String>,
) -> CommandResult<RecoveryKeyView> {
    with_state(app, move |state| {
        state.with_vault(|vault| {
            vault.verify_password(&password)?;
            Ok(recovery_view(&vault.new_recovery_key()?))
        })
    })
    .await
}
