//! Issue #18, item 3: the window in the person's language. Started with a German LANG it
//! speaks German; switched to Arabic in Settings it turns right to left, while codes keep
//! reading left to right. Screenshots of the list and the add dialog in both languages and
//! both themes land in artifacts/ (copied to docs/screenshots/ after looking at them).

use countersign_e2e::{App, Launch, WindowState, qr_png, seed_vault, titled_window_state, xdotool};
use countersign_otp::{Account, Secret, encode_migration};
use countersign_vault::VAULT_FILE;

use crate::sync::{elsewhere, synced_in};

const PASSWORD: &str = "correct horse battery";

fn uris() -> Vec<String> {
    vec![
        "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub".to_owned(),
        "otpauth://totp/GitLab:tanuki?secret=KRSXG5CTMVRXEZLU&issuer=GitLab".to_owned(),
        "otpauth://totp/Bank:alice?secret=GEZDGNBVGY3TQOJQ&issuer=Bank&digits=8".to_owned(),
    ]
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
        app.choose_setting("theme", theme).await;
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
    app.choose_setting("language", "ar").await;
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
    // The shell's own words follow too: the quick search's window title (task switchers show it).
    xdotool(
        app.display_name(),
        &["key", "--clearmodifiers", "ctrl+alt+k"],
    );
    app.wait_for("the quick search titled in Arabic", || async {
        (titled_window_state(app.display_name(), "البحث السريع في Countersign")
            == WindowState::Shown)
            .then_some(())
    })
    .await;

    // The choice outlives a restart.
    app.quit().await;
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.wait_for_issuers(&["GitHub", "GitLab", "Bank"]).await;
    assert_eq!(html_lang_dir(&app).await, ("ar".into(), "rtl".into()));
    app.quit().await;
}

/// A file to import: codes 1 and 3 of a Google Authenticator export of three QR codes, an
/// account the vault has already (GitHub), and a setup link that cannot be used (line 4).
fn import_file(dir: &std::path::Path) -> std::path::PathBuf {
    let accounts: Vec<Account> = ["Alpha", "Beta", "Gamma"]
        .iter()
        .zip(1u8..)
        .map(|(issuer, seed)| {
            Account::totp(*issuer, "me", Secret::from_bytes(vec![seed; 10]).unwrap())
        })
        .collect();
    let codes = encode_migration(&accounts, 1, 42).uris;
    let lines = [
        codes[0].as_str(),
        codes[2].as_str(),
        "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
        "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12",
    ];
    let path = dir.join("export.txt");
    std::fs::write(&path, lines.join("\n")).unwrap();
    path
}

/// The text of the toast, once it says something starting with `prefix`.
async fn toast_starting(app: &App, prefix: &str) -> String {
    app.wait_for(&format!("a toast starting {prefix:?}"), || async {
        let text = app
            .js("return document.querySelector('.toast span')?.textContent ?? ''")
            .await;
        let text = text.as_str().unwrap_or_default().to_owned();
        text.starts_with(prefix).then_some(text)
    })
    .await
}

/// The app on the vault in `data` (seeded with `uris()`), in a German session, its file dialog
/// answering with `import`; once its list shows.
async fn launch_german(data: &std::path::Path, import: &std::path::Path) -> App {
    let mut launch = Launch::folder(data);
    launch.env = vec![
        ("LANG".into(), "de_DE.UTF-8".into()),
        ("LANGUAGE".into(), "de_DE:de".into()),
        (
            "COUNTERSIGN_TEST_OPEN_PATH".into(),
            import.display().to_string(),
        ),
    ];
    let app = App::launch_with(launch).await;
    app.wait_for_issuers(&["GitHub", "GitLab", "Bank"]).await;
    app
}

/// Opens the import file through the Transfer page and returns the preview's warning.
async fn open_import(app: &App) -> String {
    app.click("[data-page=transfer]").await;
    app.click("#import-file").await;
    app.find("[data-testid=import-warning]").await;
    app.text("[data-testid=import-warning]").await
}

