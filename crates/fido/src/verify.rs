//! A WebAuthn relying party's checks, one by one, for registrations and assertions.
//!
//! Parsing, client data, RP ID, flags and assertion signatures are checked here directly; the
//! attestation statement and its certificate chain are verified by webauthn-rs-core (the RP
//! library of the kanidm project), called so that it judges only the attestation. Where it
//! cannot judge a statement whole (an Ed25519 credential key, client data its parser refuses),
//! packed statements are checked here with its own building blocks.

use crate::authdata::{AttestationObject, AuthenticatorData, flags};
use crate::b64;
use crate::catalog;
use crate::cbor::{self, Map};
use crate::pin::sha256;
use crate::report::{Chain, Outcome, Report, VerifiedCredential};
use crypto_glue::traits::DecodeDer;
use crypto_glue::x509::{Certificate, X509VerificationError};
use ring::signature;
use serde_json::Value as Json;
use std::time::{Duration, SystemTime};
use webauthn_rs_core::WebauthnCore;
use webauthn_rs_core::attestation::{
    FidoGenCeAaguid, assert_packed_attest_req, validate_extension, verify_attestation_ca_chain,
};
use webauthn_rs_core::error::WebauthnError;
use webauthn_rs_core::proto::{
    AttestationCaList, COSEAlgorithm, CollectedClientData, ParsedAttestationData,
    RegisterPublicKeyCredential, RegistrationState,
};

/// What a registration must satisfy beyond the WebAuthn rules.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Fail when the key did not verify the user (UV flag clear).
    pub require_user_verification: bool,
    /// COSE algorithms accepted; empty accepts ES256, ES384, EdDSA, RS256 and PS256.
    pub algorithms: Vec<i64>,
    /// Attestation roots (PEM) to trust instead of the bundled ones. When given, they are the
    /// only acceptable anchors: a chain to none of them fails, as if
    /// `require_trusted_root` were set.
    pub roots: Option<Vec<String>>,
    /// Fail a valid attestation whose chain ends at a root Countersign does not bundle
    /// (otherwise that is its own verdict, [`crate::Verdict::ValidUnknownRoot`], not a failure).
    pub require_trusted_root: bool,
}

const DEFAULT_ALGORITHMS: [i64; 5] = [-7, -35, -8, -257, -37];

/// Verifies a registration (navigator.credentials.create) offline, listing every check.
pub fn verify_registration(
    rp_id: &str,
    origin: &str,
    challenge: &[u8],
    client_data_json: &[u8],
    attestation_object: &[u8],
) -> Report {
    verify_registration_with(
        &Policy::default(),
        rp_id,
        origin,
        challenge,
        client_data_json,
        attestation_object,
    )
}

/// [`verify_registration`] with a [`Policy`].
pub fn verify_registration_with(
    policy: &Policy,
    rp_id: &str,
    origin: &str,
    challenge: &[u8],
    client_data_json: &[u8],
    attestation_object: &[u8],
) -> Report {
    let mut report = Report::new(format!("WebAuthn registration for {rp_id} ({origin})"));
    let client_ok = check_client_data(
        &mut report,
        "webauthn.create",
        origin,
        challenge,
        client_data_json,
    );
    check_rp_id_scope(&mut report, rp_id, origin);

    let object = match AttestationObject::parse(attestation_object) {
        Ok(object) => {
            report.push(
                "attestation_object.cbor",
                Outcome::Pass,
                format!("format \"{}\"", object.format),
            );
            report.word("format", [("format", object.format.clone())]);
            object
        }
        Err(e) => {
            report.push(
                "attestation_object.cbor",
                Outcome::Fail,
                format!("cannot be read: {}", plain(e.clone())),
            );
            report.word("unreadable", [("detail", plain(e))]);
            return report;
        }
    };
    let data = &object.auth_data;
    let rp_ok = check_auth_data(&mut report, policy, rp_id, data);
    let Some(credential) = &data.credential else {
        report.push(
            "flags.attested_credential",
            Outcome::Fail,
            "AT flag clear: no credential in the authenticator data",
        );
        report.word("no_credential", []);
        return report;
    };
    report.push(
        "flags.attested_credential",
        Outcome::Pass,
        format!("credential ID of {} bytes", credential.credential_id.len()),
    );
    report.word(
        "credential_id",
        [("bytes", credential.credential_id.len().to_string())],
    );

    let key = CoseKey::parse(&credential.public_key);
    let algorithm = match &key {
        Ok(key) => {
            report.push("credential.public_key", Outcome::Pass, key.describe());
            key.word(&mut report);
            let allowed = if policy.algorithms.is_empty() {
                &DEFAULT_ALGORITHMS[..]
            } else {
                &policy.algorithms
            };
            let ok = report.expect(
                "credential.algorithm",
                allowed.contains(&key.alg),
                format!("{} is acceptable", algorithm_name(key.alg)),
                format!("{} was not requested", algorithm_name(key.alg)),
            );
            report.word(
                if ok {
                    "algorithm_ok"
                } else {
                    "algorithm_not_requested"
                },
                [("algorithm", algorithm_name(key.alg))],
            );
            Some(key.alg)
        }
        Err(e) => {
            report.push("credential.public_key", Outcome::Fail, e.clone());
            report.word("unreadable", [("detail", e.clone())]);
            report.push(
                "credential.algorithm",
                Outcome::Skipped,
                "no usable public key",
            );
            report.word("no_public_key", []);
            None
        }
    };

    const FORMATS: [&str; 7] = [
        "packed",
        "fido-u2f",
        "none",
        "tpm",
        "android-key",
        "android-safetynet",
        "apple",
    ];
    let format_ok = report.expect(
        "attestation.format",
        FORMATS.contains(&object.format.as_str()),
        format!("\"{}\" is a registered format", object.format),
        format!("\"{}\" is not a WebAuthn attestation format", object.format),
    );
    report.word(
        if format_ok {
            "format_registered"
        } else {
            "format_unknown"
        },
        [("format", object.format.clone())],
    );

    let aaguid = uuid::Uuid::from_bytes(credential.aaguid);
    let can_judge = client_ok && rp_ok && format_ok;
    check_attestation(
        &mut report,
        policy,
        rp_id,
        &object,
        client_data_json,
        key.as_ref().ok().filter(|_| can_judge),
    );

    match catalog::model_name(&credential.aaguid) {
        Some(name) => {
            report.push("aaguid.model", Outcome::Pass, format!("{name} ({aaguid})"));
            report.word(
                "model",
                [("model", name.to_owned()), ("aaguid", aaguid.to_string())],
            );
        }
        None if credential.aaguid == [0; 16] => {
            report.push(
                "aaguid.model",
                Outcome::Skipped,
                "AAGUID is all zeros (U2F or an anonymised key)",
            );
            report.word("aaguid_zero", []);
        }
        None => {
            report.push(
                "aaguid.model",
                Outcome::Skipped,
                format!("{aaguid} is not in the bundled list"),
            );
            report.word("aaguid_unknown", [("aaguid", aaguid.to_string())]);
        }
    }

    if let (Some(alg), Ok(public_key_cose)) = (algorithm, cose_bytes(&credential.public_key)) {
        report.credential = Some(VerifiedCredential {
            credential_id: credential.credential_id.clone(),
            public_key_cose,
            algorithm: alg,
            sign_count: data.sign_count,
            aaguid: aaguid.to_string(),
        });
    }
    report
}

