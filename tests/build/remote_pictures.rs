//! Remote pictures (`--fetch-remote`), against a real HTTP server on 127.0.0.1 started by the
//! test: no request without the flag, each picture downloaded once and then used offline, and
//! the limits a hostile server meets (an endless body, a redirect loop, a huge PNG, a server
//! that never finishes, too many pictures).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::support::*;

/// What the test server answers for a path.
enum Reply {
    Picture(&'static str, Vec<u8>),
    NotFound,
    /// A redirect to the same path: a loop.
    RedirectToItself,
    /// Bytes for ever, with no length.
    Endless,
    /// The headers, then nothing until the client gives up.
    Stalls,
}

/// An HTTP/1.1 server on 127.0.0.1 that records every request path.
struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
    answering: Arc<AtomicBool>,
}

impl Server {
    fn start(route: fn(&str) -> Reply) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let answering = Arc::new(AtomicBool::new(true));
        let (seen, on) = (Arc::clone(&requests), Arc::clone(&answering));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (seen, on) = (Arc::clone(&seen), Arc::clone(&on));
                std::thread::spawn(move || answer(stream, route, &seen, &on));
            }
        });
        Server {
            port,
            requests,
            answering,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    /// From now on every connection is closed unanswered, as a server that is gone.
    fn go_away(&self) {
        self.answering.store(false, Ordering::SeqCst);
    }
}

fn answer(stream: TcpStream, route: fn(&str) -> Reply, seen: &Mutex<Vec<String>>, on: &AtomicBool) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split(' ').nth(1).unwrap_or("").to_string();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
    }
    if !on.load(Ordering::SeqCst) {
        return;
    }
    seen.lock().unwrap().push(path.clone());
    let mut out = stream;
    let _ = match route(&path) {
        Reply::Picture(kind, bytes) => out
            .write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    bytes.len()
                )
                .as_bytes(),
            )
            .and_then(|()| out.write_all(&bytes)),
        Reply::NotFound => out.write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        ),
        Reply::RedirectToItself => out.write_all(
            format!("HTTP/1.1 302 Found\r\nLocation: {path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        ),
        Reply::Endless => {
            let chunk = vec![0x89u8; 64 * 1024];
            let mut r = out.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nConnection: close\r\n\r\n");
            while r.is_ok() {
                r = out.write_all(&chunk);
            }
            r
        }
        Reply::Stalls => {
            let r = out.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 1000\r\n\r\n",
            );
            std::thread::sleep(std::time::Duration::from_secs(30));
            r
        }
    };
}

fn routes(path: &str) -> Reply {
    match path {
        "/photo.png" => Reply::Picture("image/png", png_bytes(300, 200)),
        "/badge.svg" => Reply::Picture(
            "image/svg+xml",
            br##"<svg xmlns="http://www.w3.org/2000/svg" width="90" height="20"><rect width="90" height="20" fill="#4c1"/><text x="6" y="14" font-size="11">passing</text></svg>"##.to_vec(),
        ),
        "/loop.png" => Reply::RedirectToItself,
        "/endless.png" => Reply::Endless,
        "/stalls.png" => Reply::Stalls,
        "/huge.png" => Reply::Picture("image/png", png_bomb(50_000)),
        _ => Reply::NotFound,
    }
}

/// A book whose one chapter shows `pictures` (Markdown picture lines), with `toml` added to its
/// book.toml.
fn remote_book(pictures: &[String], toml: &str) -> tempfile::TempDir {
    let mut text = String::from("# Remote\n\n");
    for p in pictures {
        text.push_str(p);
        text.push_str("\n\n");
    }
    TestBook::new()
        .file("book.toml", format!("[book]\ntitle = \"T\"\n\n{toml}"))
        .chapters(1, |_| text.clone())
        .write()
}

fn build_into(dir: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "build",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    bindery(
        &args,
        &[("HTTP_PROXY", ""), ("HTTPS_PROXY", ""), ("ALL_PROXY", "")],
    )
}

