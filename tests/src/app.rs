//! The running app as a test sees it: a WebDriver session on its window, with helpers for what
//! a person sees and does, and the window's state as the X server sees it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

use crate::display::display_command;
use crate::driver::{
    LAUNCH_ATTEMPTS, capabilities, require_environment, spawn_driver, stop, wait_for_port,
};
use crate::{Display, Launch, app_binary, measure, x11};

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

/// One rule axe-core found broken on a page.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct AxeViolation {
    /// The rule's id (e.g. `label-content-name-mismatch`).
    pub id: String,
    /// minor, moderate, serious or critical.
    pub impact: String,
    /// What the rule asks for.
    pub help: String,
    /// CSS selectors of (up to five of) the elements that break it.
    pub nodes: Vec<String>,
}

/// Something drawn with too little contrast, found by tests/src/contrast.js.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ContrastProblem {
    /// The element: tag, id, classes and the start of its name.
    pub element: String,
    /// What was measured: text, disabled text, icon, boundary (border or fill), focus outline,
    /// focus shadow, or a missing focus indicator.
    pub check: String,
    /// The contrast ratio found.
    pub ratio: f64,
    /// The ratio needed (4.5 text, 3 everything else).
    pub needed: f64,
    /// The two colours, as "r,g,b on r,g,b".
    pub colours: String,
}

/// Something laid out so a person cannot use it, found by tests/src/layout.js.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct LayoutProblem {
    /// The element (or the two that overlap).
    pub element: String,
    /// reach (out of the window, no scrolling brings it), overflow (text wider than its box)
    /// or overlap (two controls over each other).
    pub check: String,
    /// Sizes and places found.
    pub detail: String,
}

/// Copies every `@media (forced-colors: active)` rule of the page's style sheets into an
/// `@media all` rule: WebKitGTK has no forced-colours mode, so this is how its rules are seen.
const APPLY_FORCED_COLOURS: &str = "
    let copied = 0;
    for (const sheet of document.styleSheets) {
        let rules;
        try { rules = [...sheet.cssRules]; } catch { continue; }
        for (const rule of rules) {
            if (rule instanceof CSSMediaRule && rule.media.mediaText.includes('forced-colors: active')) {
                const inner = [...rule.cssRules].map((r) => r.cssText).join('\\n');
                sheet.insertRule('@media all {' + inner + '}', sheet.cssRules.length);
                copied += 1;
            }
        }
    }
    return copied;";

