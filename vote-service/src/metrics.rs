//! What an operator watches, in the Prometheus (OpenMetrics) text format at `GET /metrics`: answers by code, the
//! writer's batches and commit latency, the queue, connections, the database's size, and the day's votes per case
//! only while tallies are visible. Counts of votes are never shown earlier than `GET /api/tally` would show them.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The writer's part: how big its batches are and how long its commits take.
#[derive(Debug, Clone)]
pub struct WriterMetrics {
    pub batch_votes: Histogram,
    pub commit_seconds: Histogram,
    pub failed_commits: Counter,
}

impl Default for WriterMetrics {
    fn default() -> Self {
        WriterMetrics {
            batch_votes: Histogram::new(exponential_buckets(1.0, 4.0, 6)),
            commit_seconds: Histogram::new(exponential_buckets(0.0005, 2.0, 12)),
            failed_commits: Counter::default(),
        }
    }
}

/// Every metric of one service.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// Vote answers by `code` (`counted`, `repeat`, `already_voted`, `foreign_origin`, ...).
    pub answers: Family<[(&'static str, &'static str); 1], Counter>,
    pub writer: WriterMetrics,
    pub connections: Gauge,
    queue_depth: Gauge,
    database_bytes: Gauge,
    day_votes: Family<Vec<(String, String)>, Gauge<u64, AtomicU64>>,
}

/// What is read when the metrics are asked for.
#[derive(Debug, Clone, Default)]
pub struct Readings {
    pub queue_depth: usize,
    pub database_bytes: u64,
    /// The day's votes per case, `None` while tallies are hidden.
    pub day_votes: Option<Vec<(String, u64)>>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("vote_service");
        let answers = Family::default();
        registry.register("vote_answers", "Vote requests answered, by code", answers.clone());
        let writer = WriterMetrics::default();
        registry.register("batch_votes", "Votes decided per write transaction", writer.batch_votes.clone());
        registry.register(
            "commit_seconds",
            "Time to write and durably commit a batch of votes",
            writer.commit_seconds.clone(),
        );
        registry.register(
            "failed_commits",
            "Write transactions that failed (votes answered 503)",
            writer.failed_commits.clone(),
        );
        let connections = Gauge::default();
        registry.register("connections", "Client connections open now", connections.clone());
        let queue_depth = Gauge::default();
        registry.register("queue_depth", "Votes waiting for the writer", queue_depth.clone());
        let database_bytes = Gauge::default();
        registry.register("database_bytes", "Size of the vote database file", database_bytes.clone());
        let day_votes = Family::default();
        registry.register(
            "day_votes",
            "Votes counted today per case (only while tallies are visible)",
            day_votes.clone(),
        );
        Metrics { registry, answers, writer, connections, queue_depth, database_bytes, day_votes }
    }
}

impl Metrics {
    /// Counts one vote answer.
    pub fn answered(&self, code: &'static str) {
        // Static labels: counting an answer allocates nothing.
        self.answers.get_or_create(&[("code", code)]).inc();
    }

    /// The text exposition, with `readings` taken now.
    pub fn render(&self, readings: &Readings) -> String {
        self.queue_depth.set(i64::try_from(readings.queue_depth).unwrap_or(i64::MAX));
        self.database_bytes.set(i64::try_from(readings.database_bytes).unwrap_or(i64::MAX));
        self.day_votes.clear();
        for (case, votes) in readings.day_votes.iter().flatten() {
            self.day_votes.get_or_create(&vec![("case".to_owned(), case.clone())]).set(*votes);
        }
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_has_every_metric_and_hides_hidden_counts() {
        let metrics = Metrics::default();
        metrics.answered("counted");
        metrics.answered("counted");
        metrics.answered("foreign_origin");
        metrics.writer.batch_votes.observe(3.0);
        metrics.writer.commit_seconds.observe(0.002);
        let hidden = metrics.render(&Readings { queue_depth: 2, database_bytes: 4096, day_votes: None });
        assert!(hidden.contains("vote_service_vote_answers_total{code=\"counted\"} 2"), "{hidden}");
        assert!(hidden.contains("vote_service_vote_answers_total{code=\"foreign_origin\"} 1"), "{hidden}");
        assert!(hidden.contains("vote_service_queue_depth 2"), "{hidden}");
        assert!(hidden.contains("vote_service_database_bytes 4096"), "{hidden}");
        assert!(hidden.contains("vote_service_commit_seconds_bucket"), "{hidden}");
        assert!(!hidden.contains("vote_service_day_votes{"), "{hidden}");
        let shown = metrics.render(&Readings { day_votes: Some(vec![("a".to_owned(), 5)]), ..Readings::default() });
        assert!(shown.contains("vote_service_day_votes{case=\"a\"} 5"), "{shown}");
        assert!(shown.ends_with("# EOF\n"), "{shown}");
    }
}
