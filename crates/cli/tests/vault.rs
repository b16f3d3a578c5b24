//! The vault commands as a script sees them: the real binary, a data folder of its own, stdin
//! in, stdout/stderr/exit status out.

use std::path::Path;
use std::process::Output;

use countersign_otp::{Account, Secret};
use countersign_vault::{KdfParams, Store};

mod common;

use common::{run_in as countersign, stderr, stdout};

/// A vault made through the library with cheap Argon2 parameters (the binary reads whatever
/// parameters the file has), holding two TOTP accounts and an HOTP one.
fn vault(dir: &Path) {
    let store = Store::open(dir)
        .unwrap()
        .with_kdf(KdfParams::new(64, 1, 1).unwrap());
    let (mut vault, _) = store.create(Some("pw"), false).unwrap();
    let secret = |text| Secret::from_base32(text).unwrap();
    vault
        .add(Account::totp("GitHub", "alice", secret("JBSWY3DPEHPK3PXP")))
        .unwrap();
    // RFC 6238's SHA-1 key, 8 digits: 94287082 at t = 59.
    let mut rfc = Account::totp("RFC", "6238", secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
    rfc.digits = 8;
    vault.add(rfc).unwrap();
    let hotp = Account::hotp("Bank", "counter", secret("MFRGGZDFMZTWQ2LK"), 0);
    vault.add(hotp).unwrap();
}

fn assert_one_line_error(output: &Output, code: i32, contains: &str) {
    assert_eq!(output.status.code(), Some(code), "{output:?}");
    let err = stderr(output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("countersign: "), "{err}");
    assert!(err.contains(contains), "{err}");
    assert!(output.stdout.is_empty());
}

#[test]
fn init_add_list_code_remove_with_a_calibrated_password() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let init = countersign(&data, &["init", "--password-stdin"], "s3cret pass\n");
    assert!(init.status.success(), "{init:?}");
    let key = stdout(&init);
    let key = key.trim();
    assert_eq!(key.len(), 39, "{key}");
    assert_eq!(key.split('-').count(), 8);
    assert!(stderr(&init).contains("recovery key"));

    let again = countersign(&data, &["init", "--password-stdin"], "x\n");
    assert_one_line_error(&again, 8, "already exists");

    let test = countersign(&data, &["unlock-test", "--password-stdin"], "s3cret pass\n");
    assert_eq!(
        stdout(&test),
        "ok: the vault opens and holds 0 account(s)\n"
    );

    let add = countersign(
        &data,
        &["add", "--password-stdin"],
        "s3cret pass\notpauth://totp/RFC:6238?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&issuer=RFC\n",
    );
    assert!(add.status.success(), "{add:?}");
    assert_eq!(stdout(&add), "added: RFC (6238)\n");

    let list = countersign(
        &data,
        &["list", "--json", "--password-stdin"],
        "s3cret pass\n",
    );
    assert_eq!(
        stdout(&list),
        "{\"type\":\"totp\",\"issuer\":\"RFC\",\"account\":\"6238\",\"algorithm\":\"SHA1\",\"digits\":8,\"period\":30}\n"
    );
    let code = countersign(
        &data,
        &["code", "rfc", "--at", "59", "--password-stdin"],
        "s3cret pass\n",
    );
    assert_eq!(stdout(&code), "94287082\n");
    let remove = countersign(
        &data,
        &["remove", "6238", "--password-stdin"],
        "s3cret pass\n",
    );
    assert_eq!(stdout(&remove), "removed: RFC (6238)\n");
    let list = countersign(&data, &["list", "--password-stdin"], "s3cret pass\n");
    assert!(list.status.success());
    assert_eq!(stdout(&list), "");
}

#[test]
fn list_prints_names_and_the_json_schema_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    vault(dir.path());
    let list = countersign(dir.path(), &["list", "--password-stdin"], "pw\n");
    assert_eq!(
        stdout(&list),
        "GitHub (alice)\tTOTP\nRFC (6238)\tTOTP\nBank (counter)\tHOTP\n"
    );
    let json = countersign(dir.path(), &["list", "--json", "--password-stdin"], "pw\n");
    let lines: Vec<&str> = std::str::from_utf8(&json.stdout).unwrap().lines().collect();
    assert_eq!(
        lines,
        [
            r#"{"type":"totp","issuer":"GitHub","account":"alice","algorithm":"SHA1","digits":6,"period":30}"#,
            r#"{"type":"totp","issuer":"RFC","account":"6238","algorithm":"SHA1","digits":8,"period":30}"#,
            r#"{"type":"hotp","issuer":"Bank","account":"counter","algorithm":"SHA1","digits":6,"counter":0}"#,
        ]
    );
    assert!(!stdout(&json).contains("secret"));
}

