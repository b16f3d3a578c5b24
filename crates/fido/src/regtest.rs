//! The registration test: a local WebAuthn registration and authentication against a key,
//! verified check by check as a relying party would.

use crate::b64;
use crate::error::Error;
use crate::key::{Algorithm, AssertionRequest, KeyInfo, MakeCredentialRequest, SecurityKey, User};
use crate::pin::Pin;
use crate::report::{Outcome, Report, VerifiedCredential};
use crate::verify::{Policy, verify_assertion_with, verify_registration_with};
use ring::rand::{SecureRandom, SystemRandom};

/// How to run the registration test.
#[derive(Debug, Clone)]
pub struct TestOptions {
    /// The key's PIN, when it has one (needed to verify the user and to delete the test passkey).
    pub pin: Option<Pin>,
    /// The relying party ID the test pretends to be.
    pub rp_id: String,
    /// The origin written into clientDataJSON.
    pub origin: String,
    /// Also create (and then delete) a discoverable credential.
    pub discoverable: bool,
}

impl Default for TestOptions {
    fn default() -> TestOptions {
        TestOptions {
            pin: None,
            rp_id: "countersign.test".into(),
            origin: "https://countersign.test".into(),
            discoverable: true,
        }
    }
}

/// Runs the registration test. Each step needs a touch; the key emits
/// [`crate::KeyEvent::TouchNeeded`] while it waits.
pub fn registration_test(key: &dyn SecurityKey, options: &TestOptions) -> Report {
    let mut report = Report::new(format!("Countersign registration test: {}", key.label()));
    let info = match key.info() {
        Ok(info) => info,
        Err(e) => {
            report.push("key.info", Outcome::Fail, e.to_string());
            key_failed(&mut report, &e);
            return report;
        }
    };
    report.title = format!(
        "Countersign registration test: {} ({}, AAGUID {})",
        key.label(),
        info.model.as_deref().unwrap_or("unknown model"),
        info.aaguid
    );
    report.push("key.info", Outcome::Pass, info.versions.join(", "));
    report.word("versions", [("versions", info.versions.join(", "))]);
    if info.pin_set == Some(true) && options.pin.is_none() {
        report.push(
            "key.pin",
            Outcome::Skipped,
            "the key has a PIN but none was given; the key may refuse",
        );
        report.word("pin_not_given", []);
    }
    let hmac = info.has_extension("hmac-secret");

    // Non-discoverable ES256, with hmac-secret where offered.
    let first = Step {
        name: "es256",
        algorithm: Algorithm::Es256,
        discoverable: false,
        hmac,
    };
    first.run(key, options, &mut report);

    // Discoverable, EdDSA where offered.
    let algorithm = if info.algorithms.contains(&-8) {
        Algorithm::EdDsa
    } else {
        Algorithm::Es256
    };
    let name = if algorithm == Algorithm::EdDsa {
        "eddsa_discoverable"
    } else {
        "es256_discoverable"
    };
    match discoverable_skip_reason(&info, options) {
        Some((code, reason)) => {
            report.push(name, Outcome::Skipped, reason);
            report.word(code, []);
        }
        None => {
            let step = Step {
                name,
                algorithm,
                discoverable: true,
                hmac: false,
            };
            if let Some(credential_id) = step.run(key, options, &mut report) {
                let pin = options
                    .pin
                    .as_ref()
                    .expect("checked by discoverable_skip_reason");
                match key.delete_passkey(pin, &credential_id) {
                    Ok(()) => {
                        report.push(
                            format!("{name}/cleanup"),
                            Outcome::Pass,
                            "the test passkey was deleted",
                        );
                        report.word("passkey_deleted", []);
                    }
                    Err(e) => {
                        report.push(
                            format!("{name}/cleanup"),
                            Outcome::Fail,
                            format!(
                                "could not delete the test passkey for {}: {e}",
                                options.rp_id
                            ),
                        );
                        report.word(
                            "passkey_not_deleted",
                            [
                                ("rp_id", options.rp_id.clone()),
                                ("kind", e.kind().to_owned()),
                                ("detail", e.to_string()),
                            ],
                        );
                    }
                }
            }
        }
    }
    report
}

