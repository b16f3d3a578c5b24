//! Issue #15 item 1: where the vault lives. Settings moves it into a folder the person picks
//! (the folder dialog answered by COUNTERSIGN_TEST_OPEN_FOLDER) and the app opens it from there
//! after a restart; onboarding's "I already have a vault" opens one kept elsewhere (the file
//! dialog answered by COUNTERSIGN_TEST_OPEN_PATH).

use std::fs;
use std::path::Path;

use countersign_e2e::{App, Launch, seed_vault};
use countersign_vault::{Store, VAULT_FILE};

const PASSWORD: &str = "correct horse battery";
const GITHUB: &str = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const GITLAB: &str = "otpauth://totp/GitLab:octocat?secret=GEZDGNBVGY3TQOJQ&issuer=GitLab";
const DROPBOX: &str = "otpauth://totp/Dropbox:octocat?secret=KRSXG5CTMVRXEZLU&issuer=Dropbox";

/// Waits until Settings shows `folder` as the vault's.
async fn wait_for_folder(app: &App, folder: &Path) {
    let expected = folder.display().to_string();
    app.wait_for(&format!("the vault folder {expected}"), || async {
        (app.text("[data-testid=vault-folder]").await == expected).then_some(())
    })
    .await;
}

/// Screenshots the window in both themes as `<name>-light` and `<name>-dark`, after scrolling
/// `css` into view.
async fn both_themes(app: &App, css: &str, name: &str) {
    for theme in ["light", "dark"] {
        app.js(&format!(
            "document.documentElement.dataset.theme = '{theme}'; \
             document.querySelector('{css}').scrollIntoView({{block: 'center'}}); return true"
        ))
        .await;
        app.screenshot(&format!("{name}-{theme}")).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_moves_the_vault_into_a_picked_folder_and_it_opens_from_there_after_a_restart() {
    let (data, synced) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let target = synced.path().join("Countersign");
    seed_vault(
        data.path(),
        PASSWORD,
        &[GITHUB.to_owned(), GITLAB.to_owned()],
    );
    let launch = Launch {
        env: vec![(
            "COUNTERSIGN_TEST_OPEN_FOLDER".into(),
            target.display().to_string(),
        )],
        ..Launch::folder(data.path())
    };
    let app = App::launch_with(launch.clone()).await;
    app.wait_for_issuers(&["GitHub", "GitLab"]).await;
    app.click("[data-page=settings]").await;
    wait_for_folder(&app, data.path()).await;
    app.click("#move-vault").await;
    wait_for_folder(&app, &target).await;
    both_themes(&app, "#location-title", "settings-vault-location").await;
    // Focus, moved by the keyboard, shows on the section's buttons.
    app.js("document.getElementById('move-vault').focus(); return true")
        .await;
    app.keys("\u{E004}").await; // Tab
    assert_eq!(app.focused_id().await, "open-vault");
    app.screenshot("settings-vault-location-focus").await;

    app.click("[data-page=codes]").await;
    app.wait_for_issuers(&["GitHub", "GitLab"]).await;
    assert!(target.join("vault.countersign").is_file());
    assert!(!data.path().join("vault.countersign").exists());
    assert!(!data.path().join("backups").exists());
    assert!(target.join("backups").is_dir());

    // The new folder is the one watched: another computer's save synced in there is merged.
    let there = tempfile::tempdir().unwrap();
    fs::copy(target.join(VAULT_FILE), there.path().join(VAULT_FILE)).unwrap();
    let mut other = Store::open(there.path())
        .unwrap()
        .unlock_with_password(PASSWORD)
        .unwrap();
    other
        .add(countersign_otp::parse_uri(DROPBOX).unwrap())
        .unwrap();
    other.lock();
    let incoming = target.join(".syncthing.incoming.tmp");
    fs::copy(there.path().join(VAULT_FILE), &incoming).unwrap();
    fs::rename(&incoming, target.join(VAULT_FILE)).unwrap();
    app.wait_for_issuers(&["GitHub", "GitLab", "Dropbox"]).await;
    app.quit().await;

    // Restarted (the dialog no longer answered): the keyring opens it from its new folder.
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.wait_for_issuers(&["GitHub", "GitLab", "Dropbox"]).await;
    app.click("[data-page=settings]").await;
    wait_for_folder(&app, &target).await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn onboarding_opens_an_existing_vault_kept_elsewhere_with_its_password() {
    let (data, elsewhere) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    seed_vault(elsewhere.path(), PASSWORD, &[GITHUB.to_owned()]);
    let file = elsewhere.path().join("vault.countersign");
    let app = App::launch_with(Launch {
        env: vec![(
            "COUNTERSIGN_TEST_OPEN_PATH".into(),
            file.display().to_string(),
        )],
        ..Launch::folder(data.path())
    })
    .await;
    app.find("#open-existing").await;
    both_themes(&app, "#open-existing", "onboarding-existing-vault").await;
    app.click("#open-existing").await;
    app.type_into("#unlock-secret", PASSWORD).await;
    app.keys("\u{E007}").await; // Enter
    app.wait_for_issuers(&["GitHub"]).await;
    // It stays where it was; the data folder only remembers it.
    assert!(file.is_file());
    assert!(!data.path().join("vault.countersign").exists());
    assert!(data.path().join("location.json").is_file());
    app.click("[data-page=settings]").await;
    wait_for_folder(&app, elsewhere.path()).await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_holding_another_vault_is_refused_and_nothing_moves() {
    let (data, other) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    seed_vault(data.path(), PASSWORD, &[GITHUB.to_owned()]);
    seed_vault(other.path(), PASSWORD, &[GITLAB.to_owned()]);
    let (ours, theirs) = (
        fs::read(data.path().join(VAULT_FILE)).unwrap(),
        fs::read(other.path().join(VAULT_FILE)).unwrap(),
    );
    let app = App::launch_with(Launch {
        env: vec![(
            "COUNTERSIGN_TEST_OPEN_FOLDER".into(),
            other.path().display().to_string(),
        )],
        ..Launch::folder(data.path())
    })
    .await;
    app.wait_for_issuers(&["GitHub"]).await;
    app.click("[data-page=settings]").await;
    wait_for_folder(&app, data.path()).await;
    app.click("#move-vault").await;
    let error = app.text("[role=alert]").await;
    assert_eq!(
        error,
        format!("{} already holds another vault.", other.path().display())
    );
    wait_for_folder(&app, data.path()).await;
    assert_eq!(fs::read(data.path().join(VAULT_FILE)).unwrap(), ours);
    assert_eq!(fs::read(other.path().join(VAULT_FILE)).unwrap(), theirs);
    assert!(!data.path().join("location.json").exists());
    app.quit().await;
}
