//! FreeOTP 2's backup: a Java-serialized `HashMap<String, String>` (named `.xml` by the app,
//! though it is not XML).
//!
//! The `masterKey` entry holds a random AES key wrapped with AES-256-GCM under PBKDF2 (SHA1 or
//! SHA512, as it names) of the password; each token is two entries, "<uuid>" with its secret
//! wrapped under the master key, and "<uuid>-token" with its parameters in clear. Both wrapped
//! keys authenticate their `mToken` (the key's algorithm name) as associated data.

use std::collections::HashMap;

use serde::Deserialize;
use zeroize::Zeroizing;

use crate::freeotp_plus::{self, Params};
use crate::json::{self, Converted, Problem};
use crate::{Detection, EntryCause, Format, ImportError, Imported, crypto};

const NAME: &str = "FreeOTP 2";
const MAGIC: [u8; 4] = [0xac, 0xed, 0x00, 0x05];
const HASH_MAP: &[u8] = b"java.util.HashMap";
const MASTER_KEY: &str = "masterKey";
const TOKEN_SUFFIX: &str = "-token";

/// FreeOTP 2's backup file.
pub(crate) struct FreeOtp2;

#[derive(Deserialize)]
struct MasterKey {
    #[serde(rename = "mAlgorithm")]
    algorithm: String,
    #[serde(rename = "mIterations")]
    iterations: u32,
    #[serde(rename = "mSalt")]
    salt: Vec<i16>,
    #[serde(rename = "mEncryptedKey")]
    key: EncryptedKey,
}

#[derive(Deserialize)]
struct EncryptedKey {
    #[serde(rename = "mCipher")]
    cipher: String,
    #[serde(rename = "mCipherText")]
    ciphertext: Vec<i16>,
    /// DER: the GCM nonce, bare or in a `GCMParameters` sequence.
    #[serde(rename = "mParameters")]
    parameters: Vec<i16>,
    /// The key's algorithm name, authenticated as associated data.
    #[serde(rename = "mToken")]
    token: String,
}

/// "<uuid>": the token's wrapped secret, as JSON text inside JSON.
#[derive(Deserialize)]
struct TokenKey {
    key: String,
}

impl Format for FreeOtp2 {
    fn id(&self) -> &'static str {
        "freeotp2"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        if bytes.starts_with(&MAGIC) && read_map(bytes).is_ok() {
            Detection::Certain
        } else {
            Detection::No
        }
    }

    fn is_encrypted(&self, bytes: &[u8]) -> bool {
        bytes.starts_with(&MAGIC)
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        if !bytes.starts_with(&MAGIC) {
            return Err(ImportError::WrongFormat {
                format: NAME,
                reason: "not a Java serialization stream".to_owned(),
            });
        }
        let map = read_map(bytes).map_err(|detail| corrupt("serialized map", detail))?;
        let master: MasterKey = map
            .get(MASTER_KEY)
            .ok_or_else(|| corrupt("serialized map", "no master key"))
            .and_then(|json| {
                serde_json::from_str(json).map_err(|e| corrupt("master key", json::describe(&e)))
            })?;
        let iterations = master.iterations;
        crypto::check_pbkdf2(iterations)?;
        let salt = freeotp_plus::java_bytes(&master.salt)
            .ok_or_else(|| corrupt("master key", "a salt byte is out of range"))?;
        let derive = match master.algorithm.to_ascii_lowercase().as_str() {
            "pbkdf2withhmacsha1" => crypto::pbkdf2_sha1,
            "pbkdf2withhmacsha512" => crypto::pbkdf2_sha512,
            other => {
                return Err(ImportError::Unsupported {
                    format: NAME,
                    what: format!("key derivation {other:?}"),
                });
            }
        };
        let password = password.ok_or(ImportError::PasswordRequired)?;
        let password_key = derive(password.as_bytes(), &salt, iterations);
        let master_key = open(&password_key[..], &master.key)
            .map_err(|detail| corrupt("master key", detail))?
            .ok_or(ImportError::WrongPassword)?;

        // Tokens by their "-token" entry, in a stable order: the map's is arbitrary.
        let mut uuids: Vec<&str> = map
            .keys()
            .filter_map(|key| key.strip_suffix(TOKEN_SUFFIX))
            .collect();
        uuids.sort_unstable();
        let entries = uuids
            .into_iter()
            .enumerate()
            .map(|(index, uuid)| {
                convert(&map, uuid, &master_key).map_err(|failure| failure.at(index + 1))
            })
            .collect();
        Ok(Imported {
            entries,
            warnings: Vec::new(),
            backup_codes: Vec::new(),
        })
    }
}

fn corrupt(part: &'static str, detail: impl Into<String>) -> ImportError {
    ImportError::Corrupt {
        format: NAME,
        part,
        detail: detail.into(),
    }
}

