//! Changing a credential re-keys the vault: the old password, recovery key or keyring key opens
//! neither the vault nor, re-encrypted or removed, any backup.

use std::fs;
use std::path::Path;

use countersign_otp::{Account, Secret};
use countersign_vault::{BackupPolicy, KdfParams, Recovery, Store, VAULT_FILE};

fn store(dir: &Path) -> Store {
    Store::open(dir)
        .unwrap()
        .with_kdf(KdfParams::new(64, 1, 1).unwrap())
}

fn account(n: u32) -> Account {
    let secret = Secret::from_bytes(n.to_be_bytes().repeat(5)).unwrap();
    Account::totp("Issuer", format!("account {n}"), secret)
}

/// A password vault saved a few times, so that it has backups; its recovery key.
fn vault_with_backups(dir: &Path) -> String {
    let (mut vault, recovery) = store(dir).create(Some("old"), false).unwrap();
    for n in 0..4 {
        vault.add(account(n)).unwrap();
    }
    assert!(store_backups(dir) >= 4);
    recovery.to_grouped().to_string()
}

fn store_backups(dir: &Path) -> usize {
    Store::open_read_only(dir).backups().unwrap().len()
}

/// Each backup, put alone in a folder of its own as the vault: what opens it.
fn each_backup(dir: &Path, check: impl Fn(&Store, u64)) {
    for backup in Store::open_read_only(dir).backups().unwrap() {
        let copy = tempfile::tempdir().unwrap();
        fs::copy(&backup.path, copy.path().join(VAULT_FILE)).unwrap();
        check(&store(copy.path()), backup.generation);
    }
}

#[test]
fn a_password_change_with_re_encrypted_backups_leaves_the_old_credentials_opening_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let old_recovery = vault_with_backups(dir.path());
    let before = store_backups(dir.path());
    let mut vault = store(dir.path()).unlock_with_password("old").unwrap();
    let rekeyed = vault
        .change_password("old", "new", Recovery::Replace, BackupPolicy::ReEncrypt)
        .unwrap();
    // The save itself backed up the last file under the old key: it was re-encrypted too.
    assert_eq!(rekeyed.backups_reencrypted, before + 1);
    assert_eq!(rekeyed.backups_removed, 0);
    let new_recovery = rekeyed
        .recovery_key
        .expect("a new recovery key")
        .to_grouped();
    drop(vault);

    let store = store(dir.path());
    assert_eq!(
        store.unlock_with_password("old").unwrap_err().kind(),
        "wrong_password"
    );
    assert_eq!(
        store
            .unlock_with_recovery(&old_recovery)
            .unwrap_err()
            .kind(),
        "wrong_recovery_key"
    );
    assert_eq!(
        store.unlock_with_password("new").unwrap().entries().len(),
        4
    );
    store.unlock_with_recovery(&new_recovery).unwrap();
    drop(store);

    each_backup(dir.path(), |backup, _| {
        assert_eq!(
            backup.unlock_with_password("old").unwrap_err().kind(),
            "wrong_password"
        );
        assert_eq!(
            backup
                .unlock_with_recovery(&old_recovery)
                .unwrap_err()
                .kind(),
            "wrong_recovery_key"
        );
        // The backup keeps its own accounts (an earlier state), under the new credentials.
        let opened = backup.unlock_with_password("new").unwrap();
        assert!(opened.entries().len() <= 4);
        backup.unlock_with_recovery(&new_recovery).unwrap();
    });
    // The backups keep their generations and stay restorable.
    let store = self::store(dir.path());
    let oldest = store.backups().unwrap().remove(0);
    store.restore_backup(&oldest).unwrap();
    assert!(store.unlock_with_password("new").unwrap().entries().len() < 4);
}

#[test]
fn a_password_change_with_removed_backups_deletes_them_and_keeps_the_recovery_key_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let recovery = vault_with_backups(dir.path());
    let mut vault = store(dir.path()).unlock_with_password("old").unwrap();
    // A wrong recovery key to keep: refused, nothing changed.
    assert_eq!(
        vault
            .change_password(
                "old",
                "new",
                Recovery::Keep("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"),
                BackupPolicy::Remove
            )
            .unwrap_err()
            .kind(),
        "wrong_recovery_key"
    );
    // A wrong current password: refused, nothing changed.
    assert_eq!(
        vault
            .change_password("nope", "new", Recovery::Replace, BackupPolicy::Remove)
            .unwrap_err()
            .kind(),
        "wrong_password"
    );
    assert!(store_backups(dir.path()) >= 4);
    // Past the delays of the two failures above.
    std::thread::sleep(
        Store::open_read_only(dir.path())
            .unlock_wait()
            .unwrap_or_default(),
    );
    let rekeyed = vault
        .change_password(
            "old",
            "new",
            Recovery::Keep(&recovery),
            BackupPolicy::Remove,
        )
        .unwrap();
    assert!(rekeyed.recovery_key.is_none());
    assert!(rekeyed.backups_removed >= 5);
    assert_eq!(store_backups(dir.path()), 0);
    drop(vault);
    let store = store(dir.path());
    assert_eq!(
        store.unlock_with_password("old").unwrap_err().kind(),
        "wrong_password"
    );
    // The recovery key was kept: it opens the re-keyed vault.
    assert_eq!(
        store
            .unlock_with_recovery(&recovery)
            .unwrap()
            .entries()
            .len(),
        4
    );
}

#[test]
fn a_new_recovery_key_re_keys_and_the_old_one_opens_no_backup() {
    let dir = tempfile::tempdir().unwrap();
    let old_recovery = vault_with_backups(dir.path());
    let mut vault = store(dir.path()).unlock_with_password("old").unwrap();
    assert_eq!(
        vault
            .new_recovery_key("wrong", BackupPolicy::ReEncrypt)
            .unwrap_err()
            .kind(),
        "wrong_password"
    );
    std::thread::sleep(
        Store::open_read_only(dir.path())
            .unlock_wait()
            .unwrap_or_default(),
    );
    let rekeyed = vault
        .new_recovery_key("old", BackupPolicy::ReEncrypt)
        .unwrap();
    let new_recovery = rekeyed.recovery_key.unwrap().to_grouped();
    drop(vault);
    each_backup(dir.path(), |backup, _| {
        assert_eq!(
            backup
                .unlock_with_recovery(&old_recovery)
                .unwrap_err()
                .kind(),
            "wrong_recovery_key"
        );
        backup.unlock_with_recovery(&new_recovery).unwrap();
        // The password did not change.
        backup.unlock_with_password("old").unwrap();
    });
    store(dir.path()).unlock_with_password("old").unwrap();
}

#[test]
fn a_password_vault_gets_no_second_password_by_the_recovery_key() {
    let dir = tempfile::tempdir().unwrap();
    let recovery = vault_with_backups(dir.path());
    let mut vault = store(dir.path()).unlock_with_password("old").unwrap();
    assert_eq!(
        vault.add_password("other", &recovery).unwrap_err().kind(),
        "password_exists"
    );
    drop(vault);
    store(dir.path()).unlock_with_password("old").unwrap();
}
