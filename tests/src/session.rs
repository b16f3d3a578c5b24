//! The desktop session's services, played on private buses: logind (on the bus standing for the
//! system bus) and the screensavers (on the one standing for the session bus), sending their
//! signals as the real services do, so that a test can lock the screen or put the machine to
//! sleep.
//!
//! The shapes copied are systemd-logind's (`org.freedesktop.login1`, see
//! org.freedesktop.login1(5)) and the screensavers' (`org.freedesktop.ScreenSaver` as KDE and
//! Xfce serve it, `org.gnome.ScreenSaver` as GNOME Shell does).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use zbus::object_server::SignalEmitter;
use zbus::zvariant::OwnedObjectPath;

/// logind's well-known name.
const LOGIN1: &str = "org.freedesktop.login1";
/// The manager object.
const MANAGER_PATH: &str = "/org/freedesktop/login1";
/// The session of the person at the test's screen: "c2", as logind numbers sessions a display
/// manager opens (object paths escape ids, which "c2" needs not).
pub const SESSION_PATH: &str = "/org/freedesktop/login1/session/c2";
/// Another user's session on the same machine (its lock is none of the app's business).
pub const OTHER_SESSION_PATH: &str = "/org/freedesktop/login1/session/c9";

/// logind's errors, as it names them.
#[derive(Debug, zbus::DBusError)]
#[zbus(prefix = "org.freedesktop.login1")]
enum LogindError {
    #[zbus(error)]
    ZBus(zbus::Error),
    NoSuchSession(String),
}

/// `org.freedesktop.login1.Manager` at /org/freedesktop/login1.
struct Manager {
    /// Whether `GetSession("auto")` works (recent logind); older ones know ids only.
    knows_auto: bool,
    /// How many times a client asked which session it is in.
    lookups: Arc<AtomicUsize>,
}

#[zbus::interface(name = "org.freedesktop.login1.Manager")]
impl Manager {
    fn get_session(&self, session_id: &str) -> Result<OwnedObjectPath, LogindError> {
        self.lookups.fetch_add(1, Ordering::SeqCst);
        match session_id {
            "auto" if self.knows_auto => Ok(path(SESSION_PATH)),
            "c2" => Ok(path(SESSION_PATH)),
            "c9" => Ok(path(OTHER_SESSION_PATH)),
            _ => Err(LogindError::NoSuchSession(format!(
                "No session '{session_id}' known"
            ))),
        }
    }

    #[zbus(name = "GetSessionByPID")]
    fn get_session_by_pid(&self, _pid: u32) -> OwnedObjectPath {
        self.lookups.fetch_add(1, Ordering::SeqCst);
        path(SESSION_PATH)
    }

