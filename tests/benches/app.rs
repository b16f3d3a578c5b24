//! Measures the real app window: launch to a readable code list, idle memory of the app and its
//! WebKit processes, and search latency (keystroke to updated list) with 500 and 5,000
//! accounts. Prints a table; asserts nothing (targets and figures are in tests/BENCH.md).
//!
//! Launch is measured three ways. Under WebDriver: from spawning tauri-driver until WebDriver
//! sees a code (what a test waits), and from the app process's start (per /proc) to the page's
//! own marks up to `codes-shown`, the frame that paints the first codes. Without WebDriver, as
//! a person's launcher starts it: from spawning the binary until the first code's pixels are
//! on the X screen (WebDriver's automation session slows a launch down, so this is the figure
//! for the launch target).
//!
//! Run inside the headless session, ideally against a release build:
//! `COUNTERSIGN_APP=target/release/countersign-app scripts/headless.sh cargo bench -p countersign-e2e`

use std::time::{Duration, Instant};

use std::path::Path;
use std::process::{Command, Stdio};

use countersign_e2e::measure::pss_tree_kb;
use countersign_e2e::{App, Display, Launch, app_binary, numbered_uris, seed_vault};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, ImageFormat};

const PASSWORD: &str = "correct horse battery";

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

/// Milliseconds since the Unix epoch at which process `pid` started, to the kernel's tick.
fn process_start_epoch_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces): state is field 3, starttime 22.
    let after_name = &stat[stat.rfind(')')? + 2..];
    let ticks: f64 = after_name.split_whitespace().nth(19)?.parse().ok()?;
    // SAFETY: sysconf has no preconditions.
    let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs_f64();
    Some((now - uptime + ticks / ticks_per_second) * 1000.0)
}

/// Epoch milliseconds of the page's start and of its launch marks.
const MARKS_SCRIPT: &str = r#"
const mark = (name) => {
  const entry = performance.getEntriesByName(name)[0];
  return entry ? performance.timeOrigin + entry.startTime : null;
};
return [performance.timeOrigin, mark('ui-started'), mark('vault-unlocked'), mark('codes-shown')];
"#;

/// One launch, timed both ways.
struct LaunchTimes {
    webdriver: Duration,
    /// Process start → page start, UI started, vault unlocked, codes painted (ms).
    stages: [f64; 4],
}

async fn launch_once(data: &std::path::Path) -> (App, LaunchTimes) {
    let start = Instant::now();
    let app = App::launch_with(Launch::folder(data)).await;
    app.find("li.row [data-testid=code]").await;
    let webdriver = start.elapsed();
    let marks: Vec<Option<f64>> = app
        .wait_for("the codes-shown mark", || async {
            let marks = app.js(MARKS_SCRIPT).await;
            let marks: Vec<Option<f64>> = serde_json::from_value(marks).ok()?;
            marks[3].is_some().then_some(marks)
        })
        .await;
    let process_start = app
        .app_process()
        .and_then(process_start_epoch_ms)
        .unwrap_or(f64::NAN);
    let stage = |i: usize| marks[i].map_or(f64::NAN, |t| t - process_start);
    let times = LaunchTimes {
        webdriver,
        stages: [stage(0), stage(1), stage(2), stage(3)],
    };
    (app, times)
}

/// A screen rectangle: x, y, width, height.
type Area = (i16, i16, u16, u16);

/// Where the first row's code is painted on the screen.
async fn first_code_area(app: &App) -> Area {
    let rect = app
        .js("const r = document.querySelector('li.row [data-testid=code]').getBoundingClientRect(); return [r.x, r.y, r.width, r.height]")
        .await;
    let rect: [f64; 4] = serde_json::from_value(rect).expect("a rectangle");
    let (x, y) = app.window_origin().expect("the window is on screen");
    (
        x + rect[0] as i16,
        y + rect[1] as i16,
        rect[2] as u16,
        rect[3] as u16,
    )
}

/// Whether 32-bit pixels hold glyphs: enough of them differ clearly from the first one (the
/// background).
fn has_ink(pixels: &[u8]) -> bool {
    let background = &pixels[..4];
    let differing = pixels
        .chunks_exact(4)
        .filter(|pixel| {
            pixel[..3]
                .iter()
                .zip(&background[..3])
                .any(|(a, b)| a.abs_diff(*b) > 60)
        })
        .count();
    differing > 30
}

