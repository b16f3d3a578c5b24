//! The session on macOS: NSWorkspace's notifications and the distributed `com.apple.screenIsLocked`.
//!
//! The observers are blocks that send into the events' channel. macOS calls them on the main
//! thread, whose run loop the app's event loop (NSApplication) runs: a program without one hears
//! nothing (the `watch_session` example runs it). A thread of ours holds the observers, and
//! removes them at the first event after [`SessionEvents`] is dropped.

use std::ptr::NonNull;
use std::sync::mpsc;

use block2::RcBlock;
use objc2::Message;
use objc2::rc::Retained;
use objc2::runtime::{AnyObject, NSObjectProtocol, ProtocolObject};
use objc2_app_kit::{
    NSWorkspace, NSWorkspaceScreensDidSleepNotification,
    NSWorkspaceSessionDidResignActiveNotification, NSWorkspaceWillSleepNotification,
};
use objc2_foundation::{
    NSDistributedNotificationCenter, NSNotification, NSNotificationCenter, NSString,
};

use super::notifications::macos as names;
use super::{SessionEvent, SessionEvents, Source, WatchError};

/// What the watching thread reports once it is subscribed.
type Ready = (Vec<Source>, Vec<(Source, String)>);

/// Starts the thread holding the observers and returns once they are registered.
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
    })?;
    if watched.is_empty() {
        let reasons: Vec<String> = unwatched
            .iter()
            .map(|(source, reason)| format!("{source}: {reason}"))
            .collect();
        return Err(WatchError::Failed {
            reason: reasons.join("; "),
        });
    }
    Ok(SessionEvents {
        receiver,
        watched,
        unwatched,
    })
}

/// One registered observer, to remove from its center at the end.
struct Observer {
    center: Retained<NSNotificationCenter>,
    token: Retained<ProtocolObject<dyn NSObjectProtocol>>,
}

/// The watching thread: registers the observers, reports, and waits for the receiver to go.
fn run(sender: mpsc::Sender<SessionEvent>, ready: mpsc::SyncSender<Ready>) {
    let (stop, stopped) = mpsc::channel::<()>();
    let observe = |center: &NSNotificationCenter, name: &NSString| -> Option<Observer> {
        // Each observer sends the event its notification stands for (by the pure mapping).
        let event = names::event(&name.to_string())?;
        let (sender, stop) = (sender.clone(), stop.clone());
        let block = RcBlock::new(move |_notification: NonNull<NSNotification>| {
            if sender.send(event).is_err() {
                let _ = stop.send(());
            }
        });
        // SAFETY: no object filter, no queue (the block runs where the notification is
        // delivered); the block only uses thread-safe channel ends.
        let token = unsafe {
            center.addObserverForName_object_queue_usingBlock(Some(name), None, None, &block)
        };
        Some(Observer {
            center: center.retain(),
            token,
        })
    };

    let mut observers = Vec::new();
    let mut watched = Vec::new();
    let mut unwatched = Vec::new();

    let workspace = NSWorkspace::sharedWorkspace().notificationCenter();
    // SAFETY: AppKit's constant strings, valid for the whole process.
    let workspace_names = unsafe {
        [
            NSWorkspaceScreensDidSleepNotification,
            NSWorkspaceSessionDidResignActiveNotification,
            NSWorkspaceWillSleepNotification,
        ]
    };
    let before = observers.len();
    let mut unknown = Vec::new();
    for name in workspace_names {
        match observe(&workspace, name) {
            Some(observer) => observers.push(observer),
            None => unknown.push(name.to_string()),
        }
    }
    if observers.len() > before {
        watched.push(Source::Workspace);
    }
    if !unknown.is_empty() {
        unwatched.push((
            Source::Workspace,
            format!("no event for {}", unknown.join(", ")),
        ));
    }

    let distributed = NSDistributedNotificationCenter::defaultCenter();
    match observe(&distributed, &NSString::from_str(names::SCREEN_IS_LOCKED)) {
        Some(observer) => {
            observers.push(observer);
            watched.push(Source::ScreenIsLocked);
        }
        None => unwatched.push((Source::ScreenIsLocked, "no event for it".into())),
    }

    // Only the observers' blocks hold these now: `stopped` hears when one found the receiver gone.
    drop(sender);
    drop(stop);
    if ready.send((watched, unwatched)).is_ok() && !observers.is_empty() {
        let _ = stopped.recv();
    }
    for Observer { center, token } in observers {
        let token: &AnyObject = token.as_ref();
        // SAFETY: the token is the one this center returned when the observer was added.
        unsafe { center.removeObserver(token) };
    }
}
