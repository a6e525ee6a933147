//! Group commit: one writer thread owns all writes. It takes every vote waiting in the queue (up to a batch), checks
//! and inserts them in one write transaction, commits it durably, and only then answers each vote. Under load a
//! single flush acknowledges many votes; at low load a batch is one vote and the latency is one flush.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use jiff::Timestamp;
use jiff::civil::Date;
use redb::{Database, Durability, ReadableTable};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

use super::tables::{AUDIT, BALLOTS, DAILY, TOTALS};
use crate::client::ClientKey;
use crate::secret::Secret;

/// One vote to record, prepared by the request handler (hashing and formatting happen there, in parallel, so
/// that the single writer only touches the tables).
#[derive(Debug, Clone)]
pub struct Ballot {
    pub case: String,
    pub day: String,
    /// `day|scope|` + the keyed hash of the client: one entry per client, day and scope.
    key: Vec<u8>,
    receipt: String,
    /// The audit record, as stored.
    audit: String,
}

impl Ballot {
    /// A ballot for `case`, by `client`, at `at` on local `day`; `scope` is what one vote a day is counted over
    /// (empty for the whole election, else the category or the case).
    pub fn new(
        secret: &Secret,
        election_id: &str,
        case: &str,
        scope: &str,
        client: ClientKey,
        at: Timestamp,
        day: Date,
    ) -> Self {
        let client_hash = secret.hash(&[b"client", &client.bytes()]);
        let day = day.to_string();
        let key = [format!("{day}|{scope}|").as_bytes(), &client_hash].concat();
        let receipt = receipt(secret, election_id, &key);
        let record = AuditRecord {
            at: at.to_string(),
            day: day.clone(),
            case: case.to_owned(),
            client: hex(&client_hash),
            network: client.network(),
            receipt: receipt.clone(),
        };
        let audit = serde_json::to_string(&record).expect("records serialise");
        Ballot { case: case.to_owned(), day, key, receipt, audit }
    }
}

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

/// One audit record, as stored in the `audit` table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditRecord {
    pub at: String,
    pub day: String,
    pub case: String,
    pub client: String,
    pub network: String,
    pub receipt: String,
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

