//! Error lines that repeat are printed once, then counted: a full disk fails every commit, and a line per failure
//! (tens of thousands in seconds) would bury the first one and fill the disk that holds the logs.

use std::time::{Duration, Instant};

/// How often one kind of error line may be printed.
pub const EVERY: Duration = Duration::from_secs(10);

/// One kind of error line: printed at most once every [`EVERY`], with how many were left out since.
#[derive(Debug, Default)]
pub struct Throttled {
    last: Option<Instant>,
    left_out: u64,
}

impl Throttled {
    /// Prints `line()` on stderr unless a line of this kind was printed less than [`EVERY`] ago.
    pub fn print(&mut self, line: impl FnOnce() -> String) {
        if let Some(left_out) = self.due(Instant::now()) {
            let line = line();
            match left_out {
                0 => eprintln!("{line}"),
                n => eprintln!("{line} (and {n} more like it since the last such line)"),
            }
        }
    }

    /// Whether a line is due at `now`, with how many were left out before it.
    fn due(&mut self, now: Instant) -> Option<u64> {
        match self.last {
            Some(last) if now.duration_since(last) < EVERY => {
                self.left_out += 1;
                None
            }
            _ => {
                self.last = Some(now);
                Some(std::mem::take(&mut self.left_out))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_error_is_printed_once_per_interval_with_a_count() {
        let mut throttled = Throttled::default();
        let start = Instant::now();
        assert_eq!(throttled.due(start), Some(0));
        let printed = (1..50_000u32)
            .filter_map(|i| throttled.due(start + Duration::from_micros(u64::from(i) * 200)))
            .collect::<Vec<_>>();
        assert!(printed.is_empty(), "nothing more within 10 s: {printed:?}");
        assert_eq!(throttled.due(start + EVERY), Some(49_999));
        assert_eq!(throttled.due(start + EVERY * 3), Some(0));
    }
}
