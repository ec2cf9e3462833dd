//! Error kinds that callers branch on, each with an exit code and a hint.

use std::fmt;
use std::path::PathBuf;

/// The exit statuses, sysexits(3) where one fits: the one definition `mailx --help`, the
/// man page and README's table come from (a test holds README to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum ExitStatus {
    Ok = 0,
    NoNewMail = 1,
    Partial = 2,
    Usage = 64,
    Data = 65,
    Network = 69,
    Internal = 70,
    LocalIo = 74,
    Locked = 75,
    Protocol = 76,
    Auth = 77,
    Config = 78,
}

impl ExitStatus {
    pub const ALL: [ExitStatus; 12] = [
        ExitStatus::Ok,
        ExitStatus::NoNewMail,
        ExitStatus::Partial,
        ExitStatus::Usage,
        ExitStatus::Data,
        ExitStatus::Network,
        ExitStatus::Internal,
        ExitStatus::LocalIo,
        ExitStatus::Locked,
        ExitStatus::Protocol,
        ExitStatus::Auth,
        ExitStatus::Config,
    ];

    pub fn code(self) -> i32 {
        self as i32
    }

    pub fn meaning(self) -> &'static str {
        match self {
            ExitStatus::Ok => "success",
            ExitStatus::NoNewMail => "`check`: no new mail",
            ExitStatus::Partial => {
                "partial failure: some accounts or folders failed, others succeeded"
            }
            ExitStatus::Usage => "usage error (bad command line)",
            ExitStatus::Data => {
                "`sync` stopped a folder to protect mail (it vanished on one side, or the run would delete more than `max_delete`); nothing changed in it"
            }
            ExitStatus::Network => {
                "network or TLS failure (server unreachable, certificate not trusted, STARTTLS refused, timeout)"
            }
            ExitStatus::Internal => "internal error (a bug in mailx)",
            ExitStatus::LocalIo => "local I/O error (disk full, permissions)",
            ExitStatus::Locked => "another mailx run holds the account's lock (try again later)",
            ExitStatus::Protocol => {
                "protocol error (the server sent something unexpected, or refused a command)"
            }
            ExitStatus::Auth => "authentication failed, or no password available",
            ExitStatus::Config => "configuration error (file, line and key are named)",
        }
    }

    /// The table under `mailx --help` and in the man page.
    pub fn help_table() -> String {
        let mut out = String::from("Exit codes:\n");
        for s in Self::ALL {
            out.push_str(&format!("  {:<3} {}\n", s.code(), s.meaning()));
        }
        out.push_str(
            "With several accounts: 0 if all succeeded, the common code if all failed alike, else 2.",
        );
        out
    }
}

/// The codes as plain numbers, for arithmetic on them.
pub mod exit {
    use super::ExitStatus;
    pub const OK: i32 = ExitStatus::Ok as i32;
    pub const PARTIAL: i32 = ExitStatus::Partial as i32;
    pub const USAGE: i32 = ExitStatus::Usage as i32;
    pub const DATA: i32 = ExitStatus::Data as i32;
    pub const INTERNAL: i32 = ExitStatus::Internal as i32;
    pub const LOCAL_IO: i32 = ExitStatus::LocalIo as i32;
    pub const LOCKED: i32 = ExitStatus::Locked as i32;
    pub const PROTOCOL: i32 = ExitStatus::Protocol as i32;
    pub const AUTH: i32 = ExitStatus::Auth as i32;
    pub const CONFIG: i32 = ExitStatus::Config as i32;
    pub const NETWORK: i32 = ExitStatus::Network as i32;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {message}", at(path, *line))]
    Config {
        path: PathBuf,
        line: usize,
        message: String,
        hint: String,
    },
    #[error("{0}")]
    Usage(String),
    #[error("{account}: authentication failed: {detail}")]
    Auth { account: String, detail: String },
    #[error("{account}: no password: {detail}")]
    NoPassword { account: String, detail: String },
    #[error("{context}: {source}")]
    Network {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{context}: TLS: {detail}")]
    Tls { context: String, detail: String },
    #[error("{context}: {detail}")]
    Protocol { context: String, detail: String },
    /// The server answered NO or BAD to a command: the session itself is still fine.
    #[error("{context}: {detail}")]
    Rejected { context: String, detail: String },
    /// The state and the mail disagree in a way mailx will not resolve by itself.
    #[error("{context}: {detail}")]
    Guard {
        context: String,
        detail: String,
        hint: String,
    },
    #[error("{context}: {detail}")]
    Timeout { context: String, detail: String },
    #[error("{path}: {source}")]
    LocalIo {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("state database {path}: {detail}")]
    State { path: PathBuf, detail: String },
    #[error("{account}: another mailx is already running for this account (lock {path})")]
    Locked { account: String, path: PathBuf },
    #[error("{folder}: UIDVALIDITY changed from {old} to {new} and {detail}")]
    UidValidity {
        folder: String,
        old: u32,
        new: u32,
        detail: String,
    },
    #[error("{0}")]
    Refused(String),
    /// A bug in mailx (or, in unit tests, an injected crash).
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How much of a server's words an error repeats.
const MAX_DETAIL: usize = 300;

/// `file:line`, or just the file when the problem is not on one line.
fn at(path: &std::path::Path, line: usize) -> String {
    match line {
        0 => path.display().to_string(),
        n => format!("{}:{n}", path.display()),
    }
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Config { .. } | Error::Refused(_) => exit::CONFIG,
            Error::Usage(_) => exit::USAGE,
            Error::Auth { .. } | Error::NoPassword { .. } => exit::AUTH,
            Error::Network { .. } | Error::Tls { .. } | Error::Timeout { .. } => exit::NETWORK,
            Error::Protocol { .. } | Error::Rejected { .. } | Error::UidValidity { .. } => {
                exit::PROTOCOL
            }
            Error::Guard { .. } => exit::DATA,
            Error::LocalIo { .. } | Error::State { .. } => exit::LOCAL_IO,
            Error::Locked { .. } => exit::LOCKED,
            Error::Internal(_) => exit::INTERNAL,
        }
    }

