//! Authenticator data (WebAuthn §6.1), parsed defensively: it comes from a device or a file.

use crate::cbor::{self, Map};
use crate::error::{Error, Result};
use ciborium::value::Value;

/// Flag bits of authenticator data.
pub mod flags {
    /// User present.
    pub const UP: u8 = 0x01;
    /// User verified.
    pub const UV: u8 = 0x04;
    /// Backup eligible.
    pub const BE: u8 = 0x08;
    /// Backed up.
    pub const BS: u8 = 0x10;
    /// Attested credential data included.
    pub const AT: u8 = 0x40;
    /// Extension data included.
    pub const ED: u8 = 0x80;
}

/// Parsed authenticator data.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthenticatorData {
    /// SHA-256 of the RP ID.
    pub rp_id_hash: [u8; 32],
    /// The flags byte.
    pub flags: u8,
    /// The signature counter.
    pub sign_count: u32,
    /// Attested credential data, present in registrations.
    pub credential: Option<AttestedCredential>,
    /// The extensions map, when the ED flag is set.
    pub extensions: Option<Value>,
}

/// Attested credential data.
#[derive(Debug, Clone, PartialEq)]
pub struct AttestedCredential {
    /// The authenticator model's AAGUID.
    pub aaguid: [u8; 16],
    /// The credential ID.
    pub credential_id: Vec<u8>,
    /// The credential public key as a COSE_Key CBOR value.
    pub public_key: Value,
}

impl AuthenticatorData {
    /// Parses authenticator data, rejecting truncated or trailing bytes.
    pub fn parse(bytes: &[u8]) -> Result<AuthenticatorData> {
        let short = || Error::Protocol("authenticator data is truncated".into());
        if bytes.len() < 37 {
            return Err(short());
        }
        let rp_id_hash: [u8; 32] = bytes[..32].try_into().expect("32 bytes");
        let flag_byte = bytes[32];
        let sign_count = u32::from_be_bytes(bytes[33..37].try_into().expect("4 bytes"));
        let mut rest = &bytes[37..];
        let credential = if flag_byte & flags::AT != 0 {
            if rest.len() < 18 {
                return Err(short());
            }
            let aaguid: [u8; 16] = rest[..16].try_into().expect("16 bytes");
            let id_len = usize::from(u16::from_be_bytes([rest[16], rest[17]]));
            rest = &rest[18..];
            if rest.len() < id_len {
                return Err(short());
            }
            let credential_id = rest[..id_len].to_vec();
            rest = &rest[id_len..];
            let public_key: Value = ciborium::de::from_reader(&mut rest)
                .map_err(|e| Error::Protocol(format!("credential public key: {e}")))?;
            Some(AttestedCredential {
                aaguid,
                credential_id,
                public_key,
            })
        } else {
            None
        };
        let extensions = if flag_byte & flags::ED != 0 {
            let value: Value = ciborium::de::from_reader(&mut rest)
                .map_err(|e| Error::Protocol(format!("extensions: {e}")))?;
            Some(value)
        } else {
            None
        };
        if !rest.is_empty() {
            return Err(Error::Protocol(
                "trailing bytes after authenticator data".into(),
            ));
        }
        Ok(AuthenticatorData {
            rp_id_hash,
            flags: flag_byte,
            sign_count,
            credential,
            extensions,
        })
    }

    /// Whether a flag bit is set.
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// The credential ID inside registration authenticator data.
pub(crate) fn credential_id(auth_data: &[u8]) -> Result<Vec<u8>> {
    AuthenticatorData::parse(auth_data)?
        .credential
        .map(|c| c.credential_id)
        .ok_or_else(|| Error::Protocol("no attested credential data".into()))
}

/// The extensions map of authenticator data, if any.
pub(crate) fn extensions(auth_data: &[u8]) -> Result<Option<Map>> {
    AuthenticatorData::parse(auth_data)?
        .extensions
        .map(Map::from_value)
        .transpose()
}

/// A parsed WebAuthn attestation object.
#[derive(Debug, Clone, PartialEq)]
pub struct AttestationObject {
    /// The attestation statement format.
    pub format: String,
    /// The attestation statement.
    pub statement: Value,
    /// Raw authenticator data, as signed.
    pub auth_data_bytes: Vec<u8>,
    /// Parsed authenticator data.
    pub auth_data: AuthenticatorData,
}

impl AttestationObject {
    /// Parses an attestation object (CBOR map of fmt, attStmt, authData).
    pub fn parse(bytes: &[u8]) -> Result<AttestationObject> {
        let map = Map::parse(bytes)?;
        let format = cbor::text(map.text("fmt"))
            .ok_or_else(|| Error::Protocol("attestation object without fmt".into()))?
            .to_owned();
        let statement = map
            .text("attStmt")
            .cloned()
            .ok_or_else(|| Error::Protocol("attestation object without attStmt".into()))?;
        let auth_data_bytes = cbor::bytes(map.text("authData"))
            .ok_or_else(|| Error::Protocol("attestation object without authData".into()))?
            .to_vec();
        let auth_data = AuthenticatorData::parse(&auth_data_bytes)?;
        Ok(AttestationObject {
            format,
            statement,
            auth_data_bytes,
            auth_data,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(flags_byte: u8, tail: &[u8]) -> Vec<u8> {
        let mut b = vec![7u8; 32];
        b.push(flags_byte);
        b.extend(5u32.to_be_bytes());
        b.extend(tail);
        b
    }

    #[test]
    fn parses_assertion_data_and_counts() {
        let ad = AuthenticatorData::parse(&sample(flags::UP | flags::UV, &[])).unwrap();
        assert_eq!(ad.sign_count, 5);
        assert!(ad.has(flags::UV));
        assert!(ad.credential.is_none());
    }

    #[test]
    fn rejects_truncation_and_trailing_bytes() {
        assert!(AuthenticatorData::parse(&sample(flags::UP, &[])[..36]).is_err());
        assert!(AuthenticatorData::parse(&sample(flags::UP, &[0])).is_err());
        // AT set but the credential ID length runs past the end.
        let mut tail = vec![0u8; 16];
        tail.extend([0, 40]);
        tail.extend([1, 2, 3]);
        assert!(AuthenticatorData::parse(&sample(flags::AT, &tail)).is_err());
    }

    #[test]
    fn parses_extensions() {
        let ext = cbor::encode(&Value::Map(vec![(
            Value::Text("credProtect".into()),
            cbor::i(2),
        )]));
        let ad = AuthenticatorData::parse(&sample(flags::ED, &ext)).unwrap();
        let map = Map::from_value(ad.extensions.unwrap()).unwrap();
        assert_eq!(cbor::uint(map.text("credProtect")), Some(2));
    }
}
