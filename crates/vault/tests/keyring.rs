//! The keyring slot against a real Secret Service (gnome-keyring-daemon on a private D-Bus
//! session bus), and the fallbacks: no bus, a bus without a provider, no keyring yet, a locked
//! keyring.
//!
//! Run them with `scripts/with-keyring.sh cargo test -p countersign-vault --test keyring`.
//! Without a Secret Service they print that they were skipped, unless COUNTERSIGN_KEYRING_TESTS=1
//! is set (as `make test` and the script do): then they fail, saying what is missing.
//!
//! The keyring crate picks its store once per process, so each fallback runs in a child process
//! (this test binary again, see `child_process_entry_point`) with the environment under test.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use countersign_otp::{Account, Secret};
use countersign_vault::{
    BackupPolicy, KEYRING_SERVICE, KdfParams, Recovery, Status, Store, keyring_status,
};

const CHILD_ENV: &str = "COUNTERSIGN_KEYRING_CHILD";
const DATA_ENV: &str = "COUNTERSIGN_KEYRING_CHILD_DATA";

fn insisted() -> bool {
    std::env::var("COUNTERSIGN_KEYRING_TESTS").is_ok_and(|v| v == "1")
}

/// Whether the session's Secret Service works; skips (or fails, when insisted on) otherwise.
fn session_keyring(test: &str) -> bool {
    match keyring_status() {
        Ok(()) => true,
        Err(error) if insisted() => panic!(
            "COUNTERSIGN_KEYRING_TESTS=1 but the Secret Service does not work ({error}); \
             run the tests through scripts/with-keyring.sh"
        ),
        Err(error) => {
            eprintln!("skipped {test}: no usable Secret Service ({error})");
            false
        }
    }
}

/// Whether the programs for private buses are installed; skips (or fails) otherwise.
fn tools(test: &str) -> bool {
    let present = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    };
    let missing: Vec<_> = ["dbus-daemon", "gnome-keyring-daemon", "dbus-send"]
        .into_iter()
        .filter(|tool| !present(tool))
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        !insisted(),
        "COUNTERSIGN_KEYRING_TESTS=1 but {missing:?} are not installed (Debian: dbus, gnome-keyring)"
    );
    eprintln!("skipped {test}: {missing:?} not installed");
    false
}

fn store(dir: &Path) -> Store {
    Store::open(dir)
        .unwrap()
        .with_kdf(KdfParams::new(64, 1, 1).unwrap())
}

fn account() -> Account {
    Account::totp(
        "GitHub",
        "alice",
        Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
    )
}

/// The keyring entry's user name of this machine's slot of a vault.
fn keyring_user(vault_id: uuid::Uuid) -> String {
    format!("{vault_id}/{}", countersign_vault::machine_id())
}

fn secret_tool(args: &[&str]) -> Vec<u8> {
    let output = Command::new("secret-tool").args(args).output().unwrap();
    output.stdout
}

#[test]
fn keyring_slot_unlocks_without_a_password() {
    if !session_keyring("keyring_slot_unlocks_without_a_password") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let (mut vault, _) = store.create(Some("pw"), true).unwrap();
    vault.add(account()).unwrap();
    let id = keyring_user(vault.vault_id());
    drop(vault);

    let Status::Locked(info) = store.status().unwrap() else {
        panic!("created")
    };
    assert!(info.slots.keyring && info.slots.password);
    let start = Instant::now();
    let vault = store.unlock_with_keyring().unwrap();
    println!("keyring unlock took {:?}", start.elapsed());
    assert_eq!(vault.entries()[0].account, account());

    // The keyring holds a 32-byte wrapping key under service "Countersign", user = vault id
    // and machine id.
    let stored = secret_tool(&["lookup", "service", KEYRING_SERVICE, "username", &id]);
    assert_eq!(stored.len(), 32);
    let file = std::fs::read(dir.path().join("vault.countersign")).unwrap();
    assert!(!file.windows(32).any(|w| w == stored.as_slice()));
}

