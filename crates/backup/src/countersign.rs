//! Countersign's own encrypted backups (and vault files with a password slot): the vault
//! format, read by countersign-vault, so this crate holds no second copy of its cryptography.

use countersign_vault::{Error as VaultError, KdfParams, backup_file};

use crate::{Detection, EntryCause, Format, ImportError, Imported, InvalidEntry};

const NAME: &str = "Countersign backup";

/// The newest backup format version this build reads, for [`ImportError::UnsupportedVersion`].
const SUPPORTED: &str = "1";
const _: () = assert!(
    backup_file::VERSION == 1,
    "SUPPORTED names the vault's version"
);

/// An encrypted Countersign backup file.
pub(crate) struct Countersign;

impl Format for Countersign {
    fn id(&self) -> &'static str {
        "countersign"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        if backup_file::is_backup_file(bytes) {
            Detection::Certain
        } else {
            Detection::No
        }
    }

    fn is_encrypted(&self, bytes: &[u8]) -> bool {
        backup_file::is_backup_file(bytes)
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        if !backup_file::is_backup_file(bytes) {
            return Err(ImportError::WrongFormat {
                format: NAME,
                reason: "it does not start with the Countersign file signature".to_owned(),
            });
        }
        // The structure, the password slot and the Argon2id cost cap are checked before a
        // password is asked for, as for other formats: no point asking for a password that
        // could not be used.
        let password = match password {
            Some(password) => password,
            None => {
                backup_file::check(bytes).map_err(import_error)?;
                return Err(ImportError::PasswordRequired);
            }
        };
        let entries = backup_file::read(bytes, password).map_err(import_error)?;
        // The account's backup codes come along, as listed in the backup.
        let backup_codes = entries
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                let listed = countersign_vault::listed_backup_codes(&entry.backup_codes);
                (index, listed.cloned().collect::<Vec<_>>())
            })
            .filter(|(_, codes)| !codes.is_empty())
            .collect();
        // The payload is authenticated, but an account may still be one a newer version allows
        // and this one cannot make codes for: that entry alone is left out.
        let entries = entries
            .into_iter()
            .enumerate()
            .map(|(index, entry)| match entry.account.validate() {
                Ok(()) => Ok(entry.account),
                Err(invalid) => Err(InvalidEntry {
                    position: index + 1,
                    label: crate::label(&entry.account.issuer, &entry.account.name),
                    reason: invalid.to_string(),
                    cause: Some(EntryCause::Account(invalid)),
                }),
            })
            .collect();
        Ok(Imported {
            entries,
            warnings: Vec::new(),
            backup_codes,
        })
    }
}

