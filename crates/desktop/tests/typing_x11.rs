//! Typing into real X programs: a GTK entry (zenity) and a page of one-digit boxes in a real
//! browser engine (WebKitGTK's MiniBrowser), focused the way a window manager would.
//!
//! Needs an X display with XTEST (`scripts/headless.sh cargo test -p countersign-desktop`);
//! without one, or without the programs, each test says so and passes.
#![cfg(all(unix, not(target_os = "macos")))]

mod support;

use std::process::Command;
use std::time::Duration;

use countersign_desktop::{CharClass, TypeError, Typist, X11Typist};
use support::{MINIBROWSER, Program, X, ZENITY};

const PATIENCE: Duration = Duration::from_secs(20);
/// The keysyms of Control_L and Caps_Lock.
const CONTROL_L: u32 = 0xffe3;
const CAPS_LOCK: u32 = 0xffe5;

/// Starts a zenity entry, focuses it, runs `typing` and returns what zenity printed.
fn typed_into_zenity(test: &str, typing: impl FnOnce(&X11Typist)) -> Option<String> {
    support::display_or_skip(test)?;
    if !support::installed_or_skip(test, ZENITY) {
        return None;
    }
    let _turn = support::keyboard_turn();
    let x = X::connect();
    let mut zenity = Program::zenity_entry(test);
    let window = x.window_of(zenity.pid(), PATIENCE);
    x.focus(window);
    let typist = X11Typist::connect(None).unwrap();
    typing(&typist);
    Some(
        zenity
            .output(PATIENCE)
            .expect("zenity printed the entry and exited after Enter"),
    )
}

#[test]
fn a_six_digit_code_and_enter_reach_a_gtk_entry() {
    let Some(received) = typed_into_zenity("a_six_digit_code_and_enter_reach_a_gtk_entry", |t| {
        t.type_text("492039", true).unwrap()
    }) else {
        return;
    };
    eprintln!("zenity received {received:?}");
    assert_eq!(received, "492039\n");
}

#[test]
fn the_focus_given_back_is_where_the_code_goes() {
    let test = "the_focus_given_back_is_where_the_code_goes";
    let Some(received) = typed_into_zenity(test, |typist| {
        // The quick search takes the focus from the entry, then gives it back before typing.
        let entry = typist.focused_window().expect("the entry has the focus");
        let x = X::connect();
        let other = Program::zenity_entry("another window");
        let other_window = x.window_of(other.pid(), PATIENCE);
        x.focus(other_window);
        assert_ne!(typist.focused_window(), Some(entry));
        typist.refocus(entry).unwrap();
        assert_eq!(typist.focused_window(), Some(entry));
        typist.type_text("805112", true).unwrap();
        drop(other);
    }) else {
        return;
    };
    assert_eq!(received, "805112\n");
}

#[test]
fn steam_letters_come_out_uppercase() {
    // Every letter of Steam's alphabet, and digits between them.
    let code = "23456789BCDFGHJKMNPQRTVWXY";
    let Some(received) = typed_into_zenity("steam_letters_come_out_uppercase", |t| {
        t.type_text(code, true).unwrap()
    }) else {
        return;
    };
    eprintln!("zenity received {received:?}");
    assert_eq!(received, format!("{code}\n"));
}

#[test]
fn letters_stay_uppercase_with_caps_lock_on_and_lowercase_too() {
    let test = "letters_stay_uppercase_with_caps_lock_on_and_lowercase_too";
    let Some(received) = typed_into_zenity(test, |t| {
        let x = X::connect();
        let caps = x.keycode_of(CAPS_LOCK);
        // Turns Caps Lock back off even if typing panics.
        struct CapsOff<'a>(&'a X, u8);
        impl Drop for CapsOff<'_> {
            fn drop(&mut self) {
                if self.0.caps_lock() {
                    self.0.key(self.1, true);
                    self.0.key(self.1, false);
                }
            }
        }
        x.key(caps, true);
        x.key(caps, false);
        let _off = CapsOff(&x, caps);
        assert!(x.caps_lock(), "Caps Lock did not turn on");
        t.type_text("K7xQ", true).unwrap();
    }) else {
        return;
    };
    eprintln!("zenity received {received:?}");
    assert_eq!(received, "K7xQ\n");
}

