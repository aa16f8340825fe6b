//! Reading a local file the way a gate must: only a regular file (a FIFO or
//! a device would block or never end), never more than a limit (a config
//! or lock file is small; `/dev/zero` is not), and never past the run's
//! deadline (a stuck network mount blocks in the kernel: the read runs on
//! its own thread, and the run stops waiting for it at the deadline).

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::mpsc;
use std::time::Instant;

/// Why a file could not be read, in words for a message that names the
/// file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("no such file")]
    NotFound,
    #[error("permission denied")]
    PermissionDenied,
    #[error("it is not a regular file (it is {0})")]
    NotAFile(&'static str),
    #[error("it is larger than {}, the most a {what} may be", human(*.limit))]
    TooLarge { limit: u64, what: &'static str },
    #[error("reading it did not finish before the run's deadline")]
    Deadline,
    #[error("it is not UTF-8 text")]
    NotText,
    #[error("{0}")]
    Io(String),
}

/// `4 MiB`.
fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Reads `path` as text: a regular file of at most `limit` bytes (`what`
/// names it in the message: "config file"), within `deadline`. A leading
/// byte-order mark is dropped.
pub fn read_text(
    path: &Path,
    limit: u64,
    what: &'static str,
    deadline: Instant,
) -> Result<String, ReadError> {
    let bytes = read_bytes(path, limit, what, deadline)?;
    let text = String::from_utf8(bytes).map_err(|_| ReadError::NotText)?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// [`read_text`] without the text: the bytes.
pub fn read_bytes(
    path: &Path,
    limit: u64,
    what: &'static str,
    deadline: Instant,
) -> Result<Vec<u8>, ReadError> {
    let path = path.to_path_buf();
    let (tx, rx) = mpsc::channel();
    // The reader may block in the kernel (a hung NFS mount); then it is
    // left behind, and ends with the process.
    std::thread::spawn(move || {
        let _ = tx.send(read_now(&path, limit, what));
    });
    let wait = deadline.saturating_duration_since(Instant::now());
    rx.recv_timeout(wait).unwrap_or(Err(ReadError::Deadline))
}

/// Streams `path` (a regular file of at most `limit` bytes) through `f` on
/// a reader thread: memory is what `f` keeps, not the file. Reads stop with
/// [`ReadError::Deadline`] at the deadline (checked at every buffer fill,
/// and by the waiting side should the kernel hang), and with
/// [`ReadError::TooLarge`] past `limit`. `f`'s own errors come back as
/// `Err(Ok(e))`; reading errors as `Err(Err(..))`.
pub fn stream<T, E, F>(
    path: &Path,
    limit: u64,
    what: &'static str,
    deadline: Instant,
    f: F,
) -> Result<T, Result<E, ReadError>>
where
    T: Send + 'static,
    E: Send + 'static,
    F: FnOnce(&mut dyn std::io::BufRead) -> Result<T, Result<E, ReadError>> + Send + 'static,
{
    let path = path.to_path_buf();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let run = || -> Result<T, Result<E, ReadError>> {
            let file = open_checked(&path, limit, what).map_err(Err)?;
            let bounded = Bounded {
                inner: file,
                left: limit,
                deadline,
                limit,
                what,
                failed: None,
            };
            let mut reader = std::io::BufReader::with_capacity(1 << 20, bounded);
            let out = f(&mut reader);
            // A reading failure explains whatever `f` made of it.
            match reader.into_inner().failed {
                Some(e) => Err(Err(e)),
                None => out,
            }
        };
        let _ = tx.send(run());
    });
    let wait = deadline.saturating_duration_since(Instant::now());
    rx.recv_timeout(wait)
        .unwrap_or(Err(Err(ReadError::Deadline)))
}

/// A file read with a byte limit and a deadline.
struct Bounded {
    inner: File,
    left: u64,
    deadline: Instant,
    limit: u64,
    what: &'static str,
    failed: Option<ReadError>,
}

impl Read for Bounded {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if Instant::now() >= self.deadline {
            self.failed = Some(ReadError::Deadline);
            return Err(std::io::Error::other("deadline"));
        }
        let n = self.inner.read(buf).inspect_err(|e| {
            // An interrupted read is retried by the caller.
            if e.kind() != std::io::ErrorKind::Interrupted {
                self.failed = Some(io(std::io::Error::new(e.kind(), e.to_string())));
            }
        })?;
        if n as u64 > self.left {
            self.failed = Some(ReadError::TooLarge {
                limit: self.limit,
                what: self.what,
            });
            return Err(std::io::Error::other("too large"));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

fn read_now(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, ReadError> {
    let file = open_checked(path, limit, what)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit, what });
    }
    Ok(bytes)
}

/// Opens a regular file of at most `limit` bytes for reading.
fn open_checked(path: &Path, limit: u64, what: &'static str) -> Result<File, ReadError> {
    // Checked before opening: opening a FIFO for reading blocks until a
    // writer comes.
    let meta = std::fs::metadata(path).map_err(io)?;
    kind(&meta)?;
    if meta.len() > limit {
        return Err(ReadError::TooLarge { limit, what });
    }
    let file = open_nonblocking(path).map_err(io)?;
    // The file may have been swapped since: check what was opened.
    kind(&file.metadata().map_err(io)?)?;
    Ok(file)
}

fn kind(meta: &std::fs::Metadata) -> Result<(), ReadError> {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    let other = if t.is_file() {
        return Ok(());
    } else if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a file"
    };
    Err(ReadError::NotAFile(other))
}

fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

fn io(e: std::io::Error) -> ReadError {
    match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        std::io::ErrorKind::PermissionDenied => ReadError::PermissionDenied,
        _ => ReadError::Io(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    #[test]
    fn reads_a_small_file_and_drops_a_bom() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yml");
        std::fs::write(&p, "\u{feff}x: 1\n").unwrap();
        assert_eq!(read_text(&p, 100, "config file", soon()).unwrap(), "x: 1\n");
    }

    #[test]
    fn refuses_what_is_not_a_regular_file_or_too_large() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            read_text(dir.path(), 100, "config file", soon()),
            Err(ReadError::NotAFile("a directory"))
        );
        assert_eq!(
            read_text(Path::new("/dev/zero"), 100, "config file", soon()),
            Err(ReadError::NotAFile("a device"))
        );
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'x'; 2048]).unwrap();
        let e = read_text(&big, 1024, "lock file", soon()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "it is larger than 1 KiB, the most a lock file may be"
        );
        assert_eq!(
            read_text(&dir.path().join("nope"), 1, "x", soon()),
            Err(ReadError::NotFound)
        );
    }

    #[test]
    fn a_fifo_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("l");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo: nothing to test here
        }
        let started = Instant::now();
        assert_eq!(
            read_text(&fifo, 100, "lock file", soon()),
            Err(ReadError::NotAFile("a FIFO"))
        );
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
