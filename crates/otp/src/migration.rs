//! Google Authenticator's export: `otpauth-migration://offline?data=...` URIs.
//!
//! `data` is the standard base64 of a protobuf `MigrationPayload`. An export of many accounts is
//! split into batches (one QR code each), numbered by `batch_index` of `batch_size` and tied
//! together by `batch_id`. The format has no period field: every TOTP is 30 s.
//! [`BatchTracker`] follows which batches of each export have been read, wherever they came
//! from (a scan, a paste).

use std::collections::{BTreeSet, HashMap};

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use prost::Message as _;
use zeroize::{Zeroize, Zeroizing};

use crate::{Account, Algorithm, Kind, Secret, SecretError};

/// Accounts per QR code in Google Authenticator's own exports.
pub const DEFAULT_BATCH_SIZE: usize = 10;

/// What an export URI starts with, before its percent-encoded data.
const MIGRATION_PREFIX: &str = "otpauth-migration://offline?data=";

/// Largest `data` accepted, in characters: far above what a QR code holds.
const MAX_DATA_LEN: usize = 64 * 1024;

/// The protobuf messages, written out with prost's derive (no protoc, no build script).
mod proto {
    /// One export QR code.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct MigrationPayload {
        #[prost(message, repeated, tag = "1")]
        pub otp_parameters: Vec<OtpParameters>,
        #[prost(int32, tag = "2")]
        pub version: i32,
        #[prost(int32, tag = "3")]
        pub batch_size: i32,
        #[prost(int32, tag = "4")]
        pub batch_index: i32,
        #[prost(int32, tag = "5")]
        pub batch_id: i32,
    }

    /// One account.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct OtpParameters {
        #[prost(bytes = "vec", tag = "1")]
        pub secret: Vec<u8>,
        #[prost(string, tag = "2")]
        pub name: String,
        #[prost(string, tag = "3")]
        pub issuer: String,
        /// 0 unspecified, 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5.
        #[prost(int32, tag = "4")]
        pub algorithm: i32,
        /// An enum, not a count: 0 unspecified, 1 six, 2 eight.
        #[prost(int32, tag = "5")]
        pub digits: i32,
        /// 0 unspecified, 1 HOTP, 2 TOTP.
        #[prost(int32, tag = "6")]
        pub r#type: i32,
        #[prost(int64, tag = "7")]
        pub counter: i64,
    }

    /// The secret is wiped however the message ends: decoded, encoded, or dropped half-read
    /// when the payload turns out to be malformed.
    impl Drop for OtpParameters {
        fn drop(&mut self) {
            zeroize::Zeroize::zeroize(&mut self.secret);
        }
    }
}

/// Why a text is not a readable migration URI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MigrationError {
    /// The text does not start with `otpauth-migration://`.
    #[error("not an otpauth-migration:// URI")]
    NotMigration,
    /// No `data=` parameter, or an empty one.
    #[error("the migration URI has no data parameter")]
    MissingData,
    /// `data` is too long to be a real export.
    #[error("the migration data is longer than {MAX_DATA_LEN} characters")]
    TooLong,
    /// `data` is not base64.
    #[error("the migration data is not valid base64")]
    Base64,
    /// The decoded bytes are not a migration payload.
    #[error("the migration data is not a valid Google Authenticator payload")]
    Protobuf,
}

/// Why one account of an export cannot be used; the rest of the export still is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EntryError {
    /// MD5 or an unknown algorithm number.
    #[error("unsupported algorithm (code {0})")]
    Algorithm(i32),
    /// A digit-count code other than six or eight.
    #[error("unsupported number of digits (code {0})")]
    Digits(i32),
    /// An OTP type code other than HOTP or TOTP.
    #[error("unsupported OTP type (code {0})")]
    Type(i32),
    /// A negative HOTP counter.
    #[error("negative HOTP counter")]
    Counter,
    /// An empty or oversized secret.
    #[error("secret: {0}")]
    Secret(SecretError),
}

/// An account of an export that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedEntry {
    /// Position in the batch, from 0.
    pub index: usize,
    /// Issuer and name as the export gave them, for the message.
    pub label: String,
    /// What is wrong.
    pub reason: EntryError,
}

