//! The desktop's XDG portal, played on a private bus: `org.freedesktop.portal.Desktop` serving
//! RemoteDesktop (keyboard only matters) and GlobalShortcuts, with a consent the test sets, and a
//! record of every call for the test to check.
//!
//! The shapes copied are xdg-desktop-portal's (src/remote-desktop.c, src/global-shortcuts.c and
//! the org.freedesktop.portal.*.xml documentation): a method that needs an answer returns the
//! path of a Request object at once (`/org/freedesktop/portal/desktop/request/SENDER/TOKEN`,
//! from the caller's `handle_token`), and the answer comes later as that object's
//! `Response(u code, a{sv} results)` signal (0 success, 1 cancelled by the person, 2 ended
//! otherwise), after which the Request is gone. Sessions live at
//! `/org/freedesktop/portal/desktop/session/SENDER/TOKEN` and serve only the connection that made
//! them. A session whose request failed is closed. Restore tokens are UUIDs, good for one use,
//! and anything else passed as one is an invalid argument. `Activated` goes to the session's
//! owner alone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use zbus::message::Header;
use zbus::object_server::ObjectServer;
use zbus::zvariant::{ObjectPath, OwnedObjectPath, OwnedValue, Value};

/// The portals' well-known name.
const PORTAL: &str = "org.freedesktop.portal.Desktop";
/// The object serving every portal interface.
const DESKTOP_PATH: &str = "/org/freedesktop/portal/desktop";
/// RemoteDesktop's device types (the `types` and `devices` bit masks).
pub const KEYBOARD: u32 = 1;
/// A pointer, in the same bit mask.
pub const POINTER: u32 = 2;
/// How the peer describes a bound shortcut's keys, as GNOME would for the proposed Ctrl+Alt+K.
pub const TRIGGER_DESCRIPTION: &str = "Ctrl+Alt+K";

/// Options and results: `a{sv}`.
type Vardict = HashMap<String, OwnedValue>;

/// What the person answers in the desktop's dialogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// Allows (response 0).
    Grant,
    /// Declines (response 1).
    Refuse,
    /// Closes the dialog some other way, or the desktop cannot show one (response 2).
    Dismiss,
}

/// One `SelectDevices` call's options, as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSelection {
    /// The device types asked for (`types`).
    pub types: Option<u32>,
    /// The restore token passed (`restore_token`).
    pub restore_token: Option<String>,
    /// The persist mode asked for (`persist_mode`: 2 is "until explicitly revoked").
    pub persist_mode: Option<u32>,
}

/// One shortcut of a `BindShortcuts` call, as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundShortcut {
    /// The app's id for it.
    pub id: String,
    /// What it does, for the person (`description`).
    pub description: Option<String>,
    /// The trigger the app proposed (`preferred_trigger`).
    pub preferred_trigger: Option<String>,
}

/// Everything the portal was asked, in order within each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortalCalls {
    /// RemoteDesktop sessions created.
    pub remote_desktop_sessions: usize,
    /// `SelectDevices` calls.
    pub device_selections: Vec<DeviceSelection>,
    /// Consent dialogs shown (a `Start` or `BindShortcuts` without a valid restore token).
    pub dialogs: usize,
    /// Restore tokens handed out by `Start`, oldest first.
    pub restore_tokens: Vec<String>,
    /// `NotifyKeyboardKeysym` calls accepted: the keysym and whether it was pressed (or released).
    pub keys: Vec<(u32, bool)>,
    /// Sessions their owner closed (`Session.Close`).
    pub closed_sessions: usize,
    /// Shortcuts bound through `BindShortcuts`.
    pub bound_shortcuts: Vec<BoundShortcut>,
}

/// What a session is for, and how far it got.
#[derive(Debug)]
enum SessionKind {
    RemoteDesktop {
        /// What `SelectDevices` asked for, once it was called.
        selected: Option<Selection>,
        /// The devices `Start` granted, once it did.
        granted: Option<u32>,
    },
    GlobalShortcuts {
        /// The ids and descriptions bound.
        shortcuts: Vec<(String, String)>,
    },
}

