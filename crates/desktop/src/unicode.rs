//! From characters to key events carrying the characters themselves (Windows, macOS).
//!
//! Windows (`SendInput` with `KEYEVENTF_UNICODE`) and macOS (`CGEvent` with a Unicode string)
//! both let a key event carry the character it types, so no keyboard layout is consulted and
//! any layout types digits and Latin letters. Only Enter and Tab are real keys. Pure, so the
//! event lists are tested on every system.

use zeroize::Zeroize;

use crate::error::{CharClass, TypeError};

/// A key that is pressed as itself rather than typed as a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Special {
    /// Enter (Return).
    Enter,
    /// Tab.
    Tab,
}

/// What one character of a code is typed as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Typed {
    /// The character itself, carried by the key event.
    Char(char),
    /// A real key.
    Key(Special),
}

/// How `c` is typed: newline and tab as their keys, other control characters not at all
/// (they type nothing visible, and in a code they are a mistake), anything else as itself.
fn typed(c: char) -> Option<Typed> {
    match c {
        '\n' => Some(Typed::Key(Special::Enter)),
        '\t' => Some(Typed::Key(Special::Tab)),
        _ if c.is_control() => None,
        _ => Some(Typed::Char(c)),
    }
}

/// What `text` (then Enter if asked) is typed as, checking every character before any is typed.
fn check(text: &str, then_enter: bool) -> Result<Vec<Typed>, TypeError> {
    let mut all = Vec::with_capacity(text.len() + 1);
    for (index, c) in text.chars().enumerate() {
        match typed(c) {
            Some(t) => all.push(t),
            None => {
                wipe(&mut all);
                return Err(TypeError::NoKey {
                    class: CharClass::of(c),
                    position: index + 1,
                });
            }
        }
    }
    if then_enter {
        all.push(Typed::Key(Special::Enter));
    }
    Ok(all)
}

/// Overwrites every entry of `typed` (they spell a code), then empties it.
fn wipe(typed: &mut Vec<Typed>) {
    for entry in typed.iter_mut() {
        // SAFETY: a valid, aligned element; volatile so the store is not dropped as dead.
        unsafe { std::ptr::write_volatile(entry, Typed::Char('\0')) };
    }
    typed.clear();
}

/// Key events that spell a code, one group per character (sent together, with a pause between
/// groups): wiped when dropped, and never printed.
pub(crate) struct KeyPlan<T: Zeroize>(pub Vec<Vec<T>>);

impl<T: Zeroize> Drop for KeyPlan<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> std::fmt::Debug for KeyPlan<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyPlan({} keys)", self.0.len())
    }
}

/// Builds the plan for `text`: `events` turns one typed character into its group of events.
fn plan<T: Zeroize>(
    text: &str,
    then_enter: bool,
    events: impl Fn(Typed) -> Vec<T>,
) -> Result<KeyPlan<T>, TypeError> {
    let mut typed = check(text, then_enter)?;
    let plan = KeyPlan(typed.iter().map(|&t| events(t)).collect());
    wipe(&mut typed);
    Ok(plan)
}

/// One Windows keyboard `INPUT`: either a UTF-16 unit (`KEYEVENTF_UNICODE`, virtual key 0) or a
/// virtual key with its scan code.
#[cfg(any(test, windows))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Zeroize)]
pub(crate) struct WinKey {
    /// The virtual key (0 for a Unicode unit).
    pub vk: u16,
    /// The UTF-16 unit for a Unicode event, else the key's scan code.
    pub scan: u16,
    /// Whether this is a `KEYEVENTF_UNICODE` event.
    pub unicode: bool,
    /// Whether this is the release (`KEYEVENTF_KEYUP`).
    pub up: bool,
}

/// `VK_RETURN`.
#[cfg(any(test, windows))]
pub(crate) const VK_RETURN: u16 = 0x0d;
/// `VK_TAB`.
#[cfg(any(test, windows))]
pub(crate) const VK_TAB: u16 = 0x09;
/// The set-1 scan codes of Enter and Tab, which every PC keyboard sends: some programs (remote
/// desktop clients, games) read the scan code rather than the virtual key.
#[cfg(any(test, windows))]
const SCAN_RETURN: u16 = 0x1c;
/// The set-1 scan code of Tab.
#[cfg(any(test, windows))]
const SCAN_TAB: u16 = 0x0f;

