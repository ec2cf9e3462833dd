//! The SASL mechanisms mailx logs in with, for IMAP AUTHENTICATE and POP3 AUTH alike:
//! PLAIN (RFC 4616) and the obsolete LOGIN (draft-murchison-sasl-login; servers that
//! offer nothing else) for passwords, XOAUTH2 (Google's and Microsoft's) and OAUTHBEARER
//! (RFC 7628) for OAuth2 access tokens.

use crate::config::Auth;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    Plain,
    Login,
    XOAuth2,
    OAuthBearer,
}

impl Mechanism {
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Plain => "PLAIN",
            Mechanism::Login => "LOGIN",
            Mechanism::XOAuth2 => "XOAUTH2",
            Mechanism::OAuthBearer => "OAUTHBEARER",
        }
    }

    /// The mechanism an OAuth2 account uses; `None` for a password.
    pub fn for_token(auth: Auth) -> Option<Mechanism> {
        match auth {
            Auth::Password => None,
            Auth::XOAuth2 => Some(Mechanism::XOAuth2),
            Auth::OAuthBearer => Some(Mechanism::OAuthBearer),
        }
    }

    /// The client's messages in order; the first may ride on the command (SASL-IR) when
    /// the mechanism is client-first.
    pub fn responses(self, user: &str, secret: &str, host: &str, port: u16) -> Vec<Vec<u8>> {
        let one = match self {
            Mechanism::Plain => format!("\0{user}\0{secret}"),
            Mechanism::Login => {
                return vec![user.as_bytes().to_vec(), secret.as_bytes().to_vec()];
            }
            Mechanism::XOAuth2 => format!("user={user}\x01auth=Bearer {secret}\x01\x01"),
            Mechanism::OAuthBearer => {
                // RFC 7628 §3.1: the GS2 header names the user; ',' and '=' escaped.
                let user = user.replace('=', "=3D").replace(',', "=2C");
                format!("n,a={user},\x01host={host}\x01port={port}\x01auth=Bearer {secret}\x01\x01")
            }
        };
        vec![one.into_bytes()]
    }

    /// LOGIN waits for the server's "Username:" before the client speaks.
    pub fn client_first(self) -> bool {
        self != Mechanism::Login
    }

    /// The answer to a challenge after the initial response: for the OAuth2 mechanisms the
    /// server's error report, which the client acknowledges so the server can say NO
    /// (RFC 7628 §3.2.3: a single ^A; XOAUTH2: an empty response).
    pub fn after_challenge(self) -> Vec<u8> {
        match self {
            Mechanism::OAuthBearer => b"\x01".to_vec(),
            Mechanism::Plain | Mechanism::Login | Mechanism::XOAuth2 => Vec::new(),
        }
    }
}

pub fn base64_encode(input: &[u8]) -> String {
    super::base64(
        input,
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        true,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_responses() {
        assert_eq!(
            Mechanism::Plain.responses("u", "p", "h", 1),
            [b"\0u\0p".to_vec()]
        );
        assert_eq!(
            Mechanism::Login.responses("u", "p", "h", 1),
            [b"u".to_vec(), b"p".to_vec()]
        );
        assert_eq!(
            Mechanism::XOAuth2.responses("a@b", "tok", "h", 1),
            [b"user=a@b\x01auth=Bearer tok\x01\x01".to_vec()]
        );
        assert_eq!(
            Mechanism::OAuthBearer.responses("a,b=c", "tok", "imap.x", 993),
            [b"n,a=a=2Cb=3Dc,\x01host=imap.x\x01port=993\x01auth=Bearer tok\x01\x01".to_vec()]
        );
        assert_eq!(base64_encode(b"\x01"), "AQ==");
    }
}
