//! Issue #16 item 3: a clock that lies. A local SNTP responder plays the time server.
//!
//! The sign: a server whose time is 47 s later than ours means our clock is 47 s slow, and
//! the corrected codes are those of now + 47 s.

use std::time::Duration;

use countersign_e2e::{App, Launch, SntpAnswer, SntpResponder, oathtool, seed_vault, unix_now};

const PASSWORD: &str = "correct horse battery";
const SECRET: &str = "JBSWY3DPEHPK3PXP";
const GITHUB: &str = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";

/// A data folder with one account and the clock check on, against `server`, codes corrected
/// by `correction` seconds.
fn folder(server: &SntpResponder, theme: &str, correction: i64) -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, &[GITHUB.to_owned()]);
    let settings = serde_json::json!({
        "clockCheck": true,
        "ntpServer": server.address(),
        "theme": theme,
        "clockOffsetSeconds": correction,
    });
    std::fs::write(data.path().join("settings.json"), settings.to_string()).unwrap();
    data
}

/// The app started on a [`folder`] against a responder answering `answer`, with the list shown;
/// the folder and the responder live as long as the test keeps them.
async fn launched(
    answer: SntpAnswer,
    theme: &str,
    correction: i64,
) -> (App, tempfile::TempDir, SntpResponder) {
    let server = SntpResponder::start(answer);
    let data = folder(&server, theme, correction);
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.wait_for_issuers(&["GitHub"]).await;
    (app, data, server)
}

/// Settings' line about the last check, once it starts with `start`.
async fn last_check(app: &App, start: &str) -> String {
    app.wait_for("the last check's result", || async {
        let text = app.text("#clock-result").await;
        text.starts_with(start).then_some(text)
    })
    .await
}

/// Whether the list shows the clock banner.
async fn banner_shown(app: &App) -> bool {
    app.js("return document.getElementById('clock-banner') !== null")
        .await
        == serde_json::Value::Bool(true)
}

fn totp_at(at: u64) -> String {
    oathtool(&["--totp", "--base32", &format!("--now=@{at}"), SECRET])
}

async fn shown_code(app: &App) -> String {
    app.find("[data-testid=code]")
        .await
        .attr("data-code")
        .await
        .expect("read the code")
        .expect("data-code is set")
}

/// Takes a screenshot, and checks axe finds nothing serious on the page as it is.
async fn shot(app: &App, name: &str) {
    app.screenshot(name).await;
    let serious: Vec<_> = app
        .axe()
        .await
        .into_iter()
        .filter(|v| v.impact == "serious" || v.impact == "critical")
        .map(|v| format!("{}: {} {:?}", v.id, v.help, v.nodes))
        .collect();
    assert!(serious.is_empty(), "{name}: {serious:#?}");
}

