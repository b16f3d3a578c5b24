//! Steam Guard's files: the Steam app's `Steamguard-<steamid>` JSON (before version 3) and
//! Steam Desktop Authenticator's `.maFile`, one account each, or several under `accounts`.
//!
//! Only `shared_secret` (base64) and `account_name` make the codes; the issuer is "Steam".

use std::collections::BTreeMap;

use countersign_otp::{Account, Secret};
use serde::Deserialize;
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use crate::json::{self, Converted, Problem};
use crate::{Detection, EntryCause, Format, ImportError, Imported, crypto};

const NAME: &str = "Steam";

/// A Steam Guard JSON file.
pub(crate) struct Steam;

/// The newer layout: accounts by an arbitrary key.
#[derive(Deserialize)]
struct Accounts<'a> {
    #[serde(borrow)]
    accounts: BTreeMap<String, &'a RawValue>,
}

#[derive(Deserialize)]
struct Guard {
    shared_secret: Zeroizing<String>,
    #[serde(default)]
    account_name: String,
}

/// What every Steam Guard object has.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "shared_secret")]
    _secret: serde::de::IgnoredAny,
    #[serde(rename = "account_name")]
    _name: serde::de::IgnoredAny,
}

/// The raw account objects of either layout.
fn raws(bytes: &[u8]) -> Result<Vec<&RawValue>, ImportError> {
    if let Some(file) = json::probe::<Accounts>(bytes) {
        return Ok(file.accounts.into_values().collect());
    }
    let raw: &RawValue = json::parse(NAME, bytes)?;
    if !raw.get().starts_with('{') || serde_json::from_str::<Probe>(raw.get()).is_err() {
        return Err(ImportError::WrongFormat {
            format: NAME,
            reason: "no shared_secret and account_name".to_owned(),
        });
    }
    Ok(vec![raw])
}

impl Format for Steam {
    fn id(&self) -> &'static str {
        "steam"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        // A struct also deserialises from an array: only an object is a Steam file.
        let is_object = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        let is_steam = is_object
            && json::probe::<Accounts>(bytes).map_or_else(
                || json::probe::<Probe>(bytes).is_some(),
                |file| {
                    !file.accounts.is_empty()
                        && file
                            .accounts
                            .values()
                            .all(|raw| serde_json::from_str::<Probe>(raw.get()).is_ok())
                },
            );
        if is_steam {
            Detection::Certain
        } else {
            Detection::No
        }
    }

    fn is_encrypted(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        Ok(Imported {
            entries: json::convert_each(&raws(bytes)?, convert),
            warnings: Vec::new(),
            backup_codes: Vec::new(),
        })
    }
}

fn convert(guard: Guard) -> Converted {
    let fail = |problem: Problem| json::fail(NAME, &guard.account_name, problem);
    let bytes = crypto::base64_decode(&guard.shared_secret).ok_or_else(|| {
        fail(Problem::new(
            "shared_secret is not base64",
            EntryCause::SecretUnreadable,
        ))
    })?;
    let secret = Secret::from_bytes(bytes).map_err(|e| {
        fail(Problem::new(
            format!("shared_secret: {e}"),
            EntryCause::Secret(e),
        ))
    })?;
    Ok(Account::steam(NAME, guard.account_name.clone(), secret))
}
