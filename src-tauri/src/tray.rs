//! The accounts the tray menu offers, and what choosing one does.
//!
//! The menu lists the favourites (in the person's order) and then the accounts used last, by
//! label only: a code is computed when an entry is chosen, never shown in the menu. The list
//! follows the vault through [`TrayFeed`]: every access to the unlocked vault, every unlock and
//! lock, offers what the menu would show now, and only a difference rebuilds the menu.

use std::sync::Mutex;
use std::time::Duration;

use countersign_vault::Entry;
use tauri::{AppHandle, Manager};
use uuid::Uuid;

use crate::commands::clipboard::{code_for_use, copy_for_use};
use crate::commands::quick::FRESH_FOR;
use crate::error::CommandResult;
use crate::quick::QuickState;
use crate::settings::{Language, TrayAction};
use crate::state::AppState;

/// How many favourites the menu lists at most.
pub const MAX_FAVOURITES: usize = 10;
/// How many recently used accounts (not favourites) the menu lists at most.
pub const MAX_RECENT: usize = 5;

/// How long the tray menu may take to close (and the desktop to give the focus back to the
/// window the person was in) before typing starts.
const MENU_CLOSE_WAIT: Duration = Duration::from_millis(250);

/// An account the tray menu lists: its id and its label, never its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayAccount {
    /// The vault entry.
    pub id: Uuid,
    /// "Issuer (name)", or whichever of the two there is; empty when neither is.
    pub label: String,
}

/// What the menu lists for an unlocked vault: favourites in list order (up to
/// [`MAX_FAVOURITES`]), then the other accounts by last use, most recent first (up to
/// [`MAX_RECENT`]; never-used accounts are not recent).
pub fn accounts(entries: &[Entry]) -> Vec<TrayAccount> {
    let favourites = entries
        .iter()
        .filter(|entry| entry.account.favourite)
        .take(MAX_FAVOURITES);
    let listed: Vec<Uuid> = favourites.clone().map(|entry| entry.id).collect();
    let mut recent: Vec<&Entry> = entries
        .iter()
        .filter(|entry| entry.last_used_ms.is_some() && !listed.contains(&entry.id))
        .collect();
    // Stable: accounts used in the same millisecond keep the list's order.
    recent.sort_by_key(|entry| std::cmp::Reverse(entry.last_used_ms));
    favourites
        .chain(recent.into_iter().take(MAX_RECENT))
        .map(|entry| TrayAccount {
            id: entry.id,
            label: label(&entry.account.issuer, &entry.account.name),
        })
        .collect()
}

/// An account's label: "Issuer (name)", or the one of them there is; empty when neither is
/// (the menu then says "Unnamed account" in its language).
fn label(issuer: &str, name: &str) -> String {
    match (issuer.trim(), name.trim()) {
        (issuer, "") => issuer.to_owned(),
        ("", name) => name.to_owned(),
        (issuer, name) => format!("{issuer} ({name})"),
    }
}

/// A label as menu text: menus read `&` as the mark of a keyboard mnemonic ("AT&T" would show
/// "ATT"), so it is doubled to stay itself. (Underscores are escaped by the menu library.)
pub fn menu_text(label: &str) -> String {
    label.replace('&', "&&")
}

/// The tray menu's own words in one language (the window's catalog lives in the UI; the menu is
/// made in Rust, so its few lines are here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrayText {
    /// The disabled line shown while the vault is locked.
    pub unlock_hint: &'static str,
    /// Brings the window back.
    pub show: &'static str,
    /// Locks the vault.
    pub lock: &'static str,
    /// Ends the app.
    pub quit: &'static str,
    /// An account with neither issuer nor name.
    pub unnamed_account: &'static str,
}

/// The tray menu's words in `language` (resolved: `System` reads as English).
pub fn tray_text(language: Language) -> TrayText {
    match language {
        Language::De => TrayText {
            unlock_hint: "Entsperren, um Konten zu sehen",
            show: "Countersign anzeigen",
            lock: "Sperren",
            quit: "Countersign beenden",
            unnamed_account: "Unbenanntes Konto",
        },
        Language::Ar => TrayText {
            unlock_hint: "افتح القفل لرؤية الحسابات",
            show: "عرض Countersign",
            lock: "قفل",
            quit: "إنهاء Countersign",
            unnamed_account: "حساب بلا اسم",
        },
        Language::En | Language::System => TrayText {
            unlock_hint: "Unlock to see accounts",
            show: "Show Countersign",
            lock: "Lock",
            quit: "Quit Countersign",
            unnamed_account: "Unnamed account",
        },
    }
}

