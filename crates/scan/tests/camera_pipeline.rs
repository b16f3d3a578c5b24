//! The camera pipeline fed with recorded frames through the same `FrameSource` trait as a
//! live camera.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use countersign_scan::camera::{
    CameraScanner, Frame, FrameSource, PixelFormat, PreviewFrame, ScanEvent,
};
use countersign_scan::{LumaImage, ScanError, Stage, decode_stages};
use qrcode::EcLevel;
use support::{Canvas, square};

const TEXT: &str =
    "otpauth://totp/Camera:alice@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=Camera";

/// Frames played back at a camera-like pace; records how many were taken and whether it
/// was released (dropped).
struct Recording {
    frames: Vec<Frame>,
    next: usize,
    endless: bool,
    taken: Arc<AtomicUsize>,
    released: Arc<AtomicBool>,
    fail_after: Option<usize>,
}

struct Probe {
    taken: Arc<AtomicUsize>,
    released: Arc<AtomicBool>,
}

impl Recording {
    fn new(frames: Vec<Frame>, endless: bool) -> (Self, Probe) {
        let (taken, released) = (Arc::default(), Arc::default());
        let probe = Probe {
            taken: Arc::clone(&taken),
            released: Arc::clone(&released),
        };
        let recording = Self {
            frames,
            next: 0,
            endless,
            taken,
            released,
            fail_after: None,
        };
        (recording, probe)
    }
}

impl FrameSource for Recording {
    fn next_frame(&mut self) -> Result<Frame, ScanError> {
        std::thread::sleep(Duration::from_millis(5));
        if self.fail_after == Some(self.taken.load(Ordering::SeqCst)) {
            return Err(ScanError::CameraNotFound("unplugged".into()));
        }
        if self.next == self.frames.len() {
            if !self.endless {
                return Err(ScanError::EndOfStream);
            }
            self.next = 0;
        }
        self.next += 1;
        self.taken.fetch_add(1, Ordering::SeqCst);
        Ok(self.frames[self.next - 1].clone())
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        self.released.store(true, Ordering::SeqCst);
    }
}

/// A 1280x720 camera picture: a slightly turned code on a grey desk, or just the desk.
fn scene(with_code: bool) -> Canvas {
    let mut canvas = Canvas::new(1280, 720, [150, 140, 130]);
    if with_code {
        canvas.draw_code(
            TEXT,
            EcLevel::M,
            square((700.0, 380.0), 420.0, 12.0),
            30,
            230,
        );
    }
    canvas
}

/// The luma plane with each row padded to `stride` bytes.
fn padded(luma: &LumaImage, stride: usize) -> Vec<u8> {
    let w = luma.width() as usize;
    let mut out = vec![0xa5; stride * luma.height() as usize];
    for (y, row) in luma.as_bytes().chunks_exact(w).enumerate() {
        out[y * stride..y * stride + w].copy_from_slice(row);
    }
    out
}

fn frame(canvas: &Canvas, format: PixelFormat) -> Frame {
    let (w, h) = (canvas.width, canvas.height);
    let luma = canvas.luma();
    match format {
        PixelFormat::Gray => Frame {
            format,
            width: w,
            height: h,
            stride: w as usize + 32,
            data: padded(&luma, w as usize + 32),
        },
        PixelFormat::Nv12 => {
            let stride = w as usize + 64;
            let mut data = padded(&luma, stride);
            data.extend(std::iter::repeat_n(128, stride * h as usize / 2));
            Frame {
                format,
                width: w,
                height: h,
                stride,
                data,
            }
        }
        PixelFormat::Yuyv => {
            let data = luma.as_bytes().iter().flat_map(|&y| [y, 128]).collect();
            Frame::packed(format, w, h, data)
        }
        PixelFormat::Rgb => Frame::packed(format, w, h, canvas.rgb.clone()),
        PixelFormat::Bgr => {
            let data = canvas
                .rgb
                .chunks_exact(3)
                .flat_map(|p| [p[2], p[1], p[0]])
                .collect();
            Frame::packed(format, w, h, data)
        }
        PixelFormat::Mjpeg => Frame::packed(format, w, h, canvas.jpeg(80)),
        _ => unreachable!(),
    }
}

/// Collects events up to the last one; panics if it does not come in time.
fn run(scanner: &CameraScanner) -> (Vec<PreviewFrame>, ScanEvent) {
    let mut previews = Vec::new();
    loop {
        match scanner
            .events()
            .recv_timeout(Duration::from_secs(20))
            .expect("an event in time")
        {
            ScanEvent::Preview(p) => previews.push(p),
            last => return (previews, last),
        }
    }
}

fn assert_found(event: ScanEvent) {
    match event {
        ScanEvent::Found(texts) => assert_eq!(texts, [TEXT]),
        other => panic!("expected a code, got {other:?}"),
    }
}

