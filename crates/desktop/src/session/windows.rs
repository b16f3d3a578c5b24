//! The session on Windows: WTS session notifications and suspend notifications, received by a
//! message-only window on a thread of its own.
//!
//! Message-only windows get no broadcasts, and `WM_POWERBROADCAST` is one: the window asks for
//! suspend notifications itself (`RegisterSuspendResumeNotification`, Windows 8 and later).
//! The thread ends at the first event after [`SessionEvents`] is dropped.

use std::cell::RefCell;
use std::sync::mpsc;

use windows_sys::Win32::Foundation::{
    ERROR_CLASS_ALREADY_EXISTS, GetLastError, HWND, LPARAM, LRESULT, WPARAM,
};
use windows_sys::Win32::System::LibraryLoader::GetModuleHandleW;
use windows_sys::Win32::System::Power::{
    RegisterSuspendResumeNotification, UnregisterSuspendResumeNotification,
};
use windows_sys::Win32::System::RemoteDesktop::{
    NOTIFY_FOR_THIS_SESSION, WTSRegisterSessionNotification, WTSUnRegisterSessionNotification,
};
use windows_sys::Win32::UI::WindowsAndMessaging::{
    CreateWindowExW, DEVICE_NOTIFY_WINDOW_HANDLE, DefWindowProcW, DestroyWindow, DispatchMessageW,
    GetMessageW, HWND_MESSAGE, MSG, PostQuitMessage, RegisterClassW, WNDCLASSW,
};

use super::notifications::windows as codes;
use super::{SessionEvent, SessionEvents, Source, WatchError};

// The pure mapping writes the constants out; they must be the SDK's.
const _: () = {
    use windows_sys::Win32::UI::WindowsAndMessaging as wm;
    assert!(codes::WM_WTSSESSION_CHANGE == wm::WM_WTSSESSION_CHANGE);
    assert!(codes::WM_POWERBROADCAST == wm::WM_POWERBROADCAST);
    assert!(codes::WTS_CONSOLE_DISCONNECT == wm::WTS_CONSOLE_DISCONNECT as usize);
    assert!(codes::WTS_REMOTE_DISCONNECT == wm::WTS_REMOTE_DISCONNECT as usize);
    assert!(codes::WTS_SESSION_LOCK == wm::WTS_SESSION_LOCK as usize);
    assert!(codes::PBT_APMSUSPEND == wm::PBT_APMSUSPEND as usize);
};

thread_local! {
    /// Where the window procedure sends events: the window lives on this thread only.
    static EVENTS: RefCell<Option<mpsc::Sender<SessionEvent>>> = const { RefCell::new(None) };
}

/// What the watching thread reports once it is subscribed.
type Ready = Result<(Vec<Source>, Vec<(Source, String)>), WatchError>;

/// Starts the watching thread and returns once its subscriptions are in place.
pub(super) fn watch() -> Result<SessionEvents, WatchError> {
    let (sender, receiver) = mpsc::channel();
    let (ready, subscribed) = mpsc::sync_channel::<Ready>(1);
    std::thread::Builder::new()
        .name("session-watch".into())
        .spawn(move || run(sender, ready))
        .map_err(|e| WatchError::Failed {
            reason: format!("could not start a thread ({e})"),
        })?;
    let (watched, unwatched) = subscribed.recv().map_err(|_| WatchError::Failed {
        reason: "the watching thread ended before subscribing".into(),
    })??;
    Ok(SessionEvents {
        receiver,
        watched,
        unwatched,
    })
}

/// A NUL-terminated UTF-16 string, as the wide Win32 functions take.
fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(Some(0)).collect()
}

/// The watching thread: creates the window, subscribes, reports, then pumps its messages.
fn run(sender: mpsc::Sender<SessionEvent>, ready: mpsc::SyncSender<Ready>) {
    EVENTS.with_borrow_mut(|events| *events = Some(sender));
    let class_name = wide("CountersignSessionWatch");
    // SAFETY: every pointer passed below outlives the call it is passed to; the window and
    // its registrations are undone on this thread before it ends.
    unsafe {
        let instance = GetModuleHandleW(std::ptr::null());
        let class = WNDCLASSW {
            lpfnWndProc: Some(window_proc),
            hInstance: instance,
            lpszClassName: class_name.as_ptr(),
            ..WNDCLASSW::default()
        };
        // A second watcher in the same process finds the class already there: the same one.
        if RegisterClassW(&class) == 0 && GetLastError() != ERROR_CLASS_ALREADY_EXISTS {
            let _ = ready.send(Err(WatchError::Failed {
                reason: format!(
                    "could not register a window class (error {})",
                    GetLastError()
                ),
            }));
            return;
        }
        let window = CreateWindowExW(
            0,
            class_name.as_ptr(),
            std::ptr::null(),
            0,
            0,
            0,
            0,
            0,
            HWND_MESSAGE,
            std::ptr::null_mut(),
            instance,
            std::ptr::null(),
        );
        if window.is_null() {
            let _ = ready.send(Err(WatchError::Failed {
                reason: format!(
                    "could not create a message window (error {})",
                    GetLastError()
                ),
            }));
            return;
        }

        let mut watched = Vec::new();
        let mut unwatched = Vec::new();
        let wts = WTSRegisterSessionNotification(window, NOTIFY_FOR_THIS_SESSION) != 0;
        if wts {
            watched.push(Source::WtsSession);
        } else {
            unwatched.push((
                Source::WtsSession,
                format!(
                    "WTSRegisterSessionNotification failed (error {})",
                    GetLastError()
                ),
            ));
        }
        let power = RegisterSuspendResumeNotification(window, DEVICE_NOTIFY_WINDOW_HANDLE);
        if power != 0 {
            watched.push(Source::PowerBroadcast);
        } else {
            unwatched.push((
                Source::PowerBroadcast,
                format!(
                    "RegisterSuspendResumeNotification failed (error {})",
                    GetLastError()
                ),
            ));
        }
        let subscribed = !watched.is_empty();
        let report = if subscribed {
            Ok((watched, unwatched))
        } else {
            let reasons: Vec<String> = unwatched
                .iter()
                .map(|(source, reason)| format!("{source}: {reason}"))
                .collect();
            Err(WatchError::Failed {
                reason: reasons.join("; "),
            })
        };
        if ready.send(report).is_ok() && subscribed {
            let mut message = MSG::default();
            // 0: WM_QUIT (the events' receiver is gone); -1: an error. Either way, stop.
            while GetMessageW(&mut message, std::ptr::null_mut(), 0, 0) > 0 {
                DispatchMessageW(&message);
            }
        }
        if wts {
            WTSUnRegisterSessionNotification(window);
        }
        if power != 0 {
            UnregisterSuspendResumeNotification(power);
        }
        DestroyWindow(window);
    }
    EVENTS.with_borrow_mut(|events| *events = None);
}

/// The window procedure: sends the events that call for a lock, and stops the thread once
/// nobody receives them.
unsafe extern "system" fn window_proc(
    window: HWND,
    message: u32,
    wparam: WPARAM,
    lparam: LPARAM,
) -> LRESULT {
    if let Some(event) = codes::event(message, wparam) {
        let delivered = EVENTS.with_borrow(|events| {
            events
                .as_ref()
                .is_some_and(|sender| sender.send(event).is_ok())
        });
        if !delivered {
            // SAFETY: called on the window's own thread, whose message loop then ends.
            unsafe { PostQuitMessage(0) };
        }
    }
    // SAFETY: the arguments are the ones Windows passed in.
    unsafe { DefWindowProcW(window, message, wparam, lparam) }
}
