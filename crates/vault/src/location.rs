//! Where the vault lives: the data folder (as always), or a folder the person chose (a synced
//! one), remembered in [`LOCATION_FILE`] in the data folder. A vault kept elsewhere has its lock
//! and unlock-attempt record in the data folder, under `vaults/<vault id>/`, so that they never
//! sync. The app and the CLI find the vault through these same rules.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::files::write_atomically;
use crate::store::{Store, VAULT_FILE, inspect, local_dir_for};

/// The file, in the data folder, that remembers the vault's folder.
pub const LOCATION_FILE: &str = "location.json";

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Remembered {
    vault_dir: PathBuf,
}

/// The vault's folder remembered in `data_dir`; the data folder itself when none is (or the
/// file cannot be read: the data folder is where a vault is looked for first).
pub fn vault_dir(data_dir: &Path) -> PathBuf {
    std::fs::read(data_dir.join(LOCATION_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Remembered>(&bytes).ok())
        .map_or_else(|| data_dir.to_owned(), |remembered| remembered.vault_dir)
}

/// Remembers `vault_dir` as the vault's folder (atomically); the data folder itself is
/// remembered by forgetting any other.
pub fn remember(data_dir: &Path, vault_dir: &Path) -> std::io::Result<()> {
    let path = data_dir.join(LOCATION_FILE);
    if vault_dir == data_dir {
        return match std::fs::remove_file(&path) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        };
    }
    let json = serde_json::to_vec_pretty(&Remembered {
        vault_dir: vault_dir.to_owned(),
    })?;
    write_atomically(&path, &json)
}

/// The local folder for a vault in `vault_dir` whose id is `vault_id`: the data folder for
/// the vault kept there, else its own folder under `vaults/`.
pub fn local_dir(data_dir: &Path, vault_dir: &Path, vault_id: uuid::Uuid) -> PathBuf {
    if vault_dir == data_dir {
        data_dir.to_owned()
    } else {
        local_dir_for(data_dir, vault_id)
    }
}

/// A writable store for the vault in `vault_dir`, its local files under `data_dir`. Outside
/// the data folder there must be a vault there already (its id names its local folder): an
/// unreadable one is [`Error::Io`] with the vault file's path.
pub fn open(data_dir: &Path, vault_dir: &Path) -> Result<Store> {
    if vault_dir == data_dir {
        return Store::open(data_dir);
    }
    let path = vault_dir.join(VAULT_FILE);
    let bytes = std::fs::read(&path).map_err(Error::io(&path))?;
    let info = inspect(&bytes)?;
    Store::open_split(vault_dir, local_dir(data_dir, vault_dir, info.vault_id))
}

/// A read-only store for the vault in `vault_dir` (see [`open`]); its unlock attempts still
/// count in its local folder. A vault elsewhere that cannot be read is looked at in place, where
/// unlocking it then says what is wrong.
pub fn open_read_only(data_dir: &Path, vault_dir: &Path) -> Store {
    let id = std::fs::read(vault_dir.join(VAULT_FILE))
        .ok()
        .and_then(|bytes| inspect(&bytes).ok())
        .map(|info| info.vault_id);
    match id {
        Some(id) => Store::open_read_only_split(vault_dir, local_dir(data_dir, vault_dir, id)),
        None => Store::open_read_only(vault_dir),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KdfParams;

    #[test]
    fn the_data_folder_is_the_place_until_another_is_remembered() {
        let data = tempfile::tempdir().unwrap();
        assert_eq!(vault_dir(data.path()), data.path());
        remember(data.path(), Path::new("/media/synced/Countersign")).unwrap();
        assert_eq!(
            vault_dir(data.path()),
            Path::new("/media/synced/Countersign")
        );
        remember(data.path(), data.path()).unwrap();
        assert!(!data.path().join(LOCATION_FILE).exists());
        assert_eq!(vault_dir(data.path()), data.path());
        remember(data.path(), data.path()).unwrap();
    }

    #[test]
    fn a_vault_elsewhere_is_opened_with_its_local_files_here() {
        let (data, synced) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        match open(data.path(), synced.path()) {
            Err(Error::Io { path, .. }) => assert_eq!(path, synced.path().join(VAULT_FILE)),
            other => panic!("{other:?}"),
        }
        let store = Store::open(synced.path())
            .unwrap()
            .with_kdf(KdfParams::new(8, 1, 1).unwrap());
        let id = store.create(Some("pw"), false).unwrap().0.vault_id();
        drop(store);
        let store = open(data.path(), synced.path()).unwrap();
        assert_eq!(store.dir(), synced.path());
        assert_eq!(store.local_dir(), local_dir_for(data.path(), id));
        drop(store);
        let store = open_read_only(data.path(), synced.path());
        assert_eq!(store.dir(), synced.path());
        assert_eq!(store.local_dir(), local_dir_for(data.path(), id));
    }
}
