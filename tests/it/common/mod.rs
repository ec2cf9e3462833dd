//! Test harness: a private Dovecot per test (temp dir, loopback, ephemeral ports,
//! self-signed certificate made per run), and helpers to run the real `mailx` binary.
#![allow(dead_code)]

pub mod bus;
pub mod courier;
pub mod discovery;
pub mod fake_imap;
pub mod fake_pop3;
pub mod faults;

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub const PASSWORD: &str = "secret";
/// Default layout: separator "/", no prefix.
pub const SLASH_USER: &str = "testuser";
/// Courier-style layout: everything under "INBOX." with "." as separator.
pub const DOT_USER: &str = "nsuser";
/// A user whose password appears nowhere else, for tests that look for leaks.
pub const VAULT_USER: &str = "vaultuser";
pub const VAULT_PASSWORD: &str = "Vq7-unique-PASSWORD-zK9";
/// A user whose password has what breaks naive quoting: a space, a quote, a backslash
/// and non-ASCII letters.
pub const UNICODE_USER: &str = "unicodeuser";
pub const UNICODE_PASSWORD: &str = "Pä\"ss\\wörd x";

pub struct Dovecot {
    pub dir: tempfile::TempDir,
    pub imap: u16,
    pub imaps: u16,
    pub pop3: u16,
    pub pop3s: u16,
    conf: PathBuf,
    pid: Option<u32>,
    next_user: AtomicU32,
}

/// Fresh users per server for tests that need many empty mailboxes.
const POOL_USERS: u32 = 400;

fn find_binary(name: &str) -> Option<PathBuf> {
    for dir in ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"] {
        let p = Path::new(dir).join(name);
        if p.exists() {
            return Some(p);
        }
    }
    None
}

/// Dovecot is required: a missing server fails the test loudly (never a silent skip).
fn dovecot_bin() -> PathBuf {
    find_binary("dovecot").unwrap_or_else(|| {
        panic!(
            "dovecot is not installed; install it with `apt-get install -y dovecot-imapd dovecot-pop3d` (CI={})",
            std::env::var("CI").unwrap_or_default()
        )
    })
}

pub(crate) fn free_port() -> u16 {
    let [port] = free_ports();
    port
}

/// `N` distinct free ports: the probes stay bound until all are taken, or the
/// kernel can hand out one port twice (Dovecot: "duplicate listener").
pub(crate) fn free_ports<const N: usize>() -> [u16; N] {
    let probes: Vec<TcpListener> = (0..N)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("no free port on loopback"))
        .collect();
    std::array::from_fn(|i| probes[i].local_addr().expect("probe address").port())
}

pub(crate) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn current_user() -> String {
    Command::new("id")
        .arg("-un")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| "nobody".into())
}

static INSTANCE: AtomicU32 = AtomicU32::new(0);

/// What a test needs of a server, whichever implementation it is (Dovecot, Courier):
/// tests written against this run against both.
pub trait MailServer {
    fn label(&self) -> &'static str;
    /// IMAP (plain + STARTTLS), IMAPS, POP3 (plain + STLS), POP3S.
    fn ports(&self) -> [u16; 4];
    fn ca_file(&self) -> PathBuf;
    /// A user whose folders live under "INBOX." with "." as separator.
    fn dot_user(&self) -> String;
    /// Puts messages into a server folder given in on-disk form ("" = INBOX, ".Sent").
    fn add_messages(&self, user: &str, fs_name: &str, bodies: &[Vec<u8>], flags: &str);
    /// The server's Maildir directory of a folder in on-disk form.
    fn folder_dir(&self, user: &str, fs_name: &str) -> PathBuf;
    /// Non-ASCII folder names on disk: Dovecot writes modified UTF-7, Courier >= 5.0 UTF-8.
    fn fs_name_utf8(&self) -> bool;

    fn server_messages(&self, user: &str, fs_name: &str) -> Vec<Vec<u8>> {
        read_maildir(&self.folder_dir(user, fs_name))
            .into_iter()
            .map(|(_, b)| b)
            .collect()
    }

