//! `bindery serve`: `watch`, plus a live preview on 127.0.0.1.
//!
//! The preview shows the book as the EPUB has it: after each good build the EPUB just written is
//! unpacked into memory and its chapters, styles and pictures are served as they are, so what the
//! author sees is what a reader gets. The page (`preview.html`) lists the EPUB's own contents,
//! shows one chapter, links the current PDF, and reloads the chapter (at the same place) when a
//! build ends. A failed build's diagnostics are shown in place of the book; the previous outputs
//! stay on disk and in the preview behind them.
//!
//! The page learns of builds through server-sent events (`/__bindery/events`): each connection is
//! a thread that sleeps on a condition variable until the build count changes.
//!
//! Only the loopback address is bound, only requests for that address from the preview's own
//! page are answered, in bounded numbers ([`http`]), and only files of the book just built are
//! served: the in-memory EPUB entries and the PDF named by the build. No path from a request
//! reaches the file system. The page runs no inline script (its script is a file of its own,
//! under a Content-Security-Policy), the book's documents may run none at all, and the chapter
//! shown is taken from the address only when it names a document of the book.

pub mod http;

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use serde::Serialize;

use crate::Error;
use http::{Answer, HttpRequest, Reply};

/// The preview page: chapter list, chapter frame, PDF link, diagnostics, reload on build.
const PAGE: &str = include_str!("preview.html");
/// The page's script and style, files of their own so the page's policy allows no inline code.
const SCRIPT: &str = include_str!("preview.js");
const STYLE: &str = include_str!("preview.css");

/// The policy of the preview's own page: its script and style files, the book in its frame.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; frame-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'self'";
/// The policy of the book's documents: no script at all, its own styles and pictures (the
/// picture sizes are style attributes; the night page is a style the preview adds).
const BOOK_POLICY: &str =
    "default-src 'none'; script-src 'none'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; font-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'none'; frame-ancestors 'self'";

/// How often an idle event stream sends a comment, so a dead connection is noticed and its
/// thread ends.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What the last build left for the preview.
#[derive(Default)]
struct State {
    /// Builds finished so far (good or failed); the page reloads when it changes.
    generation: u64,
    /// The diagnostics of the last build, when it failed.
    failure: Option<String>,
    /// The entries of the last good EPUB, by their path in the package.
    epub: HashMap<String, Vec<u8>>,
    /// The package path of the navigation document, read from the package file.
    nav: Option<String>,
    /// The last good PDF, when the build makes one.
    pdf: Option<PathBuf>,
}

/// The state the page asks for at `/__bindery/state`.
#[derive(Serialize)]
struct StateView<'a> {
    generation: u64,
    ok: bool,
    diagnostics: Option<&'a str>,
    nav: Option<String>,
    pdf: bool,
}

/// The preview's shared state: written by the build loop, read by the server threads.
pub struct Preview {
    state: Mutex<State>,
    built: Condvar,
}

/// A build's result, as the preview shows it.
pub enum PreviewBuild {
    /// The book was written: the EPUB (to unpack) and the PDF, if one was made.
    Written {
        epub: Option<PathBuf>,
        pdf: Option<PathBuf>,
    },
    /// The book has errors: their rendered text.
    Failed(String),
}

impl Preview {
    /// Record a build and wake the pages waiting for one.
    pub fn publish(&self, built: PreviewBuild) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match built {
            PreviewBuild::Written { epub, pdf } => {
                state.failure = None;
                state.pdf = pdf;
                match epub.map(|path| std::fs::read(&path)) {
                    Some(Ok(bytes)) => match crate::epub::unpack(&bytes) {
                        Ok(entries) => {
                            state.epub = entries.into_iter().collect();
                            state.nav = nav_path(&state.epub);
                        }
                        Err(e) => {
                            state.failure = Some(format!(
                                "the preview cannot read the EPUB just written: {e}"
                            ))
                        }
                    },
                    Some(Err(e)) => {
                        state.failure = Some(format!(
                            "the preview cannot read the EPUB just written: {e}"
                        ))
                    }
                    None => {}
                }
            }
            PreviewBuild::Failed(text) => state.failure = Some(text),
        }
        state.generation += 1;
        self.built.notify_all();
    }

    fn view(&self) -> String {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        crate::diag::to_json(&StateView {
            generation: state.generation,
            ok: state.failure.is_none(),
            diagnostics: state.failure.as_deref(),
            nav: state.nav.as_ref().map(|n| format!("/book/{n}")),
            pdf: state.pdf.is_some(),
        })
    }
}

/// Start the preview server on 127.0.0.1:`port` (0: any free port). Returns the shared state to
/// publish builds to, and the address it listens on.
pub fn start(port: u16) -> Result<(Arc<Preview>, SocketAddr), Error> {
    let preview = Arc::new(Preview {
        state: Mutex::new(State::default()),
        built: Condvar::new(),
    });
    let address = http::serve(port, preview.clone(), http::HttpLimits::default()).map_err(|e| {
        Error::Usage(format!(
            "cannot listen on 127.0.0.1:{port}: {e} (try another --port)"
        ))
    })?;
    Ok((preview, address))
}