/// A running app: the WebDriver session and everything that must be cleaned up after it.
pub struct App {
    /// The WebDriver session driving the app's window.
    pub driver: WebDriver,
    driver_process: Child,
    /// The data folder the app was started with.
    pub data_dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
    /// The app's XDG_CONFIG_HOME, its own (the window's remembered size and place live there,
    /// so tests do not inherit each other's windows), unless the test gave one.
    pub config_dir: PathBuf,
    _config_temp: Option<tempfile::TempDir>,
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
    pub async fn launch_with(mut options: Launch) -> App {
        require_environment();
        let given_config = options
            .env
            .iter()
            .find(|(key, _)| key == "XDG_CONFIG_HOME")
            .map(|(_, value)| PathBuf::from(value));
        let (config_temp, config_dir) = match given_config {
            Some(dir) => (None, dir),
            None => {
                let temp = tempfile::tempdir().expect("a temporary config folder");
                let dir = temp.path().to_path_buf();
                options
                    .env
                    .push(("XDG_CONFIG_HOME".into(), dir.display().to_string()));
                (Some(temp), dir)
            }
        };
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
            config_dir,
            _config_temp: config_temp,
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

    /// Runs axe-core (ui/node_modules/axe-core, the npm package) on the page as it is now and
    /// returns its violations: rule id, impact, help text and up to five offending elements.
    /// The isolation pattern's frame is left out (infrastructure, never shown).
    pub async fn axe(&self) -> Vec<AxeViolation> {
        let source = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../ui/node_modules/axe-core/axe.min.js"
        ))
        .expect("axe-core is installed in ui/node_modules (scripts/install-deps.sh)");
        let loaded = self.js("return typeof window.axe").await;
        if loaded != serde_json::json!("object") {
            self.driver
                .execute(&source, Vec::new())
                .await
                .unwrap_or_else(|e| panic!("load axe-core: {e}"));
        }
        let found = self
            .driver
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                axe.run(document, { iframes: false, resultTypes: ["violations"] })
                    .then(r => done(r.violations.map(v => ({
                        id: v.id,
                        impact: v.impact || "",
                        help: v.help,
                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
                    }))))
                    .catch(e => done({ error: String(e) }));"#,
                Vec::new(),
            )
            .await
            .unwrap_or_else(|e| panic!("run axe-core: {e}"))
            .json()
            .clone();
        serde_json::from_value(found.clone())
            .unwrap_or_else(|e| panic!("axe-core's answer {found}: {e}"))
    }

    /// Sets the Settings page's `<select id=…>` to `value` as a person choosing it would (a
    /// change event), and waits until the settings file has it.
    pub async fn choose_setting(&self, id: &str, value: &str) {
        self.click("[data-page=settings]").await;
        self.find(&format!("#{id}")).await;
        self.js(&format!(
            "const s = document.getElementById('{id}'); s.value = '{value}'; s.dispatchEvent(new Event('change', {{ bubbles: true }})); return true"
        ))
        .await;
        self.wait_for_saved_setting(id, serde_json::json!(value))
            .await;
    }

    /// Chooses `theme` ("light", "dark" or "system") in Settings's menu, as a person does, and
    /// waits until it applies (the page stays on Settings).
    pub async fn choose_theme(&self, theme: &str) {
        use thirtyfour::components::SelectElement;
        self.click("[data-page=settings]").await;
        let select = SelectElement::new(&self.find("#theme").await)
            .await
            .expect("the theme menu");
        select.select_by_value(theme).await.expect("choose a theme");
        let expected = if theme == "system" {
            serde_json::Value::Null
        } else {
            serde_json::json!(theme)
        };
        self.wait_for("the theme to apply", || async {
            (self
                .js("return document.documentElement.dataset.theme || null")
                .await
                == expected)
                .then_some(())
        })
        .await;
    }

    /// Measures the contrast of every visible control on the page as drawn now
    /// (tests/src/contrast.js): its text at 4.5:1 and an icon-only control's icon at 3:1
    /// against its own background; with `boundaries`, its border (or fill) at 3:1 against what
    /// is around it; with `disabled`, disabled controls too (their text at 3:1).
    pub async fn contrast_problems(
        &self,
        boundaries: bool,
        disabled: bool,
    ) -> Vec<ContrastProblem> {
        self.run_contrast(serde_json::json!({
            "mode": "controls", "boundaries": boundaries, "disabled": disabled
        }))
        .await
    }

    /// Whether the focused element shows where the focus is: an outline or a box shadow at 3:1
    /// against what is around it. The problems found (none when it does).
    pub async fn focus_problems(&self) -> Vec<ContrastProblem> {
        self.run_contrast(serde_json::json!({ "mode": "focus" }))
            .await
    }

    async fn run_contrast(&self, options: serde_json::Value) -> Vec<ContrastProblem> {
        const SCRIPT: &str = concat!(include_str!("page.js"), include_str!("contrast.js"));
        let found = self
            .driver
            .execute(SCRIPT, vec![options])
            .await
            .unwrap_or_else(|e| panic!("measure contrast: {e}"))
            .json()
            .clone();
        serde_json::from_value(found.clone())
            .unwrap_or_else(|e| panic!("the contrast check's answer {found}: {e}"))
    }

    /// What makes the page as laid out now hard to use (tests/src/layout.js): controls out of
    /// reach, text cut off or spilling out of its box, controls over each other.
    pub async fn layout_problems(&self) -> Vec<LayoutProblem> {
        const SCRIPT: &str = concat!(include_str!("page.js"), include_str!("layout.js"));
        let found = self
            .driver
            .execute(SCRIPT, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("check the layout: {e}"))
            .json()
            .clone();
        serde_json::from_value(found.clone())
            .unwrap_or_else(|e| panic!("the layout check's answer {found}: {e}"))
    }

    /// Applies the page's forced-colours rules as if the system had asked for them (see
    /// [`APPLY_FORCED_COLOURS`]); returns how many media rules it applied.
    pub async fn apply_forced_colours(&self) -> u64 {
        self.js(APPLY_FORCED_COLOURS)
            .await
            .as_u64()
            .expect("a count of rules")
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

    /// Starts the app binary again on the same folder and display with `args`, as a launcher
    /// or a browser opening a link would; returns how it exited (it must hand over to the
    /// running one and leave, within 20 s).
    pub fn launch_again(&self, args: &[&str]) -> ExitStatus {
        let mut second = Command::new(app_binary())
            .args(args)
            .env("COUNTERSIGN_DATA_DIR", &self.data_dir)
            .env("DISPLAY", &self.display_name)
            .env("XDG_CONFIG_HOME", &self.config_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the app binary");
        let start = Instant::now();
        loop {
            if let Some(status) = second.try_wait().expect("poll the second instance") {
                return status;
            }
            if start.elapsed() > Duration::from_secs(20) {
                let _ = second.kill();
                let _ = second.wait();
                panic!("the second launch kept running instead of handing over to the first");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
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

    /// Checks that the app's web content runs in WebKit's bubblewrap sandbox: at least one
    /// web process, each in a pid namespace of its own (its pid there differs from ours).
    pub fn assert_web_content_sandboxed(&self) {
        let pid = self.app_process().expect("the app is running");
        let web: Vec<u32> = measure::process_tree(pid)
            .into_iter()
            .filter(|p| {
                std::fs::read_to_string(format!("/proc/{p}/comm"))
                    .is_ok_and(|name| name.starts_with("WebKitWebProces"))
            })
            .collect();
        assert!(!web.is_empty(), "a web process runs");
        for p in web {
            let status = std::fs::read_to_string(format!("/proc/{p}/status")).unwrap();
            let nspid = status
                .lines()
                .find_map(|line| line.strip_prefix("NSpid:"))
                .expect("an NSpid line");
            assert!(
                nspid.split_whitespace().count() >= 2,
                "web process {p} runs in the machine's own pid namespace (NSpid:{nspid}): not sandboxed"
            );
        }
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