    /// Info flags of every server message file, e.g. ["S", ""].
    fn server_flags(&self, user: &str, fs_name: &str) -> Vec<String> {
        read_maildir(&self.folder_dir(user, fs_name))
            .into_iter()
            .map(|(name, _)| {
                name.split_once(":2,")
                    .map(|(_, f)| f.to_string())
                    .unwrap_or_default()
            })
            .collect()
    }
}

/// The server of one test world: a user of a shared Dovecot, or a Courier of its own (it
/// serves one user).
pub enum Host<'a> {
    Dovecot(&'a Dovecot),
    Courier(courier::Courier),
}

impl Host<'_> {
    pub fn server(&self) -> &dyn MailServer {
        match self {
            Host::Dovecot(dc) => *dc,
            Host::Courier(c) => c,
        }
    }
}

/// A server folder's messages once there are `count` of them, or after 10 s. Courier
/// POP3 1.0.16 answers QUIT before it has removed the deleted files (measured: 1,811 of
/// 2,000 still there when mailx exited, none 2 s later), so deletions are checked once
/// the server has settled.
pub fn settled(dc: &dyn MailServer, user: &str, fs_name: &str, count: usize) -> Vec<Vec<u8>> {
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let now = dc.server_messages(user, fs_name);
        if now.len() == count || Instant::now() > until {
            return now;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The server's messages once two readings 200 ms apart agree: a server may still be
/// renaming files for the session of a client that was just killed.
pub fn quiescent(dc: &dyn MailServer, user: &str, fs_name: &str) -> Vec<Vec<u8>> {
    let until = Instant::now() + Duration::from_secs(10);
    let mut last = sorted(dc.server_messages(user, fs_name));
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let now = sorted(dc.server_messages(user, fs_name));
        if now == last || Instant::now() > until {
            return now;
        }
        last = now;
    }
}

pub fn settles_empty(dc: &dyn MailServer, user: &str, fs_name: &str) -> bool {
    settled(dc, user, fs_name, 0).is_empty()
}

/// One of each server implementation, started for a test that runs against both.
pub fn both_servers() -> Vec<Box<dyn MailServer>> {
    vec![
        Box::new(Dovecot::start()),
        Box::new(courier::Courier::start()),
    ]
}

pub struct Options {
    /// false: a server that offers no TLS at all (no STARTTLS/STLS).
    pub ssl: bool,
    /// Replaces the IMAP capabilities Dovecot announces (to test servers without
    /// CONDSTORE, QRESYNC, UIDPLUS, LITERAL+).
    pub imap_capability: Option<&'static str>,
    /// The names the server certificate is issued for.
    pub cert_names: &'static str,
    /// A storage quota per user (Dovecot's quota plugin), e.g. "200k".
    pub quota: Option<&'static str>,
    /// OAuth2 tokens (XOAUTH2, OAUTHBEARER) checked at this tokeninfo URL prefix (the
    /// token is appended), which answers {"username": ...} for a valid one.
    pub oauth2_tokeninfo: Option<String>,
    /// Replaces the SASL mechanisms offered (`auth_mechanisms`), e.g. "login": no
    /// AUTH=PLAIN, so IMAP clients use the LOGIN command and POP3 clients USER/PASS.
    pub auth_mechanisms: Option<&'static str>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ssl: true,
            imap_capability: None,
            cert_names: "DNS:localhost,IP:127.0.0.1",
            quota: None,
            oauth2_tokeninfo: None,
            auth_mechanisms: None,
        }
    }
}

/// An IMAP4rev1 server with none of the extensions mailx can do without.
pub const BARE_IMAP: &str = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE NAMESPACE CHILDREN";

impl Dovecot {
    pub fn start() -> Self {
        Self::start_with(Options::default())
    }

