//! Where the vault lives: the data folder, or a folder the person chose, remembered in the data
//! folder. The rules are `countersign_vault::location`'s (the CLI follows them too); this adds
//! the app's words for a vault that cannot be found.

use std::path::Path;

use countersign_vault::{Error, Store, location};

use crate::error::{CommandError, ErrorArgs};

pub use location::{local_dir, remember, vault_dir};

/// Opens the store for the vault in `vault_dir` (the rules: `countersign_vault::location`),
/// saying in words a person can act on when the vault kept elsewhere cannot be read.
pub fn open(data_dir: &Path, vault_dir: &Path) -> Result<Store, CommandError> {
    location::open(data_dir, vault_dir).map_err(|error| match error {
        Error::Io { path, source } => CommandError::new(
            "vault_not_found",
            format!(
                "No vault could be read at {} ({source}): was its folder moved, or is it not \
                 mounted?",
                path.display()
            ),
        )
        .with_args(ErrorArgs::io(&path, &source)),
        other => other.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vault_elsewhere_that_cannot_be_read_is_not_found() {
        let (data, synced) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        match open(data.path(), synced.path()) {
            Err(error) => {
                assert_eq!(error.kind, "vault_not_found");
                assert!(
                    error.message.contains("was its folder moved"),
                    "{}",
                    error.message
                );
                // The window words it from the path and the OS's answer.
                let json = serde_json::to_value(&error).unwrap();
                assert_eq!(json["args"]["osError"], "not_found");
                assert!(
                    json["args"]["path"]
                        .as_str()
                        .unwrap()
                        .starts_with(synced.path().to_str().unwrap())
                );
            }
            Ok(store) => panic!("{store:?}"),
        }
    }
}
