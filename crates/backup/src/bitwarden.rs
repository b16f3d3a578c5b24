//! Bitwarden's vault exports, JSON or CSV (unencrypted): each login item with a TOTP key.
//!
//! Bitwarden keeps the key as an otpauth:// URI, a `steam://SECRET` URI or a bare base32
//! secret. A bare secret means Bitwarden's defaults (TOTP, SHA1, 6 digits, 30 s), and a
//! `steam://` URI carries no label: both take their names from the item, as Bitwarden shows
//! them. The item's folder, favourite flag and notes come along.

use countersign_otp::{Account, Secret, parse_uri};
use serde::Deserialize;
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use crate::json::{self, Converted};
use crate::{Detection, Format, ImportError, Imported, InvalidEntry};

const NAME: &str = "Bitwarden";

/// Bitwarden's JSON and CSV exports.
pub(crate) struct Bitwarden;

#[derive(Deserialize)]
struct JsonFile<'a> {
    #[serde(default)]
    encrypted: bool,
    #[serde(default)]
    folders: Vec<Folder>,
    #[serde(borrow)]
    items: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Folder {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct JsonItem {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    favorite: bool,
    #[serde(rename = "folderId")]
    folder_id: Option<String>,
    login: Option<Login>,
}

#[derive(Deserialize)]
struct Login {
    username: Option<String>,
    /// The TOTP key or URI: a secret, wiped when dropped.
    totp: Option<Zeroizing<String>>,
}

#[derive(Deserialize)]
struct CsvRow {
    #[serde(default)]
    folder: String,
    #[serde(default)]
    favorite: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    login_username: String,
    #[serde(default)]
    login_totp: Zeroizing<String>,
}

/// One item with a TOTP key, whichever file it came from.
struct Item {
    name: String,
    username: String,
    /// A secret, wiped when dropped.
    totp: Zeroizing<String>,
    notes: String,
    favourite: bool,
    folder: Option<String>,
}

impl Format for Bitwarden {
    fn id(&self) -> &'static str {
        "bitwarden"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        if json::probe::<JsonFile>(bytes).is_some() || csv_header_has_totp(bytes) {
            Detection::Certain
        } else {
            Detection::No
        }
    }

    fn is_encrypted(&self, bytes: &[u8]) -> bool {
        json::probe::<JsonFile>(bytes).is_some_and(|file| file.encrypted)
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        if csv_header_has_totp(bytes) {
            return import_csv(bytes);
        }
        let file: JsonFile = json::parse(NAME, bytes)?;
        if file.encrypted {
            return Err(ImportError::Unsupported {
                format: NAME,
                what: "encrypted exports cannot be read: export the vault again as \
                       \".json\" or \".csv\" without encryption"
                    .to_owned(),
            });
        }
        let entries = json::convert_some(&file.items, |item: JsonItem| {
            // Moved out, not cloned: the key is a secret.
            let (username, totp) = match item.login {
                Some(login) => (login.username, login.totp),
                None => (None, None),
            };
            convert(Item {
                name: item.name.unwrap_or_default(),
                username: username.unwrap_or_default(),
                totp: totp.unwrap_or_default(),
                notes: item.notes.unwrap_or_default(),
                favourite: item.favorite,
                folder: item.folder_id.and_then(|id| {
                    file.folders
                        .iter()
                        .find(|folder| folder.id == id)
                        .map(|folder| folder.name.clone())
                }),
            })
        });
        Ok(Imported {
            entries,
            warnings: Vec::new(),
            backup_codes: Vec::new(),
        })
    }
}

fn csv_header_has_totp(bytes: &[u8]) -> bool {
    crate::text(bytes)
        .and_then(|text| text.lines().next())
        .is_some_and(|header| {
            header
                .split(',')
                .any(|column| column.trim() == "login_totp")
        })
}

