//! Attestation objects and authenticator data from a key or a file are untrusted input: parsing
//! and verifying them must never panic, and must always say what it checked.
//!
//! Run from crates/fido/fuzz, seeded with recorded attestation objects of real keys:
//! `cargo +nightly fuzz run attestation_object corpus/attestation_object seeds/attestation_object`.

#![no_main]

use countersign_fido::authdata::{AttestationObject, AuthenticatorData};
use countersign_fido::{Outcome, verify_registration};
use libfuzzer_sys::fuzz_target;

const CLIENT_DATA: &[u8] = br#"{"type":"webauthn.create","challenge":"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE","origin":"https://example.org"}"#;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = AuthenticatorData::parse(data) {
        assert!(data.len() >= 37);
        assert_eq!(parsed.credential.is_some(), parsed.has(0x40));
    }
    let object = AttestationObject::parse(data);
    let report = verify_registration("example.org", "https://example.org", &[1; 32], CLIENT_DATA, data);
    assert_eq!(
        report.outcome("attestation_object.cbor"),
        Some(if object.is_ok() { Outcome::Pass } else { Outcome::Fail })
    );
});
