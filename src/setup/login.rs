//! Logging in once with settings not yet saved, and what the server then shows: the
//! wizard's and `account test`'s last steps.

use crate::config::Account;
use crate::error::Result;
use crate::remote::{AnyRemote, Remote, connect_with};
use crate::secret::Password;

#[derive(Debug, Default)]
pub struct Report {
    /// IMAP: the personal namespace's prefix ("INBOX." or "") and delimiter.
    pub prefix: Option<(String, Option<char>)>,
    /// Folders as the server names them (POP3: INBOX only).
    pub folders: Vec<String>,
    /// Messages in INBOX.
    pub messages: u64,
}

pub async fn try_login(account: &Account, password: Password, timeout: u64) -> Result<Report> {
    let mut remote = connect_with(account, timeout, password).await?;
    let result = look(&mut remote).await;
    let _ = remote.finish().await;
    result
}

async fn look(remote: &mut AnyRemote) -> Result<Report> {
    let folders = remote.folders().await?;
    let prefix = match remote {
        AnyRemote::Imap(r) => Some(r.prefix()),
        AnyRemote::Pop3(_) => None,
    };
    // INBOX first, then the server's order.
    let (inbox, others): (Vec<_>, Vec<_>) = folders.iter().partition(|f| f.path.is_empty());
    let mut report = Report {
        prefix,
        folders: inbox
            .iter()
            .chain(&others)
            .map(|f| f.server_name.clone())
            .collect(),
        messages: 0,
    };
    if let Some(inbox) = folders.iter().find(|f| f.path.is_empty()) {
        report.messages = remote.status(inbox).await?.messages;
    }
    Ok(report)
}
