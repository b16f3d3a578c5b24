//! Raivo OTP and WinAuth exports, kept in tests/data/raivo and tests/data/winauth. No file
//! written by either app is public, so these were built around the JSON and text each app's
//! source writes, with independent encoders of the same archive formats: 7-Zip (WinZip AES,
//! AE-2, as Raivo's minizip writes), libarchive's bsdtar (WinZip AES, AE-1) and Info-ZIP's
//! `zip -P` (ZipCrypto, as WinAuth's SharpZipLib writes). tests/data/RAIVO_WINAUTH.md says how.
//!
//! Expected secrets are the raw bytes the base32 texts were made from, not our decoder's output.

use countersign_backup::{
    Account, Algorithm, Detection, ImportError, Kind, Secret, detect_format, format_by_id, formats,
};

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn account(
    issuer: &str,
    name: &str,
    secret: &[u8],
    kind: Kind,
    algorithm: Algorithm,
    digits: u8,
) -> Account {
    Account {
        kind,
        algorithm,
        digits,
        ..Account::totp(issuer, name, Secret::from_bytes(secret.to_vec()).unwrap())
    }
}

const TOTP_30: Kind = Kind::Totp { period: 30 };

fn raivo_accounts() -> Vec<Account> {
    vec![
        Account {
            favourite: true,
            ..account(
                "GitHub",
                "octocat@example.com",
                b"Hello!\xde\xad\xbe\xef",
                TOTP_30,
                Algorithm::Sha1,
                6,
            )
        },
        account(
            "AT&T / Mobile",
            "alice",
            b"12345678901234567890",
            Kind::Totp { period: 60 },
            Algorithm::Sha256,
            8,
        ),
        account(
            "Bank",
            "bob",
            b"This is a secret",
            Kind::Hotp { counter: 42 },
            Algorithm::Sha512,
            6,
        ),
        account(
            "Zürich Kantonalbank",
            "",
            b"1234567890",
            TOTP_30,
            Algorithm::Sha1,
            6,
        ),
    ]
}

fn winauth_accounts() -> Vec<Account> {
    vec![
        account(
            "Google",
            "alice@gmail.com",
            b"Hello!\xde\xad\xbe\xef",
            TOTP_30,
            Algorithm::Sha1,
            6,
        ),
        account(
            "Work VPN",
            "",
            b"12345678901234567890",
            Kind::Totp { period: 60 },
            Algorithm::Sha256,
            8,
        ),
        Account {
            note: "Serial US-1234-5678-9012".to_owned(),
            ..account(
                "Battle.net",
                "Battle.net",
                b"battle.net-secret-20",
                TOTP_30,
                Algorithm::Sha1,
                8,
            )
        },
        account(
            "Steam",
            "gaben",
            b"steam-shared-secret!",
            Kind::Steam { period: 30 },
            Algorithm::Sha1,
            5,
        ),
        account(
            "Home Router",
            "",
            b"This is a secret",
            Kind::Hotp { counter: 7 },
            Algorithm::Sha512,
            6,
        ),
        account(
            "My Bank",
            "joint+savings",
            b"1234567890",
            TOTP_30,
            Algorithm::Sha1,
            6,
        ),
    ]
}

/// The format `bytes` are detected as, checking no other format but `also` is certain too.
fn detected(bytes: &[u8], also: &[&str]) -> &'static str {
    let id = detect_format(bytes).unwrap().id();
    let others: Vec<_> = formats()
        .iter()
        .filter(|format| format.id() != id && !also.contains(&format.id()))
        .filter(|format| format.detect(bytes) == Detection::Certain)
        .map(|format| format.id())
        .collect();
    assert!(others.is_empty(), "also certain: {others:?}");
    id
}

fn corrupt_part(error: ImportError) -> &'static str {
    match error {
        ImportError::Corrupt { part, .. } => part,
        other => panic!("expected corrupt, got {other:?}"),
    }
}

