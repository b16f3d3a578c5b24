//! Bitwarden's password-protected JSON export, as the Bitwarden app wrote it, kept in tests/data
//! (GPL-3.0, like Countersign):
//! - `bitwarden_encrypted_argon2id.json`: Authenticator Pro's
//!   AuthenticatorPro.Test/data/bitwarden.encrypted.argon2id.json (jamie-mh/AuthenticatorPro,
//!   commit 0535a300ec238044e1faa85e865bd5382c01f219, GPL-3.0), byte for byte; password
//!   `rud9^5S6$^Ewmr%d` (its BitwardenBackupConverterTest), Argon2id 64 MiB × 3 passes × 4 lanes.
//!
//! The expected accounts were read independently: the file decrypted with Python's
//! `cryptography` (Argon2id, HKDF-Expand, HMAC-SHA256, AES-CBC), not with this crate.

use countersign_backup::{Account, Algorithm, Kind, Secret, detect_format, format_by_id};

const PASSWORD: &str = "rud9^5S6$^Ewmr%d";

fn fixture() -> Vec<u8> {
    let path = format!(
        "{}/tests/data/bitwarden_encrypted_argon2id.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).unwrap()
}

fn totp(issuer: &str, name: &str, secret: &str, algorithm: Algorithm, digits: u8) -> Account {
    Account {
        algorithm,
        digits,
        ..Account::totp(issuer, name, Secret::from_base32(secret).unwrap())
    }
}

#[test]
fn argon2id_export_gives_every_totp_item() {
    let bytes = fixture();
    let format = detect_format(&bytes).unwrap();
    assert_eq!(format.id(), "bitwarden");
    assert!(format.is_encrypted(&bytes));
    let imported = format.import(&bytes, Some(PASSWORD)).unwrap();
    let invalid: Vec<String> = imported.invalid().map(ToString::to_string).collect();
    // The card, identity and secure note have no TOTP key: they are not entries.
    assert_eq!(imported.entries.len(), 8);
    let accounts: Vec<Account> = imported.accounts().cloned().collect();

    let mut long = totp(
        "Long",
        "Period",
        "JGRMXBLPPYQIFMRBFQDHNP3MPPYQYNUN",
        Algorithm::Sha1,
        6,
    );
    long.kind = Kind::Totp { period: 60 };
    long.favourite = true;
    long.group = Some("My Folder".to_owned());
    let mut many = totp(
        "Many",
        "Digits",
        "WEV2GHDH4EAU7D5SZGCIQOFBNQ35EHBS",
        Algorithm::Sha1,
        9,
    );
    many.group = Some("My Folder".to_owned());
    // The URI's label "NoIssuer" names the account (the otpauth:// rule for a label without
    // "Issuer:"), and its issuer parameter says the same: Bitwarden's item name is not used.
    let mut no_issuer = totp(
        "NoIssuer",
        "NoIssuer",
        "KY2QJPMNQLSGSZE2C5F7AYBLBVEEDHFX",
        Algorithm::Sha1,
        6,
    );
    no_issuer.group = Some("My Folder".to_owned());
    let mut standard = totp(
        "Standard",
        "Totp",
        "54VEGZFJHM3BGDONFERMPUOKNGDJETGM",
        Algorithm::Sha1,
        6,
    );
    standard.note = "This is a note".to_owned();
    let mut steam = Account::totp(
        "Steam",
        "john@example.com",
        Secret::from_base32("GJD4ZX3RQMLCAXKCT7GGQ4U27VN4FPK6").unwrap(),
    );
    steam.kind = Kind::Steam { period: 30 };
    steam.digits = 5;
    let expected = [
        long,
        many,
        no_issuer,
        totp(
            "Secret",
            "Only",
            "JOR2VZXMNHACFNLRAOACFFRDRYAOFMLB",
            Algorithm::Sha1,
            6,
        ),
        totp(
            "Sha",
            "256",
            "RJNZJM7PAGJUBG32XHQWHFZVLYOMGIUQ",
            Algorithm::Sha256,
            6,
        ),
        totp(
            "Sha",
            "512",
            "UW33SR5O4EKTDXNCBBS5FSPUKAYXIWOH",
            Algorithm::Sha512,
            6,
        ),
        standard,
        steam,
    ];
    assert_eq!(accounts, expected);
    assert!(invalid.is_empty(), "{invalid:?}");
}

#[test]
fn wrong_missing_password_and_damage_are_told_apart() {
    let bitwarden = format_by_id("bitwarden").unwrap();
    let bytes = fixture();
    assert_eq!(
        bitwarden.import(&bytes, None).unwrap_err().kind(),
        "password_required"
    );
    assert_eq!(
        bitwarden
            .import(&bytes, Some("wrong password"))
            .unwrap_err()
            .kind(),
        "wrong_password"
    );

    // One base64 character of the encrypted content changed: the MAC no longer matches.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let at = text.find("\"data\": \"2.").unwrap() + 40;
    let mut damaged = text.into_bytes();
    damaged[at] = if damaged[at] == b'A' { b'B' } else { b'A' };
    let error = bitwarden.import(&damaged, Some(PASSWORD)).unwrap_err();
    assert_eq!(error.kind(), "corrupt", "{error}");
    assert!(error.to_string().contains("encrypted content"), "{error}");

    // Truncated in the middle of the content.
    let error = bitwarden
        .import(&bytes[..bytes.len() / 2], Some(PASSWORD))
        .unwrap_err();
    assert_eq!(error.kind(), "corrupt", "{error}");
}

#[test]
fn key_derivation_costs_are_capped_before_any_work() {
    let bitwarden = format_by_id("bitwarden").unwrap();
    let text = String::from_utf8(fixture()).unwrap();
    for (from, to, kdf) in [
        ("\"kdfMemory\": 64", "\"kdfMemory\": 4096", "Argon2id"),
        ("\"kdfIterations\": 3", "\"kdfIterations\": 300", "Argon2id"),
        (
            "\"kdfType\": 1,\n  \"kdfIterations\": 3",
            "\"kdfType\": 0,\n  \"kdfIterations\": 4000000000",
            "PBKDF2",
        ),
    ] {
        let costly = text.replace(from, to);
        assert_ne!(costly, text);
        let error = bitwarden
            .import(costly.as_bytes(), Some(PASSWORD))
            .unwrap_err();
        assert_eq!(error.kind(), "kdf_too_expensive", "{error}");
        assert!(error.to_string().contains(kdf), "{error}");
    }
    let unknown = text.replace("\"kdfType\": 1", "\"kdfType\": 7");
    assert_eq!(
        bitwarden
            .import(unknown.as_bytes(), Some(PASSWORD))
            .unwrap_err()
            .kind(),
        "unsupported"
    );
}
