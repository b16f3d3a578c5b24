//! Wayland: the desktop's XDG portals on the session bus, the only way a Wayland app may type
//! into other windows (RemoteDesktop) or have a global shortcut (GlobalShortcuts), each with the
//! person's consent.
//!
//! ashpd speaks the portals. Its own constructors share one session-bus connection per process;
//! ours pass a connection of their own instead, so a caller (or a test) can name the bus.
//!
//! The portal calls are async; the public API here is blocking. The typist and the shortcut each
//! drive theirs on a thread of their own, with a current-thread tokio runtime made, driven and
//! dropped there: a runtime can be neither driven nor dropped inside another, and the app's
//! callers may well be inside one. From async code, call them through `spawn_blocking`.

mod shortcut;
mod typist;

pub use shortcut::{
    PREFERRED_TRIGGER, QUICK_SEARCH_DESCRIPTION, QUICK_SEARCH_ID, QuickSearchShortcut,
};
pub use typist::PortalTypist;

/// The portals' well-known name on the session bus.
const PORTAL_NAME: &str = "org.freedesktop.portal.Desktop";

/// A runtime for one typist or one shortcut: its thread, timers and sockets.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// How long a portal may take over a call that shows the person nothing: past that it is taken
/// for hung, and the caller falls back (the app copies the code) instead of waiting for ever.
/// Calls that may show a dialog (starting a session, binding a shortcut) wait for the person.
const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(5);

/// `call`, or `late(seconds)` if it took longer than [`ANSWER_WITHIN`].
async fn in_time<T, E>(
    call: impl std::future::Future<Output = Result<T, E>>,
    late: impl FnOnce(u64) -> E,
) -> Result<T, E> {
    tokio::time::timeout(ANSWER_WITHIN, call)
        .await
        .unwrap_or_else(|_| Err(late(ANSWER_WITHIN.as_secs())))
}

/// Connects to the bus at `address`, or to the session bus when `None`.
async fn connect(address: Option<&str>) -> zbus::Result<zbus::Connection> {
    match address {
        Some(address) => zbus::connection::Builder::address(address)?.build().await,
        None => zbus::Connection::session().await,
    }
}

/// Why a portal is not there, in words for the person, from what ashpd reported; `interface`
/// names the portal (e.g. "RemoteDesktop").
fn missing(interface: &str, error: &ashpd::Error) -> String {
    let name = error_name(error);
    match error {
        // GDBus services (xdg-desktop-portal) answer InvalidArgs naming the interface, which ashpd
        // turns into PortalNotFound; others answer UnknownInterface.
        ashpd::Error::PortalNotFound(_) => no_interface(interface),
        _ if name.as_deref() == Some("org.freedesktop.DBus.Error.UnknownInterface") => {
            no_interface(interface)
        }
        _ if matches!(
            name.as_deref(),
            Some(
                "org.freedesktop.DBus.Error.ServiceUnknown"
                    | "org.freedesktop.DBus.Error.NameHasNoOwner"
            )
        ) =>
        {
            format!(
                "no desktop portal answers on the session bus ({PORTAL_NAME}), so there is no {interface} portal; install xdg-desktop-portal with the desktop's own backend (xdg-desktop-portal-gnome, xdg-desktop-portal-kde)"
            )
        }
        _ => format!("the desktop's {interface} portal did not answer as expected ({error})"),
    }
}

/// The portal is there, without `interface` (e.g. Sway's has neither RemoteDesktop nor
/// GlobalShortcuts).
fn no_interface(interface: &str) -> String {
    format!(
        "the desktop's portal ({PORTAL_NAME}) has no {interface} portal (org.freedesktop.portal.{interface})"
    )
}

/// The D-Bus error name inside an ashpd error, if it is a D-Bus error.
///
/// Only the name is ever reported for calls that carry keys: a portal's message could echo the
/// arguments it was given.
fn error_name(error: &ashpd::Error) -> Option<String> {
    fn of_zbus(error: &zbus::Error) -> Option<String> {
        match error {
            zbus::Error::MethodError(name, _, _) => Some(name.to_string()),
            zbus::Error::FDO(error) => Some(zbus::DBusError::name(error.as_ref()).to_string()),
            _ => None,
        }
    }
    match error {
        ashpd::Error::Zbus(error) | ashpd::Error::Portal(ashpd::PortalError::ZBus(error)) => {
            of_zbus(error)
        }
        ashpd::Error::Portal(error) => Some(zbus::DBusError::name(error).to_string()),
        _ => None,
    }
}
