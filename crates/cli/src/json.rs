//! The JSON shape of an account, shared by every command that prints accounts.

use countersign_otp::{Account, Kind};
use serde::Serialize;
use zeroize::Zeroizing;

/// One account as printed by `uri inspect --json` (and, without the secret, by `list --json`).
#[derive(Serialize)]
pub struct AccountJson<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    issuer: &'a str,
    account: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<Zeroizing<String>>,
    algorithm: &'static str,
    digits: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
}

impl<'a> AccountJson<'a> {
    /// The account with its secret (base32, no padding): for inspecting what a URI holds.
    pub fn with_secret(account: &'a Account) -> Self {
        AccountJson {
            secret: Some(account.secret.to_base32()),
            ..Self::without_secret(account)
        }
    }

    /// The account without its secret: for listing.
    pub fn without_secret(account: &'a Account) -> Self {
        AccountJson {
            kind: account.kind.name(),
            issuer: &account.issuer,
            account: &account.name,
            secret: None,
            algorithm: account.algorithm.as_str(),
            digits: account.digits,
            period: account.kind.period(),
            counter: match account.kind {
                Kind::Hotp { counter } => Some(counter),
                _ => None,
            },
        }
    }

    /// One line of JSON.
    pub fn to_line(&self) -> Zeroizing<String> {
        Zeroizing::new(serde_json::to_string(self).expect("plain data serialises"))
    }
}
