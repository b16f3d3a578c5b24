//! Arbitrary bytes into the winauth importer (WinAuth): it must return, never panic, and every account
//! it accepts must be usable. Run without a password (where encrypted archives stop at their
//! headers) and with one, so ZIP decryption, inflation and the checks after them see hostile
//! input too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let format = countersign_backup::format_by_id("winauth").unwrap();
    let _ = format.detect(data);
    let _ = format.is_encrypted(data);
    for password in [None, Some("test")] {
        if let Ok(imported) = format.import(data, password) {
            for account in imported.accounts() {
                assert_eq!(account.validate(), Ok(()));
            }
        }
    }
});
