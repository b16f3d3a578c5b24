//! The "Security keys" page: list keys, show what a key is, its PIN, passkeys and fingerprints,
//! the registration test, guided reset and wink.
//!
//! Every command that talks to a key runs on a blocking worker (a key can wait half a minute
//! for a touch). While a key waits for a touch, [`TOUCH_EVENT`] tells the window, whose Cancel
//! calls [`cancel_security_key`]. PINs arrive as zeroizing strings and only ever go to the key.

use std::collections::BTreeMap;
use std::sync::Arc;

use countersign_fido::{
    Fingerprint, KeyEvent, KeyInfo, Outcome, Passkey, Pin, ReplugWatch, ResetStage, SecurityKey,
    TestOptions, b64, registration_test, reset_after_replug,
};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::error::{CommandError, CommandResult, ErrorArgs};
use crate::keys::{KeySummary, KeysState, SOFT_KEY_ID, key_error, pin_needed};
use crate::state::AppState;

/// Emitted while a key waits for a touch: `{ id }`.
pub const TOUCH_EVENT: &str = "security-key-touch";
/// Emitted at each step of a guided reset: `{ stage: "unplug" | "replug" | "touch" }`.
pub const RESET_EVENT: &str = "security-key-reset";
/// Emitted after each fingerprint sample: `{ remaining, status }`.
pub const ENROLL_EVENT: &str = "security-key-enroll";

/// Runs `f` with the key `id` opened, on a blocking worker, with touch prompts sent to the
/// window and Cancel wired to it.
async fn with_key<T: Send + 'static>(
    app: AppHandle,
    id: String,
    f: impl FnOnce(&KeysState, &str, &dyn SecurityKey) -> CommandResult<T> + Send + 'static,
) -> CommandResult<T> {
    super::blocking(app, move |app| {
        let state = app.state::<KeysState>();
        let _claim = state.claim()?;
        let key = open_for_window(app, &state, &id)?;
        state.set_running(Some(key.clone()));
        let result = f(&state, &id, key.as_ref());
        state.set_running(None);
        result
    })
    .await
}

/// Opens `id` with its touch prompts forwarded to the window.
fn open_for_window(
    app: &AppHandle,
    state: &KeysState,
    id: &str,
) -> CommandResult<Arc<countersign_fido::CtapKey>> {
    let key = Arc::new(state.open(id)?);
    let handle = app.clone();
    let event_id = id.to_owned();
    key.set_event_sink(Arc::new(move |event| {
        if event == KeyEvent::TouchNeeded {
            let _ = handle.emit(TOUCH_EVENT, TouchPayload { id: &event_id });
        }
    }));
    Ok(key)
}

/// The payload of `security-key-touch` ([`TOUCH_EVENT`]): the key that waits for a touch.
#[derive(Clone, Serialize, TS)]
pub(crate) struct TouchPayload<'a> {
    id: &'a str,
}

/// Moves a typed PIN into a [`Pin`] without leaving a copy behind.
fn pin_from(mut typed: Zeroizing<String>) -> Pin {
    Pin::new(std::mem::take(&mut *typed))
}

/// The security keys plugged in (the software key first in test mode).
#[tauri::command]
pub async fn list_security_keys(app: AppHandle) -> CommandResult<Vec<KeySummary>> {
    super::blocking(app, |app| app.state::<KeysState>().list()).await
}

/// A key's PIN state as the page explains it.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PinView {
    /// The key has PIN support at all.
    supported: bool,
    /// A PIN is set.
    set: bool,
    /// Attempts left, when a PIN is set.
    retries: Option<u32>,
    /// The key must be unplugged and replugged before the next attempt.
    power_cycle_needed: bool,
    /// The key demands a new PIN before anything else.
    change_required: bool,
    /// The shortest PIN the key accepts, in characters.
    min_length: u64,
    /// A PIN that worked is remembered for this visit of the page.
    remembered: bool,
}

/// A signature algorithm a key offers: its COSE identifier, and its usual name when Countersign
/// knows it (the window names the others).
#[derive(Serialize, TS)]
pub struct AlgorithmView {
    #[ts(type = "number")]
    cose: i64,
    name: Option<&'static str>,
}

