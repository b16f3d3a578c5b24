//! WinAuth's "Export": a text file of otpauth:// URIs, one per line, or the same text as the one
//! `.txt` member of a ZIP that SharpZipLib encrypts with ZipCrypto when a password is given.
//!
//! Each line is `otpauth://TYPE/ISSUER:LABEL?secret=…&digits=N` followed, in this order, by
//! `issuer`, `algorithm`, then `serial` (Battle.net), `deviceid` and `data` (Steam) or `counter`
//! (HOTP), then `icon` and `period`; only what differs from the defaults is written. The lines
//! are read by the URI-list importer, with WinAuth's own rules on top:
//! - the label is `HttpUtility.UrlEncode`d, so a `+` in it is a space (WinAuth's import says so);
//! - an authenticator without an issuer carries only the name the person gave it ("Google",
//!   "My bank"): that is what WinAuth shows as its title, so it becomes the issuer;
//! - Battle.net authenticators have the issuer `BattleNet` and their serial in `serial`: the
//!   issuer becomes "Battle.net" (as the Battle.net importer names it) and the serial the note;
//! - Steam's `deviceid` and `data` (the Steam session, with more secrets) are left out: codes
//!   need only the shared secret, which is the URI's `secret`.

use countersign_otp::parse_uri;
use zeroize::Zeroizing;

use crate::json::{self, Converted};
use crate::zip::{self, ZipError};
use crate::{Detection, Format, ImportError, Imported, authenticator_plus, uris};

const NAME: &str = "WinAuth";
/// The parameters WinAuth writes after `secret` and `digits`, in the order it writes them.
const PARAMETER_ORDER: [&str; 8] = [
    "issuer",
    "algorithm",
    "serial",
    "deviceid",
    "data",
    "counter",
    "icon",
    "period",
];

/// WinAuth's export, as text or in a ZIP.
pub(crate) struct WinAuth;

impl Format for WinAuth {
    fn id(&self) -> &'static str {
        "winauth"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        // One .txt member, named after the archive; Authenticator Plus's is always
        // Accounts.txt (a WinAuth export saved as Accounts.zip reads the same through it).
        let is_export = |name: &str| is_text_member(name) && name != authenticator_plus::MEMBER;
        let is_winauth = if zip::is_zip(bytes) {
            match zip::member_names(bytes) {
                Ok(names) => names.len() == 1 && is_export(&names[0]),
                // A truncated archive still names its first member.
                Err(_) => zip::first_local_name(bytes)
                    .is_some_and(|name| is_export(&String::from_utf8_lossy(name))),
            }
        } else {
            crate::text(bytes).is_some_and(|text| {
                let mut lines = uris::content_lines(text).peekable();
                lines.peek().is_some() && lines.all(is_winauth_line)
            })
        };
        if is_winauth {
            Detection::Certain
        } else {
            Detection::No
        }
    }

    fn is_encrypted(&self, bytes: &[u8]) -> bool {
        text_members(bytes).is_ok_and(|names| {
            names
                .iter()
                .any(|name| zip::read(bytes, name, None) == Err(ZipError::PasswordRequired))
        })
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        if !zip::is_zip(bytes) {
            let text = crate::text(bytes).ok_or_else(|| ImportError::WrongFormat {
                format: NAME,
                reason: "neither text nor a ZIP archive".to_owned(),
            })?;
            return read(text);
        }
        // WinAuth's own import reads every .txt member, one after the other.
        let contents = text_members(bytes)
            .map_err(zip_error)?
            .iter()
            .map(|name| zip::read(bytes, name, password).map_err(zip_error))
            .collect::<Result<Vec<_>, _>>()?;
        // Sized up front: a grown buffer would leave a copy of the secrets in freed memory.
        let mut text = Zeroizing::new(String::with_capacity(
            contents.iter().map(|content| content.len() + 1).sum(),
        ));
        for content in &contents {
            let part = crate::text(content).ok_or_else(|| ImportError::Corrupt {
                format: NAME,
                part: "text member",
                detail: "not text".to_owned(),
            })?;
            text.push_str(part);
            text.push('\n');
        }
        read(&text)
    }
}

fn zip_error(error: ZipError) -> ImportError {
    error.for_format(NAME, "a ZIP archive with a .txt file in it")
}

/// The `.txt` members of a ZIP archive (`NotFound` if it has none).
fn text_members(bytes: &[u8]) -> Result<Vec<String>, ZipError> {
    let names: Vec<String> = zip::member_names(bytes)?
        .into_iter()
        .filter(|name| is_text_member(name))
        .collect();
    if names.is_empty() {
        Err(ZipError::NotFound)
    } else {
        Ok(names)
    }
}

fn is_text_member(name: &str) -> bool {
    name.len() > 4
        && name
            .get(name.len() - 4..)
            .is_some_and(|end| end.eq_ignore_ascii_case(".txt"))
}

/// Whether a line has the exact shape of WinAuth's `ToUrl`: totp or hotp, `secret` then
/// `digits` first, then only WinAuth's own parameters in WinAuth's order.
fn is_winauth_line(line: &str) -> bool {
    let Some(rest) = ["otpauth://totp/", "otpauth://hotp/"]
        .iter()
        .find_map(|prefix| line.strip_prefix(prefix))
    else {
        return false;
    };
    let Some((_, query)) = rest.split_once('?') else {
        return false;
    };
    let mut keys = query
        .split('&')
        .map(|pair| pair.split_once('=').map_or(pair, |(key, _)| key));
    if keys.next() != Some("secret") || keys.next() != Some("digits") {
        return false;
    }
    let mut order = PARAMETER_ORDER.iter();
    keys.all(|key| order.any(|known| *known == key))
}

