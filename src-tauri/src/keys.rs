//! The security-key page's state: which keys exist, the one operation running on a key (so
//! Cancel can reach it), PINs the person typed this visit, and the last test report.
//!
//! Keys are opened per operation: a replugged key gets a new device node, so a kept handle
//! would go stale. Only paths the HID enumeration lists as FIDO keys are ever opened, so the
//! webview cannot point us at another device.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use countersign_fido::soft::SoftAuthenticator;
use countersign_fido::{
    Algorithm, CtapKey, Error, KeyDescriptor, MakeCredentialRequest, Pin, SecurityKey, User,
    client_data_json,
};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{CommandError, ErrorArgs};

/// The id the software key is listed under.
pub const SOFT_KEY_ID: &str = "countersign-software-key";

/// The test-only switch that plugs in the software key at start-up (debug builds only).
pub const SOFT_KEY_ENV: &str = "COUNTERSIGN_TEST_SOFT_KEY";

/// Test-only: passkeys the software key starts with, as `site:account,site:account`, so the
/// end-to-end tests can list and delete passkeys no website made.
pub const SOFT_KEY_PASSKEYS_ENV: &str = "COUNTERSIGN_TEST_SOFT_KEY_PASSKEYS";

/// A key as the list shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeySummary {
    /// Stable while the key stays plugged in: its device path (or the software key's id).
    pub id: String,
    /// Product name.
    pub name: String,
    /// Manufacturer and USB ids, for telling two keys apart.
    pub detail: String,
    /// The in-process software key of test mode.
    pub software: bool,
}

impl From<&KeyDescriptor> for KeySummary {
    fn from(key: &KeyDescriptor) -> Self {
        let ids = format!("{:04x}:{:04x}", key.vendor_id, key.product_id);
        KeySummary {
            id: key.path.clone(),
            name: key.product.clone(),
            detail: match &key.manufacturer {
                Some(maker) if !maker.is_empty() => format!("{maker} · USB {ids}"),
                _ => format!("USB {ids}"),
            },
            software: false,
        }
    }
}

