//! Launching the app: the app binary under test, the options a test launches it with, and
//! tauri-driver started on free ports to make a WebDriver session with it.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use thirtyfour::prelude::*;

/// The app binary under test.
pub fn app_binary() -> PathBuf {
    if let Ok(path) = std::env::var("COUNTERSIGN_APP") {
        return PathBuf::from(path);
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("debug/countersign-app")
}

pub(crate) fn require_environment() {
    let missing: Vec<&str> = [
        ("DISPLAY", std::env::var_os("DISPLAY").is_some()),
        (
            "DBUS_SESSION_BUS_ADDRESS",
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        ),
        ("the app binary", app_binary().exists()),
    ]
    .into_iter()
    .filter(|(_, present)| !present)
    .map(|(name, _)| name)
    .collect();
    assert!(
        missing.is_empty(),
        "end-to-end tests need {missing:?}: run them with `make e2e` (Xvfb, a private D-Bus \
         session and a built app), not with a bare `cargo test`"
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free local port")
}

/// Launches tried before a test gives up (see [`App::launch_with`](crate::App::launch_with)).
pub(crate) const LAUNCH_ATTEMPTS: u32 = 3;

/// Whether something listens on `port` within `deadline`.
pub(crate) fn wait_for_port(port: u16, deadline: Duration) -> bool {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if start.elapsed() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

/// Starts tauri-driver on fresh ports for an app with this environment; returns it and its port.
pub(crate) fn spawn_driver(
    env: &[(String, String)],
    data_dir: &Path,
    display: &str,
) -> (Child, u16) {
    let port = free_port();
    let native_port = free_port();
    let mut command = Command::new("tauri-driver");
    command
        .args(["--port", &port.to_string()])
        .args(["--native-port", &native_port.to_string()])
        .env("COUNTERSIGN_DATA_DIR", data_dir)
        .env("DISPLAY", display)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(if std::env::var_os("E2E_VERBOSE").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        });
    for (key, value) in env {
        command.env(key, value);
    }
    let process = command
        .spawn()
        .expect("tauri-driver is on PATH (cargo install tauri-driver --locked)");
    (process, port)
}

/// What tauri-driver needs to start the app.
pub(crate) fn capabilities() -> Capabilities {
    let mut capabilities = Capabilities::new();
    capabilities
        .set(
            "tauri:options",
            json!({ "application": app_binary().to_string_lossy() }),
        )
        .expect("capabilities");
    capabilities
        .set("browserName", "wry")
        .expect("capabilities");
    capabilities
}

/// Stops tauri-driver (SIGTERM, so it stops WebKitWebDriver and the app too) and reaps it.
pub(crate) fn stop(process: &mut Child) {
    let pid = process.id() as libc::pid_t;
    // SAFETY: signalling a child we spawned and have not reaped.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    let _ = process.wait();
}

/// Options for launching the app.
#[derive(Default, Clone)]
pub struct Launch {
    /// Data folder to reuse (for restart tests); a fresh temporary one when `None`.
    pub data_dir: Option<PathBuf>,
    /// Extra environment for the app.
    pub env: Vec<(String, String)>,
}

impl Launch {
    /// Options that start the app with `key` set to `value` in its environment.
    pub fn with_env(key: &str, value: impl std::fmt::Display) -> Launch {
        Launch {
            env: vec![(key.to_owned(), value.to_string())],
            ..Launch::default()
        }
    }

    /// Options that start the app on the data folder `dir`.
    pub fn folder(dir: &Path) -> Launch {
        Launch {
            data_dir: Some(dir.to_path_buf()),
            ..Launch::default()
        }
    }
}
