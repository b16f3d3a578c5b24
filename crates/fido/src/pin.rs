//! The client side of CTAP2's PIN/UV auth protocols 1 and 2: key agreement, PIN encryption and
//! the HMACs that authorise commands (CTAP 2.1 §6.5.6, §6.5.7).
//!
//! ctap-hid-fido2 keeps its own implementation private to its HID code, so this small helper is
//! what both the USB path and the software key use.

use crate::error::{Error, Result};
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, block_padding::NoPadding};
use ring::{agreement, digest, hkdf, hmac, rand::SecureRandom, rand::SystemRandom};
use std::fmt;
use zeroize::Zeroizing;

/// A security-key PIN. Zeroed on drop; its Debug output never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(Zeroizing<String>);

impl Pin {
    /// Wraps a PIN typed by the person.
    pub fn new(pin: impl Into<String>) -> Pin {
        Pin(Zeroizing::new(pin.into()))
    }

    /// The PIN's characters, for sending to the key.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in Unicode code points, as CTAP counts it for minPINLength.
    pub fn code_points(&self) -> usize {
        self.0.chars().count()
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(***)")
    }
}

/// The PIN/UV auth protocol version to speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Protocol {
    /// Protocol one (CTAP 2.0): SHA-256 shared secret, zero IV, 16-byte HMACs.
    One,
    /// Protocol two (CTAP 2.1): HKDF-derived keys, random IV, full HMACs.
    Two,
}

impl Protocol {
    /// The number sent on the wire.
    pub fn number(self) -> u8 {
        match self {
            Protocol::One => 1,
            Protocol::Two => 2,
        }
    }
}

/// A shared secret established with one key for one command exchange.
pub(crate) struct SharedSecret {
    protocol: Protocol,
    hmac_key: Zeroizing<Vec<u8>>,
    aes_key: Zeroizing<[u8; 32]>,
    /// Our uncompressed P-256 public point (0x04 || x || y), sent to the key.
    pub(crate) platform_point: Vec<u8>,
}

