//! Decoding generated images whose texts are known.

mod support;

use std::io::Cursor;

use countersign_otp::{
    Account, BatchProgress, BatchTracker, Intake, Secret, encode_migration, read_intake,
};
use countersign_scan::{
    LumaView, ScanError, Stage, decode, decode_stages, luma_from_image_bytes, scan_image_bytes,
    scan_rgba,
};
use image::{DynamicImage, ImageFormat, RgbImage};
use qrcode::EcLevel;
use rand::SeedableRng;
use rand::rngs::StdRng;
use support::{Canvas, otpauth_uri, square};

const WHITE: [u8; 3] = [255, 255, 255];

fn rng() -> StdRng {
    StdRng::seed_from_u64(5)
}

fn single(text: &str, side: f64, degrees: f64) -> Canvas {
    let mut canvas = Canvas::new(640, 480, WHITE);
    canvas.draw_code(
        text,
        EcLevel::M,
        square((320.0, 240.0), side, degrees),
        0,
        255,
    );
    canvas
}

#[test]
fn reads_a_clean_code() {
    let text = otpauth_uri(&mut rng(), "Example", "alice@example.com");
    let canvas = single(&text, 300.0, 0.0);
    assert_eq!(decode(canvas.luma().view()), [text]);
}

#[test]
fn reads_every_code_in_one_image() {
    // A Google Authenticator export split into three batches, all shown at once.
    let texts: Vec<String> = (1..=3)
        .map(|i| format!("otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SEWFsaWNlQGV4YW1wbGUuY29tGgdFeGFtcGxlIAEoATACEAIYAyAAKK{i}"))
        .collect();
    let mut canvas = Canvas::new(1280, 720, WHITE);
    for (i, text) in texts.iter().enumerate() {
        let centre = (220.0 + 420.0 * i as f64, 360.0);
        canvas.draw_code(text, EcLevel::M, square(centre, 340.0, 0.0), 0, 255);
    }
    let mut found = decode(canvas.luma().view());
    found.sort();
    assert_eq!(found, texts);
}

#[test]
fn the_same_code_twice_is_reported_once() {
    let text = "otpauth://totp/Twice:bob?secret=JBSWY3DPEHPK3PXP&issuer=Twice";
    let mut canvas = Canvas::new(1000, 500, WHITE);
    canvas.draw_code(text, EcLevel::M, square((250.0, 250.0), 300.0, 0.0), 0, 255);
    canvas.draw_code(text, EcLevel::M, square((750.0, 250.0), 300.0, 0.0), 0, 255);
    assert_eq!(decode(canvas.luma().view()), [text]);
}

#[test]
fn reads_an_inverted_code() {
    let text = otpauth_uri(&mut rng(), "Dark", "carol");
    let mut canvas = single(&text, 280.0, 0.0);
    canvas.invert();
    assert_eq!(decode(canvas.luma().view()), [text]);
}

#[test]
fn reads_rotated_and_scaled_codes() {
    let text = otpauth_uri(&mut rng(), "Turned", "dave");
    for (side, degrees) in [(320.0, 30.0), (200.0, 135.0), (400.0, -10.0), (180.0, 90.0)] {
        let canvas = single(&text, side, degrees);
        assert_eq!(
            decode(canvas.luma().view()),
            [text.as_str()],
            "{side} px at {degrees} degrees"
        );
    }
}

#[test]
fn reads_a_code_in_perspective() {
    let text = otpauth_uri(&mut rng(), "Tilted", "erin");
    let mut canvas = Canvas::new(640, 480, [200, 200, 200]);
    let quad = [
        (190.0, 90.0),
        (450.0, 120.0),
        (470.0, 380.0),
        (170.0, 420.0),
    ];
    canvas.draw_code(&text, EcLevel::M, quad, 20, 245);
    assert_eq!(decode(canvas.luma().view()), [text]);
}

#[test]
fn reads_a_blurred_noisy_low_contrast_code() {
    let text = otpauth_uri(&mut rng(), "Dim", "frank");
    let mut canvas = Canvas::new(640, 480, [120, 120, 120]);
    canvas.draw_code(
        &text,
        EcLevel::M,
        square((320.0, 240.0), 300.0, 5.0),
        95,
        150,
    );
    canvas.blur(1.2);
    canvas.add_noise(&mut rng(), 12);
    assert_eq!(decode(canvas.luma().view()), [text]);
}

#[test]
fn finds_nothing_where_there_is_no_code() {
    let mut canvas = Canvas::new(1280, 720, WHITE);
    canvas.busy_background(&mut rng());
    assert_eq!(decode(canvas.luma().view()), Vec::<String>::new());
}

#[test]
fn reads_a_code_that_is_not_an_otp_uri() {
    let canvas = single("https://example.com/help?topic=2fa", 260.0, 0.0);
    let found = decode(canvas.luma().view());
    assert_eq!(found, ["https://example.com/help?topic=2fa"]);
    assert_eq!(
        read_intake(&found[0]),
        Intake::WebAddress("https://example.com/help?topic=2fa".into())
    );
}

