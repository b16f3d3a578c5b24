//! QR decoding benchmark: generates camera-like and screenshot images by category and size,
//! with their expected texts, then reads every file with this crate and with `zbarimg`
//! (Debian's zbar-tools) and prints success rates and median times side by side.
//!
//! `cargo bench -p countersign-scan [-- --per-cell N --out DIR --no-zbar]`
//!
//! The set is written to DIR (default: Cargo's temporary folder for benches) as image files
//! plus `expected.tsv` (file, category, size, text), so other decoders can be tried on it.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use countersign_scan::{
    CAMERA_RETRY_STAGES, STILL_IMAGE_STAGES, Stage, decode, decode_stages, luma_from_image_bytes,
};
use qrcode::EcLevel;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use support::{Canvas, Point, otpauth_uri, square};

const ZBARIMG: &str = "/usr/bin/zbarimg";

const CAMERA_SIZES: [(u32, u32); 3] = [(640, 480), (1280, 720), (1920, 1080)];

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Category {
    Clean,
    Small,
    Rotated,
    Perspective,
    Blurred,
    Noisy,
    LowContrast,
    Inverted,
    Jpeg,
    Busy,
    Screenshot,
}

const CAMERA_CATEGORIES: [Category; 10] = [
    Category::Clean,
    Category::Small,
    Category::Rotated,
    Category::Perspective,
    Category::Blurred,
    Category::Noisy,
    Category::LowContrast,
    Category::Inverted,
    Category::Jpeg,
    Category::Busy,
];

struct Sample {
    file: PathBuf,
    category: Category,
    size: (u32, u32),
    text: String,
}

struct Args {
    per_cell: usize,
    out: PathBuf,
    zbar: bool,
}

fn args() -> Args {
    let mut args = Args {
        per_cell: 8,
        out: Path::new(env!("CARGO_TARGET_TMPDIR")).join("qr-bench"),
        zbar: Path::new(ZBARIMG).exists(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--per-cell" => {
                args.per_cell = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--per-cell N")
            }
            "--out" => args.out = it.next().expect("--out DIR").into(),
            "--no-zbar" => args.zbar = false,
            _ => {} // cargo passes --bench
        }
    }
    args
}

/// A text like those codes carry: an otpauth URI, or (one in three) a longer
/// Google Authenticator export batch, which makes a denser code.
fn code_text(rng: &mut StdRng, i: usize) -> String {
    if i % 3 == 2 {
        const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789%";
        let len = rng.random_range(120..260);
        let data: String = (0..len)
            .map(|_| B64[rng.random_range(0..B64.len())] as char)
            .collect();
        format!("otpauth-migration://offline?data={data}")
    } else {
        otpauth_uri(rng, &format!("Issuer{i}"), &format!("user{i}@example.com"))
    }
}

fn modules(text: &str) -> f64 {
    (qrcode::QrCode::with_error_correction_level(text, EcLevel::M)
        .unwrap()
        .width()
        + 8) as f64
}

/// A perspective view of the square `corners`: one edge shortened, as a code held at an angle.
fn tilt(rng: &mut StdRng, corners: [Point; 4]) -> [Point; 4] {
    let shrink = rng.random_range(0.65..0.85);
    let edge = rng.random_range(0..4);
    let (a, b) = (corners[edge], corners[(edge + 1) % 4]);
    let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    let mut out = corners;
    out[edge] = (
        mid.0 + (a.0 - mid.0) * shrink,
        mid.1 + (a.1 - mid.1) * shrink,
    );
    out[(edge + 1) % 4] = (
        mid.0 + (b.0 - mid.0) * shrink,
        mid.1 + (b.1 - mid.1) * shrink,
    );
    out
}

