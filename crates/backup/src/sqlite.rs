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

/// The column names of `table`, empty if there is no such table.
pub(crate) fn columns(connection: &Connection, table: &str) -> Vec<String> {
    let Ok(mut statement) = connection.prepare("SELECT name FROM pragma_table_info(?1)") else {
        return Vec::new();
    };
    statement
        .query_map([table], |row| row.get::<_, String>(0))
        .map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

/// Whether `table` has every one of `wanted` columns.
pub(crate) fn has_columns(connection: &Connection, table: &str, wanted: &[&str]) -> bool {
    let columns = columns(connection, table);
    wanted.iter().all(|want| {
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
