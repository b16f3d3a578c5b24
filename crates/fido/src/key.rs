//! The `SecurityKey` boundary the app and the CLI talk to, and the plain data it returns.

use crate::error::Result;
use crate::pin::Pin;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// What a key tells the caller while an operation runs, so the UI can say "touch your key".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum KeyEvent {
    /// The key waits for a touch (CTAPHID keep-alive "user presence needed").
    TouchNeeded,
}

/// A callback receiving [`KeyEvent`]s; called on the thread running the operation.
pub type EventSink = Arc<dyn Fn(KeyEvent) + Send + Sync>;

/// The cancel flag and event sink shared between a key and the threads that use it.
#[derive(Clone, Default)]
pub struct Signals {
    cancelled: Arc<AtomicBool>,
    sink: Arc<Mutex<Option<EventSink>>>,
}

impl Signals {
    /// Asks the running operation to stop.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    /// Whether a cancel is pending.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// Consumes a pending cancel, returning whether there was one.
    pub(crate) fn take_cancel(&self) -> bool {
        self.cancelled.swap(false, Ordering::SeqCst)
    }

    /// Replaces the event sink.
    pub fn set_sink(&self, sink: EventSink) {
        *self.sink.lock().unwrap_or_else(|e| e.into_inner()) = Some(sink);
    }

    pub(crate) fn emit(&self, event: KeyEvent) {
        let sink = self.sink.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(sink) = sink {
            sink(event);
        }
    }
}

/// A COSE public-key algorithm a credential can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Algorithm {
    /// ECDSA with P-256 and SHA-256 (COSE -7).
    Es256,
    /// Ed25519 (COSE -8).
    EdDsa,
}

impl Algorithm {
    /// The COSE algorithm identifier.
    pub fn cose(self) -> i64 {
        match self {
            Algorithm::Es256 => -7,
            Algorithm::EdDsa => -8,
        }
    }

    /// The algorithm for a COSE identifier, if this crate can ask a key for it.
    pub fn from_cose(id: i64) -> Option<Algorithm> {
        match id {
            -7 => Some(Algorithm::Es256),
            -8 => Some(Algorithm::EdDsa),
            _ => None,
        }
    }
}

/// Everything getInfo says about a key, plus its PIN state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyInfo {
    /// Model name looked up by AAGUID, when known.
    pub model: Option<String>,
    /// The AAGUID as a UUID string (all zeros for U2F-only or privacy-preserving keys).
    pub aaguid: String,
    /// Firmware version number as the key reports it.
    pub firmware_version: Option<u64>,
    /// Supported protocol versions (FIDO_2_0, FIDO_2_1, U2F_V2, ...).
    pub versions: Vec<String>,
    /// Supported extensions (hmac-secret, credProtect, ...).
    pub extensions: Vec<String>,
    /// getInfo options (rk, up, uv, clientPin, credMgmt, bioEnroll, alwaysUv, ...).
    pub options: BTreeMap<String, bool>,
    /// PIN/UV auth protocols, in the key's order of preference.
    pub pin_protocols: Vec<u8>,
    /// COSE algorithms the key offers.
    pub algorithms: Vec<i64>,
    /// Transports the key declares (usb, nfc, ...).
    pub transports: Vec<String>,
    /// Maximum CTAP message size in bytes.
    pub max_msg_size: Option<u64>,
    /// Minimum PIN length in Unicode code points (4 when the key does not say).
    pub min_pin_length: u64,
    /// The key demands a PIN change before anything else.
    pub force_pin_change: bool,
    /// How many more discoverable credentials fit, when the key says.
    pub remaining_discoverable_credentials: Option<u64>,
    /// Whether a PIN is set; `None` when the key has no PIN support.
    pub pin_set: Option<bool>,
    /// PIN attempts left before blocking, when a PIN is set.
    pub pin_retries: Option<u32>,
    /// The key must be unplugged and replugged before another PIN attempt.
    pub power_cycle_needed: bool,
}

impl KeyInfo {
    /// Whether the key speaks CTAP 2.1 (credMgmt, bioEnroll and permissions tokens).
    pub fn is_ctap21(&self) -> bool {
        self.versions.iter().any(|v| v == "FIDO_2_1")
    }

    /// An option's value: `None` when absent (unsupported).
    pub fn option(&self, name: &str) -> Option<bool> {
        self.options.get(name).copied()
    }

    /// Whether an extension is supported.
    pub fn has_extension(&self, name: &str) -> bool {
        self.extensions.iter().any(|e| e == name)
    }

