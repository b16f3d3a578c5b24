//! Property test of merging: 2 or 3 replicas of one vault make random changes (add, edit,
//! delete, restore, reorder, HOTP next code; backup codes added, used, marked unused again and
//! removed) while random one-way syncs, some across a
//! partition that drops them, carry copies between them; then everything is synced.
//!
//! Afterwards every replica holds the same accounts; an account is there exactly when the last
//! change made to it anywhere was not a deletion (nothing deleted comes back unless edited
//! later, nothing edited is lost), each field of each holds the last value written to it
//! anywhere since the account's last deletion (edits of different fields on different replicas
//! all survive), and no replica ever saw an HOTP counter go back, the final one being the
//! highest reached anywhere. Each backup code of each account is in the state (unused, used,
//! removed) last written to it anywhere since the account's last deletion: uses of two codes on
//! two replicas both stay, an undo written later wins over the use.
//!
//! The changes are the vault's own (`Payload`'s methods, which `Unlocked` saves) and the merge
//! is `countersign_vault::merge`, what `Unlocked::sync` does to the copies it finds. Cases:
//! [`CASES`], or `PROPTEST_CASES`.

use std::collections::{HashMap, HashSet};

use countersign_otp::{Account, BackupCode, Kind, Secret};
use countersign_vault::{Payload, StoredBackupCode, merge};
use proptest::prelude::*;
use uuid::Uuid;

/// Cases run by default: about 2 s in a debug build.
const CASES: u32 = 10_000;

#[derive(Debug, Clone)]
enum Op {
    /// A new account (TOTP or HOTP) on a replica.
    Add { replica: usize, hotp: bool },
    /// Changes one field (see [`FIELDS`]) of the nth account of a replica.
    Edit {
        replica: usize,
        pick: usize,
        field: usize,
    },
    /// Deletes the nth account of a replica.
    Delete { replica: usize, pick: usize },
    /// Undoes a replica's last deletion the way the app does: the account added again.
    Restore { replica: usize },
    /// Moves the nth account of a replica to the top.
    Reorder { replica: usize, pick: usize },
    /// The next code of the nth account of a replica, if HOTP.
    HotpNext { replica: usize, pick: usize },
    /// Three backup codes added to the nth account of a replica: new ones, or the account's
    /// first three again (listed again if their list was removed).
    AddCodes {
        replica: usize,
        pick: usize,
        fresh: bool,
    },
    /// The next unused backup code of the nth account of a replica handed out.
    UseCode { replica: usize, pick: usize },
    /// The code at `code` in the nth account's list marked unused again, if it is used.
    UndoCode {
        replica: usize,
        pick: usize,
        code: usize,
    },
    /// The nth account's list of backup codes removed.
    RemoveCodes { replica: usize, pick: usize },
    /// A copy of `from` reaches `to`, which merges it (dropped across the partition).
    Sync { from: usize, to: usize },
    /// Starts or ends a partition: replica 0 alone on one side.
    TogglePartition,
}

fn op(replicas: usize) -> impl Strategy<Value = Op> {
    let r = 0..replicas;
    let pick = 0..8usize;
    prop_oneof![
        3 => (r.clone(), any::<bool>()).prop_map(|(replica, hotp)| Op::Add { replica, hotp }),
        3 => (r.clone(), pick.clone(), 0..FIELDS.len())
            .prop_map(|(replica, pick, field)| Op::Edit { replica, pick, field }),
        2 => (r.clone(), pick.clone()).prop_map(|(replica, pick)| Op::Delete { replica, pick }),
        1 => r.clone().prop_map(|replica| Op::Restore { replica }),
        1 => (r.clone(), pick.clone()).prop_map(|(replica, pick)| Op::Reorder { replica, pick }),
        3 => (r.clone(), pick.clone()).prop_map(|(replica, pick)| Op::HotpNext { replica, pick }),
        2 => (r.clone(), pick.clone(), any::<bool>())
            .prop_map(|(replica, pick, fresh)| Op::AddCodes { replica, pick, fresh }),
        3 => (r.clone(), pick.clone()).prop_map(|(replica, pick)| Op::UseCode { replica, pick }),
        2 => (r.clone(), pick.clone(), 0..6usize)
            .prop_map(|(replica, pick, code)| Op::UndoCode { replica, pick, code }),
        1 => (r.clone(), pick).prop_map(|(replica, pick)| Op::RemoveCodes { replica, pick }),
        4 => (r.clone(), r).prop_map(|(from, to)| Op::Sync { from, to }),
        1 => Just(Op::TogglePartition),
    ]
}

