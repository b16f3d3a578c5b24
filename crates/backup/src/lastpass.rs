//! LastPass Authenticator's JSON export ("Export accounts to file"): `accounts`, each with a
//! base32 secret, `timeStep`, digits and algorithm, the names as the person edited them
//! (`issuerName`, `userName`; the `original...` ones are what the issuer's QR code said), a
//! favourite flag and a folder.
//!
//! Folders 0 and 1 are LastPass's own ("Other accounts", "Favorites"); any other folder becomes
//! the account's group.

use std::collections::HashMap;

use countersign_otp::{Account, Algorithm, Kind, Secret};
use serde::Deserialize;
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use crate::json::{self, Converted, Problem};
use crate::{Detection, Format, ImportError, Imported};

const NAME: &str = "LastPass Authenticator";
/// LastPass's built-in folders: "Other accounts" and "Favorites".
const BUILT_IN_FOLDERS: [i64; 2] = [0, 1];

/// LastPass Authenticator's export.
pub(crate) struct LastPass;

#[derive(Deserialize)]
struct File<'a> {
    #[serde(borrow)]
    accounts: Vec<&'a RawValue>,
    #[serde(default)]
    folders: Vec<Folder>,
}

#[derive(Deserialize)]
struct Folder {
    id: i64,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    #[serde(default)]
    issuer_name: String,
    #[serde(default)]
    user_name: String,
    secret: Zeroizing<String>,
    time_step: Option<u32>,
    digits: Option<u8>,
    algorithm: Option<String>,
    #[serde(default)]
    is_favorite: bool,
    folder_data: Option<FolderData>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FolderData {
    folder_id: i64,
}

/// What every LastPass account has, to tell the file from others with `accounts`.
#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(borrow)]
    accounts: Vec<ProbeEntry<'a>>,
}

#[derive(Deserialize)]
struct ProbeEntry<'a> {
    #[serde(rename = "timeStep")]
    _time_step: serde::de::IgnoredAny,
    #[serde(rename = "secret", borrow)]
    _secret: &'a RawValue,
}

impl Format for LastPass {
    fn id(&self) -> &'static str {
        "lastpass"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        match json::probe::<Probe>(bytes) {
            Some(probe) if !probe.accounts.is_empty() => Detection::Certain,
            _ => Detection::No,
        }
    }

    fn is_encrypted(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        let file: File = json::parse(NAME, bytes)?;
        let folders: HashMap<i64, &str> = file
            .folders
            .iter()
            .filter(|folder| !BUILT_IN_FOLDERS.contains(&folder.id))
            .map(|folder| (folder.id, folder.name.as_str()))
            .collect();
        Ok(Imported {
            entries: json::convert_each(&file.accounts, |entry| convert(entry, &folders)),
            warnings: Vec::new(),
            backup_codes: Vec::new(),
        })
    }
}

fn convert(entry: Entry, folders: &HashMap<i64, &str>) -> Converted {
    let fail = |problem: Problem| json::fail(&entry.issuer_name, &entry.user_name, problem);
    let secret = Secret::from_base32(&entry.secret).map_err(|e| fail(e.into()))?;
    let mut account = Account::totp(entry.issuer_name.clone(), entry.user_name.clone(), secret);
    account.kind = Kind::Totp {
        period: entry.time_step.unwrap_or(30),
    };
    account.digits = entry.digits.unwrap_or(6);
    if let Some(algorithm) = &entry.algorithm {
        account.algorithm =
            Algorithm::parse(algorithm).ok_or_else(|| fail(Problem::algorithm(algorithm)))?;
    }
    account.favourite = entry.is_favorite;
    account.group = entry
        .folder_data
        .and_then(|data| folders.get(&data.folder_id))
        .map(|name| (*name).to_owned());
    account.validate().map_err(|e| fail(e.into()))?;
    Ok(account)
}
