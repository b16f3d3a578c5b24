//! The session on D-Bus: logind on the system bus, the screensavers on the session bus.
//!
//! One connection per bus, one thread per connection reading every message it gets. The bus
//! itself sorts the signals: each subscription's match rule names the service's well-known name
//! as sender, which dbus-daemon checks against the name's current owner, so only logind can
//! send what is read as logind's signals (even after logind restarts, or if a screensaver starts
//! after the app). Signals addressed to this connection alone are ignored: the real services
//! broadcast theirs, and a unicast signal bypasses the match rules.

use std::collections::HashMap;
use std::sync::mpsc;

use zbus::blocking::{Connection, MessageIterator};
use zbus::message::{Message, Type};
use zbus::zvariant::{OwnedObjectPath, OwnedValue};

use super::{SessionEvent, SessionEvents, Source, WatchError};

/// logind's bus name and its manager object.
const LOGIN1: &str = "org.freedesktop.login1";
const LOGIN1_PATH: &str = "/org/freedesktop/login1";
const MANAGER: &str = "org.freedesktop.login1.Manager";
const SESSION: &str = "org.freedesktop.login1.Session";
const PROPERTIES: &str = "org.freedesktop.DBus.Properties";

/// Which bus to connect to.
pub(crate) enum Bus {
    /// The system's usual bus of that kind (the environment's address, else the standard one).
    Default,
    /// The bus at this D-Bus address.
    Address(String),
    /// Leave this bus out.
    None,
}

/// One signal to listen to, and where it comes from.
struct Subscription {
    /// What it is part of, for [`SessionEvents::watched`].
    source: Source,
    /// The well-known name of the sending service.
    sender: &'static str,
    path: String,
    interface: &'static str,
    member: &'static str,
    /// The first argument to match (PropertiesChanged: the interface whose properties changed).
    arg0: Option<&'static str>,
}

impl Subscription {
    fn rule(&self) -> zbus::Result<zbus::MatchRule<'_>> {
        let rule = zbus::MatchRule::builder()
            .msg_type(Type::Signal)
            .sender(self.sender)?
            .path(self.path.as_str())?
            .interface(self.interface)?
            .member(self.member)?;
        Ok(match self.arg0 {
            Some(arg0) => rule.arg(0, arg0)?.build(),
            None => rule.build(),
        })
    }

    fn matches(&self, message: &Message) -> bool {
        let header = message.header();
        message.message_type() == Type::Signal
            // Broadcast only: see the module's documentation.
            && header.destination().is_none()
            && header.path().is_some_and(|path| path.as_str() == self.path)
            && header
                .interface()
                .is_some_and(|interface| interface.as_str() == self.interface)
            && header
                .member()
                .is_some_and(|member| member.as_str() == self.member)
    }
}

/// Subscribes on both buses and starts reading them.
pub(crate) fn watch(system: Bus, session: Bus) -> Result<SessionEvents, WatchError> {
    let (sender, receiver) = mpsc::channel();
    let mut watched = Vec::new();
    let mut unwatched = Vec::new();

    // The session bus first: its subscriptions need no answer from a service, while logind
    // is asked a question below and may be slow to start.
    let session_error = match connect(session, false) {
        Ok(connection) => {
            let subscriptions = vec![
                screensaver(
                    Source::FreedesktopScreenSaver,
                    "org.freedesktop.ScreenSaver",
                    "/org/freedesktop/ScreenSaver",
                ),
                screensaver(
                    Source::GnomeScreenSaver,
                    "org.gnome.ScreenSaver",
                    "/org/gnome/ScreenSaver",
                ),
            ];
            start(
                connection,
                subscriptions,
                sender.clone(),
                &mut watched,
                &mut unwatched,
            );
            None
        }
        Err(reason) => {
            for source in [Source::FreedesktopScreenSaver, Source::GnomeScreenSaver] {
                unwatched.push((source, format!("no session bus: {reason}")));
            }
            Some(reason)
        }
    };

    let system_error = match connect(system, true) {
        Ok(connection) => {
            let mut subscriptions = vec![Subscription {
                source: Source::LogindSleep,
                sender: LOGIN1,
                path: LOGIN1_PATH.to_owned(),
                interface: MANAGER,
                member: "PrepareForSleep",
                arg0: None,
            }];
            match own_session(&connection) {
                Ok(path) => {
                    let path = path.as_str();
                    for (member, arg0) in [
                        ("Lock", None),
                        // LockedHint and Active: both announced with their new values.
                        ("PropertiesChanged", Some(SESSION)),
                    ] {
                        subscriptions.push(Subscription {
                            source: Source::LogindSession,
                            sender: LOGIN1,
                            path: path.to_owned(),
                            interface: if arg0.is_some() { PROPERTIES } else { SESSION },
                            member,
                            arg0,
                        });
                    }
                }
                Err(reason) => unwatched.push((Source::LogindSession, reason)),
            }
            start(
                connection,
                subscriptions,
                sender,
                &mut watched,
                &mut unwatched,
            );
            None
        }
        Err(reason) => {
            for source in [Source::LogindSession, Source::LogindSleep] {
                unwatched.push((source, format!("no system bus: {reason}")));
            }
            Some(reason)
        }
    };

    if let (Some(system), Some(session)) = (system_error, session_error) {
        return Err(WatchError::NoBus { system, session });
    }
    Ok(SessionEvents {
        receiver,
        watched,
        unwatched,
    })
}

