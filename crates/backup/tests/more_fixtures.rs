//! The importers of ../shared/fixtures/more-importers against the files the apps wrote, read in
//! place, compared with its EXPECTED.md: the table of ../aegis-importers/EXPECTED.md with each
//! file's adjustments. Like Aegis's importer test, each imported account is looked up by its
//! secret and must equal its row in every field; unlike it, the number of accounts is checked
//! too. Skips with a message when the folder is absent.

use std::path::PathBuf;

use countersign_backup::{
    Account, Algorithm, EntryCause, Imported, Kind, Secret, detect_format, format_by_id, formats,
};

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

/// Old-style group names become groups: Deno and Airbnb in "group1", Issuu in "group2", the
/// other four in none; every other field as in the table.
#[test]
fn aegis_version_2_groups() {
    let Some(bytes) = read("aegis_plain_grouped_v2.json") else {
        return;
    };
    let (format, imported) = countersign_backup::import_auto(&bytes, None).unwrap();
    assert_eq!(format.id(), "aegis");
    assert_eq!(imported.invalid().count(), 0);
    let accounts = imported.into_accounts();
    assert_eq!(accounts.len(), 7);
    for account in &accounts {
        let row = TABLE
            .iter()
            .find(|row| Secret::from_base32(row.secret).unwrap() == account.secret)
            .unwrap();
        let group = match row.issuer {
            "Deno" | "Airbnb" => Some("group1".to_owned()),
            "Issuu" => Some("group2".to_owned()),
            _ => None,
        };
        let want = Account {
            kind: row.kind,
            algorithm: row.algorithm,
            digits: row.digits,
            group,
            ..Account::totp(row.issuer, row.name, account.secret.clone())
        };
        assert_eq!(account, &want, "{}", row.issuer);
    }
    // Saved in the current format (version 3: a group list, UUIDs per entry) and read back:
    // two groups, shared by name, the same entries in them.
    let saved = countersign_backup::export_aegis_plain(&accounts);
    let value: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(value["db"]["version"], 3);
    let mut names: Vec<_> = value["db"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| group["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["group1", "group2"]);
    let again = format_by_id("aegis")
        .unwrap()
        .import(saved.as_bytes(), None)
        .unwrap()
        .into_accounts();
    assert_eq!(again, accounts);
}

/// The encrypted files: no password asks for one, a wrong one is refused as such.
#[test]
fn encrypted_files_need_the_right_password() {
    for (file, format) in [
        ("authy_encrypted.xml", "authy"),
        ("freeotp_v2_api23.xml", "freeotp2"),
        ("freeotp_v2_api34.xml", "freeotp2"),
        ("stratum_encrypted.bin", "stratum"),
        ("stratum_encrypted_legacy.bin", "stratum"),
        ("totp_authenticator.bin", "totp-authenticator"),
        ("authenticator_plus.zip", "authenticator-plus"),
    ] {
        let Some(bytes) = read(file) else {
            return;
        };
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

/// The format of every fixture file of both folders, by the start of its name.
const FORMATS: [(&str, &str); 20] = [
    ("2fas_", "2fas"),
    ("aegis_", "aegis"),
    ("andotp_", "andotp"),
    ("bitwarden.", "bitwarden"),
    ("ente_auth.", "ente"),
    ("freeotp_plus.json", "freeotp-plus"),
    ("proton_", "proton"),
    ("plain.txt", "uris"),
    ("authy_", "authy"),
    ("battle_net_", "battle-net"),
    ("duo.", "duo"),
    ("freeotp.xml", "freeotp"),
    ("freeotp_plus_internal.", "freeotp"),
    ("freeotp_v2_", "freeotp2"),
    ("google_authenticator.", "google-db"),
    ("microsoft_", "microsoft"),
    ("steam", "steam"),
    ("stratum_", "stratum"),
    ("totp_authenticator", "totp-authenticator"),
    ("authenticator_plus.", "authenticator-plus"),
];

/// Each file is detected as its own format, and no other format claims it for sure (but the
/// URI list, which Ente's plain export also is).
#[test]
fn detection_does_not_misfire() {
    let Some(dir) = dir() else {
        return;
    };
    let aegis_dir = dir.join("../aegis-importers");
    let mut seen = 0;
    for folder in [&dir, &aegis_dir] {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            if name.ends_with(".md") {
                continue;
            }
            seen += 1;
            let expected = FORMATS
                .iter()
                .find(|(prefix, _)| name.starts_with(prefix))
                .unwrap_or_else(|| panic!("{name}: not in FORMATS"))
                .1;
            let bytes = std::fs::read(&path).unwrap();
            let detected = detect_format(&bytes)
                .unwrap_or_else(|| panic!("{name}: not detected"))
                .id();
            assert_eq!(detected, expected, "{name}");
            let others: Vec<_> = formats()
                .iter()
                .filter(|format| format.detect(&bytes) == countersign_backup::Detection::Certain)
                .map(|format| format.id())
                .filter(|id| *id != expected && !(expected == "ente" && *id == "uris"))
                .collect();
            assert!(others.is_empty(), "{name}: also certain for {others:?}");
        }
    }
    assert_eq!(seen, 23 + 18);
    for (prefix, _) in FORMATS {
        let exists = [&dir, &aegis_dir].iter().any(|folder| {
            std::fs::read_dir(folder).unwrap().any(|entry| {
                entry
                    .unwrap()
                    .file_name()
                    .to_str()
                    .unwrap()
                    .starts_with(prefix)
            })
        });
        assert!(exists, "{prefix}: no such file");
    }
}

/// Damage: each format's files cut short or altered give a specific error, never a panic and
/// never a partial import of a damaged encrypted file.
#[test]
fn damaged_files_are_refused() {
    let Some(dir) = dir() else {
        return;
    };
    let passwords = [
        ("authy_encrypted.xml", "testtest"),
        ("totp_authenticator.bin", "Testtest1"),
        ("authenticator_plus.zip", "testtesttest"),
    ];
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.ends_with(".md") {
            continue;
        }
        let password = passwords
            .iter()
            .find(|(file, _)| *file == name)
            .map_or("test", |(_, password)| *password);
        let bytes = std::fs::read(&path).unwrap();
        let format = detect_format(&bytes).unwrap();
        let half = &bytes[..bytes.len() / 2];
        match format.import(half, Some(password)) {
            Err(error) => assert!(
                ["corrupt", "wrong_format", "wrong_password"].contains(&error.kind()),
                "{name}: {error}"
            ),
            Ok(imported) => panic!(
                "{name}: half a file imported {} entries",
                imported.entries.len()
            ),
        }
    }
}

/// Files whose damage the format can tell from a wrong password say so.
#[test]
fn damage_is_told_from_a_wrong_password() {
    // FreeOTP 2: the master key opens, one token's wrapped secret was changed.
    if let Some(bytes) = read("freeotp_v2_api34.xml") {
        // A token's key is JSON inside a JSON string: its quotes are escaped.
        let needle = br#"mCipherText\":["#;
        let at = bytes
            .windows(needle.len())
            .position(|window| window == needle)
            .expect("a token's wrapped secret")
            + needle.len();
        // The last digit of the first ciphertext byte, made 1 or 2: still a byte, not authentic.
        let first = (at..bytes.len())
            .find(|&i| bytes[i].is_ascii_digit())
            .unwrap();
        let last = (first..bytes.len())
            .take_while(|&i| bytes[i].is_ascii_digit())
            .last()
            .unwrap();
        let mut damaged = bytes.clone();
        damaged[last] = if bytes[last] == b'1' { b'2' } else { b'1' };
        let imported = format_by_id("freeotp2")
            .unwrap()
            .import(&damaged, Some("test"))
            .unwrap();
        assert_eq!(imported.accounts().count(), 5);
        let invalid: Vec<_> = imported.invalid().collect();
        assert_eq!(invalid.len(), 1);
        assert_eq!(
            invalid[0].reason,
            "the token's secret does not authenticate: the file was changed"
        );
        assert_eq!(invalid[0].cause, Some(EntryCause::SecretDamaged));
    }
    // Authy: one token's encrypted secret changed, the others open.
    if let Some(bytes) = read("authy_encrypted.xml") {
        let text = String::from_utf8(bytes).unwrap();
        let damaged = text.replacen("94mk0erEKRYU7UKn4o6WAPWR", "94mk0erEKRYU7UKn4o6WAPWS", 1);
        assert_ne!(damaged, text);
        let imported = format_by_id("authy")
            .unwrap()
            .import(damaged.as_bytes(), Some("testtest"))
            .unwrap();
        assert_eq!(imported.accounts().count(), 2);
        let invalid: Vec<_> = imported.invalid().collect();
        assert_eq!(invalid.len(), 1);
        assert_eq!(invalid[0].label, "Deno (Mason)");
        assert_eq!(
            invalid[0].reason,
            "the secret does not decrypt with the password that opens the others: the file was \
             changed"
        );
        assert_eq!(invalid[0].cause, Some(EntryCause::SecretDamaged));
    }
    // Stratum: a header too short for its salt and nonce.
    if let Some(bytes) = read("stratum_encrypted.bin") {
        let error = format_by_id("stratum")
            .unwrap()
            .import(&bytes[..40], Some("test"))
            .unwrap_err();
        assert_eq!(error.kind(), "corrupt", "{error}");
    }
    // Stratum legacy (CBC, no tag): the fourth block changed; the password still opens the
    // start, the JSON breaks.
    if let Some(bytes) = read("stratum_encrypted_legacy.bin") {
        let mut damaged = bytes.clone();
        damaged[16 + 20 + 16 + 3 * 16] ^= 0x55;
        let error = format_by_id("stratum")
            .unwrap()
            .import(&damaged, Some("test"))
            .unwrap_err();
        assert_eq!(error.kind(), "corrupt", "{error}");
    }
    // TOTP Authenticator (CBC, no tag): the base64 character starting the fourth block changed.
    if let Some(bytes) = read("totp_authenticator.bin") {
        let mut damaged = bytes.clone();
        damaged[64] = if bytes[64] == b'A' { b'B' } else { b'A' };
        let error = format_by_id("totp-authenticator")
            .unwrap()
            .import(&damaged, Some("Testtest1"))
            .unwrap_err();
        assert_eq!(error.kind(), "corrupt", "{error}");
    }
    // Authenticator Plus: the password's check byte passes, the data was changed.
    if let Some(bytes) = read("authenticator_plus.zip") {
        // Past the local header (30 bytes, the name, the extra field) and the 12-byte
        // encryption header: inside the deflated text.
        let extra = usize::from(u16::from_le_bytes([bytes[28], bytes[29]]));
        let mut damaged = bytes.clone();
        damaged[30 + "Accounts.txt".len() + extra + 12 + 40] ^= 0x55;
        let error = format_by_id("authenticator-plus")
            .unwrap()
            .import(&damaged, Some("testtesttest"))
            .unwrap_err();
        assert_eq!(error.kind(), "corrupt", "{error}");
    }
}

/// A file asking for absurd key-derivation work is refused before any, even without a password.
#[test]
fn kdf_costs_are_capped() {
    // FreeOTP 2 names its PBKDF2 iterations: make them two billion. The map's strings carry
    // their length (u16, big-endian) just before them.
    if let Some(bytes) = read("freeotp_v2_api34.xml") {
        let needle = br#"{"mAlgorithm""#;
        let start = bytes
            .windows(needle.len())
            .position(|window| window == needle)
            .unwrap();
        let length = u16::from_be_bytes([bytes[start - 2], bytes[start - 1]]);
        let end = start + usize::from(length);
        let key = String::from_utf8(bytes[start..end].to_vec()).unwrap();
        let hostile = key.replace("\"mIterations\":100000", "\"mIterations\":2000000000");
        assert_ne!(hostile, key);
        let mut file = bytes[..start - 2].to_vec();
        file.extend_from_slice(&u16::try_from(hostile.len()).unwrap().to_be_bytes());
        file.extend_from_slice(hostile.as_bytes());
        file.extend_from_slice(&bytes[end..]);
        let freeotp2 = format_by_id("freeotp2").unwrap();
        for password in [Some("test"), None] {
            let started = std::time::Instant::now();
            assert_eq!(
                freeotp2.import(&file, password).unwrap_err().kind(),
                "kdf_too_expensive"
            );
            assert!(started.elapsed() < std::time::Duration::from_secs(2));
        }
    }
    // Authy derives a key per token: 100,000 encrypted tokens are refused before the first.
    let token = r#"{&quot;encryptedSecret&quot;:&quot;AAAA&quot;,&quot;salt&quot;:&quot;s&quot;,&quot;name&quot;:&quot;x&quot;}"#;
    let file = format!(
        "<map><string name=\"com.authy.storage.tokens.authenticator.key\">[{}]</string></map>",
        vec![token; 100_000].join(",")
    );
    let started = std::time::Instant::now();
    assert_eq!(
        format_by_id("authy")
            .unwrap()
            .import(file.as_bytes(), Some("pw"))
            .unwrap_err()
            .kind(),
        "kdf_too_expensive"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}
