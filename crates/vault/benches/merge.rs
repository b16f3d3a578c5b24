//! `cargo bench -p countersign-vault --bench merge`: merging two copies of a 1,000-account vault
//! that each changed while apart (100 edits, 50 deletions, 50 additions, 50 HOTP codes on each
//! side), beside an anchor measured in the same run: a plain save of the same vault.
//!
//! Prints medians: `merge()` alone (in memory), `Unlocked::sync` with a conflict copy beside the
//! vault (read, decrypt, merge, save, remove the copy), the anchor, and the ratio of the two.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use countersign_otp::{Account, Secret};
use countersign_vault::{CopyOutcome, KdfParams, Store, Unlocked, VAULT_FILE, merge};

const ACCOUNTS: u32 = 1_000;
const RUNS: usize = 21;
const COPY: &str = "vault.sync-conflict-20240102-030405-ABCDEFG.countersign";

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn account(n: u32) -> Account {
    let secret = Secret::from_bytes(n.to_be_bytes().repeat(5)).unwrap();
    let mut account = if n.is_multiple_of(10) {
        Account::hotp(
            format!("Issuer {n}"),
            format!("user{n}@example.com"),
            secret,
            0,
        )
    } else {
        Account::totp(
            format!("Issuer {n}"),
            format!("user{n}@example.com"),
            secret,
        )
    };
    account.note = "a note of some length, as people keep them".into();
    account
}

fn store(dir: &Path) -> Store {
    Store::open(dir)
        .unwrap()
        .with_kdf(KdfParams::new(64, 1, 1).unwrap())
}

/// Changes one side makes while apart, to accounts the other side leaves alone (`side` 0 or 1).
fn diverge(vault: &mut Unlocked, side: usize) {
    let ids: Vec<_> = vault.entries().iter().map(|entry| entry.id).collect();
    for id in &ids[side * 100..side * 100 + 100] {
        let mut account = vault.entry(*id).unwrap().account.clone();
        account.name = format!("{} edited on side {side}", account.name);
        vault.update(*id, account).unwrap();
    }
    for id in &ids[500 + side * 100..550 + side * 100] {
        vault.remove(*id).unwrap();
    }
    // Every tenth account is HOTP: five codes from each of ten.
    for id in ids[200 + side * 100..300 + side * 100].iter().step_by(10) {
        for _ in 0..5 {
            vault.next_hotp_code(*id).unwrap();
        }
    }
    let first_new = 10_000 * (side as u32 + 1);
    vault
        .add_all((first_new..first_new + 50).map(account).collect())
        .unwrap();
}

fn main() {
    let base = tempfile::tempdir().unwrap();
    let ours_dir = base.path().join("ours");
    let theirs_dir = base.path().join("theirs");
    {
        let (mut vault, _) = store(&ours_dir).create(Some("pw"), false).unwrap();
        vault.add_all((0..ACCOUNTS).map(account).collect()).unwrap();
    }
    fs::create_dir_all(&theirs_dir).unwrap();
    fs::copy(ours_dir.join(VAULT_FILE), theirs_dir.join(VAULT_FILE)).unwrap();
    let ours_store = store(&ours_dir);
    let theirs_store = store(&theirs_dir);
    let mut ours = ours_store.unlock_with_password("pw").unwrap();
    let mut theirs = theirs_store.unlock_with_password("pw").unwrap();
    diverge(&mut ours, 0);
    diverge(&mut theirs, 1);
    let ours_bytes = fs::read(ours_dir.join(VAULT_FILE)).unwrap();
    let theirs_bytes = fs::read(theirs_dir.join(VAULT_FILE)).unwrap();
    let merged = merge(ours.payload(), theirs.payload());
    let expected = ACCOUNTS as usize + 100 - 100;
    assert_eq!(merged.entries.len(), expected, "both sides' changes are in");

    let mut in_memory = Vec::new();
    let mut synced = Vec::new();
    let mut saves = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let merged = merge(ours.payload(), theirs.payload());
        in_memory.push(start.elapsed());
        assert_eq!(merged.entries.len(), expected);

        // Each run starts from our diverged copy, with theirs as a Syncthing conflict copy.
        drop(ours);
        fs::write(ours_dir.join(VAULT_FILE), &ours_bytes).unwrap();
        fs::write(ours_dir.join(COPY), &theirs_bytes).unwrap();
        ours = ours_store.unlock_with_password("pw").unwrap();
        let start = Instant::now();
        let report = ours.sync().unwrap();
        synced.push(start.elapsed());
        assert!(matches!(report.copies[0].outcome, CopyOutcome::Merged));
        assert_eq!(ours.entries().len(), expected);
        assert!(!ours_dir.join(COPY).exists());

        // The anchor: one plain save of the same (merged) vault, the work of any change.
        let first = ours.entries()[0].id;
        let start = Instant::now();
        ours.reorder(&[first]).unwrap();
        saves.push(start.elapsed());
    }
    let (in_memory, synced, save) = (median(in_memory), median(synced), median(saves));
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("merging two diverged copies of a {ACCOUNTS}-account vault (median of {RUNS} runs)");
    println!("| {:<52} | {:>9} |", "what", "time");
    println!(
        "| {:<52} | {:>6.2} ms |",
        "merge() in memory",
        ms(in_memory)
    );
    println!(
        "| {:<52} | {:>6.2} ms |",
        "sync(): read + decrypt copy, merge, save, remove copy",
        ms(synced)
    );
    println!(
        "| {:<52} | {:>6.2} ms |",
        "anchor: a plain save (reorder)",
        ms(save)
    );
    println!(
        "sync / plain save: {:.2}x; merge() alone / plain save: {:.2}x",
        synced.as_secs_f64() / save.as_secs_f64(),
        in_memory.as_secs_f64() / save.as_secs_f64()
    );
}
