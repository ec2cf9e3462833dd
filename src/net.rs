//! TCP and TLS connections with a deadline on every operation.

use std::fmt::Debug;
use std::future::Future;
use std::path::Path;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_native_tls::native_tls;

use crate::error::{Error, Result};

/// One stream type for plain and TLS connections.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> Io for T {}
pub type Stream = Box<dyn Io>;

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub timeout: Duration,
    /// For messages: "home (imap.example.com:993)".
    pub label: String,
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

pub async fn connect_tcp(ep: &Endpoint) -> Result<TcpStream> {
    let addr = (ep.host.as_str(), ep.port);
    let stream = with_timeout(ep, "connect", async {
        TcpStream::connect(addr)
            .await
            .map_err(|e| Error::network(format!("{}: cannot connect", ep.label), e))
    })
    .await?;
    // Small commands (POP3 pipelining, IMAP tags) must not wait for Nagle.
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

pub fn tls_connector(ca_file: Option<&Path>) -> Result<tokio_native_tls::TlsConnector> {
    let mut builder = native_tls::TlsConnector::builder();
    builder.min_protocol_version(Some(native_tls::Protocol::Tlsv12));
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let cert = native_tls::Certificate::from_pem(&pem).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            line: 0,
            message: format!("ca_file is not a PEM certificate: {e}"),
            hint: "point ca_file at the server's CA certificate in PEM format".into(),
        })?;
        builder.add_root_certificate(cert);
    }
    let connector = builder.build().map_err(|e| Error::Tls {
        context: "TLS setup".into(),
        detail: e.to_string(),
    })?;
    Ok(tokio_native_tls::TlsConnector::from(connector))
}

pub async fn start_tls<S>(
    ep: &Endpoint,
    connector: &tokio_native_tls::TlsConnector,
    stream: S,
) -> Result<tokio_native_tls::TlsStream<S>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    with_timeout(ep, "TLS handshake", async {
        connector
            .connect(&ep.host, stream)
            .await
            .map_err(|e| Error::Tls {
                context: ep.label.clone(),
                detail: describe_tls_error(&e),
            })
    })
    .await
}

fn describe_tls_error(e: &native_tls::Error) -> String {
    let text = e.to_string();
    if text.contains("certificate verify failed") || text.contains("self-signed") {
        format!("server certificate not trusted ({text})")
    } else {
        text
    }
}