impl SharedSecret {
    /// Agrees on a secret with the key's public point (uncompressed, 65 bytes).
    pub(crate) fn agree(protocol: Protocol, peer_point: &[u8]) -> Result<SharedSecret> {
        let rng = SystemRandom::new();
        let private = agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &rng)
            .map_err(|_| Error::Protocol("cannot generate a P-256 key".into()))?;
        let platform_point = private
            .compute_public_key()
            .map_err(|_| Error::Protocol("cannot compute our P-256 public key".into()))?
            .as_ref()
            .to_vec();
        let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, peer_point);
        // Z is the x coordinate of the shared point.
        let z = agreement::agree_ephemeral(private, &peer, |z| Zeroizing::new(z.to_vec()))
            .map_err(|_| {
                Error::Protocol("the key's agreement key is not a valid P-256 point".into())
            })?;
        let (hmac_key, aes_key) = match protocol {
            Protocol::One => {
                let secret = sha256_secret(&z);
                (Zeroizing::new(secret.to_vec()), secret)
            }
            Protocol::Two => {
                let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, &[0u8; 32]).extract(&z);
                let mut hmac_key = Zeroizing::new(vec![0u8; 32]);
                let mut aes_key = Zeroizing::new([0u8; 32]);
                for (info, out) in [
                    (&b"CTAP2 HMAC key"[..], &mut hmac_key[..]),
                    (&b"CTAP2 AES key"[..], &mut aes_key[..]),
                ] {
                    prk.expand(&[info], hkdf::HKDF_SHA256)
                        .and_then(|okm| okm.fill(out))
                        .map_err(|_| Error::Protocol("HKDF failed".into()))?;
                }
                (hmac_key, aes_key)
            }
        };
        Ok(SharedSecret {
            protocol,
            hmac_key,
            aes_key,
            platform_point,
        })
    }

    /// encrypt(sharedSecret, plaintext); the plaintext is a whole number of AES blocks.
    pub(crate) fn encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>> {
        let iv = match self.protocol {
            Protocol::One => [0u8; 16],
            Protocol::Two => {
                let mut iv = [0u8; 16];
                SystemRandom::new()
                    .fill(&mut iv)
                    .map_err(|_| Error::Protocol("no randomness".into()))?;
                iv
            }
        };
        // A copy of the plaintext (a PIN, a PIN hash, a salt) until it is encrypted in place;
        // wiped whatever happens (a length that is not whole blocks leaves it as it was).
        let mut buffer = Zeroizing::new(plaintext.to_vec());
        let len = buffer.len();
        cbc::Encryptor::<aes::Aes256>::new(&(*self.aes_key).into(), &iv.into())
            .encrypt_padded::<NoPadding>(&mut buffer, len)
            .map_err(|_| Error::Protocol("plaintext is not a multiple of 16 bytes".into()))?;
        Ok(match self.protocol {
            Protocol::One => buffer.to_vec(),
            Protocol::Two => [&iv[..], &buffer[..]].concat(),
        })
    }

    /// decrypt(sharedSecret, ciphertext), as the key produced it.
    pub(crate) fn decrypt(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let (iv, body) = match self.protocol {
            Protocol::One => ([0u8; 16], ciphertext),
            Protocol::Two => {
                let (iv, body) = ciphertext
                    .split_at_checked(16)
                    .ok_or_else(|| Error::Protocol("ciphertext shorter than its IV".into()))?;
                (iv.try_into().expect("16 bytes"), body)
            }
        };
        if body.len() % 16 != 0 {
            return Err(Error::Protocol("ciphertext is not whole AES blocks".into()));
        }
        let mut buffer = Zeroizing::new(body.to_vec());
        cbc::Decryptor::<aes::Aes256>::new(&(*self.aes_key).into(), &iv.into())
            .decrypt_padded::<NoPadding>(&mut buffer)
            .map_err(|_| Error::Protocol("cannot decrypt".into()))?;
        Ok(buffer)
    }

    /// authenticate(sharedSecret, message).
    pub(crate) fn authenticate(&self, message: &[u8]) -> Vec<u8> {
        authenticate(self.protocol, &self.hmac_key, message)
    }

    /// pinHashEnc: the first 16 bytes of SHA-256(PIN), encrypted.
    pub(crate) fn pin_hash_enc(&self, pin: &Pin) -> Result<Vec<u8>> {
        let hash = sha256_secret(pin.expose().as_bytes());
        self.encrypt(&hash[..16])
    }

    /// newPinEnc: the PIN padded with zeros to 64 bytes, encrypted.
    pub(crate) fn new_pin_enc(&self, pin: &Pin) -> Result<Vec<u8>> {
        let bytes = pin.expose().as_bytes();
        if bytes.len() > 63 {
            return Err(Error::PinPolicy(crate::PinRule::TooLong { max_bytes: 63 }));
        }
        let mut padded = Zeroizing::new([0u8; 64]);
        padded[..bytes.len()].copy_from_slice(bytes);
        self.encrypt(&padded[..])
    }
}

/// authenticate(key, message): HMAC-SHA-256, truncated to 16 bytes in protocol one.
pub(crate) fn authenticate(protocol: Protocol, key: &[u8], message: &[u8]) -> Vec<u8> {
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), message);
    match protocol {
        Protocol::One => tag.as_ref()[..16].to_vec(),
        Protocol::Two => tag.as_ref().to_vec(),
    }
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    digest::digest(&digest::SHA256, data)
        .as_ref()
        .try_into()
        .expect("SHA-256 is 32 bytes")
}

