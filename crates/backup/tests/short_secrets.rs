//! Secrets whose base32 does not end on a byte, as Ente and 2FAS files hold them, import through
//! those apps' real files (../shared/fixtures/aegis-importers, Deno's secret shortened in
//! memory), and make the codes of their whole bytes. The codes come from oathtool given the
//! bytes in hex: `oathtool --totp -N @1111111111 e49270f0d21f` and `... e49270f0d2`.
//! Skips with a message when the folder is absent.

use std::path::PathBuf;

use countersign_backup::detect_format;

const DENO: &str = "4SJHB4GSD43FZBAI7C2HLRJGPQ";
const TIME: u64 = 1_111_111_111;

fn read(file: &str) -> Option<String> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/aegis-importers");
    if !dir.is_dir() {
        println!("SKIPPED: {} is absent", dir.display());
        return None;
    }
    Some(std::fs::read_to_string(dir.join(file)).unwrap())
}

/// Imports `text` with Deno's secret cut to `length` characters; Deno's account as imported.
fn deno_with(text: &str, length: usize) -> countersign_backup::Account {
    let text = text.replace(DENO, &DENO[..length]);
    let format = detect_format(text.as_bytes()).unwrap();
    let imported = format.import(text.as_bytes(), None).unwrap();
    assert_eq!(
        imported.invalid().count(),
        0,
        "{:?}",
        imported.invalid().collect::<Vec<_>>()
    );
    imported
        .into_accounts()
        .into_iter()
        .find(|account| account.issuer == "Deno")
        .unwrap()
}

#[test]
fn ente_nine_characters() {
    let Some(text) = read("ente_auth.txt") else {
        return;
    };
    let deno = deno_with(&text, 9);
    assert_eq!(deno.secret.expose(), [0xe4, 0x92, 0x70, 0xf0, 0xd2]);
    assert!(deno.secret.is_weak());
    assert_eq!(deno.code_at(TIME).unwrap().text, "657844");
}

#[test]
fn twofas_eleven_characters() {
    let Some(text) = read("2fas_authenticator_plain_v4.2fas") else {
        return;
    };
    let deno = deno_with(&text, 11);
    assert_eq!(deno.secret.expose(), [0xe4, 0x92, 0x70, 0xf0, 0xd2, 0x1f]);
    assert_eq!(deno.secret.bits(), 48);
    assert_eq!(deno.code_at(TIME).unwrap().text, "958500");
}
