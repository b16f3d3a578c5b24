//! Other authenticators' files: import their exports, and export so a person can always leave.
//!
//! Pure bytes in, accounts out: no I/O, no clock. Each foreign format lives in its own module
//! behind the one [`Format`] trait; [`detect_format`] picks the format of a file, and every
//! import reports each entry on its own, so one bad entry never aborts the rest. Countersign's
//! own encrypted backups are listed too (`countersign`), read through countersign-vault.
//! Besides exports, some apps' private storage copied off a rooted phone is read: Android
//! shared-preferences XML (Authy, Battle.net, FreeOTP, TOTP Authenticator) and SQLite
//! databases (Google and Microsoft Authenticator, Stratum), the latter in memory, never on disk.
//!
//! Work done on behalf of a file is bounded before it starts: inputs over [`MAX_INPUT_LEN`] are
//! refused, and key-derivation parameters read from a file are checked against caps (see
//! [`ImportError::KdfTooExpensive`]) before any key is derived.
//!
//! ```
//! use countersign_backup::{detect_format, Kind};
//! let file = b"otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME\n";
//! let format = detect_format(file).unwrap();
//! assert_eq!(format.id(), "uris");
//! let imported = format.import(file, None).unwrap();
//! let account = imported.accounts().next().unwrap();
//! assert_eq!((account.issuer.as_str(), account.kind), ("ACME", Kind::Totp { period: 30 }));
//! ```

mod aegis;
mod andotp;
mod authenticator_plus;
mod authy;
mod battlenet;
mod bitwarden;
mod countersign;
mod crypto;
mod duo;
mod ente;
mod error;
mod export;
mod freeotp;
mod freeotp2;
mod freeotp_plus;
mod google;
mod google_db;
mod json;
mod lastpass;
mod microsoft;
mod prefs;
mod proton;
mod qr;
mod raivo;
mod sqlite;
mod steam;
mod stratum;
mod totp_authenticator;
mod twofas;
mod uris;
mod winauth;
mod zip;

use std::fmt;

pub use countersign_otp::{Account, Algorithm, ExportLimit, Kind, Secret};
use countersign_vault::StoredBackupCode;
pub use error::{ExportError, ImportError};
pub use export::{ExportFormat, Exported, FileBytes, LeftOut, export};
pub use qr::{QrCode, QrExport};

/// Largest file accepted for import: far above any real export (10,000 accounts of Aegis JSON
/// are about 3 MB), low enough that a wrong file cannot make us parse for long.
pub const MAX_INPUT_LEN: usize = 64 * 1024 * 1024;

/// How sure a format is that a file is one of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Detection {
    /// The file is not in this format.
    No,
    /// The file could be in this format, but nothing in it says so (an opaque encrypted blob).
    Possible,
    /// The file has this format's distinctive structure.
    Certain,
}

/// One foreign file format: how to recognise it and how to read it.
///
/// Implementations are stateless and pure: bytes in, accounts out.
pub trait Format: Sync {
    /// Stable identifier for settings, the command line and the UI (`aegis`, `2fas`, ...).
    fn id(&self) -> &'static str;
    /// The app's name as people know it ("Aegis", "2FAS", ...).
    fn name(&self) -> &'static str;
    /// How sure this format is that `bytes` are one of its files. Cheap: no key derivation.
    fn detect(&self, bytes: &[u8]) -> Detection;
    /// Whether `bytes` are an encrypted file of this format, so the UI asks for a password first.
    fn is_encrypted(&self, bytes: &[u8]) -> bool;
    /// Reads every entry of the file. `password` is used only by encrypted files.
    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError>;
}

impl fmt::Debug for dyn Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Format({})", self.id())
    }
}

/// One entry of an imported file: a usable account, or why it is not one.
pub type ImportedEntry = Result<Account, InvalidEntry>;

/// An entry of a file that cannot become an account; the rest of the file still imports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidEntry {
    /// Position of the entry in the file, from 1 (the line number for line-based formats).
    pub position: usize,
    /// Issuer and account name as the file gives them, or "" when unreadable. Never the secret.
    pub label: String,
    /// What is wrong, for a person.
    pub reason: String,
    /// What is wrong as the otp crate's error, where the reader has one: for a caller that
    /// words it itself (the app's window, in its language). `None` where `reason` is all.
    pub cause: Option<EntryCause>,
}

