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

pub mod measure;
use thirtyfour::prelude::*;
pub use x11::request_close_titled;

/// How long to wait for something to appear on screen before failing.
pub const UI_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts repainting one almost transparent corner pixel every frame (see [`App::screenshot`]).
const PAINT_TICKER_START: &str = "
    const dot = document.createElement('div');
    dot.id = 'e2e-paint-ticker';
    dot.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;opacity:0.01;pointer-events:none';
    document.body.appendChild(dot);
    let on = false;
    const tick = () => { on = !on; dot.style.background = on ? '#000' : '#fff'; dot.frame = requestAnimationFrame(tick); };
    tick();
    return true;";

/// Removes the pixel [`PAINT_TICKER_START`] added.
const PAINT_TICKER_STOP: &str = "
    const dot = document.getElementById('e2e-paint-ticker');
    if (dot) { cancelAnimationFrame(dot.frame); dot.remove(); }
    return true;";

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

/// Launches tried before a test gives up (see [`App::launch_with`]).
const LAUNCH_ATTEMPTS: u32 = 3;

/// Whether something listens on `port` within `deadline`.
fn wait_for_port(port: u16, deadline: Duration) -> bool {
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
fn spawn_driver(env: &[(String, String)], data_dir: &Path, display: &str) -> (Child, u16) {
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
fn capabilities() -> Capabilities {
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
fn stop(process: &mut Child) {
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

/// An X server of the app's own (Xvfb), stopped when dropped: tests running side by side must
/// not share a clipboard or a screen.
pub struct Display {
    process: Child,
    name: String,
}

impl Display {
    /// Starts Xvfb on a free display number.
    pub fn start() -> Display {
        use std::io::{BufRead, BufReader};
        let mut process = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                // No reset when the app, the last client, quits: tests look at the screen after.
                "-noreset",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is installed");
        let mut number = String::new();
        BufReader::new(process.stdout.take().expect("stdout"))
            .read_line(&mut number)
            .expect("Xvfb prints its display number");
        Display {
            process,
            name: format!(":{}", number.trim()),
        }
    }

    /// Its name, for `DISPLAY`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Options that start the app on this display, with `env` added.
    pub fn launch(&self, env: &[(&str, &Path)]) -> Launch {
        let mut env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.display().to_string()))
            .collect();
        env.push(("DISPLAY".into(), self.name.clone()));
        Launch {
            env,
            ..Launch::default()
        }
    }

    /// `program` set up to run on this display, its output discarded.
    pub fn command(&self, program: &str) -> Command {
        display_command(&self.name, program)
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn display_command(display: &str, program: &str) -> Command {
    let mut command = Command::new(program);
    command
        .env("DISPLAY", display)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// A running app: the WebDriver session and everything that must be cleaned up after it.
pub struct App {
    /// The WebDriver session driving the app's window.
    pub driver: WebDriver,
    driver_process: Child,
    /// The data folder the app was started with.
    pub data_dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
    /// The X display the app runs on.
    display_name: String,
    /// Declared last: the X server stops after the app.
    _display: Option<Display>,
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
        // The app's own X server, unless the test brought one.
        let given = options
            .env
            .iter()
            .find(|(key, _)| key == "DISPLAY")
            .map(|(_, value)| value.clone());
        let (display, display_name) = match given {
            Some(name) => (None, name),
            None => {
                let display = Display::start();
                let name = display.name().to_owned();
                (Some(display), name)
            }
        };
        // Ports are picked free and then released, so a test starting beside this one can take
        // the same one: start again on fresh ports when the session cannot be made.
        let mut attempt = 1;
        let (driver, driver_process) = loop {
            let (mut process, port) = spawn_driver(&options.env, &data_dir, &display_name);
            let session = if wait_for_port(port, Duration::from_secs(10)) {
                WebDriver::new(format!("http://127.0.0.1:{port}"), capabilities())
                    .await
                    .map_err(|e| e.to_string())
            } else {
                Err(format!("tauri-driver did not listen on port {port}"))
            };
            match session {
                Ok(driver) => break (driver, process),
                Err(error) if attempt < LAUNCH_ATTEMPTS => {
                    eprintln!("launch attempt {attempt} failed, trying again: {error}");
                    stop(&mut process);
                    attempt += 1;
                }
                Err(error) => panic!("a WebDriver session with the app: {error}"),
            }
        };
        App {
            driver,
            driver_process,
            data_dir,
            _temp: temp,
            display_name,
            _display: display,
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
                let shot = match self.try_screenshot("failure").await {
                    Ok(path) => path.display().to_string(),
                    Err(e) => format!("none ({e})"),
                };
                let text = self.driver.find(By::Css("body")).await.ok();
                let text = match text {
                    Some(body) => body.text().await.unwrap_or_default(),
                    None => String::new(),
                };
                panic!(
                    "{css} did not appear within {UI_TIMEOUT:?}: {error}\nscreenshot: {shot}\npage text: {text}"
                )
            }
        }
    }

    /// The text content of the first element matching `css`, once it exists, with white space
    /// collapsed. (WebDriver's own element text depends on a visibility heuristic that
    /// misjudges ellipsised flex items.)
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
            // As a person reads it: the markup's line breaks and indentation are one space.
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
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

    /// Runs `script` in the page and returns its JSON result.
    pub async fn js(&self, script: &str) -> serde_json::Value {
        self.driver
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("script {script}: {e}"))
            .json()
            .clone()
    }

    /// Finds the element matching `css` and scrolls it into the middle of the window, as a
    /// person scrolls to what they point at (at the edge a toast may cover it).
    async fn find_centred(&self, css: &str) -> WebElement {
        let element = self.find(css).await;
        self.driver
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'center'})",
                vec![element.to_json().expect("element reference")],
            )
            .await
            .unwrap_or_else(|e| panic!("scroll to {css}: {e}"));
        element
    }

    /// Presses Ctrl+`key` (held, as a person does: a Ctrl inside [`App::keys`] is released at
    /// once).
    pub async fn ctrl(&self, key: char) {
        self.driver
            .action_chain()
            .key_down(Key::Control)
            .send_keys(key.to_string())
            .key_up(Key::Control)
            .perform()
            .await
            .unwrap_or_else(|e| panic!("press Ctrl+{key}: {e}"));
    }

    /// Moves the mouse over the element matching `css` (rows show their actions on hover).
    pub async fn hover(&self, css: &str) {
        let element = self.find_centred(css).await;
        self.driver
            .action_chain()
            .move_to_element_center(&element)
            .perform()
            .await
            .unwrap_or_else(|e| panic!("hover {css}: {e}"));
    }

    /// The DOM property `name` of the element matching `css` ("" when unset).
    pub async fn prop(&self, css: &str, name: &str) -> String {
        self.find(css)
            .await
            .prop(name)
            .await
            .expect("read a property")
            .unwrap_or_default()
    }

    /// The `id` of the focused element.
    pub async fn focused_id(&self) -> String {
        self.js("return document.activeElement && document.activeElement.id")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Presses keys on whatever has focus, as a keyboard would.
    pub async fn keys(&self, keys: &str) {
        self.driver
            .action_chain()
            .send_keys(keys)
            .perform()
            .await
            .unwrap_or_else(|e| panic!("press {keys:?}: {e}"));
    }

    /// The issuers of the listed accounts, in screen order.
    pub async fn issuers(&self) -> Vec<String> {
        let value = self
            .js("return [...document.querySelectorAll('li.row .issuer')].map(e => e.textContent.trim())")
            .await;
        value
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits until the listed issuers are `expected`.
    pub async fn wait_for_issuers(&self, expected: &[&str]) {
        let expected: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
        wait_until_equal("the listed issuers", &expected, || self.issuers()).await;
    }

    /// Clicks the element matching `css` once it is displayed.
    pub async fn click(&self, css: &str) {
        self.find_centred(css)
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
        self.try_screenshot(name)
            .await
            .unwrap_or_else(|e| panic!("a window screenshot: {e}"))
    }

    async fn try_screenshot(&self, name: &str) -> WebDriverResult<PathBuf> {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../artifacts");
        std::fs::create_dir_all(&folder).expect("artifacts folder");
        let path = folder.join(format!("{name}.png"));
        // A shot right after a DOM change can show the previous frame.
        tokio::time::sleep(Duration::from_millis(500)).await;
        // WebKitGTK takes the snapshot from the next frame it paints, and a still page paints
        // none: keep a nearly invisible pixel changing until the shot is taken.
        self.driver.execute(PAINT_TICKER_START, Vec::new()).await?;
        let shot = self.driver.screenshot(&path).await;
        self.driver.execute(PAINT_TICKER_STOP, Vec::new()).await?;
        shot.map(|()| path)
    }

    /// The text on the app's X clipboard, read by xclip (None when it holds no text, or its
    /// owner does not answer within 5 s).
    pub fn clipboard_text(&self) -> Option<String> {
        let output = Command::new("timeout")
            .args(["5", "xclip", "-o", "-selection", "clipboard"])
            .env("DISPLAY", &self.display_name)
            .output()
            .expect("timeout and xclip are installed");
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// Puts `text` on the app's X clipboard with xclip, as another program would.
    pub fn set_clipboard_text(&self, text: &str) {
        use std::io::Write;
        let mut child = display_command(&self.display_name, "xclip")
            .args(["-selection", "clipboard", "-i"])
            .stdin(Stdio::piped())
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

    /// Waits until the settings file in the data folder holds `value` for `field` (the
    /// Settings page saves on change, asynchronously).
    pub async fn wait_for_saved_setting(&self, field: &str, value: serde_json::Value) {
        self.wait_for(&format!("{field} = {value} saved"), || async {
            let saved = std::fs::read(self.data_dir.join("settings.json")).ok()?;
            let saved: serde_json::Value = serde_json::from_slice(&saved).ok()?;
            (saved[field] == value).then_some(())
        })
        .await;
    }

    /// The X display the app runs on.
    pub fn display_name(&self) -> &str {
        &self.display_name
    }

    /// Whether the app's main window is shown, hidden (unmapped) or gone (the app quit).
    pub fn window_state(&self) -> WindowState {
        x11::window_state(&self.display_name)
    }

    /// Where the app's main window sits on its screen (its top-left corner, in pixels).
    pub fn window_origin(&self) -> Option<(i16, i16)> {
        x11::window_origin(&self.display_name)
    }

    /// Asks the app to close its main window, as a window manager's close button does
    /// (a WM_DELETE_WINDOW message).
    pub fn request_close(&self) {
        x11::request_close(&self.display_name);
    }

    /// Waits for the main window to reach `state`.
    pub async fn wait_for_window(&self, state: WindowState) {
        wait_until_equal("the window", &state, || async { self.window_state() }).await;
    }

    /// The app's process: the app binary running on this test's data folder.
    pub fn app_process(&self) -> Option<u32> {
        let binary = std::fs::canonicalize(app_binary()).ok()?;
        let wanted = format!("COUNTERSIGN_DATA_DIR={}", self.data_dir.display());
        std::fs::read_dir("/proc")
            .ok()?
            .flatten()
            .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
            .find(|pid| {
                std::fs::read_link(format!("/proc/{pid}/exe")).ok().as_ref() == Some(&binary)
                    && std::fs::read(format!("/proc/{pid}/environ")).is_ok_and(|environ| {
                        environ
                            .split(|&b| b == 0)
                            .any(|var| var == wanted.as_bytes())
                    })
            })
    }

    /// Waits until the app runs without any web process: its window was destroyed (hidden
    /// into the tray) and WebKit's processes have exited. Returns what still runs.
    pub async fn wait_for_no_webview(&self) -> Vec<String> {
        let pid = self.app_process().expect("the app is running");
        self.wait_for("the WebKit web process to exit", || async {
            let names = measure::process_names(pid);
            (!names.iter().any(|name| name.starts_with("WebKitWebProces"))).then_some(names)
        })
        .await
    }

    /// Follows the main window after it was built anew (shown again from the tray): WebDriver
    /// talks to the new page from now on.
    pub async fn follow_new_window(&self) {
        let handle = self
            .wait_for("a new window", || async {
                let windows = self.driver.windows().await.ok()?;
                windows.into_iter().last()
            })
            .await;
        self.driver
            .switch_to_window(handle)
            .await
            .expect("switch to the new window");
    }

    /// Ends the session and stops tauri-driver (SIGTERM, so it stops WebKitWebDriver too).
    pub async fn quit(mut self) {
        let _ = self.driver.clone().quit().await;
        self.stop_driver();
    }

    fn stop_driver(&mut self) {
        stop(&mut self.driver_process);
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if self.driver_process.try_wait().ok().flatten().is_none() {
            self.stop_driver();
        }
    }
}

/// Polls `current` until it equals `expected`; fails after [`UI_TIMEOUT`] with the last value.
async fn wait_until_equal<T, F, Fut>(what: &str, expected: &T, mut current: F)
where
    T: PartialEq + std::fmt::Debug,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let start = Instant::now();
    loop {
        let now = current().await;
        if &now == expected {
            return;
        }
        assert!(
            start.elapsed() < UI_TIMEOUT,
            "{what}: {now:?} after {UI_TIMEOUT:?}, expected {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The app's main window as the X server sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowState {
    /// Mapped: on screen.
    Shown,
    /// Exists but unmapped (hidden for a moment, e.g. while the screen is scanned).
    Hidden,
    /// No such window: destroyed into the tray, or the app has quit.
    Gone,
}

/// The X side of the window: found by title among the top-level windows (there is no window
/// manager under Xvfb, so the app's windows are the root's children).
mod x11 {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{
        Atom, AtomEnum, ClientMessageEvent, ConnectionExt, EventMask, MapState, Window,
    };
    use x11rb::rust_connection::RustConnection;

    use super::WindowState;

    struct Atoms {
        wm_protocols: Atom,
        wm_delete_window: Atom,
        net_wm_name: Atom,
        utf8_string: Atom,
    }

    fn connect(display: &str) -> (RustConnection, Window, Atoms) {
        let (connection, screen) = x11rb::connect(Some(display)).expect("connect to the X display");
        let root = connection.setup().roots[screen].root;
        let atom = |name: &str| {
            connection
                .intern_atom(false, name.as_bytes())
                .expect("intern an atom")
                .reply()
                .expect("the atom")
                .atom
        };
        let atoms = Atoms {
            wm_protocols: atom("WM_PROTOCOLS"),
            wm_delete_window: atom("WM_DELETE_WINDOW"),
            net_wm_name: atom("_NET_WM_NAME"),
            utf8_string: atom("UTF8_STRING"),
        };
        (connection, root, atoms)
    }

    /// The top-level window titled "Countersign" that accepts WM_DELETE_WINDOW.
    fn main_window(connection: &RustConnection, root: Window, atoms: &Atoms) -> Option<Window> {
        titled_window(connection, root, atoms, |title| title == b"Countersign")
    }

    /// The first top-level window whose title passes `wanted` and that accepts WM_DELETE_WINDOW.
    fn titled_window(
        connection: &RustConnection,
        root: Window,
        atoms: &Atoms,
        wanted: impl Fn(&[u8]) -> bool,
    ) -> Option<Window> {
        let children = connection.query_tree(root).ok()?.reply().ok()?.children;
        children.into_iter().find(|&window| {
            let title = connection
                .get_property(false, window, atoms.net_wm_name, atoms.utf8_string, 0, 64)
                .ok()
                .and_then(|cookie| cookie.reply().ok())
                .map(|reply| reply.value);
            let protocols = connection
                .get_property(false, window, atoms.wm_protocols, AtomEnum::ATOM, 0, 16)
                .ok()
                .and_then(|cookie| cookie.reply().ok())
                .and_then(|reply| reply.value32().map(|atoms| atoms.collect::<Vec<_>>()))
                .unwrap_or_default();
            title.as_deref().is_some_and(&wanted) && protocols.contains(&atoms.wm_delete_window)
        })
    }

    pub fn window_state(display: &str) -> WindowState {
        let (connection, root, atoms) = connect(display);
        let Some(window) = main_window(&connection, root, &atoms) else {
            return WindowState::Gone;
        };
        match connection
            .get_window_attributes(window)
            .ok()
            .and_then(|cookie| cookie.reply().ok())
        {
            Some(attributes) if attributes.map_state == MapState::VIEWABLE => WindowState::Shown,
            Some(_) => WindowState::Hidden,
            None => WindowState::Gone,
        }
    }

    pub fn window_origin(display: &str) -> Option<(i16, i16)> {
        let (connection, root, atoms) = connect(display);
        let window = main_window(&connection, root, &atoms)?;
        let reply = connection
            .translate_coordinates(window, root, 0, 0)
            .ok()?
            .reply()
            .ok()?;
        Some((reply.dst_x, reply.dst_y))
    }

    pub fn request_close(display: &str) {
        request_close_titled(display, "Countersign");
    }

    /// Sends WM_DELETE_WINDOW to the top-level window whose title contains `title`.
    pub fn request_close_titled(display: &str, title: &str) {
        let (connection, root, atoms) = connect(display);
        let wanted = |name: &[u8]| String::from_utf8_lossy(name).contains(title);
        let window = titled_window(&connection, root, &atoms, wanted)
            .unwrap_or_else(|| panic!("a window titled {title:?} exists"));
        let message = ClientMessageEvent::new(
            32,
            window,
            atoms.wm_protocols,
            [atoms.wm_delete_window, x11rb::CURRENT_TIME, 0, 0, 0],
        );
        connection
            .send_event(false, window, EventMask::NO_EVENT, message)
            .expect("send WM_DELETE_WINDOW")
            .check()
            .expect("the X server delivers WM_DELETE_WINDOW");
    }
}

/// Creates a vault in `dir` holding `uris`, unlocked by `password` and by the OS keyring of the
/// test's D-Bus session, with cheap KDF parameters so seeding is fast. Returns the entry ids.
pub fn seed_vault(dir: &Path, password: &str, uris: &[String]) {
    use countersign_vault::{KdfParams, Store};
    let store = Store::open(dir)
        .expect("open the data folder")
        .with_kdf(KdfParams::new(64 * 1024, 1, 1).expect("valid KDF parameters"));
    let (mut vault, _recovery) = store.create(Some(password), true).expect("create a vault");
    let accounts = uris
        .iter()
        .map(|uri| countersign_otp::parse_uri(uri).expect("a valid test URI"))
        .collect();
    vault.add_all(accounts).expect("add the accounts");
    vault.lock();
}

/// `count` TOTP accounts as otpauth:// URIs ("Issuer 0" ... with distinct secrets), for
/// benchmarks.
pub fn numbered_uris(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            // Distinct secrets: 20 bytes derived from the index, in base32.
            let bytes: Vec<u8> = (0..20u8)
                .map(|j| (i as u8).wrapping_mul(31).wrapping_add(j) ^ ((i >> 8) as u8))
                .collect();
            let secret = data_encoding::BASE32_NOPAD.encode(&bytes);
            format!(
                "otpauth://totp/Issuer%20{i}:user{i}%40example.com?secret={secret}&issuer=Issuer%20{i}"
            )
        })
        .collect()
}

/// A session bus that allows everything and activates nothing.
const BARE_BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

/// A D-Bus session bus with no Secret Service on it: the OS keyring is "unavailable" for an
/// app pointed at it. Stopped when dropped.
pub struct BusWithoutKeyring {
    process: Child,
    /// The bus address, for `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
}

impl BusWithoutKeyring {
    /// Starts a private dbus-daemon.
    pub fn start() -> BusWithoutKeyring {
        use std::io::{BufRead, BufReader};
        // No service directories: nothing (gnome-keyring included) can be started on demand.
        let config =
            std::env::temp_dir().join(format!("countersign-bus-{}.conf", std::process::id()));
        std::fs::write(&config, BARE_BUS_CONFIG).expect("write the bus configuration");
        let mut process = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon is installed");
        let mut address = String::new();
        BufReader::new(process.stdout.take().expect("stdout"))
            .read_line(&mut address)
            .expect("dbus-daemon prints its address");
        BusWithoutKeyring {
            process,
            address: address.trim().to_owned(),
        }
    }
}

impl Drop for BusWithoutKeyring {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// A desktop's tray, as a panel implements it: a StatusNotifierWatcher on the given bus that
/// records the items registering with it, and clicks their menu items through
/// com.canonical.dbusmenu as a panel does when a person picks one.
pub struct TrayHost {
    connection: zbus::Connection,
    items: std::sync::Arc<std::sync::Mutex<Vec<TrayItem>>>,
}

/// A tray item that registered with the [`TrayHost`]: its bus name and object path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayItem {
    /// The app's connection on the bus.
    pub service: String,
    /// The StatusNotifierItem object.
    pub path: String,
}

struct Watcher {
    items: std::sync::Arc<std::sync::Mutex<Vec<TrayItem>>>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        // Either an object path on the sender's connection, or a bus name.
        let item = if service.starts_with('/') {
            TrayItem {
                service: sender,
                path: service.to_owned(),
            }
        } else {
            TrayItem {
                service: service.to_owned(),
                path: "/StatusNotifierItem".to_owned(),
            }
        };
        self.items.lock().expect("items lock").push(item);
    }

    fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        let items = self.items.lock().expect("items lock");
        items
            .iter()
            .map(|item| format!("{}{}", item.service, item.path))
            .collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

impl TrayHost {
    /// Takes the watcher's name on the bus at `address` (before the app starts).
    pub async fn start(address: &str) -> TrayHost {
        let items = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let watcher = Watcher {
            items: items.clone(),
        };
        let connection = zbus::connection::Builder::address(address)
            .expect("a bus address")
            .name("org.kde.StatusNotifierWatcher")
            .expect("a valid name")
            .serve_at("/StatusNotifierWatcher", watcher)
            .expect("serve the watcher")
            .build()
            .await
            .expect("connect to the bus as the tray");
        TrayHost { connection, items }
    }

    /// Waits for an app to put its icon in the tray.
    pub async fn wait_for_item(&self) -> TrayItem {
        let start = Instant::now();
        loop {
            if let Some(item) = self.items.lock().expect("items lock").first() {
                return item.clone();
            }
            assert!(
                start.elapsed() < UI_TIMEOUT,
                "no tray item registered within {UI_TIMEOUT:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn menu(&self, item: &TrayItem) -> zbus::Proxy<'static> {
        let status_item = zbus::Proxy::new(
            &self.connection,
            item.service.clone(),
            item.path.clone(),
            "org.kde.StatusNotifierItem",
        )
        .await
        .expect("a StatusNotifierItem proxy");
        let menu: zbus::zvariant::OwnedObjectPath = status_item
            .get_property("Menu")
            .await
            .expect("the item names its menu");
        zbus::Proxy::new(
            &self.connection,
            item.service.clone(),
            menu,
            "com.canonical.dbusmenu",
        )
        .await
        .expect("a dbusmenu proxy")
    }

    /// The menu's entries, as (id, label), in order (separators have no label).
    pub async fn menu_entries(&self, item: &TrayItem) -> Vec<(i32, String)> {
        use std::collections::HashMap;
        use zbus::zvariant::OwnedValue;
        type Entry = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);
        let menu = self.menu(item).await;
        // The whole tree from the root (0), every property.
        let (_revision, (_root, _props, children)): (u32, Entry) = menu
            .call("GetLayout", &(0i32, -1i32, Vec::<String>::new()))
            .await
            .expect("the menu's layout");
        children
            .into_iter()
            .filter_map(|child| {
                let (id, mut props, _): Entry = child.try_into().ok()?;
                let label = String::try_from(props.remove("label")?).ok()?;
                Some((id, label))
            })
            .collect()
    }

    /// Clicks the menu entry labelled `label`.
    pub async fn click(&self, item: &TrayItem, label: &str) {
        let entries = self.menu_entries(item).await;
        let (id, _) = entries
            .iter()
            .find(|(_, text)| text == label)
            .unwrap_or_else(|| panic!("no {label:?} in the tray menu {entries:?}"));
        self.menu(item)
            .await
            .call_method(
                "Event",
                &(*id, "clicked", zbus::zvariant::Value::from(0i32), 0u32),
            )
            .await
            .expect("click the tray menu entry");
    }
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

/// The TOTP codes of `secret` (base32) valid during the last two seconds: a code read from the
/// screen or clipboard must be one of them (a step boundary may fall in between).
pub fn recent_totp(secret: &str, digits: u32, period: u64) -> Vec<String> {
    let now = unix_now();
    [now.saturating_sub(1), now]
        .iter()
        .map(|t| {
            oathtool(&[
                "--totp",
                "--base32",
                &format!("--digits={digits}"),
                &format!("--time-step-size={period}s"),
                &format!("--now=@{t}"),
                secret,
            ])
        })
        .collect()
}

/// The HOTP code of `secret` (base32) at `counter`, computed by oathtool.
pub fn hotp(secret: &str, digits: u32, counter: u64) -> String {
    oathtool(&[
        "--hotp",
        "--base32",
        &format!("--digits={digits}"),
        &format!("--counter={counter}"),
        secret,
    ])
}

/// Waits, if needed, until at least `margin` seconds remain in the current `period`, so a code
/// read now is still the current one a moment later.
pub async fn avoid_step_boundary(period: u64, margin: u64) {
    while period - unix_now() % period < margin {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Unix time in seconds.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}
