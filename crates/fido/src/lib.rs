//! Countersign's security keys.
//!
//! - [`SecurityKey`]: what the app and the CLI call — info, PIN, passkeys, fingerprints, reset,
//!   make credential and get assertion — with typed [`Error`]s and [`KeyEvent`]s for "touch
//!   your key". [`list_keys`] and [`open_key`] reach USB keys; with the `soft-key` feature,
//!   [`soft::SoftAuthenticator`] is an in-process OpenSK authenticator behind the same code.
//! - [`registration_test`]: a local WebAuthn registration and authentication against a key,
//!   verified check by check into a [`Report`].
//! - [`verify_registration`] and [`verify_assertion`]: the same checks offline, for people
//!   who implement WebAuthn on their servers.
//!
//! Every call blocks; run it off the UI thread and call [`SecurityKey::cancel`] to stop it.

#![warn(missing_docs)]

mod advice;
pub mod authdata;
pub mod b64;
pub mod catalog;
mod cbor;
mod ctap2;
mod ctaphid;
mod error;
mod hid;
mod key;
mod pin;
mod regtest;
mod report;
mod reset;
#[cfg(feature = "soft-key")]
pub mod soft;
mod verify;

// Tests look at freed memory for secrets that were not wiped (the allocator of crates/otp's
// tests); it only scans while a test arms it, on that test's thread.
#[cfg(test)]
#[path = "../../otp/tests/support/freed_memory.rs"]
mod freed_memory;
#[cfg(test)]
#[global_allocator]
static ALLOCATOR: freed_memory::FreedMemory = freed_memory::FreedMemory;

pub use advice::{access_help, sample_status};
pub use ctap2::CtapKey;
pub use error::{Error, Feature, PinRule, Result, status_name};
pub use hid::{KeyDescriptor, list_keys, open_key};
pub use key::{
    Algorithm, Assertion, AssertionRequest, EnrollProgress, EventSink, Fingerprint, KeyEvent,
    KeyInfo, MakeCredentialRequest, NewCredential, Passkey, PinRetries, SecurityKey, Signals, User,
};
pub use pin::{Pin, Protocol};
pub use regtest::{TestOptions, client_data_json, registration_test};
pub use report::{Chain, Check, Outcome, Report, Verdict, VerifiedCredential};
pub use reset::{ReplugWatch, ResetStage, reset_after_replug};
pub use verify::{
    Policy, algorithm_name, known_algorithm, verify_assertion, verify_assertion_with,
    verify_registration, verify_registration_with,
};
