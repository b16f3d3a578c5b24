//! Adding accounts by scanning a QR code: on the screen, in an image file (dialog or dropped
//! onto the window), on the clipboard, or held up to a camera.
//!
//! Every capture and decode runs off the UI thread, images stay in memory, and what comes back
//! is what the add dialog shows: labels, live codes, descriptions. Never a secret.

use std::path::PathBuf;
use std::time::Duration;

use countersign_otp::{Algorithm, Intake, Kind, SetupKey, SetupKeyField, read_intake};
use countersign_scan::LumaImage;
use countersign_scan::screen::{self, ScreenBackend, screen_backend};

use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State, WebviewWindow};
use ts_rs::TS;
use zeroize::Zeroizing;

use super::accounts::{AddResult, add_accounts};
use crate::error::{CommandError, CommandResult, ErrorArgs, sentence};
use crate::links::Links;
use crate::scan::{PendingCode, ScanOutcome, ScanState, read_image_codes};
use crate::scan_camera::{Camera, CameraEvent, CameraView};
use crate::state::AppState;
use crate::words::Dialog;

/// [`super::blocking`] with the app's and the scanning state.
async fn with_scan<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&AppState, &ScanState) -> CommandResult<T> + Send + 'static,
) -> CommandResult<T> {
    super::blocking(app, move |app| f(&app.state(), &app.state())).await
}

/// How long a hidden window takes to vanish from the screen (the desktop repaints what it
/// covered) before the screen is captured.
const HIDE_SETTLE: Duration = Duration::from_millis(200);

/// Captures every monitor (or, on Wayland, what the person shares through the screenshot
/// portal) and reads the QR codes on it. The capture stays in memory.
#[tauri::command]
pub async fn scan_screen(app: AppHandle, window: WebviewWindow) -> CommandResult<ScanOutcome> {
    with_scan(app, move |state, scan| {
        state.with_vault(|_| Ok(()))?;
        let mut texts: Vec<Zeroizing<String>> = Vec::new();
        for image in capture_screens(&window)? {
            for text in countersign_scan::decode(image.view()) {
                if !texts.iter().any(|known| **known == text) {
                    texts.push(Zeroizing::new(text));
                }
            }
        }
        scan.process(state, &texts)
    })
    .await
}

/// Captures the screen. When every monitor is read directly, this window is hidden meanwhile:
/// the code is often right behind it. (The portal lets the person choose what to share.)
fn capture_screens(window: &WebviewWindow) -> CommandResult<Vec<LumaImage>> {
    let direct = screen_backend()? == ScreenBackend::Direct;
    let hide = direct && window.is_visible().unwrap_or(false);
    if hide {
        let _ = window.hide();
        std::thread::sleep(HIDE_SETTLE);
    }
    let images = screen::capture_screens();
    if hide {
        let _ = window.show();
        let _ = window.set_focus();
    }
    Ok(images?)
}

/// Asks for an image file with the system's file dialog and reads its QR codes; `None` when
/// the person cancels.
#[tauri::command]
pub async fn scan_image_file(
    app: AppHandle,
    window: WebviewWindow,
) -> CommandResult<Option<ScanOutcome>> {
    let dialog = app.clone();
    with_scan(app, move |state, scan| {
        state.with_vault(|_| Ok(()))?;
        let Some(path) = pick_image(&dialog, &window) else {
            return Ok(None);
        };
        let texts = read_image_codes(&path)?;
        scan.process(state, &texts).map(Some)
    })
    .await
}

fn pick_image(app: &AppHandle, window: &WebviewWindow) -> Option<PathBuf> {
    super::pick_file(
        app,
        window,
        Dialog::ImageToScan,
        &["png", "jpg", "jpeg", "webp", "gif", "bmp"],
    )
}

/// Reads the clipboard: an image (a screenshot copied with the system's tool) is scanned for
/// QR codes; text is searched for setup links, one per line.
#[tauri::command]
pub async fn scan_clipboard(app: AppHandle) -> CommandResult<ScanOutcome> {
    with_scan(app, |state, scan| {
        state.with_vault(|_| Ok(()))?;
        let unavailable = |e: arboard::Error| {
            CommandError::new(
                "clipboard_unavailable",
                format!("The clipboard could not be read: {e}."),
            )
        };
        let mut clipboard = arboard::Clipboard::new().map_err(unavailable)?;
        let intakes: Vec<Intake> = match clipboard.get_image() {
            Ok(image) => {
                let pixels = Zeroizing::new(image.bytes.into_owned());
                let (width, height) = (image.width as u32, image.height as u32);
                let texts = countersign_scan::scan_rgba(&pixels, width, height)?;
                let texts: Vec<Zeroizing<String>> = texts.into_iter().map(Zeroizing::new).collect();
                texts.iter().map(|text| read_intake(text)).collect()
            }
            // Not an image (some owners answer an image request with their text): try text.
            Err(image_error) => {
                let text = match clipboard.get_text() {
                    Ok(text) => Zeroizing::new(text),
                    Err(arboard::Error::ContentNotAvailable)
                        if matches!(image_error, arboard::Error::ContentNotAvailable) =>
                    {
                        return Err(CommandError::new(
                            "clipboard_empty",
                            "The clipboard holds no image or text. Copy a screenshot of the QR \
                             code, or its setup link, and try again.",
                        ));
                    }
                    Err(arboard::Error::ContentNotAvailable) => {
                        return Err(unavailable(image_error));
                    }
                    Err(e) => return Err(unavailable(e)),
                };
                let links: Vec<Intake> = text
                    .lines()
                    .map(read_intake)
                    .filter(Intake::is_setup_link)
                    .collect();
                if links.is_empty() {
                    return Err(CommandError::new(
                        "no_setup_link",
                        "The clipboard holds text, but no setup link (otpauth://). Copy a \
                         screenshot of the QR code, or the link itself, and try again.",
                    ));
                }
                links
            }
        };
        scan.process_intakes(state, intakes)
    })
    .await
}

