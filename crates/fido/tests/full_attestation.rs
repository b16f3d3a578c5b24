//! Full (batch) attestation as vendors' keys make it, from the software key with a test
//! attestation certificate (tests/data/test-attestation: a root Countersign does not bundle):
//! Ed25519 and ES256 credentials, client data with tokenBinding, an unknown root, and the
//! forgeries and mismatches that must keep failing.

use countersign_fido::soft::{BatchAttestation, SoftAuthenticator};
use countersign_fido::{
    Algorithm, Chain, MakeCredentialRequest, Outcome, Pin, Policy, Report, SecurityKey,
    TestOptions, User, Verdict, client_data_json, registration_test, verify_registration,
    verify_registration_with,
};

const RP: &str = "example.org";
const ORIGIN: &str = "https://example.org";
const TEST_ROOT: &str = include_str!("data/test-attestation/root.pem");

fn attested_key() -> SoftAuthenticator {
    SoftAuthenticator::with_attestation(BatchAttestation {
        certificate: include_bytes!("data/test-attestation/attestation.der").to_vec(),
        private_key: *include_bytes!("data/test-attestation/attestation-key.raw"),
    })
    .unwrap()
}

/// A registration: the challenge, the clientDataJSON and the attestation object.
struct Made {
    challenge: Vec<u8>,
    client_data: Vec<u8>,
    attestation_object: Vec<u8>,
}

fn register(algorithm: Algorithm, client_data: Option<Vec<u8>>) -> Made {
    let device = attested_key();
    let key = device.connect().unwrap();
    let challenge = vec![0x42; 32];
    let client_data =
        client_data.unwrap_or_else(|| client_data_json("webauthn.create", &challenge, ORIGIN));
    let made = key
        .make_credential(
            &MakeCredentialRequest {
                client_data_json: client_data.clone(),
                rp_id: RP.into(),
                rp_name: "Example".into(),
                user: User {
                    id: vec![1],
                    name: Some("u".into()),
                    display_name: None,
                },
                algorithms: vec![algorithm],
                discoverable: false,
                user_verification: false,
                hmac_secret: false,
                exclude: vec![],
            },
            None,
        )
        .unwrap();
    Made {
        challenge,
        client_data,
        attestation_object: made.attestation_object,
    }
}

fn trusting_the_test_root() -> Policy {
    Policy {
        roots: Some(vec![TEST_ROOT.to_owned()]),
        ..Policy::default()
    }
}

fn verify(policy: &Policy, made: &Made) -> Report {
    verify_registration_with(
        policy,
        RP,
        ORIGIN,
        &made.challenge,
        &made.client_data,
        &made.attestation_object,
    )
}

fn assert_outcome(report: &Report, name: &str, outcome: Outcome) {
    assert_eq!(
        report.outcome(name),
        Some(outcome),
        "{name} in\n{}",
        report.to_text()
    );
}

#[test]
fn ed25519_credential_with_full_attestation_verifies() {
    let made = register(Algorithm::EdDsa, None);
    let report = verify(&trusting_the_test_root(), &made);
    assert!(report.passed(), "{}", report.to_text());
    assert_outcome(&report, "credential.public_key", Outcome::Pass);
    assert_outcome(&report, "attestation.statement", Outcome::Pass);
    assert_outcome(&report, "attestation.certificate", Outcome::Pass);
    assert_outcome(&report, "attestation.trust_chain", Outcome::Pass);
    assert_eq!(
        report.check("attestation.trust_chain").unwrap().reason,
        "chains to supplied root #1"
    );
    assert_eq!(report.credential.unwrap().algorithm, -8);
}

#[test]
fn es256_credential_with_full_attestation_verifies() {
    let made = register(Algorithm::Es256, None);
    let report = verify(&trusting_the_test_root(), &made);
    assert!(report.passed(), "{}", report.to_text());
    assert_outcome(&report, "attestation.trust_chain", Outcome::Pass);
}

