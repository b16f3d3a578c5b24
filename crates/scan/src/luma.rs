//! Grayscale ("luma") images: borrowed views with a row stride, owned buffers, and the fast
//! integer conversions from colour pixels.

use std::borrow::Cow;

use crate::ScanError;

/// Largest accepted side, in pixels: far above any screen or camera, well below what would
/// overflow the arithmetic or exhaust memory.
pub const MAX_SIDE: u32 = 32_768;

/// A borrowed 8-bit grayscale image whose rows may be padded (`stride >= width`).
///
/// A camera's Y plane (NV12, grayscale) is viewed in place, padding included.
#[derive(Clone, Copy)]
pub struct LumaView<'a> {
    data: &'a [u8],
    width: u32,
    height: u32,
    stride: usize,
}

impl<'a> LumaView<'a> {
    /// Views `data` as `height` rows of `width` pixels, each row starting `stride` bytes after
    /// the previous one; the last row needs only `width` bytes.
    pub fn new(data: &'a [u8], width: u32, height: u32, stride: usize) -> Result<Self, ScanError> {
        check_dimensions(width, height)?;
        if stride < width as usize {
            return Err(ScanError::InvalidStride { width, stride });
        }
        let needed = stride * (height as usize - 1) + width as usize;
        if data.len() < needed {
            return Err(ScanError::BufferTooSmall {
                needed,
                actual: data.len(),
            });
        }
        Ok(Self {
            data,
            width,
            height,
            stride,
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Distance in bytes between the starts of two rows.
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// The pixels of row `y` (panics when `y >= height`).
    pub fn row(&self, y: u32) -> &'a [u8] {
        let start = y as usize * self.stride;
        &self.data[start..start + self.width as usize]
    }

    /// The pixels without row padding: borrowed when there is none, else compacted once.
    pub(crate) fn contiguous(&self) -> Cow<'a, [u8]> {
        let (w, h) = (self.width as usize, self.height as usize);
        if self.stride == w {
            return Cow::Borrowed(&self.data[..w * h]);
        }
        let mut out = Vec::with_capacity(w * h);
        for y in 0..self.height {
            out.extend_from_slice(self.row(y));
        }
        Cow::Owned(out)
    }
}

impl std::fmt::Debug for LumaView<'_> {
    // Pixels may show a secret QR code: never print them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LumaView")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("stride", &self.stride)
            .finish_non_exhaustive()
    }
}

/// An owned, unpadded 8-bit grayscale image.
#[derive(Clone)]
pub struct LumaImage {
    data: Vec<u8>,
    width: u32,
    height: u32,
}

impl LumaImage {
    /// Takes the first `width * height` bytes of `data` as row-major gray pixels.
    pub fn new(mut data: Vec<u8>, width: u32, height: u32) -> Result<Self, ScanError> {
        check_dimensions(width, height)?;
        let needed = width as usize * height as usize;
        if data.len() < needed {
            return Err(ScanError::BufferTooSmall {
                needed,
                actual: data.len(),
            });
        }
        data.truncate(needed);
        Ok(Self {
            data,
            width,
            height,
        })
    }

    /// Converts packed 8-bit RGBA pixels (a clipboard image, a screen capture), compositing
    /// transparency over white so a code drawn on a transparent background stays readable.
    pub fn from_rgba(rgba: &[u8], width: u32, height: u32) -> Result<Self, ScanError> {
        Self::from_packed(rgba, width, height, 4, |p| {
            over_white(luma(p[0], p[1], p[2]), p[3])
        })
    }

    /// Converts packed 8-bit RGB pixels.
    pub fn from_rgb(rgb: &[u8], width: u32, height: u32) -> Result<Self, ScanError> {
        Self::from_packed(rgb, width, height, 3, |p| luma(p[0], p[1], p[2]))
    }

