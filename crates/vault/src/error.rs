//! The one error type of the crate, with a stable machine-readable kind for the UI.

use std::path::PathBuf;
use std::time::Duration;

use uuid::Uuid;

/// Everything that can go wrong with a vault.
///
/// Messages never contain a secret. [`Error::kind`] gives a stable identifier that the app sends
/// to the UI as `{kind, message}`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The password does not open the vault.
    #[error("wrong password")]
    WrongPassword,
    /// The recovery key does not open the vault (or is not a recovery key at all).
    #[error("wrong recovery key")]
    WrongRecoveryKey,
    /// The OS keyring has no key for this vault, or one that does not open it.
    #[error("the system keyring holds no key that opens this vault")]
    KeyringKeyMissing,
    /// The OS keyring cannot be used right now (no Secret Service, locked, timed out...).
    #[error("the system keyring is unavailable: {cause}")]
    KeyringUnavailable {
        /// What the platform said, for the person to read.
        cause: String,
        /// The cause as a stable code, for a window that words it in its own language.
        reason: KeyringCause,
    },
    /// The file is not a vault, is damaged, or was altered.
    #[error("the vault file is damaged or was tampered with ({reason})")]
    Corrupt {
        /// Which check failed.
        reason: &'static str,
    },
    /// The file was written by a version of Countersign that this one does not understand.
    #[error(
        "the vault file has format version {found}; this version of Countersign reads {supported}"
    )]
    UnsupportedVersion {
        /// The version in the file.
        found: u16,
        /// The version this build reads and writes.
        supported: u16,
    },
    /// The password slot asks for more Argon2 work than we are willing to do.
    #[error(
        "the vault's password settings ask for {memory_kib} KiB x {iterations} passes x {parallelism} lanes, over the safety cap"
    )]
    KdfTooExpensive {
        /// Memory in KiB.
        memory_kib: u32,
        /// Passes over the memory.
        iterations: u32,
        /// Lanes.
        parallelism: u32,
    },
    /// The vault file changed on disk since it was loaded (another device or program wrote it).
    #[error("the vault file changed on disk since it was opened; reopen it before saving")]
    ChangedOnDisk,
    /// Another running Countersign holds the vault.
    #[error("the vault is in use by another running instance ({})", path.display())]
    InUse {
        /// The lock file.
        path: PathBuf,
    },
    /// Too many wrong attempts: wait before trying again.
    #[error("too many attempts; try again in {} s", whole_seconds(*wait))]
    RateLimited {
        /// How long until the next attempt is allowed.
        wait: Duration,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// There is no vault in the data folder yet.
    #[error("there is no vault yet")]
    NoVault,
    /// A vault already exists where one was to be created.
    #[error("a vault already exists")]
    VaultExists,
    /// The vault has no slot of the kind asked for (e.g. no keyring slot).
    #[error("the vault has no {0} slot")]
    NoSuchSlot(&'static str),
    /// A vault needs a password unless the OS keyring holds its key.
    #[error("a password is required when the OS keyring is not used")]
    PasswordRequired,
    /// Empty passwords are refused.
    #[error("the password is empty")]
    EmptyPassword,
    /// The vault already has a password: change it with the current one.
    #[error("the vault already has a password")]
    PasswordExists,
    /// The vault has slots written by a newer version of Countersign, which this version cannot
    /// wrap around a new master key: change the credentials with that version.
    #[error(
        "the vault has {count} unlock method(s) from a newer version of Countersign; change its credentials there"
    )]
    NewerSlots {
        /// How many such slots.
        count: usize,
    },
    /// The change would leave neither a password nor the keyring to unlock the vault.
    #[error("the vault would be left without a password or keyring slot")]
    LastCredential,
    /// An account with the same secret is already in the vault.
    #[error("this account is already in the vault")]
    Duplicate {
        /// The entry that has the same secret.
        existing: Uuid,
    },
    /// No entry has this id.
    #[error("no account with id {0}")]
    NotFound(Uuid),
    /// The account's parameters cannot produce codes.
    #[error(transparent)]
    InvalidAccount(#[from] countersign_otp::InvalidAccount),
    /// The entry is not an HOTP account.
    #[error("the account is not counter-based (HOTP)")]
    NotHotp,
    /// The vault was opened read-only and cannot be saved.
    #[error("the vault was opened read-only")]
    ReadOnly,
    /// Every backup code of the account is used, or it has none.
    #[error("no unused backup code is left for this account")]
    NoBackupCodeLeft,
    /// The account lists no backup code at this position.
    #[error("the account has no backup code number {}", index + 1)]
    NoSuchBackupCode {
        /// The position asked for, from 0.
        index: usize,
    },
    /// The folder the vault was to move to already holds another vault (or another file by
    /// the vault file's name): nothing was changed.
    #[error("{} already holds another vault", path.display())]
    OtherVaultThere {
        /// The folder.
        path: PathBuf,
    },
    /// The folder the vault was to move to already holds this same vault: open it from there
    /// instead.
    #[error("{} already holds this vault; open it from there instead", path.display())]
    SameVaultThere {
        /// The folder.
        path: PathBuf,
    },
}

