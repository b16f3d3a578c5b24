//! The committed vault files of tests/vectors/*.txt open exactly as their headers say.
//!
//! Each vector has `try: <password|recovery|keyring> <credential> => <ok|error kind>` lines,
//! the accounts an `ok` must give (`account: <JSON>`), optionally `rewrite_keeps: <hex>` (bytes
//! a save must keep), and the file itself (`vault: <base64>`). src/vectors.rs wrote them.

use std::path::{Path, PathBuf};

use countersign_otp::Account;
use countersign_vault::{Store, VAULT_FILE, inspect};
use data_encoding::{BASE64, HEXLOWER};

struct Vector {
    tries: Vec<(String, String, String)>,
    accounts: Vec<Account>,
    keeps: Option<Vec<u8>>,
    bytes: Vec<u8>,
}

fn read(path: &Path) -> Vector {
    let text = std::fs::read_to_string(path).unwrap();
    let mut vector = Vector {
        tries: Vec::new(),
        accounts: Vec::new(),
        keeps: None,
        bytes: Vec::new(),
    };
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let (key, value) = line.split_once(": ").expect("`key: value` lines");
        match key {
            "try" => {
                let (attempt, outcome) = value.rsplit_once(" => ").unwrap();
                let (how, credential) = attempt.split_once(' ').unwrap();
                vector
                    .tries
                    .push((how.into(), credential.into(), outcome.into()));
            }
            "account" => vector.accounts.push(serde_json::from_str(value).unwrap()),
            "rewrite_keeps" => vector.keeps = Some(HEXLOWER.decode(value.as_bytes()).unwrap()),
            "vault" => vector.bytes = BASE64.decode(value.as_bytes()).unwrap(),
            other => panic!("{}: unknown key {other}", path.display()),
        }
    }
    assert!(!vector.tries.is_empty(), "{}", path.display());
    vector
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[test]
fn every_vector_opens_as_its_header_says() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 9, "vectors missing: {paths:?}");
    let mut checked = 0;
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy();
        let vector = read(path);
        for (how, credential, expected) in &vector.tries {
            // A fresh folder per try, so rate limiting and rewrites do not carry over.
            let data = tempfile::tempdir().unwrap();
            std::fs::write(data.path().join(VAULT_FILE), &vector.bytes).unwrap();
            let store = Store::open(data.path()).unwrap();
            let result = match how.as_str() {
                "password" => store.unlock_with_password(credential),
                "recovery" => store.unlock_with_recovery(credential),
                "keyring" => store.unlock_with_keyring(),
                other => panic!("{name}: unknown credential {other}"),
            };
            match result {
                Ok(mut vault) => {
                    assert_eq!(expected, "ok", "{name}: {how} opened it");
                    let accounts: Vec<&Account> =
                        vault.entries().iter().map(|entry| &entry.account).collect();
                    let wanted: Vec<&Account> = vector.accounts.iter().collect();
                    assert_eq!(accounts, wanted, "{name}: {how}");
                    if let Some(keeps) = &vector.keeps {
                        assert!(contains(&vector.bytes, keeps));
                        let first = vault.entries()[0].id;
                        vault.mark_used(first).unwrap();
                        let rewritten = std::fs::read(data.path().join(VAULT_FILE)).unwrap();
                        assert_ne!(rewritten, vector.bytes);
                        assert!(contains(&rewritten, keeps), "{name}: slot dropped");
                        assert_eq!(inspect(&rewritten).unwrap().slots.unknown, 1);
                    }
                }
                Err(error) => assert_eq!(error.kind(), expected, "{name}: {how}: {error}"),
            }
            checked += 1;
        }
    }
    println!("{} vectors, {checked} attempts checked", paths.len());
}
