//! What a scan adds: the QR texts from any source (screen, file, drop, clipboard, camera)
//! sorted into accounts to confirm, Google Authenticator export batches added at once, and
//! codes that hold no account, described.
//!
//! A scanned otpauth:// account waits here, under a random token, until the person confirms
//! it: the window gets its label and live code, never its secret.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use countersign_otp::{
    Account, BatchProgress, BatchTracker, Intake, Kind, MigrationBatch, read_intake,
};
use countersign_scan::ScanError;
use countersign_vault::Novelty;
use serde::Serialize;
use ts_rs::TS;
use zeroize::Zeroizing;

use tauri::{AppHandle, Emitter, Manager};

use crate::code_time;
use crate::error::{CommandError, CommandResult, ErrorArgs};
use crate::state::AppState;

/// The event that tells the window files were dropped on it; `scan_take_dropped` has the result.
pub const DROPPED_EVENT: &str = "scan-dropped";

/// How long a scanned account waits for confirmation before it is forgotten.
const PENDING_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// At most this many scanned accounts wait at once (a screen full of codes is plenty).
const MAX_PENDING: usize = 32;

/// Web addresses are shown up to this many characters.
const MAX_SHOWN_ADDRESS: usize = 200;

/// A scanned account waiting for confirmation.
struct Pending {
    account: Account,
    scanned: Instant,
}

/// The scanning state of the running app (managed next to [`AppState`]).
#[derive(Default)]
pub struct ScanState {
    pending: Mutex<HashMap<String, Pending>>,
    /// Google Authenticator export batches read, scanned or pasted alike.
    exports: Mutex<BatchTracker>,
    /// What the last drop of files onto the window found, until the window takes it.
    dropped: Mutex<Option<CommandResult<ScanOutcome>>>,
}

/// A scanned account as the confirmation card shows it.
#[derive(Serialize, Clone, TS)]
#[serde(rename_all = "camelCase")]
pub struct PendingView {
    /// Identifies the account in `scan_confirm`, `scan_pending_code` and `scan_discard`.
    token: String,
    issuer: String,
    name: String,
    #[ts(type = "\"totp\" | \"hotp\" | \"steam\"")]
    kind: &'static str,
    #[ts(type = "\"SHA1\" | \"SHA256\" | \"SHA512\"")]
    algorithm: &'static str,
    digits: u8,
    period: Option<u32>,
    /// The key's length in bits when it is shorter than usual (under `WEAK_SECRET_BITS`):
    /// codes still work, and the card says the site's protection is weaker.
    weak_bits: Option<u32>,
}

/// The current code of a scanned account, for the card's live preview.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PendingCode {
    /// The code; `None` for HOTP, whose codes are only made on request.
    code: Option<String>,
    /// Unix seconds when `code` stops being valid.
    valid_until: Option<u64>,
    /// Unix seconds the code was computed for: the window's clock for the countdown.
    now: u64,
}

/// Progress through one Google Authenticator export.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportProgress {
    /// The batch just read, counted from 1.
    batch: u32,
    /// How many QR codes the export has.
    size: u32,
    /// The batches read so far (this one included), counted from 1.
    scanned: Vec<u32>,
    /// Accounts of this batch added.
    added: usize,
    /// Accounts of this batch already in the vault (a batch read twice, or known accounts).
    duplicates: usize,
    /// Accounts of this batch that could not be used, with why.
    skipped: Vec<SkippedAccount>,
}

/// An account of an export that could not be used.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub struct SkippedAccount {
    /// Issuer and name as the export gave them.
    label: String,
    /// Why, as an `invalid_uri` error: `args` name the field and the problem, `message` says
    /// it in English (within a sentence: no capital, no full stop).
    problem: CommandError,
}

impl SkippedAccount {
    fn of(skipped: &countersign_otp::SkippedEntry) -> Self {
        SkippedAccount {
            label: skipped.label.clone(),
            problem: CommandError::new("invalid_uri", skipped.reason.to_string())
                .with_args(ErrorArgs::of_export_entry(&skipped.reason)),
        }
    }
}

