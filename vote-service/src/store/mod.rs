//! The vote database (redb): opening it with the election's rules frozen, the group-commit [`writer`] with its
//! [`ballot`]s, [`index`] and [`audit`] log, and reading counts back for the tally, the export and `verify`.

pub mod audit;
pub mod ballot;
pub mod index;
pub mod tables;
pub mod writer;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use redb::{Database, DatabaseError, ReadableDatabase, ReadableTable, ReadableTableMetadata};

use crate::election::Election;
use index::{BallotIndex, Found, IndexLimits};
use tables::{AUDIT, DAILY, META, TOTALS};

/// Memory for redb's page cache: enough for the hot pages of a busy election, and a bound on the service's memory
/// (redb's default is 1 GiB).
pub const CACHE_BYTES: usize = 128 * 1024 * 1024;

/// Why the database cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path} is open in another vote-service; one database, one process")]
    Locked { path: String },
    #[error(
        "{path} holds votes of an election whose rules differ from the manifest's; the rules are frozen once voting \
         has begun.\n  in the database: {stored}\n  in the manifest: {manifest}"
    )]
    RulesChanged { path: String, stored: String, manifest: String },
    #[error("{path}: {message}")]
    Database { path: String, message: String },
}

/// Counts read from the database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub totals: BTreeMap<String, u64>,
    /// day -> case -> votes
    pub daily: BTreeMap<String, BTreeMap<String, u64>>,
}

impl Counts {
    pub fn total(&self) -> u64 {
        self.totals.values().sum()
    }
}

/// The ballot index against the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BallotCheck {
    /// Ballots in the index.
    pub ballots: u64,
    /// Audit records whose ballot is not in the index under their own sequence number and case.
    pub unmatched: u64,
    /// Runs of the index, and ballots replayed from the audit log (not yet in a run).
    pub runs: usize,
    pub replayed: u64,
}

/// An open vote database.
#[derive(Clone)]
pub struct Store {
    pub db: Arc<Database>,
    path: String,
}

fn db_error(path: &str) -> impl Fn(&dyn std::fmt::Display) -> StoreError + '_ {
    move |e| StoreError::Database { path: path.to_owned(), message: e.to_string() }
}

impl Store {
    /// Opens (or creates) the database at `path` for `election`, repairing it after a crash if needed.
    pub fn open(path: &Path, election: &Election) -> Result<Self, StoreError> {
        let store = Self::open_existing_or_new(path)?;
        store.freeze_rules(election)?;
        Ok(store)
    }

    /// Opens the database without an election, for `export` and `verify`.
    pub fn open_existing_or_new(path: &Path) -> Result<Self, StoreError> {
        let name = path.display().to_string();
        let db = match Database::builder().set_cache_size(CACHE_BYTES).create(path) {
            Ok(db) => db,
            Err(DatabaseError::DatabaseAlreadyOpen) => return Err(StoreError::Locked { path: name }),
            Err(e) => return Err(db_error(&name)(&e)),
        };
        let store = Store { db: Arc::new(db), path: name };
        store.create_tables()?;
        Ok(store)
    }

    fn create_tables(&self) -> Result<(), StoreError> {
        let err = db_error(&self.path);
        let txn = self.db.begin_write().map_err(|e| err(&e))?;
        {
            txn.open_table(META).map_err(|e| err(&e))?;
            txn.open_table(TOTALS).map_err(|e| err(&e))?;
            txn.open_table(DAILY).map_err(|e| err(&e))?;
            txn.open_table(AUDIT).map_err(|e| err(&e))?;
        }
        txn.commit().map_err(|e| err(&e))
    }

    /// Records the election's rules, or refuses a manifest that changes them once the database holds votes.
    fn freeze_rules(&self, election: &Election) -> Result<(), StoreError> {
        let err = db_error(&self.path);
        let manifest = election.frozen_rules();
        let txn = self.db.begin_write().map_err(|e| err(&e))?;
        {
            let mut meta = txn.open_table(META).map_err(|e| err(&e))?;
            let stored = meta.get("rules").map_err(|e| err(&e))?.map(|v| v.value().to_owned());
            let has_votes = !txn.open_table(AUDIT).map_err(|e| err(&e))?.is_empty().map_err(|e| err(&e))?;
            match stored {
                Some(stored) if stored != manifest && has_votes => {
                    return Err(StoreError::RulesChanged { path: self.path.clone(), stored, manifest });
                }
                Some(stored) if stored == manifest => {}
                _ => {
                    meta.insert("rules", manifest.as_str()).map_err(|e| err(&e))?;
                }
            }
        }
        txn.commit().map_err(|e| err(&e))
    }

    /// The election id the database was frozen for, if any.
    pub fn election_id(&self) -> Result<Option<String>, StoreError> {
        let err = db_error(&self.path);
        let txn = self.db.begin_read().map_err(|e| err(&e))?;
        let meta = txn.open_table(META).map_err(|e| err(&e))?;
        let rules = meta.get("rules").map_err(|e| err(&e))?.map(|v| v.value().to_owned());
        Ok(rules.and_then(|r| r.split_whitespace().next().and_then(|id| id.strip_prefix("id=")).map(str::to_owned)))
    }

    /// The counters.
    pub fn counts(&self) -> Result<Counts, StoreError> {
        let err = db_error(&self.path);
        let txn = self.db.begin_read().map_err(|e| err(&e))?;
        let mut counts = Counts::default();
        for entry in txn.open_table(TOTALS).map_err(|e| err(&e))?.iter().map_err(|e| err(&e))? {
            let (case, votes) = entry.map_err(|e| err(&e))?;
            counts.totals.insert(case.value().to_owned(), votes.value());
        }
        for entry in txn.open_table(DAILY).map_err(|e| err(&e))?.iter().map_err(|e| err(&e))? {
            let (key, votes) = entry.map_err(|e| err(&e))?;
            let (day, case) = key.value();
            counts.daily.entry(day.to_owned()).or_default().insert(case.to_owned(), votes.value());
        }
        Ok(counts)
    }

    /// The ballot index, for the writer.
    pub fn ballot_index(&self, limits: IndexLimits) -> Result<BallotIndex, StoreError> {
        BallotIndex::open(&self.db, limits).map_err(|e| db_error(&self.path)(&e))
    }

    /// Counts recomputed from the audit records, and whether the ballot index holds exactly the ballots of the
    /// audit records: what `verify` compares.
    pub fn recount(&self) -> Result<(Counts, BallotCheck), StoreError> {
        let err = db_error(&self.path);
        let index = self.ballot_index(IndexLimits::default())?;
        // A write transaction that is never committed: the index's run tables open in write transactions.
        let txn = self.db.begin_write().map_err(|e| err(&e))?;
        let mut runs = index.open_runs(&txn);
        let mut counts = Counts::default();
        let mut check =
            BallotCheck { ballots: index.len(), unmatched: 0, runs: index.runs(), replayed: index.in_memory() };
        let audit_table = txn.open_table(AUDIT).map_err(|e| err(&e))?;
        audit::each_from(&audit_table, 0, |seq, record| {
            let (record, key) = audit::parse(seq, record)?;
            let expected = Found { seq, case: record.case.clone() };
            if index.get(&mut runs, &key)? != Some(expected) {
                check.unmatched += 1;
            }
            *counts.totals.entry(record.case.clone()).or_default() += 1;
            *counts.daily.entry(record.day).or_default().entry(record.case).or_default() += 1;
            Ok(())
        })
        .map_err(|e| err(&e))?;
        Ok((counts, check))
    }

    pub fn path(&self) -> &str {
        &self.path
    }
}
