//! Typing on macOS through `CGEvent`: key events that carry their character
//! (`CGEventKeyboardSetUnicodeString`), so the keyboard layout in use does not matter.
//!
//! macOS drops events posted by an app the person has not allowed to control the computer
//! (System Settings → Privacy & Security → Accessibility), without telling it: the permission is
//! checked before every code ([`TypeError::AccessibilityNeeded`]), so allowing it takes effect
//! at the next code, without restarting. The first refusal in a run also asks macOS to show
//! its own prompt, which lists Countersign there (switched off) and opens the settings.

use std::ffi::c_void;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use objc2::rc::Retained;
use objc2_app_kit::{NSApplicationActivationOptions, NSRunningApplication, NSWorkspace};
use objc2_core_graphics::{
    CGEvent, CGEventFlags, CGEventSource, CGEventSourceStateID, CGEventTapLocation,
};
use objc2_foundation::{NSDictionary, NSNumber, NSString};

use crate::error::TypeError;
use crate::unicode::{self, MacKey};
use crate::{DEFAULT_KEY_DELAY, DEFAULT_MODIFIER_WAIT, FocusedWindow, Typist};

#[link(name = "ApplicationServices", kind = "framework")]
unsafe extern "C" {
    /// Whether this process may control the computer (is listed and on under Accessibility).
    /// Returns a `Boolean` (an unsigned char).
    fn AXIsProcessTrusted() -> u8;
    /// The same, with options (a `CFDictionary`): the prompt option shows macOS's own dialog.
    fn AXIsProcessTrustedWithOptions(options: *const c_void) -> u8;
    /// The option key (a `CFString`) asking for that dialog.
    static kAXTrustedCheckOptionPrompt: *const c_void;
}

/// Whether macOS's Accessibility prompt was asked for in this run (once is enough: it lists the
/// app, and asking again would show the dialog on every code).
static PROMPTED: AtomicBool = AtomicBool::new(false);

/// Asks macOS, once per run, to show its prompt for the Accessibility permission.
fn prompt_once() {
    if PROMPTED.swap(true, Ordering::SeqCst) {
        return;
    }
    // SAFETY: the key is a constant CFString of the framework, toll-free bridged to NSString.
    let key: &NSString = unsafe { &*kAXTrustedCheckOptionPrompt.cast::<NSString>() };
    let yes = NSNumber::numberWithBool(true);
    let options: Retained<NSDictionary<NSString, NSNumber>> =
        NSDictionary::from_slices(&[key], &[&*yes]);
    // SAFETY: an NSDictionary is a CFDictionary (toll-free bridged), alive during the call.
    unsafe { AXIsProcessTrustedWithOptions(Retained::as_ptr(&options).cast()) };
}

/// The modifiers that turn characters into shortcuts: Shift, Control, Option, Command.
const MODIFIERS: CGEventFlags = CGEventFlags::MaskShift
    .union(CGEventFlags::MaskControl)
    .union(CGEventFlags::MaskAlternate)
    .union(CGEventFlags::MaskCommand);

/// Types into the frontmost app by posting `CGEvent`s to the HID event tap.
///
/// `Send + Sync`: one typist can be shared by the app; concurrent calls take turns, so the keys of
/// two codes never interleave.
#[derive(Debug)]
pub struct MacTypist {
    /// The pause between keys.
    key_delay: Duration,
    /// How long held modifiers are waited for.
    modifier_wait: Duration,
    /// Held while typing, so two calls never interleave their keys.
    typing: Mutex<()>,
}

impl Default for MacTypist {
    fn default() -> Self {
        MacTypist::new()
    }
}

impl MacTypist {
    /// A typist with the default pauses ([`DEFAULT_KEY_DELAY`], [`DEFAULT_MODIFIER_WAIT`]).
    pub fn new() -> MacTypist {
        MacTypist {
            key_delay: DEFAULT_KEY_DELAY,
            modifier_wait: DEFAULT_MODIFIER_WAIT,
            typing: Mutex::new(()),
        }
    }

