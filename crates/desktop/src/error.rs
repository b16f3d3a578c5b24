//! Why a code could not be typed, in words a person can act on.
//!
//! No variant carries the typed text or any of its characters: the text is a one-time code, and
//! errors end up in logs and on screen.

/// Everything that can stop a code from being typed into the focused window.
///
/// Every variant means "nothing more will be typed"; the caller copies the code instead and shows
/// the message once. [`TypeError::kind`] is a stable name for the UI and for tests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TypeError {
    /// There is no X display to type into (`DISPLAY` is unset or empty).
    #[error(
        "cannot type here: no X display is set (DISPLAY is unset or empty); the code was copied instead"
    )]
    NoDisplay,
    /// The X display is set but could not be reached.
    #[error(
        "cannot type here: the X display {display:?} could not be reached ({reason}); the code was copied instead"
    )]
    CannotConnect {
        /// The display name that was tried.
        display: String,
        /// What the connection attempt answered.
        reason: String,
    },
    /// The X server lacks the XTEST extension, through which key presses are sent.
    #[error(
        "cannot type here: the X server has no XTEST extension (it was started without it); the code was copied instead"
    )]
    XTestMissing,
    /// A character of the text has no key on the current keyboard layout (without AltGr).
    #[error(
        "cannot type here: the keyboard layout in use has no key for the {class} at position {position} of the code; switch to a layout with Latin letters and digits (for example English (US)) or paste the code, which was copied instead"
    )]
    NoKey {
        /// What kind of character is missing (never the character itself: it is part of a code).
        class: CharClass,
        /// Its position in the text, counting from 1.
        position: usize,
    },
    /// A character of the text is not one the typist types (it types digits and Latin letters).
    #[error(
        "cannot type the {class} at position {position} of the code: only digits and Latin letters are typed here; paste the code, which was copied instead"
    )]
    Untypable {
        /// What kind of character it is (never the character itself: it is part of a code).
        class: CharClass,
        /// Its position in the text, counting from 1.
        position: usize,
    },
    /// Modifier keys (Ctrl, Alt, Shift, Super) stayed pressed, which would turn digits into shortcuts.
    #[error(
        "cannot type while Ctrl, Alt, Shift or Super is held down; release them and try again (the code was copied instead)"
    )]
    ModifiersHeld,
    /// The person declined the desktop's request to let Countersign type.
    #[error(
        "typing was not allowed in the desktop's permission dialog; the code was copied instead (allow it there to type codes)"
    )]
    Refused,
    /// Typing is not possible in this kind of session at all.
    #[error("cannot type here: {reason}; the code was copied instead")]
    Unavailable {
        /// Why, in words that name what is missing.
        reason: String,
    },
    /// macOS: Countersign is not allowed to control the computer (Accessibility), without which
    /// the system drops the key events it posts.
    #[error(
        "cannot type here: macOS lets only apps allowed under System Settings → Privacy & Security → Accessibility type into other apps; allow Countersign there (add it with + if it is not listed), then try again; the code was copied instead"
    )]
    AccessibilityNeeded,
    /// Windows: the system did not take the key events, which it does when the window in front
    /// runs as administrator (User Interface Privilege Isolation) or a secure screen is showing.
    #[error(
        "{} Windows does not let programs type into a window that runs as administrator, or into a secure screen such as a UAC prompt, and the window in front is one; paste the code, which was copied instead",
        if *.partly_typed { "typing stopped, and part of the code may have been typed (clear the field):" } else { "cannot type here:" }
    )]
    InputBlocked {
        /// Whether some keys had gone through before Windows refused the rest.
        partly_typed: bool,
    },
    /// The connection to the display broke while typing: part of the code may have been typed.
    #[error(
        "typing stopped: the connection to the display broke ({reason}); part of the code may have been typed, so clear the field and paste the code, which was copied instead"
    )]
    ConnectionLost {
        /// What the connection reported.
        reason: String,
    },
}

impl TypeError {
    /// A stable, machine-readable name of the variant (snake_case), for the UI and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            TypeError::NoDisplay => "no_display",
            TypeError::CannotConnect { .. } => "cannot_connect",
            TypeError::XTestMissing => "xtest_missing",
            TypeError::NoKey { .. } => "no_key",
            TypeError::Untypable { .. } => "untypable",
            TypeError::ModifiersHeld => "modifiers_held",
            TypeError::Refused => "refused",
            TypeError::Unavailable { .. } => "unavailable",
            TypeError::ConnectionLost { .. } => "connection_lost",
            TypeError::AccessibilityNeeded => "accessibility_needed",
            TypeError::InputBlocked { .. } => "input_blocked",
        }
    }
}

