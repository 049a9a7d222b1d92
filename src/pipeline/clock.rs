//! How long each stage took: laps of the build's clock, and stages timed on their own when
//! they run side by side.

/// `f`'s value and how long it took.
pub(super) fn timed<T>(f: impl FnOnce() -> T) -> (T, std::time::Duration) {
    let start = std::time::Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// Stage times for `-v`: each lap is the time since the previous one.
pub(super) struct Clock {
    last: std::time::Instant,
    pub(super) laps: Vec<(&'static str, std::time::Duration)>,
}

impl Clock {
    pub(super) fn start() -> Clock {
        Clock {
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }

    pub(super) fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }

    /// A stage timed elsewhere (a side of a parallel pair), which does not end a lap.
    pub(super) fn record(&mut self, stage: &'static str, took: std::time::Duration) {
        self.laps.push((stage, took));
    }
}