/// Why an entry cannot become an account, as one of the otp crate's errors.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntryCause {
    /// A setup link (a line of an otpauth:// list) that cannot be used.
    Provisioning(countersign_otp::ProvisioningError),
    /// An account of a Google Authenticator export that cannot be used.
    Export(countersign_otp::EntryError),
    /// The secret is not a usable secret: empty, not base32, too short or too long.
    Secret(countersign_otp::SecretError),
    /// The parameters do not make codes (digits, period, what Steam codes need).
    Account(countersign_otp::InvalidAccount),
    /// The entry holds no secret.
    MissingSecret,
    /// The secret cannot be read: it is not in the encoding its format writes (hex, base64, a
    /// wrapped key).
    SecretUnreadable,
    /// The secret does not decrypt, though the password opens the file: the file was changed.
    SecretDamaged,
    /// A type of one-time password the reader does not know.
    UnknownType,
    /// A known type of one-time password Countersign does not make codes for, by its name
    /// ("Yandex OTP", "mOTP").
    UnsupportedType(&'static str),
    /// A hash algorithm other than SHA1, SHA256 and SHA512.
    Algorithm,
    /// A number of digits that is not a number, or too large.
    Digits,
    /// A period that is not a number of seconds, or out of range.
    Period,
    /// A counter that is not a whole number, 0 or more.
    Counter,
    /// The entry itself cannot be read: a part is missing or has the wrong form.
    Unreadable,
}

impl fmt::Display for InvalidEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.label.is_empty() {
            write!(f, "entry {}: {}", self.position, self.reason)
        } else {
            write!(
                f,
                "entry {} ({}): {}",
                self.position, self.label, self.reason
            )
        }
    }
}

/// Something about an imported file as a whole that a person should know; its `Display` says it
/// in English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportWarning {
    /// A Google Authenticator export of several QR codes lacks some of them: their accounts are
    /// not in the file.
    #[error(
        "a Google Authenticator export of {size} QR codes is missing code {}: scan it too, or its accounts are not imported",
        missing.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    )]
    MissingBatches {
        /// How many QR codes the export has.
        size: u32,
        /// The codes missing, counted from 1.
        missing: Vec<u32>,
    },
}

/// Everything read from one file, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    /// Each entry, usable or not.
    pub entries: Vec<ImportedEntry>,
    /// Things about the file as a whole a person should know (a missing migration batch).
    pub warnings: Vec<ImportWarning>,
    /// Backup codes of entries, by position in `entries`. Only Countersign's own backups
    /// carry them: other apps' notes are left as notes, never guessed at.
    pub backup_codes: Vec<(usize, Vec<StoredBackupCode>)>,
}

impl Imported {
    /// The usable accounts, in file order.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.entries.iter().filter_map(|entry| entry.as_ref().ok())
    }

    /// The entries that cannot be imported, in file order.
    pub fn invalid(&self) -> impl Iterator<Item = &InvalidEntry> {
        self.entries.iter().filter_map(|entry| entry.as_ref().err())
    }

    /// Consumes the import, keeping only the usable accounts.
    pub fn into_accounts(self) -> Vec<Account> {
        self.entries.into_iter().filter_map(Result::ok).collect()
    }

    /// The backup codes the entry at `position` carries (none for most).
    pub fn backup_codes_of(&self, position: usize) -> &[StoredBackupCode] {
        self.backup_codes
            .iter()
            .find(|(at, _)| *at == position)
            .map_or(&[], |(_, codes)| codes.as_slice())
    }

    /// Consumes the import, keeping the usable accounts and, beside each, its backup codes:
    /// what `Unlocked::add_all_with_backup_codes` takes.
    pub fn into_accounts_with_backup_codes(self) -> (Vec<Account>, Vec<Vec<StoredBackupCode>>) {
        let codes: Vec<Vec<StoredBackupCode>> = (0..self.entries.len())
            .map(|position| self.backup_codes_of(position).to_vec())
            .collect();
        self.entries
            .into_iter()
            .zip(codes)
            .filter_map(|(entry, codes)| entry.ok().map(|account| (account, codes)))
            .unzip()
    }
}

