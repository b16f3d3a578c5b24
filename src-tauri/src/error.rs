//! Errors as they cross IPC: `{kind, message}`, a stable machine-readable kind and a sentence
//! for people, plus `args` for the details a translation needs (a path, attempts left).

use serde::Serialize;
use ts_rs::TS;

/// An error returned by a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CommandError {
    /// Stable identifier the UI can branch on ("invalid_uri", "wrong_password", ...).
    pub kind: &'static str,
    /// What went wrong, written for the person using the app.
    pub message: String,
    /// Seconds to wait before trying again (rate-limited unlocks only).
    #[serde(skip_serializing_if = "Option::is_none", rename = "retryAfter")]
    #[ts(optional)]
    pub retry_after: Option<u64>,
    /// The details `message` names, for the window to say them in its own language; sent only
    /// when there are any. Boxed: every command's `Result` carries this type.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub args: Option<Box<ErrorArgs>>,
}

/// The details of an error that its English message names, each sent only when known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ErrorArgs {
    /// The file or folder concerned (`in_use`, `io`, `other_vault_there`, `same_vault_there`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub path: Option<String>,
    /// The kind of unlock slot that is missing: "password", "keyring" or "recovery".
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub slot: Option<String>,
    /// PIN attempts left before a security key blocks its PIN (`pin_invalid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub attempts_left: Option<u32>,
    /// A backup code's number, from 1 (`no_such_backup_code`), or the pasted line at fault
    /// (`invalid_backup_codes`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub number: Option<u64>,
    /// The part of a setup link or account at fault (`invalid_uri`, `invalid_account`):
    /// "uri", "type", "secret", "algorithm", "digits", "period", "counter", "name", "entry" (an
    /// imported entry as a whole), or the percent-encoded part's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
    /// How many accounts there were to export (`nothing_to_export`: none at all, or none that
    /// fits `format`), the letters and digits of a pasted line (`invalid_backup_codes`), or a
    /// vault's unlock methods from a newer version (`newer_slots`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub count: Option<u64>,
    /// The export format's name, as Rust's message names it ("Google Authenticator QR codes").
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub format: Option<String>,
    /// The account (or batch) a QR code was for (`qr_too_long`), or the type of one-time
    /// password an imported entry has that no code is made for (`invalid_account` with field
    /// "type": "Yandex OTP", "mOTP").
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub name: Option<String>,
    /// The setting refused (`invalid_settings`), by its name in the settings file
    /// ("autoLockMinutes").
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub setting: Option<String>,
    /// What is wrong with `field`: "not_otpauth", "too_long", "missing", "not_base32",
    /// "too_short", "invalid", "unsupported", "out_of_range", "encoding", "steam" (not what
    /// Steam codes use), "unreadable" (an imported secret or entry that cannot be read) or
    /// "damaged" (an imported secret that does not decrypt, though the file's password is
    /// right). For security keys, which case of the kind it is: `pin_policy`'s rule
    /// ("too_short", "too_long", "key_policy"), `timeout`'s reset step ("unplug", "replug"),
    /// `access_denied`'s remedy ("udev", "administrator", "os"), and `key_error`'s fault
    /// ("credential_excluded", "no_credentials", "storage_full", "unsupported", "ctap",
    /// "device", "protocol"). For pasted backup codes (`invalid_backup_codes`): "no_codes",
    /// "too_long", "character", "separators", "length".
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub problem: Option<String>,
    /// The limit broken: a PIN's minimum characters or maximum bytes (`pin_policy`), a name's
    /// maximum bytes (`invalid_input`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u64>,
    /// What a security key lacks (`key_error` with problem "unsupported"): "algorithm",
    /// "command_or_option", "no_algorithm", "passkey_management", "fingerprints",
    /// "hmac_secret", "pin", "always_uv", "config".
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub feature: Option<String>,
    /// A CTAP status a key answered, by its name in the specification and its byte
    /// ("CTAP2_ERR_PIN_AUTH_INVALID (0x33)"), the same in every language.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub status: Option<String>,
    /// A technical detail from the device or a library, in English, shown as it is after the
    /// translated sentence (`key_error` with problem "device" or "protocol").
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub detail: Option<String>,
    /// Why the system keyring cannot be used (`keyring_unavailable`): "no_session",
    /// "no_service", "no_keyring", "locked", "refused", "timeout" or "platform".
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cause: Option<String>,
    /// What the OS answered when a file could not be read or written (`io`,
    /// `unreadable_file`): "not_found", "permission_denied", "already_exists", "storage_full",
    /// "read_only" or "other".
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub os_error: Option<String>,
    /// The version a file declares (`unsupported_version`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub version: Option<String>,
    /// The newest version of that format this build reads (`unsupported_version`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub supported: Option<String>,
}

