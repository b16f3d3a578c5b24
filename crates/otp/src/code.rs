//! Code generation: HOTP (RFC 4226), TOTP (RFC 6238) and Steam Guard.
//!
//! The HMAC over the moving factor comes from totp-rs. Truncation to digits is done here because
//! totp-rs's `Token` panics for 10 digits, which some issuers (and Aegis) allow.

use totp_rs::Builder;

use crate::{Account, Algorithm, InvalidAccount, Kind, Secret};

/// Steam Guard's 26-character alphabet.
const STEAM_ALPHABET: &[u8; 26] = b"23456789BCDFGHJKMNPQRTVWXY";

/// A code and the window in which it is valid.
#[derive(Clone, PartialEq, Eq)]
pub struct Code {
    /// The characters to type (digits, or Steam's letters).
    pub text: String,
    /// The moving factor that produced it: the time step for TOTP/Steam, the counter for HOTP.
    pub counter: u64,
    /// First second (Unix time, before the account's offset) the code is valid; time-based only.
    pub valid_from: Option<u64>,
    /// First second it is no longer valid; time-based only.
    pub valid_until: Option<u64>,
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A live code is a credential too: keep it out of logs.
        f.debug_struct("Code")
            .field("text", &"<redacted>")
            .field("counter", &self.counter)
            .field("valid_from", &self.valid_from)
            .field("valid_until", &self.valid_until)
            .finish()
    }
}

fn hmac_truncated(secret: &Secret, algorithm: Algorithm, counter: u64) -> u32 {
    let algorithm = match algorithm {
        Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
        Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
        Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
    };
    // A step of one second makes totp-rs's moving factor equal to the value passed in.
    let hmac = Builder::new()
        .with_algorithm(algorithm)
        .with_secret(secret.expose())
        .with_step_duration(1)
        .build_noncompliant();
    let signature = hmac.sign(counter);
    let signature = signature.as_ref();
    let offset = usize::from(signature[signature.len() - 1] & 0x0f);
    u32::from_be_bytes([
        signature[offset],
        signature[offset + 1],
        signature[offset + 2],
        signature[offset + 3],
    ]) & 0x7fff_ffff
}

/// The HOTP code for `counter` (RFC 4226), `digits` long (1–10), zero-padded.
pub fn hotp(secret: &Secret, algorithm: Algorithm, digits: u8, counter: u64) -> String {
    let value = u64::from(hmac_truncated(secret, algorithm, counter));
    let digits = u32::from(digits.clamp(1, 10));
    format!(
        "{:0width$}",
        value % 10u64.pow(digits),
        width = digits as usize
    )
}

/// The TOTP code at Unix time `unix_time` (RFC 6238).
pub fn totp(
    secret: &Secret,
    algorithm: Algorithm,
    digits: u8,
    period: u32,
    unix_time: u64,
) -> String {
    hotp(
        secret,
        algorithm,
        digits,
        unix_time / u64::from(period.max(1)),
    )
}

/// The Steam Guard code at Unix time `unix_time`: five characters of Steam's alphabet.
pub fn steam(secret: &Secret, period: u32, unix_time: u64) -> String {
    let mut value = hmac_truncated(
        secret,
        Algorithm::Sha1,
        unix_time / u64::from(period.max(1)),
    );
    (0..crate::STEAM_DIGITS)
        .map(|_| {
            let character = STEAM_ALPHABET[(value % 26) as usize];
            value /= 26;
            char::from(character)
        })
        .collect()
}

