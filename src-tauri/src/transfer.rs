//! Moving accounts in and out: an opened file's accounts waiting for the person's choice, and
//! the QR codes of an export shown one at a time.
//!
//! Both wait here, in Rust, under a random token. The window gets what it shows: labels, kinds
//! and statuses of imported accounts (never their secrets), and one QR code at a time of an
//! export the person asked for with the vault password.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use countersign_backup::{
    Account, EntryCause, Format, ImportError, ImportWarning, Imported, ImportedEntry, InvalidEntry,
    QrCode,
};
use countersign_vault::{Novelty, Payload, StoredBackupCode};
use serde::Serialize;
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::error::{CommandError, CommandResult, ErrorArgs, sentence};
use crate::state::AppState;

/// How long an opened file or a QR export waits for the person before it is forgotten.
const LIFETIME: Duration = Duration::from_secs(15 * 60);

/// What an opened file holds so far.
enum Contents {
    /// Encrypted: the file's bytes, until its password is given.
    Encrypted(Zeroizing<Vec<u8>>),
    /// Read: every entry, usable or not, in file order (its warnings moved out).
    Read(Imported),
}

/// A file being imported.
struct PendingImport {
    token: String,
    file_name: String,
    format: &'static dyn Format,
    contents: Contents,
    warnings: Vec<ImportWarning>,
    opened: Instant,
}

/// The QR codes of an export, shown one at a time.
struct QrSession {
    token: String,
    codes: Vec<QrCode>,
    opened: Instant,
}

/// The accounts chosen from an opened file, and beside each the backup codes it carries.
/// (`Debug` shows no secret: accounts and codes print redacted.)
#[derive(Debug)]
pub struct Selection {
    /// The accounts, in file order.
    pub accounts: Vec<Account>,
    /// Each account's backup codes (empty for most).
    pub backup_codes: Vec<Vec<StoredBackupCode>>,
}

/// The transfer state of the running app (managed next to [`AppState`]).
#[derive(Default)]
pub struct TransferState {
    import: Mutex<Option<PendingImport>>,
    qr: Mutex<Option<QrSession>>,
}

/// What opening a file gave: a preview, or the need for the file's password first.
#[derive(Serialize, TS)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "state"
)]
pub enum Opened {
    /// The file is encrypted: ask its password, then `transfer_unlock_import`.
    NeedsPassword {
        token: String,
        file_name: String,
        format: &'static str,
        /// The format's stable id ("countersign", "aegis", ...): the window names the formats
        /// that are no app's name in its own words.
        format_id: &'static str,
    },
    /// The file is read: choose what to import.
    Preview(ImportPreview),
}

/// Every entry of an opened file, as the preview lists it.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    /// Identifies the file in `transfer_import`.
    token: String,
    file_name: String,
    /// The app the file comes from ("Aegis", "Countersign backup", ...).
    format: &'static str,
    /// The format's stable id ("aegis", "countersign", "uris", ...).
    format_id: &'static str,
    items: Vec<PreviewItem>,
    /// About the file as a whole (a missing migration batch).
    warnings: Vec<WarningView>,
}

/// Something about an opened file as a whole, for the preview to say.
#[derive(Serialize, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub struct WarningView {
    /// What it is: "missing_batches" (a Google Authenticator export lacks some of its QR
    /// codes, `size` and `missing` say which).
    #[ts(type = "\"missing_batches\" | \"other\"")]
    kind: &'static str,
    /// The warning in English.
    message: String,
    /// How many QR codes the export has.
    size: Option<u32>,
    /// The QR codes missing, counted from 1.
    missing: Vec<u32>,
}

impl WarningView {
    fn of(warning: &ImportWarning) -> Self {
        let message = sentence(&warning.to_string());
        match warning {
            ImportWarning::MissingBatches { size, missing } => WarningView {
                kind: "missing_batches",
                message,
                size: Some(*size),
                missing: missing.clone(),
            },
            _ => WarningView {
                kind: "other",
                message,
                size: None,
                missing: Vec::new(),
            },
        }
    }
}

