//! Crash consistency of credential changes: a child process changes the password back and
//! forth (each change a new master key, the backups re-encrypted) while this test kills it with
//! SIGKILL at random moments. After every kill the vault must open with the password last
//! reported saved or the one being saved, and every backup with one of the two.

#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use countersign_otp::{Account, Secret};
use countersign_vault::{ATTEMPTS_FILE, BackupPolicy, KdfParams, Recovery, Store, VAULT_FILE};

const CHILD_ENV: &str = "COUNTERSIGN_REKEY_CHILD";
const PASSWORD_ENV: &str = "COUNTERSIGN_REKEY_PASSWORD";
const ITERATIONS: usize = 60;

fn store(dir: &Path) -> Store {
    Store::open(dir)
        .unwrap()
        .with_kdf(KdfParams::new(64, 1, 1).unwrap())
}

/// The other password of the two the child switches between.
fn other(password: &str) -> &'static str {
    if password == "pw" { "pw2" } else { "pw" }
}

/// Not a test of its own: the re-keying child. Changes the password back and forth forever,
/// printing each password once it is saved. Started with the current password in
/// [`PASSWORD_ENV`].
#[test]
fn child_process_entry_point() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    countersign_vault::disable_core_dumps().unwrap();
    let mut current = other(other(&std::env::var(PASSWORD_ENV).unwrap()));
    let mut vault = store(Path::new(&dir))
        .unlock_with_password(current)
        .unwrap();
    println!("start");
    loop {
        let next = other(current);
        let _ = vault
            .change_password(current, next, Recovery::Replace, BackupPolicy::ReEncrypt)
            .unwrap();
        println!("saved {next}");
        current = next;
    }
}

/// A small pseudo-random sequence, seeded from the clock (printed, to replay a failure).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound
    }
}

/// Which of the two passwords opens the vault in `dir`. Wrong guesses are forgotten, so that
/// the rate limit never gets in the way.
fn opening_password(dir: &Path) -> Option<&'static str> {
    let opens = ["pw", "pw2"]
        .into_iter()
        .find(|password| store(dir).unlock_with_password(password).is_ok());
    let _ = std::fs::remove_file(dir.join(ATTEMPTS_FILE));
    opens
}

#[test]
fn sigkill_during_password_changes_leaves_a_vault_that_opens() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut vault, _) = store(dir.path()).create(Some("pw"), false).unwrap();
        // Some bulk, so a save takes more than a blink.
        let filler: Vec<Account> = (0..50u32)
            .map(|n| {
                let secret = Secret::from_bytes(n.to_be_bytes().repeat(5)).unwrap();
                Account::totp("Filler", format!("account {n}"), secret)
            })
            .collect();
        vault.add_all(filler).unwrap();
    }
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    println!("seed {seed}");
    let mut random = Lcg(seed);
    let mut current = "pw";
    let mut changes = 0;
    for iteration in 0..ITERATIONS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_process_entry_point", "--nocapture"])
            .env(CHILD_ENV, dir.path())
            .env(PASSWORD_ENV, current)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let started = lines.by_ref().any(|line| line.unwrap() == "start");
        assert!(started, "the child did not start");
        std::thread::sleep(Duration::from_micros(random.below(400_000)));
        child.kill().unwrap();
        child.wait().unwrap();
        let mut last_saved = current;
        for line in lines {
            if let Some(password) = line.unwrap().strip_prefix("saved ") {
                last_saved = other(other(password));
                changes += 1;
            }
        }
        let found = opening_password(dir.path())
            .unwrap_or_else(|| panic!("iteration {iteration}: no password opens the vault"));
        assert!(
            found == last_saved || found == other(last_saved),
            "iteration {iteration}: {found}, last saved {last_saved}"
        );
        current = found;
        // Every backup is a whole vault that one of the two opens: a kill while the backups
        // were being re-encrypted leaves those not reached yet under the password before.
        for backup in store(dir.path()).backups().unwrap() {
            let copy = tempfile::tempdir().unwrap();
            std::fs::copy(&backup.path, copy.path().join(VAULT_FILE)).unwrap();
            assert!(
                opening_password(copy.path()).is_some(),
                "iteration {iteration}: backup {} opens with neither password",
                backup.generation
            );
        }
    }
    // Opening the store cleared what kills mid-write left, next to the vault and its backups.
    drop(store(dir.path()));
    for folder in [dir.path().to_owned(), dir.path().join("backups")] {
        let strays: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with('.'))
            .collect();
        assert!(strays.is_empty(), "{strays:?}");
    }
    println!("{ITERATIONS} kills, {changes} password changes reported");
    assert!(changes > 0, "the child made progress");
}
