//! What the vault holds: entries in the person's order, and tombstones for merging copies.

use std::cmp::Ordering;
use std::collections::hash_map::Entry as MapEntry;
use std::collections::{HashMap, HashSet};

use countersign_otp::{Account, BackupCode, Kind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::backup_codes::{self, AddedCodes, StoredBackupCode};
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
    /// When the account was last changed (edit, HOTP counter): the latest of its changes.
    pub modified_ms: u64,
    /// When each field last changed, so that merging takes each from the copy that changed it
    /// last.
    #[serde(default, skip_serializing_if = "FieldTimes::is_empty")]
    pub field_ms: FieldTimes,
    /// When a code was last used (copied or typed); not a modification.
    #[serde(default)]
    pub last_used_ms: Option<u64>,
    /// The account itself.
    pub account: Account,
    /// The backup (recovery) codes the site handed out for this account, each with its state;
    /// removed ones stay (marked) so that merging does not bring them back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub backup_codes: Vec<StoredBackupCode>,
}

/// When each editable field of an entry last changed (Unix time, milliseconds).
///
/// A time is written only when it is earlier than the entry's `modified_ms`; a missing one is
/// the entry's `modified_ms`. So a new entry carries none, and an entry of a vault written
/// before these times existed merges by `modified_ms`, as it did. The HOTP counter has no time:
/// merging keeps the highest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldTimes {
    /// The account's `issuer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<u64>,
    /// The account's `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<u64>,
    /// The account's `note`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<u64>,
    /// The account's `group`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<u64>,
    /// The account's `favourite`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub favourite: Option<u64>,
    /// The account's `icon`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<u64>,
    /// The account's `time_offset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_offset: Option<u64>,
    /// The OTP parameters as one: secret, type and period, algorithm and digits, which only
    /// change together (a new secret comes with its own parameters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<u64>,
}

impl FieldTimes {
    /// Whether no time is written: every field last changed at the entry's `modified_ms`.
    pub fn is_empty(&self) -> bool {
        *self == FieldTimes::default()
    }
}

/// An editable field of an account, or the OTP parameters as one, each with its own time.
#[derive(Debug, Clone, Copy)]
enum Field {
    Issuer,
    Name,
    Note,
    Group,
    Favourite,
    Icon,
    TimeOffset,
    Otp,
}

/// Every [`Field`], in the order of the time arrays below.
const FIELDS: [Field; 8] = [
    Field::Issuer,
    Field::Name,
    Field::Note,
    Field::Group,
    Field::Favourite,
    Field::Icon,
    Field::TimeOffset,
    Field::Otp,
];

impl Field {
    fn slot(self, times: &mut FieldTimes) -> &mut Option<u64> {
        match self {
            Field::Issuer => &mut times.issuer,
            Field::Name => &mut times.name,
            Field::Note => &mut times.note,
            Field::Group => &mut times.group,
            Field::Favourite => &mut times.favourite,
            Field::Icon => &mut times.icon,
            Field::TimeOffset => &mut times.time_offset,
            Field::Otp => &mut times.otp,
        }
    }

    /// Orders the field's values in two accounts, `Equal` when it is the same: tells whether an
    /// edit changed it, and breaks ties between copies that changed it at the same time.
    fn compare(self, a: &Account, b: &Account) -> Ordering {
        match self {
            Field::Issuer => a.issuer.cmp(&b.issuer),
            Field::Name => a.name.cmp(&b.name),
            Field::Note => a.note.cmp(&b.note),
            Field::Group => a.group.cmp(&b.group),
            Field::Favourite => a.favourite.cmp(&b.favourite),
            Field::Icon => a.icon.cmp(&b.icon),
            Field::TimeOffset => a.time_offset.cmp(&b.time_offset),
            Field::Otp => {
                let (kind_a, kind_b) = (otp_kind(a.kind), otp_kind(b.kind));
                if a.secret == b.secret
                    && a.algorithm == b.algorithm
                    && a.digits == b.digits
                    && kind_a == kind_b
                {
                    return Ordering::Equal;
                }
                // Kind and Algorithm have no order; their Debug forms (no secret) give one.
                (
                    a.secret.expose(),
                    a.digits,
                    format!("{kind_a:?} {:?}", a.algorithm),
                )
                    .cmp(&(
                        b.secret.expose(),
                        b.digits,
                        format!("{kind_b:?} {:?}", b.algorithm),
                    ))
            }
        }
    }

