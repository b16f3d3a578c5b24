//! Issue #5: adding accounts by scanning a QR code on the real X screen, in an image file, on
//! the clipboard and from a (recorded) camera, as a person clicks through the add dialog.
//!
//! Tests that show things on screen or use the clipboard run the app on an X server of their
//! own, so that what other tests show at the same time (recovery-key QR codes, copied codes)
//! cannot reach them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use countersign_e2e::thirtyfour::prelude::*;
use countersign_e2e::{App, Display, Launch, avoid_step_boundary, qr_png, recent_totp};
use countersign_otp::{Account, Secret, encode_migration};

const PASSWORD: &str = "correct horse battery";
/// Shown on the screen by the screen test.
const SCREEN_SECRET: &str = "KRSXG5CTMVRXEZLUKN2XAZLSNFXGO";
/// In an image file, for the dialog test.
const FILE_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
/// On the clipboard.
const CLIP_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

fn write_png(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, qr_png(text)).expect("write the test image");
    path
}

/// A child process killed when dropped (an image viewer, a clipboard owner).
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Launches the app with `launch`, makes a vault and opens the add dialog: where every scan
/// starts.
async fn launch_at_add_dialog(launch: Launch) -> App {
    let app = App::launch_with(launch).await;
    app.onboard(PASSWORD).await;
    open_add_dialog(&app).await;
    app
}

/// Opens the add dialog from the empty state's "More ways to add".
async fn open_add_dialog(app: &App) {
    app.click("button.more").await;
    app.find("[role=tablist]").await;
}

/// The code the first listed account shows.
async fn listed_code(app: &App) -> String {
    app.find("li.row [data-testid=code]")
        .await
        .attr("data-code")
        .await
        .expect("data-code")
        .expect("a code is shown")
}

