//! Webcam scanning: frames from a [`FrameSource`] (a live camera, or recorded frames in
//! tests) decoded off the caller's thread by a [`CameraScanner`], with preview frames for a
//! live view.
//!
//! The source is dropped, which releases the camera, as soon as a code is read, when the
//! source fails, and when the scanner is dropped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use image::ExtendedColorType;
use image::codecs::jpeg::JpegEncoder;

use crate::image_bytes::luma_from_dynamic;
use crate::luma::{LumaImage, LumaView};
use crate::{CAMERA_RETRY_STAGES, ScanError, Stage, decode_stages};

#[cfg(feature = "camera")]
mod webcam;
#[cfg(feature = "camera")]
pub use webcam::{CameraInfo, Webcam, list_cameras};

/// The layout of a frame's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PixelFormat {
    /// 8-bit gray, one byte per pixel.
    Gray,
    /// Packed YUV 4:2:2, `Y0 U Y1 V` for each pair of pixels.
    Yuyv,
    /// A full-size Y plane, then a half-size interleaved UV plane, both with the same stride.
    Nv12,
    /// Packed 8-bit RGB.
    Rgb,
    /// Packed 8-bit BGR.
    Bgr,
    /// One JPEG picture per frame (motion JPEG); `stride` is unused.
    Mjpeg,
}

/// One camera frame.
#[derive(Clone)]
pub struct Frame {
    /// The layout of `data`.
    pub format: PixelFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes from one row's start to the next (of the Y plane for NV12).
    pub stride: usize,
    /// The pixels.
    pub data: Vec<u8>,
}

impl Frame {
    /// A frame whose rows are not padded.
    pub fn packed(format: PixelFormat, width: u32, height: u32, data: Vec<u8>) -> Self {
        let stride = width as usize * format.bytes_per_pixel();
        Self {
            format,
            width,
            height,
            stride,
            data,
        }
    }

