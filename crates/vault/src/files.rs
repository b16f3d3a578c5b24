//! File-system plumbing: private folders, atomic writes, the instance lock, rolling backups.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Backups kept: the ten most recent generations before the current one.
pub const BACKUPS_KEPT: usize = 10;

/// Creates `dir` (and its parents) readable by the owner only, if missing.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Replaces `path` with `bytes` so that a crash at any instant leaves the old or the new file:
/// a temporary file in the same folder (mode 0600), fsync, rename over `path`, fsync the folder.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = atomic_write_file::OpenOptions::new();
    #[cfg(unix)]
    {
        use atomic_write_file::unix::OpenOptionsExt as _;
        use std::os::unix::fs::OpenOptionsExt as _;
        options.preserve_mode(false).mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.commit()
}

/// Removes temporary files that [`write_atomically`] leaves when killed between naming its
/// temporary file and renaming it (`.NAME.XXXXXX` next to `NAME`). Best effort.
pub(crate) fn remove_stale_temporaries(dir: &Path, names: &[&str]) {
    remove_matching(dir, |file_name| {
        names.iter().any(|name| {
            file_name
                .strip_prefix('.')
                .and_then(|rest| rest.strip_prefix(name))
                .is_some_and(|suffix| suffix.starts_with('.'))
        })
    });
}

/// Removes what [`write_atomically`] leaves in the backups folder when killed while
/// re-encrypting a backup (`.vault-N.countersign.XXXXXX`). Best effort.
pub(crate) fn remove_stale_backup_temporaries(dir: &Path) {
    remove_matching(dir, |file_name| {
        file_name
            .strip_prefix('.')
            .and_then(|rest| rest.rsplit_once('.'))
            .is_some_and(|(backup, _)| backup_generation(backup).is_some())
    });
}

/// Removes the files of `dir` whose (UTF-8) name `stale` picks. Best effort.
fn remove_matching(dir: &Path, stale: impl Fn(&str) -> bool) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_str().is_some_and(&stale) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

const LOCK_ATTEMPTS: u32 = 5;
const LOCK_RETRY_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);

/// An exclusive lock on the data folder, held while the value lives (released by the OS even
/// if the process is killed).
pub(crate) struct InstanceLock {
    _file: File,
}

impl InstanceLock {
    /// Takes the lock, or says that another instance has it. Waits at most 80 ms.
    pub(crate) fn acquire(path: &Path) -> Result<InstanceLock> {
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(Error::io(path))?;
        // A process being spawned holds a copy of every descriptor between fork and exec, so
        // a lock just released can look taken for a moment: look again a few times first.
        let mut result = fs4::FileExt::try_lock(&file);
        for _ in 1..LOCK_ATTEMPTS {
            if !matches!(result, Err(fs4::TryLockError::WouldBlock)) {
                break;
            }
            std::thread::sleep(LOCK_RETRY_PAUSE);
            result = fs4::FileExt::try_lock(&file);
        }
        Self::taken(file, path, result)
    }

    fn taken(
        file: File,
        path: &Path,
        result: std::result::Result<(), fs4::TryLockError>,
    ) -> Result<InstanceLock> {
        match result {
            Ok(()) => Ok(InstanceLock { _file: file }),
            Err(fs4::TryLockError::WouldBlock) => Err(Error::InUse {
                path: path.to_owned(),
            }),
            Err(fs4::TryLockError::Error(error)) => Err(Error::io(path)(error)),
        }
    }
}

/// An encrypted earlier version of the vault, kept in the `backups` folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    /// The generation (save count) it had.
    pub generation: u64,
    /// Where it is.
    pub path: PathBuf,
}

fn backup_name(generation: u64) -> String {
    format!("vault-{generation}.countersign")
}

fn backup_generation(name: &str) -> Option<u64> {
    let digits = name.strip_prefix("vault-")?.strip_suffix(".countersign")?;
    // One spelling per number, so two names never claim the same generation.
    (!digits.starts_with('0') || digits == "0")
        .then(|| digits.parse().ok())
        .flatten()
}

