//! The account list with current codes, and adding, editing, removing and ordering accounts.

use countersign_otp::{Account, Algorithm, Kind, Provisioning, read_intake};
use countersign_vault::Entry;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};
use ts_rs::TS;
use uuid::Uuid;
use zeroize::Zeroizing;

use super::with_state;
use crate::code_time;
use crate::error::{CommandError, CommandResult, ErrorArgs};
use crate::scan::ScanState;
use crate::state::AppState;

/// An account as the list shows it: everything but the secret.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    id: Uuid,
    issuer: String,
    name: String,
    #[ts(type = "\"totp\" | \"hotp\" | \"steam\"")]
    kind: &'static str,
    #[ts(type = "\"SHA1\" | \"SHA256\" | \"SHA512\"")]
    algorithm: &'static str,
    digits: u8,
    period: Option<u32>,
    /// The current code (TOTP, Steam), or the last generated one (HOTP; empty before).
    code: String,
    /// The code of the next period, for the last seconds of the current one.
    next_code: Option<String>,
    /// Unix seconds when `code` stops being valid (time-based kinds).
    valid_until: Option<u64>,
    /// HOTP: the counter of the next code.
    counter: Option<u64>,
    note: String,
    group: Option<String>,
    favourite: bool,
    icon: Option<String>,
    time_offset: i32,
    /// When a code was last copied (Unix ms), for "most recently used".
    last_used: Option<u64>,
}

/// The account list and the time it was computed at.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountList {
    /// Unix seconds the codes were computed for: the UI's clock for countdowns.
    now: u64,
    accounts: Vec<AccountView>,
}

fn view(entry: &Entry, hotp_code: Option<&str>, now: u64) -> AccountView {
    let account = &entry.account;
    let (code, valid_until, next_code) = match account.kind {
        Kind::Hotp { .. } => (hotp_code.unwrap_or_default().to_owned(), None, None),
        _ => match account.code_at(now) {
            Ok(code) => {
                let next = code
                    .valid_until
                    .and_then(|until| account.code_at(until).ok())
                    .map(|next| next.text);
                (code.text, code.valid_until, next)
            }
            Err(_) => (String::new(), None, None),
        },
    };
    AccountView {
        id: entry.id,
        issuer: account.issuer.clone(),
        name: account.name.clone(),
        kind: account.kind.name(),
        algorithm: account.algorithm.as_str(),
        digits: account.digits,
        period: account.kind.period(),
        code,
        next_code,
        valid_until,
        counter: account.kind.counter(),
        note: account.note.clone(),
        group: account.group.clone(),
        favourite: account.favourite,
        icon: account.icon.clone(),
        time_offset: account.time_offset,
        last_used: entry.last_used_ms,
    }
}

/// Every account, in the person's order, with its current code.
#[tauri::command]
pub fn list_accounts(state: State<'_, AppState>) -> CommandResult<AccountList> {
    let now = code_time(&state);
    let hotp = state.hotp_codes.lock().expect("hotp lock");
    state.with_vault(|vault| {
        Ok(AccountList {
            now,
            accounts: vault
                .entries()
                .iter()
                .map(|entry| view(entry, hotp.get(&entry.id).map(|c| c.as_str()), now))
                .collect(),
        })
    })
}

/// What adding a text did.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddResult {
    /// Ids of the accounts added.
    added: Vec<Uuid>,
    /// Accounts skipped because the vault already has their secret.
    duplicates: usize,
    /// For a Google Authenticator export: this QR code's position and the export's size.
    batch: Option<(u32, u32)>,
}

/// Adds the accounts an otpauth://, steam:// or otpauth-migration:// text holds. The text is
/// one of the ways a secret enters; it is never echoed back.
#[tauri::command]
pub async fn add_from_text(app: AppHandle, text: Zeroizing<String>) -> CommandResult<AddResult> {
    let handle = app.clone();
    with_state(app, move |state| {
        let (accounts, batch) = match read_intake(&text).into_provisioning()? {
            Provisioning::Account(account) => (vec![account], None),
            Provisioning::Migration(batch) => {
                // Counted with scanned batches, so a scan after this paste knows it was read.
                let progress = handle.state::<ScanState>().record_export(&batch);
                (batch.accounts, Some((progress.batch, progress.size)))
            }
        };
        add_accounts(state, accounts, batch)
    })
    .await
}

