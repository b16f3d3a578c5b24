//! Just enough of ZIP to read one named member of an export: the central directory, stored or
//! deflated data, traditional PKWARE encryption ("ZipCrypto", what Authenticator Plus and
//! WinAuth use) and WinZip AES (AE-1 and AE-2, AES-128/192/256: what Raivo OTP's minizip writes).
//! ZIP64, multi-disk archives and PKWARE's "strong encryption" are refused.
//!
//! Hand-written rather than the `zip` crate: that crate's AES support would bring a second
//! generation of the RustCrypto crates (aes 0.8, hmac 0.12, cipher 0.4) and flate2 into the
//! tree, while this reader reuses the ones the crate already has (aes, ctr, pbkdf2, hmac, sha1,
//! miniz_oxide), keeps decrypted bytes in zeroizing buffers, and caps what a member may inflate to.

use aes::cipher::{KeyIvInit, StreamCipher};
use hmac::{Hmac, KeyInit, Mac};
use zeroize::{Zeroize, Zeroizing};

use crate::ImportError;

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const END_LEN: usize = 22;
const FLAG_ENCRYPTED: u16 = 1;
const FLAG_DESCRIPTOR: u16 = 1 << 3;
const FLAG_STRONG_ENCRYPTION: u16 = 1 << 6;
const STORED: u16 = 0;
const DEFLATED: u16 = 8;
/// The method WinZip AES members declare; the real one is in their AES extra field.
const WINZIP_AES: u16 = 99;
/// The extra field of a WinZip AES member (version, "AE", key strength, real method).
const AES_EXTRA: u16 = 0x9901;
/// WinZip AES's fixed PBKDF2-HMAC-SHA1 iteration count: a file cannot ask for more.
const AES_ITERATIONS: u32 = 1000;
const AES_VERIFIER_LEN: usize = 2;
/// The authentication code: HMAC-SHA1 of the encrypted data, truncated to 80 bits.
const AES_MAC_LEN: usize = 10;
/// Largest member inflated: an export of thousands of accounts is well under a megabyte.
const MAX_MEMBER_LEN: usize = 16 * 1024 * 1024;

/// Why a member could not be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ZipError {
    /// Not a ZIP archive, or no member of that name.
    NotFound,
    /// The member is encrypted and no password was given.
    PasswordRequired,
    /// The password's check value does not match.
    WrongPassword,
    /// The archive or the member's data is damaged (or, with ZipCrypto, 1 time in 256, the
    /// password is wrong; with WinZip AES, 1 time in 65,536).
    Damaged(&'static str),
}

impl ZipError {
    /// The import error for a format whose file is this archive; `wanted` says what a
    /// `NotFound` archive lacks ("a ZIP archive with Accounts.txt in it").
    pub(crate) fn for_format(self, format: &'static str, wanted: &str) -> ImportError {
        match self {
            ZipError::NotFound => ImportError::WrongFormat {
                format,
                reason: format!("not {wanted}"),
            },
            ZipError::PasswordRequired => ImportError::PasswordRequired,
            ZipError::WrongPassword => ImportError::WrongPassword,
            ZipError::Damaged(part) => ImportError::Corrupt {
                format,
                part,
                detail: "the archive was changed or truncated (or, rarely, the password is wrong)"
                    .to_owned(),
            },
        }
    }
}

/// One member's directory entry.
struct Member<'a> {
    name: &'a [u8],
    flags: u16,
    method: u16,
    time: u16,
    crc: u32,
    /// The central directory's extra fields.
    extra: &'a [u8],
    data: &'a [u8],
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// Whether the bytes are a ZIP archive holding a member named `name`.
pub(crate) fn has_member(bytes: &[u8], name: &str) -> bool {
    find(bytes, name).is_ok()
}

/// Whether the bytes start like a ZIP archive (a local file header), readable or not.
pub(crate) fn is_zip(bytes: &[u8]) -> bool {
    u32_at(bytes, 0) == Some(LOCAL)
}

