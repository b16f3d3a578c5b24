//! The vault in its data folder: open, create, unlock, and every change saved as it is made.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use countersign_otp::{Account, BackupCode, Code, Kind};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::backup_codes::{AddedCodes, StoredBackupCode};
use crate::crypto::{self, Key, TAG_LEN};
use crate::files::{self, Backup, InstanceLock};
use crate::format::{self, Header, MAX_FILE_LEN, Slot, SlotKind, SlotSummary};
use crate::kdf::{KdfParams, calibrate};
use crate::keyring::{self, Owner};
use crate::machine::machine_id;
use crate::payload::{Entry, Novelty, Payload, merge};
use crate::ratelimit::{Attempt, RateLimit};
use crate::recovery::RecoveryKey;
use crate::{Error, Result, now_ms};

mod relocate;
mod sync;

pub use sync::{CopyOutcome, CopyReport, DiskOutcome, MergeError, SyncReport};

/// The vault file's name in the vault's folder.
pub const VAULT_FILE: &str = "vault.countersign";
/// The lock file's name in the local folder.
pub const LOCK_FILE: &str = "vault.lock";
/// The unlock-attempts file's name in the local folder.
pub const ATTEMPTS_FILE: &str = "unlock-attempts.json";
/// The backups folder's name in the vault's folder.
pub const BACKUPS_DIR: &str = "backups";
/// The folder, in the local data folder, that holds one local folder per vault kept elsewhere.
pub const LOCAL_VAULTS_DIR: &str = "vaults";

/// The local folder for the vault `vault_id` kept outside `data_dir`: where its lock and
/// unlock-attempt record live, since those must not sync with the vault.
pub fn local_dir_for(data_dir: &Path, vault_id: Uuid) -> PathBuf {
    data_dir.join(LOCAL_VAULTS_DIR).join(vault_id.to_string())
}

/// What a data folder holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// No vault yet: time for onboarding.
    NoVault,
    /// A vault, locked.
    Locked(VaultInfo),
}

/// What can be known about a vault without unlocking it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultInfo {
    /// The vault's id (also the keyring entry's user name).
    pub vault_id: Uuid,
    /// How many times it has been saved.
    pub generation: u64,
    /// Which ways to unlock it has.
    pub slots: SlotSummary,
}

/// Reads the header of vault file bytes, without any key: id, generation, slots.
///
/// Fails as opening would for a damaged file, a newer version or anything that is not a vault.
pub fn inspect(bytes: &[u8]) -> Result<VaultInfo> {
    let parsed = format::parse(bytes)?;
    Ok(VaultInfo {
        vault_id: parsed.header.vault_id,
        generation: parsed.header.generation,
        slots: parsed.header.summary(),
    })
}

struct Inner {
    /// The vault's folder: the vault file and its backups.
    dir: PathBuf,
    /// The local folder: the lock and the unlock-attempt record (the same as `dir` unless the
    /// vault lives elsewhere).
    local: PathBuf,
    /// `None` for a read-only store. Shared by the stores of one local folder (see
    /// [`Store::relocated`]).
    lock: Option<Arc<InstanceLock>>,
    attempts: RateLimit,
}

impl Inner {
    fn vault_path(&self) -> PathBuf {
        self.dir.join(VAULT_FILE)
    }

    fn backups_dir(&self) -> PathBuf {
        self.dir.join(BACKUPS_DIR)
    }

    /// The vault file's bytes; [`Error::NoVault`] if there is none.
    fn read_vault(&self) -> Result<Vec<u8>> {
        let path = self.vault_path();
        let file = match fs::File::open(&path) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Err(Error::NoVault),
            Err(error) => return Err(Error::io(path)(error)),
        };
        let mut bytes = Vec::new();
        // One byte over the limit is enough to know it is too large.
        file.take(MAX_FILE_LEN + 1)
            .read_to_end(&mut bytes)
            .map_err(Error::io(&path))?;
        if bytes.len() as u64 > MAX_FILE_LEN {
            return Err(Error::corrupt("file too large"));
        }
        Ok(bytes)
    }
}

/// A data folder that holds (or will hold) a vault.
///
/// A writable store holds the folder's lock file for as long as it, or any vault unlocked from
/// it, lives: a second instance gets [`Error::InUse`].
///
/// ```no_run
/// use countersign_vault::{Status, Store, default_data_dir};
/// # fn main() -> Result<(), countersign_vault::Error> {
/// countersign_vault::disable_core_dumps().ok();
/// let store = Store::open(default_data_dir().expect("a home folder"))?;
/// let mut vault = match store.status()? {
///     Status::NoVault => {
///         let (vault, recovery) = store.create(Some("correct horse"), true)?;
///         println!("write this down: {}", *recovery.to_grouped());
///         vault
///     }
///     Status::Locked(info) if info.slots.keyring => store.unlock_with_keyring()?,
///     Status::Locked(_) => store.unlock_with_password("correct horse")?,
/// };
/// for entry in vault.entries() {
///     println!("{}", entry.account.display_name());
/// }
/// vault.lock();
/// # Ok(()) }
/// ```
pub struct Store {
    inner: Arc<Inner>,
    kdf: Option<KdfParams>,
    /// The machine whose keyring slot this store writes and reads.
    machine: Uuid,
}