fn convert(map: &HashMap<String, Zeroizing<String>>, uuid: &str, master_key: &[u8]) -> Converted {
    let token = &map[&format!("{uuid}{TOKEN_SUFFIX}")];
    let params: Params =
        serde_json::from_str(token).map_err(|e| json::unreadable("token", &json::describe(&e)))?;
    let unreadable = || {
        Problem::new(
            "the token's secret is unreadable",
            EntryCause::SecretUnreadable,
        )
    };
    let secret = map
        .get(uuid)
        .ok_or_else(|| Problem::new("the token's secret is missing", EntryCause::MissingSecret))
        .and_then(|json| {
            let outer: TokenKey = serde_json::from_str(json).map_err(|_| unreadable())?;
            let key: EncryptedKey = serde_json::from_str(&outer.key).map_err(|_| unreadable())?;
            match open(master_key, &key) {
                Ok(Some(secret)) => Ok(secret.to_vec()),
                Ok(None) => Err(Problem::new(
                    "the token's secret does not authenticate: the file was changed",
                    EntryCause::SecretDamaged,
                )),
                Err(_) => Err(unreadable()),
            }
        });
    freeotp_plus::convert_params(params, secret)
}

/// Opens a wrapped key: `Ok(None)` if it does not authenticate under `key`, `Err` if it is
/// malformed.
fn open(key: &[u8], wrapped: &EncryptedKey) -> Result<Option<Zeroizing<Vec<u8>>>, &'static str> {
    if !wrapped.cipher.eq_ignore_ascii_case("AES/GCM/NoPadding") {
        return Err("not AES-GCM");
    }
    let ciphertext =
        freeotp_plus::java_bytes(&wrapped.ciphertext).ok_or("a byte is out of range")?;
    let parameters =
        freeotp_plus::java_bytes(&wrapped.parameters).ok_or("a byte is out of range")?;
    let nonce = gcm_nonce(&parameters).ok_or("unreadable GCM parameters")?;
    let split = ciphertext.len().checked_sub(16).ok_or("too short")?;
    Ok(crypto::aes_gcm_open_aad(
        key,
        nonce,
        &ciphertext[..split],
        &ciphertext[split..],
        wrapped.token.as_bytes(),
    ))
}

/// The nonce of DER GCM parameters: a bare OCTET STRING, or `SEQUENCE { OCTET STRING, INTEGER }`
/// (Android wrote both).
fn gcm_nonce(der: &[u8]) -> Option<&[u8]> {
    let octets = match der {
        [0x30, length, rest @ ..] if usize::from(*length) == rest.len() => rest,
        _ => der,
    };
    match octets {
        [0x04, length, rest @ ..] if usize::from(*length) <= rest.len() && *length < 0x80 => {
            Some(&rest[..usize::from(*length)])
        }
        _ => None,
    }
}

/// Reads a serialized `java.util.HashMap` of strings, as `ObjectOutputStream` writes it.
fn read_map(bytes: &[u8]) -> Result<HashMap<String, Zeroizing<String>>, &'static str> {
    let mut stream = Stream { bytes, at: 0 };
    if stream.take(4)? != MAGIC || stream.byte()? != TC_OBJECT || stream.byte()? != TC_CLASSDESC {
        return Err("not a serialized object");
    }
    let class = stream.take_u16_len()?;
    if class != HASH_MAP {
        return Err("not a serialized HashMap");
    }
    stream.take(8 + 1)?; // serialVersionUID, flags
    let mut field_sizes = Vec::new();
    for _ in 0..stream.u16()? {
        let size = match stream.byte()? {
            b'B' | b'Z' => 1,
            b'C' | b'S' => 2,
            b'I' | b'F' => 4,
            b'J' | b'D' => 8,
            _ => return Err("a HashMap field that is not a number"),
        };
        stream.take_u16_len()?;
        field_sizes.push(size);
    }
    // End of class annotations, then no superclass.
    if stream.byte()? != TC_ENDBLOCKDATA || stream.byte()? != TC_NULL {
        return Err("unexpected class description");
    }
    for size in field_sizes {
        stream.take(size)?;
    }
    // writeObject's block: the capacity and the number of entries.
    let block = match stream.byte()? {
        TC_BLOCKDATA => usize::from(stream.byte()?),
        _ => return Err("no HashMap size block"),
    };
    if block < 8 {
        return Err("HashMap size block too short");
    }
    let block = stream.take(block)?;
    let size = u32::from_be_bytes(block[4..8].try_into().expect("4 bytes")) as usize;
    // Handles: the class description, the map, then each string in turn.
    let mut strings: Vec<Zeroizing<String>> = Vec::new();
    let mut map = HashMap::new();
    for _ in 0..size {
        let key = stream.string(&mut strings)?;
        let value = stream.string(&mut strings)?;
        map.insert(key.to_string(), value);
    }
    if stream.byte()? != TC_ENDBLOCKDATA {
        return Err("the map does not end where its size says");
    }
    Ok(map)
}

