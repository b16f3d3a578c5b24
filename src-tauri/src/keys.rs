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
    Algorithm, CtapKey, Error, KeyDescriptor, MakeCredentialRequest, Pin, ResetStage, SecurityKey,
    User, client_data_json,
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

/// A key as the list shows it. The window words the software key's name and detail itself.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeySummary {
    /// Stable while the key stays plugged in: its device path (or the software key's id).
    pub id: String,
    /// Product name, as the key reports it; none for the software key or a key without one
    /// (the window names those).
    pub name: Option<String>,
    /// Manufacturer, as the key reports it, when it does.
    pub manufacturer: Option<String>,
    /// USB vendor and product ids ("1050:0407"), for telling two keys apart; none for the
    /// software key.
    pub usb: Option<String>,
    /// The in-process software key of test mode.
    pub software: bool,
}

impl From<&KeyDescriptor> for KeySummary {
    fn from(key: &KeyDescriptor) -> Self {
        KeySummary {
            id: key.path.clone(),
            name: key.product.clone().filter(|name| !name.is_empty()),
            manufacturer: key.manufacturer.clone().filter(|maker| !maker.is_empty()),
            usb: Some(format!("{:04x}:{:04x}", key.vendor_id, key.product_id)),
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
                name: None,
                manufacturer: None,
                usb: None,
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

/// A key error as the page shows it: the crate's kind, its English sentence that says what to
/// do, and the details the window words it by in its own language.
pub fn key_error(error: Error) -> CommandError {
    let args = key_error_args(&error);
    CommandError::new(error.kind(), error.advice()).with_args(args)
}

/// Which case of its kind a key error is, and the numbers and names it carries.
fn key_error_args(error: &Error) -> ErrorArgs {
    let problem = |problem: &str| ErrorArgs {
        problem: Some(problem.to_owned()),
        ..ErrorArgs::default()
    };
    match error {
        Error::PinInvalid { retries } => ErrorArgs {
            attempts_left: *retries,
            ..ErrorArgs::default()
        },
        Error::PinPolicy(rule) => ErrorArgs {
            limit: rule.limit(),
            ..problem(rule.code())
        },
        Error::ReplugTimeout { step } => problem(match step {
            ResetStage::Unplug => "unplug",
            _ => "replug",
        }),
        Error::AccessDenied(_) => problem(if cfg!(target_os = "linux") {
            "udev"
        } else if cfg!(target_os = "windows") {
            "administrator"
        } else {
            "os"
        }),
        Error::CredentialExcluded => problem("credential_excluded"),
        Error::NoCredentials => problem("no_credentials"),
        Error::StorageFull => problem("storage_full"),
        Error::Unsupported(feature) => ErrorArgs {
            feature: Some(feature.code().to_owned()),
            ..problem("unsupported")
        },
        Error::Ctap { code, name } => ErrorArgs {
            status: Some(format!("{name} (0x{code:02x})")),
            ..problem("ctap")
        },
        Error::Device(detail) => ErrorArgs {
            detail: Some(detail.clone()),
            ..problem("device")
        },
        Error::Protocol(detail) => ErrorArgs {
            detail: Some(detail.clone()),
            ..problem("protocol")
        },
        _ => ErrorArgs::default(),
    }
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

    #[test]
    fn key_errors_send_their_case_and_numbers() {
        let args = |error: Error| {
            let error = key_error(error);
            (
                error.kind,
                serde_json::to_value(&error).unwrap()["args"].clone(),
            )
        };
        use serde_json::json;
        assert_eq!(
            args(Error::PinPolicy(countersign_fido::PinRule::TooShort {
                min: 6
            })),
            ("pin_policy", json!({"problem": "too_short", "limit": 6}))
        );
        assert_eq!(
            args(Error::from_status(0x37)),
            ("pin_policy", json!({"problem": "key_policy"}))
        );
        assert_eq!(
            args(Error::ReplugTimeout {
                step: ResetStage::Replug
            }),
            ("timeout", json!({"problem": "replug"}))
        );
        assert_eq!(
            args(Error::Unsupported(
                countersign_fido::Feature::PasskeyManagement
            )),
            (
                "key_error",
                json!({"problem": "unsupported", "feature": "passkey_management"})
            )
        );
        assert_eq!(
            args(Error::from_status(0x33)),
            (
                "key_error",
                json!({"problem": "ctap", "status": "CTAP2_ERR_PIN_AUTH_INVALID (0x33)"})
            )
        );
        assert_eq!(
            args(Error::StorageFull),
            ("key_error", json!({"problem": "storage_full"}))
        );
        assert_eq!(
            args(Error::Device("unplugged".into())),
            (
                "key_error",
                json!({"problem": "device", "detail": "unplugged"})
            )
        );
        #[cfg(target_os = "linux")]
        assert_eq!(
            args(Error::AccessDenied("Permission denied".into())),
            ("access_denied", json!({"problem": "udev"}))
        );
        // Nothing more to say than the kind: no args at all.
        assert_eq!(args(Error::PinBlocked), ("pin_blocked", json!(null)));
    }

    #[test]
    fn a_usb_key_sends_its_maker_and_ids() {
        let usb = KeySummary::from(&KeyDescriptor {
            path: "/dev/hidraw3".into(),
            product: Some("YubiKey 5".into()),
            manufacturer: Some(String::new()),
            vendor_id: 0x1050,
            product_id: 0x0407,
        });
        assert_eq!(usb.usb.as_deref(), Some("1050:0407"));
        assert_eq!(usb.manufacturer, None);
        assert_eq!(usb.name.as_deref(), Some("YubiKey 5"));
    }
}
