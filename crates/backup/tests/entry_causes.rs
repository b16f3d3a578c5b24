//! Why an entry cannot be imported, as a typed cause beside the English reason: real files the
//! apps wrote (../shared/fixtures, third-party data read in place) with one entry broken by
//! hand, read by each format's reader. The window words the cause in its language; the English
//! reason (what the command line prints) stays as it was. Skips with a message when the folder
//! is absent.

use std::path::PathBuf;

use countersign_backup::{EntryCause, InvalidEntry, format_by_id};
use countersign_otp::{InvalidAccount, ProvisioningError, SecretError, UriError};

/// Deno's secret in every fixture that writes it in base32.
const DENO: &str = "4SJHB4GSD43FZBAI7C2HLRJGPQ";
/// The same with its last character made one that is not base32.
const NOT_BASE32: &str = "4SJHB4GSD43FZBAI7C2HLRJGP!";

fn read(folder: &str, file: &str) -> Option<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(folder);
    if !dir.is_dir() {
        println!(
            "SKIPPED: {} is absent (the third-party export files live beside the repository)",
            dir.display()
        );
        return None;
    }
    Some(std::fs::read_to_string(dir.join(file)).unwrap())
}

/// Imports `file` with its first `from` replaced by `to`, and returns the one entry that
/// cannot be imported (every other entry imports).
fn broken(folder: &str, file: &str, format: &str, from: &str, to: &str) -> Option<InvalidEntry> {
    broken_with(None, folder, file, format, from, to)
}

/// [`broken`] for a file that asks for a password.
fn broken_with(
    password: Option<&str>,
    folder: &str,
    file: &str,
    format: &str,
    from: &str,
    to: &str,
) -> Option<InvalidEntry> {
    let text = read(folder, file)?;
    Some(the_invalid_entry(&text, file, format, password, from, to))
}

/// Imports `text` (the file `name`) with its first `from` replaced by `to`, and returns the
/// one entry that cannot be imported.
fn the_invalid_entry(
    text: &str,
    name: &str,
    format: &str,
    password: Option<&str>,
    from: &str,
    to: &str,
) -> InvalidEntry {
    let changed = text.replacen(from, to, 1);
    assert_ne!(changed, text, "{name}: {from:?} is not in it");
    let imported = format_by_id(format)
        .unwrap()
        .import(changed.as_bytes(), password)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut invalid: Vec<InvalidEntry> = imported.invalid().cloned().collect();
    assert_eq!(invalid.len(), 1, "{name}: {invalid:?}");
    invalid.remove(0)
}

/// The cause a secret with `!` as its 26th character has.
fn not_base32() -> SecretError {
    SecretError::InvalidCharacter {
        character: '!',
        position: 26,
    }
}

#[test]
fn a_secret_that_is_not_base32_is_a_secret_cause_in_every_reader() {
    for (folder, file, format) in [
        ("aegis-importers", "aegis_plain.json", "aegis"),
        ("aegis-importers", "2fas_authenticator_plain.2fas", "2fas"),
        ("aegis-importers", "andotp_plain.json", "andotp"),
        ("more-importers", "stratum_plain.json", "stratum"),
        ("more-importers", "duo.json", "duo"),
        ("more-importers", "authy_plain.xml", "authy"),
    ] {
        let Some(invalid) = broken(folder, file, format, DENO, NOT_BASE32) else {
            return;
        };
        assert!(invalid.label.contains("Mason"), "{file}: {invalid}");
        assert_eq!(
            invalid.cause,
            Some(EntryCause::Secret(not_base32())),
            "{file}"
        );
        // English as before: the command line prints it.
        assert_eq!(
            invalid.reason,
            "secret: the secret has a character that is not base32: '!' at position 26",
            "{file}"
        );
    }
}

#[test]
fn a_setup_link_in_an_entry_is_a_provisioning_cause() {
    for (file, format) in [
        ("bitwarden.json", "bitwarden"),
        ("bitwarden.csv", "bitwarden"),
        ("proton_authenticator.json", "proton"),
        ("ente_auth.txt", "ente"),
        ("plain.txt", "uris"),
    ] {
        let Some(invalid) = broken("aegis-importers", file, format, DENO, NOT_BASE32) else {
            return;
        };
        assert_eq!(
            invalid.cause,
            Some(EntryCause::Provisioning(ProvisioningError::Uri(
                UriError::Secret(not_base32())
            ))),
            "{file}: {invalid}"
        );
    }
}

