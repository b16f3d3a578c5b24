//! An account's backup codes: added from a pasted block, counted, copied one at a time (marked
//! used), marked unused again, shown all at once after the password, removed. The window gets
//! counts and dates; a code reaches it only when the person asks to see them all.

use countersign_otp::{BackupCodesError, parse_backup_codes};
use countersign_vault::{BACKUP_CODES_LOW, Entry, listed_backup_codes};
use serde::Serialize;
use tauri::AppHandle;
use ts_rs::TS;
use uuid::Uuid;
use zeroize::Zeroizing;

use super::clipboard::copy_lasting_secret;
use super::with_state;
use crate::error::{CommandError, CommandResult, ErrorArgs, sentence};

/// An account's backup codes as the window sees them: counts and dates, no code.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupCodesSummary {
    /// Codes listed (used or not).
    total: usize,
    /// Unused codes.
    left: usize,
    /// Whether so few are left ([`BACKUP_CODES_LOW`] or fewer, with a list) that the person
    /// should get new ones.
    low: bool,
    /// The used codes, in list order.
    used: Vec<UsedBackupCode>,
}

/// A used backup code: where it is in the list and when it was used.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UsedBackupCode {
    /// Its position in the list, from 0: what `mark_backup_code_unused` takes.
    index: usize,
    /// When it was used (Unix ms).
    used_ms: u64,
}

/// What a pasted block holds, before it is added.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupCodesPreview {
    /// Codes found, each once.
    found: usize,
    /// Codes left out because they were repeated.
    duplicates: usize,
}

/// One code of a list shown after the password.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevealedBackupCode {
    #[ts(as = "String")]
    code: Zeroizing<String>,
    /// When it was used (Unix ms), if it was.
    used_ms: Option<u64>,
}

fn summary(entry: &Entry) -> BackupCodesSummary {
    let mut total = 0;
    let mut used = Vec::new();
    for (index, code) in listed_backup_codes(&entry.backup_codes).enumerate() {
        total += 1;
        if let Some(used_ms) = code.used_ms {
            used.push(UsedBackupCode { index, used_ms });
        }
    }
    let left = total - used.len();
    BackupCodesSummary {
        total,
        left,
        low: total > 0 && left <= BACKUP_CODES_LOW,
        used,
    }
}

/// The account `id`, or the error the window shows when it is gone.
fn entry(vault: &countersign_vault::Unlocked, id: Uuid) -> CommandResult<&Entry> {
    vault
        .entry(id)
        .ok_or_else(|| CommandError::new("not_found", "That account no longer exists."))
}

impl From<BackupCodesError> for CommandError {
    fn from(error: BackupCodesError) -> Self {
        use countersign_otp::BackupCodeError as Code;
        // What is wrong as a code, the line as `number`, a code's length as `count`.
        let (problem, number, count) = match &error {
            BackupCodesError::NoCodes => ("no_codes", None, None),
            BackupCodesError::TooLong => ("too_long", None, None),
            BackupCodesError::NotACode { line, reason } => match reason {
                Code::Character => ("character", Some(*line), None),
                Code::Separators => ("separators", Some(*line), None),
                Code::Length { length } => ("length", Some(*line), Some(*length)),
                _ => ("other", Some(*line), None),
            },
            _ => ("other", None, None),
        };
        CommandError::new("invalid_backup_codes", sentence(&error.to_string())).with_args(
            ErrorArgs {
                problem: Some(problem.to_owned()),
                number: number.map(|line| line as u64),
                count: count.map(|length| length as u64),
                ..ErrorArgs::default()
            },
        )
    }
}

/// How many codes a pasted block holds: the panel's preview while the person pastes. Changes
/// nothing; the text is never echoed back.
#[tauri::command]
pub fn preview_backup_codes(text: Zeroizing<String>) -> CommandResult<BackupCodesPreview> {
    let parsed = parse_backup_codes(&text)?;
    Ok(BackupCodesPreview {
        found: parsed.codes.len(),
        duplicates: parsed.duplicates,
    })
}

/// An account's backup codes, counted.
#[tauri::command]
pub async fn backup_codes_summary(app: AppHandle, id: Uuid) -> CommandResult<BackupCodesSummary> {
    with_state(app, move |state| {
        state.with_vault(|vault| Ok(summary(entry(vault, id)?)))
    })
    .await
}

/// Adds the codes of a pasted block to an account's list (codes it lists already stay as they
/// are). A block that is not a list of codes changes nothing.
#[tauri::command]
pub async fn add_backup_codes(
    app: AppHandle,
    id: Uuid,
    text: Zeroizing<String>,
) -> CommandResult<BackupCodesSummary> {
    with_state(app, move |state| {
        state.touch();
        let parsed = parse_backup_codes(&text)?;
        state.with_vault(|vault| {
            vault.add_backup_codes(id, parsed.codes.clone())?;
            Ok(summary(entry(vault, id)?))
        })
    })
    .await
}