/// The `SendInput` events that type `text` (then Enter if asked): per character a Unicode key
/// down and up (for characters beyond the Basic Multilingual Plane, one down and up per UTF-16
/// unit, as Windows' own input methods send them), Enter and Tab as their virtual keys.
#[cfg(any(test, windows))]
pub(crate) fn windows_plan(text: &str, then_enter: bool) -> Result<KeyPlan<WinKey>, TypeError> {
    plan(text, then_enter, |typed| {
        let press = |vk, scan, unicode| {
            [false, true].map(|up| WinKey {
                vk,
                scan,
                unicode,
                up,
            })
        };
        match typed {
            Typed::Key(Special::Enter) => press(VK_RETURN, SCAN_RETURN, false).to_vec(),
            Typed::Key(Special::Tab) => press(VK_TAB, SCAN_TAB, false).to_vec(),
            Typed::Char(c) => {
                let mut units = [0; 2];
                c.encode_utf16(&mut units)
                    .iter()
                    .flat_map(|&unit| press(0, unit, true))
                    .collect()
            }
        }
    })
}

/// One macOS keyboard `CGEvent`: a virtual key code, with the characters it types when set.
#[cfg(any(test, target_os = "macos"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Zeroize)]
pub(crate) struct MacKey {
    /// The virtual key code (`kVK_*`): 0 for a character event, whose string is what counts.
    pub keycode: u16,
    /// The UTF-16 units of the character (`CGEventKeyboardSetUnicodeString`), `len` of them.
    pub units: [u16; 2],
    /// How many of `units` are used (0 for a real key: its own symbol is typed).
    pub len: u8,
    /// Whether this is the press (else the release).
    pub down: bool,
}

/// `kVK_Return`.
#[cfg(any(test, target_os = "macos"))]
pub(crate) const KVK_RETURN: u16 = 0x24;
/// `kVK_Tab`.
#[cfg(any(test, target_os = "macos"))]
pub(crate) const KVK_TAB: u16 = 0x30;