impl Account {
    /// The code this account shows at Unix time `unix_time` (its time offset applied).
    ///
    /// For HOTP the time is ignored and the stored counter is used: advancing it is the
    /// caller's decision, made only when the person asks for the next code.
    pub fn code_at(&self, unix_time: u64) -> Result<Code, InvalidAccount> {
        self.validate()?;
        let shifted = unix_time.saturating_add_signed(i64::from(self.time_offset));
        Ok(match self.kind {
            Kind::Hotp { counter } => Code {
                text: hotp(&self.secret, self.algorithm, self.digits, counter),
                counter,
                valid_from: None,
                valid_until: None,
            },
            Kind::Totp { period } | Kind::Steam { period } => {
                let period = u64::from(period);
                let step = shifted / period;
                let text = match self.kind {
                    Kind::Steam { .. } => steam(&self.secret, period as u32, shifted),
                    _ => totp(
                        &self.secret,
                        self.algorithm,
                        self.digits,
                        period as u32,
                        shifted,
                    ),
                };
                // Report the window on the person's clock, not the shifted one.
                let start = (step * period).saturating_add_signed(-i64::from(self.time_offset));
                Code {
                    text,
                    counter: step,
                    valid_from: Some(start),
                    valid_until: Some(start + period),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ascii(key: &[u8]) -> Secret {
        Secret::from_bytes(key.to_vec()).unwrap()
    }

    /// RFC 4226 appendix D.
    #[test]
    fn rfc4226_vectors() {
        let secret = ascii(b"12345678901234567890");
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(
                hotp(&secret, Algorithm::Sha1, 6, counter as u64),
                *code,
                "counter {counter}"
            );
        }
    }

    /// Secrets whose base32 does not end on a byte make the codes of their whole bytes: the
    /// values come from `oathtool --totp -N @1111111111` given the bytes in hex (48656c6c6f and
    /// 48656c6c6f21deadbeef48), since oathtool itself refuses such base32.
    #[test]
    fn secrets_off_a_byte_make_the_codes_of_their_whole_bytes() {
        for (text, code) in [("JBSWY3DPE", "130614"), ("JBSWY3DPEHPK3PXPJBS", "028236")] {
            let secret = Secret::from_base32(text).unwrap();
            assert_eq!(
                totp(&secret, Algorithm::Sha1, 6, 30, 1111111111),
                code,
                "{text}"
            );
        }
    }

    /// RFC 6238 appendix B, all three hashes, 8 digits.
    #[test]
    fn rfc6238_vectors() {
        let sha1 = ascii(b"12345678901234567890");
        let sha256 = ascii(b"12345678901234567890123456789012");
        let sha512 = ascii(b"1234567890123456789012345678901234567890123456789012345678901234");
        let table: [(u64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        for (time, want1, want256, want512) in table {
            assert_eq!(totp(&sha1, Algorithm::Sha1, 8, 30, time), want1, "{time}");
            assert_eq!(
                totp(&sha256, Algorithm::Sha256, 8, 30, time),
                want256,
                "{time}"
            );
            assert_eq!(
                totp(&sha512, Algorithm::Sha512, 8, 30, time),
                want512,
                "{time}"
            );
        }
    }

    /// Steam Guard vector computed with the reference algorithm of steamguard-cli / Aegis
    /// (same secret, same time), and the same value totp-rs's Steam encoder gives.
    #[test]
    fn steam_vector() {
        let secret = Secret::from_base32("JRZCL47CMXVOQMNPZR2F7J4RGI").unwrap();
        let ours = steam(&secret, 30, 1_700_000_000);
        let reference = totp_rs::Builder::new()
            .with_algorithm(totp_rs::Algorithm::Steam)
            .with_digits(5)
            .with_secret(secret.expose())
            .build_noncompliant()
            .generate(1_700_000_000)
            .to_string();
        assert_eq!(ours, reference);
        assert_eq!(ours.len(), 5);
        assert!(ours.bytes().all(|c| STEAM_ALPHABET.contains(&c)));
    }

    #[test]
    fn ten_digits_are_zero_padded_truncations() {
        let secret = ascii(b"12345678901234567890");
        // RFC 4226 appendix D lists the truncated decimal values; counter 0 is 1284755224.
        assert_eq!(hotp(&secret, Algorithm::Sha1, 10, 0), "1284755224");
        // Counter 2 truncates to 137359152: ten digits need a leading zero.
        assert_eq!(hotp(&secret, Algorithm::Sha1, 10, 2), "0137359152");
        assert_eq!(hotp(&secret, Algorithm::Sha1, 1, 0), "4");
    }

    #[test]
    fn account_codes_carry_their_window_and_offset() {
        let mut account = Account::totp("RFC", "6238", ascii(b"12345678901234567890"));
        account.digits = 8;
        let code = account.code_at(59).unwrap();
        assert_eq!(code.text, "94287082");
        assert_eq!((code.valid_from, code.valid_until), (Some(30), Some(60)));

        // An issuer whose clock runs 30 s ahead: at t=29 we must show the code of step 1.
        account.time_offset = 30;
        let code = account.code_at(29).unwrap();
        assert_eq!(code.text, "94287082");
        assert_eq!((code.valid_from, code.valid_until), (Some(0), Some(30)));

        let hotp_account = Account::hotp("RFC", "4226", ascii(b"12345678901234567890"), 3);
        let code = hotp_account.code_at(1_000_000).unwrap();
        assert_eq!((code.text.as_str(), code.counter), ("969429", 3));
        assert_eq!(code.valid_until, None);
    }

    #[test]
    fn invalid_parameters_are_errors_not_panics() {
        let mut account = Account::totp("A", "b", ascii(b"12345678901234567890"));
        account.kind = Kind::Totp { period: 0 };
        assert_eq!(account.code_at(0), Err(InvalidAccount::Period(0)));
    }

    #[test]
    fn debug_of_a_code_hides_the_text() {
        let account = Account::totp("A", "b", ascii(b"12345678901234567890"));
        let code = account.code_at(59).unwrap();
        assert!(!format!("{code:?}").contains(&code.text));
    }
}
