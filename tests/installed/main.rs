//! The installed package as a person gets it (issue #17): `make package-test` installs the .deb
//! and runs these against /usr/bin/countersign-app and /usr/bin/countersign (tests/package/
//! smoke.sh checks the files and the removal around them). Ignored in `make test`, where
//! nothing is installed.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use countersign_e2e::measure::{ScreenWatcher, end_tree, process_names};
use countersign_e2e::{App, Display, Launch, app_binary, avoid_step_boundary, recent_totp};

const INSTALLED_APP: &str = "/usr/bin/countersign-app";
const INSTALLED_CLI: &str = "/usr/bin/countersign";
const SECRET: &str = "JBSWY3DPEHPK3PXP";
const URI: &str = "otpauth://totp/Installed:alice?secret=JBSWY3DPEHPK3PXP&issuer=Installed";

/// Runs the installed `countersign` on `data` with `args`, feeding `stdin`.
fn cli(data: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(INSTALLED_CLI)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the installed countersign");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "countersign {args:?}: {output:?}");
    output
}

/// A vault made by the installed command line that only the session's keyring unlocks.
fn keyring_vault(data: &Path) {
    let init = cli(data, &["init", "--keyring", "--no-password"], "");
    // Only the recovery key on standard output: eight groups of four.
    assert_eq!(
        String::from_utf8_lossy(&init.stdout).trim().len(),
        39,
        "{init:?}"
    );
    cli(data, &["add"], &format!("{URI}\n"));
}

fn require_installed() {
    assert_eq!(
        app_binary(),
        Path::new(INSTALLED_APP),
        "run with COUNTERSIGN_APP={INSTALLED_APP} after installing the package (make package-test)"
    );
    assert!(
        Path::new(INSTALLED_CLI).exists(),
        "{INSTALLED_CLI} is installed"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the installed package: make package-test"]
async fn the_installed_app_opens_a_command_line_vault_with_the_keyring_and_shows_its_code() {
    require_installed();
    let data = tempfile::tempdir().unwrap();
    keyring_vault(data.path());
    avoid_step_boundary(30, 4).await;
    // The command line itself opens the vault with the keyring.
    let printed = cli(data.path(), &["code", "Installed"], "");
    let printed = String::from_utf8(printed.stdout).unwrap().trim().to_owned();
    assert!(recent_totp(SECRET, 6, 30).contains(&printed), "{printed}");

    let app = App::launch_with(Launch::folder(data.path())).await;
    // Straight to the codes: the keyring unlocked the vault, no password exists.
    app.wait_for_issuers(&["Installed"]).await;
    let code = app
        .find("[data-testid=code]")
        .await
        .attr("data-code")
        .await
        .unwrap()
        .expect("data-code is set");
    assert!(recent_totp(SECRET, 6, 30).contains(&code), "{code}");
    // The web content runs in WebKit's bubblewrap sandbox (the package depends on bubblewrap).
    let pid = app.app_process().expect("the installed app is running");
    let names = process_names(pid);
    assert!(names.iter().any(|name| name == "bwrap"), "{names:?}");
    app.assert_web_content_sandboxed();
    app.screenshot("installed-app").await;
    app.quit().await;
}

/// Not a pass/fail time: prints how long the installed app takes from launch to its first
/// pixels and to a settled window with the code list (keyring unlock included), for the notes.
#[test]
#[ignore = "needs the installed package: make package-test"]
fn the_installed_app_starts_and_its_start_up_is_printed() {
    require_installed();
    let data = tempfile::tempdir().unwrap();
    keyring_vault(data.path());
    let display = Display::start();
    let screen = ScreenWatcher::connect(display.name());
    let mut runs = Vec::new();
    for _ in 0..3 {
        let mut child = None;
        let paint = screen
            .time_paint(
                || {
                    child = Some(
                        Command::new(INSTALLED_APP)
                            .env("COUNTERSIGN_DATA_DIR", data.path())
                            .env("DISPLAY", display.name())
                            .process_group(0)
                            .stdout(Stdio::null())
                            .stderr(Stdio::null())
                            .spawn()
                            .expect("start the installed app"),
                    )
                },
                1500,
                Duration::from_millis(1000),
                Duration::from_secs(30),
            )
            .expect("the installed app's window settles within 30 s");
        let mut child = child.unwrap();
        end_tree(child.id(), Duration::from_secs(5));
        let _ = child.wait();
        runs.push(paint);
    }
    runs.sort_by_key(|paint| paint.settled);
    let median = &runs[1];
    println!(
        "installed app start-up (median of 3): first pixels {} ms, settled {} ms",
        median.first_pixels.as_millis(),
        median.settled.as_millis()
    );
}
