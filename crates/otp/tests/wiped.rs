//! No copy of a secret is left behind in freed memory by URI parsing and formatting or by
//! migration export and import: every buffer that held one is wiped before it is given back.

#[path = "support/freed_memory.rs"]
mod freed_memory;

use countersign_otp::{Account, Secret, decode_migration, encode_migration, parse_uri};
use freed_memory::{FreedMemory, freed_with};

#[global_allocator]
static ALLOCATOR: FreedMemory = FreedMemory;

/// The secret as base32 text: what URIs carry.
const SECRET: &[u8] = b"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

#[test]
fn parsing_uris_leaves_no_copy_of_the_secret() {
    for uri in [
        "steam://GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=b",
        // '+' for spaces and percent-encoding: decoded into a new buffer.
        "otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ+&issuer=b",
        "otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ%3D%3D",
    ] {
        let found = freed_with(SECRET, || {
            let account = parse_uri(uri).unwrap();
            assert_eq!(account.secret.expose(), b"12345678901234567890");
        });
        assert_eq!(found, 0, "{uri}");
    }
}

#[test]
fn formatting_a_uri_leaves_no_copy_of_the_secret() {
    let secret = Secret::from_base32(std::str::from_utf8(SECRET).unwrap()).unwrap();
    // Long names: the URI is longer than any fixed first guess at its size.
    let account = Account::totp("Ïssüer ".repeat(20), "nåme ".repeat(20), secret);
    let found = freed_with(SECRET, || {
        let uri = account.to_uri();
        assert!(uri.contains(std::str::from_utf8(SECRET).unwrap()));
    });
    assert_eq!(found, 0);
}

#[test]
fn migration_export_and_import_leave_no_copy_of_the_secrets() {
    let accounts: Vec<Account> = (0..10)
        .map(|i| {
            let secret = Secret::from_bytes(vec![0x5a ^ i; 32]).unwrap();
            Account::totp(
                format!("Issuer {i}"),
                format!("user{i}@example.com"),
                secret,
            )
        })
        .collect();
    // The base64 of the first account's secret bytes, as found in the export's data.
    let export = encode_migration(&accounts, 10, 1);
    let uri = export.uris[0].clone();
    assert!(uri.contains('%'), "the data is percent-encoded");
    let needle: Vec<u8> = {
        let decoded = percent_encoding::percent_decode_str(&uri[33..])
            .decode_utf8()
            .unwrap();
        decoded.as_bytes()[8..24].to_vec()
    };
    let found = freed_with(&needle, || {
        let export = encode_migration(&accounts, 10, 1);
        assert_eq!(export.uris[0], uri);
    });
    assert_eq!(found, 0, "export");
    let found = freed_with(&needle, || {
        let batch = decode_migration(&uri).unwrap();
        assert_eq!(batch.accounts, accounts);
    });
    assert_eq!(found, 0, "import");
}
