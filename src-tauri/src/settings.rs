//! The person's preferences: not secret, kept as JSON next to the vault so that the unlock
//! screen can already use the theme, and so `--data-dir` isolates them too.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// File name of the settings, in the data folder.
pub const SETTINGS_FILE: &str = "settings.json";

/// Light, dark, or whatever the OS says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, TS)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the OS.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// The language of the window: the OS's, or one the person chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, TS)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Follow the OS (the webview's preferred languages, from LANGUAGE/LANG on Linux).
    #[default]
    System,
    /// English.
    En,
    /// German.
    De,
    /// Arabic (right to left).
    Ar,
}

impl Language {
    /// The language this setting means, never `System`: for `System`, the first of `os` (BCP 47
    /// tags, most wanted first) that Countersign is translated into, else English. The window's
    /// `resolveLocale` follows the same rule.
    pub fn resolve<S: AsRef<str>>(self, os: impl IntoIterator<Item = S>) -> Language {
        if self != Language::System {
            return self;
        }
        os.into_iter()
            .find_map(|tag| {
                let base = tag.as_ref().split(['-', '_']).next()?.to_ascii_lowercase();
                match base.as_str() {
                    "en" => Some(Language::En),
                    "de" => Some(Language::De),
                    "ar" => Some(Language::Ar),
                    _ => None,
                }
            })
            .unwrap_or(Language::En)
    }
}

/// How the account list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, TS)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// The person's own order (drag or keyboard).
    #[default]
    Manual,
    /// By issuer, then account name.
    Name,
    /// Most recently used first.
    Recent,
}

/// What choosing an account in the tray menu does with its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, TS)]
#[serde(rename_all = "lowercase")]
pub enum TrayAction {
    /// Type it into the window that has the focus (copied where typing is impossible).
    #[default]
    Type,
    /// Copy it, cleared after the clipboard timeout.
    Copy,
}

/// Every preference, with the defaults a newcomer gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Colour theme.
    pub theme: Theme,
    /// The window's language (the tray menu and the CLI stay English).
    pub language: Language,
    /// Seconds before a copied code is cleared from the clipboard (0: never).
    pub clipboard_clear_seconds: u32,
    /// Minutes of inactivity before the vault locks (0: never).
    pub auto_lock_minutes: u32,
    /// Hide the window after a code is copied.
    pub hide_after_copy: bool,
    /// Keep running in the tray when the window is closed.
    pub minimise_to_tray: bool,
    /// Show the next code during the last seconds of the current one.
    pub show_next_code: bool,
    /// Hide codes until the row is hovered or selected.
    pub privacy_mode: bool,
    /// List order.
    pub sort_order: SortOrder,
    /// After a lock, unlock only with the password (or the recovery key): the keyring unlocks
    /// at launch only, so a lock is more than hiding the window.
    pub password_after_lock: bool,
    /// The shortcut that opens the quick search from any window ("" for none).
    pub quick_shortcut: String,
    /// Press Enter after typing a code (the form is sent at once).
    pub type_then_enter: bool,
    /// Lock when the desktop session does: the screen locks, the screensaver starts, or
    /// another session is switched to.
    pub lock_on_session_lock: bool,
    /// Lock when the machine suspends or hibernates.
    pub lock_on_suspend: bool,
    /// What choosing an account in the tray menu does.
    pub tray_action: TrayAction,
    /// Start with no window, in the tray (only where there is a tray).
    pub start_hidden: bool,
    /// Measure the clock's offset against an SNTP server (off: it talks to the network).
    pub clock_check: bool,
    /// The SNTP server: a host name or address, with an optional `:port`.
    pub ntp_server: String,
    /// Seconds added to the clock for every code, after a measured offset the person chose to
    /// correct for (each account's own offset adds on top).
    pub clock_offset_seconds: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: Theme::System,
            language: Language::System,
            clipboard_clear_seconds: 20,
            auto_lock_minutes: 5,
            hide_after_copy: false,
            minimise_to_tray: false,
            show_next_code: true,
            privacy_mode: false,
            sort_order: SortOrder::Manual,
            password_after_lock: false,
            quick_shortcut: DEFAULT_QUICK_SHORTCUT.to_owned(),
            type_then_enter: false,
            lock_on_session_lock: true,
            lock_on_suspend: true,
            tray_action: TrayAction::Type,
            start_hidden: false,
            clock_check: false,
            ntp_server: DEFAULT_NTP_SERVER.to_owned(),
            clock_offset_seconds: 0,
        }
    }
}

