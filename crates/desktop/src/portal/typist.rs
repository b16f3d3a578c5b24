//! Typing through the RemoteDesktop portal: a keyboard-only remote desktop session per code.
//!
//! Each code opens a session, asks for the keyboard with "persist until revoked" and the restore
//! token kept from last time, starts it (the desktop asks the person only when there is no valid
//! token), sends the keys as X keysyms (the compositor finds them on the current layout), and
//! closes it. A session held open between codes would keep the desktop's "being remote
//! controlled" indicator on all day; the restore token is what spares the person a dialog.

use std::sync::{Arc, mpsc};
use std::time::Duration;

use ashpd::desktop::remote_desktop::{DeviceType, KeyState, RemoteDesktop, SelectDevicesOptions};
use ashpd::desktop::{PersistMode, ResponseError, Session};
use ashpd::enumflags2::BitFlags;
use zeroize::Zeroizing;

use super::{connect, error_name, in_time, missing, runtime};
use crate::error::{CharClass, TypeError};
use crate::keymap::{Keysym, RETURN};
use crate::token::RestoreTokenStore;
use crate::{DEFAULT_KEY_DELAY, Typist};

/// Types into the focused window of a Wayland session through the RemoteDesktop portal.
///
/// Blocking. The portal calls run on a thread of the typist's own, with a current-thread tokio
/// runtime that is made, driven and dropped there, so the typist may be made, used and dropped
/// from any thread; from async code, call it through `spawn_blocking` (it blocks the thread it
/// is called on). `Send + Sync`: concurrent calls take turns on that thread, so the keys of two
/// codes never interleave.
pub struct PortalTypist {
    /// Codes to type, to the typist's thread; dropping it ends the thread.
    jobs: mpsc::Sender<Job>,
    /// The pause between characters.
    key_delay: Duration,
}

/// One code for the typist's thread, and where to answer.
struct Job {
    keysyms: Zeroizing<Vec<Keysym>>,
    key_delay: Duration,
    done: mpsc::SyncSender<Result<(), TypeError>>,
}

impl std::fmt::Debug for PortalTypist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortalTypist")
            .field("key_delay", &self.key_delay)
            .finish_non_exhaustive()
    }
}

impl PortalTypist {
    /// Checks that the desktop's RemoteDesktop portal is there and offers a keyboard, on the bus
    /// at `bus` (a D-Bus address; `None` for the session bus). Asks the person nothing yet: the
    /// desktop's consent dialog comes with the first code typed.
    ///
    /// `tokens` keeps the consent between codes; a [`crate::FileTokenStore`] keeps it across runs.
    pub fn connect(
        bus: Option<&str>,
        tokens: Arc<dyn RestoreTokenStore>,
    ) -> Result<PortalTypist, TypeError> {
        let bus = bus.map(str::to_owned);
        let (jobs, queue) = mpsc::channel::<Job>();
        let (checked, answer) = mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("portal-typist".into())
            .spawn(move || {
                let runtime = match runtime() {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = checked.send(Err(TypeError::Unavailable {
                            reason: format!(
                                "no runtime could be made for the RemoteDesktop portal's calls ({e})"
                            ),
                        }));
                        return;
                    }
                };
                let check = runtime.block_on(in_time(check(bus.as_deref()), late("its properties")));
                let ready = check.is_ok();
                if checked.send(check).is_err() || !ready {
                    return;
                }
                // Ends when the typist is dropped.
                for job in queue {
                    let typed = runtime.block_on(type_keysyms(
                        bus.as_deref(),
                        tokens.as_ref(),
                        &job.keysyms,
                        job.key_delay,
                    ));
                    let _ = job.done.send(typed);
                }
            })
            .map_err(|e| TypeError::Unavailable {
                reason: format!("no thread could be started for the RemoteDesktop portal ({e})"),
            })?;
        answer.recv().map_err(|_| stopped())??;
        Ok(PortalTypist {
            jobs,
            key_delay: DEFAULT_KEY_DELAY,
        })
    }

    /// Sets the pause between characters (default [`DEFAULT_KEY_DELAY`], as on X11: for
    /// one-digit boxes that move the focus in script).
    pub fn with_key_delay(mut self, delay: Duration) -> PortalTypist {
        self.key_delay = delay;
        self
    }
}

