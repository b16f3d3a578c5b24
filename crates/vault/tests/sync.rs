//! Several machines, one vault, through the public API: the file replaced under an open vault,
//! conflict copies beside it (merged, or left alone and named), a file merged on request, and a
//! copy re-keyed elsewhere.

use std::fs;
use std::path::Path;

use countersign_otp::{Account, Kind, Secret};
use countersign_vault::{
    BackupPolicy, CopyOutcome, DiskOutcome, KdfParams, MergeError, Recovery, Store, Unlocked,
    VAULT_FILE, conflicts::Engine,
};

fn store(dir: &Path) -> Store {
    Store::open(dir)
        .unwrap()
        .with_kdf(KdfParams::new(64, 1, 1).unwrap())
}

fn totp(issuer: &str, seed: u8) -> Account {
    Account::totp(issuer, "", Secret::from_bytes(vec![seed; 10]).unwrap())
}

fn issuers(vault: &Unlocked) -> Vec<String> {
    let mut issuers: Vec<String> = vault
        .entries()
        .iter()
        .map(|entry| entry.account.issuer.clone())
        .collect();
    issuers.sort();
    issuers
}

/// "Another machine": a copy of `dir`'s vault in a folder of its own, unlocked there.
fn elsewhere(dir: &Path, other: &Path) -> (Store, Unlocked) {
    fs::create_dir_all(other).unwrap();
    fs::copy(dir.join(VAULT_FILE), other.join(VAULT_FILE)).unwrap();
    let store = store(other);
    let vault = store.unlock_with_password("pw").unwrap();
    (store, vault)
}

#[test]
fn conflict_copies_are_merged_and_removed_and_strangers_left_alone() {
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("here");
    let store = store(&dir);
    let (mut vault, _) = store.create(Some("pw"), false).unwrap();
    vault.add(totp("Kept", 1)).unwrap();
    let hotp = Account::hotp("Counter", "", Secret::from_bytes(vec![2; 10]).unwrap(), 0);
    let hotp = vault.add(hotp).unwrap();

    // Two other machines change their copies; a sync engine leaves them as conflict copies.
    let (_, mut one) = elsewhere(&dir, &base.path().join("one"));
    one.add(totp("From one", 3)).unwrap();
    for _ in 0..4 {
        one.next_hotp_code(hotp).unwrap();
    }
    let (_, mut two) = elsewhere(&dir, &base.path().join("two"));
    let kept = two.entries()[0].id;
    two.remove(kept).unwrap();
    let syncthing = dir.join("vault.sync-conflict-20240102-030405-ABCDEFG.countersign");
    let dropbox = dir.join("vault (Laptop's conflicted copy 2024-01-02).countersign");
    fs::copy(base.path().join("one").join(VAULT_FILE), &syncthing).unwrap();
    fs::copy(base.path().join("two").join(VAULT_FILE), &dropbox).unwrap();
    // And three that are not copies of this vault under its key.
    let stranger_dir = base.path().join("stranger");
    drop(store_and_create(&stranger_dir));
    let stranger = dir.join("vault (1).countersign");
    fs::copy(stranger_dir.join(VAULT_FILE), &stranger).unwrap();
    let damaged = dir.join("vault-LAPTOP.countersign");
    fs::write(&damaged, b"not a vault at all").unwrap();
    let (_, mut rekeyed) = elsewhere(&dir, &base.path().join("rekeyed"));
    let _ = rekeyed
        .change_password("pw", "new", Recovery::Replace, BackupPolicy::Remove)
        .unwrap();
    let other_key = dir.join("vault (conflicted copy 2024-01-02 030405).countersign");
    fs::copy(base.path().join("rekeyed").join(VAULT_FILE), &other_key).unwrap();
    let generation = vault.generation();

    let report = vault.sync().unwrap();
    assert!(matches!(report.disk, DiskOutcome::Unchanged));
    assert_eq!(report.vault, dir.join(VAULT_FILE));
    let outcomes: Vec<(&Path, Engine, &str)> = report
        .copies
        .iter()
        .map(|copy| {
            let outcome = match &copy.outcome {
                CopyOutcome::Merged => "merged",
                CopyOutcome::LeftAlone(error) => error.kind(),
                _ => "other",
            };
            (copy.path.as_path(), copy.engine, outcome)
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            (stranger.as_path(), Engine::GoogleDrive, "other_vault"),
            (dropbox.as_path(), Engine::Dropbox, "merged"),
            (other_key.as_path(), Engine::Nextcloud, "other_key"),
            (damaged.as_path(), Engine::OneDrive, "corrupt"),
            (syncthing.as_path(), Engine::Syncthing, "merged"),
        ]
    );
    assert_eq!(issuers(&vault), ["Counter", "From one"]);
    assert_eq!(
        vault.entry(hotp).unwrap().account.kind,
        Kind::Hotp { counter: 4 }
    );
    assert_eq!(vault.generation(), generation + 1, "one save for all");
    assert!(!syncthing.exists() && !dropbox.exists());
    assert!(stranger.exists() && damaged.exists() && other_key.exists());
    // The file before the merge is in the backups.
    let backups = store.backups().unwrap();
    assert_eq!(backups.last().unwrap().generation, generation);

    // Nothing new: no save.
    let again = vault.sync().unwrap();
    assert!(!again.merged_any());
    assert_eq!(vault.generation(), generation + 1);
    drop(vault);
    assert_eq!(
        issuers(&store.unlock_with_password("pw").unwrap()),
        ["Counter", "From one"]
    );
}