/// Shows the page in `theme` for a screenshot, as the Theme setting does.
async fn theme(app: &App, theme: &str) {
    app.js(&format!(
        "document.documentElement.dataset.theme = '{theme}'"
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clock_47_seconds_slow_shows_a_banner_and_correcting_gives_the_servers_codes() {
    let (app, _data, _server) = launched(SntpAnswer::Shifted(47), "light", 0).await;
    let banner = app
        .wait_for("the clock banner", || async {
            let text = app.text("#clock-banner p").await;
            (!text.is_empty()).then_some(text)
        })
        .await;
    assert_eq!(
        banner,
        "Your clock is 47 s slow: sites may reject these codes"
    );
    // Before the correction, the codes are this clock's.
    shot(&app, "clock-banner-light").await;
    theme(&app, "dark").await;
    shot(&app, "clock-banner-dark").await;
    theme(&app, "light").await;

    app.click("#clock-banner button").await;
    app.wait_for("the codes of the server's time", || async {
        let before = unix_now();
        let shown = shown_code(&app).await;
        let after = unix_now();
        // The page swaps codes on a tick: the step may just have ended.
        let expected: Vec<String> = (before + 46..=after + 47).map(totp_at).collect();
        expected.contains(&shown).then_some(())
    })
    .await;
    app.wait_for("the banner to go", || async {
        (!banner_shown(&app).await).then_some(())
    })
    .await;
    app.wait_for_saved_setting("clockOffsetSeconds", 47.into())
        .await;

    // A copy (as the tray and the quick search hand out codes) is corrected too. Not in the
    // corrected step's last second, when the code may change under us.
    while 30 - (unix_now() + 47) % 30 < 2 {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.click("button.copy").await;
    let copied = app
        .wait_for("the code on the clipboard", || async {
            app.clipboard_text().filter(|text| text.len() == 6)
        })
        .await;
    let now = unix_now();
    let expected = [totp_at(now + 46), totp_at(now + 47)];
    assert!(
        expected.contains(&copied),
        "copied {copied}, expected {expected:?}"
    );

    app.click("[data-page=settings]").await;
    assert_eq!(
        app.text("#clock-correction").await,
        "Codes are corrected for a clock 47 s slow."
    );
    assert_eq!(
        last_check(&app, "Your clock is").await,
        "Your clock is 47 s slow."
    );
    app.js("document.querySelector('[aria-labelledby=clock-title]').scrollIntoView()")
        .await;
    shot(&app, "clock-settings-light").await;

    // Reset: the codes are this clock's again.
    app.click("#clock-reset").await;
    app.wait_for_saved_setting("clockOffsetSeconds", 0.into())
        .await;
    assert_eq!(
        app.text("#clock-correction").await,
        "Codes use this computer's clock."
    );
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_answering_garbage_changes_nothing_and_settings_say_why() {
    let (app, _data, _server) = launched(SntpAnswer::Garbage, "dark", 0).await;
    app.click("[data-page=settings]").await;
    assert_eq!(
        last_check(&app, "The last check failed").await,
        "The last check failed: the server's answer is not SNTP: too short."
    );
    assert_eq!(
        app.text("#clock-correction").await,
        "Codes use this computer's clock."
    );
    app.js("document.querySelector('[aria-labelledby=clock-title]').scrollIntoView()")
        .await;
    shot(&app, "clock-settings-dark").await;

    // No banner, and the codes are this clock's.
    app.click("[data-page=codes]").await;
    app.wait_for_issuers(&["GitHub"]).await;
    let before = unix_now();
    let shown = shown_code(&app).await;
    let expected: Vec<String> = (before - 1..=unix_now()).map(totp_at).collect();
    assert!(
        expected.contains(&shown),
        "shown {shown}, expected {expected:?}"
    );
    assert!(!banner_shown(&app).await);
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_does_not_answer_changes_nothing_and_settings_say_so() {
    let (app, _data, _server) = launched(SntpAnswer::Nothing, "light", 0).await;
    app.click("[data-page=settings]").await;
    assert_eq!(
        last_check(&app, "The last check failed").await,
        "The last check failed: no answer from the server within 3 s."
    );
    app.click("[data-page=codes]").await;
    app.wait_for_issuers(&["GitHub"]).await;
    assert!(!banner_shown(&app).await);
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clock_found_right_again_drops_the_correction() {
    let (app, _data, _server) = launched(SntpAnswer::Shifted(0), "light", 47).await;
    app.wait_for_saved_setting("clockOffsetSeconds", 0.into())
        .await;
    // The page shows this clock's codes again, without a banner.
    app.wait_for("this clock's codes", || async {
        let before = unix_now();
        let shown = shown_code(&app).await;
        let expected: Vec<String> = (before - 1..=unix_now()).map(totp_at).collect();
        expected.contains(&shown).then_some(())
    })
    .await;
    assert!(!banner_shown(&app).await);

    app.click("[data-page=settings]").await;
    assert_eq!(
        app.text("#clock-correction").await,
        "Codes use this computer's clock."
    );
    assert_eq!(
        last_check(&app, "Your clock is right").await,
        "Your clock is right (within 10 s of the server)."
    );
    app.quit().await;
}