fn import_csv(bytes: &[u8]) -> Result<Imported, ImportError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let mut entries = Vec::new();
    for (index, row) in reader.deserialize::<CsvRow>().enumerate() {
        let entry = match row {
            Ok(row) => match convert(Item {
                name: row.name,
                username: row.login_username,
                totp: row.login_totp,
                notes: row.notes,
                favourite: row.favorite.trim() == "1",
                folder: Some(row.folder).filter(|folder| !folder.is_empty()),
            }) {
                Some(converted) => converted,
                None => continue,
            },
            // Positions below are rows after the header; csv's errors name only a position.
            Err(error) => Err((String::new(), format!("unreadable row: {error}"))),
        };
        entries.push(entry.map_err(|(label, reason)| InvalidEntry {
            position: index + 1,
            label,
            reason,
        }));
    }
    Ok(Imported {
        entries,
        warnings: Vec::new(),
        backup_codes: Vec::new(),
    })
}

/// `None` for items without a TOTP key (most passwords): they are not entries of this import.
fn convert(item: Item) -> Option<Converted> {
    let totp = item.totp.trim();
    if totp.is_empty() {
        return None;
    }
    Some(convert_totp(totp, &item).map(|mut account| {
        account.note = item.notes.clone();
        account.favourite = item.favourite;
        account.group = item.folder.clone();
        account
    }))
}

fn convert_totp(totp: &str, item: &Item) -> Converted {
    let fail = |reason: &dyn std::fmt::Display| json::fail(&item.name, &item.username, reason);
    let person_name = if item.username.is_empty() {
        item.name.clone()
    } else {
        item.username.clone()
    };
    Ok(
        if totp
            .get(..8)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("steam://"))
        {
            let mut account = parse_uri(totp).map_err(|e| fail(&e))?;
            account.name = person_name;
            account
        } else if totp
            .get(..10)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("otpauth://"))
        {
            let mut account = parse_uri(totp).map_err(|e| fail(&e))?;
            if account.issuer.is_empty() {
                account.issuer = item.name.clone();
            }
            if account.name.is_empty() {
                account.name = item.username.clone();
            }
            account
        } else {
            let secret = Secret::from_base32(totp).map_err(|e| fail(&format!("secret: {e}")))?;
            Account::totp(item.name.clone(), item.username.clone(), secret)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use countersign_otp::Kind;

    #[test]
    fn bare_secrets_folders_and_items_without_totp() {
        let file = br#"{"encrypted":false,"folders":[{"id":"f","name":"Work"}],"items":[
            {"type":2,"name":"a note"},
            {"type":1,"name":"GitHub","favorite":true,"folderId":"f","notes":"recovery in safe",
             "login":{"username":"octo","totp":"jbsw y3dp ehpk 3pxp"}},
            {"type":1,"name":"Broken","login":{"username":"u","totp":"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12"}}]}"#;
        let imported = Bitwarden.import(file, None).unwrap();
        assert_eq!(imported.entries.len(), 2);
        let github = imported.accounts().next().unwrap();
        assert_eq!(
            (github.issuer.as_str(), github.name.as_str()),
            ("GitHub", "octo")
        );
        assert_eq!(github.kind, Kind::Totp { period: 30 });
        assert_eq!(github.group.as_deref(), Some("Work"));
        assert_eq!(
            (github.favourite, github.note.as_str()),
            (true, "recovery in safe")
        );
        let broken = imported.invalid().next().unwrap();
        assert_eq!((broken.position, broken.label.as_str()), (3, "Broken (u)"));

        let encrypted = br#"{"encrypted":true,"passwordProtected":true,"items":[]}"#;
        assert!(Bitwarden.is_encrypted(encrypted));
        assert_eq!(
            Bitwarden.import(encrypted, Some("pw")).unwrap_err().kind(),
            "unsupported"
        );
    }

    #[test]
    fn csv_quotes_favourites_and_steam() {
        let file = "folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp\n\
                    Games,1,login,\"Steam, main\",\"two\nlines\",,,gabe,,steam://JRZCL47CMXVOQMNPZR2F7J4RGI\n\
                    ,,login,No key,,,,,,\n";
        let imported = Bitwarden.import(file.as_bytes(), None).unwrap();
        let accounts: Vec<_> = imported.accounts().collect();
        assert_eq!(accounts.len(), 1);
        let steam = accounts[0];
        assert_eq!(steam.kind, Kind::Steam { period: 30 });
        assert_eq!(
            (steam.issuer.as_str(), steam.name.as_str()),
            ("Steam", "gabe")
        );
        assert_eq!(steam.note, "two\nlines");
        assert_eq!(
            (steam.favourite, steam.group.as_deref()),
            (true, Some("Games"))
        );
    }
}
