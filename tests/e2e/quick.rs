//! Issue #13: the quick search. A global shortcut pressed in another program opens it; typing a
//! query and Enter types the account's code into that program (a real GTK entry: zenity), whose
//! printed result is compared with an independent reference; Escape closes without typing.

use countersign_e2e::{
    App, Launch, TextEntry, avoid_step_boundary, recent_totp, seed_vault, xdotool,
};

const PASSWORD: &str = "correct horse battery";
const GITHUB: &str = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const GITLAB: &str = "otpauth://totp/GitLab:octocat?secret=KRSXG5CTMVRXEZLU&issuer=GitLab";

/// Switches WebDriver to the quick-search window once it is open, and waits for its field.
async fn follow_quick(app: &App) {
    let main = app.driver.window().await.expect("the main window's handle");
    let quick = app
        .wait_for("the quick search to open", || async {
            let windows = app.driver.windows().await.ok()?;
            windows.into_iter().find(|handle| *handle != main)
        })
        .await;
    app.driver
        .switch_to_window(quick)
        .await
        .expect("switch to the quick search");
    app.find("#quick-search").await;
}

/// Presses `key` in the quick search, which closes on it: WebDriver may then report the window
/// gone before it answers, which is the point.
async fn press_closing(app: &App, key: &str) {
    let _ = app.driver.action_chain().send_keys(key).perform().await;
}

/// Switches WebDriver back to the main window once the quick search is gone.
async fn back_to_main(app: &App) {
    let main = app
        .wait_for("the quick search to close", || async {
            let windows = app.driver.windows().await.ok()?;
            (windows.len() == 1).then(|| windows[0].clone())
        })
        .await;
    app.driver
        .switch_to_window(main)
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

    // Escape closes without typing anything.
    let entry = TextEntry::open(app.display_name());
    xdotool(
        app.display_name(),
        &["key", "--clearmodifiers", "ctrl+alt+k"],
    );
    follow_quick(&app).await;
    press_closing(&app, "\u{E00C}").await; // Escape
    back_to_main(&app).await;

    // The shortcut, a query and Enter: GitHub's code goes into the entry (which had the focus
    // back after Escape), then Enter.
    avoid_step_boundary(30, 4).await;
    xdotool(
        app.display_name(),
        &["key", "--clearmodifiers", "ctrl+alt+k"],
    );
    follow_quick(&app).await;
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
    back_to_main(&app).await;
    app.wait_for_issuers(&["GitHub", "GitLab"]).await;
    app.quit().await;
}
