//! The vote database (redb): opening it with the election's rules frozen, the group-commit [`writer`] with its
//! [`ballot`]s, [`index`] and [`audit`] log, and reading counts back for the tally, the export and `verify`.

pub mod audit;
pub mod backup;
pub mod ballot;
pub mod chain;
pub mod damage;
mod frozen;
pub mod index;
pub mod tables;
pub mod verify;
pub mod writer;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use redb::{
    Database, DatabaseError, ReadableDatabase, ReadableTable, ReadableTableMetadata, StorageError, TableError,
    TableHandle,
};

use crate::manifest::Manifest;
use index::{BallotIndex, Found, IndexLimits};
use tables::{AUDIT, CHAIN, DAILY, META, TOTALS};

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
    #[error(
        "{path} holds {votes} votes for case '{case}', which the manifest no longer lists; a case that holds votes \
         cannot be removed (to take it out of the selection, disqualify it in content/votes/decisions.yaml)"
    )]
    CaseRemoved { path: String, case: String, votes: u64 },
    #[error(
        "{path} is damaged and cannot be read ({detail}). Stop, keep the damaged file as evidence (do not delete \
         it), and restore the database and its .secret from the last backup (README: Operations)"
    )]
    Damaged { path: String, detail: String },
    #[error(
        "{path} is not a vote database ({why}). If it should hold votes, restore it from the backup; to start a new \
         election, give another --db"
    )]
    NotVoteDatabase { path: String, why: String },
    #[error("{path}: no such vote database")]
    Missing { path: String },
    #[error(
        "{secret} is missing, but {path} holds votes: a new secret would let every client that voted today vote \
         again. Restore {secret} from the backup made with the database"
    )]
    SecretMissing { path: String, secret: String },
    #[error(
        "{secret} is not the secret {path} was made with: with it every client that voted today could vote again. \
         Restore the right {secret} from the backup made with the database"
    )]
    SecretMismatch { path: String, secret: String },
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
    /// Opens (or creates) the database at `path` for the election of `manifest`, repairing it after a crash if
    /// needed, and records the election's rules or refuses a manifest that changes them once it holds votes.
    pub fn open(path: &Path, manifest: &Manifest) -> Result<Self, StoreError> {
        let store = Self::create_or_open(path)?;
        let name = store.path.clone();
        damage::guard(&name, || {
            store.freeze_rules(manifest)?;
            store.link_older_entries()
        })?;
        Ok(store)
    }

    /// Opens the vote database at `path`, or creates it when there is no file. A file that exists must be a vote
    /// database: an empty (0-byte) file or another program's file is refused, never taken for a new election.
    pub fn create_or_open(path: &Path) -> Result<Self, StoreError> {
        let name = path.display().to_string();
        match std::fs::metadata(path) {
            Ok(_) => Self::open_existing(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => damage::guard(&name, || {
                let store = Self::connect(path, Database::builder().set_cache_size(CACHE_BYTES).create(path))?;
                store.create_tables()?;
                Ok(store)
            }),
            Err(e) => Err(db_error(&name)(&e)),
        }
    }

    /// Opens an existing vote database, for `serve`, `export` and `verify`; refuses a missing, empty, damaged or
    /// foreign file with a message that says what to do.
    pub fn open_existing(path: &Path) -> Result<Self, StoreError> {
        let name = path.display().to_string();
        let metadata = std::fs::metadata(path).map_err(|_| StoreError::Missing { path: name.clone() })?;
        if !metadata.is_file() {
            return Err(StoreError::NotVoteDatabase { path: name, why: "not a file".to_owned() });
        }
        if metadata.len() == 0 {
            return Err(StoreError::NotVoteDatabase { path: name, why: "the file is empty, 0 bytes".to_owned() });
        }
        damage::guard(&name, || {
            let store = Self::connect(path, Database::builder().set_cache_size(CACHE_BYTES).open(path))?;
            store.require_vote_tables()?;
            Ok(store)
        })
    }

    fn connect(path: &Path, opened: Result<Database, DatabaseError>) -> Result<Self, StoreError> {
        let name = path.display().to_string();
        match opened {
            Ok(db) => Ok(Store { db: Arc::new(db), path: name }),
            Err(DatabaseError::DatabaseAlreadyOpen) => Err(StoreError::Locked { path: name }),
            Err(DatabaseError::Storage(StorageError::Io(e))) if e.kind() == std::io::ErrorKind::InvalidData => {
                Err(StoreError::NotVoteDatabase { path: name, why: format!("not a redb file: {e}") })
            }
            Err(DatabaseError::Storage(StorageError::Corrupted(why))) => {
                Err(StoreError::NotVoteDatabase { path: name, why: format!("not a redb file, or damaged: {why}") })
            }
            Err(DatabaseError::UpgradeRequired(version)) => Err(StoreError::NotVoteDatabase {
                path: name,
                why: format!("a redb file of format {version}, made by another program"),
            }),
            Err(e) => Err(db_error(&name)(&e)),
        }
    }

    /// A vote database has the tables this service makes when it creates one.
    fn require_vote_tables(&self) -> Result<(), StoreError> {
        let err = db_error(&self.path);
        let txn = self.db.begin_read().map_err(|e| err(&e))?;
        for name in [META.name(), TOTALS.name(), DAILY.name(), AUDIT.name()] {
            let found = txn.list_tables().map_err(|e| err(&e))?.any(|t| t.name() == name);
            if !found {
                let why = format!("a redb file without the '{name}' table, made by another program");
                return Err(StoreError::NotVoteDatabase { path: self.path.clone(), why });
            }
        }
        match txn.open_table(META) {
            Ok(_) => Ok(()),
            Err(TableError::TableTypeMismatch { .. }) => Err(StoreError::NotVoteDatabase {
                path: self.path.clone(),
                why: "its tables are of other types, made by another program".to_owned(),
            }),
            Err(e) => Err(err(&e)),
        }
    }

    fn create_tables(&self) -> Result<(), StoreError> {
        let err = db_error(&self.path);
        let txn = self.db.begin_write().map_err(|e| err(&e))?;
        {
            txn.open_table(META).map_err(|e| err(&e))?;
            txn.open_table(TOTALS).map_err(|e| err(&e))?;
            txn.open_table(DAILY).map_err(|e| err(&e))?;
            txn.open_table(AUDIT).map_err(|e| err(&e))?;
            txn.open_table(CHAIN).map_err(|e| err(&e))?;
        }
        txn.commit().map_err(|e| err(&e))
    }

    /// Links the audit entries of a database made before the hash chain was kept.
    fn link_older_entries(&self) -> Result<(), StoreError> {
        let err = db_error(&self.path);
        let txn = self.db.begin_write().map_err(|e| err(&e))?;
        chain::backfill(&txn).map_err(|e| err(&e))?;
        txn.commit().map_err(|e| err(&e))
    }

    /// The hash chain over the audit log, recomputed and compared, with each day's closing hash.
    pub fn check_chain(&self) -> Result<chain::ChainCheck, StoreError> {
        damage::guard(&self.path, || {
            let err = db_error(&self.path);
            let txn = self.db.begin_read().map_err(|e| err(&e))?;
            let audit_table = txn.open_table(AUDIT).map_err(|e| err(&e))?;
            match txn.open_table(CHAIN) {
                Ok(chain_table) => chain::check(&audit_table, &chain_table).map_err(|e| err(&e)),
                // A database made before the chain was kept, never opened for voting since.
                Err(TableError::TableDoesNotExist(_)) => {
                    let empty = chain::ChainCheck::default();
                    let entries = audit_table.len().map_err(|e| err(&e))?;
                    Ok(chain::ChainCheck { broken_count: entries, ..empty })
                }
                Err(e) => Err(err(&e)),
            }
        })
    }

    /// Every audit record in counting order: `f(seq, record)`.
    pub fn each_record(&self, mut f: impl FnMut(u64, ballot::AuditRecord)) -> Result<(), StoreError> {
        damage::guard(&self.path, || {
            let err = db_error(&self.path);
            let txn = self.db.begin_read().map_err(|e| err(&e))?;
            let audit_table = txn.open_table(AUDIT).map_err(|e| err(&e))?;
            audit::each_from(&audit_table, 0, |seq, text| {
                let (record, _) = audit::parse(seq, text)?;
                f(seq, record);
                Ok(())
            })
            .map_err(|e| err(&e))
        })
    }

    /// The closing hash of local `day` (see [`chain::closing_hash`]).
    pub fn closing_hash(&self, day: &str) -> Result<Option<String>, StoreError> {
        damage::guard(&self.path, || {
            let err = db_error(&self.path);
            let txn = self.db.begin_read().map_err(|e| err(&e))?;
            let audit_table = txn.open_table(AUDIT).map_err(|e| err(&e))?;
            let chain_table = txn.open_table(CHAIN).map_err(|e| err(&e))?;
            chain::closing_hash(&audit_table, &chain_table, day).map_err(|e| err(&e))
        })
    }

    /// Whether the database holds any vote.
    pub fn has_votes(&self) -> Result<bool, StoreError> {
        let err = db_error(&self.path);
        let txn = self.db.begin_read().map_err(|e| err(&e))?;
        let audit = txn.open_table(AUDIT).map_err(|e| err(&e))?;
        Ok(!audit.is_empty().map_err(|e| err(&e))?)
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
        damage::guard(&self.path, || self.read_counts())
    }

    fn read_counts(&self) -> Result<Counts, StoreError> {
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
        damage::guard(&self.path, || BallotIndex::open(&self.db, limits).map_err(|e| db_error(&self.path)(&e)))
    }

    /// Counts recomputed from the audit records, and whether the ballot index holds exactly the ballots of the
    /// audit records: what `verify` compares.
    pub fn recount(&self) -> Result<(Counts, BallotCheck), StoreError> {
        damage::guard(&self.path, || self.recount_unguarded())
    }

    fn recount_unguarded(&self) -> Result<(Counts, BallotCheck), StoreError> {
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

    /// The audit log from sequence number `from` on, at most `limit` records, each as one JSON line with its `seq`
    /// first: what `vote-service audit` and `GET /api/audit` give, and what `review` reads.
    pub fn audit_lines(&self, from: u64, limit: u64, mut line: impl FnMut(&str)) -> Result<u64, StoreError> {
        damage::guard(&self.path, || {
            let err = db_error(&self.path);
            let txn = self.db.begin_read().map_err(|e| err(&e))?;
            let audit_table = txn.open_table(AUDIT).map_err(|e| err(&e))?;
            let mut written = 0;
            let mut buffer = String::new();
            let stop = "the limit was reached";
            let walked = audit::each_from(&audit_table, from, |seq, record| {
                if written == limit {
                    return Err(redb::Error::Corrupted(stop.to_owned()));
                }
                buffer.clear();
                buffer.push_str("{\"seq\":");
                buffer.push_str(&seq.to_string());
                match record.strip_prefix('{') {
                    Some(rest) if rest.trim_start().starts_with('}') => buffer.push_str(rest),
                    Some(rest) => {
                        buffer.push(',');
                        buffer.push_str(rest);
                    }
                    None => return Err(redb::Error::Corrupted(format!("audit record {seq} is not a JSON object"))),
                }
                line(&buffer);
                written += 1;
                Ok(())
            });
            match walked {
                Err(redb::Error::Corrupted(why)) if why == stop => Ok(written),
                other => other.map(|()| written).map_err(|e| err(&e)),
            }
        })
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// The database's file name without its folders: how an export names its source (the export is published,
    /// and the server's folders are nobody's business).
    pub fn file_name(&self) -> String {
        Path::new(&self.path).file_name().map_or_else(|| self.path.clone(), |n| n.to_string_lossy().into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_programs_redb_file_is_not_a_vote_database() {
        let dir = tempfile::tempdir().expect("temp");
        let path = dir.path().join("other.redb");
        let db = Database::create(&path).expect("create");
        let txn = db.begin_write().expect("write");
        txn.open_table(redb::TableDefinition::<u64, u64>::new("other")).expect("table");
        txn.commit().expect("commit");
        drop(db);
        for opened in [Store::open_existing(&path), Store::create_or_open(&path)] {
            let message = opened.err().expect("refused").to_string();
            assert!(message.contains("other.redb is not a vote database"), "{message}");
        }
    }
}
