//! `countersign import` as a script sees it: the real binary on real files, stdout, stderr and
//! the exit status.

use std::path::{Path, PathBuf};
use std::process::Output;

use countersign_backup::{Account, Secret, export_aegis_encrypted, export_uris, format_by_id};
use countersign_vault::{KdfParams, Store};

mod common;
use common::lines;

fn countersign(args: &[&str], stdin: &str) -> Output {
    countersign_in(Path::new("/nonexistent"), args, stdin)
}

/// Runs the binary with its data folder (the vault's) in `data_dir`.
fn countersign_in(data_dir: &Path, args: &[&str], stdin: &str) -> Output {
    common::run(Some(data_dir), args, stdin)
}

fn accounts() -> Vec<Account> {
    let secret = |text| Secret::from_base32(text).unwrap();
    vec![
        Account::totp("Deno", "Mason", secret("4SJHB4GSD43FZBAI7C2HLRJGPQ")),
        Account::hotp("WWE", "Mason", secret("5VAML3X35THCEBVRLV24CGBKOY"), 10300),
        Account::steam("Boeing", "Sophia", secret("JRZCL47CMXVOQMNPZR2F7J4RGI")),
    ]
}

const EXPECTED_JSON: [&str; 3] = [
    r#"{"type":"totp","issuer":"Deno","account":"Mason","secret":"4SJHB4GSD43FZBAI7C2HLRJGPQ","algorithm":"SHA1","digits":6,"period":30}"#,
    r#"{"type":"hotp","issuer":"WWE","account":"Mason","secret":"5VAML3X35THCEBVRLV24CGBKOY","algorithm":"SHA1","digits":6,"counter":10300}"#,
    r#"{"type":"steam","issuer":"Boeing","account":"Sophia","secret":"JRZCL47CMXVOQMNPZR2F7J4RGI","algorithm":"SHA1","digits":5,"period":30}"#,
];

fn write(dir: &Path, name: &str, contents: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn dry_run_json_of_an_encrypted_aegis_export() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "aegis.json",
        &export_aegis_encrypted(&accounts(), "pässword"),
    );
    let out = countersign(
        &["import", &file, "--password-stdin", "--dry-run", "--json"],
        "pässword\n",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(lines(&out.stdout), EXPECTED_JSON);
    assert!(out.stderr.is_empty());
}

#[test]
fn wrong_or_missing_password() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "aegis.json",
        &export_aegis_encrypted(&accounts(), "right"),
    );
    let out = countersign(
        &["import", &file, "--password-stdin", "--dry-run", "--json"],
        "wrong\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        lines(&out.stderr),
        [format!("countersign: {file}: the password is wrong")]
    );

    let out = countersign(&["import", &file, "--dry-run"], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        lines(&out.stderr),
        [format!(
            "countersign: no terminal to ask for the password of {file}: use --password-stdin"
        )]
    );
}

#[test]
fn invalid_entries_go_to_stderr_and_the_rest_still_print() {
    let dir = tempfile::tempdir().unwrap();
    let list = format!(
        "{}otpauth://totp/Bad:x?secret=JBSWY3DPEHPK3PXP&digits=12\n",
        *export_uris(&accounts())
    );
    let file = write(dir.path(), "codes.txt", &list);
    let out = countersign(&["import", &file, "--dry-run", "--json"], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(lines(&out.stdout), EXPECTED_JSON);
    assert_eq!(
        lines(&out.stderr),
        [format!(
            r#"countersign: {file}: entry 4: digits: "12" is not a number from 1 to 10"#
        )]
    );
}

/// The readers' English reasons, unchanged now that each also names a cause for the window.
#[test]
fn an_aegis_file_s_unusable_entries_are_named_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let aegis = countersign_backup::export_aegis_plain(&accounts()).replacen(
        "4SJHB4GSD43FZBAI7C2HLRJGPQ",
        "4SJHB4GSD43FZBAI7C2HLRJGP!",
        1,
    );
    let mut value: serde_json::Value = serde_json::from_str(&aegis).unwrap();
    value["db"]["entries"][1]["type"] = "yandex".into();
    let file = write(dir.path(), "aegis.json", &value.to_string());
    let out = countersign(&["import", &file, "--dry-run", "--json"], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(lines(&out.stdout), [EXPECTED_JSON[2]]);
    assert_eq!(
        lines(&out.stderr),
        [
            format!(
                "countersign: {file}: entry 1 (Deno (Mason)): secret: the secret has a character \
                 that is not base32: '!' at position 26"
            ),
            format!("countersign: {file}: entry 2 (WWE (Mason)): Yandex OTP is not supported"),
        ]
    );
}

#[test]
fn human_readable_dry_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "codes.txt", &export_uris(&accounts()));
    let out = countersign(&["import", &file, "--dry-run"], "");
    assert!(out.status.success());
    assert_eq!(
        lines(&out.stdout),
        [
            "Deno (Mason)\tTOTP SHA1 6 digits 30 s\t4SJHB4GSD43FZBAI7C2HLRJGPQ",
            "WWE (Mason)\tHOTP SHA1 6 digits counter 10300\t5VAML3X35THCEBVRLV24CGBKOY",
            "Boeing (Sophia)\tSTEAM SHA1 5 digits 30 s\tJRZCL47CMXVOQMNPZR2F7J4RGI",
        ]
    );
}

