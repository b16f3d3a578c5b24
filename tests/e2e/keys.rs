//! Issue #7: the Security keys page, driven against the software key (OpenSK, in-process) that
//! the app plugs in when started with COUNTERSIGN_TEST_SOFT_KEY=1.

use countersign_e2e::thirtyfour::prelude::*;
use countersign_e2e::{App, Launch};

const PASSWORD: &str = "correct horse battery";
const SOFT_KEY: &str = "Countersign software key (OpenSK)";
/// The AAGUID crates/fido gives the software key.
const SOFT_AAGUID: &str = "c0a1e7b2-5f0e-4c6b-9a55-3c0f1d2e7a41";

/// Launches with the software key (and `passkeys` stored on it), onboards, opens the page.
async fn open_keys_page(passkeys: Option<&str>) -> App {
    let mut env = vec![("COUNTERSIGN_TEST_SOFT_KEY".to_owned(), "1".to_owned())];
    if let Some(passkeys) = passkeys {
        env.push((
            "COUNTERSIGN_TEST_SOFT_KEY_PASSKEYS".to_owned(),
            passkeys.to_owned(),
        ));
    }
    let app = App::launch_with(Launch {
        env,
        ..Launch::default()
    })
    .await;
    app.onboard(PASSWORD).await;
    app.click("button[data-page=keys]").await;
    wait_text(&app, "#key-name", SOFT_KEY).await;
    app.find("[data-testid=key-info]").await;
    app
}

/// Waits until the element matching `css` has exactly `expected` as its text.
async fn wait_text(app: &App, css: &str, expected: &str) {
    app.wait_for(&format!("{css} to read {expected:?}"), || async {
        let elements = app.driver.find_all(By::Css(css)).await.ok()?;
        let text = elements.first()?.prop("textContent").await.ok()??;
        (text.trim() == expected).then_some(())
    })
    .await;
}

/// Replaces the text of the input matching `css`.
async fn retype(app: &App, css: &str, text: &str) {
    let field = app.find(css).await;
    field.clear().await.expect("clear the field");
    field.send_keys(text).await.expect("type into the field");
}

/// The checks the report lists, as (name, outcome) in screen order.
async fn shown_checks(app: &App) -> Vec<(String, String)> {
    let mut checks = Vec::new();
    for item in app
        .driver
        .find_all(By::Css("[data-testid=test-report] li.check"))
        .await
        .expect("the report's checks")
    {
        let name = item.attr("data-name").await.unwrap().unwrap_or_default();
        let outcome = item.attr("data-outcome").await.unwrap().unwrap_or_default();
        checks.push((name, outcome));
    }
    checks
}

/// The passkeys listed, as "site account" in screen order (read in one go: the list may
/// re-render between two WebDriver calls).
async fn shown_passkeys(app: &App) -> Vec<String> {
    let shown = app
        .js(
            "return [...document.querySelectorAll('[data-testid=passkey-sites] li.site')]
                .flatMap(site => [...site.querySelectorAll('.name')]
                    .map(name => site.dataset.rpId + ' ' + name.textContent.trim()))",
        )
        .await;
    serde_json::from_value(shown).expect("a list of strings")
}

/// Opens the PIN dialog and submits `new` (twice), after `current` when the key has a PIN.
async fn submit_pin(app: &App, current: Option<&str>, new: &str) {
    app.click("[data-testid=pin-button]").await;
    if let Some(current) = current {
        app.type_into("#current-key-pin", current).await;
    }
    app.type_into("#new-key-pin", new).await;
    app.type_into("#confirm-key-pin", new).await;
    app.click("[data-testid=pin-dialog] button[type=submit]")
        .await;
}

