//! Interrupts (Ctrl-C, SIGTERM from systemd, `docker stop` or an IDE's stop button, SIGHUP when
//! the terminal closes), all handled alike. The home of `ctrlc`.
//!
//! A one-off build stops at once, except while it is writing its outputs: then the set is
//! committed (or left for the next run to complete) first, so an interrupt never leaves a
//! temporary file or a new EPUB beside an old PDF. `watch` and `serve` are told through
//! [`stop_requested`] and stop after the build in progress. A second interrupt stops at once.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// How the process answers an interrupt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Exit at once (status 130) unless outputs are being written; then after them.
    Build,
    /// Raise the stop flag; the watcher ends after the build in progress.
    Watch,
}

static MODE: AtomicU8 = AtomicU8::new(0);
static STOP: AtomicBool = AtomicBool::new(false);
static WRITING: AtomicBool = AtomicBool::new(false);

/// The exit status of a process stopped by an interrupt (128 + SIGINT).
pub const INTERRUPTED: i32 = 130;

/// Install the handler for SIGINT, SIGTERM and SIGHUP. Only the first call installs it.
pub fn install(mode: Mode) -> Result<(), String> {
    MODE.store(mode as u8, Ordering::SeqCst);
    match ctrlc::set_handler(on_signal) {
        Ok(()) | Err(ctrlc::Error::MultipleHandlers) => Ok(()),
        Err(e) => Err(format!("cannot catch interrupts: {e}")),
    }
}

fn on_signal() {
    let second = STOP.swap(true, Ordering::SeqCst);
    let watching = MODE.load(Ordering::SeqCst) == Mode::Watch as u8;
    if second || (!watching && !WRITING.load(Ordering::SeqCst)) {
        std::process::exit(INTERRUPTED);
    }
}

/// Whether an interrupt has come.
pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Held while outputs are written: an interrupt meanwhile waits for the writing to end, and a
/// one-off build then exits (when the guard is dropped).
pub struct Writing(());

impl Writing {
    pub fn start() -> Writing {
        WRITING.store(true, Ordering::SeqCst);
        Writing(())
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        WRITING.store(false, Ordering::SeqCst);
        if STOP.load(Ordering::SeqCst) && MODE.load(Ordering::SeqCst) == Mode::Build as u8 {
            std::process::exit(INTERRUPTED);
        }
    }
}