/// The vault's reading errors as import errors: the same distinctions, this crate's words.
fn import_error(error: VaultError) -> ImportError {
    match error {
        VaultError::WrongPassword => ImportError::WrongPassword,
        VaultError::UnsupportedVersion { found, .. } => ImportError::UnsupportedVersion {
            format: NAME,
            version: found.to_string(),
            supported: SUPPORTED,
        },
        VaultError::KdfTooExpensive {
            memory_kib,
            iterations,
            parallelism,
        } => ImportError::KdfTooExpensive {
            kdf: "Argon2id",
            detail: format!(
                "{memory_kib} KiB x {iterations} passes x {parallelism} lanes; at most {} KiB, \
                 {} lanes and {} KiB-passes are accepted",
                KdfParams::MAX_MEMORY_KIB,
                KdfParams::MAX_PARALLELISM,
                KdfParams::MAX_WORK_KIB
            ),
        },
        VaultError::NoSuchSlot(_) => ImportError::Unsupported {
            format: NAME,
            what: "this vault file has no password slot: it opens only with its OS keyring or \
                   recovery key. Open it in Countersign and export a backup instead"
                .to_owned(),
        },
        VaultError::Corrupt { reason } => ImportError::Corrupt {
            format: NAME,
            part: "file",
            detail: reason.to_owned(),
        },
        other => ImportError::Corrupt {
            format: NAME,
            part: "file",
            detail: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use countersign_otp::{Account, Kind, Secret};
    use countersign_vault::backup_file;

    use super::*;
    use crate::{detect_format, import_auto};

    fn tiny() -> KdfParams {
        KdfParams::new(64, 1, 1).unwrap()
    }

    fn accounts() -> Vec<Account> {
        let secret = |text| Secret::from_base32(text).unwrap();
        vec![
            Account::totp("Deno", "Mason", secret("4SJHB4GSD43FZBAI7C2HLRJGPQ")),
            Account::hotp("Issuu", "James", secret("YOOMIXWS5GN6RTBPUFFWKTW5M4"), 1),
        ]
    }

    fn file(accounts: Vec<Account>) -> Vec<u8> {
        backup_file::write(&backup_file::entries_of(accounts), "pw", tiny()).unwrap()
    }

    #[test]
    fn detected_and_imported_with_its_password() {
        let bytes = file(accounts());
        let format = detect_format(&bytes).unwrap();
        assert_eq!((format.id(), format.name()), ("countersign", NAME));
        assert!(format.is_encrypted(&bytes));
        assert_eq!(
            import_auto(&bytes, None).unwrap_err(),
            ImportError::PasswordRequired
        );
        assert_eq!(
            import_auto(&bytes, Some("nope")).unwrap_err(),
            ImportError::WrongPassword
        );
        let (_, imported) = import_auto(&bytes, Some("pw")).unwrap();
        assert_eq!(imported.into_accounts(), accounts());
    }

    #[test]
    fn backup_codes_come_along_in_their_state() {
        let mut payload = countersign_vault::Payload {
            entries: backup_file::entries_of(accounts()),
            ..Default::default()
        };
        let id = payload.entries[1].id;
        let codes =
            ["1234 5678", "2345 6789"].map(|c| countersign_otp::BackupCode::new(c).unwrap());
        payload.add_backup_codes(id, codes.to_vec(), 1).unwrap();
        payload.use_backup_code(id, 2).unwrap();
        let bytes = backup_file::write(&payload.entries, "pw", tiny()).unwrap();
        let (_, imported) = import_auto(&bytes, Some("pw")).unwrap();
        assert_eq!(imported.backup_codes.len(), 1, "only the entry with codes");
        assert!(imported.backup_codes_of(0).is_empty());
        let carried: Vec<(&str, bool)> = imported
            .backup_codes_of(1)
            .iter()
            .map(|code| (code.code.as_str(), code.used_ms.is_some()))
            .collect();
        assert_eq!(carried, [("1234 5678", true), ("2345 6789", false)]);
        let (accounts, codes) = imported.into_accounts_with_backup_codes();
        assert_eq!(accounts.len(), 2);
        assert_eq!(codes.iter().map(Vec::len).collect::<Vec<_>>(), [0, 2]);
    }

    #[test]
    fn damage_is_reported_before_the_password_is_asked() {
        let mut bytes = file(accounts());
        bytes[40] ^= 1;
        let error = import_auto(&bytes, None).unwrap_err();
        assert_eq!(error.kind(), "corrupt");
        assert_eq!(
            error.to_string(),
            "the Countersign backup file is damaged or incomplete (file): header checksum mismatch"
        );
        bytes[40] ^= 1;
        bytes[8] = 9;
        let error = import_auto(&bytes, Some("pw")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "Countersign backup file version 9 is not supported (this version of Countersign reads up to 1)"
        );
    }

    #[test]
    fn an_account_this_version_cannot_use_is_left_out_alone() {
        let mut broken = accounts()[0].clone();
        broken.kind = Kind::Totp { period: 0 };
        let bytes = file(vec![broken, accounts()[1].clone()]);
        let (_, imported) = import_auto(&bytes, Some("pw")).unwrap();
        let invalid: Vec<_> = imported.invalid().collect();
        assert_eq!(invalid.len(), 1);
        assert_eq!(invalid[0].position, 1);
        assert_eq!(invalid[0].label, "Deno (Mason)");
        assert_eq!(
            imported.accounts().collect::<Vec<_>>(),
            vec![&accounts()[1]]
        );
    }

    /// The vault's test vector whose password slot asks Argon2id for 4 GiB x 3 passes.
    fn over_the_cap() -> Vec<u8> {
        let vector = include_str!("../../vault/tests/vectors/v1-kdf-over-cap.txt");
        let base64 = vector
            .lines()
            .find_map(|line| line.strip_prefix("vault: "))
            .unwrap();
        data_encoding::BASE64.decode(base64.as_bytes()).unwrap()
    }

    #[test]
    fn the_kdf_cap_is_checked_before_the_password_is_asked() {
        let bytes = over_the_cap();
        for password in [None, Some("correct horse battery staple")] {
            let error = import_auto(&bytes, password).unwrap_err();
            assert_eq!(error.kind(), "kdf_too_expensive", "{password:?}");
            assert_eq!(
                error.to_string(),
                ImportError::KdfTooExpensive {
                    kdf: "Argon2id",
                    detail: format!(
                        "4194304 KiB x 3 passes x 1 lanes; at most {} KiB, {} lanes and {} \
                         KiB-passes are accepted",
                        KdfParams::MAX_MEMORY_KIB,
                        KdfParams::MAX_PARALLELISM,
                        KdfParams::MAX_WORK_KIB
                    ),
                }
                .to_string()
            );
        }
    }

    #[test]
    fn other_formats_are_not_taken_for_it() {
        assert_eq!(Countersign.detect(b"CSVAUL"), Detection::No);
        let error = Countersign.import(b"{}", Some("pw")).unwrap_err();
        assert_eq!(error.kind(), "wrong_format");
    }
}
