//! Issue #18: axe-core's rules, run inside the real window on every screen and dialog, in both
//! themes. Serious and critical violations fail; moderate and minor ones are printed.

use countersign_e2e::{App, AxeViolation, Launch, seed_vault};

const PASSWORD: &str = "correct horse battery";
const GITHUB: &str = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const STEAM: &str = "otpauth://hotp/Example:alice?secret=KRSXG5CTMVRXEZLU&issuer=Example&counter=3";

/// Audits the page as it is now, as `screen`: prints every violation, returns the serious and
/// critical ones, named by screen.
async fn audit(app: &App, screen: &str) -> Vec<String> {
    let violations: Vec<AxeViolation> = app.axe().await;
    for v in &violations {
        eprintln!(
            "axe {screen}: {} ({}) {}: {:?}",
            v.id, v.impact, v.help, v.nodes
        );
    }
    violations
        .into_iter()
        .filter(|v| v.impact == "serious" || v.impact == "critical")
        .map(|v| {
            format!(
                "{screen}: {} ({}): {} {:?}",
                v.id, v.impact, v.help, v.nodes
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_screen_passes_axe_in_both_themes() {
    let mut serious = Vec::new();

    // First launch: onboarding.
    let app = App::launch().await;
    app.find("#app").await;
    app.wait_for("the onboarding screen", || async {
        (app.js("return !!document.querySelector('form, button.primary')")
            .await
            == serde_json::json!(true))
        .then_some(())
    })
    .await;
    serious.extend(audit(&app, "onboarding").await);
    app.quit().await;

    // A vault with accounts, locked: the unlock screen, then every page.
    let data = tempfile::tempdir().unwrap();
    seed_vault(
        data.path(),
        PASSWORD,
        &[GITHUB.to_owned(), STEAM.to_owned()],
    );
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.wait_for_issuers(&["GitHub", "Example"]).await; // the keyring unlocked it
    app.click("[data-action=lock]").await;
    app.find("#unlock-secret").await;
    serious.extend(audit(&app, "unlock").await);
    app.type_into("#unlock-secret", PASSWORD).await;
    app.keys("\u{E007}").await; // Enter
    app.wait_for_issuers(&["GitHub", "Example"]).await;

    for theme in ["light", "dark"] {
        app.choose_theme(theme).await;
        serious.extend(audit(&app, &format!("settings ({theme})")).await);
        app.click("[data-page=codes]").await;
        app.wait_for_issuers(&["GitHub", "Example"]).await;
        app.hover("li.row").await;
        serious.extend(audit(&app, &format!("codes ({theme})")).await);
        app.click("button.add").await;
        app.find("[role=tablist]").await;
        serious.extend(audit(&app, &format!("add dialog ({theme})")).await);
        for tab in ["file", "camera", "clipboard", "link", "key"] {
            app.click(&format!("[data-tab={tab}]")).await;
            serious.extend(audit(&app, &format!("add dialog, {tab} ({theme})")).await);
        }
        app.click("dialog[open] button.close").await;
        app.hover("li.row").await;
        app.click("li.row button[aria-label^='Edit']").await;
        app.find("dialog[open]").await;
        serious.extend(audit(&app, &format!("edit dialog ({theme})")).await);
        app.click("dialog[open] button.close").await;
        app.click("[data-page=transfer]").await;
        app.find("#import-file").await;
        serious.extend(audit(&app, &format!("import and export ({theme})")).await);
        app.click("[data-page=keys]").await;
        app.wait_for("the security keys page", || async {
            (app.js("return !!document.querySelector('main h2, main h1, [data-testid=no-key]')")
                .await
                == serde_json::json!(true))
            .then_some(())
        })
        .await;
        serious.extend(audit(&app, &format!("security keys ({theme})")).await);
    }
    app.quit().await;

    assert!(
        serious.is_empty(),
        "serious or critical violations:\n{}",
        serious.join("\n")
    );
}
