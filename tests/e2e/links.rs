//! otpauth:// and otpauth-migration:// links opened from elsewhere: the desktop starts the app
//! with the link as its argument (as the .desktop entry's `Exec=… %u` says), the second launch
//! hands it to the running instance, whose window shows the add dialog's confirmation card.
//! Nothing is added without the person's confirmation.

use std::time::Duration;

use countersign_e2e::thirtyfour::prelude::*;
use countersign_e2e::{App, Launch, avoid_step_boundary, recent_totp, seed_vault};

const PASSWORD: &str = "correct horse battery";
const GITHUB: &str = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const ACME_SECRET: &str = "KRSXG5CTMVRXEZLUKN2XAZLSNFXGO";
const ACME: &str = "otpauth://totp/ACME%20Corp:alice@example.com?secret=KRSXG5CTMVRXEZLUKN2XAZLSNFXGO&issuer=ACME%20Corp";
const BETA: &str = "otpauth://totp/Beta:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Beta";
const GAMMA: &str = "otpauth://totp/Gamma:carol?secret=MFRGGZDFMZTWQ2LKNNWG23TPOA&issuer=Gamma";

/// The app on a vault holding GitHub, unlocked, its codes shown.
async fn seeded() -> (App, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, &[GITHUB.to_owned()]);
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.wait_for_issuers(&["GitHub"]).await;
    (app, data)
}

/// Opens `link` as a browser does: the app binary started again with it. The second launch
/// must hand it over and leave with success.
fn open_link(app: &App, link: &str) {
    let status = app.launch_again(&[link]);
    assert!(
        status.success(),
        "the launch with {link} exited with {status}"
    );
}

/// The card's "1 of 2", once it says `expected`.
async fn wait_for_position(app: &App, expected: &str) {
    app.wait_for(&format!("the card to say {expected}"), || async {
        let position = app
            .js("const p = document.querySelector('[data-testid=confirm-card] .position'); return p && p.textContent.trim()")
            .await;
        (position == expected).then_some(())
    })
    .await;
}

/// The confirmation card's issuer and account fields.
async fn card_labels(app: &App) -> (String, String) {
    (
        app.prop("#scan-issuer", "value").await,
        app.prop("#scan-name", "value").await,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_opens_the_card_and_others_queue_behind_it() {
    let (app, _data) = seeded().await;

    open_link(&app, ACME);
    app.find("[data-testid=confirm-card]").await;
    assert_eq!(
        card_labels(&app).await,
        ("ACME Corp".to_owned(), "alice@example.com".to_owned())
    );
    assert_eq!(app.text("[role=tab][aria-selected=true]").await, "Link");
    let preview = app
        .find("[data-testid=scan-code]")
        .await
        .attr("data-code")
        .await
        .unwrap()
        .unwrap();
    assert!(
        recent_totp(ACME_SECRET, 6, 30).contains(&preview),
        "preview {preview}"
    );
    // One card: no "1 of n" yet.
    let position = app
        .driver
        .find_all(By::Css(".card .position"))
        .await
        .unwrap();
    assert!(position.is_empty(), "a single link shows no position");
    app.screenshot("link-confirm-card").await;

    // A second, different link while the card is open waits behind it.
    open_link(&app, BETA);
    wait_for_position(&app, "1 of 2").await;
    assert_eq!(card_labels(&app).await.0, "ACME Corp");

    // The first link again is not queued twice; a third, different one is.
    open_link(&app, ACME);
    open_link(&app, GAMMA);
    wait_for_position(&app, "1 of 3").await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        app.text("[data-testid=confirm-card] .position").await,
        "1 of 3"
    );
    assert_eq!(card_labels(&app).await.0, "ACME Corp");

    // Confirming the first shows the next; dismissing the others adds only the first.
    app.click("#scan-add").await;
    wait_for_position(&app, "2 of 3").await;
    assert_eq!(
        card_labels(&app).await,
        ("Beta".to_owned(), "bob".to_owned())
    );
    app.click("[data-testid=confirm-card] button[type=button]")
        .await;
    wait_for_position(&app, "3 of 3").await;
    assert_eq!(
        card_labels(&app).await,
        ("Gamma".to_owned(), "carol".to_owned())
    );
    app.click("[data-testid=confirm-card] button[type=button]")
        .await;

    app.wait_for_issuers(&["GitHub", "ACME Corp"]).await;
    let dialogs = app.driver.find_all(By::Css("dialog[open]")).await.unwrap();
    assert!(dialogs.is_empty(), "the add dialog closed");
    avoid_step_boundary(30, 3).await;
    let code = app
        .js("const row = [...document.querySelectorAll('li.row')].find(r => r.querySelector('.issuer').textContent.trim() === 'ACME Corp'); return row.querySelector('[data-testid=code]').dataset.code")
        .await;
    let code = code.as_str().expect("ACME Corp's code is shown");
    assert!(
        recent_totp(ACME_SECRET, 6, 30).iter().any(|c| c == code),
        "{code}"
    );
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_link_is_explained_and_adds_nothing() {
    let (app, _data) = seeded().await;

    open_link(&app, "otpauth://totp/Bad?secret=!!!");
    let note = app.text("[data-testid=scan-note][data-kind=invalid]").await;
    assert!(
        note.starts_with("The link you opened is a setup link Countersign cannot use: "),
        "{note}"
    );
    assert!(note.len() > "The link you opened is a setup link Countersign cannot use: ".len() + 5);
    let cards = app
        .driver
        .find_all(By::Css("[data-testid=confirm-card]"))
        .await
        .unwrap();
    assert!(cards.is_empty(), "no card for a malformed link");
    app.click("#scan-done").await;
    app.wait_for_issuers(&["GitHub"]).await;
    assert!(app.app_process().is_some(), "the app runs on");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_opened_while_locked_waits_for_the_unlock() {
    let (app, _data) = seeded().await;
    app.ctrl('l').await;
    app.find("#unlock-secret").await;

    open_link(&app, ACME);
    // Still the unlock screen: no card, no codes, until the person unlocks.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    app.find("#unlock-secret").await;
    let cards = app
        .driver
        .find_all(By::Css("[data-testid=confirm-card]"))
        .await
        .unwrap();
    assert!(cards.is_empty(), "no card while locked");

    app.type_into("#unlock-secret", PASSWORD).await;
    app.keys("\u{E007}").await; // Enter
    app.find("[data-testid=confirm-card]").await;
    assert_eq!(
        card_labels(&app).await,
        ("ACME Corp".to_owned(), "alice@example.com".to_owned())
    );
    app.click("#scan-add").await;
    app.wait_for_issuers(&["GitHub", "ACME Corp"]).await;
    app.quit().await;
}