    /// Whether the key stores passkeys and lets them be listed and deleted: `rk` with
    /// `credMgmt` (CTAP 2.1) or its preview name (CTAP 2.1 pre-release keys).
    pub fn manages_passkeys(&self) -> bool {
        self.option("rk") == Some(true)
            && (self.option("credMgmt") == Some(true)
                || self.option("credentialMgmtPreview") == Some(true))
    }

    /// Whether the key has a fingerprint sensor: `bioEnroll` or its preview name is present
    /// (false only means none is enrolled yet).
    pub fn has_sensor(&self) -> bool {
        self.option("bioEnroll").is_some() || self.option("userVerificationMgmtPreview").is_some()
    }
}

/// PIN retry state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PinRetries {
    /// Attempts left.
    pub retries: u32,
    /// The key must be power-cycled before the next attempt.
    pub power_cycle_needed: bool,
}

/// A user account as WebAuthn describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct User {
    /// The site's opaque user handle.
    #[serde(with = "crate::b64")]
    pub id: Vec<u8>,
    /// Account name (often an e-mail address).
    pub name: Option<String>,
    /// Human-friendly name.
    pub display_name: Option<String>,
}

/// A discoverable credential stored on a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Passkey {
    /// The site (RP ID) it belongs to.
    pub rp_id: String,
    /// The site's name, when the key kept it.
    pub rp_name: Option<String>,
    /// The account.
    pub user: User,
    /// The credential ID, needed to delete it.
    #[serde(with = "crate::b64")]
    pub credential_id: Vec<u8>,
    /// credProtect level (1 optional, 2 optional with ID list, 3 required), when reported.
    pub cred_protect: Option<u8>,
}

/// An enrolled fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fingerprint {
    /// Template ID, needed to rename or remove it.
    #[serde(with = "crate::b64")]
    pub id: Vec<u8>,
    /// Friendly name, when set.
    pub name: Option<String>,
}

/// One step of fingerprint enrolment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnrollProgress {
    /// Samples still needed.
    pub remaining_samples: u32,
    /// lastEnrollSampleStatus (0 good; others say what went wrong with the touch).
    pub last_status: u8,
}

/// Parameters of authenticatorMakeCredential.
#[derive(Debug, Clone)]
pub struct MakeCredentialRequest {
    /// The full WebAuthn clientDataJSON; the key signs its SHA-256.
    pub client_data_json: Vec<u8>,
    /// Relying party ID (a domain).
    pub rp_id: String,
    /// Relying party name shown by some keys.
    pub rp_name: String,
    /// The account.
    pub user: User,
    /// Acceptable algorithms, most preferred first.
    pub algorithms: Vec<Algorithm>,
    /// Store a discoverable credential (passkey) on the key.
    pub discoverable: bool,
    /// Ask for built-in user verification when no PIN is given.
    pub user_verification: bool,
    /// Ask for the hmac-secret extension.
    pub hmac_secret: bool,
    /// Credential IDs the key must not already hold.
    pub exclude: Vec<Vec<u8>>,
}

/// A new credential, as a relying party would receive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewCredential {
    /// The WebAuthn attestationObject (CBOR map of fmt, attStmt, authData).
    #[serde(with = "crate::b64")]
    pub attestation_object: Vec<u8>,
    /// The credential ID.
    #[serde(with = "crate::b64")]
    pub credential_id: Vec<u8>,
    /// The attestation format (packed, fido-u2f, none, ...).
    pub format: String,
}

/// Parameters of authenticatorGetAssertion.
#[derive(Debug, Clone)]
pub struct AssertionRequest {
    /// The full WebAuthn clientDataJSON; the key signs authData || SHA-256 of it.
    pub client_data_json: Vec<u8>,
    /// Relying party ID.
    pub rp_id: String,
    /// Credential IDs to use; empty means "any discoverable credential for this site".
    pub allow: Vec<Vec<u8>>,
    /// Ask for user presence (a touch).
    pub user_presence: bool,
    /// Ask for built-in user verification when no PIN is given.
    pub user_verification: bool,
    /// Evaluate hmac-secret with this salt.
    pub hmac_salt: Option<[u8; 32]>,
}

/// One assertion from a key. Its Debug output leaves out the hmac-secret output (a key for
/// whatever the caller protects with it), showing only whether there is one.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Assertion {
    /// The credential that signed.
    #[serde(with = "crate::b64")]
    pub credential_id: Vec<u8>,
    /// The authenticator data that was signed.
    #[serde(with = "crate::b64")]
    pub authenticator_data: Vec<u8>,
    /// The signature over authenticatorData || clientDataHash.
    #[serde(with = "crate::b64")]
    pub signature: Vec<u8>,
    /// The account, for discoverable credentials.
    pub user: Option<User>,
    /// The decrypted hmac-secret output, when requested and supported.
    #[serde(skip)]
    pub hmac_secret: Option<zeroize::Zeroizing<Vec<u8>>>,
}

