//! Backup (recovery) codes as sites print them: the one-time codes handed out when two-factor
//! sign-in is turned on, read from the block a person pastes.
//!
//! ```
//! use countersign_otp::parse_backup_codes;
//! let block = "SAVE YOUR BACKUP CODES\n1. 1234 5678\t\t2. 2345 6789\n3. 1234-5678\n";
//! let parsed = parse_backup_codes(block).unwrap();
//! assert_eq!(parsed.codes.len(), 2);
//! assert_eq!(parsed.codes[0].as_str(), "1234 5678");
//! assert_eq!(parsed.duplicates, 1);
//! ```

use std::fmt;

use zeroize::Zeroizing;

/// Largest block read, in bytes: far above any site's list, low enough to bound the work.
pub const MAX_BACKUP_CODES_INPUT: usize = 64 * 1024;

/// Fewest letters and digits in one code: shorter runs are numbering or noise, not codes.
const MIN_CODE_LEN: usize = 6;

/// Most letters and digits in one code (a 32-character Bitwarden recovery code, with room).
const MAX_CODE_LEN: usize = 64;

/// Words that only headings and instructions around a list of codes have, never a code: a line
/// holding one is skipped. Compared case-insensitively, as whole words.
const HEADING_WORDS: &[&str] = &[
    "account",
    "authentication",
    "backup",
    "code",
    "codes",
    "generated",
    "keep",
    "recovery",
    "save",
    "these",
    "this",
    "use",
    "your",
];

/// One backup code, as the site printed it (its groups joined by one `-` or space).
///
/// Wiped from memory when dropped; `Debug` shows only its length.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct BackupCode(Zeroizing<String>);

impl BackupCode {
    /// Reads one code: letters and digits in groups joined by one `-` or space, 6 to 64 letters
    /// and digits in all.
    pub fn new(text: &str) -> Result<BackupCode, BackupCodeError> {
        let text = text.trim();
        let mut previous_separator = true;
        let mut length = 0;
        for character in text.chars() {
            if character.is_ascii_alphanumeric() {
                length += 1;
                previous_separator = false;
            } else if character == '-' || character == ' ' {
                if previous_separator {
                    return Err(BackupCodeError::Separators);
                }
                previous_separator = true;
            } else {
                return Err(BackupCodeError::Character);
            }
        }
        if previous_separator && length > 0 {
            return Err(BackupCodeError::Separators);
        }
        if !(MIN_CODE_LEN..=MAX_CODE_LEN).contains(&length) {
            return Err(BackupCodeError::Length { length });
        }
        Ok(BackupCode(Zeroizing::new(text.to_owned())))
    }

    /// The code as printed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code with case and separators taken out: two spellings of one code have one key.
    pub fn key(&self) -> Zeroizing<String> {
        Zeroizing::new(
            self.0
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect(),
        )
    }
}

impl fmt::Debug for BackupCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BackupCode(<{} characters>)", self.0.len())
    }
}

impl TryFrom<String> for BackupCode {
    type Error = BackupCodeError;

    fn try_from(text: String) -> Result<BackupCode, BackupCodeError> {
        let text = Zeroizing::new(text);
        BackupCode::new(&text)
    }
}

impl From<BackupCode> for String {
    fn from(code: BackupCode) -> String {
        code.0.as_str().to_owned()
    }
}

/// Why a piece of text is not one backup code. Says nothing of the code itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackupCodeError {
    /// A character other than a letter, a digit, `-` or a space.
    #[error("it has a character other than letters, digits, '-' and spaces")]
    Character,
    /// Two separators in a row, or one at the end.
    #[error("its groups are not joined by a single '-' or space")]
    Separators,
    /// Too few or too many letters and digits.
    #[error("it has {length} letters and digits; a backup code has 6 to 64")]
    Length {
        /// Letters and digits counted.
        length: usize,
    },
}