/// Backups in `dir`, oldest first.
pub(crate) fn list_backups(dir: &Path) -> io::Result<Vec<Backup>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    let mut backups = Vec::new();
    for entry in entries {
        let entry = entry?;
        if let Some(generation) = entry.file_name().to_str().and_then(backup_generation) {
            backups.push(Backup {
                generation,
                path: entry.path(),
            });
        }
    }
    backups.sort_by_key(|backup| backup.generation);
    Ok(backups)
}

/// Keeps the vault file as it is now (generation `generation`) in `dir`, then prunes to the
/// newest [`BACKUPS_KEPT`].
///
/// A hard link costs no copy: the vault is always replaced by rename, never written in place,
/// so the linked file never changes. Where links are not supported, the bytes are copied.
pub(crate) fn back_up(vault: &Path, dir: &Path, generation: u64) -> io::Result<()> {
    create_private_dir(dir)?;
    let target = dir.join(backup_name(generation));
    match fs::hard_link(vault, &target) {
        Ok(()) => {}
        // Left by a save that was interrupted after its backup: the same bytes.
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
        Err(_) => write_atomically(&target, &fs::read(vault)?)?,
    }
    let backups = list_backups(dir)?;
    let excess = backups.len().saturating_sub(BACKUPS_KEPT);
    for backup in &backups[..excess] {
        fs::remove_file(&backup.path)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_names_round_trip_and_are_canonical() {
        assert_eq!(backup_generation(&backup_name(42)), Some(42));
        assert_eq!(backup_generation(&backup_name(0)), Some(0));
        assert_eq!(backup_generation("vault-042.countersign"), None);
        assert_eq!(backup_generation("vault-x.countersign"), None);
        assert_eq!(backup_generation("notes.txt"), None);
    }

    #[test]
    fn backups_roll_over_keeping_the_newest_ten() {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault");
        let backups = dir.path().join("backups");
        for generation in 1..=13 {
            write_atomically(&vault, format!("generation {generation}").as_bytes()).unwrap();
            back_up(&vault, &backups, generation).unwrap();
        }
        let kept = list_backups(&backups).unwrap();
        let generations: Vec<u64> = kept.iter().map(|b| b.generation).collect();
        assert_eq!(generations, (4..=13).collect::<Vec<_>>());
        assert_eq!(fs::read(&kept[0].path).unwrap(), b"generation 4");
        // The vault was replaced 12 times since generation 4 was linked; the backup kept its bytes.
        write_atomically(&vault, b"newer").unwrap();
        assert_eq!(fs::read(&kept[9].path).unwrap(), b"generation 13");
    }

    #[cfg(unix)]
    #[test]
    fn written_files_and_folders_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("a/b");
        create_private_dir(&folder).unwrap();
        let file = folder.join("f");
        write_atomically(&file, b"x").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&folder), 0o700);
        assert_eq!(mode(&file), 0o600);
        write_atomically(&file, b"y").unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(fs::read(&file).unwrap(), b"y");
    }

    #[test]
    fn only_our_stale_temporaries_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            ".vault.x.abc123",
            ".vault.x",
            "vault.x",
            ".other.abc123",
            ".vault.xy.abc",
        ] {
            fs::write(dir.path().join(name), b"").unwrap();
        }
        remove_stale_temporaries(dir.path(), &["vault.x"]);
        let mut left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [".other.abc123", ".vault.x", ".vault.xy.abc", "vault.x"]
        );
    }

    #[test]
    fn only_stale_backup_temporaries_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            ".vault-3.countersign.abc123",
            "vault-3.countersign",
            ".vault-x.countersign.abc",
            ".other.abc",
        ] {
            fs::write(dir.path().join(name), b"").unwrap();
        }
        remove_stale_backup_temporaries(dir.path());
        let mut left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".other.abc",
                ".vault-x.countersign.abc",
                "vault-3.countersign"
            ]
        );
    }

    #[test]
    fn a_second_lock_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let first = InstanceLock::acquire(&path).unwrap();
        match InstanceLock::acquire(&path) {
            Err(Error::InUse { path: reported }) => assert_eq!(reported, path),
            other => panic!("{:?}", other.err()),
        }
        drop(first);
        InstanceLock::acquire(&path).unwrap();
    }
}
