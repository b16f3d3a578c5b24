//! The primitives the encrypted formats share, with the caps on file-supplied KDF parameters.
//!
//! Every KDF here is checked against its cap before it runs: a file cannot make us allocate
//! gigabytes or spin for minutes.

use aes::cipher::BlockModeDecrypt;
use aes::cipher::block_padding::Pkcs7;
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use chacha20::cipher::{KeyIvInit, StreamCipher};
use chacha20::{ChaCha20, R20, hchacha};
use data_encoding::{Encoding, HEXLOWER_PERMISSIVE, Specification};
use poly1305::Poly1305;
use rand::RngCore;
use zeroize::Zeroizing;

use crate::ImportError;

/// Most memory scrypt may use for a file (128·N·r bytes): 8 times Aegis's 32 MiB.
pub const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;
/// Most work scrypt may do for a file (N·r·p): 16 times Aegis's 2^18.
pub const MAX_SCRYPT_WORK: u64 = 1 << 22;
/// Most PBKDF2 iterations a file may ask for: Aegis's own bound for andOTP files (andOTP uses
/// about 150,000).
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// Most memory Argon2id may use for a file: libsodium's "sensitive" level, Ente's default.
pub const MAX_ARGON2_MEMORY: u64 = 1024 * 1024 * 1024;
/// Most Argon2id work (memory in KiB × passes): Ente's "sensitive" 1 GiB × 4, which its
/// low-memory fallbacks (half the memory, twice the passes) keep constant.
pub const MAX_ARGON2_WORK: u64 = 4 * 1024 * 1024;

/// Checked scrypt parameters, ready to run.
pub(crate) struct ScryptParams(scrypt::Params);

impl ScryptParams {
    /// Checks N (a power of two above 1), r and p against the caps.
    pub(crate) fn new(n: u64, r: u64, p: u64) -> Result<Self, ImportError> {
        let too_expensive = |why: &str| ImportError::KdfTooExpensive {
            kdf: "scrypt",
            detail: format!("N={n}, r={r}, p={p}: {why}"),
        };
        if n < 2 || !n.is_power_of_two() || r == 0 || p == 0 {
            return Err(ImportError::Corrupt {
                format: "Aegis",
                part: "key slot",
                detail: format!("invalid scrypt parameters N={n}, r={r}, p={p}"),
            });
        }
        let memory = n.checked_mul(r).and_then(|nr| nr.checked_mul(128));
        if memory.is_none_or(|memory| memory > MAX_SCRYPT_MEMORY) {
            return Err(too_expensive(&format!(
                "more than {} MiB of memory",
                MAX_SCRYPT_MEMORY >> 20
            )));
        }
        let work = n.checked_mul(r).and_then(|nr| nr.checked_mul(p));
        if work.is_none_or(|work| work > MAX_SCRYPT_WORK) {
            return Err(too_expensive(&format!("N·r·p over {MAX_SCRYPT_WORK}")));
        }
        // Within the caps, every value fits: log2(N) < 22, r and p < 2^22.
        let params = scrypt::Params::new(n.trailing_zeros() as u8, r as u32, p as u32)
            .map_err(|_| too_expensive("rejected by scrypt"))?;
        Ok(ScryptParams(params))
    }

    /// Aegis's parameters: N=2^15, r=8, p=1.
    pub(crate) fn aegis() -> Self {
        ScryptParams(scrypt::Params::new(15, 8, 1).expect("Aegis's scrypt parameters are valid"))
    }

    /// Derives a 256-bit key.
    pub(crate) fn derive(&self, password: &[u8], salt: &[u8]) -> Zeroizing<[u8; 32]> {
        let mut key = Zeroizing::new([0; 32]);
        scrypt::scrypt(password, salt, &self.0, key.as_mut()).expect("32 bytes is a valid length");
        key
    }
}

/// Checks a PBKDF2 iteration count read from a file.
pub(crate) fn check_pbkdf2(iterations: u32) -> Result<(), ImportError> {
    if iterations > MAX_PBKDF2_ITERATIONS {
        return Err(ImportError::KdfTooExpensive {
            kdf: "PBKDF2",
            detail: format!("{iterations} iterations, more than {MAX_PBKDF2_ITERATIONS}"),
        });
    }
    Ok(())
}