/// What the menu lists: `None` while locked, else the accounts of [`accounts`].
pub type Listing = Option<Vec<TrayAccount>>;

/// Something told the menu's new listing; it must not block (it runs with the vault held).
type Listener = Box<dyn Fn(Listing) + Send + Sync>;

/// Tells the tray when what its menu should list changes.
#[derive(Default)]
pub struct TrayFeed(Mutex<Feed>);

#[derive(Default)]
struct Feed {
    /// What the listener was last told (`None`: nothing yet).
    told: Option<Listing>,
    /// The vault generation `told` was made from: every save counts up, so an unchanged
    /// generation lists the same accounts and the listing is not made again.
    made_from: Option<u64>,
    listener: Option<Listener>,
}

impl TrayFeed {
    /// Offers the listing for the vault as it is now, given as its generation and entries
    /// (`None`: locked); the listener hears of it only when it differs from the last one. Most
    /// calls only read the vault: an unchanged generation costs a comparison. Callers hold the
    /// vault's lock, so offers arrive in the order the vault changed.
    pub fn offer(&self, vault: Option<(u64, &[Entry])>) {
        let mut feed = self.0.lock().expect("tray feed lock");
        if feed.listener.is_none() {
            return;
        }
        let generation = vault.map(|(generation, _)| generation);
        if generation.is_some() && generation == feed.made_from {
            return;
        }
        feed.made_from = generation;
        let listing = vault.map(|(_, entries)| accounts(entries));
        if feed.told.as_ref() == Some(&listing) {
            return;
        }
        feed.told = Some(listing.clone());
        if let Some(listener) = &feed.listener {
            listener(listing);
        }
    }

    /// Sets who hears of changes; they are told the current listing at once by the caller's
    /// next [`TrayFeed::offer`].
    pub fn listen(&self, listener: impl Fn(Listing) + Send + Sync + 'static) {
        let mut feed = self.0.lock().expect("tray feed lock");
        feed.listener = Some(Box::new(listener));
        feed.told = None;
        feed.made_from = None;
    }

    /// Tells the listener the last listing again, for a menu whose words changed (the language
    /// setting) while its accounts did not.
    pub fn retell(&self) {
        let feed = self.0.lock().expect("tray feed lock");
        if let (Some(listing), Some(listener)) = (&feed.told, &feed.listener) {
            listener(listing.clone());
        }
    }
}

/// Hands out the code of account `id`, chosen in the tray menu, as the person's setting says:
/// typed into the focused window, or copied. Off the event loop: the code may wait for a fresh
/// period and typing takes a while. A failure is told on stderr without the code.
pub fn use_account(app: &AppHandle, id: Uuid) {
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("tray-code".into())
        .spawn(move || {
            if let Err(error) = hand_out(&app, id) {
                eprintln!(
                    "countersign: the code chosen in the tray could not be used: {}",
                    error.message
                );
            }
        });
    if let Err(error) = spawned {
        eprintln!("countersign: the code chosen in the tray could not be used: {error}");
    }
}

