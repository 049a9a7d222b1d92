//! Hostile input, round 3: the author's loop (the picture cache, the output folder, `watch`,
//! `serve`, `new-report`, signals) must not be turned against the person running it. Each test
//! is one kind of attack or accident, run on the real binary.

use crate::support::*;
use std::io::Write as _;
use std::time::{Duration, Instant};

fn outputs(dir: &Path) -> Vec<Vec<u8>> {
    ["book.epub", "book.pdf"]
        .iter()
        .map(|n| std::fs::read(dir.join(n)).unwrap_or_default())
        .collect()
}

fn build_into(book: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "build",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    bindery(&args, &[])
}

/// The bundled book's outputs built without any cache.
fn cold_outputs(book: &Path) -> Vec<Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let run = build_into(book, out.path(), &["--no-cache", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    outputs(out.path())
}

fn entries(out: &Path) -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(out.join(".bindery-cache/pictures"))
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[cfg(unix)]
#[test]
fn a_cache_folder_linked_out_of_the_book_is_never_written_or_trimmed() {
    let book = copy_bundled_book();
    // Cache folders shipped in a cloned book, as links to a folder of the user's.
    let home = tempfile::tempdir().unwrap();
    let thesis = home.path().join("pictures/thesis.odt");
    std::fs::create_dir_all(home.path().join("pictures")).unwrap();
    std::fs::write(&thesis, vec![7u8; 300_000]).unwrap();
    let old = std::time::SystemTime::now() - Duration::from_secs(86_400 * 365);
    std::fs::File::options()
        .append(true)
        .open(&thesis)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let toml = book.path().join("book.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    // A 1 MiB cache: the trim would have to delete to get under it.
    std::fs::write(&toml, text.replace("[bindery]", "[bindery]\ncache-mib = 1")).unwrap();
    let out = book.path().join("out");
    for link in [".bindery-cache", ".bindery-cache/pictures"] {
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(out.join(".bindery-cache")).unwrap();
        if link == ".bindery-cache" {
            std::fs::remove_dir(out.join(".bindery-cache")).unwrap();
            std::os::unix::fs::symlink(home.path(), out.join(link)).unwrap();
        } else {
            std::os::unix::fs::symlink(home.path().join("pictures"), out.join(link)).unwrap();
        }
        let run = bindery(
            &["build", book.path().to_str().unwrap(), "--color", "never"],
            &[],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stderr.contains("picture cache is not used"),
            "{}",
            run.stderr
        );
        let left: Vec<_> = std::fs::read_dir(home.path().join("pictures"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("thesis.odt")], "{link}");
        assert_eq!(std::fs::read(&thesis).unwrap().len(), 300_000);
    }
}

#[cfg(unix)]
#[test]
fn fifos_flipped_bytes_and_planted_entries_are_made_again_not_trusted() {
    let book = copy_bundled_book();
    let expected = cold_outputs(book.path());
    let out = tempfile::tempdir().unwrap();
    let run = build_into(book.path(), out.path(), &["-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let found = entries(out.path());
    assert!(found.len() >= 4, "{found:?}");
    // A FIFO (would hang a read), a byte flipped in the picture data past the header, an
    // entry copied from another picture, a link to /dev/zero.
    std::fs::remove_file(&found[0]).unwrap();
    assert!(Command::new("mkfifo")
        .arg(&found[0])
        .status()
        .unwrap()
        .success());
    let mut flipped = std::fs::read(&found[1]).unwrap();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    std::fs::write(&found[1], flipped).unwrap();
    std::fs::copy(&found[3], &found[2]).unwrap();
    std::fs::remove_file(&found[3]).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &found[3]).unwrap();
    let started = Instant::now();
    let run = build_into(book.path(), out.path(), &["--color", "never"]);
    assert!(started.elapsed() < Duration::from_secs(120));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("4 picture cache entries were damaged"),
        "{}",
        run.stderr
    );
    assert!(
        outputs(out.path()) == expected,
        "a damaged cache changed the book"
    );
    // Replaced by sound entries: the next build reads them all back.
    let run = build_into(book.path(), out.path(), &["--color", "never"]);
    assert!(!run.stderr.contains("damaged"), "{}", run.stderr);
    assert!(outputs(out.path()) == expected);
    // A cache folder copied to another output folder (a clone that ships out/) is not trusted.
    let other = tempfile::tempdir().unwrap();
    Command::new("cp")
        .arg("-r")
        .arg(out.path().join(".bindery-cache"))
        .arg(other.path())
        .status()
        .unwrap();
    let run = build_into(book.path(), other.path(), &["--color", "never"]);
    assert!(
        run.stderr.contains("were damaged or not made here"),
        "{}",
        run.stderr
    );
    assert!(outputs(other.path()) == expected);
}

#[test]
fn two_builds_into_one_folder_take_turns() {
    let book = copy_bundled_book();
    let expected = cold_outputs(book.path());
    let out = tempfile::tempdir().unwrap();
    for round in 0..3 {
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_bindery"))
                .args(["build", book.path().to_str().unwrap(), "-q", "--out"])
                .arg(out.path())
                .env("SOURCE_DATE_EPOCH", EPOCH)
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        for child in [a, b] {
            let done = child.wait_with_output().unwrap();
            assert!(
                done.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&done.stderr)
            );
        }
        assert!(outputs(out.path()) == expected, "round {round}");
        let stray: Vec<_> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.') && n != ".bindery-cache")
            .collect();
        assert!(stray.is_empty(), "round {round}: {stray:?}");
    }
}

#[cfg(unix)]
#[test]
fn sigterm_at_any_moment_leaves_one_whole_pair_and_no_temporary() {
    let book = copy_bundled_book();
    let out = tempfile::tempdir().unwrap();
    let run = build_into(book.path(), out.path(), &["-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = outputs(out.path());
    // A second version of the book: each build replaces the pair with the other version's.
    let report = book.path().join("book/hallway-track.md");
    let original = std::fs::read_to_string(&report).unwrap();
    let changed = format!("{original}\nA line that makes the second version.\n");
    std::fs::write(&report, &changed).unwrap();
    let run = build_into(book.path(), out.path(), &["-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let second = outputs(out.path());
    let mut stopped = 0;
    for (i, delay_ms) in [50u64, 150, 250, 350, 450, 600, 800, 1000]
        .iter()
        .enumerate()
    {
        std::fs::write(&report, if i % 2 == 0 { &original } else { &changed }).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_bindery"))
            .args(["build", book.path().to_str().unwrap(), "-q", "--out"])
            .arg(out.path())
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(*delay_ms));
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let status = child.wait().unwrap();
        // 130: stopped by the handler; no code: stopped before the handler was installed.
        if status.code() == Some(130) || status.code().is_none() {
            stopped += 1;
        } else {
            assert!(status.success(), "{status:?}");
        }
        let now = outputs(out.path());
        assert!(
            now == first || now == second,
            "a mixed pair after SIGTERM at {delay_ms} ms"
        );
        let stray: Vec<_> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.') && n != ".bindery-cache")
            .collect();
        assert!(
            stray.is_empty(),
            "after SIGTERM at {delay_ms} ms: {stray:?}"
        );
    }
    assert!(stopped > 0, "no build was stopped by SIGTERM");
}

/// Run `bindery watch` on `book` with its messages in `log`; returns the process.
fn watch(book: &Path, log: &Path, extra: &[&str]) -> Reap {
    long_running("watch", book, log, extra)
}

/// Run `bindery COMMAND BOOK EXTRA...` with its messages in `log`, until the test ends.
fn long_running(command: &str, book: &Path, log: &Path, extra: &[&str]) -> Reap {
    let log_file = std::fs::File::create(log).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args([command, book.to_str().unwrap(), "--color", "never"])
        .args(extra)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stdout(log_file.try_clone().unwrap())
        .stderr(log_file)
        .spawn()
        .unwrap();
    Reap(child)
}

fn builds_in(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("wrote "))
        .count()
}

fn wait_until(what: &str, log: &Path, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "{what}:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn watch_ignores_its_own_log_in_the_book_and_a_busy_file_cannot_starve_an_edit() {
    let book = copy_bundled_book();
    // `bindery watch . > watch.log` inside the book: each build's line is a change of a file
    // the book does not read.
    let log = book.path().join("watch.log");
    let watcher = watch(book.path(), &log, &[]);
    wait_until("the first build", &log, || builds_in(&log) >= 1);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        builds_in(&log),
        1,
        "watch rebuilt after its own log changed"
    );
    // A file the book reads, rewritten every 100 ms for 6 s, and an edit meanwhile: the edit is
    // built within the longest wait, not after the busy file stops.
    let busy = book.path().join("book/busy.md");
    let writer = {
        let busy = busy.clone();
        std::thread::spawn(move || {
            for i in 0..60 {
                std::fs::write(&busy, format!("# Busy\n\nVersion {i}.\n")).unwrap();
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    let report = book.path().join("book/hallway-track.md");
    let mut text = std::fs::read_to_string(&report).unwrap();
    text.push_str("\nAn edit made while another file is busy.\n");
    std::fs::write(&report, text).unwrap();
    let edited = Instant::now();
    wait_until("a build after the edit", &log, || builds_in(&log) >= 2);
    assert!(
        edited.elapsed() < Duration::from_secs(5),
        "the edit waited {:?} for a busy file",
        edited.elapsed()
    );
    writer.join().unwrap();
    drop(watcher);
}

/// The inotify watches a process holds (Linux: one `inotify wd:` line per watch in fdinfo).
#[cfg(target_os = "linux")]
fn inotify_watches(pid: u32) -> usize {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fdinfo")) else {
        return 0;
    };
    fds.flatten()
        .map(|f| {
            std::fs::read_to_string(f.path())
                .unwrap_or_default()
                .lines()
                .filter(|l| l.starts_with("inotify wd:"))
                .count()
        })
        .sum()
}

#[cfg(target_os = "linux")]
#[test]
fn watch_follows_no_link_out_of_the_book() {
    let book = copy_bundled_book();
    std::os::unix::fs::symlink("/usr", book.path().join("usr-link")).unwrap();
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("watch.log");
    let watcher = watch(book.path(), &log, &[]);
    wait_until("the first build", &log, || builds_in(&log) >= 1);
    let watches = inotify_watches(watcher.0.id());
    // The book's own folders (a handful), not the thousands under /usr.
    assert!(watches > 0 && watches < 100, "{watches} inotify watches");
    drop(watcher);
}

#[test]
fn an_output_folder_that_holds_the_book_is_refused() {
    let book = copy_bundled_book();
    let path = book.path().to_str().unwrap();
    for out in [path.to_string(), format!("{path}/..")] {
        let run = bindery(&["build", path, "--out", &out, "-q"], &[]);
        assert_eq!(run.code, 2, "--out {out}: {}", run.stderr);
        assert!(run.stderr.contains("holds it"), "{}", run.stderr);
        let log = tempfile::tempdir().unwrap();
        let log = log.path().join("watch.log");
        let mut watcher = watch(book.path(), &log, &["--out", &out]);
        let status = watcher.0.wait().unwrap();
        assert_eq!(status.code(), Some(2), "watch --out {out}");
        assert!(std::fs::read_to_string(&log).unwrap().contains("holds it"));
    }
}

#[test]
fn new_report_writes_only_inside_the_book() {
    let parent = tempfile::tempdir().unwrap();
    let book = parent.path().join("book");
    std::fs::create_dir_all(&book).unwrap();
    let elsewhere = parent.path().join("elsewhere");
    for src in ["../elsewhere", elsewhere.to_str().unwrap()] {
        std::fs::write(
            book.join("book.toml"),
            format!("[book]\ntitle = \"T\"\nsrc = {src:?}\n"),
        )
        .unwrap();
        let run = bindery(
            &[
                "new-report",
                "Hanoi meetup",
                "--book",
                book.to_str().unwrap(),
            ],
            &[],
        );
        assert_eq!(run.code, 2, "src = {src}: {}", run.stderr);
        assert!(run.stderr.contains("outside the book"), "{}", run.stderr);
        assert!(!elsewhere.exists(), "src = {src} wrote outside the book");
    }
    // A report folder that is a link out of the book.
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(
        book.join("book.toml"),
        "[book]\ntitle = \"T\"\nsrc = \"src\"\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&elsewhere, book.join("src")).unwrap();
        let run = bindery(&["new-report", "X", "--book", book.to_str().unwrap()], &[]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
        std::fs::remove_file(book.join("src")).unwrap();
        // A SUMMARY.md that links out: not read, not written through.
        std::fs::create_dir_all(book.join("src")).unwrap();
        std::fs::write(elsewhere.join("secret.md"), "# Secret\n").unwrap();
        std::os::unix::fs::symlink(elsewhere.join("secret.md"), book.join("src/SUMMARY.md"))
            .unwrap();
        let run = bindery(&["new-report", "X", "--book", book.to_str().unwrap()], &[]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert_eq!(
            std::fs::read_to_string(elsewhere.join("secret.md")).unwrap(),
            "# Secret\n"
        );
        std::fs::remove_file(book.join("src/SUMMARY.md")).unwrap();
    }
    // Impossible dates, titles and names that would break SUMMARY.md or the front matter.
    let b = book.to_str().unwrap();
    for args in [
        vec!["new-report", "X", "--book", b, "--date", "2024-02-30"],
        vec!["new-report", "Two\nlines", "--book", b],
        vec![
            "new-report",
            "X",
            "--book",
            b,
            "--author",
            "A\n---\nevil: 1",
        ],
    ] {
        let run = bindery(&args, &[]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
    // A trailing backslash is escaped: the SUMMARY line is still one link the build reads.
    std::fs::write(book.join("src/SUMMARY.md"), "# Summary\n").unwrap();
    let run = bindery(
        &[
            "new-report",
            "Ends with \\",
            "--book",
            b,
            "--date",
            "2024-02-29",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (built, _out) = build(&book);
    assert_eq!(built.code, 0, "{}", built.stderr);
    assert!(!built.stderr.contains("SUMMARY.md"), "{}", built.stderr);
}

#[cfg(unix)]
#[test]
fn a_full_standard_output_is_an_exit_code_not_a_panic() {
    let full = std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .unwrap();
    for args in [vec!["completions", "bash"], vec!["manpage"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_bindery"))
            .args(&args)
            .stdout(full.try_clone().unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// Start `bindery serve` on a copy of the bundled book; returns the process and its address.
fn serve(book: &Path, log: &Path) -> (Reap, String) {
    let reap = long_running("serve", book, log, &["--port", "0"]);
    let mut address = String::new();
    wait_until("the preview's address", log, || {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if let Some(rest) = text.split("serving http://").nth(1) {
            address = rest.split('/').next().unwrap_or("").to_string();
        }
        !address.is_empty()
    });
    (reap, address)
}

/// One request; the status code, the head and the body (empty on a refused connection).
fn get(address: &str, path: &str, headers: &str) -> (u16, String, Vec<u8>) {
    let Ok(mut s) = std::net::TcpStream::connect(address) else {
        return (0, String::new(), Vec::new());
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(20)));
    let _ = write!(s, "GET {path} HTTP/1.1\r\n{headers}\r\n");
    let mut all = Vec::new();
    let _ = s.read_to_end(&mut all);
    let split = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(all.len());
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (
        status,
        head,
        all.get(split + 4..).unwrap_or_default().to_vec(),
    )
}

#[test]
fn the_preview_answers_its_own_origin_only_and_stays_up_when_flooded() {
    let book = copy_bundled_book();
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("serve.log");
    let (_server, address) = serve(book.path(), &log);
    let host = format!("Host: {address}\r\n");
    wait_until("the first build", &log, || builds_in(&log) >= 1);
    let (status, head, body) = get(&address, "/", &host);
    assert_eq!(status, 200, "{head}");
    for h in [
        "X-Content-Type-Options: nosniff",
        "frame-ancestors 'self'",
        "script-src 'self'",
    ] {
        assert!(head.contains(h), "{h} missing in {head}");
    }
    assert!(
        !String::from_utf8_lossy(&body).contains("<script>"),
        "inline script in the page"
    );
    // DNS rebinding: another name for 127.0.0.1. A page of another origin.
    let port = address.rsplit(':').next().unwrap();
    let (status, _, body) = get(
        &address,
        "/__bindery/state",
        &format!("Host: evil.example:{port}\r\n"),
    );
    assert_eq!(status, 421);
    assert!(!String::from_utf8_lossy(&body).contains("generation"));
    let (status, _, _) = get(
        &address,
        "/book.pdf",
        &format!("{host}Origin: http://evil.example\r\n"),
    );
    assert_eq!(status, 403);
    // The book's own documents may run no script at all.
    let (_, state, _) = get(&address, "/__bindery/state", &host);
    assert!(state.contains("application/json"), "{state}");

    // 2,000 idle connections that never send a request: the server refuses what is over its
    // cap, never panics, and answers again as soon as they go.
    #[cfg(unix)]
    {
        use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
        let limit = getrlimit(Resource::Nofile);
        let want = 4096u64.min(limit.maximum.unwrap_or(4096));
        let _ = setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(want),
                maximum: limit.maximum,
            },
        );
    }
    let mut idle = Vec::new();
    for _ in 0..2000 {
        match std::net::TcpStream::connect(&address) {
            Ok(s) => idle.push(s),
            Err(_) => break,
        }
    }
    assert!(idle.len() >= 900, "only {} connections opened", idle.len());
    let started = Instant::now();
    let (status, _, _) = get(&address, "/", &host);
    assert!(matches!(status, 200 | 503), "{status}");
    assert!(started.elapsed() < Duration::from_secs(15));
    drop(idle);
    let started = Instant::now();
    loop {
        let (status, _, _) = get(&address, "/", &host);
        if status == 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no answer after the flood: {status}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("panicked"), "{text}");
}
