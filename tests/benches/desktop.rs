//! Countersign side by side with KeePassXC (the native app people compare it with), the same
//! accounts in each, on one Xvfb screen, without WebDriver: what a person's desktop pays.
//!
//! Per app and per account count (500 and 5,000) it prints: spawn → first pixels and → list
//! settled (from the screen's pixels, launches alternating between the two apps), whole-tree
//! PSS with the window open and hidden in the tray, idle CPU over 60 s open and hidden, which
//! processes are left while hidden, and for Countersign tray → window shown with its codes.
//! Ratios are Countersign / KeePassXC from the same run: absolute times drift on a shared
//! machine, ratios hold.
//!
//! `make bench-desktop` installs KeePassXC and pykeepass, builds the release app and runs this
//! inside scripts/headless.sh (a private D-Bus session with an unlocked gnome-keyring).
//! `BENCH_LAUNCHES` (default 5), `BENCH_IDLE_SECONDS` (default 60) and `BENCH_COUNTS` (default
//! "500,5000") shorten a trial run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use countersign_e2e::measure::{
    Paint, ScreenWatcher, cpu_percent_tree, end_tree, process_names, pss_tree_kb,
};
use countersign_e2e::{
    Display, TrayHost, app_binary, numbered_uris, request_close_titled, seed_vault,
};

const PASSWORD: &str = "correct horse battery";

/// A change of more than this many pixels is the app drawing its window; fewer is a countdown
/// ring's one-second step or a blinking caret.
const LARGE_CHANGE: usize = 1500;
/// The screen counts as settled after this long without a large change.
const QUIET: Duration = Duration::from_millis(1000);
/// A launch that has not settled by then failed.
const LIMIT: Duration = Duration::from_secs(30);

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One of the two apps compared.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Contender {
    Countersign,
    KeePassXc,
}

impl Contender {
    fn name(self) -> &'static str {
        match self {
            Contender::Countersign => "Countersign",
            Contender::KeePassXc => "KeePassXC",
        }
    }

    /// A word of its main window's title.
    fn title(self) -> &'static str {
        self.name()
    }
}

/// Everything both apps need for one account count.
struct Setup {
    display: Display,
    countersign_data: tempfile::TempDir,
    keepassxc_home: tempfile::TempDir,
    kdbx: PathBuf,
}

