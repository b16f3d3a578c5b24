//! Issue #4: the list people live in: search, copy, clipboard hygiene, edit, undo, HOTP,
//! favourites, groups, keyboard-only use, settings that persist.

use std::time::Duration;

use countersign_e2e::thirtyfour::components::SelectElement;
use countersign_e2e::{App, Launch, avoid_step_boundary, hotp, recent_totp, seed_vault};

const PASSWORD: &str = "correct horse battery";
const GITHUB: &str = "JBSWY3DPEHPK3PXP";
const GITLAB: &str = "KRSXG5CTMVRXEZLU";
const BANK: &str = "GEZDGNBVGY3TQOJQ";

fn uris() -> Vec<String> {
    vec![
        format!("otpauth://totp/GitHub:octocat?secret={GITHUB}&issuer=GitHub"),
        format!("otpauth://totp/GitLab:tanuki?secret={GITLAB}&issuer=GitLab"),
        format!("otpauth://totp/Bank:alice?secret={BANK}&issuer=Bank&digits=8"),
    ]
}

async fn seeded(uris: &[String]) -> (App, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, uris);
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.find("li.row").await;
    (app, data)
}

async fn relaunch(app: App, data: &tempfile::TempDir) -> App {
    app.quit().await;
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.find("li.row").await;
    app
}

