//! Decoding: every QR code text in a grayscale image, through a cascade of retries that stops
//! at the first stage that reads something.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::Duration;

use rxing::common::HybridBinarizer;
use rxing::multi::MultipleBarcodeReader;
use rxing::qrcode::QRCodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Luma8Source, Reader};

use crate::filters;
use crate::luma::{LumaImage, LumaView};

/// One step of the retry cascade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// The image as given, then inverted (light-on-dark codes).
    Plain,
    /// Gray levels stretched between the 1st and 99th percentiles (dim or washed-out photos).
    ContrastStretch,
    /// Box-averaged to 1/2, then 1/4, of the size while the short side keeps
    /// [`MIN_DOWNSCALED_SIDE`] pixels (blur, noise and JPEG artefacts average out).
    Downscale,
    /// Thresholded against the local mean (uneven light, busy backgrounds).
    Binarise,
    /// rqrr, an independent decoder, isolated from its panics. Too slow and weak for live
    /// frames; a last resort for one still image.
    Rqrr,
}

/// The cascade for one still image (a file, a screenshot, a clipboard image). rqrr comes
/// last: the benchmark (BENCH.md) shows it reading steeply tilted codes that rxing misses.
pub const STILL_IMAGE_STAGES: &[Stage] = &[
    Stage::Plain,
    Stage::ContrastStretch,
    Stage::Downscale,
    Stage::Binarise,
    Stage::Rqrr,
];

/// The retries a live camera pipeline spreads over successive frames, one per frame after
/// [`Stage::Plain`], so that each frame stays cheap.
pub const CAMERA_RETRY_STAGES: &[Stage] =
    &[Stage::ContrastStretch, Stage::Downscale, Stage::Binarise];

/// A downscale stops before the short side drops below this many pixels.
pub const MIN_DOWNSCALED_SIDE: u32 = 360;

/// How long one image's decode may run before it is abandoned: rxing's thorough search
/// ("try harder") has had endless-loop bugs. Ten times what an empty 4K screenshot takes here.
const WATCHDOG: Duration = Duration::from_secs(5);

/// Finds every QR code in a still image and returns their texts, deduplicated, in the order
/// found; empty when there is none.
///
/// Runs [`STILL_IMAGE_STAGES`] up to the first stage that reads something.
///
/// ```
/// # use countersign_scan::{decode, LumaImage};
/// let blank = LumaImage::new(vec![255; 64 * 64], 64, 64).unwrap();
/// assert!(decode(blank.view()).is_empty());
/// ```
pub fn decode(image: LumaView<'_>) -> Vec<String> {
    decode_stages(image, STILL_IMAGE_STAGES)
}

/// Like [`decode`], with the cascade given: runs `stages` in order up to the first that reads
/// something.
///
/// The work happens on a worker thread under a watchdog; a decode that outlives it is
/// abandoned (its thread is left to finish on its own) and reads as nothing.
pub fn decode_stages(image: LumaView<'_>, stages: &[Stage]) -> Vec<String> {
    if stages.is_empty() {
        return Vec::new();
    }
    // The worker may outlive this call, so it gets its own copy of the pixels.
    let owned = LumaImage::new(
        image.contiguous().into_owned(),
        image.width(),
        image.height(),
    )
    .expect("a valid view has valid dimensions");
    let stages = stages.to_vec();
    with_watchdog(WATCHDOG, move || run_cascade(owned.view(), &stages))
}

/// Runs `work` on a thread of its own and waits at most `timeout` for it; a timeout, or a
/// worker that panicked, gives the default (nothing found).
fn with_watchdog<T: Default + Send + 'static>(
    timeout: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("qr-decode".into())
        .spawn(move || {
            let _ = tx.send(work());
        });
    if spawned.is_err() {
        return T::default();
    }
    rx.recv_timeout(timeout).unwrap_or_default()
}

fn run_cascade(image: LumaView<'_>, stages: &[Stage]) -> Vec<String> {
    for stage in stages {
        let texts = run_stage(image, *stage);
        if !texts.is_empty() {
            return texts;
        }
    }
    Vec::new()
}

