//! Runs: immutable redb tables of ballots sorted by key, written once (by a flush of the memtable or a merge of
//! runs) as blocks of entries, each block stored under its first key. Writing a run is an append of one redb entry
//! per block, which is what makes a vote cheap; finding a key is one range lookup and a scan of one block.
//!
//! A block is a sequence of entries: `u16` key length, key, `u64` audit sequence number, `u16` case length, case
//! (little-endian).

use redb::{ReadableTable, TableDefinition};

use super::bloom::Bloom;

/// How a run is stored: first key of a block -> the block.
pub type RunTable<'a> = TableDefinition<'a, &'static [u8], &'static [u8]>;

/// The table name of run `id`.
pub fn table_name(id: u64) -> String {
    format!("ballot_run_{id}")
}

/// The run id of a table name, if it names a run.
pub fn run_id(table: &str) -> Option<u64> {
    table.strip_prefix("ballot_run_")?.parse().ok()
}

/// One ballot of the index: its audit sequence number and the case voted for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub seq: u64,
    pub case: String,
}

/// An entry of a run, borrowed from its block: (key, audit sequence number, case).
pub type Entry<'b> = (&'b [u8], u64, &'b str);

/// A block that does not decode: the database is damaged.
pub fn corrupt(what: &str) -> redb::Error {
    redb::Error::Corrupted(format!("ballot index: {what}"))
}

/// Entries of an encoded block, in order.
pub struct BlockEntries<'b> {
    bytes: &'b [u8],
}

impl<'b> BlockEntries<'b> {
    pub fn new(bytes: &'b [u8]) -> Self {
        BlockEntries { bytes }
    }

    fn take(&mut self, n: usize) -> Result<&'b [u8], redb::Error> {
        if self.bytes.len() < n {
            return Err(corrupt("a block ends inside an entry"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn length(&mut self) -> Result<usize, redb::Error> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().expect("2 bytes")) as usize)
    }

    /// The next entry: (key, seq, case).
    pub fn next_entry(&mut self) -> Result<Option<Entry<'b>>, redb::Error> {
        if self.bytes.is_empty() {
            return Ok(None);
        }
        let key_len = self.length()?;
        let key = self.take(key_len)?;
        let seq = u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes"));
        let case_len = self.length()?;
        let case = std::str::from_utf8(self.take(case_len)?).map_err(|_| corrupt("a case id is not UTF-8"))?;
        Ok(Some((key, seq, case)))
    }
}

/// Appends one entry to an encoded block.
fn encode_entry(block: &mut Vec<u8>, key: &[u8], seq: u64, case: &str) {
    // Keys are a date, a scope (a category or case id) and a hash; case ids are at most 64 bytes.
    let key_len = u16::try_from(key.len()).expect("ballot keys are short");
    let case_len = u16::try_from(case.len()).expect("case ids are short");
    block.extend_from_slice(&key_len.to_le_bytes());
    block.extend_from_slice(key);
    block.extend_from_slice(&seq.to_le_bytes());
    block.extend_from_slice(&case_len.to_le_bytes());
    block.extend_from_slice(case.as_bytes());
}

/// Finds `key` in a run table.
pub fn find<T>(table: &T, key: &[u8]) -> Result<Option<Found>, redb::Error>
where
    T: ReadableTable<&'static [u8], &'static [u8]>,
{
    let Some(block) = table.range::<&[u8]>(..=key)?.next_back() else {
        return Ok(None);
    };
    let (_, block) = block?;
    let mut entries = BlockEntries::new(block.value());
    while let Some((k, seq, case)) = entries.next_entry()? {
        if k == key {
            return Ok(Some(Found { seq, case: case.to_owned() }));
        }
    }
    Ok(None)
}

/// The first and the last key of a run.
pub type KeyRange = (Vec<u8>, Vec<u8>);

/// The first and the last key of a run's table, if it holds any.
pub fn key_range<T>(table: &T) -> Result<Option<KeyRange>, redb::Error>
where
    T: ReadableTable<&'static [u8], &'static [u8]>,
{
    let (Some(first), Some(last)) = (table.first()?, table.last()?) else { return Ok(None) };
    let mut entries = BlockEntries::new(last.1.value());
    let mut last_key = None;
    while let Some((key, _, _)) = entries.next_entry()? {
        last_key = Some(key);
    }
    let last_key = last_key.ok_or_else(|| corrupt("an empty block"))?;
    Ok(Some((first.0.value().to_vec(), last_key.to_vec())))
}

/// The day a ballot key is for: what comes before its first `|` (`YYYY-MM-DD`).
pub fn day(key: &[u8]) -> &[u8] {
    key.split(|b| *b == b'|').next().unwrap_or(key)
}

/// Writes entries given in ascending key order into a run table, a block at a time, adding their keys to a Bloom
/// filter. Each call of [`RunWriter::finish`] ends the block in progress; later entries start a new one.
#[derive(Debug)]
pub struct RunWriter {
    block: Vec<u8>,
    first_key: Vec<u8>,
    in_block: usize,
    block_entries: usize,
    pub written: u64,
    /// The first and the last key written.
    pub range: Option<KeyRange>,
}

