//! Moving in and out: import another app's export (or a Countersign backup) after a preview,
//! and export to an encrypted Countersign backup, an encrypted Aegis vault, a plain otpauth://
//! list, or QR codes shown one at a time.
//!
//! Files are chosen with the system's dialogs and read and written here, off the UI thread.
//! Every export asks for the vault password again first. What the window gets: labels, kinds
//! and statuses for imports; for exports the saved path, or the QR code it asked to see.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use countersign_backup::{
    ExportError, ExportFormat, ExportLimit, Exported, ImportError, LeftOut, MAX_INPUT_LEN,
    detect_format, export, import_auto,
};
use countersign_vault::{Entry, calibrate};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, WebviewWindow};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::error::{CommandError, CommandResult, ErrorArgs};
use crate::state::AppState;
use crate::transfer::{ImportPreview, Opened, TransferState, import_error};
use crate::words::{Dialog, window_language};

/// In debug builds, makes the save dialog of an export return this path without showing.
#[cfg(debug_assertions)]
const TEST_SAVE_PATH: &str = "COUNTERSIGN_TEST_SAVE_PATH";

/// [`super::blocking`] with the app's and the transfer state, after forgetting what waited too
/// long or outlived an unlocked vault.
async fn with_transfer<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&AppState, &TransferState) -> CommandResult<T> + Send + 'static,
) -> CommandResult<T> {
    super::blocking(app, move |app| {
        let (state, transfer) = (app.state::<AppState>(), app.state::<TransferState>());
        transfer.expire(&state);
        f(&state, &transfer)
    })
    .await
}

/// Asks for a file to import with the system's open dialog and reads it: a preview, or the
/// need for its password. `None` when the person cancels.
#[tauri::command]
pub async fn transfer_open_import(
    app: AppHandle,
    window: WebviewWindow,
) -> CommandResult<Option<Opened>> {
    let dialog = app.clone();
    with_transfer(app, move |state, transfer| {
        state.touch();
        state.with_vault(|_| Ok(()))?;
        let Some(path) = pick_import(&dialog, &window) else {
            return Ok(None);
        };
        let bytes = read_import(&path)?;
        let file_name = path.file_name().map_or_else(
            || path.display().to_string(),
            |name| name.to_string_lossy().into_owned(),
        );
        // Structure and KDF caps are checked before a password is asked for.
        let (format, contents) = match import_auto(&bytes, None) {
            Ok((format, imported)) => (format, Ok(imported)),
            Err(ImportError::PasswordRequired) => {
                let format =
                    detect_format(&bytes).ok_or_else(|| import_error(ImportError::Unrecognised))?;
                (format, Err(bytes))
            }
            Err(error) => return Err(import_error(error)),
        };
        // The preview asks the vault which accounts are new.
        state.with_vault(|vault| {
            Ok(Some(transfer.open(
                file_name.clone(),
                format,
                contents.clone(),
                vault.payload(),
            )))
        })
    })
    .await
}

fn pick_import(app: &AppHandle, window: &WebviewWindow) -> Option<PathBuf> {
    super::pick_file(app, window, Dialog::ImportFile, &[])
}

/// The file's bytes, refusing (without reading them all) anything larger than an export can be.
fn read_import(path: &Path) -> CommandResult<Zeroizing<Vec<u8>>> {
    let unreadable = |e: std::io::Error| {
        CommandError::new("io", format!("{} could not be read: {e}.", path.display()))
            .with_args(ErrorArgs::io(path, &e))
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Zeroizing::new(Vec::new());
    // One byte over the cap is enough to know the file is too large.
    file.take(MAX_INPUT_LEN as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() > MAX_INPUT_LEN {
        return Err(import_error(ImportError::TooLarge {
            size: bytes.len(),
            max: MAX_INPUT_LEN,
        }));
    }
    Ok(bytes)
}

/// Opens the encrypted file that `transfer_open_import` kept, with its password, and previews
/// it. A wrong password changes nothing: try again.
#[tauri::command]
pub async fn transfer_unlock_import(
    app: AppHandle,
    token: String,
    password: Zeroizing<String>,
) -> CommandResult<ImportPreview> {
    with_transfer(app, move |state, transfer| {
        state.touch();
        state.with_vault(|vault| transfer.unlock(&token, &password, vault.payload()))
    })
    .await
}

/// What an import added.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportDone {
    added: usize,
    /// Selected accounts whose secret was already in the vault: not added again.
    duplicates: usize,
}

/// Adds the selected accounts (indices into the preview) of the opened file to the vault, with
/// one save. A bad selection adds nothing.
#[tauri::command]
pub async fn transfer_import(
    app: AppHandle,
    token: String,
    selected: Vec<usize>,
) -> CommandResult<ImportDone> {
    with_transfer(app, move |state, transfer| {
        state.touch();
        let selection = transfer.selected(&token, &selected)?;
        let report = state.with_vault(|vault| {
            Ok(vault.add_all_with_backup_codes(
                selection.accounts.clone(),
                selection.backup_codes.clone(),
            )?)
        })?;
        transfer.imported(&token);
        Ok(ImportDone {
            added: report.added.len(),
            duplicates: report.duplicates.len(),
        })
    })
    .await
}

/// An export to a file, as the export form sends it.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportRequest {
    format: ExportFormat,
    #[ts(as = "String")]
    vault_password: Zeroizing<String>,
    /// The encrypted formats' own password.
    #[ts(as = "Option<String>")]
    file_password: Option<Zeroizing<String>>,
}

