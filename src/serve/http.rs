//! The preview's HTTP server: a loopback listener that answers one local author and nothing
//! else. The home of `httparse`.
//!
//! - **Bounded**: at most [`HttpLimits::connections`] connections at once, each its own thread; a
//!   connection over the cap gets `503` at once and is closed, never a thread. A request's head
//!   must arrive within [`HttpLimits::header_timeout`] and fit in 16 KiB, or the connection is closed.
//!   Event streams have their own, smaller cap, so pages that stay open can never take every
//!   connection. A thread that cannot be started is a refused connection, never a panic.
//! - **Its own origin only**: a request whose `Host` is not the address and port listened on
//!   (`127.0.0.1:PORT` or `localhost:PORT`) is refused (`421`): a web page that rebinds its own
//!   name to 127.0.0.1 cannot read the preview. So is one whose `Origin`, when sent, is another
//!   origin, or that a browser marks `Sec-Fetch-Site: cross-site` (`403`).
//! - **Every answer** carries `X-Content-Type-Options: nosniff`, a Content-Security-Policy
//!   (chosen by the route) with `frame-ancestors 'self'`, `Referrer-Policy: no-referrer`,
//!   `Cache-Control: no-store`, and closes the connection.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How much the server takes on.
#[derive(Debug, Clone, Copy)]
pub struct HttpLimits {
    pub connections: usize,
    pub streams: usize,
    pub header_timeout: Duration,
    /// How long a write may wait for a client that does not read.
    pub write_timeout: Duration,
}

impl Default for HttpLimits {
    fn default() -> HttpLimits {
        HttpLimits {
            connections: 64,
            streams: 16,
            header_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
        }
    }
}

/// The largest request head read.
const MAX_HEAD: usize = 16 * 1024;

/// A request, as the routes see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    /// The path, without query or fragment.
    pub path: String,
}

/// An answer: status, media type, body, and the security policy for it.
pub struct Reply {
    pub status: u16,
    pub media_type: &'static str,
    pub body: Vec<u8>,
    pub policy: &'static str,
}

/// What a route does with a request: answer it, or keep the connection as an event stream.
pub enum Answer {
    Reply(Reply),
    Stream,
}

/// The routes, given to the server.
pub trait Routes: Send + Sync + 'static {
    fn answer(&self, request: &HttpRequest) -> Answer;
    /// Write events to `out` until the page goes away (a write fails).
    fn stream(&self, out: &mut dyn Write);
}

/// A plain-text answer for refusals and errors.
pub fn text(status: u16, body: &str) -> Reply {
    Reply {
        status,
        media_type: "text/plain; charset=utf-8",
        body: body.as_bytes().to_vec(),
        policy: "default-src 'none'; frame-ancestors 'none'",
    }
}

/// Listen on 127.0.0.1:`port` (0: any free port) and serve `routes` on a thread of its own.
pub fn serve(
    port: u16,
    routes: Arc<dyn Routes>,
    limits: HttpLimits,
) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    let address = listener.local_addr()?;
    let open = Arc::new(AtomicUsize::new(0));
    let streams = Arc::new(AtomicUsize::new(0));
    std::thread::Builder::new()
        .name("preview-accept".into())
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else {
                    // Out of descriptors or a reset: wait a moment rather than spin.
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                accept(stream, address, &routes, &open, &streams, limits);
            }
        })?;
    Ok(address)
}

/// One connection: refused at once when the server is full, else handed to a thread.
fn accept(
    stream: TcpStream,
    address: SocketAddr,
    routes: &Arc<dyn Routes>,
    open: &Arc<AtomicUsize>,
    streams: &Arc<AtomicUsize>,
    limits: HttpLimits,
) {
    let _ = stream.set_write_timeout(Some(limits.write_timeout.min(Duration::from_secs(1))));
    if open.fetch_add(1, Ordering::SeqCst) >= limits.connections {
        open.fetch_sub(1, Ordering::SeqCst);
        refuse_busy(stream);
        return;
    }
    let held = Held(open.clone());
    let (routes, streams) = (routes.clone(), streams.clone());
    let spawned = std::thread::Builder::new()
        .name("preview".into())
        .stack_size(256 * 1024)
        .spawn(move || {
            let _held = held;
            connection(stream, address, &*routes, &streams, limits);
        });
    // A thread that cannot be started drops its closure: the connection is closed and the
    // count given back by `Held`.
    drop(spawned);
}

/// A slot of a count, given back when dropped.
struct Held(Arc<AtomicUsize>);

