//! otpauth:// provisioning URIs, as issuers print them in QR codes and apps export them.
//!
//! Parsing accepts what real issuers and apps produce (see the tests for the cases);
//! formatting writes the most widely understood form (Google's Key Uri Format plus Aegis's
//! `otpauth://steam/`).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use zeroize::Zeroizing;

use crate::{
    Account, Algorithm, DEFAULT_DIGITS, DEFAULT_PERIOD, InvalidAccount, Kind, MAX_PERIOD,
    STEAM_DIGITS, Secret, SecretError,
};

/// Longest URI accepted: a QR code holds at most ~3 kB, so anything much larger is not a real
/// provisioning URI.
pub const MAX_URI_LEN: usize = 16 * 1024;

/// Why a text is not a usable otpauth:// URI. Each variant names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriError {
    /// The text does not start with `otpauth://` (or `steam://`).
    #[error("not an otpauth:// URI")]
    NotOtpauth,
    /// Longer than [`MAX_URI_LEN`].
    #[error("the URI is longer than {MAX_URI_LEN} characters")]
    TooLong,
    /// The type after `otpauth://` is not totp, hotp or steam.
    #[error("unknown OTP type {0:?} (expected totp, hotp or steam)")]
    UnknownType(String),
    /// No `secret=` parameter.
    #[error("the URI has no secret parameter")]
    MissingSecret,
    /// The secret is not valid base32.
    #[error("secret: {0}")]
    Secret(#[from] SecretError),
    /// An algorithm other than SHA1, SHA256, SHA512.
    #[error("algorithm: {0:?} is not supported (SHA1, SHA256 or SHA512)")]
    Algorithm(String),
    /// `digits=` is not a number from 1 to 10.
    #[error("digits: {0:?} is not a number from 1 to 10")]
    Digits(String),
    /// `period=` is not a number of seconds from 1 to a day.
    #[error("period: {0:?} is not a number of seconds from 1 to {MAX_PERIOD}")]
    Period(String),
    /// `counter=` is not a non-negative integer.
    #[error("counter: {0:?} is not a non-negative whole number")]
    Counter(String),
    /// A part of the URI is not valid percent-encoded UTF-8.
    #[error("{field}: not valid percent-encoded UTF-8")]
    Encoding {
        /// The part at fault: "label" or a parameter name.
        field: String,
    },
    /// The parameters are individually valid but do not make a usable account.
    #[error(transparent)]
    Account(#[from] InvalidAccount),
}

/// Characters left as they are in labels and parameters: RFC 3986's unreserved set.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn decode(text: &str, plus_is_space: bool, field: &str) -> Result<Zeroizing<String>, UriError> {
    percent_decode_wiped(text, plus_is_space).ok_or_else(|| UriError::Encoding {
        field: field.to_owned(),
    })
}

/// Percent-decodes `text` (and reads `+` as a space if `plus_is_space`) into one buffer of
/// exactly the input's length, wiped when dropped: no growing buffer, no intermediate copy
/// left behind in freed memory, as a URI parameter may be a secret. `None` if the result is
/// not UTF-8. A `%` not followed by two hex digits is kept as it is (as `percent_encoding`
/// does).
pub(crate) fn percent_decode_wiped(text: &str, plus_is_space: bool) -> Option<Zeroizing<String>> {
    let mut bytes = percent_decode_bytes_wiped(text, plus_is_space);
    // Checked first: `String::from_utf8`'s error would hand the bytes back unwiped.
    std::str::from_utf8(&bytes).ok()?;
    let text = String::from_utf8(std::mem::take(&mut *bytes)).expect("checked as UTF-8");
    Some(Zeroizing::new(text))
}

