//! Why a command failed, and the exit status that says so: one table for every command, read
//! from the crates' error enums.

use std::process::ExitCode;

use countersign_backup::{ExportError, ImportError};

/// Exit status for bad input (a line that is not a usable URI, a wrong argument).
pub const EXIT_BAD_INPUT: u8 = 2;

/// The exit statuses, shown by the commands' `--help`.
pub const EXIT_STATUS_HELP: &str = "\
Exit status:
  0   success
  1   other failure (reading or writing a file, a security key's error, a failed check of
      `key test` or `webauthn verify-*`...)
  2   bad input: a wrong argument, a line that is not a usable URI, a file that cannot be read
      as asked (its password included)
  3   wrong password (or wrong recovery key)
  4   the vault file is damaged or was tampered with
  5   the vault file is from a newer version of Countersign
  6   the vault asks for more Argon2 work than allowed
  7   there is no vault yet (run `countersign init`)
  8   a vault already exists (init)
  9   the vault is in use by another running Countersign
  10  too many wrong passwords: wait and try again
  11  the system keyring is unavailable or holds no key for this vault
  12  the vault file changed on disk while this command ran
  13  the account is already in the vault (add)
  14  no account matches the query
  15  several accounts match the query
  16  the file to merge is not a copy of this vault that its key opens (merge)

The vault lives in --data-dir, else $COUNTERSIGN_DATA_DIR, else the platform's data folder.";

/// Why a command stopped. Its message goes to standard error after `countersign: `.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Failure {
    /// The vault refused or failed.
    #[error(transparent)]
    Vault(#[from] countersign_vault::Error),
    /// A file to import could not be read as asked.
    #[error("{file}: {error}")]
    Import {
        /// The file, as named on the command line.
        file: String,
        /// Why.
        error: ImportError,
    },
    /// The accounts could not be exported as asked.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// A security key or the OS said no: told as the app tells it, with what to do.
    #[error("{}", .0.advice())]
    Key(#[from] countersign_fido::Error),
    /// The arguments or the input are unusable.
    #[error("{0}")]
    Input(String),
    /// A file could not be read or written.
    #[error("{0}")]
    Io(String),
    /// `add`: the accounts are already in the vault.
    #[error("{0}")]
    Duplicates(String),
    /// No account matches the query.
    #[error("{0}")]
    NoMatch(String),
    /// Several accounts match the query.
    #[error("{0}")]
    Ambiguous(String),
    /// `merge`: the file is another vault's, under another key, or damaged.
    #[error("{0}")]
    NotMerged(String),
}

impl Failure {
    /// Bad input: a wrong argument, input that cannot be used.
    pub fn input(message: impl Into<String>) -> Self {
        Failure::Input(message.into())
    }

    /// A failure reading or writing a file.
    pub fn io(message: impl Into<String>) -> Self {
        Failure::Io(message.into())
    }

    /// The exit status: the table of [`EXIT_STATUS_HELP`].
    pub fn exit_status(&self) -> u8 {
        use countersign_vault::Error as Vault;
        match self {
            Failure::Vault(error) => match error {
                Vault::WrongPassword | Vault::WrongRecoveryKey => 3,
                Vault::Corrupt { .. } => 4,
                Vault::UnsupportedVersion { .. } => 5,
                Vault::KdfTooExpensive { .. } => 6,
                Vault::NoVault => 7,
                Vault::VaultExists => 8,
                Vault::InUse { .. } => 9,
                Vault::RateLimited { .. } => 10,
                Vault::KeyringUnavailable { .. } | Vault::KeyringKeyMissing => 11,
                Vault::ChangedOnDisk => 12,
                Vault::Duplicate { .. } => 13,
                Vault::EmptyPassword | Vault::PasswordRequired | Vault::InvalidAccount(_) => {
                    EXIT_BAD_INPUT
                }
                _ => 1,
            },
            Failure::Import { .. } | Failure::Export(_) | Failure::Input(_) => EXIT_BAD_INPUT,
            Failure::Key(_) | Failure::Io(_) => 1,
            Failure::Duplicates(_) => 13,
            Failure::NoMatch(_) => 14,
            Failure::Ambiguous(_) => 15,
            Failure::NotMerged(_) => 16,
        }
    }

    /// Prints the message and gives the exit status.
    pub fn report(&self) -> ExitCode {
        eprintln!("countersign: {self}");
        ExitCode::from(self.exit_status())
    }
}

/// The exit status of a command's result.
pub fn finish(result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cause_has_the_status_the_help_lists() {
        let status = |failure: Failure| failure.exit_status();
        assert_eq!(status(countersign_vault::Error::WrongPassword.into()), 3);
        assert_eq!(status(countersign_vault::Error::NoVault.into()), 7);
        assert_eq!(status(countersign_vault::Error::VaultExists.into()), 8);
        assert_eq!(status(countersign_vault::Error::ChangedOnDisk.into()), 12);
        assert_eq!(status(countersign_vault::Error::EmptyPassword.into()), 2);
        assert_eq!(status(countersign_vault::Error::NotHotp.into()), 1);
        let import = Failure::Import {
            file: "a.json".into(),
            error: ImportError::WrongPassword,
        };
        assert_eq!(import.to_string(), "a.json: the password is wrong");
        assert_eq!(status(import), 2);
        assert_eq!(status(ExportError::NoAccounts.into()), 2);
        assert_eq!(status(countersign_fido::Error::NoKey.into()), 1);
        assert_eq!(status(Failure::NoMatch("x".into())), 14);
        assert_eq!(status(Failure::Ambiguous("x".into())), 15);
        assert_eq!(status(Failure::Duplicates("x".into())), 13);
        assert_eq!(status(Failure::NotMerged("x".into())), 16);
        for code in 0..=16 {
            assert!(
                EXIT_STATUS_HELP.contains(&format!("\n  {code:<3} ")),
                "the help lists {code}"
            );
        }
    }
}
