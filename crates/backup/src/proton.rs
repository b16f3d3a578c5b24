//! Proton Authenticator's JSON export: entries holding an otpauth:// URI, a display name and a
//! note.

use countersign_otp::parse_uri;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::json::{self, Converted};
use crate::{Detection, Format, ImportError, Imported};

const NAME: &str = "Proton Authenticator";
const NEWEST_VERSION: u32 = 1;

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
    uri: zeroize::Zeroizing<String>,
    #[serde(default)]
    name: String,
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
        if is_proton {
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
        let file: File = json::parse(NAME, bytes)?;
        if file.version > NEWEST_VERSION {
            return Err(ImportError::UnsupportedVersion {
                format: NAME,
                version: file.version.to_string(),
                supported: "1",
            });
        }
        Ok(Imported {
            entries: json::convert_each(&file.entries, convert),
            warnings: Vec::new(),
            backup_codes: Vec::new(),
        })
    }
}

fn convert(entry: Entry) -> Converted {
    let name = entry.content.name;
    let mut account = parse_uri(&entry.content.uri).map_err(|e| json::fail("", &name, e))?;
    // Proton shows its own name for the entry; the URI's label is what the issuer printed.
    if !name.is_empty() {
        account.name = name;
    }
    account.note = entry.note.unwrap_or_default();
    Ok(account)
}
