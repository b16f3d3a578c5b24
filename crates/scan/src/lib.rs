//! QR code scanning for Countersign: every QR text in an image, and the sources that supply
//! images.
//!
//! Decoding is a pure function, [`decode`], over a grayscale [`LumaView`]. The sources are
//! separate and each small:
//! - image files ([`scan_image_bytes`]) and clipboard images ([`scan_rgba`]);
//! - the screen ([`screen`], feature `screen`): every monitor on X11, the desktop portal's
//!   screenshot dialog on Wayland;
//! - a webcam ([`camera`]): a [`camera::FrameSource`] (nokhwa's with feature `camera`, or
//!   recorded frames) driven by a [`camera::CameraScanner`].
//!
//! What a decoded text is (an account, a web address) is `countersign-otp`'s to say
//! (`read_intake`): this crate only turns images into texts. Decoded texts can hold secrets:
//! this crate never logs them, and no `Debug` output here shows them.

#![warn(missing_docs)]

pub mod camera;
mod decode;
mod error;
mod filters;
mod image_bytes;
mod luma;
#[cfg(feature = "screen")]
pub mod screen;

pub use decode::{
    CAMERA_RETRY_STAGES, MIN_DOWNSCALED_SIDE, STILL_IMAGE_STAGES, Stage, decode, decode_stages,
};
pub use error::{BoxError, ScanError};
pub use image_bytes::{luma_from_image_bytes, scan_image_bytes, scan_rgba};
pub use luma::{LumaImage, LumaView, MAX_SIDE};
