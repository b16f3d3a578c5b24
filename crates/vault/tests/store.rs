//! The vault in a data folder, through the public API: round trips, every credential, saves
//! that refuse to clobber, backups, the instance lock, rate limiting and tampering.

use std::fs;
use std::path::Path;
use std::time::Duration;

use countersign_otp::{Account, Kind, Secret};
use countersign_vault::BackupPolicy::ReEncrypt;
use countersign_vault::{
    ATTEMPTS_FILE, Error, KdfParams, LOCK_FILE, Novelty, Recovery, SlotSummary, Status, Store,
    VAULT_FILE, inspect,
};

fn tiny() -> KdfParams {
    KdfParams::new(64, 1, 1).unwrap()
}

fn store(dir: &Path) -> Store {
    Store::open(dir).unwrap().with_kdf(tiny())
}

fn secret(text: &str) -> Secret {
    Secret::from_base32(text).unwrap()
}

fn github() -> Account {
    Account::totp("GitHub", "alice", secret("JBSWY3DPEHPK3PXP"))
}

fn names(vault: &countersign_vault::Unlocked) -> Vec<String> {
    vault
        .entries()
        .iter()
        .map(|e| e.account.display_name())
        .collect()
}

#[test]
fn create_then_unlock_with_password_and_recovery_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    assert_eq!(store.status().unwrap(), Status::NoVault);
    let (mut vault, recovery) = store.create(Some("hunter2 hunter2"), false).unwrap();
    let id = vault.add(github()).unwrap();
    let mut hotp = Account::hotp("Bank", "", secret("GEZDGNBVGY3TQOJQ"), 5);
    hotp.note = "the card reader one".into();
    vault.add(hotp).unwrap();
    let vault_id = vault.vault_id();
    vault.lock();

    let Status::Locked(info) = store.status().unwrap() else {
        panic!("a vault exists")
    };
    assert_eq!(info.vault_id, vault_id);
    assert_eq!(
        info.slots,
        SlotSummary {
            password: true,
            keyring: false,
            recovery: true,
            unknown: 0
        }
    );
    assert_eq!(info.generation, 3, "created, then two adds");

    let vault = store.unlock_with_password("hunter2 hunter2").unwrap();
    assert_eq!(names(&vault), ["GitHub (alice)", "Bank"]);
    let entry = vault.entry(id).unwrap();
    assert_eq!(entry.account, github());
    assert!(entry.created_ms > 1_700_000_000_000);
    assert_eq!(entry.created_ms, entry.modified_ms);
    assert_eq!(vault.entries()[1].account.note, "the card reader one");
    assert_eq!(vault.entries()[1].account.kind, Kind::Hotp { counter: 5 });
    drop(vault);

    let vault = store
        .unlock_with_recovery(&recovery.to_grouped().to_lowercase())
        .unwrap();
    assert_eq!(names(&vault), ["GitHub (alice)", "Bank"]);
}

#[test]
fn wrong_credentials_have_their_own_errors() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    store.create(Some("right"), false).unwrap();
    assert!(matches!(
        store.unlock_with_password("wrong"),
        Err(Error::WrongPassword)
    ));
    assert!(matches!(
        store.unlock_with_recovery("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"),
        Err(Error::WrongRecoveryKey)
    ));
    assert!(matches!(
        store.unlock_with_recovery("not a key"),
        Err(Error::WrongRecoveryKey)
    ));
    assert!(matches!(
        store.unlock_with_keyring(),
        Err(Error::NoSuchSlot("keyring"))
    ));
}

#[test]
fn creation_needs_a_password_or_the_keyring_and_happens_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    assert_eq!(
        store.create(None, false).unwrap_err().kind(),
        "password_required"
    );
    assert_eq!(
        store.create(Some(""), false).unwrap_err().kind(),
        "empty_password"
    );
    assert_eq!(store.status().unwrap(), Status::NoVault);
    store.create(Some("pw"), false).unwrap();
    assert_eq!(
        store.create(Some("pw"), false).unwrap_err().kind(),
        "vault_exists"
    );
}