    pub fn start_with(opts: Options) -> Self {
        let bin = dovecot_bin();
        let dir = tempfile::Builder::new()
            .prefix("mailx-dovecot-")
            .tempdir()
            .expect("tempdir");
        let d = dir.path();
        let root = is_root();
        // Mail processes run unprivileged and must reach their home below the temp dir.
        set_mode(d, 0o755);
        for sub in ["run", "log", "state", "mail"] {
            fs::create_dir_all(d.join(sub)).expect("mkdir");
        }
        let status = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
            ])
            .args(["-addext", &format!("subjectAltName={}", opts.cert_names)])
            .arg("-keyout")
            .arg(d.join("key.pem"))
            .arg("-out")
            .arg(d.join("cert.pem"))
            .output()
            .expect("openssl must be installed");
        assert!(
            status.status.success(),
            "openssl failed: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        set_mode(&d.join("key.pem"), 0o600);
        let (mail_user, mail_group) = if root {
            ("nobody".to_string(), "nogroup".to_string())
        } else {
            (current_user(), current_user())
        };
        if root {
            chown_nobody(&d.join("mail"));
        }
        let dot_ns = "userdb_namespace/inbox/separator=. userdb_namespace/inbox/prefix=INBOX.";
        let mut users = format!(
            "{SLASH_USER}:{{PLAIN}}{PASSWORD}::::::\n{DOT_USER}:{{PLAIN}}{PASSWORD}::::::{dot_ns}\n{VAULT_USER}:{{PLAIN}}{VAULT_PASSWORD}::::::\n{UNICODE_USER}:{{PLAIN}}{UNICODE_PASSWORD}::::::\n"
        );
        for n in 0..POOL_USERS {
            users.push_str(&format!(
                "slash{n}:{{PLAIN}}{PASSWORD}::::::\ndot{n}:{{PLAIN}}{PASSWORD}::::::{dot_ns}\n"
            ));
        }
        fs::write(d.join("users"), users).expect("users");
        let mut attempt = 0;
        let (imap, imaps, pop3, pop3s, conf_path) = loop {
            let [imap, imaps, pop3, pop3s] = free_ports();
            let n = INSTANCE.fetch_add(1, Ordering::SeqCst);
            let d_s = d.display();
            let ssl = if opts.ssl {
                format!(
                    "ssl = yes\nssl_cert = <{d_s}/cert.pem\nssl_key = <{d_s}/key.pem\nssl_min_protocol = TLSv1.2\n"
                )
            } else {
                "ssl = no\n".to_string()
            };
            let tls_listeners = |name: &str, port: u16| {
                if opts.ssl {
                    format!(
                        "  inet_listener {name} {{\n    address = 127.0.0.1\n    port = {port}\n    ssl = yes\n  }}\n"
                    )
                } else {
                    String::new()
                }
            };
            let unprivileged = if root {
                String::new()
            } else {
                format!(
                    "default_internal_user = {mail_user}\ndefault_internal_group = {mail_group}\ndefault_login_user = {mail_user}\n"
                )
            };
            let conf = format!(
                "instance_name = mailx-test-{pid}-{n}
    base_dir = {d_s}/run
    state_dir = {d_s}/state
    log_path = {d_s}/log/dovecot.log
    info_log_path = {d_s}/log/dovecot-info.log
    protocols = imap pop3
    listen = 127.0.0.1
    {ssl}{unprivileged}disable_plaintext_auth = no
    {auth}
    userdb {{
      driver = passwd-file
      args = username_format=%u {d_s}/users
      default_fields = uid={mail_user} gid={mail_group} home={d_s}/mail/%u
    }}
    mail_location = maildir:~/Maildir
    mail_fsync = never
    {capability}
    first_valid_uid = 1
    namespace inbox {{
      inbox = yes
      separator = /
    }}
    pop3_uidl_format = %08Xu%08Xv
    service imap-login {{
      inet_listener imap {{
        address = 127.0.0.1
        port = {imap}
      }}
    {imaps_l}}}
    service pop3-login {{
      inet_listener pop3 {{
        address = 127.0.0.1
        port = {pop3}
      }}
    {pop3s_l}}}
    ",
                pid = std::process::id(),
                auth = match &opts.oauth2_tokeninfo {
                    None => format!(
                        "auth_mechanisms = {}\npassdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {d_s}/users\n}}\n",
                        opts.auth_mechanisms.unwrap_or("plain login")
                    ),
                    Some(url) => {
                        fs::write(
                            d.join("oauth2.conf.ext"),
                            format!("tokeninfo_url = {url}\nusername_attribute = username\n"),
                        )
                        .expect("oauth2 conf");
                        format!(
                            "auth_mechanisms = plain login xoauth2 oauthbearer\npassdb {{\n  driver = passwd-file\n  mechanisms = plain login\n  args = scheme=PLAIN username_format=%u {d_s}/users\n}}\npassdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = {d_s}/oauth2.conf.ext\n}}\n"
                        )
                    }
                },
                imaps_l = tls_listeners("imaps", imaps),
                capability = opts
                    .imap_capability
                    .map(|c| format!("imap_capability = {c}\n"))
                    .unwrap_or_default()
                    + &opts
                        .quota
                        .map(|q| {
                            format!(
                                "mail_plugins = $mail_plugins quota\nprotocol imap {{\n  mail_plugins = $mail_plugins imap_quota\n}}\nplugin {{\n  quota = maildir:User quota\n  quota_rule = *:storage={q}\n}}\n"
                            )
                        })
                        .unwrap_or_default(),
                pop3s_l = tls_listeners("pop3s", pop3s),
            );
            let conf_path = d.join("dovecot.conf");
            fs::write(&conf_path, conf).expect("conf");
            // The daemon keeps inherited pipes open, so wait for its status, not its output.
            let errors = fs::File::create(d.join("log/start.err")).expect("log file");
            let status = Command::new(&bin)
                .arg("-c")
                .arg(&conf_path)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(errors)
                .status()
                .expect("start dovecot");
            if status.success() {
                break (imap, imaps, pop3, pop3s, conf_path);
            }
            // Another test can take a probed port before Dovecot binds it: try new ones.
            let err = fs::read_to_string(d.join("log/start.err")).unwrap_or_default()
                + &fs::read_to_string(d.join("log/dovecot.log")).unwrap_or_default();
            attempt += 1;
            assert!(
                attempt < 5 && err.contains("in use"),
                "dovecot failed to start: {err}"
            );
        };
        let mut dc = Dovecot {
            imap,
            imaps,
            pop3,
            pop3s,
            conf: conf_path,
            pid: None,
            dir,
            next_user: AtomicU32::new(0),
        };
        dc.wait_ready();
        for user in [SLASH_USER, DOT_USER, VAULT_USER] {
            dc.create_folder(user, "");
        }
        dc
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let pidfile = self.dir.path().join("run/master.pid");
        loop {
            if let Ok(p) = fs::read_to_string(&pidfile) {
                self.pid = p.trim().parse().ok();
            }
            if self.pid.is_some()
                && TcpStream::connect(("127.0.0.1", self.imap)).is_ok()
                && TcpStream::connect(("127.0.0.1", self.pop3)).is_ok()
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "dovecot did not open its ports: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("log/dovecot.log")).unwrap_or_default()
    }

    /// Dovecot's info log: logins ("Login: user=<...>") and disconnects.
    pub fn info_log(&self) -> String {
        fs::read_to_string(self.dir.path().join("log/dovecot-info.log")).unwrap_or_default()
    }

    pub fn ca_file(&self) -> PathBuf {
        MailServer::ca_file(self)
    }

    pub fn conf(&self) -> &Path {
        &self.conf
    }

    /// Server-side Maildir++ directory of a folder given in on-disk form ("" = INBOX,
    /// ".Sent", ".Archive.2024", ".Entw&APw-rfe").
    pub fn folder_dir(&self, user: &str, fs_name: &str) -> PathBuf {
        let base = self.dir.path().join("mail").join(user).join("Maildir");
        if fs_name.is_empty() {
            base
        } else {
            base.join(fs_name)
        }
    }

    /// A new user with an empty mailbox: the "/" layout, or with `dot` the "INBOX." one.
    /// (From a pool written at start: Dovecot rereads its passwd-file at most once a second.)
    pub fn add_user(&self, dot: bool) -> String {
        let n = self.next_user.fetch_add(1, Ordering::SeqCst);
        assert!(n < POOL_USERS, "user pool exhausted");
        let name = format!("{}{n}", if dot { "dot" } else { "slash" });
        self.create_folder(&name, "");
        name
    }

    /// doveadm with `input` on stdin.
    pub fn doveadm_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        use std::io::Write;
        let bin = find_binary("doveadm").expect("doveadm");
        let mut child = Command::new(bin)
            .arg("-c")
            .arg(&self.conf)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("doveadm");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write");
        let out = child.wait_with_output().expect("doveadm");
        assert!(
            out.status.success(),
            "doveadm {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    pub fn create_folder(&self, user: &str, fs_name: &str) {
        let dir = self.folder_dir(user, fs_name);
        for sub in ["cur", "new", "tmp"] {
            fs::create_dir_all(dir.join(sub)).expect("mkdir");
        }
        if !fs_name.is_empty() {
            fs::write(dir.join("maildirfolder"), b"").expect("maildirfolder");
        }
        self.chown_tree(user);
    }

    /// Puts a message (LF line ends, as Dovecot stores them) into a server folder.
    pub fn add_message(&self, user: &str, fs_name: &str, body: &[u8], flags: &str) {
        self.add_messages(user, fs_name, std::slice::from_ref(&body.to_vec()), flags);
    }

    /// Puts many messages into a server folder at once (one chown for all).
    pub fn add_messages(&self, user: &str, fs_name: &str, bodies: &[Vec<u8>], flags: &str) {
        MailServer::add_messages(self, user, fs_name, bodies, flags)
    }
}