/// PBKDF2-HMAC-SHA1 to a 256-bit key (andOTP). Iterations must have been checked.
pub(crate) fn pbkdf2_sha1(password: &[u8], salt: &[u8], iterations: u32) -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0; 32]);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations, key.as_mut());
    key
}

/// PBKDF2-HMAC-SHA256 to a 256-bit key (2FAS). Iterations must have been checked.
pub(crate) fn pbkdf2_sha256(password: &[u8], salt: &[u8], iterations: u32) -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0; 32]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, key.as_mut());
    key
}

/// PBKDF2-HMAC-SHA512 to a 256-bit key (FreeOTP 2). Iterations must have been checked.
pub(crate) fn pbkdf2_sha512(password: &[u8], salt: &[u8], iterations: u32) -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0; 32]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, salt, iterations, key.as_mut());
    key
}

/// Checked Argon2id parameters in libsodium's terms (`crypto_pwhash`): memory in bytes, passes.
pub(crate) struct Argon2Params(argon2::Params);

impl Argon2Params {
    /// Checks libsodium's `memlimit` (bytes) and `opslimit` against the caps (Ente: one lane).
    pub(crate) fn new(mem_limit: u64, ops_limit: u64) -> Result<Self, ImportError> {
        Self::with_lanes("Ente", mem_limit, ops_limit, 1)
    }

    /// Checks memory (bytes), passes and lanes against the caps; parameters Argon2 itself
    /// rejects (too little memory, zero passes or lanes) make `format`'s file `Corrupt`.
    pub(crate) fn with_lanes(
        format: &'static str,
        mem_limit: u64,
        ops_limit: u64,
        lanes: u32,
    ) -> Result<Self, ImportError> {
        let too_expensive = |why: String| ImportError::KdfTooExpensive {
            kdf: "Argon2id",
            detail: format!("{mem_limit} bytes, {ops_limit} passes: {why}"),
        };
        if mem_limit > MAX_ARGON2_MEMORY {
            return Err(too_expensive(format!(
                "more than {} MiB of memory",
                MAX_ARGON2_MEMORY >> 20
            )));
        }
        let kib = mem_limit / 1024;
        if kib
            .checked_mul(ops_limit)
            .is_none_or(|work| work > MAX_ARGON2_WORK)
        {
            return Err(too_expensive(format!(
                "more work than {} MiB × 4 passes",
                MAX_ARGON2_MEMORY >> 20
            )));
        }
        // Within the caps both fit in u32; argon2 rejects what libsodium would (too little
        // memory, zero passes).
        argon2::Params::new(kib as u32, ops_limit as u32, lanes, Some(32))
            .map(Argon2Params)
            .map_err(|error| ImportError::Corrupt {
                format,
                part: "key derivation parameters",
                detail: error.to_string(),
            })
    }

    /// Stratum's fixed parameters: 64 MiB, 3 passes, 4 lanes (its BackupEncryption class).
    pub(crate) fn stratum() -> Self {
        Argon2Params(
            argon2::Params::new(64 * 1024, 3, 4, Some(32)).expect("Stratum's parameters are valid"),
        )
    }

    /// Proton Authenticator's fixed parameters for password-protected exports: 19 MiB,
    /// 2 passes, 1 lane (its password_exporter.rs).
    pub(crate) fn proton() -> Self {
        Argon2Params(
            argon2::Params::new(19 * 1024, 2, 1, Some(32)).expect("Proton's parameters are valid"),
        )
    }

    /// Derives a 256-bit key with Argon2id v1.3 (one lane, as libsodium's `crypto_pwhash` does,
    /// unless the parameters say otherwise).
    pub(crate) fn derive(&self, password: &[u8], salt: &[u8]) -> Option<Zeroizing<[u8; 32]>> {
        let mut key = Zeroizing::new([0; 32]);
        argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            self.0.clone(),
        )
        .hash_password_into(password, salt, key.as_mut())
        .ok()?;
        Some(key)
    }
}

/// Opens AES-256-GCM with a detached tag; `None` if the key, nonce or tag do not fit or the
/// ciphertext is not authentic.
pub(crate) fn aes_gcm_open(
    key: &[u8],
    nonce: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    aes_gcm_open_aad(key, nonce, ciphertext, tag, b"")
}