/// Why a pasted block gave no list of codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackupCodesError {
    /// Nothing in the block looks like a code (empty, or headings only).
    #[error("no backup code found: paste the codes one per line, as the site shows them")]
    NoCodes,
    /// A line is neither a heading nor a list of codes.
    #[error("line {line} is not a backup code: {reason}")]
    NotACode {
        /// The line, counting from 1.
        line: usize,
        /// What is wrong with it.
        reason: BackupCodeError,
    },
    /// Longer than [`MAX_BACKUP_CODES_INPUT`].
    #[error("the text is longer than {MAX_BACKUP_CODES_INPUT} bytes: not a list of backup codes")]
    TooLong,
}

/// The codes of a pasted block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedBackupCodes {
    /// Each code once, in the printed order.
    pub codes: Vec<BackupCode>,
    /// Codes left out because an earlier one was the same (compared by [`BackupCode::key`]).
    pub duplicates: usize,
}

/// Reads the block of backup codes a site shows: one code per line, or several per line
/// separated by a tab, two or more spaces or a comma (as Google, GitHub and Microsoft print
/// them); numbering ("1.", "1)", "01") taken off; blank lines and headings skipped;
/// repeated codes dropped. A line that is none of these is an error naming it.
pub fn parse_backup_codes(text: &str) -> Result<ParsedBackupCodes, BackupCodesError> {
    if text.len() > MAX_BACKUP_CODES_INPUT {
        return Err(BackupCodesError::TooLong);
    }
    let mut parsed = ParsedBackupCodes {
        codes: Vec::new(),
        duplicates: 0,
    };
    let mut keys: Vec<Zeroizing<String>> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches(['*', '•']).trim();
        if line.is_empty() || is_heading(line) {
            continue;
        }
        for piece in pieces(line) {
            let code = BackupCode::new(strip_numbering(piece)).map_err(|reason| {
                BackupCodesError::NotACode {
                    line: index + 1,
                    reason,
                }
            })?;
            let key = code.key();
            if keys.contains(&key) {
                parsed.duplicates += 1;
            } else {
                keys.push(key);
                parsed.codes.push(code);
            }
        }
    }
    if parsed.codes.is_empty() {
        return Err(BackupCodesError::NoCodes);
    }
    Ok(parsed)
}

/// Whether a line is a heading or an instruction: it ends with a colon, holds a sentence's
/// punctuation or an address, or has a word only such text has.
fn is_heading(line: &str) -> bool {
    if line.ends_with(':') || line.contains(['.', '!', '?', '@', '(', ')', '/']) {
        // Numbering ("1." "1)") also has these; a numbered line starts with a digit.
        let numbered = line.starts_with(|c: char| c.is_ascii_digit());
        if !numbered {
            return true;
        }
    }
    line.split(|c: char| !c.is_ascii_alphabetic())
        .any(|word| HEADING_WORDS.iter().any(|h| h.eq_ignore_ascii_case(word)))
}

/// The codes of one line: split at tabs, commas and runs of two or more spaces.
fn pieces(line: &str) -> impl Iterator<Item = &str> {
    line.split(['\t', ','])
        .flat_map(|part| part.split("  "))
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
}

