//! This machine's id, which its OS keyring slot names so that a vault synced between machines
//! holds one keyring slot per machine.

use std::fs;
use std::path::Path;

use uuid::Uuid;

use crate::crypto::sha256;

/// Where systemd (and most Linux systems) keep the OS's machine id.
const OS_MACHINE_ID: &str = "/etc/machine-id";

/// This machine's id: derived from the OS's machine id where there is one (hashed with our
/// own label, as systemd asks of applications, so that the vault file does not carry the OS's
/// id); else a random id kept in the local config folder (`countersign/machine-id`), made the
/// first time. Stable across launches; a fresh random one only if neither can be had.
pub fn machine_id() -> Uuid {
    if let Some(id) = fs::read_to_string(OS_MACHINE_ID)
        .ok()
        .and_then(|text| from_os_id(&text))
    {
        return id;
    }
    let Some(file) = dirs::config_local_dir().map(|dir| dir.join("countersign").join("machine-id"))
    else {
        return Uuid::new_v4();
    };
    kept_in(&file)
}

/// Our id for the OS's machine id `text` (32 hex digits), if it is one.
fn from_os_id(text: &str) -> Option<Uuid> {
    let text = text.trim();
    (text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())).then(|| {
        let hash = sha256(&[b"countersign machine id v1\0", text.as_bytes()]);
        uuid::Builder::from_random_bytes(hash[..16].try_into().expect("16 bytes")).into_uuid()
    })
}

/// The id kept in `file`, or a new random one written there (best effort).
fn kept_in(file: &Path) -> Uuid {
    if let Some(id) = fs::read_to_string(file)
        .ok()
        .and_then(|text| Uuid::parse_str(text.trim()).ok())
    {
        return id;
    }
    let id = Uuid::new_v4();
    if let Some(dir) = file.parent() {
        let _ = crate::files::create_private_dir(dir);
    }
    let _ = crate::files::write_atomically(file, id.hyphenated().to_string().as_bytes());
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_os_id_is_hashed_not_copied_and_stable() {
        let os = "0123456789abcdef0123456789abcdef";
        let id = from_os_id(&format!("{os}\n")).unwrap();
        assert_eq!(from_os_id(os), Some(id));
        assert!(!id.simple().to_string().contains(&os[..8]));
        assert_ne!(from_os_id("fedcba9876543210fedcba9876543210"), Some(id));
        assert_eq!(from_os_id("not an id"), None);
        assert_eq!(from_os_id(""), None);
    }

    #[test]
    fn a_random_id_is_kept_once_made() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("countersign/machine-id");
        let first = kept_in(&file);
        assert_eq!(kept_in(&file), first);
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            first.hyphenated().to_string()
        );
    }

    #[test]
    fn this_machine_has_one_id() {
        assert_eq!(machine_id(), machine_id());
    }
}
