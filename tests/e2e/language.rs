//! Issue #18, item 3: the window in the person's language. Started with a German LANG it
//! speaks German; switched to Arabic in Settings it turns right to left, while codes keep
//! reading left to right. Screenshots of the list and the add dialog in both languages and
//! both themes land in artifacts/ (copied to docs/screenshots/ after looking at them).

use countersign_e2e::{App, Launch, seed_vault};

const PASSWORD: &str = "correct horse battery";

fn uris() -> Vec<String> {
    vec![
        "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub".to_owned(),
        "otpauth://totp/GitLab:tanuki?secret=KRSXG5CTMVRXEZLU&issuer=GitLab".to_owned(),
        "otpauth://totp/Bank:alice?secret=GEZDGNBVGY3TQOJQ&issuer=Bank&digits=8".to_owned(),
    ]
}

/// Sets the `<select id=…>` of the Settings page to `value` as a person choosing it would
/// (a change event), and waits until the settings file has it.
async fn choose(app: &App, id: &str, value: &str) {
    app.click("[data-page=settings]").await;
    app.find(&format!("#{id}")).await;
    app.js(&format!(
        "const s = document.getElementById('{id}'); s.value = '{value}'; s.dispatchEvent(new Event('change', {{ bubbles: true }})); return true"
    ))
    .await;
    app.wait_for_saved_setting(id, serde_json::json!(value))
        .await;
}

/// The `<html>` element's `lang` and `dir`.
async fn html_lang_dir(app: &App) -> (String, String) {
    let both = app
        .js("return [document.documentElement.lang, document.documentElement.dir]")
        .await;
    (
        both[0].as_str().unwrap_or_default().to_owned(),
        both[1].as_str().unwrap_or_default().to_owned(),
    )
}

/// The add dialog's tab names, in order.
async fn tab_names(app: &App) -> Vec<String> {
    let names = app
        .js("return [...document.querySelectorAll('[role=tab]')].map((t) => t.textContent.trim())")
        .await;
    serde_json::from_value(names).unwrap()
}

/// Takes the list and the add dialog in both themes, as `lang-<code>-<what>-<theme>.png`.
async fn screenshots(app: &App, code: &str) {
    for theme in ["light", "dark"] {
        choose(app, "theme", theme).await;
        app.screenshot(&format!("lang-{code}-settings-{theme}"))
            .await;
        app.click("[data-page=codes]").await;
        app.wait_for_issuers(&["GitHub", "GitLab", "Bank"]).await;
        app.screenshot(&format!("lang-{code}-list-{theme}")).await;
        app.click("button.add").await;
        app.find("#scan-screen").await;
        app.screenshot(&format!("lang-{code}-add-{theme}")).await;
        app.click("dialog .close").await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn german_from_the_environment_then_arabic_from_settings() {
    let data = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, &uris());
    let mut launch = Launch::folder(data.path());
    launch.env = vec![
        ("LANG".into(), "de_DE.UTF-8".into()),
        ("LANGUAGE".into(), "de_DE:de".into()),
    ];
    let app = App::launch_with(launch).await;
    app.wait_for_issuers(&["GitHub", "GitLab", "Bank"]).await;

    // The OS's language, with no choice made in Settings.
    assert_eq!(html_lang_dir(&app).await, ("de".into(), "ltr".into()));
    assert_eq!(app.prop("#search", "placeholder").await, "Suchen");
    assert_eq!(app.text("button.add .label").await, "Hinzufügen");
    assert_eq!(
        app.prop("[data-page=settings]", "title").await,
        "Einstellungen"
    );
    app.click("button.add").await;
    assert_eq!(app.text("#modal-title").await, "Konto hinzufügen");
    assert_eq!(
        tab_names(&app).await,
        ["Bildschirm", "Bild", "Kamera", "Ablage", "Link", "Manuell"]
    );
    assert_eq!(app.text("#scan-screen").await, "Bildschirm scannen");
    // A setup link's fault in German: Rust sends the field and the problem, not just English.
    app.js("[...document.querySelectorAll('[role=tab]')].find((t) => t.textContent.trim() === 'Link').click(); return true")
        .await;
    app.add_uri("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12")
        .await;
    assert_eq!(
        app.text("#uri-error").await,
        "Die Stellenzahl muss zwischen 1 und 10 liegen."
    );
    app.screenshot("lang-de-link-error").await;
    app.click("dialog .close").await;
    app.click("[data-page=settings]").await;
    assert_eq!(app.text("label[for=language]").await, "Sprache");
    screenshots(&app, "de").await;

    // The person's choice in Settings.
    choose(&app, "language", "ar").await;
    app.wait_for("the window to turn right to left", || async {
        (html_lang_dir(&app).await == ("ar".to_owned(), "rtl".to_owned())).then_some(())
    })
    .await;
    assert_eq!(app.text("label[for=language]").await, "اللغة");
    app.click("[data-page=codes]").await;
    app.wait_for_issuers(&["GitHub", "GitLab", "Bank"]).await;
    assert_eq!(app.prop("#search", "placeholder").await, "بحث");
    assert_eq!(app.text("button.add .label").await, "إضافة");
    // The row mirrors; its code does not.
    let directions = app
        .js("const code = document.querySelector('[data-testid=code]'); return [getComputedStyle(code.closest('li')).direction, getComputedStyle(code).direction, code.textContent]")
        .await;
    assert_eq!(directions[0], "rtl");
    assert_eq!(directions[1], "ltr");
    assert!(
        directions[2]
            .as_str()
            .unwrap()
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' '),
        "codes keep their ASCII digits: {}",
        directions[2]
    );
    app.click("button.add").await;
    assert_eq!(app.text("#modal-title").await, "إضافة حساب");
    assert_eq!(tab_names(&app).await[0], "الشاشة");
    app.click("dialog .close").await;
    screenshots(&app, "ar").await;

    // The choice outlives a restart.
    app.quit().await;
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.wait_for_issuers(&["GitHub", "GitLab", "Bank"]).await;
    assert_eq!(html_lang_dir(&app).await, ("ar".into(), "rtl".into()));
    app.quit().await;
}
