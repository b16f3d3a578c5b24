//! Merging other copies of the vault into the open one: the file as a sync engine left it on
//! disk, the conflict copies beside it, or a file the person names.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use uuid::Uuid;

use super::{Unlocked, VAULT_FILE, decrypt_payload, open_password_slot, settle};
use crate::conflicts::{Engine, conflict_copy};
use crate::crypto::Key;
use crate::format::{self, Header, MAX_FILE_LEN};
use crate::payload::{Payload, merge};
use crate::{Error, Result};

/// Why another copy of the vault was not merged. The copy is left as it is.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// The file is a vault, but another one (another vault id).
    #[error("it holds another vault ({found})")]
    OtherVault {
        /// The id of the vault it holds.
        found: Uuid,
    },
    /// The file is this vault, but our master key does not open its accounts: its credentials
    /// were changed on another machine (which makes a new master key), or its encrypted part is
    /// damaged (the two cannot be told apart without that other key).
    #[error("it is encrypted under another key (credentials changed elsewhere, or damaged)")]
    OtherKey,
    /// The file is not a vault, or its header is damaged.
    #[error("it is damaged or not a vault ({reason})")]
    Corrupt {
        /// Which check failed.
        reason: &'static str,
    },
    /// The file was written by a version of Countersign that this one does not understand.
    #[error("it has format version {found}; this version of Countersign reads {supported}")]
    UnsupportedVersion {
        /// The version in the file.
        found: u16,
        /// The version this build reads.
        supported: u16,
    },
    /// The file could not be read.
    #[error("it could not be read: {0}")]
    Unreadable(#[source] io::Error),
    /// The merged vault could not be saved (the vault is as it was).
    #[error("the merged vault could not be saved: {0}")]
    Save(#[source] Error),
}

impl MergeError {
    /// A stable identifier for the UI and for scripts: `other_vault`, `other_key`, `corrupt`,
    /// `unsupported_version`, `unreadable`, or the vault error's own kind for `Save`.
    pub fn kind(&self) -> &'static str {
        match self {
            MergeError::OtherVault { .. } => "other_vault",
            MergeError::OtherKey => "other_key",
            MergeError::Corrupt { .. } => "corrupt",
            MergeError::UnsupportedVersion { .. } => "unsupported_version",
            MergeError::Unreadable(_) => "unreadable",
            MergeError::Save(error) => error.kind(),
        }
    }
}

/// What became of the vault file on disk in [`Unlocked::sync`].
#[derive(Debug)]
#[non_exhaustive]
pub enum DiskOutcome {
    /// It is the file we last read or wrote.
    Unchanged,
    /// Another copy had replaced it (a sync engine); it was merged with ours. `saved` tells
    /// whether the merge held anything it lacked and was written back.
    Merged {
        /// Whether the merged vault was saved (else the file already held everything).
        saved: bool,
    },
    /// It was replaced by a copy that cannot be merged: nothing was saved, and saving stays
    /// refused ([`Error::ChangedOnDisk`]) until the vault is unlocked again.
    LeftAlone(MergeError),
}

/// What became of one conflict copy in [`Unlocked::sync`].
#[derive(Debug)]
#[non_exhaustive]
pub enum CopyOutcome {
    /// Merged into the vault, then removed.
    Merged,
    /// Not merged, left where it is.
    LeftAlone(MergeError),
}

/// A conflict copy found beside the vault, and what became of it.
#[derive(Debug)]
pub struct CopyReport {
    /// The copy.
    pub path: PathBuf,
    /// The sync engine whose naming it has.
    pub engine: Engine,
    /// Merged and removed, or left alone and why.
    pub outcome: CopyOutcome,
}

/// What [`Unlocked::sync`] did.
#[derive(Debug)]
pub struct SyncReport {
    /// The vault file.
    pub vault: PathBuf,
    /// What became of the vault file on disk.
    pub disk: DiskOutcome,
    /// The conflict copies found beside it, in name order (none looked at when the file on
    /// disk could not be merged).
    pub copies: Vec<CopyReport>,
}

impl SyncReport {
    /// Whether anything was merged (the vault's accounts may have changed).
    pub fn merged_any(&self) -> bool {
        matches!(self.disk, DiskOutcome::Merged { .. })
            || self
                .copies
                .iter()
                .any(|copy| matches!(copy.outcome, CopyOutcome::Merged))
    }
}

/// Another copy of the vault, opened with our master key.
struct OpenedCopy {
    header: Header,
    checksum: [u8; 32],
    payload: Payload,
}

