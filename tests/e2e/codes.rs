//! Issue #2: paste a setup link, see the right code, watch it roll over, copy it.

use std::time::Duration;

use countersign_e2e::thirtyfour::prelude::*;
use countersign_e2e::{App, Launch, oathtool, seed_vault, unix_now};

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

/// Issue #11: the accounts that share a step share one countdown beside the search field (one
/// repaint a second for the whole list); an account with another period keeps a ring of its own.
#[tokio::test(flavor = "multi_thread")]
async fn accounts_sharing_a_step_share_one_countdown() {
    let data = tempfile::tempdir().unwrap();
    seed_vault(
        data.path(),
        PASSWORD,
        &[
            // Distinct secrets: the same secret twice is one account.
            format!("otpauth://totp/Thirty:a?secret={SECRET}&issuer=Thirty"),
            "otpauth://totp/Sixty:b?secret=KRSXG5CTMVRXEZLU&issuer=Sixty&period=60".to_owned(),
            "otpauth://totp/Also%20thirty:c?secret=MFRGGZDFMZTWQ2LK&issuer=Also+thirty".to_owned(),
        ],
    );
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.wait_for_issuers(&["Thirty", "Sixty", "Also thirty"])
        .await;

    // Two accounts step every 30 s: theirs is the list's countdown, in whole seconds.
    let before = unix_now();
    let seconds: u64 = app
        .find(".countdown[role=timer]")
        .await
        .attr("data-seconds")
        .await
        .expect("read the countdown")
        .expect("data-seconds is set")
        .parse()
        .expect("a number of seconds");
    let after = unix_now();
    let expected = |at: u64| 30 - at % 30;
    assert!(
        [expected(before), expected(after), expected(before) + 1].contains(&seconds),
        "{seconds} s left at {before}..{after}"
    );
    let label = app.prop(".countdown[role=timer]", "ariaLabel").await;
    assert_eq!(label, format!("Codes change in {seconds} seconds"));

    let rings: Vec<bool> = serde_json::from_value(
        app.js("return [...document.querySelectorAll('li.row')].map(r => r.querySelector('svg.ring') !== null)")
            .await,
    )
    .expect("a list of booleans");
    assert_eq!(
        rings,
        [false, true, false],
        "only the 60 s account has its own ring"
    );

    // A row's name says its code, not the seconds (a screen reader would re-read it each second).
    let name = app
        .prop("li.row:first-child button.copy", "ariaLabel")
        .await;
    // Named by what it shows (WCAG 2.5.3): the code as grouped on screen.
    let shown = app.text("li.row:first-child [data-testid=code]").await;
    assert!(
        name.starts_with(&format!("Thirty, a: {}", shown.trim())),
        "{name} (shows {shown:?})"
    );
    assert!(!name.contains("seconds left"), "{name}");
    app.quit().await;
}