/// A QR code that added nothing, described for the person: `message` in English, and what
/// the window needs to say it in its own language.
#[derive(Serialize, Clone, Debug, Default, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScanNote {
    /// "web_address", "text", "invalid" (an OTP link with a problem) or "duplicate".
    #[ts(type = "\"web_address\" | \"text\" | \"invalid\" | \"duplicate\"")]
    kind: &'static str,
    /// Where the text came from: "scan" (a QR code read), "link" (a link opened from another
    /// program) or "file" (a dropped file that could not be scanned).
    #[ts(type = "\"scan\" | \"link\" | \"file\"")]
    source: &'static str,
    /// The note in English.
    message: String,
    /// The web address the code holds, cut at `MAX_SHOWN_ADDRESS` characters (`web_address`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    address: Option<String>,
    /// The vault's account that has this secret already, by name (`duplicate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    existing: Option<String>,
    /// The account of an export link that cannot be used, by issuer and name (`invalid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    label: Option<String>,
    /// The dropped file's name (`source` "file").
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    file: Option<String>,
    /// What is wrong (`invalid`), as commands fail: by kind and `args`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    problem: Option<CommandError>,
}

/// What one scan found.
#[derive(Serialize, Clone, Default, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScanOutcome {
    /// How many QR codes (or pasted links) were read.
    codes: usize,
    /// otpauth:// accounts waiting for the person to confirm them.
    pending: Vec<PendingView>,
    /// Export batches read; their accounts are already added.
    exports: Vec<ExportProgress>,
    /// Codes that added nothing, and why.
    notes: Vec<ScanNote>,
}

impl ScanOutcome {
    /// Adds what `other` found to this outcome (several dropped files).
    fn merge(&mut self, other: ScanOutcome) {
        self.codes += other.codes;
        self.pending.extend(other.pending);
        self.exports.extend(other.exports);
        self.notes.extend(other.notes);
    }
}

fn view(token: &str, account: &Account) -> PendingView {
    PendingView {
        token: token.to_owned(),
        issuer: account.issuer.clone(),
        name: account.name.clone(),
        kind: account.kind.name(),
        algorithm: account.algorithm.as_str(),
        digits: account.digits,
        period: account.kind.period(),
        weak_bits: account
            .secret
            .is_weak()
            .then(|| u32::try_from(account.secret.bits()).unwrap_or(u32::MAX)),
    }
}

/// A note of `kind` about a scanned code, saying `message` in English.
fn note(kind: &'static str, message: impl Into<String>) -> ScanNote {
    ScanNote {
        kind,
        source: "scan",
        message: message.into(),
        ..ScanNote::default()
    }
}

/// What a text that is no setup link is, in words; the text itself is shown only for web
/// addresses (`Intake` keeps no other text: it may be private, a Wi-Fi password, a recovery key).
fn describe_other(other: &Intake) -> ScanNote {
    match other {
        Intake::WebAddress(address) => {
            let shown: String = address.chars().take(MAX_SHOWN_ADDRESS).collect();
            let ellipsis = if shown.len() < address.len() {
                "…"
            } else {
                ""
            };
            let shown = format!("{shown}{ellipsis}");
            ScanNote {
                message: format!(
                    "This QR code holds a web address, not a two-factor account: {shown}"
                ),
                address: Some(shown),
                ..note("web_address", "")
            }
        }
        _ => note("text", "This QR code holds text, not a two-factor account."),
    }
}

impl ScanState {
    /// Sorts scanned texts into accounts to confirm, export batches (added now) and notes.
    /// Fails only when the vault is locked or cannot be saved.
    pub fn process(
        &self,
        state: &AppState,
        texts: &[Zeroizing<String>],
    ) -> CommandResult<ScanOutcome> {
        let intakes = texts.iter().map(|text| read_intake(text)).collect();
        self.process_intakes(state, intakes)
    }

