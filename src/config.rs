//! The TOML config file: parsing, defaults and validation with file:line errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Imap,
    Pop3,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Imap => "imap",
            Protocol::Pop3 => "pop3",
        }
    }
}

/// An OAuth2 client: what the authorization code flow and token refresh need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuth2 {
    pub client_id: String,
    pub client_secret: Option<String>,
    pub auth_url: String,
    pub token_url: String,
    pub scope: String,
}

/// How an account proves who it is: a password, or an OAuth2 access token (from
/// `password_command`, e.g. oama or pizauth) sent with a SASL mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Auth {
    #[default]
    Password,
    XOAuth2,
    OAuthBearer,
}

impl Auth {
    pub fn name(self) -> &'static str {
        match self {
            Auth::Password => "password",
            Auth::XOAuth2 => "xoauth2",
            Auth::OAuthBearer => "oauthbearer",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    Implicit,
    Starttls,
    None,
}

impl TlsMode {
    /// As written in the config.
    pub fn name(self) -> &'static str {
        match self {
            TlsMode::Implicit => "implicit",
            TlsMode::Starttls => "starttls",
            TlsMode::None => "none",
        }
    }
}

/// The standard port of a protocol with a TLS mode.
pub fn default_port(protocol: Protocol, tls: TlsMode) -> u16 {
    match (protocol, tls) {
        (Protocol::Imap, TlsMode::Implicit) => 993,
        (Protocol::Imap, _) => 143,
        (Protocol::Pop3, TlsMode::Implicit) => 995,
        (Protocol::Pop3, _) => 110,
    }
}

/// One documented key: the table `mailx.toml(5)` is generated from; a test fails when the
/// parser accepts a key that is not here.
pub struct KeyDoc {
    pub key: &'static str,
    /// Type and default, as written in the file.
    pub value: &'static str,
    pub meaning: &'static str,
}

/// Keys at the top of the file.
pub const TOP_KEYS: &[KeyDoc] = &[
    KeyDoc {
        key: "state_dir",
        value: "path; default $XDG_STATE_HOME/mailx",
        meaning: "where each account's sync state and lock live",
    },
    KeyDoc {
        key: "accounts",
        value: "tables [accounts.NAME]",
        meaning: "one table per account; NAME may hold letters, digits, '-', '_', '.', '@'",
    },
];