/// Verifies an assertion (navigator.credentials.get) offline against a stored public key
/// (COSE_Key CBOR) and the counter stored with it.
#[allow(clippy::too_many_arguments)]
pub fn verify_assertion(
    rp_id: &str,
    origin: &str,
    challenge: &[u8],
    client_data_json: &[u8],
    authenticator_data: &[u8],
    signature: &[u8],
    public_key_cose: &[u8],
    previous_counter: u32,
) -> Report {
    verify_assertion_with(
        &Policy::default(),
        rp_id,
        origin,
        challenge,
        client_data_json,
        authenticator_data,
        signature,
        public_key_cose,
        previous_counter,
    )
}

/// [`verify_assertion`] with a [`Policy`].
#[allow(clippy::too_many_arguments)]
pub fn verify_assertion_with(
    policy: &Policy,
    rp_id: &str,
    origin: &str,
    challenge: &[u8],
    client_data_json: &[u8],
    authenticator_data: &[u8],
    signature: &[u8],
    public_key_cose: &[u8],
    previous_counter: u32,
) -> Report {
    let mut report = Report::new(format!("WebAuthn assertion for {rp_id} ({origin})"));
    check_client_data(
        &mut report,
        "webauthn.get",
        origin,
        challenge,
        client_data_json,
    );
    check_rp_id_scope(&mut report, rp_id, origin);
    let data = match AuthenticatorData::parse(authenticator_data) {
        Ok(data) => {
            report.push(
                "authenticator_data.parse",
                Outcome::Pass,
                format!("{} bytes", authenticator_data.len()),
            );
            report.word("bytes", [("bytes", authenticator_data.len().to_string())]);
            Some(data)
        }
        Err(e) => {
            report.push("authenticator_data.parse", Outcome::Fail, plain(e.clone()));
            report.word("unreadable", [("detail", plain(e))]);
            None
        }
    };
    if let Some(data) = &data {
        check_auth_data(&mut report, policy, rp_id, data);
    }

    let key = cbor::decode(public_key_cose)
        .map_err(|e| e.to_string())
        .and_then(|v| CoseKey::parse(&v));
    match key {
        Ok(key) => {
            report.push("credential.public_key", Outcome::Pass, key.describe());
            key.word(&mut report);
            let signed = [authenticator_data, &sha256(client_data_json)[..]].concat();
            match key.verify(&signed, signature) {
                Ok(()) => {
                    report.push(
                        "signature",
                        Outcome::Pass,
                        format!("valid {} signature", algorithm_name(key.alg)),
                    );
                    report.word("signature_valid", [("algorithm", algorithm_name(key.alg))]);
                }
                Err(e) => {
                    report.push("signature", Outcome::Fail, e);
                    report.word("signature_invalid", []);
                }
            }
        }
        Err(e) => {
            report.push("credential.public_key", Outcome::Fail, e.clone());
            report.word("unreadable", [("detail", e)]);
            report.push("signature", Outcome::Skipped, "no usable public key");
            report.word("no_public_key", []);
        }
    }

    match &data {
        Some(data) => {
            let counter = data.sign_count;
            if counter == 0 && previous_counter == 0 {
                report.push(
                    "sign_count",
                    Outcome::Pass,
                    "the key does not use a signature counter (0)",
                );
                report.word("counter_unused", []);
            } else {
                let above = report.expect(
                    "sign_count",
                    counter > previous_counter,
                    format!("{counter} is above the stored {previous_counter}"),
                    format!("{counter} is not above the stored {previous_counter}: the key may have been cloned"),
                );
                report.word(
                    if above {
                        "counter_above"
                    } else {
                        "counter_not_above"
                    },
                    [
                        ("counter", counter.to_string()),
                        ("stored", previous_counter.to_string()),
                    ],
                );
            }
        }
        None => {
            report.push(
                "sign_count",
                Outcome::Skipped,
                "authenticator data unreadable",
            );
            report.word("data_unreadable", []);
        }
    }
    report
}

