//! The importers of ../shared/fixtures/more-importers against the files the apps wrote, read in
//! place, compared with its EXPECTED.md: the table of ../aegis-importers/EXPECTED.md with each
//! file's adjustments. Like Aegis's importer test, each imported account is looked up by its
//! secret and must equal its row in every field; unlike it, the number of accounts is checked
//! too. Skips with a message when the folder is absent.

use std::path::PathBuf;

use countersign_backup::{Account, Algorithm, Imported, Kind, Secret, detect_format, format_by_id};

/// One expected account.
#[derive(Clone, Debug)]
struct Row {
    issuer: &'static str,
    name: &'static str,
    kind: Kind,
    secret: &'static str,
    algorithm: Algorithm,
    digits: u8,
}

const fn totp(period: u32) -> Kind {
    Kind::Totp { period }
}

const fn hotp(counter: u64) -> Kind {
    Kind::Hotp { counter }
}

const fn row(
    issuer: &'static str,
    name: &'static str,
    kind: Kind,
    secret: &'static str,
    algorithm: Algorithm,
    digits: u8,
) -> Row {
    Row {
        issuer,
        name,
        kind,
        secret,
        algorithm,
        digits,
    }
}

/// ../aegis-importers/EXPECTED.md's table, row for row.
const TABLE: [Row; 8] = [
    row(
        "Deno",
        "Mason",
        totp(30),
        "4SJHB4GSD43FZBAI7C2HLRJGPQ",
        Algorithm::Sha1,
        6,
    ),
    row(
        "SPDX",
        "James",
        totp(20),
        "5OM4WOOGPLQEF6UGN3CPEOOLWU",
        Algorithm::Sha256,
        7,
    ),
    row(
        "Airbnb",
        "Elijah",
        totp(50),
        "7ELGJSGXNCCTV3O6LKJWYFV2RA",
        Algorithm::Sha512,
        8,
    ),
    row(
        "Issuu",
        "James",
        hotp(1),
        "YOOMIXWS5GN6RTBPUFFWKTW5M4",
        Algorithm::Sha1,
        6,
    ),
    row(
        "Air Canada",
        "Benjamin",
        hotp(50),
        "KUVJJOM753IHTNDSZVCNKL7GII",
        Algorithm::Sha256,
        7,
    ),
    row(
        "WWE",
        "Mason",
        hotp(10300),
        "5VAML3X35THCEBVRLV24CGBKOY",
        Algorithm::Sha512,
        8,
    ),
    row(
        "Boeing",
        "Sophia",
        Kind::Steam { period: 30 },
        "JRZCL47CMXVOQMNPZR2F7J4RGI",
        Algorithm::Sha1,
        5,
    ),
    row(
        "Battle.net",
        "US-2211-2050-3346",
        totp(30),
        "BMGRXPGFARQQF4GMT25JATL2VYLAHDBI",
        Algorithm::Sha1,
        8,
    ),
];

/// The rows of these issuers.
fn rows(issuers: &[&str]) -> Vec<Row> {
    issuers
        .iter()
        .map(|issuer| {
            TABLE
                .iter()
                .find(|row| row.issuer == *issuer)
                .unwrap()
                .clone()
        })
        .collect()
}

const SEVEN: [&str; 7] = [
    "Deno",
    "SPDX",
    "Airbnb",
    "Issuu",
    "Air Canada",
    "WWE",
    "Boeing",
];
const SIX: [&str; 6] = ["Deno", "SPDX", "Airbnb", "Issuu", "Air Canada", "WWE"];
const THREE: [&str; 3] = ["Deno", "SPDX", "Airbnb"];

/// The same rows with the HOTP counters one less: FreeOTP stores the last counter used.
fn counters_minus_one(rows: Vec<Row>) -> Vec<Row> {
    rows.into_iter()
        .map(|row| match row.kind {
            Kind::Hotp { counter } => Row {
                kind: hotp(counter - 1),
                ..row
            },
            _ => row,
        })
        .collect()
}

/// The same rows as the only thing a database stores them as: SHA1, 6 digits, 30 s.
fn defaults(rows: Vec<Row>, keep_hotp: bool) -> Vec<Row> {
    rows.into_iter()
        .map(|row| Row {
            kind: match row.kind {
                Kind::Hotp { .. } if keep_hotp => row.kind,
                _ => totp(30),
            },
            algorithm: Algorithm::Sha1,
            digits: 6,
            ..row
        })
        .collect()
}

fn dir() -> Option<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/more-importers");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "SKIPPED: {} is absent (the third-party export files live beside the repository)",
            dir.display()
        );
        None
    }
}

fn read(file: &str) -> Option<Vec<u8>> {
    Some(std::fs::read(dir()?.join(file)).unwrap())
}

