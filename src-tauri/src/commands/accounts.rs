//! Listing accounts with their current codes, and adding accounts.

use countersign_otp::{Account, Kind, Provisioning, parse_provisioning};
use serde::Serialize;
use tauri::State;
use uuid::Uuid;
use zeroize::Zeroizing;

use super::unix_now;
use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// An account as the list shows it: everything but the secret.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    id: Uuid,
    issuer: String,
    name: String,
    kind: &'static str,
    digits: u8,
    period: Option<u32>,
    /// The current code (TOTP, Steam) or the code at the counter (HOTP).
    code: String,
    /// The code of the next period, for the last seconds of the current one.
    next_code: Option<String>,
    /// Unix seconds when `code` stops being valid (time-based kinds).
    valid_until: Option<u64>,
}

/// The account list and the time it was computed at.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountList {
    /// Unix seconds the codes were computed for: the UI's clock for countdowns.
    now: u64,
    accounts: Vec<AccountView>,
}

fn view(id: Uuid, account: &Account, now: u64) -> AccountView {
    let code = account.code_at(now);
    let (code, valid_until, next_code) = match code {
        Ok(code) => {
            let next = match (account.kind, code.valid_until) {
                (Kind::Totp { .. } | Kind::Steam { .. }, Some(until)) => {
                    account.code_at(until).ok().map(|next| next.text)
                }
                _ => None,
            };
            (code.text, code.valid_until, next)
        }
        Err(_) => (String::new(), None, None),
    };
    AccountView {
        id,
        issuer: account.issuer.clone(),
        name: account.name.clone(),
        kind: account.kind.name(),
        digits: account.digits,
        period: account.kind.period(),
        code,
        next_code,
        valid_until,
    }
}

/// Every account with its current code.
#[tauri::command]
pub fn list_accounts(state: State<'_, AppState>) -> AccountList {
    let now = unix_now();
    let accounts = state.accounts.lock().expect("accounts lock");
    AccountList {
        now,
        accounts: accounts
            .iter()
            .map(|(id, account)| view(*id, account, now))
            .collect(),
    }
}

/// Adds the accounts an otpauth://, steam:// or otpauth-migration:// text holds; returns
/// their ids. The text is the only way a secret enters, and it is never echoed back.
#[tauri::command]
pub fn add_from_text(
    state: State<'_, AppState>,
    text: Zeroizing<String>,
) -> CommandResult<Vec<Uuid>> {
    let accounts = match parse_provisioning(text.trim())? {
        Provisioning::Account(account) => vec![account],
        Provisioning::Migration(batch) => batch.accounts,
    };
    if accounts.is_empty() {
        return Err(CommandError::new(
            "nothing_to_add",
            "This export holds no account Countersign can use.",
        ));
    }
    let mut list = state.accounts.lock().expect("accounts lock");
    let mut added = Vec::new();
    for account in accounts {
        if list.iter().any(|(_, known)| known.secret == account.secret) {
            continue;
        }
        let id = Uuid::new_v4();
        list.push((id, account));
        added.push(id);
    }
    if added.is_empty() {
        return Err(CommandError::new(
            "duplicate",
            "This account is already in your list.",
        ));
    }
    Ok(added)
}
