//! What the vault holds: entries in the person's order, and tombstones for merging copies.

use std::collections::hash_map::Entry as MapEntry;
use std::collections::{HashMap, HashSet};

use countersign_otp::{Account, Kind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{Error, Result};

/// How long a tombstone is kept: 90 days. A copy of the vault last synced longer ago than this
/// could bring a deleted account back, so the time is far longer than any sync delay.
pub const TOMBSTONE_LIFETIME_MS: u64 = 90 * 24 * 60 * 60 * 1000;

/// One account in the vault, with the identity and times that let two copies be merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Stable for the entry's whole life, on every device.
    pub id: Uuid,
    /// When it was added (Unix time, milliseconds).
    pub created_ms: u64,
    /// When the account was last changed (edit, HOTP counter). Merging keeps the newest.
    pub modified_ms: u64,
    /// When a code was last used (copied or typed); not a modification.
    #[serde(default)]
    pub last_used_ms: Option<u64>,
    /// The account itself.
    pub account: Account,
}

/// The mark a deleted entry leaves, so a merge with an older copy does not bring it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    /// The deleted entry's id.
    pub id: Uuid,
    /// When it was deleted (Unix time, milliseconds).
    pub deleted_ms: u64,
    /// The highest HOTP counter the deleted entry reached, should an edit made elsewhere after
    /// the deletion bring it back: its used codes must not come back with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotp_counter: Option<u64>,
}

/// Whether an account is new to a vault, as [`Payload::sort_new`] tells it.
///
/// Decided by secret alone: issuers and names are often renamed, the secret never is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Novelty {
    /// Neither the vault nor an earlier account of the list has its secret: adding adds it.
    New,
    /// The vault already has its secret, in the entry with this id.
    InVault(Uuid),
    /// The earlier account of the list at this position, from 0 (a [`Novelty::New`] one), has
    /// its secret.
    Repeat(usize),
}

/// The decrypted contents of a vault.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// Entries in the person's order.
    pub entries: Vec<Entry>,
    /// When the person last reordered the entries (Unix time, milliseconds; 0 if never).
    #[serde(default)]
    pub order_modified_ms: u64,
    /// Deleted entries.
    #[serde(default)]
    pub tombstones: Vec<Tombstone>,
}

