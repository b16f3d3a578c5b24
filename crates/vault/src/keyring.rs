//! The OS keyring slot's key, kept with the `keyring` crate (Secret Service, Keychain,
//! Credential Manager), and never allowed to block the caller for long.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use uuid::Uuid;

use crate::crypto::Key;
use crate::{Error, KeyringCause, Result};

/// The service name of every entry Countersign keeps in the OS keyring.
pub const KEYRING_SERVICE: &str = "Countersign";
/// The longest we wait for the keyring: a locked keyring may open a prompt and block until the
/// person answers it; we give up and let them type the password instead.
pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(5);
/// The user name of the entries that [`keyring_status`] writes and deletes, followed by a
/// random suffix: two processes checking at once must not delete each other's probe.
const PROBE_USER: &str = "availability-check";

/// Checks that the OS keyring can store and delete a secret now, within [`KEYRING_TIMEOUT`].
///
/// For onboarding: whether to offer keyring unlock, and if not, why
/// ([`Error::KeyringUnavailable`] carries the platform's words).
pub fn keyring_status() -> Result<()> {
    with_timeout(|| {
        let entry = entry(&format!("{PROBE_USER}-{}", Uuid::new_v4()))?;
        entry.set_secret(b"probe")?;
        entry.delete_credential()
    })
}

/// Whose keyring entry: a vault's key for one machine's slot, or for the slot of a vault
/// written before slots named their machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Owner {
    pub(crate) vault_id: Uuid,
    /// `None` for the older slot that names no machine.
    pub(crate) machine: Option<Uuid>,
}

impl Owner {
    /// The entry's user name: the vault id, followed by `/` and the machine id for a machine's
    /// slot (so that machines sharing one keyring, as tests do, keep their keys apart).
    fn user(self) -> String {
        match self.machine {
            None => self.vault_id.hyphenated().to_string(),
            Some(machine) => format!("{}/{}", self.vault_id.hyphenated(), machine.hyphenated()),
        }
    }
}

/// Stores the wrapping key of `owner`'s keyring slot (replacing any earlier one).
pub(crate) fn store_key(owner: Owner, key: &Key) -> Result<()> {
    let key = key.clone();
    with_timeout(move || entry(&owner.user())?.set_secret(key.bytes()))
}

/// Reads the wrapping key of `owner`'s keyring slot.
pub(crate) fn load_key(owner: Owner) -> Result<Key> {
    let bytes = with_timeout(move || {
        entry(&owner.user())?
            .get_secret()
            .map(zeroize::Zeroizing::new)
    })?;
    Key::from_slice(&bytes).ok_or(Error::KeyringKeyMissing)
}

/// Deletes the key of `owner`'s keyring slot; a key already gone is not an error.
pub(crate) fn delete_key(owner: Owner) -> Result<()> {
    match with_timeout(move || entry(&owner.user())?.delete_credential()) {
        Err(Error::KeyringKeyMissing) => Ok(()),
        other => other,
    }
}

fn entry(user: &str) -> keyring::Result<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, user)
}

/// Runs a keyring call on its own thread and waits at most [`KEYRING_TIMEOUT`] for it.
///
/// A call that does not finish in time is abandoned (its thread ends whenever the platform
/// answers) and reported as unavailable.
fn with_timeout<T: Send + 'static>(
    call: impl FnOnce() -> keyring::Result<T> + Send + 'static,
) -> Result<T> {
    run_with_timeout(KEYRING_TIMEOUT, call)?.map_err(classify)
}

/// The thread-and-deadline part of [`with_timeout`], separate so it can be tested.
fn run_with_timeout<T: Send + 'static>(
    timeout: Duration,
    call: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let (sender, receiver) = mpsc::sync_channel(1);
    thread::Builder::new()
        .name("countersign-keyring".into())
        .spawn(move || {
            // The receiver may have given up already; nothing to do then.
            let _ = sender.send(call());
        })
        .map_err(|error| Error::KeyringUnavailable {
            cause: format!("could not start the keyring thread: {error}"),
            reason: KeyringCause::Platform,
        })?;
    receiver
        .recv_timeout(timeout)
        .map_err(|_| Error::KeyringUnavailable {
            cause: format!(
                "no answer within {} s (is a keyring unlock prompt waiting?)",
                timeout.as_secs()
            ),
            reason: KeyringCause::Timeout,
        })
}