const TC_NULL: u8 = 0x70;
const TC_REFERENCE: u8 = 0x71;
const TC_CLASSDESC: u8 = 0x72;
const TC_OBJECT: u8 = 0x73;
const TC_STRING: u8 = 0x74;
const TC_ENDBLOCKDATA: u8 = 0x78;
const TC_BLOCKDATA: u8 = 0x77;
const TC_LONGSTRING: u8 = 0x7c;
/// The first handle; the class description and the map take the first two.
const BASE_HANDLE: u32 = 0x7e_0000 + 2;

struct Stream<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Stream<'a> {
    fn take(&mut self, length: usize) -> Result<&'a [u8], &'static str> {
        let end = self.at.checked_add(length).ok_or("the file ends early")?;
        let taken = self.bytes.get(self.at..end).ok_or("the file ends early")?;
        self.at = end;
        Ok(taken)
    }

    fn byte(&mut self) -> Result<u8, &'static str> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, &'static str> {
        Ok(u16::from_be_bytes(
            self.take(2)?.try_into().expect("2 bytes"),
        ))
    }

    fn take_u16_len(&mut self) -> Result<&'a [u8], &'static str> {
        let length = self.u16()?;
        self.take(usize::from(length))
    }

    /// A string, new or a back-reference to one read before.
    fn string(
        &mut self,
        strings: &mut Vec<Zeroizing<String>>,
    ) -> Result<Zeroizing<String>, &'static str> {
        let bytes = match self.byte()? {
            TC_STRING => self.take_u16_len()?,
            TC_LONGSTRING => {
                let length = u64::from_be_bytes(self.take(8)?.try_into().expect("8 bytes"));
                self.take(usize::try_from(length).map_err(|_| "the file ends early")?)?
            }
            TC_REFERENCE => {
                let handle = u32::from_be_bytes(self.take(4)?.try_into().expect("4 bytes"));
                let index = handle
                    .checked_sub(BASE_HANDLE)
                    .ok_or("a reference to a non-string")?;
                return strings
                    .get(index as usize)
                    .cloned()
                    .ok_or("a reference to a non-string");
            }
            _ => return Err("a map entry that is not a string"),
        };
        let string = Zeroizing::new(modified_utf8(bytes).ok_or("a string that is not text")?);
        strings.push(string.clone());
        Ok(string)
    }
}

/// Decodes Java's "modified UTF-8" (`DataOutput.writeUTF`): UTF-8 of the UTF-16 code units, so
/// a character beyond the basic plane (an emoji in a label) is two 3-byte surrogates, and NUL
/// is `C0 80`. `None` if the bytes are not that.
fn modified_utf8(bytes: &[u8]) -> Option<String> {
    let mut units = Zeroizing::new(Vec::with_capacity(bytes.len()));
    let mut rest = bytes;
    while let Some((&first, tail)) = rest.split_first() {
        let continuation = |byte: u8| (byte & 0xc0 == 0x80).then_some(u16::from(byte & 0x3f));
        let (unit, tail) = match (first, tail) {
            (0x01..=0x7f, _) => (u16::from(first), tail),
            (0xc0..=0xdf, [second, tail @ ..]) => {
                (u16::from(first & 0x1f) << 6 | continuation(*second)?, tail)
            }
            (0xe0..=0xef, [second, third, tail @ ..]) => (
                u16::from(first & 0x0f) << 12 | continuation(*second)? << 6 | continuation(*third)?,
                tail,
            ),
            _ => return None,
        };
        units.push(unit);
        rest = tail;
    }
    String::from_utf16(&units).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modified_utf8_as_java_writes_it() {
        assert_eq!(modified_utf8(b"Deno:Mason").as_deref(), Some("Deno:Mason"));
        // "é", NUL, then U+1F511 (a key emoji) as the surrogates D83D DD11, each in 3 bytes:
        // what Java's writeUTF gives for "é\u0000🔑".
        let java = [0xc3, 0xa9, 0xc0, 0x80, 0xed, 0xa0, 0xbd, 0xed, 0xb4, 0x91];
        assert_eq!(modified_utf8(&java).as_deref(), Some("é\0🔑"));
        // Plain UTF-8's 4-byte form and a lone surrogate are not modified UTF-8.
        assert_eq!(modified_utf8("🔑".as_bytes()), None);
        assert_eq!(modified_utf8(&[0xed, 0xa0, 0xbd]), None);
        assert_eq!(modified_utf8(&[0x00]), None);
        assert_eq!(modified_utf8(&[0xc3]), None);
    }

    #[test]
    fn gcm_nonce_bare_and_in_a_sequence() {
        let bare = [&[0x04, 0x0c][..], &[7; 12]].concat();
        assert_eq!(gcm_nonce(&bare), Some(&[7u8; 12][..]));
        let sequence = [&[0x30, 0x11, 0x04, 0x0c][..], &[7; 12], &[0x02, 0x01, 0x10]].concat();
        assert_eq!(gcm_nonce(&sequence), Some(&[7u8; 12][..]));
        assert_eq!(gcm_nonce(&[0x04, 0x0c, 1]), None);
        assert_eq!(gcm_nonce(&[]), None);
    }
}