/// [`aes_gcm_open`] with associated data (FreeOTP 2 authenticates the key's algorithm name).
pub(crate) fn aes_gcm_open_aad(
    key: &[u8],
    nonce: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
    aad: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    let nonce = <&Nonce<_>>::try_from(nonce).ok()?;
    let tag = <&Tag>::try_from(tag).ok()?;
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    cipher
        .decrypt_inout_detached(nonce, aad, buffer.as_mut_slice().into(), tag)
        .ok()?;
    Some(buffer)
}

/// Decrypts AES-256-CBC with PKCS#7 padding; `None` if the key or IV do not fit, the length is
/// not whole blocks, or the padding is wrong (most often: the wrong key).
pub(crate) fn aes_cbc_decrypt(
    key: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let decryptor = cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv).ok()?;
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    let len = decryptor.decrypt_padded::<Pkcs7>(&mut buffer).ok()?.len();
    buffer.truncate(len);
    Some(buffer)
}

/// Opens AES-256-GCM whose tag follows the ciphertext, as Java's `Cipher` writes it.
pub(crate) fn aes_gcm_open_appended(
    key: &[u8],
    nonce: &[u8],
    sealed: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let split = sealed.len().checked_sub(16)?;
    aes_gcm_open(key, nonce, &sealed[..split], &sealed[split..])
}

/// Seals with AES-256-GCM under a fresh random nonce: (nonce, ciphertext, tag).
pub(crate) fn aes_gcm_seal(key: &[u8; 32], plaintext: &[u8]) -> ([u8; 12], Vec<u8>, [u8; 16]) {
    let cipher = Aes256Gcm::new(key.into());
    let nonce: [u8; 12] = random();
    let mut buffer = plaintext.to_vec();
    let tag = cipher
        .encrypt_inout_detached((&nonce).into(), b"", buffer.as_mut_slice().into())
        .expect("a vault is far below AES-GCM's length limit");
    (nonce, buffer, tag.into())
}

/// Random bytes from the operating system's generator (via the thread-local CSPRNG).
pub(crate) fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0; N];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

/// Opens one message of libsodium's `crypto_secretstream_xchacha20poly1305` (what Ente's
/// `encryptData` writes): `header` is the 24-byte stream header, `message` the encrypted tag
/// byte, ciphertext and 16-byte MAC. `None` if it is not authentic.
pub(crate) fn secretstream_open(
    key: &[u8; 32],
    header: &[u8],
    message: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let header: &[u8; 24] = header.try_into().ok()?;
    if message.len() < 17 {
        return None;
    }
    let (tag_byte, rest) = message.split_at(1);
    let (ciphertext, mac) = rest.split_at(rest.len() - 16);
    let mac: &[u8; 16] = mac.try_into().ok()?;
    let (key_input, nonce_tail) = header.split_at(16);
    let key_input: &[u8; 16] = key_input.try_into().ok()?;

    // The stream key is HChaCha20 of the key and the header's first half; the nonce is a 32-bit
    // block counter starting at 1 followed by the header's other 8 bytes.
    let stream_key: Zeroizing<[u8; 32]> =
        Zeroizing::new(hchacha::<R20>(key.into(), key_input.into()).into());
    let mut nonce = [0u8; 12];
    nonce[0] = 1;
    nonce[4..].copy_from_slice(nonce_tail);
    let mut chacha = ChaCha20::new((&*stream_key).into(), (&nonce).into());

    // Keystream block 0 keys Poly1305; block 1 encrypts the tag byte; the message follows.
    let mut block0 = Zeroizing::new([0u8; 64]);
    chacha.apply_keystream(block0.as_mut());
    let poly_key: &[u8; 32] = block0[..32].try_into().ok()?;
    let mut block = [0u8; 64];
    block[0] = tag_byte[0];
    chacha.apply_keystream(&mut block);
    block[0] = tag_byte[0];
    // The MAC covers the encrypted tag block, the ciphertext, then libsodium's padding, which
    // is `mlen % 16` zero bytes (not the complement: a quirk now part of the format), then the
    // lengths of the (empty) associated data and of block + ciphertext, as one byte stream.
    let mut authenticated = Vec::with_capacity(64 + ciphertext.len() + 32);
    authenticated.extend_from_slice(&block);
    authenticated.extend_from_slice(ciphertext);
    authenticated.resize(authenticated.len() + ciphertext.len() % 16, 0);
    authenticated.extend_from_slice(&0u64.to_le_bytes());
    authenticated.extend_from_slice(&(64 + ciphertext.len() as u64).to_le_bytes());
    let expected = Poly1305::new(poly_key.into()).compute_unpadded(&authenticated);
    // Constant time: no early exit on the first differing byte.
    let difference = expected
        .iter()
        .zip(mac)
        .fold(0u8, |difference, (a, b)| difference | (a ^ b));
    if difference != 0 {
        return None;
    }

    let mut plaintext = Zeroizing::new(ciphertext.to_vec());
    chacha.apply_keystream(&mut plaintext);
    Some(plaintext)
}

