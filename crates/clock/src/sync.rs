//! The OS's own word on whether it keeps the clock synchronised.

/// Whether the OS says its clock is kept synchronised (by NTP or the like).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncStatus {
    /// The OS synchronises the clock and last succeeded.
    Yes,
    /// The OS says the clock is not synchronised.
    No,
    /// The OS could not be asked, or this OS is not asked yet.
    Unknown,
}

/// Asks the OS whether the clock is synchronised.
///
/// Linux: the kernel's `adjtimex` with no modes (read-only, allowed to anyone), whose
/// `STA_UNSYNC` bit the NTP daemons clear; when that call is refused (some sandboxes),
/// timedated's `NTPSynchronized` on the system bus, if there is one. timedated computes that
/// property from the same kernel bit, so it is only asked when the kernel cannot be.
///
/// Windows: whether the kernel applies periodic time adjustments (`GetSystemTimeAdjustmentPrecise`;
/// w32time enables them while it disciplines the clock), else w32time's configured `Type`
/// (`NoSync` means it is switched off).
///
/// macOS: timed's "Set time and date automatically" (`TMAutomaticTimeOnlyEnabled` in
/// /Library/Preferences/com.apple.timed.plist).
pub fn local_sync_status() -> SyncStatus {
    #[cfg(target_os = "linux")]
    {
        linux::kernel().unwrap_or_else(linux::timedated)
    }
    #[cfg(windows)]
    {
        windows_status(
            windows::adjustment_disabled(),
            windows::w32time_type().as_deref(),
        )
    }
    #[cfg(target_os = "macos")]
    {
        macos_status(macos::automatic_time())
    }
    #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
    {
        SyncStatus::Unknown
    }
}

/// What Windows' two answers mean together.
///
/// `adjustment_disabled` is `GetSystemTimeAdjustmentPrecise`'s flag (`None` when the call
/// failed): `false` means a time service is steering the clock now. `w32time_type` is the
/// service's configured `Type` (`NTP`, `NT5DS`, `AllSync`, `NoSync`; `None` when unreadable).
/// A steered clock is synchronised; a service set to `NoSync` is not; anything else (the service
/// idle between its scheduled syncs) does not say.
#[cfg(any(windows, test))]
fn windows_status(adjustment_disabled: Option<bool>, w32time_type: Option<&str>) -> SyncStatus {
    match (adjustment_disabled, w32time_type) {
        (Some(false), _) => SyncStatus::Yes,
        (_, Some(kind)) if kind.trim().eq_ignore_ascii_case("NoSync") => SyncStatus::No,
        _ => SyncStatus::Unknown,
    }
}

/// What macOS's "Set time and date automatically" means: on is taken as synchronised (timed
/// does not publish whether its last attempt succeeded), off is not, unreadable does not say.
#[cfg(any(target_os = "macos", test))]
fn macos_status(automatic_time: Option<bool>) -> SyncStatus {
    match automatic_time {
        Some(true) => SyncStatus::Yes,
        Some(false) => SyncStatus::No,
        None => SyncStatus::Unknown,
    }
}

#[cfg(windows)]
mod windows {
    use windows_sys::Win32::Foundation::ERROR_SUCCESS;
    use windows_sys::Win32::System::Registry::{HKEY_LOCAL_MACHINE, RRF_RT_REG_SZ, RegGetValueW};
    use windows_sys::Win32::System::SystemInformation::GetSystemTimeAdjustmentPrecise;

    /// `GetSystemTimeAdjustmentPrecise`'s "adjustment disabled" flag; `None` when it fails.
    pub(super) fn adjustment_disabled() -> Option<bool> {
        let (mut adjustment, mut increment, mut disabled) = (0u64, 0u64, 0);
        // SAFETY: three valid, exclusively borrowed out-parameters for the duration of the call.
        let ok = unsafe {
            GetSystemTimeAdjustmentPrecise(&mut adjustment, &mut increment, &mut disabled)
        };
        (ok != 0).then_some(disabled != 0)
    }