impl Store {
    /// Opens a data folder for reading and writing, creating it (owner-only) if needed, and
    /// takes its lock. [`Error::InUse`] if another instance holds it.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Store> {
        let dir = dir.into();
        Store::open_split(dir.clone(), dir)
    }

    /// Opens a vault kept in `vault_dir` (vault file and backups, e.g. a synced folder) whose
    /// lock and unlock-attempt record live in `local_dir` (see [`local_dir_for`]), creating
    /// both folders (owner-only) if needed and taking the lock. [`Error::InUse`] if another
    /// instance holds it.
    pub fn open_split(
        vault_dir: impl Into<PathBuf>,
        local_dir: impl Into<PathBuf>,
    ) -> Result<Store> {
        let (dir, local) = (vault_dir.into(), local_dir.into());
        files::create_private_dir(&local).map_err(Error::io(&local))?;
        let lock = InstanceLock::acquire(&local.join(LOCK_FILE))?;
        files::create_private_dir(&dir).map_err(Error::io(&dir))?;
        // Holding the lock, no save of ours is under way: temporary files are leftovers of a
        // process killed mid-save.
        files::remove_stale_temporaries(&dir, &[VAULT_FILE]);
        files::remove_stale_temporaries(&local, &[ATTEMPTS_FILE]);
        files::remove_stale_backup_temporaries(&dir.join(BACKUPS_DIR));
        Ok(Store::new(dir, local, Some(Arc::new(lock))))
    }

    /// Opens a data folder without taking its lock (for viewing while another instance runs).
    /// Everything that would save fails with [`Error::ReadOnly`].
    pub fn open_read_only(dir: impl Into<PathBuf>) -> Store {
        let dir = dir.into();
        Store::open_read_only_split(dir.clone(), dir)
    }

    /// Like [`Store::open_read_only`] for a vault kept in `vault_dir` with its unlock-attempt
    /// record in `local_dir` (wrong guesses count there even when nothing can be saved).
    pub fn open_read_only_split(
        vault_dir: impl Into<PathBuf>,
        local_dir: impl Into<PathBuf>,
    ) -> Store {
        Store::new(vault_dir.into(), local_dir.into(), None)
    }

    /// A writable store for the vault folder `vault_dir` with its local files in `local_dir`,
    /// for moving this store's vault there ([`Unlocked::move_to`]). The lock is shared when
    /// `local_dir` is this store's; otherwise the new one is taken and the unlock-attempt
    /// record copied, so that moving does not reset it. Nothing is written to `vault_dir`
    /// but an empty folder.
    pub fn relocated(
        &self,
        vault_dir: impl Into<PathBuf>,
        local_dir: impl Into<PathBuf>,
    ) -> Result<Store> {
        let Some(lock) = &self.inner.lock else {
            return Err(Error::ReadOnly);
        };
        let (dir, local) = (vault_dir.into(), local_dir.into());
        let store = if local == self.inner.local {
            files::create_private_dir(&dir).map_err(Error::io(&dir))?;
            Store::new(dir, local, Some(Arc::clone(lock)))
        } else {
            let store = Store::open_split(dir, local)?;
            let record = self.inner.local.join(ATTEMPTS_FILE);
            match fs::read(&record) {
                Ok(bytes) => {
                    let copy = store.inner.local.join(ATTEMPTS_FILE);
                    files::write_atomically(&copy, &bytes).map_err(Error::io(copy))?;
                }
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => return Err(Error::io(record)(error)),
            }
            store
        };
        Ok(Store {
            kdf: self.kdf,
            machine: self.machine,
            ..store
        })
    }

    fn new(dir: PathBuf, local: PathBuf, lock: Option<Arc<InstanceLock>>) -> Store {
        let attempts = RateLimit::new(local.join(ATTEMPTS_FILE));
        Store {
            inner: Arc::new(Inner {
                dir,
                local,
                lock,
                attempts,
            }),
            kdf: None,
            machine: machine_id(),
        }
    }

    /// Uses these Argon2id parameters for new password slots instead of [`calibrate`]'s.
    /// For tests and benchmarks.
    pub fn with_kdf(mut self, params: KdfParams) -> Store {
        self.kdf = Some(params);
        self
    }

    /// Acts as the machine with this id: its keyring slot is the one written and read. For
    /// tests that play several machines; the app and CLI keep [`machine_id`]'s.
    pub fn with_machine_id(mut self, machine: Uuid) -> Store {
        self.machine = machine;
        self
    }

    /// Whether this store was opened read-only ([`Store::open_read_only`]): it saves nothing.
    pub fn is_read_only(&self) -> bool {
        self.inner.lock.is_none()
    }

    /// The vault's folder: the vault file and its backups.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The local folder: the lock and the unlock-attempt record (the vault's folder unless
    /// opened with [`Store::open_split`]).
    pub fn local_dir(&self) -> &Path {
        &self.inner.local
    }

    /// Whether there is a vault, and if so which ways to unlock it has on this machine (its
    /// keyring slot only counts here: see [`SlotSummary::keyring`]).
    pub fn status(&self) -> Result<Status> {
        match self.inner.read_vault() {
            Ok(bytes) => {
                let header = format::parse(&bytes)?.header;
                Ok(Status::Locked(VaultInfo {
                    vault_id: header.vault_id,
                    generation: header.generation,
                    slots: header.summary_for(Some(self.machine)),
                }))
            }
            Err(Error::NoVault) => Ok(Status::NoVault),
            Err(error) => Err(error),
        }
    }

    /// How long until the next password or recovery-key attempt is allowed, if one must wait.
    pub fn unlock_wait(&self) -> Option<Duration> {
        self.inner.attempts.wait()
    }

    /// Creates the vault: a password slot (if `password` is given), a keyring slot (if
    /// `use_keyring`), and always a recovery slot, whose key is returned to be shown once.
    ///
    /// Needs a password or the keyring ([`Error::PasswordRequired`]). If the keyring fails,
    /// nothing is written and the error says why ([`Error::KeyringUnavailable`]).
    pub fn create(
        &self,
        password: Option<&str>,
        use_keyring: bool,
    ) -> Result<(Unlocked, RecoveryKey)> {
        if self.inner.lock.is_none() {
            return Err(Error::ReadOnly);
        }
        if password.is_none() && !use_keyring {
            return Err(Error::PasswordRequired);
        }
        if password.is_some_and(str::is_empty) {
            return Err(Error::EmptyPassword);
        }
        if self.inner.vault_path().exists() {
            return Err(Error::VaultExists);
        }
        let vault_id = Uuid::new_v4();
        let master = Key::random();
        let mut header = Header {
            vault_id,
            generation: 0,
            nonce: crypto::random(),
            slots: Vec::new(),
        };
        if let Some(password) = password {
            let kdf = self.kdf.unwrap_or_else(calibrate);
            header.set_slot(password_slot(vault_id, &master, password, kdf)?);
        }
        let owner = Owner {
            vault_id,
            machine: Some(self.machine),
        };
        if use_keyring {
            let key = Key::random();
            keyring::store_key(owner, &key)?;
            header.set_slot(machine_slot(owner, &master, &key));
        }
        let recovery = RecoveryKey::random();
        header.set_slot(recovery_slot(vault_id, &master, &recovery));

        let mut vault = Unlocked {
            inner: Arc::clone(&self.inner),
            kdf: self.kdf,
            machine: self.machine,
            master,
            header,
            on_disk: None,
            payload: Payload::default(),
        };
        if let Err(error) = vault.commit(|_, _| Ok(())) {
            if use_keyring {
                // Best effort: the key protects nothing now.
                let _ = keyring::delete_key(owner);
            }
            return Err(error);
        }
        Ok((vault, recovery))
    }

    /// Unlocks with the key kept in the OS keyring (no password prompt): this machine's
    /// keyring slot, else the slot of a vault written before slots named their machine.
    /// [`Error::NoSuchSlot`] when neither is there (e.g. a vault synced in from a machine whose
    /// keyring holds its key: the password opens it, and [`Unlocked::add_keyring_slot`] adds
    /// this machine's).
    pub fn unlock_with_keyring(&self) -> Result<Unlocked> {
        let bytes = self.inner.read_vault()?;
        let parsed = format::parse(&bytes)?;
        let master = open_keyring_slot(&parsed.header, self.machine)?;
        self.finish(parsed, master)
    }

    /// Unlocks with the password. Rate limited: see [`Store::unlock_wait`].
    ///
    /// One attempt at a time per data folder: a second one (another thread, or another process
    /// on the same folder) waits until the first has ended, then is refused with
    /// [`Error::RateLimited`] if the first failed and a delay is due. The attempt is counted on
    /// disk before Argon2id runs, and the count is cleared if the password is right.
    pub fn unlock_with_password(&self, password: &str) -> Result<Unlocked> {
        let mut attempt = self.begin_attempt()?;
        let bytes = self.inner.read_vault()?;
        let parsed = format::parse(&bytes)?;
        let result = open_password_slot(&parsed.header, password, || attempt.record());
        let master = settle(attempt, result)?;
        self.finish(parsed, master)
    }

    /// Unlocks with the recovery key, as typed or scanned. Rate limited, one attempt at a
    /// time and counted before the key is derived, like passwords.
    pub fn unlock_with_recovery(&self, recovery_key: &str) -> Result<Unlocked> {
        let mut attempt = self.begin_attempt()?;
        let bytes = self.inner.read_vault()?;
        let parsed = format::parse(&bytes)?;
        let Some(Slot::Recovery(wrapped)) = parsed.header.slot(SlotKind::Recovery) else {
            return Err(Error::NoSuchSlot("recovery"));
        };
        attempt.record();
        let master = RecoveryKey::parse(recovery_key).and_then(|key| {
            let context = Slot::context(parsed.header.vault_id, SlotKind::Recovery, &[]);
            crypto::unwrap(&key.wrapping_key(), wrapped, &context)
        });
        let master = settle(attempt, master.ok_or(Error::WrongRecoveryKey))?;
        self.finish(parsed, master)
    }

    /// The backups kept next to the vault, oldest first.
    pub fn backups(&self) -> Result<Vec<Backup>> {
        let dir = self.inner.backups_dir();
        files::list_backups(&dir).map_err(Error::io(dir))
    }

    /// Puts a backup back as the vault (e.g. after the vault was damaged). The current vault
    /// file, if any, is kept next to it as `vault.countersign.replaced-<time>`.
    pub fn restore_backup(&self, backup: &Backup) -> Result<()> {
        if self.inner.lock.is_none() {
            return Err(Error::ReadOnly);
        }
        let bytes = fs::read(&backup.path).map_err(Error::io(&backup.path))?;
        inspect(&bytes)?;
        let vault = self.inner.vault_path();
        if vault.exists() {
            let aside = self
                .inner
                .dir
                .join(format!("{VAULT_FILE}.replaced-{}", now_ms()));
            fs::hard_link(&vault, &aside)
                .or_else(|_| fs::copy(&vault, &aside).map(drop))
                .map_err(Error::io(aside))?;
        }
        files::write_atomically(&vault, &bytes).map_err(Error::io(vault))
    }

    /// Waits for any attempt in flight on this folder, then starts one, or says how long to
    /// wait.
    fn begin_attempt(&self) -> Result<Attempt<'_>> {
        self.inner
            .attempts
            .begin()
            .map_err(|wait| Error::RateLimited { wait })
    }

    /// Decrypts the payload with the unwrapped master key.
    fn finish(&self, parsed: format::Parsed<'_>, master: Key) -> Result<Unlocked> {
        let payload = decrypt_payload(&parsed, &master)?;
        let on_disk = Some(parsed.checksum());
        Ok(Unlocked {
            inner: Arc::clone(&self.inner),
            kdf: self.kdf,
            machine: self.machine,
            master,
            header: parsed.header,
            on_disk,
            payload,
        })
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.inner.dir)
            .field("local", &self.inner.local)
            .field("read_only", &self.inner.lock.is_none())
            .finish()
    }
}

