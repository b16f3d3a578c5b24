//! Real X programs to type into, found and focused without a window manager (as under Xvfb).
//! Shared by the typing tests and the typing bench.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use countersign_desktop::Typist;
use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{AtomEnum, ConnectionExt, InputFocus, KeyButMask, MapState, Window};
use x11rb::protocol::xtest::ConnectionExt as _;
use x11rb::rust_connection::RustConnection;

/// The zenity binary: a GTK dialog whose entry prints what was typed once Enter is pressed.
pub const ZENITY: &str = "/usr/bin/zenity";
/// WebKitGTK's MiniBrowser: a real browser engine for the one-box-per-digit page.
pub const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/// The keyboard and the focus are one per X server: tests that type take turns.
pub fn keyboard_turn() -> MutexGuard<'static, ()> {
    static KEYBOARD: Mutex<()> = Mutex::new(());
    KEYBOARD
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `$DISPLAY`, or `None` after saying why the test is skipped.
pub fn display_or_skip(test: &str) -> Option<String> {
    match std::env::var("DISPLAY") {
        Ok(display) if !display.is_empty() => Some(display),
        _ => {
            eprintln!(
                "SKIPPED {test}: DISPLAY is not set (run under scripts/headless.sh, as `make test` does)"
            );
            None
        }
    }
}

/// Whether `program` is installed, saying that the test is skipped if not.
pub fn installed_or_skip(test: &str, program: &str) -> bool {
    let present = std::path::Path::new(program).exists();
    if !present {
        eprintln!(
            "SKIPPED {test}: {program} is not installed (scripts/install-deps.sh installs it)"
        );
    }
    present
}

/// A test's own connection to the X server: to find, focus and inspect windows.
pub struct X {
    pub connection: RustConnection,
    pub root: Window,
}

impl X {
    /// Connects to `$DISPLAY`, and keeps one connection open for the life of the test process.
    ///
    /// Xvfb resets itself when its last client leaves, and refuses connections while it does
    /// ("connection reset by peer"): so the first connection is retried, and then never closed.
    pub fn connect() -> X {
        static KEEPALIVE: OnceLock<RustConnection> = OnceLock::new();
        KEEPALIVE.get_or_init(|| {
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                match x11rb::connect(None) {
                    Ok((connection, _)) => return connection,
                    Err(e) if Instant::now() < deadline => {
                        eprintln!("connecting to the X display, retrying: {e}");
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    Err(e) => panic!("cannot connect to the X display: {e}"),
                }
            }
        });
        let (connection, screen) = x11rb::connect(None).expect("connect to the X display");
        let root = connection.setup().roots[screen].root;
        X { connection, root }
    }

    fn atom(&self, name: &str) -> u32 {
        self.connection
            .intern_atom(false, name.as_bytes())
            .unwrap()
            .reply()
            .unwrap()
            .atom
    }