fn scenario() -> impl Strategy<Value = (usize, Vec<Op>)> {
    (2..=3usize).prop_flat_map(|replicas| {
        (
            Just(replicas),
            proptest::collection::vec(op(replicas), 1..60),
        )
    })
}

/// The fields the replicas edit, each on its own.
const FIELDS: [&str; 4] = ["name", "note", "favourite", "group"];

/// An account's value of one of [`FIELDS`], as text.
fn field(account: &Account, field: &str) -> String {
    match field {
        "name" => account.name.clone(),
        "note" => account.note.clone(),
        "favourite" => account.favourite.to_string(),
        "group" => format!("{:?}", account.group),
        _ => unreachable!("one of FIELDS"),
    }
}

/// What the changes to one id, anywhere, left.
#[derive(Debug, Clone, Default)]
struct Truth {
    /// When the last change was (the simulated clock).
    time: u64,
    /// Whether the last change was not a deletion.
    alive: bool,
    /// When it was last deleted anywhere (0 if never): field values written before may be lost
    /// with the copy deleted.
    deleted: u64,
    /// Per field, the last value written anywhere and when.
    fields: HashMap<&'static str, (u64, String)>,
    /// Per backup code (its key), the last state written anywhere and when.
    codes: HashMap<String, (u64, &'static str)>,
}

/// A backup code's state, as the truth records it.
fn code_state(code: &StoredBackupCode) -> &'static str {
    match (code.removed, code.used_ms) {
        (true, _) => "removed",
        (false, Some(_)) => "used",
        (false, None) => "unused",
    }
}

struct World {
    replicas: Vec<Payload>,
    /// Each replica's last deleted account, for restore.
    last_deleted: Vec<Option<Account>>,
    /// Per replica and id, the highest HOTP counter it has held.
    counters_seen: Vec<HashMap<Uuid, u64>>,
    /// Per id, the last change made to it anywhere.
    truth: HashMap<Uuid, Truth>,
    /// Per id, the highest HOTP counter reached anywhere.
    max_counter: HashMap<Uuid, u64>,
    clock: u64,
    partitioned: bool,
    secrets: u32,
    /// Backup codes made so far, for fresh ones.
    codes_made: u32,
    /// Per id, the first backup codes added to it, for adding them again.
    first_codes: HashMap<Uuid, Vec<String>>,
}

impl World {
    fn new(replicas: usize) -> World {
        World {
            replicas: vec![Payload::default(); replicas],
            last_deleted: vec![None; replicas],
            counters_seen: vec![HashMap::new(); replicas],
            truth: HashMap::new(),
            max_counter: HashMap::new(),
            clock: 1_700_000_000_000,
            partitioned: false,
            secrets: 0,
            codes_made: 0,
            first_codes: HashMap::new(),
        }
    }

    /// A later time for the next change: every change has its own, as clocks in milliseconds
    /// all but always give.
    fn tick(&mut self) -> u64 {
        self.clock += 1 + u64::from(self.secrets % 3);
        self.clock
    }

    fn account(&mut self, hotp: bool) -> Account {
        self.secrets += 1;
        let secret = Secret::from_bytes(self.secrets.to_be_bytes().repeat(4)).unwrap();
        let name = format!("account {}", self.secrets);
        if hotp {
            Account::hotp("Issuer", name, secret, 0)
        } else {
            Account::totp("Issuer", name, secret)
        }
    }

    fn pick(&self, replica: usize, pick: usize) -> Option<Uuid> {
        let entries = &self.replicas[replica].entries;
        (!entries.is_empty()).then(|| entries[pick % entries.len()].id)
    }

