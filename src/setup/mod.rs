//! Setting up an account: finding the server (`discover`: autoconfig, SRV, guesses),
//! looking at it (`probe`), asking the user (`wizard`) and writing the result into the
//! config file (`config_file`).

pub mod add;
pub mod autoconfig;
pub mod config_file;
pub mod discover;
pub mod dns;
pub mod login;
pub mod probe;
pub mod wizard;

use crate::config::{Protocol, TlsMode};

/// Where and how to reach a mail server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub protocol: Protocol,
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
}

impl Server {
    /// "IMAP imap.example.org:993 (TLS)".
    pub fn describe(&self) -> String {
        let tls = match self.tls {
            TlsMode::Implicit => "TLS",
            TlsMode::Starttls => "STARTTLS",
            TlsMode::None => "no encryption",
        };
        format!(
            "{} {}:{} ({tls})",
            self.protocol.name().to_ascii_uppercase(),
            self.host,
            self.port
        )
    }
}
