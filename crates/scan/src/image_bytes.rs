//! Still images: encoded files (PNG, JPEG, WebP, GIF, BMP) and raw RGBA (a clipboard image).

use std::io::Cursor;

use image::{DynamicImage, ImageError, ImageReader, Limits};

use crate::luma::{LumaImage, MAX_SIDE, over_white};
use crate::{ScanError, decode};

/// Decodes an image file's bytes (PNG, JPEG, WebP, GIF's first frame, BMP) to grayscale.
///
/// The format is recognised from the bytes, not from a file name. Sizes are capped, so a
/// hostile file cannot exhaust memory.
pub fn luma_from_image_bytes(bytes: &[u8]) -> Result<LumaImage, ScanError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .expect("reading from memory cannot fail");
    if reader.format().is_none() {
        return Err(ScanError::UnsupportedImageFormat);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| match e {
        ImageError::Unsupported(_) => ScanError::UnsupportedImageFormat,
        ImageError::Limits(_) => ScanError::ImageTooLarge,
        other => ScanError::CorruptImage(other),
    })?;
    luma_from_dynamic(image)
}

/// Finds every QR code in an image file's bytes; see [`luma_from_image_bytes`] and
/// [`decode`](crate::decode).
pub fn scan_image_bytes(bytes: &[u8]) -> Result<Vec<String>, ScanError> {
    Ok(decode(luma_from_image_bytes(bytes)?.view()))
}

/// Finds every QR code in packed 8-bit RGBA pixels, as a clipboard image arrives
/// (for example from `arboard::ImageData`).
pub fn scan_rgba(rgba: &[u8], width: u32, height: u32) -> Result<Vec<String>, ScanError> {
    Ok(decode(LumaImage::from_rgba(rgba, width, height)?.view()))
}

pub(crate) fn luma_from_dynamic(image: DynamicImage) -> Result<LumaImage, ScanError> {
    let (width, height) = (image.width(), image.height());
    match image {
        DynamicImage::ImageLuma8(gray) => LumaImage::new(gray.into_raw(), width, height),
        DynamicImage::ImageLumaA8(gray) => {
            let data = gray.pixels().map(|p| over_white(p.0[0], p.0[1])).collect();
            LumaImage::new(data, width, height)
        }
        DynamicImage::ImageRgb8(rgb) => LumaImage::from_rgb(rgb.as_raw(), width, height),
        DynamicImage::ImageRgba8(rgba) => LumaImage::from_rgba(rgba.as_raw(), width, height),
        // 16-bit and float images are rare for codes: one generic conversion suffices.
        other => LumaImage::from_rgba(other.to_rgba8().as_raw(), width, height),
    }
}
