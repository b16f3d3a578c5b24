//! Every one-byte corruption and every truncation of recorded attestation objects is either
//! parsed or rejected with a failed check: never a panic, never a silently missing check.
//! (The fuzz target in fuzz/ explores further; this runs with every `cargo test`.)

use countersign_fido::authdata::AttestationObject;
use countersign_fido::{Outcome, verify_registration};

const CLIENT_DATA: &[u8] = br#"{"type":"webauthn.create","challenge":"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE","origin":"https://localhost"}"#;

#[test]
fn corrupted_attestation_objects_are_reported_not_panicked_on() {
    let mut parsed = 0;
    let mut rejected = 0;
    let mut seeds: Vec<_> = std::fs::read_dir("fuzz/seeds/attestation_object")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    seeds.sort();
    assert_eq!(seeds.len(), 6);
    for seed in seeds {
        let original = std::fs::read(&seed).unwrap();
        let mut inputs: Vec<Vec<u8>> = (0..original.len())
            .map(|n| original[..n].to_vec())
            .collect();
        for i in 0..original.len() {
            let mut flipped = original.clone();
            flipped[i] ^= 0xA5;
            inputs.push(flipped);
        }
        for input in inputs {
            let expected = match AttestationObject::parse(&input) {
                Ok(_) => {
                    parsed += 1;
                    Outcome::Pass
                }
                Err(_) => {
                    rejected += 1;
                    Outcome::Fail
                }
            };
            let report = verify_registration(
                "localhost",
                "https://localhost",
                &[1; 32],
                CLIENT_DATA,
                &input,
            );
            assert_eq!(
                report.outcome("attestation_object.cbor"),
                Some(expected),
                "{}",
                seed.display()
            );
            assert_eq!(report.outcome("client_data.challenge"), Some(Outcome::Pass));
        }
    }
    // Both paths were exercised: corruptions inside signatures still parse, most others do not.
    assert!(
        parsed > 1000 && rejected > 5000,
        "parsed {parsed}, rejected {rejected}"
    );
}
