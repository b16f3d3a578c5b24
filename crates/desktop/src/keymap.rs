//! From characters to key presses on an X core keyboard map: which keycode, and whether Shift.
//!
//! Pure: the map is passed in as the X server reports it (`GetKeyboardMapping`), so the rules
//! are tested here on layouts this machine does not have (AZERTY, lowercase-only entries).

use zeroize::Zeroize;

use crate::error::{CharClass, TypeError};

/// An X keysym (a symbol a key produces).
pub(crate) type Keysym = u32;

/// The keysym "no symbol" in a keyboard map.
const NO_SYMBOL: Keysym = 0;
/// The keysym of the Return (Enter) key.
pub(crate) const RETURN: Keysym = 0xff0d;
/// The keysym of the Tab key.
const TAB: Keysym = 0xff09;

/// The keysym that types `c`, if X has one.
///
/// Latin-1 characters are their own keysyms; the rest of Unicode is 0x0100_0000 + the code point
/// (the X11 keysym encoding). Control characters other than newline and tab have none.
pub(crate) fn keysym_for(c: char) -> Option<Keysym> {
    let code = u32::from(c);
    match c {
        '\n' => Some(RETURN),
        '\t' => Some(TAB),
        ' '..='~' | '\u{a0}'..='\u{ff}' => Some(code),
        _ if c.is_control() => None,
        _ => Some(0x0100_0000 + code),
    }
}

/// One key to press and release, with Shift held around it or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Zeroize)]
pub(crate) struct Stroke {
    /// The X keycode.
    pub keycode: u8,
    /// Whether Shift is held while the key is pressed.
    pub shift: bool,
}

/// The core keyboard map of an X server: `per_keycode` keysyms for each keycode from `min_keycode`.
pub(crate) struct Keymap<'a> {
    /// The first keycode the map describes.
    pub min_keycode: u8,
    /// Keysyms listed per keycode (columns: group 1 level 1, level 2, group 2 ...).
    pub per_keycode: usize,
    /// The keysyms, `per_keycode` per keycode.
    pub keysyms: &'a [Keysym],
}

impl Keymap<'_> {
    /// The two symbols of a key in the first group: unshifted and shifted.
    ///
    /// Applies the core protocol's rule: a lone letter in the first column means its lowercase
    /// unshifted and its uppercase shifted; any other lone symbol means itself on both levels.
    fn levels(entry: &[Keysym]) -> (Keysym, Keysym) {
        let first = entry.first().copied().unwrap_or(NO_SYMBOL);
        let second = entry.get(1).copied().unwrap_or(NO_SYMBOL);
        if second != NO_SYMBOL {
            return (first, second);
        }
        match case_pair(first) {
            Some((lower, upper)) => (lower, upper),
            None => (first, first),
        }
    }

    /// The stroke that types `keysym`, preferring a key that needs no Shift.
    ///
    /// `caps_lock` inverts Shift for letters, as the default X layouts do (Caps Lock gives the
    /// uppercase, Shift + Caps Lock the lowercase). Only the first group without AltGr is used:
    /// keys that need AltGr or another group are reported missing rather than guessed at.
    pub(crate) fn stroke_for(&self, keysym: Keysym, caps_lock: bool) -> Option<Stroke> {
        if self.per_keycode == 0 {
            return None;
        }
        let mut shifted = None;
        for (index, entry) in self.keysyms.chunks(self.per_keycode).enumerate() {
            let Ok(keycode) = u8::try_from(usize::from(self.min_keycode) + index) else {
                break;
            };
            let (unshifted, with_shift) = Self::levels(entry);
            let alphabetic = case_pair(unshifted) == Some((unshifted, with_shift));
            let invert = caps_lock && alphabetic;
            if unshifted == keysym {
                let stroke = Stroke {
                    keycode,
                    shift: invert,
                };
                if !stroke.shift {
                    return Some(stroke);
                }
                shifted.get_or_insert(stroke);
            } else if with_shift == keysym {
                let stroke = Stroke {
                    keycode,
                    shift: !invert,
                };
                if !stroke.shift {
                    return Some(stroke);
                }
                shifted.get_or_insert(stroke);
            }
        }
        shifted
    }

    /// The strokes that type `text` (then Enter if asked), or which character has no key.
    ///
    /// Every character is looked up before anything is typed, so a missing key types nothing.
    pub(crate) fn plan(
        &self,
        text: &str,
        then_enter: bool,
        caps_lock: bool,
    ) -> Result<Plan, TypeError> {
        let mut strokes = Plan(Vec::with_capacity(text.len() + 1));
        for (index, c) in text.chars().enumerate() {
            let stroke = keysym_for(c).and_then(|keysym| self.stroke_for(keysym, caps_lock));
            match stroke {
                Some(stroke) => strokes.0.push(stroke),
                None => {
                    return Err(TypeError::NoKey {
                        class: CharClass::of(c),
                        position: index + 1,
                    });
                }
            }
        }
        if then_enter {
            match self.stroke_for(RETURN, false) {
                Some(stroke) => strokes.0.push(stroke),
                None => {
                    return Err(TypeError::NoKey {
                        class: CharClass::Other,
                        position: text.chars().count() + 1,
                    });
                }
            }
        }
        Ok(strokes)
    }
}

