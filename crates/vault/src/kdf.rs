//! Argon2id for the password slot: parameters, the cap applied to files we read, and calibration.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Params, Version};

use crate::crypto::{KEY_LEN, Key};
use crate::{Error, Result};

/// Salt length of the password slot (RFC 9106 recommends 128 bits).
pub(crate) const SALT_LEN: usize = 16;

/// Argon2id cost parameters, as stored in a password slot.
///
/// [`calibrate`] picks them for this machine; [`KdfParams::new`] takes explicit ones (tests,
/// benchmarks), which may be weaker than the calibration floor but never above the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
}

impl KdfParams {
    /// The least memory [`calibrate`] ever chooses: 64 MiB.
    pub const FLOOR_MEMORY_KIB: u32 = 64 * 1024;
    /// The most memory a vault may ask for: 1 GiB. Files asking for more are refused.
    pub const MAX_MEMORY_KIB: u32 = 1024 * 1024;
    /// The most lanes a vault may ask for.
    pub const MAX_PARALLELISM: u32 = 16;
    /// The most total work a vault may ask for, in KiB x passes (2 GiB-passes: a few seconds on
    /// a 2020s laptop). Files asking for more are refused before any work is done.
    pub const MAX_WORK_KIB: u64 = 2 * 1024 * 1024;

    /// Explicit parameters: memory in KiB, passes, lanes.
    ///
    /// `None` when Argon2 rejects them (zero passes or lanes, less than 8 KiB per lane) or when
    /// they exceed the cap. No floor is applied: this is for tests and benchmarks; the app uses
    /// [`calibrate`].
    pub fn new(memory_kib: u32, iterations: u32, parallelism: u32) -> Option<KdfParams> {
        let params = KdfParams::from_file(memory_kib, iterations, parallelism).ok()?;
        params.check_cap().ok()?;
        Some(params)
    }

    /// Parameters read from a file: checked for validity, not yet against the cap.
    pub(crate) fn from_file(memory_kib: u32, iterations: u32, parallelism: u32) -> Result<Self> {
        Params::new(memory_kib, iterations, parallelism, Some(KEY_LEN))
            .map_err(|_| Error::corrupt("invalid Argon2 parameters"))?;
        Ok(KdfParams {
            memory_kib,
            iterations,
            parallelism,
        })
    }

    /// Memory in KiB.
    pub fn memory_kib(&self) -> u32 {
        self.memory_kib
    }

    /// Passes over the memory.
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// Lanes.
    pub fn parallelism(&self) -> u32 {
        self.parallelism
    }

    /// Refuses parameters that would cost too much memory or time.
    pub(crate) fn check_cap(&self) -> Result<()> {
        let work = u64::from(self.memory_kib) * u64::from(self.iterations);
        if self.memory_kib > Self::MAX_MEMORY_KIB
            || self.parallelism > Self::MAX_PARALLELISM
            || work > Self::MAX_WORK_KIB
        {
            return Err(Error::KdfTooExpensive {
                memory_kib: self.memory_kib,
                iterations: self.iterations,
                parallelism: self.parallelism,
            });
        }
        Ok(())
    }

    /// Derives the wrapping key of a password slot. Checks the cap first.
    pub(crate) fn derive(&self, password: &[u8], salt: &[u8; SALT_LEN]) -> Result<Key> {
        self.check_cap()?;
        let params = Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_LEN),
        )
        .map_err(|_| Error::corrupt("invalid Argon2 parameters"))?;
        #[cfg(test)]
        crate::test_hooks::before_key_derivation();
        let mut key = Key::zeroed();
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(password, salt, key.bytes_mut())
            // The only failures left are an over-long password and an allocation failure; both
            // mean "more than this machine can do".
            .map_err(|_| Error::KdfTooExpensive {
                memory_kib: self.memory_kib,
                iterations: self.iterations,
                parallelism: self.parallelism,
            })?;
        Ok(key)
    }
}

/// The time [`calibrate`] aims for: in the middle of the 0.5–1 s that unlocking may take.
pub const CALIBRATION_TARGET: Duration = Duration::from_millis(750);

/// The most memory calibration chooses before adding passes instead (256 MiB).
const CALIBRATION_MAX_MEMORY_KIB: u32 = 256 * 1024;

/// Parameters for this machine, measured once per process: about [`CALIBRATION_TARGET`] per
/// derivation, at least [`KdfParams::FLOOR_MEMORY_KIB`], one lane.
pub fn calibrate() -> KdfParams {
    static CALIBRATED: OnceLock<KdfParams> = OnceLock::new();
    *CALIBRATED.get_or_init(|| calibrate_for(CALIBRATION_TARGET))
}