#[test]
fn a_chain_to_a_root_that_is_not_bundled_is_valid_with_an_unknown_root() {
    for algorithm in [Algorithm::Es256, Algorithm::EdDsa] {
        let made = register(algorithm, None);
        let report = verify(&Policy::default(), &made);
        assert!(report.passed(), "{}", report.to_text());
        assert_outcome(&report, "attestation.statement", Outcome::Pass);
        assert_outcome(&report, "attestation.certificate", Outcome::Pass);
        assert_outcome(&report, "attestation.trust_chain", Outcome::Skipped);
        assert!(
            report
                .check("attestation.trust_chain")
                .unwrap()
                .reason
                .starts_with("valid, chain to an unknown root: "),
            "{}",
            report.to_text()
        );
        assert_eq!(report.verdict(), Verdict::ValidUnknownRoot);
        assert_eq!(report.chain, Some(Chain::UnknownRoot));

        // Unless a trusted root is required.
        let strict = Policy {
            require_trusted_root: true,
            ..Policy::default()
        };
        let report = verify(&strict, &made);
        assert_outcome(&report, "attestation.statement", Outcome::Pass);
        assert_outcome(&report, "attestation.trust_chain", Outcome::Fail);
        assert_eq!(report.verdict(), Verdict::Invalid);

        // A chain to a trusted root is plainly valid.
        let report = verify(&trusting_the_test_root(), &made);
        assert_eq!(report.verdict(), Verdict::Valid);
        assert_eq!(report.chain, Some(Chain::TrustedRoot));
    }
}

#[test]
fn the_registration_test_reports_an_unknown_root_without_failing() {
    let device = attested_key();
    let key = device.connect().unwrap();
    let pin = Pin::new("1234");
    key.set_pin(&pin).unwrap();
    let report = registration_test(
        &key,
        &TestOptions {
            pin: Some(pin),
            ..TestOptions::default()
        },
    );
    assert!(report.passed(), "{}", report.to_text());
    assert_eq!(report.verdict(), Verdict::ValidUnknownRoot);
    for step in ["es256", "eddsa_discoverable"] {
        assert_outcome(
            &report,
            &format!("{step}/registration/attestation.statement"),
            Outcome::Pass,
        );
        let name = format!("{step}/registration/attestation.trust_chain");
        assert_outcome(&report, &name, Outcome::Skipped);
        let reason = &report.check(&name).unwrap().reason;
        assert!(
            reason.starts_with("valid, chain to an unknown root: ")
                && reason.contains("a root Countersign does not bundle")
                && reason.contains("Countersign Test Attestation Root (not bundled)"),
            "{reason}"
        );
    }
    assert!(
        report.to_text().contains("valid, chain to an unknown root"),
        "the copied report says so too"
    );
    // Every line carries a code (and its values) for the window to word in its language.
    let uncoded: Vec<&str> = report
        .checks
        .iter()
        .filter(|check| check.code.is_none())
        .map(|check| check.name.as_str())
        .collect();
    assert_eq!(uncoded, Vec::<&str>::new());
    let check = |name: &str| report.check(name).unwrap();
    let chain = check("es256/registration/attestation.trust_chain");
    assert_eq!(chain.code, Some("unknown_root"));
    assert_eq!(
        chain.args["issuer"],
        "CN=Countersign Test Attestation Root (not bundled),O=Countersign Test,C=DE"
    );
    let origin = check("es256/registration/client_data.origin");
    assert_eq!(origin.code, Some("value"));
    assert_eq!(origin.args["found"], "https://countersign.test");
    let rp = check("es256/registration/rp_id.origin");
    assert_eq!(rp.code, Some("rp_id_host"));
    assert_eq!(rp.args["rp_id"], "countersign.test");
    assert_eq!(check("key.info").code, Some("versions"));
}

/// Rewrites one entry of the attestation statement.
fn tamper(made: &Made, entry: &str, change: impl Fn(&mut Vec<u8>)) -> Made {
    use ciborium::Value;
    let value: Value = ciborium::de::from_reader(&made.attestation_object[..]).unwrap();
    let Value::Map(mut entries) = value else {
        panic!("not a map")
    };
    for (k, v) in entries.iter_mut() {
        if k == &Value::Text("attStmt".into()) {
            let Value::Map(statement) = v else { panic!() };
            for (k, v) in statement.iter_mut() {
                if k == &Value::Text(entry.into()) {
                    match v {
                        Value::Bytes(b) => change(b),
                        Value::Array(items) => match &mut items[0] {
                            Value::Bytes(b) => change(b),
                            _ => panic!(),
                        },
                        _ => panic!(),
                    }
                }
            }
        }
    }
    let mut attestation_object = Vec::new();
    ciborium::ser::into_writer(&Value::Map(entries), &mut attestation_object).unwrap();
    Made {
        challenge: made.challenge.clone(),
        client_data: made.client_data.clone(),
        attestation_object,
    }
}