impl MailServer for Dovecot {
    fn label(&self) -> &'static str {
        "dovecot"
    }

    fn ports(&self) -> [u16; 4] {
        [self.imap, self.imaps, self.pop3, self.pop3s]
    }

    fn ca_file(&self) -> PathBuf {
        self.dir.path().join("cert.pem")
    }

    fn dot_user(&self) -> String {
        DOT_USER.into()
    }

    fn folder_dir(&self, user: &str, fs_name: &str) -> PathBuf {
        Dovecot::folder_dir(self, user, fs_name)
    }

    fn fs_name_utf8(&self) -> bool {
        false
    }

    fn add_messages(&self, user: &str, fs_name: &str, bodies: &[Vec<u8>], flags: &str) {
        self.create_folder(user, fs_name);
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let dir = self.folder_dir(user, fs_name);
        for body in bodies {
            let n = SEQ.fetch_add(1, Ordering::SeqCst);
            // W= is what Dovecot announces as RFC822.SIZE: line ends counted as CRLF.
            let bare_lf = body
                .iter()
                .enumerate()
                .filter(|(i, b)| **b == b'\n' && (*i == 0 || body[i - 1] != b'\r'))
                .count();
            let crlf_size = body.len() + bare_lf;
            let name = format!(
                "{}.M{n}P{}.mailxtest,S={},W={crlf_size}:2,{flags}",
                1_700_000_000 + n,
                std::process::id(),
                body.len()
            );
            let tmp = dir.join("tmp").join(&name);
            fs::write(&tmp, body).expect("write message");
            fs::rename(&tmp, dir.join("cur").join(&name)).expect("rename");
        }
        self.chown_tree(user);
    }
}

