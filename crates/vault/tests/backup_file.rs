//! Encrypted Countersign backups: round trips over random accounts, wrong passwords, damaged,
//! hostile and foreign files, and the promise that a backup is a vault file too.

use std::time::{Duration, Instant};

use countersign_otp::{Account, Algorithm, Kind, Secret};
use countersign_vault::{Entry, KdfParams, Store, VAULT_FILE, backup_file};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

fn tiny() -> KdfParams {
    KdfParams::new(64, 1, 1).unwrap()
}

fn sample() -> Vec<Entry> {
    let secret = |text| Secret::from_base32(text).unwrap();
    let mut hotp = Account::hotp("WWE", "Mason", secret("5VAML3X35THCEBVRLV24CGBKOY"), 10300);
    hotp.algorithm = Algorithm::Sha512;
    hotp.digits = 8;
    hotp.note = "ünïcödé".into();
    hotp.group = Some("Work".into());
    backup_file::entries_of(vec![
        Account::totp("Deno", "Mason", secret("4SJHB4GSD43FZBAI7C2HLRJGPQ")),
        hotp,
        Account::steam("Boeing", "Sophia", secret("JRZCL47CMXVOQMNPZR2F7J4RGI")),
    ])
}

fn text() -> impl Strategy<Value = String> {
    "\\PC{0,16}"
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        (1..=86_400u32).prop_map(|period| Kind::Totp { period }),
        any::<u64>().prop_map(|counter| Kind::Hotp { counter }),
        (1..=86_400u32).prop_map(|period| Kind::Steam { period }),
    ]
}