/// The code of an OS error the window words: one of `ErrorArgs::os_error`'s.
pub(crate) fn os_error_code(error: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match error.kind() {
        K::NotFound => "not_found",
        K::PermissionDenied => "permission_denied",
        K::AlreadyExists => "already_exists",
        K::StorageFull | K::QuotaExceeded => "storage_full",
        K::ReadOnlyFilesystem => "read_only",
        _ => "other",
    }
}

impl ErrorArgs {
    /// `field` and its `problem`.
    pub(crate) fn field(field: &str, problem: &str) -> Self {
        ErrorArgs {
            field: Some(field.to_owned()),
            problem: Some(problem.to_owned()),
            ..ErrorArgs::default()
        }
    }

    /// The file at `path` and what the OS answered about it.
    pub(crate) fn io(path: &std::path::Path, error: &std::io::Error) -> Self {
        ErrorArgs {
            path: Some(path.display().to_string()),
            os_error: Some(os_error_code(error).to_owned()),
            ..ErrorArgs::default()
        }
    }

    /// Which field of an account in a Google Authenticator export is at fault, and how.
    pub(crate) fn of_export_entry(error: &countersign_otp::EntryError) -> Self {
        use countersign_otp::EntryError as E;
        match error {
            E::Algorithm(_) => Self::field("algorithm", "unsupported"),
            E::Digits(_) => Self::field("digits", "unsupported"),
            E::Type(_) => Self::field("type", "unsupported"),
            E::Counter => Self::field("counter", "out_of_range"),
            E::Secret(secret) => Self::of_secret(secret),
            _ => ErrorArgs::default(),
        }
    }

    /// The setting refused.
    pub(crate) fn setting(setting: &str) -> Self {
        ErrorArgs {
            setting: Some(setting.to_owned()),
            ..ErrorArgs::default()
        }
    }

    /// Which parameter of an account is at fault, and how.
    pub(crate) fn of_account(error: &countersign_otp::InvalidAccount) -> Self {
        use countersign_otp::InvalidAccount as A;
        match error {
            A::Digits(_) => Self::field("digits", "out_of_range"),
            A::Period(_) => Self::field("period", "out_of_range"),
            A::SteamDigits(_) => Self::field("digits", "steam"),
            A::SteamAlgorithm(_) => Self::field("algorithm", "steam"),
            _ => ErrorArgs::default(),
        }
    }

    /// What is wrong with a secret.
    pub(crate) fn of_secret(error: &countersign_otp::SecretError) -> Self {
        use countersign_otp::SecretError as S;
        let problem = match error {
            S::Empty => "missing",
            S::InvalidCharacter { .. } => "not_base32",
            S::InvalidLength { .. } => "too_short",
            S::TooLong => "too_long",
            _ => "invalid",
        };
        Self::field("secret", problem)
    }

    /// Which field of a setup key typed by hand is at fault, and how.
    pub(crate) fn of_setup_key(error: &countersign_otp::SetupKeyError) -> Self {
        use countersign_otp::SetupKeyError as K;
        match error {
            K::NoLabel => Self::field("name", "missing"),
            K::Secret(secret) => Self::of_secret(secret),
            K::Account(account) => Self::of_account(account),
            _ => ErrorArgs::default(),
        }
    }

    /// Which part of a setup link is at fault, and how.
    fn of_uri(error: &countersign_otp::UriError) -> Self {
        use countersign_otp::UriError as U;
        match error {
            U::NotOtpauth => Self::field("uri", "not_otpauth"),
            U::TooLong => Self::field("uri", "too_long"),
            U::UnknownType(_) => Self::field("type", "unsupported"),
            U::MissingSecret => Self::field("secret", "missing"),
            U::Secret(secret) => Self::of_secret(secret),
            U::Algorithm(_) => Self::field("algorithm", "unsupported"),
            U::Digits(_) => Self::field("digits", "out_of_range"),
            U::Period(_) => Self::field("period", "out_of_range"),
            U::Counter(_) => Self::field("counter", "out_of_range"),
            U::Encoding { field } => Self::field(field, "encoding"),
            U::Account(account) => Self::of_account(account),
            _ => ErrorArgs::default(),
        }
    }