    /// A change at `time` that leaves `replica`'s account there; `written` are the fields it
    /// wrote.
    fn record(&mut self, replica: usize, id: Uuid, time: u64, written: &[&'static str]) {
        let truth = self.truth.entry(id).or_default();
        truth.time = time;
        truth.alive = true;
        let account = &self.replicas[replica].entry(id).unwrap().account;
        for name in written {
            truth.fields.insert(name, (time, field(account, name)));
        }
    }

    /// Records backup-code states written at `time` (a change of the account too).
    fn record_codes(
        &mut self,
        replica: usize,
        id: Uuid,
        time: u64,
        codes: &[(String, &'static str)],
    ) {
        self.record(replica, id, time, &[]);
        let truth = self.truth.get_mut(&id).unwrap();
        for (key, state) in codes {
            truth.codes.insert(key.clone(), (time, *state));
        }
    }

    /// The states of the account's codes on a replica, by key.
    fn codes_of(&self, replica: usize, id: Uuid) -> HashMap<String, &'static str> {
        let entry = self.replicas[replica].entry(id).unwrap();
        entry
            .backup_codes
            .iter()
            .map(|code| (code.code.key().to_string(), code_state(code)))
            .collect()
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Add { replica, hotp } => {
                let account = self.account(hotp);
                let now = self.tick();
                let id = self.replicas[replica].push(account, now);
                self.record(replica, id, now, &FIELDS);
            }
            Op::Edit {
                replica,
                pick,
                field,
            } => {
                let Some(id) = self.pick(replica, pick) else {
                    return;
                };
                let now = self.tick();
                let mut account = self.replicas[replica].entry(id).unwrap().account.clone();
                match FIELDS[field] {
                    "name" => account.name = format!("{} edited at {now}", account.name),
                    "note" => account.note = format!("noted at {now}"),
                    "favourite" => account.favourite = !account.favourite,
                    _ => account.group = Some(format!("group of {now}")),
                }
                self.replicas[replica].edit(id, account, now).unwrap();
                self.record(replica, id, now, &[FIELDS[field]]);
            }
            Op::Delete { replica, pick } => {
                let Some(id) = self.pick(replica, pick) else {
                    return;
                };
                let now = self.tick();
                let entry = self.replicas[replica].delete(id, now).unwrap();
                self.last_deleted[replica] = Some(entry.account);
                let truth = self.truth.entry(id).or_default();
                (truth.time, truth.alive, truth.deleted) = (now, false, now);
            }
            Op::Restore { replica } => {
                let Some(account) = self.last_deleted[replica].take() else {
                    return;
                };
                let now = self.tick();
                let counter = match account.kind {
                    Kind::Hotp { counter } => Some(counter),
                    _ => None,
                };
                let id = self.replicas[replica].push(account, now);
                self.record(replica, id, now, &FIELDS);
                if let Some(counter) = counter {
                    self.max_counter.insert(id, counter);
                }
            }
            Op::Reorder { replica, pick } => {
                let Some(id) = self.pick(replica, pick) else {
                    return;
                };
                let now = self.tick();
                self.replicas[replica].reorder(&[id], now);
            }
            Op::HotpNext { replica, pick } => {
                let Some(id) = self.pick(replica, pick) else {
                    return;
                };
                let entry = self.replicas[replica].entry(id).unwrap();
                if !matches!(entry.account.kind, Kind::Hotp { .. }) {
                    return;
                }
                let now = self.tick();
                let counter = self.replicas[replica].advance_hotp(id, now).unwrap();
                self.record(replica, id, now, &[]);
                let max = self.max_counter.entry(id).or_default();
                *max = (*max).max(counter);
            }
            Op::AddCodes {
                replica,
                pick,
                fresh,
            } => {
                let Some(id) = self.pick(replica, pick) else {
                    return;
                };
                let texts = match self.first_codes.get(&id) {
                    Some(first) if !fresh => first.clone(),
                    _ => (0..3)
                        .map(|_| {
                            self.codes_made += 1;
                            format!(
                                "{:04}-{:04}",
                                self.codes_made / 10_000,
                                self.codes_made % 10_000
                            )
                        })
                        .collect(),
                };
                self.first_codes.entry(id).or_insert_with(|| texts.clone());
                let before = self.codes_of(replica, id);
                let now = self.tick();
                let codes = texts.iter().map(|t| BackupCode::new(t).unwrap()).collect();
                let report = self.replicas[replica]
                    .add_backup_codes(id, codes, now)
                    .unwrap();
                let written: Vec<(String, &'static str)> = texts
                    .iter()
                    .map(|t| t.replace('-', ""))
                    .filter(|key| before.get(key).is_none_or(|state| *state == "removed"))
                    .map(|key| (key, "unused"))
                    .collect();
                assert_eq!(report.added, written.len());
                if !written.is_empty() {
                    self.record_codes(replica, id, now, &written);
                }
            }
            Op::UseCode { replica, pick } => {
                let Some(id) = self.pick(replica, pick) else {
                    return;
                };
                let now = self.tick();
                if let Ok(code) = self.replicas[replica].use_backup_code(id, now) {
                    self.record_codes(replica, id, now, &[(code.key().to_string(), "used")]);
                }
            }
            Op::UndoCode {
                replica,
                pick,
                code,
            } => {
                let Some(id) = self.pick(replica, pick) else {
                    return;
                };
                let listed: Vec<StoredBackupCode> = countersign_vault::listed_backup_codes(
                    &self.replicas[replica].entry(id).unwrap().backup_codes,
                )
                .cloned()
                .collect();
                let Some(target) = listed.get(code).filter(|c| c.used_ms.is_some()) else {
                    return;
                };
                let now = self.tick();
                self.replicas[replica]
                    .mark_backup_code(id, code, false, now)
                    .unwrap();
                self.record_codes(
                    replica,
                    id,
                    now,
                    &[(target.code.key().to_string(), "unused")],
                );
            }
            Op::RemoveCodes { replica, pick } => {
                let Some(id) = self.pick(replica, pick) else {
                    return;
                };
                let written: Vec<(String, &'static str)> = self
                    .codes_of(replica, id)
                    .into_iter()
                    .filter(|(_, state)| *state != "removed")
                    .map(|(key, _)| (key, "removed"))
                    .collect();
                let now = self.tick();
                let removed = self.replicas[replica].remove_backup_codes(id, now).unwrap();
                assert_eq!(removed, written.len());
                if removed > 0 {
                    self.record_codes(replica, id, now, &written);
                }
            }
            Op::Sync { from, to } => {
                let across = (from == 0) != (to == 0);
                if from != to && !(self.partitioned && across) {
                    self.replicas[to] = merge(&self.replicas[to], &self.replicas[from]);
                }
            }
            Op::TogglePartition => self.partitioned = !self.partitioned,
        }
        self.check_counters();
    }

    /// No replica holds an HOTP counter below one it held before for the same id.
    fn check_counters(&mut self) {
        for (replica, payload) in self.replicas.iter().enumerate() {
            for entry in &payload.entries {
                if let Kind::Hotp { counter } = entry.account.kind {
                    let seen = self.counters_seen[replica].entry(entry.id).or_default();
                    assert!(
                        counter >= *seen,
                        "replica {replica}: counter of {} went from {seen} to {counter}",
                        entry.id
                    );
                    *seen = counter;
                }
            }
        }
    }

    /// Every replica gets every other's copy, in both directions.
    fn sync_all(&mut self) {
        let all = self
            .replicas
            .iter()
            .fold(Payload::default(), |merged, replica| {
                merge(&merged, replica)
            });
        for replica in &mut self.replicas {
            *replica = merge(replica, &all);
        }
        self.check_counters();
    }
}

fn ids(payload: &Payload) -> Vec<Uuid> {
    payload.entries.iter().map(|entry| entry.id).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(CASES)
    ))]