/// Managed state of the security-key page.
pub struct KeysState {
    /// The software key, when the app was started with [`SOFT_KEY_ENV`]`=1`.
    soft: Option<SoftAuthenticator>,
    /// Held for the whole of an operation: a key answers one command at a time.
    busy: Mutex<()>,
    /// The key of the running operation, for Cancel.
    running: Mutex<Option<Arc<CtapKey>>>,
    /// Set by Cancel to stop the guided reset's waiting for unplug and replug.
    stop: AtomicBool,
    /// PINs that worked this visit of the page, so one entry serves list, delete and test.
    pins: Mutex<HashMap<String, Pin>>,
    /// The last registration test as text, for "Copy report".
    report: Mutex<Option<String>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl KeysState {
    /// The state, with the software key plugged in when the environment asks for it.
    pub fn from_env() -> KeysState {
        // Debug builds only: a release build never lists a key that is not there.
        let soft = (cfg!(debug_assertions) && std::env::var(SOFT_KEY_ENV).as_deref() == Ok("1"))
            .then(SoftAuthenticator::new)
            .and_then(Result::ok);
        if let (Some(soft), Ok(list)) = (&soft, std::env::var(SOFT_KEY_PASSKEYS_ENV)) {
            seed_passkeys(soft, &list);
        }
        KeysState {
            soft,
            busy: Mutex::new(()),
            running: Mutex::new(None),
            stop: AtomicBool::new(false),
            pins: Mutex::new(HashMap::new()),
            report: Mutex::new(None),
        }
    }

    /// The software key, when test mode is on.
    pub fn soft(&self) -> Option<&SoftAuthenticator> {
        self.soft.as_ref()
    }

    /// Every key plugged in (the software key first); forgets PINs of keys that are gone.
    pub fn list(&self) -> Result<Vec<KeySummary>, CommandError> {
        let mut keys = Vec::new();
        if self.soft.is_some() {
            keys.push(KeySummary {
                id: SOFT_KEY_ID.to_owned(),
                name: "Countersign software key (OpenSK)".to_owned(),
                detail: "In-process test key · test mode".to_owned(),
                software: true,
            });
        }
        let usb = countersign_fido::list_keys().map_err(key_error)?;
        keys.extend(usb.iter().map(KeySummary::from));
        lock(&self.pins).retain(|id, _| keys.iter().any(|k| &k.id == id));
        Ok(keys)
    }

    /// Opens the listed key `id`.
    pub fn open(&self, id: &str) -> Result<CtapKey, CommandError> {
        if id == SOFT_KEY_ID
            && let Some(soft) = &self.soft
        {
            return soft.connect().map_err(key_error);
        }
        let listed = countersign_fido::list_keys().map_err(key_error)?;
        if !listed.iter().any(|k| k.path == id) {
            return Err(key_error(Error::NoKey));
        }
        countersign_fido::open_key(id).map_err(key_error)
    }

    /// Claims the key for one operation, or says another one is running.
    pub fn claim(&self) -> Result<MutexGuard<'_, ()>, CommandError> {
        match self.busy.try_lock() {
            Ok(guard) => Ok(guard),
            Err(TryLockError::Poisoned(poisoned)) => Ok(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => Err(CommandError::new(
                "busy",
                "The key is busy with another operation. Finish or cancel it first.",
            )),
        }
    }

    /// Records the key of the running operation (or `None` when it ends), for Cancel.
    pub fn set_running(&self, key: Option<Arc<CtapKey>>) {
        *lock(&self.running) = key;
    }

    /// Cancels the running operation, if any, and stops a guided reset's waiting.
    pub fn cancel(&self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(key) = lock(&self.running).as_ref() {
            key.cancel();
        }
    }

    /// Whether Cancel was pressed since [`KeysState::clear_stop`].
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Forgets an earlier Cancel before a new wait starts.
    pub fn clear_stop(&self) {
        self.stop.store(false, Ordering::SeqCst);
    }

    /// The PIN to use: the one just typed, else the one that worked before for this key.
    pub fn pin(&self, id: &str, typed: Option<Pin>) -> Option<Pin> {
        typed.or_else(|| lock(&self.pins).get(id).cloned())
    }

    /// Runs `f` with the key's PIN, remembering it when the key accepted it and forgetting
    /// it when the key said it is wrong.
    pub fn with_pin<T>(
        &self,
        id: &str,
        typed: Option<Pin>,
        f: impl FnOnce(&Pin) -> countersign_fido::Result<T>,
    ) -> Result<T, CommandError> {
        let pin = self.pin(id, typed).ok_or_else(pin_needed)?;
        match f(&pin) {
            Ok(value) => {
                self.remember_pin(id, pin);
                Ok(value)
            }
            Err(error) => {
                if matches!(
                    error,
                    Error::PinInvalid { .. } | Error::PinBlocked | Error::PinAuthBlocked
                ) {
                    self.forget_pin(id);
                }
                Err(key_error(error))
            }
        }
    }

    /// Keeps a PIN the key accepted.
    pub fn remember_pin(&self, id: &str, pin: Pin) {
        lock(&self.pins).insert(id.to_owned(), pin);
    }

    /// Forgets one key's PIN.
    pub fn forget_pin(&self, id: &str) {
        lock(&self.pins).remove(id);
    }

    /// Forgets every PIN (leaving the page, locking).
    pub fn forget_pins(&self) {
        lock(&self.pins).clear();
    }

    /// Keeps the last test report's text.
    pub fn set_report(&self, text: String) {
        *lock(&self.report) = Some(text);
    }

    /// The last test report's text.
    pub fn report(&self) -> Option<String> {
        lock(&self.report).clone()
    }
}

/// Stores a discoverable credential on the software key for each `site:account` in `list`.
/// Without a PIN the key makes them with a touch alone (and the soft key always touches).
fn seed_passkeys(soft: &SoftAuthenticator, list: &str) {
    let Ok(key) = soft.connect() else { return };
    for (index, (site, account)) in list
        .split(',')
        .filter_map(|entry| entry.trim().split_once(':'))
        .enumerate()
    {
        let request = MakeCredentialRequest {
            client_data_json: client_data_json(
                "webauthn.create",
                &[index as u8; 32],
                &format!("https://{site}"),
            ),
            rp_id: site.to_owned(),
            rp_name: site.to_owned(),
            user: User {
                id: format!("{site}:{account}").into_bytes(),
                name: Some(account.to_owned()),
                display_name: None,
            },
            algorithms: vec![Algorithm::Es256],
            discoverable: true,
            user_verification: false,
            hmac_secret: false,
            exclude: Vec::new(),
        };
        let _ = key.make_credential(&request, None);
    }
}

/// The error that makes the page ask for the key's PIN.
pub fn pin_needed() -> CommandError {
    CommandError::new("pin_needed", "Enter the key's PIN to continue.")
}

/// A key error as the page shows it: the crate's kind and its sentence that says what to do.
pub fn key_error(error: Error) -> CommandError {
    let args = ErrorArgs {
        attempts_left: match &error {
            Error::PinInvalid { retries } => *retries,
            _ => None,
        },
        ..ErrorArgs::default()
    };
    CommandError::new(error.kind(), error.advice()).with_args(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_remembered_only_when_the_key_accepts_them() {
        let state = KeysState::from_env();
        let typed = Some(Pin::new("1234"));
        assert_eq!(
            state
                .with_pin("k", None, |_| Ok(()))
                .map_err(|e| e.kind)
                .unwrap_err(),
            "pin_needed"
        );
        let wrong = state.with_pin("k", typed.clone(), |_| {
            Err::<(), _>(Error::PinInvalid { retries: Some(3) })
        });
        let wrong = wrong.unwrap_err();
        assert_eq!(wrong.kind, "pin_invalid");
        assert_eq!(
            serde_json::to_value(&wrong).unwrap()["args"],
            serde_json::json!({"attemptsLeft": 3})
        );
        assert!(state.pin("k", None).is_none());
        state.with_pin("k", typed, |_| Ok(())).unwrap();
        assert_eq!(state.pin("k", None).map(|p| p.code_points()), Some(4));
        state.forget_pins();
        assert!(state.pin("k", None).is_none());
    }
}