/// Keystrokes that spell a code: wiped when dropped, and never printed.
pub(crate) struct Plan(pub Vec<Stroke>);

impl Drop for Plan {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl std::fmt::Debug for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Plan({} strokes)", self.0.len())
    }
}

/// The (lowercase, uppercase) pair of a Latin-1 letter keysym, if it is one.
fn case_pair(keysym: Keysym) -> Option<(Keysym, Keysym)> {
    match keysym {
        0x41..=0x5a => Some((keysym + 0x20, keysym)),
        0x61..=0x7a => Some((keysym, keysym - 0x20)),
        // Latin-1 letters (À–Þ and à–þ), except × and ÷, which sit where a letter pair would.
        0xc0..=0xde if keysym != 0xd7 => Some((keysym + 0x20, keysym)),
        0xe0..=0xfe if keysym != 0xf7 => Some((keysym, keysym - 0x20)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A US-like map from keycode 8, two columns: digits unshifted, letters lowercase/uppercase.
    fn us_map() -> Vec<Keysym> {
        let mut keysyms = vec![0; 2 * 40];
        let mut set = |keycode: usize, pair: (Keysym, Keysym)| {
            keysyms[2 * (keycode - 8)] = pair.0;
            keysyms[2 * (keycode - 8) + 1] = pair.1;
        };
        set(10, ('1' as u32, '!' as u32));
        set(11, ('2' as u32, '@' as u32));
        set(19, ('0' as u32, ')' as u32));
        set(24, ('q' as u32, 'Q' as u32));
        set(36, (RETURN, NO_SYMBOL));
        // A lone uppercase letter: the core protocol reads it as the pair (b, B).
        set(40, ('B' as u32, NO_SYMBOL));
        keysyms
    }

    fn map(keysyms: &[Keysym]) -> Keymap<'_> {
        Keymap {
            min_keycode: 8,
            per_keycode: 2,
            keysyms,
        }
    }

    fn stroke(keycode: u8, shift: bool) -> Stroke {
        Stroke { keycode, shift }
    }

    #[test]
    fn keysyms_follow_the_x11_encoding() {
        assert_eq!(keysym_for('7'), Some(0x37));
        assert_eq!(keysym_for('Y'), Some(0x59));
        assert_eq!(keysym_for('é'), Some(0xe9));
        assert_eq!(keysym_for('€'), Some(0x0100_20ac));
        assert_eq!(keysym_for('\n'), Some(RETURN));
        assert_eq!(keysym_for('\u{7}'), None);
    }

    #[test]
    fn digits_letters_and_enter_on_a_us_map() {
        let keysyms = us_map();
        let keymap = map(&keysyms);
        let plan = keymap.plan("21Qq0", true, false).unwrap();
        assert_eq!(
            plan.0,
            [
                stroke(11, false),
                stroke(10, false),
                stroke(24, true),
                stroke(24, false),
                stroke(19, false),
                stroke(36, false)
            ]
        );
    }

    #[test]
    fn a_lone_letter_means_lowercase_unshifted_and_uppercase_shifted() {
        let keysyms = us_map();
        let keymap = map(&keysyms);
        assert_eq!(
            keymap.stroke_for('b' as u32, false),
            Some(stroke(40, false))
        );
        assert_eq!(keymap.stroke_for('B' as u32, false), Some(stroke(40, true)));
    }

    #[test]
    fn caps_lock_inverts_shift_for_letters_only() {
        let keysyms = us_map();
        let keymap = map(&keysyms);
        let plan = keymap.plan("Qq1", false, true).unwrap();
        assert_eq!(
            plan.0,
            [stroke(24, false), stroke(24, true), stroke(10, false)]
        );
    }

    #[test]
    fn azerty_digits_need_shift() {
        // French AZERTY: the number row gives & é " unshifted and the digits with Shift.
        let mut keysyms = vec![0; 2 * 4];
        keysyms[0..2].copy_from_slice(&['&' as u32, '1' as u32]);
        keysyms[2..4].copy_from_slice(&[0xe9, '2' as u32]);
        let keymap = map(&keysyms);
        let plan = keymap.plan("21", false, false).unwrap();
        assert_eq!(plan.0, [stroke(9, true), stroke(8, true)]);
        // Caps Lock does not turn é into É here: that key is not a letter pair.
        assert_eq!(keymap.stroke_for('2' as u32, true), Some(stroke(9, true)));
    }

    #[test]
    fn an_unshifted_key_is_preferred_over_a_shifted_one() {
        // The digit on a shifted column first, then the same digit unshifted (like a keypad).
        let mut keysyms = vec![0; 2 * 2];
        keysyms[0..2].copy_from_slice(&['&' as u32, '1' as u32]);
        keysyms[2..4].copy_from_slice(&['1' as u32, NO_SYMBOL]);
        let keymap = map(&keysyms);
        assert_eq!(keymap.stroke_for('1' as u32, false), Some(stroke(9, false)));
    }

    #[test]
    fn a_missing_key_names_its_class_and_position_and_plans_nothing() {
        let keysyms = us_map();
        let keymap = map(&keysyms);
        assert_eq!(
            keymap.plan("12€", false, false).unwrap_err(),
            TypeError::NoKey {
                class: CharClass::Other,
                position: 3
            }
        );
        assert_eq!(
            keymap.plan("1Z", false, false).unwrap_err(),
            TypeError::NoKey {
                class: CharClass::Letter,
                position: 2
            }
        );
        assert_eq!(
            keymap.plan("19", false, false).unwrap_err(),
            TypeError::NoKey {
                class: CharClass::Digit,
                position: 2
            }
        );
    }

    #[test]
    fn a_map_without_return_cannot_press_enter() {
        let keysyms = ['1' as u32, NO_SYMBOL];
        let keymap = map(&keysyms);
        assert!(keymap.plan("1", false, false).is_ok());
        assert_eq!(
            keymap.plan("1", true, false).unwrap_err(),
            TypeError::NoKey {
                class: CharClass::Other,
                position: 2
            }
        );
    }

    #[test]
    fn a_plan_does_not_print_its_strokes() {
        let keysyms = us_map();
        let plan = map(&keysyms).plan("21", false, false).unwrap();
        assert_eq!(format!("{plan:?}"), "Plan(2 strokes)");
    }
}
