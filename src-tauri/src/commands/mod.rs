//! The commands the UI may call, one module per domain. Each is granted in capabilities/.

pub mod accounts;
pub mod clipboard;
pub mod keys;
pub mod scan;
pub mod settings;
pub mod transfer;
pub mod vault;

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch: the one clock every code is computed from.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
