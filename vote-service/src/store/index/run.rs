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
