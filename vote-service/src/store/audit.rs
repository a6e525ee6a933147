//! The audit log: every counted vote, in the order it was counted, as a JSON record ([`super::ballot::AuditRecord`]).
//! Each write transaction appends one entry to the `audit` table: the records it counted, one per line, under the
//! sequence number of its first record (record `n` of an entry keyed `k` has sequence number `k + n`). One entry per
//! transaction rather than per vote keeps the log's cost per vote to the bytes of its record.

use redb::{ReadableTable, Table};

use super::ballot::AuditRecord;

/// The sequence number the next record will get.
pub fn next_seq(audit: &impl ReadableTable<u64, &'static str>) -> Result<u64, redb::Error> {
    Ok(match audit.last()? {
        None => 0,
        Some((first, records)) => first.value() + lines(records.value()).count() as u64,
    })
}

/// Appends `records` (one JSON record per line, without a final newline), the first of which gets sequence number
/// `first`.
pub fn append(audit: &mut Table<u64, &'static str>, first: u64, records: &str) -> Result<(), redb::Error> {
    if !records.is_empty() {
        audit.insert(first, records)?;
    }
    Ok(())
}

/// Every record from sequence number `from` on, in order: `f(seq, record)`.
pub fn each_from(
    audit: &impl ReadableTable<u64, &'static str>,
    from: u64,
    mut f: impl FnMut(u64, &str) -> Result<(), redb::Error>,
) -> Result<(), redb::Error> {
    // The entry holding `from` starts at or before it.
    let start = audit.range(..=from)?.next_back().transpose()?.map_or(from, |(k, _)| k.value());
    for entry in audit.range(start..)? {
        let (first, records) = entry?;
        for (n, record) in lines(records.value()).enumerate() {
            let seq = first.value() + n as u64;
            if seq >= from {
                f(seq, record)?;
            }
        }
    }
    Ok(())
}

/// Reads record `seq`: the record, and the key of the ballot it counts.
pub fn parse(seq: u64, record: &str) -> Result<(AuditRecord, Vec<u8>), redb::Error> {
    let unreadable = |why: String| redb::Error::Corrupted(format!("audit record {seq} is unreadable: {why}"));
    let record: AuditRecord = serde_json::from_str(record).map_err(|e| unreadable(e.to_string()))?;
    let key = record.ballot_key().ok_or_else(|| unreadable("its client is not a hex hash".to_owned()))?;
    Ok((record, key))
}

fn lines(records: &str) -> impl Iterator<Item = &str> {
    records.split('\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tables::AUDIT;
    use redb::ReadableDatabase;

    #[test]
    fn records_are_numbered_across_entries_and_read_from_any_point() {
        let dir = tempfile::tempdir().expect("temp");
        let db = redb::Database::create(dir.path().join("a.redb")).expect("db");
        let txn = db.begin_write().expect("txn");
        {
            let mut audit = txn.open_table(AUDIT).expect("table");
            assert_eq!(next_seq(&audit).expect("seq"), 0);
            append(&mut audit, 0, "a\nb\nc").expect("append");
            assert_eq!(next_seq(&audit).expect("seq"), 3);
            append(&mut audit, 3, "").expect("nothing to append");
            append(&mut audit, 3, "d").expect("append");
            append(&mut audit, 4, "e\nf").expect("append");
            assert_eq!(next_seq(&audit).expect("seq"), 6);
        }
        txn.commit().expect("commit");
        let txn = db.begin_read().expect("read");
        let audit = txn.open_table(AUDIT).expect("table");
        for from in 0..7 {
            let mut seen = Vec::new();
            each_from(&audit, from, |seq, record| {
                seen.push(format!("{seq}{record}"));
                Ok(())
            })
            .expect("read");
            let expected: Vec<String> =
                ["0a", "1b", "2c", "3d", "4e", "5f"].iter().skip(from as usize).map(|s| s.to_string()).collect();
            assert_eq!(seen, expected, "from {from}");
        }
    }
}
