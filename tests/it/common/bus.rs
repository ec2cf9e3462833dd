//! A private D-Bus session with an unlocked gnome-keyring on it: a desktop's Secret
//! Service, for the tests of passwords and tokens kept in the OS keyring.

use std::path::Path;
use std::process::{Command, Stdio};

pub struct SessionBus {
    pub address: String,
    pid: u32,
    home: std::path::PathBuf,
}

fn require(tool: &str) {
    let found = ["/usr/bin", "/bin", "/usr/local/bin"]
        .iter()
        .any(|d| Path::new(d).join(tool).exists());
    assert!(
        found,
        "{tool} is not installed; install it with `apt-get install -y dbus-daemon gnome-keyring` (scripts/test does)"
    );
}

impl SessionBus {
    /// A bus and a keyring whose files live below `home`.
    pub fn start(home: &Path) -> Self {
        require("dbus-daemon");
        require("gnome-keyring-daemon");
        let out = Command::new("dbus-daemon")
            .args([
                "--session",
                "--fork",
                "--nosyslog",
                "--print-address=1",
                "--print-pid=1",
            ])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .expect("dbus-daemon");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut lines = text.lines();
        let address = lines.next().expect("bus address").trim().to_string();
        let pid = lines
            .next()
            .and_then(|p| p.trim().parse().ok())
            .expect("bus pid");
        let bus = SessionBus {
            address,
            pid,
            home: home.to_path_buf(),
        };
        std::fs::create_dir_all(home.join("run")).unwrap();
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets", "--daemonize"])
            .envs(bus.env())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon");
        use std::io::Write;
        keyring
            .stdin
            .take()
            .unwrap()
            .write_all(b"keyring-unlock")
            .unwrap();
        assert!(
            keyring.wait().unwrap().success(),
            "gnome-keyring-daemon failed"
        );
        bus
    }

    /// The environment a process needs to reach this bus and keyring.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("DBUS_SESSION_BUS_ADDRESS".into(), self.address.clone()),
            ("HOME".into(), self.home.display().to_string()),
            (
                "XDG_RUNTIME_DIR".into(),
                self.home.join("run").display().to_string(),
            ),
            (
                "XDG_DATA_HOME".into(),
                self.home.join("data").display().to_string(),
            ),
        ]
    }
}

impl SessionBus {
    /// mailx for `client` on this bus, with `stdin`.
    pub fn mailx(
        &self,
        client: &super::Client,
        args: &[&str],
        stdin: &str,
    ) -> std::process::Output {
        let env = self.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        client.mailx_stdin(args, &env, stdin)
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        // gnome-keyring-daemon leaves when its bus goes.
        let _ = Command::new("kill").arg(self.pid.to_string()).status();
    }
}