    /// Reads the frame's luma and runs `f` on it: Y planes and gray frames are viewed in
    /// place, other layouts converted once.
    pub fn with_luma<R>(&self, f: impl FnOnce(LumaView<'_>) -> R) -> Result<R, ScanError> {
        let (w, h, stride) = (self.width, self.height, self.stride);
        let converted = match self.format {
            PixelFormat::Gray | PixelFormat::Nv12 => {
                return Ok(f(LumaView::new(&self.data, w, h, stride)?));
            }
            PixelFormat::Yuyv => LumaImage::from_packed_rows(&self.data, w, h, stride, 2, |p| p[0]),
            PixelFormat::Rgb => LumaImage::from_packed_rows(&self.data, w, h, stride, 3, |p| {
                crate::luma::luma(p[0], p[1], p[2])
            }),
            PixelFormat::Bgr => LumaImage::from_packed_rows(&self.data, w, h, stride, 3, |p| {
                crate::luma::luma(p[2], p[1], p[0])
            }),
            PixelFormat::Mjpeg => luma_from_dynamic(self.decode_jpeg()?),
        }?;
        Ok(f(converted.view()))
    }

    /// Finds every QR code in this frame with the full still-image cascade.
    pub fn decode(&self) -> Result<Vec<String>, ScanError> {
        self.with_luma(crate::decode)
    }

    fn decode_jpeg(&self) -> Result<image::DynamicImage, ScanError> {
        image::load_from_memory_with_format(&self.data, image::ImageFormat::Jpeg)
            .map_err(|e| ScanError::InvalidFrame(Box::new(e)))
    }

    /// Decodes a motion-JPEG frame to RGB, once, for both the preview and the decoder.
    fn without_jpeg(self) -> Result<Self, ScanError> {
        if self.format != PixelFormat::Mjpeg {
            return Ok(self);
        }
        let rgb = self.decode_jpeg()?.into_rgb8();
        let (width, height) = rgb.dimensions();
        Ok(Self::packed(
            PixelFormat::Rgb,
            width,
            height,
            rgb.into_raw(),
        ))
    }

    /// The RGB colour at `(x, y)`; the frame must have passed [`Frame::check`].
    fn rgb_at(&self, x: usize, y: usize) -> [u8; 3] {
        let row = y * self.stride;
        match self.format {
            PixelFormat::Gray => [self.data[row + x]; 3],
            PixelFormat::Rgb => {
                let p = &self.data[row + 3 * x..row + 3 * x + 3];
                [p[0], p[1], p[2]]
            }
            PixelFormat::Bgr => {
                let p = &self.data[row + 3 * x..row + 3 * x + 3];
                [p[2], p[1], p[0]]
            }
            PixelFormat::Yuyv => {
                let pair = row + (x / 2) * 4;
                let d = &self.data[pair..pair + 4];
                yuv_to_rgb(d[(x % 2) * 2], d[1], d[3])
            }
            PixelFormat::Nv12 => {
                let uv = self.stride * self.height as usize + (y / 2) * self.stride + (x / 2) * 2;
                yuv_to_rgb(self.data[row + x], self.data[uv], self.data[uv + 1])
            }
            PixelFormat::Mjpeg => unreachable!("motion JPEG is decoded before previews"),
        }
    }

    /// Checks that `data` holds the whole frame, so the per-pixel reads cannot go out of bounds.
    fn check(&self) -> Result<(), ScanError> {
        let (w, h) = (self.width as usize, self.height as usize);
        let row = w * self.format.bytes_per_pixel();
        let needed = match self.format {
            PixelFormat::Mjpeg => return Ok(()),
            PixelFormat::Nv12 => {
                self.stride * h + self.stride * (h.div_ceil(2) - 1) + 2 * w.div_ceil(2)
            }
            _ => self.stride * (h.saturating_sub(1)) + row,
        };
        let invalid = |e: ScanError| Err(ScanError::InvalidFrame(Box::new(e)));
        if w == 0 || h == 0 {
            return invalid(ScanError::InvalidDimensions {
                width: self.width,
                height: self.height,
            });
        }
        if self.stride < row || (self.format == PixelFormat::Yuyv && w % 2 == 1) {
            return invalid(ScanError::InvalidStride {
                width: self.width,
                stride: self.stride,
            });
        }
        if self.data.len() < needed {
            return invalid(ScanError::BufferTooSmall {
                needed,
                actual: self.data.len(),
            });
        }
        Ok(())
    }
}

impl std::fmt::Debug for Frame {
    // The pixels may show a secret QR code: never print them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frame")
            .field("format", &self.format)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("stride", &self.stride)
            .finish_non_exhaustive()
    }
}

impl PixelFormat {
    fn bytes_per_pixel(self) -> usize {
        match self {
            PixelFormat::Gray | PixelFormat::Nv12 => 1,
            PixelFormat::Yuyv => 2,
            PixelFormat::Rgb | PixelFormat::Bgr => 3,
            PixelFormat::Mjpeg => 0,
        }
    }
}

/// BT.601 limited-range YUV to RGB, in integers.
fn yuv_to_rgb(y: u8, u: u8, v: u8) -> [u8; 3] {
    let c = 298 * (y as i32 - 16);
    let (d, e) = (u as i32 - 128, v as i32 - 128);
    let clip = |x: i32| ((x + 128) >> 8).clamp(0, 255) as u8;
    [
        clip(c + 409 * e),
        clip(c - 100 * d - 208 * e),
        clip(c + 516 * d),
    ]
}

/// Something that delivers camera frames: a live camera, or recorded frames.
///
/// Dropping the source must release the device.
pub trait FrameSource {
    /// Waits for and returns the next frame; [`ScanError::EndOfStream`] when there is none left.
    fn next_frame(&mut self) -> Result<Frame, ScanError>;
}

/// What a [`CameraScanner`] reports.
#[non_exhaustive]
pub enum ScanEvent {
    /// A small picture of the latest frame, for the live view. Sent at the camera's pace,
    /// skipped when the receiver lags behind.
    Preview(PreviewFrame),
    /// The texts of every QR code in the frame that was read. The source is already released.
    Found(Vec<String>),
    /// The source ran out of frames (a recording) with no code read. The source is released.
    Finished,
    /// The source failed (a camera unplugged, access revoked). The source is released.
    Failed(ScanError),
}

