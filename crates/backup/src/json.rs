//! Reading the JSON formats: whole-file errors by category, and entries one at a time so a
//! malformed entry is reported without aborting the rest.

use serde::Deserialize;
use serde_json::error::Category;
use serde_json::value::RawValue;

use countersign_otp::{InvalidAccount, ProvisioningError, SecretError, UriError};

use crate::{EntryCause, ImportError, ImportedEntry, InvalidEntry, label};

/// Parses a whole file; a truncated file is `Corrupt`, anything else that fails is not this
/// format.
pub(crate) fn parse<'a, T: Deserialize<'a>>(
    format: &'static str,
    bytes: &'a [u8],
) -> Result<T, ImportError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    serde_json::from_slice(bytes).map_err(|error| match error.classify() {
        Category::Eof => ImportError::Corrupt {
            format,
            part: "JSON",
            detail: "the file ends early (truncated?)".to_owned(),
        },
        _ => ImportError::WrongFormat {
            format,
            reason: describe(&error),
        },
    })
}

/// Parses decrypted content: any failure there means the file is damaged, since the password
/// was right.
pub(crate) fn parse_decrypted<'a, T: Deserialize<'a>>(
    format: &'static str,
    bytes: &'a [u8],
) -> Result<T, ImportError> {
    serde_json::from_slice(bytes).map_err(|error| ImportError::Corrupt {
        format,
        part: "decrypted content",
        detail: describe(&error),
    })
}

/// Whether `bytes` look like JSON whose top level parses as `T`: a cheap first-byte check, then
/// a parse that skips every value `T` does not name.
pub(crate) fn probe<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Option<T> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' && *first != b'[' {
        return None;
    }
    serde_json::from_slice(bytes).ok()
}

/// A parse error for a person, without values from the file (which could be secrets).
pub(crate) fn describe(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let place = format!("line {} column {}", error.line(), error.column());
    match error.classify() {
        Category::Eof => "the data ends early".to_owned(),
        Category::Syntax => format!("not valid JSON at {place}"),
        Category::Io => "could not be read".to_owned(),
        // "missing field `x`" names only the field; other messages may quote the value.
        Category::Data if message.starts_with("missing field") => message
            .split(" at line")
            .next()
            .unwrap_or(&message)
            .to_owned(),
        Category::Data => format!("a field has the wrong type or value at {place}"),
    }
}

/// What one entry of a file turned into: an account, or the entry's label and what is wrong.
pub(crate) type Converted = Result<countersign_otp::Account, Failure>;

/// Converts each raw entry on its own: position `i` is entry `i + 1` of the file.
pub(crate) fn convert_each<'a, T: Deserialize<'a>>(
    raws: &[&'a RawValue],
    mut convert: impl FnMut(T) -> Converted,
) -> Vec<ImportedEntry> {
    convert_some(raws, |entry| Some(convert(entry)))
}

/// Like [`convert_each`], for files whose records are not all accounts: `None` skips one.
pub(crate) fn convert_some<'a, T: Deserialize<'a>>(
    raws: &[&'a RawValue],
    mut convert: impl FnMut(T) -> Option<Converted>,
) -> Vec<ImportedEntry> {
    raws.iter()
        .enumerate()
        .filter_map(|(index, raw)| {
            let converted = match serde_json::from_str::<T>(raw.get()) {
                Ok(entry) => convert(entry)?,
                Err(error) => Err(unreadable("entry", &describe(&error))),
            };
            Some(converted.map_err(|failure| failure.at(index + 1)))
        })
        .collect()
}

/// What is wrong with one entry: the English reason a person reads and, where it is one of the
/// common faults, its cause, for a caller that words it in its own language.
#[derive(Debug)]
pub(crate) struct Problem {
    reason: String,
    cause: Option<EntryCause>,
}

impl Problem {
    /// A reason with the cause it says in English.
    pub(crate) fn new(reason: impl Into<String>, cause: EntryCause) -> Self {
        Problem {
            reason: reason.into(),
            cause: Some(cause),
        }
    }

    /// A type of one-time password the reader does not know, as the file names it.
    pub(crate) fn unknown_type(name: impl std::fmt::Debug) -> Self {
        Problem::new(
            format!("unknown OTP type {name:?}"),
            EntryCause::UnknownType,
        )
    }

    /// A known type of one-time password Countersign does not make codes for.
    pub(crate) fn unsupported_type(name: &'static str) -> Self {
        Problem::new(
            format!("{name} is not supported"),
            EntryCause::UnsupportedType(name),
        )
    }

    /// A hash algorithm other than SHA1, SHA256 and SHA512, as the file names it.
    pub(crate) fn algorithm(name: impl std::fmt::Debug) -> Self {
        Problem::new(
            format!("unsupported algorithm {name:?}"),
            EntryCause::Algorithm,
        )
    }
}

/// A reason only this format has: English is all there is.
impl From<&str> for Problem {
    fn from(reason: &str) -> Self {
        reason.to_owned().into()
    }
}

/// A reason only this format has: English is all there is.
impl From<String> for Problem {
    fn from(reason: String) -> Self {
        Problem {
            reason,
            cause: None,
        }
    }
}

impl From<SecretError> for Problem {
    fn from(error: SecretError) -> Self {
        Problem::new(format!("secret: {error}"), EntryCause::Secret(error))
    }
}

impl From<InvalidAccount> for Problem {
    fn from(error: InvalidAccount) -> Self {
        Problem::new(error.to_string(), EntryCause::Account(error))
    }
}

/// A setup link an entry holds (Bitwarden, Proton, Ente) that cannot be used.
impl From<UriError> for Problem {
    fn from(error: UriError) -> Self {
        Problem::new(
            error.to_string(),
            EntryCause::Provisioning(ProvisioningError::Uri(error)),
        )
    }
}

/// An entry that cannot become an account, before its position in the file is known.
#[derive(Debug)]
pub(crate) struct Failure {
    label: String,
    problem: Problem,
}

impl Failure {
    /// The English reason, for readers that decide by it (Authy's wrong password).
    pub(crate) fn reason(&self) -> &str {
        &self.problem.reason
    }

    /// The invalid entry at `position` (from 1) of the file.
    pub(crate) fn at(self, position: usize) -> InvalidEntry {
        InvalidEntry {
            position,
            label: self.label,
            reason: self.problem.reason,
            cause: self.problem.cause,
        }
    }
}

/// The label of an entry that failed, and why, for [`Converted`].
pub(crate) fn fail(issuer: &str, name: &str, problem: impl Into<Problem>) -> Failure {
    Failure {
        label: label(issuer, name),
        problem: problem.into(),
    }
}

/// An entry (a record, `what`: "entry", "token", "row") that does not parse, and why: no label
/// is known.
pub(crate) fn unreadable(what: &str, detail: &str) -> Failure {
    fail(
        "",
        "",
        Problem::new(
            format!("unreadable {what}: {detail}"),
            EntryCause::Unreadable,
        ),
    )
}
