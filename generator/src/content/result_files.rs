//! Reads the inputs of the results, once the vote is over: `votes/tally.json` (exported by `vote-service`) and the
//! panels' marks `scores/media.yaml` and `scores/expert.yaml`. Each file is kept with its SHA-256 (published so that
//! anyone can check the results were computed from these very files) and the line of every key.
//!
//! A panel file maps case ids to the list of the members' marks, each a number from 0 to 100:
//!
//! ```yaml
//! smart-port-x: [88, 92, 85.5, 90, 79]
//! ```
//!
//! A panel may instead commit its filled mark sheet, `scores/media.csv` or `scores/expert.csv`
//! ([`super::score_sheet`]), which records recusals (回避); one panel's marks live in one file, never both.
//!
//! This stage checks each file on its own (syntax, types, ranges); [`crate::results::validate`] checks them against
//! the cases and the shortlist. The integrity statement's inputs beside the tally (decisions, the review report, the
//! receipts) are read by [`super::integrity_files`] and [`super::receipts_file`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use vote_service::tally::Tally;

use crate::content::integrity_files::{DecisionsFile, ReviewFile, parse_decisions, parse_review};
use crate::content::key_lines::KeyLines;
use crate::content::read_text;
use crate::content::receipts_file::{ReceiptsFile, read_receipts};
use crate::content::site_file::yaml_problem;
use crate::diagnostics::{Problem, Report};
use crate::text::hex;

/// Score and tally files are small; anything bigger is a mistake.
const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// One input file of the results, as read.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    /// Path below the content folder with `/` separators, e.g. `votes/tally.json`: how the file is named in
    /// the published results.
    pub name: String,
    pub sha256: String,
    pub text: String,
    pub lines: KeyLines,
}

impl InputFile {
    pub fn error(&self, key: &str, message: impl Into<String>) -> Problem {
        Problem::error(&self.path, self.lines.line(key), key, message)
    }

    pub fn warning(&self, key: &str, message: impl Into<String>) -> Problem {
        Problem::warning(&self.path, self.lines.line(key), key, message)
    }
}

/// The tally the vote service exported.
#[derive(Debug, Clone)]
pub struct TallyFile {
    pub file: InputFile,
    pub tally: Tally,
}

/// Which panel marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    /// 媒体评测
    Media,
    /// 专家评审
    Expert,
}

impl Panel {
    pub fn file_name(self) -> &'static str {
        match self {
            Panel::Media => "media.yaml",
            Panel::Expert => "expert.yaml",
        }
    }

    /// The file name of the panel's mark sheet (`generator sheets`).
    pub fn sheet_name(self) -> &'static str {
        match self {
            Panel::Media => "media.csv",
            Panel::Expert => "expert.csv",
        }
    }

    /// The prefix of its members' codes: M1, M2, ... and E1, E2, ...
    pub fn code_prefix(self) -> char {
        match self {
            Panel::Media => 'M',
            Panel::Expert => 'E',
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Panel::Media => "媒体评测",
            Panel::Expert => "专家评审",
        }
    }
}

/// One panel's marks, by case id, in the order of the file.
#[derive(Debug, Clone)]
pub struct PanelFile {
    pub panel: Panel,
    pub file: InputFile,
    pub marks: BTreeMap<String, Vec<f64>>,
    /// Cases whose line had an error, already reported; their marks above are only the valid ones.
    pub flawed: Vec<String>,
    /// The codes of the members recused (回避) from each case; only a mark sheet records them.
    pub recused: BTreeMap<String, Vec<String>>,
}

/// What of the results' inputs exists in the content folder.
#[derive(Debug, Clone, Default)]
pub struct ResultFiles {
    /// The content folder.
    pub root: PathBuf,
    /// Files that exist, whether or not they could be parsed: to tell "not yet" from "broken".
    pub present: Vec<PathBuf>,
    pub tally: Option<TallyFile>,
    pub media: Option<PanelFile>,
    pub expert: Option<PanelFile>,
    /// The integrity statement's inputs ([`super::integrity_files`], [`super::receipts_file`]).
    pub decisions: Option<DecisionsFile>,
    pub review: Option<ReviewFile>,
    pub receipts: Option<ReceiptsFile>,
    /// The objections of the publicity period (公示), `objections.yaml` ([`super::objections_file`]).
    pub objections: Option<super::objections_file::ObjectionsFile>,
}

impl ResultFiles {
    pub fn tally_path(root: &Path) -> PathBuf {
        root.join("votes").join("tally.json")
    }

    /// The file that holds `panel`'s marks: its mark sheet when there is one, else the YAML file.
    pub fn panel_path(root: &Path, panel: Panel) -> PathBuf {
        let sheet = Self::sheet_path(root, panel);
        if sheet.exists() { sheet } else { root.join("scores").join(panel.file_name()) }
    }

