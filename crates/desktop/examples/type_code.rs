//! Manual check of auto-type on a real desktop (docs/auto-type.md): waits a few seconds for you
//! to click into a field, then types the given test code (and Enter with `--enter`).
//!
//! `cargo run -p countersign-desktop --example type_code -- 492039 --enter [--delay-ms 12] [--wait-s 3]`
//!
//! On Wayland the desktop's consent is kept in `~/.cache/countersign/type_code-restore-token`
//! (`$XDG_CACHE_HOME` if set): delete it to be asked again.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use countersign_desktop::{FileTokenStore, Session, Typist, typist_for_with};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut code = None;
    let mut enter = false;
    let mut delay_ms = None;
    let mut wait_s = 3;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--enter" => enter = true,
            "--delay-ms" => delay_ms = args.next().and_then(|v| v.parse::<u64>().ok()),
            "--wait-s" => wait_s = args.next().and_then(|v| v.parse().ok()).unwrap_or(3),
            _ => code = Some(arg),
        }
    }
    let Some(code) = code else {
        eprintln!("usage: type_code CODE [--enter] [--delay-ms N] [--wait-s N]");
        std::process::exit(2);
    };
    let session = Session::current();
    let tokens = Arc::new(FileTokenStore::new(token_path()));
    let typist: Box<dyn Typist> = match (delay_ms, typist_for_with(session, tokens.clone())) {
        #[cfg(all(unix, not(target_os = "macos")))]
        (Some(ms), Ok(_)) if session == Session::X11 => Box::new(
            countersign_desktop::X11Typist::connect(None)
                .expect("connected a moment ago")
                .with_key_delay(Duration::from_millis(ms)),
        ),
        #[cfg(all(unix, not(target_os = "macos")))]
        (Some(ms), Ok(_)) if session == Session::Wayland => Box::new(
            countersign_desktop::PortalTypist::connect(None, tokens)
                .expect("answered a moment ago")
                .with_key_delay(Duration::from_millis(ms)),
        ),
        #[cfg(windows)]
        (Some(ms), Ok(_)) => Box::new(
            countersign_desktop::WindowsTypist::new().with_key_delay(Duration::from_millis(ms)),
        ),
        #[cfg(target_os = "macos")]
        (Some(ms), Ok(_)) => Box::new(
            countersign_desktop::MacTypist::new().with_key_delay(Duration::from_millis(ms)),
        ),
        (_, Ok(typist)) => typist,
        (_, Err(why)) => {
            eprintln!("{} ({})", why, why.kind());
            std::process::exit(1);
        }
    };
    eprintln!("Click into the field now; typing in {wait_s} s.");
    std::thread::sleep(Duration::from_secs(wait_s));
    match typist.type_text(&code, enter) {
        Ok(()) => eprintln!("Typed {} characters.", code.chars().count()),
        Err(why) => {
            eprintln!("{} ({})", why, why.kind());
            std::process::exit(1);
        }
    }
}

/// Where the Wayland desktop's consent is kept between runs of this example.
fn token_path() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    cache.join("countersign").join("type_code-restore-token")
}