/// Where an export was saved.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportDone {
    path: String,
    count: usize,
}

/// Checks the vault password again, then gives the vault's entries: every export starts here.
fn entries_after_password(state: &AppState, password: &str) -> CommandResult<Vec<Entry>> {
    state.touch();
    state.with_vault(|vault| {
        vault
            .verify_password(password)
            .map_err(|error| match error {
                countersign_vault::Error::NoSuchSlot(_) => CommandError::new(
                    "no_password",
                    "Exports ask for the vault password, and this vault has none: set one in \
                 Settings first.",
                ),
                error => error.into(),
            })?;
        Ok(vault.entries().to_vec())
    })
}

/// Exports every account to a file chosen with the system's save dialog (which asks before
/// replacing a file), readable by its owner only. The vault password is checked and the file
/// made first; `None` when the person cancels the dialog.
#[tauri::command]
pub async fn transfer_export(
    app: AppHandle,
    window: WebviewWindow,
    request: ExportRequest,
) -> CommandResult<Option<ExportDone>> {
    let dialog = app.clone();
    with_transfer(app, move |state, _| {
        let entries = entries_after_password(state, &request.vault_password)?;
        let file_password = request.file_password.as_deref().map(String::as_str);
        let exported = export(request.format, &entries, file_password, calibrate())?;
        let Exported::File(bytes) = exported else {
            return Err(CommandError::new(
                "bad_request",
                "QR codes are shown, not saved: use Show as QR codes.",
            ));
        };
        let Some(path) = pick_save(&dialog, &window, request.format) else {
            return Ok(None);
        };
        write_private(&path, &bytes.0).map_err(|e| {
            CommandError::new(
                "io",
                format!("{} could not be written: {e}.", path.display()),
            )
            .with_args(ErrorArgs::io(&path, &e))
        })?;
        Ok(Some(ExportDone {
            path: path.display().to_string(),
            count: entries.len(),
        }))
    })
    .await
}

fn pick_save(app: &AppHandle, window: &WebviewWindow, format: ExportFormat) -> Option<PathBuf> {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os(TEST_SAVE_PATH) {
        return Some(path.into());
    }
    app.dialog()
        .file()
        .set_parent(window)
        .set_title(Dialog::Export.title(window_language(app)))
        .set_file_name(format.file_name())
        .add_filter(format.name(), format.extensions())
        .blocking_save_file()
        .and_then(|file| file.into_path().ok())
}

/// Writes `bytes` as `path`, readable by its owner only (mode 0600 on Unix): a temporary file
/// beside it, synced, then renamed over it, so a failure never leaves half a file. Replacing an
/// existing file is what the save dialog already asked the person about.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // tempfile creates files with mode 0600.
    let mut file = tempfile::Builder::new()
        .prefix(".countersign-export-")
        .tempfile_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// How "Show as QR codes" lays accounts out.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq, TS)]
#[serde(rename_all = "kebab-case")]
pub enum QrStyle {
    /// Google Authenticator's "Transfer accounts" QR codes, 10 accounts each.
    Migration,
    /// One otpauth:// QR code per account: any app scans them.
    Account,
}

