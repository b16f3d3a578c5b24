//! Aegis Authenticator's vault file, plain or encrypted (its docs/vault.md), import and export.
//!
//! Encrypted vaults wrap a random master key in one slot per credential; password slots derive
//! their key with scrypt, and both the slots and the content use AES-256-GCM with the tag stored
//! apart. Content versions 1 (no groups), 2 (a group name per entry) and 3 (group UUIDs and a
//! group list) are read; version 3 is written.

use std::collections::HashMap;

use countersign_otp::{Account, Algorithm, Kind, Secret};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use crate::crypto::{self, ScryptParams};
use crate::json::{self, Converted, Problem};
use crate::{Detection, Format, ImportError, Imported};

const NAME: &str = "Aegis";
/// Newest vault file version (the envelope) understood.
const FILE_VERSION: u32 = 1;
/// Newest content version understood, and the one written.
const DB_VERSION: u32 = 3;
/// More password slots than this is not a real vault; each one costs a scrypt run.
const MAX_PASSWORD_SLOTS: usize = 8;
const SLOT_PASSWORD: u8 = 1;

/// Aegis's vault and backup files.
pub(crate) struct Aegis;

#[derive(Deserialize)]
struct VaultFile<'a> {
    version: u32,
    header: Header,
    #[serde(borrow)]
    db: &'a RawValue,
}

#[derive(Deserialize)]
struct Header {
    slots: Option<Vec<Slot>>,
    params: Option<CryptParams>,
}

#[derive(Deserialize)]
struct Slot {
    #[serde(rename = "type")]
    kind: u8,
    #[serde(default)]
    key: String,
    key_params: Option<CryptParams>,
    n: Option<u64>,
    r: Option<u64>,
    p: Option<u64>,
    salt: Option<String>,
    #[serde(default)]
    repaired: bool,
}

#[derive(Deserialize, Serialize)]
struct CryptParams {
    nonce: String,
    tag: String,
}

#[derive(Deserialize)]
struct Db<'a> {
    version: u32,
    #[serde(borrow)]
    entries: Vec<&'a RawValue>,
    #[serde(default)]
    groups: Vec<Group>,
}

#[derive(Deserialize)]
struct Group {
    uuid: String,
    name: String,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    favorite: bool,
    /// Version 3: UUIDs into the content's group list.
    #[serde(default)]
    groups: Option<Vec<String>>,
    /// Version 2: the group's name.
    #[serde(default)]
    group: Option<String>,
    info: Info,
}

#[derive(Deserialize)]
struct Info {
    secret: Zeroizing<String>,
    algo: Option<String>,
    digits: Option<u8>,
    period: Option<u32>,
    counter: Option<u64>,
}

impl Format for Aegis {
    fn id(&self) -> &'static str {
        "aegis"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        match json::probe::<VaultFile>(bytes) {
            Some(_) => Detection::Certain,
            None => Detection::No,
        }
    }

    fn is_encrypted(&self, bytes: &[u8]) -> bool {
        json::probe::<VaultFile>(bytes).is_some_and(|probe| probe.header.slots.is_some())
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        let file: VaultFile = json::parse(NAME, bytes)?;
        if file.version > FILE_VERSION {
            return Err(unsupported_version(file.version));
        }
        match (file.header.slots, file.header.params) {
            (None, None) => {
                let db: Db = json::parse(NAME, file.db.get().as_bytes())?;
                convert_db(db)
            }
            (Some(slots), Some(params)) => {
                let db: String = serde_json::from_str(file.db.get())
                    .map_err(|_| corrupt("encrypted content", "not a string"))?;
                let content = decrypt(&slots, &params, &db, password)?;
                let db: Db = json::parse_decrypted(NAME, &content)?;
                convert_db(db)
            }
            _ => Err(corrupt(
                "header",
                "has key slots or encryption parameters, but not both",
            )),
        }
    }
}

fn corrupt(part: &'static str, detail: impl Into<String>) -> ImportError {
    ImportError::Corrupt {
        format: NAME,
        part,
        detail: detail.into(),
    }
}

fn unsupported_version(version: u32) -> ImportError {
    ImportError::UnsupportedVersion {
        format: NAME,
        version: version.to_string(),
        supported: "vault 1, content 3",
    }
}

/// A password slot with its parameters checked, before any key is derived.
struct PasswordSlot<'a> {
    scrypt: ScryptParams,
    salt: Vec<u8>,
    key: Vec<u8>,
    params: &'a CryptParams,
    repaired: bool,
}

