//! Our exports read by code that is not ours: tests/independent_check.py decrypts the Aegis
//! export following Aegis's documented procedure (docs/decrypt.py, with the `cryptography`
//! package) and decodes migration QR texts with its own protobuf wire-format reader. Skips
//! with a message when python3 or `cryptography` is missing.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use countersign_backup::{
    Account, Algorithm, ExportLimit, Kind, Secret, export_aegis_encrypted, export_migration_qr,
};
use serde_json::Value;

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/independent_check.py")
}

fn python_ready() -> bool {
    let ready = Command::new("python3")
        .args(["-c", "import cryptography"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !ready {
        println!(
            "SKIPPED: python3 with the 'cryptography' package is needed (pip install cryptography)"
        );
    }
    ready
}

fn run(args: &[&str], stdin: &[u8]) -> String {
    let mut child = Command::new("python3")
        .arg(script())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn secret(text: &str) -> Secret {
    Secret::from_base32(text).unwrap()
}

fn accounts() -> Vec<Account> {
    let mut github = Account::totp("GitHub", "octocat@example.com", secret("JBSWY3DPEHPK3PXP"));
    github.note = "recovery codes: in the safe ✓".into();
    github.group = Some("Développement".into());
    github.favourite = true;
    let mut bank = Account::totp("Bänk", "名前", secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
    bank.algorithm = Algorithm::Sha512;
    bank.digits = 10;
    bank.kind = Kind::Totp { period: 45 };
    bank.group = Some("Développement".into());
    let mut counter = Account::hotp(
        "",
        "counter:with:colons",
        secret("KUVJJOM753IHTNDSZVCNKL7GII"),
        10_300,
    );
    counter.algorithm = Algorithm::Sha256;
    counter.digits = 8;
    let steam = Account::steam("Steam", "gabe", secret("JRZCL47CMXVOQMNPZR2F7J4RGI"));
    vec![github, bank, counter, steam]
}

#[test]
fn aegis_export_opens_with_aegis_documented_decrypt_procedure() {
    if !python_ready() {
        return;
    }
    let password = "pässwörd ✓ with a space";
    let accounts = accounts();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aegis-export.json");
    std::fs::write(&path, export_aegis_encrypted(&accounts, password)).unwrap();

    let content: Value = serde_json::from_str(&run(
        &["aegis", path.to_str().unwrap()],
        password.as_bytes(),
    ))
    .unwrap();
    assert_eq!(content["version"], 3);
    let entries = content["entries"].as_array().unwrap();
    assert_eq!(entries.len(), accounts.len());
    let group_name = |uuid: &Value| {
        content["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|group| group["uuid"] == *uuid)
            .map(|group| group["name"].as_str().unwrap().to_owned())
    };
    for (entry, account) in entries.iter().zip(&accounts) {
        assert_eq!(entry["type"], account.kind.name());
        assert_eq!(entry["issuer"], account.issuer.as_str());
        assert_eq!(entry["name"], account.name.as_str());
        assert_eq!(entry["note"], account.note.as_str());
        assert_eq!(entry["favorite"], account.favourite);
        let info = &entry["info"];
        assert_eq!(info["secret"], account.secret.to_base32().as_str());
        assert_eq!(info["algo"], account.algorithm.as_str());
        assert_eq!(info["digits"], account.digits);
        match account.kind {
            Kind::Totp { period } | Kind::Steam { period } => assert_eq!(info["period"], period),
            Kind::Hotp { counter } => assert_eq!(info["counter"], counter),
        }
        let groups: Vec<_> = entry["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(group_name)
            .collect();
        assert_eq!(
            groups,
            account
                .group
                .clone()
                .map(Some)
                .into_iter()
                .collect::<Vec<_>>()
        );
        assert!(uuid_v4(entry["uuid"].as_str().unwrap()));
    }
    // The slot is what Aegis writes, so Aegis for Android accepts it.
    let file: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let slot = &file["header"]["slots"][0];
    assert_eq!(
        (&slot["type"], &slot["n"], &slot["r"], &slot["p"]),
        (&1.into(), &32768.into(), &8.into(), &1.into())
    );
    assert_eq!(slot["salt"].as_str().unwrap().len(), 64);
    assert_eq!(slot["key_params"]["nonce"].as_str().unwrap().len(), 24);
    assert_eq!(slot["repaired"], true);
}

fn uuid_v4(text: &str) -> bool {
    text.len() == 36 && text.as_bytes()[14] == b'4' && text.split('-').count() == 5
}

#[test]
fn migration_qr_texts_decode_with_an_independent_protobuf_reader() {
    if !python_ready() {
        return;
    }
    let mut accounts = accounts();
    accounts.push(Account::totp("Plain", "six", secret("JBSWY3DPEHPK3PXP")));
    let export = export_migration_qr(&accounts, 2).unwrap();
    // Google's format has no 45 s period, no 10 digits and no Steam.
    assert_eq!(
        export.left_out,
        vec![(1, ExportLimit::Period(45)), (3, ExportLimit::Steam)]
    );
    let texts: Vec<&str> = export.codes.iter().map(|code| code.text.as_str()).collect();
    let mut args = vec!["migration"];
    args.extend(&texts);
    let decoded: Vec<Value> = run(&args, b"")
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();

    let carried = [&accounts[0], &accounts[2], &accounts[4]];
    assert_eq!(decoded.len(), carried.len());
    assert_eq!(export.codes.len(), 2);
    for (index, (entry, account)) in decoded.iter().zip(carried).enumerate() {
        assert_eq!(entry["secret"], account.secret.to_base32().as_str());
        assert_eq!(entry["issuer"], account.issuer.as_str());
        assert_eq!(entry["name"], account.name.as_str());
        let algorithm = match account.algorithm {
            Algorithm::Sha1 => 1,
            Algorithm::Sha256 => 2,
            Algorithm::Sha512 => 3,
        };
        assert_eq!(entry["algorithm"], algorithm);
        assert_eq!(entry["digits"], if account.digits == 8 { 2 } else { 1 });
        match account.kind {
            Kind::Hotp { counter } => {
                assert_eq!(
                    (&entry["type"], &entry["counter"]),
                    (&1.into(), &counter.into())
                )
            }
            _ => assert_eq!(entry["type"], 2),
        }
        assert_eq!(entry["batch_size"], 2);
        assert_eq!(entry["batch_index"], index / 2);
        assert_eq!(entry["batch_id"], decoded[0]["batch_id"]);
    }
}