/// Two machines share one vault through a synced folder (played here by two stores on one
/// keyring, each with its own machine id): each adds its own keyring slot, and the vault then
/// unlocks with the keyring on both; a password change on one drops the other's slot, which it
/// cannot re-wrap, and the other then needs the new password.
#[test]
fn each_machine_of_a_synced_vault_has_its_own_keyring_slot() {
    if !session_keyring("each_machine_of_a_synced_vault_has_its_own_keyring_slot") {
        return;
    }
    let base = tempfile::tempdir().unwrap();
    let (here, there) = (base.path().join("here"), base.path().join("there"));
    let laptop = uuid::Uuid::from_u128(0x1a);
    let desktop = uuid::Uuid::from_u128(0xde);
    let on = |dir: &Path, machine| store(dir).with_machine_id(machine);
    let (mut vault, _) = on(&here, laptop).create(Some("pw"), true).unwrap();
    vault.add(account()).unwrap();
    drop(vault);
    let sync = |from: &Path, to: &Path| {
        std::fs::create_dir_all(to).unwrap();
        std::fs::copy(from.join("vault.countersign"), to.join("vault.countersign")).unwrap();
    };
    sync(&here, &there);

    // The desktop has no slot yet: the keyring does not open it there, the password does.
    let desktop_store = on(&there, desktop);
    let keyring_here = |store: &Store| match store.status().unwrap() {
        Status::Locked(info) => info.slots.keyring,
        Status::NoVault => panic!("synced"),
    };
    assert!(!keyring_here(&desktop_store));
    assert!(keyring_here(&on(&here, laptop)));
    assert_eq!(
        desktop_store.unlock_with_keyring().unwrap_err().kind(),
        "no_such_slot"
    );
    let mut on_desktop = desktop_store.unlock_with_password("pw").unwrap();
    on_desktop.add_keyring_slot().unwrap();
    drop(on_desktop);
    // Meanwhile the laptop adds an account; the desktop's copy arrives as a conflict copy,
    // and the merge keeps both machines' slots.
    let mut on_laptop = on(&here, laptop).unlock_with_keyring().unwrap();
    on_laptop
        .add(Account::totp(
            "Second",
            "",
            Secret::from_bytes(vec![7; 10]).unwrap(),
        ))
        .unwrap();
    std::fs::copy(
        there.join("vault.countersign"),
        here.join("vault.sync-conflict-20240102-030405-ABCDEFG.countersign"),
    )
    .unwrap();
    assert!(on_laptop.sync().unwrap().merged_any());
    drop(on_laptop);
    sync(&here, &there);
    // Both slots are in the file: each machine unlocks with its own keyring key.
    assert_eq!(
        on(&here, laptop).unlock_with_keyring().unwrap().entries()[0].account,
        account()
    );
    assert!(keyring_here(&desktop_store));
    let mut on_desktop = desktop_store.unlock_with_keyring().unwrap();
    assert_eq!(on_desktop.entries().len(), 2);
    // Adding it again keeps this machine's key: copies with the older slot still open.
    on_desktop.add_keyring_slot().unwrap();
    drop(on_desktop);
    sync(&there, &here);
    assert_eq!(
        on(&here, laptop)
            .unlock_with_keyring()
            .unwrap()
            .entries()
            .len(),
        2
    );

    // A password change on the laptop re-keys: its own slot is re-wrapped, the desktop's goes.
    let mut on_laptop = on(&here, laptop).unlock_with_keyring().unwrap();
    let _ = on_laptop
        .change_password("pw", "new", Recovery::Replace, BackupPolicy::Remove)
        .unwrap();
    drop(on_laptop);
    sync(&here, &there);
    assert_eq!(
        on(&here, laptop)
            .unlock_with_keyring()
            .unwrap()
            .entries()
            .len(),
        2
    );
    assert_eq!(
        desktop_store.unlock_with_keyring().unwrap_err().kind(),
        "no_such_slot"
    );
    assert_eq!(
        desktop_store
            .unlock_with_password("new")
            .unwrap()
            .entries()
            .len(),
        2
    );
}

