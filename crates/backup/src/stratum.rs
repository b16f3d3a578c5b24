//! Stratum (formerly Authenticator Pro): its backups, plain or encrypted, and its own database.
//!
//! - Plain: JSON with an `Authenticators` list.
//! - Encrypted: `AUTHENTICATORPRO`, a 16-byte salt, a 12-byte nonce, then AES-256-GCM (tag at
//!   the end) under Argon2id(password, salt; 64 MiB, 3 passes, 4 lanes).
//! - Legacy encrypted: `AuthenticatorPro`, a 20-byte salt, a 16-byte IV, then AES-256-CBC under
//!   PBKDF2-HMAC-SHA1(password, salt, 64,000 iterations).
//! - The app's database `authenticator.db3` (copied off a rooted phone): SQLite table
//!   `authenticator` with the same fields.
//!
//! The KDF costs are the app's constants, not read from the file.

use countersign_otp::{Account, Algorithm, Kind, Secret};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::crypto::{self, Argon2Params};
use crate::json::{self, Converted, Problem};
use crate::{Detection, EntryCause, Format, ImportError, Imported, sqlite};

const NAME: &str = "Stratum";
const HEADER: &[u8] = b"AUTHENTICATORPRO";
const LEGACY_HEADER: &[u8] = b"AuthenticatorPro";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const LEGACY_SALT_LEN: usize = 20;
const LEGACY_IV_LEN: usize = 16;
const LEGACY_ITERATIONS: u32 = 64_000;
const DB_COLUMNS: [&str; 8] = [
    "type",
    "issuer",
    "username",
    "secret",
    "algorithm",
    "digits",
    "period",
    "counter",
];

/// Stratum's backups and database.
pub(crate) struct Stratum;

#[derive(Deserialize)]
struct Backup<'a> {
    #[serde(rename = "Authenticators", borrow)]
    authenticators: Vec<&'a RawValue>,
}

/// One authenticator, as both the backups and the database hold it.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Authenticator {
    #[serde(rename = "Type")]
    kind: i64,
    issuer: Option<String>,
    username: Option<String>,
    secret: zeroize::Zeroizing<String>,
    algorithm: Option<i64>,
    digits: Option<i64>,
    period: Option<i64>,
    counter: Option<i64>,
}

impl Format for Stratum {
    fn id(&self) -> &'static str {
        "stratum"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        let certain = bytes.starts_with(HEADER)
            || bytes.starts_with(LEGACY_HEADER)
            || json::probe::<Backup>(bytes).is_some()
            || sqlite::open(bytes)
                .is_some_and(|db| sqlite::has_columns(&db, "authenticator", &DB_COLUMNS));
        if certain {
            Detection::Certain
        } else {
            Detection::No
        }
    }

    fn is_encrypted(&self, bytes: &[u8]) -> bool {
        bytes.starts_with(HEADER) || bytes.starts_with(LEGACY_HEADER)
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        if sqlite::is_sqlite(bytes) {
            return import_db(bytes);
        }
        let decrypted = if let Some(rest) = bytes.strip_prefix(HEADER) {
            Some(decrypt(
                rest,
                password.ok_or(ImportError::PasswordRequired)?,
            )?)
        } else if let Some(rest) = bytes.strip_prefix(LEGACY_HEADER) {
            Some(decrypt_legacy(
                rest,
                password.ok_or(ImportError::PasswordRequired)?,
            )?)
        } else {
            None
        };
        let backup: Backup = match &decrypted {
            Some(plain) => json::parse_decrypted(NAME, plain)?,
            None => json::parse(NAME, bytes)?,
        };
        Ok(Imported {
            entries: json::convert_each(&backup.authenticators, convert),
            warnings: Vec::new(),
            backup_codes: Vec::new(),
        })
    }
}

fn corrupt(part: &'static str, detail: &str) -> ImportError {
    ImportError::Corrupt {
        format: NAME,
        part,
        detail: detail.to_owned(),
    }
}

