//! TCP and TLS connections with a deadline on every operation.

use std::fmt::Debug;
use std::future::Future;
use std::path::Path;
use std::time::Duration;

use openssl::ssl::{
    Ssl, SslContext, SslContextBuilder, SslFiletype, SslMethod, SslVerifyMode, SslVersion,
};
use openssl::x509::X509;
use openssl::x509::store::{X509Lookup, X509StoreBuilder};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::error::{Error, Result};

/// One stream type for plain and TLS connections.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> Io for T {}
pub type Stream = Box<dyn Io>;

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    /// Inactivity: the longest wait for the next bytes of an answer.
    pub timeout: Duration,
    /// For messages: "home (imap.example.com:993)".
    pub label: String,
    /// The largest message accepted (`max_message_size`), in bytes.
    pub max_message: u64,
}

/// The slowest transfer mailx waits out, in bytes per second (a 64 kbit/s line). With
/// `COMMAND_TIMEOUTS`, it sets how long a whole answer may take.
pub const MIN_RATE: u64 = 8 * 1024;
/// A command's answer may take this many inactivity timeouts, plus its expected size at
/// `MIN_RATE`.
pub const COMMAND_TIMEOUTS: u32 = 4;

/// When a whole answer must be complete. The inactivity timeout alone never ends a server
/// that keeps sending a little (a `* OK` line every few seconds, a body a byte at a time).
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    at: tokio::time::Instant,
    secs: u64,
}

impl Endpoint {
    /// The deadline of an answer expected to carry about `bytes`.
    pub fn deadline(&self, bytes: u64) -> Deadline {
        let allowed = self.timeout * COMMAND_TIMEOUTS + Duration::from_secs(bytes / MIN_RATE);
        Deadline {
            at: tokio::time::Instant::now() + allowed,
            secs: allowed.as_secs(),
        }
    }
}

/// `fut` (one read of an answer), bounded by the inactivity timeout and by `deadline`.
pub async fn within<T>(
    ep: &Endpoint,
    what: &str,
    deadline: Deadline,
    fut: impl Future<Output = Result<T>>,
) -> Result<T> {
    within_progress(ep, what, deadline, &|| 0, fut).await
}

/// `within` for a read that may take longer than the inactivity timeout as long as bytes
/// keep arriving (`received` counts them): one IMAP response carrying a large message
/// over a slow line.
pub async fn within_progress<T>(
    ep: &Endpoint,
    what: &str,
    deadline: Deadline,
    received: &dyn Fn() -> u64,
    fut: impl Future<Output = Result<T>>,
) -> Result<T> {
    tokio::pin!(fut);
    let mut seen = received();
    loop {
        let idle = tokio::time::Instant::now() + ep.timeout;
        match tokio::time::timeout_at(idle.min(deadline.at), &mut fut).await {
            Ok(r) => return r,
            Err(_) if deadline.at <= idle => {
                return Err(Error::Timeout {
                    context: ep.label.clone(),
                    detail: format!(
                        "the answer to {what} was still incomplete after {} s: the server sends too slowly",
                        deadline.secs
                    ),
                });
            }
            Err(_) if received() > seen => seen = received(),
            Err(_) => {
                return Err(Error::Timeout {
                    context: ep.label.clone(),
                    detail: format!("no answer to {what} within {} s", ep.timeout.as_secs()),
                });
            }
        }
    }
}

pub async fn with_timeout<T>(
    ep: &Endpoint,
    what: &str,
    fut: impl Future<Output = Result<T>>,
) -> Result<T> {
    match tokio::time::timeout(ep.timeout, fut).await {
        Ok(r) => r,
        Err(_) => Err(Error::Timeout {
            context: ep.label.clone(),
            detail: format!("no answer to {what} within {} s", ep.timeout.as_secs()),
        }),
    }
}

/// Hidden `--connect-to HOST:PORT:ADDR:PORT` rules (curl's option of that name): a
/// connection to HOST:PORT goes to ADDR:PORT, while TLS still checks HOST. Tests point
/// discovered server names (`imap.example.test:993`) at loopback servers with them.
static CONNECT_TO: std::sync::OnceLock<Vec<ConnectTo>> = std::sync::OnceLock::new();

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTo {
    from: (String, u16),
    to: (String, u16),
}

