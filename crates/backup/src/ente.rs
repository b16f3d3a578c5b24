//! Ente Auth's exports: the plain text one (an otpauth:// URI per line) and the encrypted one.
//!
//! Ente adds a `codeDisplay` parameter to each URI, JSON with the entry's pin, tags, note and
//! whether it sits in Ente's trash: pinned entries become favourites, the first tag the group,
//! and trashed entries (deleted in Ente) are listed but not imported.
//!
//! The encrypted export is JSON: `kdfParams` for libsodium's `crypto_pwhash` (Argon2id v1.3;
//! `memLimit` in bytes, `opsLimit` passes, base64 `salt`), `encryptionNonce` the header and
//! `encryptedData` the one message of a `crypto_secretstream_xchacha20poly1305` stream whose
//! plaintext is the plain export.

use countersign_otp::parse_uri;
use percent_encoding::percent_decode_str;
use serde::Deserialize;

use crate::crypto::{self, Argon2Params};
use crate::json;
use crate::{Detection, Format, ImportError, Imported};

const NAME: &str = "Ente Auth";

/// Ente Auth's plain and encrypted exports.
pub(crate) struct Ente;

#[derive(Deserialize)]
struct EncryptedFile {
    version: u32,
    #[serde(rename = "kdfParams")]
    kdf_params: KdfParams,
    #[serde(rename = "encryptedData")]
    encrypted_data: String,
    #[serde(rename = "encryptionNonce")]
    encryption_nonce: String,
}

#[derive(Deserialize)]
struct KdfParams {
    #[serde(rename = "memLimit")]
    mem_limit: u64,
    #[serde(rename = "opsLimit")]
    ops_limit: u64,
    salt: String,
}

/// What Ente keeps beside the URI (fields this import does not use are skipped).
#[derive(Deserialize, Default)]
struct CodeDisplay {
    #[serde(default)]
    pinned: bool,
    #[serde(default)]
    trashed: bool,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    note: String,
}

impl Format for Ente {
    fn id(&self) -> &'static str {
        "ente"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        let plain_export = crate::text(bytes).is_some_and(|text| {
            text.lines()
                .any(|line| line.starts_with("otpauth://") && line.contains("codeDisplay="))
        });
        if plain_export || json::probe::<EncryptedFile>(bytes).is_some() {
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
        if let Some(file) = json::probe::<EncryptedFile>(bytes) {
            let plaintext = decrypt(&file, password)?;
            let text = std::str::from_utf8(&plaintext).map_err(|_| ImportError::Corrupt {
                format: NAME,
                part: "decrypted content",
                detail: "not UTF-8 text".to_owned(),
            })?;
            return Ok(import_text(text));
        }
        let text = crate::text(bytes).ok_or_else(|| ImportError::WrongFormat {
            format: NAME,
            reason: "neither a text export nor an encrypted JSON export".to_owned(),
        })?;
        if !text
            .lines()
            .any(|line| line.trim_start().starts_with("otpauth://"))
        {
            return Err(ImportError::WrongFormat {
                format: NAME,
                reason: "no otpauth:// line".to_owned(),
            });
        }
        Ok(import_text(text))
    }
}

fn decrypt(
    file: &EncryptedFile,
    password: Option<&str>,
) -> Result<zeroize::Zeroizing<Vec<u8>>, ImportError> {
    if file.version != 1 {
        return Err(ImportError::UnsupportedVersion {
            format: NAME,
            version: file.version.to_string(),
            supported: "1",
        });
    }
    let params = Argon2Params::new(file.kdf_params.mem_limit, file.kdf_params.ops_limit)?;
    let corrupt = |part, detail: &str| ImportError::Corrupt {
        format: NAME,
        part,
        detail: detail.to_owned(),
    };
    let salt = crypto::base64_decode(&file.kdf_params.salt)
        .ok_or_else(|| corrupt("key derivation parameters", "the salt is not base64"))?;
    let header = crypto::base64_decode(&file.encryption_nonce)
        .filter(|header| header.len() == 24)
        .ok_or_else(|| corrupt("encryption nonce", "not 24 bytes of base64"))?;
    let message = crypto::base64_decode(&file.encrypted_data)
        .ok_or_else(|| corrupt("encrypted data", "not base64"))?;
    let password = password.ok_or(ImportError::PasswordRequired)?;
    let key = params
        .derive(password.as_bytes(), &salt)
        .ok_or_else(|| corrupt("key derivation parameters", "the salt has the wrong length"))?;
    crypto::secretstream_open(&key, &header, &message).ok_or(ImportError::WrongPassword)
}

fn import_text(text: &str) -> Imported {
    let entries = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| convert_line(line.trim()).map_err(|failure| failure.at(index + 1)))
        .collect();
    Imported {
        entries,
        warnings: Vec::new(),
        backup_codes: Vec::new(),
    }
}

fn convert_line(line: &str) -> json::Converted {
    let mut account = parse_uri(line).map_err(|e| json::fail("", "", e))?;
    let display = code_display(line);
    if display.trashed {
        return Err(json::fail(
            &account.issuer,
            &account.name,
            "in Ente's trash (deleted there), so not imported",
        ));
    }
    account.favourite = display.pinned;
    account.group = display.tags.into_iter().next();
    account.note = display.note;
    Ok(account)
}

/// The `codeDisplay` parameter; defaults when it is missing or unreadable, since it only
/// carries how Ente shows the code.
fn code_display(uri: &str) -> CodeDisplay {
    let query = uri.split_once('?').map_or("", |(_, query)| query);
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("codeDisplay="))
        .and_then(|value| percent_decode_str(value).decode_utf8().ok())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_display_pins_tags_notes_and_trash() {
        let text = "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A&codeDisplay=%7B%22pinned%22%3Atrue%2C%22trashed%22%3Afalse%2C%22tags%22%3A%5B%22Work%22%2C%22Other%22%5D%2C%22note%22%3A%22hi%22%7D\n\
                    \n\
                    otpauth://totp/B:b?secret=JBSWY3DPEHPK3PXP&issuer=B&codeDisplay=%7B%22trashed%22%3Atrue%7D\n\
                    otpauth://totp/C:c?secret=JBSW1&issuer=C&codeDisplay=%7B%7D\n";
        let imported = Ente.import(text.as_bytes(), None).unwrap();
        let a = imported.accounts().next().unwrap();
        assert!(a.favourite);
        assert_eq!((a.group.as_deref(), a.note.as_str()), (Some("Work"), "hi"));
        let invalid: Vec<_> = imported.invalid().collect();
        assert_eq!(
            (invalid[0].position, invalid[0].label.as_str()),
            (3, "B (b)")
        );
        assert_eq!(
            invalid[0].reason,
            "in Ente's trash (deleted there), so not imported"
        );
        assert_eq!(invalid[1].position, 4);
    }

    #[test]
    fn hostile_kdf_parameters_are_refused_before_derivation() {
        let file = br#"{"version":1,"kdfParams":{"memLimit":4398046511104,"opsLimit":3,"salt":"AAAAAAAAAAAAAAAAAAAAAA=="},"encryptedData":"AAAA","encryptionNonce":"AAAA"}"#;
        assert_eq!(
            Ente.import(file, Some("pw")).unwrap_err().kind(),
            "kdf_too_expensive"
        );
        let newer = br#"{"version":2,"kdfParams":{"memLimit":1,"opsLimit":1,"salt":""},"encryptedData":"","encryptionNonce":""}"#;
        assert_eq!(
            Ente.import(newer, Some("pw")).unwrap_err().kind(),
            "unsupported_version"
        );
    }
}