/// The accounts of one migration QR code and where it sits in the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationBatch {
    /// Usable accounts, in export order.
    pub accounts: Vec<Account>,
    /// Accounts that could not be used.
    pub skipped: Vec<SkippedEntry>,
    /// Position of this QR code in the export, from 0.
    pub batch_index: u32,
    /// Number of QR codes in the export (at least 1).
    pub batch_size: u32,
    /// Identifies the export this QR code belongs to.
    pub batch_id: i32,
}

/// Where one batch sits in its export, and which batches of that export have been read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchProgress {
    /// The batch just read, counted from 1.
    pub batch: u32,
    /// How many batches (QR codes) the export has, at least 1.
    pub size: u32,
    /// The batches of this export read so far, this one included: counted from 1, ascending.
    pub seen: Vec<u32>,
}

impl BatchProgress {
    /// Whether every batch of the export has been read.
    pub fn is_complete(&self) -> bool {
        self.seen.len() as u64 >= u64::from(self.size)
    }
}

/// Which batches of each Google Authenticator export have been read, so the person can be
/// told "batch 2 of 3 read, now batch 1" however each batch arrived.
///
/// An export is told apart by its `batch_id` and size; once all its batches are in, it is
/// forgotten, so reading it again starts over.
#[derive(Debug, Default)]
pub struct BatchTracker {
    exports: HashMap<i32, ExportSeen>,
}

/// The batches of one export read so far (from 0).
#[derive(Debug)]
struct ExportSeen {
    size: u32,
    seen: BTreeSet<u32>,
}

impl BatchTracker {
    /// Notes that `batch` was read; returns its place and the batches of its export read so
    /// far.
    pub fn record(&mut self, batch: &MigrationBatch) -> BatchProgress {
        let size = batch.batch_size.max(1);
        let export = self
            .exports
            .entry(batch.batch_id)
            .or_insert_with(|| ExportSeen {
                size,
                seen: BTreeSet::new(),
            });
        if export.size != size {
            // Another export that happens to share the id: start over with this one.
            *export = ExportSeen {
                size,
                seen: BTreeSet::new(),
            };
        }
        // An index past the end is malformed; it still counts as the last batch, so the
        // export can complete.
        export.seen.insert(batch.batch_index.min(size - 1));
        let progress = BatchProgress {
            batch: batch.batch_index.saturating_add(1),
            size,
            seen: export.seen.iter().map(|index| index + 1).collect(),
        };
        if progress.is_complete() {
            self.exports.remove(&batch.batch_id);
        }
        progress
    }

    /// Forgets every export (the vault locked).
    pub fn clear(&mut self) {
        self.exports.clear();
    }
}

fn lenient_base64(alphabet: &base64::alphabet::Alphabet) -> GeneralPurpose {
    GeneralPurpose::new(
        alphabet,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    )
}

/// Decodes one `otpauth-migration://offline?data=...` URI.
pub fn decode_migration(text: &str) -> Result<MigrationBatch, MigrationError> {
    let text = text.trim();
    let rest = text
        .get(..20)
        .filter(|head| head.eq_ignore_ascii_case("otpauth-migration://"))
        .map(|_| &text[20..])
        .ok_or(MigrationError::NotMigration)?;
    let query = rest.split_once('?').map(|(_, q)| q).unwrap_or("");
    let data = query
        .split('&')
        .find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            key.eq_ignore_ascii_case("data").then_some(value)
        })
        .filter(|data| !data.is_empty())
        .ok_or(MigrationError::MissingData)?;
    if data.len() > MAX_DATA_LEN {
        return Err(MigrationError::TooLong);
    }
    // Decoded into one wiped buffer of the input's size: the data holds the secrets.
    let mut data = crate::uri::percent_decode_bytes_wiped(data, false);
    // A '+' that went through form decoding comes back as a space: put it back in place.
    for byte in data.iter_mut() {
        if *byte == b' ' {
            *byte = b'+';
        }
    }
    let engine = if data.iter().any(|byte| matches!(byte, b'-' | b'_')) {
        lenient_base64(&base64::alphabet::URL_SAFE)
    } else {
        lenient_base64(&base64::alphabet::STANDARD)
    };
    let bytes = Zeroizing::new(engine.decode(&*data).map_err(|_| MigrationError::Base64)?);
    let mut payload =
        proto::MigrationPayload::decode(bytes.as_slice()).map_err(|_| MigrationError::Protobuf)?;

    let mut accounts = Vec::with_capacity(payload.otp_parameters.len());
    let mut skipped = Vec::new();
    for (index, parameters) in payload.otp_parameters.iter_mut().enumerate() {
        let secret = std::mem::take(&mut parameters.secret);
        match to_account(parameters, secret) {
            Ok(account) => accounts.push(account),
            Err(reason) => skipped.push(SkippedEntry {
                index,
                label: label_of(&parameters.issuer, &parameters.name),
                reason,
            }),
        }
    }
    Ok(MigrationBatch {
        accounts,
        skipped,
        batch_index: u32::try_from(payload.batch_index).unwrap_or(0),
        batch_size: u32::try_from(payload.batch_size).unwrap_or(1).max(1),
        batch_id: payload.batch_id,
    })
}

