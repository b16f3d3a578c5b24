//! The quick search's path from "the site asks for a code" to "the code is in the field", on
//! one Xvfb screen without WebDriver: a zenity entry has the focus, the shortcut is pressed
//! (xdotool), the quick-search window opens and draws, a query is typed, Enter, and zenity
//! prints what it received. The code is checked against an independent reference.
//!
//! Per round it times: shortcut → quick search drawn (the last large change of the screen's
//! pixels), and Enter → the code typed into zenity with its Enter. The person's own typing of
//! the query is not counted. The anchor is the same Enter path without Countersign: xdotool
//! typing six digits and Enter into zenity directly. Round 1 (the first quick window of the
//! process) is shown apart from the median of the rest (warm).
//!
//! Run inside scripts/headless.sh, ideally against a release build:
//! `COUNTERSIGN_APP=target/release/countersign-app scripts/headless.sh cargo bench -p
//! countersign-e2e --bench quick`. `BENCH_ROUNDS` (default 7) sets the rounds.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use countersign_e2e::measure::{ScreenWatcher, end_tree};
use countersign_e2e::{Display, TextEntry, app_binary, recent_totp, seed_vault, xdotool};

const PASSWORD: &str = "correct horse battery";
const GITHUB: &str = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const GITLAB: &str = "otpauth://totp/GitLab:octocat?secret=KRSXG5CTMVRXEZLU&issuer=GitLab";
/// More changed pixels than this is the quick search drawing; fewer is a caret or a ring.
const LARGE_CHANGE: usize = 1500;
/// Drawn once the screen stayed this long without a large change.
const QUIET: Duration = Duration::from_millis(400);
const LIMIT: Duration = Duration::from_secs(20);

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn main() {
    if !std::env::args().any(|arg| arg == "--bench") {
        return; // `cargo test` builds benches too: nothing to do there
    }
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    let display = Display::start();
    let data = tempfile::tempdir().expect("a data folder");
    seed_vault(
        data.path(),
        PASSWORD,
        &[GITHUB.to_owned(), GITLAB.to_owned()],
    );
    std::fs::write(
        data.path().join("settings.json"),
        r#"{"typeThenEnter": true}"#,
    )
    .expect("write the settings");
    let mut app = Command::new(app_binary())
        .env("COUNTERSIGN_DATA_DIR", data.path())
        .env("DISPLAY", display.name())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the app");
    xdotool(
        display.name(),
        &[
            "search",
            "--sync",
            "--onlyvisible",
            "--name",
            "^Countersign$",
        ],
    );
    std::thread::sleep(Duration::from_secs(3)); // the list drawn, the keyring unlocked
    let screen = ScreenWatcher::connect(display.name());

    // The anchor: Enter's path without Countersign, xdotool typing into zenity directly.
    let mut anchors = Vec::new();
    for _ in 0..rounds {
        let entry = TextEntry::open(display.name());
        let began = Instant::now();
        xdotool(display.name(), &["type", "--delay", "0", "492039"]);
        xdotool(display.name(), &["key", "Return"]);
        let (printed, at) = entry.printed();
        assert_eq!(printed, "492039\n");
        anchors.push(at - began);
    }

    let mut drawn = Vec::new();
    let mut typed = Vec::new();
    for round in 0..=rounds {
        let entry = TextEntry::open(display.name());
        std::thread::sleep(Duration::from_millis(700)); // zenity drawn
        let paint = screen
            .time_paint(
                || {
                    xdotool(display.name(), &["key", "--clearmodifiers", "ctrl+alt+k"]);
                },
                LARGE_CHANGE,
                QUIET,
                LIMIT,
            )
            .expect("the quick search drew itself");
        xdotool(display.name(), &["type", "--delay", "0", "githu"]);
        std::thread::sleep(Duration::from_millis(150)); // the list filtered
        let began = Instant::now();
        xdotool(display.name(), &["key", "Return"]);
        let (printed, at) = entry.printed();
        let code = printed.trim_end_matches('\n');
        let expected = recent_totp("JBSWY3DPEHPK3PXP", 6, 30);
        assert!(
            expected.iter().any(|c| c == code) && printed.ends_with('\n'),
            "round {round}: zenity got {printed:?}, GitHub's code is one of {expected:?}"
        );
        if round == 0 {
            println!(
                "round 1 (first quick window): shortcut → drawn {:.0} ms, Enter → typed {:.0} ms",
                ms(paint.settled),
                ms(at - began)
            );
        } else {
            drawn.push(paint.settled);
            typed.push(at - began);
        }
        std::thread::sleep(Duration::from_millis(300)); // the quick window gone
    }
    let (drawn, typed, anchor) = (median(drawn), median(typed), median(anchors));
    println!("median of {rounds} warm rounds:");
    println!("  shortcut → quick search drawn   {:>7.0} ms", ms(drawn));
    println!(
        "  Enter → code + Enter in zenity  {:>7.0} ms  ({:.2}× the anchor)",
        ms(typed),
        typed.as_secs_f64() / anchor.as_secs_f64()
    );
    println!(
        "  both (the person's query apart) {:>7.0} ms  (target < 300 ms)",
        ms(drawn + typed)
    );
    println!(
        "  anchor: xdotool types 6 digits + Enter into zenity {:.0} ms",
        ms(anchor)
    );
    end_tree(app.id(), Duration::from_secs(3));
    let _ = app.wait();
}
