//! The one error type of this crate, with CTAP status codes mapped to what a person can act on.

use serde::Serialize;

use crate::reset::ResetStage;

/// Everything that can go wrong talking to a security key.
///
/// Variants are the situations the UI explains differently; anything else from the key is kept
/// as [`Error::Ctap`] with its status code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    /// The PIN was wrong; `retries` attempts are left before the key blocks its PIN.
    #[error("wrong PIN ({} attempts left)", retries.map_or_else(|| "unknown number of".to_owned(), |r| r.to_string()))]
    PinInvalid {
        /// Attempts left, when the key told us.
        retries: Option<u32>,
    },
    /// The PIN is blocked: only a reset (which erases every passkey) makes the key usable again.
    #[error("the PIN is blocked; the key must be reset")]
    PinBlocked,
    /// Too many wrong PINs since the key was plugged in: unplug it and plug it back in.
    #[error("too many wrong PINs in a row; unplug the key and plug it back in")]
    PinAuthBlocked,
    /// The operation needs a PIN but the key has none yet.
    #[error("this key has no PIN set")]
    PinNotSet,
    /// The key requires a PIN for this operation and none was given.
    #[error("this key requires its PIN for this operation")]
    PinRequired,
    /// The new PIN breaks the key's rules (length, complexity).
    #[error("the key refused the new PIN: {0}")]
    PinPolicy(PinRule),
    /// Built-in user verification (fingerprint) failed too often and is blocked until a PIN is used.
    #[error("fingerprint verification is blocked; use the PIN")]
    UvBlocked,
    /// Nobody touched the key in time, or the key gave up waiting.
    #[error("timed out waiting for the key (was it touched?)")]
    Timeout,
    /// The operation was cancelled from our side.
    #[error("cancelled")]
    Cancelled,
    /// The person declined on the key, or the key refused the operation.
    #[error("the key denied the operation")]
    OperationDenied,
    /// The key does not allow this now (for example reset more than 10 s after plug-in).
    #[error("the key does not allow this operation now")]
    NotAllowed,
    /// The operating system refused access to the device.
    #[error("access to the key was denied: {0}")]
    AccessDenied(String),
    /// The key does not support this operation or option.
    #[error("this key does not support {0}")]
    Unsupported(Feature),
    /// No FIDO key is plugged in (or the requested one is gone).
    #[error("no security key found")]
    NoKey,
    /// The key already holds a credential from the exclude list.
    #[error("this key is already registered")]
    CredentialExcluded,
    /// The key has no credential for this site.
    #[error("the key has no credential for this site")]
    NoCredentials,
    /// The key's storage for passkeys (or fingerprints) is full.
    #[error("the key's storage is full")]
    StorageFull,
    /// Any other CTAP error status from the key.
    #[error("the key answered {name} (0x{code:02x})")]
    Ctap {
        /// The CTAP status byte.
        code: u8,
        /// Its name in the CTAP specification.
        name: &'static str,
    },
    /// The HID link failed (unplugged, I/O error).
    #[error("device error: {0}")]
    Device(String),
    /// The key's answer could not be understood.
    #[error("unexpected answer from the key: {0}")]
    Protocol(String),
    /// The key refused a reset: it accepts one only within about 10 seconds of power-up.
    #[error(
        "the key refused: it accepts a reset only within about 10 seconds of being plugged in; start again, and touch the key as soon as it blinks"
    )]
    ResetWindowPassed,
    /// A guided reset waited a minute for the key to be unplugged or plugged back in.
    #[error("the key was not {} within a minute; start again when you are ready", step.done())]
    ReplugTimeout {
        /// The step that was not done: [`ResetStage::Unplug`] or [`ResetStage::Replug`].
        step: ResetStage,
    },
}

/// Which rule a new PIN broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PinRule {
    /// Fewer characters than the key's minimum.
    #[error("this key needs at least {min} characters")]
    TooShort {
        /// The key's minimum, in characters.
        min: u64,
    },
    /// More bytes than CTAP allows.
    #[error("a PIN is at most {max_bytes} bytes")]
    TooLong {
        /// The most bytes a PIN may have.
        max_bytes: u64,
    },
    /// The key's own rules (CTAP2_ERR_PIN_POLICY_VIOLATION), which it does not explain.
    #[error("the PIN is too short, too long or too simple")]
    KeyPolicy,
}

