//! Recognising the conflict copies that sync engines leave beside a file they could not merge.
//!
//! Each engine names its copies its own way; one pure function per engine tells whether a file
//! name is such a copy of `name`. A name that looks like a copy is only a candidate: the vault
//! id inside decides whether it is one (see `Unlocked::sync`).

/// The sync engines whose conflict copies are recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Engine {
    /// `name.sync-conflict-YYYYMMDD-HHMMSS-DEVICE.ext`
    Syncthing,
    /// `name (conflicted copy YYYY-MM-DD HHMMSS).ext` (Nextcloud and ownCloud)
    Nextcloud,
    /// `name (Host's conflicted copy YYYY-MM-DD).ext`, optionally numbered ` (N)` inside
    Dropbox,
    /// `name-HOSTNAME.ext`
    OneDrive,
    /// `name (N).ext`
    GoogleDrive,
}

impl Engine {
    /// The engine's name, for reports.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Syncthing => "Syncthing",
            Engine::Nextcloud => "Nextcloud",
            Engine::Dropbox => "Dropbox",
            Engine::OneDrive => "OneDrive",
            Engine::GoogleDrive => "Google Drive",
        }
    }
}

/// One engine's test: whether a file name (second) is a conflict copy of a name (first).
type NameCheck = fn(&str, &str) -> bool;

/// Which engine's conflict copy of `name` the file name `candidate` is, if any. The engines are
/// tried in order from the most to the least specific pattern.
pub fn conflict_copy(name: &str, candidate: &str) -> Option<Engine> {
    let checks: [(Engine, NameCheck); 5] = [
        (Engine::Syncthing, is_syncthing_copy),
        (Engine::Nextcloud, is_nextcloud_copy),
        (Engine::Dropbox, is_dropbox_copy),
        (Engine::GoogleDrive, is_google_drive_copy),
        (Engine::OneDrive, is_onedrive_copy),
    ];
    checks
        .into_iter()
        .find(|(_, check)| check(name, candidate))
        .map(|(engine, _)| engine)
}

/// Syncthing: `name.sync-conflict-20240102-030405-ABCDEFG.ext`, the marker repeated when a copy
/// of a copy conflicts again.
pub fn is_syncthing_copy(name: &str, candidate: &str) -> bool {
    let Some(mut rest) = between(name, candidate) else {
        return false;
    };
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let Some(marker) = rest.strip_prefix(".sync-conflict-") else {
            return false;
        };
        let (date, marker) = take_digits(marker, 8);
        let Some(marker) = date.and(marker.strip_prefix('-')) else {
            return false;
        };
        let (time, marker) = take_digits(marker, 6);
        let Some(marker) = time.and(marker.strip_prefix('-')) else {
            return false;
        };
        // The device id's first block: 7 characters of upper-case base32.
        let device_len = marker
            .bytes()
            .take_while(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(b))
            .count();
        if device_len != 7 {
            return false;
        }
        rest = &marker[device_len..];
    }
    true
}

/// Nextcloud and ownCloud: `name (conflicted copy 2024-01-02 030405).ext`.
pub fn is_nextcloud_copy(name: &str, candidate: &str) -> bool {
    let Some(inner) = between(name, candidate).and_then(parenthesised) else {
        return false;
    };
    let Some(stamp) = inner.strip_prefix("conflicted copy ") else {
        return false;
    };
    let Some(rest) = take_date(stamp).and_then(|rest| rest.strip_prefix(' ')) else {
        return false;
    };
    matches!(take_digits(rest, 6), (Some(_), ""))
}

/// Dropbox: `name (Host's conflicted copy 2024-01-02).ext` or `... 2024-01-02 (1)).ext`; the
/// host name may hold spaces, and the apostrophe may be a typographic one.
pub fn is_dropbox_copy(name: &str, candidate: &str) -> bool {
    let Some(inner) = between(name, candidate).and_then(parenthesised) else {
        return false;
    };
    let Some((host, stamp)) = inner
        .split_once("'s conflicted copy ")
        .or_else(|| inner.split_once("\u{2019}s conflicted copy "))
    else {
        return false;
    };
    if host.is_empty() {
        return false;
    }
    match take_date(stamp) {
        Some("") => true,
        Some(numbered) => numbered
            .strip_prefix(" (")
            .and_then(|n| n.strip_suffix(')'))
            .is_some_and(is_number),
        None => false,
    }
}

