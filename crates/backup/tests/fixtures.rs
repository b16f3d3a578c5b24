//! Every importer against files the apps themselves wrote (../shared/fixtures/aegis-importers,
//! third-party data read in place), compared with EXPECTED.md: its table of eight accounts and
//! its list of the source apps' lossy conversions. Skips with a message when the folder is
//! absent.

use std::path::PathBuf;

use countersign_backup::{Account, Algorithm, Kind, Secret, detect_format, format_by_id};

/// One row of EXPECTED.md's table.
#[derive(Clone)]
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

/// EXPECTED.md's table, row for row.
const TABLE: [Row; 8] = [
    Row {
        issuer: "Deno",
        name: "Mason",
        kind: totp(30),
        secret: "4SJHB4GSD43FZBAI7C2HLRJGPQ",
        algorithm: Algorithm::Sha1,
        digits: 6,
    },
    Row {
        issuer: "SPDX",
        name: "James",
        kind: totp(20),
        secret: "5OM4WOOGPLQEF6UGN3CPEOOLWU",
        algorithm: Algorithm::Sha256,
        digits: 7,
    },
    Row {
        issuer: "Airbnb",
        name: "Elijah",
        kind: totp(50),
        secret: "7ELGJSGXNCCTV3O6LKJWYFV2RA",
        algorithm: Algorithm::Sha512,
        digits: 8,
    },
    Row {
        issuer: "Issuu",
        name: "James",
        kind: hotp(1),
        secret: "YOOMIXWS5GN6RTBPUFFWKTW5M4",
        algorithm: Algorithm::Sha1,
        digits: 6,
    },
    Row {
        issuer: "Air Canada",
        name: "Benjamin",
        kind: hotp(50),
        secret: "KUVJJOM753IHTNDSZVCNKL7GII",
        algorithm: Algorithm::Sha256,
        digits: 7,
    },
    Row {
        issuer: "WWE",
        name: "Mason",
        kind: hotp(10300),
        secret: "5VAML3X35THCEBVRLV24CGBKOY",
        algorithm: Algorithm::Sha512,
        digits: 8,
    },
    Row {
        issuer: "Boeing",
        name: "Sophia",
        kind: Kind::Steam { period: 30 },
        secret: "JRZCL47CMXVOQMNPZR2F7J4RGI",
        algorithm: Algorithm::Sha1,
        digits: 5,
    },
    Row {
        issuer: "Battle.net",
        name: "US-2211-2050-3346",
        kind: totp(30),
        secret: "BMGRXPGFARQQF4GMT25JATL2VYLAHDBI",
        algorithm: Algorithm::Sha1,
        digits: 8,
    },
];

/// The rows of these issuers, in the table's order.
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

fn fixtures() -> Option<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/aegis-importers");
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

/// Imports `file` (whose format must be detected as `format`) and compares every account
/// with `expected`, in any order; nothing may be invalid.
fn check(file: &str, format: &str, password: Option<&str>, expected: Vec<Row>) -> Vec<Account> {
    let Some(dir) = fixtures() else {
        return Vec::new();
    };
    let bytes = std::fs::read(dir.join(file)).unwrap();
    let detected = detect_format(&bytes).unwrap_or_else(|| panic!("{file}: not detected"));
    assert_eq!(
        detected.id(),
        format,
        "{file}: detected as {}",
        detected.id()
    );
    let importer = format_by_id(format).unwrap();
    assert_eq!(importer.is_encrypted(&bytes), password.is_some(), "{file}");
    let imported = importer
        .import(&bytes, password)
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let invalid: Vec<_> = imported.invalid().collect();
    assert!(invalid.is_empty(), "{file}: {invalid:?}");
    let accounts = imported.into_accounts();
    assert_eq!(accounts.len(), expected.len(), "{file}");
    for row in &expected {
        let secret = Secret::from_base32(row.secret).unwrap();
        let found = accounts
            .iter()
            .find(|account| account.issuer == row.issuer && account.name == row.name)
            .unwrap_or_else(|| panic!("{file}: no {} ({})", row.issuer, row.name));
        assert!(found.secret == secret, "{file}: {}: secret", row.issuer);
        assert_eq!(
            (found.kind, found.algorithm, found.digits),
            (row.kind, row.algorithm, row.digits),
            "{file}: {}",
            row.issuer
        );
        assert!(found.validate().is_ok());
    }
    accounts
}