#[test]
fn format_option_and_unrecognised_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "codes.txt", &export_uris(&accounts()));
    let out = countersign(&["import", &file, "--format", "aegis", "--dry-run"], "");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!(
            "countersign: {file}: this is not a file in the Aegis format"
        )),
        "{stderr}"
    );

    let out = countersign(&["import", &file, "--format", "keepass", "--dry-run"], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        lines(&out.stderr),
        [
            r#"countersign: unknown format "keepass" (known: countersign, aegis, 2fas, ente, bitwarden, proton, freeotp-plus, freeotp, freeotp2, authy, battle-net, duo, lastpass, steam, stratum, google-db, microsoft, authenticator-plus, raivo, winauth, totp-authenticator, andotp, google, uris)"#
        ]
    );

    let diary = write(dir.path(), "diary.txt", "Dear diary,\n");
    let out = countersign(&["import", &diary, "--dry-run"], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        lines(&out.stderr),
        [format!(
            "countersign: {diary}: this file is not an export of any app Countersign can import from"
        )]
    );
}

/// A vault with a password, created with tiny Argon2 parameters to keep the test fast.
fn vault(dir: &Path) {
    let store = Store::open(dir)
        .unwrap()
        .with_kdf(KdfParams::new(64, 1, 1).unwrap());
    store.create(Some("vault pw"), false).unwrap().0.lock();
}

const ADDED_JSON: [&str; 3] = [
    r#"{"type":"totp","issuer":"Deno","account":"Mason","algorithm":"SHA1","digits":6,"period":30}"#,
    r#"{"type":"hotp","issuer":"WWE","account":"Mason","algorithm":"SHA1","digits":6,"counter":10300}"#,
    r#"{"type":"steam","issuer":"Boeing","account":"Sophia","algorithm":"SHA1","digits":5,"period":30}"#,
];

#[test]
fn import_into_the_vault_then_export_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    vault(&data);
    let file = write(
        dir.path(),
        "aegis.json",
        &export_aegis_encrypted(&accounts(), "file pw"),
    );

    // The file's password, then the vault's.
    let out = countersign_in(
        &data,
        &["import", &file, "--password-stdin", "--json"],
        "file pw\nvault pw\n",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(lines(&out.stdout), ADDED_JSON);

    // Importing again adds nothing and says so; it is not an error.
    let out = countersign_in(
        &data,
        &["import", &file, "--password-stdin"],
        "file pw\nvault pw\n",
    );
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty());
    assert_eq!(
        lines(&out.stderr)[0],
        "countersign: already in the vault, not added again: Deno (Mason) (as Deno (Mason))"
    );

    let uris = dir.path().join("codes.txt");
    let out = countersign_in(
        &data,
        &[
            "export",
            "--format",
            "uris",
            "--out",
            uris.to_str().unwrap(),
            "--password-stdin",
        ],
        "vault pw\n",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(&uris).unwrap(),
        *export_uris(&accounts())
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&uris).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Never over an existing file.
    let out = countersign_in(
        &data,
        &[
            "export",
            "--format",
            "uris",
            "--out",
            uris.to_str().unwrap(),
            "--password-stdin",
        ],
        "vault pw\n",
    );
    assert_eq!(out.status.code(), Some(1));

    let aegis = dir.path().join("aegis-export.json");
    let out = countersign_in(
        &data,
        &[
            "export",
            "--format",
            "aegis",
            "--out",
            aegis.to_str().unwrap(),
            "--password-stdin",
        ],
        "vault pw\naegis pw\n",
    );
    assert!(out.status.success(), "{out:?}");
    let exported = format_by_id("aegis")
        .unwrap()
        .import(&std::fs::read(&aegis).unwrap(), Some("aegis pw"))
        .unwrap()
        .into_accounts();
    assert_eq!(exported, accounts());

    let qr = dir.path().join("qr");
    let out = countersign_in(
        &data,
        &[
            "export",
            "--format",
            "migration-qr",
            "--out",
            qr.to_str().unwrap(),
            "--password-stdin",
        ],
        "vault pw\n",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        lines(&out.stderr)[0],
        "countersign: left out Boeing (Sophia): Google Authenticator cannot hold Steam accounts"
    );
    let svg = std::fs::read_to_string(qr.join("01.svg")).unwrap();
    assert!(svg.contains("<svg"));
    assert!(!qr.join("02.svg").exists());

    let out = countersign_in(
        &data,
        &[
            "export",
            "--format",
            "uris",
            "--out",
            "/tmp/never-written",
            "--password-stdin",
        ],
        "wrong\n",
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(!Path::new("/tmp/never-written").exists());
}