/// Starts the writer. Votes go into the returned sender; when every sender is dropped, the writer records what is
/// still queued and stops. `healthy` turns false if a commit fails.
pub fn spawn(db: Arc<Database>, limits: Limits, healthy: Arc<AtomicBool>) -> (mpsc::Sender<Job>, JoinHandle<()>) {
    let (sender, mut queue) = mpsc::channel::<Job>(limits.queue);
    let handle = std::thread::Builder::new()
        .name("vote-writer".to_owned())
        .spawn(move || {
            while let Some(first) = queue.blocking_recv() {
                let mut batch = vec![first];
                while batch.len() < limits.batch {
                    match queue.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let ballots: Vec<&Ballot> = batch.iter().map(|j| &j.ballot).collect();
                let outcomes = match record(&db, &ballots) {
                    Ok(outcomes) => outcomes,
                    Err(e) => {
                        // A failed commit may or may not be on disk: answer "not recorded, retry", which is safe
                        // because a retry of the same vote is answered with its receipt if it was recorded.
                        eprintln!("vote-service: commit failed, {} votes answered 503: {e}", batch.len());
                        healthy.store(false, Ordering::Relaxed);
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

/// Checks and records `ballots` in one durable transaction, as if one after the other in the order given. Per vote
/// it touches two tables (the ballot, whose previous value tells a repeat, and the audit record); the counters are
/// updated once per batch. Ballots are visited in key order (equal keys in arrival order), so that consecutive
/// inserts share the B-tree pages they walk; outcomes come back in the order given.
pub fn record(db: &Database, ballots: &[&Ballot]) -> Result<Vec<Outcome>, redb::Error> {
    let mut txn = db.begin_write()?;
    txn.set_durability(Durability::Immediate)?;
    let mut outcomes = vec![Outcome::Failed; ballots.len()];
    let mut order: Vec<usize> = (0..ballots.len()).collect();
    order.sort_by(|a, b| ballots[*a].key.cmp(&ballots[*b].key));
    {
        let mut ballot_table = txn.open_table(BALLOTS)?;
        let mut audit = txn.open_table(AUDIT)?;
        let mut seq = audit.last()?.map_or(0, |(k, _)| k.value() + 1);
        let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
        let mut daily: BTreeMap<(&str, &str), u64> = BTreeMap::new();
        let mut counted: Vec<usize> = Vec::with_capacity(ballots.len());
        for i in order {
            let ballot = ballots[i];
            let previous =
                ballot_table.insert(ballot.key.as_slice(), ballot.case.as_str())?.map(|old| old.value().to_owned());
            outcomes[i] = match previous {
                None => {
                    counted.push(i);
                    *totals.entry(&ballot.case).or_default() += 1;
                    *daily.entry((&ballot.day, &ballot.case)).or_default() += 1;
                    Outcome::Counted { receipt: ballot.receipt.clone(), repeat: false }
                }
                // The receipt depends on the key only: a repeat gets the very same one.
                Some(case) if case == ballot.case => Outcome::Counted { receipt: ballot.receipt.clone(), repeat: true },
                Some(case) => {
                    // The first vote of the day stands: put it back.
                    ballot_table.insert(ballot.key.as_slice(), case.as_str())?;
                    Outcome::AlreadyVoted { case }
                }
            };
        }
        // Audit records in arrival order, so that the log reads as the votes came.
        counted.sort_unstable();
        for i in counted {
            audit.insert(seq, ballots[i].audit.as_str())?;
            seq += 1;
        }
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
    }
    txn.commit()?;
    Ok(outcomes)
}

/// A receipt: 12 characters from the keyed hash of the ballot's key (client, day, scope), grouped as
/// `XXXX-XXXX-XXXX`. A retry of the same vote gets the same receipt; it reveals nothing about counts.
fn receipt(secret: &Secret, election_id: &str, key: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let hash = secret.hash(&[b"receipt", election_id.as_bytes(), key]);
    let bits = u64::from_be_bytes(hash[..8].try_into().expect("8 bytes"));
    let chars: String = (0..12).map(|i| char::from(ALPHABET[((bits >> (i * 5)) & 31) as usize])).collect();
    format!("{}-{}-{}", &chars[..4], &chars[4..8], &chars[8..])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use redb::ReadableDatabase;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp");
        let store = Store::open_existing_or_new(&dir.path().join("v.redb")).expect("open");
        (dir, store)
    }

    fn ballot(case: &str, ip: &str, day: u8) -> Ballot {
        let client = ClientKey::from_ip(ip.parse().expect("ip"));
        let day = jiff::civil::date(2020, 8, day as i8);
        Ballot::new(&Secret::fixed(7), "e", case, "", client, Timestamp::UNIX_EPOCH, day)
    }

    #[test]
    fn one_vote_per_client_per_day_and_a_retry_gets_its_receipt() {
        let (_dir, store) = store();
        let first = record(&store.db, &[&ballot("a", "203.0.113.1", 22)]).expect("commit");
        let Outcome::Counted { receipt, repeat: false } = &first[0] else { panic!("{first:?}") };
        let again = record(
            &store.db,
            &[&ballot("a", "203.0.113.1", 22), &ballot("b", "203.0.113.1", 22), &ballot("b", "203.0.113.1", 23)],
        )
        .expect("commit");
        assert_eq!(again[0], Outcome::Counted { receipt: receipt.clone(), repeat: true });
        assert_eq!(again[1], Outcome::AlreadyVoted { case: "a".to_owned() });
        assert!(matches!(again[2], Outcome::Counted { repeat: false, .. }));
        let counts = store.counts().expect("counts");
        assert_eq!(counts.totals, [("a".to_owned(), 1), ("b".to_owned(), 1)].into());
        assert_eq!(store.recount().expect("recount"), (counts, 2));
    }

    #[test]
    fn two_ballots_of_one_client_in_one_batch_count_once() {
        let (_dir, store) = store();
        let outcomes =
            record(&store.db, &[&ballot("a", "10.0.0.1", 22), &ballot("b", "10.0.0.1", 22)]).expect("commit");
        assert!(matches!(outcomes[0], Outcome::Counted { .. }));
        assert_eq!(outcomes[1], Outcome::AlreadyVoted { case: "a".to_owned() });
    }

    #[test]
    fn a_batch_is_decided_in_arrival_order_and_audited_in_it() {
        let (_dir, store) = store();
        // Many clients, so that key order and arrival order differ; the last client votes twice, then repeats.
        let mut ballots: Vec<Ballot> = (0..40).map(|i| ballot("a", &format!("10.0.{i}.1"), 22)).collect();
        ballots.push(ballot("b", "10.0.39.1", 22));
        ballots.push(ballot("a", "10.0.39.1", 22));
        let refs: Vec<&Ballot> = ballots.iter().collect();
        let outcomes = record(&store.db, &refs).expect("commit");
        assert!(outcomes[..40].iter().all(|o| matches!(o, Outcome::Counted { repeat: false, .. })));
        assert_eq!(outcomes[40], Outcome::AlreadyVoted { case: "a".to_owned() });
        assert!(matches!(outcomes[41], Outcome::Counted { repeat: true, .. }));
        let txn = store.db.begin_read().expect("read");
        let audit = txn.open_table(AUDIT).expect("audit");
        let logged: Vec<String> = audit.iter().expect("iter").map(|e| e.expect("entry").1.value().to_owned()).collect();
        let expected: Vec<&str> = ballots[..40].iter().map(|b| b.audit.as_str()).collect();
        assert_eq!(logged, expected, "the audit log reads in arrival order");
    }

    #[test]
    fn receipts_look_random_and_differ() {
        let s = Secret::fixed(3);
        assert_ne!(receipt(&s, "e", b"2020-08-22||a"), receipt(&s, "e", b"2020-08-22||b"));
        assert_eq!(receipt(&s, "e", b"k").len(), 14);
    }
}
