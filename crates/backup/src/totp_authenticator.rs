//! TOTP Authenticator (com.authenticator.authservice2): its encrypted export, and its
//! app-private `shared_prefs/TOTP_Authenticator_Preferences.xml`.
//!
//! The export is base64 of AES-256-CBC (zero IV, PKCS#7) under SHA-256 of the password, no salt
//! and no KDF; inside is a JSON object whose one member's name is the account list as JSON
//! text. The preferences file holds the same list in its `STATIC_TOTP_CODES_LIST` string.
//!
//! Each account stores its digits and period as text, and these are honoured (Aegis ignores
//! them and uses 6 digits and 30 s); nothing names the algorithm, so it is SHA1.

use countersign_otp::{Account, Kind, Secret};
use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::json::{self, Converted, Problem};
use crate::{Detection, EntryCause, Format, ImportError, Imported, crypto, prefs};

const NAME: &str = "TOTP Authenticator";
const LIST: &str = "STATIC_TOTP_CODES_LIST";

/// TOTP Authenticator's export and preferences file.
pub(crate) struct TotpAuthenticator;

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    name: String,
    key: Zeroizing<String>,
    /// How `key` is written: 16 hex, 32 base32, 64 base64.
    base: u8,
    digits: Option<String>,
    period: Option<String>,
}

/// The export: base64 text whose bytes are whole AES blocks.
fn encrypted(bytes: &[u8]) -> Option<Vec<u8>> {
    let text = crate::text(bytes)?.trim();
    if text.len() < 24
        || !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
    {
        return None;
    }
    crypto::base64_decode(text).filter(|data| data.len() % 16 == 0)
}

impl Format for TotpAuthenticator {
    fn id(&self) -> &'static str {
        "totp-authenticator"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        if prefs::strings(bytes).is_some_and(|strings| prefs::get(&strings, LIST).is_some()) {
            Detection::Certain
        } else if encrypted(bytes).is_some() {
            // Base64 of an opaque blob: nothing in it says whose it is.
            Detection::Possible
        } else {
            Detection::No
        }
    }

    fn is_encrypted(&self, bytes: &[u8]) -> bool {
        encrypted(bytes).is_some()
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        let list = if let Some(strings) = prefs::strings(bytes) {
            prefs::get(&strings, LIST)
                .map(|list| Zeroizing::new(list.to_owned()))
                .ok_or_else(|| ImportError::WrongFormat {
                    format: NAME,
                    reason: format!("the preferences file has no {LIST}"),
                })?
        } else {
            let data = encrypted(bytes).ok_or_else(|| ImportError::WrongFormat {
                format: NAME,
                reason: "neither its preferences file nor base64 of an encrypted export".to_owned(),
            })?;
            let password = password.ok_or(ImportError::PasswordRequired)?;
            decrypt(&data, password)?
        };
        let raws: Vec<&RawValue> =
            serde_json::from_str(&list).map_err(|e| ImportError::Corrupt {
                format: NAME,
                part: "account list",
                detail: json::describe(&e),
            })?;
        Ok(Imported {
            entries: json::convert_each(&raws, convert),
            warnings: Vec::new(),
            backup_codes: Vec::new(),
        })
    }
}

/// The account list's JSON text from the export.
fn decrypt(data: &[u8], password: &str) -> Result<Zeroizing<String>, ImportError> {
    let key: Zeroizing<[u8; 32]> = Zeroizing::new(Sha256::digest(password.as_bytes()).into());
    // A wrong key fails the padding check 255 times in 256.
    let plain =
        crypto::aes_cbc_decrypt(key.as_ref(), &[0; 16], data).ok_or(ImportError::WrongPassword)?;
    // No tag either: a wrong key does not start the object; a right one with damage further on
    // does, and then fails as JSON.
    if !plain.starts_with(b"{") {
        return Err(ImportError::WrongPassword);
    }
    let FirstKey(list) = json::parse_decrypted(NAME, &plain)?;
    list.ok_or_else(|| ImportError::Corrupt {
        format: NAME,
        part: "decrypted content",
        detail: "no account list".to_owned(),
    })
}

/// The name of a JSON object's first member, read into zeroizing memory (it holds secrets).
struct FirstKey(Option<Zeroizing<String>>);

impl<'de> Deserialize<'de> for FirstKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = FirstKey;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<FirstKey, A::Error> {
                let first = map.next_key::<Zeroizing<String>>()?;
                if first.is_some() {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(FirstKey(first))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

fn convert(entry: Entry) -> Converted {
    let fail = |problem: Problem| json::fail(&entry.issuer, &entry.name, problem);
    // The English reason keeps this format's short words; the cause says which fault it is.
    let unreadable = |reason: &'static str| (reason, EntryCause::SecretUnreadable);
    let bytes = |bytes: Vec<u8>| {
        Secret::from_bytes(bytes).map_err(|e| ("empty or too long", EntryCause::Secret(e)))
    };
    let secret = match entry.base {
        16 => crypto::hex_decode(&entry.key)
            .ok_or_else(|| unreadable("not hex"))
            .and_then(bytes),
        32 => Secret::from_base32(&entry.key).map_err(|e| ("not base32", EntryCause::Secret(e))),
        64 => crypto::base64_decode(&entry.key)
            .ok_or_else(|| unreadable("not base64"))
            .and_then(bytes),
        _ => Err(unreadable("written in an unknown base")),
    }
    .map_err(|(reason, cause)| fail(Problem::new(format!("secret: {reason}"), cause)))?;
    let number =
        |text: &Option<String>, default, cause: EntryCause| match text.as_deref().map(str::trim) {
            None | Some("") => Ok(default),
            Some(text) => text
                .parse::<u32>()
                .map_err(|_| fail(Problem::new(format!("not a number: {text:?}"), cause))),
        };
    let mut account = Account::totp(entry.issuer.clone(), entry.name.clone(), secret);
    account.digits = u8::try_from(number(&entry.digits, 6, EntryCause::Digits)?)
        .map_err(|_| fail(Problem::new("too many digits", EntryCause::Digits)))?;
    account.kind = Kind::Totp {
        period: number(&entry.period, 30, EntryCause::Period)?,
    };
    account.validate().map_err(|e| fail(e.into()))?;
    Ok(account)
}