/// `export --format countersign` writes a backup that `import` reads back, into another vault,
/// with every field; the backup's own password is asked, and a wrong one imports nothing.
#[test]
fn countersign_backup_round_trip_between_two_vaults() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    vault(&first);
    vault(&second);
    let mut noted = accounts();
    noted[0].note = "ünïcödé note".into();
    noted[0].group = Some("Work".into());
    noted[1].favourite = true;
    let uris = write(dir.path(), "codes.txt", &export_uris(&noted));
    let out = countersign_in(&first, &["import", &uris, "--password-stdin"], "vault pw\n");
    assert!(out.status.success(), "{out:?}");
    // Notes, groups and favourites do not travel in URIs: set them in the vault directly.
    {
        let store = Store::open(&first).unwrap();
        let mut vault = store.unlock_with_password("vault pw").unwrap();
        for (entry, account) in vault.entries().to_vec().iter().zip(&noted) {
            vault.update(entry.id, account.clone()).unwrap();
        }
        // And backup codes on the second account, one of them used.
        let id = vault.entries()[1].id;
        let codes =
            ["a1b2c-3d4e5", "f6a7b-8c9d0"].map(|c| countersign_otp::BackupCode::new(c).unwrap());
        vault.add_backup_codes(id, codes.to_vec()).unwrap();
        vault.use_backup_code(id).unwrap();
    }

    let backup = dir.path().join("backup.countersign");
    let backup_arg = backup.to_str().unwrap();
    let out = countersign_in(
        &first,
        &[
            "export",
            "--format",
            "countersign",
            "--out",
            backup_arg,
            "--password-stdin",
        ],
        "vault pw\nbackup pw\n",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        lines(&out.stderr),
        [format!(
            "countersign: exported 3 account(s) to {backup_arg}"
        )]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let bytes = std::fs::read(&backup).unwrap();
    assert!(bytes.starts_with(b"CSVAULT\0"));

    // A wrong password: the error, and nothing is asked of or added to the vault.
    let out = countersign_in(
        &second,
        &["import", backup_arg, "--password-stdin"],
        "nope\n",
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        lines(&out.stderr),
        [format!("countersign: {backup_arg}: the password is wrong")]
    );

    let out = countersign_in(
        &second,
        &[
            "import",
            backup_arg,
            "--format",
            "countersign",
            "--password-stdin",
            "--json",
        ],
        "backup pw\nvault pw\n",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(lines(&out.stdout), ADDED_JSON);
    let store = Store::open(&second).unwrap();
    let vault = store.unlock_with_password("vault pw").unwrap();
    let imported: Vec<Account> = vault.entries().iter().map(|e| e.account.clone()).collect();
    assert_eq!(imported, noted);
    // The backup codes came along, the used one still used.
    let carried: Vec<(&str, bool)> = vault.entries()[1]
        .backup_codes
        .iter()
        .map(|code| (code.code.as_str(), code.used_ms.is_some()))
        .collect();
    assert_eq!(carried, [("a1b2c-3d4e5", true), ("f6a7b-8c9d0", false)]);
    assert!(vault.entries()[0].backup_codes.is_empty());

    // An empty backup password is refused before anything is written.
    let empty = dir.path().join("empty.countersign");
    let out = countersign_in(
        &first,
        &[
            "export",
            "--format",
            "countersign",
            "--out",
            empty.to_str().unwrap(),
            "--password-stdin",
        ],
        "vault pw\n\n",
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        lines(&out.stderr),
        ["countersign: the backup needs a password"]
    );
    assert!(!empty.exists());
}

#[test]
fn import_without_a_vault() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "codes.txt", &export_uris(&accounts()));
    let out = countersign_in(
        &dir.path().join("empty"),
        &["import", &file, "--password-stdin"],
        "pw\n",
    );
    assert_eq!(out.status.code(), Some(7), "{out:?}");
    assert!(out.stdout.is_empty());
}

