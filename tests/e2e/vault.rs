//! Issue #3: onboarding, keyring and password unlock, lock, and a damaged vault.

use std::time::Duration;

use countersign_e2e::{App, BusWithoutKeyring, Launch, seed_keyring_only_vault, seed_vault};

const PASSWORD: &str = "correct horse battery";
const URI: &str = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";

#[tokio::test(flavor = "multi_thread")]
async fn first_launch_creates_a_vault_that_the_keyring_reopens() {
    let data = tempfile::tempdir().unwrap();
    let launch = Launch::folder(data.path());
    let app = App::launch_with(launch.clone()).await;
    let title = app.text("#welcome-title").await;
    assert_eq!(title, "Welcome to Countersign");
    // The keyring works here, so it is offered and ticked by default.
    let ticked = app
        .js("return document.querySelector('.screen .check input').checked")
        .await;
    assert_eq!(ticked, serde_json::json!(true));
    app.screenshot("onboarding").await;
    let recovery = app.onboard(PASSWORD).await;
    // Eight groups of four base32 characters.
    assert_eq!(recovery.len(), 39, "{recovery}");
    app.add_uri(URI).await;
    app.wait_for_issuers(&["GitHub"]).await;
    app.quit().await;

    assert!(data.path().join("vault.countersign").exists());
    let app = App::launch_with(launch).await;
    // Straight to the codes: no password asked.
    app.wait_for_issuers(&["GitHub"]).await;
    let on_unlock_screen = app
        .js("return !!document.getElementById('unlock-secret')")
        .await;
    assert_eq!(on_unlock_screen, serde_json::json!(false));
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_keyring_the_password_unlocks_and_a_wrong_one_is_refused() {
    let bus = BusWithoutKeyring::start();
    let data = tempfile::tempdir().unwrap();
    let launch = Launch {
        env: vec![("DBUS_SESSION_BUS_ADDRESS".into(), bus.address.clone())],
        ..Launch::folder(data.path())
    };
    let app = App::launch_with(launch.clone()).await;
    // Onboarding says why the keyring is not offered.
    let notice = app.text("#keyring-unavailable").await;
    assert!(
        notice.starts_with("The system keyring is not available")
            && notice.ends_with(
                "No keyring program (such as GNOME Keyring or KWallet) runs in this session."
            ),
        "{notice}"
    );
    app.onboard(PASSWORD).await;
    app.add_uri(URI).await;
    app.wait_for_issuers(&["GitHub"]).await;
    app.quit().await;

    let app = App::launch_with(launch).await;
    app.type_into("#unlock-secret", "not the password").await;
    app.keys("\u{E007}").await; // Enter
    let error = app.text("#unlock-error").await;
    assert_eq!(error, "That password is not right.");
    // The field keeps focus and is empty, ready for another try.
    assert_eq!(app.focused_id().await, "unlock-secret");
    app.screenshot("unlock-wrong-password").await;
    app.type_into("#unlock-secret", PASSWORD).await;
    app.keys("\u{E007}").await;
    app.wait_for_issuers(&["GitHub"]).await;
    app.quit().await;
}

/// Issue #18: the keyring's cause arrives as a code, so a German window says it in German.
#[tokio::test(flavor = "multi_thread")]
async fn without_a_keyring_a_german_window_says_why_in_german() {
    let bus = BusWithoutKeyring::start();
    let data = tempfile::tempdir().unwrap();
    let app = App::launch_with(Launch {
        env: vec![
            ("DBUS_SESSION_BUS_ADDRESS".into(), bus.address.clone()),
            ("LANG".into(), "de_DE.UTF-8".into()),
            ("LANGUAGE".into(), "de_DE:de".into()),
        ],
        ..Launch::folder(data.path())
    })
    .await;
    let notice = app.text("#keyring-unavailable").await;
    assert_eq!(
        notice,
        "Der Schlüsselbund des Systems ist nicht verfügbar, daher geben Sie zum Entsperren Ihr \
         Passwort ein. In dieser Sitzung läuft kein Schlüsselbundprogramm (etwa GNOME Keyring \
         oder KWallet)."
    );
    app.screenshot("keyring-cause-de").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_keyring_gone_since_the_last_run_says_so_and_the_password_unlocks() {
    // Made with the keyring of the test session; opened where there is none.
    let data = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, &[URI.to_owned()]);
    let bus = BusWithoutKeyring::start();
    let app = App::launch_with(Launch {
        env: vec![("DBUS_SESSION_BUS_ADDRESS".into(), bus.address.clone())],
        ..Launch::folder(data.path())
    })
    .await;
    let notice = app.text("[data-testid=unlock-notice]").await;
    assert!(
        notice
            == "The system keyring is unavailable: no keyring program (such as GNOME Keyring or \
                KWallet) runs in this session.",
        "{notice}"
    );
    assert!(app.issuers().await.is_empty());
    app.screenshot("unlock-keyring-gone").await;
    app.type_into("#unlock-secret", PASSWORD).await;
    app.keys("\u{E007}").await; // Enter
    app.wait_for_issuers(&["GitHub"]).await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn lock_button_and_ctrl_l_lock_and_the_password_unlocks() {
    let data = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, &[URI.to_owned()]);
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.wait_for_issuers(&["GitHub"]).await;
    app.click("[data-action=lock]").await;
    app.find("#unlock-secret").await;
    // Locked means locked: the codes are gone from the page.
    assert!(app.issuers().await.is_empty());
    app.type_into("#unlock-secret", PASSWORD).await;
    app.keys("\u{E007}").await;
    app.wait_for_issuers(&["GitHub"]).await;
    app.ctrl('l').await;
    app.find("#unlock-secret").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_vault_shows_the_damaged_file_screen_and_is_left_alone() {
    let data = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, &[URI.to_owned()]);
    let path = data.path().join("vault.countersign");
    let mut bytes = std::fs::read(&path).unwrap();
    // A byte inside the encrypted payload (the end of the file): the header still parses, so
    // this is caught by authentication, not by a format check.
    let at = bytes.len() - 20;
    bytes[at] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();

    let app = App::launch_with(Launch::folder(data.path())).await;
    let title = app.text("#error-title").await;
    assert_eq!(title, "Your vault file is damaged");
    let kind = app
        .js("return document.querySelector('[data-error-kind]').dataset.errorKind")
        .await;
    assert_eq!(kind, serde_json::json!("corrupt"));
    app.screenshot("vault-damaged").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.quit().await;
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the file must not change"
    );
}