/// A parse error's own words, without the "answer from the key" framing.
fn plain(e: crate::Error) -> String {
    match e {
        crate::Error::Protocol(message) => message,
        other => other.to_string(),
    }
}

/// Checks clientDataJSON; returns whether everything in it was as expected.
fn check_client_data(
    report: &mut Report,
    kind: &str,
    origin: &str,
    challenge: &[u8],
    json: &[u8],
) -> bool {
    let parsed: Option<serde_json::Map<String, Json>> = serde_json::from_slice(json).ok();
    let Some(client) = parsed else {
        report.push(
            "client_data.json",
            Outcome::Fail,
            "clientDataJSON is not a JSON object",
        );
        report.word("json_not_object", []);
        for name in [
            "client_data.type",
            "client_data.challenge",
            "client_data.origin",
        ] {
            report.push(name, Outcome::Skipped, "clientDataJSON unreadable");
            report.word("json_unreadable", []);
        }
        return false;
    };
    report.push(
        "client_data.json",
        Outcome::Pass,
        format!("{} bytes of JSON", json.len()),
    );
    report.word("json", [("bytes", json.len().to_string())]);
    let text = |key: &str| {
        client
            .get(key)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let got_type = text("type");
    let mut ok = report.expect(
        "client_data.type",
        got_type == kind,
        format!("\"{kind}\""),
        format!("expected \"{kind}\", found \"{got_type}\""),
    );
    report.word(
        if ok { "value" } else { "value_wrong" },
        [("expected", kind.to_owned()), ("found", got_type)],
    );
    let got_challenge = b64::decode(&text("challenge")).unwrap_or_default();
    let challenge_ok = report.expect(
        "client_data.challenge",
        !challenge.is_empty() && got_challenge == challenge,
        "matches the challenge that was sent",
        format!(
            "\"{}\" is not the challenge that was sent ({})",
            text("challenge"),
            b64::encode(challenge)
        ),
    );
    if challenge_ok {
        report.word("challenge_matches", []);
    } else {
        report.word(
            "challenge_wrong",
            [
                ("found", text("challenge")),
                ("expected", b64::encode(challenge)),
            ],
        );
    }
    ok &= challenge_ok;
    let got_origin = text("origin");
    let origin_ok = report.expect(
        "client_data.origin",
        same_origin(&got_origin, origin),
        format!("\"{got_origin}\""),
        format!("expected \"{origin}\", found \"{got_origin}\""),
    );
    report.word(
        if origin_ok { "value" } else { "value_wrong" },
        [("expected", origin.to_owned()), ("found", got_origin)],
    );
    ok &= origin_ok;
    if client.get("crossOrigin").and_then(Json::as_bool) == Some(true) {
        report.push(
            "client_data.cross_origin",
            Outcome::Fail,
            "made in a cross-origin iframe",
        );
        report.word("cross_origin", []);
        ok = false;
    }
    ok
}

/// Origins compare by scheme, host and port (so a trailing slash does not matter).
fn same_origin(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin() && a.origin().is_tuple(),
        _ => false,
    }
}

/// Checks that the RP ID is one the origin may claim: the origin's host, or a registrable
/// suffix of it (WebAuthn's RP ID rule, through HTML's "is a registrable
/// domain suffix of or is equal to").
///
/// No public suffix list is bundled: a suffix must end on a label boundary of the host and
/// have at least two labels, which refuses bare top-level domains ("com") but not multi-label
/// public suffixes such as "co.uk" or "github.io". An IP address host allows only itself.
fn check_rp_id_scope(report: &mut Report, rp_id: &str, origin: &str) {
    let (outcome, (code, why, host)) = match rp_id_scope(rp_id, origin) {
        Ok(scope) => (Outcome::Pass, scope),
        Err(scope) => (Outcome::Fail, scope),
    };
    report.push("rp_id.origin", outcome, why);
    report.word(
        code,
        [
            ("rp_id", rp_id.to_owned()),
            ("origin", origin.to_owned()),
            ("host", host),
        ],
    );
}

