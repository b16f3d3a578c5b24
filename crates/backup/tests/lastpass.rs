//! LastPass Authenticator exports written by the app, kept in tests/data (GPL-3.0, like
//! Countersign):
//! - `lastpass_ios.json`: proton-pass-common's
//!   proton-authenticator/test_data/authenticator/lastpass/lastpass_ios_export.json (commit
//!   85bc82bcfe77c658f04c3c6829df451a09047078), byte for byte; an iPhone export, version 1.
//! - `lastpass_android.json`: the Android export (version 3, app 2.21.3) that Proton
//!   Authenticator's iOS tests hold as `MockImporterData.lastpassJson`
//!   (ImportingServicesTests.swift).
//!
//! Their secrets are 17 to 21 base32 characters, three of them not ending on a byte: the
//! expected bytes are those of Python's `base64.b32decode` of the longest prefix that does
//! (e.g. "JDJSKDKDKDKDKDKD" for "JDJSKDKDKDKDKDKDK"), and one code is checked against oathtool.

use countersign_backup::{Account, Algorithm, Detection, Kind, Secret, detect_format, formats};

fn import(file: &str) -> Vec<Account> {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(path).unwrap();
    let format = detect_format(&bytes).unwrap();
    assert_eq!(format.id(), "lastpass");
    let others: Vec<_> = formats()
        .iter()
        .filter(|other| other.id() != "lastpass" && other.detect(&bytes) == Detection::Certain)
        .map(|other| other.id())
        .collect();
    assert!(others.is_empty(), "{others:?}");
    assert!(!format.is_encrypted(&bytes));
    let imported = format.import(&bytes, None).unwrap();
    assert_eq!(imported.invalid().count(), 0);
    imported.into_accounts()
}

fn account(
    issuer: &str,
    name: &str,
    hex: &str,
    period: u32,
    algorithm: Algorithm,
    digits: u8,
) -> Account {
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    Account {
        kind: Kind::Totp { period },
        algorithm,
        digits,
        ..Account::totp(issuer, name, Secret::from_bytes(bytes).unwrap())
    }
}

#[test]
fn ios_export() {
    assert_eq!(
        import("lastpass_ios.json"),
        [
            account(
                "code 1 lastpass",
                "snjxxndjbdbdb",
                "60d60b8529c86e1be539087210",
                30,
                Algorithm::Sha1,
                6
            ),
            account(
                "code2 lastpass",
                "ndjdbxxnbcb",
                "5492508d230dd21ba6e1ba",
                30,
                Algorithm::Sha1,
                6
            ),
        ]
    );
}

#[test]
fn android_export() {
    let accounts = import("lastpass_android.json");
    assert_eq!(
        accounts,
        [
            account(
                "issuer",
                "account name default",
                "08d52410f608c21184790e",
                30,
                Algorithm::Sha1,
                6
            ),
            account(
                "other",
                "",
                "48d3250d4350d4350d43",
                20,
                Algorithm::Sha256,
                8
            ),
            account(
                "",
                "sha512 name",
                "48d231a469a112408c2569",
                30,
                Algorithm::Sha512,
                6
            ),
        ]
    );
    // oathtool --totp=sha256 -d 8 -s 20 -N @1111111111 48d3250d4350d4350d43
    assert_eq!(accounts[1].code_at(1_111_111_111).unwrap().text, "79072103");
    assert_eq!(accounts[1].secret.bits(), 80);
}
