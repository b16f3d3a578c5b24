//! Why a file could not be imported, or accounts could not be exported.

/// Why a whole file could not be imported. (A single bad entry is an
/// [`InvalidEntry`](crate::InvalidEntry) instead, and the rest of the file still imports.)
///
/// Messages never contain a password or a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The file is encrypted and no password was given.
    #[error("this file is encrypted: enter the password it was exported with")]
    PasswordRequired,
    /// The password does not open the file.
    #[error("the password is wrong")]
    WrongPassword,
    /// No supported format recognises the file.
    #[error("this file is not an export of any app Countersign can import from")]
    Unrecognised,
    /// The file is a picture: its QR code is for the scanner.
    #[error("this file is an image: scan the QR code in it instead")]
    Image,
    /// The file is not in the format that was asked for.
    #[error("this is not a file in the {format} format: {reason}")]
    WrongFormat {
        /// The format's name.
        format: &'static str,
        /// What does not match.
        reason: String,
    },
    /// The file is in the format but damaged, truncated or tampered with.
    #[error("the {format} file is damaged or incomplete ({part}): {detail}")]
    Corrupt {
        /// The format's name.
        format: &'static str,
        /// The part at fault ("JSON", "encrypted content", "key slot", ...).
        part: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// A version of the format this build does not know.
    #[error(
        "{format} file version {version} is not supported (this version of Countersign reads up to {supported})"
    )]
    UnsupportedVersion {
        /// The format's name.
        format: &'static str,
        /// The version the file declares.
        version: String,
        /// The newest version understood.
        supported: &'static str,
    },
    /// A variant of the format that cannot be imported (e.g. a Bitwarden account-encrypted
    /// export).
    #[error("{format}: {what}")]
    Unsupported {
        /// The format's name.
        format: &'static str,
        /// What is not supported, and what to do instead.
        what: String,
    },
    /// The key-derivation parameters in the file exceed what any real export uses; running
    /// them could take minutes or exhaust memory, so the file is refused before any work.
    #[error(
        "the file asks for a key derivation far costlier than any real export ({kdf}: {detail}); it is damaged or hostile"
    )]
    KdfTooExpensive {
        /// The key-derivation function ("scrypt", "PBKDF2", "Argon2id").
        kdf: &'static str,
        /// The parameters, and the cap they exceed.
        detail: String,
    },
    /// The file is larger than [`MAX_INPUT_LEN`](crate::MAX_INPUT_LEN).
    #[error("the file is {size} bytes, larger than any export can be (at most {max})")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The cap.
        max: usize,
    },
}

impl ImportError {
    /// A stable machine-readable name for the UI and scripts (`wrong_password`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            ImportError::PasswordRequired => "password_required",
            ImportError::WrongPassword => "wrong_password",
            ImportError::Unrecognised => "unrecognised",
            ImportError::Image => "image",
            ImportError::WrongFormat { .. } => "wrong_format",
            ImportError::Corrupt { .. } => "corrupt",
            ImportError::UnsupportedVersion { .. } => "unsupported_version",
            ImportError::Unsupported { .. } => "unsupported",
            ImportError::KdfTooExpensive { .. } => "kdf_too_expensive",
            ImportError::TooLarge { .. } => "too_large",
        }
    }
}

/// Why accounts could not be exported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The text is longer than the largest QR code holds (very long names or notes).
    #[error("{label}: too much data for one QR code")]
    QrTooLong {
        /// The account or batch the code was for.
        label: String,
    },
    /// An encrypted format was asked for without a password of its own (or an empty one).
    #[error("choose a password for the exported file")]
    PasswordRequired,
    /// There are no accounts to export.
    #[error("there are no accounts to export yet")]
    NoAccounts,
    /// The format can hold none of the accounts (Google's QR codes and Steam accounts).
    #[error("none of the accounts fits {format}")]
    NoneFits {
        /// The format's name.
        format: &'static str,
        /// How many accounts there were, none of which fits.
        accounts: usize,
    },
}

impl ExportError {
    /// A stable machine-readable name for the UI and scripts.
    pub fn kind(&self) -> &'static str {
        match self {
            ExportError::QrTooLong { .. } => "qr_too_long",
            ExportError::PasswordRequired => "password_required",
            ExportError::NoAccounts | ExportError::NoneFits { .. } => "nothing_to_export",
        }
    }
}