/// Types `pin` into the prompt an operation asked with, and submits it.
async fn answer_pin_prompt(app: &App, pin: &str) {
    app.type_into("#key-pin", pin).await;
    app.click("[data-testid=key-pin-prompt] button[type=submit]")
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn software_key_pin_registration_test_report_and_passkeys() {
    let app = open_keys_page(Some("github.com:alice,github.com:bob,example.com:carol")).await;

    // What the key is.
    assert_eq!(app.text("[data-field=model]").await, SOFT_KEY);
    assert_eq!(app.text("[data-field=aaguid]").await, SOFT_AAGUID);
    let versions = app.text("[data-field=versions]").await;
    assert!(
        versions.contains("FIDO_2_0") && versions.contains("FIDO_2_1"),
        "{versions}"
    );
    let algorithms = app.text("[data-field=algorithms]").await;
    assert!(
        algorithms.contains("ES256") && algorithms.contains("EdDSA"),
        "{algorithms}"
    );
    assert!(
        app.text("[data-field=extensions]")
            .await
            .contains("hmac-secret")
    );
    assert_eq!(
        app.text("[data-field=min-pin-length]").await,
        "4 characters"
    );
    assert_eq!(
        app.text("[data-option=credMgmt] .value").await,
        "yes",
        "credential management is offered"
    );
    assert_eq!(app.text("[data-testid=pin-summary]").await, "No PIN set.");
    app.screenshot("keys-info-light").await;

    // Set a PIN: the key's minimum is explained and enforced before anything is sent.
    app.click("[data-testid=pin-button]").await;
    let rules = app.text("#pin-rules").await;
    assert!(rules.starts_with("At least 4 characters"), "{rules}");
    app.type_into("#new-key-pin", "12").await;
    app.type_into("#confirm-key-pin", "12").await;
    app.click("[data-testid=pin-dialog] button[type=submit]")
        .await;
    wait_text(
        &app,
        "[data-testid=pin-error]",
        "The PIN needs at least 4 characters.",
    )
    .await;
    retype(&app, "#new-key-pin", "246810").await;
    retype(&app, "#confirm-key-pin", "246810").await;
    app.click("[data-testid=pin-dialog] button[type=submit]")
        .await;
    wait_text(
        &app,
        "[data-testid=pin-summary]",
        "PIN set, 8 attempts left.",
    )
    .await;
    assert_eq!(app.text("[data-testid=pin-button]").await, "Change PIN");

    // Change it, first with a wrong current PIN: the key says how many attempts are left.
    submit_pin(&app, Some("000000"), "135790").await;
    wait_text(
        &app,
        "[data-testid=pin-error]",
        "Wrong PIN. 7 attempts left before the key blocks its PIN.",
    )
    .await;
    app.type_into("#current-key-pin", "246810").await;
    app.click("[data-testid=pin-dialog] button[type=submit]")
        .await;
    // The right PIN restores the attempts.
    wait_text(
        &app,
        "[data-testid=pin-summary]",
        "PIN set, 8 attempts left.",
    )
    .await;

    // Leaving the page forgets the PIN: the test asks for it again, and a wrong one is
    // answered in the prompt rather than as a failed check.
    app.click("button[data-page=codes]").await;
    app.click("button[data-page=keys]").await;
    app.click("[data-testid=run-test]").await;
    answer_pin_prompt(&app, "246810").await;
    wait_text(
        &app,
        "#key-pin-error",
        "Wrong PIN. 7 attempts left before the key blocks its PIN.",
    )
    .await;
    app.screenshot("keys-pin-prompt-light").await;
    answer_pin_prompt(&app, "135790").await;
    app.find("[data-testid=test-report]").await;

    let checks = shown_checks(&app).await;
    let failed: Vec<_> = checks.iter().filter(|(_, o)| o == "fail").collect();
    assert!(failed.is_empty(), "failed checks: {failed:?}");
    let outcome = |name: &str| {
        checks
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, o)| o.as_str())
            .unwrap_or_else(|| panic!("{name} is not shown in {checks:?}"))
    };
    for name in [
        "key.info",
        "es256/make_credential",
        "es256/registration/client_data.challenge",
        "es256/registration/client_data.origin",
        "es256/registration/auth_data.rp_id_hash",
        "es256/registration/flags.user_present",
        "es256/registration/flags.user_verified",
        "es256/registration/credential.algorithm",
        "es256/registration/attestation.statement",
        "es256/registration/aaguid.model",
        "es256/assertion/get_assertion",
        "es256/assertion/signature",
        "es256/assertion/sign_count",
        "es256/assertion/flags.user_verified",
        "es256/assertion_again/sign_count",
        "es256/hmac_secret",
        "eddsa_discoverable/make_credential",
        "eddsa_discoverable/registration/credential.public_key",
        "eddsa_discoverable/assertion/get_assertion",
        "eddsa_discoverable/assertion/signature",
        "eddsa_discoverable/cleanup",
    ] {
        assert_eq!(outcome(name), "pass", "{name}");
    }
    // Self attestation has no certificate to check or chain: skipped, with the reason shown.
    let skipped: Vec<&str> = checks
        .iter()
        .filter(|(_, o)| o == "skipped")
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(
        skipped,
        [
            "es256/registration/attestation.certificate",
            "es256/registration/attestation.trust_chain",
            "eddsa_discoverable/registration/attestation.certificate",
            "eddsa_discoverable/registration/attestation.trust_chain",
        ]
    );
    let passed = checks.len() - skipped.len();
    assert_eq!(
        app.text("[data-testid=test-summary] .counts").await,
        format!("{passed} passed · 0 failed · 4 skipped")
    );
    let statement = app
        .text("[data-name='es256/registration/attestation.statement'] .reason")
        .await;
    assert!(statement.contains("self attestation"), "{statement}");
    app.screenshot("keys-test-light").await;

    // Copy report: the same checks as text, on the X clipboard.
    app.click("[data-testid=copy-report]").await;
    let text = app
        .wait_for("the report on the clipboard", || async {
            app.clipboard_text()
                .filter(|t| t.starts_with("Countersign registration test:"))
        })
        .await;
    assert!(
        text.starts_with(&format!(
            "Countersign registration test: Software key (OpenSK) ({SOFT_KEY}, AAGUID {SOFT_AAGUID})\n"
        )),
        "{text}"
    );
    assert!(text.contains("PASS  eddsa_discoverable/cleanup"), "{text}");
    assert!(
        text.ends_with(&format!("{passed} passed, 0 failed, 4 skipped\n")),
        "{text}"
    );
    assert_eq!(text.lines().count(), checks.len() + 2, "{text}");

    // The test's discoverable credential is gone; the seeded passkeys are listed by site.
    app.click("[data-testid=show-passkeys]").await;
    app.find("[data-testid=passkey-sites]").await;
    assert_eq!(
        shown_passkeys(&app).await,
        ["example.com carol", "github.com alice", "github.com bob"]
    );

    // Delete one, after confirming.
    app.click("button[aria-label='Delete the passkey for bob on github.com']")
        .await;
    app.screenshot("keys-delete-confirm-light").await;
    app.click("[data-testid=confirm-delete-passkey]").await;
    app.wait_for("bob's passkey to disappear", || async {
        let shown = shown_passkeys(&app).await;
        (shown == ["example.com carol", "github.com alice"]).then_some(())
    })
    .await;
    app.screenshot("keys-passkeys-light").await;

    // The same page in the dark theme.
    app.choose_theme("dark").await;
    app.click("button[data-page=keys]").await;
    wait_text(&app, "#key-name", SOFT_KEY).await;
    app.find("[data-testid=key-info]").await;
    app.screenshot("keys-info-dark").await;
    app.click("[data-testid=run-test]").await;
    answer_pin_prompt(&app, "135790").await;
    app.find("[data-testid=test-report]").await;
    assert_eq!(
        app.text("[data-testid=test-summary] .counts").await,
        format!("{passed} passed · 0 failed · 4 skipped")
    );
    app.screenshot("keys-test-dark").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn software_key_fingerprints_wink_and_guided_reset() {
    let app = open_keys_page(None).await;

    // Identify makes the key blink.
    app.click("button[title^='Make the key blink']").await;
    wait_text(&app, ".toast span", "The key is blinking.").await;

    // Fingerprints need a PIN.
    submit_pin(&app, None, "9876").await;
    wait_text(
        &app,
        "[data-testid=pin-summary]",
        "PIN set, 8 attempts left.",
    )
    .await;

    // Always require verification, on and off (the PIN just set is remembered: no prompt).
    app.click("[data-testid=always-uv]").await;
    wait_text(
        &app,
        ".toast span",
        "The key now always asks for the PIN or a fingerprint.",
    )
    .await;
    let checked = "return document.querySelector('[data-testid=always-uv]').checked";
    app.wait_for("the key to report alwaysUv on", || async {
        (app.js(checked).await == serde_json::json!(true)).then_some(())
    })
    .await;
    app.click("[data-testid=always-uv]").await;
    wait_text(
        &app,
        ".toast span",
        "The key asks for verification only when a site does.",
    )
    .await;
    app.wait_for("the key to report alwaysUv off", || async {
        (app.js(checked).await == serde_json::json!(false)).then_some(())
    })
    .await;

    // The PIN is still remembered for this visit: no prompt.
    app.click("[data-testid=show-fingerprints]").await;
    wait_text(
        &app,
        "[data-testid=no-fingerprints]",
        "No fingerprints are enrolled.",
    )
    .await;
    app.click("button.add").await;
    app.type_into("#enroll-name", "Left thumb").await;
    app.click("form.stack button[type=submit]").await;
    wait_text(&app, "[data-testid=fingerprints] .name", "Left thumb").await;

    app.click("button[aria-label='Rename Left thumb']").await;
    retype(&app, "#fingerprint-name", "Right index").await;
    app.click("form.stack button[type=submit]").await;
    wait_text(&app, "[data-testid=fingerprints] .name", "Right index").await;
    app.screenshot("keys-fingerprints-light").await;

    app.click("button[aria-label='Remove Right index']").await;
    app.click("[data-testid=confirm-remove-fingerprint]").await;
    wait_text(
        &app,
        "[data-testid=no-fingerprints]",
        "No fingerprints are enrolled.",
    )
    .await;

    // Guided reset: the 10-second rule is explained; Start needs the acknowledgement.
    app.click("[data-testid=reset-button]").await;
    let rule = app.text("[data-testid=reset-dialog] .rule").await;
    assert!(rule.contains("10 seconds of being plugged in"), "{rule}");
    let start = app.find("[data-testid=reset-dialog] .button.danger").await;
    assert!(
        !start.is_enabled().await.unwrap(),
        "Start waits for the checkbox"
    );
    app.screenshot("keys-reset-light").await;
    app.click("[data-testid=reset-dialog] input[type=checkbox]")
        .await;
    start.click().await.unwrap();
    wait_text(
        &app,
        "[data-testid=reset-dialog] .done",
        "The key was reset: it has no PIN and no passkeys now.",
    )
    .await;
    app.click("[data-testid=reset-dialog] .button.primary")
        .await;
    wait_text(&app, "[data-testid=pin-summary]", "No PIN set.").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_key_the_page_explains_plugging_one_in() {
    let app = App::launch().await;
    app.onboard(PASSWORD).await;
    app.click("button[data-page=keys]").await;
    wait_text(&app, "#no-keys-title", "No security key found").await;
    let text = app.text("[data-testid=no-keys]").await;
    assert!(text.contains("Plug in a FIDO2 security key"), "{text}");
    assert!(text.contains("udev rule"), "{text}");
    // The software key stays out unless the test-only switch is set.
    assert!(!text.contains("software key"));
    app.screenshot("keys-empty-light").await;
    app.quit().await;
}

/// Issue #14: locking (here with Ctrl+L) forgets the security-key PINs typed this visit, as
/// every lock path does: after unlocking, the key asks for its PIN again.
#[tokio::test(flavor = "multi_thread")]
async fn locking_forgets_the_key_pin_typed_before() {
    let app = open_keys_page(None).await;
    submit_pin(&app, None, "9876").await;
    wait_text(
        &app,
        "[data-testid=pin-summary]",
        "PIN set, 8 attempts left.",
    )
    .await;
    // Remembered: the fingerprints open without a prompt.
    app.click("[data-testid=show-fingerprints]").await;
    wait_text(
        &app,
        "[data-testid=no-fingerprints]",
        "No fingerprints are enrolled.",
    )
    .await;

    app.ctrl('l').await;
    app.find("#unlock-secret").await;
    app.type_into("#unlock-secret", PASSWORD).await;
    app.keys("\u{E007}").await; // Enter
    app.click("button[data-page=keys]").await;
    wait_text(&app, "#key-name", SOFT_KEY).await;
    app.click("[data-testid=show-fingerprints]").await;
    app.find("[data-testid=key-pin-prompt]").await;
    let shown = app
        .driver
        .find_all(By::Css("[data-testid=no-fingerprints]"))
        .await
        .expect("query the list");
    assert!(
        shown.is_empty(),
        "nothing shown before the PIN is typed again"
    );
    app.quit().await;
}

/// Scrolls the registration test's origin checks into view, for a screenshot of its lines.
async fn show_report_lines(app: &App) {
    app.js("document.querySelector(\"[data-name='es256/registration/client_data.type']\").scrollIntoView({block: 'start'}); return true")
        .await;
    // A screenshot right after a DOM change can show the previous frame (RECIPES.md).
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
}

/// Issue #18: no English left on the security-key page in German or Arabic. Rust sends codes
/// and numbers (the software key's name, a wrong PIN's attempts, a refused name's limit, each
/// test line's code and values); the window words them.
#[tokio::test(flavor = "multi_thread")]
async fn security_keys_speak_german_then_arabic() {
    let app = App::launch_with(Launch {
        env: vec![
            ("COUNTERSIGN_TEST_SOFT_KEY".into(), "1".into()),
            ("LANG".into(), "de_DE.UTF-8".into()),
            ("LANGUAGE".into(), "de_DE:de".into()),
        ],
        ..Launch::default()
    })
    .await;
    app.onboard(PASSWORD).await;
    app.click("button[data-page=keys]").await;
    wait_text(&app, "#key-name", "Countersign-Softwareschlüssel (OpenSK)").await;
    assert_eq!(
        app.text(".key .head .detail").await,
        "Testschlüssel im Programm · Testmodus"
    );
    app.find("[data-testid=key-info]").await;

    // A PIN, then a wrong current PIN: the key's count of attempts, in German words.
    submit_pin(&app, None, "246810").await;
    wait_text(
        &app,
        "[data-testid=pin-summary]",
        "PIN festgelegt, noch 8 Versuche.",
    )
    .await;
    submit_pin(&app, Some("000000"), "135790").await;
    wait_text(
        &app,
        "[data-testid=pin-error]",
        "Falsche PIN. Noch 7 Versuche, bevor der Schlüssel seine PIN sperrt.",
    )
    .await;
    app.screenshot("keys-de-wrong-pin").await;
    app.click("[data-testid=pin-dialog] button[type=button]")
        .await;

    // A name the key cannot hold (65 bytes in 33 characters): Rust refuses it with its limit.
    // The wrong PIN made the page forget the right one: it asks again.
    app.click("[data-testid=show-fingerprints]").await;
    answer_pin_prompt(&app, "246810").await;
    app.find("[data-testid=no-fingerprints]").await;
    app.click("button.add").await;
    app.type_into("#enroll-name", &format!("{}x", "Ä".repeat(32)))
        .await;
    app.click("form.stack button[type=submit]").await;
    wait_text(
        &app,
        "form.stack .error-text",
        "Dieser Name ist zu lang für den Schlüssel (höchstens 64 Bytes).",
    )
    .await;
    app.click("form.stack button[type=button]").await;

    // The registration test's lines, worded in German from their codes.
    app.click("[data-testid=run-test]").await;
    app.find("[data-testid=test-report]").await;
    let reason = |name: &str| format!("[data-name='{name}'] .reason");
    assert_eq!(
        app.text(&reason("es256/registration/client_data.challenge"))
            .await,
        "stimmt mit der gesendeten Challenge überein"
    );
    assert_eq!(
        app.text(&reason("es256/registration/rp_id.origin")).await,
        "„countersign.test“ ist der Host des Ursprungs"
    );
    assert_eq!(
        app.text(&reason("es256/registration/flags.user_present"))
            .await,
        "UP gesetzt: der Schlüssel wurde berührt"
    );
    assert_eq!(
        app.text(&reason("es256/registration/attestation.trust_chain"))
            .await,
        "Selbst-Attestierung (mit dem eigenen Schlüssel des Zugangs signiert): nichts führt zu einer Herstellerwurzel"
    );
    assert_eq!(
        app.text(&reason("eddsa_discoverable/cleanup")).await,
        "der Test-Passkey wurde gelöscht"
    );
    let summary = app.text("[data-testid=test-summary]").await;
    assert!(
        summary.starts_with("Alle zutreffenden Prüfungen wurden bestanden.")
            && summary.contains("0 fehlgeschlagen · 4 übersprungen"),
        "{summary}"
    );
    // No line fell back to Rust's English reason.
    let english = app
        .js("return [...document.querySelectorAll('[data-testid=test-report] .reason')].map(r => r.textContent).filter(t => /\\b(the|is|was|not)\\b/.test(t))")
        .await;
    assert_eq!(english, serde_json::json!([]));
    show_report_lines(&app).await;
    app.screenshot("keys-de-test").await;

    // Arabic: the same page, right to left.
    app.choose_setting("language", "ar").await;
    app.click("button[data-page=keys]").await;
    wait_text(&app, "#key-name", "مفتاح Countersign البرمجي (OpenSK)").await;
    app.find("[data-testid=key-info]").await;
    app.screenshot("keys-ar-info").await;
    app.click("[data-testid=run-test]").await;
    answer_pin_prompt(&app, "246810").await;
    app.find("[data-testid=test-report]").await;
    assert_eq!(
        app.text(&reason("es256/registration/flags.user_present"))
            .await,
        "علامة UP مضبوطة: لُمس المفتاح"
    );
    show_report_lines(&app).await;
    app.screenshot("keys-ar-test").await;
    app.quit().await;
}