/// The name in the first local header: what a truncated archive still says about itself.
pub(crate) fn first_local_name(bytes: &[u8]) -> Option<&[u8]> {
    if !is_zip(bytes) {
        return None;
    }
    let name_len = usize::from(u16_at(bytes, 26)?);
    bytes.get(30..30 + name_len)
}

/// The names of the archive's members, in directory order (names that are not UTF-8 are
/// decoded lossily).
pub(crate) fn member_names(bytes: &[u8]) -> Result<Vec<String>, ZipError> {
    Ok(members(bytes)?
        .iter()
        .map(|member| String::from_utf8_lossy(member.name).into_owned())
        .collect())
}

/// Finds `name` through the central directory.
fn find<'a>(bytes: &'a [u8], name: &str) -> Result<Member<'a>, ZipError> {
    members(bytes)?
        .into_iter()
        .find(|member| member.name == name.as_bytes())
        .ok_or(ZipError::NotFound)
}

/// Every member listed in the central directory, each checked against its local header.
fn members(bytes: &[u8]) -> Result<Vec<Member<'_>>, ZipError> {
    if !is_zip(bytes) {
        return Err(ZipError::NotFound);
    }
    // The end record is the last 22 bytes, unless an archive comment (at most 64 KiB) follows.
    // Without it, the archive was cut short: it starts like one.
    let truncated = ZipError::Damaged("the archive ends early");
    let lowest = bytes.len().saturating_sub(END_LEN + usize::from(u16::MAX));
    let end = (lowest..=bytes.len().saturating_sub(END_LEN))
        .rev()
        .find(|&at| u32_at(bytes, at) == Some(END))
        .ok_or(truncated)?;
    let count = u16_at(bytes, end + 10).ok_or(ZipError::Damaged("the archive ends early"))?;
    let mut at =
        u32_at(bytes, end + 16).ok_or(ZipError::Damaged("the archive ends early"))? as usize;
    let mut members = Vec::new();
    for _ in 0..count {
        let damaged = || ZipError::Damaged("central directory");
        if u32_at(bytes, at) != Some(CENTRAL) {
            return Err(damaged());
        }
        let field = |offset| u16_at(bytes, at + offset).ok_or_else(damaged);
        let (flags, method, time) = (field(8)?, field(10)?, field(12)?);
        let crc = u32_at(bytes, at + 16).ok_or_else(damaged)?;
        let size = u32_at(bytes, at + 20).ok_or_else(damaged)? as usize;
        let (name_len, extra_len, comment_len) = (
            usize::from(field(28)?),
            usize::from(field(30)?),
            usize::from(field(32)?),
        );
        let local = u32_at(bytes, at + 42).ok_or_else(damaged)? as usize;
        let name = bytes.get(at + 46..at + 46 + name_len).ok_or_else(damaged)?;
        let extra = bytes
            .get(at + 46 + name_len..at + 46 + name_len + extra_len)
            .ok_or_else(damaged)?;
        at += 46 + name_len + extra_len + comment_len;
        if u32_at(bytes, local) != Some(LOCAL) {
            return Err(ZipError::Damaged("local header"));
        }
        let start = local
            + 30
            + usize::from(u16_at(bytes, local + 26).ok_or(ZipError::Damaged("local header"))?)
            + usize::from(u16_at(bytes, local + 28).ok_or(ZipError::Damaged("local header"))?);
        let data = bytes
            .get(start..start + size)
            .ok_or(ZipError::Damaged("the archive ends early"))?;
        members.push(Member {
            name,
            flags,
            method,
            time,
            crc,
            extra,
            data,
        });
    }
    Ok(members)
}

