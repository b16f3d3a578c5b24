//! Raivo OTP (iOS): Settings → "Export OTPs to ZIP archive". Raivo writes
//! `raivo-otp-export.json` and an HTML copy into a ZIP that SSZipArchive (minizip) encrypts
//! with WinZip AES under a password the person picks. The JSON is a list of objects whose
//! values are all strings: `kind` ("TOTP"/"HOTP"), `algorithm` ("SHA1"/"SHA256"/"SHA512"),
//! `digits`, `timer` (the period), `counter`, `issuer`, `account`, `secret` (base32), `iconType`,
//! `iconValue`, and in later versions `pinned` ("true"/"false").
//!
//! The JSON alone is read too: people unzip the archive on a computer first (Bitwarden's
//! instructions tell them to).

use countersign_otp::{Account, Algorithm, Kind, Secret};
use serde::Deserialize;
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use crate::json::{self, Converted, Problem};
use crate::zip::{self, ZipError};
use crate::{Detection, EntryCause, Format, ImportError, Imported};

const NAME: &str = "Raivo OTP";
const MEMBER: &str = "raivo-otp-export.json";
/// What the names of both members of Raivo's archive start with.
const ARCHIVE_PREFIX: &[u8] = b"raivo-otp-export.";

/// Raivo OTP's export: the encrypted ZIP, or the JSON taken out of it.
pub(crate) struct Raivo;

/// One OTP as Raivo writes it: every value a string.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    kind: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    account: String,
    secret: Zeroizing<String>,
    algorithm: String,
    digits: String,
    timer: String,
    counter: String,
    /// Absent before Raivo 1.4.
    #[serde(default)]
    pinned: String,
}

/// The fields no other format's entries share, to tell Raivo's list from other JSON lists.
#[derive(Deserialize)]
struct ProbeEntry<'a> {
    #[serde(rename = "kind", borrow)]
    _kind: &'a RawValue,
    #[serde(rename = "timer", borrow)]
    _timer: &'a RawValue,
    #[serde(rename = "counter", borrow)]
    _counter: &'a RawValue,
    #[serde(rename = "secret", borrow)]
    _secret: &'a RawValue,
}

impl Format for Raivo {
    fn id(&self) -> &'static str {
        "raivo"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        let is_list = json::probe::<Vec<ProbeEntry>>(bytes).is_some_and(|list| !list.is_empty());
        // Raivo writes the HTML copy first, then the JSON: a truncated archive still names them.
        let is_archive = zip::has_member(bytes, MEMBER)
            || zip::first_local_name(bytes).is_some_and(|name| name.starts_with(ARCHIVE_PREFIX));
        if is_list || is_archive {
            Detection::Certain
        } else {
            Detection::No
        }
    }

    fn is_encrypted(&self, bytes: &[u8]) -> bool {
        matches!(
            zip::read(bytes, MEMBER, None),
            Err(ZipError::PasswordRequired)
        )
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        if zip::is_zip(bytes) {
            let content = zip::read(bytes, MEMBER, password).map_err(|error| {
                error.for_format(NAME, &format!("a ZIP archive with {MEMBER} in it"))
            })?;
            let entries: Vec<&RawValue> = json::parse_decrypted(NAME, &content)?;
            return Ok(read(&entries));
        }
        let entries: Vec<&RawValue> = json::parse(NAME, bytes)?;
        Ok(read(&entries))
    }
}

fn read(entries: &[&RawValue]) -> Imported {
    Imported {
        entries: json::convert_each(entries, convert),
        warnings: Vec::new(),
        backup_codes: Vec::new(),
    }
}

fn convert(entry: Entry) -> Converted {
    let fail = |problem: Problem| json::fail(&entry.issuer, &entry.account, problem);
    let number = |field: &str, text: &str, cause: EntryCause| {
        text.trim()
            .parse::<u64>()
            .map_err(|_| fail(Problem::new(format!("{field} is not a number"), cause)))
    };
    let secret = Secret::from_base32(&entry.secret).map_err(|e| fail(e.into()))?;
    let mut account = Account::totp(entry.issuer.clone(), entry.account.clone(), secret);
    account.kind = if entry.kind.eq_ignore_ascii_case("TOTP") {
        let period = number("timer", &entry.timer, EntryCause::Period)?;
        Kind::Totp {
            period: u32::try_from(period)
                .map_err(|_| fail(Problem::new("timer is out of range", EntryCause::Period)))?,
        }
    } else if entry.kind.eq_ignore_ascii_case("HOTP") {
        Kind::Hotp {
            counter: number("counter", &entry.counter, EntryCause::Counter)?,
        }
    } else {
        return Err(fail(Problem::new(
            format!("unknown kind {:?}", entry.kind),
            EntryCause::UnknownType,
        )));
    };
    account.algorithm = Algorithm::parse(&entry.algorithm)
        .ok_or_else(|| fail(Problem::algorithm(&entry.algorithm)))?;
    account.digits = u8::try_from(number("digits", &entry.digits, EntryCause::Digits)?)
        .map_err(|_| fail(Problem::new("digits is out of range", EntryCause::Digits)))?;
    // Swift's String(Bool) writes "true"/"false".
    account.favourite = entry.pinned.eq_ignore_ascii_case("true");
    account.validate().map_err(|e| fail(e.into()))?;
    Ok(account)
}