    /// `scores/media.csv` or `scores/expert.csv` under `root`.
    pub fn sheet_path(root: &Path, panel: Panel) -> PathBuf {
        root.join("scores").join(panel.sheet_name())
    }

    /// `votes/decisions.yaml`, `votes/review.jsonl` or `votes/receipts.jsonl` under `root`.
    pub fn votes_path(root: &Path, name: &str) -> PathBuf {
        root.join("votes").join(name)
    }

    /// True when the tally file exists (whether or not it could be read).
    pub fn has_tally(&self) -> bool {
        self.present.contains(&Self::tally_path(&self.root))
    }

    /// True when `panel`'s file exists (whether or not it could be read).
    pub fn has_panel(&self, panel: Panel) -> bool {
        self.present.contains(&Self::panel_path(&self.root, panel))
    }

    /// True when none of the files exists: the vote is not over, and the site shows no results.
    pub fn is_empty(&self) -> bool {
        self.present.is_empty()
    }
}

/// Reads whichever of the results' files exist under `root`, reporting what is wrong with each.
pub fn read(root: &Path, report: &mut Report) -> ResultFiles {
    let mut files = ResultFiles { root: root.to_path_buf(), ..ResultFiles::default() };
    let tally_path = ResultFiles::tally_path(root);
    if tally_path.exists() {
        files.present.push(tally_path.clone());
        files.tally = read_input(root, &tally_path, report).and_then(|file| parse_tally(file, report));
    }
    let review_path = ResultFiles::votes_path(root, "review.jsonl");
    if review_path.exists() {
        files.present.push(review_path.clone());
        files.review = read_input(root, &review_path, report).and_then(|file| parse_review(file, report));
    }
    let decisions_path = ResultFiles::votes_path(root, "decisions.yaml");
    if decisions_path.exists() {
        files.present.push(decisions_path.clone());
        files.decisions = read_input(root, &decisions_path, report)
            .and_then(|file| parse_decisions(file, files.review.as_ref(), report));
    }
    let receipts_path = ResultFiles::votes_path(root, "receipts.jsonl");
    if receipts_path.exists() {
        files.present.push(receipts_path.clone());
        files.receipts = read_receipts(&receipts_path, report);
    }
    files.objections = super::objections_file::read(root, report);
    for panel in [Panel::Media, Panel::Expert] {
        let path = ResultFiles::panel_path(root, panel);
        let yaml = root.join("scores").join(panel.file_name());
        if path != yaml && yaml.exists() {
            let message = format!(
                "both {} and {} hold the {}'s marks; keep one of them (the filled sheet or the YAML), so that they \
                 cannot disagree",
                panel.sheet_name(),
                panel.file_name(),
                panel.name()
            );
            report.push(Problem::error(&path, None, panel.sheet_name(), message));
        }
        if path.exists() {
            files.present.push(path.clone());
            let is_sheet = path != yaml;
            let parsed = read_input(root, &path, report).and_then(|file| {
                if is_sheet { super::score_sheet::parse(panel, file, report) } else { parse_panel(panel, file, report) }
            });
            match panel {
                Panel::Media => files.media = parsed,
                Panel::Expert => files.expert = parsed,
            }
        }
    }
    files
}

pub(crate) fn read_input(root: &Path, path: &Path, report: &mut Report) -> Option<InputFile> {
    let field = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let text = read_text(path, &field, MAX_INPUT_BYTES).map_err(|p| report.push(p)).ok()?;
    if let Some(line) = crate::content::front_matter::too_deep(&text) {
        report.push(Problem::error(path, Some(line), &field, "nested too deeply with [ ] or { }"));
        return None;
    }
    let name = path
        .strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    Some(InputFile {
        path: path.to_path_buf(),
        name,
        sha256: hex(&Sha256::digest(text.as_bytes())),
        lines: KeyLines::index(&text, 1),
        text,
    })
}

fn parse_tally(file: InputFile, report: &mut Report) -> Option<TallyFile> {
    match serde_json::from_str::<Tally>(&file.text) {
        Ok(tally) => Some(TallyFile { file, tally }),
        Err(e) => {
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
            report.push(Problem::error(
                &file.path,
                Some(e.line()),
                "tally",
                format!("{message}; this file must be the JSON that `vote-service export` writes"),
            ));
            None
        }
    }
}

