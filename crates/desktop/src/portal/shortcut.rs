//! The quick search's global shortcut through the GlobalShortcuts portal.
//!
//! A Wayland app sees no keys pressed in other windows; the desktop binds the shortcut on its
//! behalf (asking the person, on desktops that ask) and tells it when it is pressed, with the
//! portal's `Activated` signal. A thread of the shortcut's own listens for it for as long as the
//! [`QuickSearchShortcut`] lives.

use std::sync::mpsc;
use std::thread::JoinHandle;

use ashpd::desktop::ResponseError;
use ashpd::desktop::global_shortcuts::{GlobalShortcuts, NewShortcut};
use futures_util::StreamExt;

use super::{connect, in_time, missing, runtime};
use crate::error::ShortcutError;

/// The shortcut's id in the portal (the desktop keys its settings for the app by it).
pub const QUICK_SEARCH_ID: &str = "quick-search";
/// What the desktop shows the person the shortcut does.
pub const QUICK_SEARCH_DESCRIPTION: &str = "Open Countersign's quick search";
/// The trigger to propose, in the XDG shortcuts format (the desktop may choose another).
pub const PREFERRED_TRIGGER: &str = "CTRL+ALT+k";

/// The quick search's shortcut, bound by the desktop: `on_activated` runs each time it is pressed,
/// until this value is dropped (which closes the portal session, unbinding it, and waits for
/// that).
#[derive(Debug)]
pub struct QuickSearchShortcut {
    /// How the desktop says the shortcut is pressed, if it said.
    trigger: Option<String>,
    /// Dropped to tell the listening thread to close the session and end.
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    /// The listening thread.
    listener: Option<JoinHandle<()>>,
}

impl QuickSearchShortcut {
    /// Binds the quick search's shortcut through the GlobalShortcuts portal on the bus at `bus`
    /// (a D-Bus address; `None` for the session bus), proposing `preferred_trigger` (XDG shortcuts
    /// format, e.g. [`PREFERRED_TRIGGER`]).
    ///
    /// Blocks the calling thread until the desktop answered, which may include a dialog where the
    /// person confirms or picks the keys (from async code, call it through `spawn_blocking`).
    /// `on_activated` is called on the shortcut's own thread, which drives the portal calls.
    pub fn bind(
        bus: Option<&str>,
        preferred_trigger: &str,
        on_activated: impl FnMut() + Send + 'static,
    ) -> Result<QuickSearchShortcut, ShortcutError> {
        let (bound, answer) = mpsc::sync_channel(1);
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let bus = bus.map(str::to_owned);
        let shortcut = NewShortcut::new(QUICK_SEARCH_ID, QUICK_SEARCH_DESCRIPTION)
            .preferred_trigger(preferred_trigger);
        let listener = std::thread::Builder::new()
            .name("quick-search-shortcut".into())
            .spawn(move || match runtime() {
                Ok(runtime) => {
                    runtime.block_on(listen(bus, shortcut, on_activated, bound, stopped));
                }
                Err(e) => {
                    let _ = bound.send(Err(ShortcutError::Unavailable {
                        reason: format!("no runtime could be made for the portal's calls ({e})"),
                    }));
                }
            })
            .map_err(|e| ShortcutError::Unavailable {
                reason: format!("no thread could be started to listen for it ({e})"),
            })?;
        match answer.recv() {
            Ok(Ok(trigger)) => Ok(QuickSearchShortcut {
                trigger,
                stop: Some(stop),
                listener: Some(listener),
            }),
            Ok(Err(error)) => {
                let _ = listener.join();
                Err(error)
            }
            Err(_) => {
                let _ = listener.join();
                Err(ShortcutError::Unavailable {
                    reason: "the thread binding it stopped without an answer".into(),
                })
            }
        }
    }

    /// How the desktop describes the keys that trigger the shortcut (e.g. "Ctrl+Alt+K"), for the
    /// Settings page; `None` if it did not say (some desktops leave it to the person to assign).
    pub fn trigger_description(&self) -> Option<&str> {
        self.trigger.as_deref()
    }
}

impl Drop for QuickSearchShortcut {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(listener) = self.listener.take() {
            let _ = listener.join();
        }
    }
}