/// Open `url` in the desktop's browser; a failure is only a note (the address is printed).
pub fn open_in_browser(url: &str) -> Result<(), String> {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(program)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| format!("cannot start {program}: {e}"))
}

impl http::Routes for Preview {
    fn answer(&self, request: &HttpRequest) -> Answer {
        Answer::Reply(match request.path.as_str() {
            "/" | "/index.html" => page(PAGE, "text/html; charset=utf-8"),
            "/__bindery/preview.js" => page(SCRIPT, "text/javascript; charset=utf-8"),
            "/__bindery/preview.css" => page(STYLE, "text/css; charset=utf-8"),
            "/__bindery/state" => reply(self.view().into_bytes(), "application/json"),
            "/__bindery/events" => return Answer::Stream,
            "/book.pdf" => {
                let pdf = self
                    .state
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .pdf
                    .clone();
                match pdf.map(std::fs::read) {
                    Some(Ok(data)) => reply(data, "application/pdf"),
                    _ => not_found(),
                }
            }
            path => match path
                .strip_prefix("/book/")
                .and_then(crate::text::percent_decode)
            {
                Some(name) => {
                    let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
                    match state.epub.get(&name) {
                        Some(data) => reply(data.clone(), media_type(&name)),
                        None => not_found(),
                    }
                }
                None => not_found(),
            },
        })
    }

    /// Tell the page of every build from now on, until it goes away.
    fn stream(&self, out: &mut dyn Write) {
        let mut seen = self
            .state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .generation;
        loop {
            let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let (state, _) = self
                .built
                .wait_timeout_while(state, KEEP_ALIVE, |s| s.generation == seen)
                .unwrap_or_else(|p| p.into_inner());
            let message = if state.generation == seen {
                ": still here\n\n".to_string()
            } else {
                seen = state.generation;
                format!("event: build\ndata: {seen}\n\n")
            };
            drop(state);
            if out
                .write_all(message.as_bytes())
                .and_then(|()| out.flush())
                .is_err()
            {
                return;
            }
        }
    }
}

/// One of the preview's own files.
fn page(text: &str, media_type: &'static str) -> Reply {
    Reply {
        status: 200,
        media_type,
        body: text.as_bytes().to_vec(),
        policy: PAGE_POLICY,
    }
}

/// A file of the book.
fn reply(body: Vec<u8>, media_type: &'static str) -> Reply {
    Reply {
        status: 200,
        media_type,
        body,
        policy: BOOK_POLICY,
    }
}

fn not_found() -> Reply {
    http::text(404, "not in this book")
}

/// The navigation document's package path, from the package file's manifest.
fn nav_path(entries: &HashMap<String, Vec<u8>>) -> Option<String> {
    let (opf_name, opf) = entries.iter().find(|(name, _)| name.ends_with(".opf"))?;
    let text = std::str::from_utf8(opf).ok()?;
    let item = text
        .split("<item ")
        .find(|i| i.contains("properties=\"nav\""))?;
    let href = item.split("href=\"").nth(1)?.split('"').next()?;
    let base = opf_name.rsplit_once('/').map_or("", |(dir, _)| dir);
    Some(if base.is_empty() {
        href.to_string()
    } else {
        format!("{base}/{href}")
    })
}

fn media_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "xhtml" => "application/xhtml+xml; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "woff2" => "font/woff2",
        "opf" | "ncx" | "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nav_is_found_from_the_package_file() {
        let mut entries = HashMap::new();
        entries.insert(
            "OEBPS/content.opf".to_string(),
            b"<manifest><item id=\"a\" href=\"text/ch001.xhtml\"/>\
              <item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>"
                .to_vec(),
        );
        assert_eq!(nav_path(&entries).as_deref(), Some("OEBPS/nav.xhtml"));
        entries.clear();
        assert_eq!(nav_path(&entries), None);
    }

    #[test]
    fn a_failed_build_is_shown_and_a_good_one_clears_it() {
        let preview = Preview {
            state: Mutex::new(State::default()),
            built: Condvar::new(),
        };
        preview.publish(PreviewBuild::Failed("error: book.toml:1:1: bad".into()));
        let view: serde_json::Value = serde_json::from_str(&preview.view()).unwrap();
        assert_eq!(view["generation"], 1);
        assert_eq!(view["ok"], false);
        assert_eq!(view["diagnostics"], "error: book.toml:1:1: bad");
        preview.publish(PreviewBuild::Written {
            epub: None,
            pdf: None,
        });
        let view: serde_json::Value = serde_json::from_str(&preview.view()).unwrap();
        assert_eq!(view["generation"], 2);
        assert_eq!(view["ok"], true);
    }
}