/// What a key is, as the page's definition list shows it.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyInfoView {
    model: Option<String>,
    aaguid: String,
    firmware: Option<String>,
    versions: Vec<String>,
    extensions: Vec<String>,
    /// getInfo options by their CTAP names.
    options: BTreeMap<String, bool>,
    pin_protocols: Vec<u8>,
    /// The signature algorithms the key offers, in its order of preference.
    algorithms: Vec<AlgorithmView>,
    transports: Vec<String>,
    remaining_passkeys: Option<u64>,
    pin: PinView,
    /// The key can store and manage passkeys.
    manages_passkeys: bool,
    /// The key has a fingerprint sensor.
    has_sensor: bool,
}

fn info_view(info: KeyInfo, remembered: bool) -> KeyInfoView {
    let (manages_passkeys, has_sensor) = (info.manages_passkeys(), info.has_sensor());
    KeyInfoView {
        pin: PinView {
            supported: info.pin_set.is_some(),
            set: info.pin_set == Some(true),
            retries: info.pin_retries,
            power_cycle_needed: info.power_cycle_needed,
            change_required: info.force_pin_change,
            min_length: info.min_pin_length,
            remembered,
        },
        model: info.model,
        aaguid: info.aaguid,
        firmware: info.firmware_version.map(|v| v.to_string()),
        versions: info.versions,
        extensions: info.extensions,
        options: info.options,
        pin_protocols: info.pin_protocols,
        algorithms: info
            .algorithms
            .iter()
            .map(|&cose| AlgorithmView {
                cose,
                name: countersign_fido::known_algorithm(cose),
            })
            .collect(),
        transports: info.transports,
        remaining_passkeys: info.remaining_discoverable_credentials,
        manages_passkeys,
        has_sensor,
    }
}

/// Reads what the key is and its PIN state.
#[tauri::command]
pub async fn security_key_info(app: AppHandle, id: String) -> CommandResult<KeyInfoView> {
    with_key(app, id, |state, id, key| {
        let info = key.info().map_err(key_error)?;
        Ok(info_view(info, state.pin(id, None).is_some()))
    })
    .await
}

/// Sets the first PIN of a key.
#[tauri::command]
pub async fn set_security_key_pin(
    app: AppHandle,
    id: String,
    pin: Zeroizing<String>,
) -> CommandResult<()> {
    let pin = pin_from(pin);
    with_key(app, id, move |state, id, key| {
        key.set_pin(&pin).map_err(key_error)?;
        state.remember_pin(id, pin);
        Ok(())
    })
    .await
}

/// Changes a key's PIN.
#[tauri::command]
pub async fn change_security_key_pin(
    app: AppHandle,
    id: String,
    current: Zeroizing<String>,
    new_pin: Zeroizing<String>,
) -> CommandResult<()> {
    let (current, new_pin) = (pin_from(current), pin_from(new_pin));
    with_key(app, id, move |state, id, key| {
        state.with_pin(id, Some(current), |current| {
            key.change_pin(current, &new_pin)
        })?;
        state.remember_pin(id, new_pin);
        Ok(())
    })
    .await
}

/// A passkey as the list shows it.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyView {
    /// The credential ID (base64url), to delete it by.
    credential_id: String,
    /// The account name (often an e-mail address).
    user_name: Option<String>,
    /// The account's display name.
    display_name: Option<String>,
}

/// The passkeys of one site.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SiteView {
    rp_id: String,
    rp_name: Option<String>,
    passkeys: Vec<PasskeyView>,
}

/// Groups passkeys by site, sites and accounts in alphabetical order.
fn by_site(passkeys: Vec<Passkey>) -> Vec<SiteView> {
    let mut sites: BTreeMap<String, SiteView> = BTreeMap::new();
    for passkey in passkeys {
        let site = sites
            .entry(passkey.rp_id.clone())
            .or_insert_with(|| SiteView {
                rp_id: passkey.rp_id.clone(),
                rp_name: passkey.rp_name.clone(),
                passkeys: Vec::new(),
            });
        site.passkeys.push(PasskeyView {
            credential_id: b64::encode(&passkey.credential_id),
            user_name: passkey.user.name,
            display_name: passkey.user.display_name,
        });
    }
    let mut sites: Vec<SiteView> = sites.into_values().collect();
    for site in &mut sites {
        site.passkeys.sort_by(|a, b| a.user_name.cmp(&b.user_name));
    }
    sites
}

