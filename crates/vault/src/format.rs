//! The vault file, byte by byte (format version 1; docs/vault-format.md is the reference).
//!
//! ```text
//! magic "CSVAULT\0" | version u16 | header length u32 | vault id [16] | generation u64 |
//! payload nonce [24] | slot count u16 | slots (type u16, length u32, body) ... |
//! SHA-256 of everything before it [32] || payload ciphertext + tag
//! ```
//! Integers are little-endian. Every field has one encoding, so parsing and re-encoding any
//! accepted file gives back the same bytes.

use uuid::Uuid;

use crate::crypto::{NONCE_LEN, TAG_LEN, WRAPPED_LEN, Wrapped, sha256};
use crate::kdf::{KdfParams, SALT_LEN};
use crate::{Error, Result};

/// The first bytes of every vault file.
pub(crate) const MAGIC: &[u8; 8] = b"CSVAULT\0";
/// The format version this build reads and writes.
pub(crate) const VERSION: u16 = 1;
/// Bytes before the slots: magic, version, header length, id, generation, nonce, slot count.
const FIXED_LEN: usize = 8 + 2 + 4 + 16 + 8 + NONCE_LEN + 2;
/// The header checksum.
const CHECKSUM_LEN: usize = 32;
/// Largest header accepted: far above any real one (a few hundred bytes).
const MAX_HEADER_LEN: usize = 64 * 1024;
/// Largest file accepted: hundreds of thousands of accounts; keeps a hostile file from making
/// us allocate without bound.
pub(crate) const MAX_FILE_LEN: u64 = 64 * 1024 * 1024;
/// Most slots accepted.
const MAX_SLOTS: usize = 64;

/// Slot type of the password slot.
const SLOT_PASSWORD: u16 = 1;
/// Slot type of the OS keyring slot.
const SLOT_KEYRING: u16 = 2;
/// Slot type of the recovery-key slot.
const SLOT_RECOVERY: u16 = 3;
/// Slot type of an OS keyring slot that names the machine whose keyring holds its key.
const SLOT_MACHINE_KEYRING: u16 = 4;

/// Body of a password slot: m, t, p, salt, then the wrapped key.
const PASSWORD_PARAMS_LEN: usize = 4 + 4 + 4 + SALT_LEN;
const PASSWORD_BODY_LEN: usize = PASSWORD_PARAMS_LEN + NONCE_LEN + WRAPPED_LEN;
/// Body of a keyring or recovery slot: the wrapped key alone.
const KEY_BODY_LEN: usize = NONCE_LEN + WRAPPED_LEN;
/// Body of a machine keyring slot: the machine id, then the wrapped key.
const MACHINE_KEYRING_BODY_LEN: usize = 16 + KEY_BODY_LEN;

/// One way to unwrap the master key.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Slot {
    /// Argon2id over a password.
    Password {
        kdf: KdfParams,
        salt: [u8; SALT_LEN],
        wrapped: Wrapped,
    },
    /// A random key kept in the OS keyring (of a machine this slot does not name: written
    /// before slots named their machine).
    Keyring(Wrapped),
    /// A random key kept in the OS keyring of the machine with this id: one such slot per
    /// machine, so that a vault synced between machines unlocks with the keyring on each.
    MachineKeyring { machine: Uuid, wrapped: Wrapped },
    /// A random key the person wrote down.
    Recovery(Wrapped),
    /// A slot type from a newer version: kept byte for byte.
    Unknown { kind: u16, body: Vec<u8> },
}

impl Slot {
    fn kind(&self) -> u16 {
        match self {
            Slot::Password { .. } => SLOT_PASSWORD,
            Slot::Keyring(_) => SLOT_KEYRING,
            Slot::Recovery(_) => SLOT_RECOVERY,
            Slot::MachineKeyring { .. } => SLOT_MACHINE_KEYRING,
            Slot::Unknown { kind, .. } => *kind,
        }
    }

    /// Whether two slots take the same place in a header: the same known kind (a header holds
    /// one of each), or the very same slot of a kind this version does not know.
    pub(crate) fn same_place(&self, other: &Slot) -> bool {
        match (self, other) {
            (
                Slot::MachineKeyring { machine, .. },
                Slot::MachineKeyring {
                    machine: theirs, ..
                },
            ) => machine == theirs,
            _ => match (slot_kind(self), slot_kind(other)) {
                (Some(mine), Some(theirs)) => mine == theirs,
                (None, None) => self == other,
                _ => false,
            },
        }
    }

