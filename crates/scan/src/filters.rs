//! The image clean-ups behind the decode retries.

use crate::luma::{LumaImage, LumaView};

/// Maps the 1st..99th percentile gray range onto 0..255; `None` for an image too flat to
/// hold a code.
pub(crate) fn contrast_stretch(image: LumaView<'_>) -> Option<LumaImage> {
    let mut histogram = [0u64; 256];
    for y in 0..image.height() {
        for &p in image.row(y) {
            histogram[p as usize] += 1;
        }
    }
    let total = image.width() as u64 * image.height() as u64;
    // The first gray level, walking `levels`, past which more than 1% of the pixels lie.
    let percentile = |levels: &mut dyn Iterator<Item = usize>| {
        let mut rank = total / 100;
        for v in levels {
            if histogram[v] > rank {
                return v;
            }
            rank -= histogram[v];
        }
        0
    };
    let low = percentile(&mut (0..256));
    let high = percentile(&mut (0..256).rev());
    if high <= low + 1 {
        return None;
    }
    let span = (high - low) as u32;
    let lut: Vec<u8> = (0..256usize)
        .map(|v| (v.clamp(low, high) - low) as u32 * 255 / span)
        .map(|v| v as u8)
        .collect();
    let mut out = Vec::with_capacity(total as usize);
    for y in 0..image.height() {
        out.extend(image.row(y).iter().map(|&p| lut[p as usize]));
    }
    Some(LumaImage::new(out, image.width(), image.height()).expect("same dimensions"))
}

/// Averages 2x2 blocks; `None` when the result's short side would drop below `min_side`.
pub(crate) fn downscale_half(image: LumaView<'_>, min_side: u32) -> Option<LumaImage> {
    let (w, h) = (image.width() / 2, image.height() / 2);
    if w.min(h) < min_side.max(1) {
        return None;
    }
    let mut out = Vec::with_capacity(w as usize * h as usize);
    for y in 0..h {
        let (top, bottom) = (image.row(2 * y), image.row(2 * y + 1));
        out.extend(
            top.chunks_exact(2)
                .zip(bottom.chunks_exact(2))
                .take(w as usize)
                .map(|(t, b)| {
                    ((t[0] as u16 + t[1] as u16 + b[0] as u16 + b[1] as u16 + 2) / 4) as u8
                }),
        );
    }
    Some(LumaImage::new(out, w, h).expect("non-empty halves"))
}

/// Thresholds each pixel against the mean of a window around it (an adaptive threshold that
/// copes with shadows and gradients), giving pure black and white.
pub(crate) fn binarise_local_mean(image: LumaView<'_>) -> LumaImage {
    let (w, h) = (image.width() as usize, image.height() as usize);
    // A window well above a module's size yet local enough to follow uneven light.
    let radius = (w.min(h) / 16).clamp(4, 64);
    // Summed-area table with a zero first row and column: window sums in O(1).
    let mut integral = vec![0u32; (w + 1) * (h + 1)];
    for y in 0..h {
        let mut row_sum = 0u32;
        for (x, &p) in image.row(y as u32).iter().enumerate() {
            row_sum += p as u32;
            integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row_sum;
        }
    }
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(radius), (y + radius + 1).min(h));
        for (x, &p) in image.row(y as u32).iter().enumerate() {
            let (x0, x1) = (x.saturating_sub(radius), (x + radius + 1).min(w));
            let sum = integral[y1 * (w + 1) + x1] + integral[y0 * (w + 1) + x0]
                - integral[y0 * (w + 1) + x1]
                - integral[y1 * (w + 1) + x0];
            let count = ((y1 - y0) * (x1 - x0)) as u32;
            // A small margin keeps flat, noisy areas white instead of salt and pepper.
            let dark = (p as u32 + 4) * count < sum;
            out.push(if dark { 0 } else { 255 });
        }
    }
    LumaImage::new(out, image.width(), image.height()).expect("same dimensions")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stretch_spreads_a_narrow_range() {
        // Half the pixels at 100, half at 140: the stretch maps them to 0 and 255.
        let data: Vec<u8> = (0..200)
            .map(|i| if i % 2 == 0 { 100 } else { 140 })
            .collect();
        let img = LumaImage::new(data, 20, 10).unwrap();
        let out = contrast_stretch(img.view()).unwrap();
        assert_eq!(&out.as_bytes()[..4], &[0, 255, 0, 255]);
    }

    #[test]
    fn stretch_gives_up_on_a_flat_image() {
        let img = LumaImage::new(vec![77; 100], 10, 10).unwrap();
        assert!(contrast_stretch(img.view()).is_none());
    }

    #[test]
    fn downscale_averages_blocks_and_respects_the_floor() {
        let data = vec![0, 255, 10, 10, 255, 0, 30, 30];
        let img = LumaImage::new(data, 4, 2).unwrap();
        let out = downscale_half(img.view(), 1).unwrap();
        assert_eq!((out.width(), out.height()), (2, 1));
        assert_eq!(out.as_bytes(), &[128, 20]);
        assert!(downscale_half(img.view(), 2).is_none());
    }

    #[test]
    fn binarise_follows_a_gradient() {
        // A dark dot on a bright-to-dim gradient stays the only black pixel.
        let (w, h) = (64usize, 64usize);
        let mut data: Vec<u8> = (0..w * h).map(|i| 250 - (i % w) as u8 * 2).collect();
        data[32 * w + 40] = 20;
        let img = LumaImage::new(data, w as u32, h as u32).unwrap();
        let out = binarise_local_mean(img.view());
        let black: Vec<usize> = (0..w * h).filter(|&i| out.as_bytes()[i] == 0).collect();
        assert_eq!(black, [32 * w + 40]);
    }
}
