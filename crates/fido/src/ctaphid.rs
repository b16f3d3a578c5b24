//! CTAPHID framing (CTAP 2.1 §11.2): channels, packets, keep-alives and cancel.
//!
//! Written here rather than borrowed from ctap-hid-fido2 because its framing is private, blocks
//! without a timeout and cannot be cancelled; ours polls, reports "touch your key" and sends
//! CTAPHID_CANCEL when asked. The same code runs against USB keys and the software key.

use crate::error::{Error, Result};
use crate::key::{KeyEvent, Signals};
use std::time::{Duration, Instant};

/// HID report payload size of every FIDO key.
pub(crate) const PACKET: usize = 64;
const INIT_DATA: usize = PACKET - 7;
const CONT_DATA: usize = PACKET - 5;

pub(crate) const CMD_INIT: u8 = 0x86;
pub(crate) const CMD_WINK: u8 = 0x88;
pub(crate) const CMD_CBOR: u8 = 0x90;
const CMD_CANCEL: u8 = 0x91;
const CMD_KEEPALIVE: u8 = 0xBB;
const CMD_ERROR: u8 = 0xBF;
const BROADCAST: [u8; 4] = [0xff; 4];

/// How long to poll once before looking at the cancel flag again.
const POLL: Duration = Duration::from_millis(100);
/// A key that sends nothing at all for this long is gone or hung (live keys send keep-alives).
const SILENCE: Duration = Duration::from_secs(5);
/// Upper bound for one command, touch included; keys time out their own touch wait sooner.
const LONGEST: Duration = Duration::from_secs(120);
/// Packets for other applications' channels skipped while waiting for one answer, at most.
/// A busy neighbour sends a keep-alive every 100 ms and answers of up to 129 packets; a
/// device that sends more than this without a word for us is flooding the link.
pub(crate) const MAX_FOREIGN_PACKETS: usize = 4096;

/// One HID interface: 64-byte reports out and in.
pub(crate) trait HidLink: Send {
    /// Sends one report.
    fn write(&mut self, report: &[u8; PACKET]) -> Result<()>;
    /// Waits up to `timeout` for one report.
    fn read(&mut self, timeout: Duration) -> Result<Option<[u8; PACKET]>>;
}

/// A CTAPHID channel on one link.
pub(crate) struct Channel {
    link: Box<dyn HidLink>,
    cid: [u8; 4],
}

impl Channel {
    /// Allocates a channel with CTAPHID_INIT on the broadcast channel.
    pub(crate) fn open(link: Box<dyn HidLink>, nonce: [u8; 8]) -> Result<Channel> {
        let mut channel = Channel {
            link,
            cid: BROADCAST,
        };
        let reply = channel.transact(CMD_INIT, &nonce, &Signals::default())?;
        if reply.len() < 17 || reply[..8] != nonce {
            return Err(Error::Protocol(
                "CTAPHID_INIT answered with a wrong nonce".into(),
            ));
        }
        channel.cid.copy_from_slice(&reply[8..12]);
        Ok(channel)
    }

    /// Sends one message and returns the response payload.
    pub(crate) fn transact(
        &mut self,
        cmd: u8,
        payload: &[u8],
        signals: &Signals,
    ) -> Result<Vec<u8>> {
        for packet in frame(self.cid, cmd, payload)? {
            self.link.write(&packet)?;
        }
        self.receive(cmd, signals)
    }

    fn receive(&mut self, cmd: u8, signals: &Signals) -> Result<Vec<u8>> {
        let started = Instant::now();
        let mut last_heard = Instant::now();
        let mut cancel_sent = false;
        let mut touch_reported = false;
        let mut foreign = 0;
        loop {
            if signals.is_cancelled() && !cancel_sent {
                let mut cancel = [0u8; PACKET];
                cancel[..4].copy_from_slice(&self.cid);
                cancel[4] = CMD_CANCEL;
                self.link.write(&cancel)?;
                cancel_sent = true;
            }
            if started.elapsed() > LONGEST || last_heard.elapsed() > SILENCE {
                return Err(Error::Timeout);
            }
            let Some(packet) = self.link.read(POLL)? else {
                continue;
            };
            if packet[..4] != self.cid {
                // Another application's channel.
                skip_foreign(&mut foreign)?;
                continue;
            }
            last_heard = Instant::now();
            match packet[4] {
                CMD_KEEPALIVE => {
                    // Status 2 is "waiting for user presence".
                    if packet[7] == 2 && !touch_reported {
                        touch_reported = true;
                        signals.emit(KeyEvent::TouchNeeded);
                    }
                }
                CMD_ERROR => return Err(hid_error(packet[7])),
                c if c == cmd => return self.reassemble(&packet, foreign),
                other => {
                    return Err(Error::Protocol(format!(
                        "expected CTAPHID command 0x{cmd:02x}, got 0x{other:02x}"
                    )));
                }
            }
        }
    }