fn store_and_create(dir: &Path) -> Unlocked {
    store(dir).create(Some("pw"), false).unwrap().0
}

#[test]
fn a_file_replaced_under_the_open_vault_is_merged_then_saving_works_again() {
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("here");
    let store = store(&dir);
    let (mut vault, _) = store.create(Some("pw"), false).unwrap();
    vault.add(totp("Mine", 1)).unwrap();
    let (_, mut other) = elsewhere(&dir, &base.path().join("other"));
    other.add(totp("Theirs", 2)).unwrap();
    // The sync engine replaces our file with theirs.
    let theirs = fs::read(base.path().join("other").join(VAULT_FILE)).unwrap();
    fs::write(dir.join(VAULT_FILE), &theirs).unwrap();
    assert_eq!(
        vault.add(totp("Refused", 3)).unwrap_err().kind(),
        "changed_on_disk"
    );

    let report = vault.sync().unwrap();
    // Theirs already held all we had: taken as it is, nothing saved.
    assert!(matches!(report.disk, DiskOutcome::Merged { saved: false }));
    assert_eq!(fs::read(dir.join(VAULT_FILE)).unwrap(), theirs);
    assert_eq!(issuers(&vault), ["Mine", "Theirs"]);
    vault.add(totp("Now saved", 3)).unwrap();

    // Both changed: merged and saved.
    other.add(totp("Theirs again", 4)).unwrap();
    fs::copy(
        base.path().join("other").join(VAULT_FILE),
        dir.join(VAULT_FILE),
    )
    .unwrap();
    let report = vault.sync().unwrap();
    assert!(matches!(report.disk, DiskOutcome::Merged { saved: true }));
    drop(vault);
    assert_eq!(
        issuers(&store.unlock_with_password("pw").unwrap()),
        ["Mine", "Now saved", "Theirs", "Theirs again"]
    );
}

