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
/// Windows (w32time) and macOS (timed) answer [`SyncStatus::Unknown`] for now.
pub fn local_sync_status() -> SyncStatus {
    #[cfg(target_os = "linux")]
    {
        linux::kernel().unwrap_or_else(linux::timedated)
    }
    #[cfg(not(target_os = "linux"))]
    {
        SyncStatus::Unknown
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
    #[cfg(target_os = "linux")]
    fn the_kernel_answers_without_privileges() {
        // Any machine running the tests can read the status; what it says depends on the host.
        assert!(linux::kernel().is_some());
        assert_ne!(local_sync_status(), SyncStatus::Unknown);
    }
}