impl std::fmt::Debug for ScanEvent {
    // Decoded texts and pictures may hold secrets: show only their size.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScanEvent::Preview(p) => write!(f, "Preview({}x{})", p.width, p.height),
            ScanEvent::Found(texts) => write!(f, "Found({} texts)", texts.len()),
            ScanEvent::Finished => write!(f, "Finished"),
            ScanEvent::Failed(e) => f.debug_tuple("Failed").field(e).finish(),
        }
    }
}

/// A coarse, blurred colour picture of a frame, JPEG-encoded: enough to aim the code at the
/// camera, too little to read it back from the picture. The frame is averaged down to
/// [`PREVIEW_DETAIL`] cells across its shorter side and blurred; the window scales it up
/// smoothly. Small (a few kB) so it is cheap to make and to hand to a web view 15 times a
/// second. The decoder reads the full frames.
pub struct PreviewFrame {
    /// Width in cells (pixels of the JPEG).
    pub width: u32,
    /// Height in cells (pixels of the JPEG).
    pub height: u32,
    /// A baseline JPEG of the picture.
    pub jpeg: Vec<u8>,
}

/// Cells across the shorter side of a frame a preview keeps (85 x 48 for a 16:9 camera). A
/// QR code fits in that side, with its quiet zone 29 modules across at the least: under two
/// cells a module, blurred, which no decoder reads back.
pub const PREVIEW_DETAIL: u32 = 48;

/// Times the cells are blurred with [1 2 1] (twice: a Gaussian of about one cell).
const BLUR_PASSES: usize = 2;

/// Points averaged across (and down) each cell: enough for a smooth average, far fewer than
/// the cell's pixels.
const CELL_SAMPLES: usize = 4;

/// Reads frames from a [`FrameSource`] on a thread of its own and decodes them on one worker,
/// until a code is read, the source ends or fails, or the scanner is dropped.
///
/// Frames that arrive while the worker is busy are skipped for decoding (previews still go
/// out). Each frame gets the cheap plain decode plus one of the costlier retries, taken in
/// turn from [`CAMERA_RETRY_STAGES`].
pub struct CameraScanner {
    events: Option<Receiver<ScanEvent>>,
    stop: Arc<AtomicBool>,
    capture: Option<JoinHandle<()>>,
}

/// Previews waiting for the receiver; more are dropped rather than queued.
const EVENT_CAPACITY: usize = 4;

impl CameraScanner {
    /// Opens a source with `open` and scans its frames, sending a [`PreviewFrame`] of each
    /// when `previews` is true.
    ///
    /// `open` runs on the scanner's thread, where the source then lives and is dropped:
    /// opening a camera can take a while, and camera handles may not move between threads.
    /// A failure to open comes as [`ScanEvent::Failed`].
    ///
    /// ```no_run
    /// # #[cfg(feature = "camera")] {
    /// use countersign_scan::camera::{CameraScanner, ScanEvent, Webcam};
    /// let scanner = CameraScanner::start(|| Webcam::open(0), true);
    /// for event in scanner.events() {
    ///     match event {
    ///         ScanEvent::Preview(frame) => { /* show frame.jpeg */ }
    ///         ScanEvent::Found(texts) => { /* the camera is already off */ }
    ///         _ => {}
    ///     }
    /// }
    /// # }
    /// ```
    pub fn start<S, F>(open: F, previews: bool) -> Self
    where
        S: FrameSource,
        F: FnOnce() -> Result<S, ScanError> + Send + 'static,
    {
        let (event_tx, event_rx) = mpsc::sync_channel(EVENT_CAPACITY);
        let stop = Arc::new(AtomicBool::new(false));
        let capture = std::thread::Builder::new()
            .name("qr-camera".into())
            .spawn({
                let stop = Arc::clone(&stop);
                move || match open() {
                    Ok(source) => capture_loop(source, previews, &stop, &event_tx),
                    Err(error) => {
                        let _ = event_tx.send(ScanEvent::Failed(error));
                    }
                }
            })
            .expect("the system can start a thread");
        Self {
            events: Some(event_rx),
            stop,
            capture: Some(capture),
        }
    }

    /// The scanner's events, in order; the last one is `Found`, `Finished` or `Failed`, after
    /// which the channel closes.
    pub fn events(&self) -> &Receiver<ScanEvent> {
        self.events.as_ref().expect("present until dropped")
    }
}

