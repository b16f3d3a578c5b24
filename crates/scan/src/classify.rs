//! What a decoded text is, so the interface can say "this QR holds a web address".

/// The kind of content a QR code carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum QrContent {
    /// An `otpauth://` URI: one account to add.
    OtpAuth,
    /// An `otpauth-migration://` URI: a Google Authenticator export batch.
    OtpAuthMigration,
    /// An `http://` or `https://` address.
    WebAddress,
    /// Anything else.
    Text,
}

/// Tells what `text` is, from its URI scheme (case-insensitive, surrounding spaces ignored).
///
/// Only the scheme is looked at; parsing the OTP URIs is `countersign-otp`'s job.
///
/// ```
/// use countersign_scan::{classify, QrContent};
/// assert_eq!(classify("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP"), QrContent::OtpAuth);
/// assert_eq!(classify("https://example.com"), QrContent::WebAddress);
/// ```
pub fn classify(text: &str) -> QrContent {
    let text = text.trim();
    let scheme = match text.split_once("://") {
        Some((scheme, _)) => scheme.to_ascii_lowercase(),
        None => return QrContent::Text,
    };
    match scheme.as_str() {
        "otpauth" => QrContent::OtpAuth,
        "otpauth-migration" => QrContent::OtpAuthMigration,
        "http" | "https" => QrContent::WebAddress,
        _ => QrContent::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_scheme() {
        let cases = [
            ("otpauth://totp/A:b?secret=JBSWY3DP", QrContent::OtpAuth),
            ("OTPAUTH://hotp/x?secret=AA&counter=1", QrContent::OtpAuth),
            (
                "otpauth-migration://offline?data=CjEKCkhlbGxv",
                QrContent::OtpAuthMigration,
            ),
            ("  https://example.com/login ", QrContent::WebAddress),
            ("HTTP://EXAMPLE.COM", QrContent::WebAddress),
            ("WIFI:S:home;T:WPA;P:secret;;", QrContent::Text),
            ("ftp://files.example.com", QrContent::Text),
            ("otpauth:/totp/missing-slash", QrContent::Text),
            ("", QrContent::Text),
        ];
        for (text, want) in cases {
            assert_eq!(classify(text), want, "{text}");
        }
    }
}
