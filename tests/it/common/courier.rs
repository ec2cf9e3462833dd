//! A private Courier-IMAP 5.0.13 + Courier POP3 1.0.16 per test (scripts/courier-up):
//! temp dir, loopback, ephemeral ports, a certificate made per start. Courier serves one
//! user whose folders live under "INBOX." with "." as separator, from one Maildir++ tree.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use super::{MailServer, PASSWORD, free_ports, is_root, set_mode};

/// The one user of a Courier instance.
pub const COURIER_USER: &str = "courieruser";

pub struct Courier {
    pub dir: tempfile::TempDir,
    pub imap: u16,
    pub imaps: u16,
    pub pop3: u16,
    pub pop3s: u16,
    maildir: PathBuf,
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scripts")
        .join(name)
}

impl Courier {
    /// Courier is required like Dovecot: it cannot run without root (a private mount
    /// namespace), and a test that needs it fails loudly rather than skipping.
    pub fn start() -> Self {
        assert!(
            is_root(),
            "the Courier test server needs root (a private mount namespace); run the tests as root, as CI does"
        );
        let dir = tempfile::Builder::new()
            .prefix("mailx-courier-")
            .tempdir()
            .expect("tempdir");
        set_mode(dir.path(), 0o755);
        let maildir = dir.path().join("mail").join("Maildir");
        for sub in ["cur", "new", "tmp"] {
            fs::create_dir_all(maildir.join(sub)).expect("mkdir");
        }
        set_mode(&dir.path().join("mail"), 0o755);
        // A port picked free can be taken before Courier binds it: pick again.
        let mut attempt = 0;
        let ports = loop {
            attempt += 1;
            let ports: [u16; 4] = free_ports();
            let out = Command::new(script("courier-up"))
                .arg("-d")
                .arg(dir.path().join("inst"))
                .arg("-m")
                .arg(&maildir)
                .args(["-u", COURIER_USER, "-p", PASSWORD])
                .env("COURIER_IMAP_PORT", ports[0].to_string())
                .env("COURIER_IMAPS_PORT", ports[1].to_string())
                .env("COURIER_POP3_PORT", ports[2].to_string())
                .env("COURIER_POP3S_PORT", ports[3].to_string())
                .output()
                .expect("run scripts/courier-up");
            let text = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            if out.status.success() && text.contains("courier up:") {
                break ports;
            }
            assert!(
                attempt < 5 && text.contains("in use"),
                "Courier did not start (scripts/courier-up):\n{text}"
            );
        };
        Courier {
            dir,
            imap: ports[0],
            imaps: ports[1],
            pop3: ports[2],
            pop3s: ports[3],
            maildir,
        }
    }

    /// The Maildir++ root Courier serves (INBOX).
    pub fn maildir(&self) -> &Path {
        &self.maildir
    }

    /// A message arriving in a folder's new/, as a delivery agent puts it there.
    pub fn deliver(&self, fs_name: &str, body: &[u8]) {
        self.put(fs_name, "new", std::slice::from_ref(&body.to_vec()), "");
    }

    /// Writes messages into a folder's `sub` (cur/ with `:2,flags`, or new/) by way of tmp/.
    fn put(&self, fs_name: &str, sub: &str, bodies: &[Vec<u8>], flags: &str) {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let dir = self.dir_of(fs_name);
        for sub in ["cur", "new", "tmp"] {
            fs::create_dir_all(dir.join(sub)).expect("mkdir");
        }
        if !fs_name.is_empty() {
            fs::write(dir.join("maildirfolder"), b"").expect("maildirfolder");
        }
        for body in bodies {
            let n = SEQ.fetch_add(1, Ordering::SeqCst);
            let unique = format!(
                "{}.M{n}P{}.mailxtest",
                1_700_000_000 + n,
                std::process::id()
            );
            let name = if sub == "cur" {
                format!("{unique}:2,{flags}")
            } else {
                unique
            };
            fs::write(dir.join("tmp").join(&name), body).expect("write message");
            fs::rename(dir.join("tmp").join(&name), dir.join(sub).join(&name)).expect("rename");
        }
        self.give_back();
    }

    fn dir_of(&self, fs_name: &str) -> PathBuf {
        if fs_name.is_empty() {
            self.maildir.clone()
        } else {
            self.maildir.join(fs_name)
        }
    }

    /// Gives the tree back to the mail user Courier runs as (it refuses a Maildir it
    /// does not own), after a test changed it.
    pub fn give_back(&self) {
        let meta = fs::metadata(&self.maildir).expect("maildir");
        let owner = format!("{}:{}", meta.uid(), meta.gid());
        let status = Command::new("chown")
            .args(["-R", &owner])
            .arg(&self.maildir)
            .status()
            .expect("chown");
        assert!(status.success());
    }

    pub fn log(&self) -> String {
        let mut out = String::new();
        for e in fs::read_dir(self.dir.path().join("inst/log"))
            .into_iter()
            .flatten()
            .flatten()
        {
            out.push_str(&fs::read_to_string(e.path()).unwrap_or_default());
        }
        out
    }
}

impl Drop for Courier {
    fn drop(&mut self) {
        let _ = Command::new(script("courier-down"))
            .arg("-d")
            .arg(self.dir.path().join("inst"))
            .output();
    }
}

impl MailServer for Courier {
    fn label(&self) -> &'static str {
        "courier"
    }

    fn ports(&self) -> [u16; 4] {
        [self.imap, self.imaps, self.pop3, self.pop3s]
    }

    fn ca_file(&self) -> PathBuf {
        self.dir.path().join("inst/ssl/cert.pem")
    }

    fn dot_user(&self) -> String {
        COURIER_USER.into()
    }

    fn add_messages(&self, _user: &str, fs_name: &str, bodies: &[Vec<u8>], flags: &str) {
        self.put(fs_name, "cur", bodies, flags);
    }

    fn folder_dir(&self, _user: &str, fs_name: &str) -> PathBuf {
        self.dir_of(fs_name)
    }

    fn fs_name_utf8(&self) -> bool {
        true
    }
}