/// The content of member `name`, decrypted with `password` when it is encrypted.
pub(crate) fn read(
    bytes: &[u8],
    name: &str,
    password: Option<&str>,
) -> Result<Zeroizing<Vec<u8>>, ZipError> {
    let member = find(bytes, name)?;
    if member.flags & FLAG_STRONG_ENCRYPTION != 0 {
        return Err(ZipError::Damaged("strong encryption is not supported"));
    }
    let encrypted = member.flags & FLAG_ENCRYPTED != 0;
    let (data, method, check_crc) = if member.method == WINZIP_AES {
        if !encrypted {
            return Err(ZipError::Damaged("AES extra field on a plain member"));
        }
        let aes = AesExtra::find(member.extra)?;
        let password = password.ok_or(ZipError::PasswordRequired)?;
        // AE-2 leaves the CRC at zero: the authentication code covers the content instead.
        (
            aes.decrypt(member.data, password)?,
            aes.method,
            aes.version == 1,
        )
    } else if encrypted {
        let password = password.ok_or(ZipError::PasswordRequired)?;
        (zip_crypto_decrypt(&member, password)?, member.method, true)
    } else {
        (Zeroizing::new(member.data.to_vec()), member.method, true)
    };
    let content = match method {
        STORED => data,
        DEFLATED => Zeroizing::new(
            miniz_oxide::inflate::decompress_to_vec_with_limit(&data, MAX_MEMBER_LEN)
                .map_err(|_| ZipError::Damaged("compressed data"))?,
        ),
        _ => return Err(ZipError::Damaged("an unsupported compression method")),
    };
    if check_crc && crc32(&content) != member.crc {
        return Err(ZipError::Damaged("checksum"));
    }
    Ok(content)
}

/// A ZipCrypto member's data, decrypted, without its 12-byte header.
fn zip_crypto_decrypt(member: &Member, password: &str) -> Result<Zeroizing<Vec<u8>>, ZipError> {
    let mut data = Zeroizing::new(member.data.to_vec());
    let mut keys = Keys::new(password.as_bytes());
    if data.len() < 12 {
        return Err(ZipError::Damaged("encryption header"));
    }
    for byte in data.iter_mut() {
        *byte = keys.decrypt(*byte);
    }
    // The header's last byte repeats the high byte of the CRC, or of the time when the CRC
    // follows the data (bit 3).
    let check = if member.flags & FLAG_DESCRIPTOR != 0 {
        (member.time >> 8) as u8
    } else {
        (member.crc >> 24) as u8
    };
    if data[11] != check {
        return Err(ZipError::WrongPassword);
    }
    data.drain(..12);
    Ok(data)
}

/// A WinZip AES member's extra field (WinZip's "AES Encryption Information" note).
struct AesExtra {
    /// 1 for AE-1 (the CRC is kept), 2 for AE-2 (the CRC is zero).
    version: u16,
    /// AES key length in bytes: 16, 24 or 32.
    key_len: usize,
    /// The compression method of the content under the encryption.
    method: u16,
}

impl AesExtra {
    /// Finds and checks the 0x9901 field among a member's extra fields.
    fn find(mut extra: &[u8]) -> Result<Self, ZipError> {
        let damaged = ZipError::Damaged("AES extra field");
        while let (Some(id), Some(len)) = (u16_at(extra, 0), u16_at(extra, 2)) {
            let field = extra
                .get(4..4 + usize::from(len))
                .ok_or(ZipError::Damaged("AES extra field"))?;
            if id == AES_EXTRA {
                if field.len() < 7 || &field[2..4] != b"AE" {
                    return Err(damaged);
                }
                let version = u16_at(field, 0).ok_or(ZipError::Damaged("AES extra field"))?;
                let key_len = match field[4] {
                    1 => 16,
                    2 => 24,
                    3 => 32,
                    _ => return Err(ZipError::Damaged("AES key strength")),
                };
                if !matches!(version, 1 | 2) {
                    return Err(ZipError::Damaged("AES version"));
                }
                let method = u16_at(field, 5).ok_or(ZipError::Damaged("AES extra field"))?;
                return Ok(AesExtra {
                    version,
                    key_len,
                    method,
                });
            }
            extra = &extra[4 + usize::from(len)..];
        }
        Err(damaged)
    }

