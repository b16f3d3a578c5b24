//! Keeping the vault in a folder of one's choosing: the split layout (vault and backups there,
//! lock and unlock-attempt record local) and moving a vault, including moves that must refuse
//! or fail halfway without harm.

use std::fs;
use std::path::Path;

use countersign_otp::{Account, Secret};
use countersign_vault::{
    ATTEMPTS_FILE, BACKUPS_DIR, Error, KdfParams, LOCK_FILE, Status, Store, Unlocked, VAULT_FILE,
    local_dir_for,
};

fn tiny() -> KdfParams {
    KdfParams::new(64, 1, 1).unwrap()
}

/// An account with a secret of its own, so that no two issuers are duplicates.
fn account(issuer: &str) -> Account {
    let secret = match issuer {
        "GitHub" => "JBSWY3DPEHPK3PXP",
        "GitLab" => "GEZDGNBVGY3TQOJQ",
        "Codeberg" => "MFRGGZDFMZTWQ2LK",
        _ => "ONSWG4TFOQYTEMZU",
    };
    Account::totp(issuer, "alice", Secret::from_base32(secret).unwrap())
}

/// A vault in `dir` with two accounts (generation 3: two backups).
fn vault_in(dir: &Path) -> (Store, Unlocked) {
    let store = Store::open(dir).unwrap().with_kdf(tiny());
    let (mut vault, _) = store.create(Some("pw"), false).unwrap();
    vault.add(account("GitHub")).unwrap();
    vault.add(account("GitLab")).unwrap();
    (store, vault)
}

