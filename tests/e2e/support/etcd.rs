//! A real 3-member etcd cluster on 127.0.0.1 (Debian's `etcd-server`):
//! free ports, data in a temp dir, each member started under `timeout`
//! and stopped by its PID when the cluster is dropped. Members can be
//! stopped and started again to test fail-over and loss of quorum.
//! Optionally with TLS on the client port (a CA made here with rcgen) and
//! with auth (a `root` user, and a `deployer` user whose role may read and
//! write under `/greenlight/`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Each member stops by itself after this long whatever happens.
const LIFETIME_SECS: u32 = 600;

/// The password of the `deployer` user when auth is on.
pub const PASSWORD: &str = "s3cr3t-etcd-pw-7731";

pub struct Options {
    pub tls: bool,
    pub auth: bool,
}

pub struct Cluster {
    dir: tempfile::TempDir,
    clients: Vec<u16>,
    peers: Vec<u16>,
    members: Vec<Option<Child>>,
    token: String,
    tls: bool,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Fails (never skips) when etcd is missing.
fn need_etcd() {
    for (tool, arg) in [("etcd", "--version"), ("etcdctl", "version")] {
        let found = Command::new(tool)
            .arg(arg)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            found,
            "`{tool}` is not installed: run ./scripts/test, which installs Debian's etcd-server and etcd-client packages"
        );
    }
}

impl Cluster {
    pub fn start() -> Cluster {
        Self::with(Options {
            tls: false,
            auth: false,
        })
    }

    pub fn with(options: Options) -> Cluster {
        need_etcd();
        let dir = tempfile::tempdir().expect("temp dir");
        let clients: Vec<u16> = (0..3).map(|_| free_port()).collect();
        let peers: Vec<u16> = (0..3).map(|_| free_port()).collect();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let mut c = Cluster {
            dir,
            clients,
            peers,
            members: vec![None, None, None],
            token: format!("greenlight-{nanos}"),
            tls: options.tls,
        };
        if options.tls {
            c.make_certificates();
        }
        for i in 0..3 {
            c.start_member(i);
        }
        c.wait_healthy(&[0, 1, 2]);
        if options.auth {
            c.enable_auth();
        }
        c
    }

    fn scheme(&self) -> &'static str {
        if self.tls { "https" } else { "http" }
    }

    /// The client URL of member `i`.
    pub fn endpoint(&self, i: usize) -> String {
        format!("{}://127.0.0.1:{}", self.scheme(), self.clients[i])
    }

    /// Every client URL, comma-separated (for `--etcd-endpoints`).
    pub fn endpoints(&self) -> String {
        (0..3)
            .map(|i| self.endpoint(i))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The CA's PEM file (TLS clusters).
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    fn start_member(&mut self, i: usize) {
        let cluster: Vec<String> = (0..3)
            .map(|j| format!("m{j}=http://127.0.0.1:{}", self.peers[j]))
            .collect();
        let mut cmd = Command::new("timeout");
        cmd.arg(LIFETIME_SECS.to_string())
            .arg("etcd")
            .arg(format!("--name=m{i}"))
            .arg(format!(
                "--data-dir={}",
                self.dir.path().join(format!("m{i}")).display()
            ))
            .arg(format!("--listen-client-urls={}", self.endpoint(i)))
            .arg(format!("--advertise-client-urls={}", self.endpoint(i)))
            .arg(format!(
                "--listen-peer-urls=http://127.0.0.1:{}",
                self.peers[i]
            ))
            .arg(format!(
                "--initial-advertise-peer-urls=http://127.0.0.1:{}",
                self.peers[i]
            ))
            .arg(format!("--initial-cluster={}", cluster.join(",")))
            .arg("--initial-cluster-state=new")
            .arg(format!("--initial-cluster-token={}", self.token))
            .arg("--heartbeat-interval=50")
            .arg("--election-timeout=500")
            .arg("--log-level=error")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if self.tls {
            let d = self.dir.path();
            cmd.arg(format!("--cert-file={}", d.join("server.pem").display()))
                .arg(format!("--key-file={}", d.join("server-key.pem").display()));
        }
        self.members[i] = Some(cmd.spawn().expect("start etcd"));
    }

    /// Stops member `i` (SIGTERM to its PID, which `timeout` passes on).
    pub fn stop(&mut self, i: usize) {
        if let Some(mut child) = self.members[i].take() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(child.id().to_string())
                .status();
            let _ = child.wait();
        }
    }

    /// Starts member `i` again, on its data, and waits until the cluster
    /// answers through it.
    pub fn restart(&mut self, i: usize) {
        self.start_member(i);
        self.wait_healthy(&[i]);
    }

    fn etcdctl(&self, endpoint: &str, args: &[&str]) -> std::process::Output {
        let mut cmd = Command::new("etcdctl");
        cmd.env("ETCDCTL_API", "3")
            .arg(format!("--endpoints={endpoint}"))
            .arg("--dial-timeout=2s")
            .arg("--command-timeout=5s");
        if self.tls {
            cmd.arg(format!("--cacert={}", self.ca_file().display()));
        }
        cmd.args(args).output().expect("run etcdctl")
    }

    /// Waits until each of `members` answers a read (quorum included).
    pub fn wait_healthy(&self, members: &[usize]) {
        let started = Instant::now();
        for &i in members {
            loop {
                let out = self.etcdctl(&self.endpoint(i), &["endpoint", "health"]);
                if out.status.success() {
                    break;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(30),
                    "etcd member {i} did not become healthy: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    fn enable_auth(&self) {
        let e = self.endpoint(0);
        let run = |args: &[&str]| {
            let out = self.etcdctl(&e, args);
            assert!(
                out.status.success(),
                "etcdctl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(&["user", "add", "root:root-pw-1", "--interactive=false"]);
        run(&[
            "user",
            "add",
            &format!("deployer:{PASSWORD}"),
            "--interactive=false",
        ]);
        run(&["role", "add", "deploy"]);
        run(&[
            "role",
            "grant-permission",
            "deploy",
            "--prefix=true",
            "readwrite",
            "/greenlight/",
        ]);
        run(&["user", "grant-role", "deployer", "deploy"]);
        run(&["auth", "enable"]);
    }

    /// A CA, and a server certificate for 127.0.0.1 and localhost.
    fn make_certificates(&self) {
        let (ca, cert, key) = super::tls::ca_and_leaf(&["127.0.0.1", "localhost"]);
        let d = self.dir.path();
        write(&d.join("ca.pem"), &ca);
        write(&d.join("server.pem"), &cert);
        write(&d.join("server-key.pem"), &key);
    }
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write certificate");
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for i in 0..3 {
            self.stop(i);
        }
    }
}