    /// The context a slot's wrapped key is bound to: vault id, slot type, slot parameters.
    pub(crate) fn context(vault_id: Uuid, kind: SlotKind, params: &[u8]) -> Vec<u8> {
        let kind = match kind {
            SlotKind::Password => SLOT_PASSWORD,
            SlotKind::Keyring => SLOT_KEYRING,
            SlotKind::Recovery => SLOT_RECOVERY,
            SlotKind::MachineKeyring => SLOT_MACHINE_KEYRING,
        };
        let mut context = Vec::with_capacity(18 + params.len());
        context.extend_from_slice(vault_id.as_bytes());
        context.extend_from_slice(&kind.to_le_bytes());
        context.extend_from_slice(params);
        context
    }

    /// The parameters a password slot's wrapped key is bound to.
    pub(crate) fn password_params(kdf: &KdfParams, salt: &[u8; SALT_LEN]) -> Vec<u8> {
        let mut params = Vec::with_capacity(PASSWORD_PARAMS_LEN);
        params.extend_from_slice(&kdf.memory_kib().to_le_bytes());
        params.extend_from_slice(&kdf.iterations().to_le_bytes());
        params.extend_from_slice(&kdf.parallelism().to_le_bytes());
        params.extend_from_slice(salt);
        params
    }

    fn encode_body(&self, out: &mut Vec<u8>) {
        match self {
            Slot::Password { kdf, salt, wrapped } => {
                out.extend_from_slice(&Slot::password_params(kdf, salt));
                encode_wrapped(wrapped, out);
            }
            Slot::Keyring(wrapped) | Slot::Recovery(wrapped) => encode_wrapped(wrapped, out),
            Slot::MachineKeyring { machine, wrapped } => {
                out.extend_from_slice(machine.as_bytes());
                encode_wrapped(wrapped, out);
            }
            Slot::Unknown { body, .. } => out.extend_from_slice(body),
        }
    }
}

/// The kinds of slot this version knows. A header holds at most one of each, except machine
/// keyring slots: one per machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum SlotKind {
    Password,
    Keyring,
    Recovery,
    MachineKeyring,
}

fn encode_wrapped(wrapped: &Wrapped, out: &mut Vec<u8>) {
    out.extend_from_slice(&wrapped.nonce);
    out.extend_from_slice(&wrapped.sealed);
}

/// Everything before the payload.
#[derive(Clone)]
pub(crate) struct Header {
    pub(crate) vault_id: Uuid,
    /// Incremented by every save.
    pub(crate) generation: u64,
    /// The payload's nonce: fresh for every save.
    pub(crate) nonce: [u8; NONCE_LEN],
    pub(crate) slots: Vec<Slot>,
}

