//! Arbitrary text into the otpauth:// and otpauth-migration:// parsers: they must return an
//! error, never panic, and whatever they accept must format and parse back to itself.
#![no_main]

use countersign_otp::{Provisioning, parse_provisioning, parse_uri};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for candidate in [
        text.to_owned(),
        format!("otpauth://totp/{text}"),
        format!("otpauth-migration://offline?data={text}"),
    ] {
        match parse_provisioning(&candidate) {
            Ok(Provisioning::Account(account)) => {
                assert_eq!(parse_uri(&account.to_uri()).as_ref(), Ok(&account));
            }
            Ok(Provisioning::Migration(batch)) => {
                for account in batch.accounts {
                    let _ = account.code_at(0);
                }
            }
            Err(_) => {}
        }
    }
});
