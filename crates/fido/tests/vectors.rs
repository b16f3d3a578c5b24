//! Recorded registrations and assertions of real keys (tests/vectors/*.txt) through the
//! offline verifier. Each file's header says where it came from and what is expected.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use countersign_fido::{Outcome, Report, verify_assertion, verify_registration};
use std::collections::BTreeMap;

fn run(path: &std::path::Path) -> (Report, Vec<String>, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut fields = BTreeMap::new();
    let mut expected_checks = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (key, value) = line.split_once(": ").unwrap();
        if key == "expect_check" {
            expected_checks.push(value.to_owned());
        } else {
            fields.insert(key.to_owned(), value.to_owned());
        }
    }
    let bytes = |k: &str| URL_SAFE_NO_PAD.decode(&fields[k]).unwrap();
    let report = match fields["kind"].as_str() {
        "registration" => verify_registration(
            &fields["rp_id"],
            &fields["origin"],
            &bytes("challenge"),
            &bytes("client_data_json"),
            &bytes("attestation_object"),
        ),
        "assertion" => verify_assertion(
            &fields["rp_id"],
            &fields["origin"],
            &bytes("challenge"),
            &bytes("client_data_json"),
            &bytes("authenticator_data"),
            &bytes("signature"),
            &bytes("public_key"),
            fields["previous_counter"].parse().unwrap(),
        ),
        other => panic!("unknown kind {other}"),
    };
    (report, expected_checks, fields["expect"].clone())
}

#[test]
fn recorded_vectors_verify_as_their_headers_say() {
    let mut files: Vec<_> = std::fs::read_dir("tests/vectors")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 8);
    for path in files {
        let (report, checks, expect) = run(&path);
        let name = path.file_name().unwrap().to_string_lossy();
        assert_eq!(
            report.passed(),
            expect == "pass",
            "{name}:\n{}",
            report.to_text()
        );
        for check in checks {
            let (check, outcome) = check.split_once('=').unwrap();
            let outcome = match outcome {
                "pass" => Outcome::Pass,
                "fail" => Outcome::Fail,
                "skipped" => Outcome::Skipped,
                other => panic!("{other}"),
            };
            assert_eq!(
                report.outcome(check),
                Some(outcome),
                "{name} {check}:\n{}",
                report.to_text()
            );
        }
    }
}
