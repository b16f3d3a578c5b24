//! What a benchmark reads off a running program and its screen: memory and CPU time of a whole
//! process tree (from /proc), and the moments its window's pixels change (from the X server).

use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, ImageFormat, Window};
use x11rb::rust_connection::RustConnection;

/// `pid` and every process below it (children, grandchildren...), read from /proc.
pub fn process_tree(pid: u32) -> Vec<u32> {
    let mut tree = Vec::new();
    let mut stack = vec![pid];
    while let Some(pid) = stack.pop() {
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        tree.push(pid);
        // Every thread may have children of its own.
        let threads = std::fs::read_dir(format!("/proc/{pid}/task"))
            .into_iter()
            .flatten()
            .flatten();
        for thread in threads {
            if let Ok(children) = std::fs::read_to_string(thread.path().join("children")) {
                stack.extend(
                    children
                        .split_whitespace()
                        .filter_map(|c| c.parse::<u32>().ok()),
                );
            }
        }
    }
    tree
}

/// Proportional set size (kB) of `pid` and all its descendants.
pub fn pss_tree_kb(pid: u32) -> u64 {
    process_tree(pid)
        .into_iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .filter_map(|rollup| {
            rollup
                .lines()
                .find_map(|l| l.strip_prefix("Pss:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .sum()
}

/// The names of `pid`'s tree's processes (their `comm`), for seeing which are alive.
pub fn process_names(pid: u32) -> Vec<String> {
    process_tree(pid)
        .into_iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).ok())
        .map(|name| name.trim().to_owned())
        .collect()
}

/// CPU time (user + system, in clock ticks) `pid` has used, its reaped children included.
fn cpu_ticks(pid: u32) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    // Fields after the command name (which may hold spaces) start at field 3 (state);
    // utime, stime, cutime, cstime are fields 14-17.
    let Some(after_name) = stat.rfind(')').map(|i| &stat[i + 2..]) else {
        return 0;
    };
    after_name
        .split_whitespace()
        .skip(11)
        .take(4)
        .filter_map(|field| field.parse::<u64>().ok())
        .sum()
}

/// Share of one CPU core (percent) that `pid`'s whole tree used over `interval`. Processes
/// that start during the interval count from their start, those that end stop counting.
pub fn cpu_percent_tree(pid: u32, interval: Duration) -> f64 {
    let before: std::collections::HashMap<u32, u64> = process_tree(pid)
        .into_iter()
        .map(|pid| (pid, cpu_ticks(pid)))
        .collect();
    let start = Instant::now();
    std::thread::sleep(interval);
    let used: u64 = process_tree(pid)
        .into_iter()
        .map(|pid| cpu_ticks(pid).saturating_sub(before.get(&pid).copied().unwrap_or(0)))
        .sum();
    // SAFETY: sysconf has no preconditions.
    let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    used as f64 / ticks_per_second / start.elapsed().as_secs_f64() * 100.0
}

/// Ends `pid` and its whole tree: SIGTERM, then SIGKILL for whatever is left after `grace`;
/// returns once none of them exists, so the next measurement shares no pages with them.
pub fn end_tree(pid: u32, grace: Duration) {
    let tree = process_tree(pid);
    let signal_all = |signal| {
        for &pid in &tree {
            // SAFETY: signalling a process id; a stale one is at worst ESRCH.
            unsafe {
                libc::kill(pid as libc::pid_t, signal);
            }
        }
    };
    signal_all(libc::SIGTERM);
    let alive = || {
        tree.iter().any(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                // A zombie has ended; only its parent's wait is missing.
                .is_ok_and(|stat| !stat.contains(") Z "))
        })
    };
    let start = Instant::now();
    while alive() && start.elapsed() < grace {
        std::thread::sleep(Duration::from_millis(20));
    }
    if alive() {
        signal_all(libc::SIGKILL);
        while alive() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// When a launch showed its first pixels and when its window stopped changing.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    /// Time to the first frame that differs from the screen before the launch.
    pub first_pixels: Duration,
    /// Time to the last large change before the screen stayed quiet.
    pub settled: Duration,
}

/// Watches an X screen's pixels (the root window's contents, windows included), polling as
/// often as a person's eye would notice without taking a core from the app being measured.
pub struct ScreenWatcher {
    connection: RustConnection,
    root: Window,
    width: u16,
    height: u16,
}

/// Frames between polls of the screen. RECIPES: 20 ms; faster polling slows the app measured.
const POLL: Duration = Duration::from_millis(20);

impl ScreenWatcher {
    /// Connects to `display` (e.g. ":99").
    pub fn connect(display: &str) -> ScreenWatcher {
        let (connection, screen) = x11rb::connect(Some(display)).expect("the X display");
        let setup = &connection.setup().roots[screen];
        let (root, width, height) = (setup.root, setup.width_in_pixels, setup.height_in_pixels);
        ScreenWatcher {
            connection,
            root,
            width,
            height,
        }
    }

    /// The whole screen's pixels, 32 bits each.
    pub fn frame(&self) -> Vec<u32> {
        let image = self
            .connection
            .get_image(
                ImageFormat::Z_PIXMAP,
                self.root,
                0,
                0,
                self.width,
                self.height,
                !0,
            )
            .expect("ask for the screen's pixels")
            .reply()
            .expect("the screen's pixels");
        image
            .data
            .chunks_exact(4)
            .map(|p| u32::from_le_bytes([p[0], p[1], p[2], 0]))
            .collect()
    }

    /// Calls `start` (which launches or shows something) and times what the screen does next:
    /// the first changed frame, and the last frame that changed more than `large` pixels before
    /// `quiet` passed with no such change. Small changes (a countdown ring's step, a blinking
    /// caret) neither settle nor unsettle it. Gives up after `limit`.
    pub fn time_paint(
        &self,
        start: impl FnOnce(),
        large: usize,
        quiet: Duration,
        limit: Duration,
    ) -> Option<Paint> {
        let before = self.frame();
        let began = Instant::now();
        start();
        let mut previous = before.clone();
        let mut first_pixels = None;
        let mut settled = None;
        while began.elapsed() < limit {
            std::thread::sleep(POLL);
            let frame = self.frame();
            let at = began.elapsed();
            let changed = frame.iter().zip(&previous).filter(|(a, b)| a != b).count();
            if first_pixels.is_none() && frame != before {
                first_pixels = Some(at);
            }
            if changed > large {
                settled = Some(at);
            }
            if let (Some(first_pixels), Some(last)) = (first_pixels, settled)
                && at - last >= quiet
            {
                return Some(Paint {
                    first_pixels,
                    settled: last,
                });
            }
            previous = frame;
        }
        None
    }
}
