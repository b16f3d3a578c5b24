//! Vaults made for a test before the app starts, and accounts to fill them with.

use std::path::Path;

/// Creates a vault in `dir` holding `uris`, unlocked by `password` and by the OS keyring of the
/// test's D-Bus session, with cheap KDF parameters so seeding is fast.
pub fn seed_vault(dir: &Path, password: &str, uris: &[String]) {
    use countersign_vault::{KdfParams, Store};
    let store = Store::open(dir)
        .expect("open the data folder")
        .with_kdf(KdfParams::new(64 * 1024, 1, 1).expect("valid KDF parameters"));
    let (mut vault, _recovery) = store.create(Some(password), true).expect("create a vault");
    let accounts = uris
        .iter()
        .map(|uri| countersign_otp::parse_uri(uri).expect("a valid test URI"))
        .collect();
    vault.add_all(accounts).expect("add the accounts");
    vault.lock();
}

/// Creates a vault in `dir` holding `uris` that only the OS keyring of the test's D-Bus session
/// (and the recovery key) unlock: no password. Returns the recovery key, grouped.
pub fn seed_keyring_only_vault(dir: &Path, uris: &[String]) -> String {
    use countersign_vault::Store;
    let store = Store::open(dir).expect("open the data folder");
    let (mut vault, recovery) = store.create(None, true).expect("create a vault");
    let accounts = uris
        .iter()
        .map(|uri| countersign_otp::parse_uri(uri).expect("a valid test URI"))
        .collect();
    vault.add_all(accounts).expect("add the accounts");
    vault.lock();
    recovery.to_grouped().to_string()
}

/// `count` TOTP accounts as otpauth:// URIs ("Issuer 0" ... with distinct secrets), for
/// benchmarks.
pub fn numbered_uris(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            // Distinct secrets: 20 bytes derived from the index, in base32.
            let bytes: Vec<u8> = (0..20u8)
                .map(|j| (i as u8).wrapping_mul(31).wrapping_add(j) ^ ((i >> 8) as u8))
                .collect();
            let secret = data_encoding::BASE32_NOPAD.encode(&bytes);
            format!(
                "otpauth://totp/Issuer%20{i}:user{i}%40example.com?secret={secret}&issuer=Issuer%20{i}"
            )
        })
        .collect()
}