/// The quick search's shortcut for a newcomer: free in the common desktops' own bindings.
pub const DEFAULT_QUICK_SHORTCUT: &str = "Ctrl+Alt+K";

/// The SNTP server asked unless the person names another.
pub const DEFAULT_NTP_SERVER: &str = "pool.ntp.org";

/// Largest clock correction: a day either way (a clock further off is for the person to set).
pub const MAX_CLOCK_OFFSET_SECONDS: i64 = 86_400;

/// Largest accepted clipboard timeout and auto-lock delay: a day, in their units.
const MAX_CLIPBOARD_SECONDS: u32 = 86_400;
const MAX_AUTO_LOCK_MINUTES: u32 = 1_440;

/// Why settings could not be saved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// A value is outside what the app accepts.
    #[error("{message}")]
    Invalid {
        /// The setting at fault, by its name in the settings file ("autoLockMinutes").
        setting: &'static str,
        /// What is wrong with it, for a person.
        message: &'static str,
    },
    /// Writing the file failed.
    #[error("could not save settings to {}: {source}", path.display())]
    Io {
        /// The settings file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
}

impl SettingsError {
    /// The setting at fault, when one is.
    pub fn setting(&self) -> Option<&'static str> {
        match self {
            SettingsError::Invalid { setting, .. } => Some(setting),
            SettingsError::Io { .. } => None,
        }
    }
}

