//! Google Authenticator's own database (`databases/databases`, versions 5.10 and older, copied
//! off a rooted phone): a SQLite table `accounts` of base32 secrets. It stores no algorithm,
//! digits or period: SHA1, 6 digits, 30 s.

use countersign_otp::{Account, Kind, Secret};
use zeroize::Zeroizing;

use crate::json::{self, Problem};
use crate::{Detection, EntryCause, Format, ImportError, Imported, sqlite};

const NAME: &str = "Google Authenticator (database)";
const COLUMNS: [&str; 4] = ["email", "secret", "counter", "type"];

/// Google Authenticator's SQLite database.
pub(crate) struct GoogleDb;

impl Format for GoogleDb {
    fn id(&self) -> &'static str {
        "google-db"
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
        // Older versions have no issuer column.
        let issuer = if sqlite::has_columns(&db, "accounts", &["issuer"]) {
            "issuer"
        } else {
            "NULL"
        };
        let query =
            format!("SELECT email, secret, counter, type, {issuer} FROM accounts ORDER BY _rowid_");
        let mut statement = db.prepare(&query).map_err(|e| sqlite::corrupt(NAME, &e))?;
        let rows = statement
            .query_map([], |row| {
                Ok(Row {
                    email: row.get::<_, Option<String>>(0)?.unwrap_or_default(),
                    secret: Zeroizing::new(row.get::<_, Option<String>>(1)?.unwrap_or_default()),
                    counter: row.get::<_, Option<i64>>(2)?.unwrap_or(0),
                    kind: row.get::<_, Option<i64>>(3)?.unwrap_or(0),
                    issuer: row.get::<_, Option<String>>(4)?.unwrap_or_default(),
                })
            })
            .and_then(Iterator::collect::<Result<Vec<_>, _>>)
            .map_err(|e| sqlite::corrupt(NAME, &e))?;
        let entries = rows
            .into_iter()
            .enumerate()
            .map(|(index, row)| {
                convert(&row)
                    .map_err(|problem| json::fail(&row.issuer, &row.email, problem).at(index + 1))
            })
            .collect();
        Ok(Imported {
            entries,
            warnings: Vec::new(),
            backup_codes: Vec::new(),
        })
    }
}

struct Row {
    email: String,
    secret: Zeroizing<String>,
    counter: i64,
    kind: i64,
    issuer: String,
}

fn convert(row: &Row) -> Result<Account, Problem> {
    let secret = Secret::from_base32(row.secret.trim())?;
    // "Issuer:name" when the label has the issuer in it.
    let name = match row.email.split(':').collect::<Vec<_>>()[..] {
        [_, name] => name,
        _ => row.email.as_str(),
    };
    let mut account = Account::totp(row.issuer.clone(), name, secret);
    account.kind = match row.kind {
        0 => Kind::Totp { period: 30 },
        1 => Kind::Hotp {
            counter: u64::try_from(row.counter)
                .map_err(|_| Problem::new("a negative counter", EntryCause::Counter))?,
        },
        other => return Err(Problem::unknown_type(other)),
    };
    Ok(account)
}