#[test]
fn a_key_deleted_from_the_keyring_is_reported_missing() {
    if !session_keyring("a_key_deleted_from_the_keyring_is_reported_missing") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let (vault, _) = store.create(Some("pw"), true).unwrap();
    let id = keyring_user(vault.vault_id());
    drop(vault);
    secret_tool(&["clear", "service", KEYRING_SERVICE, "username", &id]);
    assert_eq!(
        store.unlock_with_keyring().unwrap_err().kind(),
        "keyring_key_missing"
    );
    // Another key under the same name (e.g. a copy of the vault re-added it) opens nothing.
    let mut child = Command::new("secret-tool")
        .args([
            "store",
            "--label=x",
            "service",
            KEYRING_SERVICE,
            "username",
            &id,
        ])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&[7; 32]).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(
        store.unlock_with_keyring().unwrap_err().kind(),
        "keyring_key_missing"
    );
    store.unlock_with_password("pw").unwrap();
}

#[test]
fn keyring_only_vault_and_slot_management() {
    if !session_keyring("keyring_only_vault_and_slot_management") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let (mut vault, recovery) = store.create(None, true).unwrap();
    let id = keyring_user(vault.vault_id());
    assert!(!vault.slots().password);
    assert_eq!(
        vault
            .remove_keyring_slot("", Recovery::Replace, BackupPolicy::Remove)
            .unwrap_err()
            .kind(),
        "last_credential"
    );
    vault
        .add_password("now with a password", &recovery.to_grouped())
        .unwrap();
    let _ = vault
        .remove_keyring_slot(
            "now with a password",
            Recovery::Replace,
            BackupPolicy::Remove,
        )
        .unwrap();
    assert!(!vault.slots().keyring);
    assert!(secret_tool(&["lookup", "service", KEYRING_SERVICE, "username", &id]).is_empty());
    assert_eq!(
        store.unlock_with_keyring().unwrap_err().kind(),
        "no_such_slot"
    );
    vault.add_keyring_slot().unwrap();
    drop(vault);
    store.unlock_with_keyring().unwrap();
}

#[test]
fn a_first_password_needs_the_recovery_key() {
    if !session_keyring("a_first_password_needs_the_recovery_key") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let (mut vault, recovery) = store.create(None, true).unwrap();
    vault.add(account()).unwrap();
    let generation = vault.generation();
    for wrong in ["", "not a key", "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"] {
        assert_eq!(
            vault.add_password("mine now", wrong).unwrap_err().kind(),
            "wrong_recovery_key"
        );
    }
    // Nothing changed, and the wrong keys were counted like unlock attempts.
    assert!(!vault.slots().password);
    assert_eq!(vault.generation(), generation);
    assert_eq!(
        vault.verify_password("mine now").unwrap_err().kind(),
        "rate_limited"
    );
    std::thread::sleep(store.unlock_wait().unwrap());
    assert_eq!(
        vault.verify_password("mine now").unwrap_err().kind(),
        "no_such_slot"
    );
    vault.add_password("mine now", &recovery.qr_text()).unwrap();
    vault.verify_password("mine now").unwrap();
    assert_eq!(
        vault
            .add_password("again", &recovery.to_grouped())
            .unwrap_err()
            .kind(),
        "password_exists"
    );
    drop(vault);
    assert_eq!(store.unlock_wait(), None);
    store.unlock_with_password("mine now").unwrap();
    store.unlock_with_keyring().unwrap();
}

