//! `cargo bench -p countersign-vault`: opening and saving a vault of 1,000 accounts, and the
//! calibrated Argon2id cost. Prints a table (medians); numbers are recorded in BENCH.md.
//!
//! The keyring-style open uses the recovery slot: the same work as the keyring slot (a raw
//! 256-bit wrapping key, no KDF) minus the OS keyring's own round trip. Run under
//! scripts/with-keyring.sh to measure the real keyring slot as well.

use std::time::{Duration, Instant};

use countersign_otp::{Account, Secret};
use countersign_vault::{KdfParams, Store, VAULT_FILE, calibrate, keyring_status};

const ACCOUNTS: u32 = 1_000;
const RUNS: usize = 25;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

fn accounts() -> Vec<Account> {
    (0..ACCOUNTS)
        .map(|n| {
            let secret = Secret::from_bytes(n.to_be_bytes().repeat(5)).unwrap();
            let mut account = Account::totp(
                format!("Issuer {n}"),
                format!("user{n}@example.com"),
                secret,
            );
            account.note = "a note of some length, as people keep them".into();
            account
        })
        .collect()
}

fn row(what: &str, value: Duration, target: &str) {
    println!(
        "| {what:<44} | {:>9.2} ms | {target:<8} |",
        value.as_secs_f64() * 1e3
    );
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path())
        .unwrap()
        .with_kdf(KdfParams::new(64, 1, 1).unwrap());
    let keyring = keyring_status().is_ok();
    let (mut vault, recovery) = store.create(Some("pw"), keyring).unwrap();
    vault.add_all(accounts()).unwrap();
    let size = std::fs::metadata(dir.path().join(VAULT_FILE))
        .unwrap()
        .len();
    let first = vault.entries()[0].id;

    println!(
        "| operation ({ACCOUNTS} accounts, {} KiB file) | median | target |",
        size / 1024
    );
    println!("|---|---|---|");
    let save = time(RUNS, || vault.mark_used(first).unwrap());
    row(
        "save (serialise, encrypt, backup, atomic write + fsyncs)",
        save,
        "< 20 ms",
    );
    drop(vault);
    let grouped = recovery.to_grouped();
    let open = time(RUNS, || drop(store.unlock_with_recovery(&grouped).unwrap()));
    row(
        "open with a raw-key slot (read, decrypt, parse)",
        open,
        "< 50 ms",
    );
    if keyring {
        let open = time(RUNS, || drop(store.unlock_with_keyring().unwrap()));
        row(
            "open with the OS keyring slot (Secret Service)",
            open,
            "< 50 ms",
        );
    } else {
        println!(
            "| open with the OS keyring slot | skipped: no Secret Service (use scripts/with-keyring.sh) | |"
        );
    }

    let start = Instant::now();
    let params = calibrate();
    let calibration = start.elapsed();
    let calibrated_dir = tempfile::tempdir().unwrap();
    let calibrated = Store::open(calibrated_dir.path()).unwrap().with_kdf(params);
    drop(calibrated.create(Some("pw"), false).unwrap());
    let unlock = time(5, || drop(calibrated.unlock_with_password("pw").unwrap()));
    row("calibrate() (one 64 MiB probe)", calibration, "");
    row(
        &format!(
            "password unlock, Argon2id m={} MiB t={} p={}",
            params.memory_kib() / 1024,
            params.iterations(),
            params.parallelism()
        ),
        unlock,
        "0.5-1 s",
    );
}