/// Why the quick search's global shortcut could not be bound through the desktop.
///
/// Every message tells the person the way that always works: binding the command
/// `countersign-app --quick` in the desktop's own keyboard settings. [`ShortcutError::kind`] is a
/// stable name for the UI and for tests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShortcutError {
    /// The desktop has no GlobalShortcuts portal, or it did not answer.
    #[error(
        "the desktop does not let apps set a global shortcut ({reason}); bind the command `countersign-app --quick` to a key in your desktop's keyboard settings instead"
    )]
    Unavailable {
        /// Why, in words that name what is missing.
        reason: String,
    },
    /// The person declined the shortcut in the desktop's dialog.
    #[error(
        "the shortcut was not allowed in the desktop's dialog; bind the command `countersign-app --quick` to a key in your desktop's keyboard settings instead"
    )]
    Refused,
}

impl ShortcutError {
    /// A stable, machine-readable name of the variant (snake_case), for the UI and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            ShortcutError::Unavailable { .. } => "unavailable",
            ShortcutError::Refused => "refused",
        }
    }
}

/// What kind of character could not be typed: enough to advise the person without revealing the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CharClass {
    /// A digit 0–9.
    Digit,
    /// A Latin letter A–Z or a–z.
    Letter,
    /// Anything else (punctuation, other scripts, control characters).
    Other,
}

impl CharClass {
    /// The class of `c`.
    pub fn of(c: char) -> CharClass {
        if c.is_ascii_digit() {
            CharClass::Digit
        } else if c.is_ascii_alphabetic() {
            CharClass::Letter
        } else {
            CharClass::Other
        }
    }
}

impl std::fmt::Display for CharClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CharClass::Digit => "digit",
            CharClass::Letter => "letter",
            CharClass::Other => "character",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_distinct_and_stable() {
        let all = [
            TypeError::NoDisplay,
            TypeError::CannotConnect {
                display: ":9".into(),
                reason: "refused".into(),
            },
            TypeError::XTestMissing,
            TypeError::NoKey {
                class: CharClass::Letter,
                position: 3,
            },
            TypeError::Untypable {
                class: CharClass::Other,
                position: 2,
            },
            TypeError::ModifiersHeld,
            TypeError::Refused,
            TypeError::Unavailable {
                reason: "no portal".into(),
            },
            TypeError::ConnectionLost {
                reason: "broken pipe".into(),
            },
            TypeError::AccessibilityNeeded,
            TypeError::InputBlocked {
                partly_typed: false,
            },
        ];
        let kinds: Vec<_> = all.iter().map(TypeError::kind).collect();
        assert_eq!(
            kinds,
            [
                "no_display",
                "cannot_connect",
                "xtest_missing",
                "no_key",
                "untypable",
                "modifiers_held",
                "refused",
                "unavailable",
                "connection_lost",
                "accessibility_needed",
                "input_blocked"
            ]
        );
    }

    #[test]
    fn platform_refusals_say_what_to_do() {
        let accessibility = TypeError::AccessibilityNeeded.to_string();
        assert!(
            accessibility.contains("System Settings → Privacy & Security → Accessibility")
                && accessibility.contains("allow Countersign")
                && accessibility.contains("try again")
                && accessibility.contains("the code was copied instead"),
            "{accessibility}"
        );
        let blocked = TypeError::InputBlocked {
            partly_typed: false,
        }
        .to_string();
        assert!(
            blocked.starts_with("cannot type here: Windows does not let programs type into a window that runs as administrator")
                && blocked.contains("copied instead"),
            "{blocked}"
        );
        let partly = TypeError::InputBlocked { partly_typed: true }.to_string();
        assert!(
            partly.starts_with("typing stopped, and part of the code may have been typed"),
            "{partly}"
        );
    }

    #[test]
    fn a_missing_key_is_described_without_the_character() {
        let message = TypeError::NoKey {
            class: CharClass::of('Q'),
            position: 4,
        }
        .to_string();
        assert!(
            message.contains("no key for the letter at position 4"),
            "{message}"
        );
        assert!(!message.contains('Q'), "{message}");
        assert_eq!(CharClass::of('7'), CharClass::Digit);
        assert_eq!(CharClass::of('€'), CharClass::Other);
    }
}