/// One entry of an opened file: never its secret.
#[derive(Serialize, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewItem {
    /// Position in the file, from 0: what `transfer_import` selects.
    index: usize,
    issuer: String,
    name: String,
    /// `totp`, `hotp` or `steam`; `None` for an entry that could not be read.
    #[ts(type = "\"totp\" | \"hotp\" | \"steam\" | null")]
    kind: Option<&'static str>,
    status: ItemStatus,
    /// Why it is a duplicate or invalid, in English.
    detail: Option<String>,
    /// The position in the file, from 1, of an entry that cannot be read and has no name: the
    /// window calls it "Entry N" (`issuer` and `name` are empty then).
    position: Option<usize>,
    /// A duplicate of the vault: the vault's account with the same secret, by name.
    existing: Option<String>,
    /// A duplicate within the file: the entry, from 1, that has the same secret first.
    same_as: Option<usize>,
    /// Why an entry cannot be imported, as commands fail (by kind and `args`), where the
    /// file's reader knows it as more than a sentence (a setup link's fault).
    problem: Option<CommandError>,
}

/// Whether an entry can be imported.
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Not in the vault yet: selected by default.
    New,
    /// Its secret is already in the vault, or earlier in the file: importing it adds nothing.
    Duplicate,
    /// It cannot become an account (the reason is in `detail`).
    Invalid,
}

/// The preview of `entries` against what the vault holds, `existing`. Whether an entry is new
/// is the vault's to say ([`Payload::sort_new`]): the same rule that decides when adding.
pub fn preview_items(entries: &[ImportedEntry], existing: &Payload) -> Vec<PreviewItem> {
    // The readable entries' positions in the file: the vault sorts their accounts, in order.
    let readable: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| entry.is_ok().then_some(index))
        .collect();
    let mut novelties = existing
        .sort_new(entries.iter().filter_map(|entry| entry.as_ref().ok()))
        .into_iter();
    entries
        .iter()
        .enumerate()
        .map(|(index, entry)| match entry {
            Ok(account) => {
                let novelty = novelties.next().expect("one novelty per readable entry");
                let item = PreviewItem {
                    index,
                    issuer: account.issuer.clone(),
                    name: account.name.clone(),
                    kind: Some(account.kind.name()),
                    status: ItemStatus::New,
                    detail: None,
                    position: None,
                    existing: None,
                    same_as: None,
                    problem: None,
                };
                match novelty {
                    Novelty::New => item,
                    Novelty::InVault(id) => {
                        let name = existing
                            .entry(id)
                            .map(|entry| entry.account.display_name())
                            .unwrap_or_default();
                        PreviewItem {
                            status: ItemStatus::Duplicate,
                            detail: Some(format!("Already in your vault as {name}")),
                            existing: Some(name),
                            ..item
                        }
                    }
                    Novelty::Repeat(first) => {
                        let first = readable[first] + 1;
                        PreviewItem {
                            status: ItemStatus::Duplicate,
                            detail: Some(format!("Same secret as entry {first} of this file")),
                            same_as: Some(first),
                            ..item
                        }
                    }
                }
            }
            Err(invalid) => PreviewItem {
                index,
                issuer: invalid.label.clone(),
                name: String::new(),
                kind: None,
                status: ItemStatus::Invalid,
                detail: Some(sentence(&invalid.reason)),
                position: invalid.label.is_empty().then_some(invalid.position),
                existing: None,
                same_as: None,
                problem: entry_problem(invalid),
            },
        })
        .collect()
}