/// Draws one sample; returns the file's bytes and extension.
fn render(
    rng: &mut StdRng,
    category: Category,
    (w, h): (u32, u32),
    text: &str,
) -> (Vec<u8>, &'static str) {
    let short = w.min(h) as f64;
    let n = modules(text);
    let desk = rng.random_range(140..200u8);
    let mut canvas = Canvas::new(w, h, [desk, desk - 8, desk - 16]);
    let (mut dark, mut light) = (rng.random_range(15..45u8), rng.random_range(215..245u8));
    let mut side = short * rng.random_range(0.35..0.7);
    let mut angle = rng.random_range(-8.0..8.0);
    match category {
        Category::Small => side = n * rng.random_range(2.0..3.0),
        Category::Rotated => angle = rng.random_range(20.0..340.0),
        Category::LowContrast => {
            let base = rng.random_range(95..125u8);
            canvas = Canvas::new(w, h, [base + 20; 3]);
            (dark, light) = (base, base + rng.random_range(35..50));
        }
        Category::Inverted => {
            canvas = Canvas::new(w, h, [20, 22, 30]);
            (dark, light) = (rng.random_range(215..245), rng.random_range(15..40));
        }
        Category::Busy => canvas.busy_background(rng),
        _ => {}
    }
    let margin = side * 0.75;
    let centre = (
        rng.random_range(margin..(w as f64 - margin).max(margin + 1.0)),
        rng.random_range(margin..(h as f64 - margin).max(margin + 1.0)),
    );
    let mut corners = square(centre, side, angle);
    if category == Category::Perspective {
        corners = tilt(rng, corners);
    }
    canvas.draw_code(text, EcLevel::M, corners, dark, light);
    // Half the photos are lit from one side.
    if rng.random_bool(0.5) {
        let darkest = rng.random_range(0.35..0.7);
        canvas.light_falloff(rng, darkest);
    }
    let module = side / n;
    match category {
        Category::Blurred => canvas.blur((module * rng.random_range(0.35..0.5)) as f32),
        Category::Noisy => {
            let amplitude = rng.random_range(45..65);
            canvas.add_noise(rng, amplitude);
        }
        Category::Jpeg => {
            canvas.blur(0.6);
            return (canvas.jpeg(rng.random_range(15..30)), "jpg");
        }
        // Every photo is a little soft.
        _ => canvas.blur(0.5),
    }
    (canvas.png(), "png")
}

/// A screenshot with one crisp code of whole-pixel modules somewhere on it.
fn render_screenshot(rng: &mut StdRng, (w, h): (u32, u32), text: &str) -> Vec<u8> {
    let mut canvas = Canvas::new(w, h, [250, 250, 250]);
    canvas.screenshot_backdrop(rng);
    let module = if w > 2000 {
        rng.random_range(4..10)
    } else {
        rng.random_range(3..6)
    } as f64;
    let side = modules(text) * module;
    let x = rng
        .random_range(w as f64 * 0.25..w as f64 - side - 8.0)
        .floor();
    let y = rng.random_range(40.0..h as f64 - side - 8.0).floor();
    let corners = [(x, y), (x + side, y), (x + side, y + side), (x, y + side)];
    canvas.draw_code(text, EcLevel::M, corners, 0, 255);
    canvas.png()
}

fn generate(args: &Args) -> Vec<Sample> {
    std::fs::create_dir_all(&args.out).unwrap();
    let mut rng = StdRng::seed_from_u64(2026);
    let mut samples = Vec::new();
    let mut tsv = String::from("# file\tcategory\tsize\texpected text\n");
    let mut add = |name: String, bytes: Vec<u8>, category, size: (u32, u32), text: String| {
        let file = args.out.join(&name);
        std::fs::write(&file, bytes).unwrap();
        tsv += &format!("{name}\t{category:?}\t{}x{}\t{text}\n", size.0, size.1);
        samples.push(Sample {
            file,
            category,
            size,
            text,
        });
    };
    for category in CAMERA_CATEGORIES {
        for size in CAMERA_SIZES {
            for i in 0..args.per_cell {
                let text = code_text(&mut rng, i);
                let (bytes, ext) = render(&mut rng, category, size, &text);
                let name = format!("{category:?}-{}x{}-{i}.{ext}", size.0, size.1).to_lowercase();
                add(name, bytes, category, size, text);
            }
        }
    }
    for size in [(1920, 1080), (3840, 2160)] {
        for i in 0..args.per_cell {
            let text = code_text(&mut rng, i);
            let bytes = render_screenshot(&mut rng, size, &text);
            add(
                format!("screenshot-{}x{}-{i}.png", size.0, size.1),
                bytes,
                Category::Screenshot,
                size,
                text,
            );
        }
    }
    std::fs::write(args.out.join("expected.tsv"), tsv).unwrap();
    samples
}