impl Header {
    /// The header's bytes, checksum included: the payload's associated data.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&[0; 4]); // the header length, filled in below
        out.extend_from_slice(self.vault_id.as_bytes());
        out.extend_from_slice(&self.generation.to_le_bytes());
        out.extend_from_slice(&self.nonce);
        let count = u16::try_from(self.slots.len()).expect("slot count is bounded");
        out.extend_from_slice(&count.to_le_bytes());
        for slot in &self.slots {
            out.extend_from_slice(&slot.kind().to_le_bytes());
            let length_at = out.len();
            out.extend_from_slice(&[0; 4]);
            slot.encode_body(&mut out);
            let length = (out.len() - length_at - 4) as u32;
            out[length_at..length_at + 4].copy_from_slice(&length.to_le_bytes());
        }
        let header_len = (out.len() + CHECKSUM_LEN) as u32;
        out[10..14].copy_from_slice(&header_len.to_le_bytes());
        let checksum = sha256(&[&out]);
        out.extend_from_slice(&checksum);
        out
    }

    /// The slot of a known kind, if present.
    pub(crate) fn slot(&self, kind: SlotKind) -> Option<&Slot> {
        self.slots.iter().find(|slot| slot_kind(slot) == Some(kind))
    }

    /// Replaces the slot that takes `slot`'s place (the one of its kind; for a machine keyring
    /// slot, the one of its machine), or appends it.
    pub(crate) fn set_slot(&mut self, slot: Slot) {
        match self.slots.iter_mut().find(|s| s.same_place(&slot)) {
            Some(existing) => *existing = slot,
            None => self.slots.push(slot),
        }
    }

    /// The keyring slot of the machine with this id.
    pub(crate) fn machine_slot(&self, id: Uuid) -> Option<&Wrapped> {
        self.slots.iter().find_map(|slot| match slot {
            Slot::MachineKeyring { machine, wrapped } if *machine == id => Some(wrapped),
            _ => None,
        })
    }

    /// Removes every machine keyring slot but the one of `keep` (if any).
    pub(crate) fn remove_machine_slots_except(&mut self, keep: Option<Uuid>) {
        self.slots.retain(|slot| match slot {
            Slot::MachineKeyring { machine, .. } => Some(*machine) == keep,
            _ => true,
        });
    }

    /// Removes the slot of a kind; whether there was one.
    pub(crate) fn remove_slot(&mut self, kind: SlotKind) -> bool {
        let before = self.slots.len();
        self.slots.retain(|slot| slot_kind(slot) != Some(kind));
        self.slots.len() != before
    }

    /// Which slots exist; a keyring slot of any machine counts.
    pub(crate) fn summary(&self) -> SlotSummary {
        self.summary_for(None)
    }

    /// Which slots exist, as `machine` (if given) can use them: a keyring slot counts if it is
    /// that machine's, or names no machine.
    pub(crate) fn summary_for(&self, machine: Option<Uuid>) -> SlotSummary {
        let machine_slot = match machine {
            Some(machine) => self.machine_slot(machine).is_some(),
            None => self.slot(SlotKind::MachineKeyring).is_some(),
        };
        SlotSummary {
            password: self.slot(SlotKind::Password).is_some(),
            keyring: self.slot(SlotKind::Keyring).is_some() || machine_slot,
            recovery: self.slot(SlotKind::Recovery).is_some(),
            unknown: self
                .slots
                .iter()
                .filter(|slot| matches!(slot, Slot::Unknown { .. }))
                .count(),
        }
    }
}

fn slot_kind(slot: &Slot) -> Option<SlotKind> {
    match slot {
        Slot::Password { .. } => Some(SlotKind::Password),
        Slot::Keyring(_) => Some(SlotKind::Keyring),
        Slot::Recovery(_) => Some(SlotKind::Recovery),
        Slot::MachineKeyring { .. } => Some(SlotKind::MachineKeyring),
        Slot::Unknown { .. } => None,
    }
}

/// Which ways to unlock a vault has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SlotSummary {
    /// A password unlocks it.
    pub password: bool,
    /// A key in the OS keyring unlocks it: from [`crate::Store::status`] and
    /// [`crate::Unlocked::slots`], this machine's keyring; from [`crate::inspect`], which knows
    /// no machine, any machine's (a vault in a synced folder has one slot per machine).
    pub keyring: bool,
    /// A recovery key unlocks it.
    pub recovery: bool,
    /// Slots of types this version does not know (written by a newer version); kept as they are.
    pub unknown: usize,
}

/// A parsed file: the header, its exact bytes, and the ciphertext after it.
pub(crate) struct Parsed<'a> {
    pub(crate) header: Header,
    /// The header's bytes, checksum included: the payload's associated data.
    pub(crate) header_bytes: &'a [u8],
    pub(crate) ciphertext: &'a [u8],
}

impl Parsed<'_> {
    /// The header checksum: identifies this exact file (its nonce is fresh for every save).
    pub(crate) fn checksum(&self) -> [u8; CHECKSUM_LEN] {
        checksum_of(self.header_bytes)
    }
}

/// The checksum at the end of encoded header bytes.
pub(crate) fn checksum_of(header_bytes: &[u8]) -> [u8; CHECKSUM_LEN] {
    header_bytes[header_bytes.len() - CHECKSUM_LEN..]
        .try_into()
        .expect("a header ends with its checksum")
}

/// A cursor over the header that turns running out of bytes into "corrupt".
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.bytes.len() < n {
            return Err(Error::corrupt("header truncated"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        Ok(self.take(N)?.try_into().expect("took N bytes"))
    }

    fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }
}