    /// [`ScanState::process`] for texts already read (the clipboard's setup links).
    pub fn process_intakes(
        &self,
        state: &AppState,
        intakes: Vec<Intake>,
    ) -> CommandResult<ScanOutcome> {
        state.touch();
        self.expire(state);
        let mut outcome = ScanOutcome {
            codes: intakes.len(),
            ..ScanOutcome::default()
        };
        for intake in intakes {
            match intake {
                Intake::Account(account) => match self.hold(state, account)? {
                    Ok(pending) => outcome.pending.push(pending),
                    Err(duplicate) => outcome.notes.push(duplicate),
                },
                Intake::Migration(mut batch) => {
                    let skipped = batch.skipped.iter().map(SkippedAccount::of).collect();
                    let accounts = std::mem::take(&mut batch.accounts);
                    let report = if accounts.is_empty() {
                        Default::default()
                    } else {
                        state.with_vault(|vault| Ok(vault.add_all(accounts.clone())?))?
                    };
                    let progress = self.record_export(&batch);
                    outcome.exports.push(ExportProgress {
                        batch: progress.batch,
                        size: progress.size,
                        scanned: progress.seen,
                        added: report.added.len(),
                        duplicates: report.duplicates.len(),
                        skipped,
                    });
                }
                Intake::Invalid(error) => outcome.notes.push(ScanNote {
                    message: format!(
                        "This QR code holds a setup link Countersign cannot use: {error}."
                    ),
                    problem: Some(error.into()),
                    ..note("invalid", "")
                }),
                other => outcome.notes.push(describe_other(&other)),
            }
        }
        Ok(outcome)
    }

    /// Sorts setup links opened from elsewhere (a browser, the command line: see
    /// `crate::links`) into accounts to confirm and notes. Unlike a scan, which the person
    /// started in the add dialog, a link may come from any web page, so nothing is added here:
    /// each account of an export link waits for its own confirmation too.
    pub fn process_links(
        &self,
        state: &AppState,
        links: &[Zeroizing<String>],
    ) -> CommandResult<ScanOutcome> {
        self.expire(state);
        let mut outcome = ScanOutcome {
            codes: links.len(),
            ..ScanOutcome::default()
        };
        for link in links {
            let accounts = match read_intake(link) {
                Intake::Account(account) => vec![account],
                Intake::Migration(batch) => {
                    outcome.notes.extend(batch.skipped.iter().map(|skipped| {
                        let SkippedAccount { label, problem } = SkippedAccount::of(skipped);
                        ScanNote {
                            source: "link",
                            message: format!(
                                "The export link you opened has an account Countersign \
                                     cannot use: {}: {}.",
                                skipped.label, skipped.reason
                            ),
                            label: Some(label),
                            problem: Some(problem),
                            ..note("invalid", "")
                        }
                    }));
                    batch.accounts
                }
                Intake::Invalid(error) => {
                    outcome.notes.push(ScanNote {
                        source: "link",
                        message: format!(
                            "The link you opened is a setup link Countersign cannot use: {error}."
                        ),
                        problem: Some(error.into()),
                        ..note("invalid", "")
                    });
                    Vec::new()
                }
                // Links are picked by their scheme (`crate::links`), so this is only a guard.
                _ => {
                    outcome.notes.push(ScanNote {
                        source: "link",
                        ..note("text", "The link you opened holds no two-factor account.")
                    });
                    Vec::new()
                }
            };
            for account in accounts {
                match self.hold(state, account)? {
                    Ok(pending) => outcome.pending.push(pending),
                    Err(duplicate) => outcome.notes.push(duplicate),
                }
            }
        }
        Ok(outcome)
    }

    /// Notes that an export batch was read, scanned or pasted: the progress the person sees.
    pub fn record_export(&self, batch: &MigrationBatch) -> BatchProgress {
        self.exports.lock().expect("exports lock").record(batch)
    }

