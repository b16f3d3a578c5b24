//! The vault in a real Syncthing folder shared by two machines: two `syncthing` daemons on
//! 127.0.0.1, each with its own home and data folder. A partition (each pauses the other),
//! different changes through the CLI on each side, Syncthing's own conflict copy once they meet
//! again, and the CLI merging it: both sides end with the same accounts.
//!
//! Skipped, saying so, only when the `syncthing` binary is missing
//! (`scripts/install-deps.sh --test` installs Debian's).

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use countersign_otp::{Account, Secret};
use countersign_vault::{KdfParams, Store, VAULT_FILE, conflicts::is_syncthing_copy};

mod common;

const FOLDER: &str = "countersign";
/// The longest any one wait may take; they end as soon as their condition holds.
const PATIENCE: Duration = Duration::from_secs(25);

/// A free port on the loopback interface (free when asked; the daemon binds it right after).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One machine: a Syncthing daemon and the data folder it shares.
struct Node {
    name: &'static str,
    home: PathBuf,
    data: PathBuf,
    device_id: String,
    gui_port: u16,
    sync_port: u16,
    api_key: String,
    daemon: Option<Child>,
}

impl Node {
    fn generate(base: &Path, name: &'static str) -> Node {
        let home = base.join(name).join("home");
        let data = base.join(name).join("data");
        fs::create_dir_all(data.join(".stfolder")).unwrap();
        let output = Command::new("syncthing")
            .args(["generate", "--no-default-folder", "--skip-port-probing"])
            .arg(format!("--home={}", home.display()))
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        let config = fs::read_to_string(home.join("config.xml")).unwrap();
        let device_id = config
            .split("<device id=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("config.xml names this device")
            .to_owned();
        // Files that belong to one machine only: its lock, its attempt counter, its backups.
        fs::write(
            data.join(".stignore"),
            "vault.lock\nunlock-attempts.json\nunlock-attempts.json.lock\nbackups\n",
        )
        .unwrap();
        Node {
            name,
            home,
            data,
            device_id,
            gui_port: free_port(),
            sync_port: free_port(),
            api_key: format!("countersign-test-{name}-{}", std::process::id()),
            daemon: None,
        }
    }

    /// Writes the whole configuration: loopback only, no discovery, relays, NAT, reporting or
    /// upgrades; the peer at its loopback address; one folder shared with it.
    fn configure(&self, peer: &Node) {
        let device = |node: &Node, address: &str| {
            format!(
                r#"<device id="{}" name="{}" compression="metadata" introducer="false" skipIntroductionRemovals="false" introducedBy="">
        <address>{address}</address>
        <paused>false</paused>
        <autoAcceptFolders>false</autoAcceptFolders>
    </device>"#,
                node.device_id, node.name
            )
        };
        let config = format!(
            r#"<configuration version="36">
    <folder id="{FOLDER}" label="{FOLDER}" path="{data}" type="sendreceive" rescanIntervalS="3600" fsWatcherEnabled="true" fsWatcherDelayS="1" ignorePerms="false" autoNormalize="true">
        <filesystemType>basic</filesystemType>
        <device id="{me}" introducedBy=""></device>
        <device id="{peer_id}" introducedBy=""></device>
        <minDiskFree unit="%">0</minDiskFree>
        <paused>false</paused>
        <markerName>.stfolder</markerName>
        <!-- Absent, it reads as 0: no conflict copies, the losing version is dropped. -->
        <maxConflicts>10</maxConflicts>
    </folder>
    {me_device}
    {peer_device}
    <gui enabled="true" tls="false" debugging="false">
        <address>127.0.0.1:{gui}</address>
        <apikey>{key}</apikey>
        <theme>default</theme>
    </gui>
    <options>
        <listenAddress>tcp://127.0.0.1:{sync}</listenAddress>
        <globalAnnounceEnabled>false</globalAnnounceEnabled>
        <localAnnounceEnabled>false</localAnnounceEnabled>
        <relaysEnabled>false</relaysEnabled>
        <natEnabled>false</natEnabled>
        <urAccepted>-1</urAccepted>
        <urSeen>3</urSeen>
        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
        <crashReportingEnabled>false</crashReportingEnabled>
        <startBrowser>false</startBrowser>
        <reconnectionIntervalS>1</reconnectionIntervalS>
        <minHomeDiskFree unit="%">0</minHomeDiskFree>
    </options>
</configuration>
"#,
            data = self.data.display(),
            me = self.device_id,
            peer_id = peer.device_id,
            me_device = device(self, "dynamic"),
            peer_device = device(peer, &format!("tcp://127.0.0.1:{}", peer.sync_port)),
            gui = self.gui_port,
            key = self.api_key,
            sync = self.sync_port,
        );
        fs::write(self.home.join("config.xml"), config).unwrap();
    }

    fn start(&mut self) {
        let log = fs::File::create(self.home.join("syncthing.log")).unwrap();
        let daemon = Command::new("syncthing")
            .args(["serve", "--no-browser", "--no-restart", "--no-upgrade"])
            .arg(format!("--home={}", self.home.display()))
            .env("STNOUPGRADE", "1")
            .env("STNORESTART", "1")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        self.daemon = Some(daemon);
    }

    /// One request to the REST API (HTTP/1.0: the answer ends with the connection); the body.
    fn rest(&self, method: &str, path: &str, body: &str) -> Result<String, String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.gui_port))
            .map_err(|e| format!("connect: {e}"))?;
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nX-API-Key: {}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.api_key,
            body.len()
        )
        .map_err(|e| format!("send: {e}"))?;
        let mut answer = String::new();
        stream
            .read_to_string(&mut answer)
            .map_err(|e| format!("read: {e}"))?;
        let (head, body) = answer.split_once("\r\n\r\n").ok_or("no HTTP answer")?;
        if !head.starts_with("HTTP/1.0 200") && !head.starts_with("HTTP/1.1 200") {
            return Err(format!("{method} {path}: {head}"));
        }
        Ok(body.to_owned())
    }

    fn connected_to(&self, peer: &Node) -> bool {
        self.rest("GET", "/rest/system/connections", "")
            .ok()
            .and_then(|body| serde_json::from_str::<serde_json::Value>(&body).ok())
            .and_then(|json| json["connections"][&peer.device_id]["connected"].as_bool())
            .unwrap_or(false)
    }

    /// Pauses or resumes the connection to `peer`: a network partition, during which each side
    /// still scans its changes, as when two machines are apart.
    fn set_paused(&self, peer: &Node, paused: bool) {
        self.rest(
            "PATCH",
            &format!("/rest/config/devices/{}", peer.device_id),
            &format!(r#"{{"paused":{paused}}}"#),
        )
        .unwrap();
    }

    /// Whether Syncthing has scanned the vault file as it is now and is idle.
    fn scanned(&self) -> bool {
        self.rest("GET", &format!("/rest/db/status?folder={FOLDER}"), "")
            .ok()
            .and_then(|body| serde_json::from_str::<serde_json::Value>(&body).ok())
            .is_some_and(|json| {
                json["state"] == "idle"
                    && json["localBytes"].as_u64() == Some(self.vault().len() as u64)
            })
    }

    /// Asks for a scan now, rather than after the file watcher's delay. Best effort: a paused
    /// or busy folder refuses, and the watcher still sees the change.
    fn scan(&self) {
        let _ = self.rest("POST", &format!("/rest/db/scan?folder={FOLDER}"), "");
    }

    fn vault(&self) -> Vec<u8> {
        fs::read(self.data.join(VAULT_FILE)).unwrap_or_default()
    }

    fn conflict_copies(&self) -> Vec<String> {
        fs::read_dir(&self.data)
            .unwrap()
            .filter_map(|entry| entry.unwrap().file_name().into_string().ok())
            .filter(|name| is_syncthing_copy(VAULT_FILE, name))
            .collect()
    }

    fn countersign(&self, args: &[&str], stdin: &str) -> Output {
        let dir = self.data.to_str().expect("a UTF-8 temporary path");
        let mut all = vec!["--data-dir", dir];
        all.extend_from_slice(args);
        let output = common::run(None, &all, stdin);
        assert!(output.status.success(), "{}: {output:?}", self.name);
        self.scan();
        output
    }

    fn accounts(&self) -> Vec<String> {
        let list = self.countersign(&["list", "--json", "--password-stdin"], "pw\n");
        let mut lines = common::lines(&list.stdout);
        lines.sort();
        lines
    }

    fn log(&self) -> String {
        fs::read_to_string(self.home.join("syncthing.log")).unwrap_or_default()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(mut daemon) = self.daemon.take() {
            let _ = daemon.kill();
            let _ = daemon.wait();
        }
    }
}

