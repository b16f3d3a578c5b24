//! The vault file parser on arbitrary bytes. From crates/vault/fuzz:
//! `cargo +nightly fuzz run vault_file corpus seeds/vault_file` (the seeds are the test vectors'
//! files). It must never panic, and what it accepts stays within the format's caps.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(info) = countersign_vault::inspect(data) {
        // An accepted header names at most one slot of each known kind and a bounded number
        // of unknown ones.
        assert!(info.slots.unknown <= 64);
    }
    // The same bytes as a typed or scanned recovery key.
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = countersign_vault::RecoveryKey::parse(text);
    }
});
