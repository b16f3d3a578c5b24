//! Arbitrary bytes into format detection and the automatic import: whatever is detected must
//! import or fail with an error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let detected = countersign_backup::detect_format(data);
    if let Ok((format, _)) = countersign_backup::import_auto(data, None) {
        assert_eq!(Some(format.id()), detected.map(|f| f.id()));
    }
});
