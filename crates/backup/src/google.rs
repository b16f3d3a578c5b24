//! Google Authenticator's "Transfer accounts" export: otpauth-migration:// URIs, one per QR
//! code, as text lines (what a scanner reads from its QR codes). Such a file saved by hand often
//! carries `#` comment lines and blank lines between the codes: both are skipped.

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
        let mut lines = uris::content_lines(text).peekable();
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
            Some(text) if uris::content_lines(text).any(is_migration) => {
                Ok(uris::read_lines(text, true))
            }
            _ => Err(ImportError::WrongFormat {
                format: NAME,
                reason: "no line is an otpauth-migration:// URI".to_owned(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use countersign_otp::{Account, Secret};

    /// A two-code export saved as text, with comments and blank lines. The payloads were
    /// assembled by hand from the protobuf wire format (a Python script, not our encoder): code
    /// 1 holds Example / alice@google.com (TOTP, the Key Uri Format's example secret), code 2
    /// Deno / Mason (HOTP, counter 7); batch id 42, size 2.
    #[test]
    fn text_export_with_comments_and_blank_lines() {
        let text = "# Google Authenticator export, 2 codes\n\n# code 1 of 2\n\
            otpauth-migration://offline?data=Ci0KCkhlbGxvId6tvu8SEGFsaWNlQGdvb2dsZS5jb20aB0V4YW1wbGUgASgBMAIQARgCIAAoKg%3D%3D\n\
            \n  # code 2 of 2\n\
            otpauth-migration://offline?data=CicKEOSScPDSHzZchAj4tHXFJnwSBU1hc29uGgREZW5vIAEoATABOAcQARgCIAEoKg%3D%3D\n";
        let format = crate::detect_format(text.as_bytes()).unwrap();
        assert_eq!(format.id(), "google");
        let imported = format.import(text.as_bytes(), None).unwrap();
        assert_eq!(imported.invalid().count(), 0);
        assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
        let example = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let deno = Secret::from_base32("4SJHB4GSD43FZBAI7C2HLRJGPQ").unwrap();
        assert_eq!(
            imported.into_accounts(),
            [
                Account::totp("Example", "alice@google.com", example),
                Account::hotp("Deno", "Mason", deno, 7),
            ]
        );
    }
}
