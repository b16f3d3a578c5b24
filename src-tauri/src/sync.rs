//! The vault kept in a synced folder: while it is unlocked, a watcher on the data folder
//! merges what another computer saved (the vault file replaced, or a conflict copy beside it)
//! and tells the window what came in, once.
//!
//! Merging is the vault crate's (`Unlocked::sync`); this module runs it off the event loop,
//! counts what it changed, tells the window (which words it), and locks when the file on disk is under
//! another key (its password was changed on another computer).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc;

use countersign_vault::watch::Watcher;
use countersign_vault::{CopyOutcome, DiskOutcome, MergeError, SyncReport, Unlocked};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use ts_rs::TS;
use uuid::Uuid;

use crate::lock::{LockReason, lock};
use crate::state::{AppState, relock};

/// The event the windows receive when a sync changed the accounts or left a copy alone: a
/// [`VaultChanged`].
pub const CHANGED_EVENT: &str = "vault-changed";

/// What a sync did to the open vault: the crate's report, and how its accounts changed.
#[derive(Debug)]
pub struct Synced {
    /// What became of the file on disk and the conflict copies.
    pub report: SyncReport,
    /// The accounts it brought in, changed or removed.
    pub counts: Counts,
}

impl Synced {
    /// Whether the file on disk is this vault under another master key: its password (or
    /// another credential) was changed on another computer, and only unlocking again reads it.
    pub fn rekeyed(&self) -> bool {
        matches!(
            self.report.disk,
            DiskOutcome::LeftAlone(MergeError::OtherKey)
        )
    }
}

/// How many accounts a sync added, changed and removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
pub struct Counts {
    /// Accounts that were not in the vault before.
    pub added: u32,
    /// Accounts edited elsewhere (or whose HOTP counter moved on there).
    pub changed: u32,
    /// Accounts deleted elsewhere.
    pub removed: u32,
}

/// What the window is told after a sync: the counts, and the copies left alone, for its toast
/// to say in the window's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VaultChanged {
    /// The accounts the sync added, changed and removed.
    pub counts: Counts,
    /// Files that could not be merged, each named once.
    pub left_alone: Vec<LeftAlone>,
}

/// A file the sync could not merge, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LeftAlone {
    /// The file's name (it lies in the data folder, known to the person).
    pub file: String,
    /// Why it was not merged: "other_vault", "other_key", "corrupt", "newer_version",
    /// "unreadable" or "other".
    #[ts(
        type = "\"other_vault\" | \"other_key\" | \"corrupt\" | \"newer_version\" | \"unreadable\" | \"other\""
    )]
    pub reason: &'static str,
    /// Whether it is the vault file itself, replaced by this copy: changes made here are not
    /// saved until the vault is locked and unlocked. Otherwise a conflict copy beside it.
    pub replaced: bool,
}

/// Runs [`Unlocked::sync`] on `vault` and counts what it did to the accounts.
pub fn sync_vault(vault: &mut Unlocked) -> countersign_vault::Result<Synced> {
    // Ids and modification times only: no secret is copied to compare.
    let before: HashMap<Uuid, u64> = vault
        .entries()
        .iter()
        .map(|entry| (entry.id, entry.modified_ms))
        .collect();
    let report = vault.sync()?;
    let mut counts = Counts::default();
    for entry in vault.entries() {
        match before.get(&entry.id) {
            None => counts.added += 1,
            Some(&modified) if modified != entry.modified_ms => counts.changed += 1,
            Some(_) => {}
        }
    }
    let after: HashSet<Uuid> = vault.entries().iter().map(|entry| entry.id).collect();
    counts.removed = before.keys().filter(|id| !after.contains(id)).count() as u32;
    Ok(Synced { report, counts })
}

/// Why a copy was left alone, as a code the window words.
fn reason(error: &MergeError) -> &'static str {
    match error {
        MergeError::OtherVault { .. } => "other_vault",
        MergeError::OtherKey => "other_key",
        MergeError::Corrupt { .. } => "corrupt",
        MergeError::UnsupportedVersion { .. } => "newer_version",
        MergeError::Unreadable(_) => "unreadable",
        _ => "other",
    }
}

