//! Typing on Wayland through the RemoteDesktop portal, played on a private bus by the end-to-end
//! harness (countersign_e2e::Portal, shaped after xdg-desktop-portal): the keys the portal is told
//! must spell the code exactly, the person must be asked once and not again, and every way of
//! not typing must type nothing.
//!
//! Needs `dbus-daemon` (installed with the test dependencies).
#![cfg(all(unix, not(target_os = "macos")))]

use std::path::Path;
use std::sync::Arc;

use countersign_desktop::{
    CharClass, FileTokenStore, MemoryTokenStore, PortalTypist, RestoreTokenStore, TypeError, Typist,
};
use countersign_e2e::{
    BusWithoutKeyring, Consent, DeviceSelection, KEYBOARD, POINTER, Portal, PortalCalls,
};

/// The X keysym of Return (Enter).
const XK_RETURN: u32 = 0xff0d;
/// The persist mode "until explicitly revoked".
const PERSISTENT: u32 = 2;

/// Runs blocking `f` as the app would from async code: on tokio's blocking pool, where the
/// typist may drive a runtime of its own (it could not inside a task).
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f)
        .await
        .expect("the blocking call finished")
}

/// A new typist on the bus at `address` (as a new run of the app makes) types `text`.
async fn type_once(
    address: &str,
    tokens: Arc<dyn RestoreTokenStore>,
    text: &'static str,
    then_enter: bool,
) -> Result<(), TypeError> {
    let address = address.to_owned();
    blocking(move || PortalTypist::connect(Some(&address), tokens)?.type_text(text, then_enter))
        .await
}

/// Each keysym pressed, then released, in order.
fn strokes(keysyms: &[u32]) -> Vec<(u32, bool)> {
    keysyms
        .iter()
        .flat_map(|&keysym| [(keysym, true), (keysym, false)])
        .collect()
}

