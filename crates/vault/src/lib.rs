//! Countersign's encrypted vault: the file format, its key slots, and the data folder around it.
//!
//! A random 256-bit master key encrypts the accounts with XChaCha20-Poly1305, the whole file
//! header being associated data. The master key is wrapped by independent slots: a password
//! (Argon2id), a random key kept in the OS keyring, and a recovery key shown once. Saves are
//! atomic, keep rolling backups, refuse to overwrite a file changed on disk, and are serialised
//! between running instances by a lock file. docs/vault-format.md describes the bytes.
//!
//! Start with [`Store`]: [`Store::open`] a data folder ([`default_data_dir`]), look at its
//! [`Status`], then [`Store::create`] or unlock into an [`Unlocked`] vault.
//! [`backup_file`] writes and reads encrypted backups: the same format with a password slot only.
//! For a vault kept in a synced folder, [`Unlocked::sync`] merges the copies other machines left
//! (recognised by [`conflicts`]), and `watch::Watcher` says when to call it.
//!
//! ```
//! use countersign_otp::{Account, Secret};
//! use countersign_vault::{KdfParams, Store};
//! # fn main() -> Result<(), countersign_vault::Error> {
//! let dir = tempfile::tempdir().unwrap();
//! // Tests use tiny Argon2 parameters; the app leaves them to `calibrate()`.
//! let store = Store::open(dir.path())?.with_kdf(KdfParams::new(64, 1, 1).unwrap());
//! let (mut vault, recovery) = store.create(Some("correct horse"), false)?;
//! let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
//! vault.add(Account::totp("GitHub", "alice", secret))?;
//! vault.lock();
//!
//! let vault = store.unlock_with_recovery(&recovery.to_grouped())?;
//! assert_eq!(vault.entries()[0].account.issuer, "GitHub");
//! assert_eq!(store.unlock_with_password("wrong").unwrap_err().kind(), "wrong_password");
//! # Ok(()) }
//! ```

mod backup_codes;
pub mod backup_file;
pub mod conflicts;
mod crypto;
mod error;
mod files;
mod format;
mod kdf;
mod keyring;
pub mod location;
mod machine;
mod payload;
mod ratelimit;
mod recovery;
mod store;
#[cfg(test)]
mod test_hooks;
#[cfg(feature = "watch")]
pub mod watch;

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

pub use backup_codes::{
    AddedCodes, BACKUP_CODES_LOW, StoredBackupCode, listed as listed_backup_codes,
};
pub use error::{Error, KeyringCause, Result};
pub use files::{BACKUPS_KEPT, Backup};
pub use format::SlotSummary;
pub use kdf::{CALIBRATION_TARGET, KdfParams, calibrate, calibrate_for};
pub use keyring::{KEYRING_SERVICE, KEYRING_TIMEOUT, keyring_status};
pub use machine::machine_id;
pub use payload::{Entry, FieldTimes, Novelty, Payload, TOMBSTONE_LIFETIME_MS, Tombstone, merge};
pub use recovery::RecoveryKey;
pub use store::{
    ATTEMPTS_FILE, AddReport, BACKUPS_DIR, BackupPolicy, CopyOutcome, CopyReport, DiskOutcome,
    LOCAL_VAULTS_DIR, LOCK_FILE, MergeError, Recovery, Rekeyed, Status, Store, SyncReport,
    Unlocked, VAULT_FILE, VaultInfo, inspect, local_dir_for,
};

/// The environment variable that points the app and the CLI at another data folder.
pub const DATA_DIR_ENV: &str = "COUNTERSIGN_DATA_DIR";

/// Where the vault lives unless told otherwise: `$COUNTERSIGN_DATA_DIR` if set, else the
/// platform's data folder (`~/.local/share/countersign` on Linux,
/// `~/Library/Application Support/Countersign` on macOS, `%APPDATA%\Countersign` on Windows).
/// `None` only when the platform has no home folder.
pub fn default_data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|dir| !dir.is_empty()) {
        return Some(dir.into());
    }
    let name = if cfg!(any(target_os = "macos", target_os = "windows")) {
        "Countersign"
    } else {
        "countersign"
    };
    dirs::data_dir().map(|dir| dir.join(name))
}

/// Keeps secrets out of core dumps: sets the core size limit to 0 and, on Linux, marks the
/// process non-dumpable (which also stops other processes of the same user from attaching a
/// debugger). The app and the CLI call it first thing. A no-op on Windows.
pub fn disable_core_dumps() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, setrlimit};
        setrlimit(
            Resource::Core,
            Rlimit {
                current: Some(0),
                maximum: Some(0),
            },
        )?;
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)?;
    Ok(())
}

/// Now, as Unix time in milliseconds.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn core_dumps_are_disabled() {
        super::disable_core_dumps().unwrap();
        let limit = rustix::process::getrlimit(rustix::process::Resource::Core);
        assert_eq!(limit.current, Some(0));
        assert_eq!(limit.maximum, Some(0));
        #[cfg(target_os = "linux")]
        assert_eq!(
            rustix::process::dumpable_behavior().unwrap(),
            rustix::process::DumpableBehavior::NotDumpable
        );
        // Atomic saves still work in a non-dumpable process (they go through /proc/self/fd).
        let dir = tempfile::tempdir().unwrap();
        crate::files::write_atomically(&dir.path().join("f"), b"x").unwrap();
        assert_eq!(std::fs::read(dir.path().join("f")).unwrap(), b"x");
    }
}