/// Lists the passkeys on a key, by site. Needs the PIN (typed now or earlier this visit).
#[tauri::command]
pub async fn security_key_passkeys(
    app: AppHandle,
    id: String,
    pin: Option<Zeroizing<String>>,
) -> CommandResult<Vec<SiteView>> {
    let pin = pin.map(pin_from);
    with_key(app, id, move |state, id, key| {
        state
            .with_pin(id, pin, |pin| key.passkeys(pin))
            .map(by_site)
    })
    .await
}

/// Turns "always require verification" (alwaysUv) on or off; with the PIN when one is set.
#[tauri::command]
pub async fn set_security_key_always_uv(
    app: AppHandle,
    id: String,
    on: bool,
    pin: Option<Zeroizing<String>>,
) -> CommandResult<()> {
    let pin = pin.map(pin_from);
    with_key(app, id, move |state, id, key| {
        let info = key.info().map_err(key_error)?;
        if info.pin_set == Some(true) {
            state.with_pin(id, pin, |pin| key.set_always_uv(Some(pin), on))
        } else {
            key.set_always_uv(None, on).map_err(key_error)
        }
    })
    .await
}

/// Decodes the id of a `what` ("passkey" or "fingerprint") the page sent back.
fn decode_id(text: &str, what: &str) -> CommandResult<Vec<u8>> {
    b64::decode(text)
        .ok()
        .filter(|bytes| !bytes.is_empty())
        .ok_or_else(|| {
            CommandError::new("invalid_input", format!("That {what} is not valid."))
                .with_args(ErrorArgs::field(what, "invalid"))
        })
}

/// Deletes one passkey from a key (after the page asked the person to confirm).
#[tauri::command]
pub async fn delete_security_key_passkey(
    app: AppHandle,
    id: String,
    credential_id: String,
) -> CommandResult<()> {
    let credential_id = decode_id(&credential_id, "passkey")?;
    with_key(app, id, move |state, id, key| {
        state.with_pin(id, None, |pin| key.delete_passkey(pin, &credential_id))
    })
    .await
}

/// An enrolled fingerprint as the list shows it.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FingerprintView {
    /// Template ID (base64url), to rename or remove it by.
    id: String,
    /// Its name, when it has one.
    name: Option<String>,
}

impl From<Fingerprint> for FingerprintView {
    fn from(print: Fingerprint) -> Self {
        FingerprintView {
            id: b64::encode(&print.id),
            name: print.name,
        }
    }
}

/// Lists a key's enrolled fingerprints. Needs the PIN.
#[tauri::command]
pub async fn security_key_fingerprints(
    app: AppHandle,
    id: String,
    pin: Option<Zeroizing<String>>,
) -> CommandResult<Vec<FingerprintView>> {
    let pin = pin.map(pin_from);
    with_key(app, id, move |state, id, key| {
        state
            .with_pin(id, pin, |pin| key.fingerprints(pin))
            .map(|prints| prints.into_iter().map(FingerprintView::from).collect())
    })
    .await
}

/// The longest fingerprint name we send: CTAP 2.1 keys accept at least 64 bytes.
const MAX_FINGERPRINT_NAME: usize = 64;

fn fingerprint_name(name: &str) -> CommandResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(
            CommandError::new("invalid_input", "Give the fingerprint a name.")
                .with_args(ErrorArgs::field("name", "missing")),
        );
    }
    if name.len() > MAX_FINGERPRINT_NAME {
        return Err(CommandError::new(
            "invalid_input",
            format!("That name is too long for the key (at most {MAX_FINGERPRINT_NAME} bytes)."),
        )
        .with_args(ErrorArgs {
            limit: Some(MAX_FINGERPRINT_NAME as u64),
            ..ErrorArgs::field("name", "too_long")
        }));
    }
    Ok(name.to_owned())
}

/// Renames an enrolled fingerprint.
#[tauri::command]
pub async fn rename_security_key_fingerprint(
    app: AppHandle,
    id: String,
    template_id: String,
    name: String,
) -> CommandResult<()> {
    let template = decode_id(&template_id, "fingerprint")?;
    let name = fingerprint_name(&name)?;
    with_key(app, id, move |state, id, key| {
        state.with_pin(id, None, |pin| {
            key.rename_fingerprint(pin, &template, &name)
        })
    })
    .await
}

/// Removes an enrolled fingerprint.
#[tauri::command]
pub async fn remove_security_key_fingerprint(
    app: AppHandle,
    id: String,
    template_id: String,
) -> CommandResult<()> {
    let template = decode_id(&template_id, "fingerprint")?;
    with_key(app, id, move |state, id, key| {
        state.with_pin(id, None, |pin| key.remove_fingerprint(pin, &template))
    })
    .await
}

