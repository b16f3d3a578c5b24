//! Encrypted Countersign backups: the vault format with a password slot only.
//!
//! A backup file is a vault file (docs/vault-format.md, "Backup files") whose header holds a
//! single password slot, under a vault id of its own, and whose payload holds the exported
//! entries and no tombstones. Nothing about it is new cryptography: the same header, slot,
//! Argon2id calibration and caps, and payload encryption as the vault. So a backup can also be
//! dropped into a data folder as `vault.countersign` and unlocked with its password, and any
//! vault file with a password slot (a copy from `backups/`) reads as a backup.
//!
//! ```
//! use countersign_otp::{Account, Secret};
//! use countersign_vault::{KdfParams, backup_file};
//! # fn main() -> Result<(), countersign_vault::Error> {
//! let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
//! let entries = backup_file::entries_of(vec![Account::totp("GitHub", "alice", secret)]);
//! // Tests use tiny Argon2 parameters; the app and the CLI pass `calibrate()`.
//! let bytes = backup_file::write(&entries, "correct horse", KdfParams::new(64, 1, 1).unwrap())?;
//! assert!(backup_file::is_backup_file(&bytes));
//! assert_eq!(backup_file::read(&bytes, "correct horse")?, entries);
//! assert_eq!(backup_file::read(&bytes, "wrong").unwrap_err().kind(), "wrong_password");
//! # Ok(()) }
//! ```

use countersign_otp::Account;
use uuid::Uuid;

use crate::crypto::{self, Key};
use crate::format::{self, Header, MAGIC, Slot, SlotKind};
use crate::kdf::KdfParams;
use crate::payload::{Entry, FieldTimes, Payload};
use crate::store::{decrypt_payload, open_password_slot, password_slot, seal_file};
use crate::{Error, Result, now_ms};

/// The format version backups are written in: the vault's.
pub const VERSION: u16 = format::VERSION;

/// The file name extension of backups (the same as the vault's: it is the same format).
pub const EXTENSION: &str = "countersign";

/// Whether `bytes` begin like a Countersign vault or backup file. Cheap (the magic alone), for
/// telling file formats apart before asking for a password.
pub fn is_backup_file(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// Wraps accounts as new entries (fresh ids, created now), for backing up accounts that are
/// not in a vault.
pub fn entries_of(accounts: Vec<Account>) -> Vec<Entry> {
    let now = now_ms();
    accounts
        .into_iter()
        .map(|account| Entry {
            id: Uuid::new_v4(),
            created_ms: now,
            modified_ms: now,
            field_ms: FieldTimes::default(),
            last_used_ms: None,
            account,
            backup_codes: Vec::new(),
        })
        .collect()
}

/// A backup file of `entries`, in their order, under `password` with Argon2id `kdf`
/// (the app and the CLI pass [`calibrate`](crate::calibrate)'s parameters).
///
/// Fails only for an empty password ([`Error::EmptyPassword`](crate::Error::EmptyPassword)).
pub fn write(entries: &[Entry], password: &str, kdf: KdfParams) -> Result<Vec<u8>> {
    let vault_id = Uuid::new_v4();
    let master = Key::random();
    let header = Header {
        vault_id,
        // What the vault's own first save writes, so the file also opens as a vault.
        generation: 1,
        nonce: crypto::random(),
        slots: vec![password_slot(vault_id, &master, password, kdf)?],
    };
    let payload = Payload {
        entries: entries.to_vec(),
        order_modified_ms: 0,
        tombstones: Vec::new(),
    };
    Ok(seal_file(&master, &header, &payload).0)
}

/// Checks everything about a backup file that needs no password: structure, version, a
/// password slot, and its Argon2id cost against the cap. For asking for the password only when
/// reading can then work.
///
/// Errors: `corrupt`, `unsupported_version`, `no_such_slot`, `kdf_too_expensive`, as
/// [`read`] would give them before deriving any key.
pub fn check(bytes: &[u8]) -> Result<()> {
    let parsed = format::parse(bytes)?;
    match parsed.header.slot(SlotKind::Password) {
        Some(Slot::Password { kdf, .. }) => kdf.check_cap(),
        _ => Err(Error::NoSuchSlot("password")),
    }
}

/// The entries of a backup file (or of any vault file with a password slot), in file order.
///
/// Checks the structure and the Argon2id cost cap before deriving any key, like opening a
/// vault. Errors: `corrupt` (not a Countersign file, damaged, altered), `unsupported_version`,
/// `no_such_slot` (a vault that opens only with its keyring or recovery key),
/// `kdf_too_expensive`, `wrong_password`. Not rate limited: the file is in the reader's hands.
pub fn read(bytes: &[u8], password: &str) -> Result<Vec<Entry>> {
    let parsed = format::parse(bytes)?;
    let master = open_password_slot(&parsed.header, password, || {})?;
    Ok(decrypt_payload(&parsed, &master)?.entries)
}