/// An entry's cause as an error the window words by its kind and `args`; `None` for a reason
/// only one format has, which the window leaves in English.
fn entry_problem(invalid: &InvalidEntry) -> Option<CommandError> {
    use EntryCause as C;
    let field = ErrorArgs::field;
    let (kind, args) = match invalid.cause.as_ref()? {
        C::Provisioning(error) => return Some(error.clone().into()),
        C::Export(error) => ("invalid_uri", ErrorArgs::of_export_entry(error)),
        C::Secret(error) => ("invalid_account", ErrorArgs::of_secret(error)),
        C::Account(error) => ("invalid_account", ErrorArgs::of_account(error)),
        C::MissingSecret => ("invalid_account", field("secret", "missing")),
        C::SecretUnreadable => ("invalid_account", field("secret", "unreadable")),
        C::SecretDamaged => ("invalid_account", field("secret", "damaged")),
        C::UnknownType => ("invalid_account", field("type", "unsupported")),
        C::UnsupportedType(name) => (
            "invalid_account",
            ErrorArgs {
                name: Some((*name).to_owned()),
                ..field("type", "unsupported")
            },
        ),
        C::Algorithm => ("invalid_account", field("algorithm", "unsupported")),
        C::Digits => ("invalid_account", field("digits", "out_of_range")),
        C::Period => ("invalid_account", field("period", "out_of_range")),
        C::Counter => ("invalid_account", field("counter", "out_of_range")),
        C::Unreadable => ("invalid_account", field("entry", "unreadable")),
        _ => return None,
    };
    Some(CommandError::new(kind, sentence(&invalid.reason)).with_args(args))
}

/// A file's import error as the window shows it.
pub fn import_error(error: ImportError) -> CommandError {
    let args = match &error {
        ImportError::UnsupportedVersion {
            format,
            version,
            supported,
        } => ErrorArgs {
            format: Some((*format).to_owned()),
            version: Some(version.clone()),
            supported: Some((*supported).to_owned()),
            ..ErrorArgs::default()
        },
        ImportError::WrongFormat { format, .. }
        | ImportError::Corrupt { format, .. }
        | ImportError::Unsupported { format, .. } => ErrorArgs {
            format: Some((*format).to_owned()),
            ..ErrorArgs::default()
        },
        _ => ErrorArgs::default(),
    };
    CommandError::new(error.kind(), sentence(&error.to_string())).with_args(args)
}

/// `args` naming the entry or QR code at `index`, counted from 1.
fn number(index: usize) -> ErrorArgs {
    ErrorArgs {
        number: Some(index as u64 + 1),
        ..ErrorArgs::default()
    }
}

fn expired() -> CommandError {
    CommandError::new(
        "expired",
        "This is no longer open (it was closed, or the vault locked): start again.",
    )
}