impl PinRule {
    /// A stable name for the UI: `too_short`, `too_long` or `key_policy`.
    pub fn code(&self) -> &'static str {
        match self {
            PinRule::TooShort { .. } => "too_short",
            PinRule::TooLong { .. } => "too_long",
            PinRule::KeyPolicy => "key_policy",
        }
    }

    /// The limit broken (characters for `too_short`, bytes for `too_long`), when there is one.
    pub fn limit(&self) -> Option<u64> {
        match self {
            PinRule::TooShort { min } => Some(*min),
            PinRule::TooLong { max_bytes } => Some(*max_bytes),
            PinRule::KeyPolicy => None,
        }
    }
}

/// What a key lacks, for [`Error::Unsupported`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Feature {
    /// The algorithm a request asked for (CTAP2_ERR_UNSUPPORTED_ALGORITHM).
    #[error("the requested algorithm")]
    Algorithm,
    /// A command or option of a request (CTAP1_ERR_INVALID_COMMAND, CTAP2_ERR_UNSUPPORTED_OPTION).
    #[error("this command or option")]
    CommandOrOption,
    /// A request that names no algorithm at all.
    #[error("a credential without an algorithm")]
    NoAlgorithm,
    /// Listing and deleting passkeys (credential management).
    #[error("passkey management")]
    PasskeyManagement,
    /// Fingerprint enrolment (bio enrollment).
    #[error("fingerprints")]
    Fingerprints,
    /// The hmac-secret extension.
    #[error("hmac-secret")]
    HmacSecret,
    /// A PIN.
    #[error("a PIN")]
    Pin,
    /// The alwaysUv setting.
    #[error("always requiring verification")]
    AlwaysUv,
    /// authenticatorConfig.
    #[error("authenticatorConfig")]
    Config,
}

impl Feature {
    /// A stable name for the UI (`passkey_management`, `hmac_secret`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Feature::Algorithm => "algorithm",
            Feature::CommandOrOption => "command_or_option",
            Feature::NoAlgorithm => "no_algorithm",
            Feature::PasskeyManagement => "passkey_management",
            Feature::Fingerprints => "fingerprints",
            Feature::HmacSecret => "hmac_secret",
            Feature::Pin => "pin",
            Feature::AlwaysUv => "always_uv",
            Feature::Config => "config",
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Maps a non-zero CTAP status byte to an error.
    pub fn from_status(code: u8) -> Error {
        match code {
            0x05 | 0x2F | 0x3A => Error::Timeout,
            0x19 => Error::CredentialExcluded,
            0x26 => Error::Unsupported(Feature::Algorithm),
            0x27 => Error::OperationDenied,
            0x17 | 0x18 | 0x28 => Error::StorageFull,
            0x01 | 0x2B => Error::Unsupported(Feature::CommandOrOption),
            0x2D => Error::Cancelled,
            0x2E => Error::NoCredentials,
            0x30 => Error::NotAllowed,
            0x31 => Error::PinInvalid { retries: None },
            0x32 => Error::PinBlocked,
            0x34 => Error::PinAuthBlocked,
            0x35 => Error::PinNotSet,
            0x36 => Error::PinRequired,
            0x37 => Error::PinPolicy(PinRule::KeyPolicy),
            0x3C => Error::UvBlocked,
            _ => Error::Ctap {
                code,
                name: status_name(code),
            },
        }
    }

    /// Wraps an error message from ctap-hid-fido2's encoders and parsers.
    pub(crate) fn protocol(e: impl std::fmt::Display) -> Error {
        Error::Protocol(e.to_string())
    }
}

