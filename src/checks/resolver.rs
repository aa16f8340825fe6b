//! Connecting to one new stack while speaking to it as production, like
//! curl's `--resolve host:port:addr` and `--connect-to`.
//!
//! The request keeps its URL (`https://shop.example.com/health`), so the
//! Host header, TLS SNI and certificate verification all use the production
//! name; only the TCP connection goes elsewhere. ureq asks its resolver for
//! the socket address of the URL's host; [`PinnedResolver`] answers with the
//! `resolve` target for that host and port, and resolves everything else
//! (a redirect to another host) as usual.
//!
//! ```yaml
//! resolve: 10.0.3.17          # same port as the URL
//! resolve: 10.0.3.17:8443     # another port
//! resolve: "[fd00::17]:8443"  # IPv6
//! resolve: new-stack-lb.internal
//! ```

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// Where to connect: a host (IP address or name) and maybe another port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTo {
    pub host: String,
    pub port: Option<u16>,
}

impl ConnectTo {
    pub fn parse(text: &str) -> Result<ConnectTo, String> {
        let t = text.trim();
        let bad = |why: &str| {
            format!(
                "invalid address `{t}`: {why} (expected e.g. 10.0.3.17, 10.0.3.17:8443, [fd00::1]:443 or a host name)"
            )
        };
        if t.is_empty() {
            return Err(bad("empty"));
        }
        if t.parse::<IpAddr>().is_ok() {
            return Ok(ConnectTo {
                host: t.to_string(),
                port: None,
            });
        }
        if let Ok(addr) = t.parse::<SocketAddr>() {
            return Ok(ConnectTo {
                host: addr.ip().to_string(),
                port: Some(addr.port()),
            });
        }
        let (host, port) = match t.rsplit_once(':') {
            Some((host, port)) => {
                let port = port
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| bad("bad port"))?;
                (host, Some(port))
            }
            None => (t, None),
        };
        let name_ok = !host.is_empty()
            && host.split('.').all(|label| {
                !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !name_ok {
            return Err(bad("not an IP address or host name"));
        }
        Ok(ConnectTo {
            host: host.to_ascii_lowercase(),
            port,
        })
    }
}

impl fmt::Display for ConnectTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = match self.host.parse::<IpAddr>() {
            Ok(IpAddr::V6(_)) => format!("[{}]", self.host),
            _ => self.host.clone(),
        };
        match self.port {
            Some(port) => write!(f, "{host}:{port}"),
            None => f.write_str(&host),
        }
    }
}

/// Sends connections for one `host:port` to a [`ConnectTo`].
#[derive(Debug)]
pub struct PinnedResolver {
    host: String,
    port: u16,
    to: ConnectTo,
    fallback: DefaultResolver,
    pinned: Pinned,
}

/// The addresses the pin resolved to, for reports (`via 10.0.3.17:443`).
#[derive(Debug, Clone, Default)]
pub struct Pinned(Arc<Mutex<Vec<SocketAddr>>>);

impl Pinned {
    /// The first address the pinned host resolved to, if it was asked.
    pub fn address(&self) -> Option<String> {
        let addrs = self.0.lock().unwrap_or_else(|e| e.into_inner());
        addrs.first().map(ToString::to_string)
    }

    fn record(&self, addrs: &[SocketAddr]) {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        seen.clear();
        seen.extend_from_slice(addrs);
    }
}

impl PinnedResolver {
    /// Pins the URL's host and port (see [`host_port`]).
    pub fn new(host: &str, port: u16, to: ConnectTo) -> PinnedResolver {
        PinnedResolver {
            host: host.to_string(),
            port,
            to,
            fallback: DefaultResolver::default(),
            pinned: Pinned::default(),
        }
    }

    /// Where the pinned host was resolved to, once the agent has asked.
    pub fn pinned(&self) -> Pinned {
        self.pinned.clone()
    }
}

/// The bare host (no IPv6 brackets) and the port, default or not.
pub(crate) fn host_port(uri: &Uri) -> Option<(&str, u16)> {
    let authority = uri.authority()?;
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']');
    let port = authority.port_u16().or_else(|| match uri.scheme_str() {
        Some("https") => Some(443),
        Some("http") => Some(80),
        _ => None,
    })?;
    Some((host, port))
}

impl Resolver for PinnedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let pinned = host_port(uri)
            .is_some_and(|(host, port)| port == self.port && host.eq_ignore_ascii_case(&self.host));
        if !pinned {
            return self.fallback.resolve(uri, config, timeout);
        }
        let port = self.to.port.unwrap_or(self.port);
        if let Ok(ip) = self.to.host.parse::<IpAddr>() {
            let mut addrs = self.empty();
            addrs.push(SocketAddr::new(ip, port));
            self.pinned.record(&addrs);
            return Ok(addrs);
        }
        let target: Uri = format!("http://{}:{port}/", self.to.host)
            .parse()
            .map_err(|_| ureq::Error::BadUri(self.to.to_string()))?;
        let addrs = self.fallback.resolve(&target, config, timeout)?;
        self.pinned.record(&addrs);
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_addresses_and_names() {
        let c = |t: &str| ConnectTo::parse(t).unwrap();
        assert_eq!(
            c("10.0.3.17"),
            ConnectTo {
                host: "10.0.3.17".into(),
                port: None
            }
        );
        assert_eq!(c("10.0.3.17:8443").port, Some(8443));
        assert_eq!(
            c("[fd00::1]:443"),
            ConnectTo {
                host: "fd00::1".into(),
                port: Some(443)
            }
        );
        assert_eq!(c("fd00::1").port, None);
        assert_eq!(c("New-Stack.internal:8080").host, "new-stack.internal");
        assert_eq!(c("[fd00::1]:443").to_string(), "[fd00::1]:443");
    }

    #[test]
    fn refuses_garbage() {
        for bad in ["", "10.0.0.1:x", "a b", "host:0", "http://x", "a..b"] {
            assert!(ConnectTo::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pins_only_the_urls_host_and_port() {
        let r = PinnedResolver::new(
            "Shop.Example.test",
            443,
            ConnectTo::parse("127.0.0.1:9").unwrap(),
        );
        let timeout = NextTimeout::default();
        let config = Config::default();
        let addrs = r
            .resolve(
                &"https://shop.example.test:443/x".parse().unwrap(),
                &config,
                timeout,
            )
            .unwrap();
        assert_eq!(
            addrs.to_vec(),
            vec!["127.0.0.1:9".parse::<SocketAddr>().unwrap()]
        );
        let other = r
            .resolve(&"https://127.0.0.2:443/".parse().unwrap(), &config, timeout)
            .unwrap();
        assert_eq!(
            other.to_vec(),
            vec!["127.0.0.2:443".parse::<SocketAddr>().unwrap()]
        );
    }
}
