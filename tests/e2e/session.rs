//! "Locked means locked", item 1: the vault locks with the desktop session. logind and the
//! screensavers are played on private buses (the app's system and session buses), sending their
//! signals as the real services do; the open window must show the unlock screen within a second,
//! with no account left in the page.
//!
//! The app's session bus is private here (the other tests' apps must not hear these
//! screensavers), so the OS keyring is out of reach and the vault opens with its password.

use std::time::{Duration, Instant};

use countersign_e2e::{
    App, BusWithoutKeyring, Launch, Logind, SESSION_PATH, ScreenSaver, ScreenSavers, UI_TIMEOUT,
    seed_vault,
};

const PASSWORD: &str = "correct horse battery";
const GITHUB: &str = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
/// The promise: locked within a second of the session's signal.
const PROMPTLY: Duration = Duration::from_secs(1);
/// How long a signal that must not lock is given to (wrongly) lock.
const GRACE: Duration = Duration::from_millis(1500);

/// The app on a seeded vault, its system bus served by logind and its session bus by the
/// screensavers, unlocked and listing its account.
struct Desktop {
    app: App,
    logind: Logind,
    screensavers: ScreenSavers,
    _data: tempfile::TempDir,
    // Declared last: the buses stop after everything on them.
    _system: BusWithoutKeyring,
    _session: BusWithoutKeyring,
}

impl Desktop {
    async fn start() -> Desktop {
        let system = BusWithoutKeyring::start();
        let session = BusWithoutKeyring::start();
        let logind = Logind::start(&system.address).await;
        let screensavers = ScreenSavers::start(&session.address).await;
        let data = tempfile::tempdir().unwrap();
        seed_vault(data.path(), PASSWORD, &[GITHUB.to_owned()]);
        let app = App::launch_with(Launch {
            data_dir: Some(data.path().to_path_buf()),
            env: vec![
                ("DBUS_SYSTEM_BUS_ADDRESS".into(), system.address.clone()),
                ("DBUS_SESSION_BUS_ADDRESS".into(), session.address.clone()),
            ],
        })
        .await;
        // The app asks logind for its session, then subscribes (milliseconds, long before a
        // person could have typed the password below).
        app.wait_for("the app to look up its logind session", || async {
            (logind.session_lookups() > 0).then_some(())
        })
        .await;
        let desktop = Desktop {
            app,
            logind,
            screensavers,
            _data: data,
            _system: system,
            _session: session,
        };
        desktop.unlock().await;
        desktop
    }

    async fn unlock(&self) {
        self.app.type_into("#unlock-secret", PASSWORD).await;
        self.app.keys("\u{E007}").await; // Enter
        self.app.wait_for_issuers(&["GitHub"]).await;
    }

    /// Whether the unlock screen shows and no account row is left in the page.
    async fn locked(&self) -> bool {
        let state = self
            .app
            .js("const s = document.getElementById('unlock-secret'); \
                 return { unlock: !!s && s.offsetParent !== null, rows: document.querySelectorAll('li.row').length }")
            .await;
        state["unlock"] == serde_json::json!(true) && state["rows"] == serde_json::json!(0)
    }

    /// Waits for the lock after a signal sent at `sent`, and asserts it came within a second.
    async fn expect_locked_promptly(&self, sent: Instant, after: &str) {
        loop {
            if self.locked().await {
                break;
            }
            assert!(
                sent.elapsed() < UI_TIMEOUT,
                "never locked after {after} (waited {UI_TIMEOUT:?})"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let took = sent.elapsed();
        eprintln!("locked {took:?} after {after}");
        assert!(
            took <= PROMPTLY,
            "locked {took:?} after {after}: more than a second"
        );
        assert!(
            self.app.issuers().await.is_empty(),
            "no account in the page"
        );
    }

    /// Asserts that the window still lists its account `GRACE` after a signal.
    async fn expect_still_unlocked(&self, after: &str) {
        tokio::time::sleep(GRACE).await;
        assert!(!self.locked().await, "locked after {after}");
        assert_eq!(self.app.issuers().await, ["GitHub"], "after {after}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_screen_lock_the_screensaver_and_sleep_lock_the_open_window() {
    let desktop = Desktop::start().await;

    let sent = Instant::now();
    desktop.logind.lock(SESSION_PATH).await;
    desktop.expect_locked_promptly(sent, "logind's Lock").await;
    desktop.unlock().await;

    let sent = Instant::now();
    desktop
        .screensavers
        .active_changed(ScreenSaver::Gnome, true)
        .await;
    desktop
        .expect_locked_promptly(sent, "the screensaver's ActiveChanged(true)")
        .await;
    desktop
        .screensavers
        .active_changed(ScreenSaver::Gnome, false)
        .await;
    desktop.unlock().await;

    let sent = Instant::now();
    desktop.logind.prepare_for_sleep(true).await;
    desktop
        .expect_locked_promptly(sent, "logind's PrepareForSleep(true)")
        .await;
    // Waking up unlocks nothing.
    desktop.logind.prepare_for_sleep(false).await;
    tokio::time::sleep(GRACE).await;
    assert!(desktop.locked().await, "still locked after waking");
    desktop.app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_setting_off_the_screen_lock_leaves_the_vault_open_but_sleep_still_locks() {
    let desktop = Desktop::start().await;
    let app = &desktop.app;
    app.click("[data-page=settings]").await;
    assert_eq!(
        app.prop("#lock-on-session-lock", "checked").await,
        "true",
        "on by default"
    );
    assert_eq!(
        app.prop("#lock-on-suspend", "checked").await,
        "true",
        "on by default"
    );
    app.click("#lock-on-session-lock").await;
    app.wait_for_saved_setting("lockOnSessionLock", false.into())
        .await;
    app.click("[data-page=codes]").await;
    app.wait_for_issuers(&["GitHub"]).await;

    desktop.logind.lock(SESSION_PATH).await;
    desktop.logind.set_locked_hint(SESSION_PATH, true).await;
    desktop
        .screensavers
        .active_changed(ScreenSaver::Freedesktop, true)
        .await;
    desktop
        .expect_still_unlocked("Lock, LockedHint and ActiveChanged(true) with the setting off")
        .await;

    // The watcher still runs: sleep, still on, locks.
    let sent = Instant::now();
    desktop.logind.prepare_for_sleep(true).await;
    desktop
        .expect_locked_promptly(sent, "PrepareForSleep(true)")
        .await;
    desktop.app.quit().await;
}