#[derive(Default)]
struct Cell {
    n: usize,
    ours_ok: usize,
    ours_wrong: usize,
    ours_ms: Vec<f64>,
    zbar_ok: usize,
    zbar_ms: Vec<f64>,
    first_stage: BTreeMap<String, usize>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn zbar(file: &Path) -> (Vec<String>, Duration) {
    let start = Instant::now();
    let out = Command::new(ZBARIMG)
        .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .arg(file)
        .output()
        .expect("zbarimg runs");
    let elapsed = start.elapsed();
    let text = String::from_utf8_lossy(&out.stdout);
    (text.lines().map(str::to_owned).collect(), elapsed)
}

fn main() {
    let args = args();
    let t0 = Instant::now();
    let samples = generate(&args);
    println!(
        "Generated {} images in {:.1} s into {}",
        samples.len(),
        t0.elapsed().as_secs_f64(),
        args.out.display()
    );

    let mut cells: BTreeMap<(Category, (u32, u32)), Cell> = BTreeMap::new();
    let mut misses = Vec::new();
    for sample in &samples {
        let cell = cells.entry((sample.category, sample.size)).or_default();
        cell.n += 1;
        let bytes = std::fs::read(&sample.file).unwrap();
        let luma = luma_from_image_bytes(&bytes).unwrap();
        let start = Instant::now();
        let found = decode(luma.view());
        cell.ours_ms.push(ms(start.elapsed()));
        if found.contains(&sample.text) {
            cell.ours_ok += 1;
            let stage = STILL_IMAGE_STAGES
                .iter()
                .find(|&&s| !decode_stages(luma.view(), &[s]).is_empty())
                .map_or("later stage only".to_owned(), |s| format!("{s:?}"));
            *cell.first_stage.entry(stage).or_default() += 1;
        }
        cell.ours_wrong += found.iter().filter(|t| **t != sample.text).count();
        let mut zbar_read = None;
        if args.zbar {
            let (texts, elapsed) = zbar(&sample.file);
            cell.zbar_ms.push(ms(elapsed));
            zbar_read = Some(texts.contains(&sample.text));
            cell.zbar_ok += usize::from(zbar_read == Some(true));
        }
        if !found.contains(&sample.text) {
            misses.push((sample.file.file_name().unwrap().to_owned(), zbar_read));
        }
    }

    println!();
    println!("| category | size | n | ours ok | ours median ms | zbar ok | zbar median ms |");
    println!("|---|---|---|---|---|---|---|");
    let mut per_category: BTreeMap<Category, Cell> = BTreeMap::new();
    for ((category, size), cell) in &mut cells {
        let pct = |k: usize| 100.0 * k as f64 / cell.n as f64;
        println!(
            "| {category:?} | {}x{} | {} | {:.0}% | {:.1} | {} | {} |",
            size.0,
            size.1,
            cell.n,
            pct(cell.ours_ok),
            median(&mut cell.ours_ms),
            if args.zbar {
                format!("{:.0}%", pct(cell.zbar_ok))
            } else {
                "-".into()
            },
            if args.zbar {
                format!("{:.1}", median(&mut cell.zbar_ms))
            } else {
                "-".into()
            },
        );
        let total = per_category.entry(*category).or_default();
        total.n += cell.n;
        total.ours_ok += cell.ours_ok;
        total.ours_wrong += cell.ours_wrong;
        total.zbar_ok += cell.zbar_ok;
        for (stage, k) in &cell.first_stage {
            *total.first_stage.entry(stage.clone()).or_default() += k;
        }
    }

    println!();
    println!("| category | n | ours ok | zbar ok | wrong texts | read first by |");
    println!("|---|---|---|---|---|---|");
    let (mut n, mut ours, mut zb) = (0, 0, 0);
    for (category, t) in &per_category {
        let pct = |k: usize| 100.0 * k as f64 / t.n as f64;
        let stages: Vec<String> = t
            .first_stage
            .iter()
            .map(|(s, k)| format!("{s} {k}"))
            .collect();
        println!(
            "| {category:?} | {} | {:.0}% | {} | {} | {} |",
            t.n,
            pct(t.ours_ok),
            if args.zbar {
                format!("{:.0}%", pct(t.zbar_ok))
            } else {
                "-".into()
            },
            t.ours_wrong,
            stages.join(", "),
        );
        (n, ours, zb) = (n + t.n, ours + t.ours_ok, zb + t.zbar_ok);
    }
    let pct = |k: usize| 100.0 * k as f64 / n as f64;
    println!("| all | {n} | {:.1}% | {:.1}% | | |", pct(ours), pct(zb));

    println!();
    for (file, zbar_read) in &misses {
        let zbar = match zbar_read {
            Some(true) => "zbar reads it",
            Some(false) => "zbar misses it too",
            None => "zbar not run",
        };
        println!("missed: {} ({zbar})", file.to_string_lossy());
    }

    empty_frames(&args);
}

/// The cost when there is nothing to find: every retry runs. The live camera pays only the
/// plain decode and one retry per frame.
fn empty_frames(args: &Args) {
    let mut rng = StdRng::seed_from_u64(7);
    println!();
    println!(
        "| frame without a code (median ms) | still-image cascade | camera frame (plain + one retry) | {} | zbar |",
        STILL_IMAGE_STAGES
            .iter()
            .map(|s| format!("{s:?} alone"))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    println!(
        "|---|---|---|{}---|",
        "---|".repeat(STILL_IMAGE_STAGES.len())
    );
    for (w, h) in CAMERA_SIZES.into_iter().chain([(3840, 2160)]) {
        let (mut still, mut camera, mut zbar_ms) = (Vec::new(), Vec::new(), Vec::new());
        let mut stages = vec![Vec::new(); STILL_IMAGE_STAGES.len()];
        for i in 0..args.per_cell.max(3) {
            let mut canvas = Canvas::new(w, h, [170, 160, 150]);
            if i % 2 == 0 {
                canvas.busy_background(&mut rng);
            } else {
                canvas.screenshot_backdrop(&mut rng);
            }
            canvas.blur(0.5);
            let luma = canvas.luma();
            let start = Instant::now();
            assert!(
                decode(luma.view()).is_empty(),
                "a code read where there is none"
            );
            still.push(ms(start.elapsed()));
            let retry = CAMERA_RETRY_STAGES[i % CAMERA_RETRY_STAGES.len()];
            let start = Instant::now();
            assert!(decode_stages(luma.view(), &[Stage::Plain, retry]).is_empty());
            camera.push(ms(start.elapsed()));
            for (stage, times) in STILL_IMAGE_STAGES.iter().zip(&mut stages) {
                let start = Instant::now();
                assert!(decode_stages(luma.view(), &[*stage]).is_empty());
                times.push(ms(start.elapsed()));
            }
            if args.zbar {
                let file = args.out.join(format!("empty-{w}x{h}-{i}.png"));
                std::fs::write(&file, canvas.png()).unwrap();
                zbar_ms.push(ms(zbar(&file).1));
            }
        }
        let stages: Vec<String> = stages
            .iter_mut()
            .map(|t| format!("{:.1}", median(t)))
            .collect();
        println!(
            "| {w}x{h} | {:.1} | {:.1} | {} | {} |",
            median(&mut still),
            median(&mut camera),
            stages.join(" | "),
            if args.zbar {
                format!("{:.1}", median(&mut zbar_ms))
            } else {
                "-".into()
            },
        );
    }
    if args.zbar {
        let blank = args.out.join("blank-1x1.png");
        std::fs::write(&blank, Canvas::new(1, 1, [255; 3]).png()).unwrap();
        let mut startup: Vec<f64> = (0..10).map(|_| ms(zbar(&blank).1)).collect();
        println!();
        println!(
            "zbarimg start-up (1x1 image): median {:.1} ms, included in its times above",
            median(&mut startup)
        );
    }
}
