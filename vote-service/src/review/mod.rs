//! Review: finds ballot stuffing (刷票) in the audit log, offline, for people to decide on.
//!
//! The log is read three times, streamed, in memory that grows with the election's days, cases and networks, not
//! with its votes: [`aggregate`] counts, the [`rules`] propose candidates (one rule a file), [`refine`] finds what
//! only the votes can tell (a burst's networks, a dominant User-Agent), and [`count`] counts each finding's votes
//! with the very [`Covers`] selector that a decision will later apply. [`settings`] holds the thresholds,
//! [`report`] prints findings, and [`simulate`] replays a planted election to measure the rules.

pub mod aggregate;
pub mod count;
pub mod finding;
pub mod record;
pub mod refine;
pub mod report;
pub mod rules;
pub mod settings;
pub mod simulate;
#[cfg(test)]
mod tests;

use std::io::BufRead;
use std::path::{Path, PathBuf};

pub use finding::{Covers, Finding, Rule};
pub use record::Vote;
pub use settings::Settings;

use crate::store::{Store, StoreError};

/// Why review could not run.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    /// A bad record: `at` is `file:line` (or the database and the record's sequence number).
    #[error("{at}: {message}")]
    Record { at: String, message: String },
    #[error("{at}: {message}")]
    Settings { at: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where the audit records come from; read once per pass.
pub trait Source {
    /// Calls `each` with every record in counting order; an error of `each` stops it and is reported with where
    /// the record was.
    fn each(&self, each: &mut dyn FnMut(&Vote<'_>) -> Result<(), String>) -> Result<(), ReviewError>;
}

/// A file of JSON lines, as `vote-service audit` prints it.
pub struct AuditFile(pub PathBuf);

/// The audit log of a vote database.
pub struct Database<'a>(pub &'a Store);

impl Source for AuditFile {
    fn each(&self, each: &mut dyn FnMut(&Vote<'_>) -> Result<(), String>) -> Result<(), ReviewError> {
        let name = self.0.display().to_string();
        let io = |e: std::io::Error| ReviewError::Io { path: name.clone(), message: e.to_string() };
        let mut reader = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&self.0).map_err(io)?);
        let mut line = String::new();
        let mut number = 0u64;
        loop {
            line.clear();
            if reader
                .read_line(&mut line)
                .map_err(|e| ReviewError::Io { path: format!("{name}:{}", number + 1), message: e.to_string() })?
                == 0
            {
                return Ok(());
            }
            number += 1;
            let text = line.trim_end();
            if text.is_empty() {
                continue;
            }
            Vote::parse(text)
                .and_then(|vote| each(&vote))
                .map_err(|message| ReviewError::Record { at: format!("{name}:{number}"), message })?;
        }
    }
}

impl Source for Database<'_> {
    fn each(&self, each: &mut dyn FnMut(&Vote<'_>) -> Result<(), String>) -> Result<(), ReviewError> {
        let mut failed = None;
        let mut seq = 0u64;
        self.0.audit_lines(0, u64::MAX, |line| {
            if failed.is_none()
                && let Err(message) = Vote::parse(line).and_then(|vote| each(&vote))
            {
                failed = Some(ReviewError::Record { at: format!("{}: audit record {seq}", self.0.path()), message });
            }
            seq += 1;
        })?;
        failed.map_or(Ok(()), Err)
    }
}

/// Every finding in the audit log of `source`, sorted by time, rule and case.
pub fn review(source: &dyn Source, settings: &Settings) -> Result<Vec<Finding>, ReviewError> {
    let zone = settings.time_zone().map_err(|message| ReviewError::Settings { at: "rules".to_owned(), message })?;
    let mut totals = aggregate::Aggregates::new();
    source.each(&mut |vote| totals.add(vote, &zone, settings))?;
    let candidates = rules::detect(&totals, settings);
    drop(totals);
    let candidates = refine::refine(source, candidates, settings)?;
    count::count(source, candidates)
}

/// [`review`] of the audit file at `path` or of the database at `db`, with the rules file `rules` if given.
pub fn review_input(
    audit: Option<&Path>,
    db: Option<&Path>,
    rules: Option<&Path>,
) -> Result<Vec<Finding>, ReviewError> {
    let settings = rules.map_or_else(|| Ok(Settings::default()), Settings::load)?;
    match (audit, db) {
        (Some(path), _) => review(&AuditFile(path.to_owned()), &settings),
        (None, Some(db)) => review(&Database(&Store::open_existing(db)?), &settings),
        (None, None) => Err(ReviewError::Settings {
            at: "vote-service review".to_owned(),
            message: "give the audit log: --audit FILE (from `vote-service audit`) or --db FILE".to_owned(),
        }),
    }
}
