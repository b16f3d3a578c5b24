//! A plain list of otpauth:// URIs, one per line: what most authenticators export as "plain
//! text", and what Countersign exports for any app to read. `steam://` and
//! `otpauth-migration://` lines are read too.

use std::collections::{BTreeMap, BTreeSet};

use countersign_otp::{Account, Provisioning, parse_provisioning};
use zeroize::Zeroizing;

use crate::{Detection, EntryCause, Format, ImportError, ImportWarning, Imported, InvalidEntry};

const NAME: &str = "otpauth:// URI list";

/// A text file of otpauth:// URIs.
pub(crate) struct UriList;

impl Format for UriList {
    fn id(&self) -> &'static str {
        "uris"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        let first = crate::text(bytes).and_then(|text| content_lines(text).next());
        match first {
            Some(line) if is_uri(line) => Detection::Certain,
            _ => Detection::No,
        }
    }

    fn is_encrypted(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        crate::check_size(bytes)?;
        let text = crate::text(bytes).ok_or_else(|| ImportError::WrongFormat {
            format: NAME,
            reason: "not text".to_owned(),
        })?;
        if !content_lines(text).any(is_uri) {
            return Err(ImportError::WrongFormat {
                format: NAME,
                reason: "no line is an otpauth:// URI".to_owned(),
            });
        }
        Ok(read_lines(text, false))
    }
}

fn is_uri(line: &str) -> bool {
    ["otpauth://", "otpauth-migration://", "steam://"]
        .iter()
        .any(|scheme| {
            line.get(..scheme.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(scheme))
        })
}

/// The trimmed lines that are neither blank nor `#` comments (which people add to exports they
/// save by hand, and which no URI starts with).
pub(crate) fn content_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// Reads every line but blanks and comments; with `migration_only`, any other URI is an invalid
/// entry.
/// Warns when a multi-QR migration export is missing some of its codes.
pub(crate) fn read_lines(text: &str, migration_only: bool) -> Imported {
    let mut imported = Imported::default();
    // Export id and size -> the batch numbers seen.
    let mut batches: BTreeMap<(i32, u32), BTreeSet<u32>> = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let line = Zeroizing::new(line.trim().to_owned());
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let invalid = |label: String, reason: String, cause: Option<EntryCause>| InvalidEntry {
            position: index + 1,
            label,
            reason,
            cause,
        };
        match parse_provisioning(&line) {
            Ok(Provisioning::Migration(batch)) => {
                batches
                    .entry((batch.batch_id, batch.batch_size))
                    .or_default()
                    .insert(batch.batch_index);
                imported.entries.extend(batch.accounts.into_iter().map(Ok));
                imported
                    .entries
                    .extend(batch.skipped.into_iter().map(|skipped| {
                        let reason = skipped.reason.to_string();
                        Err(invalid(
                            skipped.label,
                            reason,
                            Some(EntryCause::Export(skipped.reason)),
                        ))
                    }));
            }
            Ok(Provisioning::Account(_)) if migration_only => imported.entries.push(Err(invalid(
                String::new(),
                "not an otpauth-migration:// URI".to_owned(),
                None,
            ))),
            Ok(Provisioning::Account(account)) => imported.entries.push(Ok(account)),
            Err(error) => imported.entries.push(Err(invalid(
                String::new(),
                error.to_string(),
                Some(EntryCause::Provisioning(error)),
            ))),
        }
    }
    for ((_, size), seen) in batches {
        let missing: Vec<u32> = (0..size)
            .filter(|index| !seen.contains(index))
            .map(|index| index + 1)
            .collect();
        if !missing.is_empty() {
            imported
                .warnings
                .push(ImportWarning::MissingBatches { size, missing });
        }
    }
    imported
}

pub(crate) fn export(accounts: &[Account]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::new());
    for account in accounts {
        out.push_str(&account.to_uri());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use countersign_otp::{Secret, encode_migration};

    use super::*;

    #[test]
    fn an_unusable_line_keeps_the_setup_link_error_as_its_cause() {
        let imported = read_lines(
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12\n",
            false,
        );
        let invalid = imported.invalid().next().unwrap();
        assert_eq!(invalid.position, 1);
        assert!(
            matches!(invalid.cause, Some(EntryCause::Provisioning(_))),
            "{:?}",
            invalid.cause
        );
        assert_eq!(
            invalid.reason,
            invalid
                .cause
                .as_ref()
                .map(|cause| match cause {
                    EntryCause::Provisioning(error) => error.to_string(),
                    _ => String::new(),
                })
                .unwrap()
        );
    }

    #[test]
    fn a_migration_export_missing_a_code_is_warned_of_with_its_numbers() {
        let accounts: Vec<Account> = (1..=3u8)
            .map(|seed| Account::totp("Issuer", "me", Secret::from_bytes(vec![seed; 10]).unwrap()))
            .collect();
        let uris = encode_migration(&accounts, 1, 7).uris;
        let text = format!("{}\n{}\n", uris[0].as_str(), uris[2].as_str());
        let imported = read_lines(&text, true);
        assert_eq!(imported.accounts().count(), 2);
        assert_eq!(
            imported.warnings,
            [ImportWarning::MissingBatches {
                size: 3,
                missing: vec![2]
            }]
        );
        assert_eq!(
            imported.warnings[0].to_string(),
            "a Google Authenticator export of 3 QR codes is missing code 2: scan it too, or its \
             accounts are not imported"
        );
    }
}
