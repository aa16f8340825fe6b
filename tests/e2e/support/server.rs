//! A real HTTP/1.1 server on 127.0.0.1 (a free port) for end-to-end tests.
//! Each connection is answered by a closure from the parsed request; replies
//! can be delayed, hang, or be raw bytes (garbage). Every request is recorded.
//! The server stops when dropped, and by itself after `LIFETIME` in any case,
//! so no test can leave it running.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const LIFETIME: Duration = Duration::from_secs(120);

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
    /// Raw bytes sent instead of a well-formed response.
    pub raw: Option<Vec<u8>>,
    /// Sends the headers, then one byte of body each this long, forever.
    pub drip: Option<Duration>,
    /// A body of this many bytes, streamed (not held in memory).
    pub huge: Option<usize>,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            raw: None,
            drip: None,
            huge: None,
        }
    }
    pub fn json(status: u16, body: &str) -> Self {
        Reply::status(status)
            .header("Content-Type", "application/json")
            .body(body)
    }
    pub fn text(status: u16, body: &str) -> Self {
        Reply::status(status)
            .header("Content-Type", "text/plain")
            .body(body)
    }
    pub fn raw(bytes: &[u8]) -> Self {
        Reply {
            raw: Some(bytes.to_vec()),
            ..Reply::status(200)
        }
    }
    /// Never answers (until the server stops).
    pub fn hang() -> Self {
        Reply::status(200).delay(LIFETIME)
    }
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    pub fn body(mut self, body: impl AsRef<[u8]>) -> Self {
        self.body = body.as_ref().to_vec();
        self
    }
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
    /// Headers at once, then a byte every `every`: a reader that waits
    /// for the body never finishes.
    pub fn drip(every: Duration) -> Self {
        Reply {
            drip: Some(every),
            ..Reply::status(200).header("Content-Type", "application/json")
        }
    }
    /// A body of `bytes` bytes of `x`.
    pub fn huge(bytes: usize) -> Self {
        Reply {
            huge: Some(bytes),
            ..Reply::status(200).header("Content-Type", "application/json")
        }
    }
}

pub type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    /// Starts a server answering every request with `handler`.
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (stop2, requests2) = (stop.clone(), requests.clone());
        let addr = listen(&stop, move |stream| {
            serve(stream, &handler, &requests2, &stop2)
        });
        Server {
            addr,
            stop,
            requests,
        }
    }

    /// Always the same reply.
    pub fn fixed(reply: Reply) -> Server {
        Server::start(move |_| reply.clone())
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Listens on 127.0.0.1 (a free port) and hands each connection to
/// `on_connection` on its own thread, until `stop` is set or `LIFETIME`
/// has passed. Shared by the plain and the TLS test servers.
pub fn listen(
    stop: &Arc<AtomicBool>,
    on_connection: impl Fn(TcpStream) + Send + Sync + 'static,
) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    listener.set_nonblocking(true).expect("nonblocking");
    let stop = stop.clone();
    let on_connection = Arc::new(on_connection);
    thread::spawn(move || {
        let started = Instant::now();
        while !stop.load(Ordering::SeqCst) && started.elapsed() < LIFETIME {
            match listener.accept() {
                Ok((stream, _)) => {
                    let on_connection = on_connection.clone();
                    thread::spawn(move || on_connection(stream));
                }
                Err(_) => thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    addr
}

/// A URL on which nothing listens: a port that was free a moment ago.
pub fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}/")
}

fn serve(stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Request>>, stop: &AtomicBool) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream);
    // Keep-alive: answer requests on this connection until it closes.
    while let Some(request) = read_request(&mut reader) {
        if let Ok(mut l) = log.lock() {
            l.push(request.clone());
        }
        if !respond(reader.get_mut(), &handler(&request), stop) {
            return;
        }
    }
}

/// Waits out the reply's delay (unless the server stops), then writes it.
/// False when the connection is done: stopped, broken, or a raw reply sent.
pub fn respond<W: Write>(out: &mut W, reply: &Reply, stop: &AtomicBool) -> bool {
    let until = Instant::now() + reply.delay;
    while Instant::now() < until {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        thread::sleep(Duration::from_millis(10).min(until - Instant::now()));
    }
    if let Some(every) = reply.drip {
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n[";
        if out
            .write_all(head.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return false;
        }
        while !stop.load(Ordering::SeqCst) {
            thread::sleep(every);
            if out.write_all(b" ").and_then(|()| out.flush()).is_err() {
                return false;
            }
        }
        return false;
    }
    if let Some(len) = reply.huge {
        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\n\r\n");
        if out.write_all(head.as_bytes()).is_err() {
            return false;
        }
        let chunk = vec![b'x'; 64 * 1024];
        let mut left = len;
        while left > 0 && !stop.load(Ordering::SeqCst) {
            let n = left.min(chunk.len());
            if out.write_all(&chunk[..n]).is_err() {
                return false;
            }
            left -= n;
        }
        return false;
    }
    let bytes = reply.raw.clone().unwrap_or_else(|| encode(reply));
    out.write_all(&bytes).and_then(|()| out.flush()).is_ok() && reply.raw.is_none()
}

/// Reads one HTTP/1.1 request (plain or from a TLS stream).
pub fn read_request<R: Read>(reader: &mut BufReader<R>) -> Option<Request> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn encode(reply: &Reply) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", reply.body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&reply.body);
    bytes
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        423 => "Locked",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