#[test]
fn types_algorithms_digits_and_unreadable_entries_have_causes() {
    let aegis =
        |from: &str, to: &str| broken("aegis-importers", "aegis_plain.json", "aegis", from, to);
    let Some(yandex) = aegis(r#""type": "totp""#, r#""type": "yandex""#) else {
        return;
    };
    assert_eq!(
        (yandex.reason.as_str(), yandex.cause),
        (
            "Yandex OTP is not supported",
            Some(EntryCause::UnsupportedType("Yandex OTP"))
        )
    );
    let unknown = aegis(r#""type": "totp""#, r#""type": "chronos""#).unwrap();
    assert_eq!(
        (unknown.reason.as_str(), unknown.cause),
        (
            r#"unknown OTP type "chronos""#,
            Some(EntryCause::UnknownType)
        )
    );
    let algorithm = aegis(r#""algo": "SHA1""#, r#""algo": "MD5""#).unwrap();
    assert_eq!(
        (algorithm.reason.as_str(), algorithm.cause),
        (
            r#"unsupported algorithm "MD5""#,
            Some(EntryCause::Algorithm)
        )
    );
    let digits = aegis(r#""digits": 6"#, r#""digits": 12"#).unwrap();
    assert_eq!(
        digits.cause,
        Some(EntryCause::Account(InvalidAccount::Digits(12)))
    );
    let unreadable = aegis(r#""name": "Mason""#, r#""name": 5"#).unwrap();
    assert_eq!(unreadable.cause, Some(EntryCause::Unreadable));
    assert!(
        unreadable.reason.starts_with("unreadable entry: "),
        "{unreadable}"
    );

    let motp = broken(
        "aegis-importers",
        "andotp_plain.json",
        "andotp",
        r#""type":"TOTP""#,
        r#""type":"MOTP""#,
    )
    .unwrap();
    assert_eq!(motp.cause, Some(EntryCause::UnsupportedType("mOTP")));
    let stratum = broken(
        "more-importers",
        "stratum_plain.json",
        "stratum",
        r#""Algorithm":0"#,
        r#""Algorithm":7"#,
    )
    .unwrap();
    assert_eq!(
        (stratum.reason.as_str(), stratum.cause),
        ("unknown algorithm 7", Some(EntryCause::Algorithm))
    );
}

#[test]
fn secrets_missing_or_in_the_wrong_encoding_have_causes() {
    // With no secret in the clear, Authy's reader takes the token for an encrypted one.
    let Some(missing) = broken_with(
        Some("any"),
        "more-importers",
        "authy_plain.xml",
        "authy",
        &format!("&quot;decryptedSecret&quot;:&quot;{DENO}&quot;,"),
        "",
    ) else {
        return;
    };
    assert_eq!(
        (missing.reason.as_str(), missing.cause),
        ("the token has no secret", Some(EntryCause::MissingSecret))
    );
    let steam = broken(
        "more-importers",
        "steam.json",
        "steam",
        r#""shared_secret":"THIl8+Jl6ugxr8x0X6eRMg==""#,
        r#""shared_secret":"not base64!""#,
    )
    .unwrap();
    assert_eq!(
        (steam.reason.as_str(), steam.cause),
        (
            "shared_secret is not base64",
            Some(EntryCause::SecretUnreadable)
        )
    );
}

/// Imports the repository's test file `path` (tests/data) with its first `from` replaced by
/// `to`, and returns the one entry that cannot be imported.
fn broken_here(path: &str, format: &str, from: &str, to: &str) -> InvalidEntry {
    let text = std::fs::read_to_string(format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap();
    the_invalid_entry(&text, path, format, None, from, to)
}

#[test]
fn raivo_and_winauth_entries_have_causes() {
    let raivo =
        |from: &str, to: &str| broken_here("raivo/raivo-otp-export.json", "raivo", from, to);
    let secret = raivo(
        r#""secret":"JBSWY3DPEHPK3PXP""#,
        r#""secret":"JBSWY3DPEHPK3PX!""#,
    );
    assert_eq!(
        (secret.reason.as_str(), secret.cause),
        (
            "secret: the secret has a character that is not base32: '!' at position 16",
            Some(EntryCause::Secret(SecretError::InvalidCharacter {
                character: '!',
                position: 16
            }))
        )
    );
    let timer = raivo(r#""timer":"30""#, r#""timer":"half a minute""#);
    assert_eq!(
        (timer.reason.as_str(), timer.cause),
        ("timer is not a number", Some(EntryCause::Period))
    );
    let kind = raivo(r#""kind":"TOTP""#, r#""kind":"MOTP""#);
    assert_eq!(
        (kind.reason.as_str(), kind.cause),
        (r#"unknown kind "MOTP""#, Some(EntryCause::UnknownType))
    );
    let digits = raivo(r#""digits":"6""#, r#""digits":"300""#);
    assert_eq!(
        (digits.reason.as_str(), digits.cause),
        ("digits is out of range", Some(EntryCause::Digits))
    );

    let winauth = broken_here(
        "winauth/winauth-export.txt",
        "winauth",
        "secret=JBSWY3DPEHPK3PXP&digits=6",
        "secret=JBSWY3DPEHPK3PXP&digits=6&period=0",
    );
    assert!(
        matches!(
            winauth.cause,
            Some(EntryCause::Provisioning(ProvisioningError::Uri(
                UriError::Period(_)
            )))
        ),
        "{winauth:?}"
    );
}
