//! Where the desktop's consent to type is remembered between runs: the portal's restore token.
//!
//! On Wayland the RemoteDesktop portal asks the person once, then hands back a restore token;
//! passing it the next time starts typing without asking again. Each token is good for one use
//! and the portal answers a new one every time, so the store is written after every code typed.
//! A token lets its holder type into any window without a dialog: the file is the person's alone.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

/// Keeps the portal's restore token between uses (see the module documentation).
pub trait RestoreTokenStore: Send + Sync {
    /// The token saved last, if any.
    fn load(&self) -> Option<String>;

    /// Replaces the saved token with `token`.
    fn save(&self, token: &str) -> std::io::Result<()>;
}

/// A restore token in a file of the caller's choosing, replaced atomically, readable by its
/// owner only (mode 0600 on Unix).
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    /// The store at `path` (its folder is created on the first save if missing).
    pub fn new(path: impl Into<PathBuf>) -> FileTokenStore {
        FileTokenStore { path: path.into() }
    }
}

impl RestoreTokenStore for FileTokenStore {
    fn load(&self) -> Option<String> {
        let token = std::fs::read_to_string(&self.path).ok()?;
        let token = token.trim();
        (!token.is_empty()).then(|| token.to_owned())
    }

    fn save(&self, token: &str) -> std::io::Result<()> {
        let folder = match self.path.parent() {
            Some(folder) if !folder.as_os_str().is_empty() => folder,
            _ => std::path::Path::new("."),
        };
        std::fs::create_dir_all(folder)?;
        // A temporary file beside the target, renamed over it: a crash leaves the old token or
        // the new one, never half of one. tempfile creates it with mode 0600.
        let mut file = tempfile::NamedTempFile::new_in(folder)?;
        file.write_all(token.as_bytes())?;
        file.as_file().sync_all()?;
        file.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// A restore token kept in memory: consent is asked once per run of the program.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    token: Mutex<Option<String>>,
}

impl RestoreTokenStore for MemoryTokenStore {
    fn load(&self) -> Option<String> {
        self.token
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn save(&self, token: &str) -> std::io::Result<()> {
        *self
            .token
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(token.to_owned());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_store_replaces_its_token_and_keeps_it_private() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("state").join("restore-token");
        let store = FileTokenStore::new(&path);
        assert_eq!(store.load(), None, "nothing saved yet");
        store.save("a9b8c7d6-0000-4000-8000-000000000001").unwrap();
        store.save("a9b8c7d6-0000-4000-8000-000000000002").unwrap();
        assert_eq!(
            store.load().as_deref(),
            Some("a9b8c7d6-0000-4000-8000-000000000002")
        );
        // Another store on the same file (the next run of the app) reads it too.
        assert_eq!(
            FileTokenStore::new(&path).load().as_deref(),
            Some("a9b8c7d6-0000-4000-8000-000000000002")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // No temporary file is left beside it.
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["restore-token"]);
    }

    #[test]
    fn an_empty_file_holds_no_token() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("restore-token");
        std::fs::write(&path, "\n").unwrap();
        assert_eq!(FileTokenStore::new(&path).load(), None);
    }

    #[test]
    fn a_memory_store_keeps_the_last_token() {
        let store = MemoryTokenStore::default();
        assert_eq!(store.load(), None);
        store.save("first").unwrap();
        store.save("second").unwrap();
        assert_eq!(store.load().as_deref(), Some("second"));
    }
}