fn label_of(issuer: &str, name: &str) -> String {
    match (issuer.is_empty(), name.is_empty()) {
        (false, false) => format!("{issuer} ({name})"),
        (true, _) => name.to_owned(),
        (false, true) => issuer.to_owned(),
    }
}

fn to_account(parameters: &proto::OtpParameters, secret: Vec<u8>) -> Result<Account, EntryError> {
    let secret = Secret::from_bytes(secret).map_err(EntryError::Secret)?;
    let algorithm = match parameters.algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        other => return Err(EntryError::Algorithm(other)),
    };
    let digits = match parameters.digits {
        0 | 1 => 6,
        2 => 8,
        other => return Err(EntryError::Digits(other)),
    };
    let kind = match parameters.r#type {
        1 => Kind::Hotp {
            counter: u64::try_from(parameters.counter).map_err(|_| EntryError::Counter)?,
        },
        0 | 2 => Kind::Totp { period: 30 },
        other => return Err(EntryError::Type(other)),
    };
    // Google Authenticator keeps the URI label as the name, often "Issuer:account".
    let issuer = parameters.issuer.trim();
    let name = parameters.name.trim();
    let (issuer, name) = match name.split_once(':') {
        Some((prefix, rest)) if issuer.is_empty() => (prefix.trim(), rest.trim()),
        Some((prefix, rest)) if prefix.trim() == issuer => (issuer, rest.trim()),
        _ => (issuer, name),
    };
    let mut account = Account::totp(issuer, name, secret);
    account.algorithm = algorithm;
    account.digits = digits;
    account.kind = kind;
    Ok(account)
}

/// Why an account cannot be written into a migration export.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportLimit {
    /// The format only knows 30-second TOTP.
    #[error("Google Authenticator only supports a 30 s period, not {0} s")]
    Period(u32),
    /// The format only knows 6 and 8 digits.
    #[error("Google Authenticator only supports 6 or 8 digits, not {0}")]
    Digits(u8),
    /// The format has no Steam type.
    #[error("Google Authenticator cannot hold Steam accounts")]
    Steam,
}

/// A migration export: the URIs to show as QR codes, and the accounts left out.
#[derive(Debug)]
pub struct MigrationExport {
    /// One URI per QR code, in order. They hold secrets.
    pub uris: Vec<Zeroizing<String>>,
    /// Accounts (by index into the input) the format cannot express.
    pub left_out: Vec<(usize, ExportLimit)>,
}

