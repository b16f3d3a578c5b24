//! The `uri` commands as a script sees them: the real binary, stdin in, stdout/stderr/status out.

mod common;

use std::process::Output;

use common::lines;

fn countersign(args: &[&str], stdin: &str) -> Output {
    common::run(None, args, stdin)
}

#[test]
fn inspect_json_prints_the_documented_schema() {
    let out = countersign(
        &["uri", "inspect", "--json"],
        "otpauth://totp/Deno:Mason?secret=4sjhb4gsd43fzbai7c2hlrjgpq&issuer=Deno\n\
         \n\
         otpauth://hotp/WWE:Mason?secret=5VAML3X35THCEBVRLV24CGBKOY&algorithm=sha512&digits=8&counter=10300\n\
         otpauth://steam/Boeing:Sophia?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&issuer=Boeing\n",
    );
    assert!(out.status.success(), "{:?}", out);
    assert_eq!(
        lines(&out.stdout),
        [
            r#"{"type":"totp","issuer":"Deno","account":"Mason","secret":"4SJHB4GSD43FZBAI7C2HLRJGPQ","algorithm":"SHA1","digits":6,"period":30}"#,
            r#"{"type":"hotp","issuer":"WWE","account":"Mason","secret":"5VAML3X35THCEBVRLV24CGBKOY","algorithm":"SHA512","digits":8,"counter":10300}"#,
            r#"{"type":"steam","issuer":"Boeing","account":"Sophia","secret":"JRZCL47CMXVOQMNPZR2F7J4RGI","algorithm":"SHA1","digits":5,"period":30}"#,
        ]
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn inspect_expands_a_migration_export() {
    let out = countersign(
        &["uri", "inspect", "--json"],
        "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC\n",
    );
    assert!(out.status.success());
    assert_eq!(
        lines(&out.stdout),
        [
            r#"{"type":"totp","issuer":"Example","account":"alice@google.com","secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA1","digits":6,"period":30}"#
        ]
    );
}

#[test]
fn code_at_a_given_time_matches_rfc6238() {
    // RFC 6238's SHA1 key "12345678901234567890" in base32.
    let out = countersign(
        &["uri", "code", "--at", "1111111109"],
        "otpauth://totp/RFC?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8\n\
         otpauth://hotp/RFC?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=9\n",
    );
    assert!(out.status.success());
    assert_eq!(lines(&out.stdout), ["07081804", "520489"]);
}

#[test]
fn a_bad_line_is_reported_with_its_number_and_the_rest_still_run() {
    let out = countersign(
        &["uri", "code", "--at", "59"],
        "otpauth://totp/A?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8\n\
         otpauth://totp/B?secret=GEZDGNBVGY3TQOJQ&digits=12\n\
         https://example.com/\n\
         otpauth://totp/C?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=6\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(lines(&out.stdout), ["94287082", "287082"]);
    assert_eq!(
        lines(&out.stderr),
        [
            r#"countersign: line 2: digits: "12" is not a number from 1 to 10"#,
            "countersign: line 3: not an otpauth:// URI",
        ]
    );
}
