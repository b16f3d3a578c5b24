//! Growing delays after wrong passwords or recovery keys, kept in a small file next to the vault
//! so that restarting the app does not reset them.
//!
//! This slows down guessing through the app. Someone who can copy the vault file can guess
//! offline; against that, Argon2 is the defence.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::now_ms;

/// Wrong attempts allowed in a row before any delay.
const FREE_ATTEMPTS: u32 = 3;
/// The longest delay between attempts.
const MAX_DELAY: Duration = Duration::from_secs(300);

/// The persisted state: consecutive failures and when the last one happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct State {
    failures: u32,
    last_failure_ms: u64,
}

/// The delay required after `failures` consecutive wrong attempts: none for the first three,
/// then 1 s, 2 s, 4 s... up to five minutes.
pub(crate) fn delay_after(failures: u32) -> Duration {
    if failures < FREE_ATTEMPTS {
        return Duration::ZERO;
    }
    let exponent = (failures - FREE_ATTEMPTS).min(16);
    Duration::from_secs(1 << exponent).min(MAX_DELAY)
}

/// The rate limiter of one data folder.
///
/// One attempt at a time: [`RateLimit::begin`] waits until no other attempt is in flight, in
/// this process (a mutex) or in another one (an OS lock on a lock file next to the attempts
/// file), then checks the delay. The attempt is counted, on disk, before its key derivation
/// runs ([`Attempt::record`]), so neither parallel attempts nor a crash (or a kill) during the
/// derivation escape the count.
pub(crate) struct RateLimit {
    path: PathBuf,
    /// The OS lock that serialises attempts between processes.
    lock_path: PathBuf,
    /// Also kept in memory, so a folder we cannot write to still gets delays in this process.
    memory: Mutex<State>,
    /// Held for the whole of an attempt: one attempt in flight in this process.
    in_flight: Mutex<()>,
}

impl RateLimit {
    pub(crate) fn new(path: PathBuf) -> RateLimit {
        let mut lock_path = path.clone().into_os_string();
        lock_path.push(".lock");
        RateLimit {
            path,
            lock_path: lock_path.into(),
            memory: Mutex::new(State::default()),
            in_flight: Mutex::new(()),
        }
    }

    /// How long until the next attempt is allowed; `None` if it is allowed now.
    pub(crate) fn wait(&self) -> Option<Duration> {
        let state = self.current();
        let delay = delay_after(state.failures);
        let elapsed = now_ms().saturating_sub(state.last_failure_ms);
        // A clock set backwards gives `elapsed` 0: the wait is then at most one delay, never
        // the length of the jump.
        let remaining = delay.saturating_sub(Duration::from_millis(elapsed));
        (!remaining.is_zero()).then_some(remaining)
    }

    /// Starts an attempt: waits for any attempt in flight (here or in another process) to
    /// end, then refuses with the time left if the delay since the last failure has not
    /// passed. Nothing is counted yet: see [`Attempt::record`].
    ///
    /// The OS lock is best effort: in a folder where the lock file cannot be created (a
    /// read-only copy), attempts are serialised within this process only.
    pub(crate) fn begin(&self) -> Result<Attempt<'_>, Duration> {
        let thread = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let process = lock_file(&self.lock_path);
        if let Some(wait) = self.wait() {
            return Err(wait);
        }
        Ok(Attempt {
            limit: self,
            before: self.current(),
            recorded: false,
            _process: process,
            _thread: thread,
        })
    }

    /// Records a wrong attempt (outside [`RateLimit::begin`]; tests only).
    #[cfg(test)]
    pub(crate) fn failed(&self) {
        let mut state = self.current();
        state.failures = state.failures.saturating_add(1);
        state.last_failure_ms = now_ms();
        self.store(state);
    }

    /// Records a successful unlock: the count starts over (outside [`RateLimit::begin`];
    /// tests only).
    #[cfg(test)]
    pub(crate) fn succeeded(&self) {
        if self.current() != State::default() {
            self.store(State::default());
        }
    }

    /// The stricter of the file (another process may have written it) and memory.
    fn current(&self) -> State {
        let memory = *self.memory.lock().unwrap_or_else(|e| e.into_inner());
        let file = read(&self.path).unwrap_or_default();
        if (file.failures, file.last_failure_ms) > (memory.failures, memory.last_failure_ms) {
            file
        } else {
            memory
        }
    }

    /// Sets the state in memory and on disk. Best effort on disk: the in-memory state still
    /// applies if the folder is read-only.
    fn store(&self, state: State) {
        *self.memory.lock().unwrap_or_else(|e| e.into_inner()) = state;
        let _ = write(&self.path, state);
    }

    /// Replaces the state only if it differs (saves a write when nothing changes).
    fn store_if_changed(&self, state: State) {
        if self.current() != state {
            self.store(state);
        }
    }
}

