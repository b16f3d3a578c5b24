//! FreeOTP+'s JSON export: `tokens`, each with its secret as signed bytes.
//!
//! FreeOTP+ stores an HOTP token's counter as the last one used, one less than the next code's:
//! it is imported as written, as Aegis does. A TOTP token whose issuer is "Steam" shows Steam
//! codes in FreeOTP+, so it becomes a Steam account.

use countersign_otp::{Account, Algorithm, Kind, STEAM_DIGITS, Secret};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::json::{self, Converted, Problem};
use crate::{Detection, EntryCause, Format, ImportError, Imported};

const NAME: &str = "FreeOTP+";

/// FreeOTP+'s JSON export.
pub(crate) struct FreeOtpPlus;

#[derive(Deserialize)]
struct File<'a> {
    #[serde(borrow)]
    tokens: Vec<&'a RawValue>,
}

/// A token with its secret, as FreeOTP+ exports it and FreeOTP 1.x stores it.
#[derive(Deserialize)]
pub(crate) struct Token {
    #[serde(flatten)]
    params: Params,
    /// Java bytes: -128 to 127.
    secret: zeroize::Zeroizing<Vec<i16>>,
}

/// A token's parameters, the same in FreeOTP+'s export, FreeOTP 1.x's `tokens.xml` and FreeOTP
/// 2's backups (which keep the secret apart).
#[derive(Deserialize)]
pub(crate) struct Params {
    algo: Option<String>,
    counter: Option<u64>,
    digits: Option<u8>,
    #[serde(rename = "issuerExt", default)]
    issuer: String,
    #[serde(default)]
    label: String,
    period: Option<u32>,
    #[serde(rename = "type")]
    kind: String,
}

impl Format for FreeOtpPlus {
    fn id(&self) -> &'static str {
        "freeotp-plus"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        match json::probe::<File>(bytes) {
            Some(_) => Detection::Certain,
            None => Detection::No,
        }
    }

    fn is_encrypted(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        let file: File = json::parse(NAME, bytes)?;
        Ok(Imported {
            entries: json::convert_each(&file.tokens, convert_token),
            warnings: Vec::new(),
            backup_codes: Vec::new(),
        })
    }
}

/// Java's signed bytes (-128 to 127) as bytes; `None` if one is out of range.
pub(crate) fn java_bytes(signed: &[i16]) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(signed.len()));
    for &byte in signed {
        bytes.push(i8::try_from(byte).ok()? as u8);
    }
    Some(bytes)
}

/// Makes an account of a token.
pub(crate) fn convert_token(token: Token) -> Converted {
    let secret = java_bytes(&token.secret).ok_or_else(|| {
        Problem::new(
            "secret: a byte is out of range",
            EntryCause::SecretUnreadable,
        )
    });
    convert_params(token.params, secret.map(|bytes| bytes.to_vec()))
}

/// Makes an account of a token's parameters and its secret (or why there is none).
pub(crate) fn convert_params(token: Params, secret: Result<Vec<u8>, Problem>) -> Converted {
    let fail = |problem: Problem| json::fail(&token.issuer, &token.label, problem);
    let secret = Secret::from_bytes(secret.map_err(fail)?).map_err(|e| fail(e.into()))?;
    let mut account = Account::totp(token.issuer.clone(), token.label.clone(), secret);
    let period = token.period.unwrap_or(30);
    account.kind = match token.kind.to_ascii_lowercase().as_str() {
        "totp" if token.issuer == "Steam" => Kind::Steam { period },
        "totp" => Kind::Totp { period },
        "hotp" => Kind::Hotp {
            counter: token.counter.unwrap_or(0),
        },
        other => return Err(fail(Problem::unknown_type(other))),
    };
    if let Some(algo) = &token.algo {
        account.algorithm = Algorithm::parse(algo).ok_or_else(|| fail(Problem::algorithm(algo)))?;
    }
    account.digits = match account.kind {
        Kind::Steam { .. } => STEAM_DIGITS,
        _ => token.digits.unwrap_or(6),
    };
    account.validate().map_err(|e| fail(e.into()))?;
    Ok(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steam_issuer_and_byte_range() {
        let file = br#"{"tokens":[
            {"algo":"SHA1","digits":5,"issuerExt":"Steam","label":"gabe","period":30,"secret":[-1,0,127,-128],"type":"TOTP"},
            {"algo":"SHA1","digits":6,"issuerExt":"X","label":"y","period":30,"secret":[300],"type":"TOTP"}]}"#;
        let imported = FreeOtpPlus.import(file, None).unwrap();
        let steam = imported.accounts().next().unwrap();
        assert_eq!(steam.kind, Kind::Steam { period: 30 });
        assert_eq!(steam.secret.expose(), [0xff, 0, 0x7f, 0x80]);
        let invalid = imported.invalid().next().unwrap();
        assert_eq!(
            (invalid.label.as_str(), invalid.reason.as_str()),
            ("X (y)", "secret: a byte is out of range")
        );
    }
}
