//! Writing a frozen memtable as a new run of level 0, a bounded chunk in each vote transaction; the transaction that
//! writes its last entry adds the run to the index and moves `indexed_through` past its ballots. A flush cut off by
//! a restart is thrown away (its table is an orphan that [`super::BallotIndex::open`] removes): the audit replay
//! brings its ballots back into the memtable.

use redb::WriteTransaction;

use super::bloom::Bloom;
use super::memtable::Frozen;
use super::run::{RunTable, RunWriter, table_name};
use super::{BallotIndex, Run};

/// A frozen memtable being written as run `output`: entries before `next` are written; its ballots are those whose
/// audit sequence number is below `through`.
#[derive(Debug)]
pub(super) struct Flush {
    pub(super) frozen: Frozen,
    pub(super) output: u64,
    pub(super) next: usize,
    pub(super) through: u64,
    pub(super) writer: RunWriter,
    pub(super) bloom: Bloom,
}

impl BallotIndex {
    /// Writes up to `budget` more entries of the frozen memtable; when all are written, the run joins the index at
    /// level 0. True if the set of runs changed.
    pub(super) fn advance_flush(&mut self, txn: &WriteTransaction, budget: u64) -> Result<bool, redb::Error> {
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
}