/// One password or recovery-key attempt in flight, from [`RateLimit::begin`]. While it lives,
/// no other attempt on the same data folder can start (they wait).
///
/// Dropped without an outcome (an early error before [`Attempt::record`], or a panic after
/// it), it leaves the count as it is: a recorded attempt stays counted.
#[must_use = "an attempt ends with succeeded, failed or not_a_guess"]
pub(crate) struct Attempt<'a> {
    limit: &'a RateLimit,
    /// The state before this attempt, restored if it turns out not to be a guess.
    before: State,
    recorded: bool,
    _process: Option<File>,
    _thread: MutexGuard<'a, ()>,
}

impl Attempt<'_> {
    /// Counts the attempt as a failure, on disk, before the key derivation runs. If the
    /// derivation crashes or the process is killed, the attempt stays counted.
    pub(crate) fn record(&mut self) {
        if !self.recorded {
            self.recorded = true;
            self.limit.store(State {
                failures: self.before.failures.saturating_add(1),
                last_failure_ms: now_ms(),
            });
        }
    }

    /// The credential was right: the count starts over.
    pub(crate) fn succeeded(self) {
        self.limit.store_if_changed(State::default());
    }

    /// The credential was wrong: the failure stays counted, and the delay runs from now.
    pub(crate) fn failed(self) {
        self.limit.store(State {
            failures: self.before.failures.saturating_add(1),
            last_failure_ms: now_ms(),
        });
    }

    /// Something other than the credential failed (no such slot, Argon2 cost over the cap, out
    /// of memory): the attempt does not count.
    pub(crate) fn not_a_guess(self) {
        if self.recorded {
            self.limit.store(self.before);
        }
    }
}

/// Opens and locks (exclusively, waiting) the attempts lock file; `None` if it cannot be
/// created or locked. The OS releases the lock when the file is closed or the process dies.
fn lock_file(path: &Path) -> Option<File> {
    let mut options = File::options();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path).ok()?;
    fs4::FileExt::lock(&file).ok()?;
    Some(file)
}

fn read(path: &Path) -> Option<State> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

fn write(path: &Path, state: State) -> std::io::Result<()> {
    let json = serde_json::to_vec(&state).expect("plain data serialises");
    crate::files::write_atomically(path, &json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_after_three_failures_up_to_five_minutes() {
        let delays: Vec<u64> = (0..14).map(|n| delay_after(n).as_secs()).collect();
        assert_eq!(
            delays,
            [0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
        );
        assert_eq!(delay_after(u32::MAX), MAX_DELAY);
    }

    #[test]
    fn failures_are_counted_and_reset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("attempts.json");
        let limit = RateLimit::new(path.clone());
        for _ in 0..3 {
            assert_eq!(limit.wait(), None);
            limit.failed();
        }
        let wait = limit.wait().unwrap();
        assert!(wait > Duration::from_millis(500) && wait <= Duration::from_secs(1));
        // A fresh limiter (a restarted app) reads the file.
        assert!(RateLimit::new(path.clone()).wait().is_some());
        limit.succeeded();
        assert_eq!(limit.wait(), None);
        assert_eq!(RateLimit::new(path).wait(), None);
    }

    #[test]
    fn a_clock_set_back_waits_at_most_one_delay() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("attempts.json");
        let future = State {
            failures: 4,
            last_failure_ms: now_ms() + 86_400_000,
        };
        write(&path, future).unwrap();
        let wait = RateLimit::new(path).wait().unwrap();
        assert_eq!(wait, Duration::from_secs(2));
    }
}