fn decrypt(
    slots: &[Slot],
    params: &CryptParams,
    db: &str,
    password: Option<&str>,
) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let slots = slots
        .iter()
        .filter(|slot| slot.kind == SLOT_PASSWORD)
        .collect::<Vec<_>>();
    if slots.is_empty() {
        return Err(ImportError::Unsupported {
            format: NAME,
            what: "this vault has no password slot (only biometrics unlock it): export it from \
                   Aegis with a password"
                .to_owned(),
        });
    }
    if slots.len() > MAX_PASSWORD_SLOTS {
        return Err(ImportError::KdfTooExpensive {
            kdf: "scrypt",
            detail: format!(
                "{} password slots, more than {MAX_PASSWORD_SLOTS}",
                slots.len()
            ),
        });
    }
    // Every slot is checked before the first is tried, so a hostile slot fails fast.
    let slots = slots
        .into_iter()
        .map(|slot| {
            let (Some(n), Some(r), Some(p), Some(salt), Some(key_params)) =
                (slot.n, slot.r, slot.p, &slot.salt, &slot.key_params)
            else {
                return Err(corrupt("key slot", "a password slot lacks its parameters"));
            };
            Ok(PasswordSlot {
                scrypt: ScryptParams::new(n, r, p)?,
                salt: crypto::hex_decode(salt).ok_or_else(|| corrupt("key slot", "bad salt"))?,
                key: crypto::hex_decode(&slot.key).ok_or_else(|| corrupt("key slot", "bad key"))?,
                params: key_params,
                repaired: slot.repaired,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let ciphertext =
        crypto::base64_decode(db).ok_or_else(|| corrupt("encrypted content", "not base64"))?;
    let nonce = crypto::hex_decode(&params.nonce)
        .ok_or_else(|| corrupt("encryption parameters", "bad nonce"))?;
    let tag = crypto::hex_decode(&params.tag)
        .ok_or_else(|| corrupt("encryption parameters", "bad tag"))?;

    let password = password.ok_or(ImportError::PasswordRequired)?;
    let master_key = slots
        .iter()
        .find_map(|slot| open_slot(slot, password))
        .ok_or(ImportError::WrongPassword)?;
    crypto::aes_gcm_open(&master_key, &nonce, &ciphertext, &tag).ok_or_else(|| {
        corrupt(
            "encrypted content",
            "the password is right but the content does not authenticate: the file was changed \
             or truncated",
        )
    })
}

fn open_slot(slot: &PasswordSlot, password: &str) -> Option<Zeroizing<Vec<u8>>> {
    let nonce = crypto::hex_decode(&slot.params.nonce)?;
    let tag = crypto::hex_decode(&slot.params.tag)?;
    let open = |password: &[u8]| {
        let key = slot.scrypt.derive(password, &slot.salt);
        crypto::aes_gcm_open(key.as_ref(), &nonce, &slot.key, &tag)
    };
    open(password.as_bytes()).or_else(|| {
        // Aegis issue #95: slots made before the fix derived from a padded encoding. It only
        // differs from the correct one past 64 bytes (HMAC pads shorter keys with zeros), so
        // Aegis retries with it then, and only for slots not yet repaired.
        let legacy = java_legacy_password_bytes(password);
        (!slot.repaired && legacy.len() > 64)
            .then(|| open(&legacy))
            .flatten()
    })
}

/// What Aegis's `toBytesOld` produced: the UTF-8 bytes in the whole buffer Java's encoder
/// allocated (UTF-16 length × 1.1, grown to 2n+1 until it fits), zero-padded.
fn java_legacy_password_bytes(password: &str) -> Zeroizing<Vec<u8>> {
    let utf8 = password.as_bytes();
    let utf16_len = password.encode_utf16().count();
    let mut capacity = (utf16_len as f32 * 1.1) as usize;
    while capacity < utf8.len() {
        capacity = 2 * capacity + 1;
    }
    let mut bytes = Zeroizing::new(vec![0; capacity]);
    bytes[..utf8.len()].copy_from_slice(utf8);
    bytes
}

fn convert_db(db: Db) -> Result<Imported, ImportError> {
    if db.version > DB_VERSION {
        return Err(unsupported_version(db.version));
    }
    let groups: HashMap<&str, &str> = db
        .groups
        .iter()
        .map(|group| (group.uuid.as_str(), group.name.as_str()))
        .collect();
    Ok(Imported {
        entries: json::convert_each(&db.entries, |entry| convert_entry(entry, &groups)),
        warnings: Vec::new(),
        backup_codes: Vec::new(),
    })
}

fn convert_entry(entry: Entry, groups: &HashMap<&str, &str>) -> Converted {
    let issuer = entry.issuer.unwrap_or_default();
    let name = entry.name.unwrap_or_default();
    let fail = |problem: Problem| json::fail(&issuer, &name, problem);
    let info = entry.info;
    let secret = Secret::from_base32(&info.secret).map_err(|e| fail(e.into()))?;
    let period = info.period.unwrap_or(30);
    let kind = match entry.kind.to_ascii_lowercase().as_str() {
        "totp" => Kind::Totp { period },
        "steam" => Kind::Steam { period },
        "hotp" => Kind::Hotp {
            counter: info.counter.unwrap_or(0),
        },
        "yandex" => return Err(fail(Problem::unsupported_type("Yandex OTP"))),
        "motp" => return Err(fail(Problem::unsupported_type("mOTP"))),
        other => return Err(fail(Problem::unknown_type(other))),
    };
    let algorithm = match info.algo.as_deref() {
        None => Algorithm::Sha1,
        Some(algo) => Algorithm::parse(algo).ok_or_else(|| fail(Problem::algorithm(algo)))?,
    };
    // Version 3 lists group UUIDs; a person's account sits in one group here, so the first
    // group the vault knows wins. Version 2 named the group directly.
    let group = match entry.groups {
        Some(uuids) => uuids
            .iter()
            .find_map(|uuid| groups.get(uuid.as_str()))
            .map(|name| (*name).to_owned()),
        None => entry.group.filter(|group| !group.is_empty()),
    };
    let account = Account {
        issuer: issuer.clone(),
        name: name.clone(),
        secret,
        kind,
        algorithm,
        digits: info.digits.unwrap_or(6),
        note: entry.note.unwrap_or_default(),
        group,
        favourite: entry.favorite,
        icon: None,
        time_offset: 0,
    };
    account.validate().map_err(|e| fail(e.into()))?;
    Ok(account)
}

#[derive(Serialize)]
struct OutFile<D> {
    version: u32,
    header: OutHeader,
    db: D,
}

#[derive(Serialize)]
struct OutHeader {
    slots: Option<Vec<OutSlot>>,
    params: Option<CryptParams>,
}

#[derive(Serialize)]
struct OutSlot {
    #[serde(rename = "type")]
    kind: u8,
    uuid: String,
    key: String,
    key_params: CryptParams,
    n: u32,
    r: u32,
    p: u32,
    salt: String,
    repaired: bool,
    is_backup: bool,
}

#[derive(Serialize)]
struct OutDb<'a> {
    version: u32,
    entries: Vec<OutEntry<'a>>,
    groups: Vec<OutGroup<'a>>,
    icons_optimized: bool,
}

#[derive(Serialize)]
struct OutGroup<'a> {
    uuid: String,
    name: &'a str,
}

#[derive(Serialize)]
struct OutEntry<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    uuid: String,
    name: &'a str,
    issuer: &'a str,
    note: &'a str,
    favorite: bool,
    icon: Option<()>,
    info: OutInfo,
    groups: Vec<String>,
}