#[test]
fn reads_a_code_from_every_frame_layout_and_releases_the_camera() {
    let (empty, code) = (scene(false), scene(true));
    for format in [
        PixelFormat::Gray,
        PixelFormat::Nv12,
        PixelFormat::Yuyv,
        PixelFormat::Rgb,
        PixelFormat::Bgr,
        PixelFormat::Mjpeg,
    ] {
        // A few frames of the desk, then the code held up to the camera.
        let frames = vec![
            frame(&empty, format),
            frame(&empty, format),
            frame(&code, format),
        ];
        let (source, probe) = Recording::new(frames, true);
        let scanner = CameraScanner::start(move || Ok(source), true);
        let (previews, last) = run(&scanner);
        // The camera is off before the result is announced.
        assert!(
            probe.released.load(Ordering::SeqCst),
            "{format:?} still held"
        );
        assert_found(last);
        let preview = previews.first().expect("previews while scanning");
        // A 16:9 camera: 48 cells down, 85 across.
        assert_eq!((preview.width, preview.height), (85, 48), "{format:?}");
        let shown = image::load_from_memory(&preview.jpeg).unwrap();
        assert_eq!((shown.width(), shown.height()), (85, 48));
        drop(scanner);
    }
}

/// A camera picture of `width` x `height` with the code of `text` as large as the picture
/// allows (its quiet zone touching the edges) or, `side` given, that many pixels across.
fn close_up(width: u32, height: u32, text: &str, side: Option<f64>) -> Canvas {
    let mut canvas = Canvas::new(width, height, [150, 140, 130]);
    let side = side.unwrap_or(width.min(height) as f64 - 2.0);
    let centre = (width as f64 / 2.0, height as f64 / 2.0);
    canvas.draw_code(text, EcLevel::L, square(centre, side, 0.0), 20, 240);
    canvas
}

#[test]
fn the_code_cannot_be_read_back_from_the_previews() {
    let cases = [
        // The scene the other tests use: a turned code, a third of the picture.
        (scene(true), TEXT),
        // Codes as large as a picture allows: the most pixels per module a preview can get.
        (close_up(1280, 720, TEXT, None), TEXT),
        (close_up(1280, 720, "A", None), "A"),
        (close_up(640, 480, "A", None), "A"),
        (close_up(480, 640, TEXT, None), TEXT),
        (close_up(320, 240, "A", None), "A"),
        (close_up(1920, 1080, TEXT, Some(900.0)), TEXT),
    ];
    for (canvas, text) in cases {
        let size = (canvas.width, canvas.height);
        assert_eq!(
            countersign_scan::decode(canvas.luma().view()),
            [text],
            "{size:?}: the camera's own picture reads"
        );
        for format in [PixelFormat::Rgb, PixelFormat::Nv12, PixelFormat::Gray] {
            let (source, _probe) = Recording::new(vec![frame(&canvas, format)], true);
            let scanner = CameraScanner::start(move || Ok(source), true);
            let (previews, last) = run(&scanner);
            match last {
                ScanEvent::Found(texts) => assert_eq!(texts, [text], "{size:?}"),
                other => panic!("{size:?}: expected the code, got {other:?}"),
            }
            let preview = previews.first().expect("a preview");
            let short = size.0.min(size.1);
            assert_eq!(preview.width.min(preview.height), 48.min(short), "{size:?}");
            assert!(
                preview.jpeg.len() < 5500,
                "{size:?}: {} bytes, too many to hand to the window as one message",
                preview.jpeg.len()
            );
            assert_eq!(
                countersign_scan::scan_image_bytes(&preview.jpeg).unwrap(),
                Vec::<String>::new(),
                "{size:?} {format:?}: the preview shows a readable code"
            );
            // Nor when the window shows it larger, as it does (smoothly, or sharpened).
            let shown = image::load_from_memory(&preview.jpeg).unwrap();
            for (scale, filter) in [
                (4, image::imageops::FilterType::Triangle),
                (10, image::imageops::FilterType::Lanczos3),
                (10, image::imageops::FilterType::Nearest),
            ] {
                let large = shown.resize(shown.width() * scale, shown.height() * scale, filter);
                let luma = large.into_luma8();
                let luma = LumaImage::new(luma.to_vec(), luma.width(), luma.height()).unwrap();
                assert!(
                    countersign_scan::decode(luma.view()).is_empty(),
                    "{size:?} {format:?}: the preview enlarged {scale}x ({filter:?}) shows a readable code"
                );
            }
        }
    }
}

#[test]
fn previews_show_the_frame_in_colour() {
    let mut canvas = Canvas::new(320, 240, [200, 30, 30]);
    canvas.fill_rect(0, 0, 160, 240, [30, 30, 200]);
    let (source, _probe) = Recording::new(vec![frame(&canvas, PixelFormat::Mjpeg)], false);
    let scanner = CameraScanner::start(move || Ok(source), true);
    let (previews, last) = run(&scanner);
    assert!(matches!(last, ScanEvent::Finished), "{last:?}");
    let shown = image::load_from_memory(&previews[0].jpeg)
        .unwrap()
        .into_rgb8();
    // 64 x 48 cells: a quarter in from either side is well inside each half.
    assert_eq!(shown.dimensions(), (64, 48));
    let [r, _, b] = shown.get_pixel(16, 24).0;
    assert!(b > 150 && r < 80, "left half should be blue");
    let [r, _, b] = shown.get_pixel(48, 24).0;
    assert!(r > 150 && b < 80, "right half should be red");
}

