//! A blocked Bloom filter over ballot keys, one per run: it answers "certainly not in this run" for almost every
//! new ballot after reading a single cache line, so a vote costs no table lookup in runs that cannot hold it.

/// Bits per key: with 8 probes inside one 512-bit block, about 1% false positives.
const BITS_PER_KEY: usize = 10;
const PROBES: u32 = 8;

/// The filter: 512-bit blocks; a key sets 8 bits of one block.
#[derive(Clone)]
pub struct Bloom {
    blocks: Vec<[u64; 8]>,
}

impl std::fmt::Debug for Bloom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bloom({} bytes)", self.bytes())
    }
}

impl Bloom {
    /// An empty filter sized for `keys` keys.
    pub fn with_capacity(keys: u64) -> Self {
        let bits = (keys.max(1) as usize).saturating_mul(BITS_PER_KEY);
        Bloom { blocks: vec![[0; 8]; bits.div_ceil(512)] }
    }

    pub fn insert(&mut self, key: &[u8]) {
        let (block, bits) = self.locate(key);
        for bit in bits {
            self.blocks[block][bit / 64] |= 1 << (bit % 64);
        }
    }

    /// False if `key` was certainly never inserted.
    pub fn may_contain(&self, key: &[u8]) -> bool {
        let (block, bits) = self.locate(key);
        let words = &self.blocks[block];
        bits.into_iter().all(|bit| words[bit / 64] & (1 << (bit % 64)) != 0)
    }

    /// Memory held, in bytes.
    pub fn bytes(&self) -> usize {
        self.blocks.len() * 64
    }

    /// The block of `key` and its bits in that block.
    fn locate(&self, key: &[u8]) -> (usize, [usize; PROBES as usize]) {
        let hash = hash(key);
        let block = ((hash >> 32) * self.blocks.len() as u64) >> 32;
        let mut mix = hash.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut bits = [0; PROBES as usize];
        for bit in &mut bits {
            mix = mix.rotate_left(9).wrapping_add(hash);
            *bit = (mix & 511) as usize;
        }
        (block as usize, bits)
    }
}

/// A 64-bit hash of a key. Ballot keys end in a keyed hash of the client (16 bytes that look random to anyone
/// without the service's secret), so those bytes are used as they are, mixed with an FNV-1a hash of the
/// `day|scope|` prefix; other keys are hashed whole.
fn hash(key: &[u8]) -> u64 {
    fn fnv(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3))
    }
    match key.len().checked_sub(16) {
        Some(at) => {
            let tail = &key[at..];
            let a = u64::from_le_bytes(tail[..8].try_into().expect("8 bytes"));
            let b = u64::from_le_bytes(tail[8..].try_into().expect("8 bytes"));
            a ^ b.rotate_left(29) ^ fnv(&key[..at]).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        }
        None => fnv(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserted_keys_are_found_and_few_others_are() {
        let mut bloom = Bloom::with_capacity(10_000);
        for i in 0..10_000u32 {
            bloom.insert(format!("2020-08-22||{i}").as_bytes());
        }
        assert!((0..10_000u32).all(|i| bloom.may_contain(format!("2020-08-22||{i}").as_bytes())));
        let false_positives = (10_000..110_000u32).filter(|i| bloom.may_contain(format!("2020-08-22||{i}").as_bytes()));
        let rate = false_positives.count() as f64 / 100_000.0;
        assert!(rate < 0.03, "false positive rate {rate}");
    }

    #[test]
    fn ballot_keys_with_random_tails_have_few_false_positives() {
        // splitmix64, standing in for the keyed client hash.
        let mut state = 7u64;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let mut key = || [b"2020-08-22||".as_slice(), &next().to_le_bytes(), &next().to_le_bytes()].concat();
        let inserted: Vec<Vec<u8>> = (0..20_000).map(|_| key()).collect();
        let mut bloom = Bloom::with_capacity(20_000);
        inserted.iter().for_each(|k| bloom.insert(k));
        assert!(inserted.iter().all(|k| bloom.may_contain(k)));
        let rate = (0..100_000).filter(|_| bloom.may_contain(&key())).count() as f64 / 100_000.0;
        assert!(rate < 0.02, "false positive rate {rate}");
        // The same client on another day is another key.
        let other_day = [b"2020-08-23||".as_slice(), &inserted[0][12..]].concat();
        let days = (0..1).filter(|_| bloom.may_contain(&other_day)).count();
        assert!(days <= 1);
    }

    #[test]
    fn an_empty_filter_contains_nothing() {
        let bloom = Bloom::with_capacity(0);
        assert!(!bloom.may_contain(b"anything"));
        assert_eq!(bloom.bytes(), 64);
    }
}