/// The dry run changes nothing and says what `add_all` then does, account by account.
#[test]
fn sort_new_previews_what_add_all_does() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let (mut vault, _) = store.create(Some("pw"), false).unwrap();
    let known = vault.add(github()).unwrap();
    let generation = vault.generation();
    let accounts = vec![
        Account::totp("New", "1", secret("MFRGGZDFMZTWQ2LK")),
        Account::totp("Renamed", "", secret("JBSWY3DPEHPK3PXP")),
        Account::totp("New twice", "", secret("MFRGGZDFMZTWQ2LK")),
        Account::hotp("Other", "2", secret("GEZDGNBVGY3TQOJQ"), 0),
    ];
    let sorted = vault.sort_new(&accounts);
    assert_eq!(
        sorted,
        [
            Novelty::New,
            Novelty::InVault(known),
            Novelty::Repeat(0),
            Novelty::New
        ]
    );
    assert_eq!((vault.entries().len(), vault.generation()), (1, generation));

    let report = vault.add_all(accounts).unwrap();
    assert_eq!(report.added.len(), 2);
    assert_eq!(
        report.duplicates,
        [(1, known), (2, report.added[0])],
        "the repeat is reported as the account added for its first"
    );
    let again = vault.sort_new(&[Account::totp("X", "", secret("GEZDGNBVGY3TQOJQ"))]);
    assert_eq!(again, [Novelty::InVault(report.added[1])]);
}

#[test]
fn edits_reorder_tombstones_and_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let (mut vault, _) = store.create(Some("pw"), false).unwrap();
    let a = vault.add(github()).unwrap();
    let b = vault
        .add(Account::totp("GitLab", "bob", secret("GEZDGNBVGY3TQOJQ")))
        .unwrap();
    let c = vault
        .add(Account::steam(
            "Steam",
            "gabe",
            secret("JRZCL47CMXVOQMNPZR2F7J4RGI"),
        ))
        .unwrap();

    match vault.add(Account::totp("Copy", "", secret("jbsw y3dp ehpk 3pxp"))) {
        Err(Error::Duplicate { existing }) => assert_eq!(existing, a),
        other => panic!("{other:?}"),
    }
    let report = vault
        .add_all(vec![
            Account::totp("New", "1", secret("MFRGGZDFMZTWQ2LK")),
            Account::totp("Again", "", secret("GEZDGNBVGY3TQOJQ")),
            Account::totp("New twice", "", secret("MFRGGZDFMZTWQ2LK")),
        ])
        .unwrap();
    assert_eq!(report.added.len(), 1);
    assert_eq!(report.duplicates, [(1, b), (2, report.added[0])]);
    let d = report.added[0];

    let mut renamed = github();
    renamed.name = "alice@example.com".into();
    let before = vault.entry(a).unwrap().modified_ms;
    vault.update(a, renamed).unwrap();
    assert!(vault.entry(a).unwrap().modified_ms > before);
    match vault.update(a, Account::totp("X", "", secret("GEZDGNBVGY3TQOJQ"))) {
        Err(Error::Duplicate { existing }) => assert_eq!(existing, b),
        other => panic!("{other:?}"),
    }

    vault.reorder(&[c, a]).unwrap();
    vault.remove(b).unwrap();
    assert_eq!(vault.remove(b).unwrap_err().kind(), "not_found");
    assert_eq!(vault.reorder(&[b]).unwrap_err().kind(), "not_found");
    vault.mark_used(d).unwrap();
    drop(vault);

    let vault = store.unlock_with_password("pw").unwrap();
    assert_eq!(
        names(&vault),
        ["Steam (gabe)", "GitHub (alice@example.com)", "New (1)"]
    );
    assert!(vault.entry(d).unwrap().last_used_ms.is_some());
    assert!(vault.payload().order_modified_ms > 0);
    let tombstones = &vault.payload().tombstones;
    assert_eq!(tombstones.len(), 1);
    assert_eq!(tombstones[0].id, b);
}

#[test]
fn hotp_counter_is_saved_before_the_code_is_returned() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let (mut vault, _) = store.create(Some("pw"), false).unwrap();
    // RFC 4226 appendix D: counter 0 -> 755224, 1 -> 287082.
    let id = vault
        .add(Account::hotp(
            "RFC",
            "4226",
            secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            0,
        ))
        .unwrap();
    let totp = vault.add(github()).unwrap();
    assert_eq!(vault.next_hotp_code(id).unwrap().text, "755224");
    // Another process sees the new counter at once.
    let reader = Store::open_read_only(dir.path());
    let seen = reader.unlock_with_password("pw").unwrap();
    assert_eq!(
        seen.entry(id).unwrap().account.kind,
        Kind::Hotp { counter: 1 }
    );
    assert_eq!(vault.next_hotp_code(id).unwrap().text, "287082");
    assert_eq!(vault.next_hotp_code(totp).unwrap_err().kind(), "not_hotp");
}

