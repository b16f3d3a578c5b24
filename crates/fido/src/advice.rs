//! What a key's answers mean for a person: each error as a sentence that says what to do, the
//! access help of each platform, and the fingerprint sensor's sample statuses. The app and the
//! CLI show these same words.

use crate::Error;

impl Error {
    /// A stable machine-readable name for the UI and scripts (`pin_invalid`, `timeout`, ...);
    /// `key_error` for what the person cannot act on differently.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::PinInvalid { .. } => "pin_invalid",
            Error::PinBlocked => "pin_blocked",
            Error::PinAuthBlocked => "pin_auth_blocked",
            Error::PinNotSet => "pin_not_set",
            Error::PinRequired => "pin_required",
            Error::PinPolicy(_) => "pin_policy",
            Error::UvBlocked => "uv_blocked",
            Error::Timeout => "timeout",
            Error::Cancelled => "cancelled",
            Error::OperationDenied => "operation_denied",
            Error::NotAllowed => "not_allowed",
            Error::AccessDenied(_) => "access_denied",
            Error::NoKey => "no_key",
            Error::ResetWindowPassed => "reset_window",
            Error::ReplugTimeout { .. } => "timeout",
            _ => "key_error",
        }
    }

    /// The error as a sentence for a person, saying what to do next.
    pub fn advice(&self) -> String {
        match self {
            Error::PinInvalid { retries } => match retries {
                Some(1) => "Wrong PIN. 1 attempt left before the key blocks its PIN.".to_owned(),
                Some(n) => format!("Wrong PIN. {n} attempts left before the key blocks its PIN."),
                None => "Wrong PIN.".to_owned(),
            },
            Error::PinBlocked => "The PIN is blocked after too many wrong attempts. Only a reset \
                                  makes the key usable again, and a reset erases every passkey \
                                  on it."
                .to_owned(),
            Error::PinAuthBlocked => "Three wrong PINs in a row. Unplug the key and plug it back \
                                      in before trying again."
                .to_owned(),
            Error::PinNotSet => "This key has no PIN yet. Set one first.".to_owned(),
            Error::PinRequired => "This key requires its PIN for this operation.".to_owned(),
            Error::UvBlocked => {
                "Fingerprint matching is blocked after too many failures. Use the PIN.".to_owned()
            }
            Error::Timeout => {
                "The key was not touched in time. Try again and touch the key when it blinks."
                    .to_owned()
            }
            Error::Cancelled => "Cancelled.".to_owned(),
            Error::OperationDenied => "The key declined.".to_owned(),
            Error::NotAllowed => "The key does not allow this right now.".to_owned(),
            Error::AccessDenied(_) => access_help().to_owned(),
            Error::NoKey => "The key is no longer plugged in. Plug it in and refresh.".to_owned(),
            Error::ResetWindowPassed => "The key refused: it accepts a reset only within about \
                                         10 seconds of being plugged in. Start again, and touch \
                                         the key as soon as it blinks."
                .to_owned(),
            Error::ReplugTimeout { step } => format!(
                "The key was not {} within a minute. Start again when you are ready.",
                step.done()
            ),
            _ => sentence(&self.to_string()),
        }
    }
}

/// What to do when the OS refuses access to a key, for this platform.
pub fn access_help() -> &'static str {
    if cfg!(target_os = "windows") {
        "Windows lets only administrators talk to security keys directly. Run Countersign as \
         administrator to manage this key."
    } else if cfg!(target_os = "linux") {
        "Your account may not read this key's device (/dev/hidraw*). Systems with systemd 244 or \
         newer allow the signed-in user; elsewhere install Countersign's udev rule \
         70-countersign-fido.rules into /etc/udev/rules.d/ (the .deb puts it in \
         /usr/lib/udev/rules.d/), run \"sudo udevadm control --reload\", then unplug the key \
         and plug it back in."
    } else {
        "The operating system refused access to the key."
    }
}

/// What a fingerprint sample's status (CTAP 2.1 lastEnrollSampleStatus) asks of the person, as
/// a stable name the window words in its language (`good`, `too_high`, ...; `unusable` for a
/// status the specification does not name).
pub fn sample_status(status: u8) -> &'static str {
    match status {
        0x00 => "good",
        0x01 => "too_high",
        0x02 => "too_low",
        0x03 => "too_left",
        0x04 => "too_right",
        0x05 => "too_fast",
        0x06 => "too_slow",
        0x07 => "poor_quality",
        0x08 => "too_skewed",
        0x09 => "too_short",
        0x0A => "merge_failure",
        0x0B => "exists",
        0x0D => "no_finger",
        0x0E => "lift_finger",
        _ => "unusable",
    }
}

/// Capitalises a message of this crate and ends it with a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_what_to_do() {
        let wrong = Error::PinInvalid { retries: Some(7) };
        assert_eq!(wrong.kind(), "pin_invalid");
        assert_eq!(
            wrong.advice(),
            "Wrong PIN. 7 attempts left before the key blocks its PIN."
        );
        assert_eq!(
            Error::PinInvalid { retries: Some(1) }.advice(),
            "Wrong PIN. 1 attempt left before the key blocks its PIN."
        );
        let policy = Error::PinPolicy(crate::PinRule::TooShort { min: 6 });
        assert_eq!(policy.kind(), "pin_policy");
        assert_eq!(
            policy.advice(),
            "The key refused the new PIN: this key needs at least 6 characters."
        );
        let denied = Error::AccessDenied("Permission denied".into());
        assert_eq!(denied.kind(), "access_denied");
        #[cfg(target_os = "linux")]
        assert!(denied.advice().contains("70-countersign-fido.rules"));
        let other = Error::Ctap {
            code: 0x33,
            name: "CTAP2_ERR_PIN_AUTH_INVALID",
        };
        assert_eq!(other.kind(), "key_error");
        assert_eq!(
            other.advice(),
            "The key answered CTAP2_ERR_PIN_AUTH_INVALID (0x33)."
        );
    }

    #[test]
    fn sample_statuses_name_the_fault() {
        assert_eq!(sample_status(0x00), "good");
        assert_eq!(sample_status(0x01), "too_high");
        assert_eq!(sample_status(0x0A), "merge_failure");
        assert_eq!(sample_status(0x0E), "lift_finger");
        assert_eq!(sample_status(0x0C), "unusable");
    }
}
