//! Just enough of ZIP to read one named member of an export: the central directory, stored or
//! deflated data, and traditional PKWARE encryption ("ZipCrypto", what Authenticator Plus
//! uses). ZIP64, multi-disk archives and AES-encrypted members are refused.

use zeroize::{Zeroize, Zeroizing};

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const END_LEN: usize = 22;
const FLAG_ENCRYPTED: u16 = 1;
const FLAG_DESCRIPTOR: u16 = 1 << 3;
const STORED: u16 = 0;
const DEFLATED: u16 = 8;
/// Largest member inflated: an export of thousands of accounts is well under a megabyte.
const MAX_MEMBER_LEN: usize = 16 * 1024 * 1024;

/// Why a member could not be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ZipError {
    /// Not a ZIP archive, or no member of that name.
    NotFound,
    /// The member is encrypted and no password was given.
    PasswordRequired,
    /// The password's check byte does not match.
    WrongPassword,
    /// The archive or the member's data is damaged (or, 1 time in 256, the password is wrong).
    Damaged(&'static str),
}

/// One member's directory entry.
struct Member<'a> {
    flags: u16,
    method: u16,
    time: u16,
    crc: u32,
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

/// Finds `name` through the central directory, checked against its local header.
fn find<'a>(bytes: &'a [u8], name: &str) -> Result<Member<'a>, ZipError> {
    if u32_at(bytes, 0) != Some(LOCAL) {
        return Err(ZipError::NotFound);
    }
    // The end record is the last 22 bytes, unless an archive comment (at most 64 KiB) follows.
    let lowest = bytes.len().saturating_sub(END_LEN + usize::from(u16::MAX));
    let end = (lowest..=bytes.len().saturating_sub(END_LEN))
        .rev()
        .find(|&at| u32_at(bytes, at) == Some(END))
        .ok_or(ZipError::NotFound)?;
    let count = u16_at(bytes, end + 10).ok_or(ZipError::NotFound)?;
    let mut at = u32_at(bytes, end + 16).ok_or(ZipError::NotFound)? as usize;
    for _ in 0..count {
        let damaged = ZipError::Damaged("central directory");
        if u32_at(bytes, at) != Some(CENTRAL) {
            return Err(damaged);
        }
        let field =
            |offset| u16_at(bytes, at + offset).ok_or(ZipError::Damaged("central directory"));
        let (flags, method, time) = (field(8)?, field(10)?, field(12)?);
        let crc = u32_at(bytes, at + 16).ok_or(ZipError::Damaged("central directory"))?;
        let size = u32_at(bytes, at + 20).ok_or(ZipError::Damaged("central directory"))? as usize;
        let (name_len, extra_len, comment_len) = (field(28)?, field(30)?, field(32)?);
        let local = u32_at(bytes, at + 42).ok_or(ZipError::Damaged("central directory"))? as usize;
        let entry_name = bytes
            .get(at + 46..at + 46 + usize::from(name_len))
            .ok_or(ZipError::Damaged("central directory"))?;
        at += 46 + usize::from(name_len) + usize::from(extra_len) + usize::from(comment_len);
        if entry_name != name.as_bytes() {
            continue;
        }
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
        return Ok(Member {
            flags,
            method,
            time,
            crc,
            data,
        });
    }
    Err(ZipError::NotFound)
}

/// The content of member `name`, decrypted with `password` when it is encrypted.
pub(crate) fn read(
    bytes: &[u8],
    name: &str,
    password: Option<&str>,
) -> Result<Zeroizing<Vec<u8>>, ZipError> {
    let member = find(bytes, name)?;
    let mut data = Zeroizing::new(member.data.to_vec());
    if member.flags & FLAG_ENCRYPTED != 0 {
        let password = password.ok_or(ZipError::PasswordRequired)?;
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
    } else if member.flags & 0x40 != 0 {
        return Err(ZipError::Damaged("strong encryption is not supported"));
    }
    let content = match member.method {
        STORED => data,
        DEFLATED => Zeroizing::new(
            miniz_oxide::inflate::decompress_to_vec_with_limit(&data, MAX_MEMBER_LEN)
                .map_err(|_| ZipError::Damaged("compressed data"))?,
        ),
        _ => return Err(ZipError::Damaged("an unsupported compression method")),
    };
    if crc32(&content) != member.crc {
        return Err(ZipError::Damaged("checksum"));
    }
    Ok(content)
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
