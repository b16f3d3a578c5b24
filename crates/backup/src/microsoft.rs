//! Microsoft Authenticator's own database (`databases/PhoneFactor`, copied off a rooted phone):
//! SQLite table `accounts`. Type 0 is a TOTP account with a base32 secret, 6 digits; type 1 a
//! Microsoft personal account with a base64 secret, 8 digits; other types (work accounts with
//! push sign-in) hold no OTP secret and are left out, as Aegis does. SHA1 and 30 s throughout.

use countersign_otp::{Account, Secret};
use zeroize::Zeroizing;

use crate::json::{self, Problem};
use crate::{Detection, EntryCause, Format, ImportError, Imported, crypto, sqlite};

const NAME: &str = "Microsoft Authenticator";
const COLUMNS: [&str; 4] = ["account_type", "oath_secret_key", "name", "username"];

/// Microsoft Authenticator's SQLite database.
pub(crate) struct Microsoft;

impl Format for Microsoft {
    fn id(&self) -> &'static str {
        "microsoft"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        match sqlite::open(bytes) {
            Some(db) if sqlite::has_columns(&db, "accounts", &COLUMNS) => Detection::Certain,
            _ => Detection::No,
        }
    }

    fn is_encrypted(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        let db = sqlite::open_as(NAME, bytes, "accounts", &COLUMNS)?;
        let mut statement = db
            .prepare(
                "SELECT account_type, oath_secret_key, name, username FROM accounts \
                 ORDER BY _rowid_",
            )
            .map_err(|e| sqlite::corrupt(NAME, &e))?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, Option<i64>>(0)?.unwrap_or(0),
                    Zeroizing::new(row.get::<_, Option<String>>(1)?.unwrap_or_default()),
                    row.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    row.get::<_, Option<String>>(3)?.unwrap_or_default(),
                ))
            })
            .and_then(Iterator::collect::<Result<Vec<_>, _>>)
            .map_err(|e| sqlite::corrupt(NAME, &e))?;
        let entries = rows
            .into_iter()
            .enumerate()
            .filter_map(|(index, (kind, secret, issuer, name))| {
                let (secret, digits) = match kind {
                    0 => (Secret::from_base32(&secret).map_err(Problem::from), 6),
                    1 => (
                        crypto::base64_decode(&secret)
                            .ok_or_else(|| {
                                Problem::new("secret: not base64", EntryCause::SecretUnreadable)
                            })
                            .and_then(|bytes| Secret::from_bytes(bytes).map_err(Problem::from)),
                        8,
                    ),
                    _ => return None,
                };
                Some(
                    secret
                        .map(|secret| {
                            let mut account = Account::totp(issuer.clone(), name.clone(), secret);
                            account.digits = digits;
                            account
                        })
                        .map_err(|problem| json::fail(&issuer, &name, problem).at(index + 1)),
                )
            })
            .collect();
        Ok(Imported {
            entries,
            warnings: Vec::new(),
            backup_codes: Vec::new(),
        })
    }
}
