//! Accounts entered by hand: the setup key a site shows under its QR code ("can't scan it?"),
//! with the issuer, name and parameters a person types next to it.

use crate::{Account, Algorithm, InvalidAccount, Kind, STEAM_DIGITS, Secret, SecretError};

/// What a person typed to add an account by hand.
///
/// `Debug` is not derived: `secret` is the key itself.
pub struct SetupKey<'a> {
    /// Who issued the account; may be empty if `name` is not.
    pub issuer: &'a str,
    /// The account at the issuer; may be empty if `issuer` is not.
    pub name: &'a str,
    /// The key in base32, as the site shows it: any case, grouped with spaces or dashes.
    pub secret: &'a str,
    /// TOTP, HOTP or Steam, with the period or counter.
    pub kind: Kind,
    /// The HMAC hash (Steam always uses SHA1).
    pub algorithm: Algorithm,
    /// Code length, 1–10 (Steam always has five characters).
    pub digits: u8,
}

/// Why a setup key cannot make an account; [`SetupKeyError::field`] names the field to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SetupKeyError {
    /// Neither an issuer nor a name: the account could not be told apart in the list.
    #[error("give the account an issuer or a name, so you can tell it apart")]
    NoLabel,
    /// The key is not base32, or too short.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The digits or period cannot make codes.
    #[error(transparent)]
    Account(#[from] InvalidAccount),
}

/// A field of [`SetupKey`] that a person types, and may have to fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupKeyField {
    /// The issuer (or, with it, the name: one of them is needed).
    Issuer,
    /// The base32 key.
    Secret,
    /// The code length.
    Digits,
    /// The seconds per code.
    Period,
}

impl SetupKeyError {
    /// The field the person should fix.
    pub fn field(&self) -> SetupKeyField {
        match self {
            SetupKeyError::NoLabel => SetupKeyField::Issuer,
            SetupKeyError::Secret(_) => SetupKeyField::Secret,
            SetupKeyError::Account(InvalidAccount::Period(_)) => SetupKeyField::Period,
            // Digits are the only other parameter a person types (Steam's are fixed).
            SetupKeyError::Account(_) => SetupKeyField::Digits,
        }
    }
}

impl SetupKey<'_> {
    /// The account this setup key describes, with labels trimmed. Steam accounts get Steam's
    /// five characters and SHA1 whatever was chosen, since Steam allows nothing else.
    pub fn account(&self) -> Result<Account, SetupKeyError> {
        let issuer = self.issuer.trim();
        let name = self.name.trim();
        if issuer.is_empty() && name.is_empty() {
            return Err(SetupKeyError::NoLabel);
        }
        let secret = Secret::from_base32(self.secret)?;
        let mut account = Account::totp(issuer, name, secret);
        account.kind = self.kind;
        (account.algorithm, account.digits) = match self.kind {
            Kind::Steam { .. } => (Algorithm::Sha1, STEAM_DIGITS),
            _ => (self.algorithm, self.digits),
        };
        account.validate()?;
        Ok(account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(secret: &str) -> SetupKey<'_> {
        SetupKey {
            issuer: " Example ",
            name: "alice@example.com",
            secret,
            kind: Kind::Totp { period: 60 },
            algorithm: Algorithm::Sha256,
            digits: 8,
        }
    }

    #[test]
    fn a_setup_key_makes_the_account_it_describes() {
        let account = key("jbsw y3dp-ehpk 3pxp").account().unwrap();
        assert_eq!(account.issuer, "Example");
        assert_eq!(account.name, "alice@example.com");
        assert_eq!(account.secret.expose(), b"Hello!\xde\xad\xbe\xef");
        assert_eq!(account.kind, Kind::Totp { period: 60 });
        assert_eq!(account.algorithm, Algorithm::Sha256);
        assert_eq!(account.digits, 8);
        // From `oathtool --totp=sha256 --digits=8 --time-step-size=60s --now=@59 --base32
        // JBSWY3DPEHPK3PXP`, an implementation independent of ours.
        assert_eq!(account.code_at(59).unwrap().text, "96023015");
    }

    #[test]
    fn each_mistake_names_its_field() {
        let bad = key("JBSWY3DP!").account().unwrap_err();
        assert_eq!(
            bad,
            SetupKeyError::Secret(SecretError::InvalidCharacter {
                character: '!',
                position: 9
            })
        );
        assert_eq!(bad.field(), SetupKeyField::Secret);
        assert_eq!(
            bad.to_string(),
            "the secret has a character that is not base32: '!' at position 9"
        );
        let empty = key(" - ").account().unwrap_err();
        assert_eq!(
            (empty.field(), empty),
            (SetupKeyField::Secret, SecretError::Empty.into())
        );
        let short = key("A").account().unwrap_err();
        assert_eq!(short.field(), SetupKeyField::Secret);

        let unnamed = SetupKey {
            issuer: " ",
            name: "",
            ..key("JBSWY3DPEHPK3PXP")
        };
        assert_eq!(
            unnamed.account().unwrap_err().field(),
            SetupKeyField::Issuer
        );
        let digits = SetupKey {
            digits: 11,
            ..key("JBSWY3DPEHPK3PXP")
        };
        assert_eq!(
            digits.account().unwrap_err(),
            InvalidAccount::Digits(11).into()
        );
        assert_eq!(digits.account().unwrap_err().field(), SetupKeyField::Digits);
        let period = SetupKey {
            kind: Kind::Totp { period: 0 },
            ..key("JBSWY3DPEHPK3PXP")
        };
        assert_eq!(period.account().unwrap_err().field(), SetupKeyField::Period);
    }

    #[test]
    fn steam_keeps_its_own_digits_and_hash() {
        let steam = SetupKey {
            kind: Kind::Steam { period: 30 },
            ..key("JBSWY3DPEHPK3PXP")
        };
        let account = steam.account().unwrap();
        assert_eq!((account.digits, account.algorithm), (5, Algorithm::Sha1));
    }

    #[test]
    fn hotp_keeps_its_counter() {
        let hotp = SetupKey {
            kind: Kind::Hotp { counter: 7 },
            digits: 6,
            ..key("JBSWY3DPEHPK3PXP")
        };
        assert_eq!(hotp.account().unwrap().kind.counter(), Some(7));
    }
}