/// Takes numbering off a code: "1. ", "1) ", "1: " or one or two digits and a space ("01 ").
fn strip_numbering(piece: &str) -> &str {
    let digits = piece.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return piece;
    }
    let rest = &piece[digits..];
    if let Some(after) = rest.strip_prefix(['.', ')', ':']) {
        return after.trim_start();
    }
    // "01 abcd-efgh": a short number and a space before a code. Not "1234 5678", whose first
    // group is four digits, nor "12 34 56", where the groups are all this short.
    if digits <= 2
        && let Some(after) = rest.strip_prefix(' ')
        && after.split([' ', '-']).next().is_some_and(|g| g.len() > 2)
    {
        return after.trim_start();
    }
    piece
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cases kept as data: blocks as sites print them and what must come out.
    const CASES: &str = include_str!("../tests/data/backup_codes.txt");

    struct Case<'a> {
        name: &'a str,
        expect: &'a str,
        block: String,
    }

    fn cases() -> Vec<Case<'static>> {
        let mut cases = Vec::new();
        for chunk in CASES.split("\n== ").skip(1) {
            let (name, rest) = chunk.split_once('\n').unwrap();
            let (expect, block) = rest.split_once('\n').unwrap_or((rest, ""));
            let block = block.replace("<TAB>", "\t");
            cases.push(Case {
                name,
                expect,
                block,
            });
        }
        cases
    }

    #[test]
    fn blocks_as_sites_print_them() {
        let cases = cases();
        assert!(cases.len() >= 12, "{} cases read", cases.len());
        for case in cases {
            let result = parse_backup_codes(&case.block);
            let got = match &result {
                Ok(parsed) => {
                    let codes: Vec<&str> = parsed.codes.iter().map(BackupCode::as_str).collect();
                    format!(
                        "codes: {} duplicates: {}",
                        codes.join(" | "),
                        parsed.duplicates
                    )
                }
                Err(BackupCodesError::NotACode { line, .. }) => format!("error: line {line}"),
                Err(BackupCodesError::NoCodes) => "error: no codes".to_owned(),
                Err(other) => format!("error: {other}"),
            };
            assert_eq!(got, case.expect, "case {:?}", case.name);
        }
    }

    #[test]
    fn keys_ignore_case_and_separators() {
        let a = BackupCode::new("ABCD-efgh").unwrap();
        let b = BackupCode::new("abcd EFGH").unwrap();
        assert_eq!(a.key(), b.key());
        assert_eq!(a.key().as_str(), "abcdefgh");
        assert_ne!(a, b, "the printed form is kept");
    }

    #[test]
    fn debug_shows_no_code() {
        let code = BackupCode::new("1234 5678").unwrap();
        let parsed = parse_backup_codes("1234 5678").unwrap();
        for shown in [format!("{code:?}"), format!("{parsed:?}")] {
            assert!(!shown.contains("1234"), "{shown}");
            assert!(shown.contains("9 characters"), "{shown}");
        }
    }

    #[test]
    fn single_codes_are_checked() {
        assert_eq!(
            BackupCode::new("abc"),
            Err(BackupCodeError::Length { length: 3 })
        );
        assert_eq!(
            BackupCode::new("abcd--efgh"),
            Err(BackupCodeError::Separators)
        );
        assert_eq!(
            BackupCode::new("abcd-efgh-"),
            Err(BackupCodeError::Separators)
        );
        assert_eq!(
            BackupCode::new("abcd_efgh"),
            Err(BackupCodeError::Character)
        );
        assert_eq!(
            BackupCode::new(&"a".repeat(65)),
            Err(BackupCodeError::Length { length: 65 })
        );
    }

    #[test]
    fn errors_name_the_line_and_never_the_text() {
        let err = parse_backup_codes("1234 5678\nabcd_efgh_ijkl\n").unwrap_err();
        assert_eq!(
            err,
            BackupCodesError::NotACode {
                line: 2,
                reason: BackupCodeError::Character
            }
        );
        let message = err.to_string();
        assert!(
            message.starts_with("line 2 is not a backup code"),
            "{message}"
        );
        assert!(!message.contains("abcd"), "{message}");
        assert_eq!(
            parse_backup_codes(&"1".repeat(MAX_BACKUP_CODES_INPUT + 1)),
            Err(BackupCodesError::TooLong)
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serialises_as_the_printed_text_and_checks_it_back() {
        let code = BackupCode::new("a1b2c-3d4e5").unwrap();
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, r#""a1b2c-3d4e5""#);
        assert_eq!(serde_json::from_str::<BackupCode>(&json).unwrap(), code);
        assert!(serde_json::from_str::<BackupCode>(r#""a b""#).is_err());
    }
}
