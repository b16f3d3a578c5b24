//! What every web view of the app may do: less than a browser. The page shows codes and forms;
//! it needs no GPU canvas, sound, media, camera or microphone stream, peer connection or script
//! access to the clipboard (copying goes through Rust, which marks and clears what it copies).
//! Turned off per web view, as each window is built.

use tauri::{Runtime, WebviewWindow};

/// Turns off the web features the app does not use in `window`'s web view.
#[cfg(target_os = "linux")]
pub fn restrict<R: Runtime>(window: &WebviewWindow<R>) {
    use webkit2gtk::{SettingsExt, WebViewExt};
    let applied = window.with_webview(|webview| {
        let Some(settings) = WebViewExt::settings(&webview.inner()) else {
            return;
        };
        settings.set_enable_webgl(false);
        settings.set_enable_webaudio(false);
        settings.set_enable_media(false);
        settings.set_enable_media_stream(false);
        settings.set_enable_mediasource(false);
        settings.set_enable_encrypted_media(false);
        settings.set_enable_webrtc(false);
        settings.set_javascript_can_access_clipboard(false);
        settings.set_javascript_can_open_windows_automatically(false);
    });
    if let Err(error) = applied {
        eprintln!("countersign: the web view's settings could not be restricted: {error}");
    }
}

/// Turns off the web features the app does not use in `window`'s web view (WebKitGTK only).
#[cfg(not(target_os = "linux"))]
pub fn restrict<R: Runtime>(_window: &WebviewWindow<R>) {}