#[test]
fn removing_the_keyring_slot_re_keys_so_the_old_keyring_key_opens_no_backup() {
    if !session_keyring("removing_the_keyring_slot_re_keys") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let (mut vault, _) = store.create(Some("pw"), true).unwrap();
    vault.add(account()).unwrap();
    // The keyring's key, as it is now (base64, as the keyring crate keeps a secret).
    let id = keyring_user(vault.vault_id());
    let key = secret_tool(&["lookup", "service", KEYRING_SERVICE, "username", &id]);
    assert!(!key.is_empty());
    let rekeyed = vault
        .remove_keyring_slot("pw", Recovery::Replace, BackupPolicy::ReEncrypt)
        .unwrap();
    assert!(rekeyed.backups_reencrypted >= 2);
    drop(vault);
    // Each backup, with the old key put back in the keyring: it has no keyring slot any more.
    for backup in store.backups().unwrap() {
        let copy = tempfile::tempdir().unwrap();
        std::fs::copy(&backup.path, copy.path().join("vault.countersign")).unwrap();
        let info = match self::store(copy.path()).status().unwrap() {
            Status::Locked(info) => info,
            Status::NoVault => unreachable!(),
        };
        assert!(!info.slots.keyring);
        self::store(copy.path()).unlock_with_password("pw").unwrap();
    }
    store.unlock_with_password("pw").unwrap();
}

/// What a child process reported: the error kind (or "ok") and the error's message.
struct Outcome {
    kind: String,
    message: String,
}

fn run_child(scenario: &str, data: &Path, env: &[(&str, &str)]) -> Outcome {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", "child_process_entry_point", "--nocapture"])
        .env(CHILD_ENV, scenario)
        .env(DATA_ENV, data)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("OUTCOME "))
        .unwrap_or_else(|| panic!("the child reported nothing: {output:?}"));
    let (kind, message) = line.split_once(' ').unwrap_or((line, ""));
    Outcome {
        kind: kind.into(),
        message: message.into(),
    }
}

/// Not a test of its own: the entry point of the child processes above. Does nothing unless
/// started by `run_child`.
#[test]
fn child_process_entry_point() {
    let Ok(scenario) = std::env::var(CHILD_ENV) else {
        return;
    };
    let data = std::env::var(DATA_ENV).unwrap();
    let store = store(Path::new(&data));
    let result = match scenario.as_str() {
        "status" => keyring_status(),
        "create" => store.create(Some("pw"), true).map(drop),
        "unlock" => store.unlock_with_keyring().map(drop),
        other => panic!("unknown scenario {other}"),
    };
    match result {
        Ok(()) => println!("OUTCOME ok"),
        Err(error) => println!("OUTCOME {} {error}", error.kind()),
    }
}

#[test]
fn without_a_session_bus_the_keyring_is_unavailable_with_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let no_bus = [("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")];
    let status = run_child("status", dir.path(), &no_bus);
    assert_eq!(status.kind, "keyring_unavailable");
    assert!(status.message.len() > "the system keyring is unavailable: ".len());
    println!("no bus: {}", status.message);

    // Creating a vault with the keyring then fails and writes nothing.
    let create = run_child("create", dir.path(), &no_bus);
    assert_eq!(create.kind, "keyring_unavailable");
    assert_eq!(store(dir.path()).status().unwrap(), Status::NoVault);
}

/// A private session bus of our own, without any service files (so nothing is auto-started).
struct Bus {
    daemon: Child,
    address: String,
    dir: tempfile::TempDir,
}

