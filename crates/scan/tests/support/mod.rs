//! QR test images: codes drawn onto canvases, with the distortions of camera photos and the
//! look of screenshots. Shared by the tests and the benchmark.
#![allow(dead_code)] // each test binary uses a different part

use countersign_scan::LumaImage;
use image::codecs::jpeg::JpegEncoder;
use image::{ExtendedColorType, ImageEncoder, RgbImage};
use qrcode::{Color, EcLevel, QrCode};
use rand::Rng;

/// A point in canvas pixels.
pub type Point = (f64, f64);

/// An RGB picture to draw codes on.
#[derive(Clone)]
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

impl Canvas {
    /// A canvas filled with one colour.
    pub fn new(width: u32, height: u32, fill: [u8; 3]) -> Self {
        let rgb = fill.repeat(width as usize * height as usize);
        Self { width, height, rgb }
    }

    /// The canvas in grayscale, as the decoder sees it.
    pub fn luma(&self) -> LumaImage {
        LumaImage::from_rgb(&self.rgb, self.width, self.height).unwrap()
    }

    /// The canvas as a PNG file.
    pub fn png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&self.rgb, self.width, self.height, ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    /// The canvas as a JPEG file of the given quality (1-100).
    pub fn jpeg(&self, quality: u8) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, quality)
            .encode(&self.rgb, self.width, self.height, ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    /// Fills a rectangle, clipped to the canvas.
    pub fn fill_rect(&mut self, x: i64, y: i64, w: i64, h: i64, colour: [u8; 3]) {
        let (x0, y0) = (x.max(0), y.max(0));
        let (x1, y1) = (
            (x + w).min(self.width as i64),
            (y + h).min(self.height as i64),
        );
        for yy in y0..y1 {
            for xx in x0..x1 {
                self.put(xx as u32, yy as u32, colour);
            }
        }
    }

    fn put(&mut self, x: u32, y: u32, colour: [u8; 3]) {
        let i = 3 * (y as usize * self.width as usize + x as usize);
        self.rgb[i..i + 3].copy_from_slice(&colour);
    }

    /// Draws a QR code of `text`, its 4-module quiet zone included, mapped onto the
    /// quadrilateral `corners` (top-left, top-right, bottom-right, bottom-left), with
    /// 3x3 supersampling so edges are anti-aliased like a real picture's.
    pub fn draw_code(&mut self, text: &str, ec: EcLevel, corners: [Point; 4], dark: u8, light: u8) {
        let code = QrCode::with_error_correction_level(text, ec).unwrap();
        let n = code.width();
        let colors = code.to_colors();
        let span = (n + 8) as f64;
        let is_dark = |u: f64, v: f64| {
            let (mx, my) = ((u * span).floor() as i64 - 4, (v * span).floor() as i64 - 4);
            (0..n as i64).contains(&mx)
                && (0..n as i64).contains(&my)
                && colors[my as usize * n + mx as usize] == Color::Dark
        };
        let inverse = square_to_quad(corners).inverse();
        let xs = corners.iter().map(|c| c.0);
        let ys = corners.iter().map(|c| c.1);
        let x0 = xs.clone().fold(f64::MAX, f64::min).floor().max(0.0) as u32;
        let x1 = (xs.fold(f64::MIN, f64::max).ceil() as u32).min(self.width);
        let y0 = ys.clone().fold(f64::MAX, f64::min).floor().max(0.0) as u32;
        let y1 = (ys.fold(f64::MIN, f64::max).ceil() as u32).min(self.height);
        for y in y0..y1 {
            for x in x0..x1 {
                let (mut inside, mut darks) = (0, 0);
                for sy in 0..3 {
                    for sx in 0..3 {
                        let p = (
                            x as f64 + (sx as f64 + 0.5) / 3.0,
                            y as f64 + (sy as f64 + 0.5) / 3.0,
                        );
                        let (u, v) = inverse.apply(p);
                        if (0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) {
                            inside += 1;
                            darks += is_dark(u, v) as u32;
                        }
                    }
                }
                if inside == 0 {
                    continue;
                }
                let i = 3 * (y as usize * self.width as usize + x as usize);
                let background = self.rgb[i..i + 3].to_vec();
                for (c, &bg) in self.rgb[i..i + 3].iter_mut().zip(&background) {
                    let code_value =
                        (darks * dark as u32 + (inside - darks) * light as u32) / inside;
                    // Partial coverage at the quad's border blends with what was there.
                    *c = ((code_value * inside + bg as u32 * (9 - inside)) / 9) as u8;
                }
            }
        }
    }

    /// Gaussian blur (out of focus, motion-free).
    pub fn blur(&mut self, sigma: f32) {
        let img =
            RgbImage::from_raw(self.width, self.height, std::mem::take(&mut self.rgb)).unwrap();
        self.rgb = image::imageops::blur(&img, sigma).into_raw();
    }

    /// Adds uniform noise of +-`amplitude` to every channel (sensor noise).
    pub fn add_noise(&mut self, rng: &mut impl Rng, amplitude: i32) {
        for c in &mut self.rgb {
            *c = (*c as i32 + rng.random_range(-amplitude..=amplitude)).clamp(0, 255) as u8;
        }
    }

    /// Uneven light: brightness falls linearly along a random direction down to `darkest`
    /// (0..1) of the original, as with a lamp to one side.
    pub fn light_falloff(&mut self, rng: &mut impl Rng, darkest: f64) {
        let angle = rng.random_range(0.0..std::f64::consts::TAU);
        let (dx, dy) = (angle.cos(), angle.sin());
        let (w, h) = (self.width as f64, self.height as f64);
        let span = dx.abs() * w + dy.abs() * h;
        let start = dx.min(0.0) * w + dy.min(0.0) * h;
        for y in 0..self.height {
            for x in 0..self.width {
                let t = (x as f64 * dx + y as f64 * dy - start) / span;
                let factor = 1.0 - (1.0 - darkest) * t;
                let i = 3 * (y as usize * self.width as usize + x as usize);
                for c in &mut self.rgb[i..i + 3] {
                    *c = (*c as f64 * factor) as u8;
                }
            }
        }
    }

    /// Photographic negative (a light-on-dark code).
    pub fn invert(&mut self) {
        for c in &mut self.rgb {
            *c = 255 - *c;
        }
    }

    /// A cluttered backdrop: random coloured blocks and stripes over a gradient.
    pub fn busy_background(&mut self, rng: &mut impl Rng) {
        for y in 0..self.height {
            for x in 0..self.width {
                let g = (60 + 140 * x / self.width + 40 * y / self.height) as u8;
                self.put(x, y, [g, g.saturating_sub(30), 255 - g]);
            }
        }
        let (w, h) = (self.width as i64, self.height as i64);
        for _ in 0..150 {
            let colour = [rng.random(), rng.random(), rng.random()];
            let (bw, bh) = (rng.random_range(4..w / 6), rng.random_range(4..h / 6));
            self.fill_rect(
                rng.random_range(-bw..w),
                rng.random_range(-bh..h),
                bw,
                bh,
                colour,
            );
        }
    }

    /// A desktop-like screenshot: window chrome, a sidebar and lines of "text".
    pub fn screenshot_backdrop(&mut self, rng: &mut impl Rng) {
        let (w, h) = (self.width as i64, self.height as i64);
        let unit = (w / 640).max(1);
        self.fill_rect(0, 0, w, 12 * unit, [40, 44, 52]);
        self.fill_rect(0, 12 * unit, w / 5, h, [230, 232, 236]);
        for i in 0..12 {
            self.fill_rect(
                8 * unit,
                (24 + 18 * i) * unit,
                w / 5 - 16 * unit,
                10 * unit,
                [200, 205, 215],
            );
        }
        let mut y = 24 * unit;
        while y < h - 12 * unit {
            let mut x = w / 5 + 16 * unit;
            while x < w - 40 * unit {
                let word = rng.random_range(3..14) * 2 * unit;
                self.fill_rect(x, y, word, 4 * unit, [60, 60, 70]);
                x += word + 3 * unit;
            }
            y += 10 * unit;
        }
    }
}