/// SHA-256 of secret `data` (a PIN, a shared point), for a hash that is itself a secret:
/// copied straight into a wiped buffer. (ring's `Digest` it comes from is a stack value ring
/// does not wipe; nothing here can reach it.)
fn sha256_secret(data: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(digest::digest(&digest::SHA256, data).as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds both ends of an agreement so the tests can check one side against the other.
    fn pair(protocol: Protocol) -> (SharedSecret, SharedSecret) {
        let rng = SystemRandom::new();
        let key_side =
            agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &rng).unwrap();
        let key_point = key_side.compute_public_key().unwrap().as_ref().to_vec();
        let platform = SharedSecret::agree(protocol, &key_point).unwrap();
        let peer = agreement::UnparsedPublicKey::new(
            &agreement::ECDH_P256,
            platform.platform_point.clone(),
        );
        let z = agreement::agree_ephemeral(key_side, &peer, |z| z.to_vec()).unwrap();
        // Rebuild the key's view through the same derivation with a fixed Z.
        let key_view = match protocol {
            Protocol::One => {
                let s = sha256(&z);
                SharedSecret {
                    protocol,
                    hmac_key: Zeroizing::new(s.to_vec()),
                    aes_key: Zeroizing::new(s),
                    platform_point: vec![],
                }
            }
            Protocol::Two => {
                let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, &[0u8; 32]).extract(&z);
                let mut h = vec![0u8; 32];
                let mut a = [0u8; 32];
                prk.expand(&[b"CTAP2 HMAC key"], hkdf::HKDF_SHA256)
                    .unwrap()
                    .fill(&mut h)
                    .unwrap();
                prk.expand(&[b"CTAP2 AES key"], hkdf::HKDF_SHA256)
                    .unwrap()
                    .fill(&mut a)
                    .unwrap();
                SharedSecret {
                    protocol,
                    hmac_key: Zeroizing::new(h),
                    aes_key: Zeroizing::new(a),
                    platform_point: vec![],
                }
            }
        };
        (platform, key_view)
    }

    #[test]
    fn both_protocols_round_trip_and_agree() {
        for protocol in [Protocol::One, Protocol::Two] {
            let (platform, key) = pair(protocol);
            let enc = platform.new_pin_enc(&Pin::new("123456")).unwrap();
            assert_eq!(enc.len(), if protocol == Protocol::One { 64 } else { 80 });
            let plain = key.decrypt(&enc).unwrap();
            assert_eq!(&plain[..6], b"123456");
            assert!(plain[6..].iter().all(|&b| b == 0));
            assert_eq!(platform.authenticate(b"m"), key.authenticate(b"m"));
            let tag_len = platform.authenticate(b"m").len();
            assert_eq!(tag_len, if protocol == Protocol::One { 16 } else { 32 });
        }
    }

    #[test]
    fn protocol_one_hmac_matches_ctap_hid_fido2_vector() {
        // The vector ctap-hid-fido2 uses for its own (private) implementation.
        let key = [
            0x1A, 0x81, 0xCD, 0x60, 0x0A, 0x1F, 0x6C, 0xF4, 0xBE, 0x52, 0x60, 0xFE, 0x32, 0x57,
            0xB2, 0x41,
        ];
        let msg = hex_bytes("E61E2BD6C4612662960B159CD54CF8EFF1A998C89B3742519D11F85E0F5E7876");
        let tag = authenticate(Protocol::One, &key, &msg);
        assert_eq!(hex(&tag), "f0ac99d6aad2e199af9cf25f6568a6f5");
        let tag = authenticate(Protocol::Two, &key, &msg);
        assert_eq!(
            hex(&tag),
            "f0ac99d6aad2e199af9cf25f6568a6f555d6394cdc35d81573d71a3b3cb275f3"
        );
    }

    #[test]
    fn pin_debug_hides_the_pin() {
        assert_eq!(format!("{:?}", Pin::new("9876")), "Pin(***)");
    }

    #[test]
    fn long_pins_are_refused_before_sending() {
        let (platform, _) = pair(Protocol::Two);
        assert!(matches!(
            platform.new_pin_enc(&Pin::new("1".repeat(64))),
            Err(Error::PinPolicy(_))
        ));
    }

    #[test]
    fn a_plaintext_copy_is_wiped_even_when_it_cannot_be_encrypted() {
        let (platform, _) = pair(Protocol::Two);
        // 20 bytes: not whole AES blocks, so encryption refuses after copying.
        let secret = b"PIN-5550123-not-kept";
        let found = crate::freed_memory::freed_with(secret, || {
            assert!(platform.encrypt(secret).is_err());
        });
        assert_eq!(found, 0, "a freed block still held the plaintext");
    }

    #[test]
    fn pin_and_pin_hash_do_not_outlive_their_encryption() {
        let pin = "731902846517";
        let hash = sha256(pin.as_bytes());
        for protocol in [Protocol::One, Protocol::Two] {
            let (platform, key) = pair(protocol);
            let mut sent = Vec::new();
            for needle in [pin.as_bytes(), &hash[..16]] {
                let found = crate::freed_memory::freed_with(needle, || {
                    let pin = Pin::new(pin);
                    sent = platform.new_pin_enc(&pin).unwrap();
                    sent.extend(platform.pin_hash_enc(&pin).unwrap());
                    let (new_pin, pin_hash) =
                        sent.split_at(sent.len() - if protocol == Protocol::One { 16 } else { 32 });
                    assert_eq!(
                        &key.decrypt(new_pin).unwrap()[..pin.expose().len()],
                        pin.expose().as_bytes()
                    );
                    assert_eq!(&key.decrypt(pin_hash).unwrap()[..], &hash[..16]);
                });
                assert_eq!(found, 0, "{protocol:?}: a freed block held {needle:?}");
            }
        }
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    fn hex_bytes(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }
}
