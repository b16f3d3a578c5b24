//! Crash consistency: a child process saves in a loop while this test kills it with SIGKILL at
//! random moments, hundreds of times. After every kill the vault must open and hold the last
//! state the child reported as saved, or the one it was saving.
//!
//! The same for merge-saves: a child merges conflict copies (each with one more account)
//! into the vault in a loop; after every kill the vault opens with the merged content or the
//! previous one.
//!
//! Bench mode: `COUNTERSIGN_CRASH_KILLS=1000` (`make crash-bench`) kills that many times and
//! prints how many kills left the vault in each state: old (the last reported save), new (the
//! save under way), corrupt (does not open) and lost (any other state); the test then fails
//! unless corrupt and lost are both 0.

#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use countersign_otp::{Account, Kind, Secret};
use countersign_vault::{KdfParams, Store};

const CHILD_ENV: &str = "COUNTERSIGN_CRASH_CHILD";
const MERGE_CHILD_ENV: &str = "COUNTERSIGN_CRASH_MERGE_CHILD";
const MERGE_ITERATIONS: usize = 100;
const ITERATIONS: usize = 300;
/// Overrides [`ITERATIONS`] (bench mode).
const KILLS_ENV: &str = "COUNTERSIGN_CRASH_KILLS";

fn store(dir: &Path) -> Store {
    Store::open(dir)
        .unwrap()
        .with_kdf(KdfParams::new(64, 1, 1).unwrap())
}

/// The HOTP counter the vault holds now, or why the vault cannot be read.
fn counter(dir: &Path) -> Result<u64, String> {
    let vault = store(dir)
        .unlock_with_password("pw")
        .map_err(|e| e.to_string())?;
    match vault.entries().first().map(|entry| &entry.account.kind) {
        Some(Kind::Hotp { counter }) => Ok(*counter),
        other => Err(format!("the first entry is not the HOTP one: {other:?}")),
    }
}

/// What a kill left.
#[derive(Default, Debug)]
struct Tally {
    /// The last state the child reported as saved.
    old: usize,
    /// The state it was saving (landed, not yet reported).
    new: usize,
    /// The vault did not open.
    corrupt: usize,
    /// Any other state: a reported save gone, or a state from nowhere.
    lost: usize,
}

/// Not a test of its own: the saving child. Advances the HOTP counter forever (each advance is
/// a full save), printing each counter value once it is saved.
#[test]
fn child_process_entry_point() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    countersign_vault::disable_core_dumps().unwrap();
    let mut vault = store(Path::new(&dir)).unlock_with_password("pw").unwrap();
    let id = vault.entries()[0].id;
    let Kind::Hotp { counter } = vault.entries()[0].account.kind else {
        unreachable!()
    };
    println!("start {counter}");
    loop {
        vault.next_hotp_code(id).unwrap();
        let Kind::Hotp { counter } = vault.entry(id).unwrap().account.kind else {
            unreachable!()
        };
        println!("saved {counter}");
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

#[test]
fn sigkill_at_random_moments_never_loses_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut vault, _) = store(dir.path()).create(Some("pw"), false).unwrap();
        let secret = Secret::from_base32("GEZDGNBVGY3TQOJQ").unwrap();
        vault
            .add(Account::hotp("Crash", "test", secret, 0))
            .unwrap();
        let filler: Vec<Account> = (0..50u32)
            .map(|n| {
                let secret = Secret::from_bytes(n.to_be_bytes().repeat(5)).unwrap();
                Account::totp("Filler", format!("account {n}"), secret)
            })
            .collect();
        // Some bulk, so a save takes more than a blink.
        vault.add_all(filler).unwrap();
    }
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    println!("seed {seed}");
    let mut random = Lcg(seed);
    let kills = std::env::var(KILLS_ENV)
        .map(|n| n.parse().expect("a number of kills"))
        .unwrap_or(ITERATIONS);
    let bench = std::env::var_os(KILLS_ENV).is_some();
    let mut committed = 0;
    let mut tally = Tally::default();
    let mut first_failure = None;
    let start = Instant::now();
    for iteration in 0..kills {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_process_entry_point", "--nocapture"])
            .env(CHILD_ENV, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // Wait until it is saving (past the test harness's own lines), then let it run a
        // random while.
        let started = lines
            .by_ref()
            .any(|line| line.unwrap().starts_with("start "));
        assert!(started, "the child did not start");
        std::thread::sleep(Duration::from_micros(random.below(60_000)));
        child.kill().unwrap();
        child.wait().unwrap();
        let mut last_saved = committed;
        for line in lines {
            let line = line.unwrap();
            if let Some(value) = line.strip_prefix("saved ") {
                last_saved = value.parse().unwrap();
            }
        }
        let failure = match counter(dir.path()) {
            Ok(found) if found == last_saved => {
                tally.old += 1;
                committed = found;
                None
            }
            Ok(found) if found == last_saved + 1 => {
                tally.new += 1;
                committed = found;
                None
            }
            Ok(found) => {
                tally.lost += 1;
                committed = found;
                Some(format!(
                    "kill {iteration}: the child last reported {last_saved}, the vault holds {found}"
                ))
            }
            Err(error) => {
                tally.corrupt += 1;
                Some(format!(
                    "kill {iteration}: the vault does not open: {error}"
                ))
            }
        };
        if let Some(failure) = failure {
            // Outside bench mode the first bad state ends the test; so does a vault that does
            // not open (the next child could not open it either).
            assert!(bench && tally.corrupt == 0, "{failure}; so far {tally:?}");
            first_failure.get_or_insert(failure);
        }
        if (iteration + 1) % 100 == 0 && bench {
            eprintln!(
                "{} kills, {:?}, {:?}",
                iteration + 1,
                start.elapsed(),
                tally
            );
        }
    }
    // Each `counter` call above opened the store, which clears what a kill mid-rename leaves.
    let strays: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    let elapsed = start.elapsed();
    println!(
        "{kills} kills in {elapsed:.1?} ({:.1?} per kill), counter reached {committed}: \
         states found old {}, new {}, corrupt {}, lost {}",
        elapsed / kills.max(1) as u32,
        tally.old,
        tally.new,
        tally.corrupt,
        tally.lost,
    );
    assert_eq!((tally.corrupt, tally.lost), (0, 0), "{first_failure:?}");
    assert_eq!(tally.old + tally.new, kills);
    assert!(strays.is_empty(), "{strays:?}");
    assert!(committed > kills as u64 / 2, "the child made progress");
    // The backups are intact encrypted vaults too.
    for backup in store(dir.path()).backups().unwrap() {
        countersign_vault::inspect(&std::fs::read(&backup.path).unwrap()).unwrap();
    }
}