/// OneDrive: `name-HOSTNAME.ext`, a host name of letters, digits and inner hyphens.
pub fn is_onedrive_copy(name: &str, candidate: &str) -> bool {
    let Some(host) = between(name, candidate).and_then(|rest| rest.strip_prefix('-')) else {
        return false;
    };
    (1..=63).contains(&host.len())
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !host.starts_with('-')
        && !host.ends_with('-')
}

/// Google Drive: `name (1).ext`.
pub fn is_google_drive_copy(name: &str, candidate: &str) -> bool {
    between(name, candidate)
        .and_then(parenthesised)
        .is_some_and(is_number)
}

/// What `candidate` inserts between `name`'s stem and its extension (`vault` and
/// `.countersign`), if it starts with the one and ends with the other.
fn between<'a>(name: &str, candidate: &'a str) -> Option<&'a str> {
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if dot > 0 => name.split_at(dot),
        _ => (name, ""),
    };
    candidate
        .strip_prefix(stem)?
        .strip_suffix(extension)
        .filter(|middle| !middle.is_empty())
}

/// The text inside ` (...)`, when that is all there is.
fn parenthesised(text: &str) -> Option<&str> {
    text.strip_prefix(" (")?.strip_suffix(')')
}

/// Exactly `count` ASCII digits first (`Some` of them, `None` if not), and the rest.
fn take_digits(text: &str, count: usize) -> (Option<&str>, &str) {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == count {
        (Some(&text[..count]), &text[count..])
    } else {
        (None, text)
    }
}