/// A `SelectDevices` call's effect on its session.
#[derive(Debug)]
struct Selection {
    types: u32,
    persist_mode: u32,
    /// The devices a valid restore token granted before (the dialog is skipped).
    restored: Option<u32>,
}

#[derive(Debug)]
struct PortalSession {
    /// The unique name of the connection that created it.
    owner: String,
    kind: SessionKind,
}

/// The peer's state, shared by its D-Bus objects.
#[derive(Debug)]
struct State {
    consent: Consent,
    /// Whether requests get their Response (a hung portal's never do).
    answering: bool,
    available_devices: u32,
    sessions: HashMap<String, PortalSession>,
    /// Valid restore tokens and the devices each grants.
    tokens: HashMap<String, u32>,
    calls: PortalCalls,
}

type Shared = Arc<Mutex<State>>;

fn lock(state: &Shared) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The errors xdg-desktop-portal answers with.
#[derive(Debug, zbus::DBusError)]
#[zbus(prefix = "org.freedesktop.portal.Error")]
enum PortalError {
    #[zbus(error)]
    ZBus(zbus::Error),
    InvalidArgument(String),
}

impl PortalError {
    /// `org.freedesktop.DBus.Error.AccessDenied`: a session that is not the caller's.
    fn invalid_session() -> PortalError {
        PortalError::ZBus(zbus::fdo::Error::AccessDenied("Invalid session".into()).into())
    }

    /// `org.freedesktop.DBus.Error.Failed`.
    fn failed(message: &str) -> PortalError {
        PortalError::ZBus(zbus::fdo::Error::Failed(message.into()).into())
    }
}

/// A string option.
fn string(options: &Vardict, key: &str) -> Option<String> {
    options
        .get(key)
        .and_then(|value| value.downcast_ref::<&str>().ok())
        .map(str::to_owned)
}

/// A `u` option.
fn uint(options: &Vardict, key: &str) -> Option<u32> {
    options
        .get(key)
        .and_then(|value| value.downcast_ref::<u32>().ok())
}

fn owned<'a>(value: impl Into<Value<'a>>) -> OwnedValue {
    value
        .into()
        .try_to_owned()
        .expect("a value without file descriptors")
}

/// The caller's unique name as the portal puts it in object paths (":1.42" → "1_42").
fn sender_element(header: &Header<'_>) -> Result<(String, String), PortalError> {
    let sender = header
        .sender()
        .ok_or_else(|| PortalError::failed("no sender"))?
        .to_string();
    let element = sender.trim_start_matches(':').replace('.', "_");
    Ok((sender, element))
}