    /// Sets the pause after each key (default [`DEFAULT_KEY_DELAY`]).
    pub fn with_key_delay(mut self, delay: Duration) -> MacTypist {
        self.key_delay = delay;
        self
    }

    /// Sets how long to wait for held modifier keys to be released (default [`DEFAULT_MODIFIER_WAIT`]).
    pub fn with_modifier_wait(mut self, wait: Duration) -> MacTypist {
        self.modifier_wait = wait;
        self
    }

    /// Whether the person allowed Countersign under Accessibility (without which typing does
    /// nothing).
    pub fn is_allowed() -> bool {
        // SAFETY: takes nothing, only reads this process's permission.
        unsafe { AXIsProcessTrusted() != 0 }
    }

    /// Waits until no modifier key is down, or gives up with [`TypeError::ModifiersHeld`].
    fn wait_for_modifiers(&self) -> Result<(), TypeError> {
        let deadline = Instant::now() + self.modifier_wait;
        loop {
            // The keyboard itself (HID state), not what other programs posted.
            let flags = CGEventSource::flags_state(CGEventSourceStateID::HIDSystemState);
            if !flags.intersects(MODIFIERS) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(TypeError::ModifiersHeld);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Posts one planned key event.
fn post(source: Option<&CGEventSource>, key: &MacKey) -> Result<(), TypeError> {
    let event = CGEvent::new_keyboard_event(source, key.keycode, key.down).ok_or_else(|| {
        TypeError::Unavailable {
            reason: "macOS could not create a key event".into(),
        }
    })?;
    // No modifier from the keyboard's state: the events carry exactly their characters.
    CGEvent::set_flags(Some(&event), CGEventFlags::empty());
    if key.len > 0 {
        // SAFETY: `units` holds `len` (1 or 2) UTF-16 units, read during the call only.
        unsafe {
            CGEvent::keyboard_set_unicode_string(Some(&event), key.len.into(), key.units.as_ptr());
        }
    }
    CGEvent::post(CGEventTapLocation::HIDEventTap, Some(&event));
    Ok(())
}

impl Typist for MacTypist {
    fn focused_window(&self) -> Option<FocusedWindow> {
        let front = NSWorkspace::sharedWorkspace().frontmostApplication()?;
        let pid = front.processIdentifier();
        // -1: an app without a process; ourselves in front: nothing to give the focus back to.
        let id = pid.unsigned_abs();
        (pid > 0 && id != std::process::id()).then_some(FocusedWindow(id))
    }

    fn refocus(&self, window: FocusedWindow) -> Result<(), TypeError> {
        let Ok(pid) = i32::try_from(window.0) else {
            return Ok(());
        };
        // An app that quit meanwhile: nothing to give focus to, which is no error.
        let Some(app) = NSRunningApplication::runningApplicationWithProcessIdentifier(pid) else {
            return Ok(());
        };
        if !app.activateWithOptions(NSApplicationActivationOptions::empty()) {
            return Err(TypeError::Unavailable {
                reason: "macOS did not bring back the app the code was for".into(),
            });
        }
        Ok(())
    }

    fn type_text(&self, text: &str, then_enter: bool) -> Result<(), TypeError> {
        // A poisoned lock only means another call panicked mid-code; typing again is still right.
        let _turn = self
            .typing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let plan = unicode::mac_plan(text, then_enter)?;
        if !MacTypist::is_allowed() {
            prompt_once();
            return Err(TypeError::AccessibilityNeeded);
        }
        self.wait_for_modifiers()?;
        // The HID system's source, as for the keyboard's own events; their flags are cleared
        // one by one (post), so nothing held on the keyboard mixes in.
        let source = CGEventSource::new(CGEventSourceStateID::HIDSystemState);
        for (index, keys) in plan.0.iter().enumerate() {
            if index > 0 && !self.key_delay.is_zero() {
                std::thread::sleep(self.key_delay);
            }
            for key in keys {
                post(source.as_deref(), key)?;
            }
        }
        Ok(())
    }
}