    /// Keeps `account` for confirmation, or describes the vault entry that already has its
    /// secret. Scanning the same code again gives the same token.
    fn hold(
        &self,
        state: &AppState,
        account: Account,
    ) -> CommandResult<Result<PendingView, ScanNote>> {
        let existing = state.with_vault(|vault| {
            // The vault's own rule, the one adding the account would apply.
            Ok(match vault.sort_new([&account]).as_slice() {
                [Novelty::InVault(id)] => {
                    vault.entry(*id).map(|entry| entry.account.display_name())
                }
                _ => None,
            })
        })?;
        if let Some(existing) = existing {
            return Ok(Err(ScanNote {
                message: format!(
                    "This account is already in your vault, as {existing}. It was not added again."
                ),
                existing: Some(existing),
                ..note("duplicate", "")
            }));
        }
        let mut pending = self.pending.lock().expect("pending lock");
        if let Some((token, _)) = pending
            .iter()
            .find(|(_, p)| p.account.secret == account.secret)
        {
            let token = token.clone();
            let held = pending.get_mut(&token).expect("just found");
            held.account = account;
            held.scanned = Instant::now();
            return Ok(Ok(view(&token, &held.account)));
        }
        if pending.len() >= MAX_PENDING
            && let Some(oldest) = pending
                .iter()
                .min_by_key(|(_, p)| p.scanned)
                .map(|(token, _)| token.clone())
        {
            pending.remove(&oldest);
        }
        let token = uuid::Uuid::new_v4().simple().to_string();
        let shown = view(&token, &account);
        pending.insert(
            token,
            Pending {
                account,
                scanned: Instant::now(),
            },
        );
        Ok(Ok(shown))
    }

    /// The current code of a scanned account.
    pub fn code(&self, state: &AppState, token: &str) -> CommandResult<PendingCode> {
        // Codes are the vault's to show: none while it is locked.
        state.with_vault(|_| Ok(()))?;
        let now = code_time(state);
        let pending = self.pending.lock().expect("pending lock");
        let account = &pending.get(token).ok_or_else(gone)?.account;
        let (code, valid_until) = match account.kind {
            Kind::Hotp { .. } => (None, None),
            _ => {
                let code = account.code_at(now)?;
                (Some(code.text), code.valid_until)
            }
        };
        Ok(PendingCode {
            code,
            valid_until,
            now,
        })
    }

    /// Takes a scanned account out, with the person's edits of its issuer and name.
    pub fn take(&self, token: &str, issuer: &str, name: &str) -> CommandResult<Account> {
        let mut pending = self.pending.lock().expect("pending lock");
        let held = pending.get(token).ok_or_else(gone)?;
        let mut account = held.account.clone();
        account.issuer = issuer.trim().to_owned();
        account.name = name.trim().to_owned();
        // Bad edits change nothing: the account stays pending so the person can fix them.
        if account.issuer.is_empty() && account.name.is_empty() {
            return Err(CommandError::new(
                "invalid_account",
                "Give the account an issuer or a name, so you can tell it apart.",
            )
            .with_args(ErrorArgs::field("name", "missing")));
        }
        pending.remove(token);
        Ok(account)
    }

    /// Forgets one scanned account.
    pub fn discard(&self, token: &str) {
        self.pending.lock().expect("pending lock").remove(token);
    }

    /// Forgets every scanned account and dropped result (the add dialog closed, the vault
    /// locked). Export progress is kept: the rest of an export may be scanned later.
    pub fn forget(&self) {
        self.pending.lock().expect("pending lock").clear();
        self.dropped.lock().expect("dropped lock").take();
    }

    /// Forgets everything, export progress too (the vault locked).
    pub fn forget_all(&self) {
        self.forget();
        self.exports.lock().expect("exports lock").clear();
    }

    /// Drops accounts scanned long ago, and everything once the vault is locked.
    fn expire(&self, state: &AppState) {
        if state.vault.lock().expect("vault lock").is_none() {
            self.forget_all();
            return;
        }
        self.pending
            .lock()
            .expect("pending lock")
            .retain(|_, p| p.scanned.elapsed() < PENDING_LIFETIME);
    }

    /// Keeps what a drop of files found, for the window to take.
    pub fn set_dropped(&self, outcome: CommandResult<ScanOutcome>) {
        *self.dropped.lock().expect("dropped lock") = Some(outcome);
    }

    /// What the last drop found, once.
    pub fn take_dropped(&self) -> Option<CommandResult<ScanOutcome>> {
        self.dropped.lock().expect("dropped lock").take()
    }
}

