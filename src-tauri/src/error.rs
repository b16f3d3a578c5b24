//! Errors as they cross IPC: `{kind, message}`, a stable machine-readable kind and a sentence
//! for people.

use serde::Serialize;

/// An error returned by a command.
#[derive(Debug, Serialize)]
pub struct CommandError {
    /// Stable identifier the UI can branch on ("invalid_uri", "not_found", ...).
    pub kind: &'static str,
    /// What went wrong, written for the person using the app.
    pub message: String,
}

impl CommandError {
    /// An error of `kind` with `message`.
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        CommandError {
            kind,
            message: message.into(),
        }
    }
}

impl From<countersign_otp::ProvisioningError> for CommandError {
    fn from(error: countersign_otp::ProvisioningError) -> Self {
        CommandError::new("invalid_uri", error.to_string())
    }
}

/// Result of a command.
pub type CommandResult<T> = Result<T, CommandError>;