fn file_store(path: &Path) -> Arc<dyn RestoreTokenStore> {
    Arc::new(FileTokenStore::new(path))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_code_then_enter_is_each_keysym_pressed_and_released_in_order() {
    let bus = BusWithoutKeyring::start();
    let portal = Portal::start(&bus.address).await;
    let tokens = Arc::new(MemoryTokenStore::default());
    type_once(&bus.address, tokens.clone(), "492039", true)
        .await
        .expect("typed");

    let calls = portal.calls();
    assert_eq!(
        calls.keys,
        strokes(&[0x34, 0x39, 0x32, 0x30, 0x33, 0x39, XK_RETURN])
    );
    assert_eq!(calls.remote_desktop_sessions, 1);
    assert_eq!(
        calls.device_selections,
        [DeviceSelection {
            types: Some(KEYBOARD),
            restore_token: None,
            persist_mode: Some(PERSISTENT),
        }]
    );
    assert_eq!(calls.dialogs, 1, "the person was asked once");
    assert_eq!(
        calls.closed_sessions, 1,
        "the session was closed after typing"
    );
    assert_eq!(tokens.load().as_ref(), calls.restore_tokens.first());

    // Letters and no Enter.
    type_once(&bus.address, tokens, "2BCDYz", false)
        .await
        .expect("typed");
    assert_eq!(
        portal.calls().keys[14..],
        strokes(&[0x32, 0x42, 0x43, 0x44, 0x59, 0x7a])
    );
}

// Two workers: the one this test blocks, and one for the portal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typist_can_be_made_used_and_dropped_on_an_async_task() {
    let bus = BusWithoutKeyring::start();
    let portal = Portal::start(&bus.address).await;
    // Blocking here only holds up this worker: the typist's runtime is on its own thread, where
    // it is also dropped (a tokio runtime dropped inside another panics).
    let typist = PortalTypist::connect(Some(&bus.address), Arc::new(MemoryTokenStore::default()))
        .expect("the portal answered");
    typist.type_text("7", false).expect("typed");
    drop(typist);
    assert_eq!(portal.calls().keys, strokes(&[0x37]));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_next_run_passes_the_stored_restore_token_and_keeps_the_new_one() {
    let bus = BusWithoutKeyring::start();
    let portal = Portal::start(&bus.address).await;
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("portal-restore-token");

    type_once(&bus.address, file_store(&path), "492039", false)
        .await
        .expect("typed");
    let first = portal.calls().restore_tokens;
    assert_eq!(first.len(), 1, "a token for the first consent");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), first[0]);

    // A new typist with a new store on the same file: the app started again.
    type_once(&bus.address, file_store(&path), "118604", true)
        .await
        .expect("typed");
    let calls = portal.calls();
    assert_eq!(
        calls.device_selections[1],
        DeviceSelection {
            types: Some(KEYBOARD),
            restore_token: Some(first[0].clone()),
            persist_mode: Some(PERSISTENT),
        }
    );
    assert_eq!(calls.dialogs, 1, "not asked again");
    assert_eq!(
        calls.restore_tokens.len(),
        2,
        "a new token for the next time"
    );
    assert_ne!(calls.restore_tokens[1], first[0]);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        calls.restore_tokens[1]
    );
    assert_eq!(
        calls.keys[12..],
        strokes(&[0x31, 0x31, 0x38, 0x36, 0x30, 0x34, XK_RETURN])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_token_file_is_not_passed_on_and_the_person_is_asked_again() {
    let bus = BusWithoutKeyring::start();
    let portal = Portal::start(&bus.address).await;
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("portal-restore-token");
    std::fs::write(&path, "not a token").unwrap();

    type_once(&bus.address, file_store(&path), "492039", false)
        .await
        .expect("typed");
    let calls = portal.calls();
    assert_eq!(calls.device_selections[0].restore_token, None);
    assert_eq!(calls.dialogs, 1);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        calls.restore_tokens[0]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_consent_is_refused_and_types_nothing() {
    let bus = BusWithoutKeyring::start();
    let portal = Portal::start(&bus.address).await;
    portal.set_consent(Consent::Refuse);
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("portal-restore-token");

    let result = type_once(&bus.address, file_store(&path), "492039", true).await;
    assert_eq!(result, Err(TypeError::Refused));
    let calls = portal.calls();
    assert_eq!(calls.dialogs, 1, "the person was asked");
    assert_eq!(calls.keys, []);
    assert_eq!(calls.restore_tokens, [] as [String; 0]);
    assert!(!path.exists(), "no token is kept for a refusal");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dialog_ended_without_an_answer_is_unavailable_and_types_nothing() {
    let bus = BusWithoutKeyring::start();
    let portal = Portal::start(&bus.address).await;
    portal.set_consent(Consent::Dismiss);
    let tokens = Arc::new(MemoryTokenStore::default());
    let result = type_once(&bus.address, tokens.clone(), "492039", true).await;
    assert_eq!(
        result,
        Err(TypeError::Unavailable {
            reason:
                "the desktop's RemoteDesktop portal ended the request without starting a session"
                    .into()
        })
    );
    assert_eq!(portal.calls().keys, []);
    assert_eq!(tokens.load(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_portal_that_stops_answering_is_given_up_on_after_five_seconds() {
    let bus = BusWithoutKeyring::start();
    let portal = Portal::start(&bus.address).await;
    let address = bus.address.clone();
    let typist = blocking(move || {
        PortalTypist::connect(Some(&address), Arc::new(MemoryTokenStore::default()))
    })
    .await
    .expect("the portal answered");
    portal.stop_answering();
    let start = std::time::Instant::now();
    let result = blocking(move || typist.type_text("492039", true)).await;
    let waited = start.elapsed();
    assert_eq!(
        result,
        Err(TypeError::Unavailable {
            reason:
                "the desktop's RemoteDesktop portal did not answer about a new session within 5 s"
                    .into()
        })
    );
    assert!(
        waited >= std::time::Duration::from_secs(5) && waited < std::time::Duration::from_secs(8),
        "{waited:?}"
    );
    assert_eq!(portal.calls().keys, []);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_character_that_cannot_be_typed_stops_it_before_the_portal_hears_of_it() {
    let bus = BusWithoutKeyring::start();
    let portal = Portal::start(&bus.address).await;
    let tokens = Arc::new(MemoryTokenStore::default());
    for (text, position) in [("49-2039", 3), ("49203\u{e9}", 6)] {
        let result = type_once(&bus.address, tokens.clone(), text, true).await;
        assert_eq!(
            result,
            Err(TypeError::Untypable {
                class: CharClass::Other,
                position
            }),
            "{text:?}"
        );
    }
    assert_eq!(portal.calls(), PortalCalls::default(), "no session, no key");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_portal_on_the_bus_is_unavailable_with_a_reason_that_names_it() {
    let bus = BusWithoutKeyring::start();
    let address = bus.address.clone();
    let tokens: Arc<dyn RestoreTokenStore> = Arc::new(MemoryTokenStore::default());
    let error = blocking(move || PortalTypist::connect(Some(&address), tokens))
        .await
        .expect_err("nobody owns the portal's name");
    let TypeError::Unavailable { reason } = &error else {
        panic!("not unavailable: {error:?}");
    };
    assert!(
        reason.contains(
            "no desktop portal answers on the session bus (org.freedesktop.portal.Desktop)"
        ),
        "{reason}"
    );
    assert!(reason.contains("RemoteDesktop portal"), "{reason}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_portal_without_a_keyboard_is_unavailable() {
    let bus = BusWithoutKeyring::start();
    let _portal = Portal::start_serving(&bus.address, Some(POINTER), true).await;
    let address = bus.address.clone();
    let tokens: Arc<dyn RestoreTokenStore> = Arc::new(MemoryTokenStore::default());
    let error = blocking(move || PortalTypist::connect(Some(&address), tokens))
        .await
        .expect_err("no keyboard to type with");
    assert_eq!(
        error,
        TypeError::Unavailable {
            reason: "the desktop's RemoteDesktop portal offers no keyboard to type with".into()
        }
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_portal_without_remote_desktop_is_unavailable_with_a_reason_that_names_it() {
    let bus = BusWithoutKeyring::start();
    let _portal = Portal::start_serving(&bus.address, None, true).await;
    let address = bus.address.clone();
    let tokens: Arc<dyn RestoreTokenStore> = Arc::new(MemoryTokenStore::default());
    let error = blocking(move || PortalTypist::connect(Some(&address), tokens))
        .await
        .expect_err("no RemoteDesktop");
    assert_eq!(
        error,
        TypeError::Unavailable {
            reason: "the desktop's portal (org.freedesktop.portal.Desktop) has no RemoteDesktop portal (org.freedesktop.portal.RemoteDesktop)".into()
        }
    );
}