    /// The mapped top-level window of process `pid` (by `_NET_WM_PID`), waiting for it to appear.
    pub fn window_of(&self, pid: u32, patience: Duration) -> Window {
        let net_wm_pid = self.atom("_NET_WM_PID");
        let deadline = Instant::now() + patience;
        loop {
            let children = self
                .connection
                .query_tree(self.root)
                .unwrap()
                .reply()
                .unwrap()
                .children;
            let found = children.into_iter().find(|&window| {
                let owner = self
                    .connection
                    .get_property(false, window, net_wm_pid, AtomEnum::CARDINAL, 0, 1)
                    .unwrap()
                    .reply()
                    .ok()
                    .and_then(|reply| reply.value32().and_then(|mut values| values.next()));
                let mapped = self
                    .connection
                    .get_window_attributes(window)
                    .unwrap()
                    .reply()
                    .is_ok_and(|attributes| attributes.map_state == MapState::VIEWABLE);
                owner == Some(pid) && mapped
            });
            if let Some(window) = found {
                return window;
            }
            assert!(
                Instant::now() < deadline,
                "no window of process {pid} appeared"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The window's title (`_NET_WM_NAME`, UTF-8).
    pub fn title(&self, window: Window) -> String {
        let name = self.atom("_NET_WM_NAME");
        let utf8 = self.atom("UTF8_STRING");
        let value = self
            .connection
            .get_property(false, window, name, utf8, 0, 256)
            .unwrap()
            .reply()
            .unwrap()
            .value;
        String::from_utf8_lossy(&value).into_owned()
    }

    /// Gives `window` the keyboard focus, as a window manager would, and checks that it has it.
    pub fn focus(&self, window: Window) {
        self.connection
            .set_input_focus(InputFocus::PARENT, window, x11rb::CURRENT_TIME)
            .unwrap();
        let focus = self
            .connection
            .get_input_focus()
            .unwrap()
            .reply()
            .unwrap()
            .focus;
        assert_eq!(focus, window, "the window did not get the focus");
    }

    /// The keycode that produces `keysym` in the first column of the keyboard map.
    pub fn keycode_of(&self, keysym: u32) -> u8 {
        let setup = self.connection.setup();
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let mapping = self
            .connection
            .get_keyboard_mapping(min, max - min + 1)
            .unwrap()
            .reply()
            .unwrap();
        let per = usize::from(mapping.keysyms_per_keycode);
        let index = mapping
            .keysyms
            .chunks(per)
            .position(|entry| entry[0] == keysym)
            .expect("the keysym has a key");
        min + u8::try_from(index).unwrap()
    }

    /// Presses (or releases) a key through XTEST, as the person would.
    pub fn key(&self, keycode: u8, press: bool) {
        let event = if press {
            x11rb::protocol::xproto::KEY_PRESS_EVENT
        } else {
            x11rb::protocol::xproto::KEY_RELEASE_EVENT
        };
        self.connection
            .xtest_fake_input(event, keycode, x11rb::CURRENT_TIME, x11rb::NONE, 0, 0, 0)
            .unwrap();
        self.connection.get_input_focus().unwrap().reply().unwrap();
    }

    /// Whether Caps Lock is on.
    pub fn caps_lock(&self) -> bool {
        let mask = self
            .connection
            .query_pointer(self.root)
            .unwrap()
            .reply()
            .unwrap()
            .mask;
        mask.contains(KeyButMask::LOCK)
    }
}

/// A running program that is killed when the test ends, passed or failed.
pub struct Program {
    child: Child,
    /// Standard output, line by line (each with its newline), until the program closes it.
    lines: mpsc::Receiver<String>,
}

impl Program {
    /// Starts `command` with its standard output captured.
    pub fn start(command: &mut Command) -> Program {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the program");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            loop {
                let mut line = String::new();
                match stdout.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if send.send(line).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Program { child, lines }
    }

    /// A zenity entry dialog titled `title`.
    pub fn zenity_entry(title: &str) -> Program {
        Program::start(Command::new(ZENITY).args(["--entry", "--title", title, "--text", "Code"]))
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the program printed, once it exited; `None` if it is still running at `patience`.
    pub fn output(&mut self, patience: Duration) -> Option<String> {
        let deadline = Instant::now() + patience;
        let mut text = String::new();
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            match self.lines.recv_timeout(left) {
                Ok(line) => text.push_str(&line),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => return None,
            }
        }
        let _ = self.child.wait();
        Some(text)
    }

    /// The first line the program prints (without its newline), while it keeps running.
    pub fn first_line(&mut self, patience: Duration) -> Option<String> {
        let line = self.lines.recv_timeout(patience).ok()?;
        Some(line.trim_end().to_owned())
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A sign-in page with one box per digit that moves focus on input; `advance` is the JavaScript
/// that moves focus to box `i + 1` (`next()`), now or later as frameworks do.
pub fn digit_boxes_page(advance: &str) -> String {
    format!(
        r#"<!doctype html><title>boxes</title>
<body>{boxes}<script>
const boxes = [...document.querySelectorAll('input')];
boxes.forEach((box, i) => box.addEventListener('input', () => {{
  const next = () => {{ if (i < boxes.length - 1) boxes[i + 1].focus(); }};
  {advance}
  document.title = 'got:' + boxes.map(b => b.value).join('');
}}));
document.addEventListener('keydown', e => {{ if (e.key === 'Enter') document.title += ':enter'; }});
boxes[0].focus();
document.title = 'ready';
</script>"#,
        boxes = r#"<input maxlength="1" size="1">"#.repeat(6),
    )
}

/// Types `code` and Enter into the digit-box page in MiniBrowser; the page's title after
/// (`got:<the boxes' values>:enter`).
pub fn typed_into_digit_boxes(x: &X, typist: &dyn Typist, code: &str, advance: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("boxes.html");
    std::fs::write(&page, digit_boxes_page(advance)).unwrap();
    let browser =
        Program::start(Command::new(MINIBROWSER).arg(format!("file://{}", page.display())));
    let window = x.window_of(browser.pid(), Duration::from_secs(20));
    let deadline = Instant::now() + Duration::from_secs(20);
    while !x.title(window).contains("ready") {
        assert!(Instant::now() < deadline, "the page did not load");
        std::thread::sleep(Duration::from_millis(50));
    }
    x.focus(window);
    typist.type_text(code, true).unwrap();
    // The page updates its title asynchronously: wait for the Enter mark.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let title = x.title(window);
        if title.ends_with(":enter") || Instant::now() > deadline {
            return title;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
