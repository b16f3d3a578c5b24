//! How long typing a code takes on a real X server, against anchors measured in the same run.
//!
//! `scripts/headless.sh cargo bench -p countersign-desktop --bench typing`. Prints the median of
//! `TYPING_BENCH_RUNS` runs (default 7) of a 6-digit code + Enter typed into a zenity entry, as
//! milliseconds and as ratios to one X round trip and to typing one key; then how many of
//! `TYPING_BENCH_BOX_RUNS` (default 3; 0 skips) one-digit-box pages that move focus at the next
//! animation frame fill correctly at each key delay. The code itself is never printed.

#[cfg(all(unix, not(target_os = "macos")))]
#[path = "../../tests/support/mod.rs"]
mod support;
#[cfg(all(unix, not(target_os = "macos")))]
mod x11;

#[cfg(all(unix, not(target_os = "macos")))]
fn main() {
    x11::main();
}

// Typing on Windows and macOS has no bench yet: the bench drives an X server.
#[cfg(not(all(unix, not(target_os = "macos"))))]
fn main() {
    eprintln!("the typing bench needs an X server (Linux or a BSD); nothing to measure here");
}