/// How many "merged N" accounts the vault holds (they are numbered 0, 1, ... with no gap), or
/// why the vault cannot be read.
fn merged_count(dir: &Path) -> Result<usize, String> {
    let vault = store(dir)
        .unlock_with_password("pw")
        .map_err(|e| e.to_string())?;
    count_merged(&vault)
}

/// How many "merged N" accounts `vault` holds (see [`merged_count`]).
fn count_merged(vault: &countersign_vault::Unlocked) -> Result<usize, String> {
    let mut numbers: Vec<usize> = vault
        .entries()
        .iter()
        .filter_map(|entry| entry.account.name.strip_prefix("merged ")?.parse().ok())
        .collect();
    numbers.sort();
    if numbers.iter().enumerate().any(|(index, n)| index != *n) {
        return Err(format!("the merged accounts are not 0..n: {numbers:?}"));
    }
    Ok(numbers.len())
}

/// Not a test of its own: the merging child. Forever: a copy of the vault made elsewhere with
/// one more account arrives as a Syncthing conflict copy (written aside, then renamed in, as
/// Syncthing does), and `sync` merges it (a full save) and removes it; prints each count merged.
#[test]
fn merge_child_process_entry_point() {
    let Ok(dir) = std::env::var(MERGE_CHILD_ENV) else {
        return;
    };
    countersign_vault::disable_core_dumps().unwrap();
    let dir = Path::new(&dir);
    let elsewhere = dir.join("elsewhere");
    let mut vault = store(dir).unlock_with_password("pw").unwrap();
    vault.sync().unwrap();
    let mut next = count_merged(&vault).unwrap();
    println!("start {next}");
    loop {
        let _ = std::fs::remove_dir_all(&elsewhere);
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::copy(
            dir.join(countersign_vault::VAULT_FILE),
            elsewhere.join(countersign_vault::VAULT_FILE),
        )
        .unwrap();
        {
            let mut other = store(&elsewhere).unlock_with_password("pw").unwrap();
            let secret = Secret::from_bytes((next as u32 + 1000).to_be_bytes().repeat(5)).unwrap();
            other
                .add(Account::totp("Merge", format!("merged {next}"), secret))
                .unwrap();
        }
        let copy = format!(
            "vault.sync-conflict-20240102-{:06}-ABCDEFG.countersign",
            next % 1_000_000
        );
        let arriving = dir.join(format!(".syncthing.{copy}.tmp"));
        std::fs::copy(elsewhere.join(countersign_vault::VAULT_FILE), &arriving).unwrap();
        std::fs::rename(&arriving, dir.join(&copy)).unwrap();
        let report = vault.sync().unwrap();
        assert!(report.merged_any());
        next += 1;
        println!("saved {next}");
    }
}

#[test]
fn sigkill_during_merge_saves_leaves_the_merged_or_the_previous_vault() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut vault, _) = store(dir.path()).create(Some("pw"), false).unwrap();
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
    let mut committed = 0;
    let (mut old, mut new) = (0, 0);
    let start = Instant::now();
    for iteration in 0..MERGE_ITERATIONS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "merge_child_process_entry_point", "--nocapture"])
            .env(MERGE_CHILD_ENV, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // The child's first sync merges what a killed one left beside the vault (a copy
        // renamed in but not merged yet): its count is where this round starts.
        let started: usize = lines
            .by_ref()
            .find_map(|line| line.unwrap().strip_prefix("start ")?.parse().ok())
            .expect("the child did not start");
        assert!(
            started == committed || started == committed + 1,
            "kill {iteration}: the child started from {started}, {committed} were kept"
        );
        // A merge round takes longer than a plain save: a longer random while.
        std::thread::sleep(Duration::from_micros(random.below(150_000)));
        child.kill().unwrap();
        child.wait().unwrap();
        let mut last_saved = started;
        for line in lines {
            if let Some(value) = line.unwrap().strip_prefix("saved ") {
                last_saved = value.parse().unwrap();
            }
        }
        // A copy that was merged but not yet removed is merged again by the next child, so
        // the vault itself must hold the last reported merge or the one under way.
        match merged_count(dir.path()) {
            Ok(found) if found == last_saved => old += 1,
            Ok(found) if found == last_saved + 1 => new += 1,
            Ok(found) => panic!(
                "kill {iteration}: the child last reported {last_saved} merged, the vault holds {found}"
            ),
            Err(error) => panic!("kill {iteration}: the vault does not open: {error}"),
        }
        committed = merged_count(dir.path()).unwrap();
    }
    println!(
        "{MERGE_ITERATIONS} kills during merge-saves in {:.1?}: previous {old}, merged {new}, \
         {committed} merges kept",
        start.elapsed()
    );
    assert_eq!(old + new, MERGE_ITERATIONS);
    assert!(committed > 0, "the child made progress");
}