/// Keys of an `[accounts.NAME]` table.
pub const ACCOUNT_KEYS: &[KeyDoc] = &[
    KeyDoc {
        key: "protocol",
        value: "\"imap\" | \"pop3\" (required)",
        meaning: "how to talk to the server",
    },
    KeyDoc {
        key: "host",
        value: "string (required)",
        meaning: "the server's name or address",
    },
    KeyDoc {
        key: "port",
        value: "integer; default 993/143 (IMAP), 995/110 (POP3) by tls",
        meaning: "the server's port",
    },
    KeyDoc {
        key: "tls",
        value: "\"implicit\" (default) | \"starttls\" | \"none\"",
        meaning: "TLS from the first byte, an upgrade that fails rather than continue unencrypted, or none (needs allow_plaintext)",
    },
    KeyDoc {
        key: "allow_plaintext",
        value: "boolean; default false",
        meaning: "must be true for tls = \"none\": the password then travels unencrypted",
    },
    KeyDoc {
        key: "ca_file",
        value: "path",
        meaning: "a PEM certificate trusted in addition to the system's (self-signed servers); certificates are always verified",
    },
    KeyDoc {
        key: "user",
        value: "string (required)",
        meaning: "the login name",
    },
    KeyDoc {
        key: "password_command",
        value: "string",
        meaning: "run with sh -c; the first line of its output is the password",
    },
    KeyDoc {
        key: "password_env",
        value: "string",
        meaning: "the name of an environment variable holding the password; without either key: the OS keyring (service mailx, user = account name), then a prompt on a terminal",
    },
    KeyDoc {
        key: "auth",
        value: "\"password\" (default) | \"xoauth2\" | \"oauthbearer\"",
        meaning: "how to log in: the password (SASL PLAIN, IMAP LOGIN, POP3 USER/PASS), or an OAuth2 access token that the password source prints (oama, pizauth) sent as XOAUTH2 or OAUTHBEARER",
    },
    KeyDoc {
        key: "oauth2_client_id",
        value: "string (with auth = \"xoauth2\" or \"oauthbearer\", no password source)",
        meaning: "mailx signs in itself (`mailx account authorize NAME`: a browser, PKCE, a loopback redirect) and keeps the refresh token in the OS keyring; the provider's client id",
    },
    KeyDoc {
        key: "oauth2_client_secret",
        value: "string",
        meaning: "the client secret, for providers that issue one to installed apps",
    },
    KeyDoc {
        key: "oauth2_auth_url",
        value: "https URL (with oauth2_client_id)",
        meaning: "the provider's authorization endpoint",
    },
    KeyDoc {
        key: "oauth2_token_url",
        value: "https URL (with oauth2_client_id)",
        meaning: "the provider's token endpoint",
    },
    KeyDoc {
        key: "oauth2_scope",
        value: "string (with oauth2_client_id)",
        meaning: "the scopes asked for, space-separated (e.g. https://mail.google.com/)",
    },
    KeyDoc {
        key: "maildir",
        value: "path (required)",
        meaning: "the account's Maildir++ root (INBOX is the root itself); not shared with, nor inside, another account's",
    },
    KeyDoc {
        key: "keep",
        value: "boolean; default true",
        meaning: "leave fetched mail on the server; false deletes it once stored",
    },
    KeyDoc {
        key: "delete_after_days",
        value: "integer >= 1, with keep = true",
        meaning: "delete from the server this many days after mailx first downloaded a message",
    },
    KeyDoc {
        key: "max_server_size",
        value: "a size (\"1.5 GiB\", \"500M\") or bytes",
        meaning: "`mailx clean` (and the end of each fetch or sync) deletes the oldest messages already stored locally from the server until it holds at most this much (the QUOTA usage where the server reports one, else the sum of its message sizes)",
    },
    KeyDoc {
        key: "purge",
        value: "table of folder = days, e.g. { Junk = 30, Trash = 30 } (IMAP)",
        meaning: "`mailx clean` deletes messages that arrived more than that many days ago from these server folders, stored locally or not (not INBOX)",
    },
    KeyDoc {
        key: "folders",
        value: "list of names or patterns; default [\"INBOX\"] (IMAP)",
        meaning: "which folders to fetch or sync; * matches anything, % one level; server form (INBOX.Sent) or plain (Sent)",
    },
    KeyDoc {
        key: "folder_prefix",
        value: "\"auto\" (default) or a prefix such as \"INBOX.\" (IMAP)",
        meaning: "where personal folders live on the server; auto asks the server (NAMESPACE)",
    },
    KeyDoc {
        key: "expunge",
        value: "boolean; default false (IMAP, sync)",
        meaning: "expunge messages deleted on either side from both; false only flags them \\Deleted",
    },
    KeyDoc {
        key: "create",
        value: "\"both\" (default) | \"local\" | \"remote\" | \"none\" (IMAP, sync)",
        meaning: "on which side folders that exist on one side only are created",
    },
    KeyDoc {
        key: "max_delete",
        value: "count (200) or share (\"50%\", default) (IMAP, sync)",
        meaning: "the most one sync may delete in a folder before that folder stops (exit 65); the share never stops for 10 or fewer",
    },
    KeyDoc {
        key: "max_message_size",
        value: "bytes (1048576) or a size (\"50M\"); default \"256M\", at most \"1G\"",
        meaning: "larger messages are not downloaded: left on the server (never deleted) with a warning each run",
    },
    KeyDoc {
        key: "watch",
        value: "list of folder names; default [\"INBOX\"] (IMAP)",
        meaning: "folders mailx watch keeps under IDLE, one connection each",
    },
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    state_dir: Option<String>,
    #[serde(default)]
    accounts: BTreeMap<String, RawAccount>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccount {
    protocol: Protocol,
    host: String,
    port: Option<u16>,
    tls: Option<TlsMode>,
    ca_file: Option<String>,
    user: String,
    password_command: Option<String>,
    password_env: Option<String>,
    auth: Option<Auth>,
    oauth2_client_id: Option<String>,
    oauth2_client_secret: Option<String>,
    oauth2_auth_url: Option<String>,
    oauth2_token_url: Option<String>,
    oauth2_scope: Option<String>,
    maildir: String,
    keep: Option<bool>,
    delete_after_days: Option<u32>,
    folders: Option<Vec<String>>,
    folder_prefix: Option<String>,
    allow_plaintext: Option<bool>,
    expunge: Option<bool>,
    create: Option<Create>,
    watch: Option<Vec<String>>,
    max_delete: Option<RawMaxDelete>,
    max_message_size: Option<RawSize>,
    max_server_size: Option<RawSize>,
    purge: Option<BTreeMap<String, u32>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawSize {
    Bytes(u64),
    Text(String),
}

/// The default and the largest `max_message_size`: a message is held in memory whole.
pub const DEFAULT_MAX_MESSAGE: u64 = 256 << 20;
pub const LARGEST_MAX_MESSAGE: u64 = 1 << 30;

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawMaxDelete {
    Count(u64),
    Text(String),
}

/// How many deletions one `sync` of a folder may make before it stops and asks (rclone
/// bisync's `--max-delete`, unison's `confirmbigdeletes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxDelete {
    /// At most this many messages.
    Count(u64),
    /// At most this share of the folder's paired messages, in percent; always at least
    /// `MaxDelete::FLOOR` messages, so small folders are not stopped for a few deletions.
    Percent(u32),
}

impl MaxDelete {
    pub const FLOOR: u64 = 10;
    pub const DEFAULT: MaxDelete = MaxDelete::Percent(50);

    /// True when deleting `deletions` of `paired` messages is more than allowed.
    pub fn exceeded(self, deletions: u64, paired: u64) -> bool {
        match self {
            MaxDelete::Count(n) => deletions > n,
            MaxDelete::Percent(p) => {
                deletions > Self::FLOOR && deletions * 100 > u64::from(p) * paired
            }
        }
    }

    /// The setting as written in the config ("50%", "200").
    pub fn describe(self) -> String {
        match self {
            MaxDelete::Count(n) => n.to_string(),
            MaxDelete::Percent(p) => format!("{p}%"),
        }
    }
}

/// Which side `sync` creates a folder on when it exists only on the other (mbsync's
/// `Create`): "local" creates server folders locally, "remote" local folders on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Create {
    Both,
    Local,
    Remote,
    None,
}