/// Why the passkey step is skipped, as a code and in words; `None` when it runs.
fn discoverable_skip_reason(
    info: &KeyInfo,
    options: &TestOptions,
) -> Option<(&'static str, &'static str)> {
    if !options.discoverable {
        Some(("not_requested", "not requested"))
    } else if info.option("rk") != Some(true) {
        Some((
            "no_discoverable",
            "the key cannot store discoverable credentials",
        ))
    } else if options.pin.is_none() {
        Some((
            "needs_pin",
            "needs the PIN, so the test passkey can be deleted afterwards",
        ))
    } else if info.option("credMgmt") != Some(true)
        && info.option("credentialMgmtPreview") != Some(true)
    {
        Some((
            "cannot_delete",
            "the key cannot delete passkeys, so none is created",
        ))
    } else {
        None
    }
}

/// Gives the check added last the words of a key's error: its kind, and the English sentence
/// for a kind the window does not word.
fn key_failed(report: &mut Report, error: &Error) {
    report.word(
        "key_failed",
        [
            ("kind", error.kind().to_owned()),
            ("detail", error.to_string()),
        ],
    );
}

struct Step {
    name: &'static str,
    algorithm: Algorithm,
    discoverable: bool,
    hmac: bool,
}

impl Step {
    /// Registers, verifies, asserts and verifies; returns the credential ID when one was made.
    fn run(
        &self,
        key: &dyn SecurityKey,
        options: &TestOptions,
        report: &mut Report,
    ) -> Option<Vec<u8>> {
        let name = self.name;
        let pin = options.pin.as_ref();
        let policy = Policy {
            require_user_verification: pin.is_some(),
            algorithms: vec![self.algorithm.cose()],
            // A key whose vendor root is not bundled is reported so, not failed.
            roots: None,
            require_trusted_root: false,
        };
        let challenge = random::<32>();
        let client_data = client_data_json("webauthn.create", &challenge, &options.origin);
        let request = MakeCredentialRequest {
            client_data_json: client_data.clone(),
            rp_id: options.rp_id.clone(),
            rp_name: "Countersign registration test".into(),
            user: User {
                id: random::<16>().to_vec(),
                name: Some("test@countersign.test".into()),
                display_name: Some("Countersign test".into()),
            },
            algorithms: vec![self.algorithm],
            discoverable: self.discoverable,
            user_verification: false,
            hmac_secret: self.hmac,
            exclude: Vec::new(),
        };
        let created = match key.make_credential(&request, pin) {
            Ok(created) => {
                report.push(
                    format!("{name}/make_credential"),
                    Outcome::Pass,
                    format!("\"{}\" attestation", created.format),
                );
                report.word("attestation_format", [("format", created.format.clone())]);
                created
            }
            Err(e) => {
                report.push(
                    format!("{name}/make_credential"),
                    Outcome::Fail,
                    e.to_string(),
                );
                key_failed(report, &e);
                return None;
            }
        };
        let registration = verify_registration_with(
            &policy,
            &options.rp_id,
            &options.origin,
            &challenge,
            &client_data,
            &created.attestation_object,
        );
        let credential = registration.credential.clone();
        report.absorb(&format!("{name}/registration"), registration);
        let Some(credential) = credential else {
            return Some(created.credential_id);
        };

        let salt = random::<32>();
        let first = self.assert(
            key,
            options,
            &policy,
            &credential,
            credential.sign_count,
            Some(salt),
            "assertion",
            report,
        )?;
        if self.hmac {
            let second = self.assert(
                key,
                options,
                &policy,
                &credential,
                first.0,
                Some(salt),
                "assertion_again",
                report,
            );
            match (first.1, second.and_then(|s| s.1)) {
                (Some(a), Some(b)) => {
                    let same = report.expect(
                        &format!("{name}/hmac_secret"),
                        a.len() == 32 && a == b,
                        "the same salt gave the same 32-byte secret twice",
                        "the same salt gave different secrets",
                    );
                    report.word(if same { "hmac_same" } else { "hmac_different" }, []);
                }
                _ => {
                    report.expect(
                        &format!("{name}/hmac_secret"),
                        false,
                        "",
                        "the key returned no hmac-secret output",
                    );
                    report.word("hmac_missing", []);
                }
            };
        } else if !self.discoverable {
            report.push(
                format!("{name}/hmac_secret"),
                Outcome::Skipped,
                "the key does not offer hmac-secret",
            );
            report.word("hmac_not_offered", []);
        }
        Some(created.credential_id)
    }

