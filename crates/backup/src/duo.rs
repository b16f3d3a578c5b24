//! Duo Mobile's app-private `files/duokit/accounts.json` (copied off a rooted phone): an array
//! of accounts, each with an `otpGenerator` holding a base32 secret and, for HOTP, a counter.
//! The file names no issuer and no OTP parameters: SHA1, 6 digits, 30 s, as Aegis reads it.

use countersign_otp::{Account, Kind, Secret};
use serde::Deserialize;
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use crate::json::{self, Converted};
use crate::{Detection, Format, ImportError, Imported};

const NAME: &str = "Duo Mobile";

/// Duo Mobile's account list.
pub(crate) struct Duo;

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    name: String,
    #[serde(rename = "otpGenerator")]
    generator: Generator,
}

#[derive(Deserialize)]
struct Generator {
    #[serde(rename = "otpSecret")]
    secret: Zeroizing<String>,
    counter: Option<u64>,
}

/// What every Duo account has.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "otpGenerator")]
    _generator: serde::de::IgnoredAny,
    #[serde(rename = "accountType")]
    _kind: serde::de::IgnoredAny,
}

impl Format for Duo {
    fn id(&self) -> &'static str {
        "duo"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        match json::probe::<Vec<Probe>>(bytes) {
            Some(entries) if !entries.is_empty() => Detection::Certain,
            _ => Detection::No,
        }
    }

    fn is_encrypted(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        let raws: Vec<&RawValue> = json::parse(NAME, bytes)?;
        Ok(Imported {
            entries: json::convert_each(&raws, convert),
            warnings: Vec::new(),
            backup_codes: Vec::new(),
        })
    }
}

fn convert(entry: Entry) -> Converted {
    let secret =
        Secret::from_base32(&entry.generator.secret).map_err(|e| json::fail("", &entry.name, e))?;
    let mut account = Account::totp("", entry.name, secret);
    if let Some(counter) = entry.generator.counter {
        account.kind = Kind::Hotp { counter };
    }
    Ok(account)
}
