//! Authenticator Plus's "Export as Text and HTML": a ZIP whose member `Accounts.txt` holds
//! otpauth:// URIs, one per line, encrypted with ZipCrypto under the export password.

use crate::zip::{self, ZipError};
use crate::{Detection, Format, ImportError, Imported, uris};

const NAME: &str = "Authenticator Plus";
/// The member Authenticator Plus writes its URIs to.
pub(crate) const MEMBER: &str = "Accounts.txt";

/// Authenticator Plus's ZIP export.
pub(crate) struct AuthenticatorPlus;

impl Format for AuthenticatorPlus {
    fn id(&self) -> &'static str {
        "authenticator-plus"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        if zip::has_member(bytes, MEMBER) {
            Detection::Certain
        } else {
            Detection::No
        }
    }

    fn is_encrypted(&self, bytes: &[u8]) -> bool {
        matches!(
            zip::read(bytes, MEMBER, None),
            Err(ZipError::PasswordRequired)
        )
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        let content = zip::read(bytes, MEMBER, password).map_err(|error| {
            error.for_format(NAME, &format!("a ZIP archive with {MEMBER} in it"))
        })?;
        let text = crate::text(&content).ok_or_else(|| ImportError::Corrupt {
            format: NAME,
            part: MEMBER,
            detail: "not text".to_owned(),
        })?;
        Ok(uris::read_lines(text, false))
    }
}
