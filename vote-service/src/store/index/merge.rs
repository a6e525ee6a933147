//! Merging `fan_in` runs of one level into one run of the next, a bounded chunk in each vote transaction, so that no
//! vote waits for a whole merge. The sources stay in use until the merged run is complete, then it replaces them in
//! one transaction; a merge cut off by a restart resumes after the last key its output holds.

use std::collections::BTreeMap;

use redb::WriteTransaction;

use super::bloom::Bloom;
use super::run::{self, RunCursor, RunTable, RunWriter, table_name};
use super::state::StoredMerge;
use super::{BallotIndex, IndexLimits, Run, scan};

/// A merge in progress: `sources` (run ids) into run `output`, written up to and including key `after`.
#[derive(Debug)]
pub(super) struct Merge {
    pub(super) sources: Vec<u64>,
    pub(super) output: u64,
    pub(super) level: u32,
    pub(super) after: Option<Vec<u8>>,
    pub(super) writer: RunWriter,
    pub(super) bloom: Bloom,
}

impl BallotIndex {
    /// The oldest `fan_in` runs of the lowest level that has that many.
    pub(super) fn next_merge(&mut self) -> Option<Merge> {
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
    pub(super) fn advance_merge(&mut self, txn: &WriteTransaction, budget: u64) -> Result<bool, redb::Error> {
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
}

/// A merge recorded in the state, picked up after the last key its output holds.
pub(super) fn resume_merge(
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
