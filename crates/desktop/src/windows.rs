//! Typing on Windows through `SendInput`: key events that carry their character
//! (`KEYEVENTF_UNICODE`), so the keyboard layout in use does not matter.
//!
//! Windows keeps programs from typing into windows of programs with more rights (User Interface
//! Privilege Isolation): a window of a program run as administrator, or a secure screen (UAC,
//! the sign-in screen), drops the events. Recent Windows drops them silently (`SendInput` still
//! counts them as sent), so the integrity level of the window's process is compared with ours
//! before typing; older ones, and secure screens, accept fewer events than given. Both are
//! reported as [`TypeError::InputBlocked`].

use std::sync::Mutex;
use std::time::{Duration, Instant};

use windows_sys::Win32::Foundation::{CloseHandle, HANDLE, HWND};
use windows_sys::Win32::Security::{
    GetSidSubAuthority, GetSidSubAuthorityCount, GetTokenInformation, TOKEN_MANDATORY_LABEL,
    TOKEN_QUERY, TokenIntegrityLevel,
};
use windows_sys::Win32::System::Threading::{
    GetCurrentProcess, OpenProcess, OpenProcessToken, PROCESS_QUERY_LIMITED_INFORMATION,
};
use windows_sys::Win32::UI::Input::KeyboardAndMouse::{
    GetAsyncKeyState, INPUT, INPUT_0, INPUT_KEYBOARD, KEYBDINPUT, KEYEVENTF_KEYUP,
    KEYEVENTF_UNICODE, SendInput, VK_CONTROL, VK_LWIN, VK_MENU, VK_RWIN, VK_SHIFT,
};
use windows_sys::Win32::UI::WindowsAndMessaging::{
    GetForegroundWindow, GetWindowThreadProcessId, IsWindow, SetForegroundWindow,
};

use crate::error::TypeError;
use crate::unicode::{self, WinKey};
use crate::{DEFAULT_KEY_DELAY, DEFAULT_MODIFIER_WAIT, FocusedWindow, Typist};

// The pure plan names the keys by their documented values; they must be Windows' own.
const _: () =
    assert!(unicode::VK_RETURN == windows_sys::Win32::UI::Input::KeyboardAndMouse::VK_RETURN);
const _: () = assert!(unicode::VK_TAB == windows_sys::Win32::UI::Input::KeyboardAndMouse::VK_TAB);

/// The modifier keys that turn digits into shortcuts (Shift, Ctrl, Alt, the Windows keys).
const MODIFIERS: [u16; 5] = [VK_SHIFT, VK_CONTROL, VK_MENU, VK_LWIN, VK_RWIN];

/// Types into the foreground window with `SendInput`.
///
/// `Send + Sync`: one typist can be shared by the app; concurrent calls take turns, so the keys of
/// two codes never interleave.
#[derive(Debug)]
pub struct WindowsTypist {
    /// The pause between keys.
    key_delay: Duration,
    /// How long held modifiers are waited for.
    modifier_wait: Duration,
    /// Held while typing, so two calls never interleave their keys.
    typing: Mutex<()>,
}

impl Default for WindowsTypist {
    fn default() -> Self {
        WindowsTypist::new()
    }
}

impl WindowsTypist {
    /// A typist with the default pauses ([`DEFAULT_KEY_DELAY`], [`DEFAULT_MODIFIER_WAIT`]).
    pub fn new() -> WindowsTypist {
        WindowsTypist {
            key_delay: DEFAULT_KEY_DELAY,
            modifier_wait: DEFAULT_MODIFIER_WAIT,
            typing: Mutex::new(()),
        }
    }

    /// Sets the pause after each key (default [`DEFAULT_KEY_DELAY`]).
    pub fn with_key_delay(mut self, delay: Duration) -> WindowsTypist {
        self.key_delay = delay;
        self
    }

    /// Sets how long to wait for held modifier keys to be released (default [`DEFAULT_MODIFIER_WAIT`]).
    pub fn with_modifier_wait(mut self, wait: Duration) -> WindowsTypist {
        self.modifier_wait = wait;
        self
    }