impl Dovecot {
    /// Makes the server's file of the message with `subject_line` (e.g. "Subject: x 2")
    /// unreadable (`mode` 0) or readable again (0o644): Dovecot then fails to send it.
    pub fn set_message_mode(&self, user: &str, fs_name: &str, subject_line: &str, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        let dir = self.folder_dir(user, fs_name);
        for sub in ["cur", "new"] {
            for e in fs::read_dir(dir.join(sub)).expect("folder").flatten() {
                let p = e.path();
                let text = String::from_utf8_lossy(&fs::read(&p).unwrap_or_default()).into_owned();
                if text.lines().any(|l| l == subject_line) {
                    fs::set_permissions(&p, fs::Permissions::from_mode(mode)).expect("chmod");
                    return;
                }
            }
        }
        panic!("no message {subject_line:?} in {fs_name:?}");
    }

    /// Bodies of the messages currently in a server folder (files in cur/ and new/).
    pub fn doveadm(&self, args: &[&str]) -> Output {
        let bin = find_binary("doveadm").expect("doveadm");
        let out = Command::new(bin)
            .arg("-c")
            .arg(&self.conf)
            .args(args)
            .output()
            .expect("doveadm");
        assert!(
            out.status.success(),
            "doveadm {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn chown_tree(&self, user: &str) {
        if is_root() {
            chown_nobody(&self.dir.path().join("mail").join(user));
        }
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        if let Some(pid) = self.pid {
            let _ = Command::new("kill").arg(pid.to_string()).status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

pub(crate) fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p, fs::Permissions::from_mode(mode)).expect("chmod");
}

fn chown_nobody(p: &Path) {
    let _ = Command::new("chown")
        .args(["-R", "nobody:nogroup"])
        .arg(p)
        .status();
}

/// (file name, bytes) of every message in a Maildir folder's cur/ and new/, sorted by bytes.
pub fn read_maildir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    // new before cur: a server moves files from new to cur while a session it has not
    // yet noticed is dead goes on (Courier POP3 at login); read in the other order, a
    // file moved between the two listings is seen in neither.
    for sub in ["new", "cur"] {
        let Ok(entries) = fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            match fs::read(e.path()) {
                Ok(bytes) => out.push((name, bytes)),
                // Renamed or expunged between the listing and the read (a server still
                // finishing the command of a client just killed, a reader in a test).
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => panic!("read message {}: {err}", e.path().display()),
            }
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

pub fn local_messages(maildir: &Path, folder: &str) -> Vec<Vec<u8>> {
    let dir = if folder.is_empty() {
        maildir.to_path_buf()
    } else {
        maildir.join(folder)
    };
    read_maildir(&dir).into_iter().map(|(_, b)| b).collect()
}

pub fn sorted(mut v: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    v.sort();
    v
}

/// A small, distinct message.
pub fn message(n: usize, subject: &str) -> Vec<u8> {
    format!(
        "From: sender{n}@example.org\nTo: testuser@example.org\nSubject: {subject} {n}\nMessage-ID: <{n}.{subject}@example.org>\nDate: Mon, 2 Mar 2026 10:11:12 +0100\n\nBody of message {n}.\nSecond line.\n"
    )
    .into_bytes()
}

/// A workspace for one mailx account set: config file, state dir, Maildirs.
pub struct Client {
    pub dir: tempfile::TempDir,
}

impl Client {
    pub fn new() -> Self {
        Client {
            dir: tempfile::Builder::new()
                .prefix("mailx-client-")
                .tempdir()
                .expect("tempdir"),
        }
    }

    pub fn maildir(&self, account: &str) -> PathBuf {
        self.dir.path().join("Mail").join(account)
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    /// Writes the config: `accounts` is the TOML of the [accounts.*] tables.
    pub fn write_config(&self, accounts: &str) {
        let text = format!(
            "state_dir = \"{}\"\n\n{accounts}",
            self.dir.path().join("state").display()
        );
        fs::write(self.config_path(), text).expect("config");
    }

    pub fn mailx(&self, args: &[&str]) -> Output {
        self.mailx_env(args, &[])
    }

    /// mailx with `env` and `stdin` fed to it (no terminal, no session bus unless `env`
    /// names one).
    pub fn mailx_stdin(&self, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
        use std::io::Write;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mailx"));
        cmd.arg("--config")
            .arg(self.config_path())
            .args(["--timeout", "10"])
            .args(args)
            .env_remove("MAILX_CONFIG")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("HOME", self.dir.path())
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("mailx");
        if let Some(mut input) = child.stdin.take() {
            input.write_all(stdin.as_bytes()).expect("stdin");
        }
        child.wait_with_output().expect("mailx")
    }

    pub fn mailx_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mailx"));
        cmd.arg("--config")
            .arg(self.config_path())
            .arg("--timeout")
            .arg("20")
            .args(args);
        cmd.env_remove("MAILX_CONFIG")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdin(std::process::Stdio::null());
        cmd.output().expect("run mailx")
    }
}

/// TOML for an account on the test server (implicit TLS; see `AccountToml` for more).
pub fn account(
    name: &str,
    dc: &dyn MailServer,
    protocol: &str,
    user: &str,
    client: &Client,
    extra: &str,
) -> String {
    AccountToml::new(name, dc, protocol, user, client)
        .extra(extra)
        .toml()
}

/// An account's TOML, built rather than edited with `replace` on a string.
pub struct AccountToml {
    name: String,
    protocol: String,
    port: u16,
    tls: &'static str,
    ca: String,
    user: String,
    password: String,
    maildir: String,
    extra: Vec<String>,
}

impl AccountToml {
    /// Implicit TLS on the server's TLS port, the test password, `client`'s Maildir.
    pub fn new(
        name: &str,
        dc: &dyn MailServer,
        protocol: &str,
        user: &str,
        client: &Client,
    ) -> Self {
        let [_, imaps, _, pop3s] = dc.ports();
        AccountToml {
            name: name.into(),
            protocol: protocol.into(),
            port: if protocol == "imap" { imaps } else { pop3s },
            tls: "implicit",
            ca: dc.ca_file().display().to_string(),
            user: user.into(),
            password: format!("password_command = \"printf {PASSWORD}\""),
            maildir: client.maildir(name).display().to_string(),
            extra: Vec::new(),
        }
    }

    /// STARTTLS (STLS) on the server's plain port.
    pub fn starttls(mut self, dc: &dyn MailServer) -> Self {
        let [imap, _, pop3, _] = dc.ports();
        self.port = if self.protocol == "imap" { imap } else { pop3 };
        self.tls = "starttls";
        self
    }

    /// No TLS at all on `port` (explicitly allowed, as the config demands).
    pub fn plaintext(mut self, port: u16) -> Self {
        self.port = port;
        self.tls = "none";
        self.extra.push("allow_plaintext = true".into());
        self
    }

    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    pub fn password(mut self, password: &str) -> Self {
        self.password = format!("password_command = \"printf {password}\"");
        self
    }

    pub fn password_env(mut self, var: &str) -> Self {
        self.password = format!("password_env = \"{var}\"");
        self
    }

    /// No password source in the config at all.
    pub fn no_password(mut self) -> Self {
        self.password.clear();
        self
    }

    /// More TOML lines for the account (`keep = false`, `folders = [...]`).
    pub fn extra(mut self, toml: &str) -> Self {
        if !toml.is_empty() {
            self.extra.push(toml.trim_end().to_string());
        }
        self
    }

    pub fn toml(&self) -> String {
        let mut out = format!(
            "[accounts.{}]\nprotocol = \"{}\"\nhost = \"127.0.0.1\"\nport = {}\ntls = \"{}\"\nca_file = \"{}\"\nuser = \"{}\"\n",
            self.name, self.protocol, self.port, self.tls, self.ca, self.user
        );
        if !self.password.is_empty() {
            out.push_str(&self.password);
            out.push('\n');
        }
        out.push_str(&format!("maildir = \"{}\"\n", self.maildir));
        for e in &self.extra {
            out.push_str(e);
            out.push('\n');
        }
        out
    }
}

/// The exit code, -1 for a signal.
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
pub fn assert_ok(o: &Output) {
    assert!(
        o.status.success(),
        "mailx failed ({:?})\nstdout: {}\nstderr: {}",
        o.status,
        stdout(o),
        stderr(o)
    );
}

/// The JSON summary line of one account.
pub fn json_of(o: &Output, account: &str) -> serde_json::Value {
    stdout(o)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["account"] == account)
        .unwrap_or_else(|| {
            panic!(
                "no JSON for {account} in {}\nstderr: {}",
                stdout(o),
                stderr(o)
            )
        })
}

/// A loopback TCP proxy to `target`: for each connection, `relay(client, server)` runs on
/// its own thread. Returns the proxy's port.
fn proxy(target: u16, relay: fn(TcpStream, TcpStream, usize), arg: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                continue;
            };
            std::thread::spawn(move || relay(client, server, arg));
        }
    });
    port
}

