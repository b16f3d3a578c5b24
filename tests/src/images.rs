//! Test images: QR codes with known contents, as files a scan is given.

/// Pixels per QR module in the test images.
const SCALE: u32 = 8;

/// A PNG of a QR code holding `text`, with its quiet zone (qrcode's own renderer).
pub fn qr_png(text: &str) -> Vec<u8> {
    let image = qrcode::QrCode::new(text.as_bytes())
        .expect("the text fits a QR code")
        .render::<image::Luma<u8>>()
        .module_dimensions(SCALE, SCALE)
        .build();
    let mut png = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("PNG encoding");
    png.into_inner()
}
