//! A real text field in another program, for the code to be typed into: a zenity entry on an X
//! display, focused as a window manager would focus it, and what it printed when Enter reached
//! it. Driven with xdotool, as a person's keyboard would be.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long an entry waits for its Enter.
const PATIENCE: Duration = Duration::from_secs(20);

/// Runs xdotool on `display` and returns what it printed.
pub fn xdotool(display: &str, args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("run xdotool");
    assert!(out.status.success(), "xdotool {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A zenity entry ("Sign in") with the keyboard focus.
pub struct TextEntry {
    child: Child,
}

impl TextEntry {
    /// Starts zenity on `display` and gives its window the focus.
    pub fn open(display: &str) -> TextEntry {
        let child = Command::new("zenity")
            .args(["--entry", "--title=Sign in", "--text=Code"])
            .env("DISPLAY", display)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start zenity");
        let pid = child.id().to_string();
        let window = xdotool(
            display,
            &["search", "--sync", "--onlyvisible", "--pid", &pid],
        );
        let window = window.lines().last().expect("zenity's window").to_owned();
        xdotool(display, &["windowfocus", "--sync", &window]);
        TextEntry { child }
    }

    /// What zenity printed when Enter was pressed in it, and when it was seen.
    pub fn printed(mut self) -> (String, Instant) {
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            if self.child.try_wait().expect("poll zenity").is_some() {
                let at = Instant::now();
                let mut printed = String::new();
                let stdout = self.child.stdout.as_mut().expect("zenity's output");
                stdout
                    .read_to_string(&mut printed)
                    .expect("read zenity's output");
                return (printed, at);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        panic!("zenity got no Enter within {PATIENCE:?}");
    }
}

impl Drop for TextEntry {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
