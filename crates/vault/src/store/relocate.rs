//! Moving the vault file and its backups to another folder (e.g. a synced one).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Store, Unlocked};
use crate::files::{self, Backup};
use crate::format;
use crate::{Error, Result};

impl Unlocked {
    /// Moves the vault file and its backups into `to`'s folder (a store made with
    /// [`Store::relocated`]), then keeps working from there.
    ///
    /// The backups, then the vault file, are written to the new folder (each atomically and
    /// fsynced) and the new vault file read back: it must hold this vault with the checksum we
    /// have. Then `commit` runs (e.g. to remember the new location); only when it succeeds are
    /// the old files removed. On any failure before that, what was written in the new folder is
    /// removed and the old vault is left as it was.
    ///
    /// Refuses a folder that already holds another vault ([`Error::OtherVaultThere`]) or this
    /// same one ([`Error::SameVaultThere`]: open it from there instead), changing nothing.
    pub fn move_to(&mut self, to: &Store, commit: impl FnOnce() -> io::Result<()>) -> Result<()> {
        if self.inner.lock.is_none() || to.inner.lock.is_none() {
            return Err(Error::ReadOnly);
        }
        let target = to.inner.vault_path();
        match to.inner.read_vault() {
            Err(Error::NoVault) => {}
            Ok(bytes) => {
                let path = to.inner.dir.clone();
                return Err(match format::parse(&bytes) {
                    Ok(parsed) if parsed.header.vault_id == self.header.vault_id => {
                        Error::SameVaultThere { path }
                    }
                    _ => Error::OtherVaultThere { path },
                });
            }
            Err(error) => return Err(error),
        }
        let bytes = self.inner.read_vault()?;
        let checksum = format::parse(&bytes)
            .map_err(|_| Error::ChangedOnDisk)?
            .checksum();
        if Some(checksum) != self.on_disk {
            return Err(Error::ChangedOnDisk);
        }
        let backups = files::list_backups(&self.inner.backups_dir())
            .map_err(Error::io(self.inner.backups_dir()))?;
        let mut written = Vec::new();
        let copied = copy_all(&backups, &to.inner.backups_dir(), &mut written)
            .and_then(|()| {
                written.push(target.clone());
                files::write_atomically(&target, &bytes).map_err(Error::io(&target))
            })
            .and_then(|()| {
                // Read back: what the new folder holds must be this vault, byte for byte.
                let copy = to.inner.read_vault()?;
                let parsed = format::parse(&copy)?;
                if parsed.header.vault_id != self.header.vault_id
                    || parsed.checksum() != checksum
                    || copy != bytes
                {
                    return Err(Error::corrupt("the copy differs from the vault"));
                }
                Ok(())
            })
            .and_then(|()| commit().map_err(Error::io(&target)));
        if let Err(error) = copied {
            for path in written.iter().rev() {
                let _ = fs::remove_file(path);
            }
            // A write that failed at its rename leaves its temporary file.
            files::remove_stale_temporaries(&to.inner.dir, &[super::VAULT_FILE]);
            files::remove_stale_backup_temporaries(&to.inner.backups_dir());
            let _ = fs::remove_dir(to.inner.backups_dir());
            return Err(error);
        }
        let old = std::mem::replace(&mut self.inner, Arc::clone(&to.inner));
        // The new copy is the vault now: what is left behind is removed best effort (a file
        // that stays is an old copy, never the only one).
        let _ = fs::remove_file(old.vault_path());
        for backup in &backups {
            let _ = fs::remove_file(&backup.path);
        }
        let _ = fs::remove_dir(old.backups_dir());
        Ok(())
    }
}

/// Copies `backups` into `dir`, noting each file written in `written` as it goes.
fn copy_all(backups: &[Backup], dir: &Path, written: &mut Vec<PathBuf>) -> Result<()> {
    if !backups.is_empty() {
        files::create_private_dir(dir).map_err(Error::io(dir))?;
    }
    for backup in backups {
        let name = backup.path.file_name().expect("a listed backup has a name");
        let copy = dir.join(name);
        let bytes = fs::read(&backup.path).map_err(Error::io(&backup.path))?;
        written.push(copy.clone());
        files::write_atomically(&copy, &bytes).map_err(Error::io(copy))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copying_no_backups_makes_no_folder_and_each_copy_is_noted() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("to/backups");
        let mut written = Vec::new();
        copy_all(&[], &target, &mut written).unwrap();
        assert!(!target.exists());
        assert!(written.is_empty());

        let source = dir.path().join("vault-7.countersign");
        fs::write(&source, b"seven").unwrap();
        let backup = Backup {
            generation: 7,
            path: source,
        };
        copy_all(&[backup], &target, &mut written).unwrap();
        assert_eq!(written, [target.join("vault-7.countersign")]);
        assert_eq!(fs::read(&written[0]).unwrap(), b"seven");
    }
}
