//! `countersign scan` as a script sees it: the real binary on generated QR images (and, under
//! an X display, on the real screen), stdout, stderr and the exit status.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use countersign_e2e::qr_png;
use countersign_otp::{Account, Secret, encode_migration};
use countersign_vault::{KdfParams, Store};
use image::ImageEncoder;

mod common;
use common::lines;

/// Runs the binary with its data folder (the vault's) in `data_dir`.
fn countersign(data_dir: &Path, args: &[&str], stdin: &str) -> Output {
    common::run(Some(data_dir), args, stdin)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

const URI: &str = "otpauth://totp/ACME%20Co:john@example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60";
const URI_JSON: &str = r#"{"type":"totp","issuer":"ACME Co","account":"john@example.com","secret":"HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ","algorithm":"SHA256","digits":8,"period":60}"#;

fn export() -> Vec<String> {
    let secret = |s: &str| Secret::from_base32(s).unwrap();
    let accounts = [
        Account::totp("Alpha", "a", secret("ORSXG5DBNRYGQYJAMJUWY3DJNZTQ")),
        Account::hotp("Beta", "b", secret("MFRGGZDFMZTWQ2LKNNWG23TPOBYXE"), 7),
        Account::totp("Gamma", "c", secret("NBSWY3DPO5XXE3DEEBQWEY3EMVTGO")),
    ];
    let export = encode_migration(&accounts, 2, 42);
    export
        .uris
        .iter()
        .map(|uri| uri.as_str().to_owned())
        .collect()
}

#[test]
fn json_lists_every_text_and_the_accounts_of_each_image() {
    let dir = tempfile::tempdir().unwrap();
    let single = write(dir.path(), "single.png", &qr_png(URI));
    let web = write(dir.path(), "web.png", &qr_png("https://example.com/"));
    let batches = export();
    let first = write(dir.path(), "batch1.png", &qr_png(&batches[0]));
    let second = write(dir.path(), "batch2.png", &qr_png(&batches[1]));
    let out = countersign(
        Path::new("/nonexistent"),
        &["scan", &single, &web, &first, &second, "--json"],
        "",
    );
    assert!(out.status.success(), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = [
        format!(r#"{{"source":"{single}","texts":["{URI}"],"accounts":[{URI_JSON}]}}"#),
        format!(r#"{{"source":"{web}","texts":["https://example.com/"],"accounts":[]}}"#),
        format!(
            r#"{{"source":"{first}","texts":["{}"],"accounts":[{},{}]}}"#,
            batches[0],
            r#"{"type":"totp","issuer":"Alpha","account":"a","secret":"ORSXG5DBNRYGQYJAMJUWY3DJNZTQ","algorithm":"SHA1","digits":6,"period":30}"#,
            r#"{"type":"hotp","issuer":"Beta","account":"b","secret":"MFRGGZDFMZTWQ2LKNNWG23TPOBYXE","algorithm":"SHA1","digits":6,"counter":7}"#,
        ),
        format!(
            r#"{{"source":"{second}","texts":["{}"],"accounts":[{}]}}"#,
            batches[1],
            r#"{"type":"totp","issuer":"Gamma","account":"c","secret":"NBSWY3DPO5XXE3DEEBQWEY3EMVTGO","algorithm":"SHA1","digits":6,"period":30}"#,
        ),
    ];
    assert_eq!(lines(&out.stdout), expected);
}

#[test]
fn unreadable_images_and_bad_links_are_reported_and_the_rest_still_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let text = write(dir.path(), "notes.txt", b"not an image");
    let bad = write(
        dir.path(),
        "bad.png",
        &qr_png("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12"),
    );
    let good = write(dir.path(), "good.png", &qr_png(URI));
    let missing = dir.path().join("missing.png");
    let missing = missing.to_str().unwrap();
    let out = countersign(
        Path::new("/nonexistent"),
        &["scan", "--json", &text, missing, &bad, &good],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let stdout = lines(&out.stdout);
    assert_eq!(stdout.len(), 4);
    assert_eq!(
        stdout[0],
        format!(
            r#"{{"source":"{text}","error":"not an image in a supported format (PNG, JPEG, WebP, GIF, BMP)"}}"#
        )
    );
    assert!(
        stdout[1].starts_with(&format!(r#"{{"source":"{missing}","error":"No such file"#)),
        "{}",
        stdout[1]
    );
    assert_eq!(
        stdout[2],
        format!(
            r#"{{"source":"{bad}","texts":["otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12"],"accounts":[],"errors":["digits: \"12\" is not a number from 1 to 10"]}}"#
        )
    );
    assert_eq!(
        stdout[3],
        format!(r#"{{"source":"{good}","texts":["{URI}"],"accounts":[{URI_JSON}]}}"#)
    );
    let stderr = lines(&out.stderr);
    assert_eq!(stderr.len(), 3, "{stderr:?}");
    assert_eq!(
        stderr[2],
        format!("countersign: {bad}: digits: \"12\" is not a number from 1 to 10")
    );

    let out = countersign(Path::new("/nonexistent"), &["scan"], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        lines(&out.stderr),
        ["countersign: nothing to scan: name image files, or pass --screen"]
    );
}

#[test]
fn plain_output_names_texts_and_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let single = write(dir.path(), "single.png", &qr_png(URI));
    let blank = {
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(&[255; 64 * 64], 64, 64, image::ExtendedColorType::L8)
            .unwrap();
        write(dir.path(), "blank.png", &png)
    };
    let out = countersign(Path::new("/nonexistent"), &["scan", &single, &blank], "");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        lines(&out.stdout),
        [
            format!("{single}: 1 QR code"),
            format!("  text: {URI}"),
            "  account: ACME Co (john@example.com)\tTOTP SHA256 8 digits".to_owned(),
            format!("{blank}: 0 QR codes"),
        ]
    );
}

fn vault(dir: &Path) {
    let store = Store::open(dir)
        .unwrap()
        .with_kdf(KdfParams::new(64, 1, 1).unwrap());
    let (vault, _) = store.create(Some("pw"), false).unwrap();
    vault.lock();
}

#[test]
fn add_lists_then_adds_and_skips_what_is_already_there() {
    let data = tempfile::tempdir().unwrap();
    vault(data.path());
    let dir = tempfile::tempdir().unwrap();
    let batches = export();
    let first = write(dir.path(), "batch1.png", &qr_png(&batches[0]));
    let single = write(dir.path(), "single.png", &qr_png(URI));

    let out = countersign(
        data.path(),
        &["scan", &first, "--add", "--password-stdin"],
        "pw\n",
    );
    assert!(out.status.success(), "{out:?}");
    let stdout = lines(&out.stdout);
    assert_eq!(
        stdout[4..],
        ["added: Alpha (a)", "added: Beta (b)"],
        "{stdout:?}"
    );
    assert_eq!(stdout[0], format!("{first}: 1 QR code"));

    // Again, with one new account: the known ones are named, not added twice.
    let out = countersign(
        data.path(),
        &[
            "scan",
            &first,
            &single,
            "--add",
            "--password-stdin",
            "--json",
        ],
        "pw\n",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(lines(&out.stdout).len(), 2, "one JSON line per image");
    assert_eq!(
        lines(&out.stderr),
        [
            "added: ACME Co (john@example.com)",
            "countersign: already in the vault, not added again: Alpha (a) (as Alpha (a))",
            "countersign: already in the vault, not added again: Beta (b) (as Beta (b))",
        ]
    );
    let list = countersign(data.path(), &["list", "--password-stdin"], "pw\n");
    assert_eq!(
        lines(&list.stdout),
        [
            "Alpha (a)\tTOTP",
            "Beta (b)\tHOTP",
            "ACME Co (john@example.com)\tTOTP"
        ]
    );

    // A wrong password changes nothing and exits with the vault's status.
    let out = countersign(
        data.path(),
        &["scan", &single, "--add", "--password-stdin"],
        "wrong\n",
    );
    assert_eq!(out.status.code(), Some(3));
    // Nothing to add is bad input.
    let web = write(dir.path(), "web.png", &qr_png("https://example.com/"));
    let out = countersign(
        data.path(),
        &["scan", &web, "--add", "--password-stdin"],
        "pw\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        lines(&out.stderr),
        ["countersign: no account was found to add"]
    );
}

/// A window showing an image on the X display, closed when dropped.
struct Viewer(Child);

impl Drop for Viewer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn screen_json_reads_the_code_shown_on_the_x_screen() {
    const VIEWER: &str = "/usr/bin/display";
    if std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty())
        || std::env::var_os("WAYLAND_DISPLAY").is_some()
    {
        eprintln!(
            "SKIPPED screen_json_reads_the_code_shown_on_the_x_screen: no X display (run under \
             scripts/headless.sh, as `make test` does)"
        );
        return;
    }
    if !Path::new(VIEWER).exists() {
        eprintln!(
            "SKIPPED screen_json_reads_the_code_shown_on_the_x_screen: {VIEWER} (ImageMagick) is not installed"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file: PathBuf = write(dir.path(), "screen.png", &qr_png(URI)).into();
    let _viewer = Viewer(
        Command::new(VIEWER)
            .args(["-geometry", "+40+40"])
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let expected = format!(r#"{{"source":"screen","texts":["{URI}"],"accounts":[{URI_JSON}]}}"#);
    // The window takes a moment to map and paint.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let out = countersign(
            Path::new("/nonexistent"),
            &["scan", "--screen", "--json"],
            "",
        );
        let stdout = lines(&out.stdout);
        if out.status.success() && stdout == [expected.clone()] {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the screen scan never read the code: {out:?}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}
