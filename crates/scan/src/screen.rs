//! Screen capture: every monitor grabbed directly (X11, Windows, macOS), or the desktop
//! portal's screenshot dialog on Wayland, where applications may not read the screen.
//!
//! Captures stay in memory; nothing of ours is written to disk.

use std::ffi::OsStr;

use crate::luma::LumaImage;
use crate::{ScanError, decode};

/// How the screen is captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ScreenBackend {
    /// Every monitor read directly through xcap: X11 on Linux, the system API elsewhere.
    Direct,
    /// The xdg-desktop-portal Screenshot dialog (Wayland): the person chooses what to share.
    Portal,
}

/// Picks the capture backend for this session from `WAYLAND_DISPLAY`, `XDG_SESSION_TYPE`
/// and `DISPLAY`.
pub fn screen_backend() -> Result<ScreenBackend, ScanError> {
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        return Ok(ScreenBackend::Direct);
    }
    choose_backend(
        std::env::var_os("WAYLAND_DISPLAY").as_deref(),
        std::env::var_os("XDG_SESSION_TYPE").as_deref(),
        std::env::var_os("DISPLAY").as_deref(),
    )
}

/// Wayland wins over X11: a Wayland session also sets `DISPLAY` for XWayland, through which
/// only X11 windows, not the screen, can be read.
fn choose_backend(
    wayland_display: Option<&OsStr>,
    session_type: Option<&OsStr>,
    display: Option<&OsStr>,
) -> Result<ScreenBackend, ScanError> {
    let set = |v: Option<&OsStr>| v.is_some_and(|v| !v.is_empty());
    if set(wayland_display) || session_type == Some(OsStr::new("wayland")) {
        Ok(ScreenBackend::Portal)
    } else if set(display) {
        Ok(ScreenBackend::Direct)
    } else {
        Err(ScanError::NoDisplay)
    }
}

/// Captures the screen as grayscale images: one per monitor, or the single picture the
/// person shares through the portal.
///
/// Blocks, on Wayland until the person answers the portal's dialog: call it off the UI thread.
pub fn capture_screens() -> Result<Vec<LumaImage>, ScanError> {
    match screen_backend()? {
        ScreenBackend::Direct => capture_direct(),
        ScreenBackend::Portal => portal::capture().map(|image| vec![image]),
    }
}

/// Captures the screen (see [`capture_screens`]) and returns every QR text found on it,
/// deduplicated; empty when there is none.
pub fn scan_screens() -> Result<Vec<String>, ScanError> {
    let mut texts: Vec<String> = Vec::new();
    for image in capture_screens()? {
        for text in decode(image.view()) {
            if !texts.contains(&text) {
                texts.push(text);
            }
        }
    }
    Ok(texts)
}

fn capture_direct() -> Result<Vec<LumaImage>, ScanError> {
    let failed = |e: xcap::XCapError| ScanError::ScreenCapture(Box::new(e));
    xcap::Monitor::all()
        .map_err(failed)?
        .iter()
        .map(|monitor| {
            let rgba = monitor.capture_image().map_err(failed)?;
            LumaImage::from_rgba(rgba.as_raw(), rgba.width(), rgba.height())
        })
        .collect()
}

#[cfg(target_os = "linux")]
mod portal {
    use ashpd::desktop::ResponseError;
    use ashpd::desktop::screenshot::Screenshot;

    use crate::ScanError;
    use crate::luma::LumaImage;

    /// Asks the portal for a screenshot and reads the file it wrote.
    pub(super) fn capture() -> Result<LumaImage, ScanError> {
        // A thread of its own: a runtime cannot be started inside the caller's runtime, if any.
        let uri = std::thread::spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| ScanError::ScreenCapture(Box::new(e)))?;
            runtime.block_on(async {
                let response = Screenshot::request()
                    .interactive(true)
                    .modal(true)
                    .send()
                    .await
                    .map_err(portal_error)?
                    .response()
                    .map_err(portal_error)?;
                Ok::<_, ScanError>(response.uri().as_str().to_owned())
            })
        })
        .join()
        .map_err(|_| ScanError::ScreenCapture("the portal thread panicked".into()))??;
        let path = file_path(&uri)
            .ok_or_else(|| ScanError::ScreenCapture("the portal returned no local file".into()))?;
        let bytes = std::fs::read(&path).map_err(|e| ScanError::ScreenCapture(Box::new(e)))?;
        // The portal wrote the picture for us alone and it may show a secret: do not leave it.
        let _ = std::fs::remove_file(&path);
        crate::luma_from_image_bytes(&bytes)
    }

    fn portal_error(error: ashpd::Error) -> ScanError {
        match error {
            ashpd::Error::Response(ResponseError::Cancelled) => ScanError::PortalCancelled,
            ashpd::Error::Response(ResponseError::Other) => ScanError::ScreenPermissionDenied,
            e @ (ashpd::Error::PortalNotFound(_) | ashpd::Error::Zbus(_)) => {
                ScanError::PortalUnavailable(Box::new(e))
            }
            other => ScanError::ScreenCapture(Box::new(other)),
        }
    }

    /// The local path of a `file://` URI, percent-decoded.
    pub(super) fn file_path(uri: &str) -> Option<std::path::PathBuf> {
        use std::os::unix::ffi::OsStrExt;
        let encoded = uri.strip_prefix("file://")?;
        let bytes: Vec<u8> = percent_encoding::percent_decode_str(encoded).collect();
        Some(std::ffi::OsStr::from_bytes(&bytes).into())
    }
}

#[cfg(not(target_os = "linux"))]
mod portal {
    use crate::ScanError;
    use crate::luma::LumaImage;

    /// The portal is a Linux desktop service.
    pub(super) fn capture() -> Result<LumaImage, ScanError> {
        Err(ScanError::PortalUnavailable(
            "xdg-desktop-portal exists only on Linux".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(s: &str) -> Option<&OsStr> {
        Some(OsStr::new(s))
    }

    #[test]
    fn wayland_wins_over_xwayland() {
        let backend = choose_backend(os("wayland-0"), os("wayland"), os(":0"));
        assert_eq!(backend.unwrap(), ScreenBackend::Portal);
        let backend = choose_backend(None, os("wayland"), os(":0"));
        assert_eq!(backend.unwrap(), ScreenBackend::Portal);
    }

    #[test]
    fn x11_when_only_display_is_set() {
        assert_eq!(
            choose_backend(None, os("x11"), os(":99")).unwrap(),
            ScreenBackend::Direct
        );
        assert_eq!(
            choose_backend(os(""), None, os(":0")).unwrap(),
            ScreenBackend::Direct
        );
    }

    #[test]
    fn nothing_to_capture_without_a_display() {
        assert!(matches!(
            choose_backend(None, os("tty"), None),
            Err(ScanError::NoDisplay)
        ));
        assert!(matches!(
            choose_backend(os(""), None, os("")),
            Err(ScanError::NoDisplay)
        ));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn portal_uris_become_paths() {
        assert_eq!(
            portal::file_path("file:///tmp/Screenshot%20from%20today.png").unwrap(),
            std::path::PathBuf::from("/tmp/Screenshot from today.png")
        );
        assert!(portal::file_path("https://example.com/a.png").is_none());
    }
}
