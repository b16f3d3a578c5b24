//! The camera in the add dialog: one scanning session at a time, its previews and outcome sent
//! to the window on a channel, the device released the moment a code is read or the session is
//! stopped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use base64::Engine;
use countersign_scan::camera::{CameraScanner, FrameSource, ScanEvent};
use countersign_scan::{ScanError, camera};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::error::{CommandError, CommandResult};
use crate::scan::{ScanOutcome, ScanState};
use crate::state::AppState;

/// How often a session checks whether it was asked to stop.
const STOP_POLL: Duration = Duration::from_millis(50);

/// A camera the person can pick.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CameraView {
    index: u32,
    name: String,
}

/// What a camera session tells the window.
#[derive(Serialize, Clone, TS)]
#[serde(tag = "event", rename_all = "camelCase")]
pub enum CameraEvent {
    /// The latest picture, as a `data:image/jpeg;base64,` URL.
    Preview { url: String },
    /// A code was read (the camera is already off) and what it added or holds.
    Found { outcome: ScanOutcome },
    /// The camera could not be opened or stopped working (it is released).
    Failed { error: CommandError },
}

/// The cameras present; empty when there is none.
pub fn list() -> CommandResult<Vec<CameraView>> {
    #[cfg_attr(not(debug_assertions), allow(unused_mut))]
    let mut cameras: Vec<CameraView> = camera::list_cameras()?
        .into_iter()
        .map(|c| CameraView {
            index: c.index,
            name: c.name,
        })
        .collect();
    #[cfg(debug_assertions)]
    if let Some(recorded) = recorded::camera() {
        cameras.push(recorded);
    }
    Ok(cameras)
}

struct Session {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

/// The camera session of the add dialog, if one runs (managed state of its own).
#[derive(Default)]
pub struct Camera(Mutex<Option<Session>>);

impl Camera {
    /// Starts scanning with camera `index`, stopping any earlier session first.
    pub fn start(&self, app: AppHandle, index: u32, events: Channel<CameraEvent>) {
        self.stop();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = std::thread::Builder::new()
            .name("camera-session".into())
            .spawn({
                let stop = Arc::clone(&stop);
                move || run(&app, index, &events, &stop)
            })
            .expect("the system can start a thread");
        *self.0.lock().expect("camera lock") = Some(Session { stop, thread });
    }

    /// Stops the session, if any, and returns once the camera is released.
    pub fn stop(&self) {
        let session = self.0.lock().expect("camera lock").take();
        if let Some(session) = session {
            session.stop.store(true, Ordering::SeqCst);
            let _ = session.thread.join();
        }
    }
}

fn open(index: u32) -> Result<Box<dyn FrameSource>, ScanError> {
    #[cfg(debug_assertions)]
    if index == recorded::INDEX
        && let Some(source) = recorded::open()
    {
        return Ok(Box::new(source?));
    }
    Ok(Box::new(camera::Webcam::open(index)?))
}

/// Boxed sources are sources: live and recorded cameras share one scanner type.
struct Boxed(Box<dyn FrameSource>);

impl FrameSource for Boxed {
    fn next_frame(&mut self) -> Result<camera::Frame, ScanError> {
        self.0.next_frame()
    }
}

/// One session: forwards previews until a code is read, the camera fails, or `stop` is set.
/// The scanner (and with it the camera) is dropped before the outcome is sent.
fn run(app: &AppHandle, index: u32, events: &Channel<CameraEvent>, stop: &AtomicBool) {
    let scanner = CameraScanner::start(move || open(index).map(Boxed), true);
    let last = loop {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        match scanner.events().recv_timeout(STOP_POLL) {
            Ok(ScanEvent::Preview(frame)) => {
                let url = format!(
                    "data:image/jpeg;base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(&frame.jpeg)
                );
                let _ = events.send(CameraEvent::Preview { url });
            }
            Ok(ScanEvent::Found(texts)) => break Ok(texts),
            Ok(ScanEvent::Failed(error)) => break Err(CommandError::from(error)),
            Ok(_) | Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                break Err(CommandError::new(
                    "camera_failed",
                    "The camera stopped sending pictures.",
                ));
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
    };
    drop(scanner);
    let event = last
        .and_then(|texts| {
            let texts: Vec<_> = texts.into_iter().map(Zeroizing::new).collect();
            app.state::<ScanState>()
                .process(&app.state::<AppState>(), &texts)
        })
        .map_or_else(
            |error| CameraEvent::Failed { error },
            |outcome| CameraEvent::Found { outcome },
        );
    if !stop.load(Ordering::SeqCst) {
        let _ = events.send(event);
    }
}

/// A recorded camera for end-to-end tests (debug builds only): `COUNTERSIGN_TEST_CAMERA`
/// names an image, played as a camera that shows an empty grey picture for a second, then
/// the image (in grey). While it is open, a file `<image>.in-use` exists, so a test can see the camera
/// being released.
#[cfg(debug_assertions)]
mod recorded {
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    use countersign_scan::ScanError;
    use countersign_scan::camera::{Frame, FrameSource, PixelFormat};

    use super::CameraView;

    /// The environment variable naming the recorded picture.
    const VARIABLE: &str = "COUNTERSIGN_TEST_CAMERA";
    /// The recorded camera's index: past any real one.
    pub const INDEX: u32 = u32::MAX;
    /// Frames a second, like a webcam.
    const FRAME_TIME: Duration = Duration::from_millis(66);
    /// Empty frames before the picture appears, as when a code is brought into view.
    const EMPTY_FRAMES: u32 = 15;

    fn picture() -> Option<PathBuf> {
        std::env::var_os(VARIABLE).map(PathBuf::from)
    }

    pub fn camera() -> Option<CameraView> {
        picture().map(|_| CameraView {
            index: INDEX,
            name: "Recorded test camera".into(),
        })
    }

    pub struct Recorded {
        marker: PathBuf,
        frame: Frame,
        empty: Frame,
        sent: u32,
        next: Instant,
    }

    pub fn open() -> Option<Result<Recorded, ScanError>> {
        let path = picture()?;
        Some(load(path))
    }

    fn load(path: PathBuf) -> Result<Recorded, ScanError> {
        let bytes = std::fs::read(&path).map_err(|e| ScanError::CameraNotFound(Box::new(e)))?;
        // A grey camera is enough for a test: the preview and the decoder both take it.
        let luma = countersign_scan::luma_from_image_bytes(&bytes)?;
        let (width, height) = (luma.width(), luma.height());
        let pixels = luma.as_bytes().to_vec();
        let empty = Frame::packed(PixelFormat::Gray, width, height, vec![150; pixels.len()]);
        let frame = Frame::packed(PixelFormat::Gray, width, height, pixels);
        let marker = PathBuf::from(format!("{}.in-use", path.display()));
        std::fs::write(&marker, b"").map_err(|e| ScanError::Camera(Box::new(e)))?;
        Ok(Recorded {
            marker,
            frame,
            empty,
            sent: 0,
            next: Instant::now(),
        })
    }

    impl FrameSource for Recorded {
        fn next_frame(&mut self) -> Result<Frame, ScanError> {
            std::thread::sleep(self.next.saturating_duration_since(Instant::now()));
            self.next = Instant::now() + FRAME_TIME;
            self.sent += 1;
            Ok(if self.sent <= EMPTY_FRAMES {
                self.empty.clone()
            } else {
                self.frame.clone()
            })
        }
    }

    impl Drop for Recorded {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.marker);
        }
    }
}
