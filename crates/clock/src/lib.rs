//! Is this computer's clock right? TOTP codes are a function of the time, so a clock that is
//! off by more than a step makes sites reject them with no explanation.
//!
//! Two questions, kept apart because only the second talks to the network:
//! [`local_sync_status`] asks the OS whether it keeps the clock synchronised, and
//! [`measure_offset`] asks an SNTP server (RFC 4330) how far our clock is from its own.
//!
//! The SNTP exchange is written by hand (one 48-byte packet each way) rather than through the
//! `sntpc` crate: its API is built around its own socket trait and folds failures together,
//! while the app must tell "no answer" from "an answer that is not SNTP" from "no such server".

mod sntp;
mod sync;

pub use sntp::{ClockError, DEFAULT_PORT, Offset, measure_offset};
pub use sync::{SyncStatus, local_sync_status};