/// Percent-decodes `text` into bytes, in one wiped buffer of the input's size (see
/// [`percent_decode_wiped`]).
pub(crate) fn percent_decode_bytes_wiped(text: &str, plus_is_space: bool) -> Zeroizing<Vec<u8>> {
    let input = text.as_bytes();
    let mut bytes = Zeroizing::new(Vec::with_capacity(input.len()));
    let hex = |byte: u8| char::from(byte).to_digit(16).map(|digit| digit as u8);
    let mut index = 0;
    while index < input.len() {
        let byte = match input[index] {
            b'%' => match (
                input.get(index + 1).copied().and_then(hex),
                input.get(index + 2).copied().and_then(hex),
            ) {
                (Some(high), Some(low)) => {
                    index += 2;
                    (high << 4) | low
                }
                _ => b'%',
            },
            b'+' if plus_is_space => b' ',
            other => other,
        };
        bytes.push(byte);
        index += 1;
    }
    bytes
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Parses an `otpauth://totp|hotp|steam/LABEL?PARAMS` URI, or a `steam://SECRET` URI
/// (Bitwarden's and andOTP's way of writing Steam accounts).
///
/// ```
/// use countersign_otp::{parse_uri, Kind};
/// let account = parse_uri("otpauth://totp/ACME%20Co:john@example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&period=60").unwrap();
/// assert_eq!((account.issuer.as_str(), account.name.as_str()), ("ACME Co", "john@example.com"));
/// assert_eq!(account.kind, Kind::Totp { period: 60 });
/// ```
pub fn parse_uri(text: &str) -> Result<Account, UriError> {
    let text = text.trim();
    if text.len() > MAX_URI_LEN {
        return Err(UriError::TooLong);
    }
    if let Some(secret) = strip_prefix_ignore_case(text, "steam://") {
        let secret = decode(secret, false, "secret")?;
        return Ok(Account::steam(
            "Steam",
            "",
            Secret::from_base32(secret.trim_end_matches('/'))?,
        ));
    }
    let rest = strip_prefix_ignore_case(text, "otpauth://").ok_or(UriError::NotOtpauth)?;
    let (type_and_label, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (otp_type, raw_label) = type_and_label
        .split_once('/')
        .unwrap_or((type_and_label, ""));
    let otp_type = otp_type.to_ascii_lowercase();

    // The separator is a literal ':' when there is one (so an issuer's own colon, encoded as
    // %3A, survives); otherwise an encoded one, as some issuers write the whole label encoded.
    let separator = raw_label
        .find(':')
        .map(|at| (at, 1))
        .or_else(|| raw_label.to_ascii_uppercase().find("%3A").map(|at| (at, 3)));
    let (label_issuer, name) = match separator {
        // '+' for a space is common in issuer prefixes, but is a real character in account
        // names (alice+2fa@example.com), so only the prefix gets that treatment.
        Some((at, width)) => (
            Some(decode(&raw_label[..at], true, "label")?.trim().to_owned()),
            decode(&raw_label[at + width..], false, "label")?
                .trim()
                .to_owned(),
        ),
        None => (None, decode(raw_label, false, "label")?.trim().to_owned()),
    };

    let mut params = Params::default();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = key.to_ascii_lowercase();
        let slot = match key.as_str() {
            "secret" => &mut params.secret,
            "issuer" => &mut params.issuer,
            "algorithm" => &mut params.algorithm,
            "digits" => &mut params.digits,
            "period" => &mut params.period,
            "counter" => &mut params.counter,
            "encoder" => &mut params.encoder,
            // image=, icon=, lock= and other extensions carry nothing codes depend on.
            _ => continue,
        };
        // The first occurrence wins, as in Google's and Aegis's parsers.
        if slot.is_none() {
            *slot = Some(decode(value, true, &key)?);
        }
    }

    let secret_text = params
        .secret
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .ok_or(UriError::MissingSecret)?;
    let secret = Secret::from_base32(secret_text)?;

    // The issuer parameter is authoritative (Google's Key Uri Format); the label prefix is the
    // fallback for older issuers that only write "Issuer:account".
    let issuer = params
        .issuer
        .as_deref()
        .map(|issuer| issuer.trim().to_owned())
        .filter(|issuer| !issuer.is_empty())
        .or(label_issuer)
        .unwrap_or_default();

    let algorithm_param = params.algorithm.as_deref().map(|a| a.trim().to_owned());
    let wants_steam = otp_type == "steam"
        || params
            .encoder
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case("steam"))
        || algorithm_param
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case("steam"))
        // steamguard-cli and others export Steam Guard as a plain TOTP URI with issuer Steam
        // and no digits: those codes are only meaningful in Steam's alphabet.
        || (otp_type == "totp"
            && issuer.eq_ignore_ascii_case("steam")
            && params.digits.as_deref().is_none_or(|d| d.trim() == "5"));

    let period = match params.period.as_deref() {
        None => DEFAULT_PERIOD,
        Some(text) if text.trim().is_empty() => DEFAULT_PERIOD,
        Some(text) => text
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=MAX_PERIOD).contains(p))
            .ok_or_else(|| UriError::Period(text.to_owned()))?,
    };

    let mut account = Account::totp(issuer, name, secret);
    if wants_steam {
        account.kind = Kind::Steam { period };
        account.digits = STEAM_DIGITS;
        return Ok(account);
    }

    account.algorithm = match algorithm_param.as_deref() {
        None | Some("") => Algorithm::Sha1,
        Some(name) => Algorithm::parse(name).ok_or_else(|| UriError::Algorithm(name.to_owned()))?,
    };
    account.digits = match params.digits.as_deref() {
        None => DEFAULT_DIGITS,
        Some(text) if text.trim().is_empty() => DEFAULT_DIGITS,
        Some(text) => text
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|d| (1..=10).contains(d))
            .ok_or_else(|| UriError::Digits(text.to_owned()))?,
    };
    account.kind = match otp_type.as_str() {
        "totp" => Kind::Totp { period },
        "hotp" => Kind::Hotp {
            counter: match params.counter.as_deref() {
                None => 0,
                Some(text) if text.trim().is_empty() => 0,
                Some(text) => text
                    .trim()
                    .parse::<u64>()
                    .map_err(|_| UriError::Counter(text.to_owned()))?,
            },
        },
        _ => return Err(UriError::UnknownType(otp_type)),
    };
    account.validate()?;
    Ok(account)
}

