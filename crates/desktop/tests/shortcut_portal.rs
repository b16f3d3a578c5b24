//! The quick search's shortcut on Wayland through the GlobalShortcuts portal, played on a private
//! bus by the end-to-end harness (countersign_e2e::Portal): bound with our id, description and
//! proposed keys; each press the desktop reports must reach the app within a second; without a
//! portal, the person must be told the command to bind instead.
//!
//! Needs `dbus-daemon` (installed with the test dependencies).
#![cfg(all(unix, not(target_os = "macos")))]

use std::sync::mpsc;
use std::time::{Duration, Instant};

use countersign_desktop::{PREFERRED_TRIGGER, QuickSearchShortcut, ShortcutError};
use countersign_e2e::{
    BoundShortcut, BusWithoutKeyring, Consent, KEYBOARD, Portal, TRIGGER_DESCRIPTION,
};

/// How soon an activation must arrive: the "within a second".
const PROMPTLY: Duration = Duration::from_secs(1);

/// Runs blocking `f` on a thread outside the async runtime and waits for it without holding up
/// the portal.
async fn off_runtime<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let thread = std::thread::spawn(f);
    while !thread.is_finished() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    thread.join().expect("the thread finished")
}

/// Binds the shortcut on the bus at `address`; each activation is sent to the receiver.
async fn bind(
    address: &str,
) -> (
    Result<QuickSearchShortcut, ShortcutError>,
    mpsc::Receiver<()>,
) {
    let (activated, activations) = mpsc::channel();
    let address = address.to_owned();
    let bound = off_runtime(move || {
        QuickSearchShortcut::bind(Some(&address), PREFERRED_TRIGGER, move || {
            let _ = activated.send(());
        })
    })
    .await;
    (bound, activations)
}

/// Whether an activation arrives within `within`.
async fn arrives(activations: &mpsc::Receiver<()>, within: Duration) -> bool {
    let start = Instant::now();
    loop {
        if activations.try_recv().is_ok() {
            return true;
        }
        if start.elapsed() > within {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn each_press_of_the_bound_shortcut_arrives_within_a_second() {
    let bus = BusWithoutKeyring::start();
    let portal = Portal::start(&bus.address).await;
    let (bound, activations) = bind(&bus.address).await;
    let shortcut = bound.expect("bound");
    assert_eq!(shortcut.trigger_description(), Some(TRIGGER_DESCRIPTION));
    assert_eq!(
        portal.calls().bound_shortcuts,
        [BoundShortcut {
            id: "quick-search".into(),
            description: Some("Open Countersign's quick search".into()),
            preferred_trigger: Some("CTRL+ALT+k".into()),
        }]
    );
    assert_eq!(portal.calls().dialogs, 1);
    assert!(
        !arrives(&activations, Duration::from_millis(100)).await,
        "not pressed yet"
    );

    for press in 1..=2 {
        assert_eq!(
            portal.activate("quick-search").await,
            1,
            "one session bound it"
        );
        assert!(arrives(&activations, PROMPTLY).await, "press {press}");
    }

    // Dropping it closes the portal session: the desktop unbinds the keys.
    off_runtime(move || drop(shortcut)).await;
    assert_eq!(portal.calls().closed_sessions, 1);
    assert_eq!(portal.activate("quick-search").await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn no_portal_on_the_bus_says_which_command_to_bind_instead() {
    let bus = BusWithoutKeyring::start();
    let (bound, _) = bind(&bus.address).await;
    let error = bound.expect_err("nobody owns the portal's name");
    assert_eq!(error.kind(), "unavailable");
    let message = error.to_string();
    assert!(message.contains("countersign-app --quick"), "{message}");
    assert!(
        message.contains("org.freedesktop.portal.Desktop"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_declined_shortcut_is_refused_and_says_which_command_to_bind_instead() {
    let bus = BusWithoutKeyring::start();
    let portal = Portal::start(&bus.address).await;
    portal.set_consent(Consent::Refuse);
    let (bound, _) = bind(&bus.address).await;
    let error = bound.expect_err("declined");
    assert_eq!(error, ShortcutError::Refused);
    assert!(
        error.to_string().contains("countersign-app --quick"),
        "{error}"
    );
    assert_eq!(portal.calls().closed_sessions, 1, "its session was closed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dialog_ended_without_an_answer_is_unavailable_and_says_which_command_to_bind() {
    let bus = BusWithoutKeyring::start();
    let portal = Portal::start(&bus.address).await;
    portal.set_consent(Consent::Dismiss);
    let (bound, _) = bind(&bus.address).await;
    let error = bound.expect_err("dismissed");
    assert_eq!(error.kind(), "unavailable");
    assert!(
        error.to_string().contains("countersign-app --quick"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_portal_that_stops_answering_is_given_up_on_and_says_which_command_to_bind() {
    let bus = BusWithoutKeyring::start();
    let portal = Portal::start(&bus.address).await;
    portal.stop_answering();
    let start = Instant::now();
    let (bound, _) = bind(&bus.address).await;
    let waited = start.elapsed();
    let error = bound.expect_err("no answer");
    assert_eq!(
        error,
        ShortcutError::Unavailable {
            reason:
                "the desktop's GlobalShortcuts portal did not answer about a new session within 5 s"
                    .into()
        }
    );
    assert!(
        error.to_string().contains("countersign-app --quick"),
        "{error}"
    );
    assert!(
        waited >= Duration::from_secs(5) && waited < Duration::from_secs(8),
        "{waited:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_portal_without_global_shortcuts_says_which_command_to_bind_instead() {
    let bus = BusWithoutKeyring::start();
    let _portal = Portal::start_serving(&bus.address, Some(KEYBOARD), false).await;
    let (bound, _) = bind(&bus.address).await;
    let error = bound.expect_err("no GlobalShortcuts");
    assert_eq!(
        error,
        ShortcutError::Unavailable {
            reason: "the desktop's portal (org.freedesktop.portal.Desktop) has no GlobalShortcuts portal (org.freedesktop.portal.GlobalShortcuts)".into()
        }
    );
    assert!(
        error.to_string().contains("countersign-app --quick"),
        "{error}"
    );
}
