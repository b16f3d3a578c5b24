//! What the running app holds: the data folder's store, the unlocked vault (if any), the
//! settings, the clipboard, and the last moment the person did something.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, SystemTime};

use countersign_vault::{Entry, Store, Unlocked};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::clipboard::Clipboard;
use crate::error::{CommandError, CommandResult};
use crate::settings::Settings;
use crate::sync::{Synced, sync_vault};
use crate::tray::TrayFeed;

/// Locks `mutex` even when a thread panicked while holding it. For the paths that lock the
/// vault (the idle check, [`AppState::lock`]): the data behind the mutex is still there, and a
/// panic elsewhere must not leave the vault unlocked for good.
pub fn relock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the tray's listing is made from: the vault's generation and its entries.
fn listed(vault: &Unlocked) -> (u64, &[Entry]) {
    (vault.generation(), vault.entries())
}

/// Shared state of the running app.
pub struct AppState {
    /// The vault's store (in the data folder, or where [`crate::location`] remembers); its
    /// lock is held while it is the app's. Replaced when the vault moves or another is opened.
    store: Mutex<Result<Arc<Store>, CommandError>>,
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
    /// When the person last interacted, for auto-lock: wall-clock time, which goes on while
    /// the machine sleeps (an `Instant` would not).
    pub last_activity: Mutex<SystemTime>,
    /// The HOTP codes generated this session, shown and copied until the next one or lock.
    pub hotp_codes: Mutex<HashMap<Uuid, Zeroizing<String>>>,
    /// Why the keyring unlock tried at launch failed: the window's own first attempt reports
    /// it rather than asking the keyring (and perhaps the person) a second time.
    pub launch_unlock_error: Mutex<Option<CommandError>>,
    /// Whether the vault was locked since the app started (the keyring's unlock may then be
    /// refused: [`Settings::password_after_lock`]).
    locked_since_launch: AtomicBool,
    /// Tells the tray menu when the accounts it lists change (see [`crate::tray`]).
    pub tray: TrayFeed,
    /// Hears what each sync merged (see [`crate::sync`]); set once at setup.
    syncs: OnceLock<Box<dyn Fn(Synced) + Send + Sync>>,
}

