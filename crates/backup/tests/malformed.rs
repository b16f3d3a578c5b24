//! Files that are damaged, hostile or simply something else: each gets a clear error, nothing
//! is imported, and the answer comes quickly because every cap is checked before any work.

use std::time::{Duration, Instant};

use countersign_backup::{
    Account, ImportError, Kind, MAX_INPUT_LEN, Secret, detect_format, export_aegis_encrypted,
    export_aegis_plain, export_uris, format_by_id, formats, import_auto,
};

/// Generous for a loaded two-core machine; the work these guard against takes minutes.
const QUICK: Duration = Duration::from_secs(2);

fn accounts() -> Vec<Account> {
    let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
    let mut hotp = Account::hotp("Counter", "bob", secret.clone(), 7);
    hotp.group = Some("Work".into());
    vec![
        Account::totp("ACME", "alice@example.com", secret.clone()),
        hotp,
        Account::steam("Steam", "gabe", secret),
    ]
}

fn kind_of(format: &str, bytes: &[u8], password: Option<&str>) -> &'static str {
    let started = Instant::now();
    let error = format_by_id(format)
        .unwrap()
        .import(bytes, password)
        .expect_err("must not import");
    assert!(
        started.elapsed() < QUICK,
        "{format}: took {:?}",
        started.elapsed()
    );
    error.kind()
}

