//! Issue #4: the app on the desktop: closing into the tray, hiding after a copy, and a second
//! launch on the same data folder bringing the running window back instead of starting again.
//! Issue #11: hidden means gone: the window and WebKit's processes are destroyed while the app
//! (and its unlocked vault) runs on, and showing it builds the window anew.
//! "The code where you are": the tray menu lists favourites and recently used accounts and
//! hands out their codes; the window keeps its size and place, may start hidden in the tray,
//! and may start at login.

use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use countersign_e2e::measure::{ScreenWatcher, end_tree, process_names};
use countersign_e2e::thirtyfour::components::SelectElement;
use countersign_e2e::{
    App, BusWithoutKeyring, Display, Launch, TextEntry, TrayHost, TrayItem, UI_TIMEOUT,
    WindowState, app_binary, avoid_step_boundary, main_window_state, recent_totp,
    request_close_titled, seed_vault,
};

const PASSWORD: &str = "correct horse battery";
const GITHUB: &str = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const GITLAB: &str = "otpauth://totp/GitLab:octocat?secret=KRSXG5CTMVRXEZLU&issuer=GitLab";
const BANK: &str = "otpauth://totp/Bank:me?secret=GEZDGNBVGY3TQOJQ&issuer=Bank";

/// The menu's fixed part, after the accounts.
const FIXED: [&str; 4] = ["Show Countersign", "Lock", "---", "Quit Countersign"];
/// The whole menu while locked.
const LOCKED: [&str; 6] = [
    "Unlock to see accounts (disabled)",
    "---",
    "Show Countersign",
    "Lock",
    "---",
    "Quit Countersign",
];

/// The tray menu as a panel draws it (see `MenuEntry::outline`).
async fn outline(tray: &TrayHost, item: &TrayItem) -> Vec<String> {
    let items = tray.menu_items(item).await;
    items.iter().map(|entry| entry.outline()).collect()
}

