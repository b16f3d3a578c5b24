//! FreeOTP 1.x's app-private `shared_prefs/tokens.xml` (FreeOTP+ keeps the same file): one
//! shared-preferences string per token, named "issuer:label", holding the token as JSON with
//! its secret as signed bytes, plus a `tokenOrder` string that is not a token.
//!
//! As in FreeOTP+'s export, an HOTP counter is the last one used, imported as written.

use serde_json::value::RawValue;

use crate::freeotp_plus::convert_token;
use crate::json;
use crate::{Detection, Format, ImportError, Imported, InvalidEntry, prefs};

const NAME: &str = "FreeOTP";
const ORDER: &str = "tokenOrder";

/// FreeOTP 1.x's `tokens.xml`.
pub(crate) struct FreeOtp;

/// The fields every token has.
#[derive(serde::Deserialize)]
struct Probe {
    #[serde(rename = "type")]
    _kind: serde::de::IgnoredAny,
    #[serde(rename = "secret")]
    _secret: serde::de::IgnoredAny,
}

impl Format for FreeOtp {
    fn id(&self) -> &'static str {
        "freeotp"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        let is_freeotp = prefs::strings(bytes).is_some_and(|strings| {
            strings.iter().any(|(key, _)| key == ORDER)
                && strings
                    .iter()
                    .filter(|(key, _)| key != ORDER)
                    .all(|(_, value)| serde_json::from_str::<Probe>(value).is_ok())
        });
        if is_freeotp {
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
        let entries = strings
            .iter()
            .filter(|(key, _)| key != ORDER)
            .enumerate()
            .map(|(index, (key, value))| {
                let converted = match serde_json::from_str::<&RawValue>(value) {
                    Ok(raw) => json::convert_each(&[raw], convert_token).remove(0),
                    Err(error) => Err(json::unreadable("token", &json::describe(&error)).at(1)),
                };
                converted.map_err(|invalid| InvalidEntry {
                    position: index + 1,
                    label: if invalid.label.is_empty() {
                        key.clone()
                    } else {
                        invalid.label
                    },
                    reason: invalid.reason,
                    cause: invalid.cause,
                })
            })
            .collect();
        Ok(Imported {
            entries,
            warnings: Vec::new(),
            backup_codes: Vec::new(),
        })
    }
}