impl Payload {
    /// The entry with this id.
    pub fn entry(&self, id: Uuid) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.id == id)
    }

    pub(crate) fn entry_mut(&mut self, id: Uuid) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|entry| entry.id == id)
    }

    /// Adds a new entry for `account` at the end, modified at `now_ms`; returns its id.
    /// Does not check for duplicates: [`Payload::sort_new`] tells them.
    pub fn push(&mut self, account: Account, now_ms: u64) -> Uuid {
        let id = Uuid::new_v4();
        self.entries.push(Entry {
            id,
            created_ms: now_ms,
            modified_ms: now_ms,
            last_used_ms: None,
            account,
        });
        id
    }

    /// Replaces an entry's account (an edit), modified at `now_ms`, or just after its previous
    /// modification should the clock have gone back.
    pub fn edit(&mut self, id: Uuid, account: Account, now_ms: u64) -> Result<()> {
        let entry = self.entry_mut(id).ok_or(Error::NotFound(id))?;
        entry.account = account;
        entry.modified_ms = later(now_ms, entry.modified_ms);
        Ok(())
    }

    /// Deletes an entry, leaving a tombstone later than its last modification, so that merging
    /// with an older copy does not bring it back.
    pub fn delete(&mut self, id: Uuid, now_ms: u64) -> Result<Entry> {
        let index = self
            .entries
            .iter()
            .position(|entry| entry.id == id)
            .ok_or(Error::NotFound(id))?;
        let entry = self.entries.remove(index);
        self.tombstones.push(Tombstone {
            id,
            deleted_ms: later(now_ms, entry.modified_ms),
            hotp_counter: hotp_counter(&entry),
        });
        Ok(entry)
    }

    /// Puts the listed entries first, in this order; the others follow in their current order.
    /// Ids it does not hold are skipped.
    pub fn reorder(&mut self, order: &[Uuid], now_ms: u64) {
        let mut rest = std::mem::take(&mut self.entries);
        for id in order {
            if let Some(index) = rest.iter().position(|entry| entry.id == *id) {
                self.entries.push(rest.remove(index));
            }
        }
        self.entries.append(&mut rest);
        self.order_modified_ms = later(now_ms, self.order_modified_ms);
    }

    /// Advances an HOTP entry's counter by one (a modification); returns the new counter.
    pub fn advance_hotp(&mut self, id: Uuid, now_ms: u64) -> Result<u64> {
        let entry = self.entry_mut(id).ok_or(Error::NotFound(id))?;
        let Kind::Hotp { counter } = &mut entry.account.kind else {
            return Err(Error::NotHotp);
        };
        *counter = counter.saturating_add(1);
        let counter = *counter;
        entry.modified_ms = later(now_ms, entry.modified_ms);
        Ok(counter)
    }

    /// Whether `other` holds the same entries (each the same, whatever their order), the same
    /// deletions and the same reordering time: what decides whether a merge added anything.
    pub fn same_content(&self, other: &Payload) -> bool {
        let entries = |payload: &Payload| -> HashMap<Uuid, Entry> {
            payload
                .entries
                .iter()
                .map(|entry| (entry.id, entry.clone()))
                .collect()
        };
        let tombstones = |payload: &Payload| -> HashSet<(Uuid, u64)> {
            payload
                .tombstones
                .iter()
                .map(|tombstone| (tombstone.id, tombstone.deleted_ms))
                .collect()
        };
        self.order_modified_ms == other.order_modified_ms
            && self.entries.len() == other.entries.len()
            && entries(self) == entries(other)
            && tombstones(self) == tombstones(other)
    }

    /// Drops the tombstones older than [`TOMBSTONE_LIFETIME_MS`] at `now_ms`, so that they do
    /// not pile up forever.
    pub fn expire_tombstones(&mut self, now_ms: u64) {
        self.tombstones.retain(|tombstone| {
            tombstone.deleted_ms.saturating_add(TOMBSTONE_LIFETIME_MS) > now_ms
        });
    }

    /// The entry whose account has this secret (duplicates are detected by secret).
    pub fn find_secret(&self, account: &Account) -> Option<&Entry> {
        let secret = account.secret.expose();
        self.entries
            .iter()
            .find(|entry| entry.account.secret.expose() == secret)
    }

    /// Which of `accounts` adding would add, and which the vault or an earlier account of the
    /// list already has: one [`Novelty`] per account, in order. Changes nothing.
    pub fn sort_new<'a>(&self, accounts: impl IntoIterator<Item = &'a Account>) -> Vec<Novelty> {
        // Borrowed secrets: no copies to wipe afterwards. Reversed so that, should two entries
        // share a secret (merged copies), the first wins, as in `find_secret`.
        let in_vault: HashMap<&[u8], Uuid> = self
            .entries
            .iter()
            .rev()
            .map(|entry| (entry.account.secret.expose(), entry.id))
            .collect();
        let mut first_in_list: HashMap<&[u8], usize> = HashMap::new();
        accounts
            .into_iter()
            .enumerate()
            .map(|(index, account)| {
                let secret = account.secret.expose();
                if let Some(existing) = in_vault.get(secret) {
                    return Novelty::InVault(*existing);
                }
                match first_in_list.entry(secret) {
                    MapEntry::Occupied(first) => Novelty::Repeat(*first.get()),
                    MapEntry::Vacant(slot) => {
                        slot.insert(index);
                        Novelty::New
                    }
                }
            })
            .collect()
    }
}

/// A time for a change that must sort after `previous`, even if the clock (`now_ms`) went
/// backwards.
pub(crate) fn later(now_ms: u64, previous: u64) -> u64 {
    now_ms.max(previous.saturating_add(1))
}

