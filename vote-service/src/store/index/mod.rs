//! The ballot index: has this client already voted today, in this scope, and for what? A log-structured merge
//! tree over redb tables, so that recording a vote is an append rather than an insert at a random place of a large
//! B-tree (a page written per vote).
//!
//! - The **memtable** holds the newest ballots in memory. It needs no table of its own: each of its ballots has
//!   its audit record, written in the same transaction, and opening the database replays the audit records from
//!   `indexed_through` on.
//! - When the memtable holds `memtable` ballots it is frozen (still looked up) and written as a new sorted **run**
//!   ([`run`]), a chunk in each vote transaction; the transaction that completes the run moves `indexed_through`
//!   past its ballots. A flush cut off by a restart is thrown away: the replay brings its ballots back.
//! - When `fan_in` runs of one level exist they are **merged** into one run of the next level, a chunk in each vote
//!   transaction (so no vote waits for a whole merge); the sources stay in use until the merged run is complete,
//!   then it replaces them in one transaction. A merge cut off by a restart resumes after the last key it wrote.
//! - Every run knows its first and last key and, while its newest day is the newest day of any ballot, has a Bloom
//!   filter in memory ([`bloom`], rebuilt on open), so a new client's vote reads no table. A vote is always for the
//!   service's today, so the runs of past days are passed over by their key range and their filters are dropped:
//!   memory holds filters for about a day's ballots.
//!
//! Which runs exist, the merge in progress and `indexed_through` are kept in the `meta` table as `ballot_index`
//! ([`state`]), written in the transaction that changes them: a crash at any point leaves an index that agrees with
//! the audit log. This file holds the index's lookups and its bookkeeping; [`flush`] and [`merge`] the two kinds of
//! background work, done a chunk per vote transaction.

pub mod bloom;
mod flush;
pub mod memtable;
mod merge;
pub mod run;
mod state;
#[cfg(test)]
mod tests;

use redb::{Database, ReadableDatabase, ReadableTable, TableHandle, WriteTransaction};

use super::audit;
use super::tables::{AUDIT, META};
use bloom::Bloom;
use flush::Flush;
use memtable::Memtable;
use merge::{Merge, resume_merge};
pub use run::Found;
use run::{RunTable, RunWriter, corrupt, table_name};
use state::read_state;

/// Sizes of the index's parts.
#[derive(Debug, Clone, Copy)]
pub struct IndexLimits {
    /// Ballots kept in memory before they are written as a run.
    pub memtable: usize,
    /// Runs of one level merged into one of the next.
    pub fan_in: usize,
    /// Entries per block of a run.
    pub block: usize,
    /// Work per transaction on a flush, and again on a merge: `merge_base` entries, plus `merge_per_vote` for each
    /// vote in the batch (a run's entry is written at every level it passes, so this is several times one).
    pub merge_base: u64,
    pub merge_per_vote: u64,
}

impl Default for IndexLimits {
    fn default() -> Self {
        IndexLimits { memtable: 65_536, fan_in: 4, block: 64, merge_base: 2_048, merge_per_vote: 32 }
    }
}

/// A run in use.
#[derive(Debug)]
struct Run {
    id: u64,
    level: u32,
    entries: u64,
    /// Its first and last key.
    first: Vec<u8>,
    last: Vec<u8>,
    /// None once no new ballot can be for the days it holds.
    bloom: Option<Bloom>,
}

impl Run {
    fn new(id: u64, level: u32, writer: &RunWriter, bloom: Bloom) -> Self {
        let (first, last) = writer.range.clone().unwrap_or_default();
        Run { id, level, entries: writer.written, first, last, bloom: Some(bloom) }
    }

    /// Whether `key` may be in this run: within its key range and, if it has a filter, passed by the filter.
    fn may_hold(&self, key: &[u8]) -> bool {
        key >= self.first.as_slice()
            && key <= self.last.as_slice()
            && self.bloom.as_ref().is_none_or(|bloom| bloom.may_contain(key))
    }
}

