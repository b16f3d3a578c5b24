//! Reading the JSON formats: whole-file errors by category, and entries one at a time so a
//! malformed entry is reported without aborting the rest.

use serde::Deserialize;
use serde_json::error::Category;
use serde_json::value::RawValue;

use crate::{ImportError, ImportedEntry, InvalidEntry, label};

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
pub(crate) type Converted = Result<countersign_otp::Account, (String, String)>;

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
                Err(error) => Err((
                    String::new(),
                    format!("unreadable entry: {}", describe(&error)),
                )),
            };
            Some(converted.map_err(|(label, reason)| InvalidEntry {
                position: index + 1,
                label,
                reason,
                cause: None,
            }))
        })
        .collect()
}

/// The label of an entry that failed, for [`Converted`].
pub(crate) fn fail(issuer: &str, name: &str, reason: impl ToString) -> (String, String) {
    (label(issuer, name), reason.to_string())
}