#[test]
fn a_file_rekeyed_elsewhere_is_left_alone_and_never_overwritten() {
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("here");
    let store = store(&dir);
    let (mut vault, _) = store.create(Some("pw"), false).unwrap();
    vault.add(totp("Mine", 1)).unwrap();
    let (_, mut other) = elsewhere(&dir, &base.path().join("other"));
    let _ = other
        .change_password("pw", "new", Recovery::Replace, BackupPolicy::Remove)
        .unwrap();
    other.add(totp("After the change", 2)).unwrap();
    let rekeyed = fs::read(base.path().join("other").join(VAULT_FILE)).unwrap();
    fs::write(dir.join(VAULT_FILE), &rekeyed).unwrap();

    let report = vault.sync().unwrap();
    match &report.disk {
        DiskOutcome::LeftAlone(MergeError::OtherKey) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(
        vault.add(totp("Refused", 3)).unwrap_err().kind(),
        "changed_on_disk"
    );
    assert_eq!(fs::read(dir.join(VAULT_FILE)).unwrap(), rekeyed);
    drop(vault);
    // The new password opens it; it holds what this machine had saved before.
    let reopened = store.unlock_with_password("new").unwrap();
    assert_eq!(issuers(&reopened), ["After the change", "Mine"]);
}

#[test]
fn merge_file_refuses_another_vault_and_merges_a_copy() {
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("here");
    let (mut vault, _) = store(&dir).create(Some("pw"), false).unwrap();
    vault.add(totp("Mine", 1)).unwrap();
    let before = fs::read(dir.join(VAULT_FILE)).unwrap();

    let stranger = base.path().join("stranger");
    drop(store_and_create(&stranger));
    match vault.merge_file(&stranger.join(VAULT_FILE)) {
        Err(MergeError::OtherVault { .. }) => {}
        other => panic!("{other:?}"),
    }
    let missing = vault.merge_file(&base.path().join("missing")).unwrap_err();
    assert_eq!(missing.kind(), "unreadable");
    assert_eq!(fs::read(dir.join(VAULT_FILE)).unwrap(), before);

    let (_, mut other) = elsewhere(&dir, &base.path().join("other"));
    other.add(totp("Theirs", 2)).unwrap();
    let copy = base.path().join("other").join(VAULT_FILE);
    assert!(vault.merge_file(&copy).unwrap());
    assert_eq!(issuers(&vault), ["Mine", "Theirs"]);
    assert!(
        !vault.merge_file(&copy).unwrap(),
        "nothing new the second time"
    );
}

/// Both machines changed the vault while apart, one of them its password (a new master key):
/// the other's copy is left alone by `sync`, and merged with its own (old) password.
#[test]
fn a_copy_under_the_old_key_is_merged_with_its_password() {
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("here");
    let store = store(&dir);
    let (mut vault, _) = store.create(Some("pw"), false).unwrap();
    vault.add(totp("Before", 1)).unwrap();
    let (_, mut other) = elsewhere(&dir, &base.path().join("other"));
    other.add(totp("Added on the other machine", 2)).unwrap();
    let _ = vault
        .change_password("pw", "new", Recovery::Replace, BackupPolicy::Remove)
        .unwrap();
    let copy = dir.join("vault.sync-conflict-20240102-030405-ABCDEFG.countersign");
    fs::copy(base.path().join("other").join(VAULT_FILE), &copy).unwrap();

    let report = vault.sync().unwrap();
    assert!(matches!(
        report.copies[0].outcome,
        CopyOutcome::LeftAlone(MergeError::OtherKey)
    ));
    let before = fs::read(dir.join(VAULT_FILE)).unwrap();
    match vault.merge_file_with_password(&copy, "new") {
        Err(MergeError::Save(error)) => assert_eq!(error.kind(), "wrong_password"),
        other => panic!("{other:?}"),
    }
    assert_eq!(fs::read(dir.join(VAULT_FILE)).unwrap(), before);
    assert!(vault.merge_file_with_password(&copy, "pw").unwrap());
    assert_eq!(issuers(&vault), ["Added on the other machine", "Before"]);
    drop(vault);
    // Still under the new password only.
    assert_eq!(
        store.unlock_with_password("pw").unwrap_err().kind(),
        "wrong_password"
    );
    assert_eq!(
        store.unlock_with_password("new").unwrap().entries().len(),
        2
    );
}