#[test]
fn aegis_plain() {
    check("aegis_plain.json", "aegis", None, rows(&SEVEN));
}

#[test]
fn aegis_encrypted() {
    check("aegis_encrypted.json", "aegis", Some("test"), rows(&SEVEN));
}

/// Schema 1 has no OTP parameters: everything is TOTP, SHA1, 6 digits, 30 s.
#[test]
fn twofas_schema_1() {
    let expected = rows(&SIX)
        .into_iter()
        .map(|row| Row {
            kind: totp(30),
            algorithm: Algorithm::Sha1,
            digits: 6,
            ..row
        })
        .collect();
    check("2fas_authenticator.json", "2fas", None, expected);
}

/// Schema 2 has no OTP type: HOTP entries become 30 s TOTP with their secret, algorithm and
/// digits.
fn schema_2_rows() -> Vec<Row> {
    rows(&["Deno", "Airbnb", "Issuu", "WWE"])
        .into_iter()
        .map(|row| match row.kind {
            Kind::Hotp { .. } => Row {
                kind: totp(30),
                ..row
            },
            _ => row,
        })
        .collect()
}

#[test]
fn twofas_schema_2_plain() {
    check(
        "2fas_authenticator_plain.2fas",
        "2fas",
        None,
        schema_2_rows(),
    );
}

#[test]
fn twofas_schema_2_encrypted() {
    check(
        "2fas_authenticator_encrypted.2fas",
        "2fas",
        Some("test"),
        schema_2_rows(),
    );
}

#[test]
fn twofas_schema_3_plain() {
    check("2fas_authenticator_plain_v3.2fas", "2fas", None, rows(&SIX));
}

#[test]
fn twofas_schema_3_encrypted() {
    check(
        "2fas_authenticator_encrypted_v3.2fas",
        "2fas",
        Some("test"),
        rows(&SIX),
    );
}

const V4: [&str; 5] = ["Deno", "Issuu", "Air Canada", "WWE", "Boeing"];

#[test]
fn twofas_schema_4_plain() {
    check("2fas_authenticator_plain_v4.2fas", "2fas", None, rows(&V4));
}

#[test]
fn twofas_schema_4_encrypted() {
    check(
        "2fas_authenticator_encrypted_v4.2fas",
        "2fas",
        Some("test"),
        rows(&V4),
    );
}

#[test]
fn andotp_plain() {
    check("andotp_plain.json", "andotp", None, rows(&SEVEN));
}

#[test]
fn andotp_encrypted() {
    check("andotp_encrypted.bin", "andotp", Some("test"), rows(&SEVEN));
}

/// Old andOTP wrote "Issuer - Issuer:Account" labels: the name keeps "Issuer:Account".
#[test]
fn andotp_encrypted_old() {
    let expected = rows(&SIX)
        .into_iter()
        .map(|row| Row {
            name: Box::leak(format!("{}:{}", row.issuer, row.name).into_boxed_str()),
            ..row
        })
        .collect();
    check("andotp_encrypted_old.bin", "andotp", Some("test"), expected);
}

/// A steam:// key has no label: the entry is Steam's, named after the Bitwarden item.
fn bitwarden_rows(item_name: &'static str) -> Vec<Row> {
    let mut expected = rows(&["Deno", "SPDX", "Airbnb"]);
    expected.push(Row {
        issuer: "Steam",
        name: item_name,
        ..rows(&["Boeing"]).remove(0)
    });
    expected
}

#[test]
fn bitwarden_json() {
    check(
        "bitwarden.json",
        "bitwarden",
        None,
        bitwarden_rows("Test Steam"),
    );
}

