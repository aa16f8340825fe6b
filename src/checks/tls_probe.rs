//! Reads a server's TLS certificate to tell how many days it has left.
//!
//! ureq does not expose the peer certificate, so for checks that assert
//! `tls_days_left` we make one more TLS handshake of our own (rustls over a
//! `TcpStream`, same address, same SNI) and read the leaf certificate's
//! `notAfter` with x509-parser. This handshake does not verify the chain:
//! that is the main request's job, which fails the check on a bad
//! certificate; here we only read a date. Every socket operation is bounded
//! by the time left.
//!
//! ```text
//! shop.example.com: certificate expires 2026-08-01T00:00:00Z, 87 days left
//! ```

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};

/// What the probe learnt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    pub not_after: DateTime<Utc>,
}

impl CertInfo {
    /// Whole days from `now` until expiry; negative once expired.
    pub fn days_left(&self, now: DateTime<Utc>) -> i64 {
        (self.not_after - now).num_seconds().div_euclid(86_400)
    }
}

/// Handshakes with `connect` (host, port) presenting `server_name` as SNI,
/// within `budget`, and returns the leaf certificate's expiry.
pub fn probe(
    connect: (&str, u16),
    server_name: &str,
    budget: Duration,
) -> Result<CertInfo, String> {
    // An absurd budget is capped rather than overflowing the clock.
    let budget = budget.min(Duration::from_secs(86_400));
    let until = Instant::now() + budget;
    let addrs: Vec<SocketAddr> = (connect.0, connect.1)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {}: {e}", connect.0))?
        .collect();
    let addr = addrs
        .first()
        .ok_or_else(|| format!("no address for {}", connect.0))?;
    let mut stream = TcpStream::connect_timeout(addr, left(until)?)
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(ReadOnly(
            provider.signature_verification_algorithms,
        )))
        .with_no_client_auth();
    let name = ServerName::try_from(server_name.to_string())
        .map_err(|_| format!("`{server_name}` is not a valid TLS server name"))?;
    let mut conn = ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
    while conn.is_handshaking() {
        let timeout = left(until)?;
        stream
            .set_read_timeout(Some(timeout))
            .map_err(|e| e.to_string())?;
        stream
            .set_write_timeout(Some(timeout))
            .map_err(|e| e.to_string())?;
        if conn.wants_write() {
            conn.write_tls(&mut stream)
                .map_err(|e| io_error("send", e))?;
        } else if conn.wants_read() {
            if conn
                .read_tls(&mut stream)
                .map_err(|e| io_error("receive", e))?
                == 0
            {
                return Err("the server closed the connection during the TLS handshake".into());
            }
            conn.process_new_packets()
                .map_err(|e| format!("TLS handshake failed: {e}"))?;
        }
    }
    let leaf = conn
        .peer_certificates()
        .and_then(|certs| certs.first())
        .ok_or("the server sent no certificate")?;
    not_after(leaf.as_ref())
}

fn left(until: Instant) -> Result<Duration, String> {
    let left = until.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err("timed out reading the certificate".into())
    } else {
        Ok(left)
    }
}

fn io_error(what: &str, e: std::io::Error) -> String {
    match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => "timed out reading the certificate".into(),
        _ => format!("cannot {what} during the TLS handshake: {e}"),
    }
}

/// The `notAfter` of a DER certificate.
pub fn not_after(der: &[u8]) -> Result<CertInfo, String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| format!("cannot read the certificate: {e}"))?;
    let ts = cert.validity().not_after.timestamp();
    let not_after = DateTime::from_timestamp(ts, 0).ok_or("certificate expiry out of range")?;
    Ok(CertInfo { not_after })
}

/// Accepts any chain (see the module docs) but checks handshake signatures,
/// so the key exchange is still sound.
#[derive(Debug)]
struct ReadOnly(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for ReadOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_rounds_down_and_goes_negative() {
        let now: DateTime<Utc> = "2026-05-01T12:00:00Z".parse().unwrap();
        let info = |s: &str| CertInfo {
            not_after: s.parse().unwrap(),
        };
        assert_eq!(info("2026-05-31T11:59:59Z").days_left(now), 29);
        assert_eq!(info("2026-05-31T12:00:00Z").days_left(now), 30);
        assert_eq!(info("2026-05-01T00:00:00Z").days_left(now), -1);
    }

    #[test]
    fn garbage_is_not_a_certificate() {
        assert!(
            not_after(b"nope")
                .unwrap_err()
                .starts_with("cannot read the certificate")
        );
    }
}