impl Unlocked {
    /// Brings in every other copy of the vault there is: the file on disk if a sync engine
    /// replaced it, then the conflict copies beside it (see [`crate::conflicts`]). Those under
    /// our master key are merged ([`merge`]), the result saved (the previous file kept in the
    /// backups as by every save) and the merged copies removed; the others are left alone and
    /// named in the report. Saves nothing when there is nothing new.
    ///
    /// The app calls it when the watcher reports a change; the CLI on every command that opens
    /// the vault for writing. A read-only store cannot save a merge: [`Error::ReadOnly`] when
    /// there is one to save.
    pub fn sync(&mut self) -> Result<SyncReport> {
        let vault = self.inner.vault_path();
        let mut report = SyncReport {
            vault: vault.clone(),
            disk: DiskOutcome::Unchanged,
            copies: Vec::new(),
        };
        let bytes = self.inner.read_vault()?;
        let on_disk = format::parse(&bytes).ok().map(|parsed| parsed.checksum());
        let mut base = None;
        if on_disk != self.on_disk {
            match open_copy(&bytes, self.header.vault_id, &self.master) {
                Ok(copy) => base = Some(copy),
                Err(error) => {
                    report.disk = DiskOutcome::LeftAlone(error);
                    return Ok(report);
                }
            }
        }
        let (mut header, mut payload, disk_checksum) = match &base {
            Some(copy) => (
                copy.header.clone(),
                merge(&self.payload, &copy.payload),
                copy.checksum,
            ),
            None => (
                self.header.clone(),
                self.payload.clone(),
                self.on_disk
                    .expect("an open vault was read from or written to disk"),
            ),
        };

        let mut merged_copies = Vec::new();
        for (path, engine) in conflict_copies(&self.inner.dir) {
            let outcome = match read_copy(&path)
                .and_then(|bytes| open_copy(&bytes, self.header.vault_id, &self.master))
            {
                Ok(copy) => {
                    payload = merge(&payload, &copy.payload);
                    merge_slots(&mut header, &copy.header);
                    merged_copies.push(path.clone());
                    CopyOutcome::Merged
                }
                Err(error) => CopyOutcome::LeftAlone(error),
            };
            report.copies.push(CopyReport {
                path,
                engine,
                outcome,
            });
        }

        // What the file on disk holds now, to tell whether the merge adds anything to it.
        let (disk_header, disk_payload) = match &base {
            Some(copy) => (&copy.header, &copy.payload),
            None => (&self.header, &self.payload),
        };
        let changed = !payload.same_content(disk_payload) || header.slots != disk_header.slots;
        if changed {
            // Saving over the file on disk is right only now that it is merged; should the
            // save fail, the old checksum keeps it refused.
            let previous = self.on_disk.replace(disk_checksum);
            let saved = self.commit(|stored_header, stored| {
                *stored_header = header;
                *stored = payload;
                Ok(())
            });
            if let Err(error) = saved {
                self.on_disk = previous;
                return Err(error);
            }
        } else {
            // Nothing to add: take the file as it is, its order included, without a save that
            // the other machines would only have to merge back.
            self.on_disk = Some(disk_checksum);
            self.header = disk_header.clone();
            self.payload = disk_payload.clone();
        }
        if base.is_some() {
            report.disk = DiskOutcome::Merged { saved: changed };
        }
        for path in merged_copies {
            // Already merged: a copy that cannot be removed now is merged again next time.
            let _ = fs::remove_file(path);
        }
        Ok(report)
    }

    /// Merges another copy of this vault, the file at `path` (e.g. from another machine, or a
    /// backup), into the open vault and saves it; the file itself is not changed. Returns
    /// whether the vault changed. A file of another vault, or one our master key does not
    /// open, is refused and nothing changes.
    pub fn merge_file(&mut self, path: &Path) -> Result<bool, MergeError> {
        let copy = open_copy(&read_copy(path)?, self.header.vault_id, &self.master)?;
        let payload = merge(&self.payload, &copy.payload);
        let mut header = self.header.clone();
        merge_slots(&mut header, &copy.header);
        if payload.same_content(&self.payload) && header.slots == self.header.slots {
            return Ok(false);
        }
        self.commit(|stored_header, stored| {
            *stored_header = header;
            *stored = payload;
            Ok(())
        })
        .map_err(MergeError::Save)?;
        Ok(true)
    }
}

