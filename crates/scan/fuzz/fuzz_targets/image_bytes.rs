//! Arbitrary bytes through the image-file path: format sniffing, image decoding within the
//! size limits, grayscale conversion and the whole QR decode cascade.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(texts) = countersign_scan::scan_image_bytes(data) {
        assert!(texts.iter().all(|t| !t.is_empty()));
    }
});