fn epub_media(out: &Path) -> Vec<String> {
    read_zip(&out.join("book.epub"))
        .into_iter()
        .filter(|(name, _)| name.contains("/images/") || name.starts_with("OEBPS/img"))
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn no_request_without_the_runner_s_flag_and_the_flag_reaches_public_addresses_only() {
    let server = Server::start(routes);
    let dir = remote_book(&[format!("![A photo]({})", server.url("/photo.png"))], "");
    let out = tempfile::tempdir().unwrap();
    let run = build_into(dir.path(), out.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning[remote-picture]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--fetch-remote"), "{}", run.stderr);
    let chapter = entry(
        &read_zip(&out.path().join("book.epub")),
        "OEBPS/text/ch001.xhtml",
    );
    assert!(
        chapter.contains(&server.url("/photo.png")),
        "the address is kept as a link"
    );
    // The book asks by itself: going online is the runner's decision, so nothing is fetched.
    let asks = remote_book(
        &[format!("![A photo]({})", server.url("/photo.png"))],
        "[bindery]\nfetch-remote = true\n",
    );
    let run = build_into(asks.path(), out.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("bindery goes online only when the runner says so"),
        "{}",
        run.stderr
    );
    // The runner's plain flag reaches public addresses only: not this machine.
    let run = build_into(dir.path(), out.path(), &["--fetch-remote"]);
    assert!(
        run.stderr.contains("public addresses only"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--fetch-remote=all"), "{}", run.stderr);
    assert_eq!(server.requests(), Vec::<String>::new());
}

#[test]
fn a_remote_picture_is_downloaded_once_and_then_used_offline() {
    let server = Server::start(routes);
    let dir = remote_book(
        &[
            format!("![A photo]({} \"From the web\")", server.url("/photo.png")),
            format!("Built: ![build status]({})", server.url("/badge.svg")),
            format!("![Gone]({})", server.url("/missing.png")),
            // The same picture twice is downloaded once.
            format!("Again: ![build status]({})", server.url("/badge.svg")),
        ],
        "",
    );
    let out = tempfile::tempdir().unwrap();
    let first = build_into(dir.path(), out.path(), &["--fetch-remote=all"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains("3 remote pictures: 0 from the downloads kept in the output folder, 2 downloaded, 1 shown as placeholders"),
        "{}",
        first.stderr
    );
    assert!(
        first.stderr.contains("the server answered 404"),
        "{}",
        first.stderr
    );
    let mut asked = server.requests();
    asked.sort();
    assert_eq!(asked, ["/badge.svg", "/missing.png", "/photo.png"]);
    let media = epub_media(out.path());
    assert!(media.iter().any(|m| m.ends_with(".png")), "{media:?}");
    assert!(media.iter().any(|m| m.ends_with(".svg")), "{media:?}");
    let chapter = entry(
        &read_zip(&out.path().join("book.epub")),
        "OEBPS/text/ch001.xhtml",
    );
    assert!(
        chapter.contains("<img") && chapter.contains("alt=\"A photo\""),
        "{chapter}"
    );
    assert!(
        chapter.contains("/missing.png"),
        "the placeholder names the address"
    );
    let pdf = std::fs::read(out.path().join("book.pdf")).unwrap();
    assert!(
        pdf.windows(14).any(|w| w == b"/Subtype/Image"),
        "the PDF shows the photo"
    );
    let epub = std::fs::read(out.path().join("book.epub")).unwrap();

    // The server is gone: the next build takes the pictures from the output folder.
    server.go_away();
    let second = build_into(dir.path(), out.path(), &["--fetch-remote=all"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second
            .stderr
            .contains("2 from the downloads kept in the output folder, 0 downloaded"),
        "{}",
        second.stderr
    );
    assert_eq!(std::fs::read(out.path().join("book.epub")).unwrap(), epub);
    assert_eq!(std::fs::read(out.path().join("book.pdf")).unwrap(), pdf);
    // `check` reads the kept downloads and says so, and writes nothing.
    let check = bindery(
        &["check", dir.path().to_str().unwrap(), "--fetch-remote=all"],
        &[],
    );
    assert!(
        check
            .stderr
            .contains("3 remote pictures: 0 from the downloads"),
        "{}",
        check.stderr
    );
    // Without the flag, the kept downloads are not used: the default stays offline.
    let offline = build_into(dir.path(), out.path(), &[]);
    assert!(
        offline.stderr.contains("warning[remote-picture]"),
        "{}",
        offline.stderr
    );
    assert!(!epub_media(out.path()).iter().any(|m| m.ends_with(".svg")));
}

#[test]
fn a_server_cannot_make_a_build_endless_or_huge() {
    let server = Server::start(routes);
    // A redirect loop and a server that stalls: warnings, placeholders, and the build ends.
    let dir = remote_book(
        &[
            format!("![Loop]({})", server.url("/loop.png")),
            format!("![Slow]({})", server.url("/stalls.png")),
            format!("![A photo]({})", server.url("/photo.png")),
        ],
        "[bindery.limits]\nfetch-timeout-seconds = 1\n",
    );
    let out = tempfile::tempdir().unwrap();
    let run = build_into(dir.path(), out.path(), &["--fetch-remote=all"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("redirected more than 5 times"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did not arrive within 1 s"),
        "{}",
        run.stderr
    );
    let loops = server
        .requests()
        .iter()
        .filter(|p| *p == "/loop.png")
        .count();
    assert!((2..=6).contains(&loops), "{loops} requests for the loop");

    // An endless body stops at the picture file limit: an error, nothing written.
    let endless = remote_book(
        &[format!("![Endless]({})", server.url("/endless.png"))],
        "[bindery.limits]\nmax-image-file-mib = 1\n",
    );
    let out = tempfile::tempdir().unwrap();
    let run = build_into(endless.path(), out.path(), &["--fetch-remote=all"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("larger than 1 MiB"), "{}", run.stderr);
    assert!(!out.path().join("book.epub").exists());

    // A 50,000 x 50,000 PNG meets the pixel limit as a local file does, before decoding.
    let huge = remote_book(&[format!("![Huge]({})", server.url("/huge.png"))], "");
    let run = build_into(huge.path(), out.path(), &["--fetch-remote=all"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("max-image-pixels"), "{}", run.stderr);
    assert!(!out.path().join("book.epub").exists());

    // More remote pictures than the book may download.
    let many = remote_book(
        &[
            format!("![A]({})", server.url("/photo.png")),
            format!("![B]({})", server.url("/badge.svg")),
        ],
        "[bindery.limits]\nmax-remote-pictures = 1\n",
    );
    let run = build_into(many.path(), out.path(), &["--fetch-remote=all"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("more than 1 remote pictures"),
        "{}",
        run.stderr
    );
}