    /// w32time's configured `Type` from the registry; `None` when it cannot be read.
    pub(super) fn w32time_type() -> Option<String> {
        let key = wide(r"SYSTEM\CurrentControlSet\Services\W32Time\Parameters");
        let value = wide("Type");
        let mut buffer = [0u16; 64];
        let mut size = std::mem::size_of_val(&buffer) as u32;
        // SAFETY: NUL-terminated UTF-16 names; `buffer` is writable for `size` bytes.
        let status = unsafe {
            RegGetValueW(
                HKEY_LOCAL_MACHINE,
                key.as_ptr(),
                value.as_ptr(),
                RRF_RT_REG_SZ,
                std::ptr::null_mut(),
                buffer.as_mut_ptr().cast(),
                &mut size,
            )
        };
        if status != ERROR_SUCCESS {
            return None;
        }
        let len = buffer.iter().position(|&c| c == 0).unwrap_or(buffer.len());
        String::from_utf16(&buffer[..len]).ok()
    }

    fn wide(text: &str) -> Vec<u16> {
        text.encode_utf16().chain(std::iter::once(0)).collect()
    }
}

#[cfg(target_os = "macos")]
mod macos {
    use objc2::runtime::AnyObject;
    use objc2_foundation::{
        NSData, NSDictionary, NSNumber, NSPropertyListReadOptions, NSPropertyListSerialization,
        NSString,
    };

    /// timed's "Set time and date automatically"; `None` when the preference cannot be read.
    pub(super) fn automatic_time() -> Option<bool> {
        let bytes = std::fs::read("/Library/Preferences/com.apple.timed.plist").ok()?;
        let data = NSData::with_bytes(&bytes);
        // SAFETY: valid data; a null `format` pointer is allowed (the format is not wanted).
        let list = unsafe {
            NSPropertyListSerialization::propertyListWithData_options_format_error(
                &data,
                NSPropertyListReadOptions::empty(),
                std::ptr::null_mut(),
            )
        }
        .ok()?;
        let prefs = list.downcast::<NSDictionary>().ok()?;
        let key = NSString::from_str("TMAutomaticTimeOnlyEnabled");
        // SAFETY: a property list's dictionary has string keys.
        let prefs: &NSDictionary<NSString, AnyObject> = unsafe { prefs.cast_unchecked() };
        let value = prefs.objectForKey(&key)?;
        let number = value.downcast::<NSNumber>().ok()?;
        Some(number.boolValue())
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use super::SyncStatus;

    /// The kernel's status bits; `None` when the call fails.
    pub(super) fn kernel() -> Option<SyncStatus> {
        // SAFETY: `timex` is plain data, valid when zeroed; modes 0 asks for a read only.
        let mut timex: libc::timex = unsafe { std::mem::zeroed() };
        // SAFETY: a valid, exclusively borrowed `timex` for the duration of the call.
        let state = unsafe { libc::adjtimex(&mut timex) };
        if state == -1 {
            return None;
        }
        let unsynced = state == libc::TIME_ERROR || timex.status & libc::STA_UNSYNC != 0;
        Some(if unsynced {
            SyncStatus::No
        } else {
            SyncStatus::Yes
        })
    }

    /// timedated's `NTPSynchronized`; unknown without a system bus or timedated.
    pub(super) fn timedated() -> SyncStatus {
        let ask = || -> zbus::Result<bool> {
            let bus = zbus::blocking::Connection::system()?;
            let proxy = zbus::blocking::Proxy::new(
                &bus,
                "org.freedesktop.timedate1",
                "/org/freedesktop/timedate1",
                "org.freedesktop.timedate1",
            )?;
            proxy.get_property("NTPSynchronized")
        };
        match ask() {
            Ok(true) => SyncStatus::Yes,
            Ok(false) => SyncStatus::No,
            Err(_) => SyncStatus::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steered_windows_clock_is_synchronised_and_nosync_is_not() {
        assert_eq!(windows_status(Some(false), Some("NoSync")), SyncStatus::Yes);
        assert_eq!(windows_status(Some(true), Some("NoSync")), SyncStatus::No);
        assert_eq!(windows_status(None, Some("nosync ")), SyncStatus::No);
        assert_eq!(windows_status(Some(true), Some("NTP")), SyncStatus::Unknown);
        assert_eq!(windows_status(None, None), SyncStatus::Unknown);
    }

    #[test]
    fn macos_follows_set_time_automatically() {
        assert_eq!(macos_status(Some(true)), SyncStatus::Yes);
        assert_eq!(macos_status(Some(false)), SyncStatus::No);
        assert_eq!(macos_status(None), SyncStatus::Unknown);
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn the_kernel_answers_without_privileges() {
        // Any machine running the tests can read the status; what it says depends on the host.
        assert!(linux::kernel().is_some());
        assert_ne!(local_sync_status(), SyncStatus::Unknown);
    }
}