/// Every supported format, in the order [`detect_format`] tries them.
pub fn formats() -> &'static [&'static dyn Format] {
    &[
        &countersign::Countersign,
        &aegis::Aegis,
        &twofas::TwoFas,
        &ente::Ente,
        &bitwarden::Bitwarden,
        &proton::Proton,
        &freeotp_plus::FreeOtpPlus,
        &freeotp::FreeOtp,
        &freeotp2::FreeOtp2,
        &authy::Authy,
        &battlenet::BattleNet,
        &duo::Duo,
        &lastpass::LastPass,
        &steam::Steam,
        &stratum::Stratum,
        &google_db::GoogleDb,
        &microsoft::Microsoft,
        &authenticator_plus::AuthenticatorPlus,
        &raivo::Raivo,
        &winauth::WinAuth,
        &totp_authenticator::TotpAuthenticator,
        &andotp::AndOtp,
        &google::Google,
        &uris::UriList,
    ]
}

/// The format with this [`Format::id`].
pub fn format_by_id(id: &str) -> Option<&'static dyn Format> {
    formats()
        .iter()
        .copied()
        .find(|format| format.id().eq_ignore_ascii_case(id))
}

/// The format of `bytes`: the first that is certain, else the first that finds it possible.
pub fn detect_format(bytes: &[u8]) -> Option<&'static dyn Format> {
    if bytes.len() > MAX_INPUT_LEN {
        return None;
    }
    let mut possible = None;
    for &format in formats() {
        match format.detect(bytes) {
            Detection::Certain => return Some(format),
            Detection::Possible if possible.is_none() => possible = Some(format),
            _ => {}
        }
    }
    possible
}

/// Detects the format of `bytes` and imports them: what the UI and the command line call when
/// the person did not name the format.
pub fn import_auto(
    bytes: &[u8],
    password: Option<&str>,
) -> Result<(&'static dyn Format, Imported), ImportError> {
    check_size(bytes)?;
    if is_image(bytes) {
        return Err(ImportError::Image);
    }
    let format = detect_format(bytes).ok_or(ImportError::Unrecognised)?;
    Ok((format, format.import(bytes, password)?))
}

/// Exports accounts as a plain (unencrypted) Aegis vault file.
///
/// Aegis keeps issuer, name, secret, type, algorithm, digits, period or counter, note,
/// favourite and groups; Countersign's icon choice and time offset have no place in it.
pub fn export_aegis_plain(accounts: &[Account]) -> zeroize::Zeroizing<String> {
    aegis::export_plain(accounts)
}

/// Exports accounts as an encrypted Aegis vault file that Aegis for Android imports: a password
/// slot (scrypt N=2^15, r=8, p=1) wrapping a random master key, the content in AES-256-GCM.
pub fn export_aegis_encrypted(accounts: &[Account], password: &str) -> String {
    aegis::export_encrypted(accounts, password)
}

/// Exports accounts as otpauth:// URIs, one per line: what nearly every authenticator reads.
pub fn export_uris(accounts: &[Account]) -> zeroize::Zeroizing<String> {
    uris::export(accounts)
}

/// Google Authenticator migration QR codes (`batch_size` accounts per code, 10 like Google's
/// own), as SVG, with the accounts that format cannot hold left out and listed.
pub fn export_migration_qr(
    accounts: &[Account],
    batch_size: usize,
) -> Result<QrExport, ExportError> {
    qr::migration(accounts, batch_size)
}

/// One otpauth:// QR code per account, as SVG: any authenticator app can scan them.
pub fn export_account_qr(accounts: &[Account]) -> Result<Vec<QrCode>, ExportError> {
    qr::per_account(accounts)
}

fn check_size(bytes: &[u8]) -> Result<(), ImportError> {
    if bytes.len() > MAX_INPUT_LEN {
        Err(ImportError::TooLarge {
            size: bytes.len(),
            max: MAX_INPUT_LEN,
        })
    } else {
        Ok(())
    }
}

/// PNG, JPEG, GIF, WebP or BMP: a picture of a QR code, which the scanner reads, not us.
fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(b"\xff\xd8\xff")
        || bytes.starts_with(b"GIF8")
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
        // "BM" alone would also start 1 in 65,536 random blobs: require the size field to match.
        || (bytes.starts_with(b"BM")
            && bytes
                .get(2..6)
                .is_some_and(|size| size == (bytes.len() as u32).to_le_bytes()))
}

/// The label of an account as files show it: "Issuer (name)", "Issuer" or "name".
fn label(issuer: &str, name: &str) -> String {
    match (issuer.is_empty(), name.is_empty()) {
        (false, false) => format!("{issuer} ({name})"),
        (false, true) => issuer.to_owned(),
        _ => name.to_owned(),
    }
}

/// The bytes as text, without a UTF-8 byte-order mark; `None` if they are not UTF-8.
fn text(bytes: &[u8]) -> Option<&str> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).ok()
}
