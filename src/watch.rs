//! `bindery watch`: build, then build again after every change to the book's files (reports,
//! SUMMARY.md, book.toml, pictures, fonts, included files inside the book folder), until an
//! interrupt (Ctrl-C, SIGTERM, SIGHUP). The home of `notify` (file events).
//!
//! A failing edit prints its diagnostics and leaves the previous outputs as they were (the
//! pipeline writes nothing when the book has errors); the watcher keeps running. Changes are
//! debounced: an editor's save is several events, and a rebuild starts once the book has been
//! quiet for `QUIET`, or at the latest `MOST_WAIT` after the first change, so a file rewritten
//! every moment cannot hold an edit back for ever.
//!
//! Only changes the book can see start a build ([`Relevance`]): a file the last build read
//! (reports, SUMMARY.md, book.toml, includes of any kind), or a file of a kind a build reads
//! (Markdown, TOML, pictures, fonts) that is new. Events in the output folder (bindery's own
//! writes), in `.git`, and of other files (`bindery watch > watch.log` inside the book, an
//! editor's swap files) are ignored. Links are not followed: a link to `/usr` in the book adds
//! no watches outside it. An interrupt lets a build that is writing finish its atomic renames,
//! then stops, so no temporary file is left; a second interrupt stops at once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::Error;

/// How long the folder must be quiet after a change before the rebuild starts.
const QUIET: Duration = Duration::from_millis(250);

/// The longest a rebuild waits after the first change, however busy the book is.
const MOST_WAIT: Duration = Duration::from_secs(2);

/// What a build tells the watcher: the files it wrote, and the files it read.
#[derive(Debug, Default)]
pub struct BuildFiles {
    pub written: Vec<PathBuf>,
    pub inputs: Vec<PathBuf>,
}

/// Which changed paths start a rebuild (see the module's documentation).
pub struct Relevance {
    out_abs: PathBuf,
    out_real: Option<PathBuf>,
    inputs: HashSet<PathBuf>,
}

/// The kinds of file a build may read that it did not read last time: a new report, a picture
/// or font just added, a SUMMARY.md written anew.
const KINDS_READ: [&str; 14] = [
    "md", "markdown", "toml", "png", "jpg", "jpeg", "gif", "webp", "svg", "ttf", "otf", "ttc",
    "woff", "woff2",
];

fn absolute(p: &Path) -> PathBuf {
    crate::book::fs::normalize(&std::env::current_dir().unwrap_or_default().join(p))
}

impl Relevance {
    pub fn new(out_dir: &Path) -> Relevance {
        Relevance {
            out_abs: absolute(out_dir),
            out_real: out_dir.canonicalize().ok(),
            inputs: HashSet::new(),
        }
    }

    /// The files the last build read.
    pub fn read(&mut self, inputs: &[PathBuf]) {
        self.inputs = inputs
            .iter()
            .flat_map(|p| [absolute(p), p.canonicalize().unwrap_or_default()])
            .collect();
    }

    /// Whether a change of `path` can change the book.
    pub fn path(&self, path: &Path) -> bool {
        let p = absolute(path);
        let ignored = p.starts_with(&self.out_abs)
            || self.out_real.as_ref().is_some_and(|o| p.starts_with(o))
            || p.components().any(|c| c.as_os_str() == ".git");
        if ignored {
            return false;
        }
        if self.inputs.contains(&p) {
            return true;
        }
        let kind = p
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let hidden = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        kind.is_some_and(|k| KINDS_READ.contains(&k.as_str())) && !hidden
    }

    /// Whether `event` can change the book.
    pub fn event(&self, event: &notify::Event) -> bool {
        if matches!(event.kind, EventKind::Access(_)) {
            return false;
        }
        // A folder made, removed or renamed may add or take away reports.
        let folder = matches!(
            event.kind,
            EventKind::Create(notify::event::CreateKind::Folder)
                | EventKind::Remove(notify::event::RemoveKind::Folder)
        );
        event.paths.iter().any(|p| {
            self.path(p)
                || (folder
                    && !absolute(p).starts_with(&self.out_abs)
                    && !p.components().any(|c| c.as_os_str() == ".git"))
        })
    }
}

/// Watch `root`, ignoring `out_dir`; `build` runs once at the start and after each change.
pub fn watch(
    root: &Path,
    out_dir: &Path,
    build: &mut dyn FnMut() -> BuildFiles,
    on_start: &mut dyn FnMut(&Path),
) -> Result<(), Error> {
    crate::signals::install(crate::signals::Mode::Watch).map_err(Error::Usage)?;
    let (tx, rx) = mpsc::channel();
    let config = notify::Config::default().with_follow_symlinks(false);
    let mut watcher = notify::RecommendedWatcher::new(
        move |event| {
            let _ = tx.send(event);
        },
        config,
    )
    .map_err(|e| Error::Usage(format!("cannot watch files: {e}")))?;
    watcher
        .watch(root, RecursiveMode::Recursive)
        .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", root.display())))?;
    let mut relevance = Relevance::new(out_dir);
    let first = build();
    relevance.read(&first.inputs);
    let mut written = first.written;
    on_start(root);
    let stop = crate::signals::stop_requested;
    while !stop() {
        let event = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(Ok(event)) => event,
            Ok(Err(_)) | Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        if !relevance.event(&event) {
            continue;
        }
        // Wait until no relevant change has come for QUIET (an editor's save is several
        // events), but never longer than MOST_WAIT from the first.
        let first_change = Instant::now();
        let mut last = first_change;
        loop {
            let quiet_left = QUIET.saturating_sub(last.elapsed());
            let most_left = MOST_WAIT.saturating_sub(first_change.elapsed());
            let left = quiet_left.min(most_left);
            if left.is_zero() || stop() {
                break;
            }
            match rx.recv_timeout(left) {
                Ok(Ok(e)) if relevance.event(&e) => last = Instant::now(),
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        if stop() {
            break;
        }
        let built = build();
        relevance.read(&built.inputs);
        for path in built.written {
            if !written.contains(&path) {
                written.push(path);
            }
        }
    }
    for path in &written {
        if let (Some(dir), Some(name)) = (path.parent(), path.file_name()) {
            if let Ok(folder) = crate::folder::Folder::open(dir, false) {
                crate::output::clean_stale_temporaries(&folder, &name.to_string_lossy());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changes_the_book_can_see_are_relevant() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut r = Relevance::new(&root.join("out"));
        r.read(&[root.join("src/notes.txt"), root.join("book.toml")]);
        for yes in [
            "src/a.md",
            "src/notes.txt",
            "book.toml",
            "pictures/new.JPG",
            "fonts/x.otf",
        ] {
            assert!(r.path(&root.join(yes)), "{yes}");
        }
        for no in [
            "watch.log",
            "out/book.epub",
            "out/.bindery-cache/pictures/x.png",
            ".git/index",
            "src/.a.md.swp",
            "src/a.md~",
            "notes.txt",
        ] {
            assert!(!r.path(&root.join(no)), "{no}");
        }
    }
}
