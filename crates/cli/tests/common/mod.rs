//! What every CLI test does: run the real binary on some input and read what it printed.

// Each test binary uses part of this.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `countersign args` with `stdin` as its input and waits for it. The vault's data folder
/// is `data_dir` when given; otherwise none is set in the environment.
pub fn run(data_dir: Option<&Path>, args: &[&str], stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_countersign"));
    command
        .args(args)
        .env_remove("COUNTERSIGN_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = data_dir {
        command.env("COUNTERSIGN_DATA_DIR", dir);
    }
    let mut child = command.spawn().expect("the countersign binary runs");
    // A command that fails before reading its input closes the pipe early; that is fine.
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.unwrap(),
    }
    child.wait_with_output().unwrap()
}

/// Runs `countersign --data-dir DIR args` with `stdin` as its input.
pub fn run_in(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let dir = dir.to_str().expect("a UTF-8 temporary path");
    let mut all = vec!["--data-dir", dir];
    all.extend_from_slice(args);
    run(None, &all, stdin)
}

/// A command's standard output, as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// A command's standard error, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// The lines of a command's output.
pub fn lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}
