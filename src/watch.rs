//! `bindery watch`: build, then build again after every change to the book's files (reports,
//! SUMMARY.md, book.toml, pictures, fonts, included files inside the book folder), until Ctrl-C.
//! The home of `notify` (file events) and `ctrlc` (the interrupt).
//!
//! A failing edit prints its diagnostics and leaves the previous outputs as they were (the
//! pipeline writes nothing when the book has errors); the watcher keeps running. Changes are
//! debounced: an editor's save is several events, and a rebuild starts once the folder has been
//! quiet for `QUIET`. Events in the output folder (our own writes) and in `.git` are ignored.
//! Ctrl-C lets a build that is writing finish its atomic renames, then stops, so no temporary
//! file is left; a second Ctrl-C stops at once.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::Error;

/// How long the folder must be quiet after a change before the rebuild starts.
const QUIET: Duration = Duration::from_millis(250);

/// Watch `root`, ignoring `out_dir`; `build` runs once at the start and after each change and
/// returns the files it wrote (to clean their temporaries at the end).
pub fn watch(
    root: &Path,
    out_dir: &Path,
    build: &mut dyn FnMut() -> Vec<PathBuf>,
    on_start: &mut dyn FnMut(&Path),
) -> Result<(), Error> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    })
    .map_err(|e| Error::Usage(format!("cannot catch Ctrl-C: {e}")))?;
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    })
    .map_err(|e| Error::Usage(format!("cannot watch files: {e}")))?;
    watcher
        .watch(root, RecursiveMode::Recursive)
        .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", root.display())))?;
    let absolute =
        |p: &Path| crate::book::fs::normalize(&std::env::current_dir().unwrap_or_default().join(p));
    let out_abs = absolute(out_dir);
    let out_real = out_dir.canonicalize().ok();
    let ignored = |p: &Path| {
        let p = absolute(p);
        p.starts_with(&out_abs)
            || out_real.as_ref().is_some_and(|o| p.starts_with(o))
            || p.components().any(|c| c.as_os_str() == ".git")
    };
    let mut written: Vec<PathBuf> = build();
    on_start(root);
    let relevant = |event: &notify::Event| {
        !matches!(event.kind, EventKind::Access(_)) && event.paths.iter().any(|p| !ignored(p))
    };
    while !stop.load(Ordering::SeqCst) {
        let event = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(Ok(event)) => event,
            Ok(Err(_)) | Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        if !relevant(&event) {
            continue;
        }
        // Wait until no relevant change has come for QUIET: an editor's save is several events.
        // Only relevant events restart the wait: a reader opening the outputs every moment
        // (events in the output folder) must not hold the rebuild back for ever.
        let mut last = Instant::now();
        while let Some(left) = QUIET.checked_sub(last.elapsed()) {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            match rx.recv_timeout(left) {
                Ok(Ok(e)) if relevant(&e) => last = Instant::now(),
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        if stop.load(Ordering::SeqCst) {
            break;
        }
        for path in build() {
            if !written.contains(&path) {
                written.push(path);
            }
        }
    }
    for path in &written {
        if let (Some(dir), Some(name)) = (path.parent(), path.file_name()) {
            crate::output::clean_stale_temporaries(dir, &name.to_string_lossy());
        }
    }
    Ok(())
}