/// Issue #18 item 3: what Rust sends as codes and numbers reaches a German and an Arabic window
/// in their words: an import preview's warning and details, and the toast of a sync.
#[tokio::test(flavor = "multi_thread")]
async fn an_import_preview_and_a_sync_toast_speak_german_then_arabic() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, &uris());
    let import = import_file(files.path());
    let app = launch_german(data.path(), &import).await;

    // The import preview: the missing QR code, the duplicate and the unreadable line.
    assert_eq!(
        open_import(&app).await,
        "Einem Google-Authenticator-Export aus 3 QR-Codes fehlt Code 2: Scannen Sie ihn auch, \
         sonst werden seine Konten nicht importiert."
    );
    let item = |status: &str, part: &str| {
        format!("[data-testid=import-preview] li[data-status={status}] .{part}")
    };
    assert_eq!(
        app.text(&item("duplicate", "detail")).await,
        "Schon in Ihrem Tresor als GitHub (octocat)"
    );
    assert_eq!(app.text(&item("invalid", "issuer")).await, "Eintrag 4");
    assert_eq!(
        app.text("[data-testid=import-preview] .format").await,
        "otpauth://-Linkliste"
    );
    // Its fault as Rust names it (the digits), in German words.
    assert_eq!(
        app.text(&item("invalid", "detail")).await,
        "Die Stellenzahl muss zwischen 1 und 10 liegen."
    );
    app.screenshot("lang-de-import-preview").await;
    app.click("[data-testid=import-preview] button.button:not(.primary)")
        .await;

    // Another computer adds two accounts: the toast counts them in German.
    app.click("[data-page=codes]").await;
    let saved = elsewhere(data.path(), |vault| {
        for (issuer, seed) in [("Dropbox", 7u8), ("Slack", 8)] {
            let secret = Secret::from_bytes(vec![seed; 10]).unwrap();
            vault.add(Account::totp(issuer, "alice", secret)).unwrap();
        }
    });
    synced_in(&data.path().join(VAULT_FILE), &saved);
    app.wait_for_issuers(&["GitHub", "GitLab", "Bank", "Dropbox", "Slack"])
        .await;
    assert_eq!(
        toast_starting(&app, "Auf einem anderen Computer").await,
        "Auf einem anderen Computer: 2 Konten hinzugefügt."
    );
    app.screenshot("lang-de-sync-toast").await;

    // The same in Arabic.
    app.choose_setting("language", "ar").await;
    let warning = open_import(&app).await;
    assert!(
        warning.starts_with("ينقص تصديرَ Google Authenticator المؤلَّف من")
            && warning.ends_with("امسحه أيضًا، وإلا فلن تُستورد حساباته."),
        "{warning}"
    );
    // Numbers in the window's Arabic digits, as its Intl writes them.
    let digits = app
        .js("const f = new Intl.NumberFormat('ar'); return [f.format(1), f.format(10)]")
        .await;
    assert_eq!(
        app.text(&item("invalid", "detail")).await,
        format!(
            "يجب أن يكون عدد الأرقام من {} إلى {}.",
            digits[0].as_str().unwrap(),
            digits[1].as_str().unwrap()
        )
    );
    // The account's name keeps its brackets inside the right-to-left sentence: it is isolated.
    let duplicate = app
        .js(&format!(
            "return document.querySelector('{}').textContent",
            item("duplicate", "detail")
        ))
        .await;
    assert_eq!(
        duplicate,
        "موجود في خزنتك بالفعل باسم \u{2068}GitHub (octocat)\u{2069}"
    );
    app.screenshot("lang-ar-import-preview").await;
    app.click("[data-testid=import-preview] button.button:not(.primary)")
        .await;
    app.click("[data-page=codes]").await;
    let saved = elsewhere(data.path(), |vault| {
        let slack = vault
            .entries()
            .iter()
            .find(|entry| entry.account.issuer == "Slack")
            .map(|entry| entry.id)
            .unwrap();
        vault.remove(slack).unwrap();
    });
    synced_in(&data.path().join(VAULT_FILE), &saved);
    app.wait_for_issuers(&["GitHub", "GitLab", "Bank", "Dropbox"])
        .await;
    assert_eq!(
        toast_starting(&app, "على حاسوب آخر").await,
        "على حاسوب آخر: حُذف حساب واحد."
    );
    app.screenshot("lang-ar-sync-toast").await;
    app.quit().await;
}

