//! Adding an account to the config file and removing one, keeping every other byte: a new
//! account is appended as text, a removed one cut out with `toml_edit`. The result is
//! parsed by the same code as every run before it replaces the file (atomically).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::config::{self, Auth, Config, OAuth2, Protocol, TlsMode};
use crate::error::{Error, Result};

/// Where an account's password comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    /// The OS keyring (service "mailx", user = account name): nothing in the file.
    Keyring,
    Command(String),
    Env(String),
}

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub name: String,
    pub protocol: Protocol,
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub allow_plaintext: bool,
    pub ca_file: Option<PathBuf>,
    pub user: String,
    pub password: PasswordSource,
    pub auth: Auth,
    pub oauth2: Option<OAuth2>,
    pub maildir: String,
    pub keep: bool,
    pub delete_after_days: Option<u32>,
    pub folders: Option<Vec<String>>,
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The account's name as a TOML key: bare when it can be, quoted otherwise (a '.' or '@').
pub fn key(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        name.to_string()
    } else {
        quoted(name)
    }
}

/// The `[accounts.NAME]` table for `a`, every value spelled out.
pub fn render(a: &NewAccount) -> String {
    let mut out = format!("[accounts.{}]\n", key(&a.name));
    let mut line = |k: &str, v: String| out.push_str(&format!("{k} = {v}\n"));
    line("protocol", quoted(a.protocol.name()));
    line("host", quoted(&a.host));
    line("port", a.port.to_string());
    line("tls", quoted(a.tls.name()));
    if a.allow_plaintext {
        line("allow_plaintext", "true".into());
    }
    if let Some(ca) = &a.ca_file {
        line("ca_file", quoted(&ca.display().to_string()));
    }
    line("user", quoted(&a.user));
    match &a.password {
        PasswordSource::Keyring => {}
        PasswordSource::Command(c) => line("password_command", quoted(c)),
        PasswordSource::Env(v) => line("password_env", quoted(v)),
    }
    if a.auth != Auth::Password {
        line("auth", quoted(a.auth.name()));
    }
    if let Some(o) = &a.oauth2 {
        line("oauth2_client_id", quoted(&o.client_id));
        if let Some(secret) = &o.client_secret {
            line("oauth2_client_secret", quoted(secret));
        }
        line("oauth2_auth_url", quoted(&o.auth_url));
        line("oauth2_token_url", quoted(&o.token_url));
        line("oauth2_scope", quoted(&o.scope));
    }
    line("maildir", quoted(&a.maildir));
    line("keep", a.keep.to_string());
    if let Some(days) = a.delete_after_days {
        line("delete_after_days", days.to_string());
    }
    if let Some(folders) = &a.folders {
        let list: Vec<String> = folders.iter().map(|f| quoted(f)).collect();
        line("folders", format!("[{}]", list.join(", ")));
    }
    out
}

/// The config text with `block` appended (a blank line before it), and the config it
/// parses to. Refuses a name already there, and anything the parser refuses (a Maildir
/// another account uses), saying which.
pub fn with_account(
    path: &Path,
    existing: &str,
    name: &str,
    block: &str,
) -> Result<(String, Config)> {
    if !existing.trim().is_empty() {
        let before = config::parse(path, existing)?;
        if before.accounts.contains_key(name) {
            return Err(Error::Config {
                path: path.to_path_buf(),
                line: 0,
                message: format!("an account named {name:?} exists already"),
                hint: format!(
                    "choose another name, or remove it first with `mailx account remove {name}`"
                ),
            });
        }
    }
    let mut text = existing.to_string();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.trim().is_empty() {
        text.push('\n');
    }
    text.push_str(block);
    let parsed = config::parse(path, &text)?;
    Ok((text, parsed))
}

fn invalid(path: &Path, message: String) -> Error {
    Error::Config {
        path: path.to_path_buf(),
        line: 0,
        message,
        hint: "fix the file by hand; see mailx.toml(5)".into(),
    }
}

/// The config file as an editable document (comments and layout kept).
fn document(path: &Path, text: &str) -> Result<toml_edit::DocumentMut> {
    text.parse()
        .map_err(|e: toml_edit::TomlError| invalid(path, e.to_string()))
}

/// The config text without account `name` (its table and sub-tables); everything else
/// as it was.
pub fn without_account(path: &Path, existing: &str, name: &str) -> Result<String> {
    let mut doc = document(path, existing)?;
    let removed = doc
        .get_mut("accounts")
        .and_then(|a| a.as_table_like_mut())
        .and_then(|t| t.remove(name));
    if removed.is_none() {
        return Err(Error::Config {
            path: path.to_path_buf(),
            line: 0,
            message: format!("no account named {name:?}"),
            hint: "`mailx account list` shows the configured accounts".into(),
        });
    }
    let text = doc.to_string();
    config::parse(path, &text)?;
    Ok(text)
}