impl Create {
    pub fn local(self) -> bool {
        matches!(self, Create::Both | Create::Local)
    }

    pub fn remote(self) -> bool {
        matches!(self, Create::Both | Create::Remote)
    }

    pub fn name(self) -> &'static str {
        match self {
            Create::Both => "both",
            Create::Local => "local",
            Create::Remote => "remote",
            Create::None => "none",
        }
    }
}

/// Where the prefix of personal folders comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderPrefix {
    /// Ask the server (NAMESPACE).
    Auto,
    Explicit(String),
}

#[derive(Debug, Clone)]
pub struct Account {
    pub name: String,
    pub protocol: Protocol,
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub ca_file: Option<PathBuf>,
    pub user: String,
    pub password_command: Option<String>,
    pub password_env: Option<String>,
    pub auth: Auth,
    /// mailx's own OAuth2 sign-in, when configured (else a token comes from the password
    /// source).
    pub oauth2: Option<OAuth2>,
    pub maildir: PathBuf,
    pub keep: bool,
    pub delete_after_days: Option<u32>,
    pub folders: Vec<String>,
    pub folder_prefix: FolderPrefix,
    /// sync: expunge messages deleted on either side (default: only flag \Deleted).
    pub expunge: bool,
    pub create: Create,
    /// `watch`: folders kept under IMAP IDLE.
    pub watch: Vec<String>,
    /// sync: the most a folder's run may delete before it stops (exit 65).
    pub max_delete: MaxDelete,
    /// Messages larger than this (bytes) stay on the server, undownloaded.
    pub max_message_size: u64,
    /// `mailx clean`: the most the server may hold (bytes).
    pub max_server_size: Option<u64>,
    /// `mailx clean`: server folders emptied of messages older than so many days.
    pub purge: Vec<(String, u32)>,
}

impl Account {
    pub fn retention_words(&self) -> String {
        let mut words = match (self.keep, self.delete_after_days) {
            (false, _) => "deletes mail from the server after download".to_string(),
            (true, None) => "keeps mail on the server".to_string(),
            (true, Some(n)) => {
                format!("keeps mail on the server, deletes it {n} days after download")
            }
        };
        if let Some(max) = self.max_server_size {
            words.push_str(&format!(
                "; at most {} on the server (oldest stored mail deleted first)",
                crate::units::human_bytes(max)
            ));
        }
        for (folder, days) in &self.purge {
            words.push_str(&format!("; {folder} emptied after {days} days"));
        }
        words
    }

    /// Rules `mailx clean` applies at the end of a fetch or sync; `delete_after_days`
    /// counts for sync only (fetch applies it itself).
    pub fn cleans_after(&self, sync: bool) -> bool {
        self.max_server_size.is_some()
            || !self.purge.is_empty()
            || (sync && self.delete_after_days.is_some())
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub path: PathBuf,
    pub state_dir: PathBuf,
    pub accounts: BTreeMap<String, Account>,
}

/// `--config`, then `$MAILX_CONFIG` (clap fills both into `explicit`), then XDG.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "mailx").map(|d| d.config_dir().join("config.toml"))
}