/// Why the OS keyring cannot be used, as far as the platform tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyringCause {
    /// No keyring store could start: on Linux, no D-Bus session bus.
    NoSession,
    /// No program provides the Secret Service (GNOME Keyring, KWallet) in this session.
    NoService,
    /// The Secret Service runs but holds no keyring (collection) to store in.
    NoKeyring,
    /// The keyring is locked and the unlock prompt was dismissed or could not be shown.
    Locked,
    /// The keyring refused access for another reason.
    Refused,
    /// The keyring did not answer in time (an unlock prompt may be waiting).
    Timeout,
    /// Any other failure of the platform's keyring.
    Platform,
}

impl KeyringCause {
    /// A stable name for the UI: "no_session", "no_service", "no_keyring", "locked", "refused",
    /// "timeout" or "platform".
    pub fn code(self) -> &'static str {
        match self {
            KeyringCause::NoSession => "no_session",
            KeyringCause::NoService => "no_service",
            KeyringCause::NoKeyring => "no_keyring",
            KeyringCause::Locked => "locked",
            KeyringCause::Refused => "refused",
            KeyringCause::Timeout => "timeout",
            KeyringCause::Platform => "platform",
        }
    }
}

impl Error {
    /// A stable identifier for the UI and for scripts; never changes once released.
    ///
    /// One of: `wrong_password`, `wrong_recovery_key`, `keyring_key_missing`,
    /// `keyring_unavailable`, `corrupt`, `unsupported_version`, `kdf_too_expensive`,
    /// `changed_on_disk`, `in_use`, `rate_limited`, `io`, `no_vault`, `vault_exists`,
    /// `no_such_slot`, `password_required`, `empty_password`, `password_exists`, `newer_slots`,
    /// `last_credential`, `duplicate`, `not_found`, `invalid_account`, `not_hotp`, `read_only`,
    /// `no_backup_code_left`, `no_such_backup_code`, `other_vault_there`, `same_vault_there`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::WrongPassword => "wrong_password",
            Error::WrongRecoveryKey => "wrong_recovery_key",
            Error::KeyringKeyMissing => "keyring_key_missing",
            Error::KeyringUnavailable { .. } => "keyring_unavailable",
            Error::Corrupt { .. } => "corrupt",
            Error::UnsupportedVersion { .. } => "unsupported_version",
            Error::KdfTooExpensive { .. } => "kdf_too_expensive",
            Error::ChangedOnDisk => "changed_on_disk",
            Error::InUse { .. } => "in_use",
            Error::RateLimited { .. } => "rate_limited",
            Error::Io { .. } => "io",
            Error::NoVault => "no_vault",
            Error::VaultExists => "vault_exists",
            Error::NoSuchSlot(_) => "no_such_slot",
            Error::PasswordRequired => "password_required",
            Error::EmptyPassword => "empty_password",
            Error::PasswordExists => "password_exists",
            Error::NewerSlots { .. } => "newer_slots",
            Error::LastCredential => "last_credential",
            Error::Duplicate { .. } => "duplicate",
            Error::NotFound(_) => "not_found",
            Error::InvalidAccount(_) => "invalid_account",
            Error::NotHotp => "not_hotp",
            Error::ReadOnly => "read_only",
            Error::NoBackupCodeLeft => "no_backup_code_left",
            Error::NoSuchBackupCode { .. } => "no_such_backup_code",
            Error::OtherVaultThere { .. } => "other_vault_there",
            Error::SameVaultThere { .. } => "same_vault_there",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    pub(crate) fn corrupt(reason: &'static str) -> Error {
        Error::Corrupt { reason }
    }
}

/// Seconds to show a person: rounded up, so "0 s" never appears while a wait remains.
fn whole_seconds(wait: Duration) -> u128 {
    wait.as_millis().div_ceil(1000).max(1)
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_distinct_and_snake_case() {
        let errors = [
            Error::WrongPassword,
            Error::WrongRecoveryKey,
            Error::KeyringKeyMissing,
            Error::KeyringUnavailable {
                cause: "x".into(),
                reason: KeyringCause::Platform,
            },
            Error::corrupt("x"),
            Error::UnsupportedVersion {
                found: 2,
                supported: 1,
            },
            Error::KdfTooExpensive {
                memory_kib: 1,
                iterations: 1,
                parallelism: 1,
            },
            Error::ChangedOnDisk,
            Error::InUse { path: "l".into() },
            Error::RateLimited {
                wait: Duration::from_secs(3),
            },
            Error::Io {
                path: "p".into(),
                source: std::io::ErrorKind::NotFound.into(),
            },
            Error::NoVault,
            Error::VaultExists,
            Error::NoSuchSlot("keyring"),
            Error::PasswordRequired,
            Error::EmptyPassword,
            Error::PasswordExists,
            Error::NewerSlots { count: 1 },
            Error::LastCredential,
            Error::Duplicate {
                existing: Uuid::nil(),
            },
            Error::NotFound(Uuid::nil()),
            Error::InvalidAccount(countersign_otp::InvalidAccount::Digits(11)),
            Error::NotHotp,
            Error::ReadOnly,
            Error::NoBackupCodeLeft,
            Error::NoSuchBackupCode { index: 0 },
            Error::OtherVaultThere { path: "d".into() },
            Error::SameVaultThere { path: "d".into() },
        ];
        let kinds: std::collections::BTreeSet<_> = errors.iter().map(Error::kind).collect();
        assert_eq!(kinds.len(), errors.len());
        for kind in kinds {
            assert!(
                kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{kind}"
            );
        }
        assert_eq!(
            Error::RateLimited {
                wait: Duration::from_millis(2500)
            }
            .to_string(),
            "too many attempts; try again in 3 s"
        );
    }
}
