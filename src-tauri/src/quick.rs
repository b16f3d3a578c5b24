//! The quick search: a small window over whatever the person is doing, opened by a global
//! shortcut (or `countersign-app --quick`), that types a code into the window they were in.
//!
//! Closing hides it, ready for the next code (a login seldom comes alone): shown again it is
//! drawn at once rather than built, which is most of the time from the shortcut to the code.
//! Left hidden for [`KEEP_READY`], or when the vault locks, it is destroyed with its web
//! process, so the app idling in the tray keeps none. The window that had the keyboard focus
//! is remembered when it opens, so the code goes back there.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use countersign_desktop::{
    FileTokenStore, FocusedWindow, Session, TypeError, Typist, typist_for_with,
};
use tauri::{
    AppHandle, Emitter, LogicalPosition, Manager, Runtime, WebviewUrl, WebviewWindow,
    WebviewWindowBuilder,
};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, ShortcutState};

use crate::error::{CommandError, CommandResult, ErrorArgs};
use crate::state::AppState;

/// The quick-search window's label.
pub const QUICK_WINDOW: &str = "quick";

/// The window's size: a search field and eight rows.
const SIZE: (f64, f64) = (420.0, 380.0);

/// How long the closing window may take to give up the focus before typing starts anyway.
const CLOSE_WAIT: Duration = Duration::from_millis(500);

/// How long a closed quick search stays ready, hidden, before its web process is ended.
pub const KEEP_READY: Duration = Duration::from_secs(120);

/// The file in the data folder keeping a Wayland desktop's consent to type (its RemoteDesktop
/// portal's restore token), so the person is asked once, not at every launch.
const TOKEN_FILE: &str = "typing-consent.token";

/// The event telling a quick search shown again to start afresh: an empty query, the
/// accounts and codes of now.
pub const QUICK_SHOWN_EVENT: &str = "quick-shown";

/// What the quick search keeps between its windows.
#[derive(Default)]
pub struct QuickState {
    /// The window that had the focus when the quick search opened: where the code goes.
    previous: Mutex<Option<FocusedWindow>>,
    /// The window the person went to when they last left the main window: where a code typed
    /// from the main window goes (they come back to Countersign from the form).
    elsewhere: Mutex<Option<FocusedWindow>>,
    /// This session's typist, made at first use, or why codes cannot be typed here.
    typist: OnceLock<Result<Arc<dyn Typist>, TypeError>>,
    /// Whether the person was told why codes are copied instead of typed (told once).
    told_copy_instead: AtomicBool,
    /// The shortcut registered now, as the person wrote it.
    shortcut: Mutex<Option<String>>,
    /// Where a Wayland desktop's consent to type is kept (the data folder), set at start-up.
    token_file: OnceLock<PathBuf>,
    /// The shortcut bound through the desktop's GlobalShortcuts portal (Wayland), kept alive:
    /// dropping it unbinds it.
    #[cfg(all(unix, not(target_os = "macos")))]
    portal_shortcut: Mutex<Option<countersign_desktop::QuickSearchShortcut>>,
    /// Counts the times the window was hidden or shown: a pending destruction goes ahead only
    /// if nothing happened since it was planned.
    visibility_changes: AtomicU64,
}

impl QuickState {
    /// The typist of this session, or why there is none.
    pub fn typist(&self) -> Result<Arc<dyn Typist>, &TypeError> {
        self.typist
            .get_or_init(|| {
                let file = self
                    .token_file
                    .get()
                    .cloned()
                    .unwrap_or_else(|| std::env::temp_dir().join(TOKEN_FILE));
                typist_for_with(Session::current(), Arc::new(FileTokenStore::new(file)))
                    .map(Arc::from)
            })
            .as_ref()
            .map(Arc::clone)
    }

    /// The window that had the focus when the quick search opened.
    pub fn previous(&self) -> Option<FocusedWindow> {
        *self.previous.lock().expect("previous lock")
    }

