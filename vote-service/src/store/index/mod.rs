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
//! Which runs exist, the merge in progress and `indexed_through` are kept in the `meta` table as `ballot_index`,
//! written in the transaction that changes them: a crash at any point leaves an index that agrees with the audit
//! log.

pub mod bloom;
pub mod memtable;
pub mod run;

use std::collections::BTreeMap;

use redb::{Database, ReadableDatabase, ReadableTable, TableHandle, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::audit;
use super::tables::{AUDIT, META};
use bloom::Bloom;
use memtable::{Frozen, Memtable};
pub use run::Found;
use run::{RunCursor, RunTable, RunWriter, corrupt, table_name};

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

/// A frozen memtable being written as run `output`: entries before `next` are written; its ballots are those whose
/// audit sequence number is below `through`.
#[derive(Debug)]
struct Flush {
    frozen: Frozen,
    output: u64,
    next: usize,
    through: u64,
    writer: RunWriter,
    bloom: Bloom,
}

/// A merge in progress: `sources` (run ids) into run `output`, written up to and including key `after`.
#[derive(Debug)]
struct Merge {
    sources: Vec<u64>,
    output: u64,
    level: u32,
    after: Option<Vec<u8>>,
    writer: RunWriter,
    bloom: Bloom,
}

/// What `meta.ballot_index` holds.
#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    next_run: u64,
    /// Ballots whose audit sequence number is below this are in the runs; the others are replayed.
    indexed_through: u64,
    runs: Vec<StoredRun>,
    #[serde(default)]
    merge: Option<StoredMerge>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredMerge {
    sources: Vec<u64>,
    output: u64,
    level: u32,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredRun {
    id: u64,
    level: u32,
    entries: u64,
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

const STATE_KEY: &str = "ballot_index";

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
            let state = State {
                next_run: self.next_run,
                indexed_through: self.indexed_through,
                runs: self.runs.iter().map(|r| StoredRun { id: r.id, level: r.level, entries: r.entries }).collect(),
                merge: self.merge.as_ref().map(|m| StoredMerge {
                    sources: m.sources.clone(),
                    output: m.output,
                    level: m.level,
                }),
            };
            let json = serde_json::to_string(&state).expect("the state serialises");
            txn.open_table(META)?.insert(STATE_KEY, json.as_str())?;
        }
        Ok(())
    }

    /// Writes up to `budget` more entries of the frozen memtable; when all are written, the run joins the index at
    /// level 0. True if the set of runs changed.
    fn advance_flush(&mut self, txn: &WriteTransaction, budget: u64) -> Result<bool, redb::Error> {
        let flush = self.flush.as_mut().expect("a flush in progress");
        // Wait for the sort only if the memtable has filled again meanwhile (it cannot happen at any real rate).
        if !flush.frozen.sorted(self.memtable.len() >= self.limits.memtable) {
            return Ok(false);
        }
        let name = table_name(flush.output);
        let mut table = txn.open_table(RunTable::new(&name))?;
        let end = flush.frozen.len().min(flush.next.saturating_add(budget as usize));
        let mut key = Vec::new();
        for i in flush.next..end {
            let (seq, case) = flush.frozen.entry(i, &mut key);
            flush.writer.push(&mut table, &mut flush.bloom, (&key, seq, case))?;
        }
        flush.writer.finish(&mut table)?;
        flush.next = end;
        if end < flush.frozen.len() {
            return Ok(false);
        }
        let flush = self.flush.take().expect("a flush in progress");
        let run = Run::new(flush.output, 0, &flush.writer, flush.bloom);
        self.runs.push(self.keep_filter_if_current(run));
        self.indexed_through = flush.through;
        Ok(true)
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

    /// The oldest `fan_in` runs of the lowest level that has that many.
    fn next_merge(&mut self) -> Option<Merge> {
        let fan_in = self.limits.fan_in.max(2);
        let mut by_level: BTreeMap<u32, Vec<&Run>> = BTreeMap::new();
        for run in &self.runs {
            by_level.entry(run.level).or_default().push(run);
        }
        let (level, runs) = by_level.into_iter().find(|(_, runs)| runs.len() >= fan_in)?;
        let sources: Vec<u64> = runs[..fan_in].iter().map(|r| r.id).collect();
        let entries: u64 = runs[..fan_in].iter().map(|r| r.entries).sum();
        Some(Merge {
            sources,
            output: self.take_run_id(),
            level: level + 1,
            after: None,
            writer: RunWriter::new(self.limits.block),
            bloom: Bloom::with_capacity(entries),
        })
    }

    /// Merges up to `budget` more entries; when the sources are exhausted, the output replaces them. True if the
    /// set of runs changed.
    fn advance_merge(&mut self, txn: &WriteTransaction, budget: u64) -> Result<bool, redb::Error> {
        let merge = self.merge.as_mut().expect("a merge in progress");
        let sources = merge
            .sources
            .iter()
            .map(|id| txn.open_table(RunTable::new(&table_name(*id))))
            .collect::<Result<Vec<_>, _>>()?;
        let mut cursors = sources
            .iter()
            .map(|table| RunCursor::open(table, merge.after.as_deref()))
            .collect::<Result<Vec<_>, _>>()?;
        let name = table_name(merge.output);
        let mut output = txn.open_table(RunTable::new(&name))?;
        let mut moved = 0;
        let exhausted = loop {
            if moved == budget {
                break false;
            }
            // The smallest key under the cursors (keys are unique across runs).
            let mut smallest: Option<(usize, &[u8])> = None;
            for (i, cursor) in cursors.iter().enumerate() {
                if let Some((key, _, _)) = cursor.peek()?
                    && smallest.is_none_or(|(_, k)| key < k)
                {
                    smallest = Some((i, key));
                }
            }
            let Some((i, _)) = smallest else { break true };
            let entry = cursors[i].peek()?.expect("an entry under the cursor");
            merge.writer.push(&mut output, &mut merge.bloom, entry)?;
            merge.after = Some(entry.0.to_vec());
            cursors[i].advance()?;
            moved += 1;
        };
        merge.writer.finish(&mut output)?;
        drop(output);
        drop(cursors);
        drop(sources);
        if !exhausted {
            return Ok(false);
        }
        let merge = self.merge.take().expect("a merge in progress");
        for id in &merge.sources {
            txn.delete_table(RunTable::new(&table_name(*id)))?;
        }
        let first = self.runs.iter().position(|r| merge.sources.contains(&r.id)).unwrap_or(self.runs.len());
        self.runs.retain(|r| !merge.sources.contains(&r.id));
        let run = self.keep_filter_if_current(Run::new(merge.output, merge.level, &merge.writer, merge.bloom));
        self.runs.insert(first.min(self.runs.len()), run);
        Ok(true)
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

/// A merge recorded in the state, picked up after the last key its output holds.
fn resume_merge(
    txn: &redb::ReadTransaction,
    stored: &StoredMerge,
    runs: &[Run],
    limits: IndexLimits,
) -> Result<Merge, redb::Error> {
    let entries = runs.iter().filter(|r| stored.sources.contains(&r.id)).map(|r| r.entries).sum();
    let mut merge = Merge {
        sources: stored.sources.clone(),
        output: stored.output,
        level: stored.level,
        after: None,
        writer: RunWriter::new(limits.block),
        bloom: Bloom::with_capacity(entries),
    };
    let name = table_name(stored.output);
    let table = match txn.open_table(RunTable::new(&name)) {
        Ok(table) => table,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(merge),
        Err(e) => return Err(e.into()),
    };
    // Pick up after the last key written before the restart, with what was written in the filter and the range.
    let (bloom, written) = scan(&table, Some(merge.bloom))?;
    merge.bloom = bloom.expect("scan returns the filter it is given");
    merge.writer.written = written;
    merge.writer.range = run::key_range(&table)?;
    merge.after = merge.writer.range.as_ref().map(|(_, last)| last.clone());
    Ok(merge)
}

fn read_state(meta: &impl ReadableTable<&'static str, &'static str>) -> Result<State, redb::Error> {
    match meta.get(STATE_KEY)? {
        None => Ok(State::default()),
        Some(json) => serde_json::from_str(json.value()).map_err(|e| corrupt(&format!("meta.{STATE_KEY}: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;
    use crate::client::ClientKey;
    use crate::secret::Secret;
    use crate::store::Store;
    use crate::store::ballot::{Ballot, Signals, Vote};
    use crate::store::writer::{Outcome, record};

    /// Small enough that a few hundred votes flush, merge over several transactions, and reach level 2.
    const TINY: IndexLimits = IndexLimits { memtable: 5, fan_in: 2, block: 3, merge_base: 8, merge_per_vote: 1 };

    fn ballot(client: u8, day: u8, case: u8) -> Ballot {
        let ip = ClientKey::from_ip(format!("10.0.{client}.1").parse().expect("ip"));
        let case = format!("c{case}");
        let day = jiff::civil::date(2020, 8, day as i8);
        let at = jiff::Timestamp::UNIX_EPOCH;
        Ballot::new(
            &Secret::fixed(1),
            "e",
            &Vote { case: &case, scope: "", client: ip, at, day, signals: Signals::default() },
        )
    }

    /// Votes in batches, reopening the index (as after a crash or restart) where asked, and checks every outcome
    /// against a map of the first vote of each client and day.
    fn run(
        votes: &[(u8, u8, u8)],
        batches: &[usize],
        reopen: &[bool],
    ) -> (tempfile::TempDir, Store, BallotIndex, bool) {
        let dir = tempfile::tempdir().expect("temp");
        let store = Store::create_or_open(&dir.path().join("v.redb")).expect("open");
        let mut index = BallotIndex::open(&store.db, TINY).expect("index");
        let mut model: HashMap<(u8, u8), u8> = HashMap::new();
        let mut reopened_mid_merge = false;
        let (mut at, mut round) = (0, 0);
        while at < votes.len() {
            let size = batches[round % batches.len()].min(votes.len() - at);
            let ballots: Vec<Ballot> = votes[at..at + size].iter().map(|&(c, d, k)| ballot(c, d, k)).collect();
            let refs: Vec<&Ballot> = ballots.iter().collect();
            let outcomes = record(&store.db, &mut index, &refs).expect("commit");
            for (&(client, day, case), outcome) in votes[at..at + size].iter().zip(outcomes) {
                let seen = model.contains_key(&(client, day));
                let first = *model.entry((client, day)).or_insert(case);
                match outcome {
                    Outcome::Counted { repeat, .. } if first == case => assert_eq!(repeat, seen),
                    Outcome::AlreadyVoted { case: voted } if first != case => assert_eq!(voted, format!("c{first}")),
                    other => panic!("client {client} day {day} case {case} (first {first}): {other:?}"),
                }
            }
            if reopen[round % reopen.len()] {
                reopened_mid_merge |= index.merge.is_some();
                index = BallotIndex::open(&store.db, TINY).expect("reopen");
            }
            at += size;
            round += 1;
        }
        (dir, store, index, reopened_mid_merge)
    }

    #[test]
    fn ballots_are_found_across_flushes_merges_and_reopens() {
        let votes: Vec<(u8, u8, u8)> =
            (0..400u32).map(|i| ((i * 37 % 150) as u8, 22 + (i / 150 % 2) as u8, (i % 3) as u8)).collect();
        let (_dir, store, index, reopened_mid_merge) = run(&votes, &[1, 7, 3, 12], &[false, true]);
        assert!(reopened_mid_merge, "a reopen cut a merge off");
        assert!(index.runs.iter().any(|r| r.level >= 2), "runs merged twice: {:?}", index.runs);
        let (_, check) = store.recount().expect("recount");
        assert_eq!(check.unmatched, 0);
        assert_eq!(check.ballots, 300, "150 clients on two days");
        let txn = store.db.begin_write().expect("txn");
        let names: Vec<String> = txn.list_tables().expect("tables").map(|t| t.name().to_owned()).collect();
        let runs = names.iter().filter(|n| run::run_id(n).is_some()).count();
        assert!(runs <= index.runs.len() + 1, "no run table is left behind: {names:?}");
    }

    #[test]
    fn runs_of_past_days_keep_no_filter_and_are_still_read() {
        let dir = tempfile::tempdir().expect("temp");
        let store = Store::create_or_open(&dir.path().join("v.redb")).expect("open");
        let mut index = BallotIndex::open(&store.db, TINY).expect("index");
        let vote = |index: &mut BallotIndex, client: u8, day: u8| {
            let b = ballot(client, day, 0);
            record(&store.db, index, &[&b]).expect("commit").remove(0)
        };
        // Flushes and merges advance a bounded chunk per transaction, after a sort on another thread: empty
        // transactions (waiting for each sort) bring them to the end, so that the shape below does not depend on
        // the sort thread's timing.
        let settle = |index: &mut BallotIndex| {
            while index.flush.is_some() || index.merge.is_some() {
                if let Some(flush) = index.flush.as_mut() {
                    flush.frozen.sorted(true);
                }
                record(&store.db, index, &[]).expect("commit");
            }
        };
        for client in 0..40 {
            vote(&mut index, client, 22);
        }
        settle(&mut index);
        assert!(index.runs.iter().all(|r| r.bloom.is_some()), "today's runs are filtered");
        let filters_on_22 = index.filter_bytes();
        // 40 ballots of the 22nd end as one run of level 3; 20 of the 23rd reach level 2 at most, so no merge mixes
        // the two days.
        for client in 0..20 {
            vote(&mut index, client, 23);
        }
        settle(&mut index);
        let past = |index: &BallotIndex| index.runs.iter().filter(|r| run::day(&r.last) == b"2020-08-22").count();
        assert!(past(&index) > 0, "runs of the 22nd remain: {:?}", index.runs);
        let unfiltered = |index: &BallotIndex| {
            index.runs.iter().filter(|r| run::day(&r.last) == b"2020-08-22").all(|r| r.bloom.is_none())
        };
        assert!(unfiltered(&index), "{:?}", index.runs);
        assert!(index.filter_bytes() < filters_on_22 * 2, "filters of past days are dropped");
        // A late ballot of the 22nd (sent before midnight, written after) is still found, by the run's table.
        assert!(matches!(vote(&mut index, 3, 22), Outcome::Counted { repeat: true, .. }));
        let index = BallotIndex::open(&store.db, TINY).expect("reopen");
        assert!(past(&index) > 0 && unfiltered(&index), "{:?}", index.runs);
        let (_, check) = store.recount().expect("recount");
        assert_eq!((check.ballots, check.unmatched), (60, 0));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn the_index_agrees_with_the_audit_log(
            votes in prop::collection::vec((0u8..40, 22u8..24, 0u8..3), 1..160),
            batches in prop::collection::vec(1usize..9, 1..5),
            reopen in prop::collection::vec(any::<bool>(), 1..5),
        ) {
            let (_dir, store, index, _) = run(&votes, &batches, &reopen);
            let (counts, check) = store.recount().expect("recount");
            prop_assert_eq!(check.unmatched, 0);
            prop_assert_eq!(check.ballots, counts.total());
            prop_assert_eq!(index.len(), counts.total());
            prop_assert_eq!(store.counts().expect("counts"), counts);
        }
    }
}