/// Binds the shortcut, sends the outcome through `bound`, then calls `on_activated` for each
/// activation until `stopped` fires (or its sender is dropped), and closes the session.
async fn listen(
    bus: Option<String>,
    shortcut: NewShortcut,
    mut on_activated: impl FnMut(),
    bound: mpsc::SyncSender<Result<Option<String>, ShortcutError>>,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let portal = match in_time(portal(bus.as_deref()), late("its properties")).await {
        Ok(portal) => portal,
        Err(error) => {
            let _ = bound.send(Err(error));
            return;
        }
    };
    let session = in_time(
        async {
            portal
                .create_session(Default::default())
                .await
                .map_err(declined)
        },
        late("a new session"),
    );
    let session = match session.await {
        Ok(session) => session,
        Err(error) => {
            let _ = bound.send(Err(error));
            return;
        }
    };
    // Closing the session unbinds the shortcut; a hung portal must not hang the caller's drop.
    let close = || {
        in_time(
            async { session.close().await.map_err(declined) },
            late("closing the session"),
        )
    };
    let (trigger, mut activations) = match bind(&portal, &session, shortcut).await {
        Ok(answer) => answer,
        Err(error) => {
            let _ = bound.send(Err(error));
            let _ = close().await;
            return;
        }
    };
    if bound.send(Ok(trigger)).is_ok() {
        loop {
            tokio::select! {
                activation = activations.next() => match activation {
                    Some(activation) if activation.shortcut_id() == QUICK_SEARCH_ID => on_activated(),
                    Some(_) => {}
                    // The connection is gone (the portal left the bus): nothing more will come.
                    None => break,
                },
                _ = &mut stopped => break,
            }
        }
    }
    let _ = close().await;
}

/// Subscribes to `Activated` (first, so no press is missed), binds `shortcut` and returns the
/// trigger the desktop described with the subscription.
async fn bind(
    portal: &GlobalShortcuts,
    session: &ashpd::desktop::Session<GlobalShortcuts>,
    shortcut: NewShortcut,
) -> Result<
    (
        Option<String>,
        impl futures_util::Stream<Item = ashpd::desktop::global_shortcuts::Activated> + use<>,
    ),
    ShortcutError,
> {
    let activations = in_time(
        async {
            portal
                .receive_activated()
                .await
                .map_err(|e| unavailable(&e))
        },
        late("subscribing to its presses"),
    )
    .await?;
    // No time limit: this is where the desktop may ask the person.
    let answer = portal
        .bind_shortcuts(session, &[shortcut], None, Default::default())
        .await
        .and_then(|request| request.response())
        .map_err(declined)?;
    let trigger = answer
        .shortcuts()
        .iter()
        .find(|bound| bound.id() == QUICK_SEARCH_ID)
        .map(|bound| bound.trigger_description().to_owned())
        .filter(|trigger| !trigger.is_empty());
    Ok((trigger, activations))
}

/// The GlobalShortcuts portal on a connection of its own to `bus`.
async fn portal(bus: Option<&str>) -> Result<GlobalShortcuts, ShortcutError> {
    let connection = connect(bus).await.map_err(|e| ShortcutError::Unavailable {
        reason: format!("the session bus could not be reached ({e})"),
    })?;
    let portal = GlobalShortcuts::with_connection(connection)
        .await
        .map_err(|e| unavailable(&e))?;
    // ashpd takes an unanswered version question for version 1; this one needs an answer.
    portal
        .get_property::<u32>("version")
        .await
        .map_err(|e| unavailable(&ashpd::Error::from(e)))?;
    Ok(portal)
}

/// A portal that did not answer `what` in time.
fn late(what: &'static str) -> impl FnOnce(u64) -> ShortcutError {
    move |seconds| ShortcutError::Unavailable {
        reason: format!(
            "the desktop's GlobalShortcuts portal did not answer about {what} within {seconds} s"
        ),
    }
}

/// A portal that is missing.
fn unavailable(error: &ashpd::Error) -> ShortcutError {
    ShortcutError::Unavailable {
        reason: missing("GlobalShortcuts", error),
    }
}

/// A request the portal answered with something other than success.
fn declined(error: ashpd::Error) -> ShortcutError {
    match error {
        ashpd::Error::Response(ResponseError::Cancelled) => ShortcutError::Refused,
        ashpd::Error::Response(ResponseError::Other) => ShortcutError::Unavailable {
            reason: "the desktop's GlobalShortcuts portal ended the request without binding it"
                .into(),
        },
        error => unavailable(&error),
    }
}
