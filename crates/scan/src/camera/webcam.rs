//! Live cameras through nokhwa (V4L2 on Linux, Media Foundation, AVFoundation).

use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
    Resolution,
};
use nokhwa::{Camera, NokhwaError};

use super::{Frame, FrameSource, PixelFormat};
use crate::ScanError;

/// A camera the system offers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CameraInfo {
    /// The index to pass to [`Webcam::open`].
    pub index: u32,
    /// The camera's name, for a picker.
    pub name: String,
}

/// Lists the cameras present; empty when there is none.
pub fn list_cameras() -> Result<Vec<CameraInfo>, ScanError> {
    let cameras = nokhwa::query(ApiBackend::Auto).map_err(camera_error)?;
    Ok(cameras
        .iter()
        .filter_map(|c| {
            Some(CameraInfo {
                index: c.index().as_index().ok()?,
                name: c.human_name(),
            })
        })
        .collect())
}

/// An open camera streaming frames; dropping it releases the device.
pub struct Webcam {
    camera: Camera,
}

impl Webcam {
    /// Opens camera `index` at the mode closest to 1280x720 at 30 frames a second, a size
    /// that reads codes well and decodes fast.
    pub fn open(index: u32) -> Result<Self, ScanError> {
        let wanted = CameraFormat::new(Resolution::new(1280, 720), FrameFormat::MJPEG, 30);
        let request = RequestedFormat::new::<RgbFormat>(RequestedFormatType::Closest(wanted));
        let mut camera = Camera::new(CameraIndex::Index(index), request).map_err(camera_error)?;
        camera.open_stream().map_err(camera_error)?;
        Ok(Self { camera })
    }
}

impl FrameSource for Webcam {
    fn next_frame(&mut self) -> Result<Frame, ScanError> {
        let mode = self.camera.camera_format();
        let data = self.camera.frame_raw().map_err(camera_error)?.into_owned();
        let format = match mode.format() {
            FrameFormat::MJPEG => PixelFormat::Mjpeg,
            FrameFormat::YUYV => PixelFormat::Yuyv,
            FrameFormat::NV12 => PixelFormat::Nv12,
            FrameFormat::GRAY => PixelFormat::Gray,
            FrameFormat::RAWRGB => PixelFormat::Rgb,
            FrameFormat::RAWBGR => PixelFormat::Bgr,
        };
        Ok(Frame::packed(format, mode.width(), mode.height(), data))
    }
}

impl std::fmt::Debug for Webcam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webcam")
            .field("index", self.camera.index())
            .finish_non_exhaustive()
    }
}

/// nokhwa reports system errors as text only; the OS's wording is the one signal there is.
fn camera_error(error: NokhwaError) -> ScanError {
    let text = error.to_string().to_ascii_lowercase();
    if text.contains("permission") {
        ScanError::CameraPermissionDenied(Box::new(error))
    } else if text.contains("no such file or directory") || text.contains("no such device") {
        ScanError::CameraNotFound(Box::new(error))
    } else {
        ScanError::Camera(Box::new(error))
    }
}
