//! The Battle.net app's authenticator settings,
//! `shared_prefs/com.blizzard.messenger.authenticator_preferences.xml` (copied off a rooted
//! phone). With the "MASK" obfuscation the serial and the device secret are hex, XORed with a
//! fixed key (from Aegis's BattleNetImporter); the unmasked secret is itself hex text.
//! Battle.net codes are TOTP, SHA1, 8 digits, 30 s.

use countersign_otp::{Account, Secret};
use zeroize::Zeroizing;

use crate::{Detection, EntryCause, Format, ImportError, Imported, InvalidEntry, crypto, prefs};

const NAME: &str = "Battle.net";
const PREFIX: &str = "com.blizzard.messenger.";
const ENCRYPTION_TYPE: &str = "com.blizzard.messenger.AUTHENTICATOR_CREDENTIALS_ENCRYPTION_TYPE";
const SERIAL: &str = "com.blizzard.messenger.AUTHENTICATOR_SERIAL";
const DEVICE_SECRET: &str = "com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET";
const MASK_KEY: [u8; 57] = [
    0x39, 0x8e, 0x27, 0xfc, 0x50, 0x27, 0x6a, 0x65, 0x60, 0x65, 0xb0, 0xe5, 0x25, 0xf4, 0xc0, 0x6c,
    0x04, 0xc6, 0x10, 0x75, 0x28, 0x6b, 0x8e, 0x7a, 0xed, 0xa5, 0x9d, 0xa9, 0x81, 0x3b, 0x5d, 0xd6,
    0xc8, 0x0d, 0x2f, 0xb3, 0x80, 0x68, 0x77, 0x3f, 0xa5, 0x9b, 0xa4, 0x7c, 0x17, 0xca, 0x6c, 0x64,
    0x79, 0x01, 0x5c, 0x1d, 0x5b, 0x8b, 0x8f, 0x6b, 0x9a,
];

/// The Battle.net app's authenticator settings.
pub(crate) struct BattleNet;

impl Format for BattleNet {
    fn id(&self) -> &'static str {
        "battle-net"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        let is_battle_net = prefs::strings(bytes).is_some_and(|strings| {
            strings.iter().any(|(key, _)| key == DEVICE_SECRET)
                && strings.iter().all(|(key, _)| key.starts_with(PREFIX))
        });
        if is_battle_net {
            Detection::Certain
        } else {
            Detection::No
        }
    }

    fn is_encrypted(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        let strings = prefs::strings(bytes).ok_or_else(|| ImportError::WrongFormat {
            format: NAME,
            reason: "not a shared-preferences file".to_owned(),
        })?;
        let secret =
            prefs::get(&strings, DEVICE_SECRET).ok_or_else(|| ImportError::WrongFormat {
                format: NAME,
                reason: "no authenticator device secret".to_owned(),
            })?;
        match prefs::get(&strings, ENCRYPTION_TYPE) {
            Some("MASK") => {}
            other => {
                return Err(ImportError::Unsupported {
                    format: NAME,
                    what: format!(
                        "credentials protected with {:?}: only the \"MASK\" kind can be read",
                        other.unwrap_or("nothing named")
                    ),
                });
            }
        }
        // A missing serial leaves the name empty, as in Aegis.
        let serial = match prefs::get(&strings, SERIAL) {
            Some(serial) => unmask(serial)
                .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
                .ok_or_else(|| corrupt("serial"))?,
            None => String::new(),
        };
        let entry = unmask(secret)
            .and_then(|hex| crypto::hex_decode(std::str::from_utf8(&hex).ok()?))
            .map(Zeroizing::new)
            .and_then(|bytes| Secret::from_bytes(bytes.to_vec()).ok())
            .map(|secret| {
                let mut account = Account::totp(NAME, serial.clone(), secret);
                account.digits = 8;
                account
            })
            .ok_or_else(|| InvalidEntry {
                position: 1,
                label: crate::label(NAME, &serial),
                reason: "the device secret cannot be unmasked".to_owned(),
                cause: Some(EntryCause::SecretUnreadable),
            });
        Ok(Imported {
            entries: vec![entry],
            warnings: Vec::new(),
            backup_codes: Vec::new(),
        })
    }
}

fn corrupt(part: &'static str) -> ImportError {
    ImportError::Corrupt {
        format: NAME,
        part,
        detail: "cannot be unmasked".to_owned(),
    }
}

/// Hex-decodes and XORs with the mask; `None` if not hex or longer than the mask.
fn unmask(hex: &str) -> Option<Zeroizing<Vec<u8>>> {
    let mut bytes = Zeroizing::new(crypto::hex_decode(hex)?);
    if bytes.len() > MASK_KEY.len() {
        return None;
    }
    for (byte, key) in bytes.iter_mut().zip(MASK_KEY) {
        *byte ^= key;
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_key_is_aegis_key() {
        assert_eq!(
            crypto::hex_encode(&MASK_KEY),
            "398e27fc50276a656065b0e525f4c06c04c61075286b8e7aeda59da9813b5dd6c80d2fb38068773f\
             a59ba47c17ca6c6479015c1d5b8b8f6b9a"
        );
    }
}
