//! Arbitrary bytes into the google-db importer: it must return, never panic, and every account it
//! accepts must be usable. No password, so encrypted files stop after their header (and KDF
//! caps) are parsed; password-less parsing is where hostile input meets the most code.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let format = countersign_backup::format_by_id("google-db").unwrap();
    let _ = format.detect(data);
    let _ = format.is_encrypted(data);
    if let Ok(imported) = format.import(data, None) {
        for account in imported.accounts() {
            assert_eq!(account.validate(), Ok(()));
        }
    }
});
