//! Where an account's password comes from: command, environment, OS keyring, or a prompt.

use std::io::IsTerminal;
use std::process::Stdio;
use std::time::Duration;

use crate::config::Account;
use crate::error::{Error, Result};

/// A password that never prints itself.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn new(p: String) -> Self {
        Password(p)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

const KEYRING_SERVICE: &str = "mailx";

/// The account's password, or its OAuth2 access token; `timeout` bounds a token refresh.
pub async fn resolve(account: &Account, timeout: u64) -> Result<Password> {
    match without_asking(account, timeout).await? {
        Some(p) => Ok(p),
        None => ask(account).await,
    }
}

/// The password from the account's sources other than asking on the terminal: `None`
/// when only asking is left.
pub async fn without_asking(account: &Account, timeout: u64) -> Result<Option<Password>> {
    if let Some(client) = &account.oauth2 {
        return crate::oauth2::access_token(account, client, timeout)
            .await
            .map(Some);
    }
    if let Some(cmd) = &account.password_command {
        return run_password_command(account, cmd).await.map(Some);
    }
    if let Some(var) = &account.password_env {
        return match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(Some(Password(v))),
            _ => Err(no_password(
                account,
                format!("password_env = \"{var}\" but that environment variable is unset or empty"),
            )),
        };
    }
    match from_keyring(&account.name).await {
        Ok(found) => Ok(found),
        Err(e) => {
            tracing::debug!("keyring unavailable: {e}");
            Ok(None)
        }
    }
}

/// Asks on the terminal, when there is one.
pub async fn ask(account: &Account) -> Result<Password> {
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        let prompt = format!("Password for {} ({})", account.name, account.user);
        let answer = tokio::task::spawn_blocking(move || {
            dialoguer::Password::new().with_prompt(prompt).interact()
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
        return answer
            .map(Password)
            .map_err(|e| no_password(account, format!("prompt failed: {e}")));
    }
    Err(no_password(
        account,
        "no password_command, no password_env, and none in the OS keyring".into(),
    ))
}

fn no_password(account: &Account, detail: String) -> Error {
    Error::NoPassword {
        account: account.name.clone(),
        detail,
    }
}

async fn run_password_command(account: &Account, cmd: &str) -> Result<Password> {
    let fail = |detail: String| no_password(account, detail);
    let child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| fail(format!("cannot run password_command: {e}")))?;
    let output = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
        .await
        .map_err(|_| fail("password_command did not finish within 120 s".into()))?
        .map_err(|e| fail(format!("password_command failed: {e}")))?;
    if !output.status.success() {
        return Err(fail(format!(
            "password_command exited with {}",
            output.status
        )));
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| fail("password_command printed something that is not UTF-8".into()))?;
    let first = text.lines().next().unwrap_or("").to_string();
    if first.is_empty() {
        return Err(fail("password_command printed an empty first line".into()));
    }
    Ok(Password(first))
}

/// The account's keyring entry; `Ok(None)` when the keyring works but holds none.
pub async fn read_keyring(account: &str) -> std::result::Result<Option<Password>, String> {
    from_keyring(account).await
}

/// `Ok(None)`: the keyring works but holds nothing for this account.
async fn from_keyring(account: &str) -> std::result::Result<Option<Password>, String> {
    let account = account.to_string();
    tokio::task::spawn_blocking(move || {
        install_default_store()?;
        let entry =
            keyring_core::Entry::new(KEYRING_SERVICE, &account).map_err(|e| e.to_string())?;
        match entry.get_password() {
            Ok(p) => Ok(Some(Password(p))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Stores `password` as the account's keyring entry (replacing one there).
pub async fn store_in_keyring(account: &str, password: &Password) -> Result<()> {
    let (account, secret) = (account.to_string(), password.0.clone());
    let name = account.clone();
    tokio::task::spawn_blocking(move || {
        install_default_store()?;
        keyring_core::Entry::new(KEYRING_SERVICE, &account)
            .and_then(|e| e.set_password(&secret))
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?
    .map_err(|detail| Error::NoPassword {
        account: name,
        detail: format!("cannot store the password in the OS keyring: {detail}"),
    })
}

/// Removes the account's keyring entry; `Ok(false)` when there was none.
pub async fn delete_from_keyring(account: &str) -> std::result::Result<bool, String> {
    let account = account.to_string();
    tokio::task::spawn_blocking(move || {
        install_default_store()?;
        let entry =
            keyring_core::Entry::new(KEYRING_SERVICE, &account).map_err(|e| e.to_string())?;
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(e.to_string()),
        }
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Whether an OS keyring answers here (a Secret Service on the session bus); the reason
/// when not (cron, ssh, a server without a desktop).
pub async fn keyring_reachable() -> std::result::Result<(), String> {
    from_keyring("mailx-probe").await.map(|_| ()).map_err(|e| {
        tracing::debug!("keyring: {e}");
        if e.contains("Failed to connect") || e.contains("DBUS_SESSION_BUS_ADDRESS") {
            "no session bus, so no Secret Service".to_string()
        } else {
            "no Secret Service (keyring daemon) answers".to_string()
        }
    })
}

#[cfg(target_os = "linux")]
fn install_default_store() -> std::result::Result<(), String> {
    // Without a session bus (cron, ssh) this fails in about a millisecond; no hang.
    let store = zbus_secret_service_keyring_store::Store::new().map_err(|e| e.to_string())?;
    keyring_core::set_default_store(store);
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn install_default_store() -> std::result::Result<(), String> {
    Err("no OS keyring store is built for this platform; use password_command".into())
}