#[test]
fn saving_refuses_to_overwrite_a_file_changed_on_disk_then_merges_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let (mut vault, _) = store.create(Some("pw"), false).unwrap();
    vault.add(github()).unwrap();
    let before = fs::read(dir.path().join(VAULT_FILE)).unwrap();

    // Another device's copy, synced in: same vault, one more account.
    let other_dir = tempfile::tempdir().unwrap();
    fs::copy(
        dir.path().join(VAULT_FILE),
        other_dir.path().join(VAULT_FILE),
    )
    .unwrap();
    let other_store = store_at(other_dir.path());
    let mut other = other_store.unlock_with_password("pw").unwrap();
    other
        .add(Account::totp("Other", "device", secret("MFRGGZDFMZTWQ2LK")))
        .unwrap();
    fs::copy(
        other_dir.path().join(VAULT_FILE),
        dir.path().join(VAULT_FILE),
    )
    .unwrap();
    let synced = fs::read(dir.path().join(VAULT_FILE)).unwrap();

    let error = vault
        .add(Account::totp("Mine", "", secret("GEZDGNBVGY3TQOJQ")))
        .unwrap_err();
    assert_eq!(error.kind(), "changed_on_disk");
    assert_eq!(fs::read(dir.path().join(VAULT_FILE)).unwrap(), synced);
    assert_eq!(
        names(&vault),
        ["GitHub (alice)"],
        "the failed add is not kept"
    );
    assert_ne!(before, synced);

    vault.merge_from_disk().unwrap();
    vault
        .add(Account::totp("Mine", "", secret("GEZDGNBVGY3TQOJQ")))
        .unwrap();
    drop(vault);
    let reopened = store.unlock_with_password("pw").unwrap();
    assert_eq!(
        names(&reopened),
        ["GitHub (alice)", "Other (device)", "Mine"]
    );
}

fn store_at(dir: &Path) -> Store {
    store(dir)
}

#[test]
fn a_removed_vault_file_is_a_change_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let (mut vault, _) = store.create(Some("pw"), false).unwrap();
    fs::remove_file(dir.path().join(VAULT_FILE)).unwrap();
    assert_eq!(vault.add(github()).unwrap_err().kind(), "changed_on_disk");
    assert!(!dir.path().join(VAULT_FILE).exists());
}

#[test]
fn backups_keep_the_last_ten_generations_and_restore() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let (mut vault, _) = store.create(Some("pw"), false).unwrap();
    for n in 0..12u8 {
        let secret = Secret::from_bytes(vec![n + 1; 10]).unwrap();
        vault
            .add(Account::totp("Issuer", format!("{n}"), secret))
            .unwrap();
    }
    assert_eq!(vault.generation(), 13);
    let backups = store.backups().unwrap();
    let generations: Vec<u64> = backups.iter().map(|b| b.generation).collect();
    assert_eq!(generations, (3..=12).collect::<Vec<_>>());
    for backup in &backups {
        let info = inspect(&fs::read(&backup.path).unwrap()).unwrap();
        assert_eq!(info.generation, backup.generation);
        assert_eq!(info.vault_id, vault.vault_id());
    }
    drop(vault);

    // Damage the vault; restore the newest backup.
    fs::write(dir.path().join(VAULT_FILE), b"garbage").unwrap();
    assert_eq!(store.status().unwrap_err().kind(), "corrupt");
    store.restore_backup(backups.last().unwrap()).unwrap();
    let vault = store.unlock_with_password("pw").unwrap();
    assert_eq!(vault.entries().len(), 11, "generation 12 held 11 accounts");
    let aside: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter(|name| name.starts_with("vault.countersign.replaced-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(fs::read(dir.path().join(&aside[0])).unwrap(), b"garbage");
}

#[test]
fn a_second_instance_is_refused_and_a_reader_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let first = store(dir.path());
    let (vault, _) = first.create(Some("pw"), false).unwrap();
    match Store::open(dir.path()) {
        Err(Error::InUse { path }) => assert_eq!(path, dir.path().join(LOCK_FILE)),
        other => panic!("{other:?}"),
    }
    // The lock lives as long as the unlocked vault, even without its store.
    drop(first);
    assert_eq!(Store::open(dir.path()).unwrap_err().kind(), "in_use");
    drop(vault);
    let second = Store::open(dir.path()).unwrap();

    let reader = Store::open_read_only(dir.path());
    let mut view = reader.unlock_with_password("pw").unwrap();
    assert_eq!(view.add(github()).unwrap_err().kind(), "read_only");
    drop(second);
}

