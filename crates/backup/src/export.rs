//! One export, whatever the format: the app's Transfer page and `countersign export` both call
//! [`export`], so they offer the same formats and refuse the same requests.

use countersign_otp::{DEFAULT_BATCH_SIZE, ExportLimit};
use countersign_vault::{Entry, KdfParams, backup_file};
use zeroize::Zeroizing;

use crate::{Account, ExportError, QrCode, aegis, qr, uris};

/// The formats Countersign exports to. Deserialized from its [`id`](ExportFormat::id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ExportFormat {
    /// An encrypted Countersign backup (the vault format with a password slot only), under a
    /// password of its own: every account field, ids and times kept.
    Countersign,
    /// An encrypted Aegis vault (Aegis for Android imports it), under a password of its own.
    Aegis,
    /// otpauth:// URIs, one per line, in plain text: any authenticator reads them.
    Uris,
    /// Google Authenticator migration QR codes, 10 accounts each.
    MigrationQr,
    /// One otpauth:// QR code per account.
    AccountQr,
}

impl ExportFormat {
    /// Every format, in the order to offer them.
    pub const ALL: [ExportFormat; 5] = [
        ExportFormat::Countersign,
        ExportFormat::Aegis,
        ExportFormat::Uris,
        ExportFormat::MigrationQr,
        ExportFormat::AccountQr,
    ];

    /// The stable name scripts and the window use (`countersign`, `migration-qr`, ...).
    pub fn id(self) -> &'static str {
        match self {
            ExportFormat::Countersign => "countersign",
            ExportFormat::Aegis => "aegis",
            ExportFormat::Uris => "uris",
            ExportFormat::MigrationQr => "migration-qr",
            ExportFormat::AccountQr => "account-qr",
        }
    }

    /// The format whose [`id`](Self::id) is `id`.
    pub fn from_id(id: &str) -> Option<ExportFormat> {
        Self::ALL.into_iter().find(|format| format.id() == id)
    }

    /// What the format is called, for a person ("Aegis vault").
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Countersign => "Countersign backup",
            ExportFormat::Aegis => "Aegis vault",
            ExportFormat::Uris => "otpauth:// list",
            ExportFormat::MigrationQr => "Google Authenticator QR codes",
            ExportFormat::AccountQr => "QR codes, one per account",
        }
    }

    /// Whether the export is encrypted under a password of its own, which [`export`] requires.
    pub fn needs_password(self) -> bool {
        matches!(self, ExportFormat::Countersign | ExportFormat::Aegis)
    }

    /// Whether the export is QR codes ([`Exported::Codes`]) rather than one file.
    pub fn is_qr(self) -> bool {
        matches!(self, ExportFormat::MigrationQr | ExportFormat::AccountQr)
    }

    /// The file name a save dialog suggests (for a QR format: one code's file).
    pub fn file_name(self) -> &'static str {
        match self {
            ExportFormat::Countersign => "countersign-backup.countersign",
            ExportFormat::Aegis => "aegis-export.json",
            ExportFormat::Uris => "otpauth-accounts.txt",
            ExportFormat::MigrationQr | ExportFormat::AccountQr => "qr-code.svg",
        }
    }

    /// The file name extensions of the format, for a save dialog's filter.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            ExportFormat::Countersign => &[backup_file::EXTENSION],
            ExportFormat::Aegis => &["json"],
            ExportFormat::Uris => &["txt"],
            ExportFormat::MigrationQr | ExportFormat::AccountQr => &["svg"],
        }
    }
}

/// An account a QR format cannot hold, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// The account's name as lists show it ("GitHub (octocat)").
    pub account: String,
    /// Why the format cannot hold it.
    pub limit: ExportLimit,
}

impl std::fmt::Display for LeftOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.account, self.limit)
    }
}

/// What an export gives: one file's bytes, or QR codes to show or save one by one.
///
/// Both carry secrets: `Debug` shows only sizes and labels.
#[derive(Debug)]
pub enum Exported {
    /// The file's contents.
    File(FileBytes),
    /// The codes, in the order to scan them.
    Codes {
        /// Every code (at least one).
        codes: Vec<QrCode>,
        /// Accounts the format cannot hold, left out.
        left_out: Vec<LeftOut>,
    },
}

/// An exported file's contents, wiped when dropped; `Debug` shows the size only.
pub struct FileBytes(pub Zeroizing<Vec<u8>>);

impl std::fmt::Debug for FileBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileBytes({} bytes)", self.0.len())
    }
}