/// Missing entry vs. everything else, which means "cannot use the keyring now" (RECIPES.md).
fn classify(error: keyring::Error) -> Error {
    match error {
        keyring::Error::NoEntry => Error::KeyringKeyMissing,
        keyring::Error::NoDefaultStore => {
            // The cause of a store that failed to start is kept aside by keyring.
            let platform = match keyring::Entry::store_status() {
                Err(cause) => cause.to_string(),
                Ok(()) => error.to_string(),
            };
            unavailable(platform, KeyringCause::NoSession)
        }
        keyring::Error::NoStorageAccess(ref inner) => {
            let inner = inner.to_string();
            let reason = if inner.contains("Prompt") || inner.contains("dismissed") {
                KeyringCause::Locked
            } else if inner.contains("NoResult") {
                KeyringCause::NoKeyring
            } else {
                KeyringCause::Refused
            };
            unavailable(error.to_string(), reason)
        }
        // Display of these carries no secret bytes (BadEncoding's are only in Debug).
        other => unavailable(other.to_string(), KeyringCause::Platform),
    }
}

/// The keyring cannot be used: the platform's words (plainer where a person deserves them) and
/// the cause, which a missing Secret Service overrides.
fn unavailable(platform: String, reason: KeyringCause) -> Error {
    let no_service = no_secret_service(&platform);
    Error::KeyringUnavailable {
        cause: plain_cause(platform),
        reason: if no_service {
            KeyringCause::NoService
        } else {
            reason
        },
    }
}

/// Whether D-Bus said nobody provides the Secret Service.
fn no_secret_service(platform: &str) -> bool {
    platform.contains("ServiceUnknown") && platform.contains("org.freedesktop.secrets")
}

/// The platform's words, except where a person deserves plainer ones: D-Bus saying nobody
/// provides the Secret Service means no keyring program runs in this session.
fn plain_cause(platform: String) -> String {
    if no_secret_service(&platform) {
        "no keyring program (such as GNOME Keyring or KWallet) runs in this session".to_owned()
    } else {
        platform
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_that_never_answers_times_out() {
        let start = std::time::Instant::now();
        let result = run_with_timeout(Duration::from_millis(200), || {
            thread::sleep(Duration::from_secs(3));
        });
        assert!(start.elapsed() < Duration::from_secs(2));
        match result {
            Err(Error::KeyringUnavailable { cause, reason }) => {
                assert!(cause.contains("no answer within"), "{cause}");
                assert_eq!(reason, KeyringCause::Timeout);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_secret_service_is_said_plainly() {
        let dbus = "Platform failure: zbus error: org.freedesktop.DBus.Error.ServiceUnknown: The \
                    name org.freedesktop.secrets was not provided by any .service files";
        assert_eq!(
            plain_cause(dbus.to_owned()),
            "no keyring program (such as GNOME Keyring or KWallet) runs in this session"
        );
        let other = "Platform failure: the collection is locked";
        assert_eq!(plain_cause(other.to_owned()), other);
    }

    #[test]
    fn a_call_that_answers_returns_its_value() {
        assert_eq!(run_with_timeout(Duration::from_secs(5), || 42).unwrap(), 42);
    }

    #[test]
    fn errors_are_classified() {
        assert_eq!(
            classify(keyring::Error::NoEntry).kind(),
            "keyring_key_missing"
        );
        let error = classify(keyring::Error::BadEncoding(b"secret".to_vec()));
        assert_eq!(error.kind(), "keyring_unavailable");
        assert!(!error.to_string().contains("secret"));
        let reason = |error: keyring::Error| match classify(error) {
            Error::KeyringUnavailable { reason, .. } => reason,
            other => panic!("{other:?}"),
        };
        let platform = |text: &str| Box::<dyn std::error::Error + Send + Sync>::from(text);
        assert_eq!(
            reason(keyring::Error::NoStorageAccess(platform(
                "Prompt dismissed"
            ))),
            KeyringCause::Locked
        );
        assert_eq!(
            reason(keyring::Error::NoStorageAccess(platform("NoResult"))),
            KeyringCause::NoKeyring
        );
        assert_eq!(
            reason(keyring::Error::NoStorageAccess(platform("denied"))),
            KeyringCause::Refused
        );
        assert_eq!(
            reason(keyring::Error::PlatformFailure(platform(
                "zbus error: org.freedesktop.DBus.Error.ServiceUnknown: The name \
                 org.freedesktop.secrets was not provided by any .service files"
            ))),
            KeyringCause::NoService
        );
    }
}