/// The payload of `security-key-enroll` ([`ENROLL_EVENT`]): samples still needed, and how the
/// last one went, as a code the window words ([`countersign_fido::sample_status`]).
#[derive(Clone, Serialize, TS)]
pub(crate) struct EnrollPayload {
    remaining: u32,
    status: &'static str,
}

/// Enrols a fingerprint, reporting each sample on [`ENROLL_EVENT`], and names it.
#[tauri::command]
pub async fn enroll_security_key_fingerprint(
    app: AppHandle,
    id: String,
    name: String,
) -> CommandResult<FingerprintView> {
    let name = fingerprint_name(&name)?;
    let handle = app.clone();
    with_key(app, id, move |state, id, key| {
        state.with_pin(id, None, |pin| {
            let mut print = key.enroll_fingerprint(pin, &mut |progress| {
                let _ = handle.emit(
                    ENROLL_EVENT,
                    EnrollPayload {
                        remaining: progress.remaining_samples,
                        status: countersign_fido::sample_status(progress.last_status),
                    },
                );
            })?;
            key.rename_fingerprint(pin, &print.id, &name)?;
            print.name = Some(name);
            Ok(FingerprintView::from(print))
        })
    })
    .await
}

/// One check of the registration test as the list shows it: the window words `code` with
/// `args` in its language, and shows the English `reason` only for a check without a code.
#[derive(Serialize, TS)]
pub struct CheckView {
    name: String,
    outcome: Outcome,
    reason: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    args: BTreeMap<&'static str, String>,
}

/// The registration test's result.
#[derive(Serialize, TS)]
pub struct ReportView {
    title: String,
    checks: Vec<CheckView>,
    passed: usize,
    failed: usize,
    skipped: usize,
}

/// Runs the registration test (register, verify, sign in, verify, clean up) against a key.
/// A key with a PIN needs it, so the discoverable credential can be made and deleted again.
#[tauri::command]
pub async fn test_security_key(
    app: AppHandle,
    id: String,
    pin: Option<Zeroizing<String>>,
) -> CommandResult<ReportView> {
    let typed = pin.map(pin_from);
    with_key(app, id, move |state, id, key| {
        let info = key.info().map_err(key_error)?;
        let pin = if info.pin_set == Some(true) {
            let verify = typed.is_some();
            let pin = state.pin(id, typed).ok_or_else(pin_needed)?;
            // A wrong PIN belongs in the PIN prompt, not as a failed check: try it first
            // where the key has a harmless PIN-guarded read.
            if verify
                && info
                    .option("credMgmt")
                    .or(info.option("credentialMgmtPreview"))
                    == Some(true)
            {
                state.with_pin(id, Some(pin.clone()), |pin| key.passkeys(pin).map(drop))?;
            }
            Some(pin)
        } else {
            None
        };
        let report = registration_test(
            key,
            &TestOptions {
                pin,
                ..TestOptions::default()
            },
        );
        state.set_report(report.to_text());
        Ok(ReportView {
            passed: report.count(Outcome::Pass),
            failed: report.count(Outcome::Fail),
            skipped: report.count(Outcome::Skipped),
            title: report.title,
            checks: report
                .checks
                .into_iter()
                .map(|c| CheckView {
                    name: c.name,
                    outcome: c.outcome,
                    reason: c.reason,
                    code: c.code,
                    args: c.args,
                })
                .collect(),
        })
    })
    .await
}

/// Copies the last registration test report as text (not secret: checks and reasons only).
#[tauri::command]
pub fn copy_security_key_report(
    keys: State<'_, KeysState>,
    state: State<'_, AppState>,
) -> CommandResult<()> {
    let text = keys
        .report()
        .ok_or_else(|| CommandError::new("no_report", "Run the test first."))?;
    state.clipboard.copy_sensitive(&text, None)
}

/// The payload of `security-key-reset` ([`RESET_EVENT`]): the guided reset's step.
#[derive(Clone, Serialize, TS)]
pub(crate) struct ResetPayload {
    stage: ResetStage,
}

