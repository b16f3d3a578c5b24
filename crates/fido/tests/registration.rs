//! The registration test against the software key, and the verifier's negative cases on real
//! registrations and assertions made by it.

use countersign_fido::soft::SoftAuthenticator;
use countersign_fido::{
    Algorithm, AssertionRequest, MakeCredentialRequest, Outcome, Pin, Policy, Report, SecurityKey,
    TestOptions, User, client_data_json, registration_test, verify_assertion, verify_registration,
    verify_registration_with,
};

const RP: &str = "example.org";
const ORIGIN: &str = "https://example.org";

fn assert_outcome(report: &Report, name: &str, outcome: Outcome) {
    assert_eq!(
        report.outcome(name),
        Some(outcome),
        "{name} in\n{}",
        report.to_text()
    );
}

#[test]
fn registration_test_passes_with_a_pin() {
    let device = SoftAuthenticator::new().unwrap();
    let key = device.connect().unwrap();
    let pin = Pin::new("1234");
    key.set_pin(&pin).unwrap();
    let report = registration_test(
        &key,
        &TestOptions {
            pin: Some(pin.clone()),
            ..TestOptions::default()
        },
    );
    assert!(report.passed(), "{}", report.to_text());
    for name in [
        "key.info",
        "es256/make_credential",
        "es256/registration/client_data.challenge",
        "es256/registration/auth_data.rp_id_hash",
        "es256/registration/flags.user_verified",
        "es256/registration/credential.algorithm",
        "es256/registration/attestation.statement",
        "es256/registration/aaguid.model",
        "es256/assertion/signature",
        "es256/assertion/sign_count",
        "es256/assertion/flags.user_verified",
        "es256/assertion_again/sign_count",
        "es256/hmac_secret",
        "eddsa_discoverable/make_credential",
        "eddsa_discoverable/registration/credential.public_key",
        "eddsa_discoverable/assertion/get_assertion",
        "eddsa_discoverable/assertion/signature",
        "eddsa_discoverable/cleanup",
    ] {
        assert_outcome(&report, name, Outcome::Pass);
    }
    // OpenSK attests with its own credential key: self attestation, nothing to chain.
    assert_outcome(
        &report,
        "es256/registration/attestation.certificate",
        Outcome::Skipped,
    );
    assert_outcome(
        &report,
        "es256/registration/attestation.trust_chain",
        Outcome::Skipped,
    );
    assert!(
        report
            .check("es256/registration/attestation.statement")
            .unwrap()
            .reason
            .contains("self attestation")
    );
    assert!(
        report
            .check("es256/registration/aaguid.model")
            .unwrap()
            .reason
            .contains("OpenSK")
    );
    // The test credential is gone.
    assert_eq!(key.passkeys(&pin), Ok(vec![]));
    let text = report.to_text();
    assert!(text.starts_with(
        "Countersign registration test: Software key (OpenSK) (Countersign software key (OpenSK)"
    ));
    assert!(
        text.ends_with(&format!(
            "{} passed, 0 failed, 4 skipped\n",
            report.count(Outcome::Pass)
        )),
        "{text}"
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["checks"][0]["outcome"], "pass");
}

#[test]
fn registration_test_without_a_pin_skips_what_needs_one() {
    let device = SoftAuthenticator::new().unwrap();
    let key = device.connect().unwrap();
    let report = registration_test(&key, &TestOptions::default());
    assert!(report.passed(), "{}", report.to_text());
    assert_outcome(
        &report,
        "es256/registration/flags.user_verified",
        Outcome::Skipped,
    );
    assert_outcome(&report, "eddsa_discoverable", Outcome::Skipped);
    assert_outcome(&report, "es256/assertion/signature", Outcome::Pass);
}

/// A real registration and assertion from the software key, for tampering.
struct Recorded {
    challenge: Vec<u8>,
    client_data: Vec<u8>,
    attestation_object: Vec<u8>,
    get_challenge: Vec<u8>,
    get_client_data: Vec<u8>,
    authenticator_data: Vec<u8>,
    signature: Vec<u8>,
    public_key: Vec<u8>,
    counter: u32,
}

fn record(algorithm: Algorithm) -> Recorded {
    let recorded = record_for(algorithm, RP, ORIGIN);
    let report = verify_registration(
        RP,
        ORIGIN,
        &recorded.challenge,
        &recorded.client_data,
        &recorded.attestation_object,
    );
    assert!(report.passed(), "{}", report.to_text());
    recorded
}