    /// What the user should do next, rendered as `hint:` under the error.
    pub fn hint(&self) -> String {
        match self {
            Error::Config { hint, .. } => hint.clone(),
            Error::Usage(_) => "run `mailx --help` for usage".into(),
            Error::Auth { account, .. } => format!(
                "check `user` and the password source of [accounts.{account}]; run `mailx account test {account}` after fixing it"
            ),
            Error::NoPassword { account, .. } => format!(
                "set `password_command = \"...\"` or `password_env = \"VAR\"` in [accounts.{account}], or store it in the OS keyring (service \"mailx\", user \"{account}\")"
            ),
            Error::Network { .. } => {
                "check `host` and `port`, and that the server is reachable; mailx retries nothing it has not finished, so rerunning is safe".into()
            }
            Error::Tls { .. } => {
                "check `tls` and `port` (implicit TLS: 993/995, STARTTLS: 143/110); for a self-signed server certificate set `ca_file`".into()
            }
            Error::Timeout { .. } => {
                "the server did not answer in time; raise `--timeout SECS` or try again later".into()
            }
            Error::Protocol { .. } => {
                "the server sent something mailx does not understand; rerun with -vv to see the exchange and report it".into()
            }
            Error::Rejected { .. } => {
                "the server refused this (its words are above); check the folder or message it names, then rerun".into()
            }
            Error::Guard { hint, .. } => hint.clone(),
            Error::LocalIo { .. } => {
                "check free disk space and permissions of that path; nothing was deleted on the server for messages not written".into()
            }
            Error::State { .. } => {
                "check permissions and free space of the state directory; the Maildir is untouched".into()
            }
            Error::Locked { .. } => {
                "wait for the other run to finish; if none is running, the lock is released automatically when its process exits".into()
            }
            Error::UidValidity { .. } => {
                "the server renumbered this folder; nothing was downloaded or deleted for it. Check the folder on the server, then rerun".into()
            }
            Error::Refused(_) => "adjust the account configuration".into(),
            Error::Internal(_) => "this is a bug in mailx; please report it".into(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        if is_disk_full(&source) {
            return Error::LocalIo {
                path: path.into(),
                source: std::io::Error::new(source.kind(), "no space left on device"),
            };
        }
        Error::LocalIo {
            path: path.into(),
            source,
        }
    }

    /// A protocol error; its detail usually quotes the server, so it is bounded here
    /// (a parse error can carry megabytes of what was read).
    pub fn protocol(context: impl fmt::Display, detail: impl fmt::Display) -> Self {
        Error::Protocol {
            context: context.to_string(),
            detail: crate::units::printable(&detail.to_string(), MAX_DETAIL),
        }
    }

    pub fn network(context: impl fmt::Display, source: std::io::Error) -> Self {
        Error::Network {
            context: context.to_string(),
            source,
        }
    }
}

fn is_disk_full(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::StorageFull || e.kind() == std::io::ErrorKind::QuotaExceeded
}

#[cfg(test)]
mod tests {
    use super::ExitStatus;

    #[test]
    fn the_readme_table_is_the_exit_status_type() {
        let readme = include_str!("../README.md");
        let table: Vec<&str> = readme
            .split("## Exit codes")
            .nth(1)
            .unwrap_or_default()
            .lines()
            .skip_while(|l| !l.starts_with("| code"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .collect();
        let expected: Vec<String> = ExitStatus::ALL
            .iter()
            .map(|s| format!("| {} | {} |", s.code(), s.meaning()))
            .collect();
        assert_eq!(
            table, expected,
            "README's exit-code table differs from ExitStatus; update README.md"
        );
    }
}
