//! The preview server's HTTP/1.1, kept small: one short-lived thread per connection, a bounded
//! number of them, every read and write with a timeout, `Connection: close` on every answer. A
//! slow or stalled client holds its own thread until its timeout and nobody else's.
//!
//! Only requests addressed to this machine by name (`Host` 127.0.0.1, localhost or [::1]) are
//! answered, so that a web page elsewhere cannot read the preview through DNS rebinding.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Connections answered at once; more are told 503 and closed.
pub const MAX_CONNECTIONS: usize = 512;
/// How long one read or write may wait for the client.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client has to send its whole request head. Without it, a client sending a byte
/// every few seconds would hold its place for ever, and [`MAX_CONNECTIONS`] of them would leave
/// everyone else a 503.
const HEAD_DEADLINE: Duration = Duration::from_secs(5);
/// The longest request head read.
const MAX_HEAD: usize = 16 * 1024;

/// A request line and the one header the server needs.
pub struct Request {
    pub method: String,
    /// The path and query, as sent (`/ja/?x=1`).
    pub target: String,
}

/// What an answer carries.
pub enum Body {
    Bytes(Vec<u8>),
    File(std::fs::File, u64),
}

/// Answers one request; runs on the connection's own thread.
pub type Handler = dyn Fn(&Request, &mut TcpStream) -> io::Result<()> + Send + Sync;

/// A listening socket on 127.0.0.1.
pub struct Listener {
    listener: TcpListener,
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
}

impl Listener {
    pub fn bind(port: u16) -> io::Result<Listener> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        Ok(Listener {
            listener,
            addr,
            stopping: Arc::default(),
        })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Something that ends [`run`](Self::run) from another thread.
    pub fn stopper(&self) -> impl Fn() + Send + 'static {
        let (stopping, addr) = (self.stopping.clone(), self.addr);
        move || {
            stopping.store(true, Ordering::SeqCst);
            // Wakes the blocking accept.
            let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
        }
    }

    /// Accepts connections until stopped, each answered by `handler` on its own thread.
    pub fn run(&self, handler: Arc<Handler>) {
        let active = Arc::new(AtomicUsize::new(0));
        for stream in self.listener.incoming() {
            if self.stopping.load(Ordering::SeqCst) {
                break;
            }
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
            let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
            if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                let _ = plain(&mut stream, 503, "Too many connections; try again.\n");
                continue;
            }
            let slot = Slot::take(&active);
            let handler = handler.clone();
            let _ = std::thread::Builder::new()
                .name("nenpo-serve-connection".into())
                .spawn(move || {
                    let _slot = slot;
                    let _ = answer(&mut stream, &*handler);
                });
        }
    }
}

/// One of the bounded places; given back when dropped.
pub struct Slot(Arc<AtomicUsize>);

impl Slot {
    pub fn take(count: &Arc<AtomicUsize>) -> Slot {
        count.fetch_add(1, Ordering::SeqCst);
        Slot(count.clone())
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn answer(stream: &mut TcpStream, handler: &Handler) -> io::Result<()> {
    let head = match read_head(stream) {
        Ok(Some(head)) => head,
        Ok(None) => return plain(stream, 431, "Request header too large.\n"),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
            ) =>
        {
            return plain(stream, 408, "The request took too long to arrive.\n")
        }
        Err(e) => return Err(e),
    };
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    let Some(request) = parse(&head) else {
        return plain(stream, 400, "Bad request.\n");
    };
    match host(&head) {
        Some(host) if is_local(host) => handler(&request, stream),
        _ => plain(
            stream,
            403,
            "nenpo serve answers only requests to 127.0.0.1, localhost or [::1].\n",
        ),
    }
}

/// The request head up to the blank line; `None` when it is too long.
fn read_head(stream: &mut TcpStream) -> io::Result<Option<String>> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    let deadline = std::time::Instant::now() + HEAD_DEADLINE;
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_HEAD {
            return Ok(None);
        }
        // Each read waits only for what is left of the deadline.
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_read_timeout(Some(left.min(IO_TIMEOUT)))?;
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        head.extend_from_slice(&buf[..n]);
    }
    Ok(Some(String::from_utf8_lossy(&head).into_owned()))
}

fn parse(head: &str) -> Option<Request> {
    let mut parts = head.lines().next()?.split(' ');
    let (method, target) = (parts.next()?, parts.next()?);
    if !parts.next()?.starts_with("HTTP/1.") || !target.starts_with('/') {
        return None;
    }
    Some(Request {
        method: method.to_string(),
        target: target.to_string(),
    })
}

fn host(head: &str) -> Option<&str> {
    head.lines().skip(1).find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("host")
            .then_some(value.trim())
    })
}

/// Whether a `Host` header names this machine: 127.0.0.1, localhost or [::1], with any port.
pub fn is_local(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((inside, port)) if port.is_empty() || port.starts_with(':') => inside,
            _ => return false,
        },
        None => host.split(':').next().unwrap_or(""),
    };
    let port_ok = |port: &str| port.is_empty() || port.chars().all(|c| c.is_ascii_digit());
    let port = if host.starts_with('[') {
        host.rsplit_once("]:").map_or("", |(_, p)| p)
    } else {
        host.split_once(':').map_or("", |(_, p)| p)
    };
    port_ok(port)
        && matches!(
            name.to_ascii_lowercase().as_str(),
            "127.0.0.1" | "localhost" | "::1"
        )
}

/// Writes a whole answer. `head_only` leaves the body out (HEAD).
pub fn respond(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(&str, &str)],
    body: Body,
    head_only: bool,
) -> io::Result<()> {
    let length = match &body {
        Body::Bytes(bytes) => bytes.len() as u64,
        Body::File(_, length) => *length,
    };
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Length: {length}\r\nConnection: close\r\n",
        reason(status)
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if !head_only {
        match body {
            Body::Bytes(bytes) => stream.write_all(&bytes)?,
            Body::File(mut file, _) => {
                io::copy(&mut file, stream)?;
            }
        }
    }
    stream.flush()
}

/// A short plain-text answer.
pub fn plain(stream: &mut TcpStream, status: u16, text: &str) -> io::Result<()> {
    respond(
        stream,
        status,
        &[("Content-Type", "text/plain; charset=utf-8")],
        Body::Bytes(text.as_bytes().to_vec()),
        false,
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_is_a_host() {
        for host in [
            "127.0.0.1",
            "127.0.0.1:8080",
            "localhost:1",
            "LOCALHOST",
            "[::1]",
            "[::1]:80",
        ] {
            assert!(is_local(host), "{host}");
        }
        for host in [
            "evil.example",
            "127.0.0.1.evil.example",
            "localhost.evil",
            "[::2]:80",
            "127.0.0.1:x",
            "",
            "[::1]x",
        ] {
            assert!(!is_local(host), "{host}");
        }
    }

    #[test]
    fn request_lines_need_a_path() {
        assert!(parse("GET / HTTP/1.1\r\n\r\n").is_some());
        assert!(parse("GET http://evil/ HTTP/1.1\r\n\r\n").is_none());
        assert!(parse("GET /\r\n\r\n").is_none());
    }
}