/// Guided reset ([`countersign_fido::ReplugWatch`]): waits for the key to be unplugged and
/// plugged back in, reporting each stage on [`RESET_EVENT`], then resets it at once and waits
/// for the touch. Returns the key as it is listed after the replug.
#[tauri::command]
pub async fn reset_security_key(app: AppHandle, id: String) -> CommandResult<KeySummary> {
    super::blocking(app, move |app| {
        let state = app.state::<KeysState>();
        let _claim = state.claim()?;
        state.clear_stop();
        let stage = |stage| {
            let _ = app.emit(RESET_EVENT, ResetPayload { stage });
        };
        stage(ResetStage::Unplug);
        let new_id = match state.soft() {
            // The software key cannot be pulled out: it is power-cycled for the person.
            Some(soft) if id == SOFT_KEY_ID => {
                soft.replug();
                stage(ResetStage::Replug);
                id.clone()
            }
            _ => ReplugWatch::default()
                .wait_for_replug(
                    &id,
                    || {
                        Ok(countersign_fido::list_keys()?
                            .into_iter()
                            .map(|k| k.path)
                            .collect())
                    },
                    || state.stopped(),
                    stage,
                )
                .map_err(key_error)?,
        };
        state.forget_pin(&id);
        let key = open_for_window(app, &state, &new_id)?;
        state.set_running(Some(key.clone()));
        stage(ResetStage::Touch);
        let result = reset_after_replug(key.as_ref());
        state.set_running(None);
        result.map_err(key_error)?;
        state
            .list()?
            .into_iter()
            .find(|k| k.id == new_id)
            .ok_or_else(|| key_error(countersign_fido::Error::NoKey))
    })
    .await
}

/// Makes the key blink, to tell which one it is.
#[tauri::command]
pub async fn wink_security_key(app: AppHandle, id: String) -> CommandResult<()> {
    with_key(app, id, |_, _, key| key.wink().map_err(key_error)).await
}

/// Cancels what the key is doing (waiting for a touch, a guided reset's waiting).
#[tauri::command]
pub fn cancel_security_key(keys: State<'_, KeysState>) {
    keys.cancel();
}

/// Forgets the PINs typed this visit (the page calls it when it closes).
#[tauri::command]
pub fn forget_security_key_pins(keys: State<'_, KeysState>) {
    keys.forget_pins();
}

#[cfg(test)]
mod tests {
    use super::*;
    use countersign_fido::User;

    fn passkey(rp: &str, user: &str) -> Passkey {
        Passkey {
            rp_id: rp.into(),
            rp_name: Some(format!("{rp} site")),
            user: User {
                id: user.as_bytes().to_vec(),
                name: Some(user.into()),
                display_name: None,
            },
            credential_id: vec![user.len() as u8, 1, 2],
            cred_protect: None,
        }
    }

    #[test]
    fn passkeys_are_grouped_by_site_in_order() {
        let sites = by_site(vec![
            passkey("b.example", "zoe"),
            passkey("a.example", "carol"),
            passkey("b.example", "al"),
        ]);
        let summary: Vec<(String, Vec<Option<String>>)> = sites
            .iter()
            .map(|s| {
                (
                    s.rp_id.clone(),
                    s.passkeys.iter().map(|p| p.user_name.clone()).collect(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("a.example".into(), vec![Some("carol".into())]),
                (
                    "b.example".into(),
                    vec![Some("al".into()), Some("zoe".into())]
                ),
            ]
        );
        assert_eq!(sites[1].passkeys[0].credential_id, b64::encode(&[2, 1, 2]));
    }

    #[test]
    fn bad_input_is_refused_before_the_key_is_touched() {
        assert_eq!(decode_id("", "passkey").unwrap_err().kind, "invalid_input");
        assert_eq!(
            decode_id("%%%", "passkey").unwrap_err().kind,
            "invalid_input"
        );
        assert_eq!(fingerprint_name("  ").unwrap_err().kind, "invalid_input");
        assert_eq!(
            fingerprint_name(&"x".repeat(65)).unwrap_err().kind,
            "invalid_input"
        );
        assert_eq!(fingerprint_name(" left thumb ").unwrap(), "left thumb");
        let args = |error: CommandError| serde_json::to_value(&error).unwrap()["args"].clone();
        assert_eq!(
            args(fingerprint_name(&"x".repeat(65)).unwrap_err()),
            serde_json::json!({"field": "name", "problem": "too_long", "limit": 64})
        );
        assert_eq!(
            args(decode_id("", "fingerprint").unwrap_err()),
            serde_json::json!({"field": "fingerprint", "problem": "invalid"})
        );
    }
}
