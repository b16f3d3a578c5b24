//! The few words the shell shows outside the webview, in the window's language: the titles and
//! filters of the system's file dialogs and the quick search's window title (the tray's words
//! are in tray.rs). Everything else the person reads is worded by the window's catalogs.

use tauri::Manager;

use crate::settings::Language;
use crate::state::AppState;

/// The window's language as the person chose it, or the OS's: never `System`.
pub fn window_language<R: tauri::Runtime>(app: &impl Manager<R>) -> Language {
    let chosen = app
        .state::<AppState>()
        .settings
        .lock()
        .expect("settings lock")
        .language;
    chosen.resolve(sys_locale::get_locales())
}

/// A system dialog the shell opens, by what it asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialog {
    /// A backup or export of another app, to import.
    ImportFile,
    /// A picture holding a QR code, to scan.
    ImageToScan,
    /// Where to save an export.
    Export,
    /// A vault file to open instead of this one.
    VaultFile,
    /// The folder to move the vault to.
    VaultFolder,
}

impl Dialog {
    /// The dialog's title in `language` (resolved: `System` reads as English).
    pub fn title(self, language: Language) -> &'static str {
        use Dialog::*;
        match (language, self) {
            (Language::De, ImportFile) => "Datei zum Importieren wählen",
            (Language::De, ImageToScan) => "Bild mit QR-Code wählen",
            (Language::De, Export) => "Konten exportieren",
            (Language::De, VaultFile) => "Tresordatei wählen",
            (Language::De, VaultFolder) => "Neuen Ordner für den Tresor wählen",
            (Language::Ar, ImportFile) => "اختر ملفًا لاستيراده",
            (Language::Ar, ImageToScan) => "اختر صورة فيها رمز QR",
            (Language::Ar, Export) => "تصدير حساباتك",
            (Language::Ar, VaultFile) => "اختر ملف خزنة",
            (Language::Ar, VaultFolder) => "اختر المجلد الجديد للخزنة",
            (Language::En | Language::System, ImportFile) => "Choose a file to import",
            (Language::En | Language::System, ImageToScan) => "Choose an image with a QR code",
            (Language::En | Language::System, Export) => "Export your accounts",
            (Language::En | Language::System, VaultFile) => "Choose a vault file",
            (Language::En | Language::System, VaultFolder) => "Choose the vault's new folder",
        }
    }

    /// The name of the file type the dialog offers, where it filters (`None`: every file, or
    /// the export format's own name).
    pub fn filter_name(self, language: Language) -> Option<&'static str> {
        match (self, language) {
            (Dialog::ImageToScan, Language::De) => Some("Bilder"),
            (Dialog::ImageToScan, Language::Ar) => Some("صور"),
            (Dialog::ImageToScan, _) => Some("Images"),
            (Dialog::VaultFile, Language::De) => Some("Countersign-Tresor"),
            (Dialog::VaultFile, Language::Ar) => Some("خزنة Countersign"),
            (Dialog::VaultFile, _) => Some("Countersign vault"),
            _ => None,
        }
    }
}

/// The quick search window's title (window lists and task switchers show it).
pub fn quick_search_title(language: Language) -> &'static str {
    match language {
        Language::De => "Countersign-Schnellsuche",
        Language::Ar => "البحث السريع في Countersign",
        Language::En | Language::System => "Countersign quick search",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIALOGS: [Dialog; 5] = [
        Dialog::ImportFile,
        Dialog::ImageToScan,
        Dialog::Export,
        Dialog::VaultFile,
        Dialog::VaultFolder,
    ];

    #[test]
    fn every_dialog_has_its_own_title_in_each_language() {
        for language in [Language::En, Language::De, Language::Ar] {
            let titles: Vec<_> = DIALOGS.iter().map(|d| d.title(language)).collect();
            let mut unique = titles.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), DIALOGS.len(), "{language:?}: {titles:?}");
        }
        assert_eq!(
            Dialog::ImportFile.title(Language::System),
            "Choose a file to import"
        );
        assert_eq!(
            Dialog::ImportFile.title(Language::De),
            "Datei zum Importieren wählen"
        );
        assert_eq!(
            Dialog::ImageToScan.title(Language::Ar),
            "اختر صورة فيها رمز QR"
        );
    }

    #[test]
    fn translations_differ_from_english_and_filters_follow_the_language() {
        for dialog in DIALOGS {
            let english = dialog.title(Language::En);
            assert_ne!(dialog.title(Language::De), english);
            assert_ne!(dialog.title(Language::Ar), english);
        }
        assert_eq!(
            Dialog::ImageToScan.filter_name(Language::De),
            Some("Bilder")
        );
        assert_eq!(
            Dialog::VaultFile.filter_name(Language::En),
            Some("Countersign vault")
        );
        assert_eq!(Dialog::ImportFile.filter_name(Language::Ar), None);
        assert_eq!(quick_search_title(Language::De), "Countersign-Schnellsuche");
        assert_ne!(
            quick_search_title(Language::Ar),
            quick_search_title(Language::En)
        );
    }
}