fn default_state_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "mailx")
        .map(|d| {
            d.state_dir()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| d.data_local_dir().join("state"))
        })
        .unwrap_or_else(|| PathBuf::from(".mailx-state"))
}

pub fn load(path: &Path) -> Result<Config> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::NotFound {
            "run `mailx account add` to set up an account (it writes this file), or write it by hand: README, \"Configuration\", has a complete example (or pass --config FILE)"
                .to_string()
        } else {
            "check the file's permissions".to_string()
        };
        Error::Config {
            path: path.to_path_buf(),
            line: 0,
            message: format!("cannot read config file: {e}"),
            hint,
        }
    })?;
    parse(path, &text)
}

pub fn parse(path: &Path, text: &str) -> Result<Config> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
        let key = e
            .span()
            .and_then(|s| text.get(s))
            .filter(|k| !k.contains('\n') && k.len() < 80)
            .map(|k| format!(" (at `{}`)", k.trim()))
            .unwrap_or_default();
        Error::Config {
            path: path.to_path_buf(),
            line,
            message: format!("{}{key}", e.message().trim_end()),
            hint: "fix that line; every valid key is described in mailx.toml(5) (man/mailx.toml.5)"
                .into(),
        }
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    let state_dir = raw
        .state_dir
        .as_deref()
        .map(|s| expand_path(s, base))
        .unwrap_or_else(default_state_dir);
    let mut accounts = BTreeMap::new();
    for (name, acc) in raw.accounts {
        let account = validate(&name, acc, base).map_err(|(key, message)| Error::Config {
            path: path.to_path_buf(),
            line: key_line(text, &["accounts", &name, key]),
            message: format!("accounts.{name}.{key}: {message}"),
            hint: "fix that key; see README, \"Configuration\"".into(),
        })?;
        accounts.insert(name, account);
    }
    check_maildirs_apart(&accounts).map_err(|(key, message)| {
        let first = message.split('"').nth(1).unwrap_or_default().to_string();
        Error::Config {
            path: path.to_path_buf(),
            line: key_line(text, &["accounts", &first, key]),
            message,
            hint: "set a different `maildir` for one of them".into(),
        }
    })?;
    Ok(Config {
        path: path.to_path_buf(),
        state_dir,
        accounts,
    })
}

type Invalid = (&'static str, String);

/// The built-in OAuth2 client of an account, checked: all of its keys or none, only for
/// a token login, never beside another password source, endpoints over https (or on
/// loopback).
fn oauth2_client(raw: &mut RawAccount, auth: Auth) -> std::result::Result<Option<OAuth2>, Invalid> {
    let Some(client_id) = raw.oauth2_client_id.take() else {
        for (key, set) in [
            ("oauth2_client_secret", raw.oauth2_client_secret.is_some()),
            ("oauth2_auth_url", raw.oauth2_auth_url.is_some()),
            ("oauth2_token_url", raw.oauth2_token_url.is_some()),
            ("oauth2_scope", raw.oauth2_scope.is_some()),
        ] {
            if set {
                return Err((key, "needs oauth2_client_id as well".into()));
            }
        }
        return Ok(None);
    };
    if auth == Auth::Password {
        return Err((
            "oauth2_client_id",
            "needs auth = \"xoauth2\" or \"oauthbearer\"".into(),
        ));
    }
    if raw.password_command.is_some() || raw.password_env.is_some() {
        return Err((
            "oauth2_client_id",
            "mailx signs in itself with oauth2_client_id: remove password_command / password_env (or remove the oauth2_ keys to take the token from them)".into(),
        ));
    }
    let url = |key: &'static str, v: Option<String>| -> std::result::Result<String, Invalid> {
        let v = v.ok_or((key, "is required with oauth2_client_id".to_string()))?;
        let loopback = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"]
            .iter()
            .any(|p| v.starts_with(p));
        if v.starts_with("https://") || loopback {
            Ok(v)
        } else {
            Err((key, format!("{v:?} must be an https:// URL")))
        }
    };
    Ok(Some(OAuth2 {
        client_id,
        client_secret: raw.oauth2_client_secret.take(),
        auth_url: url("oauth2_auth_url", raw.oauth2_auth_url.take())?,
        token_url: url("oauth2_token_url", raw.oauth2_token_url.take())?,
        scope: raw.oauth2_scope.take().ok_or((
            "oauth2_scope",
            "is required with oauth2_client_id".to_string(),
        ))?,
    }))
}

