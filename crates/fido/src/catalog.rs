//! Bundled knowledge about authenticator models: AAGUID names and attestation roots.
//!
//! The roots are the vendors' published attestation CA certificates (as bundled by the
//! webauthn-rs device catalog); the names are the vendors' published AAGUIDs. A person's
//! key missing here is reported as "unknown model", never as a failure.

/// AAGUID → model name.
const MODELS: &[(&str, &str)] = &[
    (
        "c0a1e7b2-5f0e-4c6b-9a55-3c0f1d2e7a41",
        "Countersign software key (OpenSK)",
    ),
    ("cb69481e-8ff7-4039-93ec-0a2729a154a8", "YubiKey 5 Series"),
    ("ee882879-721c-4913-9775-3dfcce97072a", "YubiKey 5 Series"),
    (
        "fa2b99dc-9e39-4257-8f92-4a30d23c4118",
        "YubiKey 5 Series with NFC",
    ),
    (
        "2fc0579f-8113-47ea-b116-bb5a8db9202a",
        "YubiKey 5 Series with NFC",
    ),
    ("c5ef55ff-ad9a-4b9f-b580-adebafe026d0", "YubiKey 5Ci"),
    (
        "73bb0cd4-e502-49b8-9c6f-b59445bf720b",
        "YubiKey 5 FIPS Series",
    ),
    ("d8522d9f-575b-4866-88a9-ba99fa02f35b", "YubiKey Bio Series"),
    (
        "149a2021-8ef6-4133-96b8-81f8d5b7f1f5",
        "Security Key by Yubico with NFC",
    ),
    (
        "6d44ba9b-f6ec-2e49-b930-0c8fe920cb73",
        "Security Key by Yubico with NFC",
    ),
    (
        "b92c3f9a-c014-4056-887f-140a2501163b",
        "Security Key by Yubico",
    ),
    (
        "f8a011f3-8c0a-4d15-8006-17111f9edc7d",
        "Security Key by Yubico",
    ),
];

/// The model name for an AAGUID, when bundled.
pub fn model_name(aaguid: &[u8; 16]) -> Option<&'static str> {
    let text = uuid::Uuid::from_bytes(*aaguid).to_string();
    MODELS
        .iter()
        .find(|(id, _)| *id == text)
        .map(|(_, name)| *name)
}

/// Bundled attestation roots (PEM), with the vendor they belong to.
pub const ROOTS: &[(&str, &str)] = &[
    (
        "Yubico",
        include_str!("../data/roots/yubico-u2f-root-ca-457200631.pem"),
    ),
    (
        "Nitrokey",
        include_str!("../data/roots/nitrokey-fido2-root-ca.pem"),
    ),
    (
        "Nitrokey",
        include_str!("../data/roots/nitrokey-u2f-root-ca.pem"),
    ),
    (
        "Apple",
        include_str!("../data/roots/apple-webauthn-root-ca.pem"),
    ),
    (
        "Microsoft",
        include_str!("../data/roots/microsoft-tpm-root-ca-2014.pem"),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_aaguids() {
        let bio = uuid::Uuid::parse_str("d8522d9f-575b-4866-88a9-ba99fa02f35b").unwrap();
        assert_eq!(model_name(bio.as_bytes()), Some("YubiKey Bio Series"));
        assert_eq!(model_name(&[0; 16]), None);
    }

    #[test]
    fn every_bundled_root_is_a_pem_certificate() {
        for (_, pem) in ROOTS {
            assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
        }
    }
}
