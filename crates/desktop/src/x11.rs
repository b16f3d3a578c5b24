//! Typing on X11 through the XTEST extension: real key presses, as if from the keyboard.
//!
//! Characters are looked up in the server's current keyboard map. One that has no key there is
//! reported ([`TypeError::NoKey`]) instead of being typed through a temporarily remapped spare
//! keycode, as xdotool does: remapping changes the keyboard of every client, and each client
//! re-reads the map on its own time, so a fast key after the remap can come out as the old symbol
//! in some of them; a code typed wrong is worse than a code copied. Codes are digits and Latin
//! letters, which every layout people type Latin logins with has.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use x11rb::connection::{Connection, RequestConnection};
use x11rb::errors::{ConnectionError, ReplyError};
use x11rb::protocol::xproto::{self, ConnectionExt as _, KeyButMask};
use x11rb::protocol::xtest::{self, ConnectionExt as _};
use x11rb::rust_connection::RustConnection;

use crate::error::TypeError;
use crate::keymap::{Keymap, Stroke};
use crate::{DEFAULT_KEY_DELAY, DEFAULT_MODIFIER_WAIT, FocusedWindow, Typist};

/// The modifier index of Shift in the X modifier map.
const SHIFT_INDEX: usize = 0;
/// The modifier index of Lock (Caps Lock): a toggle, not something to wait for.
const LOCK_INDEX: usize = 1;

/// Types into the focused window of an X display through XTEST.
///
/// `Send + Sync`: one typist can be shared by the app; concurrent calls take turns, so the keys of
/// two codes never interleave.
pub struct X11Typist {
    /// The typist's own connection: thread-safe, so the typist is `Send + Sync`.
    connection: RustConnection,
    /// The default screen's root window, whose pointer query reports Caps Lock.
    root: xproto::Window,
    /// The pause between keys.
    key_delay: Duration,
    /// How long held modifiers are waited for.
    modifier_wait: Duration,
    /// Held while typing, so two calls never interleave their keys.
    typing: Mutex<()>,
}

impl std::fmt::Debug for X11Typist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("X11Typist")
            .field("key_delay", &self.key_delay)
            .field("modifier_wait", &self.modifier_wait)
            .finish_non_exhaustive()
    }
}

impl X11Typist {
    /// Connects to `display` (or `$DISPLAY` when `None`) and checks that XTEST is there.
    pub fn connect(display: Option<&str>) -> Result<X11Typist, TypeError> {
        let name = match display {
            Some(name) => name.to_owned(),
            None => std::env::var("DISPLAY").unwrap_or_default(),
        };
        if name.is_empty() {
            return Err(TypeError::NoDisplay);
        }
        let (connection, screen) =
            x11rb::connect(Some(&name)).map_err(|e| TypeError::CannotConnect {
                display: name.clone(),
                reason: e.to_string(),
            })?;
        let root = connection.setup().roots[screen].root;
        let lost = |e: ConnectionError| TypeError::ConnectionLost {
            reason: e.to_string(),
        };
        if connection
            .extension_information(xtest::X11_EXTENSION_NAME)
            .map_err(lost)?
            .is_none()
        {
            return Err(TypeError::XTestMissing);
        }
        Ok(X11Typist {
            connection,
            root,
            key_delay: DEFAULT_KEY_DELAY,
            modifier_wait: DEFAULT_MODIFIER_WAIT,
            typing: Mutex::new(()),
        })
    }

    /// Sets the pause after each key (default [`DEFAULT_KEY_DELAY`]).
    pub fn with_key_delay(mut self, delay: Duration) -> X11Typist {
        self.key_delay = delay;
        self
    }

    /// Sets how long to wait for held modifier keys to be released (default [`DEFAULT_MODIFIER_WAIT`]).
    pub fn with_modifier_wait(mut self, wait: Duration) -> X11Typist {
        self.modifier_wait = wait;
        self
    }

    /// Waits for the server to have handled every request sent so far (one round trip).
    fn sync(&self) -> Result<(), TypeError> {
        self.connection
            .get_input_focus()
            .map_err(connection_lost)?
            .reply()
            .map_err(reply_lost)?;
        Ok(())
    }

    /// Sends one fake key event (press or release) for `keycode`.
    fn fake_key(&self, event: u8, keycode: u8) -> Result<(), TypeError> {
        self.connection
            .xtest_fake_input(event, keycode, x11rb::CURRENT_TIME, x11rb::NONE, 0, 0, 0)
            .map_err(connection_lost)?;
        Ok(())
    }