/// The password a script in the window tries to give a keyring-only vault.
const MINE: &str = "set by a script";

/// Calls a command as any script in the window could; `then` maps its result to JSON, a refusal
/// gives the error's kind.
async fn invoke(app: &App, command: &str, args: &str, then: &str) -> serde_json::Value {
    app.js(&format!(
        "return window.__TAURI_INTERNALS__.invoke('{command}', {args}).then({then}, e => e.kind)"
    ))
    .await
}

/// Whether the unlocked vault has a password slot.
async fn password_slot(app: &App) -> serde_json::Value {
    invoke(app, "vault_security", "{}", "s => s.slots.password").await
}

/// Revealing a secret and exporting, with the password a script tried to set: both refused.
async fn refused_to_reveal_and_export(app: &App, id: &str) {
    let reveal = invoke(
        app,
        "reveal_secret",
        &format!("{{id: '{id}', password: '{MINE}'}}"),
        "r => r.secret",
    )
    .await;
    assert_eq!(reveal, serde_json::json!("no_such_slot"));
    let export = invoke(
        app,
        "transfer_export",
        &format!("{{request: {{format: 'uris', vaultPassword: '{MINE}', filePassword: null}}}}"),
        "() => 'exported'",
    )
    .await;
    assert_eq!(export, serde_json::json!("no_password"));
}

