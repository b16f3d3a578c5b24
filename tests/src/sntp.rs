//! A local SNTP server that answers as told: the clock check's tests need a server whose time
//! is known to be off, and there is no network in the tests.

use std::net::UdpSocket;
use std::thread;
use std::time::{SystemTime, UNIX_EPOCH};

/// How the responder answers each request.
#[derive(Debug, Clone, Copy)]
pub enum SntpAnswer {
    /// A proper reply, its time this many seconds later than ours (negative: earlier).
    Shifted(i64),
    /// 48 bytes that are no SNTP reply.
    Garbage,
    /// A proper reply that does not echo the request's transmit time.
    WrongOriginate,
    /// Never a reply.
    Nothing,
}

/// An SNTP server on 127.0.0.1, answering on a thread until the test process ends.
pub struct SntpResponder {
    port: u16,
}

impl SntpResponder {
    /// Starts a responder on a free port.
    pub fn start(answer: SntpAnswer) -> SntpResponder {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a UDP port");
        let port = socket.local_addr().expect("local address").port();
        thread::spawn(move || {
            let mut request = [0u8; 512];
            while let Ok((length, from)) = socket.recv_from(&mut request) {
                if let Some(reply) = reply(answer, &request[..length]) {
                    let _ = socket.send_to(&reply, from);
                }
            }
        });
        SntpResponder { port }
    }

    /// `127.0.0.1:port`, as the app's server setting takes it.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

fn reply(answer: SntpAnswer, request: &[u8]) -> Option<Vec<u8>> {
    let shift = match answer {
        SntpAnswer::Nothing => return None,
        SntpAnswer::Garbage => {
            return Some(b"HTTP/1.1 400 Bad Request\r\n\r\n not a clock....".to_vec());
        }
        SntpAnswer::Shifted(seconds) => seconds,
        SntpAnswer::WrongOriginate => 0,
    };
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let seconds = (now.as_secs() as i64 + 2_208_988_800 + shift) as u64;
    let fraction = (u64::from(now.subsec_nanos()) << 32) / 1_000_000_000;
    let time = ((seconds << 32) | fraction).to_be_bytes();
    let mut reply = vec![0u8; 48];
    reply[0] = 0b00_100_100; // LI 0, version 4, mode 4 (server)
    reply[1] = 2; // stratum
    if let (SntpAnswer::Shifted(_), Some(originate)) = (answer, request.get(40..48)) {
        reply[24..32].copy_from_slice(originate);
    }
    reply[32..40].copy_from_slice(&time);
    reply[40..48].copy_from_slice(&time);
    Some(reply)
}
