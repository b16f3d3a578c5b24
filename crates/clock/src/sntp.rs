//! One SNTP exchange (RFC 4330): a 48-byte client request, a 48-byte server reply.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The NTP port, used when the server names none.
pub const DEFAULT_PORT: u16 = 123;

/// Seconds from NTP's epoch (1900) to Unix's (1970).
const NTP_TO_UNIX: i128 = 2_208_988_800;
/// Size of an SNTP packet without extensions.
const PACKET: usize = 48;

/// How far our clock is from the server's, in milliseconds.
///
/// Positive when the server's time is later than ours: our clock is that much *slow*, and
/// codes are right at `now + offset`. Negative: our clock is fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offset {
    /// Server time minus our time, in milliseconds.
    pub millis: i64,
}

impl Offset {
    /// The offset in whole seconds, rounded to the nearest.
    pub fn seconds(self) -> i64 {
        (self.millis + 500 * self.millis.signum()) / 1000
    }
}

/// Why no offset could be measured.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClockError {
    /// The server's name does not resolve (or is not a host name at all).
    #[error("the server name {server:?} does not resolve")]
    Resolve {
        /// The server as given.
        server: String,
    },
    /// Nothing came back within the timeout.
    #[error("no answer from the server within {} s", timeout.as_secs_f32())]
    NoAnswer {
        /// The time waited.
        timeout: Duration,
    },
    /// Something came back, but not an SNTP reply to our request.
    #[error("the server's answer is not SNTP: {0}")]
    NotSntp(&'static str),
    /// A valid reply from a server that says its own time is not to be trusted.
    #[error("the server's time is not usable: {0}")]
    Unusable(&'static str),
    /// The network refused (no route, port unreachable, no permission).
    #[error("could not reach the server: {0}")]
    Io(#[from] io::Error),
}

/// Measures our clock's offset from `server` (a host name or address, with an optional
/// `:port`; 123 otherwise), waiting at most `timeout` for the reply.
pub fn measure_offset(server: &str, timeout: Duration) -> Result<Offset, ClockError> {
    let address = resolve(server)?;
    let local: SocketAddr = if address.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        ([0u16; 8], 0).into()
    };
    let socket = UdpSocket::bind(local)?;
    // Connected: the kernel drops datagrams from anyone but the server.
    socket.connect(address)?;

    let t1 = ntp_now();
    let mut request = [0u8; PACKET];
    request[0] = 0b00_100_011; // LI 0, version 4, mode 3 (client)
    request[40..48].copy_from_slice(&t1.to_be_bytes());
    socket.send(&request)?;

    let deadline = Instant::now() + timeout;
    let mut reply = [0u8; 512];
    let length = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ClockError::NoAnswer { timeout });
        }
        socket.set_read_timeout(Some(left))?;
        match socket.recv(&mut reply) {
            Ok(length) => break length,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(ClockError::NoAnswer { timeout });
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        }
    };
    let t4 = ntp_now();
    offset(&reply[..length], t1, t4)
}

/// `host[:port]`, `a.b.c.d[:port]` or `[v6][:port]` to one address.
fn resolve(server: &str) -> Result<SocketAddr, ClockError> {
    let server = server.trim();
    let fail = || ClockError::Resolve {
        server: server.to_owned(),
    };
    if let Ok(address) = server.parse::<SocketAddr>() {
        return Ok(address);
    }
    let (host, port) = match server.rsplit_once(':') {
        // One colon: host and port. More: a bare IPv6 address.
        Some((host, port)) if !host.contains(':') => (host, port.parse().map_err(|_| fail())?),
        _ => (
            server.trim_start_matches('[').trim_end_matches(']'),
            DEFAULT_PORT,
        ),
    };
    if host.is_empty() {
        return Err(fail());
    }
    (host, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut addresses| addresses.next())
        .ok_or_else(fail)
}