fn new_token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl TransferState {
    /// Keeps an opened file. An encrypted one waits for its password; a plain one is previewed.
    /// Replaces any file opened before.
    pub fn open(
        &self,
        file_name: String,
        format: &'static dyn Format,
        contents: Result<Imported, Zeroizing<Vec<u8>>>,
        existing: &Payload,
    ) -> Opened {
        let token = new_token();
        let (contents, warnings) = match contents {
            Ok(mut imported) => {
                let warnings = std::mem::take(&mut imported.warnings);
                (Contents::Read(imported), warnings)
            }
            Err(bytes) => (Contents::Encrypted(bytes), Vec::new()),
        };
        let pending = PendingImport {
            token: token.clone(),
            file_name: file_name.clone(),
            format,
            contents,
            warnings,
            opened: Instant::now(),
        };
        let opened = match &pending.contents {
            Contents::Encrypted(_) => Opened::NeedsPassword {
                token,
                file_name,
                format: format.name(),
                format_id: format.id(),
            },
            Contents::Read(_) => Opened::Preview(preview(&pending, existing)),
        };
        *self.import.lock().expect("import lock") = Some(pending);
        opened
    }

    /// Decrypts the opened file with its password and previews it. A wrong password keeps the
    /// file open for another try.
    pub fn unlock(
        &self,
        token: &str,
        password: &str,
        existing: &Payload,
    ) -> CommandResult<ImportPreview> {
        let mut guard = self.import.lock().expect("import lock");
        let pending = guard
            .as_mut()
            .filter(|pending| pending.token == token)
            .ok_or_else(expired)?;
        if let Contents::Encrypted(bytes) = &pending.contents {
            if password.is_empty() {
                return Err(CommandError::new(
                    "password_required",
                    "Enter the password the file was exported with.",
                ));
            }
            let mut imported = pending
                .format
                .import(bytes, Some(password))
                .map_err(import_error)?;
            pending.warnings = std::mem::take(&mut imported.warnings);
            pending.contents = Contents::Read(imported);
        }
        Ok(preview(pending, existing))
    }

    /// Takes the selected accounts (by index) of the opened file, with the backup codes each
    /// carries, for adding to the vault. Bad selections change nothing. The file stays open
    /// until [`TransferState::imported`].
    pub fn selected(&self, token: &str, selected: &[usize]) -> CommandResult<Selection> {
        let guard = self.import.lock().expect("import lock");
        let pending = guard
            .as_ref()
            .filter(|pending| pending.token == token)
            .ok_or_else(expired)?;
        let Contents::Read(imported) = &pending.contents else {
            return Err(CommandError::new(
                "password_required",
                "Enter the file's password first.",
            ));
        };
        let entries = &imported.entries;
        let mut indices = selected.to_vec();
        indices.sort_unstable();
        indices.dedup();
        if indices.is_empty() {
            return Err(CommandError::new(
                "nothing_selected",
                "Choose at least one account to import.",
            ));
        }
        let backup_codes = indices
            .iter()
            .map(|index| imported.backup_codes_of(*index).to_vec())
            .collect();
        let accounts = indices
            .into_iter()
            .map(|index| match entries.get(index) {
                Some(Ok(account)) => Ok(account.clone()),
                Some(Err(invalid)) => Err(CommandError::new(
                    "invalid_account",
                    format!(
                        "Entry {} cannot be imported: {}.",
                        index + 1,
                        invalid.reason
                    ),
                )
                .with_args(number(index))),
                None => Err(CommandError::new(
                    "invalid_selection",
                    format!("The file has no entry {}.", index + 1),
                )
                .with_args(number(index))),
            })
            .collect::<CommandResult<_>>()?;
        Ok(Selection {
            accounts,
            backup_codes,
        })
    }

    /// The selected accounts were added: forgets the file.
    pub fn imported(&self, token: &str) {
        let mut guard = self.import.lock().expect("import lock");
        if guard.as_ref().is_some_and(|pending| pending.token == token) {
            guard.take();
        }
    }

    /// Keeps the QR codes of an export and returns its token.
    pub fn show_qr(&self, codes: Vec<QrCode>) -> String {
        let token = new_token();
        *self.qr.lock().expect("qr lock") = Some(QrSession {
            token: token.clone(),
            codes,
            opened: Instant::now(),
        });
        token
    }

    /// One QR code of the export shown under `token`: (its label, its SVG, how many there are).
    pub fn qr_code(
        &self,
        token: &str,
        index: usize,
    ) -> CommandResult<(String, Zeroizing<String>, usize)> {
        let guard = self.qr.lock().expect("qr lock");
        let session = guard
            .as_ref()
            .filter(|session| session.token == token)
            .ok_or_else(expired)?;
        let code = session.codes.get(index).ok_or_else(|| {
            CommandError::new(
                "invalid_selection",
                format!("There is no QR code {}.", index + 1),
            )
            .with_args(number(index))
        })?;
        Ok((code.label.clone(), code.svg.clone(), session.codes.len()))
    }

    /// Forgets the opened file and the QR codes (the page closed, the vault locked).
    pub fn forget(&self) {
        self.import.lock().expect("import lock").take();
        self.qr.lock().expect("qr lock").take();
    }

    /// Forgets everything once the vault is locked, and what waited too long.
    pub fn expire(&self, state: &AppState) {
        if state.vault.lock().expect("vault lock").is_none() {
            self.forget();
            return;
        }
        let mut import = self.import.lock().expect("import lock");
        if import
            .as_ref()
            .is_some_and(|pending| pending.opened.elapsed() > LIFETIME)
        {
            import.take();
        }
        let mut qr = self.qr.lock().expect("qr lock");
        if qr
            .as_ref()
            .is_some_and(|session| session.opened.elapsed() > LIFETIME)
        {
            qr.take();
        }
    }
}

