//! The newest ballots, in memory, until they are written as a run. Entries are small and fixed in size (no
//! allocation per ballot): the `day|scope|` prefix of a key and the case are numbers into short name tables, and
//! the rest of the key is the client's 16-byte hash.

use std::collections::HashMap;

use super::run::Found;

/// The length of the client hash that ends every ballot key.
const HASH: usize = 16;

/// A ballot key: the number of its prefix, and the client's hash.
type Key = (u32, [u8; HASH]);
/// A ballot: its audit sequence number and the number of its case.
type Value = (u64, u32);

/// Names numbered in the order they are first seen.
#[derive(Debug)]
struct Names<T: ?Sized + Eq + std::hash::Hash> {
    numbers: HashMap<Box<T>, u32>,
    names: Vec<Box<T>>,
}

impl<T: ?Sized + Eq + std::hash::Hash> Default for Names<T> {
    fn default() -> Self {
        Names { numbers: HashMap::new(), names: Vec::new() }
    }
}

impl<T: ?Sized + Eq + std::hash::Hash> Clone for Names<T>
where
    Box<T>: Clone,
{
    fn clone(&self) -> Self {
        Names { numbers: self.numbers.clone(), names: self.names.clone() }
    }
}

impl<T: ?Sized + Eq + std::hash::Hash> Names<T>
where
    Box<T>: for<'a> From<&'a T> + Clone,
{
    fn number(&mut self, name: &T) -> u32 {
        if let Some(n) = self.numbers.get(name) {
            return *n;
        }
        let n = u32::try_from(self.names.len()).expect("fewer than 2^32 names");
        self.names.push(Box::from(name));
        self.numbers.insert(Box::from(name), n);
        n
    }

    fn find(&self, name: &T) -> Option<u32> {
        self.numbers.get(name).copied()
    }

    fn name(&self, n: u32) -> &T {
        &self.names[n as usize]
    }
}

/// A key split into its prefix and its client hash, if it is long enough to be a ballot key.
fn split(key: &[u8]) -> Option<(&[u8], [u8; HASH])> {
    let at = key.len().checked_sub(HASH)?;
    Some((&key[..at], key[at..].try_into().expect("16 bytes")))
}

/// Ballots not yet in a run.
#[derive(Debug, Default)]
pub struct Memtable {
    prefixes: Names<[u8]>,
    cases: Names<str>,
    entries: HashMap<Key, Value>,
}

impl Memtable {
    /// An empty memtable with room for `capacity` ballots.
    pub fn with_capacity(capacity: usize) -> Self {
        Memtable { entries: HashMap::with_capacity(capacity), ..Memtable::default() }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &[u8]) -> Option<Found> {
        let (prefix, hash) = split(key)?;
        let (seq, case) = self.entries.get(&(self.prefixes.find(prefix)?, hash))?;
        Some(Found { seq: *seq, case: self.cases.name(*case).to_owned() })
    }

    /// Adds a ballot. (Ballot keys always end in a client hash; a shorter key is a bug, and is refused loudly.)
    pub fn insert(&mut self, key: &[u8], seq: u64, case: &str) {
        let (prefix, hash) = split(key).expect("a ballot key ends in a 16-byte client hash");
        let key = (self.prefixes.number(prefix), hash);
        let case = self.cases.number(case);
        self.entries.insert(key, (seq, case));
    }

    /// Empties the memtable into a [`Frozen`] one, to be written as a run. Its keys are sorted on a helper thread
    /// (a 65,536-ballot sort would hold up the votes of a batch); the memtable starts again with room for
    /// `capacity` ballots, so that it does not grow (and rehash) while votes wait.
    pub fn freeze(&mut self, capacity: usize) -> Frozen {
        let empty = Memtable {
            prefixes: self.prefixes.clone(),
            cases: self.cases.clone(),
            entries: HashMap::with_capacity(capacity),
        };
        let table = std::mem::replace(self, empty);
        let keys: Vec<Key> = table.entries.keys().copied().collect();
        let sorting = std::thread::Builder::new().name("ballot-sort".to_owned()).spawn({
            let names = table.prefixes.names.clone();
            move || sort_keys(keys, &names)
        });
        let order = match sorting {
            Ok(handle) => Order::Sorting(handle),
            // No thread to be had: sort here.
            Err(_) => Order::Sorted(table.sorted_keys()),
        };
        Frozen { table, order }
    }

    /// The keys in ascending order of their bytes.
    fn sorted_keys(&self) -> Vec<Key> {
        sort_keys(self.entries.keys().copied().collect(), &self.prefixes.names)
    }
}

