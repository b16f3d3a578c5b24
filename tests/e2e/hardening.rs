//! DESIGN.md section 2's promises about the web view, checked in the running window: the
//! prototypes frozen, the isolation pattern in place, no remote content (the CSP), WebGL,
//! WebAudio, media, WebRTC and script clipboard access off, and the web process confined by
//! bubblewrap.

use std::io::ErrorKind;
use std::net::TcpListener;
use std::time::Duration;

use countersign_e2e::App;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn the_web_view_is_confined_and_can_do_no_more_than_the_app_needs() {
    let app = App::launch().await;
    // The page is up (first launch: onboarding).
    app.find("#app").await;

    assert_eq!(
        app.js("return Object.isFrozen(Object.prototype)").await,
        json!(true),
        "freezePrototype"
    );
    assert_eq!(
        app.js("const f = document.querySelector('iframe#__tauri_isolation__'); return f && f.getAttribute('sandbox')")
            .await,
        json!("allow-scripts"),
        "the isolation pattern's sandboxed frame"
    );

    let features = app
        .js(r#"return {
            webgl: !!document.createElement('canvas').getContext('webgl'),
            webgl2: !!document.createElement('canvas').getContext('webgl2'),
            audio: typeof AudioContext,
            peer: typeof RTCPeerConnection,
            mediaDevices: typeof navigator.mediaDevices,
            paste: document.execCommand('paste'),
        }"#)
        .await;
    assert_eq!(
        features,
        json!({
            "webgl": false,
            "webgl2": false,
            "audio": "undefined",
            "peer": "undefined",
            "mediaDevices": "undefined",
            "paste": false,
        })
    );

    // Nothing leaves for the network: a fetch, an image and a script pointed at a listener
    // on this machine never connect.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let tried = app
        .js(&format!(
            r#"fetch('{origin}/fetch').catch(() => {{}});
            new Image().src = '{origin}/image.png';
            const script = document.createElement('script');
            script.src = '{origin}/script.js';
            document.head.append(script);
            return true"#
        ))
        .await;
    assert_eq!(tried, json!(true));
    tokio::time::sleep(Duration::from_secs(1)).await;
    match listener.accept() {
        Err(error) if error.kind() == ErrorKind::WouldBlock => {}
        other => panic!("the page reached {origin}: {other:?}"),
    }

    // No core dumps: a crash must not write the decrypted vault to disk.
    let pid = app.app_process().expect("the app is running");
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let core = limits
        .lines()
        .find(|line| line.starts_with("Max core file size"))
        .expect("a core size limit");
    assert_eq!(
        core.split_whitespace().skip(4).take(2).collect::<Vec<_>>(),
        ["0", "0"],
        "{core}"
    );

    // The web process runs in bubblewrap's namespaces: its pid there differs from ours.
    app.assert_web_content_sandboxed();
    app.quit().await;
}