    /// Reads the continuation packets of the answer `first` begins; `foreign` packets for
    /// other channels were already skipped on the way.
    fn reassemble(&mut self, first: &[u8; PACKET], mut foreign: usize) -> Result<Vec<u8>> {
        let total = usize::from(u16::from_be_bytes([first[5], first[6]]));
        let mut data = first[7..7 + total.min(INIT_DATA)].to_vec();
        let mut seq = 0u8;
        let mut last_heard = Instant::now();
        while data.len() < total {
            let wait = SILENCE.saturating_sub(last_heard.elapsed());
            let packet = self.link.read(wait)?.ok_or(Error::Timeout)?;
            if packet[..4] != self.cid {
                skip_foreign(&mut foreign)?;
                if last_heard.elapsed() > SILENCE {
                    return Err(Error::Timeout);
                }
                continue;
            }
            last_heard = Instant::now();
            if packet[4] != seq {
                return Err(Error::Protocol(
                    "CTAPHID continuation out of sequence".into(),
                ));
            }
            seq = seq.wrapping_add(1);
            let take = (total - data.len()).min(CONT_DATA);
            data.extend_from_slice(&packet[5..5 + take]);
        }
        Ok(data)
    }
}

/// Counts one more packet for another channel; past [`MAX_FOREIGN_PACKETS`] the wait ends.
fn skip_foreign(foreign: &mut usize) -> Result<()> {
    *foreign += 1;
    if *foreign > MAX_FOREIGN_PACKETS {
        return Err(Error::Device(format!(
            "the key sent more than {MAX_FOREIGN_PACKETS} packets for other applications' \
             channels and none for ours; another application may be flooding it"
        )));
    }
    Ok(())
}

/// Splits a message into an initialisation packet and continuation packets.
pub(crate) fn frame(cid: [u8; 4], cmd: u8, payload: &[u8]) -> Result<Vec<[u8; PACKET]>> {
    // 128 continuation packets is the protocol's limit (7609 bytes).
    if payload.len() > INIT_DATA + 128 * CONT_DATA {
        return Err(Error::Protocol("request too large for CTAPHID".into()));
    }
    let mut packets = Vec::new();
    let mut first = [0u8; PACKET];
    first[..4].copy_from_slice(&cid);
    first[4] = cmd;
    first[5..7].copy_from_slice(&(payload.len() as u16).to_be_bytes());
    let (head, mut rest) = payload.split_at(payload.len().min(INIT_DATA));
    first[7..7 + head.len()].copy_from_slice(head);
    packets.push(first);
    let mut seq = 0u8;
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(rest.len().min(CONT_DATA));
        let mut packet = [0u8; PACKET];
        packet[..4].copy_from_slice(&cid);
        packet[4] = seq;
        packet[5..5 + chunk.len()].copy_from_slice(chunk);
        packets.push(packet);
        seq += 1;
        rest = tail;
    }
    Ok(packets)
}

