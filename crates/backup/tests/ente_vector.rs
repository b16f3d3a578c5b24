//! Ente Auth's encrypted export, against a file libsodium itself wrote (tests/data, made by
//! make_ente_vector.py the way Ente's app makes one): Argon2id, then a secretstream message.

use countersign_backup::{Algorithm, Kind, Secret, detect_format, format_by_id};

const PASSWORD: &str = "correct horse ✓";

fn vector() -> Vec<u8> {
    let file = include_str!("data/ente_encrypted.txt");
    file.lines()
        .filter(|line| !line.starts_with('#'))
        .collect::<String>()
        .into_bytes()
}

#[test]
fn libsodium_made_export_imports() {
    let bytes = vector();
    let ente = detect_format(&bytes).unwrap();
    assert_eq!(ente.id(), "ente");
    assert!(ente.is_encrypted(&bytes));
    let imported = ente.import(&bytes, Some(PASSWORD)).unwrap();
    let accounts: Vec<_> = imported.accounts().collect();
    assert_eq!(accounts.len(), 3);
    assert!(imported.invalid().next().is_none());

    let acme = accounts[0];
    assert_eq!(
        (acme.issuer.as_str(), acme.name.as_str()),
        ("ACME Co", "alice@example.com")
    );
    assert_eq!(
        (acme.kind, acme.algorithm, acme.digits),
        (Kind::Totp { period: 60 }, Algorithm::Sha256, 8)
    );
    assert!(acme.secret == Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap());
    assert!(acme.favourite);
    assert_eq!(acme.group.as_deref(), Some("Work"));
    assert_eq!(acme.note, "spare keys in drawer");

    let bob = accounts[1];
    assert_eq!((bob.issuer.as_str(), bob.name.as_str()), ("Counter", "bob"));
    assert_eq!((bob.kind, bob.digits), (Kind::Hotp { counter: 42 }, 6));
    assert!(bob.secret == Secret::from_base32("GEZDGNBVGY3TQOJQ").unwrap());

    let gabe = accounts[2];
    assert_eq!(
        (gabe.issuer.as_str(), gabe.kind),
        ("Steam", Kind::Steam { period: 30 })
    );
    assert!(gabe.secret == Secret::from_base32("JRZCL47CMXVOQMNPZR2F7J4RGI").unwrap());
}

#[test]
fn wrong_password_and_tampering() {
    let bytes = vector();
    let ente = format_by_id("ente").unwrap();
    assert_eq!(
        ente.import(&bytes, None).unwrap_err().kind(),
        "password_required"
    );
    assert_eq!(
        ente.import(&bytes, Some("correct horse"))
            .unwrap_err()
            .kind(),
        "wrong_password"
    );
    // One flipped bit anywhere in the message fails its MAC.
    let mut file: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let data = file["encryptedData"].as_str().unwrap().to_owned();
    let flipped = if data.starts_with('A') { "B" } else { "A" };
    file["encryptedData"] = format!("{flipped}{}", &data[1..]).into();
    assert_eq!(
        ente.import(file.to_string().as_bytes(), Some(PASSWORD))
            .unwrap_err()
            .kind(),
        "wrong_password"
    );
}