/// Scans image files dropped onto the window (off the event thread) and tells the window.
pub fn files_dropped(app: &AppHandle, paths: Vec<std::path::PathBuf>) {
    let handle = app.clone();
    std::thread::spawn(move || {
        let state = handle.state::<AppState>();
        if state.vault.lock().expect("vault lock").is_none() {
            return; // nothing to add accounts to
        }
        let scan = handle.state::<ScanState>();
        scan.set_dropped(scan_files(&scan, &state, &paths));
        let _ = handle.emit(DROPPED_EVENT, ());
    });
}

fn gone() -> CommandError {
    CommandError::new(
        "not_found",
        "That scanned account is no longer waiting: scan its code again.",
    )
}

/// Scans the image files at `paths` (a drop onto the window) into one outcome; a file that is
/// not a readable image becomes a note.
pub fn scan_files(
    scan: &ScanState,
    state: &AppState,
    paths: &[std::path::PathBuf],
) -> CommandResult<ScanOutcome> {
    let mut outcome = ScanOutcome::default();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        match read_image_codes(path) {
            Ok(texts) => outcome.merge(scan.process(state, &texts)?),
            Err(error) => outcome.notes.push(ScanNote {
                source: "file",
                message: format!("{name}: {}", error.message),
                file: Some(name),
                problem: Some(error),
                ..note("invalid", "")
            }),
        }
    }
    Ok(outcome)
}

/// Every QR text in the image file at `path`.
pub fn read_image_codes(path: &std::path::Path) -> CommandResult<Vec<Zeroizing<String>>> {
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| {
        CommandError::new(
            "unreadable_file",
            format!("The file could not be read: {e}."),
        )
        .with_args(ErrorArgs::io(path, &e))
    })?);
    let texts = countersign_scan::scan_image_bytes(&bytes)?;
    Ok(texts.into_iter().map(Zeroizing::new).collect())
}

