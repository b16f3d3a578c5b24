//! Reference codes: OTP codes computed by oathtool, an implementation independent of ours, and
//! the clock they depend on.

use std::process::Command;
use std::time::Duration;

/// An OTP code computed by `oathtool` (OATH Toolkit), an implementation independent of ours.
pub fn oathtool(args: &[&str]) -> String {
    let output = Command::new("oathtool")
        .args(args)
        .output()
        .expect("oathtool is installed (apt-get install oathtool)");
    assert!(
        output.status.success(),
        "oathtool {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("ASCII")
        .trim()
        .to_owned()
}

/// The TOTP codes of `secret` (base32) valid during the last two seconds: a code read from the
/// screen or clipboard must be one of them (a step boundary may fall in between).
pub fn recent_totp(secret: &str, digits: u32, period: u64) -> Vec<String> {
    let now = unix_now();
    [now.saturating_sub(1), now]
        .iter()
        .map(|t| {
            oathtool(&[
                "--totp",
                "--base32",
                &format!("--digits={digits}"),
                &format!("--time-step-size={period}s"),
                &format!("--now=@{t}"),
                secret,
            ])
        })
        .collect()
}

/// The HOTP code of `secret` (base32) at `counter`, computed by oathtool.
pub fn hotp(secret: &str, digits: u32, counter: u64) -> String {
    oathtool(&[
        "--hotp",
        "--base32",
        &format!("--digits={digits}"),
        &format!("--counter={counter}"),
        secret,
    ])
}

/// Waits, if needed, until at least `margin` seconds remain in the current `period`, so a code
/// read now is still the current one a moment later.
pub async fn avoid_step_boundary(period: u64, margin: u64) {
    while period - unix_now() % period < margin {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Unix time in seconds.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}