fn hand_out(app: &AppHandle, id: Uuid) -> CommandResult<()> {
    let state = app.state::<AppState>();
    let (action, then_enter) = {
        let settings = state.settings.lock().expect("settings lock");
        (settings.tray_action, settings.type_then_enter)
    };
    if action == TrayAction::Copy {
        let code = code_for_use(&state, id, Duration::ZERO)?;
        return copy_for_use(&state, &code);
    }
    let code = code_for_use(&state, id, FRESH_FOR)?;
    let typist = match app.state::<QuickState>().typist() {
        Ok(typist) => typist,
        Err(why) => {
            // No window of ours to say it in: the clipboard has the code, stderr the reason.
            copy_for_use(&state, &code)?;
            eprintln!("countersign: {why} The code chosen in the tray was copied instead.");
            return Ok(());
        }
    };
    // The menu is a popup of the desktop's panel: once it is gone, the focus is back on the
    // window the person was in, which is where the code goes.
    std::thread::sleep(MENU_CLOSE_WAIT);
    if let Err(why) = typist.type_text(&code, then_enter) {
        copy_for_use(&state, &code)?;
        eprintln!(
            "countersign: the code chosen in the tray could not be typed ({}); it was copied",
            why.kind()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use countersign_otp::parse_uri;

    use super::*;

    fn entry(issuer: &str, name: &str, favourite: bool, last_used_ms: Option<u64>) -> Entry {
        let mut account = parse_uri(&format!(
            "otpauth://totp/{issuer}:{name}?secret=JBSWY3DPEHPK3PXP&issuer={issuer}"
        ))
        .unwrap();
        account.favourite = favourite;
        Entry {
            id: Uuid::new_v4(),
            created_ms: 1,
            modified_ms: 1,
            last_used_ms,
            account,
            field_ms: Default::default(),
            backup_codes: Vec::new(),
        }
    }

    fn labels(entries: &[Entry]) -> Vec<String> {
        accounts(entries).into_iter().map(|a| a.label).collect()
    }

    #[test]
    fn favourites_in_list_order_then_the_last_used_without_repeats() {
        let entries = [
            entry("Old", "a", false, Some(100)),
            entry("Fav2", "b", true, Some(900)),
            entry("Never", "c", false, None),
            entry("Fav1", "d", true, None),
            entry("New", "e", false, Some(500)),
        ];
        assert_eq!(
            labels(&entries),
            ["Fav2 (b)", "Fav1 (d)", "New (e)", "Old (a)"]
        );
    }

    #[test]
    fn at_most_ten_favourites_and_five_recent() {
        let mut entries: Vec<Entry> = (0..12)
            .map(|i| entry(&format!("F{i}"), "x", true, None))
            .collect();
        entries.extend((0..7).map(|i| entry(&format!("R{i}"), "x", false, Some(i))));
        let listed = labels(&entries);
        assert_eq!(listed.len(), 15);
        assert_eq!(listed[9], "F9 (x)");
        // The five used last, most recent first.
        assert_eq!(
            listed[10..],
            ["R6 (x)", "R5 (x)", "R4 (x)", "R3 (x)", "R2 (x)"]
        );
    }

    #[test]
    fn labels_say_issuer_and_name_and_keep_ampersands() {
        assert_eq!(label("GitHub", "octocat"), "GitHub (octocat)");
        assert_eq!(label("", "octocat"), "octocat");
        assert_eq!(label("GitHub", " "), "GitHub");
        assert_eq!(label("", ""), "");
        assert_eq!(menu_text("AT&T (me)"), "AT&&T (me)");
    }

    #[test]
    fn the_tray_speaks_english() {
        let text = tray_text(Language::En);
        assert_eq!(
            [text.unlock_hint, text.show, text.lock, text.quit],
            [
                "Unlock to see accounts",
                "Show Countersign",
                "Lock",
                "Quit Countersign"
            ]
        );
        assert_eq!(tray_text(Language::System), text);
    }

    #[test]
    fn the_tray_speaks_german() {
        let text = tray_text(Language::De);
        assert_eq!(
            [text.unlock_hint, text.show, text.lock, text.quit],
            [
                "Entsperren, um Konten zu sehen",
                "Countersign anzeigen",
                "Sperren",
                "Countersign beenden"
            ]
        );
        assert_eq!(text.unnamed_account, "Unbenanntes Konto");
    }

    #[test]
    fn the_tray_speaks_arabic() {
        let text = tray_text(Language::Ar);
        assert_eq!(
            [text.unlock_hint, text.show, text.lock, text.quit],
            [
                "افتح القفل لرؤية الحسابات",
                "عرض Countersign",
                "قفل",
                "إنهاء Countersign"
            ]
        );
        assert_eq!(text.unnamed_account, "حساب بلا اسم");
    }

    #[test]
    fn retelling_repeats_the_last_listing() {
        let feed = TrayFeed::default();
        let told: Arc<Mutex<Vec<Listing>>> = Arc::default();
        let sink = told.clone();
        feed.retell(); // no listener: nothing
        feed.listen(move |listing| sink.lock().unwrap().push(listing));
        feed.retell(); // nothing told yet: nothing to repeat
        feed.offer(None);
        feed.retell();
        assert_eq!(*told.lock().unwrap(), [None, None]);
    }

    #[test]
    fn the_feed_tells_only_changes_and_locks() {
        let feed = TrayFeed::default();
        let told: Arc<Mutex<Vec<Listing>>> = Arc::default();
        let sink = told.clone();
        feed.listen(move |listing| sink.lock().unwrap().push(listing));
        let mut entries = vec![entry("GitHub", "octocat", true, None)];
        feed.offer(Some((1, &entries)));
        feed.offer(Some((1, &entries)));
        entries[0].last_used_ms = Some(5); // a favourite used: the same menu
        feed.offer(Some((2, &entries)));
        entries.push(entry("GitLab", "octocat", false, Some(6)));
        feed.offer(Some((3, &entries)));
        feed.offer(None);
        feed.offer(None);
        let told = told.lock().unwrap();
        let shapes: Vec<Option<usize>> = told.iter().map(|l| l.as_ref().map(Vec::len)).collect();
        assert_eq!(shapes, [Some(1), Some(2), None]);
    }
}
