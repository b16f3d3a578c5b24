//! Errors as they cross IPC: `{kind, message}`, a stable machine-readable kind and a sentence
//! for people.

use serde::Serialize;
use ts_rs::TS;

/// An error returned by a command.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CommandError {
    /// Stable identifier the UI can branch on ("invalid_uri", "wrong_password", ...).
    pub kind: &'static str,
    /// What went wrong, written for the person using the app.
    pub message: String,
    /// Seconds to wait before trying again (rate-limited unlocks only).
    #[serde(skip_serializing_if = "Option::is_none", rename = "retryAfter")]
    #[ts(optional)]
    pub retry_after: Option<u64>,
}

impl CommandError {
    /// An error of `kind` with `message`.
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        CommandError {
            kind,
            message: message.into(),
            retry_after: None,
        }
    }
}

/// Capitalises the first letter: library messages are written to follow a colon.
pub(crate) fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => {
            let mut out: String = first.to_uppercase().collect();
            out.push_str(chars.as_str());
            if !out.ends_with('.') {
                out.push('.');
            }
            out
        }
        None => String::new(),
    }
}

impl From<countersign_otp::ProvisioningError> for CommandError {
    fn from(error: countersign_otp::ProvisioningError) -> Self {
        CommandError::new("invalid_uri", error.to_string())
    }
}

impl From<countersign_otp::InvalidAccount> for CommandError {
    fn from(error: countersign_otp::InvalidAccount) -> Self {
        CommandError::new("invalid_account", sentence(&error.to_string()))
    }
}

impl From<countersign_backup::ExportError> for CommandError {
    fn from(error: countersign_backup::ExportError) -> Self {
        CommandError::new(error.kind(), sentence(&error.to_string()))
    }
}

impl From<countersign_vault::Error> for CommandError {
    fn from(error: countersign_vault::Error) -> Self {
        use countersign_vault::Error as E;
        let message = match &error {
            E::WrongPassword => "That password is not right.".to_owned(),
            E::WrongRecoveryKey => "That recovery key is not right.".to_owned(),
            E::Corrupt { .. } => format!(
                "{} Nothing was changed; your backups are in the backups folder next to it.",
                sentence(&error.to_string())
            ),
            E::ChangedOnDisk => "The vault file was changed by another program or device since \
                                 it was opened. Lock and unlock to load the newer version."
                .to_owned(),
            E::Duplicate { .. } => "This account is already in your vault.".to_owned(),
            _ => sentence(&error.to_string()),
        };
        let retry_after = match &error {
            E::RateLimited { wait } => Some(wait.as_secs() + u64::from(wait.subsec_nanos() > 0)),
            _ => None,
        };
        CommandError {
            kind: error.kind(),
            message,
            retry_after,
        }
    }
}

/// Result of a command.
pub type CommandResult<T> = Result<T, CommandError>;