impl Drop for Held {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn refuse_busy(mut stream: TcpStream) {
    let _ = write_reply(&mut stream, &text(503, "the preview is busy; try again"));
}

fn connection(
    mut stream: TcpStream,
    address: SocketAddr,
    routes: &dyn Routes,
    streams: &AtomicUsize,
    limits: HttpLimits,
) {
    let _ = stream.set_read_timeout(Some(limits.header_timeout));
    let _ = stream.set_write_timeout(Some(limits.write_timeout));
    let deadline = std::time::Instant::now() + limits.header_timeout;
    let Some(head) = read_head(&mut stream, deadline) else {
        return;
    };
    let request = match parse(&head, address) {
        Ok(r) => r,
        Err(reply) => {
            let _ = write_reply(&mut stream, &reply);
            return;
        }
    };
    match routes.answer(&request) {
        Answer::Reply(mut reply) => {
            if request.method == "HEAD" {
                reply.body.clear();
            }
            let _ = write_reply(&mut stream, &reply);
        }
        Answer::Stream => {
            if streams.fetch_add(1, Ordering::SeqCst) >= limits.streams {
                streams.fetch_sub(1, Ordering::SeqCst);
                let _ = write_reply(&mut stream, &text(503, "too many open previews"));
                return;
            }
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\
                        Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
                        Connection: close\r\n\r\nretry: 1000\n\n";
            if stream
                .write_all(head.as_bytes())
                .and_then(|()| stream.flush())
                .is_ok()
            {
                routes.stream(&mut stream);
            }
            streams.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// The request head (up to the blank line), read before `deadline`; `None` for a connection
/// that sends too much, too slowly or nothing.
fn read_head(stream: &mut TcpStream, deadline: std::time::Instant) -> Option<Vec<u8>> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    loop {
        let left = deadline.checked_duration_since(std::time::Instant::now())?;
        let _ = stream.set_read_timeout(Some(left.max(Duration::from_millis(1))));
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
        if head.windows(4).any(|w| w == b"\r\n\r\n") {
            return Some(head);
        }
        if head.len() > MAX_HEAD {
            let _ = write_reply(stream, &text(431, "request head too large"));
            return None;
        }
    }
}

/// The request in `head`, if it is one the preview answers: GET or HEAD, for this server's own
/// host and origin.
pub fn parse(head: &[u8], address: SocketAddr) -> Result<HttpRequest, Reply> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(text(400, "bad request")),
    }
    let method = req.method.unwrap_or("").to_string();
    if method != "GET" && method != "HEAD" {
        return Err(text(405, "the preview only answers GET"));
    }
    let header = |name: &str| {
        req.headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| std::str::from_utf8(h.value).unwrap_or("\u{fffd}"))
            .collect::<Vec<_>>()
    };
    let port = address.port();
    let hosts = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    let host = header("host");
    let own_host = host.len() == 1 && hosts.iter().any(|h| h.eq_ignore_ascii_case(host[0].trim()));
    if !own_host {
        return Err(text(
            421,
            "this preview answers only requests for its own address",
        ));
    }
    let origins = hosts.map(|h| format!("http://{h}"));
    let origin = header("origin");
    let foreign_origin = origin
        .iter()
        .any(|o| !origins.iter().any(|own| own.eq_ignore_ascii_case(o.trim())));
    let cross_site = header("sec-fetch-site")
        .iter()
        .any(|s| s.trim().eq_ignore_ascii_case("cross-site"));
    if foreign_origin || cross_site {
        return Err(text(403, "this preview answers only its own page"));
    }
    let target = req.path.unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/").to_string();
    if !path.starts_with('/') {
        return Err(text(400, "bad request"));
    }
    Ok(HttpRequest { method, path })
}

fn write_reply(stream: &mut impl Write, reply: &Reply) -> std::io::Result<()> {
    let reason = match reply.status {
        200 => "OK",
        400 => "Bad HttpRequest",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        421 => "Misdirected HttpRequest",
        431 => "HttpRequest Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
         Referrer-Policy: no-referrer\r\nCross-Origin-Resource-Policy: same-origin\r\n\
         Content-Security-Policy: {}\r\nConnection: close\r\n\r\n",
        reply.status,
        reply.media_type,
        reply.body.len(),
        reply.policy
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(&reply.body)?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr() -> SocketAddr {
        "127.0.0.1:4000".parse().unwrap()
    }

    fn status(head: &str) -> Result<HttpRequest, u16> {
        parse(head.as_bytes(), addr()).map_err(|r| r.status)
    }

    #[test]
    fn only_its_own_host_and_origin_are_answered() {
        let ok = status("GET /book/a.xhtml?x=1 HTTP/1.1\r\nHost: 127.0.0.1:4000\r\n\r\n").unwrap();
        assert_eq!(ok.path, "/book/a.xhtml");
        assert!(status("GET / HTTP/1.1\r\nHost: LOCALHOST:4000\r\n\r\n").is_ok());
        assert!(status(
            "GET / HTTP/1.1\r\nHost: localhost:4000\r\nOrigin: http://localhost:4000\r\nSec-Fetch-Site: same-origin\r\n\r\n"
        )
        .is_ok());
        // DNS rebinding: the attacker's name, resolved to 127.0.0.1.
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: evil.example:4000\r\n\r\n").unwrap_err(),
            421
        );
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: 127.0.0.1:4001\r\n\r\n").unwrap_err(),
            421
        );
        assert_eq!(status("GET / HTTP/1.1\r\n\r\n").unwrap_err(), 421);
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: 127.0.0.1:4000\r\nHost: evil.example\r\n\r\n")
                .unwrap_err(),
            421
        );
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: 127.0.0.1:4000\r\nOrigin: http://evil.example\r\n\r\n")
                .unwrap_err(),
            403
        );
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: 127.0.0.1:4000\r\nSec-Fetch-Site: cross-site\r\n\r\n")
                .unwrap_err(),
            403
        );
        assert_eq!(
            status("POST / HTTP/1.1\r\nHost: 127.0.0.1:4000\r\n\r\n").unwrap_err(),
            405
        );
        assert_eq!(status("garbage\r\n\r\n").unwrap_err(), 400);
    }

    #[test]
    fn every_reply_carries_the_security_headers() {
        let mut out = Vec::new();
        write_reply(&mut out, &text(404, "no")).unwrap();
        let out = String::from_utf8(out).unwrap();
        for h in [
            "X-Content-Type-Options: nosniff",
            "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'",
            "Connection: close",
            "Content-Length: 2",
        ] {
            assert!(out.contains(h), "{h} in {out}");
        }
    }
}