/// A Google export read partly from pasted links, partly from scanned QR codes: every text
/// goes through `read_intake`, and one tracker counts the batches however they came.
#[test]
fn pasted_and_scanned_export_batches_count_together() {
    let accounts: Vec<Account> = (1..=3u8)
        .map(|i| {
            let secret = Secret::from_bytes(vec![i; 20]).unwrap();
            Account::totp("Example", format!("user{i}"), secret)
        })
        .collect();
    let export = encode_migration(&accounts, 1, 4242);
    let batch = |text: &str| match read_intake(text) {
        Intake::Migration(batch) => batch,
        other => panic!("an export batch, not {other:?}"),
    };
    let mut tracker = BatchTracker::default();

    let pasted = tracker.record(&batch(&format!(" {}\n", *export.uris[0])));
    assert_eq!((pasted.batch, pasted.size, pasted.seen), (1, 3, vec![1]));

    let scanned = decode(single(&export.uris[2], 320.0, 0.0).luma().view());
    assert_eq!(scanned, [export.uris[2].as_str()]);
    let third = batch(&scanned[0]);
    assert_eq!(third.accounts, [accounts[2].clone()]);
    assert_eq!(
        tracker.record(&third),
        BatchProgress {
            batch: 3,
            size: 3,
            seen: vec![1, 3]
        }
    );

    let last = tracker.record(&batch(&export.uris[1]));
    assert_eq!(last.seen, [1, 2, 3]);
    assert!(last.is_complete());
}

#[test]
fn finds_a_small_code_on_a_4k_screenshot() {
    let text = otpauth_uri(&mut rng(), "Screen", "grace@example.com");
    let mut canvas = Canvas::new(3840, 2160, [250, 250, 250]);
    canvas.screenshot_backdrop(&mut rng());
    // About 4 pixels per module, in the lower right part of the screen.
    canvas.draw_code(
        &text,
        EcLevel::M,
        square((2900.0, 1500.0), 240.0, 0.0),
        0,
        255,
    );
    assert_eq!(decode(canvas.luma().view()), [text]);
}

#[test]
fn reads_a_strided_view_in_place() {
    let text = otpauth_uri(&mut rng(), "Stride", "heidi");
    let luma = single(&text, 300.0, 0.0).luma();
    let (w, h) = (luma.width() as usize, luma.height() as usize);
    // Pad each row with 64 bytes of garbage, as camera buffers often are.
    let stride = w + 64;
    let mut padded = vec![0x5a; stride * h];
    for y in 0..h {
        padded[y * stride..y * stride + w].copy_from_slice(&luma.as_bytes()[y * w..(y + 1) * w]);
    }
    let view = LumaView::new(&padded, w as u32, h as u32, stride).unwrap();
    assert_eq!(decode(view), [text]);
}

#[test]
fn each_stage_reads_a_clean_code() {
    let text = otpauth_uri(&mut rng(), "Stages", "ivan");
    let mut canvas = Canvas::new(1280, 720, WHITE);
    canvas.draw_code(
        &text,
        EcLevel::M,
        square((640.0, 360.0), 500.0, 0.0),
        0,
        255,
    );
    let luma = canvas.luma();
    for stage in [
        Stage::Plain,
        Stage::ContrastStretch,
        Stage::Downscale,
        Stage::Binarise,
        Stage::Rqrr,
    ] {
        assert_eq!(
            decode_stages(luma.view(), &[stage]),
            [text.as_str()],
            "{stage:?}"
        );
    }
}

fn encoded(canvas: &Canvas, format: ImageFormat) -> Vec<u8> {
    let img = RgbImage::from_raw(canvas.width, canvas.height, canvas.rgb.clone()).unwrap();
    let img = match format {
        // The GIF and WebP encoders want RGBA.
        ImageFormat::Gif | ImageFormat::WebP => {
            DynamicImage::ImageRgba8(DynamicImage::ImageRgb8(img).to_rgba8())
        }
        _ => DynamicImage::ImageRgb8(img),
    };
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

#[test]
fn reads_every_supported_file_format() {
    let text = otpauth_uri(&mut rng(), "Files", "judy");
    let canvas = single(&text, 300.0, 0.0);
    for format in [
        ImageFormat::Png,
        ImageFormat::Jpeg,
        ImageFormat::WebP,
        ImageFormat::Gif,
        ImageFormat::Bmp,
    ] {
        let bytes = encoded(&canvas, format);
        assert_eq!(
            scan_image_bytes(&bytes).unwrap(),
            [text.as_str()],
            "{format:?}"
        );
    }
}

#[test]
fn reads_a_code_on_a_transparent_background() {
    // Black modules on transparent pixels, as many generators export them.
    let text = otpauth_uri(&mut rng(), "Alpha", "ken");
    let luma = single(&text, 300.0, 0.0).luma();
    let rgba: Vec<u8> = luma
        .as_bytes()
        .iter()
        .flat_map(|&y| [0, 0, 0, 255 - y])
        .collect();
    let img = image::RgbaImage::from_raw(luma.width(), luma.height(), rgba.clone()).unwrap();
    let mut png = Cursor::new(Vec::new());
    img.write_to(&mut png, ImageFormat::Png).unwrap();
    assert_eq!(scan_image_bytes(png.get_ref()).unwrap(), [text.as_str()]);
    // The same pixels as a clipboard image.
    assert_eq!(
        scan_rgba(&rgba, luma.width(), luma.height()).unwrap(),
        [text]
    );
}

#[test]
fn rejects_what_is_not_a_readable_image() {
    assert!(matches!(
        scan_image_bytes(b"otpauth://totp/not-an-image"),
        Err(ScanError::UnsupportedImageFormat)
    ));
    let png = single("truncated", 200.0, 0.0).png();
    assert!(matches!(
        luma_from_image_bytes(&png[..png.len() / 2]),
        Err(ScanError::CorruptImage(_))
    ));
    assert!(matches!(
        scan_rgba(&[0; 15], 2, 2),
        Err(ScanError::BufferTooSmall {
            needed: 16,
            actual: 15
        })
    ));
}