impl Unlocked {
    /// Like [`Unlocked::merge_file`], for a copy of this vault under another master key (its
    /// credentials were changed on another machine while this one changed the vault): the
    /// copy's own password opens it (one attempt, rate limited like unlocking), and its
    /// accounts are merged. Its slots are not taken: they wrap that other master key. Returns
    /// whether the vault changed; a wrong password is [`MergeError::Save`] of
    /// [`Error::WrongPassword`], and changes nothing.
    pub fn merge_file_with_password(
        &mut self,
        path: &Path,
        password: &str,
    ) -> Result<bool, MergeError> {
        let bytes = read_copy(path)?;
        let parsed = format::parse(&bytes).map_err(header_error)?;
        if parsed.header.vault_id != self.header.vault_id {
            return Err(MergeError::OtherVault {
                found: parsed.header.vault_id,
            });
        }
        let mut attempt = self
            .inner
            .attempts
            .begin()
            .map_err(|wait| MergeError::Save(Error::RateLimited { wait }))?;
        let result = open_password_slot(&parsed.header, password, || attempt.record());
        let master = settle(attempt, result).map_err(MergeError::Save)?;
        let theirs = decrypt_payload(&parsed, &master).map_err(payload_error)?;
        let payload = merge(&self.payload, &theirs);
        if payload.same_content(&self.payload) {
            return Ok(false);
        }
        self.commit(|_, stored| {
            *stored = payload;
            Ok(())
        })
        .map_err(MergeError::Save)?;
        Ok(true)
    }
}

/// The conflict copies of the vault file in `dir`, by name.
pub(crate) fn conflict_copies(dir: &Path) -> Vec<(PathBuf, Engine)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut copies: Vec<(PathBuf, Engine)> = entries
        .flatten()
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
        .filter_map(|entry| {
            let engine = conflict_copy(VAULT_FILE, entry.file_name().to_str()?)?;
            Some((entry.path(), engine))
        })
        .collect();
    copies.sort_by(|a, b| a.0.cmp(&b.0));
    copies
}

/// A copy's bytes, up to the size any vault may have.
fn read_copy(path: &Path) -> Result<Vec<u8>, MergeError> {
    let bytes = fs::read(path).map_err(MergeError::Unreadable)?;
    if bytes.len() as u64 > MAX_FILE_LEN {
        return Err(MergeError::Corrupt {
            reason: "file too large",
        });
    }
    Ok(bytes)
}

/// Parses a copy of vault `vault_id` and opens its payload with `master`.
fn open_copy(bytes: &[u8], vault_id: Uuid, master: &Key) -> Result<OpenedCopy, MergeError> {
    let parsed = format::parse(bytes).map_err(header_error)?;
    if parsed.header.vault_id != vault_id {
        return Err(MergeError::OtherVault {
            found: parsed.header.vault_id,
        });
    }
    let payload = decrypt_payload(&parsed, master).map_err(payload_error)?;
    Ok(OpenedCopy {
        checksum: parsed.checksum(),
        header: parsed.header,
        payload,
    })
}

/// Why a copy's header could not be read.
fn header_error(error: Error) -> MergeError {
    match error {
        Error::UnsupportedVersion { found, supported } => {
            MergeError::UnsupportedVersion { found, supported }
        }
        Error::Corrupt { reason } => MergeError::Corrupt { reason },
        _ => MergeError::Corrupt {
            reason: "unreadable header",
        },
    }
}

/// Why a copy's payload could not be opened: a key that does not authenticate it, or
/// authenticated contents that are not a payload.
fn payload_error(error: Error) -> MergeError {
    match error {
        Error::Corrupt { reason } if reason != PAYLOAD_NOT_AUTHENTIC => {
            MergeError::Corrupt { reason }
        }
        _ => MergeError::OtherKey,
    }
}

/// The reason [`decrypt_payload`] gives when the key does not authenticate the payload.
pub(crate) const PAYLOAD_NOT_AUTHENTIC: &str = "payload authentication failed";

/// Adds to `ours` the slots of `theirs` (a copy under the same master key) that it lacks: an
/// unlock method added on another machine (a first password, a keyring slot) reaches this one.
/// Where both have one of a kind, ours is kept: both wrap the same master key.
fn merge_slots(ours: &mut Header, theirs: &Header) {
    for slot in &theirs.slots {
        if !ours.slots.iter().any(|mine| mine.same_place(slot)) {
            ours.slots.push(slot.clone());
        }
    }
}
