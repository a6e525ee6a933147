//! Group commit: one writer thread owns all writes. It takes every vote waiting in the queue (up to a batch), checks
//! and inserts them in one write transaction, commits it durably, and only then answers each vote. Under load a
//! single flush acknowledges many votes; at low load a batch is one vote and the latency is one flush.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use redb::{Database, Durability, ReadableTable};
use tokio::sync::{mpsc, oneshot};

use super::ballot::Ballot;
use super::index::{BallotIndex, Found, IndexLimits};
use super::tables::{AUDIT, CHAIN, DAILY, TOTALS};
use super::{StoreError, audit, chain, damage, db_error};
use crate::log::Throttled;
use crate::metrics::WriterMetrics;

/// How the writer's messages name its database (the writer does not know the file's path).
const DATABASE: &str = "the vote database";

/// What became of a ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Counted now, or (`repeat`) the very same vote was counted before and this is a retry.
    Counted { receipt: String, repeat: bool },
    /// The client already voted in this scope today, for `case`.
    AlreadyVoted { case: String },
    /// The transaction failed; nothing is known to be recorded, and the client may retry.
    Failed,
}

/// A ballot and where to send its outcome.
pub struct Job {
    pub ballot: Ballot,
    pub reply: oneshot::Sender<Outcome>,
}

/// Sizes of the queue and of a batch.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub queue: usize,
    pub batch: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { queue: 4096, batch: 1024 }
    }
}

/// Starts the writer with the database's ballot index. Votes go into the returned sender; when every sender is
/// dropped, the writer records what is still queued and stops. `healthy` turns false if a commit fails; `metrics`
/// gets each batch's size and commit time.
pub fn spawn(
    db: Arc<Database>,
    index: BallotIndex,
    limits: Limits,
    healthy: Arc<AtomicBool>,
    metrics: WriterMetrics,
) -> (mpsc::Sender<Job>, JoinHandle<()>) {
    let (sender, mut queue) = mpsc::channel::<Job>(limits.queue);
    let index_limits = index.limits();
    let handle = std::thread::Builder::new()
        .name("vote-writer".to_owned())
        .spawn(move || {
            let mut index = Some(index);
            let (mut commit_errors, mut index_errors) = (Throttled::default(), Throttled::default());
            while let Some(first) = queue.blocking_recv() {
                let mut batch = vec![first];
                while batch.len() < limits.batch {
                    match queue.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                if index.is_none() {
                    index = reload(&db, index_limits, &mut index_errors);
                }
                let ballots: Vec<&Ballot> = batch.iter().map(|j| &j.ballot).collect();
                let started = std::time::Instant::now();
                metrics.batch_votes.observe(batch.len() as f64);
                let recorded = index.as_mut().map(|index| record_guarded(&db, index, &ballots));
                metrics.commit_seconds.observe(started.elapsed().as_secs_f64());
                let outcomes = match recorded {
                    Some(Ok(outcomes)) => outcomes,
                    failed => {
                        // A failed commit may or may not be on disk: answer "not recorded, retry", which is safe
                        // because a retry of the same vote is answered with its receipt if it was recorded. The
                        // index in memory may be ahead of the disk: it is read again from the disk.
                        if let Some(Err(e)) = failed {
                            let votes = batch.len();
                            commit_errors
                                .print(|| format!("vote-service: commit failed, {votes} votes answered 503: {e}"));
                            index = reload(&db, index_limits, &mut index_errors);
                        }
                        healthy.store(false, Ordering::Relaxed);
                        metrics.failed_commits.inc();
                        vec![Outcome::Failed; batch.len()]
                    }
                };
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = job.reply.send(outcome);
                }
            }
        })
        .expect("the writer thread starts");
    (sender, handle)
}

