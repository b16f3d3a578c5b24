//! Accounts: who an OTP is for, and how its codes are made.

use std::fmt;

use crate::Secret;

/// Longest period accepted, in seconds (a day): longer ones are always typos or hostile input.
pub const MAX_PERIOD: u32 = 86_400;
/// Digits a Steam Guard code always has.
pub const STEAM_DIGITS: u8 = 5;
/// Default TOTP period, in seconds.
pub const DEFAULT_PERIOD: u32 = 30;
/// Default number of digits.
pub const DEFAULT_DIGITS: u8 = 6;

/// HMAC hash function of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "UPPERCASE"))]
pub enum Algorithm {
    /// HMAC-SHA1, what nearly every issuer uses.
    #[default]
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// The name used in otpauth:// URIs and exports: `SHA1`, `SHA256` or `SHA512`.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// Reads an algorithm name in any case, with or without a dash (`sha-256`).
    pub fn parse(name: &str) -> Option<Self> {
        let name = name.trim().to_ascii_uppercase().replace('-', "");
        match name.as_str() {
            "SHA1" => Some(Algorithm::Sha1),
            "SHA256" => Some(Algorithm::Sha256),
            "SHA512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the moving factor of the codes is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "type", rename_all = "lowercase"))]
pub enum Kind {
    /// Time-based (RFC 6238): a new code every `period` seconds.
    Totp {
        /// Seconds per code.
        period: u32,
    },
    /// Counter-based (RFC 4226): a new code only when the person asks for one.
    Hotp {
        /// The counter of the next code to show.
        counter: u64,
    },
    /// Steam Guard: TOTP with SHA-1, five characters from Steam's alphabet.
    Steam {
        /// Seconds per code (Steam uses 30).
        period: u32,
    },
}

impl Kind {
    /// The name used in otpauth:// URIs and JSON: `totp`, `hotp` or `steam`.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Totp { .. } => "totp",
            Kind::Hotp { .. } => "hotp",
            Kind::Steam { .. } => "steam",
        }
    }

    /// The period of a time-based kind.
    pub fn period(&self) -> Option<u32> {
        match *self {
            Kind::Totp { period } | Kind::Steam { period } => Some(period),
            Kind::Hotp { .. } => None,
        }
    }

    /// The counter of an HOTP account.
    pub fn counter(&self) -> Option<u64> {
        match *self {
            Kind::Hotp { counter } => Some(counter),
            _ => None,
        }
    }
}

impl Default for Kind {
    fn default() -> Self {
        Kind::Totp {
            period: DEFAULT_PERIOD,
        }
    }
}

/// Why an account's parameters cannot produce codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidAccount {
    /// Digits outside 1–10.
    #[error("{0} digits is not supported (1 to 10)")]
    Digits(u8),
    /// A zero period, or one longer than a day.
    #[error("a period of {0} seconds is not supported (1 to {MAX_PERIOD})")]
    Period(u32),
    /// Steam codes are always five characters.
    #[error("Steam codes have {STEAM_DIGITS} characters, not {0}")]
    SteamDigits(u8),
    /// Steam codes are always HMAC-SHA1.
    #[error("Steam codes use SHA1, not {0}")]
    SteamAlgorithm(Algorithm),
}

/// One two-factor account: the secret and parameters that make its codes, and what a person
/// sees and organises it by.
///
/// `Debug` never shows the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Account {
    /// Who issued the account ("GitHub"); may be empty.
    pub issuer: String,
    /// The account at the issuer ("alice@example.com"); may be empty.
    pub name: String,
    /// The shared HMAC key.
    pub secret: Secret,
    /// TOTP, HOTP or Steam, with the period or counter.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub kind: Kind,
    /// The HMAC hash.
    pub algorithm: Algorithm,
    /// Code length, 1–10 (5 for Steam).
    pub digits: u8,
    /// Free text the person keeps with the account.
    #[cfg_attr(feature = "serde", serde(default))]
    pub note: String,
    /// The group the account is filed under, if any.
    #[cfg_attr(feature = "serde", serde(default))]
    pub group: Option<String>,
    /// Pinned to the top of the list.
    #[cfg_attr(feature = "serde", serde(default))]
    pub favourite: bool,
    /// An icon chosen by the person (a bundled icon's slug); `None` matches by issuer.
    #[cfg_attr(feature = "serde", serde(default))]
    pub icon: Option<String>,
    /// Seconds added to the clock for this account, for issuers whose clocks drift.
    #[cfg_attr(feature = "serde", serde(default))]
    pub time_offset: i32,
}