/// Imports `file` (detected as `format`, encrypted exactly when a password is given) and
/// compares it with `expected`: same number of accounts, each found by its secret and equal in
/// every field; nothing invalid, no warnings.
fn check(file: &str, format: &str, password: Option<&str>, expected: &[Row]) -> Vec<Account> {
    let Some(bytes) = read(file) else {
        return Vec::new();
    };
    let detected = detect_format(&bytes).unwrap_or_else(|| panic!("{file}: not detected"));
    assert_eq!(
        detected.id(),
        format,
        "{file}: detected as {}",
        detected.id()
    );
    let importer = format_by_id(format).unwrap();
    assert_eq!(importer.is_encrypted(&bytes), password.is_some(), "{file}");
    let imported: Imported = importer
        .import(&bytes, password)
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let invalid: Vec<_> = imported.invalid().collect();
    assert!(invalid.is_empty(), "{file}: {invalid:?}");
    assert!(
        imported.warnings.is_empty(),
        "{file}: {:?}",
        imported.warnings
    );
    let accounts = imported.into_accounts();
    assert_eq!(accounts.len(), expected.len(), "{file}: {accounts:?}");
    for account in &accounts {
        let row = expected
            .iter()
            .find(|row| Secret::from_base32(row.secret).unwrap() == account.secret)
            .unwrap_or_else(|| panic!("{file}: {} has no row", account.display_name()));
        let want = Account {
            kind: row.kind,
            algorithm: row.algorithm,
            digits: row.digits,
            ..Account::totp(
                row.issuer,
                row.name,
                Secret::from_base32(row.secret).unwrap(),
            )
        };
        assert_eq!(account, &want, "{file}: {}", row.issuer);
        assert_eq!(account.validate(), Ok(()));
    }
    accounts
}

/// Both files' values: the file stores neither algorithm nor period (SHA1, 30 s); digits kept.
fn authy_rows() -> Vec<Row> {
    rows(&THREE)
        .into_iter()
        .map(|row| Row {
            kind: totp(30),
            algorithm: Algorithm::Sha1,
            ..row
        })
        .collect()
}

#[test]
fn authy_plain() {
    check("authy_plain.xml", "authy", None, &authy_rows());
}

#[test]
fn authy_encrypted() {
    check(
        "authy_encrypted.xml",
        "authy",
        Some("testtest"),
        &authy_rows(),
    );
}

#[test]
fn battle_net() {
    check(
        "battle_net_authenticator.xml",
        "battle-net",
        None,
        &rows(&["Battle.net"]),
    );
}

/// No issuer in the file; the HOTP counter is 3 as stored.
#[test]
fn duo() {
    let expected = [
        Row {
            issuer: "",
            ..rows(&["Deno"]).remove(0)
        },
        Row {
            issuer: "",
            kind: hotp(3),
            ..rows(&["Issuu"]).remove(0)
        },
    ];
    check("duo.json", "duo", None, &expected);
}

#[test]
fn freeotp_tokens_xml() {
    let expected = counters_minus_one(rows(&["WWE", "Airbnb", "Deno", "Issuu"]));
    check("freeotp.xml", "freeotp", None, &expected);
}

#[test]
fn freeotp_plus_internal_tokens_xml() {
    check(
        "freeotp_plus_internal.xml",
        "freeotp",
        None,
        &counters_minus_one(rows(&SIX)),
    );
}

#[test]
fn freeotp_2_backups() {
    for file in [
        "freeotp_v2_api23.xml",
        "freeotp_v2_api25.xml",
        "freeotp_v2_api27.xml",
        "freeotp_v2_api34.xml",
    ] {
        check(file, "freeotp2", Some("test"), &rows(&SIX));
    }
}

/// A token without algorithm, digits or period: SHA1, 6, 30 s, which is Deno's row.
#[test]
fn freeotp_2_null_algo() {
    check(
        "freeotp_v2_null_algo.xml",
        "freeotp2",
        Some("test"),
        &rows(&["Deno"]),
    );
}

#[test]
fn google_authenticator_database() {
    check(
        "google_authenticator.sqlite",
        "google-db",
        None,
        &defaults(rows(&SIX), true),
    );
}

/// Everything TOTP, SHA1, 6 digits, 30 s: the HOTP and Steam rows too.
#[test]
fn microsoft_authenticator_database() {
    check(
        "microsoft_authenticator.sqlite",
        "microsoft",
        None,
        &defaults(rows(&SEVEN), false),
    );
}

#[test]
fn steam_guard_files() {
    let expected = [Row {
        issuer: "Steam",
        ..rows(&["Boeing"]).remove(0)
    }];
    check("steam.json", "steam", None, &expected);
    check("steam_old.json", "steam", None, &expected);
}

#[test]
fn stratum_plain() {
    check("stratum_plain.json", "stratum", None, &rows(&SEVEN));
}

#[test]
fn stratum_encrypted() {
    check(
        "stratum_encrypted.bin",
        "stratum",
        Some("test"),
        &rows(&SEVEN),
    );
}

#[test]
fn stratum_encrypted_legacy() {
    check(
        "stratum_encrypted_legacy.bin",
        "stratum",
        Some("test"),
        &rows(&SEVEN),
    );
}

#[test]
fn stratum_database() {
    check("stratum_internal.db", "stratum", None, &rows(&SEVEN));
}

/// The stored digits and period are honoured (Aegis ignores them); SHA1, as nothing names the
/// algorithm; the names lower-case, as in the files.
fn totp_authenticator_rows() -> Vec<Row> {
    let lower = ["mason", "james", "elijah"];
    rows(&THREE)
        .into_iter()
        .zip(lower)
        .map(|(row, name)| Row {
            name,
            algorithm: Algorithm::Sha1,
            ..row
        })
        .collect()
}

#[test]
fn totp_authenticator_export() {
    check(
        "totp_authenticator.bin",
        "totp-authenticator",
        Some("Testtest1"),
        &totp_authenticator_rows(),
    );
}

#[test]
fn totp_authenticator_preferences() {
    check(
        "totp_authenticator_internal.xml",
        "totp-authenticator",
        None,
        &totp_authenticator_rows(),
    );
}

#[test]
fn authenticator_plus() {
    check(
        "authenticator_plus.zip",
        "authenticator-plus",
        Some("testtesttest"),
        &rows(&SEVEN),
    );
}