#[test]
fn truncated_files_are_corrupt() {
    let plain = export_aegis_plain(&accounts());
    let encrypted = export_aegis_encrypted(&accounts(), "pw");
    for cut in [1, plain.len() / 3, plain.len() / 2, plain.len() - 2] {
        assert_eq!(
            kind_of("aegis", &plain.as_bytes()[..cut], None),
            "corrupt",
            "cut {cut}"
        );
    }
    for cut in [encrypted.len() / 2, encrypted.len() - 3] {
        assert_eq!(
            kind_of("aegis", &encrypted.as_bytes()[..cut], Some("pw")),
            "corrupt",
            "cut {cut}"
        );
    }
    // Well-formed JSON whose ciphertext lost its end: the password opens the key slot, the
    // content does not authenticate.
    let file: serde_json::Value = serde_json::from_str(&encrypted).unwrap();
    let db = file["db"].as_str().unwrap();
    let mut shortened = file.clone();
    shortened["db"] = serde_json::Value::String(db[..db.len() - 8].to_owned());
    let error = format_by_id("aegis")
        .unwrap()
        .import(shortened.to_string().as_bytes(), Some("pw"))
        .unwrap_err();
    assert!(
        matches!(
            error,
            ImportError::Corrupt {
                part: "encrypted content",
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn wrong_password() {
    let encrypted = export_aegis_encrypted(&accounts(), "right");
    assert_eq!(
        kind_of("aegis", encrypted.as_bytes(), Some("wrong")),
        "wrong_password"
    );
    assert_eq!(
        kind_of("aegis", encrypted.as_bytes(), Some("")),
        "wrong_password"
    );
    assert_eq!(
        kind_of("aegis", encrypted.as_bytes(), None),
        "password_required"
    );
}

#[test]
fn wrong_format() {
    let aegis = export_aegis_plain(&accounts());
    let uris = export_uris(&accounts());
    assert_eq!(kind_of("2fas", aegis.as_bytes(), None), "wrong_format");
    assert_eq!(kind_of("proton", aegis.as_bytes(), None), "wrong_format");
    assert_eq!(kind_of("aegis", uris.as_bytes(), None), "wrong_format");
    assert_eq!(kind_of("google", uris.as_bytes(), None), "wrong_format");
    assert_eq!(kind_of("uris", aegis.as_bytes(), None), "wrong_format");
    assert_eq!(
        kind_of("freeotp-plus", b"{\"tokens\": 3}", None),
        "wrong_format"
    );
    // The newer formats refuse each other's files, and damaged databases are damaged.
    for format in [
        "authy",
        "battle-net",
        "freeotp",
        "freeotp2",
        "steam",
        "stratum",
        "duo",
        "lastpass",
        "google-db",
        "microsoft",
        "authenticator-plus",
        "totp-authenticator",
        "raivo",
        "winauth",
    ] {
        assert_eq!(
            kind_of(format, aegis.as_bytes(), None),
            "wrong_format",
            "{format}"
        );
    }
    assert_eq!(
        kind_of("authy", b"<map><string name=\"x\">y</string></map>", None),
        "wrong_format"
    );
    let mut database = b"SQLite format 3\0".to_vec();
    database.resize(4096, 0xa5);
    for format in ["google-db", "microsoft", "stratum"] {
        assert_eq!(kind_of(format, &database, None), "corrupt", "{format}");
    }
    assert_eq!(
        import_auto(
            b"Dear diary, today I set up two-factor authentication.",
            None
        )
        .unwrap_err()
        .kind(),
        "unrecognised"
    );
    assert_eq!(
        import_auto(br#"{"hello": "world"}"#, None).unwrap_err(),
        ImportError::Unrecognised
    );
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    assert_eq!(import_auto(png, None).unwrap_err(), ImportError::Image);
    assert!(detect_format(png).is_none());
}

/// A vault whose password slot asks for the given scrypt parameters.
fn aegis_with_scrypt(n: u64, r: u64, p: u64) -> String {
    let file = export_aegis_encrypted(&accounts(), "pw");
    let mut value: serde_json::Value = serde_json::from_str(&file).unwrap();
    let slot = &mut value["header"]["slots"][0];
    slot["n"] = n.into();
    slot["r"] = r.into();
    slot["p"] = p.into();
    value.to_string()
}

#[test]
fn huge_kdf_parameters_are_refused_before_any_work() {
    for (n, r, p) in [
        (1u64 << 40, 8, 1),
        (1 << 20, 8, 1),
        (1 << 15, 1 << 30, 1),
        (1 << 15, 8, 1 << 31),
        (u64::MAX / 2 + 1, u64::MAX, u64::MAX),
    ] {
        let file = aegis_with_scrypt(n, r, p);
        assert_eq!(
            kind_of("aegis", file.as_bytes(), Some("pw")),
            "kdf_too_expensive",
            "N={n} r={r} p={p}"
        );
        // Refused before the password is even asked for.
        assert_eq!(kind_of("aegis", file.as_bytes(), None), "kdf_too_expensive");
    }

    // A thousand password slots, each cheap: still refused, as the total is what costs.
    let mut value: serde_json::Value =
        serde_json::from_str(&export_aegis_encrypted(&accounts(), "pw")).unwrap();
    let slot = value["header"]["slots"][0].clone();
    value["header"]["slots"] = serde_json::Value::Array(vec![slot; 1000]);
    assert_eq!(
        kind_of("aegis", value.to_string().as_bytes(), Some("pw")),
        "kdf_too_expensive"
    );

    let ente = br#"{"version":1,"kdfParams":{"memLimit":68719476736,"opsLimit":4,"salt":"AAAAAAAAAAAAAAAAAAAAAA=="},"encryptedData":"AAAA","encryptionNonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#;
    assert_eq!(kind_of("ente", ente, Some("pw")), "kdf_too_expensive");
    let ente_passes = br#"{"version":1,"kdfParams":{"memLimit":1073741824,"opsLimit":4000000000,"salt":"AAAAAAAAAAAAAAAAAAAAAA=="},"encryptedData":"AAAA","encryptionNonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#;
    assert_eq!(
        kind_of("ente", ente_passes, Some("pw")),
        "kdf_too_expensive"
    );

    // andOTP: a count past the cap is never run; the old format was tried, so the password is
    // what is reported.
    let mut andotp = vec![0x7f, 0xff, 0xff, 0xff];
    andotp.extend_from_slice(&[0x80; 60]);
    assert_eq!(kind_of("andotp", &andotp, Some("pw")), "wrong_password");
}

#[test]
fn a_hundred_megabytes_of_garbage() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let garbage: Vec<u8> = (0..100 * 1024 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    assert!(garbage.len() > MAX_INPUT_LEN);
    let started = Instant::now();
    assert_eq!(
        import_auto(&garbage, Some("pw")).unwrap_err(),
        ImportError::TooLarge {
            size: garbage.len(),
            max: MAX_INPUT_LEN
        }
    );
    assert!(detect_format(&garbage).is_none());
    for format in formats() {
        assert_eq!(
            format.import(&garbage, Some("pw")).unwrap_err().kind(),
            "too_large",
            "{}",
            format.id()
        );
    }
    assert!(started.elapsed() < QUICK, "took {:?}", started.elapsed());

    // Under the size cap, garbage is at most an opaque andOTP blob the password cannot open.
    let some = &garbage[..10 * 1024 * 1024];
    let started = Instant::now();
    let error = import_auto(some, Some("pw")).unwrap_err();
    assert_eq!(error, ImportError::WrongPassword);
    assert!(started.elapsed() < QUICK, "took {:?}", started.elapsed());
}

#[test]
fn a_bad_entry_never_aborts_the_rest() {
    let file = format!(
        "{}otpauth://totp/Bad?secret=JBSWY3DPEHPK3PXP&digits=11\nnot a uri\n",
        *export_uris(&accounts())
    );
    let (format, imported) = import_auto(file.as_bytes(), None).unwrap();
    assert_eq!(format.id(), "uris");
    assert_eq!(imported.accounts().count(), 3);
    let invalid: Vec<_> = imported.invalid().collect();
    assert_eq!(invalid.len(), 2);
    assert_eq!(invalid[0].position, 4);
    assert_eq!(
        invalid[0].reason,
        r#"digits: "11" is not a number from 1 to 10"#
    );
    assert_eq!(invalid[1].to_string(), "entry 5: not an otpauth:// URI");
    assert!(
        imported
            .accounts()
            .any(|a| a.kind == Kind::Hotp { counter: 7 })
    );
}

#[test]
fn errors_never_show_the_password() {
    let password = "hunter2-very-secret";
    let file = aegis_with_scrypt(1 << 40, 8, 1);
    let error = format_by_id("aegis")
        .unwrap()
        .import(file.as_bytes(), Some(password))
        .unwrap_err();
    assert!(!error.to_string().contains(password));
    assert!(!format!("{error:?}").contains(password));
}
