//! Google Authenticator's "Transfer accounts" export: otpauth-migration:// URIs, one per QR
//! code, as text lines (what a scanner reads from its QR codes).

use crate::{Detection, Format, ImportError, Imported, uris};

const NAME: &str = "Google Authenticator";
const SCHEME: &str = "otpauth-migration://";

/// Google Authenticator migration URIs, one per line.
pub(crate) struct Google;

fn is_migration(line: &str) -> bool {
    line.get(..SCHEME.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(SCHEME))
}

impl Format for Google {
    fn id(&self) -> &'static str {
        "google"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        let Some(text) = crate::text(bytes) else {
            return Detection::No;
        };
        let mut lines = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .peekable();
        if lines.peek().is_some() && lines.all(is_migration) {
            Detection::Certain
        } else {
            Detection::No
        }
    }

    fn is_encrypted(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        match crate::text(bytes) {
            Some(text) if text.lines().any(|line| is_migration(line.trim())) => {
                Ok(uris::read_lines(text, true))
            }
            _ => Err(ImportError::WrongFormat {
                format: NAME,
                reason: "no line is an otpauth-migration:// URI".to_owned(),
            }),
        }
    }
}