impl Account {
    /// A TOTP account with the common defaults (SHA1, 6 digits, 30 s).
    pub fn totp(issuer: impl Into<String>, name: impl Into<String>, secret: Secret) -> Self {
        Account {
            issuer: issuer.into(),
            name: name.into(),
            secret,
            kind: Kind::default(),
            algorithm: Algorithm::Sha1,
            digits: DEFAULT_DIGITS,
            note: String::new(),
            group: None,
            favourite: false,
            icon: None,
            time_offset: 0,
        }
    }

    /// A Steam Guard account (SHA1, 5 characters, 30 s).
    pub fn steam(issuer: impl Into<String>, name: impl Into<String>, secret: Secret) -> Self {
        Account {
            kind: Kind::Steam {
                period: DEFAULT_PERIOD,
            },
            digits: STEAM_DIGITS,
            ..Account::totp(issuer, name, secret)
        }
    }

    /// An HOTP account with the common defaults (SHA1, 6 digits) at `counter`.
    pub fn hotp(
        issuer: impl Into<String>,
        name: impl Into<String>,
        secret: Secret,
        counter: u64,
    ) -> Self {
        Account {
            kind: Kind::Hotp { counter },
            ..Account::totp(issuer, name, secret)
        }
    }

    /// Checks that the parameters can produce codes.
    pub fn validate(&self) -> Result<(), InvalidAccount> {
        if let Some(period) = self.kind.period()
            && !(1..=MAX_PERIOD).contains(&period)
        {
            return Err(InvalidAccount::Period(period));
        }
        match self.kind {
            Kind::Steam { .. } if self.digits != STEAM_DIGITS => {
                Err(InvalidAccount::SteamDigits(self.digits))
            }
            Kind::Steam { .. } if self.algorithm != Algorithm::Sha1 => {
                Err(InvalidAccount::SteamAlgorithm(self.algorithm))
            }
            _ if !(1..=10).contains(&self.digits) => Err(InvalidAccount::Digits(self.digits)),
            _ => Ok(()),
        }
    }

    /// "Issuer (name)", "Issuer", or "name": how the account is named in messages.
    pub fn display_name(&self) -> String {
        match (self.issuer.is_empty(), self.name.is_empty()) {
            (false, false) => format!("{} ({})", self.issuer, self.name),
            (false, true) => self.issuer.clone(),
            (true, false) => self.name.clone(),
            (true, true) => "unnamed account".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Secret {
        Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap()
    }

    #[test]
    fn validation_names_the_bad_parameter() {
        let mut account = Account::totp("A", "b", secret());
        assert_eq!(account.validate(), Ok(()));
        account.digits = 11;
        assert_eq!(account.validate(), Err(InvalidAccount::Digits(11)));
        account.digits = 10;
        assert_eq!(account.validate(), Ok(()));
        account.kind = Kind::Totp { period: 0 };
        assert_eq!(account.validate(), Err(InvalidAccount::Period(0)));

        let mut steam = Account::steam("Steam", "gabe", secret());
        assert_eq!(steam.validate(), Ok(()));
        steam.digits = 6;
        assert_eq!(steam.validate(), Err(InvalidAccount::SteamDigits(6)));
    }

    #[test]
    fn debug_hides_the_secret() {
        let account = Account::totp("GitHub", "alice", secret());
        let shown = format!("{account:?}");
        assert!(shown.contains("GitHub"));
        assert!(!shown.contains("JBSW"), "{shown}");
        assert!(!shown.contains("72, 101"), "{shown}");
    }

    #[test]
    fn algorithm_names_in_any_case() {
        assert_eq!(Algorithm::parse("sha256"), Some(Algorithm::Sha256));
        assert_eq!(Algorithm::parse("SHA-512"), Some(Algorithm::Sha512));
        assert_eq!(Algorithm::parse("Sha1"), Some(Algorithm::Sha1));
        assert_eq!(Algorithm::parse("MD5"), None);
    }
}