/// Adds parsed accounts, skipping duplicates; an error when nothing at all was new.
pub fn add_accounts(
    state: &AppState,
    accounts: Vec<Account>,
    batch: Option<(u32, u32)>,
) -> CommandResult<AddResult> {
    if accounts.is_empty() {
        return Err(CommandError::new(
            "nothing_to_add",
            "This holds no account Countersign can use.",
        ));
    }
    state.touch();
    let report = state.with_vault(|vault| Ok(vault.add_all(accounts.clone())?))?;
    if report.added.is_empty() && batch.is_none() {
        return Err(CommandError::new(
            "duplicate",
            "This account is already in your vault.",
        ));
    }
    Ok(AddResult {
        added: report.added,
        duplicates: report.duplicates.len(),
        batch,
    })
}

/// The fields the edit dialog can change.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountEdit {
    issuer: String,
    name: String,
    note: String,
    group: Option<String>,
    favourite: bool,
    icon: Option<String>,
    time_offset: i32,
    digits: u8,
    period: Option<u32>,
    algorithm: String,
}

/// Saves an edited account; the secret and kind stay as they are.
#[tauri::command]
pub async fn update_account(app: AppHandle, id: Uuid, edit: AccountEdit) -> CommandResult<()> {
    with_state(app, move |state| {
        state.touch();
        state.with_vault(|vault| {
            let entry = vault
                .entry(id)
                .ok_or_else(|| CommandError::new("not_found", "That account no longer exists."))?;
            let mut account = entry.account.clone();
            account.issuer = edit.issuer.trim().to_owned();
            account.name = edit.name.trim().to_owned();
            account.note = edit.note.clone();
            account.group = edit
                .group
                .clone()
                .map(|g| g.trim().to_owned())
                .filter(|g| !g.is_empty());
            account.favourite = edit.favourite;
            account.icon = edit.icon.clone().filter(|i| !i.is_empty());
            account.time_offset = edit.time_offset;
            account.digits = edit.digits;
            account.algorithm = Algorithm::parse(&edit.algorithm).ok_or_else(|| {
                CommandError::new("invalid_account", "Choose SHA1, SHA256 or SHA512.")
                    .with_args(ErrorArgs::field("algorithm", "unsupported"))
            })?;
            account.kind = match (account.kind, edit.period) {
                (Kind::Totp { .. }, Some(period)) => Kind::Totp { period },
                (Kind::Steam { .. }, Some(period)) => Kind::Steam { period },
                (kind, _) => kind,
            };
            account.validate()?;
            vault.update(id, account)?;
            Ok(())
        })
    })
    .await
}

/// Removes an account; it can be brought back with `restore_account` until the next removal or
/// lock.
#[tauri::command]
pub async fn delete_account(app: AppHandle, id: Uuid) -> CommandResult<()> {
    with_state(app, move |state| {
        state.touch();
        let removed = state.with_vault(|vault| {
            let position = vault
                .entries()
                .iter()
                .position(|entry| entry.id == id)
                .ok_or_else(|| CommandError::new("not_found", "That account no longer exists."))?;
            let entry = vault.entries()[position].clone();
            vault.remove(id)?;
            Ok((entry, position))
        })?;
        *state.last_deleted.lock().expect("undo lock") = Some(removed);
        Ok(())
    })
    .await
}

/// Undoes the last removal: the account comes back where it was.
#[tauri::command]
pub async fn restore_account(app: AppHandle, id: Uuid) -> CommandResult<Uuid> {
    with_state(app, move |state| {
        state.touch();
        let mut last = state.last_deleted.lock().expect("undo lock");
        let (entry, position) = match last.take() {
            Some((entry, position)) if entry.id == id => (entry, position),
            other => {
                *last = other;
                return Err(CommandError::new(
                    "not_found",
                    "That removal can no longer be undone.",
                ));
            }
        };
        state.with_vault(|vault| {
            let new_id = vault.add(entry.account.clone())?;
            if !entry.backup_codes.is_empty() {
                vault.restore_backup_codes(new_id, &entry.backup_codes)?;
            }
            let mut order: Vec<Uuid> = vault.entries().iter().map(|e| e.id).collect();
            order.retain(|known| *known != new_id);
            order.insert(position.min(order.len()), new_id);
            vault.reorder(&order)?;
            Ok(new_id)
        })
    })
    .await
}