#[derive(Serialize)]
struct OutInfo {
    secret: Zeroizing<String>,
    algo: &'static str,
    digits: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn content(accounts: &[Account]) -> OutDb<'_> {
    let mut groups: Vec<OutGroup> = Vec::new();
    let entries = accounts
        .iter()
        .map(|account| {
            let group = account.group.as_deref().map(|name| {
                match groups.iter().find(|group| group.name == name) {
                    Some(group) => group.uuid.clone(),
                    None => {
                        let uuid = uuid();
                        groups.push(OutGroup {
                            uuid: uuid.clone(),
                            name,
                        });
                        uuid
                    }
                }
            });
            OutEntry {
                kind: account.kind.name(),
                uuid: uuid(),
                name: &account.name,
                issuer: &account.issuer,
                note: &account.note,
                favorite: account.favourite,
                icon: None,
                info: OutInfo {
                    secret: account.secret.to_base32(),
                    algo: account.algorithm.as_str(),
                    digits: account.digits,
                    period: account.kind.period(),
                    counter: account.kind.counter(),
                },
                groups: group.into_iter().collect(),
            }
        })
        .collect();
    OutDb {
        version: DB_VERSION,
        entries,
        groups,
        icons_optimized: true,
    }
}

/// Aegis writes its files with JSONObject.toString(4): four-space indents.
fn to_pretty_json(value: &impl Serialize) -> Zeroizing<String> {
    let mut out = Zeroizing::new(Vec::new());
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut *out, formatter);
    value
        .serialize(&mut serializer)
        .expect("plain data serialises");
    Zeroizing::new(String::from_utf8(std::mem::take(&mut *out)).expect("JSON is UTF-8"))
}

pub(crate) fn export_plain(accounts: &[Account]) -> Zeroizing<String> {
    to_pretty_json(&OutFile {
        version: FILE_VERSION,
        header: OutHeader {
            slots: None,
            params: None,
        },
        db: content(accounts),
    })
}

