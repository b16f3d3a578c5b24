//! 2FAS Authenticator's `.2fas` backups, schemas 1 to 4, plain or encrypted.
//!
//! Encrypted backups keep the envelope in clear and replace `services` with
//! `servicesEncrypted`: `base64(ciphertext+tag):base64(salt):base64(iv)`, AES-256-GCM under
//! PBKDF2-HMAC-SHA256 (10,000 iterations) of the password. `reference` holds a known text under
//! the same key, which tells a wrong password from damaged content.
//!
//! Schemas 1 and 2 have no OTP type: like 2FAS and Aegis, every entry reads as TOTP, with the
//! defaults (SHA1, 6 digits, 30 s) for what is missing.

use countersign_otp::{Account, Algorithm, Kind, STEAM_DIGITS, Secret};
use serde::Deserialize;
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use crate::crypto;
use crate::json::{self, Converted, Problem};
use crate::{Detection, EntryCause, Format, ImportError, Imported};

const NAME: &str = "2FAS";
const NEWEST_SCHEMA: u32 = 4;
const ITERATIONS: u32 = 10_000;

/// 2FAS Authenticator's backup files.
pub(crate) struct TwoFas;

#[derive(Deserialize)]
struct File<'a> {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(borrow, default)]
    services: Vec<&'a RawValue>,
    #[serde(rename = "servicesEncrypted")]
    services_encrypted: Option<String>,
    reference: Option<String>,
    #[serde(default)]
    groups: Vec<Group>,
}

#[derive(Deserialize)]
struct Group {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct Service {
    /// The service's name as the person sees it; 2FAS shows it as the issuer.
    name: Option<String>,
    secret: Zeroizing<String>,
    otp: Otp,
    #[serde(rename = "groupId")]
    group_id: Option<String>,
}

#[derive(Deserialize)]
struct Otp {
    account: Option<String>,
    issuer: Option<String>,
    digits: Option<u8>,
    period: Option<u32>,
    algorithm: Option<String>,
    counter: Option<u64>,
    #[serde(rename = "tokenType")]
    token_type: Option<String>,
}

/// The three parts of an encrypted field.
struct Sealed {
    ciphertext: Vec<u8>,
    salt: Vec<u8>,
    iv: Vec<u8>,
}

impl Sealed {
    fn parse(text: &str) -> Result<Self, ImportError> {
        let corrupt = || ImportError::Corrupt {
            format: NAME,
            part: "encrypted services",
            detail: "expected three base64 parts separated by ':'".to_owned(),
        };
        let mut parts = text.split(':').map(crypto::base64_decode);
        let (Some(Some(ciphertext)), Some(Some(salt)), Some(Some(iv))) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(corrupt());
        };
        Ok(Sealed {
            ciphertext,
            salt,
            iv,
        })
    }

    fn open(&self, key: &[u8; 32]) -> Option<Zeroizing<Vec<u8>>> {
        crypto::aes_gcm_open_appended(key, &self.iv, &self.ciphertext)
    }
}

impl Format for TwoFas {
    fn id(&self) -> &'static str {
        "2fas"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        match json::probe::<File>(bytes) {
            Some(_) => Detection::Certain,
            None => Detection::No,
        }
    }

    fn is_encrypted(&self, bytes: &[u8]) -> bool {
        json::probe::<File>(bytes).is_some_and(|file| file.services_encrypted.is_some())
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        let file: File = json::parse(NAME, bytes)?;
        if file.schema_version > NEWEST_SCHEMA {
            return Err(ImportError::UnsupportedVersion {
                format: NAME,
                version: file.schema_version.to_string(),
                supported: "schema 4",
            });
        }
        let groups = &file.groups;
        let convert = |service| convert_service(service, groups);
        let Some(encrypted) = &file.services_encrypted else {
            return Ok(Imported {
                entries: json::convert_each(&file.services, convert),
                warnings: Vec::new(),
                backup_codes: Vec::new(),
            });
        };
        let services = Sealed::parse(encrypted)?;
        let password = password.ok_or(ImportError::PasswordRequired)?;
        let key = crypto::pbkdf2_sha256(password.as_bytes(), &services.salt, ITERATIONS);
        let reference = file
            .reference
            .as_deref()
            .and_then(|text| Sealed::parse(text).ok())
            .filter(|reference| reference.salt == services.salt);
        let content = match (services.open(&key), reference) {
            (Some(content), _) => content,
            // The reference opens, so the password is right and the services are damaged.
            (None, Some(reference)) if reference.open(&key).is_some() => {
                return Err(ImportError::Corrupt {
                    format: NAME,
                    part: "encrypted services",
                    detail: "they do not authenticate: the file was changed or truncated"
                        .to_owned(),
                });
            }
            (None, _) => return Err(ImportError::WrongPassword),
        };
        let raws: Vec<&RawValue> = json::parse_decrypted(NAME, &content)?;
        Ok(Imported {
            entries: json::convert_each(&raws, convert),
            warnings: Vec::new(),
            backup_codes: Vec::new(),
        })
    }
}