/// Saves the person's order of the accounts.
#[tauri::command]
pub async fn reorder_accounts(app: AppHandle, order: Vec<Uuid>) -> CommandResult<()> {
    with_state(app, move |state| {
        state.touch();
        state.with_vault(|vault| Ok(vault.reorder(&order)?))
    })
    .await
}

/// Generates the next HOTP code: the advanced counter is saved before the code is returned.
#[tauri::command]
pub async fn next_hotp_code(app: AppHandle, id: Uuid) -> CommandResult<String> {
    with_state(app, move |state| {
        state.touch();
        let code = state.with_vault(|vault| Ok(vault.next_hotp_code(id)?))?;
        state
            .hotp_codes
            .lock()
            .expect("hotp lock")
            .insert(id, Zeroizing::new(code.text.clone()));
        Ok(code.text)
    })
    .await
}

/// Notes that the person is active (typing, clicking): pushes auto-lock back.
#[tauri::command]
pub fn note_activity(state: State<'_, AppState>) {
    state.touch();
}

/// An account's secret, for moving it elsewhere by hand.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevealedSecret {
    #[ts(as = "String")]
    uri: Zeroizing<String>,
    #[ts(as = "String")]
    secret: Zeroizing<String>,
    #[ts(as = "String")]
    qr_svg: Zeroizing<String>,
}

/// Shows one account's secret and QR code, after asking the vault password again. The one way
/// a secret reaches the window, on the person's explicit request.
#[tauri::command]
pub async fn reveal_secret(
    app: AppHandle,
    id: Uuid,
    password: Zeroizing<String>,
) -> CommandResult<RevealedSecret> {
    with_state(app, move |state| {
        state.touch();
        state.with_vault(|vault| {
            vault.verify_password(&password)?;
            let entry = vault
                .entry(id)
                .ok_or_else(|| CommandError::new("not_found", "That account no longer exists."))?;
            let uri = entry.account.to_uri();
            let qr_svg = qrcode::QrCode::new(uri.as_bytes())
                .map(|code| {
                    code.render::<qrcode::render::svg::Color>()
                        .min_dimensions(220, 220)
                        .build()
                })
                .map_err(|e| CommandError::new("qr_too_long", e.to_string()))?;
            Ok(RevealedSecret {
                secret: entry.account.secret.to_base32(),
                uri,
                qr_svg: Zeroizing::new(qr_svg),
            })
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use countersign_otp::parse_uri;

    use super::*;

    /// DESIGN.md section 2: what the list sends the window holds no secret, in any spelling.
    #[test]
    fn the_list_sends_the_window_no_secret() {
        const SECRET: &str = "JBSWY3DPEHPK3PXP";
        for uri in [
            format!("otpauth://totp/GitHub:octocat?secret={SECRET}&issuer=GitHub"),
            format!("otpauth://hotp/Bank:me?secret={SECRET}&issuer=Bank&counter=4"),
            format!("otpauth://totp/Steam:me?secret={SECRET}&issuer=Steam&encoder=steam"),
        ] {
            let entry = Entry {
                id: Uuid::new_v4(),
                created_ms: 1,
                modified_ms: 1,
                last_used_ms: None,
                account: parse_uri(&uri).unwrap(),
                field_ms: Default::default(),
                backup_codes: Vec::new(),
            };
            let json = serde_json::to_string(&view(&entry, Some("123456"), 1_765_000_000)).unwrap();
            let bytes = data_encoding::BASE32_NOPAD
                .decode(SECRET.as_bytes())
                .unwrap();
            let spellings = [
                SECRET.to_owned(),
                SECRET.to_lowercase(),
                data_encoding::HEXLOWER.encode(&bytes),
                data_encoding::BASE64.encode(&bytes),
                String::from_utf8_lossy(&bytes).into_owned(),
            ];
            for spelling in spellings {
                assert!(
                    !json.contains(&spelling),
                    "{uri}: {json} holds {spelling:?}"
                );
            }
            // It does carry what the screen shows.
            assert!(json.contains("\"code\":"), "{json}");
        }
    }
}
