//! The commands the UI may call, one module per domain. Each is granted in capabilities/.

pub mod accounts;
pub mod clipboard;
pub mod keys;
pub mod scan;
pub mod settings;
pub mod transfer;
pub mod vault;

use std::time::{SystemTime, UNIX_EPOCH};

/// In debug builds, makes every open dialog (importing a file, scanning an image file) return
/// this path without showing: end-to-end tests cannot click through a native dialog.
#[cfg(debug_assertions)]
const TEST_OPEN_PATH: &str = "COUNTERSIGN_TEST_OPEN_PATH";

/// Seconds since the Unix epoch: the one clock every code is computed from.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