/// The `CGEvent`s that type `text` (then Enter if asked): per character a key down and up
/// carrying the character, Enter and Tab as their virtual keys.
#[cfg(any(test, target_os = "macos"))]
pub(crate) fn mac_plan(text: &str, then_enter: bool) -> Result<KeyPlan<MacKey>, TypeError> {
    plan(text, then_enter, |typed| {
        let (keycode, units, len) = match typed {
            Typed::Key(Special::Enter) => (KVK_RETURN, [0; 2], 0),
            Typed::Key(Special::Tab) => (KVK_TAB, [0; 2], 0),
            Typed::Char(c) => {
                let mut units = [0; 2];
                let len = c.encode_utf16(&mut units).len() as u8;
                (0, units, len)
            }
        };
        [true, false]
            .map(|down| MacKey {
                keycode,
                units,
                len,
                down,
            })
            .to_vec()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unicode(c: char, up: bool) -> WinKey {
        WinKey {
            vk: 0,
            scan: c as u16,
            unicode: true,
            up,
        }
    }

    fn character(c: char, down: bool) -> MacKey {
        MacKey {
            keycode: 0,
            units: [c as u16, 0],
            len: 1,
            down,
        }
    }

    #[test]
    fn characters_are_checked_before_anything_is_typed() {
        assert_eq!(typed('7'), Some(Typed::Char('7')));
        assert_eq!(typed('é'), Some(Typed::Char('é')));
        assert_eq!(typed('\n'), Some(Typed::Key(Special::Enter)));
        assert_eq!(typed('\t'), Some(Typed::Key(Special::Tab)));
        assert_eq!(typed('\u{7}'), None);
        assert_eq!(typed('\u{7f}'), None);
        assert_eq!(
            check("12\u{0}4", true).unwrap_err(),
            TypeError::NoKey {
                class: CharClass::Other,
                position: 3
            }
        );
        assert_eq!(
            check("2B", true).unwrap(),
            [
                Typed::Char('2'),
                Typed::Char('B'),
                Typed::Key(Special::Enter)
            ]
        );
        assert_eq!(check("", false).unwrap(), []);
    }

    #[test]
    fn windows_types_each_digit_as_a_unicode_press_and_enter_as_vk_return() {
        let plan = windows_plan("492039", true).unwrap();
        assert_eq!(plan.0.len(), 7);
        let events: Vec<WinKey> = plan.0.iter().flatten().copied().collect();
        let mut expected = Vec::new();
        for c in "492039".chars() {
            expected.push(unicode(c, false));
            expected.push(unicode(c, true));
        }
        let enter = |up| WinKey {
            vk: 0x0d,
            scan: 0x1c,
            unicode: false,
            up,
        };
        expected.extend([enter(false), enter(true)]);
        assert_eq!(events.len(), 14);
        assert_eq!(events, expected);
    }

    #[test]
    fn windows_sends_letters_as_they_are_and_tab_as_its_key() {
        let plan = windows_plan("2b\tY", false).unwrap();
        let events: Vec<WinKey> = plan.0.iter().flatten().copied().collect();
        let tab = |up| WinKey {
            vk: 0x09,
            scan: 0x0f,
            unicode: false,
            up,
        };
        assert_eq!(
            events,
            [
                unicode('2', false),
                unicode('2', true),
                unicode('b', false),
                unicode('b', true),
                tab(false),
                tab(true),
                unicode('Y', false),
                unicode('Y', true),
            ]
        );
    }

    #[test]
    fn windows_sends_a_surrogate_pair_unit_by_unit() {
        let plan = windows_plan("😀", false).unwrap();
        let scans: Vec<(u16, bool)> = plan.0[0].iter().map(|k| (k.scan, k.up)).collect();
        assert_eq!(
            scans,
            [
                (0xd83d, false),
                (0xd83d, true),
                (0xde00, false),
                (0xde00, true)
            ]
        );
    }

    #[test]
    fn mac_types_each_digit_as_a_string_and_enter_as_kvk_return() {
        let plan = mac_plan("492039", true).unwrap();
        assert_eq!(plan.0.len(), 7);
        let events: Vec<MacKey> = plan.0.iter().flatten().copied().collect();
        let mut expected = Vec::new();
        for c in "492039".chars() {
            expected.push(character(c, true));
            expected.push(character(c, false));
        }
        let enter = |down| MacKey {
            keycode: 0x24,
            units: [0, 0],
            len: 0,
            down,
        };
        expected.extend([enter(true), enter(false)]);
        assert_eq!(events.len(), 14);
        assert_eq!(events, expected);
    }

    #[test]
    fn mac_carries_a_character_beyond_the_bmp_in_one_event_pair() {
        let plan = mac_plan("\t😀", false).unwrap();
        let tab = |down| MacKey {
            keycode: 0x30,
            units: [0, 0],
            len: 0,
            down,
        };
        let emoji = |down| MacKey {
            keycode: 0,
            units: [0xd83d, 0xde00],
            len: 2,
            down,
        };
        assert_eq!(
            plan.0,
            [vec![tab(true), tab(false)], vec![emoji(true), emoji(false)]]
        );
    }

    #[test]
    fn a_bad_character_plans_nothing_and_names_its_position() {
        assert_eq!(
            windows_plan("1\u{1b}", true).unwrap_err(),
            TypeError::NoKey {
                class: CharClass::Other,
                position: 2
            }
        );
        assert_eq!(
            mac_plan("\u{8}", false).unwrap_err(),
            TypeError::NoKey {
                class: CharClass::Other,
                position: 1
            }
        );
    }

    #[test]
    fn a_plan_does_not_print_its_keys() {
        let plan = mac_plan("21", true).unwrap();
        assert_eq!(format!("{plan:?}"), "KeyPlan(3 keys)");
    }
}