impl Drop for CameraScanner {
    /// Stops scanning and returns once the source is released.
    fn drop(&mut self) {
        // Closing the channel first keeps the capture thread from waiting on a full queue.
        self.events = None;
        self.stop.store(true, Ordering::SeqCst);
        if let Some(capture) = self.capture.take() {
            let _ = capture.join();
        }
    }
}

fn capture_loop<S: FrameSource>(
    mut source: S,
    previews: bool,
    stop: &Arc<AtomicBool>,
    events: &SyncSender<ScanEvent>,
) {
    let found = Arc::new(Mutex::new(None));
    // Capacity 1: a frame waits only while the previous one is being decoded.
    let (frame_tx, frame_rx) = mpsc::sync_channel::<Frame>(1);
    let worker = std::thread::Builder::new()
        .name("qr-camera-decode".into())
        .spawn({
            let (stop, found) = (Arc::clone(stop), Arc::clone(&found));
            move || decode_loop(&frame_rx, &stop, &found)
        });
    let mut failure = worker
        .as_ref()
        .err()
        .map(|e| ScanError::Camera(format!("cannot start the decode worker: {e}").into()));
    while failure.is_none() && !stop.load(Ordering::SeqCst) {
        let frame = match source.next_frame().and_then(Frame::without_jpeg) {
            Ok(frame) => frame,
            // A damaged frame happens with real cameras: skip it.
            Err(ScanError::InvalidFrame(_)) => continue,
            Err(ScanError::EndOfStream) => break,
            Err(e) => {
                failure = Some(e);
                break;
            }
        };
        if frame.check().is_err() {
            continue;
        }
        if previews && let Some(preview) = preview(&frame) {
            let _ = events.try_send(ScanEvent::Preview(preview));
        }
        // Dropped when the worker is still busy with an earlier frame.
        let _ = frame_tx.try_send(frame);
    }
    drop(source);
    drop(frame_tx);
    if let Ok(worker) = worker {
        let _ = worker.join();
    }
    let texts = found.lock().map(|mut f| f.take()).unwrap_or(None);
    let last = match (texts, failure) {
        (Some(texts), _) => ScanEvent::Found(texts),
        (None, Some(error)) => ScanEvent::Failed(error),
        (None, None) => ScanEvent::Finished,
    };
    let _ = events.send(last);
}

fn decode_loop(frames: &Receiver<Frame>, stop: &AtomicBool, found: &Mutex<Option<Vec<String>>>) {
    let mut retries = CAMERA_RETRY_STAGES.iter().copied().cycle();
    for frame in frames {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let stages = [Stage::Plain, retries.next().expect("endless cycle")];
        let texts = frame
            .with_luma(|view| decode_stages(view, &stages))
            .unwrap_or_default();
        if !texts.is_empty() {
            if let Ok(mut slot) = found.lock() {
                *slot = Some(texts);
            }
            stop.store(true, Ordering::SeqCst);
            break;
        }
    }
}

/// The preview of a checked frame: see [`PreviewFrame`].
fn preview(frame: &Frame) -> Option<PreviewFrame> {
    let cells = coarse(frame);
    let rgb: Vec<u8> = cells
        .rgb
        .iter()
        .flat_map(|cell| cell.map(|c| c.round().clamp(0.0, 255.0) as u8))
        .collect();
    let (width, height) = (cells.width as u32, cells.height as u32);
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode(&rgb, width, height, ExtendedColorType::Rgb8)
        .ok()?;
    Some(PreviewFrame {
        width,
        height,
        jpeg,
    })
}

/// A small picture of floating-point RGB cells.
struct Cells {
    width: usize,
    height: usize,
    rgb: Vec<[f32; 3]>,
}

