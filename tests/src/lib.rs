//! The end-to-end harness: launches the real app binary through tauri-driver and
//! WebKitWebDriver, each test with its own data folder, ports and keyring, and gives tests a
//! WebDriver session plus helpers for what a person sees and does. Its test material (QR
//! images, reference codes) also serves the CLI's tests.
//!
//! Needs (set up by `make e2e`): a built app (`COUNTERSIGN_APP`, or target/debug/countersign-app),
//! `tauri-driver` and `WebKitWebDriver` on PATH, an X display (Xvfb) and a D-Bus session.

pub use thirtyfour;

mod app;
mod dbus;
mod display;
mod driver;
mod entry;
mod images;
pub mod measure;
mod portal;
mod reference;
mod screen_reader;
mod seed;
mod session;
mod sntp;
mod tray;
mod x11;

pub use app::{App, AxeViolation, ContrastProblem, LayoutProblem, UI_TIMEOUT, WindowState};
pub use dbus::BusWithoutKeyring;
pub use display::Display;
pub use driver::{Launch, app_binary};
pub use entry::{TextEntry, xdotool};
pub use images::qr_png;
pub use portal::{
    BoundShortcut, Consent, DeviceSelection, KEYBOARD, POINTER, Portal, PortalCalls,
    TRIGGER_DESCRIPTION,
};
pub use reference::{avoid_step_boundary, hotp, oathtool, recent_totp, unix_now};
pub use screen_reader::{Accessible, Announcement, ScreenReader};
pub use seed::{numbered_uris, seed_keyring_only_vault, seed_vault};
pub use session::{Logind, OTHER_SESSION_PATH, SESSION_PATH, ScreenSaver, ScreenSavers};
pub use sntp::{SntpAnswer, SntpResponder};
pub use tray::{MenuEntry, TrayHost, TrayItem};
pub use x11::{request_close_titled, titled_window_state, window_state as main_window_state};
