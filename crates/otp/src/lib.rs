//! Countersign's domain: two-factor accounts, their codes, the URIs that carry them, and the
//! backup codes sites hand out.
//!
//! Pure: no I/O, no clock. Callers pass the time in, which keeps every function testable.
//!
//! ```
//! use countersign_otp::{parse_provisioning, Provisioning};
//! let Provisioning::Account(account) =
//!     parse_provisioning("otpauth://totp/RFC:6238?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8").unwrap()
//! else { unreachable!() };
//! assert_eq!(account.code_at(59).unwrap().text, "94287082");
//! ```

mod account;
mod backup_codes;
mod code;
mod intake;
mod migration;
mod secret;
mod setup_key;
mod uri;

pub use account::{
    Account, Algorithm, DEFAULT_DIGITS, DEFAULT_PERIOD, InvalidAccount, Kind, MAX_PERIOD,
    STEAM_DIGITS,
};
pub use backup_codes::{
    BackupCode, BackupCodeError, BackupCodesError, MAX_BACKUP_CODES_INPUT, ParsedBackupCodes,
    parse_backup_codes,
};
pub use code::{Code, hotp, steam, totp};
pub use intake::{Intake, read_intake};
pub use migration::{
    BatchProgress, BatchTracker, DEFAULT_BATCH_SIZE, EntryError, ExportLimit, MigrationBatch,
    MigrationError, MigrationExport, SkippedEntry, decode_migration, encode_migration,
};
pub use secret::{MAX_SECRET_LEN, Secret, SecretError, WEAK_SECRET_BITS};
pub use setup_key::{SetupKey, SetupKeyError, SetupKeyField};
pub use uri::{MAX_URI_LEN, UriError, parse_uri};

/// What a provisioning text (a scanned QR code, a pasted line) holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provisioning {
    /// One account, from an otpauth:// or steam:// URI.
    Account(Account),
    /// One batch of a Google Authenticator export.
    Migration(MigrationBatch),
}

/// Why a provisioning text could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProvisioningError {
    /// An otpauth:// or steam:// URI with a problem.
    #[error(transparent)]
    Uri(#[from] UriError),
    /// An otpauth-migration:// URI with a problem.
    #[error(transparent)]
    Migration(#[from] MigrationError),
}

/// Reads an otpauth://, steam:// or otpauth-migration:// text.
///
/// What to do with any text, setup link or not, is [`read_intake`]'s to say.
pub fn parse_provisioning(text: &str) -> Result<Provisioning, ProvisioningError> {
    let trimmed = text.trim_start();
    let is_migration = trimmed
        .get(..20)
        .is_some_and(|head| head.eq_ignore_ascii_case("otpauth-migration://"));
    if is_migration {
        Ok(Provisioning::Migration(decode_migration(trimmed)?))
    } else {
        Ok(Provisioning::Account(parse_uri(trimmed)?))
    }
}