/// Ends a guess: a wrong password or recovery key stays counted, a right one clears the count,
/// and any other error does neither.
fn settle<T>(attempt: Attempt<'_>, result: Result<T>) -> Result<T> {
    match &result {
        Ok(_) => attempt.succeeded(),
        Err(Error::WrongPassword | Error::WrongRecoveryKey) => attempt.failed(),
        Err(_) => attempt.not_a_guess(),
    }
    result
}

pub(crate) fn decrypt_payload(parsed: &format::Parsed<'_>, master: &Key) -> Result<Payload> {
    let plaintext = crypto::open(
        master,
        &parsed.header.nonce,
        parsed.header_bytes,
        parsed.ciphertext,
    )
    .ok_or(Error::corrupt(sync::PAYLOAD_NOT_AUTHENTIC))?;
    serde_json::from_slice(&plaintext).map_err(|_| Error::corrupt("payload is not valid"))
}

/// The payload as JSON, in a buffer allocated once at its exact size (plus room for the tag):
/// a growing buffer would leave copies of the secrets behind in freed memory.
fn serialize_payload(payload: &Payload) -> Zeroizing<Vec<u8>> {
    struct Count(usize);
    impl io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, payload).expect("the payload serialises");
    let mut buffer = Zeroizing::new(Vec::with_capacity(count.0 + TAG_LEN));
    serde_json::to_writer(&mut *buffer, payload).expect("the payload serialises");
    buffer
}

/// Unwraps the master key with the password. `before_derive` runs once the slot and its Argon2id
/// cost have been checked, just before the derivation (where unlocking counts the attempt).
pub(crate) fn open_password_slot(
    header: &Header,
    password: &str,
    before_derive: impl FnOnce(),
) -> Result<Key> {
    unwrap_password_slot(header, password, before_derive).map(|(_, master)| master)
}