fn preview(pending: &PendingImport, existing: &Payload) -> ImportPreview {
    let items = match &pending.contents {
        Contents::Read(imported) => preview_items(&imported.entries, existing),
        Contents::Encrypted(_) => Vec::new(),
    };
    ImportPreview {
        token: pending.token.clone(),
        file_name: pending.file_name.clone(),
        format: pending.format.name(),
        format_id: pending.format.id(),
        items,
        warnings: pending.warnings.iter().map(WarningView::of).collect(),
    }
}

#[cfg(test)]
mod tests {
    use countersign_backup::{InvalidEntry, Secret, format_by_id};
    use countersign_vault::backup_file::entries_of;

    use super::*;

    fn account(issuer: &str, secret: &str) -> Account {
        Account::totp(issuer, "me", Secret::from_base32(secret).unwrap())
    }

    #[test]
    fn new_duplicate_and_invalid_entries() {
        let existing = Payload {
            entries: entries_of(vec![account("Vaulted", "JBSWY3DPEHPK3PXP")]),
            ..Payload::default()
        };
        let entries: Vec<ImportedEntry> = vec![
            Ok(account("Again", "JBSWY3DPEHPK3PXP")),
            Ok(account("Fresh", "GEZDGNBVGY3TQOJQ")),
            Err(InvalidEntry {
                position: 3,
                label: String::new(),
                reason: "digits: 12 is not a number from 1 to 10".into(),
                cause: Some(EntryCause::Provisioning(
                    countersign_otp::parse_provisioning(
                        "otpauth://totp/x?secret=JBSWY3DP&digits=12",
                    )
                    .unwrap_err(),
                )),
            }),
            Ok(account("Twice", "GEZDGNBVGY3TQOJQ")),
        ];
        let items = preview_items(&entries, &existing);
        let summary: Vec<_> = items
            .iter()
            .map(|item| (item.index, item.issuer.as_str(), item.status, item.kind))
            .collect();
        assert_eq!(
            summary,
            [
                (0, "Again", ItemStatus::Duplicate, Some("totp")),
                (1, "Fresh", ItemStatus::New, Some("totp")),
                (2, "", ItemStatus::Invalid, None),
                (3, "Twice", ItemStatus::Duplicate, Some("totp")),
            ]
        );
        let details: Vec<_> = items.iter().map(|item| item.detail.as_deref()).collect();
        assert_eq!(
            details,
            [
                Some("Already in your vault as Vaulted (me)"),
                None,
                Some("Digits: 12 is not a number from 1 to 10."),
                Some("Same secret as entry 2 of this file"),
            ]
        );
        // What the window words in its own language.
        let args: Vec<_> = items
            .iter()
            .map(|item| (item.position, item.existing.as_deref(), item.same_as))
            .collect();
        assert_eq!(
            args,
            [
                (None, Some("Vaulted (me)"), None),
                (None, None, None),
                (Some(3), None, None),
                (None, None, Some(2)),
            ]
        );
        let problem = items[2].problem.as_ref().unwrap();
        assert_eq!(problem.kind, "invalid_uri");
        assert_eq!(
            problem.args.as_deref(),
            Some(&ErrorArgs::field("digits", "out_of_range"))
        );
        assert!(
            items
                .iter()
                .all(|item| item.index == 2 || item.problem.is_none())
        );
    }