/// The index, owned by the writer thread.
#[derive(Debug)]
pub struct BallotIndex {
    /// The newest day of any ballot (`YYYY-MM-DD`): runs whose last key is older keep no filter.
    newest_day: Vec<u8>,
    memtable: Memtable,
    flush: Option<Flush>,
    runs: Vec<Run>,
    next_run: u64,
    indexed_through: u64,
    merge: Option<Merge>,
    limits: IndexLimits,
}

/// The runs' tables in a transaction, each opened the first time a lookup needs it (most batches need none: the
/// Bloom filters answer).
pub struct OpenRuns<'t> {
    txn: &'t WriteTransaction,
    tables: Vec<Option<redb::Table<'t, &'static [u8], &'static [u8]>>>,
}

impl BallotIndex {
    /// Loads the index of `db`: removes run tables its state does not name (a flush a restart cut off), rebuilds
    /// the runs' Bloom filters, picks up the merge in progress, and replays the audit records not yet in a run into
    /// the memtable.
    pub fn open(db: &Database, limits: IndexLimits) -> Result<Self, redb::Error> {
        let txn = db.begin_write()?;
        let state = read_state(&txn.open_table(META)?)?;
        let in_use: Vec<u64> = state.runs.iter().map(|r| r.id).chain(state.merge.as_ref().map(|m| m.output)).collect();
        let orphans: Vec<String> = txn
            .list_tables()?
            .map(|t| t.name().to_owned())
            .filter(|name| run::run_id(name).is_some_and(|id| !in_use.contains(&id)))
            .collect();
        for name in &orphans {
            txn.delete_table(RunTable::new(name))?;
        }
        txn.commit()?;
        let txn = db.begin_read()?;
        let mut memtable = Memtable::with_capacity(limits.memtable);
        let mut newest_day = Vec::new();
        audit::each_from(&txn.open_table(AUDIT)?, state.indexed_through, |seq, record| {
            let (record, key) = audit::parse(seq, record)?;
            if run::day(&key) > newest_day.as_slice() {
                newest_day = run::day(&key).to_vec();
            }
            memtable.insert(&key, seq, &record.case);
            Ok(())
        })?;
        let mut runs = Vec::with_capacity(state.runs.len());
        for stored in &state.runs {
            let name = table_name(stored.id);
            let table = txn.open_table(RunTable::new(&name))?;
            let (first, last) = run::key_range(&table)?.unwrap_or_default();
            if run::day(&last) > newest_day.as_slice() {
                newest_day = run::day(&last).to_vec();
            }
            runs.push((
                Run { id: stored.id, level: stored.level, entries: stored.entries, first, last, bloom: None },
                table,
            ));
        }
        let mut checked = Vec::with_capacity(runs.len());
        for (mut run, table) in runs {
            // Only the runs a new vote may be for get a filter; every run is counted against the state.
            let counted = if run::day(&run.last) >= newest_day.as_slice() {
                let (bloom, counted) = scan(&table, Some(Bloom::with_capacity(run.entries)))?;
                run.bloom = bloom;
                counted
            } else {
                scan(&table, None)?.1
            };
            if counted != run.entries {
                return Err(corrupt(&format!("run {} holds {counted} ballots, {} expected", run.id, run.entries)));
            }
            checked.push(run);
        }
        let runs = checked;
        let merge = match &state.merge {
            None => None,
            Some(stored) => Some(resume_merge(&txn, stored, &runs, limits)?),
        };
        Ok(BallotIndex {
            newest_day,
            memtable,
            flush: None,
            runs,
            next_run: state.next_run,
            indexed_through: state.indexed_through,
            merge,
            limits,
        })
    }