/// Encodes accounts as Google Authenticator migration URIs, `batch_size` accounts per URI.
pub fn encode_migration(accounts: &[Account], batch_size: usize, batch_id: i32) -> MigrationExport {
    let mut left_out = Vec::new();
    let mut entries = Vec::new();
    for (index, account) in accounts.iter().enumerate() {
        let (kind, counter) = match account.kind {
            Kind::Steam { .. } => {
                left_out.push((index, ExportLimit::Steam));
                continue;
            }
            Kind::Totp { period } if period != 30 => {
                left_out.push((index, ExportLimit::Period(period)));
                continue;
            }
            Kind::Totp { .. } => (2, 0),
            Kind::Hotp { counter } => (1, i64::try_from(counter).unwrap_or(i64::MAX)),
        };
        let digits = match account.digits {
            6 => 1,
            8 => 2,
            other => {
                left_out.push((index, ExportLimit::Digits(other)));
                continue;
            }
        };
        entries.push(proto::OtpParameters {
            secret: account.secret.expose().to_vec(),
            name: account.name.clone(),
            issuer: account.issuer.clone(),
            algorithm: match account.algorithm {
                Algorithm::Sha1 => 1,
                Algorithm::Sha256 => 2,
                Algorithm::Sha512 => 3,
            },
            digits,
            r#type: kind,
            counter,
        });
    }
    let batch_size = batch_size.max(1);
    let batches = entries.len().div_ceil(batch_size).max(1);
    let mut uris = Vec::with_capacity(batches);
    let mut chunks: Vec<Vec<proto::OtpParameters>> = Vec::with_capacity(batches);
    let mut rest = entries;
    while rest.len() > batch_size {
        let tail = rest.split_off(batch_size);
        chunks.push(std::mem::replace(&mut rest, tail));
    }
    chunks.push(rest);
    for (index, chunk) in chunks.into_iter().enumerate() {
        let mut payload = proto::MigrationPayload {
            otp_parameters: chunk,
            version: 1,
            batch_size: batches as i32,
            batch_index: index as i32,
            batch_id,
        };
        let bytes = Zeroizing::new(payload.encode_to_vec());
        for parameters in &mut payload.otp_parameters {
            parameters.secret.zeroize();
        }
        let data = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&*bytes));
        // Sized for the worst case (every character percent-encoded) so that it never grows:
        // a grown buffer would leave a copy of the secrets behind in freed memory.
        let mut uri = Zeroizing::new(String::with_capacity(
            MIGRATION_PREFIX.len() + 3 * data.len(),
        ));
        uri.push_str(MIGRATION_PREFIX);
        uri.extend(utf8_percent_encode(&data, NON_ALPHANUMERIC));
        uris.push(uri);
    }
    MigrationExport { uris, left_out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use percent_encoding::percent_decode_str;

    /// What `record` says about batch `index` of export `id` of `size` batches: the batches
    /// read so far.
    fn record_batch(tracker: &mut BatchTracker, id: i32, index: u32, size: u32) -> Vec<u32> {
        let batch = MigrationBatch {
            accounts: Vec::new(),
            skipped: Vec::new(),
            batch_index: index,
            batch_size: size,
            batch_id: id,
        };
        tracker.record(&batch).seen
    }

    /// Moved from the app's scanner, which used to keep this count itself.
    #[test]
    fn batches_are_tracked_until_the_export_is_complete() {
        let mut scan = BatchTracker::default();
        assert_eq!(record_batch(&mut scan, 7, 0, 3), [1]);
        assert_eq!(record_batch(&mut scan, 7, 0, 3), [1]);
        assert_eq!(record_batch(&mut scan, 7, 2, 3), [1, 3]);
        // Another export running at the same time is tracked apart.
        assert_eq!(record_batch(&mut scan, -4, 1, 2), [2]);
        assert_eq!(record_batch(&mut scan, 7, 1, 3), [1, 2, 3]);
        // Complete: forgotten, so scanning it again starts over.
        assert_eq!(record_batch(&mut scan, 7, 1, 3), [2]);
        // A different size under the same id is another export.
        assert_eq!(record_batch(&mut scan, -4, 0, 5), [1]);
        // A single-batch export is complete at once.
        assert_eq!(record_batch(&mut scan, 9, 0, 1), [1]);
        assert!(!scan.exports.contains_key(&9));
    }

    /// A pasted batch and scanned ones are one export's progress: the paste box and the
    /// scanner read through `read_intake` and share one tracker.
    #[test]
    fn pasted_and_scanned_batches_share_progress() {
        let accounts: Vec<Account> = (1..=5u8)
            .map(|i| {
                let secret = Secret::from_bytes(vec![i; 20]).unwrap();
                Account::totp("Example", format!("user{i}"), secret)
            })
            .collect();
        let export = encode_migration(&accounts, 2, 31);
        assert_eq!(export.uris.len(), 3);
        let read = |text: &str| match crate::read_intake(text) {
            crate::Intake::Migration(batch) => batch,
            other => panic!("an export batch, not {other:?}"),
        };
        let mut tracker = BatchTracker::default();

        // Batch 2 pasted, with the spaces and line break a paste brings along.
        let pasted = read(&format!("  {}\n", *export.uris[1]));
        assert_eq!(
            tracker.record(&pasted),
            BatchProgress {
                batch: 2,
                size: 3,
                seen: vec![2]
            }
        );
        // Batch 3 scanned: the paste counts.
        let scanned = tracker.record(&read(&export.uris[2]));
        assert_eq!((scanned.batch, scanned.seen.as_slice()), (3, &[2, 3][..]));
        assert!(!scanned.is_complete());
        // Batch 1 pasted again, case changed: the export is complete and forgotten.
        let upper = export.uris[0].replacen("otpauth-migration", "OTPAUTH-MIGRATION", 1);
        let last = tracker.record(&read(&upper));
        assert_eq!(
            last,
            BatchProgress {
                batch: 1,
                size: 3,
                seen: vec![1, 2, 3]
            }
        );
        assert!(last.is_complete());
        assert!(tracker.exports.is_empty());
    }

    #[test]
    fn clear_forgets_every_export() {
        let mut tracker = BatchTracker::default();
        assert_eq!(record_batch(&mut tracker, 1, 0, 2), [1]);
        tracker.clear();
        assert_eq!(record_batch(&mut tracker, 1, 1, 2), [2]);
    }

    /// A malformed index past the end still completes the export instead of overflowing.
    #[test]
    fn an_index_past_the_end_counts_as_the_last_batch() {
        let mut tracker = BatchTracker::default();
        assert_eq!(record_batch(&mut tracker, 5, 0, 2), [1]);
        let batch = MigrationBatch {
            accounts: Vec::new(),
            skipped: Vec::new(),
            batch_index: u32::MAX,
            batch_size: 2,
            batch_id: 5,
        };
        let progress = tracker.record(&batch);
        assert_eq!((progress.batch, progress.seen), (u32::MAX, vec![1, 2]));
    }

    /// Every field of the payload, including an MD5 entry that must be skipped, not fatal.
    #[test]
    fn decodes_handmade_payload_with_every_field() {
        let payload = proto::MigrationPayload {
            otp_parameters: vec![
                proto::OtpParameters {
                    secret: b"12345678901234567890".to_vec(),
                    name: "Example:alice@example.com".into(),
                    issuer: "Example".into(),
                    algorithm: 1,
                    digits: 1,
                    r#type: 2,
                    counter: 0,
                },
                proto::OtpParameters {
                    secret: b"abcdefghij".to_vec(),
                    name: "bob".into(),
                    issuer: "Counter Corp".into(),
                    algorithm: 3,
                    digits: 2,
                    r#type: 1,
                    counter: 42,
                },
                proto::OtpParameters {
                    secret: b"abcdefghij".to_vec(),
                    name: "legacy".into(),
                    issuer: "".into(),
                    algorithm: 4,
                    digits: 1,
                    r#type: 2,
                    counter: 0,
                },
            ],
            version: 1,
            batch_size: 3,
            batch_index: 1,
            batch_id: -1_234_567,
        };
        let data = base64::engine::general_purpose::STANDARD.encode(payload.encode_to_vec());
        let uri = format!(
            "otpauth-migration://offline?data={}",
            utf8_percent_encode(&data, NON_ALPHANUMERIC)
        );
        let batch = decode_migration(&uri).unwrap();
        assert_eq!(
            (batch.batch_index, batch.batch_size, batch.batch_id),
            (1, 3, -1_234_567)
        );
        assert_eq!(batch.accounts.len(), 2);
        let alice = &batch.accounts[0];
        assert_eq!(
            (alice.issuer.as_str(), alice.name.as_str()),
            ("Example", "alice@example.com")
        );
        assert_eq!(
            (alice.kind, alice.algorithm, alice.digits),
            (Kind::Totp { period: 30 }, Algorithm::Sha1, 6)
        );
        assert_eq!(alice.secret.expose(), b"12345678901234567890");
        let bob = &batch.accounts[1];
        assert_eq!(
            (bob.kind, bob.algorithm, bob.digits),
            (Kind::Hotp { counter: 42 }, Algorithm::Sha512, 8)
        );
        assert_eq!(
            batch.skipped,
            vec![SkippedEntry {
                index: 2,
                label: "legacy".into(),
                reason: EntryError::Algorithm(4)
            }]
        );
    }

    /// Bytes assembled by hand from the protobuf wire format (not by our encoder): the Key Uri
    /// Format's example account, as Google Authenticator would export it.
    #[test]
    fn decodes_google_key_uri_example_export() {
        let batch = decode_migration(
            "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC",
        )
        .unwrap();
        assert_eq!(batch.accounts.len(), 1);
        let a = &batch.accounts[0];
        assert_eq!(&*a.secret.to_base32(), "JBSWY3DPEHPK3PXP");
        assert_eq!(
            (a.issuer.as_str(), a.name.as_str()),
            ("Example", "alice@google.com")
        );
        assert_eq!(a.kind, Kind::Totp { period: 30 });
        assert_eq!((batch.batch_index, batch.batch_size), (0, 1));
    }

    #[test]
    fn encode_then_decode_in_batches() {
        let accounts: Vec<Account> = (0..23u8)
            .map(|i| {
                let mut a = Account::totp(
                    format!("Issuer {i}"),
                    format!("user{i}@example.com"),
                    Secret::from_bytes(vec![i + 1; 20]).unwrap(),
                );
                if i % 3 == 0 {
                    a.kind = Kind::Hotp {
                        counter: u64::from(i) * 1000,
                    };
                }
                if i % 4 == 0 {
                    a.algorithm = Algorithm::Sha256;
                    a.digits = 8;
                }
                a
            })
            .collect();
        let export = encode_migration(&accounts, DEFAULT_BATCH_SIZE, 77);
        assert!(export.left_out.is_empty());
        assert_eq!(export.uris.len(), 3);
        let mut decoded = Vec::new();
        for (index, uri) in export.uris.iter().enumerate() {
            let batch = decode_migration(uri).unwrap();
            assert_eq!(
                (batch.batch_index, batch.batch_size, batch.batch_id),
                (index as u32, 3, 77)
            );
            assert!(batch.skipped.is_empty());
            decoded.extend(batch.accounts);
        }
        assert_eq!(decoded, accounts);
    }

    #[test]
    fn export_leaves_out_what_the_format_cannot_hold() {
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let mut seven = Account::totp("A", "seven", secret.clone());
        seven.digits = 7;
        let mut sixty = Account::totp("B", "sixty", secret.clone());
        sixty.kind = Kind::Totp { period: 60 };
        let steam = Account::steam("Steam", "s", secret.clone());
        let fine = Account::totp("C", "fine", secret);
        let export = encode_migration(&[seven, sixty, steam, fine.clone()], 10, 1);
        assert_eq!(
            export.left_out,
            vec![
                (0, ExportLimit::Digits(7)),
                (1, ExportLimit::Period(60)),
                (2, ExportLimit::Steam)
            ]
        );
        let batch = decode_migration(&export.uris[0]).unwrap();
        assert_eq!(batch.accounts, vec![fine]);
    }

    #[test]
    fn malformed_exports_get_specific_errors() {
        assert_eq!(
            decode_migration("otpauth://totp/x?secret=A"),
            Err(MigrationError::NotMigration)
        );
        assert_eq!(
            decode_migration("otpauth-migration://offline"),
            Err(MigrationError::MissingData)
        );
        assert_eq!(
            decode_migration("otpauth-migration://offline?data="),
            Err(MigrationError::MissingData)
        );
        assert_eq!(
            decode_migration("otpauth-migration://offline?data=%%%"),
            Err(MigrationError::Base64)
        );
        assert_eq!(
            decode_migration("otpauth-migration://offline?data=!!!!"),
            Err(MigrationError::Base64)
        );
        // Valid base64 of bytes that are not a payload (a field with wire type 7).
        assert_eq!(
            decode_migration("otpauth-migration://offline?data=D%2F%2F%2F"),
            Err(MigrationError::Protobuf)
        );
    }

    #[test]
    fn tolerates_spaces_for_plus_and_missing_padding() {
        let account = Account::totp("Iss", "n", Secret::from_bytes(vec![0xfb; 20]).unwrap());
        let export = encode_migration(std::slice::from_ref(&account), 10, 0);
        let uri = percent_decode_str(&export.uris[0])
            .decode_utf8()
            .unwrap()
            .into_owned();
        let mangled = uri.replace('+', " ").trim_end_matches('=').to_owned();
        assert_eq!(decode_migration(&mangled).unwrap().accounts, vec![account]);
    }
}