/// Parses a whole vault file. Checks, in order: magic, version, lengths, header checksum,
/// every field. Nothing here needs a key, and nothing costs more than reading the bytes.
pub(crate) fn parse(bytes: &[u8]) -> Result<Parsed<'_>> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(Error::corrupt("not a Countersign vault"));
    }
    let mut reader = Reader {
        bytes: &bytes[MAGIC.len()..],
    };
    let version = reader.u16()?;
    if version != VERSION {
        return Err(Error::UnsupportedVersion {
            found: version,
            supported: VERSION,
        });
    }
    if bytes.len() as u64 > MAX_FILE_LEN {
        return Err(Error::corrupt("file too large"));
    }
    let header_len = reader.u32()? as usize;
    if !(FIXED_LEN + CHECKSUM_LEN..=MAX_HEADER_LEN).contains(&header_len)
        || header_len + TAG_LEN > bytes.len()
    {
        return Err(Error::corrupt("bad header length"));
    }
    let (header_bytes, ciphertext) = bytes.split_at(header_len);
    let (covered, checksum) = header_bytes.split_at(header_len - CHECKSUM_LEN);
    if sha256(&[covered]) != checksum {
        return Err(Error::corrupt("header checksum mismatch"));
    }

    let mut reader = Reader {
        bytes: &covered[14..],
    };
    let vault_id = Uuid::from_bytes(reader.array()?);
    let generation = reader.u64()?;
    let nonce = reader.array()?;
    let count = usize::from(reader.u16()?);
    if count > MAX_SLOTS {
        return Err(Error::corrupt("too many slots"));
    }
    let mut slots = Vec::with_capacity(count);
    for _ in 0..count {
        let kind = reader.u16()?;
        let length = reader.u32()? as usize;
        let body = reader.take(length)?;
        slots.push(parse_slot(kind, body)?);
    }
    if !reader.bytes.is_empty() {
        return Err(Error::corrupt("unexpected bytes after the slots"));
    }
    let header = Header {
        vault_id,
        generation,
        nonce,
        slots,
    };
    for (index, slot) in header.slots.iter().enumerate() {
        if slot_kind(slot).is_some() && header.slots[..index].iter().any(|s| s.same_place(slot)) {
            return Err(Error::corrupt("duplicate slot"));
        }
    }
    Ok(Parsed {
        header,
        header_bytes,
        ciphertext,
    })
}

fn parse_slot(kind: u16, body: &[u8]) -> Result<Slot> {
    let mut reader = Reader { bytes: body };
    let expected = match kind {
        SLOT_PASSWORD => PASSWORD_BODY_LEN,
        SLOT_KEYRING | SLOT_RECOVERY => KEY_BODY_LEN,
        SLOT_MACHINE_KEYRING => MACHINE_KEYRING_BODY_LEN,
        _ => {
            return Ok(Slot::Unknown {
                kind,
                body: body.to_vec(),
            });
        }
    };
    if body.len() != expected {
        return Err(Error::corrupt("bad slot length"));
    }
    Ok(match kind {
        SLOT_PASSWORD => {
            let (m, t, p) = (reader.u32()?, reader.u32()?, reader.u32()?);
            Slot::Password {
                kdf: KdfParams::from_file(m, t, p)?,
                salt: reader.array()?,
                wrapped: parse_wrapped(&mut reader)?,
            }
        }
        SLOT_KEYRING => Slot::Keyring(parse_wrapped(&mut reader)?),
        SLOT_MACHINE_KEYRING => Slot::MachineKeyring {
            machine: Uuid::from_bytes(reader.array()?),
            wrapped: parse_wrapped(&mut reader)?,
        },
        _ => Slot::Recovery(parse_wrapped(&mut reader)?),
    })
}