/// The names in `dir`, sorted ("-" when it does not exist).
fn listing(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return vec!["-".into()];
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

fn issuers(vault: &Unlocked) -> Vec<String> {
    vault
        .entries()
        .iter()
        .map(|e| e.account.issuer.clone())
        .collect()
}

#[test]
fn a_split_store_keeps_the_vault_there_and_the_lock_and_attempts_here() {
    let (vault_dir, local_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let store = Store::open_split(vault_dir.path(), local_dir.path())
        .unwrap()
        .with_kdf(tiny());
    assert_eq!(store.dir(), vault_dir.path());
    assert_eq!(store.local_dir(), local_dir.path());
    let (vault, _) = store.create(Some("pw"), false).unwrap();
    drop(vault);
    assert!(matches!(
        store.unlock_with_password("wrong"),
        Err(Error::WrongPassword)
    ));
    assert_eq!(listing(vault_dir.path()), [VAULT_FILE]);
    let local = listing(local_dir.path());
    assert!(local.contains(&LOCK_FILE.to_owned()), "{local:?}");
    assert!(local.contains(&ATTEMPTS_FILE.to_owned()), "{local:?}");
    match Store::open_split(vault_dir.path(), local_dir.path()) {
        Err(Error::InUse { path }) => assert_eq!(path, local_dir.path().join(LOCK_FILE)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn moving_takes_the_vault_and_backups_and_leaves_nothing_behind() {
    let data = tempfile::tempdir().unwrap();
    let synced = tempfile::tempdir().unwrap();
    let target = synced.path().join("Countersign");
    let (store, mut vault) = vault_in(data.path());
    let id = vault.vault_id();
    let before = fs::read(data.path().join(VAULT_FILE)).unwrap();
    let to = store
        .relocated(&target, local_dir_for(data.path(), id))
        .unwrap();
    let mut committed = false;
    vault
        .move_to(&to, || {
            committed = true;
            Ok(())
        })
        .unwrap();
    assert!(committed);
    assert_eq!(fs::read(target.join(VAULT_FILE)).unwrap(), before);
    assert_eq!(listing(&target), [BACKUPS_DIR, VAULT_FILE]);
    assert_eq!(
        listing(&target.join(BACKUPS_DIR)),
        ["vault-1.countersign", "vault-2.countersign"]
    );
    assert!(!data.path().join(VAULT_FILE).exists());
    assert!(!data.path().join(BACKUPS_DIR).exists());

    // It keeps saving there, with its backups there.
    vault.add(account("Codeberg")).unwrap();
    assert_eq!(vault.generation(), 4);
    assert!(!data.path().join(VAULT_FILE).exists());
    assert_eq!(to.backups().unwrap().len(), 3);
    drop((vault, store, to));

    let reopened = Store::open_split(&target, local_dir_for(data.path(), id)).unwrap();
    let Status::Locked(info) = reopened.status().unwrap() else {
        panic!("no vault")
    };
    assert_eq!((info.vault_id, info.generation), (id, 4));
    let vault = reopened.unlock_with_password("pw").unwrap();
    assert_eq!(issuers(&vault), ["GitHub", "GitLab", "Codeberg"]);
}

#[test]
fn moving_between_folders_with_one_local_folder_shares_its_lock() {
    let (data, first, second) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let store = Store::open_split(first.path(), data.path())
        .unwrap()
        .with_kdf(tiny());
    let (mut vault, _) = store.create(Some("pw"), false).unwrap();
    let to = store.relocated(second.path(), data.path()).unwrap();
    vault.move_to(&to, || Ok(())).unwrap();
    assert_eq!(listing(first.path()), Vec::<String>::new());
    assert_eq!(listing(second.path()), [VAULT_FILE]);
    assert!(matches!(
        Store::open_split(second.path(), data.path()),
        Err(Error::InUse { .. })
    ));
}

#[test]
fn moving_keeps_the_count_of_wrong_attempts() {
    let (data, synced) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (store, mut vault) = vault_in(data.path());
    assert!(store.unlock_with_password("wrong").is_err());
    let record = fs::read(data.path().join(ATTEMPTS_FILE)).unwrap();
    let local = local_dir_for(data.path(), vault.vault_id());
    let to = store.relocated(synced.path(), &local).unwrap();
    vault.move_to(&to, || Ok(())).unwrap();
    assert_eq!(fs::read(local.join(ATTEMPTS_FILE)).unwrap(), record);
    assert!(!synced.path().join(ATTEMPTS_FILE).exists());
    assert!(!synced.path().join(LOCK_FILE).exists());
}

#[test]
fn a_folder_holding_another_vault_is_refused_and_nothing_changes() {
    let (data, other) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (_, other_vault) = vault_in(other.path());
    drop(other_vault);
    let other_bytes = fs::read(other.path().join(VAULT_FILE)).unwrap();
    let (store, mut vault) = vault_in(data.path());
    let ours = fs::read(data.path().join(VAULT_FILE)).unwrap();
    let (data_before, other_before) = (listing(data.path()), listing(other.path()));
    // A second store on `other` would be refused by its lock: the move gets its own local one.
    let local = tempfile::tempdir().unwrap();
    let to = store.relocated(other.path(), local.path()).unwrap();
    match vault.move_to(&to, || panic!("committed")) {
        Err(error @ Error::OtherVaultThere { .. }) => {
            assert_eq!(error.kind(), "other_vault_there");
            assert_eq!(
                error.to_string(),
                format!("{} already holds another vault", other.path().display())
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(listing(data.path()), data_before);
    assert_eq!(listing(other.path()), other_before);
    assert_eq!(fs::read(data.path().join(VAULT_FILE)).unwrap(), ours);
    assert_eq!(
        fs::read(other.path().join(VAULT_FILE)).unwrap(),
        other_bytes
    );
    vault.add(account("Still here")).unwrap();
    assert!(data.path().join(VAULT_FILE).exists());
}

#[test]
fn a_folder_holding_this_vault_is_offered_to_open_instead() {
    let (data, synced) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (store, mut vault) = vault_in(data.path());
    fs::copy(data.path().join(VAULT_FILE), synced.path().join(VAULT_FILE)).unwrap();
    let to = store
        .relocated(synced.path(), local_dir_for(data.path(), vault.vault_id()))
        .unwrap();
    match vault.move_to(&to, || panic!("committed")) {
        Err(error @ Error::SameVaultThere { .. }) => {
            assert_eq!(error.kind(), "same_vault_there");
            assert_eq!(
                error.to_string(),
                format!(
                    "{} already holds this vault; open it from there instead",
                    synced.path().display()
                )
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(data.path().join(VAULT_FILE).exists());
    assert_eq!(listing(synced.path()), [VAULT_FILE]);
}

#[test]
fn a_failure_halfway_leaves_the_old_vault_intact_and_the_new_folder_clean() {
    let (data, synced) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (store, mut vault) = vault_in(data.path());
    // The second backup cannot be written: a folder stands where it would go.
    let blocker = synced.path().join(BACKUPS_DIR).join("vault-2.countersign");
    fs::create_dir_all(blocker.join("x")).unwrap();
    let to = store
        .relocated(synced.path(), local_dir_for(data.path(), vault.vault_id()))
        .unwrap();
    let before = (
        listing(data.path()),
        listing(&data.path().join(BACKUPS_DIR)),
        fs::read(data.path().join(VAULT_FILE)).unwrap(),
    );
    match vault.move_to(&to, || panic!("committed")) {
        Err(Error::Io { path, .. }) => assert_eq!(path, blocker),
        other => panic!("{other:?}"),
    }
    let after = (
        listing(data.path()),
        listing(&data.path().join(BACKUPS_DIR)),
        fs::read(data.path().join(VAULT_FILE)).unwrap(),
    );
    assert_eq!(after, before);
    assert_eq!(listing(synced.path()), [BACKUPS_DIR]);
    assert_eq!(
        listing(&synced.path().join(BACKUPS_DIR)),
        ["vault-2.countersign"]
    );
    // The vault still saves where it was.
    vault.add(account("Codeberg")).unwrap();
    assert_eq!(store.backups().unwrap().len(), 3);
    assert!(!synced.path().join(VAULT_FILE).exists());
}

#[test]
fn a_failed_commit_removes_the_new_copy_and_keeps_the_old() {
    let (data, synced) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (store, mut vault) = vault_in(data.path());
    let before = fs::read(data.path().join(VAULT_FILE)).unwrap();
    let to = store
        .relocated(synced.path(), local_dir_for(data.path(), vault.vault_id()))
        .unwrap();
    match vault.move_to(&to, || Err(std::io::ErrorKind::PermissionDenied.into())) {
        Err(Error::Io { source, .. }) => {
            assert_eq!(source.kind(), std::io::ErrorKind::PermissionDenied)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(listing(synced.path()), Vec::<String>::new());
    assert_eq!(fs::read(data.path().join(VAULT_FILE)).unwrap(), before);
    assert_eq!(store.backups().unwrap().len(), 2);
    vault.add(account("Codeberg")).unwrap();
}

#[test]
fn a_vault_changed_on_disk_is_not_moved() {
    let (data, synced) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (store, mut vault) = vault_in(data.path());
    let mut other = store.unlock_with_password("pw").unwrap();
    other.add(account("Elsewhere")).unwrap();
    let to = store
        .relocated(synced.path(), local_dir_for(data.path(), vault.vault_id()))
        .unwrap();
    assert!(matches!(
        vault.move_to(&to, || panic!("committed")),
        Err(Error::ChangedOnDisk)
    ));
    assert_eq!(listing(synced.path()), Vec::<String>::new());
}

#[test]
fn a_read_only_store_cannot_move() {
    let (data, synced) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (store, vault) = vault_in(data.path());
    drop((vault, store));
    let reader = Store::open_read_only(data.path());
    assert!(matches!(
        reader.relocated(synced.path(), data.path()),
        Err(Error::ReadOnly)
    ));
}
