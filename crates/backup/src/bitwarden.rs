//! Bitwarden's vault exports, JSON or CSV: each login item with a TOTP key.
//!
//! A password-protected JSON export wraps the plain JSON export in one EncString (`data`,
//! "2.iv|ciphertext|mac": AES-256-CBC, HMAC-SHA256 over iv and ciphertext). Its key comes from
//! the export password by PBKDF2-SHA256 (`kdfType` 0, the salt string's bytes as salt) or
//! Argon2id (`kdfType` 1, memory in MiB, SHA-256 of the salt string as salt), stretched by
//! HKDF-Expand into an encryption and a MAC key; `encKeyValidation_DO_NOT_EDIT` is a second
//! EncString under the same key, which tells a wrong password from a damaged `data`.
//! Account-restricted exports (encrypted with the Bitwarden account's key) cannot be read.
//!
//! Bitwarden keeps the key as an otpauth:// URI, a `steam://SECRET` URI or a bare base32
//! secret. A bare secret means Bitwarden's defaults (TOTP, SHA1, 6 digits, 30 s), and a
//! `steam://` URI carries no label: both take their names from the item, as Bitwarden shows
//! them. The item's folder, favourite flag and notes come along.

use countersign_otp::{Account, Secret, parse_uri};
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::crypto::{self, Argon2Params};
use crate::json::{self, Converted, Problem};
use crate::{Detection, Format, ImportError, Imported};

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

/// A password-protected export: the plain JSON export, encrypted under the export password.
#[derive(Deserialize)]
struct ProtectedFile {
    #[serde(rename = "passwordProtected")]
    password_protected: bool,
    salt: String,
    #[serde(rename = "kdfType")]
    kdf_type: u8,
    #[serde(rename = "kdfIterations")]
    kdf_iterations: u32,
    /// Argon2id's memory in MiB.
    #[serde(rename = "kdfMemory")]
    kdf_memory: Option<u64>,
    #[serde(rename = "kdfParallelism")]
    kdf_parallelism: Option<u32>,
    #[serde(rename = "encKeyValidation_DO_NOT_EDIT")]
    key_validation: String,
    data: String,
}

/// Bitwarden's `kdfType` for PBKDF2-SHA256.
const KDF_PBKDF2: u8 = 0;
/// Bitwarden's `kdfType` for Argon2id.
const KDF_ARGON2ID: u8 = 1;
/// Most Argon2id lanes a file may ask for: Bitwarden's own upper bound.
const MAX_ARGON2_LANES: u32 = 16;

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
        if json::probe::<JsonFile>(bytes).is_some()
            || protected_file(bytes).is_some()
            || csv_header_has_totp(bytes)
        {
            Detection::Certain
        } else {
            Detection::No
        }
    }

    fn is_encrypted(&self, bytes: &[u8]) -> bool {
        protected_file(bytes).is_some()
            || json::probe::<JsonFile>(bytes).is_some_and(|file| file.encrypted)
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        if csv_header_has_totp(bytes) {
            return import_csv(bytes);
        }
        if let Some(file) = protected_file(bytes) {
            let password = password.ok_or(ImportError::PasswordRequired)?;
            let plain = decrypt(&file, password)?;
            return import_json(&plain, true);
        }
        import_json(bytes, false)
    }
}

/// The file as a password-protected export, if it is one.
fn protected_file(bytes: &[u8]) -> Option<ProtectedFile> {
    json::probe::<ProtectedFile>(bytes).filter(|file| file.password_protected)
}