impl Setup {
    fn new(count: usize) -> Setup {
        let uris = numbered_uris(count);
        let countersign_data = tempfile::tempdir().expect("a data folder");
        seed_vault(countersign_data.path(), PASSWORD, &uris);
        // Closing the window keeps it in the tray, as KeePassXC's "minimise on close" does.
        std::fs::write(
            countersign_data.path().join("settings.json"),
            r#"{"minimiseToTray": true, "theme": "light"}"#,
        )
        .expect("write the settings");

        let keepassxc_home = tempfile::tempdir().expect("a home for KeePassXC");
        let config = keepassxc_home.path().join("config/keepassxc");
        std::fs::create_dir_all(&config).expect("KeePassXC's config folder");
        std::fs::write(config.join("keepassxc.ini"), KEEPASSXC_INI).expect("KeePassXC's config");
        let list = keepassxc_home.path().join("uris.txt");
        std::fs::write(&list, uris.join("\n")).expect("the URI list");
        let kdbx = keepassxc_home.path().join("accounts.kdbx");
        let python = std::env::var("BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
        let status = Command::new(python)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/keepassxc_db.py"))
            .arg(&kdbx)
            .arg(PASSWORD)
            .arg(&list)
            .status()
            .expect("python3 runs");
        assert!(
            status.success(),
            "keepassxc_db.py failed (is pykeepass installed?)"
        );

        Setup {
            display: Display::start(),
            countersign_data,
            keepassxc_home,
            kdbx,
        }
    }

    /// Starts `who` as a launcher would: its own process group, output discarded.
    fn spawn(&self, who: Contender) -> Child {
        use std::os::unix::process::CommandExt;
        let mut command = match who {
            Contender::Countersign => {
                let mut command = Command::new(app_binary());
                command.env("COUNTERSIGN_DATA_DIR", self.countersign_data.path());
                command
            }
            Contender::KeePassXc => {
                let home = self.keepassxc_home.path();
                let mut command = Command::new("keepassxc");
                command
                    .args(["--pw-stdin"])
                    .arg(&self.kdbx)
                    .env("XDG_CONFIG_HOME", home.join("config"))
                    .env("XDG_CACHE_HOME", home.join("cache"))
                    .env("XDG_DATA_HOME", home.join("data"))
                    // Qt on a bare X server: no platform theme to look for.
                    .env("QT_QPA_PLATFORMTHEME", "");
                command
            }
        };
        command
            .env("DISPLAY", self.display.name())
            .process_group(0)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = command.spawn().expect("start the app");
        let mut stdin = child.stdin.take().expect("stdin");
        if who == Contender::KeePassXc {
            let _ = writeln!(stdin, "{PASSWORD}");
        }
        drop(stdin);
        child
    }

    /// Launches `who`, times its paint, and returns it running.
    fn launch(&self, who: Contender, screen: &ScreenWatcher) -> (Child, Paint) {
        let mut child = None;
        let paint = screen
            .time_paint(|| child = Some(self.spawn(who)), LARGE_CHANGE, QUIET, LIMIT)
            .unwrap_or_else(|| panic!("{} did not settle within {LIMIT:?}", who.name()));
        (child.expect("spawned"), paint)
    }
}

/// KeePassXC's settings for the comparison: a tray icon, closing (and minimising) into it, no
/// questions at start, no reopening of other files.
const KEEPASSXC_INI: &str = "[General]
ConfigVersion=2
RememberLastDatabases=false
RememberLastKeyFiles=false
UpdateCheckMessageShown=true

[GUI]
ShowTrayIcon=true
MinimizeToTray=true
MinimizeOnClose=true
CheckForUpdates=false
ApplicationTheme=light
";

fn stop(mut child: Child) {
    end_tree(child.id(), Duration::from_secs(5));
    let _ = child.wait();
}

/// Figures from one long-running session of one app.
struct Steady {
    pss_open_kb: u64,
    cpu_open: f64,
    pss_hidden_kb: u64,
    cpu_hidden: f64,
    hidden_processes: Vec<String>,
    /// Tray → window shown with its list settled (Countersign only).
    tray_show: Vec<Paint>,
}

fn steady(setup: &Setup, who: Contender, screen: &ScreenWatcher, idle: Duration) -> Steady {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the tray");
    let bus =
        std::env::var("DBUS_SESSION_BUS_ADDRESS").expect("a session bus (scripts/headless.sh)");
    // Both apps put an icon in this tray and hide into it.
    let tray = runtime.block_on(TrayHost::start(&bus));
    let (child, _) = setup.launch(who, screen);
    let pid = child.id();
    std::thread::sleep(Duration::from_secs(5));
    let pss_open_kb = pss_tree_kb(pid);
    let cpu_open = cpu_percent_tree(pid, idle);

    let close = || request_close_titled(setup.display.name(), who.title());
    close();
    // Teardown (WebKit's processes exit) and any lazy work after hiding.
    std::thread::sleep(Duration::from_secs(5));
    let pss_hidden_kb = pss_tree_kb(pid);
    let hidden_processes = process_names(pid);
    let cpu_hidden = cpu_percent_tree(pid, idle);

    let mut tray_show = Vec::new();
    if who == Contender::Countersign {
        let item = runtime.block_on(tray.wait_for_item());
        for _ in 0..env_number("BENCH_LAUNCHES", 5) {
            let show = || runtime.block_on(tray.click(&item, "Show Countersign"));
            let paint = screen
                .time_paint(show, LARGE_CHANGE, QUIET, LIMIT)
                .expect("the window came back");
            tray_show.push(paint);
            close();
            std::thread::sleep(Duration::from_secs(3));
        }
    }
    stop(child);
    drop(tray);
    Steady {
        pss_open_kb,
        cpu_open,
        pss_hidden_kb,
        cpu_hidden,
        hidden_processes,
        tray_show,
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn main() {
    let launches = env_number("BENCH_LAUNCHES", 5) as usize;
    let idle = Duration::from_secs(env_number("BENCH_IDLE_SECONDS", 60));
    println!(
        "Countersign ({}) beside KeePassXC, {launches} alternating launches per app, idle over {}s",
        app_binary().display(),
        idle.as_secs()
    );
    let counts: Vec<usize> = std::env::var("BENCH_COUNTS")
        .unwrap_or_else(|_| "500,5000".into())
        .split(',')
        .filter_map(|c| c.trim().parse().ok())
        .collect();
    for count in counts {
        let setup = Setup::new(count);
        let screen = ScreenWatcher::connect(setup.display.name());
        let mut paints: [Vec<Paint>; 2] = [Vec::new(), Vec::new()];
        for _ in 0..launches {
            for (i, who) in [Contender::Countersign, Contender::KeePassXc]
                .into_iter()
                .enumerate()
            {
                let (child, paint) = setup.launch(who, &screen);
                stop(child);
                paints[i].push(paint);
                std::thread::sleep(Duration::from_millis(500));
            }
        }
        let ours = steady(&setup, Contender::Countersign, &screen, idle);
        let theirs = steady(&setup, Contender::KeePassXc, &screen, idle);

        let first = |i: usize| median(paints[i].iter().map(|p| ms(p.first_pixels)).collect());
        let settled = |i: usize| median(paints[i].iter().map(|p| ms(p.settled)).collect());
        let mb = |kb: u64| kb as f64 / 1024.0;
        println!();
        println!("### {count} accounts");
        println!();
        println!("| | Countersign | KeePassXC | ratio |");
        println!("|---|---|---|---|");
        let row = |what: &str, a: f64, b: f64, unit: &str| {
            let ratio = if b > 0.0 {
                format!("{:.2}×", a / b)
            } else {
                "–".into()
            };
            println!("| {what} | {a:.1} {unit} | {b:.1} {unit} | {ratio} |");
        };
        row("spawn → first pixels (median)", first(0), first(1), "ms");
        row(
            "spawn → list painted and settled (median)",
            settled(0),
            settled(1),
            "ms",
        );
        row(
            "PSS, window open",
            mb(ours.pss_open_kb),
            mb(theirs.pss_open_kb),
            "MB",
        );
        row(
            "PSS, hidden in the tray",
            mb(ours.pss_hidden_kb),
            mb(theirs.pss_hidden_kb),
            "MB",
        );
        row(
            "idle CPU, window open (% of a core)",
            ours.cpu_open,
            theirs.cpu_open,
            "%",
        );
        row(
            "idle CPU, hidden (% of a core)",
            ours.cpu_hidden,
            theirs.cpu_hidden,
            "%",
        );
        let shows: Vec<f64> = ours.tray_show.iter().map(|p| ms(p.settled)).collect();
        println!(
            "| tray → window with codes (median of {}) | {:.1} ms | – | – |",
            shows.len(),
            median(shows)
        );
        println!(
            "| processes while hidden | {} | {} | – |",
            ours.hidden_processes.join(", "),
            theirs.hidden_processes.join(", ")
        );
    }
}