impl std::str::FromStr for ConnectTo {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let parts: Vec<&str> = s.split(':').collect();
        let port = |p: &str| p.parse::<u16>().map_err(|_| format!("bad port {p:?}"));
        match parts.as_slice() {
            [h, p, a, q] => Ok(ConnectTo {
                from: (h.to_ascii_lowercase(), port(p)?),
                to: (a.to_string(), port(q)?),
            }),
            _ => Err("expected HOST:PORT:ADDR:PORT".into()),
        }
    }
}

pub fn set_connect_to(rules: Vec<ConnectTo>) {
    let _ = CONNECT_TO.set(rules);
}

/// Where a connection to `host`:`port` really goes. With `--connect-to` rules, a name
/// they do not map does not resolve (an address literal is taken as it is).
pub fn route(host: &str, port: u16) -> std::io::Result<(String, u16)> {
    let Some(rules) = CONNECT_TO.get() else {
        return Ok((host.to_string(), port));
    };
    if let Some(r) = rules
        .iter()
        .find(|r| r.from.0 == host.to_ascii_lowercase() && r.from.1 == port)
    {
        return Ok(r.to.clone());
    }
    if host.parse::<std::net::IpAddr>().is_ok() {
        return Ok((host.to_string(), port));
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::NotFound,
        "name not in --connect-to",
    ))
}

/// The addresses `ep` names; an error here is a DNS failure.
pub async fn resolve(ep: &Endpoint) -> Result<Vec<std::net::SocketAddr>> {
    let unresolved = |e| Error::network(format!("{}: cannot resolve {}", ep.label, ep.host), e);
    let (host, port) = route(&ep.host, ep.port).map_err(unresolved)?;
    let found = with_timeout(ep, "DNS lookup", async {
        tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|e| Error::network(format!("{}: cannot resolve {host}", ep.label), e))
    })
    .await?;
    let addrs: Vec<_> = found.collect();
    if addrs.is_empty() {
        return Err(Error::network(
            format!("{}: cannot resolve {host}", ep.label),
            std::io::Error::new(std::io::ErrorKind::NotFound, "no address"),
        ));
    }
    Ok(addrs)
}

pub async fn connect_tcp(ep: &Endpoint) -> Result<TcpStream> {
    let (host, port) = route(&ep.host, ep.port)
        .map_err(|e| Error::network(format!("{}: cannot resolve {}", ep.label, ep.host), e))?;
    let addr = (host.as_str(), port);
    let stream = with_timeout(ep, "connect", async {
        TcpStream::connect(addr)
            .await
            .map_err(|e| Error::network(format!("{}: cannot connect", ep.label), e))
    })
    .await?;
    // Small commands (POP3 pipelining, IMAP tags) must not wait for Nagle.
    let _ = stream.set_nodelay(true);
    // An IDLE connection is silent for up to 25 minutes: keepalive probes find a peer
    // that vanished (NAT timeout, suspended laptop) instead of waiting forever.
    let keepalive = socket2::TcpKeepalive::new()
        .with_time(Duration::from_secs(60))
        .with_interval(Duration::from_secs(15))
        .with_retries(4);
    if let Err(e) = socket2::SockRef::from(&stream).set_tcp_keepalive(&keepalive) {
        tracing::debug!("TCP keepalive not set: {e}");
    }
    Ok(stream)
}

/// TLS client settings: TLS 1.2 or newer, the peer's certificate always verified against
/// the system trust store plus `ca_file`, and its name (or IP address) checked.
#[derive(Clone)]
pub struct TlsConnector {
    ctx: SslContext,
}