    /// Checks the password verifier and the authentication code, then decrypts: salt (half the
    /// key length), 2-byte verifier, ciphertext, 10-byte code.
    fn decrypt(&self, data: &[u8], password: &str) -> Result<Zeroizing<Vec<u8>>, ZipError> {
        let salt_len = self.key_len / 2;
        if data.len() < salt_len + AES_VERIFIER_LEN + AES_MAC_LEN {
            return Err(ZipError::Damaged("encryption header"));
        }
        let (salt, rest) = data.split_at(salt_len);
        let (verifier, rest) = rest.split_at(AES_VERIFIER_LEN);
        let (ciphertext, code) = rest.split_at(rest.len() - AES_MAC_LEN);
        // Encryption key, authentication key and verifier, in that order.
        let mut keys = Zeroizing::new([0; 2 * 32 + AES_VERIFIER_LEN]);
        let keys = &mut keys[..2 * self.key_len + AES_VERIFIER_LEN];
        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password.as_bytes(), salt, AES_ITERATIONS, keys);
        let (key, rest) = keys.split_at(self.key_len);
        let (mac_key, expected_verifier) = rest.split_at(self.key_len);
        if expected_verifier != verifier {
            return Err(ZipError::WrongPassword);
        }
        let mut mac = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(mac_key)
            .map_err(|_| ZipError::Damaged("authentication code"))?;
        mac.update(ciphertext);
        mac.verify_truncated_left(code)
            .map_err(|_| ZipError::Damaged("authentication code"))?;
        let mut plain = Zeroizing::new(ciphertext.to_vec());
        // The counter is the whole 16-byte block read little-endian, starting at 1.
        let iv = 1u128.to_le_bytes();
        let applied = match self.key_len {
            16 => ctr::Ctr128LE::<aes::Aes128>::new_from_slices(key, &iv)
                .map(|mut cipher| cipher.apply_keystream(&mut plain)),
            24 => ctr::Ctr128LE::<aes::Aes192>::new_from_slices(key, &iv)
                .map(|mut cipher| cipher.apply_keystream(&mut plain)),
            _ => ctr::Ctr128LE::<aes::Aes256>::new_from_slices(key, &iv)
                .map(|mut cipher| cipher.apply_keystream(&mut plain)),
        };
        applied.map_err(|_| ZipError::Damaged("AES key"))?;
        Ok(plain)
    }
}

/// CRC-32 (IEEE), bit by bit: members are small, and ZipCrypto needs the same table step.
fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0, |crc, &byte| crc32_step(crc, byte))
}

fn crc32_step(crc: u32, byte: u8) -> u32 {
    (0..8).fold(crc ^ u32::from(byte), |crc, _| {
        (crc >> 1) ^ (0xedb8_8320 & (crc & 1).wrapping_neg())
    })
}

/// ZipCrypto's three keys (APPNOTE.TXT 6.1), derived from the password.
struct Keys([u32; 3]);

impl Keys {
    fn new(password: &[u8]) -> Self {
        let mut keys = Keys([0x1234_5678, 0x2345_6789, 0x3456_7890]);
        for &byte in password {
            keys.update(byte);
        }
        keys
    }

    fn update(&mut self, byte: u8) {
        let [k0, k1, k2] = &mut self.0;
        *k0 = crc32_step(*k0, byte);
        *k1 = k1
            .wrapping_add(*k0 & 0xff)
            .wrapping_mul(134_775_813)
            .wrapping_add(1);
        *k2 = crc32_step(*k2, (*k1 >> 24) as u8);
    }

    fn decrypt(&mut self, byte: u8) -> u8 {
        let temp = (self.0[2] | 2) as u16;
        let plain = byte ^ (temp.wrapping_mul(temp ^ 1) >> 8) as u8;
        self.update(plain);
        plain
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_check_value() {
        // The standard check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }
}
