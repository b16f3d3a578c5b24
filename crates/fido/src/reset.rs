//! The guided reset. Keys accept authenticatorReset only within about 10 seconds of power-up,
//! so the person unplugs the key and plugs it back in, and the reset goes out at once.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::{Error, Result, SecurityKey};

/// Where a guided reset is, for the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ResetStage {
    /// Unplug the key.
    Unplug,
    /// Plug it back in.
    Replug,
    /// Touch it to confirm the reset.
    Touch,
}

impl ResetStage {
    /// The step as done, for a sentence: "unplugged", "plugged back in", "touched".
    pub fn done(self) -> &'static str {
        match self {
            ResetStage::Unplug => "unplugged",
            ResetStage::Replug => "plugged back in",
            ResetStage::Touch => "touched",
        }
    }
}

/// How a guided reset watches the keys come and go.
#[derive(Debug, Clone, Copy)]
pub struct ReplugWatch {
    /// How often the plugged-in keys are listed.
    pub poll: Duration,
    /// How long each of unplugging and plugging back in may take.
    pub limit: Duration,
}

impl Default for ReplugWatch {
    /// A look every 200 ms, a minute for each step.
    fn default() -> Self {
        ReplugWatch {
            poll: Duration::from_millis(200),
            limit: Duration::from_secs(60),
        }
    }
}

impl ReplugWatch {
    /// Waits for the key at `path` to be unplugged and for a key to be plugged in, and gives
    /// the new key's path. `plugged` lists the paths of the keys plugged in; `stopped` says
    /// when the person cancelled ([`Error::Cancelled`]); `stage` hears [`ResetStage::Replug`]
    /// once the key is out. Each step that takes longer than `limit` is
    /// [`Error::ReplugTimeout`].
    pub fn wait_for_replug(
        &self,
        path: &str,
        mut plugged: impl FnMut() -> Result<Vec<String>>,
        stopped: impl Fn() -> bool,
        mut stage: impl FnMut(ResetStage),
    ) -> Result<String> {
        self.wait(&stopped, ResetStage::Unplug, || {
            Ok((!plugged()?.iter().any(|p| p == path)).then_some(()))
        })?;
        stage(ResetStage::Replug);
        let before = plugged()?;
        self.wait(&stopped, ResetStage::Replug, || {
            Ok(plugged()?.into_iter().find(|p| !before.contains(p)))
        })
    }

    /// Looks every `poll` until `done` gives a value, Cancel, or `limit`.
    fn wait<T>(
        &self,
        stopped: &impl Fn() -> bool,
        step: ResetStage,
        mut done: impl FnMut() -> Result<Option<T>>,
    ) -> Result<T> {
        let started = Instant::now();
        loop {
            if stopped() {
                return Err(Error::Cancelled);
            }
            if let Some(value) = done()? {
                return Ok(value);
            }
            if started.elapsed() > self.limit {
                return Err(Error::ReplugTimeout { step });
            }
            std::thread::sleep(self.poll);
        }
    }
}

/// Resets a key that was just plugged back in. A refusal for lateness is
/// [`Error::ResetWindowPassed`], so the person learns to touch sooner.
pub fn reset_after_replug(key: &dyn SecurityKey) -> Result<()> {
    key.reset().map_err(|error| match error {
        Error::NotAllowed => Error::ResetWindowPassed,
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    fn quick() -> ReplugWatch {
        ReplugWatch {
            poll: Duration::from_millis(1),
            limit: Duration::from_millis(200),
        }
    }

    /// `plugged` answering from a script of lists, the last one repeated.
    fn script(lists: &[&[&str]]) -> impl FnMut() -> Result<Vec<String>> {
        let lists: Vec<Vec<String>> = lists
            .iter()
            .map(|list| list.iter().map(|p| p.to_string()).collect())
            .collect();
        let mut index = 0;
        move || {
            let list = lists[index.min(lists.len() - 1)].clone();
            index += 1;
            Ok(list)
        }
    }

    #[test]
    fn the_key_plugged_in_after_the_unplug_is_the_one_reset() {
        let stages = RefCell::new(Vec::new());
        let plugged = script(&[
            &["/dev/hidraw3", "/dev/hidraw5"],
            &["/dev/hidraw3", "/dev/hidraw5"],
            &["/dev/hidraw3"],
            &["/dev/hidraw3"],
            &["/dev/hidraw3"],
            &["/dev/hidraw3", "/dev/hidraw6"],
        ]);
        let new = quick()
            .wait_for_replug(
                "/dev/hidraw5",
                plugged,
                || false,
                |s| stages.borrow_mut().push(s),
            )
            .unwrap();
        assert_eq!(new, "/dev/hidraw6");
        assert_eq!(*stages.borrow(), [ResetStage::Replug]);
    }

    #[test]
    fn a_key_left_in_times_out_and_cancel_stops_the_wait() {
        let left_in = quick().wait_for_replug(
            "/dev/hidraw5",
            script(&[&["/dev/hidraw5"]]),
            || false,
            |_| {},
        );
        assert_eq!(
            left_in.unwrap_err(),
            Error::ReplugTimeout {
                step: ResetStage::Unplug
            }
        );
        let never_back = quick().wait_for_replug("/dev/hidraw5", script(&[&[]]), || false, |_| {});
        let error = never_back.unwrap_err();
        assert_eq!(
            error,
            Error::ReplugTimeout {
                step: ResetStage::Replug
            }
        );
        assert_eq!(
            error.advice(),
            "The key was not plugged back in within a minute. Start again when you are ready."
        );
        let cancelled = quick().wait_for_replug(
            "/dev/hidraw5",
            script(&[&["/dev/hidraw5"]]),
            || true,
            |_| {},
        );
        assert_eq!(cancelled.unwrap_err(), Error::Cancelled);
    }
}
