//! andOTP's backups: plain JSON, encrypted, and the old encrypted format.
//!
//! An encrypted backup is binary and says nothing about itself. The current format is
//! `iterations (u32 BE) | salt (12) | nonce (12) | ciphertext | tag (16)`, AES-256-GCM under
//! PBKDF2-HMAC-SHA1 of the password; the old one is `nonce (12) | ciphertext | tag (16)` under
//! SHA-256 of the password. Aegis makes people pick one; here the old (cheap) one is tried
//! first, then the current one, so nobody has to know which they have.

use countersign_otp::{Account, Algorithm, Kind, Secret};
use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::crypto;
use crate::json::{self, Converted, Problem};
use crate::{Detection, Format, ImportError, Imported};

const NAME: &str = "andOTP";
const NONCE_LEN: usize = 12;
const SALT_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// The shortest encrypted JSON ("[]") in the old format.
const MIN_ENCRYPTED_LEN: usize = NONCE_LEN + 2 + TAG_LEN;

/// andOTP's backup files.
pub(crate) struct AndOtp;

#[derive(Deserialize)]
struct Entry {
    secret: Zeroizing<String>,
    issuer: Option<String>,
    #[serde(default)]
    label: String,
    digits: Option<u8>,
    #[serde(rename = "type")]
    kind: String,
    algorithm: Option<String>,
    period: Option<u32>,
    counter: Option<u64>,
    #[serde(default)]
    tags: Vec<String>,
}

/// The fields every andOTP entry has, to recognise a plain backup.
#[derive(Deserialize)]
struct ProbeEntry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    secret: Option<serde::de::IgnoredAny>,
}

impl Format for AndOtp {
    fn id(&self) -> &'static str {
        "andotp"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        if let Some(entries) = json::probe::<Vec<ProbeEntry>>(bytes) {
            let looks_like_andotp = entries.iter().all(|entry| {
                entry.secret.is_some()
                    && ["TOTP", "HOTP", "STEAM", "MOTP"].contains(&entry.kind.as_str())
            });
            return if looks_like_andotp {
                Detection::Certain
            } else {
                Detection::No
            };
        }
        if looks_encrypted(bytes) {
            Detection::Possible
        } else {
            Detection::No
        }
    }

    fn is_encrypted(&self, bytes: &[u8]) -> bool {
        looks_encrypted(bytes)
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        if !looks_encrypted(bytes) {
            let raws: Vec<&RawValue> = json::parse(NAME, bytes)?;
            return Ok(convert(&raws));
        }
        let password = password.ok_or(ImportError::PasswordRequired)?;
        let content = decrypt_old(bytes, password)
            .or_else(|| decrypt_current(bytes, password))
            .ok_or(ImportError::WrongPassword)?;
        let raws: Vec<&RawValue> = json::parse_decrypted(NAME, &content)?;
        Ok(convert(&raws))
    }
}

/// Binary, not text: andOTP's encrypted backups have no other mark.
fn looks_encrypted(bytes: &[u8]) -> bool {
    bytes.len() >= MIN_ENCRYPTED_LEN && crate::text(bytes).is_none() && !crate::is_image(bytes)
}

fn decrypt_old(bytes: &[u8], password: &str) -> Option<Zeroizing<Vec<u8>>> {
    let key: Zeroizing<[u8; 32]> = Zeroizing::new(Sha256::digest(password.as_bytes()).into());
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    crypto::aes_gcm_open_appended(key.as_ref(), nonce, sealed)
}

/// `None` when the file cannot be in the current format or the password does not open it.
fn decrypt_current(bytes: &[u8], password: &str) -> Option<Zeroizing<Vec<u8>>> {
    let header_len = 4 + SALT_LEN + NONCE_LEN;
    if bytes.len() < header_len + TAG_LEN {
        return None;
    }
    let iterations = u32::from_be_bytes(bytes[..4].try_into().expect("four bytes"));
    // andOTP writes a Java int: zero or "negative" means the old format was meant.
    if iterations == 0 || iterations > i32::MAX as u32 {
        return None;
    }
    // Past the cap it is either a hostile file or an old-format file whose nonce reads as a
    // huge count; the old format was just tried, so the honest answer is the password's.
    crypto::check_pbkdf2(iterations).ok()?;
    let salt = &bytes[4..4 + SALT_LEN];
    let nonce = &bytes[4 + SALT_LEN..header_len];
    let key = crypto::pbkdf2_sha1(password.as_bytes(), salt, iterations);
    crypto::aes_gcm_open_appended(key.as_ref(), nonce, &bytes[header_len..])
}