impl Bus {
    fn start() -> Bus {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("session.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}/bus</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>"#,
                dir.path().display()
            ),
        )
        .unwrap();
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut address = String::new();
        BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        Bus {
            daemon,
            address: address.trim().to_owned(),
            dir,
        }
    }

    /// Starts gnome-keyring-daemon's Secret Service on this bus; with `password`, it creates
    /// (or opens) the login keyring unlocked.
    fn start_keyring(&self, password: Option<&str>) -> Child {
        let data = self.dir.path().join("data");
        let runtime = self.dir.path().join("runtime");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::create_dir_all(&runtime).unwrap();
        let mut command = Command::new("gnome-keyring-daemon");
        command
            .args(["--components=secrets", "--foreground"])
            .args(password.map(|_| "--unlock"))
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("XDG_DATA_HOME", &data)
            .env("XDG_RUNTIME_DIR", &runtime)
            .env_remove("DISPLAY")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut daemon = command.spawn().unwrap();
        let mut stdin = daemon.stdin.take().unwrap();
        if let Some(password) = password {
            stdin.write_all(password.as_bytes()).unwrap();
        }
        drop(stdin);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.has_owner("org.freedesktop.secrets") {
            assert!(
                Instant::now() < deadline,
                "gnome-keyring-daemon did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        daemon
    }

    fn has_owner(&self, name: &str) -> bool {
        let output = self
            .send(&[
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                &format!("string:{name}"),
            ])
            .stdout;
        String::from_utf8_lossy(&output).contains("boolean true")
    }

    fn send(&self, args: &[&str]) -> std::process::Output {
        Command::new("dbus-send")
            .arg(format!("--bus={}", self.address))
            .arg("--print-reply")
            .args(args)
            .output()
            .unwrap()
    }

    fn env(&self) -> [(&str, &str); 1] {
        [("DBUS_SESSION_BUS_ADDRESS", self.address.as_str())]
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

fn stop(mut daemon: Child) {
    let _ = daemon.kill();
    let _ = daemon.wait();
}

#[test]
fn a_bus_without_a_secret_service_is_unavailable() {
    if !tools("a_bus_without_a_secret_service_is_unavailable") {
        return;
    }
    let bus = Bus::start();
    let dir = tempfile::tempdir().unwrap();
    let outcome = run_child("status", dir.path(), &bus.env());
    assert_eq!(outcome.kind, "keyring_unavailable");
    println!("no provider: {}", outcome.message);
    // D-Bus's "ServiceUnknown ... org.freedesktop.secrets", said plainly.
    assert_eq!(
        outcome.message,
        "the system keyring is unavailable: no keyring program (such as GNOME Keyring or \
         KWallet) runs in this session"
    );
}

#[test]
fn a_secret_service_without_a_keyring_is_unavailable() {
    if !tools("a_secret_service_without_a_keyring_is_unavailable") {
        return;
    }
    let bus = Bus::start();
    let daemon = bus.start_keyring(None);
    let dir = tempfile::tempdir().unwrap();
    let outcome = run_child("create", dir.path(), &bus.env());
    stop(daemon);
    assert_eq!(outcome.kind, "keyring_unavailable");
    println!("no keyring yet: {}", outcome.message);
    assert_eq!(store(dir.path()).status().unwrap(), Status::NoVault);
}

#[test]
fn a_locked_keyring_is_unavailable_and_does_not_hang() {
    if !tools("a_locked_keyring_is_unavailable_and_does_not_hang") {
        return;
    }
    let bus = Bus::start();
    let daemon = bus.start_keyring(Some("login password"));
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run_child("create", dir.path(), &bus.env()).kind, "ok");
    assert_eq!(run_child("unlock", dir.path(), &bus.env()).kind, "ok");

    let locked = bus.send(&[
        "--dest=org.freedesktop.secrets",
        "/org/freedesktop/secrets",
        "org.freedesktop.Secret.Service.Lock",
        "array:objpath:/org/freedesktop/secrets/collection/login",
    ]);
    assert!(locked.status.success(), "{locked:?}");
    let start = Instant::now();
    let outcome = run_child("unlock", dir.path(), &bus.env());
    let took = start.elapsed();
    stop(daemon);
    println!("locked keyring: {} (after {took:?})", outcome.message);
    assert_eq!(outcome.kind, "keyring_unavailable");
    assert!(took < countersign_vault::KEYRING_TIMEOUT + Duration::from_secs(5));
    // The password still opens it.
    store(dir.path()).unlock_with_password("pw").unwrap();
}