/// A loopback TCP proxy to `target` that cuts every connection after it has passed
/// `cut_after` bytes from the server to the client: the network dropping mid-transfer.
pub struct CuttingProxy {
    pub port: u16,
}

impl CuttingProxy {
    pub fn start(target: u16, cut_after: usize) -> Self {
        fn relay(client: TcpStream, server: TcpStream, cut_after: usize) {
            use std::io::{Read, Write};
            let (mut c_read, mut s_write) = (
                client.try_clone().expect("clone"),
                server.try_clone().expect("clone"),
            );
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut c_read, &mut s_write);
            });
            let (mut s_read, mut c_write) = (server, client);
            let mut passed = 0;
            let mut buf = [0u8; 4096];
            while passed < cut_after {
                let want = buf.len().min(cut_after - passed);
                match s_read.read(&mut buf[..want]) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if c_write.write_all(&buf[..n]).is_err() {
                            break;
                        }
                        passed += n;
                    }
                }
            }
            let _ = c_write.shutdown(std::net::Shutdown::Both);
            let _ = s_read.shutdown(std::net::Shutdown::Both);
        }
        CuttingProxy {
            port: proxy(target, relay, cut_after),
        }
    }
}

/// A loopback TCP proxy to an IMAP `target` that lets an APPEND reach the server but
/// never lets its answer back, then drops the connection: the upload happened and the
/// client cannot know its UID.
pub struct AppendCuttingProxy {
    pub port: u16,
}