fn run_stage(image: LumaView<'_>, stage: Stage) -> Vec<String> {
    match stage {
        Stage::Plain => read_rxing(&image.contiguous(), image.width(), image.height()),
        Stage::ContrastStretch => match filters::contrast_stretch(image) {
            Some(stretched) => read_image(&stretched),
            None => Vec::new(),
        },
        Stage::Downscale => {
            let mut current = filters::downscale_half(image, MIN_DOWNSCALED_SIDE);
            for _ in 0..2 {
                let Some(smaller) = current else { break };
                let texts = read_image(&smaller);
                if !texts.is_empty() {
                    return texts;
                }
                current = filters::downscale_half(smaller.view(), MIN_DOWNSCALED_SIDE);
            }
            Vec::new()
        }
        Stage::Binarise => read_image(&filters::binarise_local_mean(image)),
        Stage::Rqrr => read_rqrr(image),
    }
}

fn read_image(image: &LumaImage) -> Vec<String> {
    read_rxing(image.as_bytes(), image.width(), image.height())
}

/// rxing on one contiguous buffer: its zxing-cpp port (which returns every code), its classic
/// zxing detector, then both on the inverted bitmap.
fn read_rxing(pixels: &[u8], width: u32, height: u32) -> Vec<String> {
    let Ok(source) = Luma8Source::new_with_slice(pixels, width, height) else {
        return Vec::new();
    };
    let hints = DecodeHints {
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        TryHarder: Some(true),
        ..DecodeHints::default()
    };
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    for inverted in [false, true] {
        if inverted {
            bitmap.invert();
        }
        let mut texts = Vec::new();
        if let Ok(results) = QrReader.decode_multiple_with_hints(&mut bitmap, &hints) {
            texts.extend(results.iter().map(|r| r.getText().to_owned()));
        }
        if texts.is_empty()
            && let Ok(result) = QRCodeReader.decode_with_hints(&mut bitmap, &hints)
        {
            texts.push(result.getText().to_owned());
        }
        let texts = dedup_valid(texts);
        if !texts.is_empty() {
            return texts;
        }
    }
    Vec::new()
}

fn read_rqrr(image: LumaView<'_>) -> Vec<String> {
    // rqrr panics on some real photos: contain it to this stage.
    catch_unwind(AssertUnwindSafe(|| {
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
            image.width() as usize,
            image.height() as usize,
            |x, y| image.row(y as u32)[x],
        );
        prepared
            .detect_grids()
            .iter()
            .filter_map(|grid| grid.decode().ok().map(|(_, text)| text))
            .collect()
    }))
    .map(dedup_valid)
    .unwrap_or_default()
}

/// Drops empty texts and repeats, keeping the first-found order.
fn dedup_valid(texts: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    texts
        .into_iter()
        .filter(|t| !t.is_empty() && seen.insert(t.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedup_keeps_first_order_and_drops_empty() {
        let texts = ["b", "a", "", "b", "c", "a"].map(String::from).to_vec();
        assert_eq!(dedup_valid(texts), ["b", "a", "c"]);
    }

    #[test]
    fn the_watchdog_gives_up_on_a_hung_decode() {
        let start = std::time::Instant::now();
        let texts = with_watchdog(Duration::from_millis(50), || {
            std::thread::sleep(Duration::from_secs(5));
            vec!["too late".to_owned()]
        });
        assert!(texts.is_empty());
        assert!(start.elapsed() < Duration::from_secs(2));
        let texts = with_watchdog(Duration::from_secs(5), || vec!["in time".to_owned()]);
        assert_eq!(texts, ["in time"]);
    }

    #[test]
    fn a_panicking_stage_reads_as_nothing() {
        let texts: Vec<String> = with_watchdog(Duration::from_secs(5), || panic!("decoder bug"));
        assert!(texts.is_empty());
    }

    #[test]
    fn no_stages_reads_nothing() {
        let img = LumaImage::new(vec![0; 16], 4, 4).unwrap();
        assert!(decode_stages(img.view(), &[]).is_empty());
    }
}
