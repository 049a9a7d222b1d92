//! The author's commands: `new-report`, shell completions, the manual page, `--help` examples.

use crate::support::*;

#[test]
fn new_report_writes_a_dated_report_that_builds_and_lists_it_in_the_summary() {
    let dir = book(&[
        ("book.toml", b"[book]\ntitle = \"T\"\nsrc = \"reports\"\n"),
        ("reports/SUMMARY.md", b"# Summary\n\n- [First](first.md)\n"),
        ("reports/first.md", b"# First\n\nText.\n"),
    ]);
    let root = dir.path().to_str().unwrap();
    let run = bindery(
        &[
            "new-report",
            "Gặp mặt cộng đồng tại Hà Nội",
            "--book",
            root,
            "--date",
            "2026-11-27",
            "--author",
            "Minh Anh",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let name = "2026-11-27-gap-mat-cong-dong-tai-ha-noi.md";
    let report = std::fs::read_to_string(dir.path().join("reports").join(name)).unwrap();
    assert!(report.starts_with("---\ndate: 2026-11-27\nauthors:\n  - \"Minh Anh\"\n---\n\n# Gặp mặt cộng đồng tại Hà Nội\n"), "{report}");
    assert!(report.contains("[^source]"));
    let summary = std::fs::read_to_string(dir.path().join("reports/SUMMARY.md")).unwrap();
    assert_eq!(
        summary,
        format!("# Summary\n\n- [First](first.md)\n- [Gặp mặt cộng đồng tại Hà Nội]({name})\n")
    );
    // The new report builds with no warning, and is the book's second chapter.
    let (run, out) = build_with(dir.path(), &["--format", "epub", "--deny-warnings"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = read_zip(&out.path().join("book.epub"));
    let ch = entry(&files, "OEBPS/text/ch002.xhtml");
    assert!(ch.contains("Minh Anh · 2026-11-27"), "{ch}");
    assert!(ch.contains("epub:type=\"footnote\""), "{ch}");
    // The same title again is refused, and nothing changes.
    let again = bindery(
        &[
            "new-report",
            "Gặp mặt cộng đồng tại Hà Nội",
            "--book",
            root,
            "--date",
            "2026-11-27",
        ],
        &[],
    );
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stderr.contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("reports/SUMMARY.md")).unwrap(),
        summary
    );
}

#[test]
fn new_report_without_a_summary_only_writes_the_report() {
    let dir = book(&[("notes.md", b"# Notes\n")]);
    let run = bindery(
        &[
            "new-report",
            "Day two",
            "--book",
            dir.path().to_str().unwrap(),
            "--date",
            "2025-01-31",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.path().join("2025-01-31-day-two.md").is_file());
    assert!(!dir.path().join("SUMMARY.md").exists());
    let bad = bindery(
        &[
            "new-report",
            "X",
            "--book",
            dir.path().to_str().unwrap(),
            "--date",
            "2025-13-01",
        ],
        &[],
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

fn stdout_of(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(args)
        .output()
        .expect("run bindery");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn completions_and_the_manual_page_are_generated() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef bindery"),
        ("fish", "complete -c bindery"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let (code, text) = stdout_of(&["completions", shell]);
        assert_eq!(code, 0, "{shell}");
        assert!(text.contains(marker), "{shell}: {text}");
        assert!(text.contains("new-report"), "{shell}");
        if shell != "powershell" {
            // PowerShell's script completes subcommands and options, not their values.
            assert!(text.contains("kepub"), "{shell}");
        }
    }
    let (code, man) = stdout_of(&["manpage"]);
    assert_eq!(code, 0);
    assert!(
        man.starts_with(".ie \\n(.g .ds Aq") || man.contains(".TH bindery"),
        "{man}"
    );
    assert!(man.contains("new\\-report"), "{man}");
    let (code, help) = stdout_of(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        help.contains("Examples:") && help.contains("bindery build --format kepub"),
        "{help}"
    );
}

#[test]
fn json_diagnostics_parse_back_with_places_and_a_summary() {
    let dir = book(&[
        TOML,
        ("src/SUMMARY.md", b"- [A](a.md)\n"),
        ("src/a.md", b"# A\n\nSee [the other](gone.md#x) and [^n].\n"),
    ]);
    let root = dir.path().to_str().unwrap();
    let built = dir.path().join("built");
    for args in [
        vec!["check", root, "--message-format", "json"],
        vec![
            "build",
            root,
            "--format",
            "epub",
            "--message-format",
            "json",
            "--out",
            built.to_str().unwrap(),
        ],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_bindery"))
            .args(&args)
            .output()
            .unwrap();
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let objects: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect();
        let (summary, diagnostics) = objects.split_last().unwrap();
        assert_eq!(summary["type"], "summary");
        assert_eq!(summary["status"], "ok");
        assert_eq!(summary["warnings"], diagnostics.len());
        let link = diagnostics
            .iter()
            .find(|d| d["code"] == "broken-link")
            .unwrap_or_else(|| panic!("{text}"));
        assert_eq!(link["severity"], "warning");
        assert!(
            link["file"].as_str().unwrap().ends_with("/src/a.md"),
            "{link}"
        );
        assert_eq!(
            (link["line"].as_u64(), link["column"].as_u64()),
            (Some(3), Some(5))
        );
        assert_eq!(link["end_line"], 3);
        assert!(link["end_column"].as_u64().unwrap() > 5);
        assert!(link["hint"].is_string());
        if args[0] == "build" {
            assert!(summary["written"][0]
                .as_str()
                .unwrap()
                .ends_with("book.epub"));
        }
    }
    // A usage error is a summary too, with exit 2.
    let out = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(["check", "/no/such/book", "--message-format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "usage");
}

/// Wait until `done` holds, for at most 30 seconds.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(
            start.elapsed().as_secs() < 30,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn watch_rebuilds_after_an_edit_survives_a_failing_one_and_stops_cleanly() {
    let dir = book(&[
        TOML,
        ("src/SUMMARY.md", b"- [A](a.md)\n"),
        ("src/a.md", b"# A\n\nThe first version.\n"),
    ]);
    // The log is outside the book: a file written in the book folder is a change to watch.
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("watch.log");
    let child = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(["watch", dir.path().to_str().unwrap(), "--format", "epub"])
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    /// Ends the watcher if the test fails half-way.
    struct Reap(std::process::Child, PathBuf);
    impl Drop for Reap {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
            if std::thread::panicking() {
                let log = std::fs::read_to_string(&self.1).unwrap_or_default();
                eprintln!("the watcher's log:\n{log}");
            }
        }
    }
    let mut reap = Reap(child, log.clone());
    let child = &mut reap.0;
    let epub = dir.path().join("out/book.epub");
    let chapter = || {
        std::fs::read(&epub)
            .ok()
            .and_then(|_| {
                std::panic::catch_unwind(|| entry(&read_zip(&epub), "OEBPS/text/ch001.xhtml")).ok()
            })
            .unwrap_or_default()
    };
    let log_text = || std::fs::read_to_string(&log).unwrap_or_default();
    eventually("the first build", || log_text().contains("watching"));
    assert!(chapter().contains("The first version."));

    std::fs::write(dir.path().join("src/a.md"), "# A\n\nThe second version.\n").unwrap();
    eventually("the rebuild after an edit", || {
        chapter().contains("The second version.")
    });

    // An edit that breaks the book: diagnostics, the old EPUB kept, the watcher still running.
    std::fs::write(dir.path().join("book.toml"), "[book\ntitle = \"T\"\n").unwrap();
    eventually("the failed build's diagnostics", || {
        log_text().contains("nothing was written")
    });
    assert!(chapter().contains("The second version."));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the watcher keeps running"
    );

    std::fs::write(dir.path().join("book.toml"), TOML.1).unwrap();
    std::fs::write(dir.path().join("src/a.md"), "# A\n\nThe third version.\n").unwrap();
    eventually("the rebuild after the fix", || {
        chapter().contains("The third version.")
    });

    // Ctrl-C: the process ends with success and leaves no temporary file.
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut exit = None;
    eventually("the watcher to stop", || {
        exit = child.try_wait().unwrap();
        exit.is_some()
    });
    assert_eq!(exit.unwrap().code(), Some(0), "{}", log_text());
    let left: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// One HTTP/1.1 GET on 127.0.0.1, answered whole: (status line, body).
fn http_get(address: &str, path: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    (
        head.lines().next().unwrap_or("").to_string(),
        body.to_string(),
    )
}

#[test]
fn serve_previews_the_epub_on_loopback_and_tells_the_page_of_each_build() {
    use std::io::{BufRead, BufReader, Write};
    let dir = book(&[
        TOML,
        ("src/SUMMARY.md", b"- [A](a.md)\n"),
        ("src/a.md", b"# A\n\nThe first version.\n"),
    ]);
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("serve.log");
    let child = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(["serve", dir.path().to_str().unwrap(), "--port", "0"])
        .args(["--format", "epub"])
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let _reap = Reap(child);
    let log_text = || std::fs::read_to_string(&log).unwrap_or_default();
    eventually("the address", || log_text().contains("serving http://"));
    let text = log_text();
    let address = text
        .split("serving http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap()
        .to_string();
    assert!(address.starts_with("127.0.0.1:"), "{address}");

    let (status, page) = http_get(&address, "/");
    assert!(status.contains("200"), "{status}");
    assert!(page.contains("<script src=\"/__bindery/preview.js\">"));
    let (status, script) = http_get(&address, "/__bindery/preview.js");
    assert!(status.contains("200"), "{status}");
    assert!(script.contains("EventSource(\"/__bindery/events\")"));
    let (_, state) = http_get(&address, "/__bindery/state");
    let state: serde_json::Value = serde_json::from_str(&state).unwrap();
    assert_eq!(state["generation"], 1);
    assert_eq!(state["ok"], true);
    assert_eq!(state["nav"], "/book/OEBPS/nav.xhtml");
    let (status, chapter) = http_get(&address, "/book/OEBPS/text/ch001.xhtml");
    assert!(status.contains("200"), "{status}");
    assert!(chapter.contains("The first version."));
    // Nothing outside the EPUB just built is served.
    for path in [
        "/book/../book.toml",
        "/book/%2e%2e/book.toml",
        "/src/a.md",
        "/book.pdf",
    ] {
        assert!(http_get(&address, path).0.contains("404"), "{path}");
    }

    // The page's event stream: one event per build, as soon as it ends.
    let mut events = std::net::TcpStream::connect(&address).unwrap();
    write!(
        events,
        "GET /__bindery/events HTTP/1.1\r\nHost: {address}\r\n\r\n"
    )
    .unwrap();
    events
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    let mut events = BufReader::new(events);
    let mut line = String::new();
    events.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    let mut next_event = || loop {
        line.clear();
        events.read_line(&mut line).unwrap();
        assert!(!line.is_empty(), "the event stream ended");
        if let Some(data) = line.strip_prefix("data: ") {
            return data.trim().to_string();
        }
    };

    std::fs::write(dir.path().join("src/a.md"), "# A\n\nThe second version.\n").unwrap();
    assert_eq!(next_event(), "2");
    let (_, chapter) = http_get(&address, "/book/OEBPS/text/ch001.xhtml");
    assert!(chapter.contains("The second version."));

    // A failed build: the page is told, and the state carries the diagnostics.
    std::fs::write(dir.path().join("book.toml"), "[book\ntitle = \"T\"\n").unwrap();
    assert_eq!(next_event(), "3");
    let (_, state) = http_get(&address, "/__bindery/state");
    let state: serde_json::Value = serde_json::from_str(&state).unwrap();
    assert_eq!(state["ok"], false);
    let diagnostics = state["diagnostics"].as_str().unwrap();
    assert!(diagnostics.contains("book.toml:1:"), "{diagnostics}");
    // The previous book is still shown behind them.
    let (_, chapter) = http_get(&address, "/book/OEBPS/text/ch001.xhtml");
    assert!(chapter.contains("The second version."));
}

#[test]
fn a_build_ends_with_a_summary_and_colours_follow_the_choice_and_no_color() {
    let dir = book(&[
        TOML,
        ("src/SUMMARY.md", b"- [A](a.md)\n"),
        ("src/a.md", b"# A\n\n![image1](missing.png)\n"),
    ]);
    let run = |args: &[&str], no_color: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_bindery"));
        cmd.arg("build").arg(dir.path()).args(args);
        cmd.env("SOURCE_DATE_EPOCH", EPOCH).env_remove("NO_COLOR");
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stderr).unwrap()
    };
    let plain = run(&[], false);
    let last_but_one = plain.lines().rev().nth(1).unwrap();
    assert!(last_but_one.starts_with("wrote "), "{plain}");
    assert!(last_but_one.contains("book.epub ("), "{plain}");
    assert!(
        last_but_one.contains(" pages)") && last_but_one.contains(" in "),
        "{plain}"
    );
    // Not a terminal: no colours unless asked; `always` colours; NO_COLOR does not beat `always`.
    assert!(!plain.contains('\x1b'));
    assert!(run(&["--color", "always"], false).contains("\x1b[1;33mwarning"));
    assert!(run(&["--color", "always"], true).contains('\x1b'));
    assert!(!run(&["--color", "auto"], true).contains('\x1b'));
    // -v: the stages and their times; -q: no summary.
    let verbose = run(&["-v"], false);
    for stage in ["load", "pictures", "epub and pdf", "write"] {
        assert!(
            verbose
                .lines()
                .any(|l| l.trim_start().starts_with(stage) && l.ends_with(" s")),
            "{stage}: {verbose}"
        );
    }
    assert!(!run(&["-q"], false).contains("wrote "));
}

#[test]
fn a_build_tells_its_progress_of_each_stage_and_each_picture() {
    use bindery::pipeline::{build_with_progress, Format, PdfOverrides, Progress, Request};
    use std::sync::Mutex;
    #[derive(Default)]
    struct Record(Mutex<Vec<String>>);
    impl Progress for Record {
        fn stage(&self, name: &'static str, steps: Option<u64>) {
            self.0.lock().unwrap().push(format!("{name} {steps:?}"));
        }
        fn step(&self) {
            self.0.lock().unwrap().push("step".into());
        }
        fn done(&self) {
            self.0.lock().unwrap().push("done".into());
        }
    }
    let out = tempfile::tempdir().unwrap();
    let req = Request {
        root: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        out_dir: Some(out.path().to_path_buf()),
        format: Format::All,
        deny_warnings: false,
        write: true,
        pdf: PdfOverrides::default(),
        handout: None,
        no_cache: true,
        fetch_remote: None,
    };
    let record = Record::default();
    let outcome = build_with_progress(&req, &record).unwrap();
    assert!(!outcome.failed());
    let events = record.0.into_inner().unwrap();
    let pictures = events
        .iter()
        .position(|e| e.starts_with("pictures Some("))
        .unwrap();
    let count: usize = events[pictures]["pictures Some(".len()..events[pictures].len() - 1]
        .parse()
        .unwrap();
    assert!(count >= 5, "{events:?}");
    // One step per picture, then one per chapter typeset, then writing the PDF.
    let typesetting = events
        .iter()
        .position(|e| e.starts_with("typesetting Some("))
        .expect("a typesetting stage");
    let steps = |range: &[String]| range.iter().filter(|e| *e == "step").count();
    assert_eq!(steps(&events[pictures..typesetting]), count, "{events:?}");
    let chapters: usize = events[typesetting]
        ["typesetting Some(".len()..events[typesetting].len() - 1]
        .parse()
        .unwrap();
    let summary = std::fs::read_to_string(req.root.join("book/SUMMARY.md")).unwrap();
    let listed = summary.lines().filter(|l| l.contains(".md)")).count();
    assert_eq!(
        chapters, listed,
        "one per chapter of the bundled book: {events:?}"
    );
    let writing = events
        .iter()
        .position(|e| e == "writing PDF None")
        .expect("a writing stage");
    assert_eq!(steps(&events[typesetting..writing]), chapters, "{events:?}");
    assert_eq!(events.last().map(String::as_str), Some("done"));
}
