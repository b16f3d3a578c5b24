//! Issue #16: adding an account by typing its setup key, as a person does when a site offers
//! "Can't scan it?": the preview shows the code an independent implementation computes, mistakes
//! are named at their field, and short secrets are noted.

use countersign_e2e::{App, avoid_step_boundary, oathtool, unix_now};

use crate::scan::choose_dark_theme;

const PASSWORD: &str = "correct horse battery";
/// A 160-bit key, typed as people copy it: lower case, in groups, with a dash.
const TYPED_SECRET: &str = "jbsw y3dp-ehpk 3pxp jbsw y3dp ehpk 3pxp";
const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// The SHA256, 8-digit, 60-second codes of `SECRET` valid during the last two seconds, by
/// oathtool.
fn recent_sha256_codes() -> Vec<String> {
    let now = unix_now();
    [now.saturating_sub(1), now]
        .iter()
        .map(|t| {
            oathtool(&[
                "--totp=sha256",
                "--base32",
                "--digits=8",
                "--time-step-size=60s",
                &format!("--now=@{t}"),
                SECRET,
            ])
        })
        .collect()
}

/// Makes a vault and opens the add dialog at its "Setup key" tab.
async fn open_setup_key_tab(app: &App) {
    app.click("button.more").await;
    app.click("#tab-key").await;
    app.find("[data-testid=setup-key-form]").await;
}

/// Replaces the text of the field `css` with `text`, from the keyboard.
async fn retype(app: &App, css: &str, text: &str) {
    app.click(css).await;
    app.ctrl('a').await;
    app.keys(text).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_typed_sha256_key_previews_and_adds_the_exact_code() {
    let app = App::launch().await;
    app.onboard(PASSWORD).await;
    open_setup_key_tab(&app).await;
    assert_eq!(app.focused_id().await, "key-issuer");

    app.type_into("#key-issuer", "Manual Co").await;
    app.type_into("#key-name", "me@example.com").await;
    // A bad character is named at once, with its place.
    app.type_into("#key-secret", "JBSWY3DP!").await;
    assert_eq!(
        app.text("[data-testid=key-secret-error]").await,
        "The secret has a character that is not base32: '!' at position 9."
    );
    assert_eq!(app.prop("#key-secret", "ariaInvalid").await, "true");
    app.screenshot("manual-error-light").await;

    retype(&app, "#key-secret", TYPED_SECRET).await;
    assert!(
        app.driver
            .find_all(countersign_e2e::thirtyfour::By::Css(
                "[data-testid=key-secret-error]"
            ))
            .await
            .unwrap()
            .is_empty(),
        "the error is gone once the key is fixed"
    );
    // More options, from the keyboard: Tab to the disclosure, Enter opens it.
    app.keys("\u{E004}").await; // Tab
    assert_eq!(
        app.js("return document.activeElement.tagName").await,
        serde_json::json!("SUMMARY")
    );
    app.screenshot("manual-keyboard-focus-light").await;
    app.keys("\u{E007}").await; // Enter
    app.find("#key-kind").await;
    app.find("#key-algorithm")
        .await
        .send_keys("SHA256")
        .await
        .unwrap();
    assert_eq!(app.prop("#key-algorithm", "value").await, "SHA256");
    retype(&app, "#key-digits", "8").await;
    retype(&app, "#key-period", "60").await;
    app.screenshot("manual-more-options-light").await;

    // Enter in the last field sends the form: the card previews the code, computed in Rust.
    avoid_step_boundary(60, 6).await;
    app.keys("\u{E007}").await;
    assert_eq!(app.prop("#scan-issuer", "value").await, "Manual Co");
    assert_eq!(app.prop("#scan-name", "value").await, "me@example.com");
    let preview = app
        .find("[data-testid=scan-code]")
        .await
        .attr("data-code")
        .await
        .unwrap()
        .unwrap();
    assert!(
        recent_sha256_codes().contains(&preview),
        "preview {preview}, oathtool {:?}",
        recent_sha256_codes()
    );
    assert_eq!(
        app.text("[data-testid=confirm-card] .kind").await,
        "Time-based, every 60 s · 8 digits · SHA256"
    );
    let weak = app.js("return document.querySelector('[data-testid=weak-note]') === null");
    assert_eq!(
        weak.await,
        serde_json::json!(true),
        "a 160-bit key is not short"
    );
    app.screenshot("manual-preview-light").await;

    app.click("#scan-add").await;
    app.wait_for_issuers(&["Manual Co"]).await;
    assert_eq!(app.text("li.row .account").await, "me@example.com");
    avoid_step_boundary(60, 3).await;
    let listed = app
        .find("li.row [data-testid=code]")
        .await
        .attr("data-code")
        .await
        .unwrap()
        .unwrap();
    assert!(recent_sha256_codes().contains(&listed), "listed {listed}");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_key_adds_nothing_and_a_short_one_is_noted_in_the_dark_theme() {
    let app = App::launch().await;
    app.onboard(PASSWORD).await;
    choose_dark_theme(&app).await;
    open_setup_key_tab(&app).await;

    app.type_into("#key-issuer", "Short Inc").await;
    app.type_into("#key-secret", "JBSWY3DP!").await;
    // Enter does not send a key with a mistake: the secret field keeps the focus and the error.
    app.keys("\u{E007}").await;
    assert_eq!(app.focused_id().await, "key-secret");
    assert_eq!(
        app.text("[data-testid=key-secret-error]").await,
        "The secret has a character that is not base32: '!' at position 9."
    );
    let cards = app.js("return document.querySelectorAll('[data-testid=confirm-card]').length");
    assert_eq!(cards.await, serde_json::json!(0));
    app.screenshot("manual-error-dark").await;

    // Nine characters: 40 bits, accepted with a quiet note. Digits Rust refuses are named at
    // their field, which gets the focus.
    retype(&app, "#key-secret", "JBSWY3DPE").await;
    app.click("[data-testid=setup-key-form] summary").await;
    retype(&app, "#key-digits", "11").await;
    app.click("#key-continue").await;
    assert_eq!(
        app.text("#key-digits-error").await,
        "11 digits is not supported (1 to 10)."
    );
    assert_eq!(app.focused_id().await, "key-digits");
    app.screenshot("manual-more-options-dark").await;
    retype(&app, "#key-digits", "6").await;
    app.click("#key-continue").await;
    assert_eq!(
        app.text("[data-testid=weak-note]").await,
        "This site's secret is short (40 bits): codes still work, but the site uses weaker \
         protection than usual."
    );
    app.screenshot("manual-preview-dark").await;

    // Back finds the form as it was left; closing the dialog adds nothing.
    app.click("[data-testid=confirm-card] button[type=button]")
        .await;
    assert_eq!(app.prop("#key-secret", "value").await, "JBSWY3DPE");
    assert_eq!(app.prop("#key-issuer", "value").await, "Short Inc");
    // Steam fixes its hash and length: they are shown, not offered.
    app.find("#key-kind")
        .await
        .send_keys("Steam")
        .await
        .unwrap();
    assert_eq!(app.prop("#key-kind", "value").await, "steam");
    let fixed = app.js(
        "return [...document.querySelectorAll('[data-testid=setup-key-form] .fixed')].map(e => e.textContent)",
    );
    assert_eq!(
        fixed.await,
        serde_json::json!(["SHA1 (Steam's)", "5 characters (Steam's)"])
    );
    app.screenshot("manual-steam-dark").await;
    app.keys("\u{E00C}").await; // Escape
    app.find("#empty-title").await;
    assert_eq!(app.issuers().await, Vec::<String>::new());
    app.quit().await;
}
