//! Passwords in a real Secret Service: gnome-keyring-daemon, unlocked, on a private
//! session bus (`dbus-run-session`), as on a desktop. Stored by `account add` (flags and
//! wizard), read back by `fetch`, removed by `account remove`.

use crate::common::*;

use std::path::Path;
use std::process::Command;

const KEYRING_PASSWORD: &str = "keyring-unlock";

fn require(tool: &str) {
    let found = ["/usr/bin", "/bin", "/usr/local/bin"]
        .iter()
        .any(|d| Path::new(d).join(tool).exists());
    assert!(
        found,
        "{tool} is not installed; install it with `apt-get install -y dbus-daemon gnome-keyring` (scripts/test does)"
    );
}

/// A script that starts an unlocked keyring on the session bus it runs in, then `body`.
fn session_script(dir: &Path, body: &str) -> std::path::PathBuf {
    require("dbus-run-session");
    require("gnome-keyring-daemon");
    let script = dir.join("session.sh");
    std::fs::write(
        &script,
        format!(
            "export HOME={home} XDG_RUNTIME_DIR={home}/run XDG_DATA_HOME={home}/data\n\
             mkdir -p \"$XDG_RUNTIME_DIR\" && chmod 700 \"$XDG_RUNTIME_DIR\"\n\
             printf '{KEYRING_PASSWORD}' | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null\n\
             {body}\n",
            home = dir.display()
        ),
    )
    .unwrap();
    script
}

fn bus_command(script: &Path) -> Command {
    let mut cmd = Command::new("dbus-run-session");
    cmd.args(["--", "sh"])
        .arg(script)
        .env_remove("MAILX_CONFIG");
    cmd
}

#[test]
fn a_password_from_stdin_is_kept_in_the_keyring_and_read_back_by_fetch() {
    let dc = Dovecot::start();
    let user = dc.add_user(false);
    dc.add_messages(&user, "", &[message(1, "keyring")], "");
    let c = Client::new();
    let mailx = env!("CARGO_BIN_EXE_mailx");
    let config = c.config_path();
    let body = format!(
        "M=\"{mailx} --config {config} --timeout 10\"\n\
         printf '%s\\n' '{PASSWORD}' | $M account add k --host 127.0.0.1 --port {port} --ca-file {ca} --user {user} --password-stdin --maildir {maildir}; echo add=$?\n\
         $M fetch k; echo fetch=$?\n\
         $M account remove k --yes; echo remove=$?\n\
         printf 'x\\n' | $M account add k2 --host 127.0.0.1 --port {port} --ca-file {ca} --user {user} --password-stdin --maildir {maildir}2 --no-test >/dev/null; echo add2=$?\n\
         $M fetch k2; echo fetch2=$?",
        config = config.display(),
        port = dc.imaps,
        ca = dc.ca_file().display(),
        maildir = c.maildir("k").display(),
    );
    let script = session_script(c.dir.path(), &body);
    let o = bus_command(&script).output().unwrap();
    let out = stdout(&o);
    let err = stderr(&o);
    for step in ["add=0", "fetch=0", "remove=0", "add2=0", "fetch2=77"] {
        assert!(out.contains(step), "{step}\nstdout:\n{out}\nstderr:\n{err}");
    }
    assert_eq!(local_messages(&c.maildir("k"), "").len(), 1, "{err}");
    assert!(
        err.contains("password was removed from the OS keyring"),
        "{err}"
    );
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        !text.contains(PASSWORD) && !text.contains("password_"),
        "{text}"
    );
}

#[test]
fn the_wizard_stores_a_typed_password_in_the_keyring() {
    use rexpect::session::spawn_command;
    let dc = Dovecot::start();
    let user = dc.add_user(false);
    dc.add_messages(&user, "", &[message(1, "typed")], "");
    let c = Client::new();
    let mailx = env!("CARGO_BIN_EXE_mailx");
    let body = format!(
        "export TERM=xterm NO_COLOR=1\n\
         {mailx} --config {config} account add typed --host 127.0.0.1 --port {port} --ca-file {ca} --user {user} --maildir {maildir}\n\
         echo wizard=$?\n\
         {mailx} --config {config} fetch typed; echo fetch=$?",
        config = c.config_path().display(),
        port = dc.imaps,
        ca = dc.ca_file().display(),
        maildir = c.maildir("typed").display(),
    );
    let script = session_script(c.dir.path(), &body);
    let mut p = spawn_command(bus_command(&script), Some(30_000)).unwrap();
    let mut expect = |t: &str| {
        p.exp_string(t)
            .unwrap_or_else(|e| panic!("waiting for {t:?}: {e}"))
    };
    expect("Where should mailx get the password from?");
    expect("keyring (recommended)");
    let _ = expect;
    p.send("\r").unwrap();
    p.flush().unwrap();
    p.exp_string("Password for typed").unwrap();
    p.send(&format!("{PASSWORD}\r")).unwrap();
    p.flush().unwrap();
    p.exp_string("Login ok").unwrap();
    p.exp_string("Which folders?").unwrap();
    p.send("\r").unwrap();
    p.flush().unwrap();
    p.exp_string("How should mailx treat the server?").unwrap();
    p.send("\r").unwrap();
    p.flush().unwrap();
    p.exp_string("Write it?").unwrap();
    p.send("y").unwrap();
    p.flush().unwrap();
    p.exp_string("wizard=0").unwrap();
    p.exp_string("fetch=0").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(local_messages(&c.maildir("typed"), "").len(), 1);
    let text = std::fs::read_to_string(c.config_path()).unwrap();
    assert!(
        !text.contains(PASSWORD) && !text.contains("password_"),
        "{text}"
    );
}