/// "Locked means locked", item 4: a keyring-only vault gets a first password only with its
/// recovery key, so nothing in the window can set one and then reveal or export with it.
#[tokio::test(flavor = "multi_thread")]
async fn a_first_password_needs_the_recovery_key() {
    let data = tempfile::tempdir().unwrap();
    let recovery = seed_keyring_only_vault(data.path(), &[URI.to_owned()]);
    std::fs::write(data.path().join("settings.json"), r#"{"theme": "light"}"#).unwrap();
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.wait_for_issuers(&["GitHub"]).await;
    let id = invoke(&app, "list_accounts", "{}", "l => l.accounts[0].id").await;
    let id = id.as_str().expect("an account id").to_owned();
    // Without a recovery key, and with a wrong one: refused, nothing changed.
    let without = invoke(
        &app,
        "change_password",
        &format!("{{current: null, newPassword: '{MINE}'}}"),
        "() => 'changed'",
    )
    .await;
    assert_eq!(without, serde_json::json!("recovery_key_required"));
    let wrong = invoke(
        &app,
        "change_password",
        &format!(
            "{{current: null, newPassword: '{MINE}', recoveryKey: 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA'}}"
        ),
        "() => 'changed'",
    )
    .await;
    assert_eq!(wrong, serde_json::json!("wrong_recovery_key"));
    assert_eq!(password_slot(&app).await, serde_json::json!(false));
    refused_to_reveal_and_export(&app, &id).await;

    // The dialog asks for the recovery key and says why.
    app.click("[data-page=settings]").await;
    app.wait_for("the settings' security section", || async {
        (app.js("return [...document.querySelectorAll('button')].some(b => b.textContent === 'Set a password')")
            .await
            == serde_json::json!(true))
        .then_some(())
    })
    .await;
    app.js("[...document.querySelectorAll('button')].find(b => b.textContent === 'Set a password').click(); return true")
        .await;
    let why = app.text("#gate-hint").await;
    assert!(why.contains("recovery key"), "{why}");
    app.type_into(
        "#gate-recovery-key",
        "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA",
    )
    .await;
    app.type_into("#changed-password", MINE).await;
    app.type_into("#changed-confirm", MINE).await;
    app.screenshot("set-password-dialog").await;
    app.click("dialog form button[type=submit]").await;
    let error = app.text("dialog [role=alert]").await;
    assert_eq!(error, "That recovery key is not right.");
    assert_eq!(password_slot(&app).await, serde_json::json!(false));

    // With the right one, typed in the dialog, the password is set and asked from then on.
    // (Two wrong keys so far: the third attempt may have to wait a moment.)
    app.js(
        "const field = document.getElementById('gate-recovery-key'); field.value = ''; \
            field.dispatchEvent(new Event('input', {bubbles: true})); return true",
    )
    .await;
    app.type_into("#gate-recovery-key", &recovery).await;
    app.click("dialog form button[type=submit]").await;
    app.wait_for("the password to be set", || async {
        (password_slot(&app).await == serde_json::json!(true)).then_some(())
    })
    .await;
    let revealed = invoke(
        &app,
        "reveal_secret",
        &format!("{{id: '{id}', password: '{MINE}'}}"),
        "r => r.secret",
    )
    .await;
    assert_eq!(revealed, serde_json::json!("JBSWY3DPEHPK3PXP"));

    // Changing it from now on asks for the current password, the recovery key to keep and what
    // to do with the old backups.
    app.wait_for("the dialog to close", || async {
        (app.js("return !document.querySelector('dialog[open]')")
            .await
            == serde_json::json!(true))
        .then_some(())
    })
    .await;
    app.click("[data-page=codes]").await;
    app.click("[data-page=settings]").await;
    app.wait_for("the Change password button", || async {
        (app.js("return [...document.querySelectorAll('button')].some(b => b.textContent === 'Change password')")
            .await
            == serde_json::json!(true))
        .then_some(())
    })
    .await;
    app.js("[...document.querySelectorAll('button')].find(b => b.textContent === 'Change password').click(); return true")
        .await;
    app.find("#current-password").await;
    app.find("#old-backups-reencrypt").await;
    app.screenshot("change-password-dialog").await;
    app.quit().await;
}

/// DESIGN.md section 2: secrets leave only after the vault password is asked again; a wrong one
/// reveals nothing and shows no QR code.
#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_reveals_no_secret_and_shows_no_qr_code() {
    let data = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, &[URI.to_owned()]);
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.wait_for_issuers(&["GitHub"]).await;
    let id = app
        .js("return document.querySelector('li.row').dataset.accountId")
        .await;
    let id = id.as_str().expect("the row's account id").to_owned();
    let reveal = |password: &str| format!("{{id: '{id}', password: '{password}'}}");
    let qr = |password: &str| format!("{{style: 'account', password: '{password}'}}");
    let wrong = "not the password";
    assert_eq!(
        invoke(&app, "reveal_secret", &reveal(wrong), "r => r.secret").await,
        serde_json::json!("wrong_password")
    );
    assert_eq!(
        invoke(&app, "transfer_show_qr", &qr(wrong), "q => 'shown'").await,
        serde_json::json!("wrong_password")
    );
    // The right password does both: the refusals above were about the password.
    assert_eq!(
        invoke(&app, "reveal_secret", &reveal(PASSWORD), "r => r.secret").await,
        serde_json::json!("JBSWY3DPEHPK3PXP")
    );
    assert_eq!(
        invoke(&app, "transfer_show_qr", &qr(PASSWORD), "q => 'shown'").await,
        serde_json::json!("shown")
    );
    app.quit().await;
}
