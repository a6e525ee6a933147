//! Reads `votes/closing-hashes.yaml`: each day's closing hash of the vote service's audit log, as the service printed
//! it at local midnight and the editors published it the same day, during the vote.
//!
//! ```yaml
//! 2020-08-22: 5d0c…(64 hex digits)        # one vote service
//! 2020-08-23:                             # shards: one hash per database, named as the tally names its sources
//!   votes-1.redb: 9a2b…
//!   votes-2.redb: 41fe…
//! ```
//!
//! The file is not an input of the results: it may exist before the tally, and the hall shows the hashes while the
//! vote goes on. Once the tally is there, [`crate::results::published_hashes`] checks that its audit log still
//! closes each published day with the published hash.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::content::key_lines::KeyLines;
use crate::content::read_text;
use crate::content::site_file::yaml_problem;
use crate::diagnostics::{Problem, Report};

/// A list of a few dozen hashes; anything bigger is a mistake.
const MAX_BYTES: u64 = 1024 * 1024;

/// One published hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedHash {
    pub day: Date,
    /// The database whose audit log it closes, as the tally's `sources[].name`; `None` for a single vote service.
    pub source: Option<String>,
    /// 64 lowercase hex digits.
    pub hash: String,
    /// The line of the hash in the file.
    pub line: Option<usize>,
}

/// `votes/closing-hashes.yaml`, as far as it could be read.
#[derive(Debug, Clone)]
pub struct PublishedHashes {
    pub path: PathBuf,
    /// In the order of days, then sources.
    pub hashes: Vec<PublishedHash>,
}

impl PublishedHashes {
    /// Where the file sits under the content folder.
    pub fn path(root: &Path) -> PathBuf {
        root.join("votes").join("closing-hashes.yaml")
    }

    /// A problem at the line of `hash`.
    pub fn error(&self, hash: &PublishedHash, message: impl Into<String>) -> Problem {
        Problem::error(&self.path, hash.line, &field(hash), message)
    }
}

/// The field a hash is named by in messages: `2020-08-23` or `2020-08-23.votes-1.redb`.
fn field(hash: &PublishedHash) -> String {
    match &hash.source {
        Some(source) => format!("{}.{source}", hash.day),
        None => hash.day.to_string(),
    }
}

/// Reads the file under `root` when it exists, checking each day against the voting window `window`.
pub fn read(root: &Path, window: Option<(Date, Date)>, report: &mut Report) -> Option<PublishedHashes> {
    let path = PublishedHashes::path(root);
    if !path.exists() {
        return None;
    }
    let text = read_text(&path, "closing-hashes.yaml", MAX_BYTES).map_err(|p| report.push(p)).ok()?;
    let value = match serde_yaml::from_str::<serde_yaml::Value>(&text) {
        Ok(value) => value,
        Err(e) => {
            report.push(yaml_problem(&path, 1, &e));
            return None;
        }
    };
    let lines = KeyLines::index(&text, 1);
    let mut reader = Reader { path: &path, lines: &lines, window, report, hashes: Vec::new() };
    match value {
        serde_yaml::Value::Mapping(days) => {
            for (key, value) in &days {
                reader.day(key, value);
            }
        }
        serde_yaml::Value::Null => {}
        _ => reader.problem(
            "closing-hashes",
            "must map each day to its closing hash, e.g. `2020-08-22: 5d0c…` (64 hex digits)",
        ),
    }
    let mut hashes = reader.hashes;
    hashes.sort_by(|a, b| (a.day, &a.source).cmp(&(b.day, &b.source)));
    Some(PublishedHashes { path, hashes })
}

struct Reader<'a> {
    path: &'a Path,
    lines: &'a KeyLines,
    window: Option<(Date, Date)>,
    report: &'a mut Report,
    hashes: Vec<PublishedHash>,
}