impl AppState {
    /// State for the data folder `data_dir`.
    pub fn new(data_dir: PathBuf) -> AppState {
        let settings = Settings::load(&data_dir);
        let store = crate::location::open(&data_dir, &crate::location::vault_dir(&data_dir));
        AppState {
            store: Mutex::new(store.map(Arc::new)),
            data_dir,
            vault: Mutex::new(None),
            settings: Mutex::new(settings),
            clipboard: Clipboard::default(),
            last_deleted: Mutex::new(None),
            last_activity: Mutex::new(SystemTime::now()),
            hotp_codes: Mutex::new(HashMap::new()),
            launch_unlock_error: Mutex::new(None),
            locked_since_launch: AtomicBool::new(false),
            tray: TrayFeed::default(),
            syncs: OnceLock::new(),
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
                self.tray.offer(Some(listed(&unlocked)));
                *vault = Some(unlocked);
                self.touch();
            }
            Err(countersign_vault::Error::NoVault | countersign_vault::Error::NoSuchSlot(_)) => {}
            Err(error) => {
                *self.launch_unlock_error.lock().expect("launch error lock") = Some(error.into());
            }
        }
    }

    /// The store, or why the vault's folder cannot be used (another instance holds it, ...).
    pub fn store(&self) -> CommandResult<Arc<Store>> {
        relock(&self.store).clone()
    }

    /// Makes `store` the app's, returning the one it replaces.
    pub fn replace_store(
        &self,
        store: Result<Arc<Store>, CommandError>,
    ) -> Result<Arc<Store>, CommandError> {
        std::mem::replace(&mut *relock(&self.store), store)
    }

    /// Runs `f` on the unlocked vault; `locked` error when there is none. Whatever `f` changed
    /// (an account added, edited, removed or used) reaches the tray menu from here.
    ///
    /// A save refused because another computer's version reached the file first
    /// (`changed_on_disk`) is not the person's problem: that version is merged in and `f` runs
    /// once more, on the merged vault.
    pub fn with_vault<T>(
        &self,
        mut f: impl FnMut(&mut Unlocked) -> CommandResult<T>,
    ) -> CommandResult<T> {
        let mut held = self.vault.lock().expect("vault lock");
        let Some(vault) = held.as_mut() else {
            return Err(CommandError::new("locked", "The vault is locked."));
        };
        let mut result = f(vault);
        let mut synced = None;
        if matches!(&result, Err(error) if error.kind == "changed_on_disk")
            && let Ok(done) = sync_vault(vault)
        {
            if done.report.merged_any() {
                result = f(vault);
            }
            synced = Some(done);
        }
        self.tray.offer(Some(listed(vault)));
        drop(held);
        if let Some(done) = synced {
            self.tell_sync(done);
        }
        result
    }

    /// Merges into the unlocked vault what a sync engine left in the data folder, and tells
    /// the listener (see [`AppState::follow_syncs`]). Nothing while locked; a failure to read or
    /// save is one line on stderr, and the next change tries again.
    pub fn sync(&self) {
        let mut held = relock(&self.vault);
        let Some(vault) = held.as_mut() else {
            return;
        };
        let done = sync_vault(vault);
        self.tray.offer(Some(listed(vault)));
        drop(held);
        match done {
            Ok(done) => self.tell_sync(done),
            Err(error) => eprintln!("countersign: the synced vault could not be merged: {error}"),
        }
    }

    /// Sets who hears what each sync did; the first listener stays.
    pub fn follow_syncs(&self, listener: impl Fn(Synced) + Send + Sync + 'static) {
        let _ = self.syncs.set(Box::new(listener));
    }

    fn tell_sync(&self, done: Synced) {
        if let Some(listener) = self.syncs.get() {
            listener(done);
        }
    }

    /// Keeps `vault`, just unlocked (or created), as the unlocked vault.
    pub fn set_unlocked(&self, vault: Unlocked) {
        let mut held = self.vault.lock().expect("vault lock");
        self.tray.offer(Some(listed(&vault)));
        *held = Some(vault);
    }

    /// Starts telling `listener` what the tray menu should list, beginning with now.
    pub fn follow_tray(&self, listener: impl Fn(crate::tray::Listing) + Send + Sync + 'static) {
        // The vault is held so that no change slips between the listener and its first listing.
        let vault = self.vault.lock().expect("vault lock");
        self.tray.listen(listener);
        self.tray.offer(vault.as_ref().map(listed));
    }

    /// Records that the person did something (auto-lock counts from here).
    pub fn touch(&self) {
        *relock(&self.last_activity) = SystemTime::now();
    }

    /// Whether the vault is unlocked and the person has been idle at `now` for the auto-lock
    /// time (never when auto-lock is off). A clock set back restarts the count. A poisoned
    /// mutex does not stop it.
    pub fn idle_due(&self, now: SystemTime) -> bool {
        let minutes = relock(&self.settings).auto_lock_minutes;
        if minutes == 0 || relock(&self.vault).is_none() {
            return false;
        }
        let mut last = relock(&self.last_activity);
        match now.duration_since(*last) {
            Ok(idle) => idle >= Duration::from_secs(u64::from(minutes) * 60),
            Err(_) => {
                *last = now;
                false
            }
        }
    }

    /// Whether the OS keyring may unlock now: not after a lock when the person asked for the
    /// password after locking.
    pub fn keyring_unlock_allowed(&self) -> bool {
        let password_after_lock = self
            .settings
            .lock()
            .expect("settings lock")
            .password_after_lock;
        !(password_after_lock && self.locked_since_launch.load(Ordering::SeqCst))
    }

    /// Locks the vault: secrets wiped, undo forgotten, our clipboard content cleared; also
    /// when a mutex was poisoned.
    pub fn lock(&self) {
        self.locked_since_launch.store(true, Ordering::SeqCst);
        let mut held = relock(&self.vault);
        if let Some(vault) = held.take() {
            vault.lock();
        }
        self.tray.offer(None);
        drop(held);
        relock(&self.last_deleted).take();
        relock(&self.hotp_codes).clear();
        self.clipboard.clear_if_ours();
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;

    use countersign_vault::KdfParams;

    use super::*;

    /// An app state over a new vault in `dir` (password "pw", cheap KDF), unlocked.
    pub(crate) fn unlocked_state(dir: &Path) -> AppState {
        let store = Store::open(dir)
            .unwrap()
            .with_kdf(KdfParams::new(8, 1, 1).unwrap());
        store.create(Some("pw"), false).unwrap().0.lock();
        drop(store);
        let state = AppState::new(dir.to_path_buf());
        let vault = state.store().unwrap().unlock_with_password("pw").unwrap();
        *state.vault.lock().unwrap() = Some(vault);
        state
    }

    #[test]
    fn idle_time_is_wall_clock_time_and_locks_after_the_chosen_minutes() {
        let dir = tempfile::tempdir().unwrap();
        let state = unlocked_state(dir.path());
        state.settings.lock().unwrap().auto_lock_minutes = 1;
        state.touch();
        let touched = *state.last_activity.lock().unwrap();
        assert!(!state.idle_due(touched + Duration::from_secs(59)));
        assert!(state.idle_due(touched + Duration::from_secs(61)));
        // A night asleep: the wall clock moved on while no thread ran.
        assert!(state.idle_due(touched + Duration::from_secs(8 * 3600)));
        state.settings.lock().unwrap().auto_lock_minutes = 0;
        assert!(
            !state.idle_due(touched + Duration::from_secs(8 * 3600)),
            "off"
        );
        state.settings.lock().unwrap().auto_lock_minutes = 1;
        state.lock();
        assert!(
            !state.idle_due(touched + Duration::from_secs(120)),
            "nothing to lock"
        );
    }

    /// Poisons `mutex`: a thread panics while holding it.
    fn poison<T: Send>(mutex: &Mutex<T>) {
        std::thread::scope(|scope| {
            let panicked = scope
                .spawn(|| {
                    let _held = mutex.lock();
                    panic!("a thread panics while holding the lock (on purpose)");
                })
                .join();
            assert!(panicked.is_err());
        });
        assert!(mutex.is_poisoned());
    }

    #[test]
    fn poisoned_mutexes_do_not_stop_the_idle_check_or_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let state = unlocked_state(dir.path());
        state.settings.lock().unwrap().auto_lock_minutes = 1;
        state.touch();
        poison(&state.settings);
        poison(&state.last_activity);
        poison(&state.vault);
        poison(&state.last_deleted);
        poison(&state.hotp_codes);
        state.touch();
        let touched = *relock(&state.last_activity);
        assert!(!state.idle_due(touched + Duration::from_secs(59)));
        assert!(state.idle_due(touched + Duration::from_secs(61)));
        state.lock();
        assert!(relock(&state.vault).is_none(), "the vault locked");
        assert!(!state.idle_due(touched + Duration::from_secs(120)));
    }

    #[test]
    fn a_clock_set_back_restarts_the_idle_count() {
        let dir = tempfile::tempdir().unwrap();
        let state = unlocked_state(dir.path());
        state.settings.lock().unwrap().auto_lock_minutes = 1;
        state.touch();
        let touched = *state.last_activity.lock().unwrap();
        let set_back = touched - Duration::from_secs(3600);
        assert!(!state.idle_due(set_back));
        assert!(!state.idle_due(set_back + Duration::from_secs(59)));
        assert!(state.idle_due(set_back + Duration::from_secs(60)));
    }

    #[test]
    fn the_keyring_unlocks_after_a_lock_only_when_the_password_is_not_required() {
        let dir = tempfile::tempdir().unwrap();
        let state = unlocked_state(dir.path());
        state.settings.lock().unwrap().password_after_lock = true;
        assert!(state.keyring_unlock_allowed(), "at launch, before any lock");
        state.lock();
        assert!(!state.keyring_unlock_allowed());
        state.settings.lock().unwrap().password_after_lock = false;
        assert!(state.keyring_unlock_allowed());
    }

    /// An account whose secret is made from its issuer's first letter (a duplicate otherwise).
    fn totp(issuer: &str) -> countersign_otp::Account {
        let secret = countersign_otp::Secret::from_bytes(vec![issuer.as_bytes()[0]; 10]).unwrap();
        countersign_otp::Account::totp(issuer, "alice", secret)
    }

    fn issuers(state: &AppState) -> Vec<String> {
        let mut issuers = state
            .with_vault(|vault| {
                Ok(vault
                    .entries()
                    .iter()
                    .map(|entry| entry.account.issuer.clone())
                    .collect::<Vec<_>>())
            })
            .unwrap();
        issuers.sort();
        issuers
    }

    /// Another computer adds `issuer` to its copy of the vault in `dir`, and a sync engine
    /// writes that copy over the file in `dir`.
    fn added_elsewhere(dir: &Path, issuer: &str) {
        let there = tempfile::tempdir().unwrap();
        let file = countersign_vault::VAULT_FILE;
        std::fs::copy(dir.join(file), there.path().join(file)).unwrap();
        let store = Store::open(there.path()).unwrap();
        let mut other = store.unlock_with_password("pw").unwrap();
        other.add(totp(issuer)).unwrap();
        drop(other);
        std::fs::copy(there.path().join(file), dir.join(file)).unwrap();
    }

    #[test]
    fn a_save_refused_for_another_computers_version_merges_it_and_is_made_once_more() {
        let dir = tempfile::tempdir().unwrap();
        let state = unlocked_state(dir.path());
        state
            .with_vault(|vault| Ok(vault.add(totp("Here"))?))
            .unwrap();
        let told = std::sync::Arc::new(Mutex::new(Vec::new()));
        let sink = told.clone();
        state.follow_syncs(move |synced| sink.lock().unwrap().push(synced.counts));
        added_elsewhere(dir.path(), "There");

        let mut attempts = 0;
        state
            .with_vault(|vault| {
                attempts += 1;
                Ok(vault.add(totp("Edit"))?)
            })
            .unwrap();
        assert_eq!(attempts, 2, "refused once, then made on the merged vault");
        assert_eq!(issuers(&state), ["Edit", "Here", "There"]);
        // The window hears of the account that came in.
        assert_eq!(
            *told.lock().unwrap(),
            [crate::sync::Counts {
                added: 1,
                changed: 0,
                removed: 0
            }]
        );
        // Saved over the merged file: another unlock reads all three.
        drop(state);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.unlock_with_password("pw").unwrap().entries().len(), 3);
    }

    #[test]
    fn a_save_over_a_file_that_cannot_be_merged_is_refused_and_tried_once() {
        let dir = tempfile::tempdir().unwrap();
        let state = unlocked_state(dir.path());
        // Another vault altogether replaced the file.
        let stranger = tempfile::tempdir().unwrap();
        drop(unlocked_state(stranger.path()));
        let file = countersign_vault::VAULT_FILE;
        std::fs::copy(stranger.path().join(file), dir.path().join(file)).unwrap();

        let mut attempts = 0;
        let refused = state
            .with_vault(|vault| {
                attempts += 1;
                Ok(vault.add(totp("Edit"))?)
            })
            .unwrap_err();
        assert_eq!(refused.kind, "changed_on_disk");
        assert_eq!(attempts, 1);
    }

    #[test]
    fn locking_forgets_the_undo_buffer_and_the_hotp_codes() {
        let dir = tempfile::tempdir().unwrap();
        let state = unlocked_state(dir.path());
        let account = countersign_otp::parse_uri(
            "otpauth://hotp/ACME:alice?secret=JBSWY3DPEHPK3PXP&counter=3",
        )
        .unwrap();
        let id = state
            .with_vault(|vault| Ok(vault.add(account.clone())?))
            .unwrap();
        let code = state
            .with_vault(|vault| Ok(vault.next_hotp_code(id)?))
            .unwrap();
        state
            .hotp_codes
            .lock()
            .unwrap()
            .insert(id, Zeroizing::new(code.text));
        let entry = state
            .with_vault(|vault| {
                let entry = vault.entry(id).cloned().expect("just added");
                vault.remove(id)?;
                Ok(entry)
            })
            .unwrap();
        *state.last_deleted.lock().unwrap() = Some((entry, 0));
        state.lock();
        assert!(state.vault.lock().unwrap().is_none());
        assert!(state.last_deleted.lock().unwrap().is_none());
        assert!(state.hotp_codes.lock().unwrap().is_empty());
    }
}