#[test]
fn a_character_without_a_key_is_refused_before_anything_is_typed() {
    let test = "a_character_without_a_key_is_refused_before_anything_is_typed";
    let Some(received) = typed_into_zenity(test, |t| {
        // No layout key for a snowman; the digits before it must not be typed either.
        assert_eq!(
            t.type_text("12☃4", true),
            Err(TypeError::NoKey {
                class: CharClass::Other,
                position: 3
            })
        );
        t.type_text("7", true).unwrap();
    }) else {
        return;
    };
    assert_eq!(received, "7\n");
}

#[test]
fn held_modifiers_are_waited_for_then_refused() {
    let test = "held_modifiers_are_waited_for_then_refused";
    let Some(received) = typed_into_zenity(test, |t| {
        let x = X::connect();
        let control = x.keycode_of(CONTROL_L);
        x.key(control, true);
        // Held for longer than the wait: refused, and nothing typed (Ctrl+1 would be a shortcut).
        let short = X11Typist::connect(None)
            .unwrap()
            .with_modifier_wait(Duration::from_millis(100));
        let refused = short.type_text("1", false);
        // Released during the wait: typed.
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(150));
            let x = X::connect();
            x.key(control, false);
        });
        let typed = t.type_text("58", true);
        releaser.join().unwrap();
        assert_eq!(refused, Err(TypeError::ModifiersHeld));
        typed.unwrap();
    }) else {
        return;
    };
    assert_eq!(received, "58\n");
}

/// Boxes that move focus at once or after a task fill with the default delay. (Boxes that wait
/// for the next animation frame need a frame's time per key: the typing bench measures them.)
#[test]
fn one_digit_boxes_that_advance_on_input_fill_in_a_browser_engine() {
    let test = "one_digit_boxes_that_advance_on_input_fill_in_a_browser_engine";
    if support::display_or_skip(test).is_none() || !support::installed_or_skip(test, MINIBROWSER) {
        return;
    }
    let _turn = support::keyboard_turn();
    let x = X::connect();
    for (advance, what) in [
        ("next();", "at once"),
        ("setTimeout(next, 0);", "after a task"),
    ] {
        let typist = X11Typist::connect(None).unwrap();
        let title = support::typed_into_digit_boxes(&x, &typist, "492039", advance);
        eprintln!("boxes moving focus {what} received {title:?}");
        assert_eq!(title, "got:492039:enter", "boxes moving focus {what}");
    }
}

#[test]
fn an_x_server_without_xtest_is_named() {
    let test = "an_x_server_without_xtest_is_named";
    let xvfb = "/usr/bin/Xvfb";
    if !support::installed_or_skip(test, xvfb) {
        return;
    }
    // A second, private X server without the extension; it prints its display number.
    let mut server = Program::start(Command::new(xvfb).args([
        "-displayfd",
        "1",
        "-extension",
        "XTEST",
        "-nolisten",
        "tcp",
    ]));
    // -displayfd prints the number once the server accepts connections.
    let number = server
        .first_line(PATIENCE)
        .expect("Xvfb printed its display number");
    let result = X11Typist::connect(Some(&format!(":{number}")));
    assert_eq!(result.err(), Some(TypeError::XTestMissing));
}

#[test]
fn an_unreachable_display_is_named() {
    let display = ":4711";
    assert!(!std::path::Path::new("/tmp/.X11-unix/X4711").exists());
    let error = X11Typist::connect(Some(display)).err().unwrap();
    assert_eq!(error.kind(), "cannot_connect");
    assert!(error.to_string().contains("\":4711\""), "{error}");
    assert_eq!(
        X11Typist::connect(Some("")).err(),
        Some(TypeError::NoDisplay)
    );
}