    /// Copies the field's value from one account to another.
    fn copy(self, from: &Account, to: &mut Account) {
        match self {
            Field::Issuer => to.issuer.clone_from(&from.issuer),
            Field::Name => to.name.clone_from(&from.name),
            Field::Note => to.note.clone_from(&from.note),
            Field::Group => to.group.clone_from(&from.group),
            Field::Favourite => to.favourite = from.favourite,
            Field::Icon => to.icon.clone_from(&from.icon),
            Field::TimeOffset => to.time_offset = from.time_offset,
            Field::Otp => {
                to.secret = from.secret.clone();
                to.kind = from.kind;
                to.algorithm = from.algorithm;
                to.digits = from.digits;
            }
        }
    }
}

/// The account's kind without its HOTP counter, which is not one of the OTP parameters' unit:
/// it merges to the highest.
fn otp_kind(kind: Kind) -> Kind {
    match kind {
        Kind::Hotp { .. } => Kind::Hotp { counter: 0 },
        other => other,
    }
}

impl Entry {
    /// When this field last changed.
    fn changed_ms(&self, field: Field) -> u64 {
        let mut times = self.field_ms;
        field.slot(&mut times).unwrap_or(self.modified_ms)
    }

    /// Records a change at `now_ms` (later than every earlier one) to the fields marked in
    /// `changed` (in [`FIELDS`] order).
    fn touch(&mut self, now_ms: u64, changed: [bool; 8]) {
        let mut times = FIELDS.map(|field| self.changed_ms(field));
        for (time, changed) in times.iter_mut().zip(changed) {
            if changed {
                *time = now_ms;
            }
        }
        self.set_times(now_ms, times);
    }

    /// Sets `modified_ms` and the field times (in [`FIELDS`] order), writing only those earlier
    /// than it: one form for one set of times, so equal entries compare equal.
    fn set_times(&mut self, modified_ms: u64, times: [u64; 8]) {
        self.modified_ms = modified_ms;
        for (field, time) in FIELDS.into_iter().zip(times) {
            *field.slot(&mut self.field_ms) = (time < modified_ms).then_some(time);
        }
    }
}