/// An Aegis export (plain, its layout) of three accounts: Deno's secret is not base32 (its last
/// character is "!"), Yandex's type is one Countersign makes no codes for, SPDX is fine.
const AEGIS_WITH_BAD_ENTRIES: &str = r#"{"version":1,"header":{"slots":null,"params":null},
"db":{"version":2,"entries":[
{"type":"totp","uuid":"3ae6f1ad-2e65-4ed2-a953-1ec0dff2386d","name":"Mason","issuer":"Deno",
 "icon":null,"info":{"secret":"4SJHB4GSD43FZBAI7C2HLRJGP!","algo":"SHA1","digits":6,"period":30}},
{"type":"yandex","uuid":"4bd9d7c4-6f6d-4d2a-9c43-4a0e0f5f2c11","name":"ivan","issuer":"Yandex",
 "icon":null,"info":{"secret":"MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U","algo":"SHA256","digits":8,
 "period":30,"pin":"1234"}},
{"type":"totp","uuid":"84b55971-a3d2-4173-a5bb-0aea113dbc17","name":"James","issuer":"SPDX",
 "icon":null,"info":{"secret":"5OM4WOOGPLQEF6UGN3CPEOOLWU","algo":"SHA256","digits":7,"period":20}}
]}}"#;

/// Issue #18 item 3: another app's file with entries that cannot be imported. A German window
/// says why in German, from the cause the Aegis reader names (not only "cannot be imported"),
/// and keeps the reader's English reason as the tooltip.
#[tokio::test(flavor = "multi_thread")]
async fn an_aegis_entry_whose_secret_is_not_base32_says_why_in_german() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, &uris());
    let import = files.path().join("aegis-export.json");
    std::fs::write(&import, AEGIS_WITH_BAD_ENTRIES).unwrap();
    let app = launch_german(data.path(), &import).await;

    app.click("[data-page=transfer]").await;
    app.click("#import-file").await;
    app.find("[data-testid=import-preview] li[data-status=invalid]")
        .await;
    let invalid = app
        .js("return [...document.querySelectorAll('[data-testid=import-preview] li[data-status=invalid]')]\
             .map((li) => [li.querySelector('.issuer').textContent, li.querySelector('.detail').textContent, \
             li.querySelector('.detail').title])")
        .await;
    assert_eq!(
        invalid,
        serde_json::json!([
            [
                "Deno (Mason)",
                "Das Geheimnis enthält ein Zeichen, das nicht Base32 ist (A–Z, 2–7).",
                "Secret: the secret has a character that is not base32: '!' at position 26."
            ],
            [
                "Yandex (ivan)",
                "Yandex OTP wird nicht unterstützt.",
                "Yandex OTP is not supported."
            ],
        ])
    );
    assert_eq!(
        app.text("[data-testid=import-preview] li[data-status=new] .issuer")
            .await,
        "SPDX"
    );
    app.screenshot("lang-de-import-aegis-invalid").await;
    app.quit().await;
}

/// The note a scan leaves, once shown, by its `textContent` (isolating marks included).
async fn scan_note(app: &App) -> String {
    app.click("button.add").await;
    app.click("[data-tab=file]").await;
    app.click("#scan-file").await;
    app.find("[data-testid=scan-note]").await;
    let text = app
        .js("return document.querySelector('[data-testid=scan-note] span').textContent")
        .await;
    text.as_str().unwrap_or_default().to_owned()
}

/// A scanned code the vault already has: the note names the account in German, then Arabic.
#[tokio::test(flavor = "multi_thread")]
async fn a_scanned_code_already_in_the_vault_is_noted_in_german_then_arabic() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, &uris());
    let png = files.path().join("again.png");
    std::fs::write(
        &png,
        qr_png("otpauth://totp/Hub:me?secret=JBSWY3DPEHPK3PXP&issuer=Hub"),
    )
    .unwrap();
    let mut launch = Launch::folder(data.path());
    launch.env = vec![
        ("LANG".into(), "de_DE.UTF-8".into()),
        (
            "COUNTERSIGN_TEST_OPEN_PATH".into(),
            png.display().to_string(),
        ),
    ];
    let app = App::launch_with(launch).await;
    app.wait_for_issuers(&["GitHub", "GitLab", "Bank"]).await;
    assert_eq!(
        scan_note(&app).await,
        "Dieses Konto ist schon in Ihrem Tresor, als GitHub (octocat). Es wurde nicht noch einmal \
         hinzugefügt."
    );
    app.screenshot("lang-de-scan-note").await;
    app.click("dialog .close").await;

    app.choose_setting("language", "ar").await;
    app.click("[data-page=codes]").await;
    assert_eq!(
        scan_note(&app).await,
        "هذا الحساب موجود في خزنتك بالفعل باسم \u{2068}GitHub (octocat)\u{2069}. لم يُضَف مرة أخرى."
    );
    app.screenshot("lang-ar-scan-note").await;
    app.quit().await;
}