/// Base64 as Java, Dart and browsers write it, with or without padding.
fn lenient_base64() -> Encoding {
    let mut spec = Specification::new();
    spec.symbols
        .push_str("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    spec.check_trailing_bits = false;
    spec.ignore.push_str(" \t\r\n");
    spec.encoding().expect("a valid base64 specification")
}

/// Decodes standard base64, padded or not.
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    lenient_base64()
        .decode(text.trim_end_matches(['=', ' ', '\n', '\r']).as_bytes())
        .ok()
}

/// Encodes standard padded base64.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    data_encoding::BASE64.encode(bytes)
}

/// Decodes hex in either case.
pub(crate) fn hex_decode(text: &str) -> Option<Vec<u8>> {
    HEXLOWER_PERMISSIVE.decode(text.as_bytes()).ok()
}

/// Encodes lower-case hex, as Aegis writes it.
pub(crate) fn hex_encode(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_refuse_before_any_work() {
        assert!(ScryptParams::new(1 << 15, 8, 1).is_ok());
        assert!(matches!(
            ScryptParams::new(1 << 40, 8, 1),
            Err(ImportError::KdfTooExpensive { kdf: "scrypt", .. })
        ));
        assert!(matches!(
            ScryptParams::new(1 << 15, 8, 1 << 20),
            Err(ImportError::KdfTooExpensive { .. })
        ));
        assert!(matches!(
            ScryptParams::new(u64::MAX / 2 + 1, u64::MAX, u64::MAX),
            Err(ImportError::KdfTooExpensive { .. })
        ));
        assert!(matches!(
            ScryptParams::new(1000, 8, 1),
            Err(ImportError::Corrupt { .. })
        ));
        assert!(check_pbkdf2(150_000).is_ok());
        assert!(check_pbkdf2(i32::MAX as u32).is_err());
        assert!(Argon2Params::new(1 << 30, 4).is_ok());
        assert!(Argon2Params::new(1 << 28, 16).is_ok());
        assert!(Argon2Params::new(1 << 31, 1).is_err());
        assert!(Argon2Params::new(1 << 30, 5).is_err());
        assert!(Argon2Params::new(1 << 20, u64::MAX).is_err());
    }

    #[test]
    fn aes_gcm_round_trip_and_tamper() {
        let key = [7u8; 32];
        let (nonce, ciphertext, tag) = aes_gcm_seal(&key, b"hello");
        assert_eq!(
            aes_gcm_open(&key, &nonce, &ciphertext, &tag)
                .as_deref()
                .map(Vec::as_slice),
            Some(&b"hello"[..])
        );
        let mut bad = ciphertext.clone();
        bad[0] ^= 1;
        assert!(aes_gcm_open(&key, &nonce, &bad, &tag).is_none());
        assert!(aes_gcm_open(&key, &nonce[..8], &ciphertext, &tag).is_none());
        let mut appended = ciphertext;
        appended.extend_from_slice(&tag);
        assert!(aes_gcm_open_appended(&key, &nonce, &appended).is_some());
        assert!(aes_gcm_open_appended(&key, &nonce, &appended[..10]).is_none());
    }

    #[test]
    fn base64_with_and_without_padding() {
        assert_eq!(base64_decode("aGk=").unwrap(), b"hi");
        assert_eq!(base64_decode("aGk").unwrap(), b"hi");
        assert_eq!(
            base64_decode("a+/A\nBB==").unwrap(),
            [0x6b, 0xef, 0xc0, 0x04]
        );
        assert!(base64_decode("a*b").is_none());
        assert_eq!(base64_encode(b"hi"), "aGk=");
        assert_eq!(hex_decode("0aFF").unwrap(), [10, 255]);
        assert_eq!(hex_encode(&[10, 255]), "0aff");
    }
}
