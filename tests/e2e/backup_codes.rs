//! Issue #16, item 2: backup codes kept with their account. Paste the block a site shows, copy
//! codes one at a time (the clipboard holds each, the count goes down), and the count survives
//! a restart; the window never holds an unused code unless the person asks to see them all.

use countersign_e2e::{App, Launch, seed_vault};
use countersign_otp::BackupCode;
use countersign_vault::{KdfParams, Store};

const PASSWORD: &str = "correct horse battery";

/// Ten codes as GitHub prints them (github-recovery-codes.txt): one per line, 5+5 hex.
const CODES: [&str; 10] = [
    "a1b2c-3d4e5",
    "f6a7b-8c9d0",
    "0e1f2-a3b4c",
    "5d6e7-f8a9b",
    "c0d1e-2f3a4",
    "b5c6d-7e8f9",
    "9a8b7-c6d5e",
    "4f3e2-d1c0b",
    "e9f8a-7b6c5",
    "3d2c1-b0a9f",
];

async fn seeded() -> (App, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    seed_vault(
        data.path(),
        PASSWORD,
        &["otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub".to_owned()],
    );
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.wait_for_issuers(&["GitHub"]).await;
    (app, data)
}

/// Opens the account's edit dialog, then its backup codes; returns the count shown.
async fn open_backup_codes(app: &App) -> String {
    app.hover("li.row").await;
    app.click("li.row button[data-action=edit]").await;
    app.click("[data-testid=open-backup-codes]").await;
    app.text("[data-testid=backup-codes-left]").await
}

/// Waits for the count to read `expected`.
async fn wait_for_left(app: &App, expected: &str) {
    app.wait_for(&format!("the count to read {expected:?}"), || async {
        let shown = app.text("[data-testid=backup-codes-left]").await;
        (shown == expected).then_some(())
    })
    .await;
}

/// Everything the window holds that could carry a code: the page source, the text shown, and
/// every field's value.
async fn window_contents(app: &App) -> String {
    let source = app.driver.source().await.expect("the page source");
    let shown = app
        .js("return document.body.innerText + '\\n' + [...document.querySelectorAll('input, textarea')].map(f => f.value).join('\\n')")
        .await;
    format!("{source}\n{shown}")
}

/// Fails if the window holds one of `codes`, in any spelling a site prints.
async fn assert_not_in_window(app: &App, codes: &[&str], when: &str) {
    let contents = window_contents(app).await.to_lowercase();
    for code in codes {
        for spelling in [
            code.to_string(),
            code.replace('-', ""),
            code.replace('-', " "),
        ] {
            assert!(
                !contents.contains(&spelling),
                "{when}: the window holds the unused code {spelling}"
            );
        }
    }
}