/// The corners of a square of side `side` centred on `centre`, turned by `degrees`.
pub fn square(centre: Point, side: f64, degrees: f64) -> [Point; 4] {
    let (s, c) = degrees.to_radians().sin_cos();
    let h = side / 2.0;
    [(-h, -h), (h, -h), (h, h), (-h, h)]
        .map(|(x, y)| (centre.0 + x * c - y * s, centre.1 + x * s + y * c))
}

/// A 3x3 projective transform.
#[derive(Clone, Copy)]
pub struct Homography([[f64; 3]; 3]);

impl Homography {
    pub fn apply(&self, (x, y): Point) -> Point {
        let m = &self.0;
        let w = m[2][0] * x + m[2][1] * y + m[2][2];
        (
            (m[0][0] * x + m[0][1] * y + m[0][2]) / w,
            (m[1][0] * x + m[1][1] * y + m[1][2]) / w,
        )
    }

    /// The inverse transform (the adjugate: the scale of a homography does not matter).
    pub fn inverse(&self) -> Self {
        let m = &self.0;
        let cof = |r0: usize, r1: usize, c0: usize, c1: usize| {
            m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0]
        };
        Self([
            [cof(1, 2, 1, 2), -cof(0, 2, 1, 2), cof(0, 1, 1, 2)],
            [-cof(1, 2, 0, 2), cof(0, 2, 0, 2), -cof(0, 1, 0, 2)],
            [cof(1, 2, 0, 1), -cof(0, 2, 0, 1), cof(0, 1, 0, 1)],
        ])
    }
}

/// The transform taking the unit square's corners (0,0), (1,0), (1,1), (0,1) to `quad`
/// (Heckbert's closed form).
pub fn square_to_quad(quad: [Point; 4]) -> Homography {
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = quad;
    let (dx3, dy3) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
    let (g, h) = if dx3.abs() < 1e-9 && dy3.abs() < 1e-9 {
        (0.0, 0.0)
    } else {
        let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
        let den = dx1 * dy2 - dx2 * dy1;
        ((dx3 * dy2 - dx2 * dy3) / den, (dx1 * dy3 - dx3 * dy1) / den)
    };
    Homography([
        [x1 - x0 + g * x1, x3 - x0 + h * x3, x0],
        [y1 - y0 + g * y1, y3 - y0 + h * y3, y0],
        [g, h, 1.0],
    ])
}

/// A realistic provisioning URI with a random 160-bit secret.
pub fn otpauth_uri(rng: &mut impl Rng, issuer: &str, account: &str) -> String {
    const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let secret: String = (0..32)
        .map(|_| BASE32[rng.random_range(0..32)] as char)
        .collect();
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits=6&period=30"
    )
}
