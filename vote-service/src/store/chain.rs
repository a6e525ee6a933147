//! Tamper evidence for the audit log: a hash chain. Each audit entry (one transaction's records) gets
//! `SHA-256(previous link ‖ first sequence number ‖ the entry's text)` in the `audit_chain` table, written in the
//! same transaction as the entry. Changing, removing or inserting a counted vote afterwards changes every later link;
//! the last link of a day (its **closing hash**), published that day, pins the log up to it.

use std::collections::BTreeMap;

use redb::{ReadableTable, Table};
use sha2::{Digest, Sha256};

use super::tables::{AUDIT, CHAIN};

/// The link before the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// The link of the entry `first` with text `records`, after `previous`.
pub fn link(previous: &[u8; 32], first: u64, records: &str) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(previous);
    hash.update(first.to_be_bytes());
    hash.update(records.as_bytes());
    hash.finalize().into()
}

/// Appends the link of the entry `first` with text `records` (call right after appending the entry itself).
pub fn append(chain: &mut Table<u64, &'static [u8]>, first: u64, records: &str) -> Result<(), redb::Error> {
    if records.is_empty() {
        return Ok(());
    }
    let previous = last(chain)?;
    chain.insert(first, link(&previous, first, records).as_slice())?;
    Ok(())
}

/// The newest link, or [`GENESIS`].
pub fn last(chain: &impl ReadableTable<u64, &'static [u8]>) -> Result<[u8; 32], redb::Error> {
    Ok(match chain.last()? {
        Some((_, hash)) => to_hash(hash.value())?,
        None => GENESIS,
    })
}

fn to_hash(bytes: &[u8]) -> Result<[u8; 32], redb::Error> {
    bytes.try_into().map_err(|_| redb::Error::Corrupted("a link of the audit chain is not 32 bytes".to_owned()))
}

/// Links the entries of a database made before the chain was kept (once, when it is opened for voting), so that
/// every entry is covered from then on.
pub fn backfill(txn: &redb::WriteTransaction) -> Result<u64, redb::Error> {
    let audit = txn.open_table(AUDIT)?;
    let mut chain = txn.open_table(CHAIN)?;
    let chained_through = chain.last()?.map(|(k, _)| k.value());
    let mut linked = 0;
    if chained_through.is_none() {
        let mut previous = GENESIS;
        for entry in audit.iter()? {
            let (first, records) = entry?;
            previous = link(&previous, first.value(), records.value());
            chain.insert(first.value(), previous.as_slice())?;
            linked += 1;
        }
    }
    Ok(linked)
}

/// What checking the chain found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChainCheck {
    /// Audit entries whose link is missing or wrong (their first sequence numbers, at most 10 kept).
    pub broken: Vec<u64>,
    pub broken_count: u64,
    /// Links without an audit entry.
    pub orphans: u64,
    /// Per local day: the closing hash (the link of the last entry holding a record of that day or before).
    pub closing: BTreeMap<String, String>,
}

/// Recomputes every link from the audit entries, and the closing hash of each day.
pub fn check(
    audit: &impl ReadableTable<u64, &'static str>,
    chain: &impl ReadableTable<u64, &'static [u8]>,
) -> Result<ChainCheck, redb::Error> {
    let mut result = ChainCheck::default();
    let mut previous = GENESIS;
    let mut entries = 0u64;
    for entry in audit.iter()? {
        let (first, records) = entry?;
        let (first, records) = (first.value(), records.value());
        entries += 1;
        previous = link(&previous, first, records);
        let stored = chain.get(first)?.map(|v| v.value().to_vec());
        if stored.as_deref() != Some(previous.as_slice()) {
            result.broken_count += 1;
            if result.broken.len() < 10 {
                result.broken.push(first);
            }
        }
        // Entries are in counting order, so days only move forward: the last entry with a record of a day closes it.
        if let Some(day) = last_day(records) {
            result.closing.insert(day.to_owned(), hex(&previous));
        }
    }
    result.orphans = chain.len()?.saturating_sub(entries);
    Ok(result)
}