/// Waits until `done` holds, at most [`PATIENCE`], polling every 100 ms.
fn wait_for(what: &str, nodes: &[&Node], mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > PATIENCE {
            let logs: Vec<String> = nodes
                .iter()
                .map(|node| {
                    let files: Vec<String> = fs::read_dir(&node.data)
                        .unwrap()
                        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                        .collect();
                    let status = node.rest("GET", &format!("/rest/db/status?folder={FOLDER}"), "");
                    format!(
                        "--- {}: files {files:?}, vault {} bytes, folder {status:?} ---\n{}",
                        node.name,
                        node.vault().len(),
                        node.log()
                    )
                })
                .collect();
            panic!("timed out waiting for {what}\n{}", logs.join("\n"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    println!("{what}: {:.1?}", start.elapsed());
}

fn syncthing_is_installed() -> bool {
    Command::new("syncthing")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn hotp_counter(accounts: &[String], issuer: &str) -> u64 {
    let line = accounts
        .iter()
        .find(|line| line.contains(&format!(r#""issuer":"{issuer}""#)))
        .expect("the HOTP account is listed");
    let json: serde_json::Value = serde_json::from_str(line).unwrap();
    json["counter"].as_u64().expect("an HOTP counter")
}

#[test]
fn two_syncthing_daemons_a_partition_and_a_conflict_copy_merged_by_the_cli() {
    if !syncthing_is_installed() {
        eprintln!("SKIPPED: no `syncthing` binary (scripts/install-deps.sh --test installs it)");
        return;
    }
    let start = Instant::now();
    let base = tempfile::tempdir().unwrap();
    let mut a = Node::generate(base.path(), "alpha");
    let mut b = Node::generate(base.path(), "beta");
    a.configure(&b);
    b.configure(&a);

    // The vault starts on alpha: three accounts, one HOTP.
    {
        let store = Store::open(&a.data)
            .unwrap()
            .with_kdf(KdfParams::new(64, 1, 1).unwrap());
        let (mut vault, _) = store.create(Some("pw"), false).unwrap();
        let secret = |text| Secret::from_base32(text).unwrap();
        for account in [
            Account::totp("GitHub", "alice", secret("JBSWY3DPEHPK3PXP")),
            Account::totp("Mail", "alice", secret("GEZDGNBVGY3TQOJQ")),
            Account::hotp("Bank", "counter", secret("MFRGGZDFMZTWQ2LK"), 0),
        ] {
            vault.add(account).unwrap();
        }
    }
    a.start();
    b.start();
    wait_for("the daemons to connect", &[&a, &b], || {
        a.connected_to(&b) && b.connected_to(&a)
    });
    a.scan();
    wait_for("the vault to reach beta", &[&a, &b], || {
        b.vault() == a.vault()
    });
    let before = a.accounts();
    assert_eq!(before.len(), 3);
    assert_eq!(b.accounts(), before);

    // A partition: each pauses the other, and changes the vault its own way.
    a.set_paused(&b, true);
    b.set_paused(&a, true);
    wait_for("the partition", &[&a, &b], || {
        !a.connected_to(&b) && !b.connected_to(&a)
    });
    a.countersign(
        &["add", "--password-stdin"],
        "pw\notpauth://totp/Added:on-alpha?secret=MFRGGZDFMZTWQ2LKMFRGGZDF&issuer=Added\n",
    );
    for _ in 0..3 {
        a.countersign(&["code", "Bank", "--password-stdin"], "pw\n");
    }
    b.countersign(&["remove", "GitHub", "--password-stdin"], "pw\n");
    b.countersign(&["code", "Bank", "--password-stdin"], "pw\n");
    let listed = b.countersign(&["list", "--password-stdin"], "pw\n");
    assert_eq!(common::lines(&listed.stdout).len(), 2);
    assert_ne!(a.vault(), b.vault());
    wait_for("both changes to be scanned", &[&a, &b], || {
        a.scanned() && b.scanned()
    });

    // They meet again: Syncthing keeps one version and makes the other a conflict copy, on
    // both sides.
    a.set_paused(&b, false);
    b.set_paused(&a, false);
    wait_for("Syncthing's conflict copy on both sides", &[&a, &b], || {
        !a.conflict_copies().is_empty()
            && a.conflict_copies() == b.conflict_copies()
            && a.vault() == b.vault()
    });

    // Any command that opens the vault merges; `sync status` also says what it did.
    let status = a.countersign(&["sync", "status", "--password-stdin"], "pw\n");
    let status = String::from_utf8(status.stdout).unwrap();
    assert!(status.contains("conflict copies: 1"), "{status}");
    assert!(
        status.contains("(Syncthing): merged and removed"),
        "{status}"
    );
    assert!(a.conflict_copies().is_empty());
    wait_for("alpha's merge to reach beta", &[&a, &b], || {
        b.vault() == a.vault() && b.conflict_copies().is_empty()
    });
    let status = b.countersign(&["sync", "status", "--password-stdin"], "pw\n");
    let status = String::from_utf8(status.stdout).unwrap();
    assert!(status.contains("conflict copies: 0"), "{status}");

    let on_a = a.accounts();
    let on_b = b.accounts();
    assert_eq!(on_a, on_b, "both sides hold the same accounts");
    let issuers: Vec<&str> = ["Added", "Bank", "GitHub", "Mail"]
        .into_iter()
        .filter(|issuer| {
            on_a.iter()
                .any(|line| line.contains(&format!(r#""issuer":"{issuer}""#)))
        })
        .collect();
    assert_eq!(
        issuers,
        ["Added", "Bank", "Mail"],
        "the deletion held, the addition too"
    );
    assert_eq!(hotp_counter(&on_a, "Bank"), 3, "the higher HOTP counter");
    // Beta's merge had nothing to add, so it saved nothing: no new version to sync back.
    assert_eq!(a.vault(), b.vault());
    assert!(a.conflict_copies().is_empty() && b.conflict_copies().is_empty());
    println!(
        "two Syncthing daemons, partition, conflict copy, merge: {:.1?}",
        start.elapsed()
    );
}
