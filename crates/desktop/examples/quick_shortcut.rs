//! Manual check of the quick search's shortcut on Wayland (docs/auto-type.md): binds it through
//! the desktop's GlobalShortcuts portal, says which keys the desktop chose, and prints a line
//! each time they are pressed, for `--for-s` seconds (default 60).
//!
//! `cargo run -p countersign-desktop --example quick_shortcut [-- --for-s 60]`

#[cfg(all(unix, not(target_os = "macos")))]
fn main() {
    use countersign_desktop::{PREFERRED_TRIGGER, QuickSearchShortcut};
    use std::time::Duration;

    let mut args = std::env::args().skip(1);
    let mut for_s = 60;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--for-s" => for_s = args.next().and_then(|v| v.parse().ok()).unwrap_or(60),
            _ => {
                eprintln!("usage: quick_shortcut [--for-s N]");
                std::process::exit(2);
            }
        }
    }
    let mut presses = 0;
    let shortcut = QuickSearchShortcut::bind(None, PREFERRED_TRIGGER, move || {
        presses += 1;
        eprintln!("Pressed ({presses}).");
    });
    match shortcut {
        Ok(shortcut) => {
            let keys = shortcut.trigger_description().unwrap_or("not said");
            eprintln!("Bound; the desktop's keys: {keys}. Press them; listening {for_s} s.");
            std::thread::sleep(Duration::from_secs(for_s));
        }
        Err(why) => {
            eprintln!("{why} ({})", why.kind());
            std::process::exit(1);
        }
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn main() {
    eprintln!("The GlobalShortcuts portal is a Linux desktop's.");
    std::process::exit(1);
}