/// The `ActiveChanged(b)` signal of a screensaver service, at its own name and path.
fn screensaver(source: Source, name: &'static str, path: &str) -> Subscription {
    Subscription {
        source,
        sender: name,
        path: path.to_owned(),
        interface: name,
        member: "ActiveChanged",
        arg0: None,
    }
}

/// Connects to a bus; why not, in words for a log.
fn connect(bus: Bus, system: bool) -> Result<Connection, String> {
    let connection = match bus {
        Bus::None => return Err("not asked to watch it".to_owned()),
        Bus::Default if system => Connection::system(),
        Bus::Default => Connection::session(),
        Bus::Address(address) => {
            zbus::blocking::connection::Builder::address(address.as_str()).and_then(|b| b.build())
        }
    };
    connection.map_err(|error| error.to_string())
}

/// The object path of this process's logind session.
///
/// "auto" is this process's session, or else its user's graphical one: apps a desktop starts
/// as user services (GNOME does) are in no session themselves. Older logind knows no "auto",
/// and then the session is looked up by process.
fn own_session(connection: &Connection) -> Result<OwnedObjectPath, String> {
    let ask = |method: &str, reply: zbus::Result<Message>| {
        reply
            .and_then(|reply| reply.body().deserialize::<OwnedObjectPath>())
            .map_err(|error| format!("logind's {method} failed: {error}"))
    };
    ask(
        "GetSession",
        connection.call_method(
            Some(LOGIN1),
            LOGIN1_PATH,
            Some(MANAGER),
            "GetSession",
            &("auto",),
        ),
    )
    .or_else(|auto_error| {
        ask(
            "GetSessionByPID",
            connection.call_method(
                Some(LOGIN1),
                LOGIN1_PATH,
                Some(MANAGER),
                "GetSessionByPID",
                &(std::process::id(),),
            ),
        )
        .map_err(|pid_error| format!("{auto_error}; {pid_error}"))
    })
}

/// Subscribes to `subscriptions` on `connection` and reads its messages on a thread of its own.
fn start(
    connection: Connection,
    subscriptions: Vec<Subscription>,
    events: mpsc::Sender<SessionEvent>,
    watched: &mut Vec<Source>,
    unwatched: &mut Vec<(Source, String)>,
) {
    // Listening before subscribing, so that nothing sent in between is lost.
    // (Every message of the connection: the bus sends it only what the rules below ask for.)
    let messages = MessageIterator::from(&connection);
    let bus = match zbus::blocking::fdo::DBusProxy::new(&connection) {
        Ok(bus) => bus,
        Err(error) => {
            for subscription in &subscriptions {
                unwatched.push((subscription.source, error.to_string()));
            }
            return;
        }
    };
    let mut active = Vec::new();
    for subscription in subscriptions {
        match subscription
            .rule()
            .and_then(|rule| bus.add_match_rule(rule).map_err(zbus::Error::from))
        {
            Ok(()) => {
                if !watched.contains(&subscription.source) {
                    watched.push(subscription.source);
                }
                active.push(subscription);
            }
            Err(error) => unwatched.push((subscription.source, error.to_string())),
        }
    }
    if active.is_empty() {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("session-watch".into())
        .spawn(move || {
            // The connection lives as long as its reader.
            let _connection = connection;
            for message in messages {
                // A message that cannot be read is skipped; the stream ends with the connection.
                let Ok(message) = message else { continue };
                let Some(subscription) = active.iter().find(|s| s.matches(&message)) else {
                    continue;
                };
                if let Some(event) = event_of(subscription, &message)
                    && events.send(event).is_err()
                {
                    // Nobody listens any more.
                    return;
                }
            }
        });
    if let Err(error) = spawned {
        for source in watched.drain(..) {
            unwatched.push((source, format!("no thread to read the bus: {error}")));
        }
    }
}

/// What a signal of `subscription` means, if it calls for a lock.
fn event_of(subscription: &Subscription, message: &Message) -> Option<SessionEvent> {
    let body = message.body();
    match (subscription.interface, subscription.member) {
        (SESSION, "Lock") => Some(SessionEvent::Locked),
        (MANAGER, "PrepareForSleep") => body
            .deserialize::<bool>()
            .ok()?
            .then_some(SessionEvent::Suspending),
        (PROPERTIES, "PropertiesChanged") => {
            let (_interface, changed, _invalidated): (
                String,
                HashMap<String, OwnedValue>,
                Vec<String>,
            ) = body.deserialize().ok()?;
            let flag = |name: &str| changed.get(name).and_then(|v| bool::try_from(v).ok());
            if flag("LockedHint") == Some(true) {
                Some(SessionEvent::Locked)
            } else if flag("Active") == Some(false) {
                Some(SessionEvent::SwitchedAway)
            } else {
                None
            }
        }
        (_, "ActiveChanged") => body
            .deserialize::<bool>()
            .ok()?
            .then_some(SessionEvent::ScreenSaverActive),
        _ => None,
    }
}