/// Like [`open_password_slot`], and also returns the key the password derives (to wrap a new
/// master key in the same slot without running Argon2id again): `(wrapping key, master key)`.
fn unwrap_password_slot(
    header: &Header,
    password: &str,
    before_derive: impl FnOnce(),
) -> Result<(Key, Key)> {
    let Some(Slot::Password { kdf, salt, wrapped }) = header.slot(SlotKind::Password) else {
        return Err(Error::NoSuchSlot("password"));
    };
    kdf.check_cap()?;
    before_derive();
    let key = kdf.derive(password.as_bytes(), salt)?;
    let params = Slot::password_params(kdf, salt);
    let context = Slot::context(header.vault_id, SlotKind::Password, &params);
    let master = crypto::unwrap(&key, wrapped, &context).ok_or(Error::WrongPassword)?;
    Ok((key, master))
}

/// The password slot re-made around another master key: same Argon2id parameters and salt
/// (so the same derived `key`), a fresh wrapping nonce.
fn rewrap_password_slot(header: &Header, key: &Key, master: &Key) -> Option<Slot> {
    let Some(Slot::Password { kdf, salt, .. }) = header.slot(SlotKind::Password) else {
        return None;
    };
    let params = Slot::password_params(kdf, salt);
    let context = Slot::context(header.vault_id, SlotKind::Password, &params);
    Some(Slot::Password {
        kdf: *kdf,
        salt: *salt,
        wrapped: crypto::wrap(key, master, &context),
    })
}

pub(crate) fn password_slot(
    vault_id: Uuid,
    master: &Key,
    password: &str,
    kdf: KdfParams,
) -> Result<Slot> {
    if password.is_empty() {
        return Err(Error::EmptyPassword);
    }
    let salt = crypto::random();
    let key = kdf.derive(password.as_bytes(), &salt)?;
    let params = Slot::password_params(&kdf, &salt);
    let context = Slot::context(vault_id, SlotKind::Password, &params);
    Ok(Slot::Password {
        kdf,
        salt,
        wrapped: crypto::wrap(&key, master, &context),
    })
}

/// The keyring slot of `owner`'s machine around `master`.
fn machine_slot(owner: Owner, master: &Key, key: &Key) -> Slot {
    let machine = owner.machine.expect("a machine slot names its machine");
    let context = Slot::context(owner.vault_id, SlotKind::MachineKeyring, machine.as_bytes());
    Slot::MachineKeyring {
        machine,
        wrapped: crypto::wrap(key, master, &context),
    }
}

/// The slot that names no machine, around `master`.
fn legacy_keyring_slot(vault_id: Uuid, master: &Key, key: &Key) -> Slot {
    let context = Slot::context(vault_id, SlotKind::Keyring, &[]);
    Slot::Keyring(crypto::wrap(key, master, &context))
}

/// The keyring slot `machine` can open: its own, else the one that names no machine. Returns
/// which it is and the key from the keyring that opens it.
fn keyring_key(header: &Header, machine: Uuid) -> Result<(Owner, Key, Key)> {
    let vault_id = header.vault_id;
    let (owner, wrapped, context) = if let Some(wrapped) = header.machine_slot(machine) {
        let context = Slot::context(vault_id, SlotKind::MachineKeyring, machine.as_bytes());
        let owner = Owner {
            vault_id,
            machine: Some(machine),
        };
        (owner, wrapped, context)
    } else if let Some(Slot::Keyring(wrapped)) = header.slot(SlotKind::Keyring) {
        let context = Slot::context(vault_id, SlotKind::Keyring, &[]);
        let owner = Owner {
            vault_id,
            machine: None,
        };
        (owner, wrapped, context)
    } else {
        return Err(Error::NoSuchSlot("keyring"));
    };
    let key = keyring::load_key(owner)?;
    let master = crypto::unwrap(&key, wrapped, &context).ok_or(Error::KeyringKeyMissing)?;
    Ok((owner, key, master))
}

/// Unwraps the master key with `machine`'s keyring key (see [`keyring_key`]).
fn open_keyring_slot(header: &Header, machine: Uuid) -> Result<Key> {
    keyring_key(header, machine).map(|(_, _, master)| master)
}

fn recovery_slot(vault_id: Uuid, master: &Key, recovery: &RecoveryKey) -> Slot {
    let context = Slot::context(vault_id, SlotKind::Recovery, &[]);
    Slot::Recovery(crypto::wrap(&recovery.wrapping_key(), master, &context))
}

/// What becomes of the backups kept next to the vault when its master key changes
/// ([`Unlocked::change_password`], [`Unlocked::new_recovery_key`],
/// [`Unlocked::remove_keyring_slot`]). Each backup is a whole vault file of an earlier
/// generation, with the slots it had then: left alone, it would still open with the old
/// password, recovery key or keyring key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupPolicy {
    /// Re-encrypt each backup under the new master key, with the vault's new slots: they keep
    /// their accounts and open with the new credentials only.
    ReEncrypt,
    /// Delete the backups.
    Remove,
}

/// What becomes of the recovery key when the master key changes. Its slot must be wrapped
/// around the new master key, which needs the recovery key itself: the app does not keep it.
#[derive(Clone, Copy)]
pub enum Recovery<'a> {
    /// Keep the current recovery key, as the person types or scans it: checked against the
    /// recovery slot (rate limited like an unlock attempt) and wrapped around the new key.
    Keep(&'a str),
    /// Make a new recovery key (the old one stops working), returned in
    /// [`Rekeyed::recovery_key`] to be shown once.
    Replace,
}

impl std::fmt::Debug for Recovery<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Recovery::Keep(_) => f.write_str("Keep(<redacted>)"),
            Recovery::Replace => f.write_str("Replace"),
        }
    }
}

/// What a credential change that re-keyed the vault did.
#[derive(Debug)]
#[must_use = "a new recovery key must be shown to the person"]
pub struct Rekeyed {
    /// The new recovery key, to show once, when one was made ([`Recovery::Replace`]).
    pub recovery_key: Option<RecoveryKey>,
    /// Backups re-encrypted under the new master key ([`BackupPolicy::ReEncrypt`]).
    pub backups_reencrypted: usize,
    /// Backups deleted: all of them with [`BackupPolicy::Remove`]; with
    /// [`BackupPolicy::ReEncrypt`], those that could not be re-encrypted (damaged, or left
    /// under an even older key by an interrupted change).
    pub backups_removed: usize,
}

/// What [`Unlocked::add_all`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddReport {
    /// Ids of the added entries, in input order.
    pub added: Vec<Uuid>,
    /// Accounts not added because their secret is already in the vault: (index in the input,
    /// the entry that has it).
    pub duplicates: Vec<(usize, Uuid)>,
}

