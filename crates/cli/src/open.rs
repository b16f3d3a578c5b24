//! Finding and opening the vault: the one place every command goes through.

use std::path::{Path, PathBuf};

use countersign_vault::{
    CopyOutcome, DiskOutcome, Error, Status, Store, SyncReport, Unlocked, default_data_dir,
    location,
};

use crate::failure::Failure;
use crate::passwords::Passwords;

/// What a command does with the vault, which decides how its file is opened.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Only reads: works while the app, which holds the vault's lock, is running.
    Read,
    /// Saves changes: needs the lock.
    Write,
    /// Saves when it can (an HOTP counter), else reads (a TOTP code while the app runs).
    WriteIfFree,
}

/// The vault's folder: `--data-dir`, else `$COUNTERSIGN_DATA_DIR`, else the platform's.
pub fn data_dir(arg: Option<PathBuf>) -> Result<PathBuf, Failure> {
    arg.or_else(default_data_dir)
        .ok_or_else(|| Failure::input("no data folder: pass --data-dir"))
}

/// The vault of the data folder `dir`, opened for `access`: in `dir`, or in the folder the app
/// moved it to (remembered in `dir`, `countersign_vault::location`).
pub fn store(dir: &Path, access: Access) -> Result<Store, Failure> {
    let vault_dir = location::vault_dir(dir);
    Ok(match access {
        Access::Read => location::open_read_only(dir, &vault_dir),
        Access::Write => location::open(dir, &vault_dir)?,
        Access::WriteIfFree => match location::open(dir, &vault_dir) {
            Err(Error::InUse { .. }) => location::open_read_only(dir, &vault_dir),
            other => other?,
        },
    })
}

/// Unlocks `store` (see [`unlock_and_sync`]), telling on standard error what merging other
/// copies of the vault did.
pub fn unlock(
    store: &Store,
    passwords: &mut Passwords,
    password_only: bool,
) -> Result<Unlocked, Failure> {
    let (vault, report) = unlock_and_sync(store, passwords, password_only)?;
    if let Some(report) = report {
        for line in sync_lines(&report) {
            eprintln!("countersign: {line}");
        }
    }
    Ok(vault)
}

/// Unlocks `store`, then, when it is writable, merges the other copies of the vault that a
/// sync engine left (the file on disk, conflict copies beside it): what [`Unlocked::sync`]
/// did, or `None` for a read-only store, which cannot save a merge.
///
/// With passwords from standard input, or when `password_only`, the password is asked;
/// otherwise the OS keyring is tried first when the vault has a keyring slot. A vault without a
/// password slot opens only with the keyring.
pub fn unlock_and_sync(
    store: &Store,
    passwords: &mut Passwords,
    password_only: bool,
) -> Result<(Unlocked, Option<SyncReport>), Failure> {
    let mut vault = open(store, passwords, password_only)?;
    if store.is_read_only() {
        return Ok((vault, None));
    }
    let report = vault.sync()?;
    Ok((vault, Some(report)))
}

/// What a sync did that is worth telling: one line per copy merged or left alone.
pub fn sync_lines(report: &SyncReport) -> Vec<String> {
    let mut lines = Vec::new();
    match &report.disk {
        DiskOutcome::Merged { .. } => lines.push(format!(
            "merged the copy of the vault that was synced in ({})",
            report.vault.display()
        )),
        DiskOutcome::LeftAlone(error) => {
            lines.push(format!("{}: not merged: {error}", report.vault.display()))
        }
        _ => {}
    }
    for copy in &report.copies {
        lines.push(match &copy.outcome {
            CopyOutcome::Merged => format!(
                "{}: {} conflict copy merged and removed",
                copy.path.display(),
                copy.engine.name()
            ),
            CopyOutcome::LeftAlone(error) => format!(
                "{}: {} conflict copy left alone: {error}",
                copy.path.display(),
                copy.engine.name()
            ),
            _ => format!(
                "{}: {} conflict copy",
                copy.path.display(),
                copy.engine.name()
            ),
        });
    }
    lines
}

/// Unlocks `store` as [`unlock_and_sync`] says, without merging anything.
fn open(
    store: &Store,
    passwords: &mut Passwords,
    password_only: bool,
) -> Result<Unlocked, Failure> {
    let Status::Locked(info) = store.status()? else {
        return Err(Error::NoVault.into());
    };
    let keyring_first = !passwords.read_from_stdin() && !password_only;
    if info.slots.keyring && (keyring_first || !info.slots.password) {
        match store.unlock_with_keyring() {
            Ok(vault) => return Ok(vault),
            Err(error) if !info.slots.password => return Err(error.into()),
            Err(error) => eprintln!("countersign: {error}; asking for the password instead"),
        }
    }
    let password = passwords.next("the vault's password")?;
    Ok(store.unlock_with_password(&password)?)
}

/// Opens and unlocks the vault in `data_dir` for `access` (see [`unlock`]).
pub fn open_vault(
    data_dir: Option<PathBuf>,
    access: Access,
    passwords: &mut Passwords,
    password_only: bool,
) -> Result<Unlocked, Failure> {
    let store = store(&self::data_dir(data_dir)?, access)?;
    unlock(&store, passwords, password_only)
}