    /// Sent with `true` before the machine suspends or hibernates, `false` after it woke.
    #[zbus(signal)]
    async fn prepare_for_sleep(emitter: &SignalEmitter<'_>, start: bool) -> zbus::Result<()>;
}

/// `org.freedesktop.login1.Session` at a session's path.
struct Session {
    id: String,
    locked_hint: bool,
    active: bool,
}

#[zbus::interface(name = "org.freedesktop.login1.Session")]
impl Session {
    /// What screen lockers call once the screen is locked or unlocked.
    async fn set_locked_hint(
        &mut self,
        locked: bool,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> zbus::fdo::Result<()> {
        self.locked_hint = locked;
        self.locked_hint_changed(&emitter).await?;
        Ok(())
    }

    #[zbus(property)]
    fn id(&self) -> String {
        self.id.clone()
    }

    #[zbus(property)]
    fn locked_hint(&self) -> bool {
        self.locked_hint
    }

    #[zbus(property)]
    fn active(&self) -> bool {
        self.active
    }

    /// Sent when the session should lock (`loginctl lock-session`).
    #[zbus(signal)]
    async fn lock(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;

    /// Sent when the session should unlock (`loginctl unlock-session`).
    #[zbus(signal)]
    async fn unlock(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;
}

fn path(path: &str) -> OwnedObjectPath {
    OwnedObjectPath::try_from(path).expect("a valid object path")
}

/// systemd-logind on a private bus: a manager, the test's session ([`SESSION_PATH`]) and another
/// user's ([`OTHER_SESSION_PATH`]).
pub struct Logind {
    connection: zbus::Connection,
    lookups: Arc<AtomicUsize>,
}

impl Logind {
    /// Takes logind's name on the bus at `address` (before the client starts).
    pub async fn start(address: &str) -> Logind {
        Logind::serve(address, true).await
    }

    /// Like [`Logind::start`], as an older logind, which knows no "auto" session.
    pub async fn start_without_auto(address: &str) -> Logind {
        Logind::serve(address, false).await
    }

    async fn serve(address: &str, knows_auto: bool) -> Logind {
        let lookups = Arc::new(AtomicUsize::new(0));
        let session = |id: &str| Session {
            id: id.to_owned(),
            locked_hint: false,
            active: true,
        };
        let connection = zbus::connection::Builder::address(address)
            .expect("a bus address")
            .name(LOGIN1)
            .expect("a valid name")
            .serve_at(
                MANAGER_PATH,
                Manager {
                    knows_auto,
                    lookups: lookups.clone(),
                },
            )
            .expect("serve the manager")
            .serve_at(SESSION_PATH, session("c2"))
            .expect("serve the session")
            .serve_at(OTHER_SESSION_PATH, session("c9"))
            .expect("serve the other session")
            .build()
            .await
            .expect("connect to the bus as logind");
        Logind {
            connection,
            lookups,
        }
    }

    /// How many times a client asked which session it is in (it subscribes right after).
    pub fn session_lookups(&self) -> usize {
        self.lookups.load(Ordering::SeqCst)
    }

    async fn session(&self, session: &str) -> zbus::object_server::InterfaceRef<Session> {
        self.connection
            .object_server()
            .interface::<_, Session>(session)
            .await
            .expect("the session is served")
    }

    /// Asks the session at `session` to lock, as `loginctl lock-session` makes logind do.
    pub async fn lock(&self, session: &str) {
        let session = self.session(session).await;
        Session::lock(session.signal_emitter())
            .await
            .expect("send Lock");
    }

    /// Asks the session at `session` to unlock, as `loginctl unlock-session` makes logind do.
    pub async fn unlock(&self, session: &str) {
        let session = self.session(session).await;
        Session::unlock(session.signal_emitter())
            .await
            .expect("send Unlock");
    }

    /// Sets the session's `LockedHint`, as a screen locker does through `SetLockedHint`, and
    /// announces it with PropertiesChanged.
    pub async fn set_locked_hint(&self, session: &str, locked: bool) {
        let session = self.session(session).await;
        session.get_mut().await.locked_hint = locked;
        session
            .get()
            .await
            .locked_hint_changed(session.signal_emitter())
            .await
            .expect("announce LockedHint");
    }

    /// Sets the session's `Active` (false: another session was switched to), announced with
    /// PropertiesChanged.
    pub async fn set_active(&self, session: &str, active: bool) {
        let session = self.session(session).await;
        session.get_mut().await.active = active;
        session
            .get()
            .await
            .active_changed(session.signal_emitter())
            .await
            .expect("announce Active");
    }

    /// `PrepareForSleep(start)`: `true` before a suspend or hibernation, `false` after waking.
    pub async fn prepare_for_sleep(&self, start: bool) {
        let emitter = SignalEmitter::new(&self.connection, MANAGER_PATH).expect("the manager path");
        Manager::prepare_for_sleep(&emitter, start)
            .await
            .expect("send PrepareForSleep");
    }
}

/// `org.freedesktop.ScreenSaver`, as KDE serves it at /org/freedesktop/ScreenSaver.
struct FreedesktopScreenSaver;

#[zbus::interface(name = "org.freedesktop.ScreenSaver")]
impl FreedesktopScreenSaver {
    #[zbus(signal)]
    async fn active_changed(emitter: &SignalEmitter<'_>, active: bool) -> zbus::Result<()>;
}

/// `org.gnome.ScreenSaver`, as GNOME Shell serves it at /org/gnome/ScreenSaver.
struct GnomeScreenSaver;

#[zbus::interface(name = "org.gnome.ScreenSaver")]
impl GnomeScreenSaver {
    #[zbus(signal)]
    async fn active_changed(emitter: &SignalEmitter<'_>, active: bool) -> zbus::Result<()>;
}

/// Which screensaver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenSaver {
    /// `org.freedesktop.ScreenSaver` (KDE, Xfce, Cinnamon, MATE).
    Freedesktop,
    /// `org.gnome.ScreenSaver` (GNOME Shell).
    Gnome,
}

/// Both screensavers on a private session bus, each under its own name.
pub struct ScreenSavers {
    freedesktop: zbus::Connection,
    gnome: zbus::Connection,
}

impl ScreenSavers {
    /// Takes both screensaver names on the bus at `address`.
    pub async fn start(address: &str) -> ScreenSavers {
        let freedesktop = zbus::connection::Builder::address(address)
            .expect("a bus address")
            .name("org.freedesktop.ScreenSaver")
            .expect("a valid name")
            .serve_at("/org/freedesktop/ScreenSaver", FreedesktopScreenSaver)
            .expect("serve the screensaver")
            .build()
            .await
            .expect("connect to the bus as the screensaver");
        let gnome = zbus::connection::Builder::address(address)
            .expect("a bus address")
            .name("org.gnome.ScreenSaver")
            .expect("a valid name")
            .serve_at("/org/gnome/ScreenSaver", GnomeScreenSaver)
            .expect("serve the screensaver")
            .build()
            .await
            .expect("connect to the bus as GNOME Shell");
        ScreenSavers { freedesktop, gnome }
    }

    /// Sends `ActiveChanged(active)` from `which`: `true` when it starts (and the screen
    /// blanks or locks), `false` when it stops.
    pub async fn active_changed(&self, which: ScreenSaver, active: bool) {
        let sent = match which {
            ScreenSaver::Freedesktop => {
                let emitter = SignalEmitter::new(&self.freedesktop, "/org/freedesktop/ScreenSaver")
                    .expect("the screensaver path");
                FreedesktopScreenSaver::active_changed(&emitter, active).await
            }
            ScreenSaver::Gnome => {
                let emitter = SignalEmitter::new(&self.gnome, "/org/gnome/ScreenSaver")
                    .expect("the screensaver path");
                GnomeScreenSaver::active_changed(&emitter, active).await
            }
        };
        sent.expect("send ActiveChanged");
    }
}