/// Chooses the dark theme in Settings and returns to the codes.
pub(crate) async fn choose_dark_theme(app: &App) {
    app.click("[data-page=settings]").await;
    app.find("#theme").await.send_keys("Dark").await.unwrap();
    app.wait_for("the dark theme", || async {
        (app.js("return document.documentElement.dataset.theme")
            .await
            == "dark")
            .then_some(())
    })
    .await;
    app.click("[data-page=codes]").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn scanning_the_screen_adds_the_exact_account() {
    let display = Display::start();
    let app = launch_at_add_dialog(display.launch(&[])).await;
    // Scan screen is the first tab, chosen, with its button focused: Enter would do.
    assert_eq!(app.text("[role=tab][aria-selected=true]").await, "Screen");
    assert_eq!(app.focused_id().await, "scan-screen");
    app.screenshot("add-dialog-light").await;

    // Nothing on the screen yet: the dialog says so and offers the other ways.
    app.click("#scan-screen").await;
    let nothing = app.text("[data-testid=nothing-found]").await;
    assert!(
        nothing.starts_with("No QR code was found on your screen."),
        "{nothing}"
    );
    let others = app.js(
        "return [...document.querySelectorAll('[data-testid=scan-result] .buttons button')].map(b => b.textContent.trim())")
        .await;
    assert_eq!(
        others,
        serde_json::json!([
            "Try again",
            "Image",
            "Camera",
            "Clipboard",
            "Link",
            "Setup key"
        ])
    );
    app.screenshot("add-nothing-found").await;

    // A QR code in a window, then this window raised over it: the scan must look behind us.
    let dir = tempfile::tempdir().unwrap();
    let uri = format!(
        "otpauth://totp/Xvfb%20Corp:screen@example.com?secret={SCREEN_SECRET}&issuer=Xvfb%20Corp"
    );
    let png = write_png(dir.path(), "code.png", &uri);
    let _viewer = Killed(
        display
            .command("/usr/bin/display")
            .args(["-geometry", "+480+260"])
            .arg(&png)
            .spawn()
            .expect("ImageMagick's display is installed"),
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let raised = display
        .command("xdotool")
        .args(["search", "--name", "^Countersign$", "windowraise"])
        .status()
        .expect("xdotool is installed");
    assert!(raised.success(), "raise the app window");

    avoid_step_boundary(30, 5).await;
    app.click("[data-testid=scan-result] .buttons button.primary")
        .await;
    assert_eq!(app.prop("#scan-issuer", "value").await, "Xvfb Corp");
    assert_eq!(app.prop("#scan-name", "value").await, "screen@example.com");
    let preview = app
        .find("[data-testid=scan-code]")
        .await
        .attr("data-code")
        .await
        .unwrap()
        .unwrap();
    assert!(
        recent_totp(SCREEN_SECRET, 6, 30).contains(&preview),
        "preview {preview}"
    );
    app.screenshot("add-confirm-light").await;
    app.click("#scan-add").await;

    // The dialog closes; the list holds exactly the scanned account with oathtool's code.
    app.wait_for_issuers(&["Xvfb Corp"]).await;
    assert_eq!(app.text("li.row .account").await, "screen@example.com");
    avoid_step_boundary(30, 3).await;
    let code = listed_code(&app).await;
    assert!(recent_totp(SCREEN_SECRET, 6, 30).contains(&code), "{code}");
    let dialogs = app.driver.find_all(By::Css("dialog[open]")).await.unwrap();
    assert!(dialogs.is_empty(), "the add dialog closed");

    // Scanning it again finds the duplicate and adds nothing.
    app.click("button.add").await;
    app.click("#scan-screen").await;
    let note = app
        .text("[data-testid=scan-note][data-kind=duplicate]")
        .await;
    assert_eq!(
        note,
        "This account is already in your vault, as Xvfb Corp (screen@example.com). It was not added again."
    );
    app.click("#scan-done").await;
    app.wait_for_issuers(&["Xvfb Corp"]).await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_file_is_confirmed_with_an_edited_name_in_the_dark_theme() {
    let dir = tempfile::tempdir().unwrap();
    let uri = format!(
        "otpauth://totp/Files%20Inc:old-name?secret={FILE_SECRET}&issuer=Files%20Inc&digits=8"
    );
    let png = write_png(dir.path(), "code.png", &uri);
    let app = App::launch_with(Launch::with_env(
        "COUNTERSIGN_TEST_OPEN_PATH",
        png.display(),
    ))
    .await;
    app.onboard(PASSWORD).await;
    choose_dark_theme(&app).await;
    open_add_dialog(&app).await;
    app.screenshot("add-dialog-dark").await;

    // The tabs work from the keyboard: Right moves to "Image", focused and shown.
    app.find("#tab-screen").await.focus().await.unwrap();
    app.driver
        .action_chain()
        .send_keys("\u{E014}") // ArrowRight
        .perform()
        .await
        .unwrap();
    assert_eq!(app.focused_id().await, "tab-file");
    assert_eq!(app.prop("#tab-file", "ariaSelected").await, "true");
    app.find("#scan-file").await;
    app.screenshot("add-image-tab-dark").await;

    app.click("#scan-file").await;
    assert_eq!(app.prop("#scan-issuer", "value").await, "Files Inc");
    let name = app.find("#scan-name").await;
    name.clear().await.unwrap();
    name.send_keys("alice@files.example").await.unwrap();
    app.screenshot("add-confirm-dark").await;
    app.click("#scan-add").await;

    app.wait_for_issuers(&["Files Inc"]).await;
    assert_eq!(app.text("li.row .account").await, "alice@files.example");
    avoid_step_boundary(30, 3).await;
    let code = listed_code(&app).await;
    assert!(recent_totp(FILE_SECRET, 8, 30).contains(&code), "{code}");
    let toast = app.text(".toast span").await;
    assert_eq!(toast, "1 account added.");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_two_batch_google_export_is_added_batch_by_batch() {
    let secret = |s: &str| Secret::from_base32(s).unwrap();
    let accounts = [
        Account::totp(
            "Alpha",
            "a@example.com",
            secret("ORSXG5DBNRYGQYJAMJUWY3DJNZTQ"),
        ),
        Account::totp(
            "Beta",
            "b@example.com",
            secret("MFRGGZDFMZTWQ2LKNNWG23TPOBYXE"),
        ),
        Account::totp(
            "Gamma",
            "c@example.com",
            secret("NBSWY3DPO5XXE3DEEBQWEY3EMVTGO"),
        ),
    ];
    let export = encode_migration(&accounts, 2, -1_234_567);
    assert_eq!(export.uris.len(), 2, "two QR codes");
    let dir = tempfile::tempdir().unwrap();
    // The dialog "opens" this path each time; the test swaps what it holds.
    let path = dir.path().join("export.png");
    let app = launch_at_add_dialog(Launch::with_env(
        "COUNTERSIGN_TEST_OPEN_PATH",
        path.display(),
    ))
    .await;
    app.click("[data-tab=file]").await;

    std::fs::write(&path, qr_png(&export.uris[0])).unwrap();
    app.click("#scan-file").await;
    assert_eq!(
        app.text("[data-testid=scan-batch] strong").await,
        "Batch 1 of 2 scanned"
    );
    assert_eq!(
        app.text("[data-testid=scan-batch] span").await,
        "2 accounts added. Now scan batch 2."
    );
    app.screenshot("add-batch-1-of-2").await;

    std::fs::write(&path, qr_png(&export.uris[1])).unwrap();
    app.click("[data-testid=scan-batch] button").await;
    app.wait_for("the second batch", || async {
        let title = app.text("[data-testid=scan-batch] strong").await;
        (title == "Batch 2 of 2 scanned").then_some(())
    })
    .await;
    assert_eq!(
        app.text("[data-testid=scan-batch] span").await,
        "1 account added. Every batch of the export is in."
    );

    // The first QR code again: every account is already there, and nothing is added twice.
    std::fs::write(&path, qr_png(&export.uris[0])).unwrap();
    app.click("#scan-done").await;
    app.wait_for_issuers(&["Alpha", "Beta", "Gamma"]).await;
    app.click("button.add").await;
    app.click("[data-tab=file]").await;
    app.click("#scan-file").await;
    let again = app.text("[data-testid=scan-batch] span").await;
    assert_eq!(
        again,
        "2 accounts were already in your vault and not added again. Now scan batch 2."
    );
    app.click("#scan-done").await;
    app.wait_for_issuers(&["Alpha", "Beta", "Gamma"]).await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_web_address_qr_says_what_it_holds_and_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let png = write_png(dir.path(), "web.png", "https://example.com/login?next=%2F");
    let app = launch_at_add_dialog(Launch::with_env(
        "COUNTERSIGN_TEST_OPEN_PATH",
        png.display(),
    ))
    .await;
    app.click("[data-tab=file]").await;
    app.click("#scan-file").await;
    let note = app
        .text("[data-testid=scan-note][data-kind=web_address]")
        .await;
    assert_eq!(
        note,
        "This QR code holds a web address, not a two-factor account: https://example.com/login?next=%2F"
    );
    app.screenshot("add-web-address").await;
    app.click("#scan-done").await;
    // Still the empty state: nothing was added.
    assert_eq!(app.text("#empty-title").await, "Add your first account");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_clipboard_gives_a_screenshot_or_a_pasted_link() {
    let display = Display::start();
    let app = launch_at_add_dialog(display.launch(&[])).await;
    app.click("[data-tab=clipboard]").await;

    // A screenshot of a QR code on the clipboard, as a screenshot tool puts it there.
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("otpauth://totp/Clip:shot@example.com?secret={CLIP_SECRET}&issuer=Clip");
    let png = write_png(dir.path(), "shot.png", &uri);
    let mut xclip = display
        .command("xclip")
        .args(["-selection", "clipboard", "-t", "image/png", "-i"])
        .arg(&png)
        .spawn()
        .expect("xclip is installed");
    xclip.wait().unwrap(); // it forks a child that serves the clipboard
    app.click("#scan-clipboard").await;
    assert_eq!(app.prop("#scan-issuer", "value").await, "Clip");
    assert_eq!(app.prop("#scan-name", "value").await, "shot@example.com");
    app.click("#scan-add").await;
    app.wait_for_issuers(&["Clip"]).await;

    // Pasted text: the setup link among other lines.
    let mut child = display
        .command("xclip")
        .args(["-selection", "clipboard", "-i"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let text =
        "Your setup key:\notpauth://totp/Linked:text@example.com?secret=MZXW6YTBOI&issuer=Linked\n";
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    child.wait().unwrap();
    app.click("button.add").await;
    app.click("[data-tab=clipboard]").await;
    app.click("#scan-clipboard").await;
    assert_eq!(app.prop("#scan-issuer", "value").await, "Linked");
    app.click("#scan-add").await;
    app.wait_for_issuers(&["Clip", "Linked"]).await;

    // Text with no setup link: said so, nothing added.
    let mut child = display
        .command("xclip")
        .args(["-selection", "clipboard", "-i"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"just some words")
        .unwrap();
    child.wait().unwrap();
    app.click("button.add").await;
    app.click("[data-tab=clipboard]").await;
    app.click("#scan-clipboard").await;
    assert_eq!(
        app.text("[data-testid=scan-error]").await,
        "The clipboard holds text, but no setup link (otpauth://). Copy a screenshot of the QR code, or the link itself, and try again."
    );
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn no_camera_is_said_plainly() {
    let app = launch_at_add_dialog(Launch::default()).await;
    app.click("[data-tab=camera]").await;
    assert_eq!(
        app.text("[data-testid=no-camera] .lead").await,
        "No camera was found."
    );
    app.screenshot("add-no-camera").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn locking_releases_the_camera() {
    let dir = tempfile::tempdir().unwrap();
    let picture = dir.path().join("camera.png");
    image::GrayImage::from_pixel(640, 480, image::Luma([200]))
        .save(&picture)
        .unwrap();
    let in_use = dir.path().join("camera.png.in-use");
    let app = launch_at_add_dialog(Launch::with_env(
        "COUNTERSIGN_TEST_CAMERA",
        picture.display(),
    ))
    .await;
    app.click("[data-tab=camera]").await;
    app.click("#camera-start").await;
    app.find("[data-testid=camera-preview]").await;
    assert!(in_use.exists(), "the camera is open while previewing");
    app.ctrl('l').await;
    app.find("#unlock-secret").await;
    app.wait_for("the camera to be released", || async {
        (!in_use.exists()).then_some(())
    })
    .await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_camera_previews_reads_a_code_and_is_released() {
    let dir = tempfile::tempdir().unwrap();
    // A camera picture with no code first: the camera runs until the dialog closes.
    let picture = dir.path().join("camera.png");
    let blank = image::GrayImage::from_pixel(640, 480, image::Luma([200]));
    blank.save(&picture).unwrap();
    let in_use = dir.path().join("camera.png.in-use");
    let app = launch_at_add_dialog(Launch::with_env(
        "COUNTERSIGN_TEST_CAMERA",
        picture.display(),
    ))
    .await;
    app.click("[data-tab=camera]").await;
    app.click("#camera-start").await;
    let preview = app.prop("[data-testid=camera-preview]", "src").await;
    assert!(
        preview.starts_with("data:image/jpeg;base64,/9j/"),
        "{preview:.40}"
    );
    assert!(in_use.exists(), "the camera is open while previewing");
    app.screenshot("add-camera-preview").await;
    // Closing the dialog releases the camera.
    app.click("dialog[open] button.close").await;
    app.wait_for("the camera to be released", || async {
        (!in_use.exists()).then_some(())
    })
    .await;

    // Now a code held up to the camera: read, the camera off, the card shown.
    let uri =
        "otpauth://totp/Webcam:cam@example.com?secret=ONSWG4TFOQQGC3TEEBZWKY3SMV2A&issuer=Webcam";
    std::fs::write(&picture, qr_png(uri)).unwrap();
    app.click("button.more").await;
    app.click("[data-tab=camera]").await;
    app.click("#camera-start").await;
    assert_eq!(app.prop("#scan-issuer", "value").await, "Webcam");
    assert!(
        !in_use.exists(),
        "the camera is released once a code is read"
    );
    app.click("#scan-add").await;
    app.wait_for_issuers(&["Webcam"]).await;
    app.quit().await;
}
