//! Issue #6: moving in and out through the Transfer page. Import a real Aegis export (the
//! person's open dialog answered by COUNTERSIGN_TEST_OPEN_PATH), see the preview, import, and
//! check the codes against oathtool; a wrong file password imports nothing; export a Countersign
//! backup and restore it in a fresh app; export the otpauth:// list; show the QR codes and read
//! them back from the screen with zbarimg. Raivo OTP's WinZip AES archive and WinAuth's ZipCrypto
//! ZIP open with their passwords (a wrong one first, for Raivo) and preview what they hold.

use std::path::{Path, PathBuf};
use std::process::Command;

use countersign_e2e::thirtyfour::prelude::*;
use countersign_e2e::{App, Launch, oathtool, unix_now};
use serde_json::Value;

/// The vault password of every test app.
const PASSWORD: &str = "correct horse battery";

/// The third-party exports of EXPECTED.md, when ../shared is beside the repository.
fn fixtures() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/aegis-importers");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("SKIPPED: {} is absent", dir.display());
        None
    }
}

/// Launches the app with its file dialogs answered by `open` and `save`.
async fn launch(open: Option<&Path>, save: Option<&Path>) -> App {
    let mut env = Vec::new();
    if let Some(path) = open {
        env.push((
            "COUNTERSIGN_TEST_OPEN_PATH".to_owned(),
            path.display().to_string(),
        ));
    }
    if let Some(path) = save {
        env.push((
            "COUNTERSIGN_TEST_SAVE_PATH".to_owned(),
            path.display().to_string(),
        ));
    }
    App::launch_with(Launch {
        env,
        ..Launch::default()
    })
    .await
}

/// Polls `script` until it returns `expected`.
async fn wait_js(app: &App, what: &str, script: &str, expected: Value) {
    app.wait_for(what, || async {
        (app.js(script).await == expected).then_some(())
    })
    .await;
}

/// The rows of the import preview: "issuer|name|kind|status", in file order.
async fn preview_rows(app: &App) -> Vec<String> {
    app.find("[data-testid=import-preview]").await;
    let rows = app.js("return [...document.querySelectorAll('[data-testid=import-preview] li.item')].map(li => \
         [li.querySelector('.issuer').textContent.trim(), \
          (li.querySelector('.name') || {textContent: ''}).textContent.trim(), \
          li.querySelector('.kind').textContent.trim(), li.dataset.status, \
          String(li.querySelector('input').checked)].join('|'))",
    )
    .await;
    strings(&rows)
}

/// The account list: "issuer|name|code", in screen order.
async fn code_rows(app: &App) -> Vec<String> {
    let rows = app.js("return [...document.querySelectorAll('li.row')].map(li => \
         [li.querySelector('.issuer').textContent.trim(), \
          (li.querySelector('.account') || {textContent: ''}).textContent.trim(), \
          (li.querySelector('[data-testid=code]') || {dataset: {code: ''}}).dataset.code].join('|'))",
    )
    .await;
    strings(&rows)
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|item| item.as_str().expect("a string").to_owned())
        .collect()
}

async fn open_transfer(app: &App) {
    app.click("[data-page=transfer]").await;
    app.find("#import-file").await;
}

/// Chooses a theme in Settings, as a person would, and comes back to the Transfer page.
async fn choose_theme(app: &App, theme: &str) {
    app.choose_theme(theme).await;
    open_transfer(app).await;
}

/// Imports the file the open dialog answers with: the preview, then every new account.
async fn import_all(app: &App, expected_count: usize) {
    app.click("#import-file").await;
    let rows = preview_rows(app).await;
    assert_eq!(rows.len(), expected_count, "{rows:?}");
    app.click("#import-selected").await;
    let status = wait_status(app, "Imported").await;
    let noun = if expected_count == 1 {
        "account"
    } else {
        "accounts"
    };
    assert_eq!(status, format!("Imported {expected_count} {noun}."));
}