/// Letters, digits, '-', '_', '.', '@', not starting with '.' (it names state files).
pub fn valid_account_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'))
}

fn validate(name: &str, mut raw: RawAccount, base: &Path) -> std::result::Result<Account, Invalid> {
    if !valid_account_name(name) {
        return Err((
            "protocol",
            format!(
                "account name {name:?} may only contain letters, digits, '-', '_', '.', '@' (and not start with '.')"
            ),
        ));
    }
    if raw.host.trim().is_empty() {
        return Err(("host", "must not be empty".into()));
    }
    if raw.user.is_empty() {
        return Err(("user", "must not be empty".into()));
    }
    let tls = raw.tls.unwrap_or(TlsMode::Implicit);
    let allow_plaintext = raw.allow_plaintext.unwrap_or(false);
    if tls == TlsMode::None && !allow_plaintext {
        return Err((
            "tls",
            "\"none\" sends the password unencrypted; use \"implicit\" or \"starttls\", or also set allow_plaintext = true".into(),
        ));
    }
    if raw.password_command.is_some() && raw.password_env.is_some() {
        return Err((
            "password_env",
            "set either password_command or password_env, not both".into(),
        ));
    }
    let auth = raw.auth.unwrap_or_default();
    let oauth2 = oauth2_client(&mut raw, auth)?;
    let keep = raw.keep.unwrap_or(true);
    if let Some(days) = raw.delete_after_days {
        if !keep {
            return Err((
                "delete_after_days",
                "only makes sense with keep = true (keep = false deletes right after download)"
                    .into(),
            ));
        }
        if days == 0 {
            return Err((
                "delete_after_days",
                "must be at least 1 (for immediate deletion use keep = false)".into(),
            ));
        }
    }
    if raw.protocol == Protocol::Pop3 {
        if raw.folders.is_some() {
            return Err((
                "folders",
                "POP3 has only one mailbox; remove this key".into(),
            ));
        }
        if raw.folder_prefix.is_some() {
            return Err((
                "folder_prefix",
                "POP3 has no folders; remove this key".into(),
            ));
        }
        if raw.expunge.is_some() {
            return Err((
                "expunge",
                "only for IMAP accounts kept in sync (`mailx sync`); POP3 deletion is `keep`"
                    .into(),
            ));
        }
        if raw.create.is_some() {
            return Err(("create", "POP3 has no folders; remove this key".into()));
        }
        if raw.watch.is_some() {
            return Err((
                "watch",
                "POP3 cannot announce new mail; `mailx watch` polls it (--poll SECS)".into(),
            ));
        }
        if raw.max_delete.is_some() {
            return Err((
                "max_delete",
                "only for IMAP accounts kept in sync (`mailx sync`); POP3 deletion is `keep`"
                    .into(),
            ));
        }
    }
    let max_delete = match raw.max_delete {
        None => MaxDelete::DEFAULT,
        Some(RawMaxDelete::Count(n)) => MaxDelete::Count(n),
        Some(RawMaxDelete::Text(t)) => match t
            .trim()
            .strip_suffix('%')
            .and_then(|p| p.trim().parse::<u32>().ok())
        {
            Some(p) if p <= 100 => MaxDelete::Percent(p),
            _ => {
                return Err((
                    "max_delete",
                    format!(
                        "{t:?} is neither a number of messages (max_delete = 200) nor a percentage up to 100 (max_delete = \"50%\")"
                    ),
                ));
            }
        },
    };
    let max_message_size = match raw.max_message_size {
        None => DEFAULT_MAX_MESSAGE,
        Some(size) => size_within(&size, 1024..=LARGEST_MAX_MESSAGE).ok_or_else(|| {
            (
                "max_message_size",
                format!(
                    "{} is not a size from 1K to 1G: write bytes (max_message_size = 52428800) or a size (max_message_size = \"50M\")",
                    shown_size(&size)
                ),
            )
        })?,
    };
    let max_server_size = match raw.max_server_size {
        None => None,
        Some(size) => Some(size_within(&size, 1 << 20..=u64::MAX).ok_or_else(|| {
            (
                "max_server_size",
                format!(
                    "{} is not a size of at least 1M: write a size (max_server_size = \"1.5 GiB\") or bytes",
                    shown_size(&size)
                ),
            )
        })?),
    };
    let mut purge = Vec::new();
    for (folder, days) in raw.purge.unwrap_or_default() {
        if raw.protocol == Protocol::Pop3 {
            return Err((
                "purge",
                "POP3 sees only INBOX; use delete_after_days (it deletes only what mailx stored)"
                    .into(),
            ));
        }
        if folder.eq_ignore_ascii_case("INBOX") {
            return Err((
                "purge",
                "INBOX holds mail you may not have read; use delete_after_days or max_server_size, which delete only what mailx stored".into(),
            ));
        }
        if folder.is_empty() || folder.contains(['*', '%']) {
            return Err((
                "purge",
                format!("{folder:?}: name a folder (no patterns), e.g. purge = {{ Junk = 30 }}"),
            ));
        }
        if days == 0 {
            return Err((
                "purge",
                format!("{folder} = 0: the number of days must be at least 1"),
            ));
        }
        purge.push((folder, days));
    }
    let folders = raw.folders.unwrap_or_else(|| vec!["INBOX".into()]);
    if folders.is_empty() || folders.iter().any(|f| f.is_empty()) {
        return Err((
            "folders",
            "must list at least one non-empty folder name or pattern".into(),
        ));
    }
    let watch = raw.watch.unwrap_or_else(|| vec!["INBOX".into()]);
    if watch.iter().any(|f| f.is_empty() || f.contains(['*', '%'])) {
        return Err((
            "watch",
            "list folder names (no patterns): each one is a connection kept open".into(),
        ));
    }
    let folder_prefix = match raw.folder_prefix.as_deref() {
        None | Some("auto") => FolderPrefix::Auto,
        Some(p) => FolderPrefix::Explicit(p.to_string()),
    };
    if raw.maildir.trim().is_empty() {
        return Err(("maildir", "must not be empty".into()));
    }
    let port = raw.port.unwrap_or(default_port(raw.protocol, tls));
    if port == 0 {
        return Err(("port", "must be between 1 and 65535".into()));
    }
    Ok(Account {
        name: name.to_string(),
        protocol: raw.protocol,
        host: raw.host,
        port,
        tls,
        ca_file: raw.ca_file.as_deref().map(|p| expand_path(p, base)),
        user: raw.user,
        password_command: raw.password_command,
        password_env: raw.password_env,
        auth,
        oauth2,
        maildir: expand_path(&raw.maildir, base),
        keep,
        delete_after_days: raw.delete_after_days,
        folders,
        folder_prefix,
        expunge: raw.expunge.unwrap_or(false),
        create: raw.create.unwrap_or(Create::Both),
        watch,
        max_delete,
        max_message_size,
        max_server_size,
        purge,
    })
}

