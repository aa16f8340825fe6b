//! A real Prometheus (Debian's `prometheus` package) for end-to-end tests,
//! loaded with fixture data through `promtool tsdb create-blocks-from
//! openmetrics`. It listens on 127.0.0.1 on a free port, is killed when
//! dropped, and runs under `timeout` so it stops by itself even if the test
//! process dies.
//!
//! A missing `prometheus`/`promtool` fails the test (never a silent skip):
//! `scripts/test` installs them.

use std::fmt::Write as _;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const LIFETIME_SECS: u32 = 300;

pub struct Prometheus {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

/// OpenMetrics text from `(metric{labels}, [(unix_seconds, value)])` rows.
pub fn openmetrics(series: &[(&str, Vec<(i64, f64)>)]) -> String {
    let mut names: Vec<&str> = series
        .iter()
        .map(|(s, _)| s.split('{').next().unwrap_or(s))
        .collect();
    names.dedup();
    let mut out = String::new();
    for name in names {
        writeln!(out, "# TYPE {name} gauge").unwrap();
        for (s, points) in series
            .iter()
            .filter(|(s, _)| s.split('{').next() == Some(name))
        {
            for (t, v) in points {
                let v = if v.is_nan() {
                    "NaN".to_string()
                } else {
                    v.to_string()
                };
                writeln!(out, "{s} {v} {t}").unwrap();
            }
        }
    }
    out.push_str("# EOF\n");
    out
}

impl Prometheus {
    /// Starts Prometheus over the given OpenMetrics fixture.
    pub fn start(fixture: &str) -> Prometheus {
        Self::start_for(fixture, LIFETIME_SECS)
    }

    /// Starts Prometheus over `fixture`, stopping by itself after
    /// `lifetime_secs` at the latest.
    pub fn start_for(fixture: &str, lifetime_secs: u32) -> Prometheus {
        for tool in ["prometheus", "promtool"] {
            let found = Command::new(tool)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success());
            assert!(
                found,
                "`{tool}` is not installed: run ./scripts/test, which installs Debian's prometheus package"
            );
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let om = dir.path().join("fixture.om");
        std::fs::write(&om, fixture).expect("write fixture");
        let out = Command::new("promtool")
            .args(["tsdb", "create-blocks-from", "openmetrics"])
            .arg(&om)
            .arg(&data)
            .output()
            .expect("run promtool");
        assert!(
            out.status.success(),
            "promtool failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let config = dir.path().join("prometheus.yml");
        std::fs::write(&config, "global:\n  scrape_interval: 1h\n").expect("write config");
        let port = free_port();
        let child = Command::new("timeout")
            .arg(lifetime_secs.to_string())
            .arg("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--storage.tsdb.retention.time=100y")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start prometheus");
        let prom = Prometheus {
            child,
            port,
            _dir: dir,
        };
        prom.wait_ready();
        prom
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_ready(&self) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_secs(1)))
                .build()
                .into();
            if agent.get(format!("{}/-/ready", self.url())).call().is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "prometheus did not become ready on {} within 30s",
            self.url()
        );
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        // SIGTERM, which `timeout` forwards to prometheus (a SIGKILL from
        // `Child::kill` would leave prometheus running).
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}