    /// The window the person was in before coming back to the main window, if known.
    pub fn elsewhere(&self) -> Option<FocusedWindow> {
        *self.elsewhere.lock().expect("elsewhere lock")
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
    #[cfg(all(unix, not(target_os = "macos")))]
    if Session::current() == Session::Wayland {
        // Key grabs reach only X windows there: the desktop binds it, or the person does.
        bind_through_portal(app, &quick, shortcut)?;
        *registered = (!shortcut.is_empty()).then(|| shortcut.to_owned());
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

/// Binds `shortcut` through the desktop's GlobalShortcuts portal in place of the one bound
/// before ("" unbinds). Blocks while the desktop asks the person: not on the event loop.
#[cfg(all(unix, not(target_os = "macos")))]
fn bind_through_portal<R: Runtime>(
    app: &AppHandle<R>,
    quick: &QuickState,
    shortcut: &str,
) -> CommandResult<()> {
    let mut bound = quick.portal_shortcut.lock().expect("portal shortcut lock");
    bound.take();
    if shortcut.is_empty() {
        return Ok(());
    }
    let handle = app.clone();
    let opened = move || {
        let app = handle.clone();
        let _ = handle.run_on_main_thread(move || open(&app));
    };
    match countersign_desktop::QuickSearchShortcut::bind(None, &portal_trigger(shortcut), opened) {
        Ok(shortcut) => {
            *bound = Some(shortcut);
            Ok(())
        }
        Err(error) => Err(CommandError::new(
            "shortcut_unavailable",
            format!("{}.", capitalised(&error.to_string())),
        )),
    }
}

/// A shortcut as people write it ("Ctrl+Alt+K") in the XDG shortcuts format the portal takes
/// ("CTRL+ALT+k": modifier names in capitals, the key as its keysym name).
pub fn portal_trigger(shortcut: &str) -> String {
    shortcut
        .split('+')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| match part.to_ascii_lowercase().as_str() {
            "ctrl" | "control" | "commandorcontrol" | "cmdorctrl" => "CTRL".to_owned(),
            "alt" | "option" => "ALT".to_owned(),
            "shift" => "SHIFT".to_owned(),
            "super" | "meta" | "logo" | "cmd" | "command" => "LOGO".to_owned(),
            // Keys by their keysym names: a letter's is the small letter, F1-F24 keep the
            // capital, Space is "space"; others as written (Return, Tab, Home).
            key if key.len() == 1 => key.to_owned(),
            "space" => "space".to_owned(),
            key if key.starts_with('f') && key[1..].parse::<u8>().is_ok() => key.to_uppercase(),
            _ => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("+")
}

/// `text` with its first letter in capitals (a portal error's message starts a sentence).
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Why a shortcut could not be registered, for a person.
fn shortcut_error(shortcut: &str, reason: &str) -> CommandError {
    let lower = reason.to_lowercase();
    let named = ErrorArgs {
        name: Some(shortcut.to_owned()),
        ..ErrorArgs::default()
    };
    if lower.contains("parse") || lower.contains("unsupported") || lower.contains("invalid") {
        CommandError::new(
            "invalid_shortcut",
            format!("\"{shortcut}\" is not a shortcut: write it like Ctrl+Alt+K."),
        )
        .with_args(named)
    } else {
        CommandError::new(
            "shortcut_taken",
            format!("{shortcut} is taken by another program: choose another shortcut."),
        )
        .with_args(named)
    }
}

/// Opens the quick search on the screen that has the pointer, focused on its search field,
/// after noting which window had the focus. Open: brought forward. Hidden: shown again,
/// starting afresh.
pub fn open<R: Runtime>(app: &AppHandle<R>) {
    let existing = app.get_webview_window(QUICK_WINDOW);
    if let Some(window) = &existing
        && window.is_visible().unwrap_or(true)
    {
        let _ = window.set_focus();
        return;
    }
    let quick = app.state::<QuickState>();
    quick.visibility_changes.fetch_add(1, Ordering::SeqCst);
    *quick.previous.lock().expect("previous lock") = quick
        .typist()
        .ok()
        .and_then(|typist| typist.focused_window());
    let window = match existing {
        Some(window) => {
            let _ = app.emit_to(QUICK_WINDOW, QUICK_SHOWN_EVENT, ());
            window
        }
        None => {
            let built = WebviewWindowBuilder::new(
                app,
                QUICK_WINDOW,
                WebviewUrl::App("index.html?quick".into()),
            )
            .title(crate::words::quick_search_title(
                crate::words::window_language(app),
            ))
            .inner_size(SIZE.0, SIZE.1)
            .decorations(false)
            .always_on_top(true)
            // Windows and macOS leave it out of screen captures and recordings (codes on it).
            .content_protected(true)
            .skip_taskbar(true)
            .resizable(false)
            .focused(true)
            .visible(false)
            .build();
            match built {
                Ok(window) => {
                    crate::webview::restrict(&window);
                    window
                }
                Err(error) => {
                    eprintln!("countersign: the quick search could not open: {error}");
                    return;
                }
            }
        }
    };
    place_under_pointer(app, &window);
    let _ = window.show();
    let _ = window.set_focus();
    take_focus(&quick, &window);
}

/// Gives the quick search the keyboard focus from our own X connection. Opened by a shortcut
/// the app saw no event of, GTK asks with the timestamp of the app's last event, older than the
/// focus the person gave another window since: X ignores such a request.
fn take_focus<R: Runtime>(quick: &QuickState, window: &WebviewWindow<R>) {
    let Ok(typist) = quick.typist() else { return };
    let Some(target) = x11_window(window) else {
        return;
    };
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

/// The X11 window of one of our windows (`None` elsewhere, or before it is realised).
#[cfg(target_os = "linux")]
fn x11_window<R: Runtime>(window: &WebviewWindow<R>) -> Option<FocusedWindow> {
    use gdkx11::X11Window;
    use gtk::prelude::{Cast, WidgetExt};
    window
        .gtk_window()
        .ok()
        .and_then(|gtk| gtk.window())
        .and_then(|gdk| gdk.downcast::<X11Window>().ok())
        .map(|x11| FocusedWindow::from_x11(x11.xid() as u32))
}

#[cfg(not(target_os = "linux"))]
fn x11_window<R: Runtime>(_window: &WebviewWindow<R>) -> Option<FocusedWindow> {
    None
}

/// The main window lost the keyboard focus: remember the window that has it now, unless it is
/// one of ours, as where a code typed from the main window goes. On the event loop, at once:
/// the focus has moved when the window hears of it (one round trip to the X server).
pub fn main_window_left<R: Runtime>(app: &AppHandle<R>) {
    let quick = app.state::<QuickState>();
    let Ok(typist) = quick.typist() else { return };
    let Some(focused) = typist.focused_window() else {
        return;
    };
    let ours = app
        .webview_windows()
        .values()
        .any(|window| x11_window(window) == Some(focused));
    if !ours {
        *quick.elsewhere.lock().expect("elsewhere lock") = Some(focused);
    }
}

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

/// Closes the quick search: hidden, ready to be shown again, and destroyed with its web
/// process once it has stayed hidden for [`KEEP_READY`].
pub fn close<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window(QUICK_WINDOW) else {
        return;
    };
    let quick = app.state::<QuickState>();
    let planned = quick.visibility_changes.fetch_add(1, Ordering::SeqCst) + 1;
    // On the event loop: this may run inside the window's own IPC callback.
    let _ = app.run_on_main_thread(move || {
        let _ = window.hide();
    });
    let app = app.clone();
    let _ = std::thread::Builder::new()
        .name("quick-keep-ready".into())
        .spawn(move || {
            std::thread::sleep(KEEP_READY);
            if app
                .state::<QuickState>()
                .visibility_changes
                .load(Ordering::SeqCst)
                == planned
            {
                discard(&app);
            }
        });
}

/// Destroys the quick search and its web process, shown or hidden (the vault locked, or it
/// stayed hidden long enough).
pub fn discard<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(QUICK_WINDOW) {
        let _ = app.run_on_main_thread(move || {
            let _ = window.destroy();
        });
    }
}

/// Closes the quick search and waits (briefly) until it is hidden, then gives the focus back to
/// the window that had it, so typing reaches that window.
pub fn close_and_refocus<R: Runtime>(app: &AppHandle<R>, typist: &dyn Typist) {
    close(app);
    let started = Instant::now();
    while app
        .get_webview_window(QUICK_WINDOW)
        .is_some_and(|window| window.is_visible().unwrap_or(false))
        && started.elapsed() < CLOSE_WAIT
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    if let Some(previous) = app.state::<QuickState>().previous() {
        let _ = typist.refocus(previous);
    }
}

/// Registers the shortcut of the saved settings at start-up; a failure is reported, not fatal
/// (Settings shows it when the person looks).
pub fn setup(app: &AppHandle) {
    let quick = app.state::<QuickState>();
    let _ = quick
        .token_file
        .set(app.state::<AppState>().data_dir.join(TOKEN_FILE));
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
    if Session::current() == Session::Wayland {
        // The desktop may ask the person first: not on the event loop.
        let app = app.clone();
        std::thread::spawn(move || {
            if let Err(error) = register_shortcut(&app, &shortcut) {
                eprintln!("countersign: {}", error.message);
            }
        });
    } else if let Err(error) = register_shortcut(app, &shortcut) {
        eprintln!("countersign: {}", error.message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_shortcut_is_sent_with_its_name_for_the_window_to_word() {
        let json = |error: CommandError| serde_json::to_value(error).unwrap();
        let invalid = json(shortcut_error("Ctrl+Alt+", "Couldn't parse the hotkey"));
        assert_eq!(invalid["kind"], "invalid_shortcut");
        assert_eq!(invalid["args"]["name"], "Ctrl+Alt+");
        let taken = json(shortcut_error("Ctrl+Alt+K", "already registered"));
        assert_eq!(taken["kind"], "shortcut_taken");
        assert_eq!(taken["args"]["name"], "Ctrl+Alt+K");
    }

    #[test]
    fn shortcuts_are_written_for_the_portal_as_the_xdg_format_says() {
        assert_eq!(portal_trigger("Ctrl+Alt+K"), "CTRL+ALT+k");
        assert_eq!(portal_trigger("control + shift + f5"), "CTRL+SHIFT+F5");
        assert_eq!(portal_trigger("Super+Space"), "LOGO+space");
        assert_eq!(portal_trigger("Alt+Home"), "ALT+Home");
        assert_eq!(portal_trigger("CmdOrCtrl+Alt+1"), "CTRL+ALT+1");
    }

    #[test]
    fn portal_errors_read_as_sentences() {
        assert_eq!(capitalised("the desktop"), "The desktop");
        assert_eq!(capitalised(""), "");
    }
}
