//! USB security keys: enumeration and opening by path, through hidapi.

use crate::ctap2::CtapKey;
use crate::ctaphid::{Channel, HidLink, PACKET};
use crate::error::{Error, Result};
use hidapi::{HidApi, HidDevice};
use ring::rand::{SecureRandom, SystemRandom};
use serde::Serialize;
use std::ffi::CString;
use std::time::Duration;

/// The HID usage page of FIDO authenticators.
const FIDO_USAGE_PAGE: u16 = 0xF1D0;

/// A FIDO key seen on USB.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyDescriptor {
    /// The OS path to open it with (hidraw node, IOService path or Windows device path).
    pub path: String,
    /// Product string, when the device has one.
    pub product: Option<String>,
    /// Manufacturer string, when the device has one.
    pub manufacturer: Option<String>,
    /// USB vendor ID.
    pub vendor_id: u16,
    /// USB product ID.
    pub product_id: u16,
}

/// Lists the FIDO keys plugged in.
///
/// A key the OS does not let us open still appears here; opening it reports
/// [`Error::AccessDenied`] so the UI can explain udev rules or administrator rights.
pub fn list_keys() -> Result<Vec<KeyDescriptor>> {
    let api = HidApi::new().map_err(|e| Error::Device(e.to_string()))?;
    let mut keys: Vec<KeyDescriptor> = api
        .device_list()
        .filter(|d| d.usage_page() == FIDO_USAGE_PAGE)
        .map(|d| KeyDescriptor {
            path: d.path().to_string_lossy().into_owned(),
            product: d.product_string().map(str::to_owned),
            manufacturer: d.manufacturer_string().map(str::to_owned),
            vendor_id: d.vendor_id(),
            product_id: d.product_id(),
        })
        .collect();
    // A composite device can list its FIDO interface more than once.
    keys.sort_by(|a, b| a.path.cmp(&b.path));
    keys.dedup_by(|a, b| a.path == b.path);
    Ok(keys)
}

/// Opens the key at `path` (from [`list_keys`]) and allocates a CTAPHID channel.
pub fn open_key(path: &str) -> Result<CtapKey> {
    let api = HidApi::new().map_err(|e| Error::Device(e.to_string()))?;
    let c_path = CString::new(path).map_err(|_| Error::NoKey)?;
    let device = api
        .open_path(&c_path)
        .map_err(|e| open_error(&e.to_string()))?;
    let label = device
        .get_product_string()
        .ok()
        .flatten()
        .unwrap_or_else(|| "FIDO security key".to_owned());
    let mut nonce = [0u8; 8];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| Error::Device("no randomness".into()))?;
    let channel = Channel::open(Box::new(UsbLink { device }), nonce)?;
    Ok(CtapKey::new(label, channel))
}

/// Tells "not allowed to open" apart from other failures, by the OS's words.
fn open_error(message: &str) -> Error {
    let lower = message.to_lowercase();
    if lower.contains("permission denied")
        || lower.contains("access is denied")
        || lower.contains("access denied")
    {
        Error::AccessDenied(message.to_owned())
    } else if lower.contains("no such file") || lower.contains("not found") {
        Error::NoKey
    } else {
        Error::Device(message.to_owned())
    }
}

struct UsbLink {
    device: HidDevice,
}

impl HidLink for UsbLink {
    fn write(&mut self, report: &[u8; PACKET]) -> Result<()> {
        // Report ID 0 first: FIDO keys use a single unnumbered report.
        let mut out = [0u8; PACKET + 1];
        out[1..].copy_from_slice(report);
        self.device
            .write(&out)
            .map_err(|e| Error::Device(e.to_string()))?;
        Ok(())
    }

    fn read(&mut self, timeout: Duration) -> Result<Option<[u8; PACKET]>> {
        let mut buf = [0u8; PACKET];
        let n = self
            .device
            .read_timeout(&mut buf, timeout.as_millis() as i32)
            .map_err(|e| Error::Device(e.to_string()))?;
        Ok((n > 0).then_some(buf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_errors_are_classified() {
        assert!(matches!(
            open_error("hidapi error: Permission denied"),
            Error::AccessDenied(_)
        ));
        assert!(matches!(
            open_error("Access is denied."),
            Error::AccessDenied(_)
        ));
        assert_eq!(open_error("No such file or directory"), Error::NoKey);
        assert!(matches!(open_error("something else"), Error::Device(_)));
    }
}
