//! The vote database (redb): opening it with the election's rules frozen, the group-commit [`writer`], and reading
//! counts back for the tally, the export and `verify`.

pub mod tables;
pub mod writer;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use redb::{Database, DatabaseError, ReadableDatabase, ReadableTable, ReadableTableMetadata};

use crate::election::Election;
use tables::{AUDIT, BALLOTS, DAILY, META, TOTALS};

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
            txn.open_table(BALLOTS).map_err(|e| err(&e))?;
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

    /// Counts recomputed from the audit records, and how many ballots there are: what `verify` compares.
    pub fn recount(&self) -> Result<(Counts, u64), StoreError> {
        let err = db_error(&self.path);
        let txn = self.db.begin_read().map_err(|e| err(&e))?;
        let mut counts = Counts::default();
        for entry in txn.open_table(AUDIT).map_err(|e| err(&e))?.iter().map_err(|e| err(&e))? {
            let (seq, record) = entry.map_err(|e| err(&e))?;
            let record: writer::AuditRecord = serde_json::from_str(record.value())
                .map_err(|e| err(&format!("audit record {} is unreadable: {e}", seq.value())))?;
            *counts.totals.entry(record.case.clone()).or_default() += 1;
            *counts.daily.entry(record.day).or_default().entry(record.case).or_default() += 1;
        }
        let ballots = txn.open_table(BALLOTS).map_err(|e| err(&e))?.len().map_err(|e| err(&e))?;
        Ok((counts, ballots))
    }

    pub fn path(&self) -> &str {
        &self.path
    }
}
