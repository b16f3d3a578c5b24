//! Property test of `Unlocked::sync` on real files: two machines (data folders, each with its
//! vault open) make random changes through the vault's API while random deliveries drop one
//! machine's file beside the other's as a Syncthing conflict copy, which `sync` merges and
//! removes. Afterwards, once both copies have crossed, both vaults hold the same accounts; no
//! conflict copy is left; every account added and never deleted is there; no HOTP counter is
//! below the highest either machine reached while the account lived. Cases: [`CASES`] (each
//! case saves dozens of times), or `SYNC_PROPTEST_CASES`.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use countersign_otp::{Account, Kind, Secret};
use countersign_vault::{CopyOutcome, KdfParams, Store, Unlocked, VAULT_FILE};
use proptest::prelude::*;
use uuid::Uuid;

const CASES: u32 = 64;

#[derive(Debug, Clone)]
enum Op {
    Add {
        machine: usize,
        hotp: bool,
    },
    Edit {
        machine: usize,
        pick: usize,
    },
    Delete {
        machine: usize,
        pick: usize,
    },
    HotpNext {
        machine: usize,
        pick: usize,
    },
    Reorder {
        machine: usize,
        pick: usize,
    },
    /// `from`'s file arrives beside `to`'s as a conflict copy; `to` syncs.
    Deliver {
        from: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let m = 0..2usize;
    let pick = 0..6usize;
    prop_oneof![
        3 => (m.clone(), any::<bool>()).prop_map(|(machine, hotp)| Op::Add { machine, hotp }),
        2 => (m.clone(), pick.clone()).prop_map(|(machine, pick)| Op::Edit { machine, pick }),
        2 => (m.clone(), pick.clone()).prop_map(|(machine, pick)| Op::Delete { machine, pick }),
        3 => (m.clone(), pick.clone()).prop_map(|(machine, pick)| Op::HotpNext { machine, pick }),
        1 => (m.clone(), pick).prop_map(|(machine, pick)| Op::Reorder { machine, pick }),
        3 => m.prop_map(|from| Op::Deliver { from }),
    ]
}

struct Machine {
    dir: PathBuf,
    vault: Unlocked,
    /// Keeps the folder's lock for as long as the vault is open.
    _store: Store,
}

fn store(dir: &Path) -> Store {
    Store::open(dir)
        .unwrap()
        .with_kdf(KdfParams::new(64, 1, 1).unwrap())
}

struct World {
    _base: tempfile::TempDir,
    machines: Vec<Machine>,
    /// Per id, the highest HOTP counter reached anywhere.
    max_counter: HashMap<Uuid, u64>,
    /// Ids deleted somewhere.
    deleted: Vec<Uuid>,
    added: Vec<Uuid>,
    secrets: u32,
    deliveries: u32,
}

impl World {
    fn new() -> World {
        let base = tempfile::tempdir().unwrap();
        let dirs = [base.path().join("a"), base.path().join("b")];
        drop(store(&dirs[0]).create(Some("pw"), false).unwrap());
        fs::create_dir_all(&dirs[1]).unwrap();
        fs::copy(dirs[0].join(VAULT_FILE), dirs[1].join(VAULT_FILE)).unwrap();
        let machines = dirs
            .into_iter()
            .map(|dir| {
                let store = store(&dir);
                let vault = store.unlock_with_password("pw").unwrap();
                Machine {
                    dir,
                    vault,
                    _store: store,
                }
            })
            .collect();
        World {
            _base: base,
            machines,
            max_counter: HashMap::new(),
            deleted: Vec::new(),
            added: Vec::new(),
            secrets: 0,
            deliveries: 0,
        }
    }

