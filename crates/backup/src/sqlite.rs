//! Reading apps' own SQLite databases from bytes, in memory and read-only.
//!
//! The file is handed to SQLite's `sqlite3_deserialize`: nothing is written beside it (a
//! database in WAL mode would otherwise grow `-wal` and `-shm` files even when opened
//! read-only). A hostile database is contained the way SQLite's own guidance says: defensive
//! mode, schema code untrusted, cell sizes checked.

use rusqlite::Connection;
use rusqlite::config::DbConfig;

use crate::ImportError;

/// What every SQLite 3 database starts with.
const MAGIC: &[u8] = b"SQLite format 3\0";
/// Header bytes 18 and 19: the file format's write and read versions, 2 for WAL.
const VERSIONS: std::ops::Range<usize> = 18..20;
/// The rollback-journal versions: an in-memory database cannot be in WAL mode, and a file's
/// content does not depend on the mode (the fixture's WAL is checkpointed into it).
const LEGACY: [u8; 2] = [1, 1];

/// Whether the bytes are an SQLite database (by its header only).
pub(crate) fn is_sqlite(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC) && bytes.len() >= 100
}

/// Opens the bytes as a read-only database; `None` if SQLite cannot.
pub(crate) fn open(bytes: &[u8]) -> Option<Connection> {
    if !is_sqlite(bytes) {
        return None;
    }
    let mut connection = Connection::open_in_memory().ok()?;
    connection
        .set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)
        .ok()?;
    connection
        .set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)
        .ok()?;
    let patched = std::io::Read::chain(
        std::io::Read::chain(&bytes[..VERSIONS.start], &LEGACY[..]),
        &bytes[VERSIONS.end..],
    );
    connection
        .deserialize_read_exact("main", patched, bytes.len(), true)
        .ok()?;
    connection
        .pragma_update(None, "cell_size_check", true)
        .ok()?;
    // The schema is read lazily: make a damaged one fail here, not in the first query.
    connection
        .query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
        .ok()?;
    Some(connection)
}

/// The column names of `table`, empty if there is no such table. Only an ordinary table
/// counts: a view (or a virtual table) of the same name could make reading it run for ever.
pub(crate) fn columns(connection: &Connection, table: &str) -> Vec<String> {
    let is_table = connection
        .query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [table],
            |row| row.get::<_, String>(0),
        )
        .is_ok_and(|sql| {
            sql.get(..12)
                .is_some_and(|head| head.eq_ignore_ascii_case("CREATE TABLE"))
        });
    if !is_table {
        return Vec::new();
    }
    let Ok(mut statement) = connection.prepare("SELECT name FROM pragma_table_info(?1)") else {
        return Vec::new();
    };
    statement
        .query_map([table], |row| row.get::<_, String>(0))
        .map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

/// Whether `table` exists and has every one of `wanted` columns.
pub(crate) fn has_columns(connection: &Connection, table: &str, wanted: &[&str]) -> bool {
    let columns = columns(connection, table);
    !columns.is_empty()
        && wanted.iter().all(|want| {
            columns
                .iter()
                .any(|column| column.eq_ignore_ascii_case(want))
        })
}

/// Opens the bytes as `format`'s database, whose `table` has the `columns` it reads: a file
/// SQLite cannot open is damaged, a database without that table is another app's.
pub(crate) fn open_as(
    format: &'static str,
    bytes: &[u8],
    table: &str,
    columns: &[&str],
) -> Result<Connection, ImportError> {
    if !is_sqlite(bytes) {
        return Err(ImportError::WrongFormat {
            format,
            reason: "not an SQLite database".to_owned(),
        });
    }
    let db = open(bytes).ok_or_else(|| ImportError::Corrupt {
        format,
        part: "database",
        detail: "SQLite cannot open it (truncated or damaged)".to_owned(),
    })?;
    if !has_columns(&db, table, columns) {
        return Err(ImportError::WrongFormat {
            format,
            reason: format!("the database has no table {table:?} with the columns the app writes"),
        });
    }
    Ok(db)
}

/// A query that failed on a database that opened: the file is damaged.
pub(crate) fn corrupt(format: &'static str, error: &rusqlite::Error) -> ImportError {
    ImportError::Corrupt {
        format,
        part: "database",
        detail: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database made by SQLite itself, as bytes.
    fn database(sql: &str) -> Vec<u8> {
        let mut db = Connection::open_in_memory().unwrap();
        db.execute_batch(sql).unwrap();
        db.serialize("main").unwrap().to_vec()
    }

    #[test]
    fn only_ordinary_tables_are_read() {
        let bytes = database(
            "CREATE TABLE accounts (email TEXT, secret TEXT);
             CREATE VIEW authenticator AS
               WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x AS secret FROM n;",
        );
        let db = open(&bytes).unwrap();
        assert!(has_columns(&db, "accounts", &["email", "SECRET"]));
        assert!(!has_columns(&db, "accounts", &["email", "counter"]));
        assert!(!has_columns(&db, "authenticator", &["secret"]));
        assert!(!has_columns(&db, "missing", &[]));
    }

    #[test]
    fn damaged_or_foreign_bytes_do_not_open() {
        let bytes = database("CREATE TABLE t (x);");
        assert!(open(&bytes).is_some());
        assert!(open(&bytes[..50]).is_none());
        let mut damaged = bytes.clone();
        damaged[100..].fill(0xa5);
        assert!(open(&damaged).is_none());
        assert!(open(b"not a database at all, but long enough to have a header of a hundred bytes, surely, yes").is_none());
    }
}