/// An unlocked vault. Every change is saved before the method returns; if saving fails, the
/// change is not applied in memory either.
///
/// Dropping it (or [`Unlocked::lock`]) wipes the master key and the account secrets from memory.
pub struct Unlocked {
    inner: Arc<Inner>,
    kdf: Option<KdfParams>,
    /// The machine whose keyring slot is this one's (see [`Store::with_machine_id`]).
    machine: Uuid,
    master: Key,
    header: Header,
    /// Checksum of the header of the file as we last read or wrote it; `None` before creation.
    on_disk: Option<[u8; 32]>,
    payload: Payload,
}

impl std::fmt::Debug for Unlocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unlocked")
            .field("vault_id", &self.header.vault_id)
            .field("generation", &self.header.generation)
            .field("entries", &self.payload.entries.len())
            .finish_non_exhaustive()
    }
}

impl Unlocked {
    /// The vault's id.
    pub fn vault_id(&self) -> Uuid {
        self.header.vault_id
    }

    /// How many times the vault has been saved.
    pub fn generation(&self) -> u64 {
        self.header.generation
    }

    /// Which ways to unlock the vault has on this machine (see [`SlotSummary::keyring`]).
    pub fn slots(&self) -> SlotSummary {
        self.header.summary_for(Some(self.machine))
    }

    /// The entries, in the person's order.
    pub fn entries(&self) -> &[Entry] {
        &self.payload.entries
    }

    /// The entry with this id.
    pub fn entry(&self, id: Uuid) -> Option<&Entry> {
        self.payload.entry(id)
    }

    /// Everything the vault holds, tombstones included (for export and merging).
    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    /// Wipes the keys and secrets from memory. The same as dropping the value.
    pub fn lock(self) {}

    /// Adds an account. [`Error::Duplicate`] if one with the same secret is already there.
    pub fn add(&mut self, account: Account) -> Result<Uuid> {
        let report = self.add_all(vec![account])?;
        match (report.added.first(), report.duplicates.first()) {
            (Some(id), _) => Ok(*id),
            (None, Some((_, existing))) => Err(Error::Duplicate {
                existing: *existing,
            }),
            (None, None) => unreachable!("one account is either added or a duplicate"),
        }
    }

    /// Adds many accounts with one save (imports), skipping those whose secret is already in
    /// the vault or earlier in `accounts` (as [`Unlocked::sort_new`] tells them apart). Fails
    /// without adding anything if one is invalid.
    pub fn add_all(&mut self, accounts: Vec<Account>) -> Result<AddReport> {
        self.add_all_with_backup_codes(accounts, Vec::new())
    }

    /// [`Unlocked::add_all`] for accounts that come with backup codes (from Countersign's own
    /// backup): `codes[i]`, if there, are the listed codes of `accounts[i]`, kept in their
    /// state on the entry it becomes. An account already in the vault keeps its own.
    pub fn add_all_with_backup_codes(
        &mut self,
        accounts: Vec<Account>,
        mut codes: Vec<Vec<StoredBackupCode>>,
    ) -> Result<AddReport> {
        for account in &accounts {
            account.validate()?;
        }
        codes.resize(accounts.len(), Vec::new());
        let now = now_ms();
        self.commit(move |_, payload| {
            let novelties = payload.sort_new(&accounts);
            let mut report = AddReport::default();
            // The id each new account got, by input index: a repeat is reported as its first.
            let mut added_ids: Vec<Option<Uuid>> = vec![None; accounts.len()];
            for ((index, account), novelty) in accounts.into_iter().enumerate().zip(novelties) {
                match novelty {
                    Novelty::InVault(existing) => report.duplicates.push((index, existing)),
                    Novelty::Repeat(first) => {
                        let first = added_ids[first].expect("a repeat follows its new first");
                        report.duplicates.push((index, first));
                    }
                    Novelty::New => {
                        let id = payload.push(account, now);
                        if !codes[index].is_empty() {
                            payload.restore_backup_codes(id, &codes[index], now)?;
                        }
                        added_ids[index] = Some(id);
                        report.added.push(id);
                    }
                }
            }
            Ok(report)
        })
    }

