//! The typing bench on X11: the X server, the programs typed into and the measurements.

use std::time::{Duration, Instant};

use crate::support::{self, MINIBROWSER, Program, X, ZENITY};
use countersign_desktop::{DEFAULT_KEY_DELAY, Typist, X11Typist};
use x11rb::protocol::xproto::ConnectionExt as _;

const CODE: &str = "492039";

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn runs(variable: &str, default: usize) -> usize {
    std::env::var(variable)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One run into a fresh zenity entry: the time of one key, then of the code + Enter.
fn one_run(x: &X, typist: &X11Typist) -> (Duration, Duration) {
    let mut zenity = Program::zenity_entry("typing bench");
    let window = x.window_of(zenity.pid(), Duration::from_secs(20));
    x.focus(window);
    let start = Instant::now();
    typist.type_text("1", false).unwrap();
    let one_key = start.elapsed();
    let start = Instant::now();
    typist.type_text(CODE, true).unwrap();
    let code = start.elapsed();
    let received = zenity.output(Duration::from_secs(20)).unwrap();
    assert!(
        received == format!("1{CODE}\n"),
        "zenity received something else"
    );
    (one_key, code)
}

/// Runs the bench (see the bench's own documentation).
pub(crate) fn main() {
    let Some(_display) = support::display_or_skip("typing bench") else {
        return;
    };
    if !support::installed_or_skip("typing bench", ZENITY) {
        return;
    }
    let x = X::connect();
    let n = runs("TYPING_BENCH_RUNS", 7).max(1);

    let round_trip = median(
        (0..200)
            .map(|_| {
                let start = Instant::now();
                x.connection.get_input_focus().unwrap().reply().unwrap();
                start.elapsed()
            })
            .collect(),
    );

    println!("typing a 6-digit code + Enter into a zenity entry, median of {n} runs");
    println!(
        "{:<22} {:>10} {:>14} {:>14} {:>12}",
        "key delay", "code ms", "/ round trip", "/ one key", "one key ms"
    );
    for delay in [DEFAULT_KEY_DELAY, Duration::ZERO] {
        let typist = X11Typist::connect(None).unwrap().with_key_delay(delay);
        let (one_keys, codes): (Vec<_>, Vec<_>) = (0..n).map(|_| one_run(&x, &typist)).unzip();
        let (one_key, code) = (median(one_keys), median(codes));
        println!(
            "{:<22} {:>10.2} {:>14.1} {:>14.1} {:>12.3}",
            format!("{} ms", delay.as_millis()),
            ms(code),
            code.as_secs_f64() / round_trip.as_secs_f64(),
            code.as_secs_f64() / one_key.as_secs_f64(),
            ms(one_key),
        );
    }
    println!(
        "anchor: one X round trip (GetInputFocus) {:.3} ms",
        ms(round_trip)
    );

    let box_runs = runs("TYPING_BENCH_BOX_RUNS", 3);
    if box_runs == 0 || !support::installed_or_skip("typing bench (boxes)", MINIBROWSER) {
        return;
    }
    println!();
    println!("one-digit boxes moving focus at the next animation frame (WebKitGTK), filled right:");
    for delay_ms in [12, 34, 100, 200] {
        let typist = X11Typist::connect(None)
            .unwrap()
            .with_key_delay(Duration::from_millis(delay_ms));
        let right = (0..box_runs)
            .filter(|_| {
                support::typed_into_digit_boxes(&x, &typist, CODE, "requestAnimationFrame(next);")
                    == format!("got:{CODE}:enter")
            })
            .count();
        println!("  key delay {delay_ms:>3} ms: {right}/{box_runs}");
    }
}