/// Waits for the page's status line to start with `prefix`, and returns it.
async fn wait_status(app: &App, prefix: &str) -> String {
    app.wait_for(&format!("a status starting with {prefix:?}"), || async {
        let text = app
            .js("return document.querySelector('#transfer-status span')?.textContent.trim() || ''")
            .await;
        text.as_str()
            .filter(|text| text.starts_with(prefix))
            .map(str::to_owned)
    })
    .await
}

/// The accounts of `list_file()`: a few kinds, algorithms and a non-ASCII name.
const LIST: &str = "otpauth://totp/ACME%20Co:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60\n\
otpauth://hotp/Bank:card?secret=GEZDGNBVGY3TQOJQ&issuer=Bank&counter=5\n\
otpauth://totp/Zo%C3%AB?secret=KRUGS4ZANFZSAYJAORSXG5A\n";

/// The same accounts as Countersign exports them: every parameter spelled out.
const EXPORTED: [&str; 3] = [
    "otpauth://totp/ACME%20Co:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60",
    "otpauth://hotp/Bank:card?secret=GEZDGNBVGY3TQOJQ&issuer=Bank&algorithm=SHA1&digits=6&counter=5",
    "otpauth://totp/Zo%C3%AB?secret=KRUGS4ZANFZSAYJAORSXG5A&algorithm=SHA1&digits=6&period=30",
];

const LIST_PREVIEW: [&str; 3] = [
    "ACME Co|alice|TOTP|new|true",
    "Bank|card|HOTP|new|true",
    "Zoë||TOTP|new|true",
];

