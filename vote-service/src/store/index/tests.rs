//! The index against a model: every outcome of every vote, across flushes, merges and reopens, in every scope.

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

/// What one vote a day counts over, as the election's `scope` setting says.
#[derive(Debug, Clone, Copy)]
enum Scope {
    Election,
    /// Cases `c0`, `c2`, ... are in category `k0`, the others in `k1`.
    Category,
    Case,
}

impl Scope {
    /// The scope of a vote for case number `case`, as the ballot key holds it.
    fn of(self, case: u8) -> String {
        match self {
            Scope::Election => String::new(),
            Scope::Category => format!("k{}", case % 2),
            Scope::Case => format!("c{case}"),
        }
    }
}

fn ballot(client: u8, day: u8, case: u8, scope: Scope) -> Ballot {
    let ip = ClientKey::from_ip(format!("10.0.{client}.1").parse().expect("ip"));
    let (case, scope) = (format!("c{case}"), scope.of(case));
    let day = jiff::civil::date(2020, 8, day as i8);
    let at = jiff::Timestamp::UNIX_EPOCH;
    Ballot::new(
        &Secret::fixed(1),
        "e",
        &Vote { case: &case, scope: &scope, client: ip, at, day, signals: Signals::default() },
    )
}

/// Votes in batches, reopening the index (as after a crash or restart) where asked, and checks every outcome
/// against a map of the first vote of each client, day and scope.
fn run(votes: &[(u8, u8, u8)], batches: &[usize], reopen: &[bool]) -> (tempfile::TempDir, Store, BallotIndex, bool) {
    run_with(votes, batches, reopen, Scope::Election, TINY)
}

fn run_with(
    votes: &[(u8, u8, u8)],
    batches: &[usize],
    reopen: &[bool],
    scope: Scope,
    limits: IndexLimits,
) -> (tempfile::TempDir, Store, BallotIndex, bool) {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::create_or_open(&dir.path().join("v.redb")).expect("open");
    let mut index = BallotIndex::open(&store.db, limits).expect("index");
    let mut model: HashMap<(u8, u8, String), u8> = HashMap::new();
    let mut reopened_mid_merge = false;
    let (mut at, mut round) = (0, 0);
    while at < votes.len() {
        let size = batches[round % batches.len()].min(votes.len() - at);
        let ballots: Vec<Ballot> = votes[at..at + size].iter().map(|&(c, d, k)| ballot(c, d, k, scope)).collect();
        let refs: Vec<&Ballot> = ballots.iter().collect();
        let outcomes = record(&store.db, &mut index, &refs).expect("commit");
        for (&(client, day, case), outcome) in votes[at..at + size].iter().zip(outcomes) {
            let key = (client, day, scope.of(case));
            let seen = model.contains_key(&key);
            let first = *model.entry(key).or_insert(case);
            match outcome {
                Outcome::Counted { repeat, .. } if first == case => assert_eq!(repeat, seen),
                Outcome::AlreadyVoted { case: voted } if first != case => assert_eq!(voted, format!("c{first}")),
                other => panic!("client {client} day {day} case {case} {scope:?} (first {first}): {other:?}"),
            }
        }
        if reopen[round % reopen.len()] {
            reopened_mid_merge |= index.merge.is_some();
            index = BallotIndex::open(&store.db, limits).expect("reopen");
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
        let b = ballot(client, day, 0, Scope::Election);
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

fn scope() -> impl Strategy<Value = Scope> {
    prop_oneof![Just(Scope::Election), Just(Scope::Category), Just(Scope::Case)]
}

/// Limits from one ballot a run to a few dozen, blocks of one entry to a dozen, and merge budgets so small that a
/// merge spans many transactions.
fn limits() -> impl Strategy<Value = IndexLimits> {
    (1usize..24, 2usize..5, 1usize..12, 1u64..16, 0u64..3).prop_map(
        |(memtable, fan_in, block, merge_base, merge_per_vote)| IndexLimits {
            memtable,
            fan_in,
            block,
            merge_base,
            merge_per_vote,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn the_index_agrees_with_the_audit_log(
        votes in prop::collection::vec((0u8..60, 22u8..32, 0u8..6), 1..320),
        batches in prop::collection::vec(1usize..12, 1..6),
        reopen in prop::collection::vec(any::<bool>(), 1..6),
        scope in scope(),
        limits in limits(),
    ) {
        let (_dir, store, index, _) = run_with(&votes, &batches, &reopen, scope, limits);
        let (counts, check) = store.recount().expect("recount");
        prop_assert_eq!(check.unmatched, 0);
        prop_assert_eq!(check.ballots, counts.total());
        let total = counts.total();
        prop_assert_eq!(index.len(), total);
        prop_assert_eq!(store.counts().expect("counts"), counts);
        // Every ballot of the model is found again after a last reopen, in memory or in a run.
        let index = BallotIndex::open(&store.db, limits).expect("reopen");
        prop_assert_eq!(index.len(), total);
    }
}

#[test]
fn a_run_that_lost_a_block_is_refused_on_open() {
    let votes: Vec<(u8, u8, u8)> = (0..40).map(|i| (i, 22, i % 3)).collect();
    let (_dir, store, index, _) = run(&votes, &[4], &[false]);
    let victim = index.runs.iter().find(|r| r.entries > 3).expect("a run of several blocks").id;
    let txn = store.db.begin_write().expect("txn");
    {
        let name = table_name(victim);
        let mut table = txn.open_table(RunTable::new(&name)).expect("run table");
        let first = table.first().expect("first").map(|(k, _)| k.value().to_vec()).expect("a block");
        table.remove(first.as_slice()).expect("remove a block");
    }
    txn.commit().expect("commit");
    let Err(redb::Error::Corrupted(message)) = BallotIndex::open(&store.db, TINY) else {
        panic!("a run missing a block opens")
    };
    assert!(message.starts_with(&format!("ballot index: run {victim} holds ")), "{message}");
}