impl std::fmt::Debug for Assertion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assertion")
            .field("credential_id", &self.credential_id)
            .field("authenticator_data", &self.authenticator_data)
            .field("signature", &self.signature)
            .field("user", &self.user)
            .field(
                "hmac_secret",
                &self
                    .hmac_secret
                    .as_ref()
                    .map(|s| format!("<{} bytes>", s.len())),
            )
            .finish()
    }
}

/// A FIDO2 security key. All methods block: run them off the UI thread.
///
/// While an operation waits for a touch the key emits [`KeyEvent::TouchNeeded`] to the sink set
/// with [`SecurityKey::set_event_sink`]; [`SecurityKey::cancel`], called from another thread,
/// stops the operation, which then returns [`crate::Error::Cancelled`].
pub trait SecurityKey: Send + Sync {
    /// A human label for the key (product name, or "Software key").
    fn label(&self) -> String;
    /// Reads getInfo and the PIN state.
    fn info(&self) -> Result<KeyInfo>;
    /// Creates a credential (authenticatorMakeCredential).
    fn make_credential(
        &self,
        request: &MakeCredentialRequest,
        pin: Option<&Pin>,
    ) -> Result<NewCredential>;
    /// Signs with a credential (authenticatorGetAssertion, and GetNextAssertion for the rest).
    fn get_assertion(
        &self,
        request: &AssertionRequest,
        pin: Option<&Pin>,
    ) -> Result<Vec<Assertion>>;
    /// PIN attempts left.
    fn pin_retries(&self) -> Result<PinRetries>;
    /// Sets the first PIN.
    fn set_pin(&self, new_pin: &Pin) -> Result<()>;
    /// Changes the PIN.
    fn change_pin(&self, current: &Pin, new_pin: &Pin) -> Result<()>;
    /// Lists discoverable credentials (credential management).
    fn passkeys(&self, pin: &Pin) -> Result<Vec<Passkey>>;
    /// Deletes one discoverable credential.
    fn delete_passkey(&self, pin: &Pin, credential_id: &[u8]) -> Result<()>;
    /// Lists enrolled fingerprints (bio enrolment).
    fn fingerprints(&self, pin: &Pin) -> Result<Vec<Fingerprint>>;
    /// Renames a fingerprint.
    fn rename_fingerprint(&self, pin: &Pin, id: &[u8], name: &str) -> Result<()>;
    /// Removes a fingerprint.
    fn remove_fingerprint(&self, pin: &Pin, id: &[u8]) -> Result<()>;
    /// Enrols a fingerprint, reporting each sample; returns the new template.
    fn enroll_fingerprint(
        &self,
        pin: &Pin,
        progress: &mut dyn FnMut(EnrollProgress),
    ) -> Result<Fingerprint>;
    /// Turns "always require user verification" (CTAP 2.1 alwaysUv) on or off; doing nothing
    /// when it already is. Needs the PIN when one is set.
    fn set_always_uv(&self, pin: Option<&Pin>, on: bool) -> Result<()>;
    /// Erases every credential and the PIN. Keys allow it only within seconds of being plugged
    /// in, and then need a touch.
    fn reset(&self) -> Result<()>;
    /// Makes the key blink so the person can tell which one it is.
    fn wink(&self) -> Result<()>;
    /// Cancels the running operation (from another thread).
    fn cancel(&self);
    /// Sets where [`KeyEvent`]s go.
    fn set_event_sink(&self, sink: EventSink);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assertion_debug_leaves_out_the_hmac_secret_output() {
        let output: Vec<u8> = (0xA0..0xC0).collect();
        let assertion = Assertion {
            credential_id: vec![1, 2, 3],
            authenticator_data: vec![4; 37],
            signature: vec![5; 8],
            user: None,
            hmac_secret: Some(zeroize::Zeroizing::new(output.clone())),
        };
        let shown = format!("{assertion:?}");
        let as_list = format!("{:?}", &output[..4]);
        let as_list = as_list.trim_end_matches(']');
        assert!(!shown.contains(as_list), "{shown}");
        let hex: String = output.iter().map(|b| format!("{b:02x}")).collect();
        assert!(!shown.to_lowercase().contains(&hex[..8]), "{shown}");
        assert!(
            shown.contains("hmac_secret: Some(\"<32 bytes>\")"),
            "{shown}"
        );
        assert!(shown.contains("credential_id: [1, 2, 3]"), "{shown}");
        let alternate = format!("{assertion:#?}");
        assert!(!alternate.contains("160,\n"), "{alternate}");
    }
}