impl Reader<'_> {
    fn problem(&mut self, key: &str, message: impl Into<String>) {
        self.report.push(Problem::error(self.path, self.lines.line(key), key, message));
    }

    fn day(&mut self, key: &serde_yaml::Value, value: &serde_yaml::Value) {
        let name = match key {
            serde_yaml::Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
        };
        let Ok(day) = name.parse::<Date>() else {
            return self.problem(&name, format!("'{name}' is not a day; write it as YYYY-MM-DD, e.g. 2020-08-22"));
        };
        if let Some((opens, closes)) = self.window
            && !(opens..=closes).contains(&day)
        {
            return self.problem(
                &name,
                format!("{day} is not a day of the vote ({opens} to {closes}); only days of the vote close"),
            );
        }
        match value {
            serde_yaml::Value::Mapping(sources) => {
                if sources.is_empty() {
                    self.problem(&name, "names no database; give each one's hash, e.g. `votes-1.redb: 9a2b…`");
                }
                for (source, hash) in sources {
                    let source = source.as_str().map(str::trim).unwrap_or_default().to_owned();
                    let key = format!("{name}.{source}");
                    if source.is_empty() {
                        self.problem(&name, "a database must be named by its file name, as the tally names it");
                        continue;
                    }
                    self.hash(&key, day, Some(source), hash);
                }
            }
            hash => self.hash(&name, day, None, hash),
        }
    }

    fn hash(&mut self, key: &str, day: Date, source: Option<String>, value: &serde_yaml::Value) {
        let text = value.as_str().map(str::trim).unwrap_or_default();
        if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return self.problem(
                key,
                "must be the 64 hex digits the vote service printed: `vote-service: day … closed; closing hash …`",
            );
        }
        let line = self.lines.line(key);
        self.hashes.push(PublishedHash { day, source, hash: text.to_ascii_lowercase(), line });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "5d0c4f1e9a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5";

    fn read_text_file(text: &str) -> (Option<PublishedHashes>, Vec<String>) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("votes")).expect("mkdir");
        std::fs::write(PublishedHashes::path(dir.path()), text).expect("write");
        let mut report = Report::default();
        let window = Some(("2020-08-22".parse().expect("date"), "2020-08-31".parse().expect("date")));
        let read = read(dir.path(), window, &mut report);
        let problems = report.sorted().iter().map(|p| format!("{:?}: {}: {}", p.line, p.field, p.message)).collect();
        (read, problems)
    }

    #[test]
    fn a_day_holds_one_hash_or_one_per_database() {
        let upper = A.to_ascii_uppercase();
        let (read, problems) =
            read_text_file(&format!("2020-08-23:\n  b.redb: {A}\n  a.redb: {A}\n2020-08-22: {upper}\n"));
        assert!(problems.is_empty(), "{problems:?}");
        let hashes = read.expect("read").hashes;
        let shown: Vec<(String, Option<&str>, Option<usize>)> =
            hashes.iter().map(|h| (h.day.to_string(), h.source.as_deref(), h.line)).collect();
        assert_eq!(
            shown,
            [
                ("2020-08-22".to_owned(), None, Some(4)),
                ("2020-08-23".to_owned(), Some("a.redb"), Some(3)),
                ("2020-08-23".to_owned(), Some("b.redb"), Some(2)),
            ]
        );
        assert!(hashes.iter().all(|h| h.hash == A), "hashes are kept in lowercase");
    }

    #[test]
    fn days_and_hashes_are_checked_on_their_lines() {
        let (read, problems) = read_text_file(&format!(
            "2020-08-21: {A}\n8月23日: {A}\n2020-08-24: 3f1c\n2020-08-25: {{}}\n2020-08-26:\n  a.redb: [1]\n"
        ));
        assert_eq!(read.expect("read").hashes, []);
        assert_eq!(
            problems,
            [
                "Some(1): 2020-08-21: 2020-08-21 is not a day of the vote (2020-08-22 to 2020-08-31); only days of \
                 the vote close",
                "Some(2): 8月23日: '8月23日' is not a day; write it as YYYY-MM-DD, e.g. 2020-08-22",
                "Some(3): 2020-08-24: must be the 64 hex digits the vote service printed: `vote-service: day … \
                 closed; closing hash …`",
                "Some(4): 2020-08-25: names no database; give each one's hash, e.g. `votes-1.redb: 9a2b…`",
                "Some(6): 2020-08-26.a.redb: must be the 64 hex digits the vote service printed: `vote-service: \
                 day … closed; closing hash …`",
            ]
        );
    }

    #[test]
    fn a_day_published_twice_is_refused() {
        let (read, problems) = read_text_file(&format!("2020-08-22: {A}\n2020-08-22: {A}\n"));
        assert!(read.is_none());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("duplicate"), "{problems:?}");
    }
}
