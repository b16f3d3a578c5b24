//! Issue #13: the quick search. A global shortcut pressed in another program opens it; typing a
//! query and Enter types the account's code into that program (a real GTK entry: zenity), whose
//! printed result is compared with an independent reference; Escape closes without typing.

use countersign_e2e::thirtyfour;
use countersign_e2e::{
    App, Launch, TextEntry, WindowState, avoid_step_boundary, recent_totp, seed_vault,
    titled_window_state, xdotool,
};

const PASSWORD: &str = "correct horse battery";
const GITHUB: &str = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const GITLAB: &str = "otpauth://totp/GitLab:octocat?secret=KRSXG5CTMVRXEZLU&issuer=GitLab";
/// The quick search's window title.
const QUICK_TITLE: &str = "Countersign quick search";

/// Switches WebDriver to the quick-search window once it is shown, and waits for its field.
async fn follow_quick(app: &App) {
    let main = app.driver.window().await.expect("the main window's handle");
    let quick = app
        .wait_for("the quick search to open", || async {
            let windows = app.driver.windows().await.ok()?;
            windows.into_iter().find(|handle| *handle != main)
        })
        .await;
    app.wait_for("the quick search to be shown", || async {
        (titled_window_state(app.display_name(), QUICK_TITLE) == WindowState::Shown).then_some(())
    })
    .await;
    app.driver
        .switch_to_window(quick)
        .await
        .expect("switch to the quick search");
    app.find("#quick-search").await;
}

/// Presses `key` in the quick search, which closes on it: WebDriver may then report the window
/// hidden before it answers, which is the point.
async fn press_closing(app: &App, key: &str) {
    let _ = app.driver.action_chain().send_keys(key).perform().await;
}

/// Switches WebDriver back to the main window once the quick search is hidden (kept ready:
/// its window still exists, unmapped).
async fn back_to_main(app: &App, main: &thirtyfour::WindowHandle) {
    app.wait_for("the quick search to close", || async {
        (titled_window_state(app.display_name(), QUICK_TITLE) == WindowState::Hidden).then_some(())
    })
    .await;
    app.driver
        .switch_to_window(main.clone())
        .await
        .expect("switch to the main window");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_shortcut_types_the_chosen_code_into_the_window_that_had_the_focus() {
    let data = tempfile::tempdir().unwrap();
    seed_vault(
        data.path(),
        PASSWORD,
        &[GITHUB.to_owned(), GITLAB.to_owned()],
    );
    std::fs::write(
        data.path().join("settings.json"),
        r#"{"typeThenEnter": true}"#,
    )
    .unwrap();
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.wait_for_issuers(&["GitHub", "GitLab"]).await;
    let main = app.driver.window().await.expect("the main window's handle");
    app.hover("li.row").await;
    app.screenshot("row-actions-light").await;

    // Escape closes without typing anything.
    let entry = TextEntry::open(app.display_name());
    xdotool(
        app.display_name(),
        &["key", "--clearmodifiers", "ctrl+alt+k"],
    );
    follow_quick(&app).await;
    app.keys("gitl").await;
    press_closing(&app, "\u{E00C}").await; // Escape
    back_to_main(&app, &main).await;

    // The shortcut, a query and Enter: GitHub's code goes into the entry (which had the focus
    // back after Escape), then Enter.
    avoid_step_boundary(30, 4).await;
    xdotool(
        app.display_name(),
        &["key", "--clearmodifiers", "ctrl+alt+k"],
    );
    follow_quick(&app).await;
    // The same window, shown again, starts afresh: no query, every account.
    app.screenshot("quick-search-light").await;
    assert_eq!(app.prop("#quick-search", "value").await, "");
    app.keys("githu").await;
    let first = app.text("[role=option][aria-selected=true] .issuer").await;
    assert_eq!(first, "GitHub", "the best match is selected");
    press_closing(&app, "\u{E007}").await; // Enter
    let (printed, _) = entry.printed();
    let expected = recent_totp("JBSWY3DPEHPK3PXP", 6, 30);
    let typed = printed.trim_end_matches('\n');
    assert!(
        expected.iter().any(|code| code == typed),
        "typed {printed:?}, GitHub's code is one of {expected:?}"
    );
    assert!(printed.ends_with('\n'), "Enter followed the code");
    back_to_main(&app, &main).await;
    app.wait_for_issuers(&["GitHub", "GitLab"]).await;

    // Locking ends the quick search kept ready, and its web process.
    app.click("[data-action=lock]").await;
    app.find("#unlock-secret").await;
    app.wait_for("the quick search to be destroyed", || async {
        (titled_window_state(app.display_name(), QUICK_TITLE) == WindowState::Gone).then_some(())
    })
    .await;
    assert_eq!(app.driver.windows().await.unwrap().len(), 1);
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_row_types_its_code_into_the_window_the_person_came_from() {
    let data = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, &[GITHUB.to_owned()]);
    std::fs::write(
        data.path().join("settings.json"),
        r#"{"typeThenEnter": true, "theme": "dark"}"#,
    )
    .unwrap();
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.wait_for_issuers(&["GitHub"]).await;
    let display = app.display_name();
    let main = xdotool(
        display,
        &["search", "--onlyvisible", "--name", "^Countersign$"],
    );
    let main = main.lines().last().expect("the main window").to_owned();

    // Nowhere to type yet (the person never left the window): copied, and told why.
    xdotool(display, &["windowfocus", "--sync", &main]);
    app.hover("li.row").await;
    app.screenshot("row-actions-dark").await;
    app.click("[data-action=type]").await;
    let told = app
        .wait_for("the toast to say why", || async {
            let text = app.text(".toast span").await;
            (!text.is_empty()).then_some(text)
        })
        .await;
    assert_eq!(
        told,
        "Countersign does not know which window the code goes to: click in the field that asks for it, come back, and try again. The code was copied instead."
    );

    // The person is in a sign-in form, comes to Countersign, and asks for the code there.
    avoid_step_boundary(30, 4).await;
    let entry = TextEntry::open(display);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    xdotool(display, &["windowfocus", "--sync", &main]);
    // The entry appeared under the pointer, so the row lost its hover: point at it anew.
    app.hover("#search").await;
    app.hover("li.row").await;
    app.click("[data-action=type]").await;
    let (printed, _) = entry.printed();
    let expected = recent_totp("JBSWY3DPEHPK3PXP", 6, 30);
    assert!(
        expected.iter().any(|code| format!("{code}\n") == printed),
        "typed {printed:?}, GitHub's code and Enter is one of {expected:?}"
    );
    app.quit().await;
}
