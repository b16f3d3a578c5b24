//! Real screen capture: a QR code shown in a window on a real X server is read back.
//!
//! Needs an X display (`make test` runs it under Xvfb) and ImageMagick's `display`; without
//! them it says so and passes.
#![cfg(all(feature = "screen", target_os = "linux"))]

mod support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use countersign_scan::screen::{ScreenBackend, capture_screens, scan_screens, screen_backend};
use qrcode::EcLevel;
use support::{Canvas, square};

const TEXT: &str =
    "otpauth://totp/Xvfb:screen@example.com?secret=KRSXG5CTMVRXEZLUKN2XAZLSNFXGO&issuer=Xvfb";
const VIEWER: &str = "/usr/bin/display";

/// Kills the viewer window even when an assertion fails.
struct Viewer(Child);

impl Drop for Viewer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Scans the screen, retrying capture errors for a few seconds.
fn scan_with_patience() -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match scan_screens() {
            Ok(texts) => return texts,
            Err(e) if Instant::now() < deadline => {
                eprintln!(
                    "screen capture failed, retrying: {e} ({:?})",
                    std::error::Error::source(&e)
                );
                std::thread::sleep(Duration::from_millis(250));
            }
            Err(e) => panic!("screen capture keeps failing: {e:?}"),
        }
    }
}

#[test]
fn reads_a_code_shown_on_the_x_screen() {
    if std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty()) {
        eprintln!(
            "SKIPPED reads_a_code_shown_on_the_x_screen: DISPLAY is not set (run under xvfb-run, as `make test` does)"
        );
        return;
    }
    if screen_backend().unwrap() != ScreenBackend::Direct {
        eprintln!(
            "SKIPPED reads_a_code_shown_on_the_x_screen: a Wayland session would open the portal dialog"
        );
        return;
    }
    if !Path::new(VIEWER).exists() {
        eprintln!(
            "SKIPPED reads_a_code_shown_on_the_x_screen: {VIEWER} (ImageMagick) is not installed"
        );
        return;
    }

    // Nothing on the screen yet: nothing to read. (A freshly started X server can refuse the
    // first captures under load, hence the patience.)
    assert_eq!(scan_with_patience(), Vec::<String>::new());

    let mut canvas = Canvas::new(360, 360, [255, 255, 255]);
    canvas.draw_code(TEXT, EcLevel::M, square((180.0, 180.0), 340.0, 0.0), 0, 255);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("code.png");
    std::fs::write(&file, canvas.png()).unwrap();
    let _viewer = Viewer(
        Command::new(VIEWER)
            .args(["-geometry", "+200+150"])
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );

    // The window takes a moment to map and paint.
    let deadline = Instant::now() + Duration::from_secs(15);
    let found = loop {
        let found = scan_with_patience();
        if !found.is_empty() || Instant::now() > deadline {
            break found;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(found, [TEXT]);

    let screens = capture_screens().unwrap();
    assert!(!screens.is_empty());
    assert!(
        screens
            .iter()
            .all(|s| s.width() >= 360 && s.height() >= 360)
    );
}