pub(crate) fn export_encrypted(accounts: &[Account], password: &str) -> String {
    let plaintext =
        Zeroizing::new(serde_json::to_vec(&content(accounts)).expect("plain data serialises"));
    let master_key = Zeroizing::new(crypto::random::<32>());
    let (nonce, ciphertext, tag) = crypto::aes_gcm_seal(&master_key, &plaintext);

    let salt = crypto::random::<32>();
    let slot_key = ScryptParams::aegis().derive(password.as_bytes(), &salt);
    let (slot_nonce, wrapped, slot_tag) = crypto::aes_gcm_seal(&slot_key, master_key.as_ref());
    let slot = OutSlot {
        kind: SLOT_PASSWORD,
        uuid: uuid(),
        key: crypto::hex_encode(&wrapped),
        key_params: CryptParams {
            nonce: crypto::hex_encode(&slot_nonce),
            tag: crypto::hex_encode(&slot_tag),
        },
        n: 1 << 15,
        r: 8,
        p: 1,
        salt: crypto::hex_encode(&salt),
        repaired: true,
        is_backup: false,
    };
    let file = OutFile {
        version: FILE_VERSION,
        header: OutHeader {
            slots: Some(vec![slot]),
            params: Some(CryptParams {
                nonce: crypto::hex_encode(&nonce),
                tag: crypto::hex_encode(&tag),
            }),
        },
        db: crypto::base64_encode(&ciphertext),
    };
    // Nothing secret is left in clear: the zeroizing wrapper is not needed past this point.
    std::mem::take(&mut *to_pretty_json(&file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_password_encoding_matches_java() {
        // "test": 4 UTF-16 units -> a 4-byte buffer (4 * 1.1 = 4.4).
        assert_eq!(&*java_legacy_password_bytes("test"), b"test");
        // 60 ASCII characters -> 66 bytes, 6 of them padding.
        let long = "a".repeat(60);
        let legacy = java_legacy_password_bytes(&long);
        assert_eq!(legacy.len(), 66);
        assert!(legacy[60..].iter().all(|&b| b == 0));
        // "é" is one UTF-16 unit but two UTF-8 bytes: the 1-byte buffer grows to 3.
        assert_eq!(
            &*java_legacy_password_bytes("é"),
            "é".as_bytes()
                .iter()
                .copied()
                .chain([0])
                .collect::<Vec<_>>()
                .as_slice()
        );
    }

    #[test]
    fn unrepaired_slot_opens_with_legacy_bytes_only_past_64() {
        let password = "correct horse battery staple, and then some more words to pass 64";
        let legacy = java_legacy_password_bytes(password);
        assert!(legacy.len() > 64);
        let master_key = [9u8; 32];
        let salt = [1u8; 32];
        let scrypt = ScryptParams::new(1 << 4, 8, 1).unwrap();
        let wrapping = scrypt.derive(&legacy, &salt);
        let (nonce, wrapped, tag) = crypto::aes_gcm_seal(&wrapping, &master_key);
        let params = CryptParams {
            nonce: crypto::hex_encode(&nonce),
            tag: crypto::hex_encode(&tag),
        };
        let mut slot = PasswordSlot {
            scrypt,
            salt: salt.to_vec(),
            key: wrapped,
            params: &params,
            repaired: false,
        };
        assert_eq!(
            open_slot(&slot, password).as_deref(),
            Some(&master_key.to_vec())
        );
        slot.repaired = true;
        assert!(open_slot(&slot, password).is_none());
    }

    #[test]
    fn version_2_group_names_and_version_3_group_uuids() {
        let file = br#"{"version":1,"header":{"slots":null,"params":null},"db":{"version":3,
            "groups":[{"uuid":"g1","name":"Work"},{"uuid":"g2","name":"Home"}],
            "entries":[
              {"type":"totp","name":"a","issuer":"A","note":"n","favorite":true,"groups":["gX","g2"],
               "info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}},
              {"type":"totp","name":"b","issuer":"B","group":"Old",
               "info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}},
              {"type":"yandex","name":"c","issuer":"C",
               "info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA256","digits":8,"period":30,"pin":"1234"}},
              {"type":"totp","name":"d","issuer":"D","info":{"algo":"SHA1"}}
            ]}}"#;
        let imported = Aegis.import(file, None).unwrap();
        let accounts: Vec<_> = imported.accounts().collect();
        assert_eq!(accounts.len(), 2);
        assert_eq!(accounts[0].group.as_deref(), Some("Home"));
        assert_eq!(
            (accounts[0].note.as_str(), accounts[0].favourite),
            ("n", true)
        );
        assert_eq!(accounts[1].group.as_deref(), Some("Old"));
        let invalid: Vec<_> = imported.invalid().collect();
        assert_eq!(invalid[0].position, 3);
        assert_eq!(invalid[0].label, "C (c)");
        assert_eq!(invalid[0].reason, "Yandex OTP is not supported");
        assert_eq!(invalid[1].position, 4);
        assert_eq!(
            invalid[1].reason,
            "unreadable entry: missing field `secret`"
        );
    }
}