#[derive(Default)]
struct Params {
    secret: Option<Zeroizing<String>>,
    issuer: Option<Zeroizing<String>>,
    algorithm: Option<Zeroizing<String>>,
    digits: Option<Zeroizing<String>>,
    period: Option<Zeroizing<String>>,
    counter: Option<Zeroizing<String>>,
    encoder: Option<Zeroizing<String>>,
}

impl Account {
    /// The account as an otpauth:// URI, which every authenticator can read back.
    ///
    /// Steam accounts use Aegis's `otpauth://steam/` form. The URI holds the secret, so it is
    /// returned in zeroizing memory.
    pub fn to_uri(&self) -> Zeroizing<String> {
        // Room for the longest possible result, so the buffer never grows (a grown buffer
        // would leave a copy of the secret behind in freed memory): percent-encoding at most
        // triples a character's bytes; numbers take at most 20 digits.
        let capacity = "otpauth://steam/:?secret=&issuer=&algorithm=SHA512&digits=&counter=".len()
            + 2 * 3 * self.issuer.len()
            + 3 * self.name.len()
            + self.secret.len().div_ceil(5) * 8
            + 3
            + 20;
        let mut uri = Zeroizing::new(String::with_capacity(capacity));
        uri.push_str("otpauth://");
        uri.push_str(self.kind.name());
        uri.push('/');
        // An empty prefix (":name") keeps a colon inside the name from being read as the
        // issuer separator.
        if !self.issuer.is_empty() || self.name.contains(':') {
            uri.extend(utf8_percent_encode(&self.issuer, COMPONENT));
            uri.push(':');
        }
        uri.extend(utf8_percent_encode(&self.name, COMPONENT));
        uri.push_str("?secret=");
        uri.push_str(&self.secret.to_base32());
        if !self.issuer.is_empty() {
            uri.push_str("&issuer=");
            uri.extend(utf8_percent_encode(&self.issuer, COMPONENT));
        }
        uri.push_str("&algorithm=");
        uri.push_str(self.algorithm.as_str());
        uri.push_str(&format!("&digits={}", self.digits));
        match self.kind {
            Kind::Totp { period } | Kind::Steam { period } => {
                uri.push_str(&format!("&period={period}"))
            }
            Kind::Hotp { counter } => uri.push_str(&format!("&counter={counter}")),
        }
        debug_assert!(uri.len() <= capacity, "the URI outgrew its buffer");
        uri
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "JBSWY3DPEHPK3PXP";

    fn parse(uri: &str) -> Account {
        parse_uri(uri).unwrap_or_else(|e| panic!("{uri}: {e}"))
    }

    #[test]
    fn google_key_uri_format_example() {
        let a =
            parse("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example");
        assert_eq!(a.issuer, "Example");
        assert_eq!(a.name, "alice@google.com");
        assert_eq!(a.kind, Kind::Totp { period: 30 });
        assert_eq!((a.algorithm, a.digits), (Algorithm::Sha1, 6));
        assert_eq!(&*a.secret.to_base32(), SECRET);
    }

    #[test]
    fn issuer_from_prefix_parameter_or_both() {
        let only_prefix = parse("otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP");
        assert_eq!(
            (only_prefix.issuer.as_str(), only_prefix.name.as_str()),
            ("GitHub", "octocat")
        );
        let only_param = parse("otpauth://totp/octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub");
        assert_eq!(
            (only_param.issuer.as_str(), only_param.name.as_str()),
            ("GitHub", "octocat")
        );
        let neither = parse("otpauth://totp/octocat?secret=JBSWY3DPEHPK3PXP");
        assert_eq!(
            (neither.issuer.as_str(), neither.name.as_str()),
            ("", "octocat")
        );
        // When they disagree the parameter wins and the prefix is not left in the name.
        let disagree =
            parse("otpauth://totp/Old%20Name:octocat?secret=JBSWY3DPEHPK3PXP&issuer=New+Name");
        assert_eq!(
            (disagree.issuer.as_str(), disagree.name.as_str()),
            ("New Name", "octocat")
        );
        let encoded_colon =
            parse("otpauth://totp/ACME%3A%20john.doe%40email.com?secret=JBSWY3DPEHPK3PXP");
        assert_eq!(
            (encoded_colon.issuer.as_str(), encoded_colon.name.as_str()),
            ("ACME", "john.doe@email.com")
        );
    }

    #[test]
    fn spaces_plus_and_percent_encoding() {
        let a = parse(
            "otpauth://hotp/Air%20Canada:Benjamin?secret=KUVJJOM753IHTNDSZVCNKL7GII&issuer=Air+Canada&algorithm=SHA256&digits=7&counter=50",
        );
        assert_eq!(
            (a.issuer.as_str(), a.name.as_str()),
            ("Air Canada", "Benjamin")
        );
        assert_eq!(a.kind, Kind::Hotp { counter: 50 });
        assert_eq!((a.algorithm, a.digits), (Algorithm::Sha256, 7));
        let plus_in_name =
            parse("otpauth://totp/Big+Corp:alice+2fa@example.com?secret=JBSWY3DPEHPK3PXP");
        assert_eq!(
            (plus_in_name.issuer.as_str(), plus_in_name.name.as_str()),
            ("Big Corp", "alice+2fa@example.com")
        );
        let unicode = parse("otpauth://totp/%C3%89cole:z%C3%BC?secret=JBSWY3DPEHPK3PXP");
        assert_eq!(
            (unicode.issuer.as_str(), unicode.name.as_str()),
            ("École", "zü")
        );
    }

    #[test]
    fn lenient_secrets_algorithms_and_defaults() {
        let a = parse(
            "OTPAUTH://TOTP/x?SECRET=jbsw%20y3dp%20ehpk%203pxp%3D%3D%3D%3D&algorithm=sha512&Digits=8&period=",
        );
        assert_eq!(&*a.secret.to_base32(), SECRET);
        assert_eq!((a.algorithm, a.digits), (Algorithm::Sha512, 8));
        assert_eq!(a.kind, Kind::Totp { period: 30 });
        let hotp = parse("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP");
        assert_eq!(hotp.kind, Kind::Hotp { counter: 0 });
        let extras = parse(
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&image=https%3A%2F%2Fexample.com%2Fi.png&lock=false&secret=AAAA",
        );
        assert_eq!(&*extras.secret.to_base32(), SECRET, "first secret wins");
    }

    #[test]
    fn eighty_bit_secret() {
        let a = parse("otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ");
        assert_eq!(a.secret.len(), 10);
    }

    #[test]
    fn steam_in_its_several_spellings() {
        for uri in [
            "otpauth://steam/Boeing:Sophia?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&issuer=Boeing&algorithm=SHA1&digits=5&period=30",
            "otpauth://totp/Steam:Sophia?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&issuer=Steam",
            "otpauth://totp/Sophia?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&encoder=steam&digits=5",
            "otpauth://totp/Sophia?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&algorithm=STEAM",
            "steam://JRZCL47CMXVOQMNPZR2F7J4RGI",
        ] {
            let a = parse(uri);
            assert_eq!(a.kind, Kind::Steam { period: 30 }, "{uri}");
            assert_eq!((a.digits, a.algorithm), (5, Algorithm::Sha1), "{uri}");
            assert_eq!(
                &*a.secret.to_base32(),
                "JRZCL47CMXVOQMNPZR2F7J4RGI",
                "{uri}"
            );
        }
        // Issuer Steam with six digits asked for explicitly stays a numeric TOTP.
        let numeric = parse("otpauth://totp/Steam:x?secret=JBSWY3DPEHPK3PXP&digits=6");
        assert_eq!(numeric.kind, Kind::Totp { period: 30 });
    }

    #[test]
    fn errors_name_the_field() {
        let cases: [(&str, UriError); 10] = [
            ("https://example.com", UriError::NotOtpauth),
            (
                "otpauth://motp/x?secret=JBSWY3DPEHPK3PXP",
                UriError::UnknownType("motp".into()),
            ),
            ("otpauth://totp/x?issuer=A", UriError::MissingSecret),
            ("otpauth://totp/x?secret=", UriError::MissingSecret),
            (
                "otpauth://totp/x?secret=JBSW1Y3DP",
                UriError::Secret(SecretError::InvalidCharacter {
                    character: '1',
                    position: 5,
                }),
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
                UriError::Algorithm("MD5".into()),
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=11",
                UriError::Digits("11".into()),
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=six",
                UriError::Digits("six".into()),
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0",
                UriError::Period("0".into()),
            ),
            (
                "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=-1",
                UriError::Counter("-1".into()),
            ),
        ];
        for (uri, expected) in cases {
            assert_eq!(parse_uri(uri), Err(expected), "{uri}");
        }
        assert_eq!(
            parse_uri("otpauth://totp/%FF?secret=JBSWY3DPEHPK3PXP"),
            Err(UriError::Encoding {
                field: "label".into()
            })
        );
        assert_eq!(
            parse_uri(&format!("otpauth://totp/{}", "a".repeat(MAX_URI_LEN))),
            Err(UriError::TooLong)
        );
    }

    #[test]
    fn error_messages_read_well() {
        let message = parse_uri("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=11")
            .unwrap_err()
            .to_string();
        assert_eq!(message, "digits: \"11\" is not a number from 1 to 10");
    }

    #[test]
    fn formats_and_reads_back() {
        let mut a = Account::hotp(
            "Air Canada",
            "benjamin+test@example.com",
            Secret::from_base32("KUVJJOM753IHTNDSZVCNKL7GII").unwrap(),
            50,
        );
        a.algorithm = Algorithm::Sha256;
        a.digits = 7;
        let uri = a.to_uri();
        assert_eq!(
            &*uri,
            "otpauth://hotp/Air%20Canada:benjamin%2Btest%40example.com?secret=KUVJJOM753IHTNDSZVCNKL7GII&issuer=Air%20Canada&algorithm=SHA256&digits=7&counter=50"
        );
        assert_eq!(parse(&uri), a);
        let steam = Account::steam("Steam", "gabe", Secret::from_base32(SECRET).unwrap());
        assert_eq!(parse(&steam.to_uri()), steam);
    }

    fn arbitrary_account() -> impl proptest::strategy::Strategy<Value = Account> {
        use proptest::prelude::*;
        // Printable text including ':', '+', '%', '&', '=' and non-ASCII, without the
        // surrounding whitespace that parsing trims on purpose.
        let text = "[a-zA-Z0-9 :+%&=?/#@.éü漢😀-]{0,24}".prop_map(|s| s.trim().to_owned());
        (
            text.clone(),
            text,
            proptest::collection::vec(any::<u8>(), 1..65),
            0..3u8,
            prop_oneof![
                Just(Algorithm::Sha1),
                Just(Algorithm::Sha256),
                Just(Algorithm::Sha512)
            ],
            1..=10u8,
            1..=MAX_PERIOD,
            any::<u64>(),
        )
            .prop_map(
                |(issuer, name, key, kind, algorithm, digits, period, counter)| {
                    let secret = Secret::from_bytes(key).unwrap();
                    match kind {
                        0 => Account {
                            kind: Kind::Totp { period },
                            algorithm,
                            digits,
                            ..Account::totp(issuer, name, secret)
                        },
                        1 => Account {
                            algorithm,
                            digits,
                            ..Account::hotp(issuer, name, secret, counter)
                        },
                        _ => Account {
                            kind: Kind::Steam { period },
                            ..Account::steam(issuer, name, secret)
                        },
                    }
                },
            )
    }

    proptest::proptest! {
        #[test]
        fn every_account_survives_a_uri_round_trip(account in arbitrary_account()) {
            let uri = account.to_uri();
            proptest::prop_assert_eq!(parse_uri(&uri), Ok(account));
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
            let _ = parse_uri(&text);
            let _ = parse_uri(&format!("otpauth://totp/{text}"));
        }
    }
}