/// Where the data of the member `name` starts, from its local header.
fn data_offset(bytes: &[u8], name: &str) -> usize {
    let header = bytes
        .windows(name.len())
        .position(|window| window == name.as_bytes())
        .unwrap()
        - 30;
    assert_eq!(&bytes[header..header + 4], b"PK\x03\x04");
    let field = |at: usize| usize::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]));
    header + 30 + field(header + 26) + field(header + 28)
}

const RAIVO_ARCHIVES: [&str; 4] = [
    "raivo/raivo_aes256.zip",
    "raivo/raivo_aes128.zip",
    "raivo/raivo_aes192_stored.zip",
    "raivo/raivo_ae1_aes128.zip",
];

#[test]
fn raivo_json_alone_gives_its_four_accounts() {
    let bytes = fixture("raivo/raivo-otp-export.json");
    assert_eq!(detected(&bytes, &[]), "raivo");
    let raivo = format_by_id("raivo").unwrap();
    assert!(!raivo.is_encrypted(&bytes));
    let imported = raivo.import(&bytes, None).unwrap();
    assert_eq!(imported.invalid().count(), 0);
    assert_eq!(imported.into_accounts(), raivo_accounts());
}

#[test]
fn raivo_archives_in_every_aes_strength_and_version_give_the_same_accounts() {
    let raivo = format_by_id("raivo").unwrap();
    for path in RAIVO_ARCHIVES {
        let bytes = fixture(path);
        assert_eq!(detected(&bytes, &[]), "raivo", "{path}");
        assert!(raivo.is_encrypted(&bytes), "{path}");
        assert_eq!(
            raivo.import(&bytes, None).unwrap_err(),
            ImportError::PasswordRequired,
            "{path}"
        );
        assert_eq!(
            raivo.import(&bytes, Some("raivo-test ")).unwrap_err(),
            ImportError::WrongPassword,
            "{path}"
        );
        let imported = raivo.import(&bytes, Some("raivo-test")).unwrap();
        assert_eq!(imported.invalid().count(), 0, "{path}");
        assert_eq!(imported.into_accounts(), raivo_accounts(), "{path}");
    }
}

#[test]
fn a_changed_byte_in_raivo_ciphertext_fails_the_authentication_code() {
    let raivo = format_by_id("raivo").unwrap();
    for path in RAIVO_ARCHIVES {
        let mut bytes = fixture(path);
        // Past the salt (at most 16 bytes) and the 2-byte verifier: inside the ciphertext.
        let at = data_offset(&bytes, "raivo-otp-export.json") + 16 + 2 + 40;
        bytes[at] ^= 0x01;
        let error = raivo.import(&bytes, Some("raivo-test")).unwrap_err();
        assert_eq!(error.kind(), "corrupt", "{path}");
        assert_eq!(corrupt_part(error), "authentication code", "{path}");
    }
}

#[test]
fn a_truncated_raivo_archive_is_corrupt_not_unknown() {
    let bytes = fixture("raivo/raivo_aes256.zip");
    for cut in [bytes.len() / 2, bytes.len() - 30] {
        let truncated = &bytes[..cut];
        assert_eq!(detected(truncated, &[]), "raivo", "cut at {cut}");
        let error = format_by_id("raivo")
            .unwrap()
            .import(truncated, Some("raivo-test"))
            .unwrap_err();
        assert_eq!(
            corrupt_part(error),
            "the archive ends early",
            "cut at {cut}"
        );
    }
}

#[test]
fn raivo_entries_with_bad_values_are_reported_one_by_one() {
    let file = br#"[
        {"kind":"TOTP","issuer":"Ok","account":"a","secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA1","digits":"6","timer":"30","counter":"0"},
        {"kind":"MOTP","issuer":"Odd","account":"b","secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA1","digits":"6","timer":"30","counter":"0"},
        {"kind":"TOTP","issuer":"Bad","account":"c","secret":"JBSWY3DPEHPK3PXP","algorithm":"MD5","digits":"6","timer":"30","counter":"0"},
        {"kind":"TOTP","issuer":"Text","account":"d","secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA1","digits":"six","timer":"30","counter":"0"}
    ]"#;
    let imported = format_by_id("raivo").unwrap().import(file, None).unwrap();
    assert_eq!(imported.accounts().count(), 1);
    let reasons: Vec<_> = imported
        .invalid()
        .map(|entry| (entry.position, entry.label.as_str(), entry.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            (2, "Odd (b)", "unknown kind \"MOTP\""),
            (3, "Bad (c)", "unsupported algorithm \"MD5\""),
            (4, "Text (d)", "digits is not a number"),
        ]
    );
}