impl RunWriter {
    pub fn new(block_entries: usize) -> Self {
        RunWriter {
            block: Vec::new(),
            first_key: Vec::new(),
            in_block: 0,
            block_entries: block_entries.max(1),
            written: 0,
            range: None,
        }
    }

    pub fn push(
        &mut self,
        table: &mut redb::Table<&'static [u8], &'static [u8]>,
        bloom: &mut Bloom,
        (key, seq, case): Entry<'_>,
    ) -> Result<(), redb::Error> {
        if self.in_block == 0 {
            self.first_key.clear();
            self.first_key.extend_from_slice(key);
        }
        encode_entry(&mut self.block, key, seq, case);
        bloom.insert(key);
        match &mut self.range {
            None => self.range = Some((key.to_vec(), key.to_vec())),
            Some((_, last)) => {
                last.clear();
                last.extend_from_slice(key);
            }
        }
        self.in_block += 1;
        self.written += 1;
        if self.in_block == self.block_entries {
            self.finish(table)?;
        }
        Ok(())
    }

    /// Stores the block in progress, if any.
    pub fn finish(&mut self, table: &mut redb::Table<&'static [u8], &'static [u8]>) -> Result<(), redb::Error> {
        if self.in_block > 0 {
            table.insert(self.first_key.as_slice(), self.block.as_slice())?;
            self.block.clear();
            self.in_block = 0;
        }
        Ok(())
    }
}

/// Reads a run in key order, starting after a given key: what a merge consumes, a chunk per transaction.
pub struct RunCursor<'a> {
    blocks: redb::Range<'a, &'static [u8], &'static [u8]>,
    /// The block being read, and where its next entry starts.
    block: Option<(redb::AccessGuard<'a, &'static [u8]>, usize)>,
}

impl<'a> RunCursor<'a> {
    /// A cursor over a run's `table`, at the first entry whose key is greater than `after`.
    pub fn open<T>(table: &'a T, after: Option<&[u8]>) -> Result<Self, redb::Error>
    where
        T: ReadableTable<&'static [u8], &'static [u8]>,
    {
        let start = match after {
            None => None,
            Some(after) => table.range::<&[u8]>(..=after)?.next_back().transpose()?.map(|(k, _)| k.value().to_vec()),
        };
        let blocks = match &start {
            Some(start) => table.range::<&[u8]>(start.as_slice()..)?,
            None => table.range::<&[u8]>(..)?,
        };
        let mut cursor = RunCursor { blocks, block: None };
        cursor.load_next_block()?;
        if let Some(after) = after {
            while cursor.peek()?.is_some_and(|(key, _, _)| key <= after) {
                cursor.advance()?;
            }
        }
        Ok(cursor)
    }

    fn load_next_block(&mut self) -> Result<(), redb::Error> {
        self.block = self.blocks.next().transpose()?.map(|(_, block)| (block, 0));
        Ok(())
    }

    /// The entry under the cursor.
    pub fn peek(&self) -> Result<Option<Entry<'_>>, redb::Error> {
        let Some((block, at)) = &self.block else { return Ok(None) };
        BlockEntries::new(&block.value()[*at..]).next_entry()
    }