    fn pick(&self, machine: usize, pick: usize) -> Option<Uuid> {
        let entries = self.machines[machine].vault.entries();
        (!entries.is_empty()).then(|| entries[pick % entries.len()].id)
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Add { machine, hotp } => {
                self.secrets += 1;
                let secret = Secret::from_bytes(self.secrets.to_be_bytes().repeat(4)).unwrap();
                let name = format!("account {}", self.secrets);
                let account = if hotp {
                    Account::hotp("Issuer", name, secret, 0)
                } else {
                    Account::totp("Issuer", name, secret)
                };
                let id = self.machines[machine].vault.add(account).unwrap();
                self.added.push(id);
            }
            Op::Edit { machine, pick } => {
                let Some(id) = self.pick(machine, pick) else {
                    return;
                };
                let vault = &mut self.machines[machine].vault;
                let mut account = vault.entry(id).unwrap().account.clone();
                account.note.push('+');
                vault.update(id, account).unwrap();
            }
            Op::Delete { machine, pick } => {
                let Some(id) = self.pick(machine, pick) else {
                    return;
                };
                self.machines[machine].vault.remove(id).unwrap();
                self.deleted.push(id);
            }
            Op::HotpNext { machine, pick } => {
                let Some(id) = self.pick(machine, pick) else {
                    return;
                };
                let vault = &mut self.machines[machine].vault;
                if !matches!(vault.entry(id).unwrap().account.kind, Kind::Hotp { .. }) {
                    return;
                }
                vault.next_hotp_code(id).unwrap();
                let Kind::Hotp { counter } = vault.entry(id).unwrap().account.kind else {
                    unreachable!()
                };
                let max = self.max_counter.entry(id).or_default();
                *max = (*max).max(counter);
            }
            Op::Reorder { machine, pick } => {
                let Some(id) = self.pick(machine, pick) else {
                    return;
                };
                self.machines[machine].vault.reorder(&[id]).unwrap();
            }
            Op::Deliver { from } => self.deliver(from),
        }
    }

    fn deliver(&mut self, from: usize) {
        let to = 1 - from;
        self.deliveries += 1;
        let name = format!(
            "vault.sync-conflict-20240102-{:06}-ABCDEFG.countersign",
            self.deliveries
        );
        fs::copy(
            self.machines[from].dir.join(VAULT_FILE),
            self.machines[to].dir.join(name),
        )
        .unwrap();
        let report = self.machines[to].vault.sync().unwrap();
        assert_eq!(report.copies.len(), 1);
        assert!(matches!(report.copies[0].outcome, CopyOutcome::Merged));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("SYNC_PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(CASES)
    ))]

    #[test]
    fn two_machines_converge_through_conflict_copies(ops in proptest::collection::vec(op(), 1..30)) {
        let mut world = World::new();
        for op in &ops {
            world.apply(op);
        }
        world.deliver(0);
        world.deliver(1);

        let [a, b] = [&world.machines[0], &world.machines[1]];
        prop_assert!(a.vault.payload().same_content(b.vault.payload()));
        for machine in &world.machines {
            let left: Vec<_> = fs::read_dir(&machine.dir)
                .unwrap()
                .filter_map(|entry| entry.unwrap().file_name().into_string().ok())
                .filter(|name| name.contains("sync-conflict"))
                .collect();
            prop_assert!(left.is_empty(), "{:?}", left);
        }
        for id in world.added.iter().filter(|id| !world.deleted.contains(id)) {
            prop_assert!(a.vault.entry(*id).is_some(), "an account never deleted is kept");
        }
        for entry in a.vault.entries() {
            if let Kind::Hotp { counter } = entry.account.kind {
                let max = world.max_counter.get(&entry.id).copied().unwrap_or(0);
                prop_assert!(counter >= max, "counter {} below {}", counter, max);
            }
        }
        // What is on disk is what each holds.
        let dirs: Vec<PathBuf> = world.machines.iter().map(|m| m.dir.clone()).collect();
        let held = world.machines[0].vault.payload().clone();
        world.machines.clear();
        for dir in &dirs {
            let vault = store(dir).unlock_with_password("pw").unwrap();
            prop_assert!(vault.payload().same_content(&held));
        }
    }
}
