//! Issue #4: the app on the desktop: closing into the tray, hiding after a copy, and a second
//! launch on the same data folder bringing the running window back instead of starting again.
//! Issue #11: hidden means gone: the window and WebKit's processes are destroyed while the app
//! (and its unlocked vault) runs on, and showing it builds the window anew.

use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use countersign_e2e::measure::{ScreenWatcher, end_tree, process_names};
use countersign_e2e::{
    App, BusWithoutKeyring, Display, Launch, TrayHost, WindowState, app_binary, recent_totp,
    request_close_titled, seed_vault,
};

const PASSWORD: &str = "correct horse battery";
const GITHUB: &str = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";

async fn seeded() -> (App, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, &[GITHUB.to_owned()]);
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.wait_for_issuers(&["GitHub"]).await;
    (app, data)
}

/// Starts the app binary again, as a person would from their launcher, on the same folder and
/// display; returns how it exited (it must hand over to the running one and leave).
fn launch_again(app: &App) -> ExitStatus {
    app.launch_again(&[])
}

/// Flips a settings checkbox and waits until the settings file says `expected`.
async fn set_toggle(app: &App, css: &str, field: &str, expected: bool) {
    app.click("[data-page=settings]").await;
    assert_eq!(app.prop(css, "disabled").await, "false", "{css} is offered");
    app.click(css).await;
    app.wait_for_saved_setting(field, expected.into()).await;
    app.click("[data-page=codes]").await;
    app.wait_for_issuers(&["GitHub"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_keeps_it_in_the_tray_and_launching_again_brings_it_back() {
    let (app, _data) = seeded().await;
    assert_eq!(app.window_state(), WindowState::Shown);
    set_toggle(&app, "#minimise-to-tray", "minimiseToTray", true).await;

    app.request_close();
    app.wait_for_window(WindowState::Gone).await;
    // Still running, with no web process left.
    let running = app.wait_for_no_webview().await;
    assert!(
        running.iter().any(|name| name.starts_with("countersign")),
        "the app runs on: {running:?}"
    );

    let status = launch_again(&app);
    assert!(status.success(), "the second launch exited with {status}");
    app.wait_for_window(WindowState::Shown).await;
    app.follow_new_window().await;
    // The same instance, still unlocked: codes, not the unlock screen.
    app.wait_for_issuers(&["GitHub"]).await;

    // Without the setting, closing the window quits.
    set_toggle(&app, "#minimise-to-tray", "minimiseToTray", false).await;
    app.request_close();
    app.wait_for_window(WindowState::Gone).await;
    app.wait_for("the app to quit", || async {
        app.app_process().is_none().then_some(())
    })
    .await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_window_shown_again_after_a_lock_asks_to_unlock() {
    let (app, _data) = seeded().await;
    set_toggle(&app, "#minimise-to-tray", "minimiseToTray", true).await;
    app.ctrl('l').await;
    app.find("#unlock-secret").await;

    app.request_close();
    app.wait_for_window(WindowState::Gone).await;
    app.wait_for_no_webview().await;
    assert!(launch_again(&app).success());
    app.wait_for_window(WindowState::Shown).await;
    app.follow_new_window().await;
    // A launch unlocks with the keyring by itself; a window shown again must not undo a lock.
    app.find("#unlock-secret").await;
    assert!(app.issuers().await.is_empty(), "no codes while locked");
    app.type_into("#unlock-secret", PASSWORD).await;
    app.keys("\u{E007}").await; // Enter
    app.wait_for_issuers(&["GitHub"]).await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_window_hidden_after_a_copy_comes_back_on_the_next_launch() {
    let (app, _data) = seeded().await;
    set_toggle(&app, "#hide-after-copy", "hideAfterCopy", true).await;

    app.keys("git\u{E007}").await; // search, Enter copies
    app.wait_for_window(WindowState::Gone).await;
    app.wait_for_no_webview().await;
    let copied = app.clipboard_text().expect("a code on the clipboard");
    assert!(
        recent_totp("JBSWY3DPEHPK3PXP", 6, 30).contains(&copied),
        "{copied:?} is GitHub's code"
    );

    let status = launch_again(&app);
    assert!(status.success(), "the second launch exited with {status}");
    app.wait_for_window(WindowState::Shown).await;
    app.follow_new_window().await;
    app.wait_for_issuers(&["GitHub"]).await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tray_menu_shows_locks_and_quits() {
    let bus = BusWithoutKeyring::start();
    let tray = TrayHost::start(&bus.address).await;
    let app = App::launch_with(Launch {
        env: vec![("DBUS_SESSION_BUS_ADDRESS".into(), bus.address.clone())],
        ..Launch::default()
    })
    .await;
    app.onboard(PASSWORD).await;
    app.add_uri(GITHUB).await;
    app.wait_for_issuers(&["GitHub"]).await;

    let item = tray.wait_for_item().await;
    let labels: Vec<String> = tray
        .menu_entries(&item)
        .await
        .into_iter()
        .map(|(_, label)| label)
        .collect();
    assert_eq!(labels, ["Show Countersign", "Lock", "Quit Countersign"]);

    tray.click(&item, "Lock").await;
    app.find("#unlock-secret").await;
    assert!(app.issuers().await.is_empty(), "no codes while locked");
    app.type_into("#unlock-secret", PASSWORD).await;
    app.keys("\u{E007}").await; // Enter
    app.wait_for_issuers(&["GitHub"]).await;

    set_toggle(&app, "#minimise-to-tray", "minimiseToTray", true).await;
    app.request_close();
    app.wait_for_window(WindowState::Gone).await;
    app.wait_for_no_webview().await;
    tray.click(&item, "Show Countersign").await;
    app.wait_for_window(WindowState::Shown).await;
    app.follow_new_window().await;
    app.wait_for_issuers(&["GitHub"]).await;

    tray.click(&item, "Quit Countersign").await;
    app.wait_for_window(WindowState::Gone).await;
    app.quit().await;
}

/// Pixels of two frames that differ.
fn differing(a: &[u32], b: &[u32]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x != y).count()
}

/// As a person uses it, without WebDriver (whose session would keep WebKit's network process):
/// hidden into the tray, no WebKit process is left; shown again, the same codes are painted.
#[tokio::test(flavor = "multi_thread")]
async fn hidden_in_the_tray_no_web_process_is_left_and_showing_paints_the_codes_again() {
    let data = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, &[GITHUB.to_owned()]);
    std::fs::write(
        data.path().join("settings.json"),
        r#"{"minimiseToTray": true}"#,
    )
    .unwrap();
    let display = Display::start();
    let screen = ScreenWatcher::connect(display.name());
    let start = || {
        Command::new(app_binary())
            .env("COUNTERSIGN_DATA_DIR", data.path())
            .env("DISPLAY", display.name())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the app binary")
    };
    // Waits until the screen has not changed much for a second, and returns it.
    let settled = || {
        let mut last = screen.frame();
        let mut quiet_since = Instant::now();
        let begun = Instant::now();
        while quiet_since.elapsed() < Duration::from_secs(1) {
            assert!(
                begun.elapsed() < Duration::from_secs(30),
                "the screen never settled"
            );
            std::thread::sleep(Duration::from_millis(100));
            let frame = screen.frame();
            // The countdown's one-second steps are small; a page being drawn is not.
            if differing(&frame, &last) > 1500 {
                quiet_since = Instant::now();
            }
            last = frame;
        }
        last
    };
    let blank = screen.frame();
    let mut app = start();
    let shown = settled();
    assert!(
        differing(&shown, &blank) > 20_000,
        "the window shows its list"
    );

    request_close_titled(display.name(), "Countersign");
    let begun = Instant::now();
    let running = loop {
        let names = process_names(app.id());
        if !names.iter().any(|name| name.starts_with("WebKit")) {
            break names;
        }
        assert!(
            begun.elapsed() < Duration::from_secs(10),
            "WebKit's processes are still running while hidden: {names:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        app.try_wait().unwrap().is_none(),
        "the app runs on: {running:?}"
    );
    assert!(
        differing(&settled(), &blank) == 0,
        "nothing is on screen while hidden"
    );

    let mut second = start();
    assert!(
        second.wait().unwrap().success(),
        "the second launch hands over and exits"
    );
    let again = settled();
    // The same list (a code may have rolled over meanwhile): not the unlock screen, not blank.
    let changed = differing(&again, &shown);
    assert!(
        changed < 6000,
        "{changed} pixels differ from the list shown before hiding"
    );
    end_tree(app.id(), Duration::from_secs(5));
    let _ = app.wait();
}

/// Issue #14: with "After locking, ask for the password" on, a lock is more than hiding the
/// window: the keyring that unlocked at launch is neither offered nor accepted after a lock.
#[tokio::test(flavor = "multi_thread")]
async fn after_a_lock_the_password_can_be_required() {
    let (app, _data) = seeded().await; // unlocked by the keyring at launch
    set_toggle(&app, "#password-after-lock", "passwordAfterLock", true).await;
    app.ctrl('l').await;
    app.find("#unlock-secret").await;
    let offered = app
        .js("return [...document.querySelectorAll('button')].some(b => b.textContent.includes('keyring'))")
        .await;
    assert_eq!(offered, serde_json::json!(false), "no keyring button");
    let refused = app
        .js("return window.__TAURI_INTERNALS__.invoke('unlock_keyring').then(() => 'unlocked', e => e.kind)")
        .await;
    assert_eq!(refused, serde_json::json!("password_after_lock"));
    assert!(app.issuers().await.is_empty(), "still locked");
    app.type_into("#unlock-secret", PASSWORD).await;
    app.keys("\u{E007}").await; // Enter
    app.wait_for_issuers(&["GitHub"]).await;
    app.quit().await;
}
