//! A private D-Bus session bus without the OS keyring on it.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A session bus that allows everything and activates nothing.
const BARE_BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

/// A D-Bus session bus with no Secret Service on it: the OS keyring is "unavailable" for an
/// app pointed at it. Stopped when dropped.
pub struct BusWithoutKeyring {
    process: Child,
    config: PathBuf,
    /// The bus address, for `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
}

impl BusWithoutKeyring {
    /// Starts a private dbus-daemon.
    pub fn start() -> BusWithoutKeyring {
        use std::io::{BufRead, BufReader};
        // A file per bus: tests starting buses side by side must not rewrite one being read.
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let config = std::env::temp_dir().join(format!(
            "countersign-bus-{}-{}.conf",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::SeqCst)
        ));
        // No service directories: nothing (gnome-keyring included) can be started on demand.
        std::fs::write(&config, BARE_BUS_CONFIG).expect("write the bus configuration");
        let mut process = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon is installed");
        let mut address = String::new();
        BufReader::new(process.stdout.take().expect("stdout"))
            .read_line(&mut address)
            .expect("dbus-daemon prints its address");
        BusWithoutKeyring {
            process,
            config,
            address: address.trim().to_owned(),
        }
    }
}

impl Drop for BusWithoutKeyring {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        let _ = std::fs::remove_file(&self.config);
    }
}
