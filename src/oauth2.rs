//! mailx's own OAuth2 sign-in, for people without oama or pizauth: the authorization code
//! grant (RFC 6749 §4.1) with PKCE (RFC 7636, S256) and a loopback redirect (RFC 8252
//! §7.3), the tokens kept in the OS keyring, the access token refreshed when it expires.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::config::{Account, OAuth2};
use crate::error::{Error, Result};
use crate::http::{self, Url};
use crate::output::Printer;
use crate::secret::{self, Password};

/// What the keyring holds for an account that signs in with OAuth2.
#[derive(Debug, Serialize, Deserialize)]
struct Tokens {
    access_token: String,
    /// Seconds since the epoch.
    expires_at: i64,
    refresh_token: Option<String>,
}

/// An access token is renewed this long before it expires.
const MARGIN: i64 = 60;
/// How long the sign-in waits for the browser.
const BROWSER_WAIT: Duration = Duration::from_secs(300);

fn base64url(bytes: &[u8]) -> String {
    crate::proto::base64(
        bytes,
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        false,
    )
}

fn random_text(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    openssl::rand::rand_bytes(&mut buf).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(base64url(&buf))
}

fn url(account: &Account, s: &str) -> Result<Url> {
    Url::parse(s).ok_or_else(|| Error::Config {
        path: Default::default(),
        line: 0,
        message: format!("accounts.{}: bad OAuth2 URL {s:?}", account.name),
        hint: "check oauth2_auth_url and oauth2_token_url".into(),
    })
}

/// The access token for a login: from the keyring, refreshed first when it expires.
pub async fn access_token(account: &Account, client: &OAuth2, timeout: u64) -> Result<Password> {
    let not_signed_in = |detail: String| Error::NoPassword {
        account: account.name.clone(),
        detail,
    };
    let stored = secret::read_keyring(&account.name)
        .await
        .map_err(|e| not_signed_in(format!("the OS keyring is not reachable ({e}); mailx keeps OAuth2 tokens there. Without a keyring, get tokens from a command such as oama or pizauth (password_command) instead of oauth2_client_id")))?
        .ok_or_else(|| not_signed_in(format!("not signed in yet: run `mailx account authorize {}`", account.name)))?;
    let tokens: Tokens = serde_json::from_str(stored.expose()).map_err(|_| {
        not_signed_in(format!(
            "the keyring entry is not mailx's OAuth2 tokens: run `mailx account authorize {}`",
            account.name
        ))
    })?;
    if tokens.expires_at > crate::clock::now() + MARGIN {
        return Ok(Password::new(tokens.access_token));
    }
    let Some(refresh) = tokens.refresh_token else {
        return Err(not_signed_in(format!(
            "the access token expired and the provider gave no refresh token: run `mailx account authorize {}`",
            account.name
        )));
    };
    tracing::info!("{}: refreshing the OAuth2 access token", account.name);
    let mut fields = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh.as_str()),
        ("client_id", client.client_id.as_str()),
    ];
    if let Some(secret) = &client.client_secret {
        fields.push(("client_secret", secret));
    }
    let fresh = token_request(account, client, &fields, timeout).await?;
    let fresh = Tokens {
        // Providers that do not rotate refresh tokens send none: keep the old one.
        refresh_token: fresh.refresh_token.or(Some(refresh)),
        ..fresh
    };
    store(account, &fresh).await?;
    Ok(Password::new(fresh.access_token))
}

async fn store(account: &Account, tokens: &Tokens) -> Result<()> {
    let json = serde_json::to_string(tokens).map_err(|e| Error::Internal(e.to_string()))?;
    secret::store_in_keyring(&account.name, &Password::new(json)).await
}

/// POSTs to the token endpoint; the tokens, or the provider's error in words.
async fn token_request(
    account: &Account,
    client: &OAuth2,
    fields: &[(&str, &str)],
    timeout: u64,
) -> Result<Tokens> {
    let endpoint = url(account, &client.token_url)?;
    let (status, body) =
        http::post_form(&endpoint, fields, Duration::from_secs(timeout.max(1))).await?;
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let text = |k: &str| json.get(k).and_then(|v| v.as_str()).map(str::to_string);
    if status != 200 || text("access_token").is_none() {
        let why = match (text("error"), text("error_description")) {
            (Some(e), Some(d)) => format!("{e}: {d}"),
            (Some(e), None) => e,
            _ => format!("HTTP {status} without an access token"),
        };
        return Err(Error::Auth {
            account: account.name.clone(),
            detail: format!(
                "the token endpoint refused: {}; run `mailx account authorize {}` to sign in again",
                crate::units::printable(&why, 300),
                account.name
            ),
        });
    }
    let expires_in = json
        .get("expires_in")
        .and_then(|v| v.as_i64())
        .unwrap_or(3600);
    Ok(Tokens {
        access_token: text("access_token").unwrap_or_default(),
        expires_at: crate::clock::now() + expires_in,
        refresh_token: text("refresh_token"),
    })
}