/// Checks `reply` answers the request sent at `t1` and computes the offset (RFC 4330 §5).
fn offset(reply: &[u8], t1: u64, t4: u64) -> Result<Offset, ClockError> {
    if reply.len() < PACKET {
        return Err(ClockError::NotSntp("too short"));
    }
    let stamp = |at: usize| u64::from_be_bytes(reply[at..at + 8].try_into().expect("8 bytes"));
    if reply[0] & 0b111 != 4 {
        return Err(ClockError::NotSntp("not a server reply (mode 4)"));
    }
    if stamp(24) != t1 {
        return Err(ClockError::NotSntp("it does not answer our request"));
    }
    let (t2, t3) = (stamp(32), stamp(40));
    if t3 == 0 {
        return Err(ClockError::NotSntp("no transmit time"));
    }
    if reply[0] >> 6 == 3 {
        return Err(ClockError::Unusable("the server is not synchronised"));
    }
    if !(1..=15).contains(&reply[1]) {
        // Stratum 0 is a "kiss-o'-death" (go away), 16 and up unsynchronised.
        return Err(ClockError::Unusable(
            "the server refused or is not synchronised",
        ));
    }
    let [t1, t2, t3, t4] = [t1, t2, t3, t4].map(nanos);
    let offset = ((t2 - t1) + (t3 - t4)) / 2;
    Ok(Offset {
        millis: i64::try_from(offset / 1_000_000)
            .map_err(|_| ClockError::NotSntp("absurd time"))?,
    })
}

/// Now as an NTP timestamp: seconds since 1900 in the high 32 bits, the fraction in the low.
fn ntp_now() -> u64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = (now.as_secs() as i128 + NTP_TO_UNIX) as u64;
    let fraction = (u64::from(now.subsec_nanos()) << 32) / 1_000_000_000;
    (seconds << 32) | fraction
}

/// An NTP timestamp as nanoseconds since the Unix epoch. Seconds with the top bit clear are
/// in era 1 (from 2036), as RFC 4330 §3 says.
fn nanos(stamp: u64) -> i128 {
    let mut seconds = i128::from(stamp >> 32);
    if seconds < 0x8000_0000 {
        seconds += 1 << 32;
    }
    let fraction = (i128::from(stamp & 0xffff_ffff) * 1_000_000_000) >> 32;
    (seconds - NTP_TO_UNIX) * 1_000_000_000 + fraction
}

#[cfg(test)]
mod tests {
    use super::*;
    use countersign_e2e::{SntpAnswer, SntpResponder};

    const WAIT: Duration = Duration::from_secs(2);

    #[test]
    fn a_server_with_our_time_measures_no_offset() {
        let server = SntpResponder::start(SntpAnswer::Shifted(0));
        let offset = measure_offset(&server.address(), WAIT).unwrap();
        assert!(offset.millis.abs() < 500, "{offset:?}");
    }

    #[test]
    fn a_server_47_seconds_ahead_says_our_clock_is_47_seconds_slow() {
        let server = SntpResponder::start(SntpAnswer::Shifted(47));
        let offset = measure_offset(&server.address(), WAIT).unwrap();
        assert_eq!(offset.seconds(), 47, "{offset:?}");
        let server = SntpResponder::start(SntpAnswer::Shifted(-47));
        assert_eq!(
            measure_offset(&server.address(), WAIT).unwrap().seconds(),
            -47
        );
    }

    #[test]
    fn garbage_is_not_sntp() {
        let server = SntpResponder::start(SntpAnswer::Garbage);
        let error = measure_offset(&server.address(), WAIT).unwrap_err();
        assert!(matches!(error, ClockError::NotSntp(_)), "{error:?}");
    }

    #[test]
    fn a_reply_to_someone_else_is_not_ours() {
        let server = SntpResponder::start(SntpAnswer::WrongOriginate);
        let error = measure_offset(&server.address(), WAIT).unwrap_err();
        assert!(matches!(error, ClockError::NotSntp(_)), "{error:?}");
    }

    #[test]
    fn silence_is_no_answer_within_the_timeout() {
        let server = SntpResponder::start(SntpAnswer::Nothing);
        let started = Instant::now();
        let error = measure_offset(&server.address(), Duration::from_millis(300)).unwrap_err();
        assert!(matches!(error, ClockError::NoAnswer { .. }), "{error:?}");
        assert!(started.elapsed() < WAIT);
    }

    #[test]
    fn a_name_that_does_not_resolve_says_so() {
        for server in ["no-such-host.invalid", "", "host:port", ":123"] {
            let error = measure_offset(server, WAIT).unwrap_err();
            assert!(
                matches!(error, ClockError::Resolve { .. }),
                "{server}: {error:?}"
            );
        }
    }

    #[test]
    fn seconds_round_to_the_nearest() {
        let seconds = |millis| Offset { millis }.seconds();
        assert_eq!(
            [seconds(46_600), seconds(-46_600), seconds(400), seconds(0)],
            [47, -47, 0, 0]
        );
    }
}