fn list_file(dir: &Path) -> PathBuf {
    let path = dir.join("accounts.txt");
    std::fs::write(&path, LIST).unwrap();
    path
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A Steam Guard code, computed here independently of the app (oathtool has no Steam mode):
/// HOTP-SHA1 dynamic truncation over the 30 s step, written in Steam's 26-letter alphabet.
fn steam_code(secret: &str, at: u64) -> String {
    let script = "import base64,hashlib,hmac,struct,sys\n\
s=sys.argv[1]; key=base64.b32decode(s+'='*(-len(s)%8))\n\
h=hmac.new(key,struct.pack('>Q',int(sys.argv[2])//30),hashlib.sha1).digest()\n\
o=h[19]&15; v=struct.unpack('>I',h[o:o+4])[0]&0x7fffffff\n\
a='23456789BCDFGHJKMNPQRTVWXY'; c=''\n\
for _ in range(5): c+=a[v%26]; v//=26\n\
print(c)";
    let output = Command::new("python3")
        .args(["-c", script, secret, &at.to_string()])
        .output()
        .expect("python3 runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// The code oathtool gives for a time-based account at Unix time `at`.
fn totp(secret: &str, algorithm: &str, digits: u32, period: u64, at: u64) -> String {
    oathtool(&[
        &format!("--totp={algorithm}"),
        "--base32",
        &format!("--digits={digits}"),
        &format!("--time-step-size={period}s"),
        &format!("--now=@{at}"),
        secret,
    ])
}

/// The code oathtool gives for an HOTP account at `counter`. oathtool's HOTP mode is SHA-1 only;
/// its TOTP mode with a 1 s step at time `counter` is HOTP at that counter with any algorithm.
fn hotp(secret: &str, algorithm: &str, digits: u32, counter: u64) -> String {
    totp(secret, algorithm, digits, 1, counter)
}

/// The codes an account of `kind` may show while the list was read during `seconds`: one for
/// HOTP (`moving` is its counter), one per second for TOTP and Steam (`moving` is the period).
fn expected_codes(
    kind: &str,
    secret: &str,
    algorithm: &str,
    digits: u32,
    moving: u64,
    seconds: std::ops::RangeInclusive<u64>,
) -> Vec<String> {
    match kind {
        "HOTP" => vec![hotp(secret, algorithm, digits, moving)],
        "Steam" => seconds.map(|t| steam_code(secret, t)).collect(),
        _ => seconds
            .map(|t| totp(secret, algorithm, digits, moving, t))
            .collect(),
    }
}

/// The fixture's accounts from EXPECTED.md that Aegis holds (not Battle.net): issuer, name,
/// type, secret, algorithm, digits, period or counter.
const AEGIS_ACCOUNTS: [(&str, &str, &str, &str, &str, u32, u64); 7] = [
    (
        "Deno",
        "Mason",
        "TOTP",
        "4SJHB4GSD43FZBAI7C2HLRJGPQ",
        "SHA1",
        6,
        30,
    ),
    (
        "SPDX",
        "James",
        "TOTP",
        "5OM4WOOGPLQEF6UGN3CPEOOLWU",
        "SHA256",
        7,
        20,
    ),
    (
        "Airbnb",
        "Elijah",
        "TOTP",
        "7ELGJSGXNCCTV3O6LKJWYFV2RA",
        "SHA512",
        8,
        50,
    ),
    (
        "Issuu",
        "James",
        "HOTP",
        "YOOMIXWS5GN6RTBPUFFWKTW5M4",
        "SHA1",
        6,
        1,
    ),
    (
        "Air Canada",
        "Benjamin",
        "HOTP",
        "KUVJJOM753IHTNDSZVCNKL7GII",
        "SHA256",
        7,
        50,
    ),
    (
        "WWE",
        "Mason",
        "HOTP",
        "5VAML3X35THCEBVRLV24CGBKOY",
        "SHA512",
        8,
        10300,
    ),
    (
        "Boeing",
        "Sophia",
        "Steam",
        "JRZCL47CMXVOQMNPZR2F7J4RGI",
        "SHA1",
        5,
        30,
    ),
];

#[tokio::test(flavor = "multi_thread")]
async fn importing_an_encrypted_aegis_export_shows_seven_accounts_and_their_codes() {
    let Some(fixtures) = fixtures() else { return };
    let app = launch(Some(&fixtures.join("aegis_encrypted.json")), None).await;
    app.onboard(PASSWORD).await;
    open_transfer(&app).await;
    app.screenshot("transfer-light").await;

    app.click("#import-file").await;
    let title = app.text("#modal-title").await;
    assert_eq!(title, "Open aegis_encrypted.json");
    app.type_into("#reauth-password", "test").await;
    app.click("form.prompt button[type=submit]").await;

    let rows = preview_rows(&app).await;
    let expected: Vec<String> = AEGIS_ACCOUNTS
        .iter()
        .map(|(issuer, name, kind, ..)| format!("{issuer}|{name}|{kind}|new|true"))
        .collect();
    assert_eq!(rows, expected);
    assert_eq!(app.text("#preview-summary").await, "7 new");
    assert_eq!(app.text(".source .format").await, "Aegis");
    assert_eq!(app.text("#import-selected").await, "Import 7 accounts");
    app.screenshot("transfer-import-preview-light").await;

    app.click("#import-selected").await;
    assert_eq!(wait_status(&app, "Imported").await, "Imported 7 accounts.");
    app.click("#transfer-status button").await;
    app.wait_for("seven accounts listed", || async {
        (code_rows(&app).await.len() == 7).then_some(())
    })
    .await;

    // HOTP codes are made when asked for: the first is the one at the file's counter.
    for (issuer, _, kind, ..) in AEGIS_ACCOUNTS {
        if kind == "HOTP" {
            let button = format!("button[aria-label='Next code for {issuer}']");
            app.hover(&format!("li.row:has({button})")).await;
            app.click(&button).await;
        }
    }
    let before = unix_now();
    let rows = app
        .wait_for("every code shown", || async {
            let rows = code_rows(&app).await;
            rows.iter().all(|row| !row.ends_with('|')).then_some(rows)
        })
        .await;
    let after = unix_now();
    for (row, (issuer, name, kind, secret, algorithm, digits, moving)) in
        rows.iter().zip(AEGIS_ACCOUNTS)
    {
        let (shown_issuer, rest) = row.split_once('|').unwrap();
        let (shown_name, code) = rest.split_once('|').unwrap();
        assert_eq!((shown_issuer, shown_name), (issuer, name));
        let candidates = expected_codes(kind, secret, algorithm, digits, moving, before..=after);
        assert!(
            candidates.iter().any(|candidate| candidate == code),
            "{issuer}: shown {code}, expected one of {candidates:?}"
        );
    }
    app.screenshot("transfer-imported-codes").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_file_password_says_so_and_imports_nothing() {
    let Some(fixtures) = fixtures() else { return };
    let app = launch(Some(&fixtures.join("aegis_encrypted.json")), None).await;
    app.onboard(PASSWORD).await;
    open_transfer(&app).await;
    app.click("#import-file").await;
    app.type_into("#reauth-password", "not the password").await;
    app.click("form.prompt button[type=submit]").await;
    assert_eq!(
        app.text("form.prompt [role=alert]").await,
        "The password is wrong."
    );
    // The file stays open for another try, and nothing was previewed or added.
    assert_eq!(app.text("#modal-title").await, "Open aegis_encrypted.json");
    let previews = app
        .driver
        .find_all(By::Css("[data-testid=import-preview]"))
        .await
        .unwrap();
    assert!(previews.is_empty());
    app.click("dialog .close").await;
    app.click("[data-page=codes]").await;
    assert_eq!(app.text("#empty-title").await, "Add your first account");
    assert!(code_rows(&app).await.is_empty());
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_countersign_backup_restores_the_same_accounts_in_a_fresh_app() {
    let dir = tempfile::tempdir().unwrap();
    let list = list_file(dir.path());
    let backup = dir.path().join("backup.countersign");

    let first = launch(Some(&list), Some(&backup)).await;
    first.onboard(PASSWORD).await;
    open_transfer(&first).await;
    import_all(&first, 3).await;
    first.click("[data-export=countersign]").await;
    assert_eq!(
        first.text("#modal-title").await,
        "Export a Countersign backup"
    );
    first.type_into("#export-vault-password", PASSWORD).await;
    first
        .type_into("#export-file-password", "backup password")
        .await;
    first
        .type_into("#export-file-confirm", "backup password")
        .await;
    first.click("#export-save").await;
    let status = wait_status(&first, "Exported").await;
    assert_eq!(
        status,
        format!("Exported 3 accounts to {}.", backup.display())
    );
    let bytes = std::fs::read(&backup).unwrap();
    assert!(bytes.starts_with(b"CSVAULT\0"), "the vault format");
    #[cfg(unix)]
    assert_eq!(mode(&backup), 0o600);
    first.click("[data-page=codes]").await;
    let exported_rows = first
        .wait_for("three accounts", || async {
            let rows = code_rows(&first).await;
            (rows.len() == 3).then_some(rows)
        })
        .await;
    first.quit().await;

    let second = launch(Some(&backup), None).await;
    second.onboard(PASSWORD).await;
    open_transfer(&second).await;
    second.click("#import-file").await;
    assert_eq!(second.text("#modal-title").await, "Open backup.countersign");
    second
        .type_into("#reauth-password", "backup password")
        .await;
    second.click("form.prompt button[type=submit]").await;
    assert_eq!(preview_rows(&second).await, LIST_PREVIEW);
    assert_eq!(second.text(".source .format").await, "Countersign backup");
    second.click("#import-selected").await;
    assert_eq!(
        wait_status(&second, "Imported").await,
        "Imported 3 accounts."
    );
    second.click("#transfer-status button").await;
    // Same accounts, same secrets: the same codes (a step boundary may fall in between).
    let restored = second
        .wait_for("three accounts", || async {
            let rows = code_rows(&second).await;
            (rows.len() == 3).then_some(rows)
        })
        .await;
    let names = |rows: &[String]| -> Vec<String> {
        rows.iter()
            .map(|row| row.rsplit_once('|').unwrap().0.to_owned())
            .collect()
    };
    assert_eq!(names(&restored), names(&exported_rows));
    assert_eq!(names(&restored), ["ACME Co|alice", "Bank|card", "Zoë|"]);
    let now = unix_now();
    let acme = restored[0].rsplit_once('|').unwrap().1;
    let expected: Vec<String> = [now - 1, now]
        .iter()
        .map(|t| totp("JBSWY3DPEHPK3PXP", "SHA256", 8, 60, *t))
        .collect();
    assert!(
        expected.iter().any(|code| code == acme),
        "{acme} vs {expected:?}"
    );
    second.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_otpauth_list_export_warns_then_writes_the_expected_uris() {
    let dir = tempfile::tempdir().unwrap();
    let list = list_file(dir.path());
    let out = dir.path().join("exported.txt");
    let app = launch(Some(&list), Some(&out)).await;
    app.onboard(PASSWORD).await;
    open_transfer(&app).await;
    import_all(&app, 3).await;

    // The same file again: every account is already there, and nothing can be imported.
    app.click("#import-file").await;
    let rows = preview_rows(&app).await;
    assert_eq!(
        rows,
        [
            "ACME Co|alice|TOTP|duplicate|false",
            "Bank|card|HOTP|duplicate|false",
            "Zoë||TOTP|duplicate|false",
        ]
    );
    assert_eq!(
        app.text("#import-item-1-detail").await,
        "Already in your vault as Bank (card)"
    );
    let import = app.find("#import-selected").await;
    assert_eq!(import.text().await.unwrap(), "Import 0 accounts");
    assert!(!import.is_enabled().await.unwrap());
    app.click("[data-testid=import-preview] button.button:not(.primary)")
        .await;

    app.click("[data-export=uris]").await;
    assert_eq!(
        app.text("#plain-warning p").await,
        "This file is not protected. It holds every secret in plain text: anyone who can read \
         it can make your codes. Import it right away, then delete it."
    );
    app.type_into("#export-vault-password", PASSWORD).await;
    let save = app.find("#export-save").await;
    assert!(
        !save.is_enabled().await.unwrap(),
        "not before the warning is acknowledged"
    );
    app.click("#export-understood").await;
    // A wrong vault password writes nothing.
    app.find("#export-vault-password")
        .await
        .clear()
        .await
        .unwrap();
    app.type_into("#export-vault-password", "wrong password")
        .await;
    app.click("#export-save").await;
    assert_eq!(
        app.text("[data-testid=export-form] [role=alert]").await,
        "That password is not right."
    );
    assert!(!out.exists());
    app.type_into("#export-vault-password", PASSWORD).await;
    app.click("#export-save").await;
    let status = wait_status(&app, "Exported").await;
    assert_eq!(status, format!("Exported 3 accounts to {}.", out.display()));
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().collect::<Vec<_>>(), EXPORTED);
    #[cfg(unix)]
    assert_eq!(mode(&out), 0o600);
    app.quit().await;
}

/// Decodes the QR codes visible in a screenshot with zbarimg, independently of the app.
fn zbar(png: &Path) -> Vec<String> {
    let output = Command::new("zbarimg")
        .args(["--raw", "-q", "-Sdisable", "-Sqrcode.enable"])
        .arg(png)
        .output()
        .expect("zbarimg is installed (zbar-tools)");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn qr_codes_are_shown_one_at_a_time_and_hold_the_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let list = list_file(dir.path());
    let app = launch(Some(&list), None).await;
    app.onboard(PASSWORD).await;
    choose_theme(&app, "dark").await;
    app.screenshot("transfer-dark").await;
    app.click("#import-file").await;
    assert_eq!(preview_rows(&app).await, LIST_PREVIEW);
    app.screenshot("transfer-import-preview-dark").await;
    app.click("#import-selected").await;
    wait_status(&app, "Imported").await;

    // One code per account, paged with Next and Previous.
    app.click("[data-export=qr]").await;
    app.click("#qr-style-account").await;
    app.type_into("#reauth-password", PASSWORD).await;
    app.click("form.prompt button[type=submit]").await;
    assert_eq!(app.text("#qr-label").await, "ACME Co (alice)");
    assert_eq!(app.text("#qr-position").await, "1 of 3");
    let shot = app.screenshot("transfer-qr-dark").await;
    assert_eq!(zbar(&shot), [EXPORTED[0]]);
    app.click("#qr-next").await;
    wait_js(
        &app,
        "the second code",
        "return document.getElementById('qr-position').textContent.trim()",
        Value::from("2 of 3"),
    )
    .await;
    assert_eq!(app.text("#qr-label").await, "Bank (card)");
    assert_eq!(zbar(&app.screenshot("transfer-qr-2").await), [EXPORTED[1]]);
    app.click("#qr-next").await;
    wait_js(
        &app,
        "the last code",
        "return document.getElementById('qr-position').textContent.trim()",
        Value::from("3 of 3"),
    )
    .await;
    assert!(!app.find("#qr-next").await.is_enabled().await.unwrap());
    app.click("#qr-previous").await;
    wait_js(
        &app,
        "back to the second code",
        "return document.getElementById('qr-label').textContent.trim()",
        Value::from("Bank (card)"),
    )
    .await;
    app.click("dialog .close").await;

    // Google Authenticator's transfer codes: one batch of what that format can hold.
    choose_theme(&app, "light").await;
    app.click("[data-export=qr]").await;
    app.type_into("#reauth-password", PASSWORD).await;
    app.click("form.prompt button[type=submit]").await;
    assert_eq!(app.text("#qr-label").await, "Batch 1 of 1");
    assert_eq!(app.text("#qr-position").await, "1 of 1");
    let shot = app.screenshot("transfer-qr-light").await;
    let texts = zbar(&shot);
    assert_eq!(texts.len(), 1, "{texts:?}");
    let batch = countersign_otp::decode_migration(&texts[0]).expect("a migration QR");
    // Google's format has no period: the 60-second account is left out, and the dialog says so.
    let expected: Vec<_> = EXPORTED[1..]
        .iter()
        .map(|uri| countersign_otp::parse_uri(uri).unwrap())
        .collect();
    assert_eq!(batch.accounts, expected);
    assert_eq!(
        app.text(".left-out li").await,
        "ACME Co (alice): Google Authenticator only supports a 30 s period, not 60 s"
    );
    app.quit().await;
}

/// A file of the backup crate's test data: Raivo OTP and WinAuth exports built as those apps
/// write them (crates/backup/tests/data/RAIVO_WINAUTH.md).
fn backup_data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/backup/tests/data")
        .join(name)
}

/// Raivo OTP's accounts: issuer, name, type, secret, algorithm, digits, period or counter.
const RAIVO_ACCOUNTS: [(&str, &str, &str, &str, &str, u32, u64); 4] = [
    (
        "GitHub",
        "octocat@example.com",
        "TOTP",
        "JBSWY3DPEHPK3PXP",
        "SHA1",
        6,
        30,
    ),
    (
        "AT&T / Mobile",
        "alice",
        "TOTP",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "SHA256",
        8,
        60,
    ),
    (
        "Bank",
        "bob",
        "HOTP",
        "KRUGS4ZANFZSAYJAONSWG4TFOQ",
        "SHA512",
        6,
        42,
    ),
    (
        "Zürich Kantonalbank",
        "",
        "TOTP",
        "GEZDGNBVGY3TQOJQ",
        "SHA1",
        6,
        30,
    ),
];

#[tokio::test(flavor = "multi_thread")]
async fn a_raivo_archive_opens_with_its_password_and_gives_the_right_codes() {
    let app = launch(Some(&backup_data("raivo/raivo_aes256.zip")), None).await;
    app.onboard(PASSWORD).await;
    open_transfer(&app).await;
    let hint = app
        .text("section[aria-labelledby=import-title] .hint")
        .await;
    assert!(
        hint.contains("Raivo OTP") && hint.contains("WinAuth"),
        "{hint}"
    );
    app.screenshot("transfer-import-hint-light").await;
    app.click("#import-file").await;
    assert_eq!(app.text("#modal-title").await, "Open raivo_aes256.zip");
    app.type_into("#reauth-password", "raivo-tset").await;
    app.click("form.prompt button[type=submit]").await;
    assert_eq!(
        app.text("form.prompt [role=alert]").await,
        "The password is wrong."
    );
    app.find("#reauth-password").await.clear().await.unwrap();
    app.type_into("#reauth-password", "raivo-test").await;
    app.click("form.prompt button[type=submit]").await;

    let rows = preview_rows(&app).await;
    let expected: Vec<String> = RAIVO_ACCOUNTS
        .iter()
        .map(|(issuer, name, kind, ..)| format!("{issuer}|{name}|{kind}|new|true"))
        .collect();
    assert_eq!(rows, expected);
    assert_eq!(app.text(".source .format").await, "Raivo OTP");
    app.screenshot("transfer-import-preview-raivo").await;
    app.click("#import-selected").await;
    assert_eq!(wait_status(&app, "Imported").await, "Imported 4 accounts.");
    app.click("#transfer-status button").await;
    app.wait_for("four accounts listed", || async {
        (code_rows(&app).await.len() == 4).then_some(())
    })
    .await;

    let button = "button[aria-label='Next code for Bank']";
    app.hover(&format!("li.row:has({button})")).await;
    app.click(button).await;
    let before = unix_now();
    let rows = app
        .wait_for("every code shown", || async {
            let rows = code_rows(&app).await;
            rows.iter().all(|row| !row.ends_with('|')).then_some(rows)
        })
        .await;
    let after = unix_now();
    for (issuer, name, kind, secret, algorithm, digits, moving) in RAIVO_ACCOUNTS {
        let row = rows
            .iter()
            .find(|row| row.starts_with(&format!("{issuer}|{name}|")))
            .unwrap_or_else(|| panic!("{issuer} not listed: {rows:?}"));
        let code = row.rsplit('|').next().unwrap();
        let candidates = expected_codes(kind, secret, algorithm, digits, moving, before..=after);
        assert!(
            candidates.iter().any(|candidate| candidate == code),
            "{issuer}: shown {code}, expected one of {candidates:?}"
        );
    }
    app.screenshot("transfer-imported-raivo-codes").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_winauth_zip_opens_with_its_password_and_keeps_winauth_names() {
    let app = launch(Some(&backup_data("winauth/winauth-export.zip")), None).await;
    app.onboard(PASSWORD).await;
    choose_theme(&app, "dark").await;
    app.click("#import-file").await;
    assert_eq!(app.text("#modal-title").await, "Open winauth-export.zip");
    app.type_into("#reauth-password", "winauth-test").await;
    app.click("form.prompt button[type=submit]").await;
    assert_eq!(
        preview_rows(&app).await,
        [
            "Google|alice@gmail.com|TOTP|new|true",
            "Work VPN||TOTP|new|true",
            "Battle.net|Battle.net|TOTP|new|true",
            "Steam|gaben|Steam|new|true",
            "Home Router||HOTP|new|true",
            "My Bank|joint+savings|TOTP|new|true",
        ]
    );
    assert_eq!(app.text(".source .format").await, "WinAuth");
    app.screenshot("transfer-import-preview-winauth-dark").await;
    app.click("#import-selected").await;
    assert_eq!(wait_status(&app, "Imported").await, "Imported 6 accounts.");
    app.quit().await;
}
