//! Arbitrary EncStrings into a Bitwarden password-protected export, opened with a password: it
//! must return, never panic, and every account it accepts must be usable. The input is the
//! key-validation EncString and the data EncString, split at the first newline; the key
//! derivation is PBKDF2 with one iteration so each run reaches EncString parsing and the MAC
//! checks rather than spending its time deriving a key.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Only what a JSON string holds without escapes: the JSON around it is not under test.
    if text.contains(['"', '\\']) || text.chars().any(|c| c.is_control() && c != '\n') {
        return;
    }
    let (validation, encrypted) = text.split_once('\n').unwrap_or((text, ""));
    if encrypted.contains('\n') {
        return;
    }
    let file = format!(
        r#"{{"encrypted":true,"passwordProtected":true,"salt":"c2FsdA==","kdfType":0,"kdfIterations":1,"encKeyValidation_DO_NOT_EDIT":"{validation}","data":"{encrypted}"}}"#
    );
    let format = countersign_backup::format_by_id("bitwarden").unwrap();
    assert!(format.is_encrypted(file.as_bytes()));
    if let Ok(imported) = format.import(file.as_bytes(), Some("password")) {
        for account in imported.accounts() {
            assert_eq!(account.validate(), Ok(()));
        }
    }
});
