//! The crate's error type.

/// A backend's own error, kept as the cause.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why an image could not be obtained or read.
///
/// Finding no QR code is not an error: the decode functions return an empty list.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// A width or height of zero, or above [`MAX_SIDE`](crate::MAX_SIDE).
    #[error("invalid image size {width}x{height}")]
    InvalidDimensions {
        /// The width given.
        width: u32,
        /// The height given.
        height: u32,
    },
    /// A row stride shorter than a row.
    #[error("row stride {stride} is shorter than the width {width}")]
    InvalidStride {
        /// The width given.
        width: u32,
        /// The stride given.
        stride: usize,
    },
    /// A pixel buffer shorter than its dimensions require.
    #[error("pixel buffer holds {actual} bytes, {needed} are needed")]
    BufferTooSmall {
        /// Bytes the dimensions require.
        needed: usize,
        /// Bytes given.
        actual: usize,
    },
    /// Bytes that are not a PNG, JPEG, WebP, GIF or BMP image.
    #[error("not an image in a supported format (PNG, JPEG, WebP, GIF, BMP)")]
    UnsupportedImageFormat,
    /// An image whose size exceeds the decoding limits.
    #[error("the image is too large to decode")]
    ImageTooLarge,
    /// A damaged or truncated image file.
    #[error("the image is damaged or truncated")]
    CorruptImage(#[source] image::ImageError),
    /// Neither a Wayland nor an X11 display is available to capture.
    #[error("no display to capture: neither WAYLAND_DISPLAY nor DISPLAY is set")]
    NoDisplay,
    /// The system refused screen capture (for example macOS without Screen Recording
    /// permission, or a portal that denied the request).
    #[error("screen capture is not permitted")]
    ScreenPermissionDenied,
    /// The desktop has no screenshot portal (xdg-desktop-portal and a backend for it).
    #[error("the desktop offers no screenshot portal")]
    PortalUnavailable(#[source] BoxError),
    /// The person dismissed the screenshot dialog.
    #[error("the screenshot was cancelled")]
    PortalCancelled,
    /// Screen capture failed for another reason.
    #[error("screen capture failed")]
    ScreenCapture(#[source] BoxError),
    /// The camera was unplugged or never existed.
    #[error("the camera is not available")]
    CameraNotFound(#[source] BoxError),
    /// The system refused access to the camera.
    #[error("camera access is not permitted")]
    CameraPermissionDenied(#[source] BoxError),
    /// The camera failed for another reason.
    #[error("the camera failed")]
    Camera(#[source] BoxError),
    /// A camera frame whose bytes do not match its declared format and size.
    #[error("a camera frame could not be read")]
    InvalidFrame(#[source] BoxError),
    /// A frame source has no more frames (a recording played to its end).
    #[error("the frame source has no more frames")]
    EndOfStream,
}
