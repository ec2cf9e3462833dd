//! Mozilla autoconfig (the ISPDB "clientConfig" format, config-v1.1.xml): the incoming
//! servers a provider publishes for its domain.

use super::Server;
use crate::config::{Protocol, TlsMode};

/// One `<incomingServer>` the document lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    pub server: Server,
    /// The login name, placeholders filled in.
    pub user: Option<String>,
    /// `<authentication>` values, e.g. "password-cleartext", "OAuth2".
    pub authentication: Vec<String>,
}

/// The URLs tried for `email`, in order: `autoconfig.<domain>` and the domain's
/// `.well-known`; `base` replaces both hosts (tests serve the document on loopback).
pub fn urls(email: &str, base: Option<&str>) -> Vec<String> {
    let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or(email);
    let query = format!("?emailaddress={}", crate::http::percent_encode(email));
    let bases = match base {
        Some(b) => vec![b.trim_end_matches('/').to_string(); 2],
        None => vec![
            format!("https://autoconfig.{domain}"),
            format!("https://{domain}"),
        ],
    };
    vec![
        format!("{}/mail/config-v1.1.xml{query}", bases[0]),
        format!(
            "{}/.well-known/autoconfig/mail/config-v1.1.xml{query}",
            bases[1]
        ),
    ]
}

/// The IMAP and POP3 servers of a document, in its order; anything it cannot use (other
/// protocols, missing host or port, placeholders in the host) is left out.
pub fn parse(xml: &str, email: &str) -> Result<Vec<Incoming>, String> {
    let doc = roxmltree::Document::parse_with_options(
        xml,
        roxmltree::ParsingOptions {
            allow_dtd: false,
            nodes_limit: 10_000,
            ..Default::default()
        },
    )
    .map_err(|e| format!("not an autoconfig document: {e}"))?;
    let (local, domain) = email.rsplit_once('@').unwrap_or((email, ""));
    let fill = |s: &str| {
        s.replace("%EMAILADDRESS%", email)
            .replace("%EMAILLOCALPART%", local)
            .replace("%EMAILDOMAIN%", domain)
    };
    let text = |node: roxmltree::Node, tag: &str| -> Vec<String> {
        node.children()
            .filter(|c| c.has_tag_name(tag))
            .filter_map(|c| c.text())
            .map(|t| t.trim().to_string())
            .collect()
    };
    let mut out = Vec::new();
    for node in doc
        .descendants()
        .filter(|n| n.has_tag_name("incomingServer"))
    {
        let protocol = match node.attribute("type") {
            Some("imap") => Protocol::Imap,
            Some("pop3") => Protocol::Pop3,
            _ => continue,
        };
        let Some(host) = text(node, "hostname").into_iter().next().map(|h| fill(&h)) else {
            continue;
        };
        if host.is_empty() || host.contains(['%', '/', ' ', '@']) {
            continue;
        }
        let Some(port) = text(node, "port").first().and_then(|p| p.parse().ok()) else {
            continue;
        };
        let tls = match text(node, "socketType").first().map(String::as_str) {
            Some("SSL") => TlsMode::Implicit,
            // "plain" is tried with STARTTLS: mailx offers no unencrypted login by itself.
            _ => TlsMode::Starttls,
        };
        out.push(Incoming {
            server: Server {
                protocol,
                host,
                port,
                tls,
            },
            user: text(node, "username").first().map(|u| fill(u)),
            authentication: text(node, "authentication"),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.org">
    <domain>example.org</domain>
    <incomingServer type="imap">
      <hostname>imap.example.org</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>pop.%EMAILDOMAIN%</hostname>
      <port>110</port>
      <socketType>STARTTLS</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>OAuth2</authentication>
    </incomingServer>
    <incomingServer type="exchange"><hostname>x</hostname><port>443</port></incomingServer>
    <incomingServer type="imap"><hostname>%NOPE%</hostname><port>1</port></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.example.org</hostname><port>587</port></outgoingServer>
  </emailProvider>
</clientConfig>"#;

    #[test]
    fn a_document_gives_its_imap_and_pop3_servers() {
        let got = parse(DOC, "ann@example.org").unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].server.describe(), "IMAP imap.example.org:993 (TLS)");
        assert_eq!(got[0].user.as_deref(), Some("ann@example.org"));
        assert_eq!(
            got[1].server.describe(),
            "POP3 pop.example.org:110 (STARTTLS)"
        );
        assert_eq!(got[1].user.as_deref(), Some("ann"));
        assert_eq!(got[1].authentication, ["OAuth2"]);
        assert!(parse("<not xml", "a@b").is_err());
        let dtd = "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><clientConfig/>";
        assert!(parse(dtd, "a@b").is_err(), "no entity expansion");
    }

    #[test]
    fn urls_carry_the_address() {
        let u = urls("a+b@example.org", None);
        assert_eq!(
            u[0],
            "https://autoconfig.example.org/mail/config-v1.1.xml?emailaddress=a%2Bb%40example.org"
        );
        assert!(u[1].starts_with("https://example.org/.well-known/autoconfig/mail/"));
        let t = urls("a@b", Some("http://127.0.0.1:9/"));
        assert!(t[0].starts_with("http://127.0.0.1:9/mail/config-v1.1.xml?"));
    }
}
