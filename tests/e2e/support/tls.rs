//! A real HTTPS server on 127.0.0.1 for end-to-end tests, with a
//! certificate for a production-like name (e.g. `shop.example.test`) signed
//! by a throwaway CA made here with rcgen. Tests trust the CA through its
//! PEM file, and read which TLS SNI and Host header each request carried.
//! Requests are answered by a closure, as in [`super::server`]; the server
//! stops when dropped, and by itself after `server::LIFETIME` in any case.
//!
//! ```ignore
//! let tls = TlsServer::start("shop.example.test", 30, |_| Reply::text(200, "OK"));
//! let ca = tls.write_ca(dir.path());      // PEM file to pass as the CA file
//! tls.seen()[0].sni                        // Some("shop.example.test")
//! ```

use std::io::BufReader;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

use super::server::{Handler, Reply, Request, listen, read_request, respond};

/// What the server saw of one request.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The TLS server name the client sent (none when it connected by IP).
    pub sni: Option<String>,
    pub request: Request,
}

pub struct TlsServer {
    addr: SocketAddr,
    ca_pem: String,
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl TlsServer {
    /// Serves HTTPS for `name` with a certificate valid for `days` more days.
    pub fn start(
        name: &str,
        days: u64,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> TlsServer {
        let days = i64::try_from(days).expect("days");
        Self::with_validity(name, -1, days, handler)
    }

    /// Serves HTTPS for `name` with a certificate that expired yesterday
    /// (signed by its own CA, which `write_ca` gives).
    pub fn expired(
        name: &str,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> TlsServer {
        Self::with_validity(name, -30, -1, handler)
    }

    /// A certificate valid from `from` days from now to `to` days from now.
    fn with_validity(
        name: &str,
        from: i64,
        to: i64,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> TlsServer {
        let (ca_pem, chain, key) = certificate(name, from, to);
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server certificate");
        let config = Arc::new(config);
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (stop2, seen2) = (stop.clone(), seen.clone());
        let addr = listen(&stop, move |tcp| {
            serve(tcp, config.clone(), &handler, &seen2, &stop2)
        });
        TlsServer {
            addr,
            ca_pem,
            stop,
            seen,
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `https://127.0.0.1:PORT/path`: the server by address, not by name.
    pub fn ip_url(&self, path: &str) -> String {
        format!("https://{}{}", self.addr, path)
    }

    /// `https://NAME:PORT/path`: the name, which only `resolve` can reach.
    pub fn name_url(&self, name: &str, path: &str) -> String {
        format!("https://{name}:{}{path}", self.addr.port())
    }

    /// Writes the CA certificate as PEM in `dir` and returns its path.
    /// Writes the CA to a file of its own in `dir` (named by the server's
    /// port: tests running side by side in one directory must not rewrite
    /// each other's CA while greenlight reads it).
    pub fn write_ca(&self, dir: &Path) -> PathBuf {
        let path = dir.join(format!("ca-{}.pem", self.addr.port()));
        std::fs::write(&path, &self.ca_pem).expect("write CA file");
        path
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// PEM files' text for a fresh CA and a leaf it signed for `names` (DNS
/// names or IP addresses), valid for server and client auth for 30 days:
/// (CA certificate, leaf certificate, leaf key).
pub fn ca_and_leaf(names: &[&str]) -> (String, String, String) {
    let now = rcgen::date_time_ymd(1970, 1, 1)
        + SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock after 1970");
    let day = Duration::from_secs(86_400);
    let (ca, ca_key, ca_cert) = make_ca();
    let issuer = Issuer::new(ca, ca_key);
    let mut leaf = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
        .expect("leaf params");
    leaf.distinguished_name.push(DnType::CommonName, names[0]);
    leaf.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    leaf.not_before = now - day;
    leaf.not_after = now + day * 30;
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf_cert = leaf
        .signed_by(&leaf_key, &issuer)
        .expect("leaf certificate");
    (ca_cert.pem(), leaf_cert.pem(), leaf_key.serialize_pem())
}

/// A test CA valid from 60 days ago to a year from now.
fn make_ca() -> (CertificateParams, KeyPair, rcgen::Certificate) {
    let now = rcgen::date_time_ymd(1970, 1, 1)
        + SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock after 1970");
    let day = Duration::from_secs(86_400);
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "greenlight test CA");
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca.not_before = now - day * 60;
    ca.not_after = now + day * 365;
    let ca_key = KeyPair::generate().expect("CA key");
    let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
    (ca, ca_key, ca_cert)
}

/// A CA, and a leaf for `name` valid from `from` to `to` days from now.
fn certificate(
    name: &str,
    from: i64,
    to: i64,
) -> (String, Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let now = rcgen::date_time_ymd(1970, 1, 1)
        + SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock after 1970");
    let day = Duration::from_secs(86_400);

    let (ca, ca_key, ca_cert) = make_ca();
    let issuer = Issuer::new(ca, ca_key);

    let mut leaf = CertificateParams::new(vec![name.to_string()]).expect("leaf params");
    leaf.distinguished_name.push(DnType::CommonName, name);
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let shift = |days: i64| {
        let d = day * u32::try_from(days.unsigned_abs()).expect("days");
        if days < 0 { now - d } else { now + d }
    };
    leaf.not_before = shift(from);
    leaf.not_after = shift(to);
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf_cert = leaf
        .signed_by(&leaf_key, &issuer)
        .expect("leaf certificate");

    let chain = vec![leaf_cert.der().clone(), ca_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    (ca_cert.pem(), chain, key)
}

fn serve(
    tcp: TcpStream,
    config: Arc<ServerConfig>,
    handler: &Handler,
    seen: &Mutex<Vec<Seen>>,
    stop: &AtomicBool,
) {
    let _ = tcp.set_nonblocking(false);
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(conn) = ServerConnection::new(config) else {
        return;
    };
    let mut reader = BufReader::new(StreamOwned::new(conn, tcp));
    while let Some(request) = read_request(&mut reader) {
        let sni = reader.get_ref().conn.server_name().map(str::to_string);
        if let Ok(mut s) = seen.lock() {
            s.push(Seen {
                sni,
                request: request.clone(),
            });
        }
        if !respond(reader.get_mut(), &handler(&request), stop) {
            return;
        }
    }
}