impl Typist for PortalTypist {
    fn type_text(&self, text: &str, then_enter: bool) -> Result<(), TypeError> {
        // Before the portal hears of it: a code that cannot be typed asks the person nothing.
        let keysyms = plan(text, then_enter)?;
        let (done, answer) = mpsc::sync_channel(1);
        let job = Job {
            keysyms,
            key_delay: self.key_delay,
            done,
        };
        self.jobs.send(job).map_err(|_| stopped())?;
        answer.recv().map_err(|_| stopped())?
    }
}

/// The typist's thread is gone (it panicked): nothing more can be typed.
fn stopped() -> TypeError {
    TypeError::Unavailable {
        reason: "the thread that talks to the RemoteDesktop portal stopped".into(),
    }
}

/// The keysyms that type `text` (then Enter if asked), or which character cannot be typed.
///
/// Digits and Latin letters only, which is what codes are made of: their keysyms are their ASCII
/// codes, and every layout people type Latin logins with has them.
fn plan(text: &str, then_enter: bool) -> Result<Zeroizing<Vec<Keysym>>, TypeError> {
    let mut keysyms = Zeroizing::new(Vec::with_capacity(text.len() + 1));
    for (index, c) in text.chars().enumerate() {
        if !c.is_ascii_alphanumeric() {
            return Err(TypeError::Untypable {
                class: CharClass::of(c),
                position: index + 1,
            });
        }
        keysyms.push(u32::from(c));
    }
    if then_enter {
        keysyms.push(RETURN);
    }
    Ok(keysyms)
}

/// A portal that is missing, or missing what typing needs.
fn unavailable(error: &ashpd::Error) -> TypeError {
    TypeError::Unavailable {
        reason: missing("RemoteDesktop", error),
    }
}

/// A request the portal answered with something other than success.
fn declined(error: ashpd::Error) -> TypeError {
    match error {
        // Response 1: the person said no in the desktop's dialog.
        ashpd::Error::Response(ResponseError::Cancelled) => TypeError::Refused,
        // Response 2: the desktop ended the request itself (no backend, dialog closed ...).
        ashpd::Error::Response(ResponseError::Other) => TypeError::Unavailable {
            reason:
                "the desktop's RemoteDesktop portal ended the request without starting a session"
                    .into(),
        },
        error => unavailable(&error),
    }
}

/// A portal that did not answer `what` in time.
fn late(what: &'static str) -> impl FnOnce(u64) -> TypeError {
    move |seconds| TypeError::Unavailable {
        reason: format!(
            "the desktop's RemoteDesktop portal did not answer about {what} within {seconds} s"
        ),
    }
}