    /// Borrows the image as a view.
    pub fn view(&self) -> LumaView<'_> {
        LumaView {
            data: &self.data,
            width: self.width,
            height: self.height,
            stride: self.width as usize,
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The row-major pixels.
    pub fn as_bytes(&self) -> &[u8] {
        &self.data
    }

    fn from_packed(
        src: &[u8],
        width: u32,
        height: u32,
        bytes_per_pixel: usize,
        to_luma: impl Fn(&[u8]) -> u8,
    ) -> Result<Self, ScanError> {
        let stride = width as usize * bytes_per_pixel;
        Self::from_packed_rows(src, width, height, stride, bytes_per_pixel, to_luma)
    }

    /// Converts packed pixels whose rows start `stride` bytes apart.
    pub(crate) fn from_packed_rows(
        src: &[u8],
        width: u32,
        height: u32,
        stride: usize,
        bytes_per_pixel: usize,
        to_luma: impl Fn(&[u8]) -> u8,
    ) -> Result<Self, ScanError> {
        check_dimensions(width, height)?;
        let row = width as usize * bytes_per_pixel;
        if stride < row {
            return Err(ScanError::InvalidStride { width, stride });
        }
        let needed = stride * (height as usize - 1) + row;
        if src.len() < needed {
            return Err(ScanError::BufferTooSmall {
                needed,
                actual: src.len(),
            });
        }
        let mut data = Vec::with_capacity(width as usize * height as usize);
        for y in 0..height as usize {
            let start = y * stride;
            data.extend(
                src[start..start + row]
                    .chunks_exact(bytes_per_pixel)
                    .map(&to_luma),
            );
        }
        Ok(Self {
            data,
            width,
            height,
        })
    }
}

impl std::fmt::Debug for LumaImage {
    // Pixels may show a secret QR code: never print them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LumaImage")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

/// Integer BT.601 luma: `(77 R + 150 G + 29 B) >> 8`, several times cheaper than float paths.
#[inline]
pub(crate) fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((77 * r as u32 + 150 * g as u32 + 29 * b as u32) >> 8) as u8
}

/// Composites a gray value of opacity `alpha` over white.
#[inline]
pub(crate) fn over_white(y: u8, alpha: u8) -> u8 {
    let a = alpha as u32;
    ((y as u32 * a + 255 * (255 - a) + 127) / 255) as u8
}

fn check_dimensions(width: u32, height: u32) -> Result<(), ScanError> {
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(ScanError::InvalidDimensions { width, height });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_luma_matches_bt601_weights() {
        assert_eq!(luma(255, 255, 255), 255);
        assert_eq!(luma(0, 0, 0), 0);
        assert_eq!(luma(255, 0, 0), 76);
        assert_eq!(luma(0, 255, 0), 149);
        assert_eq!(luma(0, 0, 255), 28);
    }

    #[test]
    fn transparent_pixels_become_white() {
        let rgba = [0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 128];
        let img = LumaImage::from_rgba(&rgba, 3, 1).unwrap();
        assert_eq!(img.as_bytes(), &[255, 0, 127]);
    }

    #[test]
    fn padded_packed_rows_convert() {
        // 2x2 YUYV with 2 bytes of padding per row: the Y samples are the luma.
        let yuyv = [10, 128, 20, 128, 0, 0, 30, 99, 40, 99];
        let img = LumaImage::from_packed_rows(&yuyv, 2, 2, 6, 2, |p| p[0]).unwrap();
        assert_eq!(img.as_bytes(), &[10, 20, 30, 40]);
        assert!(matches!(
            LumaImage::from_packed_rows(&yuyv, 2, 2, 3, 2, |p| p[0]),
            Err(ScanError::InvalidStride {
                width: 2,
                stride: 3
            })
        ));
    }

    #[test]
    fn strided_view_skips_padding() {
        // 2x2 image with 3 bytes per row; the last row is not padded.
        let data = [1, 2, 99, 3, 4];
        let view = LumaView::new(&data, 2, 2, 3).unwrap();
        assert_eq!(view.row(1), &[3, 4]);
        assert_eq!(&*view.contiguous(), &[1, 2, 3, 4]);
    }

    #[test]
    fn bad_geometry_is_rejected() {
        assert!(matches!(
            LumaView::new(&[0; 4], 0, 4, 1),
            Err(ScanError::InvalidDimensions {
                width: 0,
                height: 4
            })
        ));
        assert!(matches!(
            LumaView::new(&[0; 4], 4, 1, 3),
            Err(ScanError::InvalidStride {
                width: 4,
                stride: 3
            })
        ));
        assert!(matches!(
            LumaView::new(&[0; 5], 3, 2, 3),
            Err(ScanError::BufferTooSmall {
                needed: 6,
                actual: 5
            })
        ));
        assert!(matches!(
            LumaImage::from_rgb(&[0; 5], 2, 1),
            Err(ScanError::BufferTooSmall {
                needed: 6,
                actual: 5
            })
        ));
    }
}
