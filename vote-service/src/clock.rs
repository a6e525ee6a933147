//! The service's clock: the real one, or one shifted to start at a given instant (`--now`) and advance in real time,
//! for rehearsals and tests.

use jiff::{SignedDuration, Timestamp};

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    offset: SignedDuration,
}

impl Clock {
    pub fn real() -> Self {
        Clock { offset: SignedDuration::ZERO }
    }

    /// A clock that reads `start` now.
    pub fn starting_at(start: Timestamp) -> Self {
        Clock { offset: start.duration_since(Timestamp::now()) }
    }

    pub fn now(&self) -> Timestamp {
        Timestamp::now().checked_add(self.offset).unwrap_or_else(|_| Timestamp::now())
    }

    pub fn is_shifted(&self) -> bool {
        !self.offset.is_zero()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_starts_where_asked_and_advances() {
        let start: Timestamp = "2020-08-22T01:00:00Z".parse().expect("instant");
        let clock = Clock::starting_at(start);
        let read = clock.now();
        assert!(read >= start && read.duration_since(start) < SignedDuration::from_secs(5));
        assert!(clock.is_shifted());
    }
}