/// Whether `token` is a UUID string, as GLib's `g_uuid_string_is_valid` checks.
fn is_uuid(token: &str) -> bool {
    token.len() == 36
        && token.bytes().enumerate().all(|(index, b)| match index {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// `org.freedesktop.portal.Request`: one pending answer.
struct Request;

#[zbus::interface(name = "org.freedesktop.portal.Request")]
impl Request {
    /// Ends the interaction; no Response follows.
    async fn close(
        &self,
        #[zbus(header)] header: Header<'_>,
        #[zbus(object_server)] server: &ObjectServer,
    ) -> zbus::fdo::Result<()> {
        if let Some(path) = header.path() {
            server.remove::<Request, _>(path.to_owned()).await?;
        }
        Ok(())
    }
}

/// Exports a Request for the caller's `handle_token` and answers it a moment after the method
/// returned its path (unless it was closed meanwhile, or the portal hangs), then unexports it.
async fn request(
    state: &Shared,
    connection: &zbus::Connection,
    header: &Header<'_>,
    options: &Vardict,
    answer: (u32, Vardict),
) -> Result<OwnedObjectPath, PortalError> {
    let (_, sender) = sender_element(header)?;
    let token = string(options, "handle_token")
        .ok_or_else(|| PortalError::InvalidArgument("handle_token is required here".into()))?;
    let path = OwnedObjectPath::try_from(format!("{DESKTOP_PATH}/request/{sender}/{token}"))
        .map_err(|_| PortalError::InvalidArgument("Invalid token".into()))?;
    connection
        .object_server()
        .at(path.as_str(), Request)
        .await?;
    if !lock(state).answering {
        return Ok(path);
    }
    let (connection, respond_at) = (connection.clone(), path.clone());
    tokio::spawn(async move {
        // Lets the method's reply go out first, as the real portal answers once its backend
        // did (clients must cope with either order: ashpd listens before it calls).
        tokio::task::yield_now().await;
        let server = connection.object_server();
        if server
            .interface::<_, Request>(respond_at.as_str())
            .await
            .is_err()
        {
            return; // closed by the client meanwhile
        }
        let (code, results) = answer;
        let _ = connection
            .emit_signal(
                None::<&str>,
                respond_at.as_str(),
                "org.freedesktop.portal.Request",
                "Response",
                &(code, results),
            )
            .await;
        let _ = server.remove::<Request, _>(respond_at.as_str()).await;
    });
    Ok(path)
}

/// Creates a session for the caller (CreateSession of either portal) and answers its handle.
async fn create_session(
    state: &Shared,
    connection: &zbus::Connection,
    header: &Header<'_>,
    options: &Vardict,
    kind: SessionKind,
) -> Result<OwnedObjectPath, PortalError> {
    let (owner, sender) = sender_element(header)?;
    let token = string(options, "session_handle_token").ok_or_else(|| {
        PortalError::InvalidArgument("session_handle_token is required here".into())
    })?;
    let session = format!("{DESKTOP_PATH}/session/{sender}/{token}");
    let object = PortalSessionObject {
        state: state.clone(),
    };
    connection
        .object_server()
        .at(session.as_str(), object)
        .await?;
    lock(state)
        .sessions
        .insert(session.clone(), PortalSession { owner, kind });
    let results = HashMap::from([("session_handle".to_owned(), owned(session))]);
    request(state, connection, header, options, (0, results)).await
}

/// Checks that `session` exists and is the caller's, and runs `f` on it.
fn with_session<T>(
    state: &Shared,
    header: &Header<'_>,
    session: &ObjectPath<'_>,
    f: impl FnOnce(&mut State, &mut PortalSession) -> Result<T, PortalError>,
) -> Result<T, PortalError> {
    let (owner, _) = sender_element(header)?;
    let mut state = lock(state);
    let mut found = state
        .sessions
        .remove(session.as_str())
        .ok_or_else(PortalError::invalid_session)?;
    if found.owner != owner {
        state.sessions.insert(session.to_string(), found);
        return Err(PortalError::invalid_session());
    }
    let result = f(&mut state, &mut found);
    state.sessions.insert(session.to_string(), found);
    result
}

/// Closes `session` from the portal's side, after a request on it failed.
async fn close_session(state: &Shared, connection: &zbus::Connection, session: &str) {
    lock(state).sessions.remove(session);
    let _ = connection
        .object_server()
        .remove::<PortalSessionObject, _>(session)
        .await;
}

/// `org.freedesktop.portal.Session`.
struct PortalSessionObject {
    state: Shared,
}

#[zbus::interface(name = "org.freedesktop.portal.Session")]
impl PortalSessionObject {
    /// Ends the session (its owner only).
    async fn close(
        &self,
        #[zbus(header)] header: Header<'_>,
        #[zbus(connection)] connection: &zbus::Connection,
    ) -> Result<(), PortalError> {
        let path = header
            .path()
            .ok_or_else(PortalError::invalid_session)?
            .to_owned();
        with_session(&self.state, &header, &path, |_, _| Ok(()))?;
        lock(&self.state).calls.closed_sessions += 1;
        close_session(&self.state, connection, path.as_str()).await;
        Ok(())
    }

    #[zbus(property, name = "version")]
    fn version(&self) -> u32 {
        1
    }
}

/// `org.freedesktop.portal.RemoteDesktop`, version 2.
struct RemoteDesktop {
    state: Shared,
}

#[zbus::interface(name = "org.freedesktop.portal.RemoteDesktop")]
impl RemoteDesktop {
    async fn create_session(
        &self,
        options: Vardict,
        #[zbus(header)] header: Header<'_>,
        #[zbus(connection)] connection: &zbus::Connection,
    ) -> Result<OwnedObjectPath, PortalError> {
        lock(&self.state).calls.remote_desktop_sessions += 1;
        let kind = SessionKind::RemoteDesktop {
            selected: None,
            granted: None,
        };
        create_session(&self.state, connection, &header, &options, kind).await
    }

    async fn select_devices(
        &self,
        session_handle: ObjectPath<'_>,
        options: Vardict,
        #[zbus(header)] header: Header<'_>,
        #[zbus(connection)] connection: &zbus::Connection,
    ) -> Result<OwnedObjectPath, PortalError> {
        let selection = DeviceSelection {
            types: uint(&options, "types"),
            restore_token: string(&options, "restore_token"),
            persist_mode: uint(&options, "persist_mode"),
        };
        lock(&self.state)
            .calls
            .device_selections
            .push(selection.clone());
        if let Some(token) = &selection.restore_token
            && !is_uuid(token)
        {
            return Err(PortalError::InvalidArgument(
                "Restore token is not a valid UUID string".into(),
            ));
        }
        with_session(&self.state, &header, &session_handle, |state, session| {
            let SessionKind::RemoteDesktop { selected, granted } = &mut session.kind else {
                return Err(PortalError::invalid_session());
            };
            if selected.is_some() || granted.is_some() {
                return Err(PortalError::failed("Invalid state"));
            }
            // A token is good once: a restored session gets a new one from Start.
            let restored = selection
                .restore_token
                .as_ref()
                .and_then(|token| state.tokens.remove(token));
            *selected = Some(Selection {
                types: selection.types.unwrap_or(state.available_devices),
                persist_mode: selection.persist_mode.unwrap_or(0),
                restored,
            });
            Ok(())
        })?;
        request(
            &self.state,
            connection,
            &header,
            &options,
            (0, HashMap::new()),
        )
        .await
    }

    async fn start(
        &self,
        session_handle: ObjectPath<'_>,
        _parent_window: &str,
        options: Vardict,
        #[zbus(header)] header: Header<'_>,
        #[zbus(connection)] connection: &zbus::Connection,
    ) -> Result<OwnedObjectPath, PortalError> {
        let answer = with_session(&self.state, &header, &session_handle, |state, session| {
            let SessionKind::RemoteDesktop { selected, granted } = &mut session.kind else {
                return Err(PortalError::invalid_session());
            };
            if granted.is_some() {
                return Err(PortalError::failed("Can only start once"));
            }
            let Some(selection) = selected else {
                // No devices selected: the backend has nothing to offer, and says "other".
                return Ok((2, HashMap::new()));
            };
            let devices = match selection.restored {
                Some(devices) => devices,
                None => {
                    state.calls.dialogs += 1;
                    match state.consent {
                        Consent::Grant => selection.types & state.available_devices,
                        Consent::Refuse => return Ok((1, HashMap::new())),
                        Consent::Dismiss => return Ok((2, HashMap::new())),
                    }
                }
            };
            *granted = Some(devices);
            let mut results = HashMap::from([("devices".to_owned(), owned(devices))]);
            if selection.persist_mode != 0 {
                let token = format!(
                    "8c4f5d2a-0000-4000-8000-{:012x}",
                    state.calls.restore_tokens.len() + 1
                );
                state.tokens.insert(token.clone(), devices);
                state.calls.restore_tokens.push(token.clone());
                results.insert("restore_token".to_owned(), owned(token));
            }
            Ok((0, results))
        })?;
        if answer.0 != 0 {
            close_session(&self.state, connection, session_handle.as_str()).await;
        }
        request(&self.state, connection, &header, &options, answer).await
    }

    fn notify_keyboard_keysym(
        &self,
        session_handle: ObjectPath<'_>,
        _options: Vardict,
        keysym: i32,
        state: u32,
        #[zbus(header)] header: Header<'_>,
    ) -> Result<(), PortalError> {
        with_session(
            &self.state,
            &header,
            &session_handle,
            |portal, session| match session.kind {
                SessionKind::RemoteDesktop {
                    granted: Some(devices),
                    ..
                } if devices & KEYBOARD != 0 => {
                    let keysym = u32::try_from(keysym)
                        .map_err(|_| PortalError::InvalidArgument("Invalid keysym".into()))?;
                    portal.calls.keys.push((keysym, state == 1));
                    Ok(())
                }
                _ => Err(PortalError::failed(
                    "Session is not allowed to call NotifyKeyboard methods",
                )),
            },
        )
    }

    #[zbus(property)]
    fn available_device_types(&self) -> u32 {
        lock(&self.state).available_devices
    }

    #[zbus(property, name = "version")]
    fn version(&self) -> u32 {
        2
    }
}

/// `org.freedesktop.portal.GlobalShortcuts`, version 2.
struct GlobalShortcuts {
    state: Shared,
}

#[zbus::interface(name = "org.freedesktop.portal.GlobalShortcuts")]
impl GlobalShortcuts {
    async fn create_session(
        &self,
        options: Vardict,
        #[zbus(header)] header: Header<'_>,
        #[zbus(connection)] connection: &zbus::Connection,
    ) -> Result<OwnedObjectPath, PortalError> {
        let kind = SessionKind::GlobalShortcuts {
            shortcuts: Vec::new(),
        };
        create_session(&self.state, connection, &header, &options, kind).await
    }

    async fn bind_shortcuts(
        &self,
        session_handle: ObjectPath<'_>,
        shortcuts: Vec<(String, Vardict)>,
        _parent_window: &str,
        options: Vardict,
        #[zbus(header)] header: Header<'_>,
        #[zbus(connection)] connection: &zbus::Connection,
    ) -> Result<OwnedObjectPath, PortalError> {
        let answer =
            with_session(&self.state, &header, &session_handle, |state, session| {
                let SessionKind::GlobalShortcuts { shortcuts: bound } = &mut session.kind else {
                    return Err(PortalError::invalid_session());
                };
                for (id, info) in &shortcuts {
                    if id.is_empty() {
                        return Err(PortalError::InvalidArgument(
                            "Unexpected empty shortcut id".into(),
                        ));
                    }
                    state.calls.bound_shortcuts.push(BoundShortcut {
                        id: id.clone(),
                        description: string(info, "description"),
                        preferred_trigger: string(info, "preferred_trigger"),
                    });
                }
                state.calls.dialogs += 1;
                match state.consent {
                    Consent::Grant => {}
                    Consent::Refuse => return Ok((1, HashMap::new())),
                    Consent::Dismiss => return Ok((2, HashMap::new())),
                }
                bound.extend(shortcuts.iter().map(|(id, info)| {
                    (id.clone(), string(info, "description").unwrap_or_default())
                }));
                Ok((0, shortcuts_results(bound)))
            })?;
        request(&self.state, connection, &header, &options, answer).await
    }

    async fn list_shortcuts(
        &self,
        session_handle: ObjectPath<'_>,
        options: Vardict,
        #[zbus(header)] header: Header<'_>,
        #[zbus(connection)] connection: &zbus::Connection,
    ) -> Result<OwnedObjectPath, PortalError> {
        let answer = with_session(
            &self.state,
            &header,
            &session_handle,
            |_, session| match &session.kind {
                SessionKind::GlobalShortcuts { shortcuts } => Ok((0, shortcuts_results(shortcuts))),
                SessionKind::RemoteDesktop { .. } => Err(PortalError::invalid_session()),
            },
        )?;
        request(&self.state, connection, &header, &options, answer).await
    }

    #[zbus(property, name = "version")]
    fn version(&self) -> u32 {
        2
    }
}

/// The `shortcuts` result of BindShortcuts and ListShortcuts: `a(sa{sv})`.
fn shortcuts_results(shortcuts: &[(String, String)]) -> Vardict {
    let list: Vec<(String, HashMap<String, OwnedValue>)> = shortcuts
        .iter()
        .map(|(id, description)| {
            let info = HashMap::from([
                ("description".to_owned(), owned(description.as_str())),
                ("trigger_description".to_owned(), owned(TRIGGER_DESCRIPTION)),
            ]);
            (id.clone(), info)
        })
        .collect();
    HashMap::from([("shortcuts".to_owned(), owned(list))])
}

/// xdg-desktop-portal on a private bus, with RemoteDesktop and GlobalShortcuts. Consent is
/// granted until [`Portal::set_consent`] says otherwise.
pub struct Portal {
    connection: zbus::Connection,
    state: Shared,
}

impl Portal {
    /// Takes the portal's name on the bus at `address`, with both portals, RemoteDesktop offering
    /// a keyboard and a pointer (as GNOME's backend does).
    pub async fn start(address: &str) -> Portal {
        Portal::start_serving(address, Some(KEYBOARD | POINTER), true).await
    }

    /// Like [`Portal::start`], with RemoteDesktop offering `devices` (a device-type mask) or
    /// absent (`None`), and GlobalShortcuts or not: desktops' portals differ (Sway's has
    /// neither).
    pub async fn start_serving(
        address: &str,
        remote_desktop: Option<u32>,
        global_shortcuts: bool,
    ) -> Portal {
        let state = Arc::new(Mutex::new(State {
            consent: Consent::Grant,
            answering: true,
            available_devices: remote_desktop.unwrap_or(0),
            sessions: HashMap::new(),
            tokens: HashMap::new(),
            calls: PortalCalls::default(),
        }));
        let mut builder = zbus::connection::Builder::address(address)
            .expect("a bus address")
            .name(PORTAL)
            .expect("a valid name");
        if remote_desktop.is_some() {
            let served = RemoteDesktop {
                state: state.clone(),
            };
            builder = builder
                .serve_at(DESKTOP_PATH, served)
                .expect("serve RemoteDesktop");
        }
        if global_shortcuts {
            let served = GlobalShortcuts {
                state: state.clone(),
            };
            builder = builder
                .serve_at(DESKTOP_PATH, served)
                .expect("serve GlobalShortcuts");
        }
        let connection = builder
            .build()
            .await
            .expect("connect to the bus as the portal");
        Portal { connection, state }
    }

    /// What the person answers in the dialogs from now on.
    pub fn set_consent(&self, consent: Consent) {
        lock(&self.state).consent = consent;
    }

    /// From now on, requests get no Response, as from a hung portal (properties still answer).
    pub fn stop_answering(&self) {
        lock(&self.state).answering = false;
    }

    /// Everything asked so far.
    pub fn calls(&self) -> PortalCalls {
        lock(&self.state).calls.clone()
    }

    /// The person pressed the shortcut `id`: sends `Activated` to the owner of every session that
    /// bound it; answers how many were told.
    pub async fn activate(&self, id: &str) -> usize {
        let bound: Vec<(String, String)> = lock(&self.state)
            .sessions
            .iter()
            .filter(|(_, session)| match &session.kind {
                SessionKind::GlobalShortcuts { shortcuts } => {
                    shortcuts.iter().any(|(bound, _)| bound == id)
                }
                SessionKind::RemoteDesktop { .. } => false,
            })
            .map(|(path, session)| (path.clone(), session.owner.clone()))
            .collect();
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_millis() as u64;
        for (session, owner) in &bound {
            let session = ObjectPath::try_from(session.as_str()).expect("a session path");
            self.connection
                .emit_signal(
                    Some(owner.as_str()),
                    DESKTOP_PATH,
                    "org.freedesktop.portal.GlobalShortcuts",
                    "Activated",
                    &(session, id, timestamp, Vardict::new()),
                )
                .await
                .expect("send Activated");
        }
        bound.len()
    }
}
