//! Reads `votes/receipts.jsonl` (`vote-service export --receipts`: every vote's receipt, case, day and the decision
//! that took it out, if one did). The file is PRIVATE: it is read line by line and only the SHA-256 of each receipt
//! is kept, for the receipt check's files ([`crate::results::receipts`]); nothing of it is copied to `output/`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::diagnostics::{Problem, Report};

/// A receipts file with more wrong lines than this is reported by its first ones and a count.
const MAX_RECEIPT_PROBLEMS: usize = 10;

/// `votes/receipts.jsonl`, reduced to what may be published: the SHA-256 of each receipt and, for a vote not
/// counted, the decision. The receipts themselves are not kept.
#[derive(Debug, Clone, Default)]
pub struct ReceiptsFile {
    pub path: PathBuf,
    /// SHA-256 of each counted receipt.
    pub counted: Vec<[u8; 32]>,
    /// SHA-256 of each voided receipt, with the id of the decision that took it out.
    pub voided: Vec<([u8; 32], String)>,
    /// The first line naming each decision, for messages.
    pub decision_lines: BTreeMap<String, usize>,
}

/// A line of the receipts file.
#[derive(Deserialize)]
struct ReceiptLine {
    receipt: String,
    #[allow(dead_code, reason = "required by the export's format, not published")]
    case: String,
    #[allow(dead_code, reason = "required by the export's format, not published")]
    day: String,
    #[serde(default)]
    voided_by: Option<String>,
}

/// Reads `votes/receipts.jsonl` line by line (it may hold millions), keeping only the hashes.
pub fn read_receipts(path: &Path, report: &mut Report) -> Option<ReceiptsFile> {
    let field = "receipts.jsonl";
    let file = std::fs::File::open(path)
        .map_err(|e| report.push(Problem::error(path, None, field, crate::content::io_message(&e))))
        .ok()?;
    let mut out = ReceiptsFile { path: path.to_path_buf(), ..ReceiptsFile::default() };
    let mut problems = 0usize;
    let mut seen = BTreeSet::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line_number = n + 1;
        let mut problem = |message: String| {
            problems += 1;
            if problems <= MAX_RECEIPT_PROBLEMS {
                report.push(Problem::error(path, Some(line_number), "receipt", message));
            }
        };
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                problem(format!("cannot be read: {e} (the file must be UTF-8 JSON lines)"));
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let parsed = match serde_json::from_str::<ReceiptLine>(&line) {
            Ok(parsed) => parsed,
            Err(e) => {
                let message = e.to_string();
                let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
                problem(format!("{message}; each line must be as `vote-service export --receipts` writes it"));
                continue;
            }
        };
        if !is_receipt(&parsed.receipt) {
            problem("not a receipt of the vote service (XXXX-XXXX-XXXX)".to_owned());
            continue;
        }
        let hash: [u8; 32] = Sha256::digest(parsed.receipt.as_bytes()).into();
        if !seen.insert(hash) {
            continue;
        }
        match parsed.voided_by {
            Some(decision) => {
                out.decision_lines.entry(decision.clone()).or_insert(line_number);
                out.voided.push((hash, decision));
            }
            None => out.counted.push(hash),
        }
    }
    if problems > MAX_RECEIPT_PROBLEMS {
        report.push(Problem::error(
            path,
            None,
            "receipt",
            format!(
                "{} more lines are wrong; is this the file `vote-service export --receipts` wrote?",
                problems - MAX_RECEIPT_PROBLEMS
            ),
        ));
    }
    Some(out)
}

/// A receipt as the vote service writes it: 12 characters of its alphabet in groups of 4.
pub fn is_receipt(text: &str) -> bool {
    const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bytes = text.as_bytes();
    bytes.len() == 14
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 9 { *b == b'-' } else { ALPHABET.as_bytes().contains(b) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_keep_only_hashes() {
        let dir = tempfile::tempdir().expect("temp");
        let path = dir.path().join("receipts.jsonl");
        std::fs::write(
            &path,
            "{\"receipt\":\"ABCD-EFGH-JKMN\",\"case\":\"a\",\"day\":\"2020-08-25\"}\n\
             {\"receipt\":\"0000-1111-2222\",\"case\":\"a\",\"day\":\"2020-08-25\",\"voided_by\":\"D1\"}\n\
             {\"receipt\":\"abcd\",\"case\":\"a\",\"day\":\"2020-08-25\"}\n",
        )
        .expect("write");
        let mut report = Report::default();
        let receipts = read_receipts(&path, &mut report).expect("read");
        assert_eq!((receipts.counted.len(), receipts.voided.len()), (1, 1));
        assert_eq!(receipts.counted[0], <[u8; 32]>::from(Sha256::digest(b"ABCD-EFGH-JKMN")));
        assert_eq!(report.sorted()[0].message, "not a receipt of the vote service (XXXX-XXXX-XXXX)");
        assert_eq!(report.sorted()[0].line, Some(3));
    }
}
