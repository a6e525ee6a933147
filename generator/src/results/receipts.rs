//! The receipt check's static files (查验回执): `receipts/index.json` and one small file per hash prefix, so that
//! the verify page fetches a few KB and never the whole list.
//!
//! A receipt `XXXX-XXXX-XXXX` is hashed with SHA-256 (of its 14 ASCII characters, lowercase hex). The file
//! `receipts/<p>.json` holds every receipt whose hash starts with the `prefix_digits` hex digits `p`: for each,
//! only the first [`DIGITS`] hex digits of its hash (counted), or those and the decision that took it out (voided).
//! `prefix_digits` is the smallest (at least 2) for which no file holds more than [`MAX_PER_FILE`] receipts; every
//! prefix gets a file, empty or not, so that a missing file is an error and not "not found".
//!
//! Why 20 hex digits (80 bits) are enough: a made-up receipt matches one of N published hashes by chance with
//! probability N / 2^80, less than 10^-17 for ten million votes. Nothing is reversible but by guessing receipts,
//! and a guessed receipt says only that some vote was counted: files hold no case, day or client.

use std::collections::BTreeMap;

use serde::Serialize;
use vote_service::tally::Applied;

use super::integrity::action_text;
use crate::content::receipts_file::ReceiptsFile;
use crate::text::hex;

/// Hex digits of each receipt's SHA-256 that are published.
pub const DIGITS: usize = 20;

/// The most receipts one prefix file may hold.
pub const MAX_PER_FILE: usize = 256;

/// The receipt check's files, ready to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptIndex {
    pub prefix_digits: usize,
    pub counted: usize,
    pub voided: usize,
    /// (path below the site root, bytes), `receipts/index.json` first.
    pub files: Vec<(String, Vec<u8>)>,
}

#[derive(Serialize)]
struct Index<'a> {
    format: u32,
    hash: &'static str,
    prefix_digits: usize,
    digits: usize,
    counted: usize,
    voided: usize,
    decisions: BTreeMap<&'a str, DecisionInfo<'a>>,
}

#[derive(Serialize)]
struct DecisionInfo<'a> {
    action: &'static str,
    reason: &'a str,
}

#[derive(Serialize, Default)]
struct Bucket<'a> {
    counted: Vec<String>,
    voided: BTreeMap<String, &'a str>,
}

impl ReceiptIndex {
    /// The files for `receipts`; `decisions` give each voided receipt's decision its action and reason.
    pub fn new(receipts: &ReceiptsFile, decisions: &[Applied]) -> ReceiptIndex {
        let hashes = receipts.counted.iter().chain(receipts.voided.iter().map(|(h, _)| h));
        let prefix_digits = prefix_digits(hashes.map(|h| u64::from_be_bytes(h[..8].try_into().expect("8 bytes"))));
        let prefix = |hash: &[u8; 32]| hex(&hash[..prefix_digits.div_ceil(2)])[..prefix_digits].to_owned();
        let digest = |hash: &[u8; 32]| hex(&hash[..DIGITS / 2]);
        let mut buckets: BTreeMap<String, Bucket> = BTreeMap::new();
        for p in 0..16usize.pow(prefix_digits as u32) {
            buckets.insert(format!("{p:0width$x}", width = prefix_digits), Bucket::default());
        }
        for hash in &receipts.counted {
            buckets.entry(prefix(hash)).or_default().counted.push(digest(hash));
        }
        for (hash, decision) in &receipts.voided {
            buckets.entry(prefix(hash)).or_default().voided.insert(digest(hash), decision);
        }
        let index = Index {
            format: 1,
            hash: "SHA-256 of the receipt as XXXX-XXXX-XXXX, lowercase hex",
            prefix_digits,
            digits: DIGITS,
            counted: receipts.counted.len(),
            voided: receipts.voided.len(),
            decisions: decisions
                .iter()
                .map(|d| (d.id.as_str(), DecisionInfo { action: action_text(d.action), reason: &d.reason }))
                .collect(),
        };
        let mut files = vec![("receipts/index.json".to_owned(), json(&index))];
        for (p, mut bucket) in buckets {
            bucket.counted.sort_unstable();
            files.push((format!("receipts/{p}.json"), json(&bucket)));
        }
        ReceiptIndex { prefix_digits, counted: receipts.counted.len(), voided: receipts.voided.len(), files }
    }
}

fn json(value: &impl Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).expect("receipt files serialise");
    bytes.push(b'\n');
    bytes
}

/// The smallest number of hex digits, at least 2, that splits hashes (their first 64 bits) into groups of at most
/// [`MAX_PER_FILE`].
fn prefix_digits(hashes: impl Iterator<Item = u64> + Clone) -> usize {
    let mut digits = 2;
    loop {
        let mut counts: BTreeMap<u64, usize> = BTreeMap::new();
        for h in hashes.clone() {
            *counts.entry(h >> (64 - 4 * digits)).or_default() += 1;
        }
        if digits >= 8 || counts.values().all(|n| *n <= MAX_PER_FILE) {
            return digits;
        }
        digits += 1;
    }
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};
    use vote_service::decisions::Action;

    use super::*;

    fn hash(receipt: &str) -> [u8; 32] {
        Sha256::digest(receipt.as_bytes()).into()
    }

    #[test]
    fn each_prefix_file_holds_truncated_hashes_and_decisions_only() {
        let receipts = ReceiptsFile {
            counted: vec![hash("AAAA-BBBB-CCCC")],
            voided: vec![(hash("DDDD-EEEE-FFFF"), "D1".to_owned())],
            ..ReceiptsFile::default()
        };
        let decisions = [Applied {
            id: "D1".to_owned(),
            action: Action::Void,
            case: "a".to_owned(),
            finding: None,
            voided: 1,
            decided_by: "x".to_owned(),
            decided_on: "2020-09-02".to_owned(),
            reason: "凌晨集中投票".to_owned(),
        }];
        let index = ReceiptIndex::new(&receipts, &decisions);
        assert_eq!(index.prefix_digits, 2);
        assert_eq!(index.files.len(), 1 + 256);
        let full = hex(&hash("AAAA-BBBB-CCCC"));
        let file = index.files.iter().find(|(p, _)| *p == format!("receipts/{}.json", &full[..2])).expect("file");
        let text = String::from_utf8(file.1.clone()).expect("utf-8");
        assert!(text.contains(&full[..DIGITS]) && !text.contains(&full[..DIGITS + 1]), "{text}");
        let index_json = String::from_utf8(index.files[0].1.clone()).expect("utf-8");
        assert!(index_json.contains(r#""D1":{"action":"作废","reason":"凌晨集中投票"}"#), "{index_json}");
        assert!(!index.files.iter().any(|(_, b)| String::from_utf8_lossy(b).contains("AAAA")));
    }

    #[test]
    fn more_receipts_take_more_prefix_digits() {
        let hashes: Vec<u64> =
            (0..70_000u64).map(|i| u64::from_be_bytes(hash(&i.to_string())[..8].try_into().expect("8"))).collect();
        assert_eq!(prefix_digits(hashes[..30_000].iter().copied()), 2);
        assert_eq!(prefix_digits(hashes.iter().copied()), 3);
    }
}
