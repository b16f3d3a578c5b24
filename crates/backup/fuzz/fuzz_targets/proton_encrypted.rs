//! Arbitrary salt and content into a Proton Authenticator password-protected export, opened
//! with a password: it must return, never panic, and every account it accepts must be usable.
//! The input is the salt and the content, split at the first newline. Proton's key derivation
//! is fixed (Argon2id, 19 MiB, 2 passes), so every run that gets past base64 pays for it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (salt, content) = text
        .split_once('\n')
        .unwrap_or(("c2FsdHNhbHRzYWx0c2FsdA==", text));
    // Only what a JSON string holds without escapes: the JSON around it is not under test.
    if [salt, content]
        .iter()
        .any(|part| part.contains(['"', '\\']) || part.chars().any(char::is_control))
    {
        return;
    }
    let file = format!(r#"{{"version":1,"salt":"{salt}","content":"{content}"}}"#);
    let format = countersign_backup::format_by_id("proton").unwrap();
    assert!(format.is_encrypted(file.as_bytes()));
    if let Ok(imported) = format.import(file.as_bytes(), Some("test")) {
        for account in imported.accounts() {
            assert_eq!(account.validate(), Ok(()));
        }
    }
});
