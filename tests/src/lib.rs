//! The end-to-end harness: launches the real app binary through tauri-driver and
//! WebKitWebDriver, each test with its own data folder, ports and keyring, and gives tests a
//! WebDriver session plus helpers for what a person sees and does.
//!
//! Needs (set up by `make e2e`): a built app (`COUNTERSIGN_APP`, or target/debug/countersign-app),
//! `tauri-driver` and `WebKitWebDriver` on PATH, an X display (Xvfb) and a D-Bus session.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
pub use thirtyfour;
use thirtyfour::prelude::*;

/// How long to wait for something to appear on screen before failing.
pub const UI_TIMEOUT: Duration = Duration::from_secs(10);

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

fn require_environment() {
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

fn wait_for_port(port: u16, deadline: Duration) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < deadline,
            "tauri-driver did not listen on port {port} within {deadline:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Options for launching the app.
#[derive(Default, Clone)]
pub struct Launch {
    /// Data folder to reuse (for restart tests); a fresh temporary one when `None`.
    pub data_dir: Option<PathBuf>,
    /// Extra environment for the app.
    pub env: Vec<(String, String)>,
}

/// A running app: the WebDriver session and everything that must be cleaned up after it.
pub struct App {
    /// The WebDriver session driving the app's window.
    pub driver: WebDriver,
    driver_process: Child,
    /// The data folder the app was started with.
    pub data_dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
}

impl App {
    /// Launches the app with a fresh data folder.
    pub async fn launch() -> App {
        App::launch_with(Launch::default()).await
    }

    /// Launches the app with `options`.
    pub async fn launch_with(options: Launch) -> App {
        require_environment();
        let (temp, data_dir) = match options.data_dir {
            Some(dir) => (None, dir),
            None => {
                let temp = tempfile::tempdir().expect("a temporary data folder");
                let dir = temp.path().to_path_buf();
                (Some(temp), dir)
            }
        };
        let port = free_port();
        let native_port = free_port();
        let mut command = Command::new("tauri-driver");
        command
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .env("COUNTERSIGN_DATA_DIR", &data_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(if std::env::var_os("E2E_VERBOSE").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            });
        for (key, value) in &options.env {
            command.env(key, value);
        }
        let driver_process = command
            .spawn()
            .expect("tauri-driver is on PATH (cargo install tauri-driver --locked)");
        wait_for_port(port, Duration::from_secs(10));

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
        let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), capabilities)
            .await
            .expect("a WebDriver session with the app");
        App {
            driver,
            driver_process,
            data_dir,
            _temp: temp,
        }
    }

    /// Waits for the element matching `css` to be displayed and returns it.
    pub async fn find(&self, css: &str) -> WebElement {
        let element = self
            .driver
            .query(By::Css(css))
            .wait(UI_TIMEOUT, Duration::from_millis(50))
            .and_displayed()
            .first()
            .await;
        match element {
            Ok(element) => element,
            Err(error) => {
                let shot = self.screenshot("failure").await;
                let text = self.driver.find(By::Css("body")).await.ok();
                let text = match text {
                    Some(body) => body.text().await.unwrap_or_default(),
                    None => String::new(),
                };
                panic!(
                    "{css} did not appear within {UI_TIMEOUT:?}: {error}\nscreenshot: {}\npage text: {text}",
                    shot.display()
                )
            }
        }
    }

    /// The text content of the first element matching `css`, once it exists. (WebDriver's own
    /// element text depends on a visibility heuristic that misjudges ellipsised flex items.)
    pub async fn text(&self, css: &str) -> String {
        let element = self
            .driver
            .query(By::Css(css))
            .wait(UI_TIMEOUT, Duration::from_millis(50))
            .first()
            .await
            .unwrap_or_else(|e| panic!("{css} did not appear within {UI_TIMEOUT:?}: {e}"));
        element
            .prop("textContent")
            .await
            .expect("textContent")
            .unwrap_or_default()
            .trim()
            .to_owned()
    }

    /// Polls `check` until it returns `Some`, failing with `what` after the UI timeout.
    pub async fn wait_for<T, F, Fut>(&self, what: &str, mut check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        let start = Instant::now();
        loop {
            if let Some(value) = check().await {
                return value;
            }
            assert!(start.elapsed() < UI_TIMEOUT, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the element matching `css` once it is displayed.
    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Types `text` into the element matching `css`.
    pub async fn type_into(&self, css: &str, text: &str) {
        self.find(css)
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// First launch: creates the vault with `password` (keyring unlock left as offered), saves
    /// the recovery key shown once, and returns it.
    pub async fn onboard(&self, password: &str) -> String {
        self.type_into("#new-password", password).await;
        self.type_into("#confirm-password", password).await;
        self.click("form button[type=submit]").await;
        let recovery = self.text("[data-testid=recovery-key]").await;
        self.click(".screen .check input[type=checkbox]").await;
        self.click(".screen .button.primary").await;
        self.find("#empty-title").await;
        recovery
    }

    /// Adds an account by pasting `uri` into the first visible setup-link field.
    pub async fn add_uri(&self, uri: &str) {
        self.type_into("#uri-input", uri).await;
        self.click("form.add button[type=submit]").await;
    }

    /// Saves a screenshot of the window to `artifacts/<name>.png` at the repository root.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../artifacts");
        std::fs::create_dir_all(&folder).expect("artifacts folder");
        let path = folder.join(format!("{name}.png"));
        // A shot right after a DOM change can show the previous frame.
        tokio::time::sleep(Duration::from_millis(500)).await;
        self.driver
            .screenshot(&path)
            .await
            .expect("a window screenshot");
        path
    }

    /// Ends the session and stops tauri-driver (SIGTERM, so it stops WebKitWebDriver too).
    pub async fn quit(mut self) {
        let _ = self.driver.clone().quit().await;
        self.stop_driver();
    }

    fn stop_driver(&mut self) {
        let pid = self.driver_process.id() as libc::pid_t;
        // SAFETY: signalling a child we spawned and have not reaped.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
        let _ = self.driver_process.wait();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if self.driver_process.try_wait().ok().flatten().is_none() {
            self.stop_driver();
        }
    }
}

/// The X clipboard's text, read with xclip like any other program would.
pub fn clipboard_text() -> Option<String> {
    let output = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .expect("xclip is installed");
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Puts `text` on the X clipboard as another program would (xclip serves it in the background).
pub fn set_clipboard_text(text: &str) {
    use std::io::Write;
    let mut child = Command::new("xclip")
        .args(["-selection", "clipboard", "-i"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("xclip is installed");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write to xclip");
    child.wait().expect("xclip forks and exits");
}

/// An OTP code computed by `oathtool` (OATH Toolkit), an implementation independent of ours.
pub fn oathtool(args: &[&str]) -> String {
    let output = Command::new("oathtool")
        .args(args)
        .output()
        .expect("oathtool is installed (apt-get install oathtool)");
    assert!(
        output.status.success(),
        "oathtool {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("ASCII")
        .trim()
        .to_owned()
}

/// Unix time in seconds.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}