fn convert(raws: &[&RawValue]) -> Imported {
    Imported {
        entries: json::convert_each(raws, convert_entry),
        warnings: Vec::new(),
        backup_codes: Vec::new(),
    }
}

fn convert_entry(entry: Entry) -> Converted {
    // Old backups had no issuer field and wrote "Issuer - label".
    let (issuer, name) = match entry.issuer {
        Some(issuer) => (issuer, entry.label),
        None => match entry.label.split_once(" - ") {
            Some((issuer, name)) => (issuer.to_owned(), name.to_owned()),
            None => (String::new(), entry.label),
        },
    };
    let fail = |problem: Problem| json::fail(&issuer, &name, problem);
    let secret = Secret::from_base32(&entry.secret).map_err(|e| fail(e.into()))?;
    let period = entry.period.unwrap_or(30);
    let kind = match entry.kind.to_ascii_lowercase().as_str() {
        "totp" => Kind::Totp { period },
        "steam" => Kind::Steam { period },
        "hotp" => Kind::Hotp {
            counter: entry.counter.unwrap_or(0),
        },
        "motp" => return Err(fail(Problem::unsupported_type("mOTP"))),
        other => return Err(fail(Problem::unknown_type(other))),
    };
    let algorithm = match entry.algorithm.as_deref() {
        None => Algorithm::Sha1,
        Some(algo) => Algorithm::parse(algo).ok_or_else(|| fail(Problem::algorithm(algo)))?,
    };
    let mut account = Account::totp(issuer.clone(), name.clone(), secret);
    account.kind = kind;
    account.algorithm = algorithm;
    account.digits = entry.digits.unwrap_or(6);
    // andOTP tags an entry with any number of tags; the first is its group here.
    account.group = entry.tags.into_iter().next();
    account.validate().map_err(|e| fail(e.into()))?;
    Ok(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal_current(plaintext: &[u8], password: &str, iterations: u32) -> Vec<u8> {
        let salt = [3u8; SALT_LEN];
        let key = crypto::pbkdf2_sha1(password.as_bytes(), &salt, iterations);
        let (nonce, ciphertext, tag) = crypto::aes_gcm_seal(&key, plaintext);
        [
            &iterations.to_be_bytes()[..],
            &salt,
            &nonce,
            &ciphertext,
            &tag,
        ]
        .concat()
    }

    #[test]
    fn current_format_wrong_password_and_hostile_iterations() {
        let plain = br#"[{"secret":"JBSWY3DPEHPK3PXP","issuer":"A","label":"b","digits":6,"type":"TOTP","algorithm":"SHA1","period":30,"tags":["Work","Home"]}]"#;
        let file = seal_current(plain, "pw", 1000);
        assert!(AndOtp.is_encrypted(&file));
        assert_eq!(AndOtp.detect(&file), Detection::Possible);
        let imported = AndOtp.import(&file, Some("pw")).unwrap();
        let account = imported.accounts().next().unwrap();
        assert_eq!(account.group.as_deref(), Some("Work"));
        assert_eq!(
            AndOtp.import(&file, Some("nope")),
            Err(ImportError::WrongPassword)
        );
        assert_eq!(
            AndOtp.import(&file, None),
            Err(ImportError::PasswordRequired)
        );

        // A count far past the cap is never run.
        let mut hostile = file.clone();
        hostile[..4].copy_from_slice(&(i32::MAX as u32).to_be_bytes());
        let started = std::time::Instant::now();
        assert_eq!(
            AndOtp.import(&hostile, Some("pw")),
            Err(ImportError::WrongPassword)
        );
        assert!(started.elapsed().as_secs() < 2);
    }

    #[test]
    fn plain_detection_needs_andotp_entries() {
        assert_eq!(
            AndOtp.detect(br#"[{"type":"TOTP","secret":"A"}]"#),
            Detection::Certain
        );
        assert_eq!(
            AndOtp.detect(br#"[{"type":"x","secret":"A"}]"#),
            Detection::No
        );
        assert_eq!(AndOtp.detect(b"otpauth://totp/x"), Detection::No);
    }
}