/// The third-party fixtures, when ../shared is beside the repository.
#[test]
fn real_two_fas_export() {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/aegis-importers");
    if !dir.is_dir() {
        println!("SKIPPED: {} is absent", dir.display());
        return;
    }
    let file = dir.join("2fas_authenticator_encrypted_v4.2fas");
    let out = countersign(
        &[
            "import",
            file.to_str().unwrap(),
            "--password-stdin",
            "--dry-run",
            "--json",
        ],
        "test\n",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        lines(&out.stdout),
        [
            r#"{"type":"totp","issuer":"Deno","account":"Mason","secret":"4SJHB4GSD43FZBAI7C2HLRJGPQ","algorithm":"SHA1","digits":6,"period":30}"#,
            r#"{"type":"hotp","issuer":"Issuu","account":"James","secret":"YOOMIXWS5GN6RTBPUFFWKTW5M4","algorithm":"SHA1","digits":6,"counter":1}"#,
            r#"{"type":"hotp","issuer":"Air Canada","account":"Benjamin","secret":"KUVJJOM753IHTNDSZVCNKL7GII","algorithm":"SHA256","digits":7,"counter":50}"#,
            r#"{"type":"hotp","issuer":"WWE","account":"Mason","secret":"5VAML3X35THCEBVRLV24CGBKOY","algorithm":"SHA512","digits":8,"counter":10300}"#,
            r#"{"type":"steam","issuer":"Boeing","account":"Sophia","secret":"JRZCL47CMXVOQMNPZR2F7J4RGI","algorithm":"SHA1","digits":5,"period":30}"#,
        ]
    );
}

