//! Issue #15: a vault in a synced folder. Another computer's version arrives in the data folder
//! while the window is open and unlocked (the vault file replaced, or a conflict copy beside
//! it): the open list shows what it brought, without a restart, and a toast says so.

use std::fs;
use std::path::Path;

use countersign_e2e::{App, Launch, seed_vault};
use countersign_vault::{BackupPolicy, Recovery, Store, Unlocked, VAULT_FILE};

const PASSWORD: &str = "correct horse battery";

fn totp(issuer: &str, secret: &str) -> String {
    format!("otpauth://totp/{issuer}:alice?secret={secret}&issuer={issuer}")
}

fn github() -> String {
    totp("GitHub", "JBSWY3DPEHPK3PXP")
}

fn bank() -> String {
    totp("Bank", "GEZDGNBVGY3TQOJQ")
}

fn account(uri: &str) -> countersign_otp::Account {
    countersign_otp::parse_uri(uri).unwrap()
}

/// "Another computer": a copy of the vault in `data`, changed by `change` in a folder of its
/// own; returns the file it saved.
pub(crate) fn elsewhere(data: &Path, change: impl FnOnce(&mut Unlocked)) -> Vec<u8> {
    let there = tempfile::tempdir().unwrap();
    fs::copy(data.join(VAULT_FILE), there.path().join(VAULT_FILE)).unwrap();
    let store = Store::open(there.path()).unwrap();
    let mut vault = store.unlock_with_password(PASSWORD).unwrap();
    change(&mut vault);
    vault.lock();
    fs::read(there.path().join(VAULT_FILE)).unwrap()
}

/// Writes `bytes` to `path` as a sync engine does: a temporary file, renamed over it.
pub(crate) fn synced_in(path: &Path, bytes: &[u8]) {
    let temporary = path.with_file_name(".syncthing.incoming.tmp");
    fs::write(&temporary, bytes).unwrap();
    fs::rename(&temporary, path).unwrap();
}

async fn launched(uris: &[String]) -> (App, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    seed_vault(data.path(), PASSWORD, uris);
    let app = App::launch_with(Launch::folder(data.path())).await;
    app.find("li.row").await;
    (app, data)
}

async fn wait_for_toast(app: &App, expected: &str) {
    app.wait_for(&format!("the toast \"{expected}\""), || async {
        let text = app
            .js("return document.querySelector('.toast span')?.textContent ?? ''")
            .await;
        (text.as_str() == Some(expected)).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn accounts_added_on_another_computer_appear_in_the_open_list() {
    let (app, data) = launched(&[github(), bank()]).await;
    app.wait_for_issuers(&["GitHub", "Bank"]).await;

    let saved = elsewhere(data.path(), |vault| {
        vault
            .add(account(&totp("Dropbox", "KRSXG5CTMVRXEZLU")))
            .unwrap();
    });
    synced_in(&data.path().join(VAULT_FILE), &saved);
    app.wait_for_issuers(&["GitHub", "Bank", "Dropbox"]).await;
    wait_for_toast(&app, "1 account added on another computer.").await;
    app.screenshot("sync-added-light").await;

    // The same in the dark theme, two at once.
    app.js("document.documentElement.dataset.theme = 'dark'; return null")
        .await;
    let saved = elsewhere(data.path(), |vault| {
        vault
            .add(account(&totp("Fastmail", "MFRGGZDFMZTWQ2LK")))
            .unwrap();
        vault
            .add(account(&totp("Gandi", "ONSWG4TFOQYTEMZU")))
            .unwrap();
    });
    synced_in(&data.path().join(VAULT_FILE), &saved);
    app.wait_for_issuers(&["GitHub", "Bank", "Dropbox", "Fastmail", "Gandi"])
        .await;
    wait_for_toast(&app, "2 accounts added on another computer.").await;
    app.screenshot("sync-added-dark").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_conflict_copy_is_merged_and_removed_and_a_stranger_is_named_once() {
    let (app, data) = launched(&[github(), bank()]).await;
    // A search under way stays as it is.
    app.keys("Git").await;
    app.wait_for_issuers(&["GitHub"]).await;

    let saved = elsewhere(data.path(), |vault| {
        vault
            .add(account(&totp("GitLab", "KRSXG5CTMVRXEZLU")))
            .unwrap();
    });
    let copy = data
        .path()
        .join("vault.sync-conflict-20261206-101010-ABCDEFG.countersign");
    synced_in(&copy, &saved);
    app.wait_for_issuers(&["GitHub", "GitLab"]).await;
    wait_for_toast(&app, "1 account added on another computer.").await;
    assert_eq!(app.prop("#search", "value").await, "Git");
    app.wait_for("the merged copy to be removed", || async {
        (!copy.exists()).then_some(())
    })
    .await;

    // A copy of another vault is left where it is, and said once.
    let stranger = tempfile::tempdir().unwrap();
    seed_vault(stranger.path(), PASSWORD, &[]);
    let strange = data
        .path()
        .join("vault.sync-conflict-20261206-111111-STRANGE.countersign");
    synced_in(
        &strange,
        &fs::read(stranger.path().join(VAULT_FILE)).unwrap(),
    );
    wait_for_toast(
        &app,
        "Left vault.sync-conflict-20261206-111111-STRANGE.countersign alone: it holds another \
         vault.",
    )
    .await;
    assert!(strange.exists());
    app.quit().await;

    // What the window showed is what the file holds.
    let store = Store::open(data.path()).unwrap();
    let vault = store.unlock_with_password(PASSWORD).unwrap();
    let mut issuers: Vec<&str> = vault
        .entries()
        .iter()
        .map(|entry| entry.account.issuer.as_str())
        .collect();
    issuers.sort();
    assert_eq!(issuers, ["Bank", "GitHub", "GitLab"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_password_changed_on_another_computer_locks_and_says_so() {
    let (app, data) = launched(&[github()]).await;
    let saved = elsewhere(data.path(), |vault| {
        let _ = vault
            .change_password(
                PASSWORD,
                "new password here",
                Recovery::Replace,
                BackupPolicy::Remove,
            )
            .unwrap();
    });
    synced_in(&data.path().join(VAULT_FILE), &saved);
    let notice = app.text("[data-testid=unlock-notice]").await;
    assert_eq!(
        notice,
        "The password was changed on another computer. Unlock with the new one."
    );
    app.type_into("#unlock-secret", "new password here").await;
    app.keys("\u{E007}").await; // Enter
    app.wait_for_issuers(&["GitHub"]).await;
    app.quit().await;
}