/// A registration and an assertion for `rp` made from `origin`, whatever the verifier thinks.
fn record_for(algorithm: Algorithm, rp: &str, origin: &str) -> Recorded {
    let device = SoftAuthenticator::new().unwrap();
    let key = device.connect().unwrap();
    let challenge = vec![0x42; 32];
    let client_data = client_data_json("webauthn.create", &challenge, origin);
    let made = key
        .make_credential(
            &MakeCredentialRequest {
                client_data_json: client_data.clone(),
                rp_id: rp.into(),
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
    // The credential's public key, read by the verifier under the RP ID it was made for.
    let report = verify_registration(
        rp,
        &format!("https://{rp}"),
        &challenge,
        &client_data_json("webauthn.create", &challenge, &format!("https://{rp}")),
        &made.attestation_object,
    );
    let credential = report.credential.expect("a readable credential");
    let get_challenge = vec![0x24; 32];
    let get_client_data = client_data_json("webauthn.get", &get_challenge, origin);
    let assertion = key
        .get_assertion(
            &AssertionRequest {
                client_data_json: get_client_data.clone(),
                rp_id: rp.into(),
                allow: vec![made.credential_id],
                user_presence: true,
                user_verification: false,
                hmac_salt: None,
            },
            None,
        )
        .unwrap()
        .remove(0);
    Recorded {
        challenge,
        client_data,
        attestation_object: made.attestation_object,
        get_challenge,
        get_client_data,
        authenticator_data: assertion.authenticator_data,
        signature: assertion.signature,
        public_key: credential.public_key_cose,
        counter: credential.sign_count,
    }
}

fn verify_get(r: &Recorded, signature: &[u8], previous: u32) -> Report {
    verify_assertion(
        RP,
        ORIGIN,
        &r.get_challenge,
        &r.get_client_data,
        &r.authenticator_data,
        signature,
        &r.public_key,
        previous,
    )
}

#[test]
fn genuine_records_verify() {
    for algorithm in [Algorithm::Es256, Algorithm::EdDsa] {
        let r = record(algorithm);
        let report = verify_get(&r, &r.signature, r.counter);
        assert!(report.passed(), "{}", report.to_text());
        assert_outcome(&report, "signature", Outcome::Pass);
    }
}

#[test]
fn wrong_challenge_origin_and_rp_id_fail() {
    let r = record(Algorithm::Es256);
    let report = verify_registration(
        RP,
        ORIGIN,
        &[0x43; 32],
        &r.client_data,
        &r.attestation_object,
    );
    assert_outcome(&report, "client_data.challenge", Outcome::Fail);
    assert_outcome(&report, "attestation.statement", Outcome::Skipped);
    assert!(!report.passed());

    let report = verify_registration(
        RP,
        "https://evil.example",
        &r.challenge,
        &r.client_data,
        &r.attestation_object,
    );
    assert_outcome(&report, "client_data.origin", Outcome::Fail);
    assert_outcome(&report, "client_data.challenge", Outcome::Pass);

    let report = verify_registration(
        "example.com",
        ORIGIN,
        &r.challenge,
        &r.client_data,
        &r.attestation_object,
    );
    assert_outcome(&report, "auth_data.rp_id_hash", Outcome::Fail);
    assert!(!report.passed());

    // An assertion's client data is not a registration's.
    let report = verify_registration(
        RP,
        ORIGIN,
        &r.get_challenge,
        &r.get_client_data,
        &r.attestation_object,
    );
    assert_outcome(&report, "client_data.type", Outcome::Fail);
}

#[test]
fn rp_ids_the_origin_may_not_claim_fail_both_ceremonies() {
    for (rp, origin) in [
        ("other.org", "https://login.example.org"),
        ("ample.org", "https://login.example.org"),
        ("org", "https://login.example.org"),
        ("login.example.org", "https://example.org"),
    ] {
        // The key signs for `rp` whatever the page's origin: only the verifier can refuse.
        let r = record_for(Algorithm::Es256, rp, origin);
        let registration = verify_registration(
            rp,
            origin,
            &r.challenge,
            &r.client_data,
            &r.attestation_object,
        );
        let assertion = verify_assertion(
            rp,
            origin,
            &r.get_challenge,
            &r.get_client_data,
            &r.authenticator_data,
            &r.signature,
            &r.public_key,
            r.counter,
        );
        for report in [registration, assertion] {
            assert_outcome(&report, "rp_id.origin", Outcome::Fail);
            assert_outcome(&report, "auth_data.rp_id_hash", Outcome::Pass);
            assert_outcome(&report, "client_data.origin", Outcome::Pass);
            assert!(!report.passed(), "{rp} from {origin}\n{}", report.to_text());
        }
    }
}

#[test]
fn the_origins_own_domain_and_its_parents_verify() {
    for (rp, origin) in [
        ("example.org", "https://login.example.org"),
        ("login.example.org", "https://login.example.org"),
    ] {
        let r = record_for(Algorithm::Es256, rp, origin);
        let assertion = verify_assertion(
            rp,
            origin,
            &r.get_challenge,
            &r.get_client_data,
            &r.authenticator_data,
            &r.signature,
            &r.public_key,
            r.counter,
        );
        assert!(assertion.passed(), "{}", assertion.to_text());
        assert_outcome(&assertion, "rp_id.origin", Outcome::Pass);
        let registration = verify_registration(
            rp,
            origin,
            &r.challenge,
            &r.client_data,
            &r.attestation_object,
        );
        assert_outcome(&registration, "rp_id.origin", Outcome::Pass);
        assert!(registration.passed(), "{}", registration.to_text());
    }
}

#[test]
fn flipped_signature_byte_fails() {
    let r = record(Algorithm::Es256);
    let mut bad = r.signature.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x01;
    let report = verify_get(&r, &bad, r.counter);
    assert_outcome(&report, "signature", Outcome::Fail);
    assert_outcome(&report, "client_data.challenge", Outcome::Pass);
    assert!(!report.passed());
}

#[test]
fn counter_going_backwards_fails() {
    let r = record(Algorithm::Es256);
    let report = verify_get(&r, &r.signature, r.counter + 1000);
    assert_outcome(&report, "signature", Outcome::Pass);
    assert_outcome(&report, "sign_count", Outcome::Fail);
    assert!(
        report
            .check("sign_count")
            .unwrap()
            .reason
            .contains("cloned")
    );
}

#[test]
fn self_attestation_without_x5c_is_self_and_tampering_shows() {
    let r = record(Algorithm::Es256);
    let report = verify_registration(
        RP,
        ORIGIN,
        &r.challenge,
        &r.client_data,
        &r.attestation_object,
    );
    assert_outcome(&report, "attestation.statement", Outcome::Pass);
    assert_outcome(&report, "attestation.certificate", Outcome::Skipped);
    assert_outcome(&report, "attestation.trust_chain", Outcome::Skipped);

    // Flip a byte of the self-attestation signature inside the CBOR.
    let value: ciborium::Value = ciborium::de::from_reader(&r.attestation_object[..]).unwrap();
    let ciborium::Value::Map(mut entries) = value else {
        panic!()
    };
    for (k, v) in entries.iter_mut() {
        if k == &ciborium::Value::Text("attStmt".into()) {
            let ciborium::Value::Map(statement) = v else {
                panic!()
            };
            for (k, v) in statement.iter_mut() {
                if k == &ciborium::Value::Text("sig".into()) {
                    let ciborium::Value::Bytes(sig) = v else {
                        panic!()
                    };
                    sig[10] ^= 0x80;
                }
            }
        }
    }
    let mut tampered = Vec::new();
    ciborium::ser::into_writer(&ciborium::Value::Map(entries), &mut tampered).unwrap();
    let report = verify_registration(RP, ORIGIN, &r.challenge, &r.client_data, &tampered);
    assert_outcome(&report, "attestation.statement", Outcome::Fail);
    assert!(!report.passed());
}

#[test]
fn truncated_cbor_fails_cleanly() {
    let r = record(Algorithm::Es256);
    for cut in [
        0,
        1,
        10,
        r.attestation_object.len() / 2,
        r.attestation_object.len() - 1,
    ] {
        let report = verify_registration(
            RP,
            ORIGIN,
            &r.challenge,
            &r.client_data,
            &r.attestation_object[..cut],
        );
        assert_outcome(&report, "attestation_object.cbor", Outcome::Fail);
        assert!(!report.passed());
    }
    let report = verify_get(&r, &r.signature[..5], r.counter);
    assert_outcome(&report, "signature", Outcome::Fail);
    let short = &r.authenticator_data[..20];
    let report = verify_assertion(
        RP,
        ORIGIN,
        &r.get_challenge,
        &r.get_client_data,
        short,
        &r.signature,
        &r.public_key,
        0,
    );
    assert_outcome(&report, "authenticator_data.parse", Outcome::Fail);
    assert_outcome(&report, "sign_count", Outcome::Skipped);
}

#[test]
fn chain_to_an_unknown_root_fails() {
    // A genuine YubiKey 5Ci packed attestation (see tests/vectors), judged against a policy
    // that trusts only Apple's root.
    let vector = std::fs::read_to_string("tests/vectors/yubikey5ci-packed-full.txt").unwrap();
    let field = |name: &str| {
        let line = vector
            .lines()
            .find(|l| l.starts_with(&format!("{name}: ")))
            .unwrap();
        line[name.len() + 2..].to_owned()
    };
    let b64 = |s: String| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s)
            .unwrap()
    };
    let apple = include_str!("../data/roots/apple-webauthn-root-ca.pem").to_owned();
    let policy = Policy {
        roots: Some(vec![apple]),
        ..Policy::default()
    };
    let args = (
        field("rp_id"),
        field("origin"),
        b64(field("challenge")),
        b64(field("client_data_json")),
        b64(field("attestation_object")),
    );
    let report = verify_registration_with(&policy, &args.0, &args.1, &args.2, &args.3, &args.4);
    assert_outcome(&report, "attestation.statement", Outcome::Pass);
    assert_outcome(&report, "attestation.certificate", Outcome::Pass);
    assert_outcome(&report, "attestation.trust_chain", Outcome::Fail);
    // With the bundled roots the same attestation chains to Yubico.
    let report = verify_registration(&args.0, &args.1, &args.2, &args.3, &args.4);
    assert_outcome(&report, "attestation.trust_chain", Outcome::Pass);
    assert!(
        report
            .check("attestation.trust_chain")
            .unwrap()
            .reason
            .contains("Yubico")
    );
}