/// `keys` in ascending order of their bytes; `names` are the prefixes by number.
fn sort_keys(mut keys: Vec<Key>, names: &[Box<[u8]>]) -> Vec<Key> {
    let mut rank: Vec<u32> = (0..names.len() as u32).collect();
    rank.sort_by(|a, b| names[*a as usize].cmp(&names[*b as usize]));
    // Sorting by (rank of prefix, hash) is sorting by the key's bytes unless a prefix begins another one (a scope
    // with a `|` in it); then compare the bytes themselves.
    let nested = rank.windows(2).any(|w| names[w[1] as usize].starts_with(&names[w[0] as usize]));
    if nested {
        keys.sort_unstable_by(|(pa, ha), (pb, hb)| {
            names[*pa as usize].iter().chain(ha).cmp(names[*pb as usize].iter().chain(hb))
        });
    } else {
        let mut rank_of = vec![0; rank.len()];
        for (r, n) in rank.iter().enumerate() {
            rank_of[*n as usize] = r as u32;
        }
        keys.sort_unstable_by_key(|(prefix, hash)| (rank_of[*prefix as usize], *hash));
    }
    keys
}

/// The keys of a frozen memtable in ascending order: being sorted, or sorted.
#[derive(Debug)]
enum Order {
    Sorting(std::thread::JoinHandle<Vec<Key>>),
    Sorted(Vec<Key>),
}

/// A memtable being written as a run: still looked up until the run is complete.
#[derive(Debug)]
pub struct Frozen {
    table: Memtable,
    order: Order,
}

impl Frozen {
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Whether the keys are sorted, so that [`Frozen::entry`] may be called. `wait` waits for the sort.
    pub fn sorted(&mut self, wait: bool) -> bool {
        if let Order::Sorting(handle) = &self.order
            && (wait || handle.is_finished())
        {
            let Order::Sorting(handle) = std::mem::replace(&mut self.order, Order::Sorted(Vec::new())) else {
                unreachable!("matched above")
            };
            // The sort thread failed (it cannot, short of memory): sort here.
            let sorted = handle.join().unwrap_or_else(|_| self.table.sorted_keys());
            self.order = Order::Sorted(sorted);
        }
        matches!(self.order, Order::Sorted(_))
    }

    pub fn get(&self, key: &[u8]) -> Option<Found> {
        self.table.get(key)
    }

    /// Entry `i` in key order, with its key written into `key`: (seq, case). Only once [`Frozen::sorted`].
    pub fn entry(&self, i: usize, key: &mut Vec<u8>) -> (u64, &str) {
        let Order::Sorted(order) = &self.order else { panic!("a frozen memtable is read in order once sorted") };
        let (prefix, hash) = order[i];
        key.clear();
        key.extend_from_slice(self.table.prefixes.name(prefix));
        key.extend_from_slice(&hash);
        let (seq, case) = self.table.entries[&(prefix, hash)];
        (seq, self.table.cases.name(case))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(prefix: &str, n: u8) -> Vec<u8> {
        [prefix.as_bytes(), &[n; 16]].concat()
    }

    fn frozen_keys(frozen: &mut Frozen) -> Vec<Vec<u8>> {
        assert!(frozen.sorted(true));
        let mut buffer = Vec::new();
        (0..frozen.len())
            .map(|i| {
                frozen.entry(i, &mut buffer);
                buffer.clone()
            })
            .collect()
    }

    #[test]
    fn a_scope_with_a_bar_still_freezes_in_byte_order() {
        let mut memtable = Memtable::default();
        for (n, prefix) in ["d|a|", "d|a|b|", "d|a|\x01|", "d|"].iter().enumerate() {
            memtable.insert(&key(prefix, 0x00), n as u64, "a");
            memtable.insert(&key(prefix, 0xff), n as u64 + 10, "a");
            memtable.insert(&key(prefix, b'b'), n as u64 + 20, "a");
        }
        let keys = frozen_keys(&mut memtable.freeze(0));
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn ballots_are_found_and_frozen_in_key_order() {
        let mut memtable = Memtable::default();
        memtable.insert(&key("2020-08-23||", 1), 0, "a");
        memtable.insert(&key("2020-08-22|x|", 9), 1, "b");
        memtable.insert(&key("2020-08-22|x|", 2), 2, "a");
        memtable.insert(&key("2020-08-22||", 5), 3, "c");
        assert_eq!(memtable.get(&key("2020-08-22|x|", 9)), Some(Found { seq: 1, case: "b".to_owned() }));
        assert_eq!(memtable.get(&key("2020-08-22|x|", 1)), None);
        assert_eq!(memtable.get(b"short"), None);
        let mut frozen = memtable.freeze(0);
        assert!(memtable.is_empty());
        assert_eq!(frozen.get(&key("2020-08-23||", 1)), Some(Found { seq: 0, case: "a".to_owned() }));
        let keys = frozen_keys(&mut frozen);
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(keys[0], key("2020-08-22|x|", 2), "'x' sorts before '|'");
    }
}
