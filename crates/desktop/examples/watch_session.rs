//! Prints what [`countersign_desktop::watch_session`] watches and every event it reports, for
//! checking session locking by hand on a real desktop (docs/session-lock.md).
//!
//! `cargo run -p countersign-desktop --example watch_session`, then lock the screen, switch
//! user, start the screensaver or suspend; Ctrl+C stops it.

#[cfg(not(target_os = "macos"))]
fn main() {
    std::process::exit(print_events());
}

/// macOS delivers the session's notifications on the main thread's run loop (in the app,
/// NSApplication runs it): run it here, and print from another thread.
#[cfg(target_os = "macos")]
fn main() {
    use objc2_foundation::{NSDate, NSDefaultRunLoopMode, NSRunLoop};
    std::thread::spawn(|| std::process::exit(print_events()));
    let run_loop = NSRunLoop::mainRunLoop();
    loop {
        // SAFETY: Foundation's constant string, valid for the whole process.
        let mode = unsafe { NSDefaultRunLoopMode };
        // No source yet (the observers are being added): try again shortly.
        if !run_loop.runMode_beforeDate(mode, &NSDate::distantFuture()) {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

/// Watches the session and prints every event; the exit status once the events end.
fn print_events() -> i32 {
    let events = match countersign_desktop::watch_session() {
        Ok(events) => events,
        Err(error) => {
            eprintln!("{error} ({})", error.kind());
            return 1;
        }
    };
    for source in events.watched() {
        println!("watching: {source}");
    }
    for (source, reason) in events.unwatched() {
        println!("not watching: {source}: {reason}");
    }
    let started = std::time::Instant::now();
    for event in events {
        println!(
            "{:>8.1} s  {}",
            started.elapsed().as_secs_f32(),
            event.kind()
        );
    }
    println!("the buses went away");
    0
}
