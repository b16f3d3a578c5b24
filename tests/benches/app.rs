//! Measures the real app window: launch to a readable code list, idle memory of the app and its
//! WebKit processes, and search latency (keystroke to updated list) with 500 and 5,000
//! accounts. Prints a table; asserts nothing (targets are in DESIGN.md section 5).
//!
//! Run inside the headless session, ideally against a release build:
//! `COUNTERSIGN_APP=target/release/countersign-app scripts/headless.sh cargo bench -p countersign-e2e`

use std::time::{Duration, Instant};

use countersign_e2e::{App, Launch, seed_vault};

const PASSWORD: &str = "correct horse battery";

fn uris(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            // Distinct secrets: 20 bytes derived from the index, in base32.
            let bytes: Vec<u8> = (0..20u8)
                .map(|j| (i as u8).wrapping_mul(31).wrapping_add(j) ^ ((i >> 8) as u8))
                .collect();
            let secret = data_encoding::BASE32_NOPAD.encode(&bytes);
            format!("otpauth://totp/Issuer%20{i}:user{i}%40example.com?secret={secret}&issuer=Issuer%20{i}")
        })
        .collect()
}

/// Proportional set size (kB) of `pid` and all its descendants.
fn pss_tree_kb(pid: u32) -> u64 {
    let mut total = 0;
    let mut stack = vec![pid];
    while let Some(pid) = stack.pop() {
        if let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) {
            total += rollup
                .lines()
                .find_map(|l| l.strip_prefix("Pss:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .unwrap_or(0);
        }
        if let Ok(children) = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")) {
            stack.extend(
                children
                    .split_whitespace()
                    .filter_map(|c| c.parse::<u32>().ok()),
            );
        }
    }
    total
}

/// The newest process running the app binary.
fn app_pid() -> Option<u32> {
    let app = std::fs::canonicalize(countersign_e2e::app_binary()).ok()?;
    let mut newest = None;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if std::fs::read_link(format!("/proc/{pid}/exe"))
            .ok()
            .as_deref()
            == Some(app.as_path())
        {
            newest = newest.max(Some(pid));
        }
    }
    newest
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

/// Typing one character into the search field and waiting for the list to be updated and
/// painted, measured inside the page (ms).
const SEARCH_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
const input = document.getElementById('search');
const query = arguments[0];
const start = performance.now();
input.value = query;
input.dispatchEvent(new Event('input', { bubbles: true }));
requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - start)));
"#;

async fn search_latency(app: &App, queries: &[&str]) -> f64 {
    let mut times = Vec::new();
    for query in queries {
        let value = app
            .driver
            .execute_async(SEARCH_SCRIPT, vec![serde_json::json!(query)])
            .await
            .expect("search script")
            .json()
            .as_f64()
            .unwrap_or(f64::NAN);
        times.push(value);
    }
    median(times)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let mut rows = Vec::new();
    for count in [3usize, 500, 5000] {
        let data = tempfile::tempdir().unwrap();
        seed_vault(data.path(), PASSWORD, &uris(count));
        let start = Instant::now();
        let app = App::launch_with(Launch {
            data_dir: Some(data.path().to_path_buf()),
            ..Launch::default()
        })
        .await;
        app.find("li.row [data-testid=code]").await;
        let launch = start.elapsed();
        tokio::time::sleep(Duration::from_secs(3)).await;
        let pss = app_pid().map(pss_tree_kb).unwrap_or(0);
        let search = if count > 3 {
            search_latency(
                &app,
                &[
                    "i",
                    "is",
                    "iss",
                    "issuer 4",
                    "issuer 49",
                    "user1",
                    "",
                    "zz",
                    "",
                ],
            )
            .await
        } else {
            f64::NAN
        };
        let dom_rows = app
            .js("return document.querySelectorAll('li.row').length")
            .await;
        rows.push((count, launch, pss, search, dom_rows));
        app.quit().await;
    }
    println!();
    println!(
        "| accounts | launch to codes (WebDriver) | idle PSS, app + WebKit | search, keystroke to painted list (median) | rows in DOM |"
    );
    println!("|---|---|---|---|---|");
    for (count, launch, pss, search, dom) in rows {
        println!(
            "| {count} | {} ms | {:.0} MB | {} | {dom} |",
            launch.as_millis(),
            pss as f64 / 1024.0,
            if search.is_nan() {
                "-".to_owned()
            } else {
                format!("{search:.1} ms")
            }
        );
    }
}
