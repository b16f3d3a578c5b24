//! Proton Authenticator's JSON export: entries holding an otpauth:// URI, a display name and a
//! note.
//!
//! A password-protected export is `{"version":1,"salt":…,"content":…}`: `content` is the plain
//! export sealed with AES-256-GCM (a 12-byte nonce first, the tag last, the associated data
//! "proton.authenticator.export.v1") under a key from Argon2id(password, salt; 19 MiB, 2
//! passes, 1 lane), all fixed by the app, so a file cannot ask for more work.

use countersign_otp::parse_uri;
use serde::Deserialize;
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use crate::crypto::{self, Argon2Params};
use crate::json::{self, Converted};
use crate::{Detection, Format, ImportError, Imported};

const NAME: &str = "Proton Authenticator";
const NEWEST_VERSION: u32 = 1;
/// The associated data Proton Authenticator seals its password-protected exports with.
const EXPORT_AAD: &[u8] = b"proton.authenticator.export.v1";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// A password-protected export.
#[derive(Deserialize)]
struct EncryptedFile {
    version: u32,
    salt: String,
    content: String,
}

/// Proton Authenticator's export.
pub(crate) struct Proton;

#[derive(Deserialize)]
struct File<'a> {
    version: u32,
    #[serde(borrow)]
    entries: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Entry {
    content: Content,
    note: Option<String>,
}

#[derive(Deserialize)]
struct Content {
    uri: Zeroizing<String>,
    /// Null for entries without a name of their own (Steam).
    #[serde(default)]
    name: Option<String>,
}

impl Format for Proton {
    fn id(&self) -> &'static str {
        "proton"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        // Aegis's content also has "version" and "entries"; Proton's entries have "content".
        let is_proton = json::probe::<File>(bytes).is_some_and(|file| {
            file.entries
                .iter()
                .all(|entry| entry.get().contains("\"content\""))
        });
        if is_proton || json::probe::<EncryptedFile>(bytes).is_some() {
            Detection::Certain
        } else {
            Detection::No
        }
    }

    fn is_encrypted(&self, bytes: &[u8]) -> bool {
        json::probe::<EncryptedFile>(bytes).is_some()
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        if let Some(encrypted) = json::probe::<EncryptedFile>(bytes) {
            check_version(encrypted.version)?;
            let plain = decrypt(&encrypted, password.ok_or(ImportError::PasswordRequired)?)?;
            let file: File = json::parse_decrypted(NAME, &plain)?;
            return read(file);
        }
        read(json::parse(NAME, bytes)?)
    }
}

fn check_version(version: u32) -> Result<(), ImportError> {
    if version > NEWEST_VERSION {
        return Err(ImportError::UnsupportedVersion {
            format: NAME,
            version: version.to_string(),
            supported: "1",
        });
    }
    Ok(())
}

fn read(file: File) -> Result<Imported, ImportError> {
    check_version(file.version)?;
    Ok(Imported {
        entries: json::convert_each(&file.entries, convert),
        warnings: Vec::new(),
        backup_codes: Vec::new(),
    })
}

/// The plain export inside a password-protected one.
fn decrypt(file: &EncryptedFile, password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let corrupt = |part: &'static str, detail: &str| ImportError::Corrupt {
        format: NAME,
        part,
        detail: detail.to_owned(),
    };
    let salt = crypto::base64_decode(&file.salt).ok_or_else(|| corrupt("salt", "not base64"))?;
    let sealed = crypto::base64_decode(&file.content)
        .ok_or_else(|| corrupt("encrypted content", "not base64"))?;
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return Err(corrupt(
            "encrypted content",
            "shorter than a nonce and a tag",
        ));
    }
    let key = Argon2Params::proton()
        .derive(password.as_bytes(), &salt)
        .ok_or_else(|| corrupt("salt", "too short for Argon2id"))?;
    let (nonce, rest) = sealed.split_at(NONCE_LEN);
    let (ciphertext, tag) = rest.split_at(rest.len() - TAG_LEN);
    // GCM cannot tell a wrong key from a changed file: the wrong password is far likelier.
    crypto::aes_gcm_open_aad(key.as_ref(), nonce, ciphertext, tag, EXPORT_AAD)
        .ok_or(ImportError::WrongPassword)
}

fn convert(entry: Entry) -> Converted {
    let name = entry.content.name.unwrap_or_default();
    let mut account = parse_uri(&entry.content.uri).map_err(|e| json::fail("", &name, e))?;
    // Proton shows its own name for the entry; the URI's label is what the issuer printed.
    if !name.is_empty() {
        account.name = name;
    }
    account.note = entry.note.unwrap_or_default();
    Ok(account)
}