    /// Which of `accounts` are new to the vault and which it already has, without changing
    /// anything: what [`Unlocked::add_all`] would add and skip, for previews and confirmations.
    pub fn sort_new<'a>(&self, accounts: impl IntoIterator<Item = &'a Account>) -> Vec<Novelty> {
        self.payload.sort_new(accounts)
    }

    /// Replaces an entry's account (edit). [`Error::Duplicate`] if the new secret belongs to
    /// another entry.
    pub fn update(&mut self, id: Uuid, account: Account) -> Result<()> {
        account.validate()?;
        if let Some(other) = self.payload.find_secret(&account)
            && other.id != id
        {
            return Err(Error::Duplicate { existing: other.id });
        }
        self.commit(move |_, payload| payload.edit(id, account, now_ms()))
    }

    /// Deletes an entry, leaving a tombstone so that merging with an older copy does not bring
    /// it back.
    pub fn remove(&mut self, id: Uuid) -> Result<()> {
        self.commit(|_, payload| payload.delete(id, now_ms()).map(drop))
    }

    /// Puts the listed entries first, in this order; the others follow in their current order.
    pub fn reorder(&mut self, order: &[Uuid]) -> Result<()> {
        if let Some(unknown) = order.iter().find(|id| self.payload.entry(**id).is_none()) {
            return Err(Error::NotFound(*unknown));
        }
        self.commit(|_, payload| {
            payload.reorder(order, now_ms());
            Ok(())
        })
    }

    /// Records that a code of this entry was used (copied or typed), for "recently used" sorting.
    pub fn mark_used(&mut self, id: Uuid) -> Result<()> {
        self.commit(|_, payload| {
            let entry = payload.entry_mut(id).ok_or(Error::NotFound(id))?;
            entry.last_used_ms = Some(now_ms());
            Ok(())
        })
    }

    /// The next code of an HOTP entry. The advanced counter is saved before the code is
    /// returned, so a code is never shown twice, even after a crash.
    pub fn next_hotp_code(&mut self, id: Uuid) -> Result<Code> {
        let entry = self.payload.entry(id).ok_or(Error::NotFound(id))?;
        if !matches!(entry.account.kind, Kind::Hotp { .. }) {
            return Err(Error::NotHotp);
        }
        let code = entry.account.code_at(0)?;
        self.commit(|_, payload| payload.advance_hotp(id, now_ms()))?;
        Ok(code)
    }

    /// Adds backup codes to an account's list (see [`Payload::add_backup_codes`]).
    pub fn add_backup_codes(&mut self, id: Uuid, codes: Vec<BackupCode>) -> Result<AddedCodes> {
        self.commit(|_, payload| payload.add_backup_codes(id, codes, now_ms()))
    }

    /// Hands out an account's next unused backup code, saved as used (with the time) before it
    /// is returned, so a code is never handed out twice.
    pub fn use_backup_code(&mut self, id: Uuid) -> Result<BackupCode> {
        self.commit(|_, payload| payload.use_backup_code(id, now_ms()))
    }

    /// Marks the listed backup code at `index` used or unused (an undo).
    pub fn mark_backup_code(&mut self, id: Uuid, index: usize, used: bool) -> Result<()> {
        self.commit(|_, payload| payload.mark_backup_code(id, index, used, now_ms()))
    }

    /// Removes an account's list of backup codes; returns how many were listed.
    pub fn remove_backup_codes(&mut self, id: Uuid) -> Result<usize> {
        self.commit(|_, payload| payload.remove_backup_codes(id, now_ms()))
    }

    /// Gives an account the listed codes of another list, in their state (see
    /// [`Payload::restore_backup_codes`]).
    pub fn restore_backup_codes(&mut self, id: Uuid, codes: &[StoredBackupCode]) -> Result<()> {
        self.commit(|_, payload| payload.restore_backup_codes(id, codes, now_ms()))
    }

    /// Checks the password again (before showing a secret, changing settings...). Rate
    /// limited, one attempt at a time and counted before Argon2id runs, like unlocking.
    pub fn verify_password(&self, password: &str) -> Result<()> {
        let mut attempt = self
            .inner
            .attempts
            .begin()
            .map_err(|wait| Error::RateLimited { wait })?;
        let result = open_password_slot(&self.header, password, || attempt.record());
        settle(attempt, result).map(drop)
    }

    /// Gives a vault that has no password one (a keyring-only vault). The password would open
    /// the secrets to whoever sets it, so the recovery key is asked for: typed or scanned, checked
    /// against the recovery slot ([`Error::WrongRecoveryKey`] if it does not open it), rate
    /// limited and counted like an unlock attempt. [`Error::PasswordExists`] if the vault already
    /// has a password: [`Unlocked::change_password`] replaces it.
    ///
    /// Adding an unlock method takes none away, so the master key stays the same.
    pub fn add_password(&mut self, password: &str, recovery_key: &str) -> Result<()> {
        if self.header.summary().password {
            return Err(Error::PasswordExists);
        }
        if password.is_empty() {
            return Err(Error::EmptyPassword);
        }
        self.check_recovery_key(recovery_key)?;
        let kdf = self.kdf.unwrap_or_else(calibrate);
        let slot = password_slot(self.header.vault_id, &self.master, password, kdf)?;
        self.commit(|header, _| {
            header.set_slot(slot);
            Ok(())
        })
    }

    /// Replaces the password, after checking the current one (rate limited like unlocking).
    /// Argon2id parameters are calibrated for this machine.
    ///
    /// The old password must stop opening anything, so the vault is re-keyed: a new master key,
    /// every remaining slot wrapped around it (the keyring's key is read back from the keyring,
    /// which must be available), `recovery` says what becomes of the recovery key, and `backups`
    /// what becomes of the backups, which hold the old slots. See [`Rekeyed`].
    /// [`Error::NoSuchSlot`] if the vault has no password: [`Unlocked::add_password`] sets one.
    pub fn change_password(
        &mut self,
        current: &str,
        new: &str,
        recovery: Recovery<'_>,
        backups: BackupPolicy,
    ) -> Result<Rekeyed> {
        if new.is_empty() {
            return Err(Error::EmptyPassword);
        }
        self.check_rekeyable()?;
        self.check_password(current)?;
        let kdf = self.kdf.unwrap_or_else(calibrate);
        let master = Key::random();
        let slot = password_slot(self.header.vault_id, &master, new, kdf)?;
        self.rekey(master, Some(slot), true, recovery, backups)
    }

    /// Adds this machine's keyring slot (or re-makes it): later launches on this machine
    /// unlock without a password while the OS keyring is available. Other machines' keyring
    /// slots (a vault in a synced folder) stay.
    ///
    /// The key this machine's keyring already holds for the vault is used again, else a new
    /// one is stored: a copy of the vault still holding this machine's older slot (synced
    /// elsewhere, merged back) then still opens with it.
    pub fn add_keyring_slot(&mut self) -> Result<()> {
        let owner = self.owner();
        let key = match keyring::load_key(owner) {
            Ok(key) => key,
            Err(Error::KeyringKeyMissing) => {
                let key = Key::random();
                keyring::store_key(owner, &key)?;
                key
            }
            Err(error) => return Err(error),
        };
        let slot = machine_slot(owner, &self.master, &key);
        self.commit(|header, _| {
            header.set_slot(slot);
            Ok(())
        })
    }

    /// This machine's keyring entry for this vault.
    fn owner(&self) -> Owner {
        Owner {
            vault_id: self.header.vault_id,
            machine: Some(self.machine),
        }
    }

    /// Removes the keyring slots and (best effort) this machine's key from its keyring, after
    /// checking the password (rate limited like unlocking). Refused when there is no password
    /// slot ([`Error::LastCredential`]): the vault would open only with the recovery key.
    ///
    /// A key left in a keyring must open nothing, so the vault is re-keyed like
    /// [`Unlocked::change_password`] does, the password slot keeping its password. Every
    /// machine's keyring slot goes (another machine's key cannot be read here to re-wrap its
    /// slot); once the file is synced there, each machine opens it with the password.
    pub fn remove_keyring_slot(
        &mut self,
        password: &str,
        recovery: Recovery<'_>,
        backups: BackupPolicy,
    ) -> Result<Rekeyed> {
        if !self.header.summary().keyring {
            return Err(Error::NoSuchSlot("keyring"));
        }
        if !self.header.summary().password {
            return Err(Error::LastCredential);
        }
        self.check_rekeyable()?;
        let wrapping = self.check_password(password)?;
        let master = Key::random();
        let slot = rewrap_password_slot(&self.header, &wrapping, &master);
        let rekeyed = self.rekey(master, slot, false, recovery, backups)?;
        // The slot is gone from the vault and the master key it wrapped is no longer used; a
        // key left in an unavailable keyring opens nothing but backups that were kept.
        let _ = keyring::delete_key(self.owner());
        let _ = keyring::delete_key(Owner {
            machine: None,
            ..self.owner()
        });
        Ok(rekeyed)
    }

    /// Replaces the recovery slot with a new key, returned in [`Rekeyed::recovery_key`] to be
    /// shown once, after checking the password (rate limited like unlocking; a vault without a
    /// password gets [`Error::NoSuchSlot`]: whoever could make a recovery key could then set a
    /// password with it).
    ///
    /// The old key must stop opening anything, so the vault is re-keyed like
    /// [`Unlocked::change_password`] does, the password slot keeping its password.
    pub fn new_recovery_key(&mut self, password: &str, backups: BackupPolicy) -> Result<Rekeyed> {
        self.check_rekeyable()?;
        let wrapping = self.check_password(password)?;
        let master = Key::random();
        let slot = rewrap_password_slot(&self.header, &wrapping, &master);
        self.rekey(master, slot, true, Recovery::Replace, backups)
    }

    /// Checks the password (one rate-limited attempt) and returns the key it derives.
    fn check_password(&self, password: &str) -> Result<Key> {
        let mut attempt = self
            .inner
            .attempts
            .begin()
            .map_err(|wait| Error::RateLimited { wait })?;
        let result = unwrap_password_slot(&self.header, password, || attempt.record());
        settle(attempt, result).map(|(wrapping, _)| wrapping)
    }

    /// Checks the recovery key against the recovery slot (one rate-limited attempt) and returns
    /// it parsed.
    fn check_recovery_key(&self, recovery_key: &str) -> Result<RecoveryKey> {
        let Some(Slot::Recovery(wrapped)) = self.header.slot(SlotKind::Recovery) else {
            return Err(Error::NoSuchSlot("recovery"));
        };
        let mut attempt = self
            .inner
            .attempts
            .begin()
            .map_err(|wait| Error::RateLimited { wait })?;
        attempt.record();
        let parsed = RecoveryKey::parse(recovery_key);
        let master = parsed.as_ref().and_then(|key| {
            let context = Slot::context(self.header.vault_id, SlotKind::Recovery, &[]);
            crypto::unwrap(&key.wrapping_key(), wrapped, &context)
        });
        settle(attempt, master.ok_or(Error::WrongRecoveryKey))?;
        Ok(parsed.expect("a key that opened the slot parsed"))
    }

    /// Re-keying re-wraps every slot; slots of a newer version cannot be, and dropping them
    /// would take away a way to unlock that the person set up there.
    fn check_rekeyable(&self) -> Result<()> {
        match self.header.summary().unknown {
            0 => Ok(()),
            count => Err(Error::NewerSlots { count }),
        }
    }

    /// Saves the vault under `master`, a new master key: `password` is its password slot
    /// (`None`: none), the keyring slot is kept (its key read back from the keyring) if
    /// `keep_keyring` and there is one, the recovery slot is made as `recovery` says. Only once
    /// that file is in place are the backups dealt with, as `backups` says.
    fn rekey(
        &mut self,
        master: Key,
        password: Option<Slot>,
        keep_keyring: bool,
        recovery: Recovery<'_>,
        backups: BackupPolicy,
    ) -> Result<Rekeyed> {
        let vault_id = self.header.vault_id;
        // Only this machine's keyring slot can be re-wrapped: its key is in this keyring.
        let keyring = match keyring_key(&self.header, self.machine) {
            Ok((owner, key, _)) if keep_keyring => Some(match owner.machine {
                Some(_) => machine_slot(owner, &master, &key),
                None => legacy_keyring_slot(vault_id, &master, &key),
            }),
            Err(Error::NoSuchSlot(_)) => None,
            Err(error) if keep_keyring => return Err(error),
            _ => None,
        };
        let (recovery_slot, new_recovery) = match recovery {
            Recovery::Keep(text) => {
                let key = self.check_recovery_key(text)?;
                (recovery_slot(vault_id, &master, &key), None)
            }
            Recovery::Replace => {
                let key = RecoveryKey::random();
                (recovery_slot(vault_id, &master, &key), Some(key))
            }
        };
        let mut header = self.header.clone();
        if password.is_none() {
            header.remove_slot(SlotKind::Password);
        }
        let ours = match &keyring {
            Some(Slot::MachineKeyring { machine, .. }) => Some(*machine),
            _ => None,
        };
        header.remove_machine_slots_except(ours);
        if !matches!(keyring, Some(Slot::Keyring(_))) {
            header.remove_slot(SlotKind::Keyring);
        }
        // Every slot left is replaced in place, so the slots keep their order.
        for slot in password.into_iter().chain(keyring).chain([recovery_slot]) {
            header.set_slot(slot);
        }
        let payload = self.payload.clone();
        self.on_disk = Some(self.save(&master, &mut header, &payload)?);
        let old = std::mem::replace(&mut self.master, master);
        self.header = header;
        let (reencrypted, removed) = self.settle_backups(&old, backups);
        Ok(Rekeyed {
            recovery_key: new_recovery,
            backups_reencrypted: reencrypted,
            backups_removed: removed,
        })
    }

    /// After a re-key, deals with the backups, which still hold the old slots around the `old`
    /// master key: each is re-encrypted (same generation and accounts, the vault's new slots
    /// and master key) or removed. A backup that the old master key does not open (left by an
    /// earlier re-key that was interrupted) cannot be re-encrypted and is removed, and so is one
    /// that cannot be rewritten. Returns how many were re-encrypted and how many removed.
    fn settle_backups(&self, old: &Key, policy: BackupPolicy) -> (usize, usize) {
        let Ok(list) = files::list_backups(&self.inner.backups_dir()) else {
            return (0, 0);
        };
        let (mut reencrypted, mut removed) = (0, 0);
        for backup in list {
            if policy == BackupPolicy::ReEncrypt && self.reencrypt_backup(old, &backup).is_ok() {
                reencrypted += 1;
            } else if fs::remove_file(&backup.path).is_ok() {
                removed += 1;
            }
        }
        (reencrypted, removed)
    }

    /// Rewrites one backup under the current master key and slots.
    fn reencrypt_backup(&self, old: &Key, backup: &Backup) -> Result<()> {
        let bytes = fs::read(&backup.path).map_err(Error::io(&backup.path))?;
        if bytes.len() as u64 > MAX_FILE_LEN {
            return Err(Error::corrupt("file too large"));
        }
        let parsed = format::parse(&bytes)?;
        if parsed.header.vault_id != self.header.vault_id {
            return Err(Error::corrupt("another vault"));
        }
        let payload = decrypt_payload(&parsed, old)?;
        let header = Header {
            vault_id: self.header.vault_id,
            generation: parsed.header.generation,
            nonce: crypto::random(),
            slots: self.header.slots.clone(),
        };
        let (sealed, _) = seal_file(&self.master, &header, &payload);
        files::write_atomically(&backup.path, &sealed).map_err(Error::io(&backup.path))
    }

    /// After [`Error::ChangedOnDisk`]: reads the file as it is now (another device's copy of
    /// this vault, synced in), merges it with what we hold (see [`merge`]) and saves the result.
    ///
    /// The file's own slots are kept. A file holding a different vault is not merged
    /// ([`Error::ChangedOnDisk`] again): lock and unlock it instead.
    pub fn merge_from_disk(&mut self) -> Result<()> {
        let bytes = self.inner.read_vault()?;
        let parsed = format::parse(&bytes)?;
        if parsed.header.vault_id != self.header.vault_id {
            return Err(Error::ChangedOnDisk);
        }
        let theirs = decrypt_payload(&parsed, &self.master)?;
        let merged = merge(&self.payload, &theirs);
        // Saving over the file is right only once it is merged: if the save fails, the old
        // checksum keeps refusing it.
        let previous = self.on_disk.replace(parsed.checksum());
        let header = parsed.header.clone();
        let saved = self.commit(|stored_header, payload| {
            *stored_header = header;
            *payload = merged;
            Ok(())
        });
        if saved.is_err() {
            self.on_disk = previous;
        }
        saved
    }

    /// Applies a change to copies of the header and payload, saves them, and only then keeps
    /// them.
    fn commit<T>(
        &mut self,
        change: impl FnOnce(&mut Header, &mut Payload) -> Result<T>,
    ) -> Result<T> {
        let mut header = self.header.clone();
        let mut payload = self.payload.clone();
        let value = change(&mut header, &mut payload)?;
        payload.expire_tombstones(now_ms());
        self.on_disk = Some(self.save(&self.master, &mut header, &payload)?);
        self.header = header;
        self.payload = payload;
        Ok(value)
    }

    /// Writes a new generation of the file, after checking that the file on disk is the one we
    /// loaded and keeping it as a backup. Returns the new header checksum.
    /// `master` is the key to seal it with: the vault's own, or a new one when re-keying.
    fn save(&self, master: &Key, header: &mut Header, payload: &Payload) -> Result<[u8; 32]> {
        if self.inner.lock.is_none() {
            return Err(Error::ReadOnly);
        }
        let vault = self.inner.vault_path();
        let mut generation = header.generation;
        match (self.inner.read_vault(), self.on_disk) {
            (Err(Error::NoVault), None) => {}
            (Ok(bytes), Some(expected)) => {
                let parsed = format::parse(&bytes).map_err(|_| Error::ChangedOnDisk)?;
                if parsed.checksum() != expected {
                    return Err(Error::ChangedOnDisk);
                }
                generation = parsed.header.generation;
                let backups = self.inner.backups_dir();
                files::back_up(&vault, &backups, generation).map_err(Error::io(backups))?;
            }
            (Err(Error::Io { path, source }), _) => return Err(Error::Io { path, source }),
            // Removed, replaced by something unreadable, or appeared while we created one.
            _ => return Err(Error::ChangedOnDisk),
        }
        header.generation = generation.wrapping_add(1);
        header.nonce = crypto::random();
        let (bytes, checksum) = seal_file(master, header, payload);
        files::write_atomically(&vault, &bytes).map_err(Error::io(vault))?;
        Ok(checksum)
    }
}

