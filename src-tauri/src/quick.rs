//! The quick search: a small window over whatever the person is doing, opened by a global
//! shortcut (or `countersign-app --quick`), that types a code into the window they were in.
//!
//! Like the main window it exists only while shown: opening builds it, closing destroys it and
//! its web process. The window that had the keyboard focus is remembered when it opens, so the
//! code goes back there.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use countersign_desktop::{FocusedWindow, TypeError, Typist, typist_for_session};
use tauri::{
    AppHandle, LogicalPosition, Manager, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder,
};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, ShortcutState};

use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// The quick-search window's label.
pub const QUICK_WINDOW: &str = "quick";

/// The window's size: a search field and eight rows.
const SIZE: (f64, f64) = (420.0, 380.0);

/// How long the closing window may take to give up the focus before typing starts anyway.
const CLOSE_WAIT: Duration = Duration::from_millis(500);

/// What the quick search keeps between its windows.
#[derive(Default)]
pub struct QuickState {
    /// The window that had the focus when the quick search opened: where the code goes.
    previous: Mutex<Option<FocusedWindow>>,
    /// This session's typist, made at first use, or why codes cannot be typed here.
    typist: OnceLock<Result<Arc<dyn Typist>, TypeError>>,
    /// Whether the person was told why codes are copied instead of typed (told once).
    told_copy_instead: AtomicBool,
    /// The shortcut registered now, as the person wrote it.
    shortcut: Mutex<Option<String>>,
}

impl QuickState {
    /// The typist of this session, or why there is none.
    pub fn typist(&self) -> Result<Arc<dyn Typist>, &TypeError> {
        self.typist
            .get_or_init(|| typist_for_session().map(Arc::from))
            .as_ref()
            .map(Arc::clone)
    }

    /// The window that had the focus when the quick search opened.
    pub fn previous(&self) -> Option<FocusedWindow> {
        *self.previous.lock().expect("previous lock")
    }

    /// Whether to say why the code was copied: only the first time.
    pub fn first_copy_instead(&self) -> bool {
        !self.told_copy_instead.swap(true, Ordering::SeqCst)
    }
}

/// The global-shortcut plugin, opening the quick search when its shortcut is pressed.
pub fn shortcut_plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app, _shortcut, event| {
            if event.state == ShortcutState::Pressed {
                open(app);
            }
        })
        .build()
}

/// Registers `shortcut` (e.g. "Ctrl+Alt+K"; "" for none) in place of the one registered before.
/// On failure the one before stays, and the error says why (taken by another program, not a
/// shortcut).
pub fn register_shortcut<R: Runtime>(app: &AppHandle<R>, shortcut: &str) -> CommandResult<()> {
    let quick = app.state::<QuickState>();
    let mut registered = quick.shortcut.lock().expect("shortcut lock");
    if registered.as_deref() == Some(shortcut) {
        return Ok(());
    }
    let shortcuts = app.global_shortcut();
    if let Some(old) = registered.as_deref() {
        let _ = shortcuts.unregister(old);
    }
    if shortcut.is_empty() {
        *registered = None;
        return Ok(());
    }
    match shortcuts.register(shortcut) {
        Ok(()) => {
            *registered = Some(shortcut.to_owned());
            Ok(())
        }
        Err(error) => {
            if let Some(old) = registered.as_deref() {
                let _ = shortcuts.register(old);
            }
            Err(shortcut_error(shortcut, &error.to_string()))
        }
    }
}

/// Why a shortcut could not be registered, for a person.
fn shortcut_error(shortcut: &str, reason: &str) -> CommandError {
    let lower = reason.to_lowercase();
    if lower.contains("parse") || lower.contains("unsupported") || lower.contains("invalid") {
        CommandError::new(
            "invalid_shortcut",
            format!("\"{shortcut}\" is not a shortcut: write it like Ctrl+Alt+K."),
        )
    } else {
        CommandError::new(
            "shortcut_taken",
            format!("{shortcut} is taken by another program: choose another shortcut."),
        )
    }
}