    /// Presses and releases one key (with Shift around it if needed), and waits for the server.
    fn stroke(&self, stroke: Stroke, shift_keycode: u8) -> Result<(), TypeError> {
        if stroke.shift {
            self.fake_key(xproto::KEY_PRESS_EVENT, shift_keycode)?;
        }
        self.fake_key(xproto::KEY_PRESS_EVENT, stroke.keycode)?;
        self.fake_key(xproto::KEY_RELEASE_EVENT, stroke.keycode)?;
        if stroke.shift {
            self.fake_key(xproto::KEY_RELEASE_EVENT, shift_keycode)?;
        }
        // The round trip makes the server deliver this key before the next is sent.
        self.sync()
    }

    /// Waits until no modifier key other than Lock is physically down, or gives up.
    fn wait_for_modifiers(
        &self,
        modifiers: &xproto::GetModifierMappingReply,
    ) -> Result<(), TypeError> {
        let per_modifier = modifiers.keycodes.len() / 8;
        let watched: Vec<u8> = modifiers
            .keycodes
            .chunks(per_modifier.max(1))
            .enumerate()
            .filter(|&(index, _)| index != LOCK_INDEX)
            .flat_map(|(_, keycodes)| keycodes.iter().copied())
            .filter(|&keycode| keycode != 0)
            .collect();
        let deadline = Instant::now() + self.modifier_wait;
        loop {
            let keys = self
                .connection
                .query_keymap()
                .map_err(connection_lost)?
                .reply()
                .map_err(reply_lost)?
                .keys;
            let held = watched
                .iter()
                .any(|&keycode| keys[usize::from(keycode / 8)] & (1 << (keycode % 8)) != 0);
            if !held {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(TypeError::ModifiersHeld);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Typist for X11Typist {
    fn focused_window(&self) -> Option<FocusedWindow> {
        let focus = self.connection.get_input_focus().ok()?.reply().ok()?.focus;
        // None (0) and PointerRoot (1) name no window to give the focus back to.
        (focus > 1).then_some(FocusedWindow(focus))
    }

    fn refocus(&self, window: FocusedWindow) -> Result<(), TypeError> {
        self.connection
            .set_input_focus(xproto::InputFocus::PARENT, window.0, x11rb::CURRENT_TIME)
            .map_err(connection_lost)?;
        // A window closed meanwhile makes the server answer BadWindow, as an event nobody reads:
        // nothing to give focus to, which is no error.
        self.sync()
    }

    fn type_text(&self, text: &str, then_enter: bool) -> Result<(), TypeError> {
        // A poisoned lock only means another call panicked mid-code; typing again is still right.
        let _turn = self
            .typing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let setup = self.connection.setup();
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        // Read on every call: the person may have switched layouts since the last code.
        let mapping = self
            .connection
            .get_keyboard_mapping(min, max - min + 1)
            .map_err(connection_lost)?;
        let modifiers = self
            .connection
            .get_modifier_mapping()
            .map_err(connection_lost)?;
        let pointer = self
            .connection
            .query_pointer(self.root)
            .map_err(connection_lost)?;
        let mapping = mapping.reply().map_err(reply_lost)?;
        let modifiers = modifiers.reply().map_err(reply_lost)?;
        let caps_lock = pointer
            .reply()
            .map_err(reply_lost)?
            .mask
            .contains(KeyButMask::LOCK);

        let keymap = Keymap {
            min_keycode: min,
            per_keycode: usize::from(mapping.keysyms_per_keycode),
            keysyms: &mapping.keysyms,
        };
        let plan = keymap.plan(text, then_enter, caps_lock)?;
        let per_modifier = modifiers.keycodes.len() / 8;
        let shift_keycode = modifiers
            .keycodes
            .iter()
            .skip(SHIFT_INDEX * per_modifier)
            .take(per_modifier)
            .copied()
            .find(|&keycode| keycode != 0);
        if plan.0.iter().any(|stroke| stroke.shift) && shift_keycode.is_none() {
            return Err(TypeError::Unavailable {
                reason: "the keyboard has no Shift key mapped, which uppercase letters need".into(),
            });
        }
        self.wait_for_modifiers(&modifiers)?;

        for (index, &stroke) in plan.0.iter().enumerate() {
            if index > 0 && !self.key_delay.is_zero() {
                std::thread::sleep(self.key_delay);
            }
            self.stroke(stroke, shift_keycode.unwrap_or(0))?;
        }
        Ok(())
    }
}

/// A request that could not be sent: the display went away.
fn connection_lost(e: ConnectionError) -> TypeError {
    TypeError::ConnectionLost {
        reason: e.to_string(),
    }
}

/// A reply that did not come: the display went away, or refused a request.
fn reply_lost(e: ReplyError) -> TypeError {
    TypeError::ConnectionLost {
        reason: e.to_string(),
    }
}