impl AppendCuttingProxy {
    pub fn start(target: u16) -> Self {
        fn relay(client: TcpStream, server: TcpStream, _: usize) {
            use std::io::{Read, Write};
            use std::sync::Arc;
            use std::sync::atomic::AtomicBool;
            let frozen = Arc::new(AtomicBool::new(false));
            let seen = frozen.clone();
            let (mut c_read, mut s_write) = (
                client.try_clone().expect("clone"),
                server.try_clone().expect("clone"),
            );
            let (c_kill, s_kill) = (
                client.try_clone().expect("clone"),
                server.try_clone().expect("clone"),
            );
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                loop {
                    let n = match c_read.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    if s_write.write_all(&buf[..n]).is_err() {
                        return;
                    }
                    if !seen.load(Ordering::SeqCst) && buf[..n].windows(7).any(|w| w == b"APPEND ")
                    {
                        seen.store(true, Ordering::SeqCst);
                        // Let the literal and the server's work finish, then cut.
                        let (c_kill, s_kill) = (
                            c_kill.try_clone().expect("clone"),
                            s_kill.try_clone().expect("clone"),
                        );
                        std::thread::spawn(move || {
                            std::thread::sleep(Duration::from_millis(500));
                            let _ = c_kill.shutdown(std::net::Shutdown::Both);
                            let _ = s_kill.shutdown(std::net::Shutdown::Both);
                        });
                    }
                }
            });
            let (mut s_read, mut c_write) = (server, client);
            let mut buf = [0u8; 65536];
            loop {
                let n = match s_read.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                if frozen.load(Ordering::SeqCst) {
                    continue;
                }
                if c_write.write_all(&buf[..n]).is_err() {
                    return;
                }
            }
        }
        AppendCuttingProxy {
            port: proxy(target, relay, 0),
        }
    }
}