#[test]
fn wrong_attempts_are_rate_limited_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = store(dir.path());
        store.create(Some("right"), false).unwrap();
        for _ in 0..3 {
            assert_eq!(
                store.unlock_with_password("wrong").unwrap_err().kind(),
                "wrong_password"
            );
        }
        // The fourth try comes too soon, even with the right password.
        match store.unlock_with_password("right") {
            Err(Error::RateLimited { wait }) => assert!(wait <= Duration::from_secs(1)),
            other => panic!("{other:?}"),
        }
    }
    assert!(dir.path().join(ATTEMPTS_FILE).exists());
    // "Restart": a new store reads the persisted count.
    let store = store(dir.path());
    let wait = store.unlock_wait().expect("still waiting after a restart");
    assert_eq!(
        store.unlock_with_recovery("x").unwrap_err().kind(),
        "rate_limited"
    );
    std::thread::sleep(wait + Duration::from_millis(50));
    // The fourth failure doubles the delay.
    assert_eq!(
        store.unlock_with_password("wrong").unwrap_err().kind(),
        "wrong_password"
    );
    let wait = store.unlock_wait().unwrap();
    assert!(wait > Duration::from_secs(1) && wait <= Duration::from_secs(2));
    std::thread::sleep(wait + Duration::from_millis(50));
    store.unlock_with_password("right").unwrap();
    assert_eq!(store.unlock_wait(), None);
}

#[test]
fn changing_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let (mut vault, first_recovery) = store.create(Some("old"), false).unwrap();
    vault.add(github()).unwrap();
    assert_eq!(
        vault.verify_password("nope").unwrap_err().kind(),
        "wrong_password"
    );
    vault.verify_password("old").unwrap();
    let first_text = first_recovery.to_grouped();
    let keep = Recovery::Keep(&first_text);
    let _ = vault
        .change_password("old", "new", keep, ReEncrypt)
        .unwrap();
    assert_eq!(
        vault
            .change_password("new", "", keep, ReEncrypt)
            .unwrap_err()
            .kind(),
        "empty_password"
    );
    let second_recovery = vault
        .new_recovery_key("new", ReEncrypt)
        .unwrap()
        .recovery_key
        .unwrap();
    assert_eq!(
        vault
            .remove_keyring_slot("new", Recovery::Replace, ReEncrypt)
            .unwrap_err()
            .kind(),
        "no_such_slot"
    );
    drop(vault);

    assert_eq!(
        store.unlock_with_password("old").unwrap_err().kind(),
        "wrong_password"
    );
    assert_eq!(
        store
            .unlock_with_recovery(&first_recovery.to_grouped())
            .unwrap_err()
            .kind(),
        "wrong_recovery_key"
    );
    store
        .unlock_with_recovery(&second_recovery.qr_text())
        .unwrap();
    assert_eq!(
        store.unlock_with_password("new").unwrap().entries().len(),
        1
    );
}

#[test]
fn file_and_folder_are_private() {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let store = store(&data);
        let (mut vault, _) = store.create(Some("pw"), false).unwrap();
        vault.add(github()).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join(VAULT_FILE)), 0o600);
        assert_eq!(mode(&data.join("backups")), 0o700);
    }
}

#[test]
fn no_secret_reaches_the_file_or_debug_output() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let (mut vault, recovery) = store.create(Some("pw"), false).unwrap();
    vault.add(github()).unwrap();
    let bytes = fs::read(dir.path().join(VAULT_FILE)).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("JBSWY3DPEHPK3PXP"));
    assert!(!text.contains("GitHub"));
    let shown = format!("{vault:?} {store:?} {recovery:?} {:?}", vault.entries());
    assert!(!shown.contains("JBSW"), "{shown}");
    assert!(!shown.contains(recovery.to_grouped().as_str()), "{shown}");
}