#[test]
fn forged_full_attestation_keeps_failing() {
    for algorithm in [Algorithm::Es256, Algorithm::EdDsa] {
        let made = register(algorithm, None);
        // A flipped bit in the attestation signature.
        let forged = tamper(&made, "sig", |sig| sig[12] ^= 0x01);
        for policy in [Policy::default(), trusting_the_test_root()] {
            let report = verify(&policy, &forged);
            assert_outcome(&report, "attestation.statement", Outcome::Fail);
            assert_outcome(&report, "attestation.trust_chain", Outcome::Skipped);
            assert_eq!(report.verdict(), Verdict::Invalid);
        }
        // An attestation certificate that names the trusted root as issuer but is not signed
        // by it (the last byte of its signature changed).
        let forged = tamper(&made, "x5c", |der| {
            let last = der.len() - 1;
            der[last] ^= 0x01
        });
        let report = verify(&trusting_the_test_root(), &forged);
        assert_outcome(&report, "attestation.statement", Outcome::Pass);
        assert_outcome(&report, "attestation.trust_chain", Outcome::Fail);
        assert!(
            report
                .check("attestation.trust_chain")
                .unwrap()
                .reason
                .contains("forged"),
            "{}",
            report.to_text()
        );
        assert_eq!(report.verdict(), Verdict::Invalid);
    }
}

#[test]
fn wrong_challenge_origin_and_rp_id_keep_failing_with_full_attestation() {
    for algorithm in [Algorithm::Es256, Algorithm::EdDsa] {
        let made = register(algorithm, None);
        let policy = Policy::default();
        let report = verify_registration_with(
            &policy,
            RP,
            ORIGIN,
            &[0x43; 32],
            &made.client_data,
            &made.attestation_object,
        );
        assert_outcome(&report, "client_data.challenge", Outcome::Fail);
        assert_eq!(report.verdict(), Verdict::Invalid);
        let report = verify_registration(
            RP,
            "https://evil.example",
            &made.challenge,
            &made.client_data,
            &made.attestation_object,
        );
        assert_outcome(&report, "client_data.origin", Outcome::Fail);
        assert_eq!(report.verdict(), Verdict::Invalid);
        let report = verify_registration(
            "example.com",
            ORIGIN,
            &made.challenge,
            &made.client_data,
            &made.attestation_object,
        );
        assert_outcome(&report, "auth_data.rp_id_hash", Outcome::Fail);
        assert_eq!(report.verdict(), Verdict::Invalid);
    }
}

#[test]
fn client_data_with_token_binding_is_accepted() {
    let challenge = countersign_fido::b64::encode(&[0x42; 32]);
    for token_binding in [
        serde_json::json!({"status": "not-supported"}),
        serde_json::json!({"status": "supported"}),
        serde_json::json!({"status": "present", "id": "c29tZSB0b2tlbiBiaW5kaW5nIGlk"}),
        // The bare string some clients wrote, which webauthn-rs-core cannot parse.
        serde_json::json!("not-supported"),
    ] {
        let client_data = serde_json::json!({
            "type": "webauthn.create",
            "challenge": challenge,
            "origin": ORIGIN,
            "crossOrigin": false,
            "tokenBinding": token_binding,
        })
        .to_string()
        .into_bytes();
        for algorithm in [Algorithm::Es256, Algorithm::EdDsa] {
            let made = register(algorithm, Some(client_data.clone()));
            let report = verify(&trusting_the_test_root(), &made);
            assert!(report.passed(), "{token_binding}: {}", report.to_text());
            assert_outcome(&report, "attestation.statement", Outcome::Pass);
            assert_outcome(&report, "attestation.trust_chain", Outcome::Pass);
        }
    }
}