/// A size setting in bytes, when it reads as one within `range`.
fn size_within(raw: &RawSize, range: std::ops::RangeInclusive<u64>) -> Option<u64> {
    let n = match raw {
        RawSize::Bytes(n) => Some(*n),
        RawSize::Text(t) => crate::units::parse_bytes(t),
    };
    n.filter(|n| range.contains(n))
}

/// A size setting as the user wrote it, for an error message.
fn shown_size(raw: &RawSize) -> String {
    match raw {
        RawSize::Bytes(n) => n.to_string(),
        RawSize::Text(t) => format!("{t:?}"),
    }
}

/// One account, one Maildir: two accounts writing into one tree would each take the
/// other's messages for its own (and sync would upload them to the wrong server, or read
/// their absence as deletions).
fn check_maildirs_apart(accounts: &BTreeMap<String, Account>) -> std::result::Result<(), Invalid> {
    let roots: Vec<(&String, PathBuf)> = accounts
        .iter()
        .map(|(name, a)| (name, comparable(&a.maildir)))
        .collect();
    for (i, (a, pa)) in roots.iter().enumerate() {
        for (b, pb) in &roots[i + 1..] {
            let relation = if pa == pb {
                "the same directory as"
            } else if pa.starts_with(pb) {
                "inside the Maildir of"
            } else if pb.starts_with(pa) {
                "around the Maildir of"
            } else {
                continue;
            };
            return Err((
                "maildir",
                format!(
                    "accounts {a:?} and {b:?} share a Maildir ({} is {relation} {b:?}); give each account its own directory",
                    pa.display()
                ),
            ));
        }
    }
    Ok(())
}

/// A path in a form two spellings of one directory agree on: symlinks resolved for the
/// part that exists, `.` and `..` removed from the rest.
fn comparable(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = std::fs::canonicalize(&existing).unwrap_or(existing);
    for part in rest.iter().rev() {
        match Path::new(part).components().next() {
            Some(Component::ParentDir) => {
                out.pop();
            }
            Some(Component::CurDir) | None => {}
            Some(_) => out.push(part),
        }
    }
    out
}