    /// Waits until no modifier key is down, or gives up with [`TypeError::ModifiersHeld`].
    fn wait_for_modifiers(&self) -> Result<(), TypeError> {
        let deadline = Instant::now() + self.modifier_wait;
        loop {
            // The high bit of GetAsyncKeyState: the key is down now.
            // SAFETY (the unsafe call below): takes a key code, reads the keyboard's state.
            let held = MODIFIERS
                .iter()
                .any(|&vk| unsafe { GetAsyncKeyState(i32::from(vk)) } < 0);
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

/// The `INPUT` structure of one planned key event.
fn input(key: &WinKey) -> INPUT {
    let mut flags = 0;
    if key.unicode {
        flags |= KEYEVENTF_UNICODE;
    }
    if key.up {
        flags |= KEYEVENTF_KEYUP;
    }
    INPUT {
        r#type: INPUT_KEYBOARD,
        Anonymous: INPUT_0 {
            ki: KEYBDINPUT {
                wVk: key.vk,
                wScan: key.scan,
                dwFlags: flags,
                time: 0,
                dwExtraInfo: 0,
            },
        },
    }
}

/// The integrity level (its relative id: 0x2000 medium, 0x3000 high ...) of a process.
///
/// # Safety
///
/// `process` must be a process handle with `PROCESS_QUERY_LIMITED_INFORMATION` access.
unsafe fn integrity_level(process: HANDLE) -> Option<u32> {
    let mut token = std::ptr::null_mut();
    // SAFETY: `token` receives a handle, closed below; the buffer outlives the calls that
    // write and read it, and is u64-aligned like the label it holds.
    unsafe {
        if OpenProcessToken(process, TOKEN_QUERY, &mut token) == 0 {
            return None;
        }
        let mut buffer = [0u64; 16];
        let mut length = 0;
        let read = GetTokenInformation(
            token,
            TokenIntegrityLevel,
            buffer.as_mut_ptr().cast(),
            std::mem::size_of_val(&buffer) as u32,
            &mut length,
        );
        CloseHandle(token);
        if read == 0 {
            return None;
        }
        let sid = (*buffer.as_ptr().cast::<TOKEN_MANDATORY_LABEL>()).Label.Sid;
        let count = *GetSidSubAuthorityCount(sid);
        // The level is the label's last sub-authority.
        (count > 0).then(|| *GetSidSubAuthority(sid, u32::from(count) - 1))
    }
}

/// Whether the process of the window in front runs with more rights than ours (as
/// administrator), so that Windows would drop our key events. Unknown counts as no: typing
/// is tried, and `SendInput` may still report the refusal.
fn foreground_outranks_us() -> bool {
    // SAFETY: plain queries; the process handle opened is closed before returning.
    unsafe {
        let window = GetForegroundWindow();
        if window.is_null() {
            return false;
        }
        let mut pid = 0;
        GetWindowThreadProcessId(window, &mut pid);
        if pid == 0 {
            return false;
        }
        let process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
        if process.is_null() {
            return false;
        }
        let theirs = integrity_level(process);
        CloseHandle(process);
        // GetCurrentProcess is a pseudo-handle with every right: no need to close it.
        let ours = integrity_level(GetCurrentProcess());
        matches!((theirs, ours), (Some(theirs), Some(ours)) if theirs > ours)
    }
}

/// The handle kept in a [`FocusedWindow`]: its lower 32 bits (all that are significant).
fn window_id(hwnd: HWND) -> u32 {
    hwnd as usize as u32
}

/// The handle of a [`FocusedWindow`], sign-extended as Windows documents for 32-bit handles.
fn hwnd(window: FocusedWindow) -> HWND {
    window.0 as i32 as isize as HWND
}

impl Typist for WindowsTypist {
    fn focused_window(&self) -> Option<FocusedWindow> {
        // SAFETY: takes nothing; the handle is only kept as a number.
        let hwnd = unsafe { GetForegroundWindow() };
        (!hwnd.is_null()).then(|| FocusedWindow(window_id(hwnd)))
    }

    fn refocus(&self, window: FocusedWindow) -> Result<(), TypeError> {
        let hwnd = hwnd(window);
        // A window closed meanwhile: nothing to give focus to, which is no error.
        // SAFETY: IsWindow accepts any value, and says whether it names a window.
        if unsafe { IsWindow(hwnd) } == 0 {
            return Ok(());
        }
        // Windows grants this only to the program in front (ours, while the quick search
        // closes); refused, the code would go to whatever window is in front now.
        // SAFETY: a window handle checked just above; a window gone since makes it fail.
        if unsafe { SetForegroundWindow(hwnd) } == 0 {
            return Err(TypeError::Unavailable {
                reason:
                    "Windows did not give the keyboard focus back to the window the code was for"
                        .into(),
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
        let plan = unicode::windows_plan(text, then_enter)?;
        self.wait_for_modifiers()?;
        if foreground_outranks_us() {
            return Err(TypeError::InputBlocked {
                partly_typed: false,
            });
        }
        for (index, keys) in plan.0.iter().enumerate() {
            if index > 0 && !self.key_delay.is_zero() {
                std::thread::sleep(self.key_delay);
            }
            let mut inputs: Vec<INPUT> = keys.iter().map(input).collect();
            let count = inputs.len() as u32;
            // SAFETY: `count` INPUT structures of the size given, alive during the call.
            let sent =
                unsafe { SendInput(count, inputs.as_ptr(), std::mem::size_of::<INPUT>() as i32) };
            // The inputs name the code's characters: overwrite them before they are freed.
            for input in &mut inputs {
                // SAFETY: INPUT is plain data (integers in a union), for which all zeros is valid.
                unsafe { zeroize::zeroize_flat_type(input) };
            }
            if sent != count {
                return Err(TypeError::InputBlocked {
                    partly_typed: index > 0 || sent > 0,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_handles_survive_the_round_trip_through_32_bits() {
        for raw in [0x0001_0a3c_usize, 0x7fff_fff0, 0xffff_ffff_ffff_fffc] {
            let window = FocusedWindow(window_id(raw as HWND));
            assert_eq!(hwnd(window) as usize, raw);
        }
    }
}