    #[test]
    fn an_aegis_entry_s_cause_reaches_the_preview_as_field_and_problem() {
        let file = countersign_backup::export_aegis_plain(&[
            account("Good", "GEZDGNBVGY3TQOJQ"),
            account("Bad", "JBSWY3DPEHPK3PXP"),
            account("Yandex", "MFRGGZDFMZTWQ2LK"),
            account("Wrong", "KRUGKIDROVUWG2ZA"),
        ]);
        // The second entry's secret is not base32; the third entry's type and the fourth's
        // algorithm are ones no code is made for.
        let file = file.replacen("JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PX!", 1);
        let mut value: serde_json::Value = serde_json::from_str(&file).unwrap();
        value["db"]["entries"][2]["type"] = "yandex".into();
        value["db"]["entries"][3]["info"]["algo"] = "MD5".into();
        let imported = format_by_id("aegis")
            .unwrap()
            .import(value.to_string().as_bytes(), None)
            .unwrap();
        let items = preview_items(&imported.entries, &Payload::default());
        let sent: Vec<_> = items
            .iter()
            .map(|item| serde_json::to_value(&item.problem).unwrap())
            .collect();
        assert_eq!(
            sent,
            [
                serde_json::Value::Null,
                serde_json::json!({
                    "kind": "invalid_account",
                    "message": "Secret: the secret has a character that is not base32: '!' at \
                                position 16.",
                    "args": {"field": "secret", "problem": "not_base32"},
                }),
                serde_json::json!({
                    "kind": "invalid_account",
                    "message": "Yandex OTP is not supported.",
                    "args": {"field": "type", "problem": "unsupported", "name": "Yandex OTP"},
                }),
                serde_json::json!({
                    "kind": "invalid_account",
                    "message": "Unsupported algorithm \"MD5\".",
                    "args": {"field": "algorithm", "problem": "unsupported"},
                }),
            ]
        );
        // The English sentence the window shows in English stays the reader's own.
        assert_eq!(
            items[2].detail.as_deref(),
            Some("Yandex OTP is not supported.")
        );
    }

    #[test]
    fn a_reason_only_one_format_has_sends_no_problem() {
        let entries: Vec<ImportedEntry> = vec![Err(InvalidEntry {
            position: 1,
            label: "Ente (me)".into(),
            reason: "in Ente's trash (deleted there), so not imported".into(),
            cause: None,
        })];
        let items = preview_items(&entries, &Payload::default());
        assert!(items[0].problem.is_none());
        assert_eq!(
            items[0].detail.as_deref(),
            Some("In Ente's trash (deleted there), so not imported.")
        );
    }

    #[test]
    fn a_missing_migration_code_is_sent_with_its_numbers() {
        let accounts: Vec<Account> = (1..=3u8)
            .map(|seed| Account::totp("I", "me", Secret::from_bytes(vec![seed; 10]).unwrap()))
            .collect();
        let uris = countersign_otp::encode_migration(&accounts, 1, 9).uris;
        let file = format!("{}\n{}\n", uris[0].as_str(), uris[1].as_str());
        let format = format_by_id("uris").unwrap();
        let imported = format.import(file.as_bytes(), None).unwrap();
        let state = TransferState::default();
        let Opened::Preview(preview) =
            state.open("g.txt".into(), format, Ok(imported), &Payload::default())
        else {
            panic!("a plain file is previewed at once")
        };
        assert_eq!(
            serde_json::to_value(&preview.warnings).unwrap(),
            serde_json::json!([{
                "kind": "missing_batches",
                "message": "A Google Authenticator export of 3 QR codes is missing code 3: scan \
                            it too, or its accounts are not imported.",
                "size": 3,
                "missing": [3],
            }])
        );
    }

