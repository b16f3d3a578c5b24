//! A test seam: code to run just before a credential's key is derived (Argon2id for a
//! password, the hash of a recovery key), to look at what is on disk at that moment. Compiled
//! into tests only.

use std::cell::RefCell;

thread_local! {
    /// Set by a test on its own thread; key derivations on that thread call it.
    static BEFORE_KEY_DERIVATION: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Called by the key derivations (tests only).
pub(crate) fn before_key_derivation() {
    BEFORE_KEY_DERIVATION.with(|hook| {
        if let Some(hook) = &*hook.borrow() {
            hook();
        }
    });
}

/// Runs `body` with `hook` called before every key derivation on this thread.
pub(crate) fn with_hook<T>(hook: impl Fn() + 'static, body: impl FnOnce() -> T) -> T {
    BEFORE_KEY_DERIVATION.with(|slot| *slot.borrow_mut() = Some(Box::new(hook)));
    let result = body();
    BEFORE_KEY_DERIVATION.with(|slot| *slot.borrow_mut() = None);
    result
}

/// Attempts are counted on disk before the key derivation runs, so a crash or a kill during
/// Argon2id (or a second process reading the file meanwhile) still sees the attempt.
#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::path::Path;
    use std::rc::Rc;

    use super::with_hook;
    use crate::{ATTEMPTS_FILE, KdfParams, Store};

    /// The failure count in the attempts file, as another process would read it.
    fn failures_on_disk(dir: &Path) -> u64 {
        let Ok(bytes) = std::fs::read(dir.join(ATTEMPTS_FILE)) else {
            return 0;
        };
        let state: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        state["failures"].as_u64().unwrap()
    }

    /// Runs `attempt` and returns the count on disk seen during its key derivation(s).
    fn seen_while_deriving(dir: &Path, attempt: impl FnOnce()) -> Vec<u64> {
        let seen = Rc::new(Cell::new(Vec::new()));
        let hook_seen = Rc::clone(&seen);
        let hook_dir = dir.to_owned();
        with_hook(
            move || {
                let mut list = hook_seen.take();
                list.push(failures_on_disk(&hook_dir));
                hook_seen.set(list);
            },
            attempt,
        );
        seen.take()
    }

    #[test]
    fn the_attempt_is_on_disk_before_the_key_is_derived() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path())
            .unwrap()
            .with_kdf(KdfParams::new(64, 1, 1).unwrap());
        let (vault, recovery) = store.create(Some("right"), false).unwrap();
        let recovery = recovery.to_grouped();

        let seen = seen_while_deriving(dir.path(), || {
            assert_eq!(
                store.unlock_with_password("wrong").unwrap_err().kind(),
                "wrong_password"
            );
        });
        assert_eq!(seen, [1]);
        assert_eq!(failures_on_disk(dir.path()), 1);

        let seen = seen_while_deriving(dir.path(), || {
            let wrong = "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA";
            assert_eq!(
                store.unlock_with_recovery(wrong).unwrap_err().kind(),
                "wrong_recovery_key"
            );
        });
        assert_eq!(seen, [2]);

        let seen = seen_while_deriving(dir.path(), || {
            assert_eq!(
                vault.verify_password("wrong").unwrap_err().kind(),
                "wrong_password"
            );
        });
        assert_eq!(seen, [3]);
        assert_eq!(failures_on_disk(dir.path()), 3);

        // The fourth attempt waits a second; a right one is counted during the derivation
        // too, then the count is cleared.
        std::thread::sleep(store.unlock_wait().unwrap());
        let seen = seen_while_deriving(dir.path(), || {
            store.unlock_with_recovery(&recovery).unwrap();
        });
        assert_eq!(seen, [4]);
        assert_eq!(failures_on_disk(dir.path()), 0);
        assert_eq!(store.unlock_wait(), None);
    }

    #[test]
    fn an_error_that_is_not_a_guess_leaves_no_count() {
        let vector = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/vectors/v1-kdf-over-cap.txt"
        ))
        .unwrap();
        let base64 = vector
            .lines()
            .find_map(|line| line.strip_prefix("vault: "))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let bytes = data_encoding::BASE64.decode(base64.as_bytes()).unwrap();
        std::fs::write(dir.path().join(crate::VAULT_FILE), bytes).unwrap();
        let store = Store::open(dir.path()).unwrap();
        let seen = seen_while_deriving(dir.path(), || {
            for _ in 0..5 {
                assert_eq!(
                    store.unlock_with_password("pw").unwrap_err().kind(),
                    "kdf_too_expensive"
                );
            }
        });
        assert_eq!(seen, [] as [u64; 0]);
        assert_eq!(failures_on_disk(dir.path()), 0);
        assert_eq!(store.unlock_wait(), None);
    }
}