fn read(text: &str) -> Result<Imported, ImportError> {
    if !uris::content_lines(text).any(|line| line.starts_with("otpauth://")) {
        return Err(ImportError::WrongFormat {
            format: NAME,
            reason: "no line is an otpauth:// URI".to_owned(),
        });
    }
    let mut imported = Imported::default();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        imported
            .entries
            .push(convert(line).map_err(|failure| failure.at(index + 1)));
    }
    Ok(imported)
}

/// One line, with WinAuth's rules applied to what the URI importer reads; or what is wrong,
/// with its cause (the setup-link error, or the account's).
fn convert(line: &str) -> Converted {
    let mut account = parse_uri(&spaces_in_label(line)).map_err(|e| json::fail("", "", e))?;
    if account.issuer.is_empty() {
        account.issuer = std::mem::take(&mut account.name);
    } else if account.issuer.eq_ignore_ascii_case("BattleNet") {
        account.issuer = "Battle.net".to_owned();
        if let Some(serial) = parameter(line, "serial") {
            account.note = format!("Serial {}", battle_net_serial(&serial));
        }
    }
    account.validate().map_err(|e| json::fail("", "", e))?;
    Ok(account)
}

/// The line with each `+` of its label (UrlEncode's space) written as `%20`, which the URI
/// parser decodes; a real `+` is `%2B` there.
fn spaces_in_label(line: &str) -> Zeroizing<String> {
    let end = line.find('?').unwrap_or(line.len());
    let mut out = Zeroizing::new(String::with_capacity(line.len() + 64));
    out.push_str(&line[..end].replace('+', "%20"));
    out.push_str(&line[end..]);
    out
}

/// The value of a query parameter that holds no secret (`serial`), decoded.
fn parameter(line: &str, key: &str) -> Option<String> {
    let (_, query) = line.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        (name == key).then(|| {
            percent_encoding::percent_decode_str(&value.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

/// A Battle.net serial as Blizzard prints it (`US-1234-5678-9012`); WinAuth strips the dashes.
fn battle_net_serial(serial: &str) -> String {
    let serial = serial.trim().to_ascii_uppercase();
    let is_plain = serial.len() == 14
        && serial[..2].bytes().all(|b| b.is_ascii_alphabetic())
        && serial[2..].bytes().all(|b| b.is_ascii_digit());
    if is_plain {
        format!(
            "{}-{}-{}-{}",
            &serial[..2],
            &serial[2..6],
            &serial[6..10],
            &serial[10..]
        )
    } else {
        serial
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EntryCause;

    #[test]
    fn winauth_lines_are_told_from_other_uri_lists() {
        assert!(is_winauth_line(
            "otpauth://totp/Google:alice%40gmail.com?secret=JBSWY3DPEHPK3PXP&digits=6&issuer=Google&icon=Google"
        ));
        assert!(is_winauth_line(
            "otpauth://hotp/Work?secret=JBSWY3DPEHPK3PXP&digits=6&counter=4"
        ));
        // Countersign's, Aegis's and Google's order: issuer before digits.
        assert!(!is_winauth_line(
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=SHA1&digits=6&period=30"
        ));
        // WinAuth writes period last.
        assert!(!is_winauth_line(
            "otpauth://totp/A?secret=JBSWY3DPEHPK3PXP&digits=6&period=60&issuer=A"
        ));
        assert!(!is_winauth_line(
            "otpauth://steam/A?secret=JBSWY3DPEHPK3PXP&digits=5"
        ));
    }

    #[test]
    fn an_unusable_line_is_reported_with_its_setup_link_error() {
        let imported = read(
            "otpauth://totp/Good?secret=JBSWY3DPEHPK3PXP&digits=6\r\n\
             otpauth://totp/Bad?secret=JBSWY3DPEHPK3PXP&digits=12\r\n",
        )
        .unwrap();
        assert_eq!(imported.accounts().count(), 1);
        let invalid = imported.invalid().next().unwrap();
        assert_eq!(invalid.position, 2);
        assert!(
            matches!(invalid.cause, Some(EntryCause::Provisioning(_))),
            "{:?}",
            invalid.cause
        );
        assert_eq!(
            invalid.reason,
            r#"digits: "12" is not a number from 1 to 10"#
        );
    }

    #[test]
    fn battle_net_serials_get_their_dashes_back() {
        assert_eq!(battle_net_serial("us123456789012"), "US-1234-5678-9012");
        assert_eq!(battle_net_serial("EU-1234-5678-9012"), "EU-1234-5678-9012");
    }

    #[test]
    fn plus_in_the_label_is_a_space_and_percent_2b_a_plus() {
        let account = convert(
            "otpauth://totp/My Bank:Joint+account%2Bsavings?secret=JBSWY3DPEHPK3PXP&digits=6&issuer=My+Bank",
        )
        .unwrap();
        assert_eq!(account.issuer, "My Bank");
        assert_eq!(account.name, "Joint account+savings");
    }
}
