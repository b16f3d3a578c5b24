//! Prints what [`countersign_desktop::watch_session`] watches and every event it reports, for
//! checking session locking by hand on a real desktop (docs/session-lock.md).
//!
//! `cargo run -p countersign-desktop --example watch_session`, then lock the screen, switch
//! user, start the screensaver or suspend; Ctrl+C stops it.

fn main() {
    let events = match countersign_desktop::watch_session() {
        Ok(events) => events,
        Err(error) => {
            eprintln!("{error} ({})", error.kind());
            std::process::exit(1);
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
}
