//! Setup links opened from elsewhere: an `otpauth://` or `otpauth-migration://` link clicked in
//! a browser, or given on the command line (`countersign-app 'otpauth://…'`). The desktop
//! starts the app with the link as an argument; a running instance gets that argument from the
//! second launch (see `desktop::single_instance`), the first launch from its own arguments.
//!
//! A link only ever opens the add dialog's confirmation card: it waits here, in Rust, until
//! the window takes it (`scan_take_links`) while the vault is unlocked. Nothing is added
//! without the person's confirmation.
//!
//! A link holds a secret, so it is kept no longer than a scanned account waits for its
//! confirmation ([`QUEUED_LIFETIME`]), and a lock forgets the links that were waiting: a link
//! opened while the vault is locked waits for the unlock, but once the person locks, whatever
//! was in front of them is gone, links too.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tauri::{AppHandle, Emitter, Manager, Runtime};
use zeroize::Zeroizing;

/// The event telling the window that links were opened; `scan_take_links` has them.
pub const LINK_EVENT: &str = "link-opened";

/// The schemes Countersign is the handler of (the .desktop file's `MimeType`).
const SCHEMES: [&str; 2] = ["otpauth://", "otpauth-migration://"];

/// How long an opened link waits for the window (the vault may be locked meanwhile): as long
/// as a scanned account waits for its confirmation.
const QUEUED_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// At most this many links wait at once: a web page opening links in a loop cannot fill the
/// memory, nor the confirmation queue beyond what a person would go through.
const MAX_QUEUED: usize = 16;

/// An opened link, waiting for the window. No `Debug`: it holds a secret.
struct Queued {
    link: Zeroizing<String>,
    arrived: Instant,
}

/// The links opened and not yet taken by the window (managed next to `ScanState`).
#[derive(Default)]
pub struct Links {
    queue: Mutex<VecDeque<Queued>>,
}

impl Links {
    /// Queues `link`; false when the same link is already waiting (opened twice, it is shown
    /// once). The oldest link makes way when [`MAX_QUEUED`] are waiting.
    pub fn push(&self, link: Zeroizing<String>) -> bool {
        let mut queue = self.queue.lock().expect("links lock");
        queue.retain(|queued| queued.arrived.elapsed() < QUEUED_LIFETIME);
        if queue.iter().any(|queued| queued.link == link) {
            return false;
        }
        if queue.len() >= MAX_QUEUED {
            queue.pop_front();
        }
        queue.push_back(Queued {
            link,
            arrived: Instant::now(),
        });
        true
    }

    /// Every waiting link, oldest first, once.
    pub fn take(&self) -> Vec<Zeroizing<String>> {
        let mut queue = self.queue.lock().expect("links lock");
        queue
            .drain(..)
            .filter(|queued| queued.arrived.elapsed() < QUEUED_LIFETIME)
            .map(|queued| queued.link)
            .collect()
    }

    /// Forgets every waiting link (the vault locked).
    pub fn forget(&self) {
        self.queue.lock().expect("links lock").clear();
    }
}

/// The setup links among a launch's arguments (the program's path and options are not).
pub fn links_in<S: AsRef<str>>(args: impl IntoIterator<Item = S>) -> Vec<Zeroizing<String>> {
    args.into_iter()
        .filter_map(|arg| {
            let arg = arg.as_ref().trim();
            // Schemes are case-insensitive; `get` keeps a cut inside a character from panicking.
            let is_link = SCHEMES.iter().any(|scheme| {
                arg.get(..scheme.len())
                    .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
            });
            is_link.then(|| Zeroizing::new(arg.to_owned()))
        })
        .collect()
}

/// Queues the links among `args` (a second launch's arguments) and tells the window; false
/// when there were none.
pub fn receive<R: Runtime>(app: &AppHandle<R>, args: &[String]) -> bool {
    let links = links_in(args);
    if links.is_empty() {
        return false;
    }
    let state = app.state::<Links>();
    for link in links {
        state.push(link);
    }
    // A window built anew (it was hidden) takes the links when it loads; one already open
    // takes them on this event.
    let _ = app.emit(LINK_EVENT, ());
    true
}

