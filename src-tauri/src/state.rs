//! What the running app holds: the data folder's store, the unlocked vault (if any), the
//! settings, the clipboard, and the last moment the person did something.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use countersign_vault::{Entry, Store, Unlocked};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::clipboard::Clipboard;
use crate::error::{CommandError, CommandResult};
use crate::settings::Settings;

/// Shared state of the running app.
pub struct AppState {
    /// The data folder; its lock is held for the app's lifetime.
    pub store: Result<Store, CommandError>,
    /// The data folder's path, for messages and settings.
    pub data_dir: PathBuf,
    /// The unlocked vault; `None` while locked or before onboarding.
    pub vault: Mutex<Option<Unlocked>>,
    /// Preferences.
    pub settings: Mutex<Settings>,
    /// The system clipboard, with our clearing rules.
    pub clipboard: Clipboard,
    /// The last deleted entry, kept in memory (only) for "undo" until the next delete or lock.
    pub last_deleted: Mutex<Option<(Entry, usize)>>,
    /// When the person last interacted, for auto-lock.
    pub last_activity: Mutex<Instant>,
    /// The HOTP codes generated this session, shown and copied until the next one or lock.
    pub hotp_codes: Mutex<HashMap<Uuid, Zeroizing<String>>>,
    /// Why the keyring unlock tried at launch failed: the window's own first attempt reports
    /// it rather than asking the keyring (and perhaps the person) a second time.
    pub launch_unlock_error: Mutex<Option<CommandError>>,
}

impl AppState {
    /// State for the data folder `data_dir`.
    pub fn new(data_dir: PathBuf) -> AppState {
        let settings = Settings::load(&data_dir);
        let store = Store::open(&data_dir).map_err(CommandError::from);
        AppState {
            store,
            data_dir,
            vault: Mutex::new(None),
            settings: Mutex::new(settings),
            clipboard: Clipboard::default(),
            last_deleted: Mutex::new(None),
            last_activity: Mutex::new(Instant::now()),
            hotp_codes: Mutex::new(HashMap::new()),
            launch_unlock_error: Mutex::new(None),
        }
    }

    /// Unlocks with the OS keyring while the window is still loading, as the window would do
    /// first anyway. The vault mutex is held throughout, so the window's first question about
    /// the vault waits for the answer. No vault or no keyring slot: nothing to do.
    pub fn unlock_at_launch(&self) {
        let mut vault = self.vault.lock().expect("vault lock");
        let Ok(store) = self.store() else {
            return;
        };
        match store.unlock_with_keyring() {
            Ok(unlocked) => {
                *vault = Some(unlocked);
                self.touch();
            }
            Err(countersign_vault::Error::NoVault | countersign_vault::Error::NoSuchSlot(_)) => {}
            Err(error) => {
                *self.launch_unlock_error.lock().expect("launch error lock") = Some(error.into());
            }
        }
    }

    /// The store, or why the data folder cannot be used (another instance holds it, ...).
    pub fn store(&self) -> CommandResult<&Store> {
        self.store.as_ref().map_err(Clone::clone)
    }

    /// Runs `f` on the unlocked vault; `locked` error when there is none.
    pub fn with_vault<T>(
        &self,
        f: impl FnOnce(&mut Unlocked) -> CommandResult<T>,
    ) -> CommandResult<T> {
        let mut vault = self.vault.lock().expect("vault lock");
        match vault.as_mut() {
            Some(vault) => f(vault),
            None => Err(CommandError::new("locked", "The vault is locked.")),
        }
    }

    /// Records that the person did something (auto-lock counts from here).
    pub fn touch(&self) {
        *self.last_activity.lock().expect("activity lock") = Instant::now();
    }

    /// Locks the vault: secrets wiped, undo forgotten, our clipboard content cleared.
    pub fn lock(&self) {
        if let Some(vault) = self.vault.lock().expect("vault lock").take() {
            vault.lock();
        }
        self.last_deleted.lock().expect("undo lock").take();
        self.hotp_codes.lock().expect("hotp lock").clear();
        self.clipboard.clear_if_ours();
    }
}
