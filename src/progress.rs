//! How a build tells its progress: the [`Progress`] hook the stages call (from worker
//! threads), and its terminal form, [`Bars`] (the home of `indicatif`): one bar per stage,
//! shown only once the build has run for `SHOW_AFTER`, so quick builds print nothing but their
//! summary. Pictures and typeset chapters count up; writing the PDF, which has no count, is a
//! spinner with its time.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Told how a build goes, for a progress bar: each stage as it starts (with how many steps it
/// has, when that is known), and each step done. Called from worker threads.
pub trait Progress: Sync {
    fn stage(&self, name: &'static str, steps: Option<u64>);
    fn step(&self);
    fn done(&self);
    /// The build waits for something outside it (another build holding the output folder):
    /// said at once, on standard error, whatever else is shown.
    fn waiting(&self, message: &str) {
        eprintln!("bindery: {message}");
    }
}

/// A build nobody watches.
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _: &'static str, _: Option<u64>) {}
    fn step(&self) {}
    fn done(&self) {}
}

/// A build shorter than this shows no bar.
const SHOW_AFTER: Duration = Duration::from_secs(1);

pub struct Bars {
    started: Instant,
    bar: Mutex<Option<ProgressBar>>,
}

impl Bars {
    pub fn new() -> Bars {
        Bars {
            started: Instant::now(),
            bar: Mutex::new(None),
        }
    }
}

impl Default for Bars {
    fn default() -> Self {
        Bars::new()
    }
}

fn reveal(bar: &ProgressBar) {
    if bar.is_hidden() && !bar.is_finished() {
        bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(8));
    }
}

impl Progress for Bars {
    fn stage(&self, name: &'static str, steps: Option<u64>) {
        let mut slot = self.bar.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = slot.take() {
            old.finish_and_clear();
        }
        let bar = ProgressBar::with_draw_target(steps, ProgressDrawTarget::hidden());
        let style = match steps {
            Some(_) => {
                ProgressStyle::with_template("{prefix:>13} [{bar:32}] {pos}/{len}  {elapsed}")
            }
            None => ProgressStyle::with_template("{prefix:>13} {spinner}  {elapsed}"),
        };
        if let Ok(style) = style {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(name);
        if steps.is_none() {
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        match SHOW_AFTER.checked_sub(self.started.elapsed()) {
            None => reveal(&bar),
            // Shown once the build has lasted SHOW_AFTER, if this stage is still going.
            Some(wait) => {
                let later = bar.clone();
                std::thread::spawn(move || {
                    std::thread::sleep(wait);
                    reveal(&later);
                });
            }
        }
        *slot = Some(bar);
    }

    fn step(&self) {
        if let Some(bar) = &*self.bar.lock().unwrap_or_else(|p| p.into_inner()) {
            bar.inc(1);
        }
    }

    fn done(&self) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|p| p.into_inner()).take() {
            bar.finish_and_clear();
        }
    }
}
