//! The shared secret of an account, kept in zeroizing memory and never printed.

use std::fmt;

use data_encoding::BASE32_NOPAD;
use zeroize::{Zeroize, Zeroizing};

/// Largest secret accepted, in bytes: far above any real issuer (SHA-512 keys are 64 bytes), low
/// enough that a hostile URI cannot make us allocate much.
pub const MAX_SECRET_LEN: usize = 1024;

/// Key bits below which a secret is weak: 16 base32 characters, the shortest most issuers hand
/// out (RFC 4226 asks for at least 128). A weaker secret still makes codes; the UI notes it.
pub const WEAK_SECRET_BITS: usize = 80;

/// Why a secret could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The secret is empty (after removing spaces, dashes and padding).
    #[error("the secret is empty")]
    Empty,
    /// A character outside the base32 alphabet (A–Z, 2–7).
    #[error("the secret has a character that is not base32: {character:?} at position {position}")]
    InvalidCharacter {
        /// The offending character.
        character: char,
        /// Its position (counting characters, from 1) in the input as given.
        position: usize,
    },
    /// A single base32 character: five bits, not even one byte.
    #[error("the secret has {length} base32 character, too few for one byte")]
    InvalidLength {
        /// Characters counted after normalisation.
        length: usize,
    },
    /// Longer than [`MAX_SECRET_LEN`].
    #[error("the secret is longer than {MAX_SECRET_LEN} bytes")]
    TooLong,
}

/// An account's shared HMAC key.
///
/// The bytes are wiped from memory when dropped; `Debug` shows only the length.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<Vec<u8>>);

/// Decodes upper-case base32 as Google Authenticator does: five bits per character, a byte out
/// for every eight bits in, and the bits left over at the end ignored, whatever their value and
/// however many. Issuers, Ente and 2FAS hold secrets of 9, 11, 14, 17 or 19 characters, which
/// strict base32 refuses because they do not end on a byte.
fn decode_base32(normalised: &str) -> Zeroizing<Vec<u8>> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(normalised.len() * 5 / 8));
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for character in normalised.bytes() {
        let value = match character {
            b'A'..=b'Z' => character - b'A',
            b'2'..=b'7' => character - b'2' + 26,
            _ => unreachable!("normalised to the base32 alphabet"),
        };
        buffer = (buffer << 5 | u32::from(value)) & 0xfff;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
        }
    }
    buffer.zeroize();
    bytes
}