/// Exports `entries` in `format`.
///
/// `password` is the file's own password, which the encrypted formats require (and the others
/// ignore); `kdf` is the Argon2id cost of a Countersign backup's password slot (the app and the
/// CLI pass `countersign_vault::calibrate()`, as for the vault's own slot). Errors:
/// [`ExportError::NoAccounts`], [`ExportError::NoneFits`] (QR codes that would hold none of
/// them), [`ExportError::PasswordRequired`], [`ExportError::QrTooLong`].
pub fn export(
    format: ExportFormat,
    entries: &[Entry],
    password: Option<&str>,
    kdf: KdfParams,
) -> Result<Exported, ExportError> {
    if entries.is_empty() {
        return Err(ExportError::NoAccounts);
    }
    let password = || match password {
        Some(password) if !password.is_empty() => Ok(password),
        _ => Err(ExportError::PasswordRequired),
    };
    let accounts: Vec<Account> = entries.iter().map(|entry| entry.account.clone()).collect();
    let file = |bytes: Vec<u8>| Ok(Exported::File(FileBytes(Zeroizing::new(bytes))));
    match format {
        ExportFormat::Countersign => {
            let bytes = backup_file::write(entries, password()?, kdf)
                .map_err(|_| ExportError::PasswordRequired)?;
            file(bytes)
        }
        ExportFormat::Aegis => file(aegis::export_encrypted(&accounts, password()?).into_bytes()),
        ExportFormat::Uris => file(uris::export(&accounts).as_bytes().to_vec()),
        ExportFormat::MigrationQr => {
            let export = qr::migration(&accounts, DEFAULT_BATCH_SIZE)?;
            // Google's format always has a batch, if an empty one: that is nothing to scan.
            if export.left_out.len() == accounts.len() {
                return Err(ExportError::NoneFits {
                    format: format.name(),
                    accounts: accounts.len(),
                });
            }
            let left_out = export
                .left_out
                .into_iter()
                .map(|(index, limit)| LeftOut {
                    account: accounts[index].display_name(),
                    limit,
                })
                .collect();
            Ok(Exported::Codes {
                codes: export.codes,
                left_out,
            })
        }
        ExportFormat::AccountQr => Ok(Exported::Codes {
            codes: qr::per_account(&accounts)?,
            left_out: Vec::new(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use countersign_otp::{Kind, Secret};
    use countersign_vault::backup_file;

    use super::*;

    /// Accounts "Issuer N (alice)" of the given kinds, each with its own secret.
    fn entries(kinds: &[Kind]) -> Vec<Entry> {
        let accounts = kinds.iter().enumerate().map(|(index, kind)| {
            let secret = Secret::from_bytes(vec![index as u8 + 1; 20]).unwrap();
            let issuer = format!("Issuer {index}");
            match kind {
                Kind::Steam { .. } => Account::steam(issuer, "alice", secret),
                Kind::Hotp { counter } => Account::hotp(issuer, "alice", secret, *counter),
                Kind::Totp { .. } => Account::totp(issuer, "alice", secret),
            }
        });
        backup_file::entries_of(accounts.collect())
    }

    fn floor() -> KdfParams {
        KdfParams::new(8, 1, 1).unwrap()
    }

    const TOTP: Kind = Kind::Totp { period: 30 };
    const STEAM: Kind = Kind::Steam { period: 30 };

    #[test]
    fn ids_name_each_format_once() {
        for format in ExportFormat::ALL {
            assert_eq!(ExportFormat::from_id(format.id()), Some(format));
            let json = format!("\"{}\"", format.id());
            assert_eq!(serde_json::from_str::<ExportFormat>(&json).unwrap(), format);
        }
        assert_eq!(ExportFormat::from_id("csv"), None);
    }

    #[test]
    fn the_encrypted_formats_refuse_a_missing_or_empty_password() {
        let entries = entries(&[TOTP]);
        for format in [ExportFormat::Countersign, ExportFormat::Aegis] {
            for password in [None, Some("")] {
                let error = export(format, &entries, password, floor()).unwrap_err();
                assert_eq!(error, ExportError::PasswordRequired, "{format:?}");
            }
        }
    }

    #[test]
    fn a_countersign_backup_reads_back_every_entry() {
        let entries = entries(&[TOTP, Kind::Hotp { counter: 7 }]);
        let Exported::File(bytes) =
            export(ExportFormat::Countersign, &entries, Some("pw"), floor()).unwrap()
        else {
            panic!("a backup is one file");
        };
        let read = backup_file::read(&bytes.0, "pw").unwrap();
        assert_eq!(read, entries);
    }

    #[test]
    fn uris_are_one_line_per_account_and_need_no_password() {
        let entries = entries(&[TOTP, TOTP]);
        let Exported::File(bytes) = export(ExportFormat::Uris, &entries, None, floor()).unwrap()
        else {
            panic!("uris are one file");
        };
        let text = String::from_utf8(bytes.0.to_vec()).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(text.lines().all(|line| line.starts_with("otpauth://totp/")));
    }

    #[test]
    fn migration_codes_leave_out_steam_and_name_it() {
        let entries = entries(&[TOTP, STEAM]);
        let Exported::Codes { codes, left_out } =
            export(ExportFormat::MigrationQr, &entries, None, floor()).unwrap()
        else {
            panic!("QR formats give codes");
        };
        assert_eq!(codes.len(), 1);
        assert_eq!(left_out.len(), 1);
        assert_eq!(left_out[0].account, "Issuer 1 (alice)");
        assert_eq!(left_out[0].limit, ExportLimit::Steam);
        assert!(left_out[0].to_string().starts_with("Issuer 1 (alice): "));
    }

    #[test]
    fn no_accounts_and_codes_holding_none_are_nothing_to_export() {
        let error = export(ExportFormat::Uris, &[], None, floor()).unwrap_err();
        assert_eq!(error, ExportError::NoAccounts);
        let steam_only = entries(&[STEAM]);
        let error = export(ExportFormat::MigrationQr, &steam_only, None, floor()).unwrap_err();
        assert_eq!(
            error,
            ExportError::NoneFits {
                format: "Google Authenticator QR codes",
                accounts: 1
            }
        );
        assert_eq!(error.kind(), "nothing_to_export");
    }

    #[test]
    fn debug_shows_no_secret() {
        let entries = entries(&[TOTP]);
        let exported = export(ExportFormat::Uris, &entries, None, floor()).unwrap();
        let debug = format!("{exported:?}");
        assert!(!debug.contains("otpauth"), "{debug}");
        assert!(debug.contains("bytes"), "{debug}");
    }
}