async fn set_setting(app: &App, css: &str, value: &str, field: &str, saved: serde_json::Value) {
    app.click("[data-page=settings]").await;
    let input = app.find(css).await;
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
    // Settings save on change: leave the field.
    app.keys("\u{E004}").await; // Tab
    app.wait_for_saved_setting(field, saved).await;
    app.click("[data-page=codes]").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn typing_searches_and_enter_copies_the_first_match() {
    let (app, _data) = seeded(&uris()).await;
    app.wait_for_issuers(&["GitHub", "GitLab", "Bank"]).await;
    avoid_step_boundary(30, 3).await;
    // Typing anywhere goes to the search field.
    app.keys("gitl").await;
    app.wait_for_issuers(&["GitLab"]).await;
    assert_eq!(app.focused_id().await, "search");
    app.keys("\u{E007}").await;
    let copied = app
        .wait_for("the code on the clipboard", || async {
            app.clipboard_text().filter(|t| t.len() == 6)
        })
        .await;
    let expected = recent_totp(GITLAB, 6, 30);
    assert!(expected.contains(&copied), "{copied} not in {expected:?}");
    // Search also finds by account name, and Escape clears it.
    app.keys("\u{E003}\u{E003}\u{E003}\u{E003}alice").await;
    app.wait_for_issuers(&["Bank"]).await;
    app.keys("\u{E00C}").await; // Escape
    app.wait_for_issuers(&["GitHub", "GitLab", "Bank"]).await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_clipboard_is_cleared_after_the_timeout_unless_it_changed() {
    let (app, _data) = seeded(&uris()).await;
    set_setting(
        &app,
        "#clipboard-seconds",
        "2",
        "clipboardClearSeconds",
        2.into(),
    )
    .await;
    avoid_step_boundary(30, 6).await;
    app.click("li.row button.copy").await;
    let copied_at = std::time::Instant::now();
    let copied = app
        .wait_for("the code on the clipboard", || async {
            app.clipboard_text().filter(|t| t.len() == 6)
        })
        .await;
    assert!(recent_totp(GITHUB, 6, 30).contains(&copied));
    app.wait_for("the clipboard to be cleared", || async {
        app.clipboard_text()
            .unwrap_or_default()
            .is_empty()
            .then_some(())
    })
    .await;
    let kept = copied_at.elapsed();
    assert!(
        kept >= Duration::from_millis(1900),
        "cleared after {kept:?}, not 2 s"
    );

    // Copy again, then the person copies something else: that must survive.
    app.click("li.row button.copy").await;
    app.wait_for("the code on the clipboard", || async {
        app.clipboard_text().filter(|t| t.len() == 6)
    })
    .await;
    app.set_clipboard_text("my own text");
    tokio::time::sleep(Duration::from_millis(3000)).await;
    assert_eq!(app.clipboard_text().as_deref(), Some("my own text"));
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn edit_then_remove_with_undo_puts_it_back_in_place() {
    let (app, _data) = seeded(&uris()).await;
    app.wait_for_issuers(&["GitHub", "GitLab", "Bank"]).await;
    // Known issuers get their bundled mark, others a lettered badge.
    let badges = app
        .js("return [...document.querySelectorAll('li.row .badge')]
                .map(b => b.dataset.icon || b.dataset.initials)")
        .await;
    assert_eq!(badges, serde_json::json!(["github", "gitlab", "B"]));
    app.screenshot("accounts-light").await;
    // Edit GitLab: new issuer and a group.
    app.hover("li.row:nth-child(2)").await;
    app.click("li.row:nth-child(2) button[aria-label^='Edit']")
        .await;
    let issuer = app.find("#edit-issuer").await;
    issuer.clear().await.unwrap();
    issuer.send_keys("GitLab Work").await.unwrap();
    app.type_into("#edit-group", "Work").await;
    // And the lettered badge instead of GitLab's mark.
    SelectElement::new(&app.find("#edit-icon").await)
        .await
        .unwrap()
        .select_by_value("letters")
        .await
        .unwrap();
    app.screenshot("edit-dialog").await;
    app.click("dialog button[type=submit]").await;
    app.wait_for_issuers(&["GitHub", "GitLab Work", "Bank"])
        .await;
    let badges = app
        .js("return [...document.querySelectorAll('li.row .badge')]
                .map(b => b.dataset.icon || b.dataset.initials)")
        .await;
    assert_eq!(badges, serde_json::json!(["github", "GW", "B"]));
    let chip = app.text(".groups .chip:nth-child(2)").await;
    assert_eq!(chip, "Work");

    // Remove it with the keyboard: focus the row, Delete, confirm.
    app.js("document.querySelectorAll('li.row button.copy')[1].focus()")
        .await;
    app.keys("\u{E017}").await; // Delete
    app.click("dialog .button.danger").await;
    app.wait_for_issuers(&["GitHub", "Bank"]).await;
    app.click(".toast .action").await; // Undo
    app.wait_for_issuers(&["GitHub", "GitLab Work", "Bank"])
        .await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hotp_generates_on_request_and_the_counter_persists() {
    let uri = format!("otpauth://hotp/Counter:bob?secret={GITHUB}&issuer=Counter&counter=5");
    let (app, data) = seeded(&[uri]).await;
    let label = app.text("li.row .generate").await;
    assert_eq!(label, "Generate code");
    app.click("li.row button.copy").await; // generates (counter 5) and copies
    let code = app.text("[data-testid=code]").await.replace(' ', "");
    assert_eq!(code, hotp(GITHUB, 6, 5));
    let copied = app
        .wait_for("the code on the clipboard", || async {
            app.clipboard_text().filter(|t| t.len() == 6)
        })
        .await;
    assert_eq!(copied, code);
    app.hover("li.row").await;
    app.click("li.row button[aria-label^='Next code']").await;
    let next = app
        .wait_for("the next HOTP code", || async {
            let shown = app.text("[data-testid=code]").await.replace(' ', "");
            (shown != code).then_some(shown)
        })
        .await;
    assert_eq!(next, hotp(GITHUB, 6, 6));

    // After a restart the counter continues: no code is ever shown twice.
    let app = relaunch(app, &data).await;
    app.hover("li.row").await;
    app.click("li.row button[aria-label^='Next code']").await;
    let code = app.text("[data-testid=code]").await.replace(' ', "");
    assert_eq!(code, hotp(GITHUB, 6, 7));
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn favourites_go_on_top_and_groups_filter() {
    let mut list = uris();
    list.push(format!(
        "otpauth://totp/Mail:me?secret={}&issuer=Mail",
        "MFRGGZDFMZTWQ2LK"
    ));
    let (app, _data) = seeded(&list).await;
    app.wait_for_issuers(&["GitHub", "GitLab", "Bank", "Mail"])
        .await;
    app.js("document.querySelectorAll('li.row')[2].querySelector('.star').click()")
        .await;
    app.wait_for_issuers(&["Bank", "GitHub", "GitLab", "Mail"])
        .await;
    let pressed = app
        .js("return document.querySelector('li.row .star').getAttribute('aria-pressed')")
        .await;
    assert_eq!(pressed, serde_json::json!("true"));
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn keyboard_only_from_launch_to_a_copied_code() {
    let (app, _data) = seeded(&uris()).await;
    avoid_step_boundary(30, 3).await;
    // Arrow keys walk the list, Enter copies.
    // Nothing is focused at launch: typing goes to the search field.
    app.keys("ba").await;
    app.wait_for_issuers(&["Bank"]).await;
    app.keys("\u{E015}").await; // ArrowDown: into the list
    app.keys("\u{E007}").await; // Enter copies
    let copied = app
        .wait_for("the code on the clipboard", || async {
            app.clipboard_text().filter(|t| t.len() == 8)
        })
        .await;
    assert!(recent_totp(BANK, 8, 30).contains(&copied));
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_persist_across_a_restart() {
    let (app, data) = seeded(&uris()).await;
    app.click("[data-page=settings]").await;
    app.find("#theme").await.send_keys("Dark").await.unwrap();
    app.find("#sort").await.send_keys("By name").await.unwrap();
    app.keys("\u{E004}").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let theme = app
        .js("return document.documentElement.dataset.theme")
        .await;
    assert_eq!(theme, serde_json::json!("dark"));
    app.screenshot("settings-dark").await;

    let app = relaunch(app, &data).await;
    let theme = app
        .js("return document.documentElement.dataset.theme")
        .await;
    assert_eq!(theme, serde_json::json!("dark"));
    app.wait_for_issuers(&["Bank", "GitHub", "GitLab"]).await;
    app.screenshot("accounts-dark").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fifty_accounts_scroll_and_search_in_both_themes() {
    const ISSUERS: [&str; 10] = [
        "GitHub",
        "Google",
        "Dropbox",
        "Discord",
        "Proton",
        "Steam",
        "Bitwarden",
        "Cloudflare",
        "Acme Bank",
        "Mastodon",
    ];
    let uris: Vec<String> = (0..50)
        .map(|i| {
            let issuer = ISSUERS[i % ISSUERS.len()];
            // Distinct secrets: the same secret twice is one account.
            let secret = data_encoding::BASE32_NOPAD.encode(format!("account-{i:04}").as_bytes());
            format!(
                "otpauth://totp/{issuer}:user{i}@example.com?secret={secret}&issuer={}",
                issuer.replace(' ', "%20")
            )
        })
        .collect();
    let (app, _data) = seeded(&uris).await;
    app.wait_for("fifty accounts", || async {
        let count = app
            .js("return document.querySelector('li.row').getAttribute('aria-setsize')")
            .await;
        (count == serde_json::json!("50")).then_some(())
    })
    .await;
    app.screenshot("accounts-50-light").await;
    app.keys("user17").await;
    app.wait_for_issuers(&["Cloudflare"]).await;
    app.keys("\u{E003}\u{E003}\u{E003}\u{E003}\u{E003}\u{E003}")
        .await; // Backspace
    app.click("[data-page=settings]").await;
    app.find("#theme").await.send_keys("Dark").await.unwrap();
    app.wait_for("the dark theme", || async {
        (app.js("return document.documentElement.dataset.theme")
            .await
            == "dark")
            .then_some(())
    })
    .await;
    app.click("[data-page=codes]").await;
    app.find("li.row").await;
    app.screenshot("accounts-50-dark").await;
    app.quit().await;
}