#[test]
fn bitwarden_csv() {
    check("bitwarden.csv", "bitwarden", None, bitwarden_rows("Test 4"));
}

#[test]
fn ente_plain() {
    let accounts = check("ente_auth.txt", "ente", None, rows(&SEVEN));
    // codeDisplay says: not pinned, no tags.
    assert!(accounts.iter().all(|a| !a.favourite && a.group.is_none()));
}

/// FreeOTP+ stores the last counter used: one less than the table's next counter.
#[test]
fn freeotp_plus() {
    let expected = rows(&SIX)
        .into_iter()
        .map(|row| match row.kind {
            Kind::Hotp { counter } => Row {
                kind: hotp(counter - 1),
                ..row
            },
            _ => row,
        })
        .collect();
    check("freeotp_plus.json", "freeotp-plus", None, expected);
}

#[test]
fn proton_authenticator() {
    check(
        "proton_authenticator.json",
        "proton",
        None,
        rows(&["Deno", "SPDX", "Airbnb"]),
    );
}

#[test]
fn plain_uri_list() {
    check("plain.txt", "uris", None, rows(&SEVEN));
}

/// Every encrypted file refuses a wrong password, and asks for one when none is given.
#[test]
fn encrypted_files_need_the_right_password() {
    let Some(dir) = fixtures() else {
        return;
    };
    for (file, format) in [
        ("aegis_encrypted.json", "aegis"),
        ("2fas_authenticator_encrypted.2fas", "2fas"),
        ("2fas_authenticator_encrypted_v3.2fas", "2fas"),
        ("2fas_authenticator_encrypted_v4.2fas", "2fas"),
        ("andotp_encrypted.bin", "andotp"),
        ("andotp_encrypted_old.bin", "andotp"),
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let importer = format_by_id(format).unwrap();
        assert_eq!(
            importer.import(&bytes, None).unwrap_err().kind(),
            "password_required",
            "{file}"
        );
        assert_eq!(
            importer.import(&bytes, Some("Test")).unwrap_err().kind(),
            "wrong_password",
            "{file}"
        );
    }
}

/// 2FAS's `reference` opens under the same key, so damaged services are told apart from a
/// wrong password.
#[test]
fn twofas_damaged_services_are_corrupt_not_a_wrong_password() {
    let Some(dir) = fixtures() else {
        return;
    };
    let bytes = std::fs::read(dir.join("2fas_authenticator_encrypted_v4.2fas")).unwrap();
    let mut file: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let services = file["servicesEncrypted"].as_str().unwrap().to_owned();
    let flipped = if services.starts_with('A') { "B" } else { "A" };
    file["servicesEncrypted"] = format!("{flipped}{}", &services[1..]).into();
    let twofas = format_by_id("2fas").unwrap();
    let error = twofas
        .import(file.to_string().as_bytes(), Some("test"))
        .unwrap_err();
    assert_eq!(error.kind(), "corrupt", "{error}");
    assert_eq!(
        twofas
            .import(file.to_string().as_bytes(), Some("nope"))
            .unwrap_err()
            .kind(),
        "wrong_password"
    );
}

/// Every fixture cut in half: an error, never a panic or a partial import.
#[test]
fn truncated_fixtures_are_refused() {
    let Some(dir) = fixtures() else {
        return;
    };
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "md") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let half = &bytes[..bytes.len() / 2];
        let format = detect_format(&bytes).unwrap();
        match format.import(half, Some("test")) {
            Err(error) => assert!(
                ["corrupt", "wrong_format", "wrong_password"].contains(&error.kind()),
                "{}: {error}",
                path.display()
            ),
            // Line-based files lose their second half and the line cut through.
            Ok(imported) => {
                assert!(
                    ["uris", "ente", "bitwarden"].contains(&format.id()),
                    "{}",
                    path.display()
                );
                assert!(imported.entries.len() < 7);
            }
        }
    }
}