/// A password-protected file another app wrote, from the backup crate's test data.
fn third_party_file(name: &str) -> String {
    format!("{}/../backup/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Proton Authenticator's password-protected export (Aegis's test file, password `test`):
/// detected, opened with the password from stdin, and a wrong password refused.
#[test]
fn dry_run_of_a_password_protected_proton_export() {
    let file = third_party_file("proton_authenticator_encrypted.json");
    let out = countersign(
        &["import", &file, "--password-stdin", "--dry-run", "--json"],
        "test\n",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        lines(&out.stdout),
        [
            r#"{"type":"totp","issuer":"Deno","account":"Mason","secret":"4SJHB4GSD43FZBAI7C2HLRJGPQ","algorithm":"SHA1","digits":6,"period":30}"#,
            r#"{"type":"totp","issuer":"SPDX","account":"James","secret":"5OM4WOOGPLQEF6UGN3CPEOOLWU","algorithm":"SHA256","digits":7,"period":20}"#,
            r#"{"type":"totp","issuer":"Airbnb","account":"Elijah","secret":"7ELGJSGXNCCTV3O6LKJWYFV2RA","algorithm":"SHA512","digits":8,"period":50}"#,
            r#"{"type":"steam","issuer":"Steam","account":"","secret":"JRZCL47CMXVOQMNPZR2F7J4RGI","algorithm":"SHA1","digits":5,"period":30}"#,
        ]
    );
    assert!(out.stderr.is_empty());

    let out = countersign(
        &["import", &file, "--password-stdin", "--dry-run", "--json"],
        "tset\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        lines(&out.stderr),
        [format!("countersign: {file}: the password is wrong")]
    );
}

/// Bitwarden's password-protected JSON export (Authenticator Pro's Argon2id test file).
#[test]
fn dry_run_of_a_password_protected_bitwarden_export() {
    let file = third_party_file("bitwarden_encrypted_argon2id.json");
    let out = countersign(
        &["import", &file, "--password-stdin", "--dry-run", "--json"],
        "rud9^5S6$^Ewmr%d\n",
    );
    assert!(out.status.success(), "{out:?}");
    let printed = lines(&out.stdout);
    assert_eq!(printed.len(), 8, "{printed:?}");
    assert_eq!(
        printed[0],
        r#"{"type":"totp","issuer":"Long","account":"Period","secret":"JGRMXBLPPYQIFMRBFQDHNP3MPPYQYNUN","algorithm":"SHA1","digits":6,"period":60}"#
    );
    assert_eq!(
        printed[7],
        r#"{"type":"steam","issuer":"Steam","account":"john@example.com","secret":"GJD4ZX3RQMLCAXKCT7GGQ4U27VN4FPK6","algorithm":"SHA1","digits":5,"period":30}"#
    );
    assert!(out.stderr.is_empty());
}

/// Raivo OTP's WinZip AES archive (tests/data/raivo, password `raivo-test`): detected, opened
/// with the password from stdin; a wrong password and a changed byte are told apart.
#[test]
fn dry_run_of_a_raivo_archive() {
    let file = third_party_file("raivo/raivo_aes256.zip");
    let out = countersign(
        &["import", &file, "--password-stdin", "--dry-run", "--json"],
        "raivo-test\n",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        lines(&out.stdout),
        [
            r#"{"type":"totp","issuer":"GitHub","account":"octocat@example.com","secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA1","digits":6,"period":30}"#,
            r#"{"type":"totp","issuer":"AT&T / Mobile","account":"alice","secret":"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ","algorithm":"SHA256","digits":8,"period":60}"#,
            r#"{"type":"hotp","issuer":"Bank","account":"bob","secret":"KRUGS4ZANFZSAYJAONSWG4TFOQ","algorithm":"SHA512","digits":6,"counter":42}"#,
            r#"{"type":"totp","issuer":"Zürich Kantonalbank","account":"","secret":"GEZDGNBVGY3TQOJQ","algorithm":"SHA1","digits":6,"period":30}"#,
        ]
    );
    assert!(out.stderr.is_empty());

    let out = countersign(
        &["import", &file, "--password-stdin", "--dry-run"],
        "raivo-tset\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        lines(&out.stderr),
        [format!("countersign: {file}: the password is wrong")]
    );

    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    // A byte in the middle of the JSON member's ciphertext (its local header comes first).
    let name = b"raivo-otp-export.json";
    let header = bytes.windows(name.len()).position(|w| w == name).unwrap() - 30;
    let field = |at: usize| usize::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]));
    let data = header + 30 + field(header + 26) + field(header + 28);
    let size = u32::from_le_bytes(bytes[header + 18..header + 22].try_into().unwrap()) as usize;
    bytes[data + size / 2] ^= 0x01;
    let damaged = dir.path().join("damaged.zip");
    std::fs::write(&damaged, &bytes).unwrap();
    let damaged = damaged.to_str().unwrap();
    let out = countersign(
        &["import", damaged, "--password-stdin", "--dry-run"],
        "raivo-test\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        lines(&out.stderr),
        [format!(
            "countersign: {damaged}: the Raivo OTP file is damaged or incomplete (authentication code): the archive was changed or truncated (or, rarely, the password is wrong)"
        )]
    );
}

/// WinAuth's password-protected ZIP (tests/data/winauth, password `winauth-test`), with
/// WinAuth's label rules applied, and its plain text export read the same.
#[test]
fn dry_run_of_winauth_exports() {
    let expected = [
        "Google (alice@gmail.com)\tTOTP SHA1 6 digits 30 s\tJBSWY3DPEHPK3PXP",
        "Work VPN\tTOTP SHA256 8 digits 60 s\tGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "Battle.net (Battle.net)\tTOTP SHA1 8 digits 30 s\tMJQXI5DMMUXG4ZLUFVZWKY3SMV2C2MRQ",
        "Steam (gaben)\tSTEAM SHA1 5 digits 30 s\tON2GKYLNFVZWQYLSMVSC243FMNZGK5BB",
        "Home Router\tHOTP SHA512 6 digits counter 7\tKRUGS4ZANFZSAYJAONSWG4TFOQ",
        "My Bank (joint+savings)\tTOTP SHA1 6 digits 30 s\tGEZDGNBVGY3TQOJQ",
    ];
    let zip = third_party_file("winauth/winauth-export.zip");
    let out = countersign(
        &["import", &zip, "--password-stdin", "--dry-run"],
        "winauth-test\n",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(lines(&out.stdout), expected);
    assert!(out.stderr.is_empty());

    let text = third_party_file("winauth/winauth-export.txt");
    let out = countersign(&["import", &text, "--dry-run"], "");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(lines(&out.stdout), expected);

    let out = countersign(&["import", &zip, "--dry-run"], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        lines(&out.stderr),
        [format!(
            "countersign: no terminal to ask for the password of {zip}: use --password-stdin"
        )]
    );
}