impl From<ScanError> for CommandError {
    fn from(error: ScanError) -> Self {
        use ScanError as E;
        let (kind, message) = match &error {
            E::UnsupportedImageFormat => (
                "unsupported_image",
                "That file is not an image Countersign can read (PNG, JPEG, WebP, GIF or BMP).",
            ),
            E::ImageTooLarge => ("image_too_large", "That image is too large to read."),
            E::CorruptImage(_) => ("corrupt_image", "That image is damaged or incomplete."),
            E::NoDisplay => (
                "no_display",
                "There is no screen to capture here. Use an image file or the clipboard instead.",
            ),
            E::ScreenPermissionDenied => (
                "screen_denied",
                "Screen capture was not allowed. Allow it in your system settings, or use \
                 another way to add the account.",
            ),
            E::PortalUnavailable(_) => (
                "portal_unavailable",
                "This desktop offers no screenshot service (xdg-desktop-portal). Use an image \
                 file, the camera or the clipboard instead.",
            ),
            E::PortalCancelled => ("cancelled", "The screenshot was cancelled."),
            E::CameraNotFound(_) => (
                "camera_not_found",
                "That camera is not available: it may be unplugged or used by another program.",
            ),
            E::CameraPermissionDenied(_) => (
                "camera_denied",
                "Camera access was not allowed. Allow it in your system settings and try again.",
            ),
            E::Camera(_) | E::InvalidFrame(_) | E::EndOfStream => {
                ("camera_failed", "The camera stopped working.")
            }
            E::ScreenCapture(_) => ("capture_failed", "The screen could not be captured."),
            _ => ("scan_failed", "The image could not be read."),
        };
        // The cause (an OS message) helps; it never holds decoded text.
        let cause = std::error::Error::source(&error)
            .map(|cause| format!(" ({cause})"))
            .unwrap_or_default();
        CommandError::new(kind, format!("{message}{cause}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scanned_account_shows_no_code_once_the_vault_is_locked() {
        let dir = tempfile::tempdir().unwrap();
        let state = crate::state::tests::unlocked_state(dir.path());
        let scan = ScanState::default();
        let text = Zeroizing::new(
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME".to_owned(),
        );
        let outcome = scan.process(&state, &[text]).unwrap();
        let token = outcome.pending[0].token.clone();
        let code = scan.code(&state, &token).unwrap();
        assert_eq!(code.code.map(|c| c.len()), Some(6));
        state.lock();
        let refused = scan.code(&state, &token).map(|_| ()).unwrap_err();
        assert_eq!(refused.kind, "locked");
    }

    #[test]
    fn a_short_secret_is_noted_with_its_bits() {
        let dir = tempfile::tempdir().unwrap();
        let state = crate::state::tests::unlocked_state(dir.path());
        let scan = ScanState::default();
        let texts = [
            "otpauth://totp/Short:a?secret=JBSWY3DPE&issuer=Short",
            "otpauth://totp/Usual:b?secret=JBSWY3DPEHPK3PXP&issuer=Usual",
        ]
        .map(|text| Zeroizing::new(text.to_owned()));
        let outcome = scan.process(&state, &texts).unwrap();
        let weak: Vec<_> = outcome.pending.iter().map(|p| p.weak_bits).collect();
        assert_eq!(weak, [Some(40), None]);
    }

    #[test]
    fn only_web_addresses_are_echoed() {
        let web = describe_other(&read_intake("https://example.com/login"));
        assert_eq!(web.kind, "web_address");
        assert_eq!(
            web.message,
            "This QR code holds a web address, not a two-factor account: https://example.com/login"
        );
        assert_eq!(web.address.as_deref(), Some("https://example.com/login"));
        let wifi = describe_other(&read_intake("WIFI:S:home;T:WPA;P:hunter2;;"));
        assert_eq!(wifi.kind, "text");
        assert!(!wifi.message.contains("hunter2"));
        let long = describe_other(&read_intake(&format!(
            "https://example.com/{}",
            "a".repeat(500)
        )));
        assert!(long.message.ends_with('…'));
        assert!(long.message.chars().count() < MAX_SHOWN_ADDRESS + 80);
    }

    #[test]
    fn notes_send_what_the_window_words() {
        let dir = tempfile::tempdir().unwrap();
        let state = crate::state::tests::unlocked_state(dir.path());
        state
            .with_vault(|vault| {
                let secret = countersign_otp::Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
                vault.add(Account::totp("ACME", "alice", secret))?;
                Ok(())
            })
            .unwrap();
        let scan = ScanState::default();
        let texts = [
            "otpauth://totp/Again:a?secret=JBSWY3DPEHPK3PXP",
            "otpauth://totp/Bad:b?secret=JBSWY3DPEHPK3PXP&digits=12",
        ]
        .map(|text| Zeroizing::new(text.to_owned()));
        let notes = serde_json::to_value(scan.process(&state, &texts).unwrap().notes).unwrap();
        assert_eq!(notes[0]["kind"], "duplicate");
        assert_eq!(notes[0]["source"], "scan");
        assert_eq!(notes[0]["existing"], "ACME (alice)");
        assert_eq!(notes[1]["kind"], "invalid");
        assert_eq!(notes[1]["problem"]["kind"], "invalid_uri");
        assert_eq!(
            notes[1]["problem"]["args"],
            serde_json::json!({"field": "digits", "problem": "out_of_range"})
        );
        let links = [Zeroizing::new("otpauth://totp/X?issuer=X".to_owned())];
        let link = &scan.process_links(&state, &links).unwrap().notes[0];
        assert_eq!((link.kind, link.source), ("invalid", "link"));
        assert_eq!(
            link.problem.as_ref().and_then(|p| p.args.as_deref()),
            Some(&ErrorArgs::field("secret", "missing"))
        );
    }

    #[test]
    fn a_skipped_export_account_sends_its_field_and_problem() {
        let skipped = countersign_otp::SkippedEntry {
            index: 0,
            label: "Old: me".into(),
            reason: countersign_otp::EntryError::Algorithm(4),
        };
        assert_eq!(
            serde_json::to_value(SkippedAccount::of(&skipped)).unwrap(),
            serde_json::json!({
                "label": "Old: me",
                "problem": {
                    "kind": "invalid_uri",
                    "message": "unsupported algorithm (code 4)",
                    "args": {"field": "algorithm", "problem": "unsupported"},
                },
            })
        );
    }
}