/// Flips every byte of a vault file in turn: each flip must be reported as damage (or, for the
/// version field, as an unsupported version), never accepted and never a panic.
#[test]
fn every_single_byte_flip_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let (mut vault, recovery) = store.create(Some("pw"), false).unwrap();
    vault.add(github()).unwrap();
    vault
        .add(Account::hotp("Bank", "", secret("GEZDGNBVGY3TQOJQ"), 3))
        .unwrap();
    drop(vault);
    let path = dir.path().join(VAULT_FILE);
    let original = fs::read(&path).unwrap();
    let mut header_only = 0;
    for index in 0..original.len() {
        for flip in [0x01u8, 0xff] {
            let mut bytes = original.clone();
            bytes[index] ^= flip;
            fs::write(&path, &bytes).unwrap();
            let expected = if (8..10).contains(&index) {
                "unsupported_version"
            } else {
                "corrupt"
            };
            let by_password = store.unlock_with_password("pw").map(drop);
            let by_recovery = store.unlock_with_recovery(&recovery.to_grouped()).map(drop);
            for result in [by_password, by_recovery] {
                let kind = result.err().map(|e| e.kind());
                assert_eq!(kind, Some(expected), "byte {index} ^ {flip:#x}");
            }
            // `status` reads the header only: a flipped ciphertext byte passes it.
            match store.status() {
                Ok(_) => header_only += 1,
                Err(error) => assert_eq!(error.kind(), expected, "status, byte {index}"),
            }
        }
    }
    println!(
        "{} bytes flipped two ways each; {header_only} flips were in the ciphertext",
        original.len()
    );
    assert!(header_only > 0 && header_only < 2 * original.len());
    fs::write(&path, &original).unwrap();
    store.unlock_with_password("pw").unwrap();
}

#[test]
fn the_app_can_share_the_store_and_vault_between_threads() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<Store>();
    shareable::<countersign_vault::Unlocked>();
    shareable::<Error>();
}

/// Runs `threads` wrong-password attempts at once, each through `unlock`, and returns how
/// many were answered `wrong_password` (real guesses) and how many `rate_limited`.
fn parallel_wrong_attempts(
    threads: usize,
    unlock: impl Fn() -> Result<countersign_vault::Unlocked, Error> + Sync,
) -> (usize, usize) {
    let start = std::sync::Barrier::new(threads);
    let kinds: Vec<&'static str> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    unlock().unwrap_err().kind()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let guesses = kinds.iter().filter(|k| **k == "wrong_password").count();
    let refused = kinds.iter().filter(|k| **k == "rate_limited").count();
    assert_eq!(guesses + refused, threads, "{kinds:?}");
    (guesses, refused)
}

/// Argon2id slow enough (tens of milliseconds) that parallel attempts overlap.
fn slow() -> KdfParams {
    KdfParams::new(32 * 1024, 2, 1).unwrap()
}

#[test]
fn parallel_attempts_cannot_exceed_the_free_attempts() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap().with_kdf(slow());
    drop(store.create(Some("right"), false).unwrap());
    // Eight at once from one store (e.g. threads of the app): the three free guesses are
    // made one after the other, and the others find the delay due.
    assert_eq!(
        parallel_wrong_attempts(8, || store.unlock_with_password("wrong")),
        (3, 5)
    );
    let wait = store.unlock_wait().expect("a delay after three failures");
    assert!(wait <= Duration::from_secs(1), "{wait:?}");
}

#[test]
fn parallel_attempts_from_other_processes_cannot_exceed_the_free_attempts() {
    let dir = tempfile::tempdir().unwrap();
    drop(
        Store::open(dir.path())
            .unwrap()
            .with_kdf(slow())
            .create(Some("right"), false)
            .unwrap(),
    );
    // A store of its own per attempt, as separate processes would have (read-only, since
    // only one may hold the instance lock): the lock file next to the attempts file
    // serialises them.
    assert_eq!(
        parallel_wrong_attempts(8, || {
            Store::open_read_only(dir.path()).unlock_with_password("wrong")
        }),
        (3, 5)
    );
    assert!(Store::open_read_only(dir.path()).unlock_wait().is_some());
}

#[test]
fn parallel_recovery_attempts_cannot_exceed_the_free_attempts() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    drop(store.create(Some("right"), false).unwrap());
    let wrong = "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA";
    let (guesses, refused) = parallel_wrong_attempts(8, || {
        store
            .unlock_with_recovery(wrong)
            .map_err(|error| match error {
                Error::WrongRecoveryKey => Error::WrongPassword,
                other => other,
            })
    });
    assert_eq!((guesses, refused), (3, 5));
}