/// Merges two copies of one vault (e.g. edited on two machines and synced).
///
/// Per id: the entry with the newest `modified_ms` wins whole (entries carry one modification
/// time, not one per field); `last_used_ms` is the latest of both; an HOTP counter never goes
/// backwards when both sides hold the same secret. A tombstone removes every version modified
/// at or before its time (nothing comes back from an older copy), and gives way to an edit made
/// after it. The order is the more recently reordered side's, followed by entries only the
/// other side has, in its order; every id appears once. docs/vault-format.md has the rules.
pub fn merge(a: &Payload, b: &Payload) -> Payload {
    let mut deleted: HashMap<Uuid, Tombstone> = HashMap::new();
    for tombstone in a.tombstones.iter().chain(&b.tombstones) {
        deleted
            .entry(tombstone.id)
            .and_modify(|known| {
                known.deleted_ms = known.deleted_ms.max(tombstone.deleted_ms);
                known.hotp_counter = known.hotp_counter.max(tombstone.hotp_counter);
            })
            .or_insert(*tombstone);
    }

    let b_by_id: HashMap<Uuid, &Entry> = b.entries.iter().map(|entry| (entry.id, entry)).collect();
    let a_by_id: HashMap<Uuid, &Entry> = a.entries.iter().map(|entry| (entry.id, entry)).collect();
    let mut merged: HashMap<Uuid, Entry> = HashMap::new();
    for (id, entry) in &a_by_id {
        merged.insert(*id, combine(Some(entry), b_by_id.get(id).copied()));
    }
    for (id, entry) in &b_by_id {
        if !merged.contains_key(id) {
            merged.insert(*id, combine(None, Some(entry)));
        }
    }
    merged.retain(|id, entry| {
        let Some(tombstone) = deleted.get_mut(id) else {
            return true;
        };
        if entry.modified_ms > tombstone.deleted_ms {
            // Edited after its deletion: it survives, with every code used before it.
            if let Kind::Hotp { counter } = &mut entry.account.kind {
                *counter = (*counter).max(tombstone.hotp_counter.unwrap_or(0));
            }
            return true;
        }
        tombstone.hotp_counter = tombstone.hotp_counter.max(hotp_counter(entry));
        false
    });
    // An entry edited after its deletion survives; its tombstone has served its purpose.
    deleted.retain(|id, _| !merged.contains_key(id));

    let (first, second) = if b.order_modified_ms > a.order_modified_ms {
        (b, a)
    } else {
        (a, b)
    };
    let mut seen = HashSet::new();
    let mut entries = Vec::with_capacity(merged.len());
    for entry in first.entries.iter().chain(&second.entries) {
        if seen.insert(entry.id)
            && let Some(entry) = merged.remove(&entry.id)
        {
            entries.push(entry);
        }
    }

    let mut tombstones: Vec<Tombstone> = deleted.into_values().collect();
    tombstones.sort_by_key(|tombstone| (tombstone.deleted_ms, tombstone.id));
    Payload {
        entries,
        order_modified_ms: a.order_modified_ms.max(b.order_modified_ms),
        tombstones,
    }
}

/// The entry's HOTP counter, if it is an HOTP entry.
fn hotp_counter(entry: &Entry) -> Option<u64> {
    match entry.account.kind {
        Kind::Hotp { counter } => Some(counter),
        _ => None,
    }
}

