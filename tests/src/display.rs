//! An X server of a test's own (Xvfb), and programs run on it.

use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::Launch;

/// An X server of the app's own (Xvfb), stopped when dropped: tests running side by side must
/// not share a clipboard or a screen.
pub struct Display {
    process: Child,
    name: String,
}

impl Display {
    /// Starts Xvfb on a free display number.
    pub fn start() -> Display {
        use std::io::{BufRead, BufReader};
        let mut process = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                // No reset when the app, the last client, quits: tests look at the screen after.
                "-noreset",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is installed");
        let mut number = String::new();
        BufReader::new(process.stdout.take().expect("stdout"))
            .read_line(&mut number)
            .expect("Xvfb prints its display number");
        Display {
            process,
            name: format!(":{}", number.trim()),
        }
    }

    /// Its name, for `DISPLAY`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Options that start the app on this display, with `env` added.
    pub fn launch(&self, env: &[(&str, &Path)]) -> Launch {
        let mut env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.display().to_string()))
            .collect();
        env.push(("DISPLAY".into(), self.name.clone()));
        Launch {
            env,
            ..Launch::default()
        }
    }

    /// `program` set up to run on this display, its output discarded.
    pub fn command(&self, program: &str) -> Command {
        display_command(&self.name, program)
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

pub(crate) fn display_command(display: &str, program: &str) -> Command {
    let mut command = Command::new(program);
    command
        .env("DISPLAY", display)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}
