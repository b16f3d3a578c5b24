//! Following the session over D-Bus: logind and the screensavers, played on private buses by
//! the end-to-end harness (countersign_e2e::Logind, ScreenSavers), send their signals as the real
//! services do; the watcher must turn exactly the locking ones into events.
//!
//! Needs `dbus-daemon` (installed with the test dependencies).
#![cfg(all(unix, not(target_os = "macos")))]

use std::time::{Duration, Instant};

use countersign_desktop::{SessionEvent, SessionEvents, Source, watch_session_on};
use countersign_e2e::{
    BusWithoutKeyring, Logind, OTHER_SESSION_PATH, SESSION_PATH, ScreenSaver, ScreenSavers,
};

/// How soon an event must arrive: the "within a second".
const PROMPTLY: Duration = Duration::from_secs(1);
/// How long to wait for an event that must not come.
const QUIET: Duration = Duration::from_millis(300);

/// Runs blocking `f` on a thread outside the async runtime (zbus's blocking calls may not run on
/// one of its threads) and waits for it without holding up the runtime.
async fn off_runtime<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let thread = std::thread::spawn(f);
    while !thread.is_finished() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    thread.join().expect("the thread finished")
}

/// Starts watching the two buses (their addresses), once the services are up.
async fn watch(system: &BusWithoutKeyring, session: &BusWithoutKeyring) -> SessionEvents {
    let (system, session) = (system.address.clone(), session.address.clone());
    off_runtime(move || watch_session_on(Some(&system), Some(&session)))
        .await
        .expect("the session is watched")
}

/// The next event, if one comes within `within`.
async fn next(events: &SessionEvents, within: Duration) -> Option<SessionEvent> {
    let start = Instant::now();
    loop {
        if let Ok(event) = events.recv_timeout(Duration::ZERO) {
            return Some(event);
        }
        if start.elapsed() > within {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Asserts that the next event is `expected`, within a second.
async fn expect(events: &SessionEvents, expected: SessionEvent, after: &str) {
    let start = Instant::now();
    let event = next(events, PROMPTLY).await;
    assert_eq!(
        event,
        Some(expected),
        "after {after} (waited {:?})",
        start.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_locking_signal_is_an_event_and_no_other_is() {
    let system = BusWithoutKeyring::start();
    let session = BusWithoutKeyring::start();
    let logind = Logind::start(&system.address).await;
    let screensavers = ScreenSavers::start(&session.address).await;
    let events = watch(&system, &session).await;
    assert_eq!(
        events.watched(),
        [
            Source::FreedesktopScreenSaver,
            Source::GnomeScreenSaver,
            Source::LogindSleep,
            Source::LogindSession
        ]
    );
    assert_eq!(events.unwatched(), []);
    assert_eq!(
        logind.session_lookups(),
        1,
        "asked once for the \"auto\" session"
    );

    // Each signal that must not lock is followed by one that must, from the same service (one
    // connection, so the bus keeps their order): the next event proves the first was ignored.
    logind.unlock(SESSION_PATH).await;
    logind.lock(OTHER_SESSION_PATH).await;
    logind.set_locked_hint(OTHER_SESSION_PATH, true).await;
    logind.lock(SESSION_PATH).await;
    expect(&events, SessionEvent::Locked, "Lock").await;

    logind.set_locked_hint(SESSION_PATH, true).await;
    expect(&events, SessionEvent::Locked, "LockedHint true").await;
    logind.set_locked_hint(SESSION_PATH, false).await;
    logind.set_active(SESSION_PATH, false).await;
    expect(&events, SessionEvent::SwitchedAway, "Active false").await;
    logind.set_active(SESSION_PATH, true).await;
    logind.prepare_for_sleep(false).await;
    logind.prepare_for_sleep(true).await;
    expect(&events, SessionEvent::Suspending, "PrepareForSleep(true)").await;

    for which in [ScreenSaver::Freedesktop, ScreenSaver::Gnome] {
        screensavers.active_changed(which, false).await;
        screensavers.active_changed(which, true).await;
        expect(
            &events,
            SessionEvent::ScreenSaverActive,
            &format!("{which:?} ActiveChanged(true)"),
        )
        .await;
    }

    // And the last ones that must not lock, with nothing after them.
    logind.prepare_for_sleep(false).await;
    logind.set_locked_hint(SESSION_PATH, false).await;
    screensavers.active_changed(ScreenSaver::Gnome, false).await;
    assert_eq!(
        next(&events, QUIET).await,
        None,
        "no event for an unlock or a wake-up"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_older_logind_is_asked_for_the_session_by_process() {
    let system = BusWithoutKeyring::start();
    let session = BusWithoutKeyring::start();
    let logind = Logind::start_without_auto(&system.address).await;
    let events = watch(&system, &session).await;
    assert_eq!(logind.session_lookups(), 2, "\"auto\", then by process");
    assert!(events.watched().contains(&Source::LogindSession));
    logind.lock(SESSION_PATH).await;
    expect(&events, SessionEvent::Locked, "Lock").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_services_are_reported_and_a_screensaver_started_later_is_heard() {
    let system = BusWithoutKeyring::start();
    let session = BusWithoutKeyring::start();
    // Nothing on either bus: a container, or a bare X session.
    let events = watch(&system, &session).await;
    let unwatched: Vec<Source> = events.unwatched().iter().map(|(s, _)| *s).collect();
    assert_eq!(unwatched, [Source::LogindSession]);
    let (_, reason) = &events.unwatched()[0];
    assert!(reason.contains("GetSessionByPID"), "{reason}");
    // Subscriptions name the services, not their current owners: a screensaver that starts
    // after the app is heard.
    let screensavers = ScreenSavers::start(&session.address).await;
    screensavers
        .active_changed(ScreenSaver::Freedesktop, true)
        .await;
    expect(
        &events,
        SessionEvent::ScreenSaverActive,
        "a late ActiveChanged(true)",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_bus_is_enough_and_none_is_an_error() {
    let session = BusWithoutKeyring::start();
    let address = session.address.clone();
    let events = off_runtime(move || watch_session_on(None, Some(&address)))
        .await
        .expect("the session bus alone is watched");
    assert_eq!(
        events.watched(),
        [Source::FreedesktopScreenSaver, Source::GnomeScreenSaver]
    );
    let error = off_runtime(|| watch_session_on(Some("unix:path=/nonexistent/bus"), None))
        .await
        .expect_err("no bus, nothing to watch");
    assert_eq!(error.kind(), "no_bus");
}