/// Waits until the tray menu reads `expected`.
async fn wait_for_menu(tray: &TrayHost, item: &TrayItem, expected: &[&str]) {
    let start = Instant::now();
    loop {
        let now = outline(tray, item).await;
        if now == expected {
            return;
        }
        assert!(
            start.elapsed() < UI_TIMEOUT,
            "the tray menu is {now:?}, expected {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

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
    // Unlocked, but no favourite and nothing used yet: no account lines.
    wait_for_menu(&tray, &item, &FIXED).await;
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
    wait_for_menu(&tray, &item, &LOCKED).await;
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

/// The tray menu speaks the window's language: German from a German LANG, Arabic once chosen
/// in Settings (the menu is made again at once), and its locked line too.
#[tokio::test(flavor = "multi_thread")]
async fn the_tray_menu_speaks_the_windows_language() {
    let bus = BusWithoutKeyring::start();
    let tray = TrayHost::start(&bus.address).await;
    let app = App::launch_with(Launch {
        env: vec![
            ("DBUS_SESSION_BUS_ADDRESS".into(), bus.address.clone()),
            ("LANG".into(), "de_DE.UTF-8".into()),
            ("LANGUAGE".into(), "de_DE:de".into()),
        ],
        ..Launch::default()
    })
    .await;
    app.onboard(PASSWORD).await;
    app.add_uri(GITHUB).await;
    app.wait_for_issuers(&["GitHub"]).await;

    let item = tray.wait_for_item().await;
    wait_for_menu(
        &tray,
        &item,
        &[
            "Countersign anzeigen",
            "Sperren",
            "---",
            "Countersign beenden",
        ],
    )
    .await;

    app.click("[data-page=settings]").await;
    SelectElement::new(&app.find("#language").await)
        .await
        .expect("the language choice")
        .select_by_value("ar")
        .await
        .expect("choose Arabic");
    app.wait_for_saved_setting("language", "ar".into()).await;
    wait_for_menu(
        &tray,
        &item,
        &["عرض Countersign", "قفل", "---", "إنهاء Countersign"],
    )
    .await;

    tray.click(&item, "قفل").await;
    app.find("#unlock-secret").await;
    wait_for_menu(
        &tray,
        &item,
        &[
            "افتح القفل لرؤية الحسابات (disabled)",
            "---",
            "عرض Countersign",
            "قفل",
            "---",
            "إنهاء Countersign",
        ],
    )
    .await;
    app.quit().await;
}

/// The tray menu follows the vault: locked, a disabled line; unlocked, the favourites in list
/// order, then the accounts used last. Choosing one copies its code or types it into the
/// focused window, as the setting says.
#[tokio::test(flavor = "multi_thread")]
async fn the_tray_menu_lists_favourites_and_recent_accounts_and_hands_out_their_codes() {
    let data = tempfile::tempdir().unwrap();
    seed_vault(
        data.path(),
        PASSWORD,
        &[GITHUB.to_owned(), GITLAB.to_owned(), BANK.to_owned()],
    );
    std::fs::write(
        data.path().join("settings.json"),
        r#"{"trayAction": "copy", "typeThenEnter": true}"#,
    )
    .unwrap();
    // A bus without a keyring: the app starts locked, as after a lock.
    let bus = BusWithoutKeyring::start();
    let tray = TrayHost::start(&bus.address).await;
    let app = App::launch_with(Launch {
        data_dir: Some(data.path().to_path_buf()),
        env: vec![("DBUS_SESSION_BUS_ADDRESS".into(), bus.address.clone())],
    })
    .await;
    let item = tray.wait_for_item().await;
    wait_for_menu(&tray, &item, &LOCKED).await;

    app.type_into("#unlock-secret", PASSWORD).await;
    app.keys("\u{E007}").await; // Enter
    app.wait_for_issuers(&["GitHub", "GitLab", "Bank"]).await;
    wait_for_menu(&tray, &item, &FIXED).await;

    // GitLab pinned (it moves to the top), then GitHub's code copied in the window: used.
    app.js("document.querySelectorAll('li.row')[1].querySelector('.star').click()")
        .await;
    app.wait_for_issuers(&["GitLab", "GitHub", "Bank"]).await;
    wait_for_menu(
        &tray,
        &item,
        &[
            "GitLab (octocat)",
            "---",
            "Show Countersign",
            "Lock",
            "---",
            "Quit Countersign",
        ],
    )
    .await;
    app.keys("githu\u{E007}").await; // search, Enter copies
    let with_both = [
        "GitLab (octocat)",
        "GitHub (octocat)",
        "---",
        "Show Countersign",
        "Lock",
        "---",
        "Quit Countersign",
    ];
    wait_for_menu(&tray, &item, &with_both).await;
    let labels: Vec<String> = tray
        .menu_items(&item)
        .await
        .into_iter()
        .map(|e| e.label)
        .collect();
    assert!(
        labels
            .iter()
            .all(|label| !label.chars().any(|c| c.is_ascii_digit())),
        "no code in the menu: {labels:?}"
    );

    // Copy: GitLab's code, chosen in the tray, is on the clipboard.
    app.set_clipboard_text("something else");
    avoid_step_boundary(30, 3).await;
    tray.click(&item, "GitLab (octocat)").await;
    let copied = app
        .wait_for("GitLab's code on the clipboard", || async {
            app.clipboard_text().filter(|text| text != "something else")
        })
        .await;
    assert!(
        recent_totp("KRSXG5CTMVRXEZLU", 6, 30).contains(&copied),
        "{copied:?} is GitLab's code"
    );

    // Type: chosen in Settings, GitHub's code goes into the focused entry, then Enter.
    app.click("[data-page=settings]").await;
    SelectElement::new(&app.find("#tray-action").await)
        .await
        .expect("the tray menu's choice")
        .select_by_value("type")
        .await
        .expect("choose typing");
    app.wait_for_saved_setting("trayAction", "type".into())
        .await;
    let entry = TextEntry::open(app.display_name());
    avoid_step_boundary(30, 4).await;
    tray.click(&item, "GitHub (octocat)").await;
    let (printed, _) = entry.printed();
    let expected = recent_totp("JBSWY3DPEHPK3PXP", 6, 30);
    assert!(
        expected.iter().any(|code| format!("{code}\n") == printed),
        "typed {printed:?}, GitHub's code and Enter is one of {expected:?}"
    );

    // Locked from the tray: no account is listed any more.
    tray.click(&item, "Lock").await;
    wait_for_menu(&tray, &item, &LOCKED).await;
    app.find("#unlock-secret").await;
    app.quit().await;
}

/// The window's rectangle as WebDriver reports it: (x, y, width, height).
async fn window_rect(app: &App) -> (i64, i64, i64, i64) {
    let rect = app
        .driver
        .get_window_rect()
        .await
        .expect("the window's rect");
    (rect.x, rect.y, rect.width, rect.height)
}

/// Waits until the window's rectangle is `expected`.
async fn wait_for_rect(app: &App, expected: (i64, i64, i64, i64)) {
    let start = Instant::now();
    loop {
        let now = window_rect(app).await;
        if now == expected {
            return;
        }
        assert!(
            start.elapsed() < UI_TIMEOUT,
            "the window is at {now:?}, expected {expected:?} (x, y, width, height)"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_window_keeps_its_size_and_place_when_shown_again_and_after_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, &[GITHUB.to_owned()]);
    let launch = Launch {
        data_dir: Some(data.path().to_path_buf()),
        env: vec![(
            "XDG_CONFIG_HOME".into(),
            config.path().display().to_string(),
        )],
    };
    let app = App::launch_with(launch.clone()).await;
    app.wait_for_issuers(&["GitHub"]).await;
    let first = window_rect(&app).await;
    app.driver
        .set_window_rect(130, 90, 520, 620)
        .await
        .expect("move and resize the window");
    let moved = (130, 90, 520, 620);
    wait_for_rect(&app, moved).await;
    assert_ne!(first, moved, "the window did move");

    // Hidden into the tray (destroyed) and shown again: built anew where it was.
    set_toggle(&app, "#minimise-to-tray", "minimiseToTray", true).await;
    app.request_close();
    app.wait_for_window(WindowState::Gone).await;
    assert!(launch_again(&app).success());
    app.wait_for_window(WindowState::Shown).await;
    app.follow_new_window().await;
    app.wait_for_issuers(&["GitHub"]).await;
    wait_for_rect(&app, moved).await;

    // Quit (closing without the tray), start again: still there.
    set_toggle(&app, "#minimise-to-tray", "minimiseToTray", false).await;
    app.request_close();
    app.wait_for("the app to quit", || async {
        app.app_process().is_none().then_some(())
    })
    .await;
    app.quit().await;
    let saved =
        std::fs::read_to_string(config.path().join("org.countersign.app/.window-state.json"))
            .expect("the window's state is saved in the config folder");
    assert!(saved.contains("\"main\""), "{saved}");
    assert!(!saved.contains("\"quick\""), "{saved}");

    let again = App::launch_with(launch).await;
    again.wait_for_issuers(&["GitHub"]).await;
    wait_for_rect(&again, moved).await;
    again.quit().await;
}

/// "Start at login" is the desktop's autostart entry: written with the app's path and
/// `--hidden` when turned on, removed when turned off.
#[tokio::test(flavor = "multi_thread")]
async fn start_at_login_writes_and_removes_the_autostart_entry() {
    let data = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, &[GITHUB.to_owned()]);
    let config = home.path().join(".config");
    std::fs::create_dir_all(&config).unwrap();
    // The autostart library writes to $HOME/.config/autostart (it does not read
    // XDG_CONFIG_HOME), so both point at the test's own folders.
    let app = App::launch_with(Launch {
        data_dir: Some(data.path().to_path_buf()),
        env: vec![
            ("HOME".into(), home.path().display().to_string()),
            ("XDG_CONFIG_HOME".into(), config.display().to_string()),
        ],
    })
    .await;
    app.wait_for_issuers(&["GitHub"]).await;
    let entry = config.join("autostart/Countersign.desktop");
    assert!(!entry.exists());

    app.click("[data-page=settings]").await;
    assert_eq!(app.prop("#start-at-login", "checked").await, "false");
    app.click("#start-at-login").await;
    let written = app
        .wait_for("the autostart entry", || async {
            std::fs::read_to_string(&entry).ok()
        })
        .await;
    let binary = std::fs::canonicalize(app_binary()).unwrap();
    let exec = written
        .lines()
        .find_map(|line| line.strip_prefix("Exec="))
        .unwrap_or_else(|| panic!("an Exec line in {written}"));
    assert_eq!(exec, format!("{} --hidden", binary.display()));
    assert_eq!(app.prop("#start-at-login", "checked").await, "true");

    // The window's settings, for a person to look at, in both themes.
    for theme in ["light", "dark"] {
        SelectElement::new(&app.find("#theme").await)
            .await
            .expect("the theme menu")
            .select_by_value(theme)
            .await
            .expect("choose a theme");
        app.wait_for_saved_setting("theme", theme.into()).await;
        app.js("document.getElementById('window-title').scrollIntoView({block: 'start'})")
            .await;
        app.screenshot(&format!("settings-window-{theme}")).await;
    }

    app.click("#start-at-login").await;
    app.wait_for("the autostart entry to go", || async {
        (!entry.exists()).then_some(())
    })
    .await;
    assert_eq!(app.prop("#start-at-login", "checked").await, "false");
    app.quit().await;
}

/// A private bus with a tray on it, and the app binary started on `display` with `args`.
struct Started {
    process: std::process::Child,
    env: Vec<(String, String)>,
}

impl Started {
    fn spawn(env: &[(String, String)], args: &[&str]) -> std::process::Child {
        let mut command = Command::new(app_binary());
        command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (key, value) in env {
            command.env(key, value);
        }
        command.spawn().expect("start the app binary")
    }

    /// Starts the app again with `args`: it must hand over to the running one and exit.
    fn again(&self, args: &[&str]) {
        let mut second = Started::spawn(&self.env, args);
        let begun = Instant::now();
        let status = loop {
            if let Some(status) = second.try_wait().unwrap() {
                break status;
            }
            assert!(
                begun.elapsed() < Duration::from_secs(20),
                "the second launch ran on"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "the second launch exited with {status}");
    }

    fn end(mut self) {
        end_tree(self.process.id(), Duration::from_secs(5));
        let _ = self.process.wait();
    }
}

/// Waits until the main window on `display` is `expected`.
async fn wait_for_window_on(display: &str, expected: WindowState) {
    let start = Instant::now();
    while main_window_state(display) != expected {
        assert!(
            start.elapsed() < UI_TIMEOUT,
            "the window is {:?}, expected {expected:?}",
            main_window_state(display)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Started into the tray (by `--hidden`, the autostart entry's flag, or by the setting): no
/// window and no web process while the app runs with its tray menu; starting it again shows
/// the window, except by the autostart entry's flag.
#[tokio::test(flavor = "multi_thread")]
async fn started_hidden_it_runs_in_the_tray_until_launched_again() {
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, &[GITHUB.to_owned()]);
    let display = Display::start();
    for (settings, args) in [
        ("{}", &["--hidden"][..]),
        (r#"{"startHidden": true}"#, &[][..]),
    ] {
        std::fs::write(data.path().join("settings.json"), settings).unwrap();
        let bus = BusWithoutKeyring::start();
        let tray = TrayHost::start(&bus.address).await;
        let env: Vec<(String, String)> = vec![
            (
                "COUNTERSIGN_DATA_DIR".into(),
                data.path().display().to_string(),
            ),
            ("DISPLAY".into(), display.name().to_owned()),
            ("DBUS_SESSION_BUS_ADDRESS".into(), bus.address.clone()),
            (
                "XDG_CONFIG_HOME".into(),
                config.path().display().to_string(),
            ),
        ];
        let app = Started {
            process: Started::spawn(&env, args),
            env,
        };
        // The tray icon is made before the window would be: once it is there, so would the
        // window be. Locked: no keyring on this bus.
        let item = tray.wait_for_item().await;
        wait_for_menu(&tray, &item, &LOCKED).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(
            main_window_state(display.name()),
            WindowState::Gone,
            "{settings} {args:?}"
        );
        let running = process_names(app.process.id());
        assert!(
            !running.iter().any(|name| name.starts_with("WebKit")),
            "no web process in the tray: {running:?}"
        );

        // The autostart entry firing again leaves it in the tray; a launch shows it.
        app.again(&["--hidden"]);
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(main_window_state(display.name()), WindowState::Gone);
        app.again(&[]);
        wait_for_window_on(display.name(), WindowState::Shown).await;
        app.end();
    }
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
    // Waits until a frame passes `ready` (a window being drawn: a loaded machine may take
    // more than a quiet second to show anything), then until the screen has not changed much
    // for a second, and returns it.
    let settled = |ready: &dyn Fn(&[u32]) -> bool| {
        let begun = Instant::now();
        while !ready(&screen.frame()) {
            assert!(
                begun.elapsed() < Duration::from_secs(30),
                "the screen never showed what was awaited"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
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
    let drawn = |frame: &[u32]| differing(frame, &blank) > 20_000;
    let mut app = start();
    let shown = settled(&drawn);
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
        differing(&settled(&|_| true), &blank) == 0,
        "nothing is on screen while hidden"
    );

    let mut second = start();
    assert!(
        second.wait().unwrap().success(),
        "the second launch hands over and exits"
    );
    let again = settled(&drawn);
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

/// Issue #17: started where there is no display (an SSH session, a service), the app says so
/// in one line and exits with its own status, instead of GTK's panic and backtrace.
#[test]
fn without_a_display_it_says_so_in_one_line_and_exits() {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(app_binary())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("COUNTERSIGN_DATA_DIR", data.path())
        .stdin(Stdio::null())
        .output()
        .expect("run the app binary");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(
        stderr,
        "countersign-app: no display to show a window on (neither DISPLAY nor WAYLAND_DISPLAY is set); start it in a desktop session, or use the command-line tool `countersign`\n"
    );
    assert_eq!(
        std::fs::read_dir(data.path()).unwrap().count(),
        0,
        "nothing was written"
    );
}