#[test]
fn winauth_text_gives_its_six_accounts_with_winauth_labels() {
    let bytes = fixture("winauth/winauth-export.txt");
    // Any otpauth list is also the URI list's, which comes later.
    assert_eq!(detected(&bytes, &["uris"]), "winauth");
    let winauth = format_by_id("winauth").unwrap();
    assert!(!winauth.is_encrypted(&bytes));
    let imported = winauth.import(&bytes, None).unwrap();
    assert_eq!(imported.invalid().count(), 0);
    assert_eq!(imported.into_accounts(), winauth_accounts());
}

#[test]
fn winauth_zip_needs_its_password() {
    let bytes = fixture("winauth/winauth-export.zip");
    assert_eq!(detected(&bytes, &[]), "winauth");
    let winauth = format_by_id("winauth").unwrap();
    assert!(winauth.is_encrypted(&bytes));
    assert_eq!(
        winauth.import(&bytes, None).unwrap_err(),
        ImportError::PasswordRequired
    );
    assert_eq!(
        winauth.import(&bytes, Some("winauth-tesT")).unwrap_err(),
        ImportError::WrongPassword
    );
    let imported = winauth.import(&bytes, Some("winauth-test")).unwrap();
    assert_eq!(imported.invalid().count(), 0);
    assert_eq!(imported.into_accounts(), winauth_accounts());
}

#[test]
fn a_damaged_winauth_zip_is_corrupt() {
    let bytes = fixture("winauth/winauth-export.zip");
    let winauth = format_by_id("winauth").unwrap();
    let mut changed = bytes.clone();
    // Past ZipCrypto's 12-byte header: the deflated text.
    let at = data_offset(&bytes, "winauth-export.txt") + 12 + 20;
    changed[at] ^= 0x01;
    let error = winauth.import(&changed, Some("winauth-test")).unwrap_err();
    assert_eq!(error.kind(), "corrupt");
    let truncated = &bytes[..bytes.len() / 2];
    assert_eq!(detected(truncated, &[]), "winauth");
    let error = winauth.import(truncated, Some("winauth-test")).unwrap_err();
    assert_eq!(corrupt_part(error), "the archive ends early");
}

#[test]
fn other_uri_lists_stay_with_the_uri_importer() {
    // Countersign's own export writes issuer and algorithm before digits.
    let list = b"otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=SHA1&digits=6&period=30\n";
    assert_eq!(detect_format(list).unwrap().id(), "uris");
    assert_eq!(format_by_id("winauth").unwrap().detect(list), Detection::No);
}

/// Every single-byte change of an archive either fails or gives exactly the same accounts
/// (a changed timestamp, say): never other accounts, never a panic.
#[test]
fn no_changed_byte_yields_other_accounts() {
    for (path, id, password, expected) in [
        (
            "raivo/raivo_aes256.zip",
            "raivo",
            "raivo-test",
            raivo_accounts(),
        ),
        (
            "raivo/raivo_ae1_aes128.zip",
            "raivo",
            "raivo-test",
            raivo_accounts(),
        ),
        (
            "winauth/winauth-export.zip",
            "winauth",
            "winauth-test",
            winauth_accounts(),
        ),
    ] {
        let bytes = fixture(path);
        let format = format_by_id(id).unwrap();
        for at in 0..bytes.len() {
            let mut changed = bytes.clone();
            changed[at] ^= 0x20;
            if let Ok(imported) = format.import(&changed, Some(password)) {
                assert_eq!(imported.into_accounts(), expected, "{path}: byte {at}");
            }
        }
    }
}