/// Reads a plain JSON export; `decrypted` when it came out of a password-protected one, where
/// anything unreadable means damage (the password was right).
fn import_json(bytes: &[u8], decrypted: bool) -> Result<Imported, ImportError> {
    let file: JsonFile = if decrypted {
        json::parse_decrypted(NAME, bytes)?
    } else {
        json::parse(NAME, bytes)?
    };
    if file.encrypted {
        return Err(ImportError::Unsupported {
            format: NAME,
            what: "exports restricted to a Bitwarden account cannot be read: export the vault \
                   again as \".json (Encrypted)\" with \"Password protected\", or without \
                   encryption"
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

/// The 32-byte key of a password-protected export, derived as the file's KDF says, after its
/// parameters are checked against the caps.
fn derive_key(file: &ProtectedFile, password: &str) -> Result<Zeroizing<[u8; 32]>, ImportError> {
    let invalid = |detail: String| corrupt("key derivation parameters", detail);
    match file.kdf_type {
        KDF_PBKDF2 => {
            crypto::check_pbkdf2(file.kdf_iterations)?;
            if file.kdf_iterations == 0 {
                return Err(invalid("zero PBKDF2 iterations".to_owned()));
            }
            Ok(crypto::pbkdf2_sha256(
                password.as_bytes(),
                file.salt.as_bytes(),
                file.kdf_iterations,
            ))
        }
        KDF_ARGON2ID => {
            let (Some(memory), Some(lanes)) = (file.kdf_memory, file.kdf_parallelism) else {
                return Err(invalid(
                    "Argon2id without kdfMemory or kdfParallelism".to_owned(),
                ));
            };
            if lanes == 0 || lanes > MAX_ARGON2_LANES {
                return Err(invalid(format!(
                    "{lanes} Argon2id lanes (Bitwarden uses 1 to {MAX_ARGON2_LANES})"
                )));
            }
            let params = Argon2Params::with_lanes(
                NAME,
                memory.saturating_mul(1024 * 1024),
                file.kdf_iterations.into(),
                lanes,
            )?;
            let salt = Sha256::digest(file.salt.as_bytes());
            params
                .derive(password.as_bytes(), &salt)
                .ok_or_else(|| invalid("rejected by Argon2id".to_owned()))
        }
        other => Err(ImportError::Unsupported {
            format: NAME,
            what: format!("key derivation type {other} is not one Bitwarden writes"),
        }),
    }
}

/// The encryption and MAC keys: the derived key stretched by HKDF-Expand (SHA-256), as
/// Bitwarden stretches a master key.
struct StretchedKey {
    encryption: Zeroizing<[u8; 32]>,
    mac: Zeroizing<[u8; 32]>,
}

impl StretchedKey {
    fn new(key: &[u8; 32]) -> Self {
        let hkdf = hkdf::Hkdf::<Sha256>::from_prk(key).expect("32 bytes is a valid SHA-256 PRK");
        let mut encryption = Zeroizing::new([0; 32]);
        let mut mac = Zeroizing::new([0; 32]);
        hkdf.expand(b"enc", encryption.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 length");
        hkdf.expand(b"mac", mac.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 length");
        StretchedKey { encryption, mac }
    }
}

/// An EncString of type 2 ("2.iv|ciphertext|mac", each part base64).
struct EncString {
    iv: Vec<u8>,
    ciphertext: Vec<u8>,
    mac: Vec<u8>,
}

impl EncString {
    fn parse(text: &str, part: &'static str) -> Result<Self, ImportError> {
        let body = text
            .strip_prefix("2.")
            .ok_or_else(|| corrupt(part, "not an AES-256-CBC + HMAC-SHA256 EncString (type 2)"))?;
        let mut parts = body.split('|').map(crypto::base64_decode);
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(Some(iv)), Some(Some(ciphertext)), Some(Some(mac)), None)
                if iv.len() == 16 && mac.len() == 32 =>
            {
                Ok(EncString {
                    iv,
                    ciphertext,
                    mac,
                })
            }
            _ => Err(corrupt(part, "not iv|ciphertext|mac in base64")),
        }
    }

    /// Whether the MAC is that of iv and ciphertext under `key` (in constant time).
    fn is_authentic(&self, key: &StretchedKey) -> bool {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.mac.as_ref())
            .expect("HMAC takes a key of any length");
        mac.update(&self.iv);
        mac.update(&self.ciphertext);
        mac.verify_slice(&self.mac).is_ok()
    }
}

/// The plain JSON export inside a password-protected one. The key-validation EncString is
/// checked first: if its MAC fails the password is wrong; if then the data's fails, the data
/// is damaged.
fn decrypt(file: &ProtectedFile, password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let validation = EncString::parse(&file.key_validation, "key validation")?;
    let data = EncString::parse(&file.data, "encrypted content")?;
    let derived = derive_key(file, password)?;
    let key = StretchedKey::new(&derived);
    if !validation.is_authentic(&key) {
        return Err(ImportError::WrongPassword);
    }
    if !data.is_authentic(&key) {
        return Err(corrupt("encrypted content", "its MAC does not match"));
    }
    crypto::aes_cbc_decrypt(key.encryption.as_ref(), &data.iv, &data.ciphertext)
        .ok_or_else(|| corrupt("encrypted content", "invalid padding"))
}

fn corrupt(part: &'static str, detail: impl Into<String>) -> ImportError {
    ImportError::Corrupt {
        format: NAME,
        part,
        detail: detail.into(),
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
            Err(error) => Err(json::unreadable("row", &error.to_string())),
        };
        entries.push(entry.map_err(|failure| failure.at(index + 1)));
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
    let fail = |problem: Problem| json::fail(&item.name, &item.username, problem);
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
            let mut account = parse_uri(totp).map_err(|e| fail(e.into()))?;
            account.name = person_name;
            account
        } else if totp
            .get(..10)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("otpauth://"))
        {
            let mut account = parse_uri(totp).map_err(|e| fail(e.into()))?;
            if account.issuer.is_empty() {
                account.issuer = item.name.clone();
            }
            if account.name.is_empty() {
                account.name = item.username.clone();
            }
            account
        } else {
            let secret = Secret::from_base32(totp).map_err(|e| fail(e.into()))?;
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

        // Account-restricted: encrypted with the account's key, not a password.
        let encrypted =
            br#"{"encrypted":true,"encKeyValidation_DO_NOT_EDIT":"2.a|b|c","items":[]}"#;
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

    /// A PBKDF2 password-protected export. No export Bitwarden wrote with PBKDF2 was found in
    /// public test data (the real file, Argon2id, is tests/data/bitwarden_encrypted_argon2id.json),
    /// so this one was made by an independent Python implementation of Bitwarden's scheme
    /// (hashlib's PBKDF2, HKDF-Expand as one HMAC block, `cryptography`'s AES-CBC).
    #[test]
    fn pbkdf2_password_protected_export() {
        let file = br#"{"encrypted":true,"passwordProtected":true,"salt":"c2FsdHNhbHRzYWx0c2FsdA==","kdfType":0,"kdfIterations":5000,"encKeyValidation_DO_NOT_EDIT":"2.AAECAwQFBgcICQoLDA0ODw==|NHbOEoZMNGUGxlbesFnVZXwqSpMdLwJRDi5Ngx8DXnVGo7l+OT7Lq+nLV2lMeSGv|BCqQ1RvqvaFAcIsK/7KQo5cI9/t4jON6pd26DRS731s=","data":"2.EBESExQVFhcYGRobHB0eHw==|1W7x7zxS4924+4muj9Oq/+/v6XKvVi2yqBZqC7lt47VrOGzAP0e+GWHH1IXxOBVx9o8/nH9o/+EDMeL3oxcAi+uolMbkBoKS38SgX1VIkavY3Bpd1Z4jNC0NkCjsL4H0sGoeWPKDmiK4p6pcyiPGFSbpLZHHISeVgKj0YPRN4LQ=|x6+dKdQ4L7oYTM8unF7xnHr02ONueXhuf2Iq6LTT3DM="}"#;
        assert_eq!(Bitwarden.detect(file), Detection::Certain);
        assert!(Bitwarden.is_encrypted(file));
        let imported = Bitwarden.import(file, Some("correct horse")).unwrap();
        let accounts: Vec<_> = imported.accounts().collect();
        assert_eq!(accounts.len(), 1);
        assert_eq!(
            (accounts[0].issuer.as_str(), accounts[0].name.as_str()),
            ("GitHub", "octo")
        );
        assert_eq!(
            accounts[0].secret,
            Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap()
        );
        assert_eq!(
            Bitwarden.import(file, Some("correct horsf")).unwrap_err(),
            ImportError::WrongPassword
        );
    }
}