/// Opens the quick search on the screen that has the pointer, focused on its search field,
/// after noting which window had the focus. Already open: brought forward.
pub fn open<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(QUICK_WINDOW) {
        let _ = window.set_focus();
        return;
    }
    let quick = app.state::<QuickState>();
    *quick.previous.lock().expect("previous lock") = quick
        .typist()
        .ok()
        .and_then(|typist| typist.focused_window());
    let built = WebviewWindowBuilder::new(
        app,
        QUICK_WINDOW,
        WebviewUrl::App("index.html?quick".into()),
    )
    .title("Countersign quick search")
    .inner_size(SIZE.0, SIZE.1)
    .decorations(false)
    .always_on_top(true)
    .skip_taskbar(true)
    .resizable(false)
    .focused(true)
    .build();
    match built {
        Ok(window) => {
            place_under_pointer(app, &window);
            let _ = window.set_focus();
            take_focus(&quick, &window);
        }
        Err(error) => eprintln!("countersign: the quick search could not open: {error}"),
    }
}

/// Gives the quick search the keyboard focus from our own X connection. Opened by a shortcut
/// the app saw no event of, GTK asks with the timestamp of the app's last event, older than the
/// focus the person gave another window since: X ignores such a request.
#[cfg(target_os = "linux")]
fn take_focus<R: Runtime>(quick: &QuickState, window: &WebviewWindow<R>) {
    use gdkx11::X11Window;
    use gtk::prelude::{Cast, WidgetExt};
    let Ok(typist) = quick.typist() else { return };
    let Some(id) = window
        .gtk_window()
        .ok()
        .and_then(|gtk| gtk.window())
        .and_then(|gdk| gdk.downcast::<X11Window>().ok())
        .map(|x11| x11.xid() as u32)
    else {
        return;
    };
    let target = FocusedWindow::from_x11(id);
    // The window is being mapped by GTK's own connection: asking before that is refused, so
    // ask until it has the focus, briefly.
    std::thread::spawn(move || {
        for _ in 0..25 {
            let _ = typist.refocus(target);
            if typist.focused_window() == Some(target) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
}

#[cfg(not(target_os = "linux"))]
fn take_focus<R: Runtime>(_quick: &QuickState, _window: &WebviewWindow<R>) {}

/// Centres `window` on the monitor that has the pointer (the primary one when unknown).
fn place_under_pointer<R: Runtime>(app: &AppHandle<R>, window: &WebviewWindow<R>) {
    let monitor = app
        .cursor_position()
        .ok()
        .and_then(|p| app.monitor_from_point(p.x, p.y).ok().flatten())
        .or_else(|| app.primary_monitor().ok().flatten());
    let Some(monitor) = monitor else { return };
    let scale = monitor.scale_factor();
    let origin = monitor.position().to_logical::<f64>(scale);
    let size = monitor.size().to_logical::<f64>(scale);
    let x = origin.x + (size.width - SIZE.0) / 2.0;
    // A little above the middle, where the eye goes.
    let y = origin.y + (size.height - SIZE.1) / 3.0;
    let _ = window.set_position(LogicalPosition::new(x, y));
}

/// Closes the quick search (its web process goes with it).
pub fn close<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(QUICK_WINDOW) {
        // Later on the event loop: this may run inside the window's own IPC callback.
        let _ = app.run_on_main_thread(move || {
            let _ = window.destroy();
        });
    }
}

/// Closes the quick search and waits (briefly) until it is gone, then gives the focus back to
/// the window that had it, so typing reaches that window.
pub fn close_and_refocus<R: Runtime>(app: &AppHandle<R>, typist: &dyn Typist) {
    close(app);
    let started = Instant::now();
    while app.get_webview_window(QUICK_WINDOW).is_some() && started.elapsed() < CLOSE_WAIT {
        std::thread::sleep(Duration::from_millis(5));
    }
    if let Some(previous) = app.state::<QuickState>().previous() {
        let _ = typist.refocus(previous);
    }
}

/// Registers the shortcut of the saved settings at start-up; a failure is reported, not fatal
/// (Settings shows it when the person looks).
pub fn setup(app: &AppHandle) {
    let shortcut = app
        .state::<AppState>()
        .settings
        .lock()
        .expect("settings lock")
        .quick_shortcut
        .clone();
    if shortcut.is_empty() {
        return;
    }
    if let Err(error) = register_shortcut(app, &shortcut) {
        eprintln!("countersign: {}", error.message);
    }
}