#[test]
fn code_finds_exactly_one_account() {
    let dir = tempfile::tempdir().unwrap();
    vault(dir.path());
    let run = |query: &str| {
        countersign(
            dir.path(),
            &["code", query, "--at", "59", "--password-stdin"],
            "pw\n",
        )
    };
    assert_eq!(stdout(&run("RFC:6238")), "94287082\n");
    assert_eq!(stdout(&run("6238")), "94287082\n");
    // "git" is a substring of GitHub only.
    assert_eq!(run("git").status.code(), Some(0));
    assert_one_line_error(&run("nothing like it"), 14, "no account matches");
    // "a" is in GitHub (alice) and Bank.
    assert_one_line_error(&run("a"), 15, "accounts match");
}

#[test]
fn hotp_codes_advance_and_are_saved() {
    let dir = tempfile::tempdir().unwrap();
    vault(dir.path());
    let mut codes = Vec::new();
    for _ in 0..3 {
        let out = countersign(dir.path(), &["code", "bank", "--password-stdin"], "pw\n");
        assert!(out.status.success(), "{out:?}");
        codes.push(stdout(&out).trim().to_owned());
    }
    let secret = Secret::from_base32("MFRGGZDFMZTWQ2LK").unwrap();
    let expected: Vec<String> = (0..3)
        .map(|n| countersign_otp::hotp(&secret, countersign_otp::Algorithm::Sha1, 6, n))
        .collect();
    assert_eq!(codes, expected);
    let json = countersign(dir.path(), &["list", "--json", "--password-stdin"], "pw\n");
    assert!(stdout(&json).contains(r#""counter":3"#));
}

#[test]
fn wrong_password_and_tampering_give_one_line_and_their_own_status() {
    let dir = tempfile::tempdir().unwrap();
    vault(dir.path());
    let wrong = countersign(dir.path(), &["list", "--password-stdin"], "nope\n");
    assert_one_line_error(&wrong, 3, "wrong password");

    let path = dir.path().join(countersign_vault::VAULT_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x40;
    std::fs::write(&path, &bytes).unwrap();
    for args in [
        &["list", "--password-stdin"][..],
        &["unlock-test", "--password-stdin"],
    ] {
        let tampered = countersign(dir.path(), args, "pw\n");
        assert_one_line_error(&tampered, 4, "damaged or was tampered with");
    }
    let add = countersign(
        dir.path(),
        &["add", "--password-stdin"],
        "pw\notpauth://totp/X?secret=GEZDGNBVGY3TQOJQ\n",
    );
    assert_one_line_error(&add, 4, "tampered");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "nothing was written");

    bytes[8] = 9;
    std::fs::write(&path, &bytes).unwrap();
    let newer = countersign(dir.path(), &["list", "--password-stdin"], "pw\n");
    assert_one_line_error(&newer, 5, "format version 9");
}

#[test]
fn add_reports_duplicates_and_bad_uris() {
    let dir = tempfile::tempdir().unwrap();
    vault(dir.path());
    let duplicate = countersign(
        dir.path(),
        &["add", "--password-stdin"],
        "pw\notpauth://totp/Copy?secret=jbswy3dpehpk3pxp\n",
    );
    assert_one_line_error(&duplicate, 13, "Copy (as GitHub (alice))");
    let bad = countersign(
        dir.path(),
        &["add", "--password-stdin"],
        "pw\nhttps://example.com\n",
    );
    assert_eq!(bad.status.code(), Some(2));
    let empty = countersign(dir.path(), &["add", "--password-stdin"], "pw\n");
    assert_one_line_error(&empty, 2, "no URI");
}

#[test]
fn add_setup_key_reads_the_key_from_stdin_with_the_app_s_rules() {
    let dir = tempfile::tempdir().unwrap();
    vault(dir.path());
    let add = countersign(
        dir.path(),
        &[
            "add",
            "--password-stdin",
            "--setup-key",
            "--issuer",
            "Typed",
            "--name",
            "me",
            "--algorithm",
            "sha256",
            "--digits",
            "8",
            "--period",
            "60",
        ],
        "pw\nkrsx g5ct-mvrx ezlu\n",
    );
    assert!(add.status.success(), "{add:?}");
    assert_eq!(stdout(&add), "added: Typed (me)\n");
    // oathtool --totp=sha256 --digits=8 --time-step-size=60s --now=@59 --base32 KRSXG5CTMVRXEZLU
    let code = countersign(
        dir.path(),
        &["code", "Typed", "--at", "59", "--password-stdin"],
        "pw\n",
    );
    assert_eq!(stdout(&code), "19493200\n");

    let bad = countersign(
        dir.path(),
        &["add", "--password-stdin", "--setup-key", "--issuer", "Bad"],
        "pw\nJBSWY3DP!\n",
    );
    assert_one_line_error(
        &bad,
        2,
        "setup key: the secret has a character that is not base32: '!' at position 9",
    );
    let digits = countersign(
        dir.path(),
        &[
            "add",
            "--password-stdin",
            "--setup-key",
            "--name",
            "x",
            "--digits",
            "11",
        ],
        "pw\nMFRGGZDFMZTWQ2LL\n",
    );
    assert_one_line_error(&digits, 2, "--digits: 11 digits is not supported (1 to 10)");
    let list = countersign(dir.path(), &["list", "--password-stdin"], "pw\n");
    assert_eq!(stdout(&list).lines().count(), 4, "only Typed was added");
    // Options for a setup key without --setup-key are a usage error, not URIs ignored.
    let stray = countersign(
        dir.path(),
        &["add", "--password-stdin", "--digits", "8"],
        "pw\n",
    );
    assert_eq!(stray.status.code(), Some(2), "{stray:?}");
    assert!(stderr(&stray).contains("--setup-key"), "{stray:?}");
}

#[test]
fn another_running_instance_blocks_writes_but_not_reading() {
    let dir = tempfile::tempdir().unwrap();
    vault(dir.path());
    let _app = Store::open(dir.path()).unwrap();
    let list = countersign(dir.path(), &["list", "--password-stdin"], "pw\n");
    assert!(list.status.success(), "{list:?}");
    let code = countersign(dir.path(), &["code", "github", "--password-stdin"], "pw\n");
    assert!(code.status.success(), "TOTP codes need no write: {code:?}");
    let hotp = countersign(dir.path(), &["code", "bank", "--password-stdin"], "pw\n");
    assert_one_line_error(&hotp, 9, "in use by another running instance");
    let remove = countersign(
        dir.path(),
        &["remove", "github", "--password-stdin"],
        "pw\n",
    );
    assert_one_line_error(&remove, 9, "in use");
}

#[test]
fn no_vault_and_passwd() {
    let dir = tempfile::tempdir().unwrap();
    let none = countersign(dir.path(), &["list", "--password-stdin"], "pw\n");
    assert_one_line_error(&none, 7, "no vault");

    vault(dir.path());
    let passwd = countersign(
        dir.path(),
        &["passwd", "--password-stdin"],
        "pw\nbetter one\n",
    );
    assert!(passwd.status.success(), "{passwd:?}");
    let old = countersign(dir.path(), &["unlock-test", "--password-stdin"], "pw\n");
    assert_one_line_error(&old, 3, "wrong password");
    let new = countersign(
        dir.path(),
        &["unlock-test", "--password-stdin"],
        "better one\n",
    );
    assert!(new.status.success(), "{new:?}");
}

#[test]
fn the_data_folder_comes_from_the_environment_too() {
    let dir = tempfile::tempdir().unwrap();
    vault(dir.path());
    let output = common::run(
        Some(dir.path()),
        &["unlock-test", "--password-stdin"],
        "pw\n",
    );
    assert_eq!(
        stdout(&output),
        "ok: the vault opens and holds 3 account(s)\n"
    );
}

#[test]
fn help_documents_the_exit_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let help = countersign(dir.path(), &["list", "--help"], "");
    let text = stdout(&help);
    assert!(text.contains("Exit status:"), "{text}");
    assert!(text.contains("3   wrong password"));
    assert!(text.contains("4   the vault file is damaged or was tampered with"));
    let top = countersign(dir.path(), &["--help"], "");
    for command in [
        "init",
        "unlock-test",
        "add",
        "list",
        "code",
        "remove",
        "passwd",
    ] {
        assert!(stdout(&top).contains(command), "{command}");
    }
    assert!(stdout(&top).contains("--data-dir"));
}

/// The app moved the vault into a synced folder: the CLI finds it there through the same rule
/// (`countersign_vault::location`), writes to it there, and counts guesses in the local folder.
#[test]
fn a_vault_the_app_moved_elsewhere_is_found_there() {
    let (data, synced) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let elsewhere = synced.path().join("Countersign");
    let store = Store::open(&elsewhere)
        .unwrap()
        .with_kdf(KdfParams::new(64, 1, 1).unwrap());
    let (mut made, _) = store.create(Some("pw"), false).unwrap();
    let id = made.vault_id();
    made.add(Account::totp(
        "GitHub",
        "alice",
        Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
    ))
    .unwrap();
    drop(made);
    drop(store);
    countersign_vault::location::remember(data.path(), &elsewhere).unwrap();

    let list = countersign(data.path(), &["list", "--password-stdin"], "pw\n");
    assert_eq!(stdout(&list), "GitHub (alice)\tTOTP\n", "{}", stderr(&list));
    let add = countersign(
        data.path(),
        &["add", "--password-stdin"],
        "pw\notpauth://totp/GitLab:bob?secret=KRSXG5CTMVRXEZLU&issuer=GitLab\n",
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let list = countersign(data.path(), &["list", "--password-stdin"], "pw\n");
    assert_eq!(stdout(&list), "GitHub (alice)\tTOTP\nGitLab (bob)\tTOTP\n");
    // Nothing of the vault in the data folder; the lock and guesses in its local folder only.
    assert!(!data.path().join(countersign_vault::VAULT_FILE).exists());
    let wrong = countersign(data.path(), &["list", "--password-stdin"], "nope\n");
    assert!(!wrong.status.success());
    let local = countersign_vault::local_dir_for(data.path(), id);
    assert!(local.join(countersign_vault::ATTEMPTS_FILE).exists());
    assert!(!elsewhere.join(countersign_vault::ATTEMPTS_FILE).exists());
}