/// One id's entry from both sides.
fn combine(a: Option<&Entry>, b: Option<&Entry>) -> Entry {
    let (winner, other) = match (a, b) {
        (Some(a), Some(b)) if b.modified_ms > a.modified_ms => (b, Some(a)),
        (Some(a), b) => (a, b),
        (None, Some(b)) => (b, None),
        (None, None) => unreachable!("an id comes from at least one side"),
    };
    let mut entry = winner.clone();
    if let Some(other) = other {
        entry.last_used_ms = entry.last_used_ms.max(other.last_used_ms);
        if let (Kind::Hotp { counter }, Kind::Hotp { counter: theirs }) =
            (&mut entry.account.kind, other.account.kind)
            && entry.account.secret == other.account.secret
        {
            *counter = (*counter).max(theirs);
        }
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;
    use countersign_otp::Secret;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn entry(n: u128, name: &str, modified_ms: u64) -> Entry {
        let secret = Secret::from_bytes(vec![n as u8 + 1; 10]).unwrap();
        Entry {
            id: id(n),
            created_ms: 1,
            modified_ms,
            last_used_ms: None,
            account: Account::totp("Issuer", name, secret),
        }
    }

    fn payload(entries: Vec<Entry>, tombstones: Vec<Tombstone>) -> Payload {
        Payload {
            entries,
            order_modified_ms: 0,
            tombstones,
        }
    }

    fn names(payload: &Payload) -> Vec<&str> {
        payload
            .entries
            .iter()
            .map(|e| e.account.name.as_str())
            .collect()
    }

    #[test]
    fn sort_new_tells_new_from_known_and_repeated_accounts() {
        let vault = payload(vec![entry(1, "one", 10), entry(2, "two", 10)], vec![]);
        let account = |n: u128, name: &str| entry(n, name, 0).account;
        let sorted = vault.sort_new(&[
            account(2, "two, renamed"),
            account(7, "seven"),
            account(1, "one again"),
            account(7, "seven again"),
            account(8, "eight"),
            account(7, "seven a third time"),
        ]);
        assert_eq!(
            sorted,
            [
                Novelty::InVault(id(2)),
                Novelty::New,
                Novelty::InVault(id(1)),
                Novelty::Repeat(1),
                Novelty::New,
                Novelty::Repeat(1),
            ]
        );
        assert_eq!(vault.sort_new(&[]), []);
        // Any accounts by reference: a single one, or the readable entries of a file.
        let single = account(1, "alone");
        assert_eq!(vault.sort_new([&single]), [Novelty::InVault(id(1))]);
        assert_eq!(
            payload(vec![], vec![]).sort_new(&[account(1, "one")]),
            [Novelty::New]
        );
    }

    /// Merged copies can leave two entries with one secret: the first one is named, as
    /// `find_secret` names it.
    #[test]
    fn sort_new_names_the_first_entry_with_a_secret() {
        let mut twin = entry(1, "twin", 10);
        twin.id = id(9);
        let vault = payload(vec![entry(1, "one", 10), twin], vec![]);
        let account = entry(1, "again", 0).account;
        assert_eq!(vault.sort_new([&account]), [Novelty::InVault(id(1))]);
        assert_eq!(vault.find_secret(&account).map(|e| e.id), Some(id(1)));
    }

    #[test]
    fn entries_added_on_either_side_are_all_kept() {
        let a = payload(vec![entry(1, "one", 10), entry(2, "two", 10)], vec![]);
        let b = payload(vec![entry(1, "one", 10), entry(3, "three", 20)], vec![]);
        assert_eq!(names(&merge(&a, &b)), ["one", "two", "three"]);
        assert_eq!(names(&merge(&b, &a)), ["one", "three", "two"]);
    }

    #[test]
    fn the_newest_modification_wins() {
        let a = payload(vec![entry(1, "renamed on A", 30)], vec![]);
        let b = payload(vec![entry(1, "renamed on B", 20)], vec![]);
        assert_eq!(names(&merge(&a, &b)), ["renamed on A"]);
        assert_eq!(names(&merge(&b, &a)), ["renamed on A"]);
    }

    #[test]
    fn a_tombstone_beats_older_edits_and_nothing_is_resurrected() {
        let deleted = payload(
            vec![entry(2, "kept", 5)],
            vec![Tombstone {
                id: id(1),
                deleted_ms: 50,
                hotp_counter: None,
            }],
        );
        let stale = payload(vec![entry(1, "old copy", 40), entry(2, "kept", 5)], vec![]);
        for merged in [merge(&deleted, &stale), merge(&stale, &deleted)] {
            assert_eq!(names(&merged), ["kept"]);
            assert_eq!(
                merged.tombstones,
                [Tombstone {
                    id: id(1),
                    deleted_ms: 50,
                    hotp_counter: None,
                }]
            );
            // Merging the result with the stale copy again still does not bring it back.
            assert_eq!(names(&merge(&merged, &stale)), ["kept"]);
        }
    }

    #[test]
    fn an_edit_after_the_deletion_survives() {
        let deleted = payload(
            vec![],
            vec![Tombstone {
                id: id(1),
                deleted_ms: 50,
                hotp_counter: None,
            }],
        );
        let edited = payload(vec![entry(1, "edited later", 60)], vec![]);
        let merged = merge(&deleted, &edited);
        assert_eq!(names(&merged), ["edited later"]);
        assert!(merged.tombstones.is_empty());
    }

    #[test]
    fn merging_is_idempotent() {
        let a = payload(
            vec![entry(1, "one", 10), entry(2, "two", 10)],
            vec![Tombstone {
                id: id(9),
                deleted_ms: 3,
                hotp_counter: None,
            }],
        );
        assert_eq!(merge(&a, &a), a);
    }

    #[test]
    fn usage_times_combine_and_hotp_counters_never_go_back() {
        let mut a = entry(1, "hotp", 10);
        a.account.kind = Kind::Hotp { counter: 40 };
        a.last_used_ms = Some(500);
        let mut b = a.clone();
        b.modified_ms = 20;
        b.account.kind = Kind::Hotp { counter: 12 };
        b.account.note = "newer note".into();
        b.last_used_ms = Some(100);
        let merged = merge(&payload(vec![a], vec![]), &payload(vec![b], vec![]));
        let only = &merged.entries[0];
        assert_eq!(only.account.note, "newer note");
        assert_eq!(only.account.kind, Kind::Hotp { counter: 40 });
        assert_eq!(only.last_used_ms, Some(500));
    }

    #[test]
    fn a_deletion_keeps_the_hotp_counter_for_an_edit_that_brings_the_account_back() {
        let mut hotp = entry(1, "hotp", 10);
        hotp.account.kind = Kind::Hotp { counter: 7 };
        let mut here = payload(vec![hotp.clone()], vec![]);
        here.advance_hotp(id(1), 20).unwrap();
        here.delete(id(1), 30).unwrap();
        assert_eq!(here.tombstones[0].hotp_counter, Some(8));
        // Elsewhere the old copy (counter 7) was edited after the deletion.
        let mut there = payload(vec![hotp], vec![]);
        let mut renamed = there.entries[0].account.clone();
        renamed.name = "renamed later".into();
        there.edit(id(1), renamed, 40).unwrap();
        for merged in [merge(&here, &there), merge(&there, &here)] {
            assert_eq!(names(&merged), ["renamed later"]);
            assert_eq!(merged.entries[0].account.kind, Kind::Hotp { counter: 8 });
            assert!(merged.tombstones.is_empty());
        }
        // A tombstone that wins takes the higher counter of the version it removes.
        let mut used = payload(vec![entry(2, "x", 5)], vec![]);
        used.entries[0].account.kind = Kind::Hotp { counter: 50 };
        let deleted = payload(
            vec![],
            vec![Tombstone {
                id: id(2),
                deleted_ms: 6,
                hotp_counter: Some(3),
            }],
        );
        assert_eq!(merge(&used, &deleted).tombstones[0].hotp_counter, Some(50));
    }

    #[test]
    fn tombstones_expire_after_90_days() {
        let mut vault = payload(vec![entry(1, "one", 10), entry(2, "two", 10)], vec![]);
        vault.delete(id(1), 1_000).unwrap();
        vault.expire_tombstones(1_000 + TOMBSTONE_LIFETIME_MS - 1);
        assert_eq!(vault.tombstones.len(), 1);
        vault.expire_tombstones(1_000 + TOMBSTONE_LIFETIME_MS);
        assert!(vault.tombstones.is_empty());
    }

    #[test]
    fn changes_move_times_forward_even_when_the_clock_goes_back() {
        let mut vault = payload(vec![entry(1, "one", 100)], vec![]);
        let account = vault.entries[0].account.clone();
        vault.edit(id(1), account, 50).unwrap();
        assert_eq!(vault.entries[0].modified_ms, 101);
        vault.reorder(&[id(1)], 7);
        assert_eq!(vault.order_modified_ms, 7);
        assert_eq!(
            vault.advance_hotp(id(1), 200).unwrap_err().kind(),
            "not_hotp"
        );
        assert_eq!(vault.delete(id(1), 60).unwrap().id, id(1));
        assert_eq!(vault.tombstones[0].deleted_ms, 102);
        assert_eq!(vault.delete(id(1), 60).unwrap_err().kind(), "not_found");
    }

    #[test]
    fn same_content_ignores_the_order_of_entries_only() {
        let a = payload(vec![entry(1, "one", 1), entry(2, "two", 1)], vec![]);
        let mut b = payload(vec![entry(2, "two", 1), entry(1, "one", 1)], vec![]);
        assert!(a.same_content(&b));
        b.entries[0].modified_ms = 2;
        assert!(!a.same_content(&b));
        let mut c = a.clone();
        c.order_modified_ms = 3;
        assert!(!a.same_content(&c));
    }

    #[test]
    fn the_more_recent_order_wins() {
        let mut a = payload(vec![entry(1, "one", 1), entry(2, "two", 1)], vec![]);
        let mut b = payload(vec![entry(2, "two", 1), entry(1, "one", 1)], vec![]);
        a.order_modified_ms = 5;
        b.order_modified_ms = 9;
        assert_eq!(names(&merge(&a, &b)), ["two", "one"]);
        assert_eq!(merge(&a, &b).order_modified_ms, 9);
        b.order_modified_ms = 1;
        assert_eq!(names(&merge(&b, &a)), ["one", "two"]);
    }

    #[test]
    fn json_shape_is_stable() {
        let mut e = entry(1, "alice", 2);
        e.account.secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let json = serde_json::to_string(&payload(vec![e], vec![])).unwrap();
        assert_eq!(
            json,
            r#"{"entries":[{"id":"00000000-0000-0000-0000-000000000001","created_ms":1,"modified_ms":2,"last_used_ms":null,"account":{"issuer":"Issuer","name":"alice","secret":"JBSWY3DPEHPK3PXP","type":"totp","period":30,"algorithm":"SHA1","digits":6,"note":"","group":null,"favourite":false,"icon":null,"time_offset":0}}],"order_modified_ms":0,"tombstones":[]}"#
        );
        let back: Payload = serde_json::from_str(&json).unwrap();
        assert_eq!(back.entries[0].account.name, "alice");
    }
}