    #[test]
    fn an_unsupported_version_sends_its_numbers() {
        let error = import_error(ImportError::UnsupportedVersion {
            format: "Aegis",
            version: "9".into(),
            supported: "3",
        });
        assert_eq!(error.kind, "unsupported_version");
        assert_eq!(
            serde_json::to_value(&error).unwrap()["args"],
            serde_json::json!({"format": "Aegis", "version": "9", "supported": "3"})
        );
    }

    #[test]
    fn the_preview_never_holds_a_secret() {
        let entries: Vec<ImportedEntry> = vec![Ok(account("A", "JBSWY3DPEHPK3PXP"))];
        let json = serde_json::to_string(&preview_items(&entries, &Payload::default())).unwrap();
        assert!(!json.contains("JBSWY3DPEHPK3PXP"), "{json}");
        assert_eq!(
            json,
            r#"[{"index":0,"issuer":"A","name":"me","kind":"totp","status":"new","detail":null,"position":null,"existing":null,"sameAs":null,"problem":null}]"#
        );
    }

    #[test]
    fn selection_is_checked_and_a_wrong_token_is_refused() {
        let state = TransferState::default();
        let uris = format_by_id("uris").unwrap();
        let file = b"otpauth://totp/A:me?secret=JBSWY3DPEHPK3PXP\notpauth://totp/B?secret=GEZD&digits=12\n";
        let imported = uris.import(file, None).unwrap();
        let Opened::Preview(preview) =
            state.open("list.txt".into(), uris, Ok(imported), &Payload::default())
        else {
            panic!("a plain file is previewed at once")
        };
        assert_eq!(preview.items.len(), 2);
        assert_eq!(
            (preview.format, preview.format_id),
            ("otpauth:// URI list", "uris")
        );
        let token = preview.token.clone();
        assert_eq!(state.selected("other", &[0]).unwrap_err().kind, "expired");
        assert_eq!(
            state.selected(&token, &[]).unwrap_err().kind,
            "nothing_selected"
        );
        let invalid = state.selected(&token, &[1]).unwrap_err();
        assert_eq!(invalid.kind, "invalid_account");
        assert_eq!(invalid.args.unwrap().number, Some(2));
        let missing = state.selected(&token, &[7]).unwrap_err();
        assert_eq!(missing.kind, "invalid_selection");
        assert_eq!(missing.args.unwrap().number, Some(8));
        let chosen = state.selected(&token, &[0, 0]).unwrap();
        assert_eq!(chosen.accounts.len(), 1);
        assert_eq!(chosen.accounts[0].issuer, "A");
        assert_eq!(
            chosen.backup_codes,
            [Vec::new()],
            "a list of URIs carries none"
        );
        state.imported(&token);
        assert_eq!(state.selected(&token, &[0]).unwrap_err().kind, "expired");
    }

    #[test]
    fn a_wrong_file_password_keeps_the_file_open() {
        let state = TransferState::default();
        let aegis = format_by_id("aegis").unwrap();
        let bytes = countersign_backup::export_aegis_encrypted(
            &[account("A", "JBSWY3DPEHPK3PXP")],
            "right",
        );
        let Opened::NeedsPassword { token, format, .. } = state.open(
            "aegis.json".into(),
            aegis,
            Err(Zeroizing::new(bytes.into_bytes())),
            &Payload::default(),
        ) else {
            panic!("an encrypted file needs its password")
        };
        assert_eq!(format, "Aegis");
        let error = state
            .unlock(&token, "wrong", &Payload::default())
            .err()
            .unwrap();
        assert_eq!(
            (error.kind, error.message.as_str()),
            ("wrong_password", "The password is wrong.")
        );
        let preview = state
            .unlock(&token, "right", &Payload::default())
            .ok()
            .unwrap();
        assert_eq!(preview.items[0].status, ItemStatus::New);
        state.forget();
        assert_eq!(
            state
                .unlock(&token, "right", &Payload::default())
                .err()
                .unwrap()
                .kind,
            "expired"
        );
    }
}