/// The mark a deleted entry leaves, so a merge with an older copy does not bring it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    /// The deleted entry's id.
    pub id: Uuid,
    /// When it was deleted (Unix time, milliseconds).
    pub deleted_ms: u64,
    /// The highest HOTP counter the deleted entry reached, should an edit made elsewhere after
    /// the deletion bring it back: its used codes must not come back with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotp_counter: Option<u64>,
    /// The backup codes of the versions it removed, for the same reason: an account brought
    /// back gets them back as they were at the deletion.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub backup_codes: Vec<StoredBackupCode>,
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
            field_ms: FieldTimes::default(),
            last_used_ms: None,
            account,
            backup_codes: Vec::new(),
        });
        id
    }

    /// Replaces an entry's account (an edit), modified at `now_ms`, or just after its previous
    /// modification should the clock have gone back. Only the fields that differ get the new
    /// time, so that merging keeps another copy's later change of the others; an edit that
    /// changes nothing changes no time.
    pub fn edit(&mut self, id: Uuid, account: Account, now_ms: u64) -> Result<()> {
        let entry = self.entry_mut(id).ok_or(Error::NotFound(id))?;
        let changed = FIELDS.map(|field| field.compare(&entry.account, &account).is_ne());
        if !changed.contains(&true) && hotp_counter(&entry.account) == hotp_counter(&account) {
            return Ok(());
        }
        entry.account = account;
        entry.touch(later(now_ms, entry.modified_ms), changed);
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
            hotp_counter: hotp_counter(&entry.account),
            backup_codes: entry.backup_codes.clone(),
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
        // The counter has no field time (merging keeps the highest): no field changed.
        entry.touch(later(now_ms, entry.modified_ms), [false; 8]);
        Ok(counter)
    }

    /// Adds backup codes to an entry's list (a modification at `now_ms`): codes it already
    /// lists stay as they are, codes of a removed list are listed again, unused.
    pub fn add_backup_codes(
        &mut self,
        id: Uuid,
        codes: Vec<BackupCode>,
        now_ms: u64,
    ) -> Result<AddedCodes> {
        let entry = self.entry_mut(id).ok_or(Error::NotFound(id))?;
        let now = later(now_ms, entry.modified_ms);
        let report = backup_codes::add(&mut entry.backup_codes, codes, now);
        if report.added > 0 {
            entry.touch(now, [false; 8]);
        }
        Ok(report)
    }

    /// Hands out the entry's first unused backup code and marks it used at `now_ms`.
    /// [`Error::NoBackupCodeLeft`] when every listed code is used (or none is listed).
    pub fn use_backup_code(&mut self, id: Uuid, now_ms: u64) -> Result<BackupCode> {
        let entry = self.entry_mut(id).ok_or(Error::NotFound(id))?;
        let now = later(now_ms, entry.modified_ms);
        let code = entry
            .backup_codes
            .iter_mut()
            .find(|code| code.is_left())
            .ok_or(Error::NoBackupCodeLeft)?;
        code.used_ms = Some(now);
        code.changed_ms = now;
        let handed_out = code.code.clone();
        entry.touch(now, [false; 8]);
        Ok(handed_out)
    }

    /// Marks the listed code at `index` (in list order, removed codes not counted) used or
    /// unused (an undo), at `now_ms`. [`Error::NoSuchBackupCode`] if there is no such code;
    /// marking a code as it already is changes nothing.
    pub fn mark_backup_code(
        &mut self,
        id: Uuid,
        index: usize,
        used: bool,
        now_ms: u64,
    ) -> Result<()> {
        let entry = self.entry_mut(id).ok_or(Error::NotFound(id))?;
        let now = later(now_ms, entry.modified_ms);
        let code = entry
            .backup_codes
            .iter_mut()
            .filter(|code| !code.removed)
            .nth(index)
            .ok_or(Error::NoSuchBackupCode { index })?;
        if code.used_ms.is_some() == used {
            return Ok(());
        }
        code.used_ms = used.then_some(now);
        code.changed_ms = now;
        entry.touch(now, [false; 8]);
        Ok(())
    }

    /// Removes an entry's list of backup codes (each marked removed, for merging); returns how
    /// many were listed.
    pub fn remove_backup_codes(&mut self, id: Uuid, now_ms: u64) -> Result<usize> {
        let entry = self.entry_mut(id).ok_or(Error::NotFound(id))?;
        let now = later(now_ms, entry.modified_ms);
        let mut removed = 0;
        for code in entry.backup_codes.iter_mut().filter(|code| !code.removed) {
            code.removed = true;
            code.changed_ms = now;
            removed += 1;
        }
        if removed > 0 {
            entry.touch(now, [false; 8]);
        }
        Ok(removed)
    }

    /// Gives an entry the listed codes of another list, in their state (an account restored
    /// after its removal gets its codes back), written at `now_ms`.
    pub fn restore_backup_codes(
        &mut self,
        id: Uuid,
        codes: &[StoredBackupCode],
        now_ms: u64,
    ) -> Result<()> {
        let entry = self.entry_mut(id).ok_or(Error::NotFound(id))?;
        let now = later(now_ms, entry.modified_ms);
        let restored: Vec<StoredBackupCode> = backup_codes::listed(codes)
            .map(|code| StoredBackupCode {
                changed_ms: now,
                ..code.clone()
            })
            .collect();
        entry.backup_codes = backup_codes::merge(&entry.backup_codes, &restored);
        entry.touch(now, [false; 8]);
        Ok(())
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
/// Per id: each field (issuer, name, note, group, favourite, icon, time offset, the OTP
/// parameters as one) from the side that changed it last, `modified_ms` the latest of both;
/// `last_used_ms` is the latest of both; an HOTP counter never goes backwards when both sides
/// hold the same secret; each backup code (by its normalised text) in the state written last. A tombstone removes every version modified
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
                known.backup_codes =
                    backup_codes::merge(&known.backup_codes, &tombstone.backup_codes);
            })
            .or_insert_with(|| tombstone.clone());
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
            // Edited after its deletion: it survives, with every code used before it, as the
            // copy that was edited holds it. Its older fields count as written at the deletion,
            // so that a change made elsewhere before the deletion stays deleted, whichever
            // copy is merged first.
            if let Kind::Hotp { counter } = &mut entry.account.kind {
                *counter = (*counter).max(tombstone.hotp_counter.unwrap_or(0));
            }
            let times = FIELDS.map(|field| entry.changed_ms(field).max(tombstone.deleted_ms));
            entry.set_times(entry.modified_ms, times);
            // Its backup codes too, each in its latest state anywhere: a code used before the
            // deletion stays used.
            entry.backup_codes = backup_codes::merge(&entry.backup_codes, &tombstone.backup_codes);
            return true;
        }
        tombstone.hotp_counter = tombstone.hotp_counter.max(hotp_counter(&entry.account));
        tombstone.backup_codes = backup_codes::merge(&tombstone.backup_codes, &entry.backup_codes);
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