fn parse_panel(panel: Panel, file: InputFile, report: &mut Report) -> Option<PanelFile> {
    let value: serde_yaml::Value = match serde_yaml::from_str(&file.text) {
        Ok(value) => value,
        Err(e) => {
            report.push(duplicate_key(&file, &e).unwrap_or_else(|| yaml_problem(&file.path, 1, &e)));
            return None;
        }
    };
    let map = match value {
        serde_yaml::Value::Mapping(map) => map,
        serde_yaml::Value::Null => serde_yaml::Mapping::new(),
        _ => {
            report.push(Problem::error(
                &file.path,
                Some(1),
                "marks",
                "must map case ids to lists of marks, e.g. `smart-port-x: [88, 92, 85]`",
            ));
            return None;
        }
    };
    let mut marks = BTreeMap::new();
    let mut flawed = Vec::new();
    for (key, value) in &map {
        let Some(id) = key.as_str() else {
            report.push(file.error("marks", format!("the key {key:?} is not a case id")));
            continue;
        };
        let Some(items) = value.as_sequence() else {
            report.push(file.error(id, "must be a list of marks, e.g. [88, 92, 85]"));
            marks.insert(id.to_owned(), Vec::new());
            flawed.push(id.to_owned());
            continue;
        };
        if items.is_empty() {
            report.push(file.error(id, "has no marks; remove the line or add the panel's marks"));
            marks.insert(id.to_owned(), Vec::new());
            flawed.push(id.to_owned());
            continue;
        }
        let mut list = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let field = format!("{id}[{i}]");
            match item.as_f64() {
                Some(mark) if mark.is_finite() && (0.0..=100.0).contains(&mark) => list.push(mark),
                Some(mark) => {
                    report.push(file.error(&field, format!("the mark {mark} is outside 0..100")));
                    flawed.push(id.to_owned());
                }
                None => {
                    report.push(file.error(&field, format!("{} is not a number from 0 to 100", show(item))));
                    flawed.push(id.to_owned());
                }
            }
        }
        marks.insert(id.to_owned(), list);
    }
    // Marks that are wrong have been reported; the rest is still checked against the shortlist, so that every
    // problem shows at once. No results are computed while the report holds an error.
    Some(PanelFile { panel, file, marks, flawed, recused: BTreeMap::new() })
}

/// serde_yaml reports a case listed twice at the start of the mapping; this points at the second listing instead.
fn duplicate_key(file: &InputFile, e: &serde_yaml::Error) -> Option<Problem> {
    let message = e.to_string();
    let key = message.strip_prefix("duplicate entry with key \"")?.split('"').next()?;
    let second = file
        .text
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim_start_matches(['"', '\'']);
            line.strip_prefix(key).is_some_and(|rest| rest.trim_start_matches(['"', '\'']).starts_with(':'))
        })
        .nth(1)?
        .0;
    Some(Problem::error(
        &file.path,
        Some(second + 1),
        key,
        format!(
            "'{key}' is listed twice (first on line {}); keep one line per case",
            file.lines.line(key).unwrap_or(1)
        ),
    ))
}

/// A YAML value as the editor wrote it, for messages.
fn show(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(s) => format!("'{s}'"),
        other => serde_yaml::to_string(other).map_or_else(|_| "this".to_owned(), |s| s.trim().to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel(text: &str) -> (Option<PanelFile>, Vec<String>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("media.yaml");
        std::fs::write(&path, text).expect("write");
        let mut report = Report::default();
        let file = read_input(dir.path(), &path, &mut report).expect("readable");
        let parsed = parse_panel(Panel::Media, file, &mut report);
        let problems = report.sorted().iter().map(|p| format!("{:?}: {}: {}", p.line, p.field, p.message)).collect();
        (parsed, problems)
    }

    #[test]
    fn marks_are_numbers_from_0_to_100() {
        let (_, problems) = panel("a: [88, 92.5, 0, 100]\nb:\n  - 70\n  - 101\n  - '九十'\nc: 5\nd: []\n");
        assert_eq!(
            problems,
            [
                "Some(4): b[1]: the mark 101 is outside 0..100",
                "Some(5): b[2]: '九十' is not a number from 0 to 100",
                "Some(6): c: must be a list of marks, e.g. [88, 92, 85]",
                "Some(7): d: has no marks; remove the line or add the panel's marks",
            ]
        );
        let (parsed, problems) = panel("a: [88, 92.5]\n");
        assert!(problems.is_empty(), "{problems:?}");
        let parsed = parsed.expect("valid");
        assert_eq!((parsed.marks["a"].as_slice(), parsed.flawed.len()), (&[88.0, 92.5][..], 0));
    }

    #[test]
    fn a_case_listed_twice_is_an_error_with_its_line() {
        let (parsed, problems) = panel("a: [1]\nb: [2]\na: [3]\n");
        assert!(parsed.is_none());
        assert_eq!(problems, ["Some(3): a: 'a' is listed twice (first on line 1); keep one line per case"]);
    }
}