    #[test]
    fn replicas_converge_and_lose_nothing((replicas, ops) in scenario()) {
        let mut world = World::new(replicas);
        for op in &ops {
            world.apply(op);
        }
        world.sync_all();

        let first = &world.replicas[0];
        for (index, replica) in world.replicas.iter().enumerate() {
            prop_assert!(replica.same_content(first), "replica {} differs from replica 0", index);
            let unique: HashSet<Uuid> = ids(replica).into_iter().collect();
            prop_assert_eq!(unique.len(), replica.entries.len(), "an id appears twice");
        }
        let alive: HashSet<Uuid> = world
            .truth
            .iter()
            .filter(|(_, truth)| truth.alive)
            .map(|(id, _)| *id)
            .collect();
        let held: HashSet<Uuid> = ids(first).into_iter().collect();
        prop_assert_eq!(&held, &alive, "accounts held vs. last change not a deletion");
        for entry in &first.entries {
            let truth = &world.truth[&entry.id];
            for (name, (written, value)) in &truth.fields {
                if *written > truth.deleted {
                    prop_assert_eq!(
                        &field(&entry.account, name),
                        value,
                        "the last {} written is kept",
                        name
                    );
                }
            }
            let held_codes: HashMap<String, &'static str> = entry
                .backup_codes
                .iter()
                .map(|code| (code.code.key().to_string(), code_state(code)))
                .collect();
            prop_assert_eq!(held_codes.len(), entry.backup_codes.len(), "a backup code appears twice");
            for (key, (written, state)) in &truth.codes {
                if *written > truth.deleted {
                    prop_assert_eq!(
                        held_codes.get(key).copied(),
                        Some(*state),
                        "the last state written to backup code {} is kept",
                        key
                    );
                }
            }
            prop_assert_eq!(entry.modified_ms, truth.time);
            if let Kind::Hotp { counter } = entry.account.kind {
                let max = world.max_counter.get(&entry.id).copied().unwrap_or(0);
                prop_assert_eq!(counter, max, "the highest HOTP counter reached is kept");
            }
        }
        // Merging again changes nothing, and the order is the same on every replica.
        let again = merge(first, &world.replicas[replicas - 1]);
        prop_assert!(again.same_content(first));
        for tombstone in &first.tombstones {
            prop_assert!(!held.contains(&tombstone.id));
        }
    }
}

/// The case count, said once so that a run shows it.
#[test]
fn case_count() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CASES);
    println!("merge property test: {cases} cases of 2-3 replicas, up to 59 operations each");
    assert!(cases >= 1000 || std::env::var_os("PROPTEST_CASES").is_some());
}