/// The account's HOTP counter, if it is an HOTP account.
fn hotp_counter(account: &Account) -> Option<u64> {
    match account.kind {
        Kind::Hotp { counter } => Some(counter),
        _ => None,
    }
}

/// One id's entry from both sides: each field from the side that changed it last.
fn combine(a: Option<&Entry>, b: Option<&Entry>) -> Entry {
    let (a, b) = match (a, b) {
        (Some(a), Some(b)) => (a, b),
        (Some(only), None) | (None, Some(only)) => return only.clone(),
        (None, None) => unreachable!("an id comes from at least one side"),
    };
    let mut entry = a.clone();
    let times = FIELDS.map(|field| {
        let (time_a, time_b) = (a.changed_ms(field), b.changed_ms(field));
        // Changed at the same time on both: the larger value, so that the order of the
        // copies does not matter.
        let from_b = match time_b.cmp(&time_a) {
            Ordering::Greater => true,
            Ordering::Equal => field.compare(&b.account, &a.account).is_gt(),
            Ordering::Less => false,
        };
        if from_b {
            field.copy(&b.account, &mut entry.account);
        }
        time_a.max(time_b)
    });
    entry.set_times(a.modified_ms.max(b.modified_ms), times);
    entry.created_ms = a.created_ms.min(b.created_ms);
    entry.last_used_ms = a.last_used_ms.max(b.last_used_ms);
    entry.backup_codes = backup_codes::merge(&a.backup_codes, &b.backup_codes);
    // A used code never comes back: the highest counter of the sides with the kept secret.
    if let Kind::Hotp { counter } = &mut entry.account.kind {
        for side in [a, b] {
            if let Some(theirs) = hotp_counter(&side.account)
                && side.account.secret == entry.account.secret
            {
                *counter = (*counter).max(theirs);
            }
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
            field_ms: FieldTimes::default(),
            last_used_ms: None,
            account: Account::totp("Issuer", name, secret),
            backup_codes: Vec::new(),
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
                backup_codes: Vec::new(),
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
                    backup_codes: Vec::new(),
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
                backup_codes: Vec::new(),
            }],
        );
        let edited = payload(vec![entry(1, "edited later", 60)], vec![]);
        let merged = merge(&deleted, &edited);
        assert_eq!(names(&merged), ["edited later"]);
        assert!(merged.tombstones.is_empty());
    }

    /// `entry`'s account with `change` made, edited into `vault` at `now_ms`.
    fn edit(vault: &mut Payload, n: u128, now_ms: u64, change: impl FnOnce(&mut Account)) {
        let mut account = vault.entry(id(n)).unwrap().account.clone();
        change(&mut account);
        vault.edit(id(n), account, now_ms).unwrap();
    }

    #[test]
    fn a_rename_and_another_field_changed_elsewhere_both_survive() {
        let base = payload(vec![entry(1, "one", 10)], vec![]);
        let mut a = base.clone();
        edit(&mut a, 1, 20, |account| {
            account.name = "renamed on A".into()
        });
        let mut b = base.clone();
        edit(&mut b, 1, 30, |account| {
            account.favourite = true;
            account.group = Some("Work".into());
        });
        let (ab, ba) = (merge(&a, &b), merge(&b, &a));
        assert_eq!(ab, ba);
        let merged = &ab.entries[0];
        assert_eq!(merged.account.name, "renamed on A");
        assert!(merged.account.favourite);
        assert_eq!(merged.account.group.as_deref(), Some("Work"));
        assert_eq!(merged.modified_ms, 30);
        assert_eq!(merged.changed_ms(Field::Name), 20);
        assert_eq!(merged.changed_ms(Field::Note), 10);
        // A's later note wins over B's earlier one; B's favourite stays.
        edit(&mut a, 1, 40, |account| account.note = "note on A".into());
        let merged = merge(&ab, &a);
        assert_eq!(merged.entries[0].account.note, "note on A");
        assert!(merged.entries[0].account.favourite);
        assert_eq!(merge(&merged, &b), merged);
    }

    #[test]
    fn the_later_of_two_renames_wins_and_the_secret_moves_with_its_parameters() {
        let base = payload(vec![entry(1, "one", 10)], vec![]);
        let mut a = base.clone();
        edit(&mut a, 1, 20, |account| {
            account.name = "first rename".into()
        });
        let mut b = base.clone();
        edit(&mut b, 1, 30, |account| {
            account.name = "second rename".into()
        });
        edit(&mut a, 1, 40, |account| {
            account.secret = Secret::from_bytes(vec![9; 10]).unwrap();
            account.digits = 8;
        });
        for merged in [merge(&a, &b), merge(&b, &a)] {
            let only = &merged.entries[0].account;
            assert_eq!(only.name, "second rename");
            assert_eq!((only.secret.expose(), only.digits), (&[9u8; 10][..], 8));
        }
        // Renamed on both at the same millisecond: the larger name, whichever side is first.
        let mut c = base.clone();
        edit(&mut c, 1, 30, |account| {
            account.name = "third rename".into()
        });
        assert_eq!(names(&merge(&b, &c)), ["third rename"]);
        assert_eq!(names(&merge(&c, &b)), ["third rename"]);
    }

    #[test]
    fn entries_without_field_times_merge_by_modified_ms() {
        // As a vault written before field times existed: the whole entry has one time.
        let mut old = entry(1, "old rename", 20);
        old.account.note = "old note".into();
        let json = serde_json::to_string(&payload(vec![old], vec![])).unwrap();
        assert!(!json.contains("field_ms"));
        let old: Payload = serde_json::from_str(&json).unwrap();
        let mut newer = payload(vec![entry(1, "one", 10)], vec![]);
        edit(&mut newer, 1, 30, |account| account.favourite = true);
        for merged in [merge(&old, &newer), merge(&newer, &old)] {
            let only = &merged.entries[0].account;
            assert_eq!(
                (only.name.as_str(), only.note.as_str()),
                ("old rename", "old note")
            );
            assert!(only.favourite);
        }
        // An edit of an old entry keeps the other fields at its old time.
        let mut edited = old.clone();
        edit(&mut edited, 1, 50, |account| {
            account.icon = Some("github".into())
        });
        assert_eq!(edited.entries[0].changed_ms(Field::Name), 20);
        assert_eq!(edited.entries[0].changed_ms(Field::Icon), 50);
    }

    /// Found by the property test: renamed on A, deleted on B after it, the old copy's note
    /// changed on C after that. The account comes back as C holds it, the rename gone with the
    /// deletion, whichever of B and C meets A first.
    #[test]
    fn an_account_brought_back_has_the_fields_of_the_copy_edited_after_the_deletion() {
        let base = payload(vec![entry(1, "one", 10)], vec![]);
        let mut a = base.clone();
        edit(&mut a, 1, 20, |account| {
            account.name = "renamed on A".into()
        });
        let mut b = base.clone();
        b.delete(id(1), 30).unwrap();
        let mut c = base.clone();
        edit(&mut c, 1, 40, |account| account.note = "note on C".into());
        let brought_back = merge(&b, &c);
        for merged in [
            merge(&merge(&a, &b), &c),
            merge(&brought_back, &a),
            merge(&a, &brought_back),
        ] {
            assert_eq!(merged, brought_back);
            assert_eq!(names(&merged), ["one"]);
            assert_eq!(merged.entries[0].account.note, "note on C");
            assert!(merged.tombstones.is_empty());
        }
        // Had A and C met before the deletion reached them, the rename was in the copy edited
        // after it, and stays; the copies still agree once they meet, in either order.
        let met_first = merge(&merge(&a, &c), &b);
        assert_eq!(names(&met_first), ["renamed on A"]);
        assert_eq!(
            merge(&met_first, &brought_back),
            merge(&brought_back, &met_first)
        );
    }

    #[test]
    fn an_edit_that_changes_nothing_changes_no_time() {
        let mut vault = payload(vec![entry(1, "one", 10)], vec![]);
        edit(&mut vault, 1, 20, |_| {});
        assert_eq!(vault.entries[0].modified_ms, 10);
        assert!(vault.entries[0].field_ms.is_empty());
    }

    #[test]
    fn merging_is_idempotent() {
        let a = payload(
            vec![entry(1, "one", 10), entry(2, "two", 10)],
            vec![Tombstone {
                id: id(9),
                deleted_ms: 3,
                hotp_counter: None,
                backup_codes: Vec::new(),
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
                backup_codes: Vec::new(),
            }],
        );
        assert_eq!(merge(&used, &deleted).tombstones[0].hotp_counter, Some(50));
    }

    fn codes(texts: &[&str]) -> Vec<BackupCode> {
        texts.iter().map(|t| BackupCode::new(t).unwrap()).collect()
    }

    #[test]
    fn backup_codes_are_handed_out_in_order_marked_and_removed() {
        let mut vault = payload(vec![entry(1, "one", 10)], vec![]);
        let report = vault
            .add_backup_codes(id(1), codes(&["1111 1111", "2222-2222", "11111111"]), 20)
            .unwrap();
        assert_eq!((report.added, report.already_listed), (2, 1));
        assert_eq!(vault.entries[0].modified_ms, 20, "a change of the entry");
        assert_eq!(
            vault.use_backup_code(id(1), 30).unwrap().as_str(),
            "1111 1111"
        );
        assert_eq!(
            vault.use_backup_code(id(1), 31).unwrap().as_str(),
            "2222-2222"
        );
        assert_eq!(
            vault.use_backup_code(id(1), 32).unwrap_err().kind(),
            "no_backup_code_left"
        );
        // Undo the first: it is handed out again, next.
        vault.mark_backup_code(id(1), 0, false, 40).unwrap();
        assert_eq!(vault.entries[0].backup_codes[0].used_ms, None);
        assert_eq!(vault.entries[0].backup_codes[0].changed_ms, 40);
        // Marking as it already is changes nothing.
        vault.mark_backup_code(id(1), 0, false, 45).unwrap();
        assert_eq!(vault.entries[0].modified_ms, 40);
        assert_eq!(
            vault
                .mark_backup_code(id(1), 2, true, 46)
                .unwrap_err()
                .kind(),
            "no_such_backup_code"
        );
        assert_eq!(
            vault.use_backup_code(id(1), 50).unwrap().as_str(),
            "1111 1111"
        );
        // Removed: none listed, none handed out; kept marked for merging.
        assert_eq!(vault.remove_backup_codes(id(1), 60).unwrap(), 2);
        assert_eq!(vault.remove_backup_codes(id(1), 61).unwrap(), 0);
        assert!(vault.entries[0].backup_codes.iter().all(|c| c.removed));
        assert_eq!(
            vault.use_backup_code(id(1), 62).unwrap_err().kind(),
            "no_backup_code_left"
        );
        assert_eq!(
            vault
                .add_backup_codes(id(9), codes(&["3333 3333"]), 70)
                .unwrap_err()
                .kind(),
            "not_found"
        );
    }

    #[test]
    fn a_restored_account_gets_its_codes_back_in_their_state() {
        let mut vault = payload(vec![entry(1, "one", 10)], vec![]);
        vault
            .add_backup_codes(id(1), codes(&["1111 1111", "2222 2222"]), 20)
            .unwrap();
        vault.use_backup_code(id(1), 30).unwrap();
        let deleted = vault.delete(id(1), 40).unwrap();
        assert_eq!(vault.tombstones[0].backup_codes, deleted.backup_codes);
        let account = deleted.account.clone();
        let new_id = vault.push(account, 50);
        vault
            .restore_backup_codes(new_id, &deleted.backup_codes, 50)
            .unwrap();
        let states: Vec<(&str, bool)> = vault.entries[0]
            .backup_codes
            .iter()
            .map(|c| (c.code.as_str(), c.used_ms.is_some()))
            .collect();
        assert_eq!(states, [("1111 1111", true), ("2222 2222", false)]);
    }

    /// A code used on one machine before the account was deleted on another, then the account
    /// edited on a third (an old copy) after the deletion: whichever copies meet first, the
    /// account comes back with the code used (the deletion kept it).
    #[test]
    fn codes_of_a_deleted_version_come_back_the_same_whichever_copies_meet_first() {
        let mut base = payload(vec![entry(1, "one", 10)], vec![]);
        base.add_backup_codes(id(1), codes(&["1111 1111", "2222 2222"]), 20)
            .unwrap();
        let mut a = base.clone();
        a.use_backup_code(id(1), 30).unwrap();
        let mut b = base.clone();
        b.delete(id(1), 40).unwrap();
        let mut c = base.clone();
        edit(&mut c, 1, 50, |account| account.note = "later".into());
        let orders = [
            merge(&merge(&a, &b), &c),
            merge(&merge(&b, &c), &a),
            merge(&merge(&c, &a), &b),
            merge(&a, &merge(&c, &b)),
        ];
        for merged in &orders {
            assert_eq!(merged, &orders[0]);
            let used: Vec<bool> = merged.entries[0]
                .backup_codes
                .iter()
                .map(|c| c.used_ms.is_some())
                .collect();
            assert_eq!(used, [true, false]);
            assert_eq!(merged.entries[0].account.note, "later");
        }
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
        let mut account = vault.entries[0].account.clone();
        account.name = "renamed".into();
        vault.edit(id(1), account, 50).unwrap();
        assert_eq!(vault.entries[0].modified_ms, 101);
        assert_eq!(vault.entries[0].field_ms.name, None);
        assert_eq!(vault.entries[0].field_ms.note, Some(100));
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
        // After a rename, the other fields keep their earlier time; the renamed one is the
        // entry's `modified_ms`, so it is not written.
        let mut renamed = back;
        edit(&mut renamed, 1, 5, |account| account.name = "bob".into());
        let json = serde_json::to_string(&renamed.entries[0]).unwrap();
        assert!(
            json.contains(r#""modified_ms":5,"field_ms":{"issuer":2,"note":2,"group":2,"favourite":2,"icon":2,"time_offset":2,"otp":2},"#),
            "{json}"
        );
    }
}