/// The frame averaged down to [`PREVIEW_DETAIL`] cells across its shorter side, then blurred
/// with a [1 2 1] kernel both ways.
fn coarse(frame: &Frame) -> Cells {
    let (fw, fh) = (frame.width as usize, frame.height as usize);
    let short = fw.min(fh);
    let across = (PREVIEW_DETAIL as usize).min(short);
    let (width, height) = ((fw * across / short).max(1), (fh * across / short).max(1));
    let mut rgb = Vec::with_capacity(width * height);
    // Sample points within each cell, spread evenly.
    let points = |cell: usize, cells: usize, pixels: usize| {
        let (start, end) = (cell * pixels / cells, ((cell + 1) * pixels / cells).max(1));
        (0..CELL_SAMPLES)
            .map(move |i| start + (2 * i + 1) * (end - start) / (2 * CELL_SAMPLES))
            .map(move |p| p.min(pixels - 1))
    };
    for cy in 0..height {
        for cx in 0..width {
            let mut sum = [0u32; 3];
            for y in points(cy, height, fh) {
                for x in points(cx, width, fw) {
                    for (s, c) in sum.iter_mut().zip(frame.rgb_at(x, y)) {
                        *s += u32::from(c);
                    }
                }
            }
            let n = (CELL_SAMPLES * CELL_SAMPLES) as f32;
            rgb.push(sum.map(|s| s as f32 / n));
        }
    }
    let mut cells = Cells { width, height, rgb };
    for _ in 0..BLUR_PASSES {
        cells.blur();
    }
    cells
}

impl Cells {
    /// A [1 2 1] / 4 blur across, then down; edges repeat.
    fn blur(&mut self) {
        let (w, h) = (self.width, self.height);
        for (step, len, lines, stride) in [(1, w, h, w), (w, h, w, 1)] {
            let mut line = vec![[0f32; 3]; len];
            for l in 0..lines {
                let index = |i: usize| l * stride + i * step;
                for (i, out) in line.iter_mut().enumerate() {
                    let (a, b, c) = (
                        self.rgb[index(i.saturating_sub(1))],
                        self.rgb[index(i)],
                        self.rgb[index((i + 1).min(len - 1))],
                    );
                    *out = std::array::from_fn(|k| (a[k] + 2.0 * b[k] + c[k]) / 4.0);
                }
                for (i, value) in line.iter().enumerate() {
                    self.rgb[index(i)] = *value;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuv_primaries_convert() {
        assert_eq!(yuv_to_rgb(235, 128, 128), [255, 255, 255]);
        assert_eq!(yuv_to_rgb(16, 128, 128), [0, 0, 0]);
        let red = yuv_to_rgb(81, 90, 240);
        assert!(red[0] > 250 && red[1] < 5 && red[2] < 5, "{red:?}");
    }

    #[test]
    fn nv12_and_yuyv_previews_read_colour() {
        // A 2x2 red frame in both layouts.
        let nv12 = Frame::packed(PixelFormat::Nv12, 2, 2, vec![81, 81, 81, 81, 90, 240]);
        let yuyv = Frame::packed(PixelFormat::Yuyv, 2, 2, [81, 90, 81, 240].repeat(2));
        for frame in [nv12, yuyv] {
            frame.check().unwrap();
            let [r, g, b] = frame.rgb_at(1, 1);
            assert!(r > 250 && g < 5 && b < 5, "{:?}", frame.format);
        }
    }

    #[test]
    fn short_frames_are_rejected() {
        let frame = Frame::packed(PixelFormat::Nv12, 4, 4, vec![0; 16]);
        assert!(matches!(frame.check(), Err(ScanError::InvalidFrame(_))));
        let frame = Frame::packed(PixelFormat::Rgb, 4, 4, vec![0; 47]);
        assert!(matches!(frame.check(), Err(ScanError::InvalidFrame(_))));
    }

    #[test]
    fn previews_keep_the_aspect_ratio_at_48_cells_across_the_short_side() {
        for ((w, h), cells) in [
            ((1280, 720), (85, 48)),
            ((480, 640), (48, 64)),
            ((640, 480), (64, 48)),
            // Fewer pixels than cells: one cell a pixel.
            ((40, 30), (40, 30)),
        ] {
            let frame = Frame::packed(PixelFormat::Gray, w, h, vec![128; (w * h) as usize]);
            let p = preview(&frame).unwrap();
            assert_eq!((p.width, p.height), cells, "{w}x{h}");
            let decoded = image::load_from_memory(&p.jpeg).unwrap();
            assert_eq!((decoded.width(), decoded.height()), cells, "{w}x{h}");
        }
    }
}