#[test]
fn a_recording_without_a_code_finishes_and_is_released() {
    let frames = vec![frame(&scene(false), PixelFormat::Rgb); 4];
    let (source, probe) = Recording::new(frames, false);
    let scanner = CameraScanner::start(move || Ok(source), false);
    let (previews, last) = run(&scanner);
    assert!(matches!(last, ScanEvent::Finished), "{last:?}");
    assert!(previews.is_empty(), "no previews were asked for");
    assert_eq!(probe.taken.load(Ordering::SeqCst), 4);
    assert!(probe.released.load(Ordering::SeqCst));
    // The channel closes after the last event.
    assert!(
        scanner
            .events()
            .recv_timeout(Duration::from_secs(5))
            .is_err()
    );
}

#[test]
fn dropping_the_scanner_releases_the_camera() {
    let (source, probe) = Recording::new(vec![frame(&scene(false), PixelFormat::Gray)], true);
    let scanner = CameraScanner::start(move || Ok(source), true);
    while probe.taken.load(Ordering::SeqCst) < 5 {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(!probe.released.load(Ordering::SeqCst), "released too early");
    drop(scanner);
    assert!(
        probe.released.load(Ordering::SeqCst),
        "the camera outlived the scanner"
    );
    let taken = probe.taken.load(Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(
        probe.taken.load(Ordering::SeqCst),
        taken,
        "frames taken after the drop"
    );
}

#[test]
fn a_failing_camera_is_reported_and_released() {
    let (mut source, probe) = Recording::new(vec![frame(&scene(false), PixelFormat::Yuyv)], true);
    source.fail_after = Some(3);
    let scanner = CameraScanner::start(move || Ok(source), true);
    let (_, last) = run(&scanner);
    assert!(
        matches!(last, ScanEvent::Failed(ScanError::CameraNotFound(_))),
        "{last:?}"
    );
    assert!(probe.released.load(Ordering::SeqCst));
}

#[test]
fn damaged_frames_are_skipped() {
    let mut broken = frame(&scene(true), PixelFormat::Mjpeg);
    broken.data.truncate(600);
    let short = Frame::packed(PixelFormat::Rgb, 1280, 720, vec![0; 100]);
    let frames = vec![broken, short, frame(&scene(true), PixelFormat::Mjpeg)];
    let (source, probe) = Recording::new(frames, true);
    let scanner = CameraScanner::start(move || Ok(source), true);
    assert_found(run(&scanner).1);
    assert!(probe.released.load(Ordering::SeqCst));
}

#[test]
fn retries_spread_over_frames_read_what_the_plain_decode_cannot() {
    // A dim, washed-out code: the plain decode fails, the contrast stretch reads it.
    let mut canvas = Canvas::new(1280, 720, [128; 3]);
    canvas.draw_code(
        TEXT,
        EcLevel::M,
        square((640.0, 360.0), 460.0, 4.0),
        112,
        150,
    );
    let frame = frame(&canvas, PixelFormat::Gray);
    let plain = frame
        .with_luma(|v| decode_stages(v, &[Stage::Plain]))
        .unwrap();
    assert!(
        plain.is_empty(),
        "the plain decode should not read this frame"
    );
    let (source, probe) = Recording::new(vec![frame], true);
    let scanner = CameraScanner::start(move || Ok(source), false);
    assert_found(run(&scanner).1);
    assert!(probe.released.load(Ordering::SeqCst));
}

#[test]
fn a_single_frame_decodes_on_its_own() {
    let frame = frame(&scene(true), PixelFormat::Nv12);
    assert_eq!(frame.decode().unwrap(), [TEXT]);
}

#[cfg(all(feature = "camera", target_os = "linux"))]
#[test]
fn a_missing_camera_is_reported_as_not_found() {
    use countersign_scan::camera::{Webcam, list_cameras};
    const ABSENT: u32 = 250; // no /dev/video250 on any ordinary machine
    let cameras = list_cameras().unwrap();
    assert!(cameras.iter().all(|c| c.index != ABSENT));
    assert!(matches!(
        Webcam::open(ABSENT),
        Err(ScanError::CameraNotFound(_))
    ));
    // The same failure reaches the interface through the scanner.
    let scanner = CameraScanner::start(|| Webcam::open(ABSENT), true);
    let (previews, last) = run(&scanner);
    assert!(previews.is_empty());
    assert!(
        matches!(last, ScanEvent::Failed(ScanError::CameraNotFound(_))),
        "{last:?}"
    );
}