    /// `Some` when any detail is known: an error without any sends no `args`.
    fn if_any(self) -> Option<Box<ErrorArgs>> {
        (self != ErrorArgs::default()).then(|| Box::new(self))
    }
}

impl CommandError {
    /// An error of `kind` with `message`.
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        CommandError {
            kind,
            message: message.into(),
            retry_after: None,
            args: None,
        }
    }

    /// The same error with `args`.
    pub fn with_args(self, args: ErrorArgs) -> Self {
        CommandError {
            args: args.if_any(),
            ..self
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

impl From<crate::settings::SettingsError> for CommandError {
    fn from(error: crate::settings::SettingsError) -> Self {
        let args = error.setting().map(ErrorArgs::setting).unwrap_or_default();
        CommandError::new("invalid_settings", error.to_string()).with_args(args)
    }
}

impl From<countersign_otp::ProvisioningError> for CommandError {
    fn from(error: countersign_otp::ProvisioningError) -> Self {
        let args = match &error {
            countersign_otp::ProvisioningError::Uri(uri) => ErrorArgs::of_uri(uri),
            _ => ErrorArgs::default(),
        };
        CommandError::new("invalid_uri", error.to_string()).with_args(args)
    }
}

impl From<countersign_otp::InvalidAccount> for CommandError {
    fn from(error: countersign_otp::InvalidAccount) -> Self {
        let args = ErrorArgs::of_account(&error);
        CommandError::new("invalid_account", sentence(&error.to_string())).with_args(args)
    }
}

impl From<countersign_backup::ExportError> for CommandError {
    fn from(error: countersign_backup::ExportError) -> Self {
        use countersign_backup::ExportError as X;
        let args = match &error {
            X::NoAccounts => ErrorArgs {
                count: Some(0),
                ..ErrorArgs::default()
            },
            X::NoneFits { format, accounts } => ErrorArgs {
                count: Some(*accounts as u64),
                format: Some((*format).to_owned()),
                ..ErrorArgs::default()
            },
            X::QrTooLong { label } => ErrorArgs {
                name: Some(label.clone()),
                ..ErrorArgs::default()
            },
            _ => ErrorArgs::default(),
        };
        CommandError::new(error.kind(), sentence(&error.to_string())).with_args(args)
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
        let path = |path: &std::path::Path| ErrorArgs {
            path: Some(path.display().to_string()),
            ..ErrorArgs::default()
        };
        let args = match &error {
            E::Io { path: at, source } => ErrorArgs::io(at, source),
            E::UnsupportedVersion { found, supported } => ErrorArgs {
                version: Some(found.to_string()),
                supported: Some(supported.to_string()),
                ..ErrorArgs::default()
            },
            E::InUse { path: at }
            | E::OtherVaultThere { path: at }
            | E::SameVaultThere { path: at } => path(at),
            E::NoSuchSlot(slot) => ErrorArgs {
                slot: Some((*slot).to_owned()),
                ..ErrorArgs::default()
            },
            E::NoSuchBackupCode { index } => ErrorArgs {
                number: Some(*index as u64 + 1),
                ..ErrorArgs::default()
            },
            E::KeyringUnavailable { reason, .. } => ErrorArgs {
                cause: Some(reason.code().to_owned()),
                ..ErrorArgs::default()
            },
            E::NewerSlots { count } => ErrorArgs {
                count: Some(*count as u64),
                ..ErrorArgs::default()
            },
            _ => ErrorArgs::default(),
        };
        CommandError {
            kind: error.kind(),
            message,
            retry_after,
            args: args.if_any(),
        }
    }
}

/// Result of a command.
pub type CommandResult<T> = Result<T, CommandError>;

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::json;

    use super::*;

    #[test]
    fn a_path_error_sends_its_path() {
        let error = CommandError::from(countersign_vault::Error::SameVaultThere {
            path: PathBuf::from("/home/me/Sync"),
        });
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            json!({
                "kind": "same_vault_there",
                "message": error.message,
                "args": {"path": "/home/me/Sync"},
            })
        );
    }

    #[test]
    fn a_missing_slot_and_backup_code_send_which() {
        let slot = CommandError::from(countersign_vault::Error::NoSuchSlot("recovery"));
        assert_eq!(
            serde_json::to_value(&slot).unwrap()["args"],
            json!({"slot": "recovery"})
        );
        let code = CommandError::from(countersign_vault::Error::NoSuchBackupCode { index: 2 });
        assert_eq!(
            serde_json::to_value(&code).unwrap()["args"],
            json!({"number": 3})
        );
    }

    #[test]
    fn a_setup_link_error_names_its_field_and_problem() {
        let uri = |text: &str| {
            let error = CommandError::from(countersign_otp::parse_provisioning(text).unwrap_err());
            serde_json::to_value(&error).unwrap()["args"].clone()
        };
        assert_eq!(
            uri("otpauth://totp/A?issuer=A"),
            json!({"field": "secret", "problem": "missing"})
        );
        assert_eq!(
            uri("otpauth://totp/A?secret=JBSWY3DPEHPK3PXP&digits=12"),
            json!({"field": "digits", "problem": "out_of_range"})
        );
        assert_eq!(
            uri("https://example.com"),
            json!({"field": "uri", "problem": "not_otpauth"})
        );
        assert_eq!(
            uri("otpauth://totp/A?secret=JBSWY3DP!"),
            json!({"field": "secret", "problem": "not_base32"})
        );
        let account = CommandError::from(countersign_otp::InvalidAccount::SteamDigits(6));
        assert_eq!(
            serde_json::to_value(&account).unwrap()["args"],
            json!({"field": "digits", "problem": "steam"})
        );
    }

    #[test]
    fn a_refused_setting_is_named() {
        let settings = crate::settings::Settings {
            auto_lock_minutes: 100_000,
            ..Default::default()
        };
        let error = CommandError::from(settings.validate().unwrap_err());
        assert_eq!(error.kind, "invalid_settings");
        assert_eq!(
            serde_json::to_value(&error).unwrap()["args"],
            json!({"setting": "autoLockMinutes"})
        );
    }

    #[test]
    fn nothing_to_export_counts_the_accounts() {
        use countersign_backup::ExportError;
        let none = CommandError::from(ExportError::NoAccounts);
        assert_eq!(
            serde_json::to_value(&none).unwrap()["args"],
            json!({"count": 0})
        );
        let none_fits = CommandError::from(ExportError::NoneFits {
            format: "Google Authenticator QR codes",
            accounts: 2,
        });
        assert_eq!(none_fits.kind, "nothing_to_export");
        assert_eq!(
            serde_json::to_value(&none_fits).unwrap()["args"],
            json!({"count": 2, "format": "Google Authenticator QR codes"})
        );
    }

    #[test]
    fn an_io_error_sends_its_path_and_the_os_reason_as_a_code() {
        let io = |kind: std::io::ErrorKind| {
            let error = CommandError::from(countersign_vault::Error::Io {
                path: PathBuf::from("/data/vault.countersign"),
                source: kind.into(),
            });
            serde_json::to_value(&error).unwrap()["args"].clone()
        };
        assert_eq!(
            io(std::io::ErrorKind::PermissionDenied),
            json!({"path": "/data/vault.countersign", "osError": "permission_denied"})
        );
        let codes: Vec<_> = [
            std::io::ErrorKind::NotFound,
            std::io::ErrorKind::AlreadyExists,
            std::io::ErrorKind::StorageFull,
            std::io::ErrorKind::ReadOnlyFilesystem,
            std::io::ErrorKind::Interrupted,
        ]
        .into_iter()
        .map(|kind| io(kind)["osError"].clone())
        .collect();
        assert_eq!(
            codes,
            [
                "not_found",
                "already_exists",
                "storage_full",
                "read_only",
                "other"
            ]
        );
    }

    #[test]
    fn a_newer_vault_sends_both_versions() {
        let error = CommandError::from(countersign_vault::Error::UnsupportedVersion {
            found: 3,
            supported: 2,
        });
        assert_eq!(error.kind, "unsupported_version");
        assert_eq!(
            serde_json::to_value(&error).unwrap()["args"],
            json!({"version": "3", "supported": "2"})
        );
    }

    #[test]
    fn no_args_are_sent_when_there_are_none() {
        let error = CommandError::from(countersign_vault::Error::WrongPassword);
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            json!({"kind": "wrong_password", "message": "That password is not right."})
        );
    }
}