impl Settings {
    /// Reads the settings in `data_dir`; defaults when absent or unreadable (a damaged
    /// preferences file must never keep anyone from their codes).
    pub fn load(data_dir: &Path) -> Settings {
        std::fs::read(data_dir.join(SETTINGS_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Checks the values are in range.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if self.clipboard_clear_seconds > MAX_CLIPBOARD_SECONDS {
            return Err(SettingsError::Invalid {
                setting: "clipboardClearSeconds",
                message: "The clipboard timeout can be at most a day.",
            });
        }
        if self.auto_lock_minutes > MAX_AUTO_LOCK_MINUTES {
            return Err(SettingsError::Invalid {
                setting: "autoLockMinutes",
                message: "The auto-lock delay can be at most a day.",
            });
        }
        if self.clock_offset_seconds.abs() > MAX_CLOCK_OFFSET_SECONDS {
            return Err(SettingsError::Invalid {
                setting: "clockOffsetSeconds",
                message: "The clock correction can be at most a day.",
            });
        }
        let server = self.ntp_server.trim();
        // 253: the longest DNS name, plus room for a port.
        if server.len() > 260 || server.contains(char::is_whitespace) {
            return Err(SettingsError::Invalid {
                setting: "ntpServer",
                message: "The time server must be a host name or address, with an optional :port.",
            });
        }
        if self.clock_check && server.is_empty() {
            return Err(SettingsError::Invalid {
                setting: "clockCheck",
                message: "Name a time server to check the clock against.",
            });
        }
        Ok(())
    }

    /// Writes the settings atomically to `data_dir`.
    pub fn save(&self, data_dir: &Path) -> Result<(), SettingsError> {
        self.validate()?;
        let path = data_dir.join(SETTINGS_FILE);
        let io = |source| SettingsError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(data_dir).map_err(io)?;
        let json = serde_json::to_vec_pretty(self).expect("settings serialise");
        let mut file = tempfile::NamedTempFile::new_in(data_dir).map_err(io)?;
        std::io::Write::write_all(&mut file, &json).map_err(io)?;
        file.as_file().sync_all().map_err(io)?;
        file.persist(&path).map_err(|e| io(e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_resolves_to_a_chosen_one_or_the_first_translated_os_language() {
        assert_eq!(Language::De.resolve(["ar-EG"]), Language::De);
        assert_eq!(
            Language::System.resolve(["fr-FR", "de_DE", "ar"]),
            Language::De
        );
        assert_eq!(Language::System.resolve(["AR-eg"]), Language::Ar);
        assert_eq!(Language::System.resolve(["fr", "ja"]), Language::En);
        assert_eq!(Language::System.resolve(Vec::<String>::new()), Language::En);
    }

    #[test]
    fn defaults_when_missing_or_damaged() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
        std::fs::write(dir.path().join(SETTINGS_FILE), b"{not json").unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
    }

    #[test]
    fn round_trip_and_unknown_fields_default() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            theme: Theme::Dark,
            language: Language::Ar,
            clipboard_clear_seconds: 45,
            sort_order: SortOrder::Recent,
            ..Settings::default()
        };
        settings.save(dir.path()).unwrap();
        assert_eq!(Settings::load(dir.path()), settings);
        // A file from an older version, missing newer fields, keeps what it has.
        std::fs::write(dir.path().join(SETTINGS_FILE), br#"{"theme":"light"}"#).unwrap();
        let old = Settings::load(dir.path());
        assert_eq!(old.theme, Theme::Light);
        assert_eq!(old.auto_lock_minutes, 5);
        // Settings saved before the window had languages: the OS's.
        assert_eq!(old.language, Language::System);
        // Settings saved before locking with the session existed: on, as for a newcomer.
        assert!(old.lock_on_session_lock);
        assert!(old.lock_on_suspend);
        // Settings saved before the tray menu listed accounts: typing, shown at launch.
        assert_eq!(old.tray_action, TrayAction::Type);
        assert!(!old.start_hidden);
        // The keyring still unlocks after a lock unless the person asks for the password.
        assert!(!old.password_after_lock);
        assert!(!Settings::default().password_after_lock);
        // The clock check talks to the network: off until asked for, with no correction.
        assert!(!old.clock_check);
        assert_eq!(old.ntp_server, "pool.ntp.org");
        assert_eq!(old.clock_offset_seconds, 0);
    }

    #[test]
    fn clock_settings_are_checked() {
        let with = |change: fn(&mut Settings)| {
            let mut settings = Settings::default();
            change(&mut settings);
            settings.validate()
        };
        assert!(with(|s| s.clock_offset_seconds = -47).is_ok());
        assert!(with(|s| s.clock_offset_seconds = 86_401).is_err());
        assert!(with(|s| s.ntp_server = "127.0.0.1:1234".into()).is_ok());
        assert!(with(|s| s.ntp_server = "pool ntp org".into()).is_err());
        assert!(
            with(|s| {
                s.clock_check = true;
                s.ntp_server = String::new();
            })
            .is_err()
        );
    }

    #[test]
    fn the_language_is_saved_as_its_code() {
        let settings = Settings {
            language: Language::De,
            ..Settings::default()
        };
        let json = serde_json::to_value(&settings).unwrap();
        assert_eq!(json["language"], "de");
    }

    #[test]
    fn the_tray_action_reaches_the_window_in_lowercase() {
        let settings = Settings {
            tray_action: TrayAction::Copy,
            start_hidden: true,
            ..Settings::default()
        };
        let json = serde_json::to_value(&settings).unwrap();
        assert_eq!(json["trayAction"], "copy");
        assert_eq!(json["startHidden"], true);
    }

    #[test]
    fn out_of_range_values_are_refused_and_nothing_written() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            auto_lock_minutes: 100_000,
            ..Settings::default()
        };
        assert!(matches!(
            settings.save(dir.path()),
            Err(SettingsError::Invalid {
                setting: "autoLockMinutes",
                ..
            })
        ));
        assert!(!dir.path().join(SETTINGS_FILE).exists());
    }
}