/// Whether `token` can be a restore token: the portal hands out UUIDs and refuses anything else
/// as an invalid argument, so a damaged file must not be passed on.
fn is_restore_token(token: &str) -> bool {
    let bytes = token.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(index, &b)| match index {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Whether the portal is there and offers a keyboard.
async fn check(bus: Option<&str>) -> Result<(), TypeError> {
    let portal = portal(bus).await?;
    let devices = portal
        .available_device_types()
        .await
        .map_err(|e| unavailable(&e))?;
    if !devices.contains(DeviceType::Keyboard) {
        return Err(TypeError::Unavailable {
            reason: "the desktop's RemoteDesktop portal offers no keyboard to type with".into(),
        });
    }
    Ok(())
}

/// The RemoteDesktop portal on a connection of its own to `bus`.
async fn portal(bus: Option<&str>) -> Result<RemoteDesktop, TypeError> {
    let connection = connect(bus).await.map_err(|e| TypeError::Unavailable {
        reason: format!(
            "the session bus, through which the desktop's RemoteDesktop portal is reached, could not be reached ({e})"
        ),
    })?;
    RemoteDesktop::with_connection(connection)
        .await
        .map_err(|e| unavailable(&e))
}

/// Opens a session, types `keysyms` in it and closes it.
async fn type_keysyms(
    bus: Option<&str>,
    tokens: &dyn RestoreTokenStore,
    keysyms: &[Keysym],
    key_delay: Duration,
) -> Result<(), TypeError> {
    let portal = in_time(portal(bus), late("its properties")).await?;
    let session = in_time(
        async {
            portal
                .create_session(Default::default())
                .await
                .map_err(declined)
        },
        late("a new session"),
    )
    .await?;
    let typed = start_and_type(&portal, &session, tokens, keysyms, key_delay).await;
    // Ends the desktop's "remote controlled" indicator now; should it fail, the portal closes
    // the session anyway when our connection goes, right after.
    let _ = in_time(
        async { session.close().await.map_err(declined) },
        late("closing the session"),
    )
    .await;
    typed
}

/// Selects the keyboard, starts the session (the consent dialog, unless the restore token spares
/// it), keeps the new restore token and types.
async fn start_and_type(
    portal: &RemoteDesktop,
    session: &Session<RemoteDesktop>,
    tokens: &dyn RestoreTokenStore,
    keysyms: &[Keysym],
    key_delay: Duration,
) -> Result<(), TypeError> {
    let stored = tokens.load().filter(|token| is_restore_token(token));
    let options = SelectDevicesOptions::default()
        .set_devices(BitFlags::from(DeviceType::Keyboard))
        .set_persist_mode(PersistMode::ExplicitlyRevoked)
        .set_restore_token(stored.as_deref());
    in_time(
        async {
            portal
                .select_devices(session, options)
                .await
                .and_then(|request| request.response())
                .map_err(declined)
        },
        late("the keyboard"),
    )
    .await?;
    // No time limit: this is where the desktop may ask the person.
    let started = portal
        .start(session, None, Default::default())
        .await
        .and_then(|request| request.response())
        .map_err(declined)?;
    // Desktops whose dialog lists devices may let the person untick the keyboard.
    if !started.devices().contains(DeviceType::Keyboard) {
        return Err(TypeError::Refused);
    }
    if let Some(token) = started.restore_token() {
        // A token that cannot be saved costs a dialog next time; the code is still typed now.
        let _ = tokens.save(token);
    }
    for (index, &keysym) in keysyms.iter().enumerate() {
        if index > 0 && !key_delay.is_zero() {
            tokio::time::sleep(key_delay).await;
        }
        for state in [KeyState::Pressed, KeyState::Released] {
            // Keysyms are below 2^31 (at most 0xffff here): the cast keeps the value.
            let key =
                portal.notify_keyboard_keysym(session, keysym as i32, state, Default::default());
            let lost = |reason: String| TypeError::ConnectionLost {
                reason: format!("the desktop's RemoteDesktop portal {reason}"),
            };
            match tokio::time::timeout(super::ANSWER_WITHIN, key).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    let name = error_name(&e).unwrap_or_else(|| "no reason given".into());
                    return Err(lost(format!("refused a key ({name})")));
                }
                Err(_) => return Err(lost("did not answer a key in time".into())),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_and_letters_are_their_ascii_keysyms_and_enter_is_return() {
        let keysyms = plan("09azAZ", true).unwrap();
        assert_eq!(*keysyms, [0x30, 0x39, 0x61, 0x7a, 0x41, 0x5a, 0xff0d]);
        assert_eq!(
            *plan("492039", false).unwrap(),
            [0x34, 0x39, 0x32, 0x30, 0x33, 0x39]
        );
        assert_eq!(*plan("", false).unwrap(), [] as [Keysym; 0]);
    }

    #[test]
    fn anything_else_is_reported_by_class_and_position_only() {
        for (text, class, position) in [
            ("49-2039", CharClass::Other, 3),
            ("4920 39", CharClass::Other, 5),
            ("ab\u{e9}", CharClass::Other, 3),
            ("12\u{665}", CharClass::Other, 3),
        ] {
            assert_eq!(
                plan(text, true).err(),
                Some(TypeError::Untypable { class, position }),
                "{text:?}"
            );
        }
    }

    #[test]
    fn only_uuids_pass_for_restore_tokens() {
        assert!(is_restore_token("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"));
        assert!(is_restore_token("0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"));
        assert!(!is_restore_token(""));
        assert!(!is_restore_token("0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d"));
        assert!(!is_restore_token("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4g"));
        assert!(!is_restore_token("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\n"));
    }
}