/// The file's name, for messages (the folder is the data folder, known to the person).
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// What to tell the window about `synced`, or `None` when there is nothing to tell. Copies
/// left alone are named once each (by file and reason): `told` keeps those already named.
pub fn news(synced: &Synced, told: &mut HashSet<(String, &'static str)>) -> Option<VaultChanged> {
    // The vault file replaced by what cannot be merged, then the conflict copies beside it.
    let disk = match &synced.report.disk {
        DiskOutcome::LeftAlone(error) => Some((synced.report.vault.as_path(), error, true)),
        _ => None,
    };
    let copies = synced
        .report
        .copies
        .iter()
        .filter_map(|copy| match &copy.outcome {
            CopyOutcome::LeftAlone(error) => Some((copy.path.as_path(), error, false)),
            _ => None,
        });
    let left_alone: Vec<LeftAlone> = disk
        .into_iter()
        .chain(copies)
        .map(|(path, error, replaced)| LeftAlone {
            file: file_name(path),
            reason: reason(error),
            replaced,
        })
        .filter(|left| told.insert((left.file.clone(), left.reason)))
        .collect();
    if synced.counts == Counts::default() && left_alone.is_empty() {
        return None;
    }
    Some(VaultChanged {
        counts: synced.counts,
        left_alone,
    })
}

/// The watcher while the vault is unlocked, and the copies already named to the person.
#[derive(Default)]
pub struct SyncState {
    watcher: Mutex<Option<Watcher>>,
    told: Mutex<HashSet<(String, &'static str)>>,
}

/// Tells the window what every sync brings in (a watched change, or a save retried after
/// one), and locks when the vault was re-keyed elsewhere. Called once at setup.
pub fn setup(app: &AppHandle) {
    let handle = app.clone();
    app.state::<AppState>().follow_syncs(move |synced| {
        if synced.rekeyed() {
            // Its own thread: the caller may hold state that locking wants.
            let handle = handle.clone();
            std::thread::spawn(move || lock(&handle, LockReason::Rekeyed));
            return;
        }
        let state = handle.state::<SyncState>();
        let news = news(&synced, &mut relock(&state.told));
        if let Some(news) = news {
            let _ = handle.emit(CHANGED_EVENT, news);
        }
    });
}

/// Starts watching the vault's folder, if it is not watched already, and merges what arrived
/// while the vault was locked. Call after every unlock.
pub fn watch(app: &AppHandle) {
    if relock(&app.state::<AppState>().vault).is_none() {
        return;
    }
    let state = app.state::<SyncState>();
    let mut watcher = relock(&state.watcher);
    if watcher.is_some() {
        return;
    }
    // The watcher's callback only passes the word on: the sync runs on a thread of its own,
    // which may lock (and so drop the watcher, which the callback must never do).
    let (changed, changes) = mpsc::channel::<()>();
    let Ok(store) = app.state::<AppState>().store() else {
        return;
    };
    match Watcher::start(store.dir(), move |_| {
        let _ = changed.send(());
    }) {
        Ok(started) => *watcher = Some(started),
        Err(error) => {
            eprintln!(
                "countersign: changes synced into the data folder will not be merged: {error}"
            );
            return;
        }
    }
    drop(watcher);
    let handle = app.clone();
    let spawned = std::thread::Builder::new()
        .name("vault-sync".into())
        .spawn(move || {
            // Conflict copies left while locked are merged now; then one sync per change. Ends
            // when the watcher, and so the sender, is dropped.
            handle.state::<AppState>().sync();
            while changes.recv().is_ok() {
                handle.state::<AppState>().sync();
            }
        });
    if let Err(error) = spawned {
        eprintln!("countersign: changes synced into the data folder will not be merged: {error}");
    }
}

/// Stops watching (on lock and on quit), and forgets which copies were named.
pub fn unwatch<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<SyncState>();
    let watcher = relock(&state.watcher).take();
    drop(watcher);
    relock(&state.told).clear();
}

#[cfg(test)]
mod tests {
    use std::fs;

    use countersign_otp::{Account, Secret};
    use countersign_vault::{KdfParams, Store, VAULT_FILE};

    use super::*;

    fn counts(added: u32, changed: u32, removed: u32) -> Counts {
        Counts {
            added,
            changed,
            removed,
        }
    }

    fn totp(issuer: &str, seed: u8) -> Account {
        Account::totp(issuer, "", Secret::from_bytes(vec![seed; 10]).unwrap())
    }

    fn store(dir: &Path) -> Store {
        Store::open(dir)
            .unwrap()
            .with_kdf(KdfParams::new(8, 1, 1).unwrap())
    }

    #[test]
    fn a_sync_counts_what_came_in_and_names_a_stranger_once() {
        let base = tempfile::tempdir().unwrap();
        let here = base.path().join("here");
        let (mut vault, _) = store(&here).create(Some("pw"), false).unwrap();
        let edited = vault.add(totp("Edited", 1)).unwrap();
        let removed = vault.add(totp("Removed", 2)).unwrap();

        // Another computer: a copy of the file, changed there, synced back over ours.
        let there = base.path().join("there");
        fs::create_dir_all(&there).unwrap();
        fs::copy(here.join(VAULT_FILE), there.join(VAULT_FILE)).unwrap();
        let other_store = store(&there);
        let mut other = other_store.unlock_with_password("pw").unwrap();
        other.add(totp("New one", 3)).unwrap();
        other.add(totp("New two", 4)).unwrap();
        let mut account = other.entry(edited).unwrap().account.clone();
        account.name = "renamed".into();
        other.update(edited, account).unwrap();
        other.remove(removed).unwrap();
        drop(other);
        fs::copy(there.join(VAULT_FILE), here.join(VAULT_FILE)).unwrap();
        // And a file of another vault, left beside it as a conflict copy.
        let stranger = base.path().join("stranger");
        drop(store(&stranger).create(Some("pw"), false).unwrap());
        let copy = "vault.sync-conflict-20261206-101010-ABCDEFG.countersign";
        fs::copy(stranger.join(VAULT_FILE), here.join(copy)).unwrap();

        let synced = sync_vault(&mut vault).unwrap();
        assert_eq!(synced.counts, counts(2, 1, 1));
        assert!(!synced.rekeyed());
        let mut told = HashSet::new();
        assert_eq!(
            serde_json::to_value(news(&synced, &mut told).unwrap()).unwrap(),
            serde_json::json!({
                "counts": {"added": 2, "changed": 1, "removed": 1},
                "leftAlone": [{"file": copy, "reason": "other_vault", "replaced": false}],
            })
        );
        // The copy stays; the next sync (nothing new) names it no more.
        let again = sync_vault(&mut vault).unwrap();
        assert_eq!(again.counts, counts(0, 0, 0));
        assert_eq!(news(&again, &mut told), None);
    }

    #[test]
    fn a_vault_file_replaced_by_what_cannot_be_merged_is_said_once_or_locks() {
        let base = tempfile::tempdir().unwrap();
        let here = base.path().join("here");
        let (mut vault, _) = store(&here).create(Some("pw"), false).unwrap();
        // Re-keyed on another computer, and synced over ours.
        let there = base.path().join("there");
        fs::create_dir_all(&there).unwrap();
        fs::copy(here.join(VAULT_FILE), there.join(VAULT_FILE)).unwrap();
        let other_store = store(&there);
        let mut other = other_store.unlock_with_password("pw").unwrap();
        let _ = other
            .change_password(
                "pw",
                "new",
                countersign_vault::Recovery::Replace,
                countersign_vault::BackupPolicy::Remove,
            )
            .unwrap();
        drop(other);
        fs::copy(there.join(VAULT_FILE), here.join(VAULT_FILE)).unwrap();
        assert!(sync_vault(&mut vault).unwrap().rekeyed());

        // Another vault altogether in its place: named once, nothing locks.
        let stranger = base.path().join("stranger");
        drop(store(&stranger).create(Some("pw"), false).unwrap());
        fs::copy(stranger.join(VAULT_FILE), here.join(VAULT_FILE)).unwrap();
        let synced = sync_vault(&mut vault).unwrap();
        assert!(!synced.rekeyed());
        let mut told = HashSet::new();
        assert_eq!(
            news(&synced, &mut told).unwrap(),
            VaultChanged {
                counts: Counts::default(),
                left_alone: vec![LeftAlone {
                    file: "vault.countersign".into(),
                    reason: "other_vault",
                    replaced: true,
                }],
            }
        );
        assert_eq!(news(&sync_vault(&mut vault).unwrap(), &mut told), None);
    }
}
