//! The recovery key: random, shown once, typed back (or scanned) when every other way fails.

use std::fmt;

use data_encoding::BASE32_NOPAD;
use zeroize::Zeroizing;

use crate::crypto::{Key, sha256};

/// Random bytes of a recovery key: 160 bits, far beyond guessing, so no slow KDF is needed.
const RECOVERY_BYTES: usize = 20;
/// Characters per group when shown.
const GROUP: usize = 4;
/// What the QR code text starts with, so a scanner can tell what it is.
const QR_PREFIX: &str = "COUNTERSIGN-RECOVERY:";
/// Domain separation for the wrapping key.
const DOMAIN: &[u8] = b"countersign vault recovery key v1";

/// A vault's recovery key. Its bytes are wiped when dropped; `Debug` shows nothing.
///
/// Shown to the person once, as [`RecoveryKey::to_grouped`] (eight groups of four base32
/// characters, e.g. `MZXW-6YTB-...`) and as a QR code of [`RecoveryKey::qr_text`].
#[derive(Clone)]
pub struct RecoveryKey(Zeroizing<[u8; RECOVERY_BYTES]>);

impl RecoveryKey {
    pub(crate) fn random() -> RecoveryKey {
        let mut bytes = Zeroizing::new([0; RECOVERY_BYTES]);
        crate::crypto::fill_random(&mut *bytes);
        RecoveryKey(bytes)
    }

    /// Reads a recovery key as a person types it or a scanner returns it: any case, with or
    /// without dashes and spaces, with or without the QR prefix; `0`, `1` and `8` are read as
    /// `O`, `I` and `B`, which they are easily mistaken for. `None` if it cannot be one.
    pub fn parse(text: &str) -> Option<RecoveryKey> {
        let text = text.trim();
        let text = match text.get(..QR_PREFIX.len()) {
            Some(head) if head.eq_ignore_ascii_case(QR_PREFIX) => &text[QR_PREFIX.len()..],
            _ => text,
        };
        let mut normalised = Zeroizing::new(String::with_capacity(text.len()));
        for character in text.chars() {
            match character.to_ascii_uppercase() {
                ' ' | '-' | '\t' => {}
                '0' => normalised.push('O'),
                '1' => normalised.push('I'),
                '8' => normalised.push('B'),
                c @ ('A'..='Z' | '2'..='7') => normalised.push(c),
                _ => return None,
            }
        }
        let decoded = Zeroizing::new(BASE32_NOPAD.decode(normalised.as_bytes()).ok()?);
        let mut bytes = Zeroizing::new([0; RECOVERY_BYTES]);
        if decoded.len() != RECOVERY_BYTES {
            return None;
        }
        bytes.copy_from_slice(&decoded);
        Some(RecoveryKey(bytes))
    }

    /// The key as a person writes it down: `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`.
    pub fn to_grouped(&self) -> Zeroizing<String> {
        let plain = Zeroizing::new(BASE32_NOPAD.encode(&*self.0));
        let mut grouped = Zeroizing::new(String::with_capacity(plain.len() * 5 / 4));
        for (index, character) in plain.chars().enumerate() {
            if index > 0 && index % GROUP == 0 {
                grouped.push('-');
            }
            grouped.push(character);
        }
        grouped
    }

    /// The text to put in a QR code: `COUNTERSIGN-RECOVERY:` and the grouped key. Upper case,
    /// digits, `-` and `:` only, so the QR code uses the compact alphanumeric mode.
    pub fn qr_text(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("{QR_PREFIX}{}", *self.to_grouped()))
    }

    /// The key that wraps the master key in the recovery slot.
    pub(crate) fn wrapping_key(&self) -> Key {
        #[cfg(test)]
        crate::test_hooks::before_key_derivation();
        let digest = Zeroizing::new(sha256(&[DOMAIN, &*self.0]));
        Key::from_slice(&*digest).expect("SHA-256 gives a key-sized digest")
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_form_reads_back_in_every_way_people_write_it() {
        let key = RecoveryKey::random();
        let grouped = key.to_grouped();
        assert_eq!(grouped.len(), 39);
        assert_eq!(grouped.split('-').count(), 8);
        assert!(grouped.split('-').all(|group| group.len() == 4));
        let expected = key.wrapping_key();
        for written in [
            grouped.to_string(),
            grouped.to_lowercase(),
            grouped.replace('-', " "),
            grouped.replace('-', ""),
            key.qr_text().to_string(),
            format!("  {}\n", grouped.to_lowercase()),
        ] {
            let parsed = RecoveryKey::parse(&written).unwrap();
            assert_eq!(parsed.wrapping_key().bytes(), expected.bytes(), "{written}");
        }
    }

    #[test]
    fn look_alike_digits_are_forgiven() {
        let key = RecoveryKey::parse("OIBA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA").unwrap();
        let typed = RecoveryKey::parse("01BA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA").unwrap();
        let typed8 = RecoveryKey::parse("OI8A-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA").unwrap();
        assert_eq!(*key.0, *typed.0);
        assert_eq!(*key.0, *typed8.0);
    }

    #[test]
    fn wrong_lengths_and_characters_are_not_keys() {
        assert!(RecoveryKey::parse("").is_none());
        assert!(RecoveryKey::parse("AAAA-AAAA").is_none());
        assert!(RecoveryKey::parse("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA").is_none());
        assert!(RecoveryKey::parse("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAA9").is_none());
        assert!(RecoveryKey::parse("correct horse battery staple").is_none());
    }

    #[test]
    fn qr_text_uses_the_alphanumeric_alphabet() {
        let text = RecoveryKey::random().qr_text();
        assert!(text.starts_with("COUNTERSIGN-RECOVERY:"));
        assert!(
            text.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == ':')
        );
    }

    #[test]
    fn debug_hides_the_key() {
        assert_eq!(
            format!("{:?}", RecoveryKey::random()),
            "RecoveryKey(<redacted>)"
        );
    }
}