prop_compose! {
    fn account()(
        issuer in text(),
        name in text(),
        secret in prop::collection::vec(any::<u8>(), 1..64),
        kind in kind(),
        algorithm in prop_oneof![Just(Algorithm::Sha1), Just(Algorithm::Sha256), Just(Algorithm::Sha512)],
        digits in 1..=10u8,
        note in "\\PC{0,40}",
        group in prop::option::of("\\PC{1,12}"),
        favourite in any::<bool>(),
        icon in prop::option::of("[a-z0-9]{1,12}"),
        time_offset in -300..=300i32,
    ) -> Account {
        let mut account = Account::totp(issuer, name, Secret::from_bytes(secret).unwrap());
        account.kind = kind;
        account.algorithm = algorithm;
        account.digits = digits;
        account.note = note;
        account.group = group;
        account.favourite = favourite;
        account.icon = icon;
        account.time_offset = time_offset;
        account
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Everything comes back: every field of every account, ids, times and order.
    #[test]
    fn round_trip(
        accounts in prop::collection::vec(account(), 0..12),
        password in "\\PC{1,24}",
        last_used in prop::option::of(any::<u64>()),
    ) {
        let mut entries = backup_file::entries_of(accounts);
        if let Some(entry) = entries.first_mut() {
            entry.last_used_ms = last_used;
        }
        let bytes = backup_file::write(&entries, &password, tiny()).unwrap();
        prop_assert!(backup_file::is_backup_file(&bytes));
        prop_assert_eq!(backup_file::read(&bytes, &password).unwrap(), entries);
        let wrong = format!("{password}x");
        prop_assert_eq!(backup_file::read(&bytes, &wrong).unwrap_err().kind(), "wrong_password");
    }
}

#[test]
fn each_backup_has_fresh_keys_and_nonces() {
    let entries = sample();
    let a = backup_file::write(&entries, "pw", tiny()).unwrap();
    let b = backup_file::write(&entries, "pw", tiny()).unwrap();
    // Fresh vault id, salt, master key and nonces each time: only the fixed fields match.
    assert_eq!(a.len(), b.len());
    assert_eq!(a[..14], b[..14], "magic, version, header length");
    assert_ne!(a[14..30], b[14..30], "vault id");
    assert_ne!(a[a.len() - 64..], b[b.len() - 64..], "ciphertext");
    assert_eq!(backup_file::read(&b, "pw").unwrap(), entries);
}

#[test]
fn an_empty_password_is_refused() {
    let error = backup_file::write(&sample(), "", tiny()).unwrap_err();
    assert_eq!(error.kind(), "empty_password");
}

#[test]
fn the_header_holds_one_password_slot_and_the_kdf_parameters() {
    let kdf = KdfParams::new(256, 3, 2).unwrap();
    let bytes = backup_file::write(&sample(), "pw", kdf).unwrap();
    let info = countersign_vault::inspect(&bytes).unwrap();
    assert!(info.slots.password);
    assert!(!info.slots.keyring && !info.slots.recovery);
    assert_eq!(info.slots.unknown, 0);
    assert_eq!(info.generation, 1);
    // The slot is the first: type 1, length 100, then m, t, p (docs/vault-format.md).
    assert_eq!(u16::from_le_bytes([bytes[62], bytes[63]]), 1, "slot count");
    assert_eq!(bytes[64..66], 1u16.to_le_bytes());
    assert_eq!(bytes[66..70], 100u32.to_le_bytes());
    assert_eq!(bytes[70..74], 256u32.to_le_bytes());
    assert_eq!(bytes[74..78], 3u32.to_le_bytes());
    assert_eq!(bytes[78..82], 2u32.to_le_bytes());
}

/// A backup put in a data folder is a vault that its password unlocks, with the same entries.
#[test]
fn a_backup_opens_as_a_vault() {
    let entries = sample();
    let bytes = backup_file::write(&entries, "hunter2", tiny()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(VAULT_FILE), &bytes).unwrap();
    let store = Store::open(dir.path()).unwrap().with_kdf(tiny());
    let mut vault = store.unlock_with_password("hunter2").unwrap();
    assert_eq!(vault.entries(), entries.as_slice());
    // And it saves like any vault.
    vault.remove(entries[0].id).unwrap();
    assert_eq!(vault.entries().len(), 2);
}

/// A backup carries each account's backup codes and their state; a vault saved with codes
/// reads back the same, and its file holds no code in the clear.
#[test]
fn backup_codes_travel_in_backups() {
    let mut payload = countersign_vault::Payload {
        entries: sample(),
        ..Default::default()
    };
    let id = payload.entries[0].id;
    let codes = ["a1b2c-3d4e5", "f6a7b-8c9d0", "0e1f2-a3b4c"];
    let parsed = codes
        .map(|c| countersign_otp::BackupCode::new(c).unwrap())
        .to_vec();
    payload.add_backup_codes(id, parsed, 5).unwrap();
    payload.use_backup_code(id, 6).unwrap();
    let bytes = backup_file::write(&payload.entries, "hunter2", tiny()).unwrap();
    for code in codes {
        assert!(!bytes.windows(code.len()).any(|w| w == code.as_bytes()));
    }
    let read = backup_file::read(&bytes, "hunter2").unwrap();
    assert_eq!(read, payload.entries);
    let states: Vec<(&str, bool)> = read[0]
        .backup_codes
        .iter()
        .map(|c| (c.code.as_str(), c.used_ms.is_some()))
        .collect();
    assert_eq!(
        states,
        [
            ("a1b2c-3d4e5", true),
            ("f6a7b-8c9d0", false),
            ("0e1f2-a3b4c", false)
        ]
    );
}

/// A vault file (or one of its rolling backups) reads as a backup with its password.
#[test]
fn a_vault_file_reads_as_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap().with_kdf(tiny());
    let (mut vault, _recovery) = store.create(Some("hunter2"), false).unwrap();
    let accounts: Vec<Account> = sample().into_iter().map(|e| e.account).collect();
    vault.add_all(accounts.clone()).unwrap();
    let bytes = std::fs::read(dir.path().join(VAULT_FILE)).unwrap();
    let read = backup_file::read(&bytes, "hunter2").unwrap();
    let read: Vec<Account> = read.into_iter().map(|e| e.account).collect();
    assert_eq!(read, accounts);
}