/// Queues the links the app was started with.
pub fn setup(app: &AppHandle) {
    // Not `std::env::args`, which panics on an argument that is not UTF-8.
    let args = std::env::args_os().filter_map(|arg| arg.into_string().ok());
    let state = app.state::<Links>();
    for link in links_in(args) {
        state.push(link);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACME: &str = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME";
    const BETA: &str = "otpauth://totp/Beta:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Beta";

    fn texts(links: Vec<Zeroizing<String>>) -> Vec<String> {
        links.iter().map(|link| link.to_string()).collect()
    }

    #[test]
    fn only_setup_links_are_taken_from_the_arguments() {
        let args = [
            "/usr/bin/countersign-app",
            "--data-dir",
            "/tmp/otpauth",
            " OTPAUTH://totp/X?secret=JBSWY3DPEHPK3PXP ",
            "https://example.com",
            "otpauth-migration://offline?data=CgA",
            "otpauth:/missing-slash",
            "é",
        ];
        assert_eq!(
            texts(links_in(args)),
            [
                "OTPAUTH://totp/X?secret=JBSWY3DPEHPK3PXP",
                "otpauth-migration://offline?data=CgA"
            ]
        );
    }

    #[test]
    fn the_same_link_waits_once_and_is_taken_once_in_order() {
        let links = Links::default();
        assert!(links.push(Zeroizing::new(ACME.into())));
        assert!(links.push(Zeroizing::new(BETA.into())));
        assert!(!links.push(Zeroizing::new(ACME.into())));
        assert_eq!(texts(links.take()), [ACME, BETA]);
        assert!(links.take().is_empty());
        // Taken, it may be opened again (the card was dismissed).
        assert!(links.push(Zeroizing::new(ACME.into())));
        links.forget();
        assert!(links.take().is_empty());
    }

    #[test]
    fn a_flood_of_links_keeps_the_newest() {
        let links = Links::default();
        for i in 0..MAX_QUEUED + 3 {
            links.push(Zeroizing::new(format!(
                "otpauth://totp/N{i}?secret=JBSWY3DP"
            )));
        }
        let taken = texts(links.take());
        assert_eq!(taken.len(), MAX_QUEUED);
        assert_eq!(taken[0], "otpauth://totp/N3?secret=JBSWY3DP");
    }

    #[test]
    fn a_link_is_held_for_confirmation_and_a_malformed_one_is_described() {
        let dir = tempfile::tempdir().unwrap();
        let state = crate::state::tests::unlocked_state(dir.path());
        let scan = crate::scan::ScanState::default();
        let outcome = scan
            .process_links(
                &state,
                &[
                    Zeroizing::new(ACME.into()),
                    Zeroizing::new("otpauth://totp/Bad?secret=!!!".into()),
                ],
            )
            .unwrap();
        let shown = serde_json::to_value(&outcome).unwrap();
        assert_eq!(shown["codes"], 2);
        assert_eq!(shown["pending"][0]["issuer"], "ACME");
        assert_eq!(shown["pending"][0]["name"], "alice");
        assert_eq!(shown["notes"][0]["kind"], "invalid");
        let message = shown["notes"][0]["message"].as_str().unwrap();
        assert!(
            message.starts_with("The link you opened is a setup link Countersign cannot use: "),
            "{message}"
        );
        // Nothing added: the account waits for the card, and its secret never reaches the
        // window.
        let listed = state.with_vault(|vault| Ok(vault.entries().len())).unwrap();
        assert_eq!(listed, 0);
        assert!(!shown.to_string().contains("JBSWY3DPEHPK3PXP"));
    }

    #[test]
    fn an_export_link_adds_nothing_until_each_account_is_confirmed() {
        use countersign_otp::{Account, encode_migration, parse_uri};
        let accounts: Vec<Account> = [ACME, BETA].iter().map(|u| parse_uri(u).unwrap()).collect();
        let mut export = encode_migration(&accounts, 10, 7);
        assert_eq!(export.uris.len(), 1);
        let link = export.uris.remove(0);
        let dir = tempfile::tempdir().unwrap();
        let state = crate::state::tests::unlocked_state(dir.path());
        let scan = crate::scan::ScanState::default();
        let outcome = scan.process_links(&state, &[link]).unwrap();
        let shown = serde_json::to_value(&outcome).unwrap();
        assert_eq!(shown["pending"].as_array().unwrap().len(), 2);
        assert_eq!(shown["exports"].as_array().unwrap().len(), 0);
        let listed = state.with_vault(|vault| Ok(vault.entries().len())).unwrap();
        assert_eq!(listed, 0);
    }

    #[test]
    fn the_linux_desktop_entry_hands_links_to_the_app() {
        let entry = include_str!("../../packaging/linux/countersign.desktop");
        assert!(
            entry
                .lines()
                .any(|l| l
                    == "MimeType=x-scheme-handler/otpauth;x-scheme-handler/otpauth-migration;"),
            "{entry}"
        );
        let exec = entry.lines().find(|l| l.starts_with("Exec=")).unwrap();
        assert!(exec.ends_with(" %u"), "{exec}");
        let config: serde_json::Value =
            serde_json::from_str(include_str!("../../tauri.conf.json")).unwrap();
        for format in ["deb", "rpm"] {
            assert_eq!(
                config["bundle"]["linux"][format]["desktopTemplate"],
                "packaging/linux/countersign.desktop",
                "{format}"
            );
        }
    }
}