    /// The runs' tables in `txn`, for [`BallotIndex::get`]; drop them before [`BallotIndex::maintain`].
    pub fn open_runs<'t>(&self, txn: &'t WriteTransaction) -> OpenRuns<'t> {
        OpenRuns { txn, tables: self.runs.iter().map(|_| None).collect() }
    }

    /// The ballot recorded under `key`, if any.
    pub fn get(&self, runs: &mut OpenRuns, key: &[u8]) -> Result<Option<Found>, redb::Error> {
        if let Some(found) = self.memtable.get(key) {
            return Ok(Some(found));
        }
        if let Some(found) = self.flush.as_ref().and_then(|f| f.frozen.get(key)) {
            return Ok(Some(found));
        }
        for (run, table) in self.runs.iter().zip(runs.tables.iter_mut()).rev() {
            if !run.may_hold(key) {
                continue;
            }
            let table = match table {
                Some(table) => table,
                None => table.insert(runs.txn.open_table(RunTable::new(&table_name(run.id)))?),
            };
            if let Some(found) = run::find(table, key)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// Adds a ballot that [`BallotIndex::get`] did not find, with the sequence number of its audit record.
    pub fn insert(&mut self, key: &[u8], seq: u64, case: &str) {
        let day = run::day(key);
        if day > self.newest_day.as_slice() {
            self.newest_day = day.to_vec();
            for run in &mut self.runs {
                if run::day(&run.last) < day {
                    run.bloom = None;
                }
            }
        }
        self.memtable.insert(key, seq, case);
    }

    /// After a batch of `votes` votes, in the same transaction: freezes the memtable if it is full, and advances
    /// the flush and the merge. `next_seq` is the sequence number the next audit record will get.
    pub fn maintain(&mut self, txn: &WriteTransaction, votes: usize, next_seq: u64) -> Result<(), redb::Error> {
        let budget = self.limits.merge_base + self.limits.merge_per_vote * votes as u64;
        let mut changed = false;
        if self.flush.is_none() && self.memtable.len() >= self.limits.memtable {
            let frozen = self.memtable.freeze(self.limits.memtable);
            let bloom = Bloom::with_capacity(frozen.len() as u64);
            let writer = RunWriter::new(self.limits.block);
            self.flush = Some(Flush { frozen, output: self.take_run_id(), next: 0, through: next_seq, writer, bloom });
        }
        if self.flush.is_some() {
            changed |= self.advance_flush(txn, budget)?;
        }
        if self.merge.is_none() {
            self.merge = self.next_merge();
            changed |= self.merge.is_some();
        }
        if self.merge.is_some() {
            changed |= self.advance_merge(txn, budget)?;
        }
        if changed {
            state::write(txn, self)?;
        }
        Ok(())
    }

    /// `run`, without its filter if its days are all past.
    fn keep_filter_if_current(&self, mut run: Run) -> Run {
        if run::day(&run.last) < self.newest_day.as_slice() {
            run.bloom = None;
        }
        run
    }

    fn take_run_id(&mut self) -> u64 {
        self.next_run += 1;
        self.next_run - 1
    }

    pub fn limits(&self) -> IndexLimits {
        self.limits
    }

    /// Ballots in the index: in runs and in memory.
    pub fn len(&self) -> u64 {
        self.runs.iter().map(|r| r.entries).sum::<u64>() + self.in_memory()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many runs the index has.
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    /// Memory held by the runs' Bloom filters, in bytes.
    pub fn filter_bytes(&self) -> usize {
        self.runs.iter().filter_map(|r| r.bloom.as_ref()).map(Bloom::bytes).sum()
    }

    /// Ballots in memory only (the memtable, and a memtable being written as a run).
    pub fn in_memory(&self) -> u64 {
        (self.memtable.len() + self.flush.as_ref().map_or(0, |f| f.frozen.len())) as u64
    }
}

/// Reads a run's table: how many ballots it holds, with their keys added to `bloom` if one is given.
fn scan<T>(table: &T, mut bloom: Option<Bloom>) -> Result<(Option<Bloom>, u64), redb::Error>
where
    T: ReadableTable<&'static [u8], &'static [u8]>,
{
    let mut entries = 0;
    for block in table.iter()? {
        let (_, block) = block?;
        let mut block = run::BlockEntries::new(block.value());
        while let Some((key, _, _)) = block.next_entry()? {
            if let Some(bloom) = &mut bloom {
                bloom.insert(key);
            }
            entries += 1;
        }
    }
    Ok((bloom, entries))
}