/// A vault that opens only with its keyring or recovery key cannot be read as a backup. (The API
/// never writes such a file without a keyring; renaming the password slot's type to one from a
/// future version makes one.)
#[test]
fn a_file_without_a_password_slot_says_so() {
    let mut bytes = backup_file::write(&sample(), "hunter2", tiny()).unwrap();
    bytes[64..66].copy_from_slice(&0x7f00u16.to_le_bytes());
    resign(&mut bytes);
    let error = backup_file::read(&bytes, "hunter2").unwrap_err();
    assert_eq!(error.kind(), "no_such_slot");
}

/// Recomputes the header checksum after a deliberate change, as a hostile writer would.
fn resign(bytes: &mut [u8]) {
    let header_len = u32::from_le_bytes(bytes[10..14].try_into().unwrap()) as usize;
    let checksum = Sha256::digest(&bytes[..header_len - 32]);
    bytes[header_len - 32..header_len].copy_from_slice(&checksum);
}

#[test]
fn every_changed_byte_is_noticed() {
    let bytes = backup_file::write(&sample(), "pw", tiny()).unwrap();
    for index in 0..bytes.len() {
        let mut changed = bytes.clone();
        changed[index] ^= 0x01;
        let error = backup_file::read(&changed, "pw").unwrap_err();
        let expected = if (8..10).contains(&index) {
            "unsupported_version"
        } else {
            "corrupt"
        };
        assert_eq!(error.kind(), expected, "byte {index}: {error}");
    }
}

#[test]
fn every_truncation_is_corrupt() {
    let bytes = backup_file::write(&sample(), "pw", tiny()).unwrap();
    for len in 0..bytes.len() {
        let error = backup_file::read(&bytes[..len], "pw").unwrap_err();
        assert_eq!(error.kind(), "corrupt", "length {len}: {error}");
    }
}

/// A re-signed header whose slot asks for absurd Argon2 work is refused before any work; a
/// changed but affordable one gives a wrong key, not accounts.
#[test]
fn hostile_kdf_parameters_are_refused_quickly() {
    let bytes = backup_file::write(&sample(), "pw", tiny()).unwrap();
    let mut hostile = bytes.clone();
    hostile[70..74].copy_from_slice(&(4 * 1024 * 1024u32).to_le_bytes()); // 4 GiB
    resign(&mut hostile);
    let start = Instant::now();
    let error = backup_file::read(&hostile, "pw").unwrap_err();
    assert_eq!(error.kind(), "kdf_too_expensive");
    assert!(start.elapsed() < Duration::from_millis(100));

    let mut changed = bytes;
    changed[74..78].copy_from_slice(&2u32.to_le_bytes()); // two passes instead of one
    resign(&mut changed);
    let error = backup_file::read(&changed, "pw").unwrap_err();
    assert_eq!(
        error.kind(),
        "wrong_password",
        "the slot is bound to its parameters"
    );
}

#[test]
fn other_files_are_not_backups() {
    for bytes in [
        &b""[..],
        b"CSVAULT",
        b"{\"version\":1,\"header\":{}}",
        b"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
    ] {
        assert!(!backup_file::is_backup_file(bytes));
        assert_eq!(
            backup_file::read(bytes, "pw").unwrap_err().kind(),
            "corrupt"
        );
    }
}

#[test]
fn check_says_what_reading_would_say_before_any_key_is_derived() {
    let bytes = backup_file::write(&sample(), "pw", tiny()).unwrap();
    backup_file::check(&bytes).unwrap();
    let vector = include_str!("vectors/v1-kdf-over-cap.txt");
    let base64 = vector
        .lines()
        .find_map(|line| line.strip_prefix("vault: "))
        .unwrap();
    let over_the_cap = data_encoding::BASE64.decode(base64.as_bytes()).unwrap();
    let start = Instant::now();
    assert_eq!(
        backup_file::check(&over_the_cap).unwrap_err().kind(),
        "kdf_too_expensive"
    );
    assert!(start.elapsed() < Duration::from_secs(1));
    let mut damaged = bytes.clone();
    damaged[40] ^= 1;
    assert_eq!(backup_file::check(&damaged).unwrap_err().kind(), "corrupt");
}
