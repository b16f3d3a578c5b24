//! A software security key: Google's OpenSK CTAP2 implementation running in-process on its own
//! thread, reached through the same CTAPHID and CTAP2 code as a USB key.
//!
//! For tests and the app's test-only mode. It keeps its credentials in memory; it forgets them
//! when dropped.

use crate::ctap2::CtapKey;
use crate::ctaphid::{Channel, HidLink, PACKET};
use crate::error::{Error, Result};
use opensk::api::customization::{CustomizationImpl, DEFAULT_CUSTOMIZATION};
use opensk::api::persist::{Attestation, AttestationId, Persist};
use opensk::api::user_presence::UserPresenceError;
use opensk::ctap::CtapState;
use opensk::env::Env;
use opensk::env::test::TestEnv;
use opensk::{Ctap, Transport};
use ring::rand::{SecureRandom, SystemRandom};
use std::collections::VecDeque;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The AAGUID the software key reports, so it is recognisable in reports.
pub const SOFT_KEY_AAGUID: [u8; 16] = [
    0xc0, 0xa1, 0xe7, 0xb2, 0x5f, 0x0e, 0x4c, 0x6b, 0x9a, 0x55, 0x3c, 0x0f, 0x1d, 0x2e, 0x7a, 0x41,
];

/// How the simulated person answers "touch your key".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Presence {
    /// Touches at once.
    Touch,
    /// Declines.
    Decline,
    /// Never touches.
    Ignore,
}

enum Message {
    Packet([u8; PACKET], mpsc::Sender<Vec<[u8; PACKET]>>),
    Replug,
    Advance(Duration),
    Presence(Presence),
}

/// A batch attestation certificate and its key, for a software key that attests as vendors'
/// keys do (packed attestation with an x5c chain) instead of with the credential's own key.
#[derive(Clone)]
pub struct BatchAttestation {
    /// The attestation certificate (DER); it must meet WebAuthn's packed certificate rules.
    pub certificate: Vec<u8>,
    /// Its P-256 private key: the 32-byte scalar.
    pub private_key: [u8; 32],
}

/// A running software authenticator; [`SoftAuthenticator::connect`] plugs it in.
///
/// Dropping it (and every key connected to it) stops its thread.
#[derive(Clone)]
pub struct SoftAuthenticator {
    tx: mpsc::Sender<Message>,
}

impl SoftAuthenticator {
    /// Starts a fresh authenticator: no PIN, no credentials, just "powered up".
    pub fn new() -> Result<SoftAuthenticator> {
        SoftAuthenticator::start(None)
    }

    /// Like [`SoftAuthenticator::new`], but registrations carry full (batch) attestation signed
    /// with `attestation`, as a YubiKey's do.
    pub fn with_attestation(attestation: BatchAttestation) -> Result<SoftAuthenticator> {
        SoftAuthenticator::start(Some(attestation))
    }

    fn start(attestation: Option<BatchAttestation>) -> Result<SoftAuthenticator> {
        let mut seed = [0u8; 8];
        SystemRandom::new()
            .fill(&mut seed)
            .map_err(|_| Error::Device("no randomness".into()))?;
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("soft-key".into())
            .spawn(move || run(rx, u64::from_le_bytes(seed), attestation))
            .map_err(|e| Error::Device(e.to_string()))?;
        Ok(SoftAuthenticator { tx })
    }

    /// Opens a CTAPHID channel to it, as opening a USB key would.
    pub fn connect(&self) -> Result<CtapKey> {
        let mut nonce = [0u8; 8];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| Error::Device("no randomness".into()))?;
        let link = SoftLink {
            tx: self.tx.clone(),
            pending: VecDeque::new(),
        };
        Ok(CtapKey::new(
            "Software key (OpenSK)".into(),
            Channel::open(Box::new(link), nonce)?,
        ))
    }

    /// Unplugs and replugs: volatile state (PIN tokens, the power-cycle lock, the reset
    /// window) starts over; stored credentials and the PIN stay.
    pub fn replug(&self) {
        let _ = self.tx.send(Message::Replug);
    }

    /// Lets simulated time pass (for the 10-second reset window and token timeouts).
    pub fn advance_clock(&self, by: Duration) {
        let _ = self.tx.send(Message::Advance(by));
    }

    /// Sets how touch requests are answered from now on.
    pub fn set_presence(&self, presence: Presence) {
        let _ = self.tx.send(Message::Presence(presence));
    }
}

fn run(rx: mpsc::Receiver<Message>, seed: u64, attestation: Option<BatchAttestation>) {
    let mut env = TestEnv::default();
    env.seed_rng_from_u64(seed);
    if env.persist().set_aaguid(&SOFT_KEY_AAGUID).is_err() {
        return;
    }
    if let Some(batch) = attestation {
        // OpenSK signs with the stored batch key whenever its customization asks for batch
        // attestation; the test environment's customization has no setter for that one flag.
        *env.customization_mut() = CustomizationImpl {
            use_batch_attestation: true,
            ..DEFAULT_CUSTOMIZATION
        }
        .into();
        let stored = Attestation {
            wrapped_private_key: batch.private_key.to_vec(),
            certificate: batch.certificate,
        };
        if env
            .persist()
            .set_attestation(AttestationId::Batch, Some(&stored))
            .is_err()
        {
            // The thread ends, so every request fails with "the software key has stopped".
            return;
        }
    }
    let mut ctap = Ctap::new(env);
    let mut last = Instant::now();
    while let Ok(message) = rx.recv() {
        // Real time passes on the simulated clock too, so the reset window is real seconds.
        let elapsed = last.elapsed();
        last = Instant::now();
        ctap.env().clock().advance(elapsed.as_millis() as usize);
        match message {
            Message::Packet(packet, reply) => {
                let out: Vec<_> = ctap
                    .process_hid_packet(&packet, Transport::MainHid)
                    .collect();
                let _ = reply.send(out);
            }
            Message::Replug => {
                let state = CtapState::new(ctap.env());
                *ctap.state() = state;
            }
            Message::Advance(by) => ctap.env().clock().advance(by.as_millis() as usize),
            Message::Presence(presence) => {
                // OpenSK polls presence until its own timer runs out; an ignored key lets
                // simulated time pass on every poll so that the timer does run out.
                let clock = ctap.env().clock().clone();
                ctap.env().user_presence().set(move || match presence {
                    Presence::Touch => Ok(()),
                    Presence::Decline => Err(UserPresenceError::Declined),
                    Presence::Ignore => {
                        clock.advance(1000);
                        Err(UserPresenceError::Timeout)
                    }
                })
            }
        }
    }
}

/// The HID link to the authenticator thread.
struct SoftLink {
    tx: mpsc::Sender<Message>,
    pending: VecDeque<[u8; PACKET]>,
}

impl HidLink for SoftLink {
    fn write(&mut self, report: &[u8; PACKET]) -> Result<()> {
        let (reply_tx, reply_rx) = mpsc::channel();
        self.tx
            .send(Message::Packet(*report, reply_tx))
            .map_err(|_| Error::Device("the software key has stopped".into()))?;
        let packets = reply_rx
            .recv()
            .map_err(|_| Error::Device("the software key has stopped".into()))?;
        self.pending.extend(packets);
        Ok(())
    }

    fn read(&mut self, timeout: Duration) -> Result<Option<[u8; PACKET]>> {
        match self.pending.pop_front() {
            Some(packet) => Ok(Some(packet)),
            None => {
                // Answers arrive with the write; nothing more will come.
                std::thread::sleep(timeout);
                Ok(None)
            }
        }
    }
}