fn parse_wrapped(reader: &mut Reader<'_>) -> Result<Wrapped> {
    Ok(Wrapped {
        nonce: reader.array()?,
        sealed: reader.array()?,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::crypto::{Key, random, wrap};

    /// A header with every kind of slot, an unknown one included.
    pub(crate) fn sample_header() -> Header {
        let master = Key::random();
        let wrapped = || wrap(&Key::random(), &master, b"x");
        Header {
            vault_id: Uuid::new_v4(),
            generation: 7,
            nonce: random(),
            slots: vec![
                Slot::Password {
                    kdf: KdfParams::new(64, 1, 1).unwrap(),
                    salt: random(),
                    wrapped: wrapped(),
                },
                Slot::Keyring(wrapped()),
                Slot::Unknown {
                    kind: 0x7f01,
                    body: b"from the future".to_vec(),
                },
                Slot::Recovery(wrapped()),
                Slot::MachineKeyring {
                    machine: Uuid::from_u128(1),
                    wrapped: wrapped(),
                },
                Slot::MachineKeyring {
                    machine: Uuid::from_u128(2),
                    wrapped: wrapped(),
                },
            ],
        }
    }

    fn file(header: &Header) -> Vec<u8> {
        let mut bytes = header.encode();
        bytes.extend_from_slice(&[0xAA; 40]);
        bytes
    }

    #[test]
    fn parse_and_encode_are_inverse() {
        let header = sample_header();
        let bytes = file(&header);
        let parsed = parse(&bytes).unwrap();
        assert_eq!(parsed.header.vault_id, header.vault_id);
        assert_eq!(parsed.header.generation, 7);
        assert!(parsed.header.slots == header.slots);
        assert_eq!(parsed.header_bytes, header.encode().as_slice());
        assert_eq!(parsed.ciphertext, &[0xAA; 40]);
        assert_eq!(parsed.header.encode(), parsed.header_bytes);
        assert_eq!(
            parsed.header.summary(),
            SlotSummary {
                password: true,
                keyring: true,
                recovery: true,
                unknown: 1
            }
        );
    }

    #[test]
    fn every_truncation_is_corrupt() {
        let bytes = file(&sample_header());
        for len in 0..bytes.len() - 40 + TAG_LEN {
            let error = parse(&bytes[..len]).err().unwrap();
            assert_eq!(error.kind(), "corrupt", "length {len}");
        }
    }

    #[test]
    fn other_versions_are_unsupported() {
        let mut bytes = file(&sample_header());
        bytes[8] = 2;
        match parse(&bytes) {
            Err(Error::UnsupportedVersion {
                found: 2,
                supported: 1,
            }) => {}
            other => panic!("{:?}", other.err()),
        }
    }

    #[test]
    fn duplicate_known_slots_are_corrupt() {
        let mut header = sample_header();
        let keyring = header.slots[1].clone();
        header.slots.push(keyring);
        assert_eq!(
            parse(&file(&header)).err().unwrap().to_string(),
            "the vault file is damaged or was tampered with (duplicate slot)"
        );
    }

    #[test]
    fn one_machine_keyring_slot_per_machine() {
        let mut header = sample_header();
        let again = Slot::MachineKeyring {
            machine: Uuid::from_u128(2),
            wrapped: wrap(&Key::random(), &Key::random(), b"z"),
        };
        header.slots.push(again.clone());
        assert_eq!(parse(&file(&header)).err().unwrap().kind(), "corrupt");
        header.slots.pop();
        header.set_slot(again.clone());
        assert!(header.slots[5] == again);
        assert!(header.machine_slot(Uuid::from_u128(1)).is_some());
        assert!(header.machine_slot(Uuid::from_u128(3)).is_none());
        header.remove_machine_slots_except(Some(Uuid::from_u128(2)));
        assert!(header.machine_slot(Uuid::from_u128(1)).is_none());
        assert!(header.machine_slot(Uuid::from_u128(2)).is_some());
        assert!(header.summary_for(Some(Uuid::from_u128(2))).keyring);
        header.remove_slot(SlotKind::Keyring);
        assert!(!header.summary_for(Some(Uuid::from_u128(1))).keyring);
        assert!(header.summary().keyring, "another machine's slot is there");
        header.remove_machine_slots_except(None);
        assert_eq!(header.slots.len(), 3);
        assert!(!header.summary().keyring);
    }

    #[test]
    fn slots_are_replaced_in_place_and_removed() {
        let mut header = sample_header();
        let replacement = Slot::Keyring(wrap(&Key::random(), &Key::random(), b"y"));
        header.set_slot(replacement.clone());
        assert!(header.slots[1] == replacement);
        assert!(header.remove_slot(SlotKind::Password));
        assert!(!header.remove_slot(SlotKind::Password));
        assert_eq!(header.slots.len(), 5);
        assert!(matches!(header.slots[1], Slot::Unknown { .. }));
    }
}