fn convert_service(service: Service, groups: &[Group]) -> Converted {
    let otp = service.otp;
    let issuer = service
        .name
        .filter(|name| !name.is_empty())
        .or(otp.issuer)
        .unwrap_or_default();
    let name = otp.account.unwrap_or_default();
    let fail = |problem: Problem| json::fail(&issuer, &name, problem);
    let secret = Secret::from_base32(&service.secret).map_err(|e| fail(e.into()))?;
    let period = otp.period.unwrap_or(30);
    let mut account = Account::totp(issuer.clone(), name.clone(), secret);
    match otp.token_type.as_deref() {
        None | Some("TOTP") => account.kind = Kind::Totp { period },
        Some("HOTP") => {
            account.kind = Kind::Hotp {
                counter: otp.counter.unwrap_or(0),
            }
        }
        Some("STEAM") => {
            account.kind = Kind::Steam { period };
            account.digits = STEAM_DIGITS;
        }
        Some(other) => {
            return Err(fail(Problem::new(
                format!("unknown token type {other:?}"),
                EntryCause::UnknownType,
            )));
        }
    }
    if let Some(algorithm) = otp.algorithm {
        account.algorithm =
            Algorithm::parse(&algorithm).ok_or_else(|| fail(Problem::algorithm(algorithm)))?;
    }
    if let (Some(digits), false) = (otp.digits, matches!(account.kind, Kind::Steam { .. })) {
        account.digits = digits;
    }
    account.group = service
        .group_id
        .and_then(|id| groups.iter().find(|group| group.id == id))
        .map(|group| group.name.clone());
    account.validate().map_err(|e| fail(e.into()))?;
    Ok(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_token_types_and_schema_cap() {
        let file = br#"{"schemaVersion":4,"groups":[{"id":"g","name":"Work"}],"services":[
            {"name":"GitHub","secret":"JBSWY3DPEHPK3PXP","groupId":"g",
             "otp":{"account":"octo","tokenType":"HOTP","counter":7,"digits":8}},
            {"name":"","secret":"JBSWY3DPEHPK3PXP","otp":{"issuer":"Iss","account":"x","tokenType":"YANDEX"}},
            {"name":"Bad","secret":"not base32!","otp":{}}]}"#;
        let imported = TwoFas.import(file, None).unwrap();
        let github = imported.accounts().next().unwrap();
        assert_eq!(github.kind, Kind::Hotp { counter: 7 });
        assert_eq!((github.digits, github.group.as_deref()), (8, Some("Work")));
        let invalid: Vec<_> = imported.invalid().collect();
        assert_eq!(invalid[0].label, "Iss (x)");
        assert_eq!(invalid[0].reason, "unknown token type \"YANDEX\"");
        assert_eq!(invalid[1].position, 3);
        assert!(
            invalid[1].reason.starts_with("secret: "),
            "{}",
            invalid[1].reason
        );

        let newer = br#"{"schemaVersion":5,"services":[]}"#;
        assert_eq!(
            TwoFas.import(newer, None).unwrap_err().kind(),
            "unsupported_version"
        );
    }
}