impl Secret {
    /// Wraps raw key bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, SecretError> {
        let bytes = Zeroizing::new(bytes);
        if bytes.is_empty() {
            return Err(SecretError::Empty);
        }
        if bytes.len() > MAX_SECRET_LEN {
            return Err(SecretError::TooLong);
        }
        Ok(Self(bytes))
    }

    /// Reads a base32 secret as people and issuers write it: any case, with or without `=`
    /// padding, grouped with spaces or dashes.
    ///
    /// ```
    /// let secret = countersign_otp::Secret::from_base32("jbsw y3dp ehpk 3pxp").unwrap();
    /// assert_eq!(secret.expose(), b"Hello!\xde\xad\xbe\xef");
    /// ```
    pub fn from_base32(text: &str) -> Result<Self, SecretError> {
        let mut normalised = Zeroizing::new(String::with_capacity(text.len()));
        for (index, character) in text.chars().enumerate() {
            match character {
                ' ' | '\t' | '-' | '=' => {}
                'a'..='z' | 'A'..='Z' | '2'..='7' => {
                    normalised.push(character.to_ascii_uppercase())
                }
                _ => {
                    return Err(SecretError::InvalidCharacter {
                        character,
                        position: index + 1,
                    });
                }
            }
        }
        if normalised.is_empty() {
            return Err(SecretError::Empty);
        }
        if normalised.len() > MAX_SECRET_LEN * 8 / 5 + 1 {
            return Err(SecretError::TooLong);
        }
        if normalised.len() == 1 {
            return Err(SecretError::InvalidLength { length: 1 });
        }
        let mut bytes = decode_base32(&normalised);
        Self::from_bytes(std::mem::take(&mut *bytes))
    }

    /// The secret as unpadded upper-case base32, the form otpauth:// URIs carry.
    pub fn to_base32(&self) -> Zeroizing<String> {
        Zeroizing::new(BASE32_NOPAD.encode(&self.0))
    }

    /// The raw key bytes. Named so that every use of the secret stands out in review.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Length of the key in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Length of the key in bits: what its strength is judged by.
    pub fn bits(&self) -> usize {
        self.0.len() * 8
    }

    /// Whether the key is shorter than [`WEAK_SECRET_BITS`]: it still makes codes (the issuer
    /// chose it), but a person may want to know it is easier to guess.
    pub fn is_weak(&self) -> bool {
        self.bits() < WEAK_SECRET_BITS
    }

    /// Always false: an empty secret cannot be constructed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} bytes redacted>)", self.0.len())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base32())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Zeroizing::new(String::deserialize(deserializer)?);
        Secret::from_base32(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_ways_people_write_secrets() {
        let expected = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        for written in [
            "jbswy3dpehpk3pxp",
            "JBSW Y3DP EHPK 3PXP",
            "jbsw-y3dp-ehpk-3pxp",
            "JBSWY3DPEHPK3PXP====",
            " JBSWY3DPEHPK3PXP\t",
        ] {
            assert_eq!(Secret::from_base32(written).unwrap(), expected, "{written}");
        }
    }

    #[test]
    fn eighty_bit_secret_is_ten_bytes() {
        let secret = Secret::from_base32("GEZDGNBVGY3TQOJQ").unwrap();
        assert_eq!(secret.expose(), b"1234567890");
        assert_eq!(&*secret.to_base32(), "GEZDGNBVGY3TQOJQ");
    }

    #[test]
    fn non_zero_trailing_bits_are_tolerated() {
        // 26 characters = 16 bytes + 2 spare bits; the last character sets them.
        let a = Secret::from_base32("4SJHB4GSD43FZBAI7C2HLRJGPQ").unwrap();
        let b = Secret::from_base32("4SJHB4GSD43FZBAI7C2HLRJGPR").unwrap();
        assert_eq!(a.expose(), b.expose());
    }

    #[test]
    fn names_the_bad_character_and_its_place() {
        assert_eq!(
            Secret::from_base32("JBSW1"),
            Err(SecretError::InvalidCharacter {
                character: '1',
                position: 5
            })
        );
        assert_eq!(Secret::from_base32(" - = "), Err(SecretError::Empty));
        assert_eq!(
            Secret::from_base32("A"),
            Err(SecretError::InvalidLength { length: 1 })
        );
        assert_eq!(
            Secret::from_base32(&"A".repeat(4000)),
            Err(SecretError::TooLong)
        );
    }

    #[test]
    fn lengths_off_a_byte_drop_their_trailing_bits() {
        // Each length keeps floor(5n / 8) bytes: the prefix of the 16-character secret's bytes
        // that the leading characters fully cover (checked with Python's base64.b32decode of the
        // padded prefixes "JBSWY3DP" -> b"Hello", "JBSWY3DPEE" -> b"Hello!").
        let full = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        for (length, bytes) in [(9, 5), (11, 6), (14, 8), (17, 10), (19, 11)] {
            let text = "JBSWY3DPEHPK3PXPJBSW"[..length].to_owned();
            let secret = Secret::from_base32(&text).unwrap_or_else(|e| panic!("{length}: {e}"));
            assert_eq!(secret.len(), bytes, "{length}");
            let mut expected = full.expose().to_vec();
            expected.extend_from_slice(b"Hel");
            assert_eq!(secret.expose(), &expected[..bytes], "{length}");
        }
        assert_eq!(Secret::from_base32("JBSWY3DPE").unwrap().expose(), b"Hello");
        assert_eq!(
            Secret::from_base32("JBSWY3DPEE").unwrap().expose(),
            b"Hello!"
        );
        assert_eq!(Secret::from_base32("AB").unwrap().expose(), [0x00]);
    }

    #[test]
    fn weak_below_eighty_bits() {
        let secret = |text| Secret::from_base32(text).unwrap();
        assert_eq!(secret("JBSWY3DPEHPK3PXP").bits(), 80);
        assert!(!secret("JBSWY3DPEHPK3PXP").is_weak());
        assert_eq!(secret("JBSWY3DPEHPK3PX").bits(), 72);
        assert!(secret("JBSWY3DPEHPK3PX").is_weak());
        assert!(secret("JBSWY3DPE").is_weak());
        assert!(!secret("4SJHB4GSD43FZBAI7C2HLRJGPQ").is_weak());
    }

    #[test]
    fn debug_never_shows_the_key() {
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let shown = format!("{secret:?}");
        assert_eq!(shown, "Secret(<10 bytes redacted>)");
    }
}
