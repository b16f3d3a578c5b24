//! Authy's app-private token store, `shared_prefs/com.authy.storage.tokens.authenticator.xml`
//! (copied off a rooted phone): a JSON array of tokens in one shared-preferences string.
//!
//! Secrets are in clear (`decryptedSecret`) or encrypted with the backup password
//! (`encryptedSecret`): per token, AES-256-CBC with a zero IV under PBKDF2-HMAC-SHA1 of the
//! password with the token's `salt` text, 1,000 iterations; the plaintext is base32. The file
//! stores neither algorithm nor period: SHA1 and 30 s, as Aegis reads it.

use countersign_otp::{Account, Secret};
use serde::Deserialize;
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use crate::json::{self, Converted, Problem};
use crate::{Detection, EntryCause, Format, ImportError, Imported, prefs};

const NAME: &str = "Authy";
/// The string holding the tokens; Aegis also knows the older "authy" key.
const KEYS: [&str; 2] = [
    "com.authy.storage.tokens.authenticator.key",
    "com.authy.storage.tokens.authy.key",
];
/// Authy's fixed PBKDF2 cost: not read from the file.
const ITERATIONS: u32 = 1000;

/// Authy's shared-preferences token store.
pub(crate) struct Authy;

#[derive(Deserialize)]
struct Token {
    #[serde(rename = "originalIssuer", default)]
    issuer: Option<String>,
    #[serde(default)]
    name: String,
    digits: Option<u8>,
    #[serde(rename = "decryptedSecret")]
    decrypted: Option<Zeroizing<String>>,
    #[serde(rename = "encryptedSecret")]
    encrypted: Option<String>,
    salt: Option<String>,
    /// Authy's own tokens: a hex seed, 10 s codes.
    #[serde(rename = "secretSeed")]
    seed: Option<Zeroizing<String>>,
}

/// Whether a token needs the password, without reading the rest of it.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "decryptedSecret")]
    decrypted: Option<serde::de::IgnoredAny>,
    #[serde(rename = "secretSeed")]
    seed: Option<serde::de::IgnoredAny>,
}

/// The token array's JSON, if this is Authy's store.
fn tokens(bytes: &[u8]) -> Option<Zeroizing<String>> {
    let strings = prefs::strings(bytes)?;
    KEYS.iter()
        .find_map(|key| prefs::get(&strings, key))
        .map(|json| Zeroizing::new(json.to_owned()))
}

/// How many tokens need the password (each costs a key derivation).
fn encrypted_count(json: &str) -> usize {
    serde_json::from_str::<Vec<Probe>>(json).map_or(0, |tokens| {
        tokens
            .iter()
            .filter(|t| t.decrypted.is_none() && t.seed.is_none())
            .count()
    })
}

impl Format for Authy {
    fn id(&self) -> &'static str {
        "authy"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        match tokens(bytes) {
            Some(_) => Detection::Certain,
            None => Detection::No,
        }
    }

    fn is_encrypted(&self, bytes: &[u8]) -> bool {
        tokens(bytes).is_some_and(|json| encrypted_count(&json) > 0)
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        let json = tokens(bytes).ok_or_else(|| ImportError::WrongFormat {
            format: NAME,
            reason: "not Authy's shared-preferences file with its token list".to_owned(),
        })?;
        let raws: Vec<&RawValue> =
            serde_json::from_str(&json).map_err(|e| ImportError::Corrupt {
                format: NAME,
                part: "token list",
                detail: json::describe(&e),
            })?;
        // One derivation per token: their total is what the cap bounds, checked before any.
        let encrypted = encrypted_count(&json);
        let password = if encrypted > 0 {
            let total = u32::try_from(encrypted).map_or(u32::MAX, |n| n.saturating_mul(ITERATIONS));
            crate::crypto::check_pbkdf2(total)?;
            Some(password.ok_or(ImportError::PasswordRequired)?)
        } else {
            None
        };
        let mut opened = 0;
        let mut wrong = 0;
        let entries = json::convert_each(&raws, |token: Token| {
            let result = convert(token, password);
            match &result {
                Err(failure) if failure.reason() == WRONG_PASSWORD => wrong += 1,
                Ok(_) => opened += 1,
                Err(_) => {}
            }
            result
        });
        // Every token has its own salt: when none opens, it is the password, not the file;
        // when others open, the password is right and these tokens were changed.
        if wrong > 0 && opened == 0 {
            return Err(ImportError::WrongPassword);
        }
        let entries = entries
            .into_iter()
            .map(|entry| {
                entry.map_err(|mut invalid| {
                    if invalid.reason == WRONG_PASSWORD {
                        invalid.reason = DAMAGED.to_owned();
                    }
                    invalid
                })
            })
            .collect();
        Ok(Imported {
            entries,
            warnings: Vec::new(),
            backup_codes: Vec::new(),
        })
    }
}

/// Why a token's secret did not decrypt, until the other tokens tell which it is.
const WRONG_PASSWORD: &str = "the password does not open this secret";
const DAMAGED: &str = "the secret does not decrypt with the password that opens the others: the \
                       file was changed";

/// A secret that does not decrypt: its cause is a damaged file whenever the entry is reported
/// (when no token opens, the whole file's password is wrong instead).
fn wrong_password() -> Problem {
    Problem::new(WRONG_PASSWORD, EntryCause::SecretDamaged)
}

fn convert(token: Token, password: Option<&str>) -> Converted {
    let issuer = token.issuer.unwrap_or_default();
    // "Deno: Mason" -> "Mason": the name repeats the issuer.
    let name = match token.name.strip_prefix(issuer.as_str()) {
        Some(rest) if !issuer.is_empty() => rest.trim_start_matches(':').trim_start(),
        _ => token.name.as_str(),
    }
    .to_owned();
    let fail = |problem: Problem| json::fail(&issuer, &name, problem);
    let (secret, period) = if let Some(text) = &token.decrypted {
        (Secret::from_base32(text).map_err(|e| fail(e.into()))?, 30)
    } else if let Some(seed) = &token.seed {
        let bytes = crate::crypto::hex_decode(seed).ok_or_else(|| {
            fail(Problem::new(
                "secret: not hex",
                EntryCause::SecretUnreadable,
            ))
        })?;
        (Secret::from_bytes(bytes).map_err(|e| fail(e.into()))?, 10)
    } else {
        let (Some(encrypted), Some(salt), Some(password)) =
            (&token.encrypted, &token.salt, password)
        else {
            return Err(fail(Problem::new(
                "the token has no secret",
                EntryCause::MissingSecret,
            )));
        };
        let ciphertext = crate::crypto::base64_decode(encrypted).ok_or_else(|| {
            fail(Problem::new(
                "secret: not base64",
                EntryCause::SecretUnreadable,
            ))
        })?;
        let key = crate::crypto::pbkdf2_sha1(password.as_bytes(), salt.as_bytes(), ITERATIONS);
        let text = crate::crypto::aes_cbc_decrypt(key.as_ref(), &[0; 16], &ciphertext)
            .ok_or_else(|| fail(wrong_password()))?;
        let text = std::str::from_utf8(&text).map_err(|_| fail(wrong_password()))?;
        (
            Secret::from_base32(text).map_err(|_| fail(wrong_password()))?,
            30,
        )
    };
    let mut account = Account::totp(issuer.clone(), name.clone(), secret);
    account.kind = countersign_otp::Kind::Totp { period };
    account.digits = token
        .digits
        .unwrap_or(if token.seed.is_some() { 7 } else { 6 });
    account.validate().map_err(|e| fail(e.into()))?;
    Ok(account)
}
