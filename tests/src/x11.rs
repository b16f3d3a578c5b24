//! The X side of the window: found by title among the top-level windows (there is no window
//! manager under Xvfb, so the app's windows are the root's children).

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    Atom, AtomEnum, ClientMessageEvent, ConnectionExt, EventMask, MapState, Window,
};
use x11rb::rust_connection::RustConnection;

use crate::WindowState;

struct Atoms {
    wm_protocols: Atom,
    wm_delete_window: Atom,
    net_wm_name: Atom,
    utf8_string: Atom,
}

fn connect(display: &str) -> (RustConnection, Window, Atoms) {
    let (connection, screen) = x11rb::connect(Some(display)).expect("connect to the X display");
    let root = connection.setup().roots[screen].root;
    let atom = |name: &str| {
        connection
            .intern_atom(false, name.as_bytes())
            .expect("intern an atom")
            .reply()
            .expect("the atom")
            .atom
    };
    let atoms = Atoms {
        wm_protocols: atom("WM_PROTOCOLS"),
        wm_delete_window: atom("WM_DELETE_WINDOW"),
        net_wm_name: atom("_NET_WM_NAME"),
        utf8_string: atom("UTF8_STRING"),
    };
    (connection, root, atoms)
}

/// The top-level window titled "Countersign" that accepts WM_DELETE_WINDOW.
fn main_window(connection: &RustConnection, root: Window, atoms: &Atoms) -> Option<Window> {
    titled_window(connection, root, atoms, |title| title == b"Countersign")
}

/// The first top-level window whose title passes `wanted` and that accepts WM_DELETE_WINDOW.
fn titled_window(
    connection: &RustConnection,
    root: Window,
    atoms: &Atoms,
    wanted: impl Fn(&[u8]) -> bool,
) -> Option<Window> {
    let children = connection.query_tree(root).ok()?.reply().ok()?.children;
    children.into_iter().find(|&window| {
        let title = connection
            .get_property(false, window, atoms.net_wm_name, atoms.utf8_string, 0, 64)
            .ok()
            .and_then(|cookie| cookie.reply().ok())
            .map(|reply| reply.value);
        let protocols = connection
            .get_property(false, window, atoms.wm_protocols, AtomEnum::ATOM, 0, 16)
            .ok()
            .and_then(|cookie| cookie.reply().ok())
            .and_then(|reply| reply.value32().map(|atoms| atoms.collect::<Vec<_>>()))
            .unwrap_or_default();
        title.as_deref().is_some_and(&wanted) && protocols.contains(&atoms.wm_delete_window)
    })
}

/// Whether the main window on `display` is shown, hidden or gone.
pub fn window_state(display: &str) -> WindowState {
    titled_window_state(display, "Countersign")
}

/// Whether the top-level window titled exactly `title` on `display` is shown, hidden or gone.
pub fn titled_window_state(display: &str, title: &str) -> WindowState {
    let (connection, root, atoms) = connect(display);
    let Some(window) = titled_window(&connection, root, &atoms, |name| name == title.as_bytes())
    else {
        return WindowState::Gone;
    };
    match connection
        .get_window_attributes(window)
        .ok()
        .and_then(|cookie| cookie.reply().ok())
    {
        Some(attributes) if attributes.map_state == MapState::VIEWABLE => WindowState::Shown,
        Some(_) => WindowState::Hidden,
        None => WindowState::Gone,
    }
}

/// The top-left corner of the main window on `display`, in root-window pixels.
pub fn window_origin(display: &str) -> Option<(i16, i16)> {
    let (connection, root, atoms) = connect(display);
    let window = main_window(&connection, root, &atoms)?;
    let reply = connection
        .translate_coordinates(window, root, 0, 0)
        .ok()?
        .reply()
        .ok()?;
    Some((reply.dst_x, reply.dst_y))
}

/// Sends WM_DELETE_WINDOW to the main window on `display`.
pub fn request_close(display: &str) {
    request_close_titled(display, "Countersign");
}

/// Sends WM_DELETE_WINDOW to the top-level window whose title contains `title`.
pub fn request_close_titled(display: &str, title: &str) {
    let (connection, root, atoms) = connect(display);
    let wanted = |name: &[u8]| String::from_utf8_lossy(name).contains(title);
    let window = titled_window(&connection, root, &atoms, wanted)
        .unwrap_or_else(|| panic!("a window titled {title:?} exists"));
    let message = ClientMessageEvent::new(
        32,
        window,
        atoms.wm_protocols,
        [atoms.wm_delete_window, x11rb::CURRENT_TIME, 0, 0, 0],
    );
    connection
        .send_event(false, window, EventMask::NO_EVENT, message)
        .expect("send WM_DELETE_WINDOW")
        .check()
        .expect("the X server delivers WM_DELETE_WINDOW");
}
