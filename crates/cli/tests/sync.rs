//! `sync status` and `merge FILE` as a script sees them, and the merging every command that
//! opens the vault does: the real binary on data folders of its own.

use std::fs;
use std::path::Path;
use std::process::Output;

use countersign_otp::{Account, Secret};
use countersign_vault::{KdfParams, Store, VAULT_FILE};

mod common;

fn countersign(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let dir = dir.to_str().expect("a UTF-8 temporary path");
    let mut all = vec!["--data-dir", dir];
    all.extend_from_slice(args);
    common::run(None, &all, stdin)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn store(dir: &Path) -> Store {
    Store::open(dir)
        .unwrap()
        .with_kdf(KdfParams::new(64, 1, 1).unwrap())
}

fn totp(issuer: &str, seed: u8) -> Account {
    Account::totp(issuer, "", Secret::from_bytes(vec![seed; 10]).unwrap())
}

/// A vault in `dir` with one account, and a copy of it in `other` with another one added.
fn vault_and_changed_copy(dir: &Path, other: &Path) {
    let (mut vault, _) = store(dir).create(Some("pw"), false).unwrap();
    vault.add(totp("Here", 1)).unwrap();
    drop(vault);
    fs::create_dir_all(other).unwrap();
    fs::copy(dir.join(VAULT_FILE), other.join(VAULT_FILE)).unwrap();
    let mut copy = store(other).unlock_with_password("pw").unwrap();
    copy.add(totp("There", 2)).unwrap();
}

fn list(dir: &Path) -> Vec<String> {
    let output = countersign(dir, &["list", "--password-stdin"], "pw\n");
    assert!(output.status.success(), "{output:?}");
    common::lines(&output.stdout)
}

#[test]
fn sync_status_merges_conflict_copies_and_names_those_left_alone() {
    let base = tempfile::tempdir().unwrap();
    let (dir, other) = (base.path().join("here"), base.path().join("other"));
    vault_and_changed_copy(&dir, &other);
    let copy = dir.join("vault (Laptop's conflicted copy 2024-01-02).countersign");
    fs::copy(other.join(VAULT_FILE), &copy).unwrap();
    let stranger_dir = base.path().join("stranger");
    drop(store(&stranger_dir).create(Some("pw"), false).unwrap());
    let stranger = dir.join("vault.sync-conflict-20240102-030405-ABCDEFG.countersign");
    fs::copy(stranger_dir.join(VAULT_FILE), &stranger).unwrap();

    let output = countersign(&dir, &["sync", "status", "--password-stdin"], "pw\n");
    assert!(output.status.success(), "{output:?}");
    let lines = common::lines(&output.stdout);
    assert_eq!(
        lines[0],
        format!("vault: {}", dir.join(VAULT_FILE).display())
    );
    assert_eq!(lines[1], "file on disk: as last saved here or read");
    assert_eq!(lines[2], "conflict copies: 2");
    assert_eq!(
        lines[3],
        format!("  {} (Dropbox): merged and removed", copy.display())
    );
    assert!(
        lines[4].starts_with(&format!(
            "  {} (Syncthing): left alone: it holds another vault (",
            stranger.display()
        )),
        "{}",
        lines[4]
    );
    assert!(
        lines[5].starts_with("accounts: 2, generation "),
        "{}",
        lines[5]
    );
    assert!(!copy.exists() && stranger.exists());
    assert_eq!(list(&dir), ["Here\tTOTP", "There\tTOTP"]);
}

#[test]
fn any_command_that_writes_merges_conflict_copies_first() {
    let base = tempfile::tempdir().unwrap();
    let (dir, other) = (base.path().join("here"), base.path().join("other"));
    vault_and_changed_copy(&dir, &other);
    let copy = dir.join("vault (1).countersign");
    fs::copy(other.join(VAULT_FILE), &copy).unwrap();
    let output = countersign(&dir, &["remove", "Here", "--password-stdin"], "pw\n");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        text(&output.stderr),
        format!(
            "countersign: {}: Google Drive conflict copy merged and removed\n",
            copy.display()
        )
    );
    assert!(!copy.exists());
    assert_eq!(list(&dir), ["There\tTOTP"]);
}

#[test]
fn merge_takes_a_copy_and_refuses_another_vault_changing_nothing() {
    let base = tempfile::tempdir().unwrap();
    let (dir, other) = (base.path().join("here"), base.path().join("other"));
    vault_and_changed_copy(&dir, &other);

    let stranger = base.path().join("stranger");
    drop(store(&stranger).create(Some("pw"), false).unwrap());
    let before = fs::read(dir.join(VAULT_FILE)).unwrap();
    let file = stranger.join(VAULT_FILE);
    let refused = countersign(
        &dir,
        &["merge", file.to_str().unwrap(), "--password-stdin"],
        "pw\n",
    );
    assert_eq!(refused.status.code(), Some(16), "{refused:?}");
    let error = text(&refused.stderr);
    assert!(
        error.starts_with(&format!(
            "countersign: {}: it holds another vault (",
            file.display()
        )),
        "{error}"
    );
    assert!(error.ends_with("); nothing was changed\n"), "{error}");
    assert!(refused.stdout.is_empty());
    assert_eq!(fs::read(dir.join(VAULT_FILE)).unwrap(), before);

    let file = other.join(VAULT_FILE);
    let merged = countersign(
        &dir,
        &["merge", file.to_str().unwrap(), "--password-stdin"],
        "pw\n",
    );
    assert!(merged.status.success(), "{merged:?}");
    assert_eq!(
        text(&merged.stdout),
        format!("merged {}: the vault holds 2 account(s)\n", file.display())
    );
    assert_eq!(list(&dir), ["Here\tTOTP", "There\tTOTP"]);
    let again = countersign(
        &dir,
        &["merge", file.to_str().unwrap(), "--password-stdin"],
        "pw\n",
    );
    assert_eq!(
        text(&again.stdout),
        format!(
            "{} holds nothing this vault lacks: nothing changed\n",
            file.display()
        )
    );
}

#[test]
fn merge_opens_a_copy_under_another_key_with_its_own_password() {
    let base = tempfile::tempdir().unwrap();
    let (dir, other) = (base.path().join("here"), base.path().join("other"));
    vault_and_changed_copy(&dir, &other);
    // The password changes here (a new master key) while the copy holds the old one's.
    let passwd = countersign(&dir, &["passwd", "--password-stdin"], "pw\nnew password\n");
    assert!(passwd.status.success(), "{passwd:?}");
    let file = other.join(VAULT_FILE);
    let file_arg = file.to_str().unwrap();

    let refused = countersign(
        &dir,
        &["merge", file_arg, "--password-stdin"],
        "new password\n",
    );
    assert_eq!(refused.status.code(), Some(16), "{refused:?}");
    assert!(
        text(&refused.stderr).contains("encrypted under another key")
            && text(&refused.stderr).contains("use --file-password"),
        "{refused:?}"
    );
    let wrong = countersign(
        &dir,
        &["merge", file_arg, "--file-password", "--password-stdin"],
        "new password\nnot it\n",
    );
    assert_eq!(wrong.status.code(), Some(3), "{wrong:?}");
    let merged = countersign(
        &dir,
        &["merge", file_arg, "--file-password", "--password-stdin"],
        "new password\npw\n",
    );
    assert!(merged.status.success(), "{merged:?}");
    let output = countersign(&dir, &["list", "--password-stdin"], "new password\n");
    assert_eq!(common::lines(&output.stdout), ["Here\tTOTP", "There\tTOTP"]);
}