/// What the last drop of files onto the window found (once), if anything.
#[tauri::command]
pub fn scan_take_dropped(scan: State<'_, ScanState>) -> CommandResult<Option<ScanOutcome>> {
    scan.take_dropped().transpose()
}

/// The setup links opened from elsewhere (a browser, the command line) since the window last
/// asked, as accounts for the confirmation card; `None` when there are none, or while the vault
/// is locked: they then wait for the unlock (`crate::links`).
#[tauri::command]
pub async fn scan_take_links(app: AppHandle) -> CommandResult<Option<ScanOutcome>> {
    super::blocking(app, |app| {
        let state = app.state::<AppState>();
        if state.vault.lock().expect("vault lock").is_none() {
            return Ok(None);
        }
        let links = app.state::<Links>().take();
        if links.is_empty() {
            return Ok(None);
        }
        app.state::<ScanState>()
            .process_links(&state, &links)
            .map(Some)
    })
    .await
}

/// An account typed in by hand: the setup key a site shows next to its QR code.
// No `Debug`: `secret` is the key itself.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetupKeyEntry {
    issuer: String,
    name: String,
    /// Base32, as the site shows it; it is sent once and never comes back.
    #[ts(type = "string")]
    secret: Zeroizing<String>,
    #[ts(type = "\"totp\" | \"hotp\" | \"steam\"")]
    kind: String,
    #[ts(type = "\"SHA1\" | \"SHA256\" | \"SHA512\"")]
    algorithm: String,
    /// Ignored for Steam, whose codes always have five characters.
    digits: u8,
    /// Seconds per code, for TOTP and Steam.
    period: u32,
    /// The next code's counter, for HOTP.
    counter: u64,
}

impl SetupKeyEntry {
    /// The account the entry describes, or the field to fix and why (as `invalid_<field>`).
    fn account(&self) -> CommandResult<countersign_otp::Account> {
        let kind = match self.kind.as_str() {
            "totp" => Kind::Totp {
                period: self.period,
            },
            "steam" => Kind::Steam {
                period: self.period,
            },
            "hotp" => Kind::Hotp {
                counter: self.counter,
            },
            _ => {
                return Err(CommandError::new(
                    "invalid_kind",
                    "Choose TOTP, HOTP or Steam.",
                ));
            }
        };
        let algorithm = Algorithm::parse(&self.algorithm).ok_or_else(|| {
            CommandError::new("invalid_algorithm", "Choose SHA1, SHA256 or SHA512.")
                .with_args(ErrorArgs::field("algorithm", "unsupported"))
        })?;
        let key = SetupKey {
            issuer: &self.issuer,
            name: &self.name,
            secret: &self.secret,
            kind,
            algorithm,
            digits: self.digits,
        };
        key.account().map_err(|error| {
            let kind = match error.field() {
                SetupKeyField::Issuer => "invalid_issuer",
                SetupKeyField::Secret => "invalid_secret",
                SetupKeyField::Digits => "invalid_digits",
                SetupKeyField::Period => "invalid_period",
            };
            CommandError::new(kind, sentence(&error.to_string()))
                .with_args(ErrorArgs::of_setup_key(&error))
        })
    }
}

/// Holds an account typed in by hand for the confirmation card, as a scanned one: the card
/// previews its code and adds it with `scan_confirm`. An account already in the vault comes
/// back as a note instead.
#[tauri::command]
pub async fn scan_setup_key(app: AppHandle, entry: SetupKeyEntry) -> CommandResult<ScanOutcome> {
    with_scan(app, move |state, scan| {
        state.with_vault(|_| Ok(()))?;
        let account = entry.account()?;
        scan.process_intakes(state, vec![Intake::Account(account)])
    })
    .await
}