/// Builds the TLS settings. System roots come from the hashed certificate directory when
/// there is one, which OpenSSL reads lazily (the one issuer a handshake needs); loading
/// the whole bundle costs ~40 ms per process, and native-tls loaded it twice.
pub fn tls_connector(ca_file: Option<&Path>) -> Result<TlsConnector> {
    let setup = |e: openssl::error::ErrorStack| Error::Tls {
        context: "TLS setup".into(),
        detail: e.to_string(),
    };
    let mut ctx = SslContextBuilder::new(SslMethod::tls_client()).map_err(setup)?;
    ctx.set_min_proto_version(Some(SslVersion::TLS1_2))
        .map_err(setup)?;
    ctx.set_verify(SslVerifyMode::PEER);
    // Read whole socket buffers, not a record header and then its body: Dovecot 2.3
    // sends ~4 KB records, and without read-ahead a 233 MB download took 117,604
    // recvfrom(2) calls (strace -c, 2026-11-29).
    ctx.set_read_ahead(true);
    let mut store = X509StoreBuilder::new().map_err(setup)?;
    let probe = openssl_probe::probe();
    let dirs: Vec<&Path> = probe
        .cert_dir
        .iter()
        .map(|d| d.as_path())
        .filter(|d| d.is_dir())
        .collect();
    if dirs.is_empty() {
        if let Some(file) = &probe.cert_file {
            let lookup = store.add_lookup(X509Lookup::file()).map_err(setup)?;
            if let Err(e) = lookup.load_cert_file(file, SslFiletype::PEM) {
                tracing::debug!("system certificates {}: {e}", file.display());
            }
        }
    } else {
        let lookup = store.add_lookup(X509Lookup::hash_dir()).map_err(setup)?;
        for dir in dirs {
            if let Some(d) = dir.to_str() {
                lookup.add_dir(d, SslFiletype::PEM).map_err(setup)?;
            }
        }
    }
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let certs = X509::stack_from_pem(&pem).ok().filter(|c| !c.is_empty());
        let certs = certs.ok_or_else(|| Error::Config {
            path: path.to_path_buf(),
            line: 0,
            message: "ca_file is not a PEM certificate".into(),
            hint: "point ca_file at the server's CA certificate in PEM format".into(),
        })?;
        for cert in certs {
            store.add_cert(cert).map_err(setup)?;
        }
    }
    ctx.set_cert_store(store.build());
    Ok(TlsConnector { ctx: ctx.build() })
}

pub async fn start_tls<S>(
    ep: &Endpoint,
    connector: &TlsConnector,
    stream: S,
) -> Result<tokio_openssl::SslStream<S>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let fail = |detail: String| Error::Tls {
        context: ep.label.clone(),
        detail,
    };
    let mut ssl = Ssl::new(&connector.ctx).map_err(|e| fail(e.to_string()))?;
    // Check the name the user configured: an IP address against the certificate's IP
    // entries, a host name (also sent as SNI) against its DNS names.
    match ep.host.parse::<std::net::IpAddr>() {
        Ok(ip) => ssl.param_mut().set_ip(ip),
        Err(_) => {
            ssl.set_hostname(&ep.host)
                .map_err(|e| fail(e.to_string()))?;
            ssl.param_mut().set_host(&ep.host)
        }
    }
    .map_err(|e| fail(e.to_string()))?;
    let mut tls = tokio_openssl::SslStream::new(ssl, stream).map_err(|e| fail(e.to_string()))?;
    with_timeout(ep, "TLS handshake", async {
        std::pin::Pin::new(&mut tls)
            .connect()
            .await
            .map_err(|e| fail(describe_tls_error(&e, tls.ssl().verify_result())))
    })
    .await?;
    Ok(tls)
}

fn describe_tls_error(e: &openssl::ssl::Error, verify: openssl::x509::X509VerifyResult) -> String {
    if verify != openssl::x509::X509VerifyResult::OK {
        return format!("server certificate not trusted ({})", verify.error_string());
    }
    match e.ssl_error() {
        Some(stack) => stack.to_string(),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(timeout_ms: u64) -> Endpoint {
        Endpoint {
            host: "127.0.0.1".into(),
            port: 1,
            timeout: Duration::from_millis(timeout_ms),
            label: "t".into(),
            max_message: 1 << 20,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_read_that_progresses_outlives_the_inactivity_timeout_but_not_the_deadline() {
        let ep = endpoint(1000);
        let bytes = std::sync::atomic::AtomicU64::new(0);
        // Each look finds more bytes: a slow but moving transfer.
        let received = || bytes.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let slow = tokio::time::sleep(Duration::from_millis(3500));
        let r = within_progress(&ep, "x", ep.deadline(0), &received, async {
            slow.await;
            Ok(())
        })
        .await;
        assert!(r.is_ok(), "{r:?}");
        let endless = std::future::pending::<Result<()>>();
        let e = within_progress(&ep, "x", ep.deadline(0), &received, endless)
            .await
            .unwrap_err();
        assert!(format!("{e:?}").contains("too slowly"), "{e:?}");
        // No progress: the inactivity timeout.
        let e = within(
            &ep,
            "x",
            ep.deadline(0),
            std::future::pending::<Result<()>>(),
        )
        .await
        .unwrap_err();
        assert!(format!("{e:?}").contains("no answer"), "{e:?}");
    }
}