/// The panel passes axe-core (no serious or critical violation) as it is shown now.
async fn assert_no_serious_axe_violation(app: &App, theme: &str) {
    let serious: Vec<String> = app
        .axe()
        .await
        .into_iter()
        .filter(|v| v.impact == "serious" || v.impact == "critical")
        .map(|v| format!("{} ({}): {} {:?}", v.id, v.impact, v.help, v.nodes))
        .collect();
    assert!(
        serious.is_empty(),
        "backup codes panel, {theme} theme: {serious:#?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn pasted_codes_are_copied_one_at_a_time_and_the_count_survives_a_restart() {
    let (app, data) = seeded().await;
    assert_eq!(
        open_backup_codes(&app).await,
        "No backup codes saved for this account."
    );

    // Paste the block as the site shows it, with a heading, through the X clipboard.
    let block = format!("GitHub recovery codes\n\n{}\n", CODES.join("\n"));
    app.set_clipboard_text(&block);
    app.click("#backup-codes-paste").await;
    app.ctrl('v').await;
    app.wait_for("the preview to count the codes", || async {
        let preview = app.text("[data-testid=backup-codes-preview]").await;
        (preview == "10 codes found").then_some(())
    })
    .await;
    app.screenshot("backup-codes-paste").await;
    app.click("[data-testid=backup-codes-add]").await;
    wait_for_left(&app, "10 of 10 left").await;
    assert_eq!(
        app.prop("#backup-codes-paste", "value").await,
        "",
        "the paste box is emptied once the codes are saved"
    );
    assert_not_in_window(&app, &CODES, "after adding").await;

    // Copy two: the clipboard holds each in turn, in the printed order.
    for (copied, left) in [(CODES[0], "9 of 10 left"), (CODES[1], "8 of 10 left")] {
        app.click("[data-testid=backup-codes-copy]").await;
        wait_for_left(&app, left).await;
        let on_clipboard = app
            .wait_for("the code on the clipboard", || async {
                app.clipboard_text().filter(|text| text == copied)
            })
            .await;
        assert_eq!(on_clipboard, copied);
    }
    let status = app.text("[data-testid=backup-codes-status]").await;
    assert_eq!(status, "Copied, and marked used.");
    let used = app.text("ul.used").await;
    assert!(
        used.contains("Code 1, used") && used.contains("Code 2, used"),
        "{used}"
    );
    assert_not_in_window(&app, &CODES[2..], "after copying two").await;
    app.screenshot("backup-codes-light").await;
    assert_no_serious_axe_violation(&app, "light").await;
    app.js("document.documentElement.dataset.theme = 'dark'; return true")
        .await;
    app.screenshot("backup-codes-dark").await;
    assert_no_serious_axe_violation(&app, "dark").await;

    // Restart: still 8, and still no unused code in the window.
    app.quit().await;
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.wait_for_issuers(&["GitHub"]).await;
    assert_eq!(open_backup_codes(&app).await, "8 of 10 left");
    assert_not_in_window(&app, &CODES[2..], "after the restart").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn undo_low_warning_and_show_all_behind_the_password() {
    let (app, _data) = seeded().await;
    open_backup_codes(&app).await;
    let block = CODES[..3]
        .iter()
        .enumerate()
        .map(|(i, code)| format!("{}. {code}", i + 1))
        .collect::<Vec<_>>()
        .join("\n");
    app.set_clipboard_text(&block);
    app.click("#backup-codes-paste").await;
    app.ctrl('v').await;
    app.wait_for("the preview", || async {
        (app.text("[data-testid=backup-codes-preview]").await == "3 codes found").then_some(())
    })
    .await;
    app.click("[data-testid=backup-codes-add]").await;
    wait_for_left(&app, "3 of 3 left").await;
    assert!(
        app.js("return !document.querySelector('[data-testid=backup-codes-low]')")
            .await
            .as_bool()
            .unwrap()
    );

    // One used: two left, the warning shows.
    app.click("[data-testid=backup-codes-copy]").await;
    wait_for_left(&app, "2 of 3 left").await;
    assert_eq!(
        app.text("[data-testid=backup-codes-low]").await,
        "Only 2 backup codes are left: get new codes from the site and add them here."
    );
    app.screenshot("backup-codes-low").await;
    // Undo, from the keyboard: the code is unused again, the next copy hands it out again.
    let undo = app
        .find("button[aria-label='Undo: mark code 1 unused']")
        .await;
    undo.focus().await.unwrap();
    app.keys("\u{E007}").await; // Enter
    wait_for_left(&app, "3 of 3 left").await;
    app.click("[data-testid=backup-codes-copy]").await;
    wait_for_left(&app, "2 of 3 left").await;
    app.wait_for("the first code again", || async {
        app.clipboard_text().filter(|text| text == CODES[0])
    })
    .await;

    // Show all: a wrong password shows nothing; the right one shows the three.
    app.click("[data-testid=backup-codes-show]").await;
    app.type_into("#backup-codes-password", "wrong").await;
    app.keys("\u{E007}").await;
    app.find("#backup-codes-password-error").await;
    assert_not_in_window(&app, &CODES[1..3], "after a wrong password").await;
    app.type_into("#backup-codes-password", PASSWORD).await;
    app.keys("\u{E007}").await;
    let all = app.text("[data-testid=backup-codes-all]").await;
    for code in &CODES[..3] {
        assert!(all.contains(code), "{all}");
    }
    app.screenshot("backup-codes-shown").await;
    app.quit().await;
}

/// Started in Arabic, the panel reads right to left in the catalog's words, and its counts are
/// the vault's: codes added and one used through the library before the app starts.
#[tokio::test(flavor = "multi_thread")]
async fn the_panel_speaks_arabic_right_to_left() {
    let data = tempfile::tempdir().unwrap();
    seed_vault(
        data.path(),
        PASSWORD,
        &["otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub".to_owned()],
    );
    {
        let store = Store::open(data.path())
            .unwrap()
            .with_kdf(KdfParams::new(64 * 1024, 1, 1).unwrap());
        let mut vault = store.unlock_with_password(PASSWORD).unwrap();
        let id = vault.entries()[0].id;
        let codes = CODES[..3]
            .iter()
            .map(|c| BackupCode::new(c).unwrap())
            .collect();
        vault.add_backup_codes(id, codes).unwrap();
        vault.use_backup_code(id).unwrap();
    }
    let mut launch = Launch::folder(data.path());
    launch.env.push(("LANG".into(), "ar_EG.UTF-8".into()));
    launch.env.push(("LANGUAGE".into(), "ar_EG:ar".into()));
    let app = App::launch_with(launch).await;
    app.wait_for_issuers(&["GitHub"]).await;
    // Arabic-Indic digits where the engine's Arabic has them, else Latin ones.
    let left = open_backup_codes(&app).await;
    assert!(
        ["بقي ٢ من ٣", "بقي 2 من 3"].contains(&left.as_str()),
        "{left}"
    );
    assert_eq!(
        app.js("return document.documentElement.dir").await,
        serde_json::json!("rtl")
    );
    assert_eq!(app.text("#backup-codes-title").await, "رموز الاحتياط");
    assert_not_in_window(&app, &CODES[1..3], "in Arabic").await;
    app.screenshot("backup-codes-arabic").await;
    app.quit().await;
}
