//! An account's backup codes in the vault: each code with what happened to it and when, so that
//! copies edited on two machines merge code by code.

use std::cmp::Ordering;

use countersign_otp::BackupCode;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Codes left at or below which the person is warned to get new ones.
pub const BACKUP_CODES_LOW: usize = 2;

/// One backup code of an account and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredBackupCode {
    /// The code as the site printed it.
    pub code: BackupCode,
    /// Where it comes in the list: codes are listed, and handed out, by position.
    pub position: u32,
    /// When it was marked used (Unix time, milliseconds); `None` while unused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_ms: Option<u64>,
    /// Whether the list it belonged to was removed. Kept, so that merging a copy made before
    /// the removal does not bring it back.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub removed: bool,
    /// When this code's state was last written: merging keeps the later state of each code.
    pub changed_ms: u64,
}

impl StoredBackupCode {
    /// Whether the code is still listed (not removed) and unused.
    pub fn is_left(&self) -> bool {
        !self.removed && self.used_ms.is_none()
    }

    /// Orders two states of one code: the later write wins; for two written at the same
    /// millisecond, a fixed order of their contents, so that which copy is merged first does
    /// not matter.
    fn precedence(&self, other: &StoredBackupCode) -> Ordering {
        (self.changed_ms, self.removed, self.used_ms, self.position)
            .cmp(&(
                other.changed_ms,
                other.removed,
                other.used_ms,
                other.position,
            ))
            .then_with(|| self.code.as_str().cmp(other.code.as_str()))
    }
}

/// Puts codes in list order: by position, then (two copies added codes at once) by key.
pub(crate) fn sort(codes: &mut [StoredBackupCode]) {
    codes.sort_by(|a, b| {
        a.position
            .cmp(&b.position)
            .then_with(|| a.code.key().as_str().cmp(b.code.key().as_str()))
    });
}

/// Merges two copies of an account's codes: every code either has, each in the state written
/// last (a use on one machine and a use of another code on the other both stay; an undo is a
/// later write of that code).
pub(crate) fn merge(a: &[StoredBackupCode], b: &[StoredBackupCode]) -> Vec<StoredBackupCode> {
    // A few dozen codes at most: a linear search keeps the keys in zeroizing memory.
    let mut merged: Vec<(Zeroizing<String>, StoredBackupCode)> = Vec::new();
    for code in a.iter().chain(b) {
        let key = code.code.key();
        match merged.iter_mut().find(|(known, _)| *known == key) {
            Some((_, known)) if code.precedence(known).is_gt() => *known = code.clone(),
            Some(_) => {}
            None => merged.push((key, code.clone())),
        }
    }
    let mut merged: Vec<StoredBackupCode> = merged.into_iter().map(|(_, code)| code).collect();
    sort(&mut merged);
    merged
}

/// What adding a list of codes did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddedCodes {
    /// Codes added (or listed again after a removal).
    pub added: usize,
    /// Codes the account already lists, left as they are (used or not).
    pub already_listed: usize,
}

/// Adds codes at the end of the list, at `now_ms`. A code the list already holds stays as it
/// is; one of a removed list is listed again, unused.
pub(crate) fn add(
    codes: &mut Vec<StoredBackupCode>,
    new: Vec<BackupCode>,
    now_ms: u64,
) -> AddedCodes {
    let mut report = AddedCodes::default();
    let mut next = codes.iter().map(|c| c.position + 1).max().unwrap_or(0);
    for code in new {
        let key = code.key();
        match codes.iter_mut().find(|known| known.code.key() == key) {
            Some(known) if !known.removed => report.already_listed += 1,
            Some(known) => {
                *known = StoredBackupCode {
                    code,
                    position: next,
                    used_ms: None,
                    removed: false,
                    changed_ms: now_ms.max(known.changed_ms + 1),
                };
                next += 1;
                report.added += 1;
            }
            None => {
                codes.push(StoredBackupCode {
                    code,
                    position: next,
                    used_ms: None,
                    removed: false,
                    changed_ms: now_ms,
                });
                next += 1;
                report.added += 1;
            }
        }
    }
    sort(codes);
    report
}

/// The listed codes (not removed), in order: what a summary counts and an index points into.
pub fn listed(codes: &[StoredBackupCode]) -> impl Iterator<Item = &StoredBackupCode> {
    codes.iter().filter(|code| !code.removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(
        code: &str,
        position: u32,
        used_ms: Option<u64>,
        changed_ms: u64,
    ) -> StoredBackupCode {
        StoredBackupCode {
            code: BackupCode::new(code).unwrap(),
            position,
            used_ms,
            removed: false,
            changed_ms,
        }
    }

    #[test]
    fn uses_of_different_codes_on_two_machines_both_stay() {
        let base = vec![
            stored("1111 1111", 0, None, 10),
            stored("2222 2222", 1, None, 10),
            stored("3333 3333", 2, None, 10),
        ];
        let mut a = base.clone();
        a[0].used_ms = Some(20);
        a[0].changed_ms = 20;
        let mut b = base.clone();
        b[1].used_ms = Some(30);
        b[1].changed_ms = 30;
        let ab = merge(&a, &b);
        assert_eq!(ab, merge(&b, &a));
        let used: Vec<Option<u64>> = ab.iter().map(|c| c.used_ms).collect();
        assert_eq!(used, [Some(20), Some(30), None]);
    }

    #[test]
    fn an_undo_is_a_later_write_and_wins() {
        let mut used = vec![stored("1111 1111", 0, Some(20), 20)];
        let undone = vec![stored("11111111", 0, None, 25)];
        assert_eq!(merge(&used, &undone)[0].used_ms, None);
        assert_eq!(merge(&undone, &used)[0].used_ms, None);
        used[0].changed_ms = 26;
        assert_eq!(merge(&undone, &used)[0].used_ms, Some(20));
    }

    #[test]
    fn adding_keeps_what_is_listed_and_lists_removed_codes_again() {
        let mut codes = vec![stored("aaaa-aaaa", 0, Some(5), 5)];
        codes.push(StoredBackupCode {
            removed: true,
            ..stored("bbbb-bbbb", 1, None, 6)
        });
        let new = ["AAAA AAAA", "bbbb-bbbb", "cccc-cccc"]
            .map(|c| BackupCode::new(c).unwrap())
            .to_vec();
        let report = add(&mut codes, new, 7);
        assert_eq!(
            report,
            AddedCodes {
                added: 2,
                already_listed: 1
            }
        );
        let listed: Vec<(&str, u32, Option<u64>)> = listed(&codes)
            .map(|c| (c.code.as_str(), c.position, c.used_ms))
            .collect();
        assert_eq!(
            listed,
            [
                ("aaaa-aaaa", 0, Some(5)),
                ("bbbb-bbbb", 2, None),
                ("cccc-cccc", 3, None)
            ]
        );
    }
}
