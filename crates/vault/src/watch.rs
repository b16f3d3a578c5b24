//! Watching a data folder for another copy of the vault arriving: the vault file replaced (a
//! sync engine writing what another machine saved) or a conflict copy appearing beside it.
//!
//! The watcher only tells; the app and the CLI then call `Unlocked::sync`, which merges. Our
//! own saves are reported too: `sync` finds nothing new in them and saves nothing.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher as _};

use crate::VAULT_FILE;
use crate::conflicts::conflict_copy;

/// How long the folder must stay quiet before a change is reported: a sync engine writes a
/// file in several steps (temporary file, rename, times), which make one change.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// What changed in the data folder during one burst of activity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// The vault file was written, replaced or removed.
    pub vault: bool,
    /// Conflict copies of the vault that were written or removed, in name order.
    pub copies: Vec<PathBuf>,
}

/// Watches a data folder until dropped, calling back once per burst of relevant changes.
///
/// Dropping it waits for a callback under way to return: do not drop it inside the callback,
/// nor while holding something the callback waits for.
pub struct Watcher {
    /// Dropping it ends the events, and so the debouncing thread.
    watcher: Option<notify::RecommendedWatcher>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher").finish_non_exhaustive()
    }
}

impl Watcher {
    /// Starts watching `dir` (not its subfolders): `on_change` runs on the watcher's own thread,
    /// [`DEBOUNCE`] after the last of a burst of changes to the vault file or its conflict
    /// copies. Other files (the lock, backups, temporary files) are ignored.
    pub fn start(
        dir: &Path,
        mut on_change: impl FnMut(Change) + Send + 'static,
    ) -> notify::Result<Watcher> {
        let (sender, events) = mpsc::channel::<notify::Result<notify::Event>>();
        let mut watcher = notify::recommended_watcher(move |event| {
            // The receiver is gone only while the watcher is being dropped.
            let _ = sender.send(event);
        })?;
        watcher.watch(dir, RecursiveMode::NonRecursive)?;
        let thread = thread::Builder::new()
            .name("countersign-watch".into())
            .spawn(move || {
                // Ends when the watcher, and so the sender, is dropped.
                while let Ok(event) = events.recv() {
                    let mut change = Change::default();
                    note(&mut change, event);
                    loop {
                        match events.recv_timeout(DEBOUNCE) {
                            Ok(event) => note(&mut change, event),
                            Err(mpsc::RecvTimeoutError::Timeout) => break,
                            Err(mpsc::RecvTimeoutError::Disconnected) => return,
                        }
                    }
                    if change.vault || !change.copies.is_empty() {
                        change.copies.sort();
                        change.copies.dedup();
                        on_change(change);
                    }
                }
            })
            .map_err(notify::Error::io)?;
        Ok(Watcher {
            watcher: Some(watcher),
            thread: Some(thread),
        })
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        drop(self.watcher.take());
        if let Some(thread) = self.thread.take() {
            // A callback running now finishes first.
            let _ = thread.join();
        }
    }
}

/// Adds what one event touched to `change`. An error from the platform (events lost) counts
/// as a change to the vault: a `sync` too many costs little, one too few leaves a copy behind.
fn note(change: &mut Change, event: notify::Result<notify::Event>) {
    let event = match event {
        Ok(event) => event,
        Err(_) => {
            change.vault = true;
            return;
        }
    };
    if matches!(event.kind, EventKind::Access(_)) {
        return;
    }
    for path in event.paths {
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        if name == VAULT_FILE {
            change.vault = true;
        } else if conflict_copy(VAULT_FILE, name).is_some() {
            change.copies.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::time::Instant;

    /// Long enough for any real event on a loaded machine; waits end as soon as it arrives.
    const WITHIN: Duration = Duration::from_secs(10);

    fn watch(dir: &Path) -> (Watcher, mpsc::Receiver<Change>) {
        let (sender, changes) = mpsc::channel();
        let watcher = Watcher::start(dir, move |change| {
            let _ = sender.send(change);
        })
        .unwrap();
        (watcher, changes)
    }

    #[test]
    fn a_replaced_vault_file_is_reported_once_per_burst() {
        let dir = tempfile::tempdir().unwrap();
        let (_watcher, changes) = watch(dir.path());
        // As a sync engine writes: a temporary file, then renamed over the vault, three times.
        let start = Instant::now();
        for round in 0..3 {
            let temporary = dir.path().join(".syncthing.vault.countersign.tmp");
            fs::write(&temporary, format!("version {round}")).unwrap();
            fs::rename(&temporary, dir.path().join(VAULT_FILE)).unwrap();
        }
        let change = changes.recv_timeout(WITHIN).unwrap();
        assert!(start.elapsed() >= DEBOUNCE);
        assert_eq!(
            change,
            Change {
                vault: true,
                copies: vec![]
            }
        );
        // The burst made one report (the writes took far less than DEBOUNCE).
        assert!(changes.recv_timeout(DEBOUNCE * 3).is_err());
    }

    #[test]
    fn a_conflict_copy_is_reported_and_other_files_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let (watcher, changes) = watch(dir.path());
        fs::write(dir.path().join("notes.txt"), b"x").unwrap();
        fs::write(dir.path().join("vault.lock"), b"").unwrap();
        assert!(changes.recv_timeout(DEBOUNCE * 3).is_err());

        let copy = dir
            .path()
            .join("vault.sync-conflict-20240102-030405-ABCDEFG.countersign");
        fs::write(&copy, b"a copy").unwrap();
        let change = changes.recv_timeout(WITHIN).unwrap();
        assert_eq!(
            change,
            Change {
                vault: false,
                copies: vec![copy.clone()]
            }
        );
        fs::remove_file(&copy).unwrap();
        assert_eq!(changes.recv_timeout(WITHIN).unwrap().copies, [copy]);

        // Dropped, it reports nothing more (and its thread has ended).
        drop(watcher);
        fs::write(dir.path().join(VAULT_FILE), b"after").unwrap();
        assert!(changes.recv_timeout(DEBOUNCE * 3).is_err());
    }
}