/// Copies an account's next unused backup code, saved as used first, to the clipboard (marked
/// sensitive, cleared after the timeout).
#[tauri::command]
pub async fn copy_backup_code(app: AppHandle, id: Uuid) -> CommandResult<BackupCodesSummary> {
    with_state(app, move |state| {
        state.touch();
        state.with_vault(|vault| {
            let code = vault.use_backup_code(id)?;
            copy_lasting_secret(state, code.as_str())?;
            Ok(summary(entry(vault, id)?))
        })
    })
    .await
}

/// Marks a used backup code unused again (an undo), by its position in the list.
#[tauri::command]
pub async fn mark_backup_code_unused(
    app: AppHandle,
    id: Uuid,
    index: usize,
) -> CommandResult<BackupCodesSummary> {
    with_state(app, move |state| {
        state.touch();
        state.with_vault(|vault| {
            vault.mark_backup_code(id, index, false)?;
            Ok(summary(entry(vault, id)?))
        })
    })
    .await
}

/// Removes an account's list of backup codes.
#[tauri::command]
pub async fn remove_backup_codes(app: AppHandle, id: Uuid) -> CommandResult<BackupCodesSummary> {
    with_state(app, move |state| {
        state.touch();
        state.with_vault(|vault| {
            vault.remove_backup_codes(id)?;
            Ok(summary(entry(vault, id)?))
        })
    })
    .await
}

/// Every backup code of an account, after asking the vault password again: the one way the
/// whole list reaches the window, on the person's explicit request.
#[tauri::command]
pub async fn reveal_backup_codes(
    app: AppHandle,
    id: Uuid,
    password: Zeroizing<String>,
) -> CommandResult<Vec<RevealedBackupCode>> {
    with_state(app, move |state| {
        state.touch();
        state.with_vault(|vault| {
            vault.verify_password(&password)?;
            Ok(listed_backup_codes(&entry(vault, id)?.backup_codes)
                .map(|code| RevealedBackupCode {
                    code: Zeroizing::new(code.code.as_str().to_owned()),
                    used_ms: code.used_ms,
                })
                .collect())
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use countersign_otp::{Account, BackupCode, Secret};
    use countersign_vault::Payload;

    use super::*;

    #[test]
    fn a_pasted_block_that_is_no_list_sends_the_line_and_the_problem() {
        let json = |text: &str| {
            let error = CommandError::from(parse_backup_codes(text).unwrap_err());
            serde_json::to_value(error).unwrap()
        };
        let short = json("a1b2c-3d4e5\nab1\n");
        assert_eq!(short["kind"], "invalid_backup_codes");
        assert_eq!(short["args"]["problem"], "length");
        assert_eq!(short["args"]["number"], 2);
        assert_eq!(short["args"]["count"], 3);
        assert_eq!(
            json("a1b2c-3d4e5\na1b2c#3d4e5")["args"]["problem"],
            "character"
        );
        assert_eq!(json("")["args"]["problem"], "no_codes");
    }

    /// DESIGN.md section 2: the summary the window gets holds counts and dates, never a code.
    #[test]
    fn the_summary_sends_the_window_no_code() {
        let mut payload = Payload::default();
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let id = payload.push(Account::totp("GitHub", "octocat", secret), 1);
        let codes = ["a1b2c-3d4e5", "f6a7b-8c9d0", "0e1f2-a3b4c", "5d6e7-f8a9b"];
        let parsed = codes.map(|c| BackupCode::new(c).unwrap()).to_vec();
        payload.add_backup_codes(id, parsed, 2).unwrap();
        payload.use_backup_code(id, 3).unwrap();
        payload.use_backup_code(id, 4).unwrap();
        let shown = summary(payload.entry(id).unwrap());
        let json = serde_json::to_string(&shown).unwrap();
        assert_eq!(
            json,
            r#"{"total":4,"left":2,"low":true,"used":[{"index":0,"usedMs":3},{"index":1,"usedMs":4}]}"#
        );
        for code in codes {
            assert!(!json.contains(code) && !json.contains(&code.replace('-', "")));
        }
        payload.remove_backup_codes(id, 5).unwrap();
        let removed = summary(payload.entry(id).unwrap());
        assert_eq!((removed.total, removed.left, removed.low), (0, 0, false));
    }

    #[test]
    fn a_block_that_is_not_codes_is_a_clear_error() {
        let error =
            preview_backup_codes(Zeroizing::new("1234 5678\n2345_6789".into())).unwrap_err();
        assert_eq!(error.kind, "invalid_backup_codes");
        assert!(
            error.message.starts_with("Line 2 is not a backup code"),
            "{}",
            error.message
        );
        let preview = preview_backup_codes(Zeroizing::new("1234 5678\n12345678\n".into())).unwrap();
        assert_eq!((preview.found, preview.duplicates), (1, 1));
    }
}