    /// Moves past the entry under the cursor.
    pub fn advance(&mut self) -> Result<(), redb::Error> {
        let Some((block, at)) = &mut self.block else { return Ok(()) };
        let bytes = &block.value()[*at..];
        let mut entries = BlockEntries::new(bytes);
        entries.next_entry()?;
        *at += bytes.len() - entries.bytes.len();
        if *at >= block.value().len() {
            self.load_next_block()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use redb::{Database, ReadableDatabase, ReadableTableMetadata};

    use super::*;

    const TABLE: RunTable = RunTable::new("ballot_run_0");

    fn key(n: u32) -> Vec<u8> {
        format!("2020-08-22||{n:08}").into_bytes()
    }

    /// A database holding one run of `n` ballots (`key(i)`, seq `i`, case `c{i % 3}`) in blocks of `block`.
    fn run_of(n: u32, block: usize) -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().expect("temp");
        let db = Database::create(dir.path().join("r.redb")).expect("db");
        let txn = db.begin_write().expect("txn");
        {
            let mut table = txn.open_table(TABLE).expect("table");
            let mut writer = RunWriter::new(block);
            let mut bloom = Bloom::with_capacity(u64::from(n));
            for i in 0..n {
                let case = format!("c{}", i % 3);
                writer.push(&mut table, &mut bloom, (&key(i), u64::from(i), &case)).expect("push");
            }
            writer.finish(&mut table).expect("finish");
            assert_eq!(writer.written, u64::from(n));
            if n > 0 {
                assert_eq!(writer.range, Some((key(0), key(n - 1))));
            }
            for i in 0..n {
                assert!(bloom.may_contain(&key(i)), "the filter holds every key written");
            }
        }
        txn.commit().expect("commit");
        (dir, db)
    }

    #[test]
    fn every_key_written_is_found_in_its_block_and_no_other() {
        let (_dir, db) = run_of(100, 7);
        let txn = db.begin_read().expect("read");
        let table = txn.open_table(TABLE).expect("table");
        assert_eq!(table.len().expect("len"), 15, "100 entries in blocks of 7");
        for i in 0..100 {
            let found = find(&table, &key(i)).expect("find").expect("written");
            assert_eq!(found, Found { seq: u64::from(i), case: format!("c{}", i % 3) });
        }
        let before_all = b"2020-08-21||".to_vec();
        let between = format!("2020-08-22||{:08}x", 41).into_bytes();
        for absent in [before_all, between, key(100)] {
            assert_eq!(find(&table, &absent).expect("find"), None);
        }
        assert_eq!(key_range(&table).expect("range"), Some((key(0), key(99))));
    }

    #[test]
    fn a_cursor_reads_in_order_from_after_any_key() {
        let (_dir, db) = run_of(40, 6);
        let txn = db.begin_read().expect("read");
        let table = txn.open_table(TABLE).expect("table");
        for after in [None, Some(0), Some(5), Some(6), Some(17), Some(38), Some(39)] {
            let after_key = after.map(key);
            let mut cursor = RunCursor::open(&table, after_key.as_deref()).expect("cursor");
            let mut seen = Vec::new();
            while let Some((k, seq, _)) = cursor.peek().expect("peek") {
                assert_eq!(k, key(u32::try_from(seq).expect("small")).as_slice());
                seen.push(seq);
                cursor.advance().expect("advance");
            }
            let from = after.map_or(0, |a| a + 1);
            assert_eq!(seen, (u64::from(from)..40).collect::<Vec<_>>(), "after {after:?}");
        }
    }

    #[test]
    fn an_empty_run_has_no_range_and_finds_nothing() {
        let (_dir, db) = run_of(0, 4);
        let txn = db.begin_read().expect("read");
        let table = txn.open_table(TABLE).expect("table");
        assert_eq!(key_range(&table).expect("range"), None);
        assert_eq!(find(&table, &key(0)).expect("find"), None);
        assert!(RunCursor::open(&table, None).expect("cursor").peek().expect("peek").is_none());
    }

    #[test]
    fn a_damaged_block_is_an_error_never_a_panic() {
        let mut good = Vec::new();
        encode_entry(&mut good, &key(1), 1, "c1");
        encode_entry(&mut good, &key(2), 2, "c2");
        let mut not_utf8 = Vec::new();
        encode_entry(&mut not_utf8, &key(1), 1, "c1");
        let at = not_utf8.len() - 1;
        not_utf8[at] = 0xff;
        let mut long_key = Vec::new();
        encode_entry(&mut long_key, &key(1), 1, "c1");
        long_key[0] = 0xff;
        let mut damaged: Vec<(&str, Vec<u8>)> = (1..good.len())
            .map(|n| ("truncated", good[..n].to_vec()))
            .filter(|(_, b)| b.len() != good.len() / 2)
            .collect();
        damaged.push(("case not UTF-8", not_utf8));
        damaged.push(("key longer than the block", long_key));
        for (what, block) in &damaged {
            let mut entries = BlockEntries::new(block);
            let result = (|| {
                while entries.next_entry()?.is_some() {}
                Ok::<(), redb::Error>(())
            })();
            let Err(redb::Error::Corrupted(message)) = result else {
                panic!("{what} ({} bytes): {result:?}", block.len())
            };
            assert!(message.starts_with("ballot index: "), "{message}");
        }
        // Through the table: a lookup, a range and a cursor over a damaged block fail with Corrupted.
        let (_dir, db) = run_of(4, 4);
        let txn = db.begin_write().expect("txn");
        txn.open_table(TABLE).expect("table").insert(key(0).as_slice(), &good[..good.len() - 3]).expect("damage");
        let table = txn.open_table(TABLE).expect("table");
        assert!(matches!(find(&table, &key(3)), Err(redb::Error::Corrupted(_))));
        assert!(matches!(key_range(&table), Err(redb::Error::Corrupted(_))));
        let walk = || -> Result<(), redb::Error> {
            let mut cursor = RunCursor::open(&table, None)?;
            while cursor.peek()?.is_some() {
                cursor.advance()?;
            }
            Ok(())
        };
        assert!(matches!(walk(), Err(redb::Error::Corrupted(_))));
    }

    #[test]
    fn run_tables_are_named_by_id() {
        assert_eq!(table_name(42), "ballot_run_42");
        assert_eq!(run_id("ballot_run_42"), Some(42));
        assert_eq!(run_id("ballot_run_x"), None);
        assert_eq!(run_id("audit"), None);
        assert_eq!(day(b"2020-08-22|k1|abc"), b"2020-08-22");
    }
}