/// Parameters that take about `target` per derivation here (never below the floor).
///
/// Measures one pass over the floor's memory, then spends the budget on memory first (up to
/// 256 MiB) and on passes after that, staying within half the cap so a vault made on a fast
/// machine still opens on a slower one.
pub fn calibrate_for(target: Duration) -> KdfParams {
    let probe = KdfParams {
        memory_kib: KdfParams::FLOOR_MEMORY_KIB,
        iterations: 1,
        parallelism: 1,
    };
    let start = Instant::now();
    // The probe's parameters are valid and under the cap; a failure (no memory) leaves us
    // with the floor, which is what the elapsed time then gives anyway.
    let _ = probe.derive(b"calibration", &[0; SALT_LEN]);
    let per_kib_pass = start.elapsed().as_secs_f64() / f64::from(KdfParams::FLOOR_MEMORY_KIB);
    let budget_kib_passes = (target.as_secs_f64() / per_kib_pass.max(1e-12)).min(1e12) as u64;
    choose(budget_kib_passes)
}

/// Spends a work budget (KiB x passes) on memory, then passes: two passes at least when the
/// budget allows, memory between the floor and 256 MiB, total work within half the cap.
fn choose(budget_kib_passes: u64) -> KdfParams {
    let floor = u64::from(KdfParams::FLOOR_MEMORY_KIB);
    let memory = (budget_kib_passes / 2).clamp(floor, u64::from(CALIBRATION_MAX_MEMORY_KIB));
    let max_passes = (KdfParams::MAX_WORK_KIB / 2) / memory;
    let iterations = (budget_kib_passes / memory).clamp(1, max_passes);
    KdfParams {
        memory_kib: memory as u32,
        iterations: iterations as u32,
        parallelism: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_parameters_are_validated_and_capped() {
        assert!(KdfParams::new(8, 1, 1).is_some());
        assert!(KdfParams::new(8, 0, 1).is_none());
        assert!(KdfParams::new(8, 1, 2).is_none(), "8 KiB per lane minimum");
        assert!(KdfParams::new(KdfParams::MAX_MEMORY_KIB + 1, 1, 1).is_none());
        assert!(KdfParams::new(KdfParams::MAX_MEMORY_KIB, 2, 1).is_some());
        assert!(
            KdfParams::new(KdfParams::MAX_MEMORY_KIB, 3, 1).is_none(),
            "work cap"
        );
        assert!(KdfParams::new(64, 1, 17).is_none());
    }

    #[test]
    fn over_the_cap_is_refused_before_any_work() {
        let hostile = KdfParams::from_file(u32::MAX, 1, 1).unwrap();
        let start = Instant::now();
        let error = hostile.derive(b"pw", &[0; SALT_LEN]).unwrap_err();
        assert!(start.elapsed() < Duration::from_millis(100));
        assert_eq!(error.kind(), "kdf_too_expensive");
        let slow = KdfParams::from_file(64 * 1024, 100, 1).unwrap();
        assert_eq!(slow.check_cap().unwrap_err().kind(), "kdf_too_expensive");
    }

    #[test]
    fn derivation_is_deterministic_and_salted() {
        let params = KdfParams::new(64, 1, 1).unwrap();
        let a = params.derive(b"password", &[1; SALT_LEN]).unwrap();
        let b = params.derive(b"password", &[1; SALT_LEN]).unwrap();
        let c = params.derive(b"password", &[2; SALT_LEN]).unwrap();
        assert_eq!(a.bytes(), b.bytes());
        assert_ne!(a.bytes(), c.bytes());
    }

    #[test]
    fn budget_goes_to_memory_then_passes_within_the_cap() {
        let floor = KdfParams::FLOOR_MEMORY_KIB;
        // A slow machine: the floor wins over the time target.
        assert_eq!(choose(1000), KdfParams::new(floor, 1, 1).unwrap());
        // This kind of machine: ~300 MiB-passes in the target time.
        assert_eq!(
            choose(300 * 1024),
            KdfParams::new(150 * 1024, 2, 1).unwrap()
        );
        // A very fast machine: 256 MiB, passes limited to half the cap.
        let fast = choose(u64::MAX / 4);
        assert_eq!(fast.memory_kib(), 256 * 1024);
        assert_eq!(fast.iterations(), 4);
        assert!(fast.check_cap().is_ok());
    }
}