/// The config text with account `name` switched to `server` (`mailx migrate`): only that
/// table changes — protocol, host, port and tls set, the keys the other protocol has no use
/// for removed, `extra` keys set — and its previous keys are kept above it as comments.
pub fn switch_protocol(
    path: &Path,
    existing: &str,
    name: &str,
    server: &super::Server,
    extra: &[(&str, toml_edit::Value)],
    note: &str,
) -> Result<String> {
    let mut doc = document(path, existing)?;
    let table = doc
        .get_mut("accounts")
        .and_then(|a| a.as_table_like_mut())
        .and_then(|t| t.get_mut(name))
        .and_then(|t| t.as_table_mut())
        .ok_or_else(|| invalid(path, format!("no [accounts.{name}] table to switch")))?;
    let before: Vec<String> = table
        .iter()
        .map(|(k, v)| format!("# {k} = {}", v.to_string().trim()))
        .collect();
    let drop: &[&str] = match server.protocol {
        Protocol::Imap => &["keep", "delete_after_days"],
        Protocol::Pop3 => &[
            "folders",
            "folder_prefix",
            "expunge",
            "create",
            "max_delete",
            "watch",
            "purge",
        ],
    };
    for k in drop {
        table.remove(k);
    }
    table.insert("protocol", toml_edit::value(server.protocol.name()));
    table.insert("host", toml_edit::value(server.host.as_str()));
    table.insert("port", toml_edit::value(i64::from(server.port)));
    table.insert("tls", toml_edit::value(server.tls.name()));
    for (k, v) in extra {
        table.insert(k, toml_edit::Item::Value(v.clone()));
    }
    let old_prefix = table
        .decor()
        .prefix()
        .and_then(|p| p.as_str())
        .unwrap_or("")
        .to_string();
    table.decor_mut().set_prefix(format!(
        "{old_prefix}# {note}; the settings before:\n# [accounts.{}]\n{}\n",
        key(name),
        before.join("\n")
    ));
    let text = doc.to_string();
    config::parse(path, &text)?;
    Ok(text)
}

/// Replaces `path` with `text`: written to a temporary file beside it, flushed to disk,
/// renamed over it. A new file (and its directory) is private to the user (0600/0700);
/// an existing file keeps its permissions.
pub fn write(path: &Path, text: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| Error::io(dir, e))?;
    }
    let mode = std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o7777)
        .unwrap_or(0o600);
    let tmp = dir.join(format!(
        ".{}.mailx-tmp",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(mode)
            .open(&tmp)?;
        f.set_permissions(std::fs::Permissions::from_mode(mode))?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        std::fs::File::open(dir)?.sync_all()
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

#[cfg(test)]
mod tests {
    use super::*;

    fn account(name: &str, maildir: &str) -> NewAccount {
        NewAccount {
            name: name.into(),
            protocol: Protocol::Imap,
            host: "imap.example.org".into(),
            port: 993,
            tls: TlsMode::Implicit,
            allow_plaintext: false,
            ca_file: None,
            user: "ann \"q\"".into(),
            password: PasswordSource::Command("pass show mail".into()),
            auth: Auth::Password,
            oauth2: None,
            maildir: maildir.into(),
            keep: true,
            delete_after_days: Some(30),
            folders: Some(vec!["INBOX".into(), "Sent".into()]),
        }
    }

    #[test]
    fn appending_keeps_every_byte_and_refuses_duplicates_and_shared_maildirs() {
        let path = Path::new("/tmp/x/config.toml");
        let existing = "# my settings\nstate_dir = \"/tmp/s\"  # here\n\n[accounts.old]\nprotocol = \"pop3\"\nhost = \"h\"\nuser = \"u\"\nmaildir = \"/m/old\"";
        let block = render(&account("new.one", "/m/new"));
        let (text, config) = with_account(path, existing, "new.one", &block).unwrap();
        assert!(text.starts_with(existing));
        assert!(text.ends_with(&block));
        let a = &config.accounts["new.one"];
        assert_eq!(a.user, "ann \"q\"");
        assert_eq!(a.delete_after_days, Some(30));
        assert_eq!(a.folders, ["INBOX", "Sent"]);
        assert!(block.starts_with("[accounts.\"new.one\"]\n"));

        let dup = with_account(path, &text, "old", &render(&account("old", "/m/x")));
        assert!(format!("{}", dup.unwrap_err()).contains("exists already"));
        let shared = with_account(path, existing, "b", &render(&account("b", "/m/old")));
        assert!(format!("{}", shared.unwrap_err()).contains("share a Maildir"));

        let back = without_account(path, &text, "new.one").unwrap();
        assert!(back.starts_with("# my settings\nstate_dir = \"/tmp/s\"  # here\n"));
        assert!(!back.contains("new.one"));
        assert!(back.contains("[accounts.old]"));
        assert!(without_account(path, &back, "nope").is_err());
    }

    #[test]
    fn a_new_file_is_private_and_an_old_one_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        write(&path, "a = 1\n").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write(&path, "a = 2\n").unwrap();
        assert_eq!(mode(&path), 0o640);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a = 2\n");
    }
}