/// The current code of a scanned account, for the confirmation card's live preview.
#[tauri::command]
pub fn scan_pending_code(
    state: State<'_, AppState>,
    scan: State<'_, ScanState>,
    token: String,
) -> CommandResult<PendingCode> {
    scan.code(&state, &token)
}

/// The confirmation card's fields.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Confirmation {
    token: String,
    issuer: String,
    name: String,
}

/// Adds a scanned account, with the issuer and name as the person left them.
#[tauri::command]
pub async fn scan_confirm(app: AppHandle, confirmation: Confirmation) -> CommandResult<AddResult> {
    with_scan(app, move |state, scan| {
        let account = scan.take(
            &confirmation.token,
            &confirmation.issuer,
            &confirmation.name,
        )?;
        add_accounts(state, vec![account], None)
    })
    .await
}

/// Forgets one scanned account the person chose not to add.
#[tauri::command]
pub fn scan_discard(scan: State<'_, ScanState>, token: String) {
    scan.discard(&token);
}

/// The add dialog closed: the camera stops and scanned accounts are forgotten.
#[tauri::command]
pub async fn scan_forget(app: AppHandle) -> CommandResult<()> {
    super::blocking(app, |app| {
        app.state::<Camera>().stop();
        app.state::<ScanState>().forget();
        Ok(())
    })
    .await
}

/// The cameras present; empty when there is none.
#[tauri::command]
pub async fn scan_list_cameras(app: AppHandle) -> CommandResult<Vec<CameraView>> {
    super::blocking(app, |_| crate::scan_camera::list()).await
}

/// Starts camera `index`: previews, then the scan's outcome (or failure), arrive on `on_event`.
/// A camera already running is stopped first.
#[tauri::command]
pub async fn scan_camera_start(
    app: AppHandle,
    index: u32,
    on_event: Channel<CameraEvent>,
) -> CommandResult<()> {
    super::blocking(app, move |app| {
        app.state::<AppState>().with_vault(|_| Ok(()))?;
        app.state::<Camera>().start(app.clone(), index, on_event);
        Ok(())
    })
    .await
}

/// Stops the camera; returns once it is released.
#[tauri::command]
pub async fn scan_camera_stop(app: AppHandle) -> CommandResult<()> {
    super::blocking(app, |app| {
        app.state::<Camera>().stop();
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(secret: &str) -> SetupKeyEntry {
        SetupKeyEntry {
            issuer: "Example".into(),
            name: "alice".into(),
            secret: Zeroizing::new(secret.into()),
            kind: "totp".into(),
            algorithm: "SHA256".into(),
            digits: 8,
            period: 60,
            counter: 0,
        }
    }

    #[test]
    fn a_typed_key_is_held_for_the_card_with_its_weakness() {
        let dir = tempfile::tempdir().unwrap();
        let state = crate::state::tests::unlocked_state(dir.path());
        let scan = ScanState::default();
        let account = entry("jbsw-y3dp e").account().unwrap();
        let outcome = scan
            .process_intakes(&state, vec![Intake::Account(account)])
            .unwrap();
        let shown = serde_json::to_value(&outcome).unwrap()["pending"].clone();
        let token = shown[0]["token"].as_str().unwrap().to_owned();
        assert_eq!(
            shown,
            serde_json::json!([{
                "token": token, "issuer": "Example", "name": "alice", "kind": "totp",
                "algorithm": "SHA256", "digits": 8, "period": 60, "weakBits": 40,
            }])
        );
        let code = serde_json::to_value(scan.code(&state, &token).unwrap()).unwrap();
        assert_eq!(code["code"].as_str().map(str::len), Some(8));
    }

    #[test]
    fn a_bad_entry_names_its_field() {
        let error = |entry: SetupKeyEntry| {
            let error = entry.account().unwrap_err();
            (error.kind, error.message)
        };
        assert_eq!(
            error(entry("JBSWY3DP!")),
            (
                "invalid_secret",
                "The secret has a character that is not base32: '!' at position 9.".to_owned()
            )
        );
        assert_eq!(
            error(entry("")),
            ("invalid_secret", "The secret is empty.".to_owned())
        );
        assert_eq!(
            error(SetupKeyEntry {
                digits: 0,
                ..entry("JBSWY3DPEHPK3PXP")
            }),
            (
                "invalid_digits",
                "0 digits is not supported (1 to 10).".to_owned()
            )
        );
        assert_eq!(
            error(SetupKeyEntry {
                period: 0,
                ..entry("JBSWY3DPEHPK3PXP")
            })
            .0,
            "invalid_period"
        );
        assert_eq!(
            error(SetupKeyEntry {
                issuer: " ".into(),
                name: String::new(),
                ..entry("JBSWY3DPEHPK3PXP")
            })
            .0,
            "invalid_issuer"
        );
        assert_eq!(
            error(SetupKeyEntry {
                algorithm: "MD5".into(),
                ..entry("JBSWY3DPEHPK3PXP")
            })
            .0,
            "invalid_algorithm"
        );
    }
}