/// `~/` is the home directory; relative paths are relative to the config file, not to the
/// working directory, so cron and an interactive shell agree.
pub fn expand_path(p: &str, base: &Path) -> PathBuf {
    if let Some(rest) = p.strip_prefix("~/")
        && let Some(home) = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf())
    {
        return home.join(rest);
    }
    let path = PathBuf::from(p);
    if path.is_absolute() {
        path
    } else {
        base.join(path)
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map(|s| s.bytes().filter(|&b| b == b'\n').count() + 1)
        .unwrap_or(0)
}

/// Line of `a.b.c` in the document (or of its closest existing ancestor).
fn key_line(text: &str, path: &[&str]) -> usize {
    let Ok(doc) = toml::de::DeTable::parse(text) else {
        return 0;
    };
    let mut table = doc.get_ref();
    let mut line = 0;
    for segment in path {
        let Some((key, value)) = table.get_key_value(*segment) else {
            break;
        };
        line = line_of(text, key.span().start);
        match value.get_ref() {
            toml::de::DeValue::Table(t) => table = t,
            _ => break,
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Config> {
        parse(Path::new("/cfg/config.toml"), s)
    }

    const GOOD: &str = r#"
[accounts.home]
protocol = "imap"
host = "mail.example.com"
user = "me"
password_env = "PW"
maildir = "Mail/home"
"#;

    #[test]
    fn defaults() {
        let c = parse_str(GOOD).unwrap();
        let a = &c.accounts["home"];
        assert_eq!(a.port, 993);
        assert_eq!(a.tls, TlsMode::Implicit);
        assert!(a.keep);
        assert_eq!(a.folders, vec!["INBOX".to_string()]);
        assert_eq!(a.folder_prefix, FolderPrefix::Auto);
        assert_eq!(a.maildir, PathBuf::from("/cfg/Mail/home"));
    }

    fn config_error(s: &str) -> (usize, String) {
        match parse_str(s) {
            Err(Error::Config { line, message, .. }) => (line, message),
            other => panic!("expected config error, got {other:?}"),
        }
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let (line, msg) = config_error(&format!("{GOOD}colour = \"red\"\n"));
        assert_eq!(line, 8);
        assert!(msg.contains("colour"), "{msg}");
    }

    #[test]
    fn wrong_type_names_line() {
        let (line, msg) =
            config_error(&GOOD.replace("user = \"me\"", "user = \"me\"\nport = \"x\""));
        assert_eq!(line, 6);
        assert!(
            msg.contains("port") || msg.contains("invalid type"),
            "{msg}"
        );
    }

    #[test]
    fn plaintext_needs_opt_in() {
        let (line, msg) =
            config_error(&GOOD.replace("user = \"me\"", "user = \"me\"\ntls = \"none\""));
        assert_eq!(line, 6);
        assert!(msg.contains("accounts.home.tls"), "{msg}");
        let ok = GOOD.replace(
            "user = \"me\"",
            "tls = \"none\"\nallow_plaintext = true\nuser = \"me\"",
        );
        assert_eq!(parse_str(&ok).unwrap().accounts["home"].port, 143);
    }

    #[test]
    fn delete_after_days_requires_keep() {
        let (line, msg) = config_error(&format!("{GOOD}keep = false\ndelete_after_days = 3\n"));
        assert_eq!(line, 9);
        assert!(msg.contains("delete_after_days"), "{msg}");
    }

    #[test]
    fn retention_rules_as_written() {
        let c = parse_str(&format!(
            "{GOOD}max_server_size = \"1.5 GiB\"\npurge = {{ Junk = 30, \"Deleted Items\" = 7 }}\n"
        ))
        .unwrap();
        let a = &c.accounts["home"];
        assert_eq!(a.max_server_size, Some(3 << 29));
        assert_eq!(
            a.purge,
            [("Deleted Items".to_string(), 7), ("Junk".to_string(), 30)]
        );
        assert!(a.cleans_after(false));
        let plain = &parse_str(GOOD).unwrap().accounts["home"];
        assert!(plain.max_server_size.is_none() && plain.purge.is_empty());
        assert!(!plain.cleans_after(true));
        let (line, msg) = config_error(&format!("{GOOD}purge = {{ \"*\" = 3 }}\n"));
        assert_eq!(line, 8);
        assert!(msg.contains("no patterns"), "{msg}");
    }

    #[test]
    fn pop3_rejects_folders() {
        let s = GOOD.replace("\"imap\"", "\"pop3\"") + "folders = [\"*\"]\n";
        let (_, msg) = config_error(&s);
        assert!(msg.contains("folders"), "{msg}");
        let ok = parse_str(&GOOD.replace("\"imap\"", "\"pop3\"")).unwrap();
        assert_eq!(ok.accounts["home"].port, 995);
    }

    #[test]
    fn max_message_size_forms() {
        let c = parse_str(&format!("{GOOD}max_message_size = \"50M\"\n")).unwrap();
        assert_eq!(c.accounts["home"].max_message_size, 50 << 20);
        let c = parse_str(&format!("{GOOD}max_message_size = 2048\n")).unwrap();
        assert_eq!(c.accounts["home"].max_message_size, 2048);
        for bad in ["\"huge\"", "\"2G\"", "10"] {
            let (_, msg) = config_error(&format!("{GOOD}max_message_size = {bad}\n"));
            assert!(msg.contains("max_message_size"), "{msg}");
        }
    }

    #[test]
    fn max_delete_forms() {
        let c = parse_str(GOOD).unwrap();
        assert_eq!(c.accounts["home"].max_delete, MaxDelete::DEFAULT);
        let c = parse_str(&format!("{GOOD}max_delete = 200\n")).unwrap();
        assert_eq!(c.accounts["home"].max_delete, MaxDelete::Count(200));
        let c = parse_str(&format!("{GOOD}max_delete = \"80%\"\n")).unwrap();
        assert_eq!(c.accounts["home"].max_delete, MaxDelete::Percent(80));
        let (line, msg) = config_error(&format!("{GOOD}max_delete = \"lots\"\n"));
        assert_eq!(line, 8);
        assert!(msg.contains("max_delete"), "{msg}");
        assert_eq!(
            c.accounts["home"].max_message_size, DEFAULT_MAX_MESSAGE,
            "default"
        );
        // The default: more than half, and more than ten.
        assert!(!MaxDelete::DEFAULT.exceeded(10, 10));
        assert!(MaxDelete::DEFAULT.exceeded(11, 20));
        assert!(!MaxDelete::DEFAULT.exceeded(11, 22));
        assert!(MaxDelete::Count(5).exceeded(6, 1000));
    }

    #[test]
    fn accounts_may_not_share_a_maildir() {
        let two = |a: &str, b: &str| {
            format!(
                "{}{}",
                GOOD.replace("Mail/home", a),
                GOOD.replace("home", "work").replace("Mail/work", b)
            )
        };
        let (line, msg) = config_error(&two("Mail/x", "Mail/x/"));
        assert!(
            msg.contains("\"home\"") && msg.contains("\"work\""),
            "{msg}"
        );
        assert_eq!(line, 7, "{msg}");
        let (_, msg) = config_error(&two("Mail", "Mail/sub/../x"));
        assert!(msg.contains("inside") || msg.contains("around"), "{msg}");
        assert!(parse_str(&two("Mail/a", "Mail/ab")).is_ok());
    }

    /// The names a "unknown field" error says the parser expects.
    fn accepted_keys(text: &str) -> Vec<String> {
        let Err(Error::Config { message, .. }) = parse_str(text) else {
            panic!("expected an unknown-field error");
        };
        let list = message.split("expected one of").nth(1).unwrap_or(&message);
        list.split('`')
            .skip(1)
            .step_by(2)
            .filter(|k| *k != "no_such_key")
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn every_accepted_key_is_documented() {
        let documented = |keys: &[KeyDoc]| {
            let mut v: Vec<String> = keys.iter().map(|k| k.key.to_string()).collect();
            v.sort();
            v
        };
        let mut account = accepted_keys(&format!("{GOOD}no_such_key = 1\n"));
        account.sort();
        assert_eq!(
            account,
            documented(ACCOUNT_KEYS),
            "mailx.toml(5) and the parser differ"
        );
        let mut top = accepted_keys("no_such_key = 1\n");
        top.sort();
        assert_eq!(top, documented(TOP_KEYS));
    }

    #[test]
    fn the_sample_config_parses() {
        let c = parse(
            Path::new("/home/me/.config/mailx/config.toml"),
            include_str!("../docs/config.sample.toml"),
        )
        .unwrap();
        let protocols: Vec<Protocol> = c.accounts.values().map(|a| a.protocol).collect();
        assert!(protocols.contains(&Protocol::Imap) && protocols.contains(&Protocol::Pop3));
    }

    #[test]
    fn syntax_error_has_line() {
        let (line, _) = config_error("[accounts.home]\nprotocol = \n");
        assert_eq!(line, 2);
    }
}