/// The whole file for this header and payload, and its header checksum.
pub(crate) fn seal_file(master: &Key, header: &Header, payload: &Payload) -> (Vec<u8>, [u8; 32]) {
    let mut bytes = header.encode();
    let ciphertext = crypto::seal(master, &header.nonce, &bytes, serialize_payload(payload));
    let checksum = format::checksum_of(&bytes);
    bytes.extend_from_slice(&ciphertext);
    (bytes, checksum)
}

#[cfg(test)]
#[path = "vectors.rs"]
mod vectors;

#[cfg(test)]
mod rekey_tests {
    use super::*;

    #[test]
    fn a_password_change_makes_a_new_master_key_that_the_old_slot_does_not_unwrap() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path())
            .unwrap()
            .with_kdf(KdfParams::new(64, 1, 1).unwrap());
        let (mut vault, _) = store.create(Some("old"), false).unwrap();
        let read = || fs::read(dir.path().join(VAULT_FILE)).unwrap();
        let old_bytes = read();
        let old_master = *vault.master.bytes();
        let _ = vault
            .change_password("old", "new", Recovery::Replace, BackupPolicy::Remove)
            .unwrap();
        assert_ne!(vault.master.bytes(), &old_master);
        let new_bytes = read();
        let old = format::parse(&old_bytes).unwrap();
        let new = format::parse(&new_bytes).unwrap();
        // The old file's password slot still gives the old key, which opens no new payload.
        let from_old_slot = open_password_slot(&old.header, "old", || {}).unwrap();
        assert_eq!(from_old_slot.bytes(), &old_master);
        assert!(decrypt_payload(&new, &from_old_slot).is_err());
        assert!(decrypt_payload(&new, &vault.master).is_ok());
        let from_new_slot = open_password_slot(&new.header, "new", || {}).unwrap();
        assert_eq!(from_new_slot.bytes(), vault.master.bytes());
    }

    #[test]
    fn a_new_recovery_key_makes_a_new_master_key_that_the_old_slots_do_not_unwrap() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path())
            .unwrap()
            .with_kdf(KdfParams::new(64, 1, 1).unwrap());
        let (mut vault, _) = store.create(Some("pw"), false).unwrap();
        let read = || fs::read(dir.path().join(VAULT_FILE)).unwrap();
        let old_bytes = read();
        let old = format::parse(&old_bytes).unwrap();
        let old_master = *vault.master.bytes();
        let _ = vault.new_recovery_key("pw", BackupPolicy::Remove).unwrap();
        assert_ne!(vault.master.bytes(), &old_master);
        let new_bytes = read();
        let new = format::parse(&new_bytes).unwrap();
        // The old file's slots give the old key, which opens no new payload; the same
        // password now unwraps the new key.
        let from_old_slot = open_password_slot(&old.header, "pw", || {}).unwrap();
        assert_eq!(from_old_slot.bytes(), &old_master);
        assert!(decrypt_payload(&new, &from_old_slot).is_err());
        let from_new_slot = open_password_slot(&new.header, "pw", || {}).unwrap();
        assert_eq!(from_new_slot.bytes(), vault.master.bytes());
        assert!(decrypt_payload(&new, &from_new_slot).is_ok());
    }
}