/// Signs in: prints the provider's address for a browser, waits for it to come back to
/// a loopback port with the code, exchanges the code, keeps the tokens in the keyring.
pub async fn authorize(
    account: &Account,
    client: &OAuth2,
    printer: &Printer,
    timeout: u64,
) -> Result<()> {
    secret::keyring_reachable().await.map_err(|e| Error::NoPassword {
        account: account.name.clone(),
        detail: format!("the OS keyring is not reachable ({e}); mailx keeps OAuth2 tokens there. Without one, use a token command (oama, pizauth) as password_command"),
    })?;
    let verifier = random_text(32)?;
    let challenge = base64url(&openssl::sha::sha256(verifier.as_bytes()));
    let state = random_text(16)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Error::network("the sign-in's loopback port", e))?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::network("the sign-in's loopback port", e))?
        .port();
    let redirect = format!("http://127.0.0.1:{port}/");
    let enc = http::percent_encode;
    let sep = if client.auth_url.contains('?') {
        '&'
    } else {
        '?'
    };
    let address = format!(
        "{}{sep}response_type=code&client_id={}&redirect_uri={}&scope={}&state={}&code_challenge={}&code_challenge_method=S256&login_hint={}&access_type=offline&prompt=consent",
        client.auth_url,
        enc(&client.client_id),
        enc(&redirect),
        enc(&client.scope),
        enc(&state),
        enc(&challenge),
        enc(&account.user),
    );
    printer.say(&format!(
        "Open this address in a browser and sign in as {}:\n\n{address}\n\nWaiting for the browser to come back to {redirect} (up to {} minutes) ...",
        account.user,
        BROWSER_WAIT.as_secs() / 60
    ));
    let code = tokio::time::timeout(BROWSER_WAIT, receive_code(&listener, &state))
        .await
        .map_err(|_| Error::Auth {
            account: account.name.clone(),
            detail: "the browser did not come back within 5 minutes; run the command again".into(),
        })?
        .map_err(|detail| Error::Auth {
            account: account.name.clone(),
            detail,
        })?;
    let mut fields = vec![
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", redirect.as_str()),
        ("client_id", client.client_id.as_str()),
        ("code_verifier", verifier.as_str()),
    ];
    if let Some(secret) = &client.client_secret {
        fields.push(("client_secret", secret));
    }
    let tokens = token_request(account, client, &fields, timeout).await?;
    if tokens.refresh_token.is_none() {
        printer.warning("the provider gave no refresh token: you will have to sign in again when the access token expires");
    }
    store(account, &tokens).await?;
    printer.say(&format!(
        "Signed in; the tokens are in the OS keyring (service \"mailx\", user \"{}\").",
        account.name
    ));
    Ok(())
}

/// Waits for the redirect that carries `state` and a code (or the provider's error);
/// anything else on the port gets a 404 and is ignored.
async fn receive_code(
    listener: &tokio::net::TcpListener,
    state: &str,
) -> std::result::Result<String, String> {
    loop {
        let Ok((mut conn, _)) = listener.accept().await else {
            continue;
        };
        let mut buf = vec![0u8; 8192];
        let mut len = 0;
        while len < buf.len() && !buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
            match tokio::time::timeout(Duration::from_secs(10), conn.read(&mut buf[len..])).await {
                Ok(Ok(n)) if n > 0 => len += n,
                _ => break,
            }
        }
        let request = String::from_utf8_lossy(&buf[..len]).into_owned();
        let target = request.split_whitespace().nth(1).unwrap_or("");
        let query = target.split_once('?').map(|(_, q)| q).unwrap_or("");
        let param = |name: &str| {
            query.split('&').find_map(|kv| {
                let (k, v) = kv.split_once('=')?;
                (k == name).then(|| http::percent_decode(v)).flatten()
            })
        };
        let (page, result) = match (param("state"), param("code"), param("error")) {
            (Some(s), _, _) if s != state => ("404 Not Found", None),
            (Some(_), Some(code), _) => ("200 OK", Some(Ok(code))),
            (Some(_), None, Some(error)) => (
                "200 OK",
                Some(Err(format!(
                    "the provider refused the sign-in: {}",
                    crate::units::printable(&error, 200)
                ))),
            ),
            _ => ("404 Not Found", None),
        };
        let text = match &result {
            Some(Ok(_)) => "Signed in to mailx. You can close this window.",
            Some(Err(_)) => "The sign-in failed; mailx says why in the terminal.",
            None => "Not found.",
        };
        let _ = conn
            .write_all(
                format!(
                    "HTTP/1.0 {page}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\r\n{text}",
                    text.len()
                )
                .as_bytes(),
            )
            .await;
        if let Some(r) = result {
            return r;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_challenge_is_rfc_7636_s256() {
        // RFC 7636 Appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            base64url(&openssl::sha::sha256(verifier.as_bytes())),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(random_text(32).unwrap().len(), 43);
    }
}