/// The ballot index read again after a failed commit; none (every vote answered 503) while it cannot be read.
fn reload(db: &Database, limits: IndexLimits, errors: &mut Throttled) -> Option<BallotIndex> {
    let opened = damage::guard(DATABASE, || BallotIndex::open(db, limits).map_err(|e| db_error(DATABASE)(&e)));
    opened.map_err(|e| errors.print(|| format!("vote-service: the ballot index cannot be read: {e}"))).ok()
}

/// [`record`], with a panic of the database engine on a damaged page taken as a failed commit.
fn record_guarded(db: &Database, index: &mut BallotIndex, ballots: &[&Ballot]) -> Result<Vec<Outcome>, StoreError> {
    damage::guard(DATABASE, || record(db, index, ballots).map_err(|e| db_error(DATABASE)(&e)))
}

/// Checks and records `ballots` in one durable transaction, one after the other in the order given: per vote a
/// lookup in the ballot index (in memory for almost every new client) and, if it is new, its entry in the index
/// and its audit record; the audit records and the counters once per batch; then the index's upkeep (a flush of its memtable, a chunk of
/// a merge) in the same transaction. On an error the transaction is not committed and `index` may be ahead of the
/// disk: read it again.
pub fn record(db: &Database, index: &mut BallotIndex, ballots: &[&Ballot]) -> Result<Vec<Outcome>, redb::Error> {
    let mut txn = db.begin_write()?;
    txn.set_durability(Durability::Immediate)?;
    let mut outcomes = Vec::with_capacity(ballots.len());
    let next_seq = {
        let mut runs = index.open_runs(&txn);
        let mut audit = txn.open_table(AUDIT)?;
        let first = audit::next_seq(&audit)?;
        let mut seq = first;
        let mut records = String::new();
        let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
        let mut daily: BTreeMap<(&str, &str), u64> = BTreeMap::new();
        for ballot in ballots {
            outcomes.push(match index.get(&mut runs, &ballot.key)? {
                None => {
                    index.insert(&ballot.key, seq, &ballot.case);
                    if seq > first {
                        records.push('\n');
                    }
                    records.push_str(&ballot.audit);
                    seq += 1;
                    *totals.entry(&ballot.case).or_default() += 1;
                    *daily.entry((&ballot.day, &ballot.case)).or_default() += 1;
                    Outcome::Counted { receipt: ballot.receipt.clone(), repeat: false }
                }
                // The receipt depends on the key only: a repeat gets the very same one.
                Some(Found { case, .. }) if case == ballot.case => {
                    Outcome::Counted { receipt: ballot.receipt.clone(), repeat: true }
                }
                // The first vote of the day stands.
                Some(Found { case, .. }) => Outcome::AlreadyVoted { case },
            });
        }
        audit::append(&mut audit, first, &records)?;
        chain::append(&mut txn.open_table(CHAIN)?, first, &records)?;
        let mut total_table = txn.open_table(TOTALS)?;
        for (case, n) in totals {
            let before = total_table.get(case)?.map_or(0, |v| v.value());
            total_table.insert(case, before + n)?;
        }
        let mut daily_table = txn.open_table(DAILY)?;
        for (key, n) in daily {
            let before = daily_table.get(key)?.map_or(0, |v| v.value());
            daily_table.insert(key, before + n)?;
        }
        seq
    };
    index.maintain(&txn, ballots.len(), next_seq)?;
    txn.commit()?;
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientKey;
    use crate::secret::Secret;
    use crate::store::Store;
    use crate::store::ballot::{Signals, Vote};
    use jiff::Timestamp;
    use redb::ReadableDatabase;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tokio::sync::oneshot;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp");
        let store = Store::create_or_open(&dir.path().join("v.redb")).expect("open");
        (dir, store)
    }

    fn index(store: &Store) -> BallotIndex {
        BallotIndex::open(&store.db, IndexLimits::default()).expect("index")
    }

    fn ballot(case: &str, ip: &str, day: u8) -> Ballot {
        let client = ClientKey::from_ip(ip.parse().expect("ip"));
        let day = jiff::civil::date(2020, 8, day as i8);
        let vote = Vote { case, scope: "", client, at: Timestamp::UNIX_EPOCH, day, signals: Signals::default() };
        Ballot::new(&Secret::fixed(7), "e", &vote)
    }

    #[test]
    fn one_vote_per_client_per_day_and_a_retry_gets_its_receipt() {
        let (_dir, store) = store();
        let mut index = index(&store);
        let first = record(&store.db, &mut index, &[&ballot("a", "203.0.113.1", 22)]).expect("commit");
        let Outcome::Counted { receipt, repeat: false } = &first[0] else { panic!("{first:?}") };
        let again = record(
            &store.db,
            &mut index,
            &[&ballot("a", "203.0.113.1", 22), &ballot("b", "203.0.113.1", 22), &ballot("b", "203.0.113.1", 23)],
        )
        .expect("commit");
        assert_eq!(again[0], Outcome::Counted { receipt: receipt.clone(), repeat: true });
        assert_eq!(again[1], Outcome::AlreadyVoted { case: "a".to_owned() });
        assert!(matches!(again[2], Outcome::Counted { repeat: false, .. }));
        let counts = store.counts().expect("counts");
        assert_eq!(counts.totals, [("a".to_owned(), 1), ("b".to_owned(), 1)].into());
        let (recount, check) = store.recount().expect("recount");
        assert_eq!(recount, counts);
        assert_eq!((check.ballots, check.unmatched, check.replayed), (2, 0, 2));
    }

    #[test]
    fn two_ballots_of_one_client_in_one_batch_count_once() {
        let (_dir, store) = store();
        let mut index = index(&store);
        let outcomes = record(&store.db, &mut index, &[&ballot("a", "10.0.0.1", 22), &ballot("b", "10.0.0.1", 22)])
            .expect("commit");
        assert!(matches!(outcomes[0], Outcome::Counted { .. }));
        assert_eq!(outcomes[1], Outcome::AlreadyVoted { case: "a".to_owned() });
    }

    #[test]
    fn a_batch_is_decided_and_audited_in_arrival_order() {
        let (_dir, store) = store();
        let mut index = index(&store);
        let mut ballots: Vec<Ballot> = (0..40).map(|i| ballot("a", &format!("10.0.{i}.1"), 22)).collect();
        ballots.push(ballot("b", "10.0.39.1", 22));
        ballots.push(ballot("a", "10.0.39.1", 22));
        let refs: Vec<&Ballot> = ballots.iter().collect();
        let outcomes = record(&store.db, &mut index, &refs).expect("commit");
        assert!(outcomes[..40].iter().all(|o| matches!(o, Outcome::Counted { repeat: false, .. })));
        assert_eq!(outcomes[40], Outcome::AlreadyVoted { case: "a".to_owned() });
        assert!(matches!(outcomes[41], Outcome::Counted { repeat: true, .. }));
        let txn = store.db.begin_read().expect("read");
        let mut logged = Vec::new();
        audit::each_from(&txn.open_table(AUDIT).expect("audit"), 0, |_, record| {
            logged.push(record.to_owned());
            Ok(())
        })
        .expect("read");
        let expected: Vec<&str> = ballots[..40].iter().map(|b| b.audit.as_str()).collect();
        assert_eq!(logged, expected, "the audit log reads in arrival order");
    }

    /// A disk that fails on demand: every write and sync fails while `failing` is set.
    #[derive(Debug)]
    struct FailingDisk {
        inner: redb::backends::FileBackend,
        failing: Arc<AtomicBool>,
    }

    impl FailingDisk {
        fn check(&self) -> Result<(), std::io::Error> {
            if self.failing.load(Ordering::SeqCst) {
                Err(std::io::Error::other("no space left on device (test)"))
            } else {
                Ok(())
            }
        }
    }

    impl redb::StorageBackend for FailingDisk {
        fn len(&self) -> Result<u64, std::io::Error> {
            self.inner.len()
        }
        fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), std::io::Error> {
            self.inner.read(offset, out)
        }
        fn set_len(&self, len: u64) -> Result<(), std::io::Error> {
            self.check()?;
            self.inner.set_len(len)
        }
        fn sync_data(&self) -> Result<(), std::io::Error> {
            self.check()?;
            self.inner.sync_data()
        }
        fn write(&self, offset: u64, data: &[u8]) -> Result<(), std::io::Error> {
            self.check()?;
            self.inner.write(offset, data)
        }
        fn close(&self) -> Result<(), std::io::Error> {
            self.inner.close()
        }
    }

    /// redb refuses every transaction after an I/O error until the database is opened again, so the writer answers
    /// "not recorded" (503) from the failure on and `/healthz` says so; the operator restarts the service (README),
    /// and then the clients' retries count once each and nothing is lost or doubled.
    #[test]
    fn after_a_failed_commit_votes_are_refused_until_a_restart_and_then_retries_count_once() {
        let dir = tempfile::tempdir().expect("temp");
        let path = dir.path().join("v.redb");
        let failing = Arc::new(AtomicBool::new(false));
        let file =
            std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).expect("file");
        let disk = FailingDisk {
            inner: redb::backends::FileBackend::new(file).expect("backend"),
            failing: Arc::clone(&failing),
        };
        let db = Arc::new(Database::builder().create_with_backend(disk).expect("db"));
        let store = Store { db: Arc::clone(&db), path: path.display().to_string() };
        store.create_tables().expect("tables");
        let index = BallotIndex::open(&db, IndexLimits { memtable: 4, ..IndexLimits::default() }).expect("index");
        let healthy = Arc::new(AtomicBool::new(true));
        let (queue, writer) =
            spawn(Arc::clone(&db), index, Limits::default(), Arc::clone(&healthy), WriterMetrics::default());
        let vote = |case: &str, ip: &str| {
            let (reply, outcome) = oneshot::channel();
            queue.blocking_send(Job { ballot: ballot(case, ip, 22), reply }).expect("queued");
            outcome.blocking_recv().expect("answered")
        };
        assert!(matches!(vote("a", "10.0.0.1"), Outcome::Counted { repeat: false, .. }));
        failing.store(true, Ordering::SeqCst);
        for i in 2..8 {
            assert_eq!(vote("a", &format!("10.0.0.{i}")), Outcome::Failed, "not recorded while the disk fails");
        }
        assert!(!healthy.load(Ordering::SeqCst), "/healthz turns unhealthy");
        failing.store(false, Ordering::SeqCst);
        assert_eq!(vote("a", "10.0.0.9"), Outcome::Failed, "still refused until the database is opened again");
        drop(queue);
        writer.join().expect("the writer stops");
        drop((store, db));
        // The restart: the file is opened again, and the clients retry.
        let store = Store::create_or_open(&path).expect("reopened");
        let mut index =
            BallotIndex::open(&store.db, IndexLimits { memtable: 4, ..IndexLimits::default() }).expect("index");
        for i in 2..10 {
            let outcome = record(&store.db, &mut index, &[&ballot("b", &format!("10.0.0.{i}"), 22)]).expect("commit");
            assert!(matches!(outcome[0], Outcome::Counted { repeat: false, .. }), "{i}: {outcome:?}");
        }
        let outcome = record(&store.db, &mut index, &[&ballot("b", "10.0.0.1", 22)]).expect("commit");
        assert_eq!(outcome[0], Outcome::AlreadyVoted { case: "a".to_owned() }, "the vote before the failure stands");
        let counts = store.counts().expect("counts");
        assert_eq!(counts.totals, [("a".to_owned(), 1), ("b".to_owned(), 8)].into());
        let (recount, check) = store.recount().expect("recount");
        assert_eq!(recount, counts, "counters and audit log agree");
        assert_eq!((check.ballots, check.unmatched), (9, 0), "the index holds each counted ballot once");
        let chain = store.check_chain().expect("chain");
        assert_eq!((chain.broken_count, chain.orphans), (0, 0), "the hash chain holds over the failure");
    }
}
