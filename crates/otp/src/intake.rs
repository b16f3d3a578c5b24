//! What a decoded or pasted text is: the one place that decides, for the scanner, the paste
//! box, the clipboard and the command line alike.

use crate::{
    Account, MigrationBatch, Provisioning, ProvisioningError, UriError, parse_provisioning,
};

/// What a scanned QR code or a pasted line holds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Intake {
    /// One account, from an `otpauth://` or `steam://` link.
    Account(Account),
    /// One batch of a Google Authenticator export, from an `otpauth-migration://` link.
    Migration(MigrationBatch),
    /// A setup link by its scheme that cannot be used, and why.
    Invalid(ProvisioningError),
    /// An `http://` or `https://` address, without surrounding spaces.
    WebAddress(String),
    /// Anything else. The text is not kept: it may be private (a Wi-Fi password, a recovery
    /// key), so nothing downstream can echo it by mistake.
    Text,
}

impl Intake {
    /// Whether the text was a setup link (`otpauth://`, `otpauth-migration://`, `steam://`),
    /// usable or not.
    pub fn is_setup_link(&self) -> bool {
        matches!(
            self,
            Intake::Account(_) | Intake::Migration(_) | Intake::Invalid(_)
        )
    }

    /// The setup link's content, or why the text gives none: for callers that take nothing
    /// but setup links (the paste box, the command line's URI arguments).
    pub fn into_provisioning(self) -> Result<Provisioning, ProvisioningError> {
        match self {
            Intake::Account(account) => Ok(Provisioning::Account(account)),
            Intake::Migration(batch) => Ok(Provisioning::Migration(batch)),
            Intake::Invalid(error) => Err(error),
            Intake::WebAddress(_) | Intake::Text => Err(UriError::NotOtpauth.into()),
        }
    }
}

/// Tells what `text` is from its URI scheme (case-insensitive, surrounding spaces ignored),
/// and reads it when it is a setup link.
///
/// ```
/// use countersign_otp::{Intake, read_intake};
/// assert!(matches!(read_intake("steam://JBSWY3DPEHPK3PXP"), Intake::Account(_)));
/// assert_eq!(
///     read_intake(" https://example.com "),
///     Intake::WebAddress("https://example.com".into())
/// );
/// assert_eq!(read_intake("WIFI:S:home;T:WPA;P:secret;;"), Intake::Text);
/// ```
pub fn read_intake(text: &str) -> Intake {
    let text = text.trim();
    let Some((scheme, _)) = text.split_once("://") else {
        return Intake::Text;
    };
    match scheme.to_ascii_lowercase().as_str() {
        "otpauth" | "otpauth-migration" | "steam" => match parse_provisioning(text) {
            Ok(Provisioning::Account(account)) => Intake::Account(account),
            Ok(Provisioning::Migration(batch)) => Intake::Migration(batch),
            Err(error) => Intake::Invalid(error),
        },
        "http" | "https" => Intake::WebAddress(text.to_owned()),
        _ => Intake::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Kind, MigrationError, SecretError};

    /// Which way each text goes, by scheme alone (moved from the scanner's `classify`).
    #[test]
    fn classifies_by_scheme() {
        #[derive(Debug, PartialEq)]
        enum Way {
            Account,
            Migration,
            Invalid,
            WebAddress,
            Text,
        }
        let way = |intake: Intake| match intake {
            Intake::Account(_) => Way::Account,
            Intake::Migration(_) => Way::Migration,
            Intake::Invalid(_) => Way::Invalid,
            Intake::WebAddress(_) => Way::WebAddress,
            Intake::Text => Way::Text,
        };
        let cases = [
            ("otpauth://totp/A:b?secret=JBSWY3DP", Way::Account),
            ("OTPAUTH://hotp/x?secret=AA&counter=1", Way::Account),
            ("otpauth://totp/x?secret=1", Way::Invalid),
            (
                "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC",
                Way::Migration,
            ),
            (
                "otpauth-migration://offline?data=CjEKCkhlbGxv",
                Way::Invalid,
            ),
            ("  https://example.com/login ", Way::WebAddress),
            ("HTTP://EXAMPLE.COM", Way::WebAddress),
            ("WIFI:S:home;T:WPA;P:secret;;", Way::Text),
            ("ftp://files.example.com", Way::Text),
            ("otpauth:/totp/missing-slash", Way::Text),
            ("steam", Way::Text),
            ("", Way::Text),
        ];
        for (text, want) in cases {
            assert_eq!(way(read_intake(text)), want, "{text}");
        }
    }

    #[test]
    fn steam_links_are_accounts_with_or_without_spaces_or_capitals() {
        for text in ["steam://JBSWY3DPEHPK3PXP", "  STEAM://JBSWY3DPEHPK3PXP\n"] {
            let Intake::Account(account) = read_intake(text) else {
                panic!("{text:?} is a Steam account");
            };
            assert_eq!(
                (account.issuer.as_str(), account.kind, account.digits),
                ("Steam", Kind::Steam { period: 30 }, 5)
            );
            assert_eq!(&*account.secret.to_base32(), "JBSWY3DPEHPK3PXP");
        }
        assert_eq!(
            read_intake("steam://JBSWY3DP!"),
            Intake::Invalid(ProvisioningError::Uri(UriError::Secret(
                SecretError::InvalidCharacter {
                    character: '!',
                    position: 9
                }
            )))
        );
    }

    #[test]
    fn web_addresses_keep_the_address_and_text_keeps_nothing() {
        assert_eq!(
            read_intake("\thttps://example.com/help?topic=2fa \n"),
            Intake::WebAddress("https://example.com/help?topic=2fa".into())
        );
        assert_eq!(read_intake("recovery: 1234-5678"), Intake::Text);
    }

    /// Moved from the app's scanner (`is_otp_text`), which used to patch in `steam://` itself.
    #[test]
    fn otp_texts_are_recognised() {
        let is_otp_text = |text: &str| read_intake(text).is_setup_link();
        assert!(is_otp_text("otpauth://totp/A:b?secret=JBSWY3DP"));
        assert!(is_otp_text("  OTPAUTH-MIGRATION://offline?data=x"));
        assert!(is_otp_text("steam://JBSWY3DP"));
        assert!(!is_otp_text("https://example.com"));
        assert!(!is_otp_text("steam"));
    }

    #[test]
    fn only_setup_links_give_provisioning() {
        assert!(read_intake("steam://JBSWY3DPEHPK3PXP").is_setup_link());
        assert!(read_intake("otpauth-migration://offline").is_setup_link());
        assert!(!read_intake("https://example.com").is_setup_link());
        assert!(!read_intake("steam").is_setup_link());
        assert_eq!(
            read_intake("otpauth-migration://offline").into_provisioning(),
            Err(ProvisioningError::Migration(MigrationError::MissingData))
        );
        assert_eq!(
            read_intake("https://example.com").into_provisioning(),
            Err(ProvisioningError::Uri(UriError::NotOtpauth))
        );
        assert_eq!(
            read_intake("hello").into_provisioning(),
            Err(ProvisioningError::Uri(UriError::NotOtpauth))
        );
        let Ok(Provisioning::Account(account)) =
            read_intake(" otpauth://totp/A:b?secret=JBSWY3DP ").into_provisioning()
        else {
            panic!("an account link gives its account");
        };
        assert_eq!((account.issuer.as_str(), account.name.as_str()), ("A", "b"));
    }
}