/// One QR code of an export.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QrCodeView {
    /// Identifies the export in `transfer_qr_code`.
    token: String,
    /// This code's position, from 0.
    index: usize,
    count: usize,
    /// What the code holds ("Batch 1 of 2", "GitHub (alice)").
    label: String,
    /// The code as SVG markup.
    #[ts(as = "String")]
    svg: Zeroizing<String>,
    /// Accounts the style cannot hold, and why (first code only).
    left_out: Vec<LeftOutView>,
}

/// An account a QR export cannot hold, and why: for the window to say in its language.
#[derive(Serialize, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub struct LeftOutView {
    /// The account's name as lists show it ("GitHub (octocat)").
    account: String,
    /// Why: "period" (not 30 s), "digits" (not 6 or 8), "steam", or "other".
    #[ts(type = "\"period\" | \"digits\" | \"steam\" | \"other\"")]
    limit: &'static str,
    /// The account's period in seconds or its number of digits, for "period" and "digits".
    value: Option<u32>,
    /// The whole line in English.
    message: String,
}

impl LeftOutView {
    fn of(left_out: &LeftOut) -> Self {
        let (limit, value) = match left_out.limit {
            ExportLimit::Period(period) => ("period", Some(period)),
            ExportLimit::Digits(digits) => ("digits", Some(u32::from(digits))),
            ExportLimit::Steam => ("steam", None),
            _ => ("other", None),
        };
        LeftOutView {
            account: left_out.account.clone(),
            limit,
            value,
            message: left_out.to_string(),
        }
    }
}

/// Shows the vault's accounts as QR codes to scan with a phone, after asking the vault password
/// again: the codes stay in Rust, and the window gets the first one.
#[tauri::command]
pub async fn transfer_show_qr(
    app: AppHandle,
    style: QrStyle,
    password: Zeroizing<String>,
) -> CommandResult<QrCodeView> {
    with_transfer(app, move |state, transfer| {
        let format = match style {
            QrStyle::Migration => ExportFormat::MigrationQr,
            QrStyle::Account => ExportFormat::AccountQr,
        };
        let entries = entries_after_password(state, &password)?;
        let exported = export(format, &entries, None, calibrate()).map_err(|error| {
            let mut shown = CommandError::from(error.clone());
            // What Google's codes cannot hold, one code per account can.
            if style == QrStyle::Migration && error != ExportError::NoAccounts {
                shown
                    .message
                    .push_str(" Show one code per account instead.");
            }
            shown
        })?;
        let Exported::Codes { codes, left_out } = exported else {
            unreachable!("QR formats export codes");
        };
        let left_out = left_out.iter().map(LeftOutView::of).collect();
        let token = transfer.show_qr(codes);
        let (label, svg, count) = transfer.qr_code(&token, 0)?;
        Ok(QrCodeView {
            token,
            index: 0,
            count,
            label,
            svg,
            left_out,
        })
    })
    .await
}

/// Another QR code of the export being shown (next / previous).
#[tauri::command]
pub async fn transfer_qr_code(
    app: AppHandle,
    token: String,
    index: usize,
) -> CommandResult<QrCodeView> {
    with_transfer(app, move |state, transfer| {
        state.touch();
        state.with_vault(|_| Ok(()))?;
        let (label, svg, count) = transfer.qr_code(&token, index)?;
        Ok(QrCodeView {
            token,
            index,
            count,
            label,
            svg,
            left_out: Vec::new(),
        })
    })
    .await
}

/// Forgets the opened file and the QR codes shown (the dialog or the page closed).
#[tauri::command]
pub async fn transfer_forget(app: AppHandle) -> CommandResult<()> {
    with_transfer(app, |_, transfer| {
        transfer.forget();
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_left_out_of_qr_codes_sends_why_as_a_code_and_a_number() {
        let view = LeftOutView::of(&LeftOut {
            account: "GitHub (octocat)".into(),
            limit: ExportLimit::Period(60),
        });
        assert_eq!(
            serde_json::to_value(&view).unwrap(),
            serde_json::json!({
                "account": "GitHub (octocat)",
                "limit": "period",
                "value": 60,
                "message": "GitHub (octocat): Google Authenticator only supports a 30 s period, not 60 s",
            })
        );
        let steam = LeftOutView::of(&LeftOut {
            account: "Steam".into(),
            limit: ExportLimit::Steam,
        });
        assert_eq!((steam.limit, steam.value), ("steam", None));
    }
}