fn decrypt(rest: &[u8], password: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, ImportError> {
    if rest.len() < SALT_LEN + NONCE_LEN + 16 {
        return Err(corrupt("header", "the file ends early"));
    }
    let (salt, rest) = rest.split_at(SALT_LEN);
    let (nonce, sealed) = rest.split_at(NONCE_LEN);
    let key = Argon2Params::stratum()
        .derive(password.as_bytes(), salt)
        .ok_or_else(|| corrupt("key derivation", "Argon2id refused the salt"))?;
    // GCM cannot tell a wrong key from a changed file: the wrong password is far likelier.
    crypto::aes_gcm_open_appended(key.as_ref(), nonce, sealed).ok_or(ImportError::WrongPassword)
}

fn decrypt_legacy(rest: &[u8], password: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, ImportError> {
    if rest.len() < LEGACY_SALT_LEN + LEGACY_IV_LEN + 16 {
        return Err(corrupt("header", "the file ends early"));
    }
    let (salt, rest) = rest.split_at(LEGACY_SALT_LEN);
    let (iv, ciphertext) = rest.split_at(LEGACY_IV_LEN);
    if ciphertext.len() % 16 != 0 {
        return Err(corrupt(
            "encrypted content",
            "not whole AES blocks (truncated?)",
        ));
    }
    let key = crypto::pbkdf2_sha1(password.as_bytes(), salt, LEGACY_ITERATIONS);
    let plain =
        crypto::aes_cbc_decrypt(key.as_ref(), iv, ciphertext).ok_or(ImportError::WrongPassword)?;
    // CBC has no tag: a wrong key passes the padding check 1 time in 256, and then does not
    // start the JSON object; damage further on leaves the start intact and fails as JSON.
    if !plain.starts_with(b"{") {
        return Err(ImportError::WrongPassword);
    }
    Ok(plain)
}

fn import_db(bytes: &[u8]) -> Result<Imported, ImportError> {
    let db = sqlite::open_as(NAME, bytes, "authenticator", &DB_COLUMNS)?;
    let mut statement = db
        .prepare(
            "SELECT type, issuer, username, secret, algorithm, digits, period, counter \
             FROM authenticator ORDER BY ranking, _rowid_",
        )
        .map_err(|e| sqlite::corrupt(NAME, &e))?;
    let rows = statement
        .query_map([], |row| {
            Ok(Authenticator {
                kind: row.get::<_, Option<i64>>(0)?.unwrap_or(0),
                issuer: row.get(1)?,
                username: row.get(2)?,
                secret: zeroize::Zeroizing::new(
                    row.get::<_, Option<String>>(3)?.unwrap_or_default(),
                ),
                algorithm: row.get(4)?,
                digits: row.get(5)?,
                period: row.get(6)?,
                counter: row.get(7)?,
            })
        })
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| sqlite::corrupt(NAME, &e))?;
    let entries = rows
        .into_iter()
        .enumerate()
        .map(|(index, row)| convert(row).map_err(|failure| failure.at(index + 1)))
        .collect();
    Ok(Imported {
        entries,
        warnings: Vec::new(),
        backup_codes: Vec::new(),
    })
}

fn convert(entry: Authenticator) -> Converted {
    let issuer = entry.issuer.unwrap_or_default();
    let name = entry.username.unwrap_or_default();
    let fail = |problem: Problem| json::fail(&issuer, &name, problem);
    let secret = Secret::from_base32(&entry.secret).map_err(|e| fail(e.into()))?;
    let period = entry.period.unwrap_or(30);
    let period = u32::try_from(period).map_err(|_| {
        fail(Problem::new(
            format!("a period of {period}"),
            EntryCause::Period,
        ))
    })?;
    let counter = entry.counter.unwrap_or(0);
    let counter = u64::try_from(counter).map_err(|_| {
        fail(Problem::new(
            format!("a counter of {counter}"),
            EntryCause::Counter,
        ))
    })?;
    let kind = match entry.kind {
        1 => Kind::Hotp { counter },
        2 => Kind::Totp { period },
        4 => Kind::Steam { period },
        3 => return Err(fail(Problem::unsupported_type("mOTP"))),
        5 => return Err(fail(Problem::unsupported_type("Yandex OTP"))),
        other => return Err(fail(Problem::unknown_type(other))),
    };
    let algorithm = match entry.algorithm.unwrap_or(0) {
        0 => Algorithm::Sha1,
        1 => Algorithm::Sha256,
        2 => Algorithm::Sha512,
        other => {
            return Err(fail(Problem::new(
                format!("unknown algorithm {other}"),
                EntryCause::Algorithm,
            )));
        }
    };
    let digits = entry.digits.unwrap_or(6);
    let account = Account {
        algorithm,
        kind,
        digits: u8::try_from(digits)
            .map_err(|_| fail(Problem::new(format!("{digits} digits"), EntryCause::Digits)))?,
        ..Account::totp(issuer.clone(), name.clone(), secret)
    };
    account.validate().map_err(|e| fail(e.into()))?;
    Ok(account)
}