/// The CTAP 2.1 name of a status byte.
pub fn status_name(code: u8) -> &'static str {
    match code {
        0x00 => "CTAP2_OK",
        0x01 => "CTAP1_ERR_INVALID_COMMAND",
        0x02 => "CTAP1_ERR_INVALID_PARAMETER",
        0x03 => "CTAP1_ERR_INVALID_LENGTH",
        0x04 => "CTAP1_ERR_INVALID_SEQ",
        0x05 => "CTAP1_ERR_TIMEOUT",
        0x06 => "CTAP1_ERR_CHANNEL_BUSY",
        0x0A => "CTAP1_ERR_LOCK_REQUIRED",
        0x0B => "CTAP1_ERR_INVALID_CHANNEL",
        0x11 => "CTAP2_ERR_CBOR_UNEXPECTED_TYPE",
        0x12 => "CTAP2_ERR_INVALID_CBOR",
        0x14 => "CTAP2_ERR_MISSING_PARAMETER",
        0x15 => "CTAP2_ERR_LIMIT_EXCEEDED",
        0x17 => "CTAP2_ERR_FP_DATABASE_FULL",
        0x18 => "CTAP2_ERR_LARGE_BLOB_STORAGE_FULL",
        0x19 => "CTAP2_ERR_CREDENTIAL_EXCLUDED",
        0x21 => "CTAP2_ERR_PROCESSING",
        0x22 => "CTAP2_ERR_INVALID_CREDENTIAL",
        0x23 => "CTAP2_ERR_USER_ACTION_PENDING",
        0x24 => "CTAP2_ERR_OPERATION_PENDING",
        0x25 => "CTAP2_ERR_NO_OPERATIONS",
        0x26 => "CTAP2_ERR_UNSUPPORTED_ALGORITHM",
        0x27 => "CTAP2_ERR_OPERATION_DENIED",
        0x28 => "CTAP2_ERR_KEY_STORE_FULL",
        0x2B => "CTAP2_ERR_UNSUPPORTED_OPTION",
        0x2C => "CTAP2_ERR_INVALID_OPTION",
        0x2D => "CTAP2_ERR_KEEPALIVE_CANCEL",
        0x2E => "CTAP2_ERR_NO_CREDENTIALS",
        0x2F => "CTAP2_ERR_USER_ACTION_TIMEOUT",
        0x30 => "CTAP2_ERR_NOT_ALLOWED",
        0x31 => "CTAP2_ERR_PIN_INVALID",
        0x32 => "CTAP2_ERR_PIN_BLOCKED",
        0x33 => "CTAP2_ERR_PIN_AUTH_INVALID",
        0x34 => "CTAP2_ERR_PIN_AUTH_BLOCKED",
        0x35 => "CTAP2_ERR_PIN_NOT_SET",
        0x36 => "CTAP2_ERR_PUAT_REQUIRED",
        0x37 => "CTAP2_ERR_PIN_POLICY_VIOLATION",
        0x39 => "CTAP2_ERR_REQUEST_TOO_LARGE",
        0x3A => "CTAP2_ERR_ACTION_TIMEOUT",
        0x3B => "CTAP2_ERR_UP_REQUIRED",
        0x3C => "CTAP2_ERR_UV_BLOCKED",
        0x3D => "CTAP2_ERR_INTEGRITY_FAILURE",
        0x3E => "CTAP2_ERR_INVALID_SUBCOMMAND",
        0x3F => "CTAP2_ERR_UV_INVALID",
        0x40 => "CTAP2_ERR_UNAUTHORIZED_PERMISSION",
        0x7F => "CTAP1_ERR_OTHER",
        _ => "unknown status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_actionable_errors() {
        assert_eq!(
            Error::from_status(0x31),
            Error::PinInvalid { retries: None }
        );
        assert_eq!(Error::from_status(0x34), Error::PinAuthBlocked);
        assert_eq!(Error::from_status(0x2F), Error::Timeout);
        assert_eq!(Error::from_status(0x30), Error::NotAllowed);
        assert_eq!(
            Error::from_status(0x33),
            Error::Ctap {
                code: 0x33,
                name: "CTAP2_ERR_PIN_AUTH_INVALID"
            }
        );
        assert_eq!(
            Error::PinInvalid { retries: Some(3) }.to_string(),
            "wrong PIN (3 attempts left)"
        );
    }

    #[test]
    fn errors_serialize_with_a_kind() {
        let json = serde_json::to_value(Error::PinInvalid { retries: Some(2) }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "pin_invalid", "retries": 2})
        );
    }
}
