//! Issue #2: paste a setup link, see the right code, watch it roll over, copy it.

use std::time::Duration;

use countersign_e2e::thirtyfour::prelude::*;
use countersign_e2e::{App, oathtool, unix_now};

/// RFC 6238's SHA-1 key in base32.
const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// A password for test vaults.
const PASSWORD: &str = "correct horse battery";

async fn add_uri(app: &App, uri: &str) {
    app.add_uri(uri).await;
}

/// The code the app shows for the first account, and the Unix times just before and after it
/// was read (the step boundary may fall between them).
async fn shown_code(app: &App) -> (u64, String, u64) {
    let before = unix_now();
    let code = app
        .find("[data-testid=code]")
        .await
        .attr("data-code")
        .await
        .expect("read the code")
        .expect("data-code is set");
    (before, code, unix_now())
}

fn expected_totp(digits: u32, period: u64, at: u64) -> String {
    oathtool(&[
        "--totp",
        "--base32",
        &format!("--digits={digits}"),
        &format!("--time-step-size={period}s"),
        &format!("--now=@{at}"),
        SECRET,
    ])
}

#[tokio::test(flavor = "multi_thread")]
async fn pasted_uri_shows_the_correct_code_and_it_rolls_over() {
    let app = App::launch().await;
    app.onboard(PASSWORD).await;
    // The first screen after onboarding invites the paste.
    let heading = app.text("#empty-title").await;
    assert_eq!(heading, "Add your first account");

    // A short period makes the rollover observable within the test.
    let period = 4;
    add_uri(
        &app,
        &format!("otpauth://totp/RFC%206238:tester?secret={SECRET}&issuer=RFC+6238&digits=8&period={period}"),
    )
    .await;

    let issuer = app.text(".issuer").await;
    assert_eq!(issuer, "RFC 6238");

    let (before, first, after) = shown_code(&app).await;
    // The page swaps codes on a 250 ms tick plus a fetch, so just after a step boundary it may
    // still show the ending step's code for a moment (a copy is computed afresh in Rust).
    let candidates: Vec<String> = (before.saturating_sub(1)..=after)
        .map(|t| expected_totp(8, period, t))
        .collect();
    assert!(
        candidates.contains(&first),
        "shown {first}, oathtool says {candidates:?}"
    );

    // Wait for the period to roll over: the code must change to the next step's code.
    let first_step = before / period;
    let next = app
        .wait_for("the code to change after the period", || async {
            let (_, code, after) = shown_code(&app).await;
            (code != first && after / period > first_step).then_some((code, after))
        })
        .await;
    let (code, after) = next;
    let window: Vec<String> = (after.saturating_sub(1)..=after)
        .map(|t| expected_totp(8, period, t))
        .collect();
    assert!(
        window.contains(&code),
        "rolled to {code}, oathtool says {window:?}"
    );
    app.screenshot("first-account").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn clicking_the_code_copies_it_to_the_x_clipboard() {
    let app = App::launch().await;
    app.onboard(PASSWORD).await;
    add_uri(
        &app,
        &format!("otpauth://totp/Example:alice?secret={SECRET}&issuer=Example"),
    )
    .await;
    // Avoid copying in the last second of a step, when the code may change under us.
    while 30 - unix_now() % 30 < 2 {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.find("button.copy")
        .await
        .click()
        .await
        .expect("click the code");
    let copied = app
        .wait_for("the code on the clipboard", || async {
            app.clipboard_text().filter(|text| text.len() == 6)
        })
        .await;
    let now = unix_now();
    let expected: Vec<String> = [now - 1, now]
        .iter()
        .map(|t| expected_totp(6, 30, *t))
        .collect();
    assert!(
        expected.contains(&copied),
        "clipboard {copied}, oathtool {expected:?}"
    );
    let shown = app.text(".copied.visible").await;
    assert_eq!(shown, "Copied");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_uri_says_what_is_wrong_and_adds_nothing() {
    let app = App::launch().await;
    app.onboard(PASSWORD).await;
    add_uri(&app, "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12").await;
    let error = app.text("#uri-error").await;
    assert_eq!(error, "digits: \"12\" is not a number from 1 to 10");
    let rows = app.driver.find_all(By::Css("li.row")).await.unwrap();
    assert!(rows.is_empty());
    // The field keeps the text so the person can fix it.
    let kept = app.find("#uri-input").await.prop("value").await.unwrap();
    assert_eq!(
        kept.as_deref(),
        Some("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12")
    );
    app.quit().await;
}