/// `YYYY-MM-DD` first; what follows it.
fn take_date(text: &str) -> Option<&str> {
    let (Some(_), rest) = take_digits(text, 4) else {
        return None;
    };
    let (Some(_), rest) = take_digits(rest.strip_prefix('-')?, 2) else {
        return None;
    };
    let (Some(_), rest) = take_digits(rest.strip_prefix('-')?, 2) else {
        return None;
    };
    Some(rest)
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "vault.countersign";

    /// Names that are not copies of the vault for any engine.
    const NOT_COPIES: &[&str] = &[
        "vault.countersign",
        "vault.countersign.replaced-1700000000000",
        ".vault.countersign.Ab12Cd",
        "vault.lock",
        "other.countersign",
        "vault.countersign.sync-conflict-20240102-030405-ABCDEFG",
        "vault-.countersign",
        "vault--.countersign",
        "vault ().countersign",
        "vault (x).countersign",
        "vault.sync-conflict-2024012-030405-ABCDEFG.countersign",
        "vault.sync-conflict-20240102-030405-abcdefg.countersign",
        "vault.sync-conflict-20240102-030405-ABCDEF.countersign",
        "vault (conflicted copy 2024-01-02).countersign",
        "vault ('s conflicted copy 2024-01-02).countersign",
        "vault (Laptop's conflicted copy 2024-1-02).countersign",
        "vault (Laptop's conflicted copy 2024-01-02 (x)).countersign",
    ];

    #[test]
    fn syncthing_copies() {
        for (candidate, expected) in [
            (
                "vault.sync-conflict-20240102-030405-ABCDEFG.countersign",
                true,
            ),
            (
                "vault.sync-conflict-20991231-235959-Z234567.countersign",
                true,
            ),
            (
                "vault.sync-conflict-20240102-030405-ABCDEFG.sync-conflict-20240103-030405-QRSTUVW.countersign",
                true,
            ),
            (
                "vault.sync-conflict-20240102-030405-ABCDEFGH.countersign",
                false,
            ),
            (
                "vault.sync-conflict-20240102-030405-ABCDEF1.countersign",
                false,
            ),
            (
                "vault.sync-conflict-20240102030405-ABCDEFG.countersign",
                false,
            ),
            ("vault.sync-conflict-20240102-030405-ABCDEFG.txt", false),
            (
                "other.sync-conflict-20240102-030405-ABCDEFG.countersign",
                false,
            ),
        ] {
            assert_eq!(is_syncthing_copy(NAME, candidate), expected, "{candidate}");
        }
    }

    #[test]
    fn nextcloud_copies() {
        for (candidate, expected) in [
            (
                "vault (conflicted copy 2024-01-02 030405).countersign",
                true,
            ),
            ("vault (conflicted copy 2024-01-02 0304).countersign", false),
            (
                "vault (conflicted copy 2024-01-02 030405 ).countersign",
                false,
            ),
            (
                "vault (Conflicted copy 2024-01-02 030405).countersign",
                false,
            ),
            (
                "vault(conflicted copy 2024-01-02 030405).countersign",
                false,
            ),
        ] {
            assert_eq!(is_nextcloud_copy(NAME, candidate), expected, "{candidate}");
        }
    }

    #[test]
    fn dropbox_copies() {
        for (candidate, expected) in [
            (
                "vault (Laptop's conflicted copy 2024-01-02).countersign",
                true,
            ),
            (
                "vault (Jane Doe's MacBook's conflicted copy 2024-01-02).countersign",
                true,
            ),
            (
                "vault (Laptop\u{2019}s conflicted copy 2024-01-02).countersign",
                true,
            ),
            (
                "vault (Laptop's conflicted copy 2024-01-02 (1)).countersign",
                true,
            ),
            (
                "vault (Laptop's conflicted copy 2024-01-02 (12)).countersign",
                true,
            ),
            (
                "vault (Laptop's conflicted copy 2024-01-02 ()).countersign",
                false,
            ),
            ("vault (Laptop's conflicted copy).countersign", false),
            ("vault (Laptop's copy 2024-01-02).countersign", false),
        ] {
            assert_eq!(is_dropbox_copy(NAME, candidate), expected, "{candidate}");
        }
    }

    #[test]
    fn onedrive_copies() {
        for (candidate, expected) in [
            ("vault-LAPTOP.countersign", true),
            ("vault-DESKTOP-4H2K9QZ.countersign", true),
            ("vault-a.countersign", true),
            ("vault-LAPTOP-.countersign", false),
            ("vault-LAP TOP.countersign", false),
            ("vault-LAPTOP.txt", false),
            ("vault_LAPTOP.countersign", false),
        ] {
            assert_eq!(is_onedrive_copy(NAME, candidate), expected, "{candidate}");
        }
    }

    #[test]
    fn google_drive_copies() {
        for (candidate, expected) in [
            ("vault (1).countersign", true),
            ("vault (23).countersign", true),
            ("vault(1).countersign", false),
            ("vault (1) .countersign", false),
            ("vault (-1).countersign", false),
        ] {
            assert_eq!(
                is_google_drive_copy(NAME, candidate),
                expected,
                "{candidate}"
            );
        }
    }

    #[test]
    fn each_copy_is_told_by_its_own_engine_and_others_by_none() {
        for (candidate, engine) in [
            (
                "vault.sync-conflict-20240102-030405-ABCDEFG.countersign",
                Engine::Syncthing,
            ),
            (
                "vault (conflicted copy 2024-01-02 030405).countersign",
                Engine::Nextcloud,
            ),
            (
                "vault (Laptop's conflicted copy 2024-01-02 (1)).countersign",
                Engine::Dropbox,
            ),
            ("vault-LAPTOP.countersign", Engine::OneDrive),
            ("vault (1).countersign", Engine::GoogleDrive),
        ] {
            assert_eq!(conflict_copy(NAME, candidate), Some(engine), "{candidate}");
        }
        for candidate in NOT_COPIES {
            assert_eq!(conflict_copy(NAME, candidate), None, "{candidate}");
        }
    }

    #[test]
    fn names_without_an_extension_work_too() {
        assert_eq!(
            conflict_copy("vault", "vault.sync-conflict-20240102-030405-ABCDEFG"),
            Some(Engine::Syncthing)
        );
        assert_eq!(
            conflict_copy("vault", "vault (2)"),
            Some(Engine::GoogleDrive)
        );
        assert_eq!(conflict_copy("vault", "vault"), None);
    }
}
