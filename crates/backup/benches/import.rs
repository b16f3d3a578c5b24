//! Import and export speed on large files (the target: a 10,000-account Aegis plain file
//! imports in under 300 ms; figures in BENCH.md). `cargo bench -p countersign-backup` prints a table.

use std::hint::black_box;
use std::time::{Duration, Instant};

use countersign_backup::{
    Account, Algorithm, Kind, Secret, export_aegis_encrypted, export_aegis_plain, export_uris,
    format_by_id, import_auto,
};

const ACCOUNTS: usize = 10_000;

/// Realistic, varied accounts: every kind, algorithm and a few digit counts, groups and notes.
fn accounts() -> Vec<Account> {
    (0..ACCOUNTS)
        .map(|i| {
            let secret = Secret::from_bytes((0..20).map(|b| (i * 31 + b) as u8).collect()).unwrap();
            let mut account = Account::totp(
                format!("Issuer {}", i % 700),
                format!("user{i}@example.com"),
                secret,
            );
            account.kind = match i % 10 {
                0 => Kind::Hotp { counter: i as u64 },
                1 => Kind::Steam { period: 30 },
                2 => Kind::Totp { period: 60 },
                _ => Kind::Totp { period: 30 },
            };
            if i % 10 != 1 {
                account.algorithm = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][i % 3];
                account.digits = [6, 6, 8, 7][i % 4];
            } else {
                account.digits = 5;
            }
            if i % 4 == 0 {
                account.group = Some(format!("Group {}", i % 12));
            }
            if i % 5 == 0 {
                account.note = "Recovery codes are in the drawer.".into();
            }
            account.favourite = i % 50 == 0;
            account
        })
        .collect()
}

/// Runs `f` `runs` times (after one warm-up) and returns the sorted durations.
fn time(runs: usize, mut f: impl FnMut()) -> Vec<Duration> {
    f();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times
}

fn row(case: &str, bytes: usize, times: &[Duration]) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    println!(
        "| {case:<40} | {:>9.1} | {:>8.1} | {:>8.1} | {:>8.1} |",
        bytes as f64 / 1_000_000.0,
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(mean),
    );
}

fn main() {
    let accounts = accounts();
    let aegis_plain = export_aegis_plain(&accounts);
    let uris = export_uris(&accounts);
    let aegis_encrypted = export_aegis_encrypted(&accounts, "benchmark password");
    let aegis = format_by_id("aegis").unwrap();
    let uri_list = format_by_id("uris").unwrap();

    println!("{ACCOUNTS} accounts per file; release build; times in ms");
    println!();
    println!(
        "| {:<40} | {:>9} | {:>8} | {:>8} | {:>8} |",
        "case", "file (MB)", "min", "median", "mean"
    );
    println!(
        "|{:-<42}|{:->11}|{:->10}|{:->10}|{:->10}|",
        "", "", "", "", ""
    );

    let times = time(20, || {
        let imported = aegis
            .import(black_box(aegis_plain.as_bytes()), None)
            .unwrap();
        assert_eq!(imported.entries.len(), ACCOUNTS);
    });
    row("import Aegis plain", aegis_plain.len(), &times);

    let times = time(20, || {
        let (_, imported) = import_auto(black_box(aegis_plain.as_bytes()), None).unwrap();
        assert_eq!(imported.entries.len(), ACCOUNTS);
    });
    row("detect + import Aegis plain", aegis_plain.len(), &times);

    let times = time(5, || {
        let imported = aegis
            .import(
                black_box(aegis_encrypted.as_bytes()),
                Some("benchmark password"),
            )
            .unwrap();
        assert_eq!(imported.entries.len(), ACCOUNTS);
    });
    row(
        "import Aegis encrypted (scrypt 2^15)",
        aegis_encrypted.len(),
        &times,
    );

    let times = time(20, || {
        let imported = uri_list.import(black_box(uris.as_bytes()), None).unwrap();
        assert_eq!(imported.entries.len(), ACCOUNTS);
    });
    row("import otpauth:// URI list", uris.len(), &times);

    let times = time(20, || {
        black_box(export_aegis_plain(black_box(&accounts)));
    });
    row("export Aegis plain", aegis_plain.len(), &times);

    let times = time(5, || {
        black_box(export_aegis_encrypted(
            black_box(&accounts),
            "benchmark password",
        ));
    });
    row(
        "export Aegis encrypted (scrypt 2^15)",
        aegis_encrypted.len(),
        &times,
    );
}
