//! A private D-Bus session bus without the OS keyring on it.

use std::process::{Child, Command, Stdio};

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
    /// The bus address, for `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
}

impl BusWithoutKeyring {
    /// Starts a private dbus-daemon.
    pub fn start() -> BusWithoutKeyring {
        use std::io::{BufRead, BufReader};
        // No service directories: nothing (gnome-keyring included) can be started on demand.
        let config =
            std::env::temp_dir().join(format!("countersign-bus-{}.conf", std::process::id()));
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
            address: address.trim().to_owned(),
        }
    }
}

impl Drop for BusWithoutKeyring {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