/// Why `rp_id` may (Ok) or may not (Err) be used from `origin`: a code, the words, and the
/// origin's host (empty when it has none).
type Scope = (&'static str, String, String);

/// Whether `rp_id` may (Ok) or may not (Err) be used from `origin`, and why.
fn rp_id_scope(rp_id: &str, origin: &str) -> Result<Scope, Scope> {
    let url = url::Url::parse(origin).map_err(|e| {
        (
            "origin_invalid",
            format!("the origin \"{origin}\": {e}"),
            String::new(),
        )
    })?;
    let host = match url.host() {
        Some(url::Host::Domain(domain)) => domain.trim_end_matches('.').to_ascii_lowercase(),
        Some(ip) => {
            let ip = ip.to_string();
            return if rp_id == ip {
                Ok((
                    "rp_id_host",
                    format!("\"{rp_id}\" is the origin's host"),
                    ip,
                ))
            } else {
                Err((
                    "rp_id_address",
                    format!(
                        "the origin's host is the address {ip}, which allows no other RP ID than itself, not \"{rp_id}\""
                    ),
                    ip,
                ))
            };
        }
        None => {
            return Err((
                "origin_no_host",
                format!("the origin \"{origin}\" has no host"),
                String::new(),
            ));
        }
    };
    let rp = rp_id.to_ascii_lowercase();
    if rp == host {
        return Ok((
            "rp_id_host",
            format!("\"{rp_id}\" is the origin's host"),
            host,
        ));
    }
    let suffix_of_host = !rp.is_empty()
        && !rp.starts_with('.')
        && host
            .strip_suffix(rp.as_str())
            .is_some_and(|rest| rest.ends_with('.'));
    if !suffix_of_host {
        let why = format!(
            "\"{rp_id}\" is neither the origin's host \"{host}\" nor a domain it belongs to: \
             the credential would be for another site"
        );
        return Err(("rp_id_other_site", why, host));
    }
    // A public suffix (a top-level domain, co.uk, github.io) is shared by every site under it.
    if !rp.contains('.') || psl::suffix_str(&rp) == Some(rp.as_str()) {
        let (code, kind) = if rp.contains('.') {
            (
                "rp_id_public_suffix",
                "a public suffix (as listed by the Public Suffix List)",
            )
        } else {
            ("rp_id_top_level", "a top-level domain")
        };
        let why = format!("\"{rp_id}\" is {kind}, which no site may claim");
        return Err((code, why, host));
    }
    let why = format!("\"{rp_id}\" is a domain the host \"{host}\" belongs to");
    Ok(("rp_id_domain", why, host))
}

/// Checks RP ID hash and flags; returns whether the RP ID matched and the user was present.
fn check_auth_data(
    report: &mut Report,
    policy: &Policy,
    rp_id: &str,
    data: &AuthenticatorData,
) -> bool {
    let rp_ok = report.expect(
        "auth_data.rp_id_hash",
        data.rp_id_hash == sha256(rp_id.as_bytes()),
        format!("SHA-256 of \"{rp_id}\""),
        format!("not the SHA-256 of \"{rp_id}\": the credential is for another site"),
    );
    report.word(
        if rp_ok {
            "rp_id_hash"
        } else {
            "rp_id_hash_wrong"
        },
        [("rp_id", rp_id.to_owned())],
    );
    let up_ok = report.expect(
        "flags.user_present",
        data.has(flags::UP),
        "UP set: the key was touched",
        "UP clear: nobody touched the key",
    );
    report.word(if up_ok { "up_set" } else { "up_clear" }, []);
    let (outcome, code, why) = match (data.has(flags::UV), policy.require_user_verification) {
        (true, _) => (
            Outcome::Pass,
            "uv_set",
            "UV set: PIN or fingerprint verified",
        ),
        (false, true) => (
            Outcome::Fail,
            "uv_required",
            "UV clear although user verification was required",
        ),
        (false, false) => (
            Outcome::Skipped,
            "uv_clear",
            "UV clear: the user was not verified (not required)",
        ),
    };
    report.push("flags.user_verified", outcome, why);
    report.word(code, []);
    if data.has(flags::BS) && !data.has(flags::BE) {
        report.push(
            "flags.backup",
            Outcome::Fail,
            "backed up (BS) but not backup eligible (BE)",
        );
        report.word("backup_inconsistent", []);
    } else {
        let (code, what) = if data.has(flags::BE) {
            ("backup_eligible", "backup eligible (a synced passkey)")
        } else {
            ("device_bound", "device-bound")
        };
        report.push("flags.backup", Outcome::Pass, what);
        report.word(code, []);
    }
    rp_ok && up_ok
}

/// Verifies the attestation statement, then its chain to the bundled roots.
///
/// `key` is `None` when earlier checks failed and the attestation cannot be judged.
fn check_attestation(
    report: &mut Report,
    policy: &Policy,
    rp_id: &str,
    object: &AttestationObject,
    client_data_json: &[u8],
    key: Option<&CoseKey>,
) {
    let Some(key) = key else {
        for name in [
            "attestation.statement",
            "attestation.certificate",
            "attestation.trust_chain",
        ] {
            report.push(
                name,
                Outcome::Skipped,
                "earlier checks failed, so the attestation was not judged",
            );
            report.word("not_judged", []);
        }
        return;
    };
    let statement = match own_attestation(object, client_data_json, key) {
        Some(result) => result,
        None => core_register(rp_id, object, client_data_json),
    };
    let attestation = match statement {
        Ok(data) => data,
        Err(e) => {
            report.push("attestation.statement", Outcome::Fail, e.clone());
            report.word("statement_invalid", [("detail", e.clone())]);
            let certificate_fault = e.contains("ertificate") || e.contains("x5c");
            if certificate_fault {
                report.push("attestation.certificate", Outcome::Fail, e.clone());
                report.word("certificate_invalid", [("detail", e)]);
            } else {
                report.push(
                    "attestation.certificate",
                    Outcome::Skipped,
                    "statement invalid",
                );
                report.word("after_invalid_statement", []);
            }
            report.push(
                "attestation.trust_chain",
                Outcome::Skipped,
                "statement invalid",
            );
            report.word("after_invalid_statement", []);
            return;
        }
    };
    let (kind, code, chain) = match &attestation {
        ParsedAttestationData::Basic(c) => ("basic (full) attestation", "basic", Some(c.len())),
        ParsedAttestationData::AttCa(c) => ("attestation CA", "att_ca", Some(c.len())),
        ParsedAttestationData::AnonCa(c) => ("anonymisation CA", "anon_ca", Some(c.len())),
        ParsedAttestationData::Self_ => (
            "self attestation (signed with the credential's own key)",
            "self",
            None,
        ),
        ParsedAttestationData::None => ("no attestation", "none", None),
        _ => ("an attestation type that proves nothing", "other", None),
    };
    let attestation_type = || ("type", code.to_owned());
    report.push(
        "attestation.statement",
        Outcome::Pass,
        format!("valid {} statement: {kind}", object.format),
    );
    report.word(
        "statement_valid",
        [("format", object.format.clone()), attestation_type()],
    );
    let Some(length) = chain else {
        report.push(
            "attestation.certificate",
            Outcome::Skipped,
            format!("{kind} carries no certificate"),
        );
        report.word("no_certificate", [attestation_type()]);
        report.push(
            "attestation.trust_chain",
            Outcome::Skipped,
            format!("{kind}: nothing chains to a vendor root"),
        );
        report.word("no_chain", [attestation_type()]);
        return;
    };
    report.push(
        "attestation.certificate",
        Outcome::Pass,
        format!("{length} certificate(s); the format's certificate requirements hold"),
    );
    report.word("certificates", [("count", length.to_string())]);
    check_trust_chain(report, policy, &attestation);
}

/// Judges where the attestation's certificates lead: a trusted root (pass), a broken or forged
/// chain (fail), or a valid chain to a root that is not trusted here, which is its own verdict
/// unless the policy requires a trusted root.
fn check_trust_chain(report: &mut Report, policy: &Policy, attestation: &ParsedAttestationData) {
    let roots = trusted_roots(policy);
    let now = SystemTime::now();
    let mut fault = None;
    for (name, root, list) in &roots {
        match verify_attestation_ca_chain(attestation, list, now) {
            Ok(Some(_)) => {
                report.push(
                    "attestation.trust_chain",
                    Outcome::Pass,
                    format!("chains to {name}"),
                );
                match root {
                    Root::Bundled(vendor) => {
                        report.word("chains_to_bundled", [("vendor", (*vendor).to_owned())])
                    }
                    Root::Supplied(number) => {
                        report.word("chains_to_supplied", [("number", number.to_string())])
                    }
                }
                report.chain = Some(Chain::TrustedRoot);
                return;
            }
            // The chain is sound as far as it goes; its top was not issued by this root.
            Err(WebauthnError::AttestationChainNotTrusted(
                X509VerificationError::NoMatchingIssuer,
            ))
            | Ok(None) => {}
            Err(e) => fault = Some(e),
        }
    }
    if let Some(e) = fault {
        report.push(
            "attestation.trust_chain",
            Outcome::Fail,
            format!("the certificate chain is not valid: {}", chain_fault(&e)),
        );
        report.word("chain_invalid", [("detail", chain_fault(&e))]);
        return;
    }
    if policy.require_trusted_root || policy.roots.is_some() {
        let which = if policy.roots.is_some() {
            "supplied"
        } else {
            "bundled"
        };
        report.push(
            "attestation.trust_chain",
            Outcome::Fail,
            format!(
                "the certificate chains to none of the {} {which} trusted roots, and a trusted root is required: an unknown vendor, or not genuine",
                roots.len()
            ),
        );
        report.word(
            if policy.roots.is_some() {
                "no_supplied_root"
            } else {
                "no_bundled_root"
            },
            [("count", roots.len().to_string())],
        );
        return;
    }
    let issuer = match attestation {
        ParsedAttestationData::Basic(c)
        | ParsedAttestationData::AttCa(c)
        | ParsedAttestationData::AnonCa(c) => c
            .last()
            .map(|top| top.tbs_certificate().issuer().to_string()),
        _ => None,
    }
    .unwrap_or_else(|| "unnamed".into());
    // Not a failure: a genuine key from a vendor whose root is not bundled looks exactly like
    // this, and so does a home-made one; the verdict says which of the two it could be.
    report.push(
        "attestation.trust_chain",
        Outcome::Skipped,
        format!(
            "valid, chain to an unknown root: the statement and its certificates are valid, but they end at a root Countersign does not bundle (issuer \"{issuer}\"), so nothing vouches for the vendor (a trusted root was not required)"
        ),
    );
    report.word("unknown_root", [("issuer", issuer)]);
    report.chain = Some(Chain::UnknownRoot);
}

/// A chain fault in words; the ones a forgery or an old key shows are spelled out.
fn chain_fault(e: &WebauthnError) -> String {
    match e {
        WebauthnError::AttestationChainNotTrusted(
            X509VerificationError::SignatureVerificationFailed,
        ) => "a certificate names a trusted root as its issuer but was not signed by it (forged)"
            .into(),
        WebauthnError::AttestationChainNotTrusted(X509VerificationError::NotBefore) => {
            "a certificate is not valid yet".into()
        }
        WebauthnError::AttestationChainNotTrusted(X509VerificationError::NotAfter) => {
            "a certificate has expired".into()
        }
        WebauthnError::AttestationChainNotTrusted(reason) => format!("{reason:?}"),
        other => other.to_string(),
    }
}

/// A trusted root, for the report's words.
enum Root {
    /// A bundled vendor root, by its vendor.
    Bundled(&'static str),
    /// A root the caller supplied, numbered from 1.
    Supplied(usize),
}

/// The policy's roots, or the bundled vendor roots; each with a name for the report.
fn trusted_roots(policy: &Policy) -> Vec<(String, Root, AttestationCaList)> {
    let named: Vec<(String, Root, &str)> = match &policy.roots {
        Some(pems) => pems
            .iter()
            .enumerate()
            .map(|(n, pem)| {
                (
                    format!("supplied root #{}", n + 1),
                    Root::Supplied(n + 1),
                    pem.as_str(),
                )
            })
            .collect(),
        None => catalog::ROOTS
            .iter()
            .map(|(vendor, pem)| {
                (
                    format!("the bundled {vendor} root"),
                    Root::Bundled(vendor),
                    *pem,
                )
            })
            .collect(),
    };
    named
        .into_iter()
        .filter_map(|(name, root, pem)| {
            AttestationCaList::try_from(pem.as_bytes())
                .ok()
                .map(|list| (name, root, list))
        })
        .collect()
}

/// Verifies "none" and packed self attestation directly, and packed full attestation where
/// webauthn-rs-core cannot; `None` for what webauthn-rs-core judges.
///
/// webauthn-rs-core 0.6 cannot parse Ed25519 credential keys, so self and none attestation,
/// which need nothing but the credential key, are checked here for every algorithm.
fn own_attestation(
    object: &AttestationObject,
    client_data_json: &[u8],
    key: &CoseKey,
) -> Option<Result<ParsedAttestationData, String>> {
    let statement = Map::from_value(object.statement.clone()).ok()?;
    match object.format.as_str() {
        "packed" if statement.text("x5c").is_some() => {
            if core_can_judge(key, client_data_json) {
                None
            } else {
                Some(packed_full_attestation(
                    object,
                    &statement,
                    client_data_json,
                ))
            }
        }
        "none" if statement.0.is_empty() => Some(Ok(ParsedAttestationData::None)),
        "none" => Some(Err(
            "a \"none\" attestation must have an empty statement".into()
        )),
        "packed" if statement.text("x5c").is_none() => {
            let alg = cbor::int(statement.text("alg"));
            if alg != Some(key.alg) {
                return Some(Err(format!(
                    "self attestation names algorithm {} but the credential key is {}",
                    alg.map_or("none".into(), algorithm_name),
                    algorithm_name(key.alg)
                )));
            }
            let Some(sig) = cbor::bytes(statement.text("sig")) else {
                return Some(Err("packed attestation without sig".into()));
            };
            let signed = [&object.auth_data_bytes[..], &sha256(client_data_json)[..]].concat();
            Some(
                key.verify(&signed, sig)
                    .map(|()| ParsedAttestationData::Self_)
                    .map_err(|_| {
                        "the self-attestation signature does not verify with the credential key"
                            .to_owned()
                    }),
            )
        }
        _ => None,
    }
}

/// Whether webauthn-rs-core can run a whole registration on this key and client data.
///
/// It refuses Ed25519 credential keys after verifying the statement ("ED25519 and ED448 keys
/// are not supported"), and it parses clientDataJSON into a struct stricter than browsers
/// (a `tokenBinding` that is not an object with a string `status` is "a JSON parser failure");
/// neither matters to the attestation, so those statements are checked without it.
fn core_can_judge(key: &CoseKey, client_data_json: &[u8]) -> bool {
    !matches!(key.material, KeyMaterial::Ed25519(_))
        && serde_json::from_slice::<CollectedClientData>(client_data_json).is_ok()
}

/// Packed attestation with an x5c chain, by the WebAuthn procedure (§ 8.2), with
/// webauthn-rs-core's own signature, certificate-requirement and AAGUID checks.
fn packed_full_attestation(
    object: &AttestationObject,
    statement: &Map,
    client_data_json: &[u8],
) -> Result<ParsedAttestationData, String> {
    let chain = cbor::array(statement.text("x5c"))
        .iter()
        .map(|item| {
            cbor::bytes(Some(item))
                .ok_or_else(|| "x5c holds something that is not a certificate".to_owned())
                .and_then(|der| {
                    Certificate::from_der(der)
                        .map_err(|e| format!("an x5c certificate cannot be read: {e}"))
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let leaf = chain
        .first()
        .ok_or("x5c is empty: no attestation certificate")?;
    if cbor::int(statement.text("alg")).is_none() {
        return Err("packed attestation without alg".into());
    }
    let sig = cbor::bytes(statement.text("sig")).ok_or("packed attestation without sig")?;
    let signed = [&object.auth_data_bytes[..], &sha256(client_data_json)[..]].concat();
    if webauthn_rs_core::crypto::verify_signature(leaf, sig, &signed) != Ok(true) {
        // Worded without "certificate": the certificate itself may be fine.
        return Err("the attestation signature is not valid for the attestation key".into());
    }
    assert_packed_attest_req(leaf).map_err(|e| format!("attestation certificate: {e}"))?;
    let aaguid = object
        .auth_data
        .credential
        .as_ref()
        .map(|c| c.aaguid)
        .unwrap_or_default();
    validate_extension::<FidoGenCeAaguid>(leaf, &aaguid)
        .map_err(|e| format!("attestation certificate: {e}"))?;
    Ok(ParsedAttestationData::Basic(chain))
}

/// Runs webauthn-rs-core's registration with the client data's own challenge, origin and
/// RP ID hash already checked, so that only the attestation statement is judged (its chain
/// is judged by [`check_trust_chain`]).
fn core_register(
    rp_id: &str,
    object: &AttestationObject,
    client_data_json: &[u8],
) -> Result<ParsedAttestationData, String> {
    let client: Json = serde_json::from_slice(client_data_json).map_err(|e| e.to_string())?;
    let origin = client["origin"].as_str().unwrap_or_default();
    let challenge = client["challenge"].as_str().unwrap_or_default();
    let origin_url = url::Url::parse(origin).map_err(|e| format!("origin: {e}"))?;
    let core = WebauthnCore::new_unsafe_experts_only(
        "Countersign",
        rp_id,
        vec![origin_url],
        Duration::from_secs(60),
        Some(true),
        Some(true),
    );
    let builder = core
        .new_challenge_register_builder(b"countersign", "countersign", "countersign")
        .map_err(|e| e.to_string())?
        .credential_algorithms(vec![
            COSEAlgorithm::ES256,
            COSEAlgorithm::ES384,
            COSEAlgorithm::EDDSA,
            COSEAlgorithm::RS256,
            COSEAlgorithm::PS256,
        ])
        .reject_synchronised_authenticators(false);
    let (_, state) = core
        .generate_challenge_register(builder)
        .map_err(|e| e.to_string())?;
    // The state has no setter for the challenge; it is plain serde data.
    let mut state = serde_json::to_value(&state).map_err(|e| e.to_string())?;
    state["challenge"] = Json::String(challenge.to_owned());
    let state: RegistrationState = serde_json::from_value(state).map_err(|e| e.to_string())?;
    let id = object
        .auth_data
        .credential
        .as_ref()
        .map(|c| b64::encode(&c.credential_id))
        .unwrap_or_default();
    let credential: RegisterPublicKeyCredential = serde_json::from_value(serde_json::json!({
        "id": id,
        "rawId": id,
        "type": "public-key",
        "response": {
            "attestationObject": b64::encode(&reencode(object)),
            "clientDataJSON": b64::encode(client_data_json),
        },
        "extensions": {},
    }))
    .map_err(|e| e.to_string())?;
    core.register_credential(&credential, &state, None)
        .map(|c| c.attestation.data)
        .map_err(|e| e.to_string())
}

/// The attestation object as CBOR again (its parts were validated on the way in).
fn reencode(object: &AttestationObject) -> Vec<u8> {
    use ciborium::value::Value;
    cbor::encode(&Value::Map(vec![
        (
            Value::Text("fmt".into()),
            Value::Text(object.format.clone()),
        ),
        (Value::Text("attStmt".into()), object.statement.clone()),
        (
            Value::Text("authData".into()),
            Value::Bytes(object.auth_data_bytes.clone()),
        ),
    ]))
}

fn cose_bytes(value: &ciborium::value::Value) -> Result<Vec<u8>, String> {
    Ok(cbor::encode(value))
}

/// A credential public key in the shapes WebAuthn uses.
struct CoseKey {
    alg: i64,
    /// Uncompressed EC point, Ed25519 key, or RSA (n, e).
    material: KeyMaterial,
}

enum KeyMaterial {
    Ec(Vec<u8>),
    Ed25519(Vec<u8>),
    Rsa { n: Vec<u8>, e: Vec<u8> },
}

impl CoseKey {
    fn parse(value: &ciborium::value::Value) -> Result<CoseKey, String> {
        let map = Map::from_value(value.clone())
            .map_err(|_| "the public key is not a COSE_Key map".to_owned())?;
        let kty = cbor::int(map.int(1)).ok_or("COSE_Key without kty")?;
        let alg = cbor::int(map.int(3)).ok_or("COSE_Key without alg")?;
        let material = match (kty, alg) {
            (2, -7 | -35) => {
                let (crv, size) = if alg == -7 { (1, 32) } else { (2, 48) };
                let x = cbor::bytes(map.int(-2)).ok_or("EC2 key without x")?;
                let y = cbor::bytes(map.int(-3)).ok_or("EC2 key without y")?;
                if cbor::int(map.int(-1)) != Some(crv) || x.len() != size || y.len() != size {
                    return Err(format!(
                        "EC2 key with the wrong curve or coordinate size for {}",
                        algorithm_name(alg)
                    ));
                }
                KeyMaterial::Ec([&[4u8][..], x, y].concat())
            }
            (1, -8) => {
                let x = cbor::bytes(map.int(-2)).ok_or("OKP key without x")?;
                if cbor::int(map.int(-1)) != Some(6) || x.len() != 32 {
                    return Err("OKP key is not a 32-byte Ed25519 key".into());
                }
                KeyMaterial::Ed25519(x.to_vec())
            }
            (3, -257 | -37) => KeyMaterial::Rsa {
                n: cbor::bytes(map.int(-1))
                    .ok_or("RSA key without n")?
                    .to_vec(),
                e: cbor::bytes(map.int(-2))
                    .ok_or("RSA key without e")?
                    .to_vec(),
            },
            _ => return Err(format!("unsupported key type {kty} with algorithm {alg}")),
        };
        Ok(CoseKey { alg, material })
    }

    /// Gives the check added last the key's words: its kind, algorithm and size.
    fn word(&self, report: &mut Report) {
        match &self.material {
            KeyMaterial::Ec(_) => report.word("ec_key", [("algorithm", algorithm_name(self.alg))]),
            KeyMaterial::Ed25519(_) => report.word("ed25519_key", []),
            KeyMaterial::Rsa { n, .. } => report.word(
                "rsa_key",
                [
                    ("bits", (n.len() * 8).to_string()),
                    ("algorithm", algorithm_name(self.alg)),
                ],
            ),
        }
    }

    fn describe(&self) -> String {
        match &self.material {
            KeyMaterial::Ec(_) => format!("{} elliptic-curve key", algorithm_name(self.alg)),
            KeyMaterial::Ed25519(_) => "Ed25519 key".into(),
            KeyMaterial::Rsa { n, .. } => {
                format!("{}-bit RSA key ({})", n.len() * 8, algorithm_name(self.alg))
            }
        }
    }

    fn verify(&self, message: &[u8], sig: &[u8]) -> Result<(), String> {
        let bad = |_| "the signature does not verify with the credential's public key".to_owned();
        match &self.material {
            KeyMaterial::Ec(point) => {
                let alg: &dyn signature::VerificationAlgorithm = if self.alg == -7 {
                    &signature::ECDSA_P256_SHA256_ASN1
                } else {
                    &signature::ECDSA_P384_SHA384_ASN1
                };
                signature::UnparsedPublicKey::new(alg, point)
                    .verify(message, sig)
                    .map_err(bad)
            }
            KeyMaterial::Ed25519(key) => {
                signature::UnparsedPublicKey::new(&signature::ED25519, key)
                    .verify(message, sig)
                    .map_err(bad)
            }
            KeyMaterial::Rsa { n, e } => {
                let params = if self.alg == -257 {
                    &signature::RSA_PKCS1_2048_8192_SHA256
                } else {
                    &signature::RSA_PSS_2048_8192_SHA256
                };
                signature::RsaPublicKeyComponents { n, e }
                    .verify(params, message, sig)
                    .map_err(bad)
            }
        }
    }
}

/// The usual name of a COSE algorithm.
pub fn algorithm_name(alg: i64) -> String {
    known_algorithm(alg).map_or_else(|| format!("COSE algorithm {alg}"), str::to_owned)
}

/// The usual name of a COSE algorithm identifier Countersign knows ("ES256"), the same in every
/// language; `None` for the others.
pub fn known_algorithm(alg: i64) -> Option<&'static str> {
    match alg {
        -7 => Some("ES256"),
        -35 => Some("ES384"),
        -8 => Some("EdDSA"),
        -257 => Some("RS256"),
        -37 => Some("PS256"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rp_ids_are_the_origins_host_or_a_domain_it_belongs_to() {
        let origin = "https://login.example.com";
        for rp in ["login.example.com", "example.com", "Example.COM"] {
            assert!(rp_id_scope(rp, origin).is_ok(), "{rp}");
        }
        assert!(rp_id_scope("example.com", "https://example.com:8443/").is_ok());
        assert!(rp_id_scope("localhost", "http://localhost:8080").is_ok());
        assert!(rp_id_scope("127.0.0.1", "https://127.0.0.1").is_ok());
        for (rp, why) in [
            ("com", "top-level domain"),
            ("ample.com", "neither"),
            ("other.com", "neither"),
            ("a.login.example.com", "neither"),
            ("", "neither"),
            (".example.com", "neither"),
            ("example.com.", "neither"),
        ] {
            let (code, err, _) = rp_id_scope(rp, origin).unwrap_err();
            assert!(err.contains(why), "{rp}: {err}");
            let expected = if why == "neither" {
                "rp_id_other_site"
            } else {
                "rp_id_top_level"
            };
            assert_eq!(code, expected, "{rp}");
        }
        for (rp, origin) in [
            ("co.uk", "https://shop.example.co.uk"),
            ("github.io", "https://alice.github.io"),
            ("CO.UK", "https://shop.example.co.uk"),
        ] {
            let (code, err, _) = rp_id_scope(rp, origin).unwrap_err();
            assert!(err.contains("public suffix"), "{rp}: {err}");
            assert_eq!(code, "rp_id_public_suffix");
        }
        assert!(rp_id_scope("example.co.uk", "https://shop.example.co.uk").is_ok());
        assert!(rp_id_scope("alice.github.io", "https://alice.github.io").is_ok());
        let (code, err, host) = rp_id_scope("0.0.1", "https://127.0.0.1").unwrap_err();
        assert!(err.contains("address 127.0.0.1"), "{err}");
        assert_eq!((code, host.as_str()), ("rp_id_address", "127.0.0.1"));
        assert!(rp_id_scope("example.com", "not a url").is_err());
    }

    #[test]
    fn algorithms_are_named_when_known() {
        assert_eq!(known_algorithm(-8), Some("EdDSA"));
        assert_eq!(known_algorithm(-9), None);
        assert_eq!(algorithm_name(-7), "ES256");
        assert_eq!(algorithm_name(-9), "COSE algorithm -9");
    }

    #[test]
    fn origins_ignore_trailing_slashes_but_not_ports() {
        assert!(same_origin("https://example.com", "https://example.com/"));
        assert!(!same_origin(
            "https://example.com:8443",
            "https://example.com"
        ));
        assert!(!same_origin("http://example.com", "https://example.com"));
        assert!(!same_origin("not a url", "not a url"));
    }
}