/// Starts the binary as a launcher would (no WebDriver) on `display`, and returns the
/// milliseconds until ink appears in `area` (the first code), then stops it.
fn direct_launch(display: &Display, data: &Path, area: Area) -> f64 {
    let (connection, screen) = x11rb::connect(Some(display.name())).expect("the X display");
    let root = connection.setup().roots[screen].root;
    let (x, y, width, height) = area;
    let start = Instant::now();
    let mut app = Command::new(app_binary())
        .env("DISPLAY", display.name())
        .env("COUNTERSIGN_DATA_DIR", data)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the app");
    let painted = loop {
        let image = connection
            .get_image(ImageFormat::Z_PIXMAP, root, x, y, width, height, !0)
            .expect("ask for the screen's pixels")
            .reply()
            .expect("the screen's pixels");
        if has_ink(&image.data) {
            break start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no code on screen"
        );
        std::thread::sleep(Duration::from_millis(1));
    };
    // SAFETY: signalling a child we spawned and have not reaped.
    unsafe {
        libc::kill(app.id() as libc::pid_t, libc::SIGTERM);
    }
    let _ = app.wait();
    painted.as_secs_f64() * 1000.0
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    const LAUNCHES: usize = 9;
    let mut rows = Vec::new();
    let mut launch_rows = Vec::new();
    let mut direct_rows = Vec::new();
    for count in [3usize, 500, 5000] {
        let data = tempfile::tempdir().unwrap();
        seed_vault(data.path(), PASSWORD, &numbered_uris(count));
        // Launches before the last are only timed; the last one also measures the rest.
        let mut launches = Vec::new();
        let app = loop {
            let (app, times) = launch_once(data.path()).await;
            launches.push(times);
            if launches.len() == LAUNCHES {
                break app;
            }
            app.quit().await;
        };
        let webdriver = median(
            launches
                .iter()
                .map(|l| l.webdriver.as_secs_f64() * 1000.0)
                .collect(),
        );
        let stages: Vec<f64> = (0..4)
            .map(|i| median(launches.iter().map(|l| l.stages[i]).collect()))
            .collect();
        launch_rows.push((count, webdriver, stages));
        tokio::time::sleep(Duration::from_secs(3)).await;
        let pss = app.app_process().map(pss_tree_kb).unwrap_or(0);
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
        rows.push((count, pss, search, dom_rows));
        let area = first_code_area(&app).await;
        app.quit().await;

        let display = Display::start();
        let direct = median(
            (0..LAUNCHES)
                .map(|_| direct_launch(&display, data.path(), area))
                .collect(),
        );
        direct_rows.push((count, direct));
    }
    println!();
    println!("Launch without WebDriver, median of {LAUNCHES}: spawn to the first code on screen");
    println!();
    println!("| accounts | codes on screen |");
    println!("|---|---|");
    for (count, direct) in direct_rows {
        println!("| {count} | {direct:.0} ms |");
    }
    println!();
    println!(
        "Launch under WebDriver, median of {LAUNCHES} (ms from the app process's start, except the last column)"
    );
    println!();
    println!(
        "| accounts | page starts | UI starts | vault unlocked | codes painted | WebDriver sees a code (from spawning tauri-driver) |"
    );
    println!("|---|---|---|---|---|---|");
    for (count, webdriver, stages) in launch_rows {
        println!(
            "| {count} | {:.0} | {:.0} | {:.0} | {:.0} | {webdriver:.0} |",
            stages[0], stages[1], stages[2], stages[3]
        );
    }
    println!();
    println!(
        "| accounts | idle PSS, app + WebKit | search, keystroke to painted list (median) | rows in DOM |"
    );
    println!("|---|---|---|---|");
    for (count, pss, search, dom) in rows {
        println!(
            "| {count} | {:.0} MB | {} | {dom} |",
            pss as f64 / 1024.0,
            if search.is_nan() {
                "-".to_owned()
            } else {
                format!("{search:.1} ms")
            }
        );
    }
}