/// The closing hash of local `day`: the link of the last entry holding a record of that day or before; `None`
/// before the first vote. Reads entries backwards from the end, so it is cheap on the day after.
pub fn closing_hash(
    audit: &impl ReadableTable<u64, &'static str>,
    chain: &impl ReadableTable<u64, &'static [u8]>,
    day: &str,
) -> Result<Option<String>, redb::Error> {
    for entry in audit.iter()?.rev() {
        let (first, records) = entry?;
        if last_day(records.value()).is_some_and(|d| d <= day) {
            return Ok(chain.get(first.value())?.map(|link| hex(link.value())));
        }
    }
    Ok(None)
}

/// The `day` of an entry's last record.
fn last_day(records: &str) -> Option<&str> {
    let record = records.rsplit('\n').next()?;
    let start = record.find("\"day\":\"")? + 7;
    record.get(start..start + 10)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use redb::ReadableDatabase;

    fn record(day: &str, case: &str) -> String {
        format!(r#"{{"at":"t","day":"{day}","case":"{case}","scope":"","client":"00","network":"n","receipt":"r"}}"#)
    }

    #[test]
    fn the_chain_links_every_entry_and_shows_any_change() {
        let dir = tempfile::tempdir().expect("temp");
        let db = redb::Database::create(dir.path().join("c.redb")).expect("db");
        let entries = [
            (0, format!("{}\n{}", record("2020-08-22", "a"), record("2020-08-22", "b"))),
            (2, record("2020-08-23", "a")),
            (3, record("2020-08-23", "b")),
        ];
        let txn = db.begin_write().expect("txn");
        {
            let mut audit = txn.open_table(AUDIT).expect("audit");
            let mut chain = txn.open_table(CHAIN).expect("chain");
            for (first, text) in &entries {
                audit.insert(*first, text.as_str()).expect("entry");
                append(&mut chain, *first, text).expect("link");
            }
        }
        txn.commit().expect("commit");
        let read = db.begin_read().expect("read");
        let found = check(&read.open_table(AUDIT).expect("a"), &read.open_table(CHAIN).expect("c")).expect("check");
        assert_eq!((found.broken_count, found.orphans), (0, 0));
        assert_eq!(found.closing.keys().collect::<Vec<_>>(), ["2020-08-22", "2020-08-23"]);
        let (audit, chain) = (read.open_table(AUDIT).expect("a"), read.open_table(CHAIN).expect("c"));
        for day in ["2020-08-22", "2020-08-23"] {
            assert_eq!(closing_hash(&audit, &chain, day).expect("read"), Some(found.closing[day].clone()), "{day}");
        }
        assert_eq!(
            closing_hash(&audit, &chain, "2020-08-30").expect("read"),
            Some(found.closing["2020-08-23"].clone())
        );
        assert_eq!(closing_hash(&audit, &chain, "2020-08-21").expect("read"), None);
        drop((audit, chain));
        let closing_23 = found.closing["2020-08-23"].clone();
        drop(read);
        // Someone changes a vote of the 23rd afterwards: that link and the closing hash no longer agree.
        let txn = db.begin_write().expect("txn");
        txn.open_table(AUDIT).expect("audit").insert(2, record("2020-08-23", "b").as_str()).expect("tamper");
        txn.commit().expect("commit");
        let read = db.begin_read().expect("read");
        let found = check(&read.open_table(AUDIT).expect("a"), &read.open_table(CHAIN).expect("c")).expect("check");
        assert_eq!(
            (found.broken_count, found.broken.clone()),
            (2, vec![2, 3]),
            "the changed entry and every later one"
        );
        assert_ne!(found.closing["2020-08-23"], closing_23);
    }

    #[test]
    fn an_older_database_is_linked_once_when_opened() {
        let dir = tempfile::tempdir().expect("temp");
        let db = redb::Database::create(dir.path().join("c.redb")).expect("db");
        let txn = db.begin_write().expect("txn");
        txn.open_table(AUDIT).expect("audit").insert(0, record("2020-08-22", "a").as_str()).expect("entry");
        txn.commit().expect("commit");
        let txn = db.begin_write().expect("txn");
        assert_eq!(backfill(&txn).expect("backfill"), 1);
        assert_eq!(backfill(&txn).expect("again"), 0);
        txn.commit().expect("commit");
        let read = db.begin_read().expect("read");
        let found = check(&read.open_table(AUDIT).expect("a"), &read.open_table(CHAIN).expect("c")).expect("check");
        assert_eq!(found.broken_count, 0);
    }
}
