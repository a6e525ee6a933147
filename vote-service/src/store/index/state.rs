//! What the index keeps in the `meta` table as `ballot_index`: which runs exist, the merge in progress and
//! `indexed_through`, written in the transaction that changes them, so that a crash at any point leaves an index
//! that agrees with the audit log.

use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::BallotIndex;
use super::run::corrupt;
use crate::store::tables::META;

const STATE_KEY: &str = "ballot_index";

/// What `meta.ballot_index` holds.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct State {
    pub(super) next_run: u64,
    /// Ballots whose audit sequence number is below this are in the runs; the others are replayed.
    pub(super) indexed_through: u64,
    pub(super) runs: Vec<StoredRun>,
    #[serde(default)]
    pub(super) merge: Option<StoredMerge>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct StoredMerge {
    pub(super) sources: Vec<u64>,
    pub(super) output: u64,
    pub(super) level: u32,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct StoredRun {
    pub(super) id: u64,
    pub(super) level: u32,
    pub(super) entries: u64,
}

pub(super) fn read_state(meta: &impl ReadableTable<&'static str, &'static str>) -> Result<State, redb::Error> {
    match meta.get(STATE_KEY)? {
        None => Ok(State::default()),
        Some(json) => serde_json::from_str(json.value()).map_err(|e| corrupt(&format!("meta.{STATE_KEY}: {e}"))),
    }
}

/// Records the index's runs, merge and `indexed_through` in `txn`.
pub fn write(txn: &WriteTransaction, index: &BallotIndex) -> Result<(), redb::Error> {
    let state = State {
        next_run: index.next_run,
        indexed_through: index.indexed_through,
        runs: index.runs.iter().map(|r| StoredRun { id: r.id, level: r.level, entries: r.entries }).collect(),
        merge: index.merge.as_ref().map(|m| StoredMerge {
            sources: m.sources.clone(),
            output: m.output,
            level: m.level,
        }),
    };
    let json = serde_json::to_string(&state).expect("the state serialises");
    txn.open_table(META)?.insert(STATE_KEY, json.as_str())?;
    Ok(())
}