    /// One getAssertion, verified; returns the new counter and any hmac-secret output.
    #[allow(clippy::too_many_arguments)]
    fn assert(
        &self,
        key: &dyn SecurityKey,
        options: &TestOptions,
        policy: &Policy,
        credential: &VerifiedCredential,
        previous_counter: u32,
        salt: Option<[u8; 32]>,
        label: &str,
        report: &mut Report,
    ) -> Option<(u32, Option<Vec<u8>>)> {
        let name = format!("{}/{label}", self.name);
        let challenge = random::<32>();
        let client_data = client_data_json("webauthn.get", &challenge, &options.origin);
        let request = AssertionRequest {
            client_data_json: client_data.clone(),
            rp_id: options.rp_id.clone(),
            // A discoverable credential is found by the key itself, as passkey sign-in does.
            allow: if self.discoverable {
                Vec::new()
            } else {
                vec![credential.credential_id.clone()]
            },
            user_presence: true,
            user_verification: false,
            hmac_salt: salt.filter(|_| self.hmac),
        };
        let assertion = match key.get_assertion(&request, options.pin.as_ref()) {
            Ok(mut list) if !list.is_empty() => list.remove(0),
            Ok(_) => {
                report.push(
                    format!("{name}/get_assertion"),
                    Outcome::Fail,
                    Error::NoCredentials.to_string(),
                );
                report.word("no_credentials", []);
                return None;
            }
            Err(e) => {
                report.push(
                    format!("{name}/get_assertion"),
                    Outcome::Fail,
                    e.to_string(),
                );
                key_failed(report, &e);
                return None;
            }
        };
        let same = report.expect(
            &format!("{name}/get_assertion"),
            assertion.credential_id == credential.credential_id,
            "the new credential signed",
            format!(
                "another credential signed ({})",
                b64::encode(&assertion.credential_id)
            ),
        );
        if same {
            report.word("new_credential_signed", []);
        } else {
            report.word(
                "other_credential_signed",
                [("credential", b64::encode(&assertion.credential_id))],
            );
        }
        let verified = verify_assertion_with(
            policy,
            &options.rp_id,
            &options.origin,
            &challenge,
            &client_data,
            &assertion.authenticator_data,
            &assertion.signature,
            &credential.public_key_cose,
            previous_counter,
        );
        report.absorb(&name, verified);
        let counter = crate::authdata::AuthenticatorData::parse(&assertion.authenticator_data)
            .map(|d| d.sign_count)
            .unwrap_or(previous_counter);
        Some((counter, assertion.hmac_secret.map(|s| s.to_vec())))
    }
}

/// clientDataJSON as a browser would write it.
pub fn client_data_json(kind: &str, challenge: &[u8], origin: &str) -> Vec<u8> {
    serde_json::json!({
        "type": kind,
        "challenge": b64::encode(challenge),
        "origin": origin,
        "crossOrigin": false,
    })
    .to_string()
    .into_bytes()
}

fn random<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    // The OS generator failing is not something a test report can recover from.
    SystemRandom::new()
        .fill(&mut out)
        .expect("system randomness");
    out
}