fn hid_error(code: u8) -> Error {
    match code {
        0x06 => Error::Device("the key is busy with another application".into()),
        0x05 => Error::Timeout,
        _ => Error::Device(format!("CTAPHID error 0x{code:02x}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    /// A scripted link: answers with canned packets and records what was written.
    struct Scripted {
        replies: VecDeque<[u8; PACKET]>,
        written: Arc<Mutex<Vec<[u8; PACKET]>>>,
    }

    impl HidLink for Scripted {
        fn write(&mut self, report: &[u8; PACKET]) -> Result<()> {
            self.written.lock().unwrap().push(*report);
            Ok(())
        }
        fn read(&mut self, _: Duration) -> Result<Option<[u8; PACKET]>> {
            Ok(self.replies.pop_front())
        }
    }

    /// A link shared with a chatty neighbour: after `ours`, only packets for another channel.
    struct Flooded {
        ours: VecDeque<[u8; PACKET]>,
        sent: Arc<Mutex<usize>>,
    }

    impl HidLink for Flooded {
        fn write(&mut self, _: &[u8; PACKET]) -> Result<()> {
            Ok(())
        }
        fn read(&mut self, _: Duration) -> Result<Option<[u8; PACKET]>> {
            if let Some(packet) = self.ours.pop_front() {
                return Ok(Some(packet));
            }
            *self.sent.lock().unwrap() += 1;
            let mut foreign = [0u8; PACKET];
            foreign[..4].copy_from_slice(&[7, 7, 7, 7]);
            foreign[4] = CMD_KEEPALIVE;
            Ok(Some(foreign))
        }
    }

    /// Runs `receive` on a flooded link on a thread of its own; `None` if it had not returned
    /// after 20 seconds (the old reader spun for ever on a flood in mid-answer).
    fn receive_flooded(ours: Vec<[u8; PACKET]>) -> Option<(Result<Vec<u8>>, usize)> {
        let sent = Arc::new(Mutex::new(0));
        let link = Flooded {
            ours: ours.into(),
            sent: sent.clone(),
        };
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut channel = Channel {
                link: Box::new(link),
                cid: [1, 2, 3, 4],
            };
            let _ = tx.send(channel.receive(CMD_CBOR, &Signals::default()));
        });
        let result = rx.recv_timeout(Duration::from_secs(20)).ok()?;
        let skipped = *sent.lock().unwrap();
        Some((result, skipped))
    }

    fn assert_flood_refused(outcome: Option<(Result<Vec<u8>>, usize)>) {
        let (result, skipped) = outcome.expect("the reader returned");
        match result {
            Err(Error::Device(message)) => {
                assert!(
                    message.contains("other applications' channels"),
                    "{message}"
                )
            }
            other => panic!("expected the flood to be refused, got {other:?}"),
        }
        assert_eq!(skipped, MAX_FOREIGN_PACKETS + 1);
    }

    #[test]
    fn a_flood_on_other_channels_ends_the_wait_for_an_answer() {
        assert_flood_refused(receive_flooded(vec![]));
    }

    #[test]
    fn a_flood_on_other_channels_ends_the_wait_for_the_rest_of_an_answer() {
        let payload = vec![0xA5; 200];
        let mut packets = frame([1, 2, 3, 4], CMD_CBOR, &payload).unwrap();
        packets.truncate(2);
        assert_flood_refused(receive_flooded(packets));
    }

    #[test]
    fn frames_split_and_reassemble() {
        let payload: Vec<u8> = (0..200u16).map(|i| i as u8).collect();
        let packets = frame([1, 2, 3, 4], CMD_CBOR, &payload).unwrap();
        assert_eq!(packets.len(), 4); // 57 + 59 + 59 + 25
        assert_eq!(packets[0][5..7], [0, 200]);
        assert_eq!(packets[3][4], 2);
        let written = Arc::new(Mutex::new(Vec::new()));
        let mut channel = Channel {
            link: Box::new(Scripted {
                replies: packets.into_iter().collect(),
                written,
            }),
            cid: [1, 2, 3, 4],
        };
        let back = channel.receive(CMD_CBOR, &Signals::default()).unwrap();
        assert_eq!(back, payload);
    }

    #[test]
    fn keepalive_reports_touch_and_cancel_is_sent() {
        let cid = [9, 9, 9, 9];
        let mut keepalive = [0u8; PACKET];
        keepalive[..4].copy_from_slice(&cid);
        keepalive[4] = CMD_KEEPALIVE;
        keepalive[6] = 1;
        keepalive[7] = 2;
        let mut answer = frame(cid, CMD_CBOR, &[0x2D]).unwrap();
        let written = Arc::new(Mutex::new(Vec::new()));
        let mut channel = Channel {
            link: Box::new(Scripted {
                replies: [keepalive, answer.remove(0)].into_iter().collect(),
                written: written.clone(),
            }),
            cid,
        };
        let signals = Signals::default();
        let events = Arc::new(Mutex::new(Vec::new()));
        let seen = events.clone();
        signals.set_sink(Arc::new(move |e| seen.lock().unwrap().push(e)));
        signals.cancel();
        let reply = channel.receive(CMD_CBOR, &signals).unwrap();
        assert_eq!(reply, [0x2D]);
        assert_eq!(*events.lock().unwrap(), [KeyEvent::TouchNeeded]);
        let written = written.lock().unwrap();
        assert_eq!(written.len(), 1);
        assert_eq!(written[0][4], CMD_CANCEL);
    }

    #[test]
    fn ctaphid_errors_and_silence_are_reported() {
        let cid = [1, 1, 1, 1];
        let mut error = [0u8; PACKET];
        error[..4].copy_from_slice(&cid);
        error[4] = CMD_ERROR;
        error[6] = 1;
        error[7] = 0x06;
        let mut channel = Channel {
            link: Box::new(Scripted {
                replies: [error].into_iter().collect(),
                written: Arc::default(),
            }),
            cid,
        };
        let err = channel.receive(CMD_CBOR, &Signals::default()).unwrap_err();
        assert!(matches!(err, Error::Device(m) if m.contains("busy")));
    }
}
