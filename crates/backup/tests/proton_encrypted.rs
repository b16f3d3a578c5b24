//! Proton Authenticator's password-protected export, kept in tests/data (GPL-3.0, like
//! Countersign):
//! - `proton_authenticator_encrypted.json`: Aegis's
//!   app/src/test/resources/com/beemdevelopment/aegis/importers/proton_authenticator_encrypted.json
//!   (git blob 40d5281198383637eedf13c5e045833b9579addd, read from the zxgv5/a-Aegis copy of
//!   beemdevelopment/Aegis at commit a9d45b3ade1eda43ea796c7d7546e0147275ba7c; GPL-3.0), byte
//!   for byte; password `test`. It holds four of the eight accounts of Aegis's importer test
//!   set (../shared/fixtures/aegis-importers/EXPECTED.md), the Steam one without its label.
//!
//! The expected accounts were read independently: the file decrypted with Python's
//! `cryptography` (Argon2id 19 MiB × 2 passes, AES-256-GCM with Proton's associated data).

use countersign_backup::{Account, Algorithm, Kind, Secret, detect_format, format_by_id};

fn fixture() -> Vec<u8> {
    let path = format!(
        "{}/tests/data/proton_authenticator_encrypted.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).unwrap()
}

fn account(
    issuer: &str,
    name: &str,
    secret: &str,
    kind: Kind,
    algorithm: Algorithm,
    digits: u8,
) -> Account {
    Account {
        kind,
        algorithm,
        digits,
        ..Account::totp(issuer, name, Secret::from_base32(secret).unwrap())
    }
}

#[test]
fn encrypted_export_gives_its_four_accounts() {
    let bytes = fixture();
    let format = detect_format(&bytes).unwrap();
    assert_eq!(format.id(), "proton");
    assert!(format.is_encrypted(&bytes));
    let imported = format.import(&bytes, Some("test")).unwrap();
    assert_eq!(imported.invalid().count(), 0);
    assert_eq!(
        imported.into_accounts(),
        [
            account(
                "Deno",
                "Mason",
                "4SJHB4GSD43FZBAI7C2HLRJGPQ",
                Kind::Totp { period: 30 },
                Algorithm::Sha1,
                6
            ),
            account(
                "SPDX",
                "James",
                "5OM4WOOGPLQEF6UGN3CPEOOLWU",
                Kind::Totp { period: 20 },
                Algorithm::Sha256,
                7
            ),
            account(
                "Airbnb",
                "Elijah",
                "7ELGJSGXNCCTV3O6LKJWYFV2RA",
                Kind::Totp { period: 50 },
                Algorithm::Sha512,
                8
            ),
            // `steam://SECRET` with a null name: Proton keeps no label for it.
            account(
                "Steam",
                "",
                "JRZCL47CMXVOQMNPZR2F7J4RGI",
                Kind::Steam { period: 30 },
                Algorithm::Sha1,
                5
            ),
        ]
    );
}

#[test]
fn wrong_missing_password_and_damage_are_told_apart() {
    let proton = format_by_id("proton").unwrap();
    let bytes = fixture();
    assert_eq!(
        proton.import(&bytes, None).unwrap_err().kind(),
        "password_required"
    );
    assert_eq!(
        proton.import(&bytes, Some("tes")).unwrap_err().kind(),
        "wrong_password"
    );

    let text = String::from_utf8(bytes.clone()).unwrap();
    // Cut short inside the content: the JSON ends early.
    let error = proton
        .import(&bytes[..bytes.len() / 2], Some("test"))
        .unwrap_err();
    assert_eq!(error.kind(), "corrupt", "{error}");
    // Content that is not base64, or too short to hold a nonce and a tag.
    let damaged = text.replace("\"content\":\"gGNk", "\"content\":\"*GNk");
    assert_ne!(damaged, text);
    let error = proton.import(damaged.as_bytes(), Some("test")).unwrap_err();
    assert_eq!(error.kind(), "corrupt", "{error}");
    assert!(error.to_string().contains("encrypted content"), "{error}");
    let start = text.find("\"content\":\"").unwrap() + 11;
    let short = format!("{}AAAAAAAAAAAAAAAA\"}}", &text[..start]);
    let error = proton.import(short.as_bytes(), Some("test")).unwrap_err();
    assert_eq!(error.kind(), "corrupt", "{error}");

    let newer = text.replace("\"version\":1", "\"version\":2");
    assert_eq!(
        proton
            .import(newer.as_bytes(), Some("test"))
            .unwrap_err()
            .kind(),
        "unsupported_version"
    );
}
